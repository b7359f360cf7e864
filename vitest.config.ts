import { globSync, readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";

const INCLUDE = ["{lib,db,server,scripts,minecraft,bot,panel}/__tests__/**/*.test.ts"];
// The files that run a job worker (they take the worker-tests lock, lockWorkerTests): they share
// one job queue and one alert feed with everything else in the test database, so they run one at
// a time and alone, after the others (which run two at a time: most of them wait on PostgreSQL,
// timers and child processes rather than the CPU).
const WORKER_FILES = globSync(INCLUDE[0]).filter((f) => readFileSync(f, "utf8").includes("lockWorkerTests("));

export default defineConfig({
  test: {
    globalSetup: ["scripts/vitest.global-setup.ts"],
    testTimeout: 60_000,
    // A worker file's beforeAll waits for the worker-tests lock while another holds it.
    hookTimeout: 240_000,
    pool: "forks",
    env: { GRAPHILE_ENV: "test", LOG_LEVEL: "silent" },
    projects: [
      { extends: true, test: { name: "shared", include: INCLUDE, exclude: WORKER_FILES, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: "workers", include: WORKER_FILES, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
