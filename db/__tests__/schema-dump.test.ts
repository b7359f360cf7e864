import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { ROOT_DIR } from "../scripts/index.ts";
import { dumpSchema } from "../scripts/schema-dump.ts";
import { clientToolsFor } from "../../scripts/__tests__/pg-client-tools.ts";

const url = inject("db").root;

// pg_dump of the server's very major (the dump's text differs across majors): the machine's, when
// it has one; the embedded PostgreSQL 17 ships none, so there the comparison is skipped, saying why.
const tools = await clientToolsFor(url, true);
if ("missing" in tools) console.warn(`db/schema.sql comparison skipped: it ${tools.missing}`);

describe("db/schema.sql", () => {
  it.skipIf("missing" in tools)("is the dump of the committed migrations (run `npm run db:dump` after changing them)", async () => {
    if ("missing" in tools) return;
    const bindir = tools.bindir;
    const previous = process.env.PATH;
    if (bindir) process.env.PATH = `${bindir}:${previous}`;
    try {
      expect(dumpSchema(url)).toBe(readFileSync(path.join(ROOT_DIR, "db/schema.sql"), "utf8"));
    } finally {
      process.env.PATH = previous;
    }
  });
});
