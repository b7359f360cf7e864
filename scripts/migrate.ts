/**
 * `node scripts/migrate.ts`: the migrate one-shot of the production topology (the `migrate`
 * service of docker-compose.yml: `command: ["migrate"]`). The server, the worker (and later the
 * bot and the Minecraft listener) start only after it exits 0, so a failed migration stops the
 * rollout. Every step is idempotent: it runs on every `docker compose up`.
 *
 * 1. As the superuser: creates the login roles and the database when missing, runs
 *    `db/migrations/afterReset.sql` (roles, grants) and sets the login roles' passwords
 *    (`setupDatabase`).
 * 2. As `guildbank_owner`: applies graphile-worker's schema and the committed migrations
 *    (`migrateDatabase`).
 * 3. As `guildbank_owner`: when `GUILD_ID` is set and that guild is missing, creates it with
 *    `app_private.ensure_guild` (the guild trigger creates its default settings and accounts);
 *    an existing guild is renamed only when `GUILD_NAME` is set.
 * 4. Outside production only, with `SEED_DEMO=true`: seeds the demo guild `DEMO_GUILD_ID`.
 *    `SEED_DEMO=true` with `NODE_ENV=production` is a configuration error: the demo is never
 *    seeded into a production database.
 *
 * Environment (see {@link migrateConfigSchema}; every secret may be given as `NAME_FILE`, a
 * Docker secret): `ROOT_DATABASE_URL` (a superuser URL), else one built from `POSTGRES_USER`
 * (default `postgres`), `POSTGRES_PASSWORD`, `DATABASE_HOST` (default `db`), `DATABASE_PORT`
 * (default 5432); `DATABASE_NAME` (default `guildbank`); `DATABASE_OWNER_PASSWORD`,
 * `DATABASE_AUTHENTICATOR_PASSWORD` (required in production); `GUILD_ID`, `GUILD_NAME`;
 * `SEED_DEMO`, `DEMO_GUILD_ID`; `MIGRATE_WAIT_S` (how long to wait for the database to accept
 * connections, default 60); `NODE_ENV`; `LOG_LEVEL`.
 *
 * Exit status: 0 done; 1 any failure (logged); 2 configuration error (the variables named).
 */
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { z } from "zod";
import { createLogger, env, loadConfigOrExit, parseConfig, processConfigShape, type Logger } from "@guildbank/lib";
import { canConnect, deriveUrls, migrateDatabase, seedDemo, setupDatabase, type DatabaseUrls } from "@guildbank/db";
import { databaseLocationShape, postgresUrl } from "../docker/database-url.ts";

/** The migrate one-shot's configuration schema: one key per environment variable. */
export const migrateConfigSchema = z
  .object({
    ...processConfigShape,
    /** A superuser URL (secret). Unset: built from POSTGRES_USER, POSTGRES_PASSWORD and the location. */
    ROOT_DATABASE_URL: env.postgresUrl().optional(),
    POSTGRES_USER: z.string().min(1).default("postgres"),
    /** The superuser's password (secret; the postgres image's POSTGRES_PASSWORD_FILE). */
    POSTGRES_PASSWORD: z.string().min(1).optional(),
    ...databaseLocationShape,
    /** Password set on guildbank_owner (secret). */
    DATABASE_OWNER_PASSWORD: z.string().min(1).optional(),
    /** Password set on guildbank_authenticator (secret). */
    DATABASE_AUTHENTICATOR_PASSWORD: z.string().min(1).optional(),
    /** The Discord guild this deployment serves: created (with its defaults) when missing. */
    GUILD_ID: env.snowflake().optional(),
    /** The guild's name: used when creating it; when set, also renames an existing guild. */
    GUILD_NAME: z.string().trim().min(1).max(100, "must be at most 100 characters").optional(),
    SEED_DEMO: env.bool().default(false),
    DEMO_GUILD_ID: env.snowflake().default("100000000000000000"),
    MIGRATE_WAIT_S: env.int(0, 3600).default(60),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV !== "production") return;
    if (c.SEED_DEMO) {
      ctx.addIssue({ code: "custom", path: ["SEED_DEMO"], message: "the demo guild is never seeded when NODE_ENV=production" });
    }
    for (const key of ["DATABASE_OWNER_PASSWORD", "DATABASE_AUTHENTICATOR_PASSWORD"] as const) {
      if (!c[key]) {
        ctx.addIssue({ code: "custom", path: [key], message: `is required when NODE_ENV=production (or ${key}_FILE, a Docker secret)` });
      }
    }
    if (!c.ROOT_DATABASE_URL && !c.POSTGRES_PASSWORD) {
      ctx.addIssue({
        code: "custom",
        path: ["POSTGRES_PASSWORD"],
        message: "is required when NODE_ENV=production and ROOT_DATABASE_URL is not set (or POSTGRES_PASSWORD_FILE, a Docker secret)",
      });
    }
  });

/** The migrate one-shot's validated configuration. */
export type MigrateConfig = z.infer<typeof migrateConfigSchema>;

/**
 * Parses the migrate configuration from the environment.
 *
 * @param source - the environment (default `process.env`); empty strings count as unset.
 * @returns the typed configuration, defaults applied.
 * @throws {ConfigError} naming each missing or malformed variable.
 */
export function loadMigrateConfig(source: NodeJS.ProcessEnv = process.env): MigrateConfig {
  return parseConfig(migrateConfigSchema, source);
}

/**
 * The database's three URLs: the superuser's (`ROOT_DATABASE_URL`, or built from the location and
 * `POSTGRES_USER`/`POSTGRES_PASSWORD`, database `postgres`), and the owner's and authenticator's
 * on the same server, with their passwords.
 *
 * @param c - the configuration.
 * @returns root, owner and authenticator URLs.
 */
export function migrateUrls(c: MigrateConfig): DatabaseUrls {
  const root =
    c.ROOT_DATABASE_URL ??
    postgresUrl({ host: c.DATABASE_HOST, port: c.DATABASE_PORT, user: c.POSTGRES_USER, password: c.POSTGRES_PASSWORD, database: "postgres" });
  return deriveUrls(root, c.DATABASE_NAME, { owner: c.DATABASE_OWNER_PASSWORD, authenticator: c.DATABASE_AUTHENTICATOR_PASSWORD });
}

/** What {@link ensureGuild} did. */
export type GuildOutcome = "created" | "renamed" | "present";

/**
 * Makes sure the configured guild exists: creates it when missing (name `GUILD_NAME`, else
 * "Guildbank"); renames an existing one only when a name is given. Runs as the owner through
 * `app_private.ensure_guild`, whose guild trigger creates the default settings and accounts.
 *
 * @param ownerUrl - the owner's URL.
 * @param guildId - the Discord guild snowflake.
 * @param name - the guild's name, or undefined to keep an existing guild's name.
 * @returns what it did.
 */
export async function ensureGuild(ownerUrl: string, guildId: string, name: string | undefined): Promise<GuildOutcome> {
  const client = new pg.Client({ connectionString: ownerUrl, application_name: "migrate" });
  await client.connect();
  try {
    const existing = await client.query<{ name: string }>("select name from app_public.guilds where id = $1", [guildId]);
    if (existing.rowCount && (name === undefined || existing.rows[0].name === name)) return "present";
    await client.query("select app_private.ensure_guild($1, $2)", [guildId, name ?? "Guildbank"]);
    return existing.rowCount ? "renamed" : "created";
  } finally {
    await client.end();
  }
}

/**
 * Waits until the server accepts the superuser's connections (compose already waits for the
 * database's healthcheck; this covers `docker compose run` and slow restarts).
 *
 * @param rootUrl - the superuser URL.
 * @param seconds - how long to wait at most.
 * @returns true when it connected in time.
 */
async function waitForDatabase(rootUrl: string, seconds: number): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (await canConnect(rootUrl, 3000)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(1000);
  }
}

/**
 * Runs the one-shot: setup, migrations, guild, (demo seed outside production). See the module comment.
 *
 * @param c - the configuration.
 * @param log - where progress goes.
 * @throws on any failure (connection, SQL, migration).
 */
export async function runMigrate(c: MigrateConfig, log: Logger): Promise<void> {
  const started = performance.now();
  const urls = migrateUrls(c);
  const target = { host: c.ROOT_DATABASE_URL ? new URL(c.ROOT_DATABASE_URL).host : `${c.DATABASE_HOST}:${c.DATABASE_PORT}`, database: c.DATABASE_NAME };
  if (!(await waitForDatabase(urls.root, c.MIGRATE_WAIT_S))) {
    throw new Error(`the database server at ${target.host} did not accept connections within ${c.MIGRATE_WAIT_S} s`);
  }
  await setupDatabase(urls.root, c.DATABASE_NAME, { owner: c.DATABASE_OWNER_PASSWORD, authenticator: c.DATABASE_AUTHENTICATOR_PASSWORD });
  log.info(target, "roles and database ready");
  await migrateDatabase(urls);
  log.info(target, "migrations applied");
  if (c.GUILD_ID) {
    const outcome = await ensureGuild(urls.owner, c.GUILD_ID, c.GUILD_NAME);
    log.info({ guildId: c.GUILD_ID, outcome }, outcome === "present" ? "guild present" : `guild ${outcome}`);
  }
  if (c.SEED_DEMO && c.NODE_ENV !== "production") {
    const seeded = await seedDemo(urls.owner, { guildId: c.DEMO_GUILD_ID });
    log.info({ guildId: c.DEMO_GUILD_ID, seeded }, seeded ? "seeded the demo guild" : "demo guild already present");
  }
  log.info({ ...target, ms: Math.round(performance.now() - started) }, "migrate complete");
}

if (import.meta.main) {
  const config = loadConfigOrExit(loadMigrateConfig);
  const log = createLogger("migrate", config.LOG_LEVEL);
  try {
    await runMigrate(config, log);
  } catch (err) {
    log.fatal({ err }, "migrate failed: the other services will not start");
    // Not process.exit(): the log line must reach stdout first; nothing else keeps the process up.
    process.exitCode = 1;
  }
}
