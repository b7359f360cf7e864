/**
 * `npm run db:dump`: migrates a scratch database from the committed migrations and writes
 * `db/schema.sql` (pg_dump --schema-only of the application schemas), so every schema change is
 * reviewable as a diff. Uses ROOT_DATABASE_URL, else the local server on 127.0.0.1:5432.
 * `--check` compares instead of writing and exits 1 when the committed dump is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { ROOT_DIR, deriveUrls, migrateDatabase, setupDatabase, withUrl } from "./index.ts";
import { dumpSchema } from "./schema-dump.ts";

const rootUrl = process.env.ROOT_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
// Its own scratch database per user of the server (SCHEMA_DUMP_DATABASE), so parallel dumps do not collide.
const name = process.env.SCHEMA_DUMP_DATABASE ?? "guildbank_schema_dump";
if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad SCHEMA_DUMP_DATABASE: ${name}`);
const check = process.argv.includes("--check");

const admin = new pg.Client({ connectionString: rootUrl });
await admin.connect();
await admin.query(`drop database if exists ${name} with (force)`);
await admin.end();
await setupDatabase(rootUrl, name);
await migrateDatabase(deriveUrls(rootUrl, name));
const dump = dumpSchema(withUrl(rootUrl, { database: name }));
// The scratch database stays until the next run drops it: graphile-migrate keeps a pooled
// connection to it for the life of this process.

const file = path.join(ROOT_DIR, "db/schema.sql");
if (check) {
  const committed = readFileSync(file, "utf8");
  if (committed !== dump) {
    console.error("db/schema.sql is stale: run `npm run db:dump` and commit the result.");
    process.exit(1);
  }
  console.log("db/schema.sql is current");
} else {
  writeFileSync(file, dump);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
