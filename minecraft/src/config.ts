import { hostname } from "node:os";
import { z } from "zod";
import { env, parseConfig, processConfigShape } from "@guildbank/lib";
import { parseAmount } from "./amount.ts";
import { DEFAULT_CONFIRM_PATTERNS, DEFAULT_PAYMENT_PATTERNS, compilePatterns } from "./lines.ts";

/** A JSON array of regular-expression sources (e.g. `["^(?<payer>\\w+) paid you (?<amount>\\S+)$"]`). */
function patternList(who: "payer" | "ign") {
  return z.string().transform((v, ctx) => {
    try {
      const list = z.array(z.string().min(1)).min(1).parse(JSON.parse(v));
      compilePatterns(list, who);
      return list;
    } catch (err) {
      ctx.addIssue({ code: "custom", message: `must be a JSON array of regular expressions with (?<${who}>…) and (?<amount>…): ${(err as Error).message}` });
      return z.NEVER;
    }
  });
}

/**
 * The Minecraft listener's configuration (one key per environment variable, see .env.example):
 *
 * - `DATABASE_URL`: the authenticator's postgres:// URL (required, secret). Payments and payouts
 *   act as `coins_listener`, the payout job queue as `coins_worker`.
 * - `MINECRAFT_GUILD_ID`: the Discord guild whose economy the payments credit (required).
 * - `MINECRAFT_HOST` (donut.smp.net), `MINECRAFT_PORT` (25565), `MINECRAFT_VERSION` (1.21.10),
 *   `MINECRAFT_USERNAME` (Bunji_MC), `MINECRAFT_AUTH` (`microsoft` | `offline`, default microsoft),
 *   `MINECRAFT_PROFILES_DIR` (where Microsoft tokens are cached).
 * - `MINECRAFT_LISTENER_ID`: this listener's name in payment sources (default the host name).
 * - `MINECRAFT_PAYMENT_PATTERNS`, `MINECRAFT_CONFIRM_PATTERNS`: JSON arrays of regular expressions
 *   (defaults: `<payer> [has ]paid you <amount>`; `You [have ]paid <ign> <amount>`,
 *   `<amount> has been sent to <ign>`).
 * - `MINECRAFT_PAYMENT_MAX`: the largest amount accepted from a line, in dollars (default 1b).
 * - `MINECRAFT_PAY_COMMAND`: the payout command, `{ign}` and `{amount}` substituted (`/pay {ign} {amount}`).
 * - `MINECRAFT_PAYOUT_CONFIRM_TIMEOUT_MS`: how long a payout waits for its confirmation line (30 s).
 * - `MINECRAFT_RECONNECT_MIN_MS` / `MINECRAFT_RECONNECT_MAX_MS`: reconnect backoff bounds (1 s, 60 s).
 * - `MINECRAFT_HEALTH_PORT` (0 = off) / `MINECRAFT_HEALTH_HOST`: `GET /healthz` and `GET /metrics`.
 * - `LOG_LEVEL`, `NODE_ENV`.
 */
export const minecraftConfigSchema = z
  .object({
    ...processConfigShape,
    DATABASE_URL: env.postgresUrl(),
    MINECRAFT_GUILD_ID: env.snowflake(),
    // Issue 13: the middleman's bot logs in to Donut SMP as Bunji_MC unless configured otherwise.
    MINECRAFT_HOST: z.string().min(1).default("donut.smp.net"),
    MINECRAFT_PORT: env.int(1, 65535).default(25565),
    MINECRAFT_VERSION: z.string().regex(/^1\.\d+(\.\d+)?$/, "must be a Minecraft version such as 1.21.10").default("1.21.10"),
    MINECRAFT_USERNAME: z.string().min(1).max(100).default("Bunji_MC"),
    MINECRAFT_AUTH: z.enum(["microsoft", "offline"]).default("microsoft"),
    MINECRAFT_PROFILES_DIR: z.string().min(1).optional(),
    MINECRAFT_LISTENER_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,60}$/, "letters, digits, _ . - (at most 60)").default(hostname().slice(0, 60).replace(/[^A-Za-z0-9_.-]/g, "_") || "listener"),
    MINECRAFT_PAYMENT_PATTERNS: patternList("payer").default([...DEFAULT_PAYMENT_PATTERNS]),
    MINECRAFT_CONFIRM_PATTERNS: patternList("ign").default([...DEFAULT_CONFIRM_PATTERNS]),
    MINECRAFT_PAYMENT_MAX: z
      .string()
      .transform((v, ctx) => {
        const r = parseAmount(v, 10n ** 15n);
        if (!r.ok) {
          ctx.addIssue({ code: "custom", message: `must be an amount such as 1b or 250000 (${r.problem})` });
          return z.NEVER;
        }
        return r.minor;
      })
      .default(100_000_000_000n),
    MINECRAFT_PAY_COMMAND: z
      .string()
      .refine((v) => v.startsWith("/") && v.includes("{ign}") && v.includes("{amount}"), "must start with / and contain {ign} and {amount}")
      .default("/pay {ign} {amount}"),
    MINECRAFT_PAYOUT_CONFIRM_TIMEOUT_MS: env.int(500, 600_000).default(30_000),
    MINECRAFT_RECONNECT_MIN_MS: env.int(10, 600_000).default(1000),
    MINECRAFT_RECONNECT_MAX_MS: env.int(10, 3_600_000).default(60_000),
    MINECRAFT_HEALTH_PORT: env.port().default(0),
    MINECRAFT_HEALTH_HOST: env.bindHost(),
  })
  .superRefine((c, ctx) => {
    if (c.MINECRAFT_RECONNECT_MAX_MS < c.MINECRAFT_RECONNECT_MIN_MS) {
      ctx.addIssue({ code: "custom", path: ["MINECRAFT_RECONNECT_MAX_MS"], message: "must be at least MINECRAFT_RECONNECT_MIN_MS" });
    }
  });

/** The listener's validated configuration. */
export type MinecraftConfig = z.infer<typeof minecraftConfigSchema>;

/**
 * Parses the listener's configuration from the environment.
 *
 * @param source - the environment (default `process.env`); empty strings count as unset.
 * @returns the typed configuration, defaults applied (`MINECRAFT_PAYMENT_MAX` in cents).
 * @throws {ConfigError} naming each missing or malformed variable.
 */
export function loadMinecraftConfig(source: NodeJS.ProcessEnv = process.env): MinecraftConfig {
  return parseConfig(minecraftConfigSchema, source);
}
