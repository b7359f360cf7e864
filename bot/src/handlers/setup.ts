/**
 * `/setup` (staff, ADMIN and above): asks the database for a setup (`request_discord_setup`, which
 * checks the role, audits and queues `discord__setup`), then waits up to 20 s for the bot's runner
 * to finish it and shows the channels.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { EmbedBuilder, type ChatInputCommandInteraction } from "discord.js";
import { renderError } from "@guildbank/lib";
import { asStaff, asWorker, resolveStaffRole } from "../db.ts";
import type { BotContext } from "../context.ts";
import { actorOf, answer, EPHEMERAL, UserFacingError } from "../interaction.ts";
import { COLOURS } from "../render/embeds.ts";

/** How long `/setup` waits for the job, in milliseconds. */
export const SETUP_WAIT_MS = 20_000;

/**
 * Handles `/setup`.
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function setup(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const actor = actorOf(i);
  const role = await resolveStaffRole(ctx.pool, actor);
  if (!role) throw new UserFacingError(renderError("PD001"));
  await i.deferReply({ flags: EPHEMERAL });
  const requestedAt = await asStaff(ctx.pool, actor, role, async (c) => {
    await c.query("select app_public.request_discord_setup($1)", ["/setup in Discord"]);
    return (await c.query<{ now: Date }>("select now() as now")).rows[0].now;
  });
  const deadline = Date.now() + SETUP_WAIT_MS;
  while (Date.now() < deadline) {
    const done = await asWorker(ctx.pool, async (c) =>
      (
        await c.query<{ hub: string; leaderboard: string; shop: string; transactions: string }>(
          `select hub_channel_id::text as hub, leaderboard_channel_id::text as leaderboard, shop_channel_id::text as shop,
                  transactions_channel_id::text as transactions
             from app_hidden.discord_guild($1) where last_setup_at >= $2`,
          [actor.guildId, requestedAt],
        )
      ).rows[0],
    );
    if (done) {
      await answer(i, {
        embeds: [
          new EmbedBuilder()
            .setColor(COLOURS.ok)
            .setTitle("Guildbank is set up")
            .setDescription(
              `<#${done.hub}>: the hub (pinned)\n<#${done.leaderboard}>: leaderboard\n<#${done.shop}>: members' listings\n<#${done.transactions}>: staff feed`,
            ),
        ],
      });
      return;
    }
    await sleep(250);
  }
  await answer(i, "Setup is queued and will finish shortly; run /setup again to see the channels.");
}
