/**
 * The middleman end to end (issue 13): a real discord.js client (interactions injected as gateway
 * payloads), the router and handlers, the bot's `discord__*` runner, the test database and the
 * fake Discord REST; on the Minecraft side the real listener (mineflayer) logged in as Bunji_MC to
 * the local 1.21.10 minecraft-protocol server, which writes the payment lines, and the real
 * `minecraft__payout` runner, whose `/pay` commands the server receives and confirms. The plugin
 * webhook's copy of a payment enters through `app_hidden.record_payment` as the webhook route does.
 * One whole trade from Start Middleman to the seller's /pay, a disputed trade split by an admin, an
 * expired trade; the ticket embed edited as the payments arrive. Then the operators' and members'
 * Minecraft money commands, file evidence and thread tickets.
 *
 * With `--screenshots=<dir>` (GUILDBANK_SCREENSHOTS) the ticket embed of the whole trade, as the
 * fake Discord holds it, is rendered in Chromium and saved as `mm-ticket.png`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createLogger, createPool, withClaims } from "@guildbank/lib";
import { createListener, startPayoutRunner, type Listener, type PayoutRunner } from "@guildbank/minecraft";
import { startFakeServer, type FakeServer } from "../../minecraft/__tests__/fake-server.ts";
import { testConfig } from "../../minecraft/__tests__/helpers.ts";
import path from "node:path";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { resolveChromium } from "../../scripts/chromium.ts";
import { messageHtml } from "./embed-html.ts";
import { dbUrls, isolateDatabase, newGuildId, waitFor } from "../../server/__tests__/helpers.ts";
import { button, command, customIds, fields, inject, modal, snowflake, startTestBot, type Member, type RawInteraction, type TestBot } from "./fixtures.ts";

const EPHEMERAL = 64;
let t: TestBot;
let db: pg.Pool;
let dropOwnDatabase: () => Promise<void>;
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
let mcServer: FakeServer;
let mcPool: pg.Pool;
let listener: Listener;
let payouts: PayoutRunner;
/** The ticket embed in escrow (both verifications ✅ Paid), as the fake Discord holds it: the README's screenshot. */
let escrowSnapshot: any;

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

/**
 * An in-game payment to the bot: the local server writes `<ign> paid you $<amount>.` as system chat
 * and the real listener records it (resolves once its row is committed). `webhook:payment`: the
 * plugin's signed copy of a payment, recorded as the webhook route does.
 */
async function pay(ign: string, cents: bigint | number | string, source = "listener"): Promise<void> {
  line += 1;
  const dollars = `${BigInt(cents) / 100n}.${(BigInt(cents) % 100n).toString().padStart(2, "0")}`;
  const text = `${ign} paid you $${dollars}.`;
  if (source !== "listener") {
    await withClaims(db, { role: "coins_listener", guildId }, (c) => c.query("select app_hidden.record_payment($1, $2, $3, now(), $4, $5)", [ign, String(cents), text, source, String(line)]));
    return;
  }
  const count = async () => Number((await db.query("select count(*) as n from app_public.minecraft_payments where guild_id = $1 and raw_line = $2", [guildId, text])).rows[0].n);
  const before = await count();
  mcServer.say(text);
  await waitFor(`payment line ${text}`, async () => (await count()) > before);
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
  dropOwnDatabase = await isolateDatabase();
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
  // The Minecraft side: the listener logged in as Bunji_MC, the /pay runner, a server that confirms every /pay.
  mcServer = await startFakeServer();
  mcServer.onCommand((cmd) => {
    const m = /^pay (\w+) ([\d.]+)$/.exec(cmd);
    if (m) mcServer.say(`You paid ${m[1]} $${m[2]}.`);
  });
  mcPool = createPool(dbUrls().authenticator, 4);
  const config = testConfig(mcServer.port, guildId, { MINECRAFT_USERNAME: "Bunji_MC", MINECRAFT_LISTENER_ID: "mm-e2e", MINECRAFT_PAYOUT_CONFIRM_TIMEOUT_MS: "10000" });
  const logger = createLogger("mm-e2e", "silent");
  listener = createListener({ config, pool: mcPool, logger });
  const joined = mcServer.joined();
  listener.start();
  await joined;
  await waitFor("listener login", () => listener.connected);
  payouts = await startPayoutRunner({ config, listener, pool: mcPool, logger }, 200);
  publicChannel = fakeChannel("middleman");
  logChannel = fakeChannel("mm-log");
  staffChannel = fakeChannel("mm-staff");
});

afterAll(async () => {
  await payouts?.stop();
  await listener?.stop();
  await mcServer?.close();
  await mcPool?.end();
  await t?.stop();
  await db?.query("select graphile_worker.complete_jobs(array(select id from graphile_worker.jobs where payload::text like $1))", [`%${guildId}%`]).catch(() => {});
  await db?.end();
  await dropOwnDatabase?.();
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
    expect(customIds(msg)).toEqual([`mm:start:${guildId}`, `mm:link:${guildId}`]);
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
    escrowSnapshot = structuredClone(escrow);
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
    const queued = (await db.query("select amount::text, ign from app_public.minecraft_payouts where guild_id = $1 order by id", [guildId])).rows;
    expect(queued).toContainEqual({ amount: "142500", ign: "Alice_MC" });
    // The seller's /pay reaches the Minecraft server once, and its confirmation line settles the payout.
    await waitFor("seller's /pay", () => mcServer.commands.includes("pay Alice_MC 1425"));
    await waitFor("payout confirmed", async () => (await db.query("select status::text from app_public.minecraft_payouts where guild_id = $1 and amount = 142500", [guildId])).rows[0].status === "confirmed");
    expect(mcServer.commands.filter((c) => c === "pay Alice_MC 1425")).toHaveLength(1);
    const done = await ticketBody(id, (m) => m.embeds[0].title.includes("completed"));
    expect(customIds(done)).toEqual([]);
    expect((await db.query("select * from app_public.verify_ledger($1)", [guildId])).rows).toEqual([]);
  });
});

describe("the README's screenshot", () => {
  it.skipIf(!process.env.SCREENSHOTS_DIR)("renders the ticket embed in escrow from its real JSON in Chromium (mm-ticket.png)", async () => {
    expect(escrowSnapshot).toBeTruthy();
    const names = { [alice.id]: alice.name, [bob.id]: bob.name, [SUPPORT_ROLE]: "Support" };
    const launch = await resolveChromium();
    const browser = await chromium.launch({ executablePath: launch.executablePath, headless: true, args: launch.args, env: launch.env });
    try {
      const page = await browser.newPage({ viewport: { width: 800, height: 600 }, deviceScaleFactor: 1 });
      const emojiFont = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf";
      await page.setContent(messageHtml(escrowSnapshot, names, existsSync(emojiFont) ? readFileSync(emojiFont) : undefined));
      await page.evaluate("document.fonts.ready");
      const dir = path.resolve(process.env.SCREENSHOTS_DIR!);
      mkdirSync(dir, { recursive: true });
      await page.locator(".msg").screenshot({ path: path.join(dir, "mm-ticket.png") });
    } finally {
      await browser.close();
    }
  }, 60_000);
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
    expect(wallet.reply.content).toMatch(/\*\*Recent in-game payments\*\*: .*from Alice_MC/);
  });
});

describe("Minecraft money: members and operators", () => {
  const sub = (name: string, options: { name: string; type: number; value: unknown }[] = []) => [{ name, type: 1, options } as never];

  it("the public embed's Link Minecraft button gives the member a unique small amount to pay from their account", async () => {
    const seen = await inject(t, plain(button(guildId, carol, `mm:link:${guildId}`)));
    expect(seen.reply.flags).toBe(EPHEMERAL);
    expect(seen.reply.content).toMatch(/pay exactly \*\*\$\d+\.\d\d\*\* from it/);
    const amount = (await db.query("select r.amount::text from app_public.mm_link_requests r join app_public.users u on u.id = r.user_id where u.discord_id = $1 order by r.id desc limit 1", [carol.id])).rows[0].amount;
    // Carol pays it in game from Carol_MC: the listener's line links her.
    await pay("Carol_MC", amount);
    await waitFor("carol linked", async () => (await db.query("select 1 from app_public.minecraft_links l join app_public.users u on u.id = l.user_id where u.discord_id = $1 and l.ign = 'Carol_MC'", [carol.id])).rowCount);
    const history = (await db.query("select action, via from app_public.minecraft_link_history h join app_public.users u on u.id = h.user_id where u.discord_id = $1", [carol.id])).rows;
    expect(history).toEqual([{ action: "linked", via: "payment" }]);
  });

  it("/unlink removes the member's link (once a day: the second is refused with LK002)", async () => {
    const seen = await inject(t, plain(command(guildId, carol, "unlink", [{ name: "reason", type: 3, value: "new account" }])));
    expect(seen.reply.content).toBe("Your Minecraft account Carol_MC is no longer linked. Use /link to link one again.");
    await db.query("select app_private.link_ign($1, (select id from app_public.users where guild_id = $1 and discord_id = $2), 'Carol_Two')", [guildId, carol.id]);
    const again = await inject(t, plain(command(guildId, carol, "unlink")));
    expect(again.reply.content).toMatch(/^You can unlink once a day: try again in \d+ seconds\.$/);
    expect((await db.query("select ign from app_public.minecraft_links l join app_public.users u on u.id = l.user_id where u.discord_id = $1", [carol.id])).rows).toEqual([{ ign: "Carol_Two" }]);
  });

  it("/withdraw over the guild's maximum is refused (MM014) and moves nothing", async () => {
    await db.query("update app_public.guild_settings set mc_withdraw_max = 1000 where guild_id = $1", [guildId]);
    const before = (await db.query("select count(*)::int as n from app_public.minecraft_payouts where guild_id = $1", [guildId])).rows[0].n;
    const seen = await inject(t, plain(command(guildId, alice, "withdraw", [{ name: "amount", type: 3, value: "10.01" }])));
    expect(seen.reply.content).toBe("A withdrawal must be between 100 and 1000 (MCD cents).");
    expect((await db.query("select count(*)::int as n from app_public.minecraft_payouts where guild_id = $1", [guildId])).rows[0].n).toBe(before);
  });

  it("/mcstaff: a member without a staff role is refused; staff list unmatched payments and assign one with a reason (audited)", async () => {
    const refused = await inject(t, plain(command(guildId, carol, "mcstaff", sub("payments"))));
    expect(refused.reply.content).toBe("Your role is not allowed to do that.");
    await pay("Stranger_MC", 1234);
    const list = await inject(t, admin(command(guildId, judge, "mcstaff", sub("payments", [{ name: "status", type: 3, value: "unmatched" }]))));
    const paymentId = /#(\d+) · Stranger_MC · \$12\.34 · unmatched/.exec(list.reply.content)?.[1];
    expect(paymentId).toBeTruthy();
    const assign = await inject(
      t,
      admin(
        command(guildId, judge, "mcstaff", sub("assign", [
          { name: "payment", type: 4, value: Number(paymentId) },
          { name: "member", type: 6, value: carol.id },
          { name: "reason", type: 3, value: "screenshot of the payment" },
        ]), [carol]),
      ),
    );
    expect(assign.reply.content).toBe(`Payment #${paymentId} ($12.34) credited to <@${carol.id}>.`);
    const audit = (await db.query("select action, reason from app_public.admin_actions where guild_id = $1 order by id desc limit 1", [guildId])).rows[0];
    expect(audit).toEqual({ action: "assign_payment", reason: "screenshot of the payment" });
  });

  it("/mcstaff payouts, links (history), link/unlink, vouchers (never the code)", async () => {
    const payoutsSeen = await inject(t, admin(command(guildId, judge, "mcstaff", sub("payouts", [{ name: "status", type: 3, value: "confirmed" }]))));
    expect(payoutsSeen.reply.content).toMatch(/#\d+ · Alice_MC · \$1,425\.00 · confirmed · mm/);
    const unlink = await inject(t, admin(command(guildId, judge, "mcstaff", sub("unlink", [{ name: "member", type: 6, value: carol.id }, { name: "reason", type: 3, value: "account sold" }]), [carol])));
    expect(unlink.reply.content).toBe(`<@${carol.id}> is no longer linked to Carol_Two.`);
    const link = await inject(t, admin(command(guildId, judge, "mcstaff", sub("link", [{ name: "member", type: 6, value: carol.id }, { name: "ign", type: 3, value: "Carol_MC" }, { name: "reason", type: 3, value: "checked in game" }]), [carol])));
    expect(link.reply.content).toBe(`<@${carol.id}> is linked to Carol_MC.`);
    const links = await inject(t, admin(command(guildId, judge, "mcstaff", sub("links", [{ name: "member", type: 6, value: carol.id }]), [carol])));
    const lines = links.reply.content.split("\n");
    expect(lines[0]).toContain(`<@${carol.id}> linked Carol_MC · by <@${judge.id}> · checked in game`);
    expect(lines[1]).toContain(`<@${carol.id}> unlinked Carol_Two · by <@${judge.id}> · account sold`);
    expect(links.reply.content).toContain("linked Carol_MC · by payment");
    // A voucher order of Carol's: staff see its state, never its code.
    await db.query("insert into app_public.rewards (guild_id, sku, name, category, price, fulfilment) values ($1, 'mmvouch', 'Voucher', 'voucher', 1, 'voucher') on conflict do nothing", [guildId]);
    await db.query(
      `select app_private.post_transfer($1, (select id from app_public.accounts where guild_id = $1 and user_id is null and currency = 'COIN' and kind = 'mint'),
              (select a.id from app_public.accounts a join app_public.users u on u.id = a.user_id where u.guild_id = $1 and u.discord_id = $2 and a.currency = 'COIN' and a.kind = 'wallet'), 5, 'test_mint')`,
      [guildId, carol.id],
    );
    const order = await withClaims(db, { role: "coins_player", guildId, discordId: carol.id }, async (c) => (await c.query("select order_id::text from app_public.buy_reward('mmvouch', 1, 'mm-test-voucher')")).rows[0].order_id);
    const code = (await db.query("select code::text from app_hidden.issue_voucher($1)", [order])).rows[0].code as string;
    const vouchers = await inject(t, admin(command(guildId, judge, "mcstaff", sub("vouchers", [{ name: "status", type: 3, value: "pending" }]))));
    expect(vouchers.reply.content).toContain(`<@${carol.id}> · pending`);
    expect(vouchers.reply.content).not.toContain(code);
  });
});

describe("file evidence and thread tickets", () => {
  it("/mm evidence stores uploaded files (URL and metadata) in the trail; a stranger's upload is refused", async () => {
    const id = await startTrade(alice, bob, "seller", "200");
    const file = { id: snowflake(), filename: "chest.png", size: 48213, url: "https://cdn.discordapp.com/attachments/1/2/chest.png", proxy_url: "https://media.discordapp.net/attachments/1/2/chest.png", content_type: "image/png" };
    const raw = (m: Member) => {
      const r = plain(command(guildId, m, "mm", [{ name: "evidence", type: 1, options: [{ name: "trade", type: 3, value: `mm-${id}` }, { name: "file", type: 11, value: file.id }, { name: "note", type: 3, value: "the chest" }] } as never]));
      (r.data as any).resolved = { attachments: { [file.id]: file } };
      return r;
    };
    const stranger = await inject(t, raw(carol));
    expect(stranger.reply.content).toBe(`Only the parties of trade mm-${id} can do that.`);
    const seen = await inject(t, raw(bob));
    expect(seen.reply.content).toBe(`1 file(s) added to mm-${id}'s evidence.`);
    const ev = (await db.query("select detail from app_public.mm_events where trade_id = $1 and kind = 'evidence'", [id])).rows;
    expect(ev).toEqual([{ detail: { url: null, note: "the chest", attachments: [{ id: file.id, url: file.url, name: "chest.png", size: 48213, content_type: "image/png" }] } }]);
    const body = await ticketBody(id, (m) => (fields(m).Evidence ?? "").includes("chest.png"));
    expect(fields(body).Evidence).toContain(`[chest.png](${file.url}) (47 KB)`);
    // The Attach Evidence button: a modal with Discord's file upload component, submitted with a file.
    const opened = await inject(t, plain(button(guildId, alice, `mm:evidence:${id}`)));
    expect(opened.callbackType).toBe(9);
    const labels = opened.reply.components.map((c: any) => [c.type, c.component.type, c.component.custom_id]);
    expect(labels).toEqual([[18, 19, "files"], [18, 4, "url"], [18, 4, "note"]]);
    const shot = { id: snowflake(), filename: "chat.png", size: 2048, url: "https://cdn.discordapp.com/attachments/1/3/chat.png", proxy_url: "https://media.discordapp.net/attachments/1/3/chat.png", content_type: "image/png" };
    const submit = plain(modal(guildId, alice, `mmf:evidence:${id}`, {}));
    submit.data.components = [
      { type: 18, id: 1, component: { type: 19, id: 2, custom_id: "files", values: [shot.id] } },
      { type: 18, id: 3, component: { type: 4, id: 4, custom_id: "url", value: "" } },
      { type: 18, id: 5, component: { type: 4, id: 6, custom_id: "note", value: "what he wrote" } },
    ];
    submit.data.resolved = { attachments: { [shot.id]: shot } };
    const sent = await inject(t, submit);
    expect(sent.reply.content).toBe("1 file(s) added to the trade's evidence.");
    const last = (await db.query("select actor, detail from app_public.mm_events where trade_id = $1 and kind = 'evidence' order by id desc limit 1", [id])).rows[0];
    expect(last).toEqual({ actor: "buyer", detail: { url: null, note: "what he wrote", attachments: [{ id: shot.id, url: shot.url, name: "chat.png", size: 2048, content_type: "image/png" }] } });
    await inject(t, plain(modal(guildId, alice, `mmf:cancel:${id}`, { reason: "changed my mind" })));
  });

  it("with /mm set-ticket-mode thread, Start Middleman opens a private thread under the public channel; the tagged member is added", async () => {
    const set = await inject(t, admin(command(guildId, judge, "mm", [{ name: "set-ticket-mode", type: 1, options: [{ name: "mode", type: 3, value: "thread" }] } as never])));
    expect(set.reply.content).toBe("New tickets open as private threads under the public middleman channel.");
    await inject(t, plain(button(guildId, carol, `mm:start:${guildId}`)));
    const id = (await db.query("select t.id::text from app_public.mm_trades t join app_public.users u on u.id = t.starter_id where u.discord_id = $1 and t.status = 'open'", [carol.id])).rows[0].id;
    const body = await ticketBody(id, () => true);
    const thread = t.discord.channels.get(body.channel_id)!;
    expect(thread).toMatchObject({ name: `mm-${id}`, type: 12, parent_id: publicChannel, invitable: false });
    expect(thread.members).toContain(carol.id);
    expect(thread.members).not.toContain(bob.id);
    await inject(t, userSelect(carol, `mm:tag:${id}`, bob));
    await waitFor("bob added to the thread", () => t.discord.channels.get(body.channel_id)!.members!.includes(bob.id));
    expect(t.discord.calls.some((c) => c.method === "PUT" && c.path === `/channels/${thread.id}/permissions/${bob.id}`)).toBe(false);
    // Closed: the thread is locked and archived after the guild's delay (0 here).
    await db.query("update app_public.mm_discord set archive_delay_s = 0 where guild_id = $1", [guildId]);
    await inject(t, plain(modal(guildId, carol, `mmf:cancel:${id}`, { reason: "test over" })));
    await waitFor("thread archived", () => t.discord.channels.get(body.channel_id)!.archived === true);
    expect(t.discord.channels.get(body.channel_id)!.locked).toBe(true);
    await inject(t, admin(command(guildId, judge, "mm", [{ name: "set-ticket-mode", type: 1, options: [{ name: "mode", type: 3, value: "channel" }] } as never])));
  });
});
