/**
 * Player flows that are one function call each: My Card, balance, daily claim, give, help,
 * leaderboard. Every answer is ephemeral.
 */
import { AttachmentBuilder, EmbedBuilder, type RepliableInteraction, type User } from "discord.js";
import { z } from "zod";
import { asMember } from "../db.ts";
import type { BotContext } from "../context.ts";
import { actorOf, answer, UserFacingError } from "../interaction.ts";
import { decodeAvatar, renderCard } from "../render/card.ts";
import { cardMessage, COLOURS, helpEmbed, leaderboardMessage, type LeaderboardRow, type MemberCard } from "../render/embeds.ts";
import { coins, mention, when } from "../render/format.ts";

/** The idempotency key of an interaction's effect (the interaction id is unique per click or submit). */
export function interactionKey(kind: string, id: string): string {
  return `discord:${kind}:${id}`;
}

const avatarCache = new Map<string, Buffer>();

/**
 * A member's avatar bytes (128 px PNG from Discord's CDN), cached per URL, or null when the
 * member has the default avatar or the CDN does not answer within 1.5 s.
 *
 * @param user - the member.
 * @returns the bytes or null.
 */
async function avatarBytes(user: User): Promise<Buffer | null> {
  if (!user.avatar) return null;
  const url = user.displayAvatarURL({ extension: "png", size: 128 });
  const cached = avatarCache.get(url);
  if (cached) return cached;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1500) });
    if (!res.ok) return null;
    const bytes = Buffer.from(await res.arrayBuffer());
    if (avatarCache.size > 500) avatarCache.clear();
    avatarCache.set(url, bytes);
    return bytes;
  } catch {
    return null;
  }
}

/**
 * My Card (`/card`, hub *My Card*, card *Refresh*, leaderboard *View Yours*): `my_card()` as the
 * member, an embed and the rendered PNG.
 *
 * @param ctx - the bot.
 * @param i - the interaction.
 */
export async function showCard(ctx: BotContext, i: RepliableInteraction): Promise<void> {
  const actor = actorOf(i);
  const card = await asMember(ctx.pool, actor, async (c) => (await c.query<MemberCard>("select * from app_public.my_card()")).rows[0]);
  const avatar = await decodeAvatar(await avatarBytes(i.user));
  const started = performance.now();
  const png = renderCard(card, avatar);
  ctx.metrics.cardRenderSeconds.observe((performance.now() - started) / 1000);
  await answer(i, { ...cardMessage(card, true), files: [new AttachmentBuilder(png, { name: "card.png" })] });
}

/**
 * `/balance`: wallet and escrow.
 *
 * @param ctx - the bot.
 * @param i - the interaction.
 */
export async function showBalance(ctx: BotContext, i: RepliableInteraction): Promise<void> {
  const { card, others } = await asMember(ctx.pool, actorOf(i), async (c) => ({
    card: (await c.query<MemberCard>("select * from app_public.my_card()")).rows[0],
    others: (await c.query<{ currency: string; name: string; scale: number; balance: string }>("select * from app_public.card_balances() where currency <> 'COIN'")).rows,
  }));
  await answer(i, {
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.brand)
        .setTitle("Your balance")
        .addFields(
          { name: "Wallet", value: coins(card.balance), inline: true },
          { name: "Escrow", value: coins(card.escrow), inline: true },
          // The card currencies the guild uses (issue 15), each with its scale.
          ...others.map((o) => ({ name: o.name, value: coins(o.balance, o.currency), inline: true })),
        ),
    ],
  });
}

/** `app_public.daily_claim`. */
interface DailyClaim {
  amount: string;
  streak_days: number;
  balance: string;
  next_claim_at: Date;
}

/**
 * Claim Daily (`/daily`, hub button): `claim_daily(key)`; on cooldown the CD001 sentence with
 * the next claim time.
 *
 * @param ctx - the bot.
 * @param i - the interaction.
 */
export async function claimDaily(ctx: BotContext, i: RepliableInteraction): Promise<void> {
  const claim = await asMember(ctx.pool, actorOf(i), async (c) =>
    (await c.query<DailyClaim>("select * from app_public.claim_daily($1)", [interactionKey("daily", i.id)])).rows[0],
  );
  await answer(i, {
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.ok)
        .setTitle("Daily reward claimed")
        .addFields(
          { name: "Reward", value: coins(claim.amount), inline: true },
          { name: "Streak", value: `${claim.streak_days} day${claim.streak_days === 1 ? "" : "s"}`, inline: true },
          { name: "Balance", value: coins(claim.balance), inline: true },
          { name: "Next claim", value: `${when(claim.next_claim_at)} (${when(claim.next_claim_at, "R")})` },
        ),
    ],
  });
}

/** `/give` options. */
const giveSchema = z.object({
  to: z.string().regex(/^\d{17,20}$/),
  amount: z.number().int("The amount must be a whole number of coins.").min(1, "The amount must be at least 1 coin."),
});

/**
 * `/give member amount`: `give(to, amount, key)`.
 *
 * @param ctx - the bot.
 * @param i - the interaction.
 * @param input - the recipient's id and the amount (coins), validated here.
 */
export async function give(ctx: BotContext, i: RepliableInteraction, input: { to: string; amount: number }): Promise<void> {
  const parsed = giveSchema.safeParse(input);
  if (!parsed.success) throw new UserFacingError(parsed.error.issues[0].message);
  const receipt = await asMember(ctx.pool, actorOf(i), async (c) =>
    (
      await c.query<{ tx_id: string; amount: string; balance: string }>("select * from app_public.give($1, $2, $3)", [
        parsed.data.to,
        parsed.data.amount,
        interactionKey("give", i.id),
      ])
    ).rows[0],
  );
  await answer(i, {
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.ok)
        .setTitle("Coins sent")
        .setDescription(`You sent ${coins(receipt.amount)} to ${mention(parsed.data.to)}.`)
        .addFields({ name: "New balance", value: coins(receipt.balance), inline: true }, { name: "tx_id", value: `\`${receipt.tx_id}\`` }),
    ],
  });
}

/**
 * Help (hub button).
 *
 * @param _ctx - the bot.
 * @param i - the interaction.
 */
export async function showHelp(_ctx: BotContext, i: RepliableInteraction): Promise<void> {
  await answer(i, { embeds: [helpEmbed()] });
}

/**
 * `/leaderboard`: the live top 10 (`leaderboard(10)`) with the "View Yours" button.
 *
 * @param ctx - the bot.
 * @param i - the interaction.
 */
export async function showLeaderboard(ctx: BotContext, i: RepliableInteraction): Promise<void> {
  const rows = await asMember(ctx.pool, actorOf(i), async (c) => (await c.query<LeaderboardRow>("select * from app_public.leaderboard(10)")).rows);
  await answer(i, leaderboardMessage(rows, new Date()));
}
