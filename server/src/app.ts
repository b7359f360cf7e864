import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import express, { type Request, type Response } from "express";
import cookieParser from "cookie-parser";
import { pinoHttp } from "pino-http";
import type pg from "pg";
import { grafserv } from "postgraphile/grafserv/express/v4";
import { redactUrl, type Logger } from "@guildbank/lib";
import type { ServerConfig } from "./config.ts";
import { createPostGraphileWhenReady } from "./graphile.ts";
import { REFRESH_COOKIE, SESSION_COOKIE, closeSession, refreshPanelSession, revokeRefreshToken, sessionMiddleware } from "./auth/sessions.ts";
import { guildSwitchRouter } from "./auth/guilds.ts";
import { devLoginRouter } from "./auth/dev.ts";
import { NAME_COOKIE, discordAuthRouter, setPanelCookies } from "./auth/discord.ts";
import { cookieOptions } from "./http/cookies.ts";
import { createCsrf, originGuard, rateLimits } from "./http/security.ts";
import { idempotencyMiddleware } from "./http/idempotency.ts";
import { panelStatic } from "./http/panel.ts";
import { errorHandler } from "./http/errors.ts";
import { createStreamHub, type StreamHub } from "./streams/index.ts";
import { createServerMetrics } from "./metrics/index.ts";
import { webhooksRouter } from "./webhooks/index.ts";
import { catalogueImageRouter } from "./catalogue/serve.ts";
import { cardImageRouter } from "./cards/image.ts";

/** A running HTTP server and how to stop it. */
export interface RunningServer {
  server: Server;
  /** The live-stream hub (`/streams/tx`, `/streams/alerts`): connected clients in `streams.stats`. */
  streams: StreamHub;
  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Stops accepting requests, finishes in-flight ones and releases PostGraphile. */
  close(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * Builds the express application and its HTTP server: request ids and JSON logs, `/healthz`,
 * the origin guard (CORS locked to PANEL_BASE_URL), sessions, Discord sign-in
 * (`/auth/discord/login`, `/auth/discord/callback`), `/auth/session`, `/auth/csrf`, the server
 * switcher (`GET /auth/guilds`, `POST /auth/guild`),
 * `POST /auth/refresh` and `POST /auth/logout`, CSRF double submit on state-changing requests,
 * per-route rate limits, the development login (when enabled), PostGraphile on `/graphql` (with
 * Idempotency-Key records), the live Server-Sent Event streams on `/streams/tx` and
 * `/streams/alerts` (and `/streams/community`), and the built panel at `/`.
 *
 * @param config - server configuration.
 * @param pool - authenticator pool.
 * @param logger - server logger.
 * @returns the server, not yet listening, and a `close` that releases everything it created.
 */
export async function createHttpServer(
  config: ServerConfig,
  pool: pg.Pool,
  logger: Logger,
): Promise<{ server: Server; streams: StreamHub; close: () => Promise<void> }> {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.TRUST_PROXY);
  const server = createServer(app);
  const metrics = createServerMetrics({ pool, logger, token: config.METRICS_TOKEN });
  app.use(metrics.httpMiddleware);

  app.use(
    pinoHttp({
      logger,
      genReqId(req, res) {
        const incoming = req.headers["x-request-id"];
        const id = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader("X-Request-Id", id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info"),
      autoLogging: { ignore: (req) => req.url === "/healthz" || req.url === "/metrics" },
      // OAuth callbacks carry a one-time code and state in the query string: not for the logs.
      serializers: {
        req(req: { url?: string; query?: unknown }) {
          if (typeof req.url === "string") req.url = redactUrl(req.url);
          delete req.query;
          return req;
        },
      },
    }),
  );

  app.get("/healthz", async (_req, res) => {
    const started = performance.now();
    try {
      await pool.query("select 1");
      res.json({ status: "ok", database: "ok", latencyMs: Math.round((performance.now() - started) * 10) / 10 });
    } catch (err) {
      logger.error({ err }, "health check: database unreachable");
      res.status(503).set("Retry-After", "2").json({ status: "error", database: "unreachable" });
    }
  });

  // Scrapes carry no session: served before the session lookup (METRICS_TOKEN, else loopback only).
  app.get("/metrics", metrics.handler);

  // Browsers may call us only from the panel's origin or our own (CORS locked to PANEL_BASE_URL).
  app.use(originGuard(config));
  // Signed plugin webhooks carry no session either (HMAC, timestamp window, nonce).
  app.use(
    "/webhooks",
    webhooksRouter({ pool, logger, redemptionSecret: config.REDEMPTION_WEBHOOK_SECRET, paymentSecret: config.MINECRAFT_PAYMENT_WEBHOOK_SECRET }),
  );

  app.use(cookieParser(), sessionMiddleware(pool, { cacheTtlMs: config.SESSION_CACHE_TTL_MS }));
  const csrf = createCsrf(config);
  const limits = rateLimits(config);
  // The Discord name the sign-in stored beside the session cookies (a label for the app bar).
  const nameOf = (req: Request): string | null => {
    const name: unknown = req.cookies?.[NAME_COOKIE];
    return typeof name === "string" && name ? name : null;
  };
  const sessionView = (req: Request) => {
    const s = req.session;
    return s ? { guildId: s.guildId, discordId: s.discordId, kind: s.kind, staffRole: s.staffRole, expiresAt: s.expiresAt, displayName: nameOf(req) } : null;
  };
  const clearSessionCookies = (res: Response) => {
    res.clearCookie(SESSION_COOKIE, { ...cookieOptions(config, 0), maxAge: undefined });
    res.clearCookie(REFRESH_COOKIE, { ...cookieOptions(config, 0), maxAge: undefined });
    res.clearCookie(NAME_COOKIE, { ...cookieOptions(config, 0), maxAge: undefined });
  };

  app.get("/auth/session", (req, res) => {
    res.json({
      session: sessionView(req),
      csrfToken: csrf.token(req, res),
      refreshable: typeof req.cookies?.[REFRESH_COOKIE] === "string",
      methods: { discord: Boolean(config.DISCORD_CLIENT_ID && config.DISCORD_CLIENT_SECRET && (config.GUILD_ID ?? config.DEMO_GUILD_ID)), dev: config.DEV_LOGIN },
    });
  });
  app.get("/auth/csrf", (req, res) => {
    res.json({ csrfToken: csrf.token(req, res) });
  });
  app.use("/auth/discord", limits.auth);
  app.use("/auth/refresh", limits.auth);
  app.use(discordAuthRouter(pool, config));
  // Every state-changing request below carries the CSRF token (X-CSRF-Token).
  app.use(csrf.protect);
  app.post("/auth/refresh", async (req, res, next) => {
    try {
      const token: unknown = req.cookies?.[REFRESH_COOKIE];
      const outcome = typeof token === "string" && token.length <= 100 ? await refreshPanelSession(pool, token, config.ACCESS_TTL_S) : { status: "unknown" as const };
      if (outcome.status !== "rotated") {
        clearSessionCookies(res);
        if (outcome.status === "reused") req.log?.warn("refresh token reused: session revoked");
        res.status(401).json({ error: outcome.status === "reused" ? "refresh_token_reused" : "session_expired" });
        return;
      }
      setPanelCookies(res, config, outcome.tokens);
      // The CSRF token is bound to the refresh cookie: hand out the one for the new cookie.
      req.cookies[REFRESH_COOKIE] = outcome.tokens.refresh;
      const c = outcome.tokens.claims;
      res.json({
        session: { guildId: c.guildId, discordId: c.discordId, kind: c.kind, staffRole: c.staffRole, expiresAt: c.expiresAt, displayName: nameOf(req) },
        csrfToken: csrf.token(req, res),
      });
    } catch (err) {
      next(err);
    }
  });
  app.post("/auth/logout", async (req, res, next) => {
    try {
      const token: unknown = req.cookies?.[SESSION_COOKIE];
      const refresh: unknown = req.cookies?.[REFRESH_COOKIE];
      if (typeof token === "string") await closeSession(pool, token);
      if (typeof refresh === "string" && refresh.length <= 100) await revokeRefreshToken(pool, refresh);
      clearSessionCookies(res);
      res.status(204).end();
    } catch (err) {
      next(err);
    }
  });
  // Server switcher (issue 14): GET /auth/guilds, POST /auth/guild (CSRF-protected like every POST here).
  app.use(guildSwitchRouter(pool));
  const panel = panelStatic(config);
  if (config.DEV_LOGIN) app.use(devLoginRouter(pool, config, { csrfToken: csrf.token, home: panel ? "/" : "/graphiql" }));

  // Catalogue images for staff (issue 16 review queue): read under the caller's claims, served from the storage directory only.
  app.use("/catalogue/images", limits.api);
  app.use(catalogueImageRouter(pool, { storageDir: config.CATALOGUE_STORAGE_DIR, cdnUrl: config.CDN_URL ?? null }));
  // Rendered card templates for the panel's gallery (issue 15), with the bot's renderer and cache directory.
  app.use("/cards/templates", limits.api);
  app.use(cardImageRouter(pool, { cacheDir: config.CARD_CACHE_DIR, storageDir: config.CATALOGUE_STORAGE_DIR, cdnUrl: config.CDN_URL ?? null, onError: (err) => logger.warn({ err }, "card cache store failed") }));
  app.use("/graphql", limits.api, idempotencyMiddleware(pool));
  // The schema is built before the server listens, again if the database drops meanwhile.
  const pgl = await createPostGraphileWhenReady(config, pool, logger);
  const serv = pgl.createServ(metrics.instrumentGrafserv(grafserv));
  await serv.addTo(app, server);
  const streams = createStreamHub({ connectionString: config.DATABASE_URL, pool, logger });
  app.use("/streams", streams.router);
  metrics.observeStreams(() => streams.stats);
  // The built panel (panel/dist) at /, with the single-page app's fallback for its routes.
  if (panel) app.use(panel);

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: "not_found" });
  });
  // Body-parser and HTTP errors keep their status (400 malformed JSON, 413 too large); the rest is 500.
  app.use(errorHandler(logger));

  return {
    server,
    streams,
    // Releasing the grafserv instance releases the PostGraphile instance it was created from.
    close: async () => {
      await streams.close();
      await serv.release();
    },
  };
}

/**
 * Starts the HTTP server on `config.HOST:config.PORT` (port 0 picks a free one).
 *
 * @returns the running server with its URL.
 * @throws if the port is taken or PostGraphile cannot introspect the database.
 */
export async function startServer(config: ServerConfig, pool: pg.Pool, logger: Logger): Promise<RunningServer> {
  const { server, streams, close } = await createHttpServer(config, pool, logger);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  return {
    server,
    streams,
    url: `http://${config.HOST}:${port}`,
    close: async () => {
      // Event streams never finish by themselves: end them first, or server.close() waits forever.
      streams.drain();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await close();
    },
  };
}
