/** A transaction's `meta` (jsonb) in words, for the transaction log's Detail column. */
type Meta = Record<string, unknown>;

/** `fee_band` → `fee band`. */
const words = (key: string) => key.replace(/_/g, " ");

/** A value of `meta` as text: scalars as they are, lists and objects as "key value" pairs, never JSON. */
function plain(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return v.map(plain).join(", ");
  if (typeof v === "object") return Object.entries(v as Meta).map(([k, x]) => `${words(k)} ${plain(x)}`).join(", ");
  return String(v);
}

/**
 * A transaction's `meta` in words, e.g. `2 × gem · at 60 coins each · fee 7 coins · net 68 coins` or
 * `streak 5 days`. Keys we know read as phrases; any other key as "key value"; never JSON.
 *
 * @param meta - the row's meta.
 * @param r - the row: what its columns already show is left out (the counterparty of a give).
 * @param money - renders an amount of `meta` (minor units of the row's currency).
 */
export function describeMeta(meta: Meta | null | undefined, r: { counterparty?: unknown }, money: (minor: unknown) => string): string {
  if (!meta) return "";
  const m = { ...meta };
  const parts: string[] = [];
  const take = (k: string) => {
    const v = m[k];
    delete m[k];
    return v;
  };
  if ("sku" in m || "qty" in m) {
    const qty = take("qty");
    const sku = take("sku");
    parts.push([qty !== undefined ? `${plain(qty)} ×` : "", plain(sku)].filter(Boolean).join(" "));
  }
  if ("unit_price" in m) parts.push(`at ${money(take("unit_price"))} each`);
  if ("fee" in m) parts.push(`fee ${money(take("fee"))}`);
  if ("net" in m) parts.push(`net ${money(take("net"))}`);
  if ("fee_band" in m || "fee_rate" in m) {
    const band = take("fee_band");
    const rate = take("fee_rate");
    parts.push([band !== undefined ? `${plain(band)} band` : "", rate !== undefined ? `${Math.round(Number(rate) * 1000) / 10} % fee` : ""].filter(Boolean).join(", "));
  }
  if ("streak_days" in m) {
    const d = Number(take("streak_days"));
    parts.push(`streak ${d} ${d === 1 ? "day" : "days"}`);
  }
  if ("title" in m) {
    parts.push(`“${plain(take("title"))}”`);
    delete m.quest_id;
  }
  if ("delta" in m) {
    const d = take("delta");
    parts.push(`${Number(d) >= 0 ? "+" : "−"}${money(String(d).replace(/^-/, ""))}`);
  }
  if ("actor_role" in m) parts.push(`as ${plain(take("actor_role"))}`);
  if ("note" in m) parts.push(plain(take("note")));
  // The counterparty column names the receiver of a give.
  if (r.counterparty) delete m.to_discord_id;
  for (const [k, v] of Object.entries(m)) parts.push(`${words(k)} ${plain(v)}`);
  return parts.filter(Boolean).join(" · ");
}
