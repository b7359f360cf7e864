/** Copying a migrated test database (scripts/testdb.ts, server/__tests__/helpers.ts `isolateDatabase`). */
import type pg from "pg";

/**
 * Creates `to` (dropped first if it exists) as a copy of `from`, with the database-level grants of
 * db/migrations/afterReset.sql (CREATE DATABASE copies the contents, not the database's own ACL).
 *
 * @param admin - a connected superuser client (not on `from`).
 * @param from - the database copied; it must have no other sessions (retried for 5 s while one closes).
 * @param to - the new database's name.
 * @throws the server's error when the copy fails for another reason.
 */
export async function copyDatabase(admin: pg.Client, from: string, to: string): Promise<void> {
  const id = (n: string) => `"${n.replace(/"/g, '""')}"`;
  await admin.query(`drop database if exists ${id(to)} with (force)`);
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`create database ${id(to)} template ${id(from)}`);
      break;
    } catch (err) {
      // "source database is being accessed by other users": a migration connection closing.
      if ((err as { code?: string }).code !== "55006" || attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await admin.query(`revoke all on database ${id(to)} from public`);
  await admin.query(`grant connect, temporary, create on database ${id(to)} to guildbank_owner`);
  await admin.query(`grant connect on database ${id(to)} to guildbank_authenticator`);
}
