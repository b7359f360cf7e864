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
  command("tasks", "Open community tasks you can claim."),
  command("task", "Your community tasks: claim one, submit proof, see yours.")
    .addSubcommand((s) =>
      s.setName("claim").setDescription("Claim a task.").addIntegerOption((o) => o.setName("task").setDescription("The task number (see /tasks)").setRequired(true).setMinValue(1)),
    )
    .addSubcommand((s) =>
      s
        .setName("submit")
        .setDescription("Submit proof for a task you claimed.")
        .addIntegerOption((o) => o.setName("task").setDescription("The task number").setRequired(true).setMinValue(1))
        .addStringOption((o) => o.setName("proof").setDescription("What you did").setRequired(false).setMaxLength(2000))
        .addAttachmentOption((o) => o.setName("attachment").setDescription("A screenshot or file as proof").setRequired(false)),
    )
    .addSubcommand((s) => s.setName("mine").setDescription("Your claimed tasks and their state.")),
  command("inventory", "What you own (only you see it)."),
  command("c", "Run one of this server's custom commands.")
    .addStringOption((o) => o.setName("name").setDescription("The command").setRequired(true).setMaxLength(32).setAutocomplete(true)),
];

/**
 * The commands as the REST API takes them.
 *
 * @returns the JSON bodies of every command.
 */
export function commandsJson(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return COMMANDS.map((c) => c.toJSON());
}
