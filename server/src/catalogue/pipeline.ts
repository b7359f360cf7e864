/**
 * The catalogue pipeline (issue 16 "Pipeline"): `ingestArtist` (artist → eras → candidate images per era from the
 * seed's keyword patterns → download → quality filters → kind → era → storage → templates when the guild
 * auto-approves) and `weeklySync` (grow from charts and related artists, bounded per run). Every decision that
 * changes stored state is a SQL function (app_hidden.catalogue_*); this module calls the sources and moves bytes.
 * Each step is its own transaction and re-reads what is left, so a job restarted mid-way resumes, and a rerun
 * changes nothing (unique keys on MBID, source URL, phash).
 */
import pLimit from "p-limit";
import type { Logger } from "pino";
import { classifyKind, planEras } from "./heuristics.ts";
import { SourceError } from "./http.ts";
import { BadImageError, download, processImage, type DownloadLimits } from "./image.ts";
import type { CatalogueSources } from "./sources/index.ts";
import type { ImageStore } from "./storage.ts";

/** What the pipeline needs from the database: a query function (graphile-worker's helpers.query, or a pg pool). */
export interface CatalogueDb {
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/** The pipeline's collaborators. */
export interface PipelineContext {
  db: CatalogueDb;
  sources: CatalogueSources;
  store: ImageStore;
  limits: DownloadLimits;
  /** Downloads processed at once. */
  concurrency: number;
  logger: Logger;
}

interface RunState {
  run: { id: number; guild_id: string; kind: string; query: string; status: string; artist_id: number | null; progress: Record<string, unknown> };
  settings: { eras_per_artist: number; images_per_query: number; sync_artist_limit: number; auto_approve: boolean } | null;
  artist: { id: number; name: string; code: string; mbid: string | null } | null;
  eras: Array<{ id: number; name: string; search_keywords: string[] }>;
  todo: Array<{ id: number; source_url: string; title: string | null; description: string | null; page_url: string | null; search_query: string | null; source: string }>;
  known_artists: Array<{ name: string; mbid: string | null }>;
}

const DEFAULT_SETTINGS = { eras_per_artist: 6, images_per_query: 3, sync_artist_limit: 5, auto_approve: false };

async function state(db: CatalogueDb, runId: number): Promise<RunState> {
  const { rows } = await db.query<{ s: RunState }>("select app_hidden.catalogue_run_state($1) as s", [runId]);
  return rows[0].s;
}

async function update(db: CatalogueDb, runId: number, status: string | null, progress: Record<string, unknown>, artistId: number | null = null): Promise<void> {
  await db.query("select app_hidden.catalogue_run_update($1, $2, $3::jsonb, $4, now())", [runId, status, JSON.stringify(progress), artistId]);
}

async function recordError(ctx: PipelineContext, runId: number, stage: string, subject: string, err: unknown): Promise<void> {
  const message = err instanceof Error ? err.message : String(err);
  ctx.logger.warn({ runId, stage, subject }, message);
  await ctx.db.query("select app_hidden.catalogue_run_error($1, $2, $3, $4, now())", [runId, stage, subject, message]);
}

/**
 * Ingests the artist of an `ingest_artist` run, resuming where a previous attempt stopped.
 *
 * @param ctx - database, sources, store, limits.
 * @param runId - the run (catalogue_runs.id).
 * @returns the run's final progress counters.
 * @throws when the database fails (the job is retried and resumes); source errors are recorded on the run instead.
 */
export async function ingestArtist(ctx: PipelineContext, runId: number): Promise<Record<string, unknown>> {
  const { db, sources } = ctx;
  let s = await state(db, runId);
  if (s.run.status === "done") return s.run.progress;
  const settings = s.settings ?? DEFAULT_SETTINGS;
  await update(db, runId, "running", { stage: "artist" });

  // 1. The artist: MusicBrainz's best match (MBID, group or person, members), Spotify's id and popularity.
  let artistId = s.run.artist_id;
  if (artistId === null) {
    artistId = await resolveArtist(ctx, runId, s.run.guild_id, s.run.query);
    await update(db, runId, null, { stage: "eras" }, artistId);
    s = await state(db, runId);
  }
  const artist = s.artist!;

  // 2. Eras from release groups.
  if (sources.musicbrainz && artist.mbid && s.run.progress.eras_planned === undefined) {
    try {
      const plans = planEras(artist.name, await sources.musicbrainz.releaseGroups(artist.mbid), settings.eras_per_artist);
      for (const e of plans) {
        await db.query("select app_hidden.catalogue_upsert_era($1, $2, $3, $4::date, $5::date, $6::text[])", [artist.id, e.mbid, e.name, e.startsOn, e.endsOn, e.keywords]);
      }
      await update(db, runId, null, { eras_planned: plans.length });
    } catch (err) {
      await recordError(ctx, runId, "eras", artist.mbid, err);
    }
    s = await state(db, runId);
  }
  await update(db, runId, null, { stage: "search", eras: s.eras.length });

  // 3. Candidate images per era, from the seed's keyword patterns.
  const searched = new Set<number>((s.run.progress.searched_eras as number[] | undefined) ?? []);
  if (sources.wikimedia) {
    for (const era of s.eras) {
      if (searched.has(era.id)) continue;
      const queries = era.search_keywords.length ? era.search_keywords : [`${artist.name} ${era.name}`];
      for (const q of queries) {
        try {
          const hits = await sources.wikimedia.images(q, settings.images_per_query);
          for (const h of hits) {
            await db.query(
              "select app_hidden.catalogue_record_candidate($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::date, $11, $12, now())",
              [runId, artist.id, era.id, h.source, h.url, h.pageUrl, h.title, h.author, JSON.stringify(h.licence), h.takenOn, h.pageText, q],
            );
          }
        } catch (err) {
          await recordError(ctx, runId, "search", q, err);
        }
      }
      searched.add(era.id);
      await update(db, runId, null, { searched_eras: [...searched], searched: searched.size });
    }
  }

  // 4. Download, filter, classify and store each candidate still to do.
  s = await state(db, runId);
  await update(db, runId, null, { stage: "download", to_download: s.todo.length });
  const limit = pLimit(ctx.concurrency);
  let downloaded = Number(s.run.progress.downloaded ?? 0);
  await Promise.all(
    s.todo.map((c) =>
      limit(async () => {
        try {
          const { data } = await download(sources.images, c.source_url, ctx.limits);
          const img = await processImage(data, ctx.limits);
          const kind = classifyKind({ url: c.source_url, pageUrl: c.page_url, title: c.title, query: c.search_query, width: img.width, height: img.height, pageText: c.description });
          const storageUrl = await ctx.store.put(img.stored, "image/jpeg", `catalogue/${artist.code}`);
          await db.query("select app_hidden.catalogue_check_image($1, $2, $3, $4, $5, $6, $7, $8, $9, now())", [
            c.id, img.width, img.height, img.mime, img.bytes, img.phash, storageUrl, kind.kind, kind.reason,
          ]);
          downloaded += 1;
        } catch (err) {
          const permanent = err instanceof BadImageError || (err instanceof SourceError && err.status >= 400 && err.status < 500 && err.status !== 429);
          await db.query("select app_hidden.catalogue_image_failed($1, $2, $3, now())", [c.id, (err as Error).message, permanent]);
          await recordError(ctx, runId, "download", c.source_url, err);
        }
      }),
    ),
  );

  // 5. Templates, when the guild skips review; otherwise staff approve and render from the panel.
  let templates = 0;
  if (settings.auto_approve) {
    const { rows } = await db.query<{ n: number }>("select app_hidden.catalogue_make_templates($1, $2, null, now()) as n", [s.run.guild_id, artist.id]);
    templates = rows[0].n;
  }
  const counts = await imageCounts(db, runId);
  await update(db, runId, "done", { stage: "done", downloaded, templates, ...counts });
  return (await state(db, runId)).run.progress;
}

async function imageCounts(db: CatalogueDb, runId: number): Promise<Record<string, number>> {
  const { rows } = await db.query<{ s: RunState }>("select app_hidden.catalogue_run_state($1) as s", [runId]);
  return { left_to_download: rows[0].s.todo.length };
}

async function resolveArtist(ctx: PipelineContext, runId: number, guildId: string, name: string): Promise<number> {
  const { db, sources } = ctx;
  let mbid: string | null = null;
  let canonical = name;
  let isGroup = false;
  let members: Array<{ mbid: string; name: string }> = [];
  let metadata: Record<string, unknown> = {};
  if (sources.musicbrainz) {
    try {
      const hits = await sources.musicbrainz.searchArtist(name, 5);
      const best = hits.find((h) => h.name.toLowerCase() === name.toLowerCase()) ?? hits.find((h) => h.score >= 90);
      if (best?.mbid) {
        const details = await sources.musicbrainz.artist(best.mbid);
        mbid = best.mbid;
        canonical = details?.name ?? best.name;
        isGroup = details?.isGroup ?? best.isGroup ?? false;
        members = details?.members.slice(0, 12) ?? [];
        metadata = { ...best.extra, musicbrainz: { score: best.score } };
      } else {
        await recordError(ctx, runId, "artist", name, new Error("MusicBrainz has no artist of that name: ingested by name only"));
      }
    } catch (err) {
      await recordError(ctx, runId, "artist", name, err);
    }
  }
  let spotifyId: string | null = null;
  let popularity: number | null = null;
  if (sources.spotify) {
    try {
      const p = await sources.spotify.artistProfile(canonical);
      if (p) {
        spotifyId = p.spotifyId;
        popularity = p.popularity;
        metadata = { ...metadata, spotify: { followers: p.followers, images: p.imageUrls.slice(0, 3), licence: "none: not for cards" } };
      }
    } catch (err) {
      await recordError(ctx, runId, "artist", `spotify: ${canonical}`, err);
    }
  }
  const { rows } = await db.query<{ id: number }>(
    "select app_hidden.catalogue_upsert_artist($1, $2, $3, $4, null, $5, $6, $7::jsonb) as id",
    [guildId, canonical, mbid, isGroup, spotifyId, popularity, JSON.stringify(metadata)],
  );
  const artistId = rows[0].id;
  for (const m of members) {
    await db.query("select app_hidden.catalogue_upsert_artist($1, $2, $3, false, $4, null, null, '{}'::jsonb)", [guildId, m.name, m.mbid, artistId]);
  }
  return artistId;
}

/**
 * The weekly sync of a guild: the chart's top artists and artists similar to known ones (Last.fm), new names only,
 * at most the guild's `sync_artist_limit`, each queued as an `ingest_artist` run.
 *
 * @param ctx - database and sources.
 * @param runId - the `weekly_sync` run.
 * @returns the run's progress (queued names).
 */
export async function weeklySync(ctx: PipelineContext, runId: number): Promise<Record<string, unknown>> {
  const { db, sources } = ctx;
  const s = await state(db, runId);
  if (s.run.status === "done") return s.run.progress;
  const settings = s.settings ?? DEFAULT_SETTINGS;
  await update(db, runId, "running", { stage: "sync" });
  const known = new Set(s.known_artists.map((a) => a.name.toLowerCase()));
  const found: string[] = [];
  if (!sources.lastfm) {
    await recordError(ctx, runId, "sync", "lastfm", new Error("Last.fm is not configured (LASTFM_API_KEY): no charts or related artists to grow from"));
  } else {
    const seeds = s.known_artists.slice(-10).map((a) => a.name);
    for (const seed of seeds) {
      try {
        found.push(...(await sources.lastfm.similarArtists(seed, 10)));
      } catch (err) {
        await recordError(ctx, runId, "sync", `similar: ${seed}`, err);
      }
    }
    try {
      found.push(...(await sources.lastfm.chartArtists(50)));
    } catch (err) {
      await recordError(ctx, runId, "sync", "chart", err);
    }
  }
  const fresh: string[] = [];
  for (const n of found) {
    const k = n.toLowerCase();
    if (known.has(k) || fresh.some((f) => f.toLowerCase() === k)) continue;
    if (fresh.length >= settings.sync_artist_limit) break;
    fresh.push(n);
  }
  const runs: number[] = [];
  for (const n of fresh) {
    const { rows } = await db.query<{ id: string }>("select app_hidden.catalogue_queue_ingest($1, $2) as id", [s.run.guild_id, n]);
    runs.push(Number(rows[0].id));
  }
  await update(db, runId, "done", { stage: "done", candidates: found.length, queued: fresh, queued_runs: runs });
  return (await state(db, runId)).run.progress;
}
