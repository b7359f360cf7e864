/**
 * The seed's ingestion heuristics that run outside the database (seed 002 "Artist / Era / Image ingestion &
 * heuristics", "Classifier"): the era's search keywords, the eras cut from release groups, and the image kind from
 * its source metadata and keywords. The era choice itself is SQL (app_private.catalogue_choose_era), as it decides
 * stored state.
 */
import type { ReleaseGroup } from "./types.ts";

/** The seed's keyword patterns, `{artist} {era_name} <suffix>`. */
export const KEYWORD_SUFFIXES = ["concert", "live", "photoshoot", "mv", "red carpet", "press photo"] as const;

/**
 * An era's image search queries, in the seed's order.
 *
 * @param artist - the artist's name.
 * @param era - the era's name.
 * @returns six queries like "Taylor Swift 1989 concert".
 */
export function eraKeywords(artist: string, era: string): string[] {
  return KEYWORD_SUFFIXES.map((s) => `${artist} ${era} ${s}`.replace(/\s+/g, " ").trim());
}

/** An era cut from a release group: its window runs from the first release to the day before the next era's. */
export interface EraPlan {
  mbid: string;
  name: string;
  startsOn: string;
  endsOn: string | null;
  keywords: string[];
}

/** Secondary types that are not eras of their own (a live album or a compilation belongs to a studio era). */
const NOT_ERAS = new Set(["Compilation", "Live", "Remix", "Soundtrack", "DJ-mix", "Mixtape/Street", "Demo", "Interview", "Spokenword", "Audiobook", "Audio drama"]);

/**
 * The eras of an artist: its studio albums with a first release date, oldest first, at most `limit` (the most
 * recent ones), each window ending the day before the next album's release (the last stays open); re-releases of
 * the same title (deluxe editions) are one era.
 *
 * @param artist - the artist's name (for the keywords).
 * @param groups - the release groups from MusicBrainz.
 * @param limit - eras kept (the latest).
 */
export function planEras(artist: string, groups: ReleaseGroup[], limit: number): EraPlan[] {
  const seen = new Set<string>();
  const albums = groups
    .filter((g) => g.primaryType === "Album" && g.firstRelease && !g.secondaryTypes.some((t) => NOT_ERAS.has(t)))
    .sort((a, b) => a.firstRelease!.localeCompare(b.firstRelease!) || a.mbid.localeCompare(b.mbid))
    .filter((g) => {
      const key = g.title.toLowerCase().replace(/\s*[([].*(deluxe|edition|remaster|expanded).*[)\]]\s*$/i, "").trim();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const eras = albums.map((g, i) => {
    const next = albums[i + 1]?.firstRelease;
    let endsOn: string | null = null;
    if (next) {
      const d = new Date(`${next}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() - 1);
      endsOn = d.toISOString().slice(0, 10);
      if (endsOn < g.firstRelease!) endsOn = g.firstRelease;
    }
    return { mbid: g.mbid, name: g.title.slice(0, 100), startsOn: g.firstRelease!, endsOn, keywords: eraKeywords(artist, g.title) };
  });
  return eras.slice(Math.max(0, eras.length - limit));
}

/** The image kinds a card can have. */
export type ImageKind = "concert" | "cover" | "mv" | "promo" | "red_carpet";

/** What the classifier reads. */
export interface KindInput {
  url: string;
  pageUrl?: string | null;
  title?: string | null;
  pageText?: string | null;
  /** The search query that found the image ("Taylor Swift 1989 red carpet"). */
  query?: string | null;
  /** Image size, for the cover's square shape. */
  width?: number | null;
  height?: number | null;
}

const RULES: Array<{ kind: ImageKind; why: string; test: RegExp }> = [
  { kind: "mv", why: "video still (URL)", test: /(ytimg\.com|youtube\.com|youtu\.be|vimeocdn)/i },
  { kind: "red_carpet", why: "red carpet / awards words", test: /\b(red carpet|premiere|gala|awards?|grammys?|met gala|vmas?|amas|brit awards|oscars?)\b/i },
  { kind: "mv", why: "music video words", test: /\b(music video|mv|video shoot|official video|screenshot|still)\b/i },
  { kind: "cover", why: "album cover words", test: /\b(album cover|cover art|front cover|artwork|sleeve|vinyl|lp cover)\b/i },
  { kind: "concert", why: "concert words", test: /\b(concert|live|tour|performing|performs|performance|stage|festival|arena|stadium|gig)\b/i },
  { kind: "promo", why: "promotional words", test: /\b(photoshoot|photo shoot|press photo|promo(tional)?|portrait|interview|press conference|headshot)\b/i },
];

/**
 * The kind of an image from its source metadata, then its search query: URL patterns first (video thumbnails),
 * then words of the title and page text (red carpet and awards before music video, cover, concert, promo), then the
 * query's own keyword, then a square image named like an album is a cover; else promo.
 *
 * @param input - URL, title, page text, query, size.
 * @returns the kind and the reason (recorded with the image).
 */
export function classifyKind(input: KindInput): { kind: ImageKind; reason: string } {
  const urlRule = RULES[0];
  if (urlRule.test.test(input.url) || urlRule.test.test(input.pageUrl ?? "")) return { kind: urlRule.kind, reason: urlRule.why };
  const text = `${input.title ?? ""} \n ${input.pageText ?? ""}`;
  for (const r of RULES.slice(1)) {
    const m = r.test.exec(text);
    if (m) return { kind: r.kind, reason: `${r.why}: "${m[0]}" in the page` };
  }
  const q = (input.query ?? "").toLowerCase();
  const fromQuery: Array<[string, ImageKind]> = [["red carpet", "red_carpet"], [" mv", "mv"], ["concert", "concert"], [" live", "concert"], ["photoshoot", "promo"], ["press photo", "promo"]];
  for (const [word, kind] of fromQuery) {
    if (q.endsWith(word)) return { kind, reason: `search keyword "${word.trim()}"` };
  }
  if (input.width && input.height && Math.abs(input.width - input.height) <= input.width * 0.02) return { kind: "cover", reason: "square image" };
  return { kind: "promo", reason: "no signal: promo by default" };
}
