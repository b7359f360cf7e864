begin;
select plan(36);
\ir ../lib/helpers.psql
-- Schema-wide conventions (ARCHITECTURE.md "The database", ERRORS.md), checked from the catalogs.

-- Row-level security, SECURITY DEFINER hygiene, ownership ------------------------------------------------------------------
select is_empty($$select c.oid::regclass from pg_class c join pg_namespace n on n.oid = c.relnamespace
                   where n.nspname in ('app_public', 'app_hidden', 'app_private') and c.relkind in ('r', 'p') and not c.relrowsecurity$$,
  'row-level security is enabled on every table');
select is_empty($$select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                   where n.nspname in ('app_public', 'app_hidden', 'app_private') and p.prosecdef
                     and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%')$$,
  'every SECURITY DEFINER function pins its search_path');
select is_empty($$select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                   where n.nspname in ('app_public', 'app_hidden', 'app_private') and has_function_privilege('public', p.oid, 'execute')$$,
  'no function is executable by PUBLIC');
select is_empty($$select c.oid::regclass from pg_class c join pg_namespace n on n.oid = c.relnamespace
                   where n.nspname in ('app_public', 'app_hidden', 'app_private') and c.relkind in ('r', 'p', 'v', 'm', 'S')
                     and pg_get_userbyid(c.relowner) <> 'guildbank_owner'$$,
  'guildbank_owner owns every table and sequence');
select is_empty($$select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                   where n.nspname in ('app_public', 'app_hidden', 'app_private') and pg_get_userbyid(p.proowner) <> 'guildbank_owner'$$,
  'guildbank_owner owns every function');

-- Who may execute what: the complete matrix ---------------------------------------------------------------------------------
select set_eq(
  $$select r.rolname::text, p.oid::regprocedure::text
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      cross join pg_roles r
     where n.nspname in ('app_public', 'app_hidden', 'app_private')
       and r.rolname in ('coins_anonymous', 'coins_player', 'coins_staff', 'coins_listener', 'coins_worker', 'guildbank_authenticator')
       and has_function_privilege(r.oid, p.oid, 'execute')
       and p.proname not in ('current_guild_id', 'current_discord_id', 'current_staff_role')$$,
  $$values
    ('coins_player', 'app_public.register_member(text)'),
    ('coins_player', 'app_public.claim_daily(text)'),
    ('coins_player', 'app_public.give(bigint,bigint,text)'),
    ('coins_player', 'app_public.my_card()'),
    ('coins_player', 'app_public.leaderboard(integer)'),
    ('coins_player', 'app_public.users_wallet_balance(app_public.users)'),
    ('coins_player', 'app_public.users_escrow_balance(app_public.users)'),
    ('coins_player', 'app_public.users_lifetime_earned(app_public.users)'),
    ('coins_player', 'app_public.users_lifetime_spent(app_public.users)'),
    ('coins_staff', 'app_public.leaderboard(integer)'),
    ('coins_staff', 'app_public.admin_adjust(bigint,bigint,text,text)'),
    ('coins_staff', 'app_public.freeze_user(bigint,text,text)'),
    ('coins_staff', 'app_public.unfreeze_user(bigint,text,text)'),
    ('coins_staff', 'app_public.verify_ledger(bigint)'),
    ('coins_staff', 'app_public.users_wallet_balance(app_public.users)'),
    ('coins_staff', 'app_public.users_escrow_balance(app_public.users)'),
    ('coins_staff', 'app_public.users_lifetime_earned(app_public.users)'),
    ('coins_staff', 'app_public.users_lifetime_spent(app_public.users)'),
    ('coins_worker', 'app_public.verify_ledger(bigint)'),
    -- 000002: shop and marketplace
    ('coins_player', 'app_public.price_check(text,bigint)'),
    ('coins_player', 'app_public.buy_reward(text,integer,text)'),
    ('coins_player', 'app_public.create_listing(text,integer,bigint,integer,integer,integer,text)'),
    ('coins_player', 'app_public.buy_listing(uuid,integer,text)'),
    ('coins_player', 'app_public.cancel_listing(uuid,text)'),
    ('coins_player', 'app_public.edit_listing_price(uuid,bigint,text)'),
    ('coins_player', 'app_public.cancel_order(uuid)'),
    ('coins_staff', 'app_public.price_check(text,bigint)'),
    ('coins_staff', 'app_public.cancel_listing(uuid,text)'),
    ('coins_staff', 'app_public.edit_listing_price(uuid,bigint,text)'),
    ('coins_staff', 'app_public.fulfil_order(uuid,text)'),
    ('coins_staff', 'app_public.refund_order(uuid,text)'),
    -- 000002: the live streams (caller's rights)
    -- (alerts_since for staff only: members cannot read ops_alerts)
    ('coins_player', 'app_hidden.transactions_since(text,integer)'),
    ('coins_staff', 'app_hidden.transactions_since(text,integer)'),
    ('coins_staff', 'app_hidden.alerts_since(text,integer)'),
    -- 000002: the rewards check constraint's limits check, for the staff who write rewards
    ('coins_staff', 'app_hidden.valid_limits(jsonb)'),
    -- 000002: job bodies and the fulfilment job's read, for the worker only
    ('coins_worker', 'app_hidden.fulfil_order(uuid,text)'),
    ('coins_worker', 'app_hidden.order_for_fulfilment(uuid)'),
    ('coins_worker', 'app_hidden.record_fulfilment_failure(uuid,text,boolean)'),
    ('coins_worker', 'app_hidden.refund_expired_orders(timestamp with time zone,integer)'),
    ('coins_worker', 'app_hidden.expire_listings(timestamp with time zone)'),
    ('coins_worker', 'app_hidden.pricing_rollup(timestamp with time zone)'),
    ('coins_worker', 'app_hidden.refresh_leaderboard(bigint,timestamp with time zone)'),
    ('coins_worker', 'app_hidden.leaderboard_schedules()'),
    ('coins_worker', 'app_hidden.daily_digest(date)'),
    ('coins_worker', 'app_hidden.verify_ledger_and_alert()'),
    ('coins_worker', 'app_hidden.alert_for_notification(bigint)'),
    ('coins_worker', 'app_hidden.queue_depth()'),
    ('coins_worker', 'app_hidden.ledger_health()'),
    ('coins_worker', 'app_hidden.record_job_run(text,jsonb)'),
    ('guildbank_authenticator', 'app_private.watch_stream(bigint[],text,integer)'),
    ('coins_worker', 'app_hidden.raise_alert(bigint,app_public.alert_severity,text,text,jsonb)'),
    ('coins_worker', 'app_hidden.purge_expired(timestamp with time zone)'),
    -- 000006: staff role mapping, quests, Discord setup requests
    ('coins_anonymous', 'app_hidden.resolve_staff_role(bigint,bigint,bigint[])'),
    ('coins_worker', 'app_hidden.resolve_staff_role(bigint,bigint,bigint[])'),
    ('coins_worker', 'app_hidden.record_guild(bigint,text,bigint)'),
    ('coins_player', 'app_public.quest_board()'),
    ('coins_player', 'app_public.answer_quest(bigint,text,text)'),
    ('coins_staff', 'app_public.request_discord_setup(text)'),
    -- panel (issue #5): events, reports, queue status, alerts; panel sessions and HTTP Idempotency-Key records
    ('coins_staff', 'app_public.start_event(text,numeric,text,timestamp with time zone,timestamp with time zone,text)'),
    ('coins_staff', 'app_public.stop_event(bigint,text)'),
    ('coins_staff', 'app_public.economy_events_active(app_public.economy_events)'),
    ('coins_player', 'app_public.economy_events_active(app_public.economy_events)'),
    ('coins_staff', 'app_public.report_daily(timestamp with time zone,timestamp with time zone)'),
    ('coins_staff', 'app_public.report_top_earners(timestamp with time zone,timestamp with time zone,integer)'),
    ('coins_staff', 'app_public.queue_status()'),
    ('coins_staff', 'app_public.acknowledge_alert(bigint)'),
    ('guildbank_authenticator', 'app_private.open_panel_session(bytea,bytea,bigint,bigint,app_public.staff_role,integer,integer)'),
    ('guildbank_authenticator', 'app_private.refresh_session(bytea,bytea,bytea,integer)'),
    ('guildbank_authenticator', 'app_private.revoke_refresh_token(bytea)'),
    ('guildbank_authenticator', 'app_private.http_request_begin(bigint,bigint,text,bytea)'),
    ('guildbank_authenticator', 'app_private.http_request_finish(bigint,bigint,text,integer,text,text)'),
    -- 000007: the Discord bot's runner reads and records through app_hidden; staff note transactions
    ('coins_worker', 'app_hidden.discord_guild(bigint)'),
    ('coins_worker', 'app_hidden.save_discord_setup(bigint,bigint,bigint,bigint,bigint,bigint,bigint)'),
    ('coins_worker', 'app_hidden.discord_message(bigint,text,text)'),
    ('coins_worker', 'app_hidden.record_discord_message(bigint,text,text,bigint,bigint)'),
    ('coins_worker', 'app_hidden.mark_discord_channel_missing(bigint,text,bigint,text)'),
    ('coins_worker', 'app_hidden.discord_staff_role_ids(bigint)'),
    ('coins_worker', 'app_hidden.discord_leaderboard(bigint)'),
    ('coins_worker', 'app_hidden.discord_feed_entry(uuid)'),
    ('coins_worker', 'app_hidden.discord_listing(uuid)'),
    ('coins_worker', 'app_hidden.discord_digest(bigint,date)'),
    ('coins_staff', 'app_public.note_transaction(uuid,text)'),
    ('guildbank_authenticator', 'app_private.open_session(bytea,bigint,bigint,text,app_public.staff_role,text,integer)'),
    ('guildbank_authenticator', 'app_private.session_claims(bytea)'),
    ('guildbank_authenticator', 'app_private.close_session(bytea)'),
    -- Minecraft (issue #6): links and payout resolution for staff, payouts for members, the listener's and the webhooks'
    -- functions for coins_listener, voucher issue and the API refund for the worker
    ('coins_staff', 'app_public.link_minecraft(bigint,text,text)'),
    ('coins_staff', 'app_public.resolve_payout(bigint,boolean,text)'),
    ('coins_staff', 'app_public.assign_payment(bigint,bigint,text)'),
    ('coins_player', 'app_public.request_payout(bigint,text)'),
    ('coins_listener', 'app_hidden.record_payment(text,bigint,text,timestamp with time zone,text,text)'),
    ('coins_listener', 'app_hidden.payout_begin(bigint)'),
    ('coins_listener', 'app_hidden.confirm_payout(text,bigint,text,timestamp with time zone)'),
    ('coins_listener', 'app_hidden.payout_unconfirmed(bigint,text)'),
    ('coins_listener', 'app_hidden.fail_stale_payouts(integer,timestamp with time zone)'),
    ('coins_listener', 'app_hidden.claim_webhook_nonce(text,text,timestamp with time zone,integer)'),
    ('coins_listener', 'app_hidden.redeem_voucher(uuid,text,timestamp with time zone)'),
    -- Middleman (issue 13): members run their trades, staff freeze / adjudicate / configure, the worker expires
    ('coins_player', 'app_public.mm_open_trade(text)'),
    ('coins_player', 'app_public.mm_set_counterparty(bigint,bigint)'),
    ('coins_player', 'app_public.mm_submit_form(bigint,text,text,text,bigint,text)'),
    ('coins_player', 'app_public.mm_confirm_delivery(bigint)'),
    ('coins_player', 'app_public.mm_mark_scammed(bigint,text)'),
    ('coins_player', 'app_public.mm_request_link()'),
    ('coins_player', 'app_public.mm_cancel_trade(bigint,text)'),
    ('coins_staff', 'app_public.mm_cancel_trade(bigint,text)'),
    ('coins_player', 'app_public.mm_attach_evidence(bigint,text,text)'),
    ('coins_staff', 'app_public.mm_attach_evidence(bigint,text,text)'),
    ('coins_player', 'app_public.mm_history(bigint)'),
    ('coins_staff', 'app_public.mm_history(bigint)'),
    ('coins_player', 'app_public.mm_reputation(bigint)'),
    ('coins_staff', 'app_public.mm_reputation(bigint)'),
    ('coins_staff', 'app_public.mm_freeze(bigint,text)'),
    ('coins_staff', 'app_public.mm_request_evidence(bigint,text)'),
    ('coins_staff', 'app_public.mm_adjudicate(bigint,text,bigint,text)'),
    ('coins_staff', 'app_public.mm_set_discord(text,bigint,text)'),
    ('coins_worker', 'app_hidden.mm_expire_trades(timestamp with time zone)'),
    ('coins_worker', 'app_hidden.mm_ticket(bigint)'),
    ('coins_worker', 'app_hidden.mm_record_rendered(bigint,bigint)'),
    ('coins_listener', 'app_hidden.mm_check_recipient(text)'),
    ('coins_worker', 'app_hidden.mm_public(bigint)'),
    -- issue 13, continued: unlink (members, staff), file evidence, the ticket mode
    ('coins_player', 'app_public.unlink_my_ign(text)'),
    ('coins_staff', 'app_public.unlink_minecraft(bigint,text)'),
    ('coins_player', 'app_public.mm_attach_files(bigint,jsonb,text)'),
    ('coins_staff', 'app_public.mm_attach_files(bigint,jsonb,text)'),
    ('coins_staff', 'app_public.mm_set_ticket_mode(text,text)'),
    ('coins_worker', 'app_hidden.mm_record_ticket(bigint,bigint,bigint)'),
    ('coins_worker', 'app_hidden.mm_store_transcript(bigint,text)'),
    ('coins_worker', 'app_hidden.issue_voucher(uuid)'),
    ('coins_worker', 'app_hidden.order_minecraft_player(uuid)'),
    ('coins_worker', 'app_hidden.refund_undeliverable_order(uuid,text)'),
    -- Tasks (issue 14): members claim and submit, staff review and delete, the computed columns for both; the bot's
    -- runner renders and records the task and review messages and deliveries; the server's worker expires and re-syncs
    ('coins_player', 'app_public.claim_task(bigint,text)'),
    ('coins_player', 'app_public.submit_task_proof(bigint,text,jsonb,text)'),
    ('coins_player', 'app_public.my_task_claims()'),
    ('coins_staff', 'app_public.review_task_claim(bigint,boolean,text,text)'),
    ('coins_staff', 'app_public.delete_task(bigint)'),
    ('coins_player', 'app_public.tasks_slots_taken(app_public.tasks)'),
    ('coins_staff', 'app_public.tasks_slots_taken(app_public.tasks)'),
    ('coins_player', 'app_public.tasks_completed_count(app_public.tasks)'),
    ('coins_staff', 'app_public.tasks_completed_count(app_public.tasks)'),
    ('coins_player', 'app_public.tasks_proof_required_effective(app_public.tasks)'),
    ('coins_staff', 'app_public.tasks_proof_required_effective(app_public.tasks)'),
    ('coins_worker', 'app_hidden.expire_tasks(timestamp with time zone)'),
    ('coins_worker', 'app_hidden.requeue_task_sync(timestamp with time zone)'),
    ('coins_worker', 'app_hidden.discord_task(bigint)'),
    ('coins_worker', 'app_hidden.discord_task_claim(bigint)'),
    ('coins_worker', 'app_hidden.record_task_message(bigint,bigint,bigint,text,timestamp with time zone)'),
    ('coins_worker', 'app_hidden.record_task_review_message(bigint,bigint,bigint)'),
    ('coins_worker', 'app_hidden.record_task_delivery(bigint,text,text,text)'),
    -- Announcements, saved embeds, custom commands, #shop posts (issue 14): the embed check runs as the writing staff
    -- member (like valid_limits); /c for members and staff; the jobs' reads and records for the worker
    ('coins_staff', 'app_hidden.embed_valid(jsonb)'),
    ('coins_staff', 'app_public.delete_announcement(bigint)'),
    ('coins_staff', 'app_public.announce_task(bigint,bigint,timestamp with time zone,boolean)'),
    ('coins_player', 'app_public.custom_command(text)'),
    ('coins_staff', 'app_public.custom_command(text)'),
    ('coins_player', 'app_public.custom_command_names(text)'),
    ('coins_staff', 'app_public.custom_command_names(text)'),
    ('coins_worker', 'app_hidden.publish_due_announcements(timestamp with time zone)'),
    ('coins_worker', 'app_hidden.discord_announcement(bigint)'),
    ('coins_worker', 'app_hidden.record_announcement_message(bigint,bigint,text,boolean,timestamp with time zone)'),
    ('coins_worker', 'app_hidden.discord_reward(bigint,text)'),
    ('coins_worker', 'app_hidden.record_reward_sync(bigint,text,text,timestamp with time zone)'),
    ('coins_worker', 'app_hidden.requeue_reward_sync(timestamp with time zone)'),
    -- Issue 14, the member side: /use, /inventory, DM settings, seasons, market pages and own listings for members and
    -- staff; seasons started and ended by staff; the role, DM, badge and season jobs for the worker
    ('coins_player', 'app_public.use_item(text,text)'), ('coins_staff', 'app_public.use_item(text,text)'),
    ('coins_player', 'app_public.my_inventory()'), ('coins_staff', 'app_public.my_inventory()'),
    ('coins_player', 'app_public.set_notification(text,boolean)'), ('coins_staff', 'app_public.set_notification(text,boolean)'),
    ('coins_player', 'app_public.my_notification_settings()'), ('coins_staff', 'app_public.my_notification_settings()'),
    ('coins_player', 'app_public.season_leaderboard(bigint,integer)'), ('coins_staff', 'app_public.season_leaderboard(bigint,integer)'),
    ('coins_player', 'app_public.market_listings(text,bigint,text,integer,integer)'), ('coins_staff', 'app_public.market_listings(text,bigint,text,integer,integer)'),
    ('coins_player', 'app_public.my_listings()'), ('coins_staff', 'app_public.my_listings()'),
    ('coins_staff', 'app_public.start_season(text,integer,boolean)'), ('coins_staff', 'app_public.end_season()'),
    ('coins_worker', 'app_hidden.expire_role_grants(timestamp with time zone)'),
    ('coins_worker', 'app_hidden.discord_role_grant(bigint)'),
    ('coins_worker', 'app_hidden.record_role_grant(bigint,text,boolean,text,timestamp with time zone)'),
    ('coins_worker', 'app_hidden.discord_notification(bigint)'),
    ('coins_worker', 'app_hidden.record_notification(bigint,boolean,text,timestamp with time zone)'),
    ('coins_worker', 'app_hidden.award_badges_all(timestamp with time zone)'),
    ('coins_worker', 'app_hidden.rollover_seasons(timestamp with time zone)'),
    -- issue 15: collectible cards (packs, draws, fairness, inventory, market, trades, staff actions, jobs)
    ('coins_player', 'app_public.fair_value(bytea,bigint,integer)'),
    ('coins_staff', 'app_public.fair_value(bytea,bigint,integer)'),
    ('coins_player', 'app_public.rarity_for_roll(integer,integer[])'),
    ('coins_staff', 'app_public.rarity_for_roll(integer,integer[])'),
    ('coins_player', 'app_public.verify_draw(bigint,text)'),
    ('coins_staff', 'app_public.verify_draw(bigint,text)'),
    ('coins_player', 'app_public.card_leaderboard(boolean,integer)'),
    ('coins_staff', 'app_public.card_leaderboard(boolean,integer)'),
    ('coins_player', 'app_public.open_pack(text,text,bigint[],text)'),
    ('coins_player', 'app_public.pick_card(uuid,integer)'),
    ('coins_player', 'app_public.draw_card(text,bigint[],text)'),
    ('coins_player', 'app_public.set_card_locked(bigint,boolean)'),
    ('coins_player', 'app_public.burn_card(bigint,text)'),
    ('coins_player', 'app_public.card_balances()'),
    ('coins_player', 'app_public.list_card(bigint,bigint,text,integer,text)'),
    ('coins_player', 'app_public.buy_card(uuid,text)'),
    ('coins_player', 'app_public.propose_trade(bigint,bigint[],jsonb,bigint[],jsonb)'),
    ('coins_player', 'app_public.revise_trade(uuid,bigint[],jsonb,bigint[],jsonb)'),
    ('coins_player', 'app_public.confirm_trade(uuid,integer)'),
    ('coins_player', 'app_public.cancel_card_listing(uuid)'),
    ('coins_staff', 'app_public.cancel_card_listing(uuid)'),
    ('coins_player', 'app_public.cancel_trade(uuid)'),
    ('coins_staff', 'app_public.cancel_trade(uuid)'),
    ('coins_staff', 'app_public.rotate_fair_seed()'),
    ('coins_staff', 'app_public.draw_stats(text,integer)'),
    ('coins_staff', 'app_public.set_card_rarity(text,app_public.card_rarity,text)'),
    ('coins_staff', 'app_public.give_card_currency(bigint,bigint,text,text)'),
    ('coins_staff', 'app_public.create_card_template(bigint,bigint,app_public.card_rarity,bigint,bigint)'),
    ('coins_worker', 'app_hidden.expire_card_listings(timestamp with time zone)'),
    ('coins_worker', 'app_hidden.expire_card_trades(timestamp with time zone)'),
    ('coins_worker', 'app_hidden.expire_temporary_cards(timestamp with time zone)'),
    ('coins_player', 'app_public.set_wishlist(text,boolean)'),
    ('coins_player', 'app_public.collection_progress()'), ('coins_staff', 'app_public.collection_progress()'),
    ('coins_staff', 'app_public.delete_card_template(text,boolean,text)'),
    ('coins_staff', 'app_public.purge_artist(bigint,text)'),
    ('coins_player', 'app_public.my_missions(timestamp with time zone)'), ('coins_staff', 'app_public.my_missions(timestamp with time zone)'),
    ('coins_player', 'app_public.my_achievements()'), ('coins_staff', 'app_public.my_achievements()'),
    ('coins_player', 'app_public.shop_packs(bigint[],timestamp with time zone)'),
    ('coins_player', 'app_public.request_data_transfer(bigint,text)'),
    ('coins_player', 'app_public.answer_data_transfer(uuid,boolean)'),
    ('coins_player', 'app_public.cancel_data_transfer(uuid)'),
    ('coins_staff', 'app_public.decide_data_transfer(uuid,boolean,text)'),
    ('coins_worker', 'app_hidden.pay_card_rewards(timestamp with time zone)'),
    ('coins_worker', 'app_hidden.expire_pack_openings(timestamp with time zone)'),
    ('coins_worker', 'app_hidden.expire_data_transfers(timestamp with time zone)'),
    ('coins_worker', 'app_hidden.discord_card_notice(bigint)'),
    ('coins_worker', 'app_hidden.card_notice_delivered(bigint,text,text)'),
    -- issue 16: catalogue ingestion (staff ask, review and render; the worker's steps)
    ('coins_staff', 'app_public.request_catalogue_ingest(text)'), ('coins_staff', 'app_public.request_catalogue_sync()'),
    ('coins_staff', 'app_public.review_catalogue_image(bigint,boolean,text,bigint,text)'), ('coins_staff', 'app_public.render_catalogue_templates(bigint)'),
    ('coins_worker', 'app_hidden.catalogue_queue_weekly_syncs()'), ('coins_worker', 'app_hidden.catalogue_queue_ingest(bigint,text)'),
    ('coins_worker', 'app_hidden.catalogue_upsert_artist(bigint,text,text,boolean,bigint,text,integer,jsonb)'),
    ('coins_worker', 'app_hidden.catalogue_upsert_era(bigint,text,text,date,date,text[])'),
    ('coins_worker', 'app_hidden.catalogue_run_update(bigint,text,jsonb,bigint,timestamp with time zone)'),
    ('coins_worker', 'app_hidden.catalogue_run_error(bigint,text,text,text,timestamp with time zone)'),
    ('coins_worker', 'app_hidden.catalogue_run_state(bigint)'),
    ('coins_worker', 'app_hidden.catalogue_record_candidate(bigint,bigint,bigint,text,text,text,text,text,jsonb,date,text,text,timestamp with time zone)'),
    ('coins_worker', 'app_hidden.catalogue_check_image(bigint,integer,integer,text,integer,text,text,text,text,timestamp with time zone)'),
    ('coins_worker', 'app_hidden.catalogue_image_failed(bigint,text,boolean,timestamp with time zone)'),
    ('coins_worker', 'app_hidden.catalogue_make_templates(bigint,bigint,bigint,timestamp with time zone)'),
    -- issue 14 (panel): the server switcher (sign-in), settings, inactive members, the archive, live events, bot presence
    ('guildbank_authenticator', 'app_private.add_session_guild(bytea,bigint,bigint[])'),
    ('guildbank_authenticator', 'app_private.session_guild_choices(bytea)'),
    ('guildbank_authenticator', 'app_private.switch_session_guild(bytea,bigint)'),
    ('guildbank_authenticator', 'app_private.panel_guild_candidates(bigint,bigint[])'),
    ('coins_player', 'app_public.guild_features()'), ('coins_staff', 'app_public.guild_features()'),
    ('coins_player', 'app_public.transaction_history(timestamp with time zone,timestamp with time zone,app_public.tx_type)'),
    ('coins_staff', 'app_public.transaction_history(timestamp with time zone,timestamp with time zone,app_public.tx_type)'),
    ('coins_player', 'app_public.users_last_active_at(app_public.users)'), ('coins_staff', 'app_public.users_last_active_at(app_public.users)'),
    ('coins_staff', 'app_public.archive_transactions(timestamp with time zone,text,text)'),
    ('coins_staff', 'app_public.inactive_members(integer,boolean)'),
    ('coins_staff', 'app_public.deactivate_member(bigint,text,text)'),
    ('coins_staff', 'app_public.reactivate_member(bigint,text,text)'),
    ('coins_staff', 'app_public.deactivate_inactive_members(integer,text,text)'),
    ('coins_staff', 'app_hidden.community_events_since(text,integer)'),
    ('coins_staff', 'app_public.set_bot_presence(text,text,text)'),
    ('coins_worker', 'app_hidden.bot_presence_for_job()'),
    ('coins_worker', 'app_hidden.record_bot_presence(bigint,timestamp with time zone,text)')$$,
  'EXECUTE grants: exactly the documented functions per role (claim readers aside)');
select is((select array_agg(r.rolname::text order by r.rolname) from pg_roles r
            where r.rolname in ('coins_anonymous', 'coins_player', 'coins_staff', 'coins_listener', 'coins_worker')
              and has_function_privilege(r.oid, 'app_public.current_staff_role()', 'execute')
              and has_function_privilege(r.oid, 'app_public.current_guild_id()', 'execute')
              and has_function_privilege(r.oid, 'app_public.current_discord_id()', 'execute')),
  array['coins_anonymous', 'coins_listener', 'coins_player', 'coins_staff', 'coins_worker'], 'every API role may read its claims (RLS needs them)');
select results_eq($$select rolinherit, rolcanlogin from pg_roles where rolname = 'guildbank_authenticator'$$, $$values (false, true)$$,
  'the authenticator logs in and inherits nothing (NOINHERIT)');
select is((select array_agg(r.rolname::text order by r.rolname) from pg_auth_members m join pg_roles r on r.oid = m.roleid
            where m.member = (select oid from pg_roles where rolname = 'guildbank_authenticator')),
  array['coins_anonymous', 'coins_listener', 'coins_player', 'coins_staff', 'coins_worker'], 'the authenticator may switch to each API role');
select is_empty($$select r.rolname from pg_roles r where r.rolname like 'coins_%' and (r.rolcanlogin or r.rolsuper or r.rolbypassrls)$$,
  'API roles cannot log in and do not bypass RLS');

-- The error catalogue (db/ERRORS.md) ------------------------------------------------------------------------------------------------
-- Read from the file itself: the pgTAP runner (scripts/pgtap-runner.ts) defines the variable errors_md as the text of
-- db/ERRORS.md, so a code added to ERRORS.md or to the SQL without the other fails below. Rows: | SQLSTATE | key | message | detail |
create temp table catalogue (code text primary key, key text not null unique);
insert into catalogue
  select m[1], m[2] from regexp_matches(:'errors_md', '^\|\s*([A-Z0-9]{5})\s*\|\s*([a-z_]+)\s*\|', 'gn') m;
select ok((select count(*) from catalogue) >= 20,
  format('db/ERRORS.md was read: its table lists %s errors', (select count(*) from catalogue)));
create temp table raised as
  select distinct m[1] as code, m[2] as key
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace,
         regexp_matches(p.prosrc, $r$raise_error\(\s*'([A-Z0-9]{5})'\s*,\s*'([a-z_]+)'$r$, 'g') m
   where n.nspname in ('app_public', 'app_hidden', 'app_private');
select ok((select count(*) from raised) >= 15, 'the function sources raise named errors (at least 15 distinct code/key pairs found)');
select is_empty($$select code, key from raised except select code, key from catalogue$$,
  'every error raised in SQL is in the catalogue with the same key');
-- The codes the server raises itself say so in a paragraph of their own: 'RC001 is raised by the server ...'.
create temp table server_raised as
  select m[1] as code from regexp_matches(:'errors_md', '^([A-Z0-9]{5}) is raised by the server', 'gn') m;
select ok((select count(*) from server_raised) >= 1, format('db/ERRORS.md names the codes the server raises (%s)',
  (select string_agg(code, ', ' order by code) from server_raised)));
select is_empty($$select c.code from catalogue c where not exists (
    select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname in ('app_public', 'app_hidden', 'app_private') and p.prosrc like '%''' || c.code || '''%')
    and c.code not in (select code from server_raised)$$,
  'every catalogue entry is raised somewhere (in SQL, or by the server where ERRORS.md says so)');
select is_empty($$select s.code from server_raised s join pg_proc p on p.prosrc like '%''' || s.code || '''%'
                   join pg_namespace n on n.oid = p.pronamespace and n.nspname in ('app_public', 'app_hidden', 'app_private')$$,
  'a code the server raises is raised by no SQL function');
select is_empty($$select code from catalogue where left(code, 2) in ('00', '01', '02', '03', '08', '09', '0A', '0B', '0F', '0L', '0P', '0Z', '20', '21',
    '22', '23', '24', '25', '26', '27', '28', '2B', '2D', '2F', '34', '38', '39', '3B', '3D', '3F', '40', '42', '44', '53', '54', '55', '57',
    '58', '72', 'F0', 'HV', 'P0', 'XX')$$,
  'no catalogue SQLSTATE class collides with a PostgreSQL class');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.raise_error('AU001', 'not_authenticated')$$),
  '{"code": "AU001", "key": "not_authenticated", "detail": {}}'::jsonb, 'raise_error: SQLSTATE = code, message = key, detail = {} by default');
select is(pg_temp.error_as(null, null, null, null, $$select app_private.raise_error('VL001', 'invalid_argument', '{"argument": "x"}')$$) -> 'detail',
  '{"argument": "x"}'::jsonb, 'raise_error: detail is the JSON parameters');
-- Function and table style (db/CONVENTIONS.md "Function style") ---------------------------------------------------------------------
select results_eq(
  $$select p.proname::text collate "default", p.provolatile::text, p.prosecdef from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'app_public' order by 1$$,
  $$values ('acknowledge_alert', 'v', true), ('admin_adjust', 'v', true), ('announce_task', 'v', true), ('answer_data_transfer', 'v', true), ('answer_quest', 'v', true),
           ('archive_transactions', 'v', true), ('assign_payment', 'v', true), ('burn_card', 'v', true), ('buy_card', 'v', true), ('buy_listing', 'v', true),
           ('buy_reward', 'v', true), ('cancel_card_listing', 'v', true), ('cancel_data_transfer', 'v', true), ('cancel_listing', 'v', true), ('cancel_order', 'v', true),
           ('cancel_trade', 'v', true), ('card_balances', 's', true), ('card_leaderboard', 's', true), ('claim_daily', 'v', true), ('claim_task', 'v', true),
           ('collection_progress', 's', true), ('confirm_trade', 'v', true), ('create_card_template', 'v', true), ('create_listing', 'v', true), ('current_discord_id', 's', false),
           ('current_guild_id', 's', false), ('current_staff_role', 's', false), ('custom_command', 's', true), ('custom_command_names', 's', true), ('deactivate_inactive_members', 'v', true),
           ('deactivate_member', 'v', true), ('decide_data_transfer', 'v', true), ('delete_announcement', 'v', true), ('delete_card_template', 'v', true), ('delete_task', 'v', true),
           ('draw_card', 'v', true), ('draw_stats', 's', true), ('economy_events_active', 's', false), ('edit_listing_price', 'v', true), ('end_season', 'v', true),
           ('fair_value', 'i', true), ('freeze_user', 'v', true), ('fulfil_order', 'v', true), ('give', 'v', true), ('give_card_currency', 'v', true),
           ('guild_features', 's', true), ('inactive_members', 's', true), ('leaderboard', 's', true), ('link_minecraft', 'v', true), ('list_card', 'v', true),
           ('market_listings', 's', true), ('mm_adjudicate', 'v', true), ('mm_attach_evidence', 'v', true), ('mm_attach_files', 'v', true), ('mm_cancel_trade', 'v', true),
           ('mm_confirm_delivery', 'v', true), ('mm_freeze', 'v', true), ('mm_history', 's', true), ('mm_mark_scammed', 'v', true), ('mm_open_trade', 'v', true),
           ('mm_reputation', 's', true), ('mm_request_evidence', 'v', true), ('mm_request_link', 'v', true), ('mm_set_counterparty', 'v', true), ('mm_set_discord', 'v', true),
           ('mm_set_ticket_mode', 'v', true), ('mm_submit_form', 'v', true), ('my_achievements', 's', true), ('my_card', 's', true), ('my_inventory', 's', true),
           ('my_listings', 's', true), ('my_missions', 's', true), ('my_notification_settings', 's', true), ('my_task_claims', 's', true), ('note_transaction', 'v', true),
           ('open_pack', 'v', true), ('pick_card', 'v', true), ('price_check', 's', true), ('propose_trade', 'v', true), ('purge_artist', 'v', true),
           ('quest_board', 's', true), ('queue_status', 's', true), ('rarity_for_roll', 'i', true), ('reactivate_member', 'v', true), ('refund_order', 'v', true),
           ('register_member', 'v', true), ('render_catalogue_templates', 'v', true), ('report_daily', 's', true), ('report_top_earners', 's', true), ('request_catalogue_ingest', 'v', true),
           ('request_catalogue_sync', 'v', true), ('request_data_transfer', 'v', true), ('request_discord_setup', 'v', true), ('request_payout', 'v', true), ('resolve_payout', 'v', true),
           ('review_catalogue_image', 'v', true), ('review_task_claim', 'v', true), ('revise_trade', 'v', true), ('rotate_fair_seed', 'v', true), ('season_leaderboard', 's', true),
           ('set_bot_presence', 'v', true), ('set_card_locked', 'v', true), ('set_card_rarity', 'v', true), ('set_notification', 'v', true), ('set_wishlist', 'v', true),
           ('shop_packs', 's', true), ('start_event', 'v', true), ('start_season', 'v', true), ('stop_event', 'v', true), ('submit_task_proof', 'v', true), ('tasks_completed_count', 's', true),
           ('tasks_proof_required_effective', 's', true), ('tasks_slots_taken', 's', true), ('transaction_history', 's', false), ('unfreeze_user', 'v', true), ('unlink_minecraft', 'v', true),
           ('unlink_my_ign', 'v', true), ('use_item', 'v', true), ('users_escrow_balance', 's', false), ('users_last_active_at', 's', false), ('users_lifetime_earned', 's', false), ('users_lifetime_spent', 's', false), ('users_wallet_balance', 's', false),
           ('verify_draw', 's', true), ('verify_ledger', 's', true)$$,
  'app_public: actions are VOLATILE (mutations), reads STABLE (queries) (the fairness helpers fair_value and rarity_for_roll IMMUTABLE), all SECURITY DEFINER but the claim readers, the balance and lifetime computed columns (caller''s rights: RLS on accounts decides), transaction_history and users_last_active_at (caller''s rights, issue 14); the task counts are SECURITY DEFINER (counts, not rows)');
select is_empty($$select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                   where n.nspname in ('app_public', 'app_hidden', 'app_private') and obj_description(p.oid, 'pg_proc') is null
                  union all
                  select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
                   where n.nspname in ('app_public', 'app_hidden', 'app_private') and c.relkind = 'r' and obj_description(c.oid, 'pg_class') is null$$,
  'every function and table has a comment');
-- The smart tags follow the grants: the @behavior line removes exactly the writes no API role is granted (insert and
-- update counting column grants). Rewards, which staff insert, update and delete through the API, has nothing to remove,
-- so its comment has no tag line.
select is_empty($$with t as (
    select c.oid, obj_description(c.oid, 'pg_class') as d,
           array(select '-' || op from unnest(array['insert', 'update', 'delete']) op
                  where not exists (select 1 from pg_roles r where r.rolname like 'coins\_%'
                                      and (has_table_privilege(r.oid, c.oid, op)
                                           or (op <> 'delete' and has_any_column_privilege(r.oid, c.oid, op))))) as removed
      from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'app_public' and c.relkind = 'r')
  select oid::regclass, removed, d from t
   where case when cardinality(removed) = 0 then d ~ '^@'
              else d !~ ('^@behavior ' || array_to_string(removed, ' ') || '\n') end$$,
  'every app_public table comment starts with a @behavior line (on its own line) removing exactly the writes no API role is granted; rewards (staff insert, update, delete) has none');
select is(obj_description('app_public.rewards'::regclass, 'pg_class') ~ '^@', false,
  'the rewards comment starts with its description: PostGraphile keeps its insert, update and delete for the staff');

-- app_hidden (000002): the job bodies and the worker's order read run with the owner's rights (SECURITY DEFINER); the two
-- stream readers run with the caller's rights, so that RLS decides what a player or a staff member receives; valid_limits
-- (the rewards check constraint, evaluated with the rights of whoever writes the row) is an IMMUTABLE plain function ---------
select results_eq(
  $$select p.proname::text collate "default", p.provolatile::text, p.prosecdef from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'app_hidden' order by 1$$,
  $$values ('alert_for_notification', 's', true), ('alerts_since', 'v', false), ('award_badges_all', 'v', true), ('bot_presence_for_job', 's', true), ('card_notice_delivered', 'v', true),
           ('catalogue_check_image', 'v', true), ('catalogue_image_failed', 'v', true), ('catalogue_make_templates', 'v', true), ('catalogue_queue_ingest', 'v', true), ('catalogue_queue_weekly_syncs', 'v', true),
           ('catalogue_record_candidate', 'v', true), ('catalogue_run_error', 'v', true), ('catalogue_run_state', 's', true), ('catalogue_run_update', 'v', true), ('catalogue_upsert_artist', 'v', true),
           ('catalogue_upsert_era', 'v', true), ('claim_webhook_nonce', 'v', true), ('community_events_since', 'v', false), ('confirm_payout', 'v', true), ('daily_digest', 'v', true),
           ('discord_announcement', 's', true), ('discord_card_notice', 's', true), ('discord_digest', 's', true), ('discord_feed_entry', 's', true), ('discord_guild', 's', true),
           ('discord_leaderboard', 's', true), ('discord_listing', 's', true), ('discord_message', 's', true), ('discord_notification', 's', true), ('discord_reward', 's', true),
           ('discord_role_grant', 's', true), ('discord_staff_role_ids', 's', true), ('discord_task', 's', true), ('discord_task_claim', 's', true), ('embed_valid', 'i', false),
           ('expire_card_listings', 'v', true), ('expire_card_trades', 'v', true), ('expire_data_transfers', 'v', true), ('expire_listings', 'v', true), ('expire_pack_openings', 'v', true),
           ('expire_role_grants', 'v', true), ('expire_tasks', 'v', true), ('expire_temporary_cards', 'v', true), ('fail_stale_payouts', 'v', true), ('fulfil_order', 'v', true),
           ('issue_voucher', 'v', true), ('leaderboard_schedules', 's', true), ('ledger_health', 's', true), ('mark_discord_channel_missing', 'v', true), ('mm_check_recipient', 's', true),
           ('mm_expire_trades', 'v', true), ('mm_public', 's', true), ('mm_record_rendered', 'v', true), ('mm_record_ticket', 'v', true), ('mm_store_transcript', 'v', true),
           ('mm_ticket', 's', true), ('order_for_fulfilment', 's', true), ('order_minecraft_player', 's', true), ('pay_card_rewards', 'v', true), ('payout_begin', 'v', true),
           ('payout_unconfirmed', 'v', true), ('pricing_rollup', 'v', true), ('publish_due_announcements', 'v', true), ('purge_expired', 'v', true), ('queue_depth', 's', true),
           ('raise_alert', 'v', true), ('record_announcement_message', 'v', true), ('record_bot_presence', 'v', true), ('record_discord_message', 'v', true), ('record_fulfilment_failure', 'v', true),
           ('record_guild', 'v', true), ('record_job_run', 'v', true), ('record_notification', 'v', true), ('record_payment', 'v', true), ('record_reward_sync', 'v', true),
           ('record_role_grant', 'v', true), ('record_task_delivery', 'v', true), ('record_task_message', 'v', true), ('record_task_review_message', 'v', true), ('redeem_voucher', 'v', true),
           ('refresh_leaderboard', 'v', true), ('refund_expired_orders', 'v', true), ('refund_undeliverable_order', 'v', true), ('requeue_reward_sync', 'v', true), ('requeue_task_sync', 'v', true),
           ('resolve_staff_role', 's', true), ('rollover_seasons', 'v', true), ('save_discord_setup', 'v', true),
           ('transactions_since', 'v', false), ('valid_limits', 'i', false), ('verify_ledger_and_alert', 'v', true)$$,
  'app_hidden: job bodies and order_for_fulfilment are SECURITY DEFINER, transactions_since / alerts_since / community_events_since run with the caller''s rights, valid_limits and embed_valid are IMMUTABLE');
select is((select pg_get_function_arguments('app_hidden.fulfil_order(uuid,text)'::regprocedure)), 'p_order_id uuid, p_delivery_ref text DEFAULT NULL::text',
  'app_hidden.fulfil_order takes the order and an optional delivery reference');
select is(to_regproc('app_private.valid_limits'), null, 'the limits check is no longer in app_private (moved to app_hidden)');
select is_empty($$select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                   where n.nspname = 'app_private' and p.prosecdef
                     and p.proname not in ('open_session', 'session_claims', 'close_session', 'watch_stream', 'open_panel_session',
                                           'refresh_session', 'revoke_refresh_token', 'http_request_begin', 'http_request_finish',
                                           'add_session_guild', 'session_guild_choices', 'switch_session_guild', 'panel_guild_candidates')
                     and p.prorettype <> 'trigger'::regtype$$,
  'in app_private only the session functions, the live-feed lease and trigger functions are SECURITY DEFINER (the rules run inside the public ones)');

-- Triggers: names _NNN_what (fired in name order), app_private.tg_* functions; every staff-writable table is guarded
-- (_050_require_staff with the allowed roles) and audited (_900_audit with subject type and subject column) ---------------------
select is_empty($$select c.oid::regclass, t.tgname from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
                   where not t.tgisinternal and n.nspname in ('app_public', 'app_hidden', 'app_private')
                     and (t.tgname !~ '^_[0-9]{3}_[a-z_]+$' or t.tgfoid::regproc::text !~ '^app_private\.tg_[a-z_]*_[a-z_]+$')$$,
  'every trigger is named _NNN_what and runs an app_private.tg_* function');
select set_eq(
  $$select c.oid::regclass::text, t.tgname::text, t.tgfoid::regproc::text, encode(t.tgargs, 'escape')
      from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
     where not t.tgisinternal and n.nspname = 'app_public' and t.tgname in ('_050_require_staff', '_900_audit')$$,
  $$values ('app_public.guild_settings', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000'),
           ('app_public.guild_settings', '_900_audit', 'app_private.tg__audit', E'guild_settings\\000guild_id\\000'),
           ('app_public.pricing_config', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000'),
           ('app_public.pricing_config', '_900_audit', 'app_private.tg__audit', E'pricing_config\\000guild_id\\000'),
           ('app_public.rewards', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000OPERATOR\\000'),
           ('app_public.rewards', '_900_audit', 'app_private.tg__audit', E'reward\\000sku\\000'),
           ('app_public.staff_role_mappings', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000'),
           ('app_public.staff_role_mappings', '_900_audit', 'app_private.tg__audit', E'staff_role_mapping\\000discord_role_id\\000'),
           ('app_public.quests', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000OPERATOR\\000'),
           ('app_public.quests', '_900_audit', 'app_private.tg__audit', E'quest\\000id\\000'),
           ('app_public.tasks', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000OPERATOR\\000'),
           ('app_public.tasks', '_900_audit', 'app_private.tg__audit', E'task\\000id\\000'),
           ('app_public.saved_embeds', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000OPERATOR\\000'),
           ('app_public.saved_embeds', '_900_audit', 'app_private.tg__audit', E'saved_embed\\000id\\000'),
           ('app_public.announcements', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000OPERATOR\\000'),
           ('app_public.announcements', '_900_audit', 'app_private.tg__audit', E'announcement\\000id\\000'),
           ('app_public.custom_commands', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000OPERATOR\\000'),
           ('app_public.custom_commands', '_900_audit', 'app_private.tg__audit', E'custom_command\\000id\\000'),
           -- issue 15: card settings, pack types, costs and cooldown roles ADMIN+, the catalogue OPERATOR+, events ADMIN+
           ('app_public.card_settings', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000'),
           ('app_public.card_settings', '_900_audit', 'app_private.tg__audit', E'card_settings\\000guild_id\\000'),
           ('app_public.pack_types', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000'),
           ('app_public.pack_types', '_900_audit', 'app_private.tg__audit', E'pack_type\\000id\\000'),
           ('app_public.pack_costs', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000'),
           ('app_public.pack_costs', '_900_audit', 'app_private.tg__audit', E'pack_cost\\000pack_type_id\\000'),
           ('app_public.card_cooldown_roles', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000'),
           ('app_public.card_cooldown_roles', '_900_audit', 'app_private.tg__audit', E'card_cooldown_role\\000discord_role_id\\000'),
           ('app_public.card_missions', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000OPERATOR\\000'),
           ('app_public.card_missions', '_900_audit', 'app_private.tg__audit', E'card_mission\\000id\\000'),
           ('app_public.card_achievements', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000OPERATOR\\000'),
           ('app_public.card_achievements', '_900_audit', 'app_private.tg__audit', E'card_achievement\\000id\\000'),
           ('app_public.artists', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000OPERATOR\\000'),
           ('app_public.artists', '_900_audit', 'app_private.tg__audit', E'artist\\000id\\000'),
           ('app_public.eras', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000OPERATOR\\000'),
           ('app_public.eras', '_900_audit', 'app_private.tg__audit', E'era\\000id\\000'),
           ('app_public.era_images', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000OPERATOR\\000'),
           ('app_public.era_images', '_900_audit', 'app_private.tg__audit', E'era_image\\000id\\000'),
           ('app_public.card_events', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000'),
           ('app_public.card_events', '_900_audit', 'app_private.tg__audit', E'card_event\\000id\\000'),
           -- issue 14: the badge catalogue OPERATOR+
           ('app_public.badges', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000OPERATOR\\000'),
           ('app_public.badges', '_900_audit', 'app_private.tg__audit', E'badge\\000code\\000'),
           -- issue 16: catalogue settings ADMIN+
           ('app_public.catalogue_settings', '_050_require_staff', 'app_private.tg__require_staff', E'SUPERADMIN\\000ADMIN\\000'),
           ('app_public.catalogue_settings', '_900_audit', 'app_private.tg__audit', E'catalogue_settings\\000guild_id\\000')$$,
  'staff-writable tables: settings and pricing_config are ADMIN+, rewards, quests, tasks, announcements, embeds and commands OPERATOR+, the role mapping SUPERADMIN only, all audited');
select is((select array_agg(distinct substring(pg_get_triggerdef(t.oid) from ' WHEN (.*) EXECUTE ')) from pg_trigger t
            where not t.tgisinternal and t.tgname in ('_050_require_staff', '_900_audit')),
  array['((CURRENT_USER = ''coins_staff''::name))'],
  'the staff check and audit triggers fire only for direct API writes (WHEN current_user = coins_staff), not for writes made inside the SECURITY DEFINER rules');
select set_eq(
  $$select distinct c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace cross join pg_roles r
     where n.nspname in ('app_public', 'app_hidden', 'app_private') and c.relkind = 'r' and r.rolname like 'coins\_%'
       and (has_table_privilege(r.oid, c.oid, 'insert') or has_table_privilege(r.oid, c.oid, 'update') or has_table_privilege(r.oid, c.oid, 'delete')
            or has_any_column_privilege(r.oid, c.oid, 'insert') or has_any_column_privilege(r.oid, c.oid, 'update'))$$,
  $$select c.oid::regclass::text from pg_class c join pg_trigger t on t.tgrelid = c.oid where t.tgname = '_050_require_staff'$$,
  'an API role may write exactly the tables that carry the _050_require_staff trigger');

-- Grants on tables: API roles read through SELECT grants and write only the staff-editable columns -----------------------------------
select set_eq(
  $$select r.rolname::text, c.oid::regclass::text, p.priv
      from pg_class c join pg_namespace n on n.oid = c.relnamespace cross join pg_roles r
      cross join unnest(array['select', 'insert', 'update', 'delete', 'truncate', 'references', 'trigger']) p(priv)
     where n.nspname in ('app_public', 'app_hidden', 'app_private') and c.relkind in ('r', 'v', 'm')
       and r.rolname in ('coins_anonymous', 'coins_player', 'coins_staff', 'coins_listener', 'coins_worker', 'guildbank_authenticator')
       and has_table_privilege(r.oid, c.oid, p.priv)$$,
  $$select r as role, 'app_public.' || t as tbl, 'select' as priv from unnest(array['coins_player', 'coins_staff']) r,
           unnest(array['guilds', 'guild_settings', 'currencies', 'users', 'accounts', 'transactions', 'transfers', 'pricing_config',
                        'rewards', 'inventory', 'listings', 'orders', 'order_lines', 'pricing_history', 'leaderboard_snapshots',
                        'minecraft_links', 'minecraft_payments', 'minecraft_payouts', 'mm_trades', 'mm_events', 'mm_link_requests',
                        'minecraft_link_history']) t
    -- issue 13: the middleman's Discord places and the reserved verification amounts are for staff
    union all select 'coins_staff', 'app_public.' || t, 'select' from unnest(array['mm_discord', 'mm_verification_amounts']) t
    -- 000010: voucher codes are bearer credentials: members read their vouchers whole, staff every column but the code (below)
    union all values ('coins_player', 'app_public.vouchers', 'select')
    union all select 'coins_staff', 'app_public.' || t, 'select' from unnest(array['admin_actions', 'ops_alerts', 'daily_stats']) t
    union all select r, 'app_public.currencies', 'select' from unnest(array['coins_listener', 'coins_worker']) r
    union all values ('coins_staff', 'app_public.rewards', 'delete')
    -- 000006: the role mapping for staff only; quest attempts for members and staff; quests: staff read every column,
    -- members all but answers (column grants, below), so no table-wide SELECT for members
    union all select 'coins_staff', 'app_public.' || t, 'select' from unnest(array['staff_role_mappings', 'quests']) t
    union all select r, 'app_public.quest_attempts', 'select' from unnest(array['coins_player', 'coins_staff']) r
    union all select 'coins_staff', 'app_public.' || t, 'delete' from unnest(array['staff_role_mappings', 'quests']) t
    -- 000007: members and staff read their guild's bot channels; staff read the posted Discord messages
    union all select r, 'app_public.guild_discord', 'select' from unnest(array['coins_player', 'coins_staff']) r
    union all values ('coins_staff', 'app_public.discord_messages', 'select')
    -- panel (issue #5): economy events are read by staff and members (written by start_event / stop_event only)
    union all select r, 'app_public.economy_events', 'select' from unnest(array['coins_player', 'coins_staff']) r
    -- issue 14: tasks and claims are read by members and staff (RLS: members their own claims); written by the rules
    union all select r, 'app_public.' || t, 'select' from unnest(array['coins_player', 'coins_staff']) r, unnest(array['tasks', 'task_claims']) t
    -- issue 14: saved embeds, announcements and custom commands are staff-only; embeds and commands may be deleted
    union all select 'coins_staff', 'app_public.' || t, 'select' from unnest(array['saved_embeds', 'announcements', 'custom_commands']) t
    union all select 'coins_staff', 'app_public.' || t, 'delete' from unnest(array['saved_embeds', 'custom_commands']) t
    -- issue 15: the card game is read by members and staff (RLS decides which rows); staff add and remove pack prices and
    -- cooldown roles
    union all select r, 'app_public.' || t, 'select' from unnest(array['coins_player', 'coins_staff']) r,
      unnest(array['card_settings', 'artists', 'eras', 'era_images', 'card_events', 'card_templates', 'user_cards', 'card_notifications',
                   'pack_types', 'pack_costs', 'card_cooldown_roles', 'card_cooldowns', 'fair_seeds', 'pack_openings', 'card_draws',
                   'card_listings', 'card_trades', 'card_trade_items', 'card_wishlists', 'card_missions', 'card_mission_progress',
                   'card_achievements', 'card_stats', 'user_achievements', 'card_data_transfers']) t
    union all select 'coins_staff', 'app_public.' || t, p from unnest(array['pack_costs', 'card_cooldown_roles']) t, unnest(array['insert', 'delete']) p
    -- issue 14, the member side: item uses, role grants, DM settings and DMs, badges, seasons are read by members and
    -- staff (RLS: members their own uses, grants and DMs); written by the rules (the badge catalogue by staff columns)
    union all select r, 'app_public.' || t, 'select' from unnest(array['coins_player', 'coins_staff']) r,
      unnest(array['item_uses', 'role_grants', 'notification_settings', 'notifications', 'badges', 'member_badges', 'seasons', 'season_standings']) t
    -- issue 16: catalogue ingestion is read by staff only
    union all select 'coins_staff', 'app_public.' || t, 'select' from unnest(array['catalogue_settings', 'catalogue_runs', 'catalogue_run_errors',
      'catalogue_images', 'catalogue_rarity_decisions']) t
    -- issue 14 (panel): the archive reads like transactions; archive runs, live events and the bot presence for staff
    union all select r, 'app_public.transactions_archive', 'select' from unnest(array['coins_player', 'coins_staff']) r
    union all select 'coins_staff', 'app_public.' || t, 'select' from unnest(array['transaction_archive_runs', 'community_events', 'bot_presence']) t$$,
  'table privileges: SELECT per role as documented (admin_actions, ops_alerts, daily_stats, the role mapping for staff only), DELETE of rewards, quests and role mappings for staff, nothing else');
select set_eq(
  $$select a.attname::text from pg_attribute a where a.attrelid = 'app_public.quests'::regclass and a.attnum > 0 and not a.attisdropped
       and has_column_privilege('coins_player', a.attrelid, a.attnum, 'select')$$,
  $$values ('id'), ('guild_id'), ('kind'), ('title'), ('prompt'), ('choices'), ('reward'), ('cooldown_s'), ('active'), ('starts_at'), ('ends_at'),
           ('created_at'), ('updated_at')$$,
  'members read every quest column but answers');
select set_eq(
  $$select a.attname::text from pg_attribute a where a.attrelid = 'app_public.vouchers'::regclass and a.attnum > 0 and not a.attisdropped
       and has_column_privilege('coins_staff', a.attrelid, a.attnum, 'select')$$,
  $$values ('order_id'), ('guild_id'), ('buyer_id'), ('status'), ('issued_at'), ('expires_at'), ('redeemed_at'), ('redeemed_by'), ('voided_at')$$,
  'staff read every voucher column but the code (a bearer credential)');
select set_eq(
  $$select a.attrelid::regclass::text, a.attname::text, p.priv from pg_attribute a join pg_class c on c.oid = a.attrelid
      join pg_namespace n on n.oid = c.relnamespace cross join unnest(array['insert', 'update']) p(priv)
     where n.nspname in ('app_public', 'app_hidden', 'app_private') and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
       and has_column_privilege('coins_staff', a.attrelid, a.attnum, p.priv)$$,
  $$select 'app_public.guild_settings' as tbl, c as col, 'update' as priv from unnest(array['escrow_timeout_min', 'voucher_timeout_h', 'leaderboard_cron', 'daily_amount',
      'daily_streak_bonus', 'daily_streak_bonus_cap', 'give_rate_limit', 'give_rate_window_s', 'high_value_threshold',
      -- issue 13: the middleman's money rules
      'mm_fee_bps', 'mm_verification_min', 'mm_verification_max', 'mm_sale_min', 'mm_sale_max', 'mm_live_limit', 'mm_hourly_limit',
      'mm_scam_daily_limit', 'mm_verify_timeout_s', 'mm_deposit_timeout_s', 'mm_confirm_remind_s', 'mm_link_timeout_s', 'mm_bot_ign',
      -- issue 13, continued: the /withdraw limits
      'mc_withdraw_min', 'mc_withdraw_max', 'mc_withdraw_daily_max']) c
    union all select 'app_public.pricing_config', c, 'update' from unnest(array['price_floor_pct', 'market_fee', 'undercut_fee', 'over_average_fee',
      'over_average_ratio', 'scarcity_target', 'alpha', 'max_listing_days']) c
    union all select 'app_public.rewards', c, 'insert' from unnest(array['guild_id', 'sku', 'name', 'description', 'category', 'price', 'fulfilment',
      'payload', 'limits', 'stock', 'expires_at', 'visible', 'tradable']) c
    union all select 'app_public.rewards', c, 'update' from unnest(array['name', 'description', 'category', 'price', 'fulfilment',
      'payload', 'limits', 'stock', 'expires_at', 'visible', 'tradable']) c
    union all select 'app_public.staff_role_mappings', c, 'insert' from unnest(array['guild_id', 'discord_role_id', 'staff_role']) c
    union all values ('app_public.staff_role_mappings', 'staff_role', 'update')
    union all select 'app_public.quests', c, 'insert' from unnest(array['guild_id', 'kind', 'title', 'prompt', 'choices', 'answers', 'reward',
      'cooldown_s', 'active', 'starts_at', 'ends_at']) c
    union all select 'app_public.quests', c, 'update' from unnest(array['kind', 'title', 'prompt', 'choices', 'answers', 'reward',
      'cooldown_s', 'active', 'starts_at', 'ends_at']) c
    -- issue 14: the task settings (ADMIN+ by the settings trigger) and the task fields (OPERATOR+); not the sync state
    union all select 'app_public.guild_settings', c, 'update' from unnest(array['allow_user_tasks', 'max_tasks_per_user', 'auto_expire_enabled',
      'require_proof', 'task_channel_id', 'review_channel_id']) c
    union all select 'app_public.tasks', c, 'insert' from unnest(array['guild_id', 'name', 'description', 'reward', 'category', 'duration_hours',
      'expires_at', 'max_claims', 'assigned_member_ids', 'required_role_id', 'grant_role_id', 'proof_required', 'status']) c
    union all select 'app_public.tasks', c, 'update' from unnest(array['name', 'description', 'reward', 'category', 'duration_hours',
      'expires_at', 'max_claims', 'assigned_member_ids', 'required_role_id', 'grant_role_id', 'proof_required', 'status']) c
    union all select 'app_public.saved_embeds', c, 'insert' from unnest(array['guild_id', 'name', 'embed']) c
    union all select 'app_public.saved_embeds', c, 'update' from unnest(array['name', 'embed']) c
    union all select 'app_public.announcements', c, 'insert' from unnest(array['guild_id', 'channel_id', 'content', 'embed', 'task_id', 'publish_at', 'pinned']) c
    union all select 'app_public.announcements', c, 'update' from unnest(array['channel_id', 'content', 'embed', 'publish_at', 'pinned']) c
    union all select 'app_public.custom_commands', c, 'insert' from unnest(array['guild_id', 'name', 'response', 'embed_id', 'enabled']) c
    union all select 'app_public.custom_commands', c, 'update' from unnest(array['name', 'response', 'embed_id', 'enabled']) c
    -- issue 15: card settings, the catalogue, events, pack types and prices, cooldown roles
    union all select 'app_public.card_settings', c, 'update' from unnest(array['currencies', 'market_fee_bp', 'listing_hours', 'trade_expiry_min',
      'inventory_public', 'reveal_public', 'burn_notes', 'pick_hours', 'transfer_days']) c
    union all select 'app_public.artists', c, 'insert' from unnest(array['guild_id', 'name', 'code', 'is_group', 'group_id', 'metadata']) c
    union all select 'app_public.artists', c, 'update' from unnest(array['name', 'is_group', 'group_id', 'metadata']) c
    union all select 'app_public.eras', c, 'insert' from unnest(array['guild_id', 'artist_id', 'name', 'code', 'starts_on', 'ends_on', 'colour', 'search_keywords']) c
    union all select 'app_public.eras', c, 'update' from unnest(array['name', 'starts_on', 'ends_on', 'colour', 'search_keywords']) c
    union all select 'app_public.era_images', c, 'insert' from unnest(array['guild_id', 'era_id', 'source_url', 'storage_url', 'kind', 'width', 'height', 'phash', 'licence']) c
    union all select 'app_public.era_images', c, 'update' from unnest(array['source_url', 'storage_url', 'kind', 'width', 'height', 'phash', 'licence']) c
    union all select 'app_public.card_events', c, 'insert' from unnest(array['guild_id', 'name', 'description', 'starts_at', 'ends_at']) c
    union all select 'app_public.card_events', c, 'update' from unnest(array['name', 'description', 'starts_at', 'ends_at']) c
    union all select 'app_public.pack_types', c, 'insert' from unnest(array['guild_id', 'code', 'name', 'command', 'cards_per_pack', 'rate_common', 'rate_rare',
      'rate_epic', 'rate_legendary', 'rate_mythic', 'cooldown_s', 'daily_free', 'guarantee', 'event_id', 'active']) c
    union all select 'app_public.pack_types', c, 'update' from unnest(array['name', 'cards_per_pack', 'rate_common', 'rate_rare',
      'rate_epic', 'rate_legendary', 'rate_mythic', 'cooldown_s', 'daily_free', 'guarantee', 'event_id', 'active']) c
    union all select 'app_public.pack_costs', c, 'insert' from unnest(array['guild_id', 'pack_type_id', 'currency', 'amount']) c
    union all select 'app_public.card_cooldown_roles', c, 'insert' from unnest(array['guild_id', 'discord_role_id', 'reduction_pct', 'label']) c
    union all select 'app_public.card_cooldown_roles', c, 'update' from unnest(array['reduction_pct', 'label']) c
    -- missions and achievements (OPERATOR+)
    union all select 'app_public.card_missions', c, 'insert' from unnest(array['guild_id', 'code', 'name', 'period', 'metric', 'target', 'reward_currency', 'reward_amount', 'active']) c
    union all select 'app_public.card_missions', c, 'update' from unnest(array['name', 'target', 'reward_currency', 'reward_amount', 'active']) c
    union all select 'app_public.card_achievements', c, 'insert' from unnest(array['guild_id', 'code', 'name', 'description', 'metric', 'threshold', 'reward_currency', 'reward_amount', 'active']) c
    union all select 'app_public.card_achievements', c, 'update' from unnest(array['name', 'description', 'threshold', 'reward_currency', 'reward_amount', 'active']) c
    -- issue 14, the member side: what a shop item does (role, consumable, use message); the badge catalogue
    union all select 'app_public.rewards', c, p from unnest(array['role_id', 'role_action', 'role_duration_s', 'consumable', 'use_message']) c,
      unnest(array['insert', 'update']) p
    union all select 'app_public.badges', c, 'insert' from unnest(array['guild_id', 'code', 'name', 'description', 'emoji', 'rule', 'threshold', 'enabled']) c
    union all select 'app_public.badges', c, 'update' from unnest(array['name', 'description', 'emoji', 'threshold', 'enabled']) c
    -- issue 16: catalogue settings (ADMIN+), the MusicBrainz and Spotify ids of artists and eras
    union all select 'app_public.catalogue_settings', c, 'update' from unnest(array['distribution', 'kind_weights', 'min_stock_per_rarity', 'reuse_bias',
      'min_width', 'phash_distance', 'eras_per_artist', 'images_per_query', 'sync_artist_limit', 'weekly_sync', 'auto_approve']) c
    union all select 'app_public.artists', c, p from unnest(array['mbid', 'spotify_id']) c, unnest(array['insert', 'update']) p
    union all select 'app_public.eras', 'mbid', p from unnest(array['insert', 'update']) p
    -- issue 14 (panel): the currency display and the feature toggles (ADMIN+ by the settings trigger)
    union all select 'app_public.guild_settings', c, 'update' from unnest(array['currency_name', 'currency_symbol', 'feature_currency',
      'feature_tasks', 'feature_shop', 'feature_quests', 'feature_middleman', 'feature_cards']) c$$,
  'staff column grants: the settings and pricing tunables (UPDATE), the catalogue fields (INSERT; UPDATE all but guild_id and sku)');
select is_empty($$select r.rolname, a.attrelid::regclass, a.attname from pg_attribute a join pg_class c on c.oid = a.attrelid
                   join pg_namespace n on n.oid = c.relnamespace cross join pg_roles r
                   where n.nspname in ('app_public', 'app_hidden', 'app_private') and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
                     and r.rolname in ('coins_anonymous', 'coins_player', 'coins_listener', 'coins_worker', 'guildbank_authenticator')
                     and (has_column_privilege(r.oid, a.attrelid, a.attnum, 'insert') or has_column_privilege(r.oid, a.attrelid, a.attnum, 'update'))$$,
  'no API role but coins_staff may insert or update any column');
select * from finish();
rollback;
