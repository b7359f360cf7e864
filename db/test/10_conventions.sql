begin;
select plan(20);
\ir lib/helpers.psql
-- Schema-wide conventions (DESIGN.md "The database", ERRORS.md), checked from the catalogs.

-- Row-level security, SECURITY DEFINER hygiene, ownership ------------------------------------------------------------------
select is_empty($$select c.oid::regclass from pg_class c join pg_namespace n on n.oid = c.relnamespace
                   where n.nspname in ('app_public', 'app_hidden', 'app_private') and c.relkind in ('r', 'p') and not c.relrowsecurity$$,
  'row-level security is enabled on every table');
select is_empty($$select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                   where n.nspname in ('app_public', 'app_hidden', 'app_private') and p.prosecdef
                     and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%')$$,
  'every SECURITY DEFINER function pins its search_path');
select is_empty($$select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                   where n.nspname in ('app_public', 'app_hidden', 'app_private') and has_function_privilege('public', p.oid, 'execute')$$,
  'no function is executable by PUBLIC');
select is_empty($$select c.oid::regclass from pg_class c join pg_namespace n on n.oid = c.relnamespace
                   where n.nspname in ('app_public', 'app_hidden', 'app_private') and c.relkind in ('r', 'p', 'v', 'm', 'S')
                     and pg_get_userbyid(c.relowner) <> 'guildbank_owner'$$,
  'guildbank_owner owns every table and sequence');
select is_empty($$select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                   where n.nspname in ('app_public', 'app_hidden', 'app_private') and pg_get_userbyid(p.proowner) <> 'guildbank_owner'$$,
  'guildbank_owner owns every function');

-- Who may execute what: the complete matrix ---------------------------------------------------------------------------------
select set_eq(
  $$select r.rolname::text, p.oid::regprocedure::text
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      cross join pg_roles r
     where n.nspname in ('app_public', 'app_hidden', 'app_private')
       and r.rolname in ('coins_anonymous', 'coins_player', 'coins_staff', 'coins_listener', 'coins_worker', 'guildbank_authenticator')
       and has_function_privilege(r.oid, p.oid, 'execute')
       and p.proname not in ('current_guild_id', 'current_discord_id', 'current_staff_role')$$,
  $$values
    ('coins_player', 'app_public.register_member(text)'),
    ('coins_player', 'app_public.claim_daily(text)'),
    ('coins_player', 'app_public.give(bigint,bigint,text)'),
    ('coins_player', 'app_public.my_card()'),
    ('coins_player', 'app_public.leaderboard(integer)'),
    ('coins_player', 'app_public.users_wallet_balance(app_public.users)'),
    ('coins_player', 'app_public.users_escrow_balance(app_public.users)'),
    ('coins_staff', 'app_public.leaderboard(integer)'),
    ('coins_staff', 'app_public.admin_adjust(bigint,bigint,text,text)'),
    ('coins_staff', 'app_public.freeze_user(bigint,text,text)'),
    ('coins_staff', 'app_public.unfreeze_user(bigint,text,text)'),
    ('coins_staff', 'app_public.verify_ledger(bigint)'),
    ('coins_staff', 'app_public.users_wallet_balance(app_public.users)'),
    ('coins_staff', 'app_public.users_escrow_balance(app_public.users)'),
    ('coins_worker', 'app_public.verify_ledger(bigint)'),
    ('guildbank_authenticator', 'app_private.open_session(bytea,bigint,bigint,text,app_public.staff_role,text,integer)'),
    ('guildbank_authenticator', 'app_private.session_claims(bytea)'),
    ('guildbank_authenticator', 'app_private.close_session(bytea)')$$,
  'EXECUTE grants: exactly the documented functions per role (claim readers aside)');
select is((select array_agg(r.rolname::text order by r.rolname) from pg_roles r
            where r.rolname in ('coins_anonymous', 'coins_player', 'coins_staff', 'coins_listener', 'coins_worker')
              and has_function_privilege(r.oid, 'app_public.current_staff_role()', 'execute')
              and has_function_privilege(r.oid, 'app_public.current_guild_id()', 'execute')
              and has_function_privilege(r.oid, 'app_public.current_discord_id()', 'execute')),
  array['coins_anonymous', 'coins_listener', 'coins_player', 'coins_staff', 'coins_worker'], 'every API role may read its claims (RLS needs them)');
select results_eq($$select rolinherit, rolcanlogin from pg_roles where rolname = 'guildbank_authenticator'$$, $$values (false, true)$$,
  'the authenticator logs in and inherits nothing (NOINHERIT)');
select is((select array_agg(r.rolname::text order by r.rolname) from pg_auth_members m join pg_roles r on r.oid = m.roleid
            where m.member = (select oid from pg_roles where rolname = 'guildbank_authenticator')),
  array['coins_anonymous', 'coins_listener', 'coins_player', 'coins_staff', 'coins_worker'], 'the authenticator may switch to each API role');
select is_empty($$select r.rolname from pg_roles r where r.rolname like 'coins_%' and (r.rolcanlogin or r.rolsuper or r.rolbypassrls)$$,
  'API roles cannot log in and do not bypass RLS');

-- The error catalogue (db/ERRORS.md) ------------------------------------------------------------------------------------------------
-- Read from the file itself (psql runs the command on the client; pg_prove is run from the repository root, or from db/ or
-- db/test/), so a code added to ERRORS.md or to the SQL without the other fails below. Rows: | SQLSTATE | key | message | detail |
\set errors_md `cat db/ERRORS.md 2>/dev/null || cat ERRORS.md 2>/dev/null || cat ../ERRORS.md 2>/dev/null || true`
create temp table catalogue (code text primary key, key text not null unique);
insert into catalogue
  select m[1], m[2] from regexp_matches(:'errors_md', '^\|\s*([A-Z0-9]{5})\s*\|\s*([a-z_]+)\s*\|', 'gn') m;
select ok((select count(*) from catalogue) >= 20,
  format('db/ERRORS.md was read: its table lists %s errors', (select count(*) from catalogue)));
create temp table raised as
  select distinct m[1] as code, m[2] as key
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace,
         regexp_matches(p.prosrc, $r$raise_error\(\s*'([A-Z0-9]{5})'\s*,\s*'([a-z_]+)'$r$, 'g') m
   where n.nspname in ('app_public', 'app_hidden', 'app_private');
select ok((select count(*) from raised) >= 15, 'the function sources raise named errors (at least 15 distinct code/key pairs found)');
select is_empty($$select code, key from raised except select code, key from catalogue$$,
  'every error raised in SQL is in the catalogue with the same key');
select is_empty($$select c.code from catalogue c where not exists (
    select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname in ('app_public', 'app_hidden', 'app_private') and p.prosrc like '%''' || c.code || '''%')$$,
  'every catalogue entry is raised somewhere');
select is_empty($$select code from catalogue where left(code, 2) in ('00', '01', '02', '03', '08', '09', '0A', '0B', '0F', '0L', '0P', '0Z', '20', '21',
    '22', '23', '24', '25', '26', '27', '28', '2B', '2D', '2F', '34', '38', '39', '3B', '3D', '3F', '40', '42', '44', '53', '54', '55', '57',
    '58', '72', 'F0', 'HV', 'P0', 'XX')$$,
  'no catalogue SQLSTATE class collides with a PostgreSQL class');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.raise_error('AU001', 'not_authenticated')$$),
  '{"code": "AU001", "key": "not_authenticated", "detail": {}}'::jsonb, 'raise_error: SQLSTATE = code, message = key, detail = {} by default');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.raise_error('VL001', 'invalid_argument', '{"argument": "x"}')$$) -> 'detail',
  '{"argument": "x"}'::jsonb, 'raise_error: detail is the JSON parameters');
-- Function and table style (db/CONVENTIONS.md "Function style") ---------------------------------------------------------------------
select results_eq(
  $$select p.proname::text collate "default", p.provolatile::text, p.prosecdef from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'app_public' order by 1$$,
  $$values ('admin_adjust', 'v', true), ('claim_daily', 'v', true), ('current_discord_id', 's', false), ('current_guild_id', 's', false),
           ('current_staff_role', 's', false), ('freeze_user', 'v', true), ('give', 'v', true), ('leaderboard', 's', true),
           ('my_card', 's', true), ('register_member', 'v', true), ('unfreeze_user', 'v', true), ('users_escrow_balance', 's', false),
           ('users_wallet_balance', 's', false), ('verify_ledger', 's', true)$$,
  'app_public: actions are VOLATILE (mutations), reads STABLE (queries), all SECURITY DEFINER but the claim readers and the two computed columns (caller''s rights: RLS on accounts decides)');
select is_empty($$select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                   where n.nspname in ('app_public', 'app_hidden', 'app_private') and obj_description(p.oid, 'pg_proc') is null
                  union all
                  select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
                   where n.nspname in ('app_public', 'app_hidden', 'app_private') and c.relkind = 'r' and obj_description(c.oid, 'pg_class') is null$$,
  'every function and table has a comment');
select is_empty($$select c.oid::regclass from pg_class c join pg_namespace n on n.oid = c.relnamespace
                   where n.nspname = 'app_public' and c.relkind = 'r' and obj_description(c.oid, 'pg_class') !~ '^@behavior [^\n]*\n'$$,
  'every app_public table comment starts with its smart tags on their own line');
select * from finish();
rollback;
