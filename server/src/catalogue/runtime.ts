/**
 * The catalogue's runtime in a worker process: its sources, image store and download limits, built once from the
 * configuration and stopped with the worker.
 */
import type { Logger } from "pino";
import type { CatalogueConfig } from "./config.ts";
import type { DownloadLimits } from "./image.ts";
import { createSources, type CatalogueSources } from "./sources/index.ts";
import { LocalImageStore, S3ImageStore, type ImageStore } from "./storage.ts";
import type { SourcePolicy } from "./http.ts";

/** What the catalogue tasks use. */
export interface CatalogueRuntime {
  sources: CatalogueSources;
  store: ImageStore;
  limits: DownloadLimits;
  concurrency: number;
}

/**
 * Builds the runtime: the configured sources (unconfigured ones skipped with one log line), the S3-compatible bucket
 * when `S3_ENDPOINT`, `S3_BUCKET`, `S3_KEY` and `S3_SECRET` are all set, else the local directory.
 *
 * @param config - the catalogue keys.
 * @param logger - the process logger.
 * @param policies - per-source policy overrides (tests).
 */
export function createCatalogueRuntime(config: CatalogueConfig, logger: Logger, policies: Parameters<typeof createSources>[2] = {}): CatalogueRuntime {
  const s3 = config.S3_ENDPOINT && config.S3_BUCKET && config.S3_KEY && config.S3_SECRET;
  const store: ImageStore = s3
    ? new S3ImageStore({
        endpoint: config.S3_ENDPOINT!,
        bucket: config.S3_BUCKET!,
        accessKeyId: config.S3_KEY!,
        secretAccessKey: config.S3_SECRET!,
        region: config.S3_REGION,
        publicUrl: config.CDN_URL ?? null,
      })
    : new LocalImageStore(config.CATALOGUE_STORAGE_DIR);
  logger.info({ store: s3 ? "s3" : "local" }, s3 ? `catalogue images go to bucket ${config.S3_BUCKET}` : `catalogue images go to ${config.CATALOGUE_STORAGE_DIR}`);
  return {
    sources: createSources(config, logger, policies as Partial<Record<string, SourcePolicy>>),
    store,
    limits: { maxBytes: config.CATALOGUE_MAX_IMAGE_BYTES, timeoutMs: config.CATALOGUE_DOWNLOAD_TIMEOUT_MS, maxStoredWidth: config.CATALOGUE_STORED_WIDTH },
    concurrency: config.CATALOGUE_DOWNLOAD_CONCURRENCY,
  };
}
