begin;
select plan(77);
\ir ../lib/helpers.psql
-- The rewards shop (000002): buy_reward (escrow, idempotency, refusals, per-member limits) and staff managing the
-- catalogue through the rewards table. What happens to an order after the purchase: db/test/orders/orders.sql.
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

-- A purchase: order pending, coins held in escrow, stock reserved ------------------------------------------------------------------
insert into ids values ('p1', (pg_temp.buy(910000000000000011, 'potion', 2, 'shop-1') ->> 'order_id')::uuid);
insert into snapshots values ('after_p1', pg_temp.state());
select results_eq(
  $$select kind::text, status::text, buyer_id = pg_temp.uid(910000000000000001, 910000000000000011), seller_id, escrow, fee, fulfilment::text,
           expires_at, settled_at, fulfilment_attempts, guild_id from pg_temp.ord('p1')$$,
  $$values ('shop', 'pending', true, null::bigint, 20::bigint, 0::bigint, 'none', now() + interval '20 minutes', null::timestamptz, 0,
            910000000000000001::bigint)$$,
  'buy_reward: a pending shop order of 2 x 10 coins, no fee, expiring after the guild''s escrow_timeout_min (20)');
select results_eq(
  $$select t.status::text, t.amount, t.reason, t.debit_account_id = pg_temp.acct(910000000000000001, 910000000000000011),
           t.credit_account_id = pg_temp.acct(910000000000000001, 910000000000000011, 'escrow'), t.timeout_at = o.expires_at
      from pg_temp.ord('p1') o join app_public.transfers t on t.id = o.hold_id$$,
  $$values ('pending', 20::bigint, 'order_escrow', true, true, true)$$,
  'its hold is a pending wallet -> escrow transfer of the escrow amount, timing out with the order');
select results_eq($$select pg_temp.wallet(910000000000000001, 910000000000000011), pg_temp.bal(pg_temp.acct(910000000000000001, 910000000000000011, 'escrow')),
                           pg_temp.stock(910000000000000001, 'potion'), pg_temp.inv(910000000000000001, 910000000000000011, 'potion')$$,
  $$values (980::bigint, 20::bigint, 3, 0)$$, 'wallet 1000 -> 980, escrow 20, stock 5 -> 3, nothing in the inventory yet');
select results_eq(
  $$select l.sku, l.qty, l.unit_price, l.listing_id, l.guild_id from app_public.order_lines l where l.order_id = pg_temp.oid('p1')$$,
  $$values ('potion', 2, 10::bigint, null::uuid, 910000000000000001::bigint)$$, 'one order line: 2 potions at 10, no listing');
select results_eq(
  $$select t.type::text, t.reason, t.amount, t.actor_id, t.counterparty_id, t.meta from app_public.transactions t where t.order_id = pg_temp.oid('p1')$$,
  $$values ('buy', 'shop_purchase', 20::bigint, 910000000000000011::bigint, null::bigint, '{"sku": "potion", "qty": 2, "unit_price": 10, "fee": 0}'::jsonb)$$,
  'a buy transaction (shop_purchase) names the order, the SKU, quantity, unit price and fee');
select is((select tx_id from app_public.transfers where id = (pg_temp.ord('p1')).hold_id),
  (select tx_id from app_public.transactions where order_id = pg_temp.oid('p1')), 'the hold belongs to that transaction');

-- Idempotency ----------------------------------------------------------------------------------------------------------------------
select is(pg_temp.buy(910000000000000011, 'potion', 2, 'shop-1'), to_jsonb(pg_temp.ord('p1')),
  'a replay with the same key returns the same order');
select is(pg_temp.state(), (select state from snapshots where name = 'after_p1'), '... and moves nothing (no second hold, stock untouched)');
select is(pg_temp.buy_error(910000000000000011, 'potion', 3, 'shop-1'),
  '{"code": "IK001", "key": "idempotency_key_reused", "detail": {"key": "shop-1"}}'::jsonb, 'the same key for another quantity: IK001');
select throws_ok($$select pg_temp.buy(910000000000000011, 'scroll', 2, 'shop-1')$$, 'IK001', 'idempotency_key_reused', 'the same key for another SKU: IK001');
select is(pg_temp.buy_error(910000000000000011, 'potion', 1, null),
  '{"code": "IK002", "key": "idempotency_key_invalid", "detail": {"length": null}}'::jsonb, 'no idempotency key: IK002');
select throws_ok($$select pg_temp.buy(910000000000000011, 'potion', 1, '')$$, 'IK002', 'idempotency_key_invalid', 'an empty key: IK002');
select is(pg_temp.buy(910000000000000012, 'potion', 2, 'shop-1') ->> 'buyer_id', pg_temp.uid(910000000000000001, 910000000000000012)::text,
  'keys are per member: bob may use alice''s key for his own purchase');
select is(pg_temp.stock(910000000000000001, 'potion'), 1, 'stock 3 -> 1 after bob''s 2 potions');

-- Refusals -------------------------------------------------------------------------------------------------------------------------
insert into snapshots values ('refusals', pg_temp.state());
select is(pg_temp.buy_error(910000000000000011, 'nothing', 1, 'r-1'),
  '{"code": "RW001", "key": "reward_not_found", "detail": {"sku": "nothing"}}'::jsonb, 'an unknown SKU: RW001');
select is(pg_temp.buy_error(910000000000000011, 'hidden', 1, 'r-2'),
  '{"code": "RW001", "key": "reward_not_found", "detail": {"sku": "hidden"}}'::jsonb, 'an invisible SKU: RW001 (not revealed)');
select is(pg_temp.buy_error(910000000000000011, 'bgem', 1, 'r-3') ->> 'code', 'RW001', 'a SKU of another guild: RW001');
select is(pg_temp.buy_error(910000000000000011, 'old', 1, 'r-4'),
  jsonb_build_object('code', 'RW002', 'key', 'reward_expired', 'detail', jsonb_build_object('sku', 'old', 'expired_at', now())),
  'a SKU that expired at now(): RW002 with its expiry (expires_at <= now is expired)');
select is(pg_temp.buy_error(910000000000000011, 'potion', 2, 'r-5'),
  '{"code": "RW003", "key": "out_of_stock", "detail": {"sku": "potion", "available": 1}}'::jsonb, 'more than the stock: RW003 with what is left');
select is(pg_temp.buy_error(910000000000000011, 'potion', 0, 'r-6'),
  '{"code": "AM002", "key": "invalid_quantity", "detail": {"qty": 0}}'::jsonb, 'quantity 0: AM002');
select throws_ok($$select pg_temp.buy(910000000000000011, 'potion', -1, 'r-7')$$, 'AM002', 'invalid_quantity', 'a negative quantity: AM002');
select throws_ok($$select pg_temp.buy(910000000000000011, 'potion', null, 'r-8')$$, 'AM002', 'invalid_quantity', 'a null quantity: AM002');
select throws_ok($$select pg_temp.buy(910000000000000011, 'scroll', 1000001, 'r-9')$$, 'AM002', 'invalid_quantity', 'more than 1,000,000 units: AM002');
select is(pg_temp.buy_error(910000000000000019, 'gem', 1, 'r-10'),
  '{"code": "NF001", "key": "insufficient_funds", "detail": {"needed": 50, "available": 5, "currency": "COIN"}}'::jsonb, 'a purchase beyond the wallet: NF001');
select is(pg_temp.buy_error(910000000000000013, 'scroll', 1, 'r-11'),
  '{"code": "FZ001", "key": "account_frozen", "detail": {}}'::jsonb, 'a frozen member: FZ001');
select throws_ok($$select pg_temp.run_as('coins_player', 910000000000000001, 910000000000000088, null, $q$select app_public.buy_reward('scroll', 1, 'r-12')$q$)$$,
  'MB001', 'member_not_registered', 'a caller without an account: MB001');
select throws_ok($$select pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN', $q$select app_public.buy_reward('scroll', 1, 'r-13')$q$)$$,
  '42501', null, 'staff cannot call buy_reward (42501)');
select is(pg_temp.state(), (select state from snapshots where name = 'refusals'), 'refused purchases changed nothing (stock, ledger, keys, orders)');
select is(pg_temp.buy(910000000000000011, 'potion', 1, 'r-5') ->> 'status', 'pending', 'a refused key is not burnt: the last potion with key r-5');
select is(pg_temp.stock(910000000000000001, 'potion'), 0, 'stock 1 -> 0');
select is(pg_temp.buy_error(910000000000000012, 'potion', 1, 'r-14') -> 'detail',
  '{"sku": "potion", "available": 0}'::jsonb, 'sold out: RW003 with available 0');
select throws_ok($$update app_public.rewards set stock = -1 where sku = 'potion'$$, '23514', null, 'stock can never be negative (check constraint)');

-- Per-member limits ----------------------------------------------------------------------------------------------------------------
select is(pg_temp.buy(910000000000000011, 'badge', 2, 'd-1') ->> 'status', 'pending', 'badge: 2 per UTC day, alice buys 2 ...');
select is(pg_temp.buy_error(910000000000000011, 'badge', 1, 'd-2'),
  '{"code": "RW004", "key": "purchase_limit_reached", "detail": {"sku": "badge", "limit": 2, "period": "day", "already": 2}}'::jsonb,
  '... a third the same day: RW004 (period day, already 2)');
select is(pg_temp.buy(910000000000000012, 'badge', 2, 'd-3') ->> 'status', 'pending', 'the limit is per member: bob buys 2 too');
insert into ids values ('d1', (select o.order_id from app_public.orders o join app_public.order_lines l on l.order_id = o.order_id
                                where l.sku = 'badge' and o.buyer_id = pg_temp.uid(910000000000000001, 910000000000000011)));
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null,
    format('select status from app_public.cancel_order(%L)', pg_temp.oid('d1'))) -> 0 ->> 'status', 'cancelled', 'alice cancels her badges ...');
select is(pg_temp.buy(910000000000000011, 'badge', 2, 'd-4') ->> 'status', 'pending', '... cancelled orders do not count: she buys 2 again');
select lives_ok(format($$select pg_temp.staff('SUPPORT', 'select * from app_public.refund_order(''%s'', ''limit test'')')$$,
  (select o.order_id from app_public.orders o join app_public.order_lines l on l.order_id = o.order_id
    where l.sku = 'badge' and o.buyer_id = pg_temp.uid(910000000000000001, 910000000000000011) and o.status = 'pending')),
  'staff refund them ...');
select is(pg_temp.buy(910000000000000011, 'badge', 1, 'd-5') ->> 'status', 'pending', '... refunded orders do not count either');
insert into ids values ('d5', (select o.order_id from app_public.orders o join app_public.order_lines l on l.order_id = o.order_id
                                where l.sku = 'badge' and o.buyer_id = pg_temp.uid(910000000000000001, 910000000000000011) and o.status = 'pending'));
select is(pg_temp.worker(format('select status from app_hidden.fulfil_order(%L)', pg_temp.oid('d5'))) ->> 'status', 'fulfilled', 'that one is fulfilled ...');
select is(pg_temp.buy_error(910000000000000011, 'badge', 2, 'd-6') -> 'detail' ->> 'already', '1', '... and fulfilled orders count: 1 + 2 > 2 is RW004');
-- The UTC day: an order placed before today's UTC midnight no longer counts, one placed at midnight does. (created_at is
-- immutable once written: the timestamps trigger keeps it on UPDATE, so the test moves it with triggers off.)
update app_public.orders set created_at = now() - interval '5 days' where order_id = pg_temp.oid('d5');
select is((pg_temp.ord('d5')).created_at, now(), 'an UPDATE cannot move an order''s created_at (the timestamps trigger keeps it)');
set local session_replication_role = replica;
update app_public.orders set created_at = date_trunc('day', now(), 'UTC') - interval '1 microsecond' where order_id = pg_temp.oid('d5');
reset session_replication_role;
select is(pg_temp.buy(910000000000000011, 'badge', 2, 'd-7') ->> 'status', 'pending', 'an order placed 1 us before today''s UTC midnight does not count');
set local session_replication_role = replica;
update app_public.orders set created_at = date_trunc('day', now(), 'UTC') where order_id = pg_temp.oid('d5');
reset session_replication_role;
select is(pg_temp.buy_error(910000000000000011, 'badge', 1, 'd-8') -> 'detail', '{"sku": "badge", "limit": 2, "period": "day", "already": 3}'::jsonb,
  'one placed exactly at UTC midnight does (already 3: it and today''s 2)');
-- Back-dated purchases (the *_for rules at an explicit p_at, as the demo seed writes its history) keep their time, and the
-- per-day limit counts exactly the orders created within the UTC day of p_at (ticket: 1 per day; pia buys).
insert into ids values ('t1', (app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000019), 'ticket', 1, 't-1', now() - interval '2 days')).order_id);
select results_eq($$select created_at, updated_at, expires_at from pg_temp.ord('t1')$$,
  $$values (now() - interval '2 days', now() - interval '2 days', now() - interval '2 days' + interval '20 minutes')$$,
  'a purchase at p_at = now() - 2 days is stored with created_at = updated_at = p_at; its escrow times out 20 min after p_at');
select lives_ok($$select app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000019), 'ticket', 1, 't-2', now() - interval '1 day')$$,
  'the next UTC day''s purchase is allowed (the order of the day before does not count)');
select is(pg_temp.buy(910000000000000019, 'ticket', 1, 't-3') ->> 'status', 'pending', '... and so is today''s, through app_public.buy_reward');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000019), 'ticket', 1, 't-4', now() - interval '1 day')$$),
  '{"code": "RW004", "key": "purchase_limit_reached", "detail": {"sku": "ticket", "limit": 1, "period": "day", "already": 1}}'::jsonb,
  'a second back-dated purchase on yesterday: RW004, already 1 (that day''s order only: today''s lies after the day and does not count)');
select lives_ok($$select app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000019), 'ticket', 1, 't-5', now() - interval '3 days')$$,
  'a purchase back-dated to 3 days ago is allowed: the three later orders are outside that UTC day');
select is((select array_agg(created_at order by created_at) from app_public.orders where buyer_id = pg_temp.uid(910000000000000001, 910000000000000019)),
  array[now() - interval '3 days', now() - interval '2 days', now() - interval '1 day', now()], 'pia''s four tickets, each created at its own p_at');
select is(pg_temp.buy(910000000000000011, 'cape', 2, 'l-1') ->> 'status', 'pending', 'cape: 3 per member ever; alice buys 2 ...');
select is(pg_temp.buy_error(910000000000000011, 'cape', 2, 'l-2'),
  '{"code": "RW004", "key": "purchase_limit_reached", "detail": {"sku": "cape", "limit": 3, "period": "lifetime", "already": 2}}'::jsonb,
  '... 2 more would make 4: RW004 (period lifetime, already 2)');
insert into ids values ('l1', (select o.order_id from app_public.orders o join app_public.order_lines l on l.order_id = o.order_id
                                where l.sku = 'cape' and o.buyer_id = pg_temp.uid(910000000000000001, 910000000000000011)));
select is(pg_temp.worker(format('select status from app_hidden.fulfil_order(%L)', pg_temp.oid('l1'))) ->> 'status', 'fulfilled', 'her 2 capes are fulfilled');
select is(pg_temp.buy(910000000000000011, 'cape', 1, 'l-3') ->> 'status', 'pending', 'a third is allowed (2 fulfilled + 1 = 3)');
select is(pg_temp.buy_error(910000000000000011, 'cape', 1, 'l-4') -> 'detail' ->> 'already', '3', 'a fourth: RW004, already 3 (pending and fulfilled)');

-- Staff manage the catalogue through the rewards table (SUPERADMIN ADMIN OPERATOR; audited) --------------------------------------
-- The table's check constraint calls app_hidden.valid_limits, which coins_staff may execute.
do $$ begin perform set_config('app.reason', 'summer event', true); end $$;
select is(pg_temp.staff_error('OPERATOR',
    $$insert into app_public.rewards (guild_id, sku, name, category, price, limits) values (910000000000000001, 'ring', 'Ring', 'cosmetic', 40, '{"per_member_lifetime": 1}')$$),
  null, 'an OPERATOR inserts a reward with limits (the check constraint runs app_hidden.valid_limits with the staff''s rights)');
do $$ begin perform set_config('app.reason', '', true); end $$;
select results_eq(
  $$select action, actor_id, actor_role::text, subject_type, subject_id, before, after ->> 'price', after ->> 'guild_id', reason
      from app_public.admin_actions where action = 'insert_reward'$$,
  $$values ('insert_reward', 910000000000000090::bigint, 'OPERATOR', 'reward', 'ring', null::jsonb, '40', '910000000000000001', 'summer event')$$,
  '... audited as insert_reward (subject reward/ring, no before, the row after, the app.reason claim)');
select is(pg_temp.staff_error('ADMIN', $$update app_public.rewards set price = 45, stock = 3 where sku = 'ring'$$), null, 'an ADMIN updates it');
select results_eq(
  $$select actor_role::text, (before ->> 'price')::bigint, (after ->> 'price')::bigint, before ->> 'stock', after ->> 'stock', reason
      from app_public.admin_actions where action = 'update_reward' and subject_id = 'ring'$$,
  $$values ('ADMIN', 40::bigint, 45::bigint, null::text, '3', 'update via API')$$,
  '... audited as update_reward with before/after (reason ''update via API'' without a claim)');
select is(pg_temp.staff_error('SUPERADMIN', $$delete from app_public.rewards where sku = 'ring'$$), null, 'a SUPERADMIN deletes it');
select results_eq($$select actor_role::text, before ->> 'sku', after, reason from app_public.admin_actions where action = 'delete_reward' and subject_id = 'ring'$$,
  $$values ('SUPERADMIN', 'ring', null::jsonb, 'delete via API')$$, '... audited as delete_reward (before only)');
select is(pg_temp.staff_error('OPERATOR', $$insert into app_public.rewards (guild_id, sku, name, category, price) values (910000000000000001, 'crown', 'Crown', 'rank', 1000000000000)$$),
  null, 'the highest catalogue price, 10^12 coins, is allowed');
insert into snapshots values ('catalogue_refusals', pg_temp.state());
select is(pg_temp.staff_error('SUPPORT', $$insert into app_public.rewards (guild_id, sku, name, category, price) values (910000000000000001, 'ring', 'Ring', 'cosmetic', 40)$$),
  '{"code": "PD001", "key": "permission_denied", "detail": {"role": "SUPPORT", "required": ["SUPERADMIN", "ADMIN", "OPERATOR"]}}'::jsonb,
  'SUPPORT cannot insert a reward: PD001');
select throws_ok($$select pg_temp.staff_do('AUDITOR', 'update app_public.rewards set price = 1 where sku = ''scroll''')$$, 'PD001', 'permission_denied',
  'AUDITOR cannot update a reward: PD001');
select throws_ok($$select pg_temp.staff_do('SUPPORT', 'delete from app_public.rewards where sku = ''old''')$$, 'PD001', 'permission_denied',
  'SUPPORT cannot delete a reward: PD001');
select throws_ok($$select pg_temp.staff_do('ADMIN', 'insert into app_public.rewards (guild_id, sku, name, category, price) values (920000000000000001, ''ring'', ''Ring'', ''cosmetic'', 40)')$$,
  '42501', null, 'an ADMIN of guild A cannot insert a reward into guild B (row-level security)');
select throws_ok($$select pg_temp.staff_do('ADMIN', 'update app_public.rewards set sku = ''renamed'' where sku = ''scroll''')$$, '42501', null,
  'the SKU cannot be changed (no column grant)');
select throws_ok($$select pg_temp.staff_do('ADMIN', 'delete from app_public.rewards where sku = ''potion''')$$, '23503', null,
  'a reward that was bought cannot be deleted (foreign keys of order lines and inventory)');
select throws_ok($$select pg_temp.staff_do('OPERATOR', 'insert into app_public.rewards (guild_id, sku, name, category, price) values (910000000000000001, ''x0'', ''X'', ''cosmetic'', 0)')$$,
  '23514', null, 'a catalogue price of 0 is refused by the check constraint');
select throws_ok($$select pg_temp.staff_do('ADMIN', 'update app_public.rewards set price = 1000000000001 where sku = ''scroll''')$$,
  '23514', null, 'a catalogue price above 10^12 is refused by the check constraint');
select throws_ok($$select pg_temp.staff_do('ADMIN', 'update app_public.rewards set limits = ''{"per_member_per_day": 0}'' where sku = ''scroll''')$$,
  '23514', null, 'the limits check refuses a staff member''s zero limit (23514, not a permission error)');
select is(pg_temp.state(), (select state from snapshots where name = 'catalogue_refusals'), 'refused catalogue writes changed nothing');
-- the limits check (app_hidden.valid_limits)
select results_eq(
  $$select l::text, app_hidden.valid_limits(l::jsonb) from (values ('{}'), ('{"per_member_per_day": 1}'), ('{"per_member_lifetime": 9999999}'),
      ('{"per_member_per_day": 2, "per_member_lifetime": 5}'), ('[]'), ('"x"'), ('{"per_member_per_day": 0}'), ('{"per_member_per_day": -1}'),
      ('{"per_member_per_day": 1.5}'), ('{"per_member_per_day": "2"}'), ('{"per_member_per_day": null}'), ('{"per_member_lifetime": 10000000}'),
      ('{"per_day": 1}'), ('{"per_member_per_day": true}')) v(l)$$,
  $$values ('{}', true), ('{"per_member_per_day": 1}', true), ('{"per_member_lifetime": 9999999}', true),
           ('{"per_member_per_day": 2, "per_member_lifetime": 5}', true), ('[]', false), ('"x"', false), ('{"per_member_per_day": 0}', false),
           ('{"per_member_per_day": -1}', false), ('{"per_member_per_day": 1.5}', false), ('{"per_member_per_day": "2"}', false),
           ('{"per_member_per_day": null}', false), ('{"per_member_lifetime": 10000000}', false), ('{"per_day": 1}', false),
           ('{"per_member_per_day": true}', false)$$,
  'valid_limits: an object with optional positive integers (up to 7 digits) per_member_per_day and per_member_lifetime, nothing else');
select is(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR', $$select app_hidden.valid_limits('{"per_member_per_day": 2}') as ok$$) -> 0 -> 'ok',
  'true'::jsonb, 'staff may evaluate it themselves');
select throws_ok($$insert into app_public.rewards (guild_id, sku, name, category, price, limits) values (910000000000000001, 'x1', 'X', 'cosmetic', 1, '{"weekly": 3}')$$,
  '23514', null, 'the check constraint refuses an unknown limit');
select throws_ok($$insert into app_public.rewards (guild_id, sku, name, category, price, limits) values (910000000000000001, 'x2', 'X', 'cosmetic', 1, '[1]')$$,
  '23514', null, 'the check constraint refuses limits that are not an object');
-- The ledger is healthy after all of this --------------------------------------------------------------------------------------------
select is_empty($$select * from app_public.verify_ledger()$$, 'verify_ledger finds nothing (orders agree with their holds)');
select * from finish();
rollback;
