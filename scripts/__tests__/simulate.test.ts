import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { createGuild, startTestServer, superuserPool } from "../../server/__tests__/helpers.ts";

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
  });

  it("fails with exit code 2 and names a bad argument", async () => {
    await expect(run(process.execPath, [script, "--players", "one"])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--players"),
    });
  });
});
