/**
 * Download and processing of one candidate image (issue 16 "download (size and type limits, timeouts)"): the file is
 * streamed with a byte ceiling and a timeout, its type checked from the header and then from its decoded content,
 * decoded by sharp, perceptually hashed (sharp-phash, 64 bits as 16 hex digits) and resized to at most
 * `maxStoredWidth` for storage as JPEG (the original is not kept).
 */
import { createRequire } from "node:module";
import sharp, { type Metadata } from "sharp";
import { SourceHttp } from "./http.ts";

// libvips' operation cache keeps recent decodes (up to 50 MB by default): every ingested image is new, so it would
// only grow the worker's memory (bench/catalogue measures it flat without it).
sharp.cache(false);

// sharp-phash is CommonJS (`module.exports = phash`) while its typings declare a default export.
const phash: (image: Buffer) => Promise<string> = createRequire(import.meta.url)("sharp-phash");

/** The limits of a download. */
export interface DownloadLimits {
  /** Largest file accepted, bytes. */
  maxBytes: number;
  /** Timeout of the whole download, ms. */
  timeoutMs: number;
  /** Width of the stored copy (narrower images are stored as they are). */
  maxStoredWidth: number;
}

/** The accepted image types (the header's and the decoded content's). */
export const IMAGE_TYPES: Record<string, string> = { "image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp", "image/gif": "gif", "image/tiff": "tiff", "image/avif": "heif" };

/** A download that must not be retried (too large, not an image): the candidate is filtered as bad_file. */
export class BadImageError extends Error {
  /** @param message - why. */
  constructor(message: string) {
    super(message);
    this.name = "BadImageError";
  }
}

/** A processed image. */
export interface ProcessedImage {
  width: number;
  height: number;
  mime: string;
  bytes: number;
  /** 64-bit perceptual hash, 16 hex digits. */
  phash: string;
  /** The stored copy (JPEG). */
  stored: Buffer;
}

/**
 * A 64-character binary string as 16 hex digits.
 *
 * @param bits - sharp-phash's answer.
 */
export function bitsToHex(bits: string): string {
  let hex = "";
  for (let i = 0; i < 64; i += 4) hex += parseInt(bits.slice(i, i + 4), 2).toString(16);
  return hex;
}

/**
 * Downloads an image with the limits, through a source's HTTP client (its rate limit and retries).
 *
 * @param http - the client (the image host's).
 * @param url - the file's URL.
 * @param limits - byte ceiling and timeout.
 * @returns the bytes and the header's content type.
 * @throws {BadImageError} on a type that is not an image or a file over `maxBytes`; {@link SourceError} on HTTP errors.
 */
export async function download(http: SourceHttp, url: string, limits: DownloadLimits): Promise<{ data: Buffer; contentType: string }> {
  const res = await http.send(url, {}, "image/*");
  if (!res) throw new BadImageError("no answer");
  const contentType = (res.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (!IMAGE_TYPES[contentType]) {
    await res.body?.cancel();
    throw new BadImageError(`not an image type we take: ${contentType || "none"}`);
  }
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > limits.maxBytes) {
    await res.body?.cancel();
    throw new BadImageError(`too large: ${declared} bytes > ${limits.maxBytes}`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  const deadline = AbortSignal.timeout(limits.timeoutMs);
  const reader = res.body!.getReader();
  try {
    for (;;) {
      if (deadline.aborted) throw new Error(`download timed out after ${limits.timeoutMs} ms`);
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limits.maxBytes) throw new BadImageError(`too large: over ${limits.maxBytes} bytes`);
      chunks.push(Buffer.from(value));
    }
  } catch (err) {
    await reader.cancel().catch(() => {});
    throw err;
  }
  return { data: Buffer.concat(chunks, total), contentType };
}

/**
 * Decodes, hashes and resizes an image.
 *
 * @param data - the file's bytes.
 * @param limits - the stored copy's width.
 * @returns size, type (from the decoded content), hash, and the stored JPEG.
 * @throws {BadImageError} when sharp cannot decode it or its content is not an accepted type.
 */
export async function processImage(data: Buffer, limits: Pick<DownloadLimits, "maxStoredWidth">): Promise<ProcessedImage> {
  let meta: Metadata;
  try {
    meta = await sharp(data, { limitInputPixels: 100_000_000 }).metadata();
  } catch (err) {
    throw new BadImageError(`cannot decode: ${(err as Error).message}`);
  }
  const mime = Object.entries(IMAGE_TYPES).find(([, f]) => f === meta.format)?.[0];
  if (!mime || !meta.width || !meta.height) throw new BadImageError(`not an image we take: ${meta.format ?? "unknown"}`);
  const [bits, stored] = await Promise.all([
    phash(data),
    sharp(data).rotate().resize({ width: limits.maxStoredWidth, withoutEnlargement: true }).jpeg({ quality: 85, mozjpeg: false }).toBuffer(),
  ]);
  return { width: meta.width, height: meta.height, mime, bytes: data.byteLength, phash: bitsToHex(bits), stored };
}
