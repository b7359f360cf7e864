begin;
select plan(12);
\ir ../lib/helpers.psql
-- Staff role mapping (000006): resolve_staff_role (the owner is SUPERADMIN, the highest mapped role wins) and who may
-- edit staff_role_mappings. Guild A = 910000000000000001 (alice ...011, bob ...012, staff ...090, owner ...099);
-- guild B = 920000000000000001.
do $$
begin
  perform app_private.ensure_guild(910000000000000001, 'Quest guild A');
  perform app_private.ensure_guild(920000000000000001, 'Quest guild B');
  perform app_private.ensure_member(910000000000000001, 910000000000000011, 'alice');
  perform app_private.ensure_member(910000000000000001, 910000000000000012, 'bob');
  perform app_private.ensure_member(920000000000000001, 920000000000000011, 'carol');
end $$;

-- Guild A's owner, as the bot records it (record_guild's own tests: db/test/discord/guilds_and_setup.sql).
do $$ begin perform app_hidden.record_guild(910000000000000001, 'Quest guild A', 910000000000000099); end $$;

-- Staff role mapping ---------------------------------------------------------------------------------------------------
insert into app_public.staff_role_mappings (guild_id, discord_role_id, staff_role) values
  (910000000000000001, 500, 'OPERATOR'), (910000000000000001, 501, 'AUDITOR'), (910000000000000001, 502, 'ADMIN'),
  (920000000000000001, 600, 'SUPERADMIN');
select is(app_hidden.resolve_staff_role(910000000000000001, 910000000000000099, '{}'), 'SUPERADMIN',
  'the guild owner is SUPERADMIN without any role');
select is(app_hidden.resolve_staff_role(910000000000000001, 910000000000000090, '{501,500}'), 'OPERATOR',
  'the highest-ranked mapped role wins (OPERATOR over AUDITOR)');
select is(app_hidden.resolve_staff_role(910000000000000001, 910000000000000090, '{501,502,500,777}'), 'ADMIN',
  'ADMIN over OPERATOR and AUDITOR; unmapped roles ignored');
select is(app_hidden.resolve_staff_role(910000000000000001, 910000000000000090, '{600}'), null,
  'a role mapped in another guild grants nothing here');
select is(app_hidden.resolve_staff_role(910000000000000001, 910000000000000090, null), null, 'no roles: not staff');
select is(pg_temp.rows_as('coins_anonymous', null, null, null,
    $$select app_hidden.resolve_staff_role(910000000000000001, 910000000000000090, '{502}') as r$$) -> 0 ->> 'r', 'ADMIN',
  'the server''s login path (coins_anonymous) may resolve a role');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_hidden.resolve_staff_role(910000000000000001, 910000000000000011, '{502}')$$) ->> 'code', '42501',
  'a member cannot call resolve_staff_role');
select is(pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000099, 'SUPERADMIN',
    $$insert into app_public.staff_role_mappings (guild_id, discord_role_id, staff_role) values (910000000000000001, 503, 'SUPPORT')$$), 1::bigint,
  'SUPERADMIN maps a role');
select results_eq($$select action, subject_type, subject_id, actor_id, after ->> 'staff_role' from app_public.admin_actions
                     where subject_type = 'staff_role_mapping'$$,
  $$values ('insert_staff_role_mapping'::text, 'staff_role_mapping'::text, '503'::text, 910000000000000099::bigint, 'SUPPORT'::text)$$,
  'the mapping change is audited with who did it and the new row');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$update app_public.staff_role_mappings set staff_role = 'SUPERADMIN' where discord_role_id = 502$$) ->> 'code', 'PD001',
  'an ADMIN cannot promote a role to SUPERADMIN (only SUPERADMIN edits the mapping)');
select is(pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR',
    $$select 1 from app_public.staff_role_mappings$$), 4::bigint, 'any staff role reads its guild''s mapping (4 rows of guild A)');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select 1 from app_public.staff_role_mappings$$) ->> 'code', '42501', 'members cannot read the role mapping');

select * from finish();
rollback;
