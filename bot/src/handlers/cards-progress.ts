/**
 * Card missions, achievements and `/transfer_data` in Discord (issue 15). `/missions` shows the member's daily and
 * weekly missions of the current periods and their achievements (`my_missions`, `my_achievements`; rewards are paid
 * by the worker's `cards__rewards` job). `/transfer_data member` asks to move the member's cards, wishlist and
 * balances to another account (`request_data_transfer`): into an empty account it waits for staff; into an account
 * with cards or money the target's owner answers with the buttons `xfer:yes|no:<transfer>`; the requester may
 * withdraw it (`xfer:cancel:<transfer>`). Staff approve or reject with `/cardsadmin transfer` (`decide_data_transfer`,
 * audited). Every answer is ephemeral except the merge question, which mentions the target in the channel.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, type ButtonInteraction, type ChatInputCommandInteraction } from "discord.js";
import { z } from "zod";
import type { BotContext } from "../context.ts";
import { asMember, asStaff, resolveStaffRole } from "../db.ts";
import { actorOf, answer, customId, UserFacingError, type CustomId } from "../interaction.ts";
import { COLOURS } from "../render/embeds.ts";
import { coins, mention, when } from "../render/format.ts";
import { interactionKey } from "./player.ts";

/** A mission row as `my_missions` returns it. */
export interface MissionRow {
  code: string;
  name: string;
  period: "daily" | "weekly";
  target: number;
  progress: string;
  period_ends_at: Date;
  completed_at: Date | null;
  paid_at: Date | null;
  reward_currency: string;
  reward_amount: string;
}

/** An achievement row as `my_achievements` returns it. */
export interface AchievementRow {
  code: string;
  name: string;
  description: string;
  threshold: string;
  total: string;
  unlocked_at: Date | null;
  paid_at: Date | null;
  reward_currency: string | null;
  reward_amount: string | null;
}

/** A ten-cell progress bar, e.g. `▰▰▰▱▱▱▱▱▱▱`. */
function bar(progress: number, target: number): string {
  const filled = Math.max(0, Math.min(10, Math.floor((progress / Math.max(1, target)) * 10)));
  return "▰".repeat(filled) + "▱".repeat(10 - filled);
}

function missionLine(m: MissionRow): string {
  const progress = Math.min(Number(m.progress), m.target);
  const state = m.paid_at ? "✅ paid" : m.completed_at ? "✅ done, reward on its way" : `${bar(progress, m.target)} ${progress}/${m.target}`;
  return `**${m.name}** · ${coins(m.reward_amount, m.reward_currency)}\n${state}`;
}

/**
 * The `/missions` embed: daily missions (with when the day resets), weekly ones, then achievements unlocked and the
 * next ones within reach.
 *
 * @param missions - `my_missions` rows.
 * @param achievements - `my_achievements` rows.
 * @returns the embed.
 */
export function missionsEmbed(missions: MissionRow[], achievements: AchievementRow[]): EmbedBuilder {
  const daily = missions.filter((m) => m.period === "daily");
  const weekly = missions.filter((m) => m.period === "weekly");
  const unlocked = achievements.filter((a) => a.unlocked_at);
  const next = achievements.filter((a) => !a.unlocked_at).slice(0, 5);
  const embed = new EmbedBuilder().setColor(COLOURS.brand).setTitle("Missions");
  if (daily.length) embed.addFields({ name: `Daily · resets ${when(daily[0].period_ends_at, "R")}`, value: daily.map(missionLine).join("\n").slice(0, 1024) });
  if (weekly.length) embed.addFields({ name: `Weekly · resets ${when(weekly[0].period_ends_at, "R")}`, value: weekly.map(missionLine).join("\n").slice(0, 1024) });
  if (!missions.length) embed.setDescription("This server has no missions right now.");
  embed.addFields({
    name: `Achievements (${unlocked.length}/${achievements.length})`,
    value:
      [
        ...unlocked.map((a) => `🏆 **${a.name}** — ${a.description}`),
        ...next.map((a) => `▫️ **${a.name}** — ${a.description} (${Math.min(Number(a.total), Number(a.threshold))}/${a.threshold})${a.reward_amount ? ` · ${coins(a.reward_amount, a.reward_currency)}` : ""}`),
      ]
        .join("\n")
        .slice(0, 1024) || "None yet.",
  });
  return embed;
}

/**
 * `/missions`: the member's missions and achievements (ephemeral).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function missions(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const { m, a } = await asMember(ctx.pool, actorOf(i), async (c) => ({
    m: (await c.query<MissionRow>("select * from app_public.my_missions(null)")).rows,
    a: (await c.query<AchievementRow>("select * from app_public.my_achievements()")).rows,
  }));
  await answer(i, { embeds: [missionsEmbed(m, a)] });
}

interface TransferRow {
  id: string;
  mode: "move" | "merge";
  status: string;
  expires_at: Date;
  summary: { from?: { cards: number; balances: Record<string, number> } } | null;
}

function holdings(h: { cards: number; balances: Record<string, number> } | undefined): string {
  if (!h) return "nothing";
  const money = Object.entries(h.balances ?? {}).map(([cur, amount]) => coins(amount, cur));
  return [`${h.cards} card(s)`, ...money].join(", ");
}

const snowflake = z.string().regex(/^\d{17,20}$/);

/**
 * `/transfer_data member`: `request_data_transfer`. Into an empty account: waits for staff (ephemeral answer with a
 * Cancel button). Into an account with cards or money: asks its owner in the channel (Accept / Decline buttons).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function transferData(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const target = i.options.getUser("member", true);
  if (target.bot) throw new UserFacingError("You cannot transfer your data to a bot.");
  const to = snowflake.parse(target.id);
  const t = await asMember(ctx.pool, actorOf(i), async (c) =>
    (await c.query<TransferRow>("select id, mode, status, expires_at, summary from app_public.request_data_transfer($1, $2)", [to, interactionKey("xfer", i.id)])).rows[0],
  );
  const what = holdings(t.summary?.from);
  if (t.status === "awaiting_target") {
    await i.reply({
      content: `${mention(to)}: ${mention(i.user.id)} asks to merge their card data (${what}) into your account. Staff approve it after you accept.`,
      components: [
        new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId(customId("xfer", "yes", t.id)).setLabel("Accept the merge").setStyle(ButtonStyle.Success),
          new ButtonBuilder().setCustomId(customId("xfer", "no", t.id)).setLabel("Decline").setStyle(ButtonStyle.Danger),
        ),
      ],
      allowedMentions: { users: [to] },
    });
    return;
  }
  await answer(i, {
    content: `Transfer \`${t.id}\` of ${what} to ${mention(to)} requested: a staff member approves it before ${when(t.expires_at)}. Nothing moves until then.`,
    components: [
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId(customId("xfer", "cancel", t.id)).setLabel("Cancel the transfer").setStyle(ButtonStyle.Secondary),
      ),
    ],
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Transfer buttons: `xfer:yes|no:<transfer>` (the target's owner answers a merge, `answer_data_transfer`) and
 * `xfer:cancel:<transfer>` (the requester withdraws it, `cancel_data_transfer`).
 *
 * @param ctx - the bot.
 * @param i - the button.
 * @param id - the parsed custom id.
 */
export async function transferButton(ctx: BotContext, i: ButtonInteraction, id: CustomId): Promise<void> {
  if (!UUID.test(id.id)) throw new UserFacingError("That button is out of date.");
  if (id.action === "cancel") {
    await asMember(ctx.pool, actorOf(i), (c) => c.query("select 1 from app_public.cancel_data_transfer($1)", [id.id]));
    await i.update({ content: "Transfer cancelled: nothing moved.", components: [] });
    return;
  }
  if (id.action !== "yes" && id.action !== "no") throw new UserFacingError("That button is out of date.");
  const accept = id.action === "yes";
  await asMember(ctx.pool, actorOf(i), (c) => c.query("select 1 from app_public.answer_data_transfer($1, $2)", [id.id, accept]));
  await i.update({
    content: accept ? `${mention(i.user.id)} accepted the merge: it waits for a staff member's approval.` : `${mention(i.user.id)} declined the merge: nothing moved.`,
    components: [],
    allowedMentions: { users: [] },
  });
}

const decideSchema = z.object({ transfer: z.string().regex(UUID, "Give the transfer's id (see the panel's Cards → Transfers)."), approve: z.boolean(), reason: z.string().trim().min(3).max(500) });

/**
 * `/cardsadmin transfer <id> <approve> <reason>`: staff approve (the move happens then) or reject a data transfer
 * (`decide_data_transfer`, audited with both accounts before and after).
 *
 * @param ctx - the bot.
 * @param i - the command (subcommand `transfer`).
 */
export async function decideTransfer(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const actor = actorOf(i);
  const role = await resolveStaffRole(ctx.pool, actor);
  if (!role) throw new UserFacingError("Your role is not allowed to do that.");
  const p = decideSchema.safeParse({ transfer: i.options.getString("transfer", true).trim().toLowerCase(), approve: i.options.getBoolean("approve", true), reason: i.options.getString("reason", true) });
  if (!p.success) throw new UserFacingError(p.error.issues[0].message);
  const t = await asStaff(ctx.pool, actor, role, async (c) =>
    (await c.query<{ status: string; summary: { cards_moved?: number } | null }>("select status, summary from app_public.decide_data_transfer($1, $2, $3)", [p.data.transfer, p.data.approve, p.data.reason])).rows[0],
  );
  await answer(i, t.status === "done" ? `Transfer approved: ${t.summary?.cards_moved ?? 0} card(s) and every balance moved. Both members are told.` : "Transfer rejected: nothing moved. Both members are told.");
}
