import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ERRORS, databaseUnavailable, decodeDbError, isTransientDbError, renderError } from "../src/errors.ts";

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

  it("tells transient database failures (retry with the same key) from everything else", () => {
    for (const err of [
      { code: "57P01", message: "terminating connection due to administrator command" },
      { code: "57P02", message: "terminating connection because of crash of another server process" },
      { code: "57P03", message: "the database system is starting up" },
      { code: "08006", message: "connection failure" },
      { code: "40001", message: "could not serialize access" },
      { code: "57014", message: "canceling statement due to statement timeout" },
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }),
      new Error("Connection terminated unexpectedly"),
      new Error("timeout exceeded when trying to connect"),
      { message: "wrapped", originalError: { message: "wrapped again", cause: new Error("Connection terminated") } },
    ]) {
      expect(isTransientDbError(err), JSON.stringify(err) + String(err)).toBe(true);
    }
    for (const err of [{ code: "NF001", message: "insufficient_funds" }, { code: "23505" }, { code: "42501" }, new Error("boom"), null, "57P01"]) {
      expect(isTransientDbError(err)).toBe(false);
    }
    expect(databaseUnavailable()).toEqual({
      code: "DB001",
      key: "database_unavailable",
      detail: { retry_after_s: 2 },
      message: "The service is briefly unavailable: try again in 2 seconds with the same request id (it is carried out at most once).",
    });
  });
});
