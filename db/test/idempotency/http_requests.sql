begin;
select plan(9);
\ir ../lib/helpers.psql
-- HTTP Idempotency-Key records (issue #5): http_request_begin / http_request_finish.
-- Guild A = 910000000000000001 (alice ...011, bob ...012, staff ...090); guild B = 920000000000000001 (carol ...011).
do $$
begin
  perform app_private.ensure_guild(910000000000000001, 'Panel guild A');
  perform app_private.ensure_guild(920000000000000001, 'Panel guild B');
  perform app_private.ensure_member(910000000000000001, 910000000000000011, 'alice');
  perform app_private.ensure_member(910000000000000001, 910000000000000012, 'bob');
  perform app_private.ensure_member(920000000000000001, 920000000000000011, 'carol');
  insert into app_public.rewards (guild_id, sku, name, category, price) values (910000000000000001, 'hat', 'Hat', 'cosmetic', 99);
end $$;

-- HTTP Idempotency-Key records --------------------------------------------------------------------------------------------------
select results_eq($$select state from app_private.http_request_begin(910000000000000001, 910000000000000090, 'k1', sha256('body-1'))$$,
  $$values ('new')$$, 'http_request_begin: a new key runs the request');
select results_eq($$select state from app_private.http_request_begin(910000000000000001, 910000000000000090, 'k1', sha256('body-1'))$$,
  $$values ('in_progress')$$, 'the same key before the first request finished is in progress');
select lives_ok($$select app_private.http_request_finish(910000000000000001, 910000000000000090, 'k1', 200, '{"data":1}', 'application/json')$$,
  'http_request_finish stores the answer');
select results_eq($$select state, status, body, content_type from app_private.http_request_begin(910000000000000001, 910000000000000090, 'k1', sha256('body-1'))$$,
  $$values ('replay', 200, '{"data":1}', 'application/json')$$, 'a replay gets the first answer');
select results_eq($$select state from app_private.http_request_begin(910000000000000001, 910000000000000090, 'k1', sha256('body-2'))$$,
  $$values ('mismatch')$$, 'the same key with another body is a mismatch');
select results_eq($$select state from app_private.http_request_begin(910000000000000001, 910000000000000012, 'k1', sha256('body-1'))$$,
  $$values ('new')$$, 'keys are scoped by actor');
select lives_ok($$select app_private.http_request_finish(910000000000000001, 910000000000000012, 'k1', 500, null, null)$$, 'a server error ...');
select results_eq($$select state from app_private.http_request_begin(910000000000000001, 910000000000000012, 'k1', sha256('body-1'))$$,
  $$values ('new')$$, '... releases the key for a retry');
select is(pg_temp.error_as(null, null, null, null, $$select * from app_private.http_request_begin(910000000000000001, 1, '', sha256('b'))$$) ->> 'code',
  'IK002', 'an empty key is IK002');

select * from finish();
rollback;
