/**
 * `npm test`: checks every prerequisite first (a few seconds, one line each), then the typecheck
 * and the panel build, a fresh test database (TEST_DATABASE_URL, else an embedded PostgreSQL 17
 * under .data/, see testdb.ts; the pgTAP files get a copy of it to themselves), and the vitest
 * suites of every workspace against it, the pgTAP files (db/test/<domain>/*.sql) included
 * (db/__tests__/pgtap.test.ts: one test per file, no psql or pg_prove). Exits
 * non-zero if anything fails or a prerequisite is missing. Needs nothing but Node and npm.
 *
 * Arguments after `--` go to vitest (e.g. `npm test -- server/__tests__/graphql.test.ts`);
 * `--no-typecheck`, `--no-pgtap`, `--no-vitest` leave a stage out; `--screenshots=DIR` saves the
 * end-to-end suite's screenshots there (default test-results/screenshots, git-ignored).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { userInfo } from "node:os";
import pg from "pg";
import { ROOT_DIR, canConnect, embeddedBinaries, unreachableParent } from "@guildbank/db";
import { chromiumVersion, resolveChromium } from "./chromium.ts";
import { installPgTap } from "./pgtap.ts";
import { prepareTestDatabase } from "./testdb.ts";

const args = process.argv.slice(2);
const runTypecheck = !args.includes("--no-typecheck");
const runPgTap = !args.includes("--no-pgtap");
const runVitest = !args.includes("--no-vitest");
const screenshots = args.find((a) => a.startsWith("--screenshots="))?.slice("--screenshots=".length);
const vitestArgs = args.filter((a) => !a.startsWith("--no-") && !a.startsWith("--screenshots=") && a !== "--");
const started = Date.now();

function fail(message: string): never {
  console.error(`\nnpm test: ${message}`);
  process.exit(1);
}

/** Runs a command without blocking this process (the typecheck and the build run beside the database setup). */
function run(file: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(file, argv, { cwd: ROOT_DIR, stdio: "inherit", env });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on("error", () => resolve(1));
  });
}

// ------------------------------------------------------------------ prerequisites, first
const problems: string[] = [];
const check = async (what: string, fn: () => Promise<string | undefined> | string | undefined) => {
  try {
    const note = await fn();
    console.log(`prerequisite ok: ${what}${note ? ` (${note})` : ""}`);
  } catch (err) {
    problems.push(`${what}: ${(err as Error).message}`);
  }
};

await check("Node >= 22.18", () => {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 22 || (major === 22 && minor < 18)) {
    throw new Error(`this is Node ${process.versions.node}; run through npm (npm test uses the project's Node 24 from node_modules/.bin) after npm install`);
  }
  return process.versions.node;
});
await check("dependencies installed", () => {
  for (const p of ["node_modules/vitest/vitest.mjs", "node_modules/typescript/bin/tsc", "node_modules/vite/bin/vite.js", "node_modules/tap-parser"]) {
    if (!existsSync(path.join(ROOT_DIR, p))) throw new Error(`${p} is missing: run npm install (or npm ci)`);
  }
  return undefined;
});
const testUrl = process.env.TEST_DATABASE_URL;
if (testUrl) {
  await check("PostgreSQL at TEST_DATABASE_URL", async () => {
    if (!(await canConnect(testUrl, 5000))) throw new Error(`cannot connect to ${new URL(testUrl).host} as ${new URL(testUrl).username || "(default user)"}; unset TEST_DATABASE_URL to use the embedded PostgreSQL`);
    if (!runPgTap) return new URL(testUrl).host;
    const client = new pg.Client({ connectionString: testUrl });
    await client.connect();
    try {
      const { rows } = await client.query("select current_setting('server_version') as v, exists (select 1 from pg_available_extensions where name = 'pgtap') as pgtap");
      if (!rows[0].pgtap) throw new Error(`pgTAP is not installed on that server (PostgreSQL ${rows[0].v}): install postgresql-<major>-pgtap there, unset TEST_DATABASE_URL, or pass --no-pgtap`);
      return `PostgreSQL ${rows[0].v} with pgTAP`;
    } finally {
      await client.end();
    }
  });
} else {
  await check("embedded PostgreSQL", async () => {
    const bins = await embeddedBinaries();
    if (!existsSync(bins.postgres)) throw new Error(`${bins.postgres} is missing: run npm install`);
    if (userInfo().uid === 0) {
      // As root the server runs as the system user postgres: it must reach .data/.
      const { execFileSync } = await import("node:child_process");
      let ids: { uid: number; gid: number } | undefined;
      try {
        ids = { uid: Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" })), gid: Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" })) };
      } catch {
        ids = undefined; // created at start-up
      }
      const blocked = ids && unreachableParent(path.join(ROOT_DIR, ".data"), ids);
      if (blocked) throw new Error(`running as root, the server runs as the user postgres, which cannot enter ${blocked.dir} (mode ${blocked.mode}): chmod o+x ${blocked.dir}, or run as another user`);
    }
    return "PostgreSQL 17 from npm, cluster in .data/test-pg";
  });
  if (runPgTap) {
    await check("pgTAP for the embedded PostgreSQL", async () => {
      const how = await installPgTap((await embeddedBinaries()).shareDir, path.join(ROOT_DIR, ".data/cache"));
      return { present: "installed", installed: "installed from .data/cache/", fetched: "fetched from the Debian archive and installed" }[how];
    });
  }
}
if (runVitest) {
  await check("a browser for the end-to-end suite", async () => {
    const launch = await resolveChromium();
    return `${chromiumVersion(launch)}, ${launch.source}`;
  });
}
if (problems.length) fail(`missing prerequisites:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
console.log(`prerequisites checked in ${((Date.now() - started) / 1000).toFixed(1)} s`);

// ------------------------------------------------------------------ typecheck and build beside the database
const tsc = path.join(ROOT_DIR, "node_modules/typescript/bin/tsc");
const typecheck = runTypecheck
  ? (async () => {
      // The panel (browser code: DOM types, JSX) has its own configuration.
      if ((await run(process.execPath, [tsc, "-p", "tsconfig.json", "--noEmit"])) !== 0) return "the TypeScript typecheck failed (see above).";
      if ((await run(process.execPath, [tsc, "-p", "panel/tsconfig.json", "--noEmit"])) !== 0) return "the panel's TypeScript typecheck failed (see above).";
      console.log("typecheck: ok");
      return undefined;
    })()
  : Promise.resolve(undefined);
// The end-to-end suite drives the built panel: build it (vite build into panel/dist).
const build = runVitest
  ? run(process.execPath, [path.join(ROOT_DIR, "node_modules/vite/bin/vite.js"), "build", "panel", "--logLevel", "warn"]).then((code) => {
      if (code !== 0) return "the panel build (vite build) failed (see above).";
      console.log("panel build: ok");
      return undefined;
    })
  : Promise.resolve(undefined);

const db = await prepareTestDatabase().catch((err: Error) => fail(`could not prepare the test database: ${err.message}`));
console.log(`test database ready (${db.source}): ${new URL(db.urls.root).host}${new URL(db.urls.root).pathname}`);
let exitCode = 0;
const stopDb = () => db.embedded?.stop();
process.once("SIGINT", () => void stopDb()?.then(() => process.exit(130)));

try {
  for (const problem of await Promise.all([typecheck, build])) {
    if (problem) {
      console.error(`\nnpm test: ${problem}`);
      exitCode = 1;
    }
  }
  if (runVitest && exitCode === 0) {
    const result = await run(
      process.execPath,
      [path.join(ROOT_DIR, "node_modules/vitest/vitest.mjs"), "run", ...(runPgTap ? [] : ["--exclude", "db/__tests__/pgtap.test.ts"]), ...vitestArgs],
      {
        ...process.env,
        TEST_ROOT_URL: db.urls.root,
        TEST_OWNER_URL: db.urls.owner,
        TEST_AUTHENTICATOR_URL: db.urls.authenticator,
        TEST_PGTAP_URL: db.urls.pgtap,
        TEST_TEMPLATE_URL: db.urls.template,
        ...(screenshots ? { SCREENSHOTS_DIR: path.resolve(screenshots) } : {}),
      },
    );
    if (result !== 0) exitCode = 1;
  } else if (!runVitest && runPgTap && exitCode === 0) {
    const result = await run(process.execPath, [path.join(ROOT_DIR, "node_modules/vitest/vitest.mjs"), "run", "db/__tests__/pgtap.test.ts"], {
      ...process.env,
      TEST_ROOT_URL: db.urls.root,
      TEST_OWNER_URL: db.urls.owner,
      TEST_AUTHENTICATOR_URL: db.urls.authenticator,
      TEST_PGTAP_URL: db.urls.pgtap,
      TEST_TEMPLATE_URL: db.urls.template,
    });
    if (result !== 0) exitCode = 1;
  }
} finally {
  await stopDb();
}
console.log(`npm test: ${exitCode === 0 ? "passed" : "FAILED"} in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(exitCode);
