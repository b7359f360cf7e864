/**
 * `npm run simulate -- --url URL --players N --rate R --duration S`
 *
 * Synthetic members drive the real GraphQL API over HTTP (the server must run with the
 * development login, as `npm start` does): daily claims, gives, card reads, replays, staff
 * adjustments, and a share of invalid requests (overdrafts, self-gives, gives to a frozen
 * member, bad amounts, missing reasons), each of which must be refused with its named error.
 * At the end it runs verify_ledger() and reconciles every simulated member's balance against
 * what the accepted requests imply, then prints requests/s, accepted/rejected counts and the
 * drift. Exit code 1 on any drift, ledger violation or unexpected answer.
 *
 * A transient failure (HTTP 503 / GraphQL DB001 `database_unavailable`, or the server unreachable)
 * is retried with backoff (p-retry) with the very same request, idempotency key included, so it
 * happens at most once; the report counts the retries. Simulated members are named
 * `[sim] player NN` (the `[sim]` prefix marks them in the panel's member list).
 *
 * R is in requests per second; `--rate 0` runs as fast as `--concurrency` allows.
 *
 * `--gives-vs-sql --database-url URL` (issue 12's HTTP target) runs, instead of the mixed workload,
 * `--repeat` interleaved pairs of `--duration`-second phases at `--concurrency` clients: first
 * the very same give straight through SQL (C connections of the authenticator role, each
 * `BEGIN; set_config(role and claims); app_public.give(...); COMMIT`, exactly the statements the
 * server's transaction sends), then over HTTP (C concurrent `give` mutations). It prints, per
 * repetition and as medians, the SQL give rate, the accepted HTTP gives per second, their ratio,
 * the HTTP p50/p99 and the server's Node CPU per request (`process_cpu_seconds_total` of its
 * `/metrics`, before and after the phase, over the requests it answered) beside this process's
 * own CPU per request (the load generator shares the machine). A 3-second HTTP warm-up comes
 * first, not counted. Every phase's gives count in the drift check at the end.
 */
import { parseArgs } from "node:util";
import { randomUUID } from "node:crypto";
import os from "node:os";
import http from "node:http";
import pRetry from "p-retry";
import pg from "pg";
import { z } from "zod";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:3000" },
    players: { type: "string", default: "20" },
    rate: { type: "string", default: "10" },
    duration: { type: "string", default: "30" },
    concurrency: { type: "string", default: "32" },
    guild: { type: "string", default: "100000000000000000" },
    funds: { type: "string", default: "500" },
    "give-limit": { type: "string" },
    "gives-vs-sql": { type: "boolean", default: false },
    "database-url": { type: "string" },
    "metrics-url": { type: "string" },
    repeat: { type: "string", default: "3" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(
    "usage: npm run simulate -- [--url URL] [--players N] [--rate R req/s, 0 = max] [--duration S] [--concurrency C] [--guild ID] [--funds COINS] [--give-limit GIVES_PER_WINDOW] [--gives-vs-sql --database-url AUTHENTICATOR_URL [--metrics-url URL] [--repeat N]]",
  );
  process.exit(0);
}
const argsSchema = z.object({
  url: z.url(),
  players: z.coerce.number().int().min(2).max(10_000),
  rate: z.coerce.number().min(0).max(100_000),
  duration: z.coerce.number().positive().max(86_400),
  concurrency: z.coerce.number().int().min(1).max(1024),
  guild: z.string().regex(/^\d{17,20}$/),
  funds: z.coerce.number().int().min(0).max(1e12),
  "give-limit": z.coerce.number().int().min(1).max(10_000).optional(),
  "gives-vs-sql": z.boolean(),
  "database-url": z.string().regex(/^postgres(ql)?:\/\//).optional(),
  "metrics-url": z.url().optional(),
  repeat: z.coerce.number().int().min(1).max(20),
}).refine((o) => !o["gives-vs-sql"] || o["database-url"], { path: ["database-url"], message: "--gives-vs-sql needs the authenticator's URL of the server's database" });
const parsed = argsSchema.safeParse(values);
if (!parsed.success) {
  console.error("simulate: " + parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; "));
  process.exit(2);
}
const opts = parsed.data;
const baseUrl = opts.url.replace(/\/$/, "");

interface GqlError {
  message: string;
  extensions?: { code?: string };
}
interface GqlResponse {
  data?: Record<string, any> | null;
  errors?: GqlError[];
}

/** A transient failure: 503 (DB001), or no answer from the server. Retried with the same request. */
class Transient extends Error {}
/** Transient failures retried, and requests that needed at least one retry. */
const retried = { attempts: 0, requests: 0 };
/** How a transient failure is retried: 10 more attempts, 200 ms doubling to 3 s (about 20 s in all). */
const RETRY = { retries: 10, minTimeout: 200, factor: 2, maxTimeout: 3_000 };

/**
 * Runs `attempt` again, with backoff, while it throws {@link Transient}, and counts the retries.
 *
 * @param attempt - one try of a request; the same request each time (same body, same idempotency key).
 * @returns what the first successful attempt returned.
 * @throws the last {@link Transient} when the retries are spent, or any other error at once.
 */
async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  let failed = false;
  return pRetry(attempt, {
    ...RETRY,
    shouldRetry: ({ error }) => error instanceof Transient,
    onFailedAttempt: ({ error }) => {
      if (!(error instanceof Transient)) return;
      retried.attempts++;
      if (!failed) retried.requests++;
      failed = true;
    },
  });
}

/**
 * Keep-alive connections to the server (node:http, one per concurrent caller): `fetch` costs this
 * process several times the CPU per request, and on a 2-core machine the load generator's CPU is
 * taken from the server it measures.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

/** POSTs a JSON body to `path` on the server; resolves with the status and the body text. */
function post(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${baseUrl}${path}`,
      { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

class Session {
  cookie = "";
  csrfToken = "";
  readonly discordId: string;
  constructor(discordId: string) {
    this.discordId = discordId;
  }
  async login(body: Record<string, string>): Promise<void> {
    const res = await withRetries(async () => {
      let answer: Response;
      try {
        answer = await fetch(`${baseUrl}/auth/dev/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      } catch (err) {
        throw new Transient(`no answer from the server: ${(err as Error).message}`);
      }
      if (answer.status === 503) throw new Transient(`HTTP 503 (${(await answer.text()).slice(0, 200)})`);
      return answer;
    });
    if (res.status === 404) throw new Error(`${baseUrl} has no development login: start the server with DEV_LOGIN=true (npm start does)`);
    if (!res.ok) throw new Error(`login failed (${res.status}): ${await res.text()}`);
    // The session and CSRF cookies, and the CSRF token every state-changing request carries.
    this.cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .filter((c) => !c.endsWith("="))
      .join("; ");
    this.csrfToken = ((await res.json()) as { csrfToken?: string }).csrfToken ?? "";
  }
  /**
   * POSTs a GraphQL operation; a transient failure is repeated with the same body (and so the same
   * idempotency key) until it gets an answer or the retries run out.
   */
  async gql(query: string, variables: Record<string, unknown> = {}): Promise<GqlResponse> {
    return withRetries(async () => {
      let res: { status: number; text: string };
      try {
        res = await post("/graphql", JSON.stringify({ query, variables }), { cookie: this.cookie, "x-csrf-token": this.csrfToken });
      } catch (err) {
        throw new Transient(`no answer from the server: ${(err as Error).message}`);
      }
      if (res.status === 503) throw new Transient(`HTTP 503 (${res.text.slice(0, 200)})`);
      if (res.status !== 200) return { errors: [{ message: `HTTP ${res.status}` }] };
      const body = JSON.parse(res.text) as GqlResponse;
      if (body.errors?.some((e) => e.extensions?.code === "DB001")) throw new Transient("DB001 database_unavailable");
      return body;
    });
  }
}

const Q = {
  give: `mutation($to: BigInt!, $amount: BigInt!, $key: String!) { give(input: { toDiscordId: $to, amount: $amount, idempotencyKey: $key }) { giveReceipt { txId amount } } }`,
  claim: `mutation($key: String) { claimDaily(input: { idempotencyKey: $key }) { dailyClaim { amount } } }`,
  card: `{ myCard { balance escrow rank } }`,
  adjust: `mutation($user: BigInt!, $delta: BigInt!, $reason: String!, $key: String) { adminAdjust(input: { discordId: $user, delta: $delta, reason: $reason, idempotencyKey: $key }) { adminAction { id } } }`,
  freeze: `mutation($user: BigInt!) { freezeUser(input: { discordId: $user, reason: "simulation: frozen member" }) { adminAction { id } } }`,
  balances: `{ users { nodes { discordId walletBalance } } }`,
  verify: `{ verifyLedger { nodes { invariant guildId currency accountId expected actual } } }`,
  limit: `mutation($g: BigInt!, $n: Int!) { updateGuildSetting(input: { guildId: $g, patch: { giveRateLimit: $n } }) { guildSetting { giveRateLimit } } }`,
  settings: `query($g: BigInt!) { guildSetting(guildId: $g) { giveRateLimit } }`,
  register: `mutation($name: String!) { registerMember(input: { displayName: $name }) { user { displayName } } }`,
};

// --- set-up -----------------------------------------------------------------------------------
const guildId = BigInt(opts.guild);
const staff = new Session((guildId + 900n).toString());
await staff.login({ guildId: opts.guild, discordId: staff.discordId, kind: "staff", staffRole: "ADMIN" });

// --give-limit: raise the guild's give rate limit through the staff API for the run, then restore it.
let restoreGiveLimit: number | undefined;
if (opts["give-limit"] !== undefined) {
  const current = await staff.gql(Q.settings, { g: opts.guild });
  restoreGiveLimit = current.data?.guildSetting?.giveRateLimit;
  const set = await staff.gql(Q.limit, { g: opts.guild, n: opts["give-limit"] });
  if (set.errors) throw new Error(`cannot set the give rate limit: ${set.errors[0].message}`);
}

const players: Session[] = [];
for (let i = 0; i < opts.players; i++) players.push(new Session((guildId + 10_000n + BigInt(i)).toString()));
const frozen = new Session((guildId + 9_999n).toString());
await Promise.all([...players, frozen].map((p) => p.login({ guildId: opts.guild, discordId: p.discordId, kind: "player" })));
// Named, with a marker: a sign-in registers a member without a name, which the panel lists first.
const width = String(opts.players).length;
await Promise.all(
  [...players, frozen].map(async (p, i) => {
    const name = p === frozen ? "[sim] frozen member" : `[sim] player ${String(i + 1).padStart(width, "0")}`;
    const r = await p.gql(Q.register, { name });
    if (r.errors) throw new Error(`cannot name ${p.discordId}: ${r.errors[0].message}`);
  }),
);
const freeze = await staff.gql(Q.freeze, { user: frozen.discordId });
if (freeze.errors && freeze.errors[0].extensions?.code !== "FZ003") throw new Error(`could not freeze the test member: ${freeze.errors[0].message}`);

if (opts.funds > 0) {
  for (const p of players) {
    const r = await staff.gql(Q.adjust, { user: p.discordId, delta: String(opts.funds), reason: "simulation funding", key: `sim-fund-${randomUUID()}` });
    if (r.errors) throw new Error(`funding failed: ${r.errors[0].message}`);
  }
}

async function balances(): Promise<Map<string, bigint>> {
  const r = await staff.gql(Q.balances);
  if (r.errors) throw new Error(`cannot read balances: ${r.errors[0].message}`);
  return new Map(r.data!.users.nodes.map((u: { discordId: string; walletBalance: string }) => [u.discordId, BigInt(u.walletBalance)]));
}
const start = await balances();
const expected = new Map(players.map((p) => [p.discordId, start.get(p.discordId) ?? 0n]));

// --- the workload -----------------------------------------------------------------------------
type Outcome = { kind: string; accepted: boolean; code?: string; anomaly?: string };
const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];
const other = (p: Session) => {
  let q = pick(players);
  while (q === p) q = pick(players);
  return q;
};
const lastGive = new Map<Session, { to: string; amount: string; key: string; txId: string }>();

function refusal(kind: string, r: GqlResponse, allowed: string[]): Outcome {
  const code = r.errors?.[0]?.extensions?.code;
  if (!r.errors) return { kind, accepted: true, anomaly: `${kind} was accepted but must be refused (${allowed.join("/")})` };
  if (!code || !allowed.includes(code)) return { kind, accepted: false, code: code ?? "masked", anomaly: `${kind}: expected ${allowed.join("/")}, got ${code ?? r.errors[0].message}` };
  return { kind, accepted: false, code };
}

const operations: [number, () => Promise<Outcome>][] = [
  [40, async () => {
    const p = pick(players);
    const to = other(p);
    const amount = String(1 + Math.floor(Math.random() * 20));
    const key = randomUUID();
    const r = await p.gql(Q.give, { to: to.discordId, amount, key });
    const receipt = r.data?.give?.giveReceipt;
    if (receipt) {
      expected.set(p.discordId, expected.get(p.discordId)! - BigInt(amount));
      expected.set(to.discordId, expected.get(to.discordId)! + BigInt(amount));
      lastGive.set(p, { to: to.discordId, amount, key, txId: receipt.txId });
      return { kind: "give", accepted: true };
    }
    return refusal("give", r, ["RL001", "NF001"]);
  }],
  [10, async () => {
    const p = pick(players);
    const r = await p.gql(Q.claim, { key: randomUUID() });
    const claim = r.data?.claimDaily?.dailyClaim;
    if (claim) {
      expected.set(p.discordId, expected.get(p.discordId)! + BigInt(claim.amount));
      return { kind: "claim_daily", accepted: true };
    }
    return refusal("claim_daily", r, ["CD001"]);
  }],
  [10, async () => {
    const r = await pick(players).gql(Q.card);
    return r.data?.myCard ? { kind: "my_card", accepted: true } : { kind: "my_card", accepted: false, code: "masked", anomaly: `my_card failed: ${r.errors?.[0]?.message}` };
  }],
  [5, async () => {
    const p = pick(players);
    const last = lastGive.get(p);
    if (!last) return { kind: "replay", accepted: true };
    const r = await p.gql(Q.give, { to: last.to, amount: last.amount, key: last.key });
    const txId = r.data?.give?.giveReceipt?.txId;
    if (txId === last.txId) return { kind: "replay", accepted: true };
    return { kind: "replay", accepted: false, code: r.errors?.[0]?.extensions?.code ?? "masked", anomaly: `replay returned ${txId ?? r.errors?.[0]?.message}, expected ${last.txId}` };
  }],
  [5, async () => {
    const p = pick(players);
    const delta = (Math.random() < 0.7 ? 1n : -1n) * BigInt(1 + Math.floor(Math.random() * 50));
    const r = await staff.gql(Q.adjust, { user: p.discordId, delta: String(delta), reason: "simulation: staff adjustment", key: randomUUID() });
    if (r.data?.adminAdjust?.adminAction) {
      expected.set(p.discordId, expected.get(p.discordId)! + delta);
      return { kind: "admin_adjust", accepted: true };
    }
    return refusal("admin_adjust", r, ["NF001"]);
  }],
  [6, async () => {
    const p = pick(players);
    return refusal("overdraft", await p.gql(Q.give, { to: other(p).discordId, amount: "1000000000000", key: randomUUID() }), ["NF001", "RL001"]);
  }],
  [6, async () => {
    const p = pick(players);
    return refusal("self_give", await p.gql(Q.give, { to: p.discordId, amount: "5", key: randomUUID() }), ["TR001"]);
  }],
  [6, async () => {
    const p = pick(players);
    return refusal("give_to_frozen", await p.gql(Q.give, { to: frozen.discordId, amount: "5", key: randomUUID() }), ["FZ002", "RL001"]);
  }],
  [4, async () => {
    const p = pick(players);
    return refusal("bad_amount", await p.gql(Q.give, { to: other(p).discordId, amount: pick(["0", "-5"]), key: randomUUID() }), ["AM001"]);
  }],
  [3, async () => {
    return refusal("frozen_give", await frozen.gql(Q.give, { to: pick(players).discordId, amount: "1", key: randomUUID() }), ["FZ001"]);
  }],
  [3, async () => {
    return refusal("no_reason", await staff.gql(Q.adjust, { user: pick(players).discordId, delta: "10", reason: "x", key: randomUUID() }), ["RS001"]);
  }],
];
const totalWeight = operations.reduce((s, [w]) => s + w, 0);
function nextOperation(): () => Promise<Outcome> {
  let r = Math.random() * totalWeight;
  for (const [w, op] of operations) if ((r -= w) < 0) return op;
  return operations[0][1];
}

const latencies: number[] = [];
const byKind = new Map<string, { accepted: number; rejected: Map<string, number> }>();
const anomalies: string[] = [];
let sent = 0;
let done = 0;
let accepted = 0;
let rejected = 0;
let inFlight = 0;

async function fire(): Promise<void> {
  inFlight++;
  sent++;
  const t0 = performance.now();
  let outcome: Outcome;
  try {
    outcome = await nextOperation()();
  } catch (err) {
    outcome = { kind: "transport", accepted: false, code: "error", anomaly: `request failed: ${(err as Error).message}` };
  }
  latencies.push(performance.now() - t0);
  inFlight--;
  done++;
  const k = byKind.get(outcome.kind) ?? { accepted: 0, rejected: new Map() };
  if (outcome.accepted) {
    accepted++;
    k.accepted++;
  } else {
    rejected++;
    k.rejected.set(outcome.code ?? "?", (k.rejected.get(outcome.code ?? "?") ?? 0) + 1);
  }
  byKind.set(outcome.kind, k);
  if (outcome.anomaly && anomalies.length < 50) anomalies.push(outcome.anomaly);
}

function percentile(xs: number[], p: number): number {
  if (!xs.length) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const tty = process.stderr.isTTY;
const t0 = performance.now();
const endAt = t0 + opts.duration * 1000;
let lastProgress = 0;
function progress(final = false) {
  const elapsed = (performance.now() - t0) / 1000;
  const line = `[${elapsed.toFixed(0).padStart(4)}s/${opts.duration}s] sent ${sent}  ${(done / Math.max(elapsed, 0.001)).toFixed(1)} req/s  accepted ${accepted}  rejected ${rejected}  retries ${retried.attempts}  in flight ${inFlight}  p99 ${percentile(latencies.slice(-2000), 99).toFixed(1)} ms`;
  if (tty) process.stderr.write(`\r${line}${final ? "\n" : ""}`);
  else if (final || elapsed - lastProgress >= 5) {
    process.stderr.write(line + "\n");
    lastProgress = elapsed;
  }
}

// --- issue 12: the same give through SQL and over HTTP, interleaved -------------------------------
/** What one phase of {@link givesVsSql} measured. */
interface Phase {
  gives: number;
  seconds: number;
  latencies: number[];
  cpuSeconds?: number;
  requests?: number;
  /** CPU of this process (the HTTP load generator) per request, ms. */
  clientCpuMs?: number;
}

/** The server's `process_cpu_seconds_total` and answered requests (`http_requests_total`), from its /metrics. */
async function serverCounters(): Promise<{ cpu: number; requests: number } | undefined> {
  try {
    const res = await fetch(opts["metrics-url"] ?? `${baseUrl}/metrics`);
    if (!res.ok) return undefined;
    const text = await res.text();
    const sum = (name: string) =>
      text
        .split("\n")
        .filter((l) => l.startsWith(name + " ") || l.startsWith(name + "{"))
        .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
    return { cpu: sum("process_cpu_seconds_total"), requests: sum("http_requests_total") };
  } catch {
    return undefined;
  }
}

/** One SQL phase: `concurrency` connections each giving in a loop for `duration` seconds. */
async function sqlPhase(): Promise<Phase> {
  const pool = new pg.Pool({ connectionString: opts["database-url"], max: opts.concurrency });
  const clients = await Promise.all(Array.from({ length: opts.concurrency }, () => pool.connect()));
  let gives = 0;
  const lat: number[] = [];
  const started = performance.now();
  const end = started + opts.duration * 1000;
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < end) {
        const p = pick(players);
        const to = other(p);
        const amount = BigInt(1 + Math.floor(Math.random() * 20));
        const t = performance.now();
        try {
          await c.query("begin");
          await c.query("select set_config('role', 'coins_player', true), set_config('app.guild_id', $1, true), set_config('app.discord_id', $2, true)", [opts.guild, p.discordId]);
          await c.query({ name: "sim_give", text: "select * from app_public.give($1, $2, $3)", values: [to.discordId, amount.toString(), randomUUID()] });
          await c.query("commit");
          expected.set(p.discordId, expected.get(p.discordId)! - amount);
          expected.set(to.discordId, expected.get(to.discordId)! + amount);
          gives++;
          lat.push(performance.now() - t);
        } catch (err) {
          await c.query("rollback").catch(() => {});
          if (anomalies.length < 50) anomalies.push(`SQL give refused: ${(err as Error).message}`);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const c of clients) c.release();
  await pool.end();
  return { gives, seconds, latencies: lat };
}

/** One HTTP phase: `concurrency` callers each sending `give` mutations back to back for `duration` seconds. */
async function httpPhase(phaseSeconds = opts.duration): Promise<Phase> {
  let gives = 0;
  const lat: number[] = [];
  const before = await serverCounters();
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const end = started + phaseSeconds * 1000;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const outcome = await operations[0][1]();
        lat.push(performance.now() - t);
        if (outcome.accepted) gives++;
        else if (outcome.anomaly && anomalies.length < 50) anomalies.push(outcome.anomaly);
        else if (anomalies.length < 50) anomalies.push(`HTTP give refused: ${outcome.code}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const after = await serverCounters();
  return {
    clientCpuMs: (cpu.user + cpu.system) / 1000 / Math.max(lat.length, 1),
    gives,
    seconds,
    latencies: lat,
    cpuSeconds: before && after ? after.cpu - before.cpu : undefined,
    requests: before && after ? after.requests - before.requests : undefined,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** Runs the interleaved SQL/HTTP give phases and prints their figures. */
async function givesVsSql(): Promise<void> {
  const load = loadAverage;
  const rows: { sql: number; http: number; ratio: number; p50: number; p99: number; cpuMs?: number; clientMs: number; load: string }[] = [];
  // Warm-up, not counted: the server's JIT and connections (the SQL side has neither to warm).
  const warm = await httpPhase(Math.min(3, opts.duration));
  accepted += warm.gives;
  done += warm.latencies.length;
  for (let r = 1; r <= opts.repeat; r++) {
    const s = await sqlPhase();
    const h = await httpPhase();
    const row = {
      sql: s.gives / s.seconds,
      http: h.gives / h.seconds,
      ratio: s.gives ? h.gives / h.seconds / (s.gives / s.seconds) : 0,
      p50: percentile(h.latencies, 50),
      p99: percentile(h.latencies, 99),
      cpuMs: h.cpuSeconds !== undefined && h.requests ? (h.cpuSeconds * 1000) / h.requests : undefined,
      clientMs: h.clientCpuMs ?? 0,
      load: load(),
    };
    rows.push(row);
    done += h.latencies.length;
    for (const l of h.latencies) latencies.push(l);
    accepted += h.gives + s.gives;
    process.stderr.write(
      `repetition ${r}/${opts.repeat}: SQL ${row.sql.toFixed(1)} gives/s, HTTP ${row.http.toFixed(1)} gives/s, ratio ${row.ratio.toFixed(2)}, HTTP p50 ${row.p50.toFixed(1)} ms p99 ${row.p99.toFixed(1)} ms, Node CPU ${row.cpuMs?.toFixed(2) ?? "?"} ms/request (load generator ${row.clientMs.toFixed(2)}), load ${row.load}\n`,
    );
  }
  console.log("");
  console.log(`gives, SQL vs HTTP, ${opts.concurrency} clients, ${opts.duration} s per phase, ${opts.repeat} interleaved repetitions, ${opts.players} members, same database`);
  console.log("rep | SQL gives/s | HTTP gives/s | HTTP/SQL | HTTP p50 ms | HTTP p99 ms | Node CPU ms/request | client CPU ms/request | load average (1 5 15)");
  rows.forEach((x, i) =>
    console.log(
      `${String(i + 1).padStart(3)} | ${x.sql.toFixed(1).padStart(11)} | ${x.http.toFixed(1).padStart(12)} | ${x.ratio.toFixed(2).padStart(8)} | ${x.p50.toFixed(1).padStart(11)} | ${x.p99.toFixed(1).padStart(11)} | ${(x.cpuMs?.toFixed(2) ?? "?").padStart(19)} | ${x.clientMs.toFixed(2).padStart(21)} | ${x.load}`,
    ),
  );
  const cpus = rows.flatMap((x) => (x.cpuMs === undefined ? [] : [x.cpuMs]));
  console.log(
    `median | ${median(rows.map((x) => x.sql)).toFixed(1)} | ${median(rows.map((x) => x.http)).toFixed(1)} | ${median(rows.map((x) => x.ratio)).toFixed(2)} (target >= 0.60) | ${median(rows.map((x) => x.p50)).toFixed(1)} | ${median(rows.map((x) => x.p99)).toFixed(1)} (target < 100) | ${cpus.length ? median(cpus).toFixed(2) : "? (no /metrics)"} | ${median(rows.map((x) => x.clientMs)).toFixed(2)}`,
  );
}
/** The machine's load average (1, 5, 15 min), for the report. */
function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(1)).join(" ");
}

const pending = new Set<Promise<void>>();
while (!opts["gives-vs-sql"] && performance.now() < endAt) {
  const elapsed = (performance.now() - t0) / 1000;
  const due = opts.rate > 0 ? Math.floor(elapsed * opts.rate) + 1 : Infinity;
  while (sent < due && inFlight < opts.concurrency && performance.now() < endAt) {
    const p = fire();
    pending.add(p);
    p.finally(() => pending.delete(p));
  }
  progress();
  await new Promise((r) => setTimeout(r, opts.rate > 0 && opts.rate < 200 ? 5 : 1));
  if (inFlight >= opts.concurrency) await Promise.race(pending);
}
await Promise.all(pending);
if (opts["gives-vs-sql"]) await givesVsSql();
const wall = (performance.now() - t0) / 1000;
progress(true);

// --- verification -----------------------------------------------------------------------------
if (restoreGiveLimit !== undefined) await staff.gql(Q.limit, { g: opts.guild, n: restoreGiveLimit });
const verify = await staff.gql(Q.verify);
const violations = verify.errors ? [{ invariant: `verify_ledger failed: ${verify.errors[0].message}` }] : verify.data!.verifyLedger.nodes;
const end = await balances();
let drift = 0n;
const drifted: string[] = [];
for (const [id, want] of expected) {
  const got = end.get(id) ?? 0n;
  const d = got > want ? got - want : want - got;
  if (d) drifted.push(`${id}: expected ${want}, server ${got}`);
  drift += d;
}

console.log("");
console.log(
  `Simulation against ${baseUrl}, guild ${opts.guild}: ${opts.players} members, ${opts.rate || "max"} req/s target, ${opts.duration}s, concurrency ${opts.concurrency}` +
    (opts["give-limit"] ? `, give limit ${opts["give-limit"]} per window` : ""),
);
console.log(`requests: ${done} in ${wall.toFixed(1)}s = ${(done / wall).toFixed(1)} req/s (${((done / wall) * 60).toFixed(0)} tx/min)`);
console.log(`latency: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`);
console.log(`accepted: ${accepted}  rejected: ${rejected}`);
console.log(`retries: ${retried.attempts} (transient failures, 503 / DB001, repeated with the same idempotency key; ${retried.requests} request(s) needed one)`);
for (const [kind, k] of [...byKind].sort()) {
  const rej = [...k.rejected].map(([c, n]) => `${c}×${n}`).join(" ");
  console.log(`  ${kind.padEnd(14)} accepted ${String(k.accepted).padStart(6)}  rejected ${rej || "0"}`);
}
console.log(`ledger: ${violations.length === 0 ? "verify_ledger() clean" : `${violations.length} violation(s): ${JSON.stringify(violations.slice(0, 5))}`}`);
console.log(`drift: ${drift}`);
if (drifted.length) console.log("  " + drifted.slice(0, 10).join("\n  "));
if (anomalies.length) console.log(`unexpected answers (${anomalies.length}):\n  ` + anomalies.slice(0, 10).join("\n  "));
process.exit(drift === 0n && violations.length === 0 && anomalies.length === 0 ? 0 : 1);
