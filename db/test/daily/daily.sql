begin;
select plan(39);
\ir ../lib/helpers.psql
-- Fixtures. Guild A = 910000000000000001 (alice ...011, bob ...012); guild B = 920000000000000001.
-- Claims use explicit times from t0 = 2031-01-01 12:00 UTC (app_private.claim_daily_for), so the
-- 24 h cooldown and the 48 h streak window are tested deterministically; the public
-- app_public.claim_daily() uses now().
do $$
begin
  perform app_private.ensure_guild(910000000000000001, 'Daily guild A');
  perform app_private.ensure_guild(920000000000000001, 'Daily guild B');
  perform app_private.ensure_member(910000000000000001, 910000000000000011, 'alice');
  perform app_private.ensure_member(910000000000000001, 910000000000000012, 'bob');
end $$;
create temp table receipts (name text primary key, amount bigint, streak_days int, balance bigint,
  claimed_at timestamptz, next_claim_at timestamptz, tx_id uuid);
create function pg_temp.claim(p_name text, p_discord bigint, p_at timestamptz, p_key text default null) returns void
language sql as $$
  insert into receipts select p_name, * from app_private.claim_daily_for(pg_temp.uid(910000000000000001, p_discord), p_key, p_at) $$;

-- First claim -----------------------------------------------------------------------------------
do $$ begin perform pg_temp.claim('c1', 910000000000000011, '2031-01-01 12:00+00'); end $$;
select results_eq($$select amount, streak_days, balance, claimed_at, next_claim_at from receipts where name = 'c1'$$,
  $$values (100::bigint, 1, 100::bigint, '2031-01-01 12:00+00'::timestamptz, '2031-01-02 12:00+00'::timestamptz)$$,
  'first claim: daily_amount (100), streak 1, next claim 24 h later');
select results_eq($$select streak_days, last_daily_at, app_public.users_lifetime_earned(users) as lifetime_earned, pg_temp.wallet(guild_id, discord_id) from app_public.users
                     where id = pg_temp.uid(910000000000000001, 910000000000000011)$$,
  $$values (1, '2031-01-01 12:00+00'::timestamptz, 100::bigint, 100::bigint)$$, 'the member row records the streak, the claim time and the credit');
select results_eq(
  $$select t.type::text, t.reason, t.amount, t.meta, t.created_at, tr.debit_account_id = pg_temp.gacct(910000000000000001, 'mint'), tr.amount
      from app_public.transactions t join app_public.transfers tr on tr.tx_id = t.tx_id where t.tx_id = (select tx_id from receipts where name = 'c1')$$,
  $$values ('earn', 'daily', 100::bigint, '{"streak_days": 1}'::jsonb, '2031-01-01 12:00+00'::timestamptz, true, 100::bigint)$$,
  'the claim writes an earn transaction and one mint -> wallet transfer under the receipt tx_id');

-- Cooldown ----------------------------------------------------------------------------------------
insert into snapshots values ('cooldown', pg_temp.state());
select throws_ok($$select pg_temp.claim('x', 910000000000000011, '2031-01-02 11:59:59+00')$$,
  'CD001', 'cooldown_active', 'a second claim 1 s before the 24 h mark: CD001');
select results_eq(
  $$select (e -> 'detail' ->> 'next_claim_at')::timestamptz, (e -> 'detail' ->> 'retry_after_s')::int
      from (select pg_temp.error_as(null, null, null, null, $q$select pg_temp.claim('x', 910000000000000011, '2031-01-02 11:59:59+00')$q$) e) s$$,
  $$values ('2031-01-02 12:00+00'::timestamptz, 1)$$, 'CD001 detail: next_claim_at and retry_after_s');
select throws_ok($$select pg_temp.claim('x', 910000000000000011, '2031-01-01 11:00+00')$$,
  'CD001', 'cooldown_active', 'a claim dated before the last one (clock going back): CD001');
select is(pg_temp.state(), (select state from snapshots where name = 'cooldown'), 'refused claims changed nothing');

-- Streaks -------------------------------------------------------------------------------------------
do $$ begin perform pg_temp.claim('c2', 910000000000000011, '2031-01-02 13:00+00'); end $$;       -- +25 h
select results_eq($$select amount, streak_days, balance from receipts where name = 'c2'$$,
  $$values (110::bigint, 2, 210::bigint)$$, 'claim at +25 h: streak 2, 100 + 1 x 10');
do $$ begin perform pg_temp.claim('c3', 910000000000000011, '2031-01-04 13:00+00'); end $$;       -- exactly +48 h
select results_eq($$select amount, streak_days from receipts where name = 'c3'$$,
  $$values (120::bigint, 3)$$, 'claim exactly 48 h later still continues the streak (streak 3)');
do $$ begin perform pg_temp.claim('c4', 910000000000000011, '2031-01-05 13:00+00'); end $$;       -- exactly +24 h
select results_eq($$select amount, streak_days from receipts where name = 'c4'$$,
  $$values (130::bigint, 4)$$, 'claim exactly 24 h later is allowed (streak 4)');
do $$ begin perform pg_temp.claim('c5', 910000000000000011, '2031-01-07 13:00:01+00'); end $$;    -- +48 h 1 s
select results_eq($$select amount, streak_days from receipts where name = 'c5'$$,
  $$values (100::bigint, 1)$$, 'claim more than 48 h later resets the streak to 1 (no bonus)');

-- 14 more days in a row: the bonus grows by 10 a day up to the cap of 100.
do $$ begin
  for d in 1..14 loop
    perform pg_temp.claim('d' || d, 910000000000000011, '2031-01-07 13:00:01+00'::timestamptz + make_interval(days => d));
  end loop;
end $$;
select is((select array_agg(amount order by streak_days) from receipts where name ~ '^d'),
  array[110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 200, 200, 200, 200]::bigint[],
  'streaks 2..15: bonus = min((streak - 1) x 10, 100), capped from streak 11');
select results_eq($$select streak_days, app_public.users_lifetime_earned(users) as lifetime_earned, pg_temp.wallet(guild_id, discord_id) from app_public.users
                     where id = pg_temp.uid(910000000000000001, 910000000000000011)$$,
  $$select 15, sum(amount)::bigint, sum(amount)::bigint from receipts$$, 'streak 15; wallet and lifetime_earned equal the sum of all receipts');

-- The guild's settings drive the reward ---------------------------------------------------------------
update app_public.guild_settings set daily_amount = 50, daily_streak_bonus = 7, daily_streak_bonus_cap = 20
 where guild_id = 910000000000000001;
do $$ begin
  for d in 0..3 loop
    perform pg_temp.claim('b' || d, 910000000000000012, '2031-01-01 12:00+00'::timestamptz + make_interval(days => d));
  end loop;
end $$;
select is((select array_agg(amount order by streak_days) from receipts where name ~ '^b'),
  array[50, 57, 64, 70]::bigint[], 'daily_amount 50, bonus 7, cap 20: 50, 57, 64, 70');

-- Frozen -----------------------------------------------------------------------------------------------
update app_public.users set frozen = true where id = pg_temp.uid(910000000000000001, 910000000000000012);
insert into snapshots values ('frozen', pg_temp.state());
select throws_ok($$select pg_temp.claim('x', 910000000000000012, '2031-02-01 12:00+00')$$,
  'FZ001', 'account_frozen', 'a frozen member cannot claim: FZ001');
select throws_ok($$select pg_temp.run_as('coins_player', 910000000000000001, 910000000000000012, null, 'select app_public.claim_daily()')$$,
  'FZ001', 'account_frozen', 'a frozen member cannot claim through the API: FZ001');
select is(pg_temp.state(), (select state from snapshots where name = 'frozen'), 'refused frozen claims changed nothing');

-- The public function ------------------------------------------------------------------------------------
select throws_ok($$select pg_temp.run_as('coins_player', null, null, null, 'select app_public.claim_daily()')$$,
  'AU001', 'not_authenticated', 'no claims: AU001');
select throws_ok($$select pg_temp.run_as('coins_player', 920000000000000001, null, null, 'select app_public.claim_daily()')$$,
  'AU001', 'not_authenticated', 'a guild but no member claim: AU001');
select throws_ok($$select pg_temp.run_as('coins_player', null, 920000000000000011, null, 'select app_public.claim_daily()')$$,
  'AU001', 'not_authenticated', 'a member but no guild claim: AU001');
select is(pg_temp.uid(920000000000000001, 920000000000000011), null, 'carol is not registered yet');
create temp table api_receipt as
  select * from jsonb_populate_recordset(null::app_public.daily_claim,
    pg_temp.rows_as('coins_player', 920000000000000001, 920000000000000011, null, 'select * from app_public.claim_daily()'));
select results_eq($$select amount, streak_days, balance, claimed_at, next_claim_at from api_receipt$$,
  $$values (100::bigint, 1, 100::bigint, now(), now() + interval '24 hours')$$, 'claim_daily() through the API pays daily_amount now');
select results_eq($$select u.display_name, u.is_bot, pg_temp.wallet(u.guild_id, u.discord_id),
                          (select count(*) from app_public.accounts a where a.user_id = u.id)
                     from app_public.users u where u.guild_id = 920000000000000001 and u.discord_id = 920000000000000011$$,
  $$values ('', false, 100::bigint, 2::bigint)$$, 'the first claim registered the member, with a wallet and an escrow account');
select throws_ok($$select pg_temp.run_as('coins_player', 920000000000000001, 920000000000000011, null, 'select app_public.claim_daily()')$$,
  'CD001', 'cooldown_active', 'a second API claim right away: CD001');
insert into snapshots values ('unknown_guild', pg_temp.state());
select throws_ok($$select pg_temp.run_as('coins_player', 930000000000000001, 930000000000000011, null, 'select app_public.claim_daily()')$$,
  'MB003', 'guild_not_found', 'claim_daily() in an unknown guild: MB003');
select is(pg_temp.error_as('coins_player', 930000000000000001, 930000000000000011, null, $$select app_public.claim_daily('unknown-guild-key')$$),
  '{"code": "MB003", "key": "guild_not_found", "detail": {"guild_id": "930000000000000001"}}'::jsonb,
  'claim_daily() in an unknown guild, with a key: MB003 with the guild_id as a string (a snowflake exceeds JavaScript''s safe integers; checked before the key is claimed)');
select is(pg_temp.state(), (select state from snapshots where name = 'unknown_guild'),
  'the refused claims registered nobody and stored no key');

-- Idempotency ------------------------------------------------------------------------------------------------
create temp table idem as
  select 1 as n, * from jsonb_populate_recordset(null::app_public.daily_claim,
    pg_temp.rows_as('coins_player', 920000000000000001, 920000000000000012, null, $$select * from app_public.claim_daily('interaction-1')$$));
insert into idem
  select 2, * from jsonb_populate_recordset(null::app_public.daily_claim,
    pg_temp.rows_as('coins_player', 920000000000000001, 920000000000000012, null, $$select * from app_public.claim_daily('interaction-1')$$));
select is((select count(distinct (amount, streak_days, balance, claimed_at, next_claim_at, tx_id)) from idem), 1::bigint,
  'replaying the key returns the same receipt (same tx_id) instead of CD001');
select results_eq($$select pg_temp.wallet(920000000000000001, 920000000000000012),
    (select count(*) from app_public.transactions where user_id = pg_temp.uid(920000000000000001, 920000000000000012)),
    (select count(*) from app_public.transfers where credit_account_id = pg_temp.acct(920000000000000001, 920000000000000012))$$,
  $$values (100::bigint, 1::bigint, 1::bigint)$$, 'the replay credited nothing more: one transaction, one transfer');
do $$ begin perform pg_temp.claim('k1', 910000000000000011, '2031-03-01 12:00+00', 'day-key'); end $$;
do $$ begin perform pg_temp.claim('k2', 910000000000000011, '2031-03-09 12:00+00', 'day-key'); end $$;
select results_eq($$select amount, streak_days, claimed_at, tx_id from receipts where name = 'k2'$$,
  $$select amount, streak_days, claimed_at, tx_id from receipts where name = 'k1'$$,
  'a replay days later returns the first receipt (claimed_at of the first claim)');
select throws_ok($$select pg_temp.run_as('coins_player', 920000000000000001, 920000000000000012, null, $q$select app_public.claim_daily('')$q$)$$,
  'IK002', 'idempotency_key_invalid', 'an empty key: IK002');
select throws_ok($$select pg_temp.claim('x', 910000000000000011, '2031-04-01 12:00+00', repeat('k', 256))$$,
  'IK002', 'idempotency_key_invalid', 'a 256-character key: IK002');
select throws_ok($$select app_private.claim_daily_for(-1)$$, 'MB001', 'member_not_registered', 'claim_daily_for an unknown user id: MB001');
-- Registration (register_member; claim_daily registers implicitly) ------------------------------------------------------------
create temp table registered as
  select 1 as n, * from jsonb_populate_recordset(null::app_public.users,
    pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000019, null, $$select * from app_public.register_member('zed')$$));
select results_eq($$select guild_id, discord_id, display_name, streak_days, frozen, pg_temp.wallet(guild_id, discord_id) from registered$$,
  $$values (910000000000000001::bigint, 910000000000000019::bigint, 'zed', 0, false, 0::bigint)$$,
  'register_member opens the caller''s account with an empty wallet');
insert into registered
  select 2, * from jsonb_populate_recordset(null::app_public.users,
    pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000019, null, $$select * from app_public.register_member()$$));
insert into registered
  select 3, * from jsonb_populate_recordset(null::app_public.users,
    pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000019, null, $$select * from app_public.register_member('Zed the Second')$$));
select results_eq($$select n, id = (select id from registered where n = 1), display_name from registered order by n$$,
  $$values (1, true, 'zed'), (2, true, 'zed'), (3, true, 'Zed the Second')$$,
  'register_member is idempotent: an empty name keeps the old one, a new name refreshes it');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000019, null, format('select app_public.register_member(%L)', repeat('n', 101))),
  '{"code": "VL001", "key": "invalid_argument", "detail": {"argument": "display_name", "max": 100}}'::jsonb,
  'a display name over 100 characters: VL001 with argument display_name, max 100');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000019, null, format('select display_name from app_public.register_member(%L)', repeat('n', 100))) -> 0 ->> 'display_name',
  repeat('n', 100), 'a display name of exactly 100 characters is accepted');
select is(pg_temp.error_as('coins_player', 930000000000000001, 910000000000000019, null, $$select app_public.register_member('zed')$$),
  '{"code": "MB003", "key": "guild_not_found", "detail": {"guild_id": "930000000000000001"}}'::jsonb, 'register_member in an unknown guild: MB003');
select throws_ok($$select pg_temp.run_as('coins_player', 910000000000000001, null, null, $q$select app_public.register_member('zed')$q$)$$,
  'AU001', 'not_authenticated', 'register_member without a member claim: AU001');
select * from finish();
rollback;
