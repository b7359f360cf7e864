/**
 * `mm__expire` (crontab: every minute): the middleman's timeouts (issue 13), one SQL body
 * (`app_hidden.mm_expire_trades`): trades not verified within MM_VERIFY_TIMEOUT (2 h) or not
 * deposited within MM_DEPOSIT_TIMEOUT (24 h) expire with their verification payments returned;
 * trades in escrow unconfirmed for MM_CONFIRM_REMIND (48 h) get a reminder and a staff ping, never
 * an automatic release. Each run converges to "now": a second run finds nothing to do.
 */
import type { Task } from "graphile-worker";

export const MM_EXPIRE = "mm__expire";

/**
 * Builds the `mm__expire` task. Payload: ignored (cron sends `{ _cron: { ts } }`).
 *
 * @returns the task function (throws database errors; the next minute's run retries anyway).
 */
export function mmExpire(): Task {
  return async (_payload, helpers) => {
    const { rows } = await helpers.query<{ n: number }>("select app_hidden.mm_expire_trades(now()) as n");
    if (rows[0].n > 0) helpers.logger.info(`middleman: ${rows[0].n} trade(s) expired or reminded`, { changed: rows[0].n });
  };
}
