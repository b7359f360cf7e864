import { z } from "zod";
import { env, parseConfig, processConfigShape } from "@guildbank/lib";
import { catalogueConfigSchema } from "../catalogue/config.ts";

/**
 * The worker's configuration schema: one key per environment variable (see .env.example).
 *
 * - `NODE_ENV`: `development` | `test` | `production` (default `development`).
 * - `DATABASE_URL`: the authenticator's postgres:// URL (required). Every pooled connection
 *   switches to the `coins_worker` role as soon as it connects.
 * - `WORKER_CONCURRENCY`: jobs run at once by this process, 1..100 (default 4).
 * - `WORKER_POOL_MAX`: database connections of this process, 3..200 (default
 *   `WORKER_CONCURRENCY + 4`: one per running job, plus LISTEN, job fetching and cron).
 * - `WORKER_POLL_INTERVAL_MS`: how often to look for jobs due later (retries, scheduled runs),
 *   in milliseconds, 100..60000 (default 2000). New jobs wake the worker at once (LISTEN/NOTIFY).
 * - `WORKER_CRON`: whether this process schedules the crontab (default true). Any number of
 *   processes may schedule it (graphile-worker schedules each slot once); at least one must.
 * - `WORKER_SHUTDOWN_TIMEOUT_MS`: how long a graceful stop waits for running jobs before
 *   failing them back to the queue, in milliseconds, 1000..600000 (default 30000). Running jobs
 *   are asked to abort 5 s into the stop.
 * - `WORKER_REFUND_BATCH`: orders refunded per transaction by `orders__escrow_timeout`,
 *   1..10000 (default 500); the task repeats batches until none is left.
 * - `LOG_LEVEL`: pino level (default `info`).
 * - `WORKER_METRICS_PORT`: port of the worker's own `GET /metrics` listener, 0..65535 (default 0 =
 *   no listener; a worker running inside the server process, as with `npm start`, is included in
 *   the server's `/metrics` instead).
 * - `WORKER_METRICS_HOST`: address that listener binds (default `127.0.0.1`).
 * - `METRICS_TOKEN` (secret): the Bearer token scrapes of that listener must present; unset, only
 *   loopback clients may scrape. At least 16 characters.
 * - `DISCORD_ALERT_WEBHOOK_URL` (secret: the URL carries the webhook's token; also
 *   `DISCORD_ALERT_WEBHOOK_URL_FILE`): where `alerts__notify` posts critical alerts and high-value
 *   trades. Unset: notifications are off (the jobs complete doing nothing). Must be https when
 *   `NODE_ENV=production`.
 * - `ALERT_RATE_LIMIT_PER_MINUTE`: posts per minute to the webhook, 1..120 (default 10); alerts
 *   beyond it are coalesced into one summary post when the minute frees up.
 * - `MINECRAFT_API_URL`, `MINECRAFT_API_KEY` (secret, at least 16 characters; required with the
 *   URL): the direct-API fulfilment (`api` orders). Unset: `api` orders fail and are refunded at
 *   their escrow timeout. `MINECRAFT_API_MAX_ATTEMPTS` (1..20, default 5) requests per job,
 *   `MINECRAFT_API_BACKOFF_MS` (default 2000) before the second, doubled after each failure, then
 *   the order is refunded; `MINECRAFT_API_TIMEOUT_MS` (default 10000) per request.
 * - The catalogue keys (`CATALOGUE_*`, `MUSICBRAINZ_URL`, `WIKIMEDIA_URL`, `LASTFM_*`, `SPOTIFY_*`, `S3_*`,
 *   `CDN_URL`): see server/src/catalogue/config.ts.
 * - `WORKER_TEST_FULFIL_DELAY_MS`: **tests only** (default 0 = off; refused when
 *   `NODE_ENV=production`). When positive, `orders__fulfil` holds its settlement transaction
 *   open for this many milliseconds after `app_hidden.fulfil_order` ran and before COMMIT,
 *   logging `test hook: holding the fulfilment transaction open`, so a test can kill the
 *   process in the middle of a fulfilment.
 */
export const workerConfigSchema = z
  .object({
    ...processConfigShape,
    DATABASE_URL: env.postgresUrl(),
    WORKER_CONCURRENCY: env.int(1, 100).default(4),
    WORKER_POOL_MAX: env.int(3, 200).optional(),
    WORKER_POLL_INTERVAL_MS: env.int(100, 60_000).default(2000),
    WORKER_CRON: env.bool().default(true),
    WORKER_SHUTDOWN_TIMEOUT_MS: env.int(1000, 600_000).default(30_000),
    WORKER_REFUND_BATCH: env.int(1, 10_000).default(500),
    WORKER_TEST_FULFIL_DELAY_MS: env.int(0, 3_600_000).default(0),
    WORKER_METRICS_PORT: env.port().default(0),
    WORKER_METRICS_HOST: env.bindHost(),
    METRICS_TOKEN: env.secret(16).optional(),
    DISCORD_ALERT_WEBHOOK_URL: z
      .string()
      .refine((v) => {
        try {
          return ["https:", "http:"].includes(new URL(v).protocol);
        } catch {
          return false;
        }
      }, "must be an http(s) URL")
      .optional(),
    ALERT_RATE_LIMIT_PER_MINUTE: env.int(1, 120).default(10),
    MINECRAFT_API_URL: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).optional(),
    MINECRAFT_API_KEY: env.secret(16).optional(),
    MINECRAFT_API_MAX_ATTEMPTS: env.int(1, 20).default(5),
    MINECRAFT_API_BACKOFF_MS: env.int(1, 600_000).default(2000),
    MINECRAFT_API_TIMEOUT_MS: env.int(100, 120_000).default(10_000),
    // The card catalogue's sources, image limits and storage (issue 16): server/src/catalogue/config.ts.
    ...catalogueConfigSchema.shape,
  })
  .superRefine((c, ctx) => {
    if (c.DISCORD_ALERT_WEBHOOK_URL && c.NODE_ENV === "production" && !c.DISCORD_ALERT_WEBHOOK_URL.startsWith("https:")) {
      ctx.addIssue({ code: "custom", path: ["DISCORD_ALERT_WEBHOOK_URL"], message: "must be an https URL when NODE_ENV=production" });
    }
    if (c.MINECRAFT_API_URL && !c.MINECRAFT_API_KEY) {
      ctx.addIssue({ code: "custom", path: ["MINECRAFT_API_KEY"], message: "is required when MINECRAFT_API_URL is set" });
    }
    if (c.WORKER_TEST_FULFIL_DELAY_MS > 0 && c.NODE_ENV === "production") {
      ctx.addIssue({
        code: "custom",
        path: ["WORKER_TEST_FULFIL_DELAY_MS"],
        message: "is a test hook and cannot be set when NODE_ENV=production",
      });
    }
  });

/** The worker's validated configuration. */
export type WorkerConfig = z.infer<typeof workerConfigSchema>;

/**
 * Parses the worker configuration from the environment.
 *
 * @param source - the environment (default `process.env`); empty strings count as unset.
 * @returns the typed configuration, defaults applied.
 * @throws {ConfigError} naming each missing or malformed variable.
 */
export function loadWorkerConfig(source: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return parseConfig(workerConfigSchema, source);
}

/**
 * The pool size a configuration asks for: `WORKER_POOL_MAX`, else `WORKER_CONCURRENCY + 4`.
 *
 * @param config - the worker configuration.
 * @returns the maximum number of database connections of the process.
 */
export function workerPoolSize(config: Pick<WorkerConfig, "WORKER_CONCURRENCY" | "WORKER_POOL_MAX">): number {
  return config.WORKER_POOL_MAX ?? config.WORKER_CONCURRENCY + 4;
}
