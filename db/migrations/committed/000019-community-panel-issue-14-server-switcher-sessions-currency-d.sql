--! Previous: sha1:2527b58f610db7e54bd4d80d2d5165b226fa73fa
--! Hash: sha1:ba1f931c4d66edb14a0f97e032f5c2bcbe7945d4
--! Message: Community panel (issue 14): server switcher sessions, currency display and feature toggles (FT001), inactive members, transactions archive, live community events, bot presence

-- Community panel (issue 14, seed 003): the server switcher (guilds a panel session may switch to, re-checked on
-- every request), guild currency display and feature toggles (FT001 where a switched-off feature moves value),
-- inactive members (deactivate / reactivate, audited), the transactions archive (an archive table, not
-- partitioning: see README "Community"), live community events for the panel's SSE, and the bot's presence.
-- Idempotent: drops what it creates first.

drop trigger if exists _600_live on app_public.tasks;
drop trigger if exists _600_live on app_public.task_claims;
drop trigger if exists _600_live on app_public.rewards;
drop trigger if exists _600_live on app_public.announcements;
drop function if exists app_private.tg__community_event();
drop function if exists app_hidden.community_events_since(text, integer);
drop table if exists app_public.community_events;
drop function if exists app_public.set_bot_presence(text, text, text);
drop function if exists app_hidden.bot_presence_for_job();
drop function if exists app_hidden.record_bot_presence(bigint, timestamptz, text);
drop table if exists app_public.bot_presence;
drop function if exists app_public.archive_transactions(timestamptz, text, text);
drop function if exists app_public.transaction_history(timestamptz, timestamptz, app_public.tx_type);
drop table if exists app_public.transaction_archive_runs;
drop function if exists app_public.users_last_active_at(app_public.users);
drop function if exists app_public.inactive_members(integer, boolean);
drop function if exists app_public.deactivate_inactive_members(integer, text, text);
drop function if exists app_public.deactivate_member(bigint, text, text);
drop function if exists app_public.reactivate_member(bigint, text, text);
drop function if exists app_private.set_member_active(boolean, bigint, text, text);
drop table if exists app_public.transactions_archive;
drop function if exists app_public.guild_features();
drop function if exists app_private.require_feature(bigint, text);
drop function if exists app_private.add_session_guild(bytea, bigint, bigint[]);
drop function if exists app_private.panel_guild_candidates(bigint, bigint[]);
drop function if exists app_private.session_guild_choices(bytea);
drop function if exists app_private.switch_session_guild(bytea, bigint);
drop table if exists app_private.session_guilds;

--------------------------------------------------------------------------------
-- Server switcher (issue 14 "Panel"): the guilds a panel session may switch to, recorded at sign-in
--------------------------------------------------------------------------------

create table app_private.session_guilds (
  session_id uuid not null references app_private.sessions (id) on delete cascade,
  guild_id bigint not null references app_public.guilds (id) on delete cascade,
  role_ids bigint[] not null default '{}',
  created_at timestamptz not null default now(),
  primary key (session_id, guild_id)
);
comment on table app_private.session_guilds is
  'The guilds a panel session may switch to without signing in again (issue 14 server switcher), each with the '
  'Discord role ids reported at sign-in: session_claims re-resolves the staff role from them on every request.';
alter table app_private.session_guilds enable row level security;

--! Included sessions/session_claims.sql
create or replace function app_private.session_claims(p_token_hash bytea) returns app_private.session_claims
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_private.sessions;
  v_role app_public.staff_role;
begin
  select * into v from app_private.sessions
   where token_hash = p_token_hash and expires_at > now() and coalesce(access_expires_at, expires_at) > now();
  if v.id is null then
    return null;
  end if;
  -- A session that signed in to several guilds carries the selected one: re-checked on every request against the
  -- guilds granted at sign-in, with the role re-resolved from the current role mappings (a removed mapping ends it).
  if v.kind = 'staff' and exists (select 1 from app_private.session_guilds sg where sg.session_id = v.id) then
    select app_hidden.resolve_staff_role(sg.guild_id, v.discord_id, sg.role_ids) into v_role
      from app_private.session_guilds sg
     where sg.session_id = v.id and sg.guild_id = v.guild_id;
    if v_role is null then
      return null;
    end if;
    v.staff_role := v_role;
  end if;
  -- Touch at most once a minute: reading a session must not cost a write per request.
  if v.last_seen_at < now() - interval '1 minute' then
    update app_private.sessions set last_seen_at = now() where id = v.id;
  end if;
  return (v.id, v.guild_id, v.discord_id, v.kind, v.staff_role, least(v.expires_at, coalesce(v.access_expires_at, v.expires_at)))::app_private.session_claims;
end;
$$;

comment on function app_private.session_claims(bytea) is
  'The claims of a live session (null when unknown, expired, or its access token has lapsed); expires_at is when the '
  'access token lapses. A panel session that recorded guilds at sign-in (server switcher, issue 14) is re-checked on '
  'every call: its selected guild must be one of them and still resolve to a staff role, whose current value is returned '
  '(null otherwise). Refreshes last_seen_at at most once a minute.';
--! EndIncluded sessions/session_claims.sql
--! Included sessions/add_session_guild.sql
create or replace function app_private.add_session_guild(p_access_hash bytea, p_guild_id bigint, p_role_ids bigint[])
returns app_public.staff_role
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_private.sessions;
  v_role app_public.staff_role;
begin
  select * into v from app_private.sessions
   where token_hash = p_access_hash and kind = 'staff' and expires_at > now();
  if v.id is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  v_role := app_hidden.resolve_staff_role(p_guild_id, v.discord_id, coalesce(p_role_ids, '{}'));
  if v_role is null then
    return null;
  end if;
  insert into app_private.session_guilds (session_id, guild_id, role_ids)
    values (v.id, p_guild_id, coalesce(p_role_ids, '{}'))
  on conflict (session_id, guild_id) do update set role_ids = excluded.role_ids;
  return v_role;
end;
$$;

comment on function app_private.add_session_guild(bytea, bigint, bigint[]) is
  'At a panel sign-in, records one more guild the signed-in staff member may switch to without signing in again, with '
  'the Discord role ids Discord reported for them there (re-resolved on every request by session_claims). Returns the '
  'staff role it resolves to (owner: SUPERADMIN, else the highest mapped role) and records nothing when it resolves to '
  'none (a member, not staff, of that guild). Errors: AU001 not_authenticated (no live staff session behind the token). '
  'Source: issue 14 "Panel" (server switcher; role mapping or ownership in each guild, checked at sign-in).';
--! EndIncluded sessions/add_session_guild.sql
--! Included sessions/session_guild_choices.sql
create or replace function app_private.session_guild_choices(p_access_hash bytea)
returns table (guild_id text, name text, staff_role app_public.staff_role, selected boolean)
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select g.id::text, g.name, r.role, g.id = s.guild_id
    from app_private.sessions s
    join app_private.session_guilds sg on sg.session_id = s.id
    join app_public.guilds g on g.id = sg.guild_id
    cross join lateral (select app_hidden.resolve_staff_role(g.id, s.discord_id, sg.role_ids) as role) r
   where s.token_hash = p_access_hash and s.kind = 'staff' and s.expires_at > now()
     and coalesce(s.access_expires_at, s.expires_at) > now() and r.role is not null
   order by lower(g.name), g.id;
$$;

comment on function app_private.session_guild_choices(bytea) is
  'The guilds a live panel session may switch to (recorded at sign-in, each still resolving to a staff role now), by '
  'name, with the role held there and which one is selected; empty for an unknown or expired token. Raises nothing. '
  'Source: issue 14 "Panel" (server switcher).';
--! EndIncluded sessions/session_guild_choices.sql
--! Included sessions/switch_session_guild.sql
create or replace function app_private.switch_session_guild(p_access_hash bytea, p_guild_id bigint)
returns app_private.session_claims
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_private.sessions;
  v_role app_public.staff_role;
begin
  select * into v from app_private.sessions
   where token_hash = p_access_hash and kind = 'staff' and expires_at > now()
     and coalesce(access_expires_at, expires_at) > now()
  for update;
  if v.id is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  select app_hidden.resolve_staff_role(sg.guild_id, v.discord_id, sg.role_ids) into v_role
    from app_private.session_guilds sg
   where sg.session_id = v.id and sg.guild_id = p_guild_id;
  if v_role is null then
    -- Not granted at sign-in (a forged id), or no longer staff there: the session stays where it was.
    perform app_private.raise_error('SW001', 'guild_not_permitted', jsonb_build_object('guild_id', p_guild_id::text));
  end if;
  update app_private.sessions set guild_id = p_guild_id, staff_role = v_role, last_seen_at = now()
   where id = v.id
  returning * into v;
  return (v.id, v.guild_id, v.discord_id, v.kind, v.staff_role, least(v.expires_at, coalesce(v.access_expires_at, v.expires_at)))::app_private.session_claims;
end;
$$;

comment on function app_private.switch_session_guild(bytea, bigint) is
  'Moves a live panel session to another guild: allowed only for a guild recorded at the sign-in (add_session_guild) '
  'where the member still resolves to a staff role (ownership or a mapped role); the session then carries that guild '
  'and that role. Errors: AU001 not_authenticated, SW001 guild_not_permitted (any other guild id, e.g. a forged one: '
  'nothing changes). Source: issue 14 "Panel" (server switcher).';
--! EndIncluded sessions/switch_session_guild.sql
--! Included sessions/panel_guild_candidates.sql
create or replace function app_private.panel_guild_candidates(p_discord_id bigint, p_guild_ids bigint[])
returns bigint[]
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select coalesce(array_agg(g.id order by g.id), '{}')
    from app_public.guilds g
   where g.id = any (coalesce(p_guild_ids, '{}'))
     and (g.owner_id = p_discord_id
          or exists (select 1 from app_public.staff_role_mappings m where m.guild_id = g.id));
$$;

comment on function app_private.panel_guild_candidates(bigint, bigint[]) is
  'Of the Discord guilds a member signing in to the panel belongs to, those where they could be staff: guilds using '
  'Guildbank that they own or that map at least one Discord role to a staff role (the sign-in then reads their roles '
  'in each and records the ones that resolve with add_session_guild). Raises nothing. Source: issue 14 "Panel" '
  '(server switcher).';
--! EndIncluded sessions/panel_guild_candidates.sql

--------------------------------------------------------------------------------
-- Guild settings: currency display and feature toggles
--------------------------------------------------------------------------------

alter table app_public.guild_settings
  drop column if exists currency_name, drop column if exists currency_symbol,
  drop column if exists feature_currency, drop column if exists feature_tasks, drop column if exists feature_shop,
  drop column if exists feature_quests, drop column if exists feature_middleman, drop column if exists feature_cards;
alter table app_public.guild_settings
  add column currency_name text not null default 'coins' check (length(btrim(currency_name)) between 1 and 32),
  add column currency_symbol text not null default '' check (length(currency_symbol) <= 8),
  add column feature_currency boolean not null default true,
  add column feature_tasks boolean not null default true,
  add column feature_shop boolean not null default true,
  add column feature_quests boolean not null default true,
  add column feature_middleman boolean not null default true,
  add column feature_cards boolean not null default true;
comment on column app_public.guild_settings.currency_name is
  'The currency''s display name (plural, e.g. "coins"), used by the bot, the panel and the card image (issue 14).';
comment on column app_public.guild_settings.currency_symbol is
  'The currency''s display symbol placed before amounts (e.g. "🪙" or "$"); empty = the name after the amount (issue 14).';
comment on column app_public.guild_settings.feature_currency is
  'Feature toggle (issue 14): off refuses daily and give (FT001) and the bot answers that the currency is off.';
comment on column app_public.guild_settings.feature_tasks is 'Feature toggle (issue 14): community tasks (claims, reviews).';
comment on column app_public.guild_settings.feature_shop is 'Feature toggle (issue 14): the rewards shop.';
comment on column app_public.guild_settings.feature_quests is 'Feature toggle (issue 14): quests.';
comment on column app_public.guild_settings.feature_middleman is 'Feature toggle (issue 14): middleman trades.';
comment on column app_public.guild_settings.feature_cards is 'Feature toggle (issue 14): trading cards.';
grant update (currency_name, currency_symbol, feature_currency, feature_tasks, feature_shop, feature_quests,
  feature_middleman, feature_cards) on app_public.guild_settings to coins_staff;

--! Included settings/require_feature.sql
create or replace function app_private.require_feature(p_guild_id bigint, p_feature text)
returns void
language plpgsql stable set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_on boolean;
begin
  select case p_feature
           when 'currency' then s.feature_currency
           when 'tasks' then s.feature_tasks
           when 'shop' then s.feature_shop
           when 'quests' then s.feature_quests
           when 'middleman' then s.feature_middleman
           when 'cards' then s.feature_cards
         end
    into v_on
    from app_public.guild_settings s where s.guild_id = p_guild_id;
  if p_feature not in ('currency', 'tasks', 'shop', 'quests', 'middleman', 'cards') then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'feature'));
  end if;
  -- A guild without a settings row has every feature on (the defaults).
  if v_on is false then
    perform app_private.raise_error('FT001', 'feature_disabled', jsonb_build_object('feature', p_feature));
  end if;
end;
$$;

comment on function app_private.require_feature(bigint, text) is
  'Refuses value movements of a feature the guild switched off in guild_settings (feature_currency: daily and give; '
  'feature_tasks: claims and reviews; feature_shop: reward purchases; feature_quests: answers; feature_middleman: new '
  'trades; feature_cards: draws and packs). Errors: FT001 feature_disabled (detail: feature), VL001 invalid_argument '
  '(unknown feature). Source: issue 14 "Panel" (feature toggles), seed 003 "Server Configuration Structure" (features).';
--! EndIncluded settings/require_feature.sql
--! Included settings/guild_features.sql
create or replace function app_public.guild_features()
returns jsonb
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select jsonb_build_object(
    'currencyName', coalesce(s.currency_name, 'coins'), 'currencySymbol', coalesce(s.currency_symbol, ''),
    'features', jsonb_build_object('currency', coalesce(s.feature_currency, true), 'tasks', coalesce(s.feature_tasks, true),
      'shop', coalesce(s.feature_shop, true), 'quests', coalesce(s.feature_quests, true),
      'middleman', coalesce(s.feature_middleman, true), 'cards', coalesce(s.feature_cards, true)))
    from (select app_public.current_guild_id() as guild_id) c
    left join app_public.guild_settings s on s.guild_id = c.guild_id
   where c.guild_id is not null;
$$;

comment on function app_public.guild_features() is
  'The current guild''s currency display (currencyName, currencySymbol) and feature toggles (currency, tasks, shop, '
  'quests, middleman, cards; true when no settings row), as the bot''s router and the panel read them. Null without '
  'claims. Raises nothing. Source: issue 14 "Panel" (currency display name and symbol, feature toggles).';
--! EndIncluded settings/guild_features.sql
--! Included daily/claim_daily_for.sql
-- The rules that apply the modifiers (unchanged otherwise; see 000001 and 000002).
create or replace function app_private.claim_daily_for(p_user_id bigint, p_key text default null, p_at timestamptz default now())
returns app_public.daily_claim
language plpgsql
as $$
declare
  v_user app_public.users;
  v_settings app_public.guild_settings;
  v_replay jsonb;
  v_streak int;
  v_amount bigint;
  v_tx uuid;
  v_result app_public.daily_claim;
  v_event app_public.economy_events;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  if v_user.id is null then
    perform app_private.raise_error('MB001', 'member_not_registered');
  end if;
  perform app_private.require_feature(v_user.guild_id, 'currency');
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'claim_daily'));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.daily_claim, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  if v_user.last_daily_at is not null and p_at < v_user.last_daily_at + interval '24 hours' then
    perform app_private.raise_error('CD001', 'cooldown_active',
      jsonb_build_object('next_claim_at', v_user.last_daily_at + interval '24 hours',
        'retry_after_s', ceil(extract(epoch from v_user.last_daily_at + interval '24 hours' - p_at))::bigint));
  end if;

  select * into v_settings from app_public.guild_settings where guild_id = v_user.guild_id;
  v_streak := case
    when v_user.last_daily_at is not null and p_at <= v_user.last_daily_at + interval '48 hours'
      then v_user.streak_days + 1
    else 1
  end;
  v_amount := v_settings.daily_amount
    + least((v_streak - 1)::bigint * v_settings.daily_streak_bonus, v_settings.daily_streak_bonus_cap);
  -- An active daily_multiplier event (issue #5) multiplies the whole reward, rounded down.
  v_event := app_private.active_event(v_user.guild_id, 'daily_multiplier', p_at);
  if v_event.id is not null then
    v_amount := floor(v_amount * v_event.value)::bigint;
  end if;

  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, created_at)
    values (v_user.guild_id, 'earn', v_user.discord_id, v_user.id, v_amount, 'daily',
            jsonb_build_object('streak_days', v_streak) || case when v_event.id is null then '{}'::jsonb
              else jsonb_build_object('event_id', v_event.id, 'multiplier', v_event.value) end, p_at)
    returning tx_id into v_tx;
  perform app_private.post_transfer(v_user.guild_id,
    (select id from app_public.accounts where guild_id = v_user.guild_id and user_id is null and currency = 'COIN' and kind = 'mint'),
    (select id from app_public.accounts where user_id = v_user.id and currency = 'COIN' and kind = 'wallet'),
    v_amount, 'daily', v_tx, 'posted', null, null, p_at);
  update app_public.users set streak_days = v_streak, last_daily_at = p_at where id = v_user.id;

  v_result := (v_amount, v_streak,
    (select balance from app_public.accounts where user_id = v_user.id and currency = 'COIN' and kind = 'wallet'),
    p_at, p_at + interval '24 hours', v_tx)::app_public.daily_claim;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v_result));
  return v_result;
end;
$$;

comment on function app_private.claim_daily_for(bigint, text, timestamptz) is
  'The daily-claim rule at an explicit time (p_at; the public function passes now(), the demo seed back-dates). An active '
  'daily_multiplier economy event multiplies the reward (rounded down; event_id and multiplier in the transaction''s '
  'meta). See app_public.claim_daily. Errors also: FT001 feature_disabled when the guild switched currency off (issue 14 feature toggles).';
--! EndIncluded daily/claim_daily_for.sql
--! Included give/give.sql
create or replace function app_public.give(to_discord_id bigint, amount bigint, idempotency_key text)
returns app_public.give_receipt
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app_private.require_feature(app_public.current_guild_id(), 'currency');
  return app_private.give_from((app_private.current_member()).id, to_discord_id, amount, idempotency_key, now());
end;
$$;

comment on function app_public.give(bigint, bigint, text) is
  'Moves amount coins (minor units, > 0) from the calling member''s wallet to another registered member of the guild. '
  'Rules: no self-transfer; neither side frozen; at most guild_settings.give_rate_limit gives per give_rate_window_s '
  'seconds per sender (default 5 per 60 s); the wallet cannot go negative; the idempotency key is required and a '
  'replay returns the first receipt. Errors: AU001, MB001 member_not_registered, MB002 member_not_found, '
  'TR001 self_transfer, AM001 invalid_amount, FZ001 account_frozen, FZ002 recipient_frozen, RL001 rate_limited, '
  'NF001 insufficient_funds, IK001 idempotency_key_reused, IK002 idempotency_key_invalid, FT001 feature_disabled (the guild switched the currency off, issue 14). Source: issue #2.';
--! EndIncluded give/give.sql
--! Included shop/buy_reward_for.sql
create or replace function app_private.buy_reward_for(p_user_id bigint, p_sku text, p_qty integer, p_key text,
  p_at timestamptz default now())
returns app_public.orders
language plpgsql
as $$
declare
  v_user app_public.users;
  v_reward app_public.rewards;
  v_settings app_public.guild_settings;
  v_replay jsonb;
  v_limit integer;
  v_already integer;
  v_total bigint;
  v_order_id uuid;
  v_expires timestamptz;
  v_tx uuid;
  v_hold bigint;
  v_order app_public.orders;
  v_event app_public.economy_events;
  v_unit bigint;
begin
  perform app_private.check_quantity(p_qty);
  select * into v_user from app_private.lock_members(array[p_user_id]);
  perform app_private.require_feature(v_user.guild_id, 'shop');
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'buy_reward', 'sku', p_sku, 'qty', p_qty));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.orders, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  -- The reward row lock serialises buyers of one SKU: stock can never be oversold.
  select * into v_reward from app_public.rewards where guild_id = v_user.guild_id and sku = p_sku for update;
  if v_reward.sku is null or not v_reward.visible then
    perform app_private.raise_error('RW001', 'reward_not_found', jsonb_build_object('sku', p_sku));
  end if;
  if v_reward.expires_at is not null and v_reward.expires_at <= p_at then
    perform app_private.raise_error('RW002', 'reward_expired', jsonb_build_object('sku', p_sku, 'expired_at', v_reward.expires_at));
  end if;
  if v_reward.stock is not null and v_reward.stock < p_qty then
    perform app_private.raise_error('RW003', 'out_of_stock', jsonb_build_object('sku', p_sku, 'available', v_reward.stock));
  end if;
  if v_reward.limits ? 'per_member_per_day' then
    v_limit := (v_reward.limits ->> 'per_member_per_day')::int;
    select coalesce(sum(l.qty), 0) into v_already
      from app_public.orders o join app_public.order_lines l on l.order_id = o.order_id
     where o.buyer_id = v_user.id and o.kind = 'shop' and l.sku = p_sku and o.status in ('pending', 'fulfilled')
       and o.created_at >= date_trunc('day', p_at, 'UTC') and o.created_at < date_trunc('day', p_at, 'UTC') + interval '1 day';
    if v_already + p_qty > v_limit then
      perform app_private.raise_error('RW004', 'purchase_limit_reached',
        jsonb_build_object('sku', p_sku, 'limit', v_limit, 'period', 'day', 'already', v_already));
    end if;
  end if;
  if v_reward.limits ? 'per_member_lifetime' then
    v_limit := (v_reward.limits ->> 'per_member_lifetime')::int;
    select coalesce(sum(l.qty), 0) into v_already
      from app_public.orders o join app_public.order_lines l on l.order_id = o.order_id
     where o.buyer_id = v_user.id and o.kind = 'shop' and l.sku = p_sku and o.status in ('pending', 'fulfilled');
    if v_already + p_qty > v_limit then
      perform app_private.raise_error('RW004', 'purchase_limit_reached',
        jsonb_build_object('sku', p_sku, 'limit', v_limit, 'period', 'lifetime', 'already', v_already));
    end if;
  end if;

  -- An active shop_discount event (issue #5) takes its fraction off the unit price, rounded down to whole coins off.
  v_event := app_private.active_event(v_user.guild_id, 'shop_discount', p_at);
  v_unit := v_reward.price - case when v_event.id is null then 0 else floor(v_reward.price * v_event.value)::bigint end;
  v_total := v_unit * p_qty;
  select * into v_settings from app_public.guild_settings where guild_id = v_user.guild_id;
  v_order_id := gen_random_uuid();
  -- A voucher waits for its redemption (VOUCHER_TIMEOUT_H); everything else for its fulfilment (ESCROW_TIMEOUT_MIN).
  v_expires := p_at + case when v_reward.fulfilment = 'voucher' then make_interval(hours => v_settings.voucher_timeout_h)
                           else make_interval(mins => v_settings.escrow_timeout_min) end;
  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, order_id, created_at)
    values (v_user.guild_id, 'buy', v_user.discord_id, v_user.id, v_total, 'shop_purchase',
            jsonb_build_object('sku', p_sku, 'qty', p_qty, 'unit_price', v_unit, 'fee', 0)
              || case when v_event.id is null then '{}'::jsonb
                 else jsonb_build_object('list_price', v_reward.price, 'event_id', v_event.id, 'discount', v_event.value) end,
            v_order_id, p_at)
    returning tx_id into v_tx;
  v_hold := app_private.hold(v_user.guild_id, v_user.id, v_total, 'order_escrow', v_expires, v_tx, p_at);
  insert into app_public.orders (order_id, guild_id, kind, buyer_id, escrow, fee, fulfilment, hold_id, expires_at, created_at)
    values (v_order_id, v_user.guild_id, 'shop', v_user.id, v_total, 0, v_reward.fulfilment, v_hold, v_expires, p_at)
    returning * into v_order;
  insert into app_public.order_lines (order_id, guild_id, sku, qty, unit_price)
    values (v_order.order_id, v_user.guild_id, p_sku, p_qty, v_unit);
  if v_reward.stock is not null then
    update app_public.rewards set stock = stock - p_qty where guild_id = v_user.guild_id and sku = p_sku;
  end if;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v_order));
  return v_order;
end;
$$;

comment on function app_private.buy_reward_for(bigint, text, integer, text, timestamptz) is
  'The shop purchase rule at an explicit time. An active shop_discount economy event lowers the unit price by '
  'floor(price * discount) (list_price, event_id and discount in the transaction''s meta). See app_public.buy_reward. Errors also: FT001 feature_disabled when the guild switched shop off (issue 14 feature toggles).';
--! EndIncluded shop/buy_reward_for.sql
--! Included quests/answer_quest_for.sql
create or replace function app_private.answer_quest_for(p_user_id bigint, p_quest_id bigint, p_answer text, p_key text,
  p_at timestamptz default now())
returns app_public.quest_result
language plpgsql
as $$
declare
  v_user app_public.users;
  v_quest app_public.quests;
  v_replay jsonb;
  v_last timestamptz;
  v_next timestamptz;
  v_correct boolean;
  v_reward bigint := 0;
  v_tx uuid;
  v_result app_public.quest_result;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  if v_user.id is null then
    perform app_private.raise_error('MB001', 'member_not_registered');
  end if;
  perform app_private.require_feature(v_user.guild_id, 'quests');
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'answer_quest', 'quest_id', p_quest_id, 'answer', p_answer));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.quest_result, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  select * into v_quest from app_public.quests q
   where q.id = p_quest_id and q.guild_id = v_user.guild_id and q.active
     and (q.starts_at is null or q.starts_at <= p_at) and (q.ends_at is null or q.ends_at > p_at);
  if v_quest.id is null then
    perform app_private.raise_error('QS001', 'quest_not_found', jsonb_build_object('quest_id', p_quest_id::text));
  end if;
  if p_answer is not null and length(p_answer) > 200 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'answer', 'max', 200));
  end if;
  if v_quest.kind = 'trivia' and app_private.quest_answer_key(p_answer) = '' then
    perform app_private.raise_error('QS003', 'answer_required');
  end if;
  -- The member row lock (lock_members) serialises a member's attempts, so this read is the latest.
  select max(attempted_at) into v_last from app_public.quest_attempts
   where user_id = v_user.id and quest_id = v_quest.id;
  if v_last is not null and p_at < v_last + make_interval(secs => v_quest.cooldown_s) then
    v_next := v_last + make_interval(secs => v_quest.cooldown_s);
    perform app_private.raise_error('QS002', 'quest_cooldown',
      jsonb_build_object('next_attempt_at', v_next, 'retry_after_s', ceil(extract(epoch from v_next - p_at))::bigint));
  end if;

  v_correct := v_quest.kind = 'check_in'
    or app_private.quest_answer_key(p_answer) = any (select app_private.quest_answer_key(a) from unnest(v_quest.answers) a);
  if v_correct then
    v_reward := v_quest.reward;
    insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, created_at)
      values (v_user.guild_id, 'earn', v_user.discord_id, v_user.id, v_reward, 'quest',
              jsonb_build_object('quest_id', v_quest.id::text, 'title', v_quest.title), p_at)
      returning tx_id into v_tx;
    perform app_private.post_transfer(v_user.guild_id,
      app_private.guild_account(v_user.guild_id, 'mint'),
      app_private.member_account(v_user.id, 'wallet'),
      v_reward, 'quest', v_tx, 'posted', null, null, p_at);
  end if;
  insert into app_public.quest_attempts (guild_id, quest_id, user_id, answer, correct, reward, tx_id, attempted_at)
    values (v_user.guild_id, v_quest.id, v_user.id, left(btrim(coalesce(p_answer, '')), 200), v_correct, v_reward, v_tx, p_at);

  v_result := (v_quest.id, v_correct, v_reward,
    (select balance from app_public.accounts where id = app_private.member_account(v_user.id, 'wallet')),
    p_at + make_interval(secs => v_quest.cooldown_s), v_tx)::app_public.quest_result;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v_result));
  return v_result;
end;
$$;

comment on function app_private.answer_quest_for(bigint, bigint, text, text, timestamptz) is
  'The quest rule at an explicit time (p_at; the public function passes now(), the demo seed back-dates). See '
  'app_public.answer_quest. Errors also: FT001 feature_disabled when the guild switched quests off (issue 14 feature toggles).';
--! EndIncluded quests/answer_quest_for.sql
--! Included mm/mm_open_trade_for.sql
create or replace function app_private.mm_open_trade_for(p_user_id bigint, p_at timestamptz default now())
returns app_public.mm_trades
language plpgsql
as $$
declare
  v_user app_public.users;
  v_settings app_public.guild_settings;
  v_live integer;
  v_recent integer;
  v app_public.mm_trades;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  if v_user.id is null then
    perform app_private.raise_error('MB001', 'member_not_registered');
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  perform app_private.require_feature(v_user.guild_id, 'middleman');
  -- A second Start Middleman while the member's last ticket is still open (no form yet) returns that ticket.
  select * into v from app_public.mm_trades t where t.starter_id = p_user_id and t.status = 'open' order by t.id desc limit 1;
  if v.id is not null then
    return v;
  end if;
  select * into v_settings from app_public.guild_settings where guild_id = v_user.guild_id;
  select count(*) into v_live from app_public.mm_trades t
   where t.guild_id = v_user.guild_id and t.closed_at is null
     and p_user_id in (t.starter_id, t.counterparty_id, t.seller_id, t.buyer_id);
  if v_live >= v_settings.mm_live_limit then
    perform app_private.raise_error('MM005', 'too_many_live_trades', jsonb_build_object('limit', v_settings.mm_live_limit));
  end if;
  select count(*) into v_recent from app_public.mm_trades t
   where t.starter_id = p_user_id and t.created_at > p_at - interval '1 hour';
  if v_recent >= v_settings.mm_hourly_limit then
    perform app_private.raise_error('MM006', 'trade_rate_limited', jsonb_build_object('limit', v_settings.mm_hourly_limit,
      'retry_after_s', ceil(extract(epoch from (select min(t.created_at) from app_public.mm_trades t
        where t.starter_id = p_user_id and t.created_at > p_at - interval '1 hour') + interval '1 hour' - p_at))::integer));
  end if;
  insert into app_public.mm_trades (guild_id, starter_id, created_at) values (v_user.guild_id, p_user_id, p_at)
    returning * into v;
  perform app_private.mm_event(v, 'opened', 'starter', v_user.discord_id, '{}', null, null, p_at);
  return v;
end;
$$;

comment on function app_private.mm_open_trade_for(bigint, timestamptz) is
  'Start Middleman: opens a trade (status open) started by the member, at an explicit time; while the member''s last '
  'ticket is still open (no form submitted) that ticket is returned instead (a double click opens one ticket). Limits (guild_settings): '
  'at most mm_live_limit (3) live trades per member as any party, at most mm_hourly_limit (5) started per rolling hour. '
  'Errors: FT001 feature_disabled (the guild switched the feature off, issue 14), MB001, FZ001 account_frozen, MM005 too_many_live_trades, MM006 trade_rate_limited. Source: seed 004 "Start '
  'flow", "Rate-limit trade creation per user"; issue 13 "Limits in SQL".';
--! EndIncluded mm/mm_open_trade_for.sql
--! Included cards/draw_card_for.sql
create or replace function app_private.draw_card_for(p_user_id bigint, p_pack text, p_currency text, p_role_ids bigint[],
  p_key text, p_at timestamptz default now())
returns app_public.user_cards
language plpgsql
as $$
declare
  v_user app_public.users;
  v_replay jsonb;
  v_open app_public.pack_openings;
  v app_public.user_cards;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  perform app_private.require_feature(v_user.guild_id, 'cards');
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'draw_card', 'pack', p_pack, 'currency', p_currency));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.user_cards, v_replay);
  end if;
  v_open := app_private.open_pack_for(p_user_id, p_pack, p_currency, p_role_ids, null, p_at);
  v := app_private.pick_card_for(p_user_id, v_open.id, 0, p_at);
  update app_public.user_cards set origin = 'draw' where id = v.id returning * into v;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v));
  return v;
end;
$$;

comment on function app_private.draw_card_for(bigint, text, text, bigint[], text, timestamptz) is
  'The draw rule at an explicit time. See app_public.draw_card. Errors also: FT001 feature_disabled when the guild switched cards off (issue 14 feature toggles).';
--! EndIncluded cards/draw_card_for.sql
--! Included cards/open_pack_for.sql
create or replace function app_private.open_pack_for(p_user_id bigint, p_pack text, p_currency text, p_role_ids bigint[],
  p_key text, p_at timestamptz default now())
returns app_public.pack_openings
language plpgsql
as $$
declare
  v_user app_public.users;
  v_pack app_public.pack_types;
  v_event app_public.card_events;
  v_replay jsonb;
  v_tx uuid;
  v_amount bigint;
  v app_public.pack_openings;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  perform app_private.require_feature(v_user.guild_id, 'cards');
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'open_pack', 'pack', p_pack, 'currency', p_currency));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.pack_openings, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  select * into v_pack from app_public.pack_types where guild_id = v_user.guild_id and code = p_pack;
  if v_pack.id is null then
    perform app_private.raise_error('CA007', 'pack_not_found', jsonb_build_object('pack', p_pack));
  end if;
  select * into v_event from app_public.card_events where id = v_pack.event_id;
  if not v_pack.active or (v_pack.event_id is not null and not (p_at >= v_event.starts_at and p_at < v_event.ends_at)) then
    perform app_private.raise_error('CA008', 'pack_not_available', jsonb_build_object('pack', p_pack));
  end if;
  perform app_private.card_cooldown(p_user_id, v_pack.command, v_pack.cooldown_s, p_role_ids, p_at);
  if p_currency is not null then
    perform app_private.card_currency(v_user.guild_id, p_currency);
    select amount into v_amount from app_public.pack_costs where pack_type_id = v_pack.id and currency = p_currency;
    if v_amount is null then
      perform app_private.raise_error('CA009', 'currency_not_used', jsonb_build_object('currency', p_currency, 'pack', v_pack.code));
    end if;
    insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, currency, reason, meta, created_at)
      values (v_user.guild_id, 'spend', v_user.discord_id, p_user_id, v_amount, p_currency, 'card_pack',
        jsonb_build_object('pack', v_pack.code), p_at)
      returning tx_id into v_tx;
  end if;
  v_amount := app_private.pay_for_pack(p_user_id, v_pack.id, p_currency, v_tx, p_at);
  insert into app_public.pack_openings (guild_id, user_id, pack_type_id, free, currency, amount, rates, opened_at)
    values (v_user.guild_id, p_user_id, v_pack.id, p_currency is null, p_currency, v_amount,
      array[v_pack.rate_common, v_pack.rate_rare, v_pack.rate_epic, v_pack.rate_legendary, v_pack.rate_mythic], p_at)
    returning * into v;
  perform 1 from app_private.draw_cards(p_user_id, v_pack.id, v_pack.cards_per_pack, v.id, p_at);
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v));
  return v;
end;
$$;

comment on function app_private.open_pack_for(bigint, text, text, bigint[], text, timestamptz) is
  'The open-pack rule at an explicit time. See app_public.open_pack. Errors also: FT001 feature_disabled when the guild switched cards off (issue 14 feature toggles).';
--! EndIncluded cards/open_pack_for.sql
--! Included tasks/claim_task_for.sql
create or replace function app_private.claim_task_for(p_user_id bigint, p_task_id bigint, p_role_ids bigint[], p_key text,
  p_at timestamptz default now())
returns app_public.task_claims
language plpgsql
as $$
declare
  v_user app_public.users;
  v_task app_public.tasks;
  v_settings app_public.guild_settings;
  v_replay jsonb;
  v_active integer;
  v_taken integer;
  v_existing app_public.task_claim_status;
  v_claim app_public.task_claims;
begin
  -- The member row lock serialises one member's claims (the per-member limit, no double claim).
  select * into v_user from app_private.lock_members(array[p_user_id]);
  if v_user.id is null then
    perform app_private.raise_error('MB001', 'member_not_registered');
  end if;
  perform app_private.require_feature(v_user.guild_id, 'tasks');
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'claim_task', 'task_id', p_task_id));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.task_claims, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  select * into v_settings from app_public.guild_settings where guild_id = v_user.guild_id;
  if not coalesce(v_settings.allow_user_tasks, true) then
    perform app_private.raise_error('TK012', 'task_claims_closed');
  end if;
  -- The task row lock serialises the claims of one task: of concurrent claims of its last slot, exactly one wins.
  select * into v_task from app_public.tasks t
   where t.id = p_task_id and t.guild_id = v_user.guild_id and t.status <> 'deleted'
   for update;
  if v_task.id is null then
    perform app_private.raise_error('TK001', 'task_not_found', jsonb_build_object('task_id', p_task_id::text));
  end if;
  if v_task.status = 'expired' or (v_task.expires_at is not null and v_task.expires_at <= p_at) then
    perform app_private.raise_error('TK003', 'task_expired', jsonb_build_object('task_id', v_task.id::text,
      'expired_at', coalesce(v_task.expires_at, v_task.updated_at)));
  end if;
  if v_task.status <> 'active' then
    perform app_private.raise_error('TK001', 'task_not_found', jsonb_build_object('task_id', p_task_id::text));
  end if;
  if cardinality(v_task.assigned_member_ids) > 0 and not (v_user.discord_id = any (v_task.assigned_member_ids)) then
    perform app_private.raise_error('TK004', 'task_not_assigned', jsonb_build_object('task_id', v_task.id::text));
  end if;
  if v_task.required_role_id is not null and not (v_task.required_role_id = any (coalesce(p_role_ids, '{}'))) then
    perform app_private.raise_error('TK007', 'task_role_required', jsonb_build_object('role_id', v_task.required_role_id::text));
  end if;
  select c.status into v_existing from app_public.task_claims c
   where c.task_id = v_task.id and c.user_id = v_user.id and c.status in ('in_progress', 'submitted', 'accepted');
  if v_existing is not null then
    perform app_private.raise_error('TK005', 'task_already_claimed', jsonb_build_object('task_id', v_task.id::text,
      'status', v_existing));
  end if;
  select count(*) into v_active from app_public.task_claims c
   where c.user_id = v_user.id and c.status in ('in_progress', 'submitted');
  if v_active >= coalesce(v_settings.max_tasks_per_user, 10) then
    perform app_private.raise_error('TK006', 'task_limit_reached', jsonb_build_object('active', v_active,
      'limit', coalesce(v_settings.max_tasks_per_user, 10)));
  end if;
  if v_task.max_claims is not null then
    select count(*) into v_taken from app_public.task_claims c
     where c.task_id = v_task.id and c.status in ('in_progress', 'submitted', 'accepted');
    if v_taken >= v_task.max_claims then
      perform app_private.raise_error('TK002', 'task_full', jsonb_build_object('task_id', v_task.id::text,
        'max_claims', v_task.max_claims));
    end if;
  end if;

  insert into app_public.task_claims (guild_id, task_id, user_id, claimed_at, deadline)
    values (v_user.guild_id, v_task.id, v_user.id, p_at, p_at + make_interval(hours => v_task.duration_hours))
    returning * into v_claim;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v_claim));
  return v_claim;
end;
$$;

comment on function app_private.claim_task_for(bigint, bigint, bigint[], text, timestamptz) is
  'The claim rule at an explicit time (p_at) with the member''s Discord role ids stated (p_role_ids). See '
  'app_public.claim_task. Errors also: FT001 feature_disabled when the guild switched tasks off (issue 14 feature toggles).';
--! EndIncluded tasks/claim_task_for.sql
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
  perform app_private.require_feature(v_claim.guild_id, 'tasks');
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
  'task_reviewed notification setting is on (issue 14). See app_public.review_task_claim. Errors also: FT001 feature_disabled when the guild switched tasks off (issue 14 feature toggles).';
--! EndIncluded tasks/review_task_claim_by.sql

--------------------------------------------------------------------------------
-- Transactions archive (issue 14 "Transactions"; seed 003 POST /transactions/archive)
--------------------------------------------------------------------------------

-- An archive table, not partitioning: transfers and task_claims reference transactions(tx_id), and a partitioned
-- table's unique keys must contain the partition key, so partitioning by created_at would cost those references
-- anyway; the archive keeps the hot table's nine indexes, triggers and the give path untouched.
alter table app_public.transfers drop constraint if exists transfers_tx_id_fkey;
alter table app_public.task_claims drop constraint if exists task_claims_tx_id_fkey;
create table app_public.transactions_archive (like app_public.transactions);
alter table app_public.transactions_archive
  add column archived_at timestamptz not null default now(),
  add primary key (tx_id);
create index transactions_archive_guild_created_at on app_public.transactions_archive (guild_id, created_at);
create index transactions_archive_user_created_at on app_public.transactions_archive (user_id, created_at);
comment on table app_public.transactions_archive is E'@behavior -insert -update -delete\n'
  'Transactions moved out of the hot table by archive_transactions (issue 14): the same columns plus archived_at. '
  'Their transfers stay in app_public.transfers (verify_ledger checks every transfer''s journal entry exists here or '
  'in transactions); transaction_history and the CSV export read both.';
alter table app_public.transactions_archive enable row level security;
grant select on app_public.transactions_archive to coins_player, coins_staff;

create table app_public.transaction_archive_runs (
  id bigint generated always as identity primary key,
  guild_id bigint not null references app_public.guilds (id) on delete cascade,
  before timestamptz not null,
  archived bigint not null check (archived >= 0),
  amount_total numeric not null,
  actor_id bigint not null,
  reason text not null,
  created_at timestamptz not null default now()
);
create index transaction_archive_runs_guild on app_public.transaction_archive_runs (guild_id, created_at);
comment on table app_public.transaction_archive_runs is E'@behavior -insert -update -delete\n'
  'One row per archive run (issue 14): the cutoff, how many transactions moved and their amount total, who and why.';
alter table app_public.transaction_archive_runs enable row level security;
grant select on app_public.transaction_archive_runs to coins_staff;

--! Included archive/transactions_archive.policies.sql
-- Row-level security of app_public.transactions_archive: as app_public.transactions (staff read their guild's, members their own).

drop policy if exists transactions_archive_staff on app_public.transactions_archive;
create policy transactions_archive_staff on app_public.transactions_archive for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);

drop policy if exists transactions_archive_self on app_public.transactions_archive;
create policy transactions_archive_self on app_public.transactions_archive for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and (select u.id from app_public.users u
              where u.guild_id = app_public.current_guild_id()
                and u.discord_id = app_public.current_discord_id()) in (user_id, counterparty_id));
--! EndIncluded archive/transactions_archive.policies.sql
--! Included archive/transaction_archive_runs.policies.sql
-- Row-level security of app_public.transaction_archive_runs: staff of the guild read its archive runs.
drop policy if exists transaction_archive_runs_staff on app_public.transaction_archive_runs;
create policy transaction_archive_runs_staff on app_public.transaction_archive_runs for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded archive/transaction_archive_runs.policies.sql
--! Included invariants/verify_ledger.sql
create or replace function app_public.verify_ledger(guild_id bigint default null) returns setof app_public.ledger_violation
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_guild bigint := guild_id;
begin
  if current_setting('role', true) = 'coins_staff' then
    perform app_private.require_staff(enum_range(null::app_public.staff_role));
    if v_guild is not null and v_guild <> app_public.current_guild_id() then
      perform app_private.raise_error('PD001', 'permission_denied', jsonb_build_object('guild_id', v_guild::text));
    end if;
    v_guild := app_public.current_guild_id();
  end if;
  -- Other API roles have no EXECUTE grant; the worker and the owner may check any guild.

  -- 1. Double entry: per guild and currency, balances sum to zero.
  return query
    select 'sum_of_balances_is_zero', a.guild_id, a.currency, null::bigint, 0::bigint, sum(a.balance)::bigint
      from app_public.accounts a
     where v_guild is null or a.guild_id = v_guild
     group by a.guild_id, a.currency
    having sum(a.balance) <> 0;
  -- 2. Each balance equals its postings.
  return query
    with postings as (
      select x.account_id, sum(x.amount)::bigint as net
        from (select t.credit_account_id as account_id, t.amount from app_public.transfers t
               where v_guild is null or t.guild_id = v_guild
              union all
              select t.debit_account_id, -t.amount from app_public.transfers t
               where v_guild is null or t.guild_id = v_guild) x
       group by x.account_id
    )
    select 'balance_equals_postings', a.guild_id, a.currency, a.id, coalesce(p.net, 0), a.balance
      from app_public.accounts a left join postings p on p.account_id = a.id
     where (v_guild is null or a.guild_id = v_guild) and a.balance <> coalesce(p.net, 0);
  -- 2b. The posting totals kept on the account match the transfers.
  return query
    with totals as (
      select x.account_id, sum(x.credit)::bigint as credits, sum(x.debit)::bigint as debits
        from (select t.credit_account_id as account_id, t.amount as credit, 0::bigint as debit from app_public.transfers t
               where v_guild is null or t.guild_id = v_guild
              union all
              select t.debit_account_id, 0, t.amount from app_public.transfers t
               where v_guild is null or t.guild_id = v_guild) x
       group by x.account_id
    )
    select 'posting_totals_match', a.guild_id, a.currency, a.id,
           coalesce(p.credits, 0) + coalesce(p.debits, 0), a.credits_posted + a.debits_posted
      from app_public.accounts a left join totals p on p.account_id = a.id
     where (v_guild is null or a.guild_id = v_guild)
       and (a.credits_posted <> coalesce(p.credits, 0) or a.debits_posted <> coalesce(p.debits, 0));
  -- 2c. Lifetime counters equal the value that crossed between the member and others.
  return query
    with flows as (
      select u.id as user_id,
             coalesce(sum(t.amount) filter (where ca.user_id = u.id and da.user_id is distinct from u.id), 0)::bigint as earned,
             coalesce(sum(t.amount) filter (where da.user_id = u.id and ca.user_id is distinct from u.id), 0)::bigint as spent
        from app_public.users u
        left join app_public.accounts ua on ua.user_id = u.id
        left join app_public.transfers t on (t.debit_account_id = ua.id or t.credit_account_id = ua.id) and t.currency = 'COIN'
        left join app_public.accounts da on da.id = t.debit_account_id
        left join app_public.accounts ca on ca.id = t.credit_account_id
       where v_guild is null or u.guild_id = v_guild
       group by u.id
    )
    select 'lifetime_counters_match', u.guild_id, 'COIN'::text, null::bigint,
           f.earned + f.spent, u.lifetime_earned + u.lifetime_spent
      from app_public.users u join flows f on f.user_id = u.id
     where u.lifetime_earned <> f.earned or u.lifetime_spent <> f.spent;
  -- 3. No member, treasury or fees account is negative.
  return query
    select 'no_negative_balance', a.guild_id, a.currency, a.id, 0::bigint, a.balance
      from app_public.accounts a
     where (v_guild is null or a.guild_id = v_guild) and a.kind not in ('mint', 'external') and a.balance < 0;
  -- 4. An escrow account holds exactly its pending holds.
  return query
    select 'escrow_equals_pending_holds', a.guild_id, a.currency, a.id,
           coalesce((select sum(t.amount) from app_public.transfers t
                      where t.credit_account_id = a.id and t.status = 'pending'), 0)::bigint,
           a.balance
      from app_public.accounts a
     where (v_guild is null or a.guild_id = v_guild) and a.kind = 'escrow'
       and a.balance <> coalesce((select sum(t.amount) from app_public.transfers t
                                   where t.credit_account_id = a.id and t.status = 'pending'), 0);
  -- 5. A resolved hold was paid out exactly once and in full; a pending one not at all.
  return query
    select 'hold_resolved_exactly', h.guild_id, h.currency, h.credit_account_id,
           case when h.status = 'pending' then 0 else h.amount end,
           coalesce(sum(l.amount), 0)::bigint
      from app_public.transfers h
      left join app_public.transfers l on l.pending_id = h.id
     where (v_guild is null or h.guild_id = v_guild) and h.pending_id is null
       and (h.status = 'pending' or h.timeout_at is not null or l.id is not null)
       and exists (select 1 from app_public.accounts a where a.id = h.credit_account_id and a.kind = 'escrow')
     group by h.id
    having coalesce(sum(l.amount), 0) <> case when h.status = 'pending' then 0 else h.amount end;
  -- 6. Orders agree with their holds.
  return query select * from app_private.order_violations(v_guild);
  -- 7. Cards (issue 15): a copy has exactly one owner of its own guild or is burned (account_id = the copy).
  return query
    select 'card_has_one_owner_or_is_burned', c.guild_id, null::text, c.id, 1::bigint, 0::bigint
      from app_public.user_cards c left join app_public.users u on u.id = c.owner_id
     where (v_guild is null or c.guild_id = v_guild)
       and ((c.owner_id is null) = (c.burned_at is null) or (c.owner_id is not null and u.guild_id is distinct from c.guild_id));
  -- 8. Print numbers of a template are 1..n without gaps, and n = copies_created (account_id = the template).
  return query
    select 'print_numbers_gap_free', t.guild_id, null::text, t.id, t.copies_created::bigint,
           count(c.id) filter (where c.print_no between 1 and t.copies_created)::bigint
      from app_public.card_templates t left join app_public.user_cards c on c.template_id = t.id
     where v_guild is null or t.guild_id = v_guild
     group by t.id
    having count(c.id) <> t.copies_created or count(distinct c.print_no) filter (where c.print_no between 1 and t.copies_created) <> t.copies_created;
  -- 9. A copy is in at most one active listing, by its owner (account_id = the copy).
  return query
    select 'card_listing_by_owner', l.guild_id, l.currency, l.card_id, 1::bigint, 0::bigint
      from app_public.card_listings l join app_public.user_cards c on c.id = l.card_id
     where (v_guild is null or l.guild_id = v_guild) and l.status = 'active'
       and (c.owner_id is distinct from l.seller_id or c.temporary);
  -- 10. Middleman trades agree with their holds (issue 13).
  return query select * from app_private.mm_violations(v_guild);
  -- 11. Every transfer's journal entry exists, live or archived (issue 14: the archive moves journal rows, never transfers).
  return query
    select 'transfer_has_journal_entry', t.guild_id, t.currency, t.debit_account_id, 1::bigint, 0::bigint
      from app_public.transfers t
     where (v_guild is null or t.guild_id = v_guild) and t.tx_id is not null
       and not exists (select 1 from app_public.transactions x where x.tx_id = t.tx_id)
       and not exists (select 1 from app_public.transactions_archive a where a.tx_id = t.tx_id);
end;
$$;

comment on function app_public.verify_ledger(bigint) is
  'Returns every violated ledger invariant (empty = healthy): per guild and currency the balances sum to zero; each '
  'balance equals the sum of its postings, and its credit/debit totals those of its transfers; each member''s lifetime '
  'counters equal what crossed between them and others; no member/treasury/fees balance is negative; each escrow account equals its '
  'pending holds; each resolved hold was paid out exactly once and in full; every order agrees with its hold (no '
  'pending transfer behind a settled order); each card copy has one owner of its guild or is burned; print numbers of '
  'a template are 1..copies_created without gaps; an active card listing''s copy belongs to its seller; every middleman '
  'trade agrees with its holds (mm_violations, issue 13); every transfer''s journal entry exists in transactions or transactions_archive (issue 14 archive). Staff (any role) check their own guild; the '
  'worker and the owner may check one guild or all (null). Errors: AU001, PD001 permission_denied. Source: DESIGN.md "Money".';
--! EndIncluded invariants/verify_ledger.sql
--! Included archive/archive_transactions.sql
create or replace function app_public.archive_transactions(before timestamptz, reason text, idempotency_key text)
returns app_public.transaction_archive_runs
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff('{SUPERADMIN,ADMIN}');
  v_guild bigint := app_public.current_guild_id();
  v_actor bigint := app_public.current_discord_id();
  v_replay jsonb;
  v_run app_public.transaction_archive_runs;
  v_count bigint;
  v_amount numeric;
  v_bad integer;
begin
  if reason is null or length(btrim(reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  if before is null or before > now() - interval '30 days' then
    perform app_private.raise_error('AR001', 'archive_cutoff_too_recent',
      jsonb_build_object('before', before, 'latest_allowed', now() - interval '30 days'));
  end if;
  v_replay := app_private.idempotency_begin(v_guild, v_actor, idempotency_key,
    jsonb_build_object('fn', 'archive_transactions', 'before', before, 'reason', reason));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.transaction_archive_runs, v_replay);
  end if;
  with moved as (
    delete from app_public.transactions t where t.guild_id = v_guild and t.created_at < before returning t.*
  ), kept as (
    insert into app_public.transactions_archive
      select m.*, now() from moved m
    returning amount
  )
  select count(*), coalesce(sum(amount), 0) into v_count, v_amount from kept;
  -- The ledger proper (transfers, balances) is untouched; prove it still verifies, journal links included.
  select count(*) into v_bad from app_public.verify_ledger(v_guild);
  if v_bad > 0 then
    perform app_private.raise_error('AR002', 'ledger_unverifiable', jsonb_build_object('violations', v_bad));
  end if;
  insert into app_public.transaction_archive_runs (guild_id, before, archived, amount_total, actor_id, reason)
    values (v_guild, before, v_count, v_amount, v_actor, btrim(reason))
  returning * into v_run;
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v_guild, v_actor, v_role, 'archive_transactions', 'transaction_archive', v_run.id::text, null,
            jsonb_build_object('before', before, 'archived', v_count, 'amount_total', v_amount), btrim(reason));
  perform app_private.idempotency_finish(v_guild, v_actor, idempotency_key, to_jsonb(v_run));
  return v_run;
end;
$$;

comment on function app_public.archive_transactions(timestamptz, text, text) is
  'Moves the current guild''s transactions created before `before` (at least 30 days ago) from the hot table '
  'app_public.transactions into app_public.transactions_archive in one transaction, records the run (count and amount '
  'total) and audits it; then checks verify_ledger for the guild and refuses (rolling everything back) if anything is '
  'violated. Transfers and balances never move, so the ledger stays verifiable, and transaction_history (the CSV '
  'export) reads both tables. SUPERADMIN/ADMIN. Errors: AU001, PD001 permission_denied, RS001 reason_required, AR001 '
  'archive_cutoff_too_recent, AR002 ledger_unverifiable, IK001/IK002. Source: issue 14 "Panel" (Transactions: '
  'archive), seed 003 POST /transactions/archive.';
--! EndIncluded archive/archive_transactions.sql
--! Included archive/transaction_history.sql
create or replace function app_public.transaction_history(from_at timestamptz default null, to_at timestamptz default null,
  tx_type app_public.tx_type default null)
returns setof app_public.transactions
language sql stable set search_path = pg_catalog, public, pg_temp
as $$
  select * from (
    select t.* from app_public.transactions t
     where (from_at is null or t.created_at >= from_at) and (to_at is null or t.created_at < to_at)
       and (tx_type is null or t.type = tx_type)
    union all
    select a.tx_id, a.seq, a.guild_id, a.type, a.actor_id, a.user_id, a.counterparty_id, a.amount, a.currency, a.reason,
           a.meta, a.created_at, a.order_id, a.listing_id, a.xid
      from app_public.transactions_archive a
     where (from_at is null or a.created_at >= from_at) and (to_at is null or a.created_at < to_at)
       and (tx_type is null or a.type = tx_type)
  ) h
  order by h.created_at desc, h.seq desc;
$$;

comment on function app_public.transaction_history(timestamptz, timestamptz, app_public.tx_type) is
  'Every transaction, live and archived (transactions_archive), newest first, optionally from/to a time and of one '
  'type: what the panel''s CSV export reads so that archiving never shortens it. Caller''s rights: RLS decides (staff '
  'their guild, members their own). Raises nothing. Source: issue 14 "Panel" (archive keeps the CSV export complete).';
--! EndIncluded archive/transaction_history.sql

--------------------------------------------------------------------------------
-- Inactive members (issue 14 "Panel: Users"; seed 003 /users/inactive, /users/cleanup, /users/<id>/reactivate)
--------------------------------------------------------------------------------

alter table app_public.users drop column if exists deactivated_at, drop column if exists reactivated_at;
alter table app_public.users add column deactivated_at timestamptz, add column reactivated_at timestamptz;
comment on column app_public.users.deactivated_at is
  'When staff deactivated the member (cleanup of inactive members, issue 14); null = active. Balances stay.';
comment on column app_public.users.reactivated_at is 'When staff last reactivated the member (counts as activity).';

--! Included members/users_last_active_at.sql
create or replace function app_public.users_last_active_at(u app_public.users)
returns timestamptz
language sql stable set search_path = pg_catalog, public, pg_temp
as $$
  select greatest(u.created_at, u.last_daily_at, u.reactivated_at,
    (select max(t.created_at) from app_public.transactions t where t.user_id = u.id),
    (select max(t.created_at) from app_public.transactions t where t.actor_id = u.discord_id and t.guild_id = u.guild_id),
    (select max(a.created_at) from app_public.transactions_archive a where a.user_id = u.id));
$$;

comment on function app_public.users_last_active_at(app_public.users) is
  'A member''s last activity (the panel''s lastActiveAt): the latest of their registration, daily claim, reactivation '
  'and any transaction they are the subject or the actor of (archived ones included). Read with the caller''s rights. '
  'Raises nothing. Source: issue 14 "Panel" (inactive members), seed 003 GET /users/inactive.';
--! EndIncluded members/users_last_active_at.sql
--! Included members/inactive_members.sql
create or replace function app_public.inactive_members(days integer, include_deactivated boolean default false)
returns setof app_public.users
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app_private.require_staff(enum_range(null::app_public.staff_role));
  if days is null or days not between 1 and 3650 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'days'));
  end if;
  return query
    select u.* from app_public.users u
     where u.guild_id = app_public.current_guild_id() and not u.is_bot
       and (include_deactivated or u.deactivated_at is null)
       and app_public.users_last_active_at(u) < now() - make_interval(days => days)
     order by app_public.users_last_active_at(u), u.id;
end;
$$;

comment on function app_public.inactive_members(integer, boolean) is
  'Members of the current guild with no activity (users_last_active_at) for `days` days (1..3650), oldest first; '
  'deactivated ones only with include_deactivated. Any staff role. Errors: AU001, PD001 permission_denied, VL001 '
  'invalid_argument (days). Source: issue 14 "Panel" (inactive members), seed 003 GET /api/<server>/users/inactive.';
--! EndIncluded members/inactive_members.sql
--! Included members/set_member_active.sql
create or replace function app_private.set_member_active(p_active boolean, p_discord_id bigint, p_reason text, p_key text)
returns app_public.admin_actions
language plpgsql
as $$
declare
  v_role app_public.staff_role := app_private.require_staff('{SUPERADMIN,ADMIN,OPERATOR}');
  v_user app_public.users := app_private.staff_target(p_discord_id, p_reason);
  v_actor bigint := app_public.current_discord_id();
  v_replay jsonb;
  v_before jsonb;
  v_action app_public.admin_actions;
begin
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_actor, p_key,
    jsonb_build_object('fn', case when p_active then 'reactivate_member' else 'deactivate_member' end,
      'user', p_discord_id, 'reason', p_reason));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.admin_actions, v_replay);
  end if;
  if p_active and v_user.deactivated_at is null then
    perform app_private.raise_error('IA001', 'member_not_deactivated', jsonb_build_object('discord_id', p_discord_id::text));
  elsif not p_active and v_user.deactivated_at is not null then
    perform app_private.raise_error('IA002', 'member_already_deactivated', jsonb_build_object('discord_id', p_discord_id::text));
  end if;
  v_before := jsonb_build_object('deactivated_at', v_user.deactivated_at, 'reactivated_at', v_user.reactivated_at);
  update app_public.users
     set deactivated_at = case when p_active then null else now() end,
         reactivated_at = case when p_active then now() else reactivated_at end
   where id = v_user.id
  returning * into v_user;
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v_user.guild_id, v_actor, v_role, case when p_active then 'reactivate_member' else 'deactivate_member' end,
      'user', p_discord_id::text, v_before,
      jsonb_build_object('deactivated_at', v_user.deactivated_at, 'reactivated_at', v_user.reactivated_at), btrim(p_reason))
  returning * into v_action;
  perform app_private.idempotency_finish(v_user.guild_id, v_actor, p_key, to_jsonb(v_action));
  return v_action;
end;
$$;

comment on function app_private.set_member_active(boolean, bigint, text, text) is
  'Deactivates (cleanup) or reactivates one member of the current guild, audited in admin_actions (before/after, '
  'reason); OPERATOR and above; never one''s own account. The member''s balance and history stay (no value moves); a '
  'deactivated member is left out of the panel''s member list and inactive report until reactivated. Errors: AU001, '
  'PD001 permission_denied, PD002 self_action_forbidden, RS001 reason_required, MB002 member_not_found, IA001 '
  'member_not_deactivated, IA002 member_already_deactivated, IK001/IK002. Source: issue 14 "Panel" (deactivate, '
  'reactivate, audited), seed 003 POST /users/cleanup and /users/<id>/reactivate.';
--! EndIncluded members/set_member_active.sql
--! Included members/deactivate_member.sql
create or replace function app_public.deactivate_member(discord_id bigint, reason text, idempotency_key text)
returns app_public.admin_actions
language sql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
  select app_private.set_member_active(false, discord_id, reason, idempotency_key);
$$;

comment on function app_public.deactivate_member(bigint, text, text) is
  'Deactivates one member (see app_private.set_member_active). Errors: AU001, PD001, PD002, RS001, MB002, IA002 '
  'member_already_deactivated, IK001, IK002. Source: issue 14 "Panel" (deactivate, audited).';
--! EndIncluded members/deactivate_member.sql
--! Included members/reactivate_member.sql
create or replace function app_public.reactivate_member(discord_id bigint, reason text, idempotency_key text)
returns app_public.admin_actions
language sql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
  select app_private.set_member_active(true, discord_id, reason, idempotency_key);
$$;

comment on function app_public.reactivate_member(bigint, text, text) is
  'Reactivates a deactivated member (see app_private.set_member_active). Errors: AU001, PD001, PD002, RS001, MB002, '
  'IA001 member_not_deactivated, IK001, IK002. Source: issue 14 "Panel" (reactivate, audited), seed 003 POST '
  '/users/<id>/reactivate.';
--! EndIncluded members/reactivate_member.sql
--! Included members/deactivate_inactive_members.sql
create or replace function app_public.deactivate_inactive_members(days integer, reason text, idempotency_key text)
returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff('{SUPERADMIN,ADMIN,OPERATOR}');
  v_guild bigint := app_public.current_guild_id();
  v_actor bigint := app_public.current_discord_id();
  v_replay jsonb;
  v_count integer;
begin
  if reason is null or length(btrim(reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  if days is null or days not between 7 and 3650 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'days'));
  end if;
  v_replay := app_private.idempotency_begin(v_guild, v_actor, idempotency_key,
    jsonb_build_object('fn', 'deactivate_inactive_members', 'days', days, 'reason', reason));
  if v_replay is not null then
    return (v_replay ->> 'count')::integer;
  end if;
  with gone as (
    update app_public.users u set deactivated_at = now()
     where u.id in (select i.id from app_public.inactive_members(days) i where i.discord_id <> v_actor)
    returning u.guild_id, u.discord_id
  ), audited as (
    insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    select g.guild_id, v_actor, v_role, 'deactivate_member', 'user', g.discord_id::text,
           jsonb_build_object('deactivated_at', null), jsonb_build_object('deactivated_at', now(), 'inactive_days', days), btrim(reason)
      from gone g
    returning 1
  )
  select count(*) into v_count from audited;
  perform app_private.idempotency_finish(v_guild, v_actor, idempotency_key, jsonb_build_object('count', v_count));
  return v_count;
end;
$$;

comment on function app_public.deactivate_inactive_members(integer, text, text) is
  'Cleanup: deactivates every member of the current guild inactive for `days` days (7..3650; inactive_members), one '
  'audited admin_actions row each, and returns how many; OPERATOR and above; never the caller. Balances stay. Errors: '
  'AU001, PD001, RS001 reason_required, VL001 invalid_argument (days), IK001/IK002. Source: issue 14 "Panel" '
  '(deactivate, audited), seed 003 POST /api/<server>/users/cleanup.';
--! EndIncluded members/deactivate_inactive_members.sql

--------------------------------------------------------------------------------
-- Live community events (issue 14 "Panel: live updates"; seed 003 GET /api/stream)
--------------------------------------------------------------------------------

create table app_public.community_events (
  id bigint generated always as identity primary key,
  guild_id bigint not null references app_public.guilds (id) on delete cascade,
  kind text not null check (kind in ('task', 'task_claim', 'stock', 'announcement')),
  subject_id text not null,
  change text not null check (change in ('create', 'update', 'delete')),
  data jsonb not null default '{}' check (jsonb_typeof(data) = 'object'),
  created_at timestamptz not null default now(),
  xid xid8 not null default pg_current_xact_id()
);
create index community_events_guild_xid on app_public.community_events (guild_id, xid);
create index community_events_created_at on app_public.community_events (created_at);
comment on table app_public.community_events is E'@behavior -insert -update -delete\n'
  'Changes of tasks, task claims, reward stock and announcements, written by triggers for the panel''s live stream '
  '(/streams/community, issue 14); kept a day (purge_expired).';
alter table app_public.community_events enable row level security;
grant select on app_public.community_events to coins_staff;

--! Included live/community_events.policies.sql
-- Row-level security of app_public.community_events: staff of the guild read its live events.

drop policy if exists community_events_staff on app_public.community_events;
create policy community_events_staff on app_public.community_events for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded live/community_events.policies.sql
--! Included live/tg__community_event.sql
create or replace function app_private.tg__community_event()
returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_row jsonb := to_jsonb(case when tg_op = 'DELETE' then old else new end);
  v_kind text := tg_argv[0];
  v_data jsonb;
begin
  v_data := case v_kind
    when 'task_claim' then jsonb_build_object('task_id', v_row ->> 'task_id', 'status', v_row ->> 'status')
    when 'stock' then jsonb_build_object('sku', v_row ->> 'sku', 'stock', v_row -> 'stock', 'visible', v_row -> 'visible',
                                         'sync_state', v_row ->> 'sync_state')
    when 'announcement' then jsonb_build_object('status', v_row ->> 'status', 'sync_state', v_row ->> 'sync_state',
                                                'pinned', v_row -> 'pinned', 'message_id', v_row ->> 'message_id')
    when 'task' then jsonb_build_object('status', v_row ->> 'status', 'sync_state', v_row ->> 'sync_state',
                                        'message_id', v_row ->> 'message_id')
    else '{}'::jsonb end;
  insert into app_public.community_events (guild_id, kind, subject_id, change, data)
    values ((v_row ->> 'guild_id')::bigint, v_kind, coalesce(v_row ->> 'id', v_row ->> 'sku'),
            case tg_op when 'INSERT' then 'create' when 'DELETE' then 'delete' else 'update' end, v_data);
  perform pg_notify('community_stream', v_row ->> 'guild_id');
  return null;
end;
$$;

comment on function app_private.tg__community_event() is
  'AFTER trigger (argument: the event kind task, task_claim, stock or announcement) recording a change of a community '
  'row in community_events (guild, kind, subject id (a reward''s sku), create/update/delete, the fields an open panel shows) and '
  'NOTIFYing community_stream with the guild id (delivered at commit), for the panel''s live updates without a reload. '
  'Source: issue 14 "Panel" (live updates), seed 003 GET /api/stream and _broadcast_data_change.';
--! EndIncluded live/tg__community_event.sql
--! Included live/community_events_since.sql
create or replace function app_hidden.community_events_since(p_cursor text, p_backlog integer default 20)
returns app_public.stream_batch
language plpgsql volatile
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_now pg_snapshot := pg_current_snapshot();
  v_since pg_snapshot;
  v_events jsonb;
  v_count integer;
begin
  if p_cursor is null then
    select jsonb_agg(to_jsonb(e) - 'xid' || jsonb_build_object('guild_id', e.guild_id::text) order by e.id), count(*)
      into v_events, v_count
      from (select * from app_public.community_events
             where guild_id = app_public.current_guild_id() and pg_visible_in_snapshot(xid, v_now)
             order by id desc limit greatest(coalesce(p_backlog, 20), 0)) e;
    return (v_now::text, coalesce(v_events, '[]'), false)::app_public.stream_batch;
  end if;
  begin
    v_since := p_cursor::pg_snapshot;
  exception when others then
    raise exception using errcode = 'VL001', message = 'invalid_argument', detail = '{"argument": "cursor"}';
  end;
  select jsonb_agg(to_jsonb(e) - 'xid' || jsonb_build_object('guild_id', e.guild_id::text) order by e.id), count(*)
    into v_events, v_count
    from (select * from app_public.community_events
           where guild_id = app_public.current_guild_id()
             and xid >= pg_snapshot_xmin(v_since)
             and pg_visible_in_snapshot(xid, v_now) and not pg_visible_in_snapshot(xid, v_since)
           order by id limit 5001) e;
  if v_count > 5000 then
    return (v_now::text, '[]'::jsonb, true)::app_public.stream_batch;
  end if;
  return (v_now::text, coalesce(v_events, '[]'), false)::app_public.stream_batch;
end;
$$;

comment on function app_hidden.community_events_since(text, integer) is
  'The live community stream of the current guild (task, task_claim, stock and announcement changes), read with the '
  'caller''s rights (RLS: staff only), by snapshot visibility exactly like transactions_since, so a resumed stream '
  'misses nothing. Null cursor: the last p_backlog events. VL001 for a malformed cursor; truncated beyond 5000. '
  'Source: issue 14 "Panel" (live updates with subscription filters), seed 003 GET /api/stream.';
--! EndIncluded live/community_events_since.sql
--! Included jobs/purge_expired.sql
create or replace function app_hidden.purge_expired(p_at timestamptz default now()) returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_n integer;
  v_m integer;
begin
  delete from app_private.idempotency_keys where created_at < p_at - interval '7 days';
  get diagnostics v_n = row_count;
  delete from app_private.sessions where expires_at < p_at;
  get diagnostics v_m = row_count;
  v_n := v_n + v_m;
  -- The live community events (issue 14) only serve reconnecting panels: a day is plenty.
  delete from app_public.community_events where created_at < p_at - interval '1 day';
  get diagnostics v_m = row_count;
  return v_n + v_m;
end;
$$;

comment on function app_hidden.purge_expired(timestamptz) is
  'Deletes idempotency records older than 7 days (replays are answered for a week) expired sessions, and live community events older than a day (issue 14).';
--! EndIncluded jobs/purge_expired.sql

create trigger _600_live after insert or update or delete on app_public.tasks
  for each row execute function app_private.tg__community_event('task');
create trigger _600_live after insert or update or delete on app_public.task_claims
  for each row execute function app_private.tg__community_event('task_claim');
create trigger _600_live after insert or update or delete on app_public.rewards
  for each row execute function app_private.tg__community_event('stock');
create trigger _600_live after insert or update or delete on app_public.announcements
  for each row execute function app_private.tg__community_event('announcement');

--------------------------------------------------------------------------------
-- Bot presence (issue 14 "Discord"; seed 003 PUT /api/bot/status)
--------------------------------------------------------------------------------

create table app_public.bot_presence (
  guild_id bigint primary key references app_public.guilds (id) on delete cascade,
  status text not null check (status in ('online', 'idle', 'dnd', 'invisible')),
  activity_type text check (activity_type in ('playing', 'listening', 'watching', 'competing', 'custom')),
  activity_text text check (length(activity_text) between 1 and 128),
  updated_by bigint not null,
  updated_at timestamptz not null default now(),
  sync_state text not null default 'pending' check (sync_state in ('pending', 'synced', 'failed', 'superseded')),
  applied_at timestamptz,
  error text,
  check ((activity_type is null) = (activity_text is null))
);
comment on table app_public.bot_presence is E'@behavior -insert -update -delete\n'
  'The bot''s Discord presence as a guild''s staff set it from the panel (set_bot_presence), and whether the bot '
  'applied it (sync_state); Discord shows one presence per bot: the newest wins, older ones become superseded.';
alter table app_public.bot_presence enable row level security;
grant select on app_public.bot_presence to coins_staff;

--! Included discord/bot_presence.policies.sql
-- Row-level security of app_public.bot_presence: staff of the guild read the presence it set.

drop policy if exists bot_presence_staff on app_public.bot_presence;
create policy bot_presence_staff on app_public.bot_presence for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded discord/bot_presence.policies.sql
--! Included discord/set_bot_presence.sql
create or replace function app_public.set_bot_presence(status text, activity_type text default null, activity_text text default null)
returns app_public.bot_presence
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff('{SUPERADMIN,ADMIN}');
  v_guild bigint := app_public.current_guild_id();
  v_before app_public.bot_presence;
  v app_public.bot_presence;
begin
  if status is null or status not in ('online', 'idle', 'dnd', 'invisible') then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'status'));
  end if;
  if (activity_type is null) <> (nullif(btrim(coalesce(activity_text, '')), '') is null)
     or (activity_type is not null and activity_type not in ('playing', 'listening', 'watching', 'competing', 'custom'))
     or length(activity_text) > 128 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'activity'));
  end if;
  select * into v_before from app_public.bot_presence where guild_id = v_guild for update;
  insert into app_public.bot_presence (guild_id, status, activity_type, activity_text, updated_by, updated_at, sync_state, applied_at, error)
    values (v_guild, status, activity_type, nullif(btrim(activity_text), ''), app_public.current_discord_id(), now(), 'pending', null, null)
  on conflict (guild_id) do update
    set status = excluded.status, activity_type = excluded.activity_type, activity_text = excluded.activity_text,
        updated_by = excluded.updated_by, updated_at = excluded.updated_at, sync_state = 'pending', applied_at = null, error = null
  returning * into v;
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v_guild, app_public.current_discord_id(), v_role, 'set_bot_presence', 'bot_presence', v_guild::text,
            case when v_before.guild_id is null then null else to_jsonb(v_before) end, to_jsonb(v),
            coalesce(nullif(btrim(current_setting('app.reason', true)), ''), 'bot presence set from the panel'));
  perform graphile_worker.add_job('discord__presence', json_build_object('guild_id', v_guild::text),
    queue_name := 'discord:presence', job_key := 'discord:presence:' || v_guild, max_attempts := 10);
  return v;
end;
$$;

comment on function app_public.set_bot_presence(text, text, text) is
  'Sets the bot''s Discord presence from the panel: status (online, idle, dnd, invisible) and an optional activity '
  '(playing, listening, watching, competing or custom, with its text up to 128 characters). Stored per guild in '
  'bot_presence as pending, audited, and a discord__presence job (one per guild, coalesced) has the bot apply it; '
  'Discord presence is one per bot, so the most recently set one is what members see. SUPERADMIN/ADMIN. Errors: '
  'AU001, PD001 permission_denied, VL001 invalid_argument (status, activity). Source: issue 14 "Discord" (bot '
  'presence), seed 003 PUT /api/bot/status and /api/<server>/status.';
--! EndIncluded discord/set_bot_presence.sql
--! Included discord/bot_presence_for_job.sql
create or replace function app_hidden.bot_presence_for_job()
returns app_public.bot_presence
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  -- The newest presence wins: a job for an older one applies the newest instead (Discord has one presence per bot).
  select p.* from app_public.bot_presence p order by p.updated_at desc, p.guild_id limit 1;
$$;

comment on function app_hidden.bot_presence_for_job() is
  'The presence a discord__presence job applies: the most recently set one of any guild (Discord shows one presence '
  'per bot), whichever guild''s job runs. Null when none was ever set. Raises nothing. Source: issue 14 (bot presence).';
--! EndIncluded discord/bot_presence_for_job.sql
--! Included discord/record_bot_presence.sql
create or replace function app_hidden.record_bot_presence(p_guild_id bigint, p_updated_at timestamptz, p_error text default null)
returns void
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  -- Only the version the bot applied: a newer one set meanwhile stays pending for its own job.
  update app_public.bot_presence
     set sync_state = case when p_error is null then 'synced' else 'failed' end,
         applied_at = case when p_error is null then now() else applied_at end,
         error = left(p_error, 500)
   where guild_id = p_guild_id and updated_at = p_updated_at;
  if p_error is null then
    -- Presence is per bot: the other guilds' older presences are superseded, not pending.
    update app_public.bot_presence set sync_state = 'superseded'
     where guild_id <> p_guild_id and updated_at < p_updated_at and sync_state <> 'superseded';
  end if;
end;
$$;

comment on function app_hidden.record_bot_presence(bigint, timestamptz, text) is
  'The bot reports applying (or failing to apply, p_error) the presence set at p_updated_at for a guild: synced or '
  'failed (only if it is still that version); other guilds'' older presences become superseded. Raises nothing. '
  'Source: issue 14 (bot presence; every message the panel causes shows its sync state).';
--! EndIncluded discord/record_bot_presence.sql

--------------------------------------------------------------------------------
-- Grants
--------------------------------------------------------------------------------

revoke all on function app_private.add_session_guild(bytea, bigint, bigint[]) from public;
revoke all on function app_private.session_guild_choices(bytea) from public;
revoke all on function app_private.switch_session_guild(bytea, bigint) from public;
revoke all on function app_private.panel_guild_candidates(bigint, bigint[]) from public;
revoke all on function app_private.require_feature(bigint, text) from public;
revoke all on function app_public.guild_features() from public;
revoke all on function app_public.archive_transactions(timestamptz, text, text) from public;
revoke all on function app_public.transaction_history(timestamptz, timestamptz, app_public.tx_type) from public;
revoke all on function app_public.users_last_active_at(app_public.users) from public;
revoke all on function app_public.inactive_members(integer, boolean) from public;
revoke all on function app_private.set_member_active(boolean, bigint, text, text) from public;
revoke all on function app_public.deactivate_member(bigint, text, text) from public;
revoke all on function app_public.reactivate_member(bigint, text, text) from public;
revoke all on function app_public.deactivate_inactive_members(integer, text, text) from public;
revoke all on function app_private.tg__community_event() from public;
revoke all on function app_hidden.community_events_since(text, integer) from public;
revoke all on function app_public.set_bot_presence(text, text, text) from public;
revoke all on function app_hidden.bot_presence_for_job() from public;
revoke all on function app_hidden.record_bot_presence(bigint, timestamptz, text) from public;
grant execute on function app_private.add_session_guild(bytea, bigint, bigint[]), app_private.session_guild_choices(bytea),
  app_private.switch_session_guild(bytea, bigint), app_private.panel_guild_candidates(bigint, bigint[]) to guildbank_authenticator;
grant execute on function app_public.guild_features(), app_public.transaction_history(timestamptz, timestamptz, app_public.tx_type),
  app_public.users_last_active_at(app_public.users) to coins_player, coins_staff;
grant execute on function app_public.archive_transactions(timestamptz, text, text), app_public.inactive_members(integer, boolean),
  app_public.deactivate_member(bigint, text, text), app_public.reactivate_member(bigint, text, text),
  app_public.deactivate_inactive_members(integer, text, text), app_hidden.community_events_since(text, integer),
  app_public.set_bot_presence(text, text, text) to coins_staff;
grant execute on function app_hidden.bot_presence_for_job(), app_hidden.record_bot_presence(bigint, timestamptz, text) to coins_worker;
