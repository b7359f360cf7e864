/** Text formatting shared by every embed: amounts, Discord timestamps, mentions. */
import { formatAmount, formatNumber } from "@guildbank/lib";
import { currentDisplay } from "../features.ts";

/**
 * An amount with its currency (the shared formatter of `@guildbank/lib`: the currency's scale
 * and unit, thousands separators).
 *
 * @param amount - integer minor units as a bigint, number or decimal string (null: 0).
 * @param currency - the currency code (default COIN).
 * @returns e.g. `1,250 coins`, `1,500.00 MCD`; COIN in the guild's own name or symbol during an
 *   interaction (issue 14: `1,250 gems`, `💎1,250`).
 */
export function coins(amount: bigint | number | string | null | undefined, currency?: string | null): string {
  return formatAmount(amount ?? 0, currency, { display: currentDisplay() });
}

/**
 * A signed delta in a currency's unit without the unit, e.g. `+100` / `-40` (COIN) or
 * `+1,500.00` (MCD).
 *
 * @param amount - integer minor units.
 * @param currency - the currency code (default COIN).
 * @returns the signed number with separators and the currency's decimals.
 */
export function delta(amount: bigint | number | string, currency?: string | null): string {
  return formatNumber(amount, currency, { signed: true });
}

/**
 * A Discord timestamp markup (rendered in each viewer's time zone).
 *
 * @param at - the instant (Date or ISO string).
 * @param style - `f` full date and time, `R` relative ("in 3 hours").
 * @returns `<t:unix:style>`, or `?` for an unreadable date.
 */
export function when(at: Date | string | null | undefined, style: "f" | "R" = "f"): string {
  if (!at) return "?";
  const ms = (at instanceof Date ? at : new Date(at)).getTime();
  return Number.isNaN(ms) ? "?" : `<t:${Math.floor(ms / 1000)}:${style}>`;
}

/**
 * A user mention, or `—` when there is none.
 *
 * @param discordId - a Discord snowflake (decimal string).
 * @returns `<@id>`.
 */
export function mention(discordId: string | null | undefined): string {
  return discordId ? `<@${discordId}>` : "—";
}
