/** Embed values of the embed builder (issue 14): Discord's embed JSON, colours, and cleaning a form value. */

/** A Discord embed as Discord's JSON (what the database stores). */
export interface Embed {
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  fields?: { name: string; value: string; inline?: boolean }[];
  image?: { url: string };
  thumbnail?: { url: string };
  footer?: { text: string; icon_url?: string };
  author?: { name: string; url?: string; icon_url?: string };
  timestamp?: string;
}

/** `#f1c40f` → 15844367; empty → undefined. */
export function parseColour(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  const m = /^#?([0-9a-f]{6})$/i.exec(String(v ?? "").trim());
  return m ? parseInt(m[1], 16) : undefined;
}

/** 15844367 → `#f1c40f`. */
export function formatColour(v: unknown): string {
  return typeof v === "number" ? `#${v.toString(16).padStart(6, "0")}` : String(v ?? "");
}

/**
 * An embed as the form holds it → Discord's JSON without empty parts (null when nothing is left).
 *
 * @param e - the form value (`timestampNow` adds the current time).
 * @returns the embed, or null.
 */
export function cleanEmbed(e: (Embed & { timestampNow?: boolean; color?: number | string }) | null | undefined): Embed | null {
  if (!e) return null;
  const out: Embed = {};
  const text = (v: unknown) => (typeof v === "string" && v.trim() ? v : undefined);
  if (text(e.title)) out.title = e.title;
  if (text(e.description)) out.description = e.description;
  if (text(e.url)) out.url = e.url!.trim();
  const colour = parseColour(e.color);
  if (colour !== undefined) out.color = colour;
  const fields = (e.fields ?? []).filter((f) => text(f?.name) && text(f?.value)).map((f) => ({ name: f.name, value: f.value, inline: !!f.inline }));
  if (fields.length) out.fields = fields;
  if (text(e.image?.url)) out.image = { url: e.image!.url.trim() };
  if (text(e.thumbnail?.url)) out.thumbnail = { url: e.thumbnail!.url.trim() };
  if (text(e.footer?.text)) out.footer = { text: e.footer!.text, ...(text(e.footer?.icon_url) ? { icon_url: e.footer!.icon_url } : {}) };
  if (text(e.author?.name)) out.author = { name: e.author!.name, ...(text(e.author?.url) ? { url: e.author!.url } : {}), ...(text(e.author?.icon_url) ? { icon_url: e.author!.icon_url } : {}) };
  if (e.timestampNow) out.timestamp = new Date().toISOString();
  else if (text(e.timestamp)) out.timestamp = e.timestamp;
  return Object.keys(out).length ? out : null;
}

