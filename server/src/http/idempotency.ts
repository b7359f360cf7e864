import { createHash } from "node:crypto";
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import type pg from "pg";
import pRetry from "p-retry";
import { isTransientDbError } from "@guildbank/lib";
import { z } from "zod";

/** The request header naming an idempotency key (1..255 printable ASCII characters). */
export const IDEMPOTENCY_HEADER = "idempotency-key";
const KEY = z.string().regex(/^[\x21-\x7e]{1,255}$/);

/** Options of {@link idempotencyMiddleware}. */
export interface IdempotencyOptions {
  /** p-retry options for storing the answer (default 12 retries, 250 ms doubling to 10 s: about 1.5 min). */
  finishRetry?: { retries?: number; minTimeout?: number; maxTimeout?: number };
}

/** What `app_private.http_request_begin` answers. */
const beginRow = z.object({
  state: z.enum(["new", "replay", "in_progress", "mismatch"]),
  status: z.number().int().nullable(),
  body: z.string().nullable(),
  content_type: z.string().nullable(),
});

/**
 * `Idempotency-Key` on writes: a signed-in caller's POST carrying the header is recorded in SQL
 * (`app_private.http_request_begin` / `http_request_finish`, in `app_private.idempotency_keys` under
 * `http:<key>`, scoped by guild and actor). The first request runs and its answer (status and
 * body) is stored; a replay with the same key and the same body gets that answer again with
 * `Idempotency-Replayed: true` and runs nothing; the same key with another body is 422
 * `idempotency_key_reused` (IK001); a replay while the first is still running is 409
 * `idempotency_key_in_progress`. A 5xx answer is not stored (the key is released for a retry).
 * A malformed key is 400 `idempotency_key_invalid` (IK002). Storing the answer (or releasing the
 * key) is retried with backoff while the database is unreachable, so a key never stays "in
 * progress" because of an outage.
 *
 * @param pool - authenticator pool (the functions are granted to it).
 * @param options - the backoff of storing the answer ({@link IdempotencyOptions}).
 */
export function idempotencyMiddleware(pool: pg.Pool, options: IdempotencyOptions = {}): RequestHandler {
  const finishRetry = { retries: 12, minTimeout: 250, maxTimeout: 10_000, ...options.finishRetry };
  const json = express.json({
    limit: "1mb",
    verify: (req, _res, buf) => {
      (req as Request & { rawBody?: Buffer }).rawBody = buf;
    },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers[IDEMPOTENCY_HEADER];
    if (req.method !== "POST" || header === undefined || !req.session) return next();
    const key = KEY.safeParse(header);
    if (!key.success) {
      res.status(400).json({ error: "idempotency_key_invalid", code: "IK002", message: "Idempotency-Key must be 1 to 255 printable characters." });
      return;
    }
    json(req, res, async (err?: unknown) => {
      if (err) return next(err);
      const session = req.session!;
      const raw = (req as Request & { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
      const hash = createHash("sha256").update(req.method).update("\0").update(req.path).update("\0").update(raw).digest();
      const scope = [session.guildId, session.discordId, key.data] as const;
      try {
        const { rows } = await pool.query("select * from app_private.http_request_begin($1, $2, $3, $4)", [...scope, hash]);
        const begun = beginRow.parse(rows[0]);
        if (begun.state === "replay") {
          res.status(begun.status ?? 200).setHeader("Idempotency-Replayed", "true");
          if (begun.content_type) res.setHeader("Content-Type", begun.content_type);
          res.end(begun.body ?? "");
          return;
        }
        if (begun.state === "mismatch") {
          res.status(422).json({ error: "idempotency_key_reused", code: "IK001", message: "This Idempotency-Key was used for a different request." });
          return;
        }
        if (begun.state === "in_progress") {
          res.status(409).json({ error: "idempotency_key_in_progress", message: "A request with this Idempotency-Key is still running; retry shortly." });
          return;
        }
      } catch (e) {
        return next(e);
      }
      // Capture the answer as it is written, then store it once the response has finished.
      const chunks: Buffer[] = [];
      const write = res.write.bind(res) as (...a: unknown[]) => boolean;
      const end = res.end.bind(res) as (...a: unknown[]) => Response;
      const keep = (chunk: unknown) => {
        if (typeof chunk === "string") chunks.push(Buffer.from(chunk));
        else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
      };
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        keep(chunk);
        return write(chunk, ...rest);
      }) as Response["write"];
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        if (typeof chunk !== "function") keep(chunk);
        return end(chunk, ...rest);
      }) as Response["end"];
      res.on("finish", () => {
        const status = res.statusCode;
        const contentType = res.getHeader("content-type");
        const args = [...scope, status, status >= 500 ? null : Buffer.concat(chunks).toString("utf8"), typeof contentType === "string" ? contentType : null];
        // The key stays "in progress" (a retry gets 409) until this is stored: when the database is
        // unreachable, keep trying in the background until it is back.
        pRetry(() => pool.query("select app_private.http_request_finish($1, $2, $3, $4, $5, $6)", args), {
          ...finishRetry,
          shouldRetry: ({ error }) => isTransientDbError(error),
        }).catch((e: unknown) => req.log?.error({ err: e }, "idempotency: storing the answer failed"));
      });
      next();
    });
  };
}
