/**
 * bench/mm: chat line → middleman trade row updated → ticket embed edited (`npm run bench:mm`, issue 13).
 *
 * A local minecraft-protocol server (1.21.10, offline) sends verification payment lines to the real
 * listener; each line pays one trade's exact buyer amount, so `record_payment` matches it inside its
 * transaction (hold, trade row, mm_events row). Per line, on this process's clock: the moment the
 * listener's COMMIT returned (its `payment` event) minus the moment the server wrote the line;
 * beside it the raw protocol delivery to a bare client (the floor). End to end, per line: the moment
 * the fake Discord REST (in this process) receives the bot's edit of that trade's ticket embed showing
 * the buyer ✅ Paid, minus the moment the line was written: the real bot (its `discord__mm_ticket`
 * runner at its production defaults, BOT_WORKER_CONCURRENCY 2) re-reads the trade and edits the
 * message through discord.js REST. Two phases: a steady rate
 * (BENCH_MM_RATE lines/s, default 10) and a burst (BENCH_MM_BURST lines written at once, default
 * 100). Checks that every trade was verified exactly once. Exit code 1 otherwise.
 *
 * Environment: BENCH_MM_LINES (steady phase, default 100), BENCH_MM_RATE (10), BENCH_MM_BURST (100),
 * BENCH_ROOT_URL (superuser URL; default the local server, else embedded).
 */
import { setTimeout as sleep } from "node:timers/promises";
import mc from "minecraft-protocol";
import pg from "pg";
import { createLogger, createPool } from "@guildbank/lib";
import { createListener, loadMinecraftConfig, type RecordedPayment } from "@guildbank/minecraft";
import { startFakeServer, VERSION } from "../../minecraft/__tests__/fake-server.ts";
import { prepareTestDatabase } from "../../scripts/testdb.ts";
import { formatSummary } from "../lib/stats.ts";
import { loadBotConfig, startBot } from "@guildbank/bot";
import { FakeDiscord, snowflake } from "../../bot/__tests__/fake-discord.ts";

const LINES = Number(process.env.BENCH_MM_LINES ?? 100);
const RATE = Number(process.env.BENCH_MM_RATE ?? 10);
const BURST = Number(process.env.BENCH_MM_BURST ?? 100);
if (!(LINES > 0 && LINES <= 2000) || !(RATE > 0 && RATE <= 1000) || !(BURST > 0 && BURST <= 2000)) {
  console.error("bench/mm: BENCH_MM_LINES and BENCH_MM_BURST must be in (0, 2000], BENCH_MM_RATE in (0, 1000]");
  process.exit(2);
}
if (process.env.BENCH_ROOT_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_ROOT_URL;

const db = await prepareTestDatabase("guildbank_bench_mm");
const root = new pg.Pool({ connectionString: db.urls.root, max: 4 });
const guild = "557000000000000000";
const total = LINES + BURST;
await root.query("select app_private.ensure_guild($1, 'Middleman bench')", [guild]);
await root.query("update app_public.guild_settings set mm_hourly_limit = 1000 where guild_id = $1", [guild]);
// The middleman lives in Discord for this guild (a public channel): every trail event queues its ticket's edit.
const PUBLIC_CHANNEL = "1300000000000000777";
await root.query("insert into app_public.mm_discord (guild_id, public_channel_id) values ($1, $2) on conflict (guild_id) do update set public_channel_id = excluded.public_channel_id", [guild, PUBLIC_CHANNEL]);
// One trade per line, each between its own two members (the live-trade limit is per member).
const trades: { id: string; ign: string; amount: string }[] = [];
for (let i = 0; i < total; i++) {
  const seller = (BigInt(guild) + BigInt(2 * i + 1)).toString();
  const buyer = (BigInt(guild) + BigInt(2 * i + 2)).toString();
  const { rows } = await root.query(
    `with s as (select id from app_private.ensure_member($1, $2, 'seller')), b as (select id from app_private.ensure_member($1, $3, 'buyer'))
     select (select id from s)::text as s, (select id from b)::text as b`,
    [guild, seller, buyer],
  );
  await root.query("select app_private.link_ign($1, $2, $3)", [guild, rows[0].s, `Sel${i}`]);
  await root.query("select app_private.link_ign($1, $2, $3)", [guild, rows[0].b, `Buy${i}`]);
  const t = (await root.query("select (app_private.mm_open_trade_for($1)).id::text as id", [rows[0].s])).rows[0].id;
  await root.query("select app_private.mm_set_counterparty_for($1, $2, $3)", [t, rows[0].s, buyer]);
  const f = await root.query("select buyer_verify_amount::text as a from app_private.mm_submit_form_for($1, $2, 'seller', null, null, 10000, '')", [t, rows[0].s]);
  trades.push({ id: t, ign: `Buy${i}`, amount: f.rows[0].a });
}

// The bot against a fake Discord: it opens every ticket (one private channel and embed per trade) before the run.
const discord = new FakeDiscord("1300000000000000001");
await discord.start();
discord.channels.set(PUBLIC_CHANNEL, { id: PUBLIC_CHANNEL, guild_id: guild, name: "middleman", type: 0, topic: null, permission_overwrites: [] });
// Every ticket exists before the run (its channel and embed in the fake Discord, recorded and shown up to its
// latest event, as the bot leaves them): the bench times the edits the payments cause, not ticket creation.
for (const tr of trades) {
  const channelId = snowflake();
  const messageId = snowflake();
  discord.channels.set(channelId, { id: channelId, guild_id: guild, name: `mm-${tr.id}`, type: 0, topic: null, permission_overwrites: [] });
  discord.messages.set(messageId, { id: messageId, channel_id: channelId, embeds: [], components: [], content: "", pinned: false });
  await root.query("select app_hidden.mm_record_ticket($1, $2, $3)", [tr.id, channelId, messageId]);
  await root.query("select app_hidden.mm_record_rendered($1, (select max(id) from app_public.mm_events where trade_id = $1))", [tr.id]);
}
await root.query("select graphile_worker.complete_jobs(array(select id from graphile_worker.jobs where queue_name = $1 or queue_name like $2))", [`discord:${guild}`, "discord:mm:%"]);
const bot = await startBot({
  config: loadBotConfig({
    NODE_ENV: "production",
    DATABASE_URL: db.urls.authenticator,
    DISCORD_TOKEN: "bench-token-0123456789abcdefghij",
    DISCORD_CLIENT_ID: "1300000000000000001",
    DISCORD_API_BASE_URL: `${discord.api}/v10`,
    BOT_HEALTH_PORT: "0",
    LOG_LEVEL: "silent",
  }),
  login: false,
});
const messageToTrade = new Map<string, number>();
for (const [i, tr] of trades.entries()) {
  const { rows } = await root.query("select ticket_message_id::text as m from app_public.mm_trades where id = $1", [tr.id]);
  messageToTrade.set(rows[0].m, i);
}
const edited = new Map<number, number>();
discord.onCall = (call) => {
  if (call.method !== "PATCH") return;
  const m = /^\/channels\/\d+\/messages\/(\d+)$/.exec(call.path);
  const i = m ? messageToTrade.get(m[1]) : undefined;
  if (i === undefined || edited.has(i)) return;
  const buyer = (call.body?.embeds?.[0]?.fields ?? []).find((f: { name: string }) => f.name === "Buyer verification");
  if (buyer?.value?.includes("✅ Paid")) edited.set(i, performance.now());
};

const fake = await startFakeServer();
const pool = createPool(db.urls.authenticator, 4);
const config = loadMinecraftConfig({
  DATABASE_URL: db.urls.authenticator,
  MINECRAFT_GUILD_ID: guild,
  MINECRAFT_HOST: "127.0.0.1",
  MINECRAFT_PORT: String(fake.port),
  MINECRAFT_USERNAME: "Bunji_MC",
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
const line = (i: number) => {
  const c = BigInt(trades[i].amount);
  return `${trades[i].ign} paid you $${c / 100n}.${(c % 100n).toString().padStart(2, "0")}.`;
};

console.log(`bench/mm: ${LINES} verification lines at ${RATE}/s, then a burst of ${BURST}, through a local ${VERSION} server\n`);
const started = performance.now();
for (let i = 0; i < LINES; i++) {
  const wait = started + (i * 1000) / RATE - performance.now();
  if (wait > 0) await sleep(wait);
  sentAt.push(performance.now());
  fake.say(line(i));
}
const waitAll = async (n: number) => {
  const deadline = Date.now() + 120_000;
  while ((committed.size < n || rawArrivals.length < n || edited.size < n) && Date.now() < deadline) await sleep(20);
};
await waitAll(LINES);
for (let i = LINES; i < total; i++) {
  sentAt.push(performance.now());
  fake.say(line(i));
}
await waitAll(total);
await listener.drain();

const ms = (from: number, to: number, arrivals: (i: number) => number | undefined) =>
  sentAt.slice(from, to).map((t, k) => (arrivals(from + k) ?? NaN) - t).filter((v) => !Number.isNaN(v));
const { rows: check } = await root.query(
  `select count(*) filter (where t.buyer_verified_at is not null)::int as verified,
          (select count(*)::int from app_public.mm_events e where e.guild_id = $1 and e.kind = 'verification_paid') as events,
          (select count(*)::int from app_public.verify_ledger($1)) as violations
     from app_public.mm_trades t where t.guild_id = $1`,
  [guild],
);
console.log(`steady ${RATE}/s  chat line → trade row committed: ${formatSummary(ms(0, LINES, (i) => committed.get(i + 1)))}`);
console.log(`steady ${RATE}/s  raw protocol delivery:          ${formatSummary(ms(0, LINES, (i) => rawArrivals[i]))}`);
console.log(`burst of ${BURST}   chat line → trade row committed: ${formatSummary(ms(LINES, total, (i) => committed.get(i + 1)))}`);
console.log(`burst of ${BURST}   raw protocol delivery:          ${formatSummary(ms(LINES, total, (i) => rawArrivals[i]))}`);
console.log(`steady ${RATE}/s  chat line → ticket embed edited:  ${formatSummary(ms(0, LINES, (i) => edited.get(i)))}`);
console.log(`burst of ${BURST}   chat line → ticket embed edited:  ${formatSummary(ms(LINES, total, (i) => edited.get(i)))}`);
console.log(`targets: line → trade row p99 < 50 ms, line → embed edit p99 < 2000 ms`);
console.log(`edited ${edited.size}/${total} ticket embeds`);
console.log(`verified ${check[0].verified}/${total} trades, ${check[0].events} verification events, ${check[0].violations} ledger violations`);

raw.end("bench done");
await listener.stop();
await fake.close();
await bot.stop();
await discord.stop();
await pool.end();
await root.end();
await db.embedded?.stop();
const ok = check[0].verified === total && check[0].events === total && check[0].violations === 0 && edited.size === total;
if (!ok) console.error("bench/mm: a line was lost, doubled or matched wrongly");
process.exit(ok ? 0 : 1);
