/**
 * A member's self-service end to end (issue 14): the real bot (a discord.js client, interactions injected as gateway
 * payloads), its router and its `discord__*` runner against the test database and the fake Discord. Shop quantity;
 * `/inventory` and `/use`; role items granted at delivery and taken back when their time is up (`discord__role`,
 * `discord__role_remove`); a role Discord refuses is recorded as failed; `/pricecheck`, `/sell`, `/mylistings`
 * (reprice, cancel); `/market` pages; DMs (`discord__notify`) sent, switched off and recorded failed; `/season` and the
 * badges on the card. Orders are fulfilled by SQL here (the server's worker does it in production).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { dbUrls, isolateDatabase, newGuildId, waitFor } from "../../server/__tests__/helpers.ts";
import { button, command, customIds, fields, inject, messageOf, modal, snowflake, startTestBot, wallet, type Member, type TestBot } from "./fixtures.ts";

const EPHEMERAL = 64;
const VIP_ROLE = snowflake();
const MUTED_ROLE = snowflake();
const LOCKED_ROLE = snowflake();

let t: TestBot;
let db: pg.Pool;
let dropOwnDatabase: () => Promise<void>;
let guildId: string;
let owner: Member;
let alice: Member;
let bob: Member;

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

const uid = (m: Member) => db.query("select id from app_public.users where guild_id = $1 and discord_id = $2", [guildId, m.id]).then((r) => r.rows[0]?.id as string);

/** Fulfils a member's pending orders (what the server's orders__fulfil job does). */
async function fulfilPending(m: Member): Promise<number> {
  const { rows } = await db.query(
    "select app_hidden.fulfil_order(o.order_id) from app_public.orders o where o.buyer_id = $1 and o.status = 'pending'",
    [await uid(m)],
  );
  return rows.length;
}

async function inventory(m: Member, sku: string): Promise<number> {
  const { rows } = await db.query("select quantity from app_public.inventory where user_id = $1 and sku = $2", [await uid(m), sku]);
  return rows[0]?.quantity ?? 0;
}

/** The DMs the fake Discord holds for a member (embeds of messages in their DM channel). */
function dmsOf(m: Member): any[] {
  const dm = [...t.discord.channels.values()].find((c) => c.type === 1 && c.topic === m.id);
  if (!dm) return [];
  return [...t.discord.messages.values()].filter((x) => x.channel_id === dm.id).flatMap((x) => x.embeds);
}

beforeAll(async () => {
  dropOwnDatabase = await isolateDatabase();
  db = new pg.Pool({ connectionString: dbUrls().root, max: 4 });
  guildId = newGuildId().toString();
  const id = (n: number) => (BigInt(guildId) + BigInt(n)).toString();
  owner = { id: id(900), name: "Owner" };
  alice = { id: id(1), name: "Alice" };
  bob = { id: id(2), name: "Bob" };
  t = await startTestBot();
  await db.query("select app_hidden.record_guild($1, 'Member test guild', $2)", [guildId, owner.id]);
  const [hub, leaderboard, shop, transactions] = ["coin-hub", "leaderboard", "shop", "coin-transactions"].map(channel);
  await db.query("select app_hidden.save_discord_setup($1, $2, $3, $4, $5, 1, 2)", [guildId, hub, leaderboard, shop, transactions]);
  for (const m of [alice, bob]) {
    await db.query("select app_private.ensure_member($1, $2, $3)", [guildId, m.id, m.name]);
    await db.query("select app_private.admin_adjust_by($1, 'ADMIN', (select id from app_public.users where guild_id = $2 and discord_id = $3), 5000, 'funding')", [owner.id, guildId, m.id]);
  }
  await db.query(
    `insert into app_public.rewards (guild_id, sku, name, category, price, role_id, role_action, role_duration_s, consumable, use_message) values
       ($1, 'cookie', 'Cookie', 'cosmetic', 10, null, null, null, true, 'Crunch!'),
       ($1, 'vip-week', 'VIP for a week', 'rank', 100, $2, 'grant', 604800, false, ''),
       ($1, 'unmute', 'Unmute token', 'cosmetic', 50, $3, 'remove', null, true, 'You can talk again.'),
       ($1, 'locked', 'Locked role', 'rank', 20, $4, 'grant', null, false, ''),
       ($1, 'sword', 'Iron Sword', 'cosmetic', 10, null, null, null, false, '')`,
    [guildId, VIP_ROLE, MUTED_ROLE, LOCKED_ROLE],
  );
  await jobsSettled();
});

afterAll(async () => {
  await t?.stop();
  await db?.query("select graphile_worker.complete_jobs(array(select id from graphile_worker.jobs where queue_name = $1))", [`discord:${guildId}`]).catch(() => {});
  await db?.end();
  await dropOwnDatabase?.();
});

describe("shop quantity, /inventory and /use", () => {
  it("buys several units in one order from the item view's quantity modal; a second submit buys nothing more", async () => {
    const view = await inject(t, button(guildId, alice, "shop:item:cookie"));
    expect(view.reply.flags).toBe(EPHEMERAL);
    const qty = customIds(view.reply).find((c) => c.startsWith("shop:qty:cookie:"))!;
    expect(qty).toBeTruthy();
    const opened = await inject(t, button(guildId, alice, qty));
    expect(opened.callbackType).toBe(9);
    expect(opened.reply.custom_id).toBe(qty.replace("shop:qty:", "shopq:buy:"));
    const before = await wallet(db, guildId, alice.id);
    const bought = await inject(t, modal(guildId, alice, opened.reply.custom_id, { qty: "3" }));
    expect(bought.reply.embeds[0].description).toBe("You bought **3 × Cookie**. The coins are held in escrow until it is delivered.");
    expect(fields(bought.reply)["Coins moved"]).toBe("30 coins to escrow");
    const again = await inject(t, modal(guildId, alice, opened.reply.custom_id, { qty: "3" }));
    expect(fields(again.reply).Order).toBe(fields(bought.reply).Order);
    const { rows } = await db.query("select l.qty from app_public.orders o join app_public.order_lines l using (order_id) where o.buyer_id = $1", [await uid(alice)]);
    expect(rows).toEqual([{ qty: 3 }]);
    expect(await wallet(db, guildId, alice.id)).toBe(before! - 30);
    const bad = await inject(t, modal(guildId, alice, opened.reply.custom_id.replace(/:\d+$/, ":1"), { qty: "zero" }));
    expect(bad.reply.content).toBe("The quantity must be a whole number.");
  });

  it("/inventory shows what the member owns with a Use button; /use eats one", async () => {
    expect(await fulfilPending(alice)).toBe(1);
    const inv = await inject(t, command(guildId, alice, "inventory"));
    expect(inv.reply.flags).toBe(EPHEMERAL);
    expect(inv.reply.embeds[0].description).toBe("**3 × Cookie** `cookie` — use with **/use**");
    expect(customIds(inv.reply)).toEqual(["inv:use:cookie", "inv:sell:cookie"]);
    const used = await inject(t, command(guildId, alice, "use", [{ name: "item", type: 3, value: "cookie" }]));
    expect(used.reply.embeds[0]).toMatchObject({ title: "Used: Cookie", description: "Crunch!", footer: { text: "2 left" } });
    const clicked = await inject(t, button(guildId, alice, "inv:use:cookie"));
    expect(clicked.reply.embeds[0].footer.text).toBe("1 left");
    expect(await inventory(alice, "cookie")).toBe(1);
    const refused = await inject(t, command(guildId, alice, "use", [{ name: "item", type: 3, value: "sword" }]));
    expect(refused.reply.content).toBe("Iron Sword is not something you can use: it has no /use effect.");
  });

  it("/use autocompletes the member's consumables", async () => {
    const raw = command(guildId, alice, "use", [{ name: "item", type: 3, value: "co", focused: true } as never]);
    raw.type = 4;
    const seen = await inject(t, raw);
    expect(seen.calls.find((c) => c.path.endsWith("/callback"))!.body.data.choices).toEqual([{ name: "Cookie (1)", value: "cookie" }]);
  });
});

describe("role items", () => {
  it("a timed role item is granted at delivery by discord__role, once, and taken back by discord__role_remove when it ends", async () => {
    const view = await inject(t, button(guildId, alice, "shop:item:vip-week"));
    const buy = customIds(view.reply).find((c) => c.startsWith("shop:buy:vip-week:"))!;
    await inject(t, button(guildId, alice, buy));
    expect(await fulfilPending(alice)).toBe(1);
    await jobsSettled();
    expect(t.discord.memberRoles.has(`${guildId}/${alice.id}/${VIP_ROLE}`)).toBe(true);
    expect(t.discord.calls.filter((c) => c.method === "PUT" && c.path === `/guilds/${guildId}/members/${alice.id}/roles/${VIP_ROLE}`)).toHaveLength(1);
    const { rows } = await db.query("select status, expires_at > now() + interval '6 days' as long, removal_status from app_public.role_grants where role_id = $1", [VIP_ROLE]);
    expect(rows).toEqual([{ status: "applied", long: true, removal_status: "none" }]);
    expect(await inventory(alice, "vip-week")).toBe(0);

    await db.query("select app_hidden.expire_role_grants(now() + interval '8 days')");
    await jobsSettled();
    expect(t.discord.memberRoles.has(`${guildId}/${alice.id}/${VIP_ROLE}`)).toBe(false);
    const after = await db.query("select removal_status from app_public.role_grants where role_id = $1", [VIP_ROLE]);
    expect(after.rows).toEqual([{ removal_status: "removed" }]);
  });

  it("a consumable that removes a role does it on /use", async () => {
    t.discord.memberRoles.add(`${guildId}/${alice.id}/${MUTED_ROLE}`);
    const view = await inject(t, button(guildId, alice, "shop:item:unmute"));
    await inject(t, button(guildId, alice, customIds(view.reply).find((c) => c.startsWith("shop:buy:unmute:"))!));
    await fulfilPending(alice);
    await jobsSettled();
    expect(t.discord.memberRoles.has(`${guildId}/${alice.id}/${MUTED_ROLE}`)).toBe(true);
    const used = await inject(t, command(guildId, alice, "use", [{ name: "item", type: 3, value: "unmute" }]));
    expect(used.reply.embeds[0].description).toBe(`You can talk again.\n<@&${MUTED_ROLE}> will be removed from you in a moment.`);
    await jobsSettled();
    expect(t.discord.memberRoles.has(`${guildId}/${alice.id}/${MUTED_ROLE}`)).toBe(false);
  });

  it("a role Discord refuses (missing permission) is recorded as failed, not retried", async () => {
    t.discord.lockedRoles.add(LOCKED_ROLE);
    const view = await inject(t, button(guildId, bob, "shop:item:locked"));
    await inject(t, button(guildId, bob, customIds(view.reply).find((c) => c.startsWith("shop:buy:locked:"))!));
    await fulfilPending(bob);
    await jobsSettled();
    const { rows } = await db.query("select status, error from app_public.role_grants where role_id = $1", [LOCKED_ROLE]);
    expect(rows[0].status).toBe("failed");
    expect(rows[0].error).toMatch(/^403 50013/);
    expect(t.discord.calls.filter((c) => c.path.endsWith(`/roles/${LOCKED_ROLE}`))).toHaveLength(1);
  });
});

describe("selling: /pricecheck, /sell, /mylistings, /market, DMs", () => {
  let listingId: string;

  it("/pricecheck shows the floor and the 7-day median before listing, with a List it button", async () => {
    const view = await inject(t, button(guildId, bob, "shop:item:sword"));
    const qty = customIds(view.reply).find((c) => c.startsWith("shop:qty:sword:"))!;
    await inject(t, modal(guildId, bob, qty.replace("shop:qty:", "shopq:buy:"), { qty: "8" }));
    await fulfilPending(bob);
    const check = await inject(t, command(guildId, bob, "pricecheck", [{ name: "item", type: 3, value: "sword" }, { name: "price", type: 4, value: 12 }]));
    const f = fields(check.reply);
    expect(check.reply.embeds[0].title).toBe("Price check: Iron Sword");
    expect(f["7-day median sale"]).toBe("no sales yet");
    expect(f["Shop price"]).toBe("10 coins");
    expect(f["Reference"]).toMatch(/^\d+ coins$/); // the shop price times the scarcity multiplier (nothing listed yet)
    expect(f["Floor (lowest allowed)"]).toMatch(/^\d+ coins$/);
    expect(f["At 12 coins"]).toMatch(/^allowed: \w+ fee, [\d.]+ % of each sale$/);
    expect(customIds(check.reply)).toEqual(["inv:sell:sword"]);
    const low = await inject(t, command(guildId, bob, "pricecheck", [{ name: "item", type: 3, value: "sword" }, { name: "price", type: 4, value: 1 }]));
    expect(fields(low.reply)["At 1 coin"] ?? fields(low.reply)["At 1 coins"]).toMatch(/^below the floor: list at \d+ coins or more$/);
    const sell = await inject(t, button(guildId, bob, "inv:sell:sword"));
    expect(sell.callbackType).toBe(9);
  });

  it("/sell lists; /mylistings reprices through a modal and cancels (units back to the inventory)", async () => {
    for (let n = 0; n < 6; n++) {
      const listed = await inject(t, modal(guildId, bob, `market:list:${snowflake()}`, { sku: "sword", price: String(10 + n), qty: "1", hours: "72", limits: "1" }));
      expect(listed.reply.embeds[0].title).toBe("Listed");
    }
    expect(await inventory(bob, "sword")).toBe(2);
    const mine = await inject(t, command(guildId, bob, "mylistings"));
    expect(mine.reply.embeds[0].footer.text).toBe("page 1 of 2");
    const ids = customIds(mine.reply);
    expect(ids.filter((c) => c.startsWith("mylist:cancel:"))).toHaveLength(5);
    expect(ids).toContain("mylist:page:1");
    listingId = ids[0].split(":")[2];
    const opened = await inject(t, button(guildId, bob, `mylist:reprice:${listingId}`));
    expect(opened.callbackType).toBe(9);
    const repriced = await inject(t, modal(guildId, bob, `mylistm:reprice:${listingId}`, { price: "11" }));
    expect(repriced.reply.embeds[0].title).toBe("Repriced");
    expect((await db.query("select unit_price::int from app_public.listings where listing_id = $1", [listingId])).rows[0].unit_price).toBe(11);
    const page2 = await inject(t, button(guildId, bob, "mylist:page:1", messageOf(mine.reply.components)));
    expect(page2.callbackType).toBe(7);
    expect(page2.reply.embeds[0].footer.text).toBe("page 2 of 2");
    const last = customIds(page2.reply).find((c) => c.startsWith("mylist:cancel:"))!;
    const cancelled = await inject(t, button(guildId, bob, last, messageOf(page2.reply.components)));
    expect(cancelled.callbackType).toBe(7);
    expect(cancelled.followups[0].content).toBe("Listing cancelled: the unsold units are back in your inventory.");
    expect(await inventory(bob, "sword")).toBe(3);
    const stranger = await inject(t, button(guildId, alice, `mylist:reprice:${listingId}`));
    expect(stranger.reply.content).toBe("That listing is no longer active.");
  });

  it("/market filters, sorts and pages with buttons that edit the message", async () => {
    const first = await inject(t, command(guildId, alice, "market", [{ name: "sort", type: 3, value: "price_asc" }]));
    expect(first.reply.embeds[0].description.split("\n")).toHaveLength(5);
    expect(first.reply.embeds[0].footer.text).toBe("5 listing(s) · cheapest first");
    const prices = first.reply.embeds[0].description.split("\n").map((l: string) => Number(l.match(/: (\d+) coins each/)![1]));
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    expect(first.reply.embeds[0].description.split("\n")[0]).toMatch(/^\*\*1\. Iron Sword\*\* `sword`: \d+ coins each, 1 left, by Bob, ends <t:\d+:R>$/);
    const filtered = await inject(t, command(guildId, alice, "market", [{ name: "max_price", type: 4, value: 11 }]));
    expect(filtered.reply.embeds[0].footer.text).toBe("2 listing(s) at most 11 coins · newest first");
    const none = await inject(t, command(guildId, alice, "market", [{ name: "item", type: 3, value: "shield" }]));
    expect(none.reply.embeds[0].description).toMatch(/^Nothing on the market matches/);
    // A sixth listing makes two pages.
    await inject(t, modal(guildId, bob, `market:list:${snowflake()}`, { sku: "sword", price: "20", qty: "1", hours: "72", limits: "1" }));
    const paged = await inject(t, command(guildId, alice, "market", [{ name: "sort", type: 3, value: "price_asc" }]));
    const next = customIds(paged.reply).find((c) => c.startsWith("market:page:5:price_asc"))!;
    expect(next).toBe("market:page:5:price_asc::");
    const page2 = await inject(t, button(guildId, alice, next, messageOf(paged.reply.components)));
    expect(page2.callbackType).toBe(7);
    expect(page2.reply.embeds[0].description).toMatch(/^\*\*6\. Iron Sword\*\* `sword`: 20 coins each/);
    expect(customIds(page2.reply)[0]).toMatch(/^market:buy:/);
  });

  it("a sale DMs the seller (discord__notify); the buyer's noisy 'delivered' DM is off until they turn it on", async () => {
    const confirm = await inject(t, modal(guildId, alice, `market:confirm:${listingId}:${snowflake()}`, { qty: "1" }));
    expect(confirm.reply.embeds[0]).toBeTruthy();
    await fulfilPending(alice);
    await jobsSettled();
    const dm = dmsOf(bob).find((e) => e.title === "Your listing sold")!;
    expect(dm.description).toMatch(/^1 × \*\*Iron Sword\*\* sold for 11 coins each\.\nYou received \*\*\d+ coins\*\*/);
    expect(dmsOf(alice).filter((e) => e.title === "Your order was delivered")).toHaveLength(0);
    const { rows } = await db.query("select kind, status from app_public.notifications where user_id = $1 and kind = 'listing_sold'", [await uid(bob)]);
    expect(rows).toEqual([{ kind: "listing_sold", status: "sent" }]);
    // Bob's first sale earned a badge: DMed, and on his card.
    expect(dmsOf(bob).map((e) => e.title)).toContain("You earned a badge: 🏷️ First Sale");
    const card = await inject(t, command(guildId, bob, "card"));
    expect(fields(card.reply).Badges).toContain("First Sale");
  });

  it("/notifications switches a kind; a DM the member refuses is recorded failed at once", async () => {
    const shown = await inject(t, command(guildId, alice, "notifications"));
    expect(shown.reply.embeds[0].description.split("\n")).toEqual([
      "✅ Your listing sold",
      "⬜ Your order was delivered",
      "✅ Your order was refunded",
      "✅ Your task was reviewed",
      "✅ You earned a badge",
      "⬜ A timed role ended",
    ]);
    const on = await inject(t, button(guildId, alice, "notify:on:order_fulfilled", messageOf(shown.reply.components)));
    expect(on.callbackType).toBe(7);
    expect(on.reply.embeds[0].description.split("\n")[1]).toBe("✅ Your order was delivered");
    expect(customIds(on.reply)).toContain("notify:off:order_fulfilled");
    t.discord.dmBlocked.add(alice.id);
    const view = await inject(t, button(guildId, alice, "shop:item:cookie"));
    await inject(t, button(guildId, alice, customIds(view.reply).find((c) => c.startsWith("shop:buy:cookie:"))!));
    await fulfilPending(alice);
    await jobsSettled();
    const { rows } = await db.query("select status, error from app_public.notifications where user_id = $1 and kind = 'order_fulfilled'", [await uid(alice)]);
    expect(rows).toEqual([{ status: "failed", error: "Cannot send messages to this user" }]);
    t.discord.dmBlocked.delete(alice.id);
  });
});

describe("seasons", () => {
  it("/season shows the running season's table; the card's rank is the season rank", async () => {
    const none = await inject(t, command(guildId, alice, "season"));
    expect(none.reply.content).toBe("No season is running in this server. The leaderboard (/leaderboard) shows all-time balances.");
    await db.query("select app_private.start_season_for($1, 'Winter', 30, true, null)", [guildId]);
    await db.query("select app_private.admin_adjust_by($1, 'ADMIN', (select id from app_public.users where guild_id = $2 and discord_id = $3), 70, 'prize')", [owner.id, guildId, alice.id]);
    const seen = await inject(t, command(guildId, bob, "season"));
    expect(seen.reply.embeds[0].title).toBe("🏆 Winter");
    expect(seen.reply.embeds[0].description).toBe(`**#1** <@${alice.id}>: 70 coins earned`);
    expect(fields(seen.reply).You).toBe("#2, 0 coins earned");
    const card = await inject(t, command(guildId, alice, "card"));
    expect(fields(card.reply)["Rank in Winter"]).toBe("#1 (70 coins earned)");
  });
});
