/** The slash commands (definitions only; `router.ts` maps each name to its handler). */
import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder, type RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord.js";

const command = (name: string, description: string) =>
  new SlashCommandBuilder().setName(name).setDescription(description).setContexts(InteractionContextType.Guild);

/** Every slash command, as builders. */
export const COMMANDS = [
  command("balance", "Your wallet and escrow balance (only you see it)."),
  command("daily", "Claim your daily coins and keep your streak."),
  command("card", "Your card: balance, streak, badges, rank, last transactions."),
  command("shop", "Buy rewards with your coins."),
  command("market", "Members' listings for sale."),
  command("leaderboard", "The top 10 balances."),
  command("help", "How Guildbank works."),
  command("give", "Send coins to another member.")
    .addUserOption((o) => o.setName("member").setDescription("Who receives the coins").setRequired(true))
    .addIntegerOption((o) => o.setName("amount").setDescription("How many coins").setRequired(true).setMinValue(1)),
  command("sell", "List an item you own on the market.")
    .addStringOption((o) => o.setName("sku").setDescription("The item's code (SKU)").setRequired(false).setMaxLength(40)),
  command("setup", "Staff: create or repair the Guildbank channels and the hub.")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild),
];

/**
 * The commands as the REST API takes them.
 *
 * @returns the JSON bodies of every command.
 */
export function commandsJson(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return COMMANDS.map((c) => c.toJSON());
}
