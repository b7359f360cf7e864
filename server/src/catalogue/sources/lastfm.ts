/**
 * Last.fm (https://www.last.fm/api): the chart's top artists and similar artists, to grow the catalogue. Needs
 * `LASTFM_API_KEY`. Last.fm reports some errors inside a 200 answer (`{ error, message }`); error 29 (rate limit) and
 * 8/16 (temporary) are retried like a 429/503.
 */
import { z } from "zod";
import { SourceError, SourceHttp, type SourcePolicy } from "../http.ts";
import type { CatalogueSource } from "../types.ts";

/** Last.fm's policy: 5 requests/second at most, two at a time. */
export const LASTFM_POLICY: SourcePolicy = { minTimeMs: 200, maxConcurrent: 2, retries: 3, backoffMs: 1000, maxBackoffMs: 30_000, timeoutMs: 10_000 };

const errorSchema = z.object({ error: z.number(), message: z.string().optional() });
const artistList = z.array(z.object({ name: z.string() }));
const chartSchema = z.object({
  artists: z.object({ artist: artistList, "@attr": z.object({ page: z.coerce.number(), totalPages: z.coerce.number() }).optional() }),
});
const similarSchema = z.object({ similarartists: z.object({ artist: artistList }) });

/** Options of {@link LastFmSource}. */
export interface LastFmOptions {
  baseUrl: string;
  apiKey: string;
  userAgent: string;
  policy?: SourcePolicy;
  onRetry?: (why: string, delayMs: number) => void;
}

/** The Last.fm adapter. */
export class LastFmSource implements CatalogueSource {
  readonly name = "lastfm" as const;
  readonly http: SourceHttp;
  private readonly base: string;

  /** @param options - base URL (default https://ws.audioscrobbler.com), API key, User-Agent. */
  private readonly options: LastFmOptions;
  constructor(options: LastFmOptions) {
    this.options = options;
    this.base = options.baseUrl.replace(/\/$/, "");
    this.http = new SourceHttp("lastfm", options.policy ?? LASTFM_POLICY, options.userAgent, options.onRetry);
  }

  private async call<S extends z.ZodType>(schema: S, params: Record<string, string>): Promise<z.infer<S>> {
    const qs = new URLSearchParams({ ...params, api_key: this.options.apiKey, format: "json" });
    const policy = this.http.policy;
    for (let attempt = 0; ; attempt++) {
      const body = await this.http.json(`${this.base}/2.0/?${qs}`);
      const err = errorSchema.safeParse(body);
      if (err.success) {
        if ([8, 16, 29].includes(err.data.error) && attempt < policy.retries) {
          await new Promise((r) => setTimeout(r, Math.min(policy.backoffMs * 2 ** attempt, policy.maxBackoffMs)));
          continue;
        }
        throw new SourceError("lastfm", 200, `error ${err.data.error}: ${err.data.message ?? "unknown"}`);
      }
      const parsed = schema.safeParse(body);
      if (!parsed.success) throw new SourceError("lastfm", 200, `unexpected answer to ${params.method}: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    }
  }

  /** The chart's top artists, following pages until `limit` names. */
  async chartArtists(limit: number): Promise<string[]> {
    const names: string[] = [];
    for (let page = 1; names.length < limit; page++) {
      const body = await this.call(chartSchema, { method: "chart.gettopartists", page: String(page), limit: String(Math.min(50, limit)) });
      names.push(...body.artists.artist.map((a) => a.name));
      const attr = body.artists["@attr"];
      if (!attr || page >= attr.totalPages || body.artists.artist.length === 0) break;
    }
    return [...new Set(names)].slice(0, limit);
  }

  /** Artists similar to one, most similar first. */
  async similarArtists(name: string, limit: number): Promise<string[]> {
    const body = await this.call(similarSchema, { method: "artist.getsimilar", artist: name, limit: String(limit), autocorrect: "1" });
    return body.similarartists.artist.map((a) => a.name).slice(0, limit);
  }

  /** Stops the limiter. */
  async stop(): Promise<void> {
    await this.http.stop();
  }
}
