import { FunctionField, useRecordContext } from "react-admin";
import { Chip } from "@mui/material";

/** Coins (integer minor units, sent as strings) with thousands separators. */
export function formatCoins(v: unknown): string {
  if (v === null || v === undefined || v === "") return "";
  try {
    return `${BigInt(String(v)).toLocaleString("en-US")} coins`;
  } catch {
    return String(v);
  }
}

/** A coins column. */
export function CoinsField({ source, label, sortable }: { source: string; label?: string; sortable?: boolean }) {
  return <FunctionField source={source} label={label} sortable={sortable} render={(r: Record<string, unknown>) => formatCoins(r[source])} />;
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
