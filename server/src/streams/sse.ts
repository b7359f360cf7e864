/**
 * Server-Sent Events wire format (WHATWG HTML, "Server-sent events"): the few blocks the live
 * streams write. Every function returns a complete block ending in a blank line, so a block is
 * written with one `res.write` and a client never sees half of one.
 */

/** The response headers of an event stream. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  // nginx and similar proxies must not buffer the stream.
  "X-Accel-Buffering": "no",
  // The connection is dedicated to the stream: when the server ends it, close the socket too
  // (a graceful shutdown then needs no keep-alive timeout).
  Connection: "close",
};

/** An SSE field value must not contain CR or LF (nor NUL in `id`). */
const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Formats one event block.
 *
 * @param event - the event type (`event:` field); the browser dispatches it to `addEventListener(event, …)`.
 * @param data - the payload; line breaks become several `data:` lines, as the format requires.
 * @param id - when given, the `id:` field: the client's last event id from then on (sent back as `Last-Event-ID`).
 * @returns the block, ending in a blank line.
 */
export function sseEvent(event: string, data: string, id?: string): string {
  let block = `event: ${event}\n`;
  for (const line of data.split(LINE_BREAK)) block += `data: ${line}\n`;
  if (id !== undefined) block += `id: ${id}\n`;
  return `${block}\n`;
}

/**
 * Formats a block that only moves the client's last event id. Per the specification a block with
 * an `id:` and no `data:` sets the last event id without dispatching any event, so listeners see
 * nothing and a reconnect resumes from `id`.
 *
 * @param id - the new last event id.
 */
export function sseId(id: string): string {
  return `id: ${id}\n\n`;
}

/**
 * Formats a comment block (ignored by clients; keeps proxies and load balancers from timing the
 * connection out).
 *
 * @param text - the comment (one line).
 */
export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, " ")}\n\n`;
}

/**
 * Formats the reconnection-delay hint.
 *
 * @param ms - how long the browser should wait before reconnecting after the connection drops.
 */
export function sseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n\n`;
}
