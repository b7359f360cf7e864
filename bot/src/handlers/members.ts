/**
 * A member's self-service (issue 14): `/inventory` (what they own), `/use` (a consumable),
 * `/mylistings` (cancel and reprice their listings), `/pricecheck` (the floor and the 7-day median
 * before listing), `/market` pages (filters, sort, paging buttons), `/notifications` (which DMs they
 * want) and `/season` (the season table). Each effect's idempotency key is the id of the
 * interaction that caused it, so a double click acts once.
 */
import {
  ActionRowBuilder,
  EmbedBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type ModalSubmitInteraction,
  type RepliableInteraction,
} from "discord.js";
import { asMember } from "../db.ts";
import type { BotContext } from "../context.ts";
import { actorOf, answer, customId, UserFacingError, type CustomId } from "../interaction.ts";
import { COLOURS } from "../render/embeds.ts";
import { coins } from "../render/format.ts";
import {
  inventoryMessage,
  MARKET_PAGE,
  marketMessage,
  myListingsMessage,
  NOTIFICATION_KINDS,
  notificationsMessage,
  parseMarketPageId,
  priceCheckMessage,
  seasonEmbed,
  useEmbed,
  type InventoryItem,
  type ItemUse,
  type MarketQuery,
  type MarketRow,
  type MyListing,
  type NotificationKind,
  type PriceQuote,
  type SeasonView,
} from "../render/members.ts";
import { modalField, priceField, skuField } from "./inputs.ts";
import { openSellModal } from "./market.ts";
import { interactionKey } from "./player.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * `/inventory` without a member: the caller's items.
 *
 * @param ctx - the bot.
 * @param i - the command (or a button that re-opens it).
 */
export async function showInventory(ctx: BotContext, i: RepliableInteraction): Promise<void> {
  const items = await asMember(ctx.pool, actorOf(i), async (c) => (await c.query<InventoryItem>("select * from app_public.my_inventory()")).rows);
  await answer(i, inventoryMessage(items));
}

async function useItem(ctx: BotContext, i: RepliableInteraction, sku: string): Promise<void> {
  const used = await asMember(ctx.pool, actorOf(i), async (c) =>
    (await c.query<ItemUse>("select * from app_public.use_item($1, $2)", [sku, interactionKey("use", i.id)])).rows[0],
  );
  await answer(i, { embeds: [useEmbed(used)] });
}

/**
 * `/use item`: uses one unit of a consumable the member owns.
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function useCommand(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const parsed = skuField.safeParse(i.options.getString("item", true));
  if (!parsed.success) throw new UserFacingError(parsed.error.issues[0].message);
  await useItem(ctx, i, parsed.data);
}

/**
 * Autocomplete of `/use item` (the member's consumables) and `/pricecheck item` (what they own).
 *
 * @param ctx - the bot.
 * @param i - the autocomplete interaction.
 */
export async function completeOwnedItem(ctx: BotContext, i: AutocompleteInteraction): Promise<void> {
  const typed = String(i.options.getFocused()).toLowerCase();
  const onlyUsable = i.commandName === "use";
  const items = await asMember(ctx.pool, actorOf(i), async (c) => (await c.query<InventoryItem>("select * from app_public.my_inventory()")).rows, false);
  await i.respond(
    items
      .filter((it) => (!onlyUsable || it.consumable) && (it.sku.includes(typed) || it.name.toLowerCase().includes(typed)))
      .slice(0, 25)
      .map((it) => ({ name: `${it.name} (${it.quantity})`.slice(0, 100), value: it.sku })),
  );
}

/**
 * Buttons of `/inventory`: `inv:use:<sku>` and `inv:sell:<sku>` (the Sell modal, prefilled).
 *
 * @param ctx - the bot.
 * @param i - the button.
 * @param id - the parsed custom id.
 */
export async function inventoryButton(ctx: BotContext, i: ButtonInteraction, id: CustomId): Promise<void> {
  if (id.action === "use") return useItem(ctx, i, id.id);
  if (id.action === "sell") return openSellModal(i, id.id);
  throw new UserFacingError("That button is out of date.");
}

async function myListings(ctx: BotContext, i: RepliableInteraction): Promise<MyListing[]> {
  return asMember(ctx.pool, actorOf(i), async (c) => (await c.query<MyListing>("select * from app_public.my_listings()")).rows);
}

/**
 * `/mylistings`: the member's active listings with Cancel and Reprice.
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function showMyListings(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  await answer(i, myListingsMessage(await myListings(ctx, i), 0));
}

/**
 * Buttons of `/mylistings`: `mylist:cancel:<listing>` (the units go back to the inventory),
 * `mylist:reprice:<listing>` (a price modal), `mylist:page:<n>`.
 *
 * @param ctx - the bot.
 * @param i - the button.
 * @param id - the parsed custom id.
 */
export async function myListingsButton(ctx: BotContext, i: ButtonInteraction, id: CustomId): Promise<void> {
  if (id.action === "page") {
    const page = Number(id.id);
    if (!Number.isInteger(page) || page < 0) throw new UserFacingError("That button is out of date.");
    await i.update(myListingsMessage(await myListings(ctx, i), page));
    return;
  }
  if (!UUID.test(id.id)) throw new UserFacingError("That button is out of date.");
  if (id.action === "cancel") {
    await asMember(ctx.pool, actorOf(i), (c) => c.query("select app_public.cancel_listing($1, $2)", [id.id, "cancelled by the seller in Discord"]));
    await i.update(myListingsMessage(await myListings(ctx, i), 0));
    await i.followUp({ content: "Listing cancelled: the unsold units are back in your inventory.", flags: 64 });
    return;
  }
  if (id.action === "reprice") {
    const current = (await myListings(ctx, i)).find((l) => l.listing_id === id.id);
    if (!current) throw new UserFacingError("That listing is no longer active.");
    const field = new TextInputBuilder().setCustomId("price").setLabel("New price per unit (coins)").setStyle(TextInputStyle.Short).setValue(String(current.unit_price)).setRequired(true);
    await i.showModal(
      new ModalBuilder()
        .setCustomId(customId("mylistm", "reprice", id.id))
        .setTitle(`Reprice ${current.sku}`.slice(0, 45))
        .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(field)),
    );
    return;
  }
  throw new UserFacingError("That button is out of date.");
}

/**
 * The reprice modal of `/mylistings` (`mylistm:reprice:<listing>`): `edit_listing_price`, which
 * applies the pricing guards again (the floor, the fee band).
 *
 * @param ctx - the bot.
 * @param i - the modal submission.
 * @param id - the parsed custom id.
 */
export async function myListingsModal(ctx: BotContext, i: ModalSubmitInteraction, id: CustomId): Promise<void> {
  if (id.action !== "reprice" || !UUID.test(id.id)) throw new UserFacingError("That form is out of date.");
  const price = modalField(i, "price", priceField);
  const listing = await asMember(ctx.pool, actorOf(i), async (c) =>
    (await c.query<MyListing & { fee_rate: string }>("select * from app_public.edit_listing_price($1, $2, $3)", [id.id, price, "repriced by the seller in Discord"])).rows[0],
  );
  await answer(i, {
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.ok)
        .setTitle("Repriced")
        .setDescription(`${listing.sku}: now ${coins(listing.unit_price)} each (${listing.fee_band} fee, ${(Number(listing.fee_rate) * 100).toFixed(1)} % of each sale).`),
    ],
  });
}

/**
 * `/pricecheck item [price]`: the floor, the 7-day median and the fee a price would pay, before
 * listing (default price: the reference).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function priceCheck(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const parsed = skuField.safeParse(i.options.getString("item", true));
  if (!parsed.success) throw new UserFacingError(parsed.error.issues[0].message);
  const sku = parsed.data;
  const asked = i.options.getInteger("price");
  const { quote, name } = await asMember(ctx.pool, actorOf(i), async (c) => {
    let price = asked;
    if (price === null) {
      // No price given: quote the reference price itself.
      price = Number((await c.query<{ reference_price: string }>("select reference_price from app_public.price_check($1, 1)", [sku])).rows[0].reference_price);
    }
    const q = (await c.query<PriceQuote>("select * from app_public.price_check($1, $2)", [sku, price])).rows[0];
    const r = (await c.query<{ name: string }>("select name from app_public.rewards where sku = $1", [sku])).rows[0];
    return { quote: q, name: r?.name ?? sku };
  });
  await answer(i, priceCheckMessage(quote, name));
}

/**
 * `/market [item] [max_price] [sort]`: the first page of matching listings.
 *
 * @param ctx - the bot.
 * @param i - the command (or the hub).
 */
export async function showMarketPage(ctx: BotContext, i: RepliableInteraction): Promise<void> {
  const opts = i.isChatInputCommand() ? i.options : null;
  const q: MarketQuery = {
    sku: opts?.getString("item")?.trim().slice(0, 40) || null,
    maxPrice: opts?.getInteger("max_price") ?? null,
    sort: (opts?.getString("sort") as MarketQuery["sort"] | null) ?? "newest",
    offset: 0,
  };
  await answer(i, marketMessage(await marketRows(ctx, i, q), q));
}

async function marketRows(ctx: BotContext, i: RepliableInteraction, q: MarketQuery): Promise<MarketRow[]> {
  return asMember(ctx.pool, actorOf(i), async (c) =>
    (
      await c.query<MarketRow>("select * from app_public.market_listings($1, $2, $3, $4, $5)", [q.sku, q.maxPrice, q.sort, q.offset, MARKET_PAGE])
    ).rows,
  );
}

/**
 * The paging and sort buttons of `/market` (`market:page:<offset>:<sort>:<max>:<filter>`): the
 * message is edited in place.
 *
 * @param ctx - the bot.
 * @param i - the button.
 * @param id - the parsed custom id.
 */
export async function marketPageButton(ctx: BotContext, i: ButtonInteraction, id: CustomId): Promise<void> {
  const q = parseMarketPageId(id.id);
  if (!q) throw new UserFacingError("That button is out of date; run /market again.");
  await i.update(marketMessage(await marketRows(ctx, i, q), q));
}

async function notificationSettings(ctx: BotContext, i: RepliableInteraction, change?: { kind: NotificationKind; on: boolean }) {
  return asMember(ctx.pool, actorOf(i), async (c) =>
    change
      ? (await c.query<Record<NotificationKind, boolean>>("select * from app_public.set_notification($1, $2)", [change.kind, change.on])).rows[0]
      : (await c.query<Record<NotificationKind, boolean>>("select * from app_public.my_notification_settings()")).rows[0],
  );
}

/**
 * `/notifications`: which DMs the member gets, with a switch per kind.
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function showNotifications(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  await answer(i, notificationsMessage(await notificationSettings(ctx, i)));
}

/**
 * The switches of `/notifications` (`notify:on|off:<kind>`): the message is edited in place.
 *
 * @param ctx - the bot.
 * @param i - the button.
 * @param id - the parsed custom id.
 */
export async function notificationsButton(ctx: BotContext, i: ButtonInteraction, id: CustomId): Promise<void> {
  if ((id.action !== "on" && id.action !== "off") || !(id.id in NOTIFICATION_KINDS)) throw new UserFacingError("That button is out of date.");
  await i.update(notificationsMessage(await notificationSettings(ctx, i, { kind: id.id as NotificationKind, on: id.action === "on" })));
}

/**
 * `/season`: the running season's top 10 and the member's own rank.
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function showSeason(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const view = await asMember(ctx.pool, actorOf(i), async (c): Promise<SeasonView | null> => {
    const season = (await c.query<{ name: string; number: number; ends_at: Date; status: string }>("select name, number, ends_at, status from app_public.seasons where status = 'active'")).rows[0];
    if (!season) return null;
    const rows = (await c.query<SeasonView["rows"][number]>("select rank, discord_id::text, display_name, score from app_public.season_leaderboard(null, 10)")).rows;
    const card = (await c.query<{ rank: number; season_score: string }>("select rank, season_score from app_public.my_card()")).rows[0];
    return { ...season, rows, me: { rank: card.rank, score: card.season_score } };
  });
  if (!view) throw new UserFacingError("No season is running in this server. The leaderboard (/leaderboard) shows all-time balances.");
  await answer(i, { embeds: [seasonEmbed(view)] });
}
