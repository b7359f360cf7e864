import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["scripts/vitest.global-setup.ts"],
    include: ["{lib,db,server,scripts,minecraft,bot,panel}/__tests__/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    pool: "forks",
    // Two files at a time: most of them wait on PostgreSQL, timers and child processes rather than
    // the CPU. The files that run a job worker do so on a database of their own (isolateDatabase in
    // server/__tests__/helpers.ts), so they run beside the others.
    maxWorkers: 2,
    env: { GRAPHILE_ENV: "test", LOG_LEVEL: "silent" },
  },
});
