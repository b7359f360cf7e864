/**
 * `npm run minecraft`: the Minecraft listener process. Logs in to MINECRAFT_HOST, records payment
 * lines, runs the `minecraft__payout` jobs, serves /healthz and /metrics on MINECRAFT_HEALTH_PORT.
 * SIGTERM / SIGINT stop it gracefully (pending lines are recorded first).
 */
import { ConfigError, createLogger, createPool } from "@guildbank/lib";
import { createListener, createListenerMetrics, loadMinecraftConfig, startHealthServer, startPayoutRunner } from "./index.ts";

let config;
try {
  config = loadMinecraftConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
const logger = createLogger("minecraft", config.LOG_LEVEL);
const pool = createPool(config.DATABASE_URL, 4);
const metrics = createListenerMetrics();
const listener = createListener({ config, pool, logger, metrics });
listener.start();
const runner = await startPayoutRunner({ config, listener, pool, logger, metrics });
const health = config.MINECRAFT_HEALTH_PORT > 0 ? await startHealthServer(config.MINECRAFT_HEALTH_HOST, config.MINECRAFT_HEALTH_PORT, listener, pool, metrics) : null;
logger.info(
  { host: config.MINECRAFT_HOST, port: config.MINECRAFT_PORT, version: config.MINECRAFT_VERSION, auth: config.MINECRAFT_AUTH, listenerId: config.MINECRAFT_LISTENER_ID, health: health?.url ?? null },
  "minecraft listener started",
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "stopping");
  await runner.stop();
  await listener.stop();
  await health?.close();
  await pool.end().catch(() => {});
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
