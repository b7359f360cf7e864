/**
 * The `api` fulfilment adapter (issue #6, seed 000 section 8 "Direct API mode"): POSTs the
 * delivery to the Minecraft server's plugin, signed, with the order as idempotency key.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { FulfilmentFailedError, type AdapterContext, type FulfilmentAdapter, type FulfilmentOrder } from "../worker/adapters.ts";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from "../webhooks/signature.ts";

/** Settings of {@link createApiAdapter} (from `MINECRAFT_API_*`). */
export interface ApiAdapterOptions {
  /** `MINECRAFT_API_URL`: where deliveries are POSTed. */
  url: string;
  /** `MINECRAFT_API_KEY`: the HMAC key (secret). */
  key: string;
  /** Attempts per job before the order is refunded (`MINECRAFT_API_MAX_ATTEMPTS`). */
  maxAttempts: number;
  /** First backoff in milliseconds, doubled after each failure (`MINECRAFT_API_BACKOFF_MS`). */
  backoffMs: number;
  /** Timeout of one request in milliseconds (`MINECRAFT_API_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Replaces global `fetch` (tests). */
  fetch?: typeof fetch;
}

/** The JSON body the plugin receives (README "Minecraft: direct API"). */
export interface ApiDelivery {
  /** The buyer's linked IGN. */
  player_id: string;
  /** `rewards.payload.action` when the reward sets one, else its category (`rank`, `cosmetic`, `money`, `voucher`). */
  action: string;
  payload: {
    order_id: string;
    guild_id: string;
    discord_id: string;
    lines: { sku: string; qty: number; payload: Record<string, unknown> }[];
  };
  /** `order:<order id>`: the same for every attempt; a replay must answer 2xx with the first result. */
  idempotency_key: string;
}

const answerSchema = z.object({ transaction_id: z.string().min(1).max(150).optional() }).passthrough();

/**
 * Builds the body of an order's delivery.
 *
 * @param order - the pending order.
 * @param ign - the buyer's IGN.
 * @returns the body (serialised once, so every attempt sends the same bytes).
 */
export function apiDelivery(order: FulfilmentOrder, ign: string): ApiDelivery {
  const first = order.lines[0];
  const action = typeof first?.payload.action === "string" ? first.payload.action : (first?.category ?? "deliver");
  return {
    player_id: ign,
    action,
    payload: {
      order_id: order.orderId,
      guild_id: order.guildId,
      discord_id: order.buyerDiscordId,
      lines: order.lines.map((l) => ({ sku: l.sku, qty: l.qty, payload: l.payload })),
    },
    idempotency_key: `order:${order.orderId}`,
  };
}

/**
 * Creates the direct-API adapter. `deliver`: reads the buyer's IGN
 * (`app_hidden.order_minecraft_player`; none linked: {@link FulfilmentFailedError}, refunded),
 * then POSTs {@link ApiDelivery} with `X-Guildbank-Timestamp` and `X-Guildbank-Signature`
 * (HMAC-SHA256 over `<timestamp>.<body>`, re-signed per attempt). A 2xx answer is success: the
 * reference is `api:<transaction_id>` from its JSON, else `api:<order id>`. Anything else (non-2xx,
 * timeout, network error) is retried after `backoffMs × 2^(n−1)` ms, up to `maxAttempts`; then
 * {@link FulfilmentFailedError} (the order is refunded at once).
 *
 * @param options - URL, key, attempts, backoff, timeout.
 * @returns the adapter of kind `api`.
 */
export function createApiAdapter(options: ApiAdapterOptions): FulfilmentAdapter {
  const doFetch = options.fetch ?? fetch;
  return {
    kind: "api",
    async deliver(order: FulfilmentOrder, context: AdapterContext): Promise<string> {
      if (!context.query) throw new Error("the api adapter needs the job's query helper");
      const { rows } = await context.query<{ ign: string | null }>("select app_hidden.order_minecraft_player($1) as ign", [order.orderId]);
      const ign = rows[0]?.ign;
      if (!ign) throw new FulfilmentFailedError("the buyer has no linked Minecraft name");
      const body = JSON.stringify(apiDelivery(order, ign));
      let lastError = "";
      for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
        if (attempt > 1) await sleep(options.backoffMs * 2 ** (attempt - 2), undefined, { signal: context.signal });
        const timestamp = String(Math.floor(Date.now() / 1000));
        try {
          const res = await doFetch(options.url, {
            method: "POST",
            headers: { "content-type": "application/json", [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: sign(options.key, timestamp, body) },
            body,
            signal: AbortSignal.any([context.signal, AbortSignal.timeout(options.timeoutMs)]),
          });
          const text = await res.text();
          if (res.ok) {
            let ref = order.orderId;
            try {
              ref = answerSchema.parse(JSON.parse(text)).transaction_id ?? ref;
            } catch {
              // A 2xx without JSON is still a delivery.
            }
            context.logger.info(`delivered through the Minecraft API (attempt ${attempt})`, { orderId: order.orderId });
            return `api:${ref}`;
          }
          lastError = `HTTP ${res.status}`;
        } catch (err) {
          if (context.signal.aborted) throw err;
          lastError = (err as Error).message;
        }
        context.logger.warn(`Minecraft API attempt ${attempt}/${options.maxAttempts} failed: ${lastError}`, { orderId: order.orderId });
      }
      throw new FulfilmentFailedError(`the Minecraft API failed ${options.maxAttempts} times (last: ${lastError})`);
    },
  };
}
