/**
 * Prometheus metrics against a real server and a real worker: HTTP latency by route pattern, GraphQL
 * operations by name, SSE clients, job queue depth, job durations and failures, ledger health, the
 * worker's own listener and its merge into the server's scrape, and who may scrape.
 *
 * Runs a worker, on a database of its own (isolateDatabase): its job queue is this file's alone.
 */
import { EventEmitter } from "node:events";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type WorkerHandle } from "../src/worker/index.ts";
import express from "express";
import { Registry } from "prom-client";
import type { WorkerEvents } from "graphile-worker";
import {
  OperationNameLabels,
  checkMetricsAccess,
  createHttpMetrics,
  createWorkerMetrics,
  processRegistry,
  renderMetrics,
  routeLabel,
} from "../src/metrics/index.ts";
import { clientFor, createGuild, freePort, startTestServer, superuserPool, isolateDatabase, testWorkerConfig, waitFor } from "./helpers.ts";

const TOKEN = "metrics-token-0123456789abcdef";

/** One sample of a Prometheus text exposition. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format (enough for these tests). */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return samples;
}

/** The samples of `name` whose labels include `labels`. */
function find(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The value of the one sample of `name` with `labels` (undefined when absent). */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = find(samples, name, labels);
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

async function scrape(url: string, headers: Record<string, string> = {}): Promise<Sample[]> {
  const res = await fetch(`${url}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await res.text());
}

let dropOwnDatabase: (() => Promise<void>) | undefined;
let db: pg.Pool;
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  dropOwnDatabase = await isolateDatabase();
  db = superuserPool();
  server = await startTestServer();
}, 300_000);

afterAll(async () => {
  await server?.close();
  await db?.end();
  await dropOwnDatabase?.();
});

describe("server /metrics", () => {
  it("times HTTP requests by route pattern and status, never by raw URL", async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/no/such/page-8d1f?x=1`)).status).toBe(404);
    expect((await fetch(`${server.url}/auth/session`)).status).toBe(200);
    const m = await scrape(server.url);
    expect(value(m, "http_requests_total", { method: "GET", route: "/healthz", status_code: "200" })).toBeGreaterThanOrEqual(1);
    expect(value(m, "http_requests_total", { method: "GET", route: "unmatched", status_code: "404" })).toBeGreaterThanOrEqual(1);
    expect(value(m, "http_requests_total", { method: "GET", route: "/auth/session", status_code: "200" })).toBeGreaterThanOrEqual(1);
    const healthCount = value(m, "http_request_duration_seconds_count", { method: "GET", route: "/healthz", status_code: "200" })!;
    expect(healthCount).toBeGreaterThanOrEqual(1);
    expect(value(m, "http_request_duration_seconds_bucket", { method: "GET", route: "/healthz", status_code: "200", le: "+Inf" })).toBe(healthCount);
    expect(value(m, "http_request_duration_seconds_sum", { method: "GET", route: "/healthz", status_code: "200" })).toBeGreaterThan(0);
    expect(m.some((s) => s.labels.route?.includes("8d1f"))).toBe(false);
    // Default process metrics, once.
    expect(find(m, "process_cpu_user_seconds_total")).toHaveLength(1);
    expect(find(m, "nodejs_eventloop_lag_seconds")).toHaveLength(1);
  });

  it("counts GraphQL operations by name, type and outcome", async () => {
    const guild = await createGuild(db, 2, 100);
    const client = await clientFor(server, { guildId: guild.guildId, discordId: guild.memberIds[0], kind: "player" });
    expect((await client.gql("query MetricsProbe { __typename }")).data).toEqual({ __typename: "Query" });
    await client.gql("query MetricsProbe { __typename }");
    expect((await client.gql("query MetricsBroken { noSuchField }")).errors).toBeDefined();
    expect((await client.gql("query MetricsSyntax { ")).errors).toBeDefined();
    // A mutation the database refuses: executed, with errors.
    const give = await client.gql(
      `mutation MetricsGive($to: BigInt!) { give(input: { toDiscordId: $to, amount: "999999", idempotencyKey: "metrics-give-1" }) { giveReceipt { txId } } }`,
      { to: guild.memberIds[1] },
    );
    expect(give.errors?.[0]?.extensions?.code, JSON.stringify(give)).toBeDefined();
    await client.gql("{ __typename }");
    const m = await scrape(server.url);
    expect(value(m, "graphql_operations_total", { operation_name: "MetricsProbe", operation_type: "query", outcome: "ok" })).toBe(2);
    expect(value(m, "graphql_operations_total", { operation_name: "MetricsBroken", operation_type: "query", outcome: "error" })).toBe(1);
    expect(value(m, "graphql_operations_total", { operation_name: "anonymous", operation_type: "unknown", outcome: "error" })).toBe(1);
    expect(value(m, "graphql_operations_total", { operation_name: "MetricsGive", operation_type: "mutation", outcome: "error" })).toBe(1);
    expect(value(m, "graphql_operations_total", { operation_name: "anonymous", operation_type: "query", outcome: "ok" })).toBeGreaterThanOrEqual(1);
    expect(value(m, "http_requests_total", { method: "POST", route: "/graphql", status_code: "200" })).toBeGreaterThanOrEqual(4);
  });

  it("bounds operation names", () => {
    const labels = new OperationNameLabels(2);
    expect(labels.label(undefined)).toBe("anonymous");
    expect(labels.label("")).toBe("anonymous");
    expect(labels.label("bad name; drop")).toBe("invalid");
    expect(labels.label(42)).toBe("invalid");
    expect(labels.label("A".repeat(200))).toBe("A".repeat(64));
    expect(labels.label("Second")).toBe("Second");
    expect(labels.label("Third")).toBe("other");
    expect(labels.label("Second")).toBe("Second");
  });

  it("reports connected stream clients while a stream is open", async () => {
    const guild = await createGuild(db, 1, 0);
    const client = await clientFor(server, { guildId: guild.guildId, discordId: guild.memberIds[0], kind: "player" });
    const abort = new AbortController();
    const res = await fetch(`${server.url}/streams/tx`, { headers: { cookie: client.cookie! }, signal: abort.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = "";
    while (!text.includes("event: ready")) text += new TextDecoder().decode((await reader.read()).value);
    const open = await scrape(server.url);
    expect(value(open, "sse_clients", { stream: "tx" })).toBe(1);
    expect(value(open, "sse_clients", { stream: "alerts" })).toBe(0);
    expect(value(open, "sse_listener_connected")).toBe(1);
    expect(value(open, "sse_delivery_latency_seconds_bucket", { le: "+Inf" })).toBeGreaterThanOrEqual(0);
    // The stream's route is its fixed path, timed to its headers (not its lifetime).
    abort.abort();
    await reader.cancel().catch(() => {});
    await waitFor("the stream to close", async () => value(await scrape(server.url), "sse_clients", { stream: "tx" }) === 0);
    const closed = await scrape(server.url);
    expect(value(closed, "http_requests_total", { method: "GET", route: "/streams/tx", status_code: "200" })).toBe(1);
    expect(value(closed, "http_request_duration_seconds_sum", { method: "GET", route: "/streams/tx", status_code: "200" })).toBeLessThan(5);
  });
});

describe("job metrics, with a real worker", () => {
  let worker: WorkerHandle | undefined;
  afterAll(async () => {
    await worker?.stop();
  });

  it("reports queue depth, job durations and failures, and ledger health", async () => {
    const guild = await createGuild(db, 1, 500);
    await db.query(
      "insert into app_public.rewards (guild_id, sku, name, category, price, fulfilment, payload) values ($1, 'metrics-hat', 'Hat', 'cosmetic', 10, 'none', '{}')",
      [guild.guildId],
    );
    const client = await clientFor(server, { guildId: guild.guildId, discordId: guild.memberIds[0], kind: "player" });
    const bought = await client.gql<{ buyReward: { order: { orderId: string } } }>(
      `mutation { buyReward(input: { sku: "metrics-hat", qty: 1, idempotencyKey: "metrics-buy-1" }) { order { orderId status } } }`,
    );
    const orderId = bought.data!.buyReward.order.orderId;

    // No worker runs (this file's own database has none): the order's job waits in the queue. (Scrapes
    // within a second share one database read: poll.)
    const before = await waitFor("the queued order in the queue depth", async () => {
      const m = await scrape(server.url);
      return (value(m, "job_queue_depth", { task: "orders__fulfil", state: "ready" }) ?? 0) >= 1 && m;
    });
    for (const state of ["ready", "scheduled", "locked", "failed"]) {
      expect(value(before, "job_queue_depth", { task: "ledger__verify", state })).toBeGreaterThanOrEqual(0);
    }
    expect(value(before, "metrics_database_up")).toBe(1);
    expect(value(before, "ledger_violations")).toBeGreaterThanOrEqual(0);
    expect(value(before, "ops_alerts_open_critical")).toBeGreaterThanOrEqual(0);
    expect(value(before, "ledger_last_verified_timestamp_seconds")).toBeGreaterThanOrEqual(0);
    expect(find(before, "job_duration_seconds_count")).toHaveLength(0);

    const port = await freePort();
    worker = await startWorker({
      config: testWorkerConfig({ WORKER_METRICS_PORT: String(port) }),
    });
    expect(worker.metricsUrl).toBe(`http://127.0.0.1:${port}`);
    await waitFor("the order to be fulfilled", async () => {
      const { rows } = await db.query("select status::text from app_public.orders where order_id = $1", [orderId]);
      return rows[0].status === "fulfilled";
    });
    // A verification run (recorded in app_hidden.job_runs) and a job that fails for good.
    const startedAt = Date.now() / 1000;
    await worker.runner.addJob("ledger__verify", {});
    const bad = await worker.runner.addJob("orders__fulfil", { order_id: "not-a-uuid" }, { maxAttempts: 1 });
    try {
      const own = await waitFor("the worker's metrics", async () => {
        const m = await scrape(worker!.metricsUrl!);
        const done =
          (value(m, "job_duration_seconds_count", { task: "ledger__verify" }) ?? 0) >= 1 &&
          (value(m, "job_permanent_failures_total", { task: "orders__fulfil" }) ?? 0) >= 1;
        return done && m;
      });
      expect(value(own, "job_duration_seconds_count", { task: "orders__fulfil" })).toBeGreaterThanOrEqual(2);
      expect(value(own, "job_duration_seconds_sum", { task: "orders__fulfil" })).toBeGreaterThan(0);
      expect(value(own, "job_failures_total", { task: "orders__fulfil" })).toBeGreaterThanOrEqual(1);
      expect(find(own, "process_cpu_user_seconds_total")).toHaveLength(1);
      expect(find(own, "http_requests_total")).toHaveLength(0);

      // The worker runs in this process: the server's scrape includes its metrics.
      const merged = await waitFor("the ledger verification to be recorded", async () => {
        const m = await scrape(server.url);
        return (value(m, "ledger_last_verified_timestamp_seconds") ?? 0) >= Math.floor(startedAt) - 1 && m;
      });
      expect(value(merged, "job_duration_seconds_count", { task: "ledger__verify" })).toBeGreaterThanOrEqual(1);
      expect(value(merged, "job_permanent_failures_total", { task: "orders__fulfil" })).toBeGreaterThanOrEqual(1);
      expect(find(merged, "process_cpu_user_seconds_total")).toHaveLength(1);
      expect(value(merged, "job_queue_depth", { task: "orders__fulfil", state: "failed" })).toBeGreaterThanOrEqual(1);
      const { rows } = await db.query("select outcome from app_hidden.job_runs where task = 'ledger__verify'");
      expect(rows[0].outcome).toMatchObject({ job_id: expect.any(String), duration_ms: expect.any(Number) });
    } finally {
      await db.query("delete from graphile_worker._private_jobs where id = $1", [bad.id]);
    }
  });
});

describe("who may scrape", () => {
  it("requires the Bearer METRICS_TOKEN when it is set", async () => {
    const guarded = await startTestServer({ METRICS_TOKEN: TOKEN });
    try {
      const none = await fetch(`${guarded.url}/metrics`);
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
      expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Basic ${TOKEN}` } })).status).toBe(401);
      await scrape(guarded.url, { authorization: `Bearer ${TOKEN}` });
    } finally {
      await guarded.close();
    }
  });

  it("allows only loopback clients without a token, including the client a trusted proxy reports", async () => {
    const proxied = await startTestServer({ TRUST_PROXY: "1" });
    try {
      await scrape(proxied.url);
      expect((await fetch(`${proxied.url}/metrics`, { headers: { "x-forwarded-for": "203.0.113.7" } })).status).toBe(403);
      await scrape(proxied.url, { "x-forwarded-for": "127.0.0.1" });
    } finally {
      await proxied.close();
    }
    expect(checkMetricsAccess(undefined, { authorization: undefined, socketAddress: "10.1.2.3" })).toBe("forbidden");
    expect(checkMetricsAccess(undefined, { authorization: undefined, socketAddress: "::ffff:127.0.0.1" })).toBe("ok");
    expect(checkMetricsAccess(undefined, { authorization: undefined, socketAddress: "::1", clientAddress: "198.51.100.1" })).toBe("forbidden");
    expect(checkMetricsAccess(TOKEN, { authorization: `bearer ${TOKEN}`, socketAddress: "10.1.2.3" })).toBe("ok");
  });

  it("guards the worker's listener the same way", async () => {
    const port = await freePort();
    const worker = await startWorker({
      config: testWorkerConfig({ WORKER_METRICS_PORT: String(port), METRICS_TOKEN: TOKEN }),
    });
    try {
      expect((await fetch(`${worker.metricsUrl}/metrics`)).status).toBe(401);
      expect((await fetch(`${worker.metricsUrl}/other`)).status).toBe(404);
      await scrape(worker.metricsUrl!, { authorization: `Bearer ${TOKEN}` });
    } finally {
      await worker.stop();
    }
    // Stopped: the listener is closed.
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it("labels a failing route by its full pattern, and counts it as an error", async () => {
    const registry = new Registry();
    const app = express();
    app.use(createHttpMetrics(registry).middleware);
    const things = express.Router();
    things.get("/:id", () => {
      throw new Error("boom");
    });
    app.use("/things", things);
    app.use((_err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ error: "internal_error" });
    });
    const srv = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => srv.once("listening", resolve));
    try {
      const base = `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
      expect((await fetch(`${base}/things/42`)).status).toBe(500);
      expect((await fetch(`${base}/things/43`)).status).toBe(500);
      const m = parseMetrics(await registry.metrics());
      expect(value(m, "http_request_errors_total", { method: "GET", route: "/things/:id", status_code: "500" })).toBe(2);
      expect(value(m, "http_requests_total", { method: "GET", route: "/things/:id", status_code: "500" })).toBe(2);
    } finally {
      await new Promise((resolve) => srv.close(resolve));
    }
  });

  it("labels routes by pattern", () => {
    const req = (over: Record<string, unknown>) => ({ originalUrl: "/x", baseUrl: "", ...over }) as unknown as Parameters<typeof routeLabel>[0];
    expect(routeLabel(req({ originalUrl: "/graphql?x=1" }))).toBe("/graphql");
    expect(routeLabel(req({ originalUrl: "/Streams/tx/", baseUrl: "/Streams", route: { path: "/tx" } }))).toBe("/streams/tx");
    expect(routeLabel(req({ originalUrl: "/auth/dev/login", route: { path: "/auth/dev/login" } }))).toBe("/auth/dev/login");
    expect(routeLabel(req({ originalUrl: "/users/123" }))).toBe("unmatched");
  });
});

describe("registries", () => {
  it("sums the metrics of several workers of one process into one scrape", async () => {
    const a = createWorkerMetrics();
    const b = createWorkerMetrics();
    const events = [new EventEmitter(), new EventEmitter()];
    a.observe(events[0] as unknown as WorkerEvents);
    b.observe(events[1] as unknown as WorkerEvents);
    const job = (id: string) => ({ job: { id, task_identifier: "digest__daily" } });
    for (const [i, e] of events.entries()) {
      e.emit("job:start", job(`j${i}`));
      e.emit("job:error", job(`j${i}`));
      e.emit("job:failed", job(`j${i}`));
    }
    a.alertNotifications.inc({ outcome: "posted" }, 2);
    b.alertNotifications.inc({ outcome: "posted" }, 3);
    const m = parseMetrics(await renderMetrics([processRegistry()], [a.registry, b.registry]));
    expect(value(m, "job_duration_seconds_count", { task: "digest__daily" })).toBe(2);
    expect(value(m, "job_failures_total", { task: "digest__daily" })).toBe(2);
    expect(value(m, "job_permanent_failures_total", { task: "digest__daily" })).toBe(2);
    expect(value(m, "alert_notifications_total", { outcome: "posted" })).toBe(5);
    expect(find(m, "process_cpu_user_seconds_total")).toHaveLength(1);
  });
});
