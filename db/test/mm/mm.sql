begin;
select plan(170);
\ir ../lib/helpers.psql
-- Middleman trades (issue 13, seed 004): every transition and refusal (refusals change nothing), exact matching
-- (wrong payer, an amount off by 0.01, unlinked IGN, replay, listener + webhook double delivery), verification amount
-- uniqueness and exhaustion, fee rounding at the edges, limits, timeouts, linking by a tiny payment, RLS, and the
-- ledger invariants after a randomized sequence of trades. Amounts in MCD cents.
-- Guild G = 930000000000000001: sam ...011 (seller, IGN Sam_MC), bea ...012 (buyer, IGN Bea_MC), xan ...013 (a
-- stranger, IGN Xan_MC), neo ...014 (no IGN), staff ...090 (no account). Guild H = 940000000000000001: hal ...011.
do $$
declare
  g bigint := 930000000000000001;
begin
  perform app_private.ensure_guild(g, 'MM guild');
  perform app_private.ensure_guild(940000000000000001, 'MM guild H');
  perform app_private.ensure_member(g, 930000000000000011, 'sam');
  perform app_private.ensure_member(g, 930000000000000012, 'bea');
  perform app_private.ensure_member(g, 930000000000000013, 'xan');
  perform app_private.ensure_member(g, 930000000000000014, 'neo');
  perform app_private.ensure_member(940000000000000001, 940000000000000011, 'hal');
  perform app_private.link_ign(g, pg_temp.uid(g, 930000000000000011), 'Sam_MC');
  perform app_private.link_ign(g, pg_temp.uid(g, 930000000000000012), 'Bea_MC');
  perform app_private.link_ign(g, pg_temp.uid(g, 930000000000000013), 'Xan_MC');
end $$;
create function pg_temp.g() returns bigint language sql as $$ select 930000000000000001::bigint $$;
create function pg_temp.d(p_name text) returns bigint language sql as $$
  select case p_name when 'sam' then 930000000000000011 when 'bea' then 930000000000000012 when 'xan' then 930000000000000013
                     when 'neo' then 930000000000000014 when 'staff' then 930000000000000090 end::bigint $$;
-- A member's call (coins_player), a staff call (coins_staff with a role), the error of either.
create function pg_temp.as_member(p_name text, p_sql text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_player', pg_temp.g(), pg_temp.d(p_name), null, p_sql) $$;
create function pg_temp.err_member(p_name text, p_sql text) returns text language sql as $$
  select pg_temp.error_as('coins_player', pg_temp.g(), pg_temp.d(p_name), null, p_sql) ->> 'code' $$;
create function pg_temp.as_staff(p_role text, p_sql text, p_discord bigint default 930000000000000090) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_staff', pg_temp.g(), p_discord, p_role, p_sql) $$;
create function pg_temp.err_staff(p_role text, p_sql text, p_discord bigint default 930000000000000090) returns text language sql as $$
  select pg_temp.error_as('coins_staff', pg_temp.g(), p_discord, p_role, p_sql) ->> 'code' $$;
-- An in-game payment seen by the listener (source L:s1, key = a counter) or by the plugin webhook.
create sequence pg_temp.line_no;
create function pg_temp.pay(p_ign text, p_amount bigint, p_source text default 'L:s1', p_key text default null)
returns jsonb language sql as $$
  select pg_temp.rows_as('coins_listener', pg_temp.g(), null, null,
    format('select id, status, user_id from app_hidden.record_payment(%L, %s, %L, now(), %L, %L)',
      p_ign, p_amount, p_ign || ' paid you $' || to_char(p_amount / 100.0, 'FM999999999990.00') || '.', p_source,
      coalesce(p_key, nextval('pg_temp.line_no')::text))) -> 0 $$;
create function pg_temp.t(p_id bigint) returns app_public.mm_trades language sql as $$
  select * from app_public.mm_trades where id = p_id $$;
create function pg_temp.mcd(p_name text, p_kind text default 'wallet') returns bigint language sql as $$
  select coalesce((select a.balance from app_public.accounts a
                    where a.user_id = pg_temp.uid(pg_temp.g(), pg_temp.d(p_name)) and a.currency = 'MCD' and a.kind::text = p_kind), 0) $$;
create function pg_temp.gmcd(p_kind text) returns bigint language sql as $$
  select coalesce((select balance from app_public.accounts where guild_id = pg_temp.g() and user_id is null
                    and currency = 'MCD' and kind::text = p_kind), 0) $$;
-- Everything a middleman refusal could touch.
create function pg_temp.mm_state() returns jsonb language sql as $$
  select jsonb_build_object(
    'trades', (select jsonb_agg(to_jsonb(t) - 'updated_at' order by id) from app_public.mm_trades t),
    'events', (select count(*) from app_public.mm_events),
    'amounts', (select jsonb_agg(jsonb_build_array(trade_id, party, amount, released_at) order by trade_id, party) from app_public.mm_verification_amounts),
    'links', (select jsonb_agg(jsonb_build_array(user_id, ign) order by user_id) from app_public.minecraft_links),
    'link_requests', (select jsonb_agg(jsonb_build_array(id, status) order by id) from app_public.mm_link_requests),
    'payouts', (select count(*) from app_public.minecraft_payouts),
    'accounts', (select jsonb_agg(jsonb_build_array(id, balance) order by id) from app_public.accounts),
    'transfers', (select jsonb_agg(jsonb_build_array(id, status) order by id) from app_public.transfers),
    'admin_actions', (select count(*) from app_public.admin_actions)) $$;
create temp table mm_snap (name text primary key, state jsonb);
create function pg_temp.snap(p_name text) returns void language sql as $$
  insert into mm_snap values (p_name, pg_temp.mm_state()) on conflict (name) do update set state = excluded.state $$;
create function pg_temp.unchanged(p_name text) returns boolean language sql as $$
  select state = pg_temp.mm_state() from mm_snap where name = p_name $$;
create temp table ids (name text primary key, id bigint);

-- Fee arithmetic ---------------------------------------------------------------------------------------------------------
select is(array[app_private.mm_fee(1, 500), app_private.mm_fee(9, 500), app_private.mm_fee(10, 500), app_private.mm_fee(29, 500),
               app_private.mm_fee(30, 500), app_private.mm_fee(150000, 500), app_private.mm_fee(12345, 0)],
  array[0, 0, 1, 1, 2, 7500, 0]::bigint[], 'mm_fee: 5% rounded half up to the cent (0.05->0, 0.45->0, 0.50->1, 1.45->1, 1.50->2)');
select is(app_private.mm_fee(1000000000000000, 5000), 500000000000000::bigint, 'mm_fee: the largest sale at the largest fee does not overflow');
select ok(not exists (select 1 from generate_series(1, 3000) s, (values (0), (1), (250), (500), (777), (5000)) b(bps)
                       where app_private.mm_fee(s, b.bps) < 0 or app_private.mm_fee(s, b.bps) > s
                          or app_private.mm_fee(s, b.bps) <> floor(s * b.bps / 10000.0 + 0.5)),
  'mm_fee: 0 <= fee <= sale and equals round_half_up(sale * bps / 10000) for 18 000 sales and rates');
select ok((select bool_and(a between 100 and 10024) and count(distinct a) > 900
             from (select app_private.mm_draw_amount(100, 10024) a from generate_series(1, 1000)) x),
  'mm_draw_amount: 1000 draws stay in [1.00, 100.24] and are spread (CSPRNG)');

-- Start Middleman ----------------------------------------------------------------------------------------------------------
insert into ids select 't1', (pg_temp.as_member('sam', $$select id from app_public.mm_open_trade('start-1')$$) -> 0 ->> 'id')::bigint;
select is((pg_temp.t((select id from ids where name = 't1'))).status, 'open', 'Start Middleman opens a trade (open)');
select is((pg_temp.t((select id from ids where name = 't1'))).short_id, 'mm-' || (select id from ids where name = 't1'), '... named mm-<id>');
select is((pg_temp.as_member('sam', $$select id from app_public.mm_open_trade('start-1')$$) -> 0 ->> 'id')::bigint,
  (select id from ids where name = 't1'), 'a double click (same interaction id) returns the same trade');
select is((pg_temp.as_member('sam', $$select id from app_public.mm_open_trade('start-1b')$$) -> 0 ->> 'id')::bigint,
  (select id from ids where name = 't1'), 'another click while the ticket is still open returns it too');
select is((select count(*) from app_public.mm_trades), 1::bigint, '... and opens one ticket');
select is((select kind from app_public.mm_events where trade_id = (select id from ids where name = 't1')), 'opened', 'the trail starts with opened');

select pg_temp.snap('t1-open');
select is(pg_temp.err_member('xan', format('select app_public.mm_set_counterparty(%s, %s)', (select id from ids where name = 't1'), pg_temp.d('bea'))),
  'MM003', 'a stranger cannot tag the counterparty: MM003');
select is(pg_temp.err_member('sam', format('select app_public.mm_set_counterparty(%s, %s)', (select id from ids where name = 't1'), pg_temp.d('sam'))),
  'MM010', 'tagging yourself: MM010');
select is(pg_temp.err_member('bea', format('select app_public.mm_submit_form(%s, %L, null, null, 150000, %L)', (select id from ids where name = 't1'), 'buyer', 'x')),
  'MM003', 'the form before anybody is tagged: a non-party is refused (MM003)');
select is(pg_temp.err_member('sam', format('select app_public.mm_submit_form(%s, %L, null, null, 150000, %L)', (select id from ids where name = 't1'), 'seller', 'x')),
  'MM010', 'the form before the counterparty is tagged: MM010');
select is(pg_temp.err_member('sam', format('select app_public.mm_confirm_delivery(%s)', (select id from ids where name = 't1'))),
  'MM002', 'confirming an open trade: MM002 illegal_transition');
select is(pg_temp.err_member('sam', format('select app_public.mm_mark_scammed(%s, %L)', (select id from ids where name = 't1'), 'x')),
  'MM002', 'marking an open trade as scammed: MM002');
select is(pg_temp.err_staff('SUPPORT', format('select app_public.mm_freeze(%s, %L)', (select id from ids where name = 't1'), 'suspicious')),
  'MM002', 'freezing an open trade: MM002');
select is(pg_temp.err_member('sam', 'select app_public.mm_confirm_delivery(999999)'), 'MM001', 'an unknown trade: MM001');
select is(pg_temp.error_as('coins_player', 940000000000000001, 940000000000000011, null,
    format('select app_public.mm_cancel_trade(%s, %L)', (select id from ids where name = 't1'), 'x')) ->> 'code',
  'MM001', 'a trade of another guild does not exist there: MM001');
select ok(pg_temp.unchanged('t1-open'), 'the refusals above changed nothing');

select is(pg_temp.as_member('sam', format('select counterparty_id from app_public.mm_set_counterparty(%s, %s)', (select id from ids where name = 't1'), pg_temp.d('bea'))) -> 0 ->> 'counterparty_id',
  pg_temp.uid(pg_temp.g(), pg_temp.d('bea'))::text, 'the starter tags the buyer');

-- The form: verification amounts ----------------------------------------------------------------------------------------
select pg_temp.snap('t1-tagged');
select is(pg_temp.err_member('bea', format('select app_public.mm_submit_form(%s, %L, null, null, 99, %L)', (select id from ids where name = 't1'), 'buyer', 'x')),
  'MM004', 'a sale below the guild''s minimum (1.00): MM004');
select is(pg_temp.err_member('bea', format('select app_public.mm_submit_form(%s, %L, %L, null, 150000, %L)', (select id from ids where name = 't1'), 'buyer', 'Xan_MC', 'x')),
  'MM011', 'a seller IGN linked to another member: MM011');
select is(pg_temp.err_member('bea', format('select app_public.mm_submit_form(%s, %L, %L, %L, 150000, %L)', (select id from ids where name = 't1'), 'buyer', 'Same_MC', 'same_mc', 'x')),
  'MM011', 'the same IGN for both parties: MM011');
select is(pg_temp.err_member('bea', format('select app_public.mm_submit_form(%s, %L, %L, null, 150000, %L)', (select id from ids where name = 't1'), 'buyer', 'no spaces', 'x')),
  'MC001', 'a malformed IGN: MC001');
select is(pg_temp.err_member('bea', format('select app_public.mm_submit_form(%s, %L, null, null, 150000, %L)', (select id from ids where name = 't1'), 'judge', 'x')),
  'VL001', 'a role other than buyer or seller: VL001');
select ok(pg_temp.unchanged('t1-tagged'), 'refused forms changed nothing (no amounts drawn)');

select is(pg_temp.as_member('bea', format('select status, seller_ign, buyer_ign, sale_amount, fee_amount, seller_payout from app_public.mm_submit_form(%s, %L, null, null, 150000, %L)',
    (select id from ids where name = 't1'), 'buyer', 'Diamond sword')) -> 0,
  '{"status": "awaiting_verification", "seller_ign": "Sam_MC", "buyer_ign": "Bea_MC", "sale_amount": 150000, "fee_amount": 7500, "seller_payout": 142500}'::jsonb,
  'the buyer submits the form: IGNs from the links, 5% fee, awaiting_verification');
select ok((select seller_verify_amount between 100 and 10024 and buyer_verify_amount between 100 and 10024
                  and seller_verify_amount <> buyer_verify_amount
             from app_public.mm_trades where id = (select id from ids where name = 't1')),
  'two different verification amounts in [1.00, 100.24]');
select is((select count(*) from app_public.mm_verification_amounts where trade_id = (select id from ids where name = 't1') and released_at is null),
  2::bigint, '... reserved for this live trade');
select throws_ok(format('insert into app_public.mm_verification_amounts (guild_id, amount, trade_id, party) values (%s, %s, %s, %L)',
    pg_temp.g(), (select seller_verify_amount from app_public.mm_trades where id = (select id from ids where name = 't1')),
    (select id from ids where name = 't1'), 'buyer'), '23505', null,
  'the unique index refuses a second live trade with the same amount');
select pg_temp.snap('t1-drawn');
select is(pg_temp.err_member('bea', format('select app_public.mm_submit_form(%s, %L, null, null, 150000, %L)', (select id from ids where name = 't1'), 'buyer', 'x')),
  'MM002', 'a second submit (double click): MM002');
select is(pg_temp.err_member('sam', format('select app_public.mm_set_counterparty(%s, %s)', (select id from ids where name = 't1'), pg_temp.d('xan'))),
  'MM002', 're-tagging after the form: MM002');
select ok(pg_temp.unchanged('t1-drawn'), '... changed nothing');

-- Matching -------------------------------------------------------------------------------------------------------------
create temp table t1 as select * from app_public.mm_trades where id = (select id from ids where name = 't1');
select is(pg_temp.pay('Bea_MC', (select buyer_verify_amount + 1 from t1)) ->> 'status', 'credited',
  'the buyer pays 0.01 too much: recorded and credited to their MCD wallet');
select is((pg_temp.t((select id from t1))).buyer_verified_at, null, '... but it does not verify');
select is((select detail ->> 'why' from app_public.mm_events where trade_id = (select id from t1) and kind = 'payment_unmatched'),
  'amount_not_expected', '... and is posted in the ticket as unmatched (wrong amount)');
select pg_temp.pay('Bea_MC', (select buyer_verify_amount - 1 from t1));
select is((pg_temp.t((select id from t1))).buyer_verified_at, null, '0.01 too little does not verify either');
select pg_temp.pay('Bea_MC', (select seller_verify_amount from t1));
select is((pg_temp.t((select id from t1))).seller_verified_at, null, 'the seller''s amount paid by the buyer (wrong payer) does not verify the seller');
select pg_temp.pay('Xan_MC', (select seller_verify_amount from t1));
select is((pg_temp.t((select id from t1))).seller_verified_at, null, 'the seller''s amount paid by a stranger does not verify the seller');
select is(pg_temp.mcd('bea', 'escrow'), 0::bigint, 'nothing unmatched is held');

select is(pg_temp.pay('bea_mc', (select buyer_verify_amount from t1), 'L:s1', 'v-b') ->> 'status', 'credited',
  'the buyer pays exactly their amount (IGN in another case)');
select isnt((pg_temp.t((select id from t1))).buyer_verified_at, null, '... the buyer is verified');
select is(pg_temp.mcd('bea', 'escrow'), (select buyer_verify_amount from t1), '... the verification payment is held in the buyer''s MCD escrow');
select is((select raw_line from app_public.mm_events where trade_id = (select id from t1) and kind = 'verification_paid'),
  'bea_mc paid you $' || to_char((select buyer_verify_amount from t1) / 100.0, 'FM999999990.00') || '.', '... with the raw line in the trail');
select pg_temp.snap('t1-buyer-verified');
select is(pg_temp.pay('bea_mc', (select buyer_verify_amount from t1), 'L:s1', 'v-b') ->> 'status', 'credited', 'a replay of that line ...');
select is(pg_temp.pay('Bea_MC', (select buyer_verify_amount from t1), 'webhook:plugin', 'evt-1') ->> 'status', 'duplicate',
  '... and the plugin webhook delivering the same payment ...');
select ok(pg_temp.unchanged('t1-buyer-verified'), '... change nothing (no second hold, no second event)');
select is((pg_temp.t((select id from t1))).status, 'awaiting_verification', 'one verified party: still awaiting verification');

select pg_temp.pay('Sam_MC', (select seller_verify_amount from t1));
select is((pg_temp.t((select id from t1))).status, 'awaiting_deposit', 'the seller pays their amount: both verified, awaiting_deposit');
select is((select count(*) from app_public.mm_events where trade_id = (select id from t1) and kind in ('verification_paid', 'both_verified')),
  3::bigint, '... two verification_paid events and both_verified');

select pg_temp.snap('t1-verified');
select is(pg_temp.err_member('xan', format('select app_public.mm_cancel_trade(%s, %L)', (select id from t1), 'x')), 'MM003',
  'a stranger cannot cancel: MM003');
select is(pg_temp.err_member('xan', format('select app_public.mm_mark_scammed(%s, %L)', (select id from t1), 'x')), 'MM003',
  'a stranger cannot mark as scammed: MM003');
select is(pg_temp.err_member('xan', format('select app_public.mm_attach_evidence(%s, %L, %L)', (select id from t1), 'https://x.y/z.png', 'x')), 'MM003',
  'a stranger cannot attach evidence: MM003');
select is(pg_temp.err_member('bea', format('select app_public.mm_confirm_delivery(%s)', (select id from t1))), 'MM002',
  'confirming before the deposit: MM002');
select is(pg_temp.err_member('bea', format('select app_public.mm_attach_evidence(%s, %L, %L)', (select id from t1), 'javascript:alert(1)', '')), 'VL001',
  'evidence must be an https link: VL001');
select ok(pg_temp.unchanged('t1-verified'), '... changed nothing');

select pg_temp.pay('Sam_MC', 150000);
select is((pg_temp.t((select id from t1))).status, 'awaiting_deposit', 'the sale paid by the seller is not a deposit');
select pg_temp.pay('Bea_MC', 149999);
select is((pg_temp.t((select id from t1))).status, 'awaiting_deposit', 'the sale minus 0.01 is not a deposit');
select pg_temp.pay('Bea_MC', 150000);
select is((pg_temp.t((select id from t1))).status, 'in_escrow', 'the buyer deposits exactly the sale: in_escrow');
select is(pg_temp.mcd('bea', 'escrow'), 150000 + (select buyer_verify_amount from t1), '... held in the buyer''s MCD escrow (deposit + verification)');
select is_empty('select * from app_public.verify_ledger()', 'verify_ledger: clean while the trade is in escrow');

select pg_temp.snap('t1-escrow');
select is(pg_temp.err_member('bea', format('select app_public.mm_cancel_trade(%s, %L)', (select id from t1), 'changed my mind')), 'MM002',
  'after the deposit the buyer cannot cancel (no refund by chat): MM002');
select is(pg_temp.err_staff('SUPPORT', format('select app_public.mm_cancel_trade(%s, %L)', (select id from t1), 'x')), 'MM002',
  '... nor can staff cancel: MM002');
select is(pg_temp.err_member('sam', format('select app_public.mm_confirm_delivery(%s)', (select id from t1))), 'MM012',
  'the seller cannot confirm delivery: MM012');
select is(pg_temp.err_staff('ADMIN', format('select app_public.mm_adjudicate(%s, %L, null, %L)', (select id from t1), 'seller', 'no dispute')), 'MM002',
  'adjudicating a trade that is not in dispute: MM002');
select ok(pg_temp.unchanged('t1-escrow'), '... changed nothing');
select is((pg_temp.as_member('bea', format('select kind from app_public.mm_attach_evidence(%s, %L, %L)', (select id from t1), 'https://cdn.example/item.png', 'received'))) -> 0 ->> 'kind',
  'evidence', 'a party attaches evidence');

select is(pg_temp.as_member('bea', format('select status from app_public.mm_confirm_delivery(%s)', (select id from t1))) -> 0 ->> 'status',
  'completed', 'the buyer confirms delivery: completed');
select is(pg_temp.gmcd('fees'), 7500::bigint, '... the 5% fee is in the guild''s MCD fee account');
select is((select jsonb_agg(jsonb_build_array(u.discord_id, p.amount, p.ign) order by p.id) from app_public.minecraft_payouts p join app_public.users u on u.id = p.user_id),
  jsonb_build_array(jsonb_build_array(pg_temp.d('sam'), (select seller_verify_amount from t1), 'Sam_MC'),
                    jsonb_build_array(pg_temp.d('bea'), (select buyer_verify_amount from t1), 'Bea_MC'),
                    jsonb_build_array(pg_temp.d('sam'), 142500, 'Sam_MC')),
  '... /pay payouts queued: each verification payment back to its payer, sale - fee to the seller');
select is((select count(*) from graphile_worker.jobs where task_identifier like 'minecraft__payout/%'), 3::bigint, '... as minecraft__payout jobs');
select is(pg_temp.mcd('sam', 'escrow'), 142500 + (select seller_verify_amount from t1), '... held for the payouts until the server confirms them');
select is((select count(*) from app_public.mm_verification_amounts where trade_id = (select id from t1) and released_at is null), 0::bigint,
  '... the verification amounts are released');
select pg_temp.snap('t1-done');
select is(pg_temp.err_member('bea', format('select app_public.mm_confirm_delivery(%s)', (select id from t1))), 'MM002',
  'a second Confirm Delivery (double click): MM002');
select is(pg_temp.err_member('bea', format('select app_public.mm_mark_scammed(%s, %L)', (select id from t1), 'x')), 'MM002',
  'Mark as Scammed after completion: MM002');
select ok(pg_temp.unchanged('t1-done'), '... changed nothing');
select is_empty('select * from app_public.verify_ledger()', 'verify_ledger: clean after a completed trade');
select is(pg_temp.as_member('xan', format('select (app_public.mm_reputation(%s)).*', pg_temp.d('sam'))) -> 0,
  jsonb_build_object('discord_id', pg_temp.d('sam'), 'completed', 1, 'volume', 150000, 'disputes', 0, 'adjudicated', 0),
  'reputation: one completed trade of 1500.00 for the seller');
select is(pg_temp.as_member('sam', 'select short_id, role, sale_amount from app_public.mm_history(null)') -> 0,
  jsonb_build_object('short_id', (select short_id from t1), 'role', 'seller', 'sale_amount', 150000), '/mm history lists it');

-- RLS --------------------------------------------------------------------------------------------------------------------
select is(pg_temp.as_member('xan', 'select count(*) as n from app_public.mm_trades') -> 0 ->> 'n', '0', 'RLS: a stranger sees no trade');
select is(pg_temp.as_member('xan', 'select count(*) as n from app_public.mm_events') -> 0 ->> 'n', '0', '... and no event');
select is(pg_temp.as_member('bea', 'select count(*) as n from app_public.mm_trades') -> 0 ->> 'n', '1', 'RLS: a party sees their trade');
select is(pg_temp.as_staff('AUDITOR', 'select count(*) as n from app_public.mm_events') -> 0 ->> 'n',
  (select count(*)::text from app_public.mm_events), 'RLS: staff see the whole trail');
select is(pg_temp.error_as('coins_player', pg_temp.g(), pg_temp.d('bea'), null, 'select count(*) from app_public.mm_verification_amounts') ->> 'code',
  '42501', 'members cannot read the reserved verification amounts (staff only)');
select is(pg_temp.as_staff('AUDITOR', 'select count(*) as n from app_public.mm_verification_amounts') -> 0 ->> 'n',
  (select count(*)::text from app_public.mm_verification_amounts), '... staff can');
select is(pg_temp.error_as('coins_listener', pg_temp.g(), null, null, 'select 1 from app_public.mm_trades') ->> 'code', '42501',
  'the listener reads no trade');
select is(pg_temp.err_member('bea', format('select app_public.mm_adjudicate(%s, %L, null, %L)', (select id from t1), 'buyer', 'xxx')), '42501',
  'members cannot call mm_adjudicate');

-- A disputed trade, split by an admin -------------------------------------------------------------------------------------
insert into ids select 't2', (pg_temp.as_member('bea', $$select id from app_public.mm_open_trade('start-2')$$) -> 0 ->> 'id')::bigint;
select pg_temp.as_member('bea', format('select 1 from app_public.mm_set_counterparty(%s, %s)', (select id from ids where name = 't2'), pg_temp.d('sam')));
select pg_temp.as_member('sam', format('select 1 from app_public.mm_submit_form(%s, %L, null, null, 100000, %L)', (select id from ids where name = 't2'), 'seller', 'Elytra'));
create temp table t2 as select * from app_public.mm_trades where id = (select id from ids where name = 't2');
select is((select array[seller_id, buyer_id] from t2), array[pg_temp.uid(pg_temp.g(), pg_temp.d('sam')), pg_temp.uid(pg_temp.g(), pg_temp.d('bea'))],
  'the counterparty submitting as seller makes the starter the buyer');
select pg_temp.pay('Sam_MC', (select seller_verify_amount from t2));
select pg_temp.pay('Bea_MC', (select buyer_verify_amount from t2));
select pg_temp.pay('Bea_MC', 100000);
select is((pg_temp.t((select id from t2))).status, 'in_escrow', 'trade 2 in escrow');
select is(pg_temp.as_member('bea', format('select status, frozen_at is not null as frozen from app_public.mm_mark_scammed(%s, %L)', (select id from t2), 'item never came')) -> 0,
  '{"status": "dispute_open", "frozen": true}'::jsonb, 'the buyer marks it as scammed: dispute_open, funds frozen');
select pg_temp.snap('t2-dispute');
select is(pg_temp.err_member('bea', format('select app_public.mm_mark_scammed(%s, %L)', (select id from t2), 'again')), 'MM008',
  'marking it again: MM008 already_flagged');
select is(pg_temp.err_member('bea', format('select app_public.mm_confirm_delivery(%s)', (select id from t2))), 'MM002',
  'a disputed trade cannot be confirmed: MM002');
select is(pg_temp.err_staff('SUPPORT', format('select app_public.mm_freeze(%s, %L)', (select id from t2), 'freeze')), 'MM002',
  'Freeze Funds on a disputed trade (already frozen): MM002');
select is(pg_temp.err_staff('SUPPORT', format('select app_public.mm_adjudicate(%s, %L, null, %L)', (select id from t2), 'buyer', 'looks like a scam')), 'PD001',
  'SUPPORT cannot adjudicate: PD001');
select is(pg_temp.err_staff('ADMIN', format('select app_public.mm_adjudicate(%s, %L, null, %L)', (select id from t2), 'buyer', 'mine'), pg_temp.d('sam')), 'PD002',
  'an admin who is a party cannot adjudicate: PD002');
select is(pg_temp.err_staff('ADMIN', format('select app_public.mm_adjudicate(%s, %L, 100000, %L)', (select id from t2), 'split', 'half')), 'MM013',
  'a split giving the buyer everything: MM013');
select is(pg_temp.err_staff('ADMIN', format('select app_public.mm_adjudicate(%s, %L, 0, %L)', (select id from t2), 'split', 'half')), 'MM013',
  'a split giving the buyer nothing: MM013');
select is(pg_temp.err_staff('ADMIN', format('select app_public.mm_adjudicate(%s, %L, null, %L)', (select id from t2), 'split', 'x')), 'RS001',
  'adjudication without a reason: RS001');
select is(pg_temp.err_staff('ADMIN', format('select app_public.mm_adjudicate(%s, %L, null, %L)', (select id from t2), 'everyone', 'reason')), 'VL001',
  'an unknown decision: VL001');
select ok(pg_temp.unchanged('t2-dispute'), '... changed nothing');
select is((pg_temp.as_member('sam', format('select status from app_public.mm_mark_scammed(%s, %L)', (select id from t2), 'buyer lies'))) -> 0 ->> 'status',
  'dispute_open', 'the other party may flag the dispute too (once)');
select is((pg_temp.as_staff('SUPPORT', format('select kind from app_public.mm_request_evidence(%s, %L)', (select id from t2), 'screenshots please'))) -> 0 ->> 'kind',
  'evidence_requested', 'SUPPORT requests evidence');
create temp table before_split as select pg_temp.mcd('bea') as bea_wallet, pg_temp.mcd('sam') as sam_wallet, pg_temp.gmcd('fees') as fees,
  (select count(*) from app_public.minecraft_payouts) as payouts;
select is(pg_temp.as_staff('ADMIN', format('select status, outcome from app_public.mm_adjudicate(%s, %L, 40000, %L)', (select id from t2), 'split', 'both partly right')) -> 0,
  jsonb_build_object('status', 'adjudicated', 'outcome', jsonb_build_object('decision', 'split', 'buyer_amount', 40000, 'seller_amount', 57000,
    'fee', 3000, 'reason', 'both partly right', 'by', pg_temp.d('staff')::text, 'role', 'ADMIN')),
  'an ADMIN splits: 400.00 to the buyer, 600.00 - 5% to the seller');
select is(pg_temp.gmcd('fees') - (select fees from before_split), 3000::bigint, '... the fee on the seller''s share');
select is((select jsonb_agg(jsonb_build_array(u.discord_id, p.amount) order by p.id) from app_public.minecraft_payouts p join app_public.users u on u.id = p.user_id
            where p.id > (select max(id) - 4 from app_public.minecraft_payouts)),
  jsonb_build_array(jsonb_build_array(pg_temp.d('sam'), (select seller_verify_amount from t2)), jsonb_build_array(pg_temp.d('bea'), (select buyer_verify_amount from t2)),
                    jsonb_build_array(pg_temp.d('bea'), 40000), jsonb_build_array(pg_temp.d('sam'), 57000)),
  '... paid out by /pay to both, with the verification payments');
select ok(exists (select 1 from app_public.admin_actions where action = 'mm_adjudicate' and reason = 'both partly right'), '... audited');
select is_empty('select * from app_public.verify_ledger()', 'verify_ledger: clean after a split');
select is(pg_temp.err_staff('ADMIN', format('select app_public.mm_adjudicate(%s, %L, null, %L)', (select id from t2), 'buyer', 'again')), 'MM002',
  'adjudicating twice: MM002');

-- Give buyer / give seller, staff freeze ----------------------------------------------------------------------------------
-- A trade through both verifications and (for a positive sale) the deposit; a negative sale stops before the deposit.
create function pg_temp.escrowed(p_key text, p_starter text, p_other text, p_sale bigint) returns bigint language plpgsql as $$
declare v bigint; t app_public.mm_trades;
begin
  v := (pg_temp.as_member(p_starter, format('select id from app_public.mm_open_trade(%L)', p_key)) -> 0 ->> 'id')::bigint;
  perform pg_temp.as_member(p_starter, format('select 1 from app_public.mm_set_counterparty(%s, %s)', v, pg_temp.d(p_other)));
  perform pg_temp.as_member(p_starter, format('select 1 from app_public.mm_submit_form(%s, %L, null, null, %s, %L)', v, 'seller', abs(p_sale), ''));
  t := pg_temp.t(v);
  perform pg_temp.pay(case p_starter when 'sam' then 'Sam_MC' when 'xan' then 'Xan_MC' else 'Bea_MC' end, t.seller_verify_amount);
  perform pg_temp.pay(case p_other when 'sam' then 'Sam_MC' when 'xan' then 'Xan_MC' else 'Bea_MC' end, t.buyer_verify_amount);
  if p_sale > 0 then
    perform pg_temp.pay(case p_other when 'sam' then 'Sam_MC' when 'xan' then 'Xan_MC' else 'Bea_MC' end, p_sale);
  end if;
  return v;
end $$;
insert into ids select 't3', pg_temp.escrowed('start-3', 'sam', 'bea', 5000);
select is((pg_temp.as_staff('SUPPORT', format('select status from app_public.mm_freeze(%s, %L)', (select id from ids where name = 't3'), 'reported in support'))) -> 0 ->> 'status',
  'dispute_open', 'SUPPORT freezes a trade in escrow: dispute_open');
select is(pg_temp.err_staff('SUPPORT', format('select app_public.mm_freeze(%s, %L)', (select id from ids where name = 't3'), 'x')), 'RS001', 'freezing needs a reason: RS001');
create temp table before_t3 as select pg_temp.mcd('bea') as bea;
select is((pg_temp.as_staff('SUPERADMIN', format('select outcome ->> %L as d from app_public.mm_adjudicate(%s, %L, null, %L)', 'decision', (select id from ids where name = 't3'), 'buyer', 'seller scammed'))) -> 0 ->> 'd',
  'buyer', 'give buyer: adjudicated');
select is((select amount from app_public.minecraft_payouts p where p.user_id = pg_temp.uid(pg_temp.g(), pg_temp.d('bea')) order by id desc limit 1), 5000::bigint,
  '... the whole deposit goes back to the buyer by /pay, no fee');
insert into ids select 't4', pg_temp.escrowed('start-4', 'sam', 'bea', 5000);
select pg_temp.as_member('sam', format('select 1 from app_public.mm_mark_scammed(%s, %L)', (select id from ids where name = 't4'), 'no payment?'));
create temp table fees_t4 as select pg_temp.gmcd('fees') as f;
select is((pg_temp.as_staff('ADMIN', format('select outcome ->> %L as d from app_public.mm_adjudicate(%s, %L, null, %L)', 'decision', (select id from ids where name = 't4'), 'seller', 'buyer got the item'))) -> 0 ->> 'd',
  'seller', 'give seller: adjudicated');
select is(pg_temp.gmcd('fees') - (select f from fees_t4), 250::bigint, '... as a completion: 5% fee');
select is((select amount from app_public.minecraft_payouts p where p.user_id = pg_temp.uid(pg_temp.g(), pg_temp.d('sam')) order by id desc limit 1), 4750::bigint,
  '... and sale - fee to the seller by /pay');
select is_empty('select * from app_public.verify_ledger()', 'verify_ledger: clean after give buyer and give seller');

-- Cancel --------------------------------------------------------------------------------------------------------------------
insert into ids select 't5', pg_temp.escrowed('start-5', 'sam', 'bea', -5000);
select is((pg_temp.t((select id from ids where name = 't5'))).status, 'awaiting_deposit', 'trade 5 awaits the deposit');
-- (the payouts the cancel creates are those after this high-water mark: amounts alone could repeat an earlier trade's)
insert into ids select 'p5', coalesce(max(id), 0) from app_public.minecraft_payouts;
select is((pg_temp.as_member('bea', format('select status from app_public.mm_cancel_trade(%s, %L)', (select id from ids where name = 't5'), 'found it cheaper'))) -> 0 ->> 'status',
  'cancelled', 'a party cancels before the deposit');
select is((select count(*) from app_public.minecraft_payouts p where p.id > (select id from ids where name = 'p5') and p.amount in
            ((select seller_verify_amount from app_public.mm_trades where id = (select id from ids where name = 't5')),
             (select buyer_verify_amount from app_public.mm_trades where id = (select id from ids where name = 't5')))), 2::bigint,
  '... both verification payments are returned by /pay');
insert into ids select 't6', (pg_temp.as_member('xan', $$select id from app_public.mm_open_trade('start-6')$$) -> 0 ->> 'id')::bigint;
select is((pg_temp.as_staff('SUPPORT', format('select status from app_public.mm_cancel_trade(%s, %L)', (select id from ids where name = 't6'), 'spam ticket'))) -> 0 ->> 'status',
  'cancelled', 'staff cancel an open trade');
select is(pg_temp.err_staff('AUDITOR', format('select app_public.mm_cancel_trade(%s, %L)', (select id from ids where name = 't6'), 'x')), 'PD001', 'an AUDITOR cannot cancel: PD001');

-- Timeouts (the mm__expire cron body) -------------------------------------------------------------------------------------
insert into ids select 't7', (pg_temp.as_member('xan', $$select id from app_public.mm_open_trade('start-7')$$) -> 0 ->> 'id')::bigint;
select pg_temp.as_member('xan', format('select 1 from app_public.mm_set_counterparty(%s, %s)', (select id from ids where name = 't7'), pg_temp.d('bea')));
select pg_temp.as_member('xan', format('select 1 from app_public.mm_submit_form(%s, %L, null, null, 2000, %L)', (select id from ids where name = 't7'), 'seller', ''));
select pg_temp.pay('Xan_MC', (pg_temp.t((select id from ids where name = 't7'))).seller_verify_amount);
insert into ids select 't8', pg_temp.escrowed('start-8', 'xan', 'sam', -5000);
insert into ids select 't9', pg_temp.escrowed('start-9', 'sam', 'xan', 3000);
select is(app_hidden.mm_expire_trades(now() + interval '1 hour'), 0, 'nothing expires before its timeout');
select is(app_hidden.mm_expire_trades(now() + interval '2 hours 1 second'), 1, 'after 2 h the trade awaiting verification expires');
select is((pg_temp.t((select id from ids where name = 't7'))).status, 'expired', '... expired');
select is((select count(*) from app_public.minecraft_payouts where amount = (pg_temp.t((select id from ids where name = 't7'))).seller_verify_amount
             and user_id = pg_temp.uid(pg_temp.g(), pg_temp.d('xan'))), 1::bigint, '... the one verification payment made is returned');
select is(app_hidden.mm_expire_trades(now() + interval '24 hours 1 second'), 1, 'after 24 h the trade awaiting the deposit expires');
select is((pg_temp.t((select id from ids where name = 't8'))).status, 'expired', '... expired with verification returned');
select is(app_hidden.mm_expire_trades(now() + interval '48 hours'), 1, 'after 48 h in escrow: a reminder');
select is((pg_temp.t((select id from ids where name = 't9'))).status, 'in_escrow', '... never an automatic release');
select is((select count(*) from app_public.mm_events where trade_id = (select id from ids where name = 't9') and kind = 'reminder'), 1::bigint, '... one reminder event');
select is(app_hidden.mm_expire_trades(now() + interval '49 hours'), 0, 'no second reminder within the period');
select is(app_hidden.mm_expire_trades(now() + interval '96 hours'), 1, 'another reminder after another 48 h');
select is(pg_temp.error_as('coins_worker', null, null, null, format('select app_hidden.mm_expire_trades(%L)', now())) ->> 'code', null,
  'the worker runs the cron body');
select is(pg_temp.err_member('sam', format('select app_hidden.mm_expire_trades(%L)', now())), '42501', 'members cannot');
select is_empty('select * from app_public.verify_ledger()', 'verify_ledger: clean after expiries');

-- Limits -------------------------------------------------------------------------------------------------------------------
-- sam is party to t9 (live). Two more live trades reach the limit of 3 (the hourly limit raised for this part).
update app_public.guild_settings set mm_hourly_limit = 100 where guild_id = pg_temp.g();
do $$
declare k text; v bigint;
begin
  foreach k in array array['start-10', 'start-11'] loop
    v := (pg_temp.as_member('sam', format('select id from app_public.mm_open_trade(%L)', k)) -> 0 ->> 'id')::bigint;
    perform pg_temp.as_member('sam', format('select 1 from app_public.mm_set_counterparty(%s, %s)', v, pg_temp.d('neo')));
    perform pg_temp.as_member('sam', format('select 1 from app_public.mm_submit_form(%s, %L, null, %L, 1000, %L)', v, 'seller', 'NeoAlt' || right(k, 2), ''));
  end loop;
end $$;
insert into ids select 't13', (pg_temp.as_member('xan', $$select id from app_public.mm_open_trade('start-13')$$) -> 0 ->> 'id')::bigint;
select pg_temp.snap('limits');
select is(pg_temp.err_member('sam', $$select app_public.mm_open_trade('start-12')$$), 'MM005', 'a 4th live trade: MM005 too_many_live_trades');
select is(pg_temp.err_member('xan', format('select app_public.mm_set_counterparty(%s, %s)',
    (select id from ids where name = 't13'), pg_temp.d('sam'))), 'MM005',
  'tagging a member who has 3 live trades: MM005');
update app_public.guild_settings set mm_hourly_limit = 5, mm_live_limit = 10 where guild_id = pg_temp.g();
select is(pg_temp.err_member('sam', $$select app_public.mm_open_trade('start-14')$$), 'MM006', 'sam started 7 trades within the hour (limit 5): MM006 trade_rate_limited');
select ok(pg_temp.unchanged('limits'), 'the limit refusals changed nothing');
update app_public.guild_settings set mm_scam_daily_limit = 2 where guild_id = pg_temp.g();
select is(pg_temp.err_member('sam', format('select app_public.mm_mark_scammed(%s, %L)', (select id from ids where name = 't9'), 'x')), 'MM007',
  'a 3rd scam report within 24 h (limit 2): MM007');
update app_public.guild_settings set mm_hourly_limit = 5, mm_live_limit = 3, mm_scam_daily_limit = 3 where guild_id = pg_temp.g();

-- Unlinked IGN, then Link Minecraft by a tiny payment --------------------------------------------------------------------
insert into ids select 't15', (pg_temp.as_member('neo', $$select id from app_public.mm_open_trade('start-15')$$) -> 0 ->> 'id')::bigint;
select pg_temp.as_member('neo', format('select 1 from app_public.mm_set_counterparty(%s, %s)', (select id from ids where name = 't15'), pg_temp.d('bea')));
select is(pg_temp.as_member('neo', format('select seller_ign from app_public.mm_submit_form(%s, %L, %L, null, 4200, %L)', (select id from ids where name = 't15'), 'seller', 'Neo_MC', '')) -> 0 ->> 'seller_ign',
  'Neo_MC', 'a seller without a link names an IGN in the form');
select is(pg_temp.pay('Neo_MC', (pg_temp.t((select id from ids where name = 't15'))).seller_verify_amount) ->> 'status', 'unmatched',
  'the unlinked IGN pays the exact amount: recorded, unmatched');
select is((select detail ->> 'why' from app_public.mm_events where trade_id = (select id from ids where name = 't15') and kind = 'payment_unmatched'),
  'ign_not_linked', '... posted in the ticket as not linked');
select is((pg_temp.t((select id from ids where name = 't15'))).seller_verified_at, null, '... and not matched');
create temp table link_req as select * from jsonb_populate_record(null::app_public.mm_link_requests,
  pg_temp.as_member('neo', 'select * from app_public.mm_request_link()') -> 0);
select ok((select amount between 1 and 99 and status = 'pending' from link_req), 'Link Minecraft: a pending request for a tiny amount (0.01 .. 0.99)');
select is(pg_temp.pay('Neo_MC', (select amount from link_req) + case when (select amount from link_req) = 99 then -1 else 1 end) ->> 'status', 'unmatched',
  'paying another tiny amount links nothing');
select is(pg_temp.pay('Neo_MC', (select amount from link_req)) ->> 'status', 'credited', 'paying exactly the link amount ...');
select is((select ign from app_public.minecraft_links where user_id = pg_temp.uid(pg_temp.g(), pg_temp.d('neo'))), 'Neo_MC', '... links the IGN');
select isnt((pg_temp.t((select id from ids where name = 't15'))).seller_verified_at, null, '... and the earlier verification payment is matched now');
select is(pg_temp.mcd('neo', 'escrow'), (pg_temp.t((select id from ids where name = 't15'))).seller_verify_amount, '... and held in their escrow');
select is(pg_temp.pay('Bea_MC', (select amount from link_req)) ->> 'status', 'credited', 'a linked IGN paying a link amount links nothing new');
select is_empty('select * from app_public.verify_ledger()', 'verify_ledger: clean after linking');

-- Amount uniqueness and exhaustion: a range of 100 values, 50 trades take them all --------------------------------------
update app_public.guild_settings set mm_verification_min = 20000, mm_verification_max = 20099, mm_live_limit = 100, mm_hourly_limit = 1000
 where guild_id = pg_temp.g();
do $$
declare i integer; u bigint; v app_public.mm_trades;
begin
  for i in 1 .. 50 loop
    u := (app_private.ensure_member(pg_temp.g(), 931000000000000000 + i, 'm' || i)).id;
    v := app_private.mm_open_trade_for(u, now());
    perform app_private.mm_set_counterparty_for(v.id, u, 930000000000000014, now());
    perform app_private.mm_submit_form_for(v.id, u, 'buyer', 'Seller' || i, 'Buyer' || i, 1000, '', now());
  end loop;
end $$;
select is((select count(distinct amount) from app_public.mm_verification_amounts where guild_id = pg_temp.g() and released_at is null and amount between 20000 and 20099),
  100::bigint, '50 trades drew 100 distinct amounts from a range of 100 (collisions redrawn against the unique index)');
select is(pg_temp.error_as('coins_player', pg_temp.g(), 931000000000000001, null, format('select app_public.mm_submit_form(%s, %L, %L, %L, 1000, %L)',
    (select id from app_public.mm_trades where starter_id = pg_temp.uid(pg_temp.g(), 931000000000000001)), 'buyer', 'Seller1', 'Buyer1', '')) ->> 'code',
  'MM002', '(a submitted form cannot be resubmitted)');
do $$ declare u bigint; v app_public.mm_trades;
begin
  u := (app_private.ensure_member(pg_temp.g(), 931000000000000099, 'm99')).id;
  v := app_private.mm_open_trade_for(u, now());
  perform app_private.mm_set_counterparty_for(v.id, u, 930000000000000014, now());
  insert into ids values ('t99', v.id);
end $$;
select pg_temp.snap('exhausted');
select is(pg_temp.error_as('coins_player', pg_temp.g(), 931000000000000099, null, format('select app_public.mm_submit_form(%s, %L, %L, %L, 1000, %L)',
    (select id from ids where name = 't99'), 'buyer', 'SellerX', 'BuyerX', '')) ->> 'code', 'MM009', 'no free amount left: MM009 amounts_exhausted');
select ok(pg_temp.unchanged('exhausted'), '... changed nothing');
select is(app_hidden.mm_expire_trades(now() + interval '3 hours') >= 50, true, 'expiring them ...');
select is((select count(*) from app_public.mm_verification_amounts where guild_id = pg_temp.g() and released_at is null and amount between 20000 and 20099), 0::bigint,
  '... releases every amount');

-- A randomized sequence of trades keeps every invariant ---------------------------------------------------------------
update app_public.guild_settings set mm_verification_min = 100, mm_verification_max = 10024 where guild_id = pg_temp.g();
do $$
declare
  i integer; a bigint; b bigint; v app_public.mm_trades; r double precision; sale bigint; ign_a text; ign_b text;
begin
  perform setseed(0.42);
  for i in 1 .. 40 loop
    a := (app_private.ensure_member(pg_temp.g(), 932000000000000000 + i * 2, 'r' || i)).id;
    b := (app_private.ensure_member(pg_temp.g(), 932000000000000001 + i * 2, 's' || i)).id;
    ign_a := 'Ra' || i; ign_b := 'Rb' || i;
    perform app_private.link_ign(pg_temp.g(), a, ign_a);
    perform app_private.link_ign(pg_temp.g(), b, ign_b);
    sale := 100 + floor(random() * 1000000)::bigint;
    v := app_private.mm_open_trade_for(a, now());
    if random() < 0.1 then perform app_private.mm_cancel_for(pg_temp.g(), v.id, 932000000000000000 + i * 2, false, 'r', now()); continue; end if;
    perform app_private.mm_set_counterparty_for(v.id, a, 932000000000000001 + i * 2, now());
    v := app_private.mm_submit_form_for(v.id, a, case when random() < 0.5 then 'seller' else 'buyer' end, null, null, sale, '', now());
    r := random();
    if r < 0.8 then perform pg_temp.pay(v.seller_ign, v.seller_verify_amount); end if;
    if r < 0.7 then perform pg_temp.pay(v.buyer_ign, v.buyer_verify_amount); end if;
    if random() < 0.3 then perform pg_temp.pay(v.buyer_ign, sale + 1); end if;
    if r < 0.6 then perform pg_temp.pay(v.buyer_ign, sale); end if;
    if r < 0.05 then perform pg_temp.pay(v.buyer_ign, sale); end if;
    v := pg_temp.t(v.id);
    r := random();
    if v.status = 'in_escrow' and r < 0.5 then
      perform app_private.mm_confirm_delivery_for(pg_temp.g(), v.id, v.buyer_id, now());
    elsif v.status = 'in_escrow' and r < 0.8 then
      perform app_private.mm_mark_scammed_for(pg_temp.g(), v.id, v.seller_id, 'r', now());
      perform app_private.mm_adjudicate_for(pg_temp.g(), v.id, 930000000000000090, 'ADMIN',
        (array['buyer', 'seller', 'split'])[1 + floor(random() * 3)::integer], 1 + floor(random() * (sale - 1))::bigint, 'random', now());
    elsif v.status in ('awaiting_verification', 'awaiting_deposit') and r < 0.5 then
      perform app_private.mm_cancel_for(pg_temp.g(), v.id, 930000000000000090, true, 'r', now());
    end if;
  end loop;
  perform app_hidden.mm_expire_trades(now() + interval '30 hours');
end $$;
select diag((select string_agg(status || ': ' || n, ', ') from (select status::text, count(*) n from app_public.mm_trades group by 1 order by 1) x));
select ok((select count(distinct status) from app_public.mm_trades) >= 5, 'the randomized run reached at least 5 different states');
select is_empty('select * from app_public.verify_ledger()', 'verify_ledger: clean after 40 randomized trades (sums, escrow = live holds, no final trade holds)');
select is((select count(*) from app_public.transfers h join app_public.mm_trades t on h.id in (t.deposit_hold_id, t.seller_verify_hold_id, t.buyer_verify_hold_id)
            where t.closed_at is not null and h.status = 'pending'), 0::bigint, 'no trade in a final state holds a pending transfer');

-- The plugin webhook's recipient check, and the Discord jobs the trail queues -----------------------------------------
select is(pg_temp.error_as('coins_listener', pg_temp.g(), null, null, $$select app_hidden.mm_check_recipient('bunji_mc')$$), null,
  'a payment to the bot account (any case) passes the recipient check');
select is(pg_temp.error_as('coins_listener', pg_temp.g(), null, null, $$select app_hidden.mm_check_recipient('Someone_Else')$$) ->> 'code', 'PY006',
  'a payment to another account: PY006 payment_not_to_bot');
select is((select count(*) from graphile_worker.jobs where task_identifier like 'discord__mm%'), 0::bigint,
  'a guild without a middleman channel queues no Discord job');
select is(pg_temp.as_staff('ADMIN', $$select public_channel_id::text from app_public.mm_set_discord('public_channel', 123456789012345678, 'setting up')$$) -> 0 ->> 'public_channel_id',
  '123456789012345678', '/mm set-public-channel (ADMIN): saved and audited');
select is(pg_temp.err_staff('SUPPORT', $$select app_public.mm_set_discord('log_channel', 1, 'x y z')$$), 'PD001', 'SUPPORT cannot configure the middleman');
select is((select count(*) from graphile_worker.jobs where task_identifier = 'discord__mm_public' and queue_name = 'discord:' || pg_temp.g()), 1::bigint,
  '... the public embed is queued in the guild''s discord queue');
select pg_temp.as_member('bea', $$select 1 from app_public.mm_open_trade('start-discord')$$);
select is((select count(*) from graphile_worker.jobs j join app_public.mm_trades t on j.queue_name = 'discord:mm:' || t.id
            where j.task_identifier = 'discord__mm_ticket' and t.guild_id = pg_temp.g() and t.closed_at is null and t.status = 'open'), 1::bigint,
  'a new trade queues its ticket in the trade''s own discord queue (one ticket''s edits in order, tickets in parallel)');

-- verify_ledger notices a trade that disagrees with its holds
update app_public.mm_trades set status = 'completed', closed_at = now() where id = (select id from ids where name = 't9');
select is((select invariant from app_public.verify_ledger() where invariant like 'mm_%' limit 1), 'mm_trade_matches_holds',
  'verify_ledger reports a closed trade that still holds a pending transfer');

select * from finish();
rollback;
