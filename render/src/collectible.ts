/**
 * Collectible card images (issue 15) with `@napi-rs/canvas`, like My Card: a 300×420 card front (the template's image
 * cropped to the frame, or generated artwork for the demo catalogue; a frame per rarity with its colour and ornaments;
 * artist, era, public id and print number), the card back, and the three-card pack reveal (backs, then the chosen
 * front). Rendered fronts are cached by template and rarity: decoded in memory, and as PNG files in a cache
 * store (`card-cache.ts`: a directory by default, an S3-compatible bucket when configured); nothing is stored in the
 * database. Flat colours only (gradients make PNG encoding several times slower).
 */
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { createCanvas, loadImage, type Image, type SKRSContext2D } from "@napi-rs/canvas";
import { artLocation, type ArtSources } from "./art-source.ts";
import { fitText, roundedRect } from "./canvas.ts";
import { DirectoryCardCache, type CardCacheStore } from "./card-cache.ts";

/** Card size in pixels. */
export const CARD_W = 300;
export const CARD_H = 420;
const GAP = 20;

const FONT = "DejaVu Sans, Liberation Sans, sans-serif";

/** The five rarities, lowest first. */
export const RARITIES = ["common", "rare", "epic", "legendary", "mythic"] as const;
/** A card rarity. */
export type Rarity = (typeof RARITIES)[number];

/** Frame colour, accent and ornament count per rarity. */
export const FRAMES: Record<Rarity, { frame: string; accent: string; label: string; stars: number }> = {
  common: { frame: "#8d99a6", accent: "#d5dbe1", label: "COMMON", stars: 1 },
  rare: { frame: "#2e86de", accent: "#9fd3ff", label: "RARE", stars: 2 },
  epic: { frame: "#8e44ad", accent: "#e0b3ff", label: "EPIC", stars: 3 },
  legendary: { frame: "#d4a017", accent: "#fff1a8", label: "LEGENDARY", stars: 4 },
  mythic: { frame: "#c0392b", accent: "#ffd1c7", label: "MYTHIC", stars: 5 },
};

/** What a card front shows: the template (shared) and, for an owned copy, its print number. */
export interface CardFace {
  publicId: string;
  rarity: Rarity;
  artist: string;
  era: string;
  /** The era's colour (#rrggbb), tints generated artwork. */
  colour: string;
  /** The template's stored image URL (file:// in the storage directory, or under the bucket's base URL; see
   *  `art-source.ts`), or null for generated artwork. Any other URL is drawn as generated artwork. */
  imageUrl: string | null;
  /** Copies minted so far of the template. */
  copies: number;
  /** The copy's print number, or null when showing the template. */
  printNo: number | null;
  /** True for an event's temporary card. */
  temporary?: boolean;
}

function shade(hex: string, f: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const ch = (s: number) => Math.max(0, Math.min(255, Math.round(((n >> s) & 255) * f)));
  return `rgb(${ch(16)},${ch(8)},${ch(0)})`;
}

function star(ctx: SKRSContext2D, cx: number, cy: number, r: number): void {
  ctx.beginPath();
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    const rr = i % 2 === 0 ? r : r * 0.45;
    ctx.lineTo(cx + rr * Math.cos(a), cy + rr * Math.sin(a));
  }
  ctx.closePath();
  ctx.fill();
}

/**
 * Draws generated artwork (no network): the era's colour, a pattern seeded by the public id (rings, bars, dots) and
 * the artist's initials.
 */
function drawGeneratedArt(ctx: SKRSContext2D, face: CardFace, x: number, y: number, w: number, h: number): void {
  const seed = createHash("sha256").update(face.publicId).digest();
  ctx.fillStyle = shade(face.colour, 0.55);
  ctx.fillRect(x, y, w, h);
  const kind = seed[0] % 3;
  for (let i = 0; i < 9; i++) {
    const b = seed[1 + i];
    ctx.fillStyle = i % 2 === 0 ? shade(face.colour, 0.8 + (b % 40) / 100) : shade(face.colour, 0.35 + (b % 30) / 100);
    if (kind === 0) {
      ctx.beginPath();
      ctx.arc(x + (b / 255) * w, y + (seed[10 + i] / 255) * h, 18 + (seed[20 + i] % 60), 0, Math.PI * 2);
      ctx.fill();
    } else if (kind === 1) {
      ctx.fillRect(x + (i * w) / 9, y + (b % 60), w / 18, h - (b % 60));
    } else {
      for (let j = 0; j < 4; j++) {
        ctx.beginPath();
        ctx.arc(x + ((b + j * 64) % 255) / 255 * w, y + ((seed[10 + i] + j * 40) % 255) / 255 * h, 6 + (seed[20 + j] % 10), 0, Math.PI * 2);
        ctx.fill();
      }
    }
  }
  const initials = face.artist.split(/\s+/).map((s) => s[0] ?? "").join("").slice(0, 3).toUpperCase() || "?";
  ctx.fillStyle = "rgba(255,255,255,0.85)";
  ctx.font = `bold 72px ${FONT}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText(initials, x + w / 2, y + h / 2);
  ctx.font = `bold 16px ${FONT}`;
  ctx.fillText(face.era.toUpperCase(), x + w / 2, y + h / 2 + 52);
  ctx.textAlign = "left";
  ctx.textBaseline = "alphabetic";
}

/** Draws `img` to cover the box (centre crop). */
function drawCover(ctx: SKRSContext2D, img: Image, x: number, y: number, w: number, h: number): void {
  const scale = Math.max(w / img.width, h / img.height);
  const sw = w / scale;
  const sh = h / scale;
  ctx.drawImage(img, (img.width - sw) / 2, (img.height - sh) / 2, sw, sh, x, y, w, h);
}

/**
 * Draws a card front at (x, y), full size.
 *
 * @param ctx - the canvas context.
 * @param face - what the card shows.
 * @param art - the template's decoded image, or null for generated artwork.
 * @param x - left.
 * @param y - top.
 */
export function drawFront(ctx: SKRSContext2D, face: CardFace, art: Image | null, x = 0, y = 0): void {
  const f = FRAMES[face.rarity];
  ctx.save();
  roundedRect(ctx, x, y, CARD_W, CARD_H, 18);
  ctx.fillStyle = f.frame;
  ctx.fill();
  ctx.clip();
  // Inner panel and art window.
  ctx.fillStyle = "#16181f";
  roundedRect(ctx, x + 10, y + 10, CARD_W - 20, CARD_H - 20, 12);
  ctx.fill();
  const ax = x + 20;
  const ay = y + 48;
  const aw = CARD_W - 40;
  const ah = 250;
  ctx.save();
  ctx.beginPath();
  ctx.rect(ax, ay, aw, ah);
  ctx.clip();
  if (art) drawCover(ctx, art, ax, ay, aw, ah);
  else drawGeneratedArt(ctx, face, ax, ay, aw, ah);
  ctx.restore();
  ctx.strokeStyle = f.accent;
  ctx.lineWidth = 2;
  ctx.strokeRect(ax, ay, aw, ah);
  // Header: rarity label and ornaments (one star per rarity step).
  ctx.fillStyle = f.accent;
  ctx.font = `bold 15px ${FONT}`;
  ctx.fillText(f.label, x + 22, y + 36);
  for (let i = 0; i < f.stars; i++) star(ctx, x + CARD_W - 30 - i * 20, y + 30, 8);
  // Corner ornaments.
  ctx.fillStyle = f.accent;
  for (const [cx, cy] of [
    [x + 20, y + 48],
    [x + CARD_W - 20, y + 48],
    [x + 20, y + 48 + ah],
    [x + CARD_W - 20, y + 48 + ah],
  ]) {
    ctx.beginPath();
    ctx.moveTo(cx, cy - 7);
    ctx.lineTo(cx + 7, cy);
    ctx.lineTo(cx, cy + 7);
    ctx.lineTo(cx - 7, cy);
    ctx.closePath();
    ctx.fill();
  }
  // Artist, era, public id.
  ctx.fillStyle = "#ffffff";
  ctx.font = `bold 22px ${FONT}`;
  ctx.fillText(fitText(ctx, face.artist, CARD_W - 44), x + 22, y + 328);
  ctx.fillStyle = "#b9bbbe";
  ctx.font = `15px ${FONT}`;
  ctx.fillText(fitText(ctx, face.temporary ? `${face.era} · event` : face.era, CARD_W - 44), x + 22, y + 350);
  ctx.fillStyle = f.accent;
  ctx.font = `bold 14px ${FONT}`;
  ctx.fillText(face.publicId, x + 22, y + 392);
  ctx.restore();
}

/**
 * Draws the print number badge of a copy (bottom right).
 *
 * @param ctx - the canvas context.
 * @param face - the card (printNo, copies).
 * @param x - the card's left.
 * @param y - the card's top.
 */
export function drawPrint(ctx: SKRSContext2D, face: CardFace, x = 0, y = 0): void {
  if (face.printNo == null) return;
  const f = FRAMES[face.rarity];
  const text = `#${face.printNo}`;
  ctx.font = `bold 18px ${FONT}`;
  const w = ctx.measureText(text).width + 20;
  ctx.fillStyle = f.frame;
  roundedRect(ctx, x + CARD_W - 22 - w, y + 372, w, 28, 14);
  ctx.fill();
  ctx.fillStyle = "#ffffff";
  ctx.fillText(text, x + CARD_W - 12 - w, y + 392);
}

/**
 * Draws the card back at (x, y).
 *
 * @param ctx - the canvas context.
 * @param x - left.
 * @param y - top.
 */
export function drawBack(ctx: SKRSContext2D, x = 0, y = 0): void {
  ctx.save();
  roundedRect(ctx, x, y, CARD_W, CARD_H, 18);
  ctx.fillStyle = "#2b2e48";
  ctx.fill();
  ctx.clip();
  ctx.strokeStyle = "#5865f2";
  ctx.lineWidth = 3;
  for (let i = -CARD_H; i < CARD_W; i += 24) {
    ctx.beginPath();
    ctx.moveTo(x + i, y);
    ctx.lineTo(x + i + CARD_H, y + CARD_H);
    ctx.stroke();
  }
  ctx.fillStyle = "#23253a";
  roundedRect(ctx, x + 40, y + 150, CARD_W - 80, 120, 16);
  ctx.fill();
  ctx.fillStyle = "#f1c40f";
  ctx.font = `bold 30px ${FONT}`;
  ctx.textAlign = "center";
  ctx.fillText("GUILDBANK", x + CARD_W / 2, y + 210);
  ctx.font = `14px ${FONT}`;
  ctx.fillStyle = "#b9bbbe";
  ctx.fillText("tap a card to keep it", x + CARD_W / 2, y + 240);
  ctx.textAlign = "left";
  ctx.restore();
}

/** The largest template image read or downloaded, in bytes (a larger one is drawn as generated artwork). */
export const MAX_ART_BYTES = 20 * 1024 * 1024;

/** Reads an http(s) body up to `max` bytes; null when it is larger (the rest is not downloaded). */
async function boundedBody(res: Response, max: number): Promise<Buffer | null> {
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel();
    return null;
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > max) return null; // leaving the loop cancels the stream
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/**
 * Fetches and decodes a template's image, through the cache: only a file inside the storage directory or an object
 * under the bucket's base URL (`artLocation`), at most `MAX_ART_BYTES`, 2 s for a download, redirects refused; null
 * (generated artwork) otherwise or when unavailable.
 */
async function loadArt(url: string | null, sources: ArtSources, cache: CardCacheStore | null, onError: (err: unknown) => void): Promise<Image | null> {
  const where = await artLocation(url, sources);
  if (!where) return null;
  try {
    const key = `sources/${createHash("sha256").update(url as string).digest("hex").slice(0, 32)}.img`;
    let bytes: Buffer | null = null;
    if (cache) bytes = await cache.get(key).catch((err: unknown) => (onError(err), null));
    if (!bytes && where.kind === "file") {
      if ((await stat(where.path)).size <= MAX_ART_BYTES) bytes = await readFile(where.path);
    } else if (!bytes && where.kind === "http") {
      const res = await fetch(where.url, { redirect: "error", signal: AbortSignal.timeout(2000) });
      if (res.ok) bytes = await boundedBody(res, MAX_ART_BYTES);
      else await res.body?.cancel();
      if (bytes && cache) await cache.put(key, bytes, res.headers.get("content-type") ?? "application/octet-stream").catch(onError);
    }
    return bytes ? await loadImage(bytes) : null;
  } catch {
    return null;
  }
}

/**
 * Renders card images and caches template fronts by public id and rarity: decoded in memory (LRU of `maxEntries`)
 * and as PNG files in a cache store (a directory or an S3-compatible bucket; null: memory only). A rarity change
 * renders a new front (the key changes). A failing store never fails a render: `onError` hears about it.
 */
export class CardRenderer {
  private readonly fronts = new Map<string, Image>();
  private back: Image | null = null;

  private readonly cache: CardCacheStore | null;
  private readonly maxEntries: number;
  private readonly onError: (err: unknown) => void;
  private readonly sources: ArtSources;

  /**
   * @param cache - where rendered fronts (and downloaded source images) are cached: a store, a directory path, or
   *   null to keep them in memory only.
   * @param maxEntries - decoded fronts kept in memory (least recently used go first).
   * @param onError - told about cache store failures (default: ignored).
   * @param sources - where template images may be read from (default: nowhere, every front gets generated artwork).
   */
  constructor(
    cache: CardCacheStore | string | null,
    maxEntries = 2000,
    onError: (err: unknown) => void = () => {},
    sources: ArtSources = { storageDir: null, cdnUrl: null },
  ) {
    this.sources = sources;
    this.cache = typeof cache === "string" ? new DirectoryCardCache(cache) : cache;
    this.maxEntries = maxEntries;
    this.onError = onError;
  }

  /** The cache store in use (null: memory only). */
  get store(): CardCacheStore | null {
    return this.cache;
  }

  private key(face: CardFace): string {
    return `${face.publicId}-${face.rarity}${face.temporary ? "-t" : ""}`.replace(/[^A-Za-z0-9-]/g, "_");
  }

  /**
   * The template's front (without print number), from the memory cache, the cache store, or rendered now.
   *
   * @param face - the card.
   * @returns the decoded front.
   */
  async front(face: CardFace): Promise<Image> {
    const key = this.key(face);
    const hit = this.fronts.get(key);
    if (hit) {
      this.fronts.delete(key);
      this.fronts.set(key, hit);
      return hit;
    }
    const file = `fronts/${key}.png`;
    let png = this.cache ? await this.cache.get(file).catch((err: unknown) => (this.onError(err), null)) : null;
    if (!png) {
      const canvas = createCanvas(CARD_W, CARD_H);
      drawFront(canvas.getContext("2d"), face, await loadArt(face.imageUrl, this.sources, this.cache, this.onError));
      png = canvas.toBuffer("image/png");
      if (this.cache) await this.cache.put(file, png, "image/png").catch(this.onError);
    }
    const img = await loadImage(png);
    if (this.fronts.size >= this.maxEntries) this.fronts.delete(this.fronts.keys().next().value as string);
    this.fronts.set(key, img);
    return img;
  }

  private async backImage(): Promise<Image> {
    if (!this.back) {
      const canvas = createCanvas(CARD_W, CARD_H);
      drawBack(canvas.getContext("2d"));
      this.back = await loadImage(canvas.toBuffer("image/png"));
    }
    return this.back;
  }

  /**
   * A copy's (or template's) card as PNG: the cached front plus the print number.
   *
   * @param face - the card.
   * @returns the PNG bytes.
   */
  async card(face: CardFace): Promise<Buffer> {
    const canvas = createCanvas(CARD_W, CARD_H);
    const ctx = canvas.getContext("2d");
    ctx.drawImage(await this.front(face), 0, 0);
    drawPrint(ctx, face);
    return canvas.toBuffer("image/png");
  }

  /**
   * The pack reveal: the cards side by side, backs, except the chosen one (and, after the pick, every card when
   * `showAll`) shown face up, the seed's flip. With `chosen` null every card shows its back.
   *
   * @param faces - the pack's cards in slot order.
   * @param chosen - the slot picked, or null before the pick.
   * @param showAll - reveal the other cards too (dimmed): what the member left.
   * @returns the PNG bytes.
   */
  async reveal(faces: CardFace[], chosen: number | null, showAll = false): Promise<Buffer> {
    const w = faces.length * CARD_W + (faces.length + 1) * GAP;
    const h = CARD_H + 2 * GAP;
    const canvas = createCanvas(w, h);
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#1e1f29";
    ctx.fillRect(0, 0, w, h);
    for (let i = 0; i < faces.length; i++) {
      const x = GAP + i * (CARD_W + GAP);
      if (i === chosen || (showAll && chosen !== null)) {
        ctx.drawImage(await this.front(faces[i]), x, GAP);
        if (i === chosen) drawPrint(ctx, faces[i], x, GAP);
        else {
          ctx.fillStyle = "rgba(20,20,28,0.6)";
          ctx.fillRect(x, GAP, CARD_W, CARD_H);
        }
      } else {
        ctx.drawImage(await this.backImage(), x, GAP);
      }
      ctx.fillStyle = "#ffffff";
      ctx.font = `bold 16px ${FONT}`;
      ctx.fillText(String(i + 1), x + CARD_W / 2 - 4, GAP - 4 + CARD_H + 16);
    }
    return canvas.toBuffer("image/png");
  }
}
