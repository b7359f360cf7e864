import type { z } from "zod";
import { decodeDbError } from "@guildbank/lib";
import type { Logger } from "pino";
import type { FulfilmentAdapters } from "../worker/adapters.ts";
import type { CatalogueRuntime } from "../catalogue/runtime.ts";

/** What the task factories need from the worker (built by `startWorker`). */
export interface TaskContext {
  /** The fulfilment adapter of every kind. */
  adapters: FulfilmentAdapters;
  /** Orders refunded per transaction by `orders__escrow_timeout` (`WORKER_REFUND_BATCH`). */
  refundBatch: number;
  /**
   * Test hook (`WORKER_TEST_FULFIL_DELAY_MS`): milliseconds `orders__fulfil` holds its settlement
   * transaction open before COMMIT. 0 (the default, and always in production) turns it off.
   */
  testFulfilDelayMs: number;
  /** The catalogue's sources, store and limits (issue 16), built on first use. */
  catalogue: () => CatalogueRuntime;
  /** The worker's logger (tasks that log outside graphile-worker's helpers). */
  logger: Logger;
}

/** Thrown when a job's payload does not have the shape its task expects. */
export class PayloadError extends Error {
  constructor(task: string, problem: string) {
    super(`${task}: invalid payload: ${problem}`);
    this.name = "PayloadError";
  }
}

/**
 * Validates a job payload.
 *
 * @param schema - the payload's zod schema.
 * @param payload - the job's payload as stored in the queue.
 * @param task - the task identifier, for the message.
 * @returns the parsed payload.
 * @throws {PayloadError} when it does not match (the job fails and is retried up to its limit,
 *   then kept in the queue as permanently failed for inspection).
 */
export function parsePayload<S extends z.ZodType>(schema: S, payload: unknown, task: string): z.infer<S> {
  const result = schema.safeParse(payload ?? {});
  if (!result.success) {
    throw new PayloadError(task, result.error.issues.map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`).join("; "));
  }
  return result.data;
}

/**
 * The time slot a cron job was scheduled for: `payload._cron.ts` (set by graphile-worker's
 * cron, ISO 8601), else the current time rounded down to the minute (a job queued by hand).
 *
 * @param payload - the job's payload.
 * @param task - the task identifier, for the message.
 * @returns the slot, whole minutes, UTC.
 * @throws {PayloadError} when `_cron.ts` is present but not a date.
 */
export function cronSlot(payload: unknown, task: string): Date {
  const ts = (payload as { _cron?: { ts?: unknown } } | null)?._cron?.ts;
  let at: Date;
  if (ts === undefined) {
    at = new Date();
  } else {
    at = new Date(typeof ts === "string" ? ts : Number.NaN);
    if (Number.isNaN(at.getTime())) throw new PayloadError(task, `_cron.ts is not a date: ${String(ts)}`);
  }
  at.setUTCSeconds(0, 0);
  return at;
}

/**
 * An error's message, whatever was thrown; a named database error (db/ERRORS.md) reads
 * `<SQLSTATE> <key>: <human sentence>`, e.g. `OR003 fulfilment_unconfirmed: …`.
 *
 * @param err - anything caught.
 * @returns the description.
 */
export function errorMessage(err: unknown): string {
  const named = decodeDbError(err);
  if (named) return `${named.code} ${named.key}: ${named.message}`;
  return err instanceof Error ? err.message : String(err);
}
