begin;
select plan(19);
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

-- verify_ledger ------------------------------------------------------------------------------------------------------------------
-- Runs p_corrupt as the superuser, then evaluates p_check (a jsonb expression), then rolls the corruption back.
create function pg_temp.after_corruption(p_corrupt text, p_check text) returns jsonb language plpgsql as $$
declare v jsonb;
begin
  execute p_corrupt;
  execute 'select ' || p_check into v;
  raise exception using errcode = 'P0T01', message = 'rollback the corruption', detail = v::text;
exception when sqlstate 'P0T01' then
  get stacked diagnostics p_check = pg_exception_detail;
  return p_check::jsonb;
end $$;
select is_empty($$select * from app_public.verify_ledger()$$, 'verify_ledger (owner, all guilds): healthy ledger, no violation');
select is(pg_temp.rows_as('coins_worker', null, null, null, 'select * from app_public.verify_ledger()'), '[]'::jsonb, 'verify_ledger as coins_worker: no violation');
select is(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR', 'select * from app_public.verify_ledger(910000000000000001)'), '[]'::jsonb,
  'verify_ledger as an AUDITOR of guild A for guild A: no violation');
select set_eq(
  $$select * from jsonb_to_recordset(pg_temp.after_corruption(
      format('update app_public.accounts set balance = balance + 1, credits_posted = credits_posted + 1 where id = %s', pg_temp.acct(910000000000000001, 910000000000000011)),
      $c$pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR', 'select * from app_public.verify_ledger()')$c$))
      as (invariant text, guild_id bigint, currency text, account_id bigint, expected bigint, actual bigint)$$,
  $$values ('sum_of_balances_is_zero', 910000000000000001::bigint, 'COIN', null::bigint, 0::bigint, 1::bigint),
           ('balance_equals_postings', 910000000000000001, 'COIN', pg_temp.acct(910000000000000001, 910000000000000011), 450, 451),
           ('posting_totals_match', 910000000000000001, 'COIN', pg_temp.acct(910000000000000001, 910000000000000011), 750, 751)$$,
  'a coin created out of nothing breaks sum-of-balances, balance-equals-postings and posting-totals (credits 600 + debits 150 = 750 vs 751), seen by staff of the guild');
select is(pg_temp.after_corruption(
    format('update app_public.accounts set balance = balance + 1, credits_posted = credits_posted + 1 where id = %s', pg_temp.acct(910000000000000001, 910000000000000011)),
    $c$pg_temp.rows_as('coins_staff', 920000000000000001, 920000000000000090, 'SUPERADMIN', 'select * from app_public.verify_ledger()')$c$),
  '[]'::jsonb, 'staff of guild B see only guild B''s (healthy) ledger');
select is(pg_temp.after_corruption(
    format('update app_public.accounts set balance = balance + 1, credits_posted = credits_posted + 1 where id = %s', pg_temp.acct(910000000000000001, 910000000000000011)),
    $c$(select jsonb_agg(v.invariant order by v.invariant) from app_public.verify_ledger() v)$c$),
  '["balance_equals_postings", "posting_totals_match", "sum_of_balances_is_zero"]'::jsonb, 'the owner sees the same three violations across all guilds');
select set_eq(
  $$select * from jsonb_to_recordset(pg_temp.after_corruption(
      $c$update app_public.transfers set status = 'voided', resolved_at = now() where status = 'pending'$c$,
      $c$(select jsonb_agg(v) from app_public.verify_ledger(910000000000000001) v)$c$))
      as (invariant text, guild_id bigint, currency text, account_id bigint, expected bigint, actual bigint)$$,
  $$values ('escrow_equals_pending_holds', 910000000000000001::bigint, 'COIN', pg_temp.acct(910000000000000001, 910000000000000011, 'escrow'), 0::bigint, 50::bigint),
           ('hold_resolved_exactly', 910000000000000001, 'COIN', pg_temp.acct(910000000000000001, 910000000000000011, 'escrow'), 50, 0)$$,
  'a hold marked voided without returning the funds breaks the escrow invariants');
select set_eq(
  $$select invariant, account_id, expected, actual from jsonb_to_recordset(pg_temp.after_corruption(
      $c$update app_public.transfers set amount = amount + 5 where reason = 'give' and created_at = now() - interval '20 hours'$c$,
      $c$(select jsonb_agg(v) from app_public.verify_ledger(910000000000000001) v)$c$))
      as (invariant text, account_id bigint, expected bigint, actual bigint)$$,
  $$values ('balance_equals_postings', pg_temp.acct(910000000000000001, 910000000000000011), 445::bigint, 450::bigint),
           ('balance_equals_postings', pg_temp.acct(910000000000000001, 910000000000000014), 305, 300),
           ('posting_totals_match', pg_temp.acct(910000000000000001, 910000000000000011), 755, 750),
           ('posting_totals_match', pg_temp.acct(910000000000000001, 910000000000000014), 305, 300),
           ('lifetime_counters_match', null, 705, 700),
           ('lifetime_counters_match', null, 305, 300)$$,
  'a tampered transfer amount breaks balance-equals-postings and posting-totals on both of its accounts, and both members'' lifetime counters');
select set_eq(
  $$select * from jsonb_to_recordset(pg_temp.after_corruption(
      format('update app_public.accounts set credits_posted = credits_posted + 5, debits_posted = debits_posted + 5 where id = %s', pg_temp.acct(910000000000000001, 910000000000000011)),
      $c$(select coalesce(jsonb_agg(v), '[]') from app_public.verify_ledger() v)$c$))
      as (invariant text, guild_id bigint, currency text, account_id bigint, expected bigint, actual bigint)$$,
  $$values ('posting_totals_match', 910000000000000001::bigint, 'COIN', pg_temp.acct(910000000000000001, 910000000000000011), 750::bigint, 760::bigint)$$,
  'posting totals inflated on both sides (the balance still nets out) are reported by posting_totals_match alone: expected 750, actual 760');
select set_eq(
  $$select * from jsonb_to_recordset(pg_temp.after_corruption(
      format('update app_public.accounts set lifetime_earned = lifetime_earned + 7 where user_id = %s and currency = ''COIN'' and kind = ''wallet''', pg_temp.uid(910000000000000001, 910000000000000011)),
      $c$pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR', 'select * from app_public.verify_ledger()')$c$))
      as (invariant text, guild_id bigint, currency text, account_id bigint, expected bigint, actual bigint)$$,
  $$values ('lifetime_counters_match', 910000000000000001::bigint, 'COIN', null::bigint, 700::bigint, 707::bigint)$$,
  'an inflated lifetime_earned is reported by lifetime_counters_match (earned 600 + spent 100 = 700 vs 707), seen by staff of the guild');
select is(pg_temp.after_corruption(
    format('update app_public.accounts set lifetime_earned = lifetime_earned + 7 where user_id = %s and currency = ''COIN'' and kind = ''wallet''', pg_temp.uid(910000000000000001, 910000000000000011)),
    $c$(select coalesce(jsonb_agg(v), '[]') from app_public.verify_ledger(920000000000000001) v)$c$),
  '[]'::jsonb, 'verify_ledger(guild B) does not report guild A''s lifetime counters');
select set_eq(
  $$select invariant, account_id, expected, actual from jsonb_to_recordset(pg_temp.after_corruption(
      format('update app_public.accounts set lifetime_spent = lifetime_spent + 3 where user_id = %s and currency = ''COIN'' and kind = ''wallet''', pg_temp.uid(910000000000000001, 910000000000000012)),
      $c$(select coalesce(jsonb_agg(v), '[]') from app_public.verify_ledger() v)$c$))
      as (invariant text, account_id bigint, expected bigint, actual bigint)$$,
  $$values ('lifetime_counters_match', null::bigint, 400::bigint, 403::bigint)$$,
  'an inflated lifetime_spent is reported too (bob: earned 350 + spent 50 = 400 vs 403)');
select is_empty($$select * from app_public.verify_ledger()$$, 'after the rolled-back corruptions the ledger is healthy again');
select throws_ok($$select pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR', 'select * from app_public.verify_ledger(920000000000000001)')$$,
  'PD001', 'permission_denied', 'staff of guild A asking for guild B: PD001');
select throws_ok($$select pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, null, 'select * from app_public.verify_ledger()')$$,
  'PD001', 'permission_denied', 'coins_staff without a staff role: PD001');
select throws_ok($$select pg_temp.rows_as('coins_staff', 910000000000000001, null, 'ADMIN', 'select * from app_public.verify_ledger()')$$,
  'AU001', 'not_authenticated', 'staff without a discord_id claim: AU001');
select throws_ok($$select pg_temp.player(910000000000000011, 'select * from app_public.verify_ledger()')$$,
  '42501', null, 'coins_player cannot run verify_ledger (42501: not granted)');
select throws_ok($$select pg_temp.rows_as('coins_listener', 910000000000000001, null, null, 'select * from app_public.verify_ledger()')$$,
  '42501', null, 'coins_listener cannot run verify_ledger (42501)');
select throws_ok($$select pg_temp.rows_as('coins_anonymous', null, null, null, 'select * from app_public.verify_ledger()')$$,
  '42501', null, 'coins_anonymous cannot run verify_ledger (42501)');
select * from finish();
rollback;
