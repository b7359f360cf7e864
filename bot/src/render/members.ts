/**
 * What the bot shows a member about their own things (issue 14): their inventory, the answer to
 * `/use`, their listings, the market's pages, a price check, their DM settings, the season table,
 * and the DMs the notification jobs send.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder } from "discord.js";
import { customId } from "../interaction.ts";
import { COLOURS, type ButtonRow } from "./embeds.ts";
import { coins, when } from "./format.ts";

/** `app_public.inventory_item` as node-postgres returns it. */
export interface InventoryItem {
  sku: string;
  name: string;
  description: string;
  quantity: number;
  consumable: boolean;
  tradable: boolean;
  role_id: string | null;
  role_action: "grant" | "remove" | null;
  role_duration_s: number | null;
  listed: number;
}

/**
 * A duration in words: `7 days`, `3 hours`, `45 minutes`.
 *
 * @param seconds - the duration in seconds.
 * @returns the largest whole unit.
 */
export function duration(seconds: number): string {
  const units: [number, string][] = [
    [86400, "day"],
    [3600, "hour"],
    [60, "minute"],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? "" : "s"}`;
    }
  }
  const minutes = Math.max(1, Math.round(seconds / 60));
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/**
 * What an item does, in a few words.
 *
 * @param item - the item (role and consumable fields).
 * @returns e.g. "grants <@&7> for 7 days", "removes <@&9>", or "".
 */
export function effectText(item: Pick<InventoryItem, "role_id" | "role_action" | "role_duration_s">): string {
  if (!item.role_id || !item.role_action) return "";
  const role = `<@&${item.role_id}>`;
  if (item.role_action === "remove") return `removes ${role}`;
  return item.role_duration_s ? `grants ${role} for ${duration(item.role_duration_s)}` : `grants ${role}`;
}

/**
 * `/inventory`: the member's items, with a Use button for each consumable (up to 5) and a Sell
 * button for each tradable item (up to 5).
 *
 * @param items - the member's items.
 * @returns the embed and buttons.
 */
export function inventoryMessage(items: InventoryItem[]): { embeds: EmbedBuilder[]; components: ButtonRow[] } {
  const embed = new EmbedBuilder().setColor(COLOURS.brand).setTitle("🎒 Your inventory");
  if (items.length === 0) {
    embed.setDescription("You own nothing yet. Buy rewards with **/shop** or from other members with **/market**.");
    return { embeds: [embed], components: [] };
  }
  embed.setDescription(
    items
      .slice(0, 25)
      .map((it) => {
        const notes = [effectText(it), it.consumable ? "use with **/use**" : "", it.listed > 0 ? `${it.listed} listed` : ""].filter(Boolean);
        return `**${it.quantity} × ${it.name}** \`${it.sku}\`${notes.length ? ` — ${notes.join(", ")}` : ""}`;
      })
      .join("\n"),
  );
  const components: ButtonRow[] = [];
  const usable = items.filter((it) => it.consumable).slice(0, 5);
  if (usable.length) {
    components.push(
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        usable.map((it) => new ButtonBuilder().setCustomId(customId("inv", "use", it.sku)).setLabel(`Use ${it.name}`.slice(0, 80)).setStyle(ButtonStyle.Primary)),
      ),
    );
  }
  const sellable = items.filter((it) => it.tradable).slice(0, 5);
  if (sellable.length) {
    components.push(
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        sellable.map((it) => new ButtonBuilder().setCustomId(customId("inv", "sell", it.sku)).setLabel(`Sell ${it.name}`.slice(0, 80)).setStyle(ButtonStyle.Secondary)),
      ),
    );
  }
  return { embeds: [embed], components };
}

/** `app_public.item_use_result` as node-postgres returns it. */
export interface ItemUse {
  use_id: string;
  sku: string;
  name: string;
  remaining: number;
  role_id: string | null;
  role_action: "grant" | "remove" | null;
  role_expires_at: Date | string | null;
  message: string | null;
}

/**
 * The answer to `/use`.
 *
 * @param u - the use.
 * @returns the embed.
 */
export function useEmbed(u: ItemUse): EmbedBuilder {
  const lines: string[] = [];
  if (u.message) lines.push(u.message);
  if (u.role_id && u.role_action === "grant") {
    lines.push(`You will get <@&${u.role_id}> in a moment${u.role_expires_at ? `, until ${when(u.role_expires_at)}` : ""}.`);
  } else if (u.role_id && u.role_action === "remove") {
    lines.push(`<@&${u.role_id}> will be removed from you in a moment.`);
  }
  return new EmbedBuilder()
    .setColor(COLOURS.ok)
    .setTitle(`Used: ${u.name}`)
    .setDescription(lines.join("\n") || "Done.")
    .setFooter({ text: `${u.remaining} left` });
}

/** A listing as `/mylistings` shows it (`app_public.listings`). */
export interface MyListing {
  listing_id: string;
  sku: string;
  qty: number;
  qty_available: number;
  unit_price: string;
  expires_at: Date | string;
  fee_band: string;
}

/**
 * `/mylistings`: the seller's active listings with Cancel and Reprice buttons (5 per page).
 *
 * @param rows - the listings (all of them; the page is cut here).
 * @param page - the page, from 0.
 * @returns the embed, the buttons and the paging row.
 */
export function myListingsMessage(rows: MyListing[], page: number): { embeds: EmbedBuilder[]; components: ButtonRow[] } {
  const pages = Math.max(1, Math.ceil(rows.length / 5));
  const p = Math.min(Math.max(0, page), pages - 1);
  const shown = rows.slice(p * 5, p * 5 + 5);
  const embed = new EmbedBuilder().setColor(COLOURS.info).setTitle("🏷️ Your listings");
  if (shown.length === 0) {
    embed.setDescription("You have no active listings. Use **/sell** to list an item you own.");
    return { embeds: [embed], components: [] };
  }
  embed
    .setDescription(
      shown
        .map((l, n) => `**${p * 5 + n + 1}. ${l.sku}**: ${l.qty_available}/${l.qty} left at ${coins(l.unit_price)} each (${l.fee_band} fee), ends ${when(l.expires_at, "R")}`)
        .join("\n"),
    )
    .setFooter({ text: `page ${p + 1} of ${pages}` });
  const components: ButtonRow[] = [
    new ActionRowBuilder<ButtonBuilder>().addComponents(
      shown.map((l, n) => new ButtonBuilder().setCustomId(customId("mylist", "cancel", l.listing_id)).setLabel(`Cancel ${p * 5 + n + 1}`).setStyle(ButtonStyle.Danger)),
    ),
    new ActionRowBuilder<ButtonBuilder>().addComponents(
      shown.map((l, n) => new ButtonBuilder().setCustomId(customId("mylist", "reprice", l.listing_id)).setLabel(`Reprice ${p * 5 + n + 1}`).setStyle(ButtonStyle.Secondary)),
    ),
  ];
  if (pages > 1) {
    components.push(
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId(customId("mylist", "page", p - 1)).setLabel("◀ Previous").setStyle(ButtonStyle.Secondary).setDisabled(p === 0),
        new ButtonBuilder().setCustomId(customId("mylist", "page", p + 1)).setLabel("Next ▶").setStyle(ButtonStyle.Secondary).setDisabled(p >= pages - 1),
      ),
    );
  }
  return { embeds: [embed], components };
}

/** `app_public.market_listing` as node-postgres returns it. */
export interface MarketRow {
  listing_id: string;
  sku: string;
  name: string;
  seller_discord_id: string;
  seller_name: string;
  qty_available: number;
  unit_price: string;
  expires_at: Date | string;
  total: string;
}

/** The market's query: filters, sort and page. */
export interface MarketQuery {
  sku: string | null;
  maxPrice: number | null;
  sort: "newest" | "price_asc" | "price_desc" | "ending";
  offset: number;
}

export const MARKET_PAGE = 5;
const SORT_LABEL: Record<MarketQuery["sort"], string> = {
  newest: "newest first",
  price_asc: "cheapest first",
  price_desc: "dearest first",
  ending: "ending soonest",
};

/**
 * Encodes a market query into a custom id (`market:page:<offset>:<sort>:<max>:<filter>`, at most
 * 100 characters; the filter last so its own colons survive).
 *
 * @param q - the query.
 * @returns the custom id.
 */
export function marketPageId(q: MarketQuery): string {
  return `market:page:${q.offset}:${q.sort}:${q.maxPrice ?? ""}:${(q.sku ?? "").slice(0, 40)}`.slice(0, 100);
}

/**
 * Decodes {@link marketPageId}'s id part (what follows `market:page:`).
 *
 * @param id - the id part.
 * @returns the query, or null when it does not parse.
 */
export function parseMarketPageId(id: string): MarketQuery | null {
  const m = id.match(/^(\d{1,5}):(newest|price_asc|price_desc|ending):(\d{0,13}):(.*)$/s);
  if (!m) return null;
  return { offset: Number(m[1]), sort: m[2] as MarketQuery["sort"], maxPrice: m[3] ? Number(m[3]) : null, sku: m[4] || null };
}

/**
 * `/market`: one page of listings with a Buy button each, and Previous / Next / sort buttons.
 *
 * @param rows - the page's listings.
 * @param q - the query that produced them.
 * @returns the embed and buttons.
 */
export function marketMessage(rows: MarketRow[], q: MarketQuery): { embeds: EmbedBuilder[]; components: ButtonRow[] } {
  const total = rows.length ? Number(rows[0].total) : 0;
  const filters = [q.sku ? `matching “${q.sku}”` : "", q.maxPrice !== null ? `at most ${coins(q.maxPrice)}` : ""].filter(Boolean).join(", ");
  const embed = new EmbedBuilder()
    .setColor(COLOURS.info)
    .setTitle("🏪 Market")
    .setDescription(
      rows.length
        ? rows
            .map((l, n) => `**${q.offset + n + 1}. ${l.name}** \`${l.sku}\`: ${coins(l.unit_price)} each, ${l.qty_available} left, by ${l.seller_name || "a member"}, ends ${when(l.expires_at, "R")}`)
            .join("\n")
        : "Nothing on the market matches. Try other filters, or **/sell** an item you own.",
    )
    .setFooter({ text: `${total} listing(s)${filters ? ` ${filters}` : ""} · ${SORT_LABEL[q.sort]}${total > MARKET_PAGE ? ` · page ${Math.floor(q.offset / MARKET_PAGE) + 1} of ${Math.ceil(total / MARKET_PAGE)}` : ""}` });
  const components: ButtonRow[] = [];
  if (rows.length) {
    components.push(
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        rows.map((l, n) => new ButtonBuilder().setCustomId(customId("market", "buy", l.listing_id)).setLabel(`Buy ${q.offset + n + 1}`).setStyle(ButtonStyle.Success)),
      ),
    );
  }
  const nav = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(marketPageId({ ...q, offset: Math.max(0, q.offset - MARKET_PAGE) })).setLabel("◀ Previous").setStyle(ButtonStyle.Secondary).setDisabled(q.offset === 0),
    new ButtonBuilder().setCustomId(marketPageId({ ...q, offset: q.offset + MARKET_PAGE })).setLabel("Next ▶").setStyle(ButtonStyle.Secondary).setDisabled(q.offset + MARKET_PAGE >= total),
    new ButtonBuilder()
      .setCustomId(marketPageId({ ...q, offset: 0, sort: q.sort === "price_asc" ? "price_desc" : "price_asc" }))
      .setLabel(q.sort === "price_asc" ? "Sort: dearest" : "Sort: cheapest")
      .setStyle(ButtonStyle.Secondary),
    new ButtonBuilder().setCustomId(marketPageId({ ...q, offset: 0, sort: "newest" })).setLabel("Sort: newest").setStyle(ButtonStyle.Secondary).setDisabled(q.sort === "newest"),
  );
  components.push(nav);
  return { embeds: [embed], components };
}

/** `app_public.price_quote` as node-postgres returns it. */
export interface PriceQuote {
  sku: string;
  unit_price: string;
  catalogue_price: string | null;
  median_7d: string | null;
  active_supply: number;
  reference_price: string;
  floor_price: string;
  fee_band: string;
  fee_rate: string;
  allowed: boolean;
}

/**
 * `/pricecheck`: the floor, the 7-day median and what a price would cost in fees, with a button
 * to list at that price.
 *
 * @param q - the quote.
 * @param name - the item's name.
 * @returns the embed and the Sell button.
 */
export function priceCheckMessage(q: PriceQuote, name: string): { embeds: EmbedBuilder[]; components: ButtonRow[] } {
  const embed = new EmbedBuilder()
    .setColor(q.allowed ? COLOURS.info : COLOURS.warn)
    .setTitle(`Price check: ${name}`)
    .addFields(
      { name: "Floor (lowest allowed)", value: coins(q.floor_price), inline: true },
      { name: "7-day median sale", value: q.median_7d === null ? "no sales yet" : coins(q.median_7d), inline: true },
      { name: "Reference", value: coins(q.reference_price), inline: true },
      { name: "Shop price", value: q.catalogue_price === null ? "—" : coins(q.catalogue_price), inline: true },
      { name: "Listed now", value: `${q.active_supply} unit(s)`, inline: true },
      {
        name: `At ${coins(q.unit_price)}`,
        value: q.allowed ? `allowed: ${q.fee_band} fee, ${(Number(q.fee_rate) * 100).toFixed(1)} % of each sale` : `below the floor: list at ${coins(q.floor_price)} or more`,
        inline: false,
      },
    )
    .setFooter({ text: q.sku });
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customId("inv", "sell", q.sku)).setLabel("List it").setStyle(ButtonStyle.Success).setDisabled(!q.allowed),
  );
  return { embeds: [embed], components: [row] };
}

/** The DM kinds, with what their switch is called. */
export const NOTIFICATION_KINDS = {
  listing_sold: "Your listing sold",
  order_fulfilled: "Your order was delivered",
  order_refunded: "Your order was refunded",
  task_reviewed: "Your task was reviewed",
  badge_awarded: "You earned a badge",
  role_expired: "A timed role ended",
} as const;
export type NotificationKind = keyof typeof NOTIFICATION_KINDS;

/**
 * `/notifications`: each DM kind with its state and a button to switch it.
 *
 * @param settings - kind → on.
 * @returns the embed and the switches.
 */
export function notificationsMessage(settings: Record<NotificationKind, boolean>): { embeds: EmbedBuilder[]; components: ButtonRow[] } {
  const kinds = Object.keys(NOTIFICATION_KINDS) as NotificationKind[];
  const embed = new EmbedBuilder()
    .setColor(COLOURS.info)
    .setTitle("🔔 Direct messages")
    .setDescription(kinds.map((k) => `${settings[k] ? "✅" : "⬜"} ${NOTIFICATION_KINDS[k]}`).join("\n"))
    .setFooter({ text: "Press a button to switch a kind on or off." });
  const button = (k: NotificationKind) =>
    new ButtonBuilder()
      .setCustomId(customId("notify", settings[k] ? "off" : "on", k))
      .setLabel(`${settings[k] ? "Turn off" : "Turn on"}: ${NOTIFICATION_KINDS[k]}`.slice(0, 80))
      .setStyle(settings[k] ? ButtonStyle.Secondary : ButtonStyle.Primary);
  return {
    embeds: [embed],
    components: [new ActionRowBuilder<ButtonBuilder>().addComponents(kinds.slice(0, 3).map(button)), new ActionRowBuilder<ButtonBuilder>().addComponents(kinds.slice(3).map(button))],
  };
}

/** `app_hidden.discord_notification` as the job reads it. */
export interface NotificationView {
  id: string;
  guild_id: string;
  guild_name: string;
  member_discord_id: string;
  kind: NotificationKind;
  status: string;
  payload: Record<string, any>;
  created_at: string;
}

/**
 * The DM of one notification.
 *
 * @param n - the notification.
 * @returns the embed.
 */
export function notificationDm(n: NotificationView): EmbedBuilder {
  const p = n.payload;
  const embed = new EmbedBuilder().setFooter({ text: n.guild_name }).setTimestamp(new Date(n.created_at));
  switch (n.kind) {
    case "listing_sold":
      return embed
        .setColor(COLOURS.ok)
        .setTitle("Your listing sold")
        .setDescription(`${p.qty} × **${p.name}** sold for ${coins(p.unit_price)} each.\nYou received **${coins(p.net)}**${Number(p.fee) > 0 ? ` (after a ${coins(p.fee)} fee)` : ""}.${p.qty_left ? `\n${p.qty_left} still listed.` : ""}`);
    case "order_fulfilled":
      return embed.setColor(COLOURS.ok).setTitle("Your order was delivered").setDescription(`${p.qty} × **${p.name}** is yours (${coins(p.amount)}). See **/inventory**.`);
    case "order_refunded":
      return embed
        .setColor(COLOURS.warn)
        .setTitle("Your order was refunded")
        .setDescription(`${p.qty} × **${p.name}**: ${coins(p.amount)} went back to your wallet.${p.reason ? `\nReason: ${p.reason}` : ""}`);
    case "badge_awarded":
      return embed.setColor(COLOURS.brand).setTitle(`You earned a badge: ${p.emoji ? `${p.emoji} ` : ""}${p.name}`).setDescription(p.description || "It is on your card now (/card).");
    case "role_expired":
      return embed.setColor(COLOURS.muted).setTitle("A timed role ended").setDescription(`Your <@&${p.role_id}> from **${p.sku}** has ended.`);
    default:
      return embed.setColor(COLOURS.info).setTitle("Guildbank").setDescription("Something changed in your account.");
  }
}

/** `app_public.season_entry` rows and the season they belong to. */
export interface SeasonView {
  name: string;
  number: number;
  ends_at: Date | string;
  status: string;
  rows: { rank: number; discord_id: string; display_name: string; score: string }[];
  me: { rank: number; score: string } | null;
}

/**
 * `/season`: the running season's table and the member's own place.
 *
 * @param s - the season.
 * @returns the embed.
 */
export function seasonEmbed(s: SeasonView): EmbedBuilder {
  return new EmbedBuilder()
    .setColor(COLOURS.brand)
    .setTitle(`🏆 ${s.name}`)
    .setDescription(
      s.rows.length ? s.rows.map((r) => `**#${r.rank}** <@${r.discord_id}>: ${coins(r.score)} earned`).join("\n") : "Nobody has earned anything this season yet.",
    )
    .addFields(
      { name: "You", value: s.me ? `#${s.me.rank}, ${coins(s.me.score)} earned` : "—", inline: true },
      { name: s.status === "active" ? "Ends" : "Ended", value: when(s.ends_at, "R"), inline: true },
    );
}
