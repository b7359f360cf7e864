import type pg from "pg";
import { postgraphile, type PostGraphileInstance } from "postgraphile";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makeV4Preset } from "postgraphile/presets/v4";
import { makePgService, makeWithPgClientViaPgClientAlreadyInTransaction } from "postgraphile/adaptors/pg";
import { defaultMaskError } from "postgraphile/grafserv";
import { GraphQLError } from "postgraphile/graphql";
import { lambda, object, type ExecutableStep, type ObjectStep } from "postgraphile/grafast";
import { sql } from "postgraphile/pg-sql2";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";
import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";
import type { Request } from "express";
import pRetry from "p-retry";
import { ERRORS, claimsToSettings, databaseUnavailable, decodeDbError, isTransientDbError, renderError, type Logger } from "@guildbank/lib";
import type { ServerConfig } from "./config.ts";
import { requestClaims } from "./auth/sessions.ts";
import { StrictBigIntPlugin } from "./graphql/bigint.ts";
import { DEFAULT_GRAPHQL_LIMITS, makeGraphQLLimitsPlugin } from "./graphql/limits.ts";

/** Finds a PostgreSQL error in a GraphQL error's cause chain. */
function databaseErrorOf(error: GraphQLError): unknown {
  let e: unknown = error.originalError;
  for (let i = 0; e && i < 5; i++) {
    if (typeof (e as { code?: unknown }).code === "string") return e;
    e = (e as { originalError?: unknown; cause?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The integrity violations a staff member's direct write can meet, and how they read. */
const VIOLATIONS: Record<string, { key: string; message: string }> = {
  "23505": { key: "unique_violation", message: "That value is already taken" },
  "23514": { key: "check_violation", message: "That value is not allowed" },
  "23502": { key: "not_null_violation", message: "A required value is missing" },
};

/**
 * A unique, check or not-null violation (the direct staff writes: catalogue, quests, settings,
 * role mapping), described by its constraint or column so the panel can say what to fix. Nothing
 * else of the error (values, SQL) is passed on.
 *
 * @param err - a node-postgres error, or anything.
 * @returns code (the SQLSTATE), key, message and detail `{ constraint, column }`, or undefined.
 */
export function constraintViolation(err: unknown): { code: string; key: string; message: string; detail: Record<string, string> } | undefined {
  const e = err as { code?: unknown; constraint?: unknown; column?: unknown } | undefined;
  const v = typeof e?.code === "string" ? VIOLATIONS[e.code] : undefined;
  if (!v) return undefined;
  const detail: Record<string, string> = {};
  if (typeof e!.constraint === "string") detail.constraint = e!.constraint;
  if (typeof e!.column === "string") detail.column = e!.column;
  const which = detail.constraint ?? detail.column;
  return { code: e!.code as string, key: v.key, message: which ? `${v.message} (${which}).` : `${v.message}.`, detail };
}

/**
 * PostgreSQL's own refusal of a privilege (SQLSTATE 42501 `insufficient_privilege`: a role without
 * the grant on a function, table or column, or a row that a policy refuses to write), read as
 * the named PD001 `permission_denied` that the rules raise themselves: a member calling a staff
 * mutation is refused like every other refusal, not with a masked error.
 *
 * @param err - a node-postgres error, or anything.
 * @returns the PD001 error (with an empty detail), or undefined.
 */
export function permissionDenied(err: unknown): { code: "PD001"; key: string; message: string; detail: Record<string, string> } | undefined {
  if ((err as { code?: unknown } | undefined)?.code !== "42501") return undefined;
  // Nothing of PostgreSQL's message (object names, policies) is passed on.
  const detail: Record<string, string> = {};
  return { code: "PD001", key: ERRORS.PD001.key, message: renderError("PD001", detail), detail };
}

/**
 * PostGraphile masks every database error by default. Ours (the SQLSTATEs of db/ERRORS.md)
 * pass through with their human message and `extensions: { code, key, detail }`, and so do
 * integrity violations ({@link constraintViolation}) and privilege refusals
 * ({@link permissionDenied}); a transient database failure becomes DB001 `database_unavailable`
 * with `extensions.retryable: true` (and the response 503, see {@link RetryableStatusPlugin});
 * anything else stays masked and is logged
 * with its hash.
 *
 * @param logger - where masked errors are logged in full.
 */
export function makeMaskError(logger: Logger) {
  return (error: GraphQLError): GraphQLError => {
    const appError = decodeDbError(databaseErrorOf(error) ?? zeroRowDelete(error));
    if (appError) {
      return new GraphQLError(appError.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        extensions: { code: appError.code, key: appError.key, detail: appError.detail },
      });
    }
    if (isTransientDbError(error)) {
      // Not masked: the client must know it may repeat the request with the same idempotency key.
      const unavailable = databaseUnavailable();
      logger.warn({ err: error.originalError ?? error }, "database unavailable: GraphQL error DB001");
      return new GraphQLError(unavailable.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        extensions: { code: unavailable.code, key: unavailable.key, detail: unavailable.detail, retryable: true },
      });
    }
    const denied = permissionDenied(databaseErrorOf(error));
    if (denied) {
      return new GraphQLError(denied.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        extensions: { code: denied.code, key: denied.key, detail: denied.detail },
      });
    }
    const violation = constraintViolation(databaseErrorOf(error));
    if (violation) {
      return new GraphQLError(violation.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        extensions: { code: violation.code, key: violation.key, detail: violation.detail },
      });
    }
    const masked = defaultMaskError(error);
    if (masked !== error) logger.error({ err: error.originalError ?? error, masked: masked.message }, "masked GraphQL error");
    return masked;
  };
}

/** The header carrying the reason of a direct staff write (URI-encoded), recorded by the audit trigger. */
export const AUDIT_REASON_HEADER = "x-audit-reason";

/**
 * The reason a staff member gave for a direct write (`X-Audit-Reason`, URI-encoded UTF-8, 3 to 500
 * characters once trimmed), which becomes the `app.reason` claim that `app_private.tg__audit`
 * writes into `admin_actions`; anything else is ignored (the trigger then records "<op> via API").
 *
 * @param req - the HTTP request (undefined outside HTTP).
 */
export function auditReason(req: Request | undefined): string | undefined {
  const raw = req?.headers[AUDIT_REASON_HEADER];
  if (typeof raw !== "string" || raw.length > 3000) return undefined;
  try {
    const reason = decodeURIComponent(raw).trim();
    return reason.length >= 3 && reason.length <= 500 ? reason : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The error a direct update or delete meets when its key matches no row the caller may change (RC001
 * `record_not_found`): another guild's row (row-level security hides it) or no row at all. Shaped
 * like a database error (`code`, JSON `detail`), so {@link makeMaskError} passes it through.
 */
export class RecordNotFoundError extends Error {
  readonly code = "RC001";
  readonly detail: string;
  constructor(subject: string) {
    super(ERRORS.RC001.key);
    this.name = "RecordNotFoundError";
    this.detail = JSON.stringify({ subject });
  }
}

/** The subject of each table's RC001 (`rewards` → `reward`), filled while the schema is built. */
const SUBJECTS = new Map<string, string>();

/**
 * `pgDeleteSingle` throws a plain error for a delete that matched no visible row ("No values were
 * deleted in collection 'rewards' …"): read as {@link RecordNotFoundError}.
 */
function zeroRowDelete(error: GraphQLError): RecordNotFoundError | undefined {
  const m = /^No values were (?:deleted|updated) in collection '([^']+)'/.exec(error.originalError?.message ?? "");
  return m ? new RecordNotFoundError(SUBJECTS.get(m[1]) ?? m[1].replace(/_/g, " ")) : undefined;
}

/**
 * PostGraphile answers an update or delete whose key matched no visible row with a `null` payload
 * (`pgUpdateSingle`/`pgDeleteSingle` return null for 0 rows), so a staff member aiming
 * `updateGuildSetting`, `updatePricingConfig` or `updateReward` at another guild's key got 200 and
 * `null`, a silent 0-row write that db/CONVENTIONS.md forbids. This plugin makes every such
 * mutation field fail with {@link RecordNotFoundError} instead: the payload depends on a check of
 * the write's result (deletes already throw; {@link makeMaskError} names that error the same way).
 */
export const ZeroRowWriteIsAnErrorPlugin: GraphileConfig.Plugin = {
  name: "GuildbankZeroRowWriteIsAnErrorPlugin",
  version: "1.0.0",
  schema: {
    hooks: {
      GraphQLObjectType_fields_field(field, build, context) {
        const { scope } = context;
        if (!scope.isRootMutation || !(scope.isPgUpdateMutation || scope.isPgDeleteMutation) || !field.plan) return field;
        const resource = scope.pgFieldResource as { name: string; codec: Parameters<typeof build.inflection.tableType>[0] } | undefined;
        const subject = resource
          ? build.inflection
              .tableType(resource.codec)
              .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
              .toLowerCase()
          : "record";
        if (resource) SUBJECTS.set(resource.name, subject);
        const plan = field.plan;
        return {
          ...field,
          plan(...args: Parameters<typeof plan>) {
            const $payload = (plan as (...a: typeof args) => ObjectStep<{ result: ExecutableStep }>)(...args);
            const $result = $payload.getStepForKey("result");
            const $found = lambda($result, (row: unknown) => {
              if (row === null || row === undefined) throw new RecordNotFoundError(subject);
              return row;
            });
            return object({ result: $result, found: $found });
          },
        } as typeof field;
      },
    },
  },
};

/**
 * A GraphQL response carrying a DB001 error (a transient database failure, see
 * {@link makeMaskError}) is answered with HTTP 503 and `Retry-After` instead of 200: a client (or a
 * proxy) that looks only at the status knows it may repeat the request with the same idempotency
 * key, and tells it from an unknown outcome (500).
 */
export const RetryableStatusPlugin: GraphileConfig.Plugin = {
  name: "GuildbankRetryableStatusPlugin",
  version: "1.0.0",
  grafast: {
    middleware: {
      // Marks the request when its execution met a transient failure (the errors are not masked yet).
      async execute(next, event) {
        const result = await next();
        const errors = (result as { errors?: readonly unknown[] } | null)?.errors;
        const req = requestOf(event.args.requestContext);
        if (req && errors?.some((e) => isTransientDbError(e))) TRANSIENT_REQUESTS.add(req);
        return result;
      },
    },
  },
  grafserv: {
    middleware: {
      async processRequest(next, event) {
        const result = await next();
        const req = requestOf(event.requestDigest.requestContext);
        if (!result || !req || !TRANSIENT_REQUESTS.has(req) || !("headers" in result)) return result;
        TRANSIENT_REQUESTS.delete(req);
        result.statusCode = 503;
        result.headers["retry-after"] = String(databaseUnavailable().detail.retry_after_s);
        return result;
      },
    },
  },
};

/** Requests (node's request object) whose GraphQL execution met a transient database failure. */
const TRANSIENT_REQUESTS = new WeakSet<object>();

/** The node request object of a grafserv/grafast request context. */
function requestOf(requestContext: unknown): object | undefined {
  return (requestContext as { expressv4?: { req?: object } } | undefined)?.expressv4?.req;
}

/** The OID of schema pg_catalog (fixed in every PostgreSQL). */
const PG_CATALOG_OID = "11";

/**
 * A codec for `pg_catalog.xid8` (the stream-position columns), rendered as a String. The columns
 * are `@omit`ted from the API, but PostGraphile builds a codec and a GraphQL type for every column
 * type and warns on each start without them.
 */
export const Xid8CodecPlugin: GraphileConfig.Plugin = {
  name: "GuildbankXid8CodecPlugin",
  version: "1.0.0",
  gather: {
    hooks: {
      async pgCodecs_findPgCodec(_info, event) {
        if (event.pgCodec || event.pgType.typname !== "xid8" || event.pgType.typnamespace !== PG_CATALOG_OID) return;
        event.pgCodec = {
          name: "xid8",
          sqlType: sql`pg_catalog.xid8`,
          toPg: (value: string) => value,
          fromPg: (value: string) => value,
          executor: null,
          attributes: undefined,
        };
      },
    },
  },
  schema: {
    hooks: {
      init(_, build) {
        const codec = build.pgCodecs.xid8;
        if (codec) {
          build.setGraphQLTypeForPgCodec(codec, "output", "String");
          build.setGraphQLTypeForPgCodec(codec, "input", "String");
        }
        return _;
      },
    },
  },
};

/** Pooled connections on which {@link makeWithPgClientOneTrip} already turned off JIT optimisation (as the stock adaptor does). */
const PREPARED_CLIENTS = new WeakSet<object>();

/**
 * The `begin` and claims of a request in one simple-protocol statement string:
 * `begin; select set_config('role', '…', true), …` (each name and value a quoted literal, escaped
 * by node-postgres' `escapeLiteral`). The stock adaptor sends them as two round trips.
 *
 * @param client - the connection (its `escapeLiteral`).
 * @param settings - the request's `pgSettings` (null values skipped).
 * @param prepare - also turn off JIT optimisation on this connection, first (a session setting).
 */
export function beginWithSettingsSql(client: Pick<pg.ClientBase, "escapeLiteral">, settings: Record<string, string | null | undefined>, prepare = false): string {
  const sets = Object.entries(settings)
    .filter((e): e is [string, string] => e[1] !== null && e[1] !== undefined)
    .map(([k, v]) => `set_config(${client.escapeLiteral(k)}, ${client.escapeLiteral(String(v))}, true)`);
  return (prepare ? "set jit_optimize_above_cost = -1; " : "") + "begin" + (sets.length ? `; select ${sets.join(", ")}` : "");
}

/**
 * A `withPgClient` for PostGraphile like `@dataplan/pg`'s node-postgres one (a pooled connection per
 * call; with `pgSettings`, one transaction whose `set_config(…, true)` claims end with it; JIT
 * optimisation off), except that `begin` and the claims go in one round trip
 * ({@link beginWithSettingsSql}) instead of two: a give over HTTP is then `begin+claims`, the
 * mutation and `commit`. Without settings the callback runs outside a transaction, as before.
 *
 * @param pool - authenticator pool.
 */
export function makeWithPgClientOneTrip(pool: pg.Pool) {
  const withPgClient = async (pgSettings: Record<string, string | null | undefined> | null, callback: (client: never) => Promise<unknown>) => {
    const client = await pool.connect();
    const prepare = !PREPARED_CLIENTS.has(client);
    try {
      const settings = Object.entries(pgSettings ?? {}).filter(([, v]) => v !== null && v !== undefined);
      if (!settings.length) {
        if (prepare) await client.query("set jit_optimize_above_cost = -1");
        PREPARED_CLIENTS.add(client);
        return await makeWithPgClientViaPgClientAlreadyInTransaction(client, false)(null, callback as never);
      }
      try {
        await client.query(beginWithSettingsSql(client, Object.fromEntries(settings), prepare));
        PREPARED_CLIENTS.add(client);
        // Already in the transaction just begun: no savepoint, no second begin.
        const result = await makeWithPgClientViaPgClientAlreadyInTransaction(client, true)(null, callback as never);
        await client.query("commit");
        return result;
      } catch (err) {
        await client.query("rollback").catch(() => {});
        throw err;
      }
    } finally {
      client.release();
    }
  };
  return Object.assign(withPgClient, { release: () => {} });
}

/**
 * Builds the PostGraphile v5 instance: Amber + V4 compatibility preset, connection filters and
 * simplified inflection over schema `app_public`, with per-request `pgSettings` from the session,
 * strict BigInt input and the query limits of {@link DEFAULT_GRAPHQL_LIMITS} (introspection refused
 * when `NODE_ENV=production`).
 *
 * @param config - server configuration.
 * @param pool - authenticator pool (shared with the rest of the server).
 * @param logger - server logger.
 */
export function createPostGraphile(config: ServerConfig, pool: pg.Pool, logger: Logger): PostGraphileInstance {
  const development = config.NODE_ENV === "development";
  const preset: GraphileConfig.Preset = {
    extends: [
      PostGraphileAmberPreset,
      makeV4Preset({ dynamicJson: true, setofFunctionsContainNulls: false, disableDefaultMutations: false }),
      PostGraphileConnectionFilterPreset,
      PgSimplifyInflectionPreset,
    ],
    plugins: [
      Xid8CodecPlugin,
      StrictBigIntPlugin,
      // Depth, aliases, page size and node count; introspection off in production (GraphiQL is development-only).
      makeGraphQLLimitsPlugin({ ...DEFAULT_GRAPHQL_LIMITS, disableIntrospection: config.NODE_ENV === "production" }),
      ZeroRowWriteIsAnErrorPlugin,
      RetryableStatusPlugin,
    ],
    // The stock node-postgres service, with a withPgClient that sends begin and claims in one round trip.
    pgServices: [{ ...makePgService({ pool, schemas: ["app_public"] }), adaptor: { createWithPgClient: () => makeWithPgClientOneTrip(pool) as never, makePgService } }],
    grafserv: {
      graphqlPath: "/graphql",
      graphiql: development,
      graphiqlOnGraphQLGET: false,
      graphiqlPath: "/graphiql",
      websockets: false,
      watch: false,
      maskError: makeMaskError(logger),
    },
    grafast: {
      explain: false,
      context(requestContext) {
        const req = (requestContext as { expressv4?: { req?: Request } }).expressv4?.req;
        return { pgSettings: claimsToSettings({ ...requestClaims(req?.session), reason: auditReason(req) }) };
      },
    },
    schema: {
      // Connection filters on scalar columns only; relation filters stay off (expensive, unneeded).
      connectionFilterRelations: false,
      connectionFilterComputedColumns: false,
      connectionFilterSetofFunctions: false,
      connectionFilterArrays: false,
    },
  };
  return postgraphile(preset);
}

/** Options of {@link createPostGraphileWhenReady}. */
export interface WhenReadyOptions {
  /** Attempts after the first (default 10: 250 ms doubling to 5 s, about 35 s in all). */
  retries?: number;
  minTimeoutMs?: number;
  maxTimeoutMs?: number;
}

/**
 * {@link createPostGraphile}, then waits for its schema (introspection of the database). PostGraphile
 * builds the schema once, when the instance is created: if the database is unreachable or the
 * connection drops during the introspection, that instance stays broken for good (every request
 * then fails). So a transient failure (`isTransientDbError`) releases the instance and tries again
 * with a new one, with exponential backoff (p-retry); any other error, or the last failure, is thrown.
 *
 * @param config - server configuration.
 * @param pool - authenticator pool.
 * @param logger - server logger (each retry is logged as a warning).
 * @param options - retry budget ({@link WhenReadyOptions}).
 * @returns an instance whose schema is built.
 * @throws the introspection's error when it is not transient or the retries are spent.
 */
export async function createPostGraphileWhenReady(
  config: ServerConfig,
  pool: pg.Pool,
  logger: Logger,
  options: WhenReadyOptions = {},
): Promise<PostGraphileInstance> {
  return pRetry(
    async () => {
      const pgl = createPostGraphile(config, pool, logger);
      try {
        await pgl.getSchema();
        return pgl;
      } catch (err) {
        await Promise.resolve(pgl.release()).catch(() => {});
        throw err;
      }
    },
    {
      retries: options.retries ?? 10,
      minTimeout: options.minTimeoutMs ?? 250,
      maxTimeout: options.maxTimeoutMs ?? 5_000,
      shouldRetry: ({ error }) => isTransientDbError(error),
      onFailedAttempt: ({ error, attemptNumber, retryDelay }) => {
        if (isTransientDbError(error)) logger.warn({ err: error, attempt: attemptNumber, retryInMs: retryDelay }, "GraphQL schema: database unavailable; retrying");
      },
    },
  );
}
