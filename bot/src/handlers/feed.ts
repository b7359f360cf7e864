/**
 * The admin transaction feed's buttons (#coin-transactions): Refund, Cancel Listing, Force
 * Fulfil, Freeze User, Note. A button (`feed:<action>:<tx_id>`) opens a modal for the reason
 * (`feedm:<action>:<tx_id>`); its submission calls the staff function as `coins_staff` with the
 * member's mapped staff role (the permission is checked in SQL: PD001), which writes
 * admin_actions, then edits the feed message to show who did what.
 */
import {
  ActionRowBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ButtonInteraction,
  type ModalSubmitInteraction,
} from "discord.js";
import { renderError } from "@guildbank/lib";
import { asStaff, asWorker, resolveStaffRole } from "../db.ts";
import type { BotContext } from "../context.ts";
import { actorOf, answer, customId, EPHEMERAL, UserFacingError, type CustomId } from "../interaction.ts";
import { feedMessage, type FeedEntry } from "../render/embeds.ts";
import { modalField, reasonField } from "./inputs.ts";
import { interactionKey } from "./player.ts";

/** The feed's actions and what their modal asks. */
export const FEED_ACTIONS = {
  refund: { title: "Refund the order", done: "Order refunded" },
  cancel: { title: "Cancel the listing", done: "Listing cancelled" },
  fulfil: { title: "Force-fulfil the order", done: "Order fulfilled" },
  freeze: { title: "Freeze the member", done: "Member frozen" },
  note: { title: "Add a note", done: "Note added" },
} as const;
type FeedAction = keyof typeof FEED_ACTIONS;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function feedTarget(id: CustomId): { action: FeedAction; txId: string } {
  if (!Object.hasOwn(FEED_ACTIONS, id.action) || !UUID.test(id.id)) throw new UserFacingError("That button is out of date.");
  return { action: id.action as FeedAction, txId: id.id };
}

/**
 * A feed button: refuses members without a staff role at once (PD001's sentence), else opens the
 * reason modal.
 *
 * @param ctx - the bot.
 * @param i - the button interaction.
 * @param id - `feed:<action>:<tx_id>`.
 */
export async function feedButton(ctx: BotContext, i: ButtonInteraction, id: CustomId): Promise<void> {
  const { action, txId } = feedTarget(id);
  const role = await resolveStaffRole(ctx.pool, actorOf(i));
  if (!role) throw new UserFacingError(renderError("PD001"));
  const reason = new TextInputBuilder()
    .setCustomId("reason")
    .setLabel(action === "note" ? "Note" : "Reason (goes into the audit log)")
    .setStyle(TextInputStyle.Paragraph)
    .setMinLength(3)
    .setMaxLength(500)
    .setRequired(true);
  await i.showModal(
    new ModalBuilder()
      .setCustomId(customId("feedm", action, txId))
      .setTitle(FEED_ACTIONS[action].title)
      .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(reason)),
  );
}

/**
 * The re-read feed entry of a transaction (`app_hidden.discord_feed_entry`, as `coins_worker`).
 *
 * @param ctx - the bot.
 * @param txId - the transaction.
 * @returns the entry, or null when the transaction does not exist.
 */
export async function loadFeedEntry(ctx: BotContext, txId: string): Promise<FeedEntry | null> {
  return asWorker(ctx.pool, async (c) => (await c.query<{ e: FeedEntry | null }>("select app_hidden.discord_feed_entry($1) as e", [txId])).rows[0].e);
}

/**
 * A feed modal's submission: the staff function, then the feed message edited in place (the
 * staff member gets an ephemeral confirmation).
 *
 * @param ctx - the bot.
 * @param i - the modal submission.
 * @param id - `feedm:<action>:<tx_id>`.
 */
export async function feedModal(ctx: BotContext, i: ModalSubmitInteraction, id: CustomId): Promise<void> {
  const { action, txId } = feedTarget(id);
  const reason = modalField(i, "reason", reasonField);
  const actor = actorOf(i);
  const role = await resolveStaffRole(ctx.pool, actor);
  if (!role) throw new UserFacingError(renderError("PD001"));
  const summary = await asStaff(
    ctx.pool,
    actor,
    role,
    async (c) => {
      const tx = (
        await c.query<{ order_id: string | null; listing_id: string | null; user_discord_id: string | null }>(
          `select t.order_id, t.listing_id, u.discord_id::text as user_discord_id
             from app_public.transactions t left join app_public.users u on u.id = t.user_id
            where t.tx_id = $1`,
          [txId],
        )
      ).rows[0];
      if (!tx) throw new UserFacingError("That transaction does not exist in this server.");
      switch (action) {
        case "refund":
          if (!tx.order_id) throw new UserFacingError("That transaction has no order to refund.");
          await c.query("select 1 from app_public.refund_order($1, $2)", [tx.order_id, reason]);
          return `order \`${tx.order_id}\``;
        case "fulfil":
          if (!tx.order_id) throw new UserFacingError("That transaction has no order to fulfil.");
          await c.query("select 1 from app_public.fulfil_order($1, $2)", [tx.order_id, reason]);
          return `order \`${tx.order_id}\``;
        case "cancel":
          if (!tx.listing_id) throw new UserFacingError("That transaction has no listing to cancel.");
          await c.query("select 1 from app_public.cancel_listing($1, $2)", [tx.listing_id, reason]);
          return `listing \`${tx.listing_id}\``;
        case "freeze":
          if (!tx.user_discord_id) throw new UserFacingError("That transaction has no member to freeze.");
          await c.query("select 1 from app_public.freeze_user($1, $2, $3)", [tx.user_discord_id, reason, interactionKey("freeze", i.id)]);
          return `<@${tx.user_discord_id}>`;
        case "note":
          await c.query("select 1 from app_public.note_transaction($1, $2)", [txId, reason]);
          return `transaction \`${txId}\``;
      }
    },
    reason,
  );
  const entry = await loadFeedEntry(ctx, txId);
  const confirmation = `${FEED_ACTIONS[action].done}: ${summary}. Reason: ${reason}`;
  if (entry && i.isFromMessage()) {
    await i.update(feedMessage(entry));
    await i.followUp({ content: confirmation, flags: EPHEMERAL });
  } else {
    await answer(i, confirmation);
  }
}
