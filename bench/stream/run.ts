/**
 * bench/stream: commit → Server-Sent-Event delivery latency of the live transaction feed
 * (`GET /streams/tx`) on a real server, with a raw LISTEN/NOTIFY round trip measured in the same
 * run as the floor. See bench/stream/README.md.
 *
 *   npm run bench:stream            (= node bench/stream/run.ts; Node 24 strips the types)
 *
 * What it does:
 * 1. Creates a fresh, migrated database (scripts/testdb.ts prepareTestDatabase: BENCH_ROOT_URL,
 *    else TEST_DATABASE_URL, else an embedded PostgreSQL 17), one
 *    guild with funded members and a give rate limit the benchmark cannot reach.
 * 2. Starts the real HTTP server in this process (port 0, DEV_LOGIN on, the authenticator pool),
 *    opens CLIENTS staff sessions through the development login and one SSE connection
 *    `/streams/tx?backlog=0` per session.
 * 3. Reference: raw `pg_notify` committed on one connection → received on another LISTENing one,
 *    at RATE per second for PROBE_SECONDS, on a quiet system.
 * 4. Load: gives (app_private.give_from as the superuser, each its own transaction) at RATE per
 *    second for SECONDS, each started on schedule on one of WRITERS separate connections; for each commit the time COMMIT returned and
 *    the tx_id, for each client the arrival time of the event carrying that tx_id. A second raw
 *    NOTIFY probe runs at 10 per second during the load (the floor under the same load).
 * 5. Prints commit → delivery latency p50/p95/p99/max over all clients, per-client counts, the
 *    achieved write rate, the hub's own counters, and the probes.
 *
 * The writer and the SSE clients run in a worker thread (their own event loop), the server on the
 * main thread, as a server and its clients would be separate; BENCH_STREAM_INLINE=1 runs them on
 * the server's event loop instead.
 *
 * Environment:
 *   BENCH_ROOT_URL          superuser URL of the server (default: as scripts/testdb.ts)
 *   BENCH_STREAM_SECONDS    length of the load (default 30)
 *   BENCH_STREAM_RATE       gives per second (default 100)
 *   BENCH_STREAM_CLIENTS    SSE connections, one staff session each (default 10)
 *   BENCH_STREAM_MEMBERS    funded members the gives go round (default 20; pairs of them)
 *   BENCH_STREAM_WRITERS    writer connections (default 4): gives start on schedule (open loop)
 *   BENCH_STREAM_PROBE_SECONDS  length of the quiet NOTIFY reference (default 5)
 *   BENCH_STREAM_TARGET_MS  the p99 target printed (default 100)
 *   BENCH_STREAM_INLINE=1   writer and clients on the server's event loop
 *   BENCH_KEEP=1            keep the database (also kept when a check fails)
 *
 * Exit status: 0 when every client received every event exactly once (none missing, none
 * duplicated, nothing foreign, in commit order) and verify_ledger() is empty; 1 otherwise.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import pg from "pg";
import { SseParser } from "../../server/__tests__/sse.ts";
import { nearestRankPercentile, summarize as summarizeSample } from "../lib/stats.ts";

const GUILD_ID = "4444000000000000000";
const DB_NAME = "guildbank_bench_stream";
const FUNDS = 1_000_000_000;
const AUTHENTICATOR = "guildbank_authenticator";

/** What the load thread needs. */
interface LoadParams {
  url: string;
  /** Superuser URL of the bench database (writer and probes). */
  rootUrl: string;
  guildId: string;
  /** Internal user id and Discord id of each funded member. */
  members: { id: string; discordId: string }[];
  clients: number;
  rate: number;
  seconds: number;
  probeSeconds: number;
  /** Writer connections (open loop). */
  writers: number;
}

/** One commit of the writer. */
interface Commit {
  txId: string;
  /** performance.now() (load thread) when BEGIN was sent and when COMMIT returned. */
  startedAt: number;
  committedAt: number;
}

/** What one SSE client saw. */
interface ClientReport {
  client: number;
  /** tx events received (with duplicates). */
  events: number;
  missing: number;
  duplicates: number;
  /** Events whose tx_id the writer did not write. */
  foreign: number;
  /** Whether the first arrivals follow commit order (where it is certain: non-overlapping commits). */
  inOrder: boolean;
  /** Commit → arrival of each written tx this client received (ms), in commit order. */
  latencies: number[];
  closedEarly: boolean;
}

/** A raw LISTEN/NOTIFY probe. */
interface ProbeReport {
  sent: number;
  received: number;
  /** COMMIT returned on the sender → notification received (ms); may be ≤ 0. */
  ackToReceive: number[];
  /** pg_notify sent → notification received (ms). */
  sendToReceive: number[];
}

interface LoadResult {
  commits: Commit[];
  /** When the load began and ended (performance.now(), load thread). */
  loadStartedAt: number;
  loadEndedAt: number;
  /** How long after the last commit the last client had it (ms), or null on timeout. */
  drainMs: number | null;
  clients: ClientReport[];
  quietProbe: ProbeReport;
  loadProbe: ProbeReport;
}

type Phase = "load-start" | "load-end";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

// ------------------------------------------------------------------------ the SSE client

interface Arrival {
  txId: string;
  at: number;
}

/** A minimal EventSource over fetch (WHATWG parsing rules for the fields the server sends). */
class SseClient {
  readonly arrivals: Arrival[] = [];
  /** tx_ids received. */
  readonly seen = new Set<string>();
  closed = false;
  #ready!: () => void;
  readonly ready = new Promise<void>((resolve) => (this.#ready = resolve));
  readonly #abort = new AbortController();
  #waiters = new Set<() => void>();

  static async open(baseUrl: string, cookie: string): Promise<SseClient> {
    const client = new SseClient();
    const res = await fetch(`${baseUrl}/streams/tx?backlog=0`, {
      headers: { accept: "text/event-stream", cookie },
      signal: client.#abort.signal,
    });
    if (res.status !== 200 || !res.body) throw new Error(`/streams/tx answered ${res.status}: ${await res.text()}`);
    void client.#read(res.body);
    await Promise.race([client.ready, sleep(10_000).then(() => Promise.reject(new Error("no ready event within 10 s")))]);
    return client;
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const at = performance.now();
        for (const event of parser.push(decoder.decode(value, { stream: true }))) this.#dispatch(event.type, event.data, at);
        for (const w of [...this.#waiters]) w();
      }
    } catch {
      // aborted
    } finally {
      this.closed = true;
      for (const w of [...this.#waiters]) w();
    }
  }

  #dispatch(type: string, data: string, at: number): void {
    if (type === "ready") this.#ready();
    else if (type === "tx") {
      const txId = (JSON.parse(data) as { tx_id: string }).tx_id;
      this.arrivals.push({ txId, at });
      this.seen.add(txId);
    }
  }

  /** Resolves true once `pred()` holds (checked after every chunk), false on timeout or close. */
  until(pred: () => boolean, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(ok);
      };
      const check = () => {
        if (pred()) done(true);
        else if (this.closed) done(false);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  close(): void {
    this.#abort.abort();
  }
}

// ------------------------------------------------------------------------ the load (worker thread or inline)

async function devLogin(baseUrl: string, guildId: string, discordId: string): Promise<string> {
  const res = await fetch(`${baseUrl}/auth/dev/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ guildId, discordId, kind: "staff", staffRole: "ADMIN" }),
  });
  const cookie = res.headers.get("set-cookie")?.split(";")[0];
  if (res.status !== 200 || !cookie) throw new Error(`dev login failed: ${res.status} ${await res.text()}`);
  return cookie;
}

/**
 * Raw LISTEN/NOTIFY: `rate` notifications per second for `seconds` from one connection
 * (autocommit: the query returns once committed) to another.
 */
async function probe(rootUrl: string, channel: string, rate: number, seconds: number): Promise<ProbeReport> {
  const listener = new pg.Client({ connectionString: rootUrl, application_name: "bench-stream-probe-listen" });
  const sender = new pg.Client({ connectionString: rootUrl, application_name: "bench-stream-probe-notify" });
  await listener.connect();
  await sender.connect();
  const received = new Map<string, number>();
  listener.on("notification", (m) => {
    if (m.channel === channel && m.payload) received.set(m.payload, performance.now());
  });
  await listener.query(`listen ${channel}`);
  const n = Math.max(1, Math.round(rate * seconds));
  const sent: { sentAt: number; ackAt: number }[] = [];
  const t0 = performance.now() + 20;
  for (let i = 0; i < n; i++) {
    await sleep(t0 + (i * 1000) / rate - performance.now());
    const sentAt = performance.now();
    await sender.query("select pg_notify($1, $2)", [channel, String(i)]);
    sent.push({ sentAt, ackAt: performance.now() });
  }
  for (let waited = 0; received.size < n && waited < 2_000; waited += 10) await sleep(10);
  await sender.end();
  await listener.end();
  const ackToReceive: number[] = [];
  const sendToReceive: number[] = [];
  sent.forEach((s, i) => {
    const at = received.get(String(i));
    if (at === undefined) return;
    ackToReceive.push(at - s.ackAt);
    sendToReceive.push(at - s.sentAt);
  });
  return { sent: n, received: received.size, ackToReceive, sendToReceive };
}

async function runLoad(p: LoadParams, phase: (name: Phase) => void): Promise<LoadResult> {
  // Staff sessions (distinct staff ids of the guild) and one live stream each, without backlog.
  const cookies: string[] = [];
  for (let k = 0; k < p.clients; k++) cookies.push(await devLogin(p.url, p.guildId, (BigInt(p.guildId) + 900n + BigInt(k)).toString()));
  const conns = await Promise.all(cookies.map((c) => SseClient.open(p.url, c)));

  const quietProbe = await probe(p.rootUrl, "bench_probe_quiet", p.rate, p.probeSeconds);

  // Open loop: each give starts at its scheduled time on one of `writers` connections, whether or
  // not the previous one has committed, so a slow commit does not lower the offered rate.
  const writers = new pg.Pool({ connectionString: p.rootUrl, max: p.writers, application_name: "bench-stream-writer" });
  await Promise.all(Array.from({ length: p.writers }, async () => (await writers.connect()).release()));
  const n = Math.max(1, Math.round(p.rate * p.seconds));
  const commits: Commit[] = new Array(n);
  const pairs = Math.floor(p.members.length / 2);
  const give = async (i: number): Promise<void> => {
    // Consecutive gives use disjoint pairs of members: concurrent gives never wait on each other's row locks.
    const pair = i % pairs;
    const [from, to] = i % (2 * pairs) < pairs ? [2 * pair, 2 * pair + 1] : [2 * pair + 1, 2 * pair];
    const c = await writers.connect();
    try {
      const startedAt = performance.now();
      await c.query("begin");
      const { rows } = await c.query<{ tx_id: string }>("select tx_id from app_private.give_from($1, $2, 1, $3)", [
        p.members[from].id,
        p.members[to].discordId,
        randomUUID(),
      ]);
      await c.query("commit");
      commits[i] = { txId: rows[0].tx_id, startedAt, committedAt: performance.now() };
    } finally {
      c.release();
    }
  };
  phase("load-start");
  const loadProbe = probe(p.rootUrl, "bench_probe_load", 10, p.seconds);
  const loadStartedAt = performance.now();
  const t0 = loadStartedAt + 5;
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    await sleep(t0 + (i * 1000) / p.rate - performance.now());
    inflight.push(give(i));
  }
  await Promise.all(inflight);
  const loadEndedAt = performance.now();
  commits.sort((x, y) => x.committedAt - y.committedAt);

  // Wait (up to 10 s) for every client to have every event, then a little more for duplicates.
  const ids = new Set(commits.map((c) => c.txId));
  const got = await Promise.all(conns.map((c) => c.until(() => [...ids].every((id) => c.seen.has(id)), 10_000)));
  const drainMs = got.every(Boolean) ? performance.now() - commits[commits.length - 1].committedAt : null;
  const loadProbeResult = await loadProbe;
  phase("load-end");
  await sleep(300);
  await writers.end();
  const closedEarly = conns.map((c) => c.closed);
  conns.forEach((c) => c.close());

  const byId = new Map(commits.map((c) => [c.txId, c]));
  const clients = conns.map((c, k): ClientReport => {
    const first = new Map<string, number>();
    let duplicates = 0;
    let foreign = 0;
    let inOrder = true;
    // Commit order is only certain between commits that did not overlap: x arriving after y
    // although x's COMMIT returned before y's BEGIN was sent is out of order.
    let latestStart = -Infinity;
    for (const a of c.arrivals) {
      const cm = byId.get(a.txId);
      if (cm === undefined) {
        foreign++;
        continue;
      }
      if (first.has(a.txId)) {
        duplicates++;
        continue;
      }
      first.set(a.txId, a.at);
      if (cm.committedAt < latestStart) inOrder = false;
      latestStart = Math.max(latestStart, cm.startedAt);
    }
    const latencies: number[] = [];
    for (const cm of commits) {
      const at = first.get(cm.txId);
      if (at !== undefined) latencies.push(at - cm.committedAt);
    }
    return {
      client: k + 1,
      events: c.arrivals.length,
      missing: commits.length - first.size,
      duplicates,
      foreign,
      inOrder,
      latencies,
      closedEarly: closedEarly[k],
    };
  });
  return { commits, loadStartedAt, loadEndedAt, drainMs, clients, quietProbe, loadProbe: loadProbeResult };
}

// ------------------------------------------------------------------------ main thread: database, server, report

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^[1-9][0-9]*$/.test(raw)) {
    console.error(`bench/stream: ${name} must be a positive integer`);
    process.exit(2);
  }
  return Number(raw);
}

const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : "-");

/** The stream bench reports nearest-rank percentiles. */
const summarize = (values: number[]) => summarizeSample(values, nearestRankPercentile);

interface StatsSnapshot {
  notifications: number;
  reads: number;
  readErrors: number;
  coalesced: number;
  events: number;
  batches: number;
  deliveryLatencyMs: { bucketsMs: readonly number[]; counts: number[]; sum: number; count: number; max: number };
}

/** CPU ticks (USER_HZ) of the machine, and of this database's PostgreSQL backends by login role (Linux /proc). */
interface CpuSnapshot {
  machine: { busy: number; total: number } | null;
  backends: Map<string, { role: string; ticks: number }>;
}

function cpuSnapshot(database: string): CpuSnapshot {
  let machine: CpuSnapshot["machine"] = null;
  const backends: CpuSnapshot["backends"] = new Map();
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    const total = f.reduce((x, y) => x + y, 0);
    machine = { busy: total - idle, total };
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        // A backend's title: "postgres: <cluster>: <role> <database> <client> <state>".
        const title = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
        const m = /^postgres: (?:[^:]+: )?(\S+) (\S+) /.exec(title);
        if (!m || m[2] !== database) continue;
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        backends.set(pid, { role: m[1], ticks: Number(fields[11]) + Number(fields[12]) });
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // not Linux
  }
  return { machine, backends };
}

/** How many pgbench processes are running (Linux /proc; 0 elsewhere). */
function otherPgbench(): number {
  try {
    return readdirSync("/proc").filter((pid) => {
      if (!/^\d+$/.test(pid)) return false;
      try {
        return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "pgbench";
      } catch {
        return false;
      }
    }).length;
  } catch {
    return 0;
  }
}

/** An upper bound of the p-th percentile from histogram bucket counts (the bucket's upper bound). */
function histogramPercentile(bucketsMs: readonly number[], counts: number[], p: number): string {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return "-";
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i];
    if (seen >= (p / 100) * total) return i < bucketsMs.length ? `≤ ${bucketsMs[i]} ms` : `> ${bucketsMs[bucketsMs.length - 1]} ms`;
  }
  return "-";
}

async function main(): Promise<void> {
  const seconds = positiveInt("BENCH_STREAM_SECONDS", 30);
  const rate = positiveInt("BENCH_STREAM_RATE", 100);
  const clientCount = positiveInt("BENCH_STREAM_CLIENTS", 10);
  const memberCount = Math.max(2, positiveInt("BENCH_STREAM_MEMBERS", 20));
  const probeSeconds = positiveInt("BENCH_STREAM_PROBE_SECONDS", 5);
  const writerCount = positiveInt("BENCH_STREAM_WRITERS", 4);
  const targetMs = positiveInt("BENCH_STREAM_TARGET_MS", 100);
  const inline = process.env.BENCH_STREAM_INLINE === "1";
  const keep = process.env.BENCH_KEEP === "1";
  if (process.env.BENCH_ROOT_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_ROOT_URL;

  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const outDir = path.join(repo, "bench/out", `stream-${stamp}`);
  mkdirSync(outDir, { recursive: true });
  const lines: string[] = [];
  const say = (line = "") => {
    lines.push(line);
    console.log(line);
  };

  const { prepareTestDatabase } = await import("../../scripts/testdb.ts");
  const { withUrl } = await import("@guildbank/db");
  const { createLogger, createPool } = await import("@guildbank/lib");
  // As a production server runs (unset, Grafast warns and runs in production mode anyway).
  process.env.GRAPHILE_ENV ??= "production";
  const { loadServerConfig, startServer } = await import("@guildbank/server");

  const started = performance.now();
  const db = await prepareTestDatabase(DB_NAME);
  const su = new pg.Pool({ connectionString: db.urls.root, max: 2 });
  const serverVersion = (await su.query<{ v: string }>("select current_setting('server_version') as v")).rows[0].v;
  const settings = (
    await su.query<{ s: string }>(
      "select string_agg(name || '=' || current_setting(name), ' ' order by name) as s from pg_settings where name in ('synchronous_commit', 'fsync', 'shared_buffers')",
    )
  ).rows[0].s;
  say(
    `bench/stream  ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC  PostgreSQL ${serverVersion}  node ${process.version}  ${cpus().length} cores  load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  say(
    `  ${rate} tx/s for ${seconds} s (${writerCount} writer connections), ${clientCount} SSE clients (staff, /streams/tx?backlog=0), ${memberCount} members; database ${DB_NAME} (${db.source}); ` +
      `clients ${inline ? "on the server's event loop" : "in a worker thread"}; raw output: bench/out/stream-${stamp}/`,
  );
  say(`  server: ${settings}`);
  const migrations = (await su.query<{ n: string; last: string }>("select count(*) as n, max(filename) as last from graphile_migrate.migrations")).rows[0];
  say(`  schema: ${migrations.n} committed migrations (last: ${migrations.last.replace(/\.sql$/, "")})`);
  const others = otherPgbench();
  if (others > 0) say(`  WARNING: ${others} pgbench process(es) running on this machine: these figures will not be representative`);

  // One guild, funded members, and a give rate limit the load cannot reach (default 5 per 60 s).
  await su.query("select app_private.ensure_guild($1, 'Guildbank stream bench')", [GUILD_ID]);
  await su.query("update app_public.guild_settings set give_rate_limit = 10000, give_rate_window_s = 1 where guild_id = $1", [GUILD_ID]);
  const members: LoadParams["members"] = [];
  for (let i = 1; i <= memberCount; i++) {
    const discordId = (BigInt(GUILD_ID) + BigInt(i)).toString();
    const { rows } = await su.query<{ id: string }>("select id from app_private.ensure_member($1, $2, $3)", [GUILD_ID, discordId, `bench member ${i}`]);
    await su.query("select app_private.admin_adjust_by(1, 'ADMIN', $1, $2, 'bench funding')", [rows[0].id, FUNDS]);
    members.push({ id: rows[0].id, discordId });
  }

  // The real server, as scripts/start.ts and the tests start it.
  const config = loadServerConfig({
    NODE_ENV: "test",
    DATABASE_URL: db.urls.authenticator,
    PORT: "0",
    DEV_LOGIN: "true",
    LOG_LEVEL: "silent",
  });
  const pool = createPool(config.DATABASE_URL, config.DATABASE_POOL_MAX);
  const running = await startServer(config, pool, createLogger("bench-stream", "silent"));
  say(`  server at ${running.url}, DATABASE_POOL_MAX=${config.DATABASE_POOL_MAX}`);

  const params: LoadParams = { url: running.url, rootUrl: db.urls.root, guildId: GUILD_ID, members, clients: clientCount, rate, seconds, probeSeconds, writers: writerCount };
  const snapshots: Partial<Record<Phase, { stats: StatsSnapshot; cpu: NodeJS.CpuUsage; at: number }>> = {};
  const cpuAt: Partial<Record<Phase, CpuSnapshot>> = {};
  const LOOP_RESOLUTION_MS = 10;
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  const lag = (ns: number) => `${Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS).toFixed(1)} ms`;
  const onPhase = (name: Phase) => {
    snapshots[name] = { stats: running.streams.stats, cpu: process.cpuUsage(), at: performance.now() };
    cpuAt[name] = cpuSnapshot(DB_NAME);
    if (name === "load-start") loop.enable();
    else loop.disable();
  };

  let result: LoadResult;
  try {
    if (inline) {
      result = await runLoad(params, onPhase);
    } else {
      result = await new Promise<LoadResult>((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: params });
        worker.on("message", (m: { type: "phase"; phase: Phase } | { type: "result"; result: LoadResult } | { type: "error"; error: string }) => {
          if (m.type === "phase") onPhase(m.phase);
          else if (m.type === "result") resolve(m.result);
          else reject(new Error(m.error));
          if (m.type !== "phase") void worker.terminate();
        });
        worker.on("error", reject);
      });
    }
  } catch (err) {
    console.error("bench/stream: the load failed:", err);
    await running.close().catch(() => {});
    await pool.end().catch(() => {});
    await su.end().catch(() => {});
    await db.embedded?.stop();
    process.exit(1);
  }

  const violations = (await su.query("select * from app_public.verify_ledger($1)", [GUILD_ID])).rows.length;
  await running.close();
  await pool.end();

  // ---------------------------------------------------------------- report
  const { commits, clients } = result;
  const all = summarize(clients.flatMap((c) => c.latencies));
  const writes = summarize(commits.map((c) => c.committedAt - c.startedAt));
  const span = (commits[commits.length - 1].committedAt - result.loadStartedAt) / 1000;
  const achieved = commits.length / span;
  say();
  say(`writes: ${commits.length} gives committed in ${span.toFixed(2)} s = ${achieved.toFixed(1)} tx/s (target ${rate}); BEGIN → COMMIT returned p50 ${ms(writes.p50)}, p99 ${ms(writes.p99)}, max ${ms(writes.max)}`);
  say();
  say(`commit → SSE delivery (COMMIT returned on the writer → event parsed by the client), ${all.n} deliveries over ${clients.length} clients:`);
  say(`  p50 ${ms(all.p50)}   p95 ${ms(all.p95)}   p99 ${ms(all.p99)}   max ${ms(all.max)}`);
  say(`  target p99 < ${targetMs} ms: ${all.p99 < targetMs ? "met" : "NOT met"}   (seed: < 2000 ms at 100 tx/min: ${all.max < 2000 ? "met" : "NOT met"}, max ${ms(all.max)})`);
  say(`  last event at every client ${result.drainMs === null ? "NOT within 10 s" : `${result.drainMs.toFixed(1)} ms`} after the last commit`);
  say();
  say("client  events  missing  duplicates  foreign  in order      p50      p99      max");
  for (const c of clients) {
    const s = summarize(c.latencies);
    say(
      `${String(c.client).padStart(6)}  ${String(c.events).padStart(6)}  ${String(c.missing).padStart(7)}  ${String(c.duplicates).padStart(10)}  ${String(c.foreign).padStart(7)}  ${(c.inOrder ? "yes" : "NO").padStart(8)}  ${s.p50.toFixed(1).padStart(7)}  ${s.p99.toFixed(1).padStart(7)}  ${s.max.toFixed(1).padStart(7)}${c.closedEarly ? "  (stream closed early)" : ""}`,
    );
  }

  const a = snapshots["load-start"];
  const b = snapshots["load-end"];
  if (a && b) {
    const d = (k: "notifications" | "reads" | "readErrors" | "coalesced" | "events" | "batches") => b.stats[k] - a.stats[k];
    const counts = b.stats.deliveryLatencyMs.counts.map((v, i) => v - a.stats.deliveryLatencyMs.counts[i]);
    const lat = { sum: b.stats.deliveryLatencyMs.sum - a.stats.deliveryLatencyMs.sum, count: b.stats.deliveryLatencyMs.count - a.stats.deliveryLatencyMs.count };
    const wall = (b.at - a.at) / 1000;
    const cpu = (b.cpu.user - a.cpu.user + b.cpu.system - a.cpu.system) / 1e6;
    say();
    say(`hub (server side, during the load): ${d("notifications")} notifications, ${d("reads")} reads (${(d("reads") / Math.max(1, commits.length)).toFixed(2)} per commit, ${(d("reads") / wall).toFixed(0)}/s), ${d("coalesced")} coalesced, ${d("readErrors")} read errors, ${d("events")} events in ${d("batches")} batches (${(d("events") / Math.max(1, d("batches"))).toFixed(2)} events per batch)`);
    say(`  notification → written to the socket: mean ${ms(lat.sum / Math.max(1, lat.count))}, p50 ${histogramPercentile(b.stats.deliveryLatencyMs.bucketsMs, counts, 50)}, p99 ${histogramPercentile(b.stats.deliveryLatencyMs.bucketsMs, counts, 99)}`);
    say(`  node process CPU ${((100 * cpu) / wall).toFixed(0)} % of one core (server${inline ? " and load" : ", load thread included"}); server event-loop lag p50 ${lag(loop.percentile(50))}, p99 ${lag(loop.percentile(99))}, max ${lag(loop.max)}`);
    const ca = cpuAt["load-start"];
    const cb = cpuAt["load-end"];
    if (ca?.machine && cb?.machine) {
      // USER_HZ is 100 on Linux: ticks / wall seconds = % of one core.
      const byRole = new Map<string, number>();
      for (const [pid, v] of cb.backends) byRole.set(v.role, (byRole.get(v.role) ?? 0) + v.ticks - (ca.backends.get(pid)?.ticks ?? 0));
      const busy = (100 * (cb.machine.busy - ca.machine.busy)) / Math.max(1, cb.machine.total - ca.machine.total);
      const roles = [...byRole].map(([role, ticks]) => `${role} ${(ticks / wall).toFixed(0)} %`).join(", ");
      say(`  machine CPU busy ${busy.toFixed(0)} % (all ${cpus().length} cores, other processes included); this database's backends, % of one core: ${roles} (${AUTHENTICATOR} = the server's pool and LISTEN connection)`);
    }
  }

  const q = { ack: summarize(result.quietProbe.ackToReceive), send: summarize(result.quietProbe.sendToReceive) };
  const l = { ack: summarize(result.loadProbe.ackToReceive), send: summarize(result.loadProbe.sendToReceive) };
  say();
  say("reference: raw LISTEN/NOTIFY on this server (pg_notify committed on one connection → received on another)");
  say(`  quiet, ${rate}/s for ${probeSeconds} s: ${result.quietProbe.received}/${result.quietProbe.sent} received; COMMIT returned → received p50 ${ms(q.ack.p50)}, p99 ${ms(q.ack.p99)}, max ${ms(q.ack.max)}; sent → received p50 ${ms(q.send.p50)}, p99 ${ms(q.send.p99)}`);
  say(`  during the load, 10/s:  ${result.loadProbe.received}/${result.loadProbe.sent} received; COMMIT returned → received p50 ${ms(l.ack.p50)}, p99 ${ms(l.ack.p99)}, max ${ms(l.ack.max)}; sent → received p50 ${ms(l.send.p50)}, p99 ${ms(l.send.p99)}`);

  const problems: string[] = [];
  for (const c of clients) {
    if (c.missing) problems.push(`client ${c.client}: ${c.missing} events missing`);
    if (c.duplicates) problems.push(`client ${c.client}: ${c.duplicates} duplicated events`);
    if (c.foreign) problems.push(`client ${c.client}: ${c.foreign} events not written by the benchmark`);
    if (!c.inOrder) problems.push(`client ${c.client}: events out of commit order`);
  }
  if (violations) problems.push(`verify_ledger() returned ${violations} violations`);
  say();
  say(problems.length === 0 ? "checks: passed (every client got every event exactly once, in commit order; verify_ledger() empty)" : "checks: FAILED");
  for (const p of problems) say(`  - ${p}`);
  say(`elapsed: ${((performance.now() - started) / 1000).toFixed(0)} s`);

  writeFileSync(path.join(outDir, "summary.txt"), `${lines.join("\n")}\n`);
  writeFileSync(
    path.join(outDir, "result.json"),
    JSON.stringify({ params: { ...params, members: params.members.length }, snapshots, result }, null, 1),
  );

  await su.end();
  const failed = problems.length > 0;
  if (keep || failed) {
    console.log(`kept database ${DB_NAME} for inspection`);
  } else {
    const root = new pg.Client({ connectionString: withUrl(db.urls.root, { database: "postgres" }) });
    await root.connect();
    await root.query(`drop database if exists ${DB_NAME} with (force)`);
    await root.end();
  }
  await db.embedded?.stop();
  process.exit(failed ? 1 : 0);
}

// ------------------------------------------------------------------------ entry

if (!isMainThread) {
  // The load thread: run, report, exit.
  const params = workerData as LoadParams;
  runLoad(params, (name) => parentPort!.postMessage({ type: "phase", phase: name })).then(
    (result) => parentPort!.postMessage({ type: "result", result }),
    (err: unknown) => parentPort!.postMessage({ type: "error", error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
} else {
  await main();
}
