/**
 * The bot's HTTP listener: `GET /healthz` (200 when the database answers and the gateway is
 * connected; 503 with the reason otherwise) and `GET /metrics` (Prometheus text: process, bot and
 * job metrics). Binds `BOT_HEALTH_HOST:BOT_HEALTH_PORT` (loopback by default: the docker
 * healthcheck runs inside the container).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A running health listener. */
export interface HealthListener {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the listener.
 *
 * @param options - address; `check` returns null when healthy else the reason; `metrics` renders
 *   the Prometheus text.
 * @returns its URL and a close function.
 */
export async function startHealthListener(options: {
  host: string;
  port: number;
  check: () => Promise<string | null>;
  metrics: () => Promise<string>;
}): Promise<HealthListener> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") {
      res.writeHead(405).end();
      return;
    }
    if (path === "/healthz") {
      options.check().then(
        (problem) => {
          res.writeHead(problem ? 503 : 200, { "content-type": "application/json" });
          res.end(JSON.stringify(problem ? { status: "unhealthy", problem } : { status: "ok" }));
        },
        (err: unknown) => {
          res.writeHead(503, { "content-type": "application/json" });
          res.end(JSON.stringify({ status: "unhealthy", problem: (err as Error).message }));
        },
      );
      return;
    }
    if (path === "/metrics") {
      options.metrics().then(
        (text) => res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(":") ? `[${address}]` : address}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
