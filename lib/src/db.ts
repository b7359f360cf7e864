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

/**
 * Creates a node-postgres pool. `bigint`/`numeric` stay strings (snowflakes and money exceed 2^53).
 *
 * @param connectionString - a postgres:// URL (processes use the authenticator role).
 * @param max - pool size (default 10).
 */
export function createPool(connectionString: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, application_name: process.title });
  // An idle client's error (e.g. the server restarting) must not crash the process.
  pool.on("error", () => {});
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
