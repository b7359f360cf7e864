begin;
select plan(131);
\ir ../lib/helpers.psql
-- The marketplace (000002): create_listing, buy_listing, fulfilment and refunds of market orders, cancel_listing,
-- edit_listing_price and the listings__expire job body. Rules run through the app_private *_for functions at explicit
-- times where time matters, and through the public functions (as coins_player / coins_staff) where the caller matters.
-- Fixtures. Guild A = 910000000000000001, scarcity off (scarcity_target 0: the reference price is the catalogue price,
-- or the 7-day median once there are sales), other pricing defaults (floor 0.70, fees 0.10 / 0.08 / 0.12, ratio 1.25,
-- 14 days). Catalogue: sword 100, shield 40, soulbound 50 (not tradable). Members: sam ...021 (the seller: 20 swords,
-- 10 shields, 2 soulbound, no coins), bea ...022 and ben ...023 (2000 coins each), fay ...024 (2000 coins, 2 swords,
-- frozen), pia ...029 (10 coins); staff ...090 (later also a member who sells: separation of duties) and ...091. Guild B = 920000000000000001: carol ...021 lists a sword there.
do $$
declare
  a bigint := 910000000000000001;
  b bigint := 920000000000000001;
begin
  perform app_private.ensure_guild(a, 'Market guild A');
  perform app_private.ensure_guild(b, 'Market guild B');
  update app_public.pricing_config set scarcity_target = 0 where guild_id = a;
  insert into app_public.rewards (guild_id, sku, name, category, price, tradable) values
    (a, 'sword', 'Sword', 'cosmetic', 100, true), (a, 'shield', 'Shield', 'cosmetic', 40, true),
    (a, 'soulbound', 'Soulbound', 'rank', 50, false), (b, 'sword', 'Sword', 'cosmetic', 100, true);
  perform app_private.ensure_member(a, 910000000000000021, 'sam');
  perform app_private.ensure_member(a, 910000000000000022, 'bea');
  perform app_private.ensure_member(a, 910000000000000023, 'ben');
  perform app_private.ensure_member(a, 910000000000000024, 'fay');
  perform app_private.ensure_member(a, 910000000000000029, 'pia');
  perform app_private.ensure_member(b, 920000000000000021, 'carol');
  perform app_private.post_transfer(a, pg_temp.gacct(a, 'mint'), pg_temp.acct(a, 910000000000000022), 2000, 'test_mint');
  perform app_private.post_transfer(a, pg_temp.gacct(a, 'mint'), pg_temp.acct(a, 910000000000000023), 2000, 'test_mint');
  perform app_private.post_transfer(a, pg_temp.gacct(a, 'mint'), pg_temp.acct(a, 910000000000000024), 2000, 'test_mint');
  perform app_private.post_transfer(a, pg_temp.gacct(a, 'mint'), pg_temp.acct(a, 910000000000000029), 10, 'test_mint');
  perform app_private.inventory_add(pg_temp.uid(a, 910000000000000021), 'sword', 20);
  perform app_private.inventory_add(pg_temp.uid(a, 910000000000000021), 'shield', 10);
  perform app_private.inventory_add(pg_temp.uid(a, 910000000000000021), 'soulbound', 2);
  perform app_private.inventory_add(pg_temp.uid(a, 910000000000000024), 'sword', 2);
  perform app_private.inventory_add(pg_temp.uid(b, 920000000000000021), 'sword', 1);
  update app_public.users set frozen = true where id = pg_temp.uid(a, 910000000000000024);
end $$;
create temp table ids (name text primary key, id uuid);
create function pg_temp.id(p_name text) returns uuid language sql as $$ select id from ids where name = p_name $$;
create function pg_temp.lst(p_name text) returns app_public.listings language sql as $$
  select * from app_public.listings where listing_id = pg_temp.id(p_name) $$;
create function pg_temp.ord(p_name text) returns app_public.orders language sql as $$
  select * from app_public.orders where order_id = pg_temp.id(p_name) $$;
-- create_listing_for / buy_listing_for for a member of guild A at an explicit time; the new id is remembered under p_name
create function pg_temp.list(p_name text, p_seller bigint, p_sku text, p_qty integer, p_price bigint, p_hours integer, p_min integer,
  p_max integer, p_key text, p_at timestamptz default now()) returns uuid language sql as $$
  insert into ids values (p_name, (app_private.create_listing_for(pg_temp.uid(910000000000000001, p_seller), p_sku, p_qty, p_price,
    p_hours, p_min, p_max, p_key, p_at)).listing_id) returning id $$;
create function pg_temp.buy(p_name text, p_buyer bigint, p_listing text, p_qty integer, p_key text, p_at timestamptz default now())
returns uuid language sql as $$
  insert into ids values (p_name, (app_private.buy_listing_for(pg_temp.uid(910000000000000001, p_buyer), pg_temp.id(p_listing), p_qty,
    p_key, p_at)).order_id) returning id $$;
-- the error of a statement run by the superuser (app_private rules)
create function pg_temp.err(p_sql text) returns jsonb language sql as $$ select pg_temp.error_as(null, null, null, null, p_sql) $$;
create function pg_temp.player(p_discord bigint, p_sql text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_player', 910000000000000001, p_discord, null, p_sql) -> 0 $$;
create function pg_temp.player_error(p_discord bigint, p_sql text) returns jsonb language sql as $$
  select pg_temp.error_as('coins_player', 910000000000000001, p_discord, null, p_sql) $$;
create function pg_temp.staff(p_role text, p_sql text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, p_role, p_sql) -> 0 $$;
create function pg_temp.staff_error(p_role text, p_sql text) returns jsonb language sql as $$
  select pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, p_role, p_sql) $$;

-- create_listing ----------------------------------------------------------------------------------------------------------------------
do $$ begin perform pg_temp.list('L1', 910000000000000021, 'sword', 5, 100, 24, 1, 3, 'l-1'); end $$;
insert into snapshots values ('after_l1', pg_temp.state());
select results_eq(
  $$select seller_id = pg_temp.uid(910000000000000001, 910000000000000021), sku, qty, qty_available, unit_price, fee_rate, fee_band::text,
           reference_price, min_per_buyer, max_per_buyer, expires_at, status::text, closed_at from pg_temp.lst('L1')$$,
  $$values (true, 'sword', 5, 5, 100::bigint, 0.08::numeric(5, 4), 'market', 100::bigint, 1, 3, now() + interval '24 hours', 'active', null::timestamptz)$$,
  'create_listing: 5 swords at 100 (= the reference: market band, fee 0.08), buyers 1..3, for 24 h');
select is(pg_temp.inv(910000000000000001, 910000000000000021, 'sword'), 15, 'the 5 units left sam''s inventory (20 -> 15)');
select results_eq($$select type::text, reason, amount, meta from app_public.transactions where listing_id = pg_temp.id('L1')$$,
  $$values ('list', 'listing_created', 0::bigint, '{"sku": "sword", "qty": 5, "unit_price": 100, "fee_rate": 0.08, "fee_band": "market"}'::jsonb)$$,
  'a list transaction (listing_created) records it');
select is(to_jsonb(app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000021), 'sword', 5, 100, 24, 1, 3, 'l-1', now())),
  to_jsonb(pg_temp.lst('L1')), 'a replay with the same key returns the same listing ...');
select is(pg_temp.state(), (select state from snapshots where name = 'after_l1'), '... and moves nothing');

insert into snapshots values ('list_refusals', pg_temp.state());
select is(pg_temp.err($$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000021), 'sword', 16, 100, 24, 1, null, 'r-1')$$),
  '{"code": "IN001", "key": "insufficient_inventory", "detail": {"sku": "sword", "needed": 16, "have": 15}}'::jsonb, 'listing more than owned: IN001');
select is(pg_temp.err($$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000022), 'sword', 1, 100, 24, 1, null, 'r-2')$$) -> 'detail',
  '{"sku": "sword", "needed": 1, "have": 0}'::jsonb, 'listing what one never owned: IN001 with have 0');
select is(pg_temp.err($$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000021), 'sword', 1, 69, 24, 1, null, 'r-3')$$),
  '{"code": "FL001", "key": "below_price_floor", "detail": {"sku": "sword", "unit_price": 69, "floor": 70, "reference": 100, "median_7d": null, "scarcity_multiplier": 1}}'::jsonb,
  'below the floor (ceil(100 x 0.70) = 70): FL001 with floor, reference, median and scarcity multiplier');
select is(pg_temp.err($$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000021), 'soulbound', 1, 50, 24, 1, null, 'r-4')$$),
  '{"code": "RW005", "key": "not_tradable", "detail": {"sku": "soulbound"}}'::jsonb, 'an item that is not tradable: RW005');
select is(pg_temp.err($$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000021), 'nothing', 1, 50, 24, 1, null, 'r-5')$$) ->> 'code',
  'RW001', 'an unknown SKU: RW001');
select is(pg_temp.err($$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000021), 'sword', 1, 100, 0, 1, null, 'r-6')$$),
  '{"code": "MK008", "key": "invalid_expiry", "detail": {"max_hours": 336}}'::jsonb, 'a listing of 0 hours: MK008 (max 14 days = 336 h)');
select throws_ok($$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000021), 'sword', 1, 100, 337, 1, null, 'r-7')$$,
  'MK008', 'invalid_expiry', 'a listing of 337 hours: MK008');
select throws_ok($$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000021), 'sword', 1, 100, null, 1, null, 'r-8')$$,
  'MK008', 'invalid_expiry', 'no duration: MK008');
select is(pg_temp.err($$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000021), 'sword', 5, 100, 24, 0, null, 'r-9')$$),
  '{"code": "MK010", "key": "invalid_buyer_limits", "detail": {"min_per_buyer": 0, "max_per_buyer": null, "qty": 5}}'::jsonb, 'min_per_buyer 0: MK010');
select throws_ok($$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000021), 'sword', 5, 100, 24, 6, null, 'r-10')$$,
  'MK010', 'invalid_buyer_limits', 'min_per_buyer above the quantity: MK010');
select throws_ok($$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000021), 'sword', 5, 100, 24, 3, 2, 'r-11')$$,
  'MK010', 'invalid_buyer_limits', 'max_per_buyer below min_per_buyer: MK010');
select throws_ok($$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000021), 'sword', 5, 100, 24, null, null, 'r-12')$$,
  'MK010', 'invalid_buyer_limits', 'no min_per_buyer: MK010');
select is(pg_temp.err($$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000024), 'sword', 1, 100, 24, 1, null, 'r-13')$$),
  '{"code": "FZ001", "key": "account_frozen", "detail": {}}'::jsonb, 'a frozen seller: FZ001');
select throws_ok($$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000021), 'sword', 1, 0, 24, 1, null, 'r-14')$$,
  'AM001', 'invalid_amount', 'a unit price of 0: AM001');
select throws_ok($$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000021), 'sword', 0, 100, 24, 1, null, 'r-15')$$,
  'AM002', 'invalid_quantity', 'a quantity of 0: AM002');
select throws_ok($$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000021), 'sword', 1, 100, 24, 1, null, 'l-1')$$,
  'IK001', 'idempotency_key_reused', 'the listing''s key for another listing: IK001');
select is(pg_temp.state(), (select state from snapshots where name = 'list_refusals'), 'refused listings changed nothing');
do $$ begin perform pg_temp.list('L2', 910000000000000021, 'sword', 1, 70, 24, 1, null, 'l-2'); end $$;
select results_eq($$select unit_price, fee_band::text, fee_rate from pg_temp.lst('L2')$$, $$values (70::bigint, 'undercut', 0.1::numeric(5, 4))$$,
  'exactly the floor (70) is allowed, in the undercut band (fee 0.10)');
do $$ begin perform pg_temp.list('L3', 910000000000000021, 'shield', 1, 40, 336, 1, null, 'l-3'); end $$;
select is((pg_temp.lst('L3')).expires_at, now() + interval '336 hours', 'exactly max_listing_days x 24 h is allowed');
insert into ids values ('L4', (pg_temp.player(910000000000000021, $$select * from app_public.create_listing('shield', 2, 50)$$) ->> 'listing_id')::uuid);
select results_eq($$select qty, unit_price, min_per_buyer, max_per_buyer, expires_at, fee_band::text from pg_temp.lst('L4')$$,
  $$values (2, 50::bigint, 1, null::integer, now() + interval '72 hours', 'market')$$,
  'app_public.create_listing as the member: defaults 72 h, min 1, no max, no key (50 <= 40 x 1.25 is the market band)');

-- buy_listing ------------------------------------------------------------------------------------------------------------------------------
do $$ begin perform pg_temp.buy('O1', 910000000000000022, 'L1', 2, 'b-1'); end $$;
insert into snapshots values ('after_o1', pg_temp.state());
select results_eq(
  $$select kind::text, status::text, buyer_id = pg_temp.uid(910000000000000001, 910000000000000022), seller_id = pg_temp.uid(910000000000000001, 910000000000000021),
           escrow, fee, fulfilment::text, expires_at from pg_temp.ord('O1')$$,
  $$values ('market', 'pending', true, true, 200::bigint, 16::bigint, 'none', now() + interval '15 minutes')$$,
  'buy_listing: a pending market order of 2 x 100, fee floor(200 x 0.08) = 16, escrow timeout 15 min');
select results_eq($$select (pg_temp.lst('L1')).qty_available, (pg_temp.lst('L1')).status::text, pg_temp.wallet(910000000000000001, 910000000000000022),
                           pg_temp.bal(pg_temp.acct(910000000000000001, 910000000000000022, 'escrow'))$$,
  $$values (3, 'active', 1800::bigint, 200::bigint)$$, 'the units leave the listing (5 -> 3); bea''s 200 coins move to her escrow');
select results_eq($$select listing_id = pg_temp.id('L1'), sku, qty, unit_price from app_public.order_lines where order_id = pg_temp.id('O1')$$,
  $$values (true, 'sword', 2, 100::bigint)$$, 'the order line names the listing');
select results_eq($$select type::text, reason, amount, counterparty_id = pg_temp.uid(910000000000000001, 910000000000000021), listing_id = pg_temp.id('L1'), meta
                     from app_public.transactions where order_id = pg_temp.id('O1')$$,
  $$values ('buy', 'market_purchase', 200::bigint, true, true, '{"sku": "sword", "qty": 2, "unit_price": 100, "fee": 16}'::jsonb)$$,
  'a buy transaction (market_purchase) with the seller as counterparty');
select is(to_jsonb(app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000022), pg_temp.id('L1'), 2, 'b-1', now())),
  to_jsonb(pg_temp.ord('O1')), 'a replay with the same key returns the same order ...');
select is(pg_temp.state(), (select state from snapshots where name = 'after_o1'), '... and moves nothing');

insert into ids values ('LB', (app_private.create_listing_for(pg_temp.uid(920000000000000001, 920000000000000021), 'sword', 1, 100, 24, 1, null, 'lb')).listing_id);
do $$ begin perform pg_temp.list('L5', 910000000000000021, 'shield', 4, 40, 24, 2, null, 'l-5'); end $$;
insert into snapshots values ('buy_refusals', pg_temp.state());
select is(pg_temp.err(format($$select app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000023), %L, 1, 'x-1')$$, '00000000-0000-0000-0000-000000000001')),
  '{"code": "MK001", "key": "listing_not_found", "detail": {"listing_id": "00000000-0000-0000-0000-000000000001"}}'::jsonb, 'an unknown listing: MK001');
select is(pg_temp.err($$select app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000023), pg_temp.id('LB'), 1, 'x-2')$$) ->> 'code',
  'MK001', 'a listing of another guild: MK001');
select is(pg_temp.err($$select app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000021), pg_temp.id('L1'), 1, 'x-3')$$),
  '{"code": "MK003", "key": "self_purchase", "detail": {}}'::jsonb, 'buying one''s own listing: MK003');
select is(pg_temp.err($$select app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000023), pg_temp.id('L1'), 4, 'x-4')$$),
  '{"code": "MK004", "key": "quantity_unavailable", "detail": {"available": 3}}'::jsonb, 'more than available: MK004 with what is left');
select is(pg_temp.err($$select app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000023), pg_temp.id('L5'), 1, 'x-5')$$),
  '{"code": "MK005", "key": "below_min_per_buyer", "detail": {"min": 2}}'::jsonb, 'fewer than min_per_buyer: MK005');
select is(pg_temp.err($$select app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000022), pg_temp.id('L1'), 2, 'x-6')$$),
  '{"code": "MK006", "key": "above_max_per_buyer", "detail": {"max": 3, "already": 2}}'::jsonb,
  'beyond max_per_buyer across the buyer''s orders (2 pending + 2 > 3): MK006');
select is(pg_temp.err($$select app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000024), pg_temp.id('L1'), 1, 'x-7')$$),
  '{"code": "FZ001", "key": "account_frozen", "detail": {}}'::jsonb, 'a frozen buyer: FZ001');
update app_public.users set frozen = true where id = pg_temp.uid(910000000000000001, 910000000000000021);
select is(pg_temp.err($$select app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000023), pg_temp.id('L1'), 1, 'x-8')$$),
  '{"code": "FZ002", "key": "recipient_frozen", "detail": {"discord_id": "910000000000000021"}}'::jsonb,
  'a frozen seller: FZ002 with the seller''s discord_id (as a string)');
update app_public.users set frozen = false where id = pg_temp.uid(910000000000000001, 910000000000000021);
select is(pg_temp.err($$select app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000029), pg_temp.id('L1'), 1, 'x-9')$$),
  '{"code": "NF001", "key": "insufficient_funds", "detail": {"needed": 100, "available": 10, "currency": "COIN"}}'::jsonb, 'a buyer who cannot pay: NF001');
select is(pg_temp.err($$select app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000023), pg_temp.id('L1'), 1, 'x-10', now() + interval '24 hours')$$),
  '{"code": "MK002", "key": "listing_not_active", "detail": {"status": "expired"}}'::jsonb,
  'at its expires_at an active listing no longer sells: MK002 (status expired)');
select throws_ok($$select app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000023), pg_temp.id('L1'), 0, 'x-11')$$,
  'AM002', 'invalid_quantity', 'quantity 0: AM002');
select is(pg_temp.player_error(910000000000000023, format('select app_public.buy_listing(%L, 1, null)', pg_temp.id('L1'))),
  '{"code": "IK002", "key": "idempotency_key_invalid", "detail": {"length": null}}'::jsonb, 'app_public.buy_listing without a key: IK002');
select is(pg_temp.state(), (select state from snapshots where name = 'buy_refusals'), 'refused purchases changed nothing');

-- Sold out, and back on sale after a refund; refunds free the buyer's allowance ---------------------------------------------------------
select is(pg_temp.player(910000000000000023, format('select status from app_public.buy_listing(%L, 3, ''b-2'')', pg_temp.id('L1'))) ->> 'status',
  'pending', 'ben buys the last 3 through app_public.buy_listing');
insert into ids values ('O2', (select order_id from app_public.orders where buyer_id = pg_temp.uid(910000000000000001, 910000000000000023)));
select results_eq($$select qty_available, status::text, closed_at from pg_temp.lst('L1')$$, $$values (0, 'sold', null::timestamptz)$$,
  'at 0 units available the listing is sold');
select is(pg_temp.err($$select app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000029), pg_temp.id('L1'), 1, 'x-12')$$),
  '{"code": "MK002", "key": "listing_not_active", "detail": {"status": "sold"}}'::jsonb, 'a sold listing: MK002 (status sold)');
select is(pg_temp.staff('SUPPORT', format('select status from app_public.refund_order(''%s'', ''buyer changed his mind'')', pg_temp.id('O2'))) ->> 'status',
  'refunded', 'SUPPORT refunds ben''s pending order');
select results_eq($$select qty_available, status::text, pg_temp.wallet(910000000000000001, 910000000000000023) from pg_temp.lst('L1')$$,
  $$values (3, 'active', 2000::bigint)$$, 'the 3 units are back on the listing, which is active again; ben has his 300 coins back');
select lives_ok($$select app_private.refund_order_core(pg_temp.id('O1'), 'refunded', null, 'test refund')$$, 'bea''s pending order is refunded too');
do $$ begin perform pg_temp.buy('O3', 910000000000000022, 'L1', 3, 'b-3'); end $$;
select results_eq($$select status::text, escrow from pg_temp.ord('O3')$$, $$values ('pending', 300::bigint)$$,
  'refunded orders free the allowance: bea buys 3 (max 3)');

-- Fulfilment: net to the seller, fee to the guild, goods to the buyer -------------------------------------------------------------------------
select results_eq(
  $$select kind, status, fulfilment, buyer_discord_id, seller_discord_id, escrow, lines
      from jsonb_to_record(pg_temp.rows_as('coins_worker', null, null, null, format('select * from app_hidden.order_for_fulfilment(%L)', pg_temp.id('O3'))) -> 0)
        as (kind text, status text, fulfilment text, buyer_discord_id bigint, seller_discord_id bigint, escrow bigint, lines jsonb)$$,
  $$values ('market', 'pending', 'none', 910000000000000022::bigint, 910000000000000021::bigint, 300::bigint,
            jsonb_build_array(jsonb_build_object('sku', 'sword', 'qty', 3, 'unit_price', 100, 'listing_id', pg_temp.id('L1'), 'category', 'cosmetic', 'payload', '{}'::jsonb)))$$,
  'order_for_fulfilment of a market order (as the worker): buyer and seller discord ids, escrow, and the line with its listing');
insert into snapshots values ('before_o3', pg_temp.state());
select is(pg_temp.rows_as('coins_worker', null, null, null, format('select status from app_hidden.fulfil_order(%L)', pg_temp.id('O3'))) -> 0 ->> 'status',
  'fulfilled', 'the orders__fulfil job body fulfils bea''s order');
select results_eq(
  $$select pg_temp.wallet(910000000000000001, 910000000000000021), pg_temp.bal(pg_temp.gacct(910000000000000001, 'fees')),
           pg_temp.bal(pg_temp.acct(910000000000000001, 910000000000000022, 'escrow')), pg_temp.wallet(910000000000000001, 910000000000000022),
           pg_temp.inv(910000000000000001, 910000000000000022, 'sword'), (pg_temp.lst('L1')).qty_available$$,
  $$values (276::bigint, 24::bigint, 0::bigint, 1700::bigint, 3, 2)$$,
  'fee = floor(300 x 0.08) = 24 to the fees account, net 276 to sam''s wallet, 3 swords to bea; her escrow is empty');
select results_eq($$select l.reason, l.amount from app_public.transfers l where l.pending_id = (pg_temp.ord('O3')).hold_id order by l.amount$$,
  $$values ('market_fee', 24::bigint), ('sale_proceeds', 276::bigint)$$, 'the hold is settled by two legs: sale_proceeds and market_fee');
select results_eq(
  $$select discord_id, app_public.users_lifetime_earned(users) as lifetime_earned, app_public.users_lifetime_spent(users) as lifetime_spent from app_public.users where id in (pg_temp.uid(910000000000000001, 910000000000000021), pg_temp.uid(910000000000000001, 910000000000000022)) order by discord_id$$,
  $$values (910000000000000021::bigint, 276::bigint, 0::bigint), (910000000000000022::bigint, 2000::bigint, 300::bigint)$$,
  'lifetime counters: the seller earned the net, the buyer spent the full price');
select results_eq($$select type::text, reason, amount, meta from app_public.transactions where order_id = pg_temp.id('O3') and type = 'fulfil'$$,
  $$values ('fulfil', 'market_fulfilled', 300::bigint, '{"sku": "sword", "qty": 3, "unit_price": 100, "fee": 24, "net": 276}'::jsonb)$$,
  'a fulfil transaction (market_fulfilled) with fee and net');
select is(pg_temp.err($$select app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000022), pg_temp.id('L1'), 1, 'x-13')$$) -> 'detail',
  '{"max": 3, "already": 3}'::jsonb, 'fulfilled orders count toward max_per_buyer: MK006 already 3');

-- cancel_listing and edit_listing_price ----------------------------------------------------------------------------------------------------
-- The seller changes their own listing (held to the floor when repricing); staff (SUPERADMIN, ADMIN, OPERATOR) override
-- with a reason, audited. L6: sam lists 4 swords at 100; ben has 2 of them in pending orders (O4, O5). The sword's
-- 7-day median is 100 (O3's 3 units), so the floor is 70.
do $$ begin perform pg_temp.list('L6', 910000000000000021, 'sword', 4, 100, 24, 1, null, 'l-6'); end $$;
do $$ begin perform pg_temp.buy('O4', 910000000000000023, 'L6', 1, 'b-4'); perform pg_temp.buy('O5', 910000000000000023, 'L6', 1, 'b-5'); end $$;
insert into snapshots values ('change_refusals', pg_temp.state());
select is(pg_temp.player_error(910000000000000023, format('select app_public.cancel_listing(%L)', pg_temp.id('L6'))),
  '{"code": "PD001", "key": "permission_denied", "detail": {"role": null, "required": ["SUPERADMIN", "ADMIN", "OPERATOR"]}}'::jsonb,
  'a member who is not the seller cannot cancel the listing: PD001');
select is(pg_temp.player_error(910000000000000023, format('select app_public.edit_listing_price(%L, 100)', pg_temp.id('L6'))) ->> 'code', 'PD001',
  'nor reprice it: PD001');
select is(pg_temp.player_error(910000000000000023, format('select app_public.cancel_listing(%L, ''I do not like it'')', pg_temp.id('L6'))) ->> 'code', 'PD001',
  'a reason does not make a member staff: PD001');
select is(pg_temp.staff_error('SUPPORT', format('select app_public.cancel_listing(%L, ''scam listing'')', pg_temp.id('L6'))),
  '{"code": "PD001", "key": "permission_denied", "detail": {"role": "SUPPORT", "required": ["SUPERADMIN", "ADMIN", "OPERATOR"]}}'::jsonb,
  'SUPPORT cannot cancel a listing: PD001');
select is(pg_temp.staff_error('SUPPORT', format('select app_public.edit_listing_price(%L, 50, ''price fix'')', pg_temp.id('L6'))) ->> 'code', 'PD001',
  'nor reprice one: PD001');
select is(pg_temp.staff_error('AUDITOR', format('select app_public.edit_listing_price(%L, 50, ''price fix'')', pg_temp.id('L6'))) ->> 'code', 'PD001',
  'AUDITOR cannot reprice one: PD001');
select is(pg_temp.staff_error('AUDITOR', format('select app_public.cancel_listing(%L, ''scam listing'')', pg_temp.id('L6'))) ->> 'code', 'PD001',
  'nor cancel one: PD001');
select is(pg_temp.staff_error('OPERATOR', format('select app_public.cancel_listing(%L)', pg_temp.id('L6'))),
  '{"code": "RS001", "key": "reason_required", "detail": {}}'::jsonb, 'staff cancelling without a reason: RS001');
select is(pg_temp.staff_error('OPERATOR', format('select app_public.cancel_listing(%L, '' ab '')', pg_temp.id('L6'))) ->> 'code', 'RS001',
  'staff cancelling with a 2-character reason: RS001');
select is(pg_temp.staff_error('ADMIN', format('select app_public.edit_listing_price(%L, 50)', pg_temp.id('L6'))) ->> 'code', 'RS001',
  'staff repricing without a reason: RS001');
select is(pg_temp.error_as('coins_staff', 920000000000000001, 920000000000000090, 'SUPERADMIN', format('select app_public.cancel_listing(%L, ''not yours'')', pg_temp.id('L6'))) ->> 'code',
  'MK001', 'staff of guild B do not find guild A''s listing: MK001');
select is(pg_temp.player_error(910000000000000021, format('select app_public.cancel_listing(%L)', '00000000-0000-0000-0000-000000000002')) ->> 'code', 'MK001',
  'an unknown listing: MK001');
select is(pg_temp.player_error(910000000000000021, format('select app_public.edit_listing_price(%L, 0)', pg_temp.id('L6'))) ->> 'code', 'AM001',
  'a new price of 0: AM001');
select is(pg_temp.player_error(910000000000000021, format('select app_public.edit_listing_price(%L, 1000000000001)', pg_temp.id('L6'))),
  '{"code": "AM001", "key": "invalid_amount", "detail": {"amount": 1000000000001}}'::jsonb, 'a new price above 10^12 coins: AM001');
select is(pg_temp.staff_error('ADMIN', format('select app_public.edit_listing_price(%L, 1000000000001, ''price fix'')', pg_temp.id('L6'))) ->> 'code', 'AM001',
  '... for staff too: AM001');
select is(pg_temp.err($$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000021), 'sword', 1, 1000000000001, 24, 1, null, 'r-16')$$) ->> 'code',
  'AM001', 'and a listing above 10^12 coins a unit: AM001');
select is(pg_temp.error_as('coins_player', 910000000000000001, null, null, format('select app_public.cancel_listing(%L)', pg_temp.id('L6'))) ->> 'code', 'AU001',
  'without a discord_id claim: AU001');
select is(pg_temp.player_error(910000000000000021, format('select app_public.edit_listing_price(%L, 69)', pg_temp.id('L6'))),
  '{"code": "FL001", "key": "below_price_floor", "detail": {"sku": "sword", "unit_price": 69, "floor": 70, "reference": 100, "median_7d": 100, "scarcity_multiplier": 1}}'::jsonb,
  'the seller repricing below the floor: FL001 with floor, reference, median and scarcity multiplier');
select is(pg_temp.state(), (select state from snapshots where name = 'change_refusals'), 'refused changes changed nothing');

-- The seller reprices: the guards are re-applied, the fee band and rate recomputed; pending orders keep their price
create function pg_temp.reprice(p_role text, p_discord bigint, p_staff text, p_listing text, p_price bigint, p_reason text default null)
returns table (unit_price bigint, fee_band text, fee_rate numeric, reference_price bigint, status text, qty_available int) language sql as $$
  select * from jsonb_to_record(pg_temp.rows_as(p_role, 910000000000000001, p_discord, p_staff,
    format('select * from app_public.edit_listing_price(%L, %s, %L)', pg_temp.id(p_listing), p_price, p_reason)) -> 0)
    as (unit_price bigint, fee_band text, fee_rate numeric, reference_price bigint, status text, qty_available int) $$;
select results_eq($$select * from pg_temp.reprice('coins_player', 910000000000000021, null, 'L6', 126)$$,
  $$values (126::bigint, 'over_average', 0.12, 100::bigint, 'active', 2)$$,
  'the seller reprices L6 to 126: above 100 x 1.25, the over_average band (fee 0.12), reference 100; still active with 2 units');
select results_eq($$select * from pg_temp.reprice('coins_player', 910000000000000021, null, 'L6', 70)$$,
  $$values (70::bigint, 'undercut', 0.10, 100::bigint, 'active', 2)$$, 'to exactly the floor (70): the undercut band (fee 0.10)');
select results_eq($$select * from pg_temp.reprice('coins_player', 910000000000000021, null, 'L6', 110)$$,
  $$values (110::bigint, 'market', 0.08, 100::bigint, 'active', 2)$$, 'to 110: the market band (fee 0.08)');
select results_eq($$select unit_price, fee_rate, fee_band::text, reference_price from pg_temp.lst('L6')$$,
  $$values (110::bigint, 0.08::numeric(5, 4), 'market', 100::bigint)$$, 'the listing row holds the new price, fee rate, band and reference');
select results_eq($$select type::text, actor_id, user_id = pg_temp.uid(910000000000000001, 910000000000000021), meta from app_public.transactions
                     where listing_id = pg_temp.id('L6') and reason = 'listing_repriced' order by seq desc limit 1$$,
  $$values ('list', 910000000000000021::bigint, true,
            '{"sku": "sword", "old_unit_price": 70, "unit_price": 110, "fee_rate": 0.08, "fee_band": "market"}'::jsonb)$$,
  'each reprice writes a listing_repriced event (actor: the seller) with the old and new price and the new fee');
select results_eq($$select o.escrow, o.fee, l.unit_price from app_public.orders o join app_public.order_lines l on l.order_id = o.order_id
                     where o.order_id in (pg_temp.id('O4'), pg_temp.id('O5'))$$,
  $$values (100::bigint, 8::bigint, 100::bigint), (100::bigint, 8::bigint, 100::bigint)$$, 'the pending orders O4 and O5 keep their price and fee');
select is((select count(*) from app_public.admin_actions where subject_type = 'listing'), 0::bigint, 'the seller''s own changes are not staff actions: no audit row');

-- Staff override the floor with a reason, audited
select results_eq($$select * from pg_temp.reprice('coins_staff', 910000000000000090, 'ADMIN', 'L6', 50, 'clearance sale')$$,
  $$values (50::bigint, 'undercut', 0.10, 100::bigint, 'active', 2)$$, 'an ADMIN reprices L6 below the floor (50) with a reason: undercut band');
select results_eq(
  $$select actor_id, actor_role::text, subject_type, subject_id, (before ->> 'unit_price')::bigint, (after ->> 'unit_price')::bigint, after ->> 'fee_band', reason
      from app_public.admin_actions where action = 'edit_listing_price'$$,
  $$values (910000000000000090::bigint, 'ADMIN', 'listing', pg_temp.id('L6')::text, 110::bigint, 50::bigint, 'undercut', 'clearance sale')$$,
  '... audited as edit_listing_price (subject listing, before 110 / after 50, the reason)');
select is((select actor_id from app_public.transactions where listing_id = pg_temp.id('L6') and reason = 'listing_repriced' order by seq desc limit 1),
  910000000000000090::bigint, '... its listing_repriced event names the staff member as actor');
select is(pg_temp.player_error(910000000000000021, format('select app_public.edit_listing_price(%L, 60)', pg_temp.id('L6'))) -> 'detail' ->> 'floor', '70',
  'the seller is still held to the floor afterwards (60: FL001, floor 70)');

-- Cancelling: unsold units return to the seller; pending orders proceed
do $$ begin perform pg_temp.list('L7', 910000000000000021, 'sword', 2, 100, 24, 1, null, 'l-7'); end $$;
select is(pg_temp.inv(910000000000000001, 910000000000000021, 'sword'), 8, 'sam lists 2 more swords (L7): 10 -> 8 in his inventory');
select results_eq($$select status, qty_available, closed_at from jsonb_to_record(pg_temp.player(910000000000000021,
                       format('select * from app_public.cancel_listing(%L)', pg_temp.id('L7')))) as (status text, qty_available int, closed_at timestamptz)$$,
  $$values ('cancelled', 0, now())$$, 'the seller cancels L7 (no reason needed): cancelled now, nothing available');
select is(pg_temp.inv(910000000000000001, 910000000000000021, 'sword'), 10, 'its 2 unsold units are back in sam''s inventory (8 + 2)');
select results_eq($$select type::text, actor_id, meta from app_public.transactions where listing_id = pg_temp.id('L7') and reason = 'listing_cancelled'$$,
  $$values ('list', 910000000000000021::bigint, '{"sku": "sword", "returned_qty": 2, "by": "seller"}'::jsonb)$$,
  'a listing_cancelled event by the seller with the returned quantity; no audit row')
;
select results_eq($$select status, qty_available, closed_at from jsonb_to_record(pg_temp.staff('OPERATOR',
                       format('select * from app_public.cancel_listing(%L, ''scam listing'')', pg_temp.id('L6')))) as (status text, qty_available int, closed_at timestamptz)$$,
  $$values ('cancelled', 0, now())$$, 'an OPERATOR cancels L6 with a reason');
select is(pg_temp.inv(910000000000000001, 910000000000000021, 'sword'), 12, 'the 2 unsold units are back in sam''s inventory (10 + 2); the 2 in pending orders stay with them');
select results_eq(
  $$select actor_id, actor_role::text, subject_type, subject_id, before ->> 'status', (before ->> 'qty_available')::int, after ->> 'status',
           (after ->> 'qty_available')::int, reason
      from app_public.admin_actions where action = 'cancel_listing'$$,
  $$values (910000000000000090::bigint, 'OPERATOR', 'listing', pg_temp.id('L6')::text, 'active', 2, 'cancelled', 0, 'scam listing')$$,
  '... audited as cancel_listing with before/after and the reason');
select results_eq($$select actor_id, meta from app_public.transactions where listing_id = pg_temp.id('L6') and reason = 'listing_cancelled'$$,
  $$values (910000000000000090::bigint, '{"sku": "sword", "returned_qty": 2, "by": "staff"}'::jsonb)$$, '... and a listing_cancelled event by staff');
select is((select count(*) from app_public.admin_actions where subject_type = 'listing'), 2::bigint,
  'two audit rows for listings: the staff reprice and the staff cancel, none for the seller''s own changes');

-- Separation of duties: a staff member who also sells cannot override their own listing, nor an order they are party to
do $$ begin
  perform app_private.ensure_member(910000000000000001, 910000000000000090, 'staffer');
  perform app_private.inventory_add(pg_temp.uid(910000000000000001, 910000000000000090), 'sword', 2);
  perform pg_temp.list('LS', 910000000000000090, 'sword', 2, 100, 24, 1, null, 'l-s');
  perform pg_temp.buy('OS', 910000000000000022, 'LS', 1, 'b-s');
end $$;
insert into snapshots values ('own_listing', pg_temp.state());
select is(pg_temp.staff_error('OPERATOR', format('select app_public.cancel_listing(%L, ''cleaning up'')', pg_temp.id('LS'))),
  '{"code": "PD002", "key": "self_action_forbidden", "detail": {}}'::jsonb, 'an OPERATOR cancelling a listing they are the seller of: PD002');
select is(pg_temp.staff_error('ADMIN', format('select app_public.edit_listing_price(%L, 50, ''clearance sale'')', pg_temp.id('LS'))) ->> 'code', 'PD002',
  'an ADMIN overriding the floor on their own listing: PD002');
select is(pg_temp.staff_error('SUPPORT', format('select app_public.refund_order(%L, ''buyer asked'')', pg_temp.id('OS'))) ->> 'code', 'PD002',
  'refunding an order of which they are the seller: PD002');
select is(pg_temp.staff_error('SUPERADMIN', format('select app_public.fulfil_order(%L, ''deliver now'')', pg_temp.id('OS'))) ->> 'code', 'PD002',
  'force-fulfilling it: PD002');
select is(pg_temp.state(), (select state from snapshots where name = 'own_listing'), 'the refused overrides changed nothing');
select is(pg_temp.player(910000000000000090, format('select status from app_public.edit_listing_price(%L, 105)', pg_temp.id('LS'))) ->> 'status', 'active',
  'as a member (coins_player) the staffer reprices their own listing like any seller');
select is(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000091, 'SUPPORT',
    format('select status from app_public.refund_order(%L, ''buyer asked'')', pg_temp.id('OS'))) -> 0 ->> 'status', 'refunded',
  'another staff member (...091) refunds the order: its unit goes back on the listing');
select results_eq($$select qty_available, unit_price from pg_temp.lst('LS')$$, $$values (2, 105::bigint)$$, 'LS: 2 units at 105');

-- After the end of a listing
select is(pg_temp.player_error(910000000000000021, format('select app_public.cancel_listing(%L)', pg_temp.id('L6'))),
  '{"code": "MK002", "key": "listing_not_active", "detail": {"status": "cancelled"}}'::jsonb, 'cancelling a cancelled listing: MK002');
select is(pg_temp.staff_error('ADMIN', format('select app_public.cancel_listing(%L, ''once more'')', pg_temp.id('L6'))) ->> 'code', 'MK002',
  '... for staff too: MK002');
select is(pg_temp.player_error(910000000000000021, format('select app_public.edit_listing_price(%L, 100)', pg_temp.id('L6'))) -> 'detail',
  '{"status": "cancelled"}'::jsonb, 'repricing a cancelled listing: MK002');
select is(pg_temp.err($$select app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000022), pg_temp.id('L6'), 1, 'x-14')$$) -> 'detail',
  '{"status": "cancelled"}'::jsonb, 'buying from a cancelled listing: MK002 (status cancelled)');
select is((app_private.fulfil_order_core(pg_temp.id('O4'), null, 'fulfilled')).status::text, 'fulfilled', 'a pending order on the cancelled listing is still fulfilled');
select is((app_private.refund_order_core(pg_temp.id('O5'), 'refunded', null, 'test refund')).status::text, 'refunded', 'and another is refunded ...');
select results_eq($$select pg_temp.inv(910000000000000001, 910000000000000021, 'sword'), pg_temp.inv(910000000000000001, 910000000000000023, 'sword'),
                           qty_available, status::text from pg_temp.lst('L6')$$,
  $$values (13, 1, 0, 'cancelled')$$, '... its unit goes back to the seller (not to the cancelled listing); ben got the fulfilled one');

-- The listings__expire job body -------------------------------------------------------------------------------------------------------------
do $$ begin perform pg_temp.list('L9', 910000000000000021, 'shield', 3, 40, 1, 1, null, 'l-9'); perform pg_temp.buy('O10', 910000000000000023, 'L9', 1, 'b-10');
  perform pg_temp.buy('O12', 910000000000000023, 'L5', 4, 'b-12'); end $$;
select is((pg_temp.rows_as('coins_worker', null, null, null, $$select app_hidden.expire_listings(now() + interval '59 minutes') n$$) -> 0 ->> 'n')::int, 0,
  'expire_listings before any listing''s end: 0');
select is((pg_temp.rows_as('coins_worker', null, null, null, $$select app_hidden.expire_listings(now() + interval '1 hour') n$$) -> 0 ->> 'n')::int, 1,
  'expire_listings (as coins_worker) at L9''s expires_at: 1 listing expired');
select results_eq($$select status::text, closed_at, qty_available, pg_temp.inv(910000000000000001, 910000000000000021, 'shield') from pg_temp.lst('L9')$$,
  $$values ('expired', now() + interval '1 hour', 0, 2)$$, 'L9 is expired at that time and its 2 unsold shields are back with sam (0 + 2)');
select results_eq($$select reason, actor_id, meta, created_at from app_public.transactions where listing_id = pg_temp.id('L9') and reason = 'listing_expired'$$,
  $$values ('listing_expired', null::bigint, '{"sku": "shield", "returned_qty": 2}'::jsonb, now() + interval '1 hour')$$, 'a listing_expired transaction');
select is((pg_temp.rows_as('coins_worker', null, null, null, $$select app_hidden.expire_listings(now() + interval '1 hour') n$$) -> 0 ->> 'n')::int, 0,
  'a second run expires nothing');
select is((select array_agg(status::text order by name) from ids join app_public.listings l on l.listing_id = ids.id where name in ('L1', 'L5', 'L3')),
  array['active', 'active', 'sold'], 'unexpired listings (L1, L3) and sold ones (L5) are left alone');
select is((app_private.refund_order_core(pg_temp.id('O10'), 'refunded', null, 'late refund')).status::text, 'refunded', 'the pending order on the expired listing is refunded ...');
select results_eq($$select qty_available, pg_temp.inv(910000000000000001, 910000000000000021, 'shield') from pg_temp.lst('L9')$$,
  $$values (0, 3)$$, '... and its unit goes to the seller, not back to the expired listing');
do $$ begin perform pg_temp.buy('O11', 910000000000000023, 'L2', 1, 'b-11'); end $$;
select is((app_private.refund_order_core(pg_temp.id('O11'), 'refunded', null, 'after the end', now() + interval '24 hours')).status::text, 'refunded',
  'an order on a listing that has ended (sold, past its expires_at, so never expired by the job) is refunded after the end ...');
select results_eq($$select status::text, qty_available, pg_temp.inv(910000000000000001, 910000000000000021, 'sword') from pg_temp.lst('L2')$$,
  $$values ('sold', 0, 14)$$, '... and its unit goes to the seller, not back onto the ended listing (13 + 1)');

-- A sold listing cannot be repriced, but its seller may still withdraw it: nothing is returned then, and a later refund of
-- one of its pending orders gives the units back to the seller instead of putting them on sale again.
select is(pg_temp.player_error(910000000000000021, format('select app_public.edit_listing_price(%L, 45)', pg_temp.id('L5'))),
  '{"code": "MK002", "key": "listing_not_active", "detail": {"status": "sold"}}'::jsonb, 'repricing a sold listing (L5): MK002 (status sold)');
select results_eq($$select status, qty_available from jsonb_to_record(pg_temp.player(910000000000000021,
                       format('select * from app_public.cancel_listing(%L)', pg_temp.id('L5')))) as (status text, qty_available int)$$,
  $$values ('cancelled', 0)$$, 'the seller cancels the sold L5 (its 4 units are in ben''s pending order O12)');
select is((app_private.refund_order_core(pg_temp.id('O12'), 'refunded', null, 'after the cancel')).status::text, 'refunded', 'O12 is refunded ...');
select results_eq($$select qty_available, status::text, pg_temp.inv(910000000000000001, 910000000000000021, 'shield') from pg_temp.lst('L5')$$,
  $$values (0, 'cancelled', 7)$$, '... and its 4 shields go to the seller (3 + 4), not back on the cancelled listing');

-- min_per_buyer applies to every purchase but the one that takes the listing's last units (they never become unsellable)
do $$ begin perform pg_temp.list('L10', 910000000000000021, 'sword', 3, 100, 24, 2, null, 'l-10'); perform pg_temp.buy('O13', 910000000000000023, 'L10', 2, 'b-13'); end $$;
select is(pg_temp.err($$select app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000022), pg_temp.id('L10'), 2, 'x-16')$$),
  '{"code": "MK004", "key": "quantity_unavailable", "detail": {"available": 1}}'::jsonb,
  '3 units with min_per_buyer 2, after a purchase of 2: 2 more is more than available (MK004)');
do $$ begin perform pg_temp.buy('O14', 910000000000000022, 'L10', 1, 'x-15'); end $$;
select results_eq($$select (pg_temp.ord('O14')).status::text, (pg_temp.ord('O14')).escrow, (pg_temp.lst('L10')).qty_available, (pg_temp.lst('L10')).status::text$$,
  $$values ('pending', 100::bigint, 0, 'sold')$$,
  'but the last unit alone may be bought although it is below min_per_buyer 2: the listing sells out');
do $$ begin perform pg_temp.list('L11', 910000000000000021, 'sword', 5, 100, 24, 2, null, 'l-11'); perform pg_temp.buy('O15', 910000000000000023, 'L11', 2, 'b-15'); end $$;
select is(pg_temp.err($$select app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000022), pg_temp.id('L11'), 1, 'x-17')$$),
  '{"code": "MK005", "key": "below_min_per_buyer", "detail": {"min": 2}}'::jsonb,
  'below the minimum without taking all that is left (1 of 3): MK005');
select is(pg_temp.err($$select app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000022), pg_temp.id('L11'), 3, 'x-18')$$), null,
  'taking the 3 that are left is fine');

select is_empty($$select * from app_public.verify_ledger()$$, 'verify_ledger finds nothing');
select * from finish();
rollback;
