/**
 * bench/card: My Card render time (`npm run bench:card`). Target from issue #4: < 50 ms per card.
 *
 * Renders a realistic card (name, balance, escrow, streak, badges, season rank, last 3
 * transactions, and a decoded 128 px avatar, as the bot does after its avatar cache) with
 * `bot/src/render/card.ts`, BENCH_CARD_RUNS times (default 500) after 20 warm-up renders, and
 * prints mean, p50, p95, p99 and max in milliseconds, the PNG size, and beside them the floor
 * measured in the same run: encoding an empty canvas of the same size as PNG. Writes the last
 * card to docs/card.png (the README's screenshot). Exit code 1 when p95 is 50 ms or more.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { createCanvas } from "@napi-rs/canvas";
import { CARD_HEIGHT, CARD_WIDTH, decodeAvatar, renderCard } from "../../bot/src/render/card.ts";
import type { MemberCard } from "../../bot/src/render/embeds.ts";
import { summarize } from "../lib/stats.ts";

const RUNS = Number(process.env.BENCH_CARD_RUNS ?? 500);
if (!(RUNS >= 10 && RUNS <= 100_000)) {
  console.error("bench/card: BENCH_CARD_RUNS must be in [10, 100000]");
  process.exit(2);
}

/** A 128 px avatar like Discord's CDN serves (a PNG), drawn here so the bench needs no network. */
function avatarPng(): Buffer {
  const c = createCanvas(128, 128);
  const ctx = c.getContext("2d");
  const g = ctx.createRadialGradient(64, 48, 8, 64, 64, 90);
  g.addColorStop(0, "#ffd166");
  g.addColorStop(1, "#ef476f");
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, 128, 128);
  ctx.fillStyle = "#073b4c";
  ctx.beginPath();
  ctx.arc(64, 52, 24, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillRect(28, 86, 72, 42);
  return c.toBuffer("image/png");
}

const now = Date.now();
const card: MemberCard = {
  discord_id: "100000000000000001",
  display_name: "Aurora Skyforge",
  balance: "12840",
  escrow: "450",
  streak_days: 17,
  next_daily_at: new Date(now + 6 * 3600_000),
  badges: ["Early bird", "Trader", "Quest master"],
  rank: 3,
  frozen: false,
  recent: [
    { tx_id: "a", type: "earn", amount: "260", direction: "in", reason: "daily_claim", created_at: new Date(now - 3600_000).toISOString() },
    { tx_id: "b", type: "buy", amount: "450", direction: "out", reason: "market_purchase", created_at: new Date(now - 7200_000).toISOString() },
    { tx_id: "c", type: "earn", amount: "50", direction: "in", reason: "quest", created_at: new Date(now - 86_400_000).toISOString() },
  ],
};

const stats = (ms: number[]) => ({ mean: ms.reduce((a, b) => a + b, 0) / ms.length, ...summarize(ms) });
const fmt = (x: number) => x.toFixed(2).padStart(7);

const avatar = await decodeAvatar(avatarPng());
let png: Buffer = Buffer.alloc(0);
for (let i = 0; i < 20; i++) png = renderCard(card, avatar);
const cardMs: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  png = renderCard(card, avatar);
  cardMs.push(performance.now() - t0);
}
const floorMs: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  createCanvas(CARD_WIDTH, CARD_HEIGHT).toBuffer("image/png");
  floorMs.push(performance.now() - t0);
}
const out = path.join(import.meta.dirname, "../../docs/card.png");
writeFileSync(out, png);

const c = stats(cardMs);
const f = stats(floorMs);
console.log(`bench/card: ${RUNS} renders of a ${CARD_WIDTH}x${CARD_HEIGHT} card (PNG ${png.length} bytes), milliseconds`);
console.log(`                         mean     p50     p95     p99     max`);
console.log(`  card (render + PNG) ${fmt(c.mean)} ${fmt(c.p50)} ${fmt(c.p95)} ${fmt(c.p99)} ${fmt(c.max)}`);
console.log(`  floor (empty PNG)   ${fmt(f.mean)} ${fmt(f.p50)} ${fmt(f.p95)} ${fmt(f.p99)} ${fmt(f.max)}`);
console.log(`  target: p95 < 50 ms -> ${c.p95 < 50 ? "met" : "MISSED"}; wrote ${path.relative(process.cwd(), out)}`);
if (c.p95 >= 50) process.exit(1);
