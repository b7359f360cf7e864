begin;
select plan(30);
\ir ../lib/helpers.psql
-- Economy events (issue #5): start_event / stop_event, their multipliers and discounts applied by the daily-claim and
-- shop rules, and the staff reports over that activity (report_daily, report_top_earners, queue_status).
-- Guild A = 910000000000000001 (alice ...011, bob ...012, staff ...090); guild B = 920000000000000001 (carol ...011).
do $$
begin
  perform app_private.ensure_guild(910000000000000001, 'Panel guild A');
  perform app_private.ensure_guild(920000000000000001, 'Panel guild B');
  perform app_private.ensure_member(910000000000000001, 910000000000000011, 'alice');
  perform app_private.ensure_member(910000000000000001, 910000000000000012, 'bob');
  perform app_private.ensure_member(920000000000000001, 920000000000000011, 'carol');
  insert into app_public.rewards (guild_id, sku, name, category, price) values (910000000000000001, 'hat', 'Hat', 'cosmetic', 99);
end $$;

-- Economy events ---------------------------------------------------------------------------------------------------------------
insert into snapshots values ('events_refused', pg_temp.state());
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    $$select app_public.start_event('daily_multiplier', 2, 'Double', null, now() + interval '1 day', 'weekend')$$) ->> 'code', 'PD001',
  'an OPERATOR cannot start an event');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select app_public.start_event('daily_multiplier', 2, 'Double', null, now() + interval '1 day', '')$$) ->> 'code', 'RS001',
  'starting an event needs a reason');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select app_public.start_event('daily_multiplier', 11, 'Too much', null, now() + interval '1 day', 'weekend')$$),
  '{"code": "VL001", "key": "invalid_argument", "detail": {"argument": "value"}}'::jsonb, 'a multiplier above 10 is VL001');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select app_public.start_event('shop_discount', 0.95, 'Too cheap', null, now() + interval '1 day', 'weekend')$$) ->> 'code', 'VL001',
  'a discount above 90 % is VL001');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select app_public.start_event('daily_multiplier', 2, 'Past', null, now() - interval '1 hour', 'weekend')$$) ->> 'code', 'EV001',
  'an event ending in the past is EV001');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select app_public.start_event('daily_multiplier', 2, 'Long', null, now() + interval '91 days', 'weekend')$$) ->> 'code', 'EV001',
  'an event longer than 90 days is EV001');
select is(pg_temp.state(), (select state from snapshots where name = 'events_refused'), 'refused event starts changed nothing');

select is((pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select kind, value, active from app_public.start_event('daily_multiplier', 2.5, 'Double weekend', null, now() + interval '2 days', 'community weekend') e,
             lateral (select app_public.economy_events_active(e) as active) a$$) -> 0),
  '{"kind": "daily_multiplier", "value": 2.5000, "active": true}'::jsonb, 'an ADMIN starts a ×2.5 daily multiplier, active at once');
select results_eq($$select action, subject_type, reason, after ->> 'kind' from app_public.admin_actions where action = 'start_event'$$,
  $$values ('start_event', 'economy_event', 'community weekend', 'daily_multiplier')$$, 'the start is audited with its reason');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPERADMIN',
    $$select app_public.start_event('daily_multiplier', 3, 'Overlap', now() + interval '1 day', now() + interval '3 days', 'more')$$) ->> 'code', 'EV002',
  'an overlapping event of the same kind is EV002');
select lives_ok($l$select pg_temp.run_as('coins_staff', 920000000000000001, 920000000000000090, 'ADMIN',
    $$select app_public.start_event('daily_multiplier', 2, 'B weekend', null, now() + interval '2 days', 'guild B')$$)$l$,
  'guild B may run its own event at the same time');

-- claim_daily applies the multiplier (daily_amount 100 at streak 1: 250), guild B's event does not reach guild A and vice versa.
select results_eq($$select amount from app_private.claim_daily_for(pg_temp.uid(910000000000000001, 910000000000000011), null, now())$$,
  $$values (250::bigint)$$, 'claim_daily during a ×2.5 event credits 250 instead of 100');
select results_eq($$select meta ->> 'multiplier', pg_temp.wallet(910000000000000001, 910000000000000011)
    from app_public.transactions where reason = 'daily' and user_id = pg_temp.uid(910000000000000001, 910000000000000011)$$,
  $$values ('2.5000', 250::bigint)$$, 'the transaction records the multiplier; the wallet holds 250');
select results_eq($$select amount from app_private.claim_daily_for(pg_temp.uid(910000000000000001, 910000000000000012), null, now() + interval '3 days')$$,
  $$values (100::bigint)$$, 'after the event ends, claims are back to 100');

-- The shop discount: 99 coins at 25 % off = 99 - floor(24.75) = 75.
select lives_ok($l$select pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select app_public.start_event('shop_discount', 0.25, 'Sale', null, now() + interval '1 day', 'sale')$$)$l$, 'an ADMIN starts a 25 % shop sale');
select results_eq($$select escrow from app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000011), 'hat', 2, 'sale-1', now())$$,
  $$values (150::bigint)$$, 'buy_reward during the sale: 2 hats at 75 instead of 99');
select results_eq($$select l.unit_price, t.meta ->> 'list_price' from app_public.order_lines l join app_public.transactions t on t.order_id = l.order_id where l.sku = 'hat'$$,
  $$values (75::bigint, '99')$$, 'the order line carries the discounted unit price; the transaction records the list price');

insert into snapshots values ('stop_refused', pg_temp.state());
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR',
    $$select app_public.stop_event((select id from app_public.economy_events where title = 'Sale'), 'stop')$$) ->> 'code', 'PD001',
  'an AUDITOR cannot stop an event');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select app_public.stop_event((select id from app_public.economy_events where title = 'B weekend'), 'not mine')$$) ->> 'code', 'EV003',
  'an ADMIN of guild A cannot stop guild B''s event (EV003)');
select is(pg_temp.state(), (select state from snapshots where name = 'stop_refused'), 'refused stops changed nothing');
select is((pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select app_public.economy_events_active(app_public.stop_event((select id from app_public.economy_events where title = 'Sale'), 'sale over')) as active$$) -> 0 ->> 'active'),
  'false', 'an ADMIN stops the sale: no longer active');
select results_eq($$select escrow from app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000011), 'hat', 1, 'sale-2', now())$$,
  $$values (99::bigint)$$, 'after the stop, the full price applies');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select app_public.stop_event((select id from app_public.economy_events where title = 'Sale'), 'again')$$) ->> 'code', 'EV004',
  'stopping a stopped event is EV004');
select is(jsonb_array_length(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null, 'select id from app_public.economy_events')), 2,
  'a member reads their guild''s events (2), not guild B''s');

-- Reports -------------------------------------------------------------------------------------------------------------------------
select is((pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR',
    $$select sum(minted) as minted, (array_agg(supply order by day desc))[1] as supply
        from app_public.report_daily(now() - interval '2 days', now() + interval '4 days')$$) -> 0),
  jsonb_build_object('minted', 350, 'supply', -pg_temp.bal(pg_temp.gacct(910000000000000001, 'mint'))),
  'report_daily (any staff role): minted = the two daily claims (250 + 100); the last day''s supply = minus the mint''s balance');
select is(jsonb_array_length(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR',
    $$select * from app_public.report_daily(date_trunc('day', now()), date_trunc('day', now()) + interval '7 days')$$)), 7,
  'one row per UTC day of the window');
select is((pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPPORT',
    $$select faucets from app_public.report_daily(now() - interval '1 day', now() + interval '4 days') where faucets <> '{}' order by day limit 1$$) -> 0 -> 'faucets'),
  '{"daily": 250}'::jsonb, 'faucets are broken down by reason');
select is((pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    $$select discord_id, earned from app_public.report_top_earners(now() - interval '1 day', now() + interval '4 days', 1)$$) -> 0),
  '{"discord_id": 910000000000000011, "earned": 250}'::jsonb, 'report_top_earners: alice earned the most (250)');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select * from app_public.report_daily(now() - interval '1 day', now())$$) ->> 'code', '42501', 'members cannot run reports');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select * from app_public.report_daily(now(), now() - interval '1 day')$$) ->> 'code', 'VL001', 'a reversed window is VL001');

select * from finish();
rollback;
