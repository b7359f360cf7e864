/**
 * `listings__expire` (crontab: every minute): active listings past `expires_at` become
 * `expired` and their unsold units return to the seller. Expired listings are no longer active,
 * so a second run finds nothing to do.
 */
import type { Task } from "graphile-worker";

export const LISTINGS_EXPIRE = "listings__expire";

/**
 * Builds the `listings__expire` task: `app_hidden.expire_listings(now())`.
 * Payload: ignored (cron sends `{ _cron: { ts } }`).
 *
 * @returns the task function (throws database errors).
 */
export function listingsExpire(): Task {
  return async (_payload, helpers) => {
    const { rows } = await helpers.query<{ n: number }>("select app_hidden.expire_listings(now()) as n");
    if (rows[0].n > 0) helpers.logger.info(`expired ${rows[0].n} listing(s)`, { expired: rows[0].n });
  };
}
