/**
 * Container health checks (docker-compose.yml `healthcheck:`), run inside the container next to
 * the process they check: `node docker/healthcheck.ts <process>`. Exit status 0 healthy, 1
 * unhealthy (the reason on stderr: `docker inspect` keeps it), 64 unknown process.
 *
 * - `server`: `GET http://127.0.0.1:$PORT/healthz` answers 200. The server's `/healthz` runs
 *   `select 1` on its own pool, so this proves the HTTP server answers and reaches the database.
 * - `worker`: the worker has no HTTP endpoint of its own to ask, so three checks:
 *   1. a `server/src/worker-main.ts` process runs in this container (`/proc`);
 *   2. the database accepts the worker's login (`DATABASE_URL`, or the authenticator URL built as
 *      in docker/database-url.ts) and lets it act as `coins_worker`;
 *   3. when `WORKER_METRICS_PORT` is set, the worker's metrics listener answers `GET /metrics`
 *      on loopback (with `Authorization: Bearer $METRICS_TOKEN` when that is set): the worker's
 *      own event loop is alive. Without it, checks 1 and 2 cannot tell a hung runner from a
 *      working one.
 *
 * - `minecraft`: `GET http://127.0.0.1:$MINECRAFT_HEALTH_PORT/healthz` answers 200: the listener is
 *   logged in to the Minecraft server and its pool reaches the database.
 * - `bot`: `GET http://127.0.0.1:$BOT_HEALTH_PORT/healthz` answers 200: the bot's own listener
 *   runs `select 1` on its pool and reports whether the Discord gateway is connected.
 *
 * Every network step gives up after `HEALTHCHECK_TIMEOUT_MS` (default 5000).
 */
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";
import { z } from "zod";
import { env, parseConfig } from "@guildbank/lib";
import { authenticatorUrlFromEnv } from "./database-url.ts";

/** The result of one check: `null` when healthy, else why not. */
export type CheckResult = string | null;

const timeoutSchema = { HEALTHCHECK_TIMEOUT_MS: env.int(100, 60_000).default(5000) };

/**
 * Answers whether an HTTP endpoint returns 200 within the timeout.
 *
 * @param url - the URL to GET.
 * @param timeoutMs - how long to wait, in milliseconds.
 * @param headers - request headers (e.g. Authorization).
 * @returns null when it answered 200, else the reason.
 */
export async function checkHttp(url: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<CheckResult> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.status === 200 ? null : `${url} answered ${res.status}`;
  } catch (err) {
    return `${url}: ${(err as Error).message}`;
  }
}

/**
 * Finds processes whose command line contains `needle` (Linux `/proc`), other than this one.
 *
 * @param needle - a substring of the command line, arguments joined by spaces.
 * @returns the matching process ids.
 */
export function findProcesses(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ");
      if (cmdline.includes(needle)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/**
 * Connects to the database, switches to `role` and runs `select 1`.
 *
 * @param url - a postgres:// URL (the authenticator's).
 * @param role - the role the process acts as (e.g. `coins_worker`).
 * @param timeoutMs - connection and statement timeout, in milliseconds.
 * @returns null when it worked, else the reason.
 */
export async function checkDatabase(url: string, role: string, timeoutMs: number): Promise<CheckResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, statement_timeout: timeoutMs, application_name: "healthcheck" });
  try {
    await client.connect();
    await client.query(`set role ${client.escapeIdentifier(role)}`);
    await client.query("select 1");
    return null;
  } catch (err) {
    return `database: ${(err as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The server's check (see the module comment).
 *
 * @param source - the environment.
 * @returns null when healthy, else why not.
 */
export async function checkServer(source: NodeJS.ProcessEnv = process.env): Promise<CheckResult> {
  const c = parseConfig(z.object({ PORT: env.int(1, 65535).default(3000), ...timeoutSchema }), source);
  return checkHttp(`http://127.0.0.1:${c.PORT}/healthz`, c.HEALTHCHECK_TIMEOUT_MS);
}

/**
 * The worker's check (see the module comment).
 *
 * @param source - the environment.
 * @returns null when healthy, else why not.
 */
export async function checkWorker(source: NodeJS.ProcessEnv = process.env): Promise<CheckResult> {
  const c = parseConfig(
    z.object({
      WORKER_METRICS_PORT: env.int(0, 65535).default(0),
      METRICS_TOKEN: z.string().min(1).optional(),
      ...timeoutSchema,
    }),
    source,
  );
  if (findProcesses("server/src/worker-main.ts").length === 0) return "no server/src/worker-main.ts process in this container";
  const database = await checkDatabase(authenticatorUrlFromEnv(source), "coins_worker", c.HEALTHCHECK_TIMEOUT_MS);
  if (database) return database;
  if (c.WORKER_METRICS_PORT > 0) {
    const headers: Record<string, string> = c.METRICS_TOKEN ? { authorization: `Bearer ${c.METRICS_TOKEN}` } : {};
    return checkHttp(`http://127.0.0.1:${c.WORKER_METRICS_PORT}/metrics`, c.HEALTHCHECK_TIMEOUT_MS, headers);
  }
  return null;
}

/**
 * The Minecraft listener's check (see the module comment).
 *
 * @param source - the environment.
 * @returns null when healthy, else why not.
 */
export async function checkMinecraft(source: NodeJS.ProcessEnv = process.env): Promise<CheckResult> {
  const c = parseConfig(z.object({ MINECRAFT_HEALTH_PORT: env.int(1, 65535).default(9466), ...timeoutSchema }), source);
  return checkHttp(`http://127.0.0.1:${c.MINECRAFT_HEALTH_PORT}/healthz`, c.HEALTHCHECK_TIMEOUT_MS);
}

/**
 * The bot's check (see the module comment).
 *
 * @param source - the environment.
 * @returns null when healthy, else why not.
 */
export async function checkBot(source: NodeJS.ProcessEnv = process.env): Promise<CheckResult> {
  const c = parseConfig(z.object({ BOT_HEALTH_PORT: env.int(1, 65535).default(9465), ...timeoutSchema }), source);
  return checkHttp(`http://127.0.0.1:${c.BOT_HEALTH_PORT}/healthz`, c.HEALTHCHECK_TIMEOUT_MS);
}

/** The checks by process name (the names of docker/entrypoint.sh). */
export const CHECKS: Record<string, (source?: NodeJS.ProcessEnv) => Promise<CheckResult>> = {
  server: checkServer,
  worker: checkWorker,
  minecraft: checkMinecraft,
  bot: checkBot,
};

if (import.meta.main) {
  const name = process.argv[2] ?? "";
  const check = CHECKS[name];
  if (!check) {
    console.error(`healthcheck: unknown process "${name}" (one of: ${Object.keys(CHECKS).join(", ")})`);
    process.exit(64);
  }
  let problem: CheckResult;
  try {
    problem = await check();
  } catch (err) {
    problem = (err as Error).message;
  }
  if (problem) {
    console.error(`unhealthy: ${problem}`);
    process.exit(1);
  }
  console.log("healthy");
}
