begin;
select plan(2181);
\ir ../lib/helpers.psql
-- Fixtures. Guild A = 910000000000000001: alice ...011 (the player), bob ...012, dave ...014; staff ...090.
-- Guild B = 920000000000000001: carol ...011, ellen ...012; staff ...090.
-- Every table gets rows in both guilds, and guild A has rows that involve alice and rows that do not.
-- Marketplace (000002): rewards sword (visible), hidden (invisible) and unused (never bought) in A, sword and unused
-- in B; bob buys 2 swords in the shop and lists them, alice buys 1 of bob's (fulfilled), dave buys a sword in the shop
-- (pending); carol buys a sword and lists it, ellen buys it (fulfilled). Then the jobs: pricing rollup, daily digest,
-- leaderboards, and ops alerts for A, B and every guild (guild_id null).
do $$
declare
  a bigint := 910000000000000001;
  b bigint := 920000000000000001;
begin
  perform app_private.ensure_guild(a, 'RLS guild A');
  perform app_private.ensure_guild(b, 'RLS guild B');
  perform app_private.ensure_member(a, 910000000000000011, 'alice');
  perform app_private.ensure_member(a, 910000000000000012, 'bob');
  perform app_private.ensure_member(a, 910000000000000014, 'dave');
  perform app_private.ensure_member(b, 920000000000000011, 'carol');
  perform app_private.ensure_member(b, 920000000000000012, 'ellen');
  perform app_private.claim_daily_for(pg_temp.uid(a, 910000000000000011), 'claim-a', now() - interval '3 hours');
  perform app_private.claim_daily_for(pg_temp.uid(a, 910000000000000012), 'claim-b', now() - interval '3 hours');
  perform app_private.give_from(pg_temp.uid(a, 910000000000000011), 910000000000000012, 10, 'give-a', now() - interval '2 hours');
  perform app_private.give_from(pg_temp.uid(a, 910000000000000012), 910000000000000014, 20, 'give-b', now() - interval '2 hours');
  perform app_private.admin_adjust_by(910000000000000090, 'ADMIN', pg_temp.uid(a, 910000000000000014), 5, 'rls fixture', 'adjust-a', now() - interval '1 hour');
  perform app_private.hold(a, pg_temp.uid(a, 910000000000000012), 15, 'order', now() + interval '15 minutes');
  perform app_private.claim_daily_for(pg_temp.uid(b, 920000000000000011), 'claim-c', now() - interval '3 hours');
  perform app_private.give_from(pg_temp.uid(b, 920000000000000011), 920000000000000012, 10, 'give-c', now() - interval '2 hours');
  perform app_private.admin_adjust_by(920000000000000090, 'ADMIN', pg_temp.uid(b, 920000000000000012), 5, 'rls fixture', 'adjust-c', now() - interval '1 hour');
  perform app_private.open_session(sha256('token-alice'), a, 910000000000000011, 'player', null, 'dev', 3600);
  perform app_private.open_session(sha256('token-staff-a'), a, 910000000000000090, 'staff', 'ADMIN', 'dev', 3600);
  perform app_private.open_session(sha256('token-carol'), b, 920000000000000011, 'player', null, 'dev', 3600);
  insert into app_public.rewards (guild_id, sku, name, category, price, visible) values
    (a, 'sword', 'Sword', 'cosmetic', 10, true), (a, 'hidden', 'Hidden', 'cosmetic', 10, false),
    (a, 'unused', 'Unused', 'cosmetic', 5, true), (b, 'sword', 'Sword', 'cosmetic', 10, true),
    (b, 'unused', 'Unused', 'cosmetic', 5, true);
  perform app_private.fulfil_order_core((app_private.buy_reward_for(pg_temp.uid(a, 910000000000000012), 'sword', 2, 'shop-b')).order_id, null, 'rls fixture');
  perform app_private.fulfil_order_core((app_private.buy_listing_for(pg_temp.uid(a, 910000000000000011),
    (app_private.create_listing_for(pg_temp.uid(a, 910000000000000012), 'sword', 2, 10, 24, 1, null, 'list-b')).listing_id,
    1, 'market-a')).order_id, null, 'rls fixture');
  perform app_private.buy_reward_for(pg_temp.uid(a, 910000000000000014), 'sword', 1, 'shop-d');
  perform app_private.fulfil_order_core((app_private.buy_reward_for(pg_temp.uid(b, 920000000000000011), 'sword', 1, 'shop-c')).order_id, null, 'rls fixture');
  perform app_private.fulfil_order_core((app_private.buy_listing_for(pg_temp.uid(b, 920000000000000012),
    (app_private.create_listing_for(pg_temp.uid(b, 920000000000000011), 'sword', 1, 10, 24, 1, null, 'list-c')).listing_id,
    1, 'market-e')).order_id, null, 'rls fixture');
  perform app_hidden.pricing_rollup(now());
  perform app_hidden.daily_digest((now() at time zone 'UTC')::date);
  perform app_hidden.refresh_leaderboard(a);
  perform app_hidden.refresh_leaderboard(b);
  perform app_hidden.raise_alert(a, 'info', 'rls_fixture', 'alert of guild A');
  perform app_hidden.raise_alert(b, 'info', 'rls_fixture', 'alert of guild B');
  perform app_hidden.raise_alert(null, 'warning', 'rls_fixture', 'alert of every guild');
  -- 000006: role mappings and quests in both guilds; attempts by alice and bob (A) and carol (B)
  insert into app_public.staff_role_mappings (guild_id, discord_role_id, staff_role) values
    (a, 500, 'OPERATOR'), (a, 501, 'AUDITOR'), (b, 600, 'ADMIN');
  insert into app_public.quests (guild_id, title, prompt, answers, reward, active) values
    (a, 'Capital', 'Capital of France?', '{paris}', 10, true), (a, 'Retired', 'Old', '{x}', 10, false),
    (a, 'Unused', 'Never tried', '{y}', 10, true), (b, 'B quest', 'B?', '{b}', 10, true);
  -- panel (issue #5): an economy event in each guild; a panel session of guild A refreshed once (a rotated token)
  insert into app_public.economy_events (guild_id, kind, value, title, starts_at, ends_at, started_by) values
    (a, 'daily_multiplier', 2, 'A event', now(), now() + interval '1 day', 910000000000000090),
    (b, 'shop_discount', 0.1, 'B event', now(), now() + interval '1 day', 920000000000000090);
  perform app_private.open_panel_session(sha256('panel-a'), sha256('refresh-a'), a, 910000000000000090, 'ADMIN', 900, 43200);
  perform app_private.refresh_session(sha256('refresh-a'), sha256('panel-a2'), sha256('refresh-a2'), 900);
  perform app_private.answer_quest_for(pg_temp.uid(a, 910000000000000011), (select id from app_public.quests where title = 'Capital'), 'paris', null, now() - interval '1 hour');
  perform app_private.answer_quest_for(pg_temp.uid(a, 910000000000000012), (select id from app_public.quests where title = 'Capital'), 'lyon', null, now() - interval '1 hour');
  perform app_private.answer_quest_for(pg_temp.uid(b, 920000000000000011), (select id from app_public.quests where title = 'B quest'), 'b', null, now() - interval '1 hour');
  -- 000007: the bot is set up in both guilds (channels, hub and leaderboard messages)
  perform app_hidden.save_discord_setup(a, 11, 12, 13, 14, 15, 16);
  perform app_hidden.save_discord_setup(b, 21, 22, 23, 24, 25, 26);
  -- issue 14: tasks in both guilds (and a deleted one in A); alice and bob claim A's task, carol B's
  insert into app_public.tasks (guild_id, name, reward) values (a, 'Task A', 10), (b, 'Task B', 10);
  insert into app_public.tasks (guild_id, name, reward, status) values (a, 'Task A gone', 10, 'deleted');
  perform app_private.claim_task_for(pg_temp.uid(a, 910000000000000011), (select id from app_public.tasks where name = 'Task A'), null, null);
  perform app_private.claim_task_for(pg_temp.uid(a, 910000000000000012), (select id from app_public.tasks where name = 'Task A'), null, null);
  perform app_private.claim_task_for(pg_temp.uid(b, 920000000000000011), (select id from app_public.tasks where name = 'Task B'), null, null);
  -- issue 14: saved embeds, announcements, custom commands in both guilds ('unused' ones nothing refers to)
  insert into app_public.saved_embeds (guild_id, name, embed) values
    (a, 'Embed A', '{"title": "A"}'), (a, 'Embed unused', '{"title": "U"}'), (b, 'Embed B', '{"title": "B"}');
  insert into app_public.announcements (guild_id, channel_id, content) values (a, 31, 'Announcement A'), (b, 32, 'Announcement B');
  insert into app_public.custom_commands (guild_id, name, response) values (a, 'cmd-a', 'A'), (a, 'unused', 'U'), (b, 'cmd-b', 'B');
  -- issue 14, the member side: item uses and role grants of alice and bob (A) and carol (B); DM settings and DMs of
  -- the same; the default badges (every guild has them) held by alice and carol; a season in each guild
  insert into app_public.item_uses (guild_id, user_id, sku) values (a, pg_temp.uid(a, 910000000000000011), 'sword'),
    (a, pg_temp.uid(a, 910000000000000012), 'sword'), (b, pg_temp.uid(b, 920000000000000011), 'sword');
  insert into app_public.role_grants (guild_id, user_id, role_id, action, sku, use_id)
    select u.guild_id, u.user_id, 77, 'grant', 'sword', u.id from app_public.item_uses u;
  insert into app_public.notification_settings (user_id, guild_id)
    values (pg_temp.uid(a, 910000000000000011), a), (pg_temp.uid(a, 910000000000000012), a), (pg_temp.uid(b, 920000000000000011), b);
  insert into app_public.notifications (guild_id, user_id, kind, subject)
    values (a, pg_temp.uid(a, 910000000000000011), 'badge_awarded', 'badge:x'), (a, pg_temp.uid(a, 910000000000000012), 'badge_awarded', 'badge:x'),
           (b, pg_temp.uid(b, 920000000000000011), 'badge_awarded', 'badge:x');
  insert into app_public.member_badges (guild_id, user_id, badge_code)
    values (a, pg_temp.uid(a, 910000000000000011), 'streak_30'), (b, pg_temp.uid(b, 920000000000000011), 'streak_30');
  perform app_private.start_season_for(a, 'Season A', 30, true, null);
  perform app_private.start_season_for(b, 'Season B', 30, true, null);
  -- issue 14 (panel): archived copies of every transaction (alice's and others', both guilds), an archive run, the bot
  -- presence, the live community events (the task, claim and announcement inserts above wrote them in both guilds), and
  -- the guilds the panel session of A may switch to
  insert into app_public.transactions_archive select t.*, now() from app_public.transactions t;
  insert into app_public.transaction_archive_runs (guild_id, before, archived, amount_total, actor_id, reason) values
    (a, now() - interval '90 days', 0, 0, 910000000000000090, 'rls fixture'), (b, now() - interval '90 days', 0, 0, 920000000000000090, 'rls fixture');
  insert into app_public.bot_presence (guild_id, status, updated_by) values (a, 'online', 910000000000000090), (b, 'idle', 920000000000000090);
  insert into app_private.session_guilds (session_id, guild_id) select id, a from app_private.sessions where kind = 'staff';
end $$;

-- Who acts (always with the claims of guild A) ---------------------------------------------------------------------------
create temp table contexts (ord int primary key, label text, role text, staff_role text, discord_id bigint, class text);
insert into contexts values
  (1,  'coins_anonymous',                   'coins_anonymous', null,         910000000000000011, 'anonymous'),
  (2,  'coins_player (alice)',              'coins_player',    null,         910000000000000011, 'player'),
  (3,  'coins_player with staff_role claim','coins_player',    'SUPERADMIN', 910000000000000011, 'player'),
  (4,  'coins_staff SUPERADMIN',            'coins_staff',     'SUPERADMIN', 910000000000000090, 'staff'),
  (5,  'coins_staff ADMIN',                 'coins_staff',     'ADMIN',      910000000000000090, 'staff'),
  (6,  'coins_staff OPERATOR',              'coins_staff',     'OPERATOR',   910000000000000090, 'staff'),
  (7,  'coins_staff SUPPORT',               'coins_staff',     'SUPPORT',    910000000000000090, 'staff'),
  (8,  'coins_staff AUDITOR',               'coins_staff',     'AUDITOR',    910000000000000090, 'staff'),
  (9,  'coins_listener',                    'coins_listener',  null,         null,               'listener'),
  (10, 'coins_worker',                      'coins_worker',    null,         null,               'worker'),
  (11, 'guildbank_authenticator',           'guildbank_authenticator', null, null,               'authenticator'),
  (12, 'coins_staff without a staff role',  'coins_staff',     null,         910000000000000090, 'staff_norole');

-- Tables: how to name a row, and a harmless UPDATE to probe with (and, where a write may be allowed, the row to insert
-- and the rows to delete) -------------------------------------------------------------------------------------------------
create temp table tables (ord int primary key, tbl text, key text, probe_update text, probe_insert text default 'default values',
  probe_delete text default '');
insert into tables (ord, tbl, key, probe_update) values
  (1,  'app_public.guilds',             'id::text',     'set name = name'),
  (2,  'app_public.guild_settings',     'guild_id::text', 'set daily_amount = daily_amount'),
  (3,  'app_public.currencies',         'code',         'set name = name'),
  (4,  'app_public.users',              'id::text',     'set display_name = display_name'),
  (5,  'app_public.accounts',           'id::text',     'set balance = balance'),
  (6,  'app_public.transactions',       'tx_id::text',  'set reason = reason'),
  (7,  'app_public.transfers',          'id::text',     'set reason = reason'),
  (8,  'app_public.admin_actions',      'id::text',     'set reason = reason'),
  (9,  'app_private.idempotency_keys',  'key',          'set result = result'),
  (10, 'app_private.sessions',          'id::text',     'set last_seen_at = last_seen_at'),
  (11, 'app_public.pricing_config',     'guild_id::text', 'set market_fee = market_fee'),
  (13, 'app_public.inventory',          'user_id || ''/'' || sku', 'set quantity = quantity'),
  (14, 'app_public.listings',           'listing_id::text', 'set unit_price = unit_price'),
  (15, 'app_public.orders',             'order_id::text', 'set last_error = last_error'),
  (16, 'app_public.order_lines',        'id::text',     'set qty = qty'),
  (17, 'app_public.pricing_history',    'id::text',     'set volume_24h = volume_24h'),
  (18, 'app_public.ops_alerts',         'id::text',     'set message = message'),
  (19, 'app_public.daily_stats',        'guild_id || ''/'' || day', 'set orders = orders'),
  (20, 'app_public.leaderboard_snapshots', 'guild_id || ''/'' || rank || ''/'' || discord_id', 'set balance = balance');
-- rewards: staff insert a valid row of their guild, and delete the one reward nothing refers to
insert into tables values
  (12, 'app_public.rewards', 'guild_id || ''/'' || sku', 'set name = name',
   $i$(guild_id, sku, name, category, price) values (910000000000000001, 'probe', 'Probe', 'cosmetic', 1)$i$, $d$where sku = 'unused'$d$);
-- 000006: the role mapping (SUPERADMIN writes) and quests (OPERATOR+ write); quest attempts are written by answer_quest only
insert into tables values
  (21, 'app_public.staff_role_mappings', 'guild_id || ''/'' || discord_role_id', 'set staff_role = staff_role',
   $i$(guild_id, discord_role_id, staff_role) values (910000000000000001, 999, 'SUPPORT')$i$, $d$where discord_role_id = 501$d$),
  (22, 'app_public.quests', 'id::text', 'set title = title',
   $i$(guild_id, title, prompt, answers, reward) values (910000000000000001, 'Probe', 'Probe?', '{p}', 1)$i$, $d$where title = 'Unused'$d$);
insert into tables (ord, tbl, key, probe_update) values
  (23, 'app_public.quest_attempts', 'id::text', 'set answer = answer');
-- 000007: the bot's channels and posted messages are written by the bot's runner only (app_hidden functions)
insert into tables (ord, tbl, key, probe_update) values
  (24, 'app_public.guild_discord', 'guild_id::text', 'set last_setup_at = last_setup_at'),
  (25, 'app_public.discord_messages', 'guild_id || ''/'' || subject_type || ''/'' || subject_id', 'set message_id = message_id');
insert into tables (ord, tbl, key, probe_update) values
  (26, 'app_public.economy_events', 'id::text', 'set title = title'),
  (27, 'app_private.session_rotated_tokens', 'session_id::text', 'set rotated_at = rotated_at');
-- issue 14: tasks (OPERATOR+ insert and update, nobody deletes: delete_task does) and claims (written by the rules only)
insert into tables values
  (28, 'app_public.tasks', 'id::text', 'set name = name',
   $i$(guild_id, name, reward) values (910000000000000001, 'Probe', 1)$i$, $d$where name = 'Task A'$d$);
insert into tables (ord, tbl, key, probe_update) values
  (29, 'app_public.task_claims', 'id::text', 'set review_note = review_note');
insert into tables values
  (30, 'app_public.saved_embeds', 'id::text', 'set name = name',
   $i$(guild_id, name, embed) values (910000000000000001, 'Probe', '{"title": "P"}')$i$, $d$where name = 'Embed unused'$d$),
  (31, 'app_public.announcements', 'id::text', 'set content = content',
   $i$(guild_id, channel_id, content) values (910000000000000001, 33, 'Probe')$i$, $d$where content = 'Announcement A'$d$),
  (32, 'app_public.custom_commands', 'id::text', 'set response = response',
   $i$(guild_id, name, response) values (910000000000000001, 'probe', 'P')$i$, $d$where name = 'unused'$d$);
-- issue 14, the member side: written by the rules only, but the badge catalogue (OPERATOR+ insert and update, no delete)
insert into tables (ord, tbl, key, probe_update) values
  (33, 'app_public.item_uses', 'id::text', 'set qty = qty'),
  (34, 'app_public.role_grants', 'id::text', 'set error = error'),
  (35, 'app_public.notification_settings', 'user_id::text', 'set listing_sold = listing_sold'),
  (36, 'app_public.notifications', 'id::text', 'set error = error'),
  (38, 'app_public.member_badges', 'user_id || ''/'' || badge_code', 'set detail = detail'),
  (39, 'app_public.seasons', 'id::text', 'set name = name'),
  (40, 'app_public.season_standings', 'season_id || ''/'' || user_id', 'set baseline = baseline');
insert into tables values
  (37, 'app_public.badges', 'guild_id || ''/'' || code', 'set name = name',
   $i$(guild_id, code, name, rule, threshold) values (910000000000000001, 'probe', 'Probe', 'sales', 1)$i$, $d$where code = 'first_sale'$d$);
-- issue 14 (panel): written only by the rules (archive_transactions, the live triggers, set_bot_presence, the sign-in)
insert into tables (ord, tbl, key, probe_update) values
  (41, 'app_public.transactions_archive', 'tx_id::text', 'set reason = reason'),
  (42, 'app_public.transaction_archive_runs', 'id::text', 'set reason = reason'),
  (43, 'app_public.community_events', 'id::text', 'set data = data'),
  (44, 'app_public.bot_presence', 'guild_id::text', 'set status = status'),
  (45, 'app_private.session_guilds', 'session_id || ''/'' || guild_id', 'set role_ids = role_ids');

-- SELECT expectations per table and class of caller: a predicate (evaluated by the superuser) naming exactly the
-- rows the caller must see, or 'denied' (42501). Classes not listed for a table are denied.
create temp table read_expect (tbl text, class text, visible text, primary key (tbl, class));
insert into read_expect values
  ('app_public.guilds',         'player', 'id = 910000000000000001'),
  ('app_public.guild_settings', 'player', 'guild_id = 910000000000000001'),
  ('app_public.currencies',     'player', 'true'),
  ('app_public.users',          'player', 'guild_id = 910000000000000001 and discord_id = 910000000000000011'),
  ('app_public.accounts',       'player', 'user_id = pg_temp.uid(910000000000000001, 910000000000000011)'),
  ('app_public.transactions',   'player', 'pg_temp.uid(910000000000000001, 910000000000000011) in (user_id, counterparty_id)'),
  ('app_public.transfers',      'player', 'exists (select 1 from app_public.accounts a where a.id in (debit_account_id, credit_account_id) and a.user_id = pg_temp.uid(910000000000000001, 910000000000000011))'),
  ('app_public.guilds',         'staff',  'id = 910000000000000001'),
  ('app_public.guild_settings', 'staff',  'guild_id = 910000000000000001'),
  ('app_public.currencies',     'staff',  'true'),
  ('app_public.users',          'staff',  'guild_id = 910000000000000001'),
  ('app_public.accounts',       'staff',  'guild_id = 910000000000000001'),
  ('app_public.transactions',   'staff',  'guild_id = 910000000000000001'),
  ('app_public.transfers',      'staff',  'guild_id = 910000000000000001'),
  ('app_public.admin_actions',  'staff',  'guild_id = 910000000000000001'),
  -- without a staff role claim: the guild, its settings and the currencies as before; the staff policies of the
  -- other tables need a staff role, so their rows are all hidden (granted, but nothing visible)
  ('app_public.guilds',         'staff_norole', 'id = 910000000000000001'),
  ('app_public.guild_settings', 'staff_norole', 'guild_id = 910000000000000001'),
  ('app_public.currencies',     'staff_norole', 'true'),
  ('app_public.users',          'staff_norole', 'false'),
  ('app_public.accounts',       'staff_norole', 'false'),
  ('app_public.transactions',   'staff_norole', 'false'),
  ('app_public.transfers',      'staff_norole', 'false'),
  ('app_public.admin_actions',  'staff_norole', 'false'),
  ('app_public.currencies',     'listener', 'true'),
  ('app_public.currencies',     'worker',   'true'),
  -- 000002. Pricing configuration, listings, price history and leaderboard snapshots are guild-wide reads (no staff
  -- role needed); the shop shows players the visible rewards only; inventory and orders are the member's own (order
  -- lines follow their order); ops alerts (with the guild-less ones) and daily stats are for staff only.
  ('app_public.pricing_config',  'player',       'guild_id = 910000000000000001'),
  ('app_public.pricing_config',  'staff',        'guild_id = 910000000000000001'),
  ('app_public.pricing_config',  'staff_norole', 'guild_id = 910000000000000001'),
  ('app_public.rewards',         'player',       'guild_id = 910000000000000001 and visible'),
  ('app_public.rewards',         'staff',        'guild_id = 910000000000000001'),
  ('app_public.rewards',         'staff_norole', 'false'),
  ('app_public.inventory',       'player',       'user_id = pg_temp.uid(910000000000000001, 910000000000000011)'),
  ('app_public.inventory',       'staff',        'guild_id = 910000000000000001'),
  ('app_public.inventory',       'staff_norole', 'false'),
  ('app_public.listings',        'player',       'guild_id = 910000000000000001'),
  ('app_public.listings',        'staff',        'guild_id = 910000000000000001'),
  ('app_public.listings',        'staff_norole', 'guild_id = 910000000000000001'),
  ('app_public.orders',          'player',       'guild_id = 910000000000000001 and pg_temp.uid(910000000000000001, 910000000000000011) in (buyer_id, seller_id)'),
  ('app_public.orders',          'staff',        'guild_id = 910000000000000001'),
  ('app_public.orders',          'staff_norole', 'false'),
  ('app_public.order_lines',     'player',       'order_id in (select o.order_id from app_public.orders o where o.guild_id = 910000000000000001 and pg_temp.uid(910000000000000001, 910000000000000011) in (o.buyer_id, o.seller_id))'),
  ('app_public.order_lines',     'staff',        'guild_id = 910000000000000001'),
  ('app_public.order_lines',     'staff_norole', 'false'),
  ('app_public.pricing_history', 'player',       'guild_id = 910000000000000001'),
  ('app_public.pricing_history', 'staff',        'guild_id = 910000000000000001'),
  ('app_public.pricing_history', 'staff_norole', 'guild_id = 910000000000000001'),
  ('app_public.ops_alerts',      'staff',        'guild_id is null or guild_id = 910000000000000001'),
  ('app_public.ops_alerts',      'staff_norole', 'false'),
  ('app_public.daily_stats',     'staff',        'guild_id = 910000000000000001'),
  ('app_public.daily_stats',     'staff_norole', 'false'),
  ('app_public.leaderboard_snapshots', 'player',       'guild_id = 910000000000000001'),
  ('app_public.leaderboard_snapshots', 'staff',        'guild_id = 910000000000000001'),
  ('app_public.leaderboard_snapshots', 'staff_norole', 'guild_id = 910000000000000001'),
  -- 000006: the role mapping is for staff with a role; members see the active quests in their window and their own
  -- attempts; staff see all of their guild's quests and attempts
  ('app_public.staff_role_mappings', 'staff',        'guild_id = 910000000000000001'),
  ('app_public.staff_role_mappings', 'staff_norole', 'false'),
  ('app_public.quests',          'player',       'guild_id = 910000000000000001 and active and (starts_at is null or starts_at <= now()) and (ends_at is null or ends_at > now())'),
  ('app_public.quests',          'staff',        'guild_id = 910000000000000001'),
  ('app_public.quests',          'staff_norole', 'false'),
  ('app_public.quest_attempts',  'player',       'user_id = pg_temp.uid(910000000000000001, 910000000000000011)'),
  ('app_public.quest_attempts',  'staff',        'guild_id = 910000000000000001'),
  ('app_public.quest_attempts',  'staff_norole', 'false'),
  -- 000007: every member and staff member reads their guild's bot channels; the posted messages are for staff with a role
  ('app_public.guild_discord',   'player',       'guild_id = 910000000000000001'),
  ('app_public.guild_discord',   'staff',        'guild_id = 910000000000000001'),
  ('app_public.guild_discord',   'staff_norole', 'guild_id = 910000000000000001'),
  ('app_public.discord_messages', 'staff',       'guild_id = 910000000000000001'),
  ('app_public.discord_messages', 'staff_norole', 'false'),
  -- panel (issue #5): economy events are guild-wide reads for members and staff with a role
  ('app_public.economy_events',  'player',       'guild_id = 910000000000000001'),
  ('app_public.economy_events',  'staff',        'guild_id = 910000000000000001'),
  ('app_public.economy_events',  'staff_norole', 'false'),
  -- issue 14: members read their guild's tasks but deleted ones, and their own claims; staff with a role read all
  ('app_public.tasks',           'player',       'guild_id = 910000000000000001 and status <> ''deleted'''),
  ('app_public.tasks',           'staff',        'guild_id = 910000000000000001'),
  ('app_public.tasks',           'staff_norole', 'false'),
  ('app_public.task_claims',     'player',       'user_id = pg_temp.uid(910000000000000001, 910000000000000011)'),
  ('app_public.task_claims',     'staff',        'guild_id = 910000000000000001'),
  ('app_public.task_claims',     'staff_norole', 'false'),
  ('app_public.saved_embeds',    'staff',        'guild_id = 910000000000000001'),
  ('app_public.saved_embeds',    'staff_norole', 'false'),
  ('app_public.announcements',   'staff',        'guild_id = 910000000000000001'),
  ('app_public.announcements',   'staff_norole', 'false'),
  ('app_public.custom_commands', 'staff',        'guild_id = 910000000000000001'),
  ('app_public.custom_commands', 'staff_norole', 'false'),
  -- issue 14, the member side: uses, grants, DM settings and DMs are the member's own (staff: their guild's); badges,
  -- who holds them, seasons and standings are guild-wide reads (a leaderboard)
  ('app_public.item_uses',             'player',       'user_id = pg_temp.uid(910000000000000001, 910000000000000011)'),
  ('app_public.item_uses',             'staff',        'guild_id = 910000000000000001'),
  ('app_public.item_uses',             'staff_norole', 'false'),
  ('app_public.role_grants',           'player',       'user_id = pg_temp.uid(910000000000000001, 910000000000000011)'),
  ('app_public.role_grants',           'staff',        'guild_id = 910000000000000001'),
  ('app_public.role_grants',           'staff_norole', 'false'),
  ('app_public.notification_settings', 'player',       'user_id = pg_temp.uid(910000000000000001, 910000000000000011)'),
  ('app_public.notification_settings', 'staff',        'guild_id = 910000000000000001'),
  ('app_public.notification_settings', 'staff_norole', 'false'),
  ('app_public.notifications',         'player',       'user_id = pg_temp.uid(910000000000000001, 910000000000000011)'),
  ('app_public.notifications',         'staff',        'guild_id = 910000000000000001'),
  ('app_public.notifications',         'staff_norole', 'false'),
  ('app_public.badges',                'player',       'guild_id = 910000000000000001'),
  ('app_public.badges',                'staff',        'guild_id = 910000000000000001'),
  ('app_public.badges',                'staff_norole', 'guild_id = 910000000000000001'),
  ('app_public.member_badges',         'player',       'guild_id = 910000000000000001'),
  ('app_public.member_badges',         'staff',        'guild_id = 910000000000000001'),
  ('app_public.member_badges',         'staff_norole', 'guild_id = 910000000000000001'),
  ('app_public.seasons',               'player',       'guild_id = 910000000000000001'),
  ('app_public.seasons',               'staff',        'guild_id = 910000000000000001'),
  ('app_public.seasons',               'staff_norole', 'guild_id = 910000000000000001'),
  ('app_public.season_standings',      'player',       'guild_id = 910000000000000001'),
  ('app_public.season_standings',      'staff',        'guild_id = 910000000000000001'),
  ('app_public.season_standings',      'staff_norole', 'guild_id = 910000000000000001'),
  -- issue 14 (panel): the archive reads like transactions; archive runs, live events and the bot presence are for staff
  -- with a role; the session's guilds are nobody's (app_private)
  ('app_public.transactions_archive', 'player', 'pg_temp.uid(910000000000000001, 910000000000000011) in (user_id, counterparty_id)'),
  ('app_public.transactions_archive', 'staff', 'guild_id = 910000000000000001'),
  ('app_public.transactions_archive', 'staff_norole', 'false'),
  ('app_public.transaction_archive_runs', 'staff', 'guild_id = 910000000000000001'),
  ('app_public.transaction_archive_runs', 'staff_norole', 'false'),
  ('app_public.community_events', 'staff', 'guild_id = 910000000000000001'),
  ('app_public.community_events', 'staff_norole', 'false'),
  ('app_public.bot_presence', 'staff', 'guild_id = 910000000000000001'),
  ('app_public.bot_presence', 'staff_norole', 'false');

-- Write expectations: every INSERT / UPDATE / DELETE is denied (42501), except staff UPDATE of guild_settings and
-- pricing_config: ADMIN and SUPERADMIN update their own guild's row (1 row); the other staff roles reach the row and
-- are refused by the _050_require_staff trigger (PD001); coins_staff without a staff role does not reach it (0 rows);
-- and staff INSERT / UPDATE / DELETE of rewards: SUPERADMIN, ADMIN and OPERATOR write their guild's rows (the probe row,
-- the 3 rewards of guild A; the rewards check constraint's app_hidden.valid_limits is executable by coins_staff), SUPPORT
-- and AUDITOR are refused by the trigger (PD001); without a staff role the insert policy lets the row through to the
-- trigger (PD001) while the update and delete policies reach nothing (0 rows).
create temp table write_expect (tbl text, op text, staff_role text, outcome text);
insert into write_expect (tbl, op, staff_role, outcome) values
  ('app_public.badges', 'insert', 'SUPERADMIN', 'ok:1'),
  ('app_public.badges', 'insert', 'ADMIN',      'ok:1'),
  ('app_public.badges', 'insert', 'OPERATOR',   'ok:1'),
  ('app_public.badges', 'insert', 'SUPPORT',    'PD001'),
  ('app_public.badges', 'insert', 'AUDITOR',    'PD001'),
  ('app_public.badges', 'insert', null,         'PD001'),
  ('app_public.badges', 'update', 'SUPERADMIN', 'ok:7'),
  ('app_public.badges', 'update', 'ADMIN',      'ok:7'),
  ('app_public.badges', 'update', 'OPERATOR',   'ok:7'),
  ('app_public.badges', 'update', 'SUPPORT',    'PD001'),
  ('app_public.badges', 'update', 'AUDITOR',    'PD001'),
  ('app_public.badges', 'update', null,         'ok:0'),
  ('app_public.guild_settings', 'update', 'SUPERADMIN', 'ok:1'),
  ('app_public.guild_settings', 'update', 'ADMIN',      'ok:1'),
  ('app_public.guild_settings', 'update', 'OPERATOR',   'PD001'),
  ('app_public.guild_settings', 'update', 'SUPPORT',    'PD001'),
  ('app_public.guild_settings', 'update', 'AUDITOR',    'PD001'),
  ('app_public.guild_settings', 'update', null,         'ok:0'),
  ('app_public.pricing_config', 'update', 'SUPERADMIN', 'ok:1'),
  ('app_public.pricing_config', 'update', 'ADMIN',      'ok:1'),
  ('app_public.pricing_config', 'update', 'OPERATOR',   'PD001'),
  ('app_public.pricing_config', 'update', 'SUPPORT',    'PD001'),
  ('app_public.pricing_config', 'update', 'AUDITOR',    'PD001'),
  ('app_public.pricing_config', 'update', null,         'ok:0'),
  ('app_public.rewards', 'insert', 'SUPERADMIN', 'ok:1'),
  ('app_public.rewards', 'insert', 'ADMIN',      'ok:1'),
  ('app_public.rewards', 'insert', 'OPERATOR',   'ok:1'),
  ('app_public.rewards', 'insert', 'SUPPORT',    'PD001'),
  ('app_public.rewards', 'insert', 'AUDITOR',    'PD001'),
  ('app_public.rewards', 'insert', null,         'PD001'),
  ('app_public.rewards', 'update', 'SUPERADMIN', 'ok:3'),
  ('app_public.rewards', 'update', 'ADMIN',      'ok:3'),
  ('app_public.rewards', 'update', 'OPERATOR',   'ok:3'),
  ('app_public.rewards', 'update', 'SUPPORT',    'PD001'),
  ('app_public.rewards', 'update', 'AUDITOR',    'PD001'),
  ('app_public.rewards', 'update', null,         'ok:0'),
  ('app_public.rewards', 'delete', 'SUPERADMIN', 'ok:1'),
  ('app_public.rewards', 'delete', 'ADMIN',      'ok:1'),
  ('app_public.rewards', 'delete', 'OPERATOR',   'ok:1'),
  ('app_public.rewards', 'delete', 'SUPPORT',    'PD001'),
  ('app_public.rewards', 'delete', 'AUDITOR',    'PD001'),
  ('app_public.rewards', 'delete', null,         'ok:0'),
  ('app_public.staff_role_mappings', 'insert', 'SUPERADMIN', 'ok:1'),
  ('app_public.staff_role_mappings', 'insert', 'ADMIN',      'PD001'),
  ('app_public.staff_role_mappings', 'insert', 'OPERATOR',   'PD001'),
  ('app_public.staff_role_mappings', 'insert', 'SUPPORT',    'PD001'),
  ('app_public.staff_role_mappings', 'insert', 'AUDITOR',    'PD001'),
  ('app_public.staff_role_mappings', 'insert', null,         'PD001'),
  ('app_public.staff_role_mappings', 'update', 'SUPERADMIN', 'ok:2'),
  ('app_public.staff_role_mappings', 'update', 'ADMIN',      'PD001'),
  ('app_public.staff_role_mappings', 'update', 'OPERATOR',   'PD001'),
  ('app_public.staff_role_mappings', 'update', 'SUPPORT',    'PD001'),
  ('app_public.staff_role_mappings', 'update', 'AUDITOR',    'PD001'),
  ('app_public.staff_role_mappings', 'update', null,         'ok:0'),
  ('app_public.staff_role_mappings', 'delete', 'SUPERADMIN', 'ok:1'),
  ('app_public.staff_role_mappings', 'delete', 'ADMIN',      'PD001'),
  ('app_public.staff_role_mappings', 'delete', 'OPERATOR',   'PD001'),
  ('app_public.staff_role_mappings', 'delete', 'SUPPORT',    'PD001'),
  ('app_public.staff_role_mappings', 'delete', 'AUDITOR',    'PD001'),
  ('app_public.staff_role_mappings', 'delete', null,         'ok:0'),
  ('app_public.quests', 'insert', 'SUPERADMIN', 'ok:1'),
  ('app_public.quests', 'insert', 'ADMIN',      'ok:1'),
  ('app_public.quests', 'insert', 'OPERATOR',   'ok:1'),
  ('app_public.quests', 'insert', 'SUPPORT',    'PD001'),
  ('app_public.quests', 'insert', 'AUDITOR',    'PD001'),
  ('app_public.quests', 'insert', null,         'PD001'),
  ('app_public.quests', 'update', 'SUPERADMIN', 'ok:3'),
  ('app_public.quests', 'update', 'ADMIN',      'ok:3'),
  ('app_public.quests', 'update', 'OPERATOR',   'ok:3'),
  ('app_public.quests', 'update', 'SUPPORT',    'PD001'),
  ('app_public.quests', 'update', 'AUDITOR',    'PD001'),
  ('app_public.quests', 'update', null,         'ok:0'),
  ('app_public.quests', 'delete', 'SUPERADMIN', 'ok:1'),
  ('app_public.quests', 'delete', 'ADMIN',      'ok:1'),
  ('app_public.quests', 'delete', 'OPERATOR',   'ok:1'),
  ('app_public.quests', 'delete', 'SUPPORT',    'PD001'),
  ('app_public.quests', 'delete', 'AUDITOR',    'PD001'),
  ('app_public.quests', 'delete', null,         'ok:0'),
  ('app_public.tasks', 'insert', 'SUPERADMIN', 'ok:1'),
  ('app_public.tasks', 'insert', 'ADMIN',      'ok:1'),
  ('app_public.tasks', 'insert', 'OPERATOR',   'ok:1'),
  ('app_public.tasks', 'insert', 'SUPPORT',    'PD001'),
  ('app_public.tasks', 'insert', 'AUDITOR',    'PD001'),
  ('app_public.tasks', 'insert', null,         'PD001'),
  ('app_public.tasks', 'update', 'SUPERADMIN', 'ok:1'),
  ('app_public.tasks', 'update', 'ADMIN',      'ok:1'),
  ('app_public.tasks', 'update', 'OPERATOR',   'ok:1'),
  ('app_public.tasks', 'update', 'SUPPORT',    'PD001'),
  ('app_public.tasks', 'update', 'AUDITOR',    'PD001'),
  ('app_public.tasks', 'update', null,         'ok:0'),
  ('app_public.saved_embeds', 'insert', 'SUPERADMIN', 'ok:1'),
  ('app_public.saved_embeds', 'insert', 'ADMIN', 'ok:1'),
  ('app_public.saved_embeds', 'insert', 'OPERATOR', 'ok:1'),
  ('app_public.saved_embeds', 'insert', 'SUPPORT', 'PD001'),
  ('app_public.saved_embeds', 'insert', 'AUDITOR', 'PD001'),
  ('app_public.saved_embeds', 'insert', null, 'PD001'),
  ('app_public.saved_embeds', 'update', 'SUPERADMIN', 'ok:2'),
  ('app_public.saved_embeds', 'update', 'ADMIN', 'ok:2'),
  ('app_public.saved_embeds', 'update', 'OPERATOR', 'ok:2'),
  ('app_public.saved_embeds', 'update', 'SUPPORT', 'PD001'),
  ('app_public.saved_embeds', 'update', 'AUDITOR', 'PD001'),
  ('app_public.saved_embeds', 'update', null, 'ok:0'),
  ('app_public.saved_embeds', 'delete', 'SUPERADMIN', 'ok:1'),
  ('app_public.saved_embeds', 'delete', 'ADMIN', 'ok:1'),
  ('app_public.saved_embeds', 'delete', 'OPERATOR', 'ok:1'),
  ('app_public.saved_embeds', 'delete', 'SUPPORT', 'PD001'),
  ('app_public.saved_embeds', 'delete', 'AUDITOR', 'PD001'),
  ('app_public.saved_embeds', 'delete', null, 'ok:0'),
  ('app_public.announcements', 'insert', 'SUPERADMIN', 'ok:1'),
  ('app_public.announcements', 'insert', 'ADMIN', 'ok:1'),
  ('app_public.announcements', 'insert', 'OPERATOR', 'ok:1'),
  ('app_public.announcements', 'insert', 'SUPPORT', 'PD001'),
  ('app_public.announcements', 'insert', 'AUDITOR', 'PD001'),
  ('app_public.announcements', 'insert', null, 'PD001'),
  ('app_public.announcements', 'update', 'SUPERADMIN', 'ok:1'),
  ('app_public.announcements', 'update', 'ADMIN', 'ok:1'),
  ('app_public.announcements', 'update', 'OPERATOR', 'ok:1'),
  ('app_public.announcements', 'update', 'SUPPORT', 'PD001'),
  ('app_public.announcements', 'update', 'AUDITOR', 'PD001'),
  ('app_public.announcements', 'update', null, 'ok:0'),
  ('app_public.custom_commands', 'insert', 'SUPERADMIN', 'ok:1'),
  ('app_public.custom_commands', 'insert', 'ADMIN', 'ok:1'),
  ('app_public.custom_commands', 'insert', 'OPERATOR', 'ok:1'),
  ('app_public.custom_commands', 'insert', 'SUPPORT', 'PD001'),
  ('app_public.custom_commands', 'insert', 'AUDITOR', 'PD001'),
  ('app_public.custom_commands', 'insert', null, 'PD001'),
  ('app_public.custom_commands', 'update', 'SUPERADMIN', 'ok:2'),
  ('app_public.custom_commands', 'update', 'ADMIN', 'ok:2'),
  ('app_public.custom_commands', 'update', 'OPERATOR', 'ok:2'),
  ('app_public.custom_commands', 'update', 'SUPPORT', 'PD001'),
  ('app_public.custom_commands', 'update', 'AUDITOR', 'PD001'),
  ('app_public.custom_commands', 'update', null, 'ok:0'),
  ('app_public.custom_commands', 'delete', 'SUPERADMIN', 'ok:1'),
  ('app_public.custom_commands', 'delete', 'ADMIN', 'ok:1'),
  ('app_public.custom_commands', 'delete', 'OPERATOR', 'ok:1'),
  ('app_public.custom_commands', 'delete', 'SUPPORT', 'PD001'),
  ('app_public.custom_commands', 'delete', 'AUDITOR', 'PD001'),
  ('app_public.custom_commands', 'delete', null, 'ok:0');

-- Sanity: the fixture puts rows of both guilds in every guild-scoped table, so "sees only guild A" means something.
select is((select count(*) from (
    select guild_id from app_public.users union all select guild_id from app_public.accounts union all
    select guild_id from app_public.transactions union all select guild_id from app_public.transfers union all
    select guild_id from app_public.admin_actions union all select guild_id from app_private.idempotency_keys union all
    select guild_id from app_private.sessions union all select guild_id from app_public.guild_settings) x where guild_id = 920000000000000001) > 0
  and (select bool_and(n > 0) from (select (select count(*) from app_public.transactions t where t.guild_id = 910000000000000001
        and pg_temp.uid(910000000000000001, 910000000000000011) not in (t.user_id, coalesce(t.counterparty_id, 0))) n) s),
  true, 'fixture: guild B has rows in every table, guild A has rows that do not involve alice');
select is((select array_agg(t order by t) from (
    select 'pricing_config' t from app_public.pricing_config where guild_id = 920000000000000001
    union select 'rewards' from app_public.rewards where guild_id = 920000000000000001
    union select 'inventory' from app_public.inventory where guild_id = 920000000000000001
    union select 'listings' from app_public.listings where guild_id = 920000000000000001
    union select 'orders' from app_public.orders where guild_id = 920000000000000001
    union select 'order_lines' from app_public.order_lines where guild_id = 920000000000000001
    union select 'pricing_history' from app_public.pricing_history where guild_id = 920000000000000001
    union select 'ops_alerts' from app_public.ops_alerts where guild_id = 920000000000000001
    union select 'daily_stats' from app_public.daily_stats where guild_id = 920000000000000001
    union select 'leaderboard_snapshots' from app_public.leaderboard_snapshots where guild_id = 920000000000000001
    union select 'rewards (invisible, A)' from app_public.rewards where guild_id = 910000000000000001 and not visible
    union select 'inventory (not alice''s, A)' from app_public.inventory where guild_id = 910000000000000001 and user_id <> pg_temp.uid(910000000000000001, 910000000000000011)
    union select 'orders (not alice''s, A)' from app_public.orders where guild_id = 910000000000000001 and pg_temp.uid(910000000000000001, 910000000000000011) not in (buyer_id, coalesce(seller_id, 0))
    union select 'ops_alerts (every guild)' from app_public.ops_alerts where guild_id is null) x),
  array['daily_stats', 'inventory', 'inventory (not alice''s, A)', 'leaderboard_snapshots', 'listings', 'ops_alerts', 'ops_alerts (every guild)',
        'order_lines', 'orders', 'orders (not alice''s, A)', 'pricing_config', 'pricing_history', 'rewards', 'rewards (invisible, A)'],
  'fixture (000002): guild B has rows in every marketplace table; guild A has invisible rewards, inventory and orders of others, guild-less alerts');

-- What a caller gets: the sorted keys it can see, or the SQLSTATE of the refusal.
create function pg_temp.seen(c contexts, t tables) returns text language plpgsql as $$
declare v jsonb;
begin
  v := pg_temp.rows_as(c.role, 910000000000000001, c.discord_id, c.staff_role, format('select %s as k from %s', t.key, t.tbl));
  return (select coalesce(array_agg(e ->> 'k' order by e ->> 'k'), '{}')::text from jsonb_array_elements(v) e);
exception when others then
  return sqlstate;
end $$;
create function pg_temp.expected_seen(c contexts, t tables) returns text language plpgsql as $$
declare v_pred text; v text;
begin
  select visible into v_pred from read_expect e where e.tbl = t.tbl and e.class = c.class;
  if v_pred is null then
    return '42501';
  end if;
  execute format('select coalesce(array_agg(k order by k), ''{}'')::text from (select %s as k from %s where %s) s', t.key, t.tbl, v_pred) into v;
  return v;
end $$;
-- A write probe, always rolled back: 'ok:<rows>' or the SQLSTATE.
create function pg_temp.write_probe(c contexts, t tables, p_op text) returns text language plpgsql as $$
declare n bigint; v_sql text;
begin
  v_sql := case p_op
    when 'insert' then format('insert into %s %s', t.tbl, t.probe_insert)
    when 'update' then format('update %s %s', t.tbl, t.probe_update)
    when 'delete' then format('delete from %s %s', t.tbl, t.probe_delete) end;
  begin
    n := pg_temp.run_as(c.role, 910000000000000001, c.discord_id, c.staff_role, v_sql);
    raise exception using errcode = 'P0T01', message = n::text;
  exception when sqlstate 'P0T01' then
    return 'ok:' || sqlerrm;
  end;
exception when others then
  return sqlstate;
end $$;

create function pg_temp.run_matrix() returns setof text language plpgsql as $$
declare
  t tables;
  c contexts;
  v_op text;
  v_expected text;
begin
  for t in select * from tables order by ord loop
    for c in select * from contexts order by ord loop
      v_expected := pg_temp.expected_seen(c, t);
      return next is(pg_temp.seen(c, t), v_expected,
        format('%s: SELECT as %s %s', t.tbl, c.label,
          case when v_expected = '42501' then 'is denied' when v_expected = '{}' then 'sees nothing' else 'sees exactly its rows' end));
      foreach v_op in array array['insert', 'update', 'delete'] loop
        select outcome into v_expected from write_expect w where w.tbl = t.tbl and w.op = v_op
           and c.role = 'coins_staff' and w.staff_role is not distinct from c.staff_role;
        v_expected := coalesce(v_expected, '42501');
        return next is(pg_temp.write_probe(c, t, v_op), v_expected,
          format('%s: %s as %s %s', t.tbl, upper(v_op), c.label,
            case when v_expected = '42501' then 'is denied'
                 when v_expected like 'ok:%' then 'affects ' || substr(v_expected, 4) || ' row(s)'
                 else 'is refused with ' || v_expected end));
      end loop;
    end loop;
  end loop;
end $$;
select * from pg_temp.run_matrix();

-- guild_settings updates by staff are audited --------------------------------------------------------------------------------
-- Runs p_sql like run_as and answers 'ok:<rows>', or the SQLSTATE of its refusal (then rolled back), so that a refusal
-- fails one assertion instead of the whole file.
create function pg_temp.try_as(p_role text, p_guild bigint, p_discord bigint, p_staff text, p_sql text) returns text
language plpgsql as $$
begin
  return 'ok:' || pg_temp.run_as(p_role, p_guild, p_discord, p_staff, p_sql);
exception when others then
  return sqlstate;
end $$;
insert into snapshots values ('settings', pg_temp.state());
do $$ begin perform set_config('app.reason', 'season 2 economy', true); end $$;
select is(pg_temp.try_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    'update app_public.guild_settings set escrow_timeout_min = 30, daily_amount = 150'), 'ok:1',
  'an ADMIN updates their guild''s settings (1 row: their own guild only)');
do $$ begin perform set_config('app.reason', '', true); end $$;
select results_eq($$select guild_id, escrow_timeout_min, daily_amount from app_public.guild_settings order by guild_id$$,
  $$values (910000000000000001::bigint, 30, 150::bigint), (920000000000000001::bigint, 15, 100::bigint)$$,
  'guild A changed, guild B did not');
select results_eq(
  $$select actor_id, actor_role::text, action, subject_type, subject_id, reason,
           (before->>'escrow_timeout_min')::int, (after->>'escrow_timeout_min')::int, (before->>'daily_amount')::bigint, (after->>'daily_amount')::bigint,
           before ? 'updated_at' or after ? 'updated_at'
      from app_public.admin_actions where subject_type = 'guild_settings'$$,
  $$values (910000000000000090::bigint, 'ADMIN', 'update_guild_settings', 'guild_settings', '910000000000000001', 'season 2 economy',
            15, 30, 100::bigint, 150::bigint, false)$$,
  'the update wrote one update_guild_settings audit row (subject guild_settings / the guild id) with before/after and the app.reason claim');
select is((select array_agg(k order by k) from app_public.admin_actions, jsonb_object_keys(after) k where action = 'update_guild_settings'),
  array(select a.attname::text from pg_attribute a where a.attrelid = 'app_public.guild_settings'::regclass and a.attnum > 0
          and not a.attisdropped and a.attname <> 'updated_at' order by 1),
  'the after snapshot holds every current column of guild_settings but updated_at (market_fee and price_floor_pct moved to pricing_config)');
select is(pg_temp.try_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPERADMIN',
    'update app_public.guild_settings set give_rate_limit = 3'), 'ok:1', 'a SUPERADMIN updates settings too');
select is((select reason from app_public.admin_actions where action = 'update_guild_settings' and actor_role = 'SUPERADMIN'), 'update via API',
  'without an app.reason claim the audit reason is ''update via API''');
insert into snapshots values ('settings_refused', pg_temp.state());
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    'update app_public.guild_settings set daily_amount = 300'),
  '{"code": "PD001", "key": "permission_denied", "detail": {"required": ["SUPERADMIN", "ADMIN"], "role": "OPERATOR"}}'::jsonb,
  'an OPERATOR''s update is refused with PD001 (required SUPERADMIN or ADMIN), not silently ignored');
select is(pg_temp.try_as('coins_staff', 910000000000000001, 910000000000000090, null,
    'update app_public.guild_settings set daily_amount = 300'), 'ok:0',
  'coins_staff without a staff role does not reach the row (0 rows)');
select is(pg_temp.try_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    'update app_public.guild_settings set daily_amount = 300 where guild_id = 920000000000000001'), 'ok:0',
  'an ADMIN of guild A cannot update guild B''s settings (0 rows)');
select throws_ok($$select pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    'update app_public.guild_settings set updated_at = now()')$$, '42501', null, 'columns outside the grant (updated_at) cannot be updated: 42501');
select throws_ok($$select pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    'update app_public.guild_settings set guild_id = 920000000000000001')$$, '42501', null, 'guild_id cannot be updated: 42501');
select throws_ok($$select pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    'update app_public.guild_settings set escrow_timeout_min = 0')$$, '23514', null, 'an out-of-range value is refused by its check constraint');
select throws_ok($$select pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    'update app_public.guild_settings set market_fee = 0.1')$$, '42703', null, 'market_fee is no longer a settings column (moved to pricing_config): 42703');
select is(pg_temp.error_as('coins_staff', 910000000000000001, null, 'ADMIN', 'update app_public.guild_settings set daily_amount = 200'),
  '{"code": "AU001", "key": "not_authenticated", "detail": {}}'::jsonb,
  'an ADMIN without a discord_id claim cannot update settings: AU001 (the audit row needs an actor)');
select is(pg_temp.state(), (select state from snapshots where name = 'settings_refused'), 'refused settings updates changed nothing');
insert into snapshots values ('noop', pg_temp.state());
create temp table noop as
  select pg_temp.try_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN', 'update app_public.guild_settings set daily_amount = daily_amount') as n;
select is((select n from noop), 'ok:1', 'a no-op settings update (set daily_amount = daily_amount) by an ADMIN reaches the row ...');
select is((select count(*) from app_public.admin_actions), (select (state->>'admin_actions')::bigint from snapshots where name = 'noop'),
  '... and writes no audit row (the audit ignores updated_at)');
-- The staff triggers fire only for direct API writes (WHEN current_user = 'coins_staff'): the owner's own writes (the
-- rules, running as SECURITY DEFINER, and this superuser) are neither checked nor audited.
insert into snapshots values ('owner_write', pg_temp.state());
update app_public.guild_settings set daily_amount = 175 where guild_id = 910000000000000001;
select results_eq($$select daily_amount, (select count(*) from app_public.admin_actions) from app_public.guild_settings where guild_id = 910000000000000001$$,
  $$values (175::bigint, (select (state->>'admin_actions')::bigint from snapshots where name = 'owner_write'))$$,
  'an update of guild_settings by the owner (not coins_staff) is applied without a staff check and writes no audit row');
-- A coins_staff transaction without a staff role ---------------------------------------------------------------------------------
select is(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, null, 'select count(*) as n from app_public.users') -> 0 -> 'n',
  '0'::jsonb, 'coins_staff without a staff role sees no member');
select * from finish();
rollback;
