import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import cookieParser from "cookie-parser";
import { pinoHttp } from "pino-http";
import type pg from "pg";
import { grafserv } from "postgraphile/grafserv/express/v4";
import type { Logger } from "@guildbank/lib";
import type { ServerConfig } from "./config.ts";
import { createPostGraphile } from "./graphile.ts";
import { SESSION_COOKIE, closeSession, sessionMiddleware } from "./auth/sessions.ts";
import { devLoginRouter } from "./auth/dev.ts";
import { cookieOptions } from "./http/cookies.ts";
import { createStreamHub, type StreamHub } from "./streams/index.ts";
import { createServerMetrics } from "./metrics/index.ts";
import { webhooksRouter } from "./webhooks/index.ts";

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
 * sessions, the development login (when enabled), PostGraphile on `/graphql`, and the live
 * Server-Sent Event streams on `/streams/tx` and `/streams/alerts`.
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
    }),
  );

  app.get("/healthz", async (_req, res) => {
    const started = performance.now();
    try {
      await pool.query("select 1");
      res.json({ status: "ok", database: "ok", latencyMs: Math.round((performance.now() - started) * 10) / 10 });
    } catch (err) {
      logger.error({ err }, "health check: database unreachable");
      res.status(503).json({ status: "error", database: "unreachable" });
    }
  });

  // Scrapes carry no session: served before the session lookup (METRICS_TOKEN, else loopback only).
  app.get("/metrics", metrics.handler);

  // Signed plugin webhooks carry no session either (HMAC, timestamp window, nonce).
  app.use(
    "/webhooks",
    webhooksRouter({ pool, logger, redemptionSecret: config.REDEMPTION_WEBHOOK_SECRET, paymentSecret: config.MINECRAFT_PAYMENT_WEBHOOK_SECRET }),
  );

  app.use(cookieParser(), sessionMiddleware(pool));

  app.get("/auth/session", (req, res) => {
    const s = req.session;
    res.json({ session: s ? { guildId: s.guildId, discordId: s.discordId, kind: s.kind, staffRole: s.staffRole, expiresAt: s.expiresAt } : null });
  });
  app.post("/auth/logout", async (req, res, next) => {
    try {
      const token: unknown = req.cookies?.[SESSION_COOKIE];
      if (typeof token === "string") await closeSession(pool, token);
      res.clearCookie(SESSION_COOKIE, { ...cookieOptions(config, 0), maxAge: undefined });
      res.status(204).end();
    } catch (err) {
      next(err);
    }
  });
  if (config.DEV_LOGIN) app.use(devLoginRouter(pool, config));

  const pgl = createPostGraphile(config, pool, logger);
  const serv = pgl.createServ(metrics.instrumentGrafserv(grafserv));
  await serv.addTo(app, server);
  const streams = createStreamHub({ connectionString: config.DATABASE_URL, pool, logger });
  app.use("/streams", streams.router);
  metrics.observeStreams(() => streams.stats);

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: "not_found" });
  });
  app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
    req.log?.error({ err }, "unhandled error");
    res.status(500).json({ error: "internal_error", requestId: req.id });
  });

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
