/**
 * `GET /cards/templates/:id/image` (issue 15 "Panel: the catalogue as a gallery (rendered cards)"): a card template's
 * front as the bot renders it (`@guildbank/render/collectible`, the same renderer and the same cache layout: fronts
 * cached by public id and rarity in `CARD_CACHE_DIR`), for signed-in staff.
 *
 * - The template (with its artist, era and image) is read **as the caller**, so row-level security decides: another
 *   guild's template reads nothing (404).
 * - The template's stored image is used only when it lies inside the catalogue storage directory or under the CDN
 *   base URL (the renderer's rule, `@guildbank/render/art-source`); anything else (a source URL elsewhere, a path
 *   outside the directory) falls back to the generated artwork, so the route never reads arbitrary files or fetches
 *   arbitrary URLs.
 * - Answers carry an ETag of everything the image depends on (public id, rarity, temporary flag, image URL, copies),
 *   `Cache-Control: private`, and 304 on a matching `If-None-Match`.
 */
import { Router, type Request, type Response } from "express";
import type pg from "pg";
import { withClaims } from "@guildbank/lib";
import { CardRenderer, RARITIES, type CardFace, type Rarity } from "@guildbank/render/collectible";
import { requestClaims } from "../auth/sessions.ts";
import { answeredNotModified, staffImageRequest } from "../http/staff-images.ts";

/** Where the route finds images and caches rendered fronts. */
export interface CardImageOptions {
  /** The card render cache directory (the bot's `CARD_CACHE_DIR`); null keeps rendered fronts in memory only. */
  cacheDir: string | null;
  /** The catalogue storage directory: template images are read from inside it only. */
  storageDir: string;
  /** The CDN base of the image bucket: template images under it are fetched. */
  cdnUrl?: string | null;
  /** Told about cache store failures (they never fail a render). */
  onError?: (err: unknown) => void;
}

interface TemplateRow {
  public_id: string;
  rarity: Rarity;
  artist: string;
  era: string;
  colour: string;
  storage_url: string | null;
  copies_created: number;
  temporary: boolean;
}

/**
 * The staff-only rendered card route.
 *
 * @param pool - authenticator pool (reads happen under the caller's claims).
 * @param options - cache directory, storage directory and CDN base.
 * @returns an express router answering `GET /cards/templates/:id/image`: 401 without a session, 403 for a player
 *   session, 404 for a template the caller cannot see, else 200 `image/png` (300×420).
 */
export function cardImageRouter(pool: pg.Pool, options: CardImageOptions): Router {
  const renderer = new CardRenderer(options.cacheDir, 500, options.onError, { storageDir: options.storageDir, cdnUrl: options.cdnUrl ?? null });
  const router = Router();
  router.get("/cards/templates/:id/image", async (req: Request, res: Response, next) => {
    try {
      const asked = staffImageRequest(req, res);
      if (!asked) return;
      const { session, id } = asked;
      const row = await withClaims(pool, requestClaims(session), async (c) => {
        const { rows } = await c.query<TemplateRow>(
          `select t.public_id, t.rarity::text as rarity, a.name as artist, e.name as era, e.colour, i.storage_url, t.copies_created, t.temporary
             from app_public.card_templates t
             join app_public.artists a on a.id = t.artist_id
             join app_public.eras e on e.id = t.era_id
             left join app_public.era_images i on i.id = t.image_id
            where t.id = $1`,
          [id],
        );
        return rows[0];
      });
      if (!row || !RARITIES.includes(row.rarity)) return void res.status(404).json({ error: "not_found" });
      const face: CardFace = {
        publicId: row.public_id,
        rarity: row.rarity,
        artist: row.artist,
        era: row.era,
        colour: row.colour,
        imageUrl: row.storage_url, // the renderer reads it only inside the storage directory or under the CDN base
        copies: row.copies_created,
        printNo: null,
        temporary: row.temporary,
      };
      if (answeredNotModified(req, res, JSON.stringify(face), 300)) return;
      res.type("image/png").send(await renderer.card(face));
    } catch (err) {
      next(err);
    }
  });
  return router;
}
