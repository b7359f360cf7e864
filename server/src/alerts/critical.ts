/**
 * Critical errors of the processes themselves (an uncaught exception or unhandled rejection, the
 * job runner failing) become critical ops alerts, via `app_hidden.raise_alert` as `coins_worker`
 * (the alert then streams to staff and, being critical, is posted to Discord by `alerts__notify`).
 *
 * Best effort, and never a source of crashes or floods:
 * - raising never throws (failures are logged at warn) and gives up after `timeoutMs`;
 * - the same error (kind + name + message) is raised at most once per `dedupeMs` per process, and
 *   at most `maxPerHour` alerts per process per hour; `alerts__notify` rate-limits the posts again;
 * - messages pass through {@link scrubSecrets} (URL passwords, webhook tokens, Bearer tokens).
 */
import { hostname } from "node:os";
import type pg from "pg";
import { withClaims, type Logger } from "@guildbank/lib";
import { scrubSecrets } from "./redact.ts";

/** Runs one statement with the rights of `coins_worker`. */
export type WorkerQuery = (sql: string, params: unknown[]) => Promise<unknown>;

/**
 * A {@link WorkerQuery} over a pool of authenticator connections (the server's): each statement
 * runs in a transaction that switches to `coins_worker`.
 *
 * @param pool - an authenticator pool.
 * @returns the query function.
 */
export function queryAsWorker(pool: pg.Pool): WorkerQuery {
  return (sql, params) => withClaims(pool, { role: "coins_worker" }, (client) => client.query(sql, params));
}

/** Options of {@link createCriticalAlerter}. */
export interface CriticalAlerterOptions {
  /** How alerts reach the database ({@link queryAsWorker}, or a `coins_worker` pool's `query`). */
  query: WorkerQuery;
  logger: Logger;
  /** The process, e.g. `server` or `worker` (in the message and the detail). */
  source: string;
  /** How long one attempt may take, in ms (default 3000). */
  timeoutMs?: number;
  /** The same error is raised at most once per this many ms (default 600 000). */
  dedupeMs?: number;
  /** Alerts per hour, at most (default 20). */
  maxPerHour?: number;
  /** Exact secret values to remove from messages (e.g. the webhook URL, the metrics token). */
  secrets?: readonly (string | undefined)[];
}

/**
 * Raises a critical ops alert for an error. Resolves to whether an alert was recorded; never rejects.
 */
export type CriticalAlerter = (kind: string, err: unknown, detail?: Record<string, unknown>) => Promise<boolean>;

/**
 * Creates the critical-error alerter of a process (see the module comment).
 *
 * @param options - database access, logger, process name, limits.
 * @returns the alerter.
 */
export function createCriticalAlerter(options: CriticalAlerterOptions): CriticalAlerter {
  const timeoutMs = options.timeoutMs ?? 3000;
  const dedupeMs = options.dedupeMs ?? 600_000;
  const maxPerHour = options.maxPerHour ?? 20;
  const recent = new Map<string, number>();
  const hour: number[] = [];
  const log = options.logger.child({ component: "alerts" });

  return async (kind, err, detail = {}) => {
    try {
      const e = err instanceof Error ? err : new Error(String(err));
      const text = scrubSecrets(`${e.name}: ${e.message}`, options.secrets ?? []).slice(0, 500);
      const fingerprint = `${kind}|${text}`;
      const now = Date.now();
      for (const [k, at] of recent) if (now - at > dedupeMs) recent.delete(k);
      while (hour.length && now - hour[0] > 3_600_000) hour.shift();
      if (recent.has(fingerprint) || hour.length >= maxPerHour) {
        log.debug({ kind }, "critical alert suppressed (already raised recently)");
        return false;
      }
      recent.set(fingerprint, now);
      hour.push(now);
      const stack = scrubSecrets((e.stack ?? "").split("\n").slice(1, 6).join("\n"), options.secrets ?? []);
      const payload = { source: options.source, host: hostname(), pid: process.pid, error: text, stack, ...detail };
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        options.query("select 1 from app_hidden.raise_alert(null, 'critical', $1, $2, $3::jsonb)", [
          kind,
          `${options.source} (pid ${process.pid}): ${text}`,
          JSON.stringify(payload),
        ]),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
          timer.unref();
        }),
      ]).finally(() => clearTimeout(timer));
      return true;
    } catch (raiseErr) {
      log.warn({ err: raiseErr, kind }, "could not raise the critical ops alert");
      return false;
    }
  };
}

/** Options of {@link installCrashAlerts}. */
export interface CrashAlertOptions {
  alerter: CriticalAlerter;
  logger: Logger;
  /** Exit code after a crash (default 1). */
  exitCode?: number;
  /** The longest wait for the alert before exiting, in ms (default 3000). */
  timeoutMs?: number;
  /** Exits the process (tests replace it); default `process.exit`. */
  exit?: (code: number) => void;
}

/**
 * Installs the process's handlers of fatal errors: on an uncaught exception or an unhandled
 * promise rejection, logs it at fatal, raises a critical `process_crash` alert (waiting at most
 * `timeoutMs`), then exits with `exitCode`. A second fatal error while this happens exits at once,
 * so a failing alert can never keep a broken process alive or loop. Call it once, early, in a
 * process entry point (it replaces Node's default crash, which would not wait for the alert).
 *
 * @param options - the alerter, the logger, the exit code.
 * @returns a function removing the handlers.
 */
export function installCrashAlerts(options: CrashAlertOptions): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const exitCode = options.exitCode ?? 1;
  const timeoutMs = options.timeoutMs ?? 3000;
  let crashing = false;
  const onFatal = (origin: "uncaughtException" | "unhandledRejection") => (err: unknown) => {
    if (crashing) {
      options.logger.fatal({ err, origin }, "second fatal error while reporting the first: exiting");
      exit(exitCode);
      return;
    }
    crashing = true;
    options.logger.fatal({ err, origin }, origin === "uncaughtException" ? "uncaught exception" : "unhandled promise rejection");
    const timer = setTimeout(() => exit(exitCode), timeoutMs + 500);
    options
      .alerter("process_crash", err, { origin })
      .finally(() => {
        clearTimeout(timer);
        options.logger.flush?.();
        exit(exitCode);
      })
      .catch(() => {});
  };
  const onException = onFatal("uncaughtException");
  const onRejection = onFatal("unhandledRejection");
  process.on("uncaughtException", onException);
  process.on("unhandledRejection", onRejection);
  return () => {
    process.off("uncaughtException", onException);
    process.off("unhandledRejection", onRejection);
  };
}
