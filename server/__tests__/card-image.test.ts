/**
 * `GET /cards/templates/:id/image` (issue 15 panel gallery): staff only, the template read under the caller's claims
 * (another guild's is invisible), rendered by the shared renderer (@guildbank/render) and cached in CARD_CACHE_DIR
 * like the bot's fronts; a template image outside the storage directory is never read (generated artwork instead).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type pg from "pg";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, clientFor, createGuild, startTestServer, superuserPool } from "./helpers.ts";

let db: pg.Pool;
let server: Awaited<ReturnType<typeof startTestServer>>;
let store: string;
let outside: string;
let cache: string;
let guildA: string;
let guildB: string;
let playerA: string;
const ids: Record<string, string> = {};
const STAFF = "100000000000000001";

async function template(guildId: string, code: string, rarity: string, storageUrl: string | null): Promise<string> {
  const { rows } = await db.query(
    `with ar as (insert into app_public.artists (guild_id, name, code) values ($1, $2, $3) returning id),
          er as (insert into app_public.eras (guild_id, artist_id, name, code, colour) select $1, id, 'Debut', 'DEB', '#3366aa' from ar returning id, artist_id),
          im as (insert into app_public.era_images (guild_id, era_id, storage_url, kind) select $1, id, $5, 'promo' from er where $5::text is not null returning id)
     insert into app_public.card_templates (guild_id, public_id, artist_id, era_id, rarity, image_id)
     select $1, $3 || '-DEB-' || upper(left($4, 1)) || '-001', er.artist_id, er.id, $4::app_public.card_rarity, (select id from im) from er returning id`,
    [guildId, `Gallery ${code}`, code, rarity, storageUrl],
  );
  return String(rows[0].id);
}

/** The mean colour of the card's art window (where the image is drawn), to tell an image from generated art. */
async function artMean(png: Buffer): Promise<number[]> {
  const { channels } = await sharp(png).extract({ left: 60, top: 120, width: 180, height: 120 }).stats();
  return channels.slice(0, 3).map((c) => Math.round(c.mean));
}

beforeAll(async () => {
  db = superuserPool();
  store = mkdtempSync(path.join(tmpdir(), "card-image-store-"));
  outside = mkdtempSync(path.join(tmpdir(), "card-image-outside-"));
  cache = mkdtempSync(path.join(tmpdir(), "card-image-cache-"));
  const green = await sharp({ create: { width: 900, height: 1200, channels: 3, background: { r: 0, g: 220, b: 0 } } }).png().toBuffer();
  writeFileSync(path.join(store, "green.png"), green);
  writeFileSync(path.join(outside, "green.png"), green);
  ({ guildId: guildA, memberIds: [playerA] } = await createGuild(db, 1));
  ({ guildId: guildB } = await createGuild(db, 0));
  ids.generated = await template(guildA, "GLA", "legendary", null);
  ids.image = await template(guildA, "GLI", "rare", pathToFileURL(path.join(store, "green.png")).href);
  ids.outside = await template(guildA, "GLO", "epic", pathToFileURL(path.join(outside, "green.png")).href);
  ids.otherGuild = await template(guildB, "GLB", "common", null);
  server = await startTestServer({ CATALOGUE_STORAGE_DIR: store, CARD_CACHE_DIR: cache });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await db?.end();
  for (const d of [store, outside, cache]) if (d) rmSync(d, { recursive: true, force: true });
});

describe("GET /cards/templates/:id/image", () => {
  it("needs a staff session: 401 anonymous, 403 for a player", async () => {
    expect((await new ApiClient(server.url).fetch(`/cards/templates/${ids.generated}/image`)).status).toBe(401);
    const player = await clientFor(server, { guildId: guildA, discordId: playerA, kind: "player" });
    expect((await player.fetch(`/cards/templates/${ids.generated}/image`)).status).toBe(403);
  });

  it("renders the template's card as a 300×420 PNG, caches the front like the bot, answers 304 to its ETag", async () => {
    const staff = await clientFor(server, { guildId: guildA, discordId: STAFF, kind: "staff", staffRole: "AUDITOR" });
    const res = await staff.fetch(`/cards/templates/${ids.generated}/image`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("cache-control")).toContain("private");
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 300, 420]);
    expect(existsSync(path.join(cache, "fronts", "GLA-DEB-L-001-legendary.png"))).toBe(true);
    const again = await staff.fetch(`/cards/templates/${ids.generated}/image`, { headers: { "if-none-match": res.headers.get("etag")! } });
    expect(again.status).toBe(304);
  });

  it("draws the stored image from inside the storage directory, and never one from outside it", async () => {
    const staff = await clientFor(server, { guildId: guildA, discordId: STAFF, kind: "staff", staffRole: "ADMIN" });
    const inside = await artMean(Buffer.from(await (await staff.fetch(`/cards/templates/${ids.image}/image`)).arrayBuffer()));
    const greenish = ([r, g, b]: number[]) => g - r > 80 && g - b > 80;
    expect(greenish(inside), String(inside)).toBe(true);
    const out = await staff.fetch(`/cards/templates/${ids.outside}/image`);
    expect(out.status).toBe(200);
    const mean = await artMean(Buffer.from(await out.arrayBuffer()));
    expect(greenish(mean), String(mean)).toBe(false);
    expect(readdirSync(path.join(cache, "fronts")).sort()).toEqual(["GLA-DEB-L-001-legendary.png", "GLI-DEB-R-001-rare.png", "GLO-DEB-E-001-epic.png"]);
  });

  it("refuses another guild's template (row-level security: 404) and malformed ids", async () => {
    const staff = await clientFor(server, { guildId: guildA, discordId: STAFF, kind: "staff", staffRole: "SUPERADMIN" });
    expect((await staff.fetch(`/cards/templates/${ids.otherGuild}/image`)).status).toBe(404);
    expect((await staff.fetch(`/cards/templates/abc/image`)).status).toBe(404);
    const staffB = await clientFor(server, { guildId: guildB, discordId: STAFF, kind: "staff", staffRole: "SUPERADMIN" });
    expect((await staffB.fetch(`/cards/templates/${ids.otherGuild}/image`)).status).toBe(200);
  });
});
