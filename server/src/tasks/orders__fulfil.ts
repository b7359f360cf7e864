/**
 * `orders__fulfil`: queued by the trigger on `app_public.orders` (job key
 * `orders__fulfil:<order_id>`, 8 attempts, exponential backoff). Re-reads the order, delivers it
 * through the adapter of its fulfilment kind, then settles it with `app_hidden.fulfil_order`.
 * A missing or settled order is left alone, so a retried or duplicated job does nothing.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { JobHelpers, Task } from "graphile-worker";
import { z } from "zod";
import { FulfilmentDeferred, FulfilmentFailedError, type FulfilmentLine, type FulfilmentOrder } from "../worker/adapters.ts";
import { inTransaction } from "../worker/db.ts";
import { errorMessage, parsePayload, type TaskContext } from "./context.ts";

export const ORDERS_FULFIL = "orders__fulfil";

/**
 * An adapter is not started on an order whose escrow times out within this margin
 * (milliseconds): the delivery could finish after the timeout refunded the order.
 */
export const DELIVERY_MARGIN_MS = 60_000;

const payloadSchema = z.object({ order_id: z.uuid() });

interface OrderRow {
  order_id: string;
  guild_id: string;
  kind: FulfilmentOrder["kind"];
  status: FulfilmentOrder["status"];
  fulfilment: FulfilmentOrder["fulfilment"];
  buyer_discord_id: string;
  seller_discord_id: string | null;
  escrow: string;
  expires_at: Date;
  fulfilment_attempts: number;
  lines: { sku: string; qty: number; unit_price: number | string; listing_id: string | null; category: string; payload: Record<string, unknown> }[];
}

/**
 * Re-reads an order through `app_hidden.order_for_fulfilment` (the worker role cannot read
 * tables).
 *
 * @param helpers - the job's helpers (its queries run as `coins_worker`).
 * @param orderId - the order's uuid.
 * @returns the order, or null when it does not exist.
 * @throws database errors.
 */
export async function readOrder(helpers: Pick<JobHelpers, "query">, orderId: string): Promise<FulfilmentOrder | null> {
  const { rows } = await helpers.query<OrderRow>("select * from app_hidden.order_for_fulfilment($1)", [orderId]);
  const r = rows[0];
  if (!r) return null;
  return {
    orderId: r.order_id,
    guildId: r.guild_id,
    kind: r.kind,
    status: r.status,
    fulfilment: r.fulfilment,
    buyerDiscordId: r.buyer_discord_id,
    sellerDiscordId: r.seller_discord_id,
    escrow: r.escrow,
    expiresAt: r.expires_at,
    fulfilmentAttempts: r.fulfilment_attempts,
    lines: r.lines.map(
      (l): FulfilmentLine => ({
        sku: l.sku,
        qty: l.qty,
        unitPrice: String(l.unit_price),
        listingId: l.listing_id,
        category: l.category,
        payload: l.payload,
      }),
    ),
  };
}

/**
 * Builds the `orders__fulfil` task.
 *
 * Payload: `{ order_id: uuid }`. Steps:
 * 1. re-read the order; missing or not pending: done (nothing happens);
 * 2. kind `none`: settle at once (`app_hidden.fulfil_order(order, null)` fulfils, or refunds when
 *    the escrow timed out). Other kinds: when the escrow times out within
 *    {@link DELIVERY_MARGIN_MS}, leave the order to `orders__escrow_timeout`; else
 *    `ref = adapter.deliver(order)`, then settle with `app_hidden.fulfil_order(order, ref)`. If
 *    the order turns out refunded after a delivery (its escrow timed out meanwhile), raise a
 *    critical `delivered_after_refund` ops alert;
 *    An adapter may instead throw `FulfilmentDeferred` (the voucher: the order stays pending until
 *    the redeem webhook fulfils it; the job ends) or `FulfilmentFailedError` (the direct API after
 *    its own retries: `app_hidden.refund_undeliverable_order` refunds at once; the job ends);
 * 3. on any other failure: `app_hidden.record_fulfilment_failure(order, error, final)` with
 *    `final = job.attempts >= job.max_attempts` (the final one raises an ops alert), then rethrow
 *    so graphile-worker retries with exponential backoff. A shutdown abort is not recorded.
 *
 * @param ctx - adapters and the test hook delay.
 * @returns the task function.
 */
export function ordersFulfil(ctx: TaskContext): Task {
  return async (payload, helpers) => {
    const { order_id: orderId } = parsePayload(payloadSchema, payload, ORDERS_FULFIL);
    const { attempts, max_attempts: maxAttempts } = helpers.job;
    const order = await readOrder(helpers, orderId);
    if (!order) {
      helpers.logger.warn("order not found: nothing to fulfil", { orderId });
      return;
    }
    if (order.status !== "pending") {
      helpers.logger.debug(`order already ${order.status}: nothing to do`, { orderId });
      return;
    }
    try {
      const adapter = ctx.adapters[order.fulfilment];
      if (order.fulfilment !== "none" && order.expiresAt.getTime() - Date.now() < DELIVERY_MARGIN_MS) {
        helpers.logger.info("escrow times out before a delivery could finish: left to orders__escrow_timeout", {
          orderId,
          fulfilment: order.fulfilment,
          expiresAt: order.expiresAt.toISOString(),
        });
        return;
      }
      let deliveryRef: string | null;
      try {
        deliveryRef = await adapter.deliver(order, {
          attempt: attempts,
          maxAttempts,
          signal: helpers.abortSignal,
          logger: helpers.logger,
          query: (sql, params) => helpers.query(sql, params),
        });
      } catch (err) {
        if (err instanceof FulfilmentDeferred) {
          helpers.logger.info(`delivery continues outside the job: ${err.message}`, { orderId, reference: err.reference });
          return;
        }
        if (err instanceof FulfilmentFailedError) {
          await helpers.query("select 1 from app_hidden.refund_undeliverable_order($1, $2)", [orderId, err.message]);
          helpers.logger.warn(`delivery failed for good: order refunded (${err.message})`, { orderId, fulfilment: order.fulfilment });
          return;
        }
        throw err;
      }
      const delivered = order.fulfilment !== "none";
      const settled = await inTransaction(helpers.withPgClient, async (client) => {
        const { rows } = await client.query<{ status: string | null; settle_reason: string | null }>(
          "select status::text, settle_reason from app_hidden.fulfil_order($1, $2)",
          [orderId, deliveryRef],
        );
        if (ctx.testFulfilDelayMs > 0) {
          helpers.logger.warn("test hook: holding the fulfilment transaction open", { orderId, delayMs: ctx.testFulfilDelayMs });
          await sleep(ctx.testFulfilDelayMs, undefined, { signal: helpers.abortSignal });
        }
        return rows[0];
      });
      if (delivered && settled?.status !== "fulfilled") {
        // The escrow timed out while the adapter delivered: the buyer has the goods and the coins back.
        await helpers.query("select 1 from app_hidden.raise_alert($1, 'critical', 'delivered_after_refund', $2, $3)", [
          order.guildId,
          `Order ${orderId} was delivered (${order.fulfilment}, ${deliveryRef}) but is ${settled?.status ?? "missing"}; check it by hand.`,
          JSON.stringify({ order_id: orderId, fulfilment: order.fulfilment, delivery_ref: deliveryRef, status: settled?.status ?? null }),
        ]);
        helpers.logger.error("order delivered but not fulfilled", { orderId, status: settled?.status, deliveryRef });
        return;
      }
      helpers.logger.info(`order ${settled?.status ?? "missing"}`, { orderId, fulfilment: order.fulfilment, reason: settled?.settle_reason });
    } catch (err) {
      if (helpers.abortSignal.aborted) throw err;
      const final = attempts >= maxAttempts;
      try {
        await helpers.query("select 1 from app_hidden.record_fulfilment_failure($1, $2, $3)", [orderId, errorMessage(err), final]);
      } catch (recordErr) {
        helpers.logger.error("could not record the failed fulfilment attempt", { orderId, error: recordErr });
      }
      helpers.logger.warn(`fulfilment attempt ${attempts}/${maxAttempts} failed${final ? " (final)" : ""}`, {
        orderId,
        fulfilment: order.fulfilment,
        error: err,
      });
      throw err;
    }
  };
}
