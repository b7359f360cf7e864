/**
 * Database-backed gauges, read on scrape as `coins_worker` (the functions are granted to it; the
 * authenticator may `SET ROLE coins_worker`):
 *
 * - `job_queue_depth{task, state}` from `app_hidden.queue_depth()`, state `ready` | `scheduled` |
 *   `locked` | `failed` (every known task is reported, 0 when it has no jobs);
 * - `ledger_violations` (unacknowledged `ledger_violation` alerts of the last 2 days),
 *   `ledger_last_verified_timestamp_seconds` (when `ledger__verify` last completed; 0 = never) and
 *   `ops_alerts_open_critical` from `app_hidden.ledger_health()`;
 * - `metrics_database_up` (1 when the last read succeeded) and `metrics_database_age_seconds`
 *   (age of the values reported).
 *
 * One read serves a whole scrape (and any scrape within `minIntervalMs`). The read has a statement
 * timeout, and a scrape waits for it at most `timeoutMs`: past that it reports the last values
 * (their age says how stale they are) while the read finishes in the background; a read is never
 * started while one is in flight, so a slow database gets at most one of these queries at a time.
 */
import type pg from "pg";
import { Gauge, type Registry } from "prom-client";
import { withClaims, type Logger } from "@guildbank/lib";

/** The queue states of `app_hidden.queue_depth()`. */
export const QUEUE_STATES = ["ready", "scheduled", "locked", "failed"] as const;

interface QueueRow {
  task_identifier: string;
  ready: string;
  scheduled: string;
  locked: string;
  failed: string;
}

interface HealthRow {
  violations: string;
  last_verified_at: Date | null;
  open_critical_alerts: string;
}

/** One read of the database gauges. */
export interface DatabaseSnapshot {
  queue: QueueRow[];
  health: HealthRow;
  /** When it was read (epoch ms). */
  at: number;
}

/** Options of {@link registerDatabaseMetrics}. */
export interface DatabaseMetricsOptions {
  /** The server's authenticator pool. */
  pool: pg.Pool;
  logger: Logger;
  /** Task identifiers always reported (0 when idle), so their series do not come and go. */
  knownTasks: readonly string[];
  /** How long a scrape waits for the database, in ms (default 2000). */
  timeoutMs?: number;
  /** Values younger than this are reused without a query, in ms (default 1000). */
  minIntervalMs?: number;
}

/**
 * Registers the database gauges in `registry`.
 *
 * @param registry - the server's registry.
 * @param options - pool, logger, known tasks, timings.
 */
export function registerDatabaseMetrics(registry: Registry, options: DatabaseMetricsOptions): void {
  const timeoutMs = options.timeoutMs ?? 2000;
  const minIntervalMs = options.minIntervalMs ?? 1000;
  const log = options.logger.child({ component: "metrics" });
  let last: DatabaseSnapshot | null = null;
  let lastOk = false;
  let inflight: Promise<void> | null = null;
  /** The scrape in progress shares one wait. */
  let waiting: Promise<void> | null = null;

  const read = async (): Promise<void> => {
    try {
      last = await withClaims(options.pool, { role: "coins_worker" }, async (client) => {
        await client.query("select set_config('statement_timeout', $1, true)", [String(timeoutMs * 2)]);
        const queue = await client.query<QueueRow>("select * from app_hidden.queue_depth()");
        const health = await client.query<HealthRow>("select * from app_hidden.ledger_health()");
        return { queue: queue.rows, health: health.rows[0], at: Date.now() };
      });
      lastOk = true;
    } catch (err) {
      lastOk = false;
      log.warn({ err }, "metrics: could not read queue depth and ledger health");
    }
  };

  const refresh = (): Promise<void> => {
    if (last && lastOk && Date.now() - last.at < minIntervalMs) return Promise.resolve();
    waiting ??= (async () => {
      inflight ??= read().finally(() => {
        inflight = null;
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([inflight, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
    })().finally(() => {
      waiting = null;
    });
    return waiting;
  };

  new Gauge<"task" | "state">({
    name: "job_queue_depth",
    help: "Jobs in the queue by task and state (ready, scheduled for later, locked = running, failed = out of attempts).",
    labelNames: ["task", "state"],
    registers: [registry],
    async collect() {
      await refresh();
      this.reset();
      const depth = new Map<string, Record<string, number>>();
      for (const task of options.knownTasks) depth.set(task, { ready: 0, scheduled: 0, locked: 0, failed: 0 });
      for (const row of last?.queue ?? []) {
        depth.set(row.task_identifier, {
          ready: Number(row.ready),
          scheduled: Number(row.scheduled),
          locked: Number(row.locked),
          failed: Number(row.failed),
        });
      }
      if (!last) return;
      for (const [task, counts] of depth) for (const state of QUEUE_STATES) this.set({ task, state }, counts[state]);
    },
  });
  new Gauge({
    name: "ledger_violations",
    help: "Unacknowledged ledger_violation ops alerts raised in the last 2 days (0 when the ledger verifies clean).",
    registers: [registry],
    async collect() {
      await refresh();
      if (last) this.set(Number(last.health.violations));
    },
  });
  new Gauge({
    name: "ledger_last_verified_timestamp_seconds",
    help: "When ledger__verify last completed (Unix time, seconds); 0 when it never has.",
    registers: [registry],
    async collect() {
      await refresh();
      if (last) this.set(last.health.last_verified_at ? last.health.last_verified_at.getTime() / 1000 : 0);
    },
  });
  new Gauge({
    name: "ops_alerts_open_critical",
    help: "Unacknowledged critical ops alerts.",
    registers: [registry],
    async collect() {
      await refresh();
      if (last) this.set(Number(last.health.open_critical_alerts));
    },
  });
  new Gauge({
    name: "metrics_database_up",
    help: "1 when the last read of the database gauges (queue depth, ledger health) succeeded.",
    registers: [registry],
    async collect() {
      await refresh();
      this.set(lastOk ? 1 : 0);
    },
  });
  new Gauge({
    name: "metrics_database_age_seconds",
    help: "Age of the database gauges' values, in seconds (grows while the database is slow or unreachable).",
    registers: [registry],
    async collect() {
      await refresh();
      if (last) this.set((Date.now() - last.at) / 1000);
    },
  });
}
