/**
 * Where a card template's image may be read from. A template's `storage_url` is a database value that staff can
 * write (era images are editable through the panel's GraphQL), so a renderer must not read whatever it names: only
 * a file inside the catalogue storage directory (after following symbolic links), or an http(s) object under the
 * image bucket's public base (`CDN_URL`). Anything else (another path, `/dev/zero`, an internal address, a source
 * URL on a third-party host) is drawn as generated artwork instead. Shared by the bot, the server's card route and
 * the server's catalogue image route.
 */
import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The places template images are stored (the catalogue worker's `CATALOGUE_STORAGE_DIR` and `CDN_URL`). */
export interface ArtSources {
  /** The catalogue storage directory: `file://` images are read from inside it only; null reads no file. */
  storageDir: string | null;
  /** The public base URL of the image bucket: `http(s)` images are fetched from under it only; null fetches none. */
  cdnUrl: string | null;
}

/** A readable image location, or null (draw generated artwork). */
export type ArtLocation = { kind: "file"; path: string } | { kind: "http"; url: string } | null;

/**
 * Resolves a stored `file://` URL to a regular file inside `storageDir`.
 *
 * @param storageUrl - the URL the database keeps.
 * @param storageDir - the configured directory.
 * @returns the real path of the file, or null when the URL is not a file URL, the file is missing or not a regular
 *   file, or it lies outside the directory (after following symbolic links).
 */
export async function resolveStoredFile(storageUrl: string, storageDir: string): Promise<string | null> {
  if (!storageUrl.startsWith("file://")) return null;
  let file: string;
  try {
    file = fileURLToPath(storageUrl);
  } catch {
    return null;
  }
  const root = await realpath(path.resolve(storageDir)).catch(() => null);
  const real = await realpath(path.resolve(file)).catch(() => null);
  if (!root || !real) return null;
  const rel = path.relative(root, real);
  if (!rel || rel.startsWith("..") || path.isAbsolute(rel)) return null;
  const st = await stat(real).catch(() => null);
  return st?.isFile() ? real : null;
}

/**
 * Whether an http(s) URL lies under a base URL: same origin, and a path at or below the base's path. Compared on
 * parsed URLs, so `https://cdn.example.com.evil.test/` or `https://cdn.example.com/../x` are not "under"
 * `https://cdn.example.com/`.
 *
 * @param url - the URL to check.
 * @param base - the base (with or without a trailing slash).
 * @returns true when `url` is an http(s) URL under `base`.
 */
export function underBase(url: string, base: string): boolean {
  let u: URL;
  let b: URL;
  try {
    u = new URL(url);
    b = new URL(base);
  } catch {
    return false;
  }
  if (!/^https?:$/.test(u.protocol) || u.origin !== b.origin || u.username || u.password) return false;
  const prefix = b.pathname.endsWith("/") ? b.pathname : `${b.pathname}/`;
  return u.pathname.startsWith(prefix);
}

/**
 * Where a template image may be read from, by the rules above.
 *
 * @param url - the template's stored image URL (null: none).
 * @param sources - the storage directory and bucket base.
 * @returns a file path inside the storage directory, an http(s) URL under the bucket base, or null.
 */
export async function artLocation(url: string | null, sources: ArtSources): Promise<ArtLocation> {
  if (!url) return null;
  if (url.startsWith("file://")) {
    const file = sources.storageDir ? await resolveStoredFile(url, sources.storageDir) : null;
    return file ? { kind: "file", path: file } : null;
  }
  if (sources.cdnUrl && underBase(url, sources.cdnUrl)) return { kind: "http", url: new URL(url).href };
  return null;
}
