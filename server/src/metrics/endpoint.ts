/**
 * Serving `/metrics`: the express handler of the server, and the small HTTP listener of a worker
 * process (`WORKER_METRICS_PORT`). Both apply {@link checkMetricsAccess}.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Request, RequestHandler, Response } from "express";
import type { Logger } from "@guildbank/lib";
import { checkMetricsAccess, type MetricsAccess } from "./access.ts";
import { METRICS_CONTENT_TYPE } from "./registry.ts";

/** Renders the exposition text of a scrape. */
export type MetricsRenderer = () => Promise<string>;

function refuse(res: ServerResponse, access: Exclude<MetricsAccess, "ok">): void {
  const status = access === "unauthorized" ? 401 : 403;
  res.statusCode = status;
  if (status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="metrics"');
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.end(JSON.stringify({ error: access === "unauthorized" ? "unauthorized" : "forbidden" }));
}

/**
 * The express handler of `GET /metrics`.
 *
 * @param options - `METRICS_TOKEN` (or undefined: loopback only), the renderer, the logger.
 * @returns the handler (mount it before the session middleware: scrapes carry no session).
 */
export function metricsHandler(options: { token: string | undefined; render: MetricsRenderer; logger: Logger }): RequestHandler {
  return async (req: Request, res: Response) => {
    const access = checkMetricsAccess(options.token, {
      authorization: req.get("authorization"),
      socketAddress: req.socket.remoteAddress,
      clientAddress: req.ip,
    });
    if (access !== "ok") {
      refuse(res, access);
      return;
    }
    try {
      const body = await options.render();
      res.status(200).set({ "Content-Type": METRICS_CONTENT_TYPE, "Cache-Control": "no-store" }).send(body);
    } catch (err) {
      (req.log ?? options.logger).error({ err }, "metrics: rendering failed");
      res.status(500).json({ error: "internal_error" });
    }
  };
}

/** A running metrics listener. */
export interface MetricsListener {
  server: Server;
  /** e.g. `http://127.0.0.1:9464` */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a minimal HTTP listener answering `GET /metrics` (and `GET /healthz` with 200), for a
 * process without an express server (the worker).
 *
 * @param options - host and port (0 picks a free one), `METRICS_TOKEN`, the renderer, the logger.
 * @returns the listener once it listens.
 * @throws when the port is taken.
 */
export async function startMetricsListener(options: {
  host: string;
  port: number;
  token: string | undefined;
  render: MetricsRenderer;
  logger: Logger;
}): Promise<MetricsListener> {
  const log = options.logger.child({ component: "metrics" });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "").split("?", 1)[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET" }).end();
      return;
    }
    if (path === "/healthz") {
      res.writeHead(200, { "Content-Type": "application/json" }).end('{"status":"ok"}');
      return;
    }
    if (path !== "/metrics") {
      res.writeHead(404, { "Content-Type": "application/json" }).end('{"error":"not_found"}');
      return;
    }
    const access = checkMetricsAccess(options.token, { authorization: req.headers.authorization, socketAddress: req.socket.remoteAddress });
    if (access !== "ok") {
      refuse(res, access);
      return;
    }
    options.render().then(
      (body) => res.writeHead(200, { "Content-Type": METRICS_CONTENT_TYPE, "Cache-Control": "no-store" }).end(req.method === "HEAD" ? undefined : body),
      (err: unknown) => {
        log.error({ err }, "metrics: rendering failed");
        res.writeHead(500, { "Content-Type": "application/json" }).end('{"error":"internal_error"}');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (err) => log.error({ err }, "metrics listener error"));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    server,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
