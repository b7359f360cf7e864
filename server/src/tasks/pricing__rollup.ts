/**
 * `pricing__rollup` (crontab: every 10 minutes): writes `pricing_history` (7-day median sale
 * price and 24 h volume) for every SKU with recent marketplace sales, stamped with the slot the
 * cron scheduled.
 */
import type { Task } from "graphile-worker";
import { cronSlot } from "./context.ts";

export const PRICING_ROLLUP = "pricing__rollup";

/**
 * Builds the `pricing__rollup` task: `app_hidden.pricing_rollup(slot)` where slot is
 * `payload._cron.ts` (else now, to the minute), so statistics describe the scheduled instant
 * even when the job runs late.
 *
 * @returns the task function (throws database errors or a malformed `_cron.ts`).
 */
export function pricingRollup(): Task {
  return async (payload, helpers) => {
    const at = cronSlot(payload, PRICING_ROLLUP);
    const { rows } = await helpers.query<{ n: number }>("select app_hidden.pricing_rollup($1) as n", [at]);
    helpers.logger.debug(`wrote ${rows[0].n} pricing_history row(s)`, { at: at.toISOString(), rows: rows[0].n });
  };
}
