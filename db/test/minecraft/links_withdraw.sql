begin;
select plan(34);
\ir ../lib/helpers.psql
-- IGN links and withdrawals (issue 13, "Minecraft money for members and operators"): the link history (linked,
-- relinked, unlinked: who, how, why), /unlink by the member (once a day, never while a live trade or a payout needs
-- the name), staff unlink (audited), /withdraw limits in SQL (min, max, per rolling 24 h; middleman payouts do not
-- count). Refusals change nothing. Amounts of MCD in cents.
-- Guild K = 950000000000000001: kim ...011 (IGN Kim_MC), lou ...012 (IGN Lou_MC), max ...013 (no IGN), staff ...090.
-- Guild L = 960000000000000001: lee ...011 (IGN Lee_MC).
do $$
declare
  k bigint := 950000000000000001;
begin
  perform app_private.ensure_guild(k, 'Links guild');
  perform app_private.ensure_guild(960000000000000001, 'Links guild L');
  perform app_private.ensure_member(k, 950000000000000011, 'kim');
  perform app_private.ensure_member(k, 950000000000000012, 'lou');
  perform app_private.ensure_member(k, 950000000000000013, 'max');
  perform app_private.ensure_member(960000000000000001, 960000000000000011, 'lee');
  perform app_private.link_ign(k, pg_temp.uid(k, 950000000000000011), 'Kim_MC');
  perform app_private.link_ign(k, pg_temp.uid(k, 950000000000000012), 'Lou_MC');
  perform app_private.link_ign(960000000000000001, pg_temp.uid(960000000000000001, 960000000000000011), 'Lee_MC');
  update app_public.guild_settings set mc_withdraw_min = 100, mc_withdraw_max = 5000, mc_withdraw_daily_max = 8000 where guild_id = k;
end $$;
create function pg_temp.k() returns bigint language sql as $$ select 950000000000000001::bigint $$;
create function pg_temp.d(p_name text) returns bigint language sql as $$
  select case p_name when 'kim' then 950000000000000011 when 'lou' then 950000000000000012 when 'max' then 950000000000000013
                     when 'staff' then 950000000000000090 end::bigint $$;
create function pg_temp.as_member(p_name text, p_sql text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_player', pg_temp.k(), pg_temp.d(p_name), null, p_sql) $$;
create function pg_temp.err_member(p_name text, p_sql text) returns jsonb language sql as $$
  select pg_temp.error_as('coins_player', pg_temp.k(), pg_temp.d(p_name), null, p_sql) $$;
create function pg_temp.as_staff(p_role text, p_sql text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_staff', pg_temp.k(), pg_temp.d('staff'), p_role, p_sql) $$;
create function pg_temp.err_staff(p_role text, p_sql text) returns text language sql as $$
  select pg_temp.error_as('coins_staff', pg_temp.k(), pg_temp.d('staff'), p_role, p_sql) ->> 'code' $$;
create function pg_temp.pay(p_ign text, p_amount bigint, p_key text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_listener', pg_temp.k(), null, null,
    format('select id, status from app_hidden.record_payment(%L, %s, %L, now(), %L, %L)',
      p_ign, p_amount, p_ign || ' paid you $' || (p_amount / 100.0)::text, 'L:t', p_key)) -> 0 $$;
create function pg_temp.lw_state() returns jsonb language sql as $$
  select jsonb_build_object(
    'links', (select jsonb_agg(jsonb_build_array(user_id, ign) order by user_id) from app_public.minecraft_links),
    'history', (select count(*) from app_public.minecraft_link_history),
    'payouts', (select count(*) from app_public.minecraft_payouts),
    'accounts', (select jsonb_agg(jsonb_build_array(id, balance) order by id) from app_public.accounts),
    'transfers', (select count(*) from app_public.transfers),
    'admin_actions', (select count(*) from app_public.admin_actions)) $$;
create temp table snap (name text primary key, state jsonb);
create function pg_temp.snap(p_name text) returns void language sql as $$
  insert into snap values (p_name, pg_temp.lw_state()) on conflict (name) do update set state = excluded.state $$;
create function pg_temp.unchanged(p_name text) returns boolean language sql as $$
  select state = pg_temp.lw_state() from snap where name = p_name $$;

-- The history -------------------------------------------------------------------------------------------------------
select is((select jsonb_agg(jsonb_build_array(ign, action, via) order by id) from app_public.minecraft_link_history
            where user_id = pg_temp.uid(pg_temp.k(), pg_temp.d('kim'))),
  '[["Kim_MC", "linked", "system"]]'::jsonb, 'a link writes one history row (linked, via system for a fixture)');
select is((pg_temp.as_member('kim', 'select ign from app_public.minecraft_link_history')),
  '[{"ign": "Kim_MC"}]'::jsonb, 'a member reads only their own link history (RLS)');
select is(jsonb_array_length(pg_temp.as_staff('SUPPORT', 'select ign from app_public.minecraft_link_history')), 2,
  'staff read their guild''s link history, not another guild''s');

-- /unlink by the member --------------------------------------------------------------------------------------------
select pg_temp.snap('before');
select is(pg_temp.err_member('max', 'select app_public.unlink_my_ign(''x'')') ->> 'code', 'MC003',
  'unlinking without a link: MC003 ign_not_linked');
select ok(pg_temp.unchanged('before'), '... changed nothing');
-- A live trade expects Kim_MC's payment: the name stays.
create temp table tr as select (app_private.mm_open_trade_for(pg_temp.uid(pg_temp.k(), pg_temp.d('kim')))).id;
select app_private.mm_set_counterparty_for((select id from tr), pg_temp.uid(pg_temp.k(), pg_temp.d('kim')), pg_temp.d('lou'));
select app_private.mm_submit_form_for((select id from tr), pg_temp.uid(pg_temp.k(), pg_temp.d('kim')), 'seller', null, null, 10000, '');
select pg_temp.snap('trade');
select is(pg_temp.err_member('kim', 'select app_public.unlink_my_ign(''sold my account'')'),
  jsonb_build_object('code', 'LK001', 'key', 'link_in_use', 'detail', jsonb_build_object('ign', 'Kim_MC', 'used_by', 'mm-' || (select id from tr))),
  'unlinking while a live trade expects payments from the name: LK001 link_in_use naming the trade');
select ok(pg_temp.unchanged('trade'), '... changed nothing');
select app_private.mm_cancel_for(pg_temp.k(), (select id from tr), pg_temp.d('kim'), false, 'test', now());
select is((pg_temp.as_member('kim', 'select ign from app_public.unlink_my_ign(''sold my account'')')) -> 0 ->> 'ign', 'Kim_MC',
  'once the trade ended, the member unlinks: the old link is returned');
select ok(not exists (select 1 from app_public.minecraft_links where ign = 'Kim_MC'), '... the link is gone');
select is((select jsonb_build_array(ign, action, via, actor_discord_id::text, reason) from app_public.minecraft_link_history
            where user_id = pg_temp.uid(pg_temp.k(), pg_temp.d('kim')) order by id desc limit 1),
  jsonb_build_array('Kim_MC', 'unlinked', 'member', pg_temp.d('kim')::text, 'sold my account'),
  '... history: unlinked by the member, with the reason');
select app_private.link_ign(pg_temp.k(), pg_temp.uid(pg_temp.k(), pg_temp.d('kim')), 'Kim_Alt');
select pg_temp.snap('relinked');
select is(pg_temp.err_member('kim', 'select app_public.unlink_my_ign(null)') ->> 'code', 'LK002',
  'a second unlink within 24 hours: LK002 unlink_rate_limited');
select ok((pg_temp.err_member('kim', 'select app_public.unlink_my_ign(null)') -> 'detail' ->> 'retry_after_s')::bigint between 86000 and 86400,
  '... with the seconds to wait');
select ok(pg_temp.unchanged('relinked'), '... changed nothing');
-- Relinking to another name is one "relinked" row.
select app_private.link_ign(pg_temp.k(), pg_temp.uid(pg_temp.k(), pg_temp.d('kim')), 'Kim_Two');
select is((select jsonb_build_array(ign, previous_ign, action) from app_public.minecraft_link_history
            where user_id = pg_temp.uid(pg_temp.k(), pg_temp.d('kim')) order by id desc limit 1),
  '["Kim_Two", "Kim_Alt", "relinked"]'::jsonb, 'relinking to another name: one relinked row with the previous name');

-- Staff unlink -------------------------------------------------------------------------------------------------------
select pg_temp.snap('staff');
select is(pg_temp.err_staff('SUPPORT', format('select app_public.unlink_minecraft(%s, %L)', pg_temp.d('lou'), 'lost account')), 'PD001',
  'SUPPORT cannot unlink: PD001');
select is(pg_temp.err_staff('OPERATOR', format('select app_public.unlink_minecraft(%s, %L)', pg_temp.d('lou'), '')), 'RS001',
  'an unlink without a reason: RS001');
select is(pg_temp.err_staff('OPERATOR', format('select app_public.unlink_minecraft(%s, %L)', 960000000000000011, 'lost account')), 'MB002',
  'another guild''s member: MB002');
select ok(pg_temp.unchanged('staff'), '... changed nothing');
select is((pg_temp.as_staff('OPERATOR', format('select ign from app_public.unlink_minecraft(%s, %L)', pg_temp.d('lou'), 'lost account'))) -> 0 ->> 'ign',
  'Lou_MC', 'an OPERATOR unlinks a member with a reason');
select is((select jsonb_build_array(action, subject_id, before ->> 'ign', reason) from app_public.admin_actions order by id desc limit 1),
  jsonb_build_array('unlink_minecraft', pg_temp.d('lou')::text, 'Lou_MC', 'lost account'), '... audited with the link as it was');
select is((select jsonb_build_array(action, via, actor_discord_id::text, reason) from app_public.minecraft_link_history
            where user_id = pg_temp.uid(pg_temp.k(), pg_temp.d('lou')) order by id desc limit 1),
  jsonb_build_array('unlinked', 'staff', pg_temp.d('staff')::text, 'lost account'), '... history: unlinked by staff, with the reason');
select is((pg_temp.as_staff('OPERATOR', format('select ign from app_public.link_minecraft(%s, %L, %L)', pg_temp.d('lou'), 'Lou_MC', 'checked in game'))) -> 0 ->> 'ign',
  'Lou_MC', 'staff link the member again');
select is((select jsonb_build_array(action, via, reason) from app_public.minecraft_link_history
            where user_id = pg_temp.uid(pg_temp.k(), pg_temp.d('lou')) order by id desc limit 1),
  '["linked", "staff", "checked in game"]'::jsonb, '... history: linked by staff with the reason');

-- /withdraw limits ---------------------------------------------------------------------------------------------------
select pg_temp.pay('Lou_MC', 20000, 'w1');
select pg_temp.snap('withdraw');
select is(pg_temp.err_member('lou', 'select app_public.request_payout(99, ''w:a'')'),
  '{"code": "MM014", "key": "withdraw_out_of_range", "detail": {"amount": 99, "min": 100, "max": 5000}}'::jsonb,
  'a withdrawal under the guild''s minimum: MM014');
select is(pg_temp.err_member('lou', 'select app_public.request_payout(5001, ''w:b'')') ->> 'code', 'MM014',
  'a withdrawal over the maximum: MM014');
select is(pg_temp.err_member('lou', 'select app_public.request_payout(500, ''mm:1:payout:seller'')') ->> 'code', 'IK002',
  'a member cannot use the middleman''s key prefix: IK002');
select ok(pg_temp.unchanged('withdraw'), '... changed nothing');
select is((pg_temp.as_member('lou', 'select amount, kind from app_public.request_payout(5000, ''w:c'')')) -> 0,
  '{"amount": 5000, "kind": "withdrawal"}'::jsonb, 'a withdrawal within the limits is queued (kind withdrawal)');
select is((pg_temp.as_member('lou', 'select amount from app_public.request_payout(5000, ''w:c'')')) -> 0 ->> 'amount', '5000',
  'its replay returns the same payout, limits notwithstanding');
select pg_temp.snap('daily');
select is(pg_temp.err_member('lou', 'select app_public.request_payout(3001, ''w:d'')') ->> 'code', 'MM015',
  '5000 + 3001 in 24 hours is over the daily 8000: MM015 withdraw_daily_limit');
select ok(pg_temp.unchanged('daily'), '... changed nothing');
select is((select kind from app_private.request_payout_for(pg_temp.uid(pg_temp.k(), pg_temp.d('lou')), 6000, 'mm:0:verify:buyer')), 'mm',
  'a middleman payout (mm: key) is kind mm, outside the withdrawal limits');
select is((pg_temp.as_member('lou', 'select amount from app_public.request_payout(3000, ''w:e'')')) -> 0 ->> 'amount', '3000',
  '... and does not count: 5000 + 3000 withdrawn is within 8000');
select is((select count(*) from app_public.verify_ledger(pg_temp.k())), 0::bigint, 'verify_ledger is clean');

select * from finish();
rollback;
