/**
 * The embedded PostgreSQL of `npm start` and `npm test` (db/scripts/embedded.ts), on clusters of
 * its own under .data/: a server left running by a run that crashed, even one deaf to SIGINT, is
 * stopped and the next start works, saying so in one line (defect 19); as root, a data directory
 * the system user postgres cannot reach is refused in one line before anything starts (defect 17).
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EmbeddedPostgresError, canConnect, startEmbedded, type EmbeddedServer } from "@guildbank/db";
import { freeTcpPort } from "../../scripts/testdb.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const NODE = process.execPath;
const started: EmbeddedServer[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const s of started) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A data directory of this test's own under .data/ (reachable by the postgres user). */
function dataDir(): string {
  const d = mkdtempSync(path.join(ROOT, ".data/embedded-test-"));
  chmodSync(d, 0o755);
  dirs.push(d);
  return d;
}

/**
 * Starts a cluster in a child Node process that then dies by SIGKILL (as a crash would: no exit
 * hook runs), leaving its PostgreSQL running.
 *
 * @returns the postmaster's pid and port.
 */
async function crashAfterStart(dir: string): Promise<{ pid: number; port: number }> {
  const port = await freeTcpPort();
  const code = `
    const { startEmbedded } = await import(${JSON.stringify(path.join(ROOT, "db/scripts/embedded.ts"))});
    const s = await startEmbedded(${JSON.stringify(dir)}, ${port}, "pw");
    console.log("started " + s.pid);
    process.kill(process.pid, "SIGKILL");`;
  const child = spawn(NODE, ["--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (out += c));
  const signal = await new Promise((resolve) => child.on("exit", (_c, s) => resolve(s)));
  expect(signal, out).toBe("SIGKILL");
  const pid = Number(/started (\d+)/.exec(out)?.[1]);
  expect(pid, out).toBeGreaterThan(0);
  expect(await canConnect(`postgres://postgres:pw@127.0.0.1:${port}/postgres`)).toBe(true);
  return { pid, port };
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("a server left running by a crashed run (defect 19)", () => {
  it("is stopped, the next start works, and it is said in one line", async () => {
    const dir = dataDir();
    const old = await crashAfterStart(dir);
    const port = await freeTcpPort();
    const t = Date.now();
    const server = await startEmbedded(dir, port, "pw");
    started.push(server);
    expect(Date.now() - t).toBeLessThan(20_000);
    expect(isAlive(old.pid)).toBe(false);
    expect(server.notices).toHaveLength(1);
    expect(server.notices[0]).toMatch(new RegExp(`left running on .* by an earlier run \\(pid ${old.pid}, port ${old.port}\\) was stopped$`));
    expect(server.notices[0]).not.toContain("\n");
    expect(await canConnect(server.rootUrl)).toBe(true);
    await server.stop();
    expect(isAlive(server.pid)).toBe(false);
  }, 120_000);

  it("is stopped even when it ignores SIGINT (stuck), by SIGQUIT or SIGKILL", async () => {
    const dir = dataDir();
    const old = await crashAfterStart(dir);
    process.kill(old.pid, "SIGSTOP"); // deaf to SIGINT and SIGQUIT until killed
    const server = await startEmbedded(dir, await freeTcpPort(), "pw", { leftoverGraceMs: 1_000 });
    started.push(server);
    expect(isAlive(old.pid)).toBe(false);
    expect(server.notices).toEqual([expect.stringMatching(/was stopped \(it ignored SIGINT; SIGKILL ended it\)$/)]);
    expect(await canConnect(server.rootUrl)).toBe(true);
    await server.stop();
  }, 120_000);
});

describe.runIf(userInfo().uid === 0)("as root, a data directory out of the postgres user's reach (defect 17)", () => {
  it("is refused before anything starts, in one line that says what to do", async () => {
    const privateDir = mkdtempSync(path.join(tmpdir(), "guildbank-private-")); // mode 0700, as mktemp -d makes
    dirs.push(privateDir);
    const err = await startEmbedded(path.join(privateDir, "data"), await freeTcpPort(), "pw").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EmbeddedPostgresError);
    const message = (err as Error).message;
    expect(message).not.toContain("\n");
    expect(message).toContain(`${privateDir} (mode 0700) lets no other user in; chmod o+x ${privateDir}`);
  });

  it("works once the directory lets others in (the advice holds)", async () => {
    const privateDir = mkdtempSync(path.join(tmpdir(), "guildbank-private-"));
    dirs.push(privateDir);
    chmodSync(privateDir, 0o711);
    const server = await startEmbedded(path.join(privateDir, "data"), await freeTcpPort(), "pw");
    started.push(server);
    expect(await canConnect(server.rootUrl)).toBe(true);
    await server.stop();
  }, 120_000);
});
