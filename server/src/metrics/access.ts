/**
 * Who may scrape `/metrics` (the server's route and the worker's listener):
 *
 * - `METRICS_TOKEN` set: only requests with `Authorization: Bearer <METRICS_TOKEN>` (compared in
 *   constant time); anything else is answered 401.
 * - `METRICS_TOKEN` unset: only loopback clients (127.0.0.0/8, ::1). Behind a reverse proxy on
 *   the same host every connection comes from loopback, so the client address the proxy reports
 *   (`X-Forwarded-For`, trusted per `TRUST_PROXY`) must be loopback too; anything else is answered
 *   403. A proxy that does not send `X-Forwarded-For` makes every client look local: set
 *   `METRICS_TOKEN`, or do not route `/metrics` through it.
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** The decision for one scrape. */
export type MetricsAccess = "ok" | "unauthorized" | "forbidden";

/**
 * Whether an address is a loopback address (IPv4 127.0.0.0/8, its IPv4-mapped IPv6 form, or ::1).
 *
 * @param address - an IP address as node reports it (may be undefined for a closed socket).
 * @returns true for loopback.
 */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase();
  return a === "::1" || a.startsWith("127.") || a.startsWith("::ffff:127.");
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * Decides whether a scrape is allowed (see the module comment).
 *
 * @param token - `METRICS_TOKEN`, or undefined.
 * @param request - the `Authorization` header, the socket's peer address and, behind trusted
 *   proxies, the client address they report (express `req.ip`).
 * @returns `ok`, `unauthorized` (token missing or wrong: answer 401) or `forbidden` (not loopback: answer 403).
 */
export function checkMetricsAccess(
  token: string | undefined,
  request: { authorization: string | undefined; socketAddress: string | undefined; clientAddress?: string | undefined },
): MetricsAccess {
  if (token) {
    const header = request.authorization ?? "";
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (!match) return "unauthorized";
    // Hash both sides: timingSafeEqual needs equal lengths, and the length must not leak either.
    return timingSafeEqual(digest(match[1]), digest(token)) ? "ok" : "unauthorized";
  }
  if (!isLoopback(request.socketAddress)) return "forbidden";
  if (request.clientAddress !== undefined && !isLoopback(request.clientAddress)) return "forbidden";
  return "ok";
}
