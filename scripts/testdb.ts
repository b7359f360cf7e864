/**
 * Prepares the test database: TEST_DATABASE_URL (a superuser URL), else the local server on
 * 127.0.0.1:5432 (user postgres), else an embedded PostgreSQL under .data/test-pg. Creates a
 * fresh database (default `guildbank_test`), the roles, and runs the committed migrations.
 */
import path from "node:path";
import pg from "pg";
import { ROOT_DIR, canConnect, deriveUrls, migrateDatabase, setupDatabase, startEmbedded, withUrl, type DatabaseUrls, type EmbeddedServer } from "@guildbank/db";

export interface TestDatabase {
  urls: DatabaseUrls;
  /** Where the server came from, for messages. */
  source: "TEST_DATABASE_URL" | "local" | "embedded";
  embedded?: EmbeddedServer;
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
    const local = "postgres://postgres@127.0.0.1:5432/postgres";
    if (await canConnect(local)) {
      rootUrl = local;
      source = "local";
    } else {
      embedded = await startEmbedded(path.join(ROOT_DIR, ".data/test-pg"), 54330, "guildbank-test");
      rootUrl = embedded.rootUrl;
      source = "embedded";
    }
  }
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
  return { urls: { ...urls, root: withUrl(rootUrl, { database: name }) }, source, embedded };
}
