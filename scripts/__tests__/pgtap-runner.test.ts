/**
 * The pgTAP runner (scripts/pgtap-runner.ts) on small files written here: passing, failing with
 * diagnostics, dying mid-way on an SQL error, a plan mismatch, includes and the runner's variables.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPgTapFile } from "../pgtap-runner.ts";
import { dbUrls } from "../../server/__tests__/helpers.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
let dir: string;

function file(name: string, body: string): string {
  const p = path.join(dir, name);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, body);
  return p;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "pgtap-runner-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the pgTAP runner", () => {
  it("passes a good file, expanding \\ir includes and :'errors_md'", async () => {
    file("lib/h.psql", "create function pg_temp.two() returns int language sql as $$ select 2 $$;\n");
    const f = file("good.sql", "begin;\nselect plan(2);\n\\ir lib/h.psql\nselect is(pg_temp.two(), 2, 'included helper');\nselect ok(:'errors_md' like '%SQLSTATE%', 'errors_md is db/ERRORS.md');\nselect * from finish();\nrollback;\n");
    const r = await runPgTapFile(f, dbUrls().pgtap, ROOT);
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ ok: true, count: 2, pass: 2, plan: 2 });
  });

  it("reports every failing assertion with pgTAP's diagnostics", async () => {
    const f = file("fail.sql", "begin;\nselect plan(3);\nselect is(1, 2, 'one is two');\nselect ok(true, 'fine');\nselect is('a'::text, 'b', 'a is b');\nrollback;\n");
    const r = await runPgTapFile(f, dbUrls().pgtap, ROOT);
    expect(r.ok).toBe(false);
    expect(r.problems).toHaveLength(2);
    expect(r.problems[0]).toMatch(/^not ok 1 - one is two\n.*Failed test 1: "one is two"\n.*have: 1\n.*want: 2/);
    expect(r.problems[1]).toMatch(/^not ok 3 - a is b\n[\s\S]*have: a\n[\s\S]*want: b/);
  });

  it("fails a file that dies mid-way on an SQL error, naming the file and line, and the plan it missed", async () => {
    const f = file("dies.sql", "begin;\nselect plan(3);\nselect ok(true, 'first');\nselect no_such_function();\nselect ok(true, 'never');\nrollback;\n");
    const r = await runPgTapFile(f, dbUrls().pgtap, ROOT);
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatch(/^SQL error at .*dies\.sql:4: function no_such_function\(\) does not exist \(SQLSTATE 42883\)/);
    expect(r.problems).toContain("planned 3 tests but ran 1");
  });

  it("fails a plan mismatch and a file without a plan", async () => {
    const short = await runPgTapFile(file("short.sql", "begin;\nselect plan(5);\nselect ok(true, 'only one');\nrollback;\n"), dbUrls().pgtap, ROOT);
    expect(short.ok).toBe(false);
    expect(short.problems).toEqual(["planned 5 tests but ran 1"]);
    const none = await runPgTapFile(file("none.sql", "select 1;\n"), dbUrls().pgtap, ROOT);
    expect(none.ok).toBe(false);
    expect(none.problems[0]).toMatch(/no plan/);
  });

  it("refuses a psql meta-command it does not support, with its location", async () => {
    const r = await runPgTapFile(file("meta.sql", "begin;\nselect plan(1);\n\\set x `date`\nrollback;\n"), dbUrls().pgtap, ROOT);
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatch(/meta\.sql:3: the pgTAP runner does not support the psql meta-command \\set/);
  });
});
