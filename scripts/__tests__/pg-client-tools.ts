/**
 * The PostgreSQL client tools (pg_dump, pg_restore, psql) that can work with the test server:
 * the embedded PostgreSQL 17 ships none, and pg_dump refuses a server newer than itself. The
 * tests that need them (scripts/backup and scripts/restore, db/schema.sql against the migrations)
 * run where tools of a fitting major exist (the machine's, e.g. with TEST_DATABASE_URL at its
 * PostgreSQL 15, as .ci/run's second pass does) and are skipped with the reason otherwise;
 * REQUIRE_PG_CLIENT_TOOLS=1 makes that a failure instead (.ci/run's second pass sets it).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";

/** Where the tools are (a bin directory, or "" for PATH) and their major; or why there are none. */
export type ClientTools = { bindir: string; major: number; serverMajor: number } | { missing: string; serverMajor: number };

function majorOf(pgDump: string): number | undefined {
  try {
    return Number(/(\d+)/.exec(execFileSync(pgDump, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }))![1]);
  } catch {
    return undefined;
  }
}

/**
 * Client tools for the server at `url`.
 *
 * @param exact - the major must equal the server's (a schema dump's text differs across majors);
 *   otherwise at least the server's (what pg_dump needs).
 */
export async function clientToolsFor(url: string, exact = false): Promise<ClientTools> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let serverMajor: number;
  try {
    serverMajor = Math.floor(Number((await client.query("show server_version_num")).rows[0].server_version_num) / 10000);
  } finally {
    await client.end();
  }
  const candidates: { bindir: string; major: number }[] = [];
  const onPath = majorOf("pg_dump");
  if (onPath !== undefined) candidates.push({ bindir: "", major: onPath });
  if (existsSync("/usr/lib/postgresql")) {
    for (const v of readdirSync("/usr/lib/postgresql")) {
      const bindir = path.join("/usr/lib/postgresql", v, "bin");
      const major = existsSync(path.join(bindir, "pg_restore")) ? majorOf(path.join(bindir, "pg_dump")) : undefined;
      if (major !== undefined) candidates.push({ bindir, major });
    }
  }
  const fit = candidates.filter((c) => (exact ? c.major === serverMajor : c.major >= serverMajor)).sort((a, b) => a.major - b.major)[0];
  if (fit) return { ...fit, serverMajor };
  const found = candidates.length ? `found pg_dump ${[...new Set(candidates.map((c) => c.major))].join(", ")}` : "no pg_dump found";
  const missing = {
    serverMajor,
    missing: `needs pg_dump ${exact ? "" : ">= "}${serverMajor} for the PostgreSQL ${serverMajor} test server (${found}); run it with TEST_DATABASE_URL at a server whose major the machine's client tools match (.ci/run does, on the machine's PostgreSQL 15)`,
  };
  if (process.env.REQUIRE_PG_CLIENT_TOOLS === "1") throw new Error(`REQUIRE_PG_CLIENT_TOOLS=1 and this test ${missing.missing}`);
  return missing;
}
