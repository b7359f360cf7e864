/**
 * What every handler and task gets: the database pool, the logger, the Discord client, metrics
 * and a way to queue `discord__*` jobs.
 */
import type pg from "pg";
import type { Client } from "discord.js";
import type { Logger } from "@guildbank/lib";
import type { BotMetrics } from "./metrics.ts";
import type { CardRenderer } from "./render/collectible.ts";

/** The bot's shared state. */
export interface BotContext {
  /** The authenticator pool: every transaction switches role with `withClaims`. */
  pool: pg.Pool;
  logger: Logger;
  client: Client;
  metrics: BotMetrics;
  /** The application (client) id: the bot's own user id, allowed into #coin-transactions. */
  applicationId: string;
  /** Collectible card images, cached by template and rarity (issue 15). */
  cards: CardRenderer;
}
