/**
 * The community pages end to end in headless Chromium (issue 14): a staff member signs in through the fake Discord,
 * creates a task and sees its Discord message id appear once the bot (a real bot runner against its own fake Discord)
 * has posted it; reviews a proof (image preview, Accept pays the reward); composes an announcement with the embed
 * builder (the live preview follows the inputs) and schedules it. Saves the Community screenshots into
 * test-results/screenshots/ (git-ignored), or SCREENSHOTS_DIR: `npm run docs:screenshots` refreshes the README's.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { chromium, type Browser, type Page } from "playwright-core";
import { resolveChromium } from "../../scripts/chromium.ts";
import { createGuild, freePort, isolateDatabase, startTestServer, superuserPool, walletBalance } from "../../server/__tests__/helpers.ts";
import { discordServerEnv, startFakeDiscord, type FakeDiscord } from "../../server/__tests__/fake-discord.ts";
import { snowflake, startTestBot, type TestBot } from "../../bot/__tests__/fixtures.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DIST = path.join(ROOT, "panel/dist");
const SHOTS = path.resolve(ROOT, process.env.SCREENSHOTS_DIR ?? "test-results/screenshots");

let db: pg.Pool;
let fake: FakeDiscord;
let bot: TestBot;
let dropOwnDatabase: () => Promise<void>;
let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let guildId: string;
let members: string[];
let page: Page;
const roleAdmin = () => (BigInt(guildId) + 800n).toString();
const admin = () => (BigInt(guildId) + 801n).toString();

beforeAll(async () => {
  const launch = await resolveChromium();
  if (!existsSync(path.join(DIST, "index.html"))) {
    const build = spawnSync(process.execPath, [path.join(ROOT, "node_modules/vite/bin/vite.js"), "build", "panel"], { cwd: ROOT, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`vite build failed:\n${build.stdout}\n${build.stderr}`);
  }
  mkdirSync(SHOTS, { recursive: true });
  dropOwnDatabase = await isolateDatabase();
  db = superuserPool();
  ({ guildId, memberIds: members } = await createGuild(db, 2));
  await db.query("insert into app_public.staff_role_mappings (guild_id, discord_role_id, staff_role) values ($1, $2, 'ADMIN')", [guildId, roleAdmin()]);
  // The bot, set up in the guild with a task channel (its own fake Discord holds the channels and posts).
  bot = await startTestBot();
  const channel = (name: string) => {
    const id = snowflake();
    bot.discord.channels.set(id, { id, guild_id: guildId, name, type: 0, permission_overwrites: [] });
    return id;
  };
  const [hub, lb, shop, tx, tasks, review] = ["coin-hub", "leaderboard", "shop", "coin-transactions", "tasks", "task-review"].map(channel);
  await db.query("select app_hidden.save_discord_setup($1, $2, $3, $4, $5, 1, 2)", [guildId, hub, lb, shop, tx]);
  await db.query("update app_public.guild_settings set task_channel_id = $2, review_channel_id = $3 where guild_id = $1", [guildId, tasks, review]);
  fake = await startFakeDiscord();
  fake.setUser({ id: admin(), username: "ada", guilds: { [guildId]: [roleAdmin()] } });
  const port = await freePort();
  server = await startTestServer({ ...discordServerEnv(fake, guildId, `http://127.0.0.1:${port}`), PORT: String(port), PANEL_DIST_DIR: DIST });
  browser = await chromium.launch({ executablePath: launch.executablePath, headless: true, args: launch.args, env: launch.env });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: "en-US", timezoneId: "UTC" });
  page = await context.newPage();
  fake.signInAs(admin());
  await page.goto(`${server.url}/`);
  await page.getByTestId("discord-login").click();
  await page.getByTestId("live-feed").waitFor({ timeout: 20_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fake?.close();
  await bot?.stop();
  await db?.query("select graphile_worker.complete_jobs(array(select id from graphile_worker.jobs where queue_name = $1))", [`discord:${guildId}`]).catch(() => {});
  await db?.end();
  await dropOwnDatabase?.();
});

describe("community pages in Chromium", () => {
  it("creates a task and sees its Discord message id appear", async () => {
    await page.goto(`${server.url}/#/tasks/create`);
    await page.getByLabel(/^Name/).fill("Welcome newcomers");
    await page.getByLabel(/^Description/).fill("Say hi to three new members");
    await page.getByLabel(/Reward \(coins\)/).fill("120");
    await page.getByLabel(/Slots/).fill("3");
    await page.getByLabel(/^Reason/).fill("weekly community task");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByTestId("task-message-id").waitFor({ timeout: 10_000 }).catch(async (err: unknown) => {
      await page.screenshot({ path: path.join(SHOTS, "tasks-failed.png") });
      throw err;
    });
    // The bot's runner posts it in the task channel; the panel shows the message id once synced.
    await expect
      .poll(async () => {
        await page.reload();
        await page.getByTestId("task-message-id").waitFor();
        return page.getByTestId("task-message-id").textContent();
      }, { timeout: 20_000, interval: 500 })
      .toMatch(/^\d{17,20}$/);
    await page.getByTestId("sync-synced").waitFor();
    const { rows } = await db.query("select message_id::text, sync_state from app_public.tasks where guild_id = $1", [guildId]);
    expect(rows).toEqual([{ message_id: await page.getByTestId("task-message-id").textContent(), sync_state: "synced" }]);
    expect(bot.discord.messages.get(rows[0].message_id)!.embeds[0].title).toBe("📋 Task: Welcome newcomers");
    await page.goto(`${server.url}/#/tasks`);
    await page.locator("tbody tr").first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, "tasks.png") });
  });

  it("reviews a proof: the image is previewed, Accept pays the reward", async () => {
    const { rows } = await db.query("select id from app_public.tasks where guild_id = $1", [guildId]);
    const uid = (await db.query("select id from app_public.users where guild_id = $1 and discord_id = $2", [guildId, members[0]])).rows[0].id;
    await db.query("select app_private.claim_task_for($1, $2, null, null)", [uid, rows[0].id]);
    const png = `${server.url}/favicon.ico`;
    await db.query("select app_private.submit_task_proof_for($1, $2, 'Greeted Ann, Bo and Cy', $3::jsonb, null)", [uid, rows[0].id, JSON.stringify([{ url: png.replace("http://", "https://"), filename: "proof.png", content_type: "image/png" }])]);
    await page.goto(`${server.url}/#/taskClaims`);
    await page.locator("tbody tr", { hasText: "Greeted Ann, Bo and Cy" }).waitFor({ timeout: 10_000 });
    await page.getByTestId("proof-image").waitFor();
    await page.screenshot({ path: path.join(SHOTS, "review-queue.png") });
    await page.getByTestId("accept-claim").click();
    await page.getByTestId("accept-claim-confirm").click();
    await expect.poll(async () => (await db.query("select status::text from app_public.task_claims where user_id = $1", [uid])).rows[0].status, { timeout: 10_000 }).toBe("accepted");
    expect(await walletBalance(db, guildId, members[0])).toBe(120);
  });

  it("composes an announcement with the embed builder (live preview) and schedules it", async () => {
    await page.goto(`${server.url}/#/announcements/create`);
    await page.getByLabel(/Discord channel id/).fill("1234567890123456");
    await page.getByLabel(/Text \(above the embed\)/).fill("Hello **everyone**");
    await page.getByLabel(/^Title$/).fill("Game night");
    await page.getByLabel(/^Description \(Discord markdown/).fill("**Friday** at 20:00 _UTC_");
    await page.getByLabel(/^Colour/).fill("#3498db");
    await expect.poll(() => page.getByTestId("embed-preview-title").textContent()).toBe("Game night");
    await expect.poll(() => page.getByTestId("embed-preview").locator("strong", { hasText: "Friday" }).count()).toBe(1);
    const inAnHour = new Date(Date.now() + 3600_000);
    const local = inAnHour.toISOString().slice(0, 16);
    await page.getByLabel(/Publish at/).fill(local);
    await page.getByLabel(/^Reason/).fill("game night news");
    await page.getByTestId("embed-preview").scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, "announcement-builder.png") });
    await page.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(async () => (await db.query("select status, embed ->> 'title' as title, (embed ->> 'color')::int as color from app_public.announcements where guild_id = $1", [guildId])).rows, { timeout: 10_000 })
      .toEqual([{ status: "scheduled", title: "Game night", color: 0x3498db }]);
    await page.locator("tbody tr", { hasText: "Game night" }).waitFor();
  });
});
