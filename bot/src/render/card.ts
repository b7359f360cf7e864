/**
 * The My Card image: an 800×320 PNG drawn with `@napi-rs/canvas` (avatar, name, balance, escrow,
 * streak, badges, season rank, last 3 transactions). Fonts: the system's sans-serif (the image
 * installs DejaVu); nothing is fetched while drawing.
 */
import { createCanvas, loadImage, type Image } from "@napi-rs/canvas";
import { fitText, roundedRect } from "./canvas.ts";
import { formatNumber } from "@guildbank/lib";
import { badgeNames, recentLine, type MemberCard } from "./embeds.ts";
import { currentDisplay } from "../features.ts";

/** Card size in pixels. */
export const CARD_WIDTH = 800;
export const CARD_HEIGHT = 320;

const FONT = "DejaVu Sans, Liberation Sans, sans-serif";

/**
 * Decodes an avatar image (PNG/JPEG/WebP bytes), or null when it cannot be read.
 *
 * @param bytes - the image file's bytes.
 * @returns the decoded image or null.
 */
export async function decodeAvatar(bytes: Buffer | null | undefined): Promise<Image | null> {
  if (!bytes || bytes.length === 0) return null;
  try {
    return await loadImage(bytes);
  } catch {
    return null;
  }
}

/**
 * Renders a member's card.
 *
 * @param card - the member's `my_card()` row.
 * @param avatar - the decoded avatar ({@link decodeAvatar}); null draws the initials.
 * @returns the PNG bytes.
 */
export function renderCard(card: MemberCard, avatar: Image | null = null): Buffer {
  const canvas = createCanvas(CARD_WIDTH, CARD_HEIGHT);
  const ctx = canvas.getContext("2d");

  // Flat colours only: a gradient's dithering makes the PNG several times slower to encode.
  ctx.fillStyle = "#23253a";
  roundedRect(ctx, 0, 0, CARD_WIDTH, CARD_HEIGHT, 24);
  ctx.fill();
  ctx.fillStyle = "#2b2e48";
  ctx.fillRect(0, 208, CARD_WIDTH, 1);
  ctx.save();
  roundedRect(ctx, 0, 0, CARD_WIDTH, CARD_HEIGHT, 24);
  ctx.clip();
  ctx.fillStyle = card.frozen ? "#e74c3c" : "#f1c40f";
  ctx.fillRect(0, 0, CARD_WIDTH, 8);
  ctx.restore();

  // Avatar: a 120 px circle.
  const ax = 40;
  const ay = 40;
  const size = 120;
  ctx.save();
  ctx.beginPath();
  ctx.arc(ax + size / 2, ay + size / 2, size / 2, 0, Math.PI * 2);
  ctx.closePath();
  ctx.clip();
  if (avatar) {
    ctx.drawImage(avatar, ax, ay, size, size);
  } else {
    ctx.fillStyle = "#5865f2";
    ctx.fillRect(ax, ay, size, size);
    ctx.fillStyle = "#ffffff";
    ctx.font = `bold 52px ${FONT}`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    const initials = (card.display_name || "?").split(/\s+/).map((w) => w[0] ?? "").join("").slice(0, 2).toUpperCase();
    ctx.fillText(initials || "?", ax + size / 2, ay + size / 2 + 2);
  }
  ctx.restore();
  ctx.textAlign = "left";
  ctx.textBaseline = "alphabetic";

  // Name and rank.
  ctx.fillStyle = "#ffffff";
  ctx.font = `bold 34px ${FONT}`;
  ctx.fillText(fitText(ctx, card.display_name || "Member", 430), 190, 78);
  ctx.fillStyle = "#f1c40f";
  ctx.font = `bold 26px ${FONT}`;
  ctx.textAlign = "right";
  ctx.fillText(`#${card.rank}`, CARD_WIDTH - 40, 78);
  ctx.font = `14px ${FONT}`;
  ctx.fillStyle = "#b9bbbe";
  // While a season runs the rank is the season's (issue 14), else the rank by balance.
  ctx.fillText(card.season_name ? fitText(ctx, `${card.season_name} RANK`.toUpperCase(), 220) : "RANK", CARD_WIDTH - 40, 100);
  ctx.textAlign = "left";

  // Stat boxes: balance, escrow, streak. The balance names the guild's currency when it has its own name (issue 14).
  const name = currentDisplay()?.name?.trim();
  const stats: [string, string][] = [
    [name && name.toLowerCase() !== "coins" ? `BALANCE · ${name.toUpperCase().slice(0, 16)}` : "BALANCE", formatNumber(card.balance, "COIN")],
    ["ESCROW", formatNumber(card.escrow, "COIN")],
    ["STREAK", `${card.streak_days} d`],
  ];
  stats.forEach(([label, value], i) => {
    const x = 190 + i * 195;
    ctx.fillStyle = "rgba(255,255,255,0.06)";
    roundedRect(ctx, x, 110, 180, 62, 12);
    ctx.fill();
    ctx.fillStyle = "#b9bbbe";
    ctx.font = `13px ${FONT}`;
    ctx.fillText(label, x + 14, 132);
    ctx.fillStyle = "#ffffff";
    ctx.font = `bold 24px ${FONT}`;
    ctx.fillText(fitText(ctx, value, 156), x + 14, 160);
  });

  // Badges under the stats.
  const badges = badgeNames(card.badges);
  ctx.font = `13px ${FONT}`;
  let bx = 190;
  for (const b of badges.slice(0, 6)) {
    const w = Math.min(ctx.measureText(b).width + 18, 180);
    if (bx + w > CARD_WIDTH - 40) break;
    ctx.fillStyle = "#5865f2";
    roundedRect(ctx, bx, 176, w, 22, 11);
    ctx.fill();
    ctx.fillStyle = "#ffffff";
    ctx.fillText(fitText(ctx, b, w - 18), bx + 9, 192);
    bx += w + 6;
  }
  if (badges.length === 0) {
    ctx.fillStyle = "#72767d";
    ctx.fillText("no badges yet", 190, 192);
  }

  // Last 3 transactions.
  ctx.fillStyle = "#b9bbbe";
  ctx.font = `13px ${FONT}`;
  ctx.fillText("LAST TRANSACTIONS", 40, 228);
  ctx.font = `16px ${FONT}`;
  const recent = card.recent.slice(0, 3);
  if (recent.length === 0) {
    ctx.fillStyle = "#72767d";
    ctx.fillText("none yet", 40, 254);
  }
  recent.forEach((tx, i) => {
    ctx.fillStyle = tx.direction === "in" ? "#2ecc71" : tx.direction === "out" ? "#e74c3c" : "#b9bbbe";
    ctx.fillText(fitText(ctx, recentLine(tx), 520), 40, 254 + i * 22);
    ctx.fillStyle = "#72767d";
    ctx.textAlign = "right";
    ctx.fillText(new Date(tx.created_at).toISOString().slice(0, 16).replace("T", " "), CARD_WIDTH - 40, 254 + i * 22);
    ctx.textAlign = "left";
  });

  return canvas.toBuffer("image/png");
}
