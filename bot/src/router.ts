/**
 * Routes interactions: slash commands by name, components and modals by custom id
 * `feature:action:id`. Every route answers ephemerally; errors become one human sentence
 * (`describeError`), and every outcome is counted.
 */
import type { AutocompleteInteraction, BaseInteraction, ButtonInteraction, ChatInputCommandInteraction, ModalSubmitInteraction, StringSelectMenuInteraction, UserSelectMenuInteraction } from "discord.js";
import type { BotContext } from "./context.ts";
import { answer, describeError, parseCustomId, UserFacingError, type CustomId } from "./interaction.ts";
import { COMMAND_FEATURES, COMPONENT_FEATURES, FEATURE_LABELS, HUB_FEATURES, guildFeatures, withCurrencyDisplay, type Feature } from "./features.ts";
import { completeCustomCommand, runCustomCommand } from "./handlers/commands.ts";
import { buyCard, burnCard, cardMarket, cardsAdmin, cardsAutocomplete, cardsButton, claimEventPack, collection, events, collectors, cooldowns, drawCard, inventory, myCards, openPack, sellCard, trade, viewCard, wishlist } from "./handlers/cards.ts";
import { missions, transferButton, transferData } from "./handlers/cards-progress.ts";
import { feedButton, feedModal } from "./handlers/feed.ts";
import { linkCommand, mcStaffCommand, mcWallet, mmButton, mmCommand, mmModal, mmUserSelect, unlinkCommand, withdraw } from "./handlers/mm.ts";
import { marketButton, marketModal, openSellModal } from "./handlers/market.ts";
import { claimDaily, give, showBalance, showCard, showHelp, showLeaderboard } from "./handlers/player.ts";
import { questButton, questModal, showQuests } from "./handlers/quests.ts";
import { setup } from "./handlers/setup.ts";
import { openShop, shopComponent, shopQuantityModal } from "./handlers/shop.ts";
import { completeOwnedItem, inventoryButton, marketPageButton, myListingsButton, myListingsModal, notificationsButton, priceCheck, showInventory, showMarketPage, showMyListings, showNotifications, showSeason, useCommand } from "./handlers/members.ts";
import { showTasks, taskButton, taskCommand, taskModal, taskReviewButton, taskReviewModal } from "./handlers/tasks.ts";

type Command = (ctx: BotContext, i: ChatInputCommandInteraction) => Promise<void>;
type Button = (ctx: BotContext, i: ButtonInteraction, id: CustomId) => Promise<void>;
type Select = (ctx: BotContext, i: StringSelectMenuInteraction, id: CustomId) => Promise<void>;
type Modal = (ctx: BotContext, i: ModalSubmitInteraction, id: CustomId) => Promise<void>;

/** Slash commands by name. */
export const COMMAND_HANDLERS: Record<string, Command> = {
  balance: showBalance,
  daily: claimDaily,
  card: showCard,
  shop: openShop,
  market: showMarketPage,
  leaderboard: showLeaderboard,
  help: showHelp,
  give: (ctx, i) => give(ctx, i, { to: i.options.getUser("member", true).id, amount: i.options.getInteger("amount", true) }),
  sell: (_ctx, i) => openSellModal(i, i.options.getString("sku")),
  setup,
  tasks: showTasks,
  task: taskCommand,
  c: runCustomCommand,
  openpack: openPack,
  draw: drawCard,
  mycards: myCards,
  // Without a member: the caller's items (issue 14); with one: their cards (issue 15).
  inventory: (ctx, i) => (i.options.getUser("member") ? inventory(ctx, i) : showInventory(ctx, i)),
  use: useCommand,
  mylistings: showMyListings,
  pricecheck: priceCheck,
  notifications: showNotifications,
  season: showSeason,
  viewcard: viewCard,
  sellcard: sellCard,
  cardmarket: cardMarket,
  buycard: buyCard,
  trade,
  burn: burnCard,
  cooldowns,
  collectors,
  wishlist,
  collection,
  cardsadmin: cardsAdmin,
  events,
  claim_event_pack: claimEventPack,
  missions,
  transfer_data: transferData,
  mm: mmCommand,
  link: linkCommand,
  unlink: unlinkCommand,
  mcstaff: mcStaffCommand,
  mcwallet: mcWallet,
  withdraw,
};

/** Autocomplete of slash command options, by command name (card ids, issue 15, for every other command). */
export const AUTOCOMPLETE_HANDLERS: Record<string, (ctx: BotContext, i: AutocompleteInteraction) => Promise<void>> = {
  c: completeCustomCommand,
  use: completeOwnedItem,
  pricecheck: completeOwnedItem,
};

/** Hub buttons (`hub:<action>`), which the card and leaderboard reuse. */
const HUB: Record<string, Command | ((ctx: BotContext, i: ButtonInteraction) => Promise<void>)> = {
  card: showCard,
  shop: openShop,
  quests: showQuests,
  daily: claimDaily,
  help: showHelp,
};

/** Buttons by feature. */
export const BUTTON_HANDLERS: Record<string, Button> = {
  hub: async (ctx, i, id) => {
    const handler = HUB[id.action];
    if (!handler) throw new UserFacingError("That button is out of date.");
    await (handler as (ctx: BotContext, i: ButtonInteraction) => Promise<void>)(ctx, i);
  },
  card: (ctx, i) => showCard(ctx, i),
  lb: (ctx, i) => showCard(ctx, i),
  shop: shopComponent,
  market: (ctx, i, id) => (id.action === "page" ? marketPageButton(ctx, i, id) : marketButton(ctx, i, id)),
  inv: inventoryButton,
  mylist: myListingsButton,
  notify: notificationsButton,
  quest: questButton,
  feed: feedButton,
  task: taskButton,
  taskrev: taskReviewButton,
  cards: cardsButton,
  xfer: transferButton,
  mm: mmButton,
};

/** String selects by feature. */
export const SELECT_HANDLERS: Record<string, Select> = { shop: shopComponent };

/** User selects by feature. */
export const USER_SELECT_HANDLERS: Record<string, (ctx: BotContext, i: UserSelectMenuInteraction, id: CustomId) => Promise<void>> = { mm: mmUserSelect };

/** Modals by feature. */
export const MODAL_HANDLERS: Record<string, Modal> = { market: marketModal, shopq: shopQuantityModal, mylistm: myListingsModal, quest: questModal, feedm: feedModal, mmf: mmModal, task: taskModal, taskrevm: taskReviewModal };

function kindOf(i: BaseInteraction): string {
  if (i.isChatInputCommand()) return "command";
  if (i.isButton()) return "button";
  if (i.isStringSelectMenu() || i.isUserSelectMenu()) return "select";
  if (i.isModalSubmit()) return "modal";
  if (i.isAutocomplete()) return "autocomplete";
  return "other";
}

/**
 * Handles one interaction to the end (never rejects): routes it, and answers any error with its
 * sentence (a stale or unknown custom id says the button is out of date).
 *
 * @param ctx - the bot.
 * @param i - the interaction discord.js built.
 */
export async function routeInteraction(ctx: BotContext, i: BaseInteraction): Promise<void> {
  const kind = kindOf(i);
  const started = performance.now();
  let outcome = "ok";
  try {
    // Issue 14: the guild's feature toggles and currency display, for everything below.
    if (i.guildId) {
      const settings = await guildFeatures(ctx.pool, i.guildId, i.user.id);
      const feature = featureOf(i);
      if (feature && !settings.features[feature]) {
        if (i.isAutocomplete()) {
          await i.respond([]).catch(() => {});
          return;
        }
        throw new UserFacingError(`The ${FEATURE_LABELS[feature]} feature is switched off in this server.`);
      }
      await withCurrencyDisplay({ name: settings.currencyName, symbol: settings.currencySymbol }, () => dispatch(ctx, i, () => (outcome = "error")));
      return;
    }
    await dispatch(ctx, i, () => (outcome = "error"));
  } catch (err) {
    const { text, expected } = describeError(ctx, err, `${kind} ${"customId" in i ? String(i.customId) : "commandName" in i ? String(i.commandName) : ""}`);
    outcome = expected ? "refused" : "error";
    if (i.isRepliable()) {
      await answer(i, text).catch((replyErr: unknown) => ctx.logger.warn({ err: replyErr }, "could not answer an interaction"));
    }
  } finally {
    ctx.metrics.interactions.inc({ kind, outcome });
    ctx.metrics.interactionSeconds.observe({ kind }, (performance.now() - started) / 1000);
  }
}

/** The feature an interaction belongs to (its command, or its custom id's first part), if any. */
export function featureOf(i: BaseInteraction): Feature | undefined {
  if (i.isChatInputCommand() || i.isAutocomplete()) return COMMAND_FEATURES[i.commandName];
  if (i.isButton() || i.isStringSelectMenu() || i.isUserSelectMenu() || i.isModalSubmit()) {
    let id: CustomId;
    try {
      id = parseCustomId(i.customId);
    } catch {
      return undefined;
    }
    if (id.feature === "hub") return HUB_FEATURES[id.action];
    return COMPONENT_FEATURES[id.feature];
  }
  return undefined;
}

/** Routes an interaction to its handler; errors propagate to {@link routeInteraction}. */
async function dispatch(ctx: BotContext, i: BaseInteraction, autocompleteFailed: () => void): Promise<void> {
  {
    if (i.isAutocomplete()) {
      const handler = AUTOCOMPLETE_HANDLERS[i.commandName] ?? cardsAutocomplete;
      // An autocomplete cannot show an error: it offers nothing instead.
      await handler(ctx, i).catch(async (err: unknown) => {
        autocompleteFailed();
        ctx.logger.warn({ err, command: i.commandName }, "autocomplete failed");
        if (!i.responded) await i.respond([]).catch(() => {});
      });
      return;
    }
    if (i.isChatInputCommand()) {
      const handler = COMMAND_HANDLERS[i.commandName];
      if (!handler) throw new UserFacingError("That command is not available any more.");
      await handler(ctx, i);
    } else if (i.isButton()) {
      const id = parseCustomId(i.customId);
      const handler = BUTTON_HANDLERS[id.feature];
      if (!handler) throw new UserFacingError("That button is out of date.");
      await handler(ctx, i, id);
    } else if (i.isStringSelectMenu()) {
      const id = parseCustomId(i.customId);
      const handler = SELECT_HANDLERS[id.feature];
      if (!handler) throw new UserFacingError("That menu is out of date.");
      await handler(ctx, i, id);
    } else if (i.isUserSelectMenu()) {
      const id = parseCustomId(i.customId);
      const handler = USER_SELECT_HANDLERS[id.feature];
      if (!handler) throw new UserFacingError("That menu is out of date.");
      await handler(ctx, i, id);
    } else if (i.isModalSubmit()) {
      const id = parseCustomId(i.customId);
      const handler = MODAL_HANDLERS[id.feature];
      if (!handler) throw new UserFacingError("That form is out of date.");
      await handler(ctx, i, id);
    } else {
      return;
    }
  }
}
