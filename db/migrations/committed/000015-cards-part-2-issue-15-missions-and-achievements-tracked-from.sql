--! Previous: sha1:60724fdceb8b9efb981e35650fc24c54814d62f3
--! Hash: sha1:67353c1f376e7554f6021e8afc06e71f20a21e2c
--! Message: Cards part 2 (issue 15): missions and achievements tracked from the card tables and paid once by a job, /transfer_data (staff-approved, audited), card_notifications delivered by discord__card_notice jobs, unpicked pack openings expire

-- Collectible cards, part 2 (issue 15, seed 002): missions (daily, weekly) and achievements tracked from the card
-- tables (pack opens, draws, mints, sales, trades, burns) and paid once through the ledger by a job; /transfer_data
-- (a member moves collection and balances to another account, staff-approved, audited); delivery of
-- card_notifications by discord__card_notice jobs; unpicked pack openings expire (the job picks for the member).
-- Additive only on the catalogue tables (none touched here). No trigger on transactions, transfers or accounts.
-- Idempotent: drops what it creates, then creates it again.

drop trigger if exists _500_progress on app_public.pack_openings;
drop trigger if exists _500_progress on app_public.card_draws;
drop trigger if exists _500_progress on app_public.user_cards;
drop trigger if exists _501_progress_burn on app_public.user_cards;
drop trigger if exists _500_progress on app_public.card_listings;
drop trigger if exists _500_progress on app_public.card_trades;
drop trigger if exists _500_deliver on app_public.card_notifications;
drop table if exists app_public.card_data_transfers, app_public.user_achievements, app_public.card_achievements,
  app_public.card_mission_progress, app_public.card_missions, app_public.card_stats cascade;
drop function if exists app_private.tg_cards__progress();
drop function if exists app_private.card_progress(bigint, bigint, text, integer, timestamptz);
drop function if exists app_private.card_reward(bigint, bigint, text, bigint, text, jsonb, timestamptz);
drop function if exists app_hidden.pay_card_rewards(timestamptz);
drop function if exists app_public.my_missions(timestamptz);
drop function if exists app_public.my_achievements();
drop function if exists app_private.tg_card_rewards__check();
drop function if exists app_private.tg_card_notifications__deliver();
drop function if exists app_hidden.discord_card_notice(bigint);
drop function if exists app_hidden.card_notice_delivered(bigint, text, text);
drop function if exists app_hidden.expire_pack_openings(timestamptz);
drop function if exists app_private.card_holdings(bigint);
drop function if exists app_public.request_data_transfer(bigint, text);
drop function if exists app_private.request_data_transfer_for(bigint, bigint, text, timestamptz);
drop function if exists app_public.answer_data_transfer(uuid, boolean);
drop function if exists app_public.cancel_data_transfer(uuid);
drop function if exists app_public.decide_data_transfer(uuid, boolean, text);
drop function if exists app_private.execute_data_transfer(uuid, timestamptz);
drop function if exists app_hidden.expire_data_transfers(timestamptz);

--------------------------------------------------------------------------------
-- Settings: how long a pack may stay unpicked; how long a data transfer request waits
--------------------------------------------------------------------------------
alter table app_public.card_settings add column if not exists pick_hours integer not null default 24 check (pick_hours between 1 and 720);
alter table app_public.card_settings add column if not exists transfer_days integer not null default 7 check (transfer_days between 1 and 90);
grant update (pick_hours, transfer_days) on app_public.card_settings to coins_staff;
alter table app_public.pack_openings add column if not exists auto_picked boolean not null default false;
create index if not exists pack_openings_open on app_public.pack_openings (opened_at) where status = 'open';

-- Notifications: new kinds, and how their delivery went
alter table app_public.card_notifications drop constraint if exists card_notifications_kind_check;
alter table app_public.card_notifications add constraint card_notifications_kind_check check (kind in ('rarity_changed',
  'trade_offer', 'trade_done', 'card_sold', 'card_expired', 'wishlist_drop', 'template_deleted', 'mission_done',
  'achievement', 'data_transfer', 'pack_auto_picked'));
alter table app_public.card_notifications add column if not exists delivery text check (delivery in ('sent', 'failed', 'skipped'));
alter table app_public.card_notifications add column if not exists delivery_error text check (length(delivery_error) <= 500);

--------------------------------------------------------------------------------
-- Missions and achievements
--------------------------------------------------------------------------------
create table app_public.card_missions (
  id              bigint generated always as identity primary key,
  guild_id        bigint not null references app_public.guilds on delete cascade,
  code            text not null check (code ~ '^[a-z0-9-]{1,30}$'),
  name            text not null check (length(btrim(name)) between 1 and 80),
  period          text not null check (period in ('daily', 'weekly')),
  metric          text not null check (metric in ('packs_opened', 'cards_drawn', 'cards_collected', 'legendary_pulled',
                    'mythic_pulled', 'cards_sold', 'cards_bought', 'trades_done', 'cards_burned', 'notes_spent')),
  target          integer not null check (target between 1 and 1000000),
  reward_currency text not null references app_public.currencies,
  reward_amount   bigint not null check (reward_amount > 0),
  active          boolean not null default true,
  created_at      timestamptz not null default now(),
  unique (guild_id, code),
  unique (guild_id, id)
);
comment on table app_public.card_missions is E'@behavior -delete\nDaily (UTC day) and weekly (ISO week, from Monday 00:00 UTC) card missions: reach target of a metric within the period and the reward is paid once through the ledger (from the guild''s mint).';

create table app_public.card_mission_progress (
  guild_id     bigint not null,
  mission_id   bigint not null,
  user_id      bigint not null references app_public.users on delete cascade,
  period_start date not null,
  progress     bigint not null default 0 check (progress >= 0),
  completed_at timestamptz,
  paid_at      timestamptz,
  tx_id        uuid,
  primary key (mission_id, user_id, period_start),
  foreign key (guild_id, mission_id) references app_public.card_missions (guild_id, id) on delete cascade,
  check (paid_at is null or completed_at is not null),
  check ((paid_at is null) = (tx_id is null))
);
comment on table app_public.card_mission_progress is E'@behavior -insert -update -delete\nA member''s progress on a mission in one period; completed_at when it reached the target, paid_at and tx_id when its reward was paid (once).';
create index card_mission_progress_unpaid on app_public.card_mission_progress (completed_at) where completed_at is not null and paid_at is null;
create index on app_public.card_mission_progress (user_id, period_start);

create table app_public.card_achievements (
  id              bigint generated always as identity primary key,
  guild_id        bigint not null references app_public.guilds on delete cascade,
  code            text not null check (code ~ '^[a-z0-9-]{1,30}$'),
  name            text not null check (length(btrim(name)) between 1 and 80),
  description     text not null default '' check (length(description) <= 300),
  metric          text not null check (metric in ('packs_opened', 'cards_drawn', 'cards_collected', 'legendary_pulled',
                    'mythic_pulled', 'cards_sold', 'cards_bought', 'trades_done', 'cards_burned', 'notes_spent')),
  threshold       bigint not null check (threshold between 1 and 100000000),
  reward_currency text references app_public.currencies,
  reward_amount   bigint check (reward_amount > 0),
  active          boolean not null default true,
  created_at      timestamptz not null default now(),
  check ((reward_currency is null) = (reward_amount is null)),
  unique (guild_id, code),
  unique (guild_id, id)
);
comment on table app_public.card_achievements is E'@behavior -delete\nAchievements: a lifetime metric reaching a threshold unlocks it once, with an optional reward paid once through the ledger.';

create table app_public.card_stats (
  guild_id bigint not null,
  user_id  bigint not null references app_public.users on delete cascade,
  metric   text not null,
  total    bigint not null default 0 check (total >= 0),
  primary key (user_id, metric)
);
comment on table app_public.card_stats is E'@behavior -insert -update -delete\nLifetime card counters per member and metric (what achievements are measured on).';

create table app_public.user_achievements (
  guild_id       bigint not null,
  achievement_id bigint not null,
  user_id        bigint not null references app_public.users on delete cascade,
  unlocked_at    timestamptz not null,
  paid_at        timestamptz,
  tx_id          uuid,
  primary key (achievement_id, user_id),
  foreign key (guild_id, achievement_id) references app_public.card_achievements (guild_id, id) on delete cascade,
  check (tx_id is null or paid_at is not null)
);
comment on table app_public.user_achievements is E'@behavior -insert -update -delete\nUnlocked achievements (once each); paid_at once settled, tx_id the ledger transaction of its reward (none for an achievement without one).';
create index user_achievements_unpaid on app_public.user_achievements (unlocked_at) where paid_at is null;

--------------------------------------------------------------------------------
-- /transfer_data
--------------------------------------------------------------------------------
create table app_public.card_data_transfers (
  id             uuid primary key default gen_random_uuid(),
  guild_id       bigint not null references app_public.guilds on delete cascade,
  from_user_id   bigint not null references app_public.users,
  to_user_id     bigint not null references app_public.users,
  mode           text not null check (mode in ('move', 'merge')),
  status         text not null check (status in ('awaiting_target', 'awaiting_staff', 'done', 'declined', 'rejected', 'cancelled', 'expired')),
  consented_at   timestamptz,
  requested_at   timestamptz not null default now(),
  expires_at     timestamptz not null,
  decided_at     timestamptz,
  decided_by     bigint,
  reason         text check (length(reason) <= 500),
  summary        jsonb,
  check (from_user_id <> to_user_id),
  check ((status in ('awaiting_target', 'awaiting_staff')) = (decided_at is null)),
  check (mode = 'move' or status in ('awaiting_target', 'declined', 'cancelled', 'expired') or consented_at is not null)
);
comment on table app_public.card_data_transfers is E'@behavior -insert -update -delete\n/transfer_data requests: a member moves their cards, wishlist and wallet balances to another account of the guild. Into an empty account (mode move) it waits for staff; into an account with cards or money (mode merge) its owner consents first. Staff approve (the move happens then) or reject; requests expire.';
create unique index card_data_transfers_one_open on app_public.card_data_transfers (from_user_id) where status in ('awaiting_target', 'awaiting_staff');
create index on app_public.card_data_transfers (guild_id, status);

--! Included cards/card_progress.sql
create or replace function app_private.card_progress(p_guild_id bigint, p_user_id bigint, p_metric text, p_n integer,
  p_at timestamptz)
returns void
language plpgsql
as $$
declare
  v_day date := (p_at at time zone 'UTC')::date;
  v_week date := date_trunc('week', p_at at time zone 'UTC')::date;
  v_total bigint;
begin
  if p_user_id is null or coalesce(p_n, 0) <= 0 then
    return;
  end if;
  -- Missions of the period p_at falls in: add to the progress, mark it completed when it reaches the target.
  insert into app_public.card_mission_progress as p (guild_id, mission_id, user_id, period_start, progress, completed_at)
    select p_guild_id, m.id, p_user_id, case m.period when 'daily' then v_day else v_week end, p_n,
           case when p_n >= m.target then p_at end
      from app_public.card_missions m
     where m.guild_id = p_guild_id and m.metric = p_metric and m.active
    on conflict (mission_id, user_id, period_start) do update
      set progress = p.progress + excluded.progress,
          completed_at = coalesce(p.completed_at,
            case when p.progress + excluded.progress >= (select m.target from app_public.card_missions m where m.id = p.mission_id)
                 then p_at end);
  -- Lifetime counters, and the achievements they unlock (once each).
  insert into app_public.card_stats as s (guild_id, user_id, metric, total) values (p_guild_id, p_user_id, p_metric, p_n)
    on conflict (user_id, metric) do update set total = s.total + excluded.total
    returning total into v_total;
  insert into app_public.user_achievements (guild_id, achievement_id, user_id, unlocked_at)
    select p_guild_id, a.id, p_user_id, p_at from app_public.card_achievements a
     where a.guild_id = p_guild_id and a.metric = p_metric and a.active and a.threshold <= v_total
    on conflict do nothing;
end;
$$;

comment on function app_private.card_progress(bigint, bigint, text, integer, timestamptz) is
  'Counts p_n of a card metric for a member at p_at: the progress of every active mission on that metric in the '
  'period p_at falls in (daily: the UTC day; weekly: the ISO week from Monday 00:00 UTC), completed_at set the first '
  'time it reaches the target; the lifetime counter (card_stats); achievements whose threshold the counter reaches '
  'are unlocked once. Pays nothing: app_hidden.pay_card_rewards pays completed missions and unlocked achievements, so '
  'the card rules never take another member''s lock. Source: issue 15 "Missions (daily and weekly, progress tracked '
  'from the ledger and card events, rewards paid once) and achievements"; seed 002 "/missions".';
--! EndIncluded cards/card_progress.sql
--! Included cards/tg_cards__progress.sql
create or replace function app_private.tg_cards__progress()
returns trigger
language plpgsql
as $$
declare
  v_rarity app_public.card_rarity;
begin
  case tg_table_name
    when 'pack_openings' then
      perform app_private.card_progress(new.guild_id, new.user_id, 'packs_opened', 1, new.opened_at);
      if new.currency = 'NOTE' and new.amount > 0 then
        perform app_private.card_progress(new.guild_id, new.user_id, 'notes_spent', least(new.amount, 2147483647)::integer, new.opened_at);
      end if;
    when 'card_draws' then
      perform app_private.card_progress(new.guild_id, new.user_id, 'cards_drawn', 1, new.drawn_at);
    when 'user_cards' then
      if tg_op = 'INSERT' then
        perform app_private.card_progress(new.guild_id, new.owner_id, 'cards_collected', 1, new.obtained_at);
        select t.rarity into v_rarity from app_public.card_templates t where t.id = new.template_id;
        if v_rarity >= 'legendary' then
          perform app_private.card_progress(new.guild_id, new.owner_id, 'legendary_pulled', 1, new.obtained_at);
        end if;
        if v_rarity = 'mythic' then
          perform app_private.card_progress(new.guild_id, new.owner_id, 'mythic_pulled', 1, new.obtained_at);
        end if;
      else
        perform app_private.card_progress(new.guild_id, old.owner_id, 'cards_burned', 1, new.burned_at);
      end if;
    when 'card_listings' then
      perform app_private.card_progress(new.guild_id, new.seller_id, 'cards_sold', 1, new.closed_at);
      perform app_private.card_progress(new.guild_id, new.buyer_id, 'cards_bought', 1, new.closed_at);
      if new.currency = 'NOTE' then
        perform app_private.card_progress(new.guild_id, new.buyer_id, 'notes_spent', least(new.price, 2147483647)::integer, new.closed_at);
      end if;
    when 'card_trades' then
      perform app_private.card_progress(new.guild_id, new.proposer_id, 'trades_done', 1, new.closed_at);
      perform app_private.card_progress(new.guild_id, new.recipient_id, 'trades_done', 1, new.closed_at);
  end case;
  return null;
end;
$$;

comment on function app_private.tg_cards__progress() is
  'Trigger (after, on the card tables only, never on the ledger''s): turns card events into mission and achievement '
  'progress (app_private.card_progress) at the event''s own time: a pack opened (packs_opened, and notes_spent when '
  'paid in Notes), a /draw (cards_drawn), a copy minted other than by staff (cards_collected, legendary_pulled for '
  'legendary or mythic, mythic_pulled), a copy burned by its owner (cards_burned), a card sold (cards_sold for the '
  'seller, cards_bought and notes_spent for the buyer), a trade done (trades_done for both). Source: issue 15 '
  '"Missions ... progress tracked from the ledger and card events".';
--! EndIncluded cards/tg_cards__progress.sql
--! Included cards/card_reward.sql
create or replace function app_private.card_reward(p_guild_id bigint, p_user_id bigint, p_currency text, p_amount bigint,
  p_reason text, p_meta jsonb, p_at timestamptz)
returns uuid
language plpgsql
as $$
declare
  v_user app_public.users;
  v_tx uuid;
begin
  select * into v_user from app_public.users where id = p_user_id;
  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, currency, reason, meta, created_at)
    values (p_guild_id, 'earn', v_user.discord_id, p_user_id, p_amount, p_currency, p_reason, p_meta, p_at)
    returning tx_id into v_tx;
  perform app_private.post_transfer(p_guild_id, app_private.ledger_account(p_guild_id, null, p_currency, 'mint'),
    app_private.ledger_account(p_guild_id, p_user_id, p_currency, 'wallet'), p_amount, p_reason, v_tx, 'posted', null, null, p_at);
  return v_tx;
end;
$$;

comment on function app_private.card_reward(bigint, bigint, text, bigint, text, jsonb, timestamptz) is
  'Pays a member a card reward from the guild''s mint (a faucet): one transactions row (earn) and one posted transfer '
  'mint -> wallet; returns the tx id. The caller has locked the member. Source: issue 15 "Missions ... rewards paid once".';
--! EndIncluded cards/card_reward.sql
--! Included cards/pay_card_rewards.sql
create or replace function app_hidden.pay_card_rewards(p_at timestamptz default now())
returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  u record;
  r record;
  v_tx uuid;
  v_n integer := 0;
begin
  -- One member at a time, members locked first (then their accounts): the same lock order as every rule.
  for u in
    select distinct x.user_id from (
      select p.user_id from app_public.card_mission_progress p where p.completed_at is not null and p.paid_at is null
      union all
      select a.user_id from app_public.user_achievements a where a.paid_at is null) x
  loop
    perform 1 from app_private.lock_members(array[u.user_id]);
    for r in
      select p.*, m.code, m.name, m.period, m.reward_currency, m.reward_amount
        from app_public.card_mission_progress p join app_public.card_missions m on m.id = p.mission_id
       where p.user_id = u.user_id and p.completed_at is not null and p.paid_at is null
       for update of p skip locked
    loop
      v_tx := app_private.card_reward(r.guild_id, r.user_id, r.reward_currency, r.reward_amount, 'card_mission',
        jsonb_build_object('mission', r.code, 'period', r.period, 'period_start', r.period_start), p_at);
      update app_public.card_mission_progress set paid_at = p_at, tx_id = v_tx
       where mission_id = r.mission_id and user_id = r.user_id and period_start = r.period_start;
      insert into app_public.card_notifications (guild_id, user_id, kind, payload, created_at)
        values (r.guild_id, r.user_id, 'mission_done', jsonb_build_object('mission', r.code, 'name', r.name, 'period', r.period,
          'currency', r.reward_currency, 'amount', r.reward_amount), p_at);
      v_n := v_n + 1;
    end loop;
    for r in
      select ua.*, a.code, a.name, a.reward_currency, a.reward_amount
        from app_public.user_achievements ua join app_public.card_achievements a on a.id = ua.achievement_id
       where ua.user_id = u.user_id and ua.paid_at is null
       for update of ua skip locked
    loop
      v_tx := null;
      if r.reward_amount is not null then
        v_tx := app_private.card_reward(r.guild_id, r.user_id, r.reward_currency, r.reward_amount, 'card_achievement',
          jsonb_build_object('achievement', r.code), p_at);
      end if;
      update app_public.user_achievements set paid_at = p_at, tx_id = v_tx
       where achievement_id = r.achievement_id and user_id = r.user_id;
      insert into app_public.card_notifications (guild_id, user_id, kind, payload, created_at)
        values (r.guild_id, r.user_id, 'achievement', jsonb_build_object('achievement', r.code, 'name', r.name,
          'currency', r.reward_currency, 'amount', r.reward_amount), p_at);
      v_n := v_n + 1;
    end loop;
  end loop;
  return v_n;
end;
$$;

comment on function app_hidden.pay_card_rewards(timestamptz) is
  'Job (worker, cards__rewards every minute): pays every completed mission period and every unlocked achievement not '
  'paid yet, exactly once: each row is locked (skip locked: two runs never pay the same row) and marked paid in the '
  'same transaction as its ledger transfer from the guild''s mint (card_reward); an achievement without a reward is '
  'marked settled without a transaction. The member is told (card_notifications mission_done / achievement). Members are locked '
  'one at a time before their accounts. Returns how many rewards were settled. Source: issue 15 "Missions ... rewards '
  'paid once" and achievements; seed 002 "Events, leaderboards, missions (daily/weekly), achievements".';
--! EndIncluded cards/pay_card_rewards.sql
--! Included cards/my_missions.sql
create or replace function app_public.my_missions(at timestamptz default null)
returns table (code text, name text, period text, metric text, target integer, progress bigint, period_start date,
  period_ends_at timestamptz, completed_at timestamptz, paid_at timestamptz, reward_currency text, reward_amount bigint)
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  with me as (select u.id from app_public.users u
               where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id()),
  t as (select coalesce(my_missions.at, now()) as at)
  select m.code, m.name, m.period, m.metric, m.target, coalesce(p.progress, 0), s.start,
         (s.start + case m.period when 'daily' then 1 else 7 end) at time zone 'UTC',
         p.completed_at, p.paid_at, m.reward_currency, m.reward_amount
    from app_public.card_missions m
    cross join t
    cross join lateral (select case m.period when 'daily' then (t.at at time zone 'UTC')::date
                                else date_trunc('week', t.at at time zone 'UTC')::date end as start) s
    left join app_public.card_mission_progress p
      on p.mission_id = m.id and p.user_id = (select id from me) and p.period_start = s.start
   where m.guild_id = app_public.current_guild_id() and m.active
   order by case m.period when 'daily' then 0 else 1 end, m.code;
$$;

comment on function app_public.my_missions(timestamptz) is
  'The calling member''s missions of the current periods (daily: UTC day; weekly: ISO week) at `at` (default now): '
  'target, progress, when the period ends, whether it is completed and whether its reward was paid. Errors: none '
  '(no rows without claims). Source: issue 15 "/missions"; seed 002 "/missions — show daily/weekly missions and progress".';
--! EndIncluded cards/my_missions.sql
--! Included cards/my_achievements.sql
create or replace function app_public.my_achievements()
returns table (code text, name text, description text, metric text, threshold bigint, total bigint,
  unlocked_at timestamptz, paid_at timestamptz, reward_currency text, reward_amount bigint)
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  with me as (select u.id from app_public.users u
               where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id())
  select a.code, a.name, a.description, a.metric, a.threshold, coalesce(s.total, 0), ua.unlocked_at, ua.paid_at,
         a.reward_currency, a.reward_amount
    from app_public.card_achievements a
    left join app_public.card_stats s on s.user_id = (select id from me) and s.metric = a.metric
    left join app_public.user_achievements ua on ua.achievement_id = a.id and ua.user_id = (select id from me)
   where a.guild_id = app_public.current_guild_id() and (a.active or ua.unlocked_at is not null)
   order by ua.unlocked_at is null, a.metric, a.threshold;
$$;

comment on function app_public.my_achievements() is
  'The calling member''s achievements: each active one with the lifetime counter it is measured on, and those '
  'unlocked (with when, and whether the reward was paid). Errors: none. Source: issue 15 "achievements".';
--! EndIncluded cards/my_achievements.sql
--! Included cards/tg_card_rewards__check.sql
create or replace function app_private.tg_card_rewards__check()
returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  if new.reward_currency is not null then
    perform app_private.card_currency(new.guild_id, new.reward_currency);
  end if;
  return new;
end;
$$;

comment on function app_private.tg_card_rewards__check() is
  'Trigger (before insert or update of card_missions and card_achievements): a reward is paid in a currency the guild '
  'uses for cards (or COIN). Errors: CA009 currency_not_used. Source: issue 15 "Currencies" (a guild chooses which '
  'currencies it uses).';
--! EndIncluded cards/tg_card_rewards__check.sql
--! Included cards/tg_card_notifications__deliver.sql
create or replace function app_private.tg_card_notifications__deliver()
returns trigger
language plpgsql
as $$
begin
  if exists (select 1 from app_public.guilds g where g.id = new.guild_id and g.owner_id is not null)
     or exists (select 1 from app_public.guild_discord g where g.guild_id = new.guild_id) then
    perform graphile_worker.add_job('discord__card_notice', json_build_object('notification_id', new.id::text),
      queue_name := 'discord:' || new.guild_id, job_key := 'card_notice:' || new.id, max_attempts := 5);
  else
    update app_public.card_notifications set delivery = 'skipped', delivered_at = new.created_at where id = new.id;
  end if;
  return null;
end;
$$;

comment on function app_private.tg_card_notifications__deliver() is
  'Trigger (after insert on card_notifications): queues one discord__card_notice job per notification for the bot''s '
  'runner (job key card_notice:<id>, in the guild''s discord queue, at most 5 attempts) when the bot is in the guild '
  '(it recorded the guild''s owner, or /setup ran); a guild without the bot marks it skipped. The job DMs the member once (Discord nonce) and records the outcome with '
  'app_hidden.card_notice_delivered. Source: issue 15 "a rarity change ... is announced to owners", "wishlist ... told '
  'when it drops".';
--! EndIncluded cards/tg_card_notifications__deliver.sql
--! Included cards/discord_card_notice.sql
create or replace function app_hidden.discord_card_notice(p_id bigint)
returns jsonb
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select jsonb_build_object('id', n.id::text, 'guild_id', n.guild_id::text, 'discord_id', u.discord_id::text,
           'guild_name', g.name, 'kind', n.kind, 'payload', n.payload, 'created_at', n.created_at,
           'delivery', n.delivery,
           'template', (select jsonb_build_object('public_id', t.public_id, 'rarity', t.rarity, 'artist', a.name, 'era', e.name)
                          from app_public.card_templates t join app_public.artists a on a.id = t.artist_id
                          join app_public.eras e on e.id = t.era_id
                         where t.guild_id = n.guild_id and t.public_id = n.payload ->> 'public_id'))
    from app_public.card_notifications n
    join app_public.users u on u.id = n.user_id
    join app_public.guilds g on g.id = n.guild_id
   where n.id = p_id;
$$;

comment on function app_hidden.discord_card_notice(bigint) is
  'Worker (discord__card_notice): a card notification as the bot renders it: the member''s Discord id, the guild''s '
  'name, kind, payload, the template it names (public id, rarity, artist, era) and whether it was already delivered '
  '(delivery not null: the job does nothing). Null when it no longer exists. Source: issue 15 "announced to owners".';
--! EndIncluded cards/discord_card_notice.sql
--! Included cards/card_notice_delivered.sql
create or replace function app_hidden.card_notice_delivered(p_id bigint, p_delivery text, p_error text default null)
returns boolean
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_n integer;
begin
  if p_delivery is null or p_delivery not in ('sent', 'failed', 'skipped') then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'delivery'));
  end if;
  update app_public.card_notifications set delivery = p_delivery, delivered_at = now(), delivery_error = left(p_error, 500)
   where id = p_id and delivery is null;
  get diagnostics v_n = row_count;
  return v_n = 1;
end;
$$;

comment on function app_hidden.card_notice_delivered(bigint, text, text) is
  'Worker (discord__card_notice): records how a card notification''s delivery ended (sent, failed after the last '
  'attempt or refused for good by Discord, skipped) once; returns false when it was already recorded. Errors: VL001. '
  'Source: issue 15 "announced to owners".';
--! EndIncluded cards/card_notice_delivered.sql
--! Included cards/expire_pack_openings.sql
create or replace function app_hidden.expire_pack_openings(p_at timestamptz default now())
returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  r record;
  v_slot integer;
  v_card app_public.user_cards;
  v_n integer := 0;
begin
  for r in
    select o.id, o.guild_id, o.user_id from app_public.pack_openings o
      join app_public.card_settings s on s.guild_id = o.guild_id
     where o.status = 'open' and o.opened_at <= p_at - make_interval(hours => s.pick_hours)
     order by o.opened_at
     for update of o skip locked
  loop
    -- The rarest card of the pack (the first of them on a tie) is kept for the member.
    select d.slot into v_slot from app_public.card_draws d where d.opening_id = r.id order by d.rarity desc, d.slot limit 1;
    v_card := app_private.pick_card_for(r.user_id, r.id, v_slot, p_at);
    update app_public.pack_openings set auto_picked = true where id = r.id;
    insert into app_public.card_notifications (guild_id, user_id, kind, payload, created_at)
      select r.guild_id, r.user_id, 'pack_auto_picked', jsonb_build_object('opening_id', r.id, 'card_id', v_card.id,
               'public_id', t.public_id, 'print_no', v_card.print_no), p_at
        from app_public.card_templates t where t.id = v_card.template_id;
    v_n := v_n + 1;
  end loop;
  return v_n;
end;
$$;

comment on function app_hidden.expire_pack_openings(timestamptz) is
  'Job (worker, cards__expire every minute): a pack opening still unpicked card_settings.pick_hours (default 24) after '
  'it was opened expires by being picked for its member: the rarest drawn card (the lowest slot on a tie) is minted '
  'exactly as pick_card would (status picked, auto_picked true) and the member is told (pack_auto_picked). Nothing is '
  'refunded: the pack was paid for and its cards were shown, so a refund would let members peek at draws for free; '
  'nothing is voided: the member keeps the best card they were offered. A click racing the job meets the row lock '
  '(skip locked here; CA011 for the click that loses). Returns how many openings expired. Source: issue 15 "Opening a '
  'pack draws its cards and mints nothing yet; the member picks one".';
--! EndIncluded cards/expire_pack_openings.sql
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
    'listings', (select count(*) from app_public.card_listings l where l.seller_id = p_user_id and l.status = 'active'),
    'trades', (select count(*) from app_public.card_trades t where p_user_id in (t.proposer_id, t.recipient_id) and t.status = 'open'));
$$;

comment on function app_private.card_holdings(bigint) is
  'What a member holds for /transfer_data: copies owned, wishlist entries, non-zero wallet balances by currency, '
  'active card listings and open card trades. Source: issue 15 "/transfer_data".';
--! EndIncluded cards/card_holdings.sql
--! Included cards/request_data_transfer_for.sql
create or replace function app_private.request_data_transfer_for(p_user_id bigint, p_target_discord_id bigint, p_key text,
  p_at timestamptz default now())
returns app_public.card_data_transfers
language plpgsql
as $$
declare
  v_user app_public.users;
  v_target app_public.users;
  v_replay jsonb;
  v_from jsonb;
  v_to jsonb;
  v app_public.card_data_transfers;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'request_data_transfer', 'target', p_target_discord_id));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.card_data_transfers, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  if p_target_discord_id is null or p_target_discord_id = v_user.discord_id then
    perform app_private.raise_error('XD001', 'self_data_transfer');
  end if;
  v_target := app_private.ensure_member(v_user.guild_id, p_target_discord_id, '');
  if v_target.frozen or v_target.is_bot then
    perform app_private.raise_error('XD008', 'target_unavailable', jsonb_build_object('discord_id', p_target_discord_id::text));
  end if;
  v_from := app_private.card_holdings(v_user.id);
  if (v_from ->> 'cards')::int = 0 and v_from -> 'balances' = '{}' and (v_from ->> 'wishlist')::int = 0 then
    perform app_private.raise_error('XD002', 'nothing_to_transfer');
  end if;
  select * into v from app_public.card_data_transfers t
   where t.from_user_id = v_user.id and t.status in ('awaiting_target', 'awaiting_staff');
  if v.id is not null then
    perform app_private.raise_error('XD003', 'transfer_pending', jsonb_build_object('transfer_id', v.id));
  end if;
  v_to := app_private.card_holdings(v_target.id);
  insert into app_public.card_data_transfers (guild_id, from_user_id, to_user_id, mode, status, requested_at, expires_at, summary)
    values (v_user.guild_id, v_user.id, v_target.id,
      case when (v_to ->> 'cards')::int = 0 and v_to -> 'balances' = '{}' then 'move' else 'merge' end,
      case when (v_to ->> 'cards')::int = 0 and v_to -> 'balances' = '{}' then 'awaiting_staff' else 'awaiting_target' end,
      p_at, p_at + make_interval(days => coalesce((select s.transfer_days from app_public.card_settings s where s.guild_id = v_user.guild_id), 7)),
      jsonb_build_object('from', v_from, 'to', v_to))
    returning * into v;
  if v.status = 'awaiting_target' then
    insert into app_public.card_notifications (guild_id, user_id, kind, payload, created_at)
      values (v.guild_id, v.to_user_id, 'data_transfer', jsonb_build_object('transfer_id', v.id, 'status', v.status,
        'from_discord_id', v_user.discord_id::text, 'from', v_from), p_at);
  end if;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v));
  return v;
end;
$$;

comment on function app_private.request_data_transfer_for(bigint, bigint, text, timestamptz) is
  'The /transfer_data request rule at an explicit time. See app_public.request_data_transfer.';
--! EndIncluded cards/request_data_transfer_for.sql
--! Included cards/request_data_transfer.sql
create or replace function app_public.request_data_transfer(target_discord_id bigint, idempotency_key text)
returns app_public.card_data_transfers
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.request_data_transfer_for((app_private.current_member()).id, target_discord_id, idempotency_key, now());
end;
$$;

comment on function app_public.request_data_transfer(bigint, text) is
  '/transfer_data: a member asks to move their cards, wishlist and wallet balances (every currency) to another Discord '
  'account of the guild (registered as an empty member if new). Into an empty account (no cards, no money) it is a '
  'move and waits for staff approval; otherwise it is a merge, which the target''s owner must accept first '
  '(answer_data_transfer; they are told). One open request per member; it expires after card_settings.transfer_days. '
  'Nothing moves until staff approve (decide_data_transfer). Errors: AU001, MB001, FZ001, XD001 self_data_transfer, '
  'XD008 target_unavailable (frozen or a bot), XD002 nothing_to_transfer, XD003 transfer_pending, IK001/IK002. '
  'Source: issue 15 "/transfer_data"; seed 002 "Transfer data".';
--! EndIncluded cards/request_data_transfer.sql
--! Included cards/answer_data_transfer.sql
create or replace function app_public.answer_data_transfer(transfer_id uuid, accept boolean)
returns app_public.card_data_transfers
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_me app_public.users := app_private.current_member();
  v app_public.card_data_transfers;
begin
  select * into v from app_public.card_data_transfers t where t.id = answer_data_transfer.transfer_id for update;
  if v.id is null or v.to_user_id <> v_me.id then
    perform app_private.raise_error('XD004', 'transfer_not_found', jsonb_build_object('transfer_id', transfer_id));
  end if;
  if v.status <> 'awaiting_target' then
    perform app_private.raise_error('XD005', 'transfer_wrong_status', jsonb_build_object('status', v.status));
  end if;
  if accept is null then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'accept'));
  end if;
  update app_public.card_data_transfers t
     set status = case when accept then 'awaiting_staff' else 'declined' end,
         consented_at = case when accept then now() end,
         decided_at = case when accept then null else now() end
   where t.id = v.id returning * into v;
  insert into app_public.card_notifications (guild_id, user_id, kind, payload)
    values (v.guild_id, v.from_user_id, 'data_transfer', jsonb_build_object('transfer_id', v.id, 'status', v.status));
  return v;
end;
$$;

comment on function app_public.answer_data_transfer(uuid, boolean) is
  'The owner of the target account of a merge accepts it (it then waits for staff) or declines it (closed). The '
  'requester is told. Errors: AU001, MB001, XD004 transfer_not_found (not addressed to the caller), XD005 '
  'transfer_wrong_status, VL001. Source: issue 15 "/transfer_data (target empty, or both consent to a merge)".';
--! EndIncluded cards/answer_data_transfer.sql
--! Included cards/cancel_data_transfer.sql
create or replace function app_public.cancel_data_transfer(transfer_id uuid)
returns app_public.card_data_transfers
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_me app_public.users := app_private.current_member();
  v app_public.card_data_transfers;
begin
  select * into v from app_public.card_data_transfers t where t.id = cancel_data_transfer.transfer_id for update;
  if v.id is null or v.from_user_id <> v_me.id then
    perform app_private.raise_error('XD004', 'transfer_not_found', jsonb_build_object('transfer_id', transfer_id));
  end if;
  if v.status not in ('awaiting_target', 'awaiting_staff') then
    perform app_private.raise_error('XD005', 'transfer_wrong_status', jsonb_build_object('status', v.status));
  end if;
  update app_public.card_data_transfers t set status = 'cancelled', decided_at = now() where t.id = v.id returning * into v;
  return v;
end;
$$;

comment on function app_public.cancel_data_transfer(uuid) is
  'The requester withdraws a /transfer_data request not decided yet. Errors: AU001, MB001, XD004 transfer_not_found, '
  'XD005 transfer_wrong_status. Source: issue 15 "/transfer_data".';
--! EndIncluded cards/cancel_data_transfer.sql
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
  return jsonb_build_object('cards_moved', v_cards, 'from_before', v_before, 'to_before', v_to_before,
    'from_after', app_private.card_holdings(v_from.id), 'to_after', app_private.card_holdings(v_to.id));
end;
$$;

comment on function app_private.execute_data_transfer(uuid, timestamptz) is
  'Carries out an approved /transfer_data: locks both members (id order), refuses while the requester has active card '
  'listings or open trades (XD006 transfer_blocked) or when a move''s target is no longer empty (XD007 '
  'target_not_empty: a merge needs its owner''s consent), or either account is frozen (FZ001); then every live copy '
  'changes owner, the wishlist joins the target''s, and each non-zero wallet balance moves by one ledger transfer '
  '(reason data_transfer). Pending holds stay with their hold. Returns the holdings of both before and after. '
  'Source: issue 15 "/transfer_data"; seed 002 "Transfer data".';
--! EndIncluded cards/execute_data_transfer.sql
--! Included cards/decide_data_transfer.sql
create or replace function app_public.decide_data_transfer(transfer_id uuid, approve boolean, reason text)
returns app_public.card_data_transfers
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  v app_public.card_data_transfers;
  v_before app_public.card_data_transfers;
  v_result jsonb;
begin
  if reason is null or length(btrim(reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  if approve is null then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'approve'));
  end if;
  select * into v_before from app_public.card_data_transfers t
   where t.id = decide_data_transfer.transfer_id and t.guild_id = app_public.current_guild_id() for update;
  if v_before.id is null then
    perform app_private.raise_error('XD004', 'transfer_not_found', jsonb_build_object('transfer_id', transfer_id));
  end if;
  if app_public.current_discord_id() in (select u.discord_id from app_public.users u where u.id in (v_before.from_user_id, v_before.to_user_id)) then
    perform app_private.raise_error('PD002', 'self_action_forbidden');
  end if;
  if v_before.status <> 'awaiting_staff' then
    perform app_private.raise_error('XD005', 'transfer_wrong_status', jsonb_build_object('status', v_before.status));
  end if;
  if approve then
    v_result := app_private.execute_data_transfer(v_before.id, now());
  end if;
  update app_public.card_data_transfers t
     set status = case when approve then 'done' else 'rejected' end, decided_at = now(),
         decided_by = app_public.current_discord_id(), reason = decide_data_transfer.reason,
         summary = coalesce(v_result, t.summary)
   where t.id = v_before.id returning * into v;
  perform app_private.card_audit(v.guild_id, case when approve then 'approve_data_transfer' else 'reject_data_transfer' end,
    'card_data_transfer', v.id::text,
    jsonb_build_object('status', v_before.status, 'from', coalesce(v_result -> 'from_before', v_before.summary -> 'from'),
      'to', coalesce(v_result -> 'to_before', v_before.summary -> 'to')),
    jsonb_build_object('status', v.status, 'from', v_result -> 'from_after', 'to', v_result -> 'to_after'),
    reason);
  insert into app_public.card_notifications (guild_id, user_id, kind, payload)
    select v.guild_id, u, 'data_transfer', jsonb_build_object('transfer_id', v.id, 'status', v.status, 'cards', v_result -> 'cards_moved')
      from unnest(array[v.from_user_id, v.to_user_id]) u;
  return v;
end;
$$;

comment on function app_public.decide_data_transfer(uuid, boolean, text) is
  'Staff (SUPERADMIN, ADMIN, OPERATOR) approve a /transfer_data request waiting for them (the move happens in this '
  'transaction: execute_data_transfer) or reject it; audited with both accounts'' holdings before and after; both '
  'members are told. Never for a transfer from or to the staff member''s own account. Errors: AU001, PD001, RS001 '
  'reason_required, VL001, XD004 transfer_not_found, PD002 self_action_forbidden, XD005 transfer_wrong_status, XD006 '
  'transfer_blocked, XD007 target_not_empty, FZ001. Source: issue 15 "/transfer_data ... staff-approved, audited".';
--! EndIncluded cards/decide_data_transfer.sql
--! Included cards/expire_data_transfers.sql
create or replace function app_hidden.expire_data_transfers(p_at timestamptz default now())
returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_n integer;
begin
  with due as (
    update app_public.card_data_transfers t set status = 'expired', decided_at = p_at
     where t.status in ('awaiting_target', 'awaiting_staff') and t.expires_at <= p_at
    returning t.id, t.guild_id, t.from_user_id
  ), told as (
    insert into app_public.card_notifications (guild_id, user_id, kind, payload, created_at)
      select d.guild_id, d.from_user_id, 'data_transfer', jsonb_build_object('transfer_id', d.id, 'status', 'expired'), p_at
        from due d
  )
  select count(*) into v_n from due;
  return v_n;
end;
$$;

comment on function app_hidden.expire_data_transfers(timestamptz) is
  'Job (worker, cards__expire): /transfer_data requests not decided by their expiry close as expired (nothing moved); '
  'the requester is told. Returns how many expired. Source: issue 15 "/transfer_data".';
--! EndIncluded cards/expire_data_transfers.sql
--! Included cards/ensure_card_catalogue.sql
create or replace function app_private.ensure_card_catalogue(p_guild_id bigint)
returns void
language plpgsql
as $$
begin
  insert into app_public.card_settings (guild_id) values (p_guild_id) on conflict do nothing;
  insert into app_public.pack_types (guild_id, code, name, command, cards_per_pack, rate_common, rate_rare, rate_epic,
      rate_legendary, rate_mythic, cooldown_s, daily_free, guarantee)
    values (p_guild_id, 'standard-3', 'Standard pack', 'openpack', 3, 6200, 2300, 1000, 400, 100, 420, 1, null),
           (p_guild_id, 'premium-5', 'Premium pack', 'openpack', 5, 4500, 3000, 1500, 800, 200, 420, 0, 'epic'),
           (p_guild_id, 'single', 'Single draw', 'draw', 1, 6200, 2300, 1000, 400, 100, 120, 3, null)
    on conflict (guild_id, code) do nothing;
  insert into app_public.pack_costs (guild_id, pack_type_id, currency, amount)
    select p_guild_id, p.id, c.currency, c.amount
      from app_public.pack_types p
      join (values ('standard-3', 'NOTE', 200), ('standard-3', 'DISC', 1), ('premium-5', 'DISC', 5), ('premium-5', 'GEM', 1),
                   ('single', 'NOTE', 50)) c (code, currency, amount) on c.code = p.code
     where p.guild_id = p_guild_id
    on conflict do nothing;
  insert into app_public.card_missions (guild_id, code, name, period, metric, target, reward_currency, reward_amount)
    select p_guild_id, m.* from (values
        ('daily-open', 'Open 2 packs', 'daily', 'packs_opened', 2, 'NOTE', 100::bigint),
        ('daily-draw', 'Draw 3 cards', 'daily', 'cards_drawn', 3, 'NOTE', 50),
        ('weekly-collect', 'Collect 15 cards', 'weekly', 'cards_collected', 15, 'DISC', 2),
        ('weekly-trade', 'Complete a trade', 'weekly', 'trades_done', 1, 'DISC', 1),
        ('weekly-market', 'Sell 2 cards on the market', 'weekly', 'cards_sold', 2, 'DISC', 1)) m (code, name, period, metric, target, currency, amount)
     where m.currency = any ((select s.currencies from app_public.card_settings s where s.guild_id = p_guild_id) || '{COIN}'::text[])
    on conflict (guild_id, code) do nothing;
  insert into app_public.card_achievements (guild_id, code, name, description, metric, threshold, reward_currency, reward_amount)
    select p_guild_id, a.code, a.name, a.description, a.metric, a.threshold,
           case when a.currency = any ((select s.currencies from app_public.card_settings s where s.guild_id = p_guild_id) || '{}'::text[]) then a.currency end,
           case when a.currency = any ((select s.currencies from app_public.card_settings s where s.guild_id = p_guild_id) || '{}'::text[]) then a.amount end
      from (values
        ('first-pack', 'First pack', 'Open your first pack.', 'packs_opened', 1::bigint, 'NOTE', 50::bigint),
        ('collector-50', 'Collector', 'Collect 50 cards.', 'cards_collected', 50, 'DISC', 3),
        ('collector-250', 'Archivist', 'Collect 250 cards.', 'cards_collected', 250, 'GEM', 1),
        ('legendary', 'Golden pull', 'Pull a legendary or mythic card.', 'legendary_pulled', 1, 'DISC', 1),
        ('mythic', 'Myth maker', 'Pull a mythic card.', 'mythic_pulled', 1, 'GEM', 1),
        ('trader-10', 'Trader', 'Complete 10 trades.', 'trades_done', 10, 'DISC', 2),
        ('merchant-10', 'Merchant', 'Sell 10 cards on the market.', 'cards_sold', 10, 'DISC', 2),
        ('burner-25', 'Pyromaniac', 'Burn 25 cards.', 'cards_burned', 25, null, null)) a (code, name, description, metric, threshold, currency, amount)
    on conflict (guild_id, code) do nothing;
  perform app_private.fair_seed_for(p_guild_id);
end;
$$;

comment on function app_private.ensure_card_catalogue(bigint) is
  'Gives a guild its card settings, the default pack types (standard-3: 3 cards, common 62 %, rare 23 %, epic 10 %, '
  'legendary 4 %, mythic 1 %, 1 free a day or 200 Notes or 1 Disc, 7 min cooldown; premium-5: 5 cards with an epic or '
  'better guaranteed, 5 Discs or 1 Gem; single: the /draw pack, 3 free a day then 50 Notes, 2 min cooldown), the '
  'default missions (daily: open 2 packs, draw 3 cards; weekly: collect 15 cards, complete a trade, sell 2 cards) and '
  'achievements (first pack, 50 and 250 cards, a legendary, a mythic, 10 trades, 10 sales, 25 burns), their rewards '
  'only in currencies the guild uses, and its first server seed; idempotent. Source: issue 15 "Packs" (the seed''s defaults), "Missions ... and achievements".';
--! EndIncluded cards/ensure_card_catalogue.sql
--! Included cards/card_missions.policies.sql
-- Row-level security of app_public.card_missions: who reads (and, where granted, writes) which rows.

-- Public within the guild; OPERATOR+ edit them (column grants, _050_require_staff, _900_audit).
drop policy if exists card_missions_guild on app_public.card_missions;
create policy card_missions_guild on app_public.card_missions for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));

drop policy if exists card_missions_staff_insert on app_public.card_missions;
create policy card_missions_staff_insert on app_public.card_missions for insert to coins_staff
  with check (guild_id = (select app_public.current_guild_id()));

drop policy if exists card_missions_staff_update on app_public.card_missions;
create policy card_missions_staff_update on app_public.card_missions for update to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null)
  with check (guild_id = (select app_public.current_guild_id()));
--! EndIncluded cards/card_missions.policies.sql
--! Included cards/card_mission_progress.policies.sql
-- Row-level security of app_public.card_mission_progress: who reads which rows (written by rules and jobs only).

-- A member reads their own rows; staff read the guild's.
drop policy if exists card_mission_progress_self on app_public.card_mission_progress;
create policy card_mission_progress_self on app_public.card_mission_progress for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and user_id = (select u.id from app_public.users u
                        where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id()));

drop policy if exists card_mission_progress_staff on app_public.card_mission_progress;
create policy card_mission_progress_staff on app_public.card_mission_progress for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded cards/card_mission_progress.policies.sql
--! Included cards/card_achievements.policies.sql
-- Row-level security of app_public.card_achievements: who reads (and, where granted, writes) which rows.

-- Public within the guild; OPERATOR+ edit them (column grants, _050_require_staff, _900_audit).
drop policy if exists card_achievements_guild on app_public.card_achievements;
create policy card_achievements_guild on app_public.card_achievements for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));

drop policy if exists card_achievements_staff_insert on app_public.card_achievements;
create policy card_achievements_staff_insert on app_public.card_achievements for insert to coins_staff
  with check (guild_id = (select app_public.current_guild_id()));

drop policy if exists card_achievements_staff_update on app_public.card_achievements;
create policy card_achievements_staff_update on app_public.card_achievements for update to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null)
  with check (guild_id = (select app_public.current_guild_id()));
--! EndIncluded cards/card_achievements.policies.sql
--! Included cards/card_stats.policies.sql
-- Row-level security of app_public.card_stats: who reads which rows (written by rules and jobs only).

-- A member reads their own rows; staff read the guild's.
drop policy if exists card_stats_self on app_public.card_stats;
create policy card_stats_self on app_public.card_stats for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and user_id = (select u.id from app_public.users u
                        where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id()));

drop policy if exists card_stats_staff on app_public.card_stats;
create policy card_stats_staff on app_public.card_stats for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded cards/card_stats.policies.sql
--! Included cards/user_achievements.policies.sql
-- Row-level security of app_public.user_achievements: who reads which rows (written by rules and jobs only).

-- A member reads their own rows; staff read the guild's.
drop policy if exists user_achievements_self on app_public.user_achievements;
create policy user_achievements_self on app_public.user_achievements for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and user_id = (select u.id from app_public.users u
                        where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id()));

drop policy if exists user_achievements_staff on app_public.user_achievements;
create policy user_achievements_staff on app_public.user_achievements for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded cards/user_achievements.policies.sql
--! Included cards/card_data_transfers.policies.sql
-- Row-level security of app_public.card_data_transfers: who reads which rows (written by rules and jobs only).

-- The two members of a transfer read it; staff read the guild's.
drop policy if exists card_data_transfers_parties on app_public.card_data_transfers;
create policy card_data_transfers_parties on app_public.card_data_transfers for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and (select u.id from app_public.users u
                        where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id()) in (from_user_id, to_user_id));

drop policy if exists card_data_transfers_staff on app_public.card_data_transfers;
create policy card_data_transfers_staff on app_public.card_data_transfers for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded cards/card_data_transfers.policies.sql

create trigger _500_progress after insert on app_public.pack_openings
  for each row execute function app_private.tg_cards__progress();
create trigger _500_progress after insert on app_public.card_draws
  for each row when (new.opening_id is null) execute function app_private.tg_cards__progress();
create trigger _500_progress after insert on app_public.user_cards
  for each row when (new.origin <> 'admin') execute function app_private.tg_cards__progress();
create trigger _501_progress_burn after update of burn_reason on app_public.user_cards
  for each row when (old.burn_reason is null and new.burn_reason = 'burned') execute function app_private.tg_cards__progress();
create trigger _500_progress after update of status on app_public.card_listings
  for each row when (old.status = 'active' and new.status = 'sold') execute function app_private.tg_cards__progress();
create trigger _500_progress after update of status on app_public.card_trades
  for each row when (old.status = 'open' and new.status = 'done') execute function app_private.tg_cards__progress();
create trigger _500_deliver after insert on app_public.card_notifications
  for each row execute function app_private.tg_card_notifications__deliver();

create trigger _200_check_reward before insert or update on app_public.card_missions
  for each row execute function app_private.tg_card_rewards__check();
create trigger _200_check_reward before insert or update on app_public.card_achievements
  for each row execute function app_private.tg_card_rewards__check();
create trigger _050_require_staff before insert or update or delete on app_public.card_missions
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');
create trigger _050_require_staff before insert or update or delete on app_public.card_achievements
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');
create trigger _900_audit after insert or update or delete on app_public.card_missions
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('card_mission', 'id');
create trigger _900_audit after insert or update or delete on app_public.card_achievements
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('card_achievement', 'id');

alter table app_public.card_missions enable row level security;
alter table app_public.card_mission_progress enable row level security;
alter table app_public.card_achievements enable row level security;
alter table app_public.card_stats enable row level security;
alter table app_public.user_achievements enable row level security;
alter table app_public.card_data_transfers enable row level security;

grant select on app_public.card_missions, app_public.card_mission_progress, app_public.card_achievements,
  app_public.card_stats, app_public.user_achievements, app_public.card_data_transfers to coins_player, coins_staff;
grant insert (guild_id, code, name, period, metric, target, reward_currency, reward_amount, active),
  update (name, target, reward_currency, reward_amount, active) on app_public.card_missions to coins_staff;
grant insert (guild_id, code, name, description, metric, threshold, reward_currency, reward_amount, active),
  update (name, description, threshold, reward_currency, reward_amount, active) on app_public.card_achievements to coins_staff;

grant execute on function app_public.my_missions(timestamptz), app_public.my_achievements() to coins_player, coins_staff;
grant execute on function app_public.request_data_transfer(bigint, text), app_public.answer_data_transfer(uuid, boolean)
  to coins_player;
grant execute on function app_public.cancel_data_transfer(uuid) to coins_player;
grant execute on function app_public.decide_data_transfer(uuid, boolean, text) to coins_staff;
grant execute on function app_hidden.pay_card_rewards(timestamptz), app_hidden.expire_pack_openings(timestamptz),
  app_hidden.expire_data_transfers(timestamptz), app_hidden.discord_card_notice(bigint),
  app_hidden.card_notice_delivered(bigint, text, text) to coins_worker;

-- Every guild gets the default missions and achievements (new guilds get them from ensure_card_catalogue).
select app_private.ensure_card_catalogue(id) from app_public.guilds;
