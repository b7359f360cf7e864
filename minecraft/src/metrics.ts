/** The listener's Prometheus metrics (prom-client), served on `GET /metrics` by the health listener. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The listener's metrics and their registry. */
export interface ListenerMetrics {
  registry: Registry;
  /** Matched lines by kind (payment, confirmation). */
  lines: Counter<"kind">;
  /** Recorded payments by status (credited, unmatched, duplicate). */
  payments: Counter<"status">;
  /** Refusals: a SQLSTATE, or amount_<problem> for unusable amounts. */
  refused: Counter<"code">;
  /** Payouts by outcome (sent, confirmed, unconfirmed). */
  payouts: Counter<"outcome">;
  /** 1 while logged in to the Minecraft server. */
  connected: Gauge;
  /** Disconnections after a login. */
  reconnects: Counter;
  /** Seconds from a line's arrival to its payment row committed. */
  recordSeconds: Histogram;
}

/**
 * Creates the listener's metrics in a registry of their own (with the process defaults).
 *
 * @returns the metrics.
 */
export function createListenerMetrics(): ListenerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "guildbank_minecraft_" });
  const registers = [registry];
  return {
    registry,
    lines: new Counter({ name: "guildbank_minecraft_lines_total", help: "Matched chat lines by kind", labelNames: ["kind"], registers }),
    payments: new Counter({ name: "guildbank_minecraft_payments_total", help: "Recorded payments by status", labelNames: ["status"], registers }),
    refused: new Counter({ name: "guildbank_minecraft_refused_total", help: "Refused lines and calls by code", labelNames: ["code"], registers }),
    payouts: new Counter({ name: "guildbank_minecraft_payouts_total", help: "Payouts by outcome", labelNames: ["outcome"], registers }),
    connected: new Gauge({ name: "guildbank_minecraft_connected", help: "1 while logged in to the Minecraft server", registers }),
    reconnects: new Counter({ name: "guildbank_minecraft_disconnects_total", help: "Disconnections after a login", registers }),
    recordSeconds: new Histogram({
      name: "guildbank_minecraft_record_seconds",
      help: "Seconds to record a payment line (database call, committed)",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
  };
}
