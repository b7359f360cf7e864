/**
 * Collectible cards in Discord end to end (issue 15): a real discord.js Client with injected interactions, the fake
 * Discord REST API, the test database. Open a pack (backs, public), pick (the flip), view, sell, buy, trade with
 * confirmations (a revision would need new ones: the button carries the version).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { dbUrls, isolateDatabase, newGuildId, waitFor } from "../../server/__tests__/helpers.ts";
import { button, command, customIds, fields, inject, messageOf, startTestBot, type Member, type TestBot } from "./fixtures.ts";

const EPHEMERAL = 64;

let t: TestBot;
let db: pg.Pool;
let dropOwnDatabase: () => Promise<void>;
let guildId: string;
let owner: Member;
let alice: Member;
let bob: Member;

async function uid(m: Member): Promise<string> {
  const { rows } = await db.query("select id from app_public.users where guild_id = $1 and discord_id = $2", [guildId, m.id]);
  return rows[0].id;
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
  await db.query("select app_hidden.record_guild($1, 'Cards bot guild', $2)", [guildId, owner.id]);
  await db.query(
    `with a as (insert into app_public.artists (guild_id, name, code) values ($1, 'Aurora Vale', 'AUR') returning id),
          e as (insert into app_public.eras (guild_id, artist_id, name, code, colour) select $1, id, 'Daybreak', 'DAY', '#e59866' from a returning id, artist_id)
     insert into app_public.card_templates (guild_id, public_id, artist_id, era_id, rarity)
     select $1, 'AUR-DAY-' || upper(left(r::text, 1)) || '-00' || n, e.artist_id, e.id, r
       from e, unnest(enum_range(null::app_public.card_rarity)) r, generate_series(1, 2) n`,
    [guildId],
  );
  for (const m of [alice, bob]) await db.query("select app_private.ensure_member($1, $2, $3)", [guildId, m.id, m.name]);
  await db.query(
    `select app_private.post_transfer($1, app_private.ledger_account($1, null, 'NOTE', 'mint'), app_private.ledger_account($1, $2, 'NOTE', 'wallet'), 500, 'test')`,
    [guildId, await uid(bob)],
  );
});

afterAll(async () => {
  await t?.stop();
  await db?.end();
  await dropOwnDatabase?.();
});

describe("cards in Discord", () => {
  let openingId: string;
  let aliceCard: string;
  let listingId: string;

  it("/openpack shows three backs in the channel with a button per card", async () => {
    const seen = await inject(t, command(guildId, alice, "openpack"));
    expect(seen.reply.flags ?? 0).toBe(0); // public reveal (card_settings.reveal_public)
    expect(seen.reply.embeds[0].title).toBe("Alice opened a Standard pack");
    expect(seen.reply.embeds[0].image.url).toBe("attachment://pack.png");
    const ids = customIds(seen.reply);
    expect(ids).toHaveLength(3);
    openingId = ids[0].split(":")[2];
    expect(ids).toEqual([0, 1, 2].map((s) => `cards:pick:${openingId}:${s}`));
    const file = seen.calls.find((c) => c.path.endsWith("/callback"))!.files[0];
    expect(file.name).toBe("pack.png");
    expect(file.size).toBeGreaterThan(10_000);
    const { rows } = await db.query("select count(*)::int as n from app_public.user_cards where guild_id = $1", [guildId]);
    expect(rows[0].n).toBe(0); // nothing minted before the pick
  });

  it("another member cannot pick; the opener picks once and the card flips", async () => {
    const pack = messageOf([], 0);
    const other = await inject(t, button(guildId, bob, `cards:pick:${openingId}:0`, pack));
    expect(other.reply.flags).toBe(EPHEMERAL);
    expect(other.reply.content).toBe("That pack does not exist or is not yours.");
    const seen = await inject(t, button(guildId, alice, `cards:pick:${openingId}:1`, pack));
    expect(seen.callbackType).toBe(7); // the pack message is updated in place
    expect(seen.reply.embeds[0].title).toMatch(/^Kept AUR-DAY-[CRELM]-00[12] #1$/);
    expect(seen.reply.components).toEqual([]);
    const { rows } = await db.query(
      "select c.id::text from app_public.user_cards c where c.owner_id = $1 and c.print_no = 1",
      [await uid(alice)],
    );
    aliceCard = rows[0].id;
    const again = await inject(t, button(guildId, alice, `cards:pick:${openingId}:2`, pack));
    expect(again.reply.content).toBe("You already picked your card from this pack.");
  });

  it("/openpack again within the cooldown is refused with the time", async () => {
    const seen = await inject(t, command(guildId, alice, "openpack"));
    expect(seen.reply.flags).toBe(EPHEMERAL);
    expect(seen.reply.content).toMatch(/^You can use \/openpack again at <t:\d+:f>\.$/);
  });

  it("/mycards and /viewcard show the copy", async () => {
    const mine = await inject(t, command(guildId, alice, "mycards"));
    expect(mine.reply.flags).toBe(EPHEMERAL);
    expect(mine.reply.embeds[0].title).toBe("Your cards (1)");
    expect(mine.reply.embeds[0].description).toContain(`\`${aliceCard}\``);
    const publicId = /\*\*(AUR-DAY-[A-Z]-\d{3})\*\*/.exec(mine.reply.embeds[0].description)![1];
    const view = await inject(t, command(guildId, alice, "viewcard", [{ name: "public_id", type: 3, value: publicId.toLowerCase() }]));
    expect(view.reply.embeds[0].title).toBe(publicId);
    expect(fields(view.reply)["Copies minted"]).toBe("1");
    expect(fields(view.reply)["You own"]).toBe("1");
    expect(view.calls.find((c) => c.path.endsWith("/callback"))!.files[0].name).toBe("card.png");
    // Filters: by artist (code or name) and era, sorted; a filter that matches nothing says so.
    const byArtist = await inject(
      t,
      command(guildId, alice, "mycards", [
        { name: "artist", type: 3, value: "aurora vale" },
        { name: "era", type: 3, value: "day" },
        { name: "sort", type: 3, value: "newest" },
      ]),
    );
    expect(byArtist.reply.embeds[0].title).toBe("Your cards (1) · aurora vale · day");
    expect(byArtist.reply.embeds[0].footer.text).toMatch(/sorted by newest/);
    const none = await inject(t, command(guildId, alice, "mycards", [{ name: "artist", type: 3, value: "NOPE" }]));
    expect(none.reply.embeds[0].title).toBe("Your cards (0) · NOPE");
    const artists = await inject(t, { ...command(guildId, alice, "mycards", [{ name: "artist", type: 3, value: "aur", focused: true } as never]), type: 4 });
    expect(artists.reply.choices).toEqual([{ name: "Aurora Vale (AUR)", value: "AUR" }]);
  });

  it("/sellcard lists it; bob buys from /cardmarket; the seller gets the price minus 5 %", async () => {
    const sell = await inject(
      t,
      command(guildId, alice, "sellcard", [
        { name: "card", type: 4, value: Number(aliceCard) },
        { name: "price", type: 4, value: 100 },
        { name: "currency", type: 3, value: "NOTE" },
      ]),
    );
    expect(sell.reply.embeds[0].title).toBe("Card listed");
    expect(fields(sell.reply).Price).toBe("100 Notes");
    listingId = /`([0-9a-f-]{36})`/.exec(fields(sell.reply).Listing)![1];
    const market = await inject(t, command(guildId, bob, "cardmarket"));
    expect(market.reply.embeds[0].description).toContain("100 Notes");
    expect(customIds(market.reply)).toEqual([`cards:buy:${listingId}`]);
    const self = await inject(t, button(guildId, alice, `cards:buy:${listingId}`));
    expect(self.reply.content).toBe("You cannot buy your own listing.");
    const bought = await inject(t, button(guildId, bob, `cards:buy:${listingId}`));
    expect(bought.reply.flags).toBe(EPHEMERAL);
    expect(bought.reply.embeds[0].title).toMatch(/^Bought AUR-DAY-[A-Z]-\d{3} #1$/);
    expect(fields(bought.reply).Paid).toBe("100 Notes");
    const bal = await inject(t, command(guildId, alice, "balance"));
    expect(fields(bal.reply).Notes).toBe("95 Notes");
    const { rows } = await db.query("select * from app_public.verify_ledger($1)", [guildId]);
    expect(rows).toEqual([]);
  });

  it("/trade: both members confirm the version they saw, then the swap happens", async () => {
    // bob (who now owns the card) offers it back to alice for 20 of her Notes.
    const offer = await inject(
      t,
      command(
        guildId,
        bob,
        "trade",
        [
          { name: "member", type: 6, value: alice.id },
          { name: "give_card", type: 4, value: Number(aliceCard) },
          { name: "want_notes", type: 4, value: 20 },
        ],
        [alice],
      ),
    );
    expect(offer.reply.content).toBe(`<@${alice.id}>: <@${bob.id}> offers you a trade.`);
    expect(offer.reply.embeds[0].title).toBe("Trade offer (version 1)");
    const [confirmId, cancelId] = customIds(offer.reply);
    expect(confirmId).toMatch(/^cards:tok:[0-9a-f-]{36}:1$/);
    expect(cancelId).toMatch(/^cards:tno:/);
    const msg = messageOf([], 0);
    const first = await inject(t, button(guildId, alice, confirmId, msg));
    expect(first.reply.embeds[0].title).toBe("Trade offer (version 1)");
    expect(customIds(first.reply)).toEqual([confirmId, cancelId]);
    const stale = await inject(t, button(guildId, bob, confirmId.replace(/:1$/, ":0"), msg));
    expect(stale.reply.content).toBe("The trade changed since you looked at it: review version 1 and confirm again.");
    const done = await inject(t, button(guildId, bob, confirmId, msg));
    expect(done.reply.embeds[0].title).toBe("Trade done");
    expect(done.reply.components).toEqual([]);
    const { rows } = await db.query("select owner_id::text from app_public.user_cards where id = $1", [aliceCard]);
    expect(rows[0].owner_id).toBe(await uid(alice));
    const bal = await inject(t, command(guildId, alice, "balance"));
    expect(fields(bal.reply).Notes).toBe("75 Notes");
  });

  it("/wishlist, /collection and the staff's /cardsadmin (refused for members, audited for staff)", async () => {
    const wish = await inject(t, command(guildId, bob, "wishlist", [{ name: "public_id", type: 3, value: "aur-day-m-001" }]));
    expect(wish.reply.content).toBe("AUR-DAY-M-001 is on your wishlist: you will be told when it drops.");
    const col = await inject(t, command(guildId, alice, "collection"));
    expect(col.reply.embeds[0].description).toBe("**Aurora Vale** · Daybreak: 1/10 (10 %)");
    const sub = (name: string, options: { name: string; type: number; value: unknown }[]) => [{ name, type: 1, options }] as unknown as { name: string; type: number; value: unknown }[];
    const refused = await inject(
      t,
      command(guildId, alice, "cardsadmin", sub("setrarity", [
        { name: "public_id", type: 3, value: "AUR-DAY-C-001" },
        { name: "rarity", type: 3, value: "mythic" },
        { name: "reason", type: 3, value: "because" },
      ])),
    );
    expect(refused.reply.content).toBe("Your role is not allowed to do that.");
    const set = await inject(
      t,
      command(guildId, owner, "cardsadmin", sub("setrarity", [
        { name: "public_id", type: 3, value: "AUR-DAY-C-001" },
        { name: "rarity", type: 3, value: "mythic" },
        { name: "reason", type: 3, value: "fan favourite" },
      ])),
    );
    expect(set.reply.content).toBe("AUR-DAY-C-001 is now mythic; its owners are told.");
    const give = await inject(
      t,
      command(
        guildId,
        owner,
        "cardsadmin",
        sub("give", [
          { name: "member", type: 6, value: bob.id },
          { name: "amount", type: 4, value: 3 },
          { name: "currency", type: 3, value: "GEM" },
          { name: "reason", type: 3, value: "contest prize" },
        ]),
        [bob],
      ),
    );
    expect(give.reply.content).toBe(`Gave 3 Gems to <@${bob.id}>.`);
    const { rows } = await db.query("select action, reason from app_public.admin_actions where guild_id = $1 order by id", [guildId]);
    expect(rows.map((r) => r.action)).toEqual(["set_card_rarity", "give_card_currency"]);
  });

  it("card ids autocomplete; /events and /claim_event_pack open the running event's pack", async () => {
    const raw = command(guildId, alice, "viewcard", [{ name: "public_id", type: 3, value: "aur-day-r", focused: true } as never]);
    const seen = await inject(t, { ...raw, type: 4 });
    expect(seen.callbackType).toBe(8);
    expect(seen.reply.choices.map((c: any) => c.value)).toEqual(["AUR-DAY-R-001", "AUR-DAY-R-002"]);
    expect(seen.reply.choices[0].name).toBe("AUR-DAY-R-001 · Aurora Vale – Daybreak (rare)");
    const none = await inject(t, command(guildId, alice, "claim_event_pack"));
    expect(none.reply.content).toBe("No card event is running: there is no event pack to claim.");
    await db.query(
      `with e as (insert into app_public.card_events (guild_id, name, description, starts_at, ends_at)
                  values ($1, 'Tour week', 'Legendaries +20 %', now() - interval '1 hour', now() + interval '6 days') returning id)
       insert into app_public.pack_types (guild_id, code, name, cards_per_pack, rate_common, rate_rare, rate_epic, rate_legendary, rate_mythic, cooldown_s, daily_free, event_id)
       select $1, 'tour-3', 'Tour pack', 3, 4200, 2300, 1000, 2400, 100, 0, 1, id from e`,
      [guildId],
    );
    const list = await inject(t, command(guildId, bob, "events"));
    expect(list.reply.embeds[0].description).toMatch(/^\*\*Tour week\*\* until <t:\d+:f>\nLegendaries \+20 %\nPacks: tour-3 \(Tour pack\)$/);
    const claim = await inject(t, command(guildId, bob, "claim_event_pack"));
    expect(claim.reply.embeds[0].title).toBe("Bob opened a Tour pack");
    expect(customIds(claim.reply)).toHaveLength(3);
  });

  it("/missions shows the member's missions and achievements; the rewards job pays them once", async () => {
    const seen = await inject(t, command(guildId, alice, "missions"));
    expect(seen.reply.flags).toBe(EPHEMERAL);
    const embed = seen.reply.embeds[0];
    expect(embed.title).toBe("Missions");
    const daily = embed.fields.find((f: any) => f.name.startsWith("Daily"));
    expect(daily.name).toMatch(/^Daily · resets <t:\d+:R>$/);
    expect(daily.value).toContain("**Open 2 packs** · 100 Notes\n▰▰▰▰▰▱▱▱▱▱ 1/2");
    const achievements = embed.fields.find((f: any) => f.name.startsWith("Achievements"));
    expect(achievements.value).toContain("🏆 **First pack** — Open your first pack.");
    await db.query("select app_hidden.pay_card_rewards(now())");
    const again = await inject(t, command(guildId, alice, "missions"));
    expect(again.reply.embeds[0].fields.find((f: any) => f.name.startsWith("Achievements")).value).toContain("🏆 **First pack**");
    // first-pack pays 50 Notes (her pulls may have unlocked others, paid in their own currencies).
    const firstPack = `select count(*)::int as n, sum(amount)::int as total from app_public.transactions
                        where guild_id = $1 and user_id = $2 and reason = 'card_achievement' and meta ->> 'achievement' = 'first-pack'`;
    const { rows } = await db.query(firstPack, [guildId, await uid(alice)]);
    expect(rows[0]).toEqual({ n: 1, total: 50 });
    await db.query("select app_hidden.pay_card_rewards(now())");
    const { rows: after } = await db.query(firstPack, [guildId, await uid(alice)]);
    expect(after[0]).toEqual({ n: 1, total: 50 });
  });

  it("card notifications are DMed by discord__card_notice, once, and recorded", async () => {
    const { rows } = await db.query(
      "insert into app_public.card_notifications (guild_id, user_id, kind, payload) values ($1, $2, 'rarity_changed', $3) returning id::text",
      [guildId, await uid(alice), JSON.stringify({ public_id: "AUR-DAY-R-002", from: "rare", to: "legendary" })],
    );
    const id = rows[0].id;
    await waitFor("the notification to be delivered", async () => {
      const r = await db.query("select delivery from app_public.card_notifications where id = $1", [id]);
      return r.rows[0].delivery !== null;
    });
    const dm = [...t.discord.channels.values()].find((c) => c.type === 1 && c.topic === alice.id)!;
    const text = "**AUR-DAY-R-002** (Aurora Vale · Daybreak) is now **legendary** (was rare). Your copies show it at once.";
    const sent = [...t.discord.messages.values()].filter((m: any) => m.channel_id === dm.id && m.embeds?.[0]?.description === text);
    expect(sent).toHaveLength(1);
    expect(sent[0].embeds[0].title).toBe("A card you own changed rarity");
    // The job again (a retry): nothing more is sent.
    await db.query("select graphile_worker.add_job('discord__card_notice', json_build_object('notification_id', $1::text), queue_name := $2)", [id, `discord:${guildId}`]);
    await waitFor("the repeated job to finish", async () => {
      const r = await db.query("select count(*)::int as n from graphile_worker.jobs where task_identifier = 'discord__card_notice' and queue_name = $1", [`discord:${guildId}`]);
      return r.rows[0].n === 0;
    });
    expect([...t.discord.messages.values()].filter((m: any) => m.channel_id === dm.id && m.embeds?.[0]?.description === text)).toHaveLength(1);
    expect((await db.query("select delivery from app_public.card_notifications where id = $1", [id])).rows[0].delivery).toBe("sent");
  });

  it("/transfer_data: a merge needs the target's consent, then staff approve it and everything moves", async () => {
    const carol: Member = { id: (BigInt(guildId) + 3n).toString(), name: "Carol" };
    const bobCards = Number((await db.query("select count(*)::int as n from app_public.user_cards where owner_id = $1", [await uid(bob)])).rows[0].n);
    const asked = await inject(t, command(guildId, bob, "transfer_data", [{ name: "member", type: 6, value: alice.id }], [alice]));
    expect(asked.reply.content).toMatch(new RegExp(`^<@${alice.id}>: <@${bob.id}> asks to merge their card data \\(${bobCards} card\\(s\\)`));
    const [yes, no] = customIds(asked.reply);
    expect(no).toMatch(/^xfer:no:/);
    const wrong = await inject(t, button(guildId, carol, yes));
    expect(wrong.reply.content).toBe("That data transfer does not exist or is not yours.");
    const accepted = await inject(t, button(guildId, alice, yes));
    expect(accepted.reply.content).toBe(`<@${alice.id}> accepted the merge: it waits for a staff member's approval.`);
    const transferId = yes.split(":")[2];
    const sub = [{ name: "transfer", type: 1, options: [
      { name: "transfer", type: 3, value: transferId }, { name: "approve", type: 5, value: true }, { name: "reason", type: 3, value: "same person, new account" },
    ] }] as never;
    const refused = await inject(t, command(guildId, alice, "cardsadmin", sub));
    expect(refused.reply.content).toBe("Your role is not allowed to do that.");
    const approved = await inject(t, command(guildId, owner, "cardsadmin", sub));
    expect(approved.reply.content).toBe(`Transfer approved: ${bobCards} card(s) and every balance moved. Both members are told.`);
    const { rows } = await db.query("select count(*)::int as n from app_public.user_cards where owner_id = $1", [await uid(bob)]);
    expect(rows[0].n).toBe(0);
    const audit = await db.query("select action from app_public.admin_actions where guild_id = $1 and subject_type = 'card_data_transfer'", [guildId]);
    expect(audit.rows.map((r) => r.action)).toEqual(["approve_data_transfer"]);
    const { rows: bad } = await db.query("select * from app_public.verify_ledger($1)", [guildId]);
    expect(bad).toEqual([]);
  });

  it("/cardsadmin tempcard, deletetemplate and purgeartist: staff actions with checks, audited", async () => {
    const sub = (name: string, options: { name: string; type: number; value: unknown }[]) => [{ name, type: 1, options }] as never;
    const temp = await inject(
      t,
      command(guildId, owner, "cardsadmin", sub("tempcard", [
        { name: "artist", type: 3, value: "aur" },
        { name: "era", type: 3, value: "day" },
        { name: "rarity", type: 3, value: "legendary" },
        { name: "event", type: 3, value: "tour week" },
      ])),
    );
    const created = /^Temporary card (AUR-DAY-L-\d{3}) created: it drops in the event's packs and vanishes when the event ends\.$/.exec(temp.reply.content)!;
    expect(created).not.toBeNull();
    const publicId = created[1];
    const { rows: tmpl } = await db.query("select temporary, event_id is not null as evented from app_public.card_templates where guild_id = $1 and public_id = $2", [guildId, publicId]);
    expect(tmpl).toEqual([{ temporary: true, evented: true }]);
    const noEvent = await inject(
      t,
      command(guildId, owner, "cardsadmin", sub("tempcard", [
        { name: "artist", type: 3, value: "AUR" },
        { name: "era", type: 3, value: "DAY" },
        { name: "rarity", type: 3, value: "rare" },
        { name: "event", type: 3, value: "no such event" },
      ])),
    );
    expect(noEvent.reply.content).toBe("There is no running or coming event called “no such event”.");
    const owned = (await db.query("select count(*)::int as n from app_public.user_cards c join app_public.card_templates t on t.id = c.template_id where t.guild_id = $1 and c.owner_id is not null", [guildId])).rows[0].n;
    const purge = await inject(t, command(guildId, owner, "cardsadmin", sub("purgeartist", [{ name: "artist", type: 3, value: "AUR" }, { name: "reason", type: 3, value: "licence ended" }])));
    expect(purge.reply.content).toBe(`Members own ${owned} cards of that artist: delete those cards first.`);
    const del = await inject(
      t,
      command(guildId, owner, "cardsadmin", sub("deletetemplate", [
        { name: "public_id", type: 3, value: publicId },
        { name: "refund", type: 5, value: true },
        { name: "reason", type: 3, value: "created by mistake" },
      ])),
    );
    expect(del.reply.content).toBe(`${publicId} is deleted: every copy was removed and refunded in Notes; its owners are told.`);
    const { rows } = await db.query("select action from app_public.admin_actions where guild_id = $1 and action in ('create_card_template', 'delete_card_template') order by id", [guildId]);
    expect(rows.map((r) => r.action)).toEqual(["create_card_template", "delete_card_template"]);
  });
});
