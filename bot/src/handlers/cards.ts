/**
 * Collectible cards in Discord (issue 15). Every handler parses its input with zod, makes one function call as the
 * member, and renders the answer: `/openpack` (the three backs, public in the channel when the guild's
 * `reveal_public` is on) → *Card 1/2/3* buttons (`cards:pick:<opening>:<slot>`, `pick_card`, the chosen card flips),
 * `/draw`, `/mycards` (pages by rarity), `/viewcard`, `/sellcard`, `/cardmarket` with *Buy* buttons, `/buycard`,
 * `/trade` with *Confirm* / *Cancel* buttons that carry the version the member saw, `/burn`, `/cooldowns`,
 * `/collectors`. Personal answers are ephemeral.
 */
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type RepliableInteraction,
} from "discord.js";
import type pg from "pg";
import { z } from "zod";
import { asMember, asStaff, resolveStaffRole } from "../db.ts";
import type { BotContext } from "../context.ts";
import { actorOf, answer, customId, UserFacingError, type CustomId } from "../interaction.ts";
import { RARITIES, type CardFace, type Rarity } from "../render/collectible.ts";
import { COLOURS } from "../render/embeds.ts";
import { coins, mention, when } from "../render/format.ts";
import { interactionKey } from "./player.ts";
import { decideTransfer } from "./cards-progress.ts";
import { catalogueAdmin } from "./catalogue.ts";
import { openFromShop, showPacks } from "./cards-shop.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RARITY_COLOUR: Record<Rarity, number> = { common: 0x8d99a6, rare: 0x2e86de, epic: 0x8e44ad, legendary: 0xd4a017, mythic: 0xc0392b };
/** A card face row as the catalogue query returns it. */
interface FaceRow {
  public_id: string;
  rarity: Rarity;
  artist: string;
  era: string;
  colour: string;
  image_url: string | null;
  copies_created: number;
  temporary: boolean;
}

const FACE_COLUMNS = `t.public_id, t.rarity::text as rarity, a.name as artist, e.name as era, e.colour,
  i.storage_url as image_url, t.copies_created, t.temporary`;
const FACE_JOINS = `join app_public.artists a on a.id = t.artist_id join app_public.eras e on e.id = t.era_id
  left join app_public.era_images i on i.id = t.image_id`;

function face(r: FaceRow, printNo: number | null = null): CardFace {
  return {
    publicId: r.public_id,
    rarity: r.rarity,
    artist: r.artist,
    era: r.era,
    colour: r.colour,
    imageUrl: r.image_url,
    copies: r.copies_created,
    printNo,
    temporary: r.temporary,
  };
}

async function drawFaces(c: pg.PoolClient, openingId: string): Promise<(FaceRow & { slot: number })[]> {
  const { rows } = await c.query<FaceRow & { slot: number }>(
    `select d.slot, ${FACE_COLUMNS} from app_public.card_draws d join app_public.card_templates t on t.id = d.template_id ${FACE_JOINS}
      where d.opening_id = $1 order by d.slot`,
    [openingId],
  );
  return rows;
}

function pickRow(openingId: string, count: number): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    Array.from({ length: count }, (_, slot) =>
      new ButtonBuilder().setCustomId(customId("cards", "pick", openingId, slot)).setLabel(`Card ${slot + 1}`).setStyle(ButtonStyle.Primary),
    ),
  );
}

const openSchema = z.object({
  pack: z.string().regex(/^[a-z0-9-]{1,30}$/, "Pack codes are lowercase letters, digits and dashes.").default("standard-3"),
  currency: z.enum(["NOTE", "DISC", "GEM", "COIN"]).nullable(),
});

/**
 * `/openpack [pack] [currency]`: `open_pack` (free daily pack without a currency), then the pack's backs with one
 * button per card. Public in the channel when the guild's `reveal_public` is on, else ephemeral.
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function openPack(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const parsed = openSchema.safeParse({ pack: i.options.getString("pack") ?? undefined, currency: i.options.getString("currency") });
  if (!parsed.success) throw new UserFacingError(parsed.error.issues[0].message);
  await openPackCode(ctx, i, parsed.data);
}

/**
 * `/events`: the guild's card events running now and their packs (ephemeral).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function events(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const rows = await asMember(ctx.pool, actorOf(i), async (c) =>
    (
      await c.query<{ name: string; description: string; ends_at: Date; packs: string | null }>(
        `select e.name, e.description, e.ends_at, string_agg(p.code || ' (' || p.name || ')', ', ' order by p.code) as packs
           from app_public.card_events e left join app_public.pack_types p on p.event_id = e.id and p.active
          where e.starts_at <= now() and e.ends_at > now() group by e.id order by e.ends_at`,
      )
    ).rows,
  );
  await answer(i, {
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.brand)
        .setTitle("Card events")
        .setDescription(
          rows.map((r) => `**${r.name}** until ${when(r.ends_at)}${r.description ? `\n${r.description}` : ""}\nPacks: ${r.packs ?? "none"}`).join("\n\n") ||
            "No card event is running.",
        ),
    ],
  });
}

/**
 * `/claim_event_pack`: opens the running event's pack with the member's free allotment (as `/openpack` does).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function claimEventPack(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const code = await asMember(ctx.pool, actorOf(i), async (c) =>
    (
      await c.query<{ code: string }>(
        `select p.code from app_public.pack_types p join app_public.card_events e on e.id = p.event_id
          where p.active and p.command = 'openpack' and e.starts_at <= now() and e.ends_at > now() order by e.ends_at, p.code limit 1`,
      )
    ).rows[0]?.code,
  );
  if (!code) throw new UserFacingError("No card event is running: there is no event pack to claim.");
  await openPackCode(ctx, i, { pack: code, currency: null });
}

/**
 * Opens a pack for the member (`open_pack`: cooldown, free allotment or cost, pick-one-of-N all checked in SQL; the
 * interaction's id is the idempotency key) and shows its backs with one *Card n* button each: public in the channel
 * when the guild's `reveal_public` is on, else ephemeral. Used by `/openpack`, `/claim_event_pack` and the *Open*
 * buttons of the shop's Packs view.
 *
 * @param ctx - the bot.
 * @param i - the command or button.
 * @param data - the pack code and the currency to pay in (null: a free open from the daily allotment).
 * @throws the SQL refusals (CA007, CA008, CA009, CA015, CD002, NF001, FT001) as database errors the router words.
 */
export async function openPackCode(ctx: BotContext, i: RepliableInteraction, data: { pack: string; currency: string | null }): Promise<void> {
  const parsed = { data };
  const actor = actorOf(i);
  const { opening, faces, pub, name } = await asMember(ctx.pool, actor, async (c) => {
    const { rows } = await c.query<{ id: string }>("select id from app_public.open_pack($1, $2, $3::bigint[], $4)", [
      parsed.data.pack,
      parsed.data.currency,
      actor.roleIds,
      interactionKey("openpack", i.id),
    ]);
    const settings = await c.query<{ reveal_public: boolean; name: string }>(
      "select s.reveal_public, p.name from app_public.card_settings s, app_public.pack_types p where p.guild_id = s.guild_id and p.code = $1",
      [parsed.data.pack],
    );
    return { opening: rows[0].id, faces: await drawFaces(c, rows[0].id), pub: settings.rows[0]?.reveal_public ?? true, name: settings.rows[0]?.name ?? parsed.data.pack };
  });
  const png = await ctx.cards.reveal(faces.map((f) => face(f)), null);
  const body = {
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.brand)
        .setTitle(`${actor.displayName} opened a ${name}`)
        .setDescription(`Pick one of the ${faces.length} cards to keep: the others are gone.`)
        .setImage("attachment://pack.png"),
    ],
    components: [pickRow(opening, faces.length)],
    files: [new AttachmentBuilder(png, { name: "pack.png" })],
  };
  if (pub) await i.reply(body);
  else await answer(i, body);
}

/**
 * *Card n* (`cards:pick:<opening>:<slot>`): `pick_card`; the pack message flips the chosen card (the others shown
 * dimmed) and loses its buttons. Only the member who opened the pack can pick (CA012 for anyone else).
 *
 * @param ctx - the bot.
 * @param i - the button.
 * @param id - the custom id.
 */
async function pick(ctx: BotContext, i: ButtonInteraction, id: CustomId): Promise<void> {
  const [openingId, slotText] = id.id.split(":");
  const slot = Number(slotText);
  if (!UUID.test(openingId ?? "") || !Number.isInteger(slot)) throw new UserFacingError("That button is out of date.");
  const { card, faces } = await asMember(ctx.pool, actorOf(i), async (c) => {
    const { rows } = await c.query<{ id: string; print_no: number }>("select id, print_no from app_public.pick_card($1, $2)", [openingId, slot]);
    return { card: rows[0], faces: await drawFaces(c, openingId) };
  });
  const kept = faces[slot];
  const png = await ctx.cards.reveal(
    faces.map((f, k) => face(f, k === slot ? card.print_no : null)),
    slot,
    true,
  );
  await i.update({
    embeds: [
      new EmbedBuilder()
        .setColor(RARITY_COLOUR[kept.rarity])
        .setTitle(`Kept ${kept.public_id} #${card.print_no}`)
        .setDescription(`${mention(i.user.id)} kept **${kept.artist}** · ${kept.era} (${kept.rarity}), print #${card.print_no} (copy id ${card.id}).`)
        .setImage("attachment://pack.png"),
    ],
    components: [],
    files: [new AttachmentBuilder(png, { name: "pack.png" })],
    attachments: [],
  });
}

/**
 * `/draw`: `draw_card('single')`: one card minted at once, shown with its print number (ephemeral).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function drawCard(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const actor = actorOf(i);
  const { card, row } = await asMember(ctx.pool, actor, async (c) => {
    const { rows } = await c.query<{ id: string; print_no: number; template_id: string }>(
      "select id, print_no, template_id from app_public.draw_card('single', $1::bigint[], $2)",
      [actor.roleIds, interactionKey("draw", i.id)],
    );
    const f = await c.query<FaceRow>(`select ${FACE_COLUMNS} from app_public.card_templates t ${FACE_JOINS} where t.id = $1`, [rows[0].template_id]);
    return { card: rows[0], row: f.rows[0] };
  });
  const png = await ctx.cards.card(face(row, card.print_no));
  await answer(i, {
    embeds: [
      new EmbedBuilder()
        .setColor(RARITY_COLOUR[row.rarity])
        .setTitle(`You drew ${row.public_id} #${card.print_no}`)
        .setDescription(`**${row.artist}** · ${row.era} (${row.rarity}), copy id ${card.id}.`)
        .setImage("attachment://card.png"),
    ],
    files: [new AttachmentBuilder(png, { name: "card.png" })],
  });
}

interface CopyRow {
  id: string;
  public_id: string;
  rarity: Rarity;
  print_no: number;
  artist: string;
  era: string;
  locked: boolean;
  temporary: boolean;
  listed: boolean;
}

const PAGE = 10;

/** How /mycards and /inventory filter and sort: rarity, artist (code or name), era (code or name), order. */
interface CopyFilter {
  rarity: string | null;
  artist: string | null;
  era: string | null;
  sort: "rarity" | "newest" | "print" | "artist";
}

const SORTS: Record<CopyFilter["sort"], string> = {
  rarity: "t.rarity desc, t.public_id, c.print_no",
  newest: "c.obtained_at desc, c.id desc",
  print: "c.print_no, t.public_id",
  artist: "a.name, e.name, t.rarity desc, c.print_no",
};

/** The filter as it travels in a button's custom id: `rarity.artist.era.sort`, `-` for none ("all" = no filter). */
export function encodeFilter(f: CopyFilter): string {
  return [f.rarity ?? "-", f.artist ?? "-", f.era ?? "-", f.sort].join(".");
}

/**
 * Parses {@link encodeFilter}'s form (and the older `all` / `<rarity>` forms).
 *
 * @param text - the custom id part.
 * @returns the filter; unknown values fall back to no filter and rarity order.
 */
export function decodeFilter(text: string): CopyFilter {
  const [r = "all", a = "-", e = "-", sort = "rarity"] = text.split(".");
  const code = (v: string) => (/^[A-Za-z0-9 ]{1,30}$/.test(v) && v !== "-" ? v : null);
  return {
    rarity: (RARITIES as readonly string[]).includes(r) ? r : null,
    artist: code(a),
    era: code(e),
    sort: sort in SORTS ? (sort as CopyFilter["sort"]) : "rarity",
  };
}

async function listCopies(ctx: BotContext, i: RepliableInteraction, ownerDiscordId: string | null, f: CopyFilter, page: number): Promise<void> {
  const actor = actorOf(i);
  const { rows, total } = await asMember(ctx.pool, actor, async (c) => {
    const owner = ownerDiscordId ?? actor.discordId;
    const r = await c.query<CopyRow & { total: number }>(
      `select c.id, t.public_id, t.rarity::text as rarity, c.print_no, a.name as artist, e.name as era, c.locked, c.temporary,
              exists (select 1 from app_public.card_listings l where l.card_id = c.id and l.status = 'active') as listed,
              count(*) over ()::int as total
         from app_public.user_cards c join app_public.card_templates t on t.id = c.template_id
         join app_public.artists a on a.id = t.artist_id join app_public.eras e on e.id = t.era_id
         join app_public.users u on u.id = c.owner_id
        where u.discord_id = $1 and ($2::text is null or t.rarity::text = $2)
          and ($4::text is null or a.code = upper($4) or lower(a.name) = lower($4))
          and ($5::text is null or e.code = upper($5) or lower(e.name) = lower($5))
        order by ${SORTS[f.sort]}
        limit ${PAGE} offset $3`,
      [owner, f.rarity, page * PAGE, f.artist, f.era],
    );
    return { rows: r.rows, total: r.rows[0]?.total ?? 0 };
  });
  const pages = Math.max(1, Math.ceil(total / PAGE));
  const lines = rows.map(
    (r) =>
      `\`${r.id}\` **${r.public_id}** #${r.print_no} · ${r.rarity} · ${r.artist} – ${r.era}${r.locked ? " 🔒" : ""}${r.temporary ? " ⏳" : ""}${r.listed ? " 🏷️" : ""}`,
  );
  const who = ownerDiscordId ? mention(ownerDiscordId) : "You";
  const filter = encodeFilter(f);
  const nav = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(customId("cards", "mine", ownerDiscordId ?? "me", filter, page - 1))
      .setLabel("◀ Previous")
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(page <= 0),
    new ButtonBuilder()
      .setCustomId(customId("cards", "mine", ownerDiscordId ?? "me", filter, page + 1))
      .setLabel("Next ▶")
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(page + 1 >= pages),
  );
  const shown = [f.rarity, f.artist, f.era].filter(Boolean).join(" · ");
  await answer(i, {
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.info)
        .setTitle(`${who === "You" ? "Your cards" : "Cards"} (${total})${shown ? ` · ${shown}` : ""}`)
        .setDescription(lines.length ? `${ownerDiscordId ? `${who}\n` : ""}${lines.join("\n")}` : "No cards yet: try /openpack or /draw.")
        .setFooter({ text: `Page ${page + 1} of ${pages} · sorted by ${f.sort} · 🔒 locked · ⏳ temporary · 🏷️ listed` }),
    ],
    components: pages > 1 ? [nav] : [],
  });
}

const rarityOption = z.enum(RARITIES).nullable();
const filterSchema = z.object({
  rarity: rarityOption,
  artist: z.string().trim().regex(/^[A-Za-z0-9 ]{1,30}$/, "An artist is its code (e.g. AUR) or its name.").nullable(),
  era: z.string().trim().regex(/^[A-Za-z0-9 ]{1,30}$/, "An era is its code (e.g. DAY) or its name.").nullable(),
  sort: z.enum(["rarity", "newest", "print", "artist"]).default("rarity"),
});

function filterOf(i: ChatInputCommandInteraction): CopyFilter {
  const parsed = filterSchema.safeParse({
    rarity: i.options.getString("rarity"),
    artist: i.options.getString("artist"),
    era: i.options.getString("era"),
    sort: i.options.getString("sort") ?? undefined,
  });
  if (!parsed.success) throw new UserFacingError(parsed.error.issues[0].message);
  return parsed.data;
}

/**
 * `/mycards [rarity] [artist] [era] [sort]`: the member's copies, 10 a page, rarest first by default (ephemeral).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function myCards(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  await listCopies(ctx, i, null, filterOf(i), 0);
}

/**
 * `/inventory member [rarity] [artist] [era] [sort]`: another member's copies when the guild allows it (RLS shows
 * none otherwise).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function inventory(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  await listCopies(ctx, i, i.options.getUser("member", true).id, filterOf(i), 0);
}

/**
 * `/viewcard public_id`: the template with its image, copies minted and how many the member owns (their lowest print
 * number is drawn on the card).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function viewCard(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const publicId = z
    .string()
    .regex(/^[A-Za-z0-9-]{5,30}$/, "A card id looks like TMC-1989-L-001.")
    .parse(i.options.getString("public_id", true))
    .toUpperCase();
  const actor = actorOf(i);
  const row = await asMember(ctx.pool, actor, async (c) => {
    const { rows } = await c.query<FaceRow & { owned: number; best: number | null }>(
      `select ${FACE_COLUMNS},
              (select count(*)::int from app_public.user_cards c join app_public.users u on u.id = c.owner_id
                where c.template_id = t.id and u.discord_id = $2) as owned,
              (select min(c.print_no) from app_public.user_cards c join app_public.users u on u.id = c.owner_id
                where c.template_id = t.id and u.discord_id = $2) as best
         from app_public.card_templates t ${FACE_JOINS} where t.public_id = $1`,
      [publicId, actor.discordId],
    );
    return rows[0];
  });
  if (!row) throw new UserFacingError(`There is no card ${publicId} in this server.`);
  const png = await ctx.cards.card(face(row, row.best));
  await answer(i, {
    embeds: [
      new EmbedBuilder()
        .setColor(RARITY_COLOUR[row.rarity])
        .setTitle(row.public_id)
        .addFields(
          { name: "Artist", value: row.artist, inline: true },
          { name: "Era", value: row.era, inline: true },
          { name: "Rarity", value: row.rarity, inline: true },
          { name: "Copies minted", value: String(row.copies_created), inline: true },
          { name: "You own", value: String(row.owned), inline: true },
        )
        .setImage("attachment://card.png"),
    ],
    files: [new AttachmentBuilder(png, { name: "card.png" })],
  });
}

const sellSchema = z.object({
  card: z.number().int().positive(),
  price: z.number().int("Prices are whole numbers.").positive("The price must be at least 1."),
  currency: z.enum(["NOTE", "DISC", "GEM", "COIN"]),
  hours: z.number().int().min(1).max(720),
});

/**
 * `/sellcard card price currency [hours]`: `list_card` (ephemeral confirmation with the listing id).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function sellCard(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const parsed = sellSchema.safeParse({
    card: i.options.getInteger("card", true),
    price: i.options.getInteger("price", true),
    currency: i.options.getString("currency", true),
    hours: i.options.getInteger("hours") ?? 72,
  });
  if (!parsed.success) throw new UserFacingError(parsed.error.issues[0].message);
  const { card, price, currency, hours } = parsed.data;
  const listing = await asMember(ctx.pool, actorOf(i), async (c) =>
    (
      await c.query<{ id: string; expires_at: Date; fee_bp: number }>("select id, expires_at, fee_bp from app_public.list_card($1, $2, $3, $4, $5)", [
        card,
        price,
        currency,
        hours,
        interactionKey("sellcard", i.id),
      ])
    ).rows[0],
  );
  await answer(i, {
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.ok)
        .setTitle("Card listed")
        .addFields(
          { name: "Price", value: coins(price, currency), inline: true },
          { name: "Market fee", value: `${listing.fee_bp / 100} %`, inline: true },
          { name: "Expires", value: when(listing.expires_at), inline: true },
          { name: "Listing", value: `\`${listing.id}\`` },
        ),
    ],
  });
}

/**
 * `/cardmarket [rarity]`: the guild's active card listings (newest 10) with a *Buy* button each (ephemeral).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function cardMarket(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const rarity = rarityOption.parse(i.options.getString("rarity"));
  const rows = await asMember(ctx.pool, actorOf(i), async (c) =>
    (
      await c.query<{ id: string; price: string; currency: string; public_id: string; rarity: string; print_no: number; artist: string }>(
        `select l.id, l.price, l.currency, t.public_id, t.rarity::text as rarity, c.print_no, a.name as artist
           from app_public.card_listings l join app_public.user_cards c on c.id = l.card_id
           join app_public.card_templates t on t.id = c.template_id join app_public.artists a on a.id = t.artist_id
          where l.status = 'active' and l.expires_at > now() and ($1::text is null or t.rarity::text = $1)
          order by l.created_at desc limit 10`,
        [rarity],
      )
    ).rows,
  );
  const rowsOfButtons: ActionRowBuilder<ButtonBuilder>[] = [];
  for (let k = 0; k < rows.length; k += 5) {
    rowsOfButtons.push(
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        rows.slice(k, k + 5).map((r, n) =>
          new ButtonBuilder().setCustomId(customId("cards", "buy", r.id)).setLabel(`Buy ${k + n + 1}`).setStyle(ButtonStyle.Success),
        ),
      ),
    );
  }
  await answer(i, {
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.info)
        .setTitle("Card market")
        .setDescription(
          rows.length
            ? rows.map((r, n) => `**${n + 1}.** ${r.public_id} #${r.print_no} · ${r.rarity} · ${r.artist} — ${coins(r.price, r.currency)}`).join("\n")
            : "No cards for sale right now.",
        ),
    ],
    components: rowsOfButtons,
  });
}

async function buy(ctx: BotContext, i: RepliableInteraction, listingId: string): Promise<void> {
  if (!UUID.test(listingId)) throw new UserFacingError("That is not a listing id.");
  const row = await asMember(ctx.pool, actorOf(i), async (c) => {
    const { rows } = await c.query<{ id: string; price: string; currency: string; card_id: string }>(
      "select id, price, currency, card_id from app_public.buy_card($1, $2)",
      [listingId, interactionKey("buycard", i.id)],
    );
    const t = await c.query<{ public_id: string; print_no: number }>(
      "select t.public_id, c.print_no from app_public.user_cards c join app_public.card_templates t on t.id = c.template_id where c.id = $1",
      [rows[0].card_id],
    );
    return { ...rows[0], ...t.rows[0] };
  });
  await answer(i, {
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.ok)
        .setTitle(`Bought ${row.public_id} #${row.print_no}`)
        .addFields({ name: "Paid", value: coins(row.price, row.currency), inline: true }, { name: "Copy id", value: row.card_id, inline: true }),
    ],
  });
}

/**
 * `/buycard listing`: `buy_card` (ephemeral receipt).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function buyCard(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  await buy(ctx, i, i.options.getString("listing", true).trim().toLowerCase());
}

function tradeButtons(tradeId: string, version: number): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customId("cards", "tok", tradeId, version)).setLabel("Confirm").setStyle(ButtonStyle.Success),
    new ButtonBuilder().setCustomId(customId("cards", "tno", tradeId)).setLabel("Cancel").setStyle(ButtonStyle.Danger),
  );
}

interface TradeRow {
  id: string;
  status: string;
  version: number;
  proposer_confirmed: number | null;
  recipient_confirmed: number | null;
  expires_at: Date;
}

async function tradeEmbed(c: pg.PoolClient, t: TradeRow, proposer: string, recipient: string): Promise<EmbedBuilder> {
  const { rows } = await c.query<{ side: string; public_id: string | null; print_no: number | null; currency: string | null; amount: string | null }>(
    `select i.side::text as side, t.public_id, c.print_no, i.currency, i.amount from app_public.card_trade_items i
       left join app_public.user_cards c on c.id = i.card_id left join app_public.card_templates t on t.id = c.template_id
      where i.trade_id = $1 order by i.side, t.public_id, i.currency`,
    [t.id],
  );
  const list = (side: string) =>
    rows
      .filter((r) => r.side === side)
      .map((r) => (r.public_id ? `${r.public_id} #${r.print_no}` : coins(r.amount!, r.currency!)))
      .join("\n") || "nothing";
  const tick = (v: number | null) => (v === t.version ? "✅" : "⏳");
  return new EmbedBuilder()
    .setColor(t.status === "done" ? COLOURS.ok : t.status === "open" ? COLOURS.brand : COLOURS.muted)
    .setTitle(t.status === "done" ? "Trade done" : t.status === "open" ? `Trade offer (version ${t.version})` : `Trade ${t.status}`)
    .addFields(
      { name: `${tick(t.proposer_confirmed)} ${proposer} gives`, value: list("proposer"), inline: true },
      { name: `${tick(t.recipient_confirmed)} ${recipient} gives`, value: list("recipient"), inline: true },
    )
    .setFooter({ text: t.status === "open" ? "Both sides confirm this version; any change needs new confirmations." : " " });
}

const tradeSchema = z.object({
  to: z.string().regex(/^\d{17,20}$/),
  give: z.number().int().positive().nullable(),
  want: z.number().int().positive().nullable(),
  giveNotes: z.number().int().positive().nullable(),
  wantNotes: z.number().int().positive().nullable(),
});

/**
 * `/trade member [give_card] [want_card] [give_notes] [want_notes]`: `propose_trade`, posted in the channel with
 * *Confirm* (carrying the version) and *Cancel* buttons; both members confirm, then the swap happens.
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function trade(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const parsed = tradeSchema.safeParse({
    to: i.options.getUser("member", true).id,
    give: i.options.getInteger("give_card"),
    want: i.options.getInteger("want_card"),
    giveNotes: i.options.getInteger("give_notes"),
    wantNotes: i.options.getInteger("want_notes"),
  });
  if (!parsed.success) throw new UserFacingError(parsed.error.issues[0].message);
  const p = parsed.data;
  const { t, embed } = await asMember(ctx.pool, actorOf(i), async (c) => {
    const { rows } = await c.query<TradeRow>("select * from app_public.propose_trade($1, $2::bigint[], $3::jsonb, $4::bigint[], $5::jsonb)", [
      p.to,
      p.give ? [p.give] : null,
      p.giveNotes ? JSON.stringify({ NOTE: p.giveNotes }) : null,
      p.want ? [p.want] : null,
      p.wantNotes ? JSON.stringify({ NOTE: p.wantNotes }) : null,
    ]);
    return { t: rows[0], embed: await tradeEmbed(c, rows[0], mention(i.user.id), mention(p.to)) };
  });
  await i.reply({ content: `${mention(p.to)}: ${mention(i.user.id)} offers you a trade.`, embeds: [embed], components: [tradeButtons(t.id, t.version)] });
}

async function tradeButton(ctx: BotContext, i: ButtonInteraction, id: CustomId, confirm: boolean): Promise<void> {
  const [tradeId, versionText] = id.id.split(":");
  if (!UUID.test(tradeId ?? "")) throw new UserFacingError("That button is out of date.");
  const { t, embed } = await asMember(ctx.pool, actorOf(i), async (c) => {
    const { rows } = confirm
      ? await c.query<TradeRow>("select * from app_public.confirm_trade($1, $2)", [tradeId, Number(versionText)])
      : await c.query<TradeRow>("select * from app_public.cancel_trade($1)", [tradeId]);
    const who = await c.query<{ proposer: string; recipient: string }>(
      `select (select discord_id::text from app_public.users where id = t.proposer_id) as proposer,
              (select discord_id::text from app_public.users where id = t.recipient_id) as recipient
         from app_public.card_trades t where t.id = $1`,
      [tradeId],
    );
    return { t: rows[0], embed: await tradeEmbed(c, rows[0], mention(who.rows[0]?.proposer), mention(who.rows[0]?.recipient)) };
  });
  await i.update({ embeds: [embed], components: t.status === "open" ? [tradeButtons(t.id, t.version)] : [] });
}

/**
 * `/burn card`: `burn_card` for Notes by rarity (ephemeral).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function burnCard(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const card = z.number().int().positive().parse(i.options.getInteger("card", true));
  await asMember(ctx.pool, actorOf(i), (c) => c.query("select 1 from app_public.burn_card($1, $2)", [card, interactionKey("burn", i.id)]));
  await answer(i, `Copy ${card} burned.`);
}

/**
 * `/cooldowns`: when /openpack and /draw are available again (ephemeral).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function cooldowns(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const rows = await asMember(ctx.pool, actorOf(i), async (c) =>
    (await c.query<{ command: string; next_at: Date }>("select command, next_at from app_public.card_cooldowns order by command")).rows,
  );
  const next = (cmd: string) => {
    const r = rows.find((x) => x.command === cmd);
    return !r || r.next_at.getTime() <= Date.now() ? "ready" : when(r.next_at, "R");
  };
  await answer(i, {
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.info)
        .setTitle("Cooldowns")
        .addFields({ name: "/openpack", value: next("openpack"), inline: true }, { name: "/draw", value: next("draw"), inline: true }),
    ],
  });
}

/**
 * `/collectors [global]`: top collectors by collection score, with their rarest pull (ephemeral).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function collectors(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const global = i.options.getBoolean("global") ?? false;
  const rows = await asMember(ctx.pool, actorOf(i), async (c) =>
    (
      await c.query<{ rank: string; display_name: string; guild_name: string; score: string; rarest_public_id: string; rarest_print_no: number }>(
        "select * from app_public.card_leaderboard($1, 10)",
        [global],
      )
    ).rows,
  );
  await answer(i, {
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.brand)
        .setTitle(global ? "Top collectors (all servers)" : "Top collectors")
        .setDescription(
          rows.map((r) => `**${r.rank}.** ${r.display_name}${global ? ` (${r.guild_name})` : ""} — ${r.score} points · rarest ${r.rarest_public_id} #${r.rarest_print_no}`).join("\n") ||
            "Nobody has cards yet.",
        ),
    ],
  });
}

/**
 * Card buttons: `cards:pick:<opening>:<slot>`, `cards:mine:<owner|me>:<rarity|all>:<page>`, `cards:buy:<listing>`,
 * `cards:tok:<trade>:<version>`, `cards:tno:<trade>`, and the shop's `cards:packs` (the Packs view) and
 * `cards:open:<pack>:<currency|free>` (open one from it).
 *
 * @param ctx - the bot.
 * @param i - the button.
 * @param id - the parsed custom id.
 */
export async function cardsButton(ctx: BotContext, i: ButtonInteraction, id: CustomId): Promise<void> {
  switch (id.action) {
    case "pick":
      return pick(ctx, i, id);
    case "mine": {
      const [owner, filter, pageText] = id.id.split(":");
      return listCopies(ctx, i, owner === "me" ? null : (owner ?? null), decodeFilter(filter ?? "all"), Math.max(0, Number(pageText) || 0));
    }
    case "buy":
      return buy(ctx, i, id.id);
    case "packs":
      return showPacks(ctx, i);
    case "open":
      return openFromShop(ctx, i, id);
    case "tok":
      return tradeButton(ctx, i, id, true);
    case "tno":
      return tradeButton(ctx, i, id, false);
    default:
      throw new UserFacingError("That button is out of date.");
  }
}

/**
 * `/wishlist public_id [remove]`: `set_wishlist` (ephemeral); the member is told when the card drops for someone.
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function wishlist(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const publicId = z.string().regex(/^[A-Za-z0-9-]{5,30}$/, "A card id looks like TMC-1989-L-001.").parse(i.options.getString("public_id", true));
  const remove = i.options.getBoolean("remove") ?? false;
  await asMember(ctx.pool, actorOf(i), (c) => c.query("select app_public.set_wishlist($1, $2)", [publicId, !remove]));
  await answer(i, remove ? `${publicId.toUpperCase()} is off your wishlist.` : `${publicId.toUpperCase()} is on your wishlist: you will be told when it drops.`);
}

/**
 * `/collection`: completion per artist and era (`collection_progress`, ephemeral).
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function collection(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const rows = await asMember(ctx.pool, actorOf(i), async (c) =>
    (await c.query<{ artist: string; era: string; templates: string; owned: string; percent: number }>("select * from app_public.collection_progress()")).rows,
  );
  await answer(i, {
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.info)
        .setTitle("Your collection")
        .setDescription(rows.map((r) => `**${r.artist}** · ${r.era}: ${r.owned}/${r.templates} (${r.percent} %)`).join("\n").slice(0, 4000) || "The catalogue is empty."),
    ],
  });
}

const adminRarity = z.object({ publicId: z.string().regex(/^[A-Za-z0-9-]{5,30}$/), rarity: z.enum(RARITIES), reason: z.string().trim().min(3).max(500) });
const adminGive = z.object({
  to: z.string().regex(/^\d{17,20}$/),
  amount: z.number().int().positive(),
  currency: z.enum(["NOTE", "DISC", "GEM"]),
  reason: z.string().trim().min(3).max(500),
});

/**
 * `/cardsadmin setrarity|give|rotateseed|deletetemplate|tempcard|purgeartist|transfer|ingest|sync`: staff actions, each one SQL function as `coins_staff` with the member's
 * resolved staff role (the function checks the role: PD001), audited by the database.
 *
 * @param ctx - the bot.
 * @param i - the command.
 */
export async function cardsAdmin(ctx: BotContext, i: ChatInputCommandInteraction): Promise<void> {
  const actor = actorOf(i);
  const role = await resolveStaffRole(ctx.pool, actor);
  if (!role) throw new UserFacingError("Your role is not allowed to do that.");
  const sub = i.options.getSubcommand();
  if (sub === "setrarity") {
    const p = adminRarity.safeParse({ publicId: i.options.getString("public_id", true), rarity: i.options.getString("rarity", true), reason: i.options.getString("reason", true) });
    if (!p.success) throw new UserFacingError("Give a card id, a rarity and a reason of at least 3 characters.");
    const t = await asStaff(ctx.pool, actor, role, async (c) =>
      (await c.query<{ public_id: string; rarity: string }>("select public_id, rarity::text from app_public.set_card_rarity($1, $2, $3)", [p.data.publicId, p.data.rarity, p.data.reason])).rows[0],
    );
    await answer(i, `${t.public_id} is now ${t.rarity}; its owners are told.`);
  } else if (sub === "give") {
    const p = adminGive.safeParse({
      to: i.options.getUser("member", true).id,
      amount: i.options.getInteger("amount", true),
      currency: i.options.getString("currency", true),
      reason: i.options.getString("reason", true),
    });
    if (!p.success) throw new UserFacingError(p.error.issues[0].message);
    await asStaff(ctx.pool, actor, role, (c) => c.query("select 1 from app_public.give_card_currency($1, $2, $3, $4)", [p.data.to, p.data.amount, p.data.currency, p.data.reason]));
    await answer(i, `Gave ${coins(p.data.amount, p.data.currency)} to ${mention(p.data.to)}.`);
  } else if (sub === "deletetemplate") {
    const p = z
      .object({ publicId: z.string().regex(/^[A-Za-z0-9-]{5,30}$/), refund: z.boolean(), reason: z.string().trim().min(3).max(500) })
      .safeParse({ publicId: i.options.getString("public_id", true), refund: i.options.getBoolean("refund", true), reason: i.options.getString("reason", true) });
    if (!p.success) throw new UserFacingError("Give a card id, refund yes or no, and a reason of at least 3 characters.");
    const t = await asStaff(ctx.pool, actor, role, async (c) =>
      (await c.query<{ public_id: string }>("select public_id from app_public.delete_card_template($1, $2, $3)", [p.data.publicId, p.data.refund, p.data.reason])).rows[0],
    );
    await answer(i, `${t.public_id} is deleted: every copy was removed${p.data.refund ? " and refunded in Notes" : ""}; its owners are told.`);
  } else if (sub === "tempcard") {
    const p = z
      .object({ artist: z.string().regex(/^[A-Za-z0-9]{2,4}$/), era: z.string().regex(/^[A-Za-z0-9]{2,6}$/), rarity: z.enum(RARITIES), event: z.string().trim().min(1).max(100) })
      .safeParse({ artist: i.options.getString("artist", true), era: i.options.getString("era", true), rarity: i.options.getString("rarity", true), event: i.options.getString("event", true) });
    if (!p.success) throw new UserFacingError("Give an artist code, an era code, a rarity and the event's name.");
    const t = await asStaff(ctx.pool, actor, role, async (c) => {
      const ids = (
        await c.query<{ artist_id: string | null; era_id: string | null; event_id: string | null }>(
          `select (select a.id from app_public.artists a where a.code = upper($1)) as artist_id,
                  (select e.id from app_public.eras e join app_public.artists a on a.id = e.artist_id where a.code = upper($1) and e.code = upper($2)) as era_id,
                  (select ev.id from app_public.card_events ev where lower(ev.name) = lower($3) and ev.ends_at > now() order by ev.starts_at limit 1) as event_id`,
          [p.data.artist, p.data.era, p.data.event],
        )
      ).rows[0];
      if (!ids.artist_id || !ids.era_id) throw new UserFacingError(`There is no era ${p.data.era.toUpperCase()} of an artist ${p.data.artist.toUpperCase()} here.`);
      if (!ids.event_id) throw new UserFacingError(`There is no running or coming event called “${p.data.event}”.`);
      return (
        await c.query<{ public_id: string }>("select public_id from app_public.create_card_template($1, $2, $3, null, $4)", [ids.artist_id, ids.era_id, p.data.rarity, ids.event_id])
      ).rows[0];
    });
    await answer(i, `Temporary card ${t.public_id} created: it drops in the event's packs and vanishes when the event ends.`);
  } else if (sub === "purgeartist") {
    const p = z
      .object({ artist: z.string().regex(/^[A-Za-z0-9]{2,4}$/), reason: z.string().trim().min(3).max(500) })
      .safeParse({ artist: i.options.getString("artist", true), reason: i.options.getString("reason", true) });
    if (!p.success) throw new UserFacingError("Give an artist code and a reason of at least 3 characters.");
    const n = await asStaff(ctx.pool, actor, role, async (c) => {
      const a = (await c.query<{ id: string; name: string }>("select id, name from app_public.artists where code = upper($1)", [p.data.artist])).rows[0];
      if (!a) throw new UserFacingError(`There is no artist ${p.data.artist.toUpperCase()} here.`);
      const retired = (await c.query<{ n: number }>("select app_public.purge_artist($1, $2) as n", [a.id, p.data.reason])).rows[0].n;
      return { name: a.name, retired };
    });
    await answer(i, `${n.name} is purged: ${n.retired} card(s) drop no more.`);
  } else if (sub === "transfer") {
    await decideTransfer(ctx, i);
  } else if (sub === "ingest" || sub === "sync") {
    await catalogueAdmin(ctx, i, actor, role, sub);
  } else if (sub === "rotateseed") {
    const s = await asStaff(ctx.pool, actor, role, async (c) => (await c.query<{ seed_hash: string }>("select seed_hash from app_public.rotate_fair_seed()")).rows[0]);
    await answer(i, `Seed rotated: the old seed is revealed and draws now use the seed with hash \`${s.seed_hash}\`.`);
  } else {
    throw new UserFacingError("That command is not available any more.");
  }
}

/**
 * Autocomplete of card ids (`public_id` options): up to 25 templates of the guild whose public id starts with (or
 * whose artist name contains) what the member typed, one query as the member.
 *
 * @param ctx - the bot.
 * @param i - the autocomplete interaction.
 */
export async function cardsAutocomplete(ctx: BotContext, i: AutocompleteInteraction): Promise<void> {
  const focused = i.options.getFocused(true);
  if (focused.name === "artist") {
    const typed = String(focused.value).trim().slice(0, 30).replace(/[%_\\]/g, "");
    const artists = await asMember(ctx.pool, actorOf(i), async (c) =>
      (
        await c.query<{ code: string; name: string }>(
          "select a.code, a.name from app_public.artists a where a.code like upper($1) || '%' or a.name ilike '%' || $1 || '%' order by a.name limit 25",
          [typed],
        )
      ).rows,
    );
    await i.respond(artists.map((a) => ({ name: `${a.name} (${a.code})`.slice(0, 100), value: a.code })));
    return;
  }
  if (focused.name !== "public_id") {
    await i.respond([]);
    return;
  }
  const typed = String(focused.value).trim().slice(0, 30);
  const rows = await asMember(ctx.pool, actorOf(i), async (c) =>
    (
      await c.query<{ public_id: string; artist: string; era: string; rarity: string }>(
        `select t.public_id, a.name as artist, e.name as era, t.rarity::text as rarity
           from app_public.card_templates t join app_public.artists a on a.id = t.artist_id join app_public.eras e on e.id = t.era_id
          where t.retired_at is null and (t.public_id like upper($1) || '%' or a.name ilike '%' || $1 || '%')
          order by t.public_id limit 25`,
        [typed.replace(/[%_\\]/g, "")],
      )
    ).rows,
  );
  await i.respond(rows.map((r) => ({ name: `${r.public_id} · ${r.artist} – ${r.era} (${r.rarity})`.slice(0, 100), value: r.public_id })));
}
