/**
 * bench/jobs: trigger → job start latency (`npm run bench:jobs`).
 *
 * The real path: a member's purchase commits (app_private.buy_listing_for), the orders trigger
 * queues `orders__fulfil` with graphile_worker.add_job, LISTEN/NOTIFY wakes the real worker
 * (server/src/worker, as coins_worker), and the task starts. Latency = the task's `job:start`
 * event minus the moment the purchase's COMMIT returned, both on this process's clock. Beside it,
 * in the same run, the floor: a raw LISTEN/NOTIFY round trip on the same server.
 *
 * Environment: BENCH_JOBS_RATE (purchases per second, default 50), BENCH_JOBS_SECONDS (default 20),
 * BENCH_ROOT_URL (superuser URL of the server; default as scripts/testdb.ts: TEST_DATABASE_URL, else embedded).
 * Exit code 1 when an order's job never started or ran twice.
 */
import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { createLogger } from "@guildbank/lib";
import { loadWorkerConfig, startWorker } from "@guildbank/server";
import { prepareTestDatabase } from "../../scripts/testdb.ts";
import { formatSummary } from "../lib/stats.ts";

const RATE = Number(process.env.BENCH_JOBS_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_JOBS_SECONDS ?? 20);
if (!(RATE > 0 && RATE <= 2000) || !(SECONDS > 0 && SECONDS <= 3600)) {
  console.error("bench/jobs: BENCH_JOBS_RATE must be in (0, 2000] and BENCH_JOBS_SECONDS in (0, 3600]");
  process.exit(2);
}
if (process.env.BENCH_ROOT_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_ROOT_URL;

const db = await prepareTestDatabase("guildbank_bench_jobs");
const root = new pg.Pool({ connectionString: db.urls.root, max: 4 });
const guild = 555000000000000000n;
const buyers = 200;

// A guild, a tradable SKU, 20 sellers with deep listings (purchases spread over them, so the figure
// is the queue's latency rather than one seller's lock), funded buyers.
await root.query("select app_private.ensure_guild($1, 'Jobs bench')", [guild.toString()]);
await root.query("update app_public.guild_settings set escrow_timeout_min = 600 where guild_id = $1", [guild.toString()]);
await root.query("insert into app_public.rewards (guild_id, sku, name, category, price) values ($1, 'probe', 'Probe', 'cosmetic', 10)", [guild.toString()]);
const listings: string[] = [];
for (let i = 1; i <= 20; i++) {
  const seller = (await root.query("select id from app_private.ensure_member($1, $2, $3)", [guild.toString(), (guild + BigInt(i)).toString(), `seller ${i}`])).rows[0].id;
  await root.query("select app_private.inventory_add($1, 'probe', 1000000)", [seller]);
  const { rows } = await root.query("select listing_id from app_private.create_listing_for($1, 'probe', 1000000, 10, 240, 1, null, $2)", [seller, `bench-list-${i}`]);
  listings.push(rows[0].listing_id);
}
const buyerIds: string[] = [];
for (let i = 0; i < buyers; i++) {
  const { rows } = await root.query("select id from app_private.ensure_member($1, $2, $3)", [guild.toString(), (guild + 1000n + BigInt(i)).toString(), `buyer ${i}`]);
  await root.query("select app_private.admin_adjust_by(1, 'ADMIN', $1, 1000000000, 'bench funding')", [rows[0].id]);
  buyerIds.push(rows[0].id);
}

// The real worker, its job:start events timed on this clock.
const committedAt = new Map<string, number>();
const startedAt = new Map<string, number>();
const started = new Map<string, number>();
const events = new EventEmitter();
events.on("job:start", ({ job }: { job: { task_identifier: string; payload: { order_id?: string } } }) => {
  if (job.task_identifier !== "orders__fulfil" || !job.payload?.order_id) return;
  const id = job.payload.order_id;
  started.set(id, (started.get(id) ?? 0) + 1);
  if (!startedAt.has(id)) startedAt.set(id, performance.now());
});
const worker = await startWorker({
  config: loadWorkerConfig({ DATABASE_URL: db.urls.authenticator, WORKER_CONCURRENCY: "4", WORKER_CRON: "false", LOG_LEVEL: "silent" }),
  logger: createLogger("bench-worker", "silent"),
  events,
});

// Reference: a raw LISTEN/NOTIFY round trip on the same server.
const listener = new pg.Client({ connectionString: db.urls.root });
await listener.connect();
await listener.query("listen bench_probe");
const notifyLatencies: number[] = [];
const notifier = new pg.Client({ connectionString: db.urls.root });
await notifier.connect();
for (let i = 0; i < 500; i++) {
  const received = new Promise<number>((resolve) => listener.once("notification", () => resolve(performance.now())));
  const t0 = performance.now();
  await notifier.query("select pg_notify('bench_probe', $1)", [String(i)]);
  notifyLatencies.push((await received) - t0);
}
await listener.end();
await notifier.end();

// The load: RATE purchases per second for SECONDS, each committed on its own.
const buyer = new pg.Pool({ connectionString: db.urls.root, max: 8 });
const begin = performance.now();
let sent = 0;
const inflight = new Set<Promise<void>>();
while (performance.now() - begin < SECONDS * 1000) {
  const due = Math.floor(((performance.now() - begin) / 1000) * RATE) + 1;
  while (sent < due) {
    const n = sent++;
    const p = buyer
      .query("select order_id from app_private.buy_listing_for($1, $2, 1, $3)", [buyerIds[n % buyers], listings[n % listings.length], `bench-${n}`])
      .then((r) => {
        committedAt.set(r.rows[0].order_id, performance.now());
      });
    inflight.add(p);
    p.finally(() => inflight.delete(p));
  }
  await sleep(2);
}
await Promise.all(inflight);
const wall = (performance.now() - begin) / 1000;
for (let i = 0; i < 200 && started.size < committedAt.size; i++) await sleep(50);
await worker.stop();

const { rows: settled } = await root.query(
  "select status, count(*)::int n from app_public.orders where guild_id = $1 group by status order by status",
  [guild.toString()],
);
const { rows: violations } = await root.query("select * from app_public.verify_ledger($1)", [guild.toString()]);
await buyer.end();
await root.end();
await db.embedded?.stop();

// A job may start before the buyer has processed its COMMIT's reply: that counts as ~0 (negative values kept).
const latencies = [...committedAt].filter(([id]) => startedAt.has(id)).map(([id, t0]) => startedAt.get(id)! - t0);
const missing = [...committedAt.keys()].filter((id) => !started.has(id)).length;
const doubled = [...started.values()].filter((n) => n > 1).length;
console.log(`\nbench/jobs: trigger → job start, ${committedAt.size} purchases at ${(committedAt.size / wall).toFixed(1)}/s for ${wall.toFixed(1)} s, worker concurrency 4`);
console.log(`  commit → orders__fulfil start: ${formatSummary(latencies)}`);
console.log(`  reference, NOTIFY committed → received on another connection: ${formatSummary(notifyLatencies)}`);
console.log(`  orders: ${settled.map((r) => `${r.status} ${r.n}`).join(", ")}; jobs never started: ${missing}; started twice: ${doubled}`);
console.log(`  ledger: ${violations.length ? `${violations.length} violation(s)` : "verify_ledger() clean"}`);
process.exit(missing === 0 && doubled === 0 && violations.length === 0 ? 0 : 1);
