/**
 * Guild settings in the bot (issue 14): a switched-off feature's commands, buttons and forms answer
 * that it is off (the router's command → feature map; the SQL refuses too, FT001), amounts use the
 * guild's currency name and symbol, and the bot's presence set from the panel reaches the gateway
 * (the fake Discord's gateway records the presence update) through a `discord__presence` job.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { dbUrls, isolateDatabase, newGuildId, waitFor } from "../../server/__tests__/helpers.ts";
import { loadBotConfig, startBot } from "../src/index.ts";
import { clearFeatureCache } from "../src/features.ts";
import { FakeDiscord } from "./fake-discord.ts";
import { APP_ID, button, command, inject, startTestBot, type Member, type TestBot } from "./fixtures.ts";

let t: TestBot;
let db: pg.Pool;
let dropOwnDatabase: () => Promise<void>;
let guildId: string;
let owner: Member;
let alice: Member;

async function settings(sql: string): Promise<void> {
  await db.query(`update app_public.guild_settings set ${sql} where guild_id = $1`, [guildId]);
  clearFeatureCache();
}

async function txCount(): Promise<number> {
  const { rows } = await db.query("select count(*)::int as n from app_public.transactions where guild_id = $1", [guildId]);
  return rows[0].n;
}

beforeAll(async () => {
  dropOwnDatabase = await isolateDatabase();
  db = new pg.Pool({ connectionString: dbUrls().root, max: 4 });
  guildId = newGuildId().toString();
  owner = { id: (BigInt(guildId) + 900n).toString(), name: "Owner" };
  alice = { id: (BigInt(guildId) + 1n).toString(), name: "Alice" };
  t = await startTestBot();
  await db.query("select app_hidden.record_guild($1, 'Settings test guild', $2)", [guildId, owner.id]);
  await db.query("select app_private.ensure_member($1, $2, 'Alice')", [guildId, alice.id]);
}, 60_000);

afterAll(async () => {
  await t?.stop();
  await db?.end();
  await dropOwnDatabase?.();
});

describe("feature toggles", () => {
  it("a switched-off feature's command answers that it is off and moves nothing", async () => {
    await settings("feature_currency = false");
    const before = await txCount();
    const daily = await inject(t, command(guildId, alice, "daily"));
    expect(daily.reply.content).toBe("The currency feature is switched off in this server.");
    expect(daily.reply.flags).toBe(64);
    const give = await inject(t, command(guildId, alice, "give", [{ name: "member", type: 6, value: owner.id }, { name: "amount", type: 4, value: 5 }], [owner]));
    expect(give.reply.content).toBe("The currency feature is switched off in this server.");
    // The hub's Daily button belongs to the currency too.
    const hub = await inject(t, button(guildId, alice, "hub:daily"));
    expect(hub.reply.content).toBe("The currency feature is switched off in this server.");
    expect(await txCount()).toBe(before);
  });

  it("other features' commands still run, and each toggle is independent", async () => {
    await settings("feature_currency = false, feature_tasks = false, feature_cards = false");
    expect((await inject(t, command(guildId, alice, "tasks"))).reply.content).toBe("The tasks feature is switched off in this server.");
    expect((await inject(t, command(guildId, alice, "mycards"))).reply.content).toBe("The trading cards feature is switched off in this server.");
    const help = await inject(t, command(guildId, alice, "help"));
    expect(JSON.stringify(help.reply)).not.toContain("switched off");
  });

  it("switched back on, the same command works", async () => {
    await settings("feature_currency = true, feature_tasks = true, feature_cards = true");
    const before = await txCount();
    const daily = await inject(t, command(guildId, alice, "daily"));
    expect(JSON.stringify(daily.reply)).not.toContain("switched off");
    expect(await txCount()).toBe(before + 1);
  });
});

describe("currency display", () => {
  it("amounts use the guild's currency name, then its symbol", async () => {
    await settings("currency_name = 'gems', currency_symbol = ''");
    const named = await inject(t, command(guildId, alice, "balance"));
    expect(JSON.stringify(named.reply)).toMatch(/\d+ gems/);
    expect(JSON.stringify(named.reply)).not.toMatch(/\d+ coins/);
    await settings("currency_symbol = '💎'");
    const symbol = await inject(t, command(guildId, alice, "balance"));
    expect(JSON.stringify(symbol.reply)).toMatch(/💎\d+/);
    await settings("currency_name = 'coins', currency_symbol = ''");
  });
});

describe("bot presence from the panel", () => {
  it("set_bot_presence queues discord__presence; the bot sends it over the gateway and reports it synced", async () => {
    // A bot that logs in to its own fake gateway (the shared test bot injects interactions without one, so its runner
    // does not take presence jobs: only a bot with a gateway runs them).
    const other = new FakeDiscord(APP_ID);
    await other.start();
    const bot = await startBot({
      config: loadBotConfig({
        NODE_ENV: "test",
        DATABASE_URL: dbUrls().authenticator,
        DISCORD_TOKEN: "test-token-0123456789abcdefghij",
        DISCORD_CLIENT_ID: APP_ID,
        DISCORD_API_BASE_URL: `${other.url}/api/v10`,
        BOT_HEALTH_PORT: "0",
        BOT_WORKER_POLL_INTERVAL_MS: "100",
        LOG_LEVEL: "silent",
      }),
      login: true,
    });
    try {
      const c = await db.connect();
      try {
        await c.query("begin");
        await c.query("select set_config('app.guild_id', $1, true), set_config('app.discord_id', $2, true), set_config('app.staff_role', 'ADMIN', true), set_config('role', 'coins_staff', true)", [guildId, owner.id]);
        await c.query("select app_public.set_bot_presence('dnd', 'watching', 'the market')");
        await c.query("commit");
      } finally {
        c.release();
      }
      const frame = await waitFor("a presence update on the gateway", async () =>
        other.gatewayFrames.find((f) => f.op === 3 && f.d.status === "dnd" && f.d.activities?.[0]?.name === "the market"),
      );
      expect(frame.d.activities[0].type).toBe(3);
      const row = await waitFor("the presence reported synced", async () => {
        const { rows } = await db.query("select sync_state, applied_at from app_public.bot_presence where guild_id = $1", [guildId]);
        return rows[0]?.sync_state === "synced" ? rows[0] : undefined;
      });
      expect(row.applied_at).not.toBeNull();
    } finally {
      await bot.stop();
      await other.stop();
    }
  }, 60_000);
});
