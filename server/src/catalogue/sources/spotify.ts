/**
 * Spotify (Web API, client-credentials flow): an artist's id, popularity, followers and images. Needs
 * `SPOTIFY_CLIENT_ID` and `SPOTIFY_CLIENT_SECRET`. Spotify's images carry no licence, so they are kept in the
 * artist's metadata for staff, never used on a card.
 */
import { z } from "zod";
import { SourceError, SourceHttp, type SourcePolicy } from "../http.ts";
import type { ArtistProfile, CatalogueSource } from "../types.ts";

/** Spotify's policy: 5 requests/second, backoff on 429 as its Retry-After says. */
export const SPOTIFY_POLICY: SourcePolicy = { minTimeMs: 200, maxConcurrent: 2, retries: 3, backoffMs: 1000, maxBackoffMs: 30_000, timeoutMs: 10_000 };

const tokenSchema = z.object({ access_token: z.string(), expires_in: z.number() });
const searchSchema = z.object({
  artists: z.object({
    items: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        popularity: z.number().default(0),
        followers: z.object({ total: z.number().nullish() }).nullish(),
        images: z.array(z.object({ url: z.string() })).default([]),
      }),
    ),
  }),
});

/** Options of {@link SpotifySource}. */
export interface SpotifyOptions {
  /** Web API base (default https://api.spotify.com). */
  apiUrl: string;
  /** Accounts base for tokens (default https://accounts.spotify.com). */
  accountsUrl: string;
  clientId: string;
  clientSecret: string;
  userAgent: string;
  policy?: SourcePolicy;
  onRetry?: (why: string, delayMs: number) => void;
}

/** The Spotify adapter. */
export class SpotifySource implements CatalogueSource {
  readonly name = "spotify" as const;
  readonly http: SourceHttp;
  private token: { value: string; until: number } | null = null;

  /** @param options - URLs and client credentials. */
  private readonly options: SpotifyOptions;
  constructor(options: SpotifyOptions) {
    this.options = options;
    this.http = new SourceHttp("spotify", options.policy ?? SPOTIFY_POLICY, options.userAgent, options.onRetry);
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.until > Date.now() + 30_000) return this.token.value;
    const basic = Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString("base64");
    const body = await this.http.json(`${this.options.accountsUrl.replace(/\/$/, "")}/api/token`, {
      method: "POST",
      headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    const t = tokenSchema.safeParse(body);
    if (!t.success) throw new SourceError("spotify", 200, "unexpected token answer");
    this.token = { value: t.data.access_token, until: Date.now() + t.data.expires_in * 1000 };
    return this.token.value;
  }

  /**
   * The best match of an artist name: id, popularity, followers, images. A 401 (expired token) fetches a new token once.
   * @returns null when Spotify finds nobody of that name.
   */
  async artistProfile(name: string): Promise<ArtistProfile | null> {
    const url = `${this.options.apiUrl.replace(/\/$/, "")}/v1/search?${new URLSearchParams({ q: name, type: "artist", limit: "5" })}`;
    let body = await this.http.json(url, { headers: { authorization: `Bearer ${await this.accessToken()}` }, nullOn: [401] });
    if (body === null) {
      this.token = null;
      body = await this.http.json(url, { headers: { authorization: `Bearer ${await this.accessToken()}` } });
    }
    const parsed = searchSchema.safeParse(body);
    if (!parsed.success) throw new SourceError("spotify", 200, `unexpected search answer: ${parsed.error.issues[0]?.message}`);
    const items = parsed.data.artists.items;
    const hit = items.find((a) => a.name.toLowerCase() === name.toLowerCase()) ?? items[0];
    if (!hit) return null;
    return { spotifyId: hit.id, name: hit.name, popularity: hit.popularity, followers: hit.followers?.total ?? null, imageUrls: hit.images.map((i) => i.url) };
  }

  /** Stops the limiter. */
  async stop(): Promise<void> {
    await this.http.stop();
  }
}
