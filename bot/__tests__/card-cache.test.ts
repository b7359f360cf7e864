/**
 * The rendered-card cache (issue 15): a directory by default, an S3-compatible bucket when configured. The bucket here
 * is a local S3-compatible fake (path-style PUT, GET and HEAD of objects, S3's XML error for a missing key) driven by
 * the real AWS SDK v3 S3 client, with signed requests.
 */
import { createServer, type Server } from "node:http";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cardCacheFromConfig, DirectoryCardCache, S3CardCache } from "../src/render/card-cache.ts";
import { CardRenderer, type CardFace } from "../src/render/collectible.ts";

interface Stored {
  body: Buffer;
  contentType: string;
}

/** A minimal S3-compatible server: objects in memory by `/bucket/key`; one bucket exists. */
class FakeS3 {
  readonly objects = new Map<string, Stored>();
  readonly requests: { method: string; path: string; signed: boolean }[] = [];
  server: Server;
  readonly bucket: string;
  constructor(bucket: string) {
    this.bucket = bucket;
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://fake");
        const p = decodeURIComponent(url.pathname);
        this.requests.push({ method: req.method ?? "", path: p, signed: /^AWS4-HMAC-SHA256 Credential=test-key\//.test(String(req.headers.authorization ?? "")) });
        const [, bucket, ...rest] = p.split("/");
        const key = rest.join("/");
        const error = (status: number, code: string) => {
          res.writeHead(status, { "content-type": "application/xml" });
          res.end(req.method === "HEAD" ? undefined : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message><Key>${key}</Key></Error>`);
        };
        if (bucket !== this.bucket) return error(404, "NoSuchBucket");
        if (req.method === "PUT") {
          let body: Buffer = Buffer.concat(chunks);
          // The SDK may send the body with aws-chunked encoding: keep only the payload.
          if (String(req.headers["content-encoding"] ?? "").includes("aws-chunked")) body = dechunk(body);
          this.objects.set(key, { body, contentType: String(req.headers["content-type"] ?? "") });
          res.writeHead(200, { etag: '"fake"' });
          return res.end();
        }
        const obj = this.objects.get(key);
        if (!obj) return error(404, "NoSuchKey");
        if (req.method === "GET" || req.method === "HEAD") {
          res.writeHead(200, { "content-type": obj.contentType, "content-length": obj.body.length, etag: '"fake"' });
          return res.end(req.method === "GET" ? obj.body : undefined);
        }
        error(405, "MethodNotAllowed");
      });
    });
  }
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  puts(prefix: string): string[] {
    return this.requests.filter((r) => r.method === "PUT" && r.path.startsWith(prefix)).map((r) => r.path);
  }
}

/** Decodes an aws-chunked body (`<hex size>;chunk-signature=...\r\n<data>\r\n` ... `0;...`, trailers). */
function dechunk(raw: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < raw.length) {
    const eol = raw.indexOf("\r\n", at);
    if (eol < 0) break;
    const size = parseInt(raw.subarray(at, eol).toString().split(";")[0], 16);
    if (!size) break;
    out.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

const face: CardFace = {
  publicId: "AUR-DAY-L-001",
  rarity: "legendary",
  artist: "Aurora Vale",
  era: "Daybreak",
  colour: "#e59866",
  imageUrl: null,
  copies: 12,
  printNo: 7,
  temporary: false,
};

let s3: FakeS3;
let endpoint: string;

beforeAll(async () => {
  s3 = new FakeS3("cards");
  endpoint = await s3.start();
});

afterAll(async () => {
  await new Promise<void>((resolve) => s3.server.close(() => resolve()));
});

describe("rendered-card cache", () => {
  const s3Options = () => ({ bucket: "cards", prefix: "card-cache/", endpoint, region: "us-east-1", accessKeyId: "test-key", secretAccessKey: "test-secret" });

  it("an S3-compatible bucket: the first render stores the front (signed PUT, image/png); a fresh renderer reads it back instead of rendering", async () => {
    const store = new S3CardCache(s3Options());
    const first = new CardRenderer(store);
    const png = await first.card(face);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(s3.puts("/cards/card-cache/fronts/")).toEqual(["/cards/card-cache/fronts/AUR-DAY-L-001-legendary.png"]);
    const stored = s3.objects.get("card-cache/fronts/AUR-DAY-L-001-legendary.png")!;
    expect(stored.contentType).toBe("image/png");
    expect(stored.body.subarray(1, 4).toString()).toBe("PNG");
    expect(s3.requests.every((r) => r.signed)).toBe(true);

    const gets = s3.requests.filter((r) => r.method === "GET").length;
    const second = new CardRenderer(new S3CardCache(s3Options()));
    const again = await second.card(face);
    expect(again.equals(png)).toBe(true);
    expect(s3.requests.filter((r) => r.method === "GET").length).toBe(gets + 1);
    expect(s3.puts("/cards/card-cache/fronts/")).toHaveLength(1);
    // A rarity change is another key: rendered and stored once more.
    await second.card({ ...face, rarity: "mythic" });
    expect(s3.puts("/cards/card-cache/fronts/")).toHaveLength(2);
    store.destroy();
  });

  it("a missing object is a cache miss (NoSuchKey), not an error", async () => {
    expect(await new S3CardCache(s3Options()).get("fronts/nothing.png")).toBeNull();
  });

  it("an unreachable bucket never fails a render: the card is drawn and the error reported", async () => {
    const errors: unknown[] = [];
    const broken = new CardRenderer(new S3CardCache({ ...s3Options(), endpoint: "http://127.0.0.1:9", timeoutMs: 1000 }), 10, (e) => errors.push(e));
    const png = await broken.card(face);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(errors.length).toBeGreaterThanOrEqual(1);
  });

  it("by default a cache directory: fronts are PNG files there", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "card-cache-"));
    const store = cardCacheFromConfig({ CARD_CACHE_DIR: dir });
    expect(store).toBeInstanceOf(DirectoryCardCache);
    await new CardRenderer(store).card(face);
    expect(readdirSync(path.join(dir, "fronts"))).toEqual(["AUR-DAY-L-001-legendary.png"]);
    expect(cardCacheFromConfig({ CARD_CACHE_DIR: dir, CARD_CACHE_S3_BUCKET: "cards", CARD_CACHE_S3_ENDPOINT: endpoint })).toBeInstanceOf(S3CardCache);
  });
});
