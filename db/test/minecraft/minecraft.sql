begin;
select plan(74);
\ir ../lib/helpers.psql
-- Minecraft (issue #6): IGN links, record_payment (replay, pairing, distinct identical payments), payouts (queued ->
-- sent -> confirmed | failed, never twice, staff resolution), vouchers (redeem = deliver, exclusive with refund), webhook
-- nonces, the direct-API refund. Amounts of MCD in cents.
-- Fixtures. Guild A = 910000000000000001: alice ...011 (IGN Alice_MC, 1000 coins), bob ...012 (no IGN); staff ...090.
-- Guild B = 920000000000000001: carol ...011 (IGN Alice_MC too: links are per guild). Catalogue of A: vouch (voucher, 15),
-- apirank (api, 15).
do $$
declare
  a bigint := 910000000000000001;
  b bigint := 920000000000000001;
begin
  perform app_private.ensure_guild(a, 'MC guild A');
  perform app_private.ensure_guild(b, 'MC guild B');
  perform app_private.ensure_member(a, 910000000000000011, 'alice');
  perform app_private.ensure_member(a, 910000000000000012, 'bob');
  perform app_private.ensure_member(b, 920000000000000011, 'carol');
  perform app_private.post_transfer(a, pg_temp.gacct(a, 'mint'), pg_temp.acct(a, 910000000000000011), 1000, 'test_mint');
  perform app_private.link_ign(a, pg_temp.uid(a, 910000000000000011), 'Alice_MC');
  perform app_private.link_ign(b, pg_temp.uid(b, 920000000000000011), 'Alice_MC');
  insert into app_public.rewards (guild_id, sku, name, category, price, fulfilment) values
    (a, 'vouch', 'Voucher', 'voucher', 15, 'voucher'),
    (a, 'apirank', 'Rank', 'rank', 15, 'api');
end $$;
create function pg_temp.mcd(p_guild bigint, p_discord bigint, p_kind text default 'wallet') returns bigint language sql as $$
  select coalesce((select a.balance from app_public.accounts a join app_public.users u on u.id = a.user_id
                    where u.guild_id = p_guild and u.discord_id = p_discord and a.currency = 'MCD' and a.kind::text = p_kind), 0) $$;
create function pg_temp.gmcd(p_guild bigint, p_kind text) returns bigint language sql as $$
  select coalesce((select balance from app_public.accounts where guild_id = p_guild and user_id is null
                    and currency = 'MCD' and kind::text = p_kind), 0) $$;
create function pg_temp.pay(p_ign text, p_amount bigint, p_source text, p_key text, p_seen timestamptz default now())
returns jsonb language sql as $$
  select pg_temp.rows_as('coins_listener', 910000000000000001, null, null,
    format('select id, status, duplicate_of, user_id from app_hidden.record_payment(%L, %s, %L, %L, %L, %L)',
      p_ign, p_amount, p_ign || ' paid you $' || (p_amount / 100.0)::text, p_seen, p_source, p_key)) -> 0 $$;
create function pg_temp.ledger() returns jsonb language sql as $$
  select jsonb_agg(jsonb_build_array(id, balance) order by id) from app_public.accounts $$;

-- Links ---------------------------------------------------------------------------------------------------------------
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select app_public.link_minecraft(910000000000000012, 'alice_mc', 'verified by payment')$$) ->> 'code', 'MC002',
  'link_minecraft: an IGN linked to another member of the guild (any case) is MC002 ign_taken');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select app_public.link_minecraft(910000000000000012, 'no spaces', 'verified by payment')$$) ->> 'code', 'MC001',
  'link_minecraft: a malformed IGN is MC001 invalid_ign');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPPORT',
    $$select app_public.link_minecraft(910000000000000012, 'Bob_MC', 'verified by payment')$$) ->> 'code', 'PD001',
  'link_minecraft: SUPPORT may not link');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_public.link_minecraft(910000000000000012, 'Bob_MC', 'verified by payment')$$) ->> 'code', '42501',
  'link_minecraft: members may not call it');

-- record_payment ------------------------------------------------------------------------------------------------------
select is(pg_temp.pay('alice_mc', 1050, 'L1:s1', '1') ->> 'status', 'credited', 'a payment from a linked IGN (any case) is credited');
select is(pg_temp.mcd(910000000000000001, 910000000000000011), 1050::bigint, '... to the member''s MCD wallet');
select is(pg_temp.gmcd(910000000000000001, 'external'), -1050::bigint, '... from the guild''s MCD external account');
select is(pg_temp.mcd(920000000000000001, 920000000000000011), 0::bigint, '... and not to the same IGN in another guild');
select is(pg_temp.pay('alice_mc', 1050, 'L1:s1', '1') ->> 'id', pg_temp.pay('alice_mc', 1050, 'L1:s1', '1') ->> 'id',
  'a replayed delivery (same source and key) returns the first row');
select is(pg_temp.mcd(910000000000000001, 910000000000000011), 1050::bigint, '... and moves nothing');
select is(pg_temp.pay('Alice_MC', 1050, 'L1:s1', '2') ->> 'status', 'credited',
  'an identical line with the next line number of the same session is a second payment');
select is(pg_temp.mcd(910000000000000001, 910000000000000011), 2100::bigint, '... and is credited too');
select is(pg_temp.pay('Alice_MC', 1050, 'webhook:p', 'e1') ->> 'status', 'duplicate',
  'the same payment delivered by another source within 30 s is a duplicate');
select is(pg_temp.pay('Alice_MC', 1050, 'webhook:p', 'e2') ->> 'status', 'duplicate',
  '... the second identical one from that source pairs with the second payment');
select is(pg_temp.pay('Alice_MC', 1050, 'webhook:p', 'e3') ->> 'status', 'credited',
  '... a third has nothing left to pair with: a new payment');
select is(pg_temp.mcd(910000000000000001, 910000000000000011), 3150::bigint, 'three payments credited, two duplicates moved nothing');
select is(pg_temp.pay('Alice_MC', 1050, 'L2:s9', 'x', now() - interval '2 minutes') ->> 'status', 'credited',
  'an identical payment seen more than 30 s apart by another source is a new payment');
select is(pg_temp.pay('Stranger', 500, 'L1:s1', '3') ->> 'status', 'unmatched', 'a payment from an unlinked IGN is unmatched');
select is(pg_temp.gmcd(910000000000000001, 'treasury'), 500::bigint, '... and sits in the guild''s MCD treasury');
create temp table before_refusals as select pg_temp.ledger() as l, (select count(*) from app_public.minecraft_payments) as n;
select is(pg_temp.error_as('coins_listener', 910000000000000001, null, null,
    $$select app_hidden.record_payment('Alice_MC', 999, 'x', now(), 'L1:s1', '1')$$) ->> 'code', 'IK001',
  'the same delivery key with a different payment is IK001');
select is(pg_temp.error_as('coins_listener', 910000000000000001, null, null,
    $$select app_hidden.record_payment('a b', 100, 'x', now(), 'L1:s1', '99')$$) ->> 'code', 'MC001', 'a malformed IGN is MC001');
select is(pg_temp.error_as('coins_listener', 910000000000000001, null, null,
    $$select app_hidden.record_payment('Alice_MC', 0, 'x', now(), 'L1:s1', '99')$$) ->> 'code', 'PY001', 'a zero amount is PY001');
select is(pg_temp.error_as('coins_listener', 910000000000000001, null, null,
    $$select app_hidden.record_payment('Alice_MC', 100, 'x', now() + interval '1 hour', 'L1:s1', '99')$$) ->> 'code', 'PY001',
  'a payment seen in the future is PY001');
select is(pg_temp.error_as('coins_listener', null, null, null,
    $$select app_hidden.record_payment('Alice_MC', 100, 'x', now(), 'L1:s1', '99')$$) ->> 'code', 'AU001', 'without a guild claim: AU001');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_hidden.record_payment('Alice_MC', 100, 'x', now(), 'L1:s1', '99')$$) ->> 'code', '42501', 'members may not record payments');
select is((select jsonb_build_array(pg_temp.ledger(), (select count(*) from app_public.minecraft_payments)) from before_refusals),
  (select jsonb_build_array(l, n) from before_refusals), 'refused payments changed no balance and recorded nothing');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null,
    'select count(*) as n from app_public.minecraft_payments') -> 0 ->> 'n', '6',
  'RLS: a member sees their own payments (credited and duplicates), not the unmatched one');
select is(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR',
    'select count(*) as n from app_public.minecraft_payments') -> 0 ->> 'n', '7', 'RLS: staff see the guild''s payments');
select is(pg_temp.error_as('coins_listener', 910000000000000001, null, null, 'select 1 from app_public.minecraft_payments') ->> 'code',
  '42501', 'the listener reads no table');

-- Staff assign an unmatched payment -------------------------------------------------------------------------------------
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPPORT',
    format('select app_public.assign_payment(%s, 910000000000000012, %L)', (select id from app_public.minecraft_payments where payer_ign = 'Stranger'), 'bob paid from an alt')) ->> 'code',
  'PD001', 'assign_payment: SUPPORT may not');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    format('select app_public.assign_payment(%s, 910000000000000012, %L)', (select min(id) from app_public.minecraft_payments), 'wrong one')) ->> 'code',
  'PY005', 'assign_payment: a credited payment is PY005');
select is(pg_temp.error_as('coins_staff', 920000000000000001, 920000000000000090, 'ADMIN',
    format('select app_public.assign_payment(%s, 920000000000000011, %L)', (select id from app_public.minecraft_payments where payer_ign = 'Stranger'), 'other guild')) ->> 'code',
  'PY004', 'assign_payment: a payment of another guild is PY004');
select is(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    format('select status, user_id from app_public.assign_payment(%s, 910000000000000012, %L)', (select id from app_public.minecraft_payments where payer_ign = 'Stranger'), 'bob paid from an alt')) -> 0,
  jsonb_build_object('status', 'credited', 'user_id', pg_temp.uid(910000000000000001, 910000000000000012)),
  'assign_payment: an ADMIN credits an unmatched payment to a member');
select is(array[pg_temp.mcd(910000000000000001, 910000000000000012), pg_temp.gmcd(910000000000000001, 'treasury')], array[500, 0]::bigint[],
  '... from the guild''s MCD treasury to the member''s MCD wallet');
select ok(exists (select 1 from app_public.admin_actions where action = 'assign_payment' and reason = 'bob paid from an alt'), '... audited');

-- Payouts -------------------------------------------------------------------------------------------------------------
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000012, null,
    $$select app_public.request_payout(100, 'p0')$$) ->> 'code', 'MC003', 'a payout without a linked IGN is MC003');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_public.request_payout(1000000, 'p0')$$) ->> 'code', 'NF001', 'a payout beyond the MCD wallet is NF001');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_public.request_payout(0, 'p0')$$) ->> 'code', 'AM001', 'a zero payout is AM001');
select is(pg_temp.mcd(910000000000000001, 910000000000000011), 4200::bigint, 'refused payouts moved nothing');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select status, ign, amount from app_public.request_payout(1000, 'p1')$$) -> 0,
  '{"status": "queued", "ign": "Alice_MC", "amount": 1000}'::jsonb, 'request_payout: a queued payout to the linked IGN');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select id from app_public.request_payout(1000, 'p1')$$) -> 0 ->> 'id',
  (select id::text from app_public.minecraft_payouts), 'a replay of the request returns the same payout');
select is(array[pg_temp.mcd(910000000000000001, 910000000000000011), pg_temp.mcd(910000000000000001, 910000000000000011, 'escrow')],
  array[3200, 1000]::bigint[], '... whose amount is held in MCD escrow (once)');
select is((select count(*) from graphile_worker.jobs where task_identifier like 'minecraft__payout/%'), 1::bigint,
  'the payout queued one minecraft__payout job');
select is(pg_temp.rows_as('coins_listener', 910000000000000001, null, null,
    format('select status from app_hidden.payout_begin(%s)', (select id from app_public.minecraft_payouts))) -> 0 ->> 'status', 'sent',
  'payout_begin claims a queued payout: sent');
select is(pg_temp.rows_as('coins_listener', 910000000000000001, null, null,
    format('select status from app_hidden.payout_begin(%s)', (select id from app_public.minecraft_payouts))), '[]'::jsonb,
  'a second payout_begin returns nothing: /pay is never sent twice');
select is(pg_temp.rows_as('coins_listener', 910000000000000001, null, null,
    format('select status from app_hidden.payout_unconfirmed(%s, %L)', (select id from app_public.minecraft_payouts), 'timeout')) -> 0 ->> 'status',
  'failed', 'no confirmation in time: failed');
select ok(exists (select 1 from app_public.ops_alerts where kind = 'payout_unconfirmed' and severity = 'critical'
                   and guild_id = 910000000000000001), '... with a critical ops alert');
select is(pg_temp.mcd(910000000000000001, 910000000000000011, 'escrow'), 1000::bigint, '... and the hold stays in escrow');
select is(pg_temp.rows_as('coins_listener', 910000000000000001, null, null,
    $$select status from app_hidden.confirm_payout('alice_mc', 1000, 'You paid Alice_MC $10.00', now())$$) -> 0 ->> 'status', 'confirmed',
  'a late confirmation settles the failed payout');
select is(array[pg_temp.mcd(910000000000000001, 910000000000000011, 'escrow'), pg_temp.gmcd(910000000000000001, 'external')],
  array[0, -3700]::bigint[], '... posting the hold to the external account');
select is(pg_temp.rows_as('coins_listener', 910000000000000001, null, null,
    $$select status from app_hidden.confirm_payout('alice_mc', 1000, 'You paid Alice_MC $10.00', now())$$), '[]'::jsonb,
  'a second confirmation line settles nothing');
-- A second payout, unconfirmed, returned by staff.
select pg_temp.run_as('coins_player', 910000000000000001, 910000000000000011, null, $$select app_public.request_payout(500, 'p2')$$);
select pg_temp.run_as('coins_listener', 910000000000000001, null, null,
  format('select app_hidden.payout_begin(%s)', (select max(id) from app_public.minecraft_payouts)));
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    format('select app_public.resolve_payout(%s, false, %L)', (select max(id) from app_public.minecraft_payouts), 'not paid in game')) ->> 'code',
  'PY003', 'resolve_payout: a payout that is still sent (not failed) is PY003');
select is(pg_temp.rows_as('coins_listener', 910000000000000001, null, null,
    'select app_hidden.fail_stale_payouts(0, now() + interval ''1 second'') as n') -> 0 ->> 'n', '1',
  'fail_stale_payouts: a sent payout older than the timeout fails');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    format('select app_public.resolve_payout(%s, false, %L)', (select max(id) from app_public.minecraft_payouts), 'not paid in game')) ->> 'code',
  'PD001', 'resolve_payout: OPERATOR may not');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000011, 'ADMIN',
    format('select app_public.resolve_payout(%s, false, %L)', (select max(id) from app_public.minecraft_payouts), 'not paid in game')) ->> 'code',
  'PD002', 'resolve_payout: staff may not resolve their own payout (separation of duties)');
select lives_ok(format($$select pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    'select app_public.resolve_payout(%s, false, ''not paid in game'')')$$, (select max(id) from app_public.minecraft_payouts)),
  'resolve_payout: an ADMIN returns an unpaid failed payout');
select is(array[pg_temp.mcd(910000000000000001, 910000000000000011), pg_temp.mcd(910000000000000001, 910000000000000011, 'escrow')],
  array[3200, 0]::bigint[], '... the escrow back in the member''s MCD wallet');
select ok(exists (select 1 from app_public.admin_actions where action = 'payout_returned'), '... audited');

-- Webhook nonces ------------------------------------------------------------------------------------------------------
select is(pg_temp.error_as('coins_listener', null, null, null,
    $$select app_hidden.claim_webhook_nonce('redeem', 'nonce-0123456789abcdef', now())$$), null, 'a fresh nonce is accepted');
select is(pg_temp.error_as('coins_listener', null, null, null,
    $$select app_hidden.claim_webhook_nonce('redeem', 'nonce-0123456789abcdef', now())$$) ->> 'code', 'WH001', 'a replayed nonce is WH001');
select is(pg_temp.error_as('coins_listener', null, null, null,
    $$select app_hidden.claim_webhook_nonce('redeem', 'nonce-fedcba9876543210', now() - interval '6 minutes')$$) ->> 'code', 'WH002',
  'a timestamp more than 5 minutes old is WH002');

-- Vouchers ------------------------------------------------------------------------------------------------------------
select pg_temp.run_as('coins_player', 910000000000000001, 910000000000000011, null, $$select app_public.buy_reward('vouch', 1, 'v1')$$);
select pg_temp.run_as('coins_player', 910000000000000001, 910000000000000011, null, $$select app_public.buy_reward('vouch', 1, 'v2')$$);
select pg_temp.run_as('coins_player', 910000000000000001, 910000000000000011, null, $$select app_public.buy_reward('apirank', 1, 'a1')$$);
create temp table v as select o.order_id, row_number() over (order by o.created_at, o.order_id) as n
  from app_public.orders o join app_public.order_lines l using (order_id) where l.sku = 'vouch';
select is(pg_temp.error_as('coins_worker', null, null, null,
    format('select app_hidden.issue_voucher(%L)', (select o.order_id from app_public.orders o join app_public.order_lines l using (order_id) where l.sku = 'apirank'))) ->> 'code',
  'VC004', 'issue_voucher on an api order is VC004');
select is(pg_temp.rows_as('coins_worker', null, null, null, format('select code from app_hidden.issue_voucher(%L)', (select order_id from v where n = 1))),
  pg_temp.rows_as('coins_worker', null, null, null, format('select code from app_hidden.issue_voucher(%L)', (select order_id from v where n = 1))),
  'issue_voucher is idempotent per order');
select pg_temp.run_as('coins_worker', null, null, null, format('select app_hidden.issue_voucher(%L)', (select order_id from v where n = 2)));
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR',
    'select code from app_public.vouchers') ->> 'code', '42501',
  'staff may not read voucher codes (a bearer credential: typed in game, it delivers the buyer''s order)');
select is(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPERADMIN',
    format('select status, buyer_id from app_public.vouchers where order_id = %L', (select order_id from v where n = 2))) -> 0 ->> 'status',
  'pending', '... but read every other voucher column');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null,
    format('select code from app_public.vouchers where order_id = %L', (select order_id from v where n = 2))) -> 0 ->> 'code',
  (select code::text from app_public.vouchers where order_id = (select order_id from v where n = 2)), 'the buyer reads their voucher''s code');
select is(pg_temp.rows_as('coins_listener', null, null, null,
    format('select status from app_hidden.redeem_voucher(%L, %L)', (select code from app_public.vouchers where order_id = (select order_id from v where n = 1)), 'Alice_MC')) -> 0 ->> 'status',
  'redeemed', 'redeem_voucher redeems');
select is((select status::text from app_public.orders where order_id = (select order_id from v where n = 1)), 'fulfilled', '... and fulfils the order');
select is(pg_temp.error_as('coins_listener', null, null, null,
    format('select app_hidden.redeem_voucher(%L, %L)', (select code from app_public.vouchers where order_id = (select order_id from v where n = 1)), 'Alice_MC')) ->> 'code',
  'VC002', 'a second redemption is VC002');
select is(pg_temp.error_as('coins_listener', null, null, null,
    $$select app_hidden.redeem_voucher(gen_random_uuid(), 'x')$$) ->> 'code', 'VC001', 'an unknown code is VC001');
select is(pg_temp.rows_as('coins_worker', null, null, null, 'select app_hidden.refund_expired_orders(now() + interval ''73 hours'') as n') -> 0 ->> 'n',
  '2', 'the escrow timeout (VOUCHER_TIMEOUT_H) refunds the unredeemed voucher order and the api order');
select is((select status::text from app_public.vouchers where order_id = (select order_id from v where n = 2)), 'void', '... and voids its voucher');
select is(pg_temp.error_as('coins_listener', null, null, null,
    format('select app_hidden.redeem_voucher(%L, %L)', (select code from app_public.vouchers where order_id = (select order_id from v where n = 2)), 'Alice_MC')) ->> 'code',
  'VC003', 'redeeming a voided voucher is VC003');

select is_empty('select * from app_public.verify_ledger()', 'verify_ledger: clean after payments, payouts, vouchers and refunds');
select * from finish();
rollback;
