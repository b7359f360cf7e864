/**
 * Interaction plumbing shared by every handler: custom ids (`feature:action:id`), the acting
 * member, ephemeral replies, and turning errors into one human sentence.
 */
import { randomUUID } from "node:crypto";
import { MessageFlags, type BaseInteraction, type InteractionReplyOptions, type RepliableInteraction } from "discord.js";
import { decodeDbError, renderError, type ErrorCode } from "@guildbank/lib";
import type { Actor } from "./db.ts";
import type { BotContext } from "./context.ts";
import { when } from "./render/format.ts";

/** The ephemeral flag (64): only the member who interacted sees the message. */
export const EPHEMERAL = MessageFlags.Ephemeral;

/** A parsed custom id: `feature:action:id` (the id part may itself contain `:`). */
export interface CustomId {
  feature: string;
  action: string;
  id: string;
}

/**
 * Builds a custom id, checking Discord's 100-character limit.
 *
 * @param feature - the router feature, e.g. `market`.
 * @param action - the action, e.g. `buy`.
 * @param id - the subject (listing id, tx id, …); parts joined with `:`.
 * @returns `feature:action:id`.
 * @throws {Error} when longer than 100 characters.
 */
export function customId(feature: string, action: string, ...id: (string | number)[]): string {
  const value = [feature, action, ...id].join(":");
  if (value.length > 100) throw new Error(`custom id over 100 characters: ${value}`);
  return value;
}

/**
 * Parses a custom id.
 *
 * @param value - the component's or modal's custom id.
 * @returns its parts (`id` is "" when absent).
 */
export function parseCustomId(value: string): CustomId {
  const [feature = "", action = "", ...rest] = value.split(":");
  return { feature, action, id: rest.join(":") };
}

/** A refusal the bot itself detects (bad modal input, a stale button): shown to the member as is. */
export class UserFacingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserFacingError";
  }
}

/**
 * The acting member of an interaction.
 *
 * @param interaction - any interaction.
 * @returns the guild, member id, display name and Discord role ids.
 * @throws {UserFacingError} outside a server (direct messages).
 */
export function actorOf(interaction: BaseInteraction): Actor {
  if (!interaction.guildId) throw new UserFacingError("Use Guildbank inside a server, not in direct messages.");
  const member = interaction.member as
    | { roles: string[] | { cache: Map<string, unknown> }; nick?: string | null; nickname?: string | null }
    | null;
  let roleIds: string[] = [];
  if (member) roleIds = Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
  const displayName = member?.nick ?? member?.nickname ?? interaction.user.globalName ?? interaction.user.username;
  return { guildId: interaction.guildId, discordId: interaction.user.id, displayName, roleIds };
}

/** Timestamps in an error's detail that render better as Discord timestamps. */
const TIME_FIELDS = ["next_claim_at", "next_attempt_at", "expired_at", "timeout_at", "next_at", "deadline"];

/**
 * The sentence a member sees for an error: a named SQLSTATE's message from `db/ERRORS.md` (times
 * rendered as Discord timestamps), a {@link UserFacingError}'s message, or a short apology with a
 * reference id that is logged with the error.
 *
 * @param ctx - the bot (for the logger).
 * @param err - anything thrown.
 * @param where - what was being done (logged).
 * @returns the message and whether it was expected (a refusal) or not.
 */
export function describeError(ctx: BotContext, err: unknown, where: string): { text: string; expected: boolean } {
  if (err instanceof UserFacingError) return { text: err.message, expected: true };
  const named = decodeDbError(err);
  if (named) {
    const detail: Record<string, unknown> = { ...named.detail };
    for (const f of TIME_FIELDS) if (typeof detail[f] === "string") detail[f] = when(detail[f] as string);
    return { text: renderError(named.code as ErrorCode, detail), expected: true };
  }
  const reference = randomUUID().slice(0, 8);
  ctx.logger.error({ err, reference, where }, "interaction failed");
  return { text: `Sorry, something went wrong on our side. If it keeps happening, give the staff this reference: ${reference}.`, expected: false };
}

/**
 * Answers an interaction ephemerally, whatever state it is in (replied, deferred or not yet).
 *
 * @param interaction - a repliable interaction.
 * @param options - the message (flags get `Ephemeral` added).
 */
export async function answer(interaction: RepliableInteraction, options: InteractionReplyOptions | string): Promise<void> {
  const body: InteractionReplyOptions = typeof options === "string" ? { content: options } : options;
  if (interaction.deferred && !interaction.replied) {
    const { flags: _ignored, ...rest } = body;
    await interaction.editReply(rest as Parameters<RepliableInteraction["editReply"]>[0]);
  } else if (interaction.replied) {
    await interaction.followUp({ ...body, flags: EPHEMERAL } as Parameters<RepliableInteraction["followUp"]>[0]);
  } else {
    await interaction.reply({ ...body, flags: EPHEMERAL } as Parameters<RepliableInteraction["reply"]>[0]);
  }
}
