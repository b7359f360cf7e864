/**
 * The shop's card half (issue 15, "`/shop` (packs and currencies)"): the *Packs* button of the `/shop` message
 * (`cards:packs`, only when the guild's cards feature is on) shows every pack the member can open now
 * (`app_public.shop_packs`: cost per currency, free opens left today, cooldown) beside their card-currency balances
 * (`app_public.card_balances`), with one *Open* button per way to pay (`cards:open:<pack>:<currency|free>`). Opening
 * is `/openpack`'s own flow ({@link openPackCode}): the cooldown, the allotment, the cost and the pick-one-of-three
 * are all the SQL rule's.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, MessageFlags, type ButtonInteraction } from "discord.js";
import { z } from "zod";
import { asMember } from "../db.ts";
import type { BotContext } from "../context.ts";
import { actorOf, answer, customId, UserFacingError, type CustomId } from "../interaction.ts";
import { COLOURS } from "../render/embeds.ts";
import { coins, when } from "../render/format.ts";
import { openPackCode } from "./cards.ts";

/** A pack as `app_public.shop_packs` answers it (bigints as strings). */
export interface ShopPack {
  code: string;
  name: string;
  cards_per_pack: number;
  /** Cost per currency code, in minor units. */
  costs: Record<string, string | number>;
  daily_free: number;
  free_left: number;
  /** The cooldown after an open, in seconds, after the member's role reductions. */
  cooldown_s: number;
  /** When the running /openpack cooldown ends, or null when none runs. */
  next_at: Date | null;
  event_name: string | null;
  event_ends_at: Date | null;
}

/** A card-currency balance as `app_public.card_balances` answers it. */
interface Balance {
  currency: string;
  name: string;
  balance: string;
}

const MAX_BUTTONS = 25;

function duration(seconds: number): string {
  if (seconds <= 0) return "none";
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m === 0 ? `${s} s` : s === 0 ? `${m} min` : `${m} min ${s} s`;
}

/**
 * The lines of one pack in the Packs view: cards, costs, free opens left, cooldown (and the event it belongs to).
 *
 * @param p - the pack.
 * @returns markdown for an embed field's value.
 */
export function packLines(p: ShopPack): string {
  const costs = Object.entries(p.costs).map(([currency, amount]) => coins(String(amount), currency));
  return [
    `${p.cards_per_pack} cards, keep one${p.event_name ? ` · event **${p.event_name}** until ${when(p.event_ends_at)}` : ""}`,
    `Cost: ${costs.length ? costs.join(" or ") : "not for sale"}`,
    `Free today: ${p.daily_free === 0 ? "none" : `${p.free_left} of ${p.daily_free} left`}`,
    `Cooldown: ${duration(p.cooldown_s)}${p.next_at ? ` · next open ${when(p.next_at, "R")}` : " · ready now"}`,
  ].join("\n");
}

/**
 * *Packs* (`cards:packs`): the packs the member can open and their card-currency balances, with an *Open* button per
 * way to pay (disabled while the cooldown runs, when no free open is left, or when the balance is short). Replaces the
 * shop message in place (it is the member's own, ephemeral).
 *
 * @param ctx - the bot.
 * @param i - the button.
 */
export async function showPacks(ctx: BotContext, i: ButtonInteraction): Promise<void> {
  const actor = actorOf(i);
  const { packs, balances } = await asMember(ctx.pool, actor, async (c) => ({
    packs: (await c.query<ShopPack>("select * from app_public.shop_packs($1::bigint[])", [actor.roleIds])).rows,
    balances: (await c.query<Balance>("select currency, name, balance::text from app_public.card_balances()")).rows,
  }));
  const balanceOf = new Map(balances.map((b) => [b.currency, BigInt(b.balance)]));
  const embed = new EmbedBuilder()
    .setColor(COLOURS.brand)
    .setTitle("🃏 Packs")
    .setDescription(packs.length ? "Open a pack, then pick one of its cards to keep." : "No pack can be opened in this server right now.")
    .addFields(
      ...packs.slice(0, 20).map((p) => ({ name: `${p.name} (${p.code})`, value: packLines(p) })),
      {
        name: "Your card currencies",
        value: balances.filter((b) => b.currency !== "COIN").map((b) => `${b.name}: ${coins(b.balance, b.currency)}`).join("\n") || "none",
      },
    );
  const buttons: ButtonBuilder[] = [];
  for (const p of packs) {
    const cooling = p.next_at !== null;
    if (p.daily_free > 0) {
      buttons.push(
        new ButtonBuilder()
          .setCustomId(customId("cards", "open", p.code, "free"))
          .setLabel(`Open ${p.name} free`.slice(0, 80))
          .setStyle(ButtonStyle.Success)
          .setDisabled(cooling || p.free_left <= 0),
      );
    }
    for (const [currency, amount] of Object.entries(p.costs)) {
      buttons.push(
        new ButtonBuilder()
          .setCustomId(customId("cards", "open", p.code, currency))
          .setLabel(`Open ${p.name} for ${coins(String(amount), currency)}`.slice(0, 80))
          .setStyle(ButtonStyle.Primary)
          .setDisabled(cooling || (balanceOf.get(currency) ?? 0n) < BigInt(amount)),
      );
    }
  }
  const rows: ActionRowBuilder<ButtonBuilder>[] = [];
  for (let k = 0; k < Math.min(buttons.length, MAX_BUTTONS); k += 5) rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(buttons.slice(k, k + 5)));
  const body = { embeds: [embed], components: rows };
  // On the member's own (ephemeral) /shop message: replace it; on a public message: answer privately.
  if (i.message.flags.has(MessageFlags.Ephemeral)) await i.update(body);
  else await answer(i, body);
}

const openId = z.object({
  pack: z.string().regex(/^[a-z0-9-]{1,30}$/),
  currency: z.enum(["free", "NOTE", "DISC", "GEM", "COIN"]),
});

/**
 * *Open …* (`cards:open:<pack>:<currency|free>`): opens the pack as `/openpack <pack> [currency]` does (the same SQL
 * function, so cooldowns, costs, the free allotment and the pick-one-of-three apply); the reveal appears as a new
 * message (public when the guild reveals publicly).
 *
 * @param ctx - the bot.
 * @param i - the button.
 * @param id - the custom id.
 */
export async function openFromShop(ctx: BotContext, i: ButtonInteraction, id: CustomId): Promise<void> {
  const [pack, currency] = id.id.split(":");
  const parsed = openId.safeParse({ pack, currency });
  if (!parsed.success) throw new UserFacingError("That button is out of date; open the shop again.");
  await openPackCode(ctx, i, { pack: parsed.data.pack, currency: parsed.data.currency === "free" ? null : parsed.data.currency });
}
