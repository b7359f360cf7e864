begin;
select plan(30);
\ir ../lib/helpers.psql
-- Issue 14: leaderboard seasons. Guild A = 910000000000000001 (alice ...011, bob ...012, dave ...014; staff ...090).
-- Earnings are staff credits (mint -> wallet), which count in lifetime_earned.
do $$
declare
  a bigint := 910000000000000001;
begin
  perform app_private.ensure_guild(a, 'Season guild A');
  perform app_private.ensure_guild(920000000000000001, 'Season guild B');
  perform app_private.ensure_member(a, 910000000000000011, 'alice');
  perform app_private.ensure_member(a, 910000000000000012, 'bob');
  perform app_private.ensure_member(920000000000000001, 920000000000000011, 'carol');
  -- Before any season: alice is far ahead.
  perform app_private.admin_adjust_by(910000000000000091, 'ADMIN', pg_temp.uid(a, 910000000000000011), 1000, 'season fixture', 'pre-a', now());
end $$;
create function pg_temp.earn(p_discord bigint, p_amount bigint, p_key text) returns void language sql as $$
  select app_private.admin_adjust_by(910000000000000091, 'ADMIN', pg_temp.uid(910000000000000001, p_discord), p_amount, 'season earnings', p_key, now()) $$;
create function pg_temp.sstate() returns jsonb language sql as $$
  select pg_temp.state() || jsonb_build_object(
    'seasons', (select jsonb_agg(to_jsonb(s) - 'updated_at' order by id) from app_public.seasons s),
    'standings', (select jsonb_agg(to_jsonb(s) order by season_id, user_id) from app_public.season_standings s)) $$;

-- Refusals first (nothing changed) -------------------------------------------------------------------------------------
insert into snapshots values ('before', pg_temp.sstate());
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR', $$select app_public.start_season('S', 30, true)$$) ->> 'code',
  'PD001', 'an OPERATOR may not start a season');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null, $$select app_public.start_season('S', 30, true)$$) ->> 'code',
  '42501', 'a member may not');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN', $$select app_public.start_season('S', 0, true)$$) ->> 'code',
  'SN003', 'a season of 0 days: SN003');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN', $$select app_public.end_season()$$) ->> 'code',
  'SN002', 'nothing to end: SN002');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null, $$select * from app_public.season_leaderboard()$$) ->> 'code',
  'SN002', 'no season to show: SN002');
select is(pg_temp.sstate(), (select state from snapshots where name = 'before'), 'the refusals changed nothing');

-- Without a season the card's rank is the wallet rank ----------------------------------------------------------------------
select lives_ok($$select pg_temp.earn(910000000000000012, 100, 'pre-b')$$, 'bob earns 100 before the season');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000012, null, $$select rank, season_name from app_public.my_card()$$),
  '[{"rank": 2, "season_name": null}]'::jsonb, 'bob is 2nd by balance, no season');

-- A season starts: everybody starts from 0 ----------------------------------------------------------------------------------
select is(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN', $$select number, name, length_days from app_public.start_season('Spring', 30, true)$$),
  '[{"number": 1, "name": "Spring", "length_days": 30}]'::jsonb, 'an ADMIN starts season 1 for 30 days');
select is((select count(*) from app_public.admin_actions where action = 'start_season'), 1::bigint, 'audited');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN', $$select app_public.start_season('Again', 30, true)$$) ->> 'code',
  'SN001', 'a second running season: SN001');
select is((select baseline from app_public.season_standings where user_id = pg_temp.uid(910000000000000001, 910000000000000011)), 1000::bigint,
  'alice''s baseline is what she had earned');
select lives_ok($$select pg_temp.earn(910000000000000012, 300, 's-b'); select pg_temp.earn(910000000000000011, 50, 's-a')$$, 'bob earns 300, alice 50');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null, $$select * from app_public.season_leaderboard()$$),
  '[{"rank": 1, "discord_id": 910000000000000012, "display_name": "bob", "score": 300}, {"rank": 2, "discord_id": 910000000000000011, "display_name": "alice", "score": 50}]'::jsonb,
  'the season table counts only what was earned during the season');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null, $$select rank, season_name, season_score from app_public.my_card()$$),
  '[{"rank": 2, "season_name": "Spring", "season_score": 50}]'::jsonb, 'alice''s card: season rank 2 though she is richer');
select lives_ok($$select app_private.ensure_member(910000000000000001, 910000000000000014, 'dave'); select pg_temp.earn(910000000000000014, 20, 's-d')$$,
  'dave joins during the season and earns 20');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000014, null, $$select rank, season_score from app_public.my_card()$$),
  '[{"rank": 3, "season_score": 20}]'::jsonb, 'a late joiner counts from 0');

-- The job archives it at its end and starts the next -------------------------------------------------------------------------------
select is(app_hidden.rollover_seasons(now() + interval '29 days'), 0, 'nothing ends before its end');
select is(app_hidden.rollover_seasons(now() + interval '31 days'), 1, 'at its end the season is archived');
select results_eq($$select number, status, archived_at from app_public.seasons where guild_id = 910000000000000001 order by number$$,
  $$values (1, 'archived'::text, now() + interval '30 days'), (2, 'active'::text, null::timestamptz)$$,
  'archived at its end, and season 2 runs');
select results_eq($$select starts_at, ends_at, name from app_public.seasons where number = 2$$,
  $$values (now() + interval '30 days', now() + interval '60 days', 'Season 2'::text)$$, 'season 2 starts where season 1 ended, for as long');
select results_eq($$select u.display_name, s.final_rank, s.final_score from app_public.season_standings s join app_public.users u on u.id = s.user_id
                     where s.season_id = (select id from app_public.seasons where number = 1) order by s.final_rank$$,
  $$values ('bob'::text, 1, 300::bigint), ('alice'::text, 2, 50::bigint), ('dave'::text, 3, 20::bigint)$$, 'the final table is kept');
select ok((select bool_and(exists (select 1 from app_public.member_badges m where m.user_id = u.id and m.badge_code = 'season_top3'))
             from app_public.users u where u.guild_id = 910000000000000001 and u.display_name in ('alice', 'bob', 'dave')), 'the podium gets its badge');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select count(*) as n from app_public.season_leaderboard()$$), '[{"n": 0}]'::jsonb, 'the new season starts empty (reset)');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null,
    format('select rank, score from app_public.season_leaderboard(%s, 1)', (select id from app_public.seasons where number = 1))),
  '[{"rank": 1, "score": 300}]'::jsonb, 'the archived season''s table can still be read');
select is(app_hidden.rollover_seasons(now() + interval '31 days'), 0, 'a second run finds nothing');

-- Ending by hand: archived now, no next season ---------------------------------------------------------------------------------
select is(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN', $$select number, status from app_public.end_season()$$),
  '[{"number": 2, "status": "archived"}]'::jsonb, 'an ADMIN ends season 2');
select is((select count(*) from app_public.seasons where guild_id = 910000000000000001 and status = 'active'), 0::bigint, 'no season runs');
select is(pg_temp.error_as('coins_player', 920000000000000001, 920000000000000011, null,
    format('select * from app_public.season_leaderboard(%s)', (select id from app_public.seasons where number = 1))) ->> 'code',
  'SN004', 'another guild''s season does not exist for carol');
select is(jsonb_array_length(pg_temp.rows_as('coins_player', 920000000000000001, 920000000000000011, null, $$select * from app_public.season_standings$$)),
  0, 'carol sees no standings of guild A');

select * from finish();
rollback;
