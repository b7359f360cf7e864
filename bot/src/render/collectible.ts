/** Moved to the shared render workspace (`render/src/collectible.ts`, `@guildbank/render/collectible`) so the server can render cards too; re-exported for the bot. */
export * from "@guildbank/render/collectible";
