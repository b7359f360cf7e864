/** Drawing helpers shared by the bot's images (My Card and the collectible cards), on `@napi-rs/canvas`. */
import type { SKRSContext2D } from "@napi-rs/canvas";

/**
 * Traces a rectangle with rounded corners as the context's current path (fill or stroke it after).
 *
 * @param ctx - the 2D context.
 * @param x - left edge, in pixels.
 * @param y - top edge, in pixels.
 * @param w - width, in pixels.
 * @param h - height, in pixels.
 * @param r - corner radius, in pixels.
 */
export function roundedRect(ctx: SKRSContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

/**
 * Shortens `text` with an ellipsis until it fits `maxWidth` in the context's current font.
 *
 * @param ctx - the 2D context (its font is used for measuring).
 * @param text - the text to fit.
 * @param maxWidth - the room, in pixels.
 * @returns the text, or a prefix of it followed by "…".
 */
export function fitText(ctx: SKRSContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let t = text;
  while (t.length > 1 && ctx.measureText(`${t}…`).width > maxWidth) t = t.slice(0, -1);
  return `${t}…`;
}
