begin;
select plan(16);
\ir ../lib/helpers.psql
-- Issue 14: /market pages (filters, sort, paging) and /mylistings. Guild A = 910000000000000001 (alice ...011 and bob
-- ...012 sell, dave ...014 browses); guild B = 920000000000000001 (carol ...011).
do $$
declare
  a bigint := 910000000000000001;
begin
  perform app_private.ensure_guild(a, 'Market guild A');
  perform app_private.ensure_guild(920000000000000001, 'Market guild B');
  perform app_private.ensure_member(a, 910000000000000011, 'alice');
  perform app_private.ensure_member(a, 910000000000000012, 'bob');
  perform app_private.ensure_member(a, 910000000000000014, 'dave');
  perform app_private.ensure_member(920000000000000001, 920000000000000011, 'carol');
  insert into app_public.rewards (guild_id, sku, name, category, price) values (a, 'sword', 'Iron Sword', 'cosmetic', 10),
    (a, 'shield', 'Shield', 'cosmetic', 20), (920000000000000001, 'sword', 'Sword', 'cosmetic', 10);
  perform app_private.admin_adjust_by(910000000000000091, 'ADMIN', pg_temp.uid(a, 910000000000000011), 1000, 'fixture', 'fund-a', now());
  perform app_private.admin_adjust_by(910000000000000091, 'ADMIN', pg_temp.uid(a, 910000000000000012), 1000, 'fixture', 'fund-b', now());
  perform app_private.admin_adjust_by(920000000000000091, 'ADMIN', pg_temp.uid(920000000000000001, 920000000000000011), 1000, 'fixture', 'fund-c', now());
  perform app_private.fulfil_order_core((app_private.buy_reward_for(pg_temp.uid(a, 910000000000000011), 'sword', 3, 'b1', now() - interval '3 hours')).order_id, null, 'x', now() - interval '3 hours');
  perform app_private.fulfil_order_core((app_private.buy_reward_for(pg_temp.uid(a, 910000000000000012), 'shield', 2, 'b2', now() - interval '3 hours')).order_id, null, 'x', now() - interval '3 hours');
  perform app_private.fulfil_order_core((app_private.buy_reward_for(pg_temp.uid(920000000000000001, 920000000000000011), 'sword', 1, 'b3', now() - interval '3 hours')).order_id, null, 'x', now() - interval '3 hours');
  perform app_private.create_listing_for(pg_temp.uid(a, 910000000000000011), 'sword', 1, 12, 24, 1, null, 'l1', now() - interval '2 hours');
  perform app_private.create_listing_for(pg_temp.uid(a, 910000000000000011), 'sword', 1, 9, 48, 1, null, 'l2', now() - interval '1 hour');
  perform app_private.create_listing_for(pg_temp.uid(a, 910000000000000012), 'shield', 2, 25, 12, 1, null, 'l3', now() - interval '30 minutes');
  perform app_private.create_listing_for(pg_temp.uid(920000000000000001, 920000000000000011), 'sword', 1, 10, 24, 1, null, 'l4', now());
end $$;
create function pg_temp.page(p_sql text) returns jsonb language sql as $$
  select coalesce(jsonb_agg(jsonb_build_array(r ->> 'sku', (r ->> 'unit_price')::int, (r ->> 'total')::int)), '[]')
    from jsonb_array_elements(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000014, null, p_sql)) r $$;

select is(pg_temp.page($$select * from app_public.market_listings()$$),
  '[["shield", 25, 3], ["sword", 9, 3], ["sword", 12, 3]]'::jsonb, 'newest first, this guild only, with the total');
select is(pg_temp.page($$select * from app_public.market_listings(sort => 'price_asc')$$),
  '[["sword", 9, 3], ["sword", 12, 3], ["shield", 25, 3]]'::jsonb, 'cheapest first');
select is(pg_temp.page($$select * from app_public.market_listings(sort => 'price_desc')$$),
  '[["shield", 25, 3], ["sword", 12, 3], ["sword", 9, 3]]'::jsonb, 'dearest first');
select is(pg_temp.page($$select * from app_public.market_listings(sort => 'ending')$$),
  '[["shield", 25, 3], ["sword", 12, 3], ["sword", 9, 3]]'::jsonb, 'ending soonest first');
select is(pg_temp.page($$select * from app_public.market_listings(sku => 'sword')$$),
  '[["sword", 9, 2], ["sword", 12, 2]]'::jsonb, 'by SKU');
select is(pg_temp.page($$select * from app_public.market_listings(sku => 'iron')$$),
  '[["sword", 9, 2], ["sword", 12, 2]]'::jsonb, 'by part of the item''s name');
select is(pg_temp.page($$select * from app_public.market_listings(max_price => 12)$$),
  '[["sword", 9, 2], ["sword", 12, 2]]'::jsonb, 'at most 12 coins');
select is(pg_temp.page($$select * from app_public.market_listings(sort => 'price_asc', skip => 2, "limit" => 2)$$),
  '[["shield", 25, 3]]'::jsonb, 'page 2 of 2');
select is(pg_temp.page($$select * from app_public.market_listings(sku => '%')$$), '[]'::jsonb, 'a % in the filter is a character, not a wildcard');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000014, null, $$select * from app_public.market_listings(sort => 'random')$$) ->> 'code',
  'VL001', 'an unknown sort: VL001');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000014, null, $$select * from app_public.market_listings("limit" => 26)$$) ->> 'code',
  'VL001', 'a page of more than 25: VL001');
select is(pg_temp.error_as('coins_anonymous', null, null, null, $$select * from app_public.market_listings()$$) ->> 'code',
  '42501', 'anonymous: no access');

select is(jsonb_array_length(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null, $$select * from app_public.my_listings()$$)),
  2, '/mylistings: alice''s 2 active listings');
select lives_ok($$select pg_temp.run_as('coins_player', 910000000000000001, 910000000000000011, null,
    $q$select app_public.cancel_listing((select listing_id from app_public.my_listings() where unit_price = 12))$q$)$$, 'she cancels one');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null, $$select unit_price from app_public.my_listings()$$),
  '[{"unit_price": 9}]'::jsonb, 'one left');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000099, null, $$select * from app_public.my_listings()$$) ->> 'code',
  'MB001', 'a non-member: MB001');

select * from finish();
rollback;
