import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { type RequestHandler } from "express";
import type { ServerConfig } from "../config.ts";

/** The default location of the built panel: `panel/dist` at the repository root. */
export const DEFAULT_PANEL_DIST = fileURLToPath(new URL("../../../panel/dist", import.meta.url));

/**
 * Serves the built panel (`vite build` output) at `/`: `index.html` (never cached) and the hashed
 * assets (cached for a year). The panel routes with the URL hash (`/#/users`), so no other path
 * falls back to it: unknown paths stay 404.
 *
 * @param config - `PANEL_DIST_DIR` (default {@link DEFAULT_PANEL_DIST}).
 * @returns the middleware, or undefined when the panel has not been built.
 */
export function panelStatic(config: ServerConfig): RequestHandler | undefined {
  const dir = path.resolve(config.PANEL_DIST_DIR ?? DEFAULT_PANEL_DIST);
  if (!existsSync(path.join(dir, "index.html"))) return undefined;
  return express.static(dir, {
    index: "index.html",
    redirect: false,
    setHeaders: (res, file) => {
      res.setHeader("Cache-Control", file.includes(`${path.sep}assets${path.sep}`) ? "public, max-age=31536000, immutable" : "no-cache");
    },
  });
}
