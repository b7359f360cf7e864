/**
 * The panel's community pages' data (issue 14) against the real server, as the browser calls it: tasks with their
 * sync state and computed columns, the review queue (claims with their task and member, accept through the rule),
 * announcements composed with the embed builder (cleaned to Discord's JSON, published or scheduled), saved embeds,
 * custom commands; deleting a task goes through its rule; a role below OPERATOR is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { ApiClient, createGuild, startTestServer, superuserPool } from "../../server/__tests__/helpers.ts";
import { dataProvider } from "../src/lib/dataProvider.ts";
import { gql, loadSession } from "../src/lib/api.ts";
import { cleanEmbed, formatColour, parseColour } from "../src/community/embed.ts";

let db: pg.Pool;
let server: Awaited<ReturnType<typeof startTestServer>>;
let guildId: string;
let memberIds: string[];
const realFetch = globalThis.fetch;

async function signInAs(role: string): Promise<void> {
  const client = new ApiClient(server.url);
  const res = await client.login({ guildId, discordId: (BigInt(guildId) + 900n).toString(), kind: "staff", staffRole: role });
  expect(res.status).toBe(200);
  globalThis.fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = typeof input === "string" && input.startsWith("/") ? `${server.url}${input}` : input;
    const headers = { ...(init.headers as Record<string, string>), ...(client.cookie ? { cookie: client.cookie } : {}) };
    const r = await realFetch(url, { ...init, headers, redirect: "manual" });
    client.keepCookies(r);
    return r;
  }) as typeof fetch;
  expect((await loadSession())?.staffRole).toBe(role);
}

beforeAll(async () => {
  db = superuserPool();
  ({ guildId, memberIds } = await createGuild(db, 2, 0));
  server = await startTestServer();
});

afterAll(async () => {
  globalThis.fetch = realFetch;
  await server?.close();
  await db?.end();
});

describe("the embed builder's values", () => {
  it("colours convert both ways; empty parts are dropped; nothing left is null", () => {
    expect(parseColour("#f1c40f")).toBe(0xf1c40f);
    expect(formatColour(0x3498db)).toBe("#3498db");
    expect(
      cleanEmbed({ title: "Hi", description: "", color: "#3498db" as never, fields: [{ name: "A", value: "B" }, { name: "", value: "x" }], image: { url: "" }, footer: { text: "f" }, author: { name: "" } }),
    ).toEqual({ title: "Hi", color: 0x3498db, fields: [{ name: "A", value: "B", inline: false }], footer: { text: "f" } });
    expect(cleanEmbed({ title: " ", image: { url: "" } })).toBeNull();
  });
});

describe("community pages through the data provider", () => {
  it("an OPERATOR creates a task (pending until the bot posts it), a SUPPORT cannot", async () => {
    await signInAs("OPERATOR");
    const created = await dataProvider.create("tasks", { data: { name: "Invite a friend", reward: 50, maxClaims: 2, durationHours: 12, auditReason: "autumn drive" } });
    expect(created.data).toMatchObject({ name: "Invite a friend", reward: "50", syncState: "pending", slotsTaken: 0, completedCount: 0, messageId: null, proofRequiredEffective: true });
    const list = await dataProvider.getList("tasks", { pagination: { page: 1, perPage: 10 }, sort: { field: "id", order: "DESC" }, filter: { status: "active" } });
    expect(list.data.map((t) => t.name)).toEqual(["Invite a friend"]);
    await signInAs("SUPPORT");
    await expect(dataProvider.create("tasks", { data: { name: "Nope", reward: 1 } })).rejects.toMatchObject({ code: "PD001" });
  });

  it("the review queue lists submitted proofs with task and member; Accept pays through the rule", async () => {
    const { rows } = await db.query("select id::text from app_public.tasks where guild_id = $1 and name = 'Invite a friend'", [guildId]);
    const taskId = rows[0].id;
    const uid = (await db.query("select id from app_public.users where guild_id = $1 and discord_id = $2", [guildId, memberIds[0]])).rows[0].id;
    await db.query("select app_private.claim_task_for($1, $2, null, null)", [uid, taskId]);
    await db.query(`select app_private.submit_task_proof_for($1, $2, 'brought Zoe', '[{"url": "https://cdn.example/zoe.png", "content_type": "image/png"}]', null)`, [uid, taskId]);
    await signInAs("OPERATOR");
    const queue = await dataProvider.getList("taskClaims", { pagination: { page: 1, perPage: 10 }, sort: { field: "id", order: "DESC" }, filter: { status: "SUBMITTED" } });
    expect(queue.data).toHaveLength(1);
    expect(queue.data[0]).toMatchObject({ status: "SUBMITTED", proofText: "brought Zoe", task: { name: "Invite a friend" }, user: { discordId: memberIds[0] } });
    expect(queue.data[0].proofAttachments).toEqual([{ url: "https://cdn.example/zoe.png", content_type: "image/png" }]);
    const done = await gql<{ reviewTaskClaim: { taskClaim: { status: string } } }>(
      `mutation($id: BigInt!) { reviewTaskClaim(input: { claimId: $id, accept: true, note: "welcome Zoe" }) { taskClaim { status } } }`,
      { id: queue.data[0].id },
    );
    expect(done.reviewTaskClaim.taskClaim.status).toBe("ACCEPTED");
    const task = await dataProvider.getOne("tasks", { id: taskId });
    expect(task.data).toMatchObject({ slotsTaken: 1, completedCount: 1 });
    const bal = await db.query("select app_public.users_wallet_balance(u) as b from app_public.users u where id = $1", [uid]);
    expect(bal.rows[0].b).toBe("50");
  });

  it("an announcement composed with the builder is published now, or scheduled; embeds and commands are saved", async () => {
    await signInAs("ADMIN");
    const embed = cleanEmbed({ title: "Game night", description: "**Friday**", color: "#3498db" as never, fields: [{ name: "Prize", value: "500 coins", inline: true }] });
    const now = await dataProvider.create("announcements", { data: { channelId: "1234567890", content: "Hello", embed, pinned: true, auditReason: "weekly news" } });
    expect(now.data).toMatchObject({ status: "published", syncState: "pending", pinned: true, embed: { title: "Game night", color: 0x3498db } });
    const later = await dataProvider.create("announcements", { data: { channelId: "1234567890", content: "Later", publishAt: new Date(Date.now() + 3600_000).toISOString() } });
    expect(later.data.status).toBe("scheduled");
    await expect(dataProvider.create("announcements", { data: { channelId: "1234567890", embed: { title: "x", color: 99999999 } } })).rejects.toMatchObject({ code: "23514" });
    const saved = await dataProvider.create("savedEmbeds", { data: { name: "Rules", embed: cleanEmbed({ title: "Rules", description: "Be nice" }) } });
    const cmd = await dataProvider.create("customCommands", { data: { name: "rules", response: "Read:", embedId: saved.data.id, enabled: true } });
    expect(cmd.data).toMatchObject({ name: "rules", embedId: saved.data.id, enabled: true });
    await dataProvider.delete("announcements", { id: later.data.id, previousData: later.data, meta: { reason: "cancelled" } });
    expect((await dataProvider.getOne("announcements", { id: later.data.id })).data.status).toBe("deleted");
  });

  it("an ADMIN sets the task channels and rules in the settings", async () => {
    await signInAs("ADMIN");
    const saved = await dataProvider.update("guildSettings", {
      id: guildId,
      data: { taskChannelId: "1300000000000000001", reviewChannelId: "1300000000000000002", maxTasksPerUser: 3, requireProof: false, auditReason: "tasks go live" },
      previousData: { id: guildId },
    });
    expect(saved.data).toMatchObject({ taskChannelId: "1300000000000000001", reviewChannelId: "1300000000000000002", maxTasksPerUser: 3, requireProof: false, allowUserTasks: true });
  });

  it("deleting a task goes through delete_task (audited); its live claims end", async () => {
    await signInAs("OPERATOR");
    const t = await dataProvider.create("tasks", { data: { name: "Short-lived", reward: 5 } });
    const uid = (await db.query("select id from app_public.users where guild_id = $1 and discord_id = $2", [guildId, memberIds[1]])).rows[0].id;
    await db.query("select app_private.claim_task_for($1, $2, null, null)", [uid, t.data.id]);
    const deleted = await dataProvider.delete("tasks", { id: t.data.id, previousData: t.data, meta: { reason: "posted by mistake" } });
    expect(deleted.data.status).toBe("deleted");
    const { rows } = await db.query("select status::text from app_public.task_claims where task_id = $1", [t.data.id]);
    expect(rows).toEqual([{ status: "expired" }]);
    const audit = await db.query("select reason from app_public.admin_actions where guild_id = $1 and action = 'delete_task'", [guildId]);
    expect(audit.rows).toEqual([{ reason: "posted by mistake" }]);
  });
});
