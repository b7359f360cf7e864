/**
 * The test database's URLs for a test file: the shared database of the run (vitest global setup,
 * `inject("db")`), or the file's own copy once it called `isolateDatabase`. Every test helper that
 * connects reads them here, so one call moves all of a file's connections (server, worker, bot,
 * Minecraft listener, fixtures) to its own database.
 */
import { randomInt } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { withUrl } from "@guildbank/db";
import { copyDatabase } from "./copy-database.ts";

type TestDbUrls = ReturnType<typeof inject<"db">>;
/** This file's own database, once `isolateDatabase` made one. */
let isolated: TestDbUrls | null = null;

/** The test database's URLs (from the vitest global setup), or this file's own after `isolateDatabase`. */
export function dbUrls(): TestDbUrls {
  return isolated ?? inject("db");
}

/**
 * Gives the calling test file a database of its own: a fresh copy of the migrated template
 * (`<test database>_template`, scripts/testdb.ts), which every later `dbUrls()` of this file
 * returns. The files that run a job worker call it first in their `beforeAll`: their worker then
 * sees only their own jobs and alerts, so they run beside the other files instead of one at a
 * time after them (vitest.config.ts).
 *
 * @returns a function that drops the copy (and `dbUrls()` returns the shared database again).
 * @throws the server's error when the copy cannot be made.
 */
export async function isolateDatabase(): Promise<() => Promise<void>> {
  const shared = inject("db");
  const template = new URL(shared.template);
  const name = `${template.pathname.slice(1).replace(/_template$/, "")}_file_${process.pid}_${randomInt(1, 2 ** 31)}`;
  const admin = new pg.Client({ connectionString: withUrl(shared.template, { database: "postgres" }) });
  await admin.connect();
  try {
    await copyDatabase(admin, template.pathname.slice(1), name);
  } finally {
    await admin.end();
  }
  isolated = {
    ...shared,
    root: withUrl(shared.root, { database: name }),
    owner: withUrl(shared.owner, { database: name }),
    authenticator: withUrl(shared.authenticator, { database: name }),
  };
  return async () => {
    isolated = null;
    const drop = new pg.Client({ connectionString: withUrl(shared.template, { database: "postgres" }) });
    await drop.connect();
    try {
      await drop.query(`drop database if exists "${name}" with (force)`);
    } finally {
      await drop.end();
    }
  };
}
