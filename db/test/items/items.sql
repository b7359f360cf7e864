begin;
select plan(67);
\ir ../lib/helpers.psql
-- Issue 14: role and consumable shop items, /use, /inventory, timed roles removed by a job.
-- Guild A = 910000000000000001 (alice ...011, bob ...012; staff ...090) has the bot; guild B = 920000000000000001
-- (carol ...011) does not. t0 = 2031-01-01 12:00 UTC for the time walks.
do $$
declare
  a bigint := 910000000000000001;
begin
  perform app_private.ensure_guild(a, 'Items guild A');
  perform app_private.ensure_guild(920000000000000001, 'Items guild B');
  perform app_private.ensure_member(a, 910000000000000011, 'alice');
  perform app_private.ensure_member(a, 910000000000000012, 'bob');
  perform app_private.ensure_member(920000000000000001, 920000000000000011, 'carol');
  perform app_hidden.save_discord_setup(a, 11, 12, 13, 14, 15, 16);
  perform app_private.admin_adjust_by(910000000000000090, 'ADMIN', pg_temp.uid(a, 910000000000000011), 10000, 'items fixture', 'fund-a', now());
  perform app_private.admin_adjust_by(910000000000000090, 'ADMIN', pg_temp.uid(a, 910000000000000012), 10000, 'items fixture', 'fund-b', now());
end $$;
create temp table jobs_before as select id from graphile_worker.jobs;
create function pg_temp.jobs(p_task text, p_key text) returns bigint language sql as $$
  select count(*) from graphile_worker.jobs j where j.task_identifier = p_task and j.key = p_key and j.id not in (select id from jobs_before) $$;
create function pg_temp.buy(p_discord bigint, p_sku text, p_qty int, p_key text, p_at timestamptz default '2031-01-01 12:00Z')
returns app_public.orders language sql as $$
  select app_private.fulfil_order_core((app_private.buy_reward_for(pg_temp.uid(910000000000000001, p_discord), p_sku, p_qty, p_key, p_at)).order_id, null, 'test', p_at) $$;
create function pg_temp.grant_of(p_discord bigint, p_role bigint) returns app_public.role_grants language sql as $$
  select g.* from app_public.role_grants g where g.user_id = pg_temp.uid(910000000000000001, p_discord) and g.role_id = p_role
   order by g.id desc limit 1 $$;
create function pg_temp.istate() returns jsonb language sql as $$
  select pg_temp.state() || jsonb_build_object(
    'item_uses', (select count(*) from app_public.item_uses),
    'role_grants', (select jsonb_agg(to_jsonb(g) - 'updated_at' order by id) from app_public.role_grants g)) $$;

-- Staff define role and consumable items (OPERATOR+, column grants) -----------------------------------------------------
select is(pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    $$insert into app_public.rewards (guild_id, sku, name, category, price, role_id, role_action, role_duration_s)
      values (910000000000000001, 'vip-week', 'VIP for a week', 'rank', 500, 7001, 'grant', 604800)$$), 1::bigint,
  'an OPERATOR creates a timed role item');
select lives_ok($$insert into app_public.rewards (guild_id, sku, name, category, price, role_id, role_action, consumable, use_message) values
    (910000000000000001, 'unmute', 'Unmute token', 'cosmetic', 50, 7002, 'remove', true, 'You can speak again.'),
    (910000000000000001, 'cookie', 'Cookie', 'cosmetic', 10, null, null, true, 'Crunch.'),
    (910000000000000001, 'badge-pin', 'Pin', 'cosmetic', 5, null, null, false, ''),
    (910000000000000001, 'vip-forever', 'VIP forever', 'rank', 5000, 7001, 'grant', false, ''),
    (910000000000000001, 'boost-day', 'Boost for a day', 'rank', 100, 7003, 'grant', true, 'Boosted!')$$,
  'role items (granting for good or for a while, removing) and plain consumables');
update app_public.rewards set role_duration_s = 86400 where sku = 'boost-day';
select throws_ok($$insert into app_public.rewards (guild_id, sku, name, category, price, role_id, role_action, role_duration_s)
    values (910000000000000001, 'bad', 'Bad', 'rank', 1, 7001, 'remove', 3600)$$, '23514', null,
  'a duration only makes sense for a granted role (check constraint)');
select throws_ok($$insert into app_public.rewards (guild_id, sku, name, category, price, role_id)
    values (910000000000000001, 'bad2', 'Bad', 'rank', 1, 7001)$$, '23514', null, 'a role without an action is refused');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPPORT',
    $$update app_public.rewards set role_id = 1 where sku = 'cookie'$$) ->> 'code', 'PD001', 'SUPPORT may not change an item''s role');

-- A role item takes effect when its order is fulfilled: one grant, one job, units gone from the inventory ------------------
select is((pg_temp.buy(910000000000000011, 'vip-week', 1, 'buy-vip')).status, 'fulfilled'::app_public.order_status, 'alice buys a week of VIP');
select is(pg_temp.inv(910000000000000001, 910000000000000011, 'vip-week'), 0, 'a role item is used at delivery (it cannot be resold)');
select results_eq($$select action, status, expires_at, removal_status from app_public.role_grants
                    where user_id = pg_temp.uid(910000000000000001, 910000000000000011)$$,
  $$values ('grant'::text, 'pending'::text, '2031-01-08 12:00Z'::timestamptz, 'none'::text)$$,
  'the grant is pending and ends 7 days after the purchase');
select is(pg_temp.jobs('discord__role', 'discord__role:' || (pg_temp.grant_of(910000000000000011, 7001)).id), 1::bigint,
  'the grant queues discord__role (one job per grant)');
select is((select count(*) from app_public.item_uses where order_id is not null), 1::bigint, 'the use is recorded with its order');
select is(app_private.apply_purchase_effects((select o from app_public.orders o where o.buyer_id = pg_temp.uid(910000000000000001, 910000000000000011) limit 1), '2031-01-01 12:00Z'),
  0, 'applying the same order''s effects again does nothing (never doubled)');
select is((select count(*) from app_public.role_grants), 1::bigint, 'still one grant');
select ok(app_hidden.record_role_grant((pg_temp.grant_of(910000000000000011, 7001)).id, 'apply', true, null, '2031-01-01 12:01Z'),
  'the job records the role as applied');
select ok(not app_hidden.record_role_grant((pg_temp.grant_of(910000000000000011, 7001)).id, 'apply', false, 'late', '2031-01-01 12:02Z'),
  'a retried job records nothing more');
select is((pg_temp.grant_of(910000000000000011, 7001)).status, 'applied', 'applied');

-- Buying the same timed role again extends it instead of stacking a second grant ----------------------------------------
select is((pg_temp.buy(910000000000000011, 'vip-week', 2, 'buy-vip-2', '2031-01-03 12:00Z')).status, 'fulfilled'::app_public.order_status, 'alice buys two more weeks');
select is((select count(*) from app_public.role_grants), 1::bigint, 'no second grant');
select is((pg_temp.grant_of(910000000000000011, 7001)).expires_at, '2031-01-22 12:00Z'::timestamptz, 'the running grant ends 14 days later');

-- The removal job: due grants are queued once; a grant that never applied is superseded --------------------------------------
select is(app_hidden.expire_role_grants('2031-01-22 11:59Z'), 0, 'nothing is due before the end');
select is(app_hidden.expire_role_grants('2031-01-22 12:00Z'), 1, 'at the end the removal is due');
select is((pg_temp.grant_of(910000000000000011, 7001)).removal_status, 'pending', 'the removal is pending');
select is(pg_temp.jobs('discord__role_remove', 'discord__role_remove:' || (pg_temp.grant_of(910000000000000011, 7001)).id), 1::bigint,
  'it queues discord__role_remove');
select is(app_hidden.expire_role_grants('2031-01-23 12:00Z'), 0, 'a second run finds nothing');
select ok(app_hidden.record_role_grant((pg_temp.grant_of(910000000000000011, 7001)).id, 'remove', true, null, '2031-01-22 12:01Z'),
  'the job records the role removed');
select results_eq($$select removal_status, removed_at from app_public.role_grants$$,
  $$values ('removed'::text, '2031-01-22 12:01Z'::timestamptz)$$, 'removed, with its time');
select is(pg_temp.error_as('coins_worker', null, null, null, $$select app_hidden.record_role_grant(1, 'nope', true, null)$$) ->> 'code',
  'VL001', 'an unknown step is refused');

-- A permanent grant of the same role keeps it when a timed one ends -----------------------------------------------------------
select is((pg_temp.buy(910000000000000012, 'vip-forever', 1, 'buy-forever-b', '2031-02-01 12:00Z')).status, 'fulfilled'::app_public.order_status, 'bob buys VIP for good');
select is((pg_temp.buy(910000000000000012, 'vip-week', 1, 'buy-week-b', '2031-02-01 12:00Z')).status, 'fulfilled'::app_public.order_status, 'and a week of it');
select is(app_hidden.expire_role_grants('2031-02-09 00:00Z'), 1, 'the week ends');
select is((select removal_status from app_public.role_grants where user_id = pg_temp.uid(910000000000000001, 910000000000000012) and expires_at is not null),
  'superseded', 'the role stays: bob holds it for good');

-- Consumables: /use takes one unit and applies the effect; a replay returns the first answer ----------------------------------
select is((pg_temp.buy(910000000000000011, 'unmute', 2, 'buy-unmute')).status, 'fulfilled'::app_public.order_status, 'alice buys 2 unmute tokens');
select is(pg_temp.inv(910000000000000001, 910000000000000011, 'unmute'), 2, 'a consumable stays in the inventory');
select is((select count(*) from app_public.role_grants where role_id = 7002), 0::bigint, 'nothing happens until it is used');
select is(jsonb_array_length(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select * from app_public.my_inventory()$$)), 1, '/inventory lists the item alice owns');
create temp table use1 as select * from app_private.use_item_for(pg_temp.uid(910000000000000001, 910000000000000011), 'unmute', 'use-1', '2031-03-01 12:00Z');
select results_eq($$select sku, remaining, role_id, role_action, message from use1$$,
  $$values ('unmute'::text, 1, 7002::bigint, 'remove'::text, 'You can speak again.'::text)$$,
  'alice uses one: one left, the Muted role will be removed, and the item''s message');
select results_eq($$select action, status, expires_at from app_public.role_grants where role_id = 7002$$,
  $$values ('remove'::text, 'pending'::text, null::timestamptz)$$, 'a pending removal (no duration)');
select is(pg_temp.jobs('discord__role', 'discord__role:' || (pg_temp.grant_of(910000000000000011, 7002)).id), 1::bigint, 'queued for the bot');
select is((app_private.use_item_for(pg_temp.uid(910000000000000001, 910000000000000011), 'unmute', 'use-1', '2031-03-01 12:05Z')).use_id,
  (select use_id from use1), 'a replay of the same key returns the first use');
select is(pg_temp.inv(910000000000000001, 910000000000000011, 'unmute'), 1, 'and takes nothing more');
select is((pg_temp.buy(910000000000000011, 'cookie', 1, 'buy-cookie')).status, 'fulfilled'::app_public.order_status, 'alice buys a cookie');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select sku, remaining, role_id, message from app_public.use_item('cookie', 'use-cookie')$$),
  '[{"sku": "cookie", "remaining": 0, "role_id": null, "message": "Crunch."}]'::jsonb,
  'a member uses a plain consumable through the API: its message, no role');
select is(pg_temp.inv(910000000000000001, 910000000000000011, 'cookie'), 0, 'the cookie is eaten');
select is((select count(*) from app_public.item_uses where user_id = pg_temp.uid(910000000000000001, 910000000000000011) and order_id is null),
  2::bigint, 'two uses recorded');

-- A timed consumable: the duration starts at /use ------------------------------------------------------------------------------
select is((pg_temp.buy(910000000000000012, 'boost-day', 1, 'buy-boost')).status, 'fulfilled'::app_public.order_status, 'bob buys a boost');
select is((app_private.use_item_for(pg_temp.uid(910000000000000001, 910000000000000012), 'boost-day', 'use-boost', '2031-04-01 08:00Z')).role_expires_at,
  '2031-04-02 08:00Z'::timestamptz, 'used: the role lasts a day from the use');

-- Refusals change nothing --------------------------------------------------------------------------------------------------------
insert into snapshots values ('before', pg_temp.istate());
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_public.use_item('cookie', 'use-none')$$) ->> 'code', 'IN001', 'using an item one does not own: IN001');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_public.use_item('badge-pin', 'use-pin')$$) ->> 'code', 'IV002', 'an item without a use: IV002 item_not_usable');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_public.use_item('nothing', 'use-nothing')$$) ->> 'code', 'IV001', 'an unknown item: IV001 item_not_found');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_public.use_item('unmute', null)$$) ->> 'code', 'IK002', 'no idempotency key: IK002');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_public.use_item('cookie', 'use-1')$$) ->> 'code', 'IK001', 'a key reused for another request: IK001');
select is(pg_temp.error_as('coins_player', 920000000000000001, 920000000000000011, null,
    $$select app_public.use_item('unmute', 'use-b')$$) ->> 'code', 'IV001', 'another guild''s item does not exist for carol');
update app_public.users set frozen = true where id = pg_temp.uid(910000000000000001, 910000000000000011);
insert into snapshots values ('frozen', pg_temp.istate());
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_public.use_item('unmute', 'use-frozen')$$) ->> 'code', 'FZ001', 'a frozen member cannot use items');
select is(pg_temp.istate(), (select state from snapshots where name = 'frozen'), 'the frozen refusal changed nothing');
update app_public.users set frozen = false where id = pg_temp.uid(910000000000000001, 910000000000000011);
select is(pg_temp.istate(), (select state from snapshots where name = 'before'), 'the refusals changed nothing');

-- /inventory shows names, uses and what is on the market ------------------------------------------------------------------------
select is((pg_temp.buy(910000000000000012, 'badge-pin', 3, 'buy-pins')).status, 'fulfilled'::app_public.order_status, 'bob buys 3 pins');
select lives_ok($$select app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000012), 'badge-pin', 2, 5, 24, 1, null, 'list-pins')$$,
  'and lists 2 of them');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000012, null,
    $$select sku, name, quantity, consumable, tradable, listed from app_public.my_inventory()$$),
  '[{"sku": "badge-pin", "name": "Pin", "quantity": 1, "consumable": false, "tradable": true, "listed": 2}]'::jsonb,
  '/inventory: what bob still holds, and how many are listed');
-- A role item bought from another member works the same as from the shop
update app_public.rewards set role_id = 7004, role_action = 'grant' where sku = 'badge-pin';
select lives_ok($$select app_private.fulfil_order_core((app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000011),
    (select listing_id from app_public.listings where sku = 'badge-pin'), 1, 'market-pin')).order_id, null, 'test')$$,
  'the pin now grants a role; alice buys one of bob''s listed pins');
select results_eq($$select action, status from app_public.role_grants where role_id = 7004$$, $$values ('grant'::text, 'pending'::text)$$,
  'delivered: the role is granted to alice');
select is(pg_temp.inv(910000000000000001, 910000000000000011, 'badge-pin'), 0, 'and the pin is used at delivery');
select is(pg_temp.error_as('coins_anonymous', 910000000000000001, null, null, $$select * from app_public.my_inventory()$$) ->> 'code',
  '42501', 'anonymous callers cannot read an inventory');

-- Read access: a member sees their own uses and grants, staff their guild's -------------------------------------------------------
select is(jsonb_array_length(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null, $$select * from app_public.role_grants$$)),
  3, 'alice sees her 3 grants');
select is(jsonb_array_length(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR', $$select * from app_public.role_grants$$)),
  (select count(*)::int from app_public.role_grants), 'staff see every grant of their guild');
select is(jsonb_array_length(pg_temp.rows_as('coins_player', 920000000000000001, 920000000000000011, null, $$select * from app_public.item_uses$$)),
  0, 'carol (guild B) sees none of guild A''s uses');

-- No bot in the guild: a grant is recorded but no job is queued -------------------------------------------------------------------
insert into app_public.rewards (guild_id, sku, name, category, price, role_id, role_action) values (920000000000000001, 'role-b', 'Role B', 'rank', 1, 9001, 'grant');
select lives_ok($$select app_private.admin_adjust_by(920000000000000090, 'ADMIN', pg_temp.uid(920000000000000001, 920000000000000011), 10, 'fixture', 'fund-c', now())$$, 'carol is funded');
select lives_ok($$select app_private.fulfil_order_core((app_private.buy_reward_for(pg_temp.uid(920000000000000001, 920000000000000011), 'role-b', 1, 'buy-b')).order_id, null, 'test')$$,
  'carol buys a role item');
select is(pg_temp.jobs('discord__role', 'discord__role:' || (select id from app_public.role_grants where role_id = 9001)), 0::bigint,
  'no bot in guild B: the grant is recorded, no job queued');

select * from finish();
rollback;
