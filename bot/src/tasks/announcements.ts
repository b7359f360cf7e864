/**
 * The `discord__announcement` and `discord__reward` job bodies (issue 14).
 *
 * - {@link syncAnnouncement}: posts a published announcement (text and/or its embed, Discord's
 *   embed JSON as saved by the embed builder) in its channel, edits it in place, pins or unpins it
 *   to match, deletes it when the announcement is deleted. A message deleted on Discord is not
 *   re-posted behind the staff's back: the announcement becomes `orphaned` and the panel says so.
 * - {@link syncRewardPost}: the #shop post of a reward (price with currency and scale, stock, a
 *   Buy button), edited when the stock or price changes, re-created when deleted, deleted when the
 *   reward is hidden or expires; the reward's sync state is recorded (`pending` until then).
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, Routes, type REST } from "discord.js";
import type pg from "pg";
import { asWorker } from "../db.ts";
import { customId } from "../interaction.ts";
import { COLOURS } from "../render/embeds.ts";
import { money } from "../render/tasks.ts";
import { isGone, messageNonce, upsertMessage } from "./discord.ts";

/** `app_hidden.discord_announcement`. */
export interface AnnouncementView {
  id: string;
  guild_id: string;
  channel_id: string;
  content: string;
  embed: Record<string, unknown> | null;
  status: "scheduled" | "published" | "deleted";
  pinned: boolean;
  pinned_on_discord: boolean;
  message_id: string | null;
  sync_state: "pending" | "synced" | "orphaned";
  updated_at: string;
}

async function record(pool: pg.Pool, a: AnnouncementView, messageId: string | null, state: "synced" | "orphaned", pinned: boolean): Promise<void> {
  await asWorker(pool, (c) => c.query("select app_hidden.record_announcement_message($1, $2, $3, $4, $5)", [a.id, messageId, state, pinned, a.updated_at]));
}

/**
 * `discord__announcement`: converges an announcement's message.
 *
 * @param pool - the authenticator pool (acts as `coins_worker`).
 * @param rest - discord.js REST.
 * @param id - the announcement.
 * @returns what happened.
 * @throws REST errors a retry may fix.
 */
export async function syncAnnouncement(pool: pg.Pool, rest: REST, id: string): Promise<"posted" | "edited" | "deleted" | "orphaned" | "skipped"> {
  const a = await asWorker(pool, async (c) => (await c.query<{ a: AnnouncementView | null }>("select app_hidden.discord_announcement($1) as a", [id])).rows[0].a);
  if (!a || a.status === "scheduled") return "skipped";
  if (a.status === "deleted") {
    if (a.message_id) {
      try {
        await rest.delete(Routes.channelMessage(a.channel_id, a.message_id));
      } catch (err) {
        if (!isGone(err)) throw err;
      }
    }
    await record(pool, a, null, "synced", false);
    return "deleted";
  }
  if (a.sync_state === "orphaned" && !a.message_id) return "skipped";
  const body = { content: a.content || undefined, embeds: a.embed ? [a.embed] : [], allowed_mentions: { parse: [] as never[] } };
  let messageId = a.message_id;
  let outcome: "posted" | "edited" = "edited";
  try {
    if (messageId) {
      await rest.patch(Routes.channelMessage(a.channel_id, messageId), { body: { ...body, content: a.content } });
    } else {
      const posted = (await rest.post(Routes.channelMessages(a.channel_id), {
        body: { ...body, nonce: messageNonce("announcement", id), enforce_nonce: true },
      })) as { id: string };
      messageId = posted.id;
      outcome = "posted";
      await record(pool, a, messageId, "synced", false);
    }
    if (a.pinned && (!a.pinned_on_discord || outcome === "posted")) await rest.put(Routes.channelMessagesPin(a.channel_id, messageId), { reason: "Guildbank announcement" });
    if (!a.pinned && a.pinned_on_discord && outcome === "edited") await rest.delete(Routes.channelMessagesPin(a.channel_id, messageId), { reason: "Guildbank announcement" });
  } catch (err) {
    if (!isGone(err)) throw err;
    await record(pool, a, null, "orphaned", false);
    return "orphaned";
  }
  await record(pool, a, messageId, "synced", a.pinned);
  return outcome;
}

/** `app_hidden.discord_reward`. */
export interface RewardView {
  guild_id: string;
  sku: string;
  name: string;
  description: string;
  category: string;
  price: string;
  currency: string;
  scale: number;
  stock: number | null;
  on_sale: boolean;
  expires_at: string | null;
  updated_at: string;
}

/**
 * The #shop post of a reward.
 *
 * @param r - the reward.
 * @returns embed and a Buy button (`shop:item:<sku>`, which opens the purchase view), disabled when out of stock.
 */
export function rewardMessage(r: RewardView): { embeds: EmbedBuilder[]; components: ActionRowBuilder<ButtonBuilder>[] } {
  const out = r.stock !== null && r.stock <= 0;
  const embed = new EmbedBuilder()
    .setColor(out ? COLOURS.muted : COLOURS.brand)
    .setTitle(`${out ? "Sold out: " : ""}${r.name}`.slice(0, 256))
    .addFields(
      { name: "Price", value: money(r.price, r.currency, r.scale), inline: true },
      { name: "Stock", value: r.stock === null ? "unlimited" : `${r.stock} left`, inline: true },
      { name: "Category", value: r.category, inline: true },
    )
    .setFooter({ text: r.sku });
  if (r.description) embed.setDescription(r.description.slice(0, 4000));
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customId("shop", "item", r.sku)).setLabel(out ? "Sold out" : "Buy").setStyle(ButtonStyle.Success).setDisabled(out),
  );
  return { embeds: [embed], components: [row] };
}

async function recordReward(pool: pg.Pool, r: RewardView, state: "synced" | "orphaned"): Promise<void> {
  await asWorker(pool, (c) => c.query("select app_hidden.record_reward_sync($1, $2, $3, $4)", [r.guild_id, r.sku, state, r.updated_at]));
}

/**
 * `discord__reward`: converges a reward's #shop post.
 *
 * @param pool - the authenticator pool.
 * @param rest - discord.js REST.
 * @param guildId - the guild.
 * @param sku - the reward.
 * @param shopChannelId - the guild's #shop (null: the bot is not set up, nothing to do).
 * @returns what happened.
 * @throws REST errors a retry may fix (the reward stays pending_sync).
 */
export async function syncRewardPost(pool: pg.Pool, rest: REST, guildId: string, sku: string, shopChannelId: string | null): Promise<"posted" | "edited" | "deleted" | "orphaned" | "skipped"> {
  if (!shopChannelId) return "skipped";
  const r = await asWorker(pool, async (c) => (await c.query<{ r: RewardView | null }>("select app_hidden.discord_reward($1, $2) as r", [guildId, sku])).rows[0].r);
  if (!r) return "skipped";
  const subject = `${guildId}:${sku}`;
  if (!r.on_sale) {
    const stored = await asWorker(pool, async (c) =>
      (await c.query<{ channel_id: string; message_id: string }>("select channel_id::text, message_id::text from app_hidden.discord_message($1, 'reward', $2)", [guildId, subject])).rows[0],
    );
    if (stored) {
      try {
        await rest.delete(Routes.channelMessage(stored.channel_id, stored.message_id));
      } catch (err) {
        if (!isGone(err)) throw err;
      }
    }
    await recordReward(pool, r, "synced");
    return "deleted";
  }
  const m = rewardMessage(r);
  try {
    const { created } = await upsertMessage(pool, rest, { guildId, type: "reward", id: subject, channelId: shopChannelId }, {
      embeds: m.embeds.map((e) => e.toJSON()),
      components: m.components.map((c) => c.toJSON()),
    });
    await recordReward(pool, r, "synced");
    return created ? "posted" : "edited";
  } catch (err) {
    if (!isGone(err)) throw err;
    await recordReward(pool, r, "orphaned");
    return "orphaned";
  }
}
