/**
 * Middleman verification amounts under concurrency (issue 13): many sessions submit trade forms
 * at the same time against a guild whose range holds exactly as many amounts as they draw; the
 * partial unique index (not a retry loop) keeps every live amount unique, and the range fills up
 * completely without a duplicate. pgTAP runs in one session, so this runs real parallel
 * transactions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { dbUrls, newGuildId } from "../../server/__tests__/helpers.ts";

const TRADES = 50; // 100 amounts: the whole range 200.00 .. 200.99
let db: pg.Pool;
let guildId: string;
const trades: { id: string; user: string }[] = [];

beforeAll(async () => {
  db = new pg.Pool({ connectionString: dbUrls().root, max: 12 });
  guildId = newGuildId().toString();
  await db.query("select app_private.ensure_guild($1, 'MM concurrency')", [guildId]);
  await db.query("update app_public.guild_settings set mm_verification_min = 20000, mm_verification_max = 20099, mm_hourly_limit = 1000 where guild_id = $1", [guildId]);
  for (let i = 0; i < TRADES + 1; i++) {
    const starter = (BigInt(guildId) + BigInt(2 * i + 1)).toString();
    const other = (BigInt(guildId) + BigInt(2 * i + 2)).toString();
    const user = (await db.query("select id::text from app_private.ensure_member($1, $2, 's')", [guildId, starter])).rows[0].id;
    const id = (await db.query("select (app_private.mm_open_trade_for($1)).id::text as id", [user])).rows[0].id;
    await db.query("select app_private.mm_set_counterparty_for($1, $2, $3)", [id, user, other]);
    trades.push({ id, user });
  }
});

afterAll(async () => {
  await db?.end();
});

describe("verification amounts under concurrency", () => {
  it(`${TRADES} forms submitted in parallel take all 100 amounts of the range, each once`, async () => {
    const results = await Promise.allSettled(
      trades.slice(0, TRADES).map(async (t, i) => {
        const c = await db.connect();
        try {
          await c.query("begin");
          await c.query("select app_private.mm_submit_form_for($1, $2, 'seller', $3, $4, 1000, '')", [t.id, t.user, `Sx${i}`, `Bx${i}`]);
          await c.query("select pg_sleep(0.01)"); // hold the reservation a moment: overlapping transactions
          await c.query("commit");
        } catch (err) {
          await c.query("rollback");
          throw err;
        } finally {
          c.release();
        }
      }),
    );
    expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const { rows } = await db.query(
      "select count(*)::int as n, count(distinct amount)::int as distinct_amounts, min(amount)::int as lo, max(amount)::int as hi from app_public.mm_verification_amounts where guild_id = $1 and released_at is null",
      [guildId],
    );
    expect(rows[0]).toEqual({ n: 100, distinct_amounts: 100, lo: 20000, hi: 20099 });
  });

  it("one more form finds the range exhausted (MM009) and changes nothing", async () => {
    const t = trades[TRADES];
    await expect(db.query("select app_private.mm_submit_form_for($1, $2, 'seller', 'SxLast', 'BxLast', 1000, '')", [t.id, t.user])).rejects.toThrow(/amounts_exhausted/);
    const { rows } = await db.query("select status::text from app_public.mm_trades where id = $1", [t.id]);
    expect(rows[0].status).toBe("open");
  });
});
