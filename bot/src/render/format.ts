/** Text formatting shared by every embed: coins, Discord timestamps, mentions. */

/**
 * Formats a coin amount (integer minor units; COIN has scale 0) with thousands separators.
 *
 * @param amount - coins as a bigint, number or decimal string.
 * @returns e.g. `1,250 coins`.
 */
export function coins(amount: bigint | number | string | null | undefined): string {
  const n = BigInt(amount ?? 0);
  return `${n.toLocaleString("en-US")} ${n === 1n || n === -1n ? "coin" : "coins"}`;
}

/**
 * A signed coin delta, e.g. `+100` / `-40`.
 *
 * @param amount - coins.
 * @returns the signed number with separators.
 */
export function delta(amount: bigint | number | string): string {
  const n = BigInt(amount);
  return `${n >= 0n ? "+" : ""}${n.toLocaleString("en-US")}`;
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

const CURRENCY_NAMES: Record<string, string> = { COIN: "coins", NOTE: "Notes", DISC: "Discs", GEM: "Gems", MCD: "Minecraft dollars" };

/**
 * An amount in minor units with its currency, formatted with the currency's scale (`1,250 Notes`, `12.50 MCD`).
 *
 * @param amount - minor units.
 * @param currency - the currency code.
 * @param scale - decimals of the currency (0 for the card currencies).
 * @returns the text.
 */
export function money(amount: bigint | number | string, currency: string, scale = 0): string {
  const v = BigInt(amount);
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const unit = 10n ** BigInt(scale);
  const whole = (abs / unit).toLocaleString("en-US");
  const frac = scale > 0 ? `.${(abs % unit).toString().padStart(scale, "0")}` : "";
  return `${neg ? "-" : ""}${whole}${frac} ${CURRENCY_NAMES[currency] ?? currency}`;
}
