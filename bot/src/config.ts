import { z } from "zod";
import { env, parseConfig, processConfigShape } from "@guildbank/lib";

/**
 * The bot's configuration schema: one key per environment variable (see .env.example, section
 * "Discord bot").
 *
 * - `NODE_ENV`: `development` | `test` | `production` (default `development`).
 * - `DISCORD_TOKEN` (secret; also `DISCORD_TOKEN_FILE`): the bot user's token (required).
 * - `DISCORD_CLIENT_ID`: the application's id (a snowflake; required): command deployment and
 *   the invite URL.
 * - `GUILD_ID`: the development guild: `npm run bot:deploy-commands` registers the slash
 *   commands in this guild only (instant) unless `NODE_ENV=production` (global commands).
 * - `DATABASE_URL`: the authenticator's postgres:// URL (required).
 * - `BOT_POOL_MAX`: database connections of the interaction handlers, 2..200 (default 10).
 * - `BOT_WORKER_CONCURRENCY`: `discord__*` jobs run at once, 1..50 (default 2).
 * - `BOT_WORKER_POLL_INTERVAL_MS`: how often the runner looks for retries due, ms (default 2000).
 * - `BOT_HEALTH_PORT`: port of `GET /healthz` and `GET /metrics`, 0..65535 (default 9465; 0 = an
 *   ephemeral port, tests). `BOT_HEALTH_HOST`: the address it binds (default `127.0.0.1`).
 * - `BOT_SHUTDOWN_TIMEOUT_MS`: how long SIGTERM waits for running jobs, ms (default 20000).
 * - `CARD_CACHE_DIR`: where rendered collectible card fronts and downloaded source images are cached (default
 *   `.data/card-cache`); images are never stored in the database.
 * - `LOG_LEVEL`: pino level (default `info`).
 */
export const botConfigSchema = z.object({
  ...processConfigShape,
  DISCORD_TOKEN: z.string().min(20, "must be a bot token"),
  DISCORD_CLIENT_ID: env.snowflake(),
  GUILD_ID: env.snowflake().optional(),
  DATABASE_URL: env.postgresUrl(),
  BOT_POOL_MAX: env.int(2, 200).default(10),
  BOT_WORKER_CONCURRENCY: env.int(1, 50).default(2),
  BOT_WORKER_POLL_INTERVAL_MS: env.int(100, 60_000).default(2000),
  BOT_HEALTH_PORT: env.port().default(9465),
  BOT_HEALTH_HOST: env.bindHost(),
  BOT_SHUTDOWN_TIMEOUT_MS: env.int(1000, 600_000).default(20_000),
  CARD_CACHE_DIR: z.string().min(1).default(".data/card-cache"),
});

/** The bot's validated configuration. */
export type BotConfig = z.infer<typeof botConfigSchema>;

/**
 * Parses the bot configuration from the environment.
 *
 * @param source - the environment (default `process.env`); empty strings count as unset.
 * @returns the typed configuration, defaults applied.
 * @throws {ConfigError} naming each missing or malformed variable.
 */
export function loadBotConfig(source: NodeJS.ProcessEnv = process.env): BotConfig {
  return parseConfig(botConfigSchema, source);
}
