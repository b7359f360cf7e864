/**
 * The bot's database access: every interaction runs in one transaction as the member
 * (`coins_player`) or as staff (`coins_staff` with the staff role resolved for this interaction).
 */
import type pg from "pg";
import { STAFF_ROLES, withClaims, type StaffRole } from "@guildbank/lib";

/** Who is acting in an interaction: the guild and the member (Discord snowflakes, decimal strings). */
export interface Actor {
  guildId: string;
  discordId: string;
  /** The member's display name (becomes `users.display_name` on registration). */
  displayName: string;
  /** The member's Discord role ids in this guild (for the staff role mapping). */
  roleIds: string[];
}

/**
 * Runs `fn` in one transaction as the member (`coins_player`, claims `app.guild_id`,
 * `app.discord_id`). When `register` is true the member's account is opened (or its display name
 * refreshed) first with `app_public.register_member`, so a member's first interaction works.
 *
 * @param pool - the authenticator pool.
 * @param actor - the member.
 * @param fn - the work (one function call, usually).
 * @param register - open the account first (default true).
 * @returns what `fn` returns.
 * @throws PostgreSQL errors (named ones decode with `decodeDbError`: MB003 when the guild is unknown).
 */
export async function asMember<T>(pool: pg.Pool, actor: Actor, fn: (c: pg.PoolClient) => Promise<T>, register = true): Promise<T> {
  return withClaims(pool, { role: "coins_player", guildId: actor.guildId, discordId: actor.discordId }, async (c) => {
    if (register) await c.query("select 1 from app_public.register_member($1)", [actor.displayName.slice(0, 100)]);
    return fn(c);
  });
}

/**
 * The staff role of a member in a guild, from `app_hidden.resolve_staff_role` (run as
 * `coins_worker`): the guild owner is SUPERADMIN, else the highest role mapped from the member's
 * Discord roles (`staff_role_mappings`), else null.
 *
 * @param pool - the authenticator pool.
 * @param actor - the member (guild, id, Discord role ids).
 * @returns the staff role, or null for a non-staff member.
 */
export async function resolveStaffRole(pool: pg.Pool, actor: Actor): Promise<StaffRole | null> {
  const role = await withClaims(pool, { role: "coins_worker" }, async (c) => {
    const { rows } = await c.query<{ role: string | null }>(
      "select app_hidden.resolve_staff_role($1::bigint, $2::bigint, $3::bigint[])::text as role",
      [actor.guildId, actor.discordId, actor.roleIds],
    );
    return rows[0]?.role ?? null;
  });
  return role && (STAFF_ROLES as readonly string[]).includes(role) ? (role as StaffRole) : null;
}

/**
 * Runs `fn` in one transaction as staff (`coins_staff` with `app.staff_role`); the permission
 * itself is checked in SQL by the function `fn` calls (PD001 permission_denied).
 *
 * @param pool - the authenticator pool.
 * @param actor - the staff member.
 * @param staffRole - the resolved role ({@link resolveStaffRole}).
 * @param fn - the work.
 * @param reason - recorded as `app.reason` by audit triggers (optional).
 * @returns what `fn` returns.
 */
export async function asStaff<T>(
  pool: pg.Pool,
  actor: Actor,
  staffRole: StaffRole,
  fn: (c: pg.PoolClient) => Promise<T>,
  reason?: string,
): Promise<T> {
  return withClaims(pool, { role: "coins_staff", guildId: actor.guildId, discordId: actor.discordId, staffRole, reason }, fn);
}

/**
 * Runs `fn` in one transaction as `coins_worker` (reads of `app_hidden` functions the bot's
 * renderers and tasks need).
 *
 * @param pool - the authenticator pool.
 * @param fn - the work.
 * @returns what `fn` returns.
 */
export async function asWorker<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  return withClaims(pool, { role: "coins_worker" }, fn);
}
