/**
 * `discord__card_notice` {notification_id} (issue 15): delivers one `card_notifications` row to its member by DM — a
 * rarity change of a card they own, a wishlisted card dropping, a sale, a trade, an expired event card, a mission or
 * achievement paid, a data transfer's progress, a pack picked for them. Queued by a trigger on insert (job key
 * `card_notice:<id>`, at most 5 attempts), so a notification is queued once. Never doubled: the job does nothing once
 * the outcome is recorded (`app_hidden.card_notice_delivered`), and the DM carries a Discord nonce derived from the
 * notification with `enforce_nonce`, so a retry after a lost answer returns the message already sent instead of a
 * second one. Discord refusing for good (DMs closed: 50007, unknown user) or the last attempt failing records
 * `failed`; outages throw for graphile-worker to retry.
 */
import { DiscordAPIError, EmbedBuilder, Routes, type REST } from "discord.js";
import type pg from "pg";
import { asWorker } from "../db.ts";
import { COLOURS } from "../render/embeds.ts";
import { coins } from "../render/format.ts";
import { messageNonce } from "./discord.ts";

/** A notification as `app_hidden.discord_card_notice` returns it. */
export interface CardNotice {
  id: string;
  guild_id: string;
  discord_id: string;
  guild_name: string;
  kind: string;
  payload: Record<string, unknown>;
  delivery: string | null;
  template: { public_id: string; rarity: string; artist: string; era: string } | null;
}

const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));

/**
 * The DM of a card notification: a title and a sentence per kind, the server's name in the footer.
 *
 * @param n - the notification.
 * @returns the embed.
 */
export function cardNoticeEmbed(n: CardNotice): EmbedBuilder {
  const p = n.payload;
  const card = n.template ? `**${n.template.public_id}** (${n.template.artist} · ${n.template.era})` : `**${str(p.public_id)}**`;
  const [title, text, colour]: [string, string, number] = (() => {
    switch (n.kind) {
      case "rarity_changed":
        return ["A card you own changed rarity", `${card} is now **${str(p.to)}** (was ${str(p.from)}). Your copies show it at once.`, COLOURS.info];
      case "wishlist_drop":
        return ["A wishlisted card dropped", `${card}, on your wishlist, was just drawn in ${n.guild_name}. Watch the card market.`, COLOURS.brand];
      case "card_sold":
        return ["Your card sold", `Your listing of ${card} sold.`, COLOURS.ok];
      case "trade_offer":
        return ["A trade offer", "A member offers you a trade of cards: see it with /trade in the server.", COLOURS.info];
      case "trade_done":
        return ["Trade done", "Your card trade went through.", COLOURS.ok];
      case "card_expired":
        return ["An event card vanished", "A temporary event card of yours expired with its event.", COLOURS.muted];
      case "template_deleted":
        return ["A card was removed", `${card} was removed from the catalogue by the staff${p.refund ? `; you were refunded ${coins(str(p.refund), str(p.currency) || "NOTE")}` : ""}.`, COLOURS.warn];
      case "mission_done":
        return ["Mission complete", `**${str(p.name)}** (${str(p.period)}): ${coins(str(p.amount), str(p.currency))} paid to your wallet.`, COLOURS.ok];
      case "achievement":
        return ["Achievement unlocked", `🏆 **${str(p.name)}**${p.amount ? `: ${coins(str(p.amount), str(p.currency))} paid to your wallet` : ""}.`, COLOURS.brand];
      case "data_transfer":
        return ["Data transfer", `A card data transfer involving your account is now **${str(p.status).replace(/_/g, " ")}**.`, COLOURS.info];
      case "pack_auto_picked":
        return ["Your pack was opened for you", `You did not pick a card in time, so the rarest one was kept for you: ${card} #${str(p.print_no)}.`, COLOURS.info];
      default:
        return ["Cards", "Something happened to your cards.", COLOURS.muted];
    }
  })();
  return new EmbedBuilder().setColor(colour).setTitle(title).setDescription(text).setFooter({ text: n.guild_name });
}

async function record(pool: pg.Pool, id: string, delivery: "sent" | "failed" | "skipped", error: string | null): Promise<void> {
  await asWorker(pool, (c) => c.query("select app_hidden.card_notice_delivered($1, $2, $3)", [id, delivery, error]));
}

/**
 * `discord__card_notice`: DMs one card notification, once.
 *
 * @param pool - the authenticator pool.
 * @param rest - discord.js REST.
 * @param notificationId - the notification id.
 * @param lastAttempt - whether this is the job's last attempt (a failure is then recorded instead of retried).
 * @returns what happened.
 * @throws REST errors that a retry may fix (not on the last attempt).
 */
export async function sendCardNotice(pool: pg.Pool, rest: REST, notificationId: string, lastAttempt: boolean): Promise<"sent" | "failed" | "skipped"> {
  const n = await asWorker(pool, async (c) => (await c.query<{ n: CardNotice | null }>("select app_hidden.discord_card_notice($1) as n", [notificationId])).rows[0].n);
  if (!n || n.delivery) return "skipped";
  try {
    const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: n.discord_id } })) as { id: string };
    await rest.post(Routes.channelMessages(dm.id), {
      body: { embeds: [cardNoticeEmbed(n).toJSON()], nonce: messageNonce("cardnotice", n.id), enforce_nonce: true },
    });
  } catch (err) {
    const permanent = err instanceof DiscordAPIError && err.status >= 400 && err.status < 500 && err.status !== 429;
    if (!permanent && !lastAttempt) throw err;
    await record(pool, n.id, "failed", err instanceof Error ? err.message.slice(0, 400) : String(err));
    return "failed";
  }
  await record(pool, n.id, "sent", null);
  return "sent";
}
