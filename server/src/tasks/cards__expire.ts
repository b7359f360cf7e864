/**
 * `cards__expire` (crontab: every minute; issue 15): card listings past their expiry close (the copy is free again),
 * open trades past theirs expire (nothing moves), temporary event copies vanish at their event's end, pack openings
 * left unpicked `card_settings.pick_hours` expire by keeping the rarest card for the member, and `/transfer_data`
 * requests not decided in time expire. Each function only touches rows still due, so a second run finds nothing to do.
 */
import type { Task } from "graphile-worker";

export const CARDS_EXPIRE = "cards__expire";

/**
 * Builds the `cards__expire` task: `app_hidden.expire_card_listings`, `expire_card_trades`, `expire_temporary_cards`,
 * `expire_pack_openings` and `expire_data_transfers`, each at `now()`. Payload: ignored (cron sends `{ _cron: { ts } }`).
 *
 * @returns the task function (throws database errors).
 */
export function cardsExpire(): Task {
  return async (_payload, helpers) => {
    const { rows } = await helpers.query<{ listings: number; trades: number; copies: number; openings: number; transfers: number }>(
      `select app_hidden.expire_card_listings(now()) as listings, app_hidden.expire_card_trades(now()) as trades,
              app_hidden.expire_temporary_cards(now()) as copies, app_hidden.expire_pack_openings(now()) as openings,
              app_hidden.expire_data_transfers(now()) as transfers`,
    );
    const r = rows[0];
    if (r.listings + r.trades + r.copies + r.openings + r.transfers > 0) {
      helpers.logger.info(
        `expired ${r.listings} card listing(s), ${r.trades} trade(s), ${r.copies} temporary card(s), ${r.openings} unpicked pack(s), ${r.transfers} data transfer request(s)`,
        { ...r },
      );
    }
  };
}
