/**
 * Quests: the board (`quest_board()`), trivia answered with buttons (`quest:answer:<quest>:<choice>`)
 * or a modal (`quest:open:<quest>` → `quest:submit:<quest>`), check-ins with one button. Answers
 * and cooldowns are checked in SQL by `answer_quest` (QS001..QS003).
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
  type ModalSubmitInteraction,
  type RepliableInteraction,
} from "discord.js";
import { z } from "zod";
import { asMember } from "../db.ts";
import type { BotContext } from "../context.ts";
import { actorOf, answer, customId, UserFacingError, type CustomId } from "../interaction.ts";
import { COLOURS } from "../render/embeds.ts";
import { coins, when } from "../render/format.ts";
import { modalField } from "./inputs.ts";
import { interactionKey } from "./player.ts";

/** `app_public.quest_board_entry` (the fields the bot uses). */
interface QuestEntry {
  id: string;
  kind: "trivia" | "check_in";
  title: string;
  prompt: string;
  choices: string[] | null;
  reward: string;
  next_attempt_at: Date | null;
  last_correct: boolean | null;
}

/** `app_public.quest_result`. */
interface QuestResult {
  correct: boolean;
  reward: string;
  balance: string;
  next_attempt_at: Date;
}

const answerField = z.string().trim().min(1, "Type an answer.").max(200, "Answers are at most 200 characters.");

async function board(ctx: BotContext, i: RepliableInteraction): Promise<QuestEntry[]> {
  return asMember(ctx.pool, actorOf(i), async (c) => (await c.query<QuestEntry>("select * from app_public.quest_board() limit 5")).rows);
}

/**
 * The quest board (hub *Quests*): up to five quests, each with its answer buttons, disabled while
 * on cooldown.
 *
 * @param ctx - the bot.
 * @param i - the interaction.
 */
export async function showQuests(ctx: BotContext, i: RepliableInteraction): Promise<void> {
  const quests = await board(ctx, i);
  if (quests.length === 0) throw new UserFacingError("There are no quests right now; check again tomorrow.");
  const now = new Date();
  const embed = new EmbedBuilder().setColor(COLOURS.brand).setTitle("🎯 Quests");
  const rows: ActionRowBuilder<ButtonBuilder>[] = [];
  for (const q of quests) {
    const waiting = q.next_attempt_at !== null && new Date(q.next_attempt_at) > now;
    embed.addFields({
      name: `${q.title} · ${coins(q.reward)}`,
      value: `${q.prompt}${waiting ? `\n*Next attempt ${when(q.next_attempt_at, "R")}*` : ""}`.slice(0, 1024),
    });
    const row = new ActionRowBuilder<ButtonBuilder>();
    if (q.kind === "check_in") {
      row.addComponents(new ButtonBuilder().setCustomId(customId("quest", "answer", q.id, "-")).setLabel("Check in").setStyle(ButtonStyle.Success).setDisabled(waiting));
    } else if (q.choices && q.choices.length > 0) {
      q.choices.slice(0, 5).forEach((choice, n) =>
        row.addComponents(new ButtonBuilder().setCustomId(customId("quest", "answer", q.id, n)).setLabel(choice.slice(0, 80)).setStyle(ButtonStyle.Secondary).setDisabled(waiting)),
      );
    } else {
      row.addComponents(new ButtonBuilder().setCustomId(customId("quest", "open", q.id)).setLabel("Answer").setStyle(ButtonStyle.Primary).setDisabled(waiting));
    }
    rows.push(row);
  }
  await answer(i, { embeds: [embed], components: rows });
}

async function submit(ctx: BotContext, i: RepliableInteraction, questId: string, text: string | null): Promise<void> {
  const result = await asMember(ctx.pool, actorOf(i), async (c) =>
    (await c.query<QuestResult>("select * from app_public.answer_quest($1, $2, $3)", [questId, text, interactionKey("quest", i.id)])).rows[0],
  );
  const embed = new EmbedBuilder()
    .setColor(result.correct ? COLOURS.ok : COLOURS.warn)
    .setTitle(result.correct ? "Correct!" : "Not quite")
    .addFields(
      { name: "Reward", value: coins(result.reward), inline: true },
      { name: "Balance", value: coins(result.balance), inline: true },
      { name: "Next attempt", value: when(result.next_attempt_at, "R"), inline: true },
    );
  await answer(i, { embeds: [embed] });
}

/**
 * Quest buttons: `quest:answer:<quest>:<choice index | ->` answers at once; `quest:open:<quest>`
 * opens the free-text modal.
 *
 * @param ctx - the bot.
 * @param i - the button interaction.
 * @param id - the parsed custom id.
 */
export async function questButton(ctx: BotContext, i: ButtonInteraction, id: CustomId): Promise<void> {
  const [questId, choice] = id.id.split(":");
  if (!/^\d+$/.test(questId ?? "")) throw new UserFacingError("That button is out of date.");
  if (id.action === "open") {
    const field = new TextInputBuilder().setCustomId("answer").setLabel("Your answer").setStyle(TextInputStyle.Short).setMaxLength(200).setRequired(true);
    await i.showModal(
      new ModalBuilder().setCustomId(customId("quest", "submit", questId)).setTitle("Quest").addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(field)),
    );
    return;
  }
  if (id.action !== "answer") throw new UserFacingError("That button is out of date.");
  let text: string | null = null;
  if (choice !== "-") {
    const quest = (await board(ctx, i)).find((q) => q.id === questId);
    const picked = quest?.choices?.[Number(choice)];
    if (!quest || picked === undefined) throw new UserFacingError("That quest is over; open Quests again.");
    text = picked;
  }
  await submit(ctx, i, questId, text);
}

/**
 * The free-text answer modal (`quest:submit:<quest>`).
 *
 * @param ctx - the bot.
 * @param i - the modal submission.
 * @param id - the parsed custom id.
 */
export async function questModal(ctx: BotContext, i: ModalSubmitInteraction, id: CustomId): Promise<void> {
  if (!/^\d+$/.test(id.id)) throw new UserFacingError("That form is out of date.");
  await submit(ctx, i, id.id, modalField(i, "answer", answerField));
}
