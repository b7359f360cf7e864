/**
 * The background-job runner against the real test database: configuration, every task run
 * twice (the second run does nothing), fulfilment adapters and retries, the per-guild
 * leaderboard cron, and a worker process killed with SIGKILL in the middle of a fulfilment.
 *
 * Test files that run a worker get a database of their own first (isolateDatabase): with the job
 * queue of a shared database, two workers at once would take each other's jobs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "@guildbank/lib";
import {
  CRONTAB,
  TASK_IDENTIFIERS,
  checkWorkerDatabase,
  cronMatches,
  digestDay,
  loadWorkerConfig,
  parseWorkerCrontab,
  startWorker,
  workerPoolSize,
  type FulfilmentAdapter,
  type FulfilmentOrder,
  type WorkerHandle,
} from "../src/worker/index.ts";
import { clientFor, createGuild, dbUrls, ledgerViolations, startTestServer, superuserPool, testWorkerConfig, walletBalance, isolateDatabase, waitFor } from "./helpers.ts";

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const BUY_REWARD = `mutation($sku: String!, $qty: Int!, $key: String!) {
  buyReward(input: { sku: $sku, qty: $qty, idempotencyKey: $key }) { order { orderId status } }
}`;
const CREATE_LISTING = `mutation($sku: String!, $qty: Int!, $price: BigInt!, $key: String!) {
  createListing(input: { sku: $sku, qty: $qty, unitPrice: $price, idempotencyKey: $key }) { listing { listingId } }
}`;
const BUY_LISTING = `mutation($listingId: UUID!, $qty: Int!, $key: String!) {
  buyListing(input: { listingId: $listingId, qty: $qty, idempotencyKey: $key }) { order { orderId status } }
}`;

/** Whether pricing_history has the unique slot index the report proposes. */
let hasSlotIdempotence = false;
{
  const probe = new pg.Client({ connectionString: dbUrls().root });
  await probe.connect();
  try {
    const { rows } = await probe.query(
      `select exists (select 1 from pg_index i join pg_class c on c.oid = i.indexrelid
                       where i.indrelid = 'app_public.pricing_history'::regclass and i.indisunique and c.relname <> 'pricing_history_pkey') as ok`,
    );
    hasSlotIdempotence = rows[0].ok;
  } finally {
    await probe.end();
  }
}

let dropOwnDatabase: (() => Promise<void>) | undefined;
let db: pg.Pool;
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  dropOwnDatabase = await isolateDatabase();
  db = superuserPool();
  server = await startTestServer();
}, 300_000);

afterAll(async () => {
  await server?.close();
  await db?.end();
  await dropOwnDatabase?.();
});

async function userId(guildId: string, discordId: string): Promise<string> {
  const { rows } = await db.query("select id::text from app_public.users where guild_id = $1 and discord_id = $2", [guildId, discordId]);
  return rows[0].id;
}

async function orderRow(orderId: string) {
  const { rows } = await db.query(
    "select status::text, fulfilment_attempts, last_error, settle_reason from app_public.orders where order_id = $1",
    [orderId],
  );
  return rows[0] as { status: string; fulfilment_attempts: number; last_error: string | null; settle_reason: string | null };
}

async function addReward(guildId: string, sku: string, price: number, fulfilment = "none", payload: object = {}) {
  await db.query(
    "insert into app_public.rewards (guild_id, sku, name, category, price, fulfilment, payload) values ($1, $2, $2, 'cosmetic', $3, $4, $5)",
    [guildId, sku, price, fulfilment, JSON.stringify(payload)],
  );
}

describe("configuration", () => {
  const url = "postgres://guildbank_authenticator@127.0.0.1:5432/guildbank";

  it("has defaults for everything but DATABASE_URL", () => {
    const config = loadWorkerConfig({ DATABASE_URL: url });
    expect(config).toMatchObject({
      WORKER_CONCURRENCY: 4,
      WORKER_CRON: true,
      WORKER_POLL_INTERVAL_MS: 2000,
      WORKER_SHUTDOWN_TIMEOUT_MS: 30_000,
      WORKER_TEST_FULFIL_DELAY_MS: 0,
      LOG_LEVEL: "info",
    });
    expect(workerPoolSize(config)).toBe(8);
    expect(() => loadWorkerConfig({})).toThrow(/DATABASE_URL: is required/);
    expect(() => loadWorkerConfig({ DATABASE_URL: url, WORKER_CONCURRENCY: "0" })).toThrow(ConfigError);
  });

  it("refuses the test hook in production", () => {
    expect(() => loadWorkerConfig({ DATABASE_URL: url, NODE_ENV: "production", WORKER_TEST_FULFIL_DELAY_MS: "1000" })).toThrow(
      /WORKER_TEST_FULFIL_DELAY_MS: is a test hook/,
    );
    expect(loadWorkerConfig({ DATABASE_URL: url, NODE_ENV: "test", WORKER_TEST_FULFIL_DELAY_MS: "1000" }).WORKER_TEST_FULFIL_DELAY_MS).toBe(1000);
  });

  it("has a crontab naming only known tasks, and refuses unknown ones", () => {
    const items = parseWorkerCrontab(CRONTAB, TASK_IDENTIFIERS);
    expect(items.map((i) => i.task).sort()).toEqual([...TASK_IDENTIFIERS].filter((t) => t !== "orders__fulfil" && t !== "catalogue__ingest_artist").sort());
    expect(() => parseWorkerCrontab("* * * * * nope__nothing", TASK_IDENTIFIERS)).toThrow(/unknown task/);
  });

  it("matches five-field crons in UTC, day-of-month OR day-of-week", () => {
    const monday = new Date("2026-01-05T12:00:00Z");
    expect(cronMatches("*/15 * * * *", monday)).toBe(true);
    expect(cronMatches("*/15 * * * *", new Date("2026-01-05T12:07:00Z"))).toBe(false);
    expect(cronMatches("0 12 * * 1", monday)).toBe(true);
    expect(cronMatches("0 12 * * 1", new Date("2026-01-06T12:00:00Z"))).toBe(false);
    expect(cronMatches("0 12 1 * 1", new Date("2026-01-01T12:00:00Z"))).toBe(true);
    expect(() => cronMatches("61 * * * *", monday)).toThrow(/invalid cron/);
    expect(() => cronMatches("* * * * * *", monday)).toThrow(/five fields/);
  });

  it("digests the day before the scheduled slot, or the day asked for", () => {
    expect(digestDay({ _cron: { ts: "2026-03-01T00:05:00.000Z" } })).toBe("2026-02-28");
    expect(digestDay({ day: "2026-01-31" })).toBe("2026-01-31");
    expect(() => digestDay({ day: "31/01/2026" })).toThrow(/invalid payload/);
  });
});

describe("start-up", () => {
  it("refuses connections that did not switch to coins_worker", async () => {
    const pool = new pg.Pool({ connectionString: dbUrls().authenticator, max: 1 });
    try {
      await expect(checkWorkerDatabase(pool)).rejects.toThrow(/act as guildbank_authenticator, expected coins_worker/);
    } finally {
      await pool.end();
    }
  });

  it("refuses a crontab naming an unknown task, and releases its pool", async () => {
    const config = loadWorkerConfig({ NODE_ENV: "test", DATABASE_URL: dbUrls().authenticator, LOG_LEVEL: "silent" });
    await expect(startWorker({ config, crontab: "* * * * * nope__nothing" })).rejects.toThrow(/unknown task\(s\): nope__nothing/);
  });
});

describe("tasks, each run twice, with a real worker", () => {
  let worker: WorkerHandle;
  const completed = new Map<string, unknown>();
  const deliveries: { order: FulfilmentOrder; attempt: number }[] = [];
  const voucherAdapter: FulfilmentAdapter = {
    kind: "voucher",
    async deliver(order, context) {
      deliveries.push({ order, attempt: context.attempt });
      // A reward whose payload says so gets an adapter that "forgets" its proof of delivery.
      return order.lines[0]?.payload.withoutRef ? "" : `voucher-${order.orderId.slice(0, 8)}`;
    },
  };

  beforeAll(async () => {
    worker = await startWorker({
      config: testWorkerConfig(),
      adapters: { voucher: voucherAdapter },
    });
    worker.runner.events.on("job:complete", ({ job, error }) => completed.set(job.id, error ?? null));
  });
  afterAll(async () => {
    await worker?.stop();
  });

  /** Queues a job on the running worker and waits for it to finish; rethrows its error. */
  async function runTask(task: string, payload: Record<string, unknown> = {}) {
    const job = await worker.runner.addJob(task, payload, { maxAttempts: 1 });
    await waitFor(`${task} job ${job.id}`, async () => completed.has(job.id));
    const error = completed.get(job.id);
    if (error) throw error;
  }

  it("connects as coins_worker (graphile-worker's start-up check included)", async () => {
    const { rows } = await worker.pool.query("select current_user::text as role, session_user::text as login");
    expect(rows[0]).toEqual({ role: "coins_worker", login: "guildbank_authenticator" });
  });

  it("orders__fulfil (none): fulfils a shop order at once; a second run changes nothing", async () => {
    const { guildId, memberIds } = await createGuild(db, 1, 500);
    await addReward(guildId, "hat", 40);
    const member = await clientFor(server, { guildId, discordId: memberIds[0], kind: "player" });
    const res = await member.gql(BUY_REWARD, { sku: "hat", qty: 2, key: "hat-1" });
    expect(res.errors).toBeUndefined();
    const orderId = res.data!.buyReward.order.orderId;
    await waitFor("fulfilment", async () => (await orderRow(orderId)).status === "fulfilled");
    const snapshot = async () => ({
      wallet: await walletBalance(db, guildId, memberIds[0]),
      tx: (await db.query("select count(*)::int as n from app_public.transactions where order_id = $1", [orderId])).rows[0].n,
      inventory: (await db.query("select quantity from app_public.inventory where guild_id = $1 and sku = 'hat'", [guildId])).rows,
    });
    const first = await snapshot();
    expect(first).toEqual({ wallet: 420, tx: 2, inventory: [{ quantity: 2 }] });
    await runTask("orders__fulfil", { order_id: orderId });
    expect(await snapshot()).toEqual(first);
    await runTask("orders__fulfil", { order_id: "00000000-0000-4000-8000-000000000000" }); // unknown order: nothing to do
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  it("orders__fulfil (voucher, adapter plugged in): delivers through the adapter, then fulfils; never delivers twice", async () => {
    const { guildId, memberIds } = await createGuild(db, 1, 500);
    await addReward(guildId, "code", 25, "voucher", { template: "GIFT-{code}" });
    const member = await clientFor(server, { guildId, discordId: memberIds[0], kind: "player" });
    const res = await member.gql(BUY_REWARD, { sku: "code", qty: 2, key: "code-1" });
    const orderId = res.data!.buyReward.order.orderId;
    await waitFor("fulfilment", async () => (await orderRow(orderId)).status === "fulfilled");
    expect((await orderRow(orderId)).settle_reason).toBe(`delivered: voucher-${orderId.slice(0, 8)}`);
    const mine = deliveries.filter((d) => d.order.orderId === orderId);
    expect(mine).toHaveLength(1);
    expect(mine[0].attempt).toBe(1);
    expect(mine[0].order).toMatchObject({
      guildId,
      kind: "shop",
      status: "pending",
      fulfilment: "voucher",
      buyerDiscordId: memberIds[0],
      sellerDiscordId: null,
      escrow: "50",
      lines: [{ sku: "code", qty: 2, unitPrice: "25", listingId: null, category: "cosmetic", payload: { template: "GIFT-{code}" } }],
    });
    await runTask("orders__fulfil", { order_id: orderId });
    expect(deliveries.filter((d) => d.order.orderId === orderId)).toHaveLength(1);
    expect(await walletBalance(db, guildId, memberIds[0])).toBe(450);
  });

  it("orders__fulfil (voucher): an adapter that resolves without a delivery reference does not fulfil (OR003, recorded, retried)", async () => {
    const { guildId, memberIds } = await createGuild(db, 1, 500);
    await addReward(guildId, "blank", 25, "voucher", { withoutRef: true });
    const member = await clientFor(server, { guildId, discordId: memberIds[0], kind: "player" });
    const orderId = (await member.gql(BUY_REWARD, { sku: "blank", qty: 1, key: "blank-1" })).data!.buyReward.order.orderId;
    await waitFor("failed attempt", async () => (await orderRow(orderId)).fulfilment_attempts >= 1);
    expect(await orderRow(orderId)).toMatchObject({ status: "pending" });
    expect((await orderRow(orderId)).last_error).toMatch(/^OR003 fulfilment_unconfirmed: /);
    expect(await walletBalance(db, guildId, memberIds[0])).toBe(475);
    await db.query("select graphile_worker.remove_job($1)", [`orders__fulfil:${orderId}`]);
  });

  it("orders__fulfil (api, not configured on this worker): records each failure, retries with backoff, alerts on the last attempt", async () => {
    const { guildId, memberIds } = await createGuild(db, 1, 500);
    await addReward(guildId, "vip", 100, "api");
    const member = await clientFor(server, { guildId, discordId: memberIds[0], kind: "player" });
    const orderId = (await member.gql(BUY_REWARD, { sku: "vip", qty: 1, key: "vip-1" })).data!.buyReward.order.orderId;
    const jobOf = async () =>
      (
        await db.query(
          "select attempts, max_attempts, last_error, run_at > now() as later, locked_at is null as unlocked from graphile_worker._private_jobs where key = $1",
          [`orders__fulfil:${orderId}`],
        )
      ).rows[0];
    await waitFor("first failed attempt", async () => (await orderRow(orderId)).fulfilment_attempts >= 1);
    const job = await waitFor("job rescheduled", async () => {
      const j = await jobOf();
      return j?.unlocked && j.attempts >= 1 && j.attempts < 7 ? j : null;
    });
    expect(job).toMatchObject({ max_attempts: 7, later: true });
    expect(job.last_error).toMatch(/not configured/);
    expect(await orderRow(orderId)).toMatchObject({ status: "pending", last_error: "fulfilment kind 'api' is not configured on this worker" });
    expect(await db.query("select 1 from app_public.ops_alerts where guild_id = $1", [guildId])).toHaveProperty("rowCount", 0);

    // Jump to the final attempt (as if 6 had failed): it is recorded as final and raises an ops alert.
    await waitFor("job moved to its last attempt", async () => {
      const r = await db.query(
        "update graphile_worker._private_jobs set attempts = max_attempts - 1, run_at = now() where key = $1 and locked_at is null and attempts < max_attempts",
        [`orders__fulfil:${orderId}`],
      );
      return r.rowCount === 1;
    });
    const alerts = await waitFor("alert", async () => {
      const { rows } = await db.query("select severity::text, kind, detail from app_public.ops_alerts where guild_id = $1", [guildId]);
      return rows.length ? rows : null;
    });
    expect(alerts).toEqual([{ severity: "warning", kind: "fulfilment_failed", detail: { order_id: orderId, error: "fulfilment kind 'api' is not configured on this worker" } }]);
    const failed = await waitFor("job failed for good", async () => {
      const j = await jobOf();
      return j?.unlocked && j.attempts === 7 ? j : null;
    });
    expect(failed.max_attempts).toBe(7);
    expect((await orderRow(orderId)).fulfilment_attempts).toBeGreaterThanOrEqual(2);
    // The order keeps its escrow until the timeout refunds it; nothing moved meanwhile.
    expect((await orderRow(orderId)).status).toBe("pending");
    expect(await walletBalance(db, guildId, memberIds[0])).toBe(400);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  it("orders__escrow_timeout: refunds orders past their timeout once; a second run changes nothing", async () => {
    const { guildId, memberIds } = await createGuild(db, 2, 500);
    await addReward(guildId, "gem", 50);
    const seller = await userId(guildId, memberIds[0]);
    const buyer = await userId(guildId, memberIds[1]);
    await db.query("select app_private.inventory_add($1, 'gem', 3)", [seller]);
    const listing = (await db.query("select listing_id from app_private.create_listing_for($1, 'gem', 3, 60, 72, 1, null, 'l1')", [seller])).rows[0].listing_id;
    // An order bought 20 minutes ago (timeout 15 min) whose fulfilment job never ran.
    const client = await db.connect();
    let orderId: string;
    try {
      await client.query("begin");
      orderId = (await client.query("select order_id from app_private.buy_listing_for($1, $2, 2, 'old', now() - interval '20 minutes')", [buyer, listing])).rows[0].order_id;
      await client.query("select graphile_worker.remove_job($1)", [`orders__fulfil:${orderId}`]);
      await client.query("commit");
    } finally {
      client.release();
    }
    expect(await walletBalance(db, guildId, memberIds[1])).toBe(380);
    await runTask("orders__escrow_timeout");
    expect(await orderRow(orderId)).toMatchObject({ status: "refunded", settle_reason: "escrow_timeout" });
    const snapshot = async () => ({
      wallet: await walletBalance(db, guildId, memberIds[1]),
      refunds: (await db.query("select count(*)::int as n from app_public.transactions where order_id = $1 and type = 'refund'", [orderId])).rows[0].n,
      listing: (await db.query("select qty_available, status::text from app_public.listings where listing_id = $1", [listing])).rows[0],
    });
    const first = await snapshot();
    expect(first).toEqual({ wallet: 500, refunds: 1, listing: { qty_available: 3, status: "active" } });
    await runTask("orders__escrow_timeout");
    expect(await snapshot()).toEqual(first);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  it("listings__expire: expires a listing past its end once and returns the units; a second run changes nothing", async () => {
    const { guildId, memberIds } = await createGuild(db, 1, 0);
    await addReward(guildId, "gem", 50);
    const seller = await userId(guildId, memberIds[0]);
    await db.query("select app_private.inventory_add($1, 'gem', 5)", [seller]);
    const listing = (
      await db.query("select listing_id from app_private.create_listing_for($1, 'gem', 4, 60, 1, 1, null, 'l1', now() - interval '2 hours')", [seller])
    ).rows[0].listing_id;
    const snapshot = async () => ({
      listing: (await db.query("select status::text, qty_available from app_public.listings where listing_id = $1", [listing])).rows[0],
      inventory: (await db.query("select quantity from app_public.inventory where user_id = $1 and sku = 'gem'", [seller])).rows[0].quantity,
      events: (await db.query("select count(*)::int as n from app_public.transactions where listing_id = $1 and reason = 'listing_expired'", [listing])).rows[0].n,
    });
    expect(await snapshot()).toEqual({ listing: { status: "active", qty_available: 4 }, inventory: 1, events: 0 });
    await runTask("listings__expire");
    const first = await snapshot();
    expect(first).toEqual({ listing: { status: "expired", qty_available: 0 }, inventory: 5, events: 1 });
    await runTask("listings__expire");
    expect(await snapshot()).toEqual(first);
  });

  it("cards__expire: closes card listings and trades past their expiry and makes temporary copies vanish; a second run changes nothing", async () => {
    const { guildId, memberIds } = await createGuild(db, 2, 0);
    const [a, b] = [await userId(guildId, memberIds[0]), await userId(guildId, memberIds[1])];
    await db.query(
      `with ar as (insert into app_public.artists (guild_id, name, code) values ($1, 'Worker Artist', 'WRK') returning id),
            er as (insert into app_public.eras (guild_id, artist_id, name, code) select $1, id, 'One', 'ONE' from ar returning id, artist_id),
            ev as (insert into app_public.card_events (guild_id, name, starts_at, ends_at) values ($1, 'Past', now() - interval '2 days', now() - interval '1 day') returning id)
       insert into app_public.card_templates (guild_id, public_id, artist_id, era_id, rarity, event_id, temporary)
       select $1, 'WRK-ONE-C-00' || n, er.artist_id, er.id, 'common', case when n = 2 then ev.id end, n = 2 from er, ev, generate_series(1, 2) n`,
      [guildId],
    );
    const template = async (p: string) => (await db.query("select id from app_public.card_templates where public_id = $1 and guild_id = $2", [p, guildId])).rows[0].id;
    const card = (await db.query("select id from app_private.mint_card($1, $2, 'admin')", [await template("WRK-ONE-C-001"), a])).rows[0].id;
    await db.query("select app_private.mint_card($1, $2, 'event')", [await template("WRK-ONE-C-002"), b]);
    await db.query("select app_private.list_card_for($1, $2, 10, 'NOTE', 1, null, now() - interval '2 hours')", [a, card]);
    await db.query("select app_private.propose_trade_for($1, $2, null, '{\"NOTE\": 1}', null, null, now() - interval '3 hours')", [a, memberIds[1]]);
    const snapshot = async () => ({
      listings: (await db.query("select status::text from app_public.card_listings where guild_id = $1", [guildId])).rows.map((r) => r.status),
      trades: (await db.query("select status::text from app_public.card_trades where guild_id = $1", [guildId])).rows.map((r) => r.status),
      live: (await db.query("select count(*)::int as n from app_public.user_cards where guild_id = $1 and temporary and burned_at is null", [guildId])).rows[0].n,
    });
    expect(await snapshot()).toEqual({ listings: ["active"], trades: ["open"], live: 1 });
    await runTask("cards__expire");
    const first = await snapshot();
    expect(first).toEqual({ listings: ["expired"], trades: ["expired"], live: 0 });
    await runTask("cards__expire");
    expect(await snapshot()).toEqual(first);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  it("cards__expire picks for an opening left unpicked 24 h (the rarest card); cards__rewards pays completed missions and achievements once", async () => {
    const { guildId, memberIds } = await createGuild(db, 1, 0);
    const a = await userId(guildId, memberIds[0]);
    await db.query(
      `with ar as (insert into app_public.artists (guild_id, name, code) values ($1, 'Reward Artist', 'RWD') returning id),
            er as (insert into app_public.eras (guild_id, artist_id, name, code) select $1, id, 'One', 'ONE' from ar returning id, artist_id)
       insert into app_public.card_templates (guild_id, public_id, artist_id, era_id, rarity)
       select $1, 'RWD-ONE-' || upper(left(r::text, 1)) || '-001', er.artist_id, er.id, r from er, unnest(enum_range(null::app_public.card_rarity)) r`,
      [guildId],
    );
    await db.query(
      "select app_private.post_transfer($1, app_private.ledger_account($1, null, 'NOTE', 'mint'), app_private.ledger_account($1, $2, 'NOTE', 'wallet'), 200, 'test_fund')",
      [guildId, a],
    );
    // Two packs a day ago (the free one, then one for 200 Notes): daily-open was completed then; neither was picked.
    await db.query("select app_private.open_pack_for($1, 'standard-3', null, null, null, now() - interval '25 hours')", [a]);
    await db.query("select app_private.open_pack_for($1, 'standard-3', 'NOTE', null, null, now() - interval '25 hours' + interval '8 minutes')", [a]);
    const notes = async () =>
      Number((await db.query("select coalesce(sum(balance), 0) as b from app_public.accounts where user_id = $1 and currency = 'NOTE' and kind = 'wallet'", [a])).rows[0].b);
    expect(await notes()).toBe(0);
    await runTask("cards__expire");
    const { rows: openings } = await db.query(
      `select o.status::text, o.auto_picked, d.rarity = (select max(x.rarity) from app_public.card_draws x where x.opening_id = o.id) as rarest
         from app_public.pack_openings o join app_public.card_draws d on d.opening_id = o.id and d.slot = o.picked_slot where o.user_id = $1`,
      [a],
    );
    expect(openings).toEqual([
      { status: "picked", auto_picked: true, rarest: true },
      { status: "picked", auto_picked: true, rarest: true },
    ]);
    await runTask("cards__rewards");
    expect(await notes()).toBe(150); // daily-open (100) and the first-pack achievement (50)
    await runTask("cards__rewards");
    expect(await notes()).toBe(150);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  describe("pricing__rollup", () => {
    let guildId: string;
    const slot = "2026-11-21T10:10:00.000Z";

    async function historyAt(at: string) {
      const { rows } = await db.query(
        "select sku, median_7d::int, volume_24h from app_public.pricing_history where guild_id = $1 and created_at = $2",
        [guildId, at],
      );
      return rows;
    }

    beforeAll(async () => {
      const g = await createGuild(db, 3, 1000);
      guildId = g.guildId;
      await addReward(guildId, "gem", 50);
      await db.query("select app_private.inventory_add($1, 'gem', 6)", [await userId(guildId, g.memberIds[0])]);
      const seller = await clientFor(server, { guildId, discordId: g.memberIds[0], kind: "player" });
      const listingId = (await seller.gql(CREATE_LISTING, { sku: "gem", qty: 6, price: "60", key: "l" })).data!.createListing.listing.listingId;
      for (const [i, discordId] of g.memberIds.slice(1).entries()) {
        const buyer = await clientFor(server, { guildId, discordId, kind: "player" });
        const r = await buyer.gql(BUY_LISTING, { listingId, qty: i + 1, key: "b" });
        expect(r.errors).toBeUndefined();
      }
      await waitFor("market orders fulfilled", async () => {
        const { rows } = await db.query("select count(*)::int as n from app_public.orders where guild_id = $1 and status = 'fulfilled'", [guildId]);
        return rows[0].n === 2;
      });
    });

    it("writes the slot's 7-day median and 24 h volume", async () => {
      // The sales happened "now"; a slot in the future sees them within its windows.
      const at = new Date(Date.now() + 60_000);
      at.setUTCSeconds(0, 0);
      await runTask("pricing__rollup", { _cron: { ts: at.toISOString() } });
      expect(await historyAt(at.toISOString())).toEqual([{ sku: "gem", median_7d: 60, volume_24h: 3 }]);
    });

    it.skipIf(!hasSlotIdempotence)(
      "running the same slot twice writes its rows once (needs the pricing_rollup fix in the report)",
      async () => {
        await runTask("pricing__rollup", { _cron: { ts: slot } });
        const first = await historyAt(slot);
        await runTask("pricing__rollup", { _cron: { ts: slot } });
        expect(await historyAt(slot)).toEqual(first);
      },
    );
  });

  it("leaderboard__refresh: refreshes exactly the guilds whose LEADERBOARD_CRON matches the slot; a rerun writes the same snapshot", async () => {
    const crons = { quarter: "*/15 * * * *", seventh: "7 * * * *", mondayNoon: "0 12 * * 1", firstOrMonday: "0 12 1 * 1", broken: "a b c d e" };
    const guilds: Record<string, string> = {};
    for (const [name, cron] of Object.entries(crons)) {
      const { guildId } = await createGuild(db, 3, 100);
      await db.query("update app_public.guild_settings set leaderboard_cron = $2 where guild_id = $1", [guildId, cron]);
      guilds[name] = guildId;
    }
    const refreshedAt = async () => {
      const out: Record<string, string | null> = {};
      for (const [name, guildId] of Object.entries(guilds)) {
        const { rows } = await db.query("select max(refreshed_at) as at from app_public.leaderboard_snapshots where guild_id = $1", [guildId]);
        out[name] = rows[0].at ? (rows[0].at as Date).toISOString() : null;
      }
      return out;
    };
    const monday = "2026-01-05T12:00:00.000Z";
    const seven = "2026-01-05T12:07:00.000Z";
    const first = "2026-01-01T12:00:00.000Z"; // a Thursday
    await runTask("leaderboard__refresh", { _cron: { ts: monday } });
    expect(await refreshedAt()).toEqual({ quarter: monday, seventh: null, mondayNoon: monday, firstOrMonday: monday, broken: null });
    await runTask("leaderboard__refresh", { _cron: { ts: seven } });
    expect(await refreshedAt()).toEqual({ quarter: monday, seventh: seven, mondayNoon: monday, firstOrMonday: monday, broken: null });
    await runTask("leaderboard__refresh", { _cron: { ts: first } });
    const afterFirst = await refreshedAt();
    expect(afterFirst).toEqual({ quarter: first, seventh: seven, mondayNoon: monday, firstOrMonday: first, broken: null });
    const board = async () =>
      (await db.query("select rank, discord_id::text, balance::int, refreshed_at from app_public.leaderboard_snapshots where guild_id = $1 order by rank, discord_id", [guilds.quarter])).rows;
    const before = await board();
    expect(before).toHaveLength(3);
    await runTask("leaderboard__refresh", { _cron: { ts: first } });
    expect(await board()).toEqual(before);
    expect(await refreshedAt()).toEqual(afterFirst);
  });

  it("ledger__verify: a clean ledger raises nothing; a broken guild gets one critical alert per run", async () => {
    const { guildId, memberIds } = await createGuild(db, 1, 100);
    const alerts = async () =>
      (await db.query("select severity::text, kind, detail from app_public.ops_alerts where guild_id = $1 and kind = 'ledger_violation'", [guildId])).rows;
    await runTask("ledger__verify");
    expect(await alerts()).toEqual([]);
    const wallet = (await db.query("select id from app_public.accounts where user_id = $1 and kind = 'wallet'", [await userId(guildId, memberIds[0])])).rows[0].id;
    await db.query("update app_public.accounts set balance = balance + 7, credits_posted = credits_posted + 7 where id = $1", [wallet]);
    try {
      await runTask("ledger__verify");
    } finally {
      await db.query("update app_public.accounts set balance = balance - 7, credits_posted = credits_posted - 7 where id = $1", [wallet]);
    }
    const raised = await alerts();
    expect(raised).toHaveLength(1);
    expect(raised[0].severity).toBe("critical");
    expect(raised[0].detail.violations.map((v: { invariant: string }) => v.invariant)).toContain("sum_of_balances_is_zero");
    await runTask("ledger__verify");
    expect(await alerts()).toHaveLength(1);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  it("digest__daily: writes the previous UTC day's stats and an admin_actions entry once; a second run changes nothing", async () => {
    const { guildId, memberIds } = await createGuild(db, 2, 300);
    const { rows: today } = await db.query("select (now() at time zone 'UTC')::date::text as d, ((now() at time zone 'UTC')::date + 1)::text as next");
    const slot = `${today[0].next}T00:05:00.000Z`;
    expect(digestDay({ _cron: { ts: slot } })).toBe(today[0].d);
    const member = await clientFor(server, { guildId, discordId: memberIds[0], kind: "player" });
    expect((await member.gql(`mutation { claimDaily(input: {}) { dailyClaim { amount } } }`)).errors).toBeUndefined();
    const snapshot = async () => ({
      stats: (await db.query("select day::text, transactions, active_members, orders from app_public.daily_stats where guild_id = $1", [guildId])).rows,
      audit: (await db.query("select subject_id from app_public.admin_actions where guild_id = $1 and action = 'daily_digest'", [guildId])).rows,
    });
    await runTask("digest__daily", { _cron: { ts: slot } });
    const first = await snapshot();
    // Two fundings (admin adjustments) and one daily claim today.
    expect(first).toEqual({
      stats: [{ day: today[0].d, transactions: 3, active_members: 2, orders: 0 }],
      audit: [{ subject_id: today[0].d }],
    });
    await runTask("digest__daily", { _cron: { ts: slot } });
    expect(await snapshot()).toEqual(first);
  });

  it("purge__expired: deletes expired sessions and week-old idempotency records; a second run finds nothing of them", async () => {
    const { guildId, memberIds } = await createGuild(db, 1, 0);
    const session = (
      await db.query(
        "insert into app_private.sessions (token_hash, guild_id, discord_id, kind, source, expires_at) values (sha256(gen_random_uuid()::text::bytea), $1, $2, 'player', 'dev', now() - interval '1 minute') returning id",
        [guildId, memberIds[0]],
      )
    ).rows[0].id;
    await db.query(
      "insert into app_private.idempotency_keys (guild_id, actor_id, key, request, created_at) values ($1, $2, 'old', '{}', now() - interval '8 days'), ($1, $2, 'fresh', '{}', now())",
      [guildId, memberIds[0]],
    );
    const snapshot = async () => ({
      session: (await db.query("select count(*)::int as n from app_private.sessions where id = $1", [session])).rows[0].n,
      keys: (await db.query("select key from app_private.idempotency_keys where guild_id = $1 order by key", [guildId])).rows.map((r) => r.key),
    });
    await runTask("purge__expired");
    const first = await snapshot();
    expect(first).toEqual({ session: 0, keys: ["fresh"] });
    await runTask("purge__expired");
    expect(await snapshot()).toEqual(first);
  });
});

// ---------------------------------------------------------------------------------------------

/** A worker process (`node server/src/worker-main.ts`) with its log lines. */
interface WorkerProcess {
  child: ChildProcess;
  lines: { msg?: string; [key: string]: unknown }[];
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, [path.join(SERVER_DIR, "src/worker-main.ts")], {
    cwd: path.resolve(SERVER_DIR, ".."),
    env: { ...process.env, NODE_ENV: "test", DATABASE_URL: dbUrls().authenticator, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: WorkerProcess["lines"] = [];
  let buffer = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ msg: line });
      }
    }
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    lines,
    exited,
    async waitForLog(pattern, timeoutMs = 20_000) {
      await waitFor(`log line ${pattern} (stderr: ${stderr.slice(0, 500)})`, async () => {
        if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}): ${stderr}`);
        return lines.some((l) => pattern.test(String(l.msg)));
      }, timeoutMs);
    },
  };
}

describe("kill -9 in the middle of fulfilment", () => {
  const workers: WorkerProcess[] = [];
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
  });

  it("SIGTERM while a fulfilment transaction is held open: the worker rolls it back, hands the job back for a retry and exits 0", async () => {
    const { guildId, memberIds } = await createGuild(db, 2, 500);
    await addReward(guildId, "gem", 50);
    await db.query("select app_private.inventory_add($1, 'gem', 1)", [await userId(guildId, memberIds[0])]);
    const seller = await clientFor(server, { guildId, discordId: memberIds[0], kind: "player" });
    const listingId = (await seller.gql(CREATE_LISTING, { sku: "gem", qty: 1, price: "60", key: "l" })).data!.createListing.listing.listingId;
    const buyer = await clientFor(server, { guildId, discordId: memberIds[1], kind: "player" });
    const orderId = (await buyer.gql(BUY_LISTING, { listingId, qty: 1, key: "b" })).data!.buyListing.order.orderId;

    const w = spawnWorker({ WORKER_CONCURRENCY: "1", WORKER_CRON: "false", WORKER_TEST_FULFIL_DELAY_MS: "600000" });
    workers.push(w);
    await w.waitForLog(/^test hook: holding the fulfilment transaction open$/);
    const t0 = Date.now();
    w.child.kill("SIGTERM");
    expect(await w.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(15_000); // running jobs are asked to abort 5 s into the stop
    expect(await orderRow(orderId)).toMatchObject({ status: "pending", fulfilment_attempts: 0 });
    const job = (await db.query("select attempts, locked_at, last_error from graphile_worker._private_jobs where key = $1", [`orders__fulfil:${orderId}`])).rows[0];
    expect(job).toMatchObject({ attempts: 1, locked_at: null });
    expect(job.last_error).toMatch(/abort/i);
    expect(await walletBalance(db, guildId, memberIds[0])).toBe(500);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  it(
    "a worker killed while a fulfilment transaction is open loses and duplicates nothing: a new worker fulfils the free orders, the escrow timeout refunds the ones the dead worker still locks, and retries of those do nothing",
    async () => {
      const start = 1000;
      const price = 60;
      const { guildId, memberIds } = await createGuild(db, 13, start);
      const [sellerId, ...buyerIds] = memberIds;
      await db.query("update app_public.guild_settings set escrow_timeout_min = 1 where guild_id = $1", [guildId]);
      await addReward(guildId, "gem", 50);
      await db.query("select app_private.inventory_add($1, 'gem', 12)", [await userId(guildId, sellerId)]);
      const seller = await clientFor(server, { guildId, discordId: sellerId, kind: "player" });
      const listingId = (await seller.gql(CREATE_LISTING, { sku: "gem", qty: 12, price: String(price), key: "l" })).data!.createListing.listing.listingId;

      // 12 buyers at once, no worker running: 12 pending orders, 12 queued jobs.
      const buyers = await Promise.all(buyerIds.map((discordId) => clientFor(server, { guildId, discordId, kind: "player" })));
      const bought = await Promise.all(buyers.map((b, i) => b.gql(BUY_LISTING, { listingId, qty: 1, key: `k-${i}` })));
      const orderIds: string[] = bought.map((r) => r.data!.buyListing.order.orderId);
      expect(new Set(orderIds).size).toBe(12);
      const jobKeys = orderIds.map((id) => `orders__fulfil:${id}`);

      // Worker A holds every fulfilment transaction open (test hook), and is killed mid-way.
      const a = spawnWorker({ WORKER_CONCURRENCY: "4", WORKER_CRON: "false", WORKER_POLL_INTERVAL_MS: "500", WORKER_TEST_FULFIL_DELAY_MS: "600000" });
      workers.push(a);
      await a.waitForLog(/^test hook: holding the fulfilment transaction open$/);
      const locked = await waitFor("A's four jobs", async () => {
        const { rows } = await db.query("select key, locked_by from graphile_worker._private_jobs where key = any($1) and locked_at is not null", [jobKeys]);
        return rows.length === 4 ? rows : null;
      });
      a.child.kill("SIGKILL");
      expect(await a.exited).toEqual({ code: null, signal: "SIGKILL" });
      // The open transaction died with the connection: nothing was settled.
      await waitFor("A's database sessions gone", async () => {
        const { rows } = await db.query("select count(*)::int as n from pg_stat_activity where application_name = 'guildbank-worker' and datname = current_database()");
        return rows[0].n === 0;
      });
      const pending = await db.query("select count(*)::int as n from app_public.orders where order_id = any($1) and status = 'pending'", [orderIds]);
      expect(pending.rows[0].n).toBe(12);
      // graphile-worker keeps a dead worker's locks for 4 hours.
      const stuck = new Set(locked.map((r) => r.key.slice("orders__fulfil:".length)));
      const deadWorkers = [...new Set(locked.map((r) => r.locked_by as string))];

      // Worker B (a fresh process, crontab on) fulfils the free orders; the escrow timeout refunds the stuck ones.
      const b = spawnWorker({ WORKER_CONCURRENCY: "4", WORKER_CRON: "true", WORKER_POLL_INTERVAL_MS: "500" });
      workers.push(b);
      await b.waitForLog(/^worker started$/);
      // The stuck orders' escrow runs out now instead of a minute after the purchase (their deadline is moved back),
      // and the timeout job is queued as its crontab line queues it: the test waits for the rule, not the clock.
      await db.query("update app_public.orders set expires_at = now() - interval '1 second' where order_id = any($1)", [[...stuck]]);
      await db.query(
        "select graphile_worker.add_job('orders__escrow_timeout', json_build_object('_cron', json_build_object('ts', now())), job_key := 'orders__escrow_timeout')",
      );
      const settled = await waitFor(
        "every order settled",
        async () => {
          const { rows } = await db.query("select order_id, status::text, escrow::int, fee::int, settle_reason from app_public.orders where order_id = any($1)", [orderIds]);
          return rows.every((r) => r.status !== "pending") ? rows : null;
        },
        170_000,
        500,
      );
      for (const o of settled) {
        if (stuck.has(o.order_id)) expect(o).toMatchObject({ status: "refunded", settle_reason: "escrow_timeout" });
        else expect(o.status).toBe("fulfilled");
      }

      // The dead worker's jobs, once unlocked (as graphile-worker does after 4 hours), run again and do nothing.
      await db.query("select graphile_worker.force_unlock_workers($1::text[])", [deadWorkers]);
      await waitFor("retried jobs done", async () => {
        const { rows } = await db.query("select count(*)::int as n from graphile_worker._private_jobs where key = any($1)", [jobKeys]);
        return rows[0].n === 0;
      });

      b.child.kill("SIGTERM");
      expect(await b.exited).toEqual({ code: 0, signal: null });
      expect(b.lines.some((l) => l.msg === "worker stopped")).toBe(true);

      // Each order settled exactly once.
      const settlements = await db.query(
        `select order_id, count(*) filter (where type = 'fulfil')::int as fulfil, count(*) filter (where type = 'refund')::int as refund
           from app_public.transactions where order_id = any($1) group by order_id`,
        [orderIds],
      );
      expect(settlements.rows).toHaveLength(12);
      for (const r of settlements.rows) expect(r.fulfil + r.refund).toBe(1);

      // No coin lost or duplicated.
      const fulfilled = settled.filter((o) => o.status === "fulfilled");
      const byOrder = new Map(settled.map((o) => [o.order_id, o]));
      for (let i = 0; i < buyerIds.length; i++) {
        const o = byOrder.get(orderIds[i])!;
        expect(await walletBalance(db, guildId, buyerIds[i])).toBe(start - (o.status === "fulfilled" ? o.escrow : 0));
      }
      const net = fulfilled.reduce((n, o) => n + o.escrow - o.fee, 0);
      expect(await walletBalance(db, guildId, sellerId)).toBe(start + net);
      const totals = await db.query(
        "select coalesce(sum(balance) filter (where kind <> 'mint'), 0)::int as held, coalesce(sum(balance) filter (where kind = 'escrow'), 0)::int as escrow from app_public.accounts where guild_id = $1",
        [guildId],
      );
      expect(totals.rows[0]).toEqual({ held: 13 * start, escrow: 0 });
      const listing = await db.query("select qty_available, status::text from app_public.listings where listing_id = $1", [listingId]);
      expect(listing.rows[0]).toEqual({ qty_available: stuck.size, status: "active" });
      expect(await ledgerViolations(db, guildId)).toEqual([]);
    },
    200_000,
  );
});
