/** The live transaction and alert streams (Server-Sent Events over LISTEN/NOTIFY): see hub.ts. */
export {
  LATENCY_BUCKETS_MS,
  LISTENER_APPLICATION_NAME,
  StreamHub,
  createStreamHub,
  type BatchInfo,
  type StreamHubOptions,
  type StreamKind,
  type StreamStats,
} from "./hub.ts";
export { SSE_HEADERS, sseComment, sseEvent, sseId, sseRetry } from "./sse.ts";
