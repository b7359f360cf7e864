/**
 * Prometheus metrics of the server and the worker (prom-client). See each module:
 * `server.ts` (what `/metrics` of the server serves), `worker.ts` (job metrics), `access.ts`
 * (who may scrape), `registry.ts` (one registry per server or worker; process metrics once per
 * process; in-process workers merged into the server's scrape).
 */
export { checkMetricsAccess, isLoopback, type MetricsAccess } from "./access.ts";
export { registerDatabaseMetrics, QUEUE_STATES, type DatabaseMetricsOptions } from "./database.ts";
export { metricsHandler, startMetricsListener, type MetricsListener, type MetricsRenderer } from "./endpoint.ts";
export { createGraphQLMetrics, OperationNameLabels, MAX_OPERATION_NAMES, type GraphQLMetrics } from "./graphql.ts";
export { createHttpMetrics, routeLabel, FIXED_ROUTES, UNMATCHED_ROUTE, type HttpMetrics } from "./http.ts";
export {
  METRICS_CONTENT_TYPE,
  inProcessRegistries,
  processRegistry,
  renderMetrics,
  shareInProcess,
  snapshotMetric,
  type SnapshotSample,
} from "./registry.ts";
export { createServerMetrics, type ServerMetrics, type ServerMetricsOptions } from "./server.ts";
export { registerStreamMetrics } from "./streams.ts";
export { createWorkerMetrics, recordJobRun, type AlertNotificationOutcome, type WorkerMetrics } from "./worker.ts";
