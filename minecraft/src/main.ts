/**
 * `npm run minecraft`: the Minecraft listener process. Logs in to MINECRAFT_HOST, records payment
 * lines, runs the `minecraft__payout` jobs, serves /healthz and /metrics on MINECRAFT_HEALTH_PORT.
 * SIGTERM / SIGINT stop it gracefully (pending lines are recorded first).
 */
import { createLogger, createPool, loadConfigOrExit, stopOnSignals } from "@guildbank/lib";
import { createListener, createListenerMetrics, loadMinecraftConfig, startHealthServer, startPayoutRunner } from "./index.ts";

const config = loadConfigOrExit(loadMinecraftConfig);
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

stopOnSignals(logger, async () => {
  await runner.stop();
  await listener.stop();
  await health?.close();
  await pool.end().catch(() => {});
});
