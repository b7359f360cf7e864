--! Previous: sha1:e59d485a9b6a0b3ad4490bda1ade8456c8bd2dfb
--! Hash: sha1:e8cbe6c64b5944ec83116db96be975ad5b18da3c
--! Message: issue 12: hot-path rule helpers in PL/pgSQL for their cached plans

-- Issue 12: rule helpers that a hot path calls once per operation are PL/pgSQL, not SQL. A SQL
-- function whose body reads or writes a table is not inlined and is planned again on every call
-- (PostgreSQL 15-17); PL/pgSQL keeps each statement's plan for the session. Same results, same errors.
--! Included ledger/member_account.sql
create or replace function app_private.member_account(p_user_id bigint, p_kind app_public.account_kind) returns bigint
language plpgsql stable
as $$
declare
  v_id bigint;
begin
  -- PL/pgSQL, not SQL: a SQL function whose body reads a table is planned again on every call
  -- (PostgreSQL 15-17); PL/pgSQL keeps the plan for the session (db/CONVENTIONS.md, issue 12).
  select id into v_id from app_public.accounts where user_id = p_user_id and currency = 'COIN' and kind = p_kind;
  return v_id;
end;
$$;

comment on function app_private.member_account(bigint, app_public.account_kind) is 'The member''s COIN account of a kind (wallet, escrow); null when there is none. Raises nothing.';
--! EndIncluded ledger/member_account.sql
--! Included ledger/guild_account.sql
create or replace function app_private.guild_account(p_guild_id bigint, p_kind app_public.account_kind) returns bigint
language plpgsql stable
as $$
declare
  v_id bigint;
begin
  -- PL/pgSQL for its cached plan (see app_private.member_account).
  select id into v_id from app_public.accounts
   where guild_id = p_guild_id and user_id is null and currency = 'COIN' and kind = p_kind;
  return v_id;
end;
$$;

comment on function app_private.guild_account(bigint, app_public.account_kind) is 'The guild''s COIN account of a kind (mint, treasury, fees); null when there is none. Raises nothing.';
--! EndIncluded ledger/guild_account.sql
--! Included shop/inventory_add.sql
create or replace function app_private.inventory_add(p_user_id bigint, p_sku text, p_qty integer) returns integer
language plpgsql
as $$
declare
  v_quantity integer;
begin
  -- PL/pgSQL for its cached plan (see app_private.member_account): a fulfilment calls it per line.
  insert into app_public.inventory (user_id, guild_id, sku, quantity)
    select p_user_id, u.guild_id, p_sku, p_qty from app_public.users u where u.id = p_user_id
  on conflict (user_id, sku) do update
    set quantity = app_public.inventory.quantity + excluded.quantity, updated_at = now()
  returning quantity into v_quantity;
  return v_quantity;
end;
$$;

comment on function app_private.inventory_add(bigint, text, integer) is 'Adds p_qty units of a SKU to a member''s inventory; returns the new quantity (null when the member does not exist).';
--! EndIncluded shop/inventory_add.sql
--! Included events/active_event.sql
create or replace function app_private.active_event(p_guild_id bigint, p_kind text, p_at timestamptz)
returns app_public.economy_events
language plpgsql stable
as $$
declare
  v_event app_public.economy_events;
begin
  -- PL/pgSQL for its cached plan (see app_private.member_account): every daily claim and shop purchase asks.
  select * into v_event from app_public.economy_events
   where guild_id = p_guild_id and kind = p_kind and starts_at <= p_at
     and p_at < least(ends_at, coalesce(stopped_at, 'infinity'))
   order by starts_at desc
   limit 1;
  return v_event;
end;
$$;

comment on function app_private.active_event(bigint, text, timestamptz) is
  'The economy event of a kind in effect in a guild at p_at (null row when none). Used by the daily-claim and shop rules.';
--! EndIncluded events/active_event.sql
--! Included notifications/notification_enabled.sql
create or replace function app_private.notification_enabled(p_user_id bigint, p_kind text) returns boolean
language plpgsql stable
as $$
begin
  -- PL/pgSQL for its cached plan (see app_private.member_account): every order and review asks.
  return coalesce(
    (select case p_kind when 'listing_sold' then s.listing_sold when 'order_fulfilled' then s.order_fulfilled
                        when 'order_refunded' then s.order_refunded when 'task_reviewed' then s.task_reviewed
                        when 'badge_awarded' then s.badge_awarded when 'role_expired' then s.role_expired end
       from app_public.notification_settings s where s.user_id = p_user_id),
    -- The defaults: noisy kinds (every fulfilled order, every expired role) off, the rest on.
    p_kind in ('listing_sold', 'order_refunded', 'task_reviewed', 'badge_awarded'));
end;
$$;

comment on function app_private.notification_enabled(bigint, text) is
  'Whether a member wants DMs of a kind: their notification_settings, else the default (on, except the noisy '
  'order_fulfilled and role_expired). Source: issue 14 ("a member setting, off by default for noisy ones").';
--! EndIncluded notifications/notification_enabled.sql
--! Included staff/resolve_staff_role.sql
create or replace function app_hidden.resolve_staff_role(p_guild_id bigint, p_discord_id bigint, p_role_ids bigint[])
returns app_public.staff_role
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  -- PL/pgSQL for its cached plan (see app_private.member_account): every panel request resolves the role.
  -- The enum is declared from the most to the least powerful role, so min() is the highest rank.
  return case
    when exists (select 1 from app_public.guilds g where g.id = p_guild_id and g.owner_id = p_discord_id)
      then 'SUPERADMIN'::app_public.staff_role
    else (select min(m.staff_role) from app_public.staff_role_mappings m
           where m.guild_id = p_guild_id and m.discord_role_id = any (coalesce(p_role_ids, '{}')))
  end;
end;
$$;

comment on function app_hidden.resolve_staff_role(bigint, bigint, bigint[]) is
  'The staff role of a Discord member from their Discord roles (p_role_ids, as Discord reports them at login or in the '
  'interaction): the guild owner is SUPERADMIN; otherwise the highest-ranked role mapped in staff_role_mappings '
  '(SUPERADMIN > ADMIN > OPERATOR > SUPPORT > AUDITOR); null when no role maps (a member, not staff). Raises nothing. '
  'Source: issue 5 (roles mapped at every login) and issue 4 (permission from the member''s mapped staff role).';
--! EndIncluded staff/resolve_staff_role.sql
