/**
 * `/inventory` (issue 14: "the member's inventory in /inventory; today nobody can see what they own outside
 * GraphQL"): what the member owns, by item, with the shop's name when the item is still listed (RLS: a member reads
 * their own inventory and the visible rewards).
 */
import { EmbedBuilder, type RepliableInteraction } from "discord.js";
import { asMember } from "../db.ts";
import type { BotContext } from "../context.ts";
import { actorOf, answer } from "../interaction.ts";
import { COLOURS } from "../render/embeds.ts";

/** One owned item. */
interface OwnedItem {
  sku: string;
  quantity: number;
  name: string | null;
  tradable: boolean | null;
}

/**
 * `/inventory`: the member's items (at most 25 lines), ephemeral.
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function showInventory(ctx: BotContext, i: RepliableInteraction): Promise<void> {
  const items = await asMember(ctx.pool, actorOf(i), async (c) =>
    (
      await c.query<OwnedItem>(
        `select i.sku, i.quantity, r.name, r.tradable
           from app_public.inventory i
           left join app_public.rewards r on r.guild_id = i.guild_id and r.sku = i.sku
          where i.quantity > 0
          order by coalesce(r.name, i.sku), i.sku limit 26`,
      )
    ).rows,
  );
  const embed = new EmbedBuilder().setColor(COLOURS.info).setTitle("🎒 Your inventory");
  if (items.length === 0) {
    embed.setDescription("You own nothing yet: see **/shop**.");
  } else {
    embed.setDescription(
      items
        .slice(0, 25)
        .map((it) => `**${it.name ?? it.sku}** × ${it.quantity.toLocaleString("en-US")}  \`${it.sku}\`${it.tradable ? " · tradable (/sell)" : ""}`)
        .join("\n") + (items.length > 25 ? "\n…" : ""),
    );
  }
  await answer(i, { embeds: [embed] });
}
