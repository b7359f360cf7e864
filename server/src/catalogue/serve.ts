/**
 * `GET /catalogue/images/:id` (issue 16 "Staff review": the review queue shows the image). Ingested images are stored
 * as `file://` URLs in a local directory (which a browser cannot load) or in a bucket behind a CDN; this route lets a
 * signed-in staff member see one:
 *
 * - the image row is read **as the caller** (`withClaims` with the session's claims), so row-level security decides
 *   (another guild's image, or a caller without a staff role, reads nothing: 404);
 * - a `file://` URL is resolved against the configured storage directory and refused (404, logged) when it points
 *   anywhere outside it, through `..` or a symbolic link;
 * - an `http(s)://` URL (the CDN's public URL) is answered with a redirect;
 * - `?w=<px>` (64..1600) returns a WebP thumbnail resized with sharp, else the stored bytes with their type.
 *
 * Answers are private to the caller (`Cache-Control: private`) with an ETag of the stored URL (content-addressed keys)
 * and the width, so a revisit costs a 304.
 */
import { createReadStream } from "node:fs";
import path from "node:path";
import { Router, type Request, type Response } from "express";
import type pg from "pg";
import sharp from "sharp";
import { withClaims } from "@guildbank/lib";
import { resolveStoredFile, underBase } from "@guildbank/render/art-source";
import { requestClaims } from "../auth/sessions.ts";
import { answeredNotModified, staffImageRequest } from "../http/staff-images.ts";

/** Where the stored images live. */
export interface ImageServeOptions {
  /** The local storage directory (relative paths are resolved against the working directory). */
  storageDir: string;
  /** Public base URL of the bucket, if any: only URLs under it are redirected to. */
  cdnUrl?: string | null;
}

const TYPES: Record<string, string> = { ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".gif": "image/gif" };

/**
 * Whether an `http(s)` URL may be redirected to: under the configured CDN base when one is set, else any http(s) URL
 * the worker stored (the S3 store writes only its public URL).
 */
export function redirectable(storageUrl: string, cdnUrl: string | null | undefined): boolean {
  if (!/^https?:\/\//.test(storageUrl)) return false;
  return cdnUrl ? underBase(storageUrl, cdnUrl) : true;
}

/** The thumbnail width asked for (`?w=`), clamped to 64..1600; null for the stored file. */
function widthOf(req: Request): number | null {
  const w = Number(req.query.w);
  if (!Number.isInteger(w) || w <= 0) return null;
  return Math.min(1600, Math.max(64, w));
}

/**
 * The staff-only catalogue image route.
 *
 * @param pool - authenticator pool (reads happen under the caller's claims).
 * @param options - storage directory and CDN base.
 * @returns an express router answering `GET /catalogue/images/:id`: 401 without a session, 403 for a player session,
 *   404 when the row is invisible, has no stored file, or the file is outside the storage directory; 302 to a CDN URL;
 *   else 200 with the bytes (or a WebP thumbnail with `?w=`).
 */
export function catalogueImageRouter(pool: pg.Pool, options: ImageServeOptions): Router {
  const router = Router();
  router.get("/catalogue/images/:id", async (req: Request, res: Response, next) => {
    try {
      const asked = staffImageRequest(req, res);
      if (!asked) return;
      const { session, id } = asked;
      const row = await withClaims(pool, requestClaims(session), async (c) => {
        const { rows } = await c.query<{ storage_url: string | null; mime: string | null }>("select storage_url, mime from app_public.catalogue_images where id = $1", [id]);
        return rows[0];
      });
      if (!row?.storage_url) return void res.status(404).json({ error: "not_found" });
      if (redirectable(row.storage_url, options.cdnUrl)) {
        res.set("Cache-Control", "private, max-age=300");
        return void res.redirect(302, row.storage_url);
      }
      const file = await resolveStoredFile(row.storage_url, options.storageDir);
      if (!file) {
        req.log?.warn({ imageId: id }, "catalogue image: stored file missing or outside the storage directory");
        return void res.status(404).json({ error: "not_found" });
      }
      const width = widthOf(req);
      if (answeredNotModified(req, res, `${row.storage_url}|${width ?? "full"}`, 86400)) return;
      if (width) {
        const out = await sharp(file).rotate().resize({ width, withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
        res.type("image/webp").send(out);
        return;
      }
      res.type(row.mime && row.mime.startsWith("image/") ? row.mime : (TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream"));
      const stream = createReadStream(file);
      stream.on("error", next);
      stream.pipe(res);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
