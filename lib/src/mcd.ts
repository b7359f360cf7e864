/**
 * (Shared by minecraft/ and bot/; moved from minecraft/src/amount.ts for issue 13.)
 * In-game money amounts (Minecraft dollars, MCD: two decimals) between chat text and integer
 * minor units (cents, `bigint`). No floating point anywhere: the digits are shifted exactly.
 */

/** Why an amount was refused. */
export type AmountProblem = "empty" | "malformed" | "too_precise" | "zero" | "too_large";

/** The outcome of {@link parseAmount}: the amount in cents, or why it was refused. */
export type AmountResult = { ok: true; minor: bigint } | { ok: false; problem: AmountProblem };

const SUFFIX_EXPONENT: Record<string, number> = { "": 0, k: 3, m: 6, b: 9 };

/**
 * Digits of the integer part: `0`, a number without leading zeros, or one grouped by commas in
 * threes (`1,000`, `12,345,678`). Anything else (`1,00`, `,100`, `1,,000`, `01`) is ambiguous.
 */
const AMOUNT = /^\$?(0|[1-9]\d*|[1-9]\d{0,2}(?:,\d{3})+)(?:\.(\d+))?([kmb])?$/i;

/**
 * Parses an amount as servers print it: `1000`, `1,000.50`, `$12.5`, `2.5k`, `12M`, `3.25b`
 * (k = 10^3, m = 10^6, b = 10^9, case-insensitive), into integer cents.
 *
 * Refused, exactly: an empty string; anything that is not one number (`1.2.3`, `-5`, `1,00`,
 * `1 000`, `1e3`, `01`); more than two decimals without a suffix (`1.234` could be a European
 * thousands separator), or a suffixed value that is not a whole number of cents (`1.2345678k`);
 * zero; and anything above `maxMinor`.
 *
 * @param text - the amount, already cut out of its line (surrounding spaces are ignored).
 * @param maxMinor - the largest accepted amount, in cents.
 * @returns `{ ok: true, minor }` with `minor` in cents (> 0, ≤ maxMinor), or `{ ok: false, problem }`.
 */
export function parseAmount(text: string, maxMinor: bigint): AmountResult {
  const s = text.trim();
  if (s === "" || s === "$") return { ok: false, problem: "empty" };
  const m = AMOUNT.exec(s);
  if (!m) return { ok: false, problem: "malformed" };
  const intPart = m[1].replaceAll(",", "");
  const frac = m[2] ?? "";
  const suffix = (m[3] ?? "").toLowerCase();
  if (m[2] !== undefined && frac.length === 0) return { ok: false, problem: "malformed" };
  if (suffix === "" && frac.length > 2) return { ok: false, problem: "too_precise" };
  // value = 0.<frac> shifted: digits × 10^(exponent + 2 − decimals) cents.
  const shift = SUFFIX_EXPONENT[suffix] + 2 - frac.length;
  let digits = intPart + frac;
  if (shift < 0) {
    const dropped = digits.slice(shift);
    if (!/^0+$/.test(dropped)) return { ok: false, problem: "too_precise" };
    digits = digits.slice(0, shift);
  }
  const minor = BigInt(digits) * 10n ** BigInt(Math.max(shift, 0));
  if (minor === 0n) return { ok: false, problem: "zero" };
  if (minor > maxMinor) return { ok: false, problem: "too_large" };
  return { ok: true, minor };
}

/**
 * Formats cents as the amount of a `/pay` command: whole dollars without decimals (`1500`),
 * otherwise exactly two decimals (`10.50`); no grouping, no currency sign.
 *
 * @param minor - a positive amount in cents.
 * @returns the text.
 */
export function formatPayAmount(minor: bigint): string {
  const whole = minor / 100n;
  const cents = minor % 100n;
  return cents === 0n ? whole.toString() : `${whole}.${cents.toString().padStart(2, "0")}`;
}

/** The largest middleman sale or fee rate the database accepts (`guild_settings` checks). */
export const MAX_FEE_BPS = 5000;

/**
 * The middleman fee of a sale, exactly as `app_private.mm_fee` computes it: `sale × bps / 10000`
 * rounded half up to the cent, in integer arithmetic.
 *
 * @param saleMinor - the sale in cents (≥ 0).
 * @param feeBps - basis points, 0..5000 (500 = 5%).
 * @returns `{ fee, payout }` with `fee + payout = sale`, both ≥ 0.
 * @throws {RangeError} for a negative sale or a rate outside 0..5000.
 */
export function mmFee(saleMinor: bigint, feeBps: number): { fee: bigint; payout: bigint } {
  if (saleMinor < 0n) throw new RangeError("the sale cannot be negative");
  if (!Number.isInteger(feeBps) || feeBps < 0 || feeBps > MAX_FEE_BPS) throw new RangeError("the fee rate must be 0..5000 basis points");
  const fee = (saleMinor * BigInt(feeBps) + 5000n) / 10000n;
  return { fee, payout: saleMinor - fee };
}
