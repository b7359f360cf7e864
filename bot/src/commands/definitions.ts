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
  // Middleman (issue 13): staff subcommands check the role in SQL; history is for everybody.
  command("mm", "Middleman escrow for Minecraft trades.")
    .addSubcommand((s) => s.setName("history").setDescription("A member's completed middleman trades.").addUserOption((o) => o.setName("member").setDescription("Whose (default: yours)")))
    .addSubcommand((s) =>
      s
        .setName("adjudicate")
        .setDescription("Admins: decide a disputed trade.")
        .addStringOption((o) => o.setName("trade").setDescription("mm-<id>").setRequired(true).setMaxLength(24))
        .addStringOption((o) => o.setName("give").setDescription("Who gets the escrow").setRequired(true).addChoices({ name: "seller", value: "seller" }, { name: "buyer", value: "buyer" }, { name: "split", value: "split" }))
        .addStringOption((o) => o.setName("reason").setDescription("Why (audit log)").setRequired(true).setMaxLength(500))
        .addStringOption((o) => o.setName("buyer_amount").setDescription("For a split: the amount back to the buyer").setMaxLength(20)),
    )
    .addSubcommand((s) =>
      s
        .setName("freeze")
        .setDescription("Staff: freeze a trade's funds (opens a dispute).")
        .addStringOption((o) => o.setName("trade").setDescription("mm-<id>").setRequired(true).setMaxLength(24))
        .addStringOption((o) => o.setName("reason").setDescription("Why (audit log)").setRequired(true).setMaxLength(500)),
    )
    .addSubcommand((s) => s.setName("set-public-channel").setDescription("Admins: where the Middleman embed lives.").addChannelOption((o) => o.setName("channel").setDescription("Channel").setRequired(true)))
    .addSubcommand((s) => s.setName("set-log-channel").setDescription("Admins: where completed trades are logged.").addChannelOption((o) => o.setName("channel").setDescription("Channel").setRequired(true)))
    .addSubcommand((s) => s.setName("set-staff-channel").setDescription("Admins: where disputes are escalated.").addChannelOption((o) => o.setName("channel").setDescription("Channel").setRequired(true)))
    .addSubcommand((s) => s.setName("set-support-role").setDescription("Admins: the role tagged on disputes.").addRoleOption((o) => o.setName("role").setDescription("Role").setRequired(true))),
  command("link", "Link your Minecraft account by paying the bot a tiny amount."),
  command("mcwallet", "Your Minecraft dollars: balance, pending payouts, recent payments."),
  command("withdraw", "Withdraw Minecraft dollars to your linked account (/pay in game).")
    .addStringOption((o) => o.setName("amount").setDescription("e.g. 1500 or 2.5k").setRequired(true).setMaxLength(20)),
];

/**
 * The commands as the REST API takes them.
 *
 * @returns the JSON bodies of every command.
 */
export function commandsJson(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return COMMANDS.map((c) => c.toJSON());
}
