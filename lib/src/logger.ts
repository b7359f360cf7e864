import { pino, type Logger, type LoggerOptions } from "pino";

/** Paths pino removes from every log line: credentials must never reach the logs. */
export const REDACT_PATHS = [
  "req.headers.cookie",
  "req.headers.authorization",
  'req.headers["proxy-authorization"]',
  'req.headers["x-signature"]',
  'req.headers["x-guildbank-signature"]',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  "password",
  "token",
  "secret",
  "connectionString",
  "*.password",
  "*.token",
  "*.secret",
  "*.connectionString",
  "*.*.password",
  "*.*.connectionString",
  "*.*.*.password",
  "webhookUrl",
  "*.webhookUrl",
  "*.DATABASE_URL",
  "*.DATABASE_OWNER_URL",
  "*.ROOT_DATABASE_URL",
  "*.METRICS_TOKEN",
  "*.DISCORD_ALERT_WEBHOOK_URL",
  "*.DISCORD_CLIENT_SECRET",
  "*.CSRF_SECRET",
  'req.headers["x-guildbank-signature"]',
  "*.MINECRAFT_API_KEY",
  "*.REDEMPTION_WEBHOOK_SECRET",
  "*.MINECRAFT_PAYMENT_WEBHOOK_SECRET",
];

/**
 * Creates the JSON logger of a process.
 *
 * @param name - the process name (`server`, `bot`, …), written as `name` on every line.
 * @param level - pino level (`fatal`..`trace`, or `silent`); default `LOG_LEVEL` or `info`.
 * @param options - extra pino options (merged).
 * @returns a pino logger writing JSON lines to stdout.
 */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? "info", options: LoggerOptions = {}): Logger {
  return pino({
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    ...options,
  });
}

/** Query parameters whose values are credentials (OAuth codes and state, tokens, signatures). */
const SECRET_QUERY_PARAMS = /^(code|state|token|access_token|refresh_token|signature|sig|key)$/i;

/**
 * A request URL fit for the logs: the values of credential-bearing query parameters (OAuth `code`
 * and `state`, tokens, signatures) replaced by `[redacted]`; path and other parameters kept.
 *
 * @param url - a request target (`/path?query`) or an absolute URL; anything unparsable is returned
 *   without its query string.
 * @returns the same URL with those values censored.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  try {
    const params = new URLSearchParams(url.slice(q + 1));
    let changed = false;
    for (const name of new Set(params.keys())) {
      if (SECRET_QUERY_PARAMS.test(name)) {
        params.set(name, "[redacted]");
        changed = true;
      }
    }
    return changed ? `${url.slice(0, q)}?${params.toString()}` : url;
  } catch {
    return url.slice(0, q);
  }
}

export type { Logger };
