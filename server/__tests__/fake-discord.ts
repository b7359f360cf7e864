/**
 * A local fake of the parts of Discord the panel's sign-in uses: the OAuth2 authorization endpoint
 * (answers at once, as if the user had clicked "Authorise"), the token endpoint (checks client
 * credentials, redirect URI and the PKCE verifier), `GET /users/@me` and
 * `GET /users/@me/guilds` (the member's guilds) and `GET /users/@me/guilds/{guild}/member` (404 "Unknown Guild" for non-members). Used by the auth
 * route tests and the end-to-end run; listens on 127.0.0.1, port 0.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import express from "express";
import type { ApiClient } from "./helpers.ts";

/** A Discord user of the fake: their guild memberships and the role ids they hold in each. */
export interface FakeDiscordUser {
  id: string;
  username: string;
  guilds: Record<string, string[]>;
}

/** A running fake Discord. */
export interface FakeDiscord {
  /** Base URL to give the server as DISCORD_API_BASE_URL. */
  url: string;
  clientId: string;
  clientSecret: string;
  /** Adds or replaces a user (e.g. to change their roles between sign-ins). */
  setUser(user: FakeDiscordUser): void;
  /** The user the next authorization signs in as. */
  signInAs(userId: string): void;
  /** How many token exchanges succeeded. */
  exchanges: number;
  close(): Promise<void>;
}

/**
 * Signs `client` in through `fake` as `userId`, following the redirects as a browser would (the
 * callback lands on the panel's host, so it is replayed against the client's server), and keeps
 * the CSRF token of the new session.
 *
 * @returns the callback's answer (303 to the panel on success, a 4xx page otherwise) and the
 *   callback URL Discord redirected to.
 * @throws when the login or the fake's authorization does not redirect.
 */
export async function signInThroughFake(fake: FakeDiscord, client: ApiClient, userId: string): Promise<{ res: Response; callback: URL }> {
  fake.signInAs(userId);
  const login = await client.fetch("/auth/discord/login");
  if (login.status !== 302) throw new Error(`GET /auth/discord/login answered ${login.status}`);
  const authorize = await fetch(login.headers.get("location")!, { redirect: "manual" });
  if (authorize.status !== 302) throw new Error(`the fake's authorize answered ${authorize.status}: ${await authorize.text()}`);
  const callback = new URL(authorize.headers.get("location")!);
  const res = await client.fetch(callback.pathname + callback.search);
  if (res.status === 303) {
    client.csrfToken = ((await (await client.fetch("/auth/session")).json()) as { csrfToken: string }).csrfToken;
  }
  return { res, callback };
}

/**
 * The server environment for Discord sign-in against `fake`: the bound guild, the panel's origin,
 * the fake's credentials and URL; no development login; sign-in rate limits out of the way (the
 * suites sign in many times from one address).
 */
export function discordServerEnv(fake: FakeDiscord, guildId: string, panelBaseUrl: string): Record<string, string> {
  return {
    DEV_LOGIN: "false",
    GUILD_ID: guildId,
    PANEL_BASE_URL: panelBaseUrl,
    DISCORD_CLIENT_ID: fake.clientId,
    DISCORD_CLIENT_SECRET: fake.clientSecret,
    DISCORD_API_BASE_URL: fake.url,
    RATE_LIMIT_AUTH_PER_MIN: "1000",
  };
}

/**
 * Starts the fake on 127.0.0.1 (port 0).
 *
 * @param clientId - the application id the server is configured with.
 */
export async function startFakeDiscord(clientId = "900000000000000001"): Promise<FakeDiscord> {
  const clientSecret = "fake-discord-client-secret";
  const users = new Map<string, FakeDiscordUser>();
  const codes = new Map<string, { userId: string; challenge: string; redirectUri: string }>();
  const tokens = new Map<string, string>();
  let current: string | undefined;
  const app = express();
  app.use(express.urlencoded({ extended: false }));

  const fake: FakeDiscord = {
    url: "",
    clientId,
    clientSecret,
    exchanges: 0,
    setUser: (u) => void users.set(u.id, u),
    signInAs: (id) => {
      current = id;
    },
    close: async () => {},
  };

  app.get("/oauth2/authorize", (req, res) => {
    const q = req.query as Record<string, string>;
    if (q.client_id !== clientId || q.response_type !== "code" || q.code_challenge_method !== "S256" || !q.code_challenge) {
      res.status(400).send("bad authorize request");
      return;
    }
    if (!q.scope?.split(" ").includes("identify") || !q.scope.split(" ").includes("guilds.members.read")) {
      res.status(400).send("missing scopes");
      return;
    }
    if (!current || !users.has(current)) {
      res.status(400).send("no user selected in the fake");
      return;
    }
    const code = randomBytes(16).toString("hex");
    codes.set(code, { userId: current, challenge: q.code_challenge, redirectUri: q.redirect_uri });
    const target = new URL(q.redirect_uri);
    target.searchParams.set("code", code);
    target.searchParams.set("state", q.state);
    res.redirect(302, target.toString());
  });

  app.post("/oauth2/token", (req, res) => {
    const auth = req.headers.authorization ?? "";
    const [id, secret] = Buffer.from(auth.replace(/^Basic /, ""), "base64").toString().split(":");
    const b = req.body as Record<string, string>;
    const grant = codes.get(b.code);
    codes.delete(b.code);
    const verifierOk = grant && createHash("sha256").update(b.code_verifier ?? "").digest("base64url") === grant.challenge;
    if (id !== clientId || secret !== clientSecret || b.grant_type !== "authorization_code" || !grant || !verifierOk || b.redirect_uri !== grant.redirectUri) {
      res.status(400).json({ error: "invalid_grant" });
      return;
    }
    const token = randomBytes(16).toString("hex");
    tokens.set(token, grant.userId);
    fake.exchanges++;
    res.json({ access_token: token, token_type: "Bearer", expires_in: 604800, refresh_token: randomBytes(8).toString("hex"), scope: "identify guilds guilds.members.read" });
  });

  const bearer = (h: string | undefined) => tokens.get((h ?? "").replace(/^Bearer /, ""));
  app.get("/users/@me", (req, res) => {
    const u = users.get(bearer(req.headers.authorization) ?? "");
    if (!u) return void res.status(401).json({ message: "401: Unauthorized", code: 0 });
    res.json({ id: u.id, username: u.username, global_name: u.username, avatar: null });
  });
  // The member's guilds (scope `guilds`): partial guild objects, as Discord answers them.
  app.get("/users/@me/guilds", (req, res) => {
    const u = users.get(bearer(req.headers.authorization) ?? "");
    if (!u) return void res.status(401).json({ message: "401: Unauthorized", code: 0 });
    res.json(Object.keys(u.guilds).map((id) => ({ id, name: `Guild ${id}`, icon: null, owner: false, permissions: "0", features: [] })));
  });
  app.get("/users/@me/guilds/:guild/member", (req, res) => {
    const u = users.get(bearer(req.headers.authorization) ?? "");
    if (!u) return void res.status(401).json({ message: "401: Unauthorized", code: 0 });
    const roles = u.guilds[req.params.guild];
    if (!roles) return void res.status(404).json({ message: "Unknown Guild", code: 10004 });
    res.json({ roles, nick: null, user: { id: u.id, username: u.username } });
  });

  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  fake.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  fake.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return fake;
}
