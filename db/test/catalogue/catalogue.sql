begin;
select plan(41);
\ir ../lib/helpers.psql
-- Catalogue ingestion (issue 16): unique keys, the era heuristics, quality filters, review, rarity decisions.
-- Guild 961000000000000001, staff ...090 (OPERATOR), ...091 (AUDITOR); guild ...002 is another server.
select app_private.ensure_guild(961000000000000001, 'Catalogue');
select app_private.ensure_guild(961000000000000002, 'Other');
create function pg_temp.staff(p_role text, p_sql text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_staff', 961000000000000001, 961000000000000090, p_role, p_sql) $$;
create function pg_temp.staff_err(p_role text, p_sql text) returns text language sql as $$
  select pg_temp.error_as('coins_staff', 961000000000000001, 961000000000000090, p_role, p_sql) ->> 'code' $$;
create function pg_temp.snapshot() returns jsonb language sql as $$
  select jsonb_build_object(
    'artists', (select jsonb_agg(to_jsonb(a) order by id) from app_public.artists a where guild_id = 961000000000000001),
    'eras', (select jsonb_agg(to_jsonb(e) order by id) from app_public.eras e where guild_id = 961000000000000001),
    'images', (select jsonb_agg(to_jsonb(i) order by id) from app_public.catalogue_images i where guild_id = 961000000000000001),
    'era_images', (select jsonb_agg(to_jsonb(i) order by id) from app_public.era_images i where guild_id = 961000000000000001),
    'templates', (select jsonb_agg(to_jsonb(t) order by id) from app_public.card_templates t where guild_id = 961000000000000001),
    'decisions', (select jsonb_agg(to_jsonb(d) order by id) from app_public.catalogue_rarity_decisions d where guild_id = 961000000000000001)) $$;

-- Artists and eras: one per MBID, unique codes ----------------------------------------------------------------------------
create temp table ids (k text primary key, v bigint);
insert into ids select 'a', app_hidden.catalogue_upsert_artist(961000000000000001, 'Taylor Swift', '20244d07-534f-4eff-b4d4-930878889970', false, null, null, 90, '{"country": "US"}');
select is(app_hidden.catalogue_upsert_artist(961000000000000001, 'Taylor Swift (again)', '20244d07-534f-4eff-b4d4-930878889970', false, null, null, 90, '{}'),
  (select v from ids where k = 'a'), 'the same MBID is the same artist');
insert into ids select 'b', app_hidden.catalogue_upsert_artist(961000000000000001, 'Taylor Band', null, true, null, null, null, '{}');
select is((select code from app_public.artists where id = (select v from ids where k = 'b')), 'TAY2', 'a second TAYL gets TAY2');
select is(app_hidden.catalogue_upsert_artist(961000000000000001, 'taylor band', null, true, null, null, null, '{}'), (select v from ids where k = 'b'),
  'without an MBID, the same name is the same artist');
select isnt(app_hidden.catalogue_upsert_artist(961000000000000002, 'Taylor Swift', '20244d07-534f-4eff-b4d4-930878889970', false, null, null, 90, '{}'),
  (select v from ids where k = 'a'), 'another guild has its own row');
insert into ids select 'e1989', app_hidden.catalogue_upsert_era((select v from ids where k = 'a'), '2c7d1f8f-0000-4000-8000-000000001989', '1989', '2014-10-27', '2017-11-09', '{"Taylor Swift 1989 concert"}');
insert into ids select 'erep', app_hidden.catalogue_upsert_era((select v from ids where k = 'a'), '2c7d1f8f-0000-4000-8000-000000002017', 'Reputation', '2017-11-10', null, '{}');
insert into ids select 'ered', app_hidden.catalogue_upsert_era((select v from ids where k = 'a'), '2c7d1f8f-0000-4000-8000-000000002012', 'Red', '2012-10-22', '2014-10-26', '{}');
insert into ids select 'eredtv', app_hidden.catalogue_upsert_era((select v from ids where k = 'a'), '2c7d1f8f-0000-4000-8000-000000002021', 'Red (Taylor''s Version)', '2021-11-12', '2022-10-20', '{}');
select is(app_hidden.catalogue_upsert_era((select v from ids where k = 'a'), '2c7d1f8f-0000-4000-8000-000000001989', '1989 (Deluxe)', '2014-10-27', null, '{}'),
  (select v from ids where k = 'e1989'), 'the same release group is the same era');
select is((select array_agg(code order by starts_on) from app_public.eras where artist_id = (select v from ids where k = 'a')),
  array['RED', '1989', 'REPUTA', 'REDTAY'], 'era codes come from the names');
select throws_ok($$select app_hidden.catalogue_upsert_era(-1, null, 'X', null, null, '{}')$$, 'CA017', 'artist_not_found', 'an unknown artist: CA017');

-- The era heuristics, in order ----------------------------------------------------------------------------------------------
select is((select row(era_id, reason)::text from app_private.catalogue_choose_era((select v from ids where k = 'a'), (select v from ids where k = 'e1989'), '2015-06-01', 'Reputation tour')),
  row((select v from ids where k = 'e1989'), 'date_in_window')::text, '1. a date inside the 1989 window wins over the page text');
select is((select row(era_id, reason)::text from app_private.catalogue_choose_era((select v from ids where k = 'a'), (select v from ids where k = 'e1989'), '2019-03-01', null)),
  row((select v from ids where k = 'erep'), 'date_in_window')::text, '1. an open window runs to the next era: 2019 is Reputation');
select is((select row(era_id, reason)::text from app_private.catalogue_choose_era((select v from ids where k = 'a'), (select v from ids where k = 'e1989'), '2010-01-01', 'Live at the Reputation Stadium Tour')),
  row((select v from ids where k = 'erep'), 'page_text')::text, '2. a date outside every window falls to the page text');
select is((select row(era_id, reason)::text from app_private.catalogue_choose_era((select v from ids where k = 'a'), (select v from ids where k = 'e1989'), null, 'Red (Taylor''s Version) vinyl signing')),
  row((select v from ids where k = 'eredtv'), 'page_text')::text, '2. the longest era name the page names wins');
select is((select row(era_id, reason)::text from app_private.catalogue_choose_era((select v from ids where k = 'a'), (select v from ids where k = 'e1989'), null, 'Credits and reddish light')),
  row((select v from ids where k = 'e1989'), 'searched_era')::text, '3. no whole-word match ("reddish", "Credits"): the searched era');

-- Licences ------------------------------------------------------------------------------------------------------------------
select ok(app_private.catalogue_licence_usable('{"short_name": "CC BY-SA 4.0", "author": "Jane"}'), 'CC BY-SA with an author is usable');
select ok(app_private.catalogue_licence_usable('{"short_name": "Public domain"}'), 'public domain is usable');
select ok(not app_private.catalogue_licence_usable('{"short_name": "CC BY 2.0"}'), 'CC BY without an author to credit is not');
select ok(not app_private.catalogue_licence_usable('{"short_name": "CC BY-NC 2.0", "author": "Jane"}'), 'non-commercial is not');
select ok(not app_private.catalogue_licence_usable('{}'), 'no licence is not');

-- Candidates and the quality filters ----------------------------------------------------------------------------------------
insert into app_public.catalogue_settings (guild_id) values (961000000000000001);
insert into app_public.catalogue_runs (guild_id, kind, query) values (961000000000000001, 'ingest_artist', 'Taylor Swift');
insert into ids select 'run', id from app_public.catalogue_runs where guild_id = 961000000000000001;
create function pg_temp.cand(p_url text, p_licence jsonb, p_taken date, p_text text) returns bigint language sql as $$
  select id from app_hidden.catalogue_record_candidate((select v from ids where k = 'run'), (select v from ids where k = 'a'),
    (select v from ids where k = 'e1989'), 'wikimedia', p_url, p_url || '.html', 'Taylor Swift', 'Jane Doe', p_licence, p_taken, p_text,
    'Taylor Swift 1989 concert', now()) $$;
insert into ids select 'i1', pg_temp.cand('https://img.test/1.jpg', '{"short_name": "CC BY-SA 4.0"}', '2015-07-01', null);
select is(pg_temp.cand('https://img.test/1.jpg', '{"short_name": "CC0"}', null, null), (select v from ids where k = 'i1'), 'the same source URL is the same candidate');
select is((select licence ->> 'short_name' from app_public.catalogue_images where id = (select v from ids where k = 'i1')), 'CC BY-SA 4.0', '... left unchanged');
select is((select era_reason from app_public.catalogue_images where id = (select v from ids where k = 'i1')), 'date_in_window', 'its era reason is recorded');
select is((select status from app_hidden.catalogue_check_image((select v from ids where k = 'i1'), 1600, 900, 'image/jpeg', 1000, 'f0f0f0f0f0f0f0f0', 'file:///s/1.jpg', 'concert', 'keyword: concert', now())),
  'pending', 'a wide, licensed, new image waits for review');
insert into ids select 'i2', pg_temp.cand('https://img.test/2.jpg', '{"short_name": "CC BY-SA 4.0"}', null, null);
select is((select row(status, filter_reason, duplicate_of)::text from app_hidden.catalogue_check_image((select v from ids where k = 'i2'), 1600, 900, 'image/jpeg', 1000, 'f0f0f0f0f0f0f0f3', 'file:///s/2.jpg', 'concert', 'k', now())),
  row('filtered', 'duplicate', (select v from ids where k = 'i1'))::text, 'a near duplicate (2 bits apart) of the same artist is filtered');
insert into ids select 'i3', pg_temp.cand('https://img.test/3.jpg', '{"short_name": "CC BY-SA 4.0"}', null, null);
select is((select row(status, filter_reason, storage_url)::text from app_hidden.catalogue_check_image((select v from ids where k = 'i3'), 640, 480, 'image/jpeg', 1000, '0000ffff0000ffff', 'file:///s/3.jpg', 'concert', 'k', now())),
  row('filtered', 'too_small', null)::text, 'width below 800 is filtered and its file not kept');
insert into ids select 'i4', pg_temp.cand('https://img.test/4.jpg', '{"short_name": "All rights reserved"}', null, null);
select is((select filter_reason from app_hidden.catalogue_check_image((select v from ids where k = 'i4'), 1600, 900, 'image/jpeg', 1000, '1234123412341234', 'file:///s/4.jpg', 'promo', 'k', now())),
  'no_licence', 'no usable licence is filtered');
insert into ids select 'i5', pg_temp.cand('https://img.test/5.jpg', '{"short_name": "CC0"}', null, 'Reputation era red carpet');
select is((select status from app_hidden.catalogue_check_image((select v from ids where k = 'i5'), 2000, 1300, 'image/jpeg', 1000, '00ff00ff00ff00ff', 'file:///s/5.jpg', 'red_carpet', 'keyword: red carpet', now())),
  'pending', 'another distinct image is kept');
select is((select status from app_hidden.catalogue_check_image((select v from ids where k = 'i1'), 10, 10, 'image/png', 1, '0000000000000000', 'file:///x', 'mv', 'k', now())),
  'pending', 'checking a checked image again changes nothing');

-- Review --------------------------------------------------------------------------------------------------------------------
select is(pg_temp.staff_err('AUDITOR', format('select app_public.review_catalogue_image(%s, true)', (select v from ids where k = 'i1'))), 'PD001', 'an AUDITOR cannot review');
select is(pg_temp.staff_err('OPERATOR', format('select app_public.review_catalogue_image(%s, true)', (select v from ids where k = 'i4'))), 'CG003', 'a filtered image cannot be reviewed');
select is(pg_temp.staff_err('OPERATOR', format('select app_public.review_catalogue_image(%s, null, ''selfie'')', (select v from ids where k = 'i1'))), 'VL001', 'an unknown kind: VL001');
select is(pg_temp.rows_as('coins_staff', 961000000000000002, 961000000000000090, 'OPERATOR', format('select * from app_public.catalogue_images where id = %s', (select v from ids where k = 'i1'))),
  '[]', 'another guild''s staff do not see the image');
select is(pg_temp.staff('OPERATOR', format('select status, kind, kind_reason from app_public.review_catalogue_image(%s, true, ''cover'')', (select v from ids where k = 'i1'))) -> 0,
  '{"status": "approved", "kind": "cover", "kind_reason": "staff"}', 'approve, correcting the kind to cover');
select is((select row(kind, licence ->> 'author')::text from app_public.era_images where source_url = 'https://img.test/1.jpg'), row('cover', 'Jane Doe')::text,
  'the approved image is an era image with its licence and author');
select is(pg_temp.staff('OPERATOR', format('select status, era_reason from app_public.review_catalogue_image(%s, true, null, %s)', (select v from ids where k = 'i5'), (select v from ids where k = 'ered'))) -> 0,
  '{"status": "approved", "era_reason": "staff"}', 'approve the red carpet image (page text: Reputation), moving it to Red');

-- Rarity decisions and templates --------------------------------------------------------------------------------------------
select is(pg_temp.staff_err('SUPPORT', 'select app_public.render_catalogue_templates()'), 'PD001', 'SUPPORT cannot make templates');
select is((pg_temp.staff('OPERATOR', 'select app_public.render_catalogue_templates() as n') -> 0 ->> 'n')::int, 2, 'two approved images decided');
select is((select count(*)::int from app_public.catalogue_rarity_decisions d join app_public.card_templates t on t.id = d.template_id
            where d.guild_id = 961000000000000001 and d.action = 'create' and t.rarity = d.rarity), 2,
  'with an empty stock each decision creates a template of its rarity');
select ok((select bool_and(d.weights = app_private.catalogue_rarity_weights(d.distribution, s.kind_weights -> d.kind)
                 and d.rarity = app_private.catalogue_rarity_for_roll(d.weights, d.base_roll)
                 and d.base_roll = app_private.catalogue_roll('961000000000000001:' || i.source_url || ':rarity'))
             from app_public.catalogue_rarity_decisions d join app_public.catalogue_images i on i.id = d.image_id
             join app_public.catalogue_settings s on s.guild_id = d.guild_id where d.guild_id = 961000000000000001),
  'every decision recomputes from its recorded inputs');
select is(app_private.catalogue_rarity_weights('{"common": 62, "rare": 23, "epic": 10, "legendary": 4, "mythic": 1}', '{"epic": 2.5, "legendary": 3, "common": 0.4, "rare": 0.8, "mythic": 1.5}'),
  '{"common": 3038, "rare": 2252, "epic": 3059, "legendary": 1468, "mythic": 183}'::jsonb, 'red carpet weights lean to epic and legendary');
select is(pg_temp.staff_err('OPERATOR', format('select app_public.review_catalogue_image(%s, false)', (select v from ids where k = 'i1'))), 'CG005', 'an image with a template cannot be rejected');
create temp table before_rerun as select pg_temp.snapshot() as s;
select is((pg_temp.staff('OPERATOR', 'select app_public.render_catalogue_templates() as n') -> 0 ->> 'n')::int, 0, 'asking again decides nothing');
select is(pg_temp.snapshot(), (select s from before_rerun), '... and changes nothing');

select * from finish();
rollback;
