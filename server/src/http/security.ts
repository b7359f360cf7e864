import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { doubleCsrf } from "csrf-csrf";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import type { ServerConfig } from "../config.ts";
import { REFRESH_COOKIE, SESSION_COOKIE } from "../auth/sessions.ts";
import { cookieOptions } from "./cookies.ts";

/** The CSRF cookie (the HMAC half of the double submit; httpOnly, SameSite=strict). */
export const CSRF_COOKIE = "gb_csrf";
/** The request header carrying the CSRF token. */
export const CSRF_HEADER = "x-csrf-token";

/** What {@link createCsrf} returns. */
export interface Csrf {
  /** Issues a token for this request's cookies (and sets the CSRF cookie); send it back in `X-CSRF-Token`. */
  token(req: Request, res: Response): string;
  /** Middleware: refuses a state-changing request without a matching token (403 `csrf_invalid`). */
  protect: RequestHandler;
}

/**
 * The identity a CSRF token is bound to: the refresh cookie of a panel session, else the session
 * cookie, else nothing (anonymous). A token therefore stops matching when the session changes (sign
 * in, refresh, sign out), and the server hands out a new one with each of those answers.
 */
function csrfIdentity(req: Request): string {
  const c = req.cookies ?? {};
  const raw = (c[REFRESH_COOKIE] as string | undefined) ?? (c[SESSION_COOKIE] as string | undefined) ?? "";
  return createHash("sha256").update(raw).digest("base64url");
}

/** The file, in the local data directory, that keeps the generated CSRF secret. */
export const CSRF_SECRET_FILE_NAME = "csrf-secret";

/**
 * A secret generated once and kept in a file (mode 0600) beside the local data, as `npm start`
 * keeps the database passwords: the first caller creates it (exclusively, so two processes
 * starting together agree), every later one reads it.
 *
 * @param dir - the directory (created if missing).
 * @param name - the file name in it.
 * @returns the secret (43 base64url characters, 256 random bits).
 * @throws if the directory cannot be created or the file cannot be read or written.
 */
export function persistedSecret(dir: string, name: string): string {
  const file = path.join(dir, name);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as { code?: unknown }).code !== "EEXIST") throw err;
  }
  const secret = readFileSync(file, "utf8").trim();
  if (secret.length < 32) throw new Error(`${file} holds no usable secret (delete it to generate a new one)`);
  return secret;
}

/**
 * The CSRF secret: `CSRF_SECRET`; else the one kept in `<GUILDBANK_DATA_DIR>/csrf-secret`
 * ({@link persistedSecret}), so tokens issued before a restart stay valid after it; else a
 * random one for this process only.
 *
 * @param config - `CSRF_SECRET`, `GUILDBANK_DATA_DIR`.
 */
export function csrfSecret(config: Pick<ServerConfig, "CSRF_SECRET" | "GUILDBANK_DATA_DIR">): string {
  if (config.CSRF_SECRET) return config.CSRF_SECRET;
  if (config.GUILDBANK_DATA_DIR) return persistedSecret(config.GUILDBANK_DATA_DIR, CSRF_SECRET_FILE_NAME);
  return randomBytes(32).toString("base64url");
}

/**
 * CSRF double-submit protection (`csrf-csrf`): every POST/PUT/PATCH/DELETE that carries a session
 * or refresh cookie must carry the token from `GET /auth/session`, `GET /auth/csrf` (or a sign-in or
 * refresh answer) in `X-CSRF-Token`, matching the HMAC cookie and the caller's session. Requests
 * without a session cookie carry no authority a forger could borrow (webhooks, anonymous calls) and
 * pass; so does the development login form (development only).
 *
 * @param config - `CSRF_SECRET` / `GUILDBANK_DATA_DIR` ({@link csrfSecret}).
 */
export function createCsrf(config: ServerConfig): Csrf {
  const secret = csrfSecret(config);
  const { generateCsrfToken, doubleCsrfProtection } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: csrfIdentity,
    cookieName: CSRF_COOKIE,
    cookieOptions: { ...cookieOptions(config, 0), maxAge: undefined },
    getCsrfTokenFromRequest: (req) => {
      const h = req.headers[CSRF_HEADER];
      return typeof h === "string" ? h : undefined;
    },
    errorConfig: { statusCode: 403, message: "invalid CSRF token", code: "csrf_invalid" },
    // A request without a session cookie carries no authority to forge (webhooks, anonymous reads).
    skipCsrfProtection: (req) =>
      (config.DEV_LOGIN && req.path === "/auth/dev/login") || (!req.cookies?.[SESSION_COOKIE] && !req.cookies?.[REFRESH_COOKIE]),
  });
  return {
    // The cookie's token is reused while it fits the caller's session (several tabs share one), and
    // replaced when the session changed (sign-in, refresh, sign-out).
    token: (req, res) => generateCsrfToken(req, res, { overwrite: false }),
    protect: (req, res, next) =>
      doubleCsrfProtection(req, res, (err?: unknown) => {
        if (err) {
          res.status(403).json({ error: "csrf_invalid", message: "Missing or invalid CSRF token: fetch one from GET /auth/csrf and send it in X-CSRF-Token." });
          return;
        }
        next();
      }),
  };
}

/**
 * Origins allowed to call the API from a browser: `PANEL_BASE_URL` and the server's own origin.
 * Cross-origin requests from anywhere else are refused (403 `origin_not_allowed`) before they
 * reach a route; allowed ones get credentialed CORS headers. Requests without an `Origin` header
 * (same-origin GETs, curl, server-to-server) pass.
 *
 * @param config - `PANEL_BASE_URL`.
 */
export function originGuard(config: ServerConfig): RequestHandler {
  const panel = config.PANEL_BASE_URL ? new URL(config.PANEL_BASE_URL).origin : undefined;
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (!origin) return next();
    const own = `${req.protocol}://${req.get("host")}`;
    if (origin !== own && origin !== panel) {
      res.status(403).json({ error: "origin_not_allowed", message: `Requests from ${origin} are not allowed.` });
      return;
    }
    if (origin === panel && origin !== own) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Access-Control-Allow-Credentials", "true");
      res.setHeader("Vary", "Origin");
      if (req.method === "OPTIONS") {
        res.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        res.setHeader("Access-Control-Allow-Headers", "content-type, x-csrf-token, idempotency-key, x-audit-reason, last-event-id");
        res.setHeader("Access-Control-Max-Age", "600");
        res.status(204).end();
        return;
      }
    }
    next();
  };
}

/**
 * Per-route rate limits (`express-rate-limit`, per-process memory store): sign-in routes per
 * client address, `/graphql` per session (or address when anonymous). Answers 429 with
 * `RateLimit-*` and `Retry-After` headers.
 *
 * @param config - `RATE_LIMIT_AUTH_PER_MIN`, `RATE_LIMIT_API_PER_MIN`.
 */
export function rateLimits(config: ServerConfig): { auth: RequestHandler; api: RequestHandler } {
  const common = {
    windowMs: 60_000,
    standardHeaders: "draft-7" as const,
    legacyHeaders: false,
    handler: (_req: Request, res: Response) => {
      res.status(429).json({ error: "rate_limited", message: "Too many requests; retry after the Retry-After header's seconds." });
    },
  };
  return {
    auth: rateLimit({ ...common, limit: config.RATE_LIMIT_AUTH_PER_MIN }),
    api: rateLimit({
      ...common,
      limit: config.RATE_LIMIT_API_PER_MIN,
      keyGenerator: (req) => (req.session ? `s:${req.session.sessionId}` : `a:${ipKeyGenerator(req.ip ?? "")}`),
    }),
  };
}
