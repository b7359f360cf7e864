/** Moved to the shared render workspace (`render/src/canvas.ts`, `@guildbank/render/canvas`) so the server can render cards too; re-exported for the bot. */
export * from "@guildbank/render/canvas";
