/** The amount parser and the line patterns: examples from the issue, then properties (fast-check). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatAmount, parseAmount } from "../src/amount.ts";
import { DEFAULT_CONFIRM_PATTERNS, DEFAULT_PAYMENT_PATTERNS, compilePatterns, matchLine, stripFormatting } from "../src/lines.ts";

const MAX = 100_000_000_000_000n; // $1,000,000,000,000.00

function minor(text: string, max = MAX): bigint | string {
  const r = parseAmount(text, max);
  return r.ok ? r.minor : r.problem;
}

/** Groups a non-negative integer's digits by commas in threes. */
function group(n: bigint): string {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

describe("parseAmount", () => {
  it("parses the issue's examples to cents", () => {
    expect(minor("1000")).toBe(100_000n);
    expect(minor("1,000.50")).toBe(100_050n);
    expect(minor("2.5k")).toBe(250_000n);
    expect(minor("12M")).toBe(1_200_000_000n);
    expect(minor("3.25b")).toBe(325_000_000_000n);
    expect(minor("$12.5")).toBe(1250n);
    expect(minor("0.01")).toBe(1n);
    expect(minor("1.2345k")).toBe(123_450n);
  });

  it("refuses exactly what is ambiguous", () => {
    for (const bad of ["1.2.3", "1,00", ",100", "1,,000", "1,0000", "01", "-5", "- 5", "1 000", "1e3", "k", "1.", ".5", "1.5kk", "0x10", "1,000,00"]) {
      expect(minor(bad), bad).toBe("malformed");
    }
    expect(minor("")).toBe("empty");
    expect(minor("$")).toBe("empty");
    expect(minor("1.234")).toBe("too_precise");
    expect(minor("1.2345678k")).toBe("too_precise");
    expect(minor("0")).toBe("zero");
    expect(minor("0.00k")).toBe("zero");
    expect(minor("1000.01", 100_000n)).toBe("too_large");
    expect(minor("1000", 100_000n)).toBe(100_000n);
  });

  it("property: any cent amount printed plainly, grouped or with $ parses back to itself", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX }), fc.boolean(), fc.boolean(), (n, grouped, dollar) => {
        const whole = n / 100n;
        const cents = (n % 100n).toString().padStart(2, "0");
        const text = `${dollar ? "$" : ""}${grouped ? group(whole) : whole.toString()}.${cents}`;
        expect(minor(text)).toBe(n);
        expect(minor(formatAmount(n))).toBe(n);
      }),
      { numRuns: 2000 },
    );
  });

  it("property: a suffix multiplies exactly (k = 10^3, m = 10^6, b = 10^9, any case)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 99_999n }),
        fc.integer({ min: 0, max: 2 }),
        fc.constantFrom(["k", 3n], ["K", 3n], ["m", 6n], ["M", 6n], ["b", 9n], ["B", 9n]),
        (digits, decimals, [suffix, exp]) => {
          const s = digits.toString().padStart(decimals + 1, "0");
          const text = decimals ? `${s.slice(0, -decimals)}.${s.slice(-decimals)}${suffix}` : `${s}${suffix}`;
          // value = digits / 10^decimals × 10^exp dollars = digits × 10^(exp + 2 − decimals) cents
          const expected = digits * 10n ** (exp + 2n - BigInt(decimals));
          if (/^0\d/.test(text)) return; // leading zeros are refused on purpose
          expect(minor(text, 10n ** 20n)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("property: whatever the input, the result is a refusal or a positive amount within the maximum", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[-$0-9,.kmbKMB ]{0,12}$/)), fc.bigInt({ min: 1n, max: MAX }), (text, max) => {
        const r = parseAmount(text, max);
        if (r.ok) {
          expect(r.minor > 0n && r.minor <= max).toBe(true);
        } else {
          expect(["empty", "malformed", "too_precise", "zero", "too_large"]).toContain(r.problem);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("property: two decimal points, a negative sign or a comma group that is not three digits is always refused", () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.nat({ max: 99 }), fc.nat({ max: 99 }), fc.integer({ min: 1, max: 2 }), (a, b, c, len) => {
        expect(parseAmount(`${a}.${b}.${c}`, MAX).ok).toBe(false);
        expect(parseAmount(`-${a + 1}`, MAX).ok).toBe(false);
        expect(parseAmount(`${a + 1},${c.toString().padStart(len, "0").slice(0, len)}`, MAX).ok).toBe(false);
      }),
    );
  });
});

describe("payment and confirmation lines", () => {
  const payments = compilePatterns(DEFAULT_PAYMENT_PATTERNS, "payer");
  const confirms = compilePatterns(DEFAULT_CONFIRM_PATTERNS, "ign");

  it("matches both payment forms, with $, commas, a trailing full stop and colour codes", () => {
    expect(matchLine("Steve paid you $1,000.50.", payments, "payer", MAX)).toMatchObject({ ok: true, ign: "Steve", minor: 100_050n });
    expect(matchLine("§aAlex_2 §7has paid you §e2.5k", payments, "payer", MAX)).toMatchObject({ ok: true, ign: "Alex_2", minor: 250_000n });
    expect(matchLine("Bob paid you 12M!", payments, "payer", MAX)).toMatchObject({ ok: true, minor: 1_200_000_000n });
    expect(matchLine("Bob paid you 1.2.3", payments, "payer", MAX)).toMatchObject({ ok: false, problem: "malformed" });
    expect(matchLine("<Bob> Bob paid you 5", payments, "payer", MAX)).toBeNull();
    expect(matchLine("Bob paid everyone 5", payments, "payer", MAX)).toBeNull();
  });

  it("matches payout confirmations", () => {
    expect(matchLine("You paid Steve $10.50.", confirms, "ign", MAX)).toMatchObject({ ok: true, ign: "Steve", minor: 1050n });
    expect(matchLine("$1,500 has been sent to Alex.", confirms, "ign", MAX)).toMatchObject({ ok: true, ign: "Alex", minor: 150_000n });
  });

  it("strips formatting codes", () => {
    expect(stripFormatting("§x§f§f§0§0§0§0Hi  §lthere ")).toBe("Hi there");
  });

  it("refuses patterns without the named groups", () => {
    expect(() => compilePatterns(["^(\\w+) paid you (\\d+)$"], "payer")).toThrow(/named groups/);
  });
});
