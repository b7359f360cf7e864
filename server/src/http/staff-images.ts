/**
 * What the staff image routes share (`GET /catalogue/images/:id`, `GET /cards/templates/:id/image`): who may ask,
 * which ids are well formed, and the conditional answer (a private cache lifetime, an ETag of what the image depends
 * on, 304 when the browser already holds it).
 */
import { createHash } from "node:crypto";
import type { Request, Response } from "express";
import type { SessionClaims } from "../auth/sessions.ts";

/**
 * The staff session and the numeric row id of an image request, or nothing once the refusal is sent:
 * 401 without a session, 403 for a player session, 404 for an id that is not 1 to 18 digits.
 *
 * @param req - the request (its session is set by the session middleware; the id is `req.params.id`).
 * @param res - the response the refusal is written to.
 * @returns the session and id, or undefined when the request was answered.
 */
export function staffImageRequest(req: Request, res: Response): { session: SessionClaims; id: string } | undefined {
  const session = req.session;
  if (!session) return void res.status(401).json({ error: "not_signed_in" });
  if (session.kind !== "staff") return void res.status(403).json({ error: "staff_only" });
  const id = String(req.params.id);
  if (!/^\d{1,18}$/.test(id)) return void res.status(404).json({ error: "not_found" });
  return { session, id };
}

/**
 * Sets the private cache headers and the ETag of `dependsOn`, and answers 304 when the request already holds it.
 *
 * @param req - the request (`If-None-Match`).
 * @param res - the response (headers set here).
 * @param dependsOn - everything the image's bytes depend on (hashed into the ETag).
 * @param maxAgeS - the browser's cache lifetime, in seconds.
 * @returns true when the 304 was sent (the caller stops), false when the caller sends the image.
 */
export function answeredNotModified(req: Request, res: Response, dependsOn: string, maxAgeS: number): boolean {
  const etag = `"${createHash("sha1").update(dependsOn).digest("base64url")}"`;
  res.set("Cache-Control", `private, max-age=${maxAgeS}`);
  res.set("ETag", etag);
  res.set("X-Content-Type-Options", "nosniff");
  if (req.headers["if-none-match"] !== etag) return false;
  res.status(304).end();
  return true;
}
