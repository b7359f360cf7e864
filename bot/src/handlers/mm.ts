/**
 * The middleman's interactions (issue 13, seed 004). Every handler parses ids and fields with zod,
 * calls one SQL rule (as the member, or as staff: Discord's Administrator permission counts as
 * ADMIN, a mapped staff role as mapped) and answers ephemerally; Discord itself is changed only by
 * the `discord__mm_*` jobs the rule's trail queues (tasks/mm.ts). A stranger's click, a double click
 * or a wrong amount gets the rule's refusal (db/ERRORS.md) and moves nothing.
 *
 * Custom ids: buttons `mm:<action>:<trade>[:<which>]` (start and link on the public embed; tag, form, copy, cancel, confirm,
 * scam, evidence, freeze, reqev, adj), modals `mmf:<action>:<trade>[:<which>]`.
 */
import {
  ActionRowBuilder,
  FileUploadBuilder,
  LabelBuilder,
  ModalBuilder,
  PermissionFlagsBits,
  TextInputBuilder,
  TextInputStyle,
  type Attachment,
  type BaseInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type ModalSubmitInteraction,
  type UserSelectMenuInteraction,
} from "discord.js";
import { z } from "zod";
import { parseAmount, renderError, STAFF_ROLES, type StaffRole } from "@guildbank/lib";
import { asMember, asStaff, resolveStaffRole, type Actor } from "../db.ts";
import type { BotContext } from "../context.ts";
import { actorOf, answer, customId, UserFacingError, type CustomId } from "../interaction.ts";
import { mcd, payAmount } from "../render/mm.ts";
import { modalField, reasonField } from "./inputs.ts";
import { interactionKey } from "./player.ts";

const tradeIdSchema = z.string().regex(/^\d{1,18}$/, "That button is out of date.");
/** A trade as members write it: `mm-12`, `#mm-12` or `12`. */
const tradeRef = z
  .string()
  .trim()
  .transform((v) => v.replace(/^#?mm-/i, ""))
  .pipe(z.string().regex(/^\d{1,18}$/, "Name the trade as mm-<number>."));
const ignField = z
  .string()
  .trim()
  .refine((v) => v === "" || /^[A-Za-z0-9_]{3,16}$/.test(v), "A Minecraft name has 3 to 16 letters, digits or underscores (leave it blank to use the linked one).")
  .transform((v) => (v === "" ? null : v));
const roleField = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => v === "buyer" || v === "seller", "Write buyer or seller: your role in this trade.");
/** An MCD amount as players write it (`1500`, `1,500.50`, `$2.5k`), in cents. */
export const mcdField = (label: string) =>
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      const r = parseAmount(v, 100_000_000_000_000n);
      if (!r.ok) {
        ctx.addIssue({ code: "custom", message: `${label} must be an amount like 1500, 1,500.50 or 2.5k (at most two decimals).` });
        return z.NEVER;
      }
      return r.minor;
    });

function tradeOf(id: CustomId): string {
  const parsed = tradeIdSchema.safeParse(id.id.split(":")[0]);
  if (!parsed.success) throw new UserFacingError("That button is out of date.");
  return parsed.data;
}

const ROLE_ORDER: readonly string[] = STAFF_ROLES;

/**
 * The staff role of the member acting in an interaction: Discord's Administrator permission is
 * ADMIN (seed 004: "Admins = any Discord user with Administrator permission"), a mapped role or
 * the guild ownership may give more (SUPERADMIN); null for members without either.
 *
 * @param ctx - the bot.
 * @param i - the interaction.
 * @returns the role, or null.
 */
export async function mmStaffRole(ctx: BotContext, i: BaseInteraction): Promise<StaffRole | null> {
  const mapped = await resolveStaffRole(ctx.pool, actorOf(i));
  const admin: StaffRole | null = i.memberPermissions?.has(PermissionFlagsBits.Administrator) ? "ADMIN" : null;
  if (!mapped) return admin;
  if (!admin) return mapped;
  return ROLE_ORDER.indexOf(mapped) <= ROLE_ORDER.indexOf(admin) ? mapped : admin;
}

async function requireStaff(ctx: BotContext, i: BaseInteraction): Promise<{ actor: Actor; role: StaffRole }> {
  const role = await mmStaffRole(ctx, i);
  if (!role) throw new UserFacingError(renderError("PD001"));
  return { actor: actorOf(i), role };
}

function textInput(id: string, label: string, style = TextInputStyle.Short, required = true, max = 100): TextInputBuilder {
  return new TextInputBuilder().setCustomId(id).setLabel(label).setStyle(style).setRequired(required).setMaxLength(max);
}

function modal(id: string, title: string, inputs: TextInputBuilder[]): ModalBuilder {
  return new ModalBuilder()
    .setCustomId(id)
    .setTitle(title)
    .addComponents(...inputs.map((t) => new ActionRowBuilder<TextInputBuilder>().addComponents(t)));
}

/**
 * Start Middleman (the public embed's button): opens (or returns) the member's ticket; the
 * `discord__mm_ticket` job creates its private channel.
 *
 * @param ctx - the bot.
 * @param i - the button.
 */
async function start(ctx: BotContext, i: ButtonInteraction): Promise<void> {
  const actor = actorOf(i);
  const trade = await asMember(ctx.pool, actor, async (c) =>
    (await c.query<{ id: string; short_id: string; channel_id: string | null }>("select id::text, short_id, channel_id::text from app_public.mm_open_trade($1)", [interactionKey("mm-start", i.id)])).rows[0],
  );
  await answer(
    i,
    trade.channel_id
      ? `Your ticket ${trade.short_id} is open: <#${trade.channel_id}>.`
      : `Opening your private ticket ${trade.short_id}: it appears in a moment. Tag the user you want to trade with there.`,
  );
}

/** Members' buttons and staff buttons in tickets and escalations. */
export async function mmButton(ctx: BotContext, i: ButtonInteraction, id: CustomId): Promise<void> {
  if (id.action === "start") return start(ctx, i);
  if (id.action === "link") return linkCommand(ctx, i);
  const trade = tradeOf(id);
  const which = id.id.split(":")[1] ?? "";
  const actor = actorOf(i);
  switch (id.action) {
    case "form":
      await i.showModal(
        modal(customId("mmf", "form", trade), "Generate Verification Amounts", [
          textInput("role", "Your role: buyer or seller").setPlaceholder("buyer").setMaxLength(6),
          textInput("seller_ign", "Seller Minecraft IGN (blank: linked)", TextInputStyle.Short, false, 16),
          textInput("buyer_ign", "Buyer Minecraft IGN (blank: linked)", TextInputStyle.Short, false, 16),
          textInput("sale", "Sale amount (e.g. 1500, 2.5k)").setMaxLength(20),
          textInput("notes", "Notes / item description", TextInputStyle.Paragraph, false, 1000),
        ]),
      );
      return;
    case "copy": {
      // Readable by the parties only (RLS): a stranger gets "out of date".
      const row = await asMember(ctx.pool, actor, async (c) =>
        (
          await c.query<{ seller_verify_amount: string | null; buyer_verify_amount: string | null; sale_amount: string | null; bot_ign: string }>(
            `select t.seller_verify_amount::text, t.buyer_verify_amount::text, t.sale_amount::text, s.mm_bot_ign as bot_ign
               from app_public.mm_trades t join app_public.guild_settings s on s.guild_id = t.guild_id where t.id = $1`,
            [trade],
          )
        ).rows[0],
      );
      const amount = which === "seller" ? row?.seller_verify_amount : which === "buyer" ? row?.buyer_verify_amount : row?.sale_amount;
      if (!row || !amount) throw new UserFacingError(renderError("MM003", { trade: `mm-${trade}` }));
      await i.showModal(
        modal(customId("mmf", "copy", trade), `Pay ${mcd(amount)} to ${row.bot_ign}`, [
          textInput("pay", "Copy this into Minecraft chat").setValue(`/pay ${row.bot_ign} ${payAmount(amount)}`).setMaxLength(60),
        ]),
      );
      return;
    }
    case "cancel":
      await i.showModal(modal(customId("mmf", "cancel", trade), "Cancel the trade", [textInput("reason", "Why (optional)", TextInputStyle.Paragraph, false, 500)]));
      return;
    case "confirm": {
      const t = await asMember(ctx.pool, actor, async (c) => (await c.query<{ short_id: string }>("select short_id from app_public.mm_confirm_delivery($1)", [trade])).rows[0]);
      await answer(i, `Delivery confirmed: ${t.short_id} is completed and the seller's payout is queued.`);
      return;
    }
    case "scam":
      await i.showModal(modal(customId("mmf", "scam", trade), "Mark as Scammed", [textInput("reason", "What happened", TextInputStyle.Paragraph, true, 1000)]));
      return;
    case "evidence":
      // Files are uploaded in the modal itself (Discord's file upload component), beside a link and a note.
      await i.showModal(
        new ModalBuilder()
          .setCustomId(customId("mmf", "evidence", trade))
          .setTitle("Attach Evidence")
          .addLabelComponents(
            new LabelBuilder()
              .setLabel("Screenshots or files (up to 3)")
              .setFileUploadComponent(new FileUploadBuilder().setCustomId("files").setMinValues(0).setMaxValues(3).setRequired(false)),
            new LabelBuilder().setLabel("Link (https://…)").setTextInputComponent(new TextInputBuilder().setCustomId("url").setStyle(TextInputStyle.Short).setRequired(false).setMaxLength(500)),
            new LabelBuilder().setLabel("What it shows").setTextInputComponent(new TextInputBuilder().setCustomId("note").setStyle(TextInputStyle.Paragraph).setRequired(false).setMaxLength(1000)),
          ),
      );
      return;
    case "freeze":
    case "reqev":
    case "adj": {
      await requireStaff(ctx, i);
      if (id.action === "adj" && !["buyer", "seller", "split"].includes(which)) throw new UserFacingError("That button is out of date.");
      const inputs = [textInput("reason", id.action === "reqev" ? "What evidence is needed" : "Reason (goes into the audit log)", TextInputStyle.Paragraph, true, 500)];
      if (which === "split") inputs.unshift(textInput("buyer_amount", "Amount back to the buyer (e.g. 400)").setMaxLength(20));
      const title = id.action === "freeze" ? "Freeze Funds" : id.action === "reqev" ? "Request Evidence" : `Adjudicate: ${which === "split" ? "Split" : `Give ${which}`}`;
      await i.showModal(modal(customId("mmf", id.action, trade, ...(which ? [which] : [])), title, inputs));
      return;
    }
    default:
      throw new UserFacingError("That button is out of date.");
  }
}

/** The ticket's "Tag the user you want to trade with" menu. */
export async function mmUserSelect(ctx: BotContext, i: UserSelectMenuInteraction, id: CustomId): Promise<void> {
  if (id.action !== "tag") throw new UserFacingError("That menu is out of date.");
  const trade = tradeOf(id);
  const other = z.string().regex(/^\d{1,20}$/).safeParse(i.values[0]);
  if (!other.success) throw new UserFacingError(renderError("MM010", { why: "missing" }));
  await asMember(ctx.pool, actorOf(i), (c) => c.query("select 1 from app_public.mm_set_counterparty($1, $2)", [trade, other.data]));
  await answer(i, `<@${other.data}> can now see this ticket. Next: **Generate Verification Amounts**.`);
}

/** The middleman's modals. */
export async function mmModal(ctx: BotContext, i: ModalSubmitInteraction, id: CustomId): Promise<void> {
  const trade = tradeOf(id);
  const which = id.id.split(":")[1] ?? "";
  const actor = actorOf(i);
  switch (id.action) {
    case "form": {
      const role = modalField(i, "role", roleField);
      const seller = modalField(i, "seller_ign", ignField);
      const buyer = modalField(i, "buyer_ign", ignField);
      const sale = modalField(i, "sale", mcdField("The sale amount"));
      const notes = modalField(i, "notes", z.string().trim().max(1000));
      const t = await asMember(ctx.pool, actor, async (c) =>
        (
          await c.query<{ short_id: string; seller_verify_amount: string; buyer_verify_amount: string }>(
            "select short_id, seller_verify_amount::text, buyer_verify_amount::text from app_public.mm_submit_form($1, $2, $3, $4, $5, $6)",
            [trade, role, seller, buyer, sale.toString(), notes],
          )
        ).rows[0],
      );
      await answer(i, `Verification amounts for ${t.short_id}: seller ${mcd(t.seller_verify_amount)}, buyer ${mcd(t.buyer_verify_amount)}. Use **Copy Pay** in the ticket.`);
      return;
    }
    case "copy":
      await answer(i, "Paste the command into Minecraft chat; the ticket turns ✅ within seconds of the payment.");
      return;
    case "cancel": {
      const reason = modalField(i, "reason", z.string().trim().max(500));
      const t = await asMember(ctx.pool, actor, async (c) => (await c.query<{ short_id: string }>("select short_id from app_public.mm_cancel_trade($1, $2)", [trade, reason || "Cancel Trade button"])).rows[0]);
      await answer(i, `${t.short_id} is cancelled; verification payments already made are paid back by /pay.`);
      return;
    }
    case "scam": {
      const reason = modalField(i, "reason", z.string().trim().min(3, "Say briefly what happened (3 characters or more).").max(1000));
      const t = await asMember(ctx.pool, actor, async (c) => (await c.query<{ short_id: string }>("select short_id from app_public.mm_mark_scammed($1, $2)", [trade, reason])).rows[0]);
      await answer(i, `${t.short_id} is frozen and support has been told. Add screenshots with **Attach Evidence**.`);
      return;
    }
    case "evidence": {
      const url = modalField(i, "url", z.string().trim().max(500));
      const note = modalField(i, "note", z.string().trim().max(1000));
      let uploaded: Attachment[] = [];
      try {
        uploaded = [...(i.fields.getUploadedFiles("files") ?? new Map()).values()];
      } catch {
        uploaded = []; // a modal without the upload field (an older ticket's button)
      }
      const files = attachmentsJson(uploaded);
      const role = await mmStaffRole(ctx, i);
      // Uploaded files: one evidence event with their URLs and metadata (and the note); a link alone: as before.
      const call = async (c: import("pg").PoolClient) => {
        if (files) await c.query("select 1 from app_public.mm_attach_files($1, $2::jsonb, $3)", [trade, files, note]);
        if (!files || url) await c.query("select 1 from app_public.mm_attach_evidence($1, $2, $3)", [trade, url, files ? "" : note]);
      };
      // Staff who are not a party attach as staff; everybody else as a member (a stranger: MM003).
      try {
        await asMember(ctx.pool, actor, call);
      } catch (err) {
        if (!role) throw err;
        await asStaff(ctx.pool, actor, role, call);
      }
      await answer(i, uploaded.length ? `${uploaded.length} file(s) added to the trade's evidence.` : "Evidence added to the trade's record.");
      return;
    }
    case "freeze":
    case "reqev":
    case "adj": {
      const { role } = await requireStaff(ctx, i);
      const reason = modalField(i, "reason", reasonField);
      if (id.action === "freeze") {
        await asStaff(ctx.pool, actor, role, (c) => c.query("select 1 from app_public.mm_freeze($1, $2)", [trade, reason]), reason);
        await answer(i, `mm-${trade} is frozen.`);
      } else if (id.action === "reqev") {
        await asStaff(ctx.pool, actor, role, (c) => c.query("select 1 from app_public.mm_request_evidence($1, $2)", [trade, reason]), reason);
        await answer(i, "The parties were asked for evidence in their ticket.");
      } else {
        const decision = z.enum(["buyer", "seller", "split"]).parse(which);
        const buyerAmount = decision === "split" ? modalField(i, "buyer_amount", mcdField("The buyer's amount")) : null;
        await adjudicate(ctx, actor, role, trade, decision, buyerAmount, reason);
        await answer(i, `mm-${trade} adjudicated (${decision}); payouts are queued.`);
      }
      return;
    }
    default:
      throw new UserFacingError("That form is out of date.");
  }
}

async function adjudicate(ctx: BotContext, actor: Actor, role: StaffRole, trade: string, decision: string, buyerAmount: bigint | null, reason: string): Promise<void> {
  await asStaff(
    ctx.pool,
    actor,
    role,
    (c) => c.query("select 1 from app_public.mm_adjudicate($1, $2, $3, $4)", [trade, decision, buyerAmount?.toString() ?? null, reason]),
    reason,
  );
}

const SETTINGS: Record<string, { setting: string; option: "channel" | "role" }> = {
  "set-public-channel": { setting: "public_channel", option: "channel" },
  "set-log-channel": { setting: "log_channel", option: "channel" },
  "set-staff-channel": { setting: "staff_channel", option: "channel" },
  "set-support-role": { setting: "support_role", option: "role" },
};

/**
 * `/mm …`: set-public-channel, set-log-channel, set-staff-channel, set-support-role (ADMIN),
 * freeze (SUPPORT+), adjudicate (ADMIN), history (anyone).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function mmCommand(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const sub = i.options.getSubcommand(true);
  const actor = actorOf(i);
  if (sub === "history") {
    const who = i.options.getUser("member")?.id ?? actor.discordId;
    const rows = await asMember(ctx.pool, actor, async (c) =>
      (await c.query<{ short_id: string; role: string; status: string; sale_amount: string; closed_at: Date }>("select short_id, role, status::text, sale_amount::text, closed_at from app_public.mm_history($1)", [who])).rows,
    );
    await answer(i, rows.length ? rows.map((r) => `${r.short_id} · ${r.role} · ${r.status} · ${mcd(r.sale_amount)} · <t:${Math.floor(new Date(r.closed_at).getTime() / 1000)}:d>`).join("\n") : `<@${who}> has no completed middleman trades yet.`);
    return;
  }
  if (sub === "evidence") return evidenceCommand(ctx, i);
  const { role } = await requireStaff(ctx, i);
  if (sub === "set-ticket-mode") {
    const mode = z.enum(["channel", "thread"]).parse(i.options.getString("mode", true));
    await asStaff(ctx.pool, actor, role, (c) => c.query("select 1 from app_public.mm_set_ticket_mode($1, $2)", [mode, "/mm set-ticket-mode"]), "/mm set-ticket-mode");
    await answer(i, mode === "thread" ? "New tickets open as private threads under the public middleman channel." : "New tickets open as private channels.");
    return;
  }
  if (SETTINGS[sub]) {
    const { setting, option } = SETTINGS[sub];
    const value = option === "channel" ? i.options.getChannel("channel", true).id : i.options.getRole("role", true).id;
    await asStaff(ctx.pool, actor, role, (c) => c.query("select 1 from app_public.mm_set_discord($1, $2, $3)", [setting, value, `/mm ${sub}`]), `/mm ${sub}`);
    await answer(i, `Saved: ${setting.replace("_", " ")} is ${option === "channel" ? `<#${value}>` : `<@&${value}>`}.`);
    return;
  }
  const trade = tradeRef.safeParse(i.options.getString("trade", true));
  if (!trade.success) throw new UserFacingError(trade.error.issues[0].message);
  const reason = reasonField.safeParse(i.options.getString("reason") ?? "");
  if (!reason.success) throw new UserFacingError(reason.error.issues[0].message);
  if (sub === "freeze") {
    await asStaff(ctx.pool, actor, role, (c) => c.query("select 1 from app_public.mm_freeze($1, $2)", [trade.data, reason.data]), reason.data);
    await answer(i, `mm-${trade.data} is frozen.`);
    return;
  }
  if (sub === "adjudicate") {
    const decision = z.enum(["buyer", "seller", "split"]).parse(i.options.getString("give", true));
    const raw = i.options.getString("buyer_amount");
    const buyerAmount = raw ? mcdField("The buyer's amount").safeParse(raw) : null;
    if (buyerAmount && !buyerAmount.success) throw new UserFacingError(buyerAmount.error.issues[0].message);
    await adjudicate(ctx, actor, role, trade.data, decision, buyerAmount ? buyerAmount.data : null, reason.data);
    await answer(i, `mm-${trade.data} adjudicated (${decision}); payouts are queued.`);
    return;
  }
  throw new UserFacingError("That command is not available any more.");
}

/**
 * `/link`: a Link Minecraft request; paying the tiny amount from the IGN links it.
 *
 * @param ctx - the bot.
 * @param i - the command (or the Link Minecraft button).
 */
export async function linkCommand(ctx: BotContext, i: ChatInputCommandInteraction | ButtonInteraction): Promise<void> {
  const r = await asMember(ctx.pool, actorOf(i), async (c) =>
    (
      await c.query<{ amount: string; expires_at: Date; bot_ign: string }>(
        "select r.amount::text, r.expires_at, s.mm_bot_ign as bot_ign from app_public.mm_request_link() r join app_public.guild_settings s on s.guild_id = r.guild_id",
      )
    ).rows[0],
  );
  await answer(i, `To link your Minecraft account, pay exactly **${mcd(r.amount)}** from it before <t:${Math.floor(r.expires_at.getTime() / 1000)}:t>:\n\`/pay ${r.bot_ign} ${payAmount(r.amount)}\``);
}

/**
 * `/mcwallet`: MCD balance, escrow (held for trades and payouts), pending payouts and the last
 * in-game payments of the member.
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function mcWallet(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const w = await asMember(ctx.pool, actorOf(i), async (c) => {
    const accounts = (await c.query<{ kind: string; balance: string }>("select kind::text, balance::text from app_public.accounts a join app_public.users u on u.id = a.user_id where u.discord_id = $1 and a.currency = 'MCD'", [actorOf(i).discordId])).rows;
    const payouts = (await c.query<{ amount: string; status: string }>("select amount::text, status::text from app_public.minecraft_payouts where status in ('queued', 'sent', 'failed') order by id desc limit 5")).rows;
    const payments = (await c.query<{ amount: string; payer_ign: string; seen_at: Date }>("select amount::text, payer_ign, seen_at from app_public.minecraft_payments where status = 'credited' order by id desc limit 5")).rows;
    const link = (await c.query<{ ign: string }>("select ign from app_public.minecraft_links")).rows[0];
    return { accounts, payouts, payments, link };
  });
  const bal = (k: string) => w.accounts.find((a) => a.kind === k)?.balance ?? "0";
  await answer(
    i,
    [
      `**MCD wallet**: ${mcd(bal("wallet"))} · held: ${mcd(bal("escrow"))} · linked IGN: ${w.link?.ign ?? "none (use /link)"}`,
      `**Pending payouts**: ${w.payouts.length ? w.payouts.map((p) => `${mcd(p.amount)} (${p.status})`).join(", ") : "none"}`,
      `**Recent in-game payments**: ${w.payments.length ? w.payments.map((p) => `${mcd(p.amount)} from ${p.payer_ign}`).join(", ") : "none"}`,
    ].join("\n"),
  );
}

/**
 * `/withdraw <amount>`: a payout of MCD to the linked IGN by `/pay` (limits and the hold in SQL).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function withdraw(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const amount = mcdField("The amount").safeParse(i.options.getString("amount", true));
  if (!amount.success) throw new UserFacingError(amount.error.issues[0].message);
  const p = await asMember(ctx.pool, actorOf(i), async (c) =>
    (await c.query<{ amount: string; ign: string }>("select amount::text, ign from app_public.request_payout($1, $2)", [amount.data.toString(), interactionKey("withdraw", i.id)])).rows[0],
  );
  await answer(i, `Withdrawal queued: ${mcd(p.amount)} will be paid to ${p.ign} in game by /pay.`);
}

/** A Discord attachment as stored evidence (URL and metadata; the file stays on Discord's CDN). */
const attachmentSchema = z.object({
  id: z.string().regex(/^\d{1,20}$/),
  url: z.string().url().startsWith("https://"),
  name: z.string().min(1).max(200),
  size: z.number().int().nonnegative(),
  contentType: z.string().max(100).nullable(),
});

/**
 * Uploaded Discord attachments as the JSON `mm_attach_files` stores (URL, name, size, type, id).
 *
 * @param files - the attachments.
 * @returns the JSON array, or null when there is no file.
 * @throws {UserFacingError} when an attachment has no https URL or an unusual name.
 */
function attachmentsJson(files: Attachment[]): string | null {
  if (!files.length) return null;
  const parsed = files.map((a) => attachmentSchema.safeParse({ id: a.id, url: a.url, name: a.name, size: a.size, contentType: a.contentType ?? null }));
  if (parsed.some((p) => !p.success)) throw new UserFacingError("That file cannot be stored as evidence (no https link or an unusual name).");
  return JSON.stringify(parsed.map((p) => (p.success ? { id: p.data.id, url: p.data.url, name: p.data.name, size: p.data.size, content_type: p.data.contentType } : null)));
}

/**
 * `/mm evidence <trade> <file> [file2] [file3] [note]`: Attach Evidence with uploads; the files'
 * URLs and metadata go into the trade's trail (`mm_attach_files`), as a party or as staff.
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
async function evidenceCommand(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const trade = tradeRef.safeParse(i.options.getString("trade", true));
  if (!trade.success) throw new UserFacingError(trade.error.issues[0].message);
  const files = ["file", "file2", "file3"].flatMap((n) => {
    const a = i.options.getAttachment(n);
    return a ? [a] : [];
  });
  const note = z.string().trim().max(1000).parse(i.options.getString("note") ?? "");
  const body = attachmentsJson(files);
  const actor = actorOf(i);
  const call = (c: import("pg").PoolClient) => c.query("select 1 from app_public.mm_attach_files($1, $2::jsonb, $3)", [trade.data, body, note]);
  const role = await mmStaffRole(ctx, i);
  try {
    await asMember(ctx.pool, actor, call);
  } catch (err) {
    if (!role) throw err;
    await asStaff(ctx.pool, actor, role, call);
  }
  await answer(i, `${files.length} file(s) added to mm-${trade.data}'s evidence.`);
}

/**
 * `/unlink [reason]`: removes the member's own Minecraft link (once a day; never while a live
 * trade or a payout needs it: LK001, LK002).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function unlinkCommand(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const reason = z.string().trim().max(500).parse(i.options.getString("reason") ?? "");
  const link = await asMember(ctx.pool, actorOf(i), async (c) => (await c.query<{ ign: string }>("select ign from app_public.unlink_my_ign($1)", [reason])).rows[0]);
  await answer(i, `Your Minecraft account ${link.ign} is no longer linked. Use /link to link one again.`);
}

const ts = (d: Date | string | null) => (d ? `<t:${Math.floor(new Date(d).getTime() / 1000)}:f>` : "-");

/**
 * `/mcstaff …`: the operators' Minecraft money. Lists (payments, payouts, links, vouchers: voucher
 * states, never their codes) read as staff through RLS; actions (assign, resolve, link, unlink)
 * call their SQL rule, which checks the role and writes the audit row with the reason.
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function mcStaffCommand(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const sub = i.options.getSubcommand(true);
  const { actor, role } = await requireStaff(ctx, i);
  const reasonOf = () => {
    const r = reasonField.safeParse(i.options.getString("reason", true));
    if (!r.success) throw new UserFacingError(r.error.issues[0].message);
    return r.data;
  };
  const list = async (rows: string[], empty: string) => answer(i, rows.length ? rows.join("\n").slice(0, 1900) : empty);
  switch (sub) {
    case "payments": {
      const status = i.options.getString("status");
      const rows = await asStaff(ctx.pool, actor, role, async (c) =>
        (
          await c.query<{ id: string; payer_ign: string; amount: string; status: string; seen_at: Date; discord_id: string | null }>(
            `select p.id::text, p.payer_ign, p.amount::text, p.status::text, p.seen_at, u.discord_id::text
               from app_public.minecraft_payments p left join app_public.users u on u.id = p.user_id
              where ($1::text is null or p.status::text = $1) order by p.id desc limit 15`,
            [status],
          )
        ).rows,
      );
      await list(rows.map((p) => `#${p.id} · ${p.payer_ign} · ${mcd(p.amount)} · ${p.status}${p.discord_id ? ` · <@${p.discord_id}>` : ""} · ${ts(p.seen_at)}`), "No payments.");
      return;
    }
    case "assign": {
      const payment = i.options.getInteger("payment", true);
      const member = i.options.getUser("member", true).id;
      const reason = reasonOf();
      const p = await asStaff(ctx.pool, actor, role, async (c) => (await c.query<{ amount: string }>("select amount::text from app_public.assign_payment($1, $2, $3)", [payment, member, reason])).rows[0], reason);
      await answer(i, `Payment #${payment} (${mcd(p.amount)}) credited to <@${member}>.`);
      return;
    }
    case "payouts": {
      const status = i.options.getString("status");
      const rows = await asStaff(ctx.pool, actor, role, async (c) =>
        (
          await c.query<{ id: string; ign: string; amount: string; status: string; kind: string; created_at: Date; failure: string | null; resolved_by: string | null }>(
            `select id::text, ign, amount::text, status::text, kind, created_at, failure, resolved_by::text
               from app_public.minecraft_payouts where ($1::text is null or status::text = $1) order by id desc limit 15`,
            [status],
          )
        ).rows,
      );
      await list(
        rows.map((p) => `#${p.id} · ${p.ign} · ${mcd(p.amount)} · ${p.status}${p.resolved_by ? " (resolved)" : ""} · ${p.kind} · ${ts(p.created_at)}${p.failure ? ` · ${p.failure.slice(0, 80)}` : ""}`),
        "No payouts.",
      );
      return;
    }
    case "resolve": {
      const payout = i.options.getInteger("payout", true);
      const paid = i.options.getBoolean("paid", true);
      const reason = reasonOf();
      await asStaff(ctx.pool, actor, role, (c) => c.query("select 1 from app_public.resolve_payout($1, $2, $3)", [payout, paid, reason]), reason);
      await answer(i, paid ? `Payout #${payout} marked paid (confirmed).` : `Payout #${payout} was not paid: the amount is back in the member's MCD wallet.`);
      return;
    }
    case "link": {
      const member = i.options.getUser("member", true).id;
      const ign = ignField.safeParse(i.options.getString("ign", true));
      if (!ign.success || !ign.data) throw new UserFacingError("A Minecraft name has 3 to 16 letters, digits or underscores.");
      const reason = reasonOf();
      await asStaff(ctx.pool, actor, role, (c) => c.query("select 1 from app_public.link_minecraft($1, $2, $3)", [member, ign.data, reason]), reason);
      await answer(i, `<@${member}> is linked to ${ign.data}.`);
      return;
    }
    case "unlink": {
      const member = i.options.getUser("member", true).id;
      const reason = reasonOf();
      const l = await asStaff(ctx.pool, actor, role, async (c) => (await c.query<{ ign: string }>("select ign from app_public.unlink_minecraft($1, $2)", [member, reason])).rows[0], reason);
      await answer(i, `<@${member}> is no longer linked to ${l.ign}.`);
      return;
    }
    case "links": {
      const member = i.options.getUser("member")?.id ?? null;
      const rows = await asStaff(ctx.pool, actor, role, async (c) =>
        (
          await c.query<{ discord_id: string; ign: string; previous_ign: string | null; action: string; via: string; actor: string | null; reason: string | null; at: Date }>(
            `select u.discord_id::text, h.ign, h.previous_ign, h.action, h.via, h.actor_discord_id::text as actor, h.reason, h.at
               from app_public.minecraft_link_history h join app_public.users u on u.id = h.user_id
              where ($1::bigint is null or u.discord_id = $1) order by h.id desc limit 15`,
            [member],
          )
        ).rows,
      );
      await list(
        rows.map((h) => `${ts(h.at)} · <@${h.discord_id}> ${h.action} ${h.previous_ign ? `${h.previous_ign} → ` : ""}${h.ign} · by ${h.actor ? `<@${h.actor}>` : h.via}${h.reason ? ` · ${h.reason.slice(0, 100)}` : ""}`),
        "No link changes.",
      );
      return;
    }
    case "vouchers": {
      const status = i.options.getString("status");
      // Staff are granted every column of vouchers but the code: it is never selected here.
      const rows = await asStaff(ctx.pool, actor, role, async (c) =>
        (
          await c.query<{ order_id: string; discord_id: string; status: string; issued_at: Date; expires_at: Date; redeemed_at: Date | null; redeemed_by: string | null }>(
            `select v.order_id::text, u.discord_id::text, v.status::text, v.issued_at, v.expires_at, v.redeemed_at, v.redeemed_by
               from app_public.vouchers v join app_public.users u on u.id = v.buyer_id
              where ($1::text is null or v.status::text = $1) order by v.issued_at desc limit 15`,
            [status],
          )
        ).rows,
      );
      await list(
        rows.map((v) => `order ${v.order_id.slice(0, 8)} · <@${v.discord_id}> · ${v.status}${v.redeemed_by ? ` by ${v.redeemed_by}` : ""} · issued ${ts(v.issued_at)} · ${v.status === "pending" ? `expires ${ts(v.expires_at)}` : `redeemed ${ts(v.redeemed_at)}`}`),
        "No vouchers.",
      );
      return;
    }
    default:
      throw new UserFacingError("That command is not available any more.");
  }
}
