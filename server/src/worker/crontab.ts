import { parseCrontab, type ParsedCronItem } from "graphile-worker";

/**
 * The server worker's crontab, in graphile-worker's syntax (times are UTC):
 * `minute hour day-of-month month day-of-week task ?options`, where options are `max` (attempts),
 * `jobKey` (at most one waiting job of that task: a late slot is replaced by the next one),
 * `fill` (on start-up, schedule slots missed within that period, e.g. `1d`).
 *
 * - `listings__expire`, `orders__escrow_timeout`: every minute; each run converges to "now",
 *   so a slot still waiting when the next comes is replaced (jobKey).
 * - `cards__expire` (issue 15): every minute, card listings, trades, temporary event cards, unpicked packs and
 *   data transfer requests (jobKey); `cards__rewards`: every minute, pays completed missions and achievements (jobKey).
 * - `leaderboard__refresh`: every minute; the task refreshes the guilds whose own
 *   LEADERBOARD_CRON matches the slot (so no jobKey: every slot counts).
 * - `pricing__rollup`: every 10 minutes.
 * - `ledger__verify`: nightly at 03:00.
 * - `digest__daily`: 00:05 for the previous UTC day; slots missed within a day (worker down at
 *   midnight) are run on start-up.
 * - `purge__expired`: daily at 03:30.
 * - `mm__expire`: every minute (middleman timeouts and reminders, issue 13); converges to "now" (jobKey).
 * - `tasks__expire`, `announcements__publish`: every minute (converge to "now": jobKey);
 *   `messages__sync`: every 10 minutes re-queues task and #shop posts still pending (issue 14).
 * - `role_grants__expire`, `seasons__rollover`: every minute (timed roles of shop items end; seasons are archived
 *   and renewed; converge to "now": jobKey); `badges__award`: every 10 minutes (streak badges) (issue 14).
 * - `catalogue__weekly_sync`: Mondays at 04:00, queues one catalogue sync run per guild whose sync is on (issue 16).
 */
export const CRONTAB = `
# m    h  dom mon dow  task                    options
*      *  *   *   *    listings__expire        ?max=3&jobKey=listings__expire
*      *  *   *   *    cards__expire           ?max=3&jobKey=cards__expire
*      *  *   *   *    cards__rewards          ?max=3&jobKey=cards__rewards
*      *  *   *   *    orders__escrow_timeout  ?max=3&jobKey=orders__escrow_timeout
*      *  *   *   *    leaderboard__refresh    ?max=3
*/10   *  *   *   *    pricing__rollup         ?max=3
0      3  *   *   *    ledger__verify          ?max=5
5      0  *   *   *    digest__daily           ?fill=1d&max=5
30     3  *   *   *    purge__expired          ?max=3
*      *  *   *   *    mm__expire              ?max=3&jobKey=mm__expire
*      *  *   *   *    tasks__expire           ?max=3&jobKey=tasks__expire
*      *  *   *   *    announcements__publish  ?max=3&jobKey=announcements__publish
*/10   *  *   *   *    messages__sync          ?max=3&jobKey=messages__sync
*      *  *   *   *    role_grants__expire     ?max=3&jobKey=role_grants__expire
*      *  *   *   *    seasons__rollover       ?max=3&jobKey=seasons__rollover
*/10   *  *   *   *    badges__award           ?max=3&jobKey=badges__award
0      4  *   *   1    catalogue__weekly_sync  ?max=3&jobKey=catalogue__weekly_cron
`;

/**
 * Parses a crontab and checks that every line names a known task.
 *
 * @param crontab - crontab text (graphile-worker syntax).
 * @param tasks - the identifiers the runner has tasks for.
 * @returns the parsed items for `run({ parsedCronItems })`.
 * @throws {Error} on a syntax error or an unknown task identifier.
 */
export function parseWorkerCrontab(crontab: string, tasks: readonly string[]): ParsedCronItem[] {
  const items = parseCrontab(crontab);
  const unknown = items.map((i) => i.task).filter((t) => !tasks.includes(t));
  if (unknown.length) throw new Error(`the crontab names unknown task(s): ${unknown.join(", ")}`);
  return items;
}
