/**
 * bench/minecraft: chat line → payment row committed (`npm run bench:minecraft`).
 *
 * A local minecraft-protocol server (1.21.10, offline) sends system-chat payment lines at a fixed
 * rate to two clients: the real listener (mineflayer → record_payment as coins_listener, one
 * transaction per line) and a raw minecraft-protocol client. Per line, on this process's clock:
 * - listener: the moment the payment's COMMIT returned (the listener's `payment` event) minus the
 *   moment the server wrote the line;
 * - raw protocol delivery: the raw client's `system_chat` packet minus the same moment (the floor:
 *   TCP, framing, compression, NBT decoding).
 * Checks that every line was recorded exactly once. Exit code 1 otherwise.
 *
 * Environment: BENCH_MC_LINES (default 1000), BENCH_MC_RATE (lines per second, default 100),
 * BENCH_ROOT_URL (superuser URL; default as scripts/testdb.ts: TEST_DATABASE_URL, else embedded).
 */
import { setTimeout as sleep } from "node:timers/promises";
import mc from "minecraft-protocol";
import pg from "pg";
import { createLogger, createPool } from "@guildbank/lib";
import { createListener, loadMinecraftConfig, type RecordedPayment } from "@guildbank/minecraft";
import { startFakeServer, VERSION } from "../../minecraft/__tests__/fake-server.ts";
import { prepareTestDatabase } from "../../scripts/testdb.ts";
import { formatSummary } from "../lib/stats.ts";

const LINES = Number(process.env.BENCH_MC_LINES ?? 1000);
const RATE = Number(process.env.BENCH_MC_RATE ?? 100);
if (!(LINES > 0 && LINES <= 100_000) || !(RATE > 0 && RATE <= 10_000)) {
  console.error("bench/minecraft: BENCH_MC_LINES must be in (0, 100000] and BENCH_MC_RATE in (0, 10000]");
  process.exit(2);
}
if (process.env.BENCH_ROOT_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_ROOT_URL;

const db = await prepareTestDatabase("guildbank_bench_minecraft");
const root = new pg.Pool({ connectionString: db.urls.root, max: 2 });
const guild = "556000000000000000";
await root.query("select app_private.ensure_guild($1, 'Minecraft bench')", [guild]);
const { rows } = await root.query("select id from app_private.ensure_member($1, $2, 'payer')", [guild, "556000000000000001"]);
await root.query("select app_private.link_ign($1, $2, 'Bench_Payer')", [guild, rows[0].id]);

const fake = await startFakeServer();
const pool = createPool(db.urls.authenticator, 4);
const config = loadMinecraftConfig({
  DATABASE_URL: db.urls.authenticator,
  MINECRAFT_GUILD_ID: guild,
  MINECRAFT_HOST: "127.0.0.1",
  MINECRAFT_PORT: String(fake.port),
  MINECRAFT_USERNAME: "BenchBot",
  MINECRAFT_AUTH: "offline",
  MINECRAFT_LISTENER_ID: "bench",
});
const listener = createListener({ config, pool, logger: createLogger("bench", "silent") });
let joined = fake.joined();
listener.start();
await joined;
while (!listener.connected) await sleep(20);

const raw = mc.createClient({ host: "127.0.0.1", port: fake.port, username: "RawProbe", version: VERSION, auth: "offline" });
const rawArrivals: number[] = [];
joined = fake.joined();
raw.on("packet", (_data, meta) => {
  if (meta.name === "system_chat") rawArrivals.push(performance.now());
});
await joined;
await sleep(500);

const sentAt: number[] = [];
const committed = new Map<number, number>();
listener.events.on("payment", (p: RecordedPayment) => committed.set(Number(p.deliveryKey), performance.now()));

console.log(`bench/minecraft: ${LINES} payment lines at ${RATE}/s through a local ${VERSION} server\n`);
const started = performance.now();
for (let i = 0; i < LINES; i++) {
  const due = started + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 0) await sleep(wait);
  sentAt.push(performance.now());
  fake.say(`Bench_Payer paid you $${(i % 50) + 1}.00`);
}
const deadline = Date.now() + 60_000;
while ((committed.size < LINES || rawArrivals.length < LINES) && Date.now() < deadline) await sleep(50);
await listener.drain();

const listenerMs = sentAt.map((t, i) => (committed.get(i + 1) ?? NaN) - t).filter((v) => !Number.isNaN(v));
const rawMs = sentAt.map((t, i) => (rawArrivals[i] ?? NaN) - t).filter((v) => !Number.isNaN(v));
const { rows: check } = await root.query(
  "select count(*)::int as n, count(distinct delivery_key)::int as keys, sum(amount)::text as total from app_public.minecraft_payments where guild_id = $1",
  [guild],
);
const expectedTotal = Array.from({ length: LINES }, (_, i) => BigInt((i % 50) + 1) * 100n).reduce((a, b) => a + b, 0n);

console.log(`chat line → payment row committed: ${formatSummary(listenerMs)}`);
console.log(`raw protocol delivery (same run):  ${formatSummary(rawMs)}`);
console.log(`recorded ${check[0].n} rows, ${check[0].keys} distinct delivery keys, total ${check[0].total} cents (expected ${LINES} rows, ${expectedTotal})`);

raw.end("bench done");
await listener.stop();
await fake.close();
await pool.end();
await root.end();
await db.embedded?.stop();
const ok = check[0].n === LINES && check[0].keys === LINES && check[0].total === expectedTotal.toString();
if (!ok) console.error("bench/minecraft: lines were lost or doubled");
process.exit(ok ? 0 : 1);
