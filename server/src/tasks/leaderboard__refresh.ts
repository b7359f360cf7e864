/**
 * `leaderboard__refresh` (crontab: every minute): for every guild whose `LEADERBOARD_CRON`
 * (`guild_settings.leaderboard_cron`, UTC) matches the scheduled minute, replaces its top-10
 * snapshot (`leaderboard_snapshots`) and NOTIFYs `leaderboard`. Running the same minute again
 * writes the same snapshot.
 */
import { CronExpressionParser, type CronExpression } from "cron-parser";
import type { Task } from "graphile-worker";
import { cronSlot, errorMessage } from "./context.ts";

export const LEADERBOARD_REFRESH = "leaderboard__refresh";

const parsed = new Map<string, CronExpression | Error>();

/**
 * Whether a five-field cron expression (minute hour day-of-month month day-of-week, UTC; when
 * both day fields are restricted either may match, as in Vixie cron) matches a minute.
 *
 * @param cron - e.g. `*\/15 * * * *`.
 * @param at - the minute to test (seconds are ignored).
 * @returns true when `at` is one of the expression's instants.
 * @throws {Error} when the expression is malformed (not five fields, bad values).
 */
export function cronMatches(cron: string, at: Date): boolean {
  let expr = parsed.get(cron);
  if (!expr) {
    try {
      if (cron.trim().split(/\s+/).length !== 5) throw new Error("expected five fields");
      expr = CronExpressionParser.parse(cron.trim(), { tz: "UTC" });
    } catch (err) {
      expr = new Error(`invalid cron '${cron}': ${errorMessage(err)}`);
    }
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(cron, expr);
  }
  if (expr instanceof Error) throw expr;
  const minute = new Date(at);
  minute.setUTCSeconds(0, 0);
  return expr.includesDate(minute);
}

/**
 * Builds the `leaderboard__refresh` task. The slot is `payload._cron.ts` (else now, to the
 * minute). Guilds come from `app_hidden.leaderboard_schedules()`; each due guild is refreshed
 * in its own statement (`app_hidden.refresh_leaderboard(guild, slot)`). A guild with a malformed
 * cron is skipped with a warning; when a refresh fails, the others still run and the job then
 * throws (graphile-worker retries; refreshing again is harmless).
 *
 * @returns the task function.
 */
export function leaderboardRefresh(): Task {
  return async (payload, helpers) => {
    const at = cronSlot(payload, LEADERBOARD_REFRESH);
    const { rows } = await helpers.query<{ guild_id: string; cron: string }>(
      "select guild_id::text, cron from app_hidden.leaderboard_schedules()",
    );
    const failures: unknown[] = [];
    let refreshed = 0;
    for (const { guild_id: guildId, cron } of rows) {
      let due: boolean;
      try {
        due = cronMatches(cron, at);
      } catch (err) {
        helpers.logger.warn(`guild ${guildId}: ${errorMessage(err)}; leaderboard not refreshed`, { guildId, cron });
        continue;
      }
      if (!due) continue;
      try {
        await helpers.query("select app_hidden.refresh_leaderboard($1, $2)", [guildId, at]);
        refreshed++;
      } catch (err) {
        helpers.logger.error(`guild ${guildId}: leaderboard refresh failed`, { guildId, error: err });
        failures.push(err);
      }
    }
    helpers.logger.debug(`refreshed ${refreshed} leaderboard(s)`, { at: at.toISOString(), refreshed });
    if (failures.length) throw new AggregateError(failures, `${failures.length} leaderboard refresh(es) failed`);
  };
}
