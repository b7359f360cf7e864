/**
 * Ops alerts posted to Discord, against a local HTTP server playing the webhook: a high-value
 * give produces exactly one post with the right embed; a burst is rate-limited and the excess
 * coalesced into one summary; a 429 `retry_after` is honoured; no webhook configured is a no-op;
 * a crashing process raises a critical alert.
 *
 * Runs workers, on a database of its own (isolateDatabase): its job queue and alert feed are this
 * file's alone. Assertions still look at this file's alerts (by id) wherever the rate limit makes
 * that matter.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, type IncomingMessage, type Server } from "node:http";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, REDACT_PATHS } from "@guildbank/lib";
import { loadServerConfig } from "../src/config.ts";
import { loadWorkerConfig, startWorker, type WorkerHandle } from "../src/worker/index.ts";
import { WebhookRateLimiter, alertEmbed, scrubSecrets, summaryEmbed, type AlertForNotification } from "../src/alerts/index.ts";
import { clientFor, createGuild, dbUrls, startTestServer, superuserPool, isolateDatabase, testWorkerConfig, waitFor } from "./helpers.ts";

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WEBHOOK_TOKEN = "whk-token-Zq81hTT0-secret";

const GIVE = `mutation($to: BigInt!, $amount: BigInt!, $key: String!) {
  give(input: { toDiscordId: $to, amount: $amount, idempotencyKey: $key }) { giveReceipt { txId } }
}`;

/** One request the fake webhook received. */
interface Post {
  at: number;
  path: string;
  body: {
    username?: string;
    allowed_mentions?: { parse: unknown[] };
    embeds: { title: string; description?: string; color: number; fields?: { name: string; value: string }[]; timestamp?: string; footer?: { text: string } }[];
  };
  status: number;
}

/** A local stand-in for Discord's webhook endpoint: records every request, answers from a script. */
class FakeWebhook {
  readonly posts: Post[] = [];
  /** Answers for the next requests (default 204). */
  readonly script: { status: number; body?: unknown; headers?: Record<string, string> }[] = [];
  server!: Server;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res) => {
      const at = Date.now();
      let raw = "";
      req.on("data", (c) => (raw += c));
      req.on("end", () => {
        const answer = this.script.shift() ?? { status: 204 };
        this.posts.push({ at, path: req.url ?? "", body: JSON.parse(raw), status: answer.status });
        res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
        res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/api/webhooks/1234567890/${WEBHOOK_TOKEN}`;
  }

  /** The accepted posts mentioning alert `id` (its own embed's footer, or a summary line). */
  postsOf(id: string): Post[] {
    return this.posts.filter((p) => p.status < 300 && alertIdsOf(p).includes(id));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The alert ids a post carries. */
function alertIdsOf(post: Post): string[] {
  const embed = post.body.embeds[0];
  const single = /^Guildbank alert #(\d+)$/.exec(embed.footer?.text ?? "");
  if (single) return [single[1]];
  return [...(embed.description ?? "").matchAll(/`#(\d+)`/g)].map((m) => m[1]);
}

let dropOwnDatabase: (() => Promise<void>) | undefined;
let db: pg.Pool;
let server: Awaited<ReturnType<typeof startTestServer>>;
const webhook = new FakeWebhook();
let worker: WorkerHandle | undefined;

/** Starts a worker posting to the fake webhook (unless `webhookUrl` is null). */
async function startAlertWorker(options: { webhookUrl?: string | null; perMinute?: number; windowMs?: number; logger?: pino.Logger } = {}) {
  worker = await startWorker({
    config: testWorkerConfig({
      WORKER_POLL_INTERVAL_MS: "100",
      ALERT_RATE_LIMIT_PER_MINUTE: String(options.perMinute ?? 10),
      ...(options.webhookUrl === null ? {} : { DISCORD_ALERT_WEBHOOK_URL: options.webhookUrl ?? webhook.url }),
    }),
    alertWindowMs: options.windowMs,
    logger: options.logger,
  });
  return worker;
}

/** Raises a critical alert in a guild, as superuser; returns its id. */
async function raiseCritical(guildId: string, n: number): Promise<string> {
  const { rows } = await db.query("select id::text from app_hidden.raise_alert($1, 'critical', 'ledger_violation', $2, $3)", [
    guildId,
    `test violation ${n}`,
    JSON.stringify({ n }),
  ]);
  return rows[0].id;
}

/** Whether no job of alert `id` (its own or a summary holding it) is waiting any more. */
async function settled(ids: string[]): Promise<boolean> {
  const { rows } = await db.query(
    `select count(*)::int as n from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'alerts__notify' and j.attempts < j.max_attempts
        and (j.key = any($1::text[]) or (json_typeof(j.payload) = 'array' and exists (
              select 1 from json_array_elements(j.payload) e where e->>'alert_id' = any($2::text[]))))`,
    [ids.map((id) => `alerts__notify:${id}`), ids],
  );
  return rows[0].n === 0;
}

async function notifications(outcome: string): Promise<number> {
  const text = await worker!.metrics.registry.getSingleMetricAsString("alert_notifications_total");
  const m = new RegExp(`alert_notifications_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text);
  return m ? Number(m[1]) : 0;
}

beforeAll(async () => {
  dropOwnDatabase = await isolateDatabase();
  db = superuserPool();
  server = await startTestServer();
  await webhook.start();
}, 300_000);

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  webhook.script.length = 0;
});

afterAll(async () => {
  await worker?.stop();
  await webhook.stop();
  await server?.close();
  await db?.end();
  await dropOwnDatabase?.();
});

describe("alerts__notify", () => {
  it("posts a high-value give (over the guild's threshold) exactly once, as an embed", async () => {
    const guild = await createGuild(db, 2, 1000);
    await db.query("update app_public.guild_settings set high_value_threshold = 500 where guild_id = $1", [guild.guildId]);
    await startAlertWorker();
    const alice = await clientFor(server, { guildId: guild.guildId, discordId: guild.memberIds[0], kind: "player" });
    expect((await alice.gql(GIVE, { to: guild.memberIds[1], amount: "100", key: "alerts-small" })).errors).toBeUndefined();
    expect((await alice.gql(GIVE, { to: guild.memberIds[1], amount: "600", key: "alerts-big" })).errors).toBeUndefined();
    const { rows: alerts } = await db.query(
      "select id::text, created_at, message from app_public.ops_alerts where guild_id = $1 and kind = 'high_value_trade'",
      [guild.guildId],
    );
    expect(alerts).toHaveLength(1);
    const id = alerts[0].id;
    const [post] = await waitFor("the post", () => webhook.postsOf(id).length > 0 && webhook.postsOf(id));
    await waitFor("the job to complete", () => settled([id]));
    await sleep(300);
    expect(webhook.postsOf(id)).toHaveLength(1);
    expect(webhook.posts.filter((p) => p.body.embeds[0].fields?.some((f: { value: string }) => f.value.includes(guild.guildId)))).toHaveLength(1);

    expect(post.path).toBe(`/api/webhooks/1234567890/${WEBHOOK_TOKEN}`);
    expect(post.body.allowed_mentions).toEqual({ parse: [] });
    const embed = post.body.embeds[0];
    expect(embed.title).toBe("High-value trade");
    expect(embed.color).toBe(0xf29900);
    expect(embed.description).toBe(alerts[0].message);
    expect(embed.description).toMatch(/^600 coins moved/);
    expect(embed.timestamp).toBe(new Date(alerts[0].created_at).toISOString());
    expect(embed.footer).toEqual({ text: `Guildbank alert #${id}` });
    const fields = Object.fromEntries(embed.fields!.map((f) => [f.name, f.value]));
    expect(fields).toMatchObject({
      Guild: `Test guild ${guild.guildId} (${guild.guildId})`,
      Severity: "warning",
      Kind: "high_value_trade",
      amount: "600 coins",
      threshold: "500 coins",
      actor_id: guild.memberIds[0],
    });
    expect(await notifications("posted")).toBe(1);
  });

  it("rate-limits a burst: the excess is coalesced into one summary post when the window frees up", async () => {
    const guild = await createGuild(db, 1, 0);
    const windowMs = 2000;
    await startAlertWorker({ perMinute: 2, windowMs });
    const before = webhook.posts.length;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await raiseCritical(guild.guildId, i));
    await waitFor("every alert to be posted", () => ids.every((id) => webhook.postsOf(id).length > 0), 30_000);
    await waitFor("the jobs to complete", () => settled(ids));

    // Each alert in exactly one post; this worker made at most 2 posts in any window (whoever else raised alerts).
    for (const id of ids) expect(webhook.postsOf(id), `alert ${id}`).toHaveLength(1);
    const accepted = webhook.posts.slice(before).filter((p) => p.status < 300);
    for (const p of accepted) {
      expect(accepted.filter((q) => q.at >= p.at && q.at < p.at + windowMs - 100).length).toBeLessThanOrEqual(2);
    }
    const mine = accepted.filter((p) => alertIdsOf(p).some((id) => ids.includes(id)));
    expect(mine.length).toBeLessThanOrEqual(3);
    const summaries = mine.filter((p) => alertIdsOf(p).length > 1);
    expect(summaries.length).toBeGreaterThanOrEqual(1);
    const summary = summaries[summaries.length - 1].body.embeds[0];
    expect(summary.title).toMatch(/^\d+ alerts \(summary: rate limit reached\)$/);
    expect(summary.color).toBe(0xd93025);
    expect(summary.fields).toContainEqual(expect.objectContaining({ name: "Ledger violation" }));
    expect(summary.description).toContain("test violation");
    expect(await notifications("coalesced")).toBeGreaterThanOrEqual(5);
    expect(await notifications("summarised")).toBeGreaterThanOrEqual(5);
  });

  it("honours Discord's 429 retry_after", async () => {
    const guild = await createGuild(db, 1, 0);
    await startAlertWorker();
    webhook.script.push({ status: 429, body: { message: "You are being rate limited.", retry_after: 1.5, global: false } });
    const before = webhook.posts.length;
    const id = await raiseCritical(guild.guildId, 99);
    await waitFor("the retried post", () => webhook.postsOf(id).length > 0);
    await waitFor("the jobs to complete", () => settled([id]));
    const attempts = webhook.posts.slice(before);
    const refused = attempts.find((p) => p.status === 429)!;
    expect(alertIdsOf(refused)).toEqual([id]);
    const [posted] = webhook.postsOf(id);
    expect(posted.at - refused.at).toBeGreaterThanOrEqual(1500);
    expect(posted.at - refused.at).toBeLessThan(6000);
    expect(posted.body.embeds[0].footer?.text).toBe(`Guildbank alert #${id}`);
    expect(await notifications("deferred")).toBe(1);
  });

  it("retries a failed post (5xx) with graphile-worker's backoff", async () => {
    const guild = await createGuild(db, 1, 0);
    await startAlertWorker();
    webhook.script.push({ status: 502, body: { message: "bad gateway" } });
    const id = await raiseCritical(guild.guildId, 502);
    await waitFor("the retried post", () => webhook.postsOf(id).length > 0, 30_000);
    const { rows } = await db.query("select count(*)::int as n from app_public.ops_alerts where id = $1", [id]);
    expect(rows[0].n).toBe(1);
    expect(await notifications("failed")).toBe(1);
    expect(await notifications("posted")).toBe(1);
  });

  it("does nothing without a webhook (said once, at debug)", async () => {
    const lines: { level: number; msg: string }[] = [];
    const logger = pino(
      { level: "debug", redact: { paths: REDACT_PATHS, censor: "[redacted]" } },
      { write: (line: string) => void lines.push(JSON.parse(line)) },
    );
    const guild = await createGuild(db, 1, 0);
    await startAlertWorker({ webhookUrl: null, logger });
    const before = webhook.posts.length;
    const ids = [await raiseCritical(guild.guildId, 1), await raiseCritical(guild.guildId, 2)];
    await waitFor("the jobs to complete", () => settled(ids));
    await sleep(200);
    expect(webhook.posts.length).toBe(before);
    expect(lines.filter((l) => l.msg.includes("alert notifications are off"))).toHaveLength(1);
    expect(lines.find((l) => l.msg.includes("alert notifications are off"))!.level).toBe(20);
    expect(await notifications("disabled")).toBe(2);
  });
});

describe("critical errors of the processes", () => {
  it("an uncaught exception raises one critical process_crash alert, then the process exits 1", async () => {
    const mark = `crash-${Date.now()}`;
    const code = `
      import { createLogger, createPool } from "@guildbank/lib";
      import { createCriticalAlerter, installCrashAlerts, queryAsWorker } from ${JSON.stringify(path.join(SERVER_DIR, "src/alerts/index.ts"))};
      const logger = createLogger("crash-test", "fatal");
      const pool = createPool(process.env.DATABASE_URL, 2);
      installCrashAlerts({ alerter: createCriticalAlerter({ query: queryAsWorker(pool), logger, source: "crash-test" }), logger });
      setTimeout(() => { throw new Error("boom ${mark} at postgres://user:hunter2secret@db/x"); }, 10);
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], {
      cwd: SERVER_DIR,
      env: { ...process.env, DATABASE_URL: dbUrls().authenticator },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    const exitCode = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(exitCode, output).toBe(1);
    const { rows } = await db.query("select severity::text, kind, message, detail from app_public.ops_alerts where message like $1", [`%${mark}%`]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ severity: "critical", kind: "process_crash", detail: { source: "crash-test", origin: "uncaughtException" } });
    expect(rows[0].message).toContain("[redacted]");
    expect(rows[0].message).not.toContain("hunter2secret");
    expect(output).toContain("uncaught exception");
  });
});

describe("configuration", () => {
  const base = { DATABASE_URL: "postgres://guildbank_authenticator@127.0.0.1:5432/guildbank" };

  it("reads the webhook URL from DISCORD_ALERT_WEBHOOK_URL_FILE, and never echoes a bad value", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gb-alerts-"));
    try {
      const file = path.join(dir, "webhook");
      writeFileSync(file, `https://discord.com/api/webhooks/1/${WEBHOOK_TOKEN}\n`);
      const config = loadWorkerConfig({ ...base, DISCORD_ALERT_WEBHOOK_URL_FILE: file, METRICS_TOKEN_FILE: file });
      expect(config.DISCORD_ALERT_WEBHOOK_URL).toBe(`https://discord.com/api/webhooks/1/${WEBHOOK_TOKEN}`);
      expect(config).toMatchObject({ ALERT_RATE_LIMIT_PER_MINUTE: 10, WORKER_METRICS_PORT: 0, WORKER_METRICS_HOST: "127.0.0.1" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(loadWorkerConfig(base).DISCORD_ALERT_WEBHOOK_URL).toBeUndefined();
    const bad = (env: Record<string, string>, load: (e: Record<string, string>) => unknown = loadWorkerConfig) => {
      try {
        load({ ...base, ...env });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error("accepted");
    };
    const notUrl = bad({ DISCORD_ALERT_WEBHOOK_URL: `discord ${WEBHOOK_TOKEN}` });
    expect(notUrl).toMatch(/DISCORD_ALERT_WEBHOOK_URL: must be an http\(s\) URL/);
    expect(notUrl).not.toContain(WEBHOOK_TOKEN);
    expect(bad({ NODE_ENV: "production", DISCORD_ALERT_WEBHOOK_URL: `http://x/${WEBHOOK_TOKEN}` })).toMatch(/must be an https URL when NODE_ENV=production/);
    const short = bad({ METRICS_TOKEN: "short-secret" }, loadServerConfig);
    expect(short).toMatch(/METRICS_TOKEN: must be at least 16 characters/);
    expect(short).not.toContain("short-secret");
    expect(bad({ ALERT_RATE_LIMIT_PER_MINUTE: "0" })).toMatch(/ALERT_RATE_LIMIT_PER_MINUTE: must be at least 1/);
  });
});

describe("building blocks", () => {
  it("limits posts per sliding window, and blocks until a 429's retry_after", () => {
    let t = 0;
    const limiter = new WebhookRateLimiter(2, 1000, () => t);
    expect(limiter.acquire("a")).toEqual({ ok: true });
    t = 100;
    expect(limiter.acquire("a")).toEqual({ ok: true });
    expect(limiter.acquire("a")).toEqual({ ok: false, retryAt: 1000 });
    expect(limiter.acquire("b")).toEqual({ ok: true });
    t = 1000;
    expect(limiter.acquire("a")).toEqual({ ok: true });
    expect(limiter.acquire("a")).toEqual({ ok: false, retryAt: 1100 });
    limiter.block("b", 5000);
    expect(limiter.acquire("b")).toEqual({ ok: false, retryAt: 5000 });
  });

  it("scrubs credentials from outgoing text", () => {
    expect(scrubSecrets("connect postgres://app:s3cr3t@db:5432/x failed")).toBe("connect postgres://app:[redacted]@db:5432/x failed");
    expect(scrubSecrets("POST https://discord.com/api/webhooks/123/abcDEF-ghi")).toBe("POST https://discord.com/api/webhooks/123/[redacted]");
    expect(scrubSecrets("Authorization: Bearer abc.def")).toBe("Authorization: Bearer [redacted]");
    expect(scrubSecrets("token=swordfish!", ["swordfish!"])).toBe("token=[redacted]");
  });

  it("shows an alert's amounts with its currency and scale (issue 17, defect 9)", () => {
    const alert = (kind: string, detail: Record<string, unknown>): AlertForNotification => ({
      id: "1",
      guild_id: "100000000000000000",
      guild_name: "Guild",
      severity: "critical",
      kind,
      message: "m",
      detail,
      created_at: new Date(1_700_000_000_000),
    });
    const fieldsOf = (a: AlertForNotification) => Object.fromEntries(alertEmbed(a).fields!.map((f) => [f.name, f.value]));
    // A payout of 1,500.00 MCD, as payout_unconfirmed records it (with and without the currency in its detail).
    expect(fieldsOf(alert("payout_unconfirmed", { payout_id: 7, ign: "Steve", amount: 150000, currency: "MCD" }))).toMatchObject({ amount: "1,500.00 MCD", payout_id: "7" });
    expect(fieldsOf(alert("payout_unconfirmed", { payout_id: 7, ign: "Steve", amount: 150000 })).amount).toBe("1,500.00 MCD");
    expect(fieldsOf(alert("high_value_trade", { amount: 150000, threshold: "10000", currency: "COIN" }))).toMatchObject({ amount: "150,000 coins", threshold: "10,000 coins" });
    expect(fieldsOf(alert("payout_unconfirmed", { amount: 150000, currency: "MCD" })).currency).toBeUndefined();
  });

  it("summarises many alerts within Discord's limits", () => {
    const alerts: AlertForNotification[] = Array.from({ length: 200 }, (_, i) => ({
      id: String(1000 + i),
      guild_id: "100000000000000000",
      guild_name: "Guild",
      severity: i === 7 ? "critical" : "warning",
      kind: i % 2 ? "high_value_trade" : "fulfilment_failed",
      message: "x".repeat(300),
      detail: {},
      created_at: new Date(1_700_000_000_000 + i * 1000),
    }));
    const embed = summaryEmbed(alerts);
    expect(embed.title).toBe("200 alerts (summary: rate limit reached)");
    expect(embed.color).toBe(0xd93025);
    expect(embed.description!.length).toBeLessThanOrEqual(4096);
    expect(embed.description).toMatch(/…and \d+ more\.$/);
    expect(embed.fields).toEqual([
      { name: "Order fulfilment failed", value: "100", inline: true },
      { name: "High-value trade", value: "100", inline: true },
    ]);
    expect(embed.timestamp).toBe(new Date(1_700_000_000_000 + 199_000).toISOString());
  });
});
