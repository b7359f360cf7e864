/**
 * Discord REST helpers of the `discord__*` tasks: posting a message exactly once (the posted id
 * is stored; a retry edits instead of reposting; Discord's `enforce_nonce` drops a repost after a
 * crash between the POST and the store), permission overwrites, and telling permanent errors from
 * retryable ones.
 */
import { createHash } from "node:crypto";
import { DiscordAPIError, Routes, type REST, type RESTPostAPIChannelMessageJSONBody } from "discord.js";
import type pg from "pg";
import { asWorker } from "../db.ts";

/** A message's JSON body (embeds and components already `toJSON()`ed). */
export type MessageBody = RESTPostAPIChannelMessageJSONBody;

/** Discord's error codes for a channel or message that no longer exists, or no access to it. */
const GONE = new Set([10003, 10008, 50001]);

/**
 * Whether an error means the channel or message is gone or not accessible (retrying will not help).
 *
 * @param err - a REST error.
 * @returns true for Discord 404s and "Missing Access".
 */
export function isGone(err: unknown): boolean {
  return err instanceof DiscordAPIError && (err.status === 404 || GONE.has(Number(err.code)));
}

/**
 * The nonce of a subject's message: at most 25 characters, the same for every attempt, so Discord
 * (with `enforce_nonce`) creates the message once even if we crash after posting.
 *
 * @param parts - the subject (e.g. `transaction`, tx id).
 * @returns the nonce.
 */
export function messageNonce(...parts: string[]): string {
  return createHash("sha256").update(parts.join(":")).digest("base64url").slice(0, 25);
}

/** A stored Discord message of a subject. */
export interface StoredMessage {
  channel_id: string;
  message_id: string;
}

/**
 * Posts a subject's message, or edits it when it was posted before (its id is stored in
 * `discord_messages`). A stored message that was deleted is posted again.
 *
 * @param pool - the authenticator pool (acts as `coins_worker`).
 * @param rest - discord.js REST.
 * @param subject - guild, subject type (`transaction`, `listing`, `digest`) and id, target channel.
 * @param body - the message.
 * @returns the message id and whether it was created (false: edited).
 * @throws REST errors (rate limits, outages) for the job to retry.
 */
export async function upsertMessage(
  pool: pg.Pool,
  rest: REST,
  subject: { guildId: string; type: string; id: string; channelId: string },
  body: MessageBody,
): Promise<{ messageId: string; created: boolean }> {
  const stored = await asWorker(pool, async (c) =>
    (
      await c.query<StoredMessage>(
        "select channel_id::text, message_id::text from app_hidden.discord_message($1, $2, $3) where message_id is not null",
        [subject.guildId, subject.type, subject.id],
      )
    ).rows[0],
  );
  if (stored) {
    try {
      await rest.patch(Routes.channelMessage(stored.channel_id, stored.message_id), { body: { embeds: body.embeds, components: body.components, content: body.content } });
      return { messageId: stored.message_id, created: false };
    } catch (err) {
      if (!isGone(err)) throw err;
    }
  }
  const nonce = messageNonce(subject.type, subject.id, stored?.message_id ?? "");
  const posted = (await rest.post(Routes.channelMessages(subject.channelId), { body: { ...body, nonce, enforce_nonce: true } })) as { id: string };
  await asWorker(pool, (c) =>
    c.query("select app_hidden.record_discord_message($1, $2, $3, $4, $5)", [subject.guildId, subject.type, subject.id, subject.channelId, posted.id]),
  );
  return { messageId: posted.id, created: true };
}
