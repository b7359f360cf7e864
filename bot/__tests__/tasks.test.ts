/**
 * Community tasks end to end (issue 14): a real discord.js client (interactions injected as gateway payloads), the
 * router and the `discord__task*` runner against the test database and the fake Discord. A task is posted in the task
 * channel; members claim it with the button or `/task claim`, submit proof with an attachment (`/task submit`) or the
 * modal; the proof is posted in the review channel; staff accept (reward through the ledger, role grant and DM jobs)
 * or reject with a reason; the task post is edited in place; a deleted post is re-posted; a deleted task takes its
 * posts with it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { dbUrls, isolateDatabase, newGuildId, waitFor } from "../../server/__tests__/helpers.ts";
import { button, command, customIds, fields, inject, messageOf, modal, snowflake, startTestBot, wallet, type Member, type TestBot } from "./fixtures.ts";

const EPHEMERAL = 64;

let t: TestBot;
let db: pg.Pool;
let dropOwnDatabase: () => Promise<void>;
let guildId: string;
let taskChannel: string;
let reviewChannel: string;
const ADMIN_ROLE = snowflake();
const VIP_ROLE = snowflake();
let owner: Member;
let admin: Member;
let alice: Member;
let bob: Member;
let taskId: string;

function channel(name: string): string {
  const id = snowflake();
  t.discord.channels.set(id, { id, guild_id: guildId, name, type: 0, permission_overwrites: [] });
  return id;
}

/** Waits until no discord__* job of the guild is left (done, or failed for good). */
async function jobsSettled(): Promise<void> {
  await waitFor("discord jobs to finish", async () => {
    const { rows } = await db.query("select count(*)::int as n from graphile_worker.jobs where queue_name = $1 and attempts < max_attempts", [`discord:${guildId}`]);
    return rows[0].n === 0;
  });
}

async function taskRow(id = taskId) {
  const { rows } = await db.query("select status, sync_state, channel_id::text, message_id::text from app_public.tasks where id = $1", [id]);
  return rows[0];
}

async function claimOf(m: Member, id = taskId) {
  const { rows } = await db.query(
    `select c.id::text, c.status::text, c.proof_text, c.proof_attachments, c.role_status, c.dm_status, c.review_note, c.tx_id,
            c.review_channel_id::text, c.review_message_id::text
       from app_public.task_claims c join app_public.users u on u.id = c.user_id
      where c.task_id = $1 and u.discord_id = $2 order by c.id desc limit 1`,
    [id, m.id],
  );
  return rows[0];
}

/** The task's post as the fake Discord holds it. */
async function taskPost(id = taskId) {
  const row = await waitFor("the task post", async () => {
    const r = await taskRow(id);
    return r?.message_id ? r : null;
  });
  return t.discord.messages.get(row.message_id)!;
}

beforeAll(async () => {
  dropOwnDatabase = await isolateDatabase();
  db = new pg.Pool({ connectionString: dbUrls().root, max: 4 });
  guildId = newGuildId().toString();
  const id = (n: number) => (BigInt(guildId) + BigInt(n)).toString();
  owner = { id: id(900), name: "Owner" };
  admin = { id: id(901), name: "Ada Admin", roles: [ADMIN_ROLE] };
  alice = { id: id(1), name: "Alice" };
  bob = { id: id(2), name: "Bob" };
  t = await startTestBot();
  await db.query("select app_hidden.record_guild($1, 'Task test guild', $2)", [guildId, owner.id]);
  await db.query("insert into app_public.staff_role_mappings (guild_id, discord_role_id, staff_role) values ($1, $2, 'ADMIN')", [guildId, ADMIN_ROLE]);
  const [hub, leaderboard, shop, transactions] = ["coin-hub", "leaderboard", "shop", "coin-transactions"].map(channel);
  await db.query("select app_hidden.save_discord_setup($1, $2, $3, $4, $5, 1, 2)", [guildId, hub, leaderboard, shop, transactions]);
  taskChannel = channel("tasks");
  reviewChannel = channel("task-review");
  await db.query("update app_public.guild_settings set task_channel_id = $2, review_channel_id = $3 where guild_id = $1", [guildId, taskChannel, reviewChannel]);
});

afterAll(async () => {
  await t?.stop();
  await db?.query("select graphile_worker.complete_jobs(array(select id from graphile_worker.jobs where queue_name = $1))", [`discord:${guildId}`]).catch(() => {});
  await db?.end();
  await dropOwnDatabase?.();
});

describe("a task's post", () => {
  it("a task created by staff is posted in the task channel with Claim and Submit Proof, and marked synced", async () => {
    const { rows } = await db.query(
      `insert into app_public.tasks (guild_id, name, description, reward, max_claims, duration_hours, grant_role_id)
       values ($1, 'Welcome new members', 'Greet 3 newcomers in #general.', 150, 2, 24, $2) returning id::text`,
      [guildId, VIP_ROLE],
    );
    taskId = rows[0].id;
    expect((await taskRow()).sync_state).toBe("pending");
    await jobsSettled();
    const row = await taskRow();
    expect(row).toMatchObject({ sync_state: "synced", channel_id: taskChannel });
    const post = await taskPost();
    expect(post.channel_id).toBe(taskChannel);
    expect(post.embeds[0].title).toBe("📋 Task: Welcome new members");
    expect(fields(post)).toMatchObject({ Reward: "150 coins", Slots: "0 of 2 taken", Completed: "0" });
    expect(customIds(post)).toEqual([`task:claim:${taskId}`, `task:proof:${taskId}`]);
  });

  it("/tasks lists it with a Claim button", async () => {
    const seen = await inject(t, command(guildId, alice, "tasks"));
    expect(seen.reply.flags).toBe(EPHEMERAL);
    expect(seen.reply.embeds[0].fields[0].name).toBe(`#${taskId} Welcome new members · 150 coins`);
    expect(customIds(seen.reply)).toEqual([`task:claim:${taskId}`]);
  });
});

describe("claim, proof with an attachment, accept", () => {
  it("Claim on the post claims the task; the post is edited in place (1 of 2 taken)", async () => {
    const before = await taskPost();
    const seen = await inject(t, button(guildId, alice, `task:claim:${taskId}`, messageOf(before.components, 0, before.id)));
    expect(seen.reply.flags).toBe(EPHEMERAL);
    expect(seen.reply.content).toMatch(/^You claimed \*\*Welcome new members\*\* \(150 coins\)\. Submit your proof before <t:\d+:f>/);
    expect((await claimOf(alice)).status).toBe("in_progress");
    await jobsSettled();
    const after = await taskPost();
    expect(after.id).toBe(before.id);
    expect(fields(after).Slots).toBe("1 of 2 taken");
  });

  it("claiming twice is refused with the SQL rule's sentence", async () => {
    const seen = await inject(t, button(guildId, alice, `task:claim:${taskId}`));
    expect(seen.reply.content).toBe("You already have that task (in_progress).");
  });

  it("/task submit with an attachment submits; the proof is posted in the review channel with Accept / Reject", async () => {
    const attachmentId = snowflake();
    const raw = command(guildId, alice, "task", [
      { name: "submit", type: 1, options: [{ name: "task", type: 4, value: Number(taskId) }, { name: "proof", type: 3, value: "Welcomed Dan, Eve and Fay" }, { name: "attachment", type: 11, value: attachmentId }] } as never,
    ]);
    raw.data.resolved = {
      attachments: {
        [attachmentId]: { id: attachmentId, filename: "welcome.png", size: 4096, url: `https://cdn.discordapp.com/attachments/1/${attachmentId}/welcome.png`, proxy_url: "https://media.discordapp.net/x", content_type: "image/png" },
      },
    };
    const seen = await inject(t, raw);
    expect(seen.reply.content).toBe("Your proof for **Welcome new members** was sent to the staff for review (1 attachment). You will get a DM when it is reviewed.");
    const claim = await claimOf(alice);
    expect(claim.status).toBe("submitted");
    expect(claim.proof_text).toBe("Welcomed Dan, Eve and Fay");
    expect(claim.proof_attachments).toEqual([{ url: `https://cdn.discordapp.com/attachments/1/${attachmentId}/welcome.png`, filename: "welcome.png", content_type: "image/png", size: 4096 }]);
    await jobsSettled();
    const posted = (await claimOf(alice)).review_message_id;
    const review = t.discord.messages.get(posted)!;
    expect(review.channel_id).toBe(reviewChannel);
    expect(review.embeds[0].title).toBe("Proof: Welcome new members");
    expect(review.embeds[0].image.url).toBe(`https://cdn.discordapp.com/attachments/1/${attachmentId}/welcome.png`);
    expect(fields(review)).toMatchObject({ Member: `<@${alice.id}>`, Status: "Waiting for review", Reward: "150 coins" });
    expect(customIds(review)).toEqual([`taskrev:accept:${claim.id}`, `taskrev:reject:${claim.id}`]);
  });

  it("a member without a staff role cannot accept; nothing changes", async () => {
    const claim = await claimOf(alice);
    const seen = await inject(t, button(guildId, bob, `taskrev:accept:${claim.id}`));
    expect(seen.reply.content).toBe("Your role is not allowed to do that.");
    expect((await claimOf(alice)).status).toBe("submitted");
    expect(await wallet(db, guildId, alice.id)).toBe(0);
  });

  it("staff Accept pays the reward through the ledger, edits the proof post, grants the role and DMs the member", async () => {
    const claim = await claimOf(alice);
    const review = t.discord.messages.get(claim.review_message_id)!;
    const seen = await inject(t, button(guildId, admin, `taskrev:accept:${claim.id}`, messageOf(review.components, 0, review.id)));
    expect(seen.callbackType).toBe(7);
    expect(fields(seen.reply).Status).toBe("Accepted");
    expect(customIds(seen.reply)).toEqual([]);
    expect(seen.followups[0].content).toBe(`Accepted: 150 coins paid to <@${alice.id}>.`);
    expect(await wallet(db, guildId, alice.id)).toBe(150);
    const { rows } = await db.query(
      "select type::text, reason, amount::int, meta ->> 'description' as description from app_public.transactions where tx_id = $1",
      [(await claimOf(alice)).tx_id],
    );
    expect(rows).toEqual([{ type: "earn", reason: "task_reward", amount: 150, description: "Completed task: Welcome new members" }]);
    await jobsSettled();
    const after = await claimOf(alice);
    expect(after).toMatchObject({ status: "accepted", role_status: "granted", dm_status: "sent" });
    expect(t.discord.memberRoles.has(`${guildId}/${alice.id}/${VIP_ROLE}`)).toBe(true);
    const dmChannel = [...t.discord.channels.values()].find((c) => c.type === 1 && c.topic === alice.id)!;
    const dms = [...t.discord.messages.values()].filter((m) => m.channel_id === dmChannel.id);
    expect(dms).toHaveLength(1);
    expect(dms[0].embeds[0].title).toBe("Task completed: Welcome new members");
    expect(dms[0].embeds[0].description).toContain("**150 coins**");
    expect(t.discord.messages.get(claim.review_message_id)!.components).toEqual([]);
    expect(fields(await taskPost())).toMatchObject({ Slots: "1 of 2 taken", Completed: "1" });
    const { rows: v } = await db.query("select count(*)::int as n from app_public.verify_ledger() where guild_id = $1", [guildId]);
    expect(v[0].n).toBe(0);
  });
});

describe("proof by modal, reject with a reason, a member without DMs", () => {
  it("/task claim, then Submit Proof opens the modal; its links become attachments", async () => {
    t.discord.dmBlocked.add(bob.id);
    const claimed = await inject(t, command(guildId, bob, "task", [{ name: "claim", type: 1, options: [{ name: "task", type: 4, value: Number(taskId) }] } as never]));
    expect(claimed.reply.content).toMatch(/^You claimed/);
    const opened = await inject(t, button(guildId, bob, `task:proof:${taskId}`));
    expect(opened.callbackType).toBe(9);
    expect(opened.reply.custom_id).toBe(`task:submit:${taskId}`);
    const seen = await inject(t, modal(guildId, bob, `task:submit:${taskId}`, { proof: "said hi", links: "https://example.org/shots/bob.png" }));
    expect(seen.reply.content).toBe("Your proof for **Welcome new members** was sent to the staff for review (1 attachment). You will get a DM when it is reviewed.");
    expect((await claimOf(bob)).proof_attachments).toEqual([{ url: "https://example.org/shots/bob.png", filename: "bob.png" }]);
    const bad = await inject(t, modal(guildId, bob, `task:submit:${taskId}`, { proof: "x", links: "http://insecure" }));
    expect(bad.reply.content).toBe("Links must start with https://.");
  });

  it("Reject opens the reason modal; its submission rejects, frees the slot, and a refused DM is recorded once", async () => {
    await jobsSettled();
    const claim = await claimOf(bob);
    const opened = await inject(t, button(guildId, admin, `taskrev:reject:${claim.id}`));
    expect(opened.callbackType).toBe(9);
    const review = t.discord.messages.get(claim.review_message_id)!;
    const seen = await inject(t, modal(guildId, admin, `taskrevm:reject:${claim.id}`, { reason: "The screenshot is not from this server" }, messageOf(review.components, 0, review.id)));
    expect(seen.callbackType).toBe(7);
    expect(fields(seen.reply).Status).toBe("Rejected");
    expect(seen.followups[0].content).toBe("Rejected. Reason: The screenshot is not from this server");
    await jobsSettled();
    expect(await claimOf(bob)).toMatchObject({ status: "rejected", role_status: "none", dm_status: "failed", review_note: "The screenshot is not from this server" });
    const { rows } = await db.query("select count(*)::int as n from graphile_worker.jobs where key = $1", [`discord__task_dm:${claim.id}`]);
    expect(rows[0].n).toBe(0);
    expect(fields(await taskPost())).toMatchObject({ Slots: "1 of 2 taken" });
    expect(await wallet(db, guildId, bob.id)).toBe(0);
  });

  it("staff cannot review their own claim (TK013)", async () => {
    await inject(t, button(guildId, admin, `task:claim:${taskId}`));
    await inject(t, modal(guildId, admin, `task:submit:${taskId}`, { proof: "did it myself", links: "" }));
    const claim = await claimOf(admin);
    const seen = await inject(t, button(guildId, admin, `taskrev:accept:${claim.id}`));
    expect(seen.reply.content).toBe("You cannot review your own task; ask another staff member.");
    expect((await claimOf(admin)).status).toBe("submitted");
  });

  it("/task mine lists the member's claims", async () => {
    const seen = await inject(t, command(guildId, bob, "task", [{ name: "mine", type: 1, options: [] } as never]));
    expect(seen.reply.embeds[0].title).toBe("Your tasks");
    expect(seen.reply.embeds[0].fields[0]).toMatchObject({ name: `#${taskId} Welcome new members`, value: "Rejected · 150 coins · “The screenshot is not from this server”" });
  });
});

describe("sync: a deleted post, a deleted task", () => {
  it("a post deleted on Discord is posted again at the next change", async () => {
    await jobsSettled();
    const before = await taskPost();
    t.discord.messages.delete(before.id);
    await db.query("update app_public.tasks set name = 'Welcome newcomers' where id = $1", [taskId]);
    await jobsSettled();
    const row = await taskRow();
    expect(row.sync_state).toBe("synced");
    expect(row.message_id).not.toBe(before.id);
    expect(t.discord.messages.get(row.message_id)!.embeds[0].title).toBe("📋 Task: Welcome newcomers");
  });

  it("with its channel gone too, the task is orphaned", async () => {
    const { rows } = await db.query("insert into app_public.tasks (guild_id, name, reward) values ($1, 'Orphan', 5) returning id::text", [guildId]);
    await jobsSettled();
    const post = await taskPost(rows[0].id);
    t.discord.messages.delete(post.id);
    const other = snowflake();
    await db.query("update app_public.guild_settings set task_channel_id = $2 where guild_id = $1", [guildId, other]);
    await db.query("update app_public.tasks set description = 'changed' where id = $1", [rows[0].id]);
    await jobsSettled();
    expect(await taskRow(rows[0].id)).toMatchObject({ sync_state: "orphaned", message_id: null });
    await db.query("update app_public.guild_settings set task_channel_id = $2 where guild_id = $1", [guildId, taskChannel]);
  });

  it("deleting a task deletes its post and its proof posts", async () => {
    const post = await taskPost();
    const proofs = [(await claimOf(alice)).review_message_id, (await claimOf(admin)).review_message_id];
    expect(proofs.every((m) => t.discord.messages.has(m))).toBe(true);
    const c = await db.connect();
    try {
      await c.query("begin");
      await c.query("select set_config('app.guild_id', $1, true), set_config('app.discord_id', $2, true), set_config('app.staff_role', 'ADMIN', true), set_config('role', 'coins_staff', true)", [guildId, admin.id]);
      await c.query("select app_public.delete_task($1)", [taskId]);
      await c.query("commit");
    } finally {
      c.release();
    }
    await jobsSettled();
    expect(t.discord.messages.has(post.id)).toBe(false);
    expect(proofs.some((m) => t.discord.messages.has(m))).toBe(false);
    expect(await taskRow()).toMatchObject({ status: "deleted", sync_state: "synced", message_id: null });
    expect((await claimOf(admin)).status).toBe("expired");
  });
});
