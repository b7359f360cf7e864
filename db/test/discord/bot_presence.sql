begin;
select plan(12);
\ir ../lib/helpers.psql
-- Issue 14: the bot's presence set from the panel. Guilds A = 910000000000000001 and B = 920000000000000001 (staff ...090).
do $$
begin
  perform app_private.ensure_guild(910000000000000001, 'Presence A');
  perform app_private.ensure_guild(920000000000000001, 'Presence B');
end $$;
create temp table jobs_before as select id from graphile_worker.jobs;

insert into snapshots values ('before', pg_temp.state());
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
  $$select app_public.set_bot_presence('idle')$$) ->> 'code', 'PD001', 'an OPERATOR may not set the presence (PD001)');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
  $$select app_public.set_bot_presence('away')$$) ->> 'code', 'VL001', 'an unknown status is refused (VL001)');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
  $$select app_public.set_bot_presence('online', 'watching', null)$$) ->> 'code', 'VL001', 'an activity needs its text (VL001)');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
  $$select app_public.set_bot_presence('online', 'streaming', 'x')$$) ->> 'code', 'VL001', 'an unsupported activity type is refused');
select is(pg_temp.state(), (select state from snapshots where name = 'before'), 'the refusals changed nothing');
select is((select count(*) from app_public.bot_presence), 0::bigint, 'and stored no presence');

select is((pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
  $$select (app_public.set_bot_presence('dnd', 'watching', 'the market')).sync_state$$) -> 0 ->> 'sync_state'), 'pending',
  'an ADMIN sets the presence: stored as pending');
select is((select count(*) from graphile_worker.jobs where task_identifier = 'discord__presence' and id not in (select id from jobs_before)),
  1::bigint, 'a discord__presence job is queued for the bot');
select is((select count(*) from app_public.admin_actions where action = 'set_bot_presence'), 1::bigint, 'the change is audited');
select is((app_hidden.bot_presence_for_job()).activity_text, 'the market', 'the job reads the newest presence');
select app_hidden.record_bot_presence(910000000000000001, (select updated_at from app_public.bot_presence where guild_id = 910000000000000001));
select is((select sync_state from app_public.bot_presence where guild_id = 910000000000000001), 'synced', 'the bot reports it applied: synced');
select app_hidden.record_bot_presence(910000000000000001, '2000-01-01', 'stale');
select is((select sync_state from app_public.bot_presence where guild_id = 910000000000000001), 'synced',
  'a report for another version changes nothing');

select * from finish();
rollback;
