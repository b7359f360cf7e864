/**
 * Marketplace in Discord (`/market` pages are in `members.ts`). Sell: button or `/sell` → modal (SKU, price, quantity, expiry, per-buyer
 * limits) → `create_listing`. Buy: the listing's Buy button → ephemeral quote → quantity modal →
 * `buy_listing` → receipt. Each effect's idempotency key is the id of the interaction that opened
 * the modal, so a modal submitted twice (double click) acts once.
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type ModalSubmitInteraction,
} from "discord.js";
import { asMember } from "../db.ts";
import type { BotContext } from "../context.ts";
import { actorOf, answer, customId, UserFacingError, type CustomId } from "../interaction.ts";
import { COLOURS, receiptEmbed, type OrderRow } from "../render/embeds.ts";
import { coins, when } from "../render/format.ts";
import { hoursField, limitsField, modalField, priceField, quantityField, skuField } from "./inputs.ts";
import { interactionKey } from "./player.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function input(id: string, label: string, placeholder: string, value?: string, required = true): ActionRowBuilder<TextInputBuilder> {
  const field = new TextInputBuilder().setCustomId(id).setLabel(label).setStyle(TextInputStyle.Short).setPlaceholder(placeholder).setRequired(required);
  if (value) field.setValue(value);
  return new ActionRowBuilder<TextInputBuilder>().addComponents(field);
}

/**
 * Opens the Sell modal (`/sell [sku]`, card *Sell an item*). Its custom id carries this
 * interaction's id: the listing's idempotency key.
 *
 * @param i - the command or button interaction.
 * @param sku - the SKU to prefill.
 */
export async function openSellModal(i: ChatInputCommandInteraction | ButtonInteraction, sku?: string | null): Promise<void> {
  const modal = new ModalBuilder()
    .setCustomId(customId("market", "list", i.id))
    .setTitle("Sell an item")
    .addComponents(
      input("sku", "Item (SKU)", "e.g. vip-rank", sku ?? undefined),
      input("price", "Price per unit (coins)", "e.g. 150"),
      input("qty", "Quantity", "e.g. 1", "1"),
      input("hours", "Expires after (hours)", "e.g. 72", "72"),
      input("limits", "Per buyer: min or min-max", "e.g. 1-5", "1", false),
    );
  await i.showModal(modal);
}

/** `app_public.listings` as node-postgres returns it. */
interface ListingRow {
  listing_id: string;
  sku: string;
  qty: number;
  qty_available: number;
  unit_price: string;
  fee_rate: string;
  min_per_buyer: number;
  max_per_buyer: number | null;
  expires_at: Date;
  status: string;
}

/**
 * Routes the market's buttons: `market:sell`, `market:buy:<listing>` (quote), `market:qty:<listing>` (quantity modal).
 *
 * @param ctx - the bot.
 * @param i - the button interaction.
 * @param id - the parsed custom id.
 */
export async function marketButton(ctx: BotContext, i: ButtonInteraction, id: CustomId): Promise<void> {
  if (id.action === "sell") return openSellModal(i);
  if (!UUID.test(id.id)) throw new UserFacingError("That button is out of date.");
  if (id.action === "buy") {
    const { listing, name, balance } = await asMember(ctx.pool, actorOf(i), async (c) => {
      const l = (await c.query<ListingRow>("select * from app_public.listings where listing_id = $1", [id.id])).rows[0];
      const r = l ? (await c.query<{ name: string }>("select name from app_public.rewards where sku = $1", [l.sku])).rows[0] : undefined;
      const b = (await c.query<{ balance: string }>("select balance from app_public.my_card()")).rows[0].balance;
      return { listing: l, name: r?.name ?? l?.sku, balance: b };
    });
    if (!listing) throw new UserFacingError("That listing does not exist in this server.");
    if (listing.status !== "active" || listing.expires_at <= new Date()) {
      throw new UserFacingError(`That listing is no longer for sale (${listing.status === "active" ? "expired" : listing.status}).`);
    }
    const embed = new EmbedBuilder()
      .setColor(COLOURS.info)
      .setTitle(`Quote: ${name}`)
      .addFields(
        { name: "Price", value: `${coins(listing.unit_price)} each`, inline: true },
        { name: "Available", value: String(listing.qty_available), inline: true },
        { name: "Per buyer", value: `min ${listing.min_per_buyer}${listing.max_per_buyer ? `, max ${listing.max_per_buyer}` : ""}`, inline: true },
        { name: "Your balance", value: coins(balance), inline: true },
        { name: "Escrow", value: "Your coins are held in escrow until the item is delivered.", inline: false },
      )
      .setFooter({ text: `listing ${listing.listing_id}` });
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId(customId("market", "qty", listing.listing_id)).setLabel("Choose quantity and buy").setStyle(ButtonStyle.Success),
    );
    await answer(i, { embeds: [embed], components: [row] });
    return;
  }
  if (id.action === "qty") {
    const modal = new ModalBuilder()
      .setCustomId(customId("market", "confirm", id.id, i.id))
      .setTitle("Buy")
      .addComponents(input("qty", "Quantity", "e.g. 1", "1"));
    await i.showModal(modal);
    return;
  }
  throw new UserFacingError("That button is out of date.");
}

/**
 * Routes the market's modals: `market:list:<nonce>` (create a listing) and
 * `market:confirm:<listing>:<nonce>` (buy).
 *
 * @param ctx - the bot.
 * @param i - the modal submission.
 * @param id - the parsed custom id.
 */
export async function marketModal(ctx: BotContext, i: ModalSubmitInteraction, id: CustomId): Promise<void> {
  const actor = actorOf(i);
  if (id.action === "list") {
    const sku = modalField(i, "sku", skuField);
    const price = modalField(i, "price", priceField);
    const qty = modalField(i, "qty", quantityField);
    const hours = modalField(i, "hours", hoursField);
    const limits = modalField(i, "limits", limitsField);
    const listing = await asMember(ctx.pool, actor, async (c) =>
      (
        await c.query<ListingRow>("select * from app_public.create_listing($1, $2, $3, $4, $5, $6, $7)", [
          sku,
          qty,
          price,
          hours,
          limits.min,
          limits.max,
          interactionKey("list", id.id),
        ])
      ).rows[0],
    );
    await answer(i, {
      embeds: [
        new EmbedBuilder()
          .setColor(COLOURS.ok)
          .setTitle("Listed")
          .setDescription("Your listing will appear in #shop in a moment.")
          .addFields(
            { name: "Item", value: `${listing.qty} × ${listing.sku}`, inline: true },
            { name: "Price", value: `${coins(listing.unit_price)} each`, inline: true },
            { name: "Market fee", value: `${(Number(listing.fee_rate) * 100).toFixed(1)} % of each sale`, inline: true },
            { name: "Expires", value: when(listing.expires_at), inline: true },
            { name: "listing_id", value: `\`${listing.listing_id}\`` },
          ),
      ],
    });
    return;
  }
  if (id.action === "confirm") {
    const [listingId, nonce] = id.id.split(":");
    if (!listingId || !UUID.test(listingId) || !nonce) throw new UserFacingError("That form is out of date.");
    const qty = modalField(i, "qty", quantityField);
    const { order, balance, sku } = await asMember(ctx.pool, actor, async (c) => {
      const o = (await c.query<OrderRow>("select * from app_public.buy_listing($1, $2, $3)", [listingId, qty, interactionKey("buy", nonce)])).rows[0];
      const b = (await c.query<{ balance: string }>("select balance from app_public.my_card()")).rows[0].balance;
      const s = (await c.query<{ sku: string }>("select sku from app_public.listings where listing_id = $1", [listingId])).rows[0];
      return { order: o, balance: b, sku: s?.sku ?? "item" };
    });
    await answer(i, { embeds: [receiptEmbed(order, `${qty} × ${sku}`, balance)] });
    return;
  }
  throw new UserFacingError("That form is out of date.");
}
