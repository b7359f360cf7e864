--! Previous: -
--! Hash: sha1:945698cd26e133337de1da3cc7b793daa4504cd4
--! Message: spine: ledger, members, rules, sessions

-- Guildbank spine: guilds, members, the double-entry ledger, the event log, the audit log,
-- idempotency, sessions, and the first rules (daily claim, give, staff adjustments).
-- Conventions: db/CONVENTIONS.md. Errors: db/ERRORS.md.

drop schema if exists app_public cascade;
drop schema if exists app_hidden cascade;
drop schema if exists app_private cascade;

create schema app_public;
create schema app_hidden;
create schema app_private;

comment on schema app_public is 'Tables and functions exposed through the GraphQL API.';
comment on schema app_hidden is 'Usable by API roles, not exposed through the API.';
comment on schema app_private is 'Secrets, sessions, idempotency records and internal rules; no API role can read it.';

-- Functions are not executable by PUBLIC unless granted explicitly.
alter default privileges revoke execute on functions from public;

grant usage on schema app_public, app_hidden
  to coins_anonymous, coins_player, coins_staff, coins_listener, coins_worker;
-- The authenticator may call the session functions (explicit grants below), nothing else.
grant usage on schema app_private to guildbank_authenticator;

--------------------------------------------------------------------------------
-- Errors and claims
--------------------------------------------------------------------------------

create function app_private.raise_error(p_code text, p_key text, p_detail jsonb default null)
returns void
language plpgsql
as $$
begin
  raise exception using
    errcode = p_code,
    message = p_key,
    detail = coalesce(p_detail, '{}'::jsonb)::text;
end;
$$;
comment on function app_private.raise_error(text, text, jsonb) is
  'Raises a named application error: SQLSTATE p_code, message = the stable key from db/ERRORS.md, '
  'DETAIL = a JSON object with the parameters clients substitute into the human message.';

create type app_public.staff_role as enum ('SUPERADMIN', 'ADMIN', 'OPERATOR', 'SUPPORT', 'AUDITOR');
comment on type app_public.staff_role is
  'Panel and Discord staff roles, mapped from Discord roles at each login (db/CONVENTIONS.md lists what each may do).';

create function app_public.current_guild_id() returns bigint
language sql stable parallel safe
as $$
  select nullif(current_setting('app.guild_id', true), '')::bigint;
$$;
comment on function app_public.current_guild_id() is
  'The Discord guild (snowflake) the current transaction acts in, from the transaction-local claim app.guild_id; null when unset.';

create function app_public.current_discord_id() returns bigint
language sql stable parallel safe
as $$
  select nullif(current_setting('app.discord_id', true), '')::bigint;
$$;
comment on function app_public.current_discord_id() is
  'The Discord user (snowflake) acting, from the transaction-local claim app.discord_id; null when unset.';

create function app_public.current_staff_role() returns app_public.staff_role
language sql stable parallel safe
as $$
  -- Only a transaction that has SET ROLE coins_staff carries a staff role; current_setting('role')
  -- keeps the SET ROLE value even inside SECURITY DEFINER functions.
  select case
    when current_setting('role', true) = 'coins_staff'
      then nullif(current_setting('app.staff_role', true), '')::app_public.staff_role
  end;
$$;
comment on function app_public.current_staff_role() is
  'The staff role of the caller (claim app.staff_role), or null unless the transaction runs as coins_staff.';

grant execute on function app_public.current_guild_id(), app_public.current_discord_id(),
  app_public.current_staff_role()
  to coins_anonymous, coins_player, coins_staff, coins_listener, coins_worker;

create function app_private.require_staff(p_allowed app_public.staff_role[])
returns app_public.staff_role
language plpgsql stable
as $$
declare
  v_role app_public.staff_role := app_public.current_staff_role();
begin
  if app_public.current_guild_id() is null or app_public.current_discord_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  if v_role is null or not (v_role = any (p_allowed)) then
    perform app_private.raise_error('PD001', 'permission_denied',
      jsonb_build_object('required', p_allowed, 'role', v_role));
  end if;
  return v_role;
end;
$$;
comment on function app_private.require_staff(app_public.staff_role[]) is
  'Returns the caller''s staff role if it is one of p_allowed. Raises AU001 not_authenticated without claims, '
  'PD001 permission_denied otherwise. Role matrix: db/CONVENTIONS.md.';

create function app_private.tg__timestamps() returns trigger
language plpgsql
as $$
begin
  new.created_at := case when tg_op = 'INSERT' then now() else old.created_at end;
  new.updated_at := case when tg_op = 'UPDATE' and old.updated_at >= now()
                         then old.updated_at + interval '1 millisecond' else now() end;
  return new;
end;
$$;
comment on function app_private.tg__timestamps() is
  'Trigger: keeps created_at immutable and updated_at strictly increasing.';

--------------------------------------------------------------------------------
-- Guilds, settings, currencies
--------------------------------------------------------------------------------

create table app_public.guilds (
  id         bigint primary key check (id > 0),
  name       text not null check (length(name) between 1 and 100),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table app_public.guilds is E'@behavior -insert -update -delete\nA Discord server (guild) using Guildbank; id is its Discord snowflake. Every row of the economy belongs to one guild.';
create trigger _100_timestamps before insert or update on app_public.guilds
  for each row execute function app_private.tg__timestamps();

create table app_public.guild_settings (
  guild_id                 bigint primary key references app_public.guilds on delete cascade,
  market_fee               numeric(5, 4) not null default 0.08 check (market_fee >= 0 and market_fee <= 0.5),
  price_floor_pct          numeric(5, 4) not null default 0.70 check (price_floor_pct >= 0 and price_floor_pct <= 1),
  escrow_timeout_min       integer not null default 15 check (escrow_timeout_min between 1 and 10080),
  voucher_timeout_h        integer not null default 72 check (voucher_timeout_h between 1 and 8760),
  leaderboard_cron         text not null default '*/15 * * * *'
                             check (leaderboard_cron ~ '^\S+( \S+){4}$'),
  daily_amount             bigint not null default 100 check (daily_amount > 0),
  daily_streak_bonus       bigint not null default 10 check (daily_streak_bonus >= 0),
  daily_streak_bonus_cap   bigint not null default 100 check (daily_streak_bonus_cap >= 0),
  give_rate_limit          integer not null default 5 check (give_rate_limit between 1 and 10000),
  give_rate_window_s       integer not null default 60 check (give_rate_window_s between 1 and 86400),
  created_at               timestamptz not null default now(),
  updated_at               timestamptz not null default now()
);
comment on table app_public.guild_settings is E'@behavior -insert -delete\nEconomy tunables of a guild (defaults from the seed: MARKET_FEE, PRICE_FLOOR_PCT, ESCROW_TIMEOUT_MIN, VOUCHER_TIMEOUT_H, LEADERBOARD_CRON). Amounts in minor units of COIN.';
comment on column app_public.guild_settings.market_fee is 'Marketplace fee as a fraction of the sale (0.08 = 8 %).';
comment on column app_public.guild_settings.price_floor_pct is 'Listings below this fraction of the 7-day median are refused.';
comment on column app_public.guild_settings.escrow_timeout_min is 'Minutes after which an unfulfilled order''s escrow is refunded.';
comment on column app_public.guild_settings.voucher_timeout_h is 'Hours after which an unredeemed voucher is refunded.';
comment on column app_public.guild_settings.daily_amount is 'Base daily reward, in coins.';
comment on column app_public.guild_settings.daily_streak_bonus is 'Extra coins per consecutive day after the first.';
comment on column app_public.guild_settings.daily_streak_bonus_cap is 'Upper bound on the streak bonus, in coins.';
comment on column app_public.guild_settings.give_rate_limit is 'How many gives a member may send per window.';
comment on column app_public.guild_settings.give_rate_window_s is 'The give rate-limit window, in seconds.';
create trigger _100_timestamps before insert or update on app_public.guild_settings
  for each row execute function app_private.tg__timestamps();

create function app_private.tg_guild_settings__require_admin() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  if current_setting('role', true) = 'coins_staff' then
    perform app_private.require_staff(array['SUPERADMIN', 'ADMIN']::app_public.staff_role[]);
  end if;
  return new;
end;
$$;
comment on function app_private.tg_guild_settings__require_admin() is
  'Trigger: staff below ADMIN editing guild_settings get PD001 permission_denied (not a silent 0-row update); '
  'AU001 without claims.';
create trigger _050_require_admin before update on app_public.guild_settings
  for each row execute function app_private.tg_guild_settings__require_admin();

create function app_private.tg_guild_settings__audit() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  if app_public.current_staff_role() is not null
     and to_jsonb(old) - 'updated_at' is distinct from to_jsonb(new) - 'updated_at' then
    insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id,
        before, after, reason)
      values (new.guild_id, app_public.current_discord_id(), app_public.current_staff_role(), 'update_settings',
        'guild_settings', new.guild_id::text, to_jsonb(old) - 'updated_at', to_jsonb(new) - 'updated_at',
        coalesce(nullif(btrim(current_setting('app.reason', true)), ''), 'settings updated'));
  end if;
  return new;
end;
$$;
comment on function app_private.tg_guild_settings__audit() is
  'Trigger: every staff change to guild_settings is written to admin_actions with before/after snapshots '
  '(reason from the transaction-local claim app.reason when the client gives one).';
create trigger _900_audit after update on app_public.guild_settings
  for each row execute function app_private.tg_guild_settings__audit();

create table app_public.currencies (
  code  text primary key check (code ~ '^[A-Z]{2,8}$'),
  name  text not null,
  scale smallint not null check (scale between 0 and 6)
);
comment on table app_public.currencies is E'@behavior -insert -update -delete\nReference data shared by every guild: a currency and its scale (amounts are integers of 10^-scale units).';
insert into app_public.currencies (code, name, scale) values
  ('COIN', 'Coins', 0),
  ('MCD', 'Minecraft dollars', 2);

--------------------------------------------------------------------------------
-- Members
--------------------------------------------------------------------------------

create table app_public.users (
  id              bigint generated always as identity primary key,
  guild_id        bigint not null references app_public.guilds on delete cascade,
  discord_id      bigint not null check (discord_id > 0),
  display_name    text not null default '' check (length(display_name) <= 100),
  is_bot          boolean not null default false,
  streak_days     integer not null default 0 check (streak_days >= 0),
  last_daily_at   timestamptz,
  badges          jsonb not null default '[]' check (jsonb_typeof(badges) = 'array'),
  flags           jsonb not null default '{}' check (jsonb_typeof(flags) = 'object'),
  frozen          boolean not null default false,
  lifetime_earned bigint not null default 0 check (lifetime_earned >= 0),
  lifetime_spent  bigint not null default 0 check (lifetime_spent >= 0),
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  unique (guild_id, discord_id)
);
comment on table app_public.users is E'@behavior -insert -update -delete\nA member of a guild''s economy. Balances live in the ledger (accounts); wallet_balance and escrow_balance are computed from it.';
comment on column app_public.users.discord_id is 'The member''s Discord user snowflake.';
comment on column app_public.users.streak_days is 'Consecutive daily claims, each within 48 h of the previous one.';
comment on column app_public.users.lifetime_earned is 'Coins ever received from outside the member''s own accounts (maintained by the ledger).';
comment on column app_public.users.lifetime_spent is 'Coins ever paid out of the member''s own accounts (maintained by the ledger).';
create trigger _100_timestamps before insert or update on app_public.users
  for each row execute function app_private.tg__timestamps();

--------------------------------------------------------------------------------
-- The ledger: accounts and transfers
--------------------------------------------------------------------------------

create type app_public.account_kind as enum ('wallet', 'escrow', 'treasury', 'mint', 'fees', 'external');
comment on type app_public.account_kind is
  'wallet/escrow: a member''s spendable and held funds. treasury: the guild''s own funds. mint: source and sink of issued coins (may go negative). fees: collected fees. external: value held outside (e.g. the Minecraft bot''s in-game money; may go negative).';

create table app_public.accounts (
  id             bigint generated always as identity primary key,
  guild_id       bigint not null references app_public.guilds on delete cascade,
  user_id        bigint references app_public.users on delete cascade,
  currency       text not null default 'COIN' references app_public.currencies,
  kind           app_public.account_kind not null,
  balance        bigint not null default 0,
  debits_posted  bigint not null default 0 check (debits_posted >= 0),
  credits_posted bigint not null default 0 check (credits_posted >= 0),
  created_at     timestamptz not null default now(),
  constraint accounts_non_negative check (kind in ('mint', 'external') or balance >= 0),
  constraint accounts_owner_matches_kind check ((kind in ('wallet', 'escrow')) = (user_id is not null)),
  constraint accounts_balance_is_net check (balance = credits_posted - debits_posted)
);
comment on table app_public.accounts is E'@behavior -insert -update -delete\nLedger accounts. balance = credits - debits, in minor units of currency; written only by app_private.post_transfer.';
create unique index accounts_member_key on app_public.accounts (user_id, currency, kind) where user_id is not null;
create unique index accounts_guild_key on app_public.accounts (guild_id, currency, kind) where user_id is null;
create index accounts_leaderboard on app_public.accounts (guild_id, currency, balance desc) where kind = 'wallet';

create type app_public.tx_type as enum ('earn', 'spend', 'list', 'buy', 'fulfil', 'refund', 'flag');

create table app_public.transactions (
  tx_id           uuid primary key default gen_random_uuid(),
  seq             bigint generated always as identity unique,
  guild_id        bigint not null references app_public.guilds on delete cascade,
  type            app_public.tx_type not null,
  actor_id        bigint,
  user_id         bigint references app_public.users on delete cascade,
  counterparty_id bigint references app_public.users on delete cascade,
  amount          bigint not null default 0 check (amount >= 0),
  currency        text not null default 'COIN' references app_public.currencies,
  reason          text not null check (length(reason) between 1 and 500),
  meta            jsonb not null default '{}' check (jsonb_typeof(meta) = 'object'),
  created_at      timestamptz not null default now()
);
comment on table app_public.transactions is E'@behavior -insert -update -delete\nThe human-readable event log (the feed''s source): one row per economic event, written by the rule functions in the same transaction as its ledger transfers.';
comment on column app_public.transactions.actor_id is 'Discord snowflake of whoever acted (member or staff); null for the system.';
comment on column app_public.transactions.user_id is 'The member whose balance the event concerns.';
comment on column app_public.transactions.counterparty_id is 'The other member, for transfers between members.';
comment on column app_public.transactions.amount is 'Minor units of currency moved (0 for flags).';
comment on column app_public.transactions.seq is 'Insertion-ordered sequence (assigned at insert, not at commit: a later seq may commit first).';
create index transactions_created_at on app_public.transactions (created_at);
create index transactions_guild_created_at on app_public.transactions (guild_id, created_at);
create index transactions_actor_created_at on app_public.transactions (actor_id, created_at);
create index transactions_user_created_at on app_public.transactions (user_id, created_at);
create index transactions_counterparty on app_public.transactions (counterparty_id) where counterparty_id is not null;

create type app_public.transfer_status as enum ('pending', 'posted', 'voided');

create table app_public.transfers (
  id                bigint generated always as identity primary key,
  guild_id          bigint not null references app_public.guilds on delete cascade,
  debit_account_id  bigint not null references app_public.accounts,
  credit_account_id bigint not null references app_public.accounts,
  currency          text not null references app_public.currencies,
  amount            bigint not null check (amount > 0),
  status            app_public.transfer_status not null,
  pending_id        bigint references app_public.transfers,
  timeout_at        timestamptz,
  resolved_at       timestamptz,
  reason            text not null check (reason ~ '^[a-z_]{1,40}$'),
  tx_id             uuid references app_public.transactions on delete cascade,
  created_at        timestamptz not null default now(),
  constraint transfers_distinct_accounts check (debit_account_id <> credit_account_id),
  constraint transfers_resolution check ((status = 'pending') = (resolved_at is null)),
  constraint transfers_legs_are_posted check (pending_id is null or status = 'posted'),
  constraint transfers_timeout_only_on_holds check (timeout_at is null or pending_id is null),
  constraint transfers_holds_have_timeout check (status <> 'pending' or timeout_at is not null)
);
comment on table app_public.transfers is E'@behavior -insert -update -delete\nThe double-entry ledger: each row moves amount from the debit account to the credit account. A hold (status pending) moves funds into an escrow account; it is resolved at most once, to posted (settled by legs with pending_id = hold) or voided (returned by one leg). Written only by app_private.post_transfer / settle_hold / void_hold.';
comment on column app_public.transfers.amount is 'Minor units of currency.';
comment on column app_public.transfers.pending_id is 'For a settlement or void leg: the hold it resolves.';
comment on column app_public.transfers.timeout_at is 'Set exactly on holds: when the hold expires (it may then only be voided).';
create index transfers_debit on app_public.transfers (debit_account_id, created_at);
create index transfers_credit on app_public.transfers (credit_account_id, created_at);
create index transfers_pending on app_public.transfers (pending_id) where pending_id is not null;
create index transfers_open_holds on app_public.transfers (timeout_at) where status = 'pending';
create index transfers_tx on app_public.transfers (tx_id);

--------------------------------------------------------------------------------
-- Audit, idempotency, sessions
--------------------------------------------------------------------------------

create table app_public.admin_actions (
  id           bigint generated always as identity primary key,
  guild_id     bigint not null references app_public.guilds on delete cascade,
  actor_id     bigint not null,
  actor_role   app_public.staff_role,
  action       text not null check (action ~ '^[a-z_]{1,40}$'),
  subject_type text not null,
  subject_id   text not null,
  before       jsonb,
  after        jsonb,
  reason       text not null check (length(btrim(reason)) between 3 and 500),
  created_at   timestamptz not null default now()
);
comment on table app_public.admin_actions is E'@behavior -insert -update -delete\nThe staff audit log: who did what to which subject, why, with before/after snapshots.';
create index admin_actions_guild_created_at on app_public.admin_actions (guild_id, created_at);
create index admin_actions_subject on app_public.admin_actions (guild_id, subject_type, subject_id);

create table app_private.idempotency_keys (
  guild_id   bigint not null references app_public.guilds on delete cascade,
  actor_id   bigint not null,
  key        text not null,
  request    jsonb not null,
  result     jsonb,
  created_at timestamptz not null default now(),
  primary key (guild_id, actor_id, key)
);
comment on table app_private.idempotency_keys is
  'One row per external request (interaction id, Idempotency-Key header, webhook id), written in the same transaction as its effect; a replay returns result.';

create table app_private.sessions (
  id           uuid primary key default gen_random_uuid(),
  token_hash   bytea not null unique check (length(token_hash) = 32),
  guild_id     bigint not null references app_public.guilds on delete cascade,
  discord_id   bigint not null check (discord_id > 0),
  kind         text not null check (kind in ('player', 'staff')),
  staff_role   app_public.staff_role,
  source       text not null check (source in ('dev', 'discord')),
  created_at   timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at   timestamptz not null,
  check ((kind = 'staff') = (staff_role is not null))
);
comment on table app_private.sessions is
  'Server sessions. The cookie carries a random token; only its SHA-256 is stored.';
create index sessions_expires_at on app_private.sessions (expires_at);

--------------------------------------------------------------------------------
-- Row-level security: enabled on every table; API roles read through policies,
-- write only through functions (and staff settings updates, below).
--------------------------------------------------------------------------------

alter table app_public.guilds enable row level security;
alter table app_public.guild_settings enable row level security;
alter table app_public.currencies enable row level security;
alter table app_public.users enable row level security;
alter table app_public.accounts enable row level security;
alter table app_public.transactions enable row level security;
alter table app_public.transfers enable row level security;
alter table app_public.admin_actions enable row level security;
alter table app_private.idempotency_keys enable row level security;
alter table app_private.sessions enable row level security;

grant select on app_public.guilds, app_public.guild_settings, app_public.currencies, app_public.users,
  app_public.accounts, app_public.transactions, app_public.transfers
  to coins_player, coins_staff;
grant select on app_public.admin_actions to coins_staff;
grant select on app_public.currencies to coins_listener, coins_worker;
grant update (market_fee, price_floor_pct, escrow_timeout_min, voucher_timeout_h, leaderboard_cron,
  daily_amount, daily_streak_bonus, daily_streak_bonus_cap, give_rate_limit, give_rate_window_s)
  on app_public.guild_settings to coins_staff;

create policy currencies_read on app_public.currencies for select
  to coins_player, coins_staff, coins_listener, coins_worker using (true);

create policy guilds_own on app_public.guilds for select to coins_player, coins_staff
  using (id = (select app_public.current_guild_id()));

create policy settings_own on app_public.guild_settings for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));
-- Any staff member of the guild reaches the row; the _050_require_admin trigger then refuses
-- roles below ADMIN with PD001, so a refused edit is an error rather than a silent no-op.
create policy settings_staff_update on app_public.guild_settings for update to coins_staff
  using (guild_id = (select app_public.current_guild_id())
         and (select app_public.current_staff_role()) is not null)
  with check (guild_id = (select app_public.current_guild_id()));

create policy users_staff on app_public.users for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
create policy users_self on app_public.users for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and discord_id = (select app_public.current_discord_id()));

create policy accounts_staff on app_public.accounts for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
create policy accounts_self on app_public.accounts for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and user_id = (select u.id from app_public.users u
                        where u.guild_id = app_public.current_guild_id()
                          and u.discord_id = app_public.current_discord_id()));

create policy transactions_staff on app_public.transactions for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
create policy transactions_self on app_public.transactions for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and (select u.id from app_public.users u
              where u.guild_id = app_public.current_guild_id()
                and u.discord_id = app_public.current_discord_id()) in (user_id, counterparty_id));

create policy transfers_staff on app_public.transfers for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
create policy transfers_self on app_public.transfers for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and exists (select 1 from app_public.accounts a
                     join app_public.users u on u.id = a.user_id
                     where a.id in (debit_account_id, credit_account_id)
                       and u.guild_id = app_public.current_guild_id()
                       and u.discord_id = app_public.current_discord_id()));

create policy admin_actions_staff on app_public.admin_actions for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);

--------------------------------------------------------------------------------
-- Provisioning: guilds and members get their ledger accounts on creation.
--------------------------------------------------------------------------------

create function app_private.tg_guilds__provision() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  insert into app_public.guild_settings (guild_id) values (new.id);
  insert into app_public.accounts (guild_id, currency, kind)
    select new.id, 'COIN', k from unnest(array['mint', 'treasury', 'fees']::app_public.account_kind[]) k;
  return new;
end;
$$;
comment on function app_private.tg_guilds__provision() is
  'Trigger: a new guild gets default settings and its COIN mint, treasury and fees accounts.';
create trigger _500_provision after insert on app_public.guilds
  for each row execute function app_private.tg_guilds__provision();

create function app_private.tg_users__provision() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  insert into app_public.accounts (guild_id, user_id, currency, kind)
    values (new.guild_id, new.id, 'COIN', 'wallet'), (new.guild_id, new.id, 'COIN', 'escrow');
  return new;
end;
$$;
comment on function app_private.tg_users__provision() is
  'Trigger: a new member gets a COIN wallet and a COIN escrow account.';
create trigger _500_provision after insert on app_public.users
  for each row execute function app_private.tg_users__provision();

create function app_private.ensure_guild(p_guild_id bigint, p_name text)
returns app_public.guilds
language plpgsql
as $$
declare
  v app_public.guilds;
begin
  insert into app_public.guilds (id, name) values (p_guild_id, p_name)
    on conflict (id) do update set name = excluded.name
    returning * into v;
  return v;
end;
$$;
comment on function app_private.ensure_guild(bigint, text) is
  'Creates the guild (with settings and accounts) or renames it; idempotent. Used by setup, the seed and the bot.';

create function app_private.ensure_member(p_guild_id bigint, p_discord_id bigint, p_display_name text,
  p_is_bot boolean default false)
returns app_public.users
language plpgsql
as $$
declare
  v app_public.users;
begin
  if p_discord_id is null or p_discord_id <= 0 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'discord_id'));
  end if;
  insert into app_public.users (guild_id, discord_id, display_name, is_bot)
    values (p_guild_id, p_discord_id, left(coalesce(p_display_name, ''), 100), p_is_bot)
    on conflict (guild_id, discord_id) do update
      set display_name = excluded.display_name
      where excluded.display_name <> '' and excluded.display_name <> app_public.users.display_name
    returning * into v;
  if v.id is null then
    select * into v from app_public.users where guild_id = p_guild_id and discord_id = p_discord_id;
  end if;
  return v;
end;
$$;
comment on function app_private.ensure_member(bigint, bigint, text, boolean) is
  'Registers a member (with wallet and escrow accounts) or refreshes their display name; idempotent. VL001 for a bad snowflake.';

--------------------------------------------------------------------------------
-- Ledger primitives (the only writers of accounts and transfers)
--------------------------------------------------------------------------------

create function app_private.lock_members(p_user_ids bigint[])
returns setof app_public.users
language sql
as $$
  select * from app_public.users where id = any (p_user_ids) order by id for no key update;
$$;
comment on function app_private.lock_members(bigint[]) is
  'Locks member rows in id order. Every rule that moves a member''s funds calls it before touching the ledger, '
  'so locks are always taken members first, then accounts (both in id order): no deadlocks.';

create function app_private.post_transfer(
  p_guild_id bigint,
  p_debit_account_id bigint,
  p_credit_account_id bigint,
  p_amount bigint,
  p_reason text,
  p_tx_id uuid default null,
  p_status app_public.transfer_status default 'posted',
  p_pending_id bigint default null,
  p_timeout_at timestamptz default null,
  p_at timestamptz default now()
) returns bigint
language plpgsql
as $$
declare
  v_moved int;
  v_currencies int;
  v_currency text;
  v_debit_user bigint;
  v_credit_user bigint;
  v_id bigint;
begin
  if p_amount is null or p_amount <= 0 then
    perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', p_amount));
  end if;
  if p_status = 'voided' then
    perform app_private.raise_error('LG001', 'ledger_violation', jsonb_build_object('why', 'cannot create a voided transfer'));
  end if;
  if p_debit_account_id = p_credit_account_id then
    perform app_private.raise_error('LG001', 'ledger_violation', jsonb_build_object('why', 'debit and credit are the same account'));
  end if;
  if p_status = 'pending' and p_timeout_at is null then
    perform app_private.raise_error('LG001', 'ledger_violation', jsonb_build_object('why', 'a hold needs a timeout'));
  end if;

  -- One statement moves both balances. The debit side only moves if it can afford it; the
  -- WHERE clause is re-checked on the latest row version after the row lock is taken.
  with moved as (
    update app_public.accounts a
       set balance = a.balance + case when a.id = p_credit_account_id then p_amount else -p_amount end,
           credits_posted = a.credits_posted + case when a.id = p_credit_account_id then p_amount else 0 end,
           debits_posted = a.debits_posted + case when a.id = p_debit_account_id then p_amount else 0 end
     where a.id in (p_debit_account_id, p_credit_account_id)
       and a.guild_id = p_guild_id
       and (a.id = p_credit_account_id or a.kind in ('mint', 'external') or a.balance >= p_amount)
    returning a.id, a.currency, a.user_id
  )
  select count(*), count(distinct currency), min(currency),
         max(user_id) filter (where id = p_debit_account_id),
         max(user_id) filter (where id = p_credit_account_id)
    into v_moved, v_currencies, v_currency, v_debit_user, v_credit_user
    from moved;

  if v_moved <> 2 then
    if (select count(*) from app_public.accounts
         where id in (p_debit_account_id, p_credit_account_id) and guild_id = p_guild_id) = 2 then
      perform app_private.raise_error('NF001', 'insufficient_funds',
        jsonb_build_object('needed', p_amount,
          'available', (select balance from app_public.accounts where id = p_debit_account_id)));
    end if;
    perform app_private.raise_error('LG001', 'ledger_violation',
      jsonb_build_object('why', 'account missing or in another guild'));
  end if;
  if v_currencies <> 1 then
    perform app_private.raise_error('LG001', 'ledger_violation', jsonb_build_object('why', 'currency mismatch'));
  end if;

  insert into app_public.transfers (guild_id, debit_account_id, credit_account_id, currency, amount, status,
      pending_id, timeout_at, resolved_at, reason, tx_id, created_at)
    values (p_guild_id, p_debit_account_id, p_credit_account_id, v_currency, p_amount, p_status,
      p_pending_id, p_timeout_at, case when p_status = 'posted' then p_at end, p_reason, p_tx_id, p_at)
    returning id into v_id;

  -- Lifetime counters (in coins) move only when COIN crosses between owners (holds and voids stay with the member).
  if v_currency = 'COIN' and v_debit_user is distinct from v_credit_user then
    update app_public.users u
       set lifetime_spent = u.lifetime_spent + case when u.id = v_debit_user then p_amount else 0 end,
           lifetime_earned = u.lifetime_earned + case when u.id = v_credit_user then p_amount else 0 end
     where u.id in (v_debit_user, v_credit_user);
  end if;
  return v_id;
end;
$$;
comment on function app_private.post_transfer(bigint, bigint, bigint, bigint, text, uuid, app_public.transfer_status, bigint, timestamptz, timestamptz) is
  'The single writer of the ledger. Moves p_amount (minor units, > 0) from the debit to the credit account of the same '
  'guild and currency, updating both balances in one statement, and records the transfer (posted, or pending for a hold '
  'into escrow). Member rows must already be locked (app_private.lock_members). Errors: AM001 invalid_amount, '
  'NF001 insufficient_funds (the debit account cannot go below zero), LG001 ledger_violation. Design: DESIGN.md "Money".';

create function app_private.hold(p_guild_id bigint, p_user_id bigint, p_amount bigint, p_reason text,
  p_timeout_at timestamptz, p_tx_id uuid default null, p_at timestamptz default now())
returns bigint
language plpgsql
as $$
declare
  v_wallet bigint;
  v_escrow bigint;
begin
  perform 1 from app_private.lock_members(array[p_user_id]);
  select max(id) filter (where kind = 'wallet'), max(id) filter (where kind = 'escrow')
    into v_wallet, v_escrow
    from app_public.accounts where user_id = p_user_id and currency = 'COIN';
  return app_private.post_transfer(p_guild_id, v_wallet, v_escrow, p_amount, p_reason, p_tx_id,
    'pending', null, p_timeout_at, p_at);
end;
$$;
comment on function app_private.hold(bigint, bigint, bigint, text, timestamptz, uuid, timestamptz) is
  'Phase one of a two-phase transfer: moves p_amount coins from the member''s wallet into their escrow account as a '
  'pending transfer that times out at p_timeout_at. Errors: as post_transfer (NF001 when the wallet cannot cover it).';

create function app_private.lock_hold(p_hold_id bigint, p_credits jsonb) returns app_public.transfers
language plpgsql
as $$
declare
  v_hold app_public.transfers;
begin
  select * into v_hold from app_public.transfers where id = p_hold_id;
  if v_hold.id is null or v_hold.timeout_at is null or v_hold.pending_id is not null then
    perform app_private.raise_error('LG001', 'ledger_violation', jsonb_build_object('why', 'not a hold', 'transfer', p_hold_id));
  end if;
  -- Members first (the lock order of db/CONVENTIONS.md), then the hold itself.
  perform 1 from app_private.lock_members(array(
    select a.user_id from app_public.accounts a
     where a.user_id is not null
       and (a.id in (v_hold.debit_account_id, v_hold.credit_account_id)
            or a.id in (select (e ->> 'account_id')::bigint from jsonb_array_elements(p_credits) e))));
  select * into v_hold from app_public.transfers where id = p_hold_id for update;
  if v_hold.status <> 'pending' then
    perform app_private.raise_error('LG002', 'hold_already_resolved',
      jsonb_build_object('transfer', p_hold_id, 'status', v_hold.status));
  end if;
  return v_hold;
end;
$$;
comment on function app_private.lock_hold(bigint, jsonb) is
  'Locks the members a hold''s resolution touches (hold accounts and settlement legs), then the hold; returns it. '
  'LG001 when the transfer is not a hold (holds are the transfers with a timeout), LG002 hold_already_resolved.';

create function app_private.settle_hold(p_hold_id bigint, p_credits jsonb, p_tx_id uuid default null,
  p_at timestamptz default now())
returns void
language plpgsql
as $$
declare
  v_hold app_public.transfers;
  v_leg record;
  v_total bigint := 0;
begin
  v_hold := app_private.lock_hold(p_hold_id, p_credits);
  if p_at > v_hold.timeout_at then
    perform app_private.raise_error('LG003', 'hold_expired',
      jsonb_build_object('transfer', p_hold_id, 'timeout_at', v_hold.timeout_at));
  end if;
  for v_leg in
    select (e ->> 'account_id')::bigint as account_id, (e ->> 'amount')::bigint as amount,
           coalesce(e ->> 'reason', v_hold.reason) as reason
      from jsonb_array_elements(p_credits) e
  loop
    perform app_private.post_transfer(v_hold.guild_id, v_hold.credit_account_id, v_leg.account_id,
      v_leg.amount, v_leg.reason, coalesce(p_tx_id, v_hold.tx_id), 'posted', p_hold_id, null, p_at);
    v_total := v_total + v_leg.amount;
  end loop;
  if v_total <> v_hold.amount then
    perform app_private.raise_error('LG001', 'ledger_violation',
      jsonb_build_object('why', 'settlement legs must add up to the hold', 'hold', v_hold.amount, 'legs', v_total));
  end if;
  update app_public.transfers set status = 'posted', resolved_at = p_at where id = p_hold_id;
end;
$$;
comment on function app_private.settle_hold(bigint, jsonb, uuid, timestamptz) is
  'Phase two, success: pays a pending hold out of escrow to the accounts in p_credits ([{account_id, amount, reason?}], '
  'amounts adding up exactly to the hold) and marks it posted. At most once: LG002 hold_already_resolved on a second '
  'attempt; LG003 hold_expired after its timeout (it may then only be voided); LG001 when the legs do not add up or '
  'the transfer is not a hold.';

create function app_private.void_hold(p_hold_id bigint, p_reason text default 'void', p_tx_id uuid default null,
  p_at timestamptz default now())
returns void
language plpgsql
as $$
declare
  v_hold app_public.transfers;
begin
  v_hold := app_private.lock_hold(p_hold_id, '[]');
  perform app_private.post_transfer(v_hold.guild_id, v_hold.credit_account_id, v_hold.debit_account_id,
    v_hold.amount, p_reason, coalesce(p_tx_id, v_hold.tx_id), 'posted', p_hold_id, null, p_at);
  update app_public.transfers set status = 'voided', resolved_at = p_at where id = p_hold_id;
end;
$$;
comment on function app_private.void_hold(bigint, text, uuid, timestamptz) is
  'Phase two, failure or timeout: returns a pending hold from escrow to the account it came from and marks it voided. '
  'At most once: LG002 hold_already_resolved.';

--------------------------------------------------------------------------------
-- Idempotency
--------------------------------------------------------------------------------

create function app_private.idempotency_begin(p_guild_id bigint, p_actor_id bigint, p_key text, p_request jsonb)
returns jsonb
language plpgsql
as $$
declare
  v app_private.idempotency_keys;
begin
  if p_key is null then
    return null;
  end if;
  if length(p_key) not between 1 and 255 then
    perform app_private.raise_error('IK002', 'idempotency_key_invalid', jsonb_build_object('length', length(p_key)));
  end if;
  -- A concurrent request with the same key waits here until the first one commits or rolls back.
  insert into app_private.idempotency_keys (guild_id, actor_id, key, request)
    values (p_guild_id, p_actor_id, p_key, p_request)
    on conflict do nothing;
  if found then
    return null;
  end if;
  select * into v from app_private.idempotency_keys
   where guild_id = p_guild_id and actor_id = p_actor_id and key = p_key;
  if v.request is distinct from p_request then
    perform app_private.raise_error('IK001', 'idempotency_key_reused', jsonb_build_object('key', p_key));
  end if;
  return v.result;
end;
$$;
comment on function app_private.idempotency_begin(bigint, bigint, text, jsonb) is
  'Claims an idempotency key for a request. Returns null when the caller should perform the request, or the stored '
  'result of the first request with this key (a replay). IK001 idempotency_key_reused when the key was used for a '
  'different request; IK002 idempotency_key_invalid for an empty or over-long key.';

create function app_private.idempotency_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_result jsonb)
returns void
language sql
as $$
  update app_private.idempotency_keys set result = p_result
   where p_key is not null and guild_id = p_guild_id and actor_id = p_actor_id and key = p_key;
$$;
comment on function app_private.idempotency_finish(bigint, bigint, text, jsonb) is
  'Stores the result of a request under its idempotency key, in the same transaction as the request''s effect.';

--------------------------------------------------------------------------------
-- Members acting on their own account
--------------------------------------------------------------------------------

create function app_private.current_member(p_lock boolean default false) returns app_public.users
language plpgsql
as $$
declare
  v app_public.users;
begin
  if app_public.current_guild_id() is null or app_public.current_discord_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  if p_lock then
    select * into v from app_public.users
     where guild_id = app_public.current_guild_id() and discord_id = app_public.current_discord_id()
     for no key update;
  else
    select * into v from app_public.users
     where guild_id = app_public.current_guild_id() and discord_id = app_public.current_discord_id();
  end if;
  if v.id is null then
    perform app_private.raise_error('MB001', 'member_not_registered');
  end if;
  return v;
end;
$$;
comment on function app_private.current_member(boolean) is
  'The calling member (from the claims), optionally locked. AU001 not_authenticated without claims; MB001 member_not_registered.';

create function app_private.register_caller(p_display_name text) returns app_public.users
language plpgsql
as $$
begin
  if app_public.current_guild_id() is null or app_public.current_discord_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  if not exists (select 1 from app_public.guilds where id = app_public.current_guild_id()) then
    perform app_private.raise_error('MB003', 'guild_not_found', jsonb_build_object('guild_id', app_public.current_guild_id()::text));
  end if;
  if length(p_display_name) > 100 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'display_name', 'max', 100));
  end if;
  return app_private.ensure_member(app_public.current_guild_id(), app_public.current_discord_id(), p_display_name);
end;
$$;
comment on function app_private.register_caller(text) is
  'Registers the calling member (from the claims) in the current guild; idempotent. AU001 without claims, '
  'MB003 guild_not_found, VL001 for a display name over 100 characters.';

create function app_public.register_member(display_name text default '') returns app_public.users
language sql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
  select * from app_private.register_caller(display_name);
$$;
comment on function app_public.register_member(text) is
  'Opens (or refreshes the name of) the calling member''s account in the current guild; idempotent. Clients call it on '
  'a member''s first interaction. Errors: AU001 not_authenticated, MB003 guild_not_found, VL001 invalid_argument.';

create type app_public.daily_claim as (
  amount        bigint,
  streak_days   integer,
  balance       bigint,
  claimed_at    timestamptz,
  next_claim_at timestamptz,
  tx_id         uuid
);
comment on type app_public.daily_claim is 'Receipt of a daily claim: coins credited, new streak, new wallet balance, next claim time.';

create function app_private.claim_daily_for(p_user_id bigint, p_key text default null, p_at timestamptz default now())
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
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  if v_user.id is null then
    perform app_private.raise_error('MB001', 'member_not_registered');
  end if;
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

  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, created_at)
    values (v_user.guild_id, 'earn', v_user.discord_id, v_user.id, v_amount, 'daily',
            jsonb_build_object('streak_days', v_streak), p_at)
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
  'The daily-claim rule at an explicit time (p_at; the public function passes now(), the demo seed back-dates). See app_public.claim_daily.';

create function app_public.claim_daily(idempotency_key text default null) returns app_public.daily_claim
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users := app_private.register_caller('');
begin
  return app_private.claim_daily_for(v_user.id, idempotency_key, now());
end;
$$;
comment on function app_public.claim_daily(text) is
  'Credits the calling member''s daily reward. Rule: once per rolling 24 h (UTC timestamps); the streak continues when '
  'the claim comes within 48 h of the previous one and restarts at 1 otherwise; reward = daily_amount + '
  'min((streak - 1) * daily_streak_bonus, daily_streak_bonus_cap) from guild_settings. Registers the caller on first '
  'use. Errors: AU001 not_authenticated, MB003 guild_not_found, FZ001 account_frozen, CD001 cooldown_active (detail: next_claim_at, '
  'retry_after_s), IK001/IK002. Source: seed 000 sections 4 and 14, issue #2.';

create type app_public.give_receipt as (
  tx_id         uuid,
  transfer_id   bigint,
  amount        bigint,
  to_discord_id bigint,
  balance       bigint,
  created_at    timestamptz
);
comment on type app_public.give_receipt is 'Receipt of a give: coins moved, recipient, the sender''s new wallet balance.';

create function app_private.give_from(p_from_user_id bigint, p_to_discord_id bigint, p_amount bigint, p_key text,
  p_at timestamptz default now())
returns app_public.give_receipt
language plpgsql
as $$
declare
  v_from app_public.users;
  v_to app_public.users;
  v_settings app_public.guild_settings;
  v_guild bigint;
  v_replay jsonb;
  v_from_wallet bigint;
  v_to_wallet bigint;
  v_oldest timestamptz;
  v_tx uuid;
  v_transfer bigint;
  v_result app_public.give_receipt;
begin
  if p_key is null then
    perform app_private.raise_error('IK002', 'idempotency_key_invalid', jsonb_build_object('length', null));
  end if;
  if p_amount is null or p_amount <= 0 then
    perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', p_amount));
  end if;
  select guild_id into v_guild from app_public.users where id = p_from_user_id;
  select * into v_to from app_public.users where guild_id = v_guild and discord_id = p_to_discord_id;
  if v_to.id is null then
    perform app_private.raise_error('MB002', 'member_not_found', jsonb_build_object('discord_id', p_to_discord_id::text));
  end if;
  if v_to.id = p_from_user_id then
    perform app_private.raise_error('TR001', 'self_transfer');
  end if;

  -- Lock both members in id order, then re-read them.
  perform 1 from app_private.lock_members(array[p_from_user_id, v_to.id]);
  select * into v_from from app_public.users where id = p_from_user_id;
  select * into v_to from app_public.users where id = v_to.id;

  v_replay := app_private.idempotency_begin(v_guild, v_from.discord_id, p_key,
    jsonb_build_object('fn', 'give', 'to', p_to_discord_id, 'amount', p_amount));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.give_receipt, v_replay);
  end if;

  if v_from.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  if v_to.frozen then
    perform app_private.raise_error('FZ002', 'recipient_frozen', jsonb_build_object('discord_id', p_to_discord_id::text));
  end if;

  select * into v_settings from app_public.guild_settings where guild_id = v_guild;
  select id into v_from_wallet from app_public.accounts where user_id = v_from.id and currency = 'COIN' and kind = 'wallet';
  select id into v_to_wallet from app_public.accounts where user_id = v_to.id and currency = 'COIN' and kind = 'wallet';
  -- The limit-th most recent give inside the window: once it leaves the window, a slot frees up.
  select created_at into v_oldest from app_public.transfers
   where debit_account_id = v_from_wallet and reason = 'give'
     and created_at > p_at - make_interval(secs => v_settings.give_rate_window_s) and created_at <= p_at
   order by created_at desc
   offset v_settings.give_rate_limit - 1 limit 1;
  if v_oldest is not null then
    perform app_private.raise_error('RL001', 'rate_limited',
      jsonb_build_object('limit', v_settings.give_rate_limit, 'window_s', v_settings.give_rate_window_s,
        'retry_after_s', greatest(1, ceil(extract(epoch from
          v_oldest + make_interval(secs => v_settings.give_rate_window_s) - p_at)))::bigint));
  end if;

  insert into app_public.transactions (guild_id, type, actor_id, user_id, counterparty_id, amount, reason, meta, created_at)
    values (v_guild, 'spend', v_from.discord_id, v_from.id, v_to.id, p_amount, 'give',
            jsonb_build_object('to_discord_id', v_to.discord_id::text), p_at)
    returning tx_id into v_tx;
  v_transfer := app_private.post_transfer(v_guild, v_from_wallet, v_to_wallet, p_amount, 'give', v_tx,
    'posted', null, null, p_at);

  v_result := (v_tx, v_transfer, p_amount, v_to.discord_id,
    (select balance from app_public.accounts where id = v_from_wallet), p_at)::app_public.give_receipt;
  perform app_private.idempotency_finish(v_guild, v_from.discord_id, p_key, to_jsonb(v_result));
  return v_result;
end;
$$;
comment on function app_private.give_from(bigint, bigint, bigint, text, timestamptz) is
  'The give rule at an explicit time (the public function passes now(); the demo seed back-dates). See app_public.give.';

create function app_public.give(to_discord_id bigint, amount bigint, idempotency_key text)
returns app_public.give_receipt
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.give_from((app_private.current_member()).id, to_discord_id, amount, idempotency_key, now());
end;
$$;
comment on function app_public.give(bigint, bigint, text) is
  'Moves amount coins (minor units, > 0) from the calling member''s wallet to another registered member of the guild. '
  'Rules: no self-transfer; neither side frozen; at most guild_settings.give_rate_limit gives per give_rate_window_s '
  'seconds per sender (default 5 per 60 s); the wallet cannot go negative; the idempotency key is required and a '
  'replay returns the first receipt. Errors: AU001, MB001 member_not_registered, MB002 member_not_found, '
  'TR001 self_transfer, AM001 invalid_amount, FZ001 account_frozen, FZ002 recipient_frozen, RL001 rate_limited, '
  'NF001 insufficient_funds, IK001 idempotency_key_reused, IK002 idempotency_key_invalid. Source: issue #2.';

--------------------------------------------------------------------------------
-- Staff actions (always audited)
--------------------------------------------------------------------------------

create function app_private.member_snapshot(p_user_id bigint) returns jsonb
language sql stable
as $$
  select jsonb_build_object(
    'discord_id', u.discord_id::text,
    'display_name', u.display_name,
    'frozen', u.frozen,
    'wallet_balance', (select balance from app_public.accounts where user_id = u.id and currency = 'COIN' and kind = 'wallet'),
    'escrow_balance', (select balance from app_public.accounts where user_id = u.id and currency = 'COIN' and kind = 'escrow'),
    'streak_days', u.streak_days,
    'flags', u.flags)
  from app_public.users u where u.id = p_user_id;
$$;
comment on function app_private.member_snapshot(bigint) is 'A member''s audit snapshot (before/after of admin_actions).';

create function app_private.staff_target(p_discord_id bigint, p_reason text) returns app_public.users
language plpgsql
as $$
declare
  v app_public.users;
begin
  if p_reason is null or length(btrim(p_reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  if length(p_reason) > 500 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'reason'));
  end if;
  select * into v from app_public.users
   where guild_id = app_public.current_guild_id() and discord_id = p_discord_id;
  if v.id is null then
    perform app_private.raise_error('MB002', 'member_not_found', jsonb_build_object('discord_id', p_discord_id::text));
  end if;
  if p_discord_id = app_public.current_discord_id() then
    perform app_private.raise_error('PD002', 'self_action_forbidden');
  end if;
  select * into v from app_private.lock_members(array[v.id]);
  return v;
end;
$$;
comment on function app_private.staff_target(bigint, text) is
  'Validates a staff reason (RS001 reason_required: at least 3 characters; VL001 over 500) and locks the target member '
  'of the current guild (MB002 member_not_found). Staff never act on their own account (PD002 self_action_forbidden: '
  'separation of duties).';

create function app_private.admin_adjust_by(p_actor_id bigint, p_actor_role app_public.staff_role, p_user_id bigint,
  p_delta bigint, p_reason text, p_key text default null, p_at timestamptz default now())
returns app_public.admin_actions
language plpgsql
as $$
declare
  v_user app_public.users;
  v_before jsonb;
  v_replay jsonb;
  v_tx uuid;
  v_mint bigint;
  v_wallet bigint;
  v_action app_public.admin_actions;
begin
  if p_delta is null or p_delta = 0 then
    perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', p_delta));
  end if;
  select * into v_user from app_private.lock_members(array[p_user_id]);
  v_replay := app_private.idempotency_begin(v_user.guild_id, p_actor_id, p_key,
    jsonb_build_object('fn', 'admin_adjust', 'user', v_user.discord_id, 'delta', p_delta, 'reason', p_reason));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.admin_actions, v_replay);
  end if;
  v_before := app_private.member_snapshot(v_user.id);
  select id into v_mint from app_public.accounts
   where guild_id = v_user.guild_id and user_id is null and currency = 'COIN' and kind = 'mint';
  select id into v_wallet from app_public.accounts where user_id = v_user.id and currency = 'COIN' and kind = 'wallet';

  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, created_at)
    values (v_user.guild_id, case when p_delta > 0 then 'earn' else 'spend' end::app_public.tx_type,
            p_actor_id, v_user.id, abs(p_delta), 'admin_adjust',
            jsonb_build_object('actor_role', p_actor_role, 'delta', p_delta), p_at)
    returning tx_id into v_tx;
  if p_delta > 0 then
    perform app_private.post_transfer(v_user.guild_id, v_mint, v_wallet, p_delta, 'admin_adjust', v_tx, 'posted', null, null, p_at);
  else
    perform app_private.post_transfer(v_user.guild_id, v_wallet, v_mint, -p_delta, 'admin_adjust', v_tx, 'posted', null, null, p_at);
  end if;

  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id,
      before, after, reason, created_at)
    values (v_user.guild_id, p_actor_id, p_actor_role, 'adjust_balance', 'user', v_user.discord_id::text,
      v_before, app_private.member_snapshot(v_user.id) || jsonb_build_object('tx_id', v_tx), p_reason, p_at)
    returning * into v_action;
  perform app_private.idempotency_finish(v_user.guild_id, p_actor_id, p_key, to_jsonb(v_action));
  return v_action;
end;
$$;
comment on function app_private.admin_adjust_by(bigint, app_public.staff_role, bigint, bigint, text, text, timestamptz) is
  'The balance-adjustment rule for an explicit actor and time. See app_public.admin_adjust.';

create function app_public.admin_adjust(discord_id bigint, delta bigint, reason text, idempotency_key text default null)
returns app_public.admin_actions
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  v_user app_public.users := app_private.staff_target(discord_id, reason);
begin
  return app_private.admin_adjust_by(app_public.current_discord_id(), v_role, v_user.id, delta, reason, idempotency_key, now());
end;
$$;
comment on function app_public.admin_adjust(bigint, bigint, text, text) is
  'Staff credit (delta > 0, minted) or debit (delta < 0, burned back to the mint) of a member''s wallet, in coins. '
  'Roles: SUPERADMIN, ADMIN, OPERATOR. Always writes admin_actions with before/after snapshots and the reason, and an '
  'earn/spend transaction. A debit cannot take the wallet below zero. Errors: AU001, PD001 permission_denied, '
  'RS001 reason_required, MB002 member_not_found, PD002 self_action_forbidden, AM001 invalid_amount (zero), NF001 insufficient_funds, IK001/IK002. '
  'Source: issue #2, seed 000 section 5.';

create function app_private.set_frozen(p_frozen boolean, p_discord_id bigint, p_reason text, p_key text,
  p_allowed app_public.staff_role[])
returns app_public.admin_actions
language plpgsql
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(p_allowed);
  v_user app_public.users := app_private.staff_target(p_discord_id, p_reason);
  v_actor bigint := app_public.current_discord_id();
  v_replay jsonb;
  v_before jsonb;
  v_tx uuid;
  v_action app_public.admin_actions;
begin
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_actor, p_key,
    jsonb_build_object('fn', case when p_frozen then 'freeze_user' else 'unfreeze_user' end,
      'user', p_discord_id, 'reason', p_reason));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.admin_actions, v_replay);
  end if;
  if v_user.frozen = p_frozen then
    perform app_private.raise_error(case when p_frozen then 'FZ003' else 'FZ004' end,
      case when p_frozen then 'already_frozen' else 'not_frozen' end,
      jsonb_build_object('discord_id', p_discord_id::text));
  end if;
  v_before := app_private.member_snapshot(v_user.id);
  update app_public.users set frozen = p_frozen where id = v_user.id;
  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta)
    values (v_user.guild_id, 'flag', v_actor, v_user.id, 0,
            case when p_frozen then 'freeze' else 'unfreeze' end,
            jsonb_build_object('actor_role', v_role))
    returning tx_id into v_tx;
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id,
      before, after, reason)
    values (v_user.guild_id, v_actor, v_role, case when p_frozen then 'freeze_user' else 'unfreeze_user' end,
      'user', p_discord_id::text, v_before, app_private.member_snapshot(v_user.id) || jsonb_build_object('tx_id', v_tx),
      p_reason)
    returning * into v_action;
  perform app_private.idempotency_finish(v_user.guild_id, v_actor, p_key, to_jsonb(v_action));
  return v_action;
end;
$$;
comment on function app_private.set_frozen(boolean, bigint, text, text, app_public.staff_role[]) is
  'Shared body of freeze_user / unfreeze_user.';

create function app_public.freeze_user(discord_id bigint, reason text, idempotency_key text default null)
returns app_public.admin_actions
language sql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
  select * from app_private.set_frozen(true, discord_id, reason, idempotency_key,
    array['SUPERADMIN', 'ADMIN', 'OPERATOR', 'SUPPORT']::app_public.staff_role[]);
$$;
comment on function app_public.freeze_user(bigint, text, text) is
  'Freezes a member: a frozen member cannot claim, give, receive gives, buy or sell until unfrozen. Roles: SUPERADMIN, '
  'ADMIN, OPERATOR, SUPPORT. Writes admin_actions (before/after, reason) and a flag transaction. Errors: AU001, PD001, '
  'RS001, MB002, PD002, FZ003 already_frozen, IK001/IK002. Source: issue #2, seed 000 section 4 (Freeze User).';

create function app_public.unfreeze_user(discord_id bigint, reason text, idempotency_key text default null)
returns app_public.admin_actions
language sql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
  select * from app_private.set_frozen(false, discord_id, reason, idempotency_key,
    array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
$$;
comment on function app_public.unfreeze_user(bigint, text, text) is
  'Lifts a freeze. Roles: SUPERADMIN, ADMIN, OPERATOR (SUPPORT may freeze but not unfreeze). Writes admin_actions and a '
  'flag transaction. Errors: AU001, PD001, RS001, MB002, PD002, FZ004 not_frozen, IK001/IK002. Source: issue #2.';

--------------------------------------------------------------------------------
-- Reads: computed columns, leaderboard, card, ledger verification
--------------------------------------------------------------------------------

create function app_public.users_wallet_balance(u app_public.users) returns bigint
language sql stable set search_path = pg_catalog, public, pg_temp
as $$
  select balance from app_public.accounts where user_id = u.id and currency = 'COIN' and kind = 'wallet';
$$;
comment on function app_public.users_wallet_balance(app_public.users) is
  'Computed column: the member''s spendable coins (ledger wallet balance). Runs with the caller''s rights, so RLS on '
  'accounts decides what it may read (null otherwise).';

create function app_public.users_escrow_balance(u app_public.users) returns bigint
language sql stable set search_path = pg_catalog, public, pg_temp
as $$
  select balance from app_public.accounts where user_id = u.id and currency = 'COIN' and kind = 'escrow';
$$;
comment on function app_public.users_escrow_balance(app_public.users) is
  'Computed column: the member''s coins held in escrow (pending holds). Caller''s rights, as users_wallet_balance.';

create type app_public.leaderboard_entry as (
  rank         integer,
  discord_id   bigint,
  display_name text,
  balance      bigint
);

create function app_public.leaderboard("limit" integer default 10) returns setof app_public.leaderboard_entry
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  if app_public.current_guild_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  if "limit" is null or "limit" not between 1 and 100 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'limit', 'min', 1, 'max', 100));
  end if;
  return query
    select (rank() over (order by a.balance desc))::int, u.discord_id, u.display_name, a.balance
      from app_public.accounts a
      join app_public.users u on u.id = a.user_id
     where a.guild_id = app_public.current_guild_id() and a.currency = 'COIN' and a.kind = 'wallet'
       and not u.is_bot
     order by a.balance desc, u.discord_id
     limit "limit";
end;
$$;
comment on function app_public.leaderboard(integer) is
  'Top wallet balances of the current guild (bots excluded), ties sharing a rank. limit 1..100 (VL001 otherwise); AU001 '
  'without a guild. Source: seed 000 section 4 (Leaderboard).';

create type app_public.member_card as (
  discord_id      bigint,
  display_name    text,
  balance         bigint,
  escrow          bigint,
  streak_days     integer,
  last_daily_at   timestamptz,
  next_daily_at   timestamptz,
  badges          jsonb,
  rank            integer,
  lifetime_earned bigint,
  lifetime_spent  bigint,
  frozen          boolean,
  recent          jsonb
);
comment on type app_public.member_card is
  'Everything a personal card shows: balances (coins), streak, badges, rank among non-bot members, and the last 3 transactions.';

create function app_public.my_card() returns app_public.member_card
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users := app_private.current_member();
  v_balance bigint := app_public.users_wallet_balance(v_user);
begin
  return (
    v_user.discord_id, v_user.display_name, v_balance, app_public.users_escrow_balance(v_user),
    case when v_user.last_daily_at is null or now() <= v_user.last_daily_at + interval '48 hours'
         then v_user.streak_days else 0 end,
    v_user.last_daily_at,
    coalesce(greatest(v_user.last_daily_at + interval '24 hours', now()), now()),
    v_user.badges,
    (select 1 + count(*) from app_public.accounts a join app_public.users u on u.id = a.user_id
      where a.guild_id = v_user.guild_id and a.currency = 'COIN' and a.kind = 'wallet'
        and not u.is_bot and a.balance > v_balance)::int,
    v_user.lifetime_earned, v_user.lifetime_spent, v_user.frozen,
    coalesce((select jsonb_agg(jsonb_build_object('tx_id', t.tx_id, 'type', t.type, 'amount', t.amount,
                'direction', case when t.user_id = v_user.id and t.type in ('earn', 'refund') then 'in'
                                  when t.counterparty_id = v_user.id then 'in'
                                  when t.type = 'flag' then 'none' else 'out' end,
                'reason', t.reason, 'created_at', t.created_at) order by t.created_at desc, t.seq desc)
                from (select * from app_public.transactions t
                       where t.user_id = v_user.id or t.counterparty_id = v_user.id
                       order by t.created_at desc, t.seq desc limit 3) t), '[]'::jsonb)
  )::app_public.member_card;
end;
$$;
comment on function app_public.my_card() is
  'The calling member''s card: wallet and escrow balances, current streak (0 once broken), next daily claim time, badges, '
  'rank (1 + members with a higher wallet balance), lifetime counters and the last 3 transactions with direction. '
  'Errors: AU001 not_authenticated, MB001 member_not_registered. Source: seed 000 section 4 (My Card).';

create type app_public.ledger_violation as (
  invariant  text,
  guild_id   bigint,
  currency   text,
  account_id bigint,
  expected   bigint,
  actual     bigint
);
comment on type app_public.ledger_violation is 'One broken ledger invariant (see verify_ledger).';

create function app_public.verify_ledger(guild_id bigint default null) returns setof app_public.ledger_violation
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
end;
$$;
comment on function app_public.verify_ledger(bigint) is
  'Returns every violated ledger invariant (empty = healthy): per guild and currency the balances sum to zero; each '
  'balance equals the sum of its postings, and its credit/debit totals those of its transfers; each member''s lifetime '
  'counters equal what crossed between them and others; no member/treasury/fees balance is negative; each escrow account equals its '
  'pending holds; each resolved hold was paid out exactly once and in full. Staff (any role) check their own guild; the '
  'worker and the owner may check one guild or all (null). Errors: AU001, PD001 permission_denied. Source: DESIGN.md "Money".';

--------------------------------------------------------------------------------
-- Sessions (called by the server as the authenticator)
--------------------------------------------------------------------------------

create type app_private.session_claims as (
  session_id uuid,
  guild_id   bigint,
  discord_id bigint,
  kind       text,
  staff_role app_public.staff_role,
  expires_at timestamptz
);

create function app_private.open_session(p_token_hash bytea, p_guild_id bigint, p_discord_id bigint, p_kind text,
  p_staff_role app_public.staff_role, p_source text, p_ttl_s integer)
returns app_private.session_claims
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_private.sessions;
begin
  if not exists (select 1 from app_public.guilds where id = p_guild_id) then
    perform app_private.raise_error('MB003', 'guild_not_found', jsonb_build_object('guild_id', p_guild_id::text));
  end if;
  if p_ttl_s is null or p_ttl_s not between 60 and 2592000 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'ttl_s', 'min', 60, 'max', 2592000));
  end if;
  if p_kind is null or p_kind not in ('player', 'staff') or (p_kind = 'staff') <> (p_staff_role is not null) then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'kind/staff_role'));
  end if;
  if p_source is null or p_source not in ('dev', 'discord') then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'source'));
  end if;
  if p_token_hash is null or length(p_token_hash) <> 32 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'token_hash'));
  end if;
  if p_discord_id is null or p_discord_id <= 0 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'discord_id'));
  end if;
  if p_kind = 'player' then
    -- The server has established who this is: a member's first sign-in opens their account,
    -- exactly as their first claim would.
    perform app_private.ensure_member(p_guild_id, p_discord_id, '');
  end if;
  delete from app_private.sessions where expires_at < now() - interval '1 day';
  insert into app_private.sessions (token_hash, guild_id, discord_id, kind, staff_role, source, expires_at)
    values (p_token_hash, p_guild_id, p_discord_id, p_kind, p_staff_role, p_source, now() + make_interval(secs => p_ttl_s))
    returning * into v;
  return (v.id, v.guild_id, v.discord_id, v.kind, v.staff_role, v.expires_at)::app_private.session_claims;
end;
$$;
comment on function app_private.open_session(bytea, bigint, bigint, text, app_public.staff_role, text, integer) is
  'Opens a session for an identity the server has established (development login or Discord OAuth). Only the SHA-256 '
  'of the cookie token is stored; a player session registers the member if needed. Errors: MB003 guild_not_found, '
  'VL001 invalid_argument (ttl outside 60 s..30 days, kind/staff_role mismatch, source, token hash not 32 bytes).';

create function app_private.session_claims(p_token_hash bytea) returns app_private.session_claims
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_private.sessions;
begin
  select * into v from app_private.sessions where token_hash = p_token_hash and expires_at > now();
  if v.id is null then
    return null;
  end if;
  -- Touch at most once a minute: reading a session must not cost a write per request.
  if v.last_seen_at < now() - interval '1 minute' then
    update app_private.sessions set last_seen_at = now() where id = v.id;
  end if;
  return (v.id, v.guild_id, v.discord_id, v.kind, v.staff_role, v.expires_at)::app_private.session_claims;
end;
$$;
comment on function app_private.session_claims(bytea) is
  'The claims of a live session (null when unknown or expired); refreshes last_seen_at at most once a minute.';

create function app_private.close_session(p_token_hash bytea) returns boolean
language sql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
  with gone as (delete from app_private.sessions where token_hash = p_token_hash returning 1)
  select exists (select 1 from gone);
$$;
comment on function app_private.close_session(bytea) is 'Ends a session; true if it existed.';

grant execute on function app_private.open_session(bytea, bigint, bigint, text, app_public.staff_role, text, integer),
  app_private.session_claims(bytea), app_private.close_session(bytea)
  to guildbank_authenticator;

--------------------------------------------------------------------------------
-- API grants
--------------------------------------------------------------------------------

grant execute on function app_public.register_member(text), app_public.claim_daily(text),
  app_public.give(bigint, bigint, text), app_public.my_card(), app_public.leaderboard(integer)
  to coins_player;
grant execute on function app_public.leaderboard(integer), app_public.admin_adjust(bigint, bigint, text, text),
  app_public.freeze_user(bigint, text, text), app_public.unfreeze_user(bigint, text, text),
  app_public.verify_ledger(bigint)
  to coins_staff;
grant execute on function app_public.verify_ledger(bigint) to coins_worker;
grant execute on function app_public.users_wallet_balance(app_public.users),
  app_public.users_escrow_balance(app_public.users)
  to coins_player, coins_staff;
