/**
 * The whole catalogue pipeline on fixtures (issue 16 "the whole pipeline from 'ingest artist X' to rendered
 * templates on fixtures, run twice to prove idempotency"): staff ask for an artist, the real worker runs
 * catalogue__ingest_artist against the local fakes, staff review the candidates, templates are made with recorded
 * rarity decisions and rendered by the bot's card renderer; a second ingestion of the same artist changes nothing.
 * Then the weekly sync grows the catalogue from Last.fm (bounded), and a job interrupted mid-way resumes.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withClaims } from "@guildbank/lib";
import { CardRenderer } from "../../../bot/src/render/collectible.ts";
import { loadCatalogueConfig } from "../../src/catalogue/config.ts";
import type { SourcePolicy } from "../../src/catalogue/http.ts";
import { ingestArtist, type CatalogueDb } from "../../src/catalogue/pipeline.ts";
import { createCatalogueRuntime, type CatalogueRuntime } from "../../src/catalogue/runtime.ts";
import { startWorker, type WorkerHandle } from "../../src/index.ts";
import { dbUrls, isolateDatabase, newGuildId, superuserPool, testWorkerConfig, waitFor } from "../helpers.ts";
import { fakeEnv, startCatalogueFake, type CatalogueFake } from "./fakes.ts";

const FAST: SourcePolicy = { minTimeMs: 0, maxConcurrent: 4, retries: 1, backoffMs: 10, maxBackoffMs: 200, timeoutMs: 5000 };
const STAFF = "424242424242424242";

let fake: CatalogueFake;
let db: pg.Pool;
let authPool: pg.Pool;
let worker: WorkerHandle | undefined;
let runtime: CatalogueRuntime;
let dropOwnDatabase: (() => Promise<void>) | undefined;
let storage: string;
let guildId: string;

const staff = <T>(fn: (c: pg.PoolClient) => Promise<T>, role = "OPERATOR") =>
  withClaims(authPool, { role: "coins_staff", guildId, discordId: STAFF, staffRole: role as never }, fn);

async function requestIngest(name: string): Promise<number> {
  return staff(async (c) => Number((await c.query("select id from app_public.request_catalogue_ingest($1)", [name])).rows[0].id));
}

async function runDone(runId: number): Promise<Record<string, any>> {
  return waitFor(`run ${runId}`, async () => {
    const { rows } = await db.query("select * from app_public.catalogue_runs where id = $1", [runId]);
    return ["done", "failed"].includes(rows[0]?.status) ? rows[0] : null;
  }, 60_000, 100);
}

async function snapshot(): Promise<Record<string, unknown>> {
  const q = async (sql: string) => (await db.query(sql, [guildId])).rows;
  return {
    artists: await q("select id, name, code, mbid, spotify_id, popularity, is_group, group_id, metadata from app_public.artists where guild_id = $1 order by id"),
    eras: await q("select id, artist_id, name, code, mbid, starts_on::text, ends_on::text, search_keywords from app_public.eras where guild_id = $1 order by id"),
    images: await q("select id, source_url, status, filter_reason, era_id, era_reason, kind, kind_reason, phash, storage_url, width, licence, author, template_id from app_public.catalogue_images where guild_id = $1 order by id"),
    eraImages: await q("select id, era_id, source_url, storage_url, kind, phash, licence from app_public.era_images where guild_id = $1 order by id"),
    templates: await q("select id, public_id, rarity, image_id, era_id from app_public.card_templates where guild_id = $1 order by id"),
    decisions: await q("select image_id, base_roll, base_rarity, rarity, action, reason from app_public.catalogue_rarity_decisions where guild_id = $1 order by id"),
  };
}

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk(path.join(d, e.name)) : out.push(path.join(d, e.name)));
  };
  walk(dir);
  return out.sort();
}

beforeAll(async () => {
  dropOwnDatabase = await isolateDatabase();
  fake = await startCatalogueFake();
  storage = mkdtempSync(path.join(os.tmpdir(), "catalogue-store-"));
  db = superuserPool();
  authPool = new pg.Pool({ connectionString: dbUrls().authenticator, max: 2 });
  guildId = String(newGuildId());
  await db.query("select app_private.ensure_guild($1, 'Catalogue pipeline')", [guildId]);
  // The fake Commons answers every keyword of an era with all its files: take them all in one query's page.
  await db.query("insert into app_public.catalogue_settings (guild_id, images_per_query) values ($1, 20)", [guildId]);
  const env = fakeEnv(fake, storage);
  runtime = createCatalogueRuntime(loadCatalogueConfig(env), pino({ level: "silent" }), { musicbrainz: FAST, wikimedia: FAST, lastfm: FAST, spotify: FAST, images: FAST });
  worker = await startWorker({ config: testWorkerConfig({ ...env, WORKER_CONCURRENCY: "2" }), catalogue: runtime });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await runtime?.sources.stop();
  await authPool?.end();
  await db?.end();
  await fake?.close();
  await dropOwnDatabase?.();
  if (storage) rmSync(storage, { recursive: true, force: true });
});

describe("catalogue pipeline", () => {
  let first: Record<string, unknown>;

  it("ingests an artist from a staff request: artist, members, eras, candidates with their verdicts", async () => {
    const runId = await requestIngest("Nova Lights");
    expect(await requestIngest("nova lights")).toBe(runId); // the same run while it is queued or running
    const run = await runDone(runId);
    expect(run.status).toBe("done");
    expect(run.progress).toMatchObject({ stage: "done", eras: 3, searched: 3 });

    const { rows: artists } = await db.query("select name, mbid, is_group, spotify_id, popularity, group_id from app_public.artists where guild_id = $1 order by id", [guildId]);
    expect(artists[0]).toMatchObject({ name: "Nova Lights", mbid: "5a1b2c3d-0000-4000-8000-00000000a001", is_group: true, spotify_id: "4NovaLights00000000000", popularity: 71 });
    expect(artists.slice(1).map((a) => a.name)).toEqual(["Ada Vale", "Remy Quill"]);
    expect(artists.slice(1).every((a) => a.group_id !== null)).toBe(true);

    const { rows: eras } = await db.query("select name, starts_on::text, ends_on::text, search_keywords from app_public.eras where guild_id = $1 order by starts_on", [guildId]);
    expect(eras.map((e) => [e.name, e.starts_on, e.ends_on])).toEqual([["Starfall", "2015-03-02", "2018-05-31"], ["Echoes", "2018-06-01", "2021-12-31"], ["Horizon", "2022-01-01", null]]);
    expect(eras[0].search_keywords).toContain("Nova Lights Starfall red carpet");

    const { rows: images } = await db.query(
      `select split_part(i.source_url, '/files/', 2) as file, i.status, i.filter_reason, e.name as era, i.era_reason, i.kind, i.storage_url, i.licence ->> 'short_name' as licence, i.author
         from app_public.catalogue_images i join app_public.eras e on e.id = i.era_id where i.guild_id = $1 order by i.id`, [guildId]);
    const by = Object.fromEntries(images.map((i) => [i.file, i]));
    expect(by["Nova_Lights_Starfall_Tour_2016_Manchester.jpg"]).toMatchObject({ era: "Starfall", era_reason: "date_in_window", kind: "concert", licence: "CC BY-SA 4.0", author: "Jane Doe" });
    // Two uploads of one photo (different sizes): whichever is checked first is kept, the other is its duplicate.
    const pair = [by["Nova_Lights_Starfall_Tour_2016_Manchester.jpg"], by["Nova_Lights_Manchester_2016_crop.jpg"]];
    expect(pair.map((p) => p.status).sort()).toEqual(["filtered", "pending"]);
    expect(pair.find((p) => p.status === "filtered")).toMatchObject({ filter_reason: "duplicate", storage_url: null });
    expect(by["Nova_Lights_small.jpg"]).toMatchObject({ status: "filtered", filter_reason: "too_small" });
    expect(by["Nova_Lights_press_kit.jpg"]).toMatchObject({ status: "filtered", filter_reason: "no_licence" });
    expect(by["Nova_Lights_Starfall_cover.png"]).toMatchObject({ status: "pending", kind: "cover" });
    expect(by["Nova_Lights_signing_2019.jpg"]).toMatchObject({ status: "pending", era: "Echoes", era_reason: "date_in_window" });
    expect(by["Nova_Lights_awards_2019.jpg"]).toMatchObject({ status: "pending", era: "Echoes", kind: "red_carpet" });
    expect(by["Nova_Lights_Echoes_video.jpg"]).toMatchObject({ status: "pending", era: "Echoes", era_reason: "page_text", kind: "mv" });
    expect(by["Nova_Lights_portrait.jpg"]).toMatchObject({ status: "pending", era: "Horizon", era_reason: "searched_era", kind: "promo" });
    expect(by["Nova_Lights_gone.jpg"]).toMatchObject({ status: "filtered", filter_reason: "bad_file" });
    expect(by["Nova_Lights_not_an_image.jpg"]).toMatchObject({ status: "filtered", filter_reason: "bad_file" });
    expect(by["Nova_Lights_interview.ogg"]).toBeUndefined();
    expect(images.filter((i) => i.status === "pending")).toHaveLength(6);
    expect(images.filter((i) => i.status === "pending").every((i) => i.storage_url.startsWith("file://"))).toBe(true);

    const { rows: errors } = await db.query("select stage, subject from app_public.catalogue_run_errors where run_id = $1 order by id", [runId]);
    expect(errors.map((e) => e.stage)).toEqual(["download", "download"]);
    // MusicBrainz's 1 request/second is its own policy; every request carried the descriptive User-Agent.
    expect(fake.seen.every((s) => s.userAgent === "GuildbankCatalogue/0.1 ( catalogue-tests@example.invalid )")).toBe(true);
  });

  it("staff review, then templates with recorded rarity decisions, rendered with the real images", async () => {
    const { rows: pending } = await db.query("select id, kind from app_public.catalogue_images where guild_id = $1 and status = 'pending' order by id", [guildId]);
    await staff(async (c) => {
      for (const p of pending) await c.query("select app_public.review_catalogue_image($1, true)", [p.id]);
    });
    const n = await staff(async (c) => (await c.query("select app_public.render_catalogue_templates() as n")).rows[0].n);
    expect(n).toBe(pending.length);
    const { rows: decided } = await db.query(
      `select d.action, d.rarity, d.reason, t.public_id, t.rarity as t_rarity, i.storage_url, a.name as artist, e.name as era, e.colour
         from app_public.catalogue_rarity_decisions d join app_public.catalogue_images i on i.id = d.image_id
         join app_public.eras e on e.id = d.era_id join app_public.artists a on a.id = i.artist_id
         left join app_public.card_templates t on t.id = d.template_id where d.guild_id = $1 order by d.id`, [guildId]);
    expect(decided).toHaveLength(pending.length);
    for (const d of decided) {
      expect(d.reason).toMatch(/base draw \w+ \(roll \d+\)/);
      if (d.action === "create") expect(d.t_rarity).toBe(d.rarity);
    }
    const made = decided.filter((d) => d.action === "create");
    expect(made.length).toBeGreaterThanOrEqual(3); // each era's first template of a rarity is always created
    const renderer = new CardRenderer(null, 100, undefined, { storageDir: storage, cdnUrl: null });
    for (const d of made) {
      const face = { publicId: d.public_id, rarity: d.rarity, artist: d.artist, era: d.era, colour: d.colour, imageUrl: d.storage_url, copies: 0, printNo: null };
      const png = await renderer.card(face);
      const generated = await new CardRenderer(null).card({ ...face, imageUrl: null });
      expect(png.subarray(1, 4).toString()).toBe("PNG");
      expect(png.equals(generated)).toBe(false); // the stored image is on the card, not the generated artwork
    }
    first = await snapshot();
  });

  it("a second ingestion of the same artist changes nothing", async () => {
    const stored = files(storage);
    const runId = await requestIngest("Nova Lights");
    const run = await runDone(runId);
    expect(run.status).toBe("done");
    expect(await snapshot()).toEqual(first);
    expect(files(storage)).toEqual(stored);
    expect(await staff(async (c) => (await c.query("select app_public.render_catalogue_templates() as n")).rows[0].n)).toBe(0);
  });

  it("the weekly sync queues new artists from Last.fm's similar artists and chart, bounded per run", async () => {
    await db.query("update app_public.catalogue_settings set sync_artist_limit = 2 where guild_id = $1", [guildId]);
    fake.mbArtists = []; // the new names are unknown to MusicBrainz: they are ingested by name, with an error noted
    const runId = await staff(async (c) => Number((await c.query("select id from app_public.request_catalogue_sync()")).rows[0].id));
    const run = await runDone(runId);
    expect(run.progress.queued).toEqual(["Paper Comets", "Neon Orchard"]);
    for (const id of run.progress.queued_runs) expect((await runDone(id)).status).toBe("done");
    const { rows } = await db.query("select name, mbid from app_public.artists where guild_id = $1 and name in ('Paper Comets', 'Neon Orchard') order by name", [guildId]);
    expect(rows).toEqual([{ name: "Neon Orchard", mbid: null }, { name: "Paper Comets", mbid: null }]);
  });
});

describe("resuming", () => {
  it("a run interrupted after some downloads resumes where it stopped and ends as a clean run does", async () => {
    // The worker would take this guild's job itself: stop it, and drive the pipeline by hand.
    await worker?.stop();
    worker = undefined;
    const guild2 = String(newGuildId());
    await db.query("select app_private.ensure_guild($1, 'Catalogue resume')", [guild2]);
    await db.query("insert into app_public.catalogue_settings (guild_id, images_per_query) values ($1, 20)", [guild2]);
    fake.mbArtists = null;
    fake.mbArtists = (await import("./fixtures/musicbrainz-search.json", { with: { type: "json" } })).default.artists;
    const run = await withClaims(authPool, { role: "coins_staff", guildId: guild2, discordId: STAFF, staffRole: "OPERATOR" as never }, async (c) =>
      Number((await c.query("select id from app_public.request_catalogue_ingest('Nova Lights')")).rows[0].id));
    // The worker is not running this guild's job: call the pipeline directly, as coins_worker, and crash it on the
    // fourth image check.
    const workerPool = new pg.Pool({ connectionString: dbUrls().authenticator, max: 2 });
    workerPool.on("connect", (c) => void c.query("set role coins_worker"));
    // The process dies at the fourth image check: from then on nothing reaches the database.
    let checks = 0;
    let dead = false;
    const crashing: CatalogueDb = {
      query: async (sql: string, params?: unknown[]) => {
        if (sql.includes("catalogue_check_image") && ++checks === 4) dead = true;
        if (dead) throw new Error("worker killed");
        return workerPool.query(sql, params) as never;
      },
    };
    await db.query("delete from graphile_worker._private_jobs where key = $1", [`catalogue:run:${run}`]);
    const ctx = { sources: runtime.sources, store: runtime.store, limits: runtime.limits, concurrency: 1, logger: pino({ level: "silent" }) };
    await expect(ingestArtist({ ...ctx, db: crashing }, run)).rejects.toThrow("worker killed");
    const { rows: mid } = await db.query("select count(*)::int as n from app_public.catalogue_images where guild_id = $1 and status = 'new'", [guild2]);
    expect(mid[0].n).toBeGreaterThan(0);
    const progress = await ingestArtist({ ...ctx, db: workerPool as unknown as CatalogueDb }, run);
    expect(progress.stage).toBe("done");
    const { rows } = await db.query("select status, count(*)::int as n from app_public.catalogue_images where guild_id = $1 group by status order by status", [guild2]);
    expect(rows).toEqual([{ status: "filtered", n: 5 }, { status: "pending", n: 6 }]);
    await workerPool.end();
  });
});
