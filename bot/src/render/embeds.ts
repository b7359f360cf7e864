/**
 * Every message the bot shows, as discord.js builders: the hub, cards, receipts, listings, the
 * admin feed, the leaderboard and the daily digest. Pure functions of database rows.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, type APIEmbedField } from "discord.js";
import { customId } from "../interaction.ts";
import { formatNumber } from "@guildbank/lib";
import { coins, delta, mention, when } from "./format.ts";

/** Guildbank's embed colours. */
export const COLOURS = { brand: 0xf1c40f, ok: 0x2ecc71, info: 0x3498db, warn: 0xe67e22, bad: 0xe74c3c, muted: 0x95a5a6 } as const;

/** A row of buttons. */
export type ButtonRow = ActionRowBuilder<ButtonBuilder>;

function button(id: string, label: string, style: ButtonStyle = ButtonStyle.Secondary, disabled = false): ButtonBuilder {
  return new ButtonBuilder().setCustomId(id).setLabel(label).setStyle(style).setDisabled(disabled);
}

/**
 * The pinned hub message of #coin-hub: what Guildbank is and the five entry buttons.
 *
 * @returns embed and one row of buttons (custom ids `hub:card`, `hub:shop`, `hub:quests`, `hub:daily`, `hub:help`).
 */
export function hubMessage(): { embeds: EmbedBuilder[]; components: ButtonRow[] } {
  const embed = new EmbedBuilder()
    .setColor(COLOURS.brand)
    .setTitle("🪙 Coin Hub")
    .setDescription(
      "Earn coins, claim your daily reward, buy from the shop and trade with other members.\n" +
        "Everything you open here is **only visible to you**.",
    )
    .addFields(
      { name: "My Card", value: "Your balance, streak, badges and rank.", inline: true },
      { name: "Shop", value: "Spend coins on rewards.", inline: true },
      { name: "Quests", value: "Daily trivia and check-ins.", inline: true },
      { name: "Claim Daily", value: "A reward every 24 hours; keep your streak.", inline: true },
    );
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    button("hub:card", "My Card", ButtonStyle.Primary),
    button("hub:shop", "Shop"),
    button("hub:quests", "Quests"),
    button("hub:daily", "Claim Daily", ButtonStyle.Success),
    button("hub:help", "Help"),
  );
  return { embeds: [embed], components: [row] };
}

/**
 * The Help answer.
 *
 * @returns an embed listing the commands and buttons.
 */
export function helpEmbed(): EmbedBuilder {
  return new EmbedBuilder()
    .setColor(COLOURS.info)
    .setTitle("How Guildbank works")
    .setDescription(
      [
        "**/daily** or *Claim Daily*: a reward every 24 hours; claim within 48 hours to grow your streak.",
        "**/card** or *My Card*: your balance, escrow, streak, badges, rank and last transactions.",
        "**/balance**: your wallet and escrow.",
        "**/give** `member` `amount`: send coins to another member.",
        "**/shop** or *Shop*: buy rewards; coins are held in escrow until the reward is delivered.",
        "**/market**: listings from other members; **/sell**: list an item you own.",
        "**/leaderboard**: the top 10 balances; **/season**: the season's table.",
        "**/inventory**: what you own; **/use** an item; **/mylistings**: cancel or reprice; **/pricecheck** before you sell.",
        "**/notifications**: which direct messages you get.",
        "Balances and purchases are private: every answer is shown only to you.",
      ].join("\n"),
    );
}

/** `app_public.member_card` as node-postgres returns it. */
export interface MemberCard {
  discord_id: string;
  display_name: string;
  balance: string;
  escrow: string;
  streak_days: number;
  next_daily_at: Date | null;
  badges: unknown;
  /** The season rank while a season runs (then `season_name` is set), else the rank by balance. */
  rank: number;
  /** The running season (issue 14), or null. */
  season_name?: string | null;
  /** What the member earned during it (coins), or null. */
  season_score?: string | number | null;
  frozen: boolean;
  /** The last transactions; `currency` absent: COIN. */
  recent: { tx_id: string; type: string; amount: string | number; currency?: string | null; direction: string; reason: string; created_at: string }[];
}

/**
 * A badge list as text.
 *
 * @param badges - `users.badges` (a JSON array of strings or `{name}` objects).
 * @returns the names, comma separated, or "none yet".
 */
export function badgeNames(badges: unknown): string[] {
  if (!Array.isArray(badges)) return [];
  return badges.map((b) => (typeof b === "string" ? b : typeof b === "object" && b && "name" in b ? String((b as { name: unknown }).name) : "")).filter(Boolean);
}

/**
 * One recent transaction as a line: `+100 earn (daily claim)`, `+1,500.00 MCD earn (minecraft payment)`
 * (amounts in another currency than COIN name it).
 *
 * @param tx - an entry of `member_card.recent`.
 * @returns the line.
 */
export function recentLine(tx: MemberCard["recent"][number]): string {
  const sign = tx.direction === "in" ? "+" : tx.direction === "out" ? "-" : "";
  const currency = tx.currency ?? "COIN";
  const amount = currency === "COIN" ? formatNumber(tx.amount, currency) : `${formatNumber(tx.amount, currency)} ${currency}`;
  return `${sign}${amount} ${tx.type} (${tx.reason.replace(/_/g, " ")})`;
}

/**
 * The My Card embed (the PNG is attached as `card.png` and shown as the embed's image).
 *
 * @param card - the member's card.
 * @param withImage - whether `attachment://card.png` is attached.
 * @returns embed and the card's action buttons.
 */
export function cardMessage(card: MemberCard, withImage: boolean): { embeds: EmbedBuilder[]; components: ButtonRow[] } {
  const embed = new EmbedBuilder()
    .setColor(card.frozen ? COLOURS.bad : COLOURS.brand)
    .setTitle(`${card.display_name || "Member"}'s card`)
    .addFields(
      { name: "Balance", value: coins(card.balance), inline: true },
      { name: "Escrow", value: coins(card.escrow), inline: true },
      { name: "Streak", value: `${card.streak_days} day${card.streak_days === 1 ? "" : "s"}`, inline: true },
      card.season_name
        ? { name: `Rank in ${card.season_name}`, value: `#${card.rank} (${coins(card.season_score ?? 0)} earned)`, inline: true }
        : { name: "Rank", value: `#${card.rank}`, inline: true },
      { name: "Badges", value: badgeNames(card.badges).join(", ") || "none yet", inline: true },
      { name: "Next daily", value: when(card.next_daily_at, "R"), inline: true },
      { name: "Last transactions", value: card.recent.map(recentLine).join("\n") || "none yet" },
    );
  if (card.frozen) embed.setDescription("⚠️ Your account is frozen; contact the staff.");
  if (withImage) embed.setImage("attachment://card.png");
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    button("hub:daily", "Claim Daily", ButtonStyle.Success),
    button("hub:shop", "Shop"),
    button("market:sell", "Sell an item"),
    button("card:refresh", "Refresh"),
  );
  return { embeds: [embed], components: [row] };
}

/** `app_public.orders` as node-postgres returns it. */
export interface OrderRow {
  order_id: string;
  kind: string;
  escrow: string;
  fee: string;
  status: string;
  expires_at: Date;
}

/**
 * A purchase receipt.
 *
 * @param order - the order (shop or marketplace).
 * @param item - what was bought, e.g. `2 × VIP rank`.
 * @param balance - the buyer's wallet balance after the purchase (coins).
 * @returns the embed: order id, coins moved into escrow, new balance, status.
 */
export function receiptEmbed(order: OrderRow, item: string, balance: string): EmbedBuilder {
  return new EmbedBuilder()
    .setColor(COLOURS.ok)
    .setTitle("Receipt")
    .setDescription(`You bought **${item}**. The coins are held in escrow until it is delivered.`)
    .addFields(
      { name: "Order", value: `\`${order.order_id}\`` },
      { name: "Coins moved", value: `${coins(order.escrow)} to escrow`, inline: true },
      { name: "New balance", value: coins(balance), inline: true },
      { name: "Status", value: order.status, inline: true },
    );
}

/** A listing as `app_hidden.discord_listing` returns it. */
export interface ListingView {
  listing_id: string;
  sku: string;
  item_name: string;
  seller_discord_id: string | null;
  qty: number;
  qty_available: number;
  unit_price: string;
  fee_rate: string;
  min_per_buyer: number;
  max_per_buyer: number | null;
  expires_at: string;
  status: string;
}

/**
 * The #shop post of a listing: item, price, units left, limits, expiry; a Buy button while active.
 *
 * @param l - the listing.
 * @returns the message (embed, and a Buy row only while the listing is active).
 */
export function listingMessage(l: ListingView): { embeds: EmbedBuilder[]; components: ButtonRow[] } {
  const active = l.status === "active";
  const embed = new EmbedBuilder()
    .setColor(active ? COLOURS.info : COLOURS.muted)
    .setTitle(`${active ? "For sale" : l.status === "sold" ? "Sold out" : l.status === "expired" ? "Expired" : "Cancelled"}: ${l.item_name}`)
    .addFields(
      { name: "Price", value: `${coins(l.unit_price)} each`, inline: true },
      { name: "Available", value: `${l.qty_available} of ${l.qty}`, inline: true },
      { name: "Seller", value: mention(l.seller_discord_id), inline: true },
      { name: "Per buyer", value: `min ${l.min_per_buyer}${l.max_per_buyer ? `, max ${l.max_per_buyer}` : ""}`, inline: true },
      { name: active ? "Expires" : "Status", value: active ? when(l.expires_at, "R") : l.status, inline: true },
    )
    .setFooter({ text: `listing ${l.listing_id} · ${l.sku}` });
  const components = active ? [new ActionRowBuilder<ButtonBuilder>().addComponents(button(customId("market", "buy", l.listing_id), "Buy", ButtonStyle.Success))] : [];
  return { embeds: [embed], components };
}

/** One admin feed entry, as `app_hidden.discord_feed_entry` returns it. */
export interface FeedEntry {
  tx_id: string;
  type: string;
  reason: string;
  /** Minor units of {@link FeedEntry.currency}, as are `unit_price` and `fee`. */
  amount: string | number;
  /** The transaction's currency (absent: COIN). */
  currency?: string | null;
  created_at: string;
  actor_discord_id: string | null;
  user_discord_id: string | null;
  counterparty_discord_id: string | null;
  sku: string | null;
  qty: number | null;
  unit_price: string | number | null;
  fee: string | number | null;
  order_id: string | null;
  order_status: string | null;
  listing_id: string | null;
  listing_status: string | null;
  user_frozen: boolean | null;
  /** Net movement per account; `currency` is the account's (absent: COIN). */
  deltas: { discord_id: string | null; kind: string; currency?: string | null; delta: string | number; balance: string | number }[];
  actions: { actor_discord_id: string; actor_role: string | null; action: string; reason: string; created_at: string }[];
}

/**
 * The #coin-transactions embed of a transaction, with the staff buttons that apply to it.
 *
 * @param e - the feed entry.
 * @returns embed (type, members, item, qty, price, fees, coin deltas, balances after, status,
 *   tx_id, listing_id, staff actions) and buttons `feed:<action>:<tx_id>`.
 */
export function feedMessage(e: FeedEntry): { embeds: EmbedBuilder[]; components: ButtonRow[] } {
  const fields: APIEmbedField[] = [
    { name: "Type", value: `${e.type} (${e.reason.replace(/_/g, " ")})`, inline: true },
    { name: "Member", value: mention(e.user_discord_id), inline: true },
    { name: "Counterparty", value: mention(e.counterparty_discord_id), inline: true },
    { name: "Item", value: e.sku ?? "—", inline: true },
    { name: "Qty", value: e.qty === null ? "—" : String(e.qty), inline: true },
    { name: "Price", value: e.unit_price === null ? coins(e.amount, e.currency) : `${coins(e.unit_price, e.currency)} each (${coins(e.amount, e.currency)})`, inline: true },
    { name: "Fees", value: e.fee === null ? "—" : coins(e.fee, e.currency), inline: true },
    {
      name: "Coin deltas",
      value: e.deltas.map((d) => `${d.discord_id ? mention(d.discord_id) : d.kind} ${d.kind}: ${delta(d.delta, d.currency)}${(d.currency ?? "COIN") === "COIN" ? "" : ` ${d.currency}`}`).join("\n") || "none",
      inline: true,
    },
    {
      name: "Balances after",
      value: e.deltas.filter((d) => d.discord_id).map((d) => `${mention(d.discord_id)} ${d.kind}: ${coins(d.balance, d.currency)}`).join("\n") || "—",
      inline: true,
    },
    { name: "Status", value: e.order_status ?? e.listing_status ?? "posted", inline: true },
    { name: "tx_id", value: `\`${e.tx_id}\`` },
    { name: "listing_id", value: e.listing_id ? `\`${e.listing_id}\`` : "—" },
  ];
  if (e.order_id) fields.push({ name: "order_id", value: `\`${e.order_id}\`` });
  if (e.actions.length) {
    fields.push({
      name: "Staff actions",
      value: e.actions
        .map((a) => `${when(a.created_at)} ${mention(a.actor_discord_id)} (${a.actor_role ?? "staff"}) **${a.action.replace(/_/g, " ")}**: ${a.reason}`)
        .join("\n")
        .slice(0, 1024),
    });
  }
  const embed = new EmbedBuilder()
    .setColor(e.type === "refund" ? COLOURS.warn : e.type === "flag" ? COLOURS.bad : COLOURS.info)
    .setTitle(`Transaction: ${e.type}`)
    .addFields(fields)
    .setTimestamp(new Date(e.created_at));
  const pending = e.order_status === "pending";
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    button(customId("feed", "refund", e.tx_id), "Refund", ButtonStyle.Danger, !pending),
    button(customId("feed", "cancel", e.tx_id), "Cancel Listing", ButtonStyle.Secondary, e.listing_status !== "active"),
    button(customId("feed", "fulfil", e.tx_id), "Force Fulfil", ButtonStyle.Primary, !pending),
    button(customId("feed", "freeze", e.tx_id), "Freeze User", ButtonStyle.Danger, !e.user_discord_id || e.user_frozen === true),
    button(customId("feed", "note", e.tx_id), "Note", ButtonStyle.Secondary),
  );
  return { embeds: [embed], components: [row] };
}

/** A row of the leaderboard. */
export interface LeaderboardRow {
  rank: number;
  discord_id: string;
  display_name: string;
  balance: string;
}

/**
 * The #leaderboard message (edited in place at each refresh).
 *
 * @param rows - the top 10.
 * @param refreshedAt - when the snapshot was taken (null: never).
 * @returns embed and the "View Yours" button (`lb:mine`).
 */
export function leaderboardMessage(rows: LeaderboardRow[], refreshedAt: Date | string | null): { embeds: EmbedBuilder[]; components: ButtonRow[] } {
  const medals = ["🥇", "🥈", "🥉"];
  const embed = new EmbedBuilder()
    .setColor(COLOURS.brand)
    .setTitle("🏆 Leaderboard: top 10 balances")
    .setDescription(
      rows.length
        ? rows.map((r) => `${medals[r.rank - 1] ?? `**${r.rank}.**`} ${mention(r.discord_id)} ${coins(r.balance)}`).join("\n")
        : "No balances yet.",
    )
    .setFooter({ text: refreshedAt ? "Updated" : "Not refreshed yet" });
  if (refreshedAt) embed.setTimestamp(new Date(refreshedAt));
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(button("lb:mine", "View Yours", ButtonStyle.Primary));
  return { embeds: [embed], components: [row] };
}

/** A `daily_stats` row. */
export interface DigestRow {
  day: string;
  transactions: number;
  volume: string;
  fees: string;
  new_listings: number;
  orders: number;
  refunds: number;
  active_members: number;
  top_movers: { discord_id?: string; net?: number | string; display_name?: string }[];
}

/**
 * The daily digest posted in #coin-transactions.
 *
 * @param d - the day's statistics.
 * @returns the embed: volume, fees, new listings, refunds, top movers.
 */
export function digestEmbed(d: DigestRow): EmbedBuilder {
  const movers = (d.top_movers ?? [])
    .slice(0, 5)
    .map((m, i) => `${i + 1}. ${m.discord_id ? mention(String(m.discord_id)) : (m.display_name ?? "?")} ${m.net === undefined ? "" : delta(String(m.net))}`)
    .join("\n");
  return new EmbedBuilder()
    .setColor(COLOURS.info)
    .setTitle(`📊 Daily digest: ${d.day}`)
    .addFields(
      { name: "Volume", value: coins(d.volume), inline: true },
      { name: "Fees", value: coins(d.fees), inline: true },
      { name: "Transactions", value: String(d.transactions), inline: true },
      { name: "New listings", value: String(d.new_listings), inline: true },
      { name: "Orders", value: String(d.orders), inline: true },
      { name: "Refunds", value: String(d.refunds), inline: true },
      { name: "Active members", value: String(d.active_members), inline: true },
      { name: "Top movers", value: movers || "—" },
    );
}
