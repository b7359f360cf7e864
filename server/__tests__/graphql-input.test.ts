/**
 * BigInt arguments (amounts, deltas, Discord ids) accept only a JSON integer or a string of
 * decimal digits with an optional leading minus; anything else is a GraphQL input error and moves
 * nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { clientFor, createGuild, ledgerViolations, startTestServer, superuserPool, walletBalance, type ApiClient } from "./helpers.ts";

const GIVE = `mutation($to: BigInt!, $amount: BigInt!, $key: String!) {
  give(input: { toDiscordId: $to, amount: $amount, idempotencyKey: $key }) { giveReceipt { amount balance } }
}`;
const ADJUST = `mutation($user: BigInt!, $delta: BigInt!) {
  adminAdjust(input: { discordId: $user, delta: $delta, reason: "input test" }) { adminAction { action } }
}`;

let db: pg.Pool;
let server: Awaited<ReturnType<typeof startTestServer>>;
let guildId: string;
let members: string[];

/** Every wallet of the guild and its transfer count. */
async function snapshot(): Promise<{ balances: number[]; transfers: number }> {
  const balances = await Promise.all(members.map((m) => walletBalance(db, guildId, m)));
  const { rows } = await db.query("select count(*)::int as n from app_public.transfers where guild_id = $1", [guildId]);
  return { balances, transfers: rows[0].n };
}

beforeAll(async () => {
  db = superuserPool();
  ({ guildId, memberIds: members } = await createGuild(db, 3, 1000));
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
  await db?.end();
});

const BAD_VALUES: [string, unknown][] = [
  ["an array", [1]],
  ["hexadecimal", "0x10"],
  ["surrounding spaces", " 5 "],
  ["a leading plus", "+5"],
  ["an exponent", "1e1"],
  ["a decimal string", "5.0"],
  ["a fraction", 1.5],
  ["an empty string", ""],
  ["a boolean", true],
  ["an object", { value: 5 }],
  ["an unsafe JSON number", 2 ** 60],
  ["underscores", "1_000"],
];

describe("BigInt arguments", () => {
  let alice: ApiClient;
  beforeAll(async () => {
    alice = await clientFor(server, { guildId, discordId: members[0], kind: "player" });
  });

  it.each(BAD_VALUES)("refuses %s as a variable, and nothing moves", async (_what, amount) => {
    const before = await snapshot();
    const res = await alice.gql(GIVE, { to: members[1], amount, key: `bad-${JSON.stringify(amount)}` });
    expect(res.data?.give ?? null).toBeNull();
    expect(res.errors?.[0].message).toMatch(/BigInt must be a JSON integer or a string of decimal digits/);
    expect(await snapshot()).toEqual(before);
  });

  it.each(['"0x10"', '" 5 "', "5.0", "[1]", '"+5"', "true"])("refuses the literal %s, and nothing moves", async (literal) => {
    const before = await snapshot();
    const res = await alice.gql(`mutation { give(input: { toDiscordId: "${members[1]}", amount: ${literal}, idempotencyKey: "lit-${literal.length}" }) { giveReceipt { amount } } }`);
    expect(res.data?.give ?? null).toBeNull();
    expect(res.errors?.[0].message).toMatch(/BigInt/);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a malformed Discord id too (every BigInt argument), and nothing moves", async () => {
    const before = await snapshot();
    const res = await alice.gql(GIVE, { to: ` ${members[1]}`, amount: "5", key: "bad-to" });
    expect(res.errors?.[0].message).toMatch(/BigInt must be/);
    expect(await snapshot()).toEqual(before);
  });

  it("accepts a JSON integer, a decimal string and both literal forms", async () => {
    const before = await snapshot();
    expect((await alice.gql(GIVE, { to: members[1], amount: 3, key: "ok-number" })).data?.give.giveReceipt.amount).toBe("3");
    expect((await alice.gql(GIVE, { to: members[1], amount: "4", key: "ok-string" })).data?.give.giveReceipt.amount).toBe("4");
    const lit = await alice.gql(`mutation { a: give(input: { toDiscordId: "${members[1]}", amount: 1, idempotencyKey: "ok-lit-int" }) { giveReceipt { amount } }
      b: give(input: { toDiscordId: ${members[1]}, amount: "2", idempotencyKey: "ok-lit-str" }) { giveReceipt { amount } } }`);
    expect(lit.errors).toBeUndefined();
    expect(await snapshot()).toMatchObject({ balances: [before.balances[0] - 10, before.balances[1] + 10, before.balances[2]] });
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  it("accepts a negative delta with a leading minus, and refuses a spaced one", async () => {
    const staff = await clientFor(server, { guildId, discordId: (BigInt(guildId) + 900n).toString(), kind: "staff", staffRole: "ADMIN" });
    const before = await snapshot();
    const spaced = await staff.gql(ADJUST, { user: members[2], delta: "- 7" });
    expect(spaced.errors?.[0].message).toMatch(/BigInt must be/);
    expect(await snapshot()).toEqual(before);
    const ok = await staff.gql(ADJUST, { user: members[2], delta: "-7" });
    expect(ok.errors).toBeUndefined();
    expect(await walletBalance(db, guildId, members[2])).toBe(before.balances[2] - 7);
  });
});
