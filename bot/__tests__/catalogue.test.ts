/**
 * `/cardsadmin ingest` and `/cardsadmin sync` in Discord (issue 16): a real discord.js client against the fake
 * Discord, the server's worker running the catalogue jobs against the local API fakes. Members are refused; staff get
 * an answer that follows the run until it is done.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalogueConfig } from "../../server/src/catalogue/config.ts";
import { createCatalogueRuntime, type CatalogueRuntime } from "../../server/src/catalogue/runtime.ts";
import { startWorker, type WorkerHandle } from "../../server/src/index.ts";
import { fakeEnv, startCatalogueFake, type CatalogueFake } from "../../server/__tests__/catalogue/fakes.ts";
import { dbUrls, isolateDatabase, newGuildId, testWorkerConfig, waitFor } from "../../server/__tests__/helpers.ts";
import { command, inject, startTestBot, type Member, type RawInteraction, type TestBot } from "./fixtures.ts";

const FAST = { minTimeMs: 0, maxConcurrent: 4, retries: 1, backoffMs: 10, maxBackoffMs: 200, timeoutMs: 5000 };
let t: TestBot;
let db: pg.Pool;
let dropOwnDatabase: () => Promise<void>;
let fake: CatalogueFake;
let worker: WorkerHandle;
let runtime: CatalogueRuntime;
let storage: string;
let guildId: string;
let owner: Member;
let alice: Member;

const sub = (name: string, options: { name: string; type: number; value: unknown }[] = []) => [{ name, type: 1, options }] as unknown as { name: string; type: number; value: unknown }[];

/** The last text the member saw for an interaction (the reply, then its edits). */
function lastText(raw: RawInteraction): string {
  const calls = t.discord.callsFor(raw);
  const edits = calls.filter((c) => c.method === "PATCH" && c.path.endsWith("/messages/@original"));
  return edits.length ? edits[edits.length - 1].body.content : calls.find((c) => c.path.endsWith("/callback"))?.body?.data?.content;
}

beforeAll(async () => {
  dropOwnDatabase = await isolateDatabase();
  db = new pg.Pool({ connectionString: dbUrls().root, max: 2 });
  guildId = newGuildId().toString();
  owner = { id: (BigInt(guildId) + 900n).toString(), name: "Owner" };
  alice = { id: (BigInt(guildId) + 1n).toString(), name: "Alice" };
  fake = await startCatalogueFake();
  storage = mkdtempSync(path.join(tmpdir(), "catalogue-bot-"));
  const env = fakeEnv(fake, storage);
  runtime = createCatalogueRuntime(loadCatalogueConfig(env), pino({ level: "silent" }), { musicbrainz: FAST, wikimedia: FAST, lastfm: FAST, spotify: FAST, images: FAST });
  t = await startTestBot();
  await db.query("select app_hidden.record_guild($1, 'Catalogue bot guild', $2)", [guildId, owner.id]);
  await db.query("select app_private.ensure_member($1, $2, $3)", [guildId, alice.id, alice.name]);
  await db.query("insert into app_public.catalogue_settings (guild_id, images_per_query, sync_artist_limit) values ($1, 20, 1)", [guildId]);
  worker = await startWorker({ config: testWorkerConfig({ ...env, WORKER_CONCURRENCY: "2" }), catalogue: runtime });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await runtime?.sources.stop();
  await t?.stop();
  await fake?.close();
  await db?.end();
  await dropOwnDatabase?.();
  if (storage) rmSync(storage, { recursive: true, force: true });
});

describe("/cardsadmin ingest and sync", () => {
  it("a member is refused and nothing is queued", async () => {
    const seen = await inject(t, command(guildId, alice, "cardsadmin", sub("ingest", [{ name: "artist", type: 3, value: "Nova Lights" }])));
    expect(seen.reply.content).toBe("Your role is not allowed to do that.");
    expect(seen.reply.flags).toBe(64);
    const { rows } = await db.query("select count(*)::int as n from app_public.catalogue_runs where guild_id = $1", [guildId]);
    expect(rows[0].n).toBe(0);
  });

  it("staff ingest an artist: the answer is private and follows the run until it is done", async () => {
    const raw = command(guildId, owner, "cardsadmin", sub("ingest", [{ name: "artist", type: 3, value: "Nova Lights" }]));
    const seen = await inject(t, raw);
    expect(seen.reply.flags).toBe(64);
    expect(seen.reply.content).toMatch(/^Ingesting \*\*Nova Lights\*\* \(run #\d+\): /);
    const done = await waitFor("the run's final answer", () => (/: done\./.test(lastText(raw) ?? "") ? lastText(raw) : null), 60_000, 200);
    expect(done).toMatch(/3 eras · 3\/3 searched · \d+ downloaded\. 6 image\(s\) wait for review, 0 approved, 5 filtered\. Review them on the panel's Catalogue page\. · 2 errors \(see the panel\)/);
  });

  it("staff run the sync: the answer names the artists it queued", async () => {
    const raw = command(guildId, owner, "cardsadmin", sub("sync"));
    const seen = await inject(t, raw);
    expect(seen.reply.content).toMatch(/^Catalogue sync \(run #\d+\)/);
    const done = await waitFor("the sync's final answer", () => (/: done\./.test(lastText(raw) ?? "") ? lastText(raw) : null), 60_000, 200);
    expect(done).toMatch(/Queued for ingestion: Paper Comets\./);
  });
});
