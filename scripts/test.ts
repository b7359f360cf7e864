/**
 * `npm test`: prepares a fresh test database (see testdb.ts), runs the pgTAP suite
 * (db/test/<domain>/*.sql) with pg_prove, then the vitest suites of every workspace against the same
 * database. Exits non-zero if anything fails or a prerequisite is missing.
 *
 * Arguments after `--` go to vitest (e.g. `npm test -- server/__tests__/graphql.test.ts`);
 * `--no-typecheck`, `--no-pgtap`, `--no-vitest` leave a stage out.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { ROOT_DIR } from "@guildbank/db";
import { prepareTestDatabase } from "./testdb.ts";

const args = process.argv.slice(2);
const runTypecheck = !args.includes("--no-typecheck");
const runPgTap = !args.includes("--no-pgtap");
const runVitest = !args.includes("--no-vitest");
const vitestArgs = args.filter((a) => !a.startsWith("--no-"));

function fail(message: string): never {
  console.error(`\nnpm test: ${message}`);
  process.exit(1);
}

if (runTypecheck) {
  const tsc = spawnSync(process.execPath, [path.join(ROOT_DIR, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json", "--noEmit"], {
    cwd: ROOT_DIR,
    stdio: "inherit",
  });
  if (tsc.status !== 0) fail("the TypeScript typecheck failed (see above).");
  // The panel (browser code: DOM types, JSX) has its own configuration.
  const panelTsc = spawnSync(process.execPath, [path.join(ROOT_DIR, "node_modules/typescript/bin/tsc"), "-p", "panel/tsconfig.json", "--noEmit"], {
    cwd: ROOT_DIR,
    stdio: "inherit",
  });
  if (panelTsc.status !== 0) fail("the panel's TypeScript typecheck failed (see above).");
  console.log("typecheck: ok");
}

if (runVitest) {
  // The end-to-end suite drives the built panel: build it (vite build into panel/dist).
  const build = spawnSync(process.execPath, [path.join(ROOT_DIR, "node_modules/vite/bin/vite.js"), "build", "panel", "--logLevel", "warn"], {
    cwd: ROOT_DIR,
    stdio: "inherit",
  });
  if (build.status !== 0) fail("the panel build (vite build) failed (see above).");
  console.log("panel build: ok");
}

const db = await prepareTestDatabase();
console.log(`test database ready (${db.source}): ${new URL(db.urls.root).host}${new URL(db.urls.root).pathname}`);
let exitCode = 0;

try {
  if (runPgTap) {
    const which = spawnSync("sh", ["-c", "command -v pg_prove"], { encoding: "utf8" });
    if (which.status !== 0) {
      fail("pg_prove is not installed. On Debian/Ubuntu: apt-get install postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl (.ci/run does this).");
    }
    const client = new pg.Client({ connectionString: db.urls.root });
    await client.connect();
    try {
      await client.query("create extension if not exists pgtap");
    } catch (err) {
      fail(`the pgTAP extension is not available on this PostgreSQL (${(err as Error).message}). Install postgresql-<version>-pgtap, or point TEST_DATABASE_URL at a server that has it.`);
    } finally {
      await client.end();
    }
    // One folder per domain (db/test/<domain>/*.sql), beside db/migrations/fixtures/<domain>/; lib/ holds helpers.
    const files = (readdirSync(path.join(ROOT_DIR, "db/test"), { recursive: true }) as string[])
      .filter((f) => f.endsWith(".sql") && !f.startsWith("lib"))
      .sort()
      .map((f) => path.join("db/test", f));
    if (files.length === 0) fail("no pgTAP files in db/test");
    const u = new URL(db.urls.root);
    const result = spawnSync(
      "pg_prove",
      ["--host", u.hostname, "--port", u.port || "5432", "--username", decodeURIComponent(u.username), "--dbname", u.pathname.slice(1), "--failures", ...files],
      { cwd: ROOT_DIR, stdio: "inherit", env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) } },
    );
    if (result.status !== 0) exitCode = 1;
  }

  if (runVitest) {
    // Run vitest on this process's Node (>= 22.18), whatever `node` the PATH holds.
    const result = spawnSync(process.execPath, [path.join(ROOT_DIR, "node_modules/vitest/vitest.mjs"), "run", ...vitestArgs], {
      cwd: ROOT_DIR,
      stdio: "inherit",
      env: {
        ...process.env,
        TEST_ROOT_URL: db.urls.root,
        TEST_OWNER_URL: db.urls.owner,
        TEST_AUTHENTICATOR_URL: db.urls.authenticator,
      },
    });
    if (result.status !== 0) exitCode = 1;
  }
} finally {
  await db.embedded?.stop();
}
process.exit(exitCode);
