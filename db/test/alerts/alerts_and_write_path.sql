-- Migrations 000003 (high-value alerts, notification jobs, metrics functions) and 000004 (the
-- ledger write path: live-feed leases gating NOTIFY, dropped single-row foreign keys, HOT balances).
begin;
select plan(17);
\ir ../lib/helpers.psql

do $$
begin
  perform app_private.ensure_guild(950000000000000001, 'Alerts A');
  perform app_private.ensure_member(950000000000000001, 950000000000000011, 'alice');
  perform app_private.ensure_member(950000000000000001, 950000000000000012, 'bob');
  update app_public.guild_settings set high_value_threshold = 500, give_rate_limit = 100 where guild_id = 950000000000000001;
  perform app_private.post_transfer(950000000000000001, pg_temp.gacct(950000000000000001, 'mint'),
    pg_temp.acct(950000000000000001, 950000000000000011), 10000, 'test_mint');
end $$;

-- 000003: high-value trades
select is((select count(*)::int from app_public.ops_alerts where guild_id = 950000000000000001), 0, 'no alert before any trade');
select lives_ok($$select app_private.give_from(pg_temp.uid(950000000000000001, 950000000000000011), 950000000000000012, 499, 'small')$$,
  'a give below the threshold');
select is((select count(*)::int from app_public.ops_alerts where guild_id = 950000000000000001), 0, 'below the threshold: no alert');
select lives_ok($$select app_private.give_from(pg_temp.uid(950000000000000001, 950000000000000011), 950000000000000012, 500, 'big')$$,
  'a give at the threshold');
select results_eq($$select severity::text, kind, detail ->> 'amount', detail ->> 'actor_id' from app_public.ops_alerts where guild_id = 950000000000000001$$,
  $$values ('warning', 'high_value_trade', '500', '950000000000000011')$$,
  'at the threshold: one warning high_value_trade alert, the actor as a string');
select is((select count(*)::int from graphile_worker._private_jobs j
            where j.key = 'alerts__notify:' || (select id from app_public.ops_alerts where guild_id = 950000000000000001)), 1,
  'the alert queued exactly one alerts__notify job');
select lives_ok($$select app_hidden.raise_alert(950000000000000001, 'info', 'test_info', 'just info')$$, 'an info alert');
select is((select count(*)::int from graphile_worker._private_jobs where key like 'alerts__notify:%'), 1, 'info alerts are not posted');

-- 000003: metrics functions, worker only
select throws_ok($$select pg_temp.rows_as('coins_staff', 950000000000000001, 950000000000000099, 'ADMIN', 'select * from app_hidden.queue_depth()')$$,
  '42501', null, 'staff cannot call queue_depth (worker only)');
select ok((select count(*) from pg_temp.rows_as('coins_worker', null, null, null, 'select * from app_hidden.queue_depth()') x) >= 0,
  'the worker reads the queue depth');

-- 000004: NOTIFY on tx_stream only while a lease exists for the guild
select is((select count(*)::int from app_private.stream_watchers), 0, 'no live-feed lease yet');
select is(app_private.watch_stream(array[950000000000000001], 'test-instance', 60), 1, 'a lease for the guild');
select ok((select expires_at > now() + interval '50 seconds' from app_private.stream_watchers where instance = 'test-instance'), 'the lease lasts its ttl');
select is(app_private.watch_stream(array[]::bigint[], 'test-instance', 60), 0, 'declaring no guilds gives the lease back');
select throws_ok($$select app_private.watch_stream(array[1], 'x', 1)$$, 'VL001', 'invalid_argument', 'a ttl below 5 s is refused');

-- 000004: ledger scope invariant and HOT balances
select is_empty($$select * from app_public.verify_ledger(950000000000000001)$$, 'the ledger is clean (including transfer scope)');
select is_empty($$select indexrelid::regclass from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any (i.indkey)
                   where i.indrelid = 'app_public.accounts'::regclass and a.attname = 'balance'$$,
  'no index on accounts.balance: balance updates can be HOT');

select * from finish();
rollback;
