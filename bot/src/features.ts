/**
 * Per-guild settings the router applies to every interaction (issue 14): the feature toggles (a
 * switched-off feature's commands, buttons and forms answer that it is off, before any handler
 * runs; the SQL rules refuse the value movements too, FT001) and the currency's display name and
 * symbol, which the amount formatter reads for the interaction's duration.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type pg from "pg";
import { withClaims, type CurrencyDisplay } from "@guildbank/lib";

/** The features a guild can switch off (guild_settings.feature_*). */
export type Feature = "currency" | "tasks" | "shop" | "quests" | "middleman" | "cards";

/** How a feature is named in the "switched off" answer. */
export const FEATURE_LABELS: Record<Feature, string> = {
  currency: "currency",
  tasks: "tasks",
  shop: "shop",
  quests: "quests",
  middleman: "middleman",
  cards: "trading cards",
};

/**
 * Slash commands by the feature they belong to (commands not listed always run: /help, /setup, /c, /card,
 * /leaderboard, /notifications, and /inventory, which shows a member's items without a member and their cards with
 * one: each half reads what exists, and the value movements behind its buttons are gated by their own features).
 */
export const COMMAND_FEATURES: Readonly<Record<string, Feature>> = {
  balance: "currency",
  daily: "currency",
  give: "currency",
  shop: "shop",
  market: "shop",
  sell: "shop",
  use: "shop",
  mylistings: "shop",
  pricecheck: "shop",
  season: "currency",
  tasks: "tasks",
  task: "tasks",
  mm: "middleman",
  link: "middleman",
  mcwallet: "middleman",
  withdraw: "middleman",
  unlink: "middleman",
  mcstaff: "middleman",
  openpack: "cards",
  draw: "cards",
  mycards: "cards",
  viewcard: "cards",
  sellcard: "cards",
  cardmarket: "cards",
  buycard: "cards",
  trade: "cards",
  burn: "cards",
  cooldowns: "cards",
  collectors: "cards",
  wishlist: "cards",
  collection: "cards",
  cardsadmin: "cards",
  events: "cards",
  claim_event_pack: "cards",
  missions: "cards",
  transfer_data: "cards",
};

/** Buttons, menus and forms by the first part of their custom id (`feature:action:id`); hub buttons by action. */
export const COMPONENT_FEATURES: Readonly<Record<string, Feature>> = {
  shop: "shop",
  market: "shop",
  shopq: "shop",
  inv: "shop",
  mylist: "shop",
  mylistm: "shop",
  quest: "quests",
  task: "tasks",
  taskrev: "tasks",
  taskrevm: "tasks",
  cards: "cards",
  mm: "middleman",
  mmf: "middleman",
  xfer: "cards",
};
/** The coin hub's buttons (`hub:<action>`). */
export const HUB_FEATURES: Readonly<Record<string, Feature>> = { daily: "currency", shop: "shop", quests: "quests" };

/** A guild's display and toggles, as `app_public.guild_features()` answers them. */
export interface GuildFeatures {
  currencyName: string;
  currencySymbol: string;
  features: Record<Feature, boolean>;
}

const ALL_ON: GuildFeatures = {
  currencyName: "coins",
  currencySymbol: "",
  features: { currency: true, tasks: true, shop: true, quests: true, middleman: true, cards: true },
};

/** How long a guild's settings are reused before being read again (ms): a toggle applies within this. */
export const FEATURES_TTL_MS = 5_000;

const cache = new Map<string, { at: number; value: Promise<GuildFeatures> }>();

/**
 * A guild's display and feature toggles, read as the member (`app_public.guild_features()`), cached
 * {@link FEATURES_TTL_MS} per guild. A guild without settings has everything on.
 *
 * @param pool - the authenticator pool.
 * @param guildId - the guild (snowflake).
 * @param discordId - the member asking (the claims of the read).
 */
export function guildFeatures(pool: pg.Pool, guildId: string, discordId: string): Promise<GuildFeatures> {
  const hit = cache.get(guildId);
  const t = Date.now();
  if (hit && t - hit.at < FEATURES_TTL_MS) return hit.value;
  const value = withClaims(pool, { role: "coins_player", guildId, discordId }, async (c) => {
    const { rows } = await c.query<{ f: GuildFeatures | null }>("select app_public.guild_features() as f");
    return rows[0]?.f ?? ALL_ON;
  });
  cache.set(guildId, { at: t, value });
  value.catch(() => cache.delete(guildId));
  return value;
}

/** Forgets every cached guild (tests, and after a settings change the bot itself made). */
export function clearFeatureCache(): void {
  cache.clear();
}

const display = new AsyncLocalStorage<CurrencyDisplay>();

/**
 * Runs `fn` with the guild's currency display in effect for {@link currentDisplay} (the amount
 * formatter of the embeds and the card image).
 */
export function withCurrencyDisplay<T>(value: CurrencyDisplay, fn: () => Promise<T>): Promise<T> {
  return display.run(value, fn);
}

/** The currency display of the interaction being handled (undefined outside one: the default "coins"). */
export function currentDisplay(): CurrencyDisplay | undefined {
  return display.getStore();
}
