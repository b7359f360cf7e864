begin;
select plan(67);
\ir ../lib/helpers.psql
-- Orders after a shop purchase (000002): the orders__fulfil job body (app_hidden.fulfil_order), cancel_order by the
-- buyer, staff refund / force-fulfil per role, separation of duties, fulfilment kinds api and voucher. The purchase
-- rules themselves: db/test/shop/shop.sql.
-- Fixtures. Guild A = 910000000000000001 (escrow_timeout_min 20, voucher_timeout_h 72): alice ...011 and bob ...012 (1000 coins each),
-- frank ...013 (1000 coins, frozen), pia ...019 (5 coins); staff ...090. Guild B = 920000000000000001: carol ...011.
-- Catalogue of guild A: potion 10 (stock 5), badge 20 (2 per member per UTC day), cape 30 (3 per member, lifetime),
-- scroll 5 (unlimited), gem 50 (stock 10), hidden 10 (invisible), old 10 (expired at now()), voucher 15 (fulfilment
-- voucher), api 15 (fulfilment api, with a command payload), ticket 1 (1 per member per UTC day). Guild B: bgem 10.
do $$
declare
  a bigint := 910000000000000001;
  b bigint := 920000000000000001;
begin
  perform app_private.ensure_guild(a, 'Shop guild A');
  perform app_private.ensure_guild(b, 'Shop guild B');
  update app_public.guild_settings set escrow_timeout_min = 20 where guild_id = a;
  perform app_private.ensure_member(a, 910000000000000011, 'alice');
  perform app_private.ensure_member(a, 910000000000000012, 'bob');
  perform app_private.ensure_member(a, 910000000000000013, 'frank');
  perform app_private.ensure_member(a, 910000000000000019, 'pia');
  perform app_private.ensure_member(b, 920000000000000011, 'carol');
  perform app_private.post_transfer(a, pg_temp.gacct(a, 'mint'), pg_temp.acct(a, 910000000000000011), 1000, 'test_mint');
  perform app_private.post_transfer(a, pg_temp.gacct(a, 'mint'), pg_temp.acct(a, 910000000000000012), 1000, 'test_mint');
  perform app_private.post_transfer(a, pg_temp.gacct(a, 'mint'), pg_temp.acct(a, 910000000000000013), 1000, 'test_mint');
  perform app_private.post_transfer(a, pg_temp.gacct(a, 'mint'), pg_temp.acct(a, 910000000000000019), 5, 'test_mint');
  perform app_private.post_transfer(b, pg_temp.gacct(b, 'mint'), pg_temp.acct(b, 920000000000000011), 100, 'test_mint');
  update app_public.users set frozen = true where id = pg_temp.uid(a, 910000000000000013);
  insert into app_public.rewards (guild_id, sku, name, category, price, stock, limits, visible, expires_at, fulfilment) values
    (a, 'potion', 'Potion', 'cosmetic', 10, 5, '{}', true, null, 'none'),
    (a, 'badge', 'Badge', 'rank', 20, null, '{"per_member_per_day": 2}', true, null, 'none'),
    (a, 'cape', 'Cape', 'cosmetic', 30, null, '{"per_member_lifetime": 3}', true, null, 'none'),
    (a, 'scroll', 'Scroll', 'cosmetic', 5, null, '{}', true, null, 'none'),
    (a, 'gem', 'Gem', 'money', 50, 10, '{}', true, null, 'none'),
    (a, 'hidden', 'Hidden', 'cosmetic', 10, null, '{}', false, null, 'none'),
    (a, 'old', 'Old', 'cosmetic', 10, null, '{}', true, now(), 'none'),
    (a, 'voucher', 'Voucher', 'voucher', 15, null, '{}', true, null, 'voucher'),
    (a, 'api', 'Rank via API', 'rank', 15, null, '{}', true, null, 'api'),
    (a, 'ticket', 'Ticket', 'voucher', 1, null, '{"per_member_per_day": 1}', true, null, 'none'),
    (b, 'bgem', 'Gem of B', 'money', 10, null, '{}', true, null, 'none');
  update app_public.rewards set payload = '{"command": "lp user {player} parent add vip"}' where guild_id = a and sku = 'api';
end $$;
create temp table ids (name text primary key, id uuid);
-- buy_reward as a member of guild A: the order (jsonb), or the error
create function pg_temp.buy(p_discord bigint, p_sku text, p_qty integer, p_key text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_player', 910000000000000001, p_discord, null,
    format('select * from app_public.buy_reward(%L, %s, %L)', p_sku, coalesce(p_qty::text, 'null'), p_key)) -> 0 $$;
create function pg_temp.buy_error(p_discord bigint, p_sku text, p_qty integer, p_key text) returns jsonb language sql as $$
  select pg_temp.error_as('coins_player', 910000000000000001, p_discord, null,
    format('select * from app_public.buy_reward(%L, %s, %L)', p_sku, coalesce(p_qty::text, 'null'), p_key)) $$;
create function pg_temp.buy_id(p_name text, p_discord bigint, p_sku text, p_qty integer, p_key text) returns uuid language sql as $$
  insert into ids values (p_name, (pg_temp.buy(p_discord, p_sku, p_qty, p_key) ->> 'order_id')::uuid) returning id $$;
create function pg_temp.oid(p_name text) returns uuid language sql as $$ select id from ids where name = p_name $$;
-- the worker and staff of guild A (actor ...090)
create function pg_temp.worker(p_sql text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_worker', null, null, null, p_sql) -> 0 $$;
create function pg_temp.staff(p_role text, p_sql text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, p_role, p_sql) -> 0 $$;
create function pg_temp.staff_error(p_role text, p_sql text) returns jsonb language sql as $$
  select pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, p_role, p_sql) $$;
create function pg_temp.staff_do(p_role text, p_sql text) returns bigint language sql as $$
  select pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, p_role, p_sql) $$;
create function pg_temp.ord(p_name text) returns app_public.orders language sql as $$
  select * from app_public.orders where order_id = pg_temp.oid(p_name) $$;

-- Setup: the purchases that db/test/shop/shop.sql asserts on (its refused and limit-testing purchases aside).
insert into ids values ('p1', (pg_temp.buy(910000000000000011, 'potion', 2, 'shop-1') ->> 'order_id')::uuid);
insert into snapshots values ('after_p1', pg_temp.state());
insert into snapshots values ('refusals', pg_temp.state());
insert into ids values ('d1', (select o.order_id from app_public.orders o join app_public.order_lines l on l.order_id = o.order_id
                                where l.sku = 'badge' and o.buyer_id = pg_temp.uid(910000000000000001, 910000000000000011)));
insert into ids values ('d5', (select o.order_id from app_public.orders o join app_public.order_lines l on l.order_id = o.order_id
                                where l.sku = 'badge' and o.buyer_id = pg_temp.uid(910000000000000001, 910000000000000011) and o.status = 'pending'));
update app_public.orders set created_at = now() - interval '5 days' where order_id = pg_temp.oid('d5');
set local session_replication_role = replica;
update app_public.orders set created_at = date_trunc('day', now(), 'UTC') - interval '1 microsecond' where order_id = pg_temp.oid('d5');
reset session_replication_role;
set local session_replication_role = replica;
update app_public.orders set created_at = date_trunc('day', now(), 'UTC') where order_id = pg_temp.oid('d5');
reset session_replication_role;
insert into ids values ('t1', (app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000019), 'ticket', 1, 't-1', now() - interval '2 days')).order_id);
insert into ids values ('l1', (select o.order_id from app_public.orders o join app_public.order_lines l on l.order_id = o.order_id
                                where l.sku = 'cape' and o.buyer_id = pg_temp.uid(910000000000000001, 910000000000000011)));

-- Fulfilment by the worker (app_hidden.fulfil_order) -------------------------------------------------------------------------------------
select throws_ok($$select pg_temp.worker('select count(*) from app_public.orders')$$, '42501', null,
  'the worker role cannot read the orders table (it passes ids to its functions)');
insert into snapshots values ('before_fulfil', pg_temp.state());
select results_eq(
  format($$select status, settled_by, settle_reason, fulfilment_attempts from jsonb_to_record(pg_temp.worker('select * from app_hidden.fulfil_order(''%s'')'))
            as (status text, settled_by bigint, settle_reason text, fulfilment_attempts int)$$, pg_temp.oid('p1')),
  $$values ('fulfilled', null::bigint, 'fulfilled', 1)$$, 'app_hidden.fulfil_order (as coins_worker) fulfils the pending order of kind none without a delivery reference: no actor, attempt 1');
select results_eq(
  $$select o.settled_at, h.status::text, h.resolved_at, l.amount, l.reason, l.credit_account_id = pg_temp.gacct(910000000000000001, 'treasury')
      from pg_temp.ord('p1') o join app_public.transfers h on h.id = o.hold_id join app_public.transfers l on l.pending_id = h.id$$,
  $$values (now(), 'posted', now(), 20::bigint, 'shop_revenue', true)$$,
  'the hold is posted: one leg of 20 from escrow to the guild treasury (shop_revenue)');
select results_eq(
  $$select pg_temp.bal(pg_temp.acct(910000000000000001, 910000000000000011, 'escrow')),
           (select coalesce(sum(escrow), 0)::bigint from app_public.orders where buyer_id = pg_temp.uid(910000000000000001, 910000000000000011) and status = 'pending'),
           pg_temp.inv(910000000000000001, 910000000000000011, 'potion'), pg_temp.stock(910000000000000001, 'potion')$$,
  $$values (0::bigint, 0::bigint, 2, 3)$$,
  'the escrow keeps only her other pending orders (none here), the inventory gets the 2 potions, the stock is untouched (5 - 2 reserved at purchase)');
select results_eq(
  $$select t.type::text, t.reason, t.amount, t.actor_id, t.meta from app_public.transactions t where t.order_id = pg_temp.oid('p1') and t.type = 'fulfil'$$,
  $$values ('fulfil', 'shop_fulfilled', 20::bigint, null::bigint, '{"sku": "potion", "qty": 2, "unit_price": 10, "fee": 0, "net": 20}'::jsonb)$$,
  'a fulfil transaction (shop_fulfilled) records it');
insert into snapshots values ('after_fulfil', pg_temp.state());
select is(pg_temp.worker(format('select status from app_hidden.fulfil_order(%L)', pg_temp.oid('p1'))) ->> 'status', 'fulfilled',
  'a second run of the job returns the fulfilled order ...');
select is(pg_temp.state(), (select state from snapshots where name = 'after_fulfil'), '... and does nothing');
select is(pg_temp.worker(format('select order_id from app_hidden.fulfil_order(%L)', gen_random_uuid())) ->> 'order_id', null,
  'a job for a missing order does nothing (null order)');
select throws_ok(format($$select app_private.fulfil_order_core(%L, null, 'again')$$, pg_temp.oid('p1')),
  'OR002', 'order_not_pending', 'fulfil_order_core on a fulfilled order: OR002');

-- cancel_order by the buyer ----------------------------------------------------------------------------------------------------------
update app_public.rewards set stock = 4 where guild_id = 910000000000000001 and sku = 'potion';
do $$ begin perform pg_temp.buy_id('c1', 910000000000000012, 'potion', 3, 'c-1'); end $$;
select results_eq($$select pg_temp.stock(910000000000000001, 'potion'), pg_temp.wallet(910000000000000001, 910000000000000012)$$,
  $$values (1, 970::bigint)$$, 'bob buys 3 potions: stock 4 -> 1, wallet 1000 -> 970');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null, format('select app_public.cancel_order(%L)', pg_temp.oid('c1'))),
  jsonb_build_object('code', 'OR001', 'key', 'order_not_found', 'detail', jsonb_build_object('order_id', pg_temp.oid('c1'))),
  'alice cannot cancel bob''s order: OR001 (as if it did not exist)');
select throws_ok(format($$select pg_temp.run_as('coins_player', 910000000000000001, 910000000000000012, null, 'select app_public.cancel_order(''%s'')')$$, gen_random_uuid()),
  'OR001', 'order_not_found', 'an unknown order: OR001');
select results_eq(
  format($$select status, settled_by, settle_reason from jsonb_to_record(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000012, null,
            'select * from app_public.cancel_order(''%s'')') -> 0) as (status text, settled_by bigint, settle_reason text)$$, pg_temp.oid('c1')),
  $$values ('cancelled', 910000000000000012::bigint, 'cancelled by the buyer')$$, 'bob cancels his order');
select results_eq(
  $$select pg_temp.stock(910000000000000001, 'potion'), pg_temp.wallet(910000000000000001, 910000000000000012), h.status::text, l.amount, l.reason,
           l.credit_account_id = pg_temp.acct(910000000000000001, 910000000000000012)
      from pg_temp.ord('c1') o join app_public.transfers h on h.id = o.hold_id join app_public.transfers l on l.pending_id = h.id$$,
  $$values (4, 1000::bigint, 'voided', 30::bigint, 'order_refund', true)$$, 'the escrow is back in his wallet (hold voided) and the stock restored');
select results_eq($$select type::text, reason, amount from app_public.transactions where order_id = pg_temp.oid('c1') order by seq$$,
  $$values ('buy', 'shop_purchase', 30::bigint), ('refund', 'order_cancelled', 30::bigint)$$, 'a refund transaction (order_cancelled) follows the purchase');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000012, null, format('select app_public.cancel_order(%L)', pg_temp.oid('c1'))),
  '{"code": "OR002", "key": "order_not_pending", "detail": {"status": "cancelled"}}'::jsonb, 'cancelling it again: OR002 (status cancelled)');
select throws_ok(format($$select pg_temp.run_as('coins_player', 910000000000000001, 910000000000000011, null, 'select app_public.cancel_order(''%s'')')$$, pg_temp.oid('p1')),
  'OR002', 'order_not_pending', 'cancelling a fulfilled order: OR002');

-- Staff overrides: refund_order (SUPERADMIN ADMIN OPERATOR SUPPORT) and fulfil_order (SUPERADMIN ADMIN OPERATOR) --------------------
create temp table matrix (ord int, staff_role text, may_refund boolean, may_fulfil boolean);
insert into matrix values (1, 'SUPERADMIN', true, true), (2, 'ADMIN', true, true), (3, 'OPERATOR', true, true),
  (4, 'SUPPORT', true, false), (5, 'AUDITOR', false, false);
create function pg_temp.run_matrix() returns setof text language plpgsql as $$
declare
  r record;
  v_refund uuid;
  v_fulfil uuid;
begin
  for r in select * from matrix order by ord loop
    v_refund := pg_temp.buy_id('mr-' || r.ord, 910000000000000012, 'scroll', 1, 'mr-' || r.ord);
    v_fulfil := pg_temp.buy_id('mf-' || r.ord, 910000000000000012, 'scroll', 1, 'mf-' || r.ord);
    if r.may_refund then
      return next is(pg_temp.staff(r.staff_role, format('select status from app_public.refund_order(%L, ''matrix refund'')', v_refund)) ->> 'status',
        'refunded', format('refund_order as %s is allowed', r.staff_role));
    else
      return next throws_ok(format($f$select pg_temp.staff(%L, 'select app_public.refund_order(''%s'', ''matrix refund'')')$f$, r.staff_role, v_refund),
        'PD001', 'permission_denied', format('refund_order as %s: PD001', r.staff_role));
    end if;
    if r.may_fulfil then
      return next is(pg_temp.staff(r.staff_role, format('select status from app_public.fulfil_order(%L, ''matrix fulfil'')', v_fulfil)) ->> 'status',
        'fulfilled', format('fulfil_order as %s is allowed', r.staff_role));
    else
      return next throws_ok(format($f$select pg_temp.staff(%L, 'select app_public.fulfil_order(''%s'', ''matrix fulfil'')')$f$, r.staff_role, v_fulfil),
        'PD001', 'permission_denied', format('fulfil_order as %s: PD001', r.staff_role));
    end if;
  end loop;
end $$;
select * from pg_temp.run_matrix();
select is((select array_agg(status::text order by name) from ids join app_public.orders o on o.order_id = ids.id where name like 'm%'),
  array['fulfilled', 'fulfilled', 'fulfilled', 'pending', 'pending', 'refunded', 'refunded', 'refunded', 'refunded', 'pending'],
  'the allowed overrides settled their orders, the refused ones left them pending');
select results_eq(
  $$select a.action, a.actor_id, a.actor_role::text, a.subject_type, a.reason, a.before ->> 'status', a.after ->> 'status',
           a.after -> 'lines' -> 0 ->> 'sku', (a.after ->> 'settled_by')::bigint
      from app_public.admin_actions a where a.subject_id = pg_temp.oid('mr-4')::text$$,
  $$values ('refund_order', 910000000000000090::bigint, 'SUPPORT', 'order', 'matrix refund', 'pending', 'refunded', 'scroll', 910000000000000090::bigint)$$,
  'a staff refund is audited: refund_order by SUPPORT, before pending / after refunded (with the lines), the reason');
select results_eq(
  $$select a.action, a.actor_role::text, a.before ->> 'status', a.after ->> 'status', o.settle_reason
      from app_public.admin_actions a join app_public.orders o on o.order_id::text = a.subject_id where a.subject_id = pg_temp.oid('mf-3')::text$$,
  $$values ('force_fulfil', 'OPERATOR', 'pending', 'fulfilled', 'matrix fulfil')$$,
  'a forced fulfilment is audited as force_fulfil with before/after; the order keeps the reason');
select is((select count(*) from app_public.admin_actions where subject_type = 'order' and reason like 'matrix%'), 7::bigint,
  'one audit row per allowed override (4 refunds + 3 fulfilments), none for the refused ones');
insert into ids values ('b1', (app_private.buy_reward_for(pg_temp.uid(920000000000000001, 920000000000000011), 'bgem', 1, 'b-1')).order_id);
insert into snapshots values ('staff_refusals', pg_temp.state());
select is(pg_temp.staff_error('ADMIN', format('select app_public.refund_order(%L, null)', pg_temp.oid('mr-5'))),
  '{"code": "RS001", "key": "reason_required", "detail": {}}'::jsonb, 'refund without a reason: RS001');
select throws_ok(format($$select pg_temp.staff('ADMIN', 'select app_public.fulfil_order(''%s'', ''ab'')')$$, pg_temp.oid('mr-5')),
  'RS001', 'reason_required', 'force fulfil with a 2-character reason: RS001');
select is(pg_temp.staff_error('ADMIN', format('select app_public.refund_order(%L, ''done already'')', pg_temp.oid('mr-1'))),
  '{"code": "OR002", "key": "order_not_pending", "detail": {"status": "refunded"}}'::jsonb, 'refunding a refunded order: OR002');
select throws_ok(format($$select pg_temp.staff('ADMIN', 'select app_public.fulfil_order(''%s'', ''once more'')')$$, pg_temp.oid('mf-1')),
  'OR002', 'order_not_pending', 'fulfilling a fulfilled order: OR002');
select is(pg_temp.staff_error('SUPERADMIN', format('select app_public.refund_order(%L, ''other guild'')', pg_temp.oid('b1'))) ->> 'code', 'OR001',
  'staff of guild A cannot refund an order of guild B: OR001');
select throws_ok(format($$select pg_temp.run_as('coins_player', 910000000000000001, 910000000000000012, null, 'select app_public.refund_order(''%s'', ''mine'')')$$, pg_temp.oid('mr-5')),
  '42501', null, 'a member cannot call refund_order (42501)');
select is(pg_temp.state(), (select state from snapshots where name = 'staff_refusals'), 'refused overrides changed nothing');

-- The rules' own writes are not direct staff writes: the rewards staff trigger (permission check and audit) fires only
-- when coins_staff writes the table itself. Purchases take a stocked reward's stock and refunds restore it, SUPPORT's
-- too (SUPPORT may not edit the catalogue), and none of it is audited as an edit of the reward.
create temp table audit_mark as select coalesce(max(id), 0) as id from app_public.admin_actions;
do $$ begin perform pg_temp.buy_id('s1', 910000000000000012, 'gem', 1, 's-1'); perform pg_temp.buy_id('s2', 910000000000000012, 'gem', 2, 's-2'); end $$;
select is(pg_temp.stock(910000000000000001, 'gem'), 7, 'bob buys 1 + 2 gems: stock 10 -> 7');
select is(pg_temp.staff('SUPPORT', format('select status from app_public.refund_order(%L, ''customer request'')', pg_temp.oid('s1'))) ->> 'status',
  'refunded', 'SUPPORT refunds a shop order of a reward with a stock');
select is(pg_temp.staff('OPERATOR', format('select status from app_public.refund_order(%L, ''customer request'')', pg_temp.oid('s2'))) ->> 'status',
  'refunded', 'an OPERATOR refunds the other one');
select is(pg_temp.stock(910000000000000001, 'gem'), 10, 'the refunds restored the stock (7 -> 10)');
select results_eq($$select action, subject_type, subject_id, actor_role::text, reason from app_public.admin_actions
                     where id > (select id from audit_mark) order by id$$,
  $$values ('refund_order', 'order', pg_temp.oid('s1')::text, 'SUPPORT', 'customer request'),
           ('refund_order', 'order', pg_temp.oid('s2')::text, 'OPERATOR', 'customer request')$$,
  'the purchases and refunds wrote exactly the two refund_order audit rows: no update_reward for the stock they moved');

-- Separation of duties: a staff member never overrides an order they are party to (PD002, as admin_adjust and freeze
-- refuse their own account); another staff member may.
do $$ begin
  perform app_private.ensure_member(910000000000000001, 910000000000000090, 'staffer');
  perform app_private.post_transfer(910000000000000001, pg_temp.gacct(910000000000000001, 'mint'), pg_temp.acct(910000000000000001, 910000000000000090), 100, 'test_mint');
end $$;
insert into ids values
  ('own1', (app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000090), 'scroll', 1, 'own-1')).order_id),
  ('own2', (app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000090), 'scroll', 1, 'own-2')).order_id);
insert into snapshots values ('own_orders', pg_temp.state());
select is(pg_temp.staff_error('SUPPORT', format('select app_public.refund_order(%L, ''my own order'')', pg_temp.oid('own1'))),
  '{"code": "PD002", "key": "self_action_forbidden", "detail": {}}'::jsonb, 'SUPPORT refunding their own order: PD002 self_action_forbidden');
select is(pg_temp.staff_error('OPERATOR', format('select app_public.fulfil_order(%L, ''my own order'')', pg_temp.oid('own2'))),
  '{"code": "PD002", "key": "self_action_forbidden", "detail": {}}'::jsonb, 'an OPERATOR force-fulfilling their own order: PD002');
select is(pg_temp.staff_error('SUPERADMIN', format('select app_public.refund_order(%L, ''my own order'')', pg_temp.oid('own2'))) ->> 'code', 'PD002',
  'whatever the role (SUPERADMIN refunding): PD002');
select is(pg_temp.staff_error('SUPPORT', format('select app_public.refund_order(%L, null)', pg_temp.oid('own1'))) ->> 'code', 'RS001',
  'the reason is checked first: RS001 without one');
select is(pg_temp.state(), (select state from snapshots where name = 'own_orders'), 'the refused overrides changed nothing');
select results_eq(
  format($$select (pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000091, 'SUPPORT', 'select status from app_public.refund_order(''%s'', ''customer request'')') -> 0 ->> 'status'),
                  (pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000091, 'OPERATOR', 'select status from app_public.fulfil_order(''%s'', ''customer request'')') -> 0 ->> 'status')$$,
    pg_temp.oid('own1'), pg_temp.oid('own2')),
  $$values ('refunded', 'fulfilled')$$, 'another staff member (...091) refunds one and force-fulfils the other');

-- Fulfilment kinds api and voucher ---------------------------------------------------------------------------------------------------
do $$ begin perform pg_temp.buy_id('v1', 910000000000000011, 'voucher', 1, 'v-1'); end $$;
do $$ begin perform pg_temp.buy_id('a1', 910000000000000011, 'api', 1, 'a-1'); end $$;
select results_eq($$select fulfilment::text, status::text from app_public.orders where order_id in (pg_temp.oid('v1'), pg_temp.oid('a1')) order by 1$$,
  $$values ('api', 'pending'), ('voucher', 'pending')$$, 'orders of voucher and api rewards carry their fulfilment kind and start pending');
select results_eq($$select (pg_temp.ord('v1')).expires_at, (select timeout_at from app_public.transfers where id = (pg_temp.ord('v1')).hold_id),
                           (pg_temp.ord('a1')).expires_at$$,
  $$values (now() + interval '72 hours', now() + interval '72 hours', now() + interval '20 minutes')$$,
  'a voucher order (and its hold) waits voucher_timeout_h (72 h) for the redemption; an api order times out after escrow_timeout_min (20 min)');
update app_public.guild_settings set voucher_timeout_h = 48 where guild_id = 910000000000000001;
do $$ begin perform pg_temp.buy_id('v2', 910000000000000012, 'voucher', 1, 'v-2'); end $$;
select is((pg_temp.ord('v2')).expires_at, now() + interval '48 hours', 'the voucher timeout follows the guild''s voucher_timeout_h (48 h)');
select is((select count(*) from graphile_worker.jobs where key in ('orders__fulfil:' || pg_temp.oid('v1'), 'orders__fulfil:' || pg_temp.oid('a1'))), 2::bigint,
  'each of them queued an orders__fulfil job like any order');
-- app_hidden.order_for_fulfilment: what the job reads to pick its adapter (coins_worker only)
create function pg_temp.for_fulfilment(p_order uuid) returns table (order_id uuid, guild_id bigint, kind text, status text, fulfilment text,
  buyer_discord_id bigint, seller_discord_id bigint, escrow bigint, expires_at timestamptz, fulfilment_attempts int, lines jsonb) language sql as $$
  select * from jsonb_to_recordset(pg_temp.rows_as('coins_worker', null, null, null, format('select * from app_hidden.order_for_fulfilment(%L)', p_order)))
    as (order_id uuid, guild_id bigint, kind text, status text, fulfilment text, buyer_discord_id bigint, seller_discord_id bigint, escrow bigint,
        expires_at timestamptz, fulfilment_attempts int, lines jsonb) $$;
select results_eq($$select * from pg_temp.for_fulfilment(pg_temp.oid('a1'))$$,
  $$values (pg_temp.oid('a1'), 910000000000000001::bigint, 'shop', 'pending', 'api', 910000000000000011::bigint, null::bigint, 15::bigint,
            now() + interval '20 minutes', 0,
            '[{"sku": "api", "qty": 1, "unit_price": 15, "listing_id": null, "category": "rank", "payload": {"command": "lp user {player} parent add vip"}}]'::jsonb)$$,
  'order_for_fulfilment (as coins_worker): status, kind, fulfilment, buyer (no seller: shop), escrow, expiry, attempts, and the lines with the reward''s category and payload');
select is_empty($$select * from pg_temp.for_fulfilment(gen_random_uuid())$$, 'order_for_fulfilment of an unknown order: no row');
select throws_ok(format($$select pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPERADMIN', 'select * from app_hidden.order_for_fulfilment(''%s'')')$$, pg_temp.oid('a1')),
  '42501', null, 'staff cannot call order_for_fulfilment (42501: the worker''s only)');
select throws_ok(format($$select pg_temp.run_as('coins_player', 910000000000000001, 910000000000000011, null, 'select * from app_hidden.order_for_fulfilment(''%s'')')$$, pg_temp.oid('a1')),
  '42501', null, 'nor can the buyer (42501)');
-- The job body delivers api and voucher orders only with the adapter's proof of delivery
insert into snapshots values ('unconfirmed', pg_temp.state());
select is(pg_temp.error_as('coins_worker', null, null, null, format('select app_hidden.fulfil_order(%L)', pg_temp.oid('v1'))),
  jsonb_build_object('code', 'OR003', 'key', 'fulfilment_unconfirmed', 'detail', jsonb_build_object('order_id', pg_temp.oid('v1'), 'fulfilment', 'voucher')),
  'app_hidden.fulfil_order of a voucher order without a delivery reference: OR003 fulfilment_unconfirmed with the order and its kind');
select is(pg_temp.error_as('coins_worker', null, null, null, format('select app_hidden.fulfil_order(%L, null)', pg_temp.oid('a1'))),
  jsonb_build_object('code', 'OR003', 'key', 'fulfilment_unconfirmed', 'detail', jsonb_build_object('order_id', pg_temp.oid('a1'), 'fulfilment', 'api')),
  '... of an api order with a null reference: OR003');
select is(pg_temp.error_as('coins_worker', null, null, null, format('select app_hidden.fulfil_order(%L, '' '')', pg_temp.oid('a1'))) ->> 'code', 'OR003',
  '... with a blank reference: OR003');
select is(pg_temp.state(), (select state from snapshots where name = 'unconfirmed'), 'the unconfirmed fulfilments changed nothing (still pending, nothing delivered)');
select results_eq(
  format($$select status, settled_by, settle_reason, fulfilment_attempts from jsonb_to_record(pg_temp.worker('select * from app_hidden.fulfil_order(''%s'', ''VCH-1234-ABCD'')'))
            as (status text, settled_by bigint, settle_reason text, fulfilment_attempts int)$$, pg_temp.oid('v1')),
  $$values ('fulfilled', null::bigint, 'delivered: VCH-1234-ABCD', 1)$$, 'with the redemption''s reference the voucher order is fulfilled (settle_reason delivered: <ref>)');
select results_eq(
  format($$select status, settle_reason from jsonb_to_record(pg_temp.worker('select * from app_hidden.fulfil_order(''%s'', ''mc-api:req-42'')'))
            as (status text, settle_reason text)$$, pg_temp.oid('a1')),
  $$values ('fulfilled', 'delivered: mc-api:req-42')$$, '... and the api order with the API''s confirmation');
select results_eq($$select pg_temp.inv(910000000000000001, 910000000000000011, 'voucher'), pg_temp.inv(910000000000000001, 910000000000000011, 'api')$$,
  $$values (1, 1)$$, '... the voucher and the API rank land in the inventory');
select results_eq($$select status, fulfilment_attempts from pg_temp.for_fulfilment(pg_temp.oid('a1'))$$, $$values ('fulfilled', 1)$$,
  'order_for_fulfilment then reports it fulfilled (a retried job skips it)');
insert into ids values ('a2', (app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000011), 'api', 1, 'a-2', now() - interval '1 hour')).order_id);
select results_eq(format($$select status, settle_reason from jsonb_to_record(pg_temp.worker('select * from app_hidden.fulfil_order(''%s'')')) as (status text, settle_reason text)$$,
    pg_temp.oid('a2')),
  $$values ('refunded', 'escrow_timeout')$$, 'an expired api order is refunded by the job body, with or without a reference (the expiry comes first)');
-- The ledger is healthy after all of this --------------------------------------------------------------------------------------------
select is_empty($$select * from app_public.verify_ledger()$$, 'verify_ledger finds nothing (orders agree with their holds)');
select * from finish();
rollback;
