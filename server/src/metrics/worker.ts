/**
 * Worker metrics, from graphile-worker's events:
 *
 * - `job_duration_seconds{task}`: execution time of every attempt (`job:start` to `job:success`
 *   or `job:error`);
 * - `job_failures_total{task}`: failed attempts (`job:error`; each is retried until the job's
 *   `max_attempts`);
 * - `job_permanent_failures_total{task}`: jobs out of attempts (`job:failed`);
 * - `alert_notifications_total{outcome}`: what `alerts__notify` did with each alert (see
 *   `server/src/tasks/alerts__notify.ts`).
 *
 * Also {@link recordJobRun}, which makes a periodic task record its completion in
 * `app_hidden.job_runs` (what `ledger_last_verified_timestamp_seconds` reads).
 */
import type { Job, Task, WorkerEvents } from "graphile-worker";
import { Counter, Histogram, Registry } from "prom-client";

/** Job duration histogram buckets, in seconds. */
const JOB_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** What `alerts__notify` did with an alert. */
export type AlertNotificationOutcome = "posted" | "summarised" | "coalesced" | "deferred" | "skipped" | "disabled" | "failed";

/** The metrics of one worker. */
export interface WorkerMetrics {
  /** The worker's registry (no process metrics: see `processRegistry`). */
  registry: Registry;
  /** Counts what `alerts__notify` does, by outcome. */
  alertNotifications: Counter<"outcome">;
  /**
   * Subscribes the job metrics to a worker's events. Subscribe before `run()` starts, so the
   * first jobs are seen too.
   *
   * @param events - graphile-worker's event emitter (the one passed to `run`).
   * @returns a function unsubscribing.
   */
  observe(events: WorkerEvents): () => void;
}

/**
 * Creates a worker's registry and metrics.
 *
 * @returns the metrics; `observe` the runner's events to feed them.
 */
export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  const duration = new Histogram<"task">({
    name: "job_duration_seconds",
    help: "Execution time of job attempts, by task, in seconds.",
    labelNames: ["task"],
    buckets: JOB_BUCKETS,
    registers: [registry],
  });
  const failures = new Counter<"task">({
    name: "job_failures_total",
    help: "Failed job attempts (retried until the job runs out of attempts), by task.",
    labelNames: ["task"],
    registers: [registry],
  });
  const permanent = new Counter<"task">({
    name: "job_permanent_failures_total",
    help: "Jobs that failed their last attempt (kept in the queue as failed), by task.",
    labelNames: ["task"],
    registers: [registry],
  });
  const alertNotifications = new Counter<"outcome">({
    name: "alert_notifications_total",
    help:
      "Alerts handled by alerts__notify, by outcome: posted (alone), summarised (in a summary post), coalesced or deferred " +
      "(queued for a later summary: rate limit, Discord 429), skipped (alert gone), disabled (no webhook), failed (post error).",
    labelNames: ["outcome"],
    registers: [registry],
  });

  return {
    registry,
    alertNotifications,
    observe(events) {
      const started = new Map<string, number>();
      const end = (job: Job) => {
        const t0 = started.get(job.id);
        started.delete(job.id);
        if (t0 !== undefined) duration.observe({ task: job.task_identifier }, (performance.now() - t0) / 1000);
      };
      const onStart = ({ job }: { job: Job }) => {
        started.set(job.id, performance.now());
      };
      const onSuccess = ({ job }: { job: Job }) => end(job);
      const onError = ({ job }: { job: Job }) => {
        end(job);
        failures.inc({ task: job.task_identifier });
      };
      const onFailed = ({ job }: { job: Job }) => {
        permanent.inc({ task: job.task_identifier });
      };
      events.on("job:start", onStart);
      events.on("job:success", onSuccess);
      events.on("job:error", onError);
      events.on("job:failed", onFailed);
      return () => {
        events.off("job:start", onStart);
        events.off("job:success", onSuccess);
        events.off("job:error", onError);
        events.off("job:failed", onFailed);
      };
    },
  };
}

/**
 * Wraps a periodic task so that each successful run records itself with
 * `app_hidden.record_job_run(task, outcome)` (outcome: job id, attempt, duration). Recording is
 * best effort: a failure is logged and does not fail the job (the work is done).
 *
 * @param task - the task identifier (`[a-z_]+`).
 * @param fn - the task function.
 * @returns the wrapped task function.
 */
export function recordJobRun(task: string, fn: Task): Task {
  return async (payload, helpers) => {
    const started = performance.now();
    const result = await fn(payload, helpers);
    const outcome = { job_id: helpers.job.id, attempts: helpers.job.attempts, duration_ms: Math.round(performance.now() - started) };
    try {
      await helpers.query("select app_hidden.record_job_run($1, $2::jsonb)", [task, JSON.stringify(outcome)]);
    } catch (err) {
      helpers.logger.warn(`could not record the run of ${task}`, { error: err });
    }
    return result;
  };
}
