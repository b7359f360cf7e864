/**
 * Posting ops alerts to a Discord webhook: one embed per alert (title by kind, colour by
 * severity, guild, message, detail fields, timestamp), or one summary embed for alerts coalesced
 * by the rate limit. Posts never ping anyone (`allowed_mentions: { parse: [] }`: alert messages
 * contain member-written reasons). The webhook URL carries its token: it is never logged, and
 * never part of an error message.
 */
import { createHash } from "node:crypto";
import { CURRENCIES, formatAmount } from "@guildbank/lib";
import { scrubSecrets } from "./redact.ts";

/** An alert as `app_hidden.alert_for_notification` returns it. */
export interface AlertForNotification {
  /** bigint, as a decimal string. */
  id: string;
  /** Guild snowflake, or null for an alert concerning every guild. */
  guild_id: string | null;
  guild_name: string | null;
  severity: "info" | "warning" | "critical";
  kind: string;
  message: string;
  detail: Record<string, unknown> | null;
  created_at: Date;
}

/** A Discord embed (the fields used here). */
export interface DiscordEmbed {
  title: string;
  description?: string;
  color: number;
  fields?: { name: string; value: string; inline?: boolean }[];
  timestamp?: string;
  footer?: { text: string };
}

/** The JSON body of a webhook execution. */
export interface WebhookMessage {
  username?: string;
  embeds: DiscordEmbed[];
  allowed_mentions: { parse: never[] };
}

/** Embed colours by severity. */
export const SEVERITY_COLOURS: Record<AlertForNotification["severity"], number> = {
  critical: 0xd93025,
  warning: 0xf29900,
  info: 0x1a73e8,
};

const SEVERITY_RANK = { info: 0, warning: 1, critical: 2 } as const;

/** Embed titles of the known alert kinds (others: the kind, humanised). */
export const KIND_TITLES: Record<string, string> = {
  high_value_trade: "High-value trade",
  ledger_violation: "Ledger violation",
  delivered_after_refund: "Order delivered after its refund",
  fulfilment_failed: "Order fulfilment failed",
  fulfilment_timed_out: "Order fulfilment timed out",
  process_crash: "Process crashed",
  runner_failed: "Job runner failed",
  discord_channel_missing: "Discord channel missing",
};

/** Discord's limits on embeds. */
const LIMITS = { title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, total: 6000 };

/** At most this many detail entries become fields of an alert's embed. */
const MAX_DETAIL_FIELDS = 12;

const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** Detail keys that hold an amount in minor units of the alert's currency. */
export const AMOUNT_DETAIL_KEYS: ReadonlySet<string> = new Set(["amount", "threshold"]);

/**
 * The currency of the amounts in alerts that do not name one in their detail (alerts raised before
 * the detail carried `currency`): a payout is in Minecraft dollars; anything else in coins.
 */
const KIND_CURRENCIES: Record<string, string> = { payout_unconfirmed: "MCD" };

/**
 * The currency of an alert's amounts: its detail's `currency`, else the one of its kind, else COIN.
 *
 * @param alert - the alert.
 * @returns a currency code of {@link CURRENCIES}.
 */
export function alertCurrency(alert: Pick<AlertForNotification, "kind" | "detail">): string {
  const named = alert.detail?.currency;
  if (typeof named === "string" && CURRENCIES[named.toUpperCase()]) return named.toUpperCase();
  return KIND_CURRENCIES[alert.kind] ?? "COIN";
}

/**
 * The title of an alert kind.
 *
 * @param kind - e.g. `high_value_trade`.
 * @returns e.g. `High-value trade`.
 */
export function kindTitle(kind: string): string {
  return KIND_TITLES[kind] ?? (kind.charAt(0).toUpperCase() + kind.slice(1)).replace(/_/g, " ");
}

function guildText(alert: AlertForNotification): string {
  if (alert.guild_id === null) return "All guilds";
  return alert.guild_name ? `${alert.guild_name} (${alert.guild_id})` : alert.guild_id;
}

function detailValue(key: string, value: unknown, currency: string): string | null {
  if (value === null || value === undefined || value === "") return null;
  if (AMOUNT_DETAIL_KEYS.has(key) && (typeof value === "number" || (typeof value === "string" && /^-?\d+$/.test(value)))) {
    try {
      return formatAmount(value, currency);
    } catch {
      // not a whole number of minor units: shown as it is
    }
  }
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return cut(scrubSecrets(text), LIMITS.fieldValue);
}

/**
 * The embed of one alert.
 *
 * @param alert - the re-read alert.
 * @returns title by kind, severity colour, message, guild / severity / kind and detail fields (amounts
 *   with the alert's currency and scale: {@link alertCurrency}), the alert's time.
 */
export function alertEmbed(alert: AlertForNotification): DiscordEmbed {
  const fields: NonNullable<DiscordEmbed["fields"]> = [
    { name: "Guild", value: cut(guildText(alert), LIMITS.fieldValue), inline: true },
    { name: "Severity", value: alert.severity, inline: true },
    { name: "Kind", value: cut(alert.kind, LIMITS.fieldValue), inline: true },
  ];
  const currency = alertCurrency(alert);
  for (const [key, value] of Object.entries(alert.detail ?? {})) {
    if (fields.length >= 3 + MAX_DETAIL_FIELDS) break;
    if (key === "currency") continue;
    const text = detailValue(key, value, currency);
    if (text !== null) fields.push({ name: cut(key, LIMITS.fieldName), value: text, inline: text.length <= 40 });
  }
  return {
    title: cut(kindTitle(alert.kind), LIMITS.title),
    description: cut(scrubSecrets(alert.message), 2000),
    color: SEVERITY_COLOURS[alert.severity] ?? SEVERITY_COLOURS.info,
    fields,
    timestamp: new Date(alert.created_at).toISOString(),
    footer: { text: `Guildbank alert #${alert.id}` },
  };
}

/**
 * The embed summarising alerts coalesced by the rate limit: how many of each kind, then one
 * line per alert (`#id [severity] Title — guild: message`) as far as Discord's limits allow.
 *
 * @param alerts - at least one alert.
 * @returns the colour of the most severe alert, the time of the latest.
 */
export function summaryEmbed(alerts: readonly AlertForNotification[]): DiscordEmbed {
  const sorted = [...alerts].sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
  const worst = sorted.reduce((w, a) => (SEVERITY_RANK[a.severity] > SEVERITY_RANK[w] ? a.severity : w), "info" as AlertForNotification["severity"]);
  const byKind = new Map<string, number>();
  for (const a of sorted) byKind.set(a.kind, (byKind.get(a.kind) ?? 0) + 1);
  const fields = [...byKind].slice(0, LIMITS.fields).map(([kind, n]) => ({ name: cut(kindTitle(kind), LIMITS.fieldName), value: String(n), inline: true }));
  const budget = 3500;
  let description = "";
  let listed = 0;
  for (const a of sorted) {
    const line = `\`#${a.id}\` [${a.severity}] ${kindTitle(a.kind)} — ${guildText(a)}: ${cut(scrubSecrets(a.message), 200)}\n`;
    if (description.length + line.length > budget) break;
    description += line;
    listed++;
  }
  if (listed < sorted.length) description += `…and ${sorted.length - listed} more.`;
  const latest = sorted.reduce((t, a) => Math.max(t, new Date(a.created_at).getTime()), 0);
  return {
    title: `${sorted.length} alert${sorted.length === 1 ? "" : "s"} (summary: rate limit reached)`,
    description: description.trimEnd(),
    color: SEVERITY_COLOURS[worst],
    fields,
    timestamp: new Date(latest).toISOString(),
    footer: { text: `Guildbank alerts #${sorted[0].id} to #${sorted[sorted.length - 1].id}` },
  };
}

/**
 * The message posting one alert, or a summary of several.
 *
 * @param alerts - at least one alert.
 * @returns the webhook body (no mentions allowed).
 */
export function webhookMessage(alerts: readonly AlertForNotification[]): WebhookMessage {
  return {
    username: "Guildbank",
    embeds: [alerts.length === 1 ? alertEmbed(alerts[0]) : summaryEmbed(alerts)],
    allowed_mentions: { parse: [] },
  };
}

/**
 * A short, stable, non-secret name of a webhook (to key the rate limit and to log).
 *
 * @param url - the webhook URL.
 * @returns 12 hex characters of its SHA-256.
 */
export function webhookKey(url: string): string {
  return createHash("sha256").update(url).digest("hex").slice(0, 12);
}

/** A webhook post failed (network error, timeout, or a status other than 2xx and 429). */
export class WebhookError extends Error {
  /** The HTTP status, or null when there was no response. */
  readonly status: number | null;
  constructor(message: string, status: number | null) {
    super(message);
    this.name = "WebhookError";
    this.status = status;
  }
}

/** Discord answered 429: retry after `retryAfterMs`. */
export class WebhookRateLimitedError extends WebhookError {
  readonly retryAfterMs: number;
  readonly global: boolean;
  constructor(retryAfterMs: number, global: boolean) {
    super(`Discord webhook rate limited: retry after ${retryAfterMs} ms${global ? " (global)" : ""}`, 429);
    this.name = "WebhookRateLimitedError";
    this.retryAfterMs = retryAfterMs;
    this.global = global;
  }
}

/** Longest `retry_after` honoured, in ms (a larger one is capped). */
const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * Executes a webhook.
 *
 * @param url - the webhook URL (secret).
 * @param message - the body.
 * @param options - an abort signal (the job's) and a timeout in ms (default 10 000).
 * @returns when Discord accepted the message (2xx).
 * @throws {WebhookRateLimitedError} on 429, with Discord's `retry_after` (body, else the
 *   `Retry-After` header, else 5 s).
 * @throws {WebhookError} on any other failure; its message names the status or the network
 *   error, never the URL.
 */
export async function postWebhook(url: string, message: WebhookMessage, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Guildbank alerts" },
      body: JSON.stringify(message),
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
      redirect: "error",
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
    const why = timeout.aborted ? "timed out" : options.signal?.aborted ? "aborted" : String(cause?.code ?? cause?.message ?? (err as Error).message);
    throw new WebhookError(`Discord webhook unreachable: ${scrubSecrets(why, [url])}`, null);
  }
  if (res.ok) {
    await res.body?.cancel().catch(() => {});
    return;
  }
  let body: { retry_after?: unknown; global?: unknown; code?: unknown } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // not JSON: the status says enough
  }
  if (res.status === 429) {
    const seconds = typeof body.retry_after === "number" ? body.retry_after : Number(res.headers.get("retry-after") ?? Number.NaN);
    const ms = Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : 5000;
    throw new WebhookRateLimitedError(Math.min(ms, MAX_RETRY_AFTER_MS), body.global === true);
  }
  const code = typeof body.code === "number" ? ` (Discord code ${body.code})` : "";
  throw new WebhookError(`Discord webhook answered ${res.status}${code}`, res.status);
}
