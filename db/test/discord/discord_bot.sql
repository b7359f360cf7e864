begin;
select plan(23);
\ir ../lib/helpers.psql
-- Migration 000007 (Discord bot): where the bot lives (guild_discord, discord_messages), the jobs that keep Discord in
-- step with the ledger, the feed entry, and note_transaction. Guild A = 910000000000000001 (alice ...011, bob ...012,
-- staff ...090) has the bot; guild B = 920000000000000001 (carol ...011) does not.
do $$
begin
  perform app_private.ensure_guild(910000000000000001, 'Bot guild A');
  perform app_private.ensure_guild(920000000000000001, 'Bot guild B');
  perform app_private.ensure_member(910000000000000001, 910000000000000011, 'alice');
  perform app_private.ensure_member(910000000000000001, 910000000000000012, 'bob');
  perform app_private.ensure_member(920000000000000001, 920000000000000011, 'carol');
  insert into app_public.rewards (guild_id, sku, name, category, price) values (910000000000000001, 'hat', 'Party hat', 'cosmetic', 100);
end $$;
create temp table jobs_before as select id from graphile_worker.jobs;
create function pg_temp.new_jobs(p_task text) returns bigint language sql as $$
  select count(*) from graphile_worker.jobs j where j.task_identifier = p_task and j.id not in (select id from jobs_before);
$$;

-- Before setup nothing is queued -----------------------------------------------------------------------------------------
select is(app_hidden.discord_guild(910000000000000001) is null, true, 'discord_guild: no row before the first setup');
select app_private.give_from(pg_temp.uid(910000000000000001, 910000000000000011), 910000000000000012, 1, 'give-1')
  from (select app_private.admin_adjust_by(910000000000000090, 'ADMIN', pg_temp.uid(910000000000000001, 910000000000000011), 500, 'fixture')) x;
select is(pg_temp.new_jobs('discord__transaction'), 0::bigint, 'a guild without the bot queues no feed job');

-- save_discord_setup -------------------------------------------------------------------------------------------------------
select lives_ok($l$select pg_temp.run_as('coins_worker', null, null, null,
    $$select app_hidden.save_discord_setup(910000000000000001, 11, 12, 13, 14, 15, 16)$$)$l$, 'the worker role stores a setup');
select results_eq($$select hub_channel_id, leaderboard_channel_id, shop_channel_id, transactions_channel_id, hub_message_id, leaderboard_message_id
                      from app_hidden.discord_guild(910000000000000001)$$,
  $$values (11::bigint, 12::bigint, 13::bigint, 14::bigint, 15::bigint, 16::bigint)$$, 'discord_guild: the channels and the hub and leaderboard messages');
select is(pg_temp.error_as('coins_worker', null, null, null, $$select app_hidden.save_discord_setup(930000000000000001, 1, 2, 3, 4, 5, 6)$$) ->> 'code',
  'MB003', 'save_discord_setup: an unknown guild is MB003');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPERADMIN',
    $$select app_hidden.save_discord_setup(910000000000000001, 1, 2, 3, 4, 5, 6)$$) ->> 'code', '42501', 'staff cannot rewrite the bot''s channels directly');
select lives_ok($$select app_hidden.save_discord_setup(910000000000000001, 11, 12, 13, 14, 15, 16)$$, 'storing the same setup again works');
select is((select count(*) from app_public.discord_messages where guild_id = 910000000000000001), 2::bigint, 'and keeps one hub and one leaderboard message');

-- Triggers queue discord__* jobs in the guild's own queue ------------------------------------------------------------------
select app_private.give_from(pg_temp.uid(910000000000000001, 910000000000000011), 910000000000000012, 2, 'give-2');
select is(pg_temp.new_jobs('discord__transaction'), 1::bigint, 'a transaction of a guild with the bot queues its feed post');
select is((select queue_name from graphile_worker.jobs where task_identifier = 'discord__transaction' and id not in (select id from jobs_before)),
  'discord:910000000000000001', 'in the guild''s own queue');
select app_private.inventory_add(pg_temp.uid(910000000000000001, 910000000000000011), 'hat', 2);
create temp table l as select * from app_private.create_listing_for(pg_temp.uid(910000000000000001, 910000000000000011), 'hat', 2, 100, 24, 1, null, null);
select is(pg_temp.new_jobs('discord__listing'), 1::bigint, 'a new listing queues its #shop post');
select is((select key from graphile_worker.jobs where task_identifier = 'discord__listing' and id not in (select id from jobs_before)),
  'discord__listing:' || (select listing_id from l), 'keyed by listing: later changes coalesce into one edit');
select app_hidden.refresh_leaderboard(910000000000000001);
select app_hidden.refresh_leaderboard(920000000000000001);
select is(pg_temp.new_jobs('discord__leaderboard'), 1::bigint, 'a leaderboard refresh queues one edit, for the guild with the bot only');

-- The feed entry -------------------------------------------------------------------------------------------------------------
create temp table g as select tx_id from app_public.transactions where guild_id = 910000000000000001 and reason = 'give' order by seq desc limit 1;
select is(app_hidden.discord_feed_entry((select tx_id from g)) ->> 'user_discord_id', '910000000000000011', 'feed entry: the member');
select is(app_hidden.discord_feed_entry((select tx_id from g)) ->> 'counterparty_discord_id', '910000000000000012', 'feed entry: the counterparty');
select is((select jsonb_agg(d - 'balance' order by d ->> 'discord_id') from jsonb_array_elements(app_hidden.discord_feed_entry((select tx_id from g)) -> 'deltas') d),
  '[{"discord_id": "910000000000000011", "kind": "wallet", "currency": "COIN", "delta": "-2"}, {"discord_id": "910000000000000012", "kind": "wallet", "currency": "COIN", "delta": "2"}]'::jsonb,
  'feed entry: the coin deltas of the transaction''s transfers');
select is(app_hidden.discord_feed_entry(gen_random_uuid()), null, 'feed entry: null for an unknown transaction');

-- note_transaction -------------------------------------------------------------------------------------------------------------
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR',
    format($$select app_public.note_transaction(%L, 'looks fine')$$, (select tx_id from g))) ->> 'code', 'PD001', 'note: an AUDITOR is refused (PD001)');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    format($$select app_public.note_transaction(%L, 'looks fine')$$, (select tx_id from g))) ->> 'code', '42501', 'note: members cannot call it');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPPORT',
    format($$select app_public.note_transaction(%L, 'ok')$$, (select tx_id from g))) ->> 'code', 'RS001', 'note: fewer than 3 characters is RS001');
select is(pg_temp.error_as('coins_staff', 920000000000000001, 920000000000000090, 'ADMIN',
    format($$select app_public.note_transaction(%L, 'not my guild')$$, (select tx_id from g))) ->> 'code', 'TX001',
  'note: a transaction of another guild is TX001 transaction_not_found');
select lives_ok(format($l$select pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPPORT',
    $$select app_public.note_transaction(%L, '  checked with the member  ')$$)$l$, (select tx_id from g)), 'note: SUPPORT adds a note');
select results_eq($$select actor_id, actor_role::text, action, subject_type, reason from app_public.admin_actions where action = 'note'$$,
  $$values (910000000000000090::bigint, 'SUPPORT', 'note', 'transaction', 'checked with the member')$$, 'note: written to admin_actions (trimmed)');
select is((app_hidden.discord_feed_entry((select tx_id from g)) -> 'actions' -> 0 ->> 'reason'), 'checked with the member', 'the feed entry lists the note');
