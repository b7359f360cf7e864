/**
 * In-game money amounts: the parser and the `/pay` formatter live in `@guildbank/lib` (shared with
 * the bot's middleman forms); `formatAmount` here is the `/pay` command's amount.
 */
export { formatPayAmount as formatAmount, parseAmount, type AmountProblem, type AmountResult } from "@guildbank/lib";
