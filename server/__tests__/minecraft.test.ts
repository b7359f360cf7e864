/**
 * Minecraft fulfilment end to end (issue #6), real server, real worker, real database:
 * - signed webhooks: a valid signature is accepted; forged, stale and replayed ones are refused with
 *   401 and change nothing; concurrent duplicate redemptions fulfil exactly once; the payment webhook
 *   feeds record_payment;
 * - the voucher adapter issues a code and leaves the order pending until it is redeemed;
 * - the direct-API adapter against a local endpoint that fails N times then succeeds: one delivery,
 *   the same idempotency key and a valid signature on every attempt, the backoff observed; an
 *   endpoint that always fails gets the order refunded after the last attempt.
 *
 * Runs a worker, on a database of its own (isolateDatabase): its job queue is this file's alone.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withClaims } from "@guildbank/lib";
import { startWorker, type WorkerHandle } from "../src/worker/index.ts";
import { voucherAdapter } from "../src/fulfilment/voucher.ts";
import { FulfilmentDeferred, type AdapterContext, type FulfilmentOrder } from "../src/worker/adapters.ts";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, verifySignature } from "../src/webhooks/index.ts";
import { clientFor, createGuild, ledgerViolations, isolateDatabase, startTestServer, superuserPool, testWorkerConfig, waitFor, walletBalance } from "./helpers.ts";

const REDEEM_SECRET = "redeem-secret-0123456789abcdef";
const PAYMENT_SECRET = "payment-secret-0123456789abcdef";
const API_KEY = "api-key-0123456789abcdef012345";

let dropOwnDatabase: (() => Promise<void>) | undefined;
let db: pg.Pool;
let server: Awaited<ReturnType<typeof startTestServer>>;
let worker: WorkerHandle | undefined;
let api: Server;
let apiUrl: string;
/** Requests the fake API received: when, body, headers. */
const apiRequests: { at: number; body: string; timestamp: string; signature: string }[] = [];
/** How many requests to fail, per order id (Infinity = always). */
const failFirst = new Map<string, number>();
/**
 * How many first attempts the next new order's delivery fails (set before the purchase: the worker may deliver
 * before the test learns the order's id, so a count set after the purchase could come too late).
 */
let failNextOrder = 0;

beforeAll(async () => {
  dropOwnDatabase = await isolateDatabase();
  db = superuserPool();
  server = await startTestServer({ REDEMPTION_WEBHOOK_SECRET: REDEEM_SECRET, MINECRAFT_PAYMENT_WEBHOOK_SECRET: PAYMENT_SECRET });
  api = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      apiRequests.push({ at: Date.now(), body, timestamp: String(req.headers[TIMESTAMP_HEADER]), signature: String(req.headers[SIGNATURE_HEADER]) });
      const orderId = (JSON.parse(body) as { payload: { order_id: string } }).payload.order_id;
      const seen = apiRequests.filter((r) => r.body.includes(orderId)).length;
      if (seen === 1 && failNextOrder) {
        failFirst.set(orderId, failNextOrder);
        failNextOrder = 0;
      }
      if (seen <= (failFirst.get(orderId) ?? 0)) {
        res.writeHead(503).end("busy");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ transaction_id: `tx-${orderId.slice(0, 8)}` }));
    });
  });
  await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/deliver`;
  worker = await startWorker({
    config: testWorkerConfig({
      MINECRAFT_API_URL: apiUrl,
      MINECRAFT_API_KEY: API_KEY,
      MINECRAFT_API_MAX_ATTEMPTS: "4",
      MINECRAFT_API_BACKOFF_MS: "100",
    }),
  });
}, 300_000);

afterAll(async () => {
  await worker?.stop();
  await server?.close();
  await new Promise<void>((resolve) => (api ? api.close(() => resolve()) : resolve()));
  await db?.end();
  await dropOwnDatabase?.();
});

async function addReward(guildId: string, sku: string, price: number, fulfilment: "api" | "voucher", payload: Record<string, unknown> = {}) {
  await db.query("insert into app_public.rewards (guild_id, sku, name, category, price, fulfilment, payload) values ($1, $2, $3, 'rank', $4, $5, $6)", [
    guildId,
    sku,
    sku,
    price,
    fulfilment,
    payload,
  ]);
}

async function buy(guildId: string, discordId: string, sku: string): Promise<string> {
  return withClaims(server.pool, { role: "coins_player", guildId, discordId }, async (c) => {
    const { rows } = await c.query("select order_id from app_public.buy_reward($1, 1, $2)", [sku, randomUUID()]);
    return rows[0].order_id as string;
  });
}

async function order(orderId: string) {
  const { rows } = await db.query("select status::text, settle_reason, last_error from app_public.orders where order_id = $1", [orderId]);
  return rows[0] as { status: string; settle_reason: string | null; last_error: string | null };
}

async function voucherFor(orderId: string): Promise<string> {
  return waitFor("voucher issued", async () => {
    const { rows } = await db.query("select code::text from app_public.vouchers where order_id = $1", [orderId]);
    return rows[0]?.code as string | undefined;
  });
}

/** POSTs a signed webhook; `tamper` adjusts what is sent after signing. */
async function post(path: string, secret: string, body: Record<string, unknown>, opts: { ts?: number; forge?: boolean; raw?: string } = {}) {
  const raw = opts.raw ?? JSON.stringify(body);
  const ts = String(opts.ts ?? Math.floor(Date.now() / 1000));
  const signature = opts.forge ? sign("not-the-secret-0123456789", ts, raw) : sign(secret, ts, raw);
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: signature },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, raw, ts, signature };
}

describe("signatures", () => {
  it("verifySignature: valid, mismatch, stale, malformed, missing", () => {
    const body = Buffer.from('{"a":1}');
    const now = Date.now();
    const ts = String(Math.floor(now / 1000));
    expect(verifySignature("k".repeat(20), ts, sign("k".repeat(20), ts, body), body, now)).toBeNull();
    expect(verifySignature("k".repeat(20), ts, sign("x".repeat(20), ts, body), body, now)).toBe("mismatch");
    expect(verifySignature("k".repeat(20), ts, sign("k".repeat(20), ts, body), Buffer.from('{"a":2}'), now)).toBe("mismatch");
    expect(verifySignature("k".repeat(20), ts, sign("k".repeat(20), ts, body), body, now + 301_000)).toBe("stale");
    expect(verifySignature("k".repeat(20), ts, "sha256=zz", body, now)).toBe("malformed");
    expect(verifySignature("k".repeat(20), undefined, undefined, body, now)).toBe("missing");
  });
});

describe("voucher fulfilment and /webhooks/redeem", () => {
  it("the job issues a voucher and leaves the order pending; forged, stale and replayed redemptions are 401 and change nothing", async () => {
    const { guildId, memberIds: [buyer] } = await createGuild(db, 1, 100);
    await addReward(guildId, "vip", 40, "voucher");
    const orderId = await buy(guildId, buyer, "vip");
    const code = await voucherFor(orderId);
    expect((await order(orderId)).status).toBe("pending");
    const { rows: attempts } = await db.query("select fulfilment_attempts from app_public.orders where order_id = $1", [orderId]);
    expect(attempts[0].fulfilment_attempts).toBe(0);
    const wallet = await walletBalance(db, guildId, buyer);
    expect(wallet).toBe(60);

    const nonce = randomUUID();
    const forged = await post("/webhooks/redeem", REDEEM_SECRET, { code, nonce }, { forge: true });
    expect(forged.status).toBe(401);
    const stale = await post("/webhooks/redeem", REDEEM_SECRET, { code, nonce }, { ts: Math.floor(Date.now() / 1000) - 301 });
    expect(stale.status).toBe(401);
    const unsigned = await fetch(`${server.url}/webhooks/redeem`, { method: "POST", body: JSON.stringify({ code, nonce }) });
    expect(unsigned.status).toBe(401);
    expect((await order(orderId)).status).toBe("pending");

    const ok = await post("/webhooks/redeem", REDEEM_SECRET, { code, nonce, player: "Steve" });
    expect(ok).toMatchObject({ status: 200, body: { status: "redeemed", order_id: orderId } });
    expect(await order(orderId)).toMatchObject({ status: "fulfilled", settle_reason: `voucher redeemed: ${code}` });

    // The same signed request again: the nonce was used.
    const replay = await fetch(`${server.url}/webhooks/redeem`, {
      method: "POST",
      headers: { [TIMESTAMP_HEADER]: ok.ts, [SIGNATURE_HEADER]: ok.signature },
      body: ok.raw,
    });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { code: string }).code).toBe("WH001");
    expect(await walletBalance(db, guildId, buyer)).toBe(60);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  it("over GraphQL the buyer reads their voucher code; staff list vouchers but never read a code", async () => {
    const { guildId, memberIds: [buyer] } = await createGuild(db, 1, 100);
    await addReward(guildId, "vip", 40, "voucher");
    const orderId = await buy(guildId, buyer, "vip");
    const code = await voucherFor(orderId);
    const player = await clientFor(server, { guildId, discordId: buyer, kind: "player" });
    const mine = await player.gql(`{ vouchers { nodes { code status } } }`);
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.vouchers.nodes).toEqual([{ code, status: "PENDING" }]);
    const staff = await clientFor(server, { guildId, discordId: (BigInt(guildId) + 900n).toString(), kind: "staff", staffRole: "SUPERADMIN" });
    // Staff order by a column they may read (the default order is the primary key: the code).
    const listed = await staff.gql(`{ vouchers(orderBy: ORDER_ID_ASC) { nodes { orderId status } } }`);
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.vouchers.nodes).toEqual([{ orderId, status: "PENDING" }]);
    const stolen = await staff.gql(`{ vouchers(orderBy: ORDER_ID_ASC) { nodes { code } } }`);
    expect(stolen.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(stolen)).not.toContain(code);
  });

  it("the voucher job never puts the code (a bearer credential) in what it logs", async () => {
    const code = randomUUID();
    const order = { orderId: randomUUID() } as FulfilmentOrder;
    const query = (async () => ({ rows: [{ code }] })) as unknown as AdapterContext["query"];
    const err = await voucherAdapter.deliver(order, { query } as AdapterContext).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FulfilmentDeferred);
    const deferred = err as FulfilmentDeferred;
    expect(deferred.reference).toBe(`voucher-order:${order.orderId}`);
    expect(`${deferred.reference} ${deferred.message}`).not.toContain(code);
  });

  it("20 concurrent redemptions of one code (distinct nonces) fulfil the order exactly once", async () => {
    const { guildId, memberIds: [buyer] } = await createGuild(db, 1, 100);
    await addReward(guildId, "cape", 25, "voucher");
    const orderId = await buy(guildId, buyer, "cape");
    const code = await voucherFor(orderId);
    const results = await Promise.all(Array.from({ length: 20 }, () => post("/webhooks/redeem", REDEEM_SECRET, { code, nonce: randomUUID() })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const { rows } = await db.query("select count(*)::int as n from app_public.transactions where order_id = $1 and type = 'fulfil'", [orderId]);
    expect(rows[0].n).toBe(1);
    const { rows: inv } = await db.query(
      "select quantity from app_public.inventory i join app_public.users u on u.id = i.user_id where u.guild_id = $1 and u.discord_id = $2 and sku = 'cape'",
      [guildId, buyer],
    );
    expect(inv[0].quantity).toBe(1);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  it("a redemption racing the escrow-timeout refund: exactly one of them happens, every time", async () => {
    const { guildId, memberIds: [buyer] } = await createGuild(db, 1, 1000);
    await addReward(guildId, "race", 10, "voucher");
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i++) {
      const orderId = await buy(guildId, buyer, "race");
      const code = await voucherFor(orderId);
      const [redeem] = await Promise.all([
        post("/webhooks/redeem", REDEEM_SECRET, { code, nonce: randomUUID() }),
        db.query("select app_hidden.refund_expired_orders(now() + interval '73 hours')"),
      ]);
      const o = await order(orderId);
      const { rows } = await db.query("select status::text from app_public.vouchers where code = $1", [code]);
      if (redeem.status === 200) {
        expect(o.status).toBe("fulfilled");
        expect(rows[0].status).toBe("redeemed");
      } else {
        expect(redeem.status).toBe(410);
        expect(o.status).toBe("refunded");
        expect(rows[0].status).toBe("void");
      }
      outcomes.push(o.status);
    }
    const fulfilled = outcomes.filter((s) => s === "fulfilled").length;
    expect(await walletBalance(db, guildId, buyer)).toBe(1000 - 10 * fulfilled);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  it("an unknown code is 404, a refunded order's voucher is 410, a malformed body 400", async () => {
    const { guildId, memberIds: [buyer] } = await createGuild(db, 1, 100);
    await addReward(guildId, "hat", 10, "voucher");
    const orderId = await buy(guildId, buyer, "hat");
    const code = await voucherFor(orderId);
    await db.query("select app_hidden.refund_expired_orders(now() + interval '73 hours')");
    expect((await order(orderId)).status).toBe("refunded");
    expect((await post("/webhooks/redeem", REDEEM_SECRET, { code, nonce: randomUUID() })).status).toBe(410);
    expect((await post("/webhooks/redeem", REDEEM_SECRET, { code: randomUUID(), nonce: randomUUID() })).status).toBe(404);
    expect((await post("/webhooks/redeem", REDEEM_SECRET, { code: "nope", nonce: randomUUID() })).status).toBe(400);
    expect(await walletBalance(db, guildId, buyer)).toBe(100);
  });
});

describe("/webhooks/minecraft/payment", () => {
  it("records a signed payment once; a replay is 401", async () => {
    const { guildId, memberIds: [member] } = await createGuild(db, 1);
    await db.query("select app_private.link_ign($1, (select id from app_public.users where guild_id = $1 and discord_id = $2), 'Plugin_Payer')", [guildId, member]);
    const body = { guild_id: guildId, event_id: "evt-1", payer_ign: "Plugin_Payer", amount_minor: 12345, nonce: randomUUID() };
    const first = await post("/webhooks/minecraft/payment", PAYMENT_SECRET, body);
    expect(first).toMatchObject({ status: 200, body: { status: "credited" } });
    const replay = await fetch(`${server.url}/webhooks/minecraft/payment`, {
      method: "POST",
      headers: { [TIMESTAMP_HEADER]: first.ts, [SIGNATURE_HEADER]: first.signature },
      body: first.raw,
    });
    expect(replay.status).toBe(401);
    // The plugin retrying the same event with a new nonce gets the first row back.
    const retried = await post("/webhooks/minecraft/payment", PAYMENT_SECRET, { ...body, nonce: randomUUID() });
    expect(retried.body.payment_id).toBe(first.body.payment_id);
    const forged = await post("/webhooks/minecraft/payment", PAYMENT_SECRET, { ...body, event_id: "evt-2", nonce: randomUUID() }, { forge: true });
    expect(forged.status).toBe(401);
    const { rows } = await db.query(
      "select a.balance::int as b from app_public.accounts a join app_public.users u on u.id = a.user_id where u.guild_id = $1 and a.currency = 'MCD' and a.kind = 'wallet'",
      [guildId],
    );
    expect(rows[0].b).toBe(12345);
  });
});

describe("direct-API fulfilment", () => {
  async function linkedBuyer(funds: number) {
    const { guildId, memberIds: [buyer] } = await createGuild(db, 1, funds);
    await db.query("select app_private.link_ign($1, (select id from app_public.users where guild_id = $1 and discord_id = $2), 'Api_Buyer')", [guildId, buyer]);
    return { guildId, buyer };
  }

  it("an endpoint failing twice then succeeding: one fulfilment, same key and valid signatures, backoff observed", async () => {
    const { guildId, buyer } = await linkedBuyer(100);
    await addReward(guildId, "rank", 30, "api", { action: "grant_rank", rank: "vip" });
    failNextOrder = 2;
    const orderId = await buy(guildId, buyer, "rank");
    await waitFor("fulfilled", async () => (await order(orderId)).status === "fulfilled");
    const mine = apiRequests.filter((r) => r.body.includes(orderId));
    expect(mine).toHaveLength(3);
    for (const r of mine) {
      expect(verifySignature(API_KEY, r.timestamp, r.signature, Buffer.from(r.body))).toBeNull();
      expect(JSON.parse(r.body)).toMatchObject({ player_id: "Api_Buyer", action: "grant_rank", idempotency_key: `order:${orderId}` });
    }
    expect(new Set(mine.map((r) => r.body)).size).toBe(1);
    // Exponential backoff: at least 100 ms, then at least 200 ms (lower bounds only: never flaky).
    expect(mine[1].at - mine[0].at).toBeGreaterThanOrEqual(95);
    expect(mine[2].at - mine[1].at).toBeGreaterThanOrEqual(195);
    expect((await order(orderId)).settle_reason).toBe(`delivered: api:tx-${orderId.slice(0, 8)}`);
    expect(await walletBalance(db, guildId, buyer)).toBe(70);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  it("an endpoint that always fails: the order is refunded after the last attempt, with an alert", async () => {
    const { guildId, buyer } = await linkedBuyer(100);
    await addReward(guildId, "rank", 30, "api");
    failNextOrder = Number.POSITIVE_INFINITY;
    const orderId = await buy(guildId, buyer, "rank");
    await waitFor("refunded", async () => (await order(orderId)).status === "refunded");
    expect(apiRequests.filter((r) => r.body.includes(orderId))).toHaveLength(4);
    expect(await order(orderId)).toMatchObject({ settle_reason: "fulfilment_failed", last_error: expect.stringContaining("failed 4 times") });
    expect(await walletBalance(db, guildId, buyer)).toBe(100);
    const { rows } = await db.query("select kind from app_public.ops_alerts where guild_id = $1", [guildId]);
    expect(rows).toEqual([{ kind: "fulfilment_failed" }]);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  it("a buyer without a linked IGN is refunded without calling the API", async () => {
    const { guildId, memberIds: [buyer] } = await createGuild(db, 1, 50);
    await addReward(guildId, "rank", 30, "api");
    const orderId = await buy(guildId, buyer, "rank");
    await waitFor("refunded", async () => (await order(orderId)).status === "refunded");
    expect(apiRequests.filter((r) => r.body.includes(orderId))).toHaveLength(0);
    expect(await walletBalance(db, guildId, buyer)).toBe(50);
  });
});
