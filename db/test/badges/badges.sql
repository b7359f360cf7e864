begin;
select plan(35);
\ir ../lib/helpers.psql
-- Issue 14: badges awarded by rules in SQL. Guild A = 910000000000000001 (alice ...011, bob ...012; staff ...090/...091).
do $$
declare
  a bigint := 910000000000000001;
begin
  perform app_private.ensure_guild(a, 'Badge guild A');
  perform app_private.ensure_guild(920000000000000001, 'Badge guild B');
  perform app_private.ensure_member(a, 910000000000000011, 'alice');
  perform app_private.ensure_member(a, 910000000000000012, 'bob');
  perform app_private.ensure_member(a, 910000000000000090, 'sam');
  perform app_private.ensure_member(920000000000000001, 920000000000000011, 'carol');
  insert into app_public.rewards (guild_id, sku, name, category, price) values (a, 'sword', 'Sword', 'cosmetic', 10);
  perform app_private.admin_adjust_by(910000000000000091, 'ADMIN', pg_temp.uid(a, 910000000000000011), 1000, 'badge fixture', 'fund-a', now());
  perform app_private.admin_adjust_by(910000000000000091, 'ADMIN', pg_temp.uid(a, 910000000000000012), 1000, 'badge fixture', 'fund-b', now());
end $$;
create function pg_temp.has(p_discord bigint, p_code text) returns boolean language sql as $$
  select exists (select 1 from app_public.member_badges m where m.user_id = pg_temp.uid(910000000000000001, p_discord) and m.badge_code = p_code) $$;
create function pg_temp.bstate() returns jsonb language sql as $$
  select pg_temp.state() || jsonb_build_object(
    'badges', (select jsonb_agg(to_jsonb(b) - 'updated_at' order by guild_id, code) from app_public.badges b),
    'member_badges', (select jsonb_agg(to_jsonb(m) order by user_id, badge_code) from app_public.member_badges m)) $$;

-- Every guild has the default badges ---------------------------------------------------------------------------------------
select is((select count(*) from app_public.badges where guild_id = 910000000000000001), 7::bigint, 'a new guild gets the 7 default badges');
select results_eq($$select rule, threshold from app_public.badges where guild_id = 910000000000000001 and code in ('first_sale', 'streak_7', 'tasks_10') order by code$$,
  $$values ('sales'::text, 1), ('daily_streak'::text, 7), ('tasks_done'::text, 10)$$, 'first sale, 7-day streak, 10 tasks done');
select is(app_private.ensure_default_badges(910000000000000001), 0, 'ensuring them again adds nothing');

-- Staff tune the catalogue (OPERATOR+), audited ------------------------------------------------------------------------------
select is(pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000091, 'OPERATOR',
    $$update app_public.badges set threshold = 2 where code = 'tasks_10'$$), 1::bigint, 'an OPERATOR lowers the tasks badge to 2');
select is((select count(*) from app_public.admin_actions where action = 'update_badge'), 1::bigint, 'audited');
select is(pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000091, 'ADMIN',
    $$insert into app_public.badges (guild_id, code, name, rule, threshold) values (910000000000000001, 'big_spender', 'Big Spender', 'purchases', 3)$$),
  1::bigint, 'an ADMIN adds a badge');
insert into snapshots values ('before', pg_temp.bstate());
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000091, 'SUPPORT', $$update app_public.badges set threshold = 1 where code = 'streak_7'$$) ->> 'code',
  'PD001', 'SUPPORT may not edit badges');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null, $$update app_public.badges set threshold = 1 where code = 'streak_7'$$) ->> 'code',
  '42501', 'members may not edit badges');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000091, 'ADMIN', $$insert into app_public.badges (guild_id, code, name, rule, threshold) values (910000000000000001, 'x', 'X', 'vibes', 1)$$) ->> 'code',
  '23514', 'an unknown rule is refused');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000091, 'ADMIN', $$delete from app_public.badges where code = 'streak_7'$$) ->> 'code',
  '42501', 'badges are disabled, not deleted');
select is(pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000091, 'ADMIN', $$update app_public.badges set threshold = 1 where guild_id = 920000000000000001$$),
  0::bigint, 'another guild''s badges are out of reach');
select is(pg_temp.bstate(), (select state from snapshots where name = 'before'), 'the refusals changed nothing');

-- First purchase and first sale, on the order's fulfilment -------------------------------------------------------------------
select lives_ok($$select app_private.fulfil_order_core((app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000012), 'sword', 2, 'shop-b')).order_id, null, 'test')$$,
  'bob buys 2 swords');
select ok(pg_temp.has(910000000000000012, 'first_purchase'), 'bob: Shopper');
select ok(not pg_temp.has(910000000000000012, 'first_sale'), 'not yet a seller');
create temp table listing as select * from app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000012), 'sword', 2, 10, 24, 1, null, 'list-b');
create temp table order_a as select * from app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000011), (select listing_id from listing), 1, 'market-a');
select ok(not pg_temp.has(910000000000000012, 'first_sale'), 'a pending order is not a sale yet');
select lives_ok($$select app_private.fulfil_order_core((select order_id from order_a), null, 'test')$$, 'the order is fulfilled');
select ok(pg_temp.has(910000000000000012, 'first_sale'), 'bob: First Sale');
select ok(pg_temp.has(910000000000000011, 'first_purchase'), 'alice: Shopper');
select results_eq($$select detail ->> 'rule', (detail ->> 'value')::int from app_public.member_badges where badge_code = 'first_sale'$$,
  $$values ('sales'::text, 1)$$, 'the badge records the rule and the count that earned it');
select is(app_private.award_badges(pg_temp.uid(910000000000000001, 910000000000000012)), 0, 'evaluating again awards nothing twice');

-- Tasks done (threshold lowered to 2), on acceptance ----------------------------------------------------------------------------
select set_config('app.guild_id', '910000000000000001', true);
insert into app_public.tasks (guild_id, name, reward) values (910000000000000001, 'T1', 1), (910000000000000001, 'T2', 1);
select lives_ok($$
  select app_private.claim_task_for(pg_temp.uid(910000000000000001, 910000000000000011), t.id, null, 'c' || t.name),
         app_private.submit_task_proof_for(pg_temp.uid(910000000000000001, 910000000000000011), t.id, 'done', '[]', 's' || t.name)
    from app_public.tasks t where t.name in ('T1', 'T2')$$, 'alice claims and submits two tasks');
select lives_ok($$select app_private.review_task_claim_by(910000000000000090, 'ADMIN', c.id, true, 'ok', 'r' || c.id) from app_public.task_claims c
   where c.task_id = (select id from app_public.tasks where name = 'T1')$$, 'one is accepted');
select ok(not pg_temp.has(910000000000000011, 'tasks_10'), 'one task is not enough');
select lives_ok($$select app_private.review_task_claim_by(910000000000000090, 'ADMIN', c.id, true, 'ok', 'r' || c.id) from app_public.task_claims c
   where c.task_id = (select id from app_public.tasks where name = 'T2')$$, 'the second is accepted');
select ok(pg_temp.has(910000000000000011, 'tasks_10'), 'alice: Task Master (at the lowered threshold)');

-- Streaks: the badges__award job --------------------------------------------------------------------------------------------------
update app_public.users set streak_days = 7 where id = pg_temp.uid(910000000000000001, 910000000000000011);
update app_public.users set streak_days = 6 where id = pg_temp.uid(910000000000000001, 910000000000000012);
select is(app_hidden.award_badges_all(), 1, 'the job awards alice''s 7-day streak (bob''s 6 days are not enough)');
select ok(pg_temp.has(910000000000000011, 'streak_7') and not pg_temp.has(910000000000000012, 'streak_7'), 'only alice');
select is(app_hidden.award_badges_all(), 0, 'a second run awards nothing');
update app_public.badges set enabled = false where code = 'streak_7';
update app_public.users set streak_days = 8 where id = pg_temp.uid(910000000000000001, 910000000000000012);
select is(app_hidden.award_badges_all(), 0, 'a disabled badge is not awarded');
select ok(pg_temp.has(910000000000000011, 'streak_7'), 'but one already earned is kept');

-- The card shows them; members see who holds which in their guild ------------------------------------------------------------------
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select jsonb_path_query_array(badges, '$[*].name') as names from app_public.my_card()$$),
  '[{"names": ["Shopper", "7-Day Streak", "Task Master"]}]'::jsonb, 'alice''s card lists her badges (oldest first, then by code)');
select is(jsonb_array_length(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null, $$select * from app_public.member_badges$$)),
  (select count(*)::int from app_public.member_badges where guild_id = 910000000000000001), 'members see every badge of their guild');
select is(jsonb_array_length(pg_temp.rows_as('coins_player', 920000000000000001, 920000000000000011, null, $$select * from app_public.member_badges$$)),
  0, 'carol sees none of guild A''s');
select is(jsonb_array_length(pg_temp.rows_as('coins_player', 920000000000000001, 920000000000000011, null, $$select * from app_public.badges$$)),
  7, 'carol sees her own guild''s catalogue');

select * from finish();
rollback;
