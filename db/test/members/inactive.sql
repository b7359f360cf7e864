begin;
select plan(19);
\ir ../lib/helpers.psql
-- Issue 14: inactive members, deactivate (cleanup) and reactivate, audited. Guild A = 910000000000000001: alice ...011
-- (active today), bob ...012 (last seen 60 days ago), dave ...014 (registered 90 days ago, never active since), staff
-- sam ...090 (also a member, inactive). Guild B = 920000000000000001: carol ...011 (inactive too).
do $$
declare a bigint := 910000000000000001;
begin
  perform app_private.ensure_guild(a, 'Inactive A');
  perform app_private.ensure_guild(920000000000000001, 'Inactive B');
  perform app_private.ensure_member(a, 910000000000000011, 'alice');
  perform app_private.ensure_member(a, 910000000000000012, 'bob');
  perform app_private.ensure_member(a, 910000000000000014, 'dave');
  perform app_private.ensure_member(a, 910000000000000090, 'sam');
  perform app_private.ensure_member(920000000000000001, 920000000000000011, 'carol');
  -- Back-date the registrations (the timestamps trigger keeps created_at otherwise).
  set local session_replication_role = replica;
  update app_public.users set created_at = now() - interval '90 days' where discord_id <> 910000000000000011;
  set local session_replication_role = origin;
  perform app_private.claim_daily_for(pg_temp.uid(a, 910000000000000012), 'bob-daily', now() - interval '60 days');
  perform app_private.claim_daily_for(pg_temp.uid(a, 910000000000000011), 'alice-daily', now());
end $$;
create function pg_temp.inactive(p_days int, p_role text default 'AUDITOR') returns text language sql as $$
  select string_agg(e ->> 'display_name', ',') from jsonb_array_elements(
    pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, p_role, format('select * from app_public.inactive_members(%s)', p_days))) e $$;

select is(pg_temp.inactive(30), 'dave,sam,bob', 'inactive for 30 days, oldest first: dave and sam (90 days), bob (60); not alice, not guild B');
select is(pg_temp.inactive(75), 'dave,sam', 'inactive for 75 days: bob''s daily 60 days ago counts as activity');
select ok((select app_public.users_last_active_at(u) > now() - interval '1 minute' from app_public.users u where discord_id = 910000000000000011),
  'alice''s last activity is today');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null, $$select * from app_public.inactive_members(30)$$) ->> 'code',
  '42501', 'members may not list inactive members');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR', $$select * from app_public.inactive_members(0)$$) ->> 'code',
  'VL001', 'days must be at least 1 (VL001)');

insert into snapshots values ('before', pg_temp.state());
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPPORT',
    $$select app_public.deactivate_inactive_members(30, 'cleanup', 'k1')$$) ->> 'code', 'PD001', 'SUPPORT may not clean up (PD001)');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    $$select app_public.deactivate_inactive_members(30, '', 'k1')$$) ->> 'code', 'RS001', 'a reason is required (RS001)');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    $$select app_public.deactivate_inactive_members(3, 'cleanup', 'k1')$$) ->> 'code', 'VL001', 'cleanup needs at least 7 days (VL001)');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    $$select app_public.reactivate_member(910000000000000012, 'back', 'k2')$$) ->> 'code', 'IA001', 'reactivating an active member is refused (IA001)');
select is(pg_temp.state(), (select state from snapshots where name = 'before'), 'the refusals changed nothing');

select is((pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    $$select app_public.deactivate_inactive_members(30, 'quarterly cleanup', 'k3') as n$$) -> 0 ->> 'n'), '2',
  'an OPERATOR deactivates the inactive members: dave and bob (never themselves)');
select is((select string_agg(display_name, ',' order by display_name) from app_public.users where deactivated_at is not null), 'bob,dave',
  'bob and dave are deactivated; carol (guild B) and sam (the caller) are not');
select is((select count(*) from app_public.admin_actions where action = 'deactivate_member' and reason = 'quarterly cleanup'), 2::bigint,
  'one audit row per deactivated member');
select is((select sum(balance)::bigint from app_public.accounts a join app_public.users u on u.id = a.user_id where u.discord_id = 910000000000000012),
  100::bigint, 'a deactivated member keeps their balance');
select is(pg_temp.inactive(30), 'sam', 'deactivated members leave the inactive list');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    $$select app_public.deactivate_member(910000000000000012, 'again', 'k4')$$) ->> 'code', 'IA002', 'deactivating twice is refused (IA002)');

select is((pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    $$select (app_public.reactivate_member(910000000000000012, 'came back', 'k5')).action$$) -> 0 ->> 'action'), 'reactivate_member',
  'an OPERATOR reactivates bob, audited');
select ok((select deactivated_at is null and reactivated_at is not null from app_public.users where discord_id = 910000000000000012),
  'bob is active again, and the reactivation counts as activity');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    $$select app_public.deactivate_member(910000000000000090, 'myself', 'k6')$$) ->> 'code', 'PD002', 'nobody deactivates themselves (PD002)');

select * from finish();
rollback;
