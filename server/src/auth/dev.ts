import express, { type Request, type Response, type Router } from "express";
import type pg from "pg";
import { z } from "zod";
import { STAFF_ROLES, decodeDbError, withClaims } from "@guildbank/lib";
import type { ServerConfig } from "../config.ts";
import { REFRESH_COOKIE, SESSION_COOKIE, openSession } from "./sessions.ts";
import { cookieOptions } from "../http/cookies.ts";
import { bodyParsers } from "../http/body.ts";

const devLoginBody = z
  .object({
    guildId: z.string().regex(/^\d{17,20}$/, "guildId must be a Discord id"),
    discordId: z.string().regex(/^\d{17,20}$/, "discordId must be a Discord id"),
    kind: z.enum(["player", "staff"]),
    staffRole: z.enum(STAFF_ROLES).optional(),
  })
  .refine((b) => (b.kind === "staff") === (b.staffRole !== undefined), {
    message: "staffRole is required for staff sessions and not allowed for player sessions",
    path: ["staffRole"],
  });

/** The body of `POST /auth/dev/login`. */
export type DevLoginBody = z.infer<typeof devLoginBody>;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The development login's copy-and-paste example, as the README's "Logging in locally" shows it and
 * `npm start` prints it: sign in as the guild's member 1 with curl (the session cookie goes into
 * `./jar`, the CSRF token of the answer into `$TOKEN`), read the member's card, then give member 2
 * five coins; both POSTs carry the token in `X-CSRF-Token` (every POST of a session needs it). The give carries a fixed idempotency key, so pasting
 * it again answers the same receipt and moves nothing more.
 *
 * @param baseUrl - the server's URL without a trailing slash, e.g. `http://127.0.0.1:3000`.
 * @param guildId - the demo guild's id (its members are guildId + 1 … guildId + 50).
 * @returns POSIX shell commands, one per line, without a trailing newline.
 */
export function devLoginExample(baseUrl: string, guildId: string): string {
  const member = (n: bigint) => (BigInt(guildId) + n).toString();
  return [
    `TOKEN=$(curl -s -c jar -H 'content-type: application/json' \\`,
    `  -d '{"guildId":"${guildId}","discordId":"${member(1n)}","kind":"player"}' \\`,
    `  ${baseUrl}/auth/dev/login | sed -n 's/.*"csrfToken":"\\([^"]*\\)".*/\\1/p')`,
    `curl -s -w '\\n' -b jar -H 'content-type: application/json' -H "X-CSRF-Token: $TOKEN" \\`,
    `  -d '{"query":"{ myCard { displayName balance streakDays nextDailyAt } }"}' ${baseUrl}/graphql`,
    `curl -s -w '\\n' -b jar -H 'content-type: application/json' -H "X-CSRF-Token: $TOKEN" \\`,
    `  -d '{"query":"mutation { give(input: {toDiscordId: ${member(2n)}, amount: 5, idempotencyKey: \\"readme-give-1\\"}) { giveReceipt { txId amount balance } } }"}' \\`,
    `  ${baseUrl}/graphql`,
  ].join("\n");
}

/**
 * Development-only login: `GET /auth/dev` (a page to pick an identity) and
 * `POST /auth/dev/login` (JSON or form: guildId, discordId, kind, staffRole). Mounted only when
 * `DEV_LOGIN` is on, which the configuration refuses in production.
 *
 * @param pool - authenticator pool.
 * @param config - server configuration.
 * @param options - `csrfToken` issues the CSRF token returned with a JSON login (for the new
 *   session); `home` is where a form login lands (the panel when it is served, else GraphiQL).
 */
export function devLoginRouter(
  pool: pg.Pool,
  config: ServerConfig,
  options: { csrfToken: (req: Request, res: Response) => string; home: string },
): Router {
  const router = express.Router();
  // The login's own small body parsers, on its route only (never on /graphql or anything else).
  const loginBody = bodyParsers([express.urlencoded({ extended: false, limit: "4kb" }), express.json({ limit: "4kb" })]);

  router.get("/auth/dev", async (req, res, next) => {
    try {
      const guildId = typeof req.query.guild === "string" && /^\d{17,20}$/.test(req.query.guild) ? req.query.guild : config.DEMO_GUILD_ID;
      let members: { discord_id: string; display_name: string; balance: string }[] = [];
      if (guildId) {
        members = await withClaims(pool, { role: "coins_staff", guildId, discordId: "1", staffRole: "AUDITOR" }, async (c) => {
          const { rows } = await c.query("select discord_id, display_name, balance from app_public.leaderboard(20)");
          return rows;
        });
      }
      const rows = members
        .map(
          (m) =>
            `<tr><td>${escapeHtml(m.display_name)}</td><td>${m.balance}</td><td><form method="post" action="/auth/dev/login">` +
            `<input type="hidden" name="guildId" value="${guildId}"><input type="hidden" name="discordId" value="${m.discord_id}">` +
            `<input type="hidden" name="kind" value="player"><button>Sign in as member</button></form></td></tr>`,
        )
        .join("");
      res.type("html").send(`<!doctype html><html><head><meta charset="utf-8"><title>Guildbank development login</title>
<style>body{font:15px system-ui;margin:2rem;max-width:52rem}td,th{padding:.2rem .6rem;text-align:left}</style></head><body>
<h1>Guildbank development login</h1>
<p>Development only: this page is disabled unless <code>DEV_LOGIN=true</code>, and refused when <code>NODE_ENV=production</code>.</p>
<h2>Staff</h2>
<form method="post" action="/auth/dev/login">
<input type="hidden" name="kind" value="staff">
<label>Guild <input name="guildId" value="${guildId ?? ""}" size="20"></label>
<label>Discord id <input name="discordId" value="${guildId ? String(BigInt(guildId) + 900n) : ""}" size="20"></label>
<label>Role <select name="staffRole">${STAFF_ROLES.map((r) => `<option>${r}</option>`).join("")}</select></label>
<button>Sign in as staff</button></form>
<h2>Members${guildId ? ` of guild ${guildId}` : ""}</h2>
<table><tr><th>Member</th><th>Coins</th><th></th></tr>${rows}</table>
</body></html>`);
    } catch (err) {
      next(err);
    }
  });

  router.post("/auth/dev/login", loginBody, async (req, res, next) => {
    const parsed = devLoginBody.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: "invalid_request", issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) });
      return;
    }
    try {
      const { token, claims } = await openSession(pool, { ...parsed.data, source: "dev" }, config.SESSION_TTL_S);
      res.cookie(SESSION_COOKIE, token, cookieOptions(config, config.SESSION_TTL_S));
      res.clearCookie(REFRESH_COOKIE, { ...cookieOptions(config, 0), maxAge: undefined });
      if (req.is("application/json")) {
        // The CSRF token is bound to the session cookie: issue the one for the new session.
        req.cookies = { ...req.cookies, [SESSION_COOKIE]: token };
        delete req.cookies[REFRESH_COOKIE];
        res.json({
          session: { guildId: claims.guildId, discordId: claims.discordId, kind: claims.kind, staffRole: claims.staffRole, expiresAt: claims.expiresAt },
          csrfToken: options.csrfToken(req, res),
        });
      } else {
        res.redirect(303, options.home);
      }
    } catch (err) {
      const app = decodeDbError(err);
      if (app) {
        res.status(400).json({ error: app.key, code: app.code, message: app.message });
        return;
      }
      next(err);
    }
  });
  return router;
}
