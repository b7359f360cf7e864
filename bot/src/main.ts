/**
 * The bot process: `node bot/src/main.ts` (configuration from the environment; see
 * `bot/src/config.ts` and .env.example, section "Discord bot").
 *
 * Exit codes: 0 after a graceful stop (SIGINT/SIGTERM: the gateway closes, the `discord__*`
 * runner drains within BOT_SHUTDOWN_TIMEOUT_MS, answered interactions finish, pools close); 1 when
 * start-up fails or the runner dies; 2 on a configuration error. A second signal exits at once.
 */
import { createLogger, loadConfigOrExit, stopOnSignals } from "@guildbank/lib";
import { loadBotConfig } from "./config.ts";
import { startBot, type BotHandle } from "./bot.ts";

const config = loadConfigOrExit(loadBotConfig);
const logger = createLogger("bot", config.LOG_LEVEL);
process.on("unhandledRejection", (err) => logger.error({ err }, "unhandled promise rejection"));

let bot: BotHandle;
try {
  bot = await startBot({ config, logger });
} catch (err) {
  logger.fatal({ err }, "bot failed to start");
  process.exit(1);
}

stopOnSignals(
  logger,
  async () => {
    await bot.stop();
    logger.info("bot stopped");
  },
  { secondSignal: "second signal: exiting now" },
);
bot.runner.promise.catch((err: unknown) => {
  logger.fatal({ err }, "the discord__* runner failed");
  void bot.stop().then(() => process.exit(1));
});
