/**
 * The catalogue ingestion pages end to end in headless Chromium (issue 16 "Staff review"): an ADMIN signs in through
 * the fake Discord, asks for an artist on the runs page, watches the run finish (the worker ingests it from the local
 * API fakes), reviews the candidates (licence and author shown; one reclassified; all approved), and renders the
 * templates. Saves catalogue-runs.png and catalogue-review.png into test-results/screenshots/ (or SCREENSHOTS_DIR).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import type pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { resolveChromium } from "../../scripts/chromium.ts";
import { createGuild, freePort, isolateDatabase, startTestServer, superuserPool, testWorkerConfig } from "../../server/__tests__/helpers.ts";
import { discordServerEnv, startFakeDiscord, type FakeDiscord } from "../../server/__tests__/fake-discord.ts";
import { fakeEnv, startCatalogueFake, type CatalogueFake } from "../../server/__tests__/catalogue/fakes.ts";
import { loadCatalogueConfig } from "../../server/src/catalogue/config.ts";
import { createCatalogueRuntime, type CatalogueRuntime } from "../../server/src/catalogue/runtime.ts";
import { startWorker, type WorkerHandle } from "../../server/src/index.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DIST = path.join(ROOT, "panel/dist");
const SHOTS = path.resolve(ROOT, process.env.SCREENSHOTS_DIR ?? "test-results/screenshots");
const FAST = { minTimeMs: 0, maxConcurrent: 4, retries: 1, backoffMs: 10, maxBackoffMs: 200, timeoutMs: 5000 };

/** What the tests read of an <img> in the page (the test files are type-checked without the DOM library). */
type LoadedImage = { complete: boolean; naturalWidth: number };

let db: pg.Pool;
let fake: FakeDiscord;
let apis: CatalogueFake;
let worker: WorkerHandle;
let runtime: CatalogueRuntime;
let storage: string;
let dropOwnDatabase: () => Promise<void>;
let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let guildId: string;
let page: Page;
const roleAdmin = () => (BigInt(guildId) + 800n).toString();
const admin = () => (BigInt(guildId) + 801n).toString();

async function confirm(testId: string, fill: Record<string, string> = {}) {
  await page.getByTestId(testId).click();
  for (const [label, value] of Object.entries(fill)) await page.getByRole("textbox", { name: new RegExp(`^${label}`) }).fill(value);
  await page.getByTestId(`${testId}-confirm`).click();
}

beforeAll(async () => {
  const launch = await resolveChromium();
  if (!existsSync(path.join(DIST, "index.html"))) {
    const build = spawnSync(process.execPath, [path.join(ROOT, "node_modules/vite/bin/vite.js"), "build", "panel"], { cwd: ROOT, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`vite build failed:\n${build.stdout}\n${build.stderr}`);
  }
  mkdirSync(SHOTS, { recursive: true });
  dropOwnDatabase = await isolateDatabase();
  db = superuserPool();
  ({ guildId } = await createGuild(db, 1));
  await db.query("insert into app_public.staff_role_mappings (guild_id, discord_role_id, staff_role) values ($1, $2, 'ADMIN')", [guildId, roleAdmin()]);
  await db.query("insert into app_public.catalogue_settings (guild_id, images_per_query) values ($1, 20)", [guildId]);
  apis = await startCatalogueFake();
  storage = mkdtempSync(path.join(tmpdir(), "catalogue-e2e-"));
  const env = fakeEnv(apis, storage);
  runtime = createCatalogueRuntime(loadCatalogueConfig(env), pino({ level: "silent" }), { musicbrainz: FAST, wikimedia: FAST, lastfm: FAST, spotify: FAST, images: FAST });
  worker = await startWorker({ config: testWorkerConfig({ ...env, WORKER_CONCURRENCY: "2" }), catalogue: runtime });
  fake = await startFakeDiscord();
  fake.setUser({ id: admin(), username: "ada", guilds: { [guildId]: [roleAdmin()] } });
  const port = await freePort();
  server = await startTestServer({ ...discordServerEnv(fake, guildId, `http://127.0.0.1:${port}`), PORT: String(port), PANEL_DIST_DIR: DIST, CATALOGUE_STORAGE_DIR: storage });
  browser = await chromium.launch({ executablePath: launch.executablePath, headless: true, args: launch.args, env: launch.env });
  const context = await browser.newContext({ viewport: { width: 1500, height: 900 }, locale: "en-US", timezoneId: "UTC" });
  page = await context.newPage();
  fake.signInAs(admin());
  await page.goto(`${server.url}/`);
  await page.getByTestId("discord-login").click();
  await page.getByTestId("live-feed").waitFor({ timeout: 20_000 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await worker?.stop();
  await runtime?.sources.stop();
  await fake?.close();
  await apis?.close();
  await db?.end();
  await dropOwnDatabase?.();
  if (storage) rmSync(storage, { recursive: true, force: true });
});

describe("catalogue pages in Chromium", () => {
  it("ingests an artist from the runs page and shows the run done with its errors", async () => {
    await page.goto(`${server.url}/#/catalogueRuns`);
    await confirm("ingest-artist", { "Artist name": "Nova Lights" });
    await expect
      .poll(async () => {
        await page.reload();
        await page.locator("tbody tr").first().waitFor({ timeout: 5000 }).catch(() => {});
        return page.getByTestId("run-status-done").count();
      }, { timeout: 30_000, interval: 500 })
      .toBe(1)
      .catch(async (err: unknown) => {
        await page.screenshot({ path: path.join(SHOTS, "catalogue-runs-failed.png") });
        throw err;
      });
    await page.locator("tbody tr", { hasText: "Nova Lights" }).click();
    await page.getByTestId("run-errors").waitFor();
    expect(await page.getByTestId("run-errors").textContent()).toContain("download");
    await page.screenshot({ path: path.join(SHOTS, "catalogue-runs.png") });
  });

  it("reviews the candidates: licence and author shown, one reclassified, all approved, templates rendered", async () => {
    await page.goto(`${server.url}/#/catalogueImages`);
    await page.getByTestId("image-licence").first().waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId("image-licence").count()).toBe(6);
    expect(await page.getByTestId("image-licence").allTextContents()).toContain("CC BY 2.0 · Eva Lens");
    // The stored images (file:// in the local storage directory) load through the staff image route.
    const thumbs = page.locator('[data-testid^="image-thumb-"]');
    await expect.poll(() => thumbs.count()).toBe(6);
    await expect
      .poll(() => thumbs.evaluateAll((imgs) => (imgs as unknown as LoadedImage[]).map((i) => i.complete && i.naturalWidth > 0)), { timeout: 10_000 })
      .toEqual([true, true, true, true, true, true]);
    await page.screenshot({ path: path.join(SHOTS, "catalogue-review.png") });

    const { rows } = await db.query("select id from app_public.catalogue_images where guild_id = $1 and status = 'pending' order by id", [guildId]);
    // The review dialog shows the image larger (an 800-pixel-wide thumbnail at most).
    await page.getByTestId(`approve-${rows[0].id}`).click();
    const preview = page.getByTestId(`image-preview-${rows[0].id}`);
    await preview.waitFor();
    await expect.poll(() => preview.evaluate((i) => (i as unknown as LoadedImage).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(192);
    await page.screenshot({ path: path.join(SHOTS, "catalogue-review-dialog.png") });
    await page.keyboard.press("Escape");
    await preview.waitFor({ state: "detached" });
    await confirm(`reclassify-${rows[0].id}`, { Kind: "promo", Reason: "a promotional shot" });
    await expect.poll(async () => (await db.query("select kind, kind_reason from app_public.catalogue_images where id = $1", [rows[0].id])).rows[0], { timeout: 10_000 }).toEqual({ kind: "promo", kind_reason: "staff" });
    for (const r of rows) {
      await confirm(`approve-${r.id}`);
      await expect.poll(async () => (await db.query("select status from app_public.catalogue_images where id = $1", [r.id])).rows[0].status, { timeout: 10_000 }).toBe("approved");
    }
    await confirm("render-templates");
    await expect
      .poll(async () => (await db.query("select count(*)::int as n from app_public.catalogue_rarity_decisions where guild_id = $1", [guildId])).rows[0].n, { timeout: 10_000 })
      .toBe(rows.length);
    const { rows: t } = await db.query("select count(*)::int as n from app_public.card_templates where guild_id = $1", [guildId]);
    expect(t[0].n).toBeGreaterThanOrEqual(3);
    await page.goto(`${server.url}/#/catalogueRarityDecisions`);
    await page.locator("tbody tr", { hasText: "base draw" }).first().waitFor({ timeout: 10_000 });
  });
});
