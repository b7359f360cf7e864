/**
 * The panel's data provider against the real server (as a browser would call it, same origin):
 * server-side paging, sorting and filtering; direct staff writes; and refusals (a trigger's PD001,
 * a row RLS hides) surfacing as errors, never as an empty success.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { ApiClient, createGuild, startTestServer, superuserPool } from "../../server/__tests__/helpers.ts";
import { dataProvider } from "../src/lib/dataProvider.ts";
import { ApiError, loadSession } from "../src/lib/api.ts";
import { describeMeta } from "../src/transactions/meta.ts";

let db: pg.Pool;
let server: Awaited<ReturnType<typeof startTestServer>>;
let guildId: string;
let otherGuild: string;
const realFetch = globalThis.fetch;

/** Makes the panel's relative, same-origin requests go to the test server with `client`'s cookies. */
function browserAs(client: ApiClient): void {
  globalThis.fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = typeof input === "string" && input.startsWith("/") ? `${server.url}${input}` : input;
    const headers = { ...(init.headers as Record<string, string>), ...(client.cookie ? { cookie: client.cookie } : {}) };
    const res = await realFetch(url, { ...init, headers, redirect: "manual" });
    client.keepCookies(res);
    return res;
  }) as typeof fetch;
}

async function signInAs(role: string): Promise<void> {
  const client = new ApiClient(server.url);
  const res = await client.login({ guildId, discordId: (BigInt(guildId) + 900n).toString(), kind: "staff", staffRole: role });
  expect(res.status).toBe(200);
  browserAs(client);
  expect((await loadSession())?.staffRole).toBe(role);
}

beforeAll(async () => {
  db = superuserPool();
  ({ guildId } = await createGuild(db, 12, 10));
  ({ guildId: otherGuild } = await createGuild(db, 1, 0));
  for (let i = 1; i <= 12; i++) {
    await db.query("update app_public.users set display_name = $3 where guild_id = $1 and discord_id = $2", [guildId, (BigInt(guildId) + BigInt(i)).toString(), `Member ${String(i).padStart(2, "0")}`]);
  }
  await db.query("insert into app_public.rewards (guild_id, sku, name, category, price) values ($1, 'cape', 'Cape', 'cosmetic', 40), ($2, 'cape', 'Other cape', 'cosmetic', 40)", [guildId, otherGuild]);
  server = await startTestServer();
});

afterAll(async () => {
  globalThis.fetch = realFetch;
  await server?.close();
  await db?.end();
});

describe("the panel's data provider", () => {
  it("fetches a page larger than the server's page size limit (the CSV export) in slices", async () => {
    const big = await createGuild(db, 130, 0);
    const client = new ApiClient(server.url);
    expect((await client.login({ guildId: big.guildId, discordId: (BigInt(big.guildId) + 900n).toString(), kind: "staff", staffRole: "AUDITOR" })).status).toBe(200);
    browserAs(client);
    const all = await dataProvider.getList("users", { pagination: { page: 1, perPage: 1000 }, sort: { field: "id", order: "ASC" }, filter: {} });
    expect(all.total).toBe(130);
    expect(new Set(all.data.map((u) => u.discordId)).size).toBe(130);
    const second = await dataProvider.getList("users", { pagination: { page: 2, perPage: 120 }, sort: { field: "id", order: "ASC" }, filter: {} });
    expect(second.data.map((u) => u.discordId)).toEqual(all.data.slice(120).map((u) => u.discordId));
  });

  it("pages, sorts and filters on the server", async () => {
    await signInAs("AUDITOR");
    const page2 = await dataProvider.getList("users", { pagination: { page: 2, perPage: 5 }, sort: { field: "displayName", order: "DESC" }, filter: {} });
    expect(page2.total).toBe(12);
    expect(page2.data.map((u) => u.displayName)).toEqual(["Member 07", "Member 06", "Member 05", "Member 04", "Member 03"]);
    const found = await dataProvider.getList("users", { pagination: { page: 1, perPage: 25 }, sort: { field: "id", order: "ASC" }, filter: { q: "ber 1" } });
    expect(found.data.map((u) => u.displayName)).toEqual(["Member 10", "Member 11", "Member 12"]);
    const tx = await dataProvider.getList("transactions", { pagination: { page: 1, perPage: 50 }, sort: { field: "seq", order: "DESC" }, filter: { type: "EARN", createdAt_gte: new Date(Date.now() - 3600_000).toISOString() } });
    expect(tx.total).toBe(12);
    expect(tx.data.every((t) => t.type === "EARN" && t.reason === "admin_adjust")).toBe(true);
  });

  it("writes the catalogue as OPERATOR and reads the audit of it", async () => {
    await signInAs("OPERATOR");
    const updated = await dataProvider.update("rewards", {
      id: "cape",
      data: { name: "Red cape", price: 45, auditReason: "autumn collection: red capes" },
      previousData: { id: "cape", name: "Cape", price: 40 },
    });
    expect(updated.data).toMatchObject({ id: "cape", name: "Red cape", price: "45" });
    const created = await dataProvider.create("rewards", { data: { sku: "boots", name: "Boots", category: "COSMETIC", price: 12 } });
    expect(created.data.id).toBe("boots");
    await dataProvider.delete("rewards", { id: "boots", previousData: created.data, meta: { reason: "duplicate of the boots SKU — removed" } });
    const audit = await dataProvider.getList("adminActions", { pagination: { page: 1, perPage: 10 }, sort: { field: "id", order: "ASC" }, filter: { subjectType: "reward" } });
    // Each direct write carries the reason the staff member typed (X-Audit-Reason → app.reason).
    expect(audit.data.map((a) => [a.action, a.reason])).toEqual([
      ["update_reward", "autumn collection: red capes"],
      ["insert_reward", "insert via API"],
      ["delete_reward", "duplicate of the boots SKU — removed"],
    ]);
    // A duplicate SKU is refused with the constraint that says why, not a masked error.
    await expect(dataProvider.create("rewards", { data: { sku: "cape", name: "Second cape", category: "COSMETIC", price: 1, auditReason: "twice" } })).rejects.toMatchObject({
      code: "23505",
      message: "That value is already taken (rewards_pkey).",
    });
    const other = await db.query("select name from app_public.rewards where guild_id = $1", [otherGuild]);
    expect(other.rows).toEqual([{ name: "Other cape" }]);
  });

  it("creates a timed role item and a consumable (issue 14): the role fields reach the catalogue", async () => {
    await signInAs("OPERATOR");
    const vip = await dataProvider.create("rewards", {
      data: { sku: "vip-day", name: "VIP for a day", category: "RANK", price: 100, roleId: "123456789012345678", roleAction: "grant", roleDurationS: 86400, consumable: false, useMessage: "" },
    });
    expect(vip.data).toMatchObject({ id: "vip-day", roleId: "123456789012345678", roleAction: "grant", roleDurationS: 86400, consumable: false, useMessage: null });
    await dataProvider.create("rewards", { data: { sku: "snack", name: "Snack", category: "COSMETIC", price: 5, roleId: "", roleAction: "", consumable: true, useMessage: "Yum." } });
    const { rows } = await db.query("select sku, role_id::text, role_action, role_duration_s, consumable, use_message from app_public.rewards where guild_id = $1 and sku in ('vip-day', 'snack') order by sku", [guildId]);
    expect(rows).toEqual([
      { sku: "snack", role_id: null, role_action: null, role_duration_s: null, consumable: true, use_message: "Yum." },
      { sku: "vip-day", role_id: "123456789012345678", role_action: "grant", role_duration_s: 86400, consumable: false, use_message: null },
    ]);
    // A duration on a removed role makes no sense: the database's check refuses it.
    await expect(dataProvider.create("rewards", { data: { sku: "odd", name: "Odd", category: "RANK", price: 1, roleId: "1", roleAction: "remove", roleDurationS: 3600 } })).rejects.toMatchObject({ code: "23514" });
  });

  it("surfaces refusals as errors: a role the trigger refuses (PD001), and a row RLS hides", async () => {
    await signInAs("SUPPORT");
    const refused = dataProvider.update("rewards", { id: "cape", data: { name: "Support cape" }, previousData: { id: "cape", name: "Red cape" } });
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toMatchObject({ code: "PD001" });
    await signInAs("ADMIN");
    const settings = await dataProvider.update("guildSettings", { id: guildId, data: { dailyAmount: 120 }, previousData: { id: guildId, dailyAmount: 100 } });
    expect(settings.data.dailyAmount).toBe("120");
    // Guild B's settings row is invisible to guild A's ADMIN: an error, not "saved".
    await expect(dataProvider.update("guildSettings", { id: otherGuild, data: { dailyAmount: 1 }, previousData: { id: otherGuild } })).rejects.toBeInstanceOf(ApiError);
    await expect(dataProvider.getOne("guildSettings", { id: otherGuild })).rejects.toMatchObject({ status: 404 });
    const b = await db.query("select daily_amount from app_public.guild_settings where guild_id = $1", [otherGuild]);
    expect(b.rows).toEqual([{ daily_amount: "100" }]);
    expect((await db.query("select name from app_public.rewards where guild_id = $1 and sku = 'cape'", [guildId])).rows).toEqual([{ name: "Red cape" }]);
  });

  it("finds members by Discord id (the actor column of the transaction log names them)", async () => {
    await signInAs("AUDITOR");
    const ids = [(BigInt(guildId) + 3n).toString(), (BigInt(guildId) + 11n).toString(), (BigInt(otherGuild) + 1n).toString()];
    const { data } = await dataProvider.getMany("usersByDiscordId", { ids });
    // Guild B's member stays invisible; the others come back keyed by their Discord id.
    expect(data.map((u) => [u.id, u.displayName]).sort()).toEqual([
      [ids[0], "Member 03"],
      [ids[1], "Member 11"],
    ]);
  });

  it("reads a transaction's meta as words, never as JSON", async () => {
    const coins = (v: unknown) => `${String(v)} coins`;
    expect(describeMeta({ qty: 1, sku: "gem", fee: 7, net: 68, unit_price: 75 }, {}, coins)).toBe("1 × gem · at 75 coins each · fee 7 coins · net 68 coins");
    expect(describeMeta({ qty: 1, sku: "gem", fee_band: "undercut", fee_rate: 0.1, unit_price: 69 }, {}, coins)).toBe("1 × gem · at 69 coins each · undercut band, 10 % fee");
    expect(describeMeta({ streak_days: 1 }, {}, coins)).toBe("streak 1 day");
    expect(describeMeta({ title: "Say hello", quest_id: "3" }, {}, coins)).toBe("“Say hello”");
    expect(describeMeta({ delta: -100, actor_role: "ADMIN" }, {}, coins)).toBe("−100 coins · as ADMIN");
    expect(describeMeta({ to_discord_id: "123456789012345678" }, { counterparty: { displayName: "Ember" } }, coins)).toBe("");
    expect(describeMeta({ payout_id: 5, lines: [{ sku: "vip", qty: 1 }] }, {}, coins)).toBe("payout id 5 · lines sku vip, qty 1");
    expect(describeMeta(null, {}, coins)).toBe("");
  });
});
