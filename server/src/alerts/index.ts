/**
 * Ops alerts leaving the database: Discord webhook posts (`discord.ts`, used by the
 * `alerts__notify` task), their rate limit (`limiter.ts`), critical errors of the processes
 * themselves (`critical.ts`) and the scrubbing of credentials from outgoing text (`redact.ts`).
 */
export {
  alertCurrency,
  alertEmbed,
  AMOUNT_DETAIL_KEYS,
  kindTitle,
  postWebhook,
  summaryEmbed,
  webhookKey,
  webhookMessage,
  KIND_TITLES,
  SEVERITY_COLOURS,
  WebhookError,
  WebhookRateLimitedError,
  type AlertForNotification,
  type DiscordEmbed,
  type WebhookMessage,
} from "./discord.ts";
export { WebhookRateLimiter, type Acquired } from "./limiter.ts";
export {
  createCriticalAlerter,
  installCrashAlerts,
  queryAsWorker,
  type CrashAlertOptions,
  type CriticalAlerter,
  type CriticalAlerterOptions,
  type WorkerQuery,
} from "./critical.ts";
export { scrubSecrets, REDACTED } from "./redact.ts";
