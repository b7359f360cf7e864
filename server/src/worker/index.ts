/**
 * The background-job runner of the server (ARCHITECTURE.md "Jobs"): graphile-worker with the server's
 * tasks (`server/src/tasks/`) and crontab, acting as `coins_worker`.
 */
import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import type pg from "pg";
import { run, type Runner, type WorkerEvents } from "graphile-worker";
import { createLogger, type Logger } from "@guildbank/lib";
import { createTaskList, TASK_IDENTIFIERS } from "../tasks/index.ts";
import { createCriticalAlerter, WebhookRateLimiter, type CriticalAlerter } from "../alerts/index.ts";
import { createWorkerMetrics, processRegistry, renderMetrics, shareInProcess, startMetricsListener, type MetricsListener, type WorkerMetrics } from "../metrics/index.ts";
import { createAdapterRegistry, type FulfilmentAdapters } from "./adapters.ts";
import { minecraftAdapters } from "../fulfilment/index.ts";
import { workerPoolSize, type WorkerConfig } from "./config.ts";
import { CRONTAB, parseWorkerCrontab } from "./crontab.ts";
import { checkWorkerDatabase, createWorkerPool } from "./db.ts";
import { toWorkerLogger } from "./logger.ts";
import { createCatalogueRuntime, type CatalogueRuntime } from "../catalogue/runtime.ts";

export { loadWorkerConfig, workerConfigSchema, workerPoolSize, type WorkerConfig } from "./config.ts";
export { CRONTAB, parseWorkerCrontab } from "./crontab.ts";
export { checkWorkerDatabase, createWorkerPool, inTransaction, REQUIRED_FUNCTIONS, WORKER_ROLE } from "./db.ts";
export { toWorkerLogger } from "./logger.ts";
export {
  createAdapterRegistry,
  FulfilmentDeferred,
  FulfilmentFailedError,
  FULFILMENT_KINDS,
  FulfilmentNotConfiguredError,
  noneAdapter,
  notConfiguredAdapter,
  type AdapterContext,
  type FulfilmentAdapter,
  type FulfilmentAdapters,
  type FulfilmentKind,
  type FulfilmentLine,
  type FulfilmentOrder,
} from "./adapters.ts";
export { createTaskList, cronMatches, digestDay, TASK_IDENTIFIERS, type TaskContext, type TaskIdentifier } from "../tasks/index.ts";

/** How long `stop()` waits for the pool's last queries (a job's outcome being recorded), in milliseconds. */
const DRAIN_TIMEOUT_MS = 5000;

/**
 * Waits until a pool has no checked-out client and no waiting request on two checks 50 ms apart.
 *
 * @param pool - the pool.
 * @param timeoutMs - the longest wait, in milliseconds.
 * @returns true when it went quiet, false on timeout.
 */
async function poolDrained(pool: pg.Pool, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let quietChecks = 0;
  while (Date.now() < deadline) {
    await sleep(50);
    quietChecks = pool.waitingCount === 0 && pool.idleCount === pool.totalCount ? quietChecks + 1 : 0;
    if (quietChecks >= 2) return true;
  }
  return false;
}

/** Options of {@link startWorker}. */
export interface StartWorkerOptions {
  /** The parsed configuration ({@link loadWorkerConfig}). */
  config: WorkerConfig;
  /** The process's pino logger (default: `createLogger("worker", config.LOG_LEVEL)`). */
  logger?: Logger;
  /** Fulfilment adapters replacing the defaults, by kind (the Minecraft issue plugs `api` and `voucher` in here). */
  adapters?: Partial<FulfilmentAdapters>;
  /** Crontab text replacing {@link CRONTAB} (ignored when `config.WORKER_CRON` is false). */
  crontab?: string;
  /** An EventEmitter receiving graphile-worker's events from start-up on (also `runner.events`). */
  events?: WorkerEvents;
  /** The alert rate limit's window in ms (default 60 000: `ALERT_RATE_LIMIT_PER_MINUTE` per minute); tests shorten it. */
  alertWindowMs?: number;
  /** The catalogue's sources and store (default: built from the `CATALOGUE_*`, source and `S3_*` keys on first use). */
  catalogue?: CatalogueRuntime;
}

/** A running worker. */
export interface WorkerHandle {
  /** graphile-worker's runner (`addJob`, `events`, `promise` rejects on a fatal error). */
  runner: Runner;
  /** The worker's pool (every connection acts as `coins_worker`); ended by `stop`. */
  pool: pg.Pool;
  /**
   * The worker's metrics (job durations and failures, alert notifications). Shared with the
   * servers of the same process (their `/metrics` include them) until `stop`.
   */
  metrics: WorkerMetrics;
  /** The URL of the worker's own metrics listener (`WORKER_METRICS_PORT`), or null when off. */
  metricsUrl: string | null;
  /**
   * Raises a critical ops alert for an error (best effort, rate-limited, never rejects): for the
   * process entry's fatal-error handlers (`installCrashAlerts`).
   */
  criticalAlerter: CriticalAlerter;
  /**
   * Stops gracefully: no new jobs, waits for running ones (asked to abort after 5 s); past
   * `WORKER_SHUTDOWN_TIMEOUT_MS` the remaining jobs are failed back to the queue (retried later).
   * Then waits (up to 5 s) for the pool's last queries, which record the jobs' outcomes, and ends
   * the pool. Idempotent: every call returns the same promise. Never rejects.
   */
  stop(): Promise<void>;
}

/**
 * Starts the worker: a pool acting as `coins_worker`, a start-up check (the role, the
 * `app_hidden` functions the tasks call, the job queue's row-level-security policies), then graphile-worker's runner with the server's tasks,
 * the crontab (unless `WORKER_CRON=false`), `WORKER_CONCURRENCY` jobs at once and pino logging.
 * It installs no signal handlers: the process entry (`worker-main.ts`) calls `stop()`.
 *
 * graphile-worker checks its schema revision at start-up with a read of
 * `graphile_worker.migrations`; its migrations themselves are applied by the migrate step as the
 * owner (`db/scripts` `migrateDatabase`), never by the worker role.
 *
 * @param options - configuration, and optionally a logger, adapters, a crontab, an event emitter.
 * @returns the running worker.
 * @throws {Error} when the database is unreachable, the role switch, a required function or the
 *   job queue's row-level-security policies are missing, the crontab is malformed, or
 *   graphile-worker's schema is missing or too new.
 */
export async function startWorker(options: StartWorkerOptions): Promise<WorkerHandle> {
  const { config } = options;
  const logger = options.logger ?? createLogger("worker", config.LOG_LEVEL);
  const pool = createWorkerPool(config.DATABASE_URL, workerPoolSize(config), logger);
  const metrics = createWorkerMetrics();
  const events = options.events ?? (new EventEmitter() as WorkerEvents);
  const unobserve = metrics.observe(events);
  const criticalAlerter = createCriticalAlerter({
    query: (sql, params) => pool.query(sql, params),
    logger,
    source: "worker",
    secrets: [config.DISCORD_ALERT_WEBHOOK_URL, config.METRICS_TOKEN, config.MINECRAFT_API_KEY],
  });
  let runner: Runner;
  let listener: MetricsListener | null = null;
  let catalogue: CatalogueRuntime | undefined;
  try {
    await checkWorkerDatabase(pool);
    const taskList = createTaskList({
      adapters: createAdapterRegistry({
        ...minecraftAdapters(
          config.MINECRAFT_API_URL && config.MINECRAFT_API_KEY
            ? {
                url: config.MINECRAFT_API_URL,
                key: config.MINECRAFT_API_KEY,
                maxAttempts: config.MINECRAFT_API_MAX_ATTEMPTS,
                backoffMs: config.MINECRAFT_API_BACKOFF_MS,
                timeoutMs: config.MINECRAFT_API_TIMEOUT_MS,
              }
            : null,
        ),
        ...options.adapters,
      }),
      refundBatch: config.WORKER_REFUND_BATCH,
      testFulfilDelayMs: config.WORKER_TEST_FULFIL_DELAY_MS,
      catalogue: () => (catalogue ??= options.catalogue ?? createCatalogueRuntime(config, logger)),
      logger,
      alerts: {
        webhookUrl: config.DISCORD_ALERT_WEBHOOK_URL,
        limiter: new WebhookRateLimiter(config.ALERT_RATE_LIMIT_PER_MINUTE, options.alertWindowMs),
        count: (outcome, n = 1) => metrics.alertNotifications.inc({ outcome }, n),
      },
    });
    const parsedCronItems = config.WORKER_CRON ? parseWorkerCrontab(options.crontab ?? CRONTAB, TASK_IDENTIFIERS) : [];
    if (config.WORKER_TEST_FULFIL_DELAY_MS > 0) {
      logger.warn({ delayMs: config.WORKER_TEST_FULFIL_DELAY_MS }, "test hook on: orders__fulfil holds its transaction open before commit");
    }
    if (config.WORKER_METRICS_PORT > 0) {
      listener = await startMetricsListener({
        host: config.WORKER_METRICS_HOST,
        port: config.WORKER_METRICS_PORT,
        token: config.METRICS_TOKEN,
        render: () => renderMetrics([processRegistry(), metrics.registry]),
        logger,
      });
    }
    runner = await run({
      pgPool: pool,
      taskList,
      parsedCronItems,
      concurrency: config.WORKER_CONCURRENCY,
      pollInterval: config.WORKER_POLL_INTERVAL_MS,
      logger: toWorkerLogger(logger),
      noHandleSignals: true,
      events,
    });
  } catch (err) {
    unobserve();
    await listener?.close();
    await pool.end().catch(() => {});
    throw err;
  }
  const unshare = shareInProcess(metrics.registry);
  // A runner dying on its own is a critical error (the process entry decides what happens next).
  runner.promise.catch((err: unknown) => void criticalAlerter("runner_failed", err));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      const timer = setTimeout(() => {
        logger.warn({ timeoutMs: config.WORKER_SHUTDOWN_TIMEOUT_MS }, "graceful stop timed out: failing running jobs back to the queue");
        runner.kill("graceful stop timed out").catch((err: unknown) => logger.error({ err }, "forceful stop failed"));
      }, config.WORKER_SHUTDOWN_TIMEOUT_MS);
      try {
        await runner.stop("stop requested");
      } catch (err) {
        // Already stopped (e.g. after a fatal error, reported through runner.promise).
        logger.debug({ err }, "runner was already stopped");
      } finally {
        clearTimeout(timer);
        // graphile-worker records a job's outcome (completeJob/failJob) without awaiting it, so
        // runner.stop() can resolve while that query is still queued: ending the pool then would
        // leave the job locked for 4 hours. Let the pool go quiet first.
        if (!(await poolDrained(pool, DRAIN_TIMEOUT_MS))) {
          logger.warn({ timeoutMs: DRAIN_TIMEOUT_MS }, "worker pool still busy at shutdown; closing it anyway");
        }
        await pool.end().catch((err: unknown) => logger.warn({ err }, "could not close the worker pool"));
        unshare();
        unobserve();
        // A runtime the caller passed in is the caller's to stop.
        if (!options.catalogue) await catalogue?.sources.stop().catch(() => {});
        await listener?.close();
      }
    })());

  logger.info(
    {
      concurrency: config.WORKER_CONCURRENCY,
      cron: config.WORKER_CRON,
      tasks: TASK_IDENTIFIERS,
      metrics: listener?.url ?? null,
      alertWebhook: config.DISCORD_ALERT_WEBHOOK_URL ? "configured" : "off",
    },
    "worker started",
  );
  return { runner, pool, metrics, metricsUrl: listener?.url ?? null, criticalAlerter, stop };
}
