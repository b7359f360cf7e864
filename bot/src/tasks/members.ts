/**
 * The `discord__*` jobs about one member (issue 14), each re-reading its subject and doing nothing
 * when the work is already recorded, so a retried job never doubles an effect:
 *
 * - {@link applyRoleGrant} (`discord__role` {grant_id}): adds or removes the Discord role of an
 *   item's use once; a refusal Discord will repeat (missing permission, unknown role or member) is
 *   recorded as failed.
 * - {@link removeExpiredRole} (`discord__role_remove` {grant_id}): takes a timed role back once
 *   its time is up.
 * - {@link sendNotification} (`discord__notify` {notification_id}): one DM; a member who does not
 *   accept DMs, or the last of its 3 attempts failing, is recorded as failed (never retried forever).
 */
import { DiscordAPIError, Routes, type REST } from "discord.js";
import type pg from "pg";
import { asWorker } from "../db.ts";
import { notificationDm, type NotificationView } from "../render/members.ts";
import { messageNonce } from "./discord.ts";

/** `app_hidden.discord_role_grant` as the jobs read it. */
interface RoleGrantView {
  id: string;
  guild_id: string;
  member_discord_id: string;
  role_id: string;
  action: "grant" | "remove";
  sku: string;
  item_name: string;
  status: "pending" | "applied" | "failed";
  removal_status: "none" | "pending" | "removed" | "failed" | "superseded";
  expires_at: string | null;
}

/** A refusal Discord will repeat (4xx but rate limits): retrying cannot help. */
function permanent(err: unknown): err is DiscordAPIError {
  return err instanceof DiscordAPIError && err.status >= 400 && err.status < 500 && err.status !== 429;
}

async function loadGrant(pool: pg.Pool, grantId: string): Promise<RoleGrantView | null> {
  return asWorker(pool, async (c) => (await c.query<{ g: RoleGrantView | null }>("select app_hidden.discord_role_grant($1) as g", [grantId])).rows[0].g);
}

async function recordGrant(pool: pg.Pool, grantId: string, step: "apply" | "remove", ok: boolean, error: string | null): Promise<void> {
  await asWorker(pool, (c) => c.query("select app_hidden.record_role_grant($1, $2, $3, $4)", [grantId, step, ok, error]));
}

async function setRole(rest: REST, g: RoleGrantView, add: boolean, reason: string): Promise<void> {
  const route = Routes.guildMemberRole(g.guild_id, g.member_discord_id, g.role_id);
  if (add) await rest.put(route, { reason });
  else await rest.delete(route, { reason });
}

/**
 * `discord__role`: applies an item's role effect (grant or remove) once.
 *
 * @param pool - the authenticator pool (acts as `coins_worker`).
 * @param rest - discord.js REST.
 * @param grantId - the role grant.
 * @returns what happened.
 * @throws REST errors a retry may fix (outages, rate limits).
 */
export async function applyRoleGrant(pool: pg.Pool, rest: REST, grantId: string): Promise<"applied" | "failed" | "skipped"> {
  const g = await loadGrant(pool, grantId);
  if (!g || g.status !== "pending") return "skipped";
  try {
    await setRole(rest, g, g.action === "grant", `Guildbank: ${g.item_name} (${g.sku})`);
  } catch (err) {
    if (!permanent(err)) throw err;
    await recordGrant(pool, grantId, "apply", false, `${err.status} ${err.code}: ${err.message}`);
    return "failed";
  }
  await recordGrant(pool, grantId, "apply", true, null);
  return "applied";
}

/**
 * `discord__role_remove`: takes back a timed role whose time is up, once.
 *
 * @param pool - the authenticator pool.
 * @param rest - discord.js REST.
 * @param grantId - the role grant.
 * @returns what happened.
 * @throws REST errors a retry may fix.
 */
export async function removeExpiredRole(pool: pg.Pool, rest: REST, grantId: string): Promise<"removed" | "failed" | "skipped"> {
  const g = await loadGrant(pool, grantId);
  if (!g || g.removal_status !== "pending") return "skipped";
  try {
    await setRole(rest, g, false, `Guildbank: ${g.item_name} (${g.sku}) ended`);
  } catch (err) {
    if (!permanent(err)) throw err;
    await recordGrant(pool, grantId, "remove", false, `${err.status} ${err.code}: ${err.message}`);
    return "failed";
  }
  await recordGrant(pool, grantId, "remove", true, null);
  return "removed";
}

/**
 * `discord__notify`: sends one notification DM, once.
 *
 * @param pool - the authenticator pool.
 * @param rest - discord.js REST.
 * @param notificationId - the notification.
 * @param lastAttempt - whether this is the job's last attempt (a failure is then recorded, not retried).
 * @returns what happened.
 * @throws REST errors a retry may fix (not on the last attempt).
 */
export async function sendNotification(pool: pg.Pool, rest: REST, notificationId: string, lastAttempt: boolean): Promise<"sent" | "failed" | "skipped"> {
  const n = await asWorker(pool, async (c) => (await c.query<{ n: NotificationView | null }>("select app_hidden.discord_notification($1) as n", [notificationId])).rows[0].n);
  if (!n || n.status !== "pending") return "skipped";
  const record = (sent: boolean, error: string | null) =>
    asWorker(pool, (c) => c.query("select app_hidden.record_notification($1, $2, $3)", [notificationId, sent, error]));
  try {
    const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: n.member_discord_id } })) as { id: string };
    await rest.post(Routes.channelMessages(dm.id), {
      body: { embeds: [notificationDm(n).toJSON()], nonce: messageNonce("notify", notificationId), enforce_nonce: true },
    });
  } catch (err) {
    if (!permanent(err) && !lastAttempt) throw err;
    await record(false, err instanceof Error ? err.message.slice(0, 400) : String(err));
    return "failed";
  }
  await record(true, null);
  return "sent";
}
