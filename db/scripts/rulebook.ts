/**
 * The rulebook: every function, trigger function, view and policy set of the application schemas
 * lives in one file under `db/migrations/fixtures/<domain>/`, and committed migrations pull them
 * in with graphile-migrate's `--!include`. This module lists those files and compares what they
 * define with what a migrated database holds, so a test can prove the files are the truth.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { MIGRATIONS_DIR } from "./index.ts";

/** The fixtures folder (`db/migrations/fixtures`): one sub-folder per domain. */
export const FIXTURES_DIR = path.join(MIGRATIONS_DIR, "fixtures");

/** The schemas whose rules the rulebook holds. */
export const RULE_SCHEMAS = ["app_public", "app_hidden", "app_private"] as const;

/** One fixture file. */
export interface RuleFile {
  /** Path relative to the fixtures folder, as `--!include` names it (`daily/claim_daily.sql`). */
  include: string;
  /** The domain (first path segment). */
  domain: string;
  /** The file's SQL. */
  sql: string;
}

/**
 * Lists every fixture file, sorted by domain then name.
 *
 * @returns the files with their SQL.
 */
export function ruleFiles(): RuleFile[] {
  const files: RuleFile[] = [];
  for (const domain of readdirSync(FIXTURES_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const name of readdirSync(path.join(FIXTURES_DIR, domain)).filter((f) => f.endsWith(".sql")).sort()) {
      const include = `${domain}/${name}`;
      files.push({ include, domain, sql: readFileSync(path.join(FIXTURES_DIR, include), "utf8") });
    }
  }
  return files;
}

/** What a file declares, read from its text: `schema.function` names, `schema.view` names and `schema.table` policy targets. */
export interface Declared {
  functions: string[];
  views: string[];
  policyTables: string[];
}

/**
 * Reads the objects a fixture file creates (lower-cased, schema-qualified as written).
 *
 * @param sql - the file's text.
 */
export function declaredIn(sql: string): Declared {
  const names = (re: RegExp) => [...new Set([...sql.matchAll(re)].map((m) => m[1]!.replace(/"/g, "").toLowerCase()))];
  return {
    functions: names(/^\s*create\s+or\s+replace\s+function\s+([\w."]+)\s*\(/gim),
    views: names(/^\s*create\s+or\s+replace\s+view\s+([\w."]+)/gim),
    policyTables: names(/^\s*create\s+policy\s+[\w"]+\s+on\s+([\w."]+)/gim),
  };
}

/** A database object as the catalog describes it, with the row version that last wrote it. */
export interface RuleObject {
  /** `function app_public.give(bigint, bigint, text)`, `view app_public.x`, `policy users_self on app_public.users`. */
  key: string;
  /** The definition (`pg_get_functiondef`, `pg_get_viewdef`, or the policy's fields) and its comment. */
  definition: string;
  /** The catalog row's identity: it changes when the object is created or replaced again. */
  version: string;
}

/**
 * Reads every function, view and policy of the application schemas.
 *
 * @param client - a connection to the database (any role that can read the catalog).
 * @returns the objects by key.
 */
export async function snapshotRules(client: pg.ClientBase): Promise<Map<string, RuleObject>> {
  const { rows } = await client.query<RuleObject>(
    `select 'function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as key,
            pg_get_functiondef(p.oid) || E'\\n-- comment: ' || coalesce(obj_description(p.oid, 'pg_proc'), '(none)') as definition,
            p.xmin::text as version
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = any ($1) and p.prokind in ('f', 'p')
     union all
     select 'view ' || n.nspname || '.' || c.relname,
            pg_get_viewdef(c.oid) || E'\\n-- comment: ' || coalesce(obj_description(c.oid, 'pg_class'), '(none)'),
            (select r.xmin::text from pg_rewrite r where r.ev_class = c.oid and r.rulename = '_RETURN')
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any ($1) and c.relkind in ('v', 'm')
     union all
     select 'policy ' || pol.polname || ' on ' || n.nspname || '.' || c.relname,
            concat_ws(E'\\n', case when pol.polpermissive then 'permissive' else 'restrictive' end,
                      pol.polcmd, (select string_agg(coalesce(r.rolname, 'public'), ',' order by r.rolname)
                                     from unnest(pol.polroles) ro left join pg_roles r on r.oid = ro),
                      'using ' || pg_get_expr(pol.polqual, pol.polrelid),
                      'with check ' || pg_get_expr(pol.polwithcheck, pol.polrelid)),
            pol.oid::text
       from pg_policy pol join pg_class c on c.oid = pol.polrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any ($1)`,
    [RULE_SCHEMAS],
  );
  return new Map(rows.map((r) => [r.key, r]));
}

/** What re-running the rulebook changed. */
export interface RulebookDrift {
  /** Objects whose definition or comment a file changes: the migrations and the file disagree. */
  changed: string[];
  /** Objects no file re-creates: their rule lives only in a migration. */
  notInAnyFile: string[];
  /** Objects a file creates that the migrations do not. */
  onlyInFiles: string[];
  /** Files that failed to run, with the error. */
  failed: string[];
}

/**
 * Runs every fixture file on the database inside one transaction (rolled back: nothing is kept)
 * and reports every object whose definition changed, every object no file re-created, and every
 * object only the files create.
 *
 * @param client - a connection as the owner of the application schemas, not in a transaction.
 * @param files - the fixture files (default: all of them).
 * @returns the drift; all lists empty when the rulebook is the truth.
 */
export async function rulebookDrift(client: pg.ClientBase, files: RuleFile[] = ruleFiles()): Promise<RulebookDrift> {
  const drift: RulebookDrift = { changed: [], notInAnyFile: [], onlyInFiles: [], failed: [] };
  await client.query("begin");
  try {
    const before = await snapshotRules(client);
    for (const file of files) {
      await client.query("savepoint rule_file");
      try {
        await client.query(file.sql);
        await client.query("release savepoint rule_file");
      } catch (err) {
        await client.query("rollback to savepoint rule_file");
        drift.failed.push(`${file.include}: ${(err as Error).message}`);
      }
    }
    const after = await snapshotRules(client);
    for (const [key, was] of before) {
      const now = after.get(key);
      if (!now) continue; // a file cannot drop anything: not reachable, kept for clarity
      if (now.definition !== was.definition) drift.changed.push(key);
      else if (now.version === was.version) drift.notInAnyFile.push(key);
    }
    for (const key of after.keys()) if (!before.has(key)) drift.onlyInFiles.push(key);
  } finally {
    await client.query("rollback");
  }
  return drift;
}
