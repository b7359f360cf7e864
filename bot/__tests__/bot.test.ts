/**
 * The Discord bot end to end: a real discord.js Client (interactions injected as gateway
 * INTERACTION_CREATE payloads), the router and handlers, the `discord__*` runner, the test
 * database, and a fake Discord REST API recording what members and channels would see.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { dbUrls, isolateDatabase, newGuildId, waitFor } from "../../server/__tests__/helpers.ts";
import { deployCommands } from "../src/deploy-commands.ts";
import { loadBotConfig, recordGuild, startBot } from "../src/index.ts";
import { FakeDiscord } from "./fake-discord.ts";
import { APP_ID, button, command, customIds, fields, inject, messageOf, modal, select, startTestBot, snowflake, wallet, type Member, type TestBot } from "./fixtures.ts";

const EPHEMERAL = 64;

let t: TestBot;
let db: pg.Pool;
let dropOwnDatabase: () => Promise<void>;
let guildId: string;
const ADMIN_ROLE = snowflake();
const AUDITOR_ROLE = snowflake();
let owner: Member;
let admin: Member;
let auditor: Member;
let alice: Member;
let bob: Member;
let carol: Member;

async function memberId(discordId: string): Promise<string> {
  const { rows } = await db.query("select id from app_public.users where guild_id = $1 and discord_id = $2", [guildId, discordId]);
  return rows[0].id;
}

async function fund(m: Member, coins: number): Promise<void> {
  await db.query("select app_private.ensure_member($1, $2, $3)", [guildId, m.id, m.name]);
  await db.query("select app_private.admin_adjust_by($1, 'ADMIN', $2, $3, 'test funding')", [owner.id, await memberId(m.id), coins]);
}

async function guildDiscord() {
  const { rows } = await db.query(
    `select hub_channel_id::text as hub, leaderboard_channel_id::text as leaderboard, shop_channel_id::text as shop,
            transactions_channel_id::text as transactions, hub_message_id::text as hub_message,
            leaderboard_message_id::text as leaderboard_message from app_hidden.discord_guild($1)`,
    [guildId],
  );
  return rows[0];
}

/** The stored Discord message of a subject, once its job has run. */
async function postedMessage(type: string, subject: string) {
  const row = await waitFor(`${type} ${subject} posted`, async () => {
    const { rows } = await db.query("select message_id::text from app_public.discord_messages where guild_id = $1 and subject_type = $2 and subject_id = $3", [
      guildId,
      type,
      subject,
    ]);
    return rows[0];
  });
  return t.discord.messages.get(row.message_id)!;
}

/** Waits until no discord__* job of the guild is left (done, or failed for good). */
async function jobsSettled(): Promise<void> {
  await waitFor("discord jobs to finish", async () => {
    const { rows } = await db.query(
      "select count(*)::int as n from graphile_worker.jobs where (queue_name = $1 or key = $2) and attempts < max_attempts",
      [`discord:${guildId}`, `discord__setup:${guildId}`],
    );
    return rows[0].n === 0;
  });
}

beforeAll(async () => {
  dropOwnDatabase = await isolateDatabase();
  db = new pg.Pool({ connectionString: dbUrls().root, max: 4 });
  guildId = newGuildId().toString();
  const id = (n: number) => (BigInt(guildId) + BigInt(n)).toString();
  owner = { id: id(900), name: "Owner" };
  admin = { id: id(901), name: "Ada Admin", roles: [ADMIN_ROLE] };
  auditor = { id: id(902), name: "Audrey Auditor", roles: [AUDITOR_ROLE] };
  alice = { id: id(1), name: "Alice" };
  bob = { id: id(2), name: "Bob" };
  carol = { id: id(3), name: "Carol" };
  t = await startTestBot();
  await db.query("select app_hidden.record_guild($1, 'Bot test guild', $2)", [guildId, owner.id]);
  await db.query("insert into app_public.staff_role_mappings (guild_id, discord_role_id, staff_role) values ($1, $2, 'ADMIN'), ($1, $3, 'AUDITOR')", [
    guildId,
    ADMIN_ROLE,
    AUDITOR_ROLE,
  ]);
  await db.query(
    `insert into app_public.rewards (guild_id, sku, name, description, category, price, tradable)
     values ($1, 'vip-rank', 'VIP rank', 'A shiny rank.', 'rank', 100, false), ($1, 'hat', 'Party hat', 'A hat.', 'cosmetic', 200, true)`,
    [guildId],
  );
  for (const m of [alice, bob, carol]) await fund(m, 1000);
  await db.query("select app_private.inventory_add($1, 'hat', 5)", [await memberId(alice.id)]);
});

afterAll(async () => {
  await t?.stop();
  await db
    ?.query("select graphile_worker.complete_jobs(array(select id from graphile_worker.jobs where queue_name = $1 or key = $2))", [`discord:${guildId}`, `discord__setup:${guildId}`])
    .catch(() => {});
  await db?.end();
  await dropOwnDatabase?.();
});

describe("/setup", () => {
  it("refuses a member without a staff role and changes nothing", async () => {
    const seen = await inject(t, command(guildId, alice, "setup"));
    expect(seen.reply.flags).toBe(EPHEMERAL);
    expect(seen.reply.content).toBe("Your role is not allowed to do that.");
    expect(t.discord.writes()).toHaveLength(0);
    expect(await guildDiscord()).toBeUndefined();
  });

  it("refuses a staff role below ADMIN in SQL (request_discord_setup) and changes nothing", async () => {
    const seen = await inject(t, command(guildId, auditor, "setup"));
    expect(seen.reply.flags).toBe(EPHEMERAL);
    expect(seen.reply.content).toBe("Your role is not allowed to do that.");
    expect(t.discord.writes()).toHaveLength(0);
    const { rows } = await db.query("select count(*)::int as n from graphile_worker.jobs where key = $1", [`discord__setup:${guildId}`]);
    expect(rows[0].n).toBe(0);
  });

  it("creates the four channels with their overwrites, pins the hub and stores the ids", async () => {
    const seen = await inject(t, command(guildId, owner, "setup"));
    expect(seen.callbackType).toBe(5);
    expect(seen.reply.flags).toBe(EPHEMERAL);
    expect(seen.reply.embeds[0].title).toBe("Guildbank is set up");
    const ids = await guildDiscord();
    const channels = [...t.discord.channels.values()];
    expect(channels.map((c) => c.name).sort()).toEqual(["coin-hub", "coin-transactions", "leaderboard", "shop"]);
    const feed = t.discord.channels.get(ids.transactions)!;
    const everyone = feed.permission_overwrites.find((o) => o.id === guildId)!;
    expect(BigInt(everyone.deny) & 1024n).toBe(1024n); // ViewChannel denied to @everyone
    expect(feed.permission_overwrites.find((o) => o.id === ADMIN_ROLE)).toBeTruthy();
    const hub = t.discord.channels.get(ids.hub)!;
    expect(BigInt(hub.permission_overwrites.find((o) => o.id === guildId)!.deny) & 2048n).toBe(2048n); // SendMessages denied
    const hubMessage = t.discord.messages.get(ids.hub_message)!;
    expect(hubMessage.pinned).toBe(true);
    expect(customIds(hubMessage)).toEqual(["hub:card", "hub:shop", "hub:quests", "hub:daily", "hub:help"]);
    expect(hubMessage.components[0].components.map((c: any) => c.label)).toEqual(["My Card", "Shop", "Quests", "Claim Daily", "Help"]);
    expect(t.discord.messages.get(ids.leaderboard_message)!.embeds[0].title).toContain("Leaderboard");
  });

  it("run twice changes nothing", async () => {
    const before = await guildDiscord();
    const writes = t.discord.writes().length;
    const seen = await inject(t, command(guildId, admin, "setup"));
    expect(seen.reply.embeds[0].title).toBe("Guildbank is set up");
    expect(t.discord.writes()).toHaveLength(writes);
    expect(await guildDiscord()).toEqual(before);
    expect(t.discord.channels.size).toBe(4);
  });

  it("repairs what was changed by hand: an outdated hub is edited in place, a deleted channel is recreated", async () => {
    const before = await guildDiscord();
    t.discord.messages.get(before.hub_message)!.embeds = [{ title: "Old hub" }];
    t.discord.channels.delete(before.shop);
    const seen = await inject(t, command(guildId, owner, "setup"));
    expect(seen.reply.embeds[0].title).toBe("Guildbank is set up");
    const after = await guildDiscord();
    expect(after.hub_message).toBe(before.hub_message);
    expect(t.discord.messages.get(after.hub_message)!.embeds[0].title).toBe("🪙 Coin Hub");
    expect(after.shop).not.toBe(before.shop);
    expect(t.discord.channels.get(after.shop)!.name).toBe("shop");
  });
});

describe("/setup after a role mapping changes", () => {
  it("a role unmapped from staff loses its #coin-transactions overwrite at the next setup; nothing else changes", async () => {
    const ids = await guildDiscord();
    const formerStaff = snowflake();
    await db.query("insert into app_public.staff_role_mappings (guild_id, discord_role_id, staff_role) values ($1, $2, 'SUPPORT')", [guildId, formerStaff]);
    await inject(t, command(guildId, owner, "setup"));
    const feed = () => t.discord.channels.get(ids.transactions)!;
    expect(feed().permission_overwrites.find((o) => o.id === formerStaff)).toBeTruthy();
    await db.query("delete from app_public.staff_role_mappings where guild_id = $1 and discord_role_id = $2", [guildId, formerStaff]);
    const writes = t.discord.writes().length;
    const seen = await inject(t, command(guildId, owner, "setup"));
    expect(seen.reply.embeds[0].title).toBe("Guildbank is set up");
    expect(feed().permission_overwrites.find((o) => o.id === formerStaff)).toBeUndefined();
    expect(feed().permission_overwrites.find((o) => o.id === ADMIN_ROLE)).toBeTruthy();
    expect(t.discord.writes().slice(writes).map((w) => w.method)).toEqual(["DELETE"]);
  });
});

describe("hub buttons and player flows", () => {
  it("Help answers ephemerally", async () => {
    const seen = await inject(t, button(guildId, alice, "hub:help"));
    expect(seen.callbackType).toBe(4);
    expect(seen.reply.flags).toBe(EPHEMERAL);
    expect(seen.reply.embeds[0].title).toBe("How Guildbank works");
  });

  it("My Card answers with an ephemeral embed, the rendered PNG and action buttons", async () => {
    const seen = await inject(t, button(guildId, alice, "hub:card"));
    expect(seen.reply.flags).toBe(EPHEMERAL);
    const f = fields(seen.reply);
    expect(f.Balance).toBe("1,000 coins");
    expect(f.Escrow).toBe("0 coins");
    expect(f["Rank"]).toMatch(/^#\d+$/); // no season runs: the rank by balance
    expect(f["Last transactions"]).toContain("+1,000 earn (admin adjust)");
    expect(seen.reply.embeds[0].image.url).toBe("attachment://card.png");
    const file = seen.calls.find((c) => c.path.endsWith("/callback"))!.files[0];
    expect(file.name).toBe("card.png");
    expect(file.size).toBeGreaterThan(1000);
    expect(customIds(seen.reply)).toEqual(["hub:daily", "hub:shop", "market:sell", "card:refresh"]);
  });

  it("Claim Daily pays once, then answers the cooldown clearly and changes nothing", async () => {
    const first = await inject(t, button(guildId, bob, "hub:daily"));
    expect(first.reply.flags).toBe(EPHEMERAL);
    expect(first.reply.embeds[0].title).toBe("Daily reward claimed");
    expect(fields(first.reply).Reward).toBe("100 coins");
    expect(fields(first.reply).Streak).toBe("1 day");
    expect(await wallet(db, guildId, bob.id)).toBe(1100);
    const again = await inject(t, command(guildId, bob, "daily"));
    expect(again.reply.flags).toBe(EPHEMERAL);
    expect(again.reply.content).toMatch(/^You have already claimed today: come back at <t:\d+:f>\.$/);
    expect(await wallet(db, guildId, bob.id)).toBe(1100);
  });

  it("/balance and /give", async () => {
    const bal = await inject(t, command(guildId, carol, "balance"));
    expect(fields(bal.reply).Wallet).toBe("1,000 coins");
    const seen = await inject(t, command(guildId, carol, "give", [{ name: "member", type: 6, value: bob.id }, { name: "amount", type: 4, value: 25 }], [bob]));
    expect(seen.reply.flags).toBe(EPHEMERAL);
    expect(fields(seen.reply)["New balance"]).toBe("975 coins");
    expect(await wallet(db, guildId, bob.id)).toBe(1125);
    const self = await inject(t, command(guildId, carol, "give", [{ name: "member", type: 6, value: carol.id }, { name: "amount", type: 4, value: 5 }], [carol]));
    expect(self.reply.content).toBe("You cannot send coins to yourself.");
    expect(await wallet(db, guildId, carol.id)).toBe(975);
  });
});

describe("quests", () => {
  it("the board shows the quests; a right answer pays once, the cooldown is enforced in SQL; a free-text answer goes through a modal", async () => {
    const { rows } = await db.query(
      `insert into app_public.quests (guild_id, kind, title, prompt, choices, answers, reward, cooldown_s) values
         ($1, 'trivia', 'Capital', 'Capital of France?', '{Paris,Lyon}', '{paris}', 50, 86400),
         ($1, 'trivia', 'Riddle', 'What has keys but no locks?', null, '{piano,a piano}', 30, 86400)
       returning id::text`,
      [guildId],
    );
    const [capital, riddle] = rows.map((r) => r.id);
    const board = await inject(t, button(guildId, alice, "hub:quests"));
    expect(board.reply.flags).toBe(EPHEMERAL);
    expect(Object.keys(fields(board.reply))).toEqual(["Capital · 50 coins", "Riddle · 30 coins"]);
    expect(customIds(board.reply)).toEqual([`quest:answer:${capital}:0`, `quest:answer:${capital}:1`, `quest:open:${riddle}`]);

    const before = await wallet(db, guildId, alice.id);
    const right = await inject(t, button(guildId, alice, `quest:answer:${capital}:0`));
    expect(right.reply.flags).toBe(EPHEMERAL);
    expect(right.reply.embeds[0].title).toBe("Correct!");
    expect(fields(right.reply).Reward).toBe("50 coins");
    expect(await wallet(db, guildId, alice.id)).toBe(before! + 50);

    const again = await inject(t, button(guildId, alice, `quest:answer:${capital}:0`));
    expect(again.reply.content).toMatch(/^You have already tried this quest: try again at <t:\d+:f>\.$/);
    expect(await wallet(db, guildId, alice.id)).toBe(before! + 50);
    const after = await inject(t, button(guildId, alice, "hub:quests"));
    expect(after.reply.components[0].components.every((c: any) => c.disabled)).toBe(true);

    const open = await inject(t, button(guildId, alice, `quest:open:${riddle}`));
    expect(open.callbackType).toBe(9);
    expect(open.calls[0].body.data.custom_id).toBe(`quest:submit:${riddle}`);
    const wrong = await inject(t, modal(guildId, alice, `quest:submit:${riddle}`, { answer: "a door" }));
    expect(wrong.reply.embeds[0].title).toBe("Not quite");
    expect(fields(wrong.reply).Reward).toBe("0 coins");
    expect(await wallet(db, guildId, alice.id)).toBe(before! + 50);
  });
});

describe("shop", () => {
  let receiptOrder: string;
  it("category select → SKU view → confirm → receipt; a second click on Confirm buys nothing more", async () => {
    const open = await inject(t, button(guildId, carol, "hub:shop"));
    expect(open.reply.flags).toBe(EPHEMERAL);
    const categorySelect = open.reply.components[0].components[0];
    expect(categorySelect.custom_id).toBe("shop:category");
    expect(categorySelect.options.map((o: any) => o.value)).toEqual(["cosmetic", "rank"]);

    const cat = await inject(t, select(guildId, carol, "shop:category", ["rank"]));
    expect(cat.callbackType).toBe(7);
    expect(cat.reply.components[0].components[0].options.map((o: any) => o.value)).toEqual(["vip-rank"]);

    const sku = await inject(t, select(guildId, carol, "shop:sku", ["vip-rank"]));
    expect(sku.callbackType).toBe(7);
    expect(sku.reply.embeds[0].title).toBe("VIP rank");
    expect(fields(sku.reply).Price).toBe("100 coins");
    const buyId = customIds(sku.reply)[0];
    expect(buyId).toMatch(/^shop:buy:vip-rank:\d+$/);

    const receipt = await inject(t, button(guildId, carol, buyId));
    expect(receipt.reply.flags).toBe(EPHEMERAL);
    expect(receipt.reply.embeds[0].title).toBe("Receipt");
    const f = fields(receipt.reply);
    expect(f["Coins moved"]).toBe("100 coins to escrow");
    expect(f["New balance"]).toBe("875 coins");
    receiptOrder = f.Order.replace(/`/g, "");

    const again = await inject(t, button(guildId, carol, buyId));
    expect(fields(again.reply).Order.replace(/`/g, "")).toBe(receiptOrder);
    expect(await wallet(db, guildId, carol.id)).toBe(875);
    const { rows } = await db.query("select count(*)::int as n from app_public.orders where buyer_id = $1", [await memberId(carol.id)]);
    expect(rows[0].n).toBe(1);
  });
});

describe("marketplace", () => {
  let listingId: string;
  it("Sell opens a modal; a price below the floor is refused in plain words and changes nothing", async () => {
    const open = await inject(t, button(guildId, alice, "market:sell"));
    expect(open.callbackType).toBe(9);
    const modalId = open.calls[0].body.data.custom_id;
    expect(modalId).toMatch(/^market:list:\d+$/);
    const low = await inject(t, modal(guildId, alice, modalId, { sku: "hat", price: "100", qty: "2", hours: "24", limits: "1" }));
    expect(low.reply.flags).toBe(EPHEMERAL);
    expect(low.reply.content).toMatch(/^That price is below the floor of \d+ coins \(reference price \d+\)\.$/);
    const bad = await inject(t, modal(guildId, alice, modalId, { sku: "hat", price: "ten", qty: "2", hours: "24", limits: "1" }));
    expect(bad.reply.content).toBe("The price must be a whole number of coins.");
    const { rows } = await db.query("select count(*)::int as n from app_public.listings where guild_id = $1", [guildId]);
    expect(rows[0].n).toBe(0);
    const inv = await db.query("select quantity from app_public.inventory where user_id = $1 and sku = 'hat'", [await memberId(alice.id)]);
    expect(inv.rows[0].quantity).toBe(5);
  });

  it("a valid listing is created and posted in #shop with a Buy button", async () => {
    const seen = await inject(t, modal(guildId, alice, `market:list:${snowflake()}`, { sku: "hat", price: "200", qty: "2", hours: "24", limits: "1-2" }));
    expect(seen.reply.flags).toBe(EPHEMERAL);
    expect(seen.reply.embeds[0].title).toBe("Listed");
    listingId = fields(seen.reply).listing_id.replace(/`/g, "");
    const post = await postedMessage("listing", listingId);
    expect(post.channel_id).toBe((await guildDiscord()).shop);
    expect(post.embeds[0].title).toBe("For sale: Party hat");
    expect(customIds(post)).toEqual([`market:buy:${listingId}`]);
  });

  it("Buy: quote → quantity modal → receipt; a double-submitted purchase buys once; the #shop post shows sold out", async () => {
    const quote = await inject(t, button(guildId, bob, `market:buy:${listingId}`, messageOf([], 0)));
    expect(quote.reply.flags).toBe(EPHEMERAL);
    expect(quote.reply.embeds[0].title).toBe("Quote: Party hat");
    expect(fields(quote.reply).Available).toBe("2");
    const qty = await inject(t, button(guildId, bob, customIds(quote.reply)[0]));
    expect(qty.callbackType).toBe(9);
    const confirmId = qty.calls[0].body.data.custom_id;
    expect(confirmId).toMatch(new RegExp(`^market:confirm:${listingId}:\\d+$`));

    const before = await wallet(db, guildId, bob.id);
    const [first, second] = [modal(guildId, bob, confirmId, { qty: "2" }), modal(guildId, bob, confirmId, { qty: "2" })];
    const a = await inject(t, first);
    const b = await inject(t, second);
    expect(a.reply.flags).toBe(EPHEMERAL);
    expect(a.reply.embeds[0].title).toBe("Receipt");
    expect(fields(b.reply).Order).toBe(fields(a.reply).Order);
    expect(await wallet(db, guildId, bob.id)).toBe(before! - 400);
    const { rows } = await db.query("select count(*)::int as n from app_public.order_lines where listing_id = $1", [listingId]);
    expect(rows[0].n).toBe(1);

    await jobsSettled();
    const post = await postedMessage("listing", listingId);
    expect(post.embeds[0].title).toBe("Sold out: Party hat");
    expect(post.components).toEqual([]);
    const posts = t.discord.calls.filter((c) => c.method === "POST" && c.path === `/channels/${post.channel_id}/messages`);
    expect(posts).toHaveLength(1);
  });

  it("an expired listing's #shop post is edited: no Buy button", async () => {
    const listed = await inject(t, modal(guildId, alice, `market:list:${snowflake()}`, { sku: "hat", price: "205", qty: "1", hours: "1", limits: "1" }));
    const id = fields(listed.reply).listing_id.replace(/`/g, "");
    const post = await postedMessage("listing", id);
    expect(post.embeds[0].title).toBe("For sale: Party hat");
    // What listings__expire does to a due listing, for this listing only (the test database is shared).
    await db.query("select app_private.close_listing($1, 'expired', now())", [id]);
    await waitFor("the post edited", () => post.embeds[0].title === "Expired: Party hat");
    expect(post.components).toEqual([]);
  });

  it("a stale Buy button answers clearly and changes nothing", async () => {
    const before = await wallet(db, guildId, carol.id);
    const seen = await inject(t, button(guildId, carol, `market:buy:${listingId}`));
    expect(seen.reply.flags).toBe(EPHEMERAL);
    expect(seen.reply.content).toBe("That listing is no longer for sale (sold).");
    expect(await wallet(db, guildId, carol.id)).toBe(before);
  });
});

describe("admin transaction feed", () => {
  async function feedPost(where: string, params: unknown[]) {
    const { rows } = await db.query(`select tx_id::text from app_public.transactions where guild_id = $1 and ${where} order by seq desc limit 1`, [guildId, ...params]);
    const txId = rows[0].tx_id;
    return { txId, post: await postedMessage("transaction", txId) };
  }

  it("every transaction is posted to #coin-transactions with its fields and the staff buttons", async () => {
    await jobsSettled();
    const { txId, post } = await feedPost("reason = 'market_purchase'", []);
    expect(post.channel_id).toBe((await guildDiscord()).transactions);
    const f = fields(post);
    expect(f.Type).toBe("buy (market purchase)");
    expect(f.Member).toBe(`<@${bob.id}>`);
    expect(f.Counterparty).toBe(`<@${alice.id}>`);
    expect(f.Item).toBe("hat");
    expect(f.Qty).toBe("2");
    expect(f.Price).toBe("200 coins each (400 coins)");
    expect(f.Status).toBe("pending");
    expect(f.tx_id).toBe(`\`${txId}\``);
    expect(f["Coin deltas"]).toContain(`<@${bob.id}> wallet: -400`);
    expect(f["Coin deltas"]).toContain(`<@${bob.id}> escrow: +400`);
    expect(customIds(post)).toEqual([`feed:refund:${txId}`, `feed:cancel:${txId}`, `feed:fulfil:${txId}`, `feed:freeze:${txId}`, `feed:note:${txId}`]);
    const { rows } = await db.query("select count(*)::int as n from app_public.discord_messages where guild_id = $1 and subject_type = 'transaction'", [guildId]);
    const { rows: txs } = await db.query(
      "select count(*)::int as n from app_public.transactions where guild_id = $1 and created_at >= (select created_at from app_public.guild_discord where guild_id = $1)",
      [guildId],
    );
    expect(rows[0].n).toBe(txs[0].n);
  });

  /** Clicks a feed button as `who`, submits the reason, returns what they saw. */
  async function act(who: Member, action: string, txId: string, reason = "checked by staff") {
    const message = messageOf([], 0, (await db.query("select message_id::text from app_public.discord_messages where subject_id = $1", [txId])).rows[0].message_id);
    const click = await inject(t, button(guildId, who, `feed:${action}:${txId}`, message));
    if (click.callbackType !== 9) return { click, submit: null };
    expect(click.calls[0].body.data.custom_id).toBe(`feedm:${action}:${txId}`);
    const submit = await inject(t, modal(guildId, who, `feedm:${action}:${txId}`, { reason }, message));
    return { click, submit };
  }

  it("a member without a staff role is refused at the button", async () => {
    const { txId } = await feedPost("reason = 'market_purchase'", []);
    const { click } = await act(carol, "refund", txId);
    expect(click.reply.flags).toBe(EPHEMERAL);
    expect(click.reply.content).toBe("Your role is not allowed to do that.");
  });

  it("Note: refused for AUDITOR (SQL), done by ADMIN with the feed message edited to show who did what", async () => {
    const { txId } = await feedPost("reason = 'market_purchase'", []);
    const refused = await act(auditor, "note", txId);
    expect(refused.submit!.reply.flags).toBe(EPHEMERAL);
    expect(refused.submit!.reply.content).toBe("Your role is not allowed to do that.");
    const done = await act(admin, "note", txId, "buyer asked about delivery");
    expect(done.submit!.callbackType).toBe(7);
    expect(fields(done.submit!.reply)["Staff actions"]).toMatch(new RegExp(`<@${admin.id}> \\(ADMIN\\) \\*\\*note\\*\\*: buyer asked about delivery`));
    expect(done.submit!.followups[0].flags).toBe(EPHEMERAL);
    const { rows } = await db.query("select actor_id::text, actor_role::text, reason from app_public.admin_actions where subject_type = 'transaction' and subject_id = $1", [txId]);
    expect(rows).toEqual([{ actor_id: admin.id, actor_role: "ADMIN", reason: "buyer asked about delivery" }]);
  });

  it("Refund: refused for AUDITOR, done by ADMIN (escrow back to the buyer)", async () => {
    const { txId } = await feedPost("reason = 'market_purchase'", []);
    const bobBefore = await wallet(db, guildId, bob.id);
    const refused = await act(auditor, "refund", txId);
    expect(refused.submit!.reply.content).toBe("Your role is not allowed to do that.");
    expect(await wallet(db, guildId, bob.id)).toBe(bobBefore);
    const done = await act(admin, "refund", txId, "item never delivered");
    expect(done.submit!.callbackType).toBe(7);
    expect(fields(done.submit!.reply).Status).toBe("refunded");
    expect(fields(done.submit!.reply)["Staff actions"]).toContain("refund order");
    expect(await wallet(db, guildId, bob.id)).toBe(bobBefore! + 400);
  });

  it("Force Fulfil: refused for AUDITOR, done by ADMIN", async () => {
    const { txId } = await feedPost("reason = 'shop_purchase'", []);
    const refused = await act(auditor, "fulfil", txId);
    expect(refused.submit!.reply.content).toBe("Your role is not allowed to do that.");
    const done = await act(admin, "fulfil", txId, "delivered by hand");
    expect(fields(done.submit!.reply).Status).toBe("fulfilled");
    const { rows } = await db.query("select status::text from app_public.orders o join app_public.transactions t on t.order_id = o.order_id where t.tx_id = $1", [txId]);
    expect(rows[0].status).toBe("fulfilled");
  });

  it("Cancel Listing: refused for AUDITOR, done by ADMIN; the #shop post loses its Buy button", async () => {
    const listed = await inject(t, modal(guildId, alice, `market:list:${snowflake()}`, { sku: "hat", price: "210", qty: "1", hours: "24", limits: "" }));
    const listingId = fields(listed.reply).listing_id.replace(/`/g, "");
    await jobsSettled();
    const { txId } = await feedPost("listing_id = $2 and reason = 'listing_created'", [listingId]);
    const refused = await act(auditor, "cancel", txId);
    expect(refused.submit!.reply.content).toBe("Your role is not allowed to do that.");
    const done = await act(admin, "cancel", txId, "duplicate listing");
    expect(fields(done.submit!.reply).Status).toBe("cancelled");
    await jobsSettled();
    const post = await postedMessage("listing", listingId);
    expect(post.embeds[0].title).toBe("Cancelled: Party hat");
    expect(post.components).toEqual([]);
  });

  it("Freeze User: refused for AUDITOR, done by ADMIN; the frozen member is then refused clearly", async () => {
    const { txId } = await feedPost("reason = 'shop_purchase'", []);
    const refused = await act(auditor, "freeze", txId);
    expect(refused.submit!.reply.content).toBe("Your role is not allowed to do that.");
    const done = await act(admin, "freeze", txId, "suspicious trades");
    expect(fields(done.submit!.reply)["Staff actions"]).toContain("freeze user");
    const { rows } = await db.query("select frozen from app_public.users where guild_id = $1 and discord_id = $2", [guildId, carol.id]);
    expect(rows[0].frozen).toBe(true);
    const before = await wallet(db, guildId, carol.id);
    const daily = await inject(t, button(guildId, carol, "hub:daily"));
    expect(daily.reply.content).toBe("Your account is frozen; contact the staff.");
    expect(await wallet(db, guildId, carol.id)).toBe(before);
  });

  it("a too-short reason is refused before anything runs", async () => {
    const { txId } = await feedPost("reason = 'market_purchase'", []);
    const seen = await act(admin, "note", txId, "no");
    expect(seen.submit!.reply.content).toBe("Give a reason of at least 3 characters; it goes into the audit log.");
  });
});

describe("leaderboard and digest", () => {
  it("a leaderboard refresh edits the #leaderboard message in place; View Yours opens the caller's card", async () => {
    const ids = await guildDiscord();
    const postsBefore = t.discord.calls.filter((c) => c.method === "POST" && c.path === `/channels/${ids.leaderboard}/messages`).length;
    await db.query("select app_hidden.refresh_leaderboard($1)", [guildId]);
    await waitFor("leaderboard edited", () => (t.discord.messages.get(ids.leaderboard_message)!.embeds[0].description ?? "").includes(`<@${bob.id}>`));
    expect(t.discord.calls.filter((c) => c.method === "POST" && c.path === `/channels/${ids.leaderboard}/messages`)).toHaveLength(postsBefore);
    expect(customIds(t.discord.messages.get(ids.leaderboard_message))).toEqual(["lb:mine"]);
    const mine = await inject(t, button(guildId, alice, "lb:mine", messageOf([], 0, ids.leaderboard_message)));
    expect(mine.reply.flags).toBe(EPHEMERAL);
    expect(mine.reply.embeds[0].title).toBe("Alice's card");
    const slash = await inject(t, command(guildId, alice, "leaderboard"));
    expect(slash.reply.flags).toBe(EPHEMERAL);
    expect(slash.reply.embeds[0].description).toContain(`<@${bob.id}>`);
  });

  it("the daily digest is posted to #coin-transactions", async () => {
    const day = new Date().toISOString().slice(0, 10);
    // The row digest__daily writes, for this guild only (app_hidden.daily_digest digests every guild of the shared database).
    await db.query(
      `insert into app_public.daily_stats (guild_id, day, transactions, volume, fees, new_listings, orders, refunds, active_members, top_movers)
       values ($1, $2, 12, 1530, 16, 3, 4, 1, 5, $3)`,
      [guildId, day, JSON.stringify([{ discord_id: bob.id, display_name: "Bob", net: 125 }])],
    );
    const post = await postedMessage("digest", day);
    expect(post.channel_id).toBe((await guildDiscord()).transactions);
    expect(post.embeds[0].title).toBe(`📊 Daily digest: ${day}`);
    expect(fields(post)).toEqual({
      Volume: "1,530 coins",
      Fees: "16 coins",
      Transactions: "12",
      "New listings": "3",
      Orders: "4",
      Refunds: "1",
      "Active members": "5",
      "Top movers": `1. <@${bob.id}> +125`,
    });
  });
});

describe("Discord side effects under rate limits", () => {
  it("a short 429 is waited out (retry_after) and the message is posted once", async () => {
    const ids = await guildDiscord();
    t.discord.rateLimits.push({ method: "POST", path: new RegExp(`^/channels/${ids.transactions}/messages$`), retryAfter: 0.2 });
    await inject(t, command(guildId, bob, "give", [{ name: "member", type: 6, value: alice.id }, { name: "amount", type: 4, value: 3 }], [alice]));
    const { rows } = await db.query("select tx_id::text from app_public.transactions where guild_id = $1 order by seq desc limit 1", [guildId]);
    await postedMessage("transaction", rows[0].tx_id);
    const tries = t.discord.calls.filter((c) => c.method === "POST" && c.path === `/channels/${ids.transactions}/messages` && c.body?.nonce);
    const mine = tries.filter((c) => JSON.stringify(c.body).includes(rows[0].tx_id));
    expect(mine).toHaveLength(2);
    const messages = [...t.discord.messages.values()].filter((m) => JSON.stringify(m.embeds).includes(rows[0].tx_id));
    expect(messages).toHaveLength(1);
  });

  it("a long 429 re-queues the job for after retry_after instead of failing it", async () => {
    const ids = await guildDiscord();
    t.discord.rateLimits.push({ method: "POST", path: new RegExp(`^/channels/${ids.transactions}/messages$`), retryAfter: 60 });
    await inject(t, command(guildId, bob, "give", [{ name: "member", type: 6, value: alice.id }, { name: "amount", type: 4, value: 4 }], [alice]));
    const { rows } = await db.query("select tx_id::text from app_public.transactions where guild_id = $1 order by seq desc limit 1", [guildId]);
    const job = await waitFor("re-queued job", async () => {
      const r = await db.query("select run_at, attempts, last_error from graphile_worker.jobs where key = $1", [`discord__transaction:${rows[0].tx_id}`]);
      return r.rows[0] && r.rows[0].run_at > new Date(Date.now() + 30_000) ? r.rows[0] : null;
    });
    expect(job.attempts).toBe(0);
    await db.query("select graphile_worker.remove_job($1)", [`discord__transaction:${rows[0].tx_id}`]);
  });
});

describe("bad input and strangers", () => {
  it("a server unknown to Guildbank gets one clear sentence and nothing is written", async () => {
    const stranger = newGuildId().toString();
    const seen = await inject(t, button(stranger, { id: (BigInt(stranger) + 1n).toString(), name: "Stranger" }, "hub:daily"));
    expect(seen.reply.flags).toBe(EPHEMERAL);
    expect(seen.reply.content).toBe("This server is not set up for Guildbank.");
    const { rows } = await db.query("select count(*)::int as n from app_public.users where guild_id = $1", [stranger]);
    expect(rows[0].n).toBe(0);
  });

  it("a first-time member is registered by their first interaction", async () => {
    const newcomer = { id: (BigInt(guildId) + 50n).toString(), name: "Newcomer" };
    const seen = await inject(t, command(guildId, newcomer, "balance"));
    expect(fields(seen.reply).Wallet).toBe("0 coins");
    const { rows } = await db.query("select display_name from app_public.users where guild_id = $1 and discord_id = $2", [guildId, newcomer.id]);
    expect(rows[0].display_name).toBe("Newcomer");
  });

  it("modal fields are validated with the reason shown, and unknown buttons are out of date", async () => {
    const qty = await inject(t, modal(guildId, bob, `market:confirm:${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}:1`, { qty: "0" }));
    expect(qty.reply.content).toBe("The quantity must be from 1 to 1,000,000.");
    const limits = await inject(t, modal(guildId, alice, `market:list:${snowflake()}`, { sku: "hat", price: "200", qty: "1", hours: "24", limits: "3-1" }));
    expect(limits.reply.content).toBe("Per-buyer limits need 1 <= min <= max.");
    const hours = await inject(t, modal(guildId, alice, `market:list:${snowflake()}`, { sku: "hat", price: "200", qty: "1", hours: "9999", limits: "1" }));
    expect(hours.reply.content).toBe("The expiry must be from 1 to 720 hours.");
    const stale = await inject(t, button(guildId, alice, "old:feature:1"));
    expect(stale.reply.flags).toBe(EPHEMERAL);
    expect(stale.reply.content).toBe("That button is out of date.");
  });
});

describe("process", () => {
  it("records a guild and its owner from the gateway (guildCreate / ready): the owner resolves to SUPERADMIN", async () => {
    const id = newGuildId().toString();
    const ownerId = (BigInt(id) + 7n).toString();
    await recordGuild(t.bot.ctx, { id, name: "Joined guild", ownerId });
    const { rows } = await db.query("select name, owner_id::text, app_hidden.resolve_staff_role(id, $2, '{}')::text as role from app_public.guilds where id = $1", [
      id,
      ownerId,
    ]);
    expect(rows).toEqual([{ name: "Joined guild", owner_id: ownerId, role: "SUPERADMIN" }]);
  });

  it("serves /healthz and /metrics", async () => {
    const health = await fetch(`${t.bot.health.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const metrics = await (await fetch(`${t.bot.health.url}/metrics`)).text();
    expect(metrics).toMatch(/guildbank_bot_interactions_total\{kind="button",outcome="ok"\} \d+/);
    expect(metrics).toContain("guildbank_bot_card_render_seconds_count");
  });

  it("deploys the slash commands to a guild (development) or globally", async () => {
    const guild = await deployCommands({ token: "test-token-0123456789abcdefghij", clientId: "1250000000000000001", guildId, api: t.discord.api });
    expect(guild).toEqual({ scope: `guild ${guildId}`, count: 43 });
    const put = t.discord.calls.filter((c) => c.method === "PUT" && c.path.endsWith("/commands"));
    expect(put[0].path).toBe(`/applications/1250000000000000001/guilds/${guildId}/commands`);
    expect(put[0].body.map((c: any) => c.name).sort()).toEqual(
      ["balance", "burn", "buycard", "c", "card", "cardmarket", "cardsadmin", "claim_event_pack", "collection", "collectors", "cooldowns", "daily", "draw", "events", "give", "help", "inventory", "leaderboard", "link", "market", "mcstaff", "mcwallet", "missions", "mm", "mycards", "mylistings", "notifications", "openpack", "pricecheck", "season", "sell", "sellcard", "setup", "shop", "task", "tasks", "trade", "transfer_data", "unlink", "use", "viewcard", "wishlist", "withdraw"],
    );
    const global = await deployCommands({ token: "test-token-0123456789abcdefghij", clientId: "1250000000000000001", guildId: null, api: t.discord.api });
    expect(global.scope).toBe("global");
  });
});

describe("another Discord API base URL (DISCORD_API_BASE_URL; issue 17, defect 12)", () => {
  const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

  it("the bot's REST calls go there, and it logs in to the gateway whose URL that API gives (GET /gateway/bot)", async () => {
    await jobsSettled();
    const other = new FakeDiscord(APP_ID);
    await other.start();
    const bot = await startBot({
      config: loadBotConfig({
        NODE_ENV: "test",
        DATABASE_URL: dbUrls().authenticator,
        DISCORD_TOKEN: "test-token-0123456789abcdefghij",
        DISCORD_CLIENT_ID: APP_ID,
        DISCORD_API_BASE_URL: `${other.url}/api/v10`,
        BOT_HEALTH_PORT: "0",
        LOG_LEVEL: "silent",
      }),
      login: true,
    });
    try {
      expect(bot.client.isReady()).toBe(true);
      expect(other.calls.filter((c) => c.method === "GET").map((c) => c.path)).toContain("/gateway/bot");
      const identify = other.gatewayFrames.find((f) => f.op === 2)!;
      expect(identify.d.token).toBe("test-token-0123456789abcdefghij");
      expect(bot.client.user?.id).toBe(APP_ID);
      await bot.client.rest.get(`/channels/${snowflake()}/messages/${snowflake()}`).catch(() => {});
      expect(other.calls.at(-1)!.path).toMatch(/^\/channels\/\d+\/messages\/\d+$/);
      expect((await fetch(`${bot.health.url}/healthz`)).status).toBe(200);
    } finally {
      await bot.stop();
      await other.stop();
    }
  });

  it("npm run bot:deploy-commands deploys there", async () => {
    const other = new FakeDiscord(APP_ID);
    await other.start();
    try {
      const child = spawn(process.execPath, [path.join(ROOT, "bot/src/deploy-commands.ts")], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, NODE_ENV: "development", DISCORD_TOKEN: "test-token-0123456789abcdefghij", DISCORD_CLIENT_ID: APP_ID, GUILD_ID: guildId, DISCORD_API_BASE_URL: `${other.url}/api/v10` },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(out.trim()).toBe(`deployed 43 slash command(s) (guild ${guildId})`);
      expect(code).toBe(0);
      expect(other.calls.filter((c) => c.method === "PUT").map((c) => c.path)).toEqual([`/applications/${APP_ID}/guilds/${guildId}/commands`]);
    } finally {
      await other.stop();
    }
  });
});

describe("issue 17: currencies, order status and deleted channels in the feed", () => {
  async function feedPostOf(txId: string) {
    return postedMessage("transaction", txId);
  }
  const disabled = (post: { components: any[] }) => Object.fromEntries(post.components[0].components.map((c: any) => [c.label, c.disabled === true]));

  it("defect 9: a 1,500.00 MCD Minecraft payment shows in #coin-transactions in MCD, not as 150,000 coins", async () => {
    const ign = `Alice_${guildId.slice(-6)}`;
    await db.query("insert into app_public.minecraft_links (guild_id, user_id, ign) values ($1, $2, $3)", [guildId, await memberId(alice.id), ign]);
    const paid = await db.query("select transfer_id from app_private.record_payment_for($1, 'bot-test', '1', $2, 150000, 'Alice paid you $1,500.00', now())", [guildId, ign]);
    const { rows } = await db.query("select tx_id::text from app_public.transfers where id = $1", [paid.rows[0].transfer_id]);
    const f = fields(await feedPostOf(rows[0].tx_id));
    expect(f.Type).toBe("earn (minecraft payment)");
    expect(f.Price).toBe("1,500.00 MCD");
    expect(f["Coin deltas"]).toBe(`<@${alice.id}> wallet: +1,500.00 MCD\nexternal external: -1,500.00 MCD`);
    expect(f["Balances after"]).toBe(`<@${alice.id}> wallet: 1,500.00 MCD`);
    const card = await inject(t, button(guildId, alice, "hub:card"));
    expect(fields(card.reply)["Last transactions"]).toContain("+1,500.00 MCD earn (minecraft payment)");
  });

  it("defect 10: when a shop order is fulfilled by its job, its feed post is edited: fulfilled, no Refund or Force Fulfil", async () => {
    const sku = await inject(t, select(guildId, bob, "shop:sku", ["vip-rank"]));
    const receipt = await inject(t, button(guildId, bob, customIds(sku.reply)[0]));
    const orderId = fields(receipt.reply).Order.replace(/`/g, "");
    const { rows } = await db.query("select tx_id::text from app_public.transactions where order_id = $1 and reason = 'shop_purchase'", [orderId]);
    const post = await feedPostOf(rows[0].tx_id);
    await waitFor("the purchase's feed post", () => fields(post).Status === "pending");
    expect(disabled(post)).toMatchObject({ Refund: false, "Force Fulfil": false });
    // What the orders__fulfil job does for an inventory reward (the server's worker does not run in this file).
    await db.query("select app_hidden.fulfil_order($1)", [orderId]);
    await waitFor("the feed post edited", () => fields(t.discord.messages.get(post.id)!).Status === "fulfilled");
    expect(disabled(t.discord.messages.get(post.id)!)).toMatchObject({ Refund: true, "Force Fulfil": true });
    const posts = t.discord.calls.filter((c) => c.method === "POST" && JSON.stringify(c.body ?? {}).includes(rows[0].tx_id));
    expect(posts).toHaveLength(1);
  });

  it("defect 11: a deleted #coin-transactions marks the channel missing once (one ops alert), stops the jobs, and /setup repairs it", async () => {
    await jobsSettled();
    const before = await guildDiscord();
    t.discord.channels.delete(before.transactions);
    const give = (amount: number) => inject(t, command(guildId, bob, "give", [{ name: "member", type: 6, value: alice.id }, { name: "amount", type: 4, value: amount }], [alice]));
    const postsTo = (channel: string) => t.discord.calls.filter((c) => c.method === "POST" && c.path === `/channels/${channel}/messages`).length;
    const postsBefore = postsTo(before.transactions);

    await give(5);
    await waitFor("the channel marked missing", async () => {
      const { rows } = await db.query("select missing_channels from app_hidden.discord_guild($1)", [guildId]);
      return rows[0].missing_channels.includes("transactions");
    });
    await jobsSettled();
    expect(postsTo(before.transactions)).toBe(postsBefore + 1);
    const alerts = async () =>
      (await db.query("select severity::text, detail ->> 'channel' as channel from app_public.ops_alerts where guild_id = $1 and kind = 'discord_channel_missing'", [guildId])).rows;
    expect(await alerts()).toEqual([{ severity: "warning", channel: "transactions" }]);
    const { rows: failed } = await db.query("select count(*)::int as n from graphile_worker.jobs where queue_name = $1", [`discord:${guildId}`]);
    expect(failed[0].n).toBe(0);

    // Further transactions queue nothing for the missing channel: no call to Discord, no error, no second alert.
    const { rows: jobsBefore } = await db.query("select coalesce(max(id), 0) as id from graphile_worker.jobs");
    await give(6);
    const { rows: queued } = await db.query("select count(*)::int as n from graphile_worker.jobs where id > $1 and task_identifier = 'discord__transaction' and queue_name = $2", [
      jobsBefore[0].id,
      `discord:${guildId}`,
    ]);
    expect(queued[0].n).toBe(0);
    expect(postsTo(before.transactions)).toBe(postsBefore + 1);
    expect(await alerts()).toHaveLength(1);

    // /setup recreates it and clears the mark; the next transaction is posted in the new channel.
    const seen = await inject(t, command(guildId, owner, "setup"));
    expect(seen.reply.embeds[0].title).toBe("Guildbank is set up");
    const after = await guildDiscord();
    expect(after.transactions).not.toBe(before.transactions);
    expect((await db.query("select missing_channels from app_hidden.discord_guild($1)", [guildId])).rows[0].missing_channels).toEqual([]);
    await give(7);
    const { rows } = await db.query("select tx_id::text from app_public.transactions where guild_id = $1 order by seq desc limit 1", [guildId]);
    expect((await postedMessage("transaction", rows[0].tx_id)).channel_id).toBe(after.transactions);
  });
});
