/**
 * The card half of `/shop` end to end (issue 15, "`/shop` (packs and currencies)"): a real discord.js Client with
 * injected interactions, the fake Discord REST API, the test database. /shop → *Card packs & currencies* (the packs with
 * costs, free opens left, cooldown, and the card-currency balances) → *Open* (the /openpack flow: the reveal appears,
 * the cost is paid, the cooldown starts) → pick; the view then shows the cooldown; with cards off there is no Packs view.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { dbUrls, isolateDatabase, newGuildId } from "../../server/__tests__/helpers.ts";
import { clearFeatureCache } from "../src/features.ts";
import { button, command, customIds, fields, inject, messageOf, startTestBot, type Member, type TestBot } from "./fixtures.ts";

const EPHEMERAL = 64;

let t: TestBot;
let db: pg.Pool;
let dropOwnDatabase: () => Promise<void>;
let guildId: string;
let owner: Member;
let alice: Member;

async function uid(m: Member): Promise<string> {
  const { rows } = await db.query("select id from app_public.users where guild_id = $1 and discord_id = $2", [guildId, m.id]);
  return rows[0].id;
}

async function notes(m: Member): Promise<number> {
  const { rows } = await db.query("select coalesce(sum(balance), 0)::int as b from app_public.accounts where user_id = $1 and currency = 'NOTE' and kind = 'wallet'", [
    await uid(m),
  ]);
  return rows[0].b;
}

/** The buttons of a message body as custom id → disabled. */
function buttons(body: any): Record<string, boolean> {
  return Object.fromEntries((body?.components ?? []).flatMap((row: any) => row.components.map((c: any) => [c.custom_id, Boolean(c.disabled)])));
}

beforeAll(async () => {
  dropOwnDatabase = await isolateDatabase();
  db = new pg.Pool({ connectionString: dbUrls().root, max: 4 });
  guildId = newGuildId().toString();
  const id = (n: number) => (BigInt(guildId) + BigInt(n)).toString();
  owner = { id: id(900), name: "Owner" };
  alice = { id: id(1), name: "Alice" };
  t = await startTestBot();
  await db.query("select app_hidden.record_guild($1, 'Card shop guild', $2)", [guildId, owner.id]);
  await db.query(
    `with a as (insert into app_public.artists (guild_id, name, code) values ($1, 'Aurora Vale', 'AUR') returning id),
          e as (insert into app_public.eras (guild_id, artist_id, name, code, colour) select $1, id, 'Daybreak', 'DAY', '#e59866' from a returning id, artist_id)
     insert into app_public.card_templates (guild_id, public_id, artist_id, era_id, rarity)
     select $1, 'AUR-DAY-' || upper(left(r::text, 1)) || '-001', e.artist_id, e.id, r from e, unnest(enum_range(null::app_public.card_rarity)) r`,
    [guildId],
  );
  await db.query("select app_private.ensure_member($1, $2, $3)", [guildId, alice.id, alice.name]);
  await db.query(
    `select app_private.post_transfer($1, app_private.ledger_account($1, null, 'NOTE', 'mint'), app_private.ledger_account($1, $2, 'NOTE', 'wallet'), 500, 'test')`,
    [guildId, await uid(alice)],
  );
  clearFeatureCache();
});

afterAll(async () => {
  await t?.stop();
  await db?.end();
  await dropOwnDatabase?.();
});

describe("/shop: packs and card currencies", () => {
  let openingId: string;

  it("/shop offers the Packs view beside the coin shop when cards are on", async () => {
    const seen = await inject(t, command(guildId, alice, "shop"));
    expect(seen.reply.flags).toBe(EPHEMERAL);
    expect(seen.reply.embeds[0].title).toBe("🛒 Shop");
    expect(customIds(seen.reply)).toContain("cards:packs");
  });

  it("the Packs view lists each pack with its costs, free opens left, cooldown, and the member's balances", async () => {
    const seen = await inject(t, button(guildId, alice, "cards:packs", messageOf([], EPHEMERAL)));
    expect(seen.callbackType).toBe(7); // the shop message is replaced in place
    expect(seen.reply.embeds[0].title).toBe("🃏 Packs");
    const f = fields(seen.reply);
    expect(f["Standard pack (standard-3)"]).toContain("3 cards, keep one");
    expect(f["Standard pack (standard-3)"]).toContain("Cost: 1 Disc or 200 Notes");
    expect(f["Standard pack (standard-3)"]).toContain("Free today: 1 of 1 left");
    expect(f["Standard pack (standard-3)"]).toContain("Cooldown: 7 min · ready now");
    expect(Object.keys(f).some((k) => k.endsWith("(premium-5)"))).toBe(true);
    expect(Object.keys(f).some((k) => k.endsWith("(single)"))).toBe(false); // /draw's pack is not opened here
    expect(f["Your card currencies"]).toMatch(/500/);
    const b = buttons(seen.reply);
    expect(b["cards:open:standard-3:free"]).toBe(false);
    expect(b["cards:open:standard-3:NOTE"]).toBe(false);
    expect(b["cards:open:standard-3:DISC"]).toBe(true); // no Discs: disabled
    expect(b["cards:open:premium-5:GEM"]).toBe(true);
  });

  it("Open pays with Notes and the reveal appears in the channel with the pick buttons", async () => {
    const seen = await inject(t, button(guildId, alice, "cards:open:standard-3:NOTE", messageOf([], EPHEMERAL)));
    expect(seen.reply.flags ?? 0).toBe(0); // public reveal (card_settings.reveal_public)
    expect(seen.reply.embeds[0].title).toBe("Alice opened a Standard pack");
    expect(seen.reply.embeds[0].image.url).toBe("attachment://pack.png");
    const ids = customIds(seen.reply);
    expect(ids).toHaveLength(3);
    openingId = ids[0].split(":")[2];
    expect(ids).toEqual([0, 1, 2].map((s) => `cards:pick:${openingId}:${s}`));
    expect(seen.calls.find((c) => c.path.endsWith("/callback"))!.files[0].name).toBe("pack.png");
    expect(await notes(alice)).toBe(300);
    const { rows } = await db.query("select free, currency, amount::int from app_public.pack_openings where id = $1", [openingId]);
    expect(rows[0]).toEqual({ free: false, currency: "NOTE", amount: 200 });
    const pick = await inject(t, button(guildId, alice, `cards:pick:${openingId}:2`, messageOf([], 0)));
    expect(pick.callbackType).toBe(7);
    expect(pick.reply.embeds[0].title).toMatch(/^Kept AUR-DAY-[CRELM]-001 #1$/);
  });

  it("then the view shows the cooldown and disables Open; a stale Open button is refused by the cooldown", async () => {
    const seen = await inject(t, button(guildId, alice, "cards:packs", messageOf([], EPHEMERAL)));
    expect(fields(seen.reply)["Standard pack (standard-3)"]).toMatch(/Cooldown: 7 min · next open <t:\d+:R>/);
    expect(fields(seen.reply)["Standard pack (standard-3)"]).toContain("Free today: 1 of 1 left");
    const b = buttons(seen.reply);
    expect(b["cards:open:standard-3:free"]).toBe(true);
    expect(b["cards:open:standard-3:NOTE"]).toBe(true);
    const stale = await inject(t, button(guildId, alice, "cards:open:standard-3:free", messageOf([], EPHEMERAL)));
    expect(stale.reply.flags).toBe(EPHEMERAL);
    expect(stale.reply.content).toMatch(/^You can use \/openpack again at <t:\d+:f>\.$/);
    expect(await notes(alice)).toBe(300);
  });

  it("with the cards feature off, /shop has no Packs view and its buttons answer that cards are off", async () => {
    await db.query("update app_public.guild_settings set feature_cards = false where guild_id = $1", [guildId]);
    clearFeatureCache();
    try {
      const shop = await inject(t, command(guildId, alice, "shop"));
      expect(customIds(shop.reply)).not.toContain("cards:packs");
      const packs = await inject(t, button(guildId, alice, "cards:packs", messageOf([], EPHEMERAL)));
      expect(packs.reply.content).toBe("The trading cards feature is switched off in this server.");
    } finally {
      await db.query("update app_public.guild_settings set feature_cards = true where guild_id = $1", [guildId]);
      clearFeatureCache();
    }
  });
});
