/**
 * `purge__expired` (crontab: daily): deletes idempotency records older than 7 days and expired
 * sessions. A second run finds nothing left to delete.
 */
import type { Task } from "graphile-worker";

export const PURGE_EXPIRED = "purge__expired";

/**
 * Builds the `purge__expired` task: `app_hidden.purge_expired(now())`. Payload: ignored.
 *
 * @returns the task function (throws database errors).
 */
export function purgeExpired(): Task {
  return async (_payload, helpers) => {
    const { rows } = await helpers.query<{ n: number }>("select app_hidden.purge_expired(now()) as n");
    helpers.logger.info(`purged ${rows[0].n} expired record(s)`, { purged: rows[0].n });
  };
}
