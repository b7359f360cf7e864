begin;
select plan(17);
\ir ../lib/helpers.psql
-- Issue 14 feature toggles, in SQL for every rule the bot gates: market listings and purchases (shop), task proofs
-- (tasks), card listings, purchases, burns, trade proposals and confirmations (cards). What is under way can still be
-- wound down (cancelling a listing or a trade). Guild 966000000000000001: alice ...011, bob ...012.
do $$
declare
  g bigint := 966000000000000001;
  a bigint;
  b bigint;
begin
  perform app_private.ensure_guild(g, 'Gates');
  perform app_private.ensure_member(g, 966000000000000011, 'alice');
  perform app_private.ensure_member(g, 966000000000000012, 'bob');
  a := pg_temp.uid(g, 966000000000000011);
  b := pg_temp.uid(g, 966000000000000012);
  perform app_private.admin_adjust_by(966000000000000090, 'ADMIN', a, 1000, 'gates fixture', 'fund-a', now());
  perform app_private.admin_adjust_by(966000000000000090, 'ADMIN', b, 1000, 'gates fixture', 'fund-b', now());
  -- Shop: alice owns 3 swords and lists 2 of them.
  insert into app_public.rewards (guild_id, sku, name, category, price) values (g, 'sword', 'Sword', 'cosmetic', 10);
  perform app_private.fulfil_order_core((app_private.buy_reward_for(a, 'sword', 3, 'gates-shop')).order_id, null, 'test');
  perform app_private.create_listing_for(a, 'sword', 2, 10, 24, 1, null, 'gates-list');
  -- Tasks: alice has claimed a task (proof not submitted yet).
  insert into app_public.tasks (guild_id, name, reward) values (g, 'Gate task', 5);
  perform app_private.claim_task_for(a, (select id from app_public.tasks where guild_id = g), null, 'gates-claim');
  -- Cards: two copies each; alice lists one of hers and proposes a trade of the other for one of bob's.
  insert into app_public.artists (guild_id, name, code) values (g, 'Gate', 'GAT');
  insert into app_public.eras (guild_id, artist_id, name, code) select g, id, 'One', 'ONE' from app_public.artists where guild_id = g;
  insert into app_public.card_templates (guild_id, public_id, artist_id, era_id, rarity)
    select g, 'GAT-ONE-C-001', a2.id, e.id, 'common' from app_public.artists a2 join app_public.eras e on e.artist_id = a2.id where a2.guild_id = g;
  perform app_private.mint_card((select id from app_public.card_templates where guild_id = g), u, 'admin', now())
     from unnest(array[a, a, b, b]) u;
  perform app_private.list_card_for(a, (select min(id) from app_public.user_cards where owner_id = a), 5, 'NOTE', 1, 'gates-card-list', now());
  perform app_private.propose_trade_for(a, 966000000000000012, array[(select max(id) from app_public.user_cards where owner_id = a)], '{}',
    array[(select min(id) from app_public.user_cards where owner_id = b)], '{}', now());
end $$;
create function pg_temp.gate(p_sql text) returns text language sql as $$
  select pg_temp.error_as(null, null, null, null, p_sql) ->> 'code' $$;
-- Everything the refused calls below could have touched: the shared state() plus cards and task claims.
create function pg_temp.gstate() returns jsonb language sql as $$
  select pg_temp.state() || jsonb_build_object(
    'user_cards', (select jsonb_agg(jsonb_build_array(id, owner_id, locked) order by id) from app_public.user_cards),
    'card_listings', (select jsonb_agg(jsonb_build_array(id, status) order by id) from app_public.card_listings),
    'card_trades', (select jsonb_agg(jsonb_build_array(id, status, version, proposer_confirmed, recipient_confirmed) order by id) from app_public.card_trades),
    'task_claims', (select jsonb_agg(jsonb_build_array(id, status, proof_text) order by id) from app_public.task_claims)) $$;
create temp table ctx as
  select pg_temp.uid(966000000000000001, 966000000000000011) as alice, pg_temp.uid(966000000000000001, 966000000000000012) as bob,
         (select listing_id from app_public.listings where guild_id = 966000000000000001) as listing,
         (select id from app_public.card_listings where guild_id = 966000000000000001) as card_listing,
         (select id from app_public.card_trades where guild_id = 966000000000000001) as trade,
         (select id from app_public.tasks where guild_id = 966000000000000001) as task;

update app_public.guild_settings set feature_shop = false, feature_tasks = false, feature_cards = false where guild_id = 966000000000000001;
insert into snapshots values ('off', pg_temp.gstate());
select is(pg_temp.gate($$select app_private.create_listing_for((select alice from ctx), 'sword', 1, 10, 24, 1, null, 'k-list')$$),
  'FT001', 'shop off: a market listing is refused (FT001)');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.buy_listing_for((select bob from ctx), (select listing from ctx), 1, 'k-buy')$$) -> 'detail' ->> 'feature',
  'shop', 'shop off: a market purchase is refused, naming the shop');
select is(pg_temp.gate($$select app_private.submit_task_proof_for((select alice from ctx), (select task from ctx), 'done', '[]', 'k-proof')$$),
  'FT001', 'tasks off: a proof is refused (FT001)');
select is(pg_temp.gate($$select app_private.list_card_for((select alice from ctx), (select max(id) from app_public.user_cards where owner_id = (select bob from ctx)), 5, 'NOTE', 1, 'k-cl', now())$$),
  'FT001', 'cards off: a card listing is refused (FT001)');
select is(pg_temp.gate($$select app_private.buy_card_for((select bob from ctx), (select card_listing from ctx), 'k-cb', now())$$),
  'FT001', 'cards off: a card purchase is refused (FT001)');
select is(pg_temp.gate($$select app_private.burn_card_for((select bob from ctx), (select max(id) from app_public.user_cards where owner_id = (select bob from ctx)), 'k-burn', now())$$),
  'FT001', 'cards off: a burn is refused (FT001)');
select is(pg_temp.gate($$select app_private.propose_trade_for((select bob from ctx), 966000000000000011, '{}', '{"NOTE": 1}', '{}', '{}', now())$$),
  'FT001', 'cards off: a trade proposal is refused (FT001)');
select is(pg_temp.gate($$select app_private.confirm_trade_for((select bob from ctx), (select trade from ctx), 1, now())$$),
  'FT001', 'cards off: a trade confirmation is refused (FT001)');
select is(pg_temp.gstate(), (select state from snapshots where name = 'off'), 'the refusals changed nothing');

-- Winding down still works while the features are off.
select is(pg_temp.error_as('coins_player', 966000000000000001, 966000000000000011, null,
    $$select app_public.cancel_trade((select id from app_public.card_trades where guild_id = 966000000000000001))$$),
  null, 'cards off: alice can still cancel her trade');
select is(pg_temp.error_as('coins_player', 966000000000000001, 966000000000000011, null,
    $$select app_public.cancel_card_listing((select id from app_public.card_listings where guild_id = 966000000000000001))$$),
  null, 'cards off: and her card listing');
select is(pg_temp.error_as('coins_player', 966000000000000001, 966000000000000011, null,
    $$select app_public.cancel_listing((select listing_id from app_public.listings where guild_id = 966000000000000001))$$),
  null, 'shop off: and her market listing (the units go back to her inventory)');
select is(pg_temp.inv(966000000000000001, 966000000000000011, 'sword'), 3, 'alice holds her 3 swords again');

-- Switched back on, the same requests go through.
update app_public.guild_settings set feature_shop = true, feature_tasks = true, feature_cards = true where guild_id = 966000000000000001;
select is(pg_temp.gate($$select app_private.create_listing_for((select alice from ctx), 'sword', 1, 10, 24, 1, null, 'k-list')$$),
  null, 'shop on: the listing succeeds');
select is(pg_temp.gate($$select app_private.buy_listing_for((select bob from ctx),
    (select listing_id from app_public.listings where guild_id = 966000000000000001 and status = 'active'), 1, 'k-buy')$$),
  null, 'and bob buys it');
select is(pg_temp.gate($$select app_private.submit_task_proof_for((select alice from ctx), (select task from ctx), 'done', '[]', 'k-proof')$$),
  null, 'tasks on: the proof is accepted for review');
select is(pg_temp.gate($$select app_private.burn_card_for((select bob from ctx), (select max(id) from app_public.user_cards where owner_id = (select bob from ctx)), 'k-burn', now())$$),
  null, 'cards on: the burn succeeds');

select * from finish();
rollback;
