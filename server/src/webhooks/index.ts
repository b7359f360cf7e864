/**
 * Signed webhooks from the Minecraft server's plugin (issue #6), mounted on `/webhooks`:
 *
 * - `POST /webhooks/redeem` `{code, nonce, player?}`: a voucher was redeemed in game; fulfils its
 *   order exactly once (`app_hidden.redeem_voucher`). 200 `{status: "redeemed", order_id}`; 404
 *   unknown code (VC001), 409 already redeemed (VC002), 410 expired or refunded (VC003).
 * - `POST /webhooks/minecraft/payment` `{guild_id, event_id, payer_ign, amount_minor, raw_line?,
 *   seen_at?, nonce}`: a payment the plugin saw; recorded like a chat line (`record_payment`,
 *   source `webhook:payment`, key `event_id`). 200 `{payment_id, status}`.
 *
 * Both: 401 for a missing, malformed, stale (over 5 minutes) or wrong signature and for a replayed
 * nonce (WH001, WH002), 400 for a body that is not the documented JSON, 503 when the endpoint's
 * secret is not configured. The nonce is claimed in the transaction of the effect, as
 * `coins_listener`. Secrets and signatures are never logged.
 */
import express, { type Request, type Response, type Router } from "express";
import type pg from "pg";
import { z } from "zod";
import { decodeDbError, withClaims, type Logger } from "@guildbank/lib";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from "./signature.ts";
import { describeError } from "../http/errors.ts";
import { bodyParsers } from "../http/body.ts";

export { SIGNATURE_HEADER, SIGNATURE_WINDOW_S, TIMESTAMP_HEADER, sign, verifySignature, type SignatureProblem } from "./signature.ts";

/** What the webhooks need. */
export interface WebhookOptions {
  /** The authenticator pool. */
  pool: pg.Pool;
  logger: Logger;
  /** `REDEMPTION_WEBHOOK_SECRET`: unset, `/webhooks/redeem` answers 503. */
  redemptionSecret?: string;
  /** `MINECRAFT_PAYMENT_WEBHOOK_SECRET`: unset, `/webhooks/minecraft/payment` answers 503. */
  paymentSecret?: string;
}

const nonce = z.string().min(16).max(128);
const redeemSchema = z.object({ code: z.uuid(), nonce, player: z.string().max(100).optional() });
const paymentSchema = z.object({
  guild_id: z.string().regex(/^\d{17,20}$/),
  event_id: z.string().min(1).max(200),
  payer_ign: z.string().min(1).max(40),
  amount_minor: z.union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^[1-9]\d{0,17}$/)]),
  raw_line: z.string().min(1).max(1000).optional(),
  seen_at: z.iso.datetime({ offset: true }).optional(),
  nonce,
});

/** HTTP status of a named database error on a webhook. */
const STATUS: Record<string, number> = { WH001: 401, WH002: 401, VC001: 404, VC002: 409, VC003: 410 };

/**
 * Builds the webhook router.
 *
 * @param options - pool, logger and the secrets.
 * @returns an express router to mount on `/webhooks`.
 */
export function webhooksRouter(options: WebhookOptions): Router {
  const { pool, logger } = options;
  const router = express.Router();
  // Body-parser's client errors (over 16 kB, aborted) answer 413/400 here, not 500.
  const raw = bodyParsers([express.raw({ type: () => true, limit: "16kb" })]);

  /** Verifies the signature and parses the body; answers and returns null when refused. */
  function accept<S extends z.ZodType>(req: Request, res: Response, secret: string | undefined, schema: S): { body: z.infer<S>; signedAt: Date } | null {
    if (!secret) {
      res.status(503).json({ error: "not_configured" });
      return null;
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const timestamp = req.get(TIMESTAMP_HEADER);
    const problem = verifySignature(secret, timestamp, req.get(SIGNATURE_HEADER), body);
    if (problem) {
      req.log?.warn({ problem }, "webhook signature refused");
      res.status(401).json({ error: "invalid_signature", problem });
      return null;
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      res.status(400).json({ error: "invalid_body" });
      return null;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      res.status(400).json({ error: "invalid_body", issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) });
      return null;
    }
    return { body: parsed.data, signedAt: new Date(Number(timestamp) * 1000) };
  }

  function refuse(req: Request, res: Response, err: unknown): void {
    const named = decodeDbError(err);
    if (named) {
      res.status(STATUS[named.code] ?? 422).json({ error: named.key, code: named.code, message: named.message, detail: named.detail });
      return;
    }
    const { status, body, headers } = describeError(err);
    if (status === 503) req.log?.warn({ err }, "webhook: database unavailable");
    else req.log?.error({ err }, "webhook failed");
    res.status(status).set(headers).json(body);
  }

  router.post("/redeem", raw, async (req, res) => {
    const accepted = accept(req, res, options.redemptionSecret, redeemSchema);
    if (!accepted) return;
    const { body, signedAt } = accepted;
    try {
      const voucher = await withClaims(pool, { role: "coins_listener" }, async (c) => {
        await c.query("select app_hidden.claim_webhook_nonce('redeem', $1, $2)", [body.nonce, signedAt]);
        const { rows } = await c.query<{ order_id: string; status: string }>(
          "select order_id, status::text from app_hidden.redeem_voucher($1, $2)",
          [body.code, body.player ?? null],
        );
        return rows[0];
      });
      logger.info({ orderId: voucher.order_id }, "voucher redeemed");
      res.json({ status: voucher.status, order_id: voucher.order_id });
    } catch (err) {
      refuse(req, res, err);
    }
  });

  router.post("/minecraft/payment", raw, async (req, res) => {
    const accepted = accept(req, res, options.paymentSecret, paymentSchema);
    if (!accepted) return;
    const { body, signedAt } = accepted;
    try {
      const payment = await withClaims(pool, { role: "coins_listener", guildId: body.guild_id }, async (c) => {
        await c.query("select app_hidden.claim_webhook_nonce('minecraft_payment', $1, $2)", [body.nonce, signedAt]);
        const { rows } = await c.query<{ id: string; status: string }>(
          "select id::text, status::text from app_hidden.record_payment($1, $2, $3, $4, 'webhook:payment', $5)",
          [
            body.payer_ign,
            String(body.amount_minor),
            body.raw_line ?? `${body.payer_ign} paid you (plugin event ${body.event_id})`,
            body.seen_at ? new Date(body.seen_at) : signedAt,
            body.event_id,
          ],
        );
        return rows[0];
      });
      logger.info({ paymentId: payment.id, status: payment.status }, "payment webhook recorded");
      res.json({ payment_id: payment.id, status: payment.status });
    } catch (err) {
      refuse(req, res, err);
    }
  });

  return router;
}
