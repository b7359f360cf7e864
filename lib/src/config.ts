import { readFileSync } from "node:fs";
import { z } from "zod";

/** One problem with one environment variable. */
export interface ConfigProblem {
  /** The environment variable's name, e.g. `DATABASE_URL`. */
  variable: string;
  /** What is wrong, in words. */
  problem: string;
}

/** Thrown when the environment does not satisfy a process's configuration schema. */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(
      "Invalid configuration:\n" +
        problems.map((p) => `  ${p.variable}: ${p.problem}`).join("\n") +
        "\nSee .env.example for every variable.",
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/**
 * Reads `NAME_FILE` indirections (Docker secrets): for every key of `shape` whose variable is unset
 * but `KEY_FILE` names a file, the file's content (trailing newline removed) becomes the value.
 *
 * @param keys - variable names the schema knows.
 * @param env - the environment (default `process.env`).
 * @returns a copy of `env` with file-backed values filled in.
 * @throws {ConfigError} when a `KEY_FILE` names a file that cannot be read.
 */
export function resolveFileSecrets(keys: string[], env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  const problems: ConfigProblem[] = [];
  for (const key of keys) {
    const file = env[`${key}_FILE`];
    if (file && (env[key] === undefined || env[key] === "")) {
      try {
        out[key] = readFileSync(file, "utf8").replace(/\r?\n$/, "");
      } catch (e) {
        problems.push({ variable: `${key}_FILE`, problem: `cannot read ${file}: ${(e as Error).message}` });
      }
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return out;
}

/**
 * Parses the environment once against a zod object schema. Empty strings count as unset, so
 * `FOO=` in a `.env` file falls back to the default.
 *
 * @param schema - a `z.object` whose keys are environment variable names.
 * @param env - the environment (default `process.env`).
 * @returns the typed, validated configuration.
 * @throws {ConfigError} naming every missing or malformed variable.
 */
export function parseConfig<S extends z.ZodObject<z.ZodRawShape>>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const keys = Object.keys(schema.shape);
  const resolved = resolveFileSecrets(keys, env);
  const input: Record<string, string> = {};
  for (const key of keys) {
    const v = resolved[key];
    if (v !== undefined && v !== "") input[key] = v;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        variable: issue.path.length ? String(issue.path[0]) : "(environment)",
        problem:
          issue.code === "invalid_type" && input[String(issue.path[0])] === undefined
            ? "is required but not set"
            : issue.message,
      })),
    );
  }
  return result.data;
}

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

/** The `NODE_ENV` values every process accepts. */
export const NODE_ENVS = ["development", "test", "production"] as const;

/** The pino levels `LOG_LEVEL` accepts. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** zod helpers for environment variables (all inputs are strings). */
export const env = {
  /** A `postgres://` or `postgresql://` connection URL. */
  postgresUrl: () =>
    z.string().refine((v) => {
      try {
        return ["postgres:", "postgresql:"].includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, "must be a postgres:// URL"),
  /** An integer within [min, max]. */
  int,
  /** `1/true/yes/on` or `0/false/no/off`. */
  bool: () =>
    z
      .string()
      .transform((v) => v.toLowerCase())
      .pipe(z.enum(["1", "true", "yes", "on", "0", "false", "no", "off"], { message: "must be true or false" }))
      .transform((v) => ["1", "true", "yes", "on"].includes(v)),
  /** A Discord snowflake (17 to 20 digits), kept as a string. */
  snowflake: () => z.string().regex(/^\d{17,20}$/, "must be a Discord id (17 to 20 digits)"),
  /** A TCP port to listen on, 0..65535 (0: as the variable documents, an ephemeral port or no listener). */
  port: () => int(0, 65535),
  /** The address a listener binds; default loopback (`127.0.0.1`). */
  bindHost: () => z.string().min(1).default("127.0.0.1"),
  /** A secret string (token, HMAC key) of at least `min` characters. */
  secret: (min: number) => z.string().min(min, `must be at least ${min} characters`),
  /** `NODE_ENV`: {@link NODE_ENVS}, default `development`. */
  nodeEnv: () => z.enum(NODE_ENVS).default("development"),
  /** `LOG_LEVEL`: a pino level, {@link LOG_LEVELS}, default `info`. */
  logLevel: () => z.enum(LOG_LEVELS).default("info"),
};

/**
 * The variables every process's configuration schema starts with; spread it into a `z.object`:
 *
 * - `NODE_ENV`: `development` | `test` | `production` (default `development`).
 * - `LOG_LEVEL`: a pino level, {@link LOG_LEVELS} (default `info`).
 */
export const processConfigShape = {
  NODE_ENV: env.nodeEnv(),
  LOG_LEVEL: env.logLevel(),
};

/**
 * Where the catalogue's images are stored, for every process that stores or reads them (the
 * worker's ingestion, the server's image routes, the bot's card renderer); spread it into a
 * `z.object`:
 *
 * - `CATALOGUE_STORAGE_DIR`: the local directory of the images (default `.data/catalogue`); the
 *   database keeps `file://` URLs into it, and images are read from inside it only.
 * - `CDN_URL`: the public http(s) base URL of the image bucket, when the images live in one; stored
 *   URLs use it, and images are fetched (or redirected to) from under it only.
 */
export const imageStoreConfigShape = {
  CATALOGUE_STORAGE_DIR: z.string().min(1).default(".data/catalogue"),
  CDN_URL: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).optional(),
};
