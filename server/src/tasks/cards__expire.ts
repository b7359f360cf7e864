/**
 * `cards__expire` (crontab: every minute; issue 15): card listings past their expiry close (the copy is free again),
 * open trades past theirs expire (nothing moves), and temporary event copies vanish at their event's end. Each
 * function only touches rows still due, so a second run finds nothing to do.
 */
import type { Task } from "graphile-worker";

export const CARDS_EXPIRE = "cards__expire";

/**
 * Builds the `cards__expire` task: `app_hidden.expire_card_listings`, `expire_card_trades` and
 * `expire_temporary_cards`, each at `now()`. Payload: ignored (cron sends `{ _cron: { ts } }`).
 *
 * @returns the task function (throws database errors).
 */
export function cardsExpire(): Task {
  return async (_payload, helpers) => {
    const { rows } = await helpers.query<{ listings: number; trades: number; copies: number }>(
      "select app_hidden.expire_card_listings(now()) as listings, app_hidden.expire_card_trades(now()) as trades, app_hidden.expire_temporary_cards(now()) as copies",
    );
    const r = rows[0];
    if (r.listings + r.trades + r.copies > 0) helpers.logger.info(`expired ${r.listings} card listing(s), ${r.trades} trade(s), ${r.copies} temporary card(s)`, { ...r });
  };
}
