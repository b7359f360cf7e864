begin;
select plan(39);
\ir ../lib/helpers.psql
-- The live stream (000002): the snapshot-cursor streams transactions_since / alerts_since.
-- Guilds S = 930000000000000001 and T = 940000000000000001: their events are inserted by hand with chosen xids.
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

select * from finish();
rollback;
