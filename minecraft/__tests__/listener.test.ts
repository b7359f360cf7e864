/**
 * The listener against a local minecraft-protocol server speaking 1.21.10 (offline mode) and the
 * real test database: payment lines recorded as payment rows and balances, a burst of 1,000
 * lines (none lost, none doubled), reconnect after a kick, payouts sent once as a `chat_command`
 * and settled by their confirmation line, and an unconfirmed payout escalated, never resent.
 */
import pg from "pg";
import mineflayer, { type Bot } from "mineflayer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, createPool, withClaims } from "@guildbank/lib";
import { ConfigError } from "@guildbank/lib";
import { createListener, createListenerMetrics, loadMinecraftConfig, startHealthServer, startPayoutRunner, type Listener, type ListenerMetrics, type PayoutRunner } from "../src/index.ts";
import { startFakeServer, type FakeServer } from "./fake-server.ts";
import { createMinecraftGuild, dbUrls, ledgerViolations, mcdBalance, superuserPool, testConfig, waitFor } from "./helpers.ts";

let db: pg.Pool;
let pool: pg.Pool;
let fake: FakeServer;
let listener: Listener;
let runner: PayoutRunner;
let guildId: string;
let alice: string;
let bob: string;
let metrics: ListenerMetrics;
/** The mineflayer client the listener created last (the real one, wrapped to be reachable). */
let mcBot: Bot;

beforeAll(async () => {
  db = superuserPool();
  pool = createPool(dbUrls().authenticator, 6);
  ({ guildId, memberIds: [alice, bob] } = await createMinecraftGuild(db, ["Alice_MC", "Bob_MC"]));
  fake = await startFakeServer();
  const config = testConfig(fake.port, guildId);
  const logger = createLogger("minecraft-test", "silent");
  metrics = createListenerMetrics();
  listener = createListener({ config, pool, logger, metrics, createBot: (o) => (mcBot = mineflayer.createBot(o)) });
  const joined = fake.joined();
  listener.start();
  await joined;
  await waitFor("login", () => listener.connected);
  runner = await startPayoutRunner({ config, listener, pool, logger, metrics }, 200);
}, 60_000);

afterAll(async () => {
  await runner?.stop();
  await listener?.stop();
  await fake?.close();
  await pool?.end();
  await db?.end();
});

async function payments(source?: string) {
  const { rows } = await db.query(
    "select id, source, delivery_key, payer_ign, amount::text, status::text, raw_line from app_public.minecraft_payments where guild_id = $1 and ($2::text is null or source = $2) order by id",
    [guildId, source ?? null],
  );
  return rows as { id: string; source: string; delivery_key: string; payer_ign: string; amount: string; status: string; raw_line: string }[];
}

describe("minecraft listener", () => {
  it("logs in and records system-chat payment lines through record_payment", async () => {
    const before = (await payments()).length;
    fake.say("§aAlice_MC §7paid you §e$10.50.");
    fake.say("Stranger1 has paid you 2.5k");
    fake.say("Bob_MC paid you 1.2.3"); // ambiguous amount: refused by the parser, nothing recorded
    fake.say("<Alice_MC> Alice_MC paid you 1000"); // player chat pretending to be a payment: no match
    await waitFor("two payments", async () => (await payments()).length === before + 2);
    await listener.drain();
    const rows = (await payments()).slice(before);
    expect(rows.map((r) => [r.payer_ign, r.amount, r.status, r.raw_line])).toEqual([
      ["Alice_MC", "1050", "credited", "Alice_MC paid you $10.50."],
      ["Stranger1", "250000", "unmatched", "Stranger1 has paid you 2.5k"],
    ]);
    expect(rows[0].source).toBe(`test-listener:${listener.sessionId}`);
    expect(await mcdBalance(db, guildId, alice)).toBe(1050n);
    expect(await mcdBalance(db, guildId, bob)).toBe(0n);
  });

  it("ignores player chat (and the action bar) that looks like a payment: only system chat counts", async () => {
    const before = (await payments()).length;
    const balance = await mcdBalance(db, guildId, alice);
    // What mineflayer emits for a player_chat / profileless_chat packet whose chat type renders the
    // message bare (a server chat plugin's decoration, a "disguised" message): position "chat".
    const noJson = null as never; // the ChatMessage argument: unused by the listener
    mcBot.emit("messagestr", "Alice_MC paid you $1000", "chat", noJson);
    mcBot.emit("messagestr", "Alice_MC has paid you 5k", "chat", noJson);
    mcBot.emit("messagestr", "Alice_MC paid you 7", "game_info", noJson);
    fake.say("Bob_MC paid you 1"); // the server's own line, after the forged ones
    await waitFor("the system line", async () => (await payments()).length === before + 1);
    await listener.drain();
    const rows = (await payments()).slice(before);
    expect(rows.map((r) => [r.payer_ign, r.amount])).toEqual([["Bob_MC", "100"]]);
    expect(await mcdBalance(db, guildId, alice)).toBe(balance);
  });

  it("a burst of 1,000 lines (many identical) loses none and doubles none", async () => {
    const source = `test-listener:${listener.sessionId}`;
    const before = await payments(source);
    const bobBefore = await mcdBalance(db, guildId, bob);
    let expected = 0n;
    for (let i = 0; i < 1000; i++) {
      const cents = BigInt((i % 7) + 1) * 100n; // seven distinct amounts: each one repeats about 143 times
      expected += cents;
      fake.say(`Bob_MC paid you $${cents / 100n}`);
    }
    await waitFor("1,000 payments", async () => (await payments(source)).length === before.length + 1000, 60_000);
    await listener.drain();
    const rows = (await payments(source)).slice(before.length);
    expect(rows).toHaveLength(1000);
    expect(new Set(rows.map((r) => r.delivery_key)).size).toBe(1000);
    expect(rows.every((r) => r.status === "credited")).toBe(true);
    expect(await mcdBalance(db, guildId, bob)).toBe(bobBefore + expected);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  }, 90_000);

  it("reconnects after the server kicks it, in a new session", async () => {
    const firstSession = listener.sessionId;
    const rejoined = fake.joined();
    fake.kickAll("kicked for testing");
    await waitFor("disconnect", () => !listener.connected);
    await rejoined;
    await waitFor("login again", () => listener.connected);
    expect(listener.sessionId).not.toBe(firstSession);
    fake.say("Alice_MC paid you 1");
    await waitFor("payment after reconnect", async () => (await payments(`test-listener:${listener.sessionId}`)).length === 1);
    const [row] = await payments(`test-listener:${listener.sessionId}`);
    expect(row).toMatchObject({ delivery_key: "1", amount: "100", status: "credited" });
  });

  async function requestPayout(discordId: string, cents: bigint, key: string): Promise<string> {
    return withClaims(pool, { role: "coins_player", guildId, discordId }, async (c) => {
      const { rows } = await c.query("select id::text from app_public.request_payout($1, $2)", [cents.toString(), key]);
      return rows[0].id as string;
    });
  }
  async function payout(id: string) {
    const { rows } = await db.query("select status::text, confirmation_line from app_public.minecraft_payouts where id = $1", [id]);
    return rows[0] as { status: string; confirmation_line: string | null };
  }

  it("sends /pay once as a chat_command; the confirmation line settles the payout", async () => {
    const walletBefore = await mcdBalance(db, guildId, alice);
    fake.onCommand((command) => {
      const m = /^pay (\w+) ([\d.]+)$/.exec(command);
      if (m && m[2] === "5.25") fake.say(`You paid ${m[1]} $${m[2]}.`);
    });
    const id = await requestPayout(alice, 525n, `payout-${guildId}-1`);
    expect(await mcdBalance(db, guildId, alice, "escrow")).toBe(525n);
    await waitFor("confirmed", async () => (await payout(id)).status === "confirmed");
    expect(fake.commands.filter((c) => c === "pay Alice_MC 5.25")).toHaveLength(1);
    expect((await payout(id)).confirmation_line).toBe("You paid Alice_MC $5.25.");
    expect(await mcdBalance(db, guildId, alice)).toBe(walletBefore - 525n);
    expect(await mcdBalance(db, guildId, alice, "escrow")).toBe(0n);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  it("a missing confirmation fails the payout with an ops alert, and it is never sent again", async () => {
    const id = await requestPayout(alice, 300n, `payout-${guildId}-2`);
    await waitFor("failed", async () => (await payout(id)).status === "failed");
    const { rows: alerts } = await db.query(
      "select severity::text, kind from app_public.ops_alerts where guild_id = $1 and detail ->> 'payout_id' = $2",
      [guildId, id],
    );
    expect(alerts).toEqual([{ severity: "critical", kind: "payout_unconfirmed" }]);
    // A duplicate job for the same payout (a replayed queue entry) sends nothing.
    const { rows: jobs } = await db.query(
      "select id from graphile_worker.add_job('minecraft__payout/' || $2, json_build_object('payout_id', $1::bigint), max_attempts := 1)",
      [id, guildId],
    );
    await waitFor("duplicate job done", async () => {
      const { rows } = await db.query("select count(*)::int as n from graphile_worker._private_jobs where id = $1", [jobs[0].id]);
      return rows[0].n === 0;
    });
    expect(fake.commands.filter((c) => c === "pay Alice_MC 3")).toHaveLength(1);
    // The money stays in escrow until a late confirmation or staff resolve it.
    expect(await mcdBalance(db, guildId, alice, "escrow")).toBe(300n);
    fake.say("You paid Alice_MC $3.");
    await waitFor("late confirmation", async () => (await payout(id)).status === "confirmed");
    expect(await mcdBalance(db, guildId, alice, "escrow")).toBe(0n);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  it("middleman (issue 13): chat lines verify both parties and the Donut SMP line `Bob_MC paid you $1.5K.` is the deposit", async () => {
    const uid = async (d: string) => (await db.query("select id from app_public.users where guild_id = $1 and discord_id = $2", [guildId, d])).rows[0].id;
    const a = await uid(alice);
    const t = (await db.query("select (app_private.mm_open_trade_for($1)).id", [a])).rows[0].id;
    await db.query("select app_private.mm_set_counterparty_for($1, $2, $3)", [t, a, bob]);
    const trade = (await db.query("select seller_verify_amount::text as s, buyer_verify_amount::text as b from app_private.mm_submit_form_for($1, $2, 'seller', null, null, 150000, 'sword')", [t, a])).rows[0];
    const dollars = (c: string) => `${BigInt(c) / 100n}.${(BigInt(c) % 100n).toString().padStart(2, "0")}`;
    const status = async () => (await db.query("select status::text from app_public.mm_trades where id = $1", [t])).rows[0].status;
    fake.say(`Bob_MC paid you $${dollars(trade.s)}.`); // the seller's amount from the buyer: no match
    fake.say(`§aAlice_MC §7paid you §e$${dollars(trade.s)}.`);
    const started = performance.now();
    fake.say(`Bob_MC has paid you ${dollars(trade.b)}`);
    await waitFor("both verified", async () => (await status()) === "awaiting_deposit");
    const verifiedMs = performance.now() - started;
    fake.say("Bob_MC paid you $1.5K.");
    await waitFor("in escrow", async () => (await status()) === "in_escrow");
    const events = (await db.query("select kind, raw_line from app_public.mm_events where trade_id = $1 and raw_line is not null order by id", [t])).rows;
    expect(events.map((e) => e.kind)).toEqual(["payment_unmatched", "verification_paid", "verification_paid", "deposit_paid"]);
    expect(events[3].raw_line).toBe("Bob_MC paid you $1.5K.");
    expect(await ledgerViolations(db, guildId)).toEqual([]);
    console.log(`figure: chat line -> trade row verified (listener, local 1.21.10 server): ${verifiedMs.toFixed(0)} ms`);
  });

  it("answers its health probe and exposes its metrics", async () => {
    const health = await startHealthServer("127.0.0.1", 0, listener, pool, metrics);
    try {
      const res = await fetch(`${health.url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: "ok", minecraft: "connected", database: "ok" });
      const text = await (await fetch(`${health.url}/metrics`)).text();
      expect(text).toMatch(/guildbank_minecraft_payments_total\{status="credited"\} \d+/);
      expect(text).toMatch(/guildbank_minecraft_connected 1/);
    } finally {
      await health.close();
    }
  });
});

describe("listener configuration", () => {
  it("names what is missing or malformed", () => {
    expect(() => loadMinecraftConfig({})).toThrow(ConfigError);
    const base = { DATABASE_URL: "postgres://x@127.0.0.1/db", MINECRAFT_GUILD_ID: "123456789012345678", MINECRAFT_HOST: "mc", MINECRAFT_USERNAME: "Bot" };
    const config = loadMinecraftConfig(base);
    expect(config).toMatchObject({ MINECRAFT_PORT: 25565, MINECRAFT_VERSION: "1.21.10", MINECRAFT_AUTH: "microsoft", MINECRAFT_PAYMENT_MAX: 100_000_000_000n });
    expect(() => loadMinecraftConfig({ ...base, MINECRAFT_PAYMENT_PATTERNS: '["^(\\w+) paid (\\d+)$"]' })).toThrow(/MINECRAFT_PAYMENT_PATTERNS/);
    expect(() => loadMinecraftConfig({ ...base, MINECRAFT_PAY_COMMAND: "pay {ign}" })).toThrow(/MINECRAFT_PAY_COMMAND/);
    expect(() => loadMinecraftConfig({ ...base, MINECRAFT_PAYMENT_MAX: "1.2.3" })).toThrow(/MINECRAFT_PAYMENT_MAX/);
    expect(loadMinecraftConfig({ ...base, MINECRAFT_PAYMENT_MAX: "2.5k" }).MINECRAFT_PAYMENT_MAX).toBe(250_000n);
  });
});
