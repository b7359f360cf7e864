/**
 * The bot's graphile-worker tasks: only `discord__*` (ARCHITECTURE.md "Jobs": a runner claims only the
 * jobs it has a task for, so the server's worker never runs these and this runner never runs the
 * server's). Each task re-reads its subject and posts or edits one Discord message.
 *
 * - `discord__setup` {guild_id, requested_by}: {@link runSetup}.
 * - `discord__transaction` {tx_id}: the #coin-transactions feed embed (posted once, then edited
 *   when staff act on it).
 * - `discord__listing` {listing_id}: the #shop post of a listing; edited when units sell, or the
 *   listing sells out, expires or is cancelled (the Buy button goes).
 * - `discord__leaderboard` {guild_id}: edits the #leaderboard message in place.
 * - `discord__digest` {guild_id, day}: the daily digest embed in #coin-transactions.
 * - `discord__mm_ticket`, `discord__mm_public`, `discord__mm_log`, `discord__mm_archive`: the
 *   middleman's ticket, public embed, log line and archiving (see `mm.ts`).
 * - `discord__task` {task_id}, `discord__task_review` {claim_id}, `discord__task_role` {claim_id},
 *   `discord__task_dm` {claim_id}: community tasks (see `community.ts`).
 * - `discord__announcement` {announcement_id}, `discord__reward` {guild_id, sku}: announcements and
 *   the #shop posts of rewards (see `announcements.ts`).
 * - `discord__card_notice` {notification_id}: DMs a member one card notification, once (see `cards.ts`).
 * - `discord__role` {grant_id}, `discord__role_remove` {grant_id}, `discord__notify`
 *   {notification_id}: a shop item's role added or removed (and a timed one taken back), a member's
 *   DM (see `members.ts`).
 * - `discord__presence` {guild_id}: applies the newest presence set from the panel over the gateway
 *   (`app_hidden.bot_presence_for_job`) and reports it synced (`app_hidden.record_bot_presence`);
 *   retried while the gateway is not connected (issue 14).
 *
 * Rate limits: a 429 whose wait exceeds a few seconds is not slept on: the job is re-queued (same
 * job key) to run after Discord's `retry_after`, and completes. Other failures (outages) throw and
 * graphile-worker retries with exponential backoff.
 *
 * A deleted channel: a stored message that is gone is posted again; when Discord answers that the
 * channel itself is unknown or not accessible (10003, 10008, 50001), the channel is marked missing
 * (`app_hidden.mark_discord_channel_missing`: one ops alert, no more jobs queued for it) and the job
 * completes; the jobs already queued for it end without calling Discord, quietly. `/setup` recreates
 * the channel and clears the mark.
 */
import { RateLimitError, type REST } from "discord.js";
import type { JobHelpers, Task, TaskList } from "graphile-worker";
import type pg from "pg";
import { z } from "zod";
import { asWorker } from "../db.ts";
import type { BotMetrics } from "../metrics.ts";
import { digestEmbed, feedMessage, leaderboardMessage, listingMessage, type DigestRow, type FeedEntry, type LeaderboardRow, type ListingView } from "../render/embeds.ts";
import { isGone, upsertMessage } from "./discord.ts";
import { archiveTicket, postLog, syncPublic, syncTicket } from "./mm.ts";
import { syncAnnouncement, syncRewardPost } from "./announcements.ts";
import { grantTaskRole, sendReviewDm, syncReviewMessage, syncTaskMessage } from "./community.ts";
import { sendCardNotice } from "./cards.ts";
import { applyRoleGrant, removeExpiredRole, sendNotification } from "./members.ts";
import { runSetup, type GuildDiscord, type SetupChannel } from "./setup.ts";

/** The identifiers of the bot's tasks. */
export const BOT_TASKS = [
  "discord__setup",
  "discord__transaction",
  "discord__listing",
  "discord__leaderboard",
  "discord__digest",
  "discord__mm_ticket",
  "discord__mm_public",
  "discord__mm_log",
  "discord__mm_archive",
  "discord__task",
  "discord__task_review",
  "discord__task_role",
  "discord__task_dm",
  "discord__announcement",
  "discord__reward",
  "discord__card_notice",
  "discord__role",
  "discord__role_remove",
  "discord__notify",
  "discord__presence",
] as const;
export type BotTask = (typeof BOT_TASKS)[number];

/** What the tasks need. */
export interface BotTaskContext {
  pool: pg.Pool;
  rest: REST;
  /** The bot's user id (for #coin-transactions overwrites). */
  botId: string;
  metrics: BotMetrics;
  /**
   * Applies a presence over the gateway (issue 14); false when the gateway is not connected (the
   * job is then retried). Absent: the runner has no gateway, and its task list leaves
   * `discord__presence` out, so the bot that has one runs those jobs.
   */
  applyPresence?: (presence: BotPresence) => boolean;
}

/** A presence as `app_public.bot_presence` stores it. */
export interface BotPresence {
  guild_id: string;
  status: "online" | "idle" | "dnd" | "invisible";
  activity_type: "playing" | "listening" | "watching" | "competing" | "custom" | null;
  activity_text: string | null;
  updated_at: string;
}

/**
 * Reads the newest presence set from the panel (`app_hidden.bot_presence_for_job`), as the worker.
 *
 * @returns it, or null when none was ever set.
 */
export async function currentPresence(pool: pg.Pool): Promise<BotPresence | null> {
  return asWorker(pool, async (c) => {
    const { rows } = await c.query<BotPresence>(
      `select p.guild_id::text, p.status, p.activity_type, p.activity_text, to_char(p.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as updated_at
         from app_hidden.bot_presence_for_job() p where p.guild_id is not null`,
    );
    return rows[0] ?? null;
  });
}

const snowflake = z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(/^\d{1,20}$/));
const schemas = {
  discord__setup: z.looseObject({ guild_id: snowflake }),
  discord__transaction: z.looseObject({ tx_id: z.uuid() }),
  discord__listing: z.looseObject({ listing_id: z.uuid() }),
  discord__leaderboard: z.looseObject({ guild_id: snowflake }),
  discord__digest: z.looseObject({ guild_id: snowflake, day: z.iso.date() }),
  discord__mm_ticket: z.looseObject({ trade_id: snowflake }),
  discord__mm_public: z.looseObject({ guild_id: snowflake }),
  discord__mm_log: z.looseObject({ trade_id: snowflake }),
  discord__mm_archive: z.looseObject({ trade_id: snowflake }),
  discord__task: z.looseObject({ task_id: snowflake }),
  discord__task_review: z.looseObject({ claim_id: snowflake }),
  discord__task_role: z.looseObject({ claim_id: snowflake }),
  discord__task_dm: z.looseObject({ claim_id: snowflake }),
  discord__announcement: z.looseObject({ announcement_id: snowflake }),
  discord__reward: z.looseObject({ guild_id: snowflake, sku: z.string().min(1).max(40) }),
  discord__card_notice: z.looseObject({ notification_id: snowflake }),
  discord__role: z.looseObject({ grant_id: snowflake }),
  discord__role_remove: z.looseObject({ grant_id: snowflake }),
  discord__notify: z.looseObject({ notification_id: snowflake }),
  discord__presence: z.looseObject({ guild_id: snowflake }),
};

const json = (m: { embeds: { toJSON(): unknown }[]; components: { toJSON(): unknown }[] }) =>
  ({ embeds: m.embeds.map((e) => e.toJSON()), components: m.components.map((c) => c.toJSON()) }) as never;

/** A guild's channels, with those marked missing. */
type GuildChannels = GuildDiscord & { missing_channels: SetupChannel[] };

async function guildChannels(pool: pg.Pool, guildId: string): Promise<GuildChannels | undefined> {
  return asWorker(pool, async (c) =>
    (
      await c.query<GuildChannels>(
        `select hub_channel_id::text, leaderboard_channel_id::text, shop_channel_id::text, transactions_channel_id::text,
                hub_message_id::text, leaderboard_message_id::text, missing_channels from app_hidden.discord_guild($1)`,
        [guildId],
      )
    ).rows[0],
  );
}

/**
 * The channel a task posts to, unless the guild has none or it is marked missing (then the job
 * has nothing to do until /setup).
 *
 * @returns the channel id, or null.
 */
function usableChannel(channels: GuildChannels | undefined, channel: SetupChannel, helpers: JobHelpers): string | null {
  const id = channels?.[`${channel}_channel_id`] ?? null;
  if (id && channels?.missing_channels.includes(channel)) {
    helpers.logger.debug(`the #${channel} channel is marked missing until /setup; nothing posted`);
    return null;
  }
  return id;
}

/**
 * Posts or edits a subject's message in one of the guild's channels; when Discord says the channel
 * is gone, marks it missing (one ops alert) instead of failing.
 *
 * @param ctx - the task context.
 * @param helpers - the job's helpers (logger).
 * @param channel - which of the guild's channels, and its id.
 * @param subject - guild, subject type and id.
 * @param body - the message.
 * @throws other REST errors, for the job to retry.
 */
async function postIn(
  ctx: BotTaskContext,
  helpers: JobHelpers,
  channel: { name: SetupChannel; id: string },
  subject: { guildId: string; type: string; id: string },
  body: Parameters<typeof upsertMessage>[3],
): Promise<void> {
  try {
    await upsertMessage(ctx.pool, ctx.rest, { ...subject, channelId: channel.id }, body);
  } catch (err) {
    if (!isGone(err)) throw err;
    const marked = await asWorker(ctx.pool, async (c) =>
      (
        await c.query<{ marked: boolean }>("select app_hidden.mark_discord_channel_missing($1, $2, $3, $4) as marked", [
          subject.guildId,
          channel.name,
          channel.id,
          String((err as Error).message).slice(0, 500),
        ])
      ).rows[0].marked,
    );
    ctx.metrics.taskCalls.inc({ task: `discord__${subject.type}`, outcome: "channel_missing" });
    if (marked) helpers.logger.warn(`the #${channel.name} channel of guild ${subject.guildId} is gone or not accessible: marked missing until /setup`, { error: err });
  }
}

/**
 * Wraps a task body: payload validation, metrics, rate-limit re-queueing, gone channels.
 *
 * @param name - the task identifier.
 * @param ctx - the task context.
 * @param body - the work, given the parsed payload.
 * @returns the graphile-worker task.
 */
function task<N extends BotTask>(name: N, ctx: BotTaskContext, body: (payload: z.infer<(typeof schemas)[N]>, helpers: JobHelpers) => Promise<void>): Task {
  return async (raw, helpers) => {
    const parsed = schemas[name].safeParse(raw ?? {});
    if (!parsed.success) throw new Error(`${name}: invalid payload: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    try {
      await body(parsed.data as z.infer<(typeof schemas)[N]>, helpers);
      ctx.metrics.taskCalls.inc({ task: name, outcome: "ok" });
    } catch (err) {
      if (err instanceof RateLimitError) {
        ctx.metrics.taskCalls.inc({ task: name, outcome: "rate_limited" });
        const runAt = new Date(Date.now() + Math.max(err.retryAfter, 1000));
        helpers.logger.warn(`${name}: Discord rate limit; retrying at ${runAt.toISOString()}`, { retryAfter: err.retryAfter });
        await helpers.addJob(name, raw as never, {
          runAt,
          jobKey: helpers.job.key ?? undefined,
          maxAttempts: helpers.job.max_attempts,
        });
        return;
      }
      if (isGone(err)) {
        ctx.metrics.taskCalls.inc({ task: name, outcome: "gone" });
        helpers.logger.error(`${name}: the Discord channel or message is gone or not accessible; run /setup again`, { error: err });
        return;
      }
      ctx.metrics.taskCalls.inc({ task: name, outcome: "error" });
      throw err;
    }
  };
}

/**
 * Builds the bot's task list.
 *
 * @param ctx - pool, REST, bot id, metrics.
 * @returns graphile-worker's task list (exactly {@link BOT_TASKS}).
 */
export function createBotTaskList(ctx: BotTaskContext): TaskList {
  const { pool, rest } = ctx;
  const list: TaskList = {
    discord__presence: task("discord__presence", ctx, async (_p, helpers) => {
      const presence = await currentPresence(pool);
      if (!presence) return;
      if (!ctx.applyPresence?.(presence)) throw new Error("the gateway is not connected: the presence is applied when it is");
      await asWorker(pool, (c) => c.query("select app_hidden.record_bot_presence($1, $2::timestamptz)", [presence.guild_id, presence.updated_at]));
      helpers.logger.info(`presence ${presence.status} applied (set in guild ${presence.guild_id})`);
    }),
    discord__setup: task("discord__setup", ctx, async (p, helpers) => {
      const result = await runSetup(pool, rest, p.guild_id, ctx.botId);
      helpers.logger.info(`setup of guild ${p.guild_id}: ${result.changes} change(s)`, { changes: result.changes });
    }),
    discord__transaction: task("discord__transaction", ctx, async (p, helpers) => {
      const entry = await asWorker(pool, async (c) =>
        (await c.query<{ e: (FeedEntry & { guild_id: string }) | null }>("select app_hidden.discord_feed_entry($1) as e", [p.tx_id])).rows[0].e,
      );
      if (!entry) return;
      const channelId = usableChannel(await guildChannels(pool, entry.guild_id), "transactions", helpers);
      if (!channelId) return;
      await postIn(ctx, helpers, { name: "transactions", id: channelId }, { guildId: entry.guild_id, type: "transaction", id: p.tx_id }, json(feedMessage(entry)));
    }),
    discord__listing: task("discord__listing", ctx, async (p, helpers) => {
      const listing = await asWorker(pool, async (c) =>
        (await c.query<{ l: (ListingView & { guild_id: string }) | null }>("select app_hidden.discord_listing($1) as l", [p.listing_id])).rows[0].l,
      );
      if (!listing) return;
      const channelId = usableChannel(await guildChannels(pool, listing.guild_id), "shop", helpers);
      if (!channelId) return;
      await postIn(ctx, helpers, { name: "shop", id: channelId }, { guildId: listing.guild_id, type: "listing", id: p.listing_id }, json(listingMessage(listing)));
    }),
    discord__leaderboard: task("discord__leaderboard", ctx, async (p, helpers) => {
      const channelId = usableChannel(await guildChannels(pool, p.guild_id), "leaderboard", helpers);
      if (!channelId) return;
      const board = await asWorker(pool, async (c) =>
        (await c.query<{ b: { rows: LeaderboardRow[]; refreshed_at: string | null } }>("select app_hidden.discord_leaderboard($1) as b", [p.guild_id])).rows[0].b,
      );
      await postIn(ctx, helpers, { name: "leaderboard", id: channelId }, { guildId: p.guild_id, type: "leaderboard", id: p.guild_id }, json(leaderboardMessage(board.rows, board.refreshed_at)));
    }),
    discord__digest: task("discord__digest", ctx, async (p, helpers) => {
      const channelId = usableChannel(await guildChannels(pool, p.guild_id), "transactions", helpers);
      if (!channelId) return;
      const digest = await asWorker(pool, async (c) =>
        (await c.query<{ d: DigestRow | null }>("select app_hidden.discord_digest($1, $2) as d", [p.guild_id, p.day])).rows[0].d,
      );
      if (!digest) return;
      await postIn(ctx, helpers, { name: "transactions", id: channelId }, { guildId: p.guild_id, type: "digest", id: p.day }, { embeds: [digestEmbed(digest).toJSON()] });
    }),
    discord__mm_ticket: task("discord__mm_ticket", ctx, (p) => syncTicket(pool, rest, p.trade_id, ctx.botId)),
    discord__mm_public: task("discord__mm_public", ctx, (p) => syncPublic(pool, rest, p.guild_id)),
    discord__mm_log: task("discord__mm_log", ctx, (p) => postLog(pool, rest, p.trade_id)),
    discord__mm_archive: task("discord__mm_archive", ctx, (p) => archiveTicket(pool, rest, p.trade_id)),
    discord__task: task("discord__task", ctx, async (p, helpers) => {
      const outcome = await syncTaskMessage(pool, rest, p.task_id);
      if (outcome === "orphaned") helpers.logger.warn(`task ${p.task_id}: its message is gone and the task channel is not reachable: orphaned`);
    }),
    discord__task_review: task("discord__task_review", ctx, async (p) => {
      await syncReviewMessage(pool, rest, p.claim_id);
    }),
    discord__task_role: task("discord__task_role", ctx, async (p, helpers) => {
      if ((await grantTaskRole(pool, rest, p.claim_id)) === "failed") helpers.logger.warn(`claim ${p.claim_id}: Discord refused the role grant (recorded)`);
    }),
    discord__task_dm: task("discord__task_dm", ctx, async (p, helpers) => {
      await sendReviewDm(pool, rest, p.claim_id, helpers.job.attempts >= helpers.job.max_attempts);
    }),
    discord__announcement: task("discord__announcement", ctx, async (p, helpers) => {
      if ((await syncAnnouncement(pool, rest, p.announcement_id)) === "orphaned") helpers.logger.warn(`announcement ${p.announcement_id}: its message was deleted on Discord: orphaned`);
    }),
    discord__card_notice: task("discord__card_notice", ctx, async (p, helpers) => {
      const outcome = await sendCardNotice(pool, rest, p.notification_id, helpers.job.attempts >= helpers.job.max_attempts);
      if (outcome === "failed") helpers.logger.warn(`card notification ${p.notification_id}: Discord refused the DM (recorded as failed)`);
    }),
    discord__reward: task("discord__reward", ctx, async (p, helpers) => {
      const shop = usableChannel(await guildChannels(pool, p.guild_id), "shop", helpers);
      if ((await syncRewardPost(pool, rest, p.guild_id, p.sku, shop)) === "orphaned" && shop) {
        // #shop itself is gone: mark it missing (one ops alert; /setup recreates it and clears the mark).
        await asWorker(pool, (c) => c.query("select app_hidden.mark_discord_channel_missing($1, 'shop', $2, 'a reward''s #shop post could not be posted')", [p.guild_id, shop]));
      }
    }),
    discord__role: task("discord__role", ctx, async (p, helpers) => {
      if ((await applyRoleGrant(pool, rest, p.grant_id)) === "failed") helpers.logger.warn(`role grant ${p.grant_id}: Discord refused it (recorded)`);
    }),
    discord__role_remove: task("discord__role_remove", ctx, async (p, helpers) => {
      if ((await removeExpiredRole(pool, rest, p.grant_id)) === "failed") helpers.logger.warn(`role grant ${p.grant_id}: Discord refused the removal (recorded)`);
    }),
    discord__notify: task("discord__notify", ctx, async (p, helpers) => {
      await sendNotification(pool, rest, p.notification_id, helpers.job.attempts >= helpers.job.max_attempts);
    }),
  };
  // A runner without a gateway (no applyPresence) never claims presence jobs: it could only fail them and delay the
  // bot that can apply them.
  if (!ctx.applyPresence) delete list.discord__presence;
  return list;
}
