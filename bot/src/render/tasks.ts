/**
 * The messages of community tasks (issue 14): the task post in the task channel (state edited in
 * place: slots, completions, expiry), the proof post in the review channel (Accept / Reject while
 * it waits), the member's DM after a review, and the member's own lists. Pure functions of what
 * `app_hidden.discord_task` / `discord_task_claim` and the member's reads return.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder } from "discord.js";
import { customId } from "../interaction.ts";
import { COLOURS, type ButtonRow } from "./embeds.ts";
import { mention, when } from "./format.ts";

/**
 * Formats an amount in integer minor units with its currency and scale (COIN has scale 0).
 *
 * @param amount - minor units (decimal string, number or bigint).
 * @param currency - the currency code (COIN shows as "coins").
 * @param scale - decimals of the currency's unit.
 * @returns e.g. `1,250 coins` or `12.50 MCD`.
 */
export function money(amount: string | number | bigint, currency = "COIN", scale = 0): string {
  const n = BigInt(amount);
  const neg = n < 0n;
  const abs = neg ? -n : n;
  const unit = 10n ** BigInt(scale);
  const whole = (abs / unit).toLocaleString("en-US");
  const frac = scale > 0 ? `.${(abs % unit).toString().padStart(scale, "0")}` : "";
  const label = currency === "COIN" ? (abs === unit && scale === 0 ? "coin" : "coins") : currency;
  return `${neg ? "-" : ""}${whole}${frac} ${label}`;
}

/** `app_hidden.discord_task` (what the task post shows). */
export interface TaskView {
  id: string;
  guild_id: string;
  name: string;
  description: string;
  reward: string;
  currency: string;
  scale: number;
  category: string;
  duration_hours: number;
  expires_at: string | null;
  max_claims: number | null;
  assigned_member_ids: string[];
  required_role_id: string | null;
  grant_role_id: string | null;
  proof_required: boolean;
  status: "active" | "closed" | "expired" | "deleted";
  slots_taken: number;
  completed: number;
  channel_id: string | null;
  message_id: string | null;
  sync_state: "pending" | "synced" | "orphaned";
  /** When the task last changed (the job records its result against it). */
  updated_at: string;
  task_channel_id: string | null;
  review_messages: { claim_id: string; channel_id: string; message_id: string }[];
}

/** `app_hidden.discord_task_claim` (the proof post, role grant and DM). */
export interface ClaimView {
  id: string;
  guild_id: string;
  task_id: string;
  task_name: string;
  reward: string;
  currency: string;
  scale: number;
  status: "in_progress" | "submitted" | "accepted" | "rejected" | "expired";
  member_discord_id: string;
  member_name: string;
  claimed_at: string;
  deadline: string;
  submitted_at: string | null;
  proof_text: string;
  proof_attachments: { url: string; filename?: string; content_type?: string; size?: number }[];
  reviewer_id: string | null;
  review_note: string;
  reviewed_at: string | null;
  grant_role_id: string | null;
  role_status: string;
  dm_status: string;
  review_channel_id: string | null;
  review_message_id: string | null;
  guild_review_channel_id: string | null;
  task_deleted: boolean;
}

const STATUS_TITLE: Record<TaskView["status"], string> = { active: "📋 Task", closed: "🔒 Closed task", expired: "⌛ Expired task", deleted: "Deleted task" };

/**
 * The task post in the task channel: name, description, reward, slots, completions, deadline and
 * expiry; Claim and Submit Proof buttons while the task is open and has a free slot.
 *
 * @param t - the task.
 * @returns embed and buttons (`task:claim:<id>`, `task:proof:<id>`).
 */
export function taskMessage(t: TaskView): { embeds: EmbedBuilder[]; components: ButtonRow[] } {
  const open = t.status === "active" && (t.expires_at === null || new Date(t.expires_at) > new Date());
  const full = t.max_claims !== null && t.slots_taken >= t.max_claims;
  const embed = new EmbedBuilder()
    .setColor(open ? (full ? COLOURS.warn : COLOURS.brand) : COLOURS.muted)
    .setTitle(`${STATUS_TITLE[t.status]}: ${t.name}`.slice(0, 256))
    .addFields(
      { name: "Reward", value: money(t.reward, t.currency, t.scale), inline: true },
      { name: "Slots", value: t.max_claims === null ? `${t.slots_taken} taken (unlimited)` : `${t.slots_taken} of ${t.max_claims} taken${full ? " (full)" : ""}`, inline: true },
      { name: "Completed", value: String(t.completed), inline: true },
      { name: "Time to finish", value: `${t.duration_hours} h after claiming`, inline: true },
      { name: open ? "Closes" : "Status", value: open ? (t.expires_at ? when(t.expires_at, "R") : "never") : t.status, inline: true },
      { name: "Category", value: t.category, inline: true },
    )
    .setFooter({ text: `task ${t.id}${t.proof_required ? " · proof required" : ""}` });
  if (t.description) embed.setDescription(t.description.slice(0, 4000));
  const who: string[] = [];
  if (t.assigned_member_ids.length) who.push(`Assigned to ${t.assigned_member_ids.map(mention).join(", ")}`.slice(0, 1000));
  if (t.required_role_id) who.push(`Needs <@&${t.required_role_id}>`);
  if (t.grant_role_id) who.push(`Grants <@&${t.grant_role_id}>`);
  if (who.length) embed.addFields({ name: "Who", value: who.join("\n") });
  const components = open
    ? [
        new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId(customId("task", "claim", t.id)).setLabel("Claim").setStyle(ButtonStyle.Success).setDisabled(full),
          new ButtonBuilder().setCustomId(customId("task", "proof", t.id)).setLabel("Submit Proof").setStyle(ButtonStyle.Primary),
        ),
      ]
    : [];
  return { embeds: [embed], components };
}

const CLAIM_STATUS: Record<ClaimView["status"], { label: string; colour: number }> = {
  in_progress: { label: "In progress", colour: COLOURS.info },
  submitted: { label: "Waiting for review", colour: COLOURS.brand },
  accepted: { label: "Accepted", colour: COLOURS.ok },
  rejected: { label: "Rejected", colour: COLOURS.bad },
  expired: { label: "Expired", colour: COLOURS.muted },
};

/**
 * The proof post in the review channel: who, which task, the proof text and attachments (the first
 * image shown), and Accept / Reject while it waits; afterwards the outcome, reviewer and note.
 *
 * @param c - the claim.
 * @returns embed and buttons (`taskrev:accept:<claim>`, `taskrev:reject:<claim>`).
 */
export function reviewMessage(c: ClaimView): { embeds: EmbedBuilder[]; components: ButtonRow[] } {
  const s = CLAIM_STATUS[c.status];
  const embed = new EmbedBuilder()
    .setColor(s.colour)
    .setTitle(`Proof: ${c.task_name}`.slice(0, 256))
    .setDescription((c.proof_text || "*(no text)*").slice(0, 4000))
    .addFields(
      { name: "Member", value: mention(c.member_discord_id), inline: true },
      { name: "Reward", value: money(c.reward, c.currency, c.scale), inline: true },
      { name: "Status", value: s.label, inline: true },
      { name: "Submitted", value: when(c.submitted_at), inline: true },
    )
    .setFooter({ text: `claim ${c.id} · task ${c.task_id}` });
  if (c.proof_attachments.length) {
    embed.addFields({
      name: "Attachments",
      value: c.proof_attachments.map((a) => `[${(a.filename ?? "file").replace(/[[\]]/g, "")}](${a.url})`).join("\n").slice(0, 1024),
    });
    const image = c.proof_attachments.find((a) => (a.content_type ?? "").startsWith("image/") || /\.(png|jpe?g|gif|webp)(\?|$)/i.test(a.url));
    if (image) embed.setImage(image.url);
  }
  if (c.status === "accepted" || c.status === "rejected") {
    embed.addFields({ name: "Reviewed by", value: `${mention(c.reviewer_id)} ${when(c.reviewed_at, "R")}${c.review_note ? `\n> ${c.review_note}` : ""}`.slice(0, 1024) });
  }
  const components =
    c.status === "submitted"
      ? [
          new ActionRowBuilder<ButtonBuilder>().addComponents(
            new ButtonBuilder().setCustomId(customId("taskrev", "accept", c.id)).setLabel("Accept").setStyle(ButtonStyle.Success),
            new ButtonBuilder().setCustomId(customId("taskrev", "reject", c.id)).setLabel("Reject").setStyle(ButtonStyle.Danger),
          ),
        ]
      : [];
  return { embeds: [embed], components };
}

/**
 * The member's DM after a review.
 *
 * @param c - the reviewed claim.
 * @returns the embed.
 */
export function reviewDm(c: ClaimView): EmbedBuilder {
  const accepted = c.status === "accepted";
  const embed = new EmbedBuilder()
    .setColor(accepted ? COLOURS.ok : COLOURS.bad)
    .setTitle(accepted ? `Task completed: ${c.task_name}` : `Task not accepted: ${c.task_name}`)
    .setDescription(
      accepted
        ? `Your proof was accepted and **${money(c.reward, c.currency, c.scale)}** were added to your wallet.`
        : "Your proof was not accepted. You may claim the task again while it has free slots.",
    );
  if (c.review_note) embed.addFields({ name: "Note from the reviewer", value: c.review_note.slice(0, 1024) });
  if (accepted && c.grant_role_id) embed.addFields({ name: "Role", value: `You were given <@&${c.grant_role_id}>.` });
  return embed;
}

/** A task as `/tasks` lists it (a row of `app_public.tasks` with its computed columns). */
export interface TaskListRow {
  id: string;
  name: string;
  reward: string;
  max_claims: number | null;
  slots_taken: number;
  expires_at: string | null;
  category: string;
}

/**
 * `/tasks`: the open tasks (up to 10) with a Claim button for the first five.
 *
 * @param rows - the open tasks.
 * @returns embed and buttons.
 */
export function taskList(rows: TaskListRow[]): { embeds: EmbedBuilder[]; components: ButtonRow[] } {
  const embed = new EmbedBuilder().setColor(COLOURS.brand).setTitle("📋 Open tasks");
  for (const t of rows.slice(0, 10)) {
    const slots = t.max_claims === null ? "unlimited slots" : `${Math.max(t.max_claims - t.slots_taken, 0)} of ${t.max_claims} slots left`;
    embed.addFields({ name: `#${t.id} ${t.name} · ${money(t.reward)}`.slice(0, 256), value: `${t.category} · ${slots}${t.expires_at ? ` · closes ${when(t.expires_at, "R")}` : ""}` });
  }
  const claimable = rows.filter((t) => t.max_claims === null || t.slots_taken < t.max_claims).slice(0, 5);
  const components = claimable.length
    ? [new ActionRowBuilder<ButtonBuilder>().addComponents(claimable.map((t) => new ButtonBuilder().setCustomId(customId("task", "claim", t.id)).setLabel(`Claim #${t.id}`.slice(0, 80)).setStyle(ButtonStyle.Success)))]
    : [];
  return { embeds: [embed], components };
}

/** A claim as `/task mine` lists it. */
export interface MyClaimRow {
  task_id: string;
  task_name: string;
  status: ClaimView["status"];
  deadline: string;
  review_note: string;
  reward: string;
}

/**
 * `/task mine`: the member's claims, live ones first.
 *
 * @param rows - the claims.
 * @returns the embed.
 */
export function myTasks(rows: MyClaimRow[]): EmbedBuilder {
  const embed = new EmbedBuilder().setColor(COLOURS.info).setTitle("Your tasks");
  if (rows.length === 0) return embed.setDescription("You have no tasks yet: see **/tasks**.");
  for (const r of rows.slice(0, 15)) {
    const extra = r.status === "in_progress" ? ` · due ${when(r.deadline, "R")}` : r.review_note ? ` · “${r.review_note.slice(0, 200)}”` : "";
    embed.addFields({ name: `#${r.task_id} ${r.task_name}`.slice(0, 256), value: `${CLAIM_STATUS[r.status].label} · ${money(r.reward)}${extra}` });
  }
  return embed;
}
