/**
 * Community tasks in Discord (issue 14): `/tasks`, `/task claim|submit|mine`, the task post's
 * Claim and Submit Proof buttons (`task:claim:<task>`, `task:proof:<task>` → modal
 * `task:submit:<task>`), and the review channel's Accept / Reject (`taskrev:accept:<claim>`,
 * `taskrev:reject:<claim>` → reason modal `taskrevm:reject:<claim>`). Every rule is checked in SQL
 * (claim_task, submit_task_proof, review_task_claim: TK001..TK013, PD001); the bot only states who
 * acts (the member's Discord roles for a task's required role, the staff role for a review).
 */
import {
  ActionRowBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type ModalSubmitInteraction,
  type RepliableInteraction,
} from "discord.js";
import { z } from "zod";
import { renderError } from "@guildbank/lib";
import { asMember, asStaff, asWorker, resolveStaffRole } from "../db.ts";
import type { BotContext } from "../context.ts";
import { actorOf, answer, customId, EPHEMERAL, UserFacingError, type CustomId } from "../interaction.ts";
import { myTasks, reviewMessage, taskList, money, type ClaimView, type MyClaimRow, type TaskListRow } from "../render/tasks.ts";
import { when } from "../render/format.ts";
import { modalField } from "./inputs.ts";
import { interactionKey } from "./player.ts";

/** A proof attachment as `submit_task_proof` takes it. */
export interface ProofAttachment {
  url: string;
  filename?: string;
  content_type?: string;
  size?: number;
}

const ID = /^\d{1,18}$/;
const proofText = z.string().trim().max(2000, "Proof text is at most 2,000 characters.");
const proofLinks = z
  .string()
  .trim()
  .max(1000)
  .transform((v) => (v ? v.split(/\s+/) : []))
  .refine((urls) => urls.length <= 5, "Give at most 5 links.")
  .refine((urls) => urls.every((u) => /^https:\/\/\S+$/.test(u) && u.length <= 2000), "Links must start with https://.");
const reviewNote = z.string().trim().min(3, "Give a reason of at least 3 characters; the member sees it.").max(500);

function taskIdOf(id: string): string {
  if (!ID.test(id)) throw new UserFacingError("That button is out of date.");
  return id;
}

/**
 * Claims a task as the member, stating the member's Discord roles (`app.discord_role_ids`) so a
 * task's required role is checked in SQL.
 *
 * @param ctx - the bot.
 * @param i - the interaction.
 * @param taskId - the task.
 */
async function claim(ctx: BotContext, i: RepliableInteraction, taskId: string): Promise<void> {
  const actor = actorOf(i);
  const row = await asMember(ctx.pool, actor, async (c) => {
    await c.query("select set_config('app.discord_role_ids', $1, true)", [`{${actor.roleIds.filter((r) => /^\d+$/.test(r)).join(",")}}`]);
    return (
      await c.query<{ deadline: Date; name: string; reward: string }>(
        `select c.deadline, t.name, t.reward::text from app_public.claim_task($1, $2) c join app_public.tasks t on t.id = c.task_id`,
        [taskId, interactionKey("task-claim", i.id)],
      )
    ).rows[0];
  });
  await answer(i, `You claimed **${row.name}** (${money(row.reward)}). Submit your proof before ${when(row.deadline)} (${when(row.deadline, "R")}) with **Submit Proof** or \`/task submit\`.`);
}

async function submit(ctx: BotContext, i: RepliableInteraction, taskId: string, text: string, files: ProofAttachment[]): Promise<void> {
  const name = await asMember(ctx.pool, actorOf(i), async (c) => {
    const { rows } = await c.query<{ name: string }>(
      `select t.name from app_public.submit_task_proof($1, $2, $3::jsonb, $4) c join app_public.tasks t on t.id = c.task_id`,
      [taskId, text, JSON.stringify(files), interactionKey("task-proof", i.id)],
    );
    return rows[0].name;
  });
  await answer(i, `Your proof for **${name}** was sent to the staff for review${files.length ? ` (${files.length} attachment${files.length > 1 ? "s" : ""})` : ""}. You will get a DM when it is reviewed.`);
}

/**
 * `/tasks`: the guild's open tasks with Claim buttons.
 *
 * @param ctx - the bot.
 * @param i - the command or button.
 */
export async function showTasks(ctx: BotContext, i: RepliableInteraction): Promise<void> {
  const rows = await asMember(ctx.pool, actorOf(i), async (c) =>
    (
      await c.query<TaskListRow>(
        `select t.id::text, t.name, t.reward::text, t.max_claims, app_public.tasks_slots_taken(t) as slots_taken, t.expires_at, t.category
           from app_public.tasks t
          where t.status = 'active' and (t.expires_at is null or t.expires_at > now())
            and (cardinality(t.assigned_member_ids) = 0 or app_public.current_discord_id() = any (t.assigned_member_ids))
          order by t.created_at desc limit 10`,
      )
    ).rows,
  );
  if (rows.length === 0) throw new UserFacingError("There are no open tasks right now.");
  await answer(i, taskList(rows));
}

/**
 * `/task claim|submit|mine`.
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function taskCommand(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const sub = i.options.getSubcommand(true);
  if (sub === "claim") return claim(ctx, i, String(i.options.getInteger("task", true)));
  if (sub === "submit") {
    const text = proofText.safeParse(i.options.getString("proof") ?? "");
    if (!text.success) throw new UserFacingError(text.error.issues[0].message);
    const file = i.options.getAttachment("attachment");
    const files: ProofAttachment[] = file
      ? [{ url: file.url, filename: file.name.slice(0, 200), ...(file.contentType ? { content_type: file.contentType.slice(0, 100) } : {}), size: file.size }]
      : [];
    return submit(ctx, i, String(i.options.getInteger("task", true)), text.data, files);
  }
  if (sub === "mine") {
    const rows = await asMember(ctx.pool, actorOf(i), async (c) =>
      (
        await c.query<MyClaimRow>(
          `select c.task_id::text, t.name as task_name, c.status, c.deadline, c.review_note, t.reward::text
             from app_public.my_task_claims() c join app_public.tasks t on t.id = c.task_id`,
        )
      ).rows,
    );
    await answer(i, { embeds: [myTasks(rows)] });
    return;
  }
  throw new UserFacingError("That command is not available any more.");
}

/**
 * The task post's buttons: Claim claims at once; Submit Proof opens the proof modal.
 *
 * @param ctx - the bot.
 * @param i - the button.
 * @param id - `task:claim:<task>` or `task:proof:<task>`.
 */
export async function taskButton(ctx: BotContext, i: ButtonInteraction, id: CustomId): Promise<void> {
  const taskId = taskIdOf(id.id);
  if (id.action === "claim") return claim(ctx, i, taskId);
  if (id.action !== "proof") throw new UserFacingError("That button is out of date.");
  const text = new TextInputBuilder().setCustomId("proof").setLabel("What did you do?").setStyle(TextInputStyle.Paragraph).setMaxLength(2000).setRequired(false);
  const links = new TextInputBuilder()
    .setCustomId("links")
    .setLabel("Links to screenshots (https, space-separated)")
    .setStyle(TextInputStyle.Short)
    .setMaxLength(1000)
    .setRequired(false);
  await i.showModal(
    new ModalBuilder()
      .setCustomId(customId("task", "submit", taskId))
      .setTitle("Submit proof")
      .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(text), new ActionRowBuilder<TextInputBuilder>().addComponents(links)),
  );
}

/**
 * The proof modal (`task:submit:<task>`): text and links (files go through `/task submit`'s
 * attachment option).
 *
 * @param ctx - the bot.
 * @param i - the modal submission.
 * @param id - the parsed custom id.
 */
export async function taskModal(ctx: BotContext, i: ModalSubmitInteraction, id: CustomId): Promise<void> {
  if (id.action !== "submit") throw new UserFacingError("That form is out of date.");
  const taskId = taskIdOf(id.id);
  const text = modalField(i, "proof", proofText);
  const links = modalField(i, "links", proofLinks);
  const files = links.map((url) => ({ url, filename: decodeURIComponent(new URL(url).pathname.split("/").pop() || "link").slice(0, 200) }));
  await submit(ctx, i, taskId, text, files);
}

async function loadClaim(ctx: BotContext, claimId: string): Promise<ClaimView | null> {
  return asWorker(ctx.pool, async (c) => (await c.query<{ c: ClaimView | null }>("select app_hidden.discord_task_claim($1) as c", [claimId])).rows[0].c);
}

async function review(ctx: BotContext, i: ButtonInteraction | ModalSubmitInteraction, claimId: string, accept: boolean, note: string): Promise<void> {
  const actor = actorOf(i);
  const role = await resolveStaffRole(ctx.pool, actor);
  if (!role) throw new UserFacingError(renderError("PD001"));
  await asStaff(ctx.pool, actor, role, (c) =>
    c.query("select 1 from app_public.review_task_claim($1, $2, $3, $4)", [claimId, accept, note, interactionKey("task-review", i.id)]),
  );
  const view = await loadClaim(ctx, claimId);
  const done = accept ? `Accepted: ${view ? money(view.reward, view.currency, view.scale) : "the reward"} paid to <@${view?.member_discord_id}>.` : `Rejected. Reason: ${note}`;
  const fromMessage = i.isButton() || (i.isModalSubmit() && i.isFromMessage());
  if (view && fromMessage) {
    await (i as ButtonInteraction).update(reviewMessage(view));
    await i.followUp({ content: done, flags: EPHEMERAL });
  } else {
    await answer(i, done);
  }
}

/**
 * The review channel's buttons: Accept reviews at once; Reject opens the reason modal. Members
 * without a staff role are refused before anything happens (the role is checked again in SQL).
 *
 * @param ctx - the bot.
 * @param i - the button.
 * @param id - `taskrev:accept:<claim>` or `taskrev:reject:<claim>`.
 */
export async function taskReviewButton(ctx: BotContext, i: ButtonInteraction, id: CustomId): Promise<void> {
  const claimId = taskIdOf(id.id);
  if (id.action === "accept") return review(ctx, i, claimId, true, "");
  if (id.action !== "reject") throw new UserFacingError("That button is out of date.");
  if (!(await resolveStaffRole(ctx.pool, actorOf(i)))) throw new UserFacingError(renderError("PD001"));
  const reason = new TextInputBuilder()
    .setCustomId("reason")
    .setLabel("Why? (the member sees this)")
    .setStyle(TextInputStyle.Paragraph)
    .setMinLength(3)
    .setMaxLength(500)
    .setRequired(true);
  await i.showModal(
    new ModalBuilder()
      .setCustomId(customId("taskrevm", "reject", claimId))
      .setTitle("Reject the proof")
      .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(reason)),
  );
}

/**
 * The rejection reason modal (`taskrevm:reject:<claim>`).
 *
 * @param ctx - the bot.
 * @param i - the modal submission.
 * @param id - the parsed custom id.
 */
export async function taskReviewModal(ctx: BotContext, i: ModalSubmitInteraction, id: CustomId): Promise<void> {
  if (id.action !== "reject") throw new UserFacingError("That form is out of date.");
  await review(ctx, i, taskIdOf(id.id), false, modalField(i, "reason", reviewNote));
}
