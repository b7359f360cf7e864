import { FunctionField, useRecordContext } from "react-admin";
import { Chip } from "@mui/material";
import { formatMoney } from "../lib/amounts.ts";
import { useCurrencyDisplay } from "../live/LiveProvider.tsx";

/**
 * Coins (COIN, integer minor units sent as strings) with thousands separators: for the amounts
 * that are coins by rule (prices, escrows, rewards, reports). An amount whose row names its
 * currency goes through {@link CoinsField}'s `currencySource` or `formatMoney`.
 */
export function formatCoins(v: unknown): string {
  return formatMoney(v, "COIN");
}

/**
 * An amount column, formatted with its currency's scale and unit.
 *
 * @param currencySource - the row's currency field (absent: the amount is in coins).
 */
export function CoinsField({ source, label, sortable, currencySource }: { source: string; label?: string; sortable?: boolean; currencySource?: string }) {
  // Renders again when the guild's currency display arrives (issue 14).
  useCurrencyDisplay();
  return (
    <FunctionField
      source={source}
      label={label}
      sortable={sortable}
      render={(r: Record<string, unknown>) => formatMoney(r[source], currencySource ? r[currencySource] : "COIN")}
    />
  );
}

/** A member (nested `{ displayName, discordId }`) by name; the Discord id is in the tooltip (and is all there is without a name). */
export function MemberField({ source, label }: { source: string; label?: string }) {
  return (
    <FunctionField
      source={source}
      label={label}
      sortable={false}
      render={(r: Record<string, any>) =>
        r[source] ? (
          <span title={`Discord id ${r[source].discordId}`}>{r[source].displayName || String(r[source].discordId)}</span>
        ) : (
          ""
        )
      }
    />
  );
}

/**
 * Select choices for a PostgreSQL enum: GraphQL names its values in upper case (EARN), people read
 * them in lower case (earn).
 */
export function enumChoices(values: string[]): { id: string; name: string }[] {
  return values.map((v) => ({ id: v.toUpperCase(), name: v.toLowerCase() }));
}

/** A status as a coloured chip. */
export function StatusChip({ source }: { source: string }) {
  const r = useRecordContext();
  const v = (r?.[source] as string | undefined)?.toLowerCase();
  if (!v) return null;
  const color = ["fulfilled", "active", "posted", "sold"].includes(v) ? "success" : ["pending"].includes(v) ? "warning" : ["critical", "refunded", "cancelled"].includes(v) ? "error" : "default";
  return <Chip size="small" label={v} color={color} />;
}
