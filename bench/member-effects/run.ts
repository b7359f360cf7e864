/**
 * bench/member-effects: what the member side of issue 14 adds to an order's fulfilment. Every fulfilled order now
 * runs the `_510_member_effects` trigger on `orders` (role items applied, the buyer's and the seller's DMs queued,
 * their badges evaluated). The yardstick is the same fulfilment with that trigger disabled, in the same run, on the
 * same kind of orders:
 *
 * - `fulfil, effects on`: `BENCH_ORDERS` market orders (buyer and seller each with a Discord-enabled guild, so the DMs
 *   are really queued as graphile-worker jobs, and the badges really evaluated) fulfilled one by one from
 *   `BENCH_CLIENTS` connections, as the server's `orders__fulfil` job does (`app_hidden.fulfil_order`);
 * - `fulfil, effects on, repeat buyers`: the same buyers again (they hold their first badges now: the steady state);
 * - `fulfil, effects off` (yardstick): the same number of orders with the trigger disabled.
 *
 * Usage: `node bench/member-effects/run.ts` with BENCH_ROOT_URL (superuser of a migrated database, default the
 * local guildbank_dev_commbot), BENCH_ORDERS (default 400), BENCH_CLIENTS (4). Prints throughput and latency
 * percentiles of both, and their ratio. The trigger is re-enabled at the end whatever happens.
 */
import pg from "pg";
import { percentile } from "../lib/stats.ts";

const ROOT = process.env.BENCH_ROOT_URL ?? "postgres://postgres@127.0.0.1:5432/guildbank_dev_commbot";
const ORDERS = Number(process.env.BENCH_ORDERS ?? 400);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);

const root = new pg.Pool({ connectionString: ROOT, max: CLIENTS + 1 });
const guildId = (980_000_000_000_000_000n + BigInt(Date.now() % 1_000_000_000)).toString();
const SELLERS = 20;

/** Creates `n` pending market orders (buyers 100.., sellers 1..SELLERS) and returns their ids. */
async function pendingOrders(n: number, tag: string): Promise<string[]> {
  const { rows } = await root.query<{ order_id: string }>(
    `select (app_private.buy_listing_for(
        (select id from app_public.users where guild_id = $1 and discord_id = ($1::bigint + 100 + i)),
        (select listing_id from app_public.listings l join app_public.users s on s.id = l.seller_id
          where l.guild_id = $1 and s.discord_id = $1::bigint + 1 + (i % $3) and l.status = 'active' limit 1),
        1, $4 || '-' || i)).order_id::text
       from generate_series(1, $2) i`,
    [guildId, n, SELLERS, `bench-${tag}`],
  );
  return rows.map((r) => r.order_id);
}

async function fulfil(name: string, ids: string[]): Promise<number> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = next++; i < ids.length; i = next++) {
        const t0 = performance.now();
        await root.query("select app_hidden.fulfil_order($1)", [ids[i]]);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const rate = ids.length / seconds;
  const f = (v: number) => v.toFixed(2);
  console.log(
    `${name.padEnd(34)} ${ids.length} orders in ${seconds.toFixed(2)} s = ${rate.toFixed(0).padStart(5)}/s` +
      `  p50 ${f(percentile(latencies, 50))} ms  p95 ${f(percentile(latencies, 95))} ms  p99 ${f(percentile(latencies, 99))} ms`,
  );
  return rate;
}

try {
  await root.query("select app_private.ensure_guild($1, 'bench member effects')", [guildId]);
  await root.query("select app_hidden.save_discord_setup($1, 11, 12, 13, 14, 15, 16)", [guildId]);
  await root.query("insert into app_public.rewards (guild_id, sku, name, category, price) values ($1, 'gem', 'Gem', 'cosmetic', 10)", [guildId]);
  await root.query("update app_public.guild_settings set escrow_timeout_min = 600 where guild_id = $1", [guildId]);
  await root.query("select app_private.ensure_member($1, ($1::bigint + i)::bigint, 'member ' || i) from generate_series(1, $2) i", [guildId, 100 + 2 * ORDERS]);
  await root.query(
    "select app_private.admin_adjust_by(1, 'ADMIN', u.id, 1000000, 'bench', 'fund-' || u.id) from app_public.users u where u.guild_id = $1",
    [guildId],
  );
  // Each seller buys stock from the shop and lists it (enough for both runs).
  await root.query(
    `select app_hidden.fulfil_order((app_private.buy_reward_for(u.id, 'gem', $2, 'stock-' || u.id)).order_id),
            app_private.create_listing_for(u.id, 'gem', $2, 10, 72, 1, null, 'list-' || u.id)
       from app_public.users u where u.guild_id = $1 and u.discord_id between $1::bigint + 1 and $1::bigint + $3`,
    [guildId, Math.ceil((3 * ORDERS) / SELLERS) + 1, SELLERS],
  );
  const on = await pendingOrders(ORDERS, "on");
  const onRate = await fulfil("fulfil, effects on", on);
  const again = await pendingOrders(ORDERS, "on-again");
  const againRate = await fulfil("fulfil, effects on, repeat buyers", again);
  // The yardstick: the same work without the trigger (buyers 100 + ORDERS .. so nobody's badges are already held).
  await root.query("alter table app_public.orders disable trigger _510_member_effects");
  let offRate: number;
  try {
    const off = (
      await root.query<{ order_id: string }>(
        `select (app_private.buy_listing_for(
            (select id from app_public.users where guild_id = $1 and discord_id = ($1::bigint + 100 + $2 + i)),
            (select listing_id from app_public.listings l join app_public.users s on s.id = l.seller_id
              where l.guild_id = $1 and s.discord_id = $1::bigint + 1 + (i % $3) and l.status = 'active' limit 1),
            1, 'bench-off-' || i)).order_id::text
           from generate_series(1, $2) i`,
        [guildId, ORDERS, SELLERS],
      )
    ).rows.map((r) => r.order_id);
    offRate = await fulfil("fulfil, effects off (yardstick)", off);
  } finally {
    await root.query("alter table app_public.orders enable trigger _510_member_effects");
  }
  const jobs = await root.query<{ n: number }>("select count(*)::int as n from graphile_worker.jobs where queue_name = $1 and task_identifier = 'discord__notify'", [`discord:${guildId}`]);
  const badges = await root.query<{ n: number }>("select count(*)::int as n from app_public.member_badges where guild_id = $1", [guildId]);
  console.log(`effects on / off: ${(onRate / offRate).toFixed(2)} (first orders), ${(againRate / offRate).toFixed(2)} (repeat buyers) of the yardstick's throughput; ${jobs.rows[0].n} DM jobs queued, ${badges.rows[0].n} badges awarded`);
  await root.query("select graphile_worker.complete_jobs(array(select id from graphile_worker.jobs where queue_name = $1))", [`discord:${guildId}`]);
  const v = await root.query<{ n: number }>("select count(*)::int as n from app_public.verify_ledger() where guild_id = $1", [guildId]).catch(() => ({ rows: [{ n: -1 }] }));
  console.log(`verify_ledger violations for the guild: ${v.rows[0].n}`);
} finally {
  await root.end();
}
