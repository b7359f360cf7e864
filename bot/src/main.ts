/**
 * The bot process: `node bot/src/main.ts` (configuration from the environment; see
 * `bot/src/config.ts` and .env.example, section "Discord bot").
 *
 * Exit codes: 0 after a graceful stop (SIGINT/SIGTERM: the gateway closes, the `discord__*`
 * runner drains within BOT_SHUTDOWN_TIMEOUT_MS, answered interactions finish, pools close); 1 when
 * start-up fails or the runner dies; 2 on a configuration error. A second signal exits at once.
 */
import { ConfigError, createLogger } from "@guildbank/lib";
import { loadBotConfig, type BotConfig } from "./config.ts";
import { startBot, type BotHandle } from "./bot.ts";

let config: BotConfig;
try {
  config = loadBotConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
const logger = createLogger("bot", config.LOG_LEVEL);
process.on("unhandledRejection", (err) => logger.error({ err }, "unhandled promise rejection"));

let bot: BotHandle;
try {
  bot = await startBot({ config, logger });
} catch (err) {
  logger.fatal({ err }, "bot failed to start");
  process.exit(1);
}

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, "shutting down");
    void bot.stop().then(() => {
      logger.info("bot stopped");
      process.exit(0);
    });
  });
}
bot.runner.promise.catch((err: unknown) => {
  logger.fatal({ err }, "the discord__* runner failed");
  void bot.stop().then(() => process.exit(1));
});
