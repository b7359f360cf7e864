/**
 * Amounts in the panel: every amount goes through the shared formatter of `@guildbank/lib/money`
 * (the currency's scale and unit), so Minecraft dollars (scale 2) never show as coins.
 */
import { formatAmount, toDecimal, type CurrencyDisplay } from "@guildbank/lib/money";

let display: CurrencyDisplay | undefined;

/**
 * Sets the guild's currency name and symbol (guild settings, issue 14) for every amount shown
 * afterwards; the layout loads them at start and after a server switch.
 *
 * @param value - the display, or undefined for the default ("coins").
 */
export function setCurrencyDisplay(value: CurrencyDisplay | undefined): void {
  display = value;
}

/**
 * An amount for display, or "" when there is none.
 *
 * @param v - integer minor units as GraphQL sends them (a decimal string) or a number.
 * @param currency - the currency code (absent: COIN).
 * @returns e.g. `1,500.00 MCD`, `1,250 coins`; the raw value when it is not an amount.
 */
export function formatMoney(v: unknown, currency?: unknown): string {
  if (v === null || v === undefined || v === "") return "";
  try {
    return formatAmount(String(v), typeof currency === "string" && currency ? currency : "COIN", { display });
  } catch {
    return `${String(v)}${typeof currency === "string" ? ` ${currency}` : ""}`;
  }
}

/** A transaction as the panel's data provider lists it (the fields the CSV export uses). */
export interface TransactionCsvRecord {
  txId?: unknown;
  createdAt?: unknown;
  type?: unknown;
  reason?: unknown;
  amount?: unknown;
  currency?: unknown;
  user?: { discordId?: unknown } | null;
  counterparty?: { discordId?: unknown } | null;
  actorId?: unknown;
}

/** The CSV export's columns. */
export const TRANSACTION_CSV_HEADER = ["tx_id", "created_at", "type", "reason", "amount", "currency", "member_discord_id", "counterparty_discord_id", "actor_id", "amount_minor"] as const;

/**
 * The transaction log as CSV: `amount` is the exact decimal in the currency's unit (`1500.00` for
 * 150000 MCD, `1250` for 1250 COIN) beside its `currency`; `amount_minor` keeps the integer the
 * ledger stores.
 *
 * @param records - the exported rows.
 * @returns the CSV text (header, one line per row, trailing newline).
 */
export function transactionsCsv(records: readonly TransactionCsvRecord[]): string {
  const esc = (v: unknown) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const decimal = (r: TransactionCsvRecord) => {
    if (r.amount === null || r.amount === undefined || r.amount === "") return "";
    try {
      return toDecimal(String(r.amount), typeof r.currency === "string" && r.currency ? r.currency : "COIN");
    } catch {
      return String(r.amount);
    }
  };
  const lines = records.map((r) =>
    [r.txId, r.createdAt, r.type, r.reason, decimal(r), r.currency, r.user?.discordId, r.counterparty?.discordId, r.actorId, r.amount].map(esc).join(","),
  );
  return [TRANSACTION_CSV_HEADER.join(","), ...lines].join("\n") + "\n";
}
