/**
 * The bot's graphile-worker tasks: only `discord__*` (DESIGN.md "Jobs": a runner claims only the
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
 * - `discord__task` {task_id}, `discord__task_review` {claim_id}, `discord__task_role` {claim_id},
 *   `discord__task_dm` {claim_id}: community tasks (see `community.ts`).
 * - `discord__announcement` {announcement_id}, `discord__reward` {guild_id, sku}: announcements and
 *   the #shop posts of rewards (see `announcements.ts`).
 *
 * Rate limits: a 429 whose wait exceeds a few seconds is not slept on: the job is re-queued (same
 * job key) to run after Discord's `retry_after`, and completes. Other failures (outages) throw and
 * graphile-worker retries with exponential backoff. A channel or message that no longer exists is
 * logged and the job completes (retrying cannot help).
 */
import { RateLimitError, type REST } from "discord.js";
import type { JobHelpers, Task, TaskList } from "graphile-worker";
import type pg from "pg";
import { z } from "zod";
import { asWorker } from "../db.ts";
import type { BotMetrics } from "../metrics.ts";
import { digestEmbed, feedMessage, leaderboardMessage, listingMessage, type DigestRow, type FeedEntry, type LeaderboardRow, type ListingView } from "../render/embeds.ts";
import { isGone, upsertMessage } from "./discord.ts";
import { syncAnnouncement, syncRewardPost } from "./announcements.ts";
import { grantTaskRole, sendReviewDm, syncReviewMessage, syncTaskMessage } from "./community.ts";
import { runSetup, type GuildDiscord } from "./setup.ts";

/** The identifiers of the bot's tasks. */
export const BOT_TASKS = [
  "discord__setup",
  "discord__transaction",
  "discord__listing",
  "discord__leaderboard",
  "discord__digest",
  "discord__task",
  "discord__task_review",
  "discord__task_role",
  "discord__task_dm",
  "discord__announcement",
  "discord__reward",
] as const;
export type BotTask = (typeof BOT_TASKS)[number];

/** What the tasks need. */
export interface BotTaskContext {
  pool: pg.Pool;
  rest: REST;
  /** The bot's user id (for #coin-transactions overwrites). */
  botId: string;
  metrics: BotMetrics;
}

const snowflake = z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(/^\d{1,20}$/));
const schemas = {
  discord__setup: z.looseObject({ guild_id: snowflake }),
  discord__transaction: z.looseObject({ tx_id: z.uuid() }),
  discord__listing: z.looseObject({ listing_id: z.uuid() }),
  discord__leaderboard: z.looseObject({ guild_id: snowflake }),
  discord__digest: z.looseObject({ guild_id: snowflake, day: z.iso.date() }),
  discord__task: z.looseObject({ task_id: snowflake }),
  discord__task_review: z.looseObject({ claim_id: snowflake }),
  discord__task_role: z.looseObject({ claim_id: snowflake }),
  discord__task_dm: z.looseObject({ claim_id: snowflake }),
  discord__announcement: z.looseObject({ announcement_id: snowflake }),
  discord__reward: z.looseObject({ guild_id: snowflake, sku: z.string().min(1).max(40) }),
};

const json = (m: { embeds: { toJSON(): unknown }[]; components: { toJSON(): unknown }[] }) =>
  ({ embeds: m.embeds.map((e) => e.toJSON()), components: m.components.map((c) => c.toJSON()) }) as never;

async function guildChannels(pool: pg.Pool, guildId: string): Promise<GuildDiscord | undefined> {
  return asWorker(pool, async (c) =>
    (
      await c.query<GuildDiscord>(
        `select hub_channel_id::text, leaderboard_channel_id::text, shop_channel_id::text, transactions_channel_id::text,
                hub_message_id::text, leaderboard_message_id::text from app_hidden.discord_guild($1)`,
        [guildId],
      )
    ).rows[0],
  );
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
  return {
    discord__setup: task("discord__setup", ctx, async (p, helpers) => {
      const result = await runSetup(pool, rest, p.guild_id, ctx.botId);
      helpers.logger.info(`setup of guild ${p.guild_id}: ${result.changes} change(s)`, { changes: result.changes });
    }),
    discord__transaction: task("discord__transaction", ctx, async (p) => {
      const entry = await asWorker(pool, async (c) =>
        (await c.query<{ e: (FeedEntry & { guild_id: string }) | null }>("select app_hidden.discord_feed_entry($1) as e", [p.tx_id])).rows[0].e,
      );
      if (!entry) return;
      const channels = await guildChannels(pool, entry.guild_id);
      if (!channels?.transactions_channel_id) return;
      await upsertMessage(pool, rest, { guildId: entry.guild_id, type: "transaction", id: p.tx_id, channelId: channels.transactions_channel_id }, json(feedMessage(entry)));
    }),
    discord__listing: task("discord__listing", ctx, async (p) => {
      const listing = await asWorker(pool, async (c) =>
        (await c.query<{ l: (ListingView & { guild_id: string }) | null }>("select app_hidden.discord_listing($1) as l", [p.listing_id])).rows[0].l,
      );
      if (!listing) return;
      const channels = await guildChannels(pool, listing.guild_id);
      if (!channels?.shop_channel_id) return;
      await upsertMessage(pool, rest, { guildId: listing.guild_id, type: "listing", id: p.listing_id, channelId: channels.shop_channel_id }, json(listingMessage(listing)));
    }),
    discord__leaderboard: task("discord__leaderboard", ctx, async (p) => {
      const channels = await guildChannels(pool, p.guild_id);
      if (!channels?.leaderboard_channel_id) return;
      const board = await asWorker(pool, async (c) =>
        (await c.query<{ b: { rows: LeaderboardRow[]; refreshed_at: string | null } }>("select app_hidden.discord_leaderboard($1) as b", [p.guild_id])).rows[0].b,
      );
      await upsertMessage(pool, rest, { guildId: p.guild_id, type: "leaderboard", id: p.guild_id, channelId: channels.leaderboard_channel_id }, json(leaderboardMessage(board.rows, board.refreshed_at)));
    }),
    discord__digest: task("discord__digest", ctx, async (p) => {
      const channels = await guildChannels(pool, p.guild_id);
      if (!channels?.transactions_channel_id) return;
      const digest = await asWorker(pool, async (c) =>
        (await c.query<{ d: DigestRow | null }>("select app_hidden.discord_digest($1, $2) as d", [p.guild_id, p.day])).rows[0].d,
      );
      if (!digest) return;
      await upsertMessage(pool, rest, { guildId: p.guild_id, type: "digest", id: p.day, channelId: channels.transactions_channel_id }, { embeds: [digestEmbed(digest).toJSON()] });
    }),
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
    discord__reward: task("discord__reward", ctx, async (p) => {
      const channels = await guildChannels(pool, p.guild_id);
      await syncRewardPost(pool, rest, p.guild_id, p.sku, channels?.shop_channel_id ?? null);
    }),
  };
}
