/**
 * The panel's session refresh across tabs: tabs share the cookies, and a rotated refresh token
 * presented twice revokes the session, so two tabs refreshing at the same moment must not both
 * present the same token. Each "tab" is a fresh instance of the panel's API module; they share one
 * cookie jar and the process's Web Locks (navigator.locks), as tabs of one browser do.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type pg from "pg";
import { ApiClient, createGuild, startTestServer, superuserPool } from "../../server/__tests__/helpers.ts";
import { discordServerEnv, signInThroughFake, startFakeDiscord, type FakeDiscord } from "../../server/__tests__/fake-discord.ts";

const PANEL = "http://panel.test.invalid";
let db: pg.Pool;
let fake: FakeDiscord;
let server: Awaited<ReturnType<typeof startTestServer>>;
let guildId: string;
const realFetch = globalThis.fetch;

beforeAll(async () => {
  db = superuserPool();
  ({ guildId } = await createGuild(db, 1, 0));
  await db.query("insert into app_public.staff_role_mappings (guild_id, discord_role_id, staff_role) values ($1, 333000000000000001, 'OPERATOR')", [guildId]);
  fake = await startFakeDiscord();
  fake.setUser({ id: (BigInt(guildId) + 700n).toString(), username: "tabs", guilds: { [guildId]: ["333000000000000001"] } });
  // Access sessions of 60 s: every refresh below really rotates (the panel refreshes below 60 s left).
  server = await startTestServer({ ...discordServerEnv(fake, guildId, PANEL), ACCESS_TTL_S: "60" });
});

afterAll(async () => {
  globalThis.fetch = realFetch;
  await server?.close();
  await fake?.close();
  await db?.end();
});

describe("refresh across tabs", () => {
  it("two tabs refreshing at once keep the session (one at a time, the second sees the first's rotation)", async () => {
    const browser = new ApiClient(server.url);
    const { res } = await signInThroughFake(fake, browser, (BigInt(guildId) + 700n).toString());
    expect(res.status).toBe(303);
    globalThis.fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
      const url = typeof input === "string" && input.startsWith("/") ? `${server.url}${input}` : input;
      const headers = { ...(init.headers as Record<string, string>), ...(browser.cookie ? { cookie: browser.cookie } : {}) };
      const answer = await realFetch(url, { ...init, headers, redirect: "manual" });
      browser.keepCookies(answer);
      return answer;
    }) as typeof fetch;
    const tab = async () => {
      vi.resetModules();
      return (await import("../src/lib/api.ts")) as typeof import("../src/lib/api.ts");
    };
    const [a, b] = [await tab(), await tab()];
    expect(a).not.toBe(b);
    await Promise.all([a.loadSession(), b.loadSession()]);
    const refreshBefore = browser.cookies.get("gb_refresh");
    const [sa, sb] = await Promise.all([a.refresh(), b.refresh()]);
    expect(sa?.staffRole).toBe("OPERATOR");
    expect(sb?.staffRole).toBe("OPERATOR");
    expect(browser.cookies.get("gb_refresh")).not.toBe(refreshBefore);
    // The session survived: no reuse was detected, and both tabs can still query.
    const live = await db.query("select count(*)::int as n from app_private.sessions where discord_id = $1", [(BigInt(guildId) + 700n).toString()]);
    expect(live.rows[0].n).toBe(1);
    expect(await a.gql<{ currentStaffRole: string }>("{ currentStaffRole }")).toEqual({ currentStaffRole: "OPERATOR" });
    expect(await b.gql<{ currentStaffRole: string }>("{ currentStaffRole }")).toEqual({ currentStaffRole: "OPERATOR" });
  });
});
