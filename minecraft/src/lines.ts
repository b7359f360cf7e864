/**
 * Chat lines: colour codes stripped, then matched against the configured payment and payout
 * confirmation patterns. Patterns are regular expressions with the named groups `payer` (or
 * `ign`) and `amount`, matched against the whole plain-text line.
 */
import { parseAmount, type AmountProblem } from "./amount.ts";

/** Legacy formatting codes (`§a`, `§l`, `&c` as some plugins echo them, `§x§f§f…` hex colours). */
const FORMATTING = /[§&][0-9a-fk-orx]/gi;

/**
 * An amount group: one word, shortest first, so a trailing full stop stays outside it. It is
 * deliberately loose (`-5`, `1.2.3` match): the parser decides, and refusals are logged.
 */
const AMOUNT_GROUP = String.raw`\$?(?<amount>\S+?)`;
const IGN_GROUP = (name: string) => String.raw`(?<${name}>[A-Za-z0-9_]{3,16})`;

/**
 * Default payment patterns: `<payer> paid you <amount>` and `<payer> has paid you <amount>`,
 * optional `$`, commas, decimals, suffixes, and a trailing full stop or `!`.
 */
export const DEFAULT_PAYMENT_PATTERNS: readonly string[] = [
  String.raw`^${IGN_GROUP("payer")} (?:has )?paid you ${AMOUNT_GROUP}[.!]?$`,
];

/**
 * Default payout confirmation patterns (what Essentials-style economies print to the payer):
 * `You paid <ign> <amount>`, `You have paid <ign> <amount>`, `<amount> has been sent to <ign>`.
 */
export const DEFAULT_CONFIRM_PATTERNS: readonly string[] = [
  String.raw`^You (?:have )?paid ${IGN_GROUP("ign")} ${AMOUNT_GROUP}[.!]?$`,
  String.raw`^${AMOUNT_GROUP} has been sent to ${IGN_GROUP("ign")}[.!]?$`,
];

/**
 * Removes colour and formatting codes and surrounding whitespace.
 *
 * @param line - the line as the client rendered it to text.
 * @returns the plain line.
 */
export function stripFormatting(line: string): string {
  return line.replace(FORMATTING, "").replace(/\s+/g, " ").trim();
}

/**
 * Compiles pattern sources, checking their named groups.
 *
 * @param sources - regular expression sources.
 * @param who - the IGN group's name: `payer` (payments) or `ign` (confirmations).
 * @returns the compiled expressions.
 * @throws {Error} when a pattern does not compile or lacks the `amount` or the IGN group.
 */
export function compilePatterns(sources: readonly string[], who: "payer" | "ign"): RegExp[] {
  return sources.map((src) => {
    const re = new RegExp(src);
    if (!src.includes("(?<amount>") || !src.includes(`(?<${who}>`)) {
      throw new Error(`pattern ${src} needs the named groups (?<${who}>…) and (?<amount>…)`);
    }
    return re;
  });
}

/** A line that matched a pattern. */
export type LineMatch =
  | { ok: true; ign: string; minor: bigint; line: string }
  | { ok: false; ign: string; problem: AmountProblem; line: string };

/**
 * Matches a plain line against patterns and parses its amount.
 *
 * @param line - the line (formatting is stripped here).
 * @param patterns - compiled patterns.
 * @param who - the IGN group's name.
 * @param maxMinor - the largest accepted amount, in cents.
 * @returns null when no pattern matches; else the IGN with the amount in cents, or the amount's problem.
 */
export function matchLine(line: string, patterns: readonly RegExp[], who: "payer" | "ign", maxMinor: bigint): LineMatch | null {
  const plain = stripFormatting(line);
  for (const re of patterns) {
    const m = re.exec(plain);
    if (!m?.groups) continue;
    const ign = m.groups[who];
    const amount = parseAmount(m.groups.amount ?? "", maxMinor);
    return amount.ok ? { ok: true, ign, minor: amount.minor, line: plain } : { ok: false, ign, problem: amount.problem, line: plain };
  }
  return null;
}
