import { z } from "zod";
import { env, parseConfig } from "@guildbank/lib";

/** The server's configuration schema: one key per environment variable (see .env.example). */
export const serverConfigSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    /** Authenticator connection URL (the only role the server logs in as). */
    DATABASE_URL: env.postgresUrl(),
    HOST: z.string().min(1).default("127.0.0.1"),
    /** 0 picks a free port (tests). */
    PORT: env.int(0, 65535).default(3000),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Development-only login (pick a guild member or staff role without Discord). */
    DEV_LOGIN: env.bool().default(false),
    /** Session lifetime in seconds (default 7 days). */
    SESSION_TTL_S: env.int(60, 2592000).default(604800),
    /** Mark cookies Secure (default: on in production). */
    COOKIE_SECURE: env.bool().optional(),
    /** Database pool size. */
    DATABASE_POOL_MAX: env.int(1, 200).default(20),
    /** The guild the development login page offers first. */
    DEMO_GUILD_ID: env.snowflake().optional(),
    /** Trust X-Forwarded-* from a reverse proxy (hops). */
    TRUST_PROXY: env.int(0, 10).default(0),
    /**
     * Bearer token `GET /metrics` requires (secret; also METRICS_TOKEN_FILE). Unset: only loopback
     * clients may scrape (behind a same-host proxy, the forwarded client address must be loopback too).
     */
    METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
    /** HMAC key of `POST /webhooks/redeem` (secret; also REDEMPTION_WEBHOOK_SECRET_FILE). Unset: the endpoint answers 503. */
    REDEMPTION_WEBHOOK_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
    /** HMAC key of `POST /webhooks/minecraft/payment` (secret). Unset: the endpoint answers 503. */
    MINECRAFT_PAYMENT_WEBHOOK_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  })
  .superRefine((c, ctx) => {
    if (c.DEV_LOGIN && c.NODE_ENV === "production") {
      ctx.addIssue({
        code: "custom",
        path: ["DEV_LOGIN"],
        message: "the development login cannot be enabled when NODE_ENV=production",
      });
    }
  });

export type ServerConfig = z.infer<typeof serverConfigSchema>;

/**
 * Parses the server configuration from the environment.
 *
 * @param source - the environment (default `process.env`).
 * @throws {ConfigError} naming each missing or malformed variable.
 */
export function loadServerConfig(source: NodeJS.ProcessEnv = process.env): ServerConfig {
  return parseConfig(serverConfigSchema, source);
}
