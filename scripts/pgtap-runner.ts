/**
 * Runs one pgTAP file through the pg client (no psql, no Perl pg_prove) and reads its TAP output
 * with `tap-parser`.
 *
 * The file is sent as one simple query (as psql with ON_ERROR_STOP would run it: statements in
 * order, the first error ends the file). Supported psql features:
 * - `\ir FILE` (relative to the including file) and `\i FILE` (relative to the repository root),
 *   expanded before sending;
 * - the variables the runner defines, interpolated as `:'name'` (a quoted literal):
 *   `errors_md` (the text of db/ERRORS.md);
 * - a statement ended with `\gset` (used to keep a result out of the output) ends there; the
 *   variables it would set are not kept (a later `:name` is a syntax error that names the line).
 * Any other backslash meta-command fails the file with its location.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { Parser } from "tap-parser";

/** A line of the expanded script and where it came from. */
interface Origin {
  file: string;
  line: number;
}

/** The result of one pgTAP file. */
export interface PgTapResult {
  ok: boolean;
  /** Assertions run, passed, planned (undefined: no plan printed). */
  count: number;
  pass: number;
  plan: number | undefined;
  /** One entry per failing assertion with its diagnostics, plus plan or SQL trouble: ready to print. */
  problems: string[];
  /** The raw TAP text (for debugging). */
  tap: string;
}

/**
 * Expands `\ir`/`\i` includes and the runner's variables; keeps each line's origin.
 *
 * @throws on an unsupported meta-command or a missing include.
 */
export function expandScript(file: string, rootDir: string, variables: Record<string, string>, depth = 0): { text: string; origins: Origin[] } {
  if (depth > 10) throw new Error(`${file}: includes nested too deep`);
  const rel = path.relative(rootDir, file);
  const lines = readFileSync(file, "utf8").split("\n");
  const out: string[] = [];
  const origins: Origin[] = [];
  lines.forEach((original, i) => {
    let line = original;
    const meta = /^\s*\\(\w+)\s*(.*?)\s*$/.exec(line);
    if (meta) {
      const [, cmd, arg] = meta;
      if (cmd === "ir" || cmd === "i" || cmd === "include" || cmd === "include_relative") {
        const target = path.resolve(cmd === "ir" || cmd === "include_relative" ? path.dirname(file) : rootDir, arg.replace(/^'(.*)'$/, "$1"));
        const inner = expandScript(target, rootDir, variables, depth + 1);
        out.push(inner.text);
        origins.push(...inner.origins);
        return;
      }
      throw new Error(`${rel}:${i + 1}: the pgTAP runner does not support the psql meta-command \\${cmd}`);
    }
    const gset = /\\gset(\s+\w+)?\s*$/.exec(line);
    if (gset) line = `${line.slice(0, gset.index)};`;
    out.push(line.replace(/:'([a-z_][a-z0-9_]*)'/gi, (whole, name: string) => (name in variables ? pg.Client.prototype.escapeLiteral(variables[name]) : whole)));
    origins.push({ file: rel, line: i + 1 });
  });
  return { text: out.join("\n"), origins };
}

/** The origin of a 1-based character position of the expanded text. */
function originOf(text: string, origins: Origin[], position: number): Origin | undefined {
  const line = text.slice(0, Math.max(0, position - 1)).split("\n").length;
  return origins[line - 1];
}

/**
 * Runs a pgTAP file on `url` and parses its output.
 *
 * @param file - absolute path of the .sql file.
 * @param url - a superuser URL of the test database.
 * @param rootDir - the repository root (for `\i` and messages).
 */
export async function runPgTapFile(file: string, url: string, rootDir: string): Promise<PgTapResult> {
  const variables = { errors_md: readFileSync(path.join(rootDir, "db/ERRORS.md"), "utf8") };
  const problems: string[] = [];
  let script: { text: string; origins: Origin[] };
  try {
    script = expandScript(file, rootDir, variables);
  } catch (err) {
    return { ok: false, count: 0, pass: 0, plan: undefined, problems: [(err as Error).message], tap: "" };
  }
  const output: string[] = [];
  const client = new pg.Client({ connectionString: url, application_name: `pgtap ${path.basename(file)}` });
  client.on("notice", () => {});
  await client.connect();
  try {
    await new Promise<void>((resolve) => {
      const query = client.query(new pg.Query(script.text));
      query.on("row", (row: Record<string, unknown>) => {
        const value = Object.values(row)[0];
        if (typeof value === "string") output.push(...value.split("\n"));
      });
      query.on("end", () => resolve());
      query.on("error", (error: Error) => {
        const err = error as pg.DatabaseError;
        const at = err.position ? originOf(script.text, script.origins, Number(err.position)) : undefined;
        const where = at ? ` at ${at.file}:${at.line}` : "";
        problems.push(`SQL error${where}: ${err.message}${err.code ? ` (SQLSTATE ${err.code})` : ""}${err.detail ? `\n  detail: ${err.detail}` : ""}${err.where ? `\n  context: ${err.where}` : ""}`);
        resolve();
      });
    });
  } finally {
    await client.end().catch(() => {});
  }

  const tap = `${output.join("\n")}\n`;
  const parser = new Parser();
  let current: { id: number; name: string; lines: string[] } | undefined;
  const failing: { id: number; name: string; lines: string[] }[] = [];
  parser.on("assert", (a: { ok: boolean; id: number; name: string; todo?: unknown; skip?: unknown }) => {
    current = undefined;
    if (!a.ok && !a.todo && !a.skip) {
      current = { id: a.id, name: a.name, lines: [] };
      failing.push(current);
    }
  });
  parser.on("comment", (c: string) => {
    if (current) current.lines.push(c.replace(/\n$/, ""));
  });
  const summary = await new Promise<{ ok: boolean; count: number; pass: number; plan: { start: number; end: number } | null }>((resolve) => {
    parser.on("complete", (r) => resolve(r as never));
    parser.end(tap);
  });
  for (const f of failing) problems.push([`not ok ${f.id} - ${f.name}`, ...f.lines.map((l) => `  ${l}`)].join("\n"));
  const plan = summary.plan && summary.plan.end >= summary.plan.start ? summary.plan.end : undefined;
  if (plan === undefined) problems.push("no plan: the file printed no `1..N` line (select plan(n) missing or not reached)");
  else if (summary.count !== plan) problems.push(`planned ${plan} tests but ran ${summary.count}`);
  return { ok: problems.length === 0, count: summary.count, pass: summary.pass, plan, problems, tap };
}
