import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { createGuild, dbUrls, startTestServer, superuserPool } from "../../server/__tests__/helpers.ts";

const run = promisify(execFile);
const script = path.resolve(import.meta.dirname, "../simulate.ts");

let server: Awaited<ReturnType<typeof startTestServer>>;
let db: pg.Pool;

beforeAll(async () => {
  db = superuserPool();
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  await db?.end();
});

describe("npm run simulate", () => {
  it("drives the API with valid and invalid requests and reports zero drift", async () => {
    const { guildId } = await createGuild(db, 0);
    const { stdout, stderr } = await run(process.execPath, [script, "--url", server.url, "--guild", guildId, "--players", "6", "--rate", "40", "--duration", "4"], {
      timeout: 60_000,
    });
    expect(stderr).toMatch(/sent \d+/);
    expect(stdout).toMatch(/^requests: \d+ in [\d.]+s = [\d.]+ req\/s/m);
    expect(stdout).toMatch(/^ledger: verify_ledger\(\) clean$/m);
    expect(stdout).toMatch(/^drift: 0$/m);
    expect(stdout).not.toMatch(/unexpected answers/);
    const accepted = Number(/^accepted: (\d+)/m.exec(stdout)![1]);
    const rejected = Number(/rejected: (\d+)$/m.exec(stdout)![1]);
    expect(accepted).toBeGreaterThan(10);
    expect(rejected).toBeGreaterThan(5);
    const { rows } = await db.query("select * from app_public.verify_ledger($1)", [guildId]);
    expect(rows).toEqual([]);
    // Every simulated member has a name with the [sim] marker (none is nameless at the top of the panel's list).
    const names = await db.query<{ display_name: string }>("select display_name from app_public.users where guild_id = $1 order by discord_id", [guildId]);
    expect(names.rows.length).toBe(7);
    expect(names.rows.map((r) => r.display_name)).toEqual(["[sim] frozen member", ...[1, 2, 3, 4, 5, 6].map((i) => `[sim] player ${i}`)]);
  });

  it("retries transient failures (503 / DB001) with the same idempotency key and reports them; still zero drift", async () => {
    // A server of its own whose pool connections are recognisable, so only they are terminated.
    const url = new URL(dbUrls().authenticator);
    url.searchParams.set("application_name", "guildbank-simulate-disrupted");
    const disrupted = await startTestServer({ DATABASE_URL: url.toString() });
    try {
      const { guildId } = await createGuild(db, 0);
      const child = run(process.execPath, [script, "--url", disrupted.url, "--guild", guildId, "--players", "6", "--rate", "40", "--duration", "6"], { timeout: 120_000 });
      let finished = false;
      void child.finally(() => (finished = true)).catch(() => {});
      let terminated = 0;
      // Terminate the server's connections while they are inside a give (never anybody else's). A
      // connection seen busy in pg_stat_activity may be idle by the time it is terminated (a give takes
      // about a millisecond), and killing an idle pooled connection fails no request: so hold the guild's
      // account rows locked until some of the server's gives wait on them, and terminate those.
      const blocker = await db.connect();
      try {
        while (!finished && terminated < 12) {
          await new Promise((resolve) => setTimeout(resolve, 300));
          await blocker.query("begin");
          await blocker.query("select 1 from app_public.accounts where guild_id = $1 for update", [guildId]);
          let waiting: number[] = [];
          for (let i = 0; i < 40 && !finished && waiting.length === 0; i++) {
            await new Promise((resolve) => setTimeout(resolve, 50));
            const { rows } = await blocker.query<{ pid: number }>(
              "select pid from pg_stat_activity where application_name = 'guildbank-simulate-disrupted' and datname = current_database() and wait_event_type = 'Lock'",
            );
            waiting = rows.map((r) => r.pid);
          }
          if (waiting.length > 0) {
            const { rows } = await blocker.query<{ killed: boolean }>("select pg_terminate_backend(p) as killed from unnest($1::int[]) p", [waiting]);
            terminated += rows.filter((r) => r.killed).length;
          }
          await blocker.query("rollback");
        }
      } finally {
        blocker.release();
      }
      const { stdout } = await child;
      expect(terminated).toBeGreaterThan(0);
      const retries = Number(/^retries: (\d+) /m.exec(stdout)![1]);
      expect(retries).toBeGreaterThan(0);
      expect(stdout).toMatch(/^ledger: verify_ledger\(\) clean$/m);
      expect(stdout).toMatch(/^drift: 0$/m);
      expect(stdout).not.toMatch(/unexpected answers/);
      const { rows } = await db.query("select * from app_public.verify_ledger($1)", [guildId]);
      expect(rows).toEqual([]);
      console.log(`simulate under disruption: ${terminated} backends terminated, ${stdout.match(/^retries: .*$/m)![0]}`);
    } finally {
      await disrupted.close();
    }
  }, 180_000);

  it("fails with exit code 2 and names a bad argument", async () => {
    await expect(run(process.execPath, [script, "--players", "one"])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--players"),
    });
  });
});
