/**
 * The catalogue's configuration (issue 16): which sources are on, their base URLs (tests point them at local
 * fakes), keys, the image limits and where images are stored. Every key is optional: a source without its key is
 * skipped with one log line.
 *
 * - `CATALOGUE_CONTACT`: a contact (e-mail or URL) put in the User-Agent, as MusicBrainz and Wikimedia ask.
 * - `CATALOGUE_SOURCES_OFF`: comma-separated sources to skip (`musicbrainz,wikimedia,lastfm,spotify`).
 * - `MUSICBRAINZ_URL` (default https://musicbrainz.org), `WIKIMEDIA_URL` (https://commons.wikimedia.org),
 *   `LASTFM_URL` (https://ws.audioscrobbler.com) with `LASTFM_API_KEY`, `SPOTIFY_API_URL` (https://api.spotify.com)
 *   and `SPOTIFY_ACCOUNTS_URL` (https://accounts.spotify.com) with `SPOTIFY_CLIENT_ID` / `SPOTIFY_CLIENT_SECRET`.
 * - `CATALOGUE_MAX_IMAGE_BYTES` (default 15 MB), `CATALOGUE_DOWNLOAD_TIMEOUT_MS` (30000), `CATALOGUE_STORED_WIDTH`
 *   (1600), `CATALOGUE_DOWNLOAD_CONCURRENCY` (3).
 * - `CATALOGUE_STORAGE_DIR` (default `.data/catalogue`), or an S3-compatible bucket with `S3_ENDPOINT`,
 *   `S3_BUCKET`, `S3_KEY`, `S3_SECRET` (`S3_REGION`, default us-east-1; `CDN_URL`: the public base of the bucket).
 */
import { z } from "zod";
import { env, imageStoreConfigShape } from "@guildbank/lib";

const url = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" });

/** The schema of the catalogue keys. */
export const catalogueConfigSchema = z.object({
  CATALOGUE_CONTACT: z.string().min(3).default("https://github.com/guildbank/guildbank"),
  CATALOGUE_SOURCES_OFF: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean)),
  MUSICBRAINZ_URL: url.default("https://musicbrainz.org"),
  WIKIMEDIA_URL: url.default("https://commons.wikimedia.org"),
  LASTFM_URL: url.default("https://ws.audioscrobbler.com"),
  LASTFM_API_KEY: z.string().min(8).optional(),
  SPOTIFY_API_URL: url.default("https://api.spotify.com"),
  SPOTIFY_ACCOUNTS_URL: url.default("https://accounts.spotify.com"),
  SPOTIFY_CLIENT_ID: z.string().min(8).optional(),
  SPOTIFY_CLIENT_SECRET: z.string().min(8).optional(),
  CATALOGUE_MAX_IMAGE_BYTES: env.int(10_000, 200_000_000).default(15_000_000),
  CATALOGUE_DOWNLOAD_TIMEOUT_MS: env.int(100, 600_000).default(30_000),
  CATALOGUE_STORED_WIDTH: env.int(200, 8000).default(1600),
  CATALOGUE_DOWNLOAD_CONCURRENCY: env.int(1, 16).default(3),
  ...imageStoreConfigShape,
  S3_ENDPOINT: url.optional(),
  S3_BUCKET: z.string().min(1).optional(),
  S3_KEY: z.string().min(1).optional(),
  S3_SECRET: z.string().min(1).optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
});

/** The catalogue configuration. */
export type CatalogueConfig = z.infer<typeof catalogueConfigSchema>;

/**
 * Reads the catalogue keys from an environment.
 *
 * @param source - the environment (default `process.env`); empty strings count as unset.
 * @returns the configuration.
 * @throws {z.ZodError} on a malformed value.
 */
export function loadCatalogueConfig(source: Record<string, string | undefined> = process.env): CatalogueConfig {
  const picked = Object.fromEntries(
    Object.keys(catalogueConfigSchema.shape)
      .map((k) => [k, source[k]])
      .filter(([, v]) => v !== undefined && v !== ""),
  );
  return catalogueConfigSchema.parse(picked);
}
