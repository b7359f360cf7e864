/** The card catalogue ingestion (issue 16): sources, heuristics, image processing, storage, pipeline. */
export { catalogueConfigSchema, loadCatalogueConfig, type CatalogueConfig } from "./config.ts";
export { classifyKind, eraKeywords, planEras, KEYWORD_SUFFIXES, type ImageKind } from "./heuristics.ts";
export { SourceError, SourceHttp, type SourcePolicy } from "./http.ts";
export { BadImageError, bitsToHex, download, processImage, type DownloadLimits } from "./image.ts";
export { ingestArtist, weeklySync, type CatalogueDb, type PipelineContext } from "./pipeline.ts";
export { createCatalogueRuntime, type CatalogueRuntime } from "./runtime.ts";
export { createSources, type CatalogueSources } from "./sources/index.ts";
export { contentKey, LocalImageStore, S3ImageStore, type ImageStore } from "./storage.ts";
export type * from "./types.ts";
