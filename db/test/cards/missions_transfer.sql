begin;
select plan(56);
\ir ../lib/helpers.psql
-- Missions, achievements, /transfer_data, card notification delivery, expiry of unpicked packs (issue 15).
-- Guild A = 941000000000000001: mia ...011, noa ...012, oli ...013 (empty second account), sam ...090 (staff OPERATOR).
do $$
begin
  perform app_private.ensure_guild(941000000000000001, 'Missions A');
  perform app_private.ensure_member(941000000000000001, 941000000000000011, 'mia');
  perform app_private.ensure_member(941000000000000001, 941000000000000012, 'noa');
  perform app_private.ensure_member(941000000000000001, 941000000000000090, 'sam');
  insert into app_public.artists (guild_id, name, code) values (941000000000000001, 'Mira', 'MIR');
  insert into app_public.eras (guild_id, artist_id, name, code) select guild_id, id, 'Debut', 'DEB' from app_public.artists where guild_id = 941000000000000001;
  insert into app_public.card_templates (guild_id, public_id, artist_id, era_id, rarity)
    select a.guild_id, 'MIR-DEB-' || upper(left(r::text, 1)) || '-001', a.id, e.id, r
      from app_public.artists a join app_public.eras e on e.artist_id = a.id, unnest(enum_range(null::app_public.card_rarity)) r
     where a.guild_id = 941000000000000001;
end $$;
create function pg_temp.uid(p_discord bigint) returns bigint language sql as $$
  select id from app_public.users where guild_id = 941000000000000001 and discord_id = p_discord $$;
create function pg_temp.cur(p_discord bigint, p_currency text) returns bigint language sql as $$
  select coalesce((select balance from app_public.accounts where user_id = pg_temp.uid(p_discord) and currency = p_currency and kind = 'wallet'), 0) $$;
create function pg_temp.fund(p_discord bigint, p_currency text, p_amount bigint) returns void language sql as $$
  select app_private.post_transfer(941000000000000001, app_private.ledger_account(941000000000000001, null, p_currency, 'mint'),
    app_private.ledger_account(941000000000000001, pg_temp.uid(p_discord), p_currency, 'wallet'), p_amount, 'test_fund') $$;
create function pg_temp.err_member(p_discord bigint, p_sql text) returns text language sql as $$
  select (pg_temp.error_as('coins_player', 941000000000000001, p_discord, null, p_sql)) ->> 'code' $$;
create function pg_temp.as_member(p_discord bigint, p_sql text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_player', 941000000000000001, p_discord, null, p_sql) $$;
create function pg_temp.err_staff(p_discord bigint, p_role text, p_sql text) returns text language sql as $$
  select (pg_temp.error_as('coins_staff', 941000000000000001, p_discord, p_role, p_sql)) ->> 'code' $$;
create function pg_temp.as_staff(p_discord bigint, p_role text, p_sql text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_staff', 941000000000000001, p_discord, p_role, p_sql) $$;
create function pg_temp.xd_state() returns jsonb language sql as $$
  select pg_temp.state() || jsonb_build_object(
    'user_cards', (select jsonb_agg(jsonb_build_array(id, owner_id) order by id) from app_public.user_cards),
    'wishlists', (select jsonb_agg(to_jsonb(w) order by user_id, template_id) from app_public.card_wishlists w),
    'transfers', (select jsonb_agg(to_jsonb(t) order by id) from app_public.card_data_transfers t),
    'progress', (select jsonb_agg(to_jsonb(p) order by mission_id, user_id, period_start) from app_public.card_mission_progress p),
    'notifications', (select count(*) from app_public.card_notifications)) $$;
create function pg_temp.unchanged(p_name text) returns boolean language sql as $$
  select pg_temp.xd_state() = (select state from snapshots where name = p_name) $$;

-- Defaults --------------------------------------------------------------------------------------------------------------
select results_eq($$select code, period, metric, target, reward_currency, reward_amount from app_public.card_missions
                     where guild_id = 941000000000000001 order by code$$,
  $$values ('daily-draw', 'daily', 'cards_drawn', 3, 'NOTE', 50::bigint), ('daily-open', 'daily', 'packs_opened', 2, 'NOTE', 100::bigint),
           ('weekly-collect', 'weekly', 'cards_collected', 15, 'DISC', 2::bigint), ('weekly-market', 'weekly', 'cards_sold', 2, 'DISC', 1::bigint),
           ('weekly-trade', 'weekly', 'trades_done', 1, 'DISC', 1::bigint)$$,
  'a new guild gets the default daily and weekly missions');
select is((select count(*)::int from app_public.card_achievements where guild_id = 941000000000000001), 8, 'and eight achievements');

-- Missions: progress from pack openings, the reward paid once by the job ---------------------------------------------------------
select pg_temp.fund(941000000000000011, 'NOTE', 1000);
select app_private.open_pack_for(pg_temp.uid(941000000000000011), 'standard-3', null, null, 'm-1', '2030-03-04 10:00Z');
select results_eq($$select progress, completed_at from app_public.card_mission_progress p join app_public.card_missions m on m.id = p.mission_id
                     where m.code = 'daily-open' and p.user_id = pg_temp.uid(941000000000000011)$$,
  $$values (1::bigint, null::timestamptz)$$, 'one pack opened: daily-open at 1 of 2, not completed');
select is((select total from app_public.card_stats where user_id = pg_temp.uid(941000000000000011) and metric = 'packs_opened'), 1::bigint,
  'the lifetime counter counts it');
select is((select count(*)::int from app_public.user_achievements ua join app_public.card_achievements a on a.id = ua.achievement_id
            where a.code = 'first-pack' and ua.user_id = pg_temp.uid(941000000000000011) and ua.paid_at is null), 1,
  'the first-pack achievement is unlocked, not paid yet');
select app_private.open_pack_for(pg_temp.uid(941000000000000011), 'standard-3', 'NOTE', null, 'm-2', '2030-03-04 10:10Z');
select results_eq($$select progress, completed_at, paid_at from app_public.card_mission_progress p join app_public.card_missions m on m.id = p.mission_id
                     where m.code = 'daily-open' and p.user_id = pg_temp.uid(941000000000000011)$$,
  $$values (2::bigint, '2030-03-04 10:10Z'::timestamptz, null::timestamptz)$$, 'the second pack completes daily-open at that time; nothing paid inside the pack rule');
select is(pg_temp.cur(941000000000000011, 'NOTE'), 800::bigint, 'only the pack''s 200 Notes moved');
select is((select total from app_public.card_stats where user_id = pg_temp.uid(941000000000000011) and metric = 'notes_spent'), 200::bigint,
  'Notes spent on packs count (notes_spent)');
select is(app_hidden.pay_card_rewards('2030-03-04 10:11Z'), 2, 'the job settles the mission and the achievement');
select is(pg_temp.cur(941000000000000011, 'NOTE'), 950::bigint, 'paid through the ledger: +100 (daily-open) +50 (first-pack)');
select results_eq($$select reason, amount, currency from app_public.transactions where user_id = pg_temp.uid(941000000000000011)
                     and reason in ('card_mission', 'card_achievement') order by reason$$,
  $$values ('card_achievement', 50::bigint, 'NOTE'), ('card_mission', 100::bigint, 'NOTE')$$, 'one transaction per reward');
select is(app_hidden.pay_card_rewards('2030-03-04 10:12Z'), 0, 'a second run pays nothing (paid once)');
select app_private.open_pack_for(pg_temp.uid(941000000000000011), 'standard-3', 'NOTE', null, 'm-3', '2030-03-04 10:20Z');
select is(app_hidden.pay_card_rewards('2030-03-04 10:21Z'), 0, 'a third pack the same day adds progress, pays nothing more');
select app_private.open_pack_for(pg_temp.uid(941000000000000011), 'standard-3', null, null, 'm-4', '2030-03-05 00:00Z');
select results_eq($$select period_start, progress from app_public.card_mission_progress p join app_public.card_missions m on m.id = p.mission_id
                     where m.code = 'daily-open' and p.user_id = pg_temp.uid(941000000000000011) order by period_start$$,
  $$values ('2030-03-04'::date, 3::bigint), ('2030-03-05'::date, 1::bigint)$$, 'the next UTC day is a new period');
select is((select count(*)::int from app_public.my_missions('2030-03-05 09:00Z')), 0, 'my_missions without claims: no rows');
select results_eq($$select r->>'code', (r->>'progress')::bigint, (r->>'target')::int, (r->>'period_start')::date, (r->>'period_ends_at')::timestamptz
                     from jsonb_array_elements(pg_temp.as_member(941000000000000011,
                     $q$select * from app_public.my_missions('2030-03-05 09:00Z') where code in ('daily-open', 'weekly-collect') order by code$q$)) r$$,
  $$values ('daily-open', 1::bigint, 2, '2030-03-05'::date, '2030-03-06 00:00Z'::timestamptz),
           ('weekly-collect', 0::bigint, 15, '2030-03-04'::date, '2030-03-11 00:00Z'::timestamptz)$$,
  'a member sees their own progress in the current periods (UTC day; ISO week from Monday)');
select is((select count(*)::int from jsonb_array_elements(pg_temp.as_member(941000000000000011, $q$select * from app_public.my_achievements() where paid_at is not null$q$))),
  1, 'my_achievements: first-pack settled');

-- Picks count as cards collected; a legendary pull unlocks its achievement ------------------------------------------------------
select app_private.pick_card_for(pg_temp.uid(941000000000000011), o.id, 0, '2030-03-05 00:01Z')
  from app_public.pack_openings o where o.user_id = pg_temp.uid(941000000000000011) and o.opened_at = '2030-03-05 00:00Z';
select is((select total from app_public.card_stats where user_id = pg_temp.uid(941000000000000011) and metric = 'cards_collected'), 1::bigint,
  'a picked card counts as collected');
select app_private.mint_card((select id from app_public.card_templates where public_id = 'MIR-DEB-L-001'), pg_temp.uid(941000000000000011), 'draw', '2030-03-05 00:02Z');
select is((select count(*)::int from app_public.user_achievements ua join app_public.card_achievements a on a.id = ua.achievement_id
            where a.code = 'legendary' and ua.user_id = pg_temp.uid(941000000000000011)), 1, 'a legendary pull unlocks "Golden pull"');
select app_private.mint_card((select id from app_public.card_templates where public_id = 'MIR-DEB-M-001'), pg_temp.uid(941000000000000011), 'admin', '2030-03-05 00:02Z');
select is((select count(*)::int from app_public.user_achievements ua join app_public.card_achievements a on a.id = ua.achievement_id
            where a.code = 'mythic' and ua.user_id = pg_temp.uid(941000000000000011)), 0, 'a copy given by staff counts for nothing');

-- Staff configure missions; a reward in a currency the guild does not use is refused ---------------------------------------------
select is(pg_temp.err_staff(941000000000000090, 'OPERATOR', $$insert into app_public.card_missions (guild_id, code, name, period, metric, target, reward_currency, reward_amount)
  values (941000000000000001, 'x-mcd', 'MCD?', 'daily', 'cards_drawn', 1, 'MCD', 5)$$), 'CA009', 'a reward in MCD (not a card currency here): CA009');
select is(pg_temp.err_member(941000000000000011, $$insert into app_public.card_missions (guild_id, code, name, period, metric, target, reward_currency, reward_amount)
  values (941000000000000001, 'x', 'X', 'daily', 'cards_drawn', 1, 'NOTE', 5)$$), '42501', 'a member cannot create missions');
select is(pg_temp.err_staff(941000000000000090, 'AUDITOR', $$update app_public.card_missions set target = 1 where code = 'daily-open'$$), 'PD001', 'an AUDITOR cannot edit missions');
select is(pg_temp.run_as('coins_staff', 941000000000000001, 941000000000000090, 'OPERATOR', $$update app_public.card_missions set target = 4 where code = 'daily-open'$$), 1::bigint,
  'an OPERATOR edits a mission''s target');
select is((select count(*)::int from app_public.admin_actions where action = 'update_card_mission' and before ->> 'target' = '2' and after ->> 'target' = '4'), 1,
  'audited before/after');

-- Unpicked packs expire: the job keeps the rarest card for the member ---------------------------------------------------------
select is(app_hidden.expire_pack_openings('2030-03-05 09:00Z'), 0, 'nothing is due before pick_hours (24 h)');
select is(app_hidden.expire_pack_openings('2030-03-05 10:20Z'), 3, 'the three packs of 2030-03-04 left unpicked expire after 24 h');
select results_eq($$select bool_and(o.status = 'picked' and o.auto_picked and o.card_id is not null and o.picked_at = '2030-03-05 10:20Z'),
                          bool_and(d.rarity = (select max(d2.rarity) from app_public.card_draws d2 where d2.opening_id = o.id))
                     from app_public.pack_openings o join app_public.card_draws d on d.opening_id = o.id and d.slot = o.picked_slot
                    where o.user_id = pg_temp.uid(941000000000000011) and o.opened_at < '2030-03-05'$$,
  $$values (true, true)$$, 'each was picked for the member, the rarest card of its pack');
select is((select count(*)::int from app_public.card_notifications where kind = 'pack_auto_picked'), 3, 'and the member is told each time');
select is(app_hidden.expire_pack_openings('2030-03-06 10:20Z'), 0, 'a second run finds nothing');

-- Notification delivery: without the bot in the guild, marked skipped; the worker records an outcome once -----------------------
select is((select count(*)::int from app_public.card_notifications where delivery = 'skipped' and delivered_at is not null), (select count(*)::int from app_public.card_notifications),
  'a guild without the bot: every notification is marked skipped (no job)');
insert into app_public.guild_discord (guild_id) values (941000000000000001) on conflict do nothing;
insert into app_public.card_notifications (guild_id, user_id, kind, payload) values (941000000000000001, pg_temp.uid(941000000000000011), 'wishlist_drop', '{"public_id": "MIR-DEB-C-001"}');
select is((select count(*)::int from graphile_worker.jobs where task_identifier = 'discord__card_notice'
            and key = 'card_notice:' || (select max(id) from app_public.card_notifications)), 1, 'with the bot: one discord__card_notice job keyed by the notification');
select is(app_hidden.discord_card_notice((select max(id) from app_public.card_notifications)) -> 'template' ->> 'rarity', 'common', 'the worker reads it with its template');
select is(app_hidden.card_notice_delivered((select max(id) from app_public.card_notifications), 'sent'), true, 'delivery recorded');
select is(app_hidden.card_notice_delivered((select max(id) from app_public.card_notifications), 'sent'), false, 'and only once');

-- /transfer_data ---------------------------------------------------------------------------------------------------------
select pg_temp.fund(941000000000000011, 'DISC', 3);
insert into app_public.card_wishlists (guild_id, user_id, template_id) select 941000000000000001, pg_temp.uid(941000000000000011), id from app_public.card_templates where public_id = 'MIR-DEB-E-001';
insert into snapshots values ('xd', pg_temp.xd_state());
select is(pg_temp.err_member(941000000000000011, $$select app_public.request_data_transfer(941000000000000011, null)$$), 'XD001', 'to oneself: XD001');
select is(pg_temp.err_member(941000000000000012, $$select app_public.request_data_transfer(941000000000000011, null)$$), 'XD002', 'noa has nothing to transfer: XD002');
select ok(pg_temp.unchanged('xd'), 'refusals changed nothing');
select is((pg_temp.as_member(941000000000000011, $$select mode, status from app_public.request_data_transfer(941000000000000013, 'xd-1')$$) -> 0)::text,
  '{"mode": "move", "status": "awaiting_staff"}', 'to a new (empty) account: a move, waiting for staff');
select is(pg_temp.err_member(941000000000000011, $$select app_public.request_data_transfer(941000000000000012, 'xd-2')$$), 'XD003', 'one open request at a time: XD003');
select is(pg_temp.err_staff(941000000000000011, 'OPERATOR', $$select app_public.decide_data_transfer((select id from app_public.card_data_transfers limit 1), true, 'moving accounts')$$),
  'PD002', 'staff cannot approve their own transfer');
insert into snapshots values ('xd2', pg_temp.xd_state());
select is(pg_temp.err_staff(941000000000000090, 'OPERATOR', $$select app_public.decide_data_transfer((select id from app_public.card_data_transfers limit 1), true, 'x')$$),
  'RS001', 'a reason is required');
select ok(pg_temp.unchanged('xd2'), 'nothing changed');
select is((pg_temp.as_staff(941000000000000090, 'OPERATOR', $$select status from app_public.decide_data_transfer((select id from app_public.card_data_transfers limit 1), true, 'lost account, verified')$$) -> 0 ->> 'status'),
  'done', 'an OPERATOR approves: done');
select results_eq($$select pg_temp.cur(941000000000000011, 'NOTE'), pg_temp.cur(941000000000000011, 'DISC'), pg_temp.cur(941000000000000013, 'NOTE'), pg_temp.cur(941000000000000013, 'DISC'),
                          (select count(*)::int from app_public.user_cards where owner_id = pg_temp.uid(941000000000000011)),
                          (select count(*)::int from app_public.user_cards where owner_id = pg_temp.uid(941000000000000013)),
                          (select count(*)::int from app_public.card_wishlists where user_id = pg_temp.uid(941000000000000013))$$,
  $$values (0::bigint, 0::bigint, 750::bigint, 3::bigint, 0, 6, 1)$$, 'every copy, the wishlist and every balance moved (ledger transfers)');
select results_eq($$select action, (before -> 'from' ->> 'cards')::int, (after -> 'to' ->> 'cards')::int from app_public.admin_actions where subject_type = 'card_data_transfer'$$,
  $$values ('approve_data_transfer', 6, 6)$$, 'audited with both accounts before and after');

-- A merge: the target's owner consents first; an active listing blocks the approval ----------------------------------------------
select pg_temp.fund(941000000000000012, 'NOTE', 10);
select is((pg_temp.as_member(941000000000000013, $$select mode, status from app_public.request_data_transfer(941000000000000012, 'xd-3')$$) -> 0)::text,
  '{"mode": "merge", "status": "awaiting_target"}', 'into an account with money: a merge, waiting for its owner');
select is(pg_temp.err_staff(941000000000000090, 'OPERATOR', $$select app_public.decide_data_transfer((select id from app_public.card_data_transfers where status = 'awaiting_target'), true, 'merge them')$$),
  'XD005', 'staff cannot approve before the target consents');
select is(pg_temp.err_member(941000000000000011, $$select app_public.answer_data_transfer((select id from app_public.card_data_transfers where status = 'awaiting_target'), true)$$),
  'XD004', 'only the target''s owner answers');
select is((pg_temp.as_member(941000000000000012, $$select status from app_public.answer_data_transfer((select id from app_public.card_data_transfers where status = 'awaiting_target'), true)$$) -> 0 ->> 'status'),
  'awaiting_staff', 'noa consents: it waits for staff');
select app_private.list_card_for(pg_temp.uid(941000000000000013), (select min(id) from app_public.user_cards where owner_id = pg_temp.uid(941000000000000013) and not temporary),
  5, 'NOTE', 24, null, now());
insert into snapshots values ('xd3', pg_temp.xd_state());
select is(pg_temp.err_staff(941000000000000090, 'OPERATOR', $$select app_public.decide_data_transfer((select id from app_public.card_data_transfers where status = 'awaiting_staff'), true, 'merge them')$$),
  'XD006', 'an active listing blocks the move: XD006');
select ok(pg_temp.unchanged('xd3'), 'and nothing moved');
update app_public.card_listings set status = 'cancelled', closed_at = now() where status = 'active';
select is((pg_temp.as_staff(941000000000000090, 'OPERATOR', $$select status from app_public.decide_data_transfer((select id from app_public.card_data_transfers where status = 'awaiting_staff'), true, 'merge them')$$) -> 0 ->> 'status'),
  'done', 'approved once the listing is gone');
select results_eq($$select pg_temp.cur(941000000000000012, 'NOTE'), pg_temp.cur(941000000000000012, 'DISC'),
                          (select count(*)::int from app_public.user_cards where owner_id = pg_temp.uid(941000000000000012))$$,
  $$values (760::bigint, 3::bigint, 6)$$, 'merged: balances added to noa''s, every card hers');
select is(app_hidden.expire_data_transfers('2031-01-01'), 0, 'nothing left to expire');
select is_empty($$select * from app_public.verify_ledger(941000000000000001)$$, 'verify_ledger (with the card invariants) holds');

select * from finish();
rollback;
