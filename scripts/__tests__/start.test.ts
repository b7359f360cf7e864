/**
 * `npm start` (scripts/start.ts) as a user runs it, on an embedded PostgreSQL of its own under
 * .data/: Ctrl-C shuts down in order and prints one line (defect 13); as root, a data directory
 * in a private folder (as `mktemp -d` makes) is refused in one line, no stack trace (defect 17).
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freeTcpPort } from "../testdb.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Started {
  pid: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `node scripts/start.ts` in its own process group (as a terminal runs a foreground job). */
function npmStart(env: NodeJS.ProcessEnv): Started {
  const { TEST_ROOT_URL, TEST_OWNER_URL, TEST_AUTHENTICATOR_URL, DATABASE_URL, DATABASE_OWNER_URL, ROOT_DATABASE_URL, ...base } = process.env;
  void [TEST_ROOT_URL, TEST_OWNER_URL, TEST_AUTHENTICATOR_URL, DATABASE_URL, DATABASE_OWNER_URL, ROOT_DATABASE_URL];
  const child = spawn(process.execPath, [path.join(ROOT, "scripts/start.ts")], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...base, NODE_ENV: "development", LOG_LEVEL: "info", SEED_DEMO: "false", ...env },
  });
  let out = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (out += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { pid: child.pid!, output: () => out, exited };
}

describe("npm start", () => {
  it("stops on Ctrl-C in order and says so in one line (defect 13)", async () => {
    const dataDir = mkdtempSync(path.join(ROOT, ".data/start-test-"));
    chmodSync(dataDir, 0o755); // as root, the server's user postgres must enter it
    dirs.push(dataDir);
    const run = npmStart({ GUILDBANK_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freeTcpPort()), PORT: String(await freeTcpPort()) });
    const until = Date.now() + 150_000;
    // Up means the banner and the job worker's own start line (it may log after the banner).
    while (!run.output().includes("Stop with Ctrl-C.") || !run.output().includes("Worker connected")) {
      const done = await Promise.race([run.exited, new Promise((r) => setTimeout(() => r(undefined), 200))]);
      if (done || Date.now() > until) throw new Error(`npm start did not come up:\n${run.output()}`);
    }
    const before = run.output().length;
    process.kill(-run.pid, "SIGINT"); // the terminal sends Ctrl-C to the whole foreground group
    const { code } = await run.exited;
    const after = run.output().slice(before).trim();
    expect(after.split("\n"), after).toHaveLength(1);
    expect(after).toMatch(/^Guildbank stopped \(SIGINT\) in \d+ ms: server, jobs and pools closed, embedded PostgreSQL stopped\.$/);
    expect(code).toBe(0);
    expect(existsSync(path.join(dataDir, "pg/postmaster.pid"))).toBe(false);
  }, 180_000);

  it.runIf(userInfo().uid === 0)("as root with GUILDBANK_DATA_DIR in a private directory, says what to do in one line (defect 17)", async () => {
    const privateDir = mkdtempSync(path.join(tmpdir(), "guildbank-start-")); // 0700, as mktemp -d
    dirs.push(privateDir);
    const run = npmStart({ GUILDBANK_DATA_DIR: privateDir, EMBEDDED_PG_PORT: String(await freeTcpPort()), PORT: String(await freeTcpPort()), LOG_LEVEL: "error" });
    const { code } = await run.exited;
    const out = run.output().trim();
    expect(code).toBe(1);
    expect(out.split("\n"), out).toHaveLength(1);
    expect(out).toBe(
      `npm start: the data directory ${privateDir} is out of reach of the system user postgres, which the embedded PostgreSQL runs as under root: ${privateDir} (mode 0700) lets no other user in; chmod o+x ${privateDir}, or choose a GUILDBANK_DATA_DIR whose parents others can enter`,
    );
  }, 60_000);
});
