begin;
select plan(120);
\ir ../lib/helpers.psql
-- Collectible cards (issue 15). Guild A = 940000000000000001: alice ...011, bob ...012, carol ...013 (frozen later),
-- ada ...090 (staff ADMIN), audrey ...091 (staff AUDITOR). Guild B = 950000000000000001: zed ...011.
-- Catalogue of guild A: artist TMC, era 1989, 3 templates per rarity. The clock: '2030-01-01 12:00Z' (= t0) and later.
do $$
begin
  perform app_private.ensure_guild(940000000000000001, 'Cards A');
  perform app_private.ensure_guild(950000000000000001, 'Cards B');
  perform app_private.ensure_member(940000000000000001, 940000000000000011, 'alice');
  perform app_private.ensure_member(940000000000000001, 940000000000000012, 'bob');
  perform app_private.ensure_member(940000000000000001, 940000000000000013, 'carol');
  perform app_private.ensure_member(940000000000000001, 940000000000000090, 'ada');
  perform app_private.ensure_member(950000000000000001, 950000000000000011, 'zed');
  insert into app_public.artists (guild_id, name, code) values (940000000000000001, 'Taylor', 'TMC'), (950000000000000001, 'Zed', 'ZED');
  insert into app_public.eras (guild_id, artist_id, name, code, colour)
    select guild_id, id, '1989', '1989', '#7fb3d5' from app_public.artists;
  insert into app_public.card_templates (guild_id, public_id, artist_id, era_id, rarity)
    select a.guild_id, a.code || '-1989-' || upper(left(r::text, 1)) || '-00' || n, a.id, e.id, r
      from app_public.artists a join app_public.eras e on e.artist_id = a.id,
           unnest(enum_range(null::app_public.card_rarity)) r, generate_series(1, 3) n;
  insert into app_public.card_cooldown_roles (guild_id, discord_role_id, reduction_pct, label) values (940000000000000001, 777, 50, 'booster');
end $$;
create function pg_temp.uid(p_discord bigint) returns bigint language sql as $$
  select id from app_public.users where guild_id = 940000000000000001 and discord_id = p_discord $$;
create function pg_temp.cur(p_discord bigint, p_currency text) returns bigint language sql as $$
  select coalesce((select balance from app_public.accounts where user_id = pg_temp.uid(p_discord) and currency = p_currency and kind = 'wallet'), 0) $$;
create function pg_temp.pack(p_code text) returns bigint language sql as $$
  select id from app_public.pack_types where guild_id = 940000000000000001 and code = p_code $$;
create function pg_temp.fund(p_discord bigint, p_currency text, p_amount bigint) returns void language sql as $$
  select app_private.post_transfer(940000000000000001, app_private.ledger_account(940000000000000001, null, p_currency, 'mint'),
    app_private.ledger_account(940000000000000001, pg_temp.uid(p_discord), p_currency, 'wallet'), p_amount, 'test_fund') $$;
create function pg_temp.as_member(p_discord bigint, p_sql text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_player', 940000000000000001, p_discord, null, p_sql) -> 0 $$;
create function pg_temp.err_member(p_discord bigint, p_sql text) returns text language sql as $$
  select (pg_temp.error_as('coins_player', 940000000000000001, p_discord, null, p_sql)) ->> 'code' $$;
create function pg_temp.err_staff(p_discord bigint, p_role text, p_sql text) returns text language sql as $$
  select (pg_temp.error_as('coins_staff', 940000000000000001, p_discord, p_role, p_sql)) ->> 'code' $$;
-- Everything a refused card action could have touched.
create function pg_temp.cards_state() returns jsonb language sql as $$
  select pg_temp.state() || jsonb_build_object(
    'user_cards', (select jsonb_agg(to_jsonb(c) order by id) from app_public.user_cards c),
    'templates', (select jsonb_agg(jsonb_build_array(id, rarity, copies_created, retired_at) order by id) from app_public.card_templates),
    'openings', (select jsonb_agg(to_jsonb(o) order by id) from app_public.pack_openings o),
    'draws', (select count(*) from app_public.card_draws),
    'nonces', (select jsonb_agg(to_jsonb(n) order by seed_id, discord_id) from app_private.fair_nonces n),
    'cooldowns', (select jsonb_agg(to_jsonb(c) order by user_id, command) from app_public.card_cooldowns c),
    'listings', (select jsonb_agg(to_jsonb(l) order by id) from app_public.card_listings l),
    'trades', (select jsonb_agg(to_jsonb(t) order by id) from app_public.card_trades t),
    'trade_items', (select count(*) from app_public.card_trade_items),
    'notifications', (select count(*) from app_public.card_notifications),
    'pack_types', (select jsonb_agg(to_jsonb(p) - 'updated_at' order by id) from app_public.pack_types p)) $$;
create function pg_temp.unchanged(p_name text) returns boolean language sql as $$
  select pg_temp.cards_state() = (select state from snapshots where name = p_name) $$;
create temp table got (name text primary key, r jsonb);

-- Provisioning: settings, default packs (the seed's odds), a published seed --------------------------------------------
select results_eq($$select code, command, cards_per_pack, rate_common, rate_rare, rate_epic, rate_legendary, rate_mythic, cooldown_s, daily_free,
                           guarantee::text from app_public.pack_types where guild_id = 940000000000000001 order by code$$,
  $$values ('premium-5', 'openpack', 5, 4500, 3000, 1500, 800, 200, 420, 0, 'epic'),
           ('single', 'draw', 1, 6200, 2300, 1000, 400, 100, 120, 3, null::text),
           ('standard-3', 'openpack', 3, 6200, 2300, 1000, 400, 100, 420, 1, null::text)$$,
  'a new guild gets standard-3 (62/23/10/4/1 %, 1 free a day, 7 min), premium-5 (epic guaranteed) and single (/draw, 2 min)');
select results_eq($$select c.currency, c.amount from app_public.pack_costs c where c.pack_type_id = pg_temp.pack('standard-3') order by 1$$,
  $$values ('DISC', 1::bigint), ('NOTE', 200::bigint)$$, 'standard-3 costs 200 Notes or 1 Disc');
select results_eq($$select count(*)::int, bool_and(seed_hash ~ '^[0-9a-f]{64}$'), bool_and(revealed_seed is null) from app_public.fair_seeds where guild_id = 940000000000000001$$,
  $$values (1, true, true)$$, 'one current server seed, its SHA-256 published, the seed not revealed');
select is((select encode(sha256(seed), 'hex') from app_private.fair_seed_secrets s join app_public.fair_seeds f on f.id = s.seed_id where f.guild_id = 940000000000000001),
  (select seed_hash from app_public.fair_seeds where guild_id = 940000000000000001), 'the published hash is the SHA-256 of the secret seed');
select is(encode(app_private.hmac_sha256(convert_to('Jefe', 'UTF8'), convert_to('what do ya want for nothing?', 'UTF8')), 'hex'),
  '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843', 'hmac_sha256 matches RFC 4231 test case 2');
select is(encode(app_private.hmac_sha256(decode(repeat('aa', 131), 'hex'), convert_to('Test Using Larger Than Block-Size Key - Hash Key First', 'UTF8')), 'hex'),
  '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54', 'hmac_sha256 matches RFC 4231 test case 6 (a key longer than a block)');
select results_eq($$select app_public.rarity_for_roll(r, array[6200, 2300, 1000, 400, 100])::text from unnest(array[0, 6199, 6200, 8499, 8500, 9499, 9500, 9899, 9900, 9999]) r$$,
  $$values ('common'), ('common'), ('rare'), ('rare'), ('epic'), ('epic'), ('legendary'), ('legendary'), ('mythic'), ('mythic')$$,
  'rarity_for_roll: bands as wide as the rates, in rarity order');

-- Drop rates must total exactly 100 % ---------------------------------------------------------------------------------------
insert into snapshots values ('rates', pg_temp.cards_state());
select is(pg_temp.err_staff(940000000000000090, 'ADMIN', $$update app_public.pack_types set rate_common = 6100 where guild_id = 940000000000000001 and code = 'standard-3'$$),
  'CA010', 'an ADMIN editing rates to 99 %: CA010 invalid_drop_rates');
select is(pg_temp.error_as('coins_staff', 940000000000000001, 940000000000000090, 'ADMIN',
    $$update app_public.pack_types set rate_mythic = 200 where guild_id = 940000000000000001 and code = 'standard-3'$$) -> 'detail',
  '{"total_bp": 10100}'::jsonb, 'the refusal says what the rates add up to (101 %)');
select is(pg_temp.err_staff(940000000000000091, 'AUDITOR', $$update app_public.pack_types set name = 'x' where guild_id = 940000000000000001 and code = 'standard-3'$$),
  'PD001', 'an AUDITOR cannot edit pack types: PD001');
select ok(pg_temp.unchanged('rates'), 'refused rate edits change nothing');
select is(pg_temp.run_as('coins_staff', 940000000000000001, 940000000000000090, 'ADMIN',
    $$update app_public.pack_types set rate_common = 4400, rate_rare = 3100 where guild_id = 940000000000000001 and code = 'premium-5'$$), 1::bigint,
  'an ADMIN''s edit that keeps 100 % is accepted');
select results_eq($$select action, subject_type, subject_id::bigint = pg_temp.pack('premium-5'), (before->>'rate_common')::int, (after->>'rate_common')::int
                     from app_public.admin_actions where guild_id = 940000000000000001 order by id desc limit 1$$,
  $$values ('update_pack_type', 'pack_type', true, 4500, 4400)$$, 'the edit is audited with before/after');

-- Opening a pack: free allotment, draws, nothing minted --------------------------------------------------------------------
insert into got values ('o1', to_jsonb(app_private.open_pack_for(pg_temp.uid(940000000000000011), 'standard-3', null, null, 'o-1', '2030-01-01 12:00Z')));
select results_eq($$select r->>'status', (r->>'free')::boolean, r->>'currency', (r->>'amount')::bigint, r->>'rates' from got where name = 'o1'$$,
  $$values ('open', true, null::text, 0::bigint, '[6200, 2300, 1000, 400, 100]')$$, 'the free daily pack opens (rates recorded on the opening)');
select results_eq($$select count(*)::int, array_agg(slot order by slot), bool_and(card_id is null), count(distinct nonce)::int, min(nonce)
                     from app_public.card_draws where opening_id = (select (r->>'id')::uuid from got where name = 'o1')$$,
  $$values (3, array[0, 1, 2], true, 3, 0)$$, 'three cards drawn with nonces 0, 1, 2 of alice under the seed, none minted');
select is((select count(*)::int from app_public.user_cards), 0, 'opening mints nothing');
select is((select next_at from app_public.card_cooldowns where user_id = pg_temp.uid(940000000000000011) and command = 'openpack'),
  '2030-01-01 12:07Z'::timestamptz, 'the openpack cooldown is 7 minutes');
insert into snapshots values ('open_refused', pg_temp.cards_state());
select throws_ok($$select app_private.open_pack_for(pg_temp.uid(940000000000000011), 'standard-3', null, null, 'o-2', '2030-01-01 12:06Z')$$,
  'CD002', 'card_cooldown_active', 'opening again within 7 minutes: CD002');
select throws_ok($$select app_private.open_pack_for(pg_temp.uid(940000000000000011), 'standard-3', null, null, 'o-3', '2030-01-01 12:08Z')$$,
  'CA015', 'no_free_pack', 'a second free pack the same UTC day: CA015');
select throws_ok($$select app_private.open_pack_for(pg_temp.uid(940000000000000011), 'standard-3', 'NOTE', null, 'o-4', '2030-01-01 12:08Z')$$,
  'NF001', 'insufficient_funds', 'paying 200 Notes with none: NF001');
select throws_ok($$select app_private.open_pack_for(pg_temp.uid(940000000000000011), 'standard-3', 'GEM', null, 'o-5', '2030-01-01 12:08Z')$$,
  'CA009', 'currency_not_used', 'standard-3 has no price in Gems: CA009');
select throws_ok($$select app_private.open_pack_for(pg_temp.uid(940000000000000011), 'mega', null, null, 'o-6', '2030-01-01 12:08Z')$$,
  'CA007', 'pack_not_found', 'an unknown pack: CA007');
select is(pg_temp.err_member(940000000000000011, $$select app_public.open_pack('single', null, null, 'o-7')$$), 'CA007',
  'the /draw pack cannot be opened with open_pack: CA007');
select ok(pg_temp.unchanged('open_refused'), 'refused opens change nothing (no draw, no nonce, no cooldown, no money)');
-- The same idempotency key replays the first opening.
select is(to_jsonb(app_private.open_pack_for(pg_temp.uid(940000000000000011), 'standard-3', null, null, 'o-1', '2030-01-01 12:30Z')),
  (select r from got where name = 'o1'), 'a replayed key returns the first opening and draws nothing more');

-- Paying: 200 Notes back to the mint (a sink) ---------------------------------------------------------------------------------
select pg_temp.fund(940000000000000011, 'NOTE', 500);
insert into got values ('o2', to_jsonb(app_private.open_pack_for(pg_temp.uid(940000000000000011), 'standard-3', 'NOTE', null, 'o-8', '2030-01-01 12:08Z')));
select results_eq($$select pg_temp.cur(940000000000000011, 'NOTE'), (r->>'amount')::bigint, (r->>'free')::boolean from got where name = 'o2'$$,
  $$values (300::bigint, 200::bigint, false)$$, 'a paid pack: 200 Notes leave alice''s wallet');
select results_eq($$select t.reason, t.currency, t.amount, (select a.kind::text from app_public.accounts a where a.id = t.credit_account_id), x.type::text, x.amount
                     from app_public.transfers t join app_public.transactions x on x.tx_id = t.tx_id where t.reason = 'card_pack'$$,
  $$values ('card_pack', 'NOTE', 200::bigint, 'mint', 'spend', 200::bigint)$$, '... to the guild''s NOTE mint, with a spend transaction');
-- Role reductions: a booster's cooldown is halved.
insert into got values ('o3', to_jsonb(app_private.open_pack_for(pg_temp.uid(940000000000000012), 'standard-3', null, array[777, 5]::bigint[], 'o-9', '2030-01-01 12:00Z')));
select is((select next_at from app_public.card_cooldowns where user_id = pg_temp.uid(940000000000000012) and command = 'openpack'),
  '2030-01-01 12:03:30Z'::timestamptz, 'a member with the booster role waits 3.5 minutes (-50 %)');

-- Picking one of three: exactly once ---------------------------------------------------------------------------------------
insert into snapshots values ('pick_refused', pg_temp.cards_state());
select throws_ok($$select app_private.pick_card_for(pg_temp.uid(940000000000000012), (select (r->>'id')::uuid from got where name = 'o1'), 0, '2030-01-01 12:01Z')$$,
  'CA012', 'opening_not_found', 'bob cannot pick from alice''s pack: CA012');
select throws_ok($$select app_private.pick_card_for(pg_temp.uid(940000000000000011), (select (r->>'id')::uuid from got where name = 'o1'), 3, '2030-01-01 12:01Z')$$,
  'CA013', 'invalid_slot', 'slot 3 of a 3-card pack: CA013');
select ok(pg_temp.unchanged('pick_refused'), 'refused picks change nothing');
insert into got values ('c1', pg_temp.as_member(940000000000000011, format('select * from app_public.pick_card(%L, 1)', (select r->>'id' from got where name = 'o1'))));
select results_eq($$select (r->>'template_id')::bigint, (r->>'print_no')::int, (r->>'owner_id')::bigint, r->>'origin', (r->>'temporary')::boolean from got where name = 'c1'$$,
  $$select template_id, 1, pg_temp.uid(940000000000000011), 'pack', false from app_public.card_draws
     where opening_id = (select (r->>'id')::uuid from got where name = 'o1') and slot = 1$$,
  'picking slot 1 mints that draw''s template for alice, print #1');
select results_eq($$select status::text, picked_slot, card_id = (select (r->>'id')::bigint from got where name = 'c1') from app_public.pack_openings
                     where id = (select (r->>'id')::uuid from got where name = 'o1')$$,
  $$values ('picked', 1, true)$$, 'the opening is picked');
select is(pg_temp.err_member(940000000000000011, format('select app_public.pick_card(%L, 0)', (select r->>'id' from got where name = 'o1'))),
  'CA011', 'a second pick from the same pack: CA011 (the others are gone)');
select is((select copies_created from app_public.card_templates where id = (select (r->>'template_id')::bigint from got where name = 'c1')),
  1, 'copies_created counts the minted copy only');

-- /draw: one card minted at once; print numbers follow ------------------------------------------------------------------------
insert into got values ('d1', to_jsonb(app_private.draw_card_for(pg_temp.uid(940000000000000012), 'single', null, null, 'd-1', '2030-01-01 12:00Z')));
select results_eq($$select r->>'origin', (r->>'owner_id')::bigint from got where name = 'd1'$$,
  $$values ('draw', pg_temp.uid(940000000000000012))$$, '/draw mints one card at once');
select is((select next_at from app_public.card_cooldowns where user_id = pg_temp.uid(940000000000000012) and command = 'draw'),
  '2030-01-01 12:02Z'::timestamptz, 'the draw cooldown is 2 minutes (its own, beside openpack''s)');
-- Mint many copies of one template through the rule: print numbers 1..n, gap-free.
select app_private.mint_card((select id from app_public.card_templates where public_id = 'TMC-1989-C-001'), pg_temp.uid(940000000000000013), 'admin', now())
  from generate_series(1, 5);
select results_eq($$select array_agg(print_no order by print_no), max(t.copies_created) from app_public.user_cards c join app_public.card_templates t on t.id = c.template_id
                     where t.public_id = 'TMC-1989-C-001'$$,
  $$select array_agg(g order by g), count(*)::int from generate_series(1, (select copies_created from app_public.card_templates where public_id = 'TMC-1989-C-001')) g$$,
  'print numbers of a template are 1..copies_created');

-- Provably fair: verify_draw ------------------------------------------------------------------------------------------------
select is(pg_temp.err_member(940000000000000012, format('select * from app_public.verify_draw(%s, null)', (select min(id) from app_public.card_draws))),
  'FS001', 'a draw whose seed is still in use cannot be verified yet: FS001');
select is(pg_temp.err_member(940000000000000012, format('select * from app_public.verify_draw(%s, %L)', (select min(id) from app_public.card_draws), repeat('ab', 32))),
  'FS001', 'a guessed seed that does not match the published hash: FS001');
select is(pg_temp.err_member(940000000000000012, 'select * from app_public.verify_draw(-1, null)'), 'CA016', 'an unknown draw: CA016');
select is(pg_temp.err_member(940000000000000011, $$select app_public.rotate_fair_seed()$$), '42501', 'members cannot rotate the seed (no grant)');
insert into got values ('old_seed', (select to_jsonb(s) from app_public.fair_seeds s where guild_id = 940000000000000001 and rotated_at is null));
insert into got values ('new_seed', pg_temp.rows_as('coins_staff', 940000000000000001, 940000000000000090, 'ADMIN', 'select * from app_public.rotate_fair_seed()') -> 0);
select results_eq($$select (select rotated_at is not null and encode(sha256(decode(revealed_seed, 'hex')), 'hex') = seed_hash from app_public.fair_seeds where id = (o.r->>'id')::bigint),
                           (n.r->>'id') <> (o.r->>'id'), n.r->>'revealed_seed', (select count(*)::int from app_private.fair_seed_secrets s where s.seed_id = (o.r->>'id')::bigint)
                      from got o, got n where o.name = 'old_seed' and n.name = 'new_seed'$$,
  $$values (true, true, null::text, 0)$$, 'rotation reveals the old seed (matching its hash), publishes a new one and forgets the old secret');
select is((select action from app_public.admin_actions where guild_id = 940000000000000001 order by id desc limit 1), 'rotate_fair_seed', 'the rotation is audited');
select is((pg_temp.rows_as('coins_player', 940000000000000001, 940000000000000012, null,
    'select bool_and(v.valid) as ok, count(*) as n from app_public.card_draws d, app_public.verify_draw(d.id, null) v') -> 0),
  jsonb_build_object('ok', true, 'n', (select count(*) from app_public.card_draws)), 'after rotation any member recomputes every past draw: all valid');
update app_public.card_draws set roll = (roll + 1) % 10000 where id = (select min(id) from app_public.card_draws);
select is((pg_temp.rows_as('coins_player', 940000000000000001, 940000000000000012, null,
    format('select valid from app_public.verify_draw(%s, null)', (select min(id) from app_public.card_draws))) -> 0 ->> 'valid'), 'false',
  'a tampered draw record does not verify');
update app_public.card_draws set roll = (roll + 9999) % 10000 where id = (select min(id) from app_public.card_draws);
select is((select max(nonce) from app_public.card_draws where seed_id = (select (r->>'id')::bigint from got where name = 'new_seed')), null::int,
  'draws after rotation will use the new seed (none yet)');
select is(pg_temp.rows_as('coins_staff', 940000000000000001, 940000000000000091, 'AUDITOR',
    'select count(*) as n, sum(configured_bp) as configured, sum(draws) as draws from app_public.draw_stats(''standard-3'', 100)') -> 0,
  jsonb_build_object('n', 5, 'configured', 10000, 'draws', (select count(*) from app_public.card_draws where pack_type_id = pg_temp.pack('standard-3'))),
  'draw_stats: staff see configured and observed rates per rarity over the last N draws');

-- Inventory: lock, burn ----------------------------------------------------------------------------------------------------
create temp table ids as select (select (r->>'id')::bigint from got where name = 'c1') as alice_card,
  (select (r->>'id')::bigint from got where name = 'd1') as bob_card;
grant select on ids to public;
select is(pg_temp.as_member(940000000000000011, 'select locked from app_public.set_card_locked((select alice_card from ids), true)') ->> 'locked', 'true', 'alice locks her card');
insert into snapshots values ('burn_refused', pg_temp.cards_state());
select is(pg_temp.err_member(940000000000000011, 'select app_public.burn_card((select alice_card from ids), ''b-1'')'), 'CA003', 'burning a locked card: CA003');
select is(pg_temp.err_member(940000000000000012, 'select app_public.burn_card((select alice_card from ids), ''b-2'')'), 'CA001', 'burning someone else''s card: CA001');
select is(pg_temp.err_member(940000000000000012, 'select app_public.set_card_locked((select alice_card from ids), false)'), 'CA001', 'locking someone else''s card: CA001');
select ok(pg_temp.unchanged('burn_refused'), 'refused burns and locks change nothing');
select is(pg_temp.as_member(940000000000000011, 'select locked from app_public.set_card_locked((select alice_card from ids), false)') ->> 'locked', 'false', 'alice unlocks it');

-- The card market ----------------------------------------------------------------------------------------------------------
insert into snapshots values ('list_refused', pg_temp.cards_state());
select is(pg_temp.err_member(940000000000000011, 'select app_public.list_card((select alice_card from ids), 0, ''NOTE'', 24, ''l-0'')'), 'AM001', 'price 0: AM001');
select is(pg_temp.err_member(940000000000000011, 'select app_public.list_card((select alice_card from ids), 100, ''NOTE'', 1000, ''l-1'')'), 'MK008', '1000 hours: MK008');
select is(pg_temp.err_member(940000000000000011, 'select app_public.list_card((select alice_card from ids), 100, ''MCD'', 24, ''l-2'')'), 'CA009', 'a currency the guild does not use for cards: CA009');
select is(pg_temp.err_member(940000000000000011, 'select app_public.list_card((select bob_card from ids), 100, ''NOTE'', 24, ''l-3'')'), 'CA001', 'listing someone else''s card: CA001');
select ok(pg_temp.unchanged('list_refused'), 'refused listings change nothing');
insert into got values ('l1', pg_temp.as_member(940000000000000011, 'select * from app_public.list_card((select alice_card from ids), 100, ''NOTE'', 24, ''l-4'')'));
select results_eq($$select r->>'status', (r->>'fee_bp')::int, (r->>'price')::bigint from got where name = 'l1'$$, $$values ('active', 500, 100::bigint)$$,
  'alice lists her card for 100 Notes with the 5 % fee');
insert into snapshots values ('listed', pg_temp.cards_state());
select is(pg_temp.err_member(940000000000000011, 'select app_public.list_card((select alice_card from ids), 90, ''NOTE'', 24, ''l-5'')'), 'CA005', 'listing it twice: CA005');
select is(pg_temp.err_member(940000000000000011, 'select app_public.burn_card((select alice_card from ids), ''b-3'')'), 'CA005', 'burning a listed card: CA005');
select is(pg_temp.err_member(940000000000000012, format('select app_public.propose_trade(940000000000000011, null, null, array[(select alice_card from ids)], null)')),
  'CA005', 'asking for a listed card in a trade: CA005');
select is(pg_temp.err_member(940000000000000011, format('select app_public.buy_card(%L, ''p-0'')', (select r->>'id' from got where name = 'l1'))), 'MK003', 'buying one''s own listing: MK003');
select is(pg_temp.err_member(940000000000000012, format('select app_public.buy_card(%L, ''p-1'')', (select r->>'id' from got where name = 'l1'))), 'NF001', 'bob without Notes: NF001');
select ok(pg_temp.unchanged('listed'), 'refused purchases change nothing');
select pg_temp.fund(940000000000000012, 'NOTE', 150);
insert into got values ('p1', pg_temp.as_member(940000000000000012, format('select * from app_public.buy_card(%L, ''p-2'')', (select r->>'id' from got where name = 'l1'))));
select results_eq($$select r->>'status', (select owner_id from app_public.user_cards where id = (select alice_card from ids)) = pg_temp.uid(940000000000000012),
                           pg_temp.cur(940000000000000011, 'NOTE'), pg_temp.cur(940000000000000012, 'NOTE'),
                           (select balance from app_public.accounts where guild_id = 940000000000000001 and user_id is null and currency = 'NOTE' and kind = 'fees')
                      from got where name = 'p1'$$,
  $$values ('sold', true, 395::bigint, 50::bigint, 5::bigint)$$, 'bob buys: the card is his, alice gets 95 Notes, the guild''s NOTE fees account 5, bob pays 100');
select is(pg_temp.as_member(940000000000000012, format('select * from app_public.buy_card(%L, ''p-2'')', (select r->>'id' from got where name = 'l1'))),
  (select r from got where name = 'p1'), 'a replayed purchase returns the first result and moves nothing more');
select is(pg_temp.err_member(940000000000000013, format('select app_public.buy_card(%L, ''p-3'')', (select r->>'id' from got where name = 'l1'))), 'MK002', 'buying a sold listing: MK002');
select is((select count(*)::int from app_public.card_notifications where kind = 'card_sold' and user_id = pg_temp.uid(940000000000000011)), 1, 'alice is told of the sale');
-- Cancel and expiry.
insert into got values ('l2', pg_temp.as_member(940000000000000012, 'select * from app_public.list_card((select alice_card from ids), 80, ''NOTE'', 1, ''l-6'')'));
select is(pg_temp.err_member(940000000000000011, format('select app_public.cancel_card_listing(%L)', (select r->>'id' from got where name = 'l2'))), 'MK001', 'cancelling someone else''s listing: MK001');
select is(pg_temp.as_member(940000000000000012, format('select * from app_public.cancel_card_listing(%L)', (select r->>'id' from got where name = 'l2'))) ->> 'status', 'cancelled', 'bob cancels his listing');
insert into got values ('l3', pg_temp.as_member(940000000000000012, 'select * from app_public.list_card((select alice_card from ids), 80, ''NOTE'', 1, ''l-7'')'));
select is(app_hidden.expire_card_listings(now() + interval '2 hours'), 1, 'the expiry job closes the listing after its hour');
select is((select status::text from app_public.card_listings where id = (select (r->>'id')::uuid from got where name = 'l3')), 'expired', '... as expired; the copy is free again');

-- Trades ------------------------------------------------------------------------------------------------------------------
-- bob gives alice's old card (now his) + 10 Notes for alice's... alice needs a card: mint one.
insert into ids select null, null;
update ids set alice_card = (select id from app_private.mint_card((select id from app_public.card_templates where public_id = 'TMC-1989-E-001'), pg_temp.uid(940000000000000011), 'admin', now())) where alice_card is null;
create temp table cards2 as select (select max(id) from app_public.user_cards where owner_id = pg_temp.uid(940000000000000011)) as a_card,
  (select id from app_public.user_cards where id = (select min(alice_card) from ids)) as b_card;
grant select on cards2 to public;
select is(pg_temp.err_member(940000000000000012, 'select app_public.propose_trade(940000000000000012, array[(select b_card from cards2)], null, null, null)'), 'TD004', 'trading with oneself: TD004');
select is(pg_temp.err_member(940000000000000012, 'select app_public.propose_trade(940000000000000011, null, null, null, null)'), 'TD005', 'an empty trade: TD005');
select is(pg_temp.err_member(940000000000000012, 'select app_public.propose_trade(940000000000000011, null, ''{"NOTE": 1.5}'', array[(select a_card from cards2)], null)'), 'AM001', 'a fractional amount: AM001');
insert into got values ('t1', pg_temp.as_member(940000000000000012,
  'select * from app_public.propose_trade(940000000000000011, array[(select b_card from cards2)], ''{"NOTE": 10}'', array[(select a_card from cards2)], null)'));
select results_eq($$select r->>'status', (r->>'version')::int, r->>'proposer_confirmed', (select count(*)::int from app_public.card_trade_items i where i.trade_id = (r->>'id')::uuid)
                     from got where name = 't1'$$, $$values ('open', 1, null::text, 3)$$, 'bob proposes: version 1, nobody confirmed, 3 items');
select is(pg_temp.as_member(940000000000000013, format('select count(*) as n from app_public.card_trades where id = %L', (select r->>'id' from got where name = 't1'))) ->> 'n', '0',
  'carol cannot see the trade (RLS)');
select is(pg_temp.as_member(940000000000000011, format('select * from app_public.confirm_trade(%L, 1)', (select r->>'id' from got where name = 't1'))) ->> 'recipient_confirmed', '1',
  'alice confirms version 1');
-- bob revises: now he wants alice's card for 5 Notes only; alice's confirmation no longer counts.
select is(pg_temp.as_member(940000000000000012, format('select * from app_public.revise_trade(%L, array[(select b_card from cards2)], ''{"NOTE": 5}'', array[(select a_card from cards2)], null)',
    (select r->>'id' from got where name = 't1'))) ->> 'version', '2', 'bob revises: version 2, confirmations cleared');
insert into snapshots values ('trade_v2', pg_temp.cards_state());
select is(pg_temp.err_member(940000000000000011, format('select app_public.confirm_trade(%L, 1)', (select r->>'id' from got where name = 't1'))), 'TD003', 'confirming the old version: TD003');
select is(pg_temp.err_member(940000000000000013, format('select app_public.confirm_trade(%L, 2)', (select r->>'id' from got where name = 't1'))), 'TD001', 'a third member confirming: TD001');
select ok(pg_temp.unchanged('trade_v2'), 'refused confirmations change nothing');
select is(pg_temp.as_member(940000000000000012, format('select * from app_public.confirm_trade(%L, 2)', (select r->>'id' from got where name = 't1'))) ->> 'status', 'open', 'bob confirms v2: still open');
-- alice locks the card bob wants: the swap refuses and nothing moves.
select pg_temp.as_member(940000000000000011, 'select id from app_public.set_card_locked((select a_card from cards2), true)');
insert into snapshots values ('trade_locked', pg_temp.cards_state());
select is(pg_temp.err_member(940000000000000011, format('select app_public.confirm_trade(%L, 2)', (select r->>'id' from got where name = 't1'))), 'CA003', 'a copy locked since the offer: the swap refuses (CA003)');
select ok(pg_temp.unchanged('trade_locked'), '... and nothing moved');
select pg_temp.as_member(940000000000000011, 'select id from app_public.set_card_locked((select a_card from cards2), false)');
select is(pg_temp.as_member(940000000000000011, format('select * from app_public.confirm_trade(%L, 2)', (select r->>'id' from got where name = 't1'))) ->> 'status', 'done', 'alice confirms v2: done');
select results_eq($$select (select owner_id from app_public.user_cards where id = (select a_card from cards2)) = pg_temp.uid(940000000000000012),
                           (select owner_id from app_public.user_cards where id = (select b_card from cards2)) = pg_temp.uid(940000000000000011),
                           pg_temp.cur(940000000000000011, 'NOTE'), pg_temp.cur(940000000000000012, 'NOTE')$$,
  $$values (true, true, 400::bigint, 45::bigint)$$, 'the swap: both copies changed hands and 5 Notes went from bob to alice');
select is(pg_temp.err_member(940000000000000012, format('select app_public.confirm_trade(%L, 2)', (select r->>'id' from got where name = 't1'))), 'TD002', 'a done trade: TD002');
insert into got values ('t2', pg_temp.as_member(940000000000000012, 'select * from app_public.propose_trade(940000000000000011, null, ''{"NOTE": 1}'', null, null)'));
select is(pg_temp.as_member(940000000000000011, format('select * from app_public.cancel_trade(%L)', (select r->>'id' from got where name = 't2'))) ->> 'status', 'cancelled', 'the other side declines (cancel)');
insert into got values ('t3', pg_temp.as_member(940000000000000012, 'select * from app_public.propose_trade(940000000000000011, null, ''{"NOTE": 1}'', null, null)'));
select is(app_hidden.expire_card_trades(now() + interval '2 hours'), 1, 'offers expire (after trade_expiry_min)');

-- Events and temporary cards ----------------------------------------------------------------------------------------------
insert into app_public.card_events (guild_id, name, starts_at, ends_at) values (940000000000000001, 'Tour week', '2030-01-01 00:00Z', '2030-01-08 00:00Z');
insert into got values ('tt', pg_temp.rows_as('coins_staff', 940000000000000001, 940000000000000090, 'ADMIN',
  format('select * from app_public.create_card_template(%s, %s, ''legendary'', null, %s)', (select id from app_public.artists where code = 'TMC' and guild_id = 940000000000000001),
    (select id from app_public.eras where code = '1989' and guild_id = 940000000000000001), (select max(id) from app_public.card_events))) -> 0);
select results_eq($$select r->>'public_id', (r->>'temporary')::boolean from got where name = 'tt'$$, $$values ('TMC-1989-L-016', true)$$,
  'staff create a temporary legendary: public id ARTIST-ERA-L-NNN');
select is(pg_temp.err_staff(940000000000000091, 'AUDITOR', 'select app_public.create_card_template(1, 1, ''common'', null, null)'), 'PD001', 'an AUDITOR cannot create cards: PD001');
insert into app_public.pack_types (guild_id, code, name, cards_per_pack, rate_common, rate_rare, rate_epic, rate_legendary, rate_mythic, cooldown_s, daily_free, event_id)
  values (940000000000000001, 'tour-3', 'Tour pack', 3, 4200, 2300, 1000, 2400, 100, 0, 1, (select max(id) from app_public.card_events));
select throws_ok($$select app_private.open_pack_for(pg_temp.uid(940000000000000013), 'tour-3', null, null, 'e-0', '2030-01-09 00:00Z')$$,
  'CA008', 'pack_not_available', 'an event pack after its event: CA008');
select app_private.pick_card_for(pg_temp.uid(940000000000000013), (app_private.open_pack_for(pg_temp.uid(940000000000000013), 'tour-3', null, null, 'e-1', '2030-01-02 00:00Z')).id, 0, '2030-01-02 00:00Z');
-- Give carol the temporary card directly too (the pack may not have drawn it).
select app_private.mint_card((select (r->>'id')::bigint from got where name = 'tt'), pg_temp.uid(940000000000000013), 'event', '2030-01-02 00:00Z');
select results_eq($$select temporary, expires_at from app_public.user_cards where template_id = (select (r->>'id')::bigint from got where name = 'tt') order by id desc limit 1$$,
  $$values (true, '2030-01-08 00:00Z'::timestamptz)$$, 'a temporary copy expires at its event''s end');
select is(pg_temp.err_member(940000000000000013, format('select app_public.list_card(%s, 10, ''NOTE'', 1, ''e-2'')',
    (select max(id) from app_public.user_cards where template_id = (select (r->>'id')::bigint from got where name = 'tt')))), 'CA004', 'a temporary card cannot be sold: CA004');
select is(pg_temp.err_member(940000000000000013, format('select app_public.propose_trade(940000000000000011, array[%s], null, null, null)',
    (select max(id) from app_public.user_cards where template_id = (select (r->>'id')::bigint from got where name = 'tt')))), 'CA004', 'nor traded: CA004');
select cmp_ok(app_hidden.expire_temporary_cards('2030-01-08 00:00Z'), '>=', 1, 'the expiry job makes temporary copies vanish at the event''s end');
select results_eq($$select count(*)::int from app_public.user_cards where temporary and burned_at is null$$, $$values (0)$$, 'no temporary copy is left');
select is((select retired_at from app_public.card_templates where id = (select (r->>'id')::bigint from got where name = 'tt')), '2030-01-08 00:00Z'::timestamptz,
  'the temporary template drops no more');

-- Staff: rarity changes, currency grants ----------------------------------------------------------------------------------
select is(pg_temp.err_member(940000000000000011, 'select app_public.set_card_rarity(''TMC-1989-C-001'', ''mythic'', ''upgrade'')'), '42501', 'members cannot set rarity (no grant)');
select is(pg_temp.err_staff(940000000000000091, 'AUDITOR', 'select app_public.set_card_rarity(''TMC-1989-C-001'', ''mythic'', ''upgrade'')'), 'PD001', 'an AUDITOR cannot: PD001');
select is(pg_temp.err_staff(940000000000000090, 'ADMIN', 'select app_public.set_card_rarity(''TMC-1989-C-001'', ''mythic'', '''')'), 'RS001', 'without a reason: RS001');
select is(pg_temp.err_staff(940000000000000090, 'ADMIN', 'select app_public.set_card_rarity(''NOPE-1989-C-001'', ''mythic'', ''upgrade'')'), 'CA006', 'an unknown card: CA006');
select is(pg_temp.rows_as('coins_staff', 940000000000000001, 940000000000000090, 'ADMIN', 'select rarity from app_public.set_card_rarity(''tmc-1989-c-001'', ''epic'', ''fan favourite'')') -> 0 ->> 'rarity',
  'epic', 'an ADMIN sets TMC-1989-C-001 to epic');
select results_eq($$select count(*)::int, count(distinct user_id)::int from app_public.card_notifications where kind = 'rarity_changed'$$,
  $$select count(distinct owner_id)::int, count(distinct owner_id)::int from app_public.user_cards c join app_public.card_templates t on t.id = c.template_id
     where t.public_id = 'TMC-1989-C-001' and owner_id is not null$$, 'each owner is told once');
select results_eq($$select action, before->>'rarity', after->>'rarity', reason from app_public.admin_actions where guild_id = 940000000000000001 order by id desc limit 1$$,
  $$values ('set_card_rarity', 'common', 'epic', 'fan favourite')$$, 'audited with before/after and the reason');
select is(pg_temp.err_staff(940000000000000090, 'ADMIN', 'select app_public.give_card_currency(940000000000000090, 10, ''GEM'', ''for me'')'), 'PD002', 'staff cannot give themselves currency: PD002');
select is(pg_temp.err_staff(940000000000000090, 'ADMIN', 'select app_public.give_card_currency(940000000000000011, 10, ''COIN'', ''wrong'')'), 'CA009', 'give_card_currency is for card currencies: CA009');
select is(pg_temp.rows_as('coins_staff', 940000000000000001, 940000000000000090, 'ADMIN', 'select amount from app_public.give_card_currency(940000000000000011, 3, ''GEM'', ''contest prize'')') -> 0 ->> 'amount',
  '3', 'an ADMIN gives alice 3 Gems from the mint');
select is(pg_temp.as_member(940000000000000011, 'select jsonb_object_agg(currency, balance) as b from app_public.card_balances()') -> 'b',
  '{"COIN": 0, "NOTE": 400, "DISC": 0, "GEM": 3}'::jsonb, 'card_balances: every currency the guild uses');

-- RLS: inventories, openings, secrets, other guilds ------------------------------------------------------------------------
select is((pg_temp.as_member(940000000000000012, format('select count(*) as n from app_public.user_cards where owner_id = %s', pg_temp.uid(940000000000000011))) ->> 'n')::int,
  (select count(*)::int from app_public.user_cards where owner_id = pg_temp.uid(940000000000000011)), 'bob sees alice''s inventory (inventory_public)');
update app_public.card_settings set inventory_public = false where guild_id = 940000000000000001;
select is((pg_temp.as_member(940000000000000012, format('select count(*) as n from app_public.user_cards where owner_id = %s', pg_temp.uid(940000000000000011))) ->> 'n')::int,
  0, 'not when the guild turns inventory_public off');
select is((pg_temp.as_member(940000000000000012, format('select count(*) as n from app_public.pack_openings where user_id <> %s', pg_temp.uid(940000000000000012))) ->> 'n')::int,
  0, 'a member sees only their own pack openings');
select is(pg_temp.err_member(940000000000000012, 'select * from app_private.fair_seed_secrets'), '42501', 'nobody but the rules reads the secret seeds');
select is((pg_temp.rows_as('coins_player', 950000000000000001, 950000000000000011, null, 'select count(*) as n from app_public.card_templates') -> 0 ->> 'n')::int,
  15, 'another guild sees only its own catalogue');
select is((pg_temp.rows_as('coins_player', 950000000000000001, 950000000000000011, null, 'select count(*) as n from app_public.card_draws') -> 0 ->> 'n')::int,
  0, '... and none of guild A''s draws');

-- Invariants after a randomized sequence -------------------------------------------------------------------------------------
do $$
declare
  v_at timestamptz := '2030-02-01 00:00Z';
  v_open app_public.pack_openings;
  v_users bigint[] := array[pg_temp.uid(940000000000000011), pg_temp.uid(940000000000000012), pg_temp.uid(940000000000000013)];
  v_u bigint;
  v_card bigint;
begin
  perform setseed(0.15);
  for i in 1 .. 60 loop
    v_at := v_at + interval '8 minutes';
    v_u := v_users[1 + floor(random() * 3)::int];
    begin
      case floor(random() * 4)::int
        when 0 then
          v_open := app_private.open_pack_for(v_u, 'standard-3', case when random() < 0.5 then null else 'NOTE' end, null, null, v_at);
          perform app_private.pick_card_for(v_u, v_open.id, floor(random() * 3)::int, v_at);
        when 1 then
          perform app_private.draw_card_for(v_u, 'single', 'NOTE', null, null, v_at);
        when 2 then
          select id into v_card from app_public.user_cards where owner_id = v_u order by random() limit 1;
          perform app_private.burn_card_for(v_u, v_card, null, v_at);
        else
          select id into v_card from app_public.user_cards where owner_id = v_u and not temporary order by random() limit 1;
          perform app_private.buy_card_for(v_users[1 + (array_position(v_users, v_u) % 3)],
            (app_private.list_card_for(v_u, v_card, 1 + floor(random() * 20)::int, 'NOTE', 1, null, v_at)).id, null, v_at);
      end case;
    exception when others then
      null; -- refusals (cooldowns, funds) are part of the sequence
    end;
  end loop;
end $$;
select is_empty($$select * from app_public.verify_ledger(940000000000000001)$$, 'verify_ledger (with the card invariants) holds after a randomized sequence');
update app_public.user_cards set print_no = print_no + 100 where id = (select max(id) from app_public.user_cards);
select results_eq($$select invariant from app_public.verify_ledger(940000000000000001)$$, $$values ('print_numbers_gap_free')$$,
  'a gap in the print numbers is reported');

select * from finish();
rollback;
