/**
 * scripts/backup and scripts/restore, end to end against the test database: a workload through
 * the real rules (SQL rule functions and the simulator over HTTP), a dump, a restore into a new
 * database, and the proof that it is the same economy: verify_ledger() clean, identical checksums
 * of every account and every transfer, identical row counts of every table, and the application
 * roles (and the real server) working on the restored database. Then retention, push, failures.
 *
 * The test database is shared with other test files running at the same time, so the source's
 * state is read inside an exported snapshot that pg_dump also uses (`-- --snapshot=...`): the
 * comparison is exact even while other files write.
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withUrl } from "@guildbank/db";
import { createLogger, createPool } from "@guildbank/lib";
import { loadServerConfig, startServer } from "../../server/src/index.ts";
import { ApiClient, createGuild, dbUrls, startTestServer, superuserPool } from "../../server/__tests__/helpers.ts";
import { clientToolsFor } from "./pg-client-tools.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BACKUP = path.join(ROOT, "scripts/backup");
const RESTORE = path.join(ROOT, "scripts/restore");
const SIMULATE = path.join(ROOT, "scripts/simulate.ts");
const DUMP_NAME = /^guildbank_\d{4}-\d{2}-\d{2}_\d{6}\.dump$/;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of the scripts: no stray libpq or application connection settings. */
function scriptEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^PG/.test(k) || /DATABASE_URL|_PASSWORD/.test(k) || k.startsWith("BACKUP_")) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Runs a script with bash; never rejects. */
function runScript(script: string, args: string[], extra: Record<string, string> = {}, timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [script, ...args], { env: scriptEnv(extra), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What must be identical between the source and the restored database. */
interface State {
  accounts: string;
  transfers: string;
  counts: Record<string, number>;
  violations: number;
}

const ACCOUNTS_MD5 = `select md5(coalesce(string_agg(format('%s|%s|%s|%s|%s|%s', id, guild_id, kind, balance, credits_posted, debits_posted), ',' order by id), '')) as md5
  from app_public.accounts`;
const TRANSFERS_MD5 = `select md5(coalesce(string_agg(format('%s|%s|%s|%s|%s|%s', id, debit_account_id, credit_account_id, amount, status, pending_id), ',' order by id), '')) as md5
  from app_public.transfers`;

/** Checksums, verify_ledger() and the row count of every table of the application's schemas. */
async function readState(c: pg.ClientBase): Promise<State> {
  const accounts = (await c.query(ACCOUNTS_MD5)).rows[0].md5 as string;
  const transfers = (await c.query(TRANSFERS_MD5)).rows[0].md5 as string;
  const { rows: tables } = await c.query(
    `select format('%I.%I', schemaname, tablename) as t from pg_tables
      where schemaname in ('app_public', 'app_private', 'app_hidden', 'graphile_worker', 'graphile_migrate') order by 1`,
  );
  const counts: Record<string, number> = {};
  for (const { t } of tables) counts[t] = Number((await c.query(`select count(*) as n from ${t}`)).rows[0].n);
  const violations = Number((await c.query("select count(*) as n from app_public.verify_ledger()")).rows[0].n);
  return { accounts, transfers, counts, violations };
}

/** A workload through the real rules, as superuser: claims, gives, shop and market orders, staff adjustments. */
async function ruleWorkload(db: pg.Pool): Promise<{ guildId: string; members: { id: string; discordId: string }[] }> {
  const { guildId } = await createGuild(db, 6, 1000);
  const staff = (BigInt(guildId) + 900n).toString();
  const members = (
    await db.query("select id::text, discord_id::text as \"discordId\" from app_public.users where guild_id = $1 order by discord_id", [guildId])
  ).rows as { id: string; discordId: string }[];
  const key = () => randomUUID();
  await db.query(
    `insert into app_public.rewards (guild_id, sku, name, category, price, stock)
     values ($1, 'gem', 'Gem', 'cosmetic', 50, 100), ($1, 'scroll', 'Scroll', 'voucher', 20, null)`,
    [guildId],
  );
  // Daily claims on three consecutive (back-dated) days: streaks and mint transfers.
  for (const days of [3, 2, 1]) {
    for (const m of members) {
      await db.query("select app_private.claim_daily_for($1, $2, now() - make_interval(days => $3))", [m.id, key(), days]);
    }
  }
  // Gives, spaced out so the rate limit never trips.
  for (let i = 0; i < 24; i++) {
    const from = members[i % members.length];
    const to = members[(i + 1 + (i % 4)) % members.length];
    await db.query("select app_private.give_from($1, $2, $3, $4, now() - interval '3 hours' + make_interval(mins => $5))", [
      from.id,
      to.discordId,
      5 + i,
      key(),
      i * 5,
    ]);
  }
  // Staff adjustments, both ways.
  await db.query("select app_private.admin_adjust_by($1, 'ADMIN', $2, 75, 'backup test: bonus', $3)", [staff, members[3].id, key()]);
  await db.query("select app_private.admin_adjust_by($1, 'ADMIN', $2, -30, 'backup test: correction', $3)", [staff, members[4].id, key()]);
  // Shop: two fulfilled, one refunded, one left pending (a hold in escrow).
  const buy = async (m: { id: string }, sku: string, qty: number) =>
    (await db.query("select order_id from app_private.buy_reward_for($1, $2, $3, $4)", [m.id, sku, qty, key()])).rows[0].order_id as string;
  const fulfil = (order: string) => db.query("select app_private.fulfil_order_core($1, $2, 'backup test: fulfilled')", [order, staff]);
  const refund = (order: string) => db.query("select app_private.refund_order_core($1, 'refunded', $2, 'backup test: refunded')", [order, staff]);
  await fulfil(await buy(members[0], "gem", 3));
  await fulfil(await buy(members[1], "scroll", 1));
  await refund(await buy(members[2], "gem", 1));
  await buy(members[3], "gem", 1);
  // Marketplace: member 0 lists two gems; one sale fulfilled (net to the seller, fee to the guild), one refunded.
  const listing = (await db.query("select listing_id from app_private.create_listing_for($1, 'gem', 2, 60, 72, 1, null, $2)", [members[0].id, key()])).rows[0]
    .listing_id as string;
  const buyListing = async (m: { id: string }) =>
    (await db.query("select order_id from app_private.buy_listing_for($1, $2, 1, $3)", [m.id, listing, key()])).rows[0].order_id as string;
  await fulfil(await buyListing(members[1]));
  await refund(await buyListing(members[2]));
  return { guildId, members };
}

let db: pg.Pool;
let work: string;
let dumpFile: string;
let dumpRun: Run;
let restoreRun: Run;
let source: State;
let restored: State;
let guild: Awaited<ReturnType<typeof ruleWorkload>>;
let sourceBalance: number;
const restoredDb = `guildbank_restored_${randomBytes(4).toString("hex")}`;
const scratchDbs = [restoredDb, `${restoredDb}_bad`];
const dummyPassword = `pw-${randomBytes(6).toString("hex")}`;

/** The test database's superuser URL, with a password (the real one, else a dummy one trust auth ignores). */
function rootUrlWithPassword(): { url: string; password: string } {
  const u = new URL(dbUrls().root);
  if (!u.password) u.password = dummyPassword;
  return { url: u.toString(), password: decodeURIComponent(u.password) };
}

// pg_dump and pg_restore of at least the server's major: the embedded PostgreSQL 17 ships none, so
// without the machine's (matching) client tools these tests are skipped, saying why.
const tools = await clientToolsFor(dbUrls().root);
if ("missing" in tools) console.warn(`scripts/backup and scripts/restore tests skipped: they ${tools.missing}`);

beforeAll(async () => {
  if ("missing" in tools) return;
  db = superuserPool();
  work = mkdtempSync(path.join(tmpdir(), "guildbank-backup-test-"));

  // 1. The workload: the rules directly, and the simulator through the HTTP API.
  guild = await ruleWorkload(db);
  const simGuild = await createGuild(db, 0);
  const server = await startTestServer();
  try {
    const sim = await promisify(execFile)(process.execPath, [SIMULATE, "--url", server.url, "--guild", simGuild.guildId, "--players", "5", "--rate", "40", "--duration", "3"], {
      timeout: 60_000,
    });
    expect(sim.stdout).toMatch(/^ledger: verify_ledger\(\) clean$/m);
  } finally {
    await server.close();
  }

  // 2. The source's state inside an exported snapshot, and a dump of that very snapshot.
  const snap = new pg.Client({ connectionString: dbUrls().root });
  await snap.connect();
  try {
    await snap.query("begin isolation level repeatable read");
    const snapshot = (await snap.query("select pg_export_snapshot() as s")).rows[0].s as string;
    source = await readState(snap);
    sourceBalance = Number(
      (await snap.query("select balance from app_public.accounts where user_id = $1 and kind = 'wallet'", [guild.members[0].id])).rows[0].balance,
    );
    const dumps = path.join(work, "dumps");
    dumpRun = await runScript(BACKUP, [rootUrlWithPassword().url, "--", `--snapshot=${snapshot}`], { BACKUP_DIR: dumps });
    if (dumpRun.code !== 0) throw new Error(`backup failed (${dumpRun.code}): ${dumpRun.stderr}`);
    dumpFile = path.join(dumps, readdirSync(dumps).find((f) => DUMP_NAME.test(f))!);
  } finally {
    await snap.query("commit").catch(() => {});
    await snap.end();
  }

  // 3. Restore into a new database and read the same state there.
  restoreRun = await runScript(RESTORE, [dumpFile, restoredDb], { ROOT_DATABASE_URL: rootUrlWithPassword().url });
  if (restoreRun.code !== 0) throw new Error(`restore failed (${restoreRun.code}): ${restoreRun.stdout}\n${restoreRun.stderr}`);
  const r = new pg.Client({ connectionString: withUrl(dbUrls().root, { database: restoredDb }) });
  await r.connect();
  try {
    restored = await readState(r);
  } finally {
    await r.end();
  }
}, 300_000);

afterAll(async () => {
  for (const name of scratchDbs) await db?.query(`drop database if exists ${name} with (force)`).catch(() => {});
  await db?.end();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf("missing" in tools)("scripts/backup", () => {
  it("writes one verified custom-format dump named guildbank_YYYY-MM-DD_HHMMSS.dump (UTC), private, no temporary file left", () => {
    const files = readdirSync(path.dirname(dumpFile));
    expect(files).toEqual([path.basename(dumpFile)]);
    expect(path.basename(dumpFile)).toMatch(DUMP_NAME);
    const stamp = /_(\d{4}-\d{2}-\d{2})_(\d{2})(\d{2})(\d{2})\.dump$/.exec(dumpFile)!;
    const at = Date.parse(`${stamp[1]}T${stamp[2]}:${stamp[3]}:${stamp[4]}Z`);
    expect(Math.abs(Date.now() - at)).toBeLessThan(10 * 60_000);
    expect(statSync(dumpFile).mode & 0o077).toBe(0);
    expect(readFileSync(dumpFile).subarray(0, 5).toString()).toBe("PGDMP");
    expect(dumpRun.stdout).toMatch(/pg_restore --list and a full read: ok/);
    expect(dumpRun.stdout).toMatch(/backup complete/);
  });

  it("never prints the password", () => {
    const { password } = rootUrlWithPassword();
    for (const out of [dumpRun.stdout, dumpRun.stderr, restoreRun.stdout, restoreRun.stderr]) expect(out).not.toContain(password);
  });

  it("fails with a clear message and leaves no file on a bad connection or a failing pg_dump", async () => {
    const dir = path.join(work, "bad");
    const refused = await runScript(BACKUP, [`postgres://postgres:${dummyPassword}@127.0.0.1:1/guildbank`], { BACKUP_DIR: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot connect to postgres:\/\/postgres@127\.0\.0\.1:1\/guildbank/);
    expect(refused.stdout + refused.stderr).not.toContain(dummyPassword);
    const env = await runScript(BACKUP, [], { BACKUP_DIR: dir, PGHOST: "127.0.0.1", PGPORT: "1", PGUSER: "postgres", PGDATABASE: "guildbank" });
    expect(env.code).toBe(1);
    expect(env.stderr).toMatch(/cannot connect/);
    const noSecret = await runScript(BACKUP, [dbUrls().root], { BACKUP_DIR: dir, PGPASSWORD_FILE: path.join(work, "missing-secret") });
    expect(noSecret.code).toBe(1);
    expect(noSecret.stderr).toMatch(/PGPASSWORD_FILE: cannot read/);
    const authenticator = await runScript(BACKUP, [], { BACKUP_DIR: dir, BACKUP_DATABASE_URL: dbUrls().authenticator, DATABASE_URL: dbUrls().root });
    expect(authenticator.code).toBe(1);
    expect(authenticator.stderr).toMatch(/as guildbank_authenticator, which may read nothing/);
    // Connected, then pg_dump itself fails: the temporary file goes too.
    const dumpFails = await runScript(BACKUP, [dbUrls().root, "--", "--table=no_such_table_anywhere"], { BACKUP_DIR: dir });
    expect(dumpFails.code).toBe(1);
    expect(dumpFails.stderr).toMatch(/pg_dump failed/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("retention deletes dumps older than BACKUP_RETENTION_DAYS, never the newest, nothing it did not write", async () => {
    const dir = path.join(work, "retention");
    const touch = (name: string, ago: string) => {
      writeFileSync(path.join(dir, name), "old");
      return promisify(execFile)("touch", ["-d", ago, path.join(dir, name)]);
    };
    await promisify(execFile)("mkdir", ["-p", dir]);
    await touch("guildbank_2020-01-01_010000.dump", "40 days ago");
    await touch("guildbank_2020-01-20_010000.dump", "15 days ago");
    await touch("guildbank_2020-02-01_010000.dump", "3 days ago");
    await touch("guildbank_before-migration.dump", "90 days ago"); // not a scripts/backup name: kept
    await touch(".guildbank_2020-01-01_010000.dump.partial.123", "2 days ago"); // a killed run's leftover
    const run = await runScript(BACKUP, [dbUrls().root, "--dir", dir], { BACKUP_RETENTION_DAYS: "14" });
    expect(run.code, run.stderr).toBe(0);
    const left = readdirSync(dir).sort();
    const fresh = left.filter((f) => DUMP_NAME.test(f) && !f.startsWith("guildbank_2020"));
    expect(fresh).toHaveLength(1);
    expect(left).toEqual(["guildbank_2020-02-01_010000.dump", "guildbank_before-migration.dump", fresh[0]].sort());
    expect(run.stdout).toMatch(/retention: deleted guildbank_2020-01-01_010000\.dump/);
    expect(run.stdout).toMatch(/retention: 14 days, deleted 2, 2 dump\(s\) kept/);

    // With a 1-day retention everything but the newest (the fresh dump) goes.
    const again = await runScript(BACKUP, [dbUrls().root, "--dir", dir, "--retention-days", "1"]);
    expect(again.code, again.stderr).toBe(0);
    const after = readdirSync(dir).filter((f) => DUMP_NAME.test(f));
    expect(after.every((f) => !f.startsWith("guildbank_2020"))).toBe(true);
    expect(after.length).toBeGreaterThanOrEqual(1);
  });

  it("runs BACKUP_PUSH_COMMAND with the dump's path, without the database password", async () => {
    const dir = path.join(work, "push-src");
    const pushed = path.join(work, "push-dst");
    await promisify(execFile)("mkdir", ["-p", pushed]);
    const run = await runScript(BACKUP, [rootUrlWithPassword().url, "--dir", dir], {
      BACKUP_PUSH_COMMAND: `cp "$1" "${pushed}/" && env > "${pushed}/env.txt"`,
    });
    expect(run.code, run.stderr).toBe(0);
    const dump = readdirSync(dir).find((f) => DUMP_NAME.test(f))!;
    expect(readFileSync(path.join(pushed, dump)).equals(readFileSync(path.join(dir, dump)))).toBe(true);
    const env = readFileSync(path.join(pushed, "env.txt"), "utf8");
    expect(env).toContain(`BACKUP_FILE=${path.join(dir, dump)}`);
    expect(env).not.toMatch(/^PGPASSWORD=/m);
    expect(env).not.toContain(rootUrlWithPassword().password);

    const failing = await runScript(BACKUP, [dbUrls().root, "--dir", dir], { BACKUP_PUSH_COMMAND: "exit 7" });
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/push: BACKUP_PUSH_COMMAND failed \(the dump is kept at /);
  });

  it("--loop waits for the next HH:MM UTC and stops cleanly on SIGTERM", async () => {
    const at = new Date(Date.now() + 3 * 60_000);
    const hhmm = `${String(at.getUTCHours()).padStart(2, "0")}:${String(at.getUTCMinutes()).padStart(2, "0")}`;
    const child = spawn("bash", [BACKUP, "--loop", hhmm, "--dir", path.join(work, "loop")], { env: scriptEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const deadline = Date.now() + 10_000;
    while (!/next backup at/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const m = /next backup at (\S+) \(in (\d+) s\)/.exec(out);
    expect(m, out).not.toBeNull();
    expect(m![1]).toBe(`${at.toISOString().slice(0, 16)}:00Z`);
    expect(Number(m![2])).toBeGreaterThan(60);
    expect(Number(m![2])).toBeLessThanOrEqual(180);
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out).toMatch(/stopping \(signal\)/);
  });

  it("answers --help and refuses bad arguments with exit code 2", async () => {
    for (const script of [BACKUP, RESTORE]) {
      const help = await runScript(script, ["--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: scripts\//);
    }
    expect((await runScript(BACKUP, ["--loop", "24:00"])).code).toBe(2);
    expect((await runScript(BACKUP, ["--retention-days", "two"])).code).toBe(2);
    expect((await runScript(RESTORE, [dumpFile])).code).toBe(2);
    expect((await runScript(RESTORE, [dumpFile, "Bad-Name"])).code).toBe(2);
  });
});

describe.skipIf("missing" in tools)("scripts/restore", () => {
  it("restores the same economy: verify_ledger() clean, identical checksums and row counts", () => {
    console.log(
      [
        `source   (${new URL(dbUrls().root).pathname.slice(1)}, snapshot): accounts ${source.accounts}  transfers ${source.transfers}`,
        `restored (${restoredDb}): accounts ${restored.accounts}  transfers ${restored.transfers}`,
        `rows: ${Object.entries(restored.counts)
          .filter(([, n]) => n > 0)
          .map(([t, n]) => `${t.replace(/^app_public\./, "")} ${n}`)
          .join(", ")}`,
        `verify_ledger(): source ${source.violations}, restored ${restored.violations} violation(s)`,
      ].join("\n"),
    );
    expect(restored.violations).toBe(0);
    expect(restored.accounts).toBe(source.accounts);
    expect(restored.transfers).toBe(source.transfers);
    expect(restored.counts).toEqual(source.counts);
    expect(source.counts["app_public.transfers"]).toBeGreaterThanOrEqual(60); // 62 from the rules workload alone
    expect(source.counts["app_public.orders"]).toBeGreaterThanOrEqual(6);
    // The script's own report says the same.
    expect(restoreRun.stdout).toContain(`ledger checksum: accounts ${source.accounts}, transfers ${source.transfers}`);
    expect(restoreRun.stdout).toMatch(/verify_ledger\(\): 0 violations/);
    expect(restoreRun.stdout).toMatch(/roles and database grants: ok \(.*db\/migrations\/afterReset\.sql\)/);
  });

  it("keeps owners and grants: the application roles work on the restored database as is", async () => {
    const { guildId, members } = guild;
    // The authenticator logs in (database CONNECT grant) and takes the player role with claims.
    const app = new pg.Client({ connectionString: withUrl(dbUrls().authenticator, { database: restoredDb }) });
    await app.connect();
    try {
      await app.query("begin");
      await app.query("set local role coins_player");
      await app.query("select set_config('app.guild_id', $1, true), set_config('app.discord_id', $2, true)", [guildId, members[0].discordId]);
      const card = (await app.query("select * from app_public.my_card()")).rows[0];
      expect(Number(card.balance)).toBe(sourceBalance);
      await expect(app.query("select * from app_private.sessions")).rejects.toThrow(/permission denied/);
      await app.query("rollback");
    } finally {
      await app.end();
    }
    // Owner: the tables are its own.
    const owner = new pg.Client({ connectionString: withUrl(dbUrls().owner, { database: restoredDb }) });
    await owner.connect();
    try {
      const { rows } = await owner.query("select count(*)::int as n from pg_tables where schemaname like 'app_%' and tableowner <> 'guildbank_owner'");
      expect(rows[0].n).toBe(0);
    } finally {
      await owner.end();
    }
    // The real server on the restored database: a dev login, a GraphQL call, a staff ledger check.
    const config = loadServerConfig({
      NODE_ENV: "test",
      DATABASE_URL: withUrl(dbUrls().authenticator, { database: restoredDb }),
      PORT: "0",
      DEV_LOGIN: "true",
      LOG_LEVEL: "silent",
    });
    const pool = createPool(config.DATABASE_URL, 5);
    const server = await startServer(config, pool, createLogger("backup-test", "silent"));
    try {
      const player = new ApiClient(server.url);
      expect((await player.login({ guildId, discordId: members[0].discordId, kind: "player" })).status).toBe(200);
      const card = await player.gql<{ myCard: { balance: string } }>("{ myCard { balance } }");
      expect(card.errors).toBeUndefined();
      expect(Number(card.data!.myCard.balance)).toBe(sourceBalance);
      const staff = new ApiClient(server.url);
      expect((await staff.login({ guildId, discordId: (BigInt(guildId) + 900n).toString(), kind: "staff", staffRole: "ADMIN" })).status).toBe(200);
      const verify = await staff.gql<{ verifyLedger: { nodes: unknown[] } }>("{ verifyLedger { nodes { invariant } } }");
      expect(verify.errors).toBeUndefined();
      expect(verify.data!.verifyLedger.nodes).toEqual([]);
    } finally {
      await server.close();
      await pool.end().catch(() => {});
    }
  });

  it("refuses to restore over a non-empty database without --force, and replaces it with --force", async () => {
    const refused = await runScript(RESTORE, [dumpFile, restoredDb], { ROOT_DATABASE_URL: dbUrls().root });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already exists and is not empty.*--force/);
    const forced = await runScript(RESTORE, ["--force", dumpFile, restoredDb], { ROOT_DATABASE_URL: dbUrls().root });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/--force: dropping the existing database/);
    expect(forced.stdout).toContain(`ledger checksum: accounts ${source.accounts}, transfers ${source.transfers}`);
  });

  it("a failed restore (truncated dump) exits non-zero and leaves no database behind", async () => {
    const truncated = path.join(work, "truncated.dump");
    const bytes = readFileSync(dumpFile);
    // Cut inside the last data block (the archive ends with table data): a cut by percentage reached
    // the table of contents once the schema grew, and pg_restore --list refused the file before any restore.
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 64));
    const run = await runScript(RESTORE, [truncated, `${restoredDb}_bad`], { ROOT_DATABASE_URL: dbUrls().root });
    expect(run.code).toBe(1);
    // The table of contents is whole (pg_restore --list passes), the data is not: pg_restore fails
    // half-way, in one transaction, and the script drops the database it created.
    expect(run.stdout).toMatch(/created database/);
    expect(run.stderr).toMatch(/pg_restore failed: .*could not read from input file/);
    expect(run.stdout).toMatch(/dropped the incomplete database/);
    const { rowCount } = await db.query("select 1 from pg_database where datname = $1", [`${restoredDb}_bad`]);
    expect(rowCount).toBe(0);
  });

  it("keeps its built-in role SQL in step with db/migrations/afterReset.sql", () => {
    const normalise = (sql: string) =>
      sql
        .split("\n")
        .filter((l) => !/^\s*--/.test(l))
        .join(" ")
        .replace(/\s+/g, " ")
        .trim();
    const script = readFileSync(RESTORE, "utf8");
    const builtin = /BUILTIN_ROLES_SQL=\$\(cat <<'SQL'\n([\s\S]*?)\nSQL\n\)/.exec(script)![1];
    expect(normalise(builtin)).toBe(normalise(readFileSync(path.join(ROOT, "db/migrations/afterReset.sql"), "utf8")));
    expect(existsSync(BACKUP) && (statSync(BACKUP).mode & 0o111) !== 0).toBe(true);
    expect((statSync(RESTORE).mode & 0o111) !== 0).toBe(true);
  });
});
