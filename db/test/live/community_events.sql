begin;
select plan(9);
\ir ../lib/helpers.psql
-- Issue 14: live community events for open panels. Guild A = 910000000000000001 (alice ...011, staff ...090),
-- guild B = 920000000000000001.
do $$
begin
  perform app_private.ensure_guild(910000000000000001, 'Live A');
  perform app_private.ensure_guild(920000000000000001, 'Live B');
  perform app_private.ensure_member(910000000000000001, 910000000000000011, 'alice');
  perform app_private.claim_daily_for(pg_temp.uid(910000000000000001, 910000000000000011), 'seed', now());
end $$;
create function pg_temp.events() returns text language sql as $$
  select string_agg(kind || ':' || change, ',' order by id) from app_public.community_events $$;

insert into app_public.tasks (guild_id, name, reward) values (910000000000000001, 'Welcome', 10);
select is(pg_temp.events(), 'task:create', 'a new task is an event');
select app_private.claim_task_for(pg_temp.uid(910000000000000001, 910000000000000011), (select id from app_public.tasks where name = 'Welcome'), null, 'c1');
select is(pg_temp.events(), 'task:create,task_claim:create,task:update', 'a claim is an event (and its task''s update)');
select is((select data ->> 'status' from app_public.community_events where kind = 'task_claim'), 'in_progress', 'carrying its status');
insert into app_public.rewards (guild_id, sku, name, category, price, stock) values (920000000000000001, 'cookie', 'Cookie', 'cosmetic', 10, 5);
update app_public.rewards set stock = 4 where sku = 'cookie';
select is((select jsonb_agg(data -> 'stock' order by id) from app_public.community_events where kind = 'stock'), '[5, 4]'::jsonb,
  'stock changes are events with the new stock');
insert into app_public.announcements (guild_id, channel_id, content) values (910000000000000001, 33, 'Hello');
select is((select data ->> 'sync_state' from app_public.community_events where kind = 'announcement'), 'pending', 'announcement states too');

-- Read with the caller's rights: staff of the guild only.
-- (The stream function shows only committed rows: within this test's transaction it reads through the same RLS.)
select is((pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR',
  'select count(*) as n from app_public.community_events') -> 0 ->> 'n'), '4', 'staff of A read A''s four events (not B''s stock)');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
  'select * from app_hidden.community_events_since(null, 50)') ->> 'code', '42501', 'members may not read the community stream');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR',
  $$select * from app_hidden.community_events_since('garbage', 50)$$) ->> 'code', 'VL001', 'a malformed cursor is VL001');
select is(app_hidden.purge_expired(now() + interval '2 days') >= 5, true, 'purge_expired drops events older than a day');

select * from finish();
rollback;
