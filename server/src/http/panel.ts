import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { type RequestHandler } from "express";
import type { ServerConfig } from "../config.ts";

/** The default location of the built panel: `panel/dist` at the repository root. */
export const DEFAULT_PANEL_DIST = fileURLToPath(new URL("../../../panel/dist", import.meta.url));

/** Paths that belong to the server, never to the panel's client-side routes. */
const SERVER_PATHS = /^\/(graphql|graphiql|auth|streams|healthz|metrics|webhooks)(\/|$)/;

/**
 * Serves the built panel (`vite build` output): hashed assets with long caching, and `index.html`
 * (never cached) for every other GET that is not a server path, so client-side routes reload.
 *
 * @param config - `PANEL_DIST_DIR` (default {@link DEFAULT_PANEL_DIST}).
 * @returns the middleware, or undefined when the panel has not been built.
 */
export function panelStatic(config: ServerConfig): RequestHandler | undefined {
  const dir = path.resolve(config.PANEL_DIST_DIR ?? DEFAULT_PANEL_DIST);
  const index = path.join(dir, "index.html");
  if (!existsSync(index)) return undefined;
  const assets = express.static(dir, {
    index: false,
    setHeaders: (res, file) => {
      res.setHeader("Cache-Control", file.includes(`${path.sep}assets${path.sep}`) ? "public, max-age=31536000, immutable" : "no-cache");
    },
  });
  return (req, res, next) => {
    if ((req.method !== "GET" && req.method !== "HEAD") || SERVER_PATHS.test(req.path)) return next();
    assets(req, res, () => {
      if (!req.accepts("html")) return next();
      res.setHeader("Cache-Control", "no-cache");
      res.sendFile(index);
    });
  };
}
