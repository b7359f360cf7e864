/**
 * `GET /catalogue/images/:id` (issue 16 review queue thumbnails): staff only, the row read under the caller's claims
 * (another guild's image is invisible), files served only from inside the storage directory, thumbnails via sharp,
 * CDN URLs redirected.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type pg from "pg";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, clientFor, createGuild, startTestServer, superuserPool } from "../helpers.ts";

let db: pg.Pool;
let server: Awaited<ReturnType<typeof startTestServer>>;
let dir: string;
let outside: string;
let guildA: string;
let guildB: string;
let playerA: string;
const ids: Record<string, string> = {};

async function image(guildId: string, code: string, storageUrl: string, mime = "image/png"): Promise<string> {
  const { rows } = await db.query(
    `with ar as (insert into app_public.artists (guild_id, name, code) values ($1, $2, $3) returning id),
          er as (insert into app_public.eras (guild_id, artist_id, name, code) select $1, id, 'One', 'ONE' from ar returning id, artist_id)
     insert into app_public.catalogue_images (guild_id, artist_id, searched_era_id, era_id, era_reason, source, source_url, status, storage_url, mime, width, height)
     select $1, artist_id, id, id, 'searched_era', 'wikimedia', $4, 'pending', $5, $6, 1000, 800 from er returning id`,
    [guildId, `Serve ${code}`, code, `https://example.invalid/${code}-${guildId}.png`, storageUrl, mime],
  );
  return String(rows[0].id);
}

beforeAll(async () => {
  db = superuserPool();
  dir = mkdtempSync(path.join(tmpdir(), "serve-store-"));
  outside = mkdtempSync(path.join(tmpdir(), "serve-outside-"));
  const png = await sharp({ create: { width: 1000, height: 800, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toBuffer();
  writeFileSync(path.join(dir, "a.png"), png);
  writeFileSync(path.join(outside, "secret.png"), png);
  symlinkSync(path.join(outside, "secret.png"), path.join(dir, "link.png"));
  ({ guildId: guildA, memberIds: [playerA] } = await createGuild(db, 1));
  ({ guildId: guildB } = await createGuild(db, 0));
  ids.ok = await image(guildA, "SVA", pathToFileURL(path.join(dir, "a.png")).href);
  ids.outside = await image(guildA, "SVO", pathToFileURL(path.join(outside, "secret.png")).href);
  ids.dotdot = await image(guildA, "SVD", `${pathToFileURL(dir).href}/../${path.basename(outside)}/secret.png`);
  ids.link = await image(guildA, "SVL", pathToFileURL(path.join(dir, "link.png")).href);
  ids.cdn = await image(guildA, "SVC", "https://cdn.example.com/catalogue/SVC/abc.png");
  ids.otherGuild = await image(guildB, "SVB", pathToFileURL(path.join(dir, "a.png")).href);
  server = await startTestServer({ CATALOGUE_STORAGE_DIR: dir, CDN_URL: "https://cdn.example.com" });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await db?.end();
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe("GET /catalogue/images/:id", () => {
  it("needs a staff session: 401 anonymous, 403 for a player", async () => {
    expect((await new ApiClient(server.url).fetch(`/catalogue/images/${ids.ok}`)).status).toBe(401);
    const player = await clientFor(server, { guildId: guildA, discordId: playerA, kind: "player" });
    expect((await player.fetch(`/catalogue/images/${ids.ok}`)).status).toBe(403);
  });

  it("serves the stored file to staff of its guild with its type and caching headers, and a sharp thumbnail", async () => {
    const staff = await clientFor(server, { guildId: guildA, discordId: "100000000000000001", kind: "staff", staffRole: "AUDITOR" });
    const res = await staff.fetch(`/catalogue/images/${ids.ok}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("cache-control")).toContain("private");
    const full = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([full.width, full.height]).toEqual([1000, 800]);

    const thumb = await staff.fetch(`/catalogue/images/${ids.ok}?w=200`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get("content-type")).toBe("image/webp");
    const etag = thumb.headers.get("etag")!;
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", 200, 160]);
    expect((await staff.fetch(`/catalogue/images/${ids.ok}?w=200`, { headers: { "if-none-match": etag } })).status).toBe(304);
  });

  it("refuses another guild's image (row-level security: 404)", async () => {
    const staff = await clientFor(server, { guildId: guildA, discordId: "100000000000000001", kind: "staff", staffRole: "SUPERADMIN" });
    expect((await staff.fetch(`/catalogue/images/${ids.otherGuild}`)).status).toBe(404);
    const staffB = await clientFor(server, { guildId: guildB, discordId: "100000000000000001", kind: "staff", staffRole: "SUPERADMIN" });
    expect((await staffB.fetch(`/catalogue/images/${ids.otherGuild}`)).status).toBe(200);
    expect((await staffB.fetch(`/catalogue/images/${ids.ok}`)).status).toBe(404);
  });

  it("refuses stored paths outside the storage directory (absolute, .., symbolic link) and malformed ids", async () => {
    const staff = await clientFor(server, { guildId: guildA, discordId: "100000000000000001", kind: "staff", staffRole: "ADMIN" });
    for (const key of ["outside", "dotdot", "link"]) {
      const res = await staff.fetch(`/catalogue/images/${ids[key]}`);
      expect(res.status, key).toBe(404);
      expect(res.headers.get("content-type"), key).toContain("application/json");
    }
    expect((await staff.fetch("/catalogue/images/..%2F..%2Fetc%2Fpasswd")).status).toBe(404);
  });

  it("redirects to the CDN when the image is stored in the bucket", async () => {
    const staff = await clientFor(server, { guildId: guildA, discordId: "100000000000000001", kind: "staff", staffRole: "ADMIN" });
    const res = await staff.fetch(`/catalogue/images/${ids.cdn}`);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://cdn.example.com/catalogue/SVC/abc.png");
  });
});
