/**
 * First-run setup (the `discord__setup` job, queued by `request_discord_setup` from `/setup` or
 * the panel): finds or creates #coin-hub, #leaderboard, #shop and #coin-transactions with their
 * permission overwrites, posts and pins the hub, posts the leaderboard message, and stores every
 * id with `app_hidden.save_discord_setup`. Idempotent: a second run finds everything in place and
 * makes no change (only reads).
 */
import { ChannelType, OverwriteType, PermissionFlagsBits, Routes, type REST } from "discord.js";
import type pg from "pg";
import { asWorker } from "../db.ts";
import { hubMessage, leaderboardMessage, type LeaderboardRow } from "../render/embeds.ts";
import { isGone, messageNonce } from "./discord.ts";

/** The channels setup manages, by their `guild_discord` column prefix. */
export const SETUP_CHANNELS = {
  hub: { name: "coin-hub", topic: "Your coins: open your card, the shop, quests and your daily reward." },
  leaderboard: { name: "leaderboard", topic: "Top 10 balances, updated by Guildbank." },
  shop: { name: "shop", topic: "Members' listings: press Buy to get a quote." },
  transactions: { name: "coin-transactions", topic: "Staff only: every coin transaction, with admin actions." },
} as const;
export type SetupChannel = keyof typeof SETUP_CHANNELS;

/** One permission overwrite as the API takes it. */
export interface Overwrite {
  id: string;
  type: OverwriteType;
  allow: string;
  deny: string;
}

const P = PermissionFlagsBits;
const BOT_ALLOW = P.ViewChannel | P.SendMessages | P.EmbedLinks | P.AttachFiles | P.ReadMessageHistory | P.ManageMessages | P.PinMessages;

/**
 * The permission overwrites of a channel: public channels are readable by everyone and writable
 * by the bot only; #coin-transactions is hidden from everyone but the bot and the mapped staff roles.
 *
 * @param channel - which channel.
 * @param guildId - the guild (its id is the @everyone role's id).
 * @param botId - the bot's user id.
 * @param staffRoleIds - Discord role ids mapped to a staff role.
 * @returns the overwrites, sorted by id.
 */
export function desiredOverwrites(channel: SetupChannel, guildId: string, botId: string, staffRoleIds: string[]): Overwrite[] {
  const list: Overwrite[] = [{ id: botId, type: OverwriteType.Member, allow: BOT_ALLOW.toString(), deny: "0" }];
  if (channel === "transactions") {
    list.push({ id: guildId, type: OverwriteType.Role, allow: "0", deny: P.ViewChannel.toString() });
    for (const role of staffRoleIds) {
      list.push({ id: role, type: OverwriteType.Role, allow: (P.ViewChannel | P.ReadMessageHistory).toString(), deny: P.SendMessages.toString() });
    }
  } else {
    list.push({
      id: guildId,
      type: OverwriteType.Role,
      allow: (P.ViewChannel | P.ReadMessageHistory).toString(),
      deny: (P.SendMessages | P.SendMessagesInThreads | P.CreatePublicThreads | P.AddReactions).toString(),
    });
  }
  return list.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * The role overwrites of #coin-transactions that let a role read it although the role is no longer
 * mapped to a staff role (the feed is staff only): `/setup` removes them, so unmapping a role in
 * the settings takes its access away at the next setup. Member overwrites and roles that cannot
 * view the channel are left alone; other channels have no such overwrites.
 *
 * @param channel - which channel.
 * @param have - the channel's current overwrites.
 * @param want - the overwrites `/setup` wants ({@link desiredOverwrites}).
 * @returns the overwrites to delete.
 */
export function staleStaffOverwrites(
  channel: SetupChannel,
  have: { id: string; type: number; allow: string }[],
  want: Overwrite[],
): { id: string; type: number; allow: string }[] {
  if (channel !== "transactions") return [];
  return have.filter(
    (h) => h.type === OverwriteType.Role && !want.some((w) => w.id === h.id) && (BigInt(h.allow) & P.ViewChannel) !== 0n,
  );
}

/** A guild channel as the API returns it (the fields used). */
interface ApiChannel {
  id: string;
  name: string;
  type: number;
  permission_overwrites?: { id: string; type: number; allow: string; deny: string }[];
}

/** `app_public.guild_discord` (ids as text). */
export interface GuildDiscord {
  hub_channel_id: string | null;
  leaderboard_channel_id: string | null;
  shop_channel_id: string | null;
  transactions_channel_id: string | null;
  hub_message_id: string | null;
  leaderboard_message_id: string | null;
}

/** The parts of a message setup compares. */
interface MessageJson {
  embeds: { title?: string; description?: string; fields?: { name: string; value: string }[] }[];
  components: { components?: { custom_id?: string; label?: string }[] }[];
}

/**
 * What a member sees of a message, as one string: embed titles, descriptions and fields, button
 * ids and labels (not colours or timestamps), to tell an outdated hub from the current one.
 *
 * @param m - a message (as posted or as the API returns it).
 * @returns its shape.
 */
export function messageShape(m: MessageJson): string {
  return JSON.stringify([
    (m.embeds ?? []).map((e) => [e.title ?? "", e.description ?? "", (e.fields ?? []).map((f) => [f.name, f.value])]),
    (m.components ?? []).map((r) => (r.components ?? []).map((c) => [c.custom_id ?? "", c.label ?? ""])),
  ]);
}

/** What a setup run did. */
export interface SetupResult {
  channels: Record<SetupChannel, string>;
  hubMessageId: string;
  leaderboardMessageId: string;
  /** Discord changes made (channels created, overwrites set, messages posted, pins): 0 on a re-run. */
  changes: number;
}

/**
 * Runs setup for one guild.
 *
 * @param pool - the authenticator pool (reads and stores as `coins_worker`).
 * @param rest - discord.js REST (authenticated as the bot).
 * @param guildId - the guild.
 * @param botId - the bot's user id (application id).
 * @returns the ids and the number of changes made.
 * @throws REST errors (the job retries), or when the guild is unknown to Guildbank.
 */
export async function runSetup(pool: pg.Pool, rest: REST, guildId: string, botId: string): Promise<SetupResult> {
  const { stored, staffRoles, leaderboard } = await asWorker(pool, async (c) => ({
    stored: (
      await c.query<GuildDiscord>(
        `select hub_channel_id::text, leaderboard_channel_id::text, shop_channel_id::text, transactions_channel_id::text,
                hub_message_id::text, leaderboard_message_id::text from app_hidden.discord_guild($1)`,
        [guildId],
      )
    ).rows[0] as GuildDiscord | undefined,
    staffRoles: (await c.query<{ ids: string[] }>("select app_hidden.discord_staff_role_ids($1)::text[] as ids", [guildId])).rows[0].ids ?? [],
    leaderboard: (await c.query<{ board: { rows: LeaderboardRow[]; refreshed_at: string | null } }>("select app_hidden.discord_leaderboard($1) as board", [guildId]))
      .rows[0].board,
  }));
  let changes = 0;
  const existing = (await rest.get(Routes.guildChannels(guildId))) as ApiChannel[];
  const channels = {} as Record<SetupChannel, string>;
  for (const key of Object.keys(SETUP_CHANNELS) as SetupChannel[]) {
    const spec = SETUP_CHANNELS[key];
    const want = desiredOverwrites(key, guildId, botId, staffRoles);
    const storedId = stored?.[`${key}_channel_id`];
    let channel = existing.find((c) => c.id === storedId) ?? existing.find((c) => c.name === spec.name && c.type === ChannelType.GuildText);
    if (!channel) {
      channel = (await rest.post(Routes.guildChannels(guildId), {
        body: { name: spec.name, type: ChannelType.GuildText, topic: spec.topic, permission_overwrites: want },
        reason: "Guildbank setup",
      })) as ApiChannel;
      changes++;
    } else {
      for (const o of want) {
        const have = channel.permission_overwrites?.find((h) => h.id === o.id);
        if (!have || BigInt(have.allow) !== BigInt(o.allow) || BigInt(have.deny) !== BigInt(o.deny)) {
          await rest.put(Routes.channelPermission(channel.id, o.id), { body: { type: o.type, allow: o.allow, deny: o.deny }, reason: "Guildbank setup" });
          changes++;
        }
      }
      for (const stale of staleStaffOverwrites(key, channel.permission_overwrites ?? [], want)) {
        await rest.delete(Routes.channelPermission(channel.id, stale.id), { reason: "Guildbank setup: role no longer mapped to staff" });
        changes++;
      }
    }
    channels[key] = channel.id;
  }

  const ensureMessage = async (channelId: string, storedId: string | null | undefined, kind: string, body: MessageJson, pin: boolean): Promise<string> => {
    if (storedId) {
      try {
        const msg = (await rest.get(Routes.channelMessage(channelId, storedId))) as { id: string; pinned: boolean } & MessageJson;
        // The hub of an older version (other wording or buttons) is edited in place, never reposted.
        if (pin && messageShape(msg) !== messageShape(body)) {
          await rest.patch(Routes.channelMessage(channelId, msg.id), { body });
          changes++;
        }
        if (pin && !msg.pinned) {
          await rest.put(Routes.channelMessagesPin(channelId, msg.id), { reason: "Guildbank hub" });
          changes++;
        }
        return msg.id;
      } catch (err) {
        if (!isGone(err)) throw err;
      }
    }
    const msg = (await rest.post(Routes.channelMessages(channelId), { body: { ...body, nonce: messageNonce(kind, guildId, channelId), enforce_nonce: true } })) as { id: string };
    changes++;
    if (pin) {
      await rest.put(Routes.channelMessagesPin(channelId, msg.id), { reason: "Guildbank hub" });
      changes++;
    }
    return msg.id;
  };
  const toJson = (m: { embeds: { toJSON(): unknown }[]; components: { toJSON(): unknown }[] }): MessageJson => ({
    embeds: m.embeds.map((e) => e.toJSON()) as MessageJson["embeds"],
    components: m.components.map((c) => c.toJSON()) as MessageJson["components"],
  });
  const sameHub = stored?.hub_channel_id === channels.hub ? stored.hub_message_id : null;
  const hubMessageId = await ensureMessage(channels.hub, sameHub, "hub", toJson(hubMessage()), true);
  const sameBoard = stored?.leaderboard_channel_id === channels.leaderboard ? stored.leaderboard_message_id : null;
  const leaderboardMessageId = await ensureMessage(channels.leaderboard, sameBoard, "leaderboard", toJson(leaderboardMessage(leaderboard.rows, leaderboard.refreshed_at)), false);

  await asWorker(pool, (c) =>
    c.query("select app_hidden.save_discord_setup($1, $2, $3, $4, $5, $6, $7)", [
      guildId,
      channels.hub,
      channels.leaderboard,
      channels.shop,
      channels.transactions,
      hubMessageId,
      leaderboardMessageId,
    ]),
  );
  return { channels, hubMessageId, leaderboardMessageId, changes };
}
