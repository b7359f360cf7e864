begin;
select plan(3);
\ir ../lib/helpers.psql
-- Ops alerts in the panel (issue #5): acknowledge_alert.
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

-- Alerts -----------------------------------------------------------------------------------------------------------------------------
select lives_ok($$select app_hidden.raise_alert(910000000000000001, 'warning', 'panel_test', 'something to look at')$$, 'an alert for guild A');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR',
    $$select app_public.acknowledge_alert((select id from app_public.ops_alerts where kind = 'panel_test'))$$) ->> 'code', 'PD001',
  'an AUDITOR cannot acknowledge alerts');
select is((pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPPORT',
    $$select acknowledged_by from app_public.acknowledge_alert((select id from app_public.ops_alerts where kind = 'panel_test'))$$) -> 0 ->> 'acknowledged_by'),
  '910000000000000090', 'SUPPORT acknowledges it; acknowledged_by is the caller');

select * from finish();
rollback;
