/**
 * bench/tasks: claims of community tasks through SQL, as the bot calls them (authenticator → `coins_player` with
 * the member's claims → `app_public.claim_task`), beside the daily claim (`app_public.claim_daily`) of the same
 * members in the same run as the reference. Every member claims once, from `BENCH_CLIENTS` connections at once:
 *
 * - `claim_task, contended`: every member races for one task with `BENCH_SLOTS` slots (the task row lock
 *   serialises them): exactly `BENCH_SLOTS` must win, the rest get TK002;
 * - `claim_task, spread`: members claim one of 50 tasks (unlimited slots), little contention;
 * - `claim_daily` (reference): each member's daily claim.
 *
 * Usage: `node bench/tasks/run.ts` with BENCH_DATABASE_URL (a migrated database; default the local
 * guildbank_dev_tasks as the authenticator) and BENCH_ROOT_URL (superuser, for the fixture), BENCH_MEMBERS (default 400),
 * BENCH_CLIENTS (8), BENCH_SLOTS (50). Prints throughput and latency percentiles per workload.
 */
import pg from "pg";
import { percentile } from "../lib/stats.ts";

const ROOT = process.env.BENCH_ROOT_URL ?? "postgres://postgres@127.0.0.1:5432/guildbank_dev_tasks";
const APP = process.env.BENCH_DATABASE_URL ?? "postgres://guildbank_authenticator@127.0.0.1:5432/guildbank_dev_tasks";
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 400);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const SLOTS = Number(process.env.BENCH_SLOTS ?? 50);

const root = new pg.Pool({ connectionString: ROOT, max: 2 });
const app = new pg.Pool({ connectionString: APP, max: CLIENTS });
const guildId = (990_000_000_000_000_000n + BigInt(Date.now() % 1_000_000_000)).toString();
const member = (i: number) => (BigInt(guildId) + BigInt(i + 1)).toString();

async function asMember<T>(discordId: string, sql: string, params: unknown[]): Promise<T> {
  const c = await app.connect();
  try {
    await c.query("begin");
    await c.query("select set_config('role', 'coins_player', true), set_config('app.guild_id', $1, true), set_config('app.discord_id', $2, true)", [guildId, discordId]);
    const { rows } = await c.query(sql, params);
    await c.query("commit");
    return rows[0] as T;
  } catch (err) {
    await c.query("rollback").catch(() => {});
    throw err;
  } finally {
    c.release();
  }
}

async function run(name: string, work: (i: number) => Promise<unknown>): Promise<{ ok: number; refused: Record<string, number> }> {
  const latencies: number[] = [];
  const refused: Record<string, number> = {};
  let ok = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = next++; i < MEMBERS; i = next++) {
        const t0 = performance.now();
        try {
          await work(i);
          ok++;
        } catch (err) {
          const code = (err as { code?: string }).code ?? "?";
          refused[code] = (refused[code] ?? 0) + 1;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(1);
  console.log(
    `${name.padEnd(26)} ${String(MEMBERS).padStart(5)} calls in ${seconds.toFixed(2)} s = ${(MEMBERS / seconds).toFixed(0).padStart(5)}/s` +
      `  p50 ${f(percentile(latencies, 50))} ms  p95 ${f(percentile(latencies, 95))} ms  p99 ${f(percentile(latencies, 99))} ms` +
      `  ok ${ok}  refused ${JSON.stringify(refused)}`,
  );
  return { ok, refused };
}

try {
  await root.query("select app_private.ensure_guild($1, 'bench tasks')", [guildId]);
  await root.query("select app_private.ensure_member($1, ($1::bigint + i)::bigint, 'member ' || i) from generate_series(1, $2) i", [guildId, MEMBERS]);
  await root.query("update app_public.guild_settings set max_tasks_per_user = 100 where guild_id = $1", [guildId]);
  const hot = (await root.query<{ id: string }>("insert into app_public.tasks (guild_id, name, reward, max_claims) values ($1, 'hot', 10, $2) returning id::text", [guildId, SLOTS])).rows[0].id;
  const spread = (await root.query<{ id: string }>("insert into app_public.tasks (guild_id, name, reward) select $1, 'spread ' || i, 10 from generate_series(1, 50) i returning id::text", [guildId])).rows.map((r) => r.id);
  console.log(`bench/tasks: ${MEMBERS} members, ${CLIENTS} connections, a hot task with ${SLOTS} slots; PostgreSQL ${(await root.query("show server_version")).rows[0].server_version}`);
  const contended = await run("claim_task, contended", (i) => asMember(member(i), "select id from app_public.claim_task($1)", [hot]));
  await run("claim_task, spread", (i) => asMember(member(i), "select id from app_public.claim_task($1)", [spread[i % spread.length]]));
  await run("claim_daily (reference)", (i) => asMember(member(i), "select amount from app_public.claim_daily()", []));
  const taken = (await root.query("select count(*)::int as n from app_public.task_claims where task_id = $1", [hot])).rows[0].n;
  console.log(`hot task: ${taken} claims for ${SLOTS} slots (${contended.ok} won, ${contended.refused.TK002 ?? 0} refused TK002)`);
  if (taken !== SLOTS || contended.ok !== SLOTS) {
    console.error("FAIL: the hot task must have exactly as many claims as slots");
    process.exitCode = 1;
  }
  const violations = (await root.query("select count(*)::int as n from app_public.verify_ledger() where guild_id = $1", [guildId])).rows[0].n;
  console.log(`verify_ledger: ${violations} violation(s)`);
} finally {
  await app.end();
  await root.end();
}
