/**
 * bench/catalogue: catalogue image throughput and memory (`npm run bench:catalogue`; issue 16 "images processed per
 * second (download from a local server, decode, hash, resize, store) and the memory ceiling while ingesting 1,000
 * images (must stay flat)").
 *
 * Generates BENCH_CATALOGUE_IMAGES (default 1000) distinct JPEGs (1600×1067, the size of a typical Commons photo
 * after its thumbnailer), serves them from a local HTTP server, then runs each through the pipeline's own code:
 * download through the image client (its limiter and retries, `CATALOGUE_DOWNLOAD_CONCURRENCY` = 3 at once), decode,
 * perceptual hash, resize to 1600 px and store in a local directory. Prints images per second beside the yardstick
 * measured in the same run (sharp alone decoding and resizing the same bytes from memory, same concurrency), and the
 * resident memory every 100 images: the ceiling, and the growth from image 100 to the last (flat means the
 * pipeline holds no image after it is stored). Exit code 1 when the growth exceeds BENCH_CATALOGUE_MAX_GROWTH_MB (64).
 */
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pLimit from "p-limit";
import sharp from "sharp";
import { SourceHttp } from "../../server/src/catalogue/http.ts";
import { download, processImage } from "../../server/src/catalogue/image.ts";
import { LocalImageStore } from "../../server/src/catalogue/storage.ts";
import { fixtureImage } from "../../server/__tests__/catalogue/fakes.ts";

const N = Number(process.env.BENCH_CATALOGUE_IMAGES ?? 1000);
const CONCURRENCY = Number(process.env.CATALOGUE_DOWNLOAD_CONCURRENCY ?? 3);
const MAX_GROWTH_MB = Number(process.env.BENCH_CATALOGUE_MAX_GROWTH_MB ?? 64);
if (!(N >= 100 && N <= 100_000)) {
  console.error("bench/catalogue: BENCH_CATALOGUE_IMAGES must be in [100, 100000]");
  process.exit(2);
}
const mb = (b: number) => (b / 1024 / 1024).toFixed(1);

// 1. The images, distinct (pattern i), generated once.
const t0 = performance.now();
const images: Buffer[] = [];
const gen = pLimit(2);
await Promise.all(Array.from({ length: N }, (_, i) => gen(async () => void (images[i] = await fixtureImage(i, 1600, 1067)))));
const totalBytes = images.reduce((s, b) => s + b.byteLength, 0);
console.log(`bench/catalogue: ${N} distinct JPEGs, 1600x1067, ${mb(totalBytes)} MB in all (made in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

// 2. The local image server.
const server = http.createServer((req, res) => {
  const i = Number((req.url ?? "").split("/").pop());
  const b = images[i];
  if (!b) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": "image/jpeg", "content-length": String(b.byteLength) });
  res.end(b);
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const dir = mkdtempSync(path.join(tmpdir(), "bench-catalogue-"));
const store = new LocalImageStore(dir);
const client = new SourceHttp("images", { minTimeMs: 0, maxConcurrent: 4, retries: 2, backoffMs: 200, maxBackoffMs: 2000, timeoutMs: 30_000 }, "GuildbankCatalogue/0.1 ( bench )");
const limits = { maxBytes: 15_000_000, timeoutMs: 30_000, maxStoredWidth: 1600 };

// 3. Yardstick: sharp alone, decode + resize from memory, the first 200 images, same concurrency.
const Y = Math.min(200, N);
const ylimit = pLimit(CONCURRENCY);
const y0 = performance.now();
await Promise.all(images.slice(0, Y).map((b) => ylimit(() => sharp(b).resize({ width: 1600, withoutEnlargement: true }).jpeg({ quality: 85 }).toBuffer())));
const yardstick = Y / ((performance.now() - y0) / 1000);

// 4. The pipeline's path, with memory sampled every 100 images.
global.gc?.();
const rss: Array<[number, number]> = [[0, process.memoryUsage().rss]];
const heap: Array<[number, number]> = [[0, process.memoryUsage().heapUsed + process.memoryUsage().external]];
let done = 0;
const limit = pLimit(CONCURRENCY);
const p0 = performance.now();
await Promise.all(
  images.map((_, i) =>
    limit(async () => {
      const { data } = await download(client, `${base}/img/${i}`, limits);
      const img = await processImage(data, limits);
      await store.put(img.stored, "image/jpeg", "bench");
      done += 1;
      if (done % 100 === 0) {
        // With --expose-gc (npm run bench:catalogue passes it) the sample is taken after a full collection, so it
        // shows what is still held rather than garbage not yet collected.
        global.gc?.();
        rss.push([done, process.memoryUsage().rss]);
        heap.push([done, process.memoryUsage().heapUsed + process.memoryUsage().external]);
      }
    }),
  ),
);
const seconds = (performance.now() - p0) / 1000;
const rate = N / seconds;
await client.stop();
server.close();
rmSync(dir, { recursive: true, force: true });

const after100 = rss.find(([n]) => n === 100)![1];
const last = rss[rss.length - 1][1];
const ceiling = Math.max(...rss.map(([, r]) => r));
const growth = last - after100;
console.log(`images processed per second (download, decode, phash, resize, store): ${rate.toFixed(1)}/s   yardstick (sharp decode+resize from memory, same run): ${yardstick.toFixed(1)}/s   ratio ${(rate / yardstick).toFixed(2)}`);
console.log(`resident memory every 100 images (MB): ${rss.map(([n, r]) => `${n}:${mb(r)}`).join(" ")}`);
console.log(`JS heap + external buffers every 100 images (MB): ${heap.map(([n, r]) => `${n}:${mb(r)}`).join(" ")}`);
console.log(`memory ceiling ${mb(ceiling)} MB; growth from image 100 to ${N}: ${mb(growth)} MB (limit ${MAX_GROWTH_MB} MB: ${growth / 1024 / 1024 <= MAX_GROWTH_MB ? "flat" : "NOT flat"})`);
process.exit(growth / 1024 / 1024 <= MAX_GROWTH_MB ? 0 : 1);
