/**
 * The `discord__task*` job bodies (issue 14): they converge Discord to the database for
 * community tasks, re-reading their subject each time and doing nothing when the work is done.
 *
 * - {@link syncTaskMessage} (`discord__task` {task_id}): posts the task in the task channel or
 *   edits it in place; a deleted message is posted again (and if that fails for good the task is
 *   `orphaned`); a deleted task's message and proof posts are deleted. Records the sync state.
 * - {@link syncReviewMessage} (`discord__task_review` {claim_id}): posts a submitted proof in the
 *   review channel with Accept / Reject, and edits it when reviewed or expired.
 * - {@link grantTaskRole} (`discord__task_role` {claim_id}): adds the task's role to the member
 *   once; a refusal by Discord (missing permission, unknown role or member) is recorded as failed.
 * - {@link sendReviewDm} (`discord__task_dm` {claim_id}): DMs the member the review's outcome once;
 *   a member who does not accept DMs, or a last attempt that fails, is recorded as failed (the
 *   job is not retried forever).
 */
import { DiscordAPIError, Routes, type REST } from "discord.js";
import type pg from "pg";
import { asWorker } from "../db.ts";
import { reviewDm, reviewMessage, taskMessage, type ClaimView, type TaskView } from "../render/tasks.ts";
import { isGone, messageNonce } from "./discord.ts";

const json = (m: { embeds: { toJSON(): unknown }[]; components: { toJSON(): unknown }[] }) => ({
  embeds: m.embeds.map((e) => e.toJSON()),
  components: m.components.map((c) => c.toJSON()),
});

/** A refusal Discord will repeat (4xx but rate limits): retrying cannot help. */
function permanent(err: unknown): err is DiscordAPIError {
  return err instanceof DiscordAPIError && err.status >= 400 && err.status < 500 && err.status !== 429;
}

async function deleteMessage(rest: REST, channelId: string, messageId: string): Promise<void> {
  try {
    await rest.delete(Routes.channelMessage(channelId, messageId));
  } catch (err) {
    if (!isGone(err)) throw err;
  }
}

async function loadTask(pool: pg.Pool, taskId: string): Promise<TaskView | null> {
  return asWorker(pool, async (c) => (await c.query<{ t: TaskView | null }>("select app_hidden.discord_task($1) as t", [taskId])).rows[0].t);
}

async function loadClaim(pool: pg.Pool, claimId: string): Promise<ClaimView | null> {
  return asWorker(pool, async (c) => (await c.query<{ c: ClaimView | null }>("select app_hidden.discord_task_claim($1) as c", [claimId])).rows[0].c);
}

async function recordTask(
  pool: pg.Pool,
  taskId: string,
  channelId: string | null,
  messageId: string | null,
  state: "synced" | "orphaned",
  seen: string | null,
): Promise<void> {
  // `seen`: the task's updated_at when the job read it; a later change keeps it pending (its own job is queued).
  await asWorker(pool, (c) => c.query("select app_hidden.record_task_message($1, $2, $3, $4, $5)", [taskId, channelId, messageId, state, seen]));
}

/**
 * `discord__task`: converges a task's Discord message.
 *
 * @param pool - the authenticator pool (acts as `coins_worker`).
 * @param rest - discord.js REST.
 * @param taskId - the task.
 * @returns what happened (for logs and tests).
 * @throws REST errors that a retry may fix (outages, rate limits).
 */
export async function syncTaskMessage(pool: pg.Pool, rest: REST, taskId: string): Promise<"posted" | "edited" | "deleted" | "orphaned" | "waiting" | "gone"> {
  const task = await loadTask(pool, taskId);
  if (!task) return "gone";
  if (task.status === "deleted") {
    if (task.channel_id && task.message_id) await deleteMessage(rest, task.channel_id, task.message_id);
    for (const m of task.review_messages) await deleteMessage(rest, m.channel_id, m.message_id);
    await recordTask(pool, taskId, null, null, "synced", task.updated_at);
    return "deleted";
  }
  const body = json(taskMessage(task));
  if (task.channel_id && task.message_id) {
    try {
      await rest.patch(Routes.channelMessage(task.channel_id, task.message_id), { body });
      await recordTask(pool, taskId, task.channel_id, task.message_id, "synced", task.updated_at);
      return "edited";
    } catch (err) {
      if (!isGone(err)) throw err;
    }
  }
  // Never posted, or deleted on Discord: post it (again) in the task channel.
  if (!task.task_channel_id) {
    if (task.message_id) await recordTask(pool, taskId, null, null, "orphaned", task.updated_at);
    return task.message_id ? "orphaned" : "waiting";
  }
  let posted: { id: string };
  try {
    posted = (await rest.post(Routes.channelMessages(task.task_channel_id), {
      body: { ...body, nonce: messageNonce("task", taskId, task.message_id ?? ""), enforce_nonce: true },
    })) as { id: string };
  } catch (err) {
    if (!isGone(err)) throw err;
    await recordTask(pool, taskId, null, null, "orphaned", task.updated_at);
    return "orphaned";
  }
  await recordTask(pool, taskId, task.task_channel_id, posted.id, "synced", task.updated_at);
  return "posted";
}

/**
 * `discord__task_review`: the proof post of a claim in the review channel.
 *
 * @param pool - the authenticator pool.
 * @param rest - discord.js REST.
 * @param claimId - the claim.
 * @returns what happened.
 * @throws REST errors that a retry may fix.
 */
export async function syncReviewMessage(pool: pg.Pool, rest: REST, claimId: string): Promise<"posted" | "edited" | "deleted" | "skipped"> {
  const claim = await loadClaim(pool, claimId);
  if (!claim) return "skipped";
  if (claim.task_deleted) {
    if (claim.review_channel_id && claim.review_message_id) await deleteMessage(rest, claim.review_channel_id, claim.review_message_id);
    return "deleted";
  }
  const body = json(reviewMessage(claim));
  if (claim.review_channel_id && claim.review_message_id) {
    try {
      await rest.patch(Routes.channelMessage(claim.review_channel_id, claim.review_message_id), { body });
      return "edited";
    } catch (err) {
      if (!isGone(err)) throw err;
    }
  }
  // Only a proof that waits for review is (re)posted; without a review channel staff review in the panel.
  if (claim.status !== "submitted" || !claim.guild_review_channel_id) return "skipped";
  const posted = (await rest.post(Routes.channelMessages(claim.guild_review_channel_id), {
    body: { ...body, nonce: messageNonce("taskrev", claimId, claim.review_message_id ?? ""), enforce_nonce: true },
  })) as { id: string };
  await asWorker(pool, (c) => c.query("select app_hidden.record_task_review_message($1, $2, $3)", [claimId, claim.guild_review_channel_id, posted.id]));
  return "posted";
}

async function recordDelivery(pool: pg.Pool, claimId: string, kind: "role" | "dm", status: string, error: string | null): Promise<void> {
  await asWorker(pool, (c) => c.query("select app_hidden.record_task_delivery($1, $2, $3, $4)", [claimId, kind, status, error]));
}

/**
 * `discord__task_role`: adds the task's role to the member of an accepted claim, once.
 *
 * @param pool - the authenticator pool.
 * @param rest - discord.js REST.
 * @param claimId - the claim.
 * @returns what happened.
 * @throws REST errors that a retry may fix.
 */
export async function grantTaskRole(pool: pg.Pool, rest: REST, claimId: string): Promise<"granted" | "failed" | "skipped"> {
  const claim = await loadClaim(pool, claimId);
  if (!claim || claim.role_status !== "pending" || !claim.grant_role_id) return "skipped";
  try {
    await rest.put(Routes.guildMemberRole(claim.guild_id, claim.member_discord_id, claim.grant_role_id), { reason: `Guildbank: task ${claim.task_id} accepted` });
  } catch (err) {
    if (!permanent(err)) throw err;
    await recordDelivery(pool, claimId, "role", "failed", `${err.status} ${err.code}: ${err.message}`);
    return "failed";
  }
  await recordDelivery(pool, claimId, "role", "granted", null);
  return "granted";
}

/**
 * `discord__task_dm`: DMs the member the outcome of a review, once.
 *
 * @param pool - the authenticator pool.
 * @param rest - discord.js REST.
 * @param claimId - the claim.
 * @param lastAttempt - whether this is the job's last attempt (a failure is then recorded instead of retried).
 * @returns what happened.
 * @throws REST errors that a retry may fix (not on the last attempt).
 */
export async function sendReviewDm(pool: pg.Pool, rest: REST, claimId: string, lastAttempt: boolean): Promise<"sent" | "failed" | "skipped"> {
  const claim = await loadClaim(pool, claimId);
  if (!claim || claim.dm_status !== "pending" || (claim.status !== "accepted" && claim.status !== "rejected")) return "skipped";
  try {
    const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: claim.member_discord_id } })) as { id: string };
    await rest.post(Routes.channelMessages(dm.id), {
      body: { embeds: [reviewDm(claim).toJSON()], nonce: messageNonce("taskdm", claimId), enforce_nonce: true },
    });
  } catch (err) {
    if (!permanent(err) && !lastAttempt) throw err;
    await recordDelivery(pool, claimId, "dm", "failed", err instanceof Error ? err.message.slice(0, 400) : String(err));
    return "failed";
  }
  await recordDelivery(pool, claimId, "dm", "sent", null);
  return "sent";
}
