import type { RESTOptions } from "discord.js";
import { z } from "zod";
import { env, imageStoreConfigShape, parseConfig, processConfigShape } from "@guildbank/lib";

/** Discord's API base, as the server's `DISCORD_API_BASE_URL` defaults to it. */
export const DEFAULT_DISCORD_API_BASE_URL = "https://discord.com/api/v10";

/**
 * `DISCORD_API_BASE_URL`: an http(s) URL of Discord's API, with or without its version
 * (`https://discord.com/api/v10`, `http://127.0.0.1:8080/api`).
 */
export const discordApiBaseUrl = () =>
  z
    .string()
    .default(DEFAULT_DISCORD_API_BASE_URL)
    .refine((v) => {
      try {
        return ["http:", "https:"].includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, "must be an http(s) URL of Discord's API, e.g. https://discord.com/api/v10");

/**
 * discord.js REST options of a `DISCORD_API_BASE_URL`: discord.js wants the base without the
 * version (`api`) and the version apart (`version`). The gateway then follows: discord.js asks this
 * API for the gateway URL (`GET /gateway/bot`) before it connects, so nothing else is configured.
 *
 * @param baseUrl - e.g. `https://discord.com/api/v10` (a trailing `/v<n>` is the version; none: v10).
 * @returns `{ api, version }` for `new REST(...)` or `new Client({ rest })`.
 */
export function discordRestOptions(baseUrl: string): Pick<RESTOptions, "api" | "version"> {
  const trimmed = baseUrl.replace(/\/+$/, "");
  const m = /^(.*)\/v(\d+)$/.exec(trimmed);
  return m ? { api: m[1], version: m[2] } : { api: trimmed, version: "10" };
}

/**
 * The bot's configuration schema: one key per environment variable (see .env.example, section
 * "Discord bot").
 *
 * - `NODE_ENV`: `development` | `test` | `production` (default `development`).
 * - `DISCORD_TOKEN` (secret; also `DISCORD_TOKEN_FILE`): the bot user's token (required).
 * - `DISCORD_CLIENT_ID`: the application's id (a snowflake; required): command deployment and
 *   the invite URL.
 * - `DISCORD_API_BASE_URL`: Discord's API base (default `https://discord.com/api/v10`, as the
 *   server's); the bot's REST calls go there and its gateway URL is asked of it (tests: a local fake).
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
 * - `CARD_CACHE_S3_BUCKET`: cache them in this S3-compatible bucket instead (AWS SDK v3 S3 client), with
 *   `CARD_CACHE_S3_PREFIX` (default `card-cache/`), `CARD_CACHE_S3_ENDPOINT` (MinIO, R2...: path-style URLs),
 *   `CARD_CACHE_S3_REGION` (default `us-east-1`), `CARD_CACHE_S3_ACCESS_KEY_ID` / `CARD_CACHE_S3_SECRET_ACCESS_KEY`
 *   (unset: the SDK's default credential chain).
 * - `CATALOGUE_STORAGE_DIR`: the catalogue worker's image directory (default `.data/catalogue`): card images are
 *   read from `file://` URLs inside it only. `CDN_URL`: the image bucket's public base URL: card images are
 *   downloaded from under it only. Any other stored URL is drawn as generated artwork (`@guildbank/render/art-source`).
 * - `LOG_LEVEL`: pino level (default `info`).
 */
export const botConfigSchema = z.object({
  ...processConfigShape,
  DISCORD_TOKEN: z.string().min(20, "must be a bot token"),
  DISCORD_CLIENT_ID: env.snowflake(),
  DISCORD_API_BASE_URL: discordApiBaseUrl(),
  GUILD_ID: env.snowflake().optional(),
  DATABASE_URL: env.postgresUrl(),
  BOT_POOL_MAX: env.int(2, 200).default(10),
  BOT_WORKER_CONCURRENCY: env.int(1, 50).default(2),
  BOT_WORKER_POLL_INTERVAL_MS: env.int(100, 60_000).default(2000),
  BOT_HEALTH_PORT: env.port().default(9465),
  BOT_HEALTH_HOST: env.bindHost(),
  BOT_SHUTDOWN_TIMEOUT_MS: env.int(1000, 600_000).default(20_000),
  CARD_CACHE_DIR: z.string().min(1).default(".data/card-cache"),
  CARD_CACHE_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name").optional(),
  CARD_CACHE_S3_PREFIX: z.string().max(200).default("card-cache/"),
  CARD_CACHE_S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  CARD_CACHE_S3_REGION: z.string().min(1).default("us-east-1"),
  CARD_CACHE_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  CARD_CACHE_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  ...imageStoreConfigShape,
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
