/**
 * Custom commands (issue 14, seed 003 "/api/commands"): one registered command, `/c <name>`, whose
 * `name` option autocompletes from the guild's enabled custom commands
 * (`custom_command_names(prefix)`), so staff add commands in the panel without a re-deploy. The
 * answer (text and/or a saved embed) is public in the channel, like a classic custom command.
 */
import type { AutocompleteInteraction, ChatInputCommandInteraction } from "discord.js";
import { asMember } from "../db.ts";
import type { BotContext } from "../context.ts";
import { actorOf } from "../interaction.ts";

/**
 * `/c <name>`: answers with the custom command's response (CC001 when there is none).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function runCustomCommand(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const name = i.options.getString("name", true);
  const cmd = await asMember(
    ctx.pool,
    actorOf(i),
    async (c) =>
      (await c.query<{ c: { name: string; response: string; embed: Record<string, unknown> | null } }>("select app_public.custom_command($1) as c", [name])).rows[0].c,
    false,
  );
  await i.reply({ content: cmd.response || undefined, embeds: cmd.embed ? [cmd.embed] : [], allowedMentions: { parse: [] } });
}

/**
 * Autocomplete of `/c`'s `name`: up to 25 enabled command names starting with what was typed.
 *
 * @param ctx - the bot.
 * @param i - the autocomplete interaction.
 */
export async function completeCustomCommand(ctx: BotContext, i: AutocompleteInteraction): Promise<void> {
  const typed = String(i.options.getFocused() ?? "").slice(0, 32);
  const names = await asMember(ctx.pool, actorOf(i), async (c) => (await c.query<{ n: string }>("select n from app_public.custom_command_names($1) n", [typed])).rows, false);
  await i.respond(names.map(({ n }) => ({ name: n, value: n })));
}
