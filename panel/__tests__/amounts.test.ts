/**
 * The panel's amount rendering (issue 17, defect 9): the transaction log, a member's accounts and
 * postings, the live feed and the CSV export show each amount with its currency's scale and unit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { ApiClient, createGuild, startTestServer, superuserPool } from "../../server/__tests__/helpers.ts";
import { dataProvider } from "../src/lib/dataProvider.ts";
import { TRANSACTION_CSV_HEADER, formatMoney, transactionsCsv } from "../src/lib/amounts.ts";

describe("formatMoney", () => {
  it("shows an MCD amount in dollars and coins as coins", () => {
    expect(formatMoney("150000", "MCD")).toBe("1,500.00 MCD");
    expect(formatMoney("150000", "COIN")).toBe("150,000 coins");
    expect(formatMoney(1)).toBe("1 coin");
  });

  it("shows nothing for no amount, and an unknown currency raw rather than at a guessed scale", () => {
    expect(formatMoney(null, "MCD")).toBe("");
    expect(formatMoney("", "MCD")).toBe("");
    expect(formatMoney("12", "XYZ")).toBe("12 XYZ");
  });
});

describe("the transactions CSV export", () => {
  it("writes amount as a decimal in its currency's unit beside the currency, and keeps the minor units", () => {
    const csv = transactionsCsv([
      { txId: "t1", createdAt: "2026-12-01T10:00:00Z", type: "earn", reason: "minecraft_payment", amount: "150000", currency: "MCD", user: { discordId: "11" }, counterparty: null, actorId: null },
      { txId: "t2", createdAt: "2026-12-01T10:01:00Z", type: "spend", reason: "shop, \"VIP\"", amount: "1250", currency: "COIN", user: { discordId: "12" }, counterparty: { discordId: "13" }, actorId: "14" },
    ]);
    const [header, mcd, coin, end] = csv.split("\n");
    expect(header).toBe(TRANSACTION_CSV_HEADER.join(","));
    expect(header).toBe("tx_id,created_at,type,reason,amount,currency,member_discord_id,counterparty_discord_id,actor_id,amount_minor");
    expect(mcd).toBe("t1,2026-12-01T10:00:00Z,earn,minecraft_payment,1500.00,MCD,11,,,150000");
    expect(coin).toBe('t2,2026-12-01T10:01:00Z,spend,"shop, ""VIP""",1250,COIN,12,13,14,1250');
    expect(end).toBe("");
  });
});

describe("a 1,500.00 MCD payment in the panel's data (real server)", () => {
  let db: pg.Pool;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let guildId: string;
  const realFetch = globalThis.fetch;

  beforeAll(async () => {
    db = superuserPool();
    ({ guildId } = await createGuild(db, 1, 0));
    const member = (BigInt(guildId) + 1n).toString();
    const ign = `Steve_${guildId.slice(-6)}`;
    await db.query("insert into app_public.minecraft_links (guild_id, user_id, ign) select guild_id, id, $3 from app_public.users where guild_id = $1 and discord_id = $2", [guildId, member, ign]);
    await db.query("select app_private.record_payment_for($1, 'panel-test', '1', $2, 150000, 'Steve paid you $1,500.00', now())", [guildId, ign]);
    server = await startTestServer();
    const client = new ApiClient(server.url);
    expect((await client.login({ guildId, discordId: (BigInt(guildId) + 900n).toString(), kind: "staff", staffRole: "AUDITOR" })).status).toBe(200);
    globalThis.fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
      const url = typeof input === "string" && input.startsWith("/") ? `${server.url}${input}` : input;
      const res = await realFetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), cookie: client.cookie ?? "" }, redirect: "manual" });
      client.keepCookies(res);
      return res;
    }) as typeof fetch;
  });

  afterAll(async () => {
    globalThis.fetch = realFetch;
    await server?.close();
    await db?.end();
  });

  it("the transaction log, the member's accounts and postings, and the CSV show 1,500.00 MCD", async () => {
    const tx = await dataProvider.getList("transactions", { pagination: { page: 1, perPage: 10 }, sort: { field: "seq", order: "DESC" }, filter: {} });
    const payment = tx.data.find((t) => t.reason === "minecraft_payment")!;
    expect(formatMoney(payment.amount, payment.currency)).toBe("1,500.00 MCD");
    expect(transactionsCsv([payment]).split("\n")[1]).toMatch(/,minecraft_payment,1500\.00,MCD,.*,150000$/);
    const accounts = await dataProvider.getList("accounts", { pagination: { page: 1, perPage: 10 }, sort: { field: "id", order: "ASC" }, filter: { userId: payment.userId } });
    const wallet = accounts.data.find((a) => a.currency === "MCD" && a.kind === "WALLET")!;
    expect(formatMoney(wallet.balance, wallet.currency)).toBe("1,500.00 MCD");
    const postings = await dataProvider.getList("transfers", { pagination: { page: 1, perPage: 10 }, sort: { field: "id", order: "DESC" }, filter: { txId: payment.txId } });
    expect(postings.data.map((p) => formatMoney(p.amount, p.currency))).toEqual(["1,500.00 MCD"]);
  });

  it("a refusal names amounts in their currency: a 2,000.00 MCD payout against 1,500.00 MCD", async () => {
    const member = new ApiClient(server.url);
    expect((await member.login({ guildId, discordId: (BigInt(guildId) + 1n).toString(), kind: "player" })).status).toBe(200);
    const res = await member.gql(`mutation { requestPayout(input: { amount: "200000", idempotencyKey: "amounts-payout" }) { minecraftPayout { id } } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe("NF001");
    expect(res.errors?.[0]?.message).toBe("Not enough funds: this needs 2,000.00 MCD and you have 1,500.00 MCD.");
  });
});
