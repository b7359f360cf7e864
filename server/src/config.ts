import { z } from "zod";
import { env, imageStoreConfigShape, parseConfig, processConfigShape } from "@guildbank/lib";

/** The server's configuration schema: one key per environment variable (see .env.example). */
export const serverConfigSchema = z
  .object({
    ...processConfigShape,
    /** Authenticator connection URL (the only role the server logs in as). */
    DATABASE_URL: env.postgresUrl(),
    HOST: env.bindHost(),
    /** 0 picks a free port (tests). */
    PORT: env.port().default(3000),
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
    METRICS_TOKEN: env.secret(16).optional(),

    // --- Web panel and Discord sign-in ---------------------------------------------------------
    /** Public origin of the panel (CORS allows it and only it besides the server's own origin). */
    PANEL_BASE_URL: z.url().optional(),
    /** Public origin of the API (informational; the Discord redirect URI defaults to PANEL_BASE_URL). */
    API_BASE_URL: z.url().optional(),
    /** The Discord guild the panel is bound to: only its members may sign in (default DEMO_GUILD_ID). */
    GUILD_ID: env.snowflake().optional(),
    /** Discord application (OAuth2) client id; unset: Discord sign-in is off. */
    DISCORD_CLIENT_ID: z.string().regex(/^\d{17,20}$/, "must be a Discord application id").optional(),
    /** Discord application client secret (secret; also DISCORD_CLIENT_SECRET_FILE). */
    DISCORD_CLIENT_SECRET: z.string().min(8).optional(),
    /** OAuth2 redirect URI registered in the Discord application (default `<PANEL_BASE_URL>/auth/discord/callback`). */
    DISCORD_REDIRECT_URI: z.url().optional(),
    /** Discord API base URL: OAuth2 endpoints and REST (tests point it at a local fake). */
    DISCORD_API_BASE_URL: z.url().default("https://discord.com/api/v10"),
    /** Lifetime of a panel access session, in seconds (default 15 minutes). */
    ACCESS_TTL_S: env.int(60, 86400).default(900),
    /** Lifetime of a panel refresh token, in seconds (default 12 hours; each refresh rotates it). */
    REFRESH_TTL_S: env.int(300, 2592000).default(43200),
    /**
     * Secret of the CSRF double-submit tokens (secret, 32+ characters). Unset: generated once and
     * kept in `<GUILDBANK_DATA_DIR>/csrf-secret` when that is set (`npm start` sets it), so tokens
     * survive a restart; else a random secret per process.
     */
    CSRF_SECRET: env.secret(32).optional(),
    /** Local data directory (`npm start`: `.data`); holds the generated CSRF secret when CSRF_SECRET is unset. */
    GUILDBANK_DATA_DIR: z.string().min(1).optional(),
    /** Requests per minute per client address to /auth/discord/* and /auth/refresh. */
    RATE_LIMIT_AUTH_PER_MIN: env.int(1, 100000).default(30),
    /** Requests per minute per session (or client address) to /graphql. */
    RATE_LIMIT_API_PER_MIN: env.int(1, 1000000).default(1200),
    /** Milliseconds a session's claims are reused from memory (0 = read on every request); the revocation latency for sessions closed by another process. */
    SESSION_CACHE_TTL_MS: env.int(0, 60000).default(2000),
    /** Directory of the built panel served at / (default panel/dist; absent: not served). */
    PANEL_DIST_DIR: z.string().min(1).optional(),
    /** HMAC key of `POST /webhooks/redeem` (secret; also REDEMPTION_WEBHOOK_SECRET_FILE). Unset: the endpoint answers 503. */
    REDEMPTION_WEBHOOK_SECRET: env.secret(16).optional(),
    /** HMAC key of `POST /webhooks/minecraft/payment` (secret). Unset: the endpoint answers 503. */
    MINECRAFT_PAYMENT_WEBHOOK_SECRET: env.secret(16).optional(),
    /** The catalogue's images (the worker's): `GET /catalogue/images/:id` serves files from inside CATALOGUE_STORAGE_DIR only
     *  and redirects to images under CDN_URL; the card route draws from the same two places only. */
    ...imageStoreConfigShape,
    /** Where rendered card fronts are cached (the bot's CARD_CACHE_DIR: the same files serve both): `GET /cards/templates/:id/image`. */
    CARD_CACHE_DIR: z.string().min(1).default(".data/card-cache"),
  })
  .superRefine((c, ctx) => {
    if (c.DEV_LOGIN && c.NODE_ENV === "production") {
      ctx.addIssue({
        code: "custom",
        path: ["DEV_LOGIN"],
        message: "the development login cannot be enabled when NODE_ENV=production",
      });
    }
    if ((c.DISCORD_CLIENT_ID === undefined) !== (c.DISCORD_CLIENT_SECRET === undefined)) {
      ctx.addIssue({ code: "custom", path: ["DISCORD_CLIENT_SECRET"], message: "DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET go together" });
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
