import type { ErrorRequestHandler } from "express";
import createHttpError, { isHttpError } from "http-errors";
import { databaseUnavailable, isTransientDbError, type Logger } from "@guildbank/lib";

/** The JSON body of an error answer. */
export interface ErrorBody {
  /** A stable key, e.g. `body_too_large`, `invalid_body`, `database_unavailable`, `internal_error`. */
  error: string;
  /** A sentence for people (only for client errors, whose message is safe to show). */
  message?: string;
  /** The catalogue code (db/ERRORS.md) when there is one: `DB001` for a transient database failure. */
  code?: string;
  /** Seconds to wait before retrying (also the `Retry-After` header): only with a 503. */
  retryAfterS?: number;
  /** The request id (also in `X-Request-Id`): find the request in the server's logs. */
  requestId?: string;
}

/**
 * Keys of the body parsers' error types (`body-parser`/`raw-body`'s `type` field), the same as the
 * routes' own body handling answers (server/src/http/body.ts): 413 `body_too_large`, else
 * `invalid_body`.
 */
const PARSER_KEYS: Record<string, string> = {
  "entity.too.large": "body_too_large",
  "entity.parse.failed": "invalid_body",
  "entity.verify.failed": "invalid_body",
  "encoding.unsupported": "invalid_body",
  "charset.unsupported": "invalid_body",
  "request.aborted": "invalid_body",
  "request.size.invalid": "invalid_body",
  "parameters.too.many": "invalid_body",
};

/** `Payload Too Large` → `payload_too_large`. */
function keyOfStatus(status: number): string {
  const name = createHttpError(status).message;
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "") || "error";
}

/**
 * What an error answers: an HTTP error (`http-errors`, which every body parser throws: 400 for
 * malformed JSON, 413 for a body over the limit, 415 for an unsupported charset) keeps its status
 * (body-parser errors with the keys of {@link PARSER_KEYS}),
 * and its message when it is meant to be shown (`expose`, i.e. 4xx); anything else is 500
 * `internal_error` with no detail. A transient database failure (lost or refused connection,
 * shutdown, start-up, timeout, serialisation failure: `isTransientDbError`) is 503
 * `database_unavailable` (DB001) with `Retry-After`: the request did not happen, or its outcome is
 * unknown, and repeating it with the same idempotency key is safe. Never a stack trace, in any
 * environment.
 *
 * @param err - anything an express handler passed to `next` or threw.
 * @returns the status, the response body (without `requestId`) and extra headers.
 */
export function describeError(err: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (isHttpError(err) && err.status >= 400 && err.status < 600) {
    const type = (err as { type?: unknown }).type;
    const key = (typeof type === "string" && PARSER_KEYS[type]) || keyOfStatus(err.status);
    const body: ErrorBody = { error: key };
    if (err.expose && err.status < 500) body.message = err.message;
    return { status: err.status, body, headers: {} };
  }
  if (isTransientDbError(err)) {
    const e = databaseUnavailable();
    const retryAfterS = Number(e.detail.retry_after_s);
    return {
      status: 503,
      body: { error: e.key, code: e.code, message: e.message, retryAfterS },
      headers: { "Retry-After": String(retryAfterS) },
    };
  }
  return { status: 500, body: { error: "internal_error" }, headers: {} };
}

/**
 * The server's final error handler: answers {@link describeError}'s status and JSON body with the
 * request id, and logs the error (5xx at error level, 4xx at warn without the stack). When the
 * answer has already begun (a stream), it hands the error to express, which closes the connection.
 *
 * @param logger - fallback logger when the request carries none.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const { status, body, headers } = describeError(err);
    const log = req.log ?? logger;
    if (status === 503) log.warn({ err, status }, "database unavailable: answered 503");
    else if (status >= 500) log.error({ err, status }, "request failed");
    else log.warn({ status, error: body.error, reason: err instanceof Error ? err.message : String(err) }, "request refused");
    res.status(status).set(headers).json({ ...body, requestId: req.id });
  };
}
