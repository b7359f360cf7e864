begin;
select plan(66);
\ir ../lib/helpers.psql
-- The web panel's SQL (issue #5): panel sessions with rotating refresh tokens, HTTP Idempotency-Key records, economy
-- events applied by the daily-claim and shop rules, the reports, queue status and alert acknowledgement.
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

-- Panel sessions: access + rotating refresh ----------------------------------------------------------------------------------
select results_eq($$select guild_id, discord_id, kind, staff_role::text, expires_at > now() and expires_at <= now() + interval '901 seconds'
    from app_private.open_panel_session(sha256('a1'), sha256('r1'), 910000000000000001, 910000000000000090, 'OPERATOR', 900, 43200)$$,
  $$values (910000000000000001::bigint, 910000000000000090::bigint, 'staff', 'OPERATOR', true)$$,
  'open_panel_session: a staff session whose claims expire with the access token (15 min)');
select results_eq($$select source, expires_at > now() + interval '11 hours', refresh_hash = sha256('r1') from app_private.sessions where token_hash = sha256('a1')$$,
  $$values ('discord', true, true)$$, 'the session lives as long as the refresh lifetime (12 h) and stores only the refresh token''s hash');
select is((select staff_role::text from app_private.session_claims(sha256('a1'))), 'OPERATOR', 'session_claims answers for the access token');
select is(pg_temp.error_as(null, null, null, null,
    $$select app_private.open_panel_session(sha256('a9'), sha256('r9'), 910000000000000001, 910000000000000090, null, 900, 43200)$$) ->> 'code',
  'VL001', 'a panel session needs a staff role');
select is(pg_temp.error_as(null, null, null, null,
    $$select app_private.open_panel_session(sha256('a9'), sha256('r9'), 910000000000000001, 910000000000000090, 'ADMIN', 900, 60)$$) ->> 'code',
  'VL001', 'the refresh lifetime cannot be shorter than the access lifetime');
select is(pg_temp.error_as(null, null, null, null,
    $$select app_private.open_panel_session(sha256('a9'), sha256('r9'), 999999999999999999, 910000000000000090, 'ADMIN', 900, 43200)$$) ->> 'code',
  'MB003', 'an unknown guild is MB003');

select results_eq($$select status, staff_role::text from app_private.refresh_session(sha256('r1'), sha256('a2'), sha256('r2'), 900)$$,
  $$values ('rotated', 'OPERATOR')$$, 'refresh_session rotates: a new access token and a new refresh token');
select is(app_private.session_claims(sha256('a1')), null, 'the old access token no longer works');
select is((select staff_role::text from app_private.session_claims(sha256('a2'))), 'OPERATOR', 'the new access token works');
select is((select count(*)::int from app_private.session_rotated_tokens), 1, 'the exchanged refresh token is remembered as rotated');
select results_eq($$select status from app_private.refresh_session(sha256('nope'), sha256('a3'), sha256('r3'), 900)$$,
  $$values ('unknown')$$, 'an unknown refresh token is refused (unknown) and changes nothing');
select is((select staff_role::text from app_private.session_claims(sha256('a2'))), 'OPERATOR', '... the live session is untouched');
select results_eq($$select status, session_id from app_private.refresh_session(sha256('r1'), sha256('a4'), sha256('r4'), 900)$$,
  $$values ('reused', null::uuid)$$, 'presenting an already rotated refresh token again is reuse');
select is(app_private.session_claims(sha256('a2')), null, 'reuse revoked the whole session: the current access token is dead too');
select results_eq($$select status from app_private.refresh_session(sha256('r2'), sha256('a5'), sha256('r5'), 900)$$,
  $$values ('unknown')$$, 'and its current refresh token is dead as well');
-- Access lapse and refresh after it; sign-out by refresh token.
select lives_ok($$select app_private.open_panel_session(sha256('b1'), sha256('s1'), 910000000000000001, 910000000000000090, 'ADMIN', 900, 43200)$$,
  'a second panel session');
update app_private.sessions set access_expires_at = now() - interval '1 second' where token_hash = sha256('b1');
select is(app_private.session_claims(sha256('b1')), null, 'a lapsed access token is refused even though the session lives on');
select results_eq($$select status from app_private.refresh_session(sha256('s1'), sha256('b2'), sha256('s2'), 900)$$, $$values ('rotated')$$,
  'the refresh token still works after the access token lapsed');
select is(app_private.revoke_refresh_token(sha256('s1')), true, 'sign-out with an already rotated refresh token ends the session');
select is(app_private.session_claims(sha256('b2')), null, '... so its access token is dead');
select is(app_private.revoke_refresh_token(sha256('s2')), false, 'a second sign-out finds nothing');
select app_private.open_panel_session(sha256('c1'), sha256('t1'), 910000000000000001, 910000000000000090, 'ADMIN', 900, 43200) is not null as opened \gset
update app_private.sessions set expires_at = now() - interval '1 second' where refresh_hash = sha256('t1');
select results_eq($$select status from app_private.refresh_session(sha256('t1'), sha256('c2'), sha256('t2'), 900)$$, $$values ('unknown')$$,
  'a refresh after the session''s end is refused');
select is((select count(*)::int from app_private.sessions where refresh_hash = sha256('t1')), 0, '... and the ended session is deleted');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPERADMIN',
    $$select app_private.refresh_session(sha256('x'), sha256('y'), sha256('z'), 900)$$) ->> 'code', '42501',
  'API roles cannot call the session functions (only the authenticator)');

-- HTTP Idempotency-Key records --------------------------------------------------------------------------------------------------
select results_eq($$select state from app_private.http_request_begin(910000000000000001, 910000000000000090, 'k1', sha256('body-1'))$$,
  $$values ('new')$$, 'http_request_begin: a new key runs the request');
select results_eq($$select state from app_private.http_request_begin(910000000000000001, 910000000000000090, 'k1', sha256('body-1'))$$,
  $$values ('in_progress')$$, 'the same key before the first request finished is in progress');
select lives_ok($$select app_private.http_request_finish(910000000000000001, 910000000000000090, 'k1', 200, '{"data":1}', 'application/json')$$,
  'http_request_finish stores the answer');
select results_eq($$select state, status, body, content_type from app_private.http_request_begin(910000000000000001, 910000000000000090, 'k1', sha256('body-1'))$$,
  $$values ('replay', 200, '{"data":1}', 'application/json')$$, 'a replay gets the first answer');
select results_eq($$select state from app_private.http_request_begin(910000000000000001, 910000000000000090, 'k1', sha256('body-2'))$$,
  $$values ('mismatch')$$, 'the same key with another body is a mismatch');
select results_eq($$select state from app_private.http_request_begin(910000000000000001, 910000000000000012, 'k1', sha256('body-1'))$$,
  $$values ('new')$$, 'keys are scoped by actor');
select lives_ok($$select app_private.http_request_finish(910000000000000001, 910000000000000012, 'k1', 500, null, null)$$, 'a server error ...');
select results_eq($$select state from app_private.http_request_begin(910000000000000001, 910000000000000012, 'k1', sha256('body-1'))$$,
  $$values ('new')$$, '... releases the key for a retry');
select is(pg_temp.error_as(null, null, null, null, $$select * from app_private.http_request_begin(910000000000000001, 1, '', sha256('b'))$$) ->> 'code',
  'IK002', 'an empty key is IK002');

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

-- Alerts -----------------------------------------------------------------------------------------------------------------------------
select lives_ok($$select app_hidden.raise_alert(910000000000000001, 'warning', 'panel_test', 'something to look at')$$, 'an alert for guild A');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR',
    $$select app_public.acknowledge_alert((select id from app_public.ops_alerts where kind = 'panel_test'))$$) ->> 'code', 'PD001',
  'an AUDITOR cannot acknowledge alerts');
select is((pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPPORT',
    $$select acknowledged_by from app_public.acknowledge_alert((select id from app_public.ops_alerts where kind = 'panel_test'))$$) -> 0 ->> 'acknowledged_by'),
  '910000000000000090', 'SUPPORT acknowledges it; acknowledged_by is the caller');

select * from finish();
rollback;
