/**
 * GraphQL metrics: `graphql_operations_total{operation_name, operation_type, outcome}`.
 *
 * How it hooks in (no request-body parsing of our own, no response sniffing): PostGraphile's
 * `createServ(factory)` hands the factory the instance's preset; {@link GraphQLMetrics.instrument}
 * wraps grafserv's factory so the grafserv instance is built from that preset extended with one
 * graphile-config plugin using the documented middleware of both layers:
 *
 * - grafserv `processRequest` (wraps every request to the GraphQL path): opens a per-request
 *   record and counts it once the response is decided;
 * - grafserv `processGraphQLRequestBody`: the `operationName` the client sent;
 * - grafast `execute`: the operation actually executed (its type, and its name from the
 *   document when the client gave none) and the outcome (`error` when the result has errors or
 *   execution throws).
 *
 * A request that never reaches execution (malformed body, parse or validation errors, wrong
 * method or media type) counts as `outcome="error"`; its name and type come from its query text
 * when that parses (a validation error), else `operation_type="unknown"`. (Only these failed
 * requests are parsed a second time, and only up to {@link MAX_REPARSE_LENGTH} characters.)
 *
 * The schema itself is built from PostGraphile's own preset: the plugin adds no schema hooks.
 *
 * Label hygiene: `operation_name` is the GraphQL name (`[_A-Za-z][_0-9A-Za-z]*`) cut to 64
 * characters, `anonymous` when there is none, `invalid` when the client sent something else, and
 * `other` once {@link MAX_OPERATION_NAMES} distinct names have been seen (clients choose names:
 * the cap bounds the series a client can create).
 */
import { Counter, type Registry } from "prom-client";
import type { GrafservConfig } from "postgraphile/grafserv";
import { isAsyncIterable, isPromiseLike } from "postgraphile/grafast";
import { getOperationAST, parse } from "postgraphile/graphql";

/** At most this many distinct `operation_name` values per server; later names count as `other`. */
export const MAX_OPERATION_NAMES = 500;

/** Longest `operation_name` label kept, in characters. */
export const MAX_OPERATION_NAME_LENGTH = 64;

/** Failed requests' queries longer than this are not parsed for their operation's name. */
export const MAX_REPARSE_LENGTH = 20_000;

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

type OperationLabel = "operation_name" | "operation_type" | "outcome";

/** What is known about one GraphQL request while it is processed. */
interface OperationRecord {
  name: unknown;
  /** The query text, kept for requests that fail before execution. */
  query: string | undefined;
  type: "query" | "mutation" | "subscription" | "unknown";
  executed: boolean;
  outcome: "ok" | "error";
}

/** The GraphQL metrics of one server. */
export interface GraphQLMetrics {
  /** The graphile-config plugin (grafserv and grafast middleware). */
  plugin: GraphileConfig.Plugin;
  /**
   * Wraps a grafserv factory (e.g. `grafserv` from `postgraphile/grafserv/express/v4`) for
   * `pgl.createServ(...)`: the instance gets the PostGraphile preset plus {@link plugin}.
   */
  instrument<T>(factory: (config: GrafservConfig) => T): (config: GrafservConfig) => T;
}

/**
 * Maps client-chosen operation names to a bounded set of label values (see the module comment).
 */
export class OperationNameLabels {
  readonly #seen = new Set<string>();
  readonly #max: number;

  /** @param max - distinct names kept before `other`. */
  constructor(max = MAX_OPERATION_NAMES) {
    this.#max = max;
  }

  /**
   * The label value of a name.
   *
   * @param name - what the client or the document says (anything).
   * @returns the name, `anonymous`, `invalid` or `other`.
   */
  label(name: unknown): string {
    if (name === undefined || name === null || name === "") return "anonymous";
    if (typeof name !== "string" || !GRAPHQL_NAME.test(name)) return "invalid";
    const cut = name.slice(0, MAX_OPERATION_NAME_LENGTH);
    if (this.#seen.has(cut)) return cut;
    if (this.#seen.size >= this.#max) return "other";
    this.#seen.add(cut);
    return cut;
  }
}

/** The node request object of a grafserv/grafast request context: the key of the per-request record. */
function requestKey(requestContext: unknown): object | undefined {
  const ctx = requestContext as { expressv4?: { req?: object }; node?: { req?: object } } | undefined;
  return ctx?.expressv4?.req ?? ctx?.node?.req;
}

/**
 * Creates the GraphQL operation counter in `registry` and the plugin feeding it.
 *
 * @param registry - the server's registry.
 * @param maxNames - distinct operation names kept (default {@link MAX_OPERATION_NAMES}).
 * @returns the plugin and the grafserv factory wrapper.
 */
export function createGraphQLMetrics(registry: Registry, maxNames = MAX_OPERATION_NAMES): GraphQLMetrics {
  const operations = new Counter<OperationLabel>({
    name: "graphql_operations_total",
    help: "GraphQL requests, by operation name (bounded), operation type and outcome (error: the response carries errors).",
    labelNames: ["operation_name", "operation_type", "outcome"],
    registers: [registry],
  });
  const names = new OperationNameLabels(maxNames);
  const records = new WeakMap<object, OperationRecord>();

  const count = (record: OperationRecord) => {
    if (!record.executed && record.query !== undefined && record.query.length <= MAX_REPARSE_LENGTH) {
      try {
        const operation = getOperationAST(parse(record.query, { noLocation: true, maxTokens: 5000 }), typeof record.name === "string" ? record.name : undefined);
        if (operation) {
          record.type = operation.operation;
          record.name = operation.name?.value ?? record.name;
        }
      } catch {
        // a syntax error: name and type stay unknown
      }
    }
    operations.inc({
      operation_name: names.label(record.name),
      operation_type: record.type,
      outcome: record.executed ? record.outcome : "error",
    });
  };

  const plugin: GraphileConfig.Plugin = {
    name: "GuildbankGraphQLMetricsPlugin",
    version: "1.0.0",
    description: "Counts GraphQL operations by name, type and outcome for /metrics.",
    grafserv: {
      middleware: {
        processRequest(next, event) {
          const digest = event.requestDigest;
          const graphqlPath = event.resolvedPreset.grafserv?.graphqlPath ?? "/graphql";
          const key = requestKey(digest.requestContext);
          if (digest.path !== graphqlPath || digest.method === "OPTIONS" || !key) return next();
          const record: OperationRecord = { name: undefined, query: undefined, type: "unknown", executed: false, outcome: "ok" };
          records.set(key, record);
          const done = () => {
            records.delete(key);
            count(record);
          };
          let result: ReturnType<typeof next>;
          try {
            result = next();
          } catch (err) {
            record.outcome = "error";
            done();
            throw err;
          }
          if (!isPromiseLike(result)) {
            done();
            return result;
          }
          return Promise.resolve(result).then(
            (value) => {
              done();
              return value;
            },
            (err: unknown) => {
              record.outcome = "error";
              done();
              throw err;
            },
          );
        },
        processGraphQLRequestBody(next, event) {
          const key = requestKey(event.request?.requestContext);
          const record = key ? records.get(key) : undefined;
          if (record) {
            record.name = event.body.operationName;
            record.query = typeof event.body.query === "string" ? event.body.query : undefined;
          }
          return next();
        },
      },
    },
    grafast: {
      middleware: {
        execute(next, event) {
          const { args } = event;
          const key = requestKey(args.requestContext);
          const record = key ? records.get(key) : undefined;
          if (!record) return next();
          record.executed = true;
          const operation = getOperationAST(args.document, args.operationName ?? undefined);
          if (operation) {
            record.type = operation.operation;
            record.name = operation.name?.value ?? record.name;
          }
          const settle = (result: unknown) => {
            record.outcome = !isAsyncIterable(result) && (result as { errors?: readonly unknown[] } | null)?.errors?.length ? "error" : "ok";
          };
          let result: ReturnType<typeof next>;
          try {
            result = next();
          } catch (err) {
            record.outcome = "error";
            throw err;
          }
          if (!isPromiseLike(result)) {
            settle(result);
            return result;
          }
          return Promise.resolve(result).then(
            (value) => {
              settle(value);
              return value;
            },
            (err: unknown) => {
              record.outcome = "error";
              throw err;
            },
          ) as typeof result;
        },
      },
    },
  };

  return {
    plugin,
    instrument<T>(factory: (config: GrafservConfig) => T) {
      return (config: GrafservConfig) =>
        factory({ ...config, preset: { extends: config.preset ? [config.preset] : [], plugins: [plugin] } });
    },
  };
}
