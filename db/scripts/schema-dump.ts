import { execFileSync } from "node:child_process";

/**
 * Dumps the application schemas of a database as deterministic SQL: `pg_dump --schema-only` of
 * app_public, app_hidden and app_private, without the version banner and the per-run
 * `\restrict` keys recent pg_dump versions add.
 *
 * @param url - a superuser postgres:// URL of the database.
 * @returns the SQL text.
 * @throws if pg_dump is missing or fails.
 */
export function dumpSchema(url: string): string {
  const u = new URL(url);
  const args = [
    "--schema-only",
    "--schema=app_public",
    "--schema=app_hidden",
    "--schema=app_private",
    "--host", u.hostname,
    "--port", u.port || "5432",
    "--username", decodeURIComponent(u.username),
    decodeURIComponent(u.pathname.slice(1)),
  ];
  const out = execFileSync("pg_dump", args, {
    encoding: "utf8",
    env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) },
    maxBuffer: 64 * 1024 * 1024,
  });
  return (
    out
      .split("\n")
      .filter((line) => !/^-- Dumped (from|by)/.test(line) && !/^\\(un)?restrict /.test(line))
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim() + "\n"
  );
}
