/**
 * The server's metrics, assembled for `createHttpServer` (app.ts): one registry per server with
 * the HTTP, GraphQL, stream and database metrics, served on `GET /metrics` together with the
 * process metrics and the metrics of any worker running in the same process.
 */
import type pg from "pg";
import type { RequestHandler } from "express";
import { Registry } from "prom-client";
import type { GrafservConfig } from "postgraphile/grafserv";
import type { Logger } from "@guildbank/lib";
import type { StreamStats } from "../streams/index.ts";
import { ALERTS_NOTIFY, TASK_IDENTIFIERS } from "../tasks/index.ts";
import { registerDatabaseMetrics } from "./database.ts";
import { metricsHandler } from "./endpoint.ts";
import { createGraphQLMetrics } from "./graphql.ts";
import { createHttpMetrics } from "./http.ts";
import { inProcessRegistries, processRegistry, renderMetrics } from "./registry.ts";
import { registerStreamMetrics } from "./streams.ts";

/** Options of {@link createServerMetrics}. */
export interface ServerMetricsOptions {
  /** The authenticator pool (queue depth and ledger health are read through it as `coins_worker`). */
  pool: pg.Pool;
  logger: Logger;
  /** `METRICS_TOKEN`: the Bearer token scrapes must present; undefined: loopback clients only. */
  token: string | undefined;
  /** How long a scrape waits for the database gauges, in ms (default 2000). */
  databaseTimeoutMs?: number;
}

/** The metrics of one server. */
export interface ServerMetrics {
  /** The server's own registry (without process and worker metrics). */
  registry: Registry;
  /** Express middleware timing every request (mount first). */
  httpMiddleware: RequestHandler;
  /** `GET /metrics` (mount before the session middleware). */
  handler: RequestHandler;
  /** Wraps grafserv's factory for `pgl.createServ(...)`: counts GraphQL operations. */
  instrumentGrafserv<T>(factory: (config: GrafservConfig) => T): (config: GrafservConfig) => T;
  /** Registers the stream hub's gauges (call once, with `() => hub.stats`). */
  observeStreams(stats: () => StreamStats): void;
  /** The exposition text of a scrape (process + server + in-process workers). */
  render(): Promise<string>;
}

/**
 * Creates the metrics of one server.
 *
 * @param options - pool, logger, token.
 * @returns the registry, the middleware and handlers to mount.
 */
export function createServerMetrics(options: ServerMetricsOptions): ServerMetrics {
  const registry = new Registry();
  const http = createHttpMetrics(registry);
  const graphql = createGraphQLMetrics(registry);
  registerDatabaseMetrics(registry, {
    pool: options.pool,
    logger: options.logger,
    knownTasks: [...TASK_IDENTIFIERS, ALERTS_NOTIFY],
    timeoutMs: options.databaseTimeoutMs,
  });
  const render = () => renderMetrics([processRegistry(), registry], inProcessRegistries());
  return {
    registry,
    httpMiddleware: http.middleware,
    handler: metricsHandler({ token: options.token, render, logger: options.logger }),
    instrumentGrafserv: (factory) => graphql.instrument(factory),
    observeStreams: (stats) => registerStreamMetrics(registry, stats),
    render,
  };
}
