import type { NextFunction, Request, RequestHandler, Response } from "express";

/** The shape of the errors `body-parser` (express.json, express.urlencoded, express.raw) raises. */
interface BodyParserError {
  status?: unknown;
  type?: unknown;
  expose?: unknown;
}

/**
 * Whether `err` is a client error raised while reading or parsing a request body (malformed
 * JSON, a body over the limit, an unsupported charset or encoding, an aborted upload): body-parser
 * marks them with a 4xx `status` and `expose: true`.
 *
 * @param err - anything thrown or passed to `next`.
 * @returns the HTTP status (400..499) and body-parser's `type` (e.g. `entity.parse.failed`,
 *   `entity.too.large`), or undefined for any other error.
 */
export function bodyError(err: unknown): { status: number; type: string } | undefined {
  const e = err as BodyParserError | undefined;
  if (!e || typeof e.status !== "number" || e.status < 400 || e.status > 499 || e.expose !== true) return undefined;
  return { status: e.status, type: typeof e.type === "string" ? e.type : "request.invalid" };
}

/**
 * Runs body parsers in order on one route and answers their client errors itself: a malformed
 * body is 400 `invalid_body`, one over the limit 413 `body_too_large` (`{ error, message }`), so
 * the final error handler only ever sees server faults. Mount it on the route that reads the body,
 * never application-wide.
 *
 * @param parsers - express body parsers (each calls `next(err)` on a bad body).
 * @returns one middleware.
 */
export function bodyParsers(parsers: RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err) {
        const bad = bodyError(err);
        if (!bad) return next(err);
        const tooLarge = bad.status === 413;
        res.status(bad.status).json({
          error: tooLarge ? "body_too_large" : "invalid_body",
          message: tooLarge ? "The request body is too large." : `The request body could not be read (${bad.type}).`,
        });
        return;
      }
      const parser = parsers[i++];
      if (!parser) return next();
      void parser(req, res, step);
    };
    step();
  };
}
