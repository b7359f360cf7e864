begin;
select plan(14);
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

-- my_card ------------------------------------------------------------------------------------------------------------------
create temp table cards as
  select d as discord, pg_temp.player(d, 'select * from app_public.my_card()') -> 0 as c
    from unnest(array[910000000000000011, 910000000000000012, 910000000000000016]::bigint[]) d;
select results_eq(
  $$select (c->>'discord_id')::bigint, c->>'display_name', (c->>'balance')::bigint, (c->>'escrow')::bigint, (c->>'rank')::int,
           (c->>'lifetime_earned')::bigint, (c->>'lifetime_spent')::bigint, (c->>'frozen')::boolean, c->'badges'
      from cards where discord = 910000000000000011$$,
  $$values (910000000000000011::bigint, 'alice', 450::bigint, 50::bigint, 1, 600::bigint, 100::bigint, false, '[]'::jsonb)$$,
  'alice''s card: balance 450, escrow 50, rank 1, earned 600 (100 + 450 + 50), spent 100');
select results_eq(
  $$select (c->>'streak_days')::int, (c->>'last_daily_at')::timestamptz, (c->>'next_daily_at')::timestamptz from cards where discord = 910000000000000011$$,
  $$values (0, now() - interval '50 hours', now())$$, 'a streak whose last claim is over 48 h old shows as 0; the next claim is possible now');
select results_eq(
  $$select (c->>'streak_days')::int, (c->>'next_daily_at')::timestamptz, (c->>'rank')::int, (c->>'balance')::bigint from cards where discord = 910000000000000016$$,
  $$values (1, now() + interval '23 hours', 4, 100::bigint)$$, 'erin''s card: streak 1, next claim 24 h after her claim, rank 4');
select is((select (c->>'rank')::int from cards where discord = 910000000000000012), 2, 'bob''s card: rank 2 (tied with dave)');
select results_eq(
  $$select (e->>'tx_id')::uuid, e->>'type', (e->>'amount')::bigint, e->>'direction', e->>'reason'
      from cards, jsonb_array_elements(c->'recent') with ordinality as r(e, n) where discord = 910000000000000011 order by n$$,
  $$select t.tx_id, t.type::text, t.amount, d.direction, t.reason
      from (select * from app_public.transactions where user_id = pg_temp.uid(910000000000000001, 910000000000000011)
               or counterparty_id = pg_temp.uid(910000000000000001, 910000000000000011) order by created_at desc limit 3) t
      join (values (100::bigint, 'out'), (50, 'in'), (450, 'in')) d(amount, direction) on d.amount = t.amount
     order by t.created_at desc$$,
  'recent: the 3 newest of alice''s 4 transactions, newest first, with direction (give out, give in, staff credit in)');
select is((select jsonb_array_length(c->'recent') from cards where discord = 910000000000000016), 1, 'erin''s card lists her single transaction');
select throws_ok($$select pg_temp.player(910000000000000019, 'select * from app_public.my_card()')$$,
  'MB001', 'member_not_registered', 'my_card for an unregistered member: MB001');
select throws_ok($$select pg_temp.run_as('coins_player', null, null, null, 'select * from app_public.my_card()')$$,
  'AU001', 'not_authenticated', 'my_card without claims: AU001');

-- Computed columns -------------------------------------------------------------------------------------------------------------
select is(pg_temp.player(910000000000000011,
    'select app_public.users_wallet_balance(u) as wallet, app_public.users_escrow_balance(u) as escrow from app_public.users u'),
  '[{"wallet": 450, "escrow": 50}]'::jsonb, 'a player reads their own wallet and escrow balances through the computed columns');
select set_eq(
  $$select (e->>'discord_id')::bigint as discord_id, (e->>'wallet')::bigint as wallet from jsonb_array_elements(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPPORT',
       'select u.discord_id, app_public.users_wallet_balance(u) as wallet from app_public.users u')) e$$,
  $$values (910000000000000011::bigint, 450::bigint), (910000000000000012, 300), (910000000000000014, 300), (910000000000000016, 100), (910000000000000017, 1000)$$,
  'staff read every wallet balance of their guild');
select set_eq(
  $$select (e->>'discord_id')::bigint as discord_id, (e->>'escrow')::bigint as escrow from jsonb_array_elements(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR',
       'select u.discord_id, app_public.users_escrow_balance(u) as escrow from app_public.users u')) e$$,
  $$values (910000000000000011::bigint, 50::bigint), (910000000000000012, 0), (910000000000000014, 0), (910000000000000016, 0), (910000000000000017, 0)$$,
  'staff read every escrow balance of their guild');
-- The computed columns run with the caller's rights: a users row fabricated by the caller does not get past RLS on accounts.
create function pg_temp.fabricated(p_guild bigint, p_discord bigint) returns text language sql as $$
  select format('row(%s, %s, %s, '''', false, 0, null, ''[]'', ''{}'', false, now(), now(), null, null)::app_public.users',
                pg_temp.uid(p_guild, p_discord), p_guild, p_discord) $$;
select is(pg_temp.player(910000000000000011, format(
    'select app_public.users_wallet_balance(%s) as b', pg_temp.fabricated(920000000000000001, 920000000000000011))) -> 0 -> 'b', 'null'::jsonb,
  'a player cannot read another guild''s member balance through a fabricated row (null)');
select is(pg_temp.player(910000000000000011, format(
    'select app_public.users_wallet_balance(%1$s) as wallet, app_public.users_escrow_balance(%1$s) as escrow', pg_temp.fabricated(910000000000000001, 910000000000000012))),
  '[{"wallet": null, "escrow": null}]'::jsonb,
  'nor the wallet or escrow balance of another member of their own guild (null, null)');
select is(pg_temp.rows_as('coins_staff', 920000000000000001, 920000000000000090, 'ADMIN', format(
    'select app_public.users_wallet_balance(%1$s) as wallet, app_public.users_escrow_balance(%1$s) as escrow', pg_temp.fabricated(910000000000000001, 910000000000000011))),
  '[{"wallet": null, "escrow": null}]'::jsonb,
  'staff of guild B cannot read a guild A member''s balances through a fabricated row (null, null)');

select * from finish();
rollback;
