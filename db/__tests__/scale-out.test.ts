/**
 * Scale-out readiness (issue 12, docs/SCALING.md): the schema should distribute by guild on Citus.
 * On the migrated test database it checks that every table of the application schemas carries
 * `guild_id`, that every primary key, unique constraint and unique index of those tables includes
 * it, and that every foreign key between two such tables includes it. Anything else must be listed,
 * with its reason, in `db/scale-out-exceptions.json`: a new table or key that breaks the rule fails
 * here until it is fixed or listed, and a listed exception that no longer exists fails too (so the
 * list only shrinks by being cleaned up).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const EXCEPTIONS_FILE = path.join(ROOT, "db/scale-out-exceptions.json");

const KINDS = {
  table: "table without guild_id",
  key: "primary key or unique constraint without guild_id",
  index: "unique index without guild_id",
  fk: "foreign key between guild tables without guild_id",
} as const;

interface Exception {
  kind: (typeof KINDS)[keyof typeof KINDS];
  table: string;
  constraint: string | null;
  definition?: string;
  reason: string;
}

/** One finding: what breaks the rule, as `kind|table|constraint`. */
const keyOf = (e: { kind: string; table: string; constraint: string | null }) => `${e.kind}|${e.table}|${e.constraint ?? ""}`;

const FINDINGS_SQL = `
with t as (
  select c.oid, n.nspname || '.' || c.relname as name,
         exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'guild_id' and not a.attisdropped) as has_guild
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p') and n.nspname in ('app_public', 'app_private', 'app_hidden')
)
select $1::text as kind, name as "table", null::text as "constraint" from t where not has_guild
union all
select $2, t.name, con.conname
  from t join pg_constraint con on con.conrelid = t.oid and con.contype in ('p', 'u')
 where t.has_guild
   and not exists (select 1 from unnest(con.conkey) k join pg_attribute a on a.attrelid = t.oid and a.attnum = k where a.attname = 'guild_id')
union all
select $3, t.name, ic.relname
  from t join pg_index i on i.indrelid = t.oid and i.indisunique join pg_class ic on ic.oid = i.indexrelid
 where t.has_guild
   and not exists (select 1 from pg_constraint con where con.conindid = i.indexrelid and con.contype in ('p', 'u'))
   and not exists (select 1 from unnest(i.indkey::int2[]) k join pg_attribute a on a.attrelid = t.oid and a.attnum = k where a.attname = 'guild_id')
union all
select $4, t.name, con.conname
  from t join pg_constraint con on con.conrelid = t.oid and con.contype = 'f'
  join t r on r.oid = con.confrelid
 where t.has_guild and r.has_guild
   and not (exists (select 1 from unnest(con.conkey) k join pg_attribute a on a.attrelid = t.oid and a.attnum = k where a.attname = 'guild_id')
        and exists (select 1 from unnest(con.confkey) k join pg_attribute a on a.attrelid = r.oid and a.attnum = k where a.attname = 'guild_id'))
order by 1, 2, 3`;

let client: pg.Client;
let findings: { kind: string; table: string; constraint: string | null }[];
const exceptions = JSON.parse(readFileSync(EXCEPTIONS_FILE, "utf8")) as Exception[];

beforeAll(async () => {
  client = new pg.Client({ connectionString: inject("db").root });
  await client.connect();
  ({ rows: findings } = await client.query(FINDINGS_SQL, [KINDS.table, KINDS.key, KINDS.index, KINDS.fk]));
});

afterAll(async () => {
  await client?.end();
});

describe("scale-out readiness: every guild table distributes by guild_id", () => {
  it("finds the application tables", async () => {
    const { rows } = await client.query<{ n: number }>(
      "select count(*)::int as n from pg_tables where schemaname in ('app_public', 'app_private', 'app_hidden')",
    );
    expect(rows[0].n).toBeGreaterThan(20);
    expect(findings.length).toBeGreaterThan(0);
  });

  it("lists every exception with a reason, once", () => {
    const seen = new Set<string>();
    for (const e of exceptions) {
      expect(Object.values(KINDS), `unknown kind in ${EXCEPTIONS_FILE}: ${e.kind}`).toContain(e.kind);
      expect(e.reason.trim().length, `no reason for ${keyOf(e)}`).toBeGreaterThan(20);
      expect(seen.has(keyOf(e)), `listed twice: ${keyOf(e)}`).toBe(false);
      seen.add(keyOf(e));
    }
  });

  it("has no table, key or foreign key that breaks the rule without a listed reason", () => {
    const listed = new Set(exceptions.map(keyOf));
    const unlisted = findings.map(keyOf).filter((k) => !listed.has(k));
    expect(
      unlisted,
      "add guild_id to these (docs/SCALING.md), or list them with their reason in db/scale-out-exceptions.json",
    ).toEqual([]);
  });

  it("lists no exception that no longer exists", () => {
    const found = new Set(findings.map(keyOf));
    const stale = exceptions.map(keyOf).filter((k) => !found.has(k));
    expect(stale, "remove these from db/scale-out-exceptions.json: the schema follows the rule there now").toEqual([]);
  });

  it("keeps the ledger's event log keyed by guild: (guild_id, seq) is its unique order", async () => {
    const { rows } = await client.query<{ def: string }>(
      "select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'transactions_guild_seq' and conrelid = 'app_public.transactions'::regclass",
    );
    expect(rows.map((r) => r.def)).toEqual(["UNIQUE (guild_id, seq)"]);
  });
});
