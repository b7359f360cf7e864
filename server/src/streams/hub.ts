/**
 * The live streams: `GET /streams/tx` (the transaction feed), `GET /streams/alerts` (ops alerts,
 * staff only) and `GET /streams/community` (issue 14: task, claim, stock and announcement changes,
 * staff only, filtered by `?events=task,task_claim,stock,announcement`) as Server-Sent Events.
 *
 * How it works (ARCHITECTURE.md "Live feed"):
 * - One dedicated connection (not from the pool) LISTENs on `tx_stream` and `ops_alerts`; the
 *   triggers NOTIFY with the row's guild id ('' for a guild-less alert) at commit. On connection
 *   loss it reconnects with backoff and re-LISTENs, then every subscriber re-reads from its
 *   cursor, so notifications lost while disconnected lose no events.
 * - Each subscriber keeps its own cursor (a `pg_snapshot` text). Subscribers are grouped by stream,
 *   guild and audience (what RLS lets them see: the guild's staff at one staff role, or one member),
 *   and a notification for the guild schedules ONE read per group (issue 12), not one per
 *   subscriber: a single statement calls `app_hidden.transactions_since` / `alerts_since` once per
 *   distinct cursor of the group, with the claims of the audience, inside a REPEATABLE READ
 *   transaction, so every call sees the same snapshot and returns the same next cursor. After one
 *   shared read the group's cursors are equal, so each later commit costs one function call per
 *   group. Bursts coalesce (one read in flight per group, and one more if notified meanwhile).
 * - The NOTIFY only says "something committed"; the events always come from the table, by
 *   snapshot visibility, so nothing is lost or reordered by late commits or dropped notifications.
 *
 * Wire format (choice: the id rides on the LAST event of each batch):
 * - `retry: <ms>` first, then the backlog (the last `backlog` events for a new client, or the
 *   replay since `Last-Event-ID` / `?cursor=` for a resuming one) as `event: tx` (or `alert`)
 *   blocks without ids, then `event: ready` carrying `id: <cursor>`.
 * - Live: each batch is written as one chunk of `event: tx|alert` blocks whose data is the row as
 *   JSON (exactly as PostgreSQL renders it: bigint snowflakes are JSON numbers beyond 2^53, so a
 *   JavaScript client should parse them with a source-aware reviver); only the batch's last
 *   event carries `id: <cursor>`. A client that drops mid-batch resumes from the previous batch's
 *   cursor and receives that batch's remainder again: delivery is at-least-once across a
 *   reconnect, and clients dedupe by `tx_id` (alerts: `id`), present in every event.
 * - When reads advance the cursor without events for this client (a member, while others trade),
 *   the next heartbeat sends a bare `id: <cursor>` block, which moves the browser's last event id
 *   without dispatching an event, so resuming stays cheap.
 * - `event: reset` (with `id:`) when the client is too far behind to replay (the read function's
 *   `truncated`): reload state, then keep listening. `event: end` just before the server closes
 *   the stream (session expired or revoked, shutdown).
 * - `: ping` comment every 15 s.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import express, { type Request, type Response, type Router } from "express";
import pg from "pg";
import { claimsToSettings, decodeDbError, withClaims, type Claims, type Logger } from "@guildbank/lib";
import { SESSION_COOKIE, hashToken, requestClaims } from "../auth/sessions.ts";
import { SSE_HEADERS, sseComment, sseEvent, sseId, sseRetry } from "./sse.ts";

/** The two live streams. */
export type StreamKind = "tx" | "alerts" | "community";

/** The kinds of community events (issue 14), the `?events=` subscription filter of `/streams/community`. */
export const COMMUNITY_EVENT_KINDS = ["task", "task_claim", "stock", "announcement"] as const;

/**
 * The `application_name` of the LISTEN connection, `guildbank-streams/<process id>` (to find a
 * given server process's listener in `pg_stat_activity`).
 */
export const LISTENER_APPLICATION_NAME = `guildbank-streams/${process.pid}`;

/** Upper bounds (ms) of the delivery-latency histogram buckets; the last bucket is +Inf. */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000] as const;

interface StreamSpec {
  /** The read function (caller's rights). */
  fn: string;
  /** SSE event type of one row. */
  event: string;
  /** NOTIFY channel. */
  channel: string;
  defaultBacklog: number;
}

const STREAMS: Record<StreamKind, StreamSpec> = {
  tx: { fn: "app_hidden.transactions_since", event: "tx", channel: "tx_stream", defaultBacklog: 50 },
  alerts: { fn: "app_hidden.alerts_since", event: "alert", channel: "ops_alerts", defaultBacklog: 20 },
  community: { fn: "app_hidden.community_events_since", event: "community", channel: "community_stream", defaultBacklog: 20 },
};

/** A `pg_snapshot` text: `xmin:xmax:xip,xip,…` (the read function validates it again). */
const CURSOR = /^\d{1,20}:\d{1,20}:(\d{1,20}(,\d{1,20})*)?$/;
const MAX_CURSOR_LENGTH = 16_384;
const MAX_BACKLOG = 1000;

/** Options of {@link createStreamHub}. */
export interface StreamHubOptions {
  /** Authenticator URL for the dedicated LISTEN connection (the server's DATABASE_URL). */
  connectionString: string;
  /** Authenticator pool: reads run on it inside `withClaims`. */
  pool: pg.Pool;
  logger: Logger;
  /** Heartbeat comment interval (default 15 000 ms). */
  heartbeatMs?: number;
  /**
   * Live-feed lease, in seconds (default 60, renewed every third of it): transactions NOTIFY only
   * for guilds some server instance leases (app_private.watch_stream), because PostgreSQL
   * serialises notifying commits. Each renewal also re-reads every transaction subscriber: a safety
   * net for a commit whose trigger ran before its guild's lease existed (it sent no NOTIFY).
   */
  leaseTtlS?: number;
  /** The `retry:` hint sent to clients (default 2 000 ms). */
  retryMs?: number;
  /** How often open streams re-check their session (logout, expiry); default 60 000 ms. */
  sessionCheckMs?: number;
  /** How often the LISTEN connection is pinged to detect a dead socket; default 30 000 ms. */
  listenerPingMs?: number;
  /** Reconnect backoff of the LISTEN connection (default 100 ms doubling to 5 000 ms). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Called after every batch written to a client (benchmarks, tracing). Must not throw. */
  onBatch?: (batch: BatchInfo) => void;
}

/** One batch written to one client (times are epoch milliseconds with sub-ms precision). */
export interface BatchInfo {
  stream: StreamKind;
  guildId: string;
  /** The subscriber's id (unique in this process). */
  subscriber: number;
  /** Events written (0 for a read that found nothing for this client). */
  events: number;
  truncated: boolean;
  /** The first notification this batch answers (null for the initial batch or a re-read after reconnect/error). */
  notifiedAt: number | null;
  readStartedAt: number;
  writtenAt: number;
}

/** Counters for `/metrics` (monotonic unless noted). */
export interface StreamStats {
  /** Connected clients per stream (gauge). */
  clients: { tx: number; alerts: number; community: number };
  /** The LISTEN connection: `connected` is a gauge. */
  listener: { connected: boolean; connects: number; disconnects: number };
  /** Notifications received. */
  notifications: number;
  /** Reads of the stream functions, and how many failed. */
  reads: number;
  readErrors: number;
  /** Notifications folded into a read already scheduled or in flight. */
  coalesced: number;
  /** Events and non-empty batches written. */
  events: number;
  batches: number;
  /** `reset` events sent (client too far behind). */
  truncations: number;
  /** Streams the server ended (session expired/revoked, read error, shutdown). */
  ended: number;
  /**
   * Notification → written-to-socket latency of live batches, as a cumulative-friendly histogram:
   * `counts[i]` events took ≤ `bucketsMs[i]` ms (and more than the previous bound); the last count is +Inf.
   */
  deliveryLatencyMs: { bucketsMs: readonly number[]; counts: number[]; sum: number; count: number; max: number };
}

interface Batch {
  cursor: string;
  truncated: boolean;
  /** Each event's JSON text (exact: never parsed here). */
  events: string[];
}

/** The subscribers of one stream, guild and audience: they share each read. */
interface Group {
  readonly kind: StreamKind;
  readonly guildId: string;
  /** What RLS shows them: `staff:<role>` or `member:<discord id>`. */
  readonly audience: string;
  readonly subs: Set<Subscriber>;
  /** A shared read is in flight. */
  reading: boolean;
  /** Notified (or a member must re-read) since the current read started. */
  dirty: boolean;
  retryTimer: NodeJS.Timeout | null;
  failures: number;
}

interface Subscriber {
  readonly id: number;
  readonly kind: StreamKind;
  readonly guildId: string;
  readonly claims: Claims;
  /** Its group (shared reads); set by #add. */
  group: Group | null;
  readonly tokenHash: Buffer | null;
  /** Session expiry (epoch ms). */
  readonly expiresAt: number;
  readonly res: Response;
  readonly backlog: number;
  /** Community streams: the event kinds asked for (`?events=`); null = all. */
  readonly kinds: ReadonlySet<string> | null;
  /** Where the next read starts: the last batch's cursor (null: a new client, before its backlog). */
  cursor: string | null;
  /** The last `id:` written to the client. */
  sentId: string | null;
  /** Headers and the first batch are written. */
  started: boolean;
  /** Its own first read (backlog or resume) is in flight. */
  reading: boolean;
  /** Has events to read: notified (or must re-read) since its last read. */
  dirty: boolean;
  /** The socket buffer is full: no read until it drains. */
  draining: boolean;
  /** The first notification not yet answered by a read (epoch ms). */
  pendingSince: number | null;
  closed: boolean;
}

const now = () => performance.timeOrigin + performance.now();

/**
 * The `?events=` filter of a community stream: a comma-separated subset of {@link COMMUNITY_EVENT_KINDS}
 * (absent or empty: every kind).
 *
 * @throws BadArgument("events") for an unknown kind.
 */
function parseKinds(value: unknown): Set<string> | null {
  if (value === undefined || value === "") return null;
  if (typeof value !== "string" || value.length > 200) throw new BadArgument("events");
  const kinds = new Set(value.split(",").map((k) => k.trim()).filter(Boolean));
  for (const k of kinds) if (!(COMMUNITY_EVENT_KINDS as readonly string[]).includes(k)) throw new BadArgument("events");
  return kinds.size ? kinds : null;
}

/** The `kind` of a community event's JSON text (events are passed on unparsed otherwise). */
function communityKind(event: string): string {
  const m = /"kind"\s*:\s*"([a-z_]+)"/.exec(event);
  return m ? m[1] : "";
}

/** Thrown for a malformed request argument (cursor, backlog): answered 400. */
class BadArgument extends Error {
  readonly argument: string;
  constructor(argument: string) {
    super(`invalid ${argument}`);
    this.argument = argument;
  }
}

/** The hub: one LISTEN connection, every open SSE stream, and their counters. Create with {@link createStreamHub}. */
export class StreamHub {
  /** Express router to mount at `/streams`: `GET /tx` and `GET /alerts`. */
  readonly router: Router;

  readonly #opts: Required<Omit<StreamHubOptions, "server" | "onBatch">> & Pick<StreamHubOptions, "onBatch">;
  readonly #log: Logger;
  readonly #subs = new Set<Subscriber>();
  /** stream → guild id → audience → group of subscribers. */
  readonly #byGuild: Record<StreamKind, Map<string, Map<string, Group>>> = { tx: new Map(), alerts: new Map(), community: new Map() };
  readonly #inflight = new Set<Promise<unknown>>();
  #nextId = 1;
  #closing = false;
  #closed: Promise<void> | null = null;
  #listener: pg.Client | null = null;
  #attempt: pg.Client | null = null;
  #dropListener: ((err?: unknown) => void) | null = null;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #backoff: number;
  #pinging = false;
  #lastSessionCheck = Date.now();
  /** This instance's name in app_private.stream_watchers. */
  readonly #instance = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  /** Guilds this instance currently holds a live-feed lease for. */
  #leased = new Set<string>();
  readonly #leaseTimer: NodeJS.Timeout;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #ping: NodeJS.Timeout;
  readonly #counters = {
    listenerConnects: 0,
    listenerDisconnects: 0,
    notifications: 0,
    reads: 0,
    readErrors: 0,
    coalesced: 0,
    events: 0,
    batches: 0,
    truncations: 0,
    ended: 0,
    latencyCounts: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0),
    latencySum: 0,
    latencyCount: 0,
    latencyMax: 0,
  };

  /**
   * Starts the hub: connects the LISTEN connection (in the background, retrying until it
   * succeeds) and the heartbeat. Prefer {@link createStreamHub}.
   *
   * @param options - see {@link StreamHubOptions}.
   */
  constructor(options: StreamHubOptions) {
    this.#opts = {
      connectionString: options.connectionString,
      pool: options.pool,
      logger: options.logger,
      heartbeatMs: options.heartbeatMs ?? 15_000,
      retryMs: options.retryMs ?? 2_000,
      sessionCheckMs: options.sessionCheckMs ?? 60_000,
      listenerPingMs: options.listenerPingMs ?? 30_000,
      reconnectMinMs: options.reconnectMinMs ?? 100,
      reconnectMaxMs: options.reconnectMaxMs ?? 5_000,
      leaseTtlS: options.leaseTtlS ?? 60,
      onBatch: options.onBatch,
    };
    this.#log = options.logger.child({ component: "streams" });
    this.#backoff = this.#opts.reconnectMinMs;
    this.router = express.Router();
    this.router.get("/tx", (req, res) => this.#open("tx", req, res));
    this.router.get("/alerts", (req, res) => this.#open("alerts", req, res));
    this.router.get("/community", (req, res) => this.#open("community", req, res));
    this.#heartbeat = setInterval(() => this.#tick(), this.#opts.heartbeatMs).unref();
    this.#ping = setInterval(() => this.#pingListener(), this.#opts.listenerPingMs).unref();
    this.#leaseTimer = setInterval(() => {
      this.#track(this.#lease()).catch((err: unknown) => this.#log.warn({ err }, "live-feed lease renewal failed"));
      for (const sub of this.#subs) if (sub.kind === "tx" && sub.started && !sub.closed) this.#schedule(sub);
    }, (this.#opts.leaseTtlS * 1000) / 3).unref();
    this.#connectListener();
  }

  /** Metrics: connected clients, listener state, reads, events, delivery latency. A fresh snapshot on every access. */
  get stats(): StreamStats {
    const c = this.#counters;
    let tx = 0;
    let alerts = 0;
    let community = 0;
    for (const s of this.#subs) {
      if (s.kind === "tx") tx++;
      else if (s.kind === "alerts") alerts++;
      else community++;
    }
    return {
      clients: { tx, alerts, community },
      listener: { connected: this.#listener !== null, connects: c.listenerConnects, disconnects: c.listenerDisconnects },
      notifications: c.notifications,
      reads: c.reads,
      readErrors: c.readErrors,
      coalesced: c.coalesced,
      events: c.events,
      batches: c.batches,
      truncations: c.truncations,
      ended: c.ended,
      deliveryLatencyMs: { bucketsMs: LATENCY_BUCKETS_MS, counts: [...c.latencyCounts], sum: c.latencySum, count: c.latencyCount, max: c.latencyMax },
    };
  }

  /**
   * Ends every open stream (`event: end`, reason `server_closing`) and refuses new ones (503).
   * The LISTEN connection stays until {@link close}. Idempotent.
   */
  drain(): void {
    this.#closing = true;
    for (const sub of [...this.#subs]) this.#end(sub, "server_closing");
  }

  /**
   * Ends every stream, waits for reads in flight (so the pool can be ended afterwards) and closes
   * the LISTEN connection. Idempotent.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.drain();
      clearInterval(this.#heartbeat);
      clearInterval(this.#ping);
      clearInterval(this.#leaseTimer);
      if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
      await Promise.allSettled([...this.#inflight]);
      // Give the leases back, so writers stop notifying for guilds nobody watches.
      await this.#lease().catch(() => {});
      const client = this.#listener ?? this.#attempt;
      this.#listener = this.#attempt = null;
      if (client) {
        client.removeAllListeners("notification");
        client.removeAllListeners("end");
        client.on("error", () => {});
        await Promise.race([client.end().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
      }
    })();
    return this.#closed;
  }

  // ---------------------------------------------------------------- HTTP

  async #open(kind: StreamKind, req: Request, res: Response): Promise<void> {
    if (req.method !== "GET") {
      // Express routes HEAD to GET handlers: a stream that can carry no body makes no sense.
      res.status(405).set("Allow", "GET").end();
      return;
    }
    const session = req.session;
    if (!session) {
      res.status(401).json({ error: "not_authenticated" });
      return;
    }
    if ((kind === "alerts" || kind === "community") && session.kind !== "staff") {
      res.status(403).json({ error: "permission_denied" });
      return;
    }
    if (this.#closing) {
      res.status(503).set("Retry-After", "5").json({ error: "shutting_down" });
      return;
    }
    let cursor: string | null;
    let backlog: number;
    let kinds: Set<string> | null = null;
    try {
      cursor = resumeCursor(req);
      backlog = parseBacklog(req.query.backlog, STREAMS[kind].defaultBacklog);
      if (kind === "community") kinds = parseKinds(req.query.events);
    } catch (err) {
      if (!(err instanceof BadArgument)) throw err;
      res.status(400).json({ error: "invalid_argument", argument: err.argument });
      return;
    }
    const token: unknown = req.cookies?.[SESSION_COOKIE];
    const sub: Subscriber = {
      id: this.#nextId++,
      kind,
      guildId: session.guildId,
      claims: requestClaims(session),
      group: null,
      tokenHash: typeof token === "string" ? hashToken(token) : null,
      expiresAt: session.expiresAt.getTime(),
      res,
      backlog,
      kinds,
      cursor,
      sentId: null,
      started: false,
      reading: true,
      dirty: false,
      draining: false,
      pendingSince: null,
      closed: false,
    };
    // Subscribe before the first read: a commit notified during it marks the subscriber dirty.
    this.#add(sub);
    res.on("close", () => this.#remove(sub));
    // A guild's first watcher takes the live-feed lease before its first read, so later commits notify.
    if (kind === "tx" && !this.#leased.has(sub.guildId)) {
      await this.#track(this.#lease()).catch((err: unknown) => this.#log.warn({ err }, "live-feed lease failed"));
    }

    const readStartedAt = now();
    let batch: Batch;
    try {
      batch = await this.#track(this.#read(sub));
    } catch (err) {
      this.#remove(sub);
      if (res.headersSent || res.destroyed) return;
      if (decodeDbError(err)?.code === "VL001") {
        res.status(400).json({ error: "invalid_argument", argument: "cursor" });
        return;
      }
      throw err;
    } finally {
      sub.reading = false;
    }
    if (sub.closed) return;
    req.socket.setNoDelay(true);
    res.writeHead(200, SSE_HEADERS);
    sub.started = true;
    this.#deliver(sub, batch, null, readStartedAt, true);
    if (sub.dirty) this.#schedule(sub);
  }

  // ---------------------------------------------------------------- subscribers

  #add(sub: Subscriber): void {
    this.#subs.add(sub);
    const byGuild = this.#byGuild[sub.kind];
    let groups = byGuild.get(sub.guildId);
    if (!groups) byGuild.set(sub.guildId, (groups = new Map()));
    const audience = audienceOf(sub.claims);
    let group = groups.get(audience);
    if (!group) {
      group = { kind: sub.kind, guildId: sub.guildId, audience, subs: new Set(), reading: false, dirty: false, retryTimer: null, failures: 0 };
      groups.set(audience, group);
    }
    group.subs.add(sub);
    sub.group = group;
  }

  #remove(sub: Subscriber): void {
    if (sub.closed) return;
    sub.closed = true;
    this.#subs.delete(sub);
    const group = sub.group;
    if (!group) return;
    group.subs.delete(sub);
    if (group.subs.size > 0) return;
    if (group.retryTimer) clearTimeout(group.retryTimer);
    group.retryTimer = null;
    const byGuild = this.#byGuild[sub.kind];
    const groups = byGuild.get(sub.guildId);
    if (groups?.get(group.audience) === group) groups.delete(group.audience);
    if (groups?.size === 0) byGuild.delete(sub.guildId);
  }

  /** Ends a stream from the server side: a last `end` event, then the response (and socket). */
  #end(sub: Subscriber, reason: string): void {
    if (sub.closed) return;
    this.#counters.ended++;
    if (sub.started && !sub.res.writableEnded) sub.res.end(sseEvent("end", JSON.stringify({ reason })));
    else if (!sub.res.headersSent && !sub.res.destroyed) sub.res.status(503).set("Retry-After", "5").json({ error: "shutting_down" });
    this.#remove(sub);
  }

  #onNotification(msg: pg.Notification): void {
    this.#counters.notifications++;
    const at = now();
    const payload = msg.payload ?? "";
    if (msg.channel === STREAMS.tx.channel) {
      this.#wake(this.#byGuild.tx.get(payload), at);
    } else if (msg.channel === STREAMS.community.channel) {
      this.#wake(this.#byGuild.community.get(payload), at);
    } else if (msg.channel === STREAMS.alerts.channel) {
      // A guild-less alert concerns every guild's staff.
      if (payload === "") for (const groups of this.#byGuild.alerts.values()) this.#wake(groups, at);
      else this.#wake(this.#byGuild.alerts.get(payload), at);
    }
  }

  #wake(groups: Map<string, Group> | undefined, at: number): void {
    if (!groups) return;
    for (const group of groups.values()) {
      for (const sub of group.subs) {
        sub.pendingSince ??= at;
        if (sub.dirty) this.#counters.coalesced++;
        sub.dirty = true;
      }
      this.#scheduleGroup(group);
    }
  }

  /** Marks the subscriber for a read and schedules its group's. */
  #schedule(sub: Subscriber): void {
    if (sub.closed || !sub.group) return;
    sub.dirty = true;
    this.#scheduleGroup(sub.group);
  }

  /** Reads now, or marks the group for one more read after the current one (coalescing). */
  #scheduleGroup(group: Group): void {
    if (group.reading || group.retryTimer) {
      group.dirty = true;
      return;
    }
    this.#track(this.#pump(group)).catch((err: unknown) => this.#log.error({ err }, "stream pump failed"));
  }

  /**
   * Reads and writes batches until no member of the group has anything to read (or the ready
   * ones wait on their sockets or a retry): one statement per round for the whole group.
   */
  async #pump(group: Group): Promise<void> {
    group.reading = true;
    try {
      for (;;) {
        group.dirty = false;
        const ready = [...group.subs].filter((s) => s.dirty && s.started && !s.closed && !s.reading && !s.draining);
        if (ready.length === 0) return;
        const round = ready.map((sub) => {
          const notifiedAt = sub.pendingSince;
          sub.dirty = false;
          sub.pendingSince = null;
          return { sub, cursor: sub.cursor!, notifiedAt };
        });
        const readStartedAt = now();
        let batches: Map<string, Batch>;
        try {
          batches = await this.#readShared(group, round[0].sub, [...new Set(round.map((r) => r.cursor))]);
        } catch (err) {
          for (const r of round) {
            r.sub.dirty = true;
            if (r.notifiedAt !== null) r.sub.pendingSince = Math.min(r.notifiedAt, r.sub.pendingSince ?? Infinity);
          }
          this.#readFailed(group, round.map((r) => r.sub), err);
          return;
        }
        group.failures = 0;
        for (const r of round) {
          const batch = batches.get(r.cursor);
          if (r.sub.closed || !batch) continue;
          this.#deliver(r.sub, batch, r.notifiedAt, readStartedAt, false);
        }
        if (!group.dirty && ![...group.subs].some((s) => s.dirty && s.started && !s.reading && !s.draining)) return;
      }
    } finally {
      group.reading = false;
    }
  }

  /**
   * One shared read: the stream function once per distinct cursor, in one statement of a
   * REPEATABLE READ transaction (so every call returns the same next cursor), with the claims of
   * `as` (any member of the group: they see the same rows).
   */
  async #readShared(group: Group, as: Subscriber, cursors: string[]): Promise<Map<string, Batch>> {
    this.#counters.reads++;
    const client = await this.#opts.pool.connect();
    let failed = false;
    try {
      await client.query("begin isolation level repeatable read read only");
      try {
        const settings = claimsToSettings(as.claims);
        const names = Object.keys(settings);
        await client.query(
          `select ${names.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(", ")}`,
          names.flatMap((n) => [n, settings[n]]),
        );
        // The events come back as JSON texts: parsing jsonb in node would round snowflakes.
        const { rows } = await client.query<{ from: string; cursor: string; truncated: boolean; events: string[] }>(
          `select c.cursor as "from", b.cursor, b.truncated,
                  coalesce((select array_agg(e::text order by n) from jsonb_array_elements(b.events) with ordinality x(e, n)), '{}') as events
             from unnest($1::text[]) c(cursor) cross join lateral ${STREAMS[group.kind].fn}(c.cursor, $2::int) b`,
          [cursors, as.backlog],
        );
        await client.query("commit");
        return new Map(rows.map((r) => [r.from, { cursor: r.cursor, truncated: r.truncated, events: r.events }]));
      } catch (err) {
        await client.query("rollback").catch(() => {
          failed = true;
        });
        throw err;
      }
    } catch (err) {
      this.#counters.readErrors++;
      throw err;
    } finally {
      client.release(failed);
    }
  }

  async #read(sub: Subscriber): Promise<Batch> {
    this.#counters.reads++;
    try {
      return await withClaims(this.#opts.pool, sub.claims, async (client) => {
        // The events come back as JSON texts: parsing jsonb in node would round snowflakes.
        const { rows } = await client.query<{ cursor: string; truncated: boolean; events: string[] }>(
          `select b.cursor, b.truncated,
                  coalesce((select array_agg(e::text order by n) from jsonb_array_elements(b.events) with ordinality x(e, n)), '{}') as events
             from ${STREAMS[sub.kind].fn}($1::text, $2::int) b`,
          [sub.cursor, sub.backlog],
        );
        return rows[0];
      });
    } catch (err) {
      this.#counters.readErrors++;
      throw err;
    }
  }

  #readFailed(group: Group, subs: Subscriber[], err: unknown): void {
    const code = (err as { code?: unknown } | null)?.code;
    if (decodeDbError(err) || (typeof code === "string" && code.startsWith("42"))) {
      // Not transient (a named error or a privilege problem): retrying would not help.
      this.#log.error({ err, stream: group.kind, guildId: group.guildId }, "stream read refused; ending the stream");
      for (const sub of subs) this.#end(sub, "error");
      return;
    }
    if (group.subs.size === 0) return;
    group.failures++;
    const delay = Math.min(250 * 2 ** (group.failures - 1), 10_000);
    this.#log.warn({ err, stream: group.kind, guildId: group.guildId, retryInMs: delay }, "stream read failed; retrying");
    group.retryTimer = setTimeout(() => {
      group.retryTimer = null;
      this.#scheduleGroup(group);
    }, delay);
  }

  #deliver(sub: Subscriber, batch: Batch, notifiedAt: number | null, readStartedAt: number, first: boolean): void {
    const spec = STREAMS[sub.kind];
    // The subscription filter (community streams): the cursor still advances past the events left out.
    const kinds = sub.kinds;
    if (kinds) batch = { ...batch, events: batch.events.filter((e) => kinds.has(communityKind(e))) };
    const n = batch.events.length;
    let out = first ? sseRetry(this.#opts.retryMs) : "";
    for (let i = 0; i < n; i++) {
      // Live batches: the id on the last event only. The first batch: the id on `ready`.
      out += sseEvent(spec.event, batch.events[i], !first && !batch.truncated && i === n - 1 ? batch.cursor : undefined);
    }
    if (batch.truncated) {
      this.#counters.truncations++;
      out += sseEvent("reset", JSON.stringify({ reason: "truncated", cursor: batch.cursor }), batch.cursor);
    }
    if (first) {
      out += sseEvent("ready", JSON.stringify({ cursor: batch.cursor, events: n }), batch.cursor);
    }
    if (first || n > 0 || batch.truncated) sub.sentId = batch.cursor;
    sub.cursor = batch.cursor;
    if (out) this.#write(sub, out);
    const writtenAt = now();
    if (n > 0) {
      this.#counters.events += n;
      this.#counters.batches++;
      if (notifiedAt !== null) this.#observeLatency(writtenAt - notifiedAt, n);
    }
    this.#opts.onBatch?.({
      stream: sub.kind,
      guildId: sub.guildId,
      subscriber: sub.id,
      events: n,
      truncated: batch.truncated,
      notifiedAt,
      readStartedAt,
      writtenAt,
    });
  }

  #observeLatency(ms: number, events: number): void {
    const c = this.#counters;
    let i = LATENCY_BUCKETS_MS.findIndex((b) => ms <= b);
    if (i < 0) i = LATENCY_BUCKETS_MS.length;
    c.latencyCounts[i] += events;
    c.latencySum += ms * events;
    c.latencyCount += events;
    if (ms > c.latencyMax) c.latencyMax = ms;
  }

  #write(sub: Subscriber, chunk: string): void {
    if (sub.closed || sub.res.writableEnded) return;
    if (!sub.res.write(chunk) && !sub.draining) {
      // Backpressure: no further read until the client has taken what it was sent; the cursor
      // keeps the rest in the table.
      sub.draining = true;
      sub.res.once("drain", () => {
        sub.draining = false;
        if (sub.dirty) this.#schedule(sub);
      });
    }
  }

  /**
   * Declares this instance's live-feed guilds (app_private.watch_stream): the guilds of its current
   * transaction subscribers; guilds left out lose the lease. Runs on a guild's first subscriber,
   * every third of the lease and at close (with none).
   */
  async #lease(): Promise<void> {
    const guilds = this.#closing ? [] : [...this.#byGuild.tx.keys()];
    await this.#opts.pool.query("select app_private.watch_stream($1::bigint[], $2, $3)", [guilds, this.#instance, this.#opts.leaseTtlS]);
    this.#leased = new Set(guilds);
  }

  /** Heartbeat: a comment (plus a bare `id:` when reads moved the cursor silently), session expiry and re-checks. */
  #tick(): void {
    const t = Date.now();
    for (const sub of [...this.#subs]) {
      if (!sub.started || sub.closed) continue;
      if (sub.expiresAt <= t) {
        this.#end(sub, "session_expired");
        continue;
      }
      if (sub.draining) continue;
      let out = sseComment("ping");
      if (sub.cursor !== null && sub.cursor !== sub.sentId) {
        out += sseId(sub.cursor);
        sub.sentId = sub.cursor;
      }
      this.#write(sub, out);
    }
    if (t - this.#lastSessionCheck >= this.#opts.sessionCheckMs) {
      this.#lastSessionCheck = t;
      this.#track(this.#checkSessions()).catch((err: unknown) => this.#log.warn({ err }, "stream session check failed"));
    }
  }

  /** Ends the streams whose session was closed (logout) or has expired, in one query. */
  async #checkSessions(): Promise<void> {
    const subs = [...this.#subs].filter((s) => s.started && s.tokenHash);
    if (subs.length === 0) return;
    const hashes = [...new Map(subs.map((s) => [s.tokenHash!.toString("hex"), s.tokenHash!])).values()];
    // A session that ended, or switched to another guild (issue 14 server switcher), ends the streams it opened.
    const { rows } = await this.#opts.pool.query<{ hash: Buffer; guild_id: string | null }>(
      `select h.hash, c.guild_id::text as guild_id from unnest($1::bytea[]) h(hash) cross join lateral app_private.session_claims(h.hash) c`,
      [hashes],
    );
    const guildOf = new Map(rows.map((r) => [r.hash.toString("hex"), r.guild_id]));
    for (const sub of subs) {
      const guild = guildOf.get(sub.tokenHash!.toString("hex"));
      if (!guild) this.#end(sub, "session_ended");
      else if (guild !== sub.guildId) this.#end(sub, "guild_switched");
    }
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#inflight.add(p);
    const done = () => this.#inflight.delete(p);
    p.then(done, done);
    return p;
  }

  // ---------------------------------------------------------------- LISTEN connection

  #connectListener(): void {
    if (this.#closing) return;
    const client = new pg.Client({
      connectionString: this.#opts.connectionString,
      application_name: LISTENER_APPLICATION_NAME,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    this.#attempt = client;
    let lost = false;
    const drop = (err?: unknown) => {
      if (lost) return;
      lost = true;
      client.removeAllListeners("notification");
      client.removeAllListeners("end");
      client.removeAllListeners("error");
      client.on("error", () => {});
      client.end().catch(() => {});
      if (this.#listener === client) {
        this.#listener = null;
        this.#counters.listenerDisconnects++;
      }
      if (this.#attempt === client) this.#attempt = null;
      if (this.#dropListener === drop) this.#dropListener = null;
      if (this.#closing) return;
      const delay = this.#backoff;
      this.#backoff = Math.min(this.#backoff * 2, this.#opts.reconnectMaxMs);
      this.#log.warn({ err, retryInMs: delay }, "stream listener disconnected; reconnecting");
      this.#reconnectTimer = setTimeout(() => {
        this.#reconnectTimer = null;
        this.#connectListener();
      }, delay);
    };
    client.on("error", drop);
    client.on("end", () => drop(new Error("connection ended")));
    client.on("notification", (msg) => this.#onNotification(msg));
    client
      .connect()
      .then(() => client.query(`listen ${STREAMS.tx.channel}; listen ${STREAMS.alerts.channel}; listen ${STREAMS.community.channel}`))
      .then(() => {
        if (lost) return;
        if (this.#closing) {
          drop();
          return;
        }
        this.#attempt = null;
        this.#listener = client;
        this.#dropListener = drop;
        this.#backoff = this.#opts.reconnectMinMs;
        this.#counters.listenerConnects++;
        this.#log.info({ connects: this.#counters.listenerConnects }, "stream listener connected");
        // Anything committed while nobody listened was not notified: every subscriber re-reads
        // from its cursor (the LISTEN is in effect now, so later commits will be notified). The
        // database is back: a subscriber waiting out a read-retry backoff reads now.
        for (const byGuild of Object.values(this.#byGuild)) {
          for (const groups of byGuild.values()) {
            for (const group of groups.values()) {
              if (group.retryTimer) {
                clearTimeout(group.retryTimer);
                group.retryTimer = null;
                group.failures = 0;
              }
            }
          }
        }
        for (const sub of this.#subs) this.#schedule(sub);
      }, drop);
  }

  /** Detects a dead LISTEN socket (no error, no data) and replaces the connection. */
  #pingListener(): void {
    const client = this.#listener;
    const drop = this.#dropListener;
    if (!client || !drop || this.#pinging) return;
    this.#pinging = true;
    const timeout = setTimeout(() => drop(new Error("listener ping timed out")), 10_000);
    client
      .query("select 1")
      .then(
        () => {},
        (err: unknown) => drop(err),
      )
      .finally(() => {
        clearTimeout(timeout);
        this.#pinging = false;
      });
  }
}

/** What RLS shows a subscriber: subscribers with the same audience (and guild) share reads. */
function audienceOf(claims: Claims): string {
  return claims.role === "coins_staff" ? `staff:${claims.staffRole ?? ""}` : `${claims.role}:${claims.discordId ?? ""}`;
}

/** Where a client resumes: `Last-Event-ID` (what a browser sends on reconnect) over `?cursor=`; null for a new client. */
function resumeCursor(req: Request): string | null {
  if (req.query.cursor !== undefined && typeof req.query.cursor !== "string") throw new BadArgument("cursor");
  const header = req.get("last-event-id")?.trim();
  const query = req.query.cursor;
  const cursor = header ? header : query ? query : null;
  if (cursor === null) return null;
  if (cursor.length > MAX_CURSOR_LENGTH || !isSnapshotText(cursor)) throw new BadArgument("cursor");
  return cursor;
}

const MAX_XID8 = 2n ** 64n - 1n;

/**
 * Whether `text` is accepted by PostgreSQL's `pg_snapshot` input (the same rules: xmin ≥ 1,
 * xmin ≤ xmax, every in-progress xid in [xmin, xmax) and non-decreasing), so a malformed cursor is
 * answered 400 without a database round trip.
 */
function isSnapshotText(text: string): boolean {
  if (!CURSOR.test(text)) return false;
  const [xminText, xmaxText, xipText] = text.split(":");
  const xmin = BigInt(xminText);
  const xmax = BigInt(xmaxText);
  if (xmin < 1n || xmax > MAX_XID8 || xmin > xmax) return false;
  let last = xmin;
  for (const part of xipText === "" ? [] : xipText.split(",")) {
    const xid = BigInt(part);
    if (xid < last || xid >= xmax) return false;
    last = xid;
  }
  return true;
}

function parseBacklog(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !/^\d{1,4}$/.test(value) || Number(value) > MAX_BACKLOG) throw new BadArgument("backlog");
  return Number(value);
}

/**
 * Creates the live-stream hub and starts its LISTEN connection.
 *
 * @param options - connection string, pool, logger, and optionally timings.
 * @returns the hub: mount `hub.router` at `/streams`; read `hub.stats`; `await hub.close()` on shutdown.
 */
export function createStreamHub(options: StreamHubOptions): StreamHub {
  return new StreamHub(options);
}
