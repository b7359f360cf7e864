/**
 * The panel's sign-in and request security against a local fake Discord (OAuth2 + REST): guild
 * members with a mapped role get a panel session, others a refusal page; the role is resolved at
 * every sign-in; refresh tokens rotate and a reused one revokes the session; logout ends both
 * tokens; state-changing requests need the CSRF token; other origins are refused; an
 * Idempotency-Key replay returns the first answer; sign-in routes are rate-limited.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { ApiClient, createGuild, startTestServer, superuserPool, walletBalance } from "./helpers.ts";
import { discordServerEnv, signInThroughFake, startFakeDiscord, type FakeDiscord } from "./fake-discord.ts";

const PANEL = "http://panel.test.invalid";
const ROLE_ADMIN = "111000000000000001";
const ROLE_AUDITOR = "111000000000000002";
const ROLE_OPERATOR = "111000000000000003";
const ROLE_GAMER = "111000000000000009";

let db: pg.Pool;
let fake: FakeDiscord;
let server: Awaited<ReturnType<typeof startTestServer>>;
let guildId: string;
let members: string[];
let owner: string;
const staff = (n: number) => (BigInt(guildId) + 500n + BigInt(n)).toString();

/**
 * Signs `client` in through the fake Discord as `userId`, following the redirects as a browser
 * would (the callback lands on the panel host, so it is replayed against the server).
 *
 * @returns the callback's answer (303 to the panel on success, a 4xx page otherwise).
 */
async function discordSignIn(client: ApiClient, userId: string): Promise<Response> {
  const { res, callback } = await signInThroughFake(fake, client, userId);
  expect(callback.origin + callback.pathname).toBe(`${PANEL}/auth/discord/callback`);
  return res;
}

/** A client holding only a refresh token (as a thief would), with a CSRF pair that fits it. */
async function holding(refreshToken: string): Promise<ApiClient> {
  const client = new ApiClient(server.url);
  client.cookies.set("gb_refresh", refreshToken);
  client.csrfToken = ((await (await client.fetch("/auth/csrf")).json()) as { csrfToken: string }).csrfToken;
  return client;
}

async function sessionOf(client: ApiClient): Promise<{ staffRole: string; kind: string; discordId: string } | null> {
  return ((await (await client.fetch("/auth/session")).json()) as { session: { staffRole: string; kind: string; discordId: string } | null }).session;
}

const ADJUST = `mutation($d: BigInt!, $delta: BigInt!) { adminAdjust(input: { discordId: $d, delta: $delta, reason: "auth test" }) { adminAction { id after } } }`;

beforeAll(async () => {
  db = superuserPool();
  ({ guildId, memberIds: members } = await createGuild(db, 2, 100));
  owner = (BigInt(guildId) + 999n).toString();
  await db.query("select app_hidden.record_guild($1, $2, $3)", [guildId, "Auth guild", owner]);
  await db.query(
    "insert into app_public.staff_role_mappings (guild_id, discord_role_id, staff_role) values ($1, $2, 'ADMIN'), ($1, $3, 'AUDITOR'), ($1, $4, 'OPERATOR')",
    [guildId, ROLE_ADMIN, ROLE_AUDITOR, ROLE_OPERATOR],
  );
  fake = await startFakeDiscord();
  const user = (id: string, roles: string[] | null) => fake.setUser({ id, username: `user${id.slice(-3)}`, guilds: roles ? { [guildId]: roles } : {} });
  user(staff(1), [ROLE_ADMIN]);
  user(staff(2), [ROLE_GAMER, ROLE_AUDITOR, ROLE_OPERATOR]);
  user(staff(3), [ROLE_GAMER]);
  user(staff(4), null);
  user(staff(5), [ROLE_AUDITOR]);
  user(owner, []);
  server = await startTestServer(discordServerEnv(fake, guildId, PANEL));
});

afterAll(async () => {
  await server?.close();
  await fake?.close();
  await db?.end();
});

describe("Discord sign-in", () => {
  it("lets a guild member with a mapped role in, as that staff role, with httpOnly SameSite=strict cookies", async () => {
    const client = new ApiClient(server.url);
    const res = await discordSignIn(client, staff(1));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${PANEL}/`);
    const cookies = res.headers.getSetCookie();
    for (const name of ["gb_session", "gb_refresh", "gb_name"]) {
      const c = cookies.find((x) => x.startsWith(`${name}=`))!;
      expect(c, name).toMatch(/HttpOnly/i);
      expect(c, name).toMatch(/SameSite=Strict/i);
    }
    // The panel's app bar names them (their Discord name, kept beside the session cookies).
    expect(await sessionOf(client)).toMatchObject({ kind: "staff", staffRole: "ADMIN", discordId: staff(1), displayName: `user${staff(1).slice(-3)}` });
    const users = await client.gql(`{ users { totalCount } }`);
    expect(users.errors).toBeUndefined();
    expect(users.data!.users.totalCount).toBe(2);
    const stored = await db.query("select source, staff_role::text, refresh_hash is not null as refresh from app_private.sessions where discord_id = $1", [staff(1)]);
    expect(stored.rows).toEqual([{ source: "discord", staff_role: "ADMIN", refresh: true }]);
  });

  it("refuses a Discord user who is not a member of the guild, with a clear page and no session", async () => {
    const client = new ApiClient(server.url);
    const res = await discordSignIn(client, staff(4));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Not a member of this server");
    expect(client.cookies.has("gb_session")).toBe(false);
    expect(await sessionOf(client)).toBeNull();
  });

  it("refuses a member none of whose roles maps to a staff role (no panel access)", async () => {
    const client = new ApiClient(server.url);
    const res = await discordSignIn(client, staff(3));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("No panel access");
    expect(await sessionOf(client)).toBeNull();
  });

  it("a refused sign-in in a browser that held a session ends that session too (no session afterwards)", async () => {
    const client = new ApiClient(server.url);
    expect((await discordSignIn(client, staff(1))).status).toBe(303);
    const before = await sessionOf(client);
    expect(before).toMatchObject({ staffRole: "ADMIN", discordId: staff(1) });
    const stolen = new ApiClient(server.url);
    for (const name of ["gb_session", "gb_refresh"]) stolen.cookies.set(name, client.cookies.get(name)!);
    const res = await discordSignIn(client, staff(3));
    expect(res.status).toBe(403);
    expect(await sessionOf(client)).toBeNull();
    expect(client.cookies.has("gb_session")).toBe(false);
    expect(client.cookies.has("gb_refresh")).toBe(false);
    // The old tokens are dead server-side, not only forgotten by the browser.
    expect(await sessionOf(stolen)).toBeNull();
    stolen.csrfToken = ((await (await stolen.fetch("/auth/csrf")).json()) as { csrfToken: string }).csrfToken;
    expect((await stolen.fetch("/auth/refresh", { method: "POST" })).status).toBe(401);
  });

  it("maps roles: the highest mapped role wins, and the guild owner is SUPERADMIN", async () => {
    const several = new ApiClient(server.url);
    expect((await discordSignIn(several, staff(2))).status).toBe(303);
    expect((await sessionOf(several))!.staffRole).toBe("OPERATOR");
    const theOwner = new ApiClient(server.url);
    expect((await discordSignIn(theOwner, owner)).status).toBe(303);
    expect((await sessionOf(theOwner))!.staffRole).toBe("SUPERADMIN");
  });

  it("applies a role change at the next sign-in, not before (refresh keeps the session's role)", async () => {
    const client = new ApiClient(server.url);
    await discordSignIn(client, staff(5));
    expect((await sessionOf(client))!.staffRole).toBe("AUDITOR");
    fake.setUser({ id: staff(5), username: "promoted", guilds: { [guildId]: [ROLE_ADMIN] } });
    const refreshed = await client.fetch("/auth/refresh", { method: "POST" });
    expect(refreshed.status).toBe(200);
    client.csrfToken = ((await refreshed.json()) as { csrfToken: string }).csrfToken;
    expect((await sessionOf(client))!.staffRole).toBe("AUDITOR");
    await discordSignIn(client, staff(5));
    expect((await sessionOf(client))!.staffRole).toBe("ADMIN");
  });

  it("refuses a callback whose state does not match the one the login started with", async () => {
    const client = new ApiClient(server.url);
    fake.signInAs(staff(1));
    const login = await client.fetch("/auth/discord/login");
    const authorize = await fetch(login.headers.get("location")!, { redirect: "manual" });
    const callback = new URL(authorize.headers.get("location")!);
    callback.searchParams.set("state", "forged-state-value-0123456789");
    const res = await client.fetch(callback.pathname + callback.search);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("state did not match");
    expect(await sessionOf(client)).toBeNull();
  });
});

describe("sessions", () => {
  it("rotates the refresh token; presenting the old one again revokes the session", async () => {
    const client = new ApiClient(server.url);
    await discordSignIn(client, staff(1));
    const first = { refresh: client.cookies.get("gb_refresh")!, access: client.cookies.get("gb_session")! };
    const res = await client.fetch("/auth/refresh", { method: "POST" });
    expect(res.status).toBe(200);
    client.csrfToken = ((await res.json()) as { csrfToken: string }).csrfToken;
    expect(client.cookies.get("gb_refresh")).not.toBe(first.refresh);
    expect(client.cookies.get("gb_session")).not.toBe(first.access);
    expect((await sessionOf(client))!.staffRole).toBe("ADMIN");
    // The old access token is dead.
    const old = await fetch(`${server.url}/auth/session`, { headers: { cookie: `gb_session=${first.access}` } });
    expect(((await old.json()) as { session: unknown }).session).toBeNull();

    // A thief replays the first refresh token (with a valid CSRF pair for that cookie).
    const thief = await holding(first.refresh);
    const reuse = await thief.fetch("/auth/refresh", { method: "POST" });
    expect(reuse.status).toBe(401);
    expect(((await reuse.json()) as { error: string }).error).toBe("refresh_token_reused");
    // ... which ended the legitimate session too.
    expect(await sessionOf(client)).toBeNull();
    expect((await client.fetch("/auth/refresh", { method: "POST" })).status).toBe(401);
  });

  it("logs out: both tokens stop working", async () => {
    const client = new ApiClient(server.url);
    await discordSignIn(client, staff(1));
    const refresh = client.cookies.get("gb_refresh")!;
    const access = client.cookies.get("gb_session")!;
    expect(client.cookies.has("gb_name")).toBe(true);
    expect((await client.logout()).status).toBe(204);
    expect(await sessionOf(client)).toBeNull();
    expect(client.cookies.has("gb_name")).toBe(false);
    const again = await holding(refresh);
    expect((await again.fetch("/auth/refresh", { method: "POST" })).status).toBe(401);
    const old = await fetch(`${server.url}/auth/session`, { headers: { cookie: `gb_session=${access}` } });
    expect(((await old.json()) as { session: unknown }).session).toBeNull();
    const rows = await db.query("select count(*)::int as n from app_private.sessions where token_hash = sha256($1::bytea)", [Buffer.from(access)]);
    expect(rows.rows[0].n).toBe(0);
  });
});

describe("request security", () => {
  it("refuses a state-changing request without (or with a forged) CSRF token, and changes nothing", async () => {
    const client = new ApiClient(server.url);
    await discordSignIn(client, staff(1));
    const before = await walletBalance(db, guildId, members[0]);
    const body = JSON.stringify({ query: ADJUST, variables: { d: members[0], delta: "500" } });
    const noToken = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", cookie: client.cookie! }, body });
    expect(noToken.status).toBe(403);
    expect(((await noToken.json()) as { error: string }).error).toBe("csrf_invalid");
    const forged = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: client.cookie!, "x-csrf-token": "forged-token-from-another-site" },
      body,
    });
    expect(forged.status).toBe(403);
    // A token issued for another session does not fit this one either.
    const other = new ApiClient(server.url);
    await discordSignIn(other, staff(2));
    const crossed = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: client.cookie!, "x-csrf-token": other.csrfToken! },
      body,
    });
    expect(crossed.status).toBe(403);
    const logout = await fetch(`${server.url}/auth/logout`, { method: "POST", headers: { cookie: client.cookie! } });
    expect(logout.status).toBe(403);
    expect(await walletBalance(db, guildId, members[0])).toBe(before);
    expect(await sessionOf(client)).not.toBeNull();
    // With the token, the same request goes through.
    const ok = await client.gql(ADJUST, { d: members[0], delta: "5" });
    expect(ok.errors).toBeUndefined();
    expect(await walletBalance(db, guildId, members[0])).toBe(before + 5);
  });

  it("refuses requests from another origin (CORS locked to PANEL_BASE_URL)", async () => {
    const client = new ApiClient(server.url);
    await discordSignIn(client, staff(1));
    const preflight = await fetch(`${server.url}/graphql`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type, x-csrf-token" },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const before = await walletBalance(db, guildId, members[1]);
    const evil = await client.fetch("/graphql", {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/json" },
      body: JSON.stringify({ query: ADJUST, variables: { d: members[1], delta: "500" } }),
    });
    expect(evil.status).toBe(403);
    expect(((await evil.json()) as { error: string }).error).toBe("origin_not_allowed");
    expect(await walletBalance(db, guildId, members[1])).toBe(before);

    const panelPreflight = await fetch(`${server.url}/graphql`, {
      method: "OPTIONS",
      headers: { origin: PANEL, "access-control-request-method": "POST", "access-control-request-headers": "content-type, x-csrf-token, idempotency-key" },
    });
    expect(panelPreflight.status).toBe(204);
    expect(panelPreflight.headers.get("access-control-allow-origin")).toBe(PANEL);
    expect(panelPreflight.headers.get("access-control-allow-credentials")).toBe("true");
    const fromPanel = await client.gql(`{ currentStaffRole }`, {}, { origin: PANEL });
    expect(fromPanel.data).toEqual({ currentStaffRole: "ADMIN" });
  });

  it("honours Idempotency-Key: a replay returns the first answer and moves no coins twice", async () => {
    const client = new ApiClient(server.url);
    await discordSignIn(client, staff(1));
    const before = await walletBalance(db, guildId, members[1]);
    const send = (delta: string) =>
      client.fetch("/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": "panel-adjust-1" },
        body: JSON.stringify({ query: ADJUST, variables: { d: members[1], delta } }),
      });
    const first = await send("40");
    const firstBody = await first.text();
    expect(first.status).toBe(200);
    expect(JSON.parse(firstBody).errors).toBeUndefined();
    const replay = await send("40");
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotency-replayed")).toBe("true");
    expect(await replay.text()).toBe(firstBody);
    expect(await walletBalance(db, guildId, members[1])).toBe(before + 40);
    const audit = await db.query("select count(*)::int as n from app_public.admin_actions where guild_id = $1 and subject_id = $2 and action = 'adjust_balance' and reason = 'auth test'", [guildId, members[1]]);
    expect(audit.rows[0].n).toBe(1);
    const misuse = await send("41");
    expect(misuse.status).toBe(422);
    expect(((await misuse.json()) as { error: string }).error).toBe("idempotency_key_reused");
    expect(await walletBalance(db, guildId, members[1])).toBe(before + 40);
  });

  it("has no development login when DEV_LOGIN is off", async () => {
    expect((await fetch(`${server.url}/auth/dev`)).status).toBe(404);
  });

  it("rate-limits the sign-in routes per client address", async () => {
    const limited = await startTestServer({ ...discordServerEnv(fake, guildId, PANEL), RATE_LIMIT_AUTH_PER_MIN: "3" });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await fetch(`${limited.url}/auth/discord/login`, { redirect: "manual" })).status);
      expect(statuses).toEqual([302, 302, 302, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});
