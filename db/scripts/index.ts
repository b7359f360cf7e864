/**
 * Database tooling shared by `npm start`, `npm test`, the simulator and the benchmarks:
 * role and database setup, graphile-migrate, the demo seed, and the embedded PostgreSQL.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Logger as MigrateLogger } from "@graphile/logger";
import JSON5 from "json5";
import pg from "pg";
import { migrate, type Settings } from "graphile-migrate";
import { Logger as WorkerLogger, runMigrations } from "graphile-worker";

/** The repository root. */
export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The migrations folder (committed/, current.sql, afterReset.sql). */
export const MIGRATIONS_DIR = path.join(ROOT_DIR, "db/migrations");

/** Login roles created by `afterReset.sql`. */
export const OWNER_ROLE = "guildbank_owner";
export const AUTHENTICATOR_ROLE = "guildbank_authenticator";

/** The three connection URLs of one database. */
export interface DatabaseUrls {
  /** Superuser, for creating roles and the database. */
  root: string;
  /** `guildbank_owner`: migrations and seeding. */
  owner: string;
  /** `guildbank_authenticator`: what the processes use. */
  authenticator: string;
}

/**
 * Returns `url` with its user, password and/or database replaced.
 *
 * @param url - a postgres:// URL.
 * @param change - `user`, `password` (empty string removes it), `database`.
 */
export function withUrl(url: string, change: { user?: string; password?: string; database?: string }): string {
  const u = new URL(url);
  if (change.user !== undefined) u.username = encodeURIComponent(change.user);
  if (change.password !== undefined) u.password = change.password ? encodeURIComponent(change.password) : "";
  if (change.database !== undefined) u.pathname = `/${encodeURIComponent(change.database)}`;
  return u.toString();
}

/**
 * Derives the owner and authenticator URLs of `database` from a superuser URL on the same server.
 *
 * @param rootUrl - a superuser postgres:// URL (any database).
 * @param database - the application database name.
 * @param passwords - role passwords (needed when the server does not trust local connections).
 */
export function deriveUrls(rootUrl: string, database: string, passwords: { owner?: string; authenticator?: string } = {}): DatabaseUrls {
  return {
    root: rootUrl,
    owner: withUrl(rootUrl, { user: OWNER_ROLE, password: passwords.owner ?? "", database }),
    authenticator: withUrl(rootUrl, { user: AUTHENTICATOR_ROLE, password: passwords.authenticator ?? "", database }),
  };
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Reads `.gmrc` and points graphile-migrate at a database.
 *
 * @param ownerUrl - the owner URL migrations run as.
 * @param rootUrl - a superuser URL (for `!` actions such as afterReset).
 */
export function migrateSettings(ownerUrl: string, rootUrl?: string): Settings {
  const gmrc = JSON5.parse(readFileSync(path.join(ROOT_DIR, ".gmrc"), "utf8")) as Settings;
  return {
    ...gmrc,
    connectionString: ownerUrl,
    rootConnectionString: rootUrl ?? withUrl(ownerUrl, { database: "postgres" }),
    migrationsFolder: MIGRATIONS_DIR,
    // Warnings and errors only: a migration run is silent when it goes well.
    logger: new MigrateLogger(() => (level: string, message: string) => {
      if (level === "error" || level === "warning") console.error(`graphile-migrate: ${message}`);
    }),
  };
}

/**
 * Creates the roles (cluster-wide, idempotent), the database if missing, and runs
 * `afterReset.sql` in it. Sets role passwords when given.
 *
 * @param rootUrl - a superuser postgres:// URL (any database).
 * @param database - the application database name (letters, digits, `_`).
 * @param passwords - optional passwords for the owner and authenticator login roles.
 * @throws on connection failures or SQL errors.
 */
export async function setupDatabase(rootUrl: string, database: string, passwords: { owner?: string; authenticator?: string } = {}): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) throw new Error(`bad database name: ${database}`);
  await withClient(rootUrl, async (c) => {
    const { rowCount } = await c.query("select 1 from pg_database where datname = $1", [database]);
    if (!rowCount) await c.query(`create database ${database}`);
  });
  const afterReset = readFileSync(path.join(MIGRATIONS_DIR, "afterReset.sql"), "utf8");
  await withClient(withUrl(rootUrl, { database }), async (c) => {
    // Serialise concurrent setups (roles are cluster-wide).
    await c.query("select pg_advisory_lock(7201)");
    try {
      await c.query(afterReset);
      for (const [role, password] of [
        [OWNER_ROLE, passwords.owner],
        [AUTHENTICATOR_ROLE, passwords.authenticator],
      ] as const) {
        if (password) await c.query(`alter role ${role} password ${c.escapeLiteral(password)}`);
      }
    } finally {
      await c.query("select pg_advisory_unlock(7201)");
    }
  });
}

/**
 * What the worker role needs on graphile-worker's schema (the schema belongs to the owner):
 * privileges, and, because graphile-worker enables row-level security without policies on its
 * tables, one permissive policy per table. Idempotent; re-run after every graphile-worker upgrade.
 */
const WORKER_GRANTS = `
  grant usage on schema graphile_worker to coins_worker;
  grant select, insert, update, delete on all tables in schema graphile_worker to coins_worker;
  grant usage, select on all sequences in schema graphile_worker to coins_worker;
  grant execute on all functions in schema graphile_worker to coins_worker;
  do $$
  declare
    t regclass;
  begin
    for t in select c.oid::regclass from pg_class c
              where c.relnamespace = 'graphile_worker'::regnamespace and c.relkind = 'r' and c.relrowsecurity
    loop
      execute format('drop policy if exists coins_worker_queue on %s', t);
      execute format('create policy coins_worker_queue on %s for all to coins_worker using (true) with check (true)', t);
    end loop;
  end
  $$;
`;

/**
 * Applies graphile-worker's own schema, then the committed migrations (graphile-migrate), as the
 * owner, then grants the worker role what it needs on the job queue.
 *
 * @param urls - the database's URLs.
 * @throws on SQL errors.
 */
export async function migrateDatabase(urls: Pick<DatabaseUrls, "owner" | "root">): Promise<void> {
  // The job queue first: migrations may define functions and triggers that use it.
  await runMigrations({ connectionString: urls.owner, logger: quietWorkerLogger() });
  await migrate(migrateSettings(urls.owner, urls.root));
  await withClient(urls.owner, (c) => c.query(WORKER_GRANTS));
}

/** graphile-worker's logger, reduced to warnings and errors on stderr. */
function quietWorkerLogger() {
  return new WorkerLogger(() => (level: string, message: string) => {
    if (level === "error" || level === "warning") console.error(`graphile-worker: ${message}`);
  });
}

/** Options of the demo seed. */
export interface SeedOptions {
  /** Guild snowflake. */
  guildId: string;
  guildName?: string;
  /** How many members (default 50). */
  members?: number;
  /** Days of history (default 21). */
  days?: number;
  /** Random seed in [-1, 1] (default 0.42): the same seed gives the same guild. */
  seed?: number;
}

/**
 * Seeds a demo guild (members, a few weeks of daily claims, gives and staff adjustments, all
 * through the real rules with back-dated times) unless the guild already exists.
 *
 * @param ownerUrl - the owner URL.
 * @returns true when it seeded, false when the guild was already there.
 */
export async function seedDemo(ownerUrl: string, options: SeedOptions): Promise<boolean> {
  const sql = readFileSync(path.join(ROOT_DIR, "db/seed/demo.sql"), "utf8");
  return withClient(ownerUrl, async (c) => {
    const { rowCount } = await c.query("select 1 from app_public.guilds where id = $1", [options.guildId]);
    if (rowCount) return false;
    await c.query("begin");
    await c.query(
      "select set_config('seed.guild_id', $1, true), set_config('seed.guild_name', $2, true), " +
        "set_config('seed.members', $3, true), set_config('seed.days', $4, true), set_config('seed.random', $5, true)",
      [options.guildId, options.guildName ?? "Guildbank Demo", String(options.members ?? 50), String(options.days ?? 21), String(options.seed ?? 0.42)],
    );
    await c.query(sql);
    await c.query("commit");
    return true;
  });
}

export { EmbeddedPostgresError, embeddedBinaries, leftoverPostmaster, startEmbedded, stopPostmaster, unreachableParent, type EmbeddedServer } from "./embedded.ts";

/**
 * True when a PostgreSQL answers at `url` within `timeoutMs`.
 *
 * @param url - a postgres:// URL.
 * @param timeoutMs - connection timeout in milliseconds (default 2000).
 */
export async function canConnect(url: string, timeoutMs = 2000): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
