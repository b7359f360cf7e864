--! Previous: sha1:5527f90b331141a65e828a7573e8d51631461196
--! Hash: sha1:09a652eb9ecef514db8609ac252e9a960e200964
--! Message: Issue 15 gaps: /shop lists packs and card currencies (shop_packs); /transfer_data also moves mission progress, card stats and achievements (merge_card_progress)

-- Issue 15 gaps: /shop lists packs and card currencies; /transfer_data also moves mission progress, card stats and achievements.
drop function if exists app_public.shop_packs(bigint[], timestamptz);
--! Included cards/shop_packs.sql
create or replace function app_public.shop_packs(role_ids bigint[] default null, at timestamptz default null)
returns table (code text, name text, cards_per_pack integer, costs jsonb, daily_free integer, free_left integer,
  cooldown_s integer, next_at timestamptz, event_name text, event_ends_at timestamptz)
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users := app_private.current_member();
  v_at timestamptz := coalesce(shop_packs.at, now());
  v_reduction integer;
  v_next timestamptz;
begin
  perform app_private.require_feature(v_user.guild_id, 'cards');
  select coalesce(max(r.reduction_pct), 0) into v_reduction from app_public.card_cooldown_roles r
   where r.guild_id = v_user.guild_id and r.discord_role_id = any (coalesce(shop_packs.role_ids, '{}'));
  select c.next_at into v_next from app_public.card_cooldowns c where c.user_id = v_user.id and c.command = 'openpack';
  return query
    select p.code, p.name, p.cards_per_pack,
           coalesce((select jsonb_object_agg(k.currency, k.amount order by k.currency) from app_public.pack_costs k
                      where k.pack_type_id = p.id
                        and k.currency = any ((select s.currencies from app_public.card_settings s where s.guild_id = p.guild_id) || '{COIN}'::text[])), '{}'),
           p.daily_free,
           greatest(p.daily_free - (select count(*)::integer from app_public.pack_openings o
                                      where o.user_id = v_user.id and o.pack_type_id = p.id and o.free
                                        and o.opened_at >= date_trunc('day', v_at at time zone 'UTC') at time zone 'UTC'), 0),
           (p.cooldown_s * (100 - v_reduction) / 100.0)::integer,
           case when v_next > v_at then v_next end,
           e.name, e.ends_at
      from app_public.pack_types p
      left join app_public.card_events e on e.id = p.event_id
     where p.guild_id = v_user.guild_id and p.active and p.command = 'openpack'
       and (p.event_id is null or (v_at >= e.starts_at and v_at < e.ends_at))
     order by e.ends_at nulls first, p.cards_per_pack, p.code;
end;
$$;

comment on function app_public.shop_packs(bigint[], timestamptz) is
  'The packs the calling member can open now (at `at`, default now), as /shop shows them: each active /openpack pack '
  '(event packs only during their event) with its cost per currency the guild uses (minor units), its daily free '
  'allotment and how many free opens are left today (UTC day), the cooldown after an open (reduced by the member''s '
  'best card_cooldown_roles reduction among role_ids, as the bot read them) and when the running /openpack cooldown '
  'ends (null when none). Opening stays open_pack''s rule (costs, cooldowns, allotment checked there). Errors: AU001, '
  'MB001, FT001 feature_disabled. Source: issue 15 "/shop (packs and currencies)".';
--! EndIncluded cards/shop_packs.sql
grant execute on function app_public.shop_packs(bigint[], timestamptz) to coins_player;
--! Included cards/card_holdings.sql
create or replace function app_private.card_holdings(p_user_id bigint)
returns jsonb
language sql stable
as $$
  select jsonb_build_object(
    'cards', (select count(*) from app_public.user_cards c where c.owner_id = p_user_id),
    'wishlist', (select count(*) from app_public.card_wishlists w where w.user_id = p_user_id),
    'balances', coalesce((select jsonb_object_agg(a.currency, a.balance order by a.currency) from app_public.accounts a
                           where a.user_id = p_user_id and a.kind = 'wallet' and a.balance <> 0), '{}'),
    'stats', coalesce((select jsonb_object_agg(s.metric, s.total order by s.metric) from app_public.card_stats s
                        where s.user_id = p_user_id and s.total <> 0), '{}'),
    'missions', (select count(*) from app_public.card_mission_progress p where p.user_id = p_user_id),
    'achievements', (select count(*) from app_public.user_achievements a where a.user_id = p_user_id),
    'listings', (select count(*) from app_public.card_listings l where l.seller_id = p_user_id and l.status = 'active'),
    'trades', (select count(*) from app_public.card_trades t where p_user_id in (t.proposer_id, t.recipient_id) and t.status = 'open'));
$$;

comment on function app_private.card_holdings(bigint) is
  'What a member holds for /transfer_data: copies owned, wishlist entries, non-zero wallet balances by currency, '
  'non-zero lifetime card counters by metric, mission progress rows, unlocked achievements, active card listings and open card trades. Source: issue 15 "/transfer_data".';
--! EndIncluded cards/card_holdings.sql
--! Included cards/merge_card_progress.sql
create or replace function app_private.merge_card_progress(p_from_user_id bigint, p_to_user_id bigint)
returns jsonb
language plpgsql
as $$
declare
  v_stats integer;
  v_missions integer;
  v_achievements integer;
begin
  -- Lifetime counters: the counts add up.
  insert into app_public.card_stats as t (guild_id, user_id, metric, total)
    select s.guild_id, p_to_user_id, s.metric, s.total from app_public.card_stats s where s.user_id = p_from_user_id
    on conflict (user_id, metric) do update set total = t.total + excluded.total;
  get diagnostics v_stats = row_count;
  delete from app_public.card_stats s where s.user_id = p_from_user_id;
  -- Mission progress of each period: the better progress, the earliest completion, and a reward already paid on either
  -- side stays paid (the target's payment first), so a period is never paid twice.
  insert into app_public.card_mission_progress as t (guild_id, mission_id, user_id, period_start, progress, completed_at, paid_at, tx_id)
    select p.guild_id, p.mission_id, p_to_user_id, p.period_start, p.progress, p.completed_at, p.paid_at, p.tx_id
      from app_public.card_mission_progress p where p.user_id = p_from_user_id
    on conflict (mission_id, user_id, period_start) do update
      set progress = greatest(t.progress, excluded.progress),
          completed_at = least(t.completed_at, excluded.completed_at),
          paid_at = case when t.paid_at is not null then t.paid_at else excluded.paid_at end,
          tx_id = case when t.paid_at is not null then t.tx_id else excluded.tx_id end;
  get diagnostics v_missions = row_count;
  delete from app_public.card_mission_progress p where p.user_id = p_from_user_id;
  -- Achievements: unlocked once; the earliest unlock, and a reward already paid on either side stays paid.
  insert into app_public.user_achievements as t (guild_id, achievement_id, user_id, unlocked_at, paid_at, tx_id)
    select a.guild_id, a.achievement_id, p_to_user_id, a.unlocked_at, a.paid_at, a.tx_id
      from app_public.user_achievements a where a.user_id = p_from_user_id
    on conflict (achievement_id, user_id) do update
      set unlocked_at = least(t.unlocked_at, excluded.unlocked_at),
          paid_at = case when t.paid_at is not null then t.paid_at else excluded.paid_at end,
          tx_id = case when t.paid_at is not null then t.tx_id else excluded.tx_id end;
  get diagnostics v_achievements = row_count;
  delete from app_public.user_achievements a where a.user_id = p_from_user_id;
  return jsonb_build_object('stats', v_stats, 'missions', v_missions, 'achievements', v_achievements);
end;
$$;

comment on function app_private.merge_card_progress(bigint, bigint) is
  'Moves a member''s card progress to another account of the same guild (part of an approved /transfer_data, inside its '
  'transaction): lifetime counters (card_stats) add up metric by metric; mission progress of the same mission and period '
  'keeps the better progress (the greater count) and the earlier completion; an achievement unlocked on both keeps the '
  'earlier unlock. A reward already paid on either side stays paid with its transaction (the target''s first), so no '
  'mission period or achievement is paid twice, and a completed but unpaid one is paid once by pay_card_rewards. The '
  'source account keeps no progress. Returns the rows moved or merged per kind. Source: issue 15 "/transfer_data" '
  '(moves the collection), "Missions ... and achievements".';
--! EndIncluded cards/merge_card_progress.sql
--! Included cards/execute_data_transfer.sql
create or replace function app_private.execute_data_transfer(p_transfer_id uuid, p_at timestamptz default now())
returns jsonb
language plpgsql
as $$
declare
  v app_public.card_data_transfers;
  v_from app_public.users;
  v_to app_public.users;
  v_before jsonb;
  v_to_before jsonb;
  v_cards integer;
  v_tx uuid;
  v_progress jsonb;
  a record;
begin
  select * into v from app_public.card_data_transfers t where t.id = p_transfer_id;
  -- Members first (id order), then their accounts.
  perform 1 from app_private.lock_members(array[v.from_user_id, v.to_user_id]);
  select * into v_from from app_public.users where id = v.from_user_id;
  select * into v_to from app_public.users where id = v.to_user_id;
  v_before := app_private.card_holdings(v_from.id);
  v_to_before := app_private.card_holdings(v_to.id);
  if (v_before ->> 'listings')::int > 0 or (v_before ->> 'trades')::int > 0 then
    perform app_private.raise_error('XD006', 'transfer_blocked',
      jsonb_build_object('listings', (v_before ->> 'listings')::int, 'trades', (v_before ->> 'trades')::int));
  end if;
  if v.mode = 'move' and ((v_to_before ->> 'cards')::int > 0 or v_to_before -> 'balances' <> '{}') then
    perform app_private.raise_error('XD007', 'target_not_empty', jsonb_build_object('transfer_id', v.id));
  end if;
  if v_from.frozen or v_to.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  -- The collection: every live copy changes owner (print numbers, locks and temporary flags stay as they are).
  update app_public.user_cards c set owner_id = v_to.id where c.owner_id = v_from.id;
  get diagnostics v_cards = row_count;
  insert into app_public.card_wishlists (guild_id, user_id, template_id, created_at)
    select w.guild_id, v_to.id, w.template_id, w.created_at from app_public.card_wishlists w where w.user_id = v_from.id
    on conflict do nothing;
  delete from app_public.card_wishlists w where w.user_id = v_from.id;
  -- Mission progress, lifetime card counters and achievements (merge rules: merge_card_progress).
  v_progress := app_private.merge_card_progress(v_from.id, v_to.id);
  -- The balances: one ledger transfer per currency, wallet to wallet.
  for a in
    select ac.id, ac.currency, ac.balance from app_public.accounts ac
     where ac.user_id = v_from.id and ac.kind = 'wallet' and ac.balance > 0 order by ac.currency
  loop
    insert into app_public.transactions (guild_id, type, actor_id, user_id, counterparty_id, amount, currency, reason, meta, created_at)
      values (v.guild_id, 'spend', app_public.current_discord_id(), v_from.id, v_to.id, a.balance, a.currency, 'data_transfer',
        jsonb_build_object('transfer_id', v.id, 'mode', v.mode), p_at)
      returning tx_id into v_tx;
    perform app_private.post_transfer(v.guild_id, a.id, app_private.ledger_account(v.guild_id, v_to.id, a.currency, 'wallet'),
      a.balance, 'data_transfer', v_tx, 'posted', null, null, p_at);
  end loop;
  return jsonb_build_object('cards_moved', v_cards, 'progress_moved', v_progress, 'from_before', v_before, 'to_before', v_to_before,
    'from_after', app_private.card_holdings(v_from.id), 'to_after', app_private.card_holdings(v_to.id));
end;
$$;

comment on function app_private.execute_data_transfer(uuid, timestamptz) is
  'Carries out an approved /transfer_data: locks both members (id order), refuses while the requester has active card '
  'listings or open trades (XD006 transfer_blocked) or when a move''s target is no longer empty (XD007 '
  'target_not_empty: a merge needs its owner''s consent), or either account is frozen (FZ001); then every live copy '
  'changes owner, the wishlist joins the target''s, mission progress, card stats and achievements '
  'move or merge (merge_card_progress: counts add, the better progress is kept, nothing is paid twice), and each non-zero wallet balance moves by one ledger transfer '
  '(reason data_transfer). Pending holds stay with their hold. Returns the holdings of both before and after. '
  'Source: issue 15 "/transfer_data"; seed 002 "Transfer data".';
--! EndIncluded cards/execute_data_transfer.sql
