/**
 * Announcements, custom commands and the #shop posts of rewards end to end (issue 14): the real bot and its
 * `discord__*` runner against the test database and the fake Discord.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { dbUrls, isolateDatabase, newGuildId, waitFor } from "../../server/__tests__/helpers.ts";
import { button, command, customIds, fields, inject, snowflake, startTestBot, type Member, type RawInteraction, type TestBot } from "./fixtures.ts";

let t: TestBot;
let db: pg.Pool;
let dropOwnDatabase: () => Promise<void>;
let guildId: string;
let shop: string;
let news: string;
let owner: Member;
let alice: Member;

function channel(name: string): string {
  const id = snowflake();
  t.discord.channels.set(id, { id, guild_id: guildId, name, type: 0, permission_overwrites: [] });
  return id;
}

async function jobsSettled(): Promise<void> {
  await waitFor("discord jobs to finish", async () => {
    const { rows } = await db.query("select count(*)::int as n from graphile_worker.jobs where queue_name = $1 and attempts < max_attempts", [`discord:${guildId}`]);
    return rows[0].n === 0;
  });
}

/** Runs SQL as staff of the guild (ADMIN), as the panel would through GraphQL. */
async function asStaff<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = await db.connect();
  try {
    await c.query("begin");
    await c.query("select set_config('app.guild_id', $1, true), set_config('app.discord_id', $2, true), set_config('app.staff_role', 'ADMIN', true), set_config('role', 'coins_staff', true)", [guildId, owner.id]);
    const { rows } = await c.query(sql, params);
    await c.query("commit");
    return rows as T[];
  } catch (err) {
    await c.query("rollback");
    throw err;
  } finally {
    c.release();
  }
}

async function announcement(id: string) {
  const { rows } = await db.query("select status, sync_state, message_id::text, pinned_on_discord from app_public.announcements where id = $1", [id]);
  return rows[0];
}

async function rewardPost(sku: string) {
  const row = await waitFor(`#shop post of ${sku}`, async () => {
    const { rows } = await db.query("select message_id::text from app_public.discord_messages where guild_id = $1 and subject_type = 'reward' and subject_id = $2", [guildId, `${guildId}:${sku}`]);
    return rows[0];
  });
  return t.discord.messages.get(row.message_id);
}

function autocomplete(m: Member, name: string, typed: string): RawInteraction {
  const raw = command(guildId, m, name, [{ name: "name", type: 3, value: typed, focused: true } as never]);
  raw.type = 4;
  return raw;
}

beforeAll(async () => {
  dropOwnDatabase = await isolateDatabase();
  db = new pg.Pool({ connectionString: dbUrls().root, max: 4 });
  guildId = newGuildId().toString();
  owner = { id: (BigInt(guildId) + 900n).toString(), name: "Owner" };
  alice = { id: (BigInt(guildId) + 1n).toString(), name: "Alice" };
  t = await startTestBot();
  await db.query("select app_hidden.record_guild($1, 'Community test guild', $2)", [guildId, owner.id]);
  const [hub, leaderboard, transactions] = ["coin-hub", "leaderboard", "coin-transactions"].map(channel);
  shop = channel("shop");
  news = channel("news");
  await db.query("select app_hidden.save_discord_setup($1, $2, $3, $4, $5, 1, 2)", [guildId, hub, leaderboard, shop, transactions]);
  await db.query("select app_private.ensure_member($1, $2, 'Alice')", [guildId, alice.id]);
  await db.query("select app_private.admin_adjust_by($1, 'ADMIN', (select id from app_public.users where guild_id = $2 and discord_id = $3), 1000, 'funding')", [owner.id, guildId, alice.id]);
});

afterAll(async () => {
  await t?.stop();
  await db?.query("select graphile_worker.complete_jobs(array(select id from graphile_worker.jobs where queue_name = $1))", [`discord:${guildId}`]).catch(() => {});
  await db?.end();
  await dropOwnDatabase?.();
});

describe("announcements with the embed builder", () => {
  it("a scheduled announcement is not posted before its time; the publish job publishes and pins it", async () => {
    const [embed] = await asStaff<{ id: string }>(
      `insert into app_public.saved_embeds (guild_id, name, embed) values ($1, 'Event', $2) returning id::text`,
      [guildId, { title: "Game night", description: "**Friday** at 20:00 _UTC_", color: 3447003, fields: [{ name: "Prize", value: "500 coins", inline: true }], footer: { text: "See you there" } }],
    );
    expect(embed.id).toBeTruthy();
    const [a] = await asStaff<{ id: string; status: string }>(
      `insert into app_public.announcements (guild_id, channel_id, content, embed, publish_at, pinned)
       select $1, $2, '@everyone game night!', e.embed, now() + interval '1 hour', true from app_public.saved_embeds e where e.name = 'Event'
       returning id::text, status`,
      [guildId, news],
    );
    expect(a.status).toBe("scheduled");
    await jobsSettled();
    expect([...t.discord.messages.values()].filter((m) => m.channel_id === news)).toHaveLength(0);
    const { rows } = await db.query("select app_hidden.publish_due_announcements(now() + interval '2 hours') as n");
    // The job publishes every guild's due announcements (other suites share the database): at least ours.
    expect(rows[0].n).toBeGreaterThanOrEqual(1);
    await jobsSettled();
    const row = await announcement(a.id);
    expect(row).toMatchObject({ status: "published", sync_state: "synced", pinned_on_discord: true });
    const msg = t.discord.messages.get(row.message_id)!;
    expect(msg.channel_id).toBe(news);
    expect(msg.pinned).toBe(true);
    expect(msg.content).toBe("@everyone game night!");
    expect(msg.embeds[0]).toMatchObject({ title: "Game night", description: "**Friday** at 20:00 _UTC_", color: 3447003 });
    const post = t.discord.calls.find((c) => c.method === "POST" && c.path === `/channels/${news}/messages`)!;
    expect(post.body.allowed_mentions).toEqual({ parse: [] });
  });

  it("an edit is applied in place, unpinning unpins; a message deleted on Discord makes it orphaned", async () => {
    const { rows } = await db.query("select id::text from app_public.announcements where guild_id = $1", [guildId]);
    const id = rows[0].id;
    const before = await announcement(id);
    await asStaff("update app_public.announcements set content = 'Game night moved to Saturday', pinned = false where id = $1", [id]);
    await jobsSettled();
    const after = await announcement(id);
    expect(after).toMatchObject({ message_id: before.message_id, sync_state: "synced", pinned_on_discord: false });
    expect(t.discord.messages.get(after.message_id)).toMatchObject({ content: "Game night moved to Saturday", pinned: false });
    t.discord.messages.delete(after.message_id);
    await asStaff("update app_public.announcements set content = 'Saturday, 21:00' where id = $1", [id]);
    await jobsSettled();
    expect(await announcement(id)).toMatchObject({ sync_state: "orphaned", message_id: null });
  });

  it("announce_task posts a task's embed; delete_announcement deletes the message", async () => {
    const [task] = await asStaff<{ id: string }>("insert into app_public.tasks (guild_id, name, description, reward, max_claims) values ($1, 'Invite a friend', 'Bring one friend', 75, 10) returning id::text", [guildId]);
    const [a] = await asStaff<{ id: string }>("select id::text from app_public.announce_task($1, $2)", [task.id, news]);
    await jobsSettled();
    const row = await announcement(a.id);
    const msg = t.discord.messages.get(row.message_id)!;
    expect(msg.embeds[0].title).toBe("New task: Invite a friend");
    expect(fields(msg)).toMatchObject({ Reward: "75 coins", Slots: "10" });
    await asStaff("select app_public.delete_announcement($1)", [a.id]);
    await jobsSettled();
    expect(t.discord.messages.has(row.message_id)).toBe(false);
    expect(await announcement(a.id)).toMatchObject({ status: "deleted", sync_state: "synced", message_id: null });
  });
});

describe("custom commands", () => {
  it("/c autocompletes the guild's commands and answers with text and a saved embed", async () => {
    await asStaff(
      `insert into app_public.custom_commands (guild_id, name, response, embed_id)
       values ($1, 'rules', 'Please read:', (select id from app_public.saved_embeds where name = 'Event')), ($1, 'ip', 'play.example.org', null)`,
      [guildId],
    );
    const ac = await inject(t, autocomplete(alice, "c", "r"));
    expect(ac.callbackType).toBe(8);
    expect(ac.reply.choices).toEqual([{ name: "rules", value: "rules" }]);
    const seen = await inject(t, command(guildId, alice, "c", [{ name: "name", type: 3, value: "rules" }]));
    expect(seen.callbackType).toBe(4);
    expect(seen.reply.flags ?? 0).toBe(0);
    expect(seen.reply.content).toBe("Please read:");
    expect(seen.reply.embeds[0].title).toBe("Game night");
    const missing = await inject(t, command(guildId, alice, "c", [{ name: "name", type: 3, value: "nope" }]));
    expect(missing.reply.content).toBe("There is no command called nope here.");
  });
});

describe("#shop posts follow price and stock", () => {
  it("a reward is posted with price, stock and Buy; a purchase edits the stock in place", async () => {
    await asStaff("insert into app_public.rewards (guild_id, sku, name, description, category, price, stock) values ($1, 'cookie', 'Cookie', 'Crunchy.', 'cosmetic', 40, 3)", [guildId]);
    await jobsSettled();
    const post = (await rewardPost("cookie"))!;
    expect(post.channel_id).toBe(shop);
    expect(fields(post)).toMatchObject({ Price: "40 coins", Stock: "3 left" });
    expect(customIds(post)).toEqual(["shop:item:cookie"]);
    const { rows } = await db.query("select sync_state from app_public.rewards where guild_id = $1 and sku = 'cookie'", [guildId]);
    expect(rows[0].sync_state).toBe("synced");
    const view = await inject(t, button(guildId, alice, "shop:item:cookie"));
    expect(view.reply.embeds[0].title).toBe("Cookie");
    const buy = view.reply.components[0].components[0].custom_id;
    await inject(t, button(guildId, alice, buy));
    await jobsSettled();
    const edited = (await rewardPost("cookie"))!;
    expect(edited.id).toBe(post.id);
    expect(fields(edited).Stock).toBe("2 left");
  });

  it("a deleted post is re-created at the next change; a hidden reward's post is deleted", async () => {
    const before = (await rewardPost("cookie"))!;
    t.discord.messages.delete(before.id);
    await asStaff("update app_public.rewards set price = 45 where guild_id = $1 and sku = 'cookie'", [guildId]);
    await jobsSettled();
    const again = (await rewardPost("cookie"))!;
    expect(again.id).not.toBe(before.id);
    expect(fields(again).Price).toBe("45 coins");
    await asStaff("update app_public.rewards set visible = false where guild_id = $1 and sku = 'cookie'", [guildId]);
    await jobsSettled();
    expect(t.discord.messages.has(again.id)).toBe(false);
  });

  it("a post whose #shop is gone is orphaned and #shop marked missing; after /setup the sync job posts it", async () => {
    t.discord.channels.delete(shop);
    await asStaff("insert into app_public.rewards (guild_id, sku, name, category, price) values ($1, 'tea', 'Tea', 'cosmetic', 5)", [guildId]);
    await jobsSettled();
    const { rows } = await db.query("select sync_state from app_public.rewards where guild_id = $1 and sku = 'tea'", [guildId]);
    expect(rows[0].sync_state).toBe("orphaned");
    const { rows: marked } = await db.query("select missing_channels from app_public.guild_discord where guild_id = $1", [guildId]);
    expect(marked[0].missing_channels).toEqual(["shop"]);
    // /setup recreates the channel and clears the mark (here: the channel comes back with its id).
    t.discord.channels.set(shop, { id: shop, guild_id: guildId, name: "shop", type: 0, permission_overwrites: [] });
    await db.query("select app_hidden.save_discord_setup($1, hub_channel_id, leaderboard_channel_id, shop_channel_id, transactions_channel_id, 1, 2) from app_public.guild_discord where guild_id = $1", [guildId]);
    const { rows: n } = await db.query("select app_hidden.requeue_reward_sync(now() + interval '10 minutes') as n");
    expect(n[0].n).toBeGreaterThanOrEqual(1);
    await jobsSettled();
    const { rows: after } = await db.query("select sync_state from app_public.rewards where guild_id = $1 and sku = 'tea'", [guildId]);
    expect(after[0].sync_state).toBe("synced");
    expect(fields(await rewardPost("tea")).Price).toBe("5 coins");
  });
});
