/** The listener's probe: `GET /healthz` (logged in and database reachable) and `GET /metrics`. */
import { createServer, type Server } from "node:http";
import type pg from "pg";
import type { Listener } from "./listener.ts";
import type { ListenerMetrics } from "./metrics.ts";

/** A running health listener. */
export interface HealthServer {
  server: Server;
  /** e.g. `http://127.0.0.1:9464`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the health listener. `GET /healthz` answers 200 `{status: "ok", minecraft: "connected",
 * database: "ok", pending}` when the bot is logged in and `select 1` succeeds, else 503 with what
 * is wrong; `GET /metrics` the Prometheus text of `metrics.registry`. Bind it to loopback (the
 * container healthcheck) or a private network: it has no authentication.
 *
 * @param host - address to bind.
 * @param port - port (0 picks a free one).
 * @param listener - the in-game listener.
 * @param pool - the database pool.
 * @param metrics - the listener's metrics.
 * @returns the server and its URL.
 * @throws when the port is taken.
 */
export async function startHealthServer(host: string, port: number, listener: Listener, pool: pg.Pool, metrics: ListenerMetrics): Promise<HealthServer> {
  const server = createServer(async (req, res) => {
    if (req.method === "GET" && req.url === "/healthz") {
      let database = "ok";
      try {
        await pool.query("select 1");
      } catch {
        database = "unreachable";
      }
      const ok = listener.connected && database === "ok";
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: ok ? "ok" : "error", minecraft: listener.connected ? "connected" : "disconnected", database, pending: listener.pending }));
      return;
    }
    if (req.method === "GET" && req.url === "/metrics") {
      res.writeHead(200, { "content-type": metrics.registry.contentType });
      res.end(await metrics.registry.metrics());
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end('{"error":"not_found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  return {
    server,
    url: `http://${host}:${actual}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
