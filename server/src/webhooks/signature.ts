/**
 * The signature scheme of every Minecraft-side HTTP exchange (README "Minecraft: signatures"):
 *
 *   X-Guildbank-Timestamp: <unix seconds>
 *   X-Guildbank-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *
 * Inbound webhooks also carry a `nonce` (16 to 128 characters) inside the signed JSON body; the
 * database refuses a nonce used before (WH001) and a timestamp outside the window (WH002).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const TIMESTAMP_HEADER = "x-guildbank-timestamp";
export const SIGNATURE_HEADER = "x-guildbank-signature";
/** The accepted clock difference, in seconds (issue #6: 5 minutes). */
export const SIGNATURE_WINDOW_S = 300;

/**
 * Signs a request body.
 *
 * @param secret - the shared key.
 * @param timestamp - unix seconds, as sent in `X-Guildbank-Timestamp`.
 * @param body - the exact bytes of the body.
 * @returns the `X-Guildbank-Signature` value, `sha256=<64 hex digits>`.
 */
export function sign(secret: string, timestamp: string, body: string | Buffer): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex")}`;
}

/** Why a signature was refused. */
export type SignatureProblem = "missing" | "malformed" | "stale" | "mismatch";

/**
 * Verifies a signed request: header shapes, the timestamp window, then the HMAC, compared in
 * constant time.
 *
 * @param secret - the shared key.
 * @param timestamp - the `X-Guildbank-Timestamp` header (unix seconds), if any.
 * @param signature - the `X-Guildbank-Signature` header, if any.
 * @param body - the raw body bytes.
 * @param nowMs - the current time in milliseconds (default `Date.now()`).
 * @returns null when valid, else the problem.
 */
export function verifySignature(
  secret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  body: Buffer,
  nowMs = Date.now(),
): SignatureProblem | null {
  if (!timestamp || !signature) return "missing";
  if (!/^\d{1,12}$/.test(timestamp) || !/^sha256=[0-9a-f]{64}$/i.test(signature)) return "malformed";
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SIGNATURE_WINDOW_S) return "stale";
  const expected = Buffer.from(sign(secret, timestamp, body).slice(7), "hex");
  const given = Buffer.from(signature.slice(7), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected) ? null : "mismatch";
}
