begin;
select plan(31);
-- Helpers (pg_temp: visible to this session only, gone at rollback). Assertions run as the
-- superuser; the statement under test runs as an API role with transaction-local claims.
create function pg_temp.claims(p_role text, p_guild bigint, p_discord bigint, p_staff text) returns void
language plpgsql as $$
begin
  perform set_config('app.guild_id', coalesce(p_guild::text, ''), true);
  perform set_config('app.discord_id', coalesce(p_discord::text, ''), true);
  perform set_config('app.staff_role', coalesce(p_staff, ''), true);
  perform set_config('role', coalesce(p_role, 'none'), true);
end $$;
-- Runs p_sql as p_role with the given claims, then switches back to the superuser and clears
-- the claims. Returns the row count. (On error the caller's savepoint restores role and claims.)
create function pg_temp.run_as(p_role text, p_guild bigint, p_discord bigint, p_staff text, p_sql text)
returns bigint language plpgsql as $$
declare n bigint;
begin
  perform pg_temp.claims(p_role, p_guild, p_discord, p_staff);
  execute p_sql;
  get diagnostics n = row_count;
  perform set_config('role', 'none', true);
  perform set_config('app.guild_id', '', true);
  perform set_config('app.discord_id', '', true);
  perform set_config('app.staff_role', '', true);
  return n;
end $$;
-- Same, for a query: returns its rows as a jsonb array.
create function pg_temp.rows_as(p_role text, p_guild bigint, p_discord bigint, p_staff text, p_sql text)
returns jsonb language plpgsql as $$
declare v jsonb;
begin
  perform pg_temp.claims(p_role, p_guild, p_discord, p_staff);
  execute format('select coalesce(jsonb_agg(to_jsonb(t)), ''[]'') from (%s) t', p_sql) into v;
  perform set_config('role', 'none', true);
  perform set_config('app.guild_id', '', true);
  perform set_config('app.discord_id', '', true);
  perform set_config('app.staff_role', '', true);
  return v;
end $$;
-- The error p_sql raises as p_role ({code, key, detail}), or null if it succeeds.
create function pg_temp.error_as(p_role text, p_guild bigint, p_discord bigint, p_staff text, p_sql text)
returns jsonb language plpgsql as $$
declare s text; m text; d text;
begin
  perform pg_temp.run_as(p_role, p_guild, p_discord, p_staff, p_sql);
  return null;
exception when others then
  get stacked diagnostics s = returned_sqlstate, m = message_text, d = pg_exception_detail;
  return jsonb_build_object('code', s, 'key', m, 'detail', case when d ~ '^\{' then d::jsonb else to_jsonb(d) end);
end $$;
-- Ledger lookups.
create function pg_temp.uid(p_guild bigint, p_discord bigint) returns bigint language sql as $$
  select id from app_public.users where guild_id = p_guild and discord_id = p_discord $$;
create function pg_temp.acct(p_guild bigint, p_discord bigint, p_kind text default 'wallet') returns bigint
language sql as $$
  select a.id from app_public.accounts a join app_public.users u on u.id = a.user_id
   where u.guild_id = p_guild and u.discord_id = p_discord and a.currency = 'COIN' and a.kind::text = p_kind $$;
create function pg_temp.gacct(p_guild bigint, p_kind text, p_currency text default 'COIN') returns bigint
language sql as $$
  select id from app_public.accounts
   where guild_id = p_guild and user_id is null and currency = p_currency and kind::text = p_kind $$;
create function pg_temp.bal(p_account bigint) returns bigint language sql as $$
  select balance from app_public.accounts where id = p_account $$;
create function pg_temp.wallet(p_guild bigint, p_discord bigint) returns bigint language sql as $$
  select pg_temp.bal(pg_temp.acct(p_guild, p_discord, 'wallet')) $$;
-- Everything a refused call could have touched, to prove it touched nothing.
create function pg_temp.state() returns jsonb language sql as $$
  select jsonb_build_object(
    'accounts', (select jsonb_agg(jsonb_build_array(id, balance, credits_posted, debits_posted) order by id) from app_public.accounts),
    'transfers', (select jsonb_agg(jsonb_build_array(id, status, resolved_at) order by id) from app_public.transfers),
    'users', (select jsonb_agg(jsonb_build_array(id, frozen, streak_days, last_daily_at, lifetime_earned, lifetime_spent, display_name) order by id) from app_public.users),
    'transactions', (select count(*) from app_public.transactions),
    'admin_actions', (select count(*) from app_public.admin_actions),
    'idempotency_keys', (select count(*) from app_private.idempotency_keys),
    'settings', (select jsonb_agg(to_jsonb(s) order by guild_id) from app_public.guild_settings s)) $$;
create temp table snapshots (name text primary key, state jsonb not null);
-- Fixtures. Guild A = 910000000000000001: alice ...011 (500 coins), bob ...012, eve ...015 (100 coins; also in
-- guild B); staff ...090 and ...091. Guild B = 920000000000000001: eve ...015 (100 coins), carol ...011.
do $$
begin
  perform app_private.ensure_guild(910000000000000001, 'Idempotency guild A');
  perform app_private.ensure_guild(920000000000000001, 'Idempotency guild B');
  perform app_private.ensure_member(910000000000000001, 910000000000000011, 'alice');
  perform app_private.ensure_member(910000000000000001, 910000000000000012, 'bob');
  perform app_private.ensure_member(910000000000000001, 910000000000000015, 'eve');
  perform app_private.ensure_member(920000000000000001, 910000000000000015, 'eve');
  perform app_private.ensure_member(920000000000000001, 920000000000000011, 'carol');
  perform app_private.post_transfer(910000000000000001, pg_temp.gacct(910000000000000001, 'mint'), pg_temp.acct(910000000000000001, 910000000000000011), 500, 'test_mint');
  perform app_private.post_transfer(910000000000000001, pg_temp.gacct(910000000000000001, 'mint'), pg_temp.acct(910000000000000001, 910000000000000015), 100, 'test_mint');
  perform app_private.post_transfer(920000000000000001, pg_temp.gacct(920000000000000001, 'mint'), pg_temp.acct(920000000000000001, 910000000000000015), 100, 'test_mint');
end $$;
create function pg_temp.give_as(p_guild bigint, p_from bigint, p_to bigint, p_amount bigint, p_key text) returns jsonb
language sql as $$
  select pg_temp.rows_as('coins_player', p_guild, p_from, null, format('select * from app_public.give(%s, %s, %L)', p_to, p_amount, p_key)) -> 0 $$;

-- The primitive -------------------------------------------------------------------------------------------------------------------
select is(app_private.idempotency_begin(910000000000000001, 910000000000000011, 'raw-1', '{"fn": "test", "n": 1}'), null,
  'idempotency_begin: a new key returns null (perform the request)');
select results_eq($$select request, result from app_private.idempotency_keys where key = 'raw-1'$$,
  $$values ('{"fn": "test", "n": 1}'::jsonb, null::jsonb)$$, '... and stores the request, with no result yet');
do $$ begin perform app_private.idempotency_finish(910000000000000001, 910000000000000011, 'raw-1', '{"answer": 42}'); end $$;
select is(app_private.idempotency_begin(910000000000000001, 910000000000000011, 'raw-1', '{"fn": "test", "n": 1}'), '{"answer": 42}'::jsonb,
  'after idempotency_finish, the same key and request return the stored result');
select throws_ok($$select app_private.idempotency_begin(910000000000000001, 910000000000000011, 'raw-1', '{"fn": "test", "n": 2}')$$,
  'IK001', 'idempotency_key_reused', 'the same key with another request: IK001');
select is(app_private.idempotency_begin(910000000000000001, 910000000000000012, 'raw-1', '{"fn": "test", "n": 2}'), null,
  'keys are per actor: another member may use the same key');
select is(app_private.idempotency_begin(920000000000000001, 910000000000000011, 'raw-1', '{"fn": "test", "n": 2}'), null,
  'keys are per guild: the same actor may use the same key in another guild');
select is(app_private.idempotency_begin(910000000000000001, 910000000000000011, null, '{"fn": "test"}'), null,
  'a null key means "not idempotent": returns null ...');
select is((select count(*) from app_private.idempotency_keys where key is null or key = ''), 0::bigint, '... and stores nothing');
select throws_ok($$select app_private.idempotency_begin(910000000000000001, 910000000000000011, '', '{}')$$,
  'IK002', 'idempotency_key_invalid', 'an empty key: IK002');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.idempotency_begin(910000000000000001, 910000000000000011, repeat('k', 256), '{}')$$) -> 'detail',
  '{"length": 256}'::jsonb, 'a 256-character key: IK002 with its length');
select is(app_private.idempotency_begin(910000000000000001, 910000000000000011, repeat('k', 255), '{}'), null, 'a 255-character key is accepted');

-- Through the rules ---------------------------------------------------------------------------------------------------------------------
create temp table receipts (name text primary key, r jsonb);
insert into receipts values ('g1', pg_temp.give_as(910000000000000001, 910000000000000011, 910000000000000012, 40, 'int-1'));
select is((select result from app_private.idempotency_keys where guild_id = 910000000000000001 and actor_id = 910000000000000011 and key = 'int-1'),
  (select r from receipts where name = 'g1'), 'the stored result of a give is its receipt');
select is((select request from app_private.idempotency_keys where guild_id = 910000000000000001 and actor_id = 910000000000000011 and key = 'int-1'),
  '{"fn": "give", "to": 910000000000000012, "amount": 40}'::jsonb, 'the stored request names the function and its arguments');
insert into snapshots values ('replay', pg_temp.state());
insert into receipts values ('g1-again', pg_temp.give_as(910000000000000001, 910000000000000011, 910000000000000012, 40, 'int-1'));
select is((select r from receipts where name = 'g1-again'), (select r from receipts where name = 'g1'), 'a replayed give returns the first receipt');
select is(pg_temp.state(), (select state from snapshots where name = 'replay'), '... and changes nothing');
update app_public.users set frozen = true where id = pg_temp.uid(910000000000000001, 910000000000000011);
select is(pg_temp.give_as(910000000000000001, 910000000000000011, 910000000000000012, 40, 'int-1'), (select r from receipts where name = 'g1'),
  'a replay is answered even after the sender was frozen (the first request succeeded)');
update app_public.users set frozen = false where id = pg_temp.uid(910000000000000001, 910000000000000011);

select lives_ok($$select pg_temp.give_as(910000000000000001, 910000000000000015, 910000000000000011, 10, 'shared-key')$$, 'eve gives in guild A with key shared-key');
select lives_ok($$select pg_temp.give_as(920000000000000001, 910000000000000015, 920000000000000011, 10, 'shared-key')$$,
  '... and in guild B with the same key: a different request scope');
select lives_ok($$select pg_temp.give_as(910000000000000001, 910000000000000012, 910000000000000011, 5, 'shared-key')$$,
  '... and bob may use the same key in guild A');
select results_eq($$select pg_temp.wallet(910000000000000001, 910000000000000015), pg_temp.wallet(920000000000000001, 910000000000000015)$$,
  $$values (90::bigint, 90::bigint)$$, 'all three gives were performed');

insert into receipts values ('c1', pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000012, null, $$select * from app_public.claim_daily('int-2')$$) -> 0);
select throws_ok($$select pg_temp.give_as(910000000000000001, 910000000000000012, 910000000000000011, 5, 'int-2')$$,
  'IK001', 'idempotency_key_reused', 'a key used for a claim cannot be reused for a give: IK001');
update app_public.users set frozen = true where id = pg_temp.uid(910000000000000001, 910000000000000012);
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000012, null, $$select * from app_public.claim_daily('int-2')$$) -> 0,
  (select r from receipts where name = 'c1'), 'a replayed claim returns the first receipt even though the member is now frozen');
update app_public.users set frozen = false where id = pg_temp.uid(910000000000000001, 910000000000000012);

update app_public.users set frozen = true where id = pg_temp.uid(910000000000000001, 910000000000000012);
select throws_ok($$select pg_temp.give_as(910000000000000001, 910000000000000011, 910000000000000012, 7, 'int-3')$$,
  'FZ002', 'recipient_frozen', 'a give refused (FZ002) ...');
select is((select count(*) from app_private.idempotency_keys where key = 'int-3'), 0::bigint, '... leaves no key behind');
update app_public.users set frozen = false where id = pg_temp.uid(910000000000000001, 910000000000000012);
select is((pg_temp.give_as(910000000000000001, 910000000000000011, 910000000000000012, 7, 'int-3') ->> 'amount')::bigint, 7::bigint,
  '... so the client''s retry with the same key is performed');

-- Staff keys ----------------------------------------------------------------------------------------------------------------------------
insert into receipts values ('f1', pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
  $$select * from app_public.freeze_user(910000000000000015, 'investigation', 'staff-1')$$) -> 0);
select is(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select * from app_public.freeze_user(910000000000000015, 'investigation', 'staff-1')$$) -> 0,
  (select r from receipts where name = 'f1'), 'a replayed freeze returns the first audit row instead of FZ003');
select throws_ok($$select pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $q$select * from app_public.freeze_user(910000000000000015, 'another reason', 'staff-1')$q$)$$,
  'IK001', 'idempotency_key_reused', 'the same staff key with another reason: IK001');
select throws_ok($$select pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000091, 'ADMIN',
    $q$select * from app_public.freeze_user(910000000000000015, 'investigation', 'staff-1')$q$)$$,
  'FZ003', 'already_frozen', 'another staff member''s identical key is a new request (FZ003: already frozen)');
select throws_ok($$select pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $q$select * from app_public.admin_adjust(910000000000000015, 5, 'investigation', 'staff-1')$q$)$$,
  'IK001', 'idempotency_key_reused', 'a staff key used for a freeze cannot be reused for an adjustment: IK001');
select throws_ok($$select pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $q$select * from app_public.admin_adjust(910000000000000015, 5, 'investigation', '')$q$)$$,
  'IK002', 'idempotency_key_invalid', 'an empty staff key: IK002');
select is_empty($$select * from app_public.verify_ledger()$$, 'the ledger is healthy');
select * from finish();
rollback;
