/**
 * `digest__daily` (crontab: 00:05 UTC, backfilled for a day): one `daily_stats` row per guild
 * for the previous UTC day, with an `admin_actions` entry. A day already digested is skipped.
 */
import type { Task } from "graphile-worker";
import { z } from "zod";
import { cronSlot, parsePayload } from "./context.ts";

export const DIGEST_DAILY = "digest__daily";

const payloadSchema = z.looseObject({
  /** A UTC day to digest (`YYYY-MM-DD`), for running it by hand. */
  day: z.iso.date().optional(),
});

/**
 * The UTC day a `digest__daily` job digests: `payload.day` when given, else the day before the
 * scheduled slot (`_cron.ts`, else now).
 *
 * @param payload - the job's payload.
 * @returns the day as `YYYY-MM-DD`.
 * @throws {PayloadError} when `day` or `_cron.ts` is malformed.
 */
export function digestDay(payload: unknown): string {
  const { day } = parsePayload(payloadSchema, payload, DIGEST_DAILY);
  if (day) return day;
  const at = cronSlot(payload, DIGEST_DAILY);
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - 1)).toISOString().slice(0, 10);
}

/**
 * Builds the `digest__daily` task: `app_hidden.daily_digest(day)` (see {@link digestDay}).
 *
 * @returns the task function (throws database errors or a malformed payload).
 */
export function digestDaily(): Task {
  return async (payload, helpers) => {
    const day = digestDay(payload);
    const { rows } = await helpers.query<{ n: number }>("select app_hidden.daily_digest($1::date) as n", [day]);
    helpers.logger.info(`daily digest for ${day}: ${rows[0].n} guild(s) written`, { day, guilds: rows[0].n });
  };
}
