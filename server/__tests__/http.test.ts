/**
 * The HTTP layer around /graphql with the development login on (what `npm start` runs): request
 * bodies are read by the route that owns them (no 4 kB login parser on /graphql, a malformed body
 * is a 4xx), and an Idempotency-Key's request hash covers the exact request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { clientFor, createGuild, startTestServer, superuserPool, walletBalance } from "./helpers.ts";

let db: pg.Pool;
let server: Awaited<ReturnType<typeof startTestServer>>;
let guildId: string;
let members: string[];

/** Every member's balance and the guild's transfer count: what a refused request must leave as it was. */
async function snapshot(): Promise<{ balances: number[]; transfers: number }> {
  const balances = await Promise.all(members.map((m) => walletBalance(db, guildId, m)));
  const { rows } = await db.query("select count(*)::int as n from app_public.transfers where guild_id = $1", [guildId]);
  return { balances, transfers: rows[0].n };
}

beforeAll(async () => {
  db = superuserPool();
  ({ guildId, memberIds: members } = await createGuild(db, 3, 1000));
  server = await startTestServer({ DEV_LOGIN: "true" });
});

afterAll(async () => {
  await server?.close();
  await db?.end();
});

describe("request bodies with the development login on", () => {
  it("answers a /graphql body over 4 kB (the login form's limit) like any other", async () => {
    const client = await clientFor(server, { guildId, discordId: members[0], kind: "player" });
    const padding = `# ${"x".repeat(6000)}\n`;
    const res = await client.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `${padding}{ currentDiscordId }` }),
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(JSON.parse(text)).toEqual({ data: { currentDiscordId: members[0] } });
  });

  it("answers a malformed /graphql body with a 4xx, not 500, and moves nothing", async () => {
    const client = await clientFor(server, { guildId, discordId: members[0], kind: "player" });
    const before = await snapshot();
    for (const [type, body] of [
      ["application/json", '{"query": "mutation { claimDaily(input: {}) { clientMutationId } }"'],
      ["application/json", "not json"],
      ["application/x-www-form-urlencoded", "query=%E0%A4%A"],
    ] as const) {
      const res = await client.fetch("/graphql", { method: "POST", headers: { "content-type": type }, body });
      expect(res.status, `${type} ${body}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${type} ${body}`).toBeLessThan(500);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("answers a malformed development login with 400", async () => {
    for (const [type, body] of [
      ["application/json", '{"guildId": '],
      ["application/json", JSON.stringify({ guildId, discordId: members[0], kind: "player", pad: "x".repeat(5000) })],
    ] as const) {
      const res = await fetch(`${server.url}/auth/dev/login`, { method: "POST", headers: { "content-type": type }, body });
      expect(res.status, body.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(res.status, body.slice(0, 40)).toBeLessThan(500);
    }
  });
});
