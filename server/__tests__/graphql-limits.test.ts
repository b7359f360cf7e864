/**
 * GraphQL cost limits: depth, list depth, aliases, page size, result nodes, batches, and
 * introspection (refused in production). Each refusal is a clear error and runs nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { DEFAULT_GRAPHQL_LIMITS } from "../src/graphql/limits.ts";
import { clientFor, createGuild, startTestServer, superuserPool, walletBalance, type ApiClient } from "./helpers.ts";

let db: pg.Pool;
let server: Awaited<ReturnType<typeof startTestServer>>;
let guildId: string;
let members: string[];
let staff: ApiClient;
let alice: ApiClient;

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
  staff = await clientFor(server, { guildId, discordId: (BigInt(guildId) + 900n).toString(), kind: "staff", staffRole: "ADMIN" });
  alice = await clientFor(server, { guildId, discordId: members[0], kind: "player" });
  await staff.gql("{ __typename }"); // the schema is built on the first request: not part of a timing
});

afterAll(async () => {
  await server?.close();
  await db?.end();
});

/** `n` aliases of one selection. */
const aliased = (n: number, selection: string) => Array.from({ length: n }, (_, i) => `a${i}: ${selection}`).join("\n");

describe("query limits", () => {
  it("refuses the 100-alias users(first: 1000) query with a clear error, quickly and without data", async () => {
    const started = performance.now();
    const res = await staff.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ ${aliased(100, "users(first: 1000) { nodes { discordId displayName walletBalance } }")} }` }),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    const body = JSON.parse(text);
    expect(body.data ?? null).toBeNull();
    expect(res.status).toBeLessThan(500);
    expect(body.errors[0]).toMatchObject({
      message: "Aliases limit of 15 exceeded, found 100. Ask for fewer aliased fields.",
      extensions: { code: "QUERY_LIMIT", key: "max_aliases", detail: { limit: 15 } },
    });
    expect(text.length).toBeLessThan(2000);
    console.log(`100-alias users(first: 1000): HTTP ${res.status}, ${text.length} bytes, ${ms.toFixed(0)} ms`);
  });

  it(`allows ${DEFAULT_GRAPHQL_LIMITS.maxAliases} aliases and refuses one more`, async () => {
    const ok = await staff.gql(`{ ${aliased(DEFAULT_GRAPHQL_LIMITS.maxAliases, "users(first: 1) { totalCount }")} }`);
    expect(ok.errors).toBeUndefined();
    const refused = await staff.gql(`{ ${aliased(DEFAULT_GRAPHQL_LIMITS.maxAliases + 1, "users(first: 1) { totalCount }")} }`);
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors![0].message).toBe("Aliases limit of 15 exceeded, found 16. Ask for fewer aliased fields.");
  });

  it("refuses aliased mutations over the limit, and nothing moves", async () => {
    const before = await snapshot();
    const gives = Array.from(
      { length: 20 },
      (_, i) => `g${i}: give(input: { toDiscordId: ${members[1]}, amount: 1, idempotencyKey: "alias-${i}" }) { giveReceipt { amount } }`,
    ).join("\n");
    const res = await alice.gql(`mutation { ${gives} }`);
    expect(res.data ?? null).toBeNull();
    expect(res.errors![0].message).toMatch(/aliases/i);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a page over the page size limit, as a literal or a variable, with its code", async () => {
    const literal = await staff.gql(`{ users(first: 1000) { nodes { discordId } } }`);
    expect(literal.data ?? null).toBeNull();
    expect(literal.errors![0]).toMatchObject({
      message: "first: 1000 is over the page size limit of 100; page with after/offset.",
      extensions: { code: "QUERY_LIMIT", key: "page_size", detail: { limit: 100, requested: 1000 } },
    });
    const variable = await staff.gql(`query($n: Int) { transactions(last: $n) { nodes { seq } } }`, { n: 101 });
    expect(variable.errors![0].extensions).toMatchObject({ code: "QUERY_LIMIT", key: "page_size" });
    const ok = await staff.gql(`query($n: Int) { users(first: $n) { nodes { discordId } } }`, { n: 100 });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.users.nodes.length).toBeGreaterThan(0);
  });

  it("checks a mutation's payload before the mutation runs: an oversized page in it refuses the whole operation, and nothing moves", async () => {
    const before = await snapshot();
    for (const payload of [`query { users(first: 1000) { totalCount } }`, `query { users(first: 100) { nodes { accounts(first: 100) { nodes { id kind balance } } } } }`]) {
      const res = await alice.gql(`mutation { give(input: { toDiscordId: ${members[1]}, amount: 1, idempotencyKey: "payload-${payload.length}" }) { giveReceipt { amount } ${payload} } }`);
      expect(res.data ?? null).toBeNull();
      expect(res.errors![0].extensions).toMatchObject({ code: "QUERY_LIMIT" });
    }
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an operation that could return more nodes than the limit (nested pages multiply)", async () => {
    // 100 users × 100 accounts × 3 fields: within depth, aliases and page size, but 30,000+ nodes.
    const res = await staff.gql(`{ users(first: 100) { nodes { accounts(first: 100) { nodes { id kind balance } } } } }`);
    expect(res.data ?? null).toBeNull();
    expect(res.errors![0].extensions).toMatchObject({ code: "QUERY_LIMIT", key: "max_nodes", detail: { limit: DEFAULT_GRAPHQL_LIMITS.maxNodes } });
  });

  it("counts a paginated field without first/last as a full page: nested unbounded lists are refused, a flat one is answered", async () => {
    const nested = await staff.gql(`{ users { nodes { accounts { nodes { id kind balance } } } } }`);
    expect(nested.data ?? null).toBeNull();
    expect(nested.errors![0].extensions).toMatchObject({ code: "QUERY_LIMIT", key: "max_nodes" });
    const fragment = await staff.gql(`fragment A on User { accounts { nodes { id kind balance } } } { users { nodes { ...A } } }`);
    expect(fragment.errors![0].extensions).toMatchObject({ code: "QUERY_LIMIT", key: "max_nodes" });
    const flat = await staff.gql(`{ users { nodes { discordId displayName walletBalance } } }`);
    expect(flat.errors).toBeUndefined();
    expect(flat.data!.users.nodes.length).toBeGreaterThan(0);
  });

  it("refuses a query nested deeper than the depth limit", async () => {
    let selection = "id";
    for (let i = 0; i < 6; i++) selection = `user { accounts(first: 1) { nodes { ${selection} } } }`;
    const res = await staff.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ accounts(first: 1) { nodes { ${selection} } } }` }),
    });
    expect(res.status).toBeLessThan(500);
    const body = (await res.json()) as { data?: unknown; errors: { message: string; extensions?: unknown }[] };
    expect(body.data ?? null).toBeNull();
    expect(body.errors[0].message).toMatch(/exceeds operation depth limits: operation depth \d+ exceeds maximum of 10/);
    expect(body.errors[0].extensions).toMatchObject({ code: "QUERY_LIMIT", key: "max_depth", detail: { limit: 10, listLimit: 3 } });
  });

  it("refuses a batch (a JSON array of operations) with 400, and nothing moves", async () => {
    const before = await snapshot();
    const op = { query: `mutation { give(input: { toDiscordId: ${members[1]}, amount: 1, idempotencyKey: "batch-1" }) { giveReceipt { amount } } }` };
    const res = await alice.fetch("/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify([op, op, op]) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { message: string }[] }).errors[0].message).toBe("Invalid body; expected object");
    expect(await snapshot()).toEqual(before);
  });

  it("answers introspection outside production", async () => {
    const res = await staff.gql(`{ __schema { queryType { name } } }`);
    expect(res.data).toEqual({ __schema: { queryType: { name: "Query" } } });
  });
});

describe("in production", () => {
  let prod: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    prod = await startTestServer({ NODE_ENV: "production", DEV_LOGIN: "false", COOKIE_SECURE: "false" });
  });
  afterAll(async () => {
    await prod?.close();
  });

  it("refuses introspection (__schema, __type) but answers __typename, and serves no GraphiQL", async () => {
    for (const query of [`{ __schema { types { name } } }`, `{ __type(name: "User") { fields { name } } }`]) {
      const res = await fetch(`${prod.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
      const body = (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: unknown }[] };
      expect(body.data ?? null).toBeNull();
      expect(body.errors![0].message).toMatch(/introspection/i);
      expect(body.errors![0].extensions).toMatchObject({ code: "QUERY_LIMIT", key: "introspection_disabled" });
    }
    const typename = await fetch(`${prod.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
    expect(await typename.json()).toEqual({ data: { __typename: "Query" } });
    expect((await fetch(`${prod.url}/graphiql`)).status).toBe(404);
  });
});
