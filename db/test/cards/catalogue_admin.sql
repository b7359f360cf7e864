begin;
select plan(24);
\ir ../lib/helpers.psql
-- Wishlists, collection completion, deleting a template (with and without refund), purging an artist (issue 15).
-- Guild 941000000000000001: alice ...011, bob ...012, ada ...090 (ADMIN), sam ...091 (SUPERADMIN).
-- Artists AAA (era ONE, 2 templates per rarity) and ZZZ (era TWO, 1 common, nobody owns it).
do $$
begin
  perform app_private.ensure_guild(941000000000000001, 'Cards admin');
  perform app_private.ensure_member(941000000000000001, 941000000000000011, 'alice');
  perform app_private.ensure_member(941000000000000001, 941000000000000012, 'bob');
  insert into app_public.artists (guild_id, name, code) values (941000000000000001, 'Artist A', 'AAA'), (941000000000000001, 'Artist Z', 'ZZZ');
  insert into app_public.eras (guild_id, artist_id, name, code) select guild_id, id, case code when 'AAA' then 'One' else 'Two' end,
    case code when 'AAA' then 'ONE' else 'TWO' end from app_public.artists where guild_id = 941000000000000001;
  insert into app_public.card_templates (guild_id, public_id, artist_id, era_id, rarity)
    select a.guild_id, 'AAA-ONE-' || upper(left(r::text, 1)) || '-00' || n, a.id, e.id, r
      from app_public.artists a join app_public.eras e on e.artist_id = a.id,
           unnest(enum_range(null::app_public.card_rarity)) r, generate_series(1, 2) n
     where a.code = 'AAA' and a.guild_id = 941000000000000001;
  insert into app_public.card_templates (guild_id, public_id, artist_id, era_id, rarity)
    select a.guild_id, 'ZZZ-TWO-C-001', a.id, e.id, 'common' from app_public.artists a join app_public.eras e on e.artist_id = a.id
     where a.code = 'ZZZ' and a.guild_id = 941000000000000001;
end $$;
create function pg_temp.uid(p_discord bigint) returns bigint language sql as $$
  select id from app_public.users where guild_id = 941000000000000001 and discord_id = p_discord $$;
create function pg_temp.tid(p_public text) returns bigint language sql as $$
  select id from app_public.card_templates where guild_id = 941000000000000001 and public_id = p_public $$;
create function pg_temp.notes(p_discord bigint) returns bigint language sql as $$
  select coalesce((select balance from app_public.accounts where user_id = pg_temp.uid(p_discord) and currency = 'NOTE' and kind = 'wallet'), 0) $$;
create function pg_temp.member(p_discord bigint, p_sql text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_player', 941000000000000001, p_discord, null, p_sql) $$;
create function pg_temp.staff_err(p_role text, p_sql text) returns text language sql as $$
  select pg_temp.error_as('coins_staff', 941000000000000001, 941000000000000090, p_role, p_sql) ->> 'code' $$;
create function pg_temp.all_state() returns jsonb language sql as $$
  select pg_temp.state() || jsonb_build_object(
    'cards', (select jsonb_agg(to_jsonb(c) order by id) from app_public.user_cards c),
    'templates', (select jsonb_agg(to_jsonb(t) - 'updated_at' order by id) from app_public.card_templates t),
    'wishlists', (select count(*) from app_public.card_wishlists),
    'listings', (select jsonb_agg(to_jsonb(l) order by id) from app_public.card_listings l),
    'notifications', (select count(*) from app_public.card_notifications)) $$;

-- Wishlist -------------------------------------------------------------------------------------------------------------
select is(pg_temp.member(941000000000000012, 'select app_public.set_wishlist(''aaa-one-m-001'', true) as w') -> 0 ->> 'w', 'true', 'bob wishlists AAA-ONE-M-001');
select is(pg_temp.member(941000000000000012, 'select app_public.set_wishlist(''AAA-ONE-M-001'', true) as w') -> 0 ->> 'w', 'true', '... twice is the same');
select is((select count(*)::int from app_public.card_wishlists), 1, 'one wishlist row');
select is(pg_temp.error_as('coins_player', 941000000000000001, 941000000000000012, null, 'select app_public.set_wishlist(''NOPE-X-C-001'', true)') ->> 'code',
  'CA006', 'an unknown card: CA006');
select is(jsonb_array_length(pg_temp.member(941000000000000011, 'select * from app_public.card_wishlists')), 0, 'alice cannot read bob''s wishlist (RLS)');
-- alice mints AAA-ONE-M-001 through a draw (the pool of mythics is AAA-ONE-M-001/002: force it with a mythic-only pack).
insert into app_public.pack_types (guild_id, code, name, command, cards_per_pack, rate_common, rate_rare, rate_epic, rate_legendary, rate_mythic, cooldown_s, daily_free)
  values (941000000000000001, 'myth', 'Mythic test', 'openpack', 10, 0, 0, 0, 0, 10000, 0, 5);
-- A pack draws each of the two mythics with probability 1/2 per card: open packs until AAA-ONE-M-001 dropped (at most
-- five packs of ten draws, so the test cannot miss it by chance).
do $$
begin
  for i in 1..5 loop
    perform app_private.open_pack_for(pg_temp.uid(941000000000000011), 'myth', null, null, 'w-' || i, now());
    exit when exists (select from app_public.card_draws where template_id = pg_temp.tid('AAA-ONE-M-001'));
  end loop;
end
$$;
select is((select count(*)::int from app_public.card_notifications where user_id = pg_temp.uid(941000000000000012) and kind = 'wishlist_drop'),
  (select count(*)::int from app_public.card_draws where template_id = pg_temp.tid('AAA-ONE-M-001')),
  'bob is told each time his wishlisted card drops for alice');
select cmp_ok((select count(*)::int from app_public.card_notifications where kind = 'wishlist_drop'), '>', 0, '(it dropped at least once)');
select is(pg_temp.member(941000000000000012, 'select app_public.set_wishlist(''AAA-ONE-M-001'', false) as w') -> 0 ->> 'w', 'false', 'bob removes it');

-- Collection completion ------------------------------------------------------------------------------------------------
select app_private.mint_card(pg_temp.tid(t), pg_temp.uid(941000000000000011), 'admin', now())
  from unnest(array['AAA-ONE-C-001', 'AAA-ONE-C-001', 'AAA-ONE-R-001', 'AAA-ONE-E-002']) t;
select app_private.mint_card(pg_temp.tid('AAA-ONE-C-001'), pg_temp.uid(941000000000000012), 'admin', now());
select is(pg_temp.member(941000000000000011, 'select artist, era, templates, owned, percent from app_public.collection_progress()'),
  '[{"era": "One", "owned": 3, "artist": "Artist A", "percent": 30, "templates": 10}, {"era": "Two", "owned": 0, "artist": "Artist Z", "percent": 0, "templates": 1}]'::jsonb,
  'collection_progress: alice owns 3 of the 10 AAA/One templates (two copies of one count once), 0 of ZZZ/Two');

-- Deleting a template ---------------------------------------------------------------------------------------------------
select app_private.list_card_for(pg_temp.uid(941000000000000012), (select max(id) from app_public.user_cards where owner_id = pg_temp.uid(941000000000000012)),
  30, 'NOTE', 24, null, now());
insert into snapshots values ('delete_refused', pg_temp.all_state());
select is(pg_temp.staff_err('OPERATOR', 'select app_public.delete_card_template(''AAA-ONE-C-001'', true, ''duplicate'')'), 'PD001', 'an OPERATOR cannot delete a template: PD001');
select is(pg_temp.staff_err('ADMIN', 'select app_public.delete_card_template(''AAA-ONE-C-001'', true, '''')'), 'RS001', 'without a reason: RS001');
select is(pg_temp.staff_err('ADMIN', 'select app_public.delete_card_template(''AAA-ONE-X-009'', true, ''duplicate'')'), 'CA006', 'an unknown template: CA006');
select is(pg_temp.all_state(), (select state from snapshots where name = 'delete_refused'), 'refused deletions change nothing');
select lives_ok($$select pg_temp.rows_as('coins_staff', 941000000000000001, 941000000000000090, 'ADMIN',
  'select * from app_public.delete_card_template(''AAA-ONE-C-001'', true, ''duplicate artwork'')')$$, 'an ADMIN deletes AAA-ONE-C-001 with refund');
select results_eq($$select pg_temp.notes(941000000000000011), pg_temp.notes(941000000000000012)$$, $$values (10::bigint, 5::bigint)$$,
  'refund: the Notes burning would pay per copy (common 5): alice 2 copies = 10, bob 1 copy = 5');
select results_eq($$select count(*)::int, bool_and(burn_reason = 'template_deleted' and owner_id is null) from app_public.user_cards where template_id = pg_temp.tid('AAA-ONE-C-001')$$,
  $$values (3, true)$$, 'every copy is removed from its owner (burned, template_deleted)');
select is((select status::text from app_public.card_listings where guild_id = 941000000000000001), 'cancelled', 'its listing is cancelled');
select is((select retired_at is not null from app_public.card_templates where id = pg_temp.tid('AAA-ONE-C-001')), true, 'the template drops no more (retired)');
select results_eq($$select action, reason, (after->>'copies_removed')::int, (after->>'refund_notes_per_copy')::int from app_public.admin_actions
                     where guild_id = 941000000000000001 order by id desc limit 1$$,
  $$values ('delete_card_template', 'duplicate artwork', 3, 5)$$, 'audited with the copies removed and the refund');
select is_empty($$select * from app_public.verify_ledger(941000000000000001)$$, 'the ledger and the card invariants hold');

-- Purging an artist ------------------------------------------------------------------------------------------------------
select is(pg_temp.staff_err('ADMIN', format('select app_public.purge_artist(%s, ''gone'')', (select id from app_public.artists where code = 'ZZZ' and guild_id = 941000000000000001))),
  'PD001', 'only a SUPERADMIN purges an artist: PD001');
select is(pg_temp.staff_err('SUPERADMIN', format('select app_public.purge_artist(%s, ''gone'')', (select id from app_public.artists where code = 'AAA' and guild_id = 941000000000000001))),
  'CA018', 'an artist whose cards members own is not purged: CA018');
select is(pg_temp.staff_err('SUPERADMIN', 'select app_public.purge_artist(-1, ''gone'')'), 'CA017', 'an unknown artist: CA017');
select is(pg_temp.rows_as('coins_staff', 941000000000000001, 941000000000000090, 'SUPERADMIN',
    format('select app_public.purge_artist(%s, ''left the label'') as n', (select id from app_public.artists where code = 'ZZZ' and guild_id = 941000000000000001))) -> 0 ->> 'n',
  '1', 'a SUPERADMIN purges ZZZ: its template is retired');

select * from finish();
rollback;
