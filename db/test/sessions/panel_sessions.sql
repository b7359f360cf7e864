begin;
select plan(24);
\ir ../lib/helpers.psql
-- The web panel's sessions (issue #5): access tokens with rotating refresh tokens, lapse, refresh and sign-out.
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

-- Panel sessions: access + rotating refresh ----------------------------------------------------------------------------------
select results_eq($$select guild_id, discord_id, kind, staff_role::text, expires_at > now() and expires_at <= now() + interval '901 seconds'
    from app_private.open_panel_session(sha256('a1'), sha256('r1'), 910000000000000001, 910000000000000090, 'OPERATOR', 900, 43200)$$,
  $$values (910000000000000001::bigint, 910000000000000090::bigint, 'staff', 'OPERATOR', true)$$,
  'open_panel_session: a staff session whose claims expire with the access token (15 min)');
select results_eq($$select source, expires_at > now() + interval '11 hours', refresh_hash = sha256('r1') from app_private.sessions where token_hash = sha256('a1')$$,
  $$values ('discord', true, true)$$, 'the session lives as long as the refresh lifetime (12 h) and stores only the refresh token''s hash');
select is((select staff_role::text from app_private.session_claims(sha256('a1'))), 'OPERATOR', 'session_claims answers for the access token');
select is(pg_temp.error_as(null, null, null, null,
    $$select app_private.open_panel_session(sha256('a9'), sha256('r9'), 910000000000000001, 910000000000000090, null, 900, 43200)$$) ->> 'code',
  'VL001', 'a panel session needs a staff role');
select is(pg_temp.error_as(null, null, null, null,
    $$select app_private.open_panel_session(sha256('a9'), sha256('r9'), 910000000000000001, 910000000000000090, 'ADMIN', 900, 60)$$) ->> 'code',
  'VL001', 'the refresh lifetime cannot be shorter than the access lifetime');
select is(pg_temp.error_as(null, null, null, null,
    $$select app_private.open_panel_session(sha256('a9'), sha256('r9'), 999999999999999999, 910000000000000090, 'ADMIN', 900, 43200)$$) ->> 'code',
  'MB003', 'an unknown guild is MB003');

select results_eq($$select status, staff_role::text from app_private.refresh_session(sha256('r1'), sha256('a2'), sha256('r2'), 900)$$,
  $$values ('rotated', 'OPERATOR')$$, 'refresh_session rotates: a new access token and a new refresh token');
select is(app_private.session_claims(sha256('a1')), null, 'the old access token no longer works');
select is((select staff_role::text from app_private.session_claims(sha256('a2'))), 'OPERATOR', 'the new access token works');
select is((select count(*)::int from app_private.session_rotated_tokens), 1, 'the exchanged refresh token is remembered as rotated');
select results_eq($$select status from app_private.refresh_session(sha256('nope'), sha256('a3'), sha256('r3'), 900)$$,
  $$values ('unknown')$$, 'an unknown refresh token is refused (unknown) and changes nothing');
select is((select staff_role::text from app_private.session_claims(sha256('a2'))), 'OPERATOR', '... the live session is untouched');
select results_eq($$select status, session_id from app_private.refresh_session(sha256('r1'), sha256('a4'), sha256('r4'), 900)$$,
  $$values ('reused', null::uuid)$$, 'presenting an already rotated refresh token again is reuse');
select is(app_private.session_claims(sha256('a2')), null, 'reuse revoked the whole session: the current access token is dead too');
select results_eq($$select status from app_private.refresh_session(sha256('r2'), sha256('a5'), sha256('r5'), 900)$$,
  $$values ('unknown')$$, 'and its current refresh token is dead as well');
-- Access lapse and refresh after it; sign-out by refresh token.
select lives_ok($$select app_private.open_panel_session(sha256('b1'), sha256('s1'), 910000000000000001, 910000000000000090, 'ADMIN', 900, 43200)$$,
  'a second panel session');
update app_private.sessions set access_expires_at = now() - interval '1 second' where token_hash = sha256('b1');
select is(app_private.session_claims(sha256('b1')), null, 'a lapsed access token is refused even though the session lives on');
select results_eq($$select status from app_private.refresh_session(sha256('s1'), sha256('b2'), sha256('s2'), 900)$$, $$values ('rotated')$$,
  'the refresh token still works after the access token lapsed');
select is(app_private.revoke_refresh_token(sha256('s1')), true, 'sign-out with an already rotated refresh token ends the session');
select is(app_private.session_claims(sha256('b2')), null, '... so its access token is dead');
select is(app_private.revoke_refresh_token(sha256('s2')), false, 'a second sign-out finds nothing');
select app_private.open_panel_session(sha256('c1'), sha256('t1'), 910000000000000001, 910000000000000090, 'ADMIN', 900, 43200) is not null as opened \gset
update app_private.sessions set expires_at = now() - interval '1 second' where refresh_hash = sha256('t1');
select results_eq($$select status from app_private.refresh_session(sha256('t1'), sha256('c2'), sha256('t2'), 900)$$, $$values ('unknown')$$,
  'a refresh after the session''s end is refused');
select is((select count(*)::int from app_private.sessions where refresh_hash = sha256('t1')), 0, '... and the ended session is deleted');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPERADMIN',
    $$select app_private.refresh_session(sha256('x'), sha256('y'), sha256('z'), 900)$$) ->> 'code', '42501',
  'API roles cannot call the session functions (only the authenticator)');

select * from finish();
rollback;
