/**
 * Amounts as people read them. Every amount in the database is an integer of minor units of a
 * currency whose `scale` says how many decimals its unit has (`app_public.currencies`: COIN 0,
 * MCD 2). Every surface (the bot's embeds, the panel, the CSV export, ops alerts) formats through
 * this module, so an amount is never shown without its currency and scale.
 *
 * Browser-safe (no Node imports): the panel imports it as `@guildbank/lib/money`.
 */

/** A currency as `app_public.currencies` defines it, with the words used to show it. */
export interface Currency {
  /** `app_public.currencies.code`. */
  code: string;
  /** Decimals of the unit: an amount is `minor / 10^scale` units. */
  scale: number;
  /** The unit after a singular amount, e.g. `coin`. */
  one: string;
  /** The unit after any other amount, e.g. `coins`. */
  many: string;
}

/** The currencies of `app_public.currencies` (a test keeps them in step with the database). */
export const CURRENCIES: Readonly<Record<string, Currency>> = Object.freeze({
  COIN: { code: "COIN", scale: 0, one: "coin", many: "coins" },
  MCD: { code: "MCD", scale: 2, one: "MCD", many: "MCD" },
  // The card game's currencies (issue 15).
  NOTE: { code: "NOTE", scale: 0, one: "Note", many: "Notes" },
  DISC: { code: "DISC", scale: 0, one: "Disc", many: "Discs" },
  GEM: { code: "GEM", scale: 0, one: "Gem", many: "Gems" },
});

/** What an amount may arrive as: node-postgres and GraphQL send bigints as decimal strings. */
export type MinorUnits = bigint | number | string;

/**
 * The currency of a code.
 *
 * @param code - a currency code (null or undefined: COIN, the currency of every rule but Minecraft's).
 * @returns its definition.
 * @throws {RangeError} for a code that is not in {@link CURRENCIES}: showing it with a guessed
 *   scale would be wrong by a power of ten.
 */
export function currencyOf(code: string | null | undefined): Currency {
  const c = CURRENCIES[(code ?? "COIN").toUpperCase()];
  if (!c) throw new RangeError(`unknown currency ${JSON.stringify(code)}`);
  return c;
}

function toBigInt(minor: MinorUnits): bigint {
  if (typeof minor === "number" && !Number.isSafeInteger(minor)) throw new RangeError(`not a whole number of minor units: ${minor}`);
  return BigInt(minor);
}

/**
 * An amount as an exact plain decimal in the currency's unit, without separators (for CSV and
 * machine-readable output).
 *
 * @param minor - integer minor units.
 * @param code - the currency (default COIN).
 * @returns e.g. `1500.00` for 150000 MCD, `-5` for -5 COIN.
 * @throws {RangeError} for an unknown currency or a non-integer amount.
 */
export function toDecimal(minor: MinorUnits, code?: string | null): string {
  const { scale } = currencyOf(code);
  const n = toBigInt(minor);
  const abs = (n < 0n ? -n : n).toString().padStart(scale + 1, "0");
  const units = scale ? `${abs.slice(0, -scale)}.${abs.slice(-scale)}` : abs;
  return n < 0n ? `-${units}` : units;
}

const formats = new Map<string, Intl.NumberFormat>();
function numberFormat(scale: number, signed: boolean): Intl.NumberFormat {
  const key = `${scale}:${signed}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat("en-US", { minimumFractionDigits: scale, maximumFractionDigits: scale, signDisplay: signed ? "exceptZero" : "auto" });
    formats.set(key, f);
  }
  return f;
}

/**
 * The number of an amount, grouped, with exactly the currency's decimals and no unit.
 *
 * @param minor - integer minor units.
 * @param code - the currency (default COIN).
 * @param options - `signed`: a `+` before positive amounts (deltas).
 * @returns e.g. `1,500.00` (150000 MCD), `+1,250` (1250 COIN, signed).
 * @throws {RangeError} for an unknown currency or a non-integer amount.
 */
export function formatNumber(minor: MinorUnits, code?: string | null, options: { signed?: boolean } = {}): string {
  const { scale } = currencyOf(code);
  // A decimal string keeps every digit (Intl.NumberFormat reads strings exactly).
  return numberFormat(scale, options.signed === true).format(toDecimal(minor, code) as `${number}`);
}

/**
 * How a guild shows its own currency (COIN), from `guild_settings.currency_name` / `currency_symbol`
 * (issue 14): the plural name (e.g. `gems`) and an optional symbol (e.g. `💎`, `$`).
 */
export interface CurrencyDisplay {
  /** Plural display name; the singular drops a final `s` (`gems` → `1 gem`). */
  name?: string;
  /** Placed before the number when set (`💎1,250`); empty or absent: the name after the number. */
  symbol?: string;
}

/**
 * An amount with its currency, as every surface shows it.
 *
 * @param minor - integer minor units.
 * @param code - the currency (default COIN).
 * @param options - `signed`: a `+` before positive amounts (deltas); `display`: the guild's name and
 *   symbol for COIN (other currencies keep their own units).
 * @returns e.g. `1,500.00 MCD`, `1,250 coins`, `1 coin`, `+40 coins`; with a display `1,250 gems`,
 *   `1 gem`, `💎1,250`.
 * @throws {RangeError} for an unknown currency or a non-integer amount.
 */
export function formatAmount(minor: MinorUnits, code?: string | null, options: { signed?: boolean; display?: CurrencyDisplay } = {}): string {
  const c = currencyOf(code);
  const n = toBigInt(minor);
  const number = formatNumber(n, c.code, options);
  const d = c.code === "COIN" ? options.display : undefined;
  const symbol = d?.symbol?.trim();
  if (symbol) {
    // The sign goes before the symbol: -$5, +$40.
    const sign = /^[+-]/.test(number) ? number[0] : "";
    return `${sign}${symbol}${sign ? number.slice(1) : number}`;
  }
  const name = d?.name?.trim();
  if (name) {
    const one = name.length > 1 && name.endsWith("s") ? name.slice(0, -1) : name;
    return `${number} ${n === 1n || n === -1n ? one : name}`;
  }
  const unit = n === 1n || n === -1n ? c.one : c.many;
  return `${number} ${unit}`;
}
