/**
 * The one amount formatter every surface uses: exact, with the currency's scale and unit, and a
 * catalogue that matches `app_public.currencies`.
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { dbUrls } from "../../server/__tests__/helpers.ts";
import { CURRENCIES, currencyOf, formatAmount, formatNumber, toDecimal } from "../src/money.ts";

describe("formatAmount", () => {
  it("shows Minecraft dollars in dollars (scale 2), not as coins at 100 times their value", () => {
    expect(formatAmount(150000, "MCD")).toBe("1,500.00 MCD");
    expect(formatAmount("5", "MCD")).toBe("0.05 MCD");
    expect(formatAmount(-12345n, "MCD")).toBe("-123.45 MCD");
    expect(formatAmount(100, "mcd")).toBe("1.00 MCD");
  });

  it("shows coins (scale 0) with separators and a singular", () => {
    expect(formatAmount(150000, "COIN")).toBe("150,000 coins");
    expect(formatAmount("1")).toBe("1 coin");
    expect(formatAmount(-1, "COIN")).toBe("-1 coin");
    expect(formatAmount(0, null)).toBe("0 coins");
  });

  it("signs deltas on request", () => {
    expect(formatAmount(40, "COIN", { signed: true })).toBe("+40 coins");
    expect(formatAmount(-150000, "MCD", { signed: true })).toBe("-1,500.00 MCD");
    expect(formatNumber(0, "MCD", { signed: true })).toBe("0.00");
    expect(formatNumber(1250, "COIN", { signed: true })).toBe("+1,250");
  });

  it("is exact for every bigint amount", () => {
    expect(formatAmount("9223372036854775807", "MCD")).toBe("92,233,720,368,547,758.07 MCD");
    expect(formatAmount("-9223372036854775808", "COIN")).toBe("-9,223,372,036,854,775,808 coins");
  });

  it("refuses an unknown currency or a fractional amount instead of guessing a scale", () => {
    expect(() => formatAmount(1, "XYZ")).toThrow(RangeError);
    expect(() => formatAmount(1.5, "COIN")).toThrow(RangeError);
    expect(() => currencyOf("")).toThrow(RangeError);
  });
});

describe("toDecimal (CSV)", () => {
  it("is a plain decimal in the currency's unit", () => {
    expect(toDecimal(150000, "MCD")).toBe("1500.00");
    expect(toDecimal(-5, "MCD")).toBe("-0.05");
    expect(toDecimal(0, "MCD")).toBe("0.00");
    expect(toDecimal(150000, "COIN")).toBe("150000");
  });
});

describe("the currency catalogue", () => {
  it("matches app_public.currencies (code and scale)", async () => {
    const db = new pg.Pool({ connectionString: dbUrls().root, max: 1 });
    try {
      const { rows } = await db.query<{ code: string; scale: number }>("select code, scale from app_public.currencies order by code");
      expect(rows).toEqual(
        Object.values(CURRENCIES)
          .map((c) => ({ code: c.code, scale: c.scale }))
          .sort((a, b) => a.code.localeCompare(b.code)),
      );
    } finally {
      await db.end();
    }
  });
});

describe("formatAmount with a guild's currency display (issue 14)", () => {
  it("uses the guild's name (singular without the final s), or its symbol before the number", () => {
    expect(formatAmount(1250, "COIN", { display: { name: "gems" } })).toBe("1,250 gems");
    expect(formatAmount(1, "COIN", { display: { name: "gems" } })).toBe("1 gem");
    expect(formatAmount(1250, "COIN", { display: { name: "gems", symbol: "💎" } })).toBe("💎1,250");
    expect(formatAmount(-5, "COIN", { display: { symbol: "$" }, signed: true })).toBe("-$5");
    expect(formatAmount(40, "COIN", { display: { symbol: "$" }, signed: true })).toBe("+$40");
  });

  it("leaves other currencies and an empty display alone", () => {
    expect(formatAmount(150000, "MCD", { display: { name: "gems", symbol: "💎" } })).toBe("1,500.00 MCD");
    expect(formatAmount(1250, "COIN", { display: { name: "", symbol: "  " } })).toBe("1,250 coins");
  });
});
