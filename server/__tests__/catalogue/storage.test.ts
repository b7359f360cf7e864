/**
 * Where ingested images go (issue 16 "S3-compatible bucket when configured, a local directory by default"): the local
 * store and the S3 store (the real @aws-sdk/client-s3 against a local fake bucket speaking S3's path-style PUT/HEAD),
 * both content-addressed so the same bytes are written once.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalogueConfig } from "../../src/catalogue/config.ts";
import { createCatalogueRuntime } from "../../src/catalogue/runtime.ts";
import { LocalImageStore, S3ImageStore } from "../../src/catalogue/storage.ts";

const objects = new Map<string, { body: Buffer; type: string; auth: string }>();
const requests: string[] = [];
let bucket: http.Server;
let endpoint: string;

beforeAll(async () => {
  bucket = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const key = decodeURIComponent((req.url ?? "").split("?")[0]);
      requests.push(`${req.method} ${key}`);
      if (req.method === "HEAD") {
        res.writeHead(objects.has(key) ? 200 : 404).end();
      } else if (req.method === "PUT") {
        objects.set(key, { body: Buffer.concat(chunks), type: String(req.headers["content-type"]), auth: String(req.headers.authorization ?? "") });
        res.writeHead(200, { etag: '"x"' }).end();
      } else {
        res.writeHead(405).end();
      }
    });
  });
  await new Promise<void>((r) => bucket.listen(0, "127.0.0.1", () => r()));
  endpoint = `http://127.0.0.1:${(bucket.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => bucket.close(() => r())));

describe("image stores", () => {
  const bytes = Buffer.from("not really a jpeg, but bytes all the same");
  const sha = createHash("sha256").update(bytes).digest("hex");

  it("local: a file:// URL under a content address, written once", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "store-"));
    try {
      const store = new LocalImageStore(dir);
      const url = await store.put(bytes, "image/jpeg", "catalogue/NOVA");
      expect(url).toBe(`file://${dir}/catalogue/NOVA/${sha}.jpg`);
      expect(readFileSync(fileURLToPath(url)).equals(bytes)).toBe(true);
      expect(await store.put(bytes, "image/jpeg", "catalogue/NOVA")).toBe(url);
      expect(readdirSync(path.join(dir, "catalogue/NOVA"))).toEqual([`${sha}.jpg`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("S3: a signed path-style PUT with its type, skipped when the object exists; the CDN URL when configured", async () => {
    const store = new S3ImageStore({ endpoint, bucket: "cards", accessKeyId: "AKIDTEST", secretAccessKey: "secret-test", region: "us-east-1", publicUrl: "https://cdn.example.test" });
    const n = requests.length;
    expect(await store.put(bytes, "image/jpeg", "catalogue/NOVA")).toBe(`https://cdn.example.test/catalogue/NOVA/${sha}.jpg`);
    expect(await store.put(bytes, "image/jpeg", "catalogue/NOVA")).toBe(`https://cdn.example.test/catalogue/NOVA/${sha}.jpg`);
    const key = `/cards/catalogue/NOVA/${sha}.jpg`;
    expect(requests.slice(n)).toEqual([`HEAD ${key}`, `PUT ${key}`, `HEAD ${key}`]);
    const o = objects.get(key)!;
    expect(o.body.equals(bytes)).toBe(true);
    expect(o.type).toBe("image/jpeg");
    expect(o.auth).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\//);
    const plain = new S3ImageStore({ endpoint, bucket: "cards", accessKeyId: "AKIDTEST", secretAccessKey: "secret-test", region: "us-east-1", publicUrl: null });
    expect(await plain.put(bytes, "image/jpeg", "x")).toBe(`s3://cards/x/${sha}.jpg`);
  });

  it("the runtime uses the bucket only when all four S3 keys are set", async () => {
    const silent = pino({ level: "silent" });
    const local = createCatalogueRuntime(loadCatalogueConfig({ S3_ENDPOINT: endpoint, S3_BUCKET: "cards", CATALOGUE_SOURCES_OFF: "musicbrainz,wikimedia" }), silent);
    expect(local.store).toBeInstanceOf(LocalImageStore);
    const s3 = createCatalogueRuntime(loadCatalogueConfig({ S3_ENDPOINT: endpoint, S3_BUCKET: "cards", S3_KEY: "k", S3_SECRET: "s", CATALOGUE_SOURCES_OFF: "musicbrainz,wikimedia" }), silent);
    expect(s3.store).toBeInstanceOf(S3ImageStore);
    await local.sources.stop();
    await s3.sources.stop();
  });
});
