/**
 * Live-stream metrics, read from the stream hub's `stats` on every scrape:
 *
 * - `sse_clients{stream}`: connected clients per stream (`tx`, `alerts`);
 * - `sse_listener_connected`: 1 while the LISTEN connection is up;
 * - `sse_events_total`, `sse_reads_total`, `sse_read_errors_total`, `sse_truncations_total`,
 *   `sse_ended_total`, `sse_listener_disconnects_total`: the hub's counters (not split by stream:
 *   the hub does not count per stream);
 * - `sse_delivery_latency_seconds`: the hub's notification → written-to-socket histogram
 *   (its millisecond buckets, in seconds).
 */
import type { Registry } from "prom-client";
import type { StreamStats } from "../streams/index.ts";
import { snapshotMetric, type SnapshotSample } from "./registry.ts";

/**
 * Registers the stream metrics of one hub in `registry`.
 *
 * @param registry - the server's registry.
 * @param stats - returns the hub's current stats (e.g. `() => hub.stats`).
 */
export function registerStreamMetrics(registry: Registry, stats: () => StreamStats): void {
  snapshotMetric(registry, {
    name: "sse_clients",
    help: "Connected Server-Sent Event clients, by stream.",
    type: "gauge",
    read: () => {
      const { clients } = stats();
      return [
        { labels: { stream: "tx" }, value: clients.tx },
        { labels: { stream: "alerts" }, value: clients.alerts },
        { labels: { stream: "community" }, value: clients.community },
      ];
    },
  });
  snapshotMetric(registry, {
    name: "sse_listener_connected",
    help: "1 while the streams' LISTEN connection to PostgreSQL is up.",
    type: "gauge",
    read: () => [{ value: stats().listener.connected ? 1 : 0 }],
  });
  const counters: [string, string, (s: StreamStats) => number][] = [
    ["sse_events_total", "Events written to stream clients.", (s) => s.events],
    ["sse_reads_total", "Reads of the stream functions.", (s) => s.reads],
    ["sse_read_errors_total", "Failed reads of the stream functions.", (s) => s.readErrors],
    ["sse_truncations_total", "Reset events sent to clients too far behind.", (s) => s.truncations],
    ["sse_ended_total", "Streams ended by the server (session ended, read error, shutdown).", (s) => s.ended],
    ["sse_listener_disconnects_total", "Losses of the LISTEN connection.", (s) => s.listener.disconnects],
  ];
  for (const [name, help, read] of counters) {
    snapshotMetric(registry, { name, help, type: "counter", read: () => [{ value: read(stats()) }] });
  }
  snapshotMetric(registry, {
    name: "sse_delivery_latency_seconds",
    help: "Notification to written-to-socket latency of live stream events, in seconds.",
    type: "histogram",
    read: () => {
      const h = stats().deliveryLatencyMs;
      const samples: SnapshotSample[] = [];
      let cumulative = 0;
      h.bucketsMs.forEach((bound, i) => {
        cumulative += h.counts[i] ?? 0;
        samples.push({ metricName: "sse_delivery_latency_seconds_bucket", labels: { le: bound / 1000 }, value: cumulative });
      });
      samples.push({ metricName: "sse_delivery_latency_seconds_bucket", labels: { le: "+Inf" }, value: h.count });
      samples.push({ metricName: "sse_delivery_latency_seconds_sum", value: h.sum / 1000 });
      samples.push({ metricName: "sse_delivery_latency_seconds_count", value: h.count });
      return samples;
    },
  });
}
