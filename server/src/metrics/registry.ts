/**
 * Registries: every server and every worker builds its own prom-client `Registry` (nothing goes
 * to prom-client's global default registry, so tests that start many servers in one process never
 * collide). Three kinds:
 *
 * - the process registry ({@link processRegistry}): Node's default process metrics
 *   (`process_*`, `nodejs_*`), created once per process, because they describe the process, not
 *   a server or a worker;
 * - a server's or a worker's own registry;
 * - the in-process worker registries ({@link shareInProcess}): a worker started in the same
 *   process as a server (`npm start`) shares its registry, and the server's `/metrics` merges it,
 *   so one scrape covers both. Several in-process workers are summed.
 */
import { AggregatorRegistry, Registry, collectDefaultMetrics, type Metric, type MetricObjectWithValues, type MetricValue } from "prom-client";

let processMetrics: Registry | undefined;

/**
 * The registry of the process's default metrics (CPU, memory, event loop lag, GC, handles),
 * created on first use and shared by every server and worker of the process.
 *
 * @returns the process registry.
 */
export function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

const inProcess = new Set<Registry>();

/**
 * Offers a worker's registry to the servers of the same process (their `/metrics` include it).
 *
 * @param registry - the worker's registry (without process metrics).
 * @returns a function withdrawing it (call it when the worker stops).
 */
export function shareInProcess(registry: Registry): () => void {
  inProcess.add(registry);
  return () => {
    inProcess.delete(registry);
  };
}

/**
 * The registries currently shared by in-process workers.
 *
 * @returns a snapshot of the set.
 */
export function inProcessRegistries(): Registry[] {
  return [...inProcess];
}

/** The Prometheus text exposition format's content type. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * Renders registries as one Prometheus text exposition. The `own` registries must not share
 * metric names (they are merged as they are); the `summed` ones (in-process workers, which all
 * have the same metrics) are first aggregated into one, every series summed.
 *
 * @param own - the process registry and the caller's registry.
 * @param summed - registries to sum before merging (may be empty).
 * @returns the exposition text.
 * @throws {Error} when two `own` registries define the same metric name.
 */
export async function renderMetrics(own: Registry[], summed: Registry[] = []): Promise<string> {
  const registries = [...own];
  if (summed.length === 1) registries.push(summed[0]);
  else if (summed.length > 1) registries.push(AggregatorRegistry.aggregate(await Promise.all(summed.map((r) => r.getMetricsAsJSON()))));
  return Registry.merge(registries).metrics();
}

/** One sample of a {@link snapshotMetric}. */
export interface SnapshotSample {
  labels?: Record<string, string | number>;
  value: number;
  /** The sample's series name when it differs from the metric's (`<name>_bucket`, `_sum`, `_count`). */
  metricName?: string;
}

/**
 * Registers a metric whose samples are read from somewhere else on every scrape (counters and
 * histograms kept by another component, such as the stream hub's `stats`), which prom-client's
 * own classes cannot represent: they only count what they observe themselves.
 *
 * @param registry - where to register it.
 * @param spec - name, help, Prometheus type, and the function returning the current samples.
 * @returns nothing; the metric lives in `registry`.
 */
export function snapshotMetric(
  registry: Registry,
  spec: { name: string; help: string; type: "counter" | "gauge" | "histogram"; read: () => SnapshotSample[] },
): void {
  const metric = {
    name: spec.name,
    help: spec.help,
    type: spec.type,
    aggregator: "sum" as const,
    async get(): Promise<MetricObjectWithValues<MetricValue<string>>> {
      const values = spec.read().map((s) => ({ labels: s.labels ?? {}, value: s.value, metricName: s.metricName }));
      return { name: spec.name, help: spec.help, type: spec.type, aggregator: "sum", values } as unknown as MetricObjectWithValues<MetricValue<string>>;
    },
    reset() {},
  };
  registry.registerMetric(metric as unknown as Metric);
}
