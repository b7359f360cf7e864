import pg from "pg";

/** The API roles a process may act as (ARCHITECTURE.md "Schemas and roles"). */
export type ApiRole = "coins_anonymous" | "coins_player" | "coins_staff" | "coins_listener" | "coins_worker";

/** Staff roles, as the `app_public.staff_role` enum. */
export const STAFF_ROLES = ["SUPERADMIN", "ADMIN", "OPERATOR", "SUPPORT", "AUDITOR"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Who is acting: becomes the transaction-local role and `app.*` claims. */
export interface Claims {
  role: ApiRole;
  /** Discord guild snowflake (decimal string). */
  guildId?: string;
  /** Discord user snowflake (decimal string). */
  discordId?: string;
  /** Only with `role: "coins_staff"`. */
  staffRole?: StaffRole;
  /** Free-text reason recorded by audit triggers (`app.reason`). */
  reason?: string;
}

/**
 * The settings that carry claims into a transaction. The one mapping from identity to
 * PostgreSQL used by every process: `withClaims` applies it with `set_config(…, true)`, and the
 * server hands the same object to PostGraphile as `pgSettings`.
 *
 * @param claims - the caller's identity.
 * @returns GUC name → value (`role`, `app.guild_id`, `app.discord_id`, `app.staff_role`, `app.reason`).
 */
export function claimsToSettings(claims: Claims): Record<string, string> {
  const settings: Record<string, string> = { role: claims.role };
  if (claims.guildId) settings["app.guild_id"] = claims.guildId;
  if (claims.discordId) settings["app.discord_id"] = claims.discordId;
  if (claims.staffRole && claims.role === "coins_staff") settings["app.staff_role"] = claims.staffRole;
  if (claims.reason) settings["app.reason"] = claims.reason;
  return settings;
}

/** Options of {@link createPool}. */
export interface PoolOptions {
  /**
   * How long a request waits for a new connection before failing (default 5 000 ms): while the
   * database is unreachable, requests fail fast (and are answered 503) instead of queueing forever.
   */
  connectionTimeoutMs?: number;
  /**
   * Called with every error of a pooled connection (idle or checked out): a lost connection, a
   * backend terminated by `pg_terminate_backend`, a fast shutdown, a crash reset. The pool drops
   * the connection and opens new ones on demand; the query that was running fails on its own.
   */
  onConnectionError?: (err: Error) => void;
}

/**
 * Creates a node-postgres pool. `bigint`/`numeric` stay strings (snowflakes and money exceed 2^53).
 *
 * Losing the database never crashes the process: every connection gets an `error` listener as
 * soon as the pool opens it (node-postgres's pool covers idle connections only; a connection
 * checked out by `withClaims` or PostGraphile emits `error` too when its backend dies between two
 * queries, and an `error` event without a listener is an uncaught exception). A broken connection
 * is not reused (pg-pool discards a released client that is no longer queryable) and new ones are
 * opened on demand, so the pool reconnects by itself once the database is back.
 *
 * @param connectionString - a postgres:// URL (processes use the authenticator role).
 * @param max - pool size (default 10).
 * @param options - connection timeout and a connection-error hook ({@link PoolOptions}).
 */
export function createPool(connectionString: string, max = 10, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: process.title,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    // Detects a dead peer (a host gone without closing the socket) on idle connections.
    keepAlive: true,
  });
  const onError = (err: Error) => options.onConnectionError?.(err);
  // An idle client's error (e.g. the server restarting) must not crash the process…
  pool.on("error", onError);
  // …nor a checked-out client's.
  pool.on("connect", (client) => {
    client.on("error", onError);
  });
  return pool;
}

/**
 * Runs `fn` in one transaction as the given identity: `BEGIN`, transaction-local role and claims,
 * `fn`, `COMMIT` (or `ROLLBACK` on any error, which is rethrown).
 *
 * @param pool - a pool connected as the authenticator.
 * @param claims - who is acting.
 * @param fn - the work; receives the client bound to the transaction.
 * @returns what `fn` returns.
 * @throws whatever `fn` or PostgreSQL throws (named errors: decode with `decodeDbError`).
 */
export async function withClaims<T>(pool: pg.Pool, claims: Claims, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await inTransaction(client, async (c) => {
      const settings = claimsToSettings(claims);
      const names = Object.keys(settings);
      await c.query(
        `select ${names.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(", ")}`,
        names.flatMap((n) => [n, settings[n]]),
      );
      return fn(c);
    });
  } finally {
    client.release();
  }
}

/**
 * Runs `fn` in one transaction on a connected client: `BEGIN`, `fn`, `COMMIT`, or `ROLLBACK` on any
 * error (which is rethrown). The client stays checked out: the caller releases it.
 *
 * @param client - a connected client (pooled or not) with no transaction open.
 * @param fn - the work; receives the same client.
 * @returns what `fn` returns.
 * @throws whatever `fn` or PostgreSQL throws.
 */
export async function inTransaction<C extends pg.ClientBase, T>(client: C, fn: (client: C) => Promise<T>): Promise<T> {
  await client.query("begin");
  try {
    const result = await fn(client);
    await client.query("commit");
    return result;
  } catch (err) {
    await client.query("rollback").catch(() => {});
    throw err;
  }
}
