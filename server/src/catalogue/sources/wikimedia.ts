/**
 * Wikimedia Commons (the MediaWiki Action API): files matching a search, with their licence, author, date and
 * description from `extmetadata`. No key needed; a descriptive User-Agent is required by Wikimedia's policy.
 */
import { z } from "zod";
import { SourceError, SourceHttp, type SourcePolicy } from "../http.ts";
import type { CatalogueSource, ImageHit } from "../types.ts";

/** Commons' policy: serial requests, 10/second at most, backoff on 429/503. */
export const WIKIMEDIA_POLICY: SourcePolicy = { minTimeMs: 100, maxConcurrent: 1, retries: 3, backoffMs: 1000, maxBackoffMs: 30_000, timeoutMs: 15_000 };

const meta = z.object({ value: z.union([z.string(), z.number()]).transform(String) }).partial().nullish();
const pageSchema = z.object({
  title: z.string(),
  imageinfo: z
    .array(
      z.object({
        url: z.string(),
        descriptionurl: z.string().nullish(),
        width: z.number().nullish(),
        height: z.number().nullish(),
        mime: z.string().nullish(),
        extmetadata: z.record(z.string(), meta).default({}),
      }),
    )
    .nullish(),
});
const answerSchema = z.object({
  query: z.object({ pages: z.union([z.record(z.string(), pageSchema), z.array(pageSchema)]) }).optional(),
  continue: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  error: z.object({ code: z.string(), info: z.string().optional() }).optional(),
});

/**
 * Plain text of a Commons metadata value (they are HTML: links, spans), entities decoded, whitespace collapsed.
 *
 * @param html - the value.
 */
export function plainText(html: string | undefined | null): string {
  if (!html) return "";
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;|&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&nbsp;/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The day a Commons DateTimeOriginal names ("2015-06-01 20:11:02", "2015-06-01", "June 2015" is not a day: null).
 *
 * @param value - the metadata value (may be HTML).
 */
export function commonsDate(value: string | undefined): string | null {
  const m = /(\d{4})-(\d{2})-(\d{2})/.exec(plainText(value));
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** Options of {@link WikimediaSource}. */
export interface WikimediaOptions {
  /** Base of the API (default https://commons.wikimedia.org); the endpoint is `/w/api.php`. */
  baseUrl: string;
  userAgent: string;
  policy?: SourcePolicy;
  onRetry?: (why: string, delayMs: number) => void;
}

/** The Wikimedia Commons adapter. */
export class WikimediaSource implements CatalogueSource {
  readonly name = "wikimedia" as const;
  readonly http: SourceHttp;
  private readonly base: string;

  /** @param options - base URL and User-Agent. */
  constructor(options: WikimediaOptions) {
    this.base = options.baseUrl.replace(/\/$/, "");
    this.http = new SourceHttp("wikimedia", options.policy ?? WIKIMEDIA_POLICY, options.userAgent, options.onRetry);
  }

  /**
   * Files (namespace 6) matching a query with their image info, following `continue` until `limit` hits.
   * Non-image files (audio, video, PDF) are skipped.
   */
  async images(query: string, limit: number): Promise<ImageHit[]> {
    const hits: ImageHit[] = [];
    let cont: Record<string, string> = { continue: "" };
    for (let page = 0; hits.length < limit && page < 10; page++) {
      const qs = new URLSearchParams({
        action: "query", format: "json", formatversion: "2", generator: "search", gsrsearch: query, gsrnamespace: "6",
        gsrlimit: String(Math.min(50, limit)), prop: "imageinfo", iiprop: "url|size|mime|extmetadata",
        iiextmetadatafilter: "LicenseShortName|LicenseUrl|Artist|Credit|DateTimeOriginal|ImageDescription|Categories|ObjectName|AttributionRequired",
        ...cont,
      });
      const body = await this.http.json(`${this.base}/w/api.php?${qs}`);
      const parsed = answerSchema.safeParse(body);
      if (!parsed.success) throw new SourceError("wikimedia", 200, `unexpected answer: ${parsed.error.issues[0]?.message}`);
      if (parsed.data.error) throw new SourceError("wikimedia", 200, `${parsed.data.error.code}: ${parsed.data.error.info ?? ""}`);
      const pages = parsed.data.query?.pages ?? [];
      for (const p of Array.isArray(pages) ? pages : Object.values(pages)) {
        const info = p.imageinfo?.[0];
        if (!info || !(info.mime ?? "").startsWith("image/")) continue;
        const m = info.extmetadata;
        const v = (k: string) => m[k]?.value;
        const licence = plainText(v("LicenseShortName"));
        hits.push({
          source: "wikimedia",
          url: info.url,
          pageUrl: info.descriptionurl ?? null,
          title: plainText(v("ObjectName")) || p.title.replace(/^File:/, "").replace(/\.[a-z0-9]+$/i, ""),
          author: plainText(v("Artist")) || plainText(v("Credit")) || null,
          licence: {
            ...(licence ? { short_name: licence } : {}),
            ...(v("LicenseUrl") ? { url: plainText(v("LicenseUrl")) } : {}),
            ...(v("AttributionRequired") ? { attribution_required: v("AttributionRequired") === "true" } : {}),
          },
          takenOn: commonsDate(v("DateTimeOriginal")),
          pageText: [p.title, plainText(v("ImageDescription")), plainText(v("Categories")).replace(/\|/g, " ")].filter(Boolean).join(" \n "),
          width: info.width ?? null,
          height: info.height ?? null,
          mime: info.mime ?? null,
        });
        if (hits.length >= limit) break;
      }
      if (!parsed.data.continue) break;
      cont = Object.fromEntries(Object.entries(parsed.data.continue).map(([k, val]) => [k, String(val)]));
    }
    return hits;
  }

  /** Stops the limiter. */
  async stop(): Promise<void> {
    await this.http.stop();
  }
}
