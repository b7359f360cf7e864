import pg from "pg";
import { inTransaction as transaction, type Logger } from "@guildbank/lib";

/** The database role every worker connection acts as. */
export const WORKER_ROLE = "coins_worker";

/**
 * The functions the worker calls, as `to_regprocedure` signatures. All are in `app_hidden` and
 * granted to `coins_worker`; the worker refuses to start when one is missing or not executable.
 */
export const REQUIRED_FUNCTIONS = [
  "app_hidden.order_for_fulfilment(uuid)",
  "app_hidden.fulfil_order(uuid, text)",
  "app_hidden.record_fulfilment_failure(uuid, text, boolean)",
  "app_hidden.refund_expired_orders(timestamptz, integer)",
  "app_hidden.expire_listings(timestamptz)",
  "app_hidden.expire_card_listings(timestamptz)",
  "app_hidden.expire_card_trades(timestamptz)",
  "app_hidden.expire_temporary_cards(timestamptz)",
  "app_hidden.expire_pack_openings(timestamptz)",
  "app_hidden.expire_data_transfers(timestamptz)",
  "app_hidden.pay_card_rewards(timestamptz)",
  "app_hidden.pricing_rollup(timestamptz)",
  "app_hidden.refresh_leaderboard(bigint, timestamptz)",
  "app_hidden.leaderboard_schedules()",
  "app_hidden.daily_digest(date)",
  "app_hidden.verify_ledger_and_alert()",
  "app_hidden.purge_expired(timestamptz)",
  "app_hidden.alert_for_notification(bigint)",
  "app_hidden.record_job_run(text, jsonb)",
  "app_hidden.raise_alert(bigint, app_public.alert_severity, text, text, jsonb)",
  "app_hidden.issue_voucher(uuid)",
  "app_hidden.order_minecraft_player(uuid)",
  "app_hidden.refund_undeliverable_order(uuid, text)",
  "app_hidden.expire_tasks(timestamptz)",
  "app_hidden.requeue_task_sync(timestamptz)",
  "app_hidden.requeue_reward_sync(timestamptz)",
  "app_hidden.publish_due_announcements(timestamptz)",
  // Catalogue ingestion (issue 16).
  "app_hidden.catalogue_run_state(bigint)",
  "app_hidden.catalogue_run_update(bigint, text, jsonb, bigint, timestamptz)",
  "app_hidden.catalogue_run_error(bigint, text, text, text, timestamptz)",
  "app_hidden.catalogue_upsert_artist(bigint, text, text, boolean, bigint, text, integer, jsonb)",
  "app_hidden.catalogue_upsert_era(bigint, text, text, date, date, text[])",
  "app_hidden.catalogue_record_candidate(bigint, bigint, bigint, text, text, text, text, text, jsonb, date, text, text, timestamptz)",
  "app_hidden.catalogue_check_image(bigint, integer, integer, text, integer, text, text, text, text, timestamptz)",
  "app_hidden.catalogue_image_failed(bigint, text, boolean, timestamptz)",
  "app_hidden.catalogue_make_templates(bigint, bigint, bigint, timestamptz)",
  "app_hidden.catalogue_queue_ingest(bigint, text)",
  "app_hidden.catalogue_queue_weekly_syncs()",
] as const;

/**
 * Creates the worker's pool on the authenticator URL. Every new connection runs
 * `set role coins_worker` in pg-pool's `onConnect` hook, which the pool awaits before handing
 * the connection to anyone (graphile-worker included): no query ever runs as the authenticator,
 * and a connection whose role switch fails is closed and its error given to the caller. (A
 * `pool.on("connect")` listener cannot do this: pg-pool does not wait for it, so its query is
 * queued behind the caller's on a busy client, which pg 8.16 deprecates and pg 9 removes.)
 * Connection errors, idle or checked out, are logged rather than crashing the process.
 *
 * @param connectionString - the authenticator's postgres:// URL (`DATABASE_URL`).
 * @param max - pool size (at least 3: LISTEN, job fetching, one job).
 * @param logger - where connection errors are reported.
 * @returns the pool; the caller ends it.
 */
export function createWorkerPool(connectionString: string, max: number, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: "guildbank-worker",
    onConnect: async (client) => {
      await client.query(`set role ${WORKER_ROLE}`);
    },
  });
  // Both listeners also tell graphile-worker that the pool's errors are handled.
  pool.on("error", (err) => logger.warn({ err }, "idle worker database connection error"));
  pool.on("connect", (client) => {
    client.on("error", (err) => logger.warn({ err }, "worker database connection error"));
  });
  return pool;
}

/**
 * Checks that the pool acts as `coins_worker`, may execute every function in
 * {@link REQUIRED_FUNCTIONS}, and may use graphile-worker's tables: they have row-level security
 * enabled (by graphile-worker's own migrations) and need a permissive policy for `coins_worker`,
 * which the migrate step (`db/scripts` `migrateDatabase`) creates. Without it graphile-worker
 * sees no job and cannot add one.
 *
 * @param pool - a pool from {@link createWorkerPool}.
 * @param functions - the `to_regprocedure` signatures to require (default {@link REQUIRED_FUNCTIONS};
 *   the bot's runner passes its own).
 * @throws {Error} naming the role found, the missing functions or the tables without a policy
 *   (e.g. a migration or the migrate step not yet applied).
 */
export async function checkWorkerDatabase(pool: pg.Pool, functions: readonly string[] = REQUIRED_FUNCTIONS): Promise<void> {
  const { rows: who } = await pool.query<{ role: string }>("select current_user::text as role");
  if (who[0].role !== WORKER_ROLE) throw new Error(`worker connections act as ${who[0].role}, expected ${WORKER_ROLE}`);
  const { rows } = await pool.query<{ missing: string[]; unpolicied: string[] }>(
    `select (select coalesce(array_agg(f.sig order by f.n) filter (
               where to_regprocedure(f.sig) is null or not has_function_privilege(to_regprocedure(f.sig), 'execute')), '{}')
               from unnest($1::text[]) with ordinality as f(sig, n)) as missing,
            (select coalesce(array_agg(c.relname::text order by c.relname), '{}')
               from pg_catalog.pg_class c
              where c.relnamespace = to_regnamespace('graphile_worker') and c.relkind = 'r' and c.relrowsecurity
                and not exists (select 1 from pg_catalog.pg_policy p
                                 where p.polrelid = c.oid and p.polpermissive and p.polcmd = '*'
                                   and (p.polroles = '{0}' or to_regrole($2) = any(p.polroles)))) as unpolicied`,
    [functions, WORKER_ROLE],
  );
  const { missing, unpolicied } = rows[0];
  if (missing.length) {
    throw new Error(
      `the database lacks functions the worker needs (or ${WORKER_ROLE} may not execute them): ${missing.join(", ")}. ` +
        "Apply the pending migrations.",
    );
  }
  if (unpolicied.length) {
    throw new Error(
      `graphile-worker's tables ${unpolicied.join(", ")} have row-level security without a policy for ${WORKER_ROLE}: ` +
        "run the migrate step (db/scripts migrateDatabase), which creates them.",
    );
  }
}

/**
 * Runs `fn` in one transaction on one client from graphile-worker's `withPgClient` (lib's
 * `inTransaction`: `BEGIN` … `COMMIT`, `ROLLBACK` on any error, which is rethrown).
 *
 * @param withPgClient - graphile-worker's `helpers.withPgClient` (or any equivalent).
 * @param fn - the work; receives the client bound to the transaction.
 * @returns what `fn` returns.
 * @throws whatever `fn` or PostgreSQL throws.
 */
export async function inTransaction<T>(
  withPgClient: <R>(cb: (client: pg.PoolClient) => Promise<R>) => Promise<R>,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return withPgClient((client) => transaction(client, fn));
}
