begin;
select plan(18);
\ir ../lib/helpers.psql
-- Issue 14: the panel's server switcher. Guild A = 910000000000000001 (role 500 -> ADMIN), guild B = 920000000000000001
-- (owned by the staff member ...090), guild C = 930000000000000001 (the staff member has no mapped role there).
do $$
begin
  perform app_private.ensure_guild(910000000000000001, 'Switch A');
  perform app_private.ensure_guild(920000000000000001, 'Switch B');
  perform app_private.ensure_guild(930000000000000001, 'Switch C');
  update app_public.guilds set owner_id = 910000000000000090 where id = 920000000000000001;
  insert into app_public.staff_role_mappings (guild_id, discord_role_id, staff_role) values
    (910000000000000001, 500, 'ADMIN'), (930000000000000001, 700, 'AUDITOR');
  perform app_private.open_panel_session(sha256('acc'), sha256('ref'), 910000000000000001, 910000000000000090, 'ADMIN', 900, 43200);
end $$;
create function pg_temp.sess() returns jsonb language sql as $$
  select jsonb_build_object('guild', guild_id, 'role', staff_role, 'guilds',
    (select jsonb_agg(jsonb_build_array(guild_id, role_ids) order by guild_id) from app_private.session_guilds g where g.session_id = s.id))
    from app_private.sessions s where token_hash = sha256('acc') $$;

select is(app_private.panel_guild_candidates(910000000000000090, '{910000000000000001,920000000000000001,930000000000000001,940000000000000001}'),
  '{910000000000000001,920000000000000001,930000000000000001}'::bigint[],
  'sign-in candidates: the member''s guilds that use Guildbank with a role mapping (A, C) or that they own (B)');
select is(app_private.add_session_guild(sha256('acc'), 910000000000000001, '{500}')::text, 'ADMIN',
  'sign-in records guild A with the role its mapping resolves to');
select is(app_private.add_session_guild(sha256('acc'), 920000000000000001, '{}')::text, 'SUPERADMIN',
  'ownership makes the member SUPERADMIN of guild B');
select is(app_private.add_session_guild(sha256('acc'), 930000000000000001, '{1}'), null,
  'guild C resolves to no staff role: nothing is recorded');
select is((select count(*) from app_private.session_guilds), 2::bigint, 'two guilds recorded');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.add_session_guild(sha256('nope'), 910000000000000001, '{500}')$$) ->> 'code',
  'AU001', 'an unknown token records nothing (AU001)');
select results_eq($$select guild_id, name, staff_role::text, selected from app_private.session_guild_choices(sha256('acc'))$$,
  $$values ('910000000000000001', 'Switch A', 'ADMIN', true), ('920000000000000001', 'Switch B', 'SUPERADMIN', false)$$,
  'the switcher lists A (selected) and B with the roles held there');

insert into snapshots values ('before', pg_temp.sess());
select is(pg_temp.error_as(null, null, null, null, $$select app_private.switch_session_guild(sha256('acc'), 930000000000000001)$$) ->> 'code',
  'SW001', 'switching to a guild not granted at sign-in is refused (SW001)');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.switch_session_guild(sha256('acc'), 999999999999999999)$$) ->> 'code',
  'SW001', 'a forged guild id is refused (SW001)');
select is(pg_temp.sess(), (select state from snapshots where name = 'before'), 'refused switches changed nothing');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.switch_session_guild(sha256('other'), 920000000000000001)$$) ->> 'code',
  'AU001', 'no live session behind the token: AU001');

select results_eq($$select guild_id, staff_role::text from app_private.switch_session_guild(sha256('acc'), 920000000000000001)$$,
  $$values (920000000000000001::bigint, 'SUPERADMIN')$$, 'switching to B: the session carries guild B and the role held there');
select results_eq($$select guild_id, staff_role::text from app_private.session_claims(sha256('acc'))$$,
  $$values (920000000000000001::bigint, 'SUPERADMIN')$$, 'every request then reads guild B');
-- Re-checked on every request: ownership of B moves away, the session no longer reaches B.
update app_public.guilds set owner_id = 920000000000000099 where id = 920000000000000001;
select is((select session_id from app_private.session_claims(sha256('acc'))), null,
  'once no longer staff of B, the next request is refused (no claims)');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.switch_session_guild(sha256('acc'), 920000000000000001)$$) ->> 'code',
  'SW001', 'and switching to B again is refused');
select results_eq($$select guild_id, staff_role::text from app_private.switch_session_guild(sha256('acc'), 910000000000000001)$$,
  $$values (910000000000000001::bigint, 'ADMIN')$$, 'switching back to A still works');
update app_public.staff_role_mappings set staff_role = 'SUPPORT' where discord_role_id = 500;
select is((select staff_role::text from app_private.session_claims(sha256('acc'))), 'SUPPORT',
  'the role is re-resolved from the current mapping on every request');
-- A session without recorded guilds (player, development login) is read as before.
select lives_ok($$select app_private.open_session(sha256('plain'), 910000000000000001, 910000000000000011, 'player', null, 'dev', 600);
  select 1 from app_private.session_claims(sha256('plain')) where guild_id = 910000000000000001$$,
  'sessions without recorded guilds keep their claims');

select * from finish();
rollback;
