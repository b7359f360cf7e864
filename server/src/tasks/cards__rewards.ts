/**
 * `cards__rewards` (crontab: every minute; issue 15): pays the card missions completed and the achievements unlocked
 * since the last run, each exactly once, through the ledger (`app_hidden.pay_card_rewards`). The card rules only
 * record progress, so a pack opening never takes another member's lock or pays inside the hot path.
 */
import type { Task } from "graphile-worker";

export const CARDS_REWARDS = "cards__rewards";

/**
 * Builds the `cards__rewards` task. Payload: ignored (cron sends `{ _cron: { ts } }`).
 *
 * @returns the task function (throws database errors; a retry pays only what is still unpaid).
 */
export function cardsRewards(): Task {
  return async (_payload, helpers) => {
    const { rows } = await helpers.query<{ paid: number }>("select app_hidden.pay_card_rewards(now()) as paid");
    if (rows[0].paid > 0) helpers.logger.info(`paid ${rows[0].paid} card mission/achievement reward(s)`, { paid: rows[0].paid });
  };
}
