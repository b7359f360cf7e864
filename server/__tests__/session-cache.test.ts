/**
 * The session-claims cache of the HTTP layer (issue 12): a session's claims may be reused from
 * memory for at most SESSION_CACHE_TTL_MS, so a session ended outside this process (in SQL, or by
 * another server process) is still honoured here for at most that long, while a sign-out through
 * this process ends it at once; with SESSION_CACHE_TTL_MS=0 every request reads the session.
 * Also: the request's claims reach PostgreSQL in the same statement string as its `begin`, quoted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { clientFor, createGuild, startTestServer, superuserPool, type ApiClient } from "./helpers.ts";
import { hashToken } from "../src/auth/sessions.ts";
import { beginWithSettingsSql } from "../src/graphile.ts";

type Server = Awaited<ReturnType<typeof startTestServer>>;
let db: pg.Pool;
let cached: Server;
let uncached: Server;
let guildId: string;
let memberIds: string[];

const CARD = `{ myCard { balance } }`;

/** Ends a client's session directly in SQL, as another server process's sign-out would. */
async function closeInSql(client: ApiClient): Promise<void> {
  const { rows } = await db.query("select app_private.close_session($1) as closed", [hashToken(client.cookies.get("gb_session")!)]);
  expect(rows[0].closed).toBe(true);
}

beforeAll(async () => {
  db = superuserPool();
  ({ guildId, memberIds } = await createGuild(db, 3, 100));
  // A TTL far longer than the test: the cached answer below cannot depend on timing.
  cached = await startTestServer({ SESSION_CACHE_TTL_MS: "60000" });
  uncached = await startTestServer({ SESSION_CACHE_TTL_MS: "0" });
});

afterAll(async () => {
  await cached?.close();
  await uncached?.close();
  await db?.end();
});

describe("session claims cache", () => {
  it("a session closed elsewhere is honoured until the cache entry lapses (the documented revocation latency)", async () => {
    const member = await clientFor(cached, { guildId, discordId: memberIds[0], kind: "player" });
    expect((await member.gql(CARD)).data?.myCard).toBeTruthy();
    await closeInSql(member);
    // Still cached in this process: accepted (bounded by SESSION_CACHE_TTL_MS, never past the token's expiry).
    expect((await member.gql(CARD)).data?.myCard).toBeTruthy();
  });

  it("a sign-out through this process ends the session at once, cached or not", async () => {
    const member = await clientFor(cached, { guildId, discordId: memberIds[1], kind: "player" });
    expect((await member.gql(CARD)).data?.myCard).toBeTruthy();
    const cookie = member.cookies.get("gb_session")!;
    expect((await member.logout()).status).toBe(204);
    member.cookies.set("gb_session", cookie);
    const session = (await (await member.fetch("/auth/session")).json()) as { session: unknown };
    expect(session.session).toBeNull();
    const after = await member.gql(CARD);
    expect(after.data?.myCard ?? null).toBeNull();
  });

  it("with SESSION_CACHE_TTL_MS=0 a session closed elsewhere is refused on the next request", async () => {
    const member = await clientFor(uncached, { guildId, discordId: memberIds[2], kind: "player" });
    expect((await member.gql(CARD)).data?.myCard).toBeTruthy();
    await closeInSql(member);
    const session = (await (await member.fetch("/auth/session")).json()) as { session: unknown };
    expect(session.session).toBeNull();
  });
});

describe("begin and claims in one statement string", () => {
  it("quotes every name and value as a literal (a quote or backslash in a claim cannot end it)", async () => {
    const client = await db.connect();
    try {
      const text = beginWithSettingsSql(client, { role: "coins_player", "app.reason": "it's a \\ test'); drop table x; --", "app.skip": null }, true);
      expect(text.startsWith("set jit_optimize_above_cost = -1; begin; select set_config('role', 'coins_player', true), ")).toBe(true);
      expect(text).not.toContain("app.skip");
      await client.query(text.replace("'coins_player'", "'guildbank_authenticator'").replace(/^set [^;]+; /, ""));
      const { rows } = await client.query("select current_setting('app.reason') as reason");
      expect(rows[0].reason).toBe("it's a \\ test'); drop table x; --");
      await client.query("rollback");
      const { rows: after } = await client.query("select current_setting('app.reason', true) as reason");
      expect(after[0].reason ?? "").toBe("");
    } finally {
      client.release();
    }
  });
});
