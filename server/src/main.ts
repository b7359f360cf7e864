/**
 * The server process: `node server/src/main.ts` (configuration from the environment; see
 * .env.example). Stops gracefully on SIGINT/SIGTERM.
 */
import { createLogger, createPool, loadConfigOrExit, stopOnSignals } from "@guildbank/lib";
import { loadServerConfig } from "./config.ts";

const config = loadConfigOrExit(loadServerConfig);
// Grafast reads GRAPHILE_ENV when it loads: development adds checks and helpful errors.
process.env.GRAPHILE_ENV ??= config.NODE_ENV === "production" ? "production" : "development";
const { startServer } = await import("./app.ts");

const logger = createLogger("server", config.LOG_LEVEL);
// A lost connection is logged and replaced; it never ends the process (issue 17, defect 18).
const pool = createPool(config.DATABASE_URL, config.DATABASE_POOL_MAX, {
  onConnectionError: (err) => logger.warn({ err }, "database connection lost"),
});
const { createCriticalAlerter, installCrashAlerts, queryAsWorker } = await import("./alerts/index.ts");
// A crash raises a critical ops alert (posted to the alert webhook) before the process exits.
installCrashAlerts({
  alerter: createCriticalAlerter({ query: queryAsWorker(pool), logger, source: "server", secrets: [config.METRICS_TOKEN] }),
  logger,
});
const running = await startServer(config, pool, logger);
logger.info({ url: running.url }, "server listening");

stopOnSignals(logger, async () => {
  await running.close();
  await pool.end();
});
