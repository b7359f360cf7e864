/**
 * MusicBrainz (https://musicbrainz.org/doc/MusicBrainz_API): artist search and lookup (MBID, group or person,
 * members) and release groups (albums with their first release dates → eras). Its rules: at most one request per
 * second, a descriptive User-Agent, back off on 503. No key needed.
 */
import { z } from "zod";
import { SourceError, SourceHttp, type SourcePolicy } from "../http.ts";
import type { ArtistDetails, ArtistHit, CatalogueSource, ReleaseGroup } from "../types.ts";

/** MusicBrainz's policy: 1 request/second, one at a time, backoff from 1 s on 503. */
export const MUSICBRAINZ_POLICY: SourcePolicy = { minTimeMs: 1000, maxConcurrent: 1, retries: 4, backoffMs: 1000, maxBackoffMs: 30_000, timeoutMs: 15_000 };

const artistSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string().nullish(),
  score: z.coerce.number().optional(),
  country: z.string().nullish(),
  disambiguation: z.string().nullish(),
});
const searchSchema = z.object({ artists: z.array(artistSchema) });
const lookupSchema = artistSchema.extend({
  relations: z
    .array(z.object({ type: z.string(), direction: z.string().optional(), artist: z.object({ id: z.string(), name: z.string() }).optional() }))
    .default([]),
});
const rgPageSchema = z.object({
  "release-group-count": z.number(),
  "release-group-offset": z.number().optional(),
  "release-groups": z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      "first-release-date": z.string().nullish(),
      "primary-type": z.string().nullish(),
      "secondary-types": z.array(z.string()).nullish(),
    }),
  ),
});

/**
 * Completes a MusicBrainz partial date ("2014", "2014-10", "2014-10-27") to a day, or null.
 *
 * @param d - the date as MusicBrainz writes it.
 */
export function mbDate(d: string | null | undefined): string | null {
  if (!d) return null;
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(d);
  return m ? `${m[1]}-${m[2] ?? "01"}-${m[3] ?? "01"}` : null;
}

/** Options of {@link MusicBrainzSource}. */
export interface MusicBrainzOptions {
  /** Base URL (default https://musicbrainz.org); tests point it at a local fake. */
  baseUrl: string;
  userAgent: string;
  policy?: SourcePolicy;
  onRetry?: (why: string, delayMs: number) => void;
}

/** The MusicBrainz adapter. */
export class MusicBrainzSource implements CatalogueSource {
  readonly name = "musicbrainz" as const;
  readonly http: SourceHttp;
  private readonly base: string;

  /** @param options - base URL, User-Agent, policy. */
  constructor(options: MusicBrainzOptions) {
    this.base = options.baseUrl.replace(/\/$/, "");
    this.http = new SourceHttp("musicbrainz", options.policy ?? MUSICBRAINZ_POLICY, options.userAgent, options.onRetry);
  }

  private async get<S extends z.ZodType>(schema: S, path: string, nullOn: number[] = []): Promise<z.infer<S> | null> {
    const body = await this.http.json(`${this.base}/ws/2/${path}${path.includes("?") ? "&" : "?"}fmt=json`, { nullOn });
    if (body === null) return null;
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new SourceError("musicbrainz", 200, `unexpected answer to ${path}: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  /**
   * Artists matching a name (MusicBrainz's Lucene search on the artist field), best first.
   * @throws {SourceError} when MusicBrainz fails after the retries or answers nonsense.
   */
  async searchArtist(name: string, limit: number): Promise<ArtistHit[]> {
    const q = encodeURIComponent(`artist:"${name.replace(/"/g, "")}"`);
    const body = await this.get(searchSchema, `artist?query=${q}&limit=${limit}`);
    return (body?.artists ?? []).map((a) => ({
      name: a.name,
      mbid: a.id,
      isGroup: a.type ? a.type === "Group" : null,
      score: a.score ?? 0,
      extra: Object.fromEntries(Object.entries({ country: a.country, disambiguation: a.disambiguation, type: a.type }).filter((e): e is [string, string] => !!e[1])),
    }));
  }

  /**
   * An artist with its members (a group) or groups (a person), from the "member of band" relations.
   * @returns null when MusicBrainz does not know the MBID (404).
   */
  async artist(mbid: string): Promise<ArtistDetails | null> {
    const a = await this.get(lookupSchema, `artist/${encodeURIComponent(mbid)}?inc=artist-rels`, [404]);
    if (!a) return null;
    const rels = a.relations.filter((r) => r.type === "member of band" && r.artist);
    return {
      mbid: a.id,
      name: a.name,
      isGroup: a.type === "Group",
      members: rels.filter((r) => r.direction === "backward").map((r) => ({ mbid: r.artist!.id, name: r.artist!.name })),
      groups: rels.filter((r) => r.direction !== "backward").map((r) => ({ mbid: r.artist!.id, name: r.artist!.name })),
    };
  }

  /**
   * Every album release group of an artist (pages of 100 followed to the count MusicBrainz reports).
   */
  async releaseGroups(mbid: string): Promise<ReleaseGroup[]> {
    const out: ReleaseGroup[] = [];
    for (let offset = 0; ; ) {
      const page = await this.get(rgPageSchema, `release-group?artist=${encodeURIComponent(mbid)}&type=album&limit=100&offset=${offset}`);
      const groups = page?.["release-groups"] ?? [];
      for (const g of groups) {
        out.push({ mbid: g.id, title: g.title, firstRelease: mbDate(g["first-release-date"]), primaryType: g["primary-type"] ?? "Album", secondaryTypes: g["secondary-types"] ?? [] });
      }
      offset += groups.length;
      if (groups.length === 0 || offset >= (page?.["release-group-count"] ?? 0) || offset >= 1000) break;
    }
    return out;
  }

  /** Stops the limiter. */
  async stop(): Promise<void> {
    await this.http.stop();
  }
}
