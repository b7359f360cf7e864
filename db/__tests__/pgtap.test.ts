/**
 * The pgTAP suite (`db/test/**\/*.sql`, helpers in db/test/lib/ excluded): one vitest test per
 * file, each run through the pg client by scripts/pgtap-runner.ts (no psql, no pg_prove); a
 * failing file lists every failing assertion with pgTAP's diagnostics, or the SQL error and where.
 * They run on a copy of the freshly migrated test database (scripts/testdb.ts) that no other test
 * writes to: they count rows across guilds, as they did under pg_prove before the vitest files ran.
 */
import { globSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { runPgTapFile } from "../../scripts/pgtap-runner.ts";
import { dbUrls } from "../../server/__tests__/helpers.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const files = globSync("db/test/**/*.sql", { cwd: ROOT })
  .filter((f) => !f.split(path.sep).includes("lib"))
  .sort();

beforeAll(async () => {
  const client = new pg.Client({ connectionString: dbUrls().pgtap });
  await client.connect();
  try {
    await client.query("create extension if not exists pgtap");
  } catch (err) {
    throw new Error(`pgTAP is not available on the test server (${(err as Error).message}): npm test installs it into the embedded PostgreSQL; on TEST_DATABASE_URL install postgresql-<major>-pgtap there`);
  } finally {
    await client.end();
  }
});

describe("pgTAP", () => {
  it("finds the pgTAP files", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(file, async () => {
      const result = await runPgTapFile(path.join(ROOT, file), dbUrls().pgtap, ROOT);
      if (!result.ok) {
        expect.fail(`${file}: ${result.pass}/${result.plan ?? "?"} passed\n${result.problems.join("\n")}`);
      }
      expect(result.count).toBe(result.plan);
    }, 300_000);
  }
});
