/**
 * The seed's ingestion heuristics, case by case (seed 002 "Artist / Era / Image ingestion & heuristics",
 * "Classifier"): keywords, eras from release groups, image kinds. The era choice is SQL (db/test/catalogue).
 */
import { describe, expect, it } from "vitest";
import { classifyKind, eraKeywords, planEras } from "../../src/catalogue/heuristics.ts";
import { bitsToHex } from "../../src/catalogue/image.ts";
import { retryAfterMs, redact } from "../../src/catalogue/http.ts";
import { commonsDate, mbDate, plainText } from "../../src/catalogue/sources/index.ts";
import type { ReleaseGroup } from "../../src/catalogue/types.ts";

describe("eraKeywords", () => {
  it("makes the seed's six queries in order", () => {
    expect(eraKeywords("Taylor Swift", "1989")).toEqual([
      "Taylor Swift 1989 concert", "Taylor Swift 1989 live", "Taylor Swift 1989 photoshoot", "Taylor Swift 1989 mv",
      "Taylor Swift 1989 red carpet", "Taylor Swift 1989 press photo",
    ]);
  });
});

describe("planEras", () => {
  const rg = (title: string, date: string | null, secondary: string[] = [], primary = "Album"): ReleaseGroup => ({ mbid: `id-${title}`, title, firstRelease: date, primaryType: primary, secondaryTypes: secondary });
  const groups = [rg("Red", "2012-10-22"), rg("1989", "2014-10-27"), rg("Live in Paris", "2015-01-01", ["Live"]), rg("1989 (Deluxe Edition)", "2014-11-01"),
    rg("Greatest Hits", "2016-01-01", ["Compilation"]), rg("Single", "2016-02-01", [], "Single"), rg("Undated", null), rg("Reputation", "2017-11-10")];

  it("keeps studio albums with dates, oldest first, one era per title (deluxe editions folded)", () => {
    expect(planEras("T", groups, 10).map((e) => e.name)).toEqual(["Red", "1989", "Reputation"]);
  });
  it("ends each window the day before the next era; the last stays open", () => {
    expect(planEras("T", groups, 10).map((e) => [e.startsOn, e.endsOn])).toEqual([["2012-10-22", "2014-10-26"], ["2014-10-27", "2017-11-09"], ["2017-11-10", null]]);
  });
  it("keeps the latest eras when there are more than the limit, with their keywords", () => {
    const eras = planEras("T", groups, 2);
    expect(eras.map((e) => e.name)).toEqual(["1989", "Reputation"]);
    expect(eras[0].keywords[0]).toBe("T 1989 concert");
  });
});

describe("classifyKind", () => {
  it("a video thumbnail URL is an mv still, whatever the text says", () => {
    expect(classifyKind({ url: "https://i.ytimg.com/vi/abc/maxresdefault.jpg", title: "concert" })).toMatchObject({ kind: "mv", reason: "video still (URL)" });
  });
  it("red carpet and awards words beat the rest", () => {
    expect(classifyKind({ url: "https://x/a.jpg", title: "On the red carpet after the concert" }).kind).toBe("red_carpet");
    expect(classifyKind({ url: "https://x/a.jpg", pageText: "Arrivals at the Grammy Awards" }).kind).toBe("red_carpet");
  });
  it("music video, cover, concert, promo words", () => {
    expect(classifyKind({ url: "https://x/a.jpg", pageText: "Still from the music video" }).kind).toBe("mv");
    expect(classifyKind({ url: "https://x/a.jpg", pageText: "Front cover of the album" }).kind).toBe("cover");
    expect(classifyKind({ url: "https://x/a.jpg", pageText: "Performing live at Wembley Stadium" }).kind).toBe("concert");
    expect(classifyKind({ url: "https://x/a.jpg", pageText: "Official press photo, 2019" }).kind).toBe("promo");
  });
  it("whole words only: 'delivery' is not 'live', 'stillwater' is not 'still'", () => {
    expect(classifyKind({ url: "https://x/a.jpg", pageText: "Delivery truck in Stillwater", width: 1000, height: 700 })).toMatchObject({ kind: "promo", reason: "no signal: promo by default" });
  });
  it("the search keyword when the page is silent", () => {
    expect(classifyKind({ url: "https://x/a.jpg", title: "IMG_2231", query: "Band Era red carpet" })).toMatchObject({ kind: "red_carpet", reason: 'search keyword "red carpet"' });
    expect(classifyKind({ url: "https://x/a.jpg", title: "IMG_2231", query: "Band Era live" }).kind).toBe("concert");
    expect(classifyKind({ url: "https://x/a.jpg", title: "IMG_2231", query: "Band Era mv" }).kind).toBe("mv");
    expect(classifyKind({ url: "https://x/a.jpg", title: "IMG_2231", query: "Band Era photoshoot" }).kind).toBe("promo");
  });
  it("a square image with no other signal is a cover", () => {
    expect(classifyKind({ url: "https://x/a.jpg", title: "IMG", width: 1200, height: 1200 })).toMatchObject({ kind: "cover", reason: "square image" });
  });
});

describe("helpers", () => {
  it("completes MusicBrainz partial dates", () => {
    expect([mbDate("2014"), mbDate("2014-10"), mbDate("2014-10-27"), mbDate(""), mbDate("??")]).toEqual(["2014-01-01", "2014-10-01", "2014-10-27", null, null]);
  });
  it("reads Commons' HTML metadata as text and dates as days", () => {
    expect(plainText('<a href="x">Jane&nbsp;Doe</a> &amp; <b>Friends</b>')).toBe("Jane Doe & Friends");
    expect(commonsDate('<time class="dtstart" datetime="2015-06-01">2015-06-01 20:01</time>')).toBe("2015-06-01");
    expect(commonsDate("June 2015")).toBeNull();
  });
  it("reads Retry-After as seconds or a date", () => {
    expect(retryAfterMs("3")).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs(null)).toBeNull();
  });
  it("turns a 64-bit phash into 16 hex digits, and redacts keys from URLs", () => {
    expect(bitsToHex("1111000000001010".repeat(4))).toBe("f00af00af00af00a");
    expect(redact("https://x/2.0/?method=a&api_key=secret123&format=json")).toBe("https://x/2.0/?method=a&api_key=…&format=json");
  });
});
