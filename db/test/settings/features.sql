begin;
select plan(26);
\ir ../lib/helpers.psql
-- Issue 14: guild currency display and feature toggles. Guild A = 910000000000000001 (alice ...011, bob ...012, staff
-- ...090); guild B = 920000000000000001 (carol ...011) keeps every feature on.
do $$
declare a bigint := 910000000000000001;
begin
  perform app_private.ensure_guild(a, 'Feature A');
  perform app_private.ensure_guild(920000000000000001, 'Feature B');
  perform app_private.ensure_member(a, 910000000000000011, 'alice');
  perform app_private.ensure_member(a, 910000000000000012, 'bob');
  perform app_private.ensure_member(a, 910000000000000090, 'sam');
  perform app_private.ensure_member(920000000000000001, 920000000000000011, 'carol');
  perform app_private.claim_daily_for(pg_temp.uid(a, 910000000000000011), 'seed-daily', now() - interval '2 days');
  insert into app_public.rewards (guild_id, sku, name, category, price) values (a, 'cookie', 'Cookie', 'cosmetic', 10);
  insert into app_public.quests (guild_id, title, prompt, answers, reward) values (a, 'Capital', 'Capital of France?', '{paris}', 10);
  insert into app_public.tasks (guild_id, name, reward) values (a, 'Welcome', 10);
end $$;

select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null, 'select app_public.guild_features() as f') -> 0 -> 'f',
  '{"currencyName": "coins", "currencySymbol": "", "features": {"cards": true, "shop": true, "tasks": true, "quests": true, "currency": true, "middleman": true}}'::jsonb,
  'defaults: "coins", no symbol, every feature on');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    $$update app_public.guild_settings set feature_shop = false$$) ->> 'code', 'PD001', 'an OPERATOR may not switch features (PD001)');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$update app_public.guild_settings set currency_name = 'gems'$$) ->> 'code', '42501', 'a member may not edit the settings');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$update app_public.guild_settings set currency_name = ' '$$) ->> 'code', '23514', 'a blank currency name is refused');
select is(pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$update app_public.guild_settings set currency_name = 'gems', currency_symbol = '💎',
        feature_currency = false, feature_shop = false, feature_quests = false, feature_tasks = false,
        feature_middleman = false, feature_cards = false$$), 1::bigint, 'an ADMIN names the currency and switches every feature off');
select is((select (after ->> 'currency_name') || '/' || (after ->> 'feature_shop') from app_public.admin_actions
            where action = 'update_guild_settings' order by id desc limit 1), 'gems/false', 'the change is audited');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null, 'select app_public.guild_features() as f') -> 0 -> 'f' ->> 'currencySymbol',
  '💎', 'guild_features shows the symbol');
select is(pg_temp.rows_as('coins_player', 920000000000000001, 920000000000000011, null, 'select app_public.guild_features() as f') -> 0 -> 'f' -> 'features' ->> 'currency',
  'true', 'guild B is untouched');

insert into snapshots values ('off', pg_temp.state());
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null, $$select app_public.claim_daily('k-daily')$$)::jsonb - 'detail',
  '{"code": "FT001", "key": "feature_disabled"}', 'currency off: /daily is refused (FT001)');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null, $$select app_public.claim_daily('k-daily')$$) -> 'detail' ->> 'feature',
  'currency', 'the refusal names the feature');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null, $$select app_public.give(910000000000000012, 5, 'k-give')$$) ->> 'code',
  'FT001', 'currency off: give is refused (FT001)');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000011), 'cookie', 1, 'k-buy')$$) ->> 'code',
  'FT001', 'shop off: a purchase is refused (FT001)');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.answer_quest_for(pg_temp.uid(910000000000000001, 910000000000000011),
    (select id from app_public.quests where title = 'Capital'), 'paris', 'k-quest')$$) ->> 'code', 'FT001', 'quests off: an answer is refused (FT001)');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.claim_task_for(pg_temp.uid(910000000000000001, 910000000000000011),
    (select id from app_public.tasks where name = 'Welcome'), null, 'k-task')$$) ->> 'code', 'FT001', 'tasks off: a claim is refused (FT001)');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.mm_open_trade_for(pg_temp.uid(910000000000000001, 910000000000000011))$$) ->> 'code',
  'FT001', 'middleman off: a new trade is refused (FT001)');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.draw_card_for(pg_temp.uid(910000000000000001, 910000000000000011), 'single', null, null, 'k-draw')$$) ->> 'code',
  'FT001', 'cards off: a draw is refused (FT001)');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.open_pack_for(pg_temp.uid(910000000000000001, 910000000000000011), 'standard-3', null, null, 'k-pack')$$) ->> 'code',
  'FT001', 'cards off: a pack is refused (FT001)');
select is(pg_temp.state(), (select state from snapshots where name = 'off'), 'the refusals changed nothing');
select is((select count(*) from app_public.mm_trades), 0::bigint, 'no middleman trade was opened');
select is((select count(*) from app_public.task_claims), 0::bigint, 'no task was claimed');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.require_feature(910000000000000001, 'moderation')$$) ->> 'code',
  'VL001', 'an unknown feature is an invalid argument');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.claim_daily_for(pg_temp.uid(920000000000000001, 920000000000000011), 'k-b')$$),
  null, 'guild B''s members still claim');

update app_public.guild_settings set feature_currency = true, feature_tasks = true where guild_id = 910000000000000001;
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null, $$select app_public.claim_daily('k-daily')$$),
  null, 'currency back on: the same request now succeeds');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null, $$select app_public.give(910000000000000012, 5, 'k-give')$$),
  null, 'and give works again');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.claim_task_for(pg_temp.uid(910000000000000001, 910000000000000011),
    (select id from app_public.tasks where name = 'Welcome'), null, 'k-task')$$), null, 'tasks back on: the claim succeeds');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000011), 'cookie', 1, 'k-buy')$$) ->> 'code',
  'FT001', 'the shop stays off until switched on');

select * from finish();
rollback;
