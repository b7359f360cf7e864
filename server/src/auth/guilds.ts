import express, { type Router } from "express";
import type pg from "pg";
import { z } from "zod";
import { decodeDbError, withClaims, type StaffRole } from "@guildbank/lib";
import { bodyParsers } from "../http/body.ts";
import { SESSION_COOKIE, forgetCachedSession, hashToken, requestClaims } from "./sessions.ts";

/** One guild of the server switcher, as `GET /auth/guilds` answers it. */
export interface SwitcherGuild {
  guildId: string;
  name: string;
  staffRole: StaffRole;
  selected: boolean;
}

const switchBody = z.object({ guildId: z.string().regex(/^\d{1,20}$/, "guildId must be a Discord id") });

/**
 * The panel's server switcher (issue 14):
 * - `GET /auth/guilds`: the guilds the signed-in staff member may switch to (recorded at the Discord
 *   sign-in, each still resolving to a staff role), `{ guilds: SwitcherGuild[] }`; 401 without a staff session.
 * - `POST /auth/guild` `{ guildId }`: moves the session to that guild (`app_private.switch_session_guild`);
 *   answers the new session view. A guild not granted at sign-in, e.g. a forged id, is refused with 403
 *   `{ error: "guild_not_permitted", code: "SW001" }` and the session stays where it was. The server
 *   re-checks the selected guild on every request (`app_private.session_claims`).
 *
 * @param pool - authenticator pool.
 */
export function guildSwitchRouter(pool: pg.Pool): Router {
  const router = express.Router();
  const json = bodyParsers([express.json({ limit: "1kb" })]);
  const tokenOf = (cookies: Record<string, unknown> | undefined): string | null => {
    const t = cookies?.[SESSION_COOKIE];
    return typeof t === "string" && t.length >= 20 && t.length <= 100 ? t : null;
  };

  router.get("/auth/guilds", async (req, res, next) => {
    try {
      const token = tokenOf(req.cookies);
      if (!token || req.session?.kind !== "staff") {
        res.status(401).json({ error: "not_authenticated" });
        return;
      }
      const { rows } = await pool.query<{ guild_id: string; name: string; staff_role: StaffRole; selected: boolean }>(
        "select guild_id, name, staff_role, selected from app_private.session_guild_choices($1)",
        [hashToken(token)],
      );
      const guilds: SwitcherGuild[] = rows.map((r) => ({ guildId: r.guild_id, name: r.name, staffRole: r.staff_role, selected: r.selected }));
      // A session from before the switcher (or the development login) knows only its own guild.
      if (guilds.length === 0) {
        const s = req.session;
        const name = await withClaims(pool, requestClaims(s), async (c) => {
          const { rows: g } = await c.query<{ name: string }>("select name from app_public.guilds where id = $1", [s.guildId]);
          return g[0]?.name ?? s.guildId;
        });
        guilds.push({ guildId: s.guildId, name, staffRole: s.staffRole!, selected: true });
      }
      res.json({ guilds });
    } catch (err) {
      next(err);
    }
  });

  router.post("/auth/guild", json, async (req, res, next) => {
    try {
      const token = tokenOf(req.cookies);
      if (!token || req.session?.kind !== "staff") {
        res.status(401).json({ error: "not_authenticated" });
        return;
      }
      const parsed = switchBody.safeParse(req.body);
      if (!parsed.success) {
        res.status(400).json({ error: "invalid_argument", argument: "guildId" });
        return;
      }
      try {
        // The session cache (issue 12) must not answer with the old guild's claims after the switch: drop this
        // session's entry before (a request racing the switch re-reads) and after (one read while it ran).
        forgetCachedSession(token);
        const { rows } = await pool.query("select * from app_private.switch_session_guild($1, $2)", [hashToken(token), parsed.data.guildId]).finally(() =>
          forgetCachedSession(token),
        );
        const c = rows[0] as { guild_id: string; discord_id: string; kind: "staff"; staff_role: StaffRole; expires_at: Date };
        req.log?.info({ guildId: String(c.guild_id), staffRole: c.staff_role }, "panel session switched guild");
        res.json({ session: { guildId: String(c.guild_id), discordId: String(c.discord_id), kind: c.kind, staffRole: c.staff_role, expiresAt: c.expires_at } });
      } catch (err) {
        const db = decodeDbError(err);
        if (db?.code === "SW001") {
          req.log?.warn({ guildId: parsed.data.guildId }, "panel guild switch refused");
          res.status(403).json({ error: "guild_not_permitted", code: "SW001", message: db.message });
          return;
        }
        if (db?.code === "AU001") {
          res.status(401).json({ error: "not_authenticated" });
          return;
        }
        throw err;
      }
    } catch (err) {
      next(err);
    }
  });
  return router;
}
