/**
 * The bot process's core: a discord.js gateway client whose `interactionCreate` goes to the
 * router, a graphile-worker runner with only the `discord__*` tasks (acting as `coins_worker`),
 * the health/metrics listener, and a graceful stop.
 */
import { EventEmitter } from "node:events";
import { ActivityType, Client, Events, GatewayIntentBits, type Guild } from "discord.js";
import { run, type Runner, type WorkerEvents } from "graphile-worker";
import { createLogger, createPool, type Logger } from "@guildbank/lib";
import { checkWorkerDatabase, createWorkerPool, toWorkerLogger } from "@guildbank/server/worker";
import { createWorkerMetrics, processRegistry, renderMetrics } from "@guildbank/server/metrics";
import { discordRestOptions, type BotConfig } from "./config.ts";
import type { BotContext } from "./context.ts";
import { CardRenderer } from "./render/collectible.ts";
import { cardCacheFromConfig } from "./render/card-cache.ts";
import { asWorker } from "./db.ts";
import { startHealthListener, type HealthListener } from "./health.ts";
import { createBotMetrics } from "./metrics.ts";
import { routeInteraction } from "./router.ts";
import { BOT_TASKS, createBotTaskList, currentPresence, type BotPresence } from "./tasks/index.ts";

/**
 * The functions the bot calls as `coins_worker` (its runner's tasks, the staff role resolution,
 * guild recording), as `to_regprocedure` signatures: the bot refuses to start without them.
 */
export const BOT_REQUIRED_FUNCTIONS = [
  "app_hidden.resolve_staff_role(bigint, bigint, bigint[])",
  "app_hidden.record_guild(bigint, text, bigint)",
  "app_hidden.discord_guild(bigint)",
  "app_hidden.save_discord_setup(bigint, bigint, bigint, bigint, bigint, bigint, bigint)",
  "app_hidden.discord_message(bigint, text, text)",
  "app_hidden.record_discord_message(bigint, text, text, bigint, bigint)",
  "app_hidden.discord_staff_role_ids(bigint)",
  "app_hidden.discord_leaderboard(bigint)",
  "app_hidden.discord_feed_entry(uuid)",
  "app_hidden.discord_listing(uuid)",
  "app_hidden.discord_digest(bigint, date)",
  "app_hidden.discord_task(bigint)",
  "app_hidden.discord_task_claim(bigint)",
  "app_hidden.record_task_message(bigint, bigint, bigint, text, timestamptz)",
  "app_hidden.record_task_review_message(bigint, bigint, bigint)",
  "app_hidden.record_task_delivery(bigint, text, text, text)",
  "app_hidden.discord_announcement(bigint)",
  "app_hidden.record_announcement_message(bigint, bigint, text, boolean, timestamptz)",
  "app_hidden.discord_reward(bigint, text)",
  "app_hidden.record_reward_sync(bigint, text, text, timestamptz)",
  "app_hidden.mark_discord_channel_missing(bigint, text, bigint, text)",
  "app_hidden.discord_card_notice(bigint)",
  "app_hidden.card_notice_delivered(bigint, text, text)",
  "app_hidden.mm_ticket(bigint)",
  "app_hidden.mm_public(bigint)",
  "app_hidden.mm_record_ticket(bigint, bigint, bigint)",
  "app_hidden.mm_record_rendered(bigint, bigint)",
  "app_hidden.mm_store_transcript(bigint, text)",
  "app_hidden.bot_presence_for_job()",
  "app_hidden.record_bot_presence(bigint, timestamptz, text)",
] as const;

const ACTIVITY_TYPES = { playing: ActivityType.Playing, listening: ActivityType.Listening, watching: ActivityType.Watching, competing: ActivityType.Competing, custom: ActivityType.Custom } as const;

/**
 * Sets the bot's presence over the gateway (issue 14: the panel's bot status): status and at most
 * one activity (a custom status shows its text as the state).
 *
 * @param client - the discord.js client.
 * @param p - the presence as stored.
 * @returns false when the gateway is not connected (nothing sent).
 */
export function applyPresence(client: Client, p: BotPresence): boolean {
  if (!client.isReady()) return false;
  const activities =
    p.activity_type && p.activity_text
      ? [p.activity_type === "custom" ? { name: "Custom Status", type: ActivityType.Custom, state: p.activity_text } : { name: p.activity_text, type: ACTIVITY_TYPES[p.activity_type] }]
      : [];
  client.user.setPresence({ status: p.status, activities });
  return true;
}

/** Options of {@link startBot}. */
export interface StartBotOptions {
  config: BotConfig;
  logger?: Logger;
  /** Connect to the gateway (default true; tests inject interactions instead). */
  login?: boolean;
  /** graphile-worker events (tests wait on `job:complete`). */
  events?: WorkerEvents;
}

/** A running bot. */
export interface BotHandle {
  ctx: BotContext;
  client: Client;
  runner: Runner;
  health: HealthListener;
  /** Resolves when every interaction received so far has been answered. */
  idle(): Promise<void>;
  /** Graceful stop: gateway, runner (drained), listener, pools. Idempotent; never rejects. */
  stop(): Promise<void>;
}


/**
 * Logs card cache store failures (an unreachable bucket), at most once a minute: a render never fails on them.
 *
 * @param logger - the bot's logger.
 * @returns the `CardRenderer` error callback.
 */
function cacheErrorLogger(logger: Logger): (err: unknown) => void {
  let last = 0;
  return (err) => {
    if (Date.now() - last < 60_000) return;
    last = Date.now();
    logger.warn({ err }, "card cache store failed; cards are rendered without it");
  };
}

/**
 * Records a guild and its owner (`app_hidden.record_guild`), so the owner resolves to SUPERADMIN.
 *
 * @param ctx - the bot.
 * @param guild - the guild from the gateway.
 */
export async function recordGuild(ctx: BotContext, guild: Pick<Guild, "id" | "name" | "ownerId">): Promise<void> {
  await asWorker(ctx.pool, (c) => c.query("select 1 from app_hidden.record_guild($1, $2, $3)", [guild.id, guild.name.slice(0, 100) || guild.id, guild.ownerId]));
}

/**
 * Starts the bot.
 *
 * @param options - configuration and test hooks.
 * @returns the running bot.
 * @throws when the database is unreachable or lacks the bot's functions (migrations not applied), the
 *   runner or the listener cannot start, or the login fails.
 */
export async function startBot(options: StartBotOptions): Promise<BotHandle> {
  const { config } = options;
  const logger = options.logger ?? createLogger("bot", config.LOG_LEVEL);
  const pool = createPool(config.DATABASE_URL, config.BOT_POOL_MAX);
  const workerPool = createWorkerPool(config.DATABASE_URL, config.BOT_WORKER_CONCURRENCY + 3, logger);
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: {
      // DISCORD_API_BASE_URL: REST goes there, and so the gateway URL discord.js asks it for (GET /gateway/bot).
      ...discordRestOptions(config.DISCORD_API_BASE_URL),
      // Waits longer than 5 s are not slept on: the task re-queues its job for after retry_after.
      rejectOnRateLimit: (info) => info.retryAfter > 5000,
    },
  });
  client.rest.setToken(config.DISCORD_TOKEN);
  const metrics = createBotMetrics();
  const ctx: BotContext = { pool, logger, client, metrics, applicationId: config.DISCORD_CLIENT_ID, cards: new CardRenderer(cardCacheFromConfig(config), 2000, cacheErrorLogger(logger), {
    storageDir: config.CATALOGUE_STORAGE_DIR,
    cdnUrl: config.CDN_URL ?? null,
  }) };

  const inFlight = new Set<Promise<void>>();
  client.on(Events.InteractionCreate, (interaction) => {
    const p = routeInteraction(ctx, interaction).finally(() => inFlight.delete(p));
    inFlight.add(p);
  });
  client.on(Events.GuildCreate, (guild) => {
    recordGuild(ctx, guild).catch((err: unknown) => logger.error({ err, guildId: guild.id }, "could not record a guild"));
  });
  client.once(Events.ClientReady, (ready) => {
    logger.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, "gateway ready");
    // The presence set from the panel (issue 14) survives restarts: applied again at every login.
    currentPresence(pool)
      .then((p) => p && applyPresence(client, p))
      .catch((err: unknown) => logger.warn({ err }, "could not apply the stored presence"));
    for (const guild of ready.guilds.cache.values()) {
      recordGuild(ctx, guild).catch((err: unknown) => logger.error({ err, guildId: guild.id }, "could not record a guild"));
    }
  });

  const jobMetrics = createWorkerMetrics();
  const events = options.events ?? (new EventEmitter() as WorkerEvents);
  const unobserve = jobMetrics.observe(events);
  let runner: Runner;
  let health: HealthListener;
  try {
    await checkWorkerDatabase(workerPool, BOT_REQUIRED_FUNCTIONS);
    runner = await run({
      pgPool: workerPool,
      taskList: createBotTaskList({ pool, rest: client.rest, botId: config.DISCORD_CLIENT_ID, metrics, applyPresence: options.login !== false ? (p) => applyPresence(client, p) : undefined }),
      concurrency: config.BOT_WORKER_CONCURRENCY,
      pollInterval: config.BOT_WORKER_POLL_INTERVAL_MS,
      logger: toWorkerLogger(logger),
      noHandleSignals: true,
      events,
    });
    health = await startHealthListener({
      host: config.BOT_HEALTH_HOST,
      port: config.BOT_HEALTH_PORT,
      check: async () => {
        try {
          await pool.query("select 1");
        } catch (err) {
          return `database: ${(err as Error).message}`;
        }
        if (options.login !== false && !client.isReady()) return "gateway: not connected";
        return null;
      },
      metrics: () => renderMetrics([processRegistry(), metrics.registry, jobMetrics.registry]),
    });
    if (options.login !== false) await client.login(config.DISCORD_TOKEN);
  } catch (err) {
    unobserve();
    await client.destroy().catch(() => {});
    await pool.end().catch(() => {});
    await workerPool.end().catch(() => {});
    throw err;
  }

  const idle = async (): Promise<void> => {
    while (inFlight.size) await Promise.allSettled([...inFlight]);
  };
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await client.destroy().catch((err: unknown) => logger.warn({ err }, "gateway close failed"));
      const timer = setTimeout(() => void runner.kill("shutdown timed out").catch(() => {}), config.BOT_SHUTDOWN_TIMEOUT_MS);
      await runner.stop("shutdown").catch(() => {});
      clearTimeout(timer);
      await idle();
      await health.close();
      unobserve();
      await workerPool.end().catch(() => {});
      await pool.end().catch(() => {});
    })());
  logger.info({ tasks: BOT_TASKS, health: health.url, gateway: options.login !== false }, "bot started");
  return { ctx, client, runner, health, idle, stop };
}
