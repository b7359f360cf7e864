/**
 * Connection URLs in the container topology (docker-compose.yml), where the database is reached
 * by host name and every password is a Docker secret:
 *
 * - `DATABASE_HOST` (default `db`), `DATABASE_PORT` (default 5432), `DATABASE_NAME` (default
 *   `guildbank`): where the application database lives;
 * - `DATABASE_AUTHENTICATOR_PASSWORD` (secret; in compose `DATABASE_AUTHENTICATOR_PASSWORD_FILE`):
 *   the password of the `guildbank_authenticator` login role, the one role the processes use.
 *   Required when `NODE_ENV=production`.
 *
 * `DATABASE_URL` (or `DATABASE_URL_FILE`), when set, wins over all of these.
 *
 * `node docker/database-url.ts` prints the processes' URL on stdout: docker/entrypoint.sh exports
 * it as `DATABASE_URL` for the server and the worker (whose configuration takes a URL). Exit
 * status 2 on a configuration error, naming the variable.
 */
import { z } from "zod";
import { env, loadConfigOrExit, parseConfig } from "@guildbank/lib";

/** The login role the processes use (created by db/migrations/afterReset.sql). */
export const AUTHENTICATOR_ROLE = "guildbank_authenticator";

/** Where the database lives: the variables shared by docker/database-url.ts and scripts/migrate.ts. */
export const databaseLocationShape = {
  DATABASE_HOST: z.string().min(1).default("db"),
  DATABASE_PORT: env.int(1, 65535).default(5432),
  DATABASE_NAME: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "letters, digits and _ only (at most 63)")
    .default("guildbank"),
};

/** The configuration schema of {@link authenticatorUrlFromEnv}. */
export const authenticatorUrlSchema = z
  .object({
    NODE_ENV: env.nodeEnv(),
    DATABASE_URL: env.postgresUrl().optional(),
    ...databaseLocationShape,
    DATABASE_AUTHENTICATOR_PASSWORD: z.string().min(1).optional(),
  })
  .superRefine((c, ctx) => {
    if (!c.DATABASE_URL && !c.DATABASE_AUTHENTICATOR_PASSWORD && c.NODE_ENV === "production") {
      ctx.addIssue({
        code: "custom",
        path: ["DATABASE_AUTHENTICATOR_PASSWORD"],
        message: "is required when NODE_ENV=production and DATABASE_URL is not set (give DATABASE_AUTHENTICATOR_PASSWORD_FILE, a Docker secret)",
      });
    }
  });

/** The parts of a postgres:// URL. */
export interface PostgresUrlParts {
  host: string;
  port: number;
  user: string;
  /** Omitted or empty: no password in the URL. */
  password?: string;
  database: string;
}

/**
 * Builds a postgres:// URL, percent-encoding the user, the password and the database name (so a
 * password may hold any character, `@`, `/`, `:` and `%` included).
 *
 * @param parts - host (a name, an IPv4 address or a bare IPv6 address), port, user, password, database.
 * @returns the URL.
 */
export function postgresUrl(parts: PostgresUrlParts): string {
  const url = new URL("postgres://localhost");
  url.hostname = parts.host.includes(":") && !parts.host.startsWith("[") ? `[${parts.host}]` : parts.host;
  url.port = String(parts.port);
  url.username = encodeURIComponent(parts.user);
  if (parts.password) url.password = encodeURIComponent(parts.password);
  url.pathname = `/${encodeURIComponent(parts.database)}`;
  return url.toString();
}

/**
 * The URL the processes connect with: `DATABASE_URL` (or `DATABASE_URL_FILE`) when set, else the
 * `guildbank_authenticator` URL built from the location variables and the authenticator password
 * (see the module comment).
 *
 * @param source - the environment (default `process.env`); `NAME_FILE` variables are read.
 * @returns a postgres:// URL.
 * @throws {ConfigError} naming each missing or malformed variable.
 */
export function authenticatorUrlFromEnv(source: NodeJS.ProcessEnv = process.env): string {
  const c = parseConfig(authenticatorUrlSchema, source);
  if (c.DATABASE_URL) return c.DATABASE_URL;
  return postgresUrl({
    host: c.DATABASE_HOST,
    port: c.DATABASE_PORT,
    user: AUTHENTICATOR_ROLE,
    password: c.DATABASE_AUTHENTICATOR_PASSWORD,
    database: c.DATABASE_NAME,
  });
}

if (import.meta.main) {
  process.stdout.write(`${loadConfigOrExit(authenticatorUrlFromEnv)}\n`);
}
