/**
 * Where the card renderer reads a template's image from (`@guildbank/render/art-source`): a stored URL is a database
 * value staff can write, so only a regular file inside the catalogue storage directory, or an object under the image
 * bucket's public base URL, is read. Everything else (another path, a symbolic link out, a device file, another
 * host or path, a redirect, a body over the size cap) is drawn as generated artwork, and the test server proves that
 * nothing outside the base was even requested. The bucket is a local HTTP server.
 */
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artLocation, underBase } from "@guildbank/render/art-source";
import { CardRenderer, MAX_ART_BYTES, type CardFace } from "../src/render/collectible.ts";

let store: string;
let outside: string;
let server: Server;
let origin: string;
let green: Buffer;
const requested: string[] = [];

const face = (publicId: string, imageUrl: string | null): CardFace =>
  ({ publicId, rarity: "rare", artist: "Aurora", era: "Daybreak", colour: "#3366aa", imageUrl, copies: 1, printNo: null });

/** Whether the card's art window (where the image is drawn) is the green test image rather than generated art. */
async function drawsGreen(png: Buffer): Promise<boolean> {
  const { channels } = await sharp(png).extract({ left: 60, top: 120, width: 180, height: 120 }).stats();
  const [r, g, b] = channels.slice(0, 3).map((c) => c.mean);
  return g - r > 80 && g - b > 80;
}

/** A fresh renderer (memory cache only) that reads from `store` and the bucket at `/cdn/`. */
const renderer = () => new CardRenderer(null, 10, undefined, { storageDir: store, cdnUrl: `${origin}/cdn/` });

beforeAll(async () => {
  store = mkdtempSync(path.join(tmpdir(), "card-art-store-"));
  outside = mkdtempSync(path.join(tmpdir(), "card-art-outside-"));
  green = await sharp({ create: { width: 600, height: 800, channels: 3, background: { r: 0, g: 220, b: 0 } } }).png().toBuffer();
  writeFileSync(path.join(store, "green.png"), green);
  writeFileSync(path.join(outside, "green.png"), green);
  symlinkSync(path.join(outside, "green.png"), path.join(store, "link-out.png"));
  server = createServer((req, res) => {
    const url = req.url ?? "/";
    requested.push(url);
    if (url === "/cdn/green.png" || url === "/elsewhere/green.png") {
      res.writeHead(200, { "content-type": "image/png" });
      res.end(green);
    } else if (url === "/cdn/moved.png") {
      res.writeHead(302, { location: `${origin}/elsewhere/green.png` });
      res.end();
    } else if (url === "/cdn/declared-huge.png") {
      res.writeHead(200, { "content-type": "image/png", "content-length": String(MAX_ART_BYTES + 1) });
      res.write(green); // and never the rest: the client gives up on the header
    } else if (url === "/cdn/endless.png") {
      // No length: a body that never ends. The renderer must stop reading at the cap.
      res.writeHead(200, { "content-type": "image/png" });
      const chunk = Buffer.alloc(1 << 20);
      const pump = () => {
        while (res.write(chunk)) if (res.destroyed) return;
      };
      res.on("drain", pump);
      res.on("close", () => res.off("drain", pump));
      pump();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  for (const d of [store, outside]) rmSync(d, { recursive: true, force: true });
});

describe("card art sources", () => {
  it("draws a file inside the storage directory, and never a file outside it, through a link out, or a device", async () => {
    const r = renderer();
    expect(await drawsGreen(await r.card(face("IN-1", pathToFileURL(path.join(store, "green.png")).href)))).toBe(true);
    expect(await drawsGreen(await r.card(face("OUT-1", pathToFileURL(path.join(outside, "green.png")).href)))).toBe(false);
    expect(await drawsGreen(await r.card(face("OUT-2", `${pathToFileURL(store).href}/../${path.basename(outside)}/green.png`)))).toBe(false);
    expect(await drawsGreen(await r.card(face("LINK-1", pathToFileURL(path.join(store, "link-out.png")).href)))).toBe(false);
    // A device file is refused before it is read (it would never end).
    expect(await artLocation("file:///dev/zero", { storageDir: store, cdnUrl: null })).toBeNull();
    expect(await artLocation("file:///dev/zero", { storageDir: "/dev", cdnUrl: null })).toBeNull();
    expect(await drawsGreen(await r.card(face("DEV-1", "file:///dev/zero")))).toBe(false);
  });

  it("downloads an object under the bucket's base URL, and requests nothing anywhere else", async () => {
    requested.length = 0;
    const r = renderer();
    expect(await drawsGreen(await r.card(face("CDN-1", `${origin}/cdn/green.png`)))).toBe(true);
    expect(await drawsGreen(await r.card(face("ELSE-1", `${origin}/elsewhere/green.png`)))).toBe(false);
    expect(await drawsGreen(await r.card(face("ELSE-2", `${origin}/cdn/../elsewhere/green.png`)))).toBe(false);
    expect(await drawsGreen(await r.card(face("ELSE-3", `http://localhost:${new URL(origin).port}/cdn/green.png`)))).toBe(false);
    expect(requested).toEqual(["/cdn/green.png"]);
  });

  it("does not follow a redirect out of the bucket, and stops reading a body over the size cap", async () => {
    requested.length = 0;
    const r = renderer();
    expect(await drawsGreen(await r.card(face("MOVED-1", `${origin}/cdn/moved.png`)))).toBe(false);
    expect(requested).toEqual(["/cdn/moved.png"]);
    expect(await drawsGreen(await r.card(face("HUGE-1", `${origin}/cdn/declared-huge.png`)))).toBe(false);
    const started = performance.now();
    expect(await drawsGreen(await r.card(face("ENDLESS-1", `${origin}/cdn/endless.png`)))).toBe(false);
    expect(performance.now() - started).toBeLessThan(2500); // gave up at the cap, not at the 2 s timeout's end
  });

  it("a renderer without sources reads nothing: every front is generated artwork", async () => {
    requested.length = 0;
    const r = new CardRenderer(null);
    expect(await drawsGreen(await r.card(face("NONE-1", pathToFileURL(path.join(store, "green.png")).href)))).toBe(false);
    expect(await drawsGreen(await r.card(face("NONE-2", `${origin}/cdn/green.png`)))).toBe(false);
    expect(requested).toEqual([]);
  });

  it("underBase compares parsed URLs: origin, path prefix, no credentials", () => {
    const base = "https://cdn.example.com/images";
    expect(underBase("https://cdn.example.com/images/a.png", base)).toBe(true);
    expect(underBase("https://cdn.example.com/images/a.png", `${base}/`)).toBe(true);
    expect(underBase("https://cdn.example.com/imagesX/a.png", base)).toBe(false);
    expect(underBase("https://cdn.example.com/images/../secret.png", base)).toBe(false);
    expect(underBase("https://cdn.example.com.evil.test/images/a.png", base)).toBe(false);
    expect(underBase("https://user:pw@cdn.example.com/images/a.png", base)).toBe(false);
    expect(underBase("http://cdn.example.com/images/a.png", base)).toBe(false);
    expect(underBase("file:///images/a.png", base)).toBe(false);
    expect(underBase("not a url", base)).toBe(false);
  });
});
