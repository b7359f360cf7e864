/** Shared fixtures for the server's vitest suites: real database, real server, real HTTP. */
import { randomInt } from "node:crypto";
import { createServer as createNetServer } from "node:net";
import pg from "pg";
import { createLogger, createPool } from "@guildbank/lib";
import { dbUrls } from "../../scripts/test-database.ts";
import { loadServerConfig, loadWorkerConfig, startServer, type RunningServer, type WorkerConfig } from "../src/index.ts";

export { dbUrls, isolateDatabase } from "../../scripts/test-database.ts";

/** A superuser pool on the test database (fixtures and direct checks). */
export function superuserPool(): pg.Pool {
  return new pg.Pool({ connectionString: dbUrls().root, max: 4 });
}

/** A fresh random guild snowflake; members are guild + 1..n, so guilds never collide. */
export function newGuildId(): bigint {
  return 100_000_000_000_000_000n + BigInt(randomInt(1, 2 ** 47)) * 1000n;
}

/**
 * Creates a guild with `members` members, each funded with `funds` coins (through the ledger).
 *
 * @returns the guild id and the members' Discord ids (as strings).
 */
export async function createGuild(db: pg.Pool, members: number, funds = 0): Promise<{ guildId: string; memberIds: string[] }> {
  const guildId = newGuildId();
  await db.query("select app_private.ensure_guild($1, $2)", [guildId.toString(), `Test guild ${guildId}`]);
  const memberIds: string[] = [];
  for (let i = 1; i <= members; i++) {
    const discordId = (guildId + BigInt(i)).toString();
    const { rows } = await db.query("select id from app_private.ensure_member($1, $2, $3)", [guildId.toString(), discordId, `Member ${i}`]);
    if (funds > 0) {
      await db.query("select app_private.admin_adjust_by($1, 'ADMIN', $2, $3, 'test funding')", [(guildId + 900n).toString(), rows[0].id, funds]);
    }
    memberIds.push(discordId);
  }
  return { guildId: guildId.toString(), memberIds };
}

/** A member's wallet balance, read as superuser. */
export async function walletBalance(db: pg.Pool, guildId: string, discordId: string): Promise<number> {
  const { rows } = await db.query(
    "select app_public.users_wallet_balance(u) as b from app_public.users u where guild_id = $1 and discord_id = $2",
    [guildId, discordId],
  );
  return Number(rows[0].b);
}

/** What a refused request must leave as it was: every listed member's wallet and the guild's transfer count. */
export interface MoneySnapshot {
  /** Wallet balances in coins, in the order of the members given. */
  balances: number[];
  /** Transfers of the guild. */
  transfers: number;
}

/**
 * Reads a guild's money state, as superuser, to compare before and after a request.
 *
 * @param db - a superuser pool.
 * @param guildId - the guild's snowflake.
 * @param members - the members' Discord ids.
 */
export async function moneySnapshot(db: pg.Pool, guildId: string, members: string[]): Promise<MoneySnapshot> {
  const balances = await Promise.all(members.map((m) => walletBalance(db, guildId, m)));
  const { rows } = await db.query("select count(*)::int as n from app_public.transfers where guild_id = $1", [guildId]);
  return { balances, transfers: rows[0].n };
}

/** verify_ledger() for one guild, as superuser: [] when healthy. */
export async function ledgerViolations(db: pg.Pool, guildId?: string): Promise<unknown[]> {
  const { rows } = await db.query("select * from app_public.verify_ledger($1)", [guildId ?? null]);
  return rows;
}

/**
 * Starts a real server (port 0) against the test database as the authenticator.
 *
 * @param env - extra environment (e.g. `{ DEV_LOGIN: "false" }`).
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<RunningServer & { pool: pg.Pool }> {
  const config = loadServerConfig({
    NODE_ENV: "test",
    DATABASE_URL: dbUrls().authenticator,
    PORT: "0",
    DEV_LOGIN: "true",
    LOG_LEVEL: "silent",
    DATABASE_POOL_MAX: "30",
    ...env,
  });
  const pool = createPool(config.DATABASE_URL, config.DATABASE_POOL_MAX);
  const running = await startServer(config, pool, createLogger("server-test", (process.env.SERVER_TEST_LOG_LEVEL ?? "silent") as "silent"));
  return {
    ...running,
    pool,
    close: async () => {
      await running.close();
      await pool.end().catch(() => {});
    },
  };
}

/** A free TCP port on 127.0.0.1 (for a server whose URL must be known before it starts). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The configuration of an in-process test worker: the authenticator's URL on the test database,
 * `NODE_ENV=test`, silent logs, no crontab, a 200 ms poll interval.
 *
 * @param overrides - more variables, or other values for those (environment strings).
 * @returns the parsed configuration.
 * @throws {ConfigError} when an override is malformed.
 */
export function testWorkerConfig(overrides: Record<string, string> = {}): WorkerConfig {
  return loadWorkerConfig({
    NODE_ENV: "test",
    DATABASE_URL: dbUrls().authenticator,
    LOG_LEVEL: "silent",
    WORKER_CRON: "false",
    WORKER_POLL_INTERVAL_MS: "200",
    ...overrides,
  });
}

/** A GraphQL response. */
export interface GqlResult<T = Record<string, any>> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string; key?: string; detail?: Record<string, unknown> } }[];
}

/** An HTTP client holding its cookies (session, refresh, CSRF) and CSRF token, as a browser would. */
export class ApiClient {
  readonly cookies = new Map<string, string>();
  /** The CSRF token for state-changing requests (X-CSRF-Token), from the last sign-in, refresh or GET /auth/csrf. */
  csrfToken: string | undefined;
  readonly baseUrl: string;
  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  /** The Cookie header value (undefined when the client holds no cookie). */
  get cookie(): string | undefined {
    return this.cookies.size ? [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") : undefined;
  }

  /** Stores the cookies a response sets (an empty value or an expiry in the past deletes one). */
  keepCookies(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=/i.test(a) && new Date(a.split("=")[1]).getTime() < Date.now());
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** Headers of a state-changing request: cookies and the CSRF token. */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      ...(this.cookie ? { cookie: this.cookie } : {}),
      ...(this.csrfToken ? { "x-csrf-token": this.csrfToken } : {}),
      ...extra,
    };
  }

  /** A request with this client's cookies and CSRF token; keeps the cookies it sets. */
  async fetch(path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
    const res = await fetch(`${this.baseUrl}${path}`, { redirect: "manual", ...init, headers: this.headers(init.headers) });
    this.keepCookies(res);
    return res;
  }

  /** Opens a development session (and keeps its CSRF token). */
  async login(body: { guildId: string; discordId: string; kind: "player" | "staff"; staffRole?: string }): Promise<Response> {
    const res = await fetch(`${this.baseUrl}/auth/dev/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    this.keepCookies(res);
    if (res.ok) this.csrfToken = ((await res.clone().json()) as { csrfToken?: string }).csrfToken;
    return res;
  }

  /** POSTs a GraphQL operation with the session cookie and CSRF token. */
  async gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<GqlResult<T>> {
    const res = await this.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GqlResult<T>;
  }

  /** Signs out (POST /auth/logout with the CSRF token). */
  async logout(): Promise<Response> {
    return this.fetch("/auth/logout", { method: "POST" });
  }
}

/** Logs in a new client. */
export async function clientFor(server: { url: string }, body: Parameters<ApiClient["login"]>[0]): Promise<ApiClient> {
  const client = new ApiClient(server.url);
  const res = await client.login(body);
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return client;
}

/** The advisory lock every test file that runs a worker holds: they share one job queue. */
/**
 * Polls `probe` until it returns a truthy value.
 *
 * @param what - named in the timeout error.
 * @param probe - returns the awaited value, or something falsy while waiting.
 * @param timeoutMs - give up after this many milliseconds (default 30 000).
 * @param everyMs - poll interval in milliseconds (default 100).
 * @returns the first truthy value.
 * @throws {Error} on timeout.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T> | T,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<Exclude<T, false | 0 | "" | null | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Exclude<T, false | 0 | "" | null | undefined>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
