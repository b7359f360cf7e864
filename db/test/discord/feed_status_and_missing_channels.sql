begin;
select plan(21);
\ir ../lib/helpers.psql
-- Issue 17 (migration 000011): the feed entry and My Card name the currency of their amounts; a change of an order's
-- status re-queues the feed posts of its transactions; a channel Discord says is gone is marked missing (one alert, no
-- more jobs for it) until /setup. Guild A = 940000000000000001 (alice ...011, bob ...012) has the bot.
do $$
begin
  perform app_private.ensure_guild(940000000000000001, 'Issue 17 guild');
  perform app_private.ensure_member(940000000000000001, 940000000000000011, 'alice');
  perform app_private.ensure_member(940000000000000001, 940000000000000012, 'bob');
  perform app_private.admin_adjust_by(940000000000000090, 'ADMIN', pg_temp.uid(940000000000000001, 940000000000000011), 500, 'fixture');
  insert into app_public.rewards (guild_id, sku, name, category, price) values (940000000000000001, 'hat', 'Party hat', 'cosmetic', 100);
  insert into app_public.minecraft_links (guild_id, user_id, ign) values (940000000000000001, pg_temp.uid(940000000000000001, 940000000000000011), 'Alice_i17');
  perform app_hidden.save_discord_setup(940000000000000001, 31, 32, 33, 34, 35, 36);
end $$;
create temp table jobs_before as select id from graphile_worker.jobs;
create function pg_temp.new_jobs(p_task text) returns bigint language sql as $$
  select count(*) from graphile_worker.jobs j where j.task_identifier = p_task and j.id not in (select id from jobs_before);
$$;
create function pg_temp.reset_jobs() returns void language sql as $$
  insert into jobs_before select id from graphile_worker.jobs where id not in (select id from jobs_before);
$$;

-- Defect 9: currencies -----------------------------------------------------------------------------------------------------
create temp table pay as select * from app_private.record_payment_for(940000000000000001, 'pgtap', '1', 'Alice_i17', 150000, 'Alice paid you $1,500.00', now());
create temp table pay_tx as select t.tx_id from app_public.transfers t join pay p on p.transfer_id = t.id;
select is(app_hidden.discord_feed_entry((select tx_id from pay_tx)) ->> 'currency', 'MCD', 'feed entry: a Minecraft payment is in MCD');
select is(app_hidden.discord_feed_entry((select tx_id from pay_tx)) ->> 'amount', '150000', 'feed entry: the amount in minor units (1,500.00 MCD)');
select is((select jsonb_agg(distinct d ->> 'currency') from jsonb_array_elements(app_hidden.discord_feed_entry((select tx_id from pay_tx)) -> 'deltas') d),
  '["MCD"]'::jsonb, 'feed entry: each delta names its account''s currency');
select app_private.give_from(pg_temp.uid(940000000000000001, 940000000000000011), 940000000000000012, 3, 'i17-give');
select is(app_hidden.discord_feed_entry((select tx_id from app_public.transactions where guild_id = 940000000000000001 and reason = 'give')) ->> 'currency',
  'COIN', 'feed entry: a give is in coins');
select is((pg_temp.rows_as('coins_player', 940000000000000001, 940000000000000011, null, $$select r ->> 'currency' as c, r ->> 'amount' as a
    from jsonb_array_elements((app_public.my_card()).recent) r$$) -> 1), '{"a": "150000", "c": "MCD"}'::jsonb,
  'My Card: a recent transaction names its currency');
select app_hidden.daily_digest(current_date);
select is((select volume from app_public.daily_stats where guild_id = 940000000000000001 and day = current_date),
  (select sum(amount) from app_public.transfers where guild_id = 940000000000000001 and currency = 'COIN' and timeout_at is null
     and reason <> 'order_refund' and created_at >= current_date::timestamp at time zone 'UTC')::bigint,
  'the daily digest''s volume counts coins only, not the 1,500.00 MCD payment');
select is((select count(*) from app_public.daily_stats s, jsonb_array_elements(s.top_movers) m
            where s.guild_id = 940000000000000001 and s.day = current_date and (m ->> 'net')::bigint = 150000), 0::bigint,
  'nor among its top movers');
delete from app_public.daily_stats where guild_id = 940000000000000001;

-- Defect 10: an order's status change re-queues its feed posts -----------------------------------------------------------
create temp table o as select * from app_private.buy_reward_for(pg_temp.uid(940000000000000001, 940000000000000011), 'hat', 1, 'i17-buy');
select pg_temp.reset_jobs();
select graphile_worker.remove_job('discord__transaction:' || t.tx_id) from app_public.transactions t where t.order_id = (select order_id from o);
select app_hidden.record_discord_message(940000000000000001, 'transaction', t.tx_id::text, 34, 9001)
  from app_public.transactions t where t.order_id = (select order_id from o);
select app_hidden.fulfil_order((select order_id from o));
select is((select count(*) from graphile_worker.jobs j where j.key in (select 'discord__transaction:' || t.tx_id from app_public.transactions t
    where t.order_id = (select order_id from o) and t.reason = 'shop_purchase')), 1::bigint,
  'fulfilling an order re-queues the feed post of its purchase');
select is((select j.queue_name from graphile_worker.jobs j where j.key = (select 'discord__transaction:' || t.tx_id from app_public.transactions t
    where t.order_id = (select order_id from o) and t.reason = 'shop_purchase')), 'discord:940000000000000001', 'in the guild''s queue');
select pg_temp.reset_jobs();
update app_public.orders set updated_at = now() where order_id = (select order_id from o);
select is(pg_temp.new_jobs('discord__transaction'), 0::bigint, 'an update that leaves the status alone queues nothing');

-- Defect 11: a missing channel ---------------------------------------------------------------------------------------------
select is(pg_temp.error_as('coins_worker', null, null, null, $$select app_hidden.mark_discord_channel_missing(940000000000000001, 'lobby', 34, 'x')$$) ->> 'code',
  'VL001', 'mark_discord_channel_missing: an unknown channel name is VL001');
select is(pg_temp.error_as('coins_staff', 940000000000000001, 940000000000000090, 'SUPERADMIN',
    $$select app_hidden.mark_discord_channel_missing(940000000000000001, 'transactions', 34, 'x')$$) ->> 'code', '42501', 'staff cannot call it');
select is((pg_temp.rows_as('coins_worker', null, null, null, $$select app_hidden.mark_discord_channel_missing(940000000000000001, 'transactions', 99, 'Unknown Channel') as m$$) -> 0 ->> 'm'),
  'false', 'a channel id that is no longer the guild''s marks nothing');
select is((pg_temp.rows_as('coins_worker', null, null, null, $$select app_hidden.mark_discord_channel_missing(940000000000000001, 'transactions', 34, 'Unknown Channel') as m$$) -> 0 ->> 'm'),
  'true', 'the worker marks the guild''s #coin-transactions missing');
select is((pg_temp.rows_as('coins_worker', null, null, null, $$select app_hidden.mark_discord_channel_missing(940000000000000001, 'transactions', 34, 'Unknown Channel') as m$$) -> 0 ->> 'm'),
  'false', 'marking it again is a no-op');
select results_eq($$select severity::text, detail ->> 'channel', detail ->> 'channel_id' from app_public.ops_alerts
                     where guild_id = 940000000000000001 and kind = 'discord_channel_missing'$$,
  $$values ('warning', 'transactions', '34')$$, 'one warning ops alert, naming the channel');
select is((select missing_channels from app_hidden.discord_guild(940000000000000001)), '{transactions}'::text[], 'discord_guild lists it');
select pg_temp.reset_jobs();
select app_private.give_from(pg_temp.uid(940000000000000001, 940000000000000011), 940000000000000012, 4, 'i17-give-2');
select is(pg_temp.new_jobs('discord__transaction'), 0::bigint, 'no feed job is queued for a missing channel');
select app_private.create_listing_for(pg_temp.uid(940000000000000001, 940000000000000011), 'hat', 1, 100, 24, 1, null, null)
  from (select app_private.inventory_add(pg_temp.uid(940000000000000001, 940000000000000011), 'hat', 1)) x;
select is(pg_temp.new_jobs('discord__listing'), 1::bigint, 'the other channels still get theirs');
select app_hidden.save_discord_setup(940000000000000001, 31, 32, 33, 44, 35, 36);
select is((select missing_channels from app_hidden.discord_guild(940000000000000001)), '{}'::text[], '/setup clears the marks');
select pg_temp.reset_jobs();
select app_private.give_from(pg_temp.uid(940000000000000001, 940000000000000011), 940000000000000012, 5, 'i17-give-3');
select is(pg_temp.new_jobs('discord__transaction'), 1::bigint, 'and the feed is queued again');

select * from finish();
rollback;
