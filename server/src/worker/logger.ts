import { Logger as WorkerLogger, type LogFunctionFactory, type LogLevel } from "graphile-worker";
import type { Logger } from "@guildbank/lib";

/** graphile-worker's level names mapped to pino's. */
const LEVELS: Record<string, "error" | "warn" | "info" | "debug"> = {
  error: "error",
  warning: "warn",
  info: "info",
  debug: "debug",
};

/** Metadata keys graphile-worker passes that hold live objects (pools, workers) rather than data. */
const DROPPED_META = new Set(["ctx", "worker", "workerPool", "pool", "cron", "client"]);

/**
 * Adapts a pino logger to graphile-worker's `Logger`: levels map `error`→`error`,
 * `warning`→`warn`, `info`→`info`, `debug`→`debug`; the scope (`label`, `workerId`,
 * `taskIdentifier`, `jobId`) becomes bindings of a pino child; metadata becomes fields of the
 * line, with `error` renamed `err` (pino's error serializer), a `job` reduced to its id, task and
 * attempts (payloads stay out of the logs), and live objects left out.
 *
 * @param logger - the process's pino logger.
 * @returns a graphile-worker `Logger` writing through `logger`.
 */
export function toWorkerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope: Parameters<LogFunctionFactory>[0]) => {
    const bindings: Record<string, string> = {};
    for (const key of ["label", "workerId", "taskIdentifier", "jobId"] as const) {
      if (scope[key] !== undefined) bindings[key] = String(scope[key]);
    }
    const scoped = Object.keys(bindings).length ? logger.child(bindings) : logger;
    return (level: LogLevel, message: string, meta?: Record<string, unknown>) => {
      const method = LEVELS[level] ?? "info";
      if (!scoped.isLevelEnabled(method)) return;
      const fields: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(meta ?? {})) {
        if (DROPPED_META.has(key)) continue;
        if (key === "job" && value && typeof value === "object") {
          const job = value as { id?: unknown; task_identifier?: unknown; attempts?: unknown; max_attempts?: unknown };
          fields.job = { id: job.id, task: job.task_identifier, attempts: job.attempts, maxAttempts: job.max_attempts };
          continue;
        }
        fields[key === "error" ? "err" : key] = value;
      }
      scoped[method](fields, message);
    };
  });
}
