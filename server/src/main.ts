/**
 * The server process: `node server/src/main.ts` (configuration from the environment; see
 * .env.example). Stops gracefully on SIGINT/SIGTERM.
 */
import { ConfigError, createLogger, createPool } from "@guildbank/lib";
import { loadServerConfig, type ServerConfig } from "./config.ts";

let config: ServerConfig;
try {
  config = loadServerConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
// Grafast reads GRAPHILE_ENV when it loads: development adds checks and helpful errors.
process.env.GRAPHILE_ENV ??= config.NODE_ENV === "production" ? "production" : "development";
const { startServer } = await import("./app.ts");

const logger = createLogger("server", config.LOG_LEVEL);
const pool = createPool(config.DATABASE_URL, config.DATABASE_POOL_MAX);
const { createCriticalAlerter, installCrashAlerts, queryAsWorker } = await import("./alerts/index.ts");
// A crash raises a critical ops alert (posted to the alert webhook) before the process exits.
installCrashAlerts({
  alerter: createCriticalAlerter({ query: queryAsWorker(pool), logger, source: "server", secrets: [config.METRICS_TOKEN] }),
  logger,
});
const running = await startServer(config, pool, logger);
logger.info({ url: running.url }, "server listening");

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    await running.close();
    await pool.end();
    process.exit(0);
  });
}
