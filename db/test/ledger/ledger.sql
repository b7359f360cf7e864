begin;
select plan(78);
\ir ../lib/helpers.psql
-- Row locks (hold / settle_hold / void_hold lock the members they touch). A single transaction cannot block itself,
-- so the locks are read with the pgrowlocks extension (created inside this transaction, gone at rollback); the lock
-- assertions are skipped where the extension is not available.
do $$ begin
  if exists (select 1 from pg_available_extensions where name = 'pgrowlocks') then
    create extension if not exists pgrowlocks;
  end if;
end $$;
create function pg_temp.has_rowlocks() returns boolean language sql as $$
  select exists (select 1 from pg_extension where extname = 'pgrowlocks') $$;
-- Which of these members of guild A have their users row locked FOR NO KEY UPDATE (or stronger).
create function pg_temp.member_locks(p_discord_ids bigint[]) returns bigint[] language plpgsql as $$
declare v bigint[];
begin
  execute $q$select coalesce(array_agg(u.discord_id order by u.discord_id), '{}')
               from pgrowlocks('app_public.users') l join app_public.users u on u.ctid = l.locked_row
              where u.guild_id = 910000000000000001 and u.discord_id = any ($1)
                and l.modes && array['For No Key Update', 'For Update']$q$ into v using p_discord_ids;
  return v;
end $$;
-- Fixtures. Guild A = 910000000000000001 (alice ...011, bob ...012); guild B = 920000000000000001 (carol ...011).
do $$
begin
  perform app_private.ensure_guild(910000000000000001, 'Ledger guild A');
  perform app_private.ensure_guild(920000000000000001, 'Ledger guild B');
  perform app_private.ensure_member(910000000000000001, 910000000000000011, 'alice');
  perform app_private.ensure_member(910000000000000001, 910000000000000012, 'bob');
  perform app_private.ensure_member(920000000000000001, 920000000000000011, 'carol');
  -- a COIN external account (may go negative) and an MCD account, for the currency test
  insert into app_public.accounts (guild_id, currency, kind) values
    (910000000000000001, 'COIN', 'external'), (910000000000000001, 'MCD', 'external');
end $$;

-- Provisioning ------------------------------------------------------------------------------
select is((select array_agg(kind::text order by kind) from app_public.accounts
            where guild_id = 910000000000000001 and user_id is null and currency = 'COIN'),
          array['treasury', 'mint', 'fees', 'external'], 'a new guild gets its mint, treasury and fees accounts (the external one is the fixture''s)');
select is((select array_agg(kind::text order by kind) from app_public.accounts
            where user_id = pg_temp.uid(910000000000000001, 910000000000000011)),
          array['wallet', 'escrow'], 'a new member gets a wallet and an escrow account');

-- post_transfer moves both balances ------------------------------------------------------------
do $$ begin
  perform app_private.post_transfer(910000000000000001, pg_temp.gacct(910000000000000001, 'mint'),
    pg_temp.acct(910000000000000001, 910000000000000011), 1000, 'test_mint');
end $$;
select is(pg_temp.wallet(910000000000000001, 910000000000000011), 1000::bigint, 'mint -> wallet credits the wallet');
select is(pg_temp.bal(pg_temp.gacct(910000000000000001, 'mint')), -1000::bigint, 'the mint goes negative by the same amount');
select results_eq(
  $$select status::text, amount, currency, resolved_at is not null, pending_id is null, debit_account_id, credit_account_id
      from app_public.transfers where reason = 'test_mint'$$,
  $$values ('posted', 1000::bigint, 'COIN', true, true, pg_temp.gacct(910000000000000001, 'mint'),
            pg_temp.acct(910000000000000001, 910000000000000011))$$,
  'the transfer row records a posted, resolved movement between the two accounts');

do $$ begin
  perform app_private.post_transfer(910000000000000001, pg_temp.acct(910000000000000001, 910000000000000011),
    pg_temp.acct(910000000000000001, 910000000000000012), 300, 'test_move');
end $$;
select results_eq(
  $$select balance, credits_posted, debits_posted from app_public.accounts
     where id in (pg_temp.acct(910000000000000001, 910000000000000011), pg_temp.acct(910000000000000001, 910000000000000012))
     order by id$$,
  $$values (700::bigint, 1000::bigint, 300::bigint), (300::bigint, 300::bigint, 0::bigint)$$,
  'wallet -> wallet moves both balances and both posting totals');
select results_eq(
  $$select discord_id, app_public.users_lifetime_earned(users) as lifetime_earned, app_public.users_lifetime_spent(users) as lifetime_spent from app_public.users where guild_id = 910000000000000001 order by discord_id$$,
  $$values (910000000000000011::bigint, 1000::bigint, 300::bigint), (910000000000000012::bigint, 300::bigint, 0::bigint)$$,
  'lifetime counters move when value crosses owners (mint -> alice, alice -> bob)');

-- Overdrafts: wallet, escrow, treasury and fees cannot go negative ---------------------------
insert into snapshots values ('overdrafts', pg_temp.state());
select throws_ok($$select app_private.post_transfer(910000000000000001, pg_temp.acct(910000000000000001, 910000000000000011),
    pg_temp.acct(910000000000000001, 910000000000000012), 701, 'test_move')$$,
  'NF001', 'insufficient_funds', 'wallet overdraft: NF001');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.post_transfer(910000000000000001,
    pg_temp.acct(910000000000000001, 910000000000000011), pg_temp.acct(910000000000000001, 910000000000000012), 701, 'test_move')$$) -> 'detail',
  '{"needed": 701, "available": 700, "currency": "COIN"}'::jsonb, 'NF001 detail carries needed, available and their currency');
select throws_ok($$select app_private.post_transfer(910000000000000001, pg_temp.acct(910000000000000001, 910000000000000011, 'escrow'),
    pg_temp.acct(910000000000000001, 910000000000000011), 1, 'test_move')$$,
  'NF001', 'insufficient_funds', 'escrow overdraft: NF001');
select throws_ok($$select app_private.post_transfer(910000000000000001, pg_temp.gacct(910000000000000001, 'treasury'),
    pg_temp.acct(910000000000000001, 910000000000000011), 1, 'test_move')$$,
  'NF001', 'insufficient_funds', 'treasury overdraft: NF001');
select throws_ok($$select app_private.post_transfer(910000000000000001, pg_temp.gacct(910000000000000001, 'fees'),
    pg_temp.acct(910000000000000001, 910000000000000011), 1, 'test_move')$$,
  'NF001', 'insufficient_funds', 'fees overdraft: NF001');
select is(pg_temp.state(), (select state from snapshots where name = 'overdrafts'), 'refused overdrafts changed nothing');

select lives_ok($$select app_private.post_transfer(910000000000000001, pg_temp.gacct(910000000000000001, 'external'),
    pg_temp.gacct(910000000000000001, 'treasury'), 50, 'test_external')$$, 'an external account may go negative');
select is(pg_temp.bal(pg_temp.gacct(910000000000000001, 'external')), -50::bigint, 'external balance is -50');
select lives_ok($$select app_private.post_transfer(910000000000000001, pg_temp.gacct(910000000000000001, 'treasury'),
    pg_temp.gacct(910000000000000001, 'fees'), 20, 'test_fees')$$, 'treasury may spend what it holds');
select results_eq($$select pg_temp.bal(pg_temp.gacct(910000000000000001, 'treasury')), pg_temp.bal(pg_temp.gacct(910000000000000001, 'fees'))$$,
  $$values (30::bigint, 20::bigint)$$, 'treasury 30, fees 20');

-- Inconsistent movements: LG001; bad amounts: AM001 -------------------------------------------
insert into snapshots values ('lg001', pg_temp.state());
select throws_ok($$select app_private.post_transfer(910000000000000001, pg_temp.acct(910000000000000001, 910000000000000011),
    pg_temp.acct(910000000000000001, 910000000000000011), 5, 'test_move')$$,
  'LG001', 'ledger_violation', 'same debit and credit account: LG001');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.post_transfer(910000000000000001,
    pg_temp.gacct(910000000000000001, 'mint'), pg_temp.gacct(910000000000000001, 'mint'), 5, 'test_move')$$),
  '{"code": "LG001", "key": "ledger_violation", "detail": {"why": "debit and credit are the same account"}}'::jsonb,
  'same account even where overdrafts are allowed (mint -> mint): LG001 up front, why = debit and credit are the same account');
select throws_ok($$select app_private.post_transfer(910000000000000001, pg_temp.acct(910000000000000001, 910000000000000011),
    pg_temp.acct(920000000000000001, 920000000000000011), 5, 'test_move')$$,
  'LG001', 'ledger_violation', 'credit account in another guild: LG001');
select throws_ok($$select app_private.post_transfer(920000000000000001, pg_temp.acct(910000000000000001, 910000000000000011),
    pg_temp.acct(920000000000000001, 920000000000000011), 5, 'test_move')$$,
  'LG001', 'ledger_violation', 'debit account in another guild: LG001');
select throws_ok($$select app_private.post_transfer(920000000000000001, pg_temp.acct(910000000000000001, 910000000000000011),
    pg_temp.acct(910000000000000001, 910000000000000012), 5, 'test_move')$$,
  'LG001', 'ledger_violation', 'both accounts outside p_guild_id: LG001');
select throws_ok($$select app_private.post_transfer(910000000000000001, pg_temp.acct(910000000000000001, 910000000000000011),
    -1, 5, 'test_move')$$,
  'LG001', 'ledger_violation', 'missing account: LG001');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.post_transfer(910000000000000001,
    pg_temp.gacct(910000000000000001, 'external', 'MCD'), pg_temp.gacct(910000000000000001, 'treasury'), 5, 'test_move')$$),
  '{"code": "LG001", "key": "ledger_violation", "detail": {"why": "currency mismatch"}}'::jsonb,
  'currency mismatch (MCD -> COIN): LG001 why = currency mismatch');
select throws_ok($$select app_private.post_transfer(910000000000000001, pg_temp.gacct(910000000000000001, 'mint'),
    pg_temp.acct(910000000000000001, 910000000000000011), 5, 'test_move', null, 'voided')$$,
  'LG001', 'ledger_violation', 'creating a voided transfer: LG001');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.post_transfer(910000000000000001,
    pg_temp.acct(910000000000000001, 910000000000000012), pg_temp.acct(910000000000000001, 910000000000000012, 'escrow'), 5, 'order', null, 'pending')$$),
  '{"code": "LG001", "key": "ledger_violation", "detail": {"why": "a hold needs a timeout"}}'::jsonb,
  'a pending transfer (hold) without a timeout: LG001 why = a hold needs a timeout');
select throws_ok($$insert into app_public.transfers (guild_id, debit_account_id, credit_account_id, currency, amount, status, reason)
    values (910000000000000001, pg_temp.acct(910000000000000001, 910000000000000012), pg_temp.acct(910000000000000001, 910000000000000012, 'escrow'),
            'COIN', 5, 'pending', 'order')$$,
  '23514', 'new row for relation "transfers" violates check constraint "transfers_holds_have_timeout"',
  'the table itself refuses a pending transfer without timeout_at (check transfers_holds_have_timeout)');
select throws_ok($$select app_private.post_transfer(910000000000000001, pg_temp.gacct(910000000000000001, 'mint'),
    pg_temp.acct(910000000000000001, 910000000000000011), 0, 'test_move')$$,
  'AM001', 'invalid_amount', 'amount 0: AM001');
select throws_ok($$select app_private.post_transfer(910000000000000001, pg_temp.gacct(910000000000000001, 'mint'),
    pg_temp.acct(910000000000000001, 910000000000000011), -5, 'test_move')$$,
  'AM001', 'invalid_amount', 'negative amount: AM001');
select throws_ok($$select app_private.post_transfer(910000000000000001, pg_temp.gacct(910000000000000001, 'mint'),
    pg_temp.acct(910000000000000001, 910000000000000011), null, 'test_move')$$,
  'AM001', 'invalid_amount', 'null amount: AM001');
select is(pg_temp.state(), (select state from snapshots where name = 'lg001'), 'refused movements changed nothing');

-- Two-phase escrow: hold, settle, void --------------------------------------------------------
create temp table holds (name text primary key, id bigint);
select case when pg_temp.has_rowlocks()
  then is(pg_temp.member_locks(array[910000000000000011]), '{}'::bigint[], 'before any hold, alice''s member row is not locked FOR NO KEY UPDATE')
  else skip('pgrowlocks is not available', 1) end;
insert into holds values
  ('h1', app_private.hold(910000000000000001, pg_temp.uid(910000000000000001, 910000000000000011), 200, 'order', now() + interval '15 minutes')),
  ('h2', app_private.hold(910000000000000001, pg_temp.uid(910000000000000001, 910000000000000011), 100, 'order', now() + interval '15 minutes'));
select results_eq($$select pg_temp.wallet(910000000000000001, 910000000000000011), pg_temp.bal(pg_temp.acct(910000000000000001, 910000000000000011, 'escrow'))$$,
  $$values (400::bigint, 300::bigint)$$, 'two holds (200 + 100) move 300 from wallet to escrow');
select results_eq(
  $$select status::text, resolved_at is null, timeout_at = now() + interval '15 minutes', credit_account_id = pg_temp.acct(910000000000000001, 910000000000000011, 'escrow')
      from app_public.transfers where id = (select id from holds where name = 'h1')$$,
  $$values ('pending', true, true, true)$$, 'a hold is a pending, unresolved transfer into escrow with its timeout');
select case when pg_temp.has_rowlocks()
  then is(pg_temp.member_locks(array[910000000000000011, 910000000000000012]), array[910000000000000011]::bigint[],
          'hold() locks its member''s row (FOR NO KEY UPDATE), and only that member')
  else skip('pgrowlocks is not available', 1) end;
select results_eq($$select app_public.users_lifetime_earned(users) as lifetime_earned, app_public.users_lifetime_spent(users) as lifetime_spent from app_public.users where id = pg_temp.uid(910000000000000001, 910000000000000011)$$,
  $$values (1000::bigint, 300::bigint)$$, 'holds do not change lifetime counters');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.hold(910000000000000001, pg_temp.uid(910000000000000001, 910000000000000011), 10, 'order', null)$$),
  '{"code": "LG001", "key": "ledger_violation", "detail": {"why": "a hold needs a timeout"}}'::jsonb, 'hold() without a timeout: LG001');
select throws_ok($$select app_private.hold(910000000000000001, pg_temp.uid(910000000000000001, 910000000000000011), 401, 'order', now())$$,
  'NF001', 'insufficient_funds', 'a hold beyond the wallet: NF001');
select throws_ok($$select app_private.hold(920000000000000001, pg_temp.uid(910000000000000001, 910000000000000011), 10, 'order', now())$$,
  'LG001', 'ledger_violation', 'a hold in the wrong guild: LG001');

insert into snapshots values ('settle_refused', pg_temp.state());
select throws_ok(format($$select app_private.settle_hold(%s, jsonb_build_array(
    jsonb_build_object('account_id', pg_temp.acct(910000000000000001, 910000000000000012), 'amount', 150)))$$, (select id from holds where name = 'h1')),
  'LG001', 'ledger_violation', 'settlement legs adding up to less than the hold: LG001');
select throws_ok(format($$select app_private.settle_hold(%s, jsonb_build_array(
    jsonb_build_object('account_id', pg_temp.acct(910000000000000001, 910000000000000012), 'amount', 200),
    jsonb_build_object('account_id', pg_temp.gacct(910000000000000001, 'fees'), 'amount', 50)))$$, (select id from holds where name = 'h1')),
  'LG001', 'ledger_violation', 'settlement legs adding up to more than the hold (escrow could pay): LG001');
select throws_ok(format($$select app_private.settle_hold(%s, '[]')$$, (select id from holds where name = 'h1')),
  'LG001', 'ledger_violation', 'no settlement legs: LG001');
select throws_ok(format($$select app_private.settle_hold(%s, jsonb_build_array(
    jsonb_build_object('account_id', pg_temp.acct(920000000000000001, 920000000000000011), 'amount', 200)))$$, (select id from holds where name = 'h1')),
  'LG001', 'ledger_violation', 'a settlement leg into another guild: LG001');
select throws_ok(format($$select app_private.settle_hold(%s, jsonb_build_array(
    jsonb_build_object('account_id', pg_temp.acct(910000000000000001, 910000000000000012), 'amount', 0),
    jsonb_build_object('account_id', pg_temp.acct(910000000000000001, 910000000000000012), 'amount', 200)))$$, (select id from holds where name = 'h1')),
  'AM001', 'invalid_amount', 'a zero settlement leg: AM001');
select is(pg_temp.state(), (select state from snapshots where name = 'settle_refused'), 'refused settlements changed nothing');

select lives_ok(format($$select app_private.settle_hold(%s, jsonb_build_array(
    jsonb_build_object('account_id', pg_temp.acct(910000000000000001, 910000000000000012), 'amount', 150),
    jsonb_build_object('account_id', pg_temp.gacct(910000000000000001, 'fees'), 'amount', 50, 'reason', 'fee')))$$, (select id from holds where name = 'h1')),
  'settle h1: 150 to bob, 50 to fees');
select results_eq(
  $$select pg_temp.wallet(910000000000000001, 910000000000000012), pg_temp.bal(pg_temp.gacct(910000000000000001, 'fees')),
           pg_temp.bal(pg_temp.acct(910000000000000001, 910000000000000011, 'escrow')), pg_temp.wallet(910000000000000001, 910000000000000011)$$,
  $$values (450::bigint, 70::bigint, 100::bigint, 400::bigint)$$,
  'settlement pays bob and fees out of escrow (escrow keeps h2), wallet untouched');
select results_eq(
  $$select status::text, resolved_at is not null from app_public.transfers where id = (select id from holds where name = 'h1')$$,
  $$values ('posted', true)$$, 'the settled hold is posted and resolved');
select results_eq(
  $$select amount, reason, status::text, debit_account_id = pg_temp.acct(910000000000000001, 910000000000000011, 'escrow')
      from app_public.transfers where pending_id = (select id from holds where name = 'h1') order by amount$$,
  $$values (50::bigint, 'fee', 'posted', true), (150::bigint, 'order', 'posted', true)$$,
  'the settlement legs point at the hold and come out of escrow');
select results_eq($$select discord_id, app_public.users_lifetime_earned(users) as lifetime_earned, app_public.users_lifetime_spent(users) as lifetime_spent from app_public.users where guild_id = 910000000000000001 order by discord_id$$,
  $$values (910000000000000011::bigint, 1000::bigint, 500::bigint), (910000000000000012::bigint, 450::bigint, 0::bigint)$$,
  'settlement counts as spent for alice (200) and earned for bob (150)');
select is(pg_temp.error_as(null, null, null, null, format($$select app_private.settle_hold(%s, jsonb_build_array(
    jsonb_build_object('account_id', pg_temp.acct(910000000000000001, 910000000000000012), 'amount', 200)))$$, (select id from holds where name = 'h1'))),
  jsonb_build_object('code', 'LG002', 'key', 'hold_already_resolved', 'detail', jsonb_build_object('transfer', (select id from holds where name = 'h1'), 'status', 'posted')),
  'settling a settled hold again: LG002 with status posted');
select throws_ok(format($$select app_private.void_hold(%s)$$, (select id from holds where name = 'h1')),
  'LG002', 'hold_already_resolved', 'voiding a settled hold: LG002');

select lives_ok(format($$select app_private.void_hold(%s)$$, (select id from holds where name = 'h2')), 'void h2');
select results_eq($$select pg_temp.wallet(910000000000000001, 910000000000000011), pg_temp.bal(pg_temp.acct(910000000000000001, 910000000000000011, 'escrow'))$$,
  $$values (500::bigint, 0::bigint)$$, 'voiding returns the held funds to the wallet');
select results_eq(
  $$select h.status::text, h.resolved_at is not null, l.amount, l.debit_account_id = h.credit_account_id, l.credit_account_id = h.debit_account_id
      from app_public.transfers h join app_public.transfers l on l.pending_id = h.id where h.id = (select id from holds where name = 'h2')$$,
  $$values ('voided', true, 100::bigint, true, true)$$, 'the voided hold has one reverse leg for its full amount');
select results_eq($$select app_public.users_lifetime_earned(users) as lifetime_earned, app_public.users_lifetime_spent(users) as lifetime_spent from app_public.users where id = pg_temp.uid(910000000000000001, 910000000000000011)$$,
  $$values (1000::bigint, 500::bigint)$$, 'hold + void leave lifetime counters unchanged');
select throws_ok(format($$select app_private.void_hold(%s)$$, (select id from holds where name = 'h2')),
  'LG002', 'hold_already_resolved', 'voiding a voided hold: LG002');
select is(pg_temp.error_as(null, null, null, null, format($$select app_private.settle_hold(%s, jsonb_build_array(
    jsonb_build_object('account_id', pg_temp.acct(910000000000000001, 910000000000000012), 'amount', 100)))$$, (select id from holds where name = 'h2'))) -> 'detail' ->> 'status',
  'voided', 'settling a voided hold: LG002 with status voided');
select throws_ok(format($$select app_private.void_hold(%s)$$, (select min(id) from app_public.transfers where pending_id is not null)),
  'LG001', 'ledger_violation', 'voiding a settlement leg (not a hold): LG001');
select throws_ok(format($$select app_private.settle_hold(%s, jsonb_build_array(
    jsonb_build_object('account_id', pg_temp.acct(910000000000000001, 910000000000000011), 'amount', 50)))$$,
    (select min(id) from app_public.transfers where pending_id is not null)),
  'LG001', 'ledger_violation', 'settling a settlement leg (not a hold): LG001');
select throws_ok($$select app_private.settle_hold(-1, '[]')$$, 'LG001', 'ledger_violation', 'settling a missing transfer: LG001');
select throws_ok($$select app_private.void_hold((select id from app_public.transfers where reason = 'test_move'))$$,
  'LG001', 'ledger_violation', 'voiding a plain posted transfer (not a hold): LG001');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.settle_hold((select id from app_public.transfers where reason = 'test_move'),
    jsonb_build_array(jsonb_build_object('account_id', pg_temp.acct(910000000000000001, 910000000000000011), 'amount', 300)))$$),
  jsonb_build_object('code', 'LG001', 'key', 'ledger_violation',
    'detail', jsonb_build_object('why', 'not a hold', 'transfer', (select id from app_public.transfers where reason = 'test_move'))),
  'settling a plain posted transfer (no timeout_at): LG001 why = not a hold (not LG002)');

-- Expiry: a hold may be settled up to its timeout_at; after it, it may only be voided ----------
insert into holds values
  ('h3', app_private.hold(910000000000000001, pg_temp.uid(910000000000000001, 910000000000000011), 60, 'order', now() + interval '15 minutes')),
  ('h4', app_private.hold(910000000000000001, pg_temp.uid(910000000000000001, 910000000000000011), 40, 'order', now() + interval '15 minutes'));
insert into snapshots values ('expired', pg_temp.state());
select is(pg_temp.error_as(null, null, null, null, format($$select app_private.settle_hold(%s, jsonb_build_array(
    jsonb_build_object('account_id', pg_temp.acct(910000000000000001, 910000000000000012), 'amount', 60)), null, now() + interval '15 minutes 1 second')$$,
    (select id from holds where name = 'h3'))),
  jsonb_build_object('code', 'LG003', 'key', 'hold_expired',
    'detail', jsonb_build_object('transfer', (select id from holds where name = 'h3'), 'timeout_at', now() + interval '15 minutes')),
  'settling a hold 1 s after its timeout_at: LG003 hold_expired with the hold and its timeout');
select is(pg_temp.state(), (select state from snapshots where name = 'expired'), 'the refused settlement changed nothing (h3 is still pending)');
select lives_ok(format($$select app_private.void_hold(%s, 'expired', null, now() + interval '16 minutes')$$, (select id from holds where name = 'h3')),
  'an expired hold can still be voided');
select results_eq(
  $$select h.status::text, h.resolved_at, pg_temp.wallet(910000000000000001, 910000000000000011), pg_temp.bal(pg_temp.acct(910000000000000001, 910000000000000011, 'escrow'))
      from app_public.transfers h where h.id = (select id from holds where name = 'h3')$$,
  $$values ('voided', now() + interval '16 minutes', 460::bigint, 40::bigint)$$,
  'the expired hold is voided at the given time and its 60 coins are back in the wallet (h4 stays in escrow)');
select lives_ok(format($$select app_private.settle_hold(%s, jsonb_build_array(
    jsonb_build_object('account_id', pg_temp.acct(910000000000000001, 910000000000000012), 'amount', 40)), null, now() + interval '15 minutes')$$,
    (select id from holds where name = 'h4')),
  'a hold can still be settled exactly at its timeout_at');
select results_eq(
  $$select (select status::text from app_public.transfers where id = (select id from holds where name = 'h4')),
           pg_temp.wallet(910000000000000001, 910000000000000012), pg_temp.bal(pg_temp.acct(910000000000000001, 910000000000000011, 'escrow')),
           (select app_public.users_lifetime_spent(users) as lifetime_spent from app_public.users where id = pg_temp.uid(910000000000000001, 910000000000000011))$$,
  $$values ('posted', 490::bigint, 0::bigint, 540::bigint)$$, 'h4 is settled: bob 450 -> 490, escrow empty, alice has spent 540');

-- Locks: the resolution of a hold locks every member it touches, before the hold itself ----------
-- gina ...021 and jay ...024 get holds posted directly (post_transfer takes no member lock); hal ...022 is paid by a leg.
do $$ begin
  perform app_private.ensure_member(910000000000000001, 910000000000000021, 'gina');
  perform app_private.ensure_member(910000000000000001, 910000000000000022, 'hal');
  perform app_private.ensure_member(910000000000000001, 910000000000000024, 'jay');
  perform app_private.post_transfer(910000000000000001, pg_temp.gacct(910000000000000001, 'mint'), pg_temp.acct(910000000000000001, 910000000000000021), 100, 'test_mint');
  perform app_private.post_transfer(910000000000000001, pg_temp.gacct(910000000000000001, 'mint'), pg_temp.acct(910000000000000001, 910000000000000024), 100, 'test_mint');
end $$;
insert into holds values
  ('hg', app_private.post_transfer(910000000000000001, pg_temp.acct(910000000000000001, 910000000000000021),
           pg_temp.acct(910000000000000001, 910000000000000021, 'escrow'), 40, 'order', null, 'pending', null, now() + interval '15 minutes')),
  ('hj', app_private.post_transfer(910000000000000001, pg_temp.acct(910000000000000001, 910000000000000024),
           pg_temp.acct(910000000000000001, 910000000000000024, 'escrow'), 30, 'order', null, 'pending', null, now() + interval '15 minutes'));
select case when pg_temp.has_rowlocks()
  then is(pg_temp.member_locks(array[910000000000000021, 910000000000000022, 910000000000000024]), '{}'::bigint[],
          'gina, hal and jay are not locked yet')
  else skip('pgrowlocks is not available', 1) end;
do $$ begin
  perform app_private.lock_hold((select id from holds where name = 'hg'),
    jsonb_build_array(jsonb_build_object('account_id', pg_temp.acct(910000000000000001, 910000000000000022), 'amount', 40)));
end $$;
select case when pg_temp.has_rowlocks()
  then is(pg_temp.member_locks(array[910000000000000021, 910000000000000022, 910000000000000024]), array[910000000000000021, 910000000000000022]::bigint[],
          'lock_hold locks the hold''s member (gina) and the member a settlement leg pays (hal), nobody else')
  else skip('pgrowlocks is not available', 1) end;
do $$ begin perform app_private.void_hold((select id from holds where name = 'hj')); end $$;
select case when pg_temp.has_rowlocks()
  then is(pg_temp.member_locks(array[910000000000000024]), array[910000000000000024]::bigint[], 'void_hold locks the hold''s member (jay)')
  else skip('pgrowlocks is not available', 1) end;

-- Lifetime counters are in coins: value of another currency crossing owners leaves them alone ---
-- alice and bob get MCD wallets (a member account of another currency, created as the superuser); MCD comes in from the
-- guild's MCD external account and alice pays bob in MCD.
create function pg_temp.mcd(p_discord bigint) returns bigint language sql as $$
  select a.id from app_public.accounts a join app_public.users u on u.id = a.user_id
   where u.guild_id = 910000000000000001 and u.discord_id = p_discord and a.currency = 'MCD' and a.kind = 'wallet' $$;
insert into app_public.accounts (guild_id, user_id, currency, kind) values
  (910000000000000001, pg_temp.uid(910000000000000001, 910000000000000011), 'MCD', 'wallet'),
  (910000000000000001, pg_temp.uid(910000000000000001, 910000000000000012), 'MCD', 'wallet');
create temp table lifetime_before as
  select id, app_public.users_lifetime_earned(users) as lifetime_earned, app_public.users_lifetime_spent(users) as lifetime_spent from app_public.users where guild_id = 910000000000000001;
select lives_ok($$select app_private.post_transfer(910000000000000001, pg_temp.gacct(910000000000000001, 'external', 'MCD'),
    pg_temp.mcd(910000000000000011), 500, 'test_mcd'), app_private.post_transfer(910000000000000001, pg_temp.mcd(910000000000000011),
    pg_temp.mcd(910000000000000012), 200, 'test_mcd')$$,
  'MCD moves: external -> alice''s MCD wallet (500), alice -> bob (200)');
select results_eq($$select pg_temp.bal(pg_temp.mcd(910000000000000011)), pg_temp.bal(pg_temp.mcd(910000000000000012)),
                           pg_temp.bal(pg_temp.gacct(910000000000000001, 'external', 'MCD'))$$,
  $$values (300::bigint, 200::bigint, -500::bigint)$$, 'the MCD balances moved (alice 300, bob 200, the external account -500)');
select is_empty($$select u.id from app_public.users u join lifetime_before b on b.id = u.id
                   where (app_public.users_lifetime_earned(u), app_public.users_lifetime_spent(u)) is distinct from (b.lifetime_earned, b.lifetime_spent)$$,
  'lifetime counters only count COIN: the MCD that crossed between owners changed no member''s lifetime_earned / lifetime_spent');
select is_empty($$select * from app_public.verify_ledger(910000000000000001) where invariant = 'lifetime_counters_match'$$,
  'and verify_ledger''s lifetime_counters_match only counts COIN transfers (the MCD flows are not expected in the counters)');

-- The ledger is healthy after all of this ----------------------------------------------------
select is_empty($$select * from app_public.verify_ledger()$$, 'verify_ledger finds nothing after every primitive');
select is_empty($$select guild_id, currency from app_public.accounts group by 1, 2 having sum(balance) <> 0$$,
  'per guild and currency the balances sum to zero');
select * from finish();
rollback;
