import type pg from "pg";
import { postgraphile, type PostGraphileInstance } from "postgraphile";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makeV4Preset } from "postgraphile/presets/v4";
import { makePgService } from "postgraphile/adaptors/pg";
import { defaultMaskError } from "postgraphile/grafserv";
import { GraphQLError } from "postgraphile/graphql";
import { sql } from "postgraphile/pg-sql2";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";
import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";
import type { Request } from "express";
import { claimsToSettings, decodeDbError, type Logger } from "@guildbank/lib";
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
 * PostGraphile masks every database error by default. Ours (the SQLSTATEs of db/ERRORS.md)
 * pass through with their human message and `extensions: { code, key, detail }`, and so do
 * integrity violations ({@link constraintViolation}); anything else stays masked and is logged
 * with its hash.
 *
 * @param logger - where masked errors are logged in full.
 */
export function makeMaskError(logger: Logger) {
  return (error: GraphQLError): GraphQLError => {
    const appError = decodeDbError(databaseErrorOf(error));
    if (appError) {
      return new GraphQLError(appError.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        extensions: { code: appError.code, key: appError.key, detail: appError.detail },
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
    ],
    pgServices: [makePgService({ pool, schemas: ["app_public"] })],
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
