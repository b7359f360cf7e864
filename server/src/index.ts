export { loadServerConfig, serverConfigSchema, type ServerConfig } from "./config.ts";
export { createHttpServer, startServer, type RunningServer } from "./app.ts";
export { makeMaskError, createPostGraphile } from "./graphile.ts";
export { SESSION_COOKIE, hashToken, openSession, closeSession, requestClaims } from "./auth/sessions.ts";
export { devLoginExample } from "./auth/dev.ts";
export {
  startWorker,
  loadWorkerConfig,
  workerConfigSchema,
  createAdapterRegistry,
  type StartWorkerOptions,
  type WorkerHandle,
  type WorkerConfig,
  type FulfilmentAdapter,
  type FulfilmentOrder,
} from "./worker/index.ts";
export type { StreamHub } from "./streams/index.ts";
export { createCriticalAlerter, installCrashAlerts, queryAsWorker, type CriticalAlerter } from "./alerts/index.ts";
