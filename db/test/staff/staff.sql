begin;
select plan(81);
\ir ../lib/helpers.psql
-- Fixtures. Guild A = 910000000000000001: alice ...011 (100 coins), bob ...012; staff member ...090.
-- Guild B = 920000000000000001: carol ...011 (50 coins); staff member ...090.
do $$
begin
  perform app_private.ensure_guild(910000000000000001, 'Staff guild A');
  perform app_private.ensure_guild(920000000000000001, 'Staff guild B');
  perform app_private.ensure_member(910000000000000001, 910000000000000011, 'alice');
  perform app_private.ensure_member(910000000000000001, 910000000000000012, 'bob');
  perform app_private.ensure_member(920000000000000001, 920000000000000011, 'carol');
  perform app_private.post_transfer(910000000000000001, pg_temp.gacct(910000000000000001, 'mint'), pg_temp.acct(910000000000000001, 910000000000000011), 100, 'test_mint');
  perform app_private.post_transfer(920000000000000001, pg_temp.gacct(920000000000000001, 'mint'), pg_temp.acct(920000000000000001, 920000000000000011), 50, 'test_mint');
end $$;
-- p_sql as staff of guild A (actor 910000000000000090) with the given staff role
create function pg_temp.staff_a(p_role text, p_sql text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, p_role, p_sql) -> 0 $$;
create function pg_temp.staff_a_error(p_role text, p_sql text) returns jsonb language sql as $$
  select pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, p_role, p_sql) $$;
create function pg_temp.frozen(p_guild bigint, p_discord bigint) returns boolean language sql as $$
  select frozen from app_public.users where guild_id = p_guild and discord_id = p_discord $$;

-- admin_adjust: role matrix ---------------------------------------------------------------------------------
create temp table adjust_matrix (ord int, staff_role text, allowed boolean);
insert into adjust_matrix values (1, 'SUPERADMIN', true), (2, 'ADMIN', true), (3, 'OPERATOR', true), (4, 'SUPPORT', false), (5, 'AUDITOR', false);
create function pg_temp.run_adjust_matrix() returns setof text language plpgsql as $$
declare
  r record;
  v_before bigint;
  v_sql text;
begin
  for r in select * from adjust_matrix order by ord loop
    v_before := pg_temp.wallet(910000000000000001, 910000000000000011);
    v_sql := format($f$select pg_temp.staff_a(%L, 'select * from app_public.admin_adjust(910000000000000011, 10, ''role matrix'')')$f$, r.staff_role);
    if r.allowed then
      return next lives_ok(v_sql, format('admin_adjust as %s is allowed', r.staff_role));
      return next is(pg_temp.wallet(910000000000000001, 910000000000000011), v_before + 10, format('... and %s credited 10 coins', r.staff_role));
    else
      return next throws_ok(v_sql, 'PD001', 'permission_denied', format('admin_adjust as %s: PD001', r.staff_role));
      return next is(pg_temp.wallet(910000000000000001, 910000000000000011), v_before, format('... and %s changed nothing', r.staff_role));
    end if;
  end loop;
end $$;
select * from pg_temp.run_adjust_matrix();
select is(pg_temp.staff_a_error('SUPPORT', $$select app_public.admin_adjust(910000000000000011, 10, 'role matrix')$$) -> 'detail',
  '{"role": "SUPPORT", "required": ["SUPERADMIN", "ADMIN", "OPERATOR"]}'::jsonb, 'PD001 detail names the required roles and the caller''s role');
select throws_ok($$select pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, null, $q$select app_public.admin_adjust(910000000000000011, 10, 'no role')$q$)$$,
  'PD001', 'permission_denied', 'coins_staff without a staff_role claim: PD001');
select throws_ok($$select pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'BOGUS', $q$select app_public.admin_adjust(910000000000000011, 10, 'bad role')$q$)$$,
  null::char(5), null, 'coins_staff with an unknown staff_role claim is refused');
select throws_ok($$select pg_temp.run_as('coins_player', 910000000000000001, 910000000000000011, 'SUPERADMIN', $q$select app_public.admin_adjust(910000000000000011, 10, 'player')$q$)$$,
  '42501', null, 'coins_player with app.staff_role = SUPERADMIN cannot even call admin_adjust (42501, function not granted)');
select is((pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, 'SUPERADMIN', 'select app_public.current_staff_role() r') -> 0 ->> 'r'), null,
  'the app.staff_role claim is not honoured for coins_player (current_staff_role() is null)');
select throws_ok($$select pg_temp.claims(null, 910000000000000001, 910000000000000090, 'SUPERADMIN'), app_public.admin_adjust(910000000000000011, 10, 'not staff')$$,
  'PD001', 'permission_denied', 'the function itself refuses a staff_role claim outside coins_staff: PD001');
select throws_ok($$select pg_temp.run_as('coins_listener', 910000000000000001, 910000000000000090, 'ADMIN', $q$select app_public.admin_adjust(910000000000000011, 10, 'listener')$q$)$$,
  '42501', null, 'coins_listener cannot call admin_adjust (42501)');
select throws_ok($$select pg_temp.run_as('coins_worker', 910000000000000001, 910000000000000090, 'ADMIN', $q$select app_public.admin_adjust(910000000000000011, 10, 'worker')$q$)$$,
  '42501', null, 'coins_worker cannot call admin_adjust (42501)');

-- admin_adjust: effects and audit ----------------------------------------------------------------------------------
-- alice has 130 after the matrix (100 + 3 x 10)
create temp table actions (name text primary key, a jsonb);
insert into actions values ('credit', pg_temp.staff_a('ADMIN', $$select * from app_public.admin_adjust(910000000000000011, 50, 'event prize')$$));
select results_eq(
  $$select (a->>'guild_id')::bigint, (a->>'actor_id')::bigint, a->>'actor_role', a->>'action', a->>'subject_type', a->>'subject_id', a->>'reason',
           (a->'before'->>'wallet_balance')::bigint, (a->'after'->>'wallet_balance')::bigint, a->'after' ? 'tx_id'
      from actions where name = 'credit'$$,
  $$values (910000000000000001::bigint, 910000000000000090::bigint, 'ADMIN', 'adjust_balance', 'user', '910000000000000011', 'event prize',
            130::bigint, 180::bigint, true)$$,
  'admin_adjust returns its admin_actions row: actor, role, subject, reason, wallet before 130 / after 180');
select is((select to_jsonb(x) from app_public.admin_actions x where id = (select (a->>'id')::bigint from actions where name = 'credit')),
  (select a from actions where name = 'credit'), 'the returned row is the stored audit row');
select results_eq(
  $$select t.type::text, t.reason, t.amount, t.actor_id, t.meta, tr.debit_account_id = pg_temp.gacct(910000000000000001, 'mint'),
           tr.credit_account_id = pg_temp.acct(910000000000000001, 910000000000000011)
      from actions, app_public.transactions t join app_public.transfers tr on tr.tx_id = t.tx_id
     where name = 'credit' and t.tx_id = (a->'after'->>'tx_id')::uuid$$,
  $$values ('earn', 'admin_adjust', 50::bigint, 910000000000000090::bigint, '{"delta": 50, "actor_role": "ADMIN"}'::jsonb, true, true)$$,
  'a credit writes an earn transaction (meta = actor_role and delta; the reason stays in admin_actions) and a mint -> wallet transfer');
insert into actions values ('debit', pg_temp.staff_a('OPERATOR', $$select * from app_public.admin_adjust(910000000000000011, -30, 'chargeback')$$));
select results_eq(
  $$select a->>'actor_role', (a->'before'->>'wallet_balance')::bigint, (a->'after'->>'wallet_balance')::bigint, t.type::text, t.amount,
           tr.debit_account_id = pg_temp.acct(910000000000000001, 910000000000000011), tr.credit_account_id = pg_temp.gacct(910000000000000001, 'mint')
      from actions, app_public.transactions t join app_public.transfers tr on tr.tx_id = t.tx_id
     where name = 'debit' and t.tx_id = (a->'after'->>'tx_id')::uuid$$,
  $$values ('OPERATOR', 180::bigint, 150::bigint, 'spend', 30::bigint, true, true)$$,
  'a debit burns back to the mint: spend transaction, wallet 180 -> 150');
select results_eq($$select app_public.users_lifetime_earned(users) as lifetime_earned, app_public.users_lifetime_spent(users) as lifetime_spent from app_public.users where id = pg_temp.uid(910000000000000001, 910000000000000011)$$,
  $$values (180::bigint, 30::bigint)$$, 'credits count as earned, debits as spent');

insert into snapshots values ('adjust_refusals', pg_temp.state());
select is(pg_temp.staff_a_error('ADMIN', $$select app_public.admin_adjust(910000000000000011, -151, 'too much')$$),
  '{"code": "NF001", "key": "insufficient_funds", "detail": {"needed": 151, "available": 150, "currency": "COIN"}}'::jsonb, 'a debit beyond the wallet: NF001');
select throws_ok($$select pg_temp.staff_a('ADMIN', $q$select app_public.admin_adjust(910000000000000011, 0, 'zero')$q$)$$,
  'AM001', 'invalid_amount', 'delta 0: AM001');
select throws_ok($$select pg_temp.staff_a('ADMIN', $q$select app_public.admin_adjust(910000000000000011, null, 'null delta')$q$)$$,
  'AM001', 'invalid_amount', 'delta null: AM001');
select throws_ok($$select pg_temp.staff_a('ADMIN', $q$select app_public.admin_adjust(910000000000000011, 5, null)$q$)$$,
  'RS001', 'reason_required', 'reason missing: RS001');
select throws_ok($$select pg_temp.staff_a('ADMIN', $q$select app_public.admin_adjust(910000000000000011, 5, 'ab')$q$)$$,
  'RS001', 'reason_required', 'reason of 2 characters: RS001');
select throws_ok($$select pg_temp.staff_a('ADMIN', $q$select app_public.admin_adjust(910000000000000011, 5, '   ab    ')$q$)$$,
  'RS001', 'reason_required', 'reason of 2 characters padded with blanks: RS001');
select throws_ok($$select pg_temp.staff_a('ADMIN', format('select app_public.admin_adjust(910000000000000011, 5, %L)', repeat('x', 501)))$$,
  'VL001', 'invalid_argument', 'reason over 500 characters: VL001');
select is(pg_temp.staff_a_error('ADMIN', $$select app_public.admin_adjust(910000000000000099, 5, 'nobody')$$),
  '{"code": "MB002", "key": "member_not_found", "detail": {"discord_id": "910000000000000099"}}'::jsonb, 'unknown member: MB002 (discord_id as a string)');
select throws_ok($$select pg_temp.staff_a('SUPERADMIN', $q$select app_public.admin_adjust(920000000000000011, 5, 'other guild')$q$)$$,
  'MB002', 'member_not_found', 'staff of guild A cannot adjust a member of guild B: MB002');
select throws_ok($$select pg_temp.run_as('coins_staff', 910000000000000001, null, 'ADMIN', $q$select app_public.admin_adjust(910000000000000011, 5, 'no actor')$q$)$$,
  'AU001', 'not_authenticated', 'staff without a discord_id claim: AU001');
select is(pg_temp.state(), (select state from snapshots where name = 'adjust_refusals'), 'refused adjustments changed nothing (no audit row either)');
select is(pg_temp.wallet(920000000000000001, 920000000000000011), 50::bigint, 'carol''s balance in guild B is untouched');

insert into actions values ('k1', pg_temp.staff_a('ADMIN', $$select * from app_public.admin_adjust(910000000000000011, 7, 'bonus', 'adj-1')$$));
insert into actions values ('k2', pg_temp.staff_a('ADMIN', $$select * from app_public.admin_adjust(910000000000000011, 7, 'bonus', 'adj-1')$$));
select is((select a from actions where name = 'k2'), (select a from actions where name = 'k1'), 'admin_adjust with a replayed key returns the first audit row');
select is(pg_temp.wallet(910000000000000001, 910000000000000011), 157::bigint, '... and credits only once (150 + 7)');
select throws_ok($$select pg_temp.staff_a('ADMIN', $q$select app_public.admin_adjust(910000000000000011, 8, 'bonus', 'adj-1')$q$)$$,
  'IK001', 'idempotency_key_reused', 'same key, different delta: IK001');

-- freeze_user / unfreeze_user: role matrix ----------------------------------------------------------------------------
create temp table freeze_matrix (ord int, staff_role text, may_freeze boolean, may_unfreeze boolean);
insert into freeze_matrix values (1, 'SUPERADMIN', true, true), (2, 'ADMIN', true, true), (3, 'OPERATOR', true, true),
  (4, 'SUPPORT', true, false), (5, 'AUDITOR', false, false);
create function pg_temp.run_freeze_matrix() returns setof text language plpgsql as $$
declare
  r record;
  v_freeze text;
  v_unfreeze text;
begin
  for r in select * from freeze_matrix order by ord loop
    v_freeze := format($f$select pg_temp.staff_a(%L, 'select * from app_public.freeze_user(910000000000000012, ''matrix freeze'')')$f$, r.staff_role);
    v_unfreeze := format($f$select pg_temp.staff_a(%L, 'select * from app_public.unfreeze_user(910000000000000012, ''matrix unfreeze'')')$f$, r.staff_role);
    if r.may_freeze then
      return next lives_ok(v_freeze, format('freeze_user as %s is allowed', r.staff_role));
      return next is(pg_temp.frozen(910000000000000001, 910000000000000012), true, format('... bob is frozen by %s', r.staff_role));
    else
      return next throws_ok(v_freeze, 'PD001', 'permission_denied', format('freeze_user as %s: PD001', r.staff_role));
      return next is(pg_temp.frozen(910000000000000001, 910000000000000012), false, format('... bob is still not frozen after %s', r.staff_role));
      update app_public.users set frozen = true where id = pg_temp.uid(910000000000000001, 910000000000000012);
    end if;
    if r.may_unfreeze then
      return next lives_ok(v_unfreeze, format('unfreeze_user as %s is allowed', r.staff_role));
      return next is(pg_temp.frozen(910000000000000001, 910000000000000012), false, format('... bob is unfrozen by %s', r.staff_role));
    else
      return next throws_ok(v_unfreeze, 'PD001', 'permission_denied', format('unfreeze_user as %s: PD001', r.staff_role));
      return next is(pg_temp.frozen(910000000000000001, 910000000000000012), true, format('... bob is still frozen after %s', r.staff_role));
      update app_public.users set frozen = false where id = pg_temp.uid(910000000000000001, 910000000000000012);
    end if;
  end loop;
end $$;
select * from pg_temp.run_freeze_matrix();

-- freeze_user / unfreeze_user: effects and refusals -------------------------------------------------------------------
insert into actions values ('freeze', pg_temp.staff_a('SUPPORT', $$select * from app_public.freeze_user(910000000000000011, 'suspicious trades')$$));
select results_eq(
  $$select a->>'action', a->>'actor_role', a->>'subject_id', a->>'reason', (a->'before'->>'frozen')::boolean, (a->'after'->>'frozen')::boolean,
           t.type::text, t.amount, t.reason, t.meta
      from actions, app_public.transactions t where name = 'freeze' and t.tx_id = (a->'after'->>'tx_id')::uuid$$,
  $$values ('freeze_user', 'SUPPORT', '910000000000000011', 'suspicious trades', false, true,
            'flag', 0::bigint, 'freeze', '{"actor_role": "SUPPORT"}'::jsonb)$$,
  'freeze_user audits before/after and the reason, and writes a flag transaction whose meta is only the actor_role');
insert into snapshots values ('freeze_refusals', pg_temp.state());
select is(pg_temp.staff_a_error('ADMIN', $$select app_public.freeze_user(910000000000000011, 'again')$$),
  '{"code": "FZ003", "key": "already_frozen", "detail": {"discord_id": "910000000000000011"}}'::jsonb, 'freezing a frozen member: FZ003 (discord_id as a string)');
select is(pg_temp.staff_a_error('ADMIN', $$select app_public.unfreeze_user(910000000000000012, 'not frozen')$$),
  '{"code": "FZ004", "key": "not_frozen", "detail": {"discord_id": "910000000000000012"}}'::jsonb, 'unfreezing a member who is not frozen: FZ004 (discord_id as a string)');
select throws_ok($$select pg_temp.staff_a('ADMIN', $q$select app_public.freeze_user(910000000000000012, 'no')$q$)$$,
  'RS001', 'reason_required', 'freeze without a real reason: RS001');
select throws_ok($$select pg_temp.staff_a('ADMIN', $q$select app_public.freeze_user(920000000000000011, 'other guild')$q$)$$,
  'MB002', 'member_not_found', 'staff of guild A cannot freeze a member of guild B: MB002');
select throws_ok($$select pg_temp.staff_a('ADMIN', $q$select app_public.unfreeze_user(910000000000000099, 'nobody here')$q$)$$,
  'MB002', 'member_not_found', 'unfreezing an unknown member: MB002');
select throws_ok($$select pg_temp.run_as('coins_staff', 920000000000000001, 920000000000000090, 'ADMIN', $q$select app_public.unfreeze_user(910000000000000011, 'other guild')$q$)$$,
  'MB002', 'member_not_found', 'staff of guild B cannot unfreeze a member of guild A: MB002');
select throws_ok($$select pg_temp.run_as('coins_player', 910000000000000001, 910000000000000012, 'ADMIN', $q$select app_public.freeze_user(910000000000000011, 'player')$q$)$$,
  '42501', null, 'coins_player cannot call freeze_user (42501)');
select is(pg_temp.state(), (select state from snapshots where name = 'freeze_refusals'), 'refused freezes changed nothing');
select lives_ok($$select pg_temp.run_as('coins_staff', 920000000000000001, 920000000000000090, 'OPERATOR', $q$select app_public.freeze_user(920000000000000011, 'own guild')$q$)$$,
  'staff of guild B may freeze a member of guild B');
select results_eq($$select pg_temp.frozen(910000000000000001, 910000000000000011), pg_temp.frozen(920000000000000001, 920000000000000011)$$,
  $$values (true, true)$$, 'each guild''s freeze applies to its own member');
insert into actions values ('uf1', pg_temp.staff_a('ADMIN', $$select * from app_public.unfreeze_user(910000000000000011, 'cleared', 'uf-1')$$));
insert into actions values ('uf2', pg_temp.staff_a('ADMIN', $$select * from app_public.unfreeze_user(910000000000000011, 'cleared', 'uf-1')$$));
select is((select a from actions where name = 'uf2'), (select a from actions where name = 'uf1'),
  'a replayed unfreeze key returns the first audit row instead of FZ004');
select is((select count(*) from app_public.admin_actions where guild_id = 910000000000000001 and action = 'unfreeze_user' and subject_id = '910000000000000011'),
  1::bigint, '... and writes no second audit row');
select is((select meta from app_public.transactions where tx_id = (select (a->'after'->>'tx_id')::uuid from actions where name = 'uf1')),
  '{"actor_role": "ADMIN"}'::jsonb, 'unfreeze_user''s flag transaction carries only the actor_role (the reason is in admin_actions)');

-- Separation of duties: staff never act on their own account (PD002) ----------------------------------------------------
select is(pg_temp.staff_a_error('ADMIN', $$select app_public.admin_adjust(910000000000000090, 5, 'self pay')$$),
  '{"code": "MB002", "key": "member_not_found", "detail": {"discord_id": "910000000000000090"}}'::jsonb,
  'a staff member who is not a member of the guild targeting their own id: MB002 (checked before PD002)');
do $$ begin perform app_private.ensure_member(910000000000000001, 910000000000000090, 'staffer'); end $$;
insert into snapshots values ('self', pg_temp.state());
select is(pg_temp.staff_a_error('SUPERADMIN', $$select app_public.admin_adjust(910000000000000090, 5, 'self pay')$$),
  '{"code": "PD002", "key": "self_action_forbidden", "detail": {}}'::jsonb, 'admin_adjust of one''s own account, even as SUPERADMIN: PD002');
select is(pg_temp.staff_a_error('ADMIN', $$select app_public.admin_adjust(910000000000000090, 5, 'self pay', 'adj-1')$$) ->> 'code',
  'PD002', 'with a key already used for another request: PD002, not IK001 (checked before idempotency)');
select throws_ok($$select pg_temp.staff_a('SUPPORT', $q$select app_public.freeze_user(910000000000000090, 'self freeze')$q$)$$,
  'PD002', 'self_action_forbidden', 'freeze_user of oneself: PD002');
select throws_ok($$select pg_temp.staff_a('ADMIN', $q$select app_public.unfreeze_user(910000000000000090, 'self unfreeze')$q$)$$,
  'PD002', 'self_action_forbidden', 'unfreeze_user of oneself: PD002 (before FZ004 not_frozen)');
select is(pg_temp.state(), (select state from snapshots where name = 'self'), 'refused self-actions changed nothing (no audit row, no key)');
select lives_ok($$select pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000091, 'ADMIN',
    $q$select app_public.admin_adjust(910000000000000090, 5, 'paid by a colleague')$q$)$$, 'another staff member may adjust that account');
select is(pg_temp.wallet(910000000000000001, 910000000000000090), 5::bigint, '... and it is credited');
select is_empty($$select * from app_public.verify_ledger()$$, 'the ledger is healthy');
select * from finish();
rollback;
