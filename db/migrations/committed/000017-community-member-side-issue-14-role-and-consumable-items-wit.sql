--! Previous: sha1:4b7d2130abebfdcdc2331f9142548314df6ef3a2
--! Hash: sha1:c60b4f6a28a8ec1b5948d289e16fe6493a443eed
--! Message: Community member side (issue 14): role and consumable items with /use and /inventory, timed roles removed by a job, market pages and my listings, member DM notifications, badges by rule, leaderboard seasons

-- Issue 14 (seed 003), the member side: role and consumable shop items with /use and /inventory, market
-- self-service queries, member notifications by DM, badges by rule and leaderboard seasons.
-- No trigger on transactions, transfers or accounts: the effects hang off orders, task claims and jobs.

-- Re-runnable: drop what this migration creates (in dependency order).
drop trigger if exists _510_member_effects on app_public.orders;
drop trigger if exists _520_badges on app_public.task_claims;
drop trigger if exists _510_badges on app_public.guilds;
drop table if exists app_public.season_standings cascade;
drop table if exists app_public.seasons cascade;
drop table if exists app_public.member_badges cascade;
drop table if exists app_public.badges cascade;
drop table if exists app_public.notifications cascade;
drop table if exists app_public.notification_settings cascade;
drop table if exists app_public.role_grants cascade;
drop table if exists app_public.item_uses cascade;
drop type if exists app_public.item_use_result cascade;
drop type if exists app_public.season_entry cascade;
drop type if exists app_public.notification_preferences cascade;
drop type if exists app_public.inventory_item cascade;
drop type if exists app_public.market_listing cascade;

-- Role and consumable items -------------------------------------------------------------------------------------------
alter table app_public.rewards
  add column if not exists role_id bigint,
  add column if not exists role_action text,
  add column if not exists role_duration_s integer,
  add column if not exists consumable boolean not null default false,
  add column if not exists use_message text;
alter table app_public.rewards drop constraint if exists rewards_role_check;
alter table app_public.rewards add constraint rewards_role_check check (
  (role_id is null) = (role_action is null)
  and (role_id is null or role_id > 0)
  and (role_action is null or role_action in ('grant', 'remove'))
  and (role_duration_s is null or (role_action = 'grant' and role_duration_s between 60 and 31536000))
  and length(use_message) <= 500);
comment on column app_public.rewards.role_id is 'A Discord role the item grants or removes (with role_action), at purchase or, for a consumable, on /use.';
comment on column app_public.rewards.role_action is 'grant or remove: what the item does to role_id.';
comment on column app_public.rewards.role_duration_s is 'For a granted role: how long it lasts (seconds, 60 s to 1 year); a job removes it when it ends; null: for good.';
comment on column app_public.rewards.consumable is 'Kept in the inventory until the member runs /use (then one unit is consumed and its effect applied); otherwise a role item takes effect when its order is fulfilled.';
comment on column app_public.rewards.use_message is 'What /use answers (null or empty: nothing but the effect).';
grant insert (role_id, role_action, role_duration_s, consumable, use_message),
      update (role_id, role_action, role_duration_s, consumable, use_message) on app_public.rewards to coins_staff;

create table app_public.item_uses (
  id bigint generated always as identity primary key,
  guild_id bigint not null references app_public.guilds (id),
  user_id bigint not null references app_public.users (id),
  sku text not null,
  qty integer not null default 1 check (qty > 0),
  order_id uuid references app_public.orders (order_id),
  created_at timestamptz not null default now()
);
create index item_uses_user_idx on app_public.item_uses (user_id, created_at desc);
create index item_uses_guild_idx on app_public.item_uses (guild_id);
create index item_uses_order_idx on app_public.item_uses (order_id) where order_id is not null;
create unique index item_uses_order_sku_idx on app_public.item_uses (order_id, sku) where order_id is not null;
alter table app_public.item_uses enable row level security;
comment on table app_public.item_uses is E'@behavior -insert -update -delete\nOne use of an item: a /use of a consumable, or a role item taking effect at its order''s fulfilment (order_id).';
grant select on app_public.item_uses to coins_player, coins_staff;

create table app_public.role_grants (
  id bigint generated always as identity primary key,
  guild_id bigint not null references app_public.guilds (id),
  user_id bigint not null references app_public.users (id),
  role_id bigint not null check (role_id > 0),
  action text not null check (action in ('grant', 'remove')),
  sku text not null,
  use_id bigint not null references app_public.item_uses (id),
  status text not null default 'pending' check (status in ('pending', 'applied', 'failed')),
  expires_at timestamptz,
  removal_status text not null default 'none' check (removal_status in ('none', 'pending', 'removed', 'failed', 'superseded')),
  error text check (length(error) <= 500),
  applied_at timestamptz,
  removed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (expires_at is null or action = 'grant'),
  check (removal_status = 'none' or expires_at is not null)
);
create index role_grants_user_idx on app_public.role_grants (user_id, role_id);
create index role_grants_guild_idx on app_public.role_grants (guild_id);
create index role_grants_use_idx on app_public.role_grants (use_id);
create index role_grants_due_idx on app_public.role_grants (expires_at) where removal_status = 'none' and expires_at is not null;
alter table app_public.role_grants enable row level security;
comment on table app_public.role_grants is E'@behavior -insert -update -delete\nA Discord role an item grants or removes: applied once by discord__role (status), and a timed grant removed once by discord__role_remove when it ends (removal_status).';
grant select on app_public.role_grants to coins_player, coins_staff;
create trigger _100_timestamps before insert or update on app_public.role_grants
  for each row execute function app_private.tg__timestamps();

-- Notifications -------------------------------------------------------------------------------------------------------
create table app_public.notification_settings (
  user_id bigint primary key references app_public.users (id),
  guild_id bigint not null references app_public.guilds (id),
  listing_sold boolean not null default true,
  order_fulfilled boolean not null default false,
  order_refunded boolean not null default true,
  task_reviewed boolean not null default true,
  badge_awarded boolean not null default true,
  role_expired boolean not null default false,
  updated_at timestamptz not null default now(),
  created_at timestamptz not null default now()
);
create index notification_settings_guild_idx on app_public.notification_settings (guild_id);
alter table app_public.notification_settings enable row level security;
comment on table app_public.notification_settings is E'@behavior -insert -update -delete\nWhich DMs a member wants, per kind (set_notification). Without a row the defaults hold: on, except the noisy order_fulfilled and role_expired.';
grant select on app_public.notification_settings to coins_player, coins_staff;
create trigger _100_timestamps before insert or update on app_public.notification_settings
  for each row execute function app_private.tg__timestamps();

create table app_public.notifications (
  id bigint generated always as identity primary key,
  guild_id bigint not null references app_public.guilds (id),
  user_id bigint not null references app_public.users (id),
  kind text not null check (kind in ('listing_sold', 'order_fulfilled', 'order_refunded', 'badge_awarded', 'role_expired')),
  subject text not null check (length(subject) between 1 and 100),
  payload jsonb not null default '{}' check (jsonb_typeof(payload) = 'object'),
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  error text check (length(error) <= 500),
  sent_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (user_id, kind, subject)
);
create index notifications_guild_idx on app_public.notifications (guild_id, created_at desc);
alter table app_public.notifications enable row level security;
comment on table app_public.notifications is E'@behavior -insert -update -delete\nA DM to a member (one per member, kind and subject: never doubled), delivered by discord__notify; a failed DM is recorded (status failed) after at most 3 attempts. Task reviews keep their own DM (task_claims.dm_status), gated by the same setting.';
grant select on app_public.notifications to coins_player, coins_staff;
create trigger _100_timestamps before insert or update on app_public.notifications
  for each row execute function app_private.tg__timestamps();

-- Badges --------------------------------------------------------------------------------------------------------------
create table app_public.badges (
  guild_id bigint not null references app_public.guilds (id),
  code text not null check (code ~ '^[a-z0-9][a-z0-9_]{0,31}$'),
  name text not null check (length(btrim(name)) between 1 and 40),
  description text not null default '' check (length(description) <= 200),
  emoji text not null default '' check (length(emoji) <= 16),
  rule text not null check (rule in ('sales', 'purchases', 'daily_streak', 'tasks_done', 'season_top')),
  threshold integer not null check (threshold between 1 and 100000),
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (guild_id, code)
);
alter table app_public.badges enable row level security;
comment on table app_public.badges is E'@behavior -delete\nA guild''s badges and the SQL rule that awards each: sales (fulfilled market sales >= threshold), purchases (fulfilled orders), daily_streak (streak days), tasks_done (accepted task claims), season_top (final season rank <= threshold). OPERATOR+ edit them.';
grant select on app_public.badges to coins_player, coins_staff;
grant insert (guild_id, code, name, description, emoji, rule, threshold, enabled),
      update (name, description, emoji, threshold, enabled) on app_public.badges to coins_staff;
create trigger _050_require_staff before insert or update or delete on app_public.badges
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');
create trigger _100_timestamps before insert or update on app_public.badges
  for each row execute function app_private.tg__timestamps();
create trigger _900_audit after insert or update or delete on app_public.badges
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('badge', 'code');

create table app_public.member_badges (
  guild_id bigint not null,
  user_id bigint not null references app_public.users (id),
  badge_code text not null,
  awarded_at timestamptz not null default now(),
  detail jsonb not null default '{}' check (jsonb_typeof(detail) = 'object'),
  primary key (user_id, badge_code),
  foreign key (guild_id, badge_code) references app_public.badges (guild_id, code) on delete cascade
);
create index member_badges_guild_idx on app_public.member_badges (guild_id, badge_code);
alter table app_public.member_badges enable row level security;
comment on table app_public.member_badges is E'@behavior -insert -update -delete\nThe badges a member earned (once each), awarded by app_private.award_badges and the season archive.';
grant select on app_public.member_badges to coins_player, coins_staff;

-- Seasons -------------------------------------------------------------------------------------------------------------
create table app_public.seasons (
  id bigint generated always as identity primary key,
  guild_id bigint not null references app_public.guilds (id),
  number integer not null check (number >= 1),
  name text not null check (length(btrim(name)) between 1 and 60),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  length_days integer not null check (length_days between 1 and 366),
  auto_renew boolean not null default true,
  status text not null default 'active' check (status in ('active', 'archived')),
  archived_at timestamptz,
  created_by bigint,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (guild_id, number),
  check (ends_at > starts_at),
  check ((status = 'archived') = (archived_at is not null))
);
create unique index seasons_one_active_idx on app_public.seasons (guild_id) where status = 'active';
create index seasons_due_idx on app_public.seasons (ends_at) where status = 'active';
alter table app_public.seasons enable row level security;
comment on table app_public.seasons is E'@behavior -insert -update -delete\nLeaderboard seasons: a member''s season score is what they earned since the season started (lifetime_earned minus its baseline); the seasons__rollover job archives an ended season (final ranks) and, with auto_renew, starts the next.';
grant select on app_public.seasons to coins_player, coins_staff;
create trigger _100_timestamps before insert or update on app_public.seasons
  for each row execute function app_private.tg__timestamps();

create table app_public.season_standings (
  season_id bigint not null references app_public.seasons (id),
  guild_id bigint not null references app_public.guilds (id),
  user_id bigint not null references app_public.users (id),
  baseline bigint not null default 0 check (baseline >= 0),
  final_score bigint,
  final_rank integer check (final_rank >= 1),
  primary key (season_id, user_id),
  check ((final_score is null) = (final_rank is null))
);
create index season_standings_guild_idx on app_public.season_standings (guild_id);
create index season_standings_user_idx on app_public.season_standings (user_id);
create index season_standings_rank_idx on app_public.season_standings (season_id, final_rank) where final_rank is not null;
alter table app_public.season_standings enable row level security;
comment on table app_public.season_standings is E'@behavior -insert -update -delete\nA member in a season: lifetime_earned when the season started (baseline) and, once archived, the final score and rank.';
grant select on app_public.season_standings to coins_player, coins_staff;

-- Composite results -----------------------------------------------------------------------------------------------------
create type app_public.item_use_result as (use_id bigint, sku text, name text, remaining integer, role_id bigint,
  role_action text, role_expires_at timestamptz, message text);
create type app_public.inventory_item as (sku text, name text, description text, quantity integer, consumable boolean,
  tradable boolean, role_id bigint, role_action text, role_duration_s integer, listed integer);
create type app_public.notification_preferences as (listing_sold boolean, order_fulfilled boolean, order_refunded boolean,
  task_reviewed boolean, badge_awarded boolean, role_expired boolean);
create type app_public.season_entry as (rank integer, discord_id bigint, display_name text, score bigint);
create type app_public.market_listing as (listing_id uuid, sku text, name text, seller_discord_id bigint,
  seller_name text, qty_available integer, unit_price bigint, expires_at timestamptz, created_at timestamptz, total bigint);
do $$
begin
  if not exists (select 1 from pg_attribute where attrelid = 'app_public.member_card'::regclass and attname = 'season_name') then
    alter type app_public.member_card add attribute season_name text;
    alter type app_public.member_card add attribute season_score bigint;
  end if;
end $$;

-- Rules ---------------------------------------------------------------------------------------------------------------
--! Included items/queue_member_job.sql
create or replace function app_private.queue_member_job(p_guild_id bigint, p_task text, p_payload jsonb, p_key text,
  p_max_attempts integer)
returns void
language plpgsql volatile set search_path = pg_catalog, public, pg_temp
as $$
begin
  if exists (select 1 from app_public.guild_discord g where g.guild_id = p_guild_id) then
    perform graphile_worker.add_job(p_task, p_payload::json, queue_name := 'discord:' || p_guild_id, job_key := p_key,
      max_attempts := p_max_attempts);
  end if;
end;
$$;

comment on function app_private.queue_member_job(bigint, text, jsonb, text, integer) is
  'Queues a discord__* job about one member (a role grant or removal, a DM) for the bot''s runner when the guild has '
  'the bot, in the guild''s own queue, with a job key per subject (never doubled) and p_max_attempts (a DM 3, so a '
  'failure is recorded instead of retried forever). Source: issue 14.';
--! EndIncluded items/queue_member_job.sql
--! Included notifications/notification_enabled.sql
create or replace function app_private.notification_enabled(p_user_id bigint, p_kind text) returns boolean
language sql stable
as $$
  select coalesce(
    (select case p_kind when 'listing_sold' then s.listing_sold when 'order_fulfilled' then s.order_fulfilled
                        when 'order_refunded' then s.order_refunded when 'task_reviewed' then s.task_reviewed
                        when 'badge_awarded' then s.badge_awarded when 'role_expired' then s.role_expired end
       from app_public.notification_settings s where s.user_id = p_user_id),
    -- The defaults: noisy kinds (every fulfilled order, every expired role) off, the rest on.
    p_kind in ('listing_sold', 'order_refunded', 'task_reviewed', 'badge_awarded'));
$$;

comment on function app_private.notification_enabled(bigint, text) is
  'Whether a member wants DMs of a kind: their notification_settings, else the default (on, except the noisy '
  'order_fulfilled and role_expired). Source: issue 14 ("a member setting, off by default for noisy ones").';
--! EndIncluded notifications/notification_enabled.sql
--! Included notifications/notify.sql
create or replace function app_private.notify(p_user_id bigint, p_kind text, p_subject text, p_payload jsonb,
  p_at timestamptz default now())
returns bigint
language plpgsql volatile
as $$
declare
  v_id bigint;
  v_guild bigint;
begin
  if not app_private.notification_enabled(p_user_id, p_kind) then
    return null;
  end if;
  select u.guild_id into v_guild from app_public.users u where u.id = p_user_id and not u.is_bot;
  -- No bot in the guild: there is nobody to send the DM.
  if v_guild is null or not exists (select 1 from app_public.guild_discord g where g.guild_id = v_guild) then
    return null;
  end if;
  insert into app_public.notifications (guild_id, user_id, kind, subject, payload, created_at, updated_at)
    values (v_guild, p_user_id, p_kind, p_subject, coalesce(p_payload, '{}'), p_at, p_at)
    on conflict (user_id, kind, subject) do nothing
    returning id into v_id;
  if v_id is not null then
    perform app_private.queue_member_job(v_guild, 'discord__notify', jsonb_build_object('notification_id', v_id),
      'discord__notify:' || v_id, 3);
  end if;
  return v_id;
end;
$$;

comment on function app_private.notify(bigint, text, text, jsonb, timestamptz) is
  'Queues a DM to a member (discord__notify, at most 3 attempts) when they want that kind and the guild has the bot; '
  'one notification per member, kind and subject, so a replayed event never DMs twice. Returns its id, or null when '
  'nothing is sent. Source: issue 14 ("Member notifications by DM").';
--! EndIncluded notifications/notify.sql
--! Included notifications/my_notification_settings.sql
create or replace function app_public.my_notification_settings() returns app_public.notification_preferences
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users := app_private.current_member();
begin
  return (app_private.notification_enabled(v_user.id, 'listing_sold'),
          app_private.notification_enabled(v_user.id, 'order_fulfilled'),
          app_private.notification_enabled(v_user.id, 'order_refunded'),
          app_private.notification_enabled(v_user.id, 'task_reviewed'),
          app_private.notification_enabled(v_user.id, 'badge_awarded'),
          app_private.notification_enabled(v_user.id, 'role_expired'))::app_public.notification_preferences;
end;
$$;

comment on function app_public.my_notification_settings() is
  'The calling member''s DM settings per kind (their choices, else the defaults). Errors: AU001, MB001. Source: issue 14.';
--! EndIncluded notifications/my_notification_settings.sql
--! Included notifications/set_notification.sql
create or replace function app_public.set_notification(kind text, enabled boolean)
returns app_public.notification_preferences
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users := app_private.current_member();
begin
  if kind is null or kind not in ('listing_sold', 'order_fulfilled', 'order_refunded', 'task_reviewed', 'badge_awarded',
                                  'role_expired') then
    perform app_private.raise_error('NT001', 'unknown_notification', jsonb_build_object('kind', kind));
  end if;
  if enabled is null then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'enabled'));
  end if;
  insert into app_public.notification_settings (user_id, guild_id, listing_sold, order_fulfilled, order_refunded,
      task_reviewed, badge_awarded, role_expired)
    select v_user.id, v_user.guild_id, p.listing_sold, p.order_fulfilled, p.order_refunded, p.task_reviewed,
           p.badge_awarded, p.role_expired
      from app_public.my_notification_settings() p
  on conflict (user_id) do nothing;
  execute format('update app_public.notification_settings set %I = $1 where user_id = $2', kind) using enabled, v_user.id;
  return app_public.my_notification_settings();
end;
$$;

comment on function app_public.set_notification(text, boolean) is
  'The calling member turns one kind of DM on or off (listing_sold, order_fulfilled, order_refunded, task_reviewed, '
  'badge_awarded, role_expired); returns all their settings. Errors: AU001, MB001, NT001 unknown_notification, VL001. '
  'Source: issue 14 ("Member notifications by DM (a member setting ...)").';
--! EndIncluded notifications/set_notification.sql
--! Included notifications/discord_notification.sql
create or replace function app_hidden.discord_notification(p_id bigint) returns jsonb
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select jsonb_build_object('id', n.id::text, 'guild_id', n.guild_id::text, 'member_discord_id', u.discord_id::text,
           'kind', n.kind, 'status', n.status, 'payload', n.payload, 'created_at', n.created_at,
           'guild_name', g.name)
    from app_public.notifications n
    join app_public.users u on u.id = n.user_id
    join app_public.guilds g on g.id = n.guild_id
   where n.id = p_id;
$$;

comment on function app_hidden.discord_notification(bigint) is
  'What discord__notify needs to DM a member (kind, payload, the member''s Discord id, the guild''s name), or null. '
  'Source: issue 14.';
--! EndIncluded notifications/discord_notification.sql
--! Included notifications/record_notification.sql
create or replace function app_hidden.record_notification(p_id bigint, p_sent boolean, p_error text,
  p_at timestamptz default now())
returns boolean
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_found boolean;
begin
  update app_public.notifications n
     set status = case when p_sent then 'sent' else 'failed' end, sent_at = case when p_sent then p_at end,
         error = left(p_error, 500)
   where n.id = p_id and n.status = 'pending';
  get diagnostics v_found = row_count;
  return v_found;
end;
$$;

comment on function app_hidden.record_notification(bigint, boolean, text, timestamptz) is
  'Records a DM''s outcome once (sent, or failed with Discord''s answer: a member who does not accept DMs, or the '
  'last of 3 attempts); false when already recorded. Source: issue 14 ("a failed DM recorded, not retried forever").';
--! EndIncluded notifications/record_notification.sql
--! Included notifications/notification_settings.policies.sql
-- Row-level security of app_public.notification_settings: who reads (and, where granted, writes) which rows.

drop policy if exists notification_settings_self on app_public.notification_settings;
create policy notification_settings_self on app_public.notification_settings for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and user_id = (select u.id from app_public.users u
                        where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id()));

drop policy if exists notification_settings_staff on app_public.notification_settings;
create policy notification_settings_staff on app_public.notification_settings for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded notifications/notification_settings.policies.sql
--! Included notifications/notifications.policies.sql
-- Row-level security of app_public.notifications: who reads (and, where granted, writes) which rows.

drop policy if exists notifications_self on app_public.notifications;
create policy notifications_self on app_public.notifications for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and user_id = (select u.id from app_public.users u
                        where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id()));

drop policy if exists notifications_staff on app_public.notifications;
create policy notifications_staff on app_public.notifications for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded notifications/notifications.policies.sql
--! Included items/apply_item_effect.sql
create or replace function app_private.apply_item_effect(p_use app_public.item_uses, p_at timestamptz default now())
returns app_public.role_grants
language plpgsql volatile
as $$
declare
  v_reward app_public.rewards;
  v_grant app_public.role_grants;
  v_duration interval;
begin
  select * into v_reward from app_public.rewards r where r.guild_id = p_use.guild_id and r.sku = p_use.sku;
  if v_reward.role_id is null then
    return null;
  end if;
  if v_reward.role_duration_s is not null then
    v_duration := make_interval(secs => v_reward.role_duration_s::double precision * p_use.qty);
    -- The same timed role still running: extend it (from its end) instead of a second grant that would end first.
    update app_public.role_grants g
       set expires_at = greatest(g.expires_at, p_at) + v_duration
     where g.id = (select g2.id from app_public.role_grants g2
                    where g2.user_id = p_use.user_id and g2.role_id = v_reward.role_id and g2.action = 'grant'
                      and g2.status in ('pending', 'applied') and g2.removal_status = 'none' and g2.expires_at > p_at
                    order by g2.expires_at desc limit 1 for update)
    returning * into v_grant;
    if v_grant.id is not null then
      return v_grant;
    end if;
  end if;
  insert into app_public.role_grants (guild_id, user_id, role_id, action, sku, use_id, expires_at, created_at, updated_at)
    values (p_use.guild_id, p_use.user_id, v_reward.role_id, v_reward.role_action, p_use.sku, p_use.id,
            p_at + v_duration, p_at, p_at)
    returning * into v_grant;
  return v_grant;
end;
$$;

comment on function app_private.apply_item_effect(app_public.item_uses, timestamptz) is
  'Applies the effect of one item use: when the item grants or removes a Discord role, records a role_grants row '
  '(its trigger queues discord__role, which calls Discord once). A timed grant lasts role_duration_s x the quantity '
  'used; the same timed role still running is extended from its end instead (no second grant that would end first). '
  'Returns the grant (null for an item without a role). Source: issue 14 ("Shop items that grant or remove a Discord '
  'role, optionally for a duration").';
--! EndIncluded items/apply_item_effect.sql
--! Included items/use_item_for.sql
create or replace function app_private.use_item_for(p_user_id bigint, p_sku text, p_key text, p_at timestamptz default now())
returns app_public.item_use_result
language plpgsql volatile
as $$
declare
  v_user app_public.users;
  v_replay jsonb;
  v_reward app_public.rewards;
  v_left integer;
  v_use app_public.item_uses;
  v_grant app_public.role_grants;
  v_result app_public.item_use_result;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'use_item', 'sku', p_sku));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.item_use_result, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  -- A hidden or expired reward can still be used by whoever owns it: only its existence matters.
  select * into v_reward from app_public.rewards r where r.guild_id = v_user.guild_id and r.sku = p_sku;
  if v_reward.sku is null then
    perform app_private.raise_error('IV001', 'item_not_found', jsonb_build_object('sku', p_sku));
  end if;
  if not v_reward.consumable then
    perform app_private.raise_error('IV002', 'item_not_usable', jsonb_build_object('sku', p_sku, 'name', v_reward.name));
  end if;
  v_left := app_private.inventory_take(v_user.id, p_sku, 1);
  insert into app_public.item_uses (guild_id, user_id, sku, qty, created_at)
    values (v_user.guild_id, v_user.id, p_sku, 1, p_at) returning * into v_use;
  v_grant := app_private.apply_item_effect(v_use, p_at);
  v_result := (v_use.id, p_sku, v_reward.name, v_left, v_grant.role_id, v_grant.action, v_grant.expires_at,
               nullif(v_reward.use_message, ''))::app_public.item_use_result;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v_result));
  return v_result;
end;
$$;

comment on function app_private.use_item_for(bigint, text, text, timestamptz) is
  'The /use rule at an explicit time: locks the member, checks the item is a consumable of the guild, takes one unit '
  '(IN001 when they own none) and applies its effect (app_private.apply_item_effect). See app_public.use_item.';
--! EndIncluded items/use_item_for.sql
--! Included items/use_item.sql
create or replace function app_public.use_item(sku text, idempotency_key text) returns app_public.item_use_result
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  if idempotency_key is null then
    perform app_private.raise_error('IK002', 'idempotency_key_invalid', jsonb_build_object('length', null));
  end if;
  return app_private.use_item_for((app_private.current_member()).id, sku, idempotency_key, now());
end;
$$;

comment on function app_public.use_item(text, text) is
  'The calling member uses one unit of a consumable item they own (/use): the unit leaves their inventory and the '
  'item''s effect applies (a Discord role granted, for a while or for good, or removed, by a discord__role job; its '
  'use message). A replay with the same key returns the first result. Errors: AU001, MB001, FZ001, IV001 '
  'item_not_found, IV002 item_not_usable, IN001 insufficient_inventory, IK001/IK002. Source: issue 14 ("consumable '
  'items with /use").';
--! EndIncluded items/use_item.sql
--! Included items/apply_purchase_effects.sql
create or replace function app_private.apply_purchase_effects(p_order app_public.orders, p_at timestamptz default now())
returns integer
language plpgsql volatile
as $$
declare
  v_line record;
  v_use app_public.item_uses;
  v_n integer := 0;
begin
  if p_order.status <> 'fulfilled' then
    return 0;
  end if;
  -- A role item that is not a consumable takes effect when delivered: its units leave the inventory at once (so they
  -- cannot be sold on) and the role is granted or removed. The unique (order, sku) use makes this happen once.
  for v_line in
    select l.sku, sum(l.qty)::int as qty from app_public.order_lines l
      join app_public.rewards r on r.guild_id = l.guild_id and r.sku = l.sku
     where l.order_id = p_order.order_id and r.role_id is not null and not r.consumable
     group by l.sku
  loop
    insert into app_public.item_uses (guild_id, user_id, sku, qty, order_id, created_at)
      values (p_order.guild_id, p_order.buyer_id, v_line.sku, v_line.qty, p_order.order_id, p_at)
      on conflict (order_id, sku) where order_id is not null do nothing
      returning * into v_use;
    continue when v_use.id is null;
    perform app_private.inventory_take(p_order.buyer_id, v_line.sku, v_line.qty);
    perform app_private.apply_item_effect(v_use, p_at);
    v_n := v_n + 1;
  end loop;
  return v_n;
end;
$$;

comment on function app_private.apply_purchase_effects(app_public.orders, timestamptz) is
  'On an order''s fulfilment (the shop, or the market: a role item bought from another member works the same): each role item that is not a consumable takes effect at once (its units leave the '
  'inventory, an item_uses row with the order, the role granted or removed by a discord__role job), exactly once per '
  'order and SKU. Consumables stay in the inventory for /use. Returns the number of effects applied. Source: issue 14.';
--! EndIncluded items/apply_purchase_effects.sql
--! Included items/tg_role_grants__discord.sql
create or replace function app_private.tg_role_grants__discord() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  if new.status = 'pending' and (tg_op = 'INSERT' or old.status is distinct from new.status) then
    perform app_private.queue_member_job(new.guild_id, 'discord__role', jsonb_build_object('grant_id', new.id),
      'discord__role:' || new.id, 10);
  end if;
  if new.removal_status = 'pending' and (tg_op = 'INSERT' or old.removal_status is distinct from new.removal_status) then
    perform app_private.queue_member_job(new.guild_id, 'discord__role_remove', jsonb_build_object('grant_id', new.id),
      'discord__role_remove:' || new.id, 10);
  end if;
  return null;
end;
$$;

comment on function app_private.tg_role_grants__discord() is
  'Trigger (after a role grant is recorded or changes): a pending grant queues discord__role, a pending removal (the '
  'grant''s time is up) queues discord__role_remove; one job key per grant, so a grant or a removal is never doubled. '
  'Source: issue 14 ("Role grant/removal are discord__* jobs (retried, never doubled)").';
--! EndIncluded items/tg_role_grants__discord.sql
--! Included items/expire_role_grants.sql
create or replace function app_hidden.expire_role_grants(p_at timestamptz default now()) returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_n integer;
begin
  with due as (
    select g.id, g.user_id, g.role_id from app_public.role_grants g
     where g.removal_status = 'none' and g.expires_at is not null and g.expires_at <= p_at
     for update skip locked
  )
  update app_public.role_grants g
     set removal_status = case
           -- Never applied (failed): nothing to take back.
           when g.status = 'failed' then 'superseded'
           -- The member holds the same role for good from another grant: keep it.
           when exists (select 1 from app_public.role_grants o
                         where o.user_id = g.user_id and o.role_id = g.role_id and o.id <> g.id and o.action = 'grant'
                           and o.status in ('pending', 'applied') and o.expires_at is null) then 'superseded'
           else 'pending' end
    from due where g.id = due.id;
  get diagnostics v_n = row_count;
  return v_n;
end;
$$;

comment on function app_hidden.expire_role_grants(timestamptz) is
  'The role_grants__expire cron job''s body (every minute): timed role grants whose time is up get their removal queued '
  '(removal_status pending: discord__role_remove takes the role back once), unless the grant never applied or the '
  'member holds the same role for good from another grant (superseded). Returns how many grants ended. Source: '
  'issue 14 ("optionally for a duration, removed by a job when it ends").';
--! EndIncluded items/expire_role_grants.sql
--! Included items/discord_role_grant.sql
create or replace function app_hidden.discord_role_grant(p_grant_id bigint) returns jsonb
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select jsonb_build_object('id', g.id::text, 'guild_id', g.guild_id::text, 'member_discord_id', u.discord_id::text,
           'role_id', g.role_id::text, 'action', g.action, 'sku', g.sku, 'item_name', coalesce(r.name, g.sku),
           'status', g.status, 'removal_status', g.removal_status, 'expires_at', g.expires_at)
    from app_public.role_grants g
    join app_public.users u on u.id = g.user_id
    left join app_public.rewards r on r.guild_id = g.guild_id and r.sku = g.sku
   where g.id = p_grant_id;
$$;

comment on function app_hidden.discord_role_grant(bigint) is
  'What the discord__role and discord__role_remove jobs need about a role grant (member, role, action, states), or '
  'null. Source: issue 14.';
--! EndIncluded items/discord_role_grant.sql
--! Included items/record_role_grant.sql
create or replace function app_hidden.record_role_grant(p_grant_id bigint, p_step text, p_ok boolean, p_error text,
  p_at timestamptz default now())
returns boolean
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_grant app_public.role_grants;
begin
  if p_step = 'apply' then
    update app_public.role_grants g
       set status = case when p_ok then 'applied' else 'failed' end,
           applied_at = case when p_ok then p_at end, error = left(p_error, 500)
     where g.id = p_grant_id and g.status = 'pending'
    returning * into v_grant;
  elsif p_step = 'remove' then
    update app_public.role_grants g
       set removal_status = case when p_ok then 'removed' else 'failed' end,
           removed_at = case when p_ok then p_at end, error = left(p_error, 500)
     where g.id = p_grant_id and g.removal_status = 'pending'
    returning * into v_grant;
    if p_ok and v_grant.id is not null then
      perform app_private.notify(v_grant.user_id, 'role_expired', 'role_grant:' || v_grant.id,
        jsonb_build_object('role_id', v_grant.role_id::text, 'sku', v_grant.sku), p_at);
    end if;
  else
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'step'));
  end if;
  return v_grant.id is not null;
end;
$$;

comment on function app_hidden.record_role_grant(bigint, text, boolean, text, timestamptz) is
  'Records the outcome of a role grant''s Discord call once (step apply: applied or failed; step remove: removed or '
  'failed; a removal tells the member when they want role_expired DMs). Returns false when already recorded (a '
  'retried job changes nothing). Errors: VL001. Source: issue 14.';
--! EndIncluded items/record_role_grant.sql
--! Included items/my_inventory.sql
create or replace function app_public.my_inventory() returns setof app_public.inventory_item
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users := app_private.current_member();
begin
  return query
    select i.sku, coalesce(r.name, i.sku), coalesce(r.description, ''), i.quantity, coalesce(r.consumable, false),
           coalesce(r.tradable, false), r.role_id, r.role_action, r.role_duration_s,
           coalesce((select sum(l.qty_available)::int from app_public.listings l
                      where l.seller_id = v_user.id and l.sku = i.sku and l.status = 'active'), 0)
      from app_public.inventory i
      left join app_public.rewards r on r.guild_id = i.guild_id and r.sku = i.sku
     where i.user_id = v_user.id and i.quantity > 0
     order by coalesce(r.name, i.sku), i.sku;
end;
$$;

comment on function app_public.my_inventory() is
  'The calling member''s items (/inventory): quantity owned, name and description, whether /use applies (consumable) '
  'and what it does (role), whether it can be listed (tradable) and how many units are on the market now. Errors: '
  'AU001, MB001. Source: issue 14 ("the member''s inventory in /inventory").';
--! EndIncluded items/my_inventory.sql
--! Included items/role_grants.policies.sql
-- Row-level security of app_public.role_grants: who reads (and, where granted, writes) which rows.

drop policy if exists role_grants_self on app_public.role_grants;
create policy role_grants_self on app_public.role_grants for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and user_id = (select u.id from app_public.users u
                        where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id()));

drop policy if exists role_grants_staff on app_public.role_grants;
create policy role_grants_staff on app_public.role_grants for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded items/role_grants.policies.sql
--! Included items/item_uses.policies.sql
-- Row-level security of app_public.item_uses: who reads (and, where granted, writes) which rows.

drop policy if exists item_uses_self on app_public.item_uses;
create policy item_uses_self on app_public.item_uses for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and user_id = (select u.id from app_public.users u
                        where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id()));

drop policy if exists item_uses_staff on app_public.item_uses;
create policy item_uses_staff on app_public.item_uses for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded items/item_uses.policies.sql
--! Included badges/ensure_default_badges.sql
create or replace function app_private.ensure_default_badges(p_guild_id bigint) returns integer
language plpgsql volatile
as $$
declare
  v_n integer;
begin
  insert into app_public.badges (guild_id, code, name, description, emoji, rule, threshold)
    values (p_guild_id, 'first_sale', 'First Sale', 'Sold an item on the market.', '🏷️', 'sales', 1),
           (p_guild_id, 'merchant', 'Merchant', 'Made 25 sales on the market.', '💰', 'sales', 25),
           (p_guild_id, 'first_purchase', 'Shopper', 'Received a first order.', '🛍️', 'purchases', 1),
           (p_guild_id, 'streak_7', '7-Day Streak', 'Claimed the daily reward 7 days in a row.', '🔥', 'daily_streak', 7),
           (p_guild_id, 'streak_30', '30-Day Streak', 'Claimed the daily reward 30 days in a row.', '🌟', 'daily_streak', 30),
           (p_guild_id, 'tasks_10', 'Task Master', 'Had 10 community tasks accepted.', '✅', 'tasks_done', 10),
           (p_guild_id, 'season_top3', 'Podium', 'Finished a season in the top 3.', '🏆', 'season_top', 3)
  on conflict (guild_id, code) do nothing;
  get diagnostics v_n = row_count;
  return v_n;
end;
$$;

comment on function app_private.ensure_default_badges(bigint) is
  'Gives a guild the default badges (first sale, merchant, shopper, 7- and 30-day streaks, 10 tasks done, season '
  'podium) that it does not have yet; staff may rename, re-threshold or disable them. Returns how many were added. '
  'Source: issue 14 ("Badges awarded by rules in SQL (first sale, 7-day streak, 10 tasks done, ...)").';
--! EndIncluded badges/ensure_default_badges.sql
--! Included badges/award_badges.sql
create or replace function app_private.award_badges(p_user_id bigint, p_at timestamptz default now()) returns integer
language plpgsql volatile
as $$
declare
  v_user app_public.users;
  v_badge record;
  v_n integer := 0;
  v_need_sales integer;
  v_need_purchases integer;
  v_need_tasks integer;
  v_need_streak integer;
begin
  select * into v_user from app_public.users u where u.id = p_user_id;
  if v_user.id is null or v_user.is_bot then
    return 0;
  end if;
  -- Count only what a badge the member lacks still needs, and no further than its threshold: a busy trader's
  -- fulfilment never counts their whole history.
  select max(b.threshold) filter (where b.rule = 'sales'), max(b.threshold) filter (where b.rule = 'purchases'),
         max(b.threshold) filter (where b.rule = 'tasks_done'), max(b.threshold) filter (where b.rule = 'daily_streak')
    into v_need_sales, v_need_purchases, v_need_tasks, v_need_streak
    from app_public.badges b
   where b.guild_id = v_user.guild_id and b.enabled and b.rule in ('sales', 'purchases', 'tasks_done', 'daily_streak')
     and not exists (select 1 from app_public.member_badges m where m.user_id = v_user.id and m.badge_code = b.code);
  if coalesce(v_need_sales, v_need_purchases, v_need_tasks, v_need_streak) is null then
    return 0;
  end if;
  for v_badge in
    with counts as (
      select
        case when v_need_sales is null then 0 else
          (select count(*) from (select 1 from app_public.orders o
             where o.seller_id = v_user.id and o.kind = 'market' and o.status = 'fulfilled' limit v_need_sales) x) end as sales,
        case when v_need_purchases is null then 0 else
          (select count(*) from (select 1 from app_public.orders o
             where o.buyer_id = v_user.id and o.status = 'fulfilled' limit v_need_purchases) x) end as purchases,
        case when v_need_tasks is null then 0 else
          (select count(*) from (select 1 from app_public.task_claims c
             where c.user_id = v_user.id and c.status = 'accepted' limit v_need_tasks) x) end as tasks_done,
        v_user.streak_days::bigint as daily_streak
    )
    insert into app_public.member_badges (guild_id, user_id, badge_code, awarded_at, detail)
      select b.guild_id, v_user.id, b.code, p_at,
             jsonb_build_object('rule', b.rule, 'threshold', b.threshold,
               'value', case b.rule when 'sales' then c.sales when 'purchases' then c.purchases
                                    when 'tasks_done' then c.tasks_done when 'daily_streak' then c.daily_streak end)
        from app_public.badges b cross join counts c
       where b.guild_id = v_user.guild_id and b.enabled
         and case b.rule when 'sales' then c.sales when 'purchases' then c.purchases
                         when 'tasks_done' then c.tasks_done when 'daily_streak' then c.daily_streak
                         else -1 end >= b.threshold
    on conflict (user_id, badge_code) do nothing
    returning badge_code
  loop
    v_n := v_n + 1;
    perform app_private.notify(v_user.id, 'badge_awarded', 'badge:' || v_badge.badge_code,
      (select jsonb_build_object('code', b.code, 'name', b.name, 'emoji', b.emoji, 'description', b.description)
         from app_public.badges b where b.guild_id = v_user.guild_id and b.code = v_badge.badge_code), p_at);
  end loop;
  return v_n;
end;
$$;

comment on function app_private.award_badges(bigint, timestamptz) is
  'Awards a member every enabled badge of their guild whose rule they now meet and they do not hold yet (once each): '
  'sales = fulfilled market orders they sold, purchases = fulfilled orders they bought, tasks_done = accepted task '
  'claims, daily_streak = current streak days (season_top is awarded by the season archive). Each new badge DMs them '
  '(badge_awarded). Called on the low-frequency events (an order fulfilled, a claim accepted) and by the badges__award '
  'job, never from the ledger; a count stops at the largest threshold still to reach (nothing is counted when the '
  'member holds every badge), so it stays cheap for busy members. Returns how many were awarded. Source: issue 14 ("Badges awarded by rules in SQL").';
--! EndIncluded badges/award_badges.sql
--! Included badges/award_badges_all.sql
create or replace function app_hidden.award_badges_all(p_at timestamptz default now()) returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user bigint;
  v_n integer := 0;
begin
  -- Streaks change with every daily claim (a hot path with no hook): the job catches them. Only members who could
  -- earn a streak badge they lack are looked at.
  for v_user in
    select distinct u.id from app_public.users u
      join app_public.badges b on b.guild_id = u.guild_id and b.enabled and b.rule = 'daily_streak' and u.streak_days >= b.threshold
     where not u.is_bot
       and not exists (select 1 from app_public.member_badges m where m.user_id = u.id and m.badge_code = b.code)
  loop
    v_n := v_n + app_private.award_badges(v_user, p_at);
  end loop;
  return v_n;
end;
$$;

comment on function app_hidden.award_badges_all(timestamptz) is
  'The badges__award cron job''s body (every 10 minutes): awards the streak badges members reached since (and any '
  'other badge those members now meet). Returns how many badges were awarded. Source: issue 14 ("evaluate badges on '
  'the low-frequency events or in a job").';
--! EndIncluded badges/award_badges_all.sql
--! Included badges/tg_guilds__badges.sql
create or replace function app_private.tg_guilds__badges() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app_private.ensure_default_badges(new.id);
  return null;
end;
$$;

comment on function app_private.tg_guilds__badges() is
  'Trigger (after a guild is created): it gets the default badges. Source: issue 14.';
--! EndIncluded badges/tg_guilds__badges.sql
--! Included badges/tg_task_claims__badges.sql
create or replace function app_private.tg_task_claims__badges() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app_private.award_badges(new.user_id, coalesce(new.reviewed_at, now()));
  return null;
end;
$$;

comment on function app_private.tg_task_claims__badges() is
  'Trigger (after a task claim is accepted): the member gets the badges they now deserve (10 tasks done, ...). '
  'Source: issue 14.';
--! EndIncluded badges/tg_task_claims__badges.sql
--! Included badges/badges.policies.sql
-- Row-level security of app_public.badges: who reads (and, where granted, writes) which rows.

drop policy if exists badges_guild on app_public.badges;
-- The catalogue is public within the guild (the card and /badges show it).
create policy badges_guild on app_public.badges for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));

drop policy if exists badges_staff_insert on app_public.badges;
create policy badges_staff_insert on app_public.badges for insert to coins_staff
  with check (guild_id = (select app_public.current_guild_id()));

drop policy if exists badges_staff_update on app_public.badges;
create policy badges_staff_update on app_public.badges for update to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null)
  with check (guild_id = (select app_public.current_guild_id()));
--! EndIncluded badges/badges.policies.sql
--! Included badges/member_badges.policies.sql
-- Row-level security of app_public.member_badges: who reads (and, where granted, writes) which rows.

drop policy if exists member_badges_guild on app_public.member_badges;
-- Badges are shown off: every member of the guild sees who holds which.
create policy member_badges_guild on app_public.member_badges for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));
--! EndIncluded badges/member_badges.policies.sql
--! Included seasons/season_score.sql
create or replace function app_private.season_score(p_season_id bigint, p_user app_public.users) returns bigint
language sql stable
as $$
  select greatest(0, p_user.lifetime_earned - coalesce(
    (select s.baseline from app_public.season_standings s where s.season_id = p_season_id and s.user_id = p_user.id), 0));
$$;

comment on function app_private.season_score(bigint, app_public.users) is
  'A member''s score in a running season: what they earned since it started (lifetime_earned minus the baseline taken '
  'at the start; a member who joined later starts from 0). Source: issue 14 ("seasons for the leaderboard").';
--! EndIncluded seasons/season_score.sql
--! Included seasons/start_season_for.sql
create or replace function app_private.start_season_for(p_guild_id bigint, p_name text, p_length_days integer,
  p_auto_renew boolean, p_by bigint, p_at timestamptz default now())
returns app_public.seasons
language plpgsql volatile
as $$
declare
  v_season app_public.seasons;
begin
  if p_length_days is null or p_length_days not between 1 and 366 then
    perform app_private.raise_error('SN003', 'invalid_season_length', jsonb_build_object('length_days', p_length_days));
  end if;
  if exists (select 1 from app_public.seasons s where s.guild_id = p_guild_id and s.status = 'active') then
    perform app_private.raise_error('SN001', 'season_already_active',
      (select jsonb_build_object('name', s.name, 'ends_at', s.ends_at) from app_public.seasons s
        where s.guild_id = p_guild_id and s.status = 'active'));
  end if;
  insert into app_public.seasons (guild_id, number, name, starts_at, ends_at, length_days, auto_renew, created_by, created_at, updated_at)
    values (p_guild_id,
            coalesce((select max(s.number) from app_public.seasons s where s.guild_id = p_guild_id), 0) + 1,
            coalesce(nullif(btrim(p_name), ''),
                     'Season ' || (coalesce((select max(s.number) from app_public.seasons s where s.guild_id = p_guild_id), 0) + 1)),
            p_at, p_at + make_interval(days => p_length_days), p_length_days, coalesce(p_auto_renew, true), p_by, p_at, p_at)
    returning * into v_season;
  -- Everybody starts from what they have earned so far: the season counts from here.
  insert into app_public.season_standings (season_id, guild_id, user_id, baseline)
    select v_season.id, p_guild_id, u.id, u.lifetime_earned from app_public.users u
     where u.guild_id = p_guild_id and not u.is_bot;
  return v_season;
end;
$$;

comment on function app_private.start_season_for(bigint, text, integer, boolean, bigint, timestamptz) is
  'Starts a guild''s next season at p_at for p_length_days (number = last + 1, default name "Season N"), taking every '
  'member''s baseline. Errors: SN001 season_already_active, SN003 invalid_season_length. See app_public.start_season.';
--! EndIncluded seasons/start_season_for.sql
--! Included seasons/start_season.sql
create or replace function app_public.start_season(name text, length_days integer default 30, auto_renew boolean default true)
returns app_public.seasons
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_public.seasons;
begin
  perform app_private.require_staff(array['SUPERADMIN', 'ADMIN']::app_public.staff_role[]);
  v := app_private.start_season_for(app_public.current_guild_id(), name, length_days, auto_renew,
                                    app_public.current_discord_id(), now());
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v.guild_id, app_public.current_discord_id(), app_public.current_staff_role(), 'start_season', 'season',
            v.id::text, null, jsonb_build_object('name', v.name, 'ends_at', v.ends_at, 'auto_renew', v.auto_renew),
            coalesce(nullif(btrim(current_setting('app.reason', true)), ''), 'start via API'));
  return v;
end;
$$;

comment on function app_public.start_season(text, integer, boolean) is
  'Admins start a leaderboard season now for length_days (1..366; with auto_renew the next one starts when it ends). '
  'Audited. Errors: AU001, PD001, SN001 season_already_active, SN003 invalid_season_length. Source: issue 14 '
  '("seasons for the leaderboard (a season''s rank, reset and archived by a job)").';
--! EndIncluded seasons/start_season.sql
--! Included seasons/archive_season.sql
create or replace function app_private.archive_season(p_season_id bigint, p_at timestamptz default now())
returns app_public.seasons
language plpgsql volatile
as $$
declare
  v_season app_public.seasons;
  v_top record;
begin
  select * into v_season from app_public.seasons s where s.id = p_season_id and s.status = 'active' for update;
  if v_season.id is null then
    return null;
  end if;
  -- Members who joined during the season get their row (baseline 0) so the final table is complete.
  insert into app_public.season_standings (season_id, guild_id, user_id, baseline)
    select v_season.id, v_season.guild_id, u.id, 0 from app_public.users u
     where u.guild_id = v_season.guild_id and not u.is_bot
  on conflict (season_id, user_id) do nothing;
  with scores as (
    select s.user_id, greatest(0, u.lifetime_earned - s.baseline) as score, u.discord_id
      from app_public.season_standings s join app_public.users u on u.id = s.user_id
     where s.season_id = v_season.id
  ), ranked as (
    select user_id, score, (rank() over (order by score desc))::int as rnk from scores
  )
  update app_public.season_standings s set final_score = r.score, final_rank = r.rnk
    from ranked r where s.season_id = v_season.id and s.user_id = r.user_id;
  update app_public.seasons s set status = 'archived', archived_at = p_at,
         ends_at = case when p_at > s.starts_at then least(s.ends_at, p_at) else s.ends_at end
   where s.id = v_season.id
   returning * into v_season;
  -- Podium badges: a final rank within the badge's threshold, with a score.
  for v_top in
    insert into app_public.member_badges (guild_id, user_id, badge_code, awarded_at, detail)
      select b.guild_id, s.user_id, b.code, p_at,
             jsonb_build_object('rule', 'season_top', 'season', v_season.number, 'rank', s.final_rank, 'score', s.final_score)
        from app_public.season_standings s
        join app_public.badges b on b.guild_id = s.guild_id and b.rule = 'season_top' and b.enabled
       where s.season_id = v_season.id and s.final_rank <= b.threshold and s.final_score > 0
    on conflict (user_id, badge_code) do nothing
    returning user_id, badge_code
  loop
    perform app_private.notify(v_top.user_id, 'badge_awarded', 'badge:' || v_top.badge_code,
      (select jsonb_build_object('code', b.code, 'name', b.name, 'emoji', b.emoji, 'description', b.description)
         from app_public.badges b where b.guild_id = v_season.guild_id and b.code = v_top.badge_code), p_at);
  end loop;
  return v_season;
end;
$$;

comment on function app_private.archive_season(bigint, timestamptz) is
  'Archives a running season at p_at once: every member''s final score (earned during the season) and rank (ties '
  'share a rank), the season archived (an early end moves ends_at to p_at unless the season had not begun), season_top badges to the podium. An '
  'archived season is left alone (returns null). Source: issue 14.';
--! EndIncluded seasons/archive_season.sql
--! Included seasons/end_season.sql
create or replace function app_public.end_season() returns app_public.seasons
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_public.seasons;
begin
  perform app_private.require_staff(array['SUPERADMIN', 'ADMIN']::app_public.staff_role[]);
  select * into v from app_public.seasons s where s.guild_id = app_public.current_guild_id() and s.status = 'active';
  if v.id is null then
    perform app_private.raise_error('SN002', 'no_active_season');
  end if;
  v := app_private.archive_season(v.id, now());
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v.guild_id, app_public.current_discord_id(), app_public.current_staff_role(), 'end_season', 'season',
            v.id::text, jsonb_build_object('status', 'active'), jsonb_build_object('status', 'archived'),
            coalesce(nullif(btrim(current_setting('app.reason', true)), ''), 'end via API'));
  return v;
end;
$$;

comment on function app_public.end_season() is
  'Admins end the running season now: it is archived with its final ranks and no next season starts (start_season '
  'starts one). Audited. Errors: AU001, PD001, SN002 no_active_season. Source: issue 14.';
--! EndIncluded seasons/end_season.sql
--! Included seasons/rollover_seasons.sql
create or replace function app_hidden.rollover_seasons(p_at timestamptz default now()) returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_season app_public.seasons;
  v_n integer := 0;
begin
  for v_season in
    select * from app_public.seasons s where s.status = 'active' and s.ends_at <= p_at order by s.ends_at
      for update skip locked
  loop
    perform app_private.archive_season(v_season.id, v_season.ends_at);
    if v_season.auto_renew then
      -- The next season starts where this one ended (a late job loses no time).
      perform app_private.start_season_for(v_season.guild_id, null, v_season.length_days, true, null, v_season.ends_at);
    end if;
    v_n := v_n + 1;
  end loop;
  return v_n;
end;
$$;

comment on function app_hidden.rollover_seasons(timestamptz) is
  'The seasons__rollover cron job''s body (every minute): every running season whose end has come is archived at its '
  'end (final ranks, podium badges) and, with auto_renew, the next one starts at that moment (the leaderboard resets). '
  'Re-running finds nothing. Returns how many seasons ended. Source: issue 14 ("reset and archived by a job").';
--! EndIncluded seasons/rollover_seasons.sql
--! Included seasons/season_leaderboard.sql
create or replace function app_public.season_leaderboard(season_id bigint default null, "limit" integer default 10)
returns setof app_public.season_entry
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_season app_public.seasons;
begin
  if app_public.current_guild_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  if "limit" is null or "limit" not between 1 and 100 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'limit', 'min', 1, 'max', 100));
  end if;
  select * into v_season from app_public.seasons s
   where s.guild_id = app_public.current_guild_id()
     and (s.id = season_leaderboard.season_id or (season_leaderboard.season_id is null and s.status = 'active'));
  if v_season.id is null then
    perform app_private.raise_error(case when season_leaderboard.season_id is null then 'SN002' else 'SN004' end,
      case when season_leaderboard.season_id is null then 'no_active_season' else 'season_not_found' end,
      jsonb_build_object('season_id', season_leaderboard.season_id));
  end if;
  if v_season.status = 'archived' then
    return query
      select s.final_rank, u.discord_id, u.display_name, s.final_score
        from app_public.season_standings s join app_public.users u on u.id = s.user_id
       where s.season_id = v_season.id and s.final_score > 0
       order by s.final_rank, u.discord_id limit "limit";
  else
    return query
      select (rank() over (order by x.score desc))::int, x.discord_id, x.display_name, x.score
        from (select u.discord_id, u.display_name, app_private.season_score(v_season.id, u) as score
                from app_public.users u where u.guild_id = v_season.guild_id and not u.is_bot) x
       where x.score > 0
       order by x.score desc, x.discord_id limit "limit";
  end if;
end;
$$;

comment on function app_public.season_leaderboard(bigint, integer) is
  'A season''s leaderboard (default: the running one): what each member earned during it, ranked (ties share a '
  'rank), members with nothing earned left out; an archived season shows its final table. limit 1..100. Errors: '
  'AU001, VL001, SN002 no_active_season, SN004 season_not_found. Source: issue 14.';
--! EndIncluded seasons/season_leaderboard.sql
--! Included seasons/seasons.policies.sql
-- Row-level security of app_public.seasons: who reads (and, where granted, writes) which rows.

drop policy if exists seasons_guild on app_public.seasons;
create policy seasons_guild on app_public.seasons for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));
--! EndIncluded seasons/seasons.policies.sql
--! Included seasons/season_standings.policies.sql
-- Row-level security of app_public.season_standings: who reads (and, where granted, writes) which rows.

drop policy if exists season_standings_guild on app_public.season_standings;
-- Standings are a leaderboard: public within the guild.
create policy season_standings_guild on app_public.season_standings for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));
--! EndIncluded seasons/season_standings.policies.sql
--! Included orders/tg_orders__member_effects.sql
create or replace function app_private.tg_orders__member_effects() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_line app_public.order_lines;
  v_name text;
  v_at timestamptz := coalesce(new.settled_at, now());
begin
  select * into v_line from app_public.order_lines l where l.order_id = new.order_id order by l.id limit 1;
  select r.name into v_name from app_public.rewards r where r.guild_id = new.guild_id and r.sku = v_line.sku;
  if new.status = 'fulfilled' then
    perform app_private.apply_purchase_effects(new, v_at);
    perform app_private.notify(new.buyer_id, 'order_fulfilled', 'order:' || new.order_id,
      jsonb_build_object('order_id', new.order_id, 'kind', new.kind, 'sku', v_line.sku, 'name', coalesce(v_name, v_line.sku),
                         'qty', v_line.qty, 'amount', new.escrow), v_at);
    perform app_private.award_badges(new.buyer_id, v_at);
    if new.kind = 'market' then
      perform app_private.notify(new.seller_id, 'listing_sold', 'order:' || new.order_id,
        jsonb_build_object('order_id', new.order_id, 'listing_id', v_line.listing_id, 'sku', v_line.sku,
                           'name', coalesce(v_name, v_line.sku), 'qty', v_line.qty, 'unit_price', v_line.unit_price,
                           'fee', new.fee, 'net', new.escrow - new.fee,
                           'qty_left', (select l.qty_available from app_public.listings l where l.listing_id = v_line.listing_id)), v_at);
      perform app_private.award_badges(new.seller_id, v_at);
    end if;
  elsif new.status = 'refunded' then
    perform app_private.notify(new.buyer_id, 'order_refunded', 'order:' || new.order_id,
      jsonb_build_object('order_id', new.order_id, 'kind', new.kind, 'sku', v_line.sku, 'name', coalesce(v_name, v_line.sku),
                         'qty', v_line.qty, 'amount', new.escrow, 'reason', new.settle_reason), v_at);
  end if;
  return null;
end;
$$;

comment on function app_private.tg_orders__member_effects() is
  'Trigger (after an order leaves pending): a fulfilled order applies its role items (apply_purchase_effects); '
  'the buyer is told their order was fulfilled (order_fulfilled, off by default) or refunded (order_refunded), the '
  'seller of a market order that their listing sold (listing_sold), and both get the badges they now deserve '
  '(award_badges). A buyer''s own cancellation tells nobody. Hooked on orders, never on the ledger tables. Source: '
  'issue 14 ("your listing sold, your order was fulfilled or refunded").';
--! EndIncluded orders/tg_orders__member_effects.sql
--! Included tasks/review_task_claim_by.sql
create or replace function app_private.review_task_claim_by(p_reviewer_id bigint, p_reviewer_role app_public.staff_role,
  p_claim_id bigint, p_accept boolean, p_note text, p_key text, p_at timestamptz default now())
returns app_public.task_claims
language plpgsql
as $$
declare
  v_claim app_public.task_claims;
  v_user app_public.users;
  v_task app_public.tasks;
  v_replay jsonb;
  v_note text := btrim(coalesce(p_note, ''));
  v_tx uuid;
begin
  select * into v_claim from app_public.task_claims c where c.id = p_claim_id;
  if v_claim.id is null or v_claim.guild_id is distinct from app_public.current_guild_id() then
    perform app_private.raise_error('TK008', 'claim_not_found', jsonb_build_object('claim_id', p_claim_id::text));
  end if;
  -- Lock order: the member whose funds move, then the claim.
  select * into v_user from app_private.lock_members(array[v_claim.user_id]);
  if v_user.discord_id = p_reviewer_id then
    perform app_private.raise_error('TK013', 'self_review');
  end if;
  v_replay := app_private.idempotency_begin(v_claim.guild_id, p_reviewer_id, p_key,
    jsonb_build_object('fn', 'review_task_claim', 'claim_id', p_claim_id, 'accept', p_accept, 'note', v_note));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.task_claims, v_replay);
  end if;
  select * into v_claim from app_public.task_claims c where c.id = p_claim_id for update;
  if v_claim.status <> 'submitted' then
    perform app_private.raise_error('TK009', 'claim_wrong_status', jsonb_build_object('claim_id', v_claim.id::text,
      'status', v_claim.status));
  end if;
  if p_accept is null then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'accept'));
  end if;
  if length(v_note) > 500 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'note', 'max', 500));
  end if;
  if not p_accept and length(v_note) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  select * into v_task from app_public.tasks t where t.id = v_claim.task_id;

  if p_accept then
    if v_user.frozen then
      perform app_private.raise_error('FZ002', 'recipient_frozen', jsonb_build_object('discord_id', v_user.discord_id::text));
    end if;
    -- The reward and the acceptance are one transaction: if the award fails, the claim stays submitted.
    insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, created_at)
      values (v_claim.guild_id, 'earn', p_reviewer_id, v_user.id, v_task.reward, 'task_reward',
              jsonb_build_object('task_id', v_task.id::text, 'claim_id', v_claim.id::text, 'task_name', v_task.name,
                                 'description', 'Completed task: ' || v_task.name, 'reviewer_role', p_reviewer_role), p_at)
      returning tx_id into v_tx;
    perform app_private.post_transfer(v_claim.guild_id,
      app_private.guild_account(v_claim.guild_id, 'mint'),
      app_private.member_account(v_user.id, 'wallet'),
      v_task.reward, 'task_reward', v_tx, 'posted', null, null, p_at);
    update app_public.task_claims c
       set status = 'accepted', reviewer_id = p_reviewer_id, review_note = v_note, reviewed_at = p_at,
           completed_at = p_at, tx_id = v_tx,
           role_status = case when v_task.grant_role_id is not null then 'pending' else 'none' end,
           -- The review DM only for a member who wants it (issue 14, member notification settings).
           dm_status = case when app_private.notification_enabled(v_user.id, 'task_reviewed') then 'pending' else 'none' end
     where c.id = v_claim.id
     returning * into v_claim;
  else
    update app_public.task_claims c
       set status = 'rejected', reviewer_id = p_reviewer_id, review_note = v_note, reviewed_at = p_at,
           dm_status = case when app_private.notification_enabled(v_user.id, 'task_reviewed') then 'pending' else 'none' end
     where c.id = v_claim.id
     returning * into v_claim;
  end if;
  perform app_private.idempotency_finish(v_claim.guild_id, p_reviewer_id, p_key, to_jsonb(v_claim));
  return v_claim;
end;
$$;

comment on function app_private.review_task_claim_by(bigint, app_public.staff_role, bigint, boolean, text, text, timestamptz) is
  'The review rule for an explicit reviewer and time (p_at); the member''s review DM is queued only when their '
  'task_reviewed notification setting is on (issue 14). See app_public.review_task_claim.';
--! EndIncluded tasks/review_task_claim_by.sql
--! Included market/market_listings.sql
create or replace function app_public.market_listings(sku text default null, max_price bigint default null,
  sort text default 'newest', skip integer default 0, "limit" integer default 5)
returns setof app_public.market_listing
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  if app_public.current_guild_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  if sort is null or sort not in ('newest', 'price_asc', 'price_desc', 'ending') then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'sort'));
  end if;
  if "limit" is null or "limit" not between 1 and 25 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'limit', 'min', 1, 'max', 25));
  end if;
  if skip is null or skip not between 0 and 10000 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'skip', 'min', 0, 'max', 10000));
  end if;
  return query
    select l.listing_id, l.sku, coalesce(r.name, l.sku), u.discord_id, u.display_name, l.qty_available, l.unit_price,
           l.expires_at, l.created_at, (count(*) over ())::bigint
      from app_public.listings l
      join app_public.users u on u.id = l.seller_id
      left join app_public.rewards r on r.guild_id = l.guild_id and r.sku = l.sku
     where l.guild_id = app_public.current_guild_id() and l.status = 'active' and l.expires_at > now()
       and l.qty_available > 0
       and (market_listings.sku is null or l.sku = lower(btrim(market_listings.sku))
            or r.name ilike '%' || replace(replace(btrim(market_listings.sku), '%', '\%'), '_', '\_') || '%')
       and (market_listings.max_price is null or l.unit_price <= market_listings.max_price)
     order by case when market_listings.sort = 'price_asc' then l.unit_price end asc nulls last,
              case when market_listings.sort = 'price_desc' then l.unit_price end desc nulls last,
              case when market_listings.sort = 'ending' then l.expires_at end asc nulls last,
              l.created_at desc, l.listing_id
     offset skip limit "limit";
end;
$$;

comment on function app_public.market_listings(text, bigint, text, integer, integer) is
  'The market as /market shows it: active, unexpired listings with units left, filtered by SKU or item name (sku, '
  'matched exactly or as part of the name) and a maximum unit price, sorted newest first, by price (price_asc, '
  'price_desc) or by end (ending), one page (skip rows, then limit 1..25; named skip, not offset, which PostGraphile''s connection arguments use); total is the number of matches. Errors: AU001, '
  'VL001. Source: issue 14 ("/market with filters, sort and paging buttons").';
--! EndIncluded market/market_listings.sql
--! Included market/my_listings.sql
create or replace function app_public.my_listings() returns setof app_public.listings
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users := app_private.current_member();
begin
  return query
    select l.* from app_public.listings l
     where l.seller_id = v_user.id and l.status = 'active'
     order by l.created_at desc, l.listing_id
     limit 25;
end;
$$;

comment on function app_public.my_listings() is
  'The calling member''s active listings, newest first (up to 25), for /mylistings (cancel and reprice). Errors: '
  'AU001, MB001. Source: issue 14 ("Seller and buyer self-service in Discord: /mylistings").';
--! EndIncluded market/my_listings.sql
--! Included members/my_card.sql
create or replace function app_public.my_card() returns app_public.member_card
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users := app_private.current_member();
  v_balance bigint := app_public.users_wallet_balance(v_user);
  v_season app_public.seasons;
  v_score bigint;
begin
  select * into v_season from app_public.seasons s where s.guild_id = v_user.guild_id and s.status = 'active';
  if v_season.id is not null then
    v_score := app_private.season_score(v_season.id, v_user);
  end if;
  return (
    v_user.discord_id, v_user.display_name, v_balance, app_public.users_escrow_balance(v_user),
    case when v_user.last_daily_at is null or now() <= v_user.last_daily_at + interval '48 hours'
         then v_user.streak_days else 0 end,
    v_user.last_daily_at,
    coalesce(greatest(v_user.last_daily_at + interval '24 hours', now()), now()),
    -- Badges earned by rule (issue 14), oldest first, then any set by hand on the member row.
    coalesce((select jsonb_agg(jsonb_build_object('code', b.code, 'name', b.name, 'emoji', b.emoji,
                'awarded_at', m.awarded_at) order by m.awarded_at, b.code)
                from app_public.member_badges m
                join app_public.badges b on b.guild_id = m.guild_id and b.code = m.badge_code
               where m.user_id = v_user.id), '[]'::jsonb) || v_user.badges,
    case when v_season.id is null then
      (select 1 + count(*) from app_public.accounts a join app_public.users u on u.id = a.user_id
        where a.guild_id = v_user.guild_id and a.currency = 'COIN' and a.kind = 'wallet'
          and not u.is_bot and a.balance > v_balance)::int
    else
      (select 1 + count(*) from app_public.users u
         left join app_public.season_standings st on st.season_id = v_season.id and st.user_id = u.id
        where u.guild_id = v_user.guild_id and not u.is_bot
          and greatest(0, u.lifetime_earned - coalesce(st.baseline, 0)) > v_score)::int
    end,
    v_user.lifetime_earned, v_user.lifetime_spent, v_user.frozen,
    coalesce((select jsonb_agg(jsonb_build_object('tx_id', t.tx_id, 'type', t.type, 'amount', t.amount, 'currency', t.currency,
                'direction', case when t.user_id = v_user.id and t.type in ('earn', 'refund') then 'in'
                                  when t.counterparty_id = v_user.id then 'in'
                                  when t.type = 'flag' then 'none' else 'out' end,
                'reason', t.reason, 'created_at', t.created_at) order by t.created_at desc, t.seq desc)
                from (select * from app_public.transactions t
                       where t.user_id = v_user.id or t.counterparty_id = v_user.id
                       order by t.created_at desc, t.seq desc limit 3) t), '[]'::jsonb),
    v_season.name, v_score
  )::app_public.member_card;
end;
$$;

comment on function app_public.my_card() is
  'The calling member''s card: wallet and escrow balances, current streak (0 once broken), next daily claim time, badges '
  '(earned by rule, issue 14, then any set on the member row), rank (while a season runs: the season rank, 1 + members '
  'who earned more during it, with season_name and season_score; otherwise 1 + members with a higher wallet balance), lifetime counters and the last 3 transactions with direction and '
  'currency (amounts in minor units of it: a Minecraft payment is MCD, scale 2; issue 17). '
  'Errors: AU001 not_authenticated, MB001 member_not_registered. Source: seed 000 section 4 (My Card).';
--! EndIncluded members/my_card.sql

-- Triggers (after their functions) --------------------------------------------------------------------------------------
create trigger _500_discord after insert or update of status, removal_status on app_public.role_grants
  for each row execute function app_private.tg_role_grants__discord();
create trigger _510_member_effects after update of status on app_public.orders
  for each row when (old.status = 'pending' and new.status in ('fulfilled', 'refunded'))
  execute function app_private.tg_orders__member_effects();
create trigger _520_badges after update of status on app_public.task_claims
  for each row when (new.status = 'accepted' and old.status is distinct from new.status)
  execute function app_private.tg_task_claims__badges();
create trigger _510_badges after insert on app_public.guilds
  for each row execute function app_private.tg_guilds__badges();

-- Every existing guild gets the default badges.
select app_private.ensure_default_badges(g.id) from app_public.guilds g;

revoke all on function app_private.queue_member_job(bigint, text, jsonb, text, integer) from public;
revoke all on function app_private.notification_enabled(bigint, text) from public;
revoke all on function app_private.notify(bigint, text, text, jsonb, timestamptz) from public;
revoke all on function app_public.my_notification_settings() from public;
revoke all on function app_public.set_notification(text, boolean) from public;
revoke all on function app_hidden.discord_notification(bigint) from public;
revoke all on function app_hidden.record_notification(bigint, boolean, text, timestamptz) from public;
revoke all on function app_private.apply_item_effect(app_public.item_uses, timestamptz) from public;
revoke all on function app_private.use_item_for(bigint, text, text, timestamptz) from public;
revoke all on function app_public.use_item(text, text) from public;
revoke all on function app_private.apply_purchase_effects(app_public.orders, timestamptz) from public;
revoke all on function app_private.tg_role_grants__discord() from public;
revoke all on function app_hidden.expire_role_grants(timestamptz) from public;
revoke all on function app_hidden.discord_role_grant(bigint) from public;
revoke all on function app_hidden.record_role_grant(bigint, text, boolean, text, timestamptz) from public;
revoke all on function app_public.my_inventory() from public;
revoke all on function app_private.ensure_default_badges(bigint) from public;
revoke all on function app_private.award_badges(bigint, timestamptz) from public;
revoke all on function app_hidden.award_badges_all(timestamptz) from public;
revoke all on function app_private.tg_guilds__badges() from public;
revoke all on function app_private.tg_task_claims__badges() from public;
revoke all on function app_private.season_score(bigint, app_public.users) from public;
revoke all on function app_private.start_season_for(bigint, text, integer, boolean, bigint, timestamptz) from public;
revoke all on function app_public.start_season(text, integer, boolean) from public;
revoke all on function app_private.archive_season(bigint, timestamptz) from public;
revoke all on function app_public.end_season() from public;
revoke all on function app_hidden.rollover_seasons(timestamptz) from public;
revoke all on function app_public.season_leaderboard(bigint, integer) from public;
revoke all on function app_private.tg_orders__member_effects() from public;
revoke all on function app_private.review_task_claim_by(bigint, app_public.staff_role, bigint, boolean, text, text, timestamptz) from public;
revoke all on function app_public.market_listings(text, bigint, text, integer, integer) from public;
revoke all on function app_public.my_listings() from public;
revoke all on function app_public.my_card() from public;
grant execute on function app_public.use_item(text, text), app_public.my_inventory(), app_public.set_notification(text, boolean),
  app_public.my_notification_settings(), app_public.season_leaderboard(bigint, integer),
  app_public.market_listings(text, bigint, text, integer, integer), app_public.my_listings()
  to coins_player, coins_staff;
grant execute on function app_public.start_season(text, integer, boolean), app_public.end_season() to coins_staff;
grant execute on function app_hidden.expire_role_grants(timestamptz), app_hidden.discord_role_grant(bigint),
  app_hidden.record_role_grant(bigint, text, boolean, text, timestamptz), app_hidden.discord_notification(bigint),
  app_hidden.record_notification(bigint, boolean, text, timestamptz), app_hidden.award_badges_all(timestamptz),
  app_hidden.rollover_seasons(timestamptz) to coins_worker;
