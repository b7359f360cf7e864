/**
 * Log hygiene: the real server and worker processes (`server/src/main.ts`,
 * `server/src/worker-main.ts`) run with known secret values in their environment and in the
 * requests they serve, at the most verbose log level; everything they write is captured, and no
 * secret may appear in it: database password, session token and other cookies, Authorization and
 * HMAC signature headers, the metrics token (right or wrong), the Discord webhook token.
 *
 * Also checks that the logs are JSON lines and carry the request id a client sent.
 *
 * Runs a worker, on a database of its own (isolateDatabase).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGuild, dbUrls, freePort, superuserPool, isolateDatabase, waitFor } from "./helpers.ts";

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REQUEST_ID = "logs-test-req-000001";

const secret = (label: string) => `${label}-${randomBytes(12).toString("hex")}`;
const SECRETS = {
  metricsToken: secret("metrics-token"),
  wrongMetricsToken: secret("wrong-metrics-token"),
  webhookToken: secret("webhook-token"),
  bearer: secret("bearer"),
  hmac: secret("hmac-signature"),
  hmacKey: secret("hmac-key"),
  trackerCookie: secret("tracker-cookie"),
  forgedSession: secret("forged-session"),
  redemptionSecret: secret("redemption-secret"),
  paymentWebhookSecret: secret("payment-webhook-secret"),
  minecraftApiKey: secret("minecraft-api-key"),
  oauthCode: secret("oauth-code"),
  oauthState: secret("oauth-state"),
};

/** A spawned process and everything it wrote. */
interface Proc {
  child: ChildProcess;
  stdout: string;
  stderr: string;
}

function run(script: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [path.join(SERVER_DIR, script)], {
    cwd: path.resolve(SERVER_DIR, ".."),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const proc: Proc = { child, stdout: "", stderr: "" };
  child.stdout!.on("data", (c: Buffer) => (proc.stdout += c.toString("utf8")));
  child.stderr!.on("data", (c: Buffer) => (proc.stderr += c.toString("utf8")));
  return proc;
}

async function stop(proc: Proc | undefined): Promise<void> {
  if (!proc || proc.child.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.child.once("exit", resolve));
  proc.child.kill("SIGTERM");
  await Promise.race([exited, sleep(15_000)]);
  if (proc.child.exitCode === null) proc.child.kill("SIGKILL");
}

let dropOwnDatabase: (() => Promise<void>) | undefined;
let db: pg.Pool;
let serverProc: Proc | undefined;
let workerProc: Proc | undefined;
let webhook: Server;
const webhookCalls: { path: string; status: number; body: string }[] = [];
/** Answers of the fake webhook, in order (then 204). */
const webhookScript = [500, 429];

beforeAll(async () => {
  dropOwnDatabase = await isolateDatabase();
  db = superuserPool();
  webhook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const status = webhookScript.shift() ?? 204;
      webhookCalls.push({ path: req.url ?? "", status, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(status, { "content-type": "application/json" });
      // Error bodies that echo what they got: they must not reach the logs either.
      res.end(status === 429 ? JSON.stringify({ retry_after: 0.3, global: false, url: req.url }) : status >= 400 ? JSON.stringify({ message: `bad ${req.url}` }) : undefined);
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
}, 300_000);

afterAll(async () => {
  await stop(serverProc);
  await stop(workerProc);
  await new Promise<void>((resolve) => webhook?.close(() => resolve()));
  await db?.end();
  await dropOwnDatabase?.();
});

describe("log hygiene", () => {
  it("no secret value ever appears in the logs of the server and the worker", async () => {
    // The authenticator URL with a password (trust authentication ignores it; a password-protected
    // test server already has one in its URL).
    const dbUrl = new URL(dbUrls().authenticator);
    if (!dbUrl.password) dbUrl.password = secret("db-password");
    const dbPassword = decodeURIComponent(dbUrl.password);
    const webhookUrl = `http://127.0.0.1:${(webhook.address() as { port: number }).port}/api/webhooks/987654321/${SECRETS.webhookToken}`;
    const workerPort = await freePort();
    const common = {
      NODE_ENV: "test",
      DATABASE_URL: dbUrl.toString(),
      LOG_LEVEL: "trace",
      METRICS_TOKEN: SECRETS.metricsToken,
      BOT_HMAC_KEY: SECRETS.hmacKey,
      REDEMPTION_WEBHOOK_SECRET: SECRETS.redemptionSecret,
      MINECRAFT_PAYMENT_WEBHOOK_SECRET: SECRETS.paymentWebhookSecret,
      MINECRAFT_API_URL: "http://127.0.0.1:9/deliver",
      MINECRAFT_API_KEY: SECRETS.minecraftApiKey,
      GRAPHILE_ENV: "development",
    };
    serverProc = run("src/main.ts", { ...common, HOST: "127.0.0.1", PORT: "0", DEV_LOGIN: "true" });
    workerProc = run("src/worker-main.ts", {
      ...common,
      WORKER_CRON: "false",
      WORKER_POLL_INTERVAL_MS: "200",
      WORKER_METRICS_PORT: String(workerPort),
      DISCORD_ALERT_WEBHOOK_URL: webhookUrl,
    });
    const url = await waitFor("the server to listen", () => /"url":"(http:\/\/[^"]+)"/.exec(serverProc!.stdout)?.[1]);
    await waitFor("the worker to start", () => workerProc!.stdout.includes('"worker started"'));

    const guild = await createGuild(db, 2, 1000);
    await db.query("update app_public.guild_settings set high_value_threshold = 300 where guild_id = $1", [guild.guildId]);
    const extra = { "x-request-id": REQUEST_ID, authorization: `Bearer ${SECRETS.bearer}`, "x-signature": SECRETS.hmac };

    // Log in: the session token comes back in Set-Cookie.
    const login = await fetch(`${url}/auth/dev/login`, {
      method: "POST",
      headers: { "content-type": "application/json", ...extra },
      body: JSON.stringify({ guildId: guild.guildId, discordId: guild.memberIds[0], kind: "player" }),
    });
    expect(login.status).toBe(200);
    const sessionCookie = login.headers.get("set-cookie")!.split(";")[0];
    const sessionToken = sessionCookie.split("=")[1];
    expect(sessionToken.length).toBeGreaterThan(10);
    const csrfCookie = login.headers.getSetCookie().find((c) => c.startsWith("gb_csrf="))!.split(";")[0];
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = `${sessionCookie}; ${csrfCookie}; tracker=${SECRETS.trackerCookie}`;
    const headers = { ...extra, cookie, "content-type": "application/json", "x-csrf-token": csrfToken };
    const gql = async (query: string, variables: Record<string, unknown> = {}) =>
      (await fetch(`${url}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) })).json() as Promise<{
        data?: unknown;
        errors?: { message: string }[];
      }>;

    expect((await fetch(`${url}/auth/session`, { headers })).status).toBe(200);
    expect((await gql("query LogsProbe { __typename }")).errors).toBeUndefined();
    expect((await gql("query LogsBroken { noSuchField }")).errors).toBeDefined();
    // A failing database query (bigint out of range): masked in the response, logged in full.
    const failing = await gql(`query LogsOverflow { transactions(condition: { amount: "99999999999999999999999" }) { nodes { txId } } }`);
    expect(failing.errors).toBeDefined();
    // A give over the threshold: an ops alert the worker posts (500, then 429, then accepted).
    const give = await gql(
      `mutation($to: BigInt!) { give(input: { toDiscordId: $to, amount: "400", idempotencyKey: "logs-give" }) { giveReceipt { txId } } }`,
      { to: guild.memberIds[1] },
    );
    expect(give.errors).toBeUndefined();
    // A forged session cookie, an unknown route, the metrics endpoint with and without the token.
    expect((await fetch(`${url}/auth/session`, { headers: { cookie: `gb_session=${SECRETS.forgedSession}` } })).status).toBe(200);
    expect((await fetch(`${url}/no/such/route`, { headers })).status).toBe(404);
    // An OAuth callback's one-time code and state travel in the query string.
    await fetch(`${url}/auth/discord/callback?code=${SECRETS.oauthCode}&state=${SECRETS.oauthState}`, { redirect: "manual" });
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${SECRETS.metricsToken}` } })).status).toBe(200);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${SECRETS.wrongMetricsToken}` } })).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${workerPort}/metrics`, { headers: { authorization: `Bearer ${SECRETS.metricsToken}` } })).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${workerPort}/metrics`, { headers: { authorization: `Bearer ${SECRETS.wrongMetricsToken}` } })).status).toBe(401);
    // Signed Minecraft webhooks: a valid signature for an unknown voucher (404) and a forged one (401).
    const redeemBody = JSON.stringify({ code: "00000000-0000-4000-8000-000000000000", nonce: secret("nonce") });
    const ts = String(Math.floor(Date.now() / 1000));
    const redeemSig = `sha256=${createHmac("sha256", SECRETS.redemptionSecret).update(`${ts}.${redeemBody}`).digest("hex")}`;
    expect((await fetch(`${url}/webhooks/redeem`, { method: "POST", headers: { "x-guildbank-timestamp": ts, "x-guildbank-signature": redeemSig }, body: redeemBody })).status).toBe(404);
    expect((await fetch(`${url}/webhooks/redeem`, { method: "POST", headers: { "x-guildbank-timestamp": ts, "x-guildbank-signature": `sha256=${"0".repeat(64)}` }, body: redeemBody })).status).toBe(401);
    // A live stream opened and dropped.
    const abort = new AbortController();
    const stream = await fetch(`${url}/streams/tx`, { headers, signal: abort.signal });
    expect(stream.status).toBe(200);
    await stream.body!.getReader().read();
    abort.abort();
    expect((await fetch(`${url}/auth/logout`, { method: "POST", headers })).status).toBe(204);

    await waitFor("the alert to be posted after a 500 and a 429", () => webhookCalls.some((c) => c.status === 204), 60_000);
    expect(webhookCalls.map((c) => c.status)).toEqual([500, 429, 204]);
    // Each attempt posted this test's alert (the give of 400 coins over the threshold of 300).
    for (const call of webhookCalls) expect(call.body).toContain("400 coins moved");
    expect(webhookCalls[0].path).toContain(SECRETS.webhookToken);
    await sleep(500);
    await stop(serverProc);
    await stop(workerProc);

    const logs = [serverProc.stdout, serverProc.stderr, workerProc.stdout, workerProc.stderr].join("\n");
    const secrets: Record<string, string> = { ...SECRETS, dbPassword, sessionToken };
    for (const [name, value] of Object.entries(secrets)) {
      expect(logs.includes(value), `${name} appears in the logs`).toBe(false);
    }
    // The webhook's path (id and token) never appears: only its hash.
    expect(logs).not.toContain("/api/webhooks/987654321");

    // JSON lines, with the request id the client sent, and redaction visibly at work.
    const lines = [serverProc.stdout, workerProc.stdout].flatMap((o) => o.split("\n").filter(Boolean));
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, any>);
    expect(parsed.some((l) => l.req?.id === REQUEST_ID || l.reqId === REQUEST_ID)).toBe(true);
    expect(parsed.some((l) => l.req?.headers?.authorization === "[redacted]")).toBe(true);
    expect(parsed.some((l) => l.req?.headers?.cookie === "[redacted]")).toBe(true);
    expect(parsed.some((l) => l.msg === "masked GraphQL error")).toBe(true);
    expect(parsed.some((l) => typeof l.msg === "string" && l.msg.includes("alerts__notify") && l.level >= 40)).toBe(true);
  }, 120_000);
});
