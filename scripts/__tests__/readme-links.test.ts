/**
 * The documentation a user of the repository reads names only what the repository has: every
 * relative link (and its #anchor), and every repository path written as inline code, in README.md,
 * ARCHITECTURE.md and db/CONVENTIONS.md exists. A path may be a glob (`db/test/*.sql`: something
 * must match) or a file the user creates or the build writes (git-ignored, e.g.
 * `docker/secrets/rclone.conf`, `panel/dist/`). Fenced code blocks are examples and are not read.
 */
import { execFileSync } from "node:child_process";
import { existsSync, globSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DOCS = ["README.md", "ARCHITECTURE.md", "db/CONVENTIONS.md"];

/** The top-level folders a path may start with: the workspaces and the other folders of the repository. */
const TOP = new Set([
  "db",
  "server",
  "panel",
  "bot",
  "minecraft",
  "lib",
  "scripts",
  "docker",
  "docs",
  "bench",
  ".ci",
  ...readdirSync(ROOT).filter((n) => n !== "node_modules" && n !== ".git" && statSync(path.join(ROOT, n)).isDirectory()),
]);
/** Top-level files that are named as inline code without a folder. */
const TOP_FILES = /^(\.env\.example|\.gmrc|Dockerfile|docker-compose\.yml|package\.json|tsconfig\.json|vitest\.config\.ts|README\.md|ARCHITECTURE\.md)$/;

/** What one document names. */
export interface Named {
  /** Relative link targets, as written (`db/ERRORS.md`, `#configuration`, `README.md#web-panel`). */
  links: string[];
  /** Inline code that is a repository path, as written. */
  paths: string[];
}

/** The text outside fenced code blocks. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
}

/**
 * The relative links and repository paths a Markdown document names.
 *
 * @param markdown - the document.
 */
export function named(markdown: string): Named {
  const text = prose(markdown);
  const links = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map((m) => m[1])
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
  const paths = [...text.matchAll(/`([^`\n]+)`/g)]
    .map((m) => m[1].trim())
    .filter((p) => !/[\s<>${}()=,;:'"|\\]/.test(p) && !p.startsWith("/") && !p.startsWith("-"))
    .filter((p) => (p.includes("/") ? TOP.has(p.split("/")[0]) || p.startsWith("*/") : TOP_FILES.test(p)));
  return { links: [...new Set(links)], paths: [...new Set(paths)] };
}

/** A path with its placeholders (`NNNNNN-*.sql`, `YYYY-MM-DD`) as globs. */
export function asGlob(p: string): string {
  return p.replace(/(?<![A-Za-z])[NXYMDHS]{2,}(?![a-z])/g, "*");
}

/** GitHub's anchors of a document's headings (lower case, punctuation dropped, spaces to dashes, duplicates numbered). */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]
      .replace(/`/g, "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Whether git ignores a path (a file the user creates, or build output). */
function ignored(rel: string): boolean {
  try {
    execFileSync("git", ["check-ignore", "-q", "--no-index", rel], { cwd: ROOT, stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a repository path (relative to the root) exists: a file or folder, a glob that matches
 * something, or a git-ignored path (created by the user or the build).
 */
function exists(rel: string): boolean {
  const clean = asGlob(rel.replace(/\/+$/, ""));
  if (clean.includes("*")) return globSync(clean, { cwd: ROOT, exclude: (p) => p.includes("node_modules") }).length > 0;
  return existsSync(path.join(ROOT, clean)) || ignored(clean);
}

/** Everything a document names that does not exist, as readable lines. */
function missing(doc: string): string[] {
  const file = path.join(ROOT, doc);
  const markdown = readFileSync(file, "utf8");
  const { links, paths } = named(markdown);
  const problems: string[] = [];
  for (const link of links) {
    const [target, anchor] = link.split("#", 2) as [string, string | undefined];
    const rel = target ? path.relative(ROOT, path.resolve(path.dirname(file), decodeURIComponent(target))) : doc;
    if (target && !exists(rel)) {
      problems.push(`${doc}: link to ${link}: ${rel} does not exist`);
      continue;
    }
    if (anchor && rel.endsWith(".md") && !anchors(readFileSync(path.join(ROOT, rel), "utf8")).has(anchor)) {
      problems.push(`${doc}: link to ${link}: no heading with the anchor #${anchor} in ${rel}`);
    }
  }
  for (const p of paths) if (!exists(p)) problems.push(`${doc}: names \`${p}\`, which does not exist`);
  return problems;
}

describe("the documentation names what the repository has", () => {
  for (const doc of DOCS) {
    it(`${doc}: every relative link, anchor and repository path exists`, () => {
      expect(existsSync(path.join(ROOT, doc)), `${doc} is missing`).toBe(true);
      expect(missing(doc)).toEqual([]);
    });
  }

  it("finds links, anchors and paths the way a reader would (and not in fenced examples)", () => {
    const doc = [
      "# Guildbank",
      "## Web panel",
      "See [the rules](db/ERRORS.md), [setup](#web-panel), ![shot](docs/x.png) and [Discord](https://discord.com).",
      "The tasks are in `server/src/tasks/`, the suites in `db/test/*.sql`, settings in `.env.example`;",
      "not paths: `/auth/dev`, `app_private.post_transfer`, `npm run db:dump`, `X-Audit-Reason`, `PANEL_BASE_URL/auth/discord/callback`.",
      "```sh",
      "cat docs/never-checked.txt `db/not-this.sql`",
      "```",
    ].join("\n");
    expect(named(doc)).toEqual({
      links: ["db/ERRORS.md", "#web-panel", "docs/x.png"],
      paths: ["server/src/tasks/", "db/test/*.sql", ".env.example"],
    });
    expect([...anchors(doc)]).toEqual(["guildbank", "web-panel"]);
    expect(asGlob("db/migrations/committed/NNNNNN-*.sql")).toBe("db/migrations/committed/*-*.sql");
    expect(asGlob("db/CONVENTIONS.md")).toBe("db/CONVENTIONS.md");
    expect(exists("db/migrations/committed/*.sql")).toBe(true);
    expect(exists("db/migrations/no-such-migration.sql")).toBe(false);
    expect(exists("docker/secrets/rclone.conf")).toBe(true);
  });
});
