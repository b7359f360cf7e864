begin;
select plan(11);
\ir ../lib/helpers.psql
-- Attach Evidence with file uploads (URL + metadata in mm_events) and the ticket mode (private channel or private
-- thread), issue 13. Guild F = 970000000000000001: sid ...011 (starter), bo ...012 (counterparty), zed ...013 (stranger),
-- staff ...090.
do $$
declare
  f bigint := 970000000000000001;
begin
  perform app_private.ensure_guild(f, 'Files guild');
  perform app_private.ensure_member(f, 970000000000000011, 'sid');
  perform app_private.ensure_member(f, 970000000000000012, 'bo');
  perform app_private.ensure_member(f, 970000000000000013, 'zed');
end $$;
create function pg_temp.f() returns bigint language sql as $$ select 970000000000000001::bigint $$;
create function pg_temp.err(p_discord bigint, p_sql text) returns text language sql as $$
  select pg_temp.error_as('coins_player', pg_temp.f(), p_discord, null, p_sql) ->> 'code' $$;
create function pg_temp.fm_state() returns jsonb language sql as $$
  select jsonb_build_object('events', (select count(*) from app_public.mm_events),
    'discord', (select jsonb_agg(to_jsonb(d) - 'updated_at') from app_public.mm_discord d),
    'admin_actions', (select count(*) from app_public.admin_actions)) $$;
create temp table snap as select pg_temp.fm_state() as s;
create temp table tr as select (app_private.mm_open_trade_for(pg_temp.uid(pg_temp.f(), 970000000000000011))).id;
select app_private.mm_set_counterparty_for((select id from tr), pg_temp.uid(pg_temp.f(), 970000000000000011), 970000000000000012);
update snap set s = pg_temp.fm_state();

select is(pg_temp.err(970000000000000013, format('select app_public.mm_attach_files(%s, %L, %L)', (select id from tr),
    '[{"url": "https://cdn.discordapp.com/a/1/x.png", "name": "x.png", "size": 10}]', '')), 'MM003',
  'a stranger cannot attach files to someone else''s trade: MM003');
select is(pg_temp.err(970000000000000012, format('select app_public.mm_attach_files(%s, %L, %L)', (select id from tr),
    '[{"url": "http://cdn.example/x.png", "name": "x.png", "size": 10}]', '')), 'VL001', 'a file that is not https: VL001');
select is(pg_temp.err(970000000000000012, format('select app_public.mm_attach_files(%s, %L, %L)', (select id from tr), '[]', '')), 'VL001',
  'no file: VL001');
select is(pg_temp.err(970000000000000012, format('select app_public.mm_attach_files(%s, %L, %L)', (select id from tr),
    '[{"url": "https://cdn.example/x.png", "name": "x.png", "size": 1.5}]', '')), 'VL001', 'a size that is not whole bytes: VL001');
select ok((select s = pg_temp.fm_state() from snap), '... refusals changed nothing');
select is((pg_temp.rows_as('coins_player', pg_temp.f(), 970000000000000012, null, format('select kind, actor, detail from app_public.mm_attach_files(%s, %L, %L)', (select id from tr),
    '[{"url": "https://cdn.discordapp.com/attachments/1/2/trade.png", "name": "trade.png", "size": 48213, "content_type": "image/png", "id": "123"}]',
    'the chest after the trade'))) -> 0,
  jsonb_build_object('kind', 'evidence', 'actor', 'counterparty', 'detail', jsonb_build_object('url', null, 'note', 'the chest after the trade',
    'attachments', '[{"url": "https://cdn.discordapp.com/attachments/1/2/trade.png", "name": "trade.png", "size": 48213, "content_type": "image/png", "id": "123"}]'::jsonb)),
  'the counterparty attaches a file: one evidence event with the URL and its metadata');

update snap set s = pg_temp.fm_state();
select is(pg_temp.error_as('coins_staff', pg_temp.f(), 970000000000000090, 'SUPPORT', 'select app_public.mm_set_ticket_mode(''thread'', ''threads please'')') ->> 'code',
  'PD001', 'SUPPORT cannot change the ticket mode: PD001');
select is(pg_temp.error_as('coins_staff', pg_temp.f(), 970000000000000090, 'ADMIN', 'select app_public.mm_set_ticket_mode(''forum'', ''threads please'')') ->> 'code',
  'VL001', 'an unknown mode: VL001');
select ok((select s = pg_temp.fm_state() from snap), '... changed nothing');
select is((pg_temp.rows_as('coins_staff', pg_temp.f(), 970000000000000090, 'ADMIN', 'select ticket_mode from app_public.mm_set_ticket_mode(''thread'', ''threads please'')')) -> 0 ->> 'ticket_mode',
  'thread', 'an ADMIN switches tickets to private threads');
select is((select jsonb_build_array(action, reason, after ->> 'ticket_mode') from app_public.admin_actions order by id desc limit 1),
  '["mm_set_ticket_mode", "threads please", "thread"]'::jsonb, '... audited with the reason');

select * from finish();
rollback;
