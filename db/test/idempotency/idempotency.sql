begin;
select plan(31);
\ir ../lib/helpers.psql
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
