/** In-game money amounts: the parser and formatter live in `@guildbank/lib` (shared with the bot's middleman forms). */
export { formatAmount, parseAmount, type AmountProblem, type AmountResult } from "@guildbank/lib";
