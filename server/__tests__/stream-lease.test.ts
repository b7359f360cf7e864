import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGuild, dbUrls, superuserPool } from "./helpers.ts";

/** Gives from member 1 to member 2 as superuser (committed on its own). */
async function give(db: pg.Pool, guildId: string, from: string, to: string, key: string) {
  await db.query(
    "select app_private.give_from((select id from app_public.users where guild_id = $1 and discord_id = $2), $3, 5, $4)",
    [guildId, from, to, key],
  );
}

describe("live-feed leases gate NOTIFY (migration 000004)", () => {
  let db: pg.Pool;
  let listener: pg.Client;
  const seen: string[] = [];

  beforeAll(async () => {
    db = superuserPool();
    listener = new pg.Client({ connectionString: dbUrls().root });
    await listener.connect();
    listener.on("notification", (n) => {
      if (n.channel === "tx_stream") seen.push(n.payload ?? "");
    });
    await listener.query("listen tx_stream");
  });
  afterAll(async () => {
    await listener?.end();
    await db?.end();
  });

  it("a guild nobody watches commits without NOTIFY; a leased guild notifies; a released lease stops it", async () => {
    const { guildId, memberIds } = await createGuild(db, 2, 100);
    await give(db, guildId, memberIds[0], memberIds[1], "unwatched");
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.filter((g) => g === guildId)).toEqual([]);

    await db.query("select app_private.watch_stream($1::bigint[], 'lease-test', 60)", [[guildId]]);
    await give(db, guildId, memberIds[0], memberIds[1], "watched");
    await expect.poll(() => seen.filter((g) => g === guildId).length, { timeout: 2000 }).toBe(1);

    await db.query("select app_private.watch_stream('{}'::bigint[], 'lease-test', 60)");
    await give(db, guildId, memberIds[0], memberIds[1], "released");
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.filter((g) => g === guildId)).toHaveLength(1);
  });

  it("an expired lease no longer counts", async () => {
    const { guildId, memberIds } = await createGuild(db, 2, 100);
    await db.query("insert into app_private.stream_watchers (guild_id, instance, expires_at) values ($1, 'stale', now() - interval '1 second')", [guildId]);
    await give(db, guildId, memberIds[0], memberIds[1], "stale");
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.filter((g) => g === guildId)).toEqual([]);
  });
});
