/**
 * How the server answers what goes wrong (issue 17): body-parser and HTTP errors keep their status
 * (413 for a webhook body over its limit, 400 for malformed JSON) and never carry a stack trace;
 * refusals of staff mutations are named errors, and nothing moves.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from "../src/webhooks/index.ts";
import { clientFor, createGuild, ledgerViolations, startTestServer, superuserPool } from "./helpers.ts";

const REDEEM_SECRET = "redeem-secret-0123456789abcdef";

let server: Awaited<ReturnType<typeof startTestServer>>;
let db: pg.Pool;
let guild: { guildId: string; memberIds: string[] };

beforeAll(async () => {
  db = superuserPool();
  server = await startTestServer({ REDEMPTION_WEBHOOK_SECRET: REDEEM_SECRET });
  guild = await createGuild(db, 3, 500);
});
afterAll(async () => {
  await server?.close();
  await db?.end();
});

/** No stack frame, file path or exception text in an answer. */
function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|Error:/);
}

describe("the final error handler", () => {
  it("answers 413 to a signed webhook body over the limit, without a stack", async () => {
    const raw = JSON.stringify({ code: "x".repeat(20_000), nonce: randomUUID() });
    const ts = String(Math.floor(Date.now() / 1000));
    const res = await fetch(`${server.url}/webhooks/redeem`, {
      method: "POST",
      headers: { "content-type": "application/json", [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: sign(REDEEM_SECRET, ts, raw) },
      body: raw,
    });
    const text = await res.text();
    expect(res.status).toBe(413);
    expect(JSON.parse(text)).toMatchObject({ error: "body_too_large" });
    expectNoInternals(text);
  });

  it("answers 400 invalid_body to malformed JSON (GraphQL with an Idempotency-Key, and the login)", async () => {
    const member = await clientFor(server, { guildId: guild.guildId, discordId: guild.memberIds[0], kind: "player" });
    const gql = await member.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": randomUUID() },
      body: '{"query": "{ myCard { balance } }"',
    });
    const gqlText = await gql.text();
    expect(gql.status).toBe(400);
    // The raw body is hashed for the key, then grafserv parses it and answers its own 400.
    expect(JSON.parse(gqlText)).toMatchObject({ errors: [{ message: expect.stringMatching(/Parsing failed/) }] });
    expectNoInternals(gqlText);

    const login = await fetch(`${server.url}/auth/dev/login`, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    const loginText = await login.text();
    expect(login.status).toBe(400);
    expect(JSON.parse(loginText)).toMatchObject({ error: "invalid_body" });
    expectNoInternals(loginText);
  });

  it("answers 413 to a login body over its limit", async () => {
    const res = await fetch(`${server.url}/auth/dev/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pad: "y".repeat(10_000) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: "body_too_large" });
    expect(await ledgerViolations(db, guild.guildId)).toEqual([]);
  });
});

/** Everything a refused write could have moved in a guild: wallets, ledger rows, settings, catalogue, audit log. */
async function guildState(guildId: string): Promise<unknown> {
  const { rows } = await db.query(
    `select (select coalesce(json_agg(json_build_object('id', a.id, 'balance', a.balance) order by a.id), '[]') from app_public.accounts a where a.guild_id = $1) as accounts,
            (select count(*)::int from app_public.transfers t where t.guild_id = $1) as transfers,
            (select count(*)::int from app_public.transactions t where t.guild_id = $1) as transactions,
            (select count(*)::int from app_public.admin_actions a where a.guild_id = $1) as admin_actions,
            (select to_jsonb(s) - 'updated_at' from app_public.guild_settings s where s.guild_id = $1) as settings,
            (select to_jsonb(p) - 'updated_at' from app_public.pricing_config p where p.guild_id = $1) as pricing,
            (select coalesce(json_agg(to_jsonb(r) - 'updated_at' order by r.sku), '[]') from app_public.rewards r where r.guild_id = $1) as rewards`,
    [guildId],
  );
  return rows[0];
}

describe("refused staff writes are named errors and move nothing", () => {
  let b: { guildId: string; memberIds: string[] };
  beforeAll(async () => {
    b = await createGuild(db, 2, 300);
    await db.query("insert into app_public.rewards (guild_id, sku, name, category, price) values ($1, 'cape', 'Cape', 'cosmetic', 40)", [b.guildId]);
    await db.query("insert into app_public.rewards (guild_id, sku, name, category, price) values ($1, 'hat', 'Hat', 'cosmetic', 25)", [guild.guildId]);
  });

  it("an ADMIN aiming updateGuildSetting, updatePricingConfig, updateReward or deleteReward at another guild's key gets RC001 (defect 6)", async () => {
    const admin = await clientFor(server, { guildId: guild.guildId, discordId: (BigInt(guild.guildId) + 901n).toString(), kind: "staff", staffRole: "ADMIN" });
    const before = { a: await guildState(guild.guildId), b: await guildState(b.guildId) };
    const attempts = [
      [`mutation($g: BigInt!) { updateGuildSetting(input: { guildId: $g, patch: { dailyAmount: "999" } }) { guildSetting { dailyAmount } } }`, { g: b.guildId }, "updateGuildSetting", "guild setting"],
      [`mutation($g: BigInt!) { updatePricingConfig(input: { guildId: $g, patch: { maxListingDays: 2 } }) { pricingConfig { maxListingDays } } }`, { g: b.guildId }, "updatePricingConfig", "pricing config"],
      [`mutation($g: BigInt!) { updateReward(input: { guildId: $g, sku: "cape", patch: { price: "1" } }) { reward { price } } }`, { g: b.guildId }, "updateReward", "reward"],
      [`mutation($g: BigInt!) { deleteReward(input: { guildId: $g, sku: "cape" }) { reward { sku } } }`, { g: b.guildId }, "deleteReward", "reward"],
    ] as const;
    for (const [query, variables, field, subject] of attempts) {
      const res = await admin.gql(query, variables, { "x-audit-reason": "cross-guild attempt" });
      expect(res.data?.[field] ?? null, field).toBeNull();
      expect(res.errors?.[0]?.extensions, field).toMatchObject({ code: "RC001", key: "record_not_found", detail: { subject } });
      expect(res.errors![0].message).toBe(`That ${subject} does not exist in this server.`);
    }
    // The same ADMIN's writes in its own guild still work (and are the only change).
    const own = await admin.gql(`mutation($g: BigInt!) { updateReward(input: { guildId: $g, sku: "hat", patch: { price: "30" } }) { reward { price } } }`, { g: guild.guildId }, { "x-audit-reason": "own guild" });
    expect(own.errors).toBeUndefined();
    expect(own.data!.updateReward.reward.price).toBe("30");
    expect(await guildState(b.guildId)).toEqual(before.b);
    expect(await ledgerViolations(db, b.guildId)).toEqual([]);
  });

  it("a member calling staff mutations gets PD001 permission_denied, not a masked error (defect 7)", async () => {
    const member = await clientFor(server, { guildId: guild.guildId, discordId: guild.memberIds[1], kind: "player" });
    const before = await guildState(guild.guildId);
    const attempts = [
      [`mutation($u: BigInt!) { adminAdjust(input: { discordId: $u, delta: "1000", reason: "free coins" }) { adminAction { id } } }`, { u: guild.memberIds[1] }],
      [`mutation($u: BigInt!) { freezeUser(input: { discordId: $u, reason: "freeze a rival" }) { adminAction { id } } }`, { u: guild.memberIds[2] }],
      [`mutation($g: BigInt!) { updateGuildSetting(input: { guildId: $g, patch: { dailyAmount: "999" } }) { guildSetting { dailyAmount } } }`, { g: guild.guildId }],
      [`mutation($g: BigInt!) { updateReward(input: { guildId: $g, sku: "hat", patch: { price: "1" } }) { reward { price } } }`, { g: guild.guildId }],
    ] as const;
    for (const [query, variables] of attempts) {
      const res = await member.gql(query, variables);
      expect(res.errors?.[0]?.extensions, query).toMatchObject({ code: "PD001", key: "permission_denied" });
      expect(res.errors![0].message).toBe("Your role is not allowed to do that.");
      expect(res.errors![0].message).not.toMatch(/logged with hash/);
    }
    expect(await guildState(guild.guildId)).toEqual(before);
    expect(await ledgerViolations(db, guild.guildId)).toEqual([]);
  });
});
