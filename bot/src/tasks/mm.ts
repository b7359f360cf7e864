/**
 * The middleman's `discord__*` tasks (issue 13). Each re-reads the trade (`app_hidden.mm_ticket`)
 * and converges Discord to it, so a retry or a coalesced burst of events is one more edit, never
 * a second ticket or a second post:
 *
 * - `discord__mm_ticket` {trade_id, event_id}: one job per trail event; does nothing when the
 *   ticket already shows the trade's latest event. Creates the private channel `mm-<id>` once (found again by
 *   name after a crash, stored with `mm_record_ticket`), keeps the counterparty's access, posts
 *   the ticket embed once and then edits it in place; on a dispute pins it and posts the staff
 *   escalation in the staff channel, with a thread under it for the staff's discussion.
 * - `discord__mm_public` {guild_id}: the public "Middleman / Escrow — Donut SMP" message, posted
 *   once and edited with the latest states.
 * - `discord__mm_log` {trade_id}: a closed trade's summary line (the seed's line for a completed
 *   one) with its transcript as a file, in the log channel, once; the transcript is stored.
 * - `discord__mm_archive` {trade_id}: after the guild's delay, the parties may read but no longer
 *   write in the closed ticket (a thread ticket is locked and archived).
 *
 * A ticket is a private channel, or (mm_discord.ticket_mode = thread) a private thread under the
 * public middleman channel whose members the bot adds (the starter, then the tagged counterparty).
 */
import { ChannelType, OverwriteType, PermissionFlagsBits, Routes, type REST } from "discord.js";
import type pg from "pg";
import { asWorker } from "../db.ts";
import { disputeMessage, logLine, publicMessage, ticketMessage, transcript, type MmPublicView, type MmTicketView } from "../render/mm.ts";
import { isGone, messageNonce, upsertMessage, type MessageBody } from "./discord.ts";

const json = (m: { content?: string; embeds: { toJSON(): unknown }[]; components: { toJSON(): unknown }[] }) =>
  ({ content: m.content, embeds: m.embeds.map((e) => e.toJSON()), components: m.components.map((c) => c.toJSON()), allowed_mentions: { parse: ["users", "roles"] } }) as MessageBody;

const PARTY = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.AttachFiles;

/**
 * Loads a ticket view as `coins_worker`.
 *
 * @param pool - the authenticator pool.
 * @param tradeId - the trade.
 * @returns the view, or null for an unknown trade.
 */
export async function loadTicket(pool: pg.Pool, tradeId: string | number): Promise<MmTicketView | null> {
  return asWorker(pool, async (c) => (await c.query<{ v: MmTicketView | null }>("select app_hidden.mm_ticket($1) as v", [tradeId])).rows[0].v);
}

async function serverEmoji(rest: REST, guildId: string): Promise<string | null> {
  try {
    const emojis = (await rest.get(Routes.guildEmojis(guildId))) as { id: string; name: string; animated?: boolean }[];
    const e = emojis.find((x) => x.name === "middleman");
    return e ? `<${e.animated ? "a" : ""}:middleman:${e.id}>` : null;
  } catch {
    return null;
  }
}

/**
 * `discord__mm_public`.
 *
 * @param pool - the authenticator pool.
 * @param rest - discord.js REST.
 * @param guildId - the guild.
 */
export async function syncPublic(pool: pg.Pool, rest: REST, guildId: string): Promise<void> {
  const view = await asWorker(pool, async (c) => (await c.query<{ v: (MmPublicView & { discord: { public_channel_id: string | null } }) | null }>("select app_hidden.mm_public($1) as v", [guildId])).rows[0].v);
  const channelId = view?.discord.public_channel_id;
  if (!view || !channelId) return;
  await upsertMessage(pool, rest, { guildId, type: "mm_public", id: guildId, channelId: String(channelId) }, json(publicMessage(view, await serverEmoji(rest, guildId))));
}

/**
 * A ticket as a private thread under the public middleman channel (mm_discord.ticket_mode =
 * thread): only the members added to it (the starter, then the counterparty), the bot and members
 * with Manage Threads (staff) see it; members cannot invite others.
 */
async function ensureThread(pool: pg.Pool, rest: REST, view: MmTicketView, parentId: string): Promise<string> {
  const t = view.trade;
  const guildId = String(t.guild_id);
  // Found again by name after a crash between creating it and storing its id.
  const active = (await rest.get(Routes.guildActiveThreads(guildId))) as { threads: { id: string; name: string; parent_id?: string }[] };
  const existing = active.threads.find((c) => c.name === t.short_id && c.parent_id === parentId);
  const thread =
    existing ??
    ((await rest.post(Routes.threads(parentId), {
      body: { name: t.short_id, type: ChannelType.PrivateThread, invitable: false, auto_archive_duration: 10080 },
      reason: `Middleman trade ${t.short_id}`,
    })) as { id: string });
  await rest.put(Routes.threadMembers(thread.id, view.starter_discord_id));
  await asWorker(pool, (c) => c.query("select 1 from app_hidden.mm_record_ticket($1, $2, null)", [t.id, thread.id]));
  return thread.id;
}

/** Whether a ticket's channel is a thread, by channel id (a ticket keeps the kind it was opened as). */
const threadTickets = new Map<string, boolean>();

async function isThread(rest: REST, channelId: string): Promise<boolean> {
  const known = threadTickets.get(channelId);
  if (known !== undefined) return known;
  const channel = (await rest.get(Routes.channel(channelId))) as { type: number };
  const thread = channel.type === ChannelType.PrivateThread || channel.type === ChannelType.PublicThread;
  if (threadTickets.size > 10_000) threadTickets.clear();
  threadTickets.set(channelId, thread);
  return thread;
}

async function ensureChannel(pool: pg.Pool, rest: REST, view: MmTicketView, botId: string): Promise<string> {
  const t = view.trade;
  const guildId = String(t.guild_id);
  if (t.channel_id) return String(t.channel_id);
  if (view.discord?.ticket_mode === "thread" && view.discord.public_channel_id) {
    const id = await ensureThread(pool, rest, view, String(view.discord.public_channel_id));
    threadTickets.set(id, true);
    return id;
  }
  // Found again by name: a crash between creating it and storing its id does not create a second one.
  const existing = ((await rest.get(Routes.guildChannels(guildId))) as { id: string; name: string }[]).find((c) => c.name === t.short_id);
  const overwrites = [
    { id: guildId, type: OverwriteType.Role, allow: "0", deny: PermissionFlagsBits.ViewChannel.toString() },
    { id: botId, type: OverwriteType.Member, allow: (PARTY | PermissionFlagsBits.ManageChannels | PermissionFlagsBits.ManageMessages).toString(), deny: "0" },
    { id: view.starter_discord_id, type: OverwriteType.Member, allow: PARTY.toString(), deny: "0" },
    ...(view.counterparty_discord_id ? [{ id: view.counterparty_discord_id, type: OverwriteType.Member, allow: PARTY.toString(), deny: "0" }] : []),
    ...(view.discord?.support_role_id ? [{ id: String(view.discord.support_role_id), type: OverwriteType.Role, allow: PARTY.toString(), deny: "0" }] : []),
  ];
  const channel =
    existing ??
    ((await rest.post(Routes.guildChannels(guildId), {
      body: {
        name: t.short_id,
        type: 0,
        topic: `Middleman trade ${t.short_id}`,
        parent_id: view.discord?.ticket_category_id ? String(view.discord.ticket_category_id) : undefined,
        permission_overwrites: overwrites,
      },
    })) as { id: string });
  await asWorker(pool, (c) => c.query("select 1 from app_hidden.mm_record_ticket($1, $2, null)", [t.id, channel.id]));
  threadTickets.set(channel.id, false);
  return channel.id;
}

/**
 * `discord__mm_ticket`.
 *
 * @param pool - the authenticator pool.
 * @param rest - discord.js REST.
 * @param tradeId - the trade.
 * @param botId - the bot's user id (allowed into the ticket).
 */
export async function syncTicket(pool: pg.Pool, rest: REST, tradeId: string | number, botId: string): Promise<void> {
  const view = await loadTicket(pool, tradeId);
  if (!view) return;
  const t = view.trade;
  const latest = view.events.at(-1)?.id ?? 0;
  // Nothing happened since the last edit (an earlier job of this burst already showed it): done.
  if (t.ticket_message_id && t.rendered_event_id !== null && Number(t.rendered_event_id) >= Number(latest)) return;
  const created = !t.channel_id;
  const channelId = await ensureChannel(pool, rest, view, botId);
  // The counterparty's access, when it is new since the last edit (a payment's edit is one PATCH, nothing more).
  const rendered = t.rendered_event_id === null ? 0 : Number(t.rendered_event_id);
  const newCounterparty = created || view.events.some((e) => e.kind === "counterparty_set" && Number(e.id) > rendered);
  if (view.counterparty_discord_id && t.closed_at === null && newCounterparty) {
    if (await isThread(rest, channelId)) await rest.put(Routes.threadMembers(channelId, view.counterparty_discord_id));
    else await rest.put(Routes.channelPermission(channelId, view.counterparty_discord_id), { body: { type: OverwriteType.Member, allow: PARTY.toString(), deny: "0" } });
  }
  const body = json(ticketMessage(view));
  let messageId = t.ticket_message_id ? String(t.ticket_message_id) : null;
  if (messageId) {
    try {
      await rest.patch(Routes.channelMessage(channelId, messageId), { body: { content: body.content, embeds: body.embeds, components: body.components, allowed_mentions: body.allowed_mentions } });
    } catch (err) {
      if (!isGone(err)) throw err;
      messageId = null;
    }
  }
  if (!messageId) {
    const posted = (await rest.post(Routes.channelMessages(channelId), { body: { ...body, nonce: messageNonce("mm_ticket", String(t.id), String(t.ticket_message_id ?? "")), enforce_nonce: true } })) as { id: string };
    messageId = posted.id;
    await asWorker(pool, (c) => c.query("select 1 from app_hidden.mm_record_ticket($1, null, $2)", [t.id, messageId]));
  }
  await asWorker(pool, (c) => c.query("select app_hidden.mm_record_rendered($1, $2)", [t.id, latest]));
  const disputed = view.events.some((e) => e.kind === "disputed" || e.kind === "frozen");
  if (disputed) {
    if (t.status === "dispute_open") await rest.put(Routes.channelMessagesPin(channelId, messageId), { reason: "Marked as scammed" });
    const staffChannel = view.discord?.staff_channel_id;
    if (staffChannel) {
      const escalation = await upsertMessage(pool, rest, { guildId: String(t.guild_id), type: "mm_dispute", id: String(t.id), channelId: String(staffChannel) }, json(disputeMessage(view)));
      // The staff-only discussion thread under the escalation (staff channel permissions apply), opened with it.
      if (escalation.created) {
        await rest.post(Routes.threads(String(staffChannel), escalation.messageId), { body: { name: `dispute-${t.short_id}`, auto_archive_duration: 10080 } });
      }
    }
  }
}

/**
 * `discord__mm_log`: posts once (the stored message says it was posted).
 *
 * @param pool - the authenticator pool.
 * @param rest - discord.js REST.
 * @param tradeId - the trade.
 */
export async function postLog(pool: pg.Pool, rest: REST, tradeId: string | number): Promise<void> {
  const view = await loadTicket(pool, tradeId);
  if (!view || view.trade.closed_at === null) return;
  const guildId = String(view.trade.guild_id);
  const logChannel = view.discord?.log_channel_id;
  const done = await asWorker(pool, async (c) => (await c.query("select 1 from app_hidden.discord_message($1, 'mm_log', $2) where message_id is not null", [guildId, String(view.trade.id)])).rowCount);
  if (!logChannel || done) return;
  let messages: { author: string; content: string; at: string; attachments: string[] }[] = [];
  if (view.trade.channel_id) {
    try {
      const raw = (await rest.get(Routes.channelMessages(String(view.trade.channel_id)), { query: new URLSearchParams({ limit: "100" }) })) as {
        author: { id: string };
        content: string;
        timestamp: string;
        attachments: { url: string }[];
      }[];
      messages = raw.reverse().map((m) => ({ author: m.author.id, content: m.content, at: m.timestamp, attachments: m.attachments.map((a) => a.url) }));
    } catch {
      messages = [];
    }
  }
  const text = transcript(view, messages);
  await asWorker(pool, (c) => c.query("select app_hidden.mm_store_transcript($1, $2)", [view.trade.id, text]));
  const posted = (await rest.post(Routes.channelMessages(String(logChannel)), {
    body: { content: logLine(view), allowed_mentions: { parse: ["users"] }, nonce: messageNonce("mm_log", String(view.trade.id)), enforce_nonce: true },
    files: [{ name: `${view.trade.short_id}-transcript.txt`, data: Buffer.from(text, "utf8"), contentType: "text/plain" }],
  })) as { id: string };
  await asWorker(pool, (c) => c.query("select app_hidden.record_discord_message($1, 'mm_log', $2, $3, $4)", [guildId, String(view.trade.id), logChannel, posted.id]));
}

/**
 * `discord__mm_archive`: the closed ticket becomes read-only for its parties.
 *
 * @param pool - the authenticator pool.
 * @param rest - discord.js REST.
 * @param tradeId - the trade.
 */
export async function archiveTicket(pool: pg.Pool, rest: REST, tradeId: string | number): Promise<void> {
  const view = await loadTicket(pool, tradeId);
  if (!view || view.trade.closed_at === null || !view.trade.channel_id) return;
  if (await isThread(rest, String(view.trade.channel_id))) {
    // A thread ticket is locked and archived: readable, no longer writable by its members.
    await rest.patch(Routes.channel(String(view.trade.channel_id)), { body: { archived: true, locked: true }, reason: `${view.trade.short_id} closed` });
    return;
  }
  for (const member of [view.starter_discord_id, view.counterparty_discord_id]) {
    if (!member) continue;
    await rest.put(Routes.channelPermission(String(view.trade.channel_id), member), {
      body: { type: OverwriteType.Member, allow: (PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ReadMessageHistory).toString(), deny: PermissionFlagsBits.SendMessages.toString() },
    });
  }
}
