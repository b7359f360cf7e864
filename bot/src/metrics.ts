/** Prometheus metrics of the bot (prom-client, its own registry; see server/src/metrics). */
import { Counter, Histogram, Registry } from "prom-client";

/** The bot's metrics. */
export interface BotMetrics {
  registry: Registry;
  /** Interactions handled, by kind (command, button, select, modal) and outcome (ok, refused, error). */
  interactions: Counter<"kind" | "outcome">;
  /** Seconds from receiving an interaction to its first answer, by kind. */
  interactionSeconds: Histogram<"kind">;
  /** Card renders, in seconds. */
  cardRenderSeconds: Histogram;
  /** Discord REST calls made by `discord__*` tasks, by task and outcome (ok, rate_limited, error). */
  taskCalls: Counter<"task" | "outcome">;
}

/**
 * Creates the bot's metrics in a fresh registry.
 *
 * @returns the metrics.
 */
export function createBotMetrics(): BotMetrics {
  const registry = new Registry();
  return {
    registry,
    interactions: new Counter({
      name: "guildbank_bot_interactions_total",
      help: "Discord interactions handled, by kind and outcome.",
      labelNames: ["kind", "outcome"],
      registers: [registry],
    }),
    interactionSeconds: new Histogram({
      name: "guildbank_bot_interaction_seconds",
      help: "Time to answer a Discord interaction, in seconds.",
      labelNames: ["kind"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    cardRenderSeconds: new Histogram({
      name: "guildbank_bot_card_render_seconds",
      help: "Time to render a member card PNG, in seconds.",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
      registers: [registry],
    }),
    taskCalls: new Counter({
      name: "guildbank_bot_task_outcomes_total",
      help: "discord__* job runs, by task and outcome.",
      labelNames: ["task", "outcome"],
      registers: [registry],
    }),
  };
}
