/**
 * Shop: category select → SKU view → confirm → receipt. The purchase is `buy_reward(sku, 1,
 * key)`, where the key is the id of the interaction that showed the SKU view: clicking Confirm
 * twice buys once. *Buy several* asks for a quantity in a modal (`buy_reward(sku, qty, key)`, the
 * key again from the SKU view's interaction: submitting twice buys once).
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  ModalBuilder,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ButtonInteraction,
  type ModalSubmitInteraction,
  type RepliableInteraction,
  type StringSelectMenuInteraction,
} from "discord.js";
import { asMember } from "../db.ts";
import { guildFeatures } from "../features.ts";
import type { BotContext } from "../context.ts";
import { actorOf, answer, customId, UserFacingError, type CustomId } from "../interaction.ts";
import { COLOURS, receiptEmbed, type OrderRow } from "../render/embeds.ts";
import { coins } from "../render/format.ts";
import { modalField, quantityField } from "./inputs.ts";
import { interactionKey } from "./player.ts";

/** A reward as the shop shows it. */
interface Reward {
  sku: string;
  name: string;
  description: string;
  category: string;
  price: string;
  stock: number | null;
}

const ON_SALE = "visible and (expires_at is null or expires_at > now())";

/**
 * Opens the shop (`/shop`, hub *Shop*): a select of the categories on sale and, when the guild's cards feature is
 * on, a *Card packs & currencies* button (`cards:packs`, the Packs view of `cards-shop.ts`).
 *
 * @param ctx - the bot.
 * @param i - the interaction.
 */
export async function openShop(ctx: BotContext, i: RepliableInteraction): Promise<void> {
  const actor = actorOf(i);
  const [categories, settings] = await Promise.all([
    asMember(ctx.pool, actor, async (c) =>
      (await c.query<{ category: string; n: string }>(`select category::text, count(*) as n from app_public.rewards where ${ON_SALE} group by 1 order by 1`)).rows,
    ),
    guildFeatures(ctx.pool, actor.guildId, actor.discordId),
  ]);
  // Issue 15: with the cards feature on, the shop also sells packs (paid in the card currencies).
  const cards = settings.features.cards;
  if (categories.length === 0 && !cards) throw new UserFacingError("The shop has nothing for sale right now.");
  const components: ActionRowBuilder<StringSelectMenuBuilder | ButtonBuilder>[] = [];
  if (categories.length > 0) {
    const select = new StringSelectMenuBuilder()
      .setCustomId("shop:category")
      .setPlaceholder("Choose a category")
      .addOptions(categories.map((c) => ({ label: c.category, value: c.category, description: `${c.n} item(s)` })));
    components.push(new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(select));
  }
  if (cards) {
    components.push(
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId(customId("cards", "packs")).setLabel("Card packs & currencies").setEmoji("🃏").setStyle(ButtonStyle.Primary),
      ),
    );
  }
  const text = [categories.length > 0 ? "Choose a category." : null, cards ? "Card packs: see *Card packs & currencies*." : null].filter(Boolean).join("\n");
  await answer(i, {
    embeds: [new EmbedBuilder().setColor(COLOURS.brand).setTitle("🛒 Shop").setDescription(text)],
    components,
  });
}

/**
 * Routes the shop's components: `shop:category` (select), `shop:sku` (select), `shop:item:<sku>` (the Buy button
 * of a reward's #shop post), `shop:buy:<sku>:<nonce>`.
 *
 * @param ctx - the bot.
 * @param i - the component interaction.
 * @param id - the parsed custom id.
 */
export async function shopComponent(ctx: BotContext, i: ButtonInteraction | StringSelectMenuInteraction, id: CustomId): Promise<void> {
  const actor = actorOf(i);
  if (id.action === "category" && i.isStringSelectMenu()) {
    const items = await asMember(ctx.pool, actor, async (c) =>
      (await c.query<Reward>(`select sku, name, price, stock from app_public.rewards where ${ON_SALE} and category::text = $1 order by price, sku limit 25`, [i.values[0]])).rows,
    );
    if (items.length === 0) throw new UserFacingError("Nothing is for sale in that category any more.");
    const select = new StringSelectMenuBuilder()
      .setCustomId("shop:sku")
      .setPlaceholder("Choose an item")
      .addOptions(items.map((r) => ({ label: r.name.slice(0, 100), value: r.sku, description: `${coins(r.price)}${r.stock === null ? "" : ` · ${r.stock} left`}` })));
    await i.update({
      embeds: [new EmbedBuilder().setColor(COLOURS.brand).setTitle(`🛒 Shop: ${i.values[0]}`).setDescription("Choose an item.")],
      components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(select)],
    });
    return;
  }
  if ((id.action === "sku" && i.isStringSelectMenu()) || (id.action === "item" && i.isButton())) {
    // `shop:item:<sku>` is the Buy button of a reward's #shop post: the same view, answered ephemerally.
    const sku = i.isStringSelectMenu() ? i.values[0] : id.id;
    const { reward, balance } = await asMember(ctx.pool, actor, async (c) => ({
      reward: (await c.query<Reward>(`select sku, name, description, category::text, price, stock from app_public.rewards where ${ON_SALE} and sku = $1`, [sku])).rows[0],
      balance: (await c.query<{ balance: string }>("select balance from app_public.my_card()")).rows[0].balance,
    }));
    if (!reward) throw new UserFacingError("That item is no longer sold.");
    const embed = new EmbedBuilder()
      .setColor(COLOURS.brand)
      .setTitle(reward.name)
      .setDescription(reward.description || null)
      .addFields(
        { name: "Price", value: coins(reward.price), inline: true },
        { name: "Stock", value: reward.stock === null ? "unlimited" : String(reward.stock), inline: true },
        { name: "Your balance", value: coins(balance), inline: true },
      )
      .setFooter({ text: reward.sku });
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId(customId("shop", "buy", reward.sku, i.id)).setLabel(`Buy for ${coins(reward.price)}`).setStyle(ButtonStyle.Success),
      new ButtonBuilder().setCustomId(customId("shop", "qty", reward.sku, i.id)).setLabel("Buy several…").setStyle(ButtonStyle.Secondary),
    );
    if (i.isStringSelectMenu()) await i.update({ embeds: [embed], components: [row] });
    else await answer(i, { embeds: [embed], components: [row] });
    return;
  }
  if (id.action === "buy") {
    const [sku, nonce] = id.id.split(":");
    if (!sku || !nonce) throw new UserFacingError("That button is out of date; open the shop again.");
    const { order, balance, name } = await asMember(ctx.pool, actor, async (c) => {
      const o = (await c.query<OrderRow>("select * from app_public.buy_reward($1, 1, $2)", [sku, interactionKey("shop", nonce)])).rows[0];
      const b = (await c.query<{ balance: string }>("select balance from app_public.my_card()")).rows[0].balance;
      const r = (await c.query<{ name: string }>("select name from app_public.rewards where sku = $1", [sku])).rows[0];
      return { order: o, balance: b, name: r?.name ?? sku };
    });
    await answer(i, { embeds: [receiptEmbed(order, `1 × ${name}`, balance)] });
    return;
  }
  if (id.action === "qty" && i.isButton()) {
    const [sku, nonce] = id.id.split(":");
    if (!sku || !nonce) throw new UserFacingError("That button is out of date; open the shop again.");
    const field = new TextInputBuilder().setCustomId("qty").setLabel("How many?").setStyle(TextInputStyle.Short).setValue("2").setRequired(true);
    await i.showModal(
      new ModalBuilder()
        .setCustomId(customId("shopq", "buy", sku, nonce))
        .setTitle("Buy several")
        .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(field)),
    );
    return;
  }
  throw new UserFacingError("That button is out of date; open the shop again.");
}

/**
 * The quantity modal of the shop (`shopq:buy:<sku>:<nonce>`): buys that many units in one order
 * (stock, per-member limits and funds checked in SQL for the whole quantity).
 *
 * @param ctx - the bot.
 * @param i - the modal submission.
 * @param id - the parsed custom id.
 */
export async function shopQuantityModal(ctx: BotContext, i: ModalSubmitInteraction, id: CustomId): Promise<void> {
  const [sku, nonce] = id.id.split(":");
  if (id.action !== "buy" || !sku || !nonce) throw new UserFacingError("That form is out of date; open the shop again.");
  const qty = modalField(i, "qty", quantityField);
  const { order, balance, name } = await asMember(ctx.pool, actorOf(i), async (c) => {
    const o = (await c.query<OrderRow>("select * from app_public.buy_reward($1, $2, $3)", [sku, qty, interactionKey("shopq", nonce)])).rows[0];
    const b = (await c.query<{ balance: string }>("select balance from app_public.my_card()")).rows[0].balance;
    const r = (await c.query<{ name: string }>("select name from app_public.rewards where sku = $1", [sku])).rows[0];
    return { order: o, balance: b, name: r?.name ?? sku };
  });
  await answer(i, { embeds: [receiptEmbed(order, `${qty} × ${name}`, balance)] });
}
