/** Fixtures of the listener's tests: the test database (vitest global setup), guilds, balances. */
import { randomInt } from "node:crypto";
import pg from "pg";
import { dbUrls } from "../../scripts/test-database.ts";
import { loadMinecraftConfig, type MinecraftConfig } from "../src/index.ts";

export { dbUrls } from "../../scripts/test-database.ts";

/** A superuser pool on the test database. */
export function superuserPool(): pg.Pool {
  return new pg.Pool({ connectionString: dbUrls().root, max: 4 });
}

/**
 * Creates a guild with members `guild + 1..n`, each with the IGN `igns[i]` when given.
 *
 * @returns the guild id and the members' Discord ids.
 */
export async function createMinecraftGuild(db: pg.Pool, igns: (string | null)[]): Promise<{ guildId: string; memberIds: string[] }> {
  const guildId = 300_000_000_000_000_000n + BigInt(randomInt(1, 2 ** 47)) * 1000n;
  await db.query("select app_private.ensure_guild($1, $2)", [guildId.toString(), `MC test ${guildId}`]);
  const memberIds: string[] = [];
  for (let i = 0; i < igns.length; i++) {
    const discordId = (guildId + BigInt(i + 1)).toString();
    const { rows } = await db.query("select id from app_private.ensure_member($1, $2, $3)", [guildId.toString(), discordId, `M${i + 1}`]);
    if (igns[i]) await db.query("select app_private.link_ign($1, $2, $3)", [guildId.toString(), rows[0].id, igns[i]]);
    memberIds.push(discordId);
  }
  return { guildId: guildId.toString(), memberIds };
}

/** A member's MCD balance of an account kind (cents), 0 without the account. */
export async function mcdBalance(db: pg.Pool, guildId: string, discordId: string, kind = "wallet"): Promise<bigint> {
  const { rows } = await db.query(
    `select a.balance::text as b from app_public.accounts a join app_public.users u on u.id = a.user_id
      where u.guild_id = $1 and u.discord_id = $2 and a.currency = 'MCD' and a.kind = $3`,
    [guildId, discordId, kind],
  );
  return BigInt(rows[0]?.b ?? 0);
}

/** verify_ledger() for a guild: [] when clean. */
export async function ledgerViolations(db: pg.Pool, guildId: string): Promise<unknown[]> {
  return (await db.query("select * from app_public.verify_ledger($1)", [guildId])).rows;
}

/** A listener configuration pointing at the fake server (offline mode) and the test database. */
export function testConfig(port: number, guildId: string, env: Record<string, string> = {}): MinecraftConfig {
  return loadMinecraftConfig({
    NODE_ENV: "test",
    DATABASE_URL: dbUrls().authenticator,
    MINECRAFT_GUILD_ID: guildId,
    MINECRAFT_HOST: "127.0.0.1",
    MINECRAFT_PORT: String(port),
    MINECRAFT_USERNAME: "GuildbankBot",
    MINECRAFT_AUTH: "offline",
    MINECRAFT_LISTENER_ID: "test-listener",
    MINECRAFT_RECONNECT_MIN_MS: "50",
    MINECRAFT_RECONNECT_MAX_MS: "400",
    MINECRAFT_PAYOUT_CONFIRM_TIMEOUT_MS: "1500",
    LOG_LEVEL: "silent",
    ...env,
  });
}

/**
 * Polls `probe` until it returns a truthy value.
 *
 * @throws {Error} after `timeoutMs` (default 30 s).
 */
export async function waitFor<T>(what: string, probe: () => Promise<T> | T, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
