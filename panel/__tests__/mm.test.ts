/**
 * The panel's Middleman resource (issue 13) against the real server: trades filtered by status and
 * party IGN, a trade's timeline (mm_events with raw lines), and the staff actions as the panel
 * sends them (freeze: SUPPORT+, adjudicate: ADMIN+), refusals surfacing as errors.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { withClaims } from "@guildbank/lib";
import { ApiClient, createGuild, startTestServer, superuserPool } from "../../server/__tests__/helpers.ts";
import { dataProvider } from "../src/lib/dataProvider.ts";
import { gql, loadSession } from "../src/lib/api.ts";

let db: pg.Pool;
let server: Awaited<ReturnType<typeof startTestServer>>;
let guildId: string;
let tradeId: string;
const realFetch = globalThis.fetch;

async function signInAs(role: string): Promise<void> {
  const client = new ApiClient(server.url);
  const res = await client.login({ guildId, discordId: (BigInt(guildId) + 900n).toString(), kind: "staff", staffRole: role });
  expect(res.status).toBe(200);
  globalThis.fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = typeof input === "string" && input.startsWith("/") ? `${server.url}${input}` : input;
    const headers = { ...(init.headers as Record<string, string>), ...(client.cookie ? { cookie: client.cookie } : {}) };
    const r = await realFetch(url, { ...init, headers, redirect: "manual" });
    client.keepCookies(r);
    return r;
  }) as typeof fetch;
  expect((await loadSession())?.staffRole).toBe(role);
}

beforeAll(async () => {
  db = superuserPool();
  ({ guildId } = await createGuild(db, 2, 0));
  const member = async (n: number) => (await db.query("select id from app_public.users where guild_id = $1 and discord_id = $2", [guildId, (BigInt(guildId) + BigInt(n)).toString()])).rows[0].id;
  const [a, b] = [await member(1), await member(2)];
  await db.query("select app_private.link_ign($1, $2, 'Panel_Sel')", [guildId, a]);
  await db.query("select app_private.link_ign($1, $2, 'Panel_Buy')", [guildId, b]);
  tradeId = (await db.query("select (app_private.mm_open_trade_for($1)).id::text as id", [a])).rows[0].id;
  await db.query("select app_private.mm_set_counterparty_for($1, $2, $3)", [tradeId, a, (BigInt(guildId) + 2n).toString()]);
  const t = (await db.query("select seller_verify_amount::text s, buyer_verify_amount::text b from app_private.mm_submit_form_for($1, $2, 'seller', null, null, 20000, 'cape')", [tradeId, a])).rows[0];
  const pay = (ign: string, amount: string, key: string) =>
    withClaims(db, { role: "coins_listener", guildId }, (c) => c.query("select app_hidden.record_payment($1, $2, $3, now(), 'panel-test', $4)", [ign, amount, `${ign} paid you ${amount}`, key]));
  await pay("Panel_Sel", t.s, "1");
  await pay("Panel_Buy", t.b, "2");
  await pay("Panel_Buy", "20000", "3");
  server = await startTestServer();
});

afterAll(async () => {
  globalThis.fetch = realFetch;
  await server?.close();
  await db?.end();
});

describe("the Middleman resource", () => {
  it("lists trades by status and party IGN, and shows a trade's timeline with its raw lines", async () => {
    await signInAs("AUDITOR");
    const inEscrow = await dataProvider.getList("mmTrades", { pagination: { page: 1, perPage: 10 }, sort: { field: "createdAt", order: "DESC" }, filter: { status: "IN_ESCROW", q: "panel_buy" } });
    expect(inEscrow.data.map((t) => [t.shortId, t.saleAmount, t.feeAmount])).toEqual([[`mm-${tradeId}`, "20000", "1000"]]);
    const none = await dataProvider.getList("mmTrades", { pagination: { page: 1, perPage: 10 }, sort: { field: "createdAt", order: "DESC" }, filter: { status: "COMPLETED" } });
    expect(none.total).toBe(0);
    const events = await dataProvider.getManyReference("mmEvents", { target: "tradeId", id: tradeId, pagination: { page: 1, perPage: 50 }, sort: { field: "id", order: "ASC" }, filter: {} });
    expect(events.data.map((e) => e.kind)).toEqual(["opened", "counterparty_set", "form_submitted", "verification_paid", "verification_paid", "both_verified", "deposit_paid"]);
    expect(events.data[6].rawLine).toBe("Panel_Buy paid you 20000");
  });

  it("SUPPORT freezes (an AUDITOR cannot); only an ADMIN adjudicates", async () => {
    await signInAs("AUDITOR");
    await expect(gql(`mutation($id: BigInt!) { mmFreeze(input: { tradeId: $id, reason: "looks odd" }) { mmTrade { id } } }`, { id: tradeId })).rejects.toThrow(/not allowed/);
    await signInAs("SUPPORT");
    await gql(`mutation($id: BigInt!) { mmFreeze(input: { tradeId: $id, reason: "reported" }) { mmTrade { id } } }`, { id: tradeId });
    await expect(gql(`mutation($id: BigInt!) { mmAdjudicate(input: { tradeId: $id, decision: "buyer", reason: "scam" }) { mmTrade { id } } }`, { id: tradeId })).rejects.toThrow(/not allowed/);
    await signInAs("ADMIN");
    const r = await gql<{ mmAdjudicate: { mmTrade: { status: string } } }>(
      `mutation($id: BigInt!) { mmAdjudicate(input: { tradeId: $id, decision: "buyer", reason: "seller never delivered" }) { mmTrade { status } } }`,
      { id: tradeId },
    );
    expect(r.mmAdjudicate.mmTrade.status).toBe("ADJUDICATED");
    const one = await dataProvider.getOne("mmTrades", { id: tradeId });
    expect(one.data.outcome).toMatchObject({ decision: "buyer", buyer_amount: 20000 });
  });
});

describe("the dashboard's middleman figures", () => {
  it("reads the open disputes and the MCD fee account as the dashboard asks", async () => {
    await signInAs("AUDITOR");
    const r = await gql<{ mmTrades: { totalCount: number }; accounts: { nodes: { balance: string }[] } }>(
      `{ mmTrades(filter: { status: { equalTo: DISPUTE_OPEN } }) { totalCount } accounts(filter: { kind: { equalTo: FEES }, currency: { equalTo: "MCD" } }) { nodes { balance } } }`,
    );
    expect(r.mmTrades.totalCount).toBe(0);
    expect(r.accounts.nodes.map((n) => n.balance)).toEqual([]);
  });
});
