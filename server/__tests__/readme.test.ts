/**
 * The README's "Logging in locally" commands, taken from README.md as written, run with `sh` (curl
 * and sed) against a real server on the test database holding the demo guild that `npm start`
 * seeds: they sign in, read a card and give 5 coins with the CSRF token; pasted again they answer
 * the same receipt and move nothing more. `npm start` prints the same commands (devLoginExample).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { ROOT_DIR, seedDemo } from "@guildbank/db";
import { devLoginExample } from "../src/index.ts";
import { dbUrls, ledgerViolations, startTestServer, superuserPool, walletBalance } from "./helpers.ts";

const DEMO_GUILD = "100000000000000000";
const DOCUMENTED_URL = "http://127.0.0.1:3000";

/**
 * The shell block of the README section "Logging in locally".
 *
 * @throws if the section or its block is missing.
 */
async function readmeLoginCommands(): Promise<string> {
  const readme = await readFile(path.join(ROOT_DIR, "README.md"), "utf8");
  const section = readme.indexOf("**Logging in locally.**");
  if (section < 0) throw new Error('README.md has no "Logging in locally" section');
  const block = /```sh\n([\s\S]*?)\n```/.exec(readme.slice(section));
  if (!block) throw new Error('README.md: no sh block under "Logging in locally"');
  return block[1];
}

let db: pg.Pool;
let server: Awaited<ReturnType<typeof startTestServer>>;
let workDir: string;

beforeAll(async () => {
  db = superuserPool();
  // What `npm start` seeds (skipped when the guild is already there).
  await seedDemo(dbUrls().owner, { guildId: DEMO_GUILD });
  server = await startTestServer({ DEV_LOGIN: "true", DEMO_GUILD_ID: DEMO_GUILD });
  workDir = await mkdtemp(path.join(tmpdir(), "guildbank-readme-"));
}, 180_000);

afterAll(async () => {
  await server?.close();
  await db?.end();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** Runs the README's commands in a fresh shell, against the test server instead of port 3000. */
async function paste(commands: string): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)("sh", ["-e", "-c", commands.replaceAll(DOCUMENTED_URL, server.url)], { cwd: workDir, timeout: 30_000 });
}

describe("README: Logging in locally", () => {
  it("documents the commands npm start prints", async () => {
    const commands = await readmeLoginCommands();
    expect(commands).toContain(DOCUMENTED_URL);
    expect(commands).toBe(devLoginExample(DOCUMENTED_URL, DEMO_GUILD));
  });

  it("signs in, reads the card and gives 5 coins when pasted; pasted again, answers the same receipt and moves nothing", async () => {
    const commands = await readmeLoginCommands();
    const [from, to] = [`${BigInt(DEMO_GUILD) + 1n}`, `${BigInt(DEMO_GUILD) + 2n}`];
    const before = [await walletBalance(db, DEMO_GUILD, from), await walletBalance(db, DEMO_GUILD, to)];

    const first = await paste(commands);
    const [card, give] = first.stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(card.errors, first.stdout).toBeUndefined();
    expect(card.data?.myCard.balance, first.stdout).toBe(String(before[0]));
    expect(give.errors, first.stdout).toBeUndefined();
    expect(give.data.give.giveReceipt).toMatchObject({ amount: "5", balance: String(before[0] - 5) });
    expect([await walletBalance(db, DEMO_GUILD, from), await walletBalance(db, DEMO_GUILD, to)]).toEqual([before[0] - 5, before[1] + 5]);

    const second = await paste(commands);
    const replay = JSON.parse(second.stdout.trim().split("\n")[1]);
    expect(replay.data.give.giveReceipt.txId).toBe(give.data.give.giveReceipt.txId);
    expect([await walletBalance(db, DEMO_GUILD, from), await walletBalance(db, DEMO_GUILD, to)]).toEqual([before[0] - 5, before[1] + 5]);
    expect(await ledgerViolations(db, DEMO_GUILD)).toEqual([]);
  });
});
