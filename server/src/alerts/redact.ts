/**
 * Removing credentials from free text that leaves the process (alert messages posted to Discord,
 * error messages stored in the job queue and logged): URL passwords, Discord webhook tokens,
 * Bearer tokens, and any exact secret the caller names.
 */

const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi;
const WEBHOOK_TOKEN = /(\/api\/(?:v\d+\/)?webhooks\/\d+\/)[\w-]+/gi;
const BEARER = /\b(Bearer\s+)[\w.~+/=-]+/gi;

/** What replaces a removed secret. */
export const REDACTED = "[redacted]";

/**
 * Removes credentials from a text.
 *
 * @param text - any text.
 * @param secrets - exact values to remove as well (empty and very short values are ignored).
 * @returns the text with `[redacted]` in place of each credential.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(URL_PASSWORD, `$1${REDACTED}@`).replace(WEBHOOK_TOKEN, `$1${REDACTED}`).replace(BEARER, `$1${REDACTED}`);
  for (const secret of secrets) {
    if (secret && secret.length >= 6) out = out.split(secret).join(REDACTED);
  }
  return out;
}
