import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{lib,db,server,scripts,minecraft,bot,panel}/__tests__/**/*.test.ts"],
    globalSetup: ["scripts/vitest.global-setup.ts"],
    testTimeout: 60_000,
    // A beforeAll of a file that runs a worker waits for the others' worker-tests lock
    // (lockWorkerTests): with two files at a time that wait can pass a minute (worker.test.ts).
    hookTimeout: 240_000,
    pool: "forks",
    // Two files at a time on 2 cores (vitest's default there is one): most files wait on
    // PostgreSQL, timers and child processes rather than the CPU, and they are written to share the
    // test database with files running beside them.
    maxWorkers: 2,
    env: { GRAPHILE_ENV: "test", LOG_LEVEL: "silent" },
  },
});
