begin;
select plan(12);
\ir ../lib/helpers.psql
-- The bot's guild records (000006): record_guild (name, owner, provisioning) and request_discord_setup. Guild A = 910000000000000001 (alice ...011, bob ...012, staff ...090, owner ...099);
-- guild B = 920000000000000001. Quest attempts use explicit times from t0 = 2031-01-01 12:00 UTC
-- (app_private.answer_quest_for); the public app_public.answer_quest uses now().
do $$
begin
  perform app_private.ensure_guild(910000000000000001, 'Quest guild A');
  perform app_private.ensure_guild(920000000000000001, 'Quest guild B');
  perform app_private.ensure_member(910000000000000001, 910000000000000011, 'alice');
  perform app_private.ensure_member(910000000000000001, 910000000000000012, 'bob');
  perform app_private.ensure_member(920000000000000001, 920000000000000011, 'carol');
end $$;

-- record_guild ------------------------------------------------------------------------------------------------------
select results_eq($$select id, name, owner_id from app_hidden.record_guild(930000000000000001, '  New guild ', 930000000000000099)$$,
  $$values (930000000000000001::bigint, 'New guild', 930000000000000099::bigint)$$, 'record_guild creates a guild (name trimmed) with its owner');
select ok(pg_temp.gacct(930000000000000001, 'mint') is not null and pg_temp.gacct(930000000000000001, 'fees') is not null,
  'record_guild: the new guild has its mint and fee accounts');
select results_eq($$select name, owner_id from app_hidden.record_guild(930000000000000001, 'Renamed', null)$$,
  $$values ('Renamed'::text, 930000000000000099::bigint)$$, 'record_guild renames; a null owner keeps the known owner');
select is(pg_temp.error_as('coins_worker', null, null, null, $$select app_hidden.record_guild(0, 'x', null)$$) ->> 'code', 'VL001',
  'record_guild: a bad guild snowflake is VL001');
select is(pg_temp.error_as('coins_worker', null, null, null, $$select app_hidden.record_guild(930000000000000001, '', null)$$) ->> 'code', 'VL001',
  'record_guild: an empty name is VL001');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_hidden.record_guild(910000000000000001, 'Mine now', 910000000000000011)$$) ->> 'code', '42501',
  'a member cannot record a guild (or make themselves its owner)');
select lives_ok($l$select pg_temp.run_as('coins_worker', null, null, null,
    $$select app_hidden.record_guild(910000000000000001, 'Quest guild A', 910000000000000099)$$)$l$,
  'the worker role (the bot) records guild A and its owner');

-- request_discord_setup ------------------------------------------------------------------------------------------------
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    $$select app_public.request_discord_setup('rebuild the hub')$$) ->> 'code', 'PD001', 'OPERATOR cannot request a Discord setup');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select app_public.request_discord_setup('')$$) ->> 'code', 'RS001', 'a setup request needs a reason');
select is(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select app_public.request_discord_setup('rebuild the hub') as ok$$) -> 0 ->> 'ok', 'true', 'ADMIN requests a Discord setup');
do $$ begin perform pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $q$select app_public.request_discord_setup('again, twice')$q$); end $$;
select results_eq($$select task_identifier, queue_name, payload::jsonb from graphile_worker.jobs j
                     join graphile_worker._private_jobs p using (id) where j.key = 'discord__setup:910000000000000001'$$,
  $$values ('discord__setup'::text, 'discord'::text, '{"guild_id": "910000000000000001", "requested_by": "910000000000000090"}'::jsonb)$$,
  'one discord__setup job per guild on the discord queue (a second request replaces the pending one)');
select is((select count(*) from app_public.admin_actions where action = 'request_discord_setup'), 2::bigint, 'each request is audited');

select * from finish();
rollback;
