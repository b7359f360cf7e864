begin;
select plan(38);
\ir ../lib/helpers.psql
-- Fixtures. Guild A = 910000000000000001: alice ...011. Staff ...090 is not a member; ...098 and ...099 are not
-- registered yet. The server calls the session functions as guildbank_authenticator, before it switches to an
-- API role.
do $$
begin
  perform app_private.ensure_guild(910000000000000001, 'Sessions guild A');
  perform app_private.ensure_member(910000000000000001, 910000000000000011, 'alice');
end $$;
create function pg_temp.auth(p_sql text) returns jsonb language sql as $$
  select pg_temp.rows_as('guildbank_authenticator', null, null, null, p_sql) $$;
create function pg_temp.sessions_and_state() returns jsonb language sql as $$
  select jsonb_build_object('sessions', (select jsonb_agg(to_jsonb(s) order by id) from app_private.sessions s), 'state', pg_temp.state()) $$;
create temp table opened (name text primary key, c jsonb);

-- open_session ------------------------------------------------------------------------------------------------------------------------
insert into opened values ('alice', pg_temp.auth($$select * from app_private.open_session(sha256('alice-token'), 910000000000000001, 910000000000000011, 'player', null, 'dev', 3600)$$) -> 0);
select results_eq($$select (c->>'session_id') is not null, (c->>'guild_id')::bigint, (c->>'discord_id')::bigint, c->>'kind', c->>'staff_role', (c->>'expires_at')::timestamptz
                      from opened where name = 'alice'$$,
  $$values (true, 910000000000000001::bigint, 910000000000000011::bigint, 'player', null::text, now() + interval '3600 seconds')$$,
  'the authenticator opens a player session: claims and expiry (now + ttl)');
select results_eq($$select token_hash = sha256('alice-token'), length(token_hash), source, created_at = now(), last_seen_at = now()
                      from app_private.sessions where id = (select (c->>'session_id')::uuid from opened where name = 'alice')$$,
  $$values (true, 32, 'dev', true, true)$$, 'only the 32-byte SHA-256 of the token is stored');
select is((select count(*) from app_private.sessions where position('alice-token'::bytea in token_hash) > 0), 0::bigint,
  'the token itself is stored nowhere');
insert into opened values ('staff', pg_temp.auth($$select * from app_private.open_session(sha256('staff-token'), 910000000000000001, 910000000000000090, 'staff', 'AUDITOR', 'discord', 60)$$) -> 0);
select results_eq($$select c->>'kind', c->>'staff_role', (c->>'expires_at')::timestamptz from opened where name = 'staff'$$,
  $$values ('staff', 'AUDITOR', now() + interval '60 seconds')$$, 'a staff session needs no membership and carries its staff role');
select is((select count(*) from app_public.users where discord_id = 910000000000000090), 0::bigint, '... and registers nobody');
insert into opened values ('newbie', pg_temp.auth($$select * from app_private.open_session(sha256('newbie-token'), 910000000000000001, 910000000000000099, 'player', null, 'discord', 3600)$$) -> 0);
select results_eq($$select u.display_name, u.frozen, pg_temp.wallet(u.guild_id, u.discord_id), (select count(*) from app_public.accounts a where a.user_id = u.id),
                           (select (c->>'discord_id')::bigint from opened where name = 'newbie')
                      from app_public.users u where u.guild_id = 910000000000000001 and u.discord_id = 910000000000000099$$,
  $$values ('', false, 0::bigint, 2::bigint, 910000000000000099::bigint)$$,
  'a player''s first sign-in registers them (wallet and escrow) and opens their session');
select is((pg_temp.auth($$select * from app_private.open_session(sha256('max-ttl-token'), 910000000000000001, 910000000000000011, 'player', null, 'dev', 2592000)$$) -> 0 ->> 'expires_at')::timestamptz,
  now() + interval '30 days', 'a ttl of exactly 30 days (2592000 s) is accepted');
do $$ begin perform app_private.close_session(sha256('max-ttl-token')); end $$;

insert into snapshots values ('sessions', pg_temp.sessions_and_state());
select is(pg_temp.error_as('guildbank_authenticator', null, null, null,
    $$select app_private.open_session(sha256('x2'), 930000000000000001, 910000000000000011, 'player', null, 'dev', 3600)$$),
  '{"code": "MB003", "key": "guild_not_found", "detail": {"guild_id": "930000000000000001"}}'::jsonb,
  'a session in an unknown guild: MB003 (guild_id as a string)');
select is(pg_temp.error_as('guildbank_authenticator', null, null, null,
    $$select app_private.open_session(sha256('x3'), 910000000000000001, 910000000000000098, 'player', null, 'dev', 59)$$),
  '{"code": "VL001", "key": "invalid_argument", "detail": {"argument": "ttl_s", "min": 60, "max": 2592000}}'::jsonb,
  'ttl below 60 s: VL001 with argument ttl_s, min 60, max 2592000');
select throws_ok($$select pg_temp.auth($q$select app_private.open_session(sha256('x4'), 910000000000000001, 910000000000000098, 'player', null, 'dev', 2592001)$q$)$$,
  'VL001', 'invalid_argument', 'ttl above 30 days: VL001');
select throws_ok($$select pg_temp.auth($q$select app_private.open_session(sha256('x5'), 910000000000000001, 910000000000000098, 'player', null, 'dev', null)$q$)$$,
  'VL001', 'invalid_argument', 'no ttl: VL001');
select is(pg_temp.error_as('guildbank_authenticator', null, null, null,
    $$select app_private.open_session('\x0102', 910000000000000001, 910000000000000098, 'player', null, 'dev', 3600)$$),
  '{"code": "VL001", "key": "invalid_argument", "detail": {"argument": "token_hash"}}'::jsonb,
  'a token hash that is not 32 bytes: VL001 with argument token_hash');
select throws_ok($$select pg_temp.auth($q$select app_private.open_session(null, 910000000000000001, 910000000000000098, 'player', null, 'dev', 3600)$q$)$$,
  'VL001', 'invalid_argument', 'no token hash: VL001');
select throws_ok($$select pg_temp.auth($q$select app_private.open_session(sha256('alice-token'), 910000000000000001, 910000000000000098, 'player', null, 'dev', 3600)$q$)$$,
  '23505', null, 'a token hash can open only one session');
select is(pg_temp.error_as('guildbank_authenticator', null, null, null,
    $$select app_private.open_session(sha256('x6'), 910000000000000001, 910000000000000090, 'staff', null, 'dev', 3600)$$),
  '{"code": "VL001", "key": "invalid_argument", "detail": {"argument": "kind/staff_role"}}'::jsonb,
  'a staff session without a staff role: VL001 with argument kind/staff_role');
select throws_ok($$select pg_temp.auth($q$select app_private.open_session(sha256('x7'), 910000000000000001, 910000000000000098, 'player', 'ADMIN', 'dev', 3600)$q$)$$,
  'VL001', 'invalid_argument', 'a player session with a staff role: VL001');
select throws_ok($$select pg_temp.auth($q$select app_private.open_session(sha256('x9'), 910000000000000001, 910000000000000098, 'bot', null, 'dev', 3600)$q$)$$,
  'VL001', 'invalid_argument', 'a kind other than player or staff: VL001');
select is(pg_temp.error_as('guildbank_authenticator', null, null, null,
    $$select app_private.open_session(sha256('x8'), 910000000000000001, 910000000000000098, 'player', null, 'web', 3600)$$),
  '{"code": "VL001", "key": "invalid_argument", "detail": {"argument": "source"}}'::jsonb,
  'an unknown source: VL001 with argument source');
select is(pg_temp.error_as('guildbank_authenticator', null, null, null,
    $$select app_private.open_session(sha256('x10'), 910000000000000001, 0, 'player', null, 'dev', 3600)$$),
  '{"code": "VL001", "key": "invalid_argument", "detail": {"argument": "discord_id"}}'::jsonb,
  'a discord_id of 0: VL001 with argument discord_id (and no member is registered)');
select is(pg_temp.sessions_and_state(), (select state from snapshots where name = 'sessions'),
  'refused sessions left nothing behind: no session, and member ...098 was not registered');

-- session_claims ------------------------------------------------------------------------------------------------------------------------
update app_private.sessions set last_seen_at = now() - interval '10 minutes' where token_hash = sha256('alice-token');
select is(pg_temp.auth($$select * from app_private.session_claims(sha256('alice-token'))$$) -> 0, (select c from opened where name = 'alice'),
  'session_claims returns the claims given at opening');
select is((select last_seen_at from app_private.sessions where token_hash = sha256('alice-token')), now(),
  '... and marks the session seen (last_seen_at was 10 minutes old: refreshed to now())');
update app_private.sessions set last_seen_at = now() - interval '30 seconds' where token_hash = sha256('alice-token');
select is((pg_temp.auth($$select * from app_private.session_claims(sha256('alice-token'))$$) -> 0 ->> 'session_id')::uuid,
          (select (c->>'session_id')::uuid from opened where name = 'alice'), 'a call 30 s after the last refresh still answers ...');
select is((select last_seen_at from app_private.sessions where token_hash = sha256('alice-token')), now() - interval '30 seconds',
  '... but leaves last_seen_at unchanged (refreshed at most once a minute)');
update app_private.sessions set last_seen_at = now() - interval '1 minute' where token_hash = sha256('alice-token');
do $$ begin perform app_private.session_claims(sha256('alice-token')); end $$;
select is((select last_seen_at from app_private.sessions where token_hash = sha256('alice-token')), now() - interval '1 minute',
  'a last_seen_at exactly a minute old is not older than a minute: unchanged');
select is(pg_temp.auth($$select app_private.session_claims(sha256('no-such-token')) is null as missing$$) -> 0 -> 'missing', 'true'::jsonb,
  'an unknown token: null');
update app_private.sessions set expires_at = now() - interval '1 second' where token_hash = sha256('staff-token');
select is(pg_temp.auth($$select app_private.session_claims(sha256('staff-token')) is null as missing$$) -> 0 -> 'missing', 'true'::jsonb,
  'an expired session: null');
select is(pg_temp.auth($$select app_private.session_claims(sha256('alice-token')) is null as missing$$) -> 0 -> 'missing', 'false'::jsonb,
  'an unexpired session still answers');

-- close_session and housekeeping ---------------------------------------------------------------------------------------------------------
select is(pg_temp.auth($$select app_private.close_session(sha256('alice-token')) as closed$$) -> 0 -> 'closed', 'true'::jsonb, 'close_session: true for a live session');
select is(pg_temp.auth($$select app_private.close_session(sha256('alice-token')) as closed$$) -> 0 -> 'closed', 'false'::jsonb, 'close_session again: false');
select is(pg_temp.auth($$select app_private.session_claims(sha256('alice-token')) is null as missing$$) -> 0 -> 'missing', 'true'::jsonb,
  'a closed session no longer answers');
update app_private.sessions set expires_at = now() - interval '2 days' where token_hash = sha256('staff-token');
insert into app_private.sessions (token_hash, guild_id, discord_id, kind, staff_role, source, expires_at)
  values (sha256('recently-expired'), 910000000000000001, 910000000000000011, 'player', null, 'dev', now() - interval '1 hour');
select lives_ok($$select pg_temp.auth($q$select app_private.open_session(sha256('new-token'), 910000000000000001, 910000000000000011, 'player', null, 'discord', 600)$q$)$$,
  'opening a session ...');
select set_eq($$select token_hash from app_private.sessions$$,
  $$values (sha256('newbie-token')), (sha256('recently-expired')), (sha256('new-token'))$$,
  '... purges sessions expired over a day ago, keeps the recently expired one and the live ones');

-- Who may call them -------------------------------------------------------------------------------------------------------------------------
select throws_ok($$select pg_temp.run_as('coins_player', 910000000000000001, 910000000000000011, null,
    $q$select app_private.open_session(sha256('p'), 910000000000000001, 910000000000000011, 'player', null, 'dev', 3600)$q$)$$,
  '42501', null, 'coins_player cannot open sessions (42501)');
select throws_ok($$select pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPERADMIN',
    $q$select app_private.session_claims(sha256('new-token'))$q$)$$,
  '42501', null, 'coins_staff cannot read session claims (42501)');
select throws_ok($$select pg_temp.run_as('coins_worker', null, null, null, $q$select app_private.close_session(sha256('new-token'))$q$)$$,
  '42501', null, 'coins_worker cannot close sessions (42501)');
select throws_ok($$select pg_temp.auth('select * from app_private.sessions')$$, '42501', null,
  'the authenticator cannot read the sessions table directly (42501)');
select throws_ok($$select pg_temp.auth('select * from app_public.users')$$, '42501', null,
  'the authenticator (NOINHERIT) has no API privilege of its own (42501)');
select * from finish();
rollback;
