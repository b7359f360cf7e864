begin;
select plan(40);
\ir ../lib/helpers.psql
-- Issue 14: member notifications by DM. Guild A = 910000000000000001 has the bot (alice ...011 buys, bob ...012 sells;
-- staff ...090); guild B = 920000000000000001 (carol ...011) has no bot.
do $$
declare
  a bigint := 910000000000000001;
begin
  perform app_private.ensure_guild(a, 'Notify guild A');
  perform app_private.ensure_guild(920000000000000001, 'Notify guild B');
  perform app_private.ensure_member(a, 910000000000000011, 'alice');
  perform app_private.ensure_member(a, 910000000000000012, 'bob');
  perform app_private.ensure_member(a, 910000000000000090, 'sam');
  perform app_private.ensure_member(920000000000000001, 920000000000000011, 'carol');
  perform app_hidden.save_discord_setup(a, 11, 12, 13, 14, 15, 16);
  insert into app_public.rewards (guild_id, sku, name, category, price) values (a, 'sword', 'Sword', 'cosmetic', 10),
    (920000000000000001, 'sword', 'Sword', 'cosmetic', 10);
  perform app_private.admin_adjust_by(910000000000000091, 'ADMIN', pg_temp.uid(a, 910000000000000011), 1000, 'notify fixture', 'fund-a', now());
  perform app_private.admin_adjust_by(910000000000000091, 'ADMIN', pg_temp.uid(a, 910000000000000012), 1000, 'notify fixture', 'fund-b', now());
  perform app_private.admin_adjust_by(920000000000000091, 'ADMIN', pg_temp.uid(920000000000000001, 920000000000000011), 1000, 'notify fixture', 'fund-c', now());
end $$;
create temp table jobs_before as select id from graphile_worker.jobs;
create function pg_temp.jobs(p_task text, p_key text) returns bigint language sql as $$
  select count(*) from graphile_worker.jobs j where j.task_identifier = p_task and j.key = p_key and j.id not in (select id from jobs_before) $$;
create function pg_temp.notes(p_discord bigint, p_kind text) returns bigint language sql as $$
  select count(*) from app_public.notifications n where n.user_id = pg_temp.uid(910000000000000001, p_discord) and n.kind = p_kind $$;
create function pg_temp.nstate() returns jsonb language sql as $$
  select pg_temp.state() || jsonb_build_object(
    'notifications', (select jsonb_agg(to_jsonb(n) - 'updated_at' order by id) from app_public.notifications n),
    'settings', (select jsonb_agg(to_jsonb(s) - 'updated_at' order by user_id) from app_public.notification_settings s)) $$;

-- Defaults: the noisy kinds are off -------------------------------------------------------------------------------------
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null, $$select * from app_public.my_notification_settings()$$),
  '[{"listing_sold": true, "order_fulfilled": false, "order_refunded": true, "task_reviewed": true, "badge_awarded": true, "role_expired": false}]'::jsonb,
  'defaults: listing sold, refunds, reviews and badges on; every fulfilled order and expired roles off');

-- Your listing sold; your order was fulfilled (off by default) --------------------------------------------------------------
select lives_ok($$select app_private.fulfil_order_core((app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000012), 'sword', 2, 'shop-b')).order_id, null, 'test')$$,
  'bob buys 2 swords');
select is(pg_temp.notes(910000000000000012, 'order_fulfilled'), 0::bigint, 'no "order fulfilled" DM by default');
create temp table listing as select * from app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000012), 'sword', 2, 10, 24, 1, null, 'list-b');
create temp table sale as select * from app_private.fulfil_order_core((app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000011),
  (select listing_id from listing), 1, 'market-a')).order_id, null, 'test');
select is(pg_temp.notes(910000000000000012, 'listing_sold'), 1::bigint, 'bob is told his listing sold');
select results_eq($$select payload ->> 'sku', (payload ->> 'qty')::int, (payload ->> 'net')::bigint, (payload ->> 'qty_left')::int, status
                      from app_public.notifications where kind = 'listing_sold'$$,
  $$values ('sword'::text, 1, (select escrow - fee from sale), 1, 'pending'::text)$$, 'with what sold, his net and what is left');
select is(pg_temp.jobs('discord__notify', 'discord__notify:' || (select id from app_public.notifications where kind = 'listing_sold')), 1::bigint,
  'the DM is a discord__notify job');
select is((select max_attempts from graphile_worker.jobs where key = 'discord__notify:' || (select id from app_public.notifications where kind = 'listing_sold')),
  3::smallint, 'tried at most 3 times');
select is(pg_temp.notes(910000000000000011, 'order_fulfilled'), 0::bigint, 'alice''s fulfilled market order: no DM (off by default)');
select is(app_private.notify(pg_temp.uid(910000000000000001, 910000000000000012), 'listing_sold', 'order:' || (select order_id from sale), '{}', now()),
  null, 'the same event again notifies nobody (one per member, kind and subject)');

-- A member turns a kind on or off ----------------------------------------------------------------------------------------------
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null, $$select order_fulfilled from app_public.set_notification('order_fulfilled', true)$$),
  '[{"order_fulfilled": true}]'::jsonb, 'alice turns "order fulfilled" on');
select lives_ok($$select app_private.fulfil_order_core((app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000011), 'sword', 1, 'shop-a')).order_id, null, 'test')$$,
  'alice buys a sword');
select is(pg_temp.notes(910000000000000011, 'order_fulfilled'), 1::bigint, 'now she is told');
select lives_ok($$select pg_temp.run_as('coins_player', 910000000000000001, 910000000000000012, null, $q$select app_public.set_notification('listing_sold', false)$q$)$$,
  'bob turns "listing sold" off');
select lives_ok($$select app_private.fulfil_order_core((app_private.buy_listing_for(pg_temp.uid(910000000000000001, 910000000000000011),
  (select listing_id from listing), 1, 'market-a2')).order_id, null, 'test')$$, 'alice buys his last sword');
select is(pg_temp.notes(910000000000000012, 'listing_sold'), 1::bigint, 'bob is not told any more');
select is((select listing_sold from app_public.notification_settings where user_id = pg_temp.uid(910000000000000001, 910000000000000012)), false,
  'his choice is stored');

-- Refunds are told; a buyer's own cancellation is not ---------------------------------------------------------------------------
create temp table pending_a as select * from app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000011), 'sword', 1, 'shop-a2');
select lives_ok($$select app_private.refund_order_core((select order_id from pending_a), 'refunded', 910000000000000091, 'out of stock in game')$$, 'staff refund alice''s order');
select results_eq($$select kind, payload ->> 'reason', (payload ->> 'amount')::bigint from app_public.notifications
                     where user_id = pg_temp.uid(910000000000000001, 910000000000000011) and kind = 'order_refunded'$$,
  $$values ('order_refunded'::text, 'out of stock in game'::text, 10::bigint)$$, 'alice is told her order was refunded and why');
create temp table pending_a3 as select * from app_private.buy_reward_for(pg_temp.uid(910000000000000001, 910000000000000011), 'sword', 1, 'shop-a3');
select lives_ok($$select app_private.refund_order_core((select order_id from pending_a3), 'cancelled', null, 'changed my mind')$$, 'alice cancels an order');
select is((select count(*) from app_public.notifications where subject = 'order:' || (select order_id from pending_a3)), 0::bigint,
  'her own cancellation tells nobody');

-- Task reviews: the claim's DM follows the same setting ----------------------------------------------------------------------
select set_config('app.guild_id', '910000000000000001', true);
insert into app_public.tasks (guild_id, name, reward) values (910000000000000001, 'Review me', 5), (910000000000000001, 'Review me too', 5);
select lives_ok($$select app_private.claim_task_for(pg_temp.uid(910000000000000001, 910000000000000011), (select id from app_public.tasks where name = 'Review me'), null, 'c1');
  select app_private.submit_task_proof_for(pg_temp.uid(910000000000000001, 910000000000000011), (select id from app_public.tasks where name = 'Review me'), 'done', '[]', 's1')$$,
  'alice claims a task and submits proof');
select is((app_private.review_task_claim_by(910000000000000090, 'ADMIN', (select id from app_public.task_claims where task_id = (select id from app_public.tasks where name = 'Review me')), true, 'nice', 'r1')).dm_status,
  'pending', 'reviewed: her DM is queued (task_reviewed is on by default)');
select lives_ok($$select pg_temp.run_as('coins_player', 910000000000000001, 910000000000000011, null, $q$select app_public.set_notification('task_reviewed', false)$q$)$$,
  'alice turns review DMs off');
select lives_ok($$select app_private.claim_task_for(pg_temp.uid(910000000000000001, 910000000000000011), (select id from app_public.tasks where name = 'Review me too'), null, 'c2');
  select app_private.submit_task_proof_for(pg_temp.uid(910000000000000001, 910000000000000011), (select id from app_public.tasks where name = 'Review me too'), 'done', '[]', 's2')$$,
  'another claim and proof');
select set_config('app.guild_id', '910000000000000001', true);
select is((app_private.review_task_claim_by(910000000000000090, 'ADMIN', (select id from app_public.task_claims where task_id = (select id from app_public.tasks where name = 'Review me too')), false, 'not enough', 'r2')).dm_status,
  'none', 'reviewed again: no DM');

-- The job records the outcome once ---------------------------------------------------------------------------------------------
select ok(app_hidden.record_notification((select id from app_public.notifications where kind = 'listing_sold'), true, null), 'the DM is recorded sent');
select ok(not app_hidden.record_notification((select id from app_public.notifications where kind = 'listing_sold'), false, 'late'), 'a retry records nothing more');
select results_eq($$select status, error from app_public.notifications where kind = 'listing_sold'$$, $$values ('sent'::text, null::text)$$, 'sent');
select ok(app_hidden.record_notification((select id from app_public.notifications where kind = 'order_refunded'), false, 'Cannot send messages to this user'),
  'a refused DM is recorded failed');
select results_eq($$select status, error from app_public.notifications where kind = 'order_refunded'$$,
  $$values ('failed'::text, 'Cannot send messages to this user'::text)$$, 'failed, with Discord''s answer');
select is(app_hidden.discord_notification((select id from app_public.notifications where kind = 'order_refunded')) ->> 'member_discord_id',
  '910000000000000011', 'the job reads who to DM');

-- No bot: nobody to DM with ----------------------------------------------------------------------------------------------------
select lives_ok($$select app_private.fulfil_order_core((app_private.buy_reward_for(pg_temp.uid(920000000000000001, 920000000000000011), 'sword', 1, 'shop-c')).order_id, null, 'x')$$,
  'carol (guild B, no bot) buys a sword: a first-purchase badge, which would be DMed');
select is((select count(*) from app_public.notifications where guild_id = 920000000000000001), 0::bigint, 'no notification without a bot');

-- Refusals change nothing; reads are the member's own -------------------------------------------------------------------------------
insert into snapshots values ('before', pg_temp.nstate());
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null, $$select app_public.set_notification('spam', true)$$) ->> 'code',
  'NT001', 'an unknown kind: NT001');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null, $$select app_public.set_notification('listing_sold', null)$$) ->> 'code',
  'VL001', 'no value: VL001');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000099, null, $$select app_public.set_notification('listing_sold', true)$$) ->> 'code',
  'MB001', 'a non-member: MB001');
select is(pg_temp.error_as('coins_anonymous', 910000000000000001, null, null, $$select app_public.set_notification('listing_sold', true)$$) ->> 'code',
  '42501', 'anonymous: no access');
select is(pg_temp.nstate(), (select state from snapshots where name = 'before'), 'the refusals changed nothing');
select is(jsonb_array_length(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000012, null, $$select * from app_public.notifications$$)),
  pg_temp.notes(910000000000000012, 'listing_sold')::int + pg_temp.notes(910000000000000012, 'badge_awarded')::int, 'bob sees only his notifications');
select is(jsonb_array_length(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000091, 'SUPPORT', $$select * from app_public.notifications$$)),
  (select count(*)::int from app_public.notifications where guild_id = 910000000000000001), 'staff see their guild''s');

select * from finish();
rollback;
