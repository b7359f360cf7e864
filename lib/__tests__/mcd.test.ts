/**
 * Properties of the MCD amount parser and the middleman fee arithmetic (issue 13), with fast-check.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatPayAmount as formatAmount, mmFee, parseAmount } from "../src/mcd.ts";

const MAX = 10n ** 15n;
const cents = fc.bigInt({ min: 1n, max: MAX });

function grouped(whole: bigint): string {
  return whole.toLocaleString("en-US");
}

describe("parseAmount (chat lines and forms)", () => {
  it("reads back what formatAmount writes, for every amount", () => {
    fc.assert(
      fc.property(cents, (c) => {
        expect(parseAmount(formatAmount(c), MAX)).toEqual({ ok: true, minor: c });
      }),
    );
  });

  it("thousands separators, a $ sign and surrounding spaces do not change the amount", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX / 100n }), fc.integer({ min: 0, max: 99 }), (whole, c) => {
        const frac = c.toString().padStart(2, "0");
        const plain = parseAmount(`${whole}.${frac}`, MAX);
        expect(parseAmount(` $${grouped(whole)}.${frac} `, MAX)).toEqual(plain);
      }),
    );
  });

  it("k, m and b multiply by 10^3, 10^6, 10^9 (any case), as Donut SMP prints them ($1.5K)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999 }), fc.constantFrom(["k", 3], ["K", 3], ["m", 6], ["M", 6], ["b", 9], ["B", 9]), (n, [suffix, exp]) => {
        const r = parseAmount(`${n}${suffix as string}`, 10n ** 20n);
        expect(r).toEqual({ ok: true, minor: BigInt(n) * 10n ** BigInt(exp as number) * 100n });
      }),
    );
    expect(parseAmount("$1.5K", MAX)).toEqual({ ok: true, minor: 150_000n });
  });

  it("never accepts more than cents of precision, zero, or anything above the maximum", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX }), fc.integer({ min: 1, max: 9 }), (whole, d) => {
        expect(parseAmount(`${whole}.12${d}`, MAX).ok).toBe(false);
      }),
    );
    expect(parseAmount("0", MAX)).toEqual({ ok: false, problem: "zero" });
    expect(parseAmount(formatAmount(MAX + 1n), MAX)).toEqual({ ok: false, problem: "too_large" });
  });

  it("accepts only well-formed numbers: random text is refused or parsed to a positive amount", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        const r = parseAmount(s, MAX);
        if (r.ok) expect(r.minor > 0n && r.minor <= MAX).toBe(true);
      }),
    );
  });
});

describe("mmFee (app_private.mm_fee in TypeScript)", () => {
  it("fee + payout = sale, both in whole cents and never negative, fee rounded half up", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX }), fc.integer({ min: 0, max: 5000 }), (sale, bps) => {
        const { fee, payout } = mmFee(sale, bps);
        expect(fee + payout).toBe(sale);
        expect(fee >= 0n && payout >= 0n).toBe(true);
        // round half up: fee is the integer nearest sale * bps / 10000, ties going up.
        const twice = sale * BigInt(bps) * 2n;
        expect(fee * 20000n <= twice + 10000n && twice + 10000n < (fee + 1n) * 20000n).toBe(true);
      }),
    );
  });

  it("the edges: 5% of 0.09 is 0.00, of 0.10 is 0.01 (0.005 rounds up), of 1500.00 is 75.00", () => {
    expect(mmFee(9n, 500).fee).toBe(0n);
    expect(mmFee(10n, 500).fee).toBe(1n);
    expect(mmFee(29n, 500).fee).toBe(1n);
    expect(mmFee(30n, 500).fee).toBe(2n);
    expect(mmFee(150_000n, 500)).toEqual({ fee: 7_500n, payout: 142_500n });
    expect(() => mmFee(-1n, 500)).toThrow(RangeError);
    expect(() => mmFee(1n, 5001)).toThrow(RangeError);
  });
});
