/**
 * Builds the configured catalogue sources (issue 16 "An adapter that is not configured is skipped with one log line,
 * never an error").
 */
import type { Logger } from "pino";
import type { CatalogueConfig } from "../config.ts";
import { SourceHttp, type SourcePolicy } from "../http.ts";
import type { CatalogueSource } from "../types.ts";
import { LastFmSource } from "./lastfm.ts";
import { MusicBrainzSource } from "./musicbrainz.ts";
import { SpotifySource } from "./spotify.ts";
import { WikimediaSource } from "./wikimedia.ts";

export { LastFmSource, LASTFM_POLICY } from "./lastfm.ts";
export { MusicBrainzSource, MUSICBRAINZ_POLICY, mbDate } from "./musicbrainz.ts";
export { SpotifySource, SPOTIFY_POLICY } from "./spotify.ts";
export { WikimediaSource, WIKIMEDIA_POLICY, commonsDate, plainText } from "./wikimedia.ts";

/** The sources of one process, and the HTTP client image downloads go through. */
export interface CatalogueSources {
  musicbrainz: MusicBrainzSource | null;
  lastfm: LastFmSource | null;
  spotify: SpotifySource | null;
  wikimedia: WikimediaSource | null;
  /** Image downloads (their own limit: 4 at once, 10/second). */
  images: SourceHttp;
  /** Every configured source. */
  all(): CatalogueSource[];
  /** Stops every limiter. */
  stop(): Promise<void>;
}

/** Image hosts' policy: 4 downloads at once, 10 starts a second, 2 retries. */
export const IMAGE_POLICY: SourcePolicy = { minTimeMs: 100, maxConcurrent: 4, retries: 2, backoffMs: 1000, maxBackoffMs: 20_000, timeoutMs: 30_000 };

/** The User-Agent of every catalogue request. */
export function userAgent(contact: string): string {
  return `GuildbankCatalogue/0.1 ( ${contact} )`;
}

/**
 * The configured sources: MusicBrainz and Wikimedia need no key (on unless listed in `CATALOGUE_SOURCES_OFF`);
 * Last.fm needs `LASTFM_API_KEY`, Spotify its client id and secret. Each one skipped is logged once, at info.
 *
 * @param config - the catalogue configuration.
 * @param logger - where the skip lines and retries go.
 * @param policies - per-source policy overrides (tests shorten the backoffs).
 */
export function createSources(config: CatalogueConfig, logger: Logger, policies: Partial<Record<"musicbrainz" | "lastfm" | "spotify" | "wikimedia" | "images", SourcePolicy>> = {}): CatalogueSources {
  const ua = userAgent(config.CATALOGUE_CONTACT);
  const off = new Set(config.CATALOGUE_SOURCES_OFF);
  const retry = (source: string) => (why: string, delayMs: number) => logger.warn({ source, delayMs }, `retrying: ${why}`);
  const skip = (source: string, why: string) => {
    logger.info({ source }, `catalogue source ${source} skipped: ${why}`);
    return null;
  };
  const musicbrainz = off.has("musicbrainz")
    ? skip("musicbrainz", "turned off by CATALOGUE_SOURCES_OFF")
    : new MusicBrainzSource({ baseUrl: config.MUSICBRAINZ_URL, userAgent: ua, policy: policies.musicbrainz, onRetry: retry("musicbrainz") });
  const wikimedia = off.has("wikimedia")
    ? skip("wikimedia", "turned off by CATALOGUE_SOURCES_OFF")
    : new WikimediaSource({ baseUrl: config.WIKIMEDIA_URL, userAgent: ua, policy: policies.wikimedia, onRetry: retry("wikimedia") });
  const lastfm = off.has("lastfm")
    ? skip("lastfm", "turned off by CATALOGUE_SOURCES_OFF")
    : !config.LASTFM_API_KEY
      ? skip("lastfm", "LASTFM_API_KEY is not set")
      : new LastFmSource({ baseUrl: config.LASTFM_URL, apiKey: config.LASTFM_API_KEY, userAgent: ua, policy: policies.lastfm, onRetry: retry("lastfm") });
  const spotify = off.has("spotify")
    ? skip("spotify", "turned off by CATALOGUE_SOURCES_OFF")
    : !config.SPOTIFY_CLIENT_ID || !config.SPOTIFY_CLIENT_SECRET
      ? skip("spotify", "SPOTIFY_CLIENT_ID / SPOTIFY_CLIENT_SECRET are not set")
      : new SpotifySource({
          apiUrl: config.SPOTIFY_API_URL,
          accountsUrl: config.SPOTIFY_ACCOUNTS_URL,
          clientId: config.SPOTIFY_CLIENT_ID,
          clientSecret: config.SPOTIFY_CLIENT_SECRET,
          userAgent: ua,
          policy: policies.spotify,
          onRetry: retry("spotify"),
        });
  const images = new SourceHttp("images", policies.images ?? { ...IMAGE_POLICY, timeoutMs: config.CATALOGUE_DOWNLOAD_TIMEOUT_MS }, ua, retry("images"));
  const all = () => [musicbrainz, lastfm, spotify, wikimedia].filter((s): s is NonNullable<typeof s> => s !== null);
  return {
    musicbrainz,
    lastfm,
    spotify,
    wikimedia,
    images,
    all,
    stop: async () => {
      await Promise.all([...all().map((s) => s.stop()), images.stop()]);
    },
  };
}
