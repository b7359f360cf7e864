/**
 * Where ingested images are stored (issue 16 "stored in object storage (S3-compatible bucket when configured, a local
 * directory by default; the database keeps URLs only)"). Keys are content addresses (SHA-256 of the stored bytes),
 * so storing the same image twice writes one file.
 */
import { createHash } from "node:crypto";
import { mkdir, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

/** An image store. */
export interface ImageStore {
  /**
   * Stores bytes under a content-addressed key.
   * @param data - the bytes. @param contentType - their type. @param prefix - a folder such as `catalogue/TAYL`.
   * @returns the URL kept in the database.
   */
  put(data: Buffer, contentType: string, prefix: string): Promise<string>;
}

/** The content address of bytes: `<prefix>/<sha256>.<ext>`. */
export function contentKey(data: Buffer, contentType: string, prefix: string): string {
  const ext = contentType === "image/png" ? "png" : contentType === "image/webp" ? "webp" : "jpg";
  return `${prefix.replace(/^\/+|\/+$/g, "")}/${createHash("sha256").update(data).digest("hex")}.${ext}`;
}

/** A local directory (the default): `file://` URLs. */
export class LocalImageStore implements ImageStore {
  /** @param dir - the directory (created on first use). */
  private readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  /** Writes the file atomically (temporary name, then rename) unless it exists. */
  async put(data: Buffer, contentType: string, prefix: string): Promise<string> {
    const file = path.resolve(this.dir, contentKey(data, contentType, prefix));
    const exists = await stat(file).then(() => true, () => false);
    if (!exists) {
      await mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(tmp, data);
      await rename(tmp, file);
    }
    return pathToFileURL(file).href;
  }
}

/** S3-compatible storage options (`S3_ENDPOINT`, `S3_BUCKET`, `S3_KEY`, `S3_SECRET`, `S3_REGION`, `CDN_URL`). */
export interface S3StoreOptions {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Public base URL of the bucket (a CDN); without it the URL is `s3://bucket/key`. */
  publicUrl: string | null;
}

/** An S3-compatible bucket (AWS S3, MinIO, Backblaze, Supabase Storage), path-style addressing. */
export class S3ImageStore implements ImageStore {
  private readonly client: S3Client;

  /** @param options - endpoint, bucket, credentials, public URL. */
  private readonly options: S3StoreOptions;
  constructor(options: S3StoreOptions) {
    this.options = options;
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: true,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    });
  }

  /** Uploads the object unless a HEAD finds it already there. */
  async put(data: Buffer, contentType: string, prefix: string): Promise<string> {
    const key = contentKey(data, contentType, prefix);
    const exists = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key })).then(() => true, () => false);
    if (!exists) {
      await this.client.send(new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: data, ContentType: contentType, CacheControl: "public, max-age=31536000, immutable" }));
    }
    return this.options.publicUrl ? `${this.options.publicUrl.replace(/\/$/, "")}/${key}` : `s3://${this.options.bucket}/${key}`;
  }
}
