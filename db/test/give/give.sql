begin;
select plan(42);
\ir ../lib/helpers.psql
-- Fixtures. Guild A = 910000000000000001: alice ...011 (1000 coins), bob ...012, fred ...013 (frozen),
-- dave ...014 (100 coins), eve ...015 (also a member of guild B). Guild B = 920000000000000001: carol ...011, eve.
do $$
begin
  perform app_private.ensure_guild(910000000000000001, 'Give guild A');
  perform app_private.ensure_guild(920000000000000001, 'Give guild B');
  perform app_private.ensure_member(910000000000000001, 910000000000000011, 'alice');
  perform app_private.ensure_member(910000000000000001, 910000000000000012, 'bob');
  perform app_private.ensure_member(910000000000000001, 910000000000000013, 'fred');
  perform app_private.ensure_member(910000000000000001, 910000000000000014, 'dave');
  perform app_private.ensure_member(910000000000000001, 910000000000000015, 'eve');
  perform app_private.ensure_member(920000000000000001, 920000000000000011, 'carol');
  perform app_private.ensure_member(920000000000000001, 910000000000000015, 'eve');
  perform app_private.post_transfer(910000000000000001, pg_temp.gacct(910000000000000001, 'mint'), pg_temp.acct(910000000000000001, 910000000000000011), 1000, 'test_mint');
  perform app_private.post_transfer(910000000000000001, pg_temp.gacct(910000000000000001, 'mint'), pg_temp.acct(910000000000000001, 910000000000000014), 100, 'test_mint');
  update app_public.users set frozen = true where guild_id = 910000000000000001 and discord_id = 910000000000000013;
end $$;
-- give as a member of guild A
create function pg_temp.give_as(p_from bigint, p_to bigint, p_amount bigint, p_key text) returns jsonb
language sql as $$
  select pg_temp.rows_as('coins_player', 910000000000000001, p_from, null,
    format('select * from app_public.give(%s, %s, %L)', coalesce(p_to::text, 'null'), coalesce(p_amount::text, 'null'), p_key)) -> 0 $$;
create function pg_temp.give_error(p_from bigint, p_to bigint, p_amount bigint, p_key text) returns jsonb
language sql as $$
  select pg_temp.error_as('coins_player', 910000000000000001, p_from, null,
    format('select * from app_public.give(%s, %s, %L)', coalesce(p_to::text, 'null'), coalesce(p_amount::text, 'null'), p_key)) $$;
create temp table receipts (name text primary key, r jsonb);

-- A give moves coins -----------------------------------------------------------------------------------
insert into receipts values ('g1', pg_temp.give_as(910000000000000011, 910000000000000012, 100, 'g-1'));
select results_eq($$select (r->>'amount')::bigint, (r->>'to_discord_id')::bigint, (r->>'balance')::bigint, (r->>'created_at')::timestamptz,
                           r->>'tx_id' is not null, r->>'transfer_id' is not null from receipts where name = 'g1'$$,
  $$values (100::bigint, 910000000000000012::bigint, 900::bigint, now(), true, true)$$,
  'give returns a receipt: amount, recipient, the sender''s new balance');
select results_eq($$select pg_temp.wallet(910000000000000001, 910000000000000011), pg_temp.wallet(910000000000000001, 910000000000000012)$$,
  $$values (900::bigint, 100::bigint)$$, 'alice 1000 -> 900, bob 0 -> 100');
select results_eq(
  $$select t.type::text, t.actor_id, t.user_id = pg_temp.uid(910000000000000001, 910000000000000011), t.counterparty_id = pg_temp.uid(910000000000000001, 910000000000000012),
           t.amount, t.reason, t.meta, tr.id = (r->>'transfer_id')::bigint, tr.reason,
           tr.debit_account_id = pg_temp.acct(910000000000000001, 910000000000000011), tr.credit_account_id = pg_temp.acct(910000000000000001, 910000000000000012)
      from receipts, app_public.transactions t join app_public.transfers tr on tr.tx_id = t.tx_id
     where name = 'g1' and t.tx_id = (r->>'tx_id')::uuid$$,
  $$values ('spend', 910000000000000011::bigint, true, true, 100::bigint, 'give', '{"to_discord_id": "910000000000000012"}'::jsonb,
            true, 'give', true, true)$$,
  'one spend transaction (sender, counterparty; meta = the recipient as text, no idempotency key) and one wallet -> wallet transfer');
select results_eq($$select discord_id, app_public.users_lifetime_earned(users) as lifetime_earned, app_public.users_lifetime_spent(users) as lifetime_spent from app_public.users
                     where guild_id = 910000000000000001 and discord_id in (910000000000000011, 910000000000000012) order by 1$$,
  $$values (910000000000000011::bigint, 1000::bigint, 100::bigint), (910000000000000012::bigint, 100::bigint, 0::bigint)$$,
  'lifetime_spent of the sender and lifetime_earned of the recipient grow by the amount');
insert into receipts values ('e1', pg_temp.give_as(910000000000000011, 910000000000000015, 10, 'g-eve'));
select results_eq($$select pg_temp.wallet(910000000000000001, 910000000000000015), pg_temp.wallet(920000000000000001, 910000000000000015)$$,
  $$values (10::bigint, 0::bigint)$$, 'a member of two guilds is paid in the sender''s guild only');

-- Refusals -------------------------------------------------------------------------------------------------
insert into snapshots values ('refusals', pg_temp.state());
select throws_ok($$select pg_temp.give_as(910000000000000011, 910000000000000011, 5, 'r-1')$$, 'TR001', 'self_transfer', 'give to oneself: TR001');
select throws_ok($$select pg_temp.give_as(910000000000000011, 910000000000000012, 0, 'r-2')$$, 'AM001', 'invalid_amount', 'amount 0: AM001');
select throws_ok($$select pg_temp.give_as(910000000000000011, 910000000000000012, -5, 'r-3')$$, 'AM001', 'invalid_amount', 'amount -5: AM001');
select throws_ok($$select pg_temp.give_as(910000000000000011, 910000000000000012, null, 'r-4')$$, 'AM001', 'invalid_amount', 'amount null: AM001');
select is(pg_temp.give_error(910000000000000011, 910000000000000099, 5, 'r-5'),
  '{"code": "MB002", "key": "member_not_found", "detail": {"discord_id": "910000000000000099"}}'::jsonb, 'unknown recipient: MB002 with its discord_id (as a string: snowflakes exceed JavaScript''s safe integers)');
select throws_ok($$select pg_temp.give_as(910000000000000011, 920000000000000011, 5, 'r-6')$$, 'MB002', 'member_not_found',
  'a member of another guild is not found: MB002');
select throws_ok($$select pg_temp.give_as(910000000000000013, 910000000000000012, 5, 'r-7')$$, 'FZ001', 'account_frozen', 'frozen sender: FZ001');
select is(pg_temp.give_error(910000000000000011, 910000000000000013, 5, 'r-8'),
  '{"code": "FZ002", "key": "recipient_frozen", "detail": {"discord_id": "910000000000000013"}}'::jsonb, 'frozen recipient: FZ002 with its discord_id (as a string)');
select is(pg_temp.give_error(910000000000000011, 910000000000000012, 100000, 'r-9'),
  '{"code": "NF001", "key": "insufficient_funds", "detail": {"needed": 100000, "available": 890, "currency": "COIN"}}'::jsonb, 'overdraft: NF001 needed/available');
select throws_ok($$select pg_temp.give_as(910000000000000011, 910000000000000012, 5, null)$$, 'IK002', 'idempotency_key_invalid', 'missing key: IK002');
select throws_ok($$select pg_temp.give_as(910000000000000011, 910000000000000012, 5, '')$$, 'IK002', 'idempotency_key_invalid', 'empty key: IK002');
select throws_ok($$select pg_temp.give_as(910000000000000011, 910000000000000012, 5, repeat('k', 256))$$, 'IK002', 'idempotency_key_invalid', '256-character key: IK002');
select throws_ok($$select pg_temp.give_as(910000000000000098, 910000000000000012, 5, 'r-10')$$, 'MB001', 'member_not_registered', 'caller not registered: MB001');
select throws_ok($$select pg_temp.run_as('coins_player', null, null, null, $q$select app_public.give(910000000000000012, 5, 'r-11')$q$)$$,
  'AU001', 'not_authenticated', 'no claims: AU001');
select is(pg_temp.state(), (select state from snapshots where name = 'refusals'), 'refused gives changed nothing (balances, rows, keys)');

-- Idempotency ------------------------------------------------------------------------------------------------
insert into snapshots values ('replay', pg_temp.state());
insert into receipts values ('g1-replay', pg_temp.give_as(910000000000000011, 910000000000000012, 100, 'g-1'));
select is((select r from receipts where name = 'g1-replay'), (select r from receipts where name = 'g1'),
  'the same key and request returns the first receipt (same tx_id, transfer_id, balance 900)');
select is(pg_temp.state(), (select state from snapshots where name = 'replay'), 'the replay moved nothing');
select is(pg_temp.give_error(910000000000000011, 910000000000000012, 101, 'g-1'),
  '{"code": "IK001", "key": "idempotency_key_reused", "detail": {"key": "g-1"}}'::jsonb, 'same key, different amount: IK001');
select throws_ok($$select pg_temp.give_as(910000000000000011, 910000000000000014, 100, 'g-1')$$, 'IK001', 'idempotency_key_reused',
  'same key, different recipient: IK001');
select throws_ok($$select pg_temp.give_as(910000000000000011, 910000000000000012, 5000, 'g-2')$$, 'NF001', 'insufficient_funds', 'a refused give (NF001) ...');
select is((pg_temp.give_as(910000000000000011, 910000000000000012, 5, 'g-2') ->> 'amount')::bigint, 5::bigint,
  '... did not consume its key: the key then serves a different, valid request');

-- Rate limit (default 5 gives per 60 s), at explicit times ------------------------------------------------------
create function pg_temp.give_at(p_from bigint, p_to bigint, p_amount bigint, p_key text, p_at timestamptz) returns app_public.give_receipt
language sql as $$ select * from app_private.give_from(pg_temp.uid(910000000000000001, p_from), p_to, p_amount, p_key, p_at) $$;
select lives_ok($$select pg_temp.give_at(910000000000000014, 910000000000000012, 1, 'rl-' || s, '2031-01-01 12:00:00+00'::timestamptz + make_interval(secs => s))
                    from generate_series(0, 4) s$$, 'five gives within 5 s are accepted');
insert into snapshots values ('rate', pg_temp.state());
select is(pg_temp.error_as(null, null, null, null, $$select pg_temp.give_at(910000000000000014, 910000000000000012, 1, 'rl-5', '2031-01-01 12:00:05+00')$$),
  '{"code": "RL001", "key": "rate_limited", "detail": {"limit": 5, "window_s": 60, "retry_after_s": 55}}'::jsonb,
  'the 6th give within 60 s (at +5 s): RL001 limit 5, window 60 s, retry after 55 s (when the give at +0 s leaves the window)');
select is(pg_temp.error_as(null, null, null, null, $$select pg_temp.give_at(910000000000000014, 910000000000000012, 1, 'rl-6', '2031-01-01 12:00:59+00')$$),
  '{"code": "RL001", "key": "rate_limited", "detail": {"limit": 5, "window_s": 60, "retry_after_s": 1}}'::jsonb,
  'still limited 59 s after the first give, with retry_after_s 1');
select is(pg_temp.state(), (select state from snapshots where name = 'rate'), 'rate-limited gives changed nothing');
select is((select (g).transfer_id from (select pg_temp.give_at(910000000000000014, 910000000000000012, 1, 'rl-0', '2031-01-01 12:00:10+00') g) s),
  (select max(id) from app_public.transfers where reason = 'give' and created_at = '2031-01-01 12:00:00+00'),
  'a replay is answered from its key even while rate-limited');
select lives_ok($$select pg_temp.give_at(910000000000000012, 910000000000000014, 1, 'rl-bob', '2031-01-01 12:00:05+00')$$,
  'the limit is per sender: bob may give while dave is limited');
select is((pg_temp.give_at(910000000000000014, 910000000000000012, 1, 'rl-7', '2031-01-01 12:01:00+00')).amount, 1::bigint,
  '60 s after the first give the window has room again');
select throws_ok($$select pg_temp.give_at(910000000000000014, 910000000000000012, 1, 'rl-8', '2031-01-01 12:01:00.5+00')$$,
  'RL001', 'rate_limited', 'and it is full again with that give');
-- retry_after_s is exact: the seconds until the give_rate_limit-th most recent give leaves the window.
select lives_ok($$select pg_temp.give_at(910000000000000011, 910000000000000012, 1, 'rx-' || s, '2031-01-03 12:00:00+00'::timestamptz + make_interval(secs => s))
                    from generate_series(0, 40, 10) s$$, 'alice gives at t, t+10, t+20, t+30 and t+40 s');
select is(pg_temp.error_as(null, null, null, null, $$select pg_temp.give_at(910000000000000011, 910000000000000012, 1, 'rx-45', '2031-01-03 12:00:45+00')$$) -> 'detail',
  '{"limit": 5, "window_s": 60, "retry_after_s": 15}'::jsonb, 'a give at t+45 s: RL001 retry_after_s 15 (the give at t leaves the window at t+60 s)');
select is((pg_temp.give_at(910000000000000011, 910000000000000012, 1, 'rx-60', '2031-01-03 12:01:00+00')).amount, 1::bigint,
  'retrying retry_after_s later (t+60 s) is accepted');
update app_public.guild_settings set give_rate_limit = 2, give_rate_window_s = 10 where guild_id = 910000000000000001;
select lives_ok($$select pg_temp.give_at(910000000000000014, 910000000000000012, 1, 'rs-' || s, '2031-01-02 12:00:00+00'::timestamptz + make_interval(secs => s))
                    from generate_series(0, 1) s$$, 'with give_rate_limit 2 / 10 s two gives are accepted');
select is(pg_temp.error_as(null, null, null, null, $$select pg_temp.give_at(910000000000000014, 910000000000000012, 1, 'rs-2', '2031-01-02 12:00:02+00')$$) -> 'detail',
  '{"limit": 2, "window_s": 10, "retry_after_s": 8}'::jsonb, 'the third (at +2 s): RL001 with the guild''s limit and window, retry after 8 s');
select lives_ok($$select pg_temp.give_at(910000000000000014, 910000000000000012, 1, 'rs-3', '2031-01-02 12:00:10+00')$$,
  '10 s later it is accepted again');
select is((select count(*) from app_public.transfers where reason = 'give' and debit_account_id = pg_temp.acct(910000000000000001, 910000000000000014)),
  9::bigint, 'dave made exactly the 9 accepted gives; refused ones left no transfer');
select is_empty($$select * from app_public.verify_ledger(910000000000000001)$$, 'the ledger is healthy');
select * from finish();
rollback;
