begin;
select plan(59);
\ir ../lib/helpers.psql
-- The pricing guards (000002): app_private.pricing_quote and app_public.price_check; the 7-day median, the scarcity
-- multiplier, the floor, the fee bands, and the per-guild pricing_config (ADMIN+ edit it through the table, audited).
-- Fixtures (in each guild the seller is ...031, bo ...032, bu ...033). Guild A = 910000000000000001 (pricing defaults: floor 0.70, fees undercut 0.10 / market 0.08 / over
-- average 0.12 above 1.25 x reference, scarcity target 5 with alpha 0.2): orb 200, dust 7, pebble 1; sid ...031 owns
-- 20 orbs and 5 dust. Guild B = 920000000000000001 (scarcity off: target 0): gem 100, shop-only charm 100; sia ...031
-- owns 20 gems; buyers bo ...032 and bu ...033 (5000 coins each) in both guilds. Staff ...090.
do $$
declare
  a bigint := 910000000000000001;
  b bigint := 920000000000000001;
  g bigint;
begin
  perform app_private.ensure_guild(a, 'Pricing guild A');
  perform app_private.ensure_guild(b, 'Pricing guild B');
  update app_public.pricing_config set scarcity_target = 0 where guild_id = b;
  insert into app_public.rewards (guild_id, sku, name, category, price) values
    (a, 'orb', 'Orb', 'cosmetic', 200), (a, 'dust', 'Dust', 'cosmetic', 7), (a, 'pebble', 'Pebble', 'cosmetic', 1),
    (b, 'gem', 'Gem', 'money', 100), (b, 'charm', 'Charm', 'cosmetic', 100);
  foreach g in array array[a, b] loop
    perform app_private.ensure_member(g, g + 30, 'seller');
    perform app_private.ensure_member(g, g + 31, 'bo');
    perform app_private.ensure_member(g, g + 32, 'bu');
    perform app_private.post_transfer(g, pg_temp.gacct(g, 'mint'), pg_temp.acct(g, g + 31), 5000, 'test_mint');
    perform app_private.post_transfer(g, pg_temp.gacct(g, 'mint'), pg_temp.acct(g, g + 32), 5000, 'test_mint');
  end loop;
  perform app_private.inventory_add(pg_temp.uid(a, a + 30), 'orb', 20);
  perform app_private.inventory_add(pg_temp.uid(a, a + 30), 'dust', 5);
  perform app_private.inventory_add(pg_temp.uid(b, b + 30), 'gem', 20);
end $$;
create temp table ids (name text primary key, id uuid);
create function pg_temp.id(p_name text) returns uuid language sql as $$ select id from ids where name = p_name $$;
-- a quote as a comparable row: (median_7d, active_supply, scarcity_multiplier, reference_price, floor_price, fee_band, fee_rate, allowed)
create function pg_temp.q(p_guild bigint, p_sku text, p_price bigint, p_exclude uuid default null, p_at timestamptz default now())
returns table (median_7d bigint, supply integer, mult numeric, reference bigint, floor bigint, band text, rate numeric, allowed boolean)
language sql as $$
  select q.median_7d, q.active_supply, q.scarcity_multiplier, q.reference_price, q.floor_price, q.fee_band::text, q.fee_rate, q.allowed
    from app_private.pricing_quote(p_guild, p_sku, p_price, p_exclude, p_at) q $$;
-- a listing by the guild's seller (g + 30) at an explicit time
create function pg_temp.list(p_name text, p_guild bigint, p_sku text, p_qty integer, p_price bigint, p_at timestamptz default now(), p_hours integer default 24)
returns uuid language sql as $$
  insert into ids values (p_name, (app_private.create_listing_for(pg_temp.uid(p_guild, p_guild + 30), p_sku, p_qty, p_price, p_hours, 1, null,
    p_name, p_at)).listing_id) returning id $$;
-- a completed market sale in guild B: gem listed at p_at, bought 1 minute later by bo, fulfilled 2 minutes after listing
create function pg_temp.sale(p_name text, p_price bigint, p_qty integer, p_at timestamptz) returns uuid language plpgsql as $$
declare v_order uuid;
begin
  perform pg_temp.list(p_name, 920000000000000001, 'gem', p_qty, p_price, p_at);
  v_order := (app_private.buy_listing_for(pg_temp.uid(920000000000000001, 920000000000000032), pg_temp.id(p_name), p_qty, p_name || '-buy',
    p_at + interval '1 minute')).order_id;
  perform app_private.fulfil_order_core(v_order, null, 'fulfilled', p_at + interval '2 minutes');
  return v_order;
end $$;

-- price_check / pricing_quote without sales: the catalogue price, scarcity at its strongest --------------------------------------
select results_eq(
  $$select sku, unit_price, catalogue_price, median_7d, active_supply, scarcity_multiplier, reference_price, floor_price, fee_band::text, fee_rate, allowed
      from jsonb_populate_record(null::app_public.price_quote, pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000031, null,
             'select * from app_public.price_check(''orb'', 200)') -> 0)$$,
  $$values ('orb', 200::bigint, 200::bigint, null::bigint, 0, 1.2000, 240::bigint, 168::bigint, 'undercut', 0.1000, true)$$,
  'price_check (member): no sales, no supply: reference = 200 x (1 + 0.2 x (1 - 0/5)) = 240, floor ceil(240 x 0.7) = 168; 200 undercuts it');
select is(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR', 'select (app_public.price_check(''orb'', 167)).allowed') -> 0 ->> 'allowed',
  'false', 'price_check (staff): 167 is below the floor: allowed = false');
select results_eq($$select reference, floor from pg_temp.q(910000000000000001, 'dust', 5)$$, $$values (8::bigint, 6::bigint)$$,
  'rounding: reference = round(7 x 1.2 = 8.4) = 8, floor = ceil(8 x 0.7 = 5.6) = 6');
select results_eq($$select reference, floor, allowed from pg_temp.q(910000000000000001, 'pebble', 1)$$, $$values (1::bigint, 1::bigint, true)$$,
  'a catalogue price of 1: reference round(1.2) = 1, floor ceil(0.7) = 1');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000031, null, 'select app_public.price_check(''nothing'', 10)'),
  '{"code": "RW001", "key": "reward_not_found", "detail": {"sku": "nothing"}}'::jsonb, 'price_check of an unknown SKU: RW001');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000031, null, 'select app_public.price_check(''gem'', 10)') ->> 'code', 'RW001',
  'price_check of another guild''s SKU: RW001');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000031, null, 'select app_public.price_check(''orb'', 0)'),
  '{"code": "AM001", "key": "invalid_amount", "detail": {"amount": 0}}'::jsonb, 'price_check of 0 coins: AM001');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000031, null, 'select app_public.price_check(''orb'', null)') ->> 'code', 'AM001',
  'price_check without a price: AM001');
select is(pg_temp.error_as('coins_player', null, 910000000000000031, null, 'select app_public.price_check(''orb'', 100)') ->> 'code', 'AU001',
  'price_check without a guild: AU001');
select throws_ok($$select pg_temp.run_as('coins_worker', 910000000000000001, null, null, 'select app_public.price_check(''orb'', 100)')$$, '42501', null,
  'the worker cannot call price_check (42501)');

-- The scarcity multiplier: 1 + alpha x (1 - supply / target) while the active supply is below the target ----------------------------
do $$ begin perform pg_temp.list('A1', 910000000000000001, 'orb', 2, 300); end $$;
select results_eq($$select fee_band::text, reference_price from app_public.listings where listing_id = pg_temp.id('A1')$$,
  $$values ('market', 240::bigint)$$, 'the first listing was judged against 240: 300 = 240 x 1.25 is still the market band');
select results_eq($$select supply, mult, reference, floor from pg_temp.q(910000000000000001, 'orb', 200)$$,
  $$values (2, 1.1200, 224::bigint, 157::bigint)$$, '2 units listed: multiplier 1 + 0.2 x (1 - 2/5) = 1.12, reference 224, floor ceil(156.8) = 157');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000031), 'orb', 1, 156, 24, 1, null, 'x-1')$$),
  '{"code": "FL001", "key": "below_price_floor", "detail": {"sku": "orb", "unit_price": 156, "floor": 157, "reference": 224, "median_7d": null, "scarcity_multiplier": 1.12}}'::jsonb,
  'listing at 156 is refused: FL001 with floor 157, reference 224, no median, multiplier 1.12');
do $$ begin perform pg_temp.list('A2', 910000000000000001, 'orb', 3, 157); end $$;
select results_eq($$select unit_price, reference_price, fee_band::text, fee_rate from app_public.listings where listing_id = pg_temp.id('A2')$$,
  $$values (157::bigint, 224::bigint, 'undercut', 0.1::numeric(5, 4))$$, 'exactly the floor (157) is listed (undercut band)');
select results_eq($$select supply, mult, reference, floor from pg_temp.q(910000000000000001, 'orb', 200)$$,
  $$values (5, 1::numeric, 200::bigint, 140::bigint)$$, 'at the target (5 units listed) the multiplier is 1: reference 200, floor 140');
select results_eq($$select supply, mult, reference, floor from pg_temp.q(910000000000000001, 'orb', 200, pg_temp.id('A2'))$$,
  $$values (2, 1.1200, 224::bigint, 157::bigint)$$, 'a repricing quote leaves the listing itself out of the supply (5 - 3 = 2)');
select results_eq($$select supply, mult from pg_temp.q(910000000000000001, 'orb', 200, pg_temp.id('A1'))$$,
  $$values (3, 1.0800)$$, '... and so for the other listing: 3 units, multiplier 1.08');
do $$ begin perform pg_temp.list('A3', 910000000000000001, 'orb', 4, 250); end $$;
select results_eq($$select supply, mult, reference from pg_temp.q(910000000000000001, 'orb', 200)$$,
  $$values (9, 1::numeric, 200::bigint)$$, 'above the target the multiplier stays 1');
do $$ begin perform app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000032), pg_temp.id('A3'), 4, 'a3-buy'); end $$;
select results_eq($$select supply, mult, reference from pg_temp.q(910000000000000001, 'orb', 200)$$,
  $$values (5, 1::numeric, 200::bigint)$$, 'units in orders are not supply: a sold-out listing counts 0 (9 - 4 = 5)');
do $$ begin perform app_private.close_listing(pg_temp.id('A1'), 'cancelled', now()); end $$;
select results_eq($$select supply, mult, reference from pg_temp.q(910000000000000001, 'orb', 200)$$,
  $$values (3, 1.0800, 216::bigint)$$, 'a cancelled listing is no supply: 3 units, multiplier 1.08, reference 216');
-- Supply is what can still be bought at p_at: a listing past its expires_at is out, even before the listings__expire job
-- has marked it expired (A2 ends 24 h from now)
select results_eq($$select supply from pg_temp.q(910000000000000001, 'orb', 200, null, now() + interval '24 hours' - interval '1 microsecond')$$,
  $$values (3)$$, 'a microsecond before A2''s expires_at its 3 units still count');
select results_eq($$select supply, mult, reference from pg_temp.q(910000000000000001, 'orb', 200, null, now() + interval '24 hours')$$,
  $$values (0, 1.2000, 240::bigint)$$, 'at its expires_at they do not, although A2 is still active (the job has not run): no supply, multiplier 1.2');
select results_eq($$select supply, mult, reference from pg_temp.q(910000000000000001, 'orb', 200, null, now() + interval '2 days')$$,
  $$values (0, 1.2000, 240::bigint)$$, 'two days later: no supply either');
do $$ begin perform app_hidden.expire_listings(now() + interval '2 days'); end $$;
select results_eq($$select supply, mult, reference from pg_temp.q(910000000000000001, 'orb', 200, null, now() + interval '2 days')$$,
  $$values (0, 1.2000, 240::bigint)$$, 'once the job has expired it, the quote is the same');
update app_public.pricing_config set alpha = 0.5 where guild_id = 910000000000000001;
select results_eq($$select mult, reference from pg_temp.q(910000000000000001, 'orb', 200, null, now() + interval '2 days')$$,
  $$values (1.5000, 300::bigint)$$, 'alpha comes from the guild''s pricing_config (0.5: at most x 1.5)');
update app_public.pricing_config set alpha = 0.2 where guild_id = 910000000000000001;

-- Fee bands at their boundaries (reference 200: supply at the target) -------------------------------------------------------------------------
do $$ begin perform pg_temp.list('A4', 910000000000000001, 'orb', 5, 250); end $$;
select results_eq(
  $$select p, (select band from pg_temp.q(910000000000000001, 'orb', p)), (select rate from pg_temp.q(910000000000000001, 'orb', p))
      from unnest(array[139, 140, 199, 200, 250, 251, 10000]::bigint[]) p$$,
  $$values (139::bigint, 'undercut', 0.1000), (140::bigint, 'undercut', 0.1000), (199::bigint, 'undercut', 0.1000), (200::bigint, 'market', 0.0800),
           (250::bigint, 'market', 0.0800), (251::bigint, 'over_average', 0.1200), (10000::bigint, 'over_average', 0.1200)$$,
  'fee bands: below the reference undercut (0.10); from the reference up to reference x 1.25 market (0.08); above it over_average (0.12)');
select results_eq($$select p, (select allowed from pg_temp.q(910000000000000001, 'orb', p)) from unnest(array[139, 140]::bigint[]) p$$,
  $$values (139::bigint, false), (140::bigint, true)$$, 'the floor is ceil(200 x 0.70) = 140: 139 is refused, 140 allowed');
update app_public.pricing_config set over_average_ratio = 1.3333 where guild_id = 910000000000000001;
select results_eq($$select p, (select band from pg_temp.q(910000000000000001, 'orb', p)) from unnest(array[266, 267]::bigint[]) p$$,
  $$values (266::bigint, 'market'), (267::bigint, 'over_average')$$,
  'with a non-integer boundary (200 x 1.3333 = 266.66) 266 is market and 267 over_average');
update app_public.pricing_config set over_average_ratio = 1.25 where guild_id = 910000000000000001;

-- The 7-day median of fulfilled market sales (guild B, scarcity off) --------------------------------------------------------------------
do $$ begin
  perform pg_temp.sale('S10', 120, 1, now() - interval '10 days');
  perform pg_temp.sale('S6', 90, 1, now() - interval '6 days');
  perform pg_temp.sale('S3', 110, 1, now() - interval '3 days');
  perform pg_temp.sale('S1', 130, 1, now() - interval '1 day');
end $$;
select results_eq($$select median_7d, supply, mult, reference, floor from pg_temp.q(920000000000000001, 'gem', 100)$$,
  $$values (110::bigint, 0, 1::numeric, 110::bigint, 77::bigint)$$,
  'the reference is the median of the last 7 days'' sales (90, 110, 130: 110; the sale 10 days ago is left out), floor 77');
select results_eq(
  $$select catalogue_price, median_7d, reference_price from jsonb_populate_record(null::app_public.price_quote,
      pg_temp.rows_as('coins_player', 920000000000000001, 920000000000000031, null, 'select * from app_public.price_check(''gem'', 100)') -> 0)$$,
  $$values (100::bigint, 110::bigint, 110::bigint)$$, 'price_check in guild B: catalogue 100, median 110, reference 110');
select is(app_private.median_7d(920000000000000001, 'gem', now() - interval '5 days'), 105::bigint,
  'five days ago the window held 120 and 90: median round(105) = 105');
select is(app_private.median_7d(920000000000000001, 'gem', now() - interval '10 days' + interval '2 minutes'), 120::bigint,
  'a sale counts from the moment it is settled (settled_at <= p_at) ...');
select is(app_private.median_7d(920000000000000001, 'gem', now() - interval '10 days' + interval '1 minute 59 seconds'), null::bigint,
  '... not before');
select is(app_private.median_7d(920000000000000001, 'gem', now() - interval '3 days' + interval '2 minutes'), 100::bigint,
  'exactly 7 days after the 120 sale it has left the window (settled_at > p_at - 7 days), and the 110 sale settled at that instant is in: 90 and 110 give 100');
select is(app_private.median_7d(920000000000000001, 'gem', now() - interval '3 days' + interval '2 minutes' - interval '1 microsecond'), 105::bigint,
  'a microsecond earlier the window holds 120 and 90: 105');
do $$ begin perform pg_temp.sale('S0', 100, 3, now() - interval '1 hour'); end $$;
select is(app_private.median_7d(920000000000000001, 'gem', now()), 100::bigint,
  'a fourth sale of 3 units at 100: each unit sold is one observation (90, 100, 100, 100, 110, 130), median 100 (105 if the sale counted once)');
-- Pending, refunded and shop orders are not sales
do $$
declare v_order uuid;
begin
  perform pg_temp.list('P1', 920000000000000001, 'gem', 2, 500);
  perform app_private.buy_listing_for(pg_temp.uid(920000000000000001, 920000000000000032), pg_temp.id('P1'), 1, 'p1-buy');
  v_order := (app_private.buy_listing_for(pg_temp.uid(920000000000000001, 920000000000000033), pg_temp.id('P1'), 1, 'p1-buy-2')).order_id;
  perform app_private.refund_order_core(v_order, 'refunded', null, 'test');
  perform app_private.fulfil_order_core((app_private.buy_reward_for(pg_temp.uid(920000000000000001, 920000000000000032), 'charm', 1, 'shop-1')).order_id, null, 'fulfilled');
end $$;
select is(app_private.median_7d(920000000000000001, 'gem', now()), 100::bigint, 'a pending and a refunded market order at 500 are not sales: still 100');
select is(app_private.median_7d(920000000000000001, 'charm', now()), null::bigint, 'a fulfilled shop order is not a market sale: charm has no median');
do $$ begin perform pg_temp.sale('S-later', 140, 5, now() + interval '1 hour'); end $$;
select is(app_private.median_7d(920000000000000001, 'gem', now() + interval '2 hours'), 130::bigint,
  'a sale of 5 units at 140 (settled an hour from now) weighs 5: 90, 100 x 3, 110, 130, 140 x 5 give 130 (110 if each sale counted once)');
select is(app_private.median_7d(920000000000000001, 'gem', now()), 100::bigint, '... and is not in the median of now (settled after p_at)');
select results_eq($$select median_7d, reference from pg_temp.q(910000000000000001, 'orb', 200)$$, $$values (null::bigint, 200::bigint)$$,
  'guild B''s sales do not touch guild A''s quotes (no median; reference 200 with A4''s 5 units listed)');

-- pricing_config is per guild: ADMIN+ edit it through the table, audited; OPERATOR and below get PD001 ----------------------------------
do $$ begin perform set_config('app.reason', 'cheaper market', true); end $$;
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    'update app_public.pricing_config set price_floor_pct = 0.5, market_fee = 0.05'), null, 'an ADMIN updates guild A''s pricing_config');
do $$ begin perform set_config('app.reason', '', true); end $$;
select results_eq($$select guild_id, price_floor_pct, market_fee from app_public.pricing_config order by guild_id$$,
  $$values (910000000000000001::bigint, 0.5::numeric(5, 4), 0.05::numeric(5, 4)), (920000000000000001::bigint, 0.7::numeric(5, 4), 0.08::numeric(5, 4))$$,
  'guild A changed, guild B did not');
select results_eq(
  $$select action, actor_id, actor_role::text, subject_type, subject_id, (before ->> 'price_floor_pct')::numeric, (after ->> 'price_floor_pct')::numeric,
           (after ->> 'market_fee')::numeric, reason, before ? 'updated_at'
      from app_public.admin_actions where action = 'update_pricing_config'$$,
  $$values ('update_pricing_config', 910000000000000090::bigint, 'ADMIN', 'pricing_config', '910000000000000001', 0.7, 0.5, 0.05, 'cheaper market', false)$$,
  'audited as update_pricing_config with before/after and the app.reason claim');
select results_eq($$select floor, band, rate from pg_temp.q(910000000000000001, 'orb', 240)$$, $$values (100::bigint, 'market', 0.0500)$$,
  'the quotes follow: floor ceil(200 x 0.5) = 100, market fee 0.05');
select results_eq($$select floor, rate from pg_temp.q(920000000000000001, 'gem', 105)$$, $$values (70::bigint, 0.0800)$$,
  'guild B keeps its own: floor ceil(100 x 0.7) = 70, market fee 0.08');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPERADMIN', 'update app_public.pricing_config set undercut_fee = 0.09'), null,
  'a SUPERADMIN may update it too');
insert into snapshots values ('pricing_refusals', pg_temp.state());
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR', 'update app_public.pricing_config set market_fee = 0.01'),
  '{"code": "PD001", "key": "permission_denied", "detail": {"role": "OPERATOR", "required": ["SUPERADMIN", "ADMIN"]}}'::jsonb, 'an OPERATOR gets PD001');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPPORT', 'update app_public.pricing_config set market_fee = 0.01') ->> 'code',
  'PD001', 'SUPPORT gets PD001');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN', 'update app_public.pricing_config set market_fee = 0.6') ->> 'code',
  '23514', 'a fee above 0.5 is refused by the check constraint');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN', 'update app_public.pricing_config set over_average_ratio = 0.9') ->> 'code',
  '23514', 'an over-average ratio below 1 is refused by the check constraint');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN', 'update app_public.pricing_config set guild_id = 920000000000000001') ->> 'code',
  '42501', 'guild_id cannot be updated (42501)');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000031, null, 'update app_public.pricing_config set market_fee = 0.01') ->> 'code',
  '42501', 'a member cannot update pricing_config (42501)');
select is(pg_temp.state(), (select state from snapshots where name = 'pricing_refusals'), 'refused updates changed nothing');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000031), 'orb', 1, 99, 24, 1, null, 'x-2')$$) -> 'detail',
  '{"sku": "orb", "unit_price": 99, "floor": 100, "reference": 200, "median_7d": null, "scarcity_multiplier": 1}'::jsonb,
  'create_listing applies the new floor (100 at reference 200)');
update app_public.pricing_config set max_listing_days = 1 where guild_id = 910000000000000001;
select is(pg_temp.error_as(null, null, null, null, $$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000031), 'orb', 1, 200, 25, 1, null, 'x-3')$$),
  '{"code": "MK008", "key": "invalid_expiry", "detail": {"max_hours": 24}}'::jsonb, 'and max_listing_days (1 day: 25 h is MK008, max_hours 24)');

-- Repricing re-applies the guards as they stand: today's supply (without the listing itself) and the current pricing_config
select results_eq($$select reference_price, fee_band::text, fee_rate from app_public.listings where listing_id = pg_temp.id('A4')$$,
  $$values (240::bigint, 'market', 0.08::numeric(5, 4))$$, 'A4 was listed at 250 against reference 240 (no other supply then): market band, fee 0.08');
do $$ begin perform pg_temp.list('A5', 910000000000000001, 'orb', 5, 200); end $$;
select results_eq(
  $$select * from jsonb_to_record(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000031, null,
      format('select unit_price, reference_price, fee_band, fee_rate from app_public.edit_listing_price(%L, 250)', pg_temp.id('A4'))) -> 0)
      as (unit_price bigint, reference_price bigint, fee_band text, fee_rate numeric)$$,
  $$values (250::bigint, 200::bigint, 'market', 0.05)$$,
  'the seller reprices A4 (250): reference recomputed to 200 (A5''s 5 units are supply now, A4 left out), fee from the current config (market 0.05)');
select is_empty($$select * from app_public.verify_ledger()$$, 'verify_ledger finds nothing');
select * from finish();
rollback;
