/**
 * `seasons__rollover` (crontab: every minute): every leaderboard season whose end has come is
 * archived at its end (final ranks, podium badges) and, with `auto_renew`, the next one starts at
 * that moment, so the season leaderboard resets (issue 14). A second run finds nothing.
 */
import type { Task } from "graphile-worker";

export const SEASONS_ROLLOVER = "seasons__rollover";

/**
 * Builds the `seasons__rollover` task: `app_hidden.rollover_seasons(now())`.
 * Payload: ignored (cron sends `{ _cron: { ts } }`).
 *
 * @returns the task function (throws database errors).
 */
export function seasonsRollover(): Task {
  return async (_payload, helpers) => {
    const { rows } = await helpers.query<{ n: number }>("select app_hidden.rollover_seasons(now()) as n");
    if (rows[0].n > 0) helpers.logger.info(`${rows[0].n} season(s) archived`, { archived: rows[0].n });
  };
}
