/**
 * A small incremental parser of `text/event-stream` bodies following the HTML specification's
 * rules for the fields the server sends (`event`, `data`, `id`, `retry`, comments). Shared by
 * server/__tests__/streams.test.ts and bench/stream.
 */

/** One dispatched event. */
export interface SseEvent {
  /** The `event` field, `message` when none was given. */
  type: string;
  /** The `data` lines joined by newlines. */
  data: string;
  /** The stream's last event id once this event was dispatched. */
  lastEventId: string;
}

/**
 * Parses a stream's decoded text chunk by chunk; a line split between chunks is kept until its
 * end arrives. Holds the stream's state: last event id, reconnection time, comment count.
 */
export class SseParser {
  /** The last event id (set from `id` fields when an event, or a blank line, is dispatched). */
  lastEventId: string;
  /** The last valid `retry` field, in milliseconds; null before any. */
  retry: number | null = null;
  /** Comment lines (`:` heartbeats) seen. */
  comments = 0;
  #idBuffer: string;
  #buffer = "";
  #type = "";
  #data = "";

  /** @param lastEventId - the id the connection resumed from (`Last-Event-ID`), or "". */
  constructor(lastEventId = "") {
    this.lastEventId = this.#idBuffer = lastEventId;
  }

  /**
   * Feeds decoded text.
   *
   * @param text - the next chunk of the body, as decoded text.
   * @returns the events this chunk completed, in order (none when it ended mid-event).
   */
  push(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    this.#buffer += text;
    const lines = this.#buffer.split(/\r\n|\r|\n/);
    this.#buffer = lines.pop()!;
    for (const line of lines) {
      if (line === "") {
        this.lastEventId = this.#idBuffer;
        if (this.#data !== "") events.push({ type: this.#type || "message", data: this.#data.slice(0, -1), lastEventId: this.lastEventId });
        this.#type = this.#data = "";
        continue;
      }
      if (line.startsWith(":")) {
        this.comments++;
        continue;
      }
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let v = colon < 0 ? "" : line.slice(colon + 1);
      if (v.startsWith(" ")) v = v.slice(1);
      if (field === "event") this.#type = v;
      else if (field === "data") this.#data += `${v}\n`;
      else if (field === "id" && !v.includes("\0")) this.#idBuffer = v;
      else if (field === "retry" && /^\d+$/.test(v)) this.retry = Number(v);
    }
    return events;
  }
}
