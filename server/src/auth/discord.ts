import express, { type Request, type Response, type Router } from "express";
import { CodeChallengeMethod, OAuth2Client, generateCodeVerifier, generateState } from "arctic";
import type pg from "pg";
import { z } from "zod";
import { STAFF_ROLES, withClaims, type StaffRole } from "@guildbank/lib";
import type { ServerConfig } from "../config.ts";
import { cookieOptions } from "../http/cookies.ts";
import { REFRESH_COOKIE, SESSION_COOKIE, closeSession, hashToken, openPanelSession, revokeRefreshToken, type PanelTokens } from "./sessions.ts";

/** The short-lived cookie holding the OAuth2 `state` and PKCE verifier between login and callback. */
export const OAUTH_COOKIE = "gb_oauth";
/**
 * The signed-in staff member's Discord name (server nickname, else global name, else username), for
 * the panel's app bar only: the session's identity is the Discord id in the database, this is a label.
 */
export const NAME_COOKIE = "gb_name";
/** Scopes the panel asks Discord for. */
export const DISCORD_SCOPES = ["identify", "guilds", "guilds.members.read"];
/** At most this many guilds are recorded for the server switcher at one sign-in (one Discord call each). */
export const MAX_SWITCHER_GUILDS = 10;

const discordUser = z.object({ id: z.string().regex(/^\d{17,20}$/), username: z.string(), global_name: z.string().nullish() });
const guildMember = z.object({ roles: z.array(z.string().regex(/^\d{1,20}$/)), nick: z.string().nullish() });
const userGuilds = z.array(z.object({ id: z.string().regex(/^\d{1,20}$/) }).passthrough());
const oauthCookie = z.object({ state: z.string().min(16), verifier: z.string().min(43), next: z.string().optional() });

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A small HTML page for the sign-in outcomes a person sees (refusals, errors). */
function page(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .type("html")
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)} · Guildbank</title>` +
        `<style>body{font:16px system-ui;margin:4rem auto;max-width:36rem;color:#222}a{color:#5865f2}</style></head>` +
        `<body><h1>${escapeHtml(title)}</h1>${body}<p><a href="/">Back to the panel</a></p></body></html>`,
    );
}

/**
 * Ends the session behind the request's cookies (access and refresh token, in the database) and
 * clears both cookies.
 *
 * @param pool - authenticator pool.
 * @param config - server configuration (cookie flags).
 */
async function endBrowserSession(pool: pg.Pool, config: ServerConfig, req: Request, res: Response): Promise<void> {
  const access: unknown = req.cookies?.[SESSION_COOKIE];
  const refresh: unknown = req.cookies?.[REFRESH_COOKIE];
  if (typeof access === "string" && access.length <= 100) await closeSession(pool, access);
  if (typeof refresh === "string" && refresh.length <= 100) await revokeRefreshToken(pool, refresh);
  if (access !== undefined) res.clearCookie(SESSION_COOKIE, { ...cookieOptions(config, 0), maxAge: undefined });
  if (refresh !== undefined) res.clearCookie(REFRESH_COOKIE, { ...cookieOptions(config, 0), maxAge: undefined });
  if (req.cookies?.[NAME_COOKIE] !== undefined) res.clearCookie(NAME_COOKIE, { ...cookieOptions(config, 0), maxAge: undefined });
}

/**
 * Sets the access and refresh cookies of a panel session.
 *
 * @param tokens - the session's tokens.
 */
export function setPanelCookies(res: Response, config: ServerConfig, tokens: PanelTokens): void {
  res.cookie(SESSION_COOKIE, tokens.access, cookieOptions(config, config.ACCESS_TTL_S));
  res.cookie(REFRESH_COOKIE, tokens.refresh, cookieOptions(config, config.REFRESH_TTL_S));
}

/**
 * Discord sign-in for the panel (OAuth2 authorization code with `state` and PKCE, via `arctic`):
 * `GET /auth/discord/login` redirects to Discord; `GET /auth/discord/callback` exchanges the code,
 * reads the user and their membership of the bound guild (`GUILD_ID`), resolves their staff role
 * from the guild's role mappings at this sign-in (`app_hidden.resolve_staff_role`), does the same
 * for the member's other Discord guilds that use Guildbank (`/users/@me/guilds`, at most
 * {@link MAX_SWITCHER_GUILDS}) and records every guild where they are staff for the server switcher
 * (`app_private.add_session_guild`; the bound guild is selected when they are staff there), and opens a
 * panel session (short-lived access cookie + rotating refresh cookie). A callback whose state matches
 * first ends the session the browser held. Non-members and members without a staff role get a
 * refusal page (403) and no session.
 *
 * @param pool - authenticator pool.
 * @param config - `DISCORD_*`, `GUILD_ID`, `PANEL_BASE_URL`, `ACCESS_TTL_S`, `REFRESH_TTL_S`.
 * @param fetchImpl - HTTP client for the Discord REST calls (default global fetch).
 */
export function discordAuthRouter(pool: pg.Pool, config: ServerConfig, fetchImpl: typeof fetch = fetch): Router {
  const router = express.Router();
  const base = config.DISCORD_API_BASE_URL.replace(/\/+$/, "");
  const guildId = config.GUILD_ID ?? config.DEMO_GUILD_ID;
  const panelUrl = config.PANEL_BASE_URL?.replace(/\/+$/, "") ?? "";
  const enabled = Boolean(config.DISCORD_CLIENT_ID && config.DISCORD_CLIENT_SECRET && guildId);

  function redirectUri(req: Request): string {
    return config.DISCORD_REDIRECT_URI ?? `${panelUrl || `${req.protocol}://${req.get("host")}`}/auth/discord/callback`;
  }
  function client(req: Request): OAuth2Client {
    return new OAuth2Client(config.DISCORD_CLIENT_ID!, config.DISCORD_CLIENT_SECRET!, redirectUri(req));
  }

  router.get("/auth/discord/login", (req, res) => {
    if (!enabled) {
      page(res, 503, "Discord sign-in is not configured", "<p>Set DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET and GUILD_ID on the server (see the README, “Web panel”).</p>");
      return;
    }
    const state = generateState();
    const verifier = generateCodeVerifier();
    const url = client(req).createAuthorizationURLWithPKCE(`${base}/oauth2/authorize`, state, CodeChallengeMethod.S256, verifier, DISCORD_SCOPES);
    // SameSite=lax: the callback is a top-level navigation coming back from discord.com.
    res.cookie(OAUTH_COOKIE, JSON.stringify({ state, verifier }), { ...cookieOptions(config, 600), sameSite: "lax", path: "/auth/discord" });
    res.redirect(302, url.toString());
  });

  router.get("/auth/discord/callback", async (req, res, next) => {
    if (!enabled) {
      page(res, 503, "Discord sign-in is not configured", "<p>See the README, “Web panel”.</p>");
      return;
    }
    res.clearCookie(OAUTH_COOKIE, { path: "/auth/discord" });
    let saved: z.infer<typeof oauthCookie>;
    try {
      saved = oauthCookie.parse(JSON.parse(String(req.cookies?.[OAUTH_COOKIE] ?? "")));
    } catch {
      page(res, 400, "Sign-in expired", "<p>The sign-in took too long or was started in another browser. Please sign in again.</p>");
      return;
    }
    const code = typeof req.query.code === "string" ? req.query.code : undefined;
    if (typeof req.query.error === "string" || !code) {
      page(res, 400, "Sign-in cancelled", "<p>Discord did not authorise the sign-in.</p>");
      return;
    }
    if (req.query.state !== saved.state) {
      page(res, 400, "Sign-in refused", "<p>The sign-in state did not match (possible forgery). Please sign in again.</p>");
      return;
    }
    try {
      // A genuine sign-in attempt from this browser (its state matched) ends the session the browser
      // held before: a refused sign-in leaves no session (not even someone else's, on a shared
      // browser), and a successful one replaces it instead of leaving it open beside the new one.
      await endBrowserSession(pool, config, req, res);
      let accessToken: string;
      try {
        const tokens = await client(req).validateAuthorizationCode(`${base}/oauth2/token`, code, saved.verifier);
        accessToken = tokens.accessToken();
      } catch (err) {
        req.log?.warn({ err }, "discord: code exchange failed");
        page(res, 400, "Sign-in failed", "<p>Discord refused the authorisation code. Please sign in again.</p>");
        return;
      }
      const get = (path: string) => fetchImpl(`${base}${path}`, { headers: { authorization: `Bearer ${accessToken}` } });
      const userRes = await get("/users/@me");
      if (!userRes.ok) throw new Error(`discord /users/@me answered ${userRes.status}`);
      const user = discordUser.parse(await userRes.json());
      // Server switcher (issue 14): every guild of the member's that uses Guildbank and where they may be staff
      // (ownership or a mapped role) is checked now; the bound guild (GUILD_ID) first, and it is the one selected.
      let discordGuildIds: string[] = [];
      const guildsRes = await get("/users/@me/guilds");
      if (guildsRes.ok) discordGuildIds = userGuilds.parse(await guildsRes.json()).map((g) => g.id);
      else req.log?.warn({ status: guildsRes.status }, "discord /users/@me/guilds failed: only the bound guild is checked");
      const candidates = await pool
        .query<{ ids: string[] }>("select app_private.panel_guild_candidates($1, $2::bigint[])::text[] as ids", [user.id, discordGuildIds])
        .then((r) => r.rows[0]?.ids ?? []);
      const order = [guildId!, ...candidates.filter((g) => g !== guildId)].slice(0, MAX_SWITCHER_GUILDS);
      const staffIn: { guildId: string; roles: string[]; staffRole: StaffRole; nick: string | null }[] = [];
      let boundMember: z.infer<typeof guildMember> | null = null;
      for (const gid of order) {
        const memberRes = await get(`/users/@me/guilds/${gid}/member`);
        if (memberRes.status === 404 || memberRes.status === 403) continue;
        if (!memberRes.ok) {
          if (gid === guildId) throw new Error(`discord guild member answered ${memberRes.status}`);
          req.log?.warn({ guildId: gid, status: memberRes.status }, "discord guild member failed: guild left out of the switcher");
          continue;
        }
        const member = guildMember.parse(await memberRes.json());
        if (gid === guildId) boundMember = member;
        const role = await withClaims(pool, { role: "coins_anonymous" }, async (c) => {
          const { rows } = await c.query("select app_hidden.resolve_staff_role($1, $2, $3::bigint[]) as role", [gid, user.id, member.roles]);
          return rows[0]?.role as StaffRole | null;
        });
        if (role && STAFF_ROLES.includes(role)) staffIn.push({ guildId: gid, roles: member.roles, staffRole: role, nick: member.nick ?? null });
      }
      if (staffIn.length === 0) {
        if (!boundMember) {
          req.log?.info({ discordId: user.id, guildId }, "discord sign-in refused: not a member of the guild");
          page(res, 403, "Not a member of this server", `<p>${escapeHtml(user.global_name ?? user.username)}, this panel is only for members of the Discord server it manages. Join the server, then sign in again.</p>`);
          return;
        }
        req.log?.info({ discordId: user.id, guildId }, "discord sign-in refused: no staff role");
        page(res, 403, "No panel access", `<p>${escapeHtml(user.global_name ?? user.username)}, you are a member of the server but none of your Discord roles is mapped to a staff role. Ask an administrator to map one of your roles in the panel’s settings, then sign in again.</p>`);
        return;
      }
      const selected = staffIn[0];
      const tokens = await openPanelSession(pool, { guildId: selected.guildId, discordId: user.id, staffRole: selected.staffRole }, config.ACCESS_TTL_S, config.REFRESH_TTL_S);
      for (const g of staffIn) {
        await pool.query("select app_private.add_session_guild($1, $2, $3::bigint[])", [hashToken(tokens.access), g.guildId, g.roles]);
      }
      req.log?.info({ discordId: user.id, guildId: selected.guildId, staffRole: selected.staffRole, guilds: staffIn.length }, "discord sign-in");
      setPanelCookies(res, config, tokens);
      const member = { nick: selected.nick };
      res.cookie(NAME_COOKIE, (member.nick ?? user.global_name ?? user.username).slice(0, 64), cookieOptions(config, config.REFRESH_TTL_S));
      res.redirect(303, `${panelUrl}/`);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
