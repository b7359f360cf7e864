import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{lib,db,server,scripts,minecraft,bot,panel}/__tests__/**/*.test.ts"],
    globalSetup: ["scripts/vitest.global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    env: { GRAPHILE_ENV: "test", LOG_LEVEL: "silent" },
  },
});
