/**
 * `badges__award` (crontab: every 10 minutes): awards the streak badges members reached since the
 * last run (daily claims have no hook of their own: they are the economy's hot path). The other
 * badges are awarded on their own low-frequency events (an order fulfilled, a task accepted, a
 * season archived) (issue 14).
 */
import type { Task } from "graphile-worker";

export const BADGES_AWARD = "badges__award";

/**
 * Builds the `badges__award` task: `app_hidden.award_badges_all(now())`.
 * Payload: ignored (cron sends `{ _cron: { ts } }`).
 *
 * @returns the task function (throws database errors).
 */
export function badgesAward(): Task {
  return async (_payload, helpers) => {
    const { rows } = await helpers.query<{ n: number }>("select app_hidden.award_badges_all(now()) as n");
    if (rows[0].n > 0) helpers.logger.info(`${rows[0].n} badge(s) awarded`, { awarded: rows[0].n });
  };
}
