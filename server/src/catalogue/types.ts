/**
 * The one interface every catalogue source implements (issue 16 "Sources"): each capability is optional, and the
 * pipeline asks whichever configured sources have it. Shapes are the pipeline's own, never a provider's.
 */

/** The sources we know. */
export type SourceName = "musicbrainz" | "lastfm" | "spotify" | "wikimedia";

/** An artist found by a search. */
export interface ArtistHit {
  name: string;
  /** MusicBrainz id, when the source knows it. */
  mbid: string | null;
  /** A group (band) rather than a person; null when the source does not say. */
  isGroup: boolean | null;
  /** The source's match score, 0..100. */
  score: number;
  /** Country, disambiguation and the like, kept in the artist's metadata. */
  extra: Record<string, string>;
}

/** An artist's details from MusicBrainz. */
export interface ArtistDetails {
  mbid: string;
  name: string;
  isGroup: boolean;
  /** Members of a group (person artists). */
  members: Array<{ mbid: string; name: string }>;
  /** The groups a person belongs to. */
  groups: Array<{ mbid: string; name: string }>;
}

/** A release group (album) of an artist: the seed of an era. */
export interface ReleaseGroup {
  mbid: string;
  title: string;
  /** First release date, YYYY-MM-DD (a year or year-month is completed to its first day), or null. */
  firstRelease: string | null;
  primaryType: string;
  secondaryTypes: string[];
}

/** An image found by a search, with what we know of its licence and origin. */
export interface ImageHit {
  source: SourceName;
  /** The file itself. */
  url: string;
  /** The page describing it (licence, author). */
  pageUrl: string | null;
  title: string;
  /** The author to credit (plain text). */
  author: string | null;
  /** Licence: short name (e.g. "CC BY-SA 4.0") and its URL. */
  licence: { short_name?: string; url?: string; attribution_required?: boolean };
  /** When the picture was taken (YYYY-MM-DD), or null. */
  takenOn: string | null;
  /** The page's description and categories, plain text: the era and kind heuristics read it. */
  pageText: string;
  width: number | null;
  height: number | null;
  mime: string | null;
}

/** An artist's profile on Spotify: id, popularity 0..100, image URLs (no licence: kept as metadata, never on cards). */
export interface ArtistProfile {
  spotifyId: string;
  name: string;
  popularity: number;
  followers: number | null;
  imageUrls: string[];
}

/** A catalogue source. */
export interface CatalogueSource {
  readonly name: SourceName;
  /** Artists matching a name, best first. */
  searchArtist?(name: string, limit: number): Promise<ArtistHit[]>;
  /** An artist's details by MBID (null: unknown). */
  artist?(mbid: string): Promise<ArtistDetails | null>;
  /** An artist's release groups (every page). */
  releaseGroups?(mbid: string): Promise<ReleaseGroup[]>;
  /** Images matching a query (every page up to `limit`). */
  images?(query: string, limit: number): Promise<ImageHit[]>;
  /** Artists similar to one (names), to grow the catalogue. */
  similarArtists?(name: string, limit: number): Promise<string[]>;
  /** The chart's top artists (names). */
  chartArtists?(limit: number): Promise<string[]>;
  /** The artist's profile (popularity, images). */
  artistProfile?(name: string): Promise<ArtistProfile | null>;
  /** Stops its rate limiter. */
  stop(): Promise<void>;
}
