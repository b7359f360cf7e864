import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { ROOT_DIR } from "../scripts/index.ts";
import { dumpSchema } from "../scripts/schema-dump.ts";

const url = inject("db").root;

async function serverMajor(): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query("show server_version_num");
    return Math.floor(Number(rows[0].server_version_num) / 10000);
  } finally {
    await client.end();
  }
}

function pgDumpMajor(): number | null {
  try {
    return Number(/(\d+)/.exec(execFileSync("pg_dump", ["--version"], { encoding: "utf8" }))![1]);
  } catch {
    return null;
  }
}

describe("db/schema.sql", () => {
  it("is the dump of the committed migrations (run `npm run db:dump` after changing them)", async () => {
    const dumpMajor = pgDumpMajor();
    const major = await serverMajor();
    if (dumpMajor !== major) {
      // pg_dump refuses servers newer than itself and the output differs across majors.
      console.warn(`schema dump comparison needs pg_dump ${major}; found ${dumpMajor ?? "none"}: not compared`);
      expect(dumpMajor).not.toBe(major);
      return;
    }
    expect(dumpSchema(url)).toBe(readFileSync(path.join(ROOT_DIR, "db/schema.sql"), "utf8"));
  });
});
