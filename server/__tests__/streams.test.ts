/**
 * The live streams (/streams/tx, /streams/alerts) against the real test database and a real
 * server, read with a small spec-following SSE parser over fetch.
 *
 * STREAM_TEST_SECONDS (default 6) sets the length of the throughput case (100 tx/min). The suite runs the
 * short correctness version; the timed one (120 s, heartbeats included) is `npm run bench:stream-soak`.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import cookieParser from "cookie-parser";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@guildbank/lib";
import { sessionMiddleware } from "../src/auth/sessions.ts";
import { LISTENER_APPLICATION_NAME, createStreamHub, type StreamHub } from "../src/streams/index.ts";
import { clientFor, createGuild, dbUrls, startTestServer, superuserPool } from "./helpers.ts";
import { SseParser, type SseEvent } from "./sse.ts";

// ---------------------------------------------------------------- a small SSE client

interface SseMessage extends SseEvent {
  /** performance.now() when its chunk arrived. */
  at: number;
}

/** One EventSource-like connection: parses the stream as the HTML specification does. */
class SseConnection {
  readonly messages: SseMessage[] = [];
  closed = false;
  readonly #abort: AbortController;
  readonly #parser: SseParser;
  #waiters = new Set<() => void>();

  readonly response: Response;

  constructor(response: Response, abort: AbortController, lastEventId: string) {
    this.response = response;
    this.#abort = abort;
    this.#parser = new SseParser(lastEventId);
    void this.#read();
  }

  /** The stream's last event id (the resumed one until an event or blank line updates it). */
  get lastEventId(): string {
    return this.#parser.lastEventId;
  }

  /** Comment lines (heartbeats) received. */
  get comments(): number {
    return this.#parser.comments;
  }

  /** The last `retry` field, in milliseconds; null before any. */
  get retry(): number | null {
    return this.#parser.retry;
  }

  async #read(): Promise<void> {
    const reader = this.response.body!.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const at = performance.now();
        for (const event of this.#parser.push(value)) this.messages.push({ ...event, at });
        this.#notify();
      }
    } catch {
      // aborted
    } finally {
      this.closed = true;
      this.#notify();
    }
  }

  #notify() {
    for (const w of [...this.#waiters]) w();
  }

  /** Resolves with the first message (from the start) matching `pred`. */
  waitFor(pred: (m: SseMessage) => boolean, timeoutMs = 5_000, what = "message"): Promise<SseMessage> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.messages.find(pred);
        if (m) {
          cleanup();
          resolve(m);
        } else if (this.closed) {
          cleanup();
          reject(new Error(`stream closed while waiting for ${what}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Resolves when `pred()` holds (checked after every chunk). */
  until(pred: () => boolean, timeoutMs = 5_000, what = "condition"): Promise<void> {
    return this.waitFor(() => pred(), timeoutMs, what).then(() => undefined);
  }

  /** The data events (`tx` or `alert`), parsed. */
  rows(type = "tx"): Record<string, unknown>[] {
    return this.messages.filter((m) => m.type === type).map((m) => parseRow(m.data));
  }

  close(): void {
    this.#abort.abort();
  }
}

/** Parses an event row; integers beyond 2^53 (snowflakes) keep their exact digits as strings. */
function parseRow(text: string): Record<string, unknown> {
  const reviver = (_k: string, v: unknown, ctx?: { source?: string }) =>
    typeof v === "number" && !Number.isSafeInteger(v) && ctx?.source ? ctx.source : v;
  return JSON.parse(text, reviver as (k: string, v: unknown) => unknown) as Record<string, unknown>;
}

/**
 * Opens an SSE connection.
 *
 * @returns the connection (status 200) or the refused response.
 */
async function openSse(
  baseUrl: string,
  path: string,
  opts: { cookie?: string; lastEventId?: string } = {},
): Promise<{ status: number; res: Response; conn?: SseConnection; body?: string }> {
  const abort = new AbortController();
  const headers: Record<string, string> = { accept: "text/event-stream" };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.lastEventId) headers["last-event-id"] = opts.lastEventId;
  const res = await fetch(`${baseUrl}${path}`, { headers, signal: abort.signal });
  if (res.status !== 200) return { status: res.status, res, body: await res.text() };
  return { status: 200, res, conn: new SseConnection(res, abort, opts.lastEventId ?? "") };
}

/** Opens a stream that must succeed and waits for its `ready` event. */
async function subscribe(baseUrl: string, path: string, opts: { cookie?: string; lastEventId?: string } = {}): Promise<SseConnection> {
  const r = await openSse(baseUrl, path, opts);
  if (!r.conn) throw new Error(`${path}: ${r.status} ${r.body}`);
  await r.conn.waitFor((m) => m.type === "ready", 5_000, "ready");
  return r.conn;
}

// ---------------------------------------------------------------- fixtures

let server: Awaited<ReturnType<typeof startTestServer>>;
let db: pg.Pool;
const open: SseConnection[] = [];

beforeAll(async () => {
  db = superuserPool();
  server = await startTestServer();
});
afterAll(async () => {
  for (const c of open) c.close();
  await server?.close();
  await db?.end();
});

function track(c: SseConnection): SseConnection {
  open.push(c);
  return c;
}

interface Guild {
  guildId: string;
  memberIds: string[];
  /** discord id → internal user id. */
  userIds: Map<string, string>;
}

async function fundedGuild(members: number): Promise<Guild> {
  const g = await createGuild(db, members, 100_000);
  await db.query("update app_public.guild_settings set give_rate_limit = 10000 where guild_id = $1", [g.guildId]);
  const { rows } = await db.query<{ id: string; discord_id: string }>("select id, discord_id from app_public.users where guild_id = $1", [g.guildId]);
  return { ...g, userIds: new Map(rows.map((r) => [r.discord_id, r.id])) };
}

/** A give committed as superuser through the real rule (autocommit): returns its tx_id. */
async function give(g: Guild, from: number, to: number, on: pg.Pool | pg.PoolClient = db): Promise<string> {
  const { rows } = await on.query<{ tx_id: string }>("select (app_private.give_from($1, $2, 1, $3)).tx_id", [
    g.userIds.get(g.memberIds[from]),
    g.memberIds[to],
    randomUUID(),
  ]);
  return rows[0].tx_id;
}

const staffCookie = async (g: { guildId: string }) =>
  (await clientFor(server, { guildId: g.guildId, discordId: "900000000000000001", kind: "staff", staffRole: "ADMIN" })).cookie!;
const memberCookie = async (g: { guildId: string; memberIds: string[] }, i: number) =>
  (await clientFor(server, { guildId: g.guildId, discordId: g.memberIds[i], kind: "player" })).cookie!;

const txIds = (c: SseConnection) => c.rows("tx").map((r) => r.tx_id as string);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// ---------------------------------------------------------------- cases

describe("authorisation and protocol", () => {
  it("refuses anonymous clients (401) and members on the alert stream (403)", async () => {
    const g = await fundedGuild(2);
    expect((await openSse(server.url, "/streams/tx")).status).toBe(401);
    expect((await openSse(server.url, "/streams/alerts")).status).toBe(401);
    const member = await memberCookie(g, 0);
    const refused = await openSse(server.url, "/streams/alerts", { cookie: member });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body!)).toEqual({ error: "permission_denied" });
    expect((await fetch(`${server.url}/streams/tx`, { method: "HEAD", headers: { cookie: member } })).status).toBe(405);
    // A forged or stale cookie is anonymous.
    expect((await openSse(server.url, "/streams/tx", { cookie: "gb_session=" + "x".repeat(43) })).status).toBe(401);
  });

  it("the community stream (issue 14): staff only, ?events= filters the kinds, a stock change arrives live", async () => {
    const g = await fundedGuild(1);
    const member = await memberCookie(g, 0);
    expect((await openSse(server.url, "/streams/community", { cookie: member })).status).toBe(403);
    const staff = await staffCookie(g);
    const bad = await openSse(server.url, "/streams/community?events=task,nope", { cookie: staff });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body!)).toEqual({ error: "invalid_argument", argument: "events" });
    const conn = track(await subscribe(server.url, "/streams/community?backlog=0&events=stock", { cookie: staff }));
    await db.query("insert into app_public.tasks (guild_id, name, reward) values ($1, 'Ignored task', 5)", [g.guildId]);
    await db.query("insert into app_public.rewards (guild_id, sku, name, category, price, stock) values ($1, 'cookie', 'Cookie', 'cosmetic', 10, 5)", [g.guildId]);
    await db.query("update app_public.rewards set stock = 4 where guild_id = $1 and sku = 'cookie'", [g.guildId]);
    await conn.until(() => conn.rows("community").length >= 2, 5_000, "two stock events");
    const rows = conn.rows("community");
    expect(rows.map((r) => [r.kind, r.change, (r.data as { stock: number }).stock])).toEqual([["stock", "create", 5], ["stock", "update", 4]]);
    expect(rows.every((r) => r.subject_id === "cookie")).toBe(true);
    conn.close();
  });

  it("answers with event-stream headers, a retry hint, the backlog and a ready event carrying the cursor", async () => {
    const g = await fundedGuild(2);
    const first = await give(g, 0, 1);
    const second = await give(g, 1, 0);
    const r = await openSse(server.url, "/streams/tx?backlog=1", { cookie: await staffCookie(g) });
    expect(r.status).toBe(200);
    expect(r.res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(r.res.headers.get("cache-control")).toMatch(/no-cache/);
    expect(r.res.headers.get("x-accel-buffering")).toBe("no");
    const conn = track(r.conn!);
    const ready = await conn.waitFor((m) => m.type === "ready");
    expect(conn.retry).toBeGreaterThan(0);
    expect(txIds(conn)).toEqual([second]); // backlog=1: only the latest
    expect(first).not.toBe(second);
    expect(ready.lastEventId).toMatch(/^\d+:\d+:/);
    expect(JSON.parse(ready.data)).toMatchObject({ cursor: ready.lastEventId, events: 1 });
    conn.close();

    // The default backlog holds both, oldest first.
    const all = track(await subscribe(server.url, "/streams/tx", { cookie: await staffCookie(g) }));
    expect(txIds(all).slice(-2)).toEqual([first, second]);
    all.close();
  });

  it("rejects a malformed cursor (400) from Last-Event-ID or ?cursor=", async () => {
    const g = await fundedGuild(1);
    const cookie = await staffCookie(g);
    for (const r of [
      await openSse(server.url, "/streams/tx", { cookie, lastEventId: "not-a-snapshot" }),
      await openSse(server.url, "/streams/tx?cursor=12:10:zz", { cookie }),
      await openSse(server.url, "/streams/alerts?backlog=-1", { cookie }),
    ]) {
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body!).error).toBe("invalid_argument");
    }
    // Well-formed but not a snapshot PostgreSQL accepts (xmin > xmax; xip outside [xmin, xmax); xmin 0).
    for (const cursor of ["20:10:", "10:20:25", "10:20:15,12", "0:5:"]) {
      const bad = await openSse(server.url, `/streams/tx?cursor=${cursor}`, { cookie });
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.body!)).toEqual({ error: "invalid_argument", argument: "cursor" });
    }
    // A valid one far in the past replays the guild's whole history (here: its funding) and goes live.
    const old = track(await subscribe(server.url, "/streams/tx?cursor=3:3:", { cookie }));
    expect(old.rows().map((r) => r.reason)).toEqual(["admin_adjust"]);
    old.close();
  });
});

describe("isolation", () => {
  it("a member sees only their own transactions; staff their guild; nobody another guild's", async () => {
    const g = await fundedGuild(4);
    const other = await fundedGuild(2);
    const member = track(await subscribe(server.url, "/streams/tx?backlog=0", { cookie: await memberCookie(g, 0) }));
    const staff = track(await subscribe(server.url, "/streams/tx?backlog=0", { cookie: await staffCookie(g) }));
    const otherStaff = track(await subscribe(server.url, "/streams/tx?backlog=0", { cookie: await staffCookie(other) }));

    const a = await give(g, 0, 1); // member 0 sends
    const b = await give(g, 1, 2); // not member 0's
    const c = await give(g, 2, 0); // member 0 receives
    const d = await give(other, 0, 1); // another guild
    const e = await give(g, 3, 0); // sentinel
    await member.waitFor((m) => m.type === "tx" && parseRow(m.data).tx_id === e);
    await staff.waitFor((m) => m.type === "tx" && parseRow(m.data).tx_id === e);
    await otherStaff.waitFor((m) => m.type === "tx" && parseRow(m.data).tx_id === d);

    expect(txIds(member)).toEqual([a, c, e]);
    expect(txIds(staff)).toEqual([a, b, c, e]);
    expect(txIds(otherStaff)).toEqual([d]);
    // Every event names its guild (exact snowflake) and carries the row, without the internal xid.
    for (const row of [...member.rows(), ...staff.rows()]) {
      expect(row.guild_id).toBe(g.guildId);
      expect(row).not.toHaveProperty("xid");
      expect(row).toHaveProperty("seq");
    }
  });

  it("alerts: staff get their guild's and guild-less alerts, never another guild's", async () => {
    const g = await fundedGuild(1);
    const other = await fundedGuild(1);
    const staff = track(await subscribe(server.url, "/streams/alerts?backlog=0", { cookie: await staffCookie(g) }));
    const raise = async (guildId: string | null, message: string) =>
      (await db.query<{ id: string }>("select (app_hidden.raise_alert($1, 'warning', 'stream_test', $2)).id", [guildId, message])).rows[0].id;
    const mine = await raise(g.guildId, "mine");
    await raise(other.guildId, "not mine");
    const global = await raise(null, "everyone's");
    await staff.waitFor((m) => m.type === "alert" && String(parseRow(m.data).id) === String(global));
    expect(staff.rows("alert").map((r) => [String(r.id), r.message])).toEqual([
      [String(mine), "mine"],
      [String(global), "everyone's"],
    ]);
  });
});

describe("delivery guarantees", () => {
  it("out-of-order commits: both arrive in commit order, and a client that left between them gets the late one on resume", async () => {
    const g = await fundedGuild(4);
    const cookie = await staffCookie(g);
    const stay = track(await subscribe(server.url, "/streams/tx?backlog=0", { cookie }));
    const leave = track(await subscribe(server.url, "/streams/tx?backlog=0", { cookie }));

    const txA = await db.connect();
    try {
      await txA.query("begin");
      const a = await give(g, 0, 1, txA); // inserted first (lower seq), not committed
      const b = await give(g, 2, 3); // inserted and committed after it
      await stay.waitFor((m) => m.type === "tx" && parseRow(m.data).tx_id === b);
      const seen = await leave.waitFor((m) => m.type === "tx" && parseRow(m.data).tx_id === b);
      leave.close();
      const resumeFrom = seen.lastEventId;
      expect(resumeFrom).not.toBe("");

      await txA.query("commit");
      await stay.waitFor((m) => m.type === "tx" && parseRow(m.data).tx_id === a);
      expect(txIds(stay)).toEqual([b, a]);
      const [rowB, rowA] = stay.rows();
      expect(Number(rowA.seq)).toBeLessThan(Number(rowB.seq)); // seq order is not commit order

      // Resuming with Last-Event-ID (a browser's reconnect) and with ?cursor= (a polyfill).
      const resumed = track(await subscribe(server.url, "/streams/tx", { cookie, lastEventId: resumeFrom }));
      expect(txIds(resumed)).toEqual([a]);
      const viaQuery = track(await subscribe(server.url, `/streams/tx?cursor=${encodeURIComponent(resumeFrom)}`, { cookie }));
      expect(txIds(viaQuery)).toEqual([a]);
      // Last-Event-ID wins over the URL's cursor (the browser keeps the URL it was opened with).
      const both = track(await subscribe(server.url, `/streams/tx?cursor=${encodeURIComponent(resumeFrom)}`, { cookie, lastEventId: resumed.lastEventId }));
      expect(txIds(both)).toEqual([]);
    } finally {
      await txA.query("rollback").catch(() => {});
      txA.release();
    }
  });

  it("a batch carries its id on its last event only; resuming from mid-batch replays the batch (at-least-once)", async () => {
    const g = await fundedGuild(4);
    const cookie = await staffCookie(g);
    const conn = track(await subscribe(server.url, "/streams/tx?backlog=0", { cookie }));
    const before = conn.lastEventId;
    const c = await db.connect();
    const ids: string[] = [];
    try {
      await c.query("begin");
      for (const [from, to] of [[0, 1], [1, 2], [2, 3]]) ids.push(await give(g, from, to, c));
      await c.query("commit");
    } finally {
      c.release();
    }
    await conn.waitFor((m) => m.type === "tx" && parseRow(m.data).tx_id === ids[2]);
    const batch = conn.messages.filter((m) => m.type === "tx");
    expect(batch.map((m) => parseRow(m.data).tx_id)).toEqual(ids);
    expect(batch.map((m) => m.lastEventId)).toEqual([before, before, conn.lastEventId]);
    expect(conn.lastEventId).not.toBe(before);
    // A client that dropped after the batch's first event still holds `before`: it gets the whole batch again.
    const again = track(await subscribe(server.url, "/streams/tx", { cookie, lastEventId: before }));
    expect(txIds(again)).toEqual(ids);
  });

  it("misses nothing across a lost LISTEN connection (reconnect, re-LISTEN, re-read)", async () => {
    const g = await fundedGuild(2);
    const conn = track(await subscribe(server.url, "/streams/tx?backlog=0", { cookie: await staffCookie(g) }));
    const killed = await db.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1", [LISTENER_APPLICATION_NAME]);
    expect(killed.rowCount).toBe(1);
    // Committed while nobody listens: its NOTIFY goes nowhere.
    const lost = await give(g, 0, 1);
    await conn.waitFor((m) => m.type === "tx" && parseRow(m.data).tx_id === lost, 10_000, "the tx committed during the outage");
    // Live again after the reconnect.
    const after = await give(g, 1, 0);
    await conn.waitFor((m) => m.type === "tx" && parseRow(m.data).tx_id === after, 5_000, "a tx after the reconnect");
    expect(txIds(conn)).toEqual([lost, after]);
    const { rows } = await db.query("select count(*)::int as n from pg_stat_activity where application_name = $1", [LISTENER_APPLICATION_NAME]);
    expect(rows[0].n).toBe(1);
  });

  const seconds = Number(process.env.STREAM_TEST_SECONDS ?? 6);
  it(
    `throughput: 100 tx/min for ${seconds} s, every event once, in commit order, within 2 s, across a dropped and resumed connection`,
    async () => {
      const g = await fundedGuild(6);
      const cookie = await staffCookie(g);
      const intervalMs = 600; // 100 tx/min
      const total = Math.max(10, Math.round((seconds * 1000) / intervalMs));
      const dropAfter = Math.floor(total / 2);

      interface Received {
        txId: string;
        at: number;
        conn: number;
      }
      const received: Received[] = [];
      let conns: SseConnection[] = [];
      const collect = (conn: SseConnection, n: number) => {
        let seen = 0;
        return () => {
          for (; seen < conn.messages.length; seen++) {
            const m = conn.messages[seen];
            if (m.type === "tx") received.push({ txId: parseRow(m.data).tx_id as string, at: m.at, conn: n });
          }
        };
      };
      const pumps: (() => void)[] = [];
      const poller = setInterval(() => pumps.forEach((p) => p()), 5);

      const first = track(await subscribe(server.url, "/streams/tx?backlog=0", { cookie }));
      conns.push(first);
      pumps.push(collect(first, 1));

      const written: { txId: string; committedAt: number }[] = [];
      let droppedAt = Infinity;
      let resumedAt = Infinity;
      const start = performance.now();
      let resuming: Promise<void> | null = null;
      for (let i = 0; i < total; i++) {
        const due = start + i * intervalMs;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        if (i === dropAfter) {
          // Drop the connection; reconnect ~1.5 s later from its last event id (as a browser would).
          pumps.forEach((p) => p());
          first.close();
          droppedAt = performance.now();
          resuming = (async () => {
            await sleep(1_500);
            const again = track(await subscribe(server.url, "/streams/tx", { cookie, lastEventId: first.lastEventId }));
            resumedAt = performance.now();
            conns.push(again);
            pumps.push(collect(again, 2));
          })();
        }
        const txId = await give(g, i % 6, (i + 1) % 6);
        written.push({ txId, committedAt: performance.now() });
      }
      await resuming;
      const last = written[written.length - 1].txId;
      await conns[conns.length - 1].waitFor((m) => m.type === "tx" && parseRow(m.data).tx_id === last, 10_000, "the last tx");
      pumps.forEach((p) => p());
      clearInterval(poller);

      // Exactly once per connection; a duplicate only across the reconnect.
      for (const n of [1, 2]) {
        const ids = received.filter((r) => r.conn === n).map((r) => r.txId);
        expect(new Set(ids).size).toBe(ids.length);
      }
      const firstSeen = new Map<string, Received>();
      for (const r of received) if (!firstSeen.has(r.txId)) firstSeen.set(r.txId, r);
      const duplicates = received.length - firstSeen.size;
      // In commit order, none lost, nothing foreign.
      expect([...firstSeen.keys()]).toEqual(written.map((w) => w.txId));

      // Latency commit → receipt, for every tx committed while a connection was up.
      const latencies: number[] = [];
      for (const w of written) {
        if (w.committedAt >= droppedAt && w.committedAt <= resumedAt) continue; // replayed on resume
        latencies.push(firstSeen.get(w.txId)!.at - w.committedAt);
      }
      latencies.sort((a, b) => a - b);
      const replayed = written.length - latencies.length;
      const summary = {
        events: written.length,
        seconds: Math.round((performance.now() - start) / 100) / 10,
        replayedOnResume: replayed,
        duplicatesAcrossReconnect: duplicates,
        p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
        p99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
        maxMs: Math.round(latencies[latencies.length - 1] * 10) / 10,
        heartbeats: conns.reduce((n, c) => n + c.comments, 0),
      };
      console.log("stream throughput:", JSON.stringify(summary));
      expect(replayed).toBeGreaterThan(0); // the drop really lost live delivery for a while
      // Every event arrived, none stuck: latency targets are measured by npm run bench:stream, not asserted here.
      expect(latencies[latencies.length - 1]).toBeLessThan(10_000);
      if (seconds >= 40) expect(summary.heartbeats).toBeGreaterThan(0);
      conns.forEach((c) => c.close());
      conns = [];
    },
    (seconds + 90) * 1000,
  );
});

describe("hub behaviour (own hub with short timers)", () => {
  let hub: StreamHub;
  let http: Server;
  let url: string;

  beforeAll(async () => {
    const app = express();
    app.use(cookieParser(), sessionMiddleware(server.pool));
    http = createServer(app);
    hub = createStreamHub({
      connectionString: dbUrls().authenticator,
      pool: server.pool,
      logger: createLogger("streams-test", "silent"),
      heartbeatMs: 150,
      sessionCheckMs: 300,
    });
    app.use("/streams", hub.router);
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    hub.drain();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await hub.close();
  });

  it("reads once per guild and audience per commit, shared by its subscribers (issue 12)", async () => {
    const g = await fundedGuild(3);
    // Six staff clients (one audience), two clients of member 0 (another), one of member 1 (a third).
    const staff = await Promise.all(Array.from({ length: 6 }, async () => track(await subscribe(url, "/streams/tx?backlog=0", { cookie: await staffCookie(g) }))));
    const member0 = await Promise.all([0, 0].map(async (i) => track(await subscribe(url, "/streams/tx?backlog=0", { cookie: await memberCookie(g, i) }))));
    const member1 = track(await subscribe(url, "/streams/tx?backlog=0", { cookie: await memberCookie(g, 1) }));
    // The first commit may still find the new clients' cursors apart (one call per distinct cursor,
    // one statement per audience); after it each audience shares one cursor.
    const first = await give(g, 0, 2);
    for (const c of [...staff, ...member0]) await c.waitFor((m) => m.type === "tx" && parseRow(m.data).tx_id === first);
    await member1.until(() => member1.lastEventId !== null, 3_000, "an id");
    await sleep(100);
    const reads0 = hub.stats.reads;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await give(g, i % 2, 2)); // members 0 and 1 in turn
      for (const c of staff) await c.waitFor((m) => m.type === "tx" && parseRow(m.data).tx_id === ids[i]);
      await sleep(50);
    }
    for (const c of member0) await c.waitFor((m) => m.type === "tx" && parseRow(m.data).tx_id === ids[4]);
    await member1.waitFor((m) => m.type === "tx" && parseRow(m.data).tx_id === ids[3]);
    await sleep(100);
    const reads = hub.stats.reads - reads0;
    // Three audiences, five commits: at most one read per audience per commit (coalescing may
    // fold some), never one per subscriber (9 per commit).
    expect(reads).toBeGreaterThanOrEqual(5);
    expect(reads).toBeLessThanOrEqual(3 * 5);
    for (const c of staff) expect(txIds(c)).toEqual([first, ...ids]);
    for (const c of member0) expect(txIds(c)).toEqual([first, ids[0], ids[2], ids[4]]);
    expect(txIds(member1)).toEqual([ids[1], ids[3]]);
  });

  it("sends heartbeats and moves a member's id past other members' trades without events", async () => {
    const g = await fundedGuild(3);
    const member = track(await subscribe(url, "/streams/tx?backlog=0", { cookie: await memberCookie(g, 0) }));
    const startId = member.lastEventId;
    await give(g, 1, 2); // not member 0's
    await member.until(() => member.lastEventId !== startId, 3_000, "a bare id");
    expect(member.comments).toBeGreaterThan(0);
    expect(member.rows()).toEqual([]);
    // The moved id still resumes exactly.
    const mine = await give(g, 2, 0);
    await member.waitFor((m) => m.type === "tx" && parseRow(m.data).tx_id === mine);
    expect(hub.stats.clients.tx).toBeGreaterThanOrEqual(1);
    expect(hub.stats.listener.connected).toBe(true);
    expect(hub.stats.deliveryLatencyMs.count).toBeGreaterThan(0);
  });

  it("ends the stream once the session is logged out", async () => {
    const g = await fundedGuild(1);
    const client = await clientFor(server, { guildId: g.guildId, discordId: g.memberIds[0], kind: "player" });
    const conn = track(await subscribe(url, "/streams/tx?backlog=0", { cookie: client.cookie }));
    const cookie = client.cookie;
    await client.logout();
    const end = await conn.waitFor((m) => m.type === "end", 3_000, "end");
    expect(JSON.parse(end.data)).toEqual({ reason: "session_ended" });
    await conn.until(() => conn.closed, 3_000, "close");
    expect((await openSse(url, "/streams/tx", { cookie })).status).toBe(401);
  });

  it("counts clients and releases them on disconnect", async () => {
    const g = await fundedGuild(1);
    const cookie = await staffCookie(g);
    const before = hub.stats.clients;
    const a = track(await subscribe(url, "/streams/alerts?backlog=0", { cookie }));
    const b = track(await subscribe(url, "/streams/tx?backlog=0", { cookie }));
    expect(hub.stats.clients).toEqual({ tx: before.tx + 1, alerts: before.alerts + 1, community: before.community });
    a.close();
    b.close();
    for (let i = 0; i < 50 && hub.stats.clients.tx + hub.stats.clients.alerts > before.tx + before.alerts; i++) await sleep(20);
    expect(hub.stats.clients).toEqual(before);
  });

  it("closing the server ends open streams instead of waiting for them", async () => {
    const own = await startTestServer();
    const g = await fundedGuild(1);
    const conn = track(await subscribe(own.url, "/streams/tx?backlog=0", { cookie: await staffCookie(g) }));
    const started = performance.now();
    await own.close();
    // A server that waited for its streams would hang here until the client left; ending them is quick
    // (tens of ms when idle). The bound is loose on purpose: how fast is bench/ territory, not a test's.
    expect(performance.now() - started).toBeLessThan(10_000);
    const end = await conn.waitFor((m) => m.type === "end", 1_000, "end");
    expect(JSON.parse(end.data)).toEqual({ reason: "server_closing" });
  });
});
