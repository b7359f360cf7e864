/**
 * The rulebook is the truth: every rule of the application schemas lives in exactly one file under
 * db/migrations/fixtures/<domain>/, and the files say exactly what the committed migrations built.
 * Runs on a database of its own (the files are re-run inside a rolled-back transaction there, so
 * no other suite waits on its locks).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ROOT_DIR, migrateDatabase, setupDatabase, withUrl } from "../scripts/index.ts";
import { declaredIn, rulebookDrift, ruleFiles, type RuleFile } from "../scripts/rulebook.ts";

const urls = inject("db");
const database = `${new URL(urls.root).pathname.slice(1)}_rulebook`;
const rootUrl = withUrl(urls.root, { database: "postgres" });
const ownerUrl = withUrl(urls.owner, { database });
let client: pg.Client;

beforeAll(async () => {
  const root = new pg.Client({ connectionString: rootUrl });
  await root.connect();
  try {
    await root.query(`drop database if exists ${database} with (force)`);
  } finally {
    await root.end();
  }
  await setupDatabase(rootUrl, database);
  await migrateDatabase({ owner: ownerUrl, root: rootUrl });
  client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
}, 120_000);

afterAll(async () => {
  await client?.end();
  const root = new pg.Client({ connectionString: rootUrl });
  await root.connect();
  await root.query(`drop database if exists ${database} with (force)`).finally(() => root.end());
});

describe("db/migrations/fixtures (the rulebook)", () => {
  const files = ruleFiles();

  it("re-running every file changes no function, view or policy, and every one of them is in a file", async () => {
    const drift = await rulebookDrift(client, files);
    expect(drift.failed, "files that fail on a migrated database").toEqual([]);
    expect(drift.changed, "changed by its file: the file and the migrations disagree (edit the file and include it in current.sql)").toEqual([]);
    expect(drift.onlyInFiles, "created by a file but by no committed migration (include the file in current.sql and commit)").toEqual([]);
    expect(drift.notInAnyFile, "in the database but in no file under db/migrations/fixtures").toEqual([]);
  });

  it("detects a file that disagrees with the migrations, and a rule that is in no file", async () => {
    const give = files.find((f) => f.include === "give/give_from.sql")!;
    const edited: RuleFile = { ...give, sql: give.sql.replace(/\$\$/, "$$$$\n-- an edit that no migration carries") };
    const withoutDaily = files.filter((f) => f.include !== "daily/claim_daily_for.sql").map((f) => (f === give ? edited : f));
    const drift = await rulebookDrift(client, withoutDaily);
    expect(drift.changed.filter((k) => k.startsWith("function app_private.give_from("))).toHaveLength(1);
    expect(drift.notInAnyFile.filter((k) => k.startsWith("function app_private.claim_daily_for("))).toHaveLength(1);
  });

  it("declares each function, view and policy set in exactly one file, named after it", () => {
    const owners = new Map<string, string[]>();
    for (const f of files) {
      const d = declaredIn(f.sql);
      const base = path.basename(f.include, ".sql");
      const named = [...d.functions, ...d.views].map((n) => n.split(".").pop());
      if (base.endsWith(".policies")) {
        expect(d.policyTables.map((t) => t.split(".").pop()), f.include).toEqual([base.replace(/\.policies$/, "")]);
        expect(named, `${f.include} holds policies only`).toEqual([]);
      } else {
        expect(named.length, `${f.include} creates something`).toBeGreaterThan(0);
        expect(named.every((n) => n === base), `${f.include} is named after what it creates (${named.join(", ")})`).toBe(true);
        expect(d.policyTables, `${f.include}: policies go in <table>.policies.sql`).toEqual([]);
      }
      for (const key of [...d.functions.map((n) => `function ${n}`), ...d.views.map((n) => `view ${n}`), ...d.policyTables.map((t) => `policies ${t}`)]) {
        owners.set(key, [...(owners.get(key) ?? []), f.include]);
      }
    }
    const twice = [...owners].filter(([, where]) => where.length > 1);
    expect(twice, "declared in more than one file").toEqual([]);
  });

  it("comments every function beside its definition (COMMENT ON in the same file)", () => {
    const missing = files.flatMap((f) =>
      declaredIn(f.sql).functions.filter((n) => !new RegExp(`comment\\s+on\\s+function\\s+${n.replace(/\./g, "\\.")}\\s*\\(`, "i").test(f.sql)).map((n) => `${f.include}: ${n}`),
    );
    expect(missing).toEqual([]);
  });

  it("has pgTAP tests beside every domain: db/test/<domain>/*.sql", () => {
    const testDir = path.join(ROOT_DIR, "db/test");
    const domains = [...new Set(files.map((f) => f.domain))];
    const untested = domains.filter((d) => !existsSync(path.join(testDir, d)) || !readdirSync(path.join(testDir, d)).some((f) => f.endsWith(".sql")));
    expect(untested, "domains with no db/test/<domain>/*.sql").toEqual([]);
    const map = readFileSync(path.join(ROOT_DIR, "db/README.md"), "utf8");
    expect(domains.filter((d) => !map.includes(`(migrations/fixtures/${d})`)), "domains missing from db/README.md's map").toEqual([]);
    const strays = readdirSync(testDir).filter((n) => n.endsWith(".sql"));
    expect(strays, "pgTAP files go in the folder of their domain").toEqual([]);
  });
});
