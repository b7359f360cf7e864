/**
 * `npm test` checks its prerequisites first and names each missing one in one line, within
 * seconds (not a minute into the run, as pg_prove's absence was, or nine, as Chromium's was).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("npm test's prerequisites", () => {
  it("stops in seconds with one line for each missing prerequisite", () => {
    const started = Date.now();
    const run = spawnSync(process.execPath, [path.join(ROOT, "scripts/test.ts")], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, TEST_DATABASE_URL: "postgres://postgres@127.0.0.1:1/postgres", CHROMIUM_PATH: "/nonexistent/chromium" },
    });
    const elapsed = Date.now() - started;
    expect(run.status).toBe(1);
    expect(elapsed).toBeLessThan(15_000);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toEqual([
      "npm test: missing prerequisites:",
      "  - PostgreSQL at TEST_DATABASE_URL: cannot connect to 127.0.0.1:1 as postgres; unset TEST_DATABASE_URL to use the embedded PostgreSQL",
      "  - a browser for the end-to-end suite: CHROMIUM_PATH=/nonexistent/chromium does not exist: unset it to use the Chromium of the npm package @sparticuz/chromium",
    ]);
    expect(run.stdout).not.toMatch(/typecheck|panel build|test database ready/);
  }, 60_000);
});
