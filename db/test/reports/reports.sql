begin;
select plan(9);
\ir ../lib/helpers.psql
-- Fixtures. Guild A = 910000000000000001: alice ...011, bob ...012, dave ...014, erin ...016, a bot ...017;
-- staff ...090. Guild B = 920000000000000001: carol ...011 (900 coins).
-- History (explicit times relative to now(), oldest first):
--   alice claims (now - 50 h, +100: her streak is broken by now), staff credits alice 450, bob 350, dave 200, the bot 1000,
--   bob gives alice 50, alice gives dave 100, erin claims (now - 1 h, +100), alice puts 50 on hold.
--   => wallets: alice 450 (+50 escrow), bob 300, dave 300, erin 100, bot 1000; carol 900.
do $$
declare
  a bigint := 910000000000000001;
  b bigint := 920000000000000001;
begin
  perform app_private.ensure_guild(a, 'Reads guild A');
  perform app_private.ensure_guild(b, 'Reads guild B');
  perform app_private.ensure_member(a, 910000000000000011, 'alice');
  perform app_private.ensure_member(a, 910000000000000012, 'bob');
  perform app_private.ensure_member(a, 910000000000000014, 'dave');
  perform app_private.ensure_member(a, 910000000000000016, 'erin');
  perform app_private.ensure_member(a, 910000000000000017, 'Coin Bot', true);
  perform app_private.ensure_member(b, 920000000000000011, 'carol');
  perform app_private.claim_daily_for(pg_temp.uid(a, 910000000000000011), null, now() - interval '50 hours');
  perform app_private.admin_adjust_by(910000000000000090, 'ADMIN', pg_temp.uid(a, 910000000000000011), 450, 'seed', null, now() - interval '40 hours');
  perform app_private.admin_adjust_by(910000000000000090, 'ADMIN', pg_temp.uid(a, 910000000000000012), 350, 'seed', null, now() - interval '40 hours');
  perform app_private.admin_adjust_by(910000000000000090, 'ADMIN', pg_temp.uid(a, 910000000000000014), 200, 'seed', null, now() - interval '40 hours');
  perform app_private.admin_adjust_by(910000000000000090, 'ADMIN', pg_temp.uid(a, 910000000000000017), 1000, 'seed', null, now() - interval '40 hours');
  perform app_private.admin_adjust_by(920000000000000090, 'ADMIN', pg_temp.uid(b, 920000000000000011), 900, 'seed', null, now() - interval '40 hours');
  perform app_private.give_from(pg_temp.uid(a, 910000000000000012), 910000000000000011, 50, 'k-b1', now() - interval '30 hours');
  perform app_private.give_from(pg_temp.uid(a, 910000000000000011), 910000000000000014, 100, 'k-a1', now() - interval '20 hours');
  perform app_private.claim_daily_for(pg_temp.uid(a, 910000000000000016), null, now() - interval '1 hour');
  perform app_private.hold(a, pg_temp.uid(a, 910000000000000011), 50, 'order', now() + interval '15 minutes');
end $$;
create function pg_temp.player(p_discord bigint, p_sql text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_player', 910000000000000001, p_discord, null, p_sql) $$;

-- leaderboard ------------------------------------------------------------------------------------------------------------
select results_eq(
  $$select * from jsonb_to_recordset(pg_temp.player(910000000000000011, 'select * from app_public.leaderboard()'))
            as (rank int, discord_id bigint, display_name text, balance bigint)$$,
  $$values (1, 910000000000000011::bigint, 'alice', 450::bigint), (2, 910000000000000012::bigint, 'bob', 300::bigint),
           (2, 910000000000000014::bigint, 'dave', 300::bigint), (4, 910000000000000016::bigint, 'erin', 100::bigint)$$,
  'leaderboard: bots and other guilds excluded, ties share a rank, the next rank skips');
select results_eq(
  $$select discord_id from jsonb_to_recordset(pg_temp.player(910000000000000011, 'select * from app_public.leaderboard(2)')) as (discord_id bigint)$$,
  $$values (910000000000000011::bigint), (910000000000000012::bigint)$$, 'leaderboard(2) returns the top 2 (ties ordered by discord_id)');
select is(jsonb_array_length(pg_temp.player(910000000000000011, 'select * from app_public.leaderboard(100)')), 4, 'leaderboard(100) is allowed');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null, 'select * from app_public.leaderboard(0)'),
  '{"code": "VL001", "key": "invalid_argument", "detail": {"argument": "limit", "min": 1, "max": 100}}'::jsonb, 'leaderboard(0): VL001');
select throws_ok($$select pg_temp.player(910000000000000011, 'select * from app_public.leaderboard(101)')$$,
  'VL001', 'invalid_argument', 'leaderboard(101): VL001');
select throws_ok($$select pg_temp.player(910000000000000011, 'select * from app_public.leaderboard(null)')$$,
  'VL001', 'invalid_argument', 'leaderboard(null): VL001');
select throws_ok($$select pg_temp.run_as('coins_player', null, 910000000000000011, null, 'select * from app_public.leaderboard()')$$,
  'AU001', 'not_authenticated', 'leaderboard without a guild: AU001');
select results_eq(
  $$select rank, discord_id from jsonb_to_recordset(pg_temp.rows_as('coins_staff', 920000000000000001, 920000000000000090, 'AUDITOR',
            'select * from app_public.leaderboard()')) as (rank int, discord_id bigint)$$,
  $$values (1, 920000000000000011::bigint)$$, 'staff of guild B see guild B''s leaderboard only');
select throws_ok($$select pg_temp.run_as('coins_anonymous', 910000000000000001, null, null, 'select * from app_public.leaderboard()')$$,
  '42501', null, 'coins_anonymous cannot call leaderboard (42501)');

select * from finish();
rollback;
