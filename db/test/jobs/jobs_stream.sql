begin;
select plan(90);
\ir ../lib/helpers.psql
-- Jobs and the live stream (000002): the orders__fulfil job queued by every new order, the app_hidden job bodies
-- (escrow timeout, fulfilment after expiry, failures, pricing rollup, daily digest, leaderboard, ledger check, purge),
-- the snapshot-cursor streams transactions_since / alerts_since, and the order invariant of verify_ledger.
-- Guilds: S = 930000000000000001 and T = 940000000000000001 (the stream: their events are inserted by hand with chosen
-- xids), J = 910000000000000001 (orders and jobs), D = 920000000000000001 and E = 950000000000000001 (daily digest;
-- E stays idle), L = 960000000000000001 (leaderboard).
create temp table ids (name text primary key, id uuid);
create function pg_temp.id(p_name text) returns uuid language sql as $$ select id from ids where name = p_name $$;
create function pg_temp.ord(p_name text) returns app_public.orders language sql as $$
  select * from app_public.orders where order_id = pg_temp.id(p_name) $$;
create function pg_temp.worker(p_sql text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_worker', null, null, null, p_sql) -> 0 $$;

-- The live stream ----------------------------------------------------------------------------------------------------------------------
-- Rows written by this test's own transaction carry its xid, whose visibility in its own snapshots depends on what other
-- sessions do, so the stream rows get explicit xids below the current snapshot's xmin (b + k, all of them finished):
--   old cursor c = 'b+10:b+20:b+10,b+15' (b+10 and b+15 still running then; b+12 finished; b+20 and later not started).
--   r1 b+1 (p1: finished before c), r5 b+25 (p1: started after c), r2 b+10 (p1: running at c), r3 b+12 (p2: finished
--   inside c's range), r4 b+15 (p2: running at c), r6 a future xid (p1: still running now); t1 b+25 in guild T.
--   Inserted in that order, so seq order is r1 r5 r2 r3 r4 r6 t1.
do $$ begin
  perform app_private.ensure_guild(930000000000000001, 'Stream guild S');
  perform app_private.ensure_guild(940000000000000001, 'Stream guild T');
  perform app_private.ensure_member(930000000000000001, 930000000000000011, 'p1');
  perform app_private.ensure_member(930000000000000001, 930000000000000012, 'p2');
  perform app_private.ensure_member(940000000000000001, 940000000000000011, 'q1');
end $$;
create temp table stream (b bigint, future bigint);
insert into stream select pg_snapshot_xmin(pg_current_snapshot())::text::bigint - 1000, pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 1000000000;
create function pg_temp.x(k bigint) returns xid8 language sql as $$ select ((select b from stream) + k)::text::xid8 $$;
-- a cursor 'b+xmin:b+xmax:b+xip,...' as text
create function pg_temp.c(p_xmin bigint, p_xmax bigint, p_xip bigint[] default '{}') returns text language sql as $$
  select ((select b from stream) + p_xmin) || ':' || ((select b from stream) + p_xmax) || ':'
         || coalesce((select string_agg(((select b from stream) + k)::text, ',' order by k) from unnest(p_xip) k), '') $$;
insert into app_public.transactions (guild_id, type, user_id, amount, reason, xid, actor_id) values
  (930000000000000001, 'earn', pg_temp.uid(930000000000000001, 930000000000000011), 1, 'r1', pg_temp.x(1), null),
  (930000000000000001, 'earn', pg_temp.uid(930000000000000001, 930000000000000011), 5, 'r5', pg_temp.x(25), null),
  (930000000000000001, 'earn', pg_temp.uid(930000000000000001, 930000000000000011), 2, 'r2', pg_temp.x(10), null),
  (930000000000000001, 'earn', pg_temp.uid(930000000000000001, 930000000000000012), 3, 'r3', pg_temp.x(12), null),
  (930000000000000001, 'earn', pg_temp.uid(930000000000000001, 930000000000000012), 4, 'r4', pg_temp.x(15), 930000000000000090),
  (930000000000000001, 'earn', pg_temp.uid(930000000000000001, 930000000000000011), 6, 'r6', (select future from stream)::text::xid8, null),
  (940000000000000001, 'earn', pg_temp.uid(940000000000000001, 940000000000000011), 7, 't1', pg_temp.x(25), null);
-- transactions_since as staff of a guild / as a member of S: (reasons of the events, truncated, cursor)
create function pg_temp.since(p_role text, p_guild bigint, p_discord bigint, p_cursor text, p_backlog integer default 50)
returns table (reasons text[], truncated boolean, cursor text) language sql as $$
  select array(select e ->> 'reason' from jsonb_array_elements((r ->> 'events')::jsonb) e), (r ->> 'truncated')::boolean, r ->> 'cursor'
    from (select pg_temp.rows_as(p_role, p_guild, p_discord, case when p_role = 'coins_staff' then 'AUDITOR' end,
            format('select * from app_hidden.transactions_since(%L, %s)', p_cursor, coalesce(p_backlog::text, 'null'))) -> 0 as r) s $$;
select is(pg_temp.c(10, 20, array[10, 15])::pg_snapshot::text, ((select b from stream) + 10) || ':' || ((select b from stream) + 20) || ':' || ((select b from stream) + 10) || ',' || ((select b from stream) + 15),
  'fixture: cursors are pg_snapshot texts relative to b');
select results_eq($$select reasons, truncated from pg_temp.since('coins_staff', 930000000000000001, 930000000000000090, pg_temp.c(10, 20, array[10, 15]))$$,
  $$values (array['r5', 'r2', 'r4'], false)$$,
  'transactions_since(cursor) delivers exactly what committed after the cursor: the two running then (r2, r4) and the one started after (r5), in seq order');
create temp table cursors as select cursor from pg_temp.since('coins_staff', 930000000000000001, 930000000000000090, pg_temp.c(10, 20, array[10, 15]));
select results_eq($$select pg_visible_in_snapshot(pg_temp.x(25), cursor::pg_snapshot), pg_visible_in_snapshot((select future from stream)::text::xid8, cursor::pg_snapshot)
                     from cursors$$,
  $$values (true, false)$$, 'the returned cursor is the current snapshot: r5 is behind it, the running r6 is not');
select results_eq($$select reasons from pg_temp.since('coins_staff', 930000000000000001, 930000000000000090, (select cursor from cursors))$$,
  $$values (array[]::text[])$$, 'resuming from the returned cursor delivers nothing again (never twice), and not r6 while it runs');
select results_eq($$select reasons from pg_temp.since('coins_staff', 930000000000000001, 930000000000000090, pg_temp.c(16, 20))$$,
  $$values (array['r5'])$$, 'a cursor taken after b+10 and b+15 finished delivers only r5');
select results_eq($$select reasons from pg_temp.since('coins_staff', 930000000000000001, 930000000000000090, pg_temp.c(12, 12))$$,
  $$values (array['r5', 'r3', 'r4'])$$, 'a cursor taken when b+12 was the next xid: r3, r4 and r5 came after it, r2 (b+10, finished) did not');
select results_eq($$select reasons from pg_temp.since('coins_staff', 930000000000000001, 930000000000000090, pg_temp.c(10, 20, array[10, 12, 15]))$$,
  $$values (array['r5', 'r2', 'r3', 'r4'])$$, 'with b+12 in progress in the cursor, r3 is delivered too');
select results_eq($$select reasons from pg_temp.since('coins_staff', 930000000000000001, 930000000000000090, pg_temp.c(26, 26))$$,
  $$values (array[]::text[])$$, 'a cursor taken after everything finished delivers nothing');
select results_eq($$select reasons from pg_temp.since('coins_player', 930000000000000001, 930000000000000011, pg_temp.c(10, 20, array[10, 15]))$$,
  $$values (array['r5', 'r2'])$$, 'a member receives only their own events (RLS): p1 gets r5 and r2');
select results_eq($$select reasons from pg_temp.since('coins_player', 930000000000000001, 930000000000000012, pg_temp.c(10, 20, array[10, 15]))$$,
  $$values (array['r4'])$$, '... p2 gets r4');
select results_eq($$select reasons from pg_temp.since('coins_staff', 940000000000000001, 940000000000000090, pg_temp.c(10, 20, array[10, 15]))$$,
  $$values (array['t1'])$$, 'staff of guild T get guild T''s event, nothing of S');
select results_eq($$select reasons from pg_temp.since('coins_player', 940000000000000001, 930000000000000011, pg_temp.c(10, 20, array[10, 15]))$$,
  $$values (array[]::text[])$$, 'p1 acting in guild T (where he is not a member) gets nothing');
select results_eq($$select reasons, truncated from pg_temp.since('coins_staff', 930000000000000001, 930000000000000090, null)$$,
  $$values (array['r1', 'r5', 'r2', 'r3', 'r4'], false)$$,
  'a new subscriber (null cursor) gets the backlog: every visible event of the guild, oldest first, not the running r6');
select results_eq($$select reasons from pg_temp.since('coins_staff', 930000000000000001, 930000000000000090, null, 2)$$,
  $$values (array['r3', 'r4'])$$, 'the backlog is the last n events (n = 2: r3, r4)');
select results_eq($$select reasons from pg_temp.since('coins_player', 930000000000000001, 930000000000000011, null)$$,
  $$values (array['r1', 'r5', 'r2'])$$, 'a member''s backlog holds only their own events');
select results_eq($$select reasons from pg_temp.since('coins_staff', 930000000000000001, 930000000000000090, null, 0)$$,
  $$values (array[]::text[])$$, 'a backlog of 0 is empty');
create temp table r4_event as
  select (pg_temp.rows_as('coins_staff', 930000000000000001, 930000000000000090, 'AUDITOR', 'select * from app_hidden.transactions_since(null, 1)') -> 0 ->> 'events')::jsonb -> 0 as e;
select is((select e - array['tx_id', 'seq', 'created_at', 'user_id'] from r4_event),
  '{"guild_id": "930000000000000001", "type": "earn", "actor_id": "930000000000000090", "counterparty_id": null, "amount": 4, "currency": "COIN", "reason": "r4", "meta": {}, "order_id": null, "listing_id": null}'::jsonb,
  'an event is the transaction row without its xid, the snowflakes guild_id and actor_id as strings');
select is((select e ? 'xid' from r4_event), false, 'the xid column is never in an event');
select is(((pg_temp.rows_as('coins_staff', 930000000000000001, 930000000000000090, 'AUDITOR', 'select * from app_hidden.transactions_since(null, 1)') -> 0 ->> 'events')::jsonb -> 0
            -> 'actor_id'), '"930000000000000090"'::jsonb, '... (a JSON string, beyond JavaScript''s safe integers)');
-- A malformed cursor is VL001 invalid_argument for every caller: the stream functions run with the caller's rights and
-- raise the catalogue error themselves (app_private is out of an API role's reach)
select is(pg_temp.error_as('coins_staff', 930000000000000001, 930000000000000090, 'AUDITOR', $$select app_hidden.transactions_since('garbage')$$),
  '{"code": "VL001", "key": "invalid_argument", "detail": {"argument": "cursor"}}'::jsonb, 'a malformed cursor (staff): VL001 invalid_argument, argument cursor');
select is(pg_temp.error_as('coins_player', 930000000000000001, 930000000000000011, null, $$select app_hidden.transactions_since('garbage')$$),
  '{"code": "VL001", "key": "invalid_argument", "detail": {"argument": "cursor"}}'::jsonb, 'a malformed cursor (member): VL001');
select is(pg_temp.error_as('coins_staff', 930000000000000001, 930000000000000090, 'AUDITOR', $$select app_hidden.transactions_since('20:10:')$$) ->> 'code',
  'VL001', 'a cursor whose xmin is after its xmax: VL001');
select is(pg_temp.error_as('coins_player', 930000000000000001, 930000000000000011, null, $$select app_hidden.transactions_since('')$$) ->> 'code',
  'VL001', 'an empty cursor: VL001');
select is(pg_temp.error_as(null, 930000000000000001, 930000000000000090, null, $$select app_hidden.transactions_since('garbage')$$) ->> 'code',
  'VL001', '... and for the owner: VL001');
select throws_ok($$select pg_temp.run_as('coins_worker', 930000000000000001, null, null, 'select app_hidden.transactions_since(null)')$$, '42501', null,
  'the worker does not read the stream (42501)');
-- alerts_since: the same cursors over ops_alerts; staff see their guild's and the guild-less alerts
insert into app_public.ops_alerts (guild_id, severity, kind, message, xid, acknowledged_at, acknowledged_by) values
  (930000000000000001, 'info', 'a_old', 'before the cursor', pg_temp.x(1), null, null),
  (null, 'warning', 'a_all', 'every guild, running at the cursor', pg_temp.x(10), null, null),
  (930000000000000001, 'critical', 'a_s', 'guild S, after the cursor', pg_temp.x(25), now(), 930000000000000090),
  (940000000000000001, 'critical', 'a_t', 'guild T, after the cursor', pg_temp.x(25), null, null);
select is(array(select e ->> 'kind' from jsonb_array_elements((pg_temp.rows_as('coins_staff', 930000000000000001, 930000000000000090, 'SUPPORT',
    format('select * from app_hidden.alerts_since(%L)', pg_temp.c(10, 20, array[10, 15]))) -> 0 ->> 'events')::jsonb) e),
  array['a_all', 'a_s'], 'alerts_since(cursor) as staff of S: the guild-less and S''s new alerts, not T''s, not the old one');
select is(array(select e ->> 'kind' from jsonb_array_elements((pg_temp.rows_as('coins_staff', 930000000000000001, 930000000000000090, 'SUPPORT',
    'select * from app_hidden.alerts_since(null)') -> 0 ->> 'events')::jsonb) e),
  array['a_old', 'a_all', 'a_s'], 'alerts_since(null): the backlog of what staff of S may see');
select is((select e - array['id', 'created_at', 'acknowledged_at'] from jsonb_array_elements((pg_temp.rows_as('coins_staff', 930000000000000001, 930000000000000090, 'SUPPORT',
    'select * from app_hidden.alerts_since(null)') -> 0 ->> 'events')::jsonb) e where e ->> 'kind' = 'a_s'),
  '{"guild_id": "930000000000000001", "severity": "critical", "kind": "a_s", "message": "guild S, after the cursor", "detail": {}, "acknowledged_by": "930000000000000090"}'::jsonb,
  'an alert event is the ops_alerts row without its xid, guild_id and acknowledged_by as strings');
select is((select count(*) from jsonb_array_elements((pg_temp.rows_as('coins_staff', 930000000000000001, 930000000000000090, 'SUPPORT',
    'select * from app_hidden.alerts_since(null)') -> 0 ->> 'events')::jsonb) e where e ? 'xid' or (e ->> 'kind' = 'a_all' and e -> 'guild_id' <> 'null'::jsonb)), 0::bigint,
  'no alert event carries the xid; the guild-less one has guild_id null');
select is(pg_temp.error_as('coins_staff', 930000000000000001, 930000000000000090, 'SUPPORT', $$select app_hidden.alerts_since('x')$$),
  '{"code": "VL001", "key": "invalid_argument", "detail": {"argument": "cursor"}}'::jsonb, 'alerts_since with a malformed cursor: VL001 for staff');
select throws_ok($$select pg_temp.run_as('coins_player', 930000000000000001, 930000000000000011, null, 'select app_hidden.alerts_since(null)')$$,
  '42501', 'permission denied for function alerts_since', 'members may not call alerts_since (granted to coins_staff only: ops alerts are for staff)');
-- Too far behind on alerts: more than 1000 after the cursor (a_all and a_s, and 998 more for S)
insert into app_public.ops_alerts (guild_id, severity, kind, message, xid)
  select 930000000000000001, 'info', 'bulk', 'bulk alert', pg_temp.x(30) from generate_series(1, 998);
create function pg_temp.alerts(p_cursor text, p_backlog integer default 20) returns table (n int, truncated boolean, has_cursor boolean) language sql as $$
  select jsonb_array_length((r ->> 'events')::jsonb), (r ->> 'truncated')::boolean, r ->> 'cursor' is not null
    from (select pg_temp.rows_as('coins_staff', 930000000000000001, 930000000000000090, 'SUPPORT',
            format('select * from app_hidden.alerts_since(%L, %s)', p_cursor, coalesce(p_backlog::text, 'null'))) -> 0 as r) s $$;
select results_eq($$select * from pg_temp.alerts(pg_temp.c(10, 20, array[10, 15]))$$, $$values (1000, false, true)$$,
  '1000 alerts after the cursor still come in one batch');
insert into app_public.ops_alerts (guild_id, severity, kind, message, xid) values (930000000000000001, 'info', 'bulk', 'bulk alert', pg_temp.x(30));
select results_eq($$select * from pg_temp.alerts(pg_temp.c(10, 20, array[10, 15]))$$, $$values (0, true, true)$$,
  '1001: an empty batch marked truncated with a fresh cursor');
select results_eq($$select * from pg_temp.alerts(null, null)$$, $$values (20, false, true)$$, 'alerts_since(null, null): the default backlog of 20');
select results_eq($$select * from pg_temp.alerts(null, 3)$$, $$values (3, false, true)$$, 'alerts_since(null, 3): the last 3');
delete from app_public.ops_alerts where kind = 'bulk';
-- Too far behind: more than 5000 events after the cursor
insert into app_public.transactions (guild_id, type, user_id, amount, reason, xid)
  select 930000000000000001, 'earn', pg_temp.uid(930000000000000001, 930000000000000011), 1, 'bulk', pg_temp.x(30) from generate_series(1, 4997);
select results_eq($$select cardinality(reasons), truncated from pg_temp.since('coins_staff', 930000000000000001, 930000000000000090, pg_temp.c(10, 20, array[10, 15]))$$,
  $$values (5000, false)$$, '5000 events after the cursor still come in one batch');
insert into app_public.transactions (guild_id, type, user_id, amount, reason, xid)
  values (930000000000000001, 'earn', pg_temp.uid(930000000000000001, 930000000000000011), 1, 'bulk', pg_temp.x(30));
select results_eq($$select cardinality(reasons), truncated, cursor is not null from pg_temp.since('coins_staff', 930000000000000001, 930000000000000090, pg_temp.c(10, 20, array[10, 15]))$$,
  $$values (0, true, true)$$, '5001: an empty batch marked truncated with a fresh cursor (the client reloads)');
select results_eq($$select cardinality(reasons), truncated from pg_temp.since('coins_staff', 930000000000000001, 930000000000000090, null, null)$$,
  $$values (50, false)$$, 'transactions_since(null, null): the default backlog of 50');
select has_index('app_public', 'transactions', 'transactions_guild_seq', array['guild_id', 'seq'],
  'transactions has the index (guild_id, seq) the backlog reads (latest events of a guild by seq)');
delete from app_public.transactions where guild_id in (930000000000000001, 940000000000000001);

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
