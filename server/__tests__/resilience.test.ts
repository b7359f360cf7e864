/**
 * Losing the database (issue 17, defects 18 and 21), against a private embedded PostgreSQL of this
 * test's own (the shared server is never stopped): under a load of concurrent gives, one
 * authenticator backend is killed with SIGKILL (PostgreSQL then resets every session), every
 * authenticator backend is terminated, and the server is stopped with a fast shutdown and started
 * again. The server process must stay up, answer 503 with `Retry-After` (and DB001 in GraphQL) while
 * the database is unreachable, reconnect its pool and the live feed's LISTEN connection, and
 * resume; the SSE stream opened before stays open and delivers every accepted give; no accepted
 * give is lost or doubled (retried with the same idempotency key), and verify_ledger() is clean.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { ROOT_DIR, deriveUrls, migrateDatabase, setupDatabase, startEmbedded, withUrl, type EmbeddedServer } from "@guildbank/db";
import { createPool } from "@guildbank/lib";
import { ApiClient, clientFor, freePort, newGuildId, startTestServer, waitFor } from "./helpers.ts";
import { SseParser } from "./sse.ts";

const DATA_DIR = path.join(ROOT_DIR, ".data", `resilience-test-${process.pid}`);
const PASSWORD = "resilience-root";
const PASSWORDS = { owner: "resilience-owner", authenticator: "resilience-authenticator" };
const DATABASE = "guildbank_resilience";
const MEMBERS = 8;

const GIVE = `mutation($to: BigInt!, $amount: BigInt!, $key: String!) {
  give(input: { toDiscordId: $to, amount: $amount, idempotencyKey: $key }) { giveReceipt { txId amount } }
}`;

let port: number;
let pgServer: EmbeddedServer | undefined;
let server: Awaited<ReturnType<typeof startTestServer>>;
/** The real server process (`node server/src/main.ts`), beside the in-process one: it must not exit. */
let child: ChildProcess | undefined;
let childUrl: string;
let childStderr = "";
let authenticatorUrl: string;
let db: pg.Pool;
let guildId: string;
let memberIds: string[];
/** The load runs while true (cleared by afterAll too, should the test fail midway). */
let running = false;

beforeAll(async () => {
  await rm(DATA_DIR, { recursive: true, force: true });
  port = await freePort();
  pgServer = await startEmbedded(DATA_DIR, port, PASSWORD);
  await setupDatabase(pgServer.rootUrl, DATABASE, PASSWORDS);
  const urls = deriveUrls(pgServer.rootUrl, DATABASE, PASSWORDS);
  await migrateDatabase(urls);
  db = createPool(withUrl(pgServer.rootUrl, { database: DATABASE }), 3);
  authenticatorUrl = urls.authenticator;
  // Sessions read on every request (no claims cache): the outage below must meet the session lookup first.
  server = await startTestServer({ DATABASE_URL: urls.authenticator, DATABASE_POOL_MAX: "10", SESSION_CACHE_TTL_MS: "0" });
  const childPort = await freePort();
  childUrl = `http://127.0.0.1:${childPort}`;
  child = spawn(process.execPath, [path.join(ROOT_DIR, "server/src/main.ts")], {
    env: { ...process.env, NODE_ENV: "test", DATABASE_URL: urls.authenticator, HOST: "127.0.0.1", PORT: String(childPort), DEV_LOGIN: "true", LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr!.on("data", (chunk: Buffer) => (childStderr += chunk.toString()));
  await waitFor("the server process to listen", async () => (await fetch(`${childUrl}/healthz`).catch(() => null))?.status === 200, 60_000, 200);
  guildId = newGuildId().toString();
  await db.query("select app_private.ensure_guild($1, 'Resilience')", [guildId]);
  memberIds = [];
  for (let i = 1; i <= MEMBERS; i++) {
    const discordId = (BigInt(guildId) + BigInt(i)).toString();
    const { rows } = await db.query("select id from app_private.ensure_member($1, $2, $3)", [guildId, discordId, `Member ${i}`]);
    await db.query("select app_private.admin_adjust_by($1, 'ADMIN', $2, 1000, 'test funding')", [(BigInt(guildId) + 900n).toString(), rows[0].id]);
    memberIds.push(discordId);
  }
  await db.query("update app_public.guild_settings set give_rate_limit = 10000 where guild_id = $1", [guildId]);
}, 240_000);

afterAll(async () => {
  running = false;
  child?.kill("SIGTERM");
  if (pgServer === undefined) pgServer = await startEmbedded(DATA_DIR, port, PASSWORD).catch(() => undefined);
  await server?.close();
  await db?.end().catch(() => {});
  await pgServer?.stop().catch(() => {});
  await rm(DATA_DIR, { recursive: true, force: true }).catch(() => {});
}, 60_000);

/** An open SSE stream, read in the background: its events, and whether it ended. */
function openStream(client: ApiClient): { events: { type: string; data: string }[]; ended: () => boolean; abort: () => void } {
  const abort = new AbortController();
  const events: { type: string; data: string }[] = [];
  let ended = false;
  void (async () => {
    try {
      const res = await fetch(`${client.baseUrl}/streams/tx?backlog=0`, { headers: { cookie: client.cookie! }, signal: abort.signal });
      const parser = new SseParser();
      const decoder = new TextDecoder();
      for await (const chunk of res.body!) events.push(...parser.push(decoder.decode(chunk as Uint8Array, { stream: true })));
    } catch {
      // aborted at the end of the test
    }
    ended = true;
  })();
  return { events, ended: () => ended, abort: () => abort.abort() };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the load saw. */
interface Tally {
  accepted: Map<string, { txId: string; from: string; to: string; amount: number }>;
  refused: Map<string, number>;
  retries: number;
  status503: number;
  retryAfter: Set<string>;
  anomalies: string[];
}

/**
 * One give, repeated with the same idempotency key (and backoff) while the answer is 503 / DB001 or
 * the connection to the server fails, until it is accepted or refused with a named error.
 */
async function giveWithRetries(client: ApiClient, from: string, to: string, amount: number, tally: Tally): Promise<void> {
  const key = randomUUID();
  for (let attempt = 0; attempt < 200; attempt++) {
    let res: Response;
    try {
      res = await client.fetch("/graphql", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: GIVE, variables: { to, amount: String(amount), key } }),
      });
    } catch {
      tally.retries++;
      await sleep(100);
      continue;
    }
    const body = (await res.json()) as { data?: { give?: { giveReceipt?: { txId: string } } }; errors?: { extensions?: { code?: string } }[]; code?: string };
    const code = body.errors?.[0]?.extensions?.code ?? body.code;
    if (res.status === 503 || code === "DB001") {
      if (res.status !== 503 || code !== "DB001") tally.anomalies.push(`transient answer with status ${res.status} and code ${code}`);
      tally.status503++;
      tally.retryAfter.add(res.headers.get("retry-after") ?? "none");
      tally.retries++;
      await sleep(Math.min(50 * 2 ** Math.min(attempt, 4), 800));
      continue;
    }
    const receipt = body.data?.give?.giveReceipt;
    if (receipt) {
      const earlier = tally.accepted.get(key);
      if (earlier && earlier.txId !== receipt.txId) tally.anomalies.push(`key ${key} answered two transactions`);
      tally.accepted.set(key, { txId: receipt.txId, from, to, amount });
      return;
    }
    if (code === "NF001") {
      tally.refused.set(code, (tally.refused.get(code) ?? 0) + 1);
      return;
    }
    tally.anomalies.push(`unexpected answer ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    return;
  }
  tally.anomalies.push(`key ${key} never got through`);
}

describe("losing the database under load", () => {
  it("stays up, answers 503 with Retry-After, reconnects and resumes; nothing lost or doubled", async () => {
    const members = await Promise.all(memberIds.map((id) => clientFor(server, { guildId, discordId: id, kind: "player" })));
    // The same members signed in on the server process too: two of the six workers load it.
    const viaProcess = await Promise.all(memberIds.map((id) => clientFor({ url: childUrl }, { guildId, discordId: id, kind: "player" })));
    const staff = await clientFor(server, { guildId, discordId: (BigInt(guildId) + 901n).toString(), kind: "staff", staffRole: "AUDITOR" });
    const { rows: [{ seq: seqBefore }] } = await db.query<{ seq: string }>("select coalesce(max(seq), 0)::text as seq from app_public.transactions");
    const stream = openStream(staff);
    await waitFor("the stream's ready event", () => stream.events.some((e) => e.type === "ready"), 20_000);

    const tally: Tally = { accepted: new Map(), refused: new Map(), retries: 0, status503: 0, retryAfter: new Set(), anomalies: [] };
    running = true;
    const workers = Array.from({ length: 6 }, async (_, w) => {
      while (running) {
        const from = (w + Math.floor(Math.random() * MEMBERS)) % MEMBERS;
        const to = (from + 1 + Math.floor(Math.random() * (MEMBERS - 1))) % MEMBERS;
        await giveWithRetries((w < 2 ? viaProcess : members)[from], memberIds[from], memberIds[to], 1 + Math.floor(Math.random() * 5), tally);
      }
    });
    const healthy = async () => (await fetch(`${server.url}/healthz`)).status === 200;
    const authenticatorPids = async () =>
      (
        await db.query<{ pid: number }>(
          "select pid from pg_stat_activity where usename = 'guildbank_authenticator' and datname = $1 and pid <> pg_backend_pid()",
          [DATABASE],
        )
      ).rows.map((r) => r.pid);

    // 1. SIGKILL one authenticator backend: the postmaster resets every session and recovers.
    await sleep(1500);
    const [victim] = await authenticatorPids();
    expect(victim).toBeGreaterThan(0);
    process.kill(victim, "SIGKILL");
    const killedAt = Date.now();
    await sleep(200);
    await waitFor("the server to answer /healthz again after the crash reset", healthy, 60_000, 100);
    const crashOutageMs = Date.now() - killedAt;
    await sleep(1500);

    // 2. pg_terminate_backend of every authenticator backend (the LISTEN connection included).
    const pids = await authenticatorPids();
    expect(pids.length).toBeGreaterThan(0);
    await db.query("select pg_terminate_backend(p) from unnest($1::int[]) p", [pids]);
    await sleep(1500);

    // 3. A fast shutdown (SIGINT to the postmaster), 3 s down, then started again.
    await pgServer!.stop();
    pgServer = undefined;
    const downAt = Date.now();
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(503);
    // A signed-in member: the session lookup fails first (the final error handler).
    const viaSession = await members[0].fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ myCard { balance } }" }),
    });
    expect(viaSession.status).toBe(503);
    expect(viaSession.headers.get("retry-after")).toBe("2");
    expect(await viaSession.json()).toMatchObject({ error: "database_unavailable", code: "DB001", retryAfterS: 2 });
    // Anonymous: PostGraphile itself meets the failure (the GraphQL error DB001, retryable).
    const anonymous = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ myCard { balance } }" }),
    });
    expect(anonymous.status).toBe(503);
    expect(anonymous.headers.get("retry-after")).toBe("2");
    const anonymousBody = (await anonymous.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(anonymousBody.errors[0].extensions).toMatchObject({ code: "DB001", key: "database_unavailable", retryable: true, detail: { retry_after_s: 2 } });
    expect(anonymousBody.errors[0].message).not.toMatch(/logged with hash|ECONNREFUSED/);
    // A server starting while the database is down waits for it (its GraphQL schema is built from it).
    const late = startTestServer({ DATABASE_URL: authenticatorUrl });
    await sleep(3000);
    pgServer = await startEmbedded(DATA_DIR, port, PASSWORD);
    await waitFor("the server to answer /healthz after the restart", healthy, 60_000, 100);
    const restartOutageMs = Date.now() - downAt;
    await sleep(2000);
    running = false;
    await Promise.all(workers);
    const lateServer = await late;
    try {
      const answer = await fetch(`${lateServer.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ data: { __typename: "Query" } });
    } finally {
      await lateServer.close();
    }

    // Resumed: a give after the restart reaches the stream that was opened before any of this.
    await giveWithRetries(members[1], memberIds[1], memberIds[2], 1, tally);
    const acceptedTx = new Set([...tally.accepted.values()].map((a) => a.txId));
    const streamed = () => new Set(stream.events.filter((e) => e.type === "tx").map((e) => (JSON.parse(e.data) as { tx_id: string }).tx_id));
    await waitFor("every accepted give on the live stream", () => [...acceptedTx].every((tx) => streamed().has(tx)), 30_000, 200);
    expect(stream.ended()).toBe(false);
    expect(stream.events.some((e) => e.type === "end")).toBe(false);
    stream.abort();

    // The server process is still the same, running one, and answers.
    expect(child!.exitCode).toBeNull();
    expect(child!.signalCode).toBeNull();
    expect((await fetch(`${childUrl}/healthz`)).status).toBe(200);
    expect(childStderr).not.toMatch(/uncaught|Connection terminated unexpectedly/i);
    expect(tally.anomalies).toEqual([]);
    expect(tally.status503).toBeGreaterThan(0);
    expect([...tally.retryAfter]).toEqual(["2"]);
    // Nothing lost or doubled: exactly one transaction per accepted give (key), none other.
    const { rows: gives } = await db.query<{ tx_id: string }>("select tx_id::text from app_public.transactions where guild_id = $1 and seq > $2", [guildId, seqBefore]);
    expect(gives.length).toBe(tally.accepted.size);
    expect(new Set(gives.map((g) => g.tx_id))).toEqual(acceptedTx);
    // Every wallet is what the accepted gives imply.
    const expected = new Map(memberIds.map((id) => [id, 1000]));
    for (const a of tally.accepted.values()) {
      expected.set(a.from, expected.get(a.from)! - a.amount);
      expected.set(a.to, expected.get(a.to)! + a.amount);
    }
    const { rows: wallets } = await db.query<{ discord_id: string; b: string }>(
      "select u.discord_id::text, app_public.users_wallet_balance(u) as b from app_public.users u where u.guild_id = $1",
      [guildId],
    );
    expect(new Map(wallets.map((w) => [w.discord_id, Number(w.b)]))).toEqual(expected);
    expect((await db.query("select * from app_public.verify_ledger($1)", [guildId])).rows).toEqual([]);
    console.log(
      `resilience: ${tally.accepted.size} gives accepted, ${tally.status503} answers 503, ${tally.retries} retries; ` +
        `crash reset outage ${crashOutageMs} ms, fast-shutdown outage ${restartOutageMs} ms (3 000 ms of it down on purpose); ` +
        `${streamed().size} transactions streamed to the open SSE connection`,
    );
  }, 240_000);
});
