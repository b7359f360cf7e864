/**
 * Registers the slash commands (`npm run bot:deploy-commands`): in the development guild
 * `GUILD_ID` (instant) unless `NODE_ENV=production` or `--global` (global commands take up to an
 * hour to appear). Reads DISCORD_TOKEN, DISCORD_CLIENT_ID, GUILD_ID and DISCORD_API_BASE_URL (default
 * Discord's) from the environment.
 */
import { REST, Routes } from "discord.js";
import { z } from "zod";
import { ConfigError, env, parseConfig } from "@guildbank/lib";
import { commandsJson } from "./commands/definitions.ts";
import { DEFAULT_DISCORD_API_BASE_URL, discordApiBaseUrl, discordRestOptions } from "./config.ts";

/**
 * Deploys the commands.
 *
 * @param options - token, application id, guild (null: global), Discord's API base
 *   (`DISCORD_API_BASE_URL`, default `https://discord.com/api/v10`).
 * @returns where they went and how many.
 */
export async function deployCommands(options: { token: string; clientId: string; guildId: string | null; api?: string }): Promise<{ scope: string; count: number }> {
  const rest = new REST(discordRestOptions(options.api ?? DEFAULT_DISCORD_API_BASE_URL)).setToken(options.token);
  const body = commandsJson();
  const route = options.guildId ? Routes.applicationGuildCommands(options.clientId, options.guildId) : Routes.applicationCommands(options.clientId);
  const result = (await rest.put(route, { body })) as unknown[];
  return { scope: options.guildId ? `guild ${options.guildId}` : "global", count: result.length };
}

if (import.meta.main) {
  try {
    const config = parseConfig(
      z.object({
        NODE_ENV: env.nodeEnv(),
        DISCORD_TOKEN: z.string().min(20),
        DISCORD_CLIENT_ID: env.snowflake(),
        GUILD_ID: env.snowflake().optional(),
        DISCORD_API_BASE_URL: discordApiBaseUrl(),
      }),
    );
    const global = config.NODE_ENV === "production" || process.argv.includes("--global");
    if (!global && !config.GUILD_ID) throw new ConfigError([{ variable: "GUILD_ID", problem: "is required to deploy development (guild) commands; or pass --global" }]);
    const { scope, count } = await deployCommands({ token: config.DISCORD_TOKEN, clientId: config.DISCORD_CLIENT_ID, guildId: global ? null : config.GUILD_ID!, api: config.DISCORD_API_BASE_URL });
    console.log(`deployed ${count} slash command(s) (${scope})`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(err instanceof ConfigError ? 2 : 1);
  }
}
