import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ERRORS, decodeDbError, renderError } from "../src/errors.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function catalogue(): Map<string, { key: string; message: string }> {
  const md = readFileSync(path.join(root, "db/ERRORS.md"), "utf8");
  const rows = new Map<string, { key: string; message: string }>();
  for (const line of md.split("\n")) {
    const m = /^\| ([A-Z0-9]{5}) \| (\w+) \| (.+?) \|/.exec(line);
    if (m) rows.set(m[1], { key: m[2], message: m[3] });
  }
  return rows;
}

function raisedInMigrations(): Set<string> {
  const dir = path.join(root, "db/migrations/committed");
  const codes = new Set<string>();
  for (const f of readdirSync(dir)) {
    const sql = readFileSync(path.join(dir, f), "utf8");
    for (const m of sql.matchAll(/raise_error\(\s*(?:case when [^']+ then )?'([A-Z]{2}\d{3})'(?:\s*else\s*'([A-Z]{2}\d{3})')?/g)) {
      codes.add(m[1]);
      if (m[2]) codes.add(m[2]);
    }
  }
  return codes;
}

describe("the error catalogue", () => {
  it("lib/src/errors.ts mirrors db/ERRORS.md exactly", () => {
    const md = catalogue();
    expect([...md.keys()].sort()).toEqual(Object.keys(ERRORS).sort());
    for (const [code, row] of md) expect(ERRORS[code as keyof typeof ERRORS]).toEqual(row);
  });

  it("lists every SQLSTATE the migrations raise", () => {
    const raised = raisedInMigrations();
    expect(raised.size).toBeGreaterThan(10);
    for (const code of raised) expect(Object.keys(ERRORS)).toContain(code);
  });

  it("renders messages with their parameters", () => {
    expect(renderError("NF001", { needed: 30, available: 12 })).toBe("Not enough funds: this needs 30 coins and you have 12 coins.");
    // Issue 17, defect 9: an MCD payout's shortfall in dollars, not as coins at 100 times their value.
    expect(renderError("NF001", { needed: 150000, available: "1250", currency: "MCD" })).toBe("Not enough funds: this needs 1,500.00 MCD and you have 12.50 MCD.");
    expect(renderError("RL001", { limit: 5 })).toBe("Too many transfers: at most 5 every ? seconds. Try again shortly.");
  });

  it("decodes our errors from node-postgres and ignores the rest", () => {
    const decoded = decodeDbError({ code: "CD001", message: "cooldown_active", detail: '{"next_claim_at":"2026-01-01T00:00:00Z"}' });
    expect(decoded).toEqual({
      code: "CD001",
      key: "cooldown_active",
      detail: { next_claim_at: "2026-01-01T00:00:00Z" },
      message: "You have already claimed today: come back at 2026-01-01T00:00:00Z.",
    });
    expect(decodeDbError({ code: "23505", message: "duplicate key" })).toBeNull();
    expect(decodeDbError(new Error("boom"))).toBeNull();
  });
});
