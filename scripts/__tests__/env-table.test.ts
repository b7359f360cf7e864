import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnvExample, withEnvTable } from "../env-table.ts";

const root = path.resolve(import.meta.dirname, "../..");
const readme = readFileSync(path.join(root, "README.md"), "utf8");
const envExample = readFileSync(path.join(root, ".env.example"), "utf8");

describe("the README's configuration table", () => {
  it("is generated from .env.example (run `npm run docs:env` after editing it)", () => {
    expect(readme).toBe(withEnvTable(readme, envExample));
  });

  it("documents every variable the processes read from the environment", () => {
    const documented = new Set(parseEnvExample(envExample).map((v) => v.name));
    const sources = ["server/src/config.ts", "server/src/worker/config.ts", "scripts/start.ts", "scripts/migrate.ts", "db/scripts/setup.ts", "minecraft/src/config.ts"];
    for (const file of sources) {
      const text = readFileSync(path.join(root, file), "utf8");
      for (const m of text.matchAll(/^\s{2,6}([A-Z][A-Z0-9_]{2,}): (?:z\.|env\.)/gm)) {
        expect(documented, `${m[1]} (read in ${file}) is missing from .env.example`).toContain(m[1]);
      }
    }
  });
});
