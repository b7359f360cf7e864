import { createHash } from "node:crypto";
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import type pg from "pg";
import pRetry from "p-retry";
import { isTransientDbError } from "@guildbank/lib";
import { z } from "zod";
import { bodyError } from "./body.ts";

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

/** The most a request body read for its hash may weigh (grafserv's own default request limit). */
export const IDEMPOTENT_BODY_LIMIT_BYTES = 100_000;

type WithRawBody = Request & { rawBody?: unknown; _body?: unknown };

/**
 * The exact bytes of a request's body, for its idempotency hash: the body as a Buffer when a raw
 * parser ran, or the `rawBody` Buffer a parser's `verify` hook kept; otherwise the body is read
 * here (any content type, up to {@link IDEMPOTENT_BODY_LIMIT_BYTES}) and left in `req.body` as a
 * Buffer, which grafserv parses itself.
 *
 * @returns the bytes (empty when the request has none), or an error: `consumed` when another
 *   parser already turned the body into something else without keeping its bytes (a server
 *   fault: never hash what we cannot see), else body-parser's 4xx error (too large, aborted).
 */
async function exactBody(req: Request, res: Response): Promise<{ bytes: Buffer } | { error: unknown }> {
  const r = req as WithRawBody;
  if (Buffer.isBuffer(r.rawBody)) return { bytes: r.rawBody };
  if (Buffer.isBuffer(r.body)) return { bytes: r.body };
  if (r._body || req.readableEnded) {
    return { error: new Error("idempotency: the request body was read by another parser before its hash (mount idempotencyMiddleware first)") };
  }
  return new Promise((resolve) => {
    raw(req, res, (err?: unknown) => {
      if (err) resolve({ error: err });
      else resolve({ bytes: Buffer.isBuffer(r.body) ? r.body : Buffer.alloc(0) });
    });
  });
}
const raw = express.raw({ type: () => true, limit: IDEMPOTENT_BODY_LIMIT_BYTES });

/**
 * The hash an idempotency record compares: SHA-256 over the method, the URL path with its query
 * string, the content type and the exact body bytes, each separated by a NUL byte. Two requests
 * have the same hash only when they are byte-for-byte the same request.
 *
 * @param req - the request (`method`, `originalUrl`, `content-type`).
 * @param body - the exact body bytes ({@link exactBody}).
 * @returns 32 bytes.
 */
export function requestHash(req: Pick<Request, "method" | "originalUrl" | "headers">, body: Buffer): Buffer {
  const contentType = String(req.headers["content-type"] ?? "").toLowerCase();
  return createHash("sha256")
    .update(req.method)
    .update("\0")
    .update(req.originalUrl)
    .update("\0")
    .update(contentType)
    .update("\0")
    .update(body)
    .digest();
}

/**
 * `Idempotency-Key` on writes: a signed-in caller's POST carrying the header is recorded in SQL
 * (`app_private.http_request_begin` / `http_request_finish`, in `app_private.idempotency_keys` under
 * `http:<key>`, scoped by guild and actor). The first request runs and its answer (status and
 * body) is stored before it is sent; a replay with the same key and the same request (the
 * {@link requestHash} of method, URL, content type and exact body bytes, whatever parsed the body
 * before) gets that answer again with `Idempotency-Replayed: true` and runs nothing; the same key
 * with another request is 422 `idempotency_key_reused` (IK001); a replay while the first is still
 * running is 409 `idempotency_key_in_progress`. A 5xx answer is not stored (the key is released for
 * a retry). A malformed key is 400 `idempotency_key_invalid` (IK002); a body over
 * {@link IDEMPOTENT_BODY_LIMIT_BYTES} is 413 `body_too_large`. When the database is unreachable
 * while the answer is stored (or the key released), the answer is sent anyway and the store is
 * retried with backoff until the database is back, so a key never stays "in progress" because
 * of an outage.
 *
 * @param pool - authenticator pool (the functions are granted to it).
 * @param options - the backoff of storing the answer ({@link IdempotencyOptions}).
 */
export function idempotencyMiddleware(pool: pg.Pool, options: IdempotencyOptions = {}): RequestHandler {
  const finishRetry = { retries: 12, minTimeout: 250, maxTimeout: 10_000, ...options.finishRetry };
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers[IDEMPOTENCY_HEADER];
    if (req.method !== "POST" || header === undefined || !req.session) return next();
    const key = KEY.safeParse(header);
    if (!key.success) {
      res.status(400).json({ error: "idempotency_key_invalid", code: "IK002", message: "Idempotency-Key must be 1 to 255 printable characters." });
      return;
    }
    const body = await exactBody(req, res);
    if ("error" in body) {
      const bad = bodyError(body.error);
      if (!bad) return next(body.error);
      res.status(bad.status).json(
        bad.status === 413
          ? { error: "body_too_large", message: "The request body is too large." }
          : { error: "invalid_body", message: `The request body could not be read (${bad.type}).` },
      );
      return;
    }
    const session = req.session;
    const hash = requestHash(req, body.bytes);
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
    // Capture the answer as it is written, and store it before its last byte is sent, so a client
    // that retries the moment it has the answer gets the replay (not 409 in progress).
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
    let ending = false;
    res.end = ((...args: unknown[]) => {
      if (ending) return res;
      ending = true;
      if (typeof args[0] !== "function") keep(args[0]);
      const status = res.statusCode;
      const contentType = res.getHeader("content-type");
      const params = [...scope, status, status >= 500 ? null : Buffer.concat(chunks).toString("utf8"), typeof contentType === "string" ? contentType : null];
      const store = () => pool.query("select app_private.http_request_finish($1, $2, $3, $4, $5, $6)", params);
      store()
        .catch((e: unknown) => {
          if (!isTransientDbError(e)) throw e;
          // The database is unreachable: answer now, and keep trying in the background (with
          // backoff) until it is back, or the key would stay "in progress" (409 to every retry).
          pRetry(store, { ...finishRetry, shouldRetry: ({ error }) => isTransientDbError(error) }).catch((err: unknown) =>
            req.log?.error({ err }, "idempotency: storing the answer failed"),
          );
        })
        .catch((e: unknown) => req.log?.error({ err: e }, "idempotency: storing the answer failed"))
        .finally(() => end(...args));
      return res;
    }) as Response["end"];
    next();
  };
}
