/**
 * bench/cards: collectible card render times (`npm run bench:cards`). Targets from issue 15: < 50 ms per card p99 warm,
 * < 150 ms for a three-card reveal.
 *
 * With `bot/src/render/collectible.ts` and a fresh cache directory: renders BENCH_CARDS_RUNS (default 300) copies of 30
 * demo templates (6 per rarity, generated artwork) after one cold render each (the cold times are reported too), then
 * as many three-card reveals (backs + chosen front) and full reveals; prints p50, p95, p99 and max in ms beside
 * the floor measured in the same run (encoding an empty canvas of the same size). Writes docs/cards/*.png (the
 * README's pictures). Exit code 1 when a target is missed.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createCanvas } from "@napi-rs/canvas";
import { CARD_H, CARD_W, CardRenderer, RARITIES, type CardFace } from "../../bot/src/render/collectible.ts";
import { formatSummary, summarize } from "../lib/stats.ts";

const RUNS = Number(process.env.BENCH_CARDS_RUNS ?? 300);
const renderer = new CardRenderer(mkdtempSync(path.join(tmpdir(), "cards-bench-")));
const artists = ["Aurora Vale", "Neon Tides", "Mika Sol", "The Lanterns", "Juno Park", "Velvet Echo"];
const colours = ["#7fb3d5", "#e59866", "#a569bd", "#48c9b0", "#f4d03f", "#ec7063"];
const faces: CardFace[] = RARITIES.flatMap((rarity, r) =>
  artists.map((artist, a) => ({
    publicId: `${artist.slice(0, 3).toUpperCase()}-ERA${a}-${rarity[0].toUpperCase()}-${String(r * 10 + a + 1).padStart(3, "0")}`,
    rarity,
    artist,
    era: `Era ${a + 1}`,
    colour: colours[a],
    imageUrl: null,
    copies: 100,
    printNo: null,
  })),
);

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const cold: number[] = [];
for (const f of faces) cold.push(await time(() => renderer.card({ ...f, printNo: 1 })));
const warm: number[] = [];
for (let i = 0; i < RUNS; i++) warm.push(await time(() => renderer.card({ ...faces[i % faces.length], printNo: 1 + i })));
const reveal: number[] = [];
const revealAll: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const three = [faces[i % 30], faces[(i + 7) % 30], faces[(i + 13) % 30]];
  reveal.push(await time(() => renderer.reveal(three, i % 3)));
  revealAll.push(await time(() => renderer.reveal(three, i % 3, true)));
}
const floorCard: number[] = [];
const floorReveal: number[] = [];
for (let i = 0; i < 50; i++) {
  floorCard.push(await time(async () => createCanvas(CARD_W, CARD_H).toBuffer("image/png")));
  floorReveal.push(await time(async () => createCanvas(3 * CARD_W + 80, CARD_H + 40).toBuffer("image/png")));
}
const row = (name: string, xs: number[]) => `${name.padEnd(38)} ${formatSummary(xs)}`;
console.log(row("card, cold (render + cache write)", cold));
console.log(row("card, warm (cached front + print)", warm));
console.log(row("pack reveal (2 backs + chosen front)", reveal));
console.log(row("pack reveal, all shown", revealAll));
console.log(row("floor: empty card PNG", floorCard));
console.log(row("floor: empty reveal PNG", floorReveal));

const out = path.resolve(import.meta.dirname, "../../docs/cards");
mkdirSync(out, { recursive: true });
for (const [i, r] of RARITIES.entries()) writeFileSync(path.join(out, `${r}.png`), await renderer.card({ ...faces[i * 6 + i], printNo: 7 * (i + 1) }));
const pack = [faces[2], faces[20], faces[14]];
writeFileSync(path.join(out, "reveal-backs.png"), await renderer.reveal(pack, null));
writeFileSync(path.join(out, "reveal-picked.png"), await renderer.reveal(pack, 1, true));
console.log(`wrote ${out}/{${RARITIES.join(",")},reveal-backs,reveal-picked}.png`);
const ok = summarize(warm).p99 < 50 && summarize(reveal).p99 < 150;
if (!ok) console.error("bench/cards: a target was missed (card p99 < 50 ms warm, reveal p99 < 150 ms)");
process.exit(ok ? 0 : 1);
