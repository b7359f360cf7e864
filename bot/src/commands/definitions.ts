/** The slash commands (definitions only; `router.ts` maps each name to its handler). */
import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder, type RESTPostAPIChatInputApplicationCommandsJSONBody, type SlashCommandOptionsOnlyBuilder } from "discord.js";

const command = (name: string, description: string) =>
  new SlashCommandBuilder().setName(name).setDescription(description).setContexts(InteractionContextType.Guild);

/** The filters of /mycards and /inventory: rarity, artist (autocompleted), era, sort order. */
function withCardFilters(b: SlashCommandBuilder | SlashCommandOptionsOnlyBuilder) {
  return b
    .addStringOption((o) =>
      o
        .setName("rarity")
        .setDescription("Only this rarity")
        .setRequired(false)
        .addChoices(...["common", "rare", "epic", "legendary", "mythic"].map((r) => ({ name: r, value: r }))),
    )
    .addStringOption((o) => o.setName("artist").setDescription("Only this artist (code or name)").setRequired(false).setMaxLength(30).setAutocomplete(true))
    .addStringOption((o) => o.setName("era").setDescription("Only this era (code or name)").setRequired(false).setMaxLength(30))
    .addStringOption((o) =>
      o
        .setName("sort")
        .setDescription("Order (default: rarest first)")
        .setRequired(false)
        .addChoices({ name: "rarest first", value: "rarity" }, { name: "newest first", value: "newest" }, { name: "lowest print number", value: "print" }, { name: "artist and era", value: "artist" }),
    );
}

/** Every slash command, as builders. */
export const COMMANDS = [
  command("balance", "Your wallet and escrow balance (only you see it)."),
  command("daily", "Claim your daily coins and keep your streak."),
  command("card", "Your card: balance, streak, badges, rank, last transactions."),
  command("shop", "Buy rewards with your coins, and card packs (when cards are on)."),
  command("market", "Members' listings for sale.")
    .addStringOption((o) => o.setName("item").setDescription("Only this item (code or part of its name)").setRequired(false).setMaxLength(40))
    .addIntegerOption((o) => o.setName("max_price").setDescription("At most this price per unit").setRequired(false).setMinValue(1))
    .addStringOption((o) =>
      o
        .setName("sort")
        .setDescription("Order (default: newest)")
        .setRequired(false)
        .addChoices({ name: "newest", value: "newest" }, { name: "cheapest", value: "price_asc" }, { name: "dearest", value: "price_desc" }, { name: "ending soonest", value: "ending" }),
    ),
  command("leaderboard", "The top 10 balances."),
  command("help", "How Guildbank works."),
  command("give", "Send coins to another member.")
    .addUserOption((o) => o.setName("member").setDescription("Who receives the coins").setRequired(true))
    .addIntegerOption((o) => o.setName("amount").setDescription("How many coins").setRequired(true).setMinValue(1)),
  command("sell", "List an item you own on the market.")
    .addStringOption((o) => o.setName("sku").setDescription("The item's code (SKU)").setRequired(false).setMaxLength(40)),
  // Collectible cards (issue 15).
  command("openpack", "Open a card pack: pick one of its cards to keep.")
    .addStringOption((o) => o.setName("pack").setDescription("Pack code (default standard-3)").setRequired(false).setMaxLength(30))
    .addStringOption((o) =>
      o
        .setName("currency")
        .setDescription("Pay with (default: your free daily pack)")
        .setRequired(false)
        .addChoices({ name: "Notes", value: "NOTE" }, { name: "Discs", value: "DISC" }, { name: "Gems", value: "GEM" }),
    ),
  command("draw", "Draw one card (free a few times a day, then Notes)."),
  withCardFilters(command("mycards", "Your cards (only you see them).")),
  withCardFilters(
    command("inventory", "Your items; with a member: their cards (when the server allows it).").addUserOption((o) =>
      o.setName("member").setDescription("Whose cards (leave out for your own items)").setRequired(false),
    ),
  ),
  command("viewcard", "A card: image, rarity, copies minted, how many you own.").addStringOption((o) =>
    o.setName("public_id").setDescription("The card id, e.g. TMC-1989-L-001").setRequired(true).setMaxLength(30).setAutocomplete(true),
  ),
  command("sellcard", "List one of your cards on the card market.")
    .addIntegerOption((o) => o.setName("card").setDescription("Your copy's id (see /mycards)").setRequired(true).setMinValue(1))
    .addIntegerOption((o) => o.setName("price").setDescription("Price").setRequired(true).setMinValue(1))
    .addStringOption((o) =>
      o
        .setName("currency")
        .setDescription("Currency")
        .setRequired(true)
        .addChoices({ name: "Notes", value: "NOTE" }, { name: "Discs", value: "DISC" }, { name: "Gems", value: "GEM" }, { name: "Coins", value: "COIN" }),
    )
    .addIntegerOption((o) => o.setName("hours").setDescription("Expires after (hours, default 72)").setRequired(false).setMinValue(1)),
  command("cardmarket", "Cards for sale in this server.").addStringOption((o) => o.setName("rarity").setDescription("Only this rarity").setRequired(false)),
  command("buycard", "Buy a card listing.").addStringOption((o) => o.setName("listing").setDescription("The listing id").setRequired(true).setMaxLength(36)),
  command("trade", "Offer another member a trade of cards and Notes.")
    .addUserOption((o) => o.setName("member").setDescription("Who you trade with").setRequired(true))
    .addIntegerOption((o) => o.setName("give_card").setDescription("Your copy's id you give").setRequired(false).setMinValue(1))
    .addIntegerOption((o) => o.setName("want_card").setDescription("Their copy's id you want").setRequired(false).setMinValue(1))
    .addIntegerOption((o) => o.setName("give_notes").setDescription("Notes you give").setRequired(false).setMinValue(1))
    .addIntegerOption((o) => o.setName("want_notes").setDescription("Notes you want").setRequired(false).setMinValue(1)),
  command("burn", "Burn one of your cards for Notes.").addIntegerOption((o) => o.setName("card").setDescription("Your copy's id").setRequired(true).setMinValue(1)),
  command("cooldowns", "When you can open a pack or draw again."),
  command("collectors", "Top card collectors.").addBooleanOption((o) => o.setName("global").setDescription("All servers").setRequired(false)),
  command("wishlist", "Be told when a card drops.")
    .addStringOption((o) => o.setName("public_id").setDescription("The card id, e.g. TMC-1989-L-001").setRequired(true).setMaxLength(30).setAutocomplete(true))
    .addBooleanOption((o) => o.setName("remove").setDescription("Take it off your wishlist").setRequired(false)),
  command("collection", "Your collection's completion per artist and era."),
  command("events", "Card events running now and their packs."),
  command("claim_event_pack", "Open the running event's pack (your free one)."),
  command("missions", "Your daily and weekly card missions and your achievements."),
  command("transfer_data", "Move your cards and balances to another account (staff approve it).").addUserOption((o) =>
    o.setName("member").setDescription("The account that receives everything").setRequired(true),
  ),
  command("cardsadmin", "Staff: card game actions (audited).")
    .addSubcommand((s) =>
      s
        .setName("setrarity")
        .setDescription("Change a card's rarity (owners are told).")
        .addStringOption((o) => o.setName("public_id").setDescription("The card id").setRequired(true).setMaxLength(30).setAutocomplete(true))
        .addStringOption((o) =>
          o
            .setName("rarity")
            .setDescription("The new rarity")
            .setRequired(true)
            .addChoices(...["common", "rare", "epic", "legendary", "mythic"].map((r) => ({ name: r, value: r }))),
        )
        .addStringOption((o) => o.setName("reason").setDescription("Why (audit log)").setRequired(true).setMaxLength(500)),
    )
    .addSubcommand((s) =>
      s
        .setName("give")
        .setDescription("Give a member Notes, Discs or Gems from the mint.")
        .addUserOption((o) => o.setName("member").setDescription("Who").setRequired(true))
        .addIntegerOption((o) => o.setName("amount").setDescription("How many").setRequired(true).setMinValue(1))
        .addStringOption((o) =>
          o.setName("currency").setDescription("Currency").setRequired(true).addChoices({ name: "Notes", value: "NOTE" }, { name: "Discs", value: "DISC" }, { name: "Gems", value: "GEM" }),
        )
        .addStringOption((o) => o.setName("reason").setDescription("Why (audit log)").setRequired(true).setMaxLength(500)),
    )
    .addSubcommand((s) => s.setName("rotateseed").setDescription("Reveal the current draw seed and publish a new one's hash."))
    .addSubcommand((s) =>
      s
        .setName("deletetemplate")
        .setDescription("Delete a card: every copy is removed (owners told), optionally refunded in Notes.")
        .addStringOption((o) => o.setName("public_id").setDescription("The card id").setRequired(true).setMaxLength(30).setAutocomplete(true))
        .addBooleanOption((o) => o.setName("refund").setDescription("Refund each owner the card's burn value in Notes").setRequired(true))
        .addStringOption((o) => o.setName("reason").setDescription("Why (audit log)").setRequired(true).setMaxLength(500)),
    )
    .addSubcommand((s) =>
      s
        .setName("tempcard")
        .setDescription("Create a temporary card of a running or coming event.")
        .addStringOption((o) => o.setName("artist").setDescription("Artist code, e.g. AUR").setRequired(true).setMaxLength(4))
        .addStringOption((o) => o.setName("era").setDescription("Era code, e.g. DAY").setRequired(true).setMaxLength(6))
        .addStringOption((o) =>
          o
            .setName("rarity")
            .setDescription("Rarity")
            .setRequired(true)
            .addChoices(...["common", "rare", "epic", "legendary", "mythic"].map((r) => ({ name: r, value: r }))),
        )
        .addStringOption((o) => o.setName("event").setDescription("The event's name").setRequired(true).setMaxLength(100)),
    )
    .addSubcommand((s) =>
      s
        .setName("purgeartist")
        .setDescription("SUPERADMIN: retire every card of an artist nobody owns any more.")
        .addStringOption((o) => o.setName("artist").setDescription("Artist code, e.g. AUR").setRequired(true).setMaxLength(4))
        .addStringOption((o) => o.setName("reason").setDescription("Why (audit log)").setRequired(true).setMaxLength(500)),
    )
    .addSubcommand((s) =>
      s
        .setName("transfer")
        .setDescription("Approve or reject a member's /transfer_data request.")
        .addStringOption((o) => o.setName("transfer").setDescription("The transfer id").setRequired(true).setMaxLength(36))
        .addBooleanOption((o) => o.setName("approve").setDescription("Approve (the move happens now) or reject").setRequired(true))
        .addStringOption((o) => o.setName("reason").setDescription("Why (audit log)").setRequired(true).setMaxLength(500)),
    )
    // Catalogue ingestion (issue 16): queue a run; the answer follows its progress.
    .addSubcommand((s) =>
      s
        .setName("ingest")
        .setDescription("Ingest an artist: eras and licensed images from MusicBrainz and Wikimedia Commons.")
        .addStringOption((o) => o.setName("artist").setDescription("The artist's name").setRequired(true).setMaxLength(100)),
    )
    .addSubcommand((s) => s.setName("sync").setDescription("Run the weekly catalogue sync now (new artists from charts and related artists).")),
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
    .addSubcommand((s) => s.setName("set-support-role").setDescription("Admins: the role tagged on disputes.").addRoleOption((o) => o.setName("role").setDescription("Role").setRequired(true)))
    .addSubcommand((s) =>
      s
        .setName("set-ticket-mode")
        .setDescription("Admins: new tickets are private channels or private threads.")
        .addStringOption((o) => o.setName("mode").setDescription("Ticket kind").setRequired(true).addChoices({ name: "private channel", value: "channel" }, { name: "private thread", value: "thread" })),
    )
    .addSubcommand((s) =>
      s
        .setName("evidence")
        .setDescription("Attach screenshots or files to a trade (parties and staff).")
        .addStringOption((o) => o.setName("trade").setDescription("mm-<id>").setRequired(true).setMaxLength(24))
        .addAttachmentOption((o) => o.setName("file").setDescription("A screenshot or file").setRequired(true))
        .addAttachmentOption((o) => o.setName("file2").setDescription("Another file"))
        .addAttachmentOption((o) => o.setName("file3").setDescription("Another file"))
        .addStringOption((o) => o.setName("note").setDescription("What it shows").setMaxLength(1000)),
    ),
  command("link", "Link your Minecraft account by paying the bot a tiny amount."),
  command("unlink", "Remove the link to your Minecraft account (once a day).")
    .addStringOption((o) => o.setName("reason").setDescription("Why (optional)").setMaxLength(500)),
  // Operators (issue 13): Minecraft money; each subcommand checks the staff role in SQL and is audited.
  command("mcstaff", "Staff: Minecraft payments, payouts, IGN links and vouchers.")
    .addSubcommand((s) =>
      s
        .setName("payments")
        .setDescription("Recent in-game payments to the bot.")
        .addStringOption((o) => o.setName("status").setDescription("Only these").addChoices({ name: "unmatched", value: "unmatched" }, { name: "credited", value: "credited" })),
    )
    .addSubcommand((s) =>
      s
        .setName("assign")
        .setDescription("Credit an unmatched payment to a member.")
        .addIntegerOption((o) => o.setName("payment").setDescription("Payment id").setRequired(true).setMinValue(1))
        .addUserOption((o) => o.setName("member").setDescription("Who paid").setRequired(true))
        .addStringOption((o) => o.setName("reason").setDescription("Why (audit log)").setRequired(true).setMaxLength(500)),
    )
    .addSubcommand((s) =>
      s
        .setName("payouts")
        .setDescription("Payouts by /pay.")
        .addStringOption((o) =>
          o.setName("status").setDescription("Only these").addChoices({ name: "queued", value: "queued" }, { name: "sent", value: "sent" }, { name: "confirmed", value: "confirmed" }, { name: "failed", value: "failed" }),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName("resolve")
        .setDescription("Settle a failed payout after checking in game.")
        .addIntegerOption((o) => o.setName("payout").setDescription("Payout id").setRequired(true).setMinValue(1))
        .addBooleanOption((o) => o.setName("paid").setDescription("Did the player receive it?").setRequired(true))
        .addStringOption((o) => o.setName("reason").setDescription("Why (audit log)").setRequired(true).setMaxLength(500)),
    )
    .addSubcommand((s) =>
      s
        .setName("link")
        .setDescription("Link a member to their Minecraft name.")
        .addUserOption((o) => o.setName("member").setDescription("Member").setRequired(true))
        .addStringOption((o) => o.setName("ign").setDescription("Minecraft name").setRequired(true).setMaxLength(16))
        .addStringOption((o) => o.setName("reason").setDescription("Why (audit log)").setRequired(true).setMaxLength(500)),
    )
    .addSubcommand((s) =>
      s
        .setName("unlink")
        .setDescription("Remove a member's Minecraft link.")
        .addUserOption((o) => o.setName("member").setDescription("Member").setRequired(true))
        .addStringOption((o) => o.setName("reason").setDescription("Why (audit log)").setRequired(true).setMaxLength(500)),
    )
    .addSubcommand((s) =>
      s
        .setName("links")
        .setDescription("A member's link history (or the latest changes).")
        .addUserOption((o) => o.setName("member").setDescription("Member")),
    )
    .addSubcommand((s) =>
      s
        .setName("vouchers")
        .setDescription("Voucher states (never the codes).")
        .addStringOption((o) =>
          o.setName("status").setDescription("Only these").addChoices({ name: "pending", value: "pending" }, { name: "redeemed", value: "redeemed" }, { name: "void", value: "void" }),
        ),
    ),
  command("mcwallet", "Your Minecraft dollars: balance, pending payouts, recent payments."),
  command("withdraw", "Withdraw Minecraft dollars to your linked account (/pay in game).")
    .addStringOption((o) => o.setName("amount").setDescription("e.g. 1500 or 2.5k").setRequired(true).setMaxLength(20)),
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
  // A member's self-service (issue 14).
  command("use", "Use one of your items (a consumable).").addStringOption((o) =>
    o.setName("item").setDescription("The item").setRequired(true).setMaxLength(40).setAutocomplete(true),
  ),
  command("mylistings", "Your market listings: cancel or reprice them."),
  command("pricecheck", "Before listing: the floor, the 7-day median and the fee at a price.")
    .addStringOption((o) => o.setName("item").setDescription("The item").setRequired(true).setMaxLength(40).setAutocomplete(true))
    .addIntegerOption((o) => o.setName("price").setDescription("Price per unit to check (default: the reference)").setRequired(false).setMinValue(1)),
  command("notifications", "Which direct messages you get (sales, orders, reviews, badges)."),
  command("season", "The season's leaderboard and your rank."),
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
