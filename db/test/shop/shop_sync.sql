begin;
select plan(10);
\ir ../lib/helpers.psql
-- Issue 14 / seed 003 "Shop System Discord-Dashboard Sync": every reward's #shop post follows its price and stock.
do $$
begin
  perform app_private.ensure_guild(910000000000000001, 'Shop sync guild A');
  perform app_private.ensure_guild(920000000000000001, 'Shop sync guild B (no bot)');
  perform app_private.ensure_member(910000000000000001, 910000000000000011, 'alice');
  perform app_hidden.save_discord_setup(910000000000000001, 11, 12, 13, 14, 15, 16);
  perform app_private.admin_adjust_by(910000000000000090, 'ADMIN', pg_temp.uid(910000000000000001, 910000000000000011), 1000, 'funding', null);
end $$;
create function pg_temp.rev(p_sku text) returns integer language sql as $$
  select coalesce((select revision from graphile_worker.jobs where key = 'discord__reward:910000000000000001:' || p_sku), -1) $$;

insert into app_public.rewards (guild_id, sku, name, category, price, stock) values (910000000000000001, 'cookie', 'Cookie', 'cosmetic', 10, 5);
select is((select sync_state from app_public.rewards where sku = 'cookie'), 'pending', 'a new reward''s post is pending_sync');
select cmp_ok(pg_temp.rev('cookie'), '>=', 0, 'its post is queued (discord__reward)');
select lives_ok($$select app_hidden.record_reward_sync(910000000000000001, 'cookie', 'synced')$$, 'the job records it');
create temp table r0 as select pg_temp.rev('cookie') as r;
select is((select sync_state from app_public.rewards where sku = 'cookie'), 'synced', 'synced');
select lives_ok($$select app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000011), 'cookie', 2, 'buy-1')$$, 'alice buys 2 cookies');
select results_eq($$select stock, sync_state from app_public.rewards where sku = 'cookie'$$, $$values (3, 'pending'::text)$$,
  'the stock change makes the post pending');
select cmp_ok(pg_temp.rev('cookie'), '>', (select r from r0), 'and queues its edit');
insert into app_public.rewards (guild_id, sku, name, category, price) values (920000000000000001, 'cookie', 'Cookie', 'cosmetic', 10);
select is((select count(*) from graphile_worker.jobs where key = 'discord__reward:920000000000000001:cookie'), 0::bigint,
  'a guild without the bot''s #shop queues nothing');
select is(app_hidden.requeue_reward_sync(now()), 0, 'the sync job leaves rewards changed within the last minute to their own job');
select is(app_hidden.requeue_reward_sync(now() + interval '10 minutes'), 1, 'and re-queues a reward still pending_sync later');

select * from finish();
rollback;
