/** Moved to the shared render workspace (`render/src/card-cache.ts`, `@guildbank/render/card-cache`) so the server can render cards too; re-exported for the bot. */
export * from "@guildbank/render/card-cache";
