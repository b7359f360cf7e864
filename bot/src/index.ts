export { loadBotConfig, botConfigSchema, type BotConfig } from "./config.ts";
export { startBot, recordGuild, type BotHandle, type StartBotOptions } from "./bot.ts";
export { commandsJson, COMMANDS } from "./commands/definitions.ts";
export { renderCard } from "./render/card.ts";
export { BOT_TASKS, createBotTaskList } from "./tasks/index.ts";
