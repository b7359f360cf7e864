begin;
select plan(51);
\ir ../lib/helpers.psql
-- Jobs (000002): the orders__fulfil job queued by every new order, the app_hidden job bodies (escrow timeout,
-- fulfilment after expiry, failures, pricing rollup, daily digest, leaderboard, ledger check, purge), and the order
-- invariant of verify_ledger. Guilds: J = 910000000000000001 (orders and jobs), D = 920000000000000001 and
-- E = 950000000000000001 (daily digest; E stays idle), L = 960000000000000001 (leaderboard).
create temp table ids (name text primary key, id uuid);
create function pg_temp.id(p_name text) returns uuid language sql as $$ select id from ids where name = p_name $$;
create function pg_temp.ord(p_name text) returns app_public.orders language sql as $$
  select * from app_public.orders where order_id = pg_temp.id(p_name) $$;
create function pg_temp.worker(p_sql text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_worker', null, null, null, p_sql) -> 0 $$;

-- Orders queue their fulfilment job ----------------------------------------------------------------------------------------------------
do $$
declare j bigint := 910000000000000001;
begin
  perform app_private.ensure_guild(j, 'Jobs guild J');
  perform app_private.ensure_member(j, 910000000000000051, 'jo');
  perform app_private.ensure_member(j, 910000000000000052, 'js');
  perform app_private.post_transfer(j, pg_temp.gacct(j, 'mint'), pg_temp.acct(j, 910000000000000051), 1000, 'test_mint');
  insert into app_public.rewards (guild_id, sku, name, category, price, stock) values (j, 'pin', 'Pin', 'cosmetic', 10, 100), (j, 'cap', 'Cap', 'cosmetic', 20, null);
  perform app_private.inventory_add(pg_temp.uid(j, 910000000000000052), 'cap', 10);
end $$;
insert into ids values ('shop', (pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000051, null,
  $$select * from app_public.buy_reward('pin', 2, 'job-1')$$) -> 0 ->> 'order_id')::uuid);
select results_eq(
  $$select task_identifier, key, max_attempts::int, attempts::int, queue_name, run_at <= now() from graphile_worker.jobs
     where key like 'orders__fulfil:%' and key like '%' || pg_temp.id('shop')$$,
  $$values ('orders__fulfil', 'orders__fulfil:' || pg_temp.id('shop'), 7, 0, null::text, true)$$,
  'a shop order bought through app_public.buy_reward (as coins_player) queued one orders__fulfil job, keyed by the order, 7 attempts, due now');
select cmp_ok((select sum(exp(k))::numeric from generate_series(1, (select max_attempts - 1 from graphile_worker.jobs where key = 'orders__fulfil:' || pg_temp.id('shop'))) k),
  '<', (select column_default::numeric * 60 from information_schema.columns
         where table_schema = 'app_public' and table_name = 'guild_settings' and column_name = 'escrow_timeout_min'),
  'with graphile-worker''s backoff (exp(attempt) s after each failure) the last attempt comes before the default escrow timeout (15 min)');
select is((select payload::jsonb from graphile_worker._private_jobs where key = 'orders__fulfil:' || pg_temp.id('shop')),
  json_build_object('order_id', pg_temp.id('shop'))::jsonb, 'its payload names the order');
do $$ begin perform pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000051, null, $q$select * from app_public.buy_reward('pin', 2, 'job-1')$q$); end $$;
select is((select count(*) from graphile_worker.jobs where task_identifier = 'orders__fulfil'), (select count(*) from app_public.orders),
  'a replayed purchase queues nothing more: one job per order');
insert into ids values ('market', (app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000051),
  (app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000052), 'cap', 5, 20, 24, 1, null, 'job-l')).listing_id, 1, 'job-2')).order_id);
select is((select count(*) from graphile_worker.jobs where key = 'orders__fulfil:' || pg_temp.id('market')), 1::bigint,
  'a market order queues its own job too');
select is((select count(*) from graphile_worker.jobs where task_identifier = 'orders__fulfil'), (select count(*) from app_public.orders),
  'exactly one job per order');

-- Escrow timeout: refund_expired_orders, and fulfilment after expiry ---------------------------------------------------------------------
insert into ids values
  ('exp1', (app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000051), 'pin', 1, 'e-1', now() - interval '30 minutes')).order_id),
  ('exp2', (app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000051), 'pin', 1, 'e-2', now() - interval '20 minutes')).order_id),
  ('exp3', (app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000051), 'pin', 1, 'e-3', now() - interval '15 minutes')).order_id),
  ('done', (app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000051), 'pin', 1, 'e-4', now() - interval '40 minutes')).order_id);
do $$ begin perform app_private.fulfil_order_core(pg_temp.id('done'), null, 'fulfilled', now() - interval '39 minutes'); end $$;
select results_eq($$select pg_temp.stock(910000000000000001, 'pin'), (select count(*)::int from app_public.orders where status = 'pending')$$,
  $$values (94, 5)$$, 'fixture: pending orders expired 15 min ago (exp1), 5 min ago (exp2), exactly now (exp3), and live ones (shop, market); stock 94');
select is(pg_temp.worker($$select app_hidden.refund_expired_orders(now() - interval '1 minute', 1) n$$) ->> 'n', '1',
  'refund_expired_orders(p_limit 1) refunds one order: the first to expire');
select results_eq($$select status::text, settled_at, settled_by, settle_reason from pg_temp.ord('exp1')$$,
  $$values ('refunded', now() - interval '1 minute', null::bigint, 'escrow_timeout')$$, 'exp1 is refunded at p_at, by nobody, reason escrow_timeout');
select is(pg_temp.worker($$select app_hidden.refund_expired_orders(now() - interval '1 minute') n$$) ->> 'n', '1',
  'the next run refunds exp2, still not exp3 (it expires at now())');
select is(pg_temp.worker($$select app_hidden.refund_expired_orders(now()) n$$) ->> 'n', '1', 'at now() exp3 is due (expires_at <= p_at)');
select is(pg_temp.worker($$select app_hidden.refund_expired_orders(now()) n$$) ->> 'n', '0', 'a second run refunds nothing (idempotent)');
select results_eq($$select name, status::text from ids join app_public.orders o on o.order_id = ids.id order by name$$,
  $$values ('done', 'fulfilled'), ('exp1', 'refunded'), ('exp2', 'refunded'), ('exp3', 'refunded'), ('market', 'pending'), ('shop', 'pending')$$,
  'only the expired pending orders were refunded; live and fulfilled ones are untouched');
select results_eq($$select pg_temp.stock(910000000000000001, 'pin'), pg_temp.bal(pg_temp.acct(910000000000000001, 910000000000000051, 'escrow'))$$,
  $$values (97, 40::bigint)$$, 'their stock is back (94 + 3) and their escrow returned (40 left: the live orders)');
insert into ids values ('late', (app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000051), 'pin', 1, 'e-5', now() - interval '20 minutes')).order_id);
select is(pg_temp.error_as(null, null, null, null, format($$select app_private.fulfil_order_core(%L, null, 'late')$$, pg_temp.id('late'))),
  jsonb_build_object('code', 'LG003', 'key', 'hold_expired', 'detail', jsonb_build_object('transfer', (pg_temp.ord('late')).hold_id, 'timeout_at', now() - interval '5 minutes')),
  'fulfil_order_core after the escrow timeout: LG003 hold_expired');
select results_eq(format($$select status, settle_reason from jsonb_to_record(pg_temp.worker('select * from app_hidden.fulfil_order(''%s'')')) as (status text, settle_reason text)$$, pg_temp.id('late')),
  $$values ('refunded', 'escrow_timeout')$$, 'the job body refunds an expired order instead of fulfilling it');
select is(pg_temp.inv(910000000000000001, 910000000000000051, 'pin'), 1, 'no item was delivered (only the earlier fulfilled order''s pin)');

-- Fulfilment failures --------------------------------------------------------------------------------------------------------------
select results_eq(format($$select fulfilment_attempts, last_error from jsonb_to_record(pg_temp.worker('select * from app_hidden.record_fulfilment_failure(''%s'', ''API timeout'', false)'))
            as (fulfilment_attempts int, last_error text)$$, pg_temp.id('shop')),
  $$values (1, 'API timeout')$$, 'record_fulfilment_failure counts the attempt and keeps the error');
select is((select count(*) from app_public.ops_alerts where guild_id = 910000000000000001), 0::bigint, '... without an alert while more attempts follow');
select is(pg_temp.worker(format('select fulfilment_attempts from app_hidden.record_fulfilment_failure(''%s'', ''API down'', true)', pg_temp.id('shop'))) ->> 'fulfilment_attempts',
  '2', 'the final failure counts too ...');
select results_eq($$select severity::text, kind, detail, message from app_public.ops_alerts where guild_id = 910000000000000001$$,
  $$values ('warning', 'fulfilment_failed', jsonb_build_object('order_id', pg_temp.id('shop'), 'error', 'API down'),
            format('Order %s could not be fulfilled after 2 attempts; it will be refunded at its escrow timeout.', pg_temp.id('shop')))$$,
  '... and raises a warning alert fulfilment_failed naming the order and the error');
select is(pg_temp.worker(format('select order_id from app_hidden.record_fulfilment_failure(''%s'', ''again'', true)', pg_temp.id('done'))) ->> 'order_id', null,
  'a settled order is left alone (null, no alert)');
select is((select count(*) from app_public.ops_alerts where guild_id = 910000000000000001), 1::bigint, '... still one alert');
-- An order refunded at its escrow timeout after failed fulfilment attempts raises a warning (one that never failed does not:
-- exp1..exp3 above raised nothing)
insert into ids values ('failed', (app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000051), 'pin', 1, 'e-6', now() - interval '20 minutes')).order_id);
do $$ begin perform pg_temp.worker(format('select 1 from app_hidden.record_fulfilment_failure(%L, ''API down'', false)', pg_temp.id('failed'))); end $$;
select is(pg_temp.worker($$select app_hidden.refund_expired_orders(now()) n$$) ->> 'n', '1', 'refund_expired_orders refunds an expired order whose fulfilment failed ...');
select results_eq($$select severity::text, kind, message, detail from app_public.ops_alerts where guild_id = 910000000000000001 and kind <> 'fulfilment_failed'$$,
  $$values ('warning', 'fulfilment_timed_out',
            format('Order %s was refunded at its escrow timeout after 1 failed fulfilment attempt(s).', pg_temp.id('failed')),
            jsonb_build_object('order_id', pg_temp.id('failed'), 'last_error', 'API down'))$$,
  '... and raises a warning fulfilment_timed_out naming the order, its attempts and the last error');

-- pricing_rollup -------------------------------------------------------------------------------------------------------------------------
do $$
declare l uuid;
begin
  l := (app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000052), 'cap', 4, 24, 200, 1, null, 'roll-l', now() - interval '8 days')).listing_id;
  perform app_private.fulfil_order_core((app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000051), l, 1, 'roll-1', now() - interval '8 days')).order_id,
    null, 'fulfilled', now() - interval '8 days');
  perform app_private.fulfil_order_core((app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000051), l, 2, 'roll-2', now() - interval '2 days')).order_id,
    null, 'fulfilled', now() - interval '2 days');
  perform app_private.fulfil_order_core((app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000051), l, 1, 'roll-3', now() - interval '1 hour')).order_id,
    null, 'fulfilled', now() - interval '1 hour');
end $$;
select is(pg_temp.worker($$select app_hidden.pricing_rollup(now()) n$$) ->> 'n', '1', 'pricing_rollup (as coins_worker) writes one row: cap has recent sales, pin none');
select results_eq($$select guild_id, sku, median_7d, volume_24h, created_at from app_public.pricing_history$$,
  $$values (910000000000000001::bigint, 'cap', 24::bigint, 1, now())$$,
  'cap: the median of the sales of the last 7 days (24, 24; not the one 8 days ago), 1 unit sold in 24 h, stamped p_at');
select is(pg_temp.worker($$select app_hidden.pricing_rollup(now()) n$$) ->> 'n', '0', 'a second run for the same p_at writes nothing (one row per SKU and p_at) ...');
select is((select count(*) from app_public.pricing_history), 1::bigint, '... the table still holds one row');
select is(pg_temp.worker($$select app_hidden.pricing_rollup(now() + interval '30 days') n$$) ->> 'n', '0', 'a month later nothing sold recently: no rows');

-- daily_digest: one row per guild and UTC day ---------------------------------------------------------------------------------------------
-- In guild D today: m1 credited 500 and m2 300 by staff; m2 lists 3 pins at 50 (fee 0.08); m1 buys 2 (fulfilled: 92 to m2,
-- 8 in fees) and 1 more (refunded); m3 claims 100. That is 8 events, 1000 coins moved (holds and refund legs aside).
do $$
declare
  d bigint := 920000000000000001;
  l uuid;
begin
  perform app_private.ensure_guild(d, 'Digest guild D');
  perform app_private.ensure_guild(950000000000000001, 'Idle guild E');
  insert into app_public.rewards (guild_id, sku, name, category, price) values (d, 'pin', 'Pin', 'cosmetic', 50);
  perform app_private.ensure_member(d, 920000000000000041, 'm1');
  perform app_private.ensure_member(d, 920000000000000042, 'm2');
  perform app_private.ensure_member(d, 920000000000000043, 'm3');
  perform app_private.admin_adjust_by(920000000000000090, 'ADMIN', pg_temp.uid(d, 920000000000000041), 500, 'seed');
  perform app_private.admin_adjust_by(920000000000000090, 'ADMIN', pg_temp.uid(d, 920000000000000042), 300, 'seed');
  perform app_private.inventory_add(pg_temp.uid(d, 920000000000000042), 'pin', 6);
  update app_public.pricing_config set scarcity_target = 0 where guild_id = d;
  l := (app_private.create_listing_for(pg_temp.uid(d, 920000000000000042), 'pin', 3, 50, 24, 1, null, 'dl')).listing_id;
  perform app_private.fulfil_order_core((app_private.buy_listing_for(pg_temp.uid(d, 920000000000000041), l, 2, 'db-1')).order_id, null, 'fulfilled');
  perform app_private.refund_order_core((app_private.buy_listing_for(pg_temp.uid(d, 920000000000000041), l, 1, 'db-2')).order_id, 'refunded', null, 'test');
  perform app_private.claim_daily_for(pg_temp.uid(d, 920000000000000043));
end $$;
select is(pg_temp.worker(format('select app_hidden.daily_digest(%L) n', (now() at time zone 'UTC')::date)) ->> 'n', (select count(*)::text from app_public.guilds),
  'daily_digest (as coins_worker) writes one row per guild for the day');
select results_eq(
  $$select transactions, volume, fees, new_listings, orders, refunds, active_members, top_movers from app_public.daily_stats
     where guild_id = 920000000000000001 and day = (now() at time zone 'UTC')::date$$,
  $$values (8, 1000::bigint, 8::bigint, 1, 2, 1, 3, '[{"discord_id": "920000000000000041", "display_name": "m1", "net": 400},
    {"discord_id": "920000000000000042", "display_name": "m2", "net": 392}, {"discord_id": "920000000000000043", "display_name": "m3", "net": 100}]'::jsonb)$$,
  'guild D: 8 events, 1000 coins, 8 in fees, 1 listing, 2 orders, 1 refund, 3 active members, top movers by net wallet change');
select results_eq($$select transactions, volume, fees, new_listings, orders, refunds, active_members, top_movers from app_public.daily_stats where guild_id = 950000000000000001$$,
  $$values (0, 0::bigint, 0::bigint, 0, 0, 0, 0, '[]'::jsonb)$$, 'the idle guild E gets its row of zeros');
select results_eq(
  $$select actor_id, actor_role, subject_type, subject_id, (after ->> 'volume')::bigint, reason from app_public.admin_actions
     where action = 'daily_digest' and guild_id = 920000000000000001$$,
  $$values (0::bigint, null::app_public.staff_role, 'daily_stats', ((now() at time zone 'UTC')::date)::text, 1000::bigint, 'daily digest (digest__daily job)')$$,
  'each row is logged in admin_actions as daily_digest (actor 0, no role) with the row as after');
select is(pg_temp.worker(format('select app_hidden.daily_digest(%L) n', (now() at time zone 'UTC')::date)) ->> 'n', '0', 'a second run for the same day writes nothing');
select is((select count(*) from app_public.admin_actions where action = 'daily_digest'), (select count(*) from app_public.guilds),
  '... and logs nothing more');
-- Activity written at an explicit earlier time (the *_for functions' p_at, as the demo seed writes its history) keeps that
-- time, so it lands in the digest of its own day:
do $$
declare
  d bigint := 920000000000000001;
begin
  perform app_private.buy_listing_for(pg_temp.uid(d, 920000000000000041),
    (app_private.create_listing_for(pg_temp.uid(d, 920000000000000042), 'pin', 2, 50, 24, 1, null, 'dl-old', now() - interval '3 days')).listing_id,
    1, 'db-old', now() - interval '3 days');
end $$;
select results_eq(
  $$select o.created_at, o.updated_at, l.created_at, l.updated_at
      from app_public.orders o join app_public.order_lines ol on ol.order_id = o.order_id join app_public.listings l on l.listing_id = ol.listing_id
     where o.order_id = (select order_id from app_public.transactions where reason = 'market_purchase' and created_at = now() - interval '3 days')$$,
  $$values (now() - interval '3 days', now() - interval '3 days', now() - interval '3 days', now())$$,
  'an order and a listing written at p_at = now() - 3 days have created_at = p_at (the order''s updated_at too; the listing was updated by the purchase since)');
do $$ begin perform pg_temp.worker(format('select app_hidden.daily_digest(%L) n', ((now() - interval '3 days') at time zone 'UTC')::date)); end $$;
select results_eq($$select transactions, new_listings, orders from app_public.daily_stats where guild_id = 920000000000000001 and day = ((now() - interval '3 days') at time zone 'UTC')::date$$,
  $$values (2, 1, 1)$$, 'the digest of that day counts its 2 events, the new listing and the order');
insert into ids values ('old-listing', (app_private.create_listing_for(pg_temp.uid(920000000000000001, 920000000000000042),
  'pin', 1, 50, 24, 1, null, 'dl-older', now() - interval '5 days')).listing_id);
select results_eq($$select created_at, updated_at from app_public.listings where listing_id = pg_temp.id('old-listing')$$,
  $$values (now() - interval '5 days', now() - interval '5 days')$$, 'a listing written at p_at and not touched since has created_at = updated_at = p_at');

-- refresh_leaderboard: the top 10 without bots ----------------------------------------------------------------------------------------------
do $$
declare
  l bigint := 960000000000000001;
begin
  perform app_private.ensure_guild(l, 'Leaderboard guild L');
  for i in 1..12 loop
    perform app_private.ensure_member(l, l + 10 + i, 'member ' || i);
    perform app_private.post_transfer(l, pg_temp.gacct(l, 'mint'), pg_temp.acct(l, l + 10 + i), case when i in (3, 4) then 300 else 100 * i end, 'test_mint');
  end loop;
  perform app_private.ensure_member(l, l + 99, 'Bot', true);
  perform app_private.post_transfer(l, pg_temp.gacct(l, 'mint'), pg_temp.acct(l, l + 99), 99999, 'test_mint');
end $$;
select is(pg_temp.worker($$select app_hidden.refresh_leaderboard(960000000000000001, now() - interval '1 minute') n$$) ->> 'n', '10',
  'refresh_leaderboard (as coins_worker) writes 10 rows');
select results_eq($$select rank, discord_id - 960000000000000011, balance, refreshed_at from app_public.leaderboard_snapshots order by rank, discord_id$$,
  $$values (1, 12::bigint, 1200::bigint, now() - interval '1 minute'), (2, 11::bigint, 1100::bigint, now() - interval '1 minute'),
           (3, 10::bigint, 1000::bigint, now() - interval '1 minute'), (4, 9::bigint, 900::bigint, now() - interval '1 minute'),
           (5, 8::bigint, 800::bigint, now() - interval '1 minute'), (6, 7::bigint, 700::bigint, now() - interval '1 minute'),
           (7, 6::bigint, 600::bigint, now() - interval '1 minute'), (8, 5::bigint, 500::bigint, now() - interval '1 minute'),
           (9, 3::bigint, 300::bigint, now() - interval '1 minute'), (9, 4::bigint, 300::bigint, now() - interval '1 minute')$$,
  'the top 10 by wallet balance: the bot is left out, ties share a rank, members 1 and 2 do not make it');
do $$ begin perform app_private.post_transfer(960000000000000001, pg_temp.gacct(960000000000000001, 'mint'), pg_temp.acct(960000000000000001, 960000000000000012), 5000, 'test_mint'); end $$;
do $$ begin perform pg_temp.worker($q$select app_hidden.refresh_leaderboard(960000000000000001) n$q$); end $$;
select results_eq($$select count(*)::int, min(refreshed_at), max(rank), (select discord_id - 960000000000000011 from app_public.leaderboard_snapshots where rank = 1)
                     from app_public.leaderboard_snapshots$$,
  $$values (10, now(), 10, 1::bigint)$$, 'a refresh replaces the snapshot: still 10 rows, all new; member 1 (now 5100) leads');

-- purge_expired ---------------------------------------------------------------------------------------------------------------------------
insert into app_private.idempotency_keys (guild_id, actor_id, key, request, created_at) values
  (910000000000000001, 1, 'old-1', '{}', now() - interval '8 days'), (910000000000000001, 1, 'old-2', '{}', now() - interval '7 days 1 second'),
  (910000000000000001, 1, 'week', '{}', now() - interval '7 days'), (910000000000000001, 1, 'young', '{}', now() - interval '6 days');
insert into app_private.sessions (token_hash, guild_id, discord_id, kind, source, expires_at) values
  (sha256('gone'), 910000000000000001, 910000000000000051, 'player', 'dev', now() - interval '1 second'),
  (sha256('live'), 910000000000000001, 910000000000000051, 'player', 'dev', now() + interval '1 hour');
select is(pg_temp.worker($$select app_hidden.purge_expired(now()) n$$) ->> 'n', '3',
  'purge_expired (as coins_worker) deletes keys older than 7 days (2) and expired sessions (1)');
select results_eq($$select array_agg(key order by key) filter (where key in ('old-1', 'old-2', 'week', 'young')), (select array_agg(encode(token_hash, 'hex')) from app_private.sessions)
                     from app_private.idempotency_keys$$,
  $$values (array['week', 'young'], array[encode(sha256('live'), 'hex')])$$, 'a key exactly 7 days old and the live session stay');
select is(pg_temp.worker($$select app_hidden.purge_expired(now()) n$$) ->> 'n', '0', 'a second run deletes nothing');

-- verify_ledger_and_alert, and the order invariant of verify_ledger ----------------------------------------------------------------------------
select is(pg_temp.worker($$select app_hidden.verify_ledger_and_alert() n$$) ->> 'n', '0', 'healthy ledger: verify_ledger_and_alert finds 0 violations ...');
select is((select count(*) from app_public.ops_alerts where kind = 'ledger_violation'), 0::bigint, '... and raises no alert');
-- corruption 1 (guild L): 5 coins appear on the treasury (balance and credits, so the row passes its own checks)
update app_public.accounts set balance = balance + 5, credits_posted = credits_posted + 5 where id = pg_temp.gacct(960000000000000001, 'treasury');
-- corruption 2 (guild J): a pending order claims to be fulfilled while its hold is still pending
set local session_replication_role = replica;
update app_public.orders set status = 'fulfilled', settled_at = now() where order_id = pg_temp.id('shop');
reset session_replication_role;
select is(pg_temp.worker($$select app_hidden.verify_ledger_and_alert() n$$) ->> 'n', '4',
  'verify_ledger_and_alert counts 4 violations (3 in L, 1 in J)');
select results_eq(
  $$select guild_id, severity::text, kind, message, (select array_agg(v ->> 'invariant' order by v ->> 'invariant') from jsonb_array_elements(detail -> 'violations') v)
      from app_public.ops_alerts where kind = 'ledger_violation' order by guild_id$$,
  $$values (910000000000000001::bigint, 'critical', 'ledger_violation', 'verify_ledger found 1 violated invariant(s).', array['order_state_matches_hold']),
           (960000000000000001::bigint, 'critical', 'ledger_violation', 'verify_ledger found 3 violated invariant(s).',
            array['balance_equals_postings', 'posting_totals_match', 'sum_of_balances_is_zero'])$$,
  'one critical alert per guild with violations, listing them');
select results_eq(
  $$select invariant, guild_id, currency, account_id, expected, actual from jsonb_to_recordset(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR',
      'select * from app_public.verify_ledger()'))
      as (invariant text, guild_id bigint, currency text, account_id bigint, expected bigint, actual bigint)$$,
  $$values ('order_state_matches_hold', 910000000000000001::bigint, 'COIN', pg_temp.acct(910000000000000001, 910000000000000051, 'escrow'), 20::bigint, 20::bigint)$$,
  'verify_ledger (staff of J) reports the order whose hold disagrees: order_state_matches_hold on the escrow account');
set local session_replication_role = replica;
update app_public.orders set status = 'pending', settled_at = null where order_id = pg_temp.id('shop');
update app_public.orders set escrow = escrow + 1 where order_id = pg_temp.id('market');
reset session_replication_role;
select results_eq($$select invariant, expected, actual from app_public.verify_ledger(910000000000000001)$$,
  $$values ('order_state_matches_hold', 21::bigint, 20::bigint)$$, 'an order whose escrow differs from its hold''s amount is reported too (expected 21, actual 20)');
select * from finish();
rollback;
