begin;
select plan(17);
\ir ../lib/helpers.psql
-- Issue 14: archiving old transactions. Guild A = 910000000000000001 (alice ...011, bob ...012, staff ...090),
-- guild B = 920000000000000001 (carol ...011). Old activity 100 days ago, recent activity today.
do $$
declare a bigint := 910000000000000001;
begin
  perform app_private.ensure_guild(a, 'Archive A');
  perform app_private.ensure_guild(920000000000000001, 'Archive B');
  perform app_private.ensure_member(a, 910000000000000011, 'alice');
  perform app_private.ensure_member(a, 910000000000000012, 'bob');
  perform app_private.ensure_member(920000000000000001, 920000000000000011, 'carol');
  perform app_private.claim_daily_for(pg_temp.uid(a, 910000000000000011), 'old-1', now() - interval '100 days');
  perform app_private.give_from(pg_temp.uid(a, 910000000000000011), 910000000000000012, 30, 'old-2', now() - interval '100 days');
  perform app_private.claim_daily_for(pg_temp.uid(920000000000000001, 920000000000000011), 'old-3', now() - interval '100 days');
  perform app_private.claim_daily_for(pg_temp.uid(a, 910000000000000012), 'new-1', now());
end $$;
create function pg_temp.history(p_role text, p_discord bigint, p_staff text) returns bigint language sql as $$
  select jsonb_array_length(pg_temp.rows_as(p_role, 910000000000000001, p_discord, p_staff, 'select tx_id from app_public.transaction_history()')) $$;
create temp table hist_before as select pg_temp.history('coins_staff', 910000000000000090, 'AUDITOR') as staff,
  pg_temp.history('coins_player', 910000000000000011, null) as alice;

select is((select count(*) from app_public.transactions where guild_id = 910000000000000001 and created_at < now() - interval '30 days'), 2::bigint,
  'fixture: guild A has two transactions older than 30 days');
insert into snapshots values ('before', pg_temp.state());
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    $$select app_public.archive_transactions(now() - interval '60 days', 'yearly archive', 'a1')$$) ->> 'code', 'PD001', 'an OPERATOR may not archive (PD001)');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select app_public.archive_transactions(now() - interval '10 days', 'yearly archive', 'a1')$$) ->> 'code', 'AR001', 'a cutoff under 30 days ago is refused (AR001)');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select app_public.archive_transactions(now() - interval '60 days', '', 'a1')$$) ->> 'code', 'RS001', 'a reason is required (RS001)');
select is(pg_temp.state(), (select state from snapshots where name = 'before'), 'the refusals changed nothing');
select is((select count(*) from app_public.transactions_archive), 0::bigint, 'and archived nothing');

select is((pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select (app_public.archive_transactions(now() - interval '60 days', 'yearly archive', 'a2')).archived$$) -> 0 ->> 'archived'), '2',
  'an ADMIN archives guild A''s two old transactions');
select is((select count(*) from app_public.transactions where guild_id = 910000000000000001 and created_at < now() - interval '60 days'), 0::bigint,
  'they left the hot table');
select is((select count(*) from app_public.transactions_archive where guild_id = 910000000000000001), 2::bigint, 'and are in the archive');
select is((select count(*) from app_public.transactions where guild_id = 920000000000000001), 1::bigint, 'guild B''s old transaction stays');
select is((select count(*) from app_public.verify_ledger()), 0::bigint, 'the ledger still verifies (every guild)');
select is(pg_temp.history('coins_staff', 910000000000000090, 'AUDITOR'), (select staff from hist_before),
  'the history (CSV export) still has every transaction for staff');
select is(pg_temp.history('coins_player', 910000000000000011, null), (select alice from hist_before),
  'and every one of alice''s for alice');
select is((select count(*) from app_public.admin_actions where action = 'archive_transactions'), 1::bigint, 'the run is audited');
select is((pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select (app_public.archive_transactions(now() - interval '60 days', 'yearly archive', 'a2')).archived$$) -> 0 ->> 'archived'), '2',
  'a replay answers the first run');
-- Tampering is still caught: a journal entry lost from both tables.
delete from app_public.transactions_archive where reason = 'give';
select is((select array_agg(distinct invariant) from app_public.verify_ledger(910000000000000001)), array['transfer_has_journal_entry'],
  'a transfer without its journal entry (live or archived) is a violation');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$select app_public.archive_transactions(now() - interval '40 days', 'another run', 'a3')$$) ->> 'code', 'AR002',
  'archiving refuses to run on a ledger that does not verify (AR002)');

select * from finish();
rollback;
