export { loadServerConfig, serverConfigSchema, type ServerConfig } from "./config.ts";
export { createHttpServer, startServer, type RunningServer } from "./app.ts";
export { makeMaskError, createPostGraphile } from "./graphile.ts";
export { SESSION_COOKIE, hashToken, openSession, closeSession, requestClaims } from "./auth/sessions.ts";
