/**
 * The marketplace under contention, end to end: members act over GraphQL against the real server,
 * a real worker (graphile-worker, as coins_worker) fulfils the orders, and the ledger is checked.
 *
 * Test files that run a worker get a database of their own first (isolateDatabase): with the job
 * queue of a shared database, two workers at once would take each other's jobs.
 */
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type WorkerHandle } from "../src/worker/index.ts";
import { clientFor, createGuild, ledgerViolations, startTestServer, superuserPool, testWorkerConfig, walletBalance, isolateDatabase } from "./helpers.ts";


const BUY_REWARD = `mutation($sku: String!, $qty: Int!, $key: String!) {
  buyReward(input: { sku: $sku, qty: $qty, idempotencyKey: $key }) { order { orderId status escrow } }
}`;
const CREATE_LISTING = `mutation($sku: String!, $qty: Int!, $price: BigInt!, $key: String!) {
  createListing(input: { sku: $sku, qty: $qty, unitPrice: $price, idempotencyKey: $key }) {
    listing { listingId qty qtyAvailable unitPrice feeRate feeBand }
  }
}`;
const BUY_LISTING = `mutation($listingId: UUID!, $qty: Int!, $key: String!) {
  buyListing(input: { listingId: $listingId, qty: $qty, idempotencyKey: $key }) { order { orderId status escrow fee } }
}`;

let dropOwnDatabase: (() => Promise<void>) | undefined;
let db: pg.Pool;
let server: Awaited<ReturnType<typeof startTestServer>>;
let worker: WorkerHandle | undefined;

beforeAll(async () => {
  dropOwnDatabase = await isolateDatabase();
  db = superuserPool();
  server = await startTestServer();
  worker = await startWorker({
    config: testWorkerConfig({ WORKER_CONCURRENCY: "4" }),
  });
}, 300_000);

afterAll(async () => {
  await worker?.stop();
  await server?.close();
  await db?.end();
  await dropOwnDatabase?.();
});

/** Waits until no order of the guild is pending; returns the orders. */
async function settledOrders(guildId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query(
      `select o.order_id, o.status::text, o.escrow::int, o.fee::int, o.kind::text, u.discord_id::text as buyer,
              (select sum(l.qty)::int from app_public.order_lines l where l.order_id = o.order_id) as qty,
              (select listing_id from app_public.order_lines l where l.order_id = o.order_id limit 1) as listing_id
         from app_public.orders o join app_public.users u on u.id = o.buyer_id
        where o.guild_id = $1`,
      [guildId],
    );
    if (rows.every((r) => r.status !== "pending")) return rows;
    if (Date.now() > deadline) throw new Error(`orders still pending after ${timeoutMs} ms: ${rows.filter((r) => r.status === "pending").length}`);
    await sleep(100);
  }
}

async function accountBalance(guildId: string, kind: string): Promise<number> {
  const { rows } = await db.query("select balance::int as b from app_public.accounts where guild_id = $1 and user_id is null and kind = $2", [guildId, kind]);
  return rows[0].b;
}

describe("50 concurrent buyers for the last 10 units", () => {
  it("sells exactly 10 units, refuses the rest with MK004/MK002, then the worker fulfils every order and the ledger is clean", async () => {
    const start = 1000;
    const price = 70;
    const { guildId, memberIds } = await createGuild(db, 52, start);
    const [sellerId, earlyId, ...buyerIds] = memberIds;
    expect(buyerIds).toHaveLength(50);
    await db.query(
      "insert into app_public.rewards (guild_id, sku, name, category, price) values ($1, 'gem', 'Gem', 'cosmetic', 50)",
      [guildId],
    );

    // The seller stocks up in the shop (the worker fulfils that order too), then lists 12 gems.
    const seller = await clientFor(server, { guildId, discordId: sellerId, kind: "player" });
    const shop = await seller.gql(BUY_REWARD, { sku: "gem", qty: 12, key: "stock-up" });
    expect(shop.errors).toBeUndefined();
    const [shopOrder] = await settledOrders(guildId);
    expect(shopOrder).toMatchObject({ kind: "shop", status: "fulfilled", escrow: 600 });
    const listed = await seller.gql(CREATE_LISTING, { sku: "gem", qty: 12, price: String(price), key: "list-gems" });
    expect(listed.errors).toBeUndefined();
    const listing = listed.data!.createListing.listing;
    expect(listing).toMatchObject({ qty: 12, qtyAvailable: 12, feeBand: "MARKET" });
    const feeRate = Number(listing.feeRate);

    // Two units go first, leaving the last 10.
    const early = await clientFor(server, { guildId, discordId: earlyId, kind: "player" });
    expect((await early.gql(BUY_LISTING, { listingId: listing.listingId, qty: 2, key: "early" })).errors).toBeUndefined();

    // 50 buyers at once: 45 want one unit, 5 want three.
    const buyers = await Promise.all(buyerIds.map((discordId) => clientFor(server, { guildId, discordId, kind: "player" })));
    const wants = buyerIds.map((_, i) => (i % 10 === 0 ? 3 : 1));
    const results = await Promise.all(
      buyers.map((b, i) => b.gql(BUY_LISTING, { listingId: listing.listingId, qty: wants[i], key: `rush-${i}` })),
    );
    const won = results.flatMap((r, i) => (r.data?.buyListing?.order ? [{ i, qty: wants[i], order: r.data.buyListing.order }] : []));
    const refusals = results.flatMap((r) => (r.errors ? [r.errors[0].extensions?.code] : []));
    expect(won.length + refusals.length).toBe(50);
    expect(won.reduce((n, w) => n + w.qty, 0)).toBe(10);
    expect(new Set(refusals)).toEqual(new Set(refusals.filter((c) => c === "MK004" || c === "MK002")));
    expect(refusals.length).toBeGreaterThan(0);
    for (const w of won) {
      expect(w.order.status).toBe("PENDING");
      expect(Number(w.order.escrow)).toBe(price * w.qty);
      expect(Number(w.order.fee)).toBe(Math.floor(price * w.qty * feeRate));
    }

    // No oversell: the listing sold exactly its 12 units.
    const after = await db.query("select qty_available, status::text from app_public.listings where listing_id = $1", [listing.listingId]);
    expect(after.rows[0]).toEqual({ qty_available: 0, status: "sold" });
    const lines = await db.query("select sum(qty)::int as n from app_public.order_lines where listing_id = $1", [listing.listingId]);
    expect(lines.rows[0].n).toBe(12);

    // The worker fulfils every order, once.
    const orders = (await settledOrders(guildId)).filter((o) => o.kind === "market");
    expect(orders).toHaveLength(1 + won.length);
    expect(orders.every((o) => o.status === "fulfilled")).toBe(true);
    const settlements = await db.query(
      "select order_id, count(*) filter (where type = 'fulfil')::int as fulfil, count(*) filter (where type = 'refund')::int as refund from app_public.transactions where guild_id = $1 and order_id is not null group by order_id",
      [guildId],
    );
    expect(settlements.rows).toHaveLength(orders.length + 1);
    expect(settlements.rows.every((r) => r.fulfil === 1 && r.refund === 0)).toBe(true);

    // Seller credited exactly the net of fees; the fees account holds the fees.
    const net = orders.reduce((n, o) => n + o.escrow - o.fee, 0);
    const fees = orders.reduce((n, o) => n + o.fee, 0);
    expect(net + fees).toBe(12 * price);
    expect(await walletBalance(db, guildId, sellerId)).toBe(start - 600 + net);
    expect(await accountBalance(guildId, "fees")).toBe(fees);
    expect(await accountBalance(guildId, "treasury")).toBe(600);

    // Every winner paid for and received their units; everyone else kept their coins.
    const inventory = await db.query(
      "select u.discord_id::text as id, i.quantity from app_public.inventory i join app_public.users u on u.id = i.user_id where i.guild_id = $1 and i.sku = 'gem'",
      [guildId],
    );
    const owned = new Map(inventory.rows.map((r) => [r.id, r.quantity]));
    expect(owned.get(sellerId) ?? 0).toBe(0);
    expect(owned.get(earlyId)).toBe(2);
    for (let i = 0; i < buyerIds.length; i++) {
      const w = won.find((x) => x.i === i);
      expect(await walletBalance(db, guildId, buyerIds[i])).toBe(start - (w ? price * w.qty : 0));
      expect(owned.get(buyerIds[i]) ?? 0).toBe(w ? w.qty : 0);
    }
    const escrow = await db.query("select coalesce(sum(balance), 0)::int as b from app_public.accounts where guild_id = $1 and kind = 'escrow'", [guildId]);
    expect(escrow.rows[0].b).toBe(0);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });
});
