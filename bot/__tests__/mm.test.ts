/**
 * The middleman end to end (issue 13): a real discord.js client (interactions injected as gateway
 * payloads), the router and handlers, the bot's `discord__*` runner, the test database and the
 * fake Discord REST. In-game payments enter through `app_hidden.record_payment` as the listener
 * and the plugin webhook do. One whole trade from Start Middleman to the seller's queued /pay, a
 * disputed trade split by an admin, an expired trade; the ticket embed edited as payments arrive.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { withClaims } from "@guildbank/lib";
import { dbUrls, lockWorkerTests, newGuildId, waitFor } from "../../server/__tests__/helpers.ts";
import { button, command, customIds, fields, inject, modal, snowflake, startTestBot, type Member, type RawInteraction, type TestBot } from "./fixtures.ts";

const EPHEMERAL = 64;
let t: TestBot;
let db: pg.Pool;
let unlock: () => Promise<void>;
let guildId: string;
let owner: Member;
let alice: Member;
let bob: Member;
let carol: Member;
let judge: Member;
const SUPPORT_ROLE = snowflake();
let publicChannel: string;
let logChannel: string;
let staffChannel: string;
let line = 0;

/** A member with Discord's Administrator permission (and nothing else). */
function admin(raw: RawInteraction): RawInteraction {
  raw.member.permissions = "8";
  return raw;
}

/** A member without Discord's Administrator permission. */
function plain(raw: RawInteraction): RawInteraction {
  raw.member.permissions = "0";
  return raw;
}

function userSelect(m: Member, customId: string, target: Member): RawInteraction {
  const raw = plain(button(guildId, m, customId));
  raw.data = {
    custom_id: customId,
    component_type: 5,
    values: [target.id],
    resolved: { users: { [target.id]: { id: target.id, username: target.name.toLowerCase(), global_name: target.name, discriminator: "0", avatar: null } } },
  };
  return raw;
}

function fakeChannel(name: string): string {
  const id = snowflake();
  t.discord.channels.set(id, { id, guild_id: guildId, name, type: 0, topic: null, permission_overwrites: [] } as never);
  return id;
}

/** An in-game payment to the bot, recorded as the listener does. */
async function pay(ign: string, cents: bigint | number | string, source = "listener:test"): Promise<void> {
  line += 1;
  const dollars = `${BigInt(cents) / 100n}.${(BigInt(cents) % 100n).toString().padStart(2, "0")}`;
  await withClaims(db, { role: "coins_listener", guildId }, (c) =>
    c.query("select app_hidden.record_payment($1, $2, $3, now(), $4, $5)", [ign, String(cents), `${ign} paid you $${dollars}.`, source, String(line)]),
  );
}

async function trade(id: string) {
  return (await db.query("select *, id::text as id from app_public.mm_trades where id = $1", [id])).rows[0];
}

async function ticketBody(id: string, until: (body: any) => boolean) {
  return waitFor(`ticket mm-${id}`, async () => {
    const tr = await trade(id);
    if (!tr?.ticket_message_id) return null;
    const msg = t.discord.messages.get(String(tr.ticket_message_id));
    return msg && until(msg) ? msg : null;
  });
}

async function startTrade(starter: Member, other: Member, role: "buyer" | "seller", sale: string, by: Member = other): Promise<string> {
  const seen = await inject(t, plain(button(guildId, starter, `mm:start:${guildId}`)));
  expect(seen.reply.flags).toBe(EPHEMERAL);
  const id = (await db.query("select t.id::text from app_public.mm_trades t join app_public.users u on u.id = t.starter_id where u.discord_id = $1 and t.status = 'open'", [starter.id])).rows[0].id;
  await inject(t, userSelect(starter, `mm:tag:${id}`, other));
  const form = await inject(t, plain(modal(guildId, by, `mmf:form:${id}`, { role, seller_ign: "", buyer_ign: "", sale, notes: "Diamond sword" })));
  expect(form.reply.content).toMatch(/^Verification amounts for mm-/);
  return id;
}

beforeAll(async () => {
  unlock = await lockWorkerTests();
  db = new pg.Pool({ connectionString: dbUrls().root, max: 4 });
  guildId = newGuildId().toString();
  const id = (n: number) => (BigInt(guildId) + BigInt(n)).toString();
  owner = { id: id(900), name: "Owner" };
  judge = { id: id(901), name: "Judge" };
  alice = { id: id(1), name: "Alice" };
  bob = { id: id(2), name: "Bob" };
  carol = { id: id(3), name: "Carol" };
  t = await startTestBot();
  await db.query("select app_hidden.record_guild($1, 'MM test guild', $2)", [guildId, owner.id]);
  for (const m of [alice, bob, carol]) await db.query("select app_private.ensure_member($1, $2, $3)", [guildId, m.id, m.name]);
  await db.query("select app_private.link_ign($1, (select id from app_public.users where guild_id = $1 and discord_id = $2), 'Alice_MC')", [guildId, alice.id]);
  await db.query("select app_private.link_ign($1, (select id from app_public.users where guild_id = $1 and discord_id = $2), 'Bob_MC')", [guildId, bob.id]);
  publicChannel = fakeChannel("middleman");
  logChannel = fakeChannel("mm-log");
  staffChannel = fakeChannel("mm-staff");
});

afterAll(async () => {
  await t?.stop();
  await db?.query("select graphile_worker.complete_jobs(array(select id from graphile_worker.jobs where payload::text like $1))", [`%${guildId}%`]).catch(() => {});
  await db?.end();
  await unlock?.();
});

describe("middleman setup", () => {
  it("refuses /mm set-public-channel to a member without a staff role, and changes nothing", async () => {
    const raw = plain(command(guildId, carol, "mm", [{ name: "set-public-channel", type: 1, options: [{ name: "channel", type: 7, value: publicChannel }] } as never]));
    raw.data.resolved = { channels: { [publicChannel]: { id: publicChannel, type: 0, name: "middleman", permissions: "0" } } };
    const seen = await inject(t, raw);
    expect(seen.reply.content).toBe("Your role is not allowed to do that.");
    expect((await db.query("select count(*)::int as n from app_public.mm_discord where guild_id = $1", [guildId])).rows[0].n).toBe(0);
  });

  it("an Administrator sets the public channel: the public embed appears with Start Middleman", async () => {
    const raw = admin(command(guildId, judge, "mm", [{ name: "set-public-channel", type: 1, options: [{ name: "channel", type: 7, value: publicChannel }] } as never]));
    raw.data.resolved = { channels: { [publicChannel]: { id: publicChannel, type: 0, name: "middleman", permissions: "0" } } };
    const seen = await inject(t, raw);
    expect(seen.reply.content).toBe(`Saved: public channel is <#${publicChannel}>.`);
    await db.query("update app_public.mm_discord set log_channel_id = $2, staff_channel_id = $3, support_role_id = $4 where guild_id = $1", [guildId, logChannel, staffChannel, SUPPORT_ROLE]);
    const msg = await waitFor("public embed", () => [...t.discord.messages.values()].find((m) => m.channel_id === publicChannel));
    expect(msg.embeds[0].title).toBe("Middleman / Escrow — Donut SMP");
    expect(msg.embeds[0].description).toContain("Click **Start Middleman**");
    expect(customIds(msg)).toEqual([`mm:start:${guildId}`]);
    expect(fields(msg).Fee).toBe("5% of the sale, paid by the seller");
  });
});

describe("a whole trade", () => {
  let id: string;
  it("Start Middleman opens a private channel mm-<id> for the starter, the bot and the support role; a double click opens one", async () => {
    await inject(t, plain(button(guildId, alice, `mm:start:${guildId}`)));
    const again = await inject(t, plain(button(guildId, alice, `mm:start:${guildId}`)));
    expect(again.reply.content).toMatch(/mm-\d+/);
    const rows = (await db.query("select t.id::text from app_public.mm_trades t join app_public.users u on u.id = t.starter_id where u.discord_id = $1", [alice.id])).rows;
    expect(rows).toHaveLength(1);
    id = rows[0].id;
    const body = await ticketBody(id, () => true);
    const channel = t.discord.channels.get(body.channel_id)!;
    expect(channel.name).toBe(`mm-${id}`);
    const allowed = (who: string) => BigInt(channel.permission_overwrites.find((o) => o.id === who)?.allow ?? "0") & 1024n;
    expect(BigInt(channel.permission_overwrites.find((o) => o.id === guildId)!.deny) & 1024n).toBe(1024n);
    expect(allowed(alice.id)).toBe(1024n);
    expect(allowed(SUPPORT_ROLE)).toBe(1024n);
    expect(fields(body)["Seller verification"]).toBe("Waiting for amounts");
    expect(customIds(body)).toEqual([`mm:tag:${id}`, `mm:form:${id}`, `mm:cancel:${id}`]);
  });

  it("a stranger cannot fill in someone else's ticket (MM003) and nothing moves", async () => {
    const seen = await inject(t, plain(modal(guildId, carol, `mmf:form:${id}`, { role: "buyer", seller_ign: "", buyer_ign: "", sale: "1500", notes: "" })));
    expect(seen.reply.content).toBe(`Only the parties of trade mm-${id} can do that.`);
    expect((await trade(id)).status).toBe("open");
  });

  it("the starter tags Bob (he gets access), Bob submits the form: amounts drawn, ❌ Not paid", async () => {
    const tagged = await inject(t, userSelect(alice, `mm:tag:${id}`, bob));
    expect(tagged.reply.content).toContain(`<@${bob.id}> can now see this ticket`);
    const bad = await inject(t, plain(modal(guildId, bob, `mmf:form:${id}`, { role: "buyer", seller_ign: "", buyer_ign: "", sale: "1.2.3", notes: "" })));
    expect(bad.reply.content).toMatch(/must be an amount like/);
    const form = await inject(t, plain(modal(guildId, bob, `mmf:form:${id}`, { role: "buyer", seller_ign: "", buyer_ign: "", sale: "1.5k", notes: "Diamond sword" })));
    expect(form.reply.content).toMatch(/^Verification amounts for mm-\d+: seller \$\d+\.\d\d, buyer \$\d+\.\d\d/);
    const tr = await trade(id);
    expect(tr.status).toBe("awaiting_verification");
    expect(String(tr.sale_amount)).toBe("150000");
    const body = await ticketBody(id, (m) => m.embeds[0].title.includes("awaiting verification"));
    expect(fields(body)["Seller verification"]).toContain("❌ Not paid");
    expect(fields(body)["Seller verification"]).toContain(`/pay Bunji_MC`);
    expect(fields(body).Sale).toContain("$1,500.00 · fee 5%: $75.00 · seller gets $1,425.00");
    const channel = t.discord.channels.get(body.channel_id)!;
    expect(BigInt(channel.permission_overwrites.find((o) => o.id === bob.id)!.allow) & 1024n).toBe(1024n);
  });

  it("Copy Pay opens a modal prefilled with /pay Bunji_MC <amount>; a stranger's click is refused", async () => {
    const tr = await trade(id);
    const seen = await inject(t, plain(button(guildId, bob, `mm:copy:${id}:buyer`)));
    expect(seen.callbackType).toBe(9);
    const amount = BigInt(tr.buyer_verify_amount);
    const expected = `/pay Bunji_MC ${amount / 100n}${amount % 100n === 0n ? "" : `.${(amount % 100n).toString().padStart(2, "0")}`}`;
    expect(JSON.stringify(seen.reply)).toContain(expected);
    const stranger = await inject(t, plain(button(guildId, carol, `mm:copy:${id}:buyer`)));
    expect(stranger.reply.content).toBe(`Only the parties of trade mm-${id} can do that.`);
  });

  it("payments turn the fields ✅ Paid in place (wrong amount and wrong payer do not); then the deposit puts it in escrow", async () => {
    const tr = await trade(id);
    const messagesBefore = t.discord.messages.size;
    await pay("Bob_MC", BigInt(tr.buyer_verify_amount) + 1n);
    await pay("Bob_MC", tr.seller_verify_amount);
    const started = performance.now();
    await pay("bob_mc", tr.buyer_verify_amount);
    const edited = await ticketBody(id, (m) => fields(m)["Buyer verification"].includes("✅ Paid"));
    const latencyMs = performance.now() - started;
    expect(latencyMs).toBeLessThan(2000);
    expect(fields(edited)["Buyer verification"]).toContain(`> bob_mc paid you $`);
    expect(fields(edited)["Seller verification"]).toContain("❌ Not paid");
    expect(fields(edited)["Payments that did not match"]).toContain("amount not expected");
    await pay("Alice_MC", tr.seller_verify_amount);
    await pay("Alice_MC", tr.seller_verify_amount, "webhook:payment"); // the plugin's copy of the same payment
    await ticketBody(id, (m) => m.embeds[0].title.includes("awaiting the buyer's deposit"));
    await pay("Bob_MC", 149999);
    await pay("Bob_MC", 150000);
    const escrow = await ticketBody(id, (m) => m.embeds[0].title.includes("in escrow"));
    expect(fields(escrow).Escrow).toContain("✅ $1,500.00 held");
    expect(customIds(escrow)).toContain(`mm:confirm:${id}`);
    expect(t.discord.messages.size - messagesBefore).toBe(0); // edited in place, never reposted
    console.log(`figure: payment commit -> ticket embed edited: ${latencyMs.toFixed(0)} ms`);
  });

  it("the seller cannot confirm delivery (MM012); the buyer can: completed, log line, transcript, the seller's /pay queued", async () => {
    const seller = await inject(t, plain(button(guildId, alice, `mm:confirm:${id}`)));
    expect(seller.reply.content).toBe(`Only the buyer of trade mm-${id} can confirm delivery.`);
    const buyer = await inject(t, plain(button(guildId, bob, `mm:confirm:${id}`)));
    expect(buyer.reply.content).toBe(`Delivery confirmed: mm-${id} is completed and the seller's payout is queued.`);
    const twice = await inject(t, plain(button(guildId, bob, `mm:confirm:${id}`)));
    expect(twice.reply.content).toBe(`Trade mm-${id} is completed: it cannot confirm_delivery now.`);
    const log = await waitFor("log line", () => [...t.discord.messages.values()].find((m) => m.channel_id === logChannel && m.content.includes(`mm-${id}`)));
    expect(log.content).toBe(`✅ Trade #mm-${id} completed | Sale: $1,500.00 | Fee 5%: $75.00 | Paid to: <@${alice.id}> <@${bob.id}> | Minecraft: Alice_MC ↔ Bob_MC`);
    const upload = t.discord.calls.find((c) => c.method === "POST" && c.path === `/channels/${logChannel}/messages`)!;
    expect(upload.files[0].name).toBe(`mm-${id}-transcript.txt`);
    expect((await trade(id)).transcript).toContain("verification_paid");
    const payouts = (await db.query("select amount::text, ign from app_public.minecraft_payouts where guild_id = $1 order by id", [guildId])).rows;
    expect(payouts).toContainEqual({ amount: "142500", ign: "Alice_MC" });
    const done = await ticketBody(id, (m) => m.embeds[0].title.includes("completed"));
    expect(customIds(done)).toEqual([]);
    expect((await db.query("select * from app_public.verify_ledger($1)", [guildId])).rows).toEqual([]);
  });
});

describe("a disputed trade, split by an admin", () => {
  let id: string;
  it("Mark as Scammed freezes it, pins the ticket, tags support and escalates to the staff channel with the staff buttons", async () => {
    id = await startTrade(bob, alice, "seller", "1000", alice);
    const tr = await trade(id);
    expect([tr.seller_ign, tr.buyer_ign]).toEqual(["Alice_MC", "Bob_MC"]);
    await pay(tr.seller_ign, tr.seller_verify_amount);
    await pay(tr.buyer_ign, tr.buyer_verify_amount);
    await pay(tr.buyer_ign, 100000);
    await ticketBody(id, (m) => m.embeds[0].title.includes("in escrow"));
    const seen = await inject(t, plain(modal(guildId, bob, `mmf:scam:${id}`, { reason: "no item" })));
    expect(seen.reply.content).toContain("is frozen and support has been told");
    const body = await ticketBody(id, (m) => m.embeds[0].title.includes("dispute open"));
    expect(body.content).toContain(`<@&${SUPPORT_ROLE}>`);
    await waitFor("pinned", () => t.discord.messages.get(body.id)!.pinned);
    const escalation = await waitFor("escalation", () => [...t.discord.messages.values()].find((m) => m.channel_id === staffChannel && m.embeds[0]?.title?.startsWith(`Dispute: mm-${id}`)));
    expect(customIds(escalation)).toEqual([`mm:freeze:${id}`, `mm:reqev:${id}`, `mm:adj:${id}:buyer`, `mm:adj:${id}:seller`, `mm:adj:${id}:split`]);
    // The thread is opened right after the escalation is posted (one more request): wait for it too.
    const thread = (await waitFor("thread", () => [...t.discord.channels.values()].find((c) => c.name === `dispute-mm-${id}`))) as any;
    expect(thread?.parent_id).toBe(staffChannel);
    expect(thread?.type).toBe(11);
  });

  it("a member without a staff role cannot adjudicate; a party who is an Administrator cannot either (PD002)", async () => {
    const stranger = await inject(t, plain(button(guildId, carol, `mm:adj:${id}:split`)));
    expect(stranger.reply.content).toBe("Your role is not allowed to do that.");
    const party = await inject(t, admin(modal(guildId, alice, `mmf:adj:${id}:buyer`, { reason: "mine" })));
    expect(party.reply.content).toMatch(/Staff cannot adjust/);
    expect((await trade(id)).status).toBe("dispute_open");
  });

  it("an Administrator splits: $400 back to the buyer, $600 minus 5% to the seller, both paid by /pay", async () => {
    const open = await inject(t, admin(button(guildId, judge, `mm:adj:${id}:split`)));
    expect(open.callbackType).toBe(9);
    const seen = await inject(t, admin(modal(guildId, judge, `mmf:adj:${id}:split`, { buyer_amount: "400", reason: "both partly right" })));
    expect(seen.reply.content).toBe(`mm-${id} adjudicated (split); payouts are queued.`);
    const tr = await trade(id);
    expect(tr.status).toBe("adjudicated");
    expect(tr.outcome).toMatchObject({ decision: "split", buyer_amount: 40000, seller_amount: 57000, fee: 3000 });
    const body = await ticketBody(id, (m) => m.embeds[0].title.includes("adjudicated"));
    expect(fields(body).Decision).toContain("split: buyer $400.00, seller $570.00, fee $30.00");
    const log = await waitFor("log line", () => [...t.discord.messages.values()].find((m) => m.channel_id === logChannel && m.content.includes(`mm-${id}`)));
    expect(log.content).toContain("adjudicated (split)");
    expect((await db.query("select * from app_public.verify_ledger($1)", [guildId])).rows).toEqual([]);
  });
});

describe("an expired trade", () => {
  it("a trade not verified within 2 h expires; the payment made is returned by /pay and the ticket says so", async () => {
    const id = await startTrade(alice, bob, "seller", "250");
    const tr = await trade(id);
    await pay(tr.seller_ign, tr.seller_verify_amount);
    await ticketBody(id, (m) => fields(m)["Seller verification"].includes("✅ Paid"));
    // Two hours pass for this trade only (the cron body is global; other suites share the database).
    await db.query("update app_public.mm_trades set amounts_drawn_at = amounts_drawn_at - interval '2 hours 1 minute', created_at = created_at - interval '2 hours 1 minute' where id = $1", [id]);
    await withClaims(db, { role: "coins_worker" }, (c) => c.query("select app_hidden.mm_expire_trades(now())"));
    const body = await ticketBody(id, (m) => m.embeds[0].title.includes("expired"));
    expect(fields(body)["Payouts (/pay)"]).toContain(`${tr.seller_ign}: $${(Number(tr.seller_verify_amount) / 100).toFixed(2)}`);
    expect(customIds(body)).toEqual([]);
  });

  it("48 h in escrow without confirmation: a reminder in the ticket and a support ping, never a release", async () => {
    const id = await startTrade(alice, bob, "seller", "300");
    const tr = await trade(id);
    await pay(tr.seller_ign, tr.seller_verify_amount);
    await pay(tr.buyer_ign, tr.buyer_verify_amount);
    await pay(tr.buyer_ign, 30000);
    await ticketBody(id, (m) => m.embeds[0].title.includes("in escrow"));
    await db.query("update app_public.mm_trades set deposited_at = deposited_at - interval '48 hours 1 minute' where id = $1", [id]);
    await withClaims(db, { role: "coins_worker" }, (c) => c.query("select app_hidden.mm_expire_trades(now())"));
    const body = await ticketBody(id, (m) => m.content.includes("⏰"));
    expect(body.content).toContain(`<@&${SUPPORT_ROLE}>`);
    expect((await trade(id)).status).toBe("in_escrow");
  });

  it("/mm history lists a member's completed trades; /mcwallet shows MCD and pending payouts", async () => {
    const history = await inject(t, plain(command(guildId, alice, "mm", [{ name: "history", type: 1, options: [] } as never])));
    expect(history.reply.content).toMatch(/mm-\d+ · seller · completed · \$1,500\.00/);
    const wallet = await inject(t, plain(command(guildId, alice, "mcwallet")));
    expect(wallet.reply.content).toContain("linked IGN: Alice_MC");
    expect(wallet.reply.content).toContain("$1,425.00 (queued)");
  });
});
