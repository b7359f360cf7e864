/**
 * The catalogue's source adapters against local fakes of their APIs (issue 16 "Each adapter against a local fake of
 * its API (including rate-limit answers, 5xx, malformed JSON, pagination)"). Nothing here reaches the network.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalogueConfig } from "../../src/catalogue/config.ts";
import { SourceError, type SourcePolicy } from "../../src/catalogue/http.ts";
import { createSources, LastFmSource, MusicBrainzSource, MUSICBRAINZ_POLICY, SpotifySource, WikimediaSource } from "../../src/catalogue/sources/index.ts";
import { startCatalogueFake, type CatalogueFake } from "./fakes.ts";

const FAST: SourcePolicy = { minTimeMs: 0, maxConcurrent: 4, retries: 2, backoffMs: 10, maxBackoffMs: 2000, timeoutMs: 2000 };
const UA = "GuildbankCatalogue/0.1 ( tests@example.invalid )";
let fake: CatalogueFake;

beforeAll(async () => {
  fake = await startCatalogueFake();
});
afterAll(async () => {
  await fake.close();
});

const since = (n: number) => fake.seen.slice(n);

describe("MusicBrainz", () => {
  const mb = () => new MusicBrainzSource({ baseUrl: `${fake.url}/mb`, userAgent: UA, policy: FAST });

  it("searches artists: MBID, group or person, score, with the descriptive User-Agent", async () => {
    const n = fake.seen.length;
    const hits = await mb().searchArtist("Nova Lights", 5);
    expect(hits[0]).toMatchObject({ name: "Nova Lights", mbid: "5a1b2c3d-0000-4000-8000-00000000a001", isGroup: true, score: 100 });
    expect(hits[0].extra).toMatchObject({ country: "GB", disambiguation: "synth-pop band" });
    expect(hits[1].isGroup).toBe(false);
    expect(since(n)[0].userAgent).toBe(UA);
    expect(since(n)[0].url).toContain("fmt=json");
  });

  it("looks an artist up with its members; an unknown MBID is null", async () => {
    const a = await mb().artist("5a1b2c3d-0000-4000-8000-00000000a001");
    expect(a).toMatchObject({ isGroup: true, name: "Nova Lights" });
    expect(a!.members.map((m) => m.name)).toEqual(["Ada Vale", "Remy Quill"]);
    expect(await mb().artist("5a1b2c3d-0000-4000-8000-0000000000ff")).toBeNull();
  });

  it("follows release-group pages to the count and completes partial dates", async () => {
    const n = fake.seen.length;
    const groups = await mb().releaseGroups("5a1b2c3d-0000-4000-8000-00000000a001");
    expect(groups.map((g) => g.title)).toEqual(["Starfall", "Echoes", "Live at Brixton", "Starfall (Deluxe Edition)", "Horizon"]);
    expect(groups.map((g) => g.firstRelease)).toEqual(["2015-03-02", "2018-06-01", "2019-01-20", "2016-01-15", "2022-01-01"]);
    expect(since(n).filter((s) => s.url.startsWith("/mb/ws/2/release-group")).map((s) => new URL(s.url, "http://x").searchParams.get("offset"))).toEqual(["0", "2", "4"]);
  });

  it("keeps to one request per second with its own policy", async () => {
    const source = new MusicBrainzSource({ baseUrl: `${fake.url}/mb`, userAgent: UA, policy: { ...MUSICBRAINZ_POLICY, retries: 0 } });
    const n = fake.seen.length;
    await Promise.all([source.searchArtist("Nova", 1), source.searchArtist("Nova", 1), source.searchArtist("Nova", 1)]);
    const at = since(n).map((s) => s.at);
    expect(at).toHaveLength(3);
    // The limiter starts requests 1 s apart; arrival times at the fake carry the sockets' jitter (a late first
    // arrival shortens the next gap), so the bounds allow it: an unlimited client sends all three within milliseconds.
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(900);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(900);
    expect(at[2] - at[0]).toBeGreaterThanOrEqual(1900);
    await source.stop();
  });

  it("backs off on 503 for as long as Retry-After says, then succeeds", async () => {
    fake.inject("/mb/", { status: 503, retryAfter: 1 });
    const t0 = Date.now();
    const hits = await mb().searchArtist("Nova Lights", 5);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
    expect(hits).toHaveLength(2);
  });

  it("gives up after its retries on 5xx with a SourceError, and does not retry a 400", async () => {
    const source = mb();
    fake.inject("/mb/", { status: 500 }, { status: 502 }, { status: 500 });
    await expect(source.searchArtist("Nova", 1)).rejects.toMatchObject({ name: "SourceError", status: 500 });
    expect(source.http.requests).toBe(3);
    const once = mb();
    fake.inject("/mb/", { status: 400 });
    await expect(once.searchArtist("Nova", 1)).rejects.toBeInstanceOf(SourceError);
    expect(once.http.requests).toBe(1);
  });

  it("refuses malformed JSON with a SourceError (no crash, no retry)", async () => {
    fake.inject("/mb/", { malformed: true });
    await expect(mb().searchArtist("Nova", 1)).rejects.toThrow(/malformed JSON/);
  });

  it("times a slow answer out and retries it", async () => {
    const source = new MusicBrainzSource({ baseUrl: `${fake.url}/mb`, userAgent: UA, policy: { ...FAST, timeoutMs: 200 } });
    fake.inject("/mb/", { delayMs: 600 });
    expect(await source.searchArtist("Nova Lights", 5)).toHaveLength(2);
    expect(source.http.requests).toBe(2);
  });
});

describe("Last.fm", () => {
  const lfm = (key = "test-lastfm-key") => new LastFmSource({ baseUrl: `${fake.url}/lastfm`, apiKey: key, userAgent: UA, policy: FAST });

  it("follows the chart's pages", async () => {
    expect(await lfm().chartArtists(10)).toEqual(["Nova Lights", "Paper Comets", "Glass Harbour", "Velvet Static"]);
  });

  it("lists similar artists", async () => {
    expect(await lfm().similarArtists("Nova Lights", 10)).toEqual(["Paper Comets", "Neon Orchard", "Nova Lights"]);
  });

  it("retries Last.fm's rate-limit error (29 inside a 200) and a 429", async () => {
    fake.inject("/lastfm/", { lastfmError: 29 }, { status: 429, retryAfter: 0 });
    expect(await lfm().similarArtists("Nova Lights", 2)).toEqual(["Paper Comets", "Neon Orchard"]);
  });

  it("reports a bad key and an unknown artist as SourceErrors", async () => {
    await expect(lfm("wrong-key-123").chartArtists(2)).rejects.toMatchObject({ status: 403 });
    await expect(lfm().similarArtists("Nobody At All", 2)).rejects.toThrow(/error 6/);
  });
});

describe("Spotify", () => {
  const sp = (secret = "test-spotify-secret") =>
    new SpotifySource({ apiUrl: `${fake.url}/spotify`, accountsUrl: `${fake.url}/spotify-accounts`, clientId: "test-spotify-id", clientSecret: secret, userAgent: UA, policy: FAST });

  it("gets a client-credentials token once and reads popularity, followers and images", async () => {
    const source = sp();
    const n = fake.seen.length;
    const p = await source.artistProfile("Nova Lights");
    expect(p).toMatchObject({ spotifyId: "4NovaLights00000000000", popularity: 71, followers: 183220 });
    expect(p!.imageUrls).toHaveLength(1);
    await source.artistProfile("Nova Lights");
    expect(since(n).filter((s) => s.url.startsWith("/spotify-accounts")).length).toBe(1);
    expect(await source.artistProfile("Nobody")).toBeNull();
  });

  it("waits out a 429 and refuses bad credentials", async () => {
    fake.inject("/spotify/", { status: 429, retryAfter: 0 });
    expect((await sp().artistProfile("Nova Lights"))?.popularity).toBe(71);
    await expect(sp("bad-secret-123").artistProfile("Nova Lights")).rejects.toMatchObject({ status: 400 });
  });
});

describe("Wikimedia Commons", () => {
  const wm = () => new WikimediaSource({ baseUrl: `${fake.url}/commons`, userAgent: UA, policy: FAST });

  it("follows continue across pages and keeps licence, author (plain text), date and page text", async () => {
    const n = fake.seen.length;
    const hits = await wm().images("Nova Lights Starfall concert", 20);
    expect(hits.map((h) => h.url.split("/").pop())).toEqual(fake.files.filter((f) => f.match.includes("Starfall")).map((f) => f.name));
    expect(since(n).filter((s) => s.url.startsWith("/commons")).length).toBe(2); // six hits, pages of three
    const first = hits[0];
    expect(first).toMatchObject({ source: "wikimedia", author: "Jane Doe", takenOn: "2016-05-01", width: 1600, height: 1000, mime: "image/jpeg" });
    expect(first.licence).toEqual({ short_name: "CC BY-SA 4.0", url: "https://creativecommons.org/licenses/by-sa/4.0", attribution_required: true });
    expect(first.pageText).toContain("performing live in Manchester");
    expect(first.pageUrl).toContain("/commons/wiki/File:");
  });

  it("skips files that are not images and stops at the limit", async () => {
    const hits = await wm().images("Nova Lights Horizon photoshoot", 10);
    expect(hits.some((h) => h.url.endsWith(".ogg"))).toBe(false);
    expect(await wm().images("Nova Lights Starfall live", 2)).toHaveLength(2);
  });

  it("retries a 503 and refuses malformed JSON", async () => {
    fake.inject("/commons/", { status: 503, retryAfter: 0 });
    expect((await wm().images("Nova Lights Echoes mv", 5)).length).toBeGreaterThan(0);
    fake.inject("/commons/", { malformed: true });
    await expect(wm().images("Nova Lights Echoes mv", 5)).rejects.toThrow(/malformed JSON/);
  });
});

describe("createSources", () => {
  it("skips an unconfigured source with one log line, never an error", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (s: string) => void lines.push(s) });
    const sources = createSources(loadCatalogueConfig({ MUSICBRAINZ_URL: `${fake.url}/mb`, CATALOGUE_SOURCES_OFF: "wikimedia" }), logger);
    expect(sources.lastfm).toBeNull();
    expect(sources.spotify).toBeNull();
    expect(sources.wikimedia).toBeNull();
    expect(sources.musicbrainz).not.toBeNull();
    const skipped = lines.map((l) => JSON.parse(l)).filter((l) => /skipped/.test(l.msg));
    expect(skipped.map((l) => l.source).sort()).toEqual(["lastfm", "spotify", "wikimedia"]);
    expect(skipped.every((l) => l.level === 30)).toBe(true);
    expect(skipped.find((l) => l.source === "lastfm").msg).toContain("LASTFM_API_KEY");
    await sources.stop();
  });
});
