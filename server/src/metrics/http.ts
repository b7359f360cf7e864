/**
 * HTTP metrics: `http_request_duration_seconds`, `http_requests_total` and
 * `http_request_errors_total`, labelled by method, route and status code.
 *
 * The `route` label is never the raw URL (unbounded cardinality): it is the path of a fixed
 * endpoint (`/graphql`, `/graphiql`, `/streams/tx`, `/streams/alerts`), else the pattern of the
 * express route that matched (mount path + route path, e.g. `/auth/dev/login`), else `unmatched`
 * (the 404 fallback, or a response written by a middleware). The pattern is taken when the router
 * assigns `req.route` (an accessor on the request records `req.baseUrl` at that moment), because a
 * router restores `req.baseUrl` when an error leaves it for the application's error handler.
 *
 * Durations run from the request's arrival to the end of the response, except for event streams
 * (`text/event-stream`), whose lifetime is not a latency: they are measured to their headers (the
 * stream being established). A request whose client went away before any response is counted
 * with status code `499` (the nginx convention for "client closed request"), and not as an error.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { Counter, Histogram, type Registry } from "prom-client";

/** The label names of the HTTP metrics. */
type HttpLabel = "method" | "route" | "status_code";

/** Methods kept as they are in the `method` label; anything else becomes `OTHER`. */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** The label of requests no route answered. */
export const UNMATCHED_ROUTE = "unmatched";

/** Endpoints served by something other than an express route, labelled by their exact path. */
export const FIXED_ROUTES: readonly string[] = ["/graphql", "/graphiql", "/streams/tx", "/streams/alerts"];

/** Duration histogram buckets, in seconds. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The HTTP metrics of one server. */
export interface HttpMetrics {
  /** Express middleware measuring every request; mount it first. */
  middleware: RequestHandler;
}

/**
 * The pattern of a matched express route under the current mount path.
 *
 * @param baseUrl - `req.baseUrl` when the route matched.
 * @param route - the matched route (`req.route`).
 * @returns e.g. `/streams/tx`.
 */
function routePattern(baseUrl: string | undefined, route: { path?: unknown }): string {
  const pattern = typeof route.path === "string" ? route.path : "(pattern)";
  // Routing is case-insensitive: the mount path as written could vary; the pattern cannot.
  return `${(baseUrl ?? "").toLowerCase()}${pattern}` || "/";
}

/**
 * The `route` label of a request (see the module comment).
 *
 * @param req - the express request (at or after the moment its route answered).
 * @param fixed - exact paths labelled as themselves.
 * @param matched - the pattern recorded when the route matched, if known.
 * @returns a bounded label.
 */
export function routeLabel(req: Request, fixed: ReadonlySet<string> = new Set(FIXED_ROUTES), matched?: string): string {
  const path = (req.originalUrl ?? req.url ?? "").split("?", 1)[0];
  if (fixed.has(path)) return path;
  if (matched !== undefined) return matched;
  const route = req.route as { path?: unknown } | undefined;
  return route ? routePattern(req.baseUrl, route) : UNMATCHED_ROUTE;
}

/**
 * Creates the HTTP metrics in `registry`.
 *
 * @param registry - the server's registry.
 * @param fixedRoutes - exact paths labelled as themselves (default {@link FIXED_ROUTES}).
 * @returns the middleware.
 */
export function createHttpMetrics(registry: Registry, fixedRoutes: readonly string[] = FIXED_ROUTES): HttpMetrics {
  const fixed = new Set(fixedRoutes);
  const duration = new Histogram<HttpLabel>({
    name: "http_request_duration_seconds",
    help: "HTTP request duration in seconds (event streams: until their headers), by method, route pattern and status code.",
    labelNames: ["method", "route", "status_code"],
    buckets: BUCKETS,
    registers: [registry],
  });
  const requests = new Counter<HttpLabel>({
    name: "http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status code (499: the client went away first).",
    labelNames: ["method", "route", "status_code"],
    registers: [registry],
  });
  const errors = new Counter<HttpLabel>({
    name: "http_request_errors_total",
    help: "HTTP requests answered with a server error (status 5xx), by method, route pattern and status code.",
    labelNames: ["method", "route", "status_code"],
    registers: [registry],
  });

  const middleware = (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    const method = METHODS.has(req.method) ? req.method : "OTHER";
    let headersAt: number | undefined;
    let route: string | undefined;
    // Record the pattern when the router assigns req.route (req.baseUrl is right at that moment).
    let matched: string | undefined;
    let current: unknown = req.route;
    Object.defineProperty(req, "route", {
      configurable: true,
      enumerable: true,
      get: () => current,
      set: (value: unknown) => {
        current = value;
        matched = value && typeof value === "object" ? routePattern(req.baseUrl, value as { path?: unknown }) : undefined;
      },
    });
    // Every response goes through writeHead (res.end calls it implicitly): the route is known by
    // then, and req.baseUrl still describes the router that answered.
    const writeHead = res.writeHead;
    res.writeHead = function (this: ServerResponse<IncomingMessage>, ...args: unknown[]) {
      if (headersAt === undefined) {
        headersAt = performance.now();
        route = routeLabel(req, fixed, matched);
      }
      return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as typeof res.writeHead;

    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const answered = headersAt !== undefined;
      const status = answered ? String(res.statusCode) : "499";
      const labels = { method, route: route ?? routeLabel(req, fixed, matched), status_code: status };
      const stream = answered && String(res.getHeader("content-type") ?? "").startsWith("text/event-stream");
      duration.observe(labels, ((stream ? headersAt! : performance.now()) - started) / 1000);
      requests.inc(labels);
      if (answered && res.statusCode >= 500) errors.inc(labels);
    };
    res.once("finish", finish);
    res.once("close", finish);
    next();
  };
  return { middleware };
}
