/**
 * The card game through GraphQL as the panel uses it (issue 15): the catalogue, pack types (a drop-rate edit that
 * does not total 100 % is refused with CA010), observed rates beside configured ones, the fairness seeds, card
 * listings and trades, and a rarity change with its audit entry.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { clientFor, createGuild, startTestServer, superuserPool } from "./helpers.ts";

let server: Awaited<ReturnType<typeof startTestServer>>;
let db: pg.Pool;

beforeAll(async () => {
  db = superuserPool();
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  await db?.end();
});

describe("cards in GraphQL (panel)", () => {
  it("staff read the catalogue, edit pack types (100 % or CA010), see observed rates and seeds, set a rarity", async () => {
    const { guildId, memberIds } = await createGuild(db, 1);
    await db.query(
      `with a as (insert into app_public.artists (guild_id, name, code) values ($1, 'Juno Park', 'JUNO') returning id),
            e as (insert into app_public.eras (guild_id, artist_id, name, code) select $1, id, 'Midnight', 'MID' from a returning id, artist_id)
       insert into app_public.card_templates (guild_id, public_id, artist_id, era_id, rarity)
       select $1, 'JUNO-MID-' || upper(left(r::text, 1)) || '-001', e.artist_id, e.id, r from e, unnest(enum_range(null::app_public.card_rarity)) r`,
      [guildId],
    );
    await db.query("select app_private.open_pack_for(u.id, 'standard-3', null, null, null) from app_public.users u where u.guild_id = $1", [guildId]);
    const admin = await clientFor(server, { guildId, discordId: (BigInt(guildId) + 900n).toString(), kind: "staff", staffRole: "ADMIN" });
    const cat = await admin.gql(`{ cardTemplates(orderBy: PUBLIC_ID_ASC) { totalCount nodes { id publicId rarity copiesCreated temporary artistId eraId } } }`);
    expect(cat.errors).toBeUndefined();
    expect(cat.data!.cardTemplates.totalCount).toBe(5);
    expect(cat.data!.cardTemplates.nodes[0]).toMatchObject({ publicId: "JUNO-MID-C-001", rarity: "COMMON" });
    const packs = await admin.gql(`{ packTypes(orderBy: CODE_ASC) { nodes { id code rateCommon rateRare rateEpic rateLegendary rateMythic cooldownS dailyFree } } }`);
    expect(packs.errors).toBeUndefined();
    const standard = packs.data!.packTypes.nodes.find((p: any) => p.code === "standard-3");
    const bad = await admin.gql(`mutation($id: BigInt!) { updatePackType(input: { id: $id, patch: { rateCommon: 6000 } }) { packType { id } } }`, { id: standard.id });
    expect(bad.errors?.[0].extensions?.code).toBe("CA010");
    const good = await admin.gql(`mutation($id: BigInt!) { updatePackType(input: { id: $id, patch: { rateCommon: 6000, rateRare: 2500 } }) { packType { rateCommon rateRare } } }`, {
      id: standard.id,
    });
    expect(good.errors).toBeUndefined();
    expect(good.data!.updatePackType.packType).toEqual({ rateCommon: 6000, rateRare: 2500 });
    const stats = await admin.gql(`{ drawStats(pack: "standard-3", lastN: 1000) { nodes { rarity configuredBp draws observedBp } } }`);
    expect(stats.errors).toBeUndefined();
    expect(stats.data!.drawStats.nodes).toHaveLength(5);
    expect(stats.data!.drawStats.nodes.reduce((s: number, n: any) => s + Number(n.draws), 0)).toBe(3);
    const seeds = await admin.gql(`{ fairSeeds { nodes { id seedHash createdAt rotatedAt revealedSeed } } }`);
    expect(seeds.errors).toBeUndefined();
    expect(seeds.data!.fairSeeds.nodes[0].seedHash).toMatch(/^[0-9a-f]{64}$/);
    const rotate = await admin.gql(`mutation { rotateFairSeed(input: {}) { fairSeed { id seedHash } } }`);
    expect(rotate.errors).toBeUndefined();
    const rarity = await admin.gql(
      `mutation { setCardRarity(input: { publicId: "JUNO-MID-C-001", rarity: EPIC, reason: "fan favourite" }) { cardTemplate { publicId rarity } } }`,
    );
    expect(rarity.errors).toBeUndefined();
    expect(rarity.data!.setCardRarity.cardTemplate).toEqual({ publicId: "JUNO-MID-C-001", rarity: "EPIC" });
    const lists = await admin.gql(`{ cardListings { totalCount nodes { id price currency status feeBp cardId sellerId expiresAt } }
      cardTrades { totalCount nodes { id status version proposerId recipientId expiresAt } }
      cardEvents { totalCount nodes { id name startsAt endsAt } } }`);
    expect(lists.errors).toBeUndefined();
    const auditor = await clientFor(server, { guildId, discordId: (BigInt(guildId) + 901n).toString(), kind: "staff", staffRole: "AUDITOR" });
    const refused = await auditor.gql(`mutation($id: BigInt!) { updatePackType(input: { id: $id, patch: { rateCommon: 6200, rateRare: 2300 } }) { packType { id } } }`, {
      id: standard.id,
    });
    expect(refused.errors?.[0].extensions?.code).toBe("PD001");
    expect(memberIds).toHaveLength(1);
  });
});
