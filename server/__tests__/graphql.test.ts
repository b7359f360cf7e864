import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { ApiClient, clientFor, createGuild, ledgerViolations, startTestServer, superuserPool, walletBalance } from "./helpers.ts";

const GIVE = `mutation($to: BigInt!, $amount: BigInt!, $key: String!) {
  give(input: { toDiscordId: $to, amount: $amount, idempotencyKey: $key }) { giveReceipt { txId amount balance toDiscordId } }
}`;
const ADJUST = `mutation($user: BigInt!, $delta: BigInt!, $reason: String!) {
  adminAdjust(input: { discordId: $user, delta: $delta, reason: $reason }) { adminAction { id action before after reason actorRole } }
}`;

let server: Awaited<ReturnType<typeof startTestServer>>;
let db: pg.Pool;
let guild: { guildId: string; memberIds: string[] };
let other: { guildId: string; memberIds: string[] };

beforeAll(async () => {
  db = superuserPool();
  server = await startTestServer();
  guild = await createGuild(db, 4, 500);
  other = await createGuild(db, 2, 500);
});
afterAll(async () => {
  await server?.close();
  await db?.end();
});

describe("development sessions", () => {
  it("opens an httpOnly, SameSite=strict session and reports its claims", async () => {
    const client = new ApiClient(server.url);
    const res = await client.login({ guildId: guild.guildId, discordId: guild.memberIds[0], kind: "player" });
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^gb_session=[\w-]{40,}/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const session = (await (await fetch(`${server.url}/auth/session`, { headers: { cookie: client.cookie! } })).json()) as { session: unknown };
    expect(session.session).toMatchObject({ guildId: guild.guildId, discordId: guild.memberIds[0], kind: "player", staffRole: null });
    const stored = await db.query("select count(*)::int as n from app_private.sessions where discord_id = $1", [guild.memberIds[0]]);
    expect(stored.rows[0].n).toBeGreaterThan(0);
  });

  it("refuses malformed login bodies with the reason", async () => {
    const res = await fetch(`${server.url}/auth/dev/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ guildId: "12", discordId: guild.memberIds[0], kind: "staff" }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; issues: { path: string }[] };
    expect(body.error).toBe("invalid_request");
    expect(body.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(["guildId", "staffRole"]));
  });

  it("registers a player on first sign-in and refuses unknown guilds", async () => {
    const newcomer = (BigInt(guild.guildId) + 77n).toString();
    const client = await clientFor(server, { guildId: guild.guildId, discordId: newcomer, kind: "player" });
    const card = await client.gql(`{ myCard { balance rank } }`);
    expect(card.errors).toBeUndefined();
    expect(card.data!.myCard.balance).toBe("0");
    const res = await new ApiClient(server.url).login({ guildId: "199999999999999999", discordId: newcomer, kind: "player" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("MB003");
  });

  it("logs out: the cookie stops working", async () => {
    const client = await clientFor(server, { guildId: guild.guildId, discordId: guild.memberIds[1], kind: "player" });
    const cookie = client.cookie!;
    const out = await client.logout();
    expect(out.status).toBe(204);
    const session = (await (await fetch(`${server.url}/auth/session`, { headers: { cookie } })).json()) as { session: unknown };
    expect(session.session).toBeNull();
  });
});

describe("member rules through GraphQL", () => {
  it("claims the daily reward once, then answers with the named cooldown error and changes nothing", async () => {
    const client = await clientFor(server, { guildId: guild.guildId, discordId: guild.memberIds[2], kind: "player" });
    const first = await client.gql(`mutation { claimDaily(input: {}) { dailyClaim { amount streakDays balance nextClaimAt } } }`);
    expect(first.errors).toBeUndefined();
    expect(first.data!.claimDaily.dailyClaim).toMatchObject({ amount: "100", streakDays: 1, balance: "600" });
    const before = await walletBalance(db, guild.guildId, guild.memberIds[2]);
    const second = await client.gql(`mutation { claimDaily(input: {}) { dailyClaim { amount } } }`);
    expect(second.data!.claimDaily).toBeNull();
    expect(second.errors![0].extensions).toMatchObject({ code: "CD001", key: "cooldown_active" });
    expect(second.errors![0].extensions!.detail!.next_claim_at).toBeTruthy();
    expect(second.errors![0].message).toMatch(/^You have already claimed today: come back at /);
    expect(await walletBalance(db, guild.guildId, guild.memberIds[2])).toBe(before);
  });

  it("gives coins; a replay with the same key returns the first receipt and moves nothing", async () => {
    const [alice, bob] = guild.memberIds;
    const client = await clientFor(server, { guildId: guild.guildId, discordId: alice, kind: "player" });
    const a0 = await walletBalance(db, guild.guildId, alice);
    const b0 = await walletBalance(db, guild.guildId, bob);
    const first = await client.gql(GIVE, { to: bob, amount: "25", key: "gql-give-1" });
    expect(first.errors).toBeUndefined();
    expect(first.data!.give.giveReceipt).toMatchObject({ amount: "25", toDiscordId: bob, balance: String(a0 - 25) });
    const replay = await client.gql(GIVE, { to: bob, amount: "25", key: "gql-give-1" });
    expect(replay.data!.give.giveReceipt.txId).toBe(first.data!.give.giveReceipt.txId);
    expect(await walletBalance(db, guild.guildId, alice)).toBe(a0 - 25);
    expect(await walletBalance(db, guild.guildId, bob)).toBe(b0 + 25);
    const reused = await client.gql(GIVE, { to: bob, amount: "26", key: "gql-give-1" });
    expect(reused.errors![0].extensions!.code).toBe("IK001");
  });

  it.each([
    ["self_transfer", "TR001", (m: string[]) => ({ to: m[0], amount: "5" })],
    ["insufficient_funds", "NF001", (m: string[]) => ({ to: m[1], amount: "100000" })],
    ["invalid_amount", "AM001", (m: string[]) => ({ to: m[1], amount: "0" })],
    ["member_not_found", "MB002", () => ({ to: "123456789012345678", amount: "5" })],
  ])("refuses a give with %s (%s) and changes no balance", async (key, code, vars) => {
    const client = await clientFor(server, { guildId: guild.guildId, discordId: guild.memberIds[0], kind: "player" });
    const before = await db.query("select sum(balance)::text s, count(*) n from app_public.accounts where guild_id = $1 and kind = 'wallet'", [guild.guildId]);
    const wallets = await db.query("select id, balance from app_public.accounts where guild_id = $1 order by id", [guild.guildId]);
    const res = await client.gql(GIVE, { ...vars(guild.memberIds), key: `refused-${key}` });
    expect(res.errors![0].extensions).toMatchObject({ code, key });
    expect((await db.query("select id, balance from app_public.accounts where guild_id = $1 order by id", [guild.guildId])).rows).toEqual(wallets.rows);
    expect(before.rows[0].s).toBeDefined();
  });

  it("masks database errors that are not ours", async () => {
    const client = await clientFor(server, { guildId: guild.guildId, discordId: guild.memberIds[0], kind: "player" });
    const res = await client.gql(GIVE, { to: guild.memberIds[1], amount: "99999999999999999999", key: "overflow" });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].extensions?.code).toBeUndefined();
    expect(res.errors![0].message).not.toMatch(/out of range|bigint/i);
  });

  it("shows a member only their own rows, and nothing of another guild", async () => {
    const client = await clientFor(server, { guildId: guild.guildId, discordId: guild.memberIds[0], kind: "player" });
    const res = await client.gql(`{ users { nodes { discordId walletBalance } } accounts { totalCount } guilds { nodes { id } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.users.nodes).toEqual([{ discordId: guild.memberIds[0], walletBalance: expect.any(String) }]);
    expect(res.data!.accounts.totalCount).toBe(2);
    expect(res.data!.guilds.nodes).toEqual([{ id: guild.guildId }]);
  });

  it("gives an anonymous caller nothing", async () => {
    const anon = new ApiClient(server.url);
    const res = await anon.gql(`{ users { nodes { discordId } } }`);
    expect(res.data?.users ?? null).toBeNull();
    expect(res.errors!.length).toBeGreaterThan(0);
    const card = await anon.gql(`{ myCard { balance } }`);
    expect(card.data?.myCard ?? null).toBeNull();
  });
});

describe("staff", () => {
  it("ADMIN adjusts a balance with an audited before/after snapshot", async () => {
    const target = guild.memberIds[3];
    const staff = await clientFor(server, { guildId: guild.guildId, discordId: "300000000000000001", kind: "staff", staffRole: "ADMIN" });
    const before = await walletBalance(db, guild.guildId, target);
    const res = await staff.gql(ADJUST, { user: target, delta: "-40", reason: "chargeback of a duplicate prize" });
    expect(res.errors).toBeUndefined();
    const action = res.data!.adminAdjust.adminAction;
    expect(action).toMatchObject({ action: "adjust_balance", actorRole: "ADMIN", reason: "chargeback of a duplicate prize" });
    expect(action.before.wallet_balance).toBe(before);
    expect(action.after.wallet_balance).toBe(before - 40);
    const log = await staff.gql(`{ adminActions(condition: { subjectId: "${target}" }) { nodes { action reason } } }`);
    expect(log.data!.adminActions.nodes).toContainEqual({ action: "adjust_balance", reason: "chargeback of a duplicate prize" });
    expect(await ledgerViolations(db, guild.guildId)).toEqual([]);
  });

  it("AUDITOR may read but not adjust; a member cannot call staff functions at all", async () => {
    const target = guild.memberIds[3];
    const before = await walletBalance(db, guild.guildId, target);
    const auditor = await clientFor(server, { guildId: guild.guildId, discordId: "300000000000000002", kind: "staff", staffRole: "AUDITOR" });
    const refused = await auditor.gql(ADJUST, { user: target, delta: "1000", reason: "should not work" });
    expect(refused.errors![0].extensions).toMatchObject({ code: "PD001", key: "permission_denied" });
    const users = await auditor.gql(`{ users { totalCount } }`);
    expect(users.data!.users.totalCount).toBeGreaterThanOrEqual(4);
    const member = await clientFor(server, { guildId: guild.guildId, discordId: guild.memberIds[0], kind: "player" });
    const denied = await member.gql(ADJUST, { user: target, delta: "1000", reason: "should not work" });
    expect(denied.data?.adminAdjust ?? null).toBeNull();
    expect(denied.errors!.length).toBe(1);
    expect(await walletBalance(db, guild.guildId, target)).toBe(before);
  });

  it("sees its own guild only, and verify_ledger answers for it", async () => {
    const staff = await clientFor(server, { guildId: other.guildId, discordId: "300000000000000003", kind: "staff", staffRole: "SUPPORT" });
    const res = await staff.gql(`{ users { nodes { discordId } } verifyLedger { nodes { invariant } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.users.nodes.map((u: { discordId: string }) => u.discordId).sort()).toEqual([...other.memberIds].sort());
    expect(res.data!.verifyLedger.nodes).toEqual([]);
  });

  it("ADMIN edits guild settings (audited); OPERATOR cannot", async () => {
    const admin = await clientFor(server, { guildId: other.guildId, discordId: "300000000000000004", kind: "staff", staffRole: "ADMIN" });
    const upd = await admin.gql(`mutation($g: BigInt!) { updateGuildSetting(input: { guildId: $g, patch: { dailyAmount: "150" } }) { guildSetting { dailyAmount } } }`, { g: other.guildId });
    expect(upd.errors).toBeUndefined();
    expect(upd.data!.updateGuildSetting.guildSetting.dailyAmount).toBe("150");
    const audit = await db.query("select before->>'daily_amount' b, after->>'daily_amount' a from app_public.admin_actions where guild_id = $1 and action = 'update_guild_settings'", [other.guildId]);
    expect(audit.rows).toEqual([{ b: "100", a: "150" }]);
    const operator = await clientFor(server, { guildId: other.guildId, discordId: "300000000000000005", kind: "staff", staffRole: "OPERATOR" });
    const denied = await operator.gql(`mutation($g: BigInt!) { updateGuildSetting(input: { guildId: $g, patch: { dailyAmount: "999" } }) { guildSetting { dailyAmount } } }`, { g: other.guildId });
    expect(denied.errors![0].extensions).toMatchObject({ code: "PD001", key: "permission_denied" });
    const stored = await db.query("select daily_amount from app_public.guild_settings where guild_id = $1", [other.guildId]);
    expect(stored.rows[0].daily_amount).toBe("150");
  });
});
