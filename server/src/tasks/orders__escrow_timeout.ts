/**
 * `orders__escrow_timeout` (crontab: every minute): refunds every pending order whose escrow
 * timed out (`guild_settings.escrow_timeout_min` after the purchase). Refunded orders are no
 * longer pending, so a second run finds nothing to do.
 */
import type { Task } from "graphile-worker";
import type { TaskContext } from "./context.ts";

export const ORDERS_ESCROW_TIMEOUT = "orders__escrow_timeout";

/** At most this many batches per run; the next run continues. */
const MAX_BATCHES = 100;

/**
 * Builds the `orders__escrow_timeout` task: calls `app_hidden.refund_expired_orders(now(), batch)`
 * (one transaction per batch of `ctx.refundBatch` orders) until a batch comes back short.
 * Payload: ignored (cron sends `{ _cron: { ts } }`).
 *
 * @param ctx - the batch size.
 * @returns the task function (throws database errors; the next minute's run retries anyway).
 */
export function ordersEscrowTimeout(ctx: TaskContext): Task {
  return async (_payload, helpers) => {
    let total = 0;
    for (let batch = 0; batch < MAX_BATCHES && !helpers.abortSignal.aborted; batch++) {
      const { rows } = await helpers.query<{ n: number }>("select app_hidden.refund_expired_orders(now(), $1) as n", [ctx.refundBatch]);
      total += rows[0].n;
      if (rows[0].n < ctx.refundBatch) break;
    }
    if (total > 0) helpers.logger.info(`refunded ${total} order(s) past their escrow timeout`, { refunded: total });
  };
}
