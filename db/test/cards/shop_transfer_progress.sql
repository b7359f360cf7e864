begin;
select plan(26);
\ir ../lib/helpers.psql
-- The /shop Packs view (shop_packs) and /transfer_data moving mission progress, card stats and achievements (issue 15).
-- Guild 942000000000000001: ana ...011 (moves her data), ben ...012 (the target: progress, no cards or money), sam ...090 (staff OPERATOR).
do $$
begin
  perform app_private.ensure_guild(942000000000000001, 'Progress A');
  perform app_private.ensure_member(942000000000000001, 942000000000000011, 'ana');
  perform app_private.ensure_member(942000000000000001, 942000000000000012, 'ben');
  perform app_private.ensure_member(942000000000000001, 942000000000000090, 'sam');
  insert into app_public.artists (guild_id, name, code) values (942000000000000001, 'Mira', 'MIR');
  insert into app_public.eras (guild_id, artist_id, name, code) select guild_id, id, 'Debut', 'DEB' from app_public.artists where guild_id = 942000000000000001;
  insert into app_public.card_templates (guild_id, public_id, artist_id, era_id, rarity)
    select a.guild_id, 'MIR-DEB-' || upper(left(r::text, 1)) || '-001', a.id, e.id, r
      from app_public.artists a join app_public.eras e on e.artist_id = a.id, unnest(enum_range(null::app_public.card_rarity)) r
     where a.guild_id = 942000000000000001;
end $$;
create function pg_temp.uid(p_discord bigint) returns bigint language sql as $$
  select id from app_public.users where guild_id = 942000000000000001 and discord_id = p_discord $$;
create function pg_temp.cur(p_discord bigint, p_currency text) returns bigint language sql as $$
  select coalesce((select balance from app_public.accounts where user_id = pg_temp.uid(p_discord) and currency = p_currency and kind = 'wallet'), 0) $$;
create function pg_temp.as_member(p_discord bigint, p_sql text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_player', 942000000000000001, p_discord, null, p_sql) $$;
create function pg_temp.err_member(p_discord bigint, p_sql text) returns text language sql as $$
  select (pg_temp.error_as('coins_player', 942000000000000001, p_discord, null, p_sql)) ->> 'code' $$;
create function pg_temp.as_staff(p_sql text) returns jsonb language sql as $$
  select pg_temp.rows_as('coins_staff', 942000000000000001, 942000000000000090, 'OPERATOR', p_sql) $$;
create function pg_temp.err_staff(p_sql text) returns text language sql as $$
  select (pg_temp.error_as('coins_staff', 942000000000000001, 942000000000000090, 'OPERATOR', p_sql)) ->> 'code' $$;
create function pg_temp.mission(p_code text) returns bigint language sql as $$
  select id from app_public.card_missions where guild_id = 942000000000000001 and code = p_code $$;
create function pg_temp.progress_state() returns jsonb language sql as $$
  select pg_temp.state() || jsonb_build_object(
    'stats', (select jsonb_agg(to_jsonb(s) order by user_id, metric) from app_public.card_stats s where guild_id = 942000000000000001),
    'missions', (select jsonb_agg(to_jsonb(p) order by mission_id, user_id, period_start) from app_public.card_mission_progress p where guild_id = 942000000000000001),
    'achievements', (select jsonb_agg(to_jsonb(a) order by achievement_id, user_id) from app_public.user_achievements a where guild_id = 942000000000000001),
    'cards', (select jsonb_agg(jsonb_build_array(id, owner_id) order by id) from app_public.user_cards where guild_id = 942000000000000001),
    'data_transfers', (select jsonb_agg(to_jsonb(t) order by id) from app_public.card_data_transfers t where guild_id = 942000000000000001)) $$;
create function pg_temp.unchanged(p_name text) returns boolean language sql as $$
  select pg_temp.progress_state() = (select state from snapshots where name = p_name) $$;

-- Every draw of standard-3 is a common in this file: the figures below count packs, not luck (a legendary or mythic pull
-- would add its achievement and counter).
update app_public.pack_types set rate_common = 10000, rate_rare = 0, rate_epic = 0, rate_legendary = 0, rate_mythic = 0
 where guild_id = 942000000000000001 and code = 'standard-3';
-- ana: two packs on 2030-03-04 (one free, one for 200 Notes), both picked; the job pays daily-open and first-pack. ---------
select app_private.post_transfer(942000000000000001, app_private.ledger_account(942000000000000001, null, 'NOTE', 'mint'),
  app_private.ledger_account(942000000000000001, pg_temp.uid(942000000000000011), 'NOTE', 'wallet'), 1000, 'test_fund');
select app_private.open_pack_for(pg_temp.uid(942000000000000011), 'standard-3', null, null, 'p-1', '2030-03-04 10:00Z');

-- The Packs view of /shop ------------------------------------------------------------------------------------------------
select results_eq($$select r->>'code', (r->>'cards_per_pack')::int, r->'costs', (r->>'daily_free')::int, (r->>'free_left')::int, (r->>'cooldown_s')::int, (r->>'next_at')::timestamptz
                     from jsonb_array_elements(pg_temp.as_member(942000000000000011, $q$select * from app_public.shop_packs(null, '2030-03-04 10:05Z')$q$)) r$$,
  $$values ('standard-3', 3, '{"DISC": 1, "NOTE": 200}'::jsonb, 1, 0, 420, '2030-03-04 10:07Z'::timestamptz),
           ('premium-5', 5, '{"DISC": 5, "GEM": 1}'::jsonb, 0, 0, 420, '2030-03-04 10:07Z'::timestamptz)$$,
  'shop_packs: each /openpack pack with its costs, the free open used today, the cooldown and when it ends (not /draw''s single)');
select is((pg_temp.as_member(942000000000000012, $q$select free_left, next_at from app_public.shop_packs(null, '2030-03-04 10:05Z') where code = 'standard-3'$q$) -> 0)::text,
  '{"next_at": null, "free_left": 1}', 'another member: the free pack is still there, no cooldown running');
select is((pg_temp.as_member(942000000000000011, $q$select free_left, next_at from app_public.shop_packs(null, '2030-03-05 00:00Z') where code = 'standard-3'$q$) -> 0)::text,
  '{"next_at": null, "free_left": 1}', 'the next UTC day: a new free open, the cooldown over');
insert into app_public.card_cooldown_roles (guild_id, discord_role_id, reduction_pct, label) values (942000000000000001, 77, 50, 'Booster');
select is((pg_temp.as_member(942000000000000011, $q$select cooldown_s from app_public.shop_packs(array[77]::bigint[], '2030-03-04 10:05Z') where code = 'standard-3'$q$) -> 0 ->> 'cooldown_s')::int,
  210, 'a booster role halves the cooldown shown');
update app_public.card_settings set currencies = '{NOTE}' where guild_id = 942000000000000001;
select is((pg_temp.as_member(942000000000000011, $q$select costs from app_public.shop_packs(null, '2030-03-04 10:05Z') where code = 'standard-3'$q$) -> 0 -> 'costs')::text,
  '{"NOTE": 200}', 'only costs in currencies the guild uses are offered');
update app_public.card_settings set currencies = '{NOTE,DISC,GEM}' where guild_id = 942000000000000001;
insert into app_public.card_events (guild_id, name, starts_at, ends_at) values (942000000000000001, 'Spring', '2030-03-10', '2030-03-20');
insert into app_public.pack_types (guild_id, code, name, rate_common, rate_rare, rate_epic, rate_legendary, rate_mythic, daily_free, event_id)
  select 942000000000000001, 'spring-3', 'Spring pack', 5800, 2300, 1000, 800, 100, 1, id from app_public.card_events where name = 'Spring';
select is((select count(*)::int from jsonb_array_elements(pg_temp.as_member(942000000000000011, $q$select * from app_public.shop_packs(null, '2030-03-04 10:05Z') where code = 'spring-3'$q$))),
  0, 'an event pack is not offered before its event');
select is((pg_temp.as_member(942000000000000011, $q$select event_name, free_left from app_public.shop_packs(null, '2030-03-12 10:00Z') where code = 'spring-3'$q$) -> 0)::text,
  '{"free_left": 1, "event_name": "Spring"}', 'and is offered during it, with its event');
update app_public.guild_settings set feature_cards = false where guild_id = 942000000000000001;
select is(pg_temp.err_member(942000000000000011, $q$select * from app_public.shop_packs()$q$), 'FT001', 'cards switched off: FT001');
update app_public.guild_settings set feature_cards = true where guild_id = 942000000000000001;
select is(pg_temp.err_member(942000000000000013, $q$select * from app_public.shop_packs()$q$), 'MB001', 'somebody who is not a member: MB001');

-- Progress on both sides -------------------------------------------------------------------------------------------------
select app_private.open_pack_for(pg_temp.uid(942000000000000011), 'standard-3', 'NOTE', null, 'p-2', '2030-03-04 10:10Z');
select app_private.pick_card_for(pg_temp.uid(942000000000000011), o.id, 0, o.opened_at + interval '1 minute')
  from app_public.pack_openings o where o.user_id = pg_temp.uid(942000000000000011);
select is(app_hidden.pay_card_rewards('2030-03-04 10:11Z'), 2, 'ana is paid daily-open and first-pack');
-- ben: a free pack the same day (daily-open 1 of 2, first-pack unlocked, unpaid; not picked: he holds no cards).
select app_private.open_pack_for(pg_temp.uid(942000000000000012), 'standard-3', null, null, 'p-3', '2030-03-04 11:00Z');
-- daily-draw: ben completed it (3 of 3, unpaid), ana is at 1.
insert into app_public.card_mission_progress (guild_id, mission_id, user_id, period_start, progress, completed_at) values
  (942000000000000001, pg_temp.mission('daily-draw'), pg_temp.uid(942000000000000012), '2030-03-04', 3, '2030-03-04 09:00Z'),
  (942000000000000001, pg_temp.mission('daily-draw'), pg_temp.uid(942000000000000011), '2030-03-04', 1, null);
create temp table sums as
  select metric, sum(total)::bigint as total from app_public.card_stats where user_id in (pg_temp.uid(942000000000000011), pg_temp.uid(942000000000000012)) group by metric;
select results_eq($$select metric, total from app_public.card_stats where user_id = pg_temp.uid(942000000000000011) order by metric$$,
  $$values ('cards_collected', 2::bigint), ('notes_spent', 200::bigint), ('packs_opened', 2::bigint)$$, 'ana''s lifetime counters before');

-- A staff refusal moves nothing ------------------------------------------------------------------------------------------
select is((pg_temp.as_member(942000000000000011, $$select mode, status from app_public.request_data_transfer(942000000000000012, 'xp-1')$$) -> 0)::text,
  '{"mode": "move", "status": "awaiting_staff"}', 'ben holds progress but no cards or money: a move, waiting for staff');
insert into snapshots values ('requested', pg_temp.progress_state());
select is((pg_temp.as_staff($$select status from app_public.decide_data_transfer((select id from app_public.card_data_transfers where status = 'awaiting_staff'), false, 'not verified')$$) -> 0 ->> 'status'),
  'rejected', 'staff reject the request');
select results_eq($$select (select count(*)::int from app_public.card_stats where user_id = pg_temp.uid(942000000000000011)),
                          (select count(*)::int from app_public.card_mission_progress where user_id = pg_temp.uid(942000000000000011)),
                          (select count(*)::int from app_public.user_achievements where user_id = pg_temp.uid(942000000000000011))$$,
  $$values (3, 3, 1)$$, 'a rejected transfer leaves ana''s counters, mission progress and achievements where they were');
select ok((select (select state from snapshots where name = 'requested') #- '{data_transfers}' #- '{admin_actions}' #- '{notifications}'
              = pg_temp.progress_state() #- '{data_transfers}' #- '{admin_actions}'), 'only the request''s status and its audit changed');

-- A refused approval (an active listing: XD006) changes nothing ---------------------------------------------------------
select is((pg_temp.as_member(942000000000000011, $$select status from app_public.request_data_transfer(942000000000000012, 'xp-2')$$) -> 0 ->> 'status'),
  'awaiting_staff', 'ana asks again');
select app_private.list_card_for(pg_temp.uid(942000000000000011), (select min(id) from app_public.user_cards where owner_id = pg_temp.uid(942000000000000011)),
  5, 'NOTE', 24, null, now());
insert into snapshots values ('listed', pg_temp.progress_state());
select is(pg_temp.err_staff($$select app_public.decide_data_transfer((select id from app_public.card_data_transfers where status = 'awaiting_staff'), true, 'verified by ticket')$$),
  'XD006', 'an active listing blocks the approval: XD006');
select ok(pg_temp.unchanged('listed'), 'nothing changed: no counter, mission, achievement, card or balance moved');
update app_public.card_listings set status = 'cancelled', closed_at = now() where status = 'active' and guild_id = 942000000000000001;

-- The approval moves and merges everything in one transaction --------------------------------------------------------------
select is((pg_temp.as_staff($$select status from app_public.decide_data_transfer((select id from app_public.card_data_transfers where status = 'awaiting_staff'), true, 'verified by ticket')$$) -> 0 ->> 'status'),
  'done', 'approved');
select results_eq($$select metric, total from app_public.card_stats where user_id = pg_temp.uid(942000000000000012) order by metric$$,
  $$select metric, total from sums order by metric$$, 'card stats: the counts add up (packs_opened 2 + 1 ...)');
select results_eq($$select m.code, p.period_start, p.progress, p.completed_at, p.paid_at is not null, p.tx_id = (select q.tx_id from snapshots s,
                            jsonb_populate_recordset(null::app_public.card_mission_progress, s.state -> 'missions') q
                           where s.name = 'listed' and q.mission_id = p.mission_id and q.user_id = pg_temp.uid(942000000000000011) and q.period_start = p.period_start)
                     from app_public.card_mission_progress p join app_public.card_missions m on m.id = p.mission_id
                    where p.user_id = pg_temp.uid(942000000000000012) order by m.code$$,
  $$values ('daily-draw', '2030-03-04'::date, 3::bigint, '2030-03-04 09:00Z'::timestamptz, false, null::boolean),
           ('daily-open', '2030-03-04'::date, 2::bigint, '2030-03-04 10:10Z'::timestamptz, true, true),
           ('weekly-collect', '2030-03-04'::date, 2::bigint, null::timestamptz, false, null::boolean)$$,
  'missions: the better progress of each period and the earlier completion; ana''s paid daily-open stays paid with her transaction');
select results_eq($$select a.code, ua.unlocked_at, ua.paid_at is not null from app_public.user_achievements ua join app_public.card_achievements a on a.id = ua.achievement_id
                     where ua.user_id = pg_temp.uid(942000000000000012)$$,
  $$values ('first-pack', '2030-03-04 10:00Z'::timestamptz, true)$$, 'achievements: one first-pack, the earlier unlock, already paid (ana''s)');
select results_eq($$select (select count(*)::int from app_public.card_stats where user_id = pg_temp.uid(942000000000000011)),
                          (select count(*)::int from app_public.card_mission_progress where user_id = pg_temp.uid(942000000000000011)),
                          (select count(*)::int from app_public.user_achievements where user_id = pg_temp.uid(942000000000000011)),
                          (select count(*)::int from app_public.user_cards where owner_id = pg_temp.uid(942000000000000012)),
                          pg_temp.cur(942000000000000012, 'NOTE')$$,
  $$values (0, 0, 0, 2, 950::bigint)$$, 'ana keeps nothing; ben has her cards and Notes too');
select is(app_hidden.pay_card_rewards('2030-03-04 12:00Z'), 1, 'the job pays only ben''s completed daily-draw: nothing is paid twice');
select is((select summary -> 'progress_moved' from app_public.card_data_transfers where status = 'done'), '{"stats": 3, "missions": 3, "achievements": 1}'::jsonb,
  'the transfer''s summary counts what moved');
select results_eq($$select (before -> 'from' ->> 'achievements')::int, (after -> 'to' ->> 'achievements')::int, (after -> 'to' -> 'stats' ->> 'packs_opened')::int
                     from app_public.admin_actions where action = 'approve_data_transfer' and subject_type = 'card_data_transfer'$$,
  $$values (1, 1, 3)$$, 'audited with the progress of both accounts before and after');

select * from finish();
rollback;
