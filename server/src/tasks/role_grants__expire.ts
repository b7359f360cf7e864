/**
 * `role_grants__expire` (crontab: every minute): timed role grants of shop items whose time is up get
 * their removal queued (`discord__role_remove` takes the role back once). Each run converges to
 * "now"; a second run finds nothing (issue 14).
 */
import type { Task } from "graphile-worker";

export const ROLE_GRANTS_EXPIRE = "role_grants__expire";

/**
 * Builds the `role_grants__expire` task: `app_hidden.expire_role_grants(now())`.
 * Payload: ignored (cron sends `{ _cron: { ts } }`).
 *
 * @returns the task function (throws database errors).
 */
export function roleGrantsExpire(): Task {
  return async (_payload, helpers) => {
    const { rows } = await helpers.query<{ n: number }>("select app_hidden.expire_role_grants(now()) as n");
    if (rows[0].n > 0) helpers.logger.info(`${rows[0].n} timed role grant(s) ended`, { ended: rows[0].n });
  };
}
