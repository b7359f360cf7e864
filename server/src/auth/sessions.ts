import { createHash, randomBytes } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import type pg from "pg";
import { LRUCache } from "lru-cache";
import type { Claims, StaffRole } from "@guildbank/lib";

/** The session cookie's name (for panel sessions: the short-lived access token). */
export const SESSION_COOKIE = "gb_session";
/** The refresh-token cookie of panel (Discord) sessions: rotated at each `POST /auth/refresh`. */
export const REFRESH_COOKIE = "gb_refresh";

/** A live session's claims, as `app_private.session_claims` returns them. */
export interface SessionClaims {
  sessionId: string;
  guildId: string;
  discordId: string;
  kind: "player" | "staff";
  staffRole: StaffRole | null;
  expiresAt: Date;
}

declare module "express-serve-static-core" {
  interface Request {
    /** The caller's session, set by {@link sessionMiddleware}; undefined when anonymous. */
    session?: SessionClaims;
    /** The request id (also sent back as X-Request-Id). */
    id: string;
  }
}

/** SHA-256 of a session token: only this is stored. */
export function hashToken(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}

function rowToClaims(row: Record<string, unknown> | undefined): SessionClaims | undefined {
  if (!row || row.session_id === null || row.session_id === undefined) return undefined;
  return {
    sessionId: String(row.session_id),
    guildId: String(row.guild_id),
    discordId: String(row.discord_id),
    kind: row.kind as "player" | "staff",
    staffRole: (row.staff_role as StaffRole | null) ?? null,
    expiresAt: new Date(row.expires_at as string),
  };
}

/** What a new session is for. */
export interface SessionIdentity {
  guildId: string;
  discordId: string;
  kind: "player" | "staff";
  staffRole?: StaffRole;
  source: "dev" | "discord";
}

/**
 * Opens a session in `app_private.sessions` and returns the cookie token.
 *
 * @param pool - authenticator pool.
 * @param identity - who the session is for (already established by the caller).
 * @param ttlSeconds - lifetime in seconds.
 * @returns the random token for the cookie, and the claims.
 * @throws pg errors: MB003 guild_not_found, MB002 member_not_found (player sessions), VL001.
 */
export async function openSession(pool: pg.Pool, identity: SessionIdentity, ttlSeconds: number): Promise<{ token: string; claims: SessionClaims }> {
  const token = randomBytes(32).toString("base64url");
  const { rows } = await pool.query(
    "select * from app_private.open_session($1, $2, $3, $4, $5, $6, $7)",
    [hashToken(token), identity.guildId, identity.discordId, identity.kind, identity.staffRole ?? null, identity.source, ttlSeconds],
  );
  return { token, claims: rowToClaims(rows[0])! };
}

/**
 * Ends the session behind a cookie token.
 *
 * @returns true if a session was closed.
 */
export async function closeSession(pool: pg.Pool, token: string): Promise<boolean> {
  forgetCachedSession(token);
  const { rows } = await pool.query("select app_private.close_session($1) as closed", [hashToken(token)]);
  // Again: a request running meanwhile may have cached the claims just before the close.
  forgetCachedSession(token);
  return rows[0]?.closed === true;
}

/** The claims a request carries into PostgreSQL: its session's, or anonymous. */
export function requestClaims(session: SessionClaims | undefined): Claims {
  if (!session) return { role: "coins_anonymous" };
  return session.kind === "staff"
    ? { role: "coins_staff", guildId: session.guildId, discordId: session.discordId, staffRole: session.staffRole ?? undefined }
    : { role: "coins_player", guildId: session.guildId, discordId: session.discordId };
}

/** How long a session's claims may be served from memory, at most (default; `SESSION_CACHE_TTL_MS`). */
export const DEFAULT_SESSION_CACHE_TTL_MS = 2_000;
/** The most sessions whose claims are kept in memory at once (least recently used dropped first). */
export const SESSION_CACHE_MAX = 10_000;

/**
 * Claims of live sessions recently read, keyed by the hex SHA-256 of the cookie token (never the
 * token itself). An entry lives at most the cache's TTL and never past the access token's own
 * expiry; a sign-out, refresh or revocation through this process removes entries at once
 * (see {@link forgetCachedSession}, {@link forgetAllCachedSessions}). Unknown tokens are not cached.
 */
const claimsCache = new LRUCache<string, SessionClaims>({ max: SESSION_CACHE_MAX, ttl: DEFAULT_SESSION_CACHE_TTL_MS, ttlAutopurge: false });

/** Drops the cached claims of one cookie token (sign-out). */
export function forgetCachedSession(token: string): void {
  claimsCache.delete(hashToken(token).toString("hex"));
}

/** Drops every cached session (a refresh rotation or a revocation: the access tokens it ends are not known here). */
export function forgetAllCachedSessions(): void {
  claimsCache.clear();
}

/** Options of {@link sessionMiddleware}. */
export interface SessionMiddlewareOptions {
  /**
   * Milliseconds a session's claims may be reused without asking PostgreSQL (0 = ask on every
   * request). This is the revocation latency for sessions closed outside this process (another
   * server process, SQL); never longer than the access token's expiry.
   */
  cacheTtlMs?: number;
}

/**
 * Express middleware: resolves the session cookie (if any) to `req.session`
 * (`app_private.session_claims`, or its claims cached for at most `cacheTtlMs`). An unknown or
 * expired token leaves the request anonymous and clears the cookie.
 *
 * @param pool - authenticator pool.
 * @param options - {@link SessionMiddlewareOptions}.
 */
export function sessionMiddleware(pool: pg.Pool, options: SessionMiddlewareOptions = {}) {
  const ttl = options.cacheTtlMs ?? DEFAULT_SESSION_CACHE_TTL_MS;
  return async (req: Request, res: Response, next: NextFunction) => {
    const token: unknown = req.cookies?.[SESSION_COOKIE];
    if (typeof token !== "string" || token.length < 20 || token.length > 100) return next();
    const hash = hashToken(token);
    const key = ttl > 0 ? hash.toString("hex") : "";
    if (ttl > 0) {
      const cached = claimsCache.get(key);
      if (cached && cached.expiresAt.getTime() > Date.now()) {
        req.session = cached;
        return next();
      }
    }
    try {
      const { rows } = await pool.query("select * from app_private.session_claims($1)", [hash]);
      req.session = rowToClaims(rows[0]);
      if (!req.session) res.clearCookie(SESSION_COOKIE, { path: "/" });
      else if (ttl > 0) {
        const left = req.session.expiresAt.getTime() - Date.now();
        if (left > 0) claimsCache.set(key, req.session, { ttl: Math.min(ttl, left) });
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** A fresh random cookie token (256 bits, base64url). */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Tokens and claims of a panel session just opened or rotated. */
export interface PanelTokens {
  /** Access token (cookie {@link SESSION_COOKIE}), valid `accessTtlS` seconds. */
  access: string;
  /** Refresh token (cookie {@link REFRESH_COOKIE}), single use. */
  refresh: string;
  claims: SessionClaims;
}

/**
 * Opens a panel (Discord) staff session with an access token and a refresh token
 * (`app_private.open_panel_session`).
 *
 * @param identity - guild, Discord user and the staff role resolved at this sign-in.
 * @param accessTtlS - access lifetime in seconds; `refreshTtlS` - lifetime of the whole session in seconds.
 * @throws pg errors: MB003 guild_not_found, VL001 invalid_argument.
 */
export async function openPanelSession(
  pool: pg.Pool,
  identity: { guildId: string; discordId: string; staffRole: StaffRole },
  accessTtlS: number,
  refreshTtlS: number,
): Promise<PanelTokens> {
  const access = newToken();
  const refresh = newToken();
  const { rows } = await pool.query("select * from app_private.open_panel_session($1, $2, $3, $4, $5, $6, $7)", [
    hashToken(access),
    hashToken(refresh),
    identity.guildId,
    identity.discordId,
    identity.staffRole,
    accessTtlS,
    refreshTtlS,
  ]);
  return { access, refresh, claims: rowToClaims(rows[0])! };
}

/** The outcome of a refresh: rotated (new tokens), reused (the family was revoked) or unknown/expired. */
export type RefreshOutcome = { status: "rotated"; tokens: PanelTokens } | { status: "reused" | "unknown" };

/**
 * Rotates a refresh token (`app_private.refresh_session`): the old one becomes unusable; presenting
 * an already rotated token again revokes the whole session (token theft).
 *
 * @param refreshToken - the refresh cookie's value.
 * @param accessTtlS - lifetime of the new access token, in seconds.
 */
export async function refreshPanelSession(pool: pg.Pool, refreshToken: string, accessTtlS: number): Promise<RefreshOutcome> {
  // The old access token ends with the rotation (and a reuse ends the whole session): not from the cache either.
  forgetAllCachedSessions();
  const access = newToken();
  const refresh = newToken();
  const { rows } = await pool.query("select * from app_private.refresh_session($1, $2, $3, $4)", [
    hashToken(refreshToken),
    hashToken(access),
    hashToken(refresh),
    accessTtlS,
  ]);
  forgetAllCachedSessions();
  const row = rows[0] as Record<string, unknown> & { status: "rotated" | "reused" | "unknown" };
  if (row.status !== "rotated") return { status: row.status };
  return { status: "rotated", tokens: { access, refresh, claims: rowToClaims(row)! } };
}

/**
 * Ends the session a refresh token (current or already rotated) belongs to.
 *
 * @returns true if a session was closed.
 */
export async function revokeRefreshToken(pool: pg.Pool, refreshToken: string): Promise<boolean> {
  forgetAllCachedSessions();
  const { rows } = await pool.query("select app_private.revoke_refresh_token($1) as closed", [hashToken(refreshToken)]);
  forgetAllCachedSessions();
  return rows[0]?.closed === true;
}
