/**
 * `ledger__verify` (crontab: nightly): runs `verify_ledger()` over every guild; each guild with
 * a violated invariant gets a critical ops alert (`ledger_violation`). Read-only otherwise.
 */
import type { Task } from "graphile-worker";

export const LEDGER_VERIFY = "ledger__verify";

/**
 * Builds the `ledger__verify` task: `app_hidden.verify_ledger_and_alert()`; logs the number of
 * violations at error level when there are any (the alerts carry the details).
 * Payload: ignored.
 *
 * @returns the task function (throws database errors).
 */
export function ledgerVerify(): Task {
  return async (_payload, helpers) => {
    const { rows } = await helpers.query<{ n: number }>("select app_hidden.verify_ledger_and_alert() as n");
    if (rows[0].n > 0) helpers.logger.error(`verify_ledger found ${rows[0].n} violation(s); ops alerts raised`, { violations: rows[0].n });
    else helpers.logger.info("verify_ledger: clean");
  };
}
