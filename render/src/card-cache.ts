/**
 * Where rendered card fronts and downloaded source images are cached (issue 15: "Rendered images are cached by
 * template and rarity (a cache directory by default; an S3-compatible bucket when configured), never stored in the
 * database"). Two stores behind one interface: {@link DirectoryCardCache} (files under a directory) and
 * {@link S3CardCache} (objects in an S3-compatible bucket through the AWS SDK v3 S3 client: AWS, MinIO, R2,
 * Backblaze, Supabase storage...). A cache never fails a render: a store error is logged once per kind and the card
 * is rendered (and the store tried again next time).
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";

/** A byte store keyed by relative paths such as `fronts/TMC-1989-L-001-legendary.png`. */
export interface CardCacheStore {
  /** A short description for logs, e.g. `dir .data/card-cache` or `s3://bucket/prefix`. */
  readonly describe: string;
  /**
   * Reads a cached object.
   *
   * @param key - the relative key (`[A-Za-z0-9_./-]`).
   * @returns its bytes, or null when it is not cached.
   * @throws on a store failure other than "not found".
   */
  get(key: string): Promise<Buffer | null>;
  /**
   * Stores an object (overwrites).
   *
   * @param key - the relative key.
   * @param bytes - the content.
   * @param contentType - its MIME type.
   * @throws on a store failure.
   */
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
}

/** Cache files under a directory (the default: `CARD_CACHE_DIR`). */
export class DirectoryCardCache implements CardCacheStore {
  readonly describe: string;
  private readonly dir: string;

  /** @param dir - the cache directory (created on the first write). */
  constructor(dir: string) {
    this.dir = dir;
    this.describe = `dir ${dir}`;
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(path.join(this.dir, key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const file = path.join(this.dir, key);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
  }
}

/** Settings of an S3-compatible bucket. */
export interface S3CacheOptions {
  bucket: string;
  /** Key prefix inside the bucket (e.g. `card-cache/`). */
  prefix?: string;
  /** Endpoint of an S3-compatible service (MinIO, R2...); unset for AWS. */
  endpoint?: string;
  region?: string;
  /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible services need. */
  forcePathStyle?: boolean;
  /** Static credentials; unset: the SDK's default chain (AWS_ACCESS_KEY_ID..., instance roles). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Per-request timeout, ms (default 3000). */
  timeoutMs?: number;
}

/** Cache objects in an S3-compatible bucket. */
export class S3CardCache implements CardCacheStore {
  readonly describe: string;
  private readonly client: S3Client;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly options: S3CacheOptions;

  /**
   * @param options - bucket, prefix, endpoint, region, path style, credentials.
   * @param client - an S3 client to use instead of building one (tests).
   */
  constructor(options: S3CacheOptions, client?: S3Client) {
    this.options = options;
    this.prefix = options.prefix ?? "";
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.describe = `s3://${options.bucket}/${this.prefix}${options.endpoint ? ` at ${options.endpoint}` : ""}`;
    this.client =
      client ??
      new S3Client({
        region: options.region ?? "us-east-1",
        endpoint: options.endpoint,
        forcePathStyle: options.forcePathStyle ?? Boolean(options.endpoint),
        credentials: options.accessKeyId && options.secretAccessKey ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } : undefined,
        maxAttempts: 2,
      });
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.prefix + key }), {
        abortSignal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!res.Body) return null;
      return Buffer.from(await res.Body.transformToByteArray());
    } catch (err) {
      if (err instanceof S3ServiceException && (err.name === "NoSuchKey" || err.$metadata?.httpStatusCode === 404)) return null;
      throw err;
    }
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: this.prefix + key,
        Body: bytes,
        ContentType: contentType,
        CacheControl: "public, max-age=31536000, immutable",
      }),
      { abortSignal: AbortSignal.timeout(this.timeoutMs) },
    );
  }

  /** Closes the client's sockets. */
  destroy(): void {
    this.client.destroy();
  }
}

/** The cache settings of the bot's configuration. */
export interface CardCacheConfig {
  CARD_CACHE_DIR: string;
  CARD_CACHE_S3_BUCKET?: string;
  CARD_CACHE_S3_PREFIX?: string;
  CARD_CACHE_S3_ENDPOINT?: string;
  CARD_CACHE_S3_REGION?: string;
  CARD_CACHE_S3_ACCESS_KEY_ID?: string;
  CARD_CACHE_S3_SECRET_ACCESS_KEY?: string;
}

/**
 * The store the configuration asks for: the S3 bucket when `CARD_CACHE_S3_BUCKET` is set, else the directory.
 *
 * @param config - the bot's configuration.
 * @returns the store.
 */
export function cardCacheFromConfig(config: CardCacheConfig): CardCacheStore {
  if (config.CARD_CACHE_S3_BUCKET) {
    return new S3CardCache({
      bucket: config.CARD_CACHE_S3_BUCKET,
      prefix: config.CARD_CACHE_S3_PREFIX,
      endpoint: config.CARD_CACHE_S3_ENDPOINT,
      region: config.CARD_CACHE_S3_REGION,
      accessKeyId: config.CARD_CACHE_S3_ACCESS_KEY_ID,
      secretAccessKey: config.CARD_CACHE_S3_SECRET_ACCESS_KEY,
    });
  }
  return new DirectoryCardCache(config.CARD_CACHE_DIR);
}
