--! Previous: sha1:945698cd26e133337de1da3cc7b793daa4504cd4
--! Hash: sha1:0d6c102cbeab1315b700bcd38eb32cfc6c338850
--! Message: marketplace, shop, escrow orders, jobs, stream

-- Marketplace, rewards shop, inventory, orders in escrow, pricing guards, jobs, ops alerts and
-- the live stream. Every rule is here; TypeScript only schedules and transports.
-- Conventions: db/CONVENTIONS.md. Errors: db/ERRORS.md. Rules documented in README "Marketplace rules".

--------------------------------------------------------------------------------
-- Generic staff triggers (replace the settings-specific ones of 000001)
--------------------------------------------------------------------------------

create or replace function app_private.tg__require_staff() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app_private.require_staff(tg_argv::app_public.staff_role[]);
  return case when tg_op = 'DELETE' then old else new end;
end;
$$;
comment on function app_private.tg__require_staff() is
  'Trigger (arguments: the allowed staff roles) for direct staff writes through the API (the triggers fire WHEN '
  'current_user = ''coins_staff'', i.e. not for writes made inside our SECURITY DEFINER rules): a role not listed is '
  'refused with PD001 permission_denied (AU001 without claims), so a refused edit is an error, not a silent no-op.';

create or replace function app_private.tg__audit() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_before jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) - 'updated_at' end;
  v_after jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) - 'updated_at' end;
  v_row jsonb := coalesce(v_after, v_before);
begin
  -- tg_argv: [0] subject_type, [1] the column naming the subject.
  if v_before is distinct from v_after then
    insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id,
        before, after, reason)
      values ((v_row ->> 'guild_id')::bigint, coalesce(app_public.current_discord_id(), 0), app_public.current_staff_role(),
        lower(tg_op) || '_' || tg_argv[0], tg_argv[0], v_row ->> tg_argv[1], v_before, v_after,
        coalesce(nullif(btrim(current_setting('app.reason', true)), ''), lower(tg_op) || ' via API'));
  end if;
  return null;
end;
$$;
comment on function app_private.tg__audit() is
  'Trigger (arguments: subject_type, subject column; fires WHEN current_user = ''coins_staff'', i.e. for direct staff '
  'writes through the API): every staff insert, update or delete is written to admin_actions '
  'with before/after snapshots (updated_at ignored; no-op updates not recorded); reason from the claim app.reason.';

drop trigger _050_require_admin on app_public.guild_settings;
drop trigger _900_audit on app_public.guild_settings;
drop function app_private.tg_guild_settings__require_admin();
drop function app_private.tg_guild_settings__audit();
create trigger _050_require_staff before update on app_public.guild_settings
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN');
create trigger _900_audit after update on app_public.guild_settings
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('guild_settings', 'guild_id');

-- Rows written by the rules with an explicit time (p_at) keep it; API writes cannot set created_at (column grants).
create or replace function app_private.tg__timestamps() returns trigger
language plpgsql
as $$
begin
  new.created_at := case when tg_op = 'INSERT' then coalesce(new.created_at, now()) else old.created_at end;
  new.updated_at := case
    when tg_op = 'INSERT' then new.created_at
    when old.updated_at >= now() then old.updated_at + interval '1 millisecond'
    else now() end;
  return new;
end;
$$;
comment on function app_private.tg__timestamps() is
  'Trigger: keeps created_at immutable (an insert keeps the time the rule gave, default now()) and updated_at strictly '
  'increasing.';

--------------------------------------------------------------------------------
-- Pricing configuration (moves market_fee and price_floor_pct out of guild_settings)
--------------------------------------------------------------------------------

create table app_public.pricing_config (
  guild_id           bigint primary key references app_public.guilds on delete cascade,
  price_floor_pct    numeric(5, 4) not null default 0.70 check (price_floor_pct between 0 and 1),
  market_fee         numeric(5, 4) not null default 0.08 check (market_fee between 0 and 0.5),
  undercut_fee       numeric(5, 4) not null default 0.10 check (undercut_fee between 0 and 0.5),
  over_average_fee   numeric(5, 4) not null default 0.12 check (over_average_fee between 0 and 0.5),
  over_average_ratio numeric(6, 4) not null default 1.25 check (over_average_ratio between 1 and 10),
  scarcity_target    integer not null default 5 check (scarcity_target between 0 and 1000000),
  alpha              numeric(6, 4) not null default 0.20 check (alpha between 0 and 5),
  max_listing_days   integer not null default 14 check (max_listing_days between 1 and 90),
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now()
);
comment on table app_public.pricing_config is E'@behavior -insert -delete\nMarketplace pricing guards of a guild (seed MARKET_FEE, PRICE_FLOOR_PCT; fee bands; scarcity). Rules: README "Marketplace rules", app_private.pricing_quote.';
comment on column app_public.pricing_config.price_floor_pct is 'A listing below this fraction of the reference price is refused (FL001).';
comment on column app_public.pricing_config.market_fee is 'Fee rate for listings priced at the going rate (reference .. reference x over_average_ratio).';
comment on column app_public.pricing_config.undercut_fee is 'Fee rate for listings below the reference price (undercutting).';
comment on column app_public.pricing_config.over_average_fee is 'Fee rate for listings above reference x over_average_ratio.';
comment on column app_public.pricing_config.scarcity_target is 'Active listed units of a SKU below which the reference price is raised.';
comment on column app_public.pricing_config.alpha is 'Scarcity strength: reference x (1 + alpha x (1 - supply / scarcity_target)).';
comment on column app_public.pricing_config.max_listing_days is 'Longest listing lifetime, in days.';
create trigger _100_timestamps before insert or update on app_public.pricing_config
  for each row execute function app_private.tg__timestamps();
create trigger _050_require_staff before update on app_public.pricing_config
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN');
create trigger _900_audit after update on app_public.pricing_config
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('pricing_config', 'guild_id');

insert into app_public.pricing_config (guild_id, price_floor_pct, market_fee)
  select guild_id, price_floor_pct, market_fee from app_public.guild_settings;
alter table app_public.guild_settings drop column market_fee, drop column price_floor_pct;

alter table app_public.pricing_config enable row level security;
grant select on app_public.pricing_config to coins_player, coins_staff;
grant update (price_floor_pct, market_fee, undercut_fee, over_average_fee, over_average_ratio, scarcity_target, alpha,
  max_listing_days) on app_public.pricing_config to coins_staff;
create policy pricing_read on app_public.pricing_config for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));
create policy pricing_staff_update on app_public.pricing_config for update to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null)
  with check (guild_id = (select app_public.current_guild_id()));

create or replace function app_private.tg_guilds__provision() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  insert into app_public.guild_settings (guild_id) values (new.id);
  insert into app_public.pricing_config (guild_id) values (new.id);
  insert into app_public.accounts (guild_id, currency, kind)
    select new.id, 'COIN', k from unnest(array['mint', 'treasury', 'fees']::app_public.account_kind[]) k;
  return new;
end;
$$;
comment on function app_private.tg_guilds__provision() is
  'Trigger: a new guild gets default settings, pricing configuration and its COIN mint, treasury and fees accounts.';

--------------------------------------------------------------------------------
-- Catalogue and inventory
--------------------------------------------------------------------------------

create type app_public.reward_category as enum ('money', 'rank', 'cosmetic', 'voucher');
create type app_public.fulfilment_kind as enum ('none', 'api', 'voucher');
comment on type app_public.fulfilment_kind is
  'How a purchase is delivered: none (the item lands in the inventory at once), api (the Minecraft server''s API), '
  'voucher (a redeem code, redeemed through the signed webhook).';

create function app_hidden.valid_limits(p jsonb) returns boolean
language sql immutable parallel safe
as $$
  select jsonb_typeof(p) = 'object'
     and not exists (select 1 from jsonb_object_keys(p) k where k not in ('per_member_per_day', 'per_member_lifetime'))
     and coalesce(jsonb_typeof(p -> 'per_member_per_day') = 'number' and (p ->> 'per_member_per_day') ~ '^[1-9][0-9]{0,6}$', p -> 'per_member_per_day' is null)
     and coalesce(jsonb_typeof(p -> 'per_member_lifetime') = 'number' and (p ->> 'per_member_lifetime') ~ '^[1-9][0-9]{0,6}$', p -> 'per_member_lifetime' is null);
$$;
comment on function app_hidden.valid_limits(jsonb) is
  'Check: reward limits are an object with optional positive integers per_member_per_day (UTC day) and per_member_lifetime. '
  'In app_hidden so the staff who write rewards may evaluate the constraint.';
grant execute on function app_hidden.valid_limits(jsonb) to coins_staff;

create table app_public.rewards (
  guild_id    bigint not null references app_public.guilds on delete cascade,
  sku         text not null check (sku ~ '^[a-z0-9][a-z0-9_.-]{0,39}$'),
  name        text not null check (length(btrim(name)) between 1 and 100),
  description text not null default '' check (length(description) <= 1000),
  category    app_public.reward_category not null,
  price       bigint not null check (price between 1 and 1000000000000),
  fulfilment  app_public.fulfilment_kind not null default 'none',
  payload     jsonb not null default '{}' check (jsonb_typeof(payload) = 'object'),
  limits      jsonb not null default '{}' check (app_hidden.valid_limits(limits)),
  stock       integer check (stock is null or stock >= 0),
  expires_at  timestamptz,
  visible     boolean not null default true,
  tradable    boolean not null default true,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  primary key (guild_id, sku)
);
comment on table app_public.rewards is 'The guild''s catalogue: what the shop sells and what members may trade. Staff manage it (SUPERADMIN, ADMIN, OPERATOR), audited.';
comment on column app_public.rewards.sku is 'Stock-keeping unit: lower-case letters, digits, _ . -; unique within the guild.';
comment on column app_public.rewards.price is 'Catalogue price per unit, in coins; the marketplace''s reference price while a SKU has no sales.';
comment on column app_public.rewards.limits is 'Purchase limits: {"per_member_per_day": n, "per_member_lifetime": n} (both optional).';
comment on column app_public.rewards.stock is 'Units left in the shop; null = unlimited. Never negative, never oversold.';
comment on column app_public.rewards.tradable is 'Whether members may list the item on the marketplace.';
create trigger _100_timestamps before insert or update on app_public.rewards
  for each row execute function app_private.tg__timestamps();
create trigger _050_require_staff before insert or update or delete on app_public.rewards
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');
create trigger _900_audit after insert or update or delete on app_public.rewards
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('reward', 'sku');

create table app_public.inventory (
  user_id    bigint not null references app_public.users on delete cascade,
  guild_id   bigint not null,
  sku        text not null,
  quantity   integer not null check (quantity >= 0),
  updated_at timestamptz not null default now(),
  primary key (user_id, sku),
  foreign key (guild_id, sku) references app_public.rewards on delete restrict
);
comment on table app_public.inventory is E'@behavior -insert -update -delete\nWhat each member owns, by SKU. Written only by the purchase, listing and fulfilment rules.';
create index inventory_guild_sku on app_public.inventory (guild_id, sku);

--------------------------------------------------------------------------------
-- Marketplace: listings, orders, order lines, price history
--------------------------------------------------------------------------------

create type app_public.listing_status as enum ('active', 'sold', 'cancelled', 'expired');
create type app_public.fee_band as enum ('undercut', 'market', 'over_average');

create table app_public.listings (
  listing_id      uuid primary key default gen_random_uuid(),
  guild_id        bigint not null references app_public.guilds on delete cascade,
  seller_id       bigint not null references app_public.users on delete cascade,
  sku             text not null,
  qty             integer not null check (qty > 0),
  qty_available   integer not null check (qty_available >= 0 and qty_available <= qty),
  unit_price      bigint not null check (unit_price > 0),
  fee_rate        numeric(5, 4) not null check (fee_rate between 0 and 0.5),
  fee_band        app_public.fee_band not null,
  reference_price bigint not null check (reference_price > 0),
  min_per_buyer   integer not null default 1 check (min_per_buyer >= 1),
  max_per_buyer   integer check (max_per_buyer is null or max_per_buyer >= min_per_buyer),
  expires_at      timestamptz not null,
  status          app_public.listing_status not null default 'active',
  closed_at       timestamptz,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  foreign key (guild_id, sku) references app_public.rewards on delete restrict,
  check ((status = 'active') = (closed_at is null) or status = 'sold')
);
comment on table app_public.listings is E'@behavior -insert -update -delete\nA member''s offer of items at a unit price. Listing moves the items out of the seller''s inventory into the listing (escrowed goods); qty_available counts units not yet in an order.';
comment on column app_public.listings.unit_price is 'Coins per unit.';
comment on column app_public.listings.fee_rate is 'The marketplace fee rate of this listing, fixed by its fee band when listed or repriced.';
comment on column app_public.listings.reference_price is 'The reference price (7-day median or catalogue price, times the scarcity multiplier) the guards used.';
create index listings_sku on app_public.listings (guild_id, sku, status);
create index listings_status_expires on app_public.listings (status, expires_at);
create index listings_seller on app_public.listings (seller_id);
create trigger _100_timestamps before insert or update on app_public.listings
  for each row execute function app_private.tg__timestamps();

create type app_public.order_status as enum ('pending', 'fulfilled', 'refunded', 'cancelled');
create type app_public.order_kind as enum ('shop', 'market');

create table app_public.orders (
  order_id            uuid primary key default gen_random_uuid(),
  guild_id            bigint not null references app_public.guilds on delete cascade,
  kind                app_public.order_kind not null,
  buyer_id            bigint not null references app_public.users on delete cascade,
  seller_id           bigint references app_public.users on delete cascade,
  escrow              bigint not null check (escrow > 0),
  fee                 bigint not null default 0 check (fee >= 0 and fee <= escrow),
  fulfilment          app_public.fulfilment_kind not null,
  status              app_public.order_status not null default 'pending',
  hold_id             bigint not null unique references app_public.transfers,
  expires_at          timestamptz not null,
  fulfilment_attempts integer not null default 0,
  last_error          text,
  settled_at          timestamptz,
  settled_by          bigint,
  settle_reason       text,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  check ((kind = 'market') = (seller_id is not null)),
  check ((status = 'pending') = (settled_at is null))
);
comment on table app_public.orders is E'@behavior -insert -update -delete\nA purchase whose coins sit in escrow (a pending hold) until fulfilment posts it or a refund, cancellation or timeout voids it; each at most once.';
comment on column app_public.orders.escrow is 'Coins held for the order (qty x unit price).';
comment on column app_public.orders.fee is 'Marketplace fee taken from the escrow on fulfilment (0 for shop orders).';
comment on column app_public.orders.expires_at is 'Escrow timeout: a still-pending order is refunded after it (ESCROW_TIMEOUT_MIN).';
create index orders_buyer on app_public.orders (buyer_id, created_at);
create index orders_seller on app_public.orders (seller_id) where seller_id is not null;
create index orders_pending on app_public.orders (expires_at) where status = 'pending';
create index orders_guild_settled on app_public.orders (guild_id, status, settled_at);
create trigger _100_timestamps before insert or update on app_public.orders
  for each row execute function app_private.tg__timestamps();

create table app_public.order_lines (
  id         bigint generated always as identity primary key,
  order_id   uuid not null references app_public.orders on delete cascade,
  guild_id   bigint not null,
  listing_id uuid references app_public.listings on delete cascade,
  sku        text not null,
  qty        integer not null check (qty > 0),
  unit_price bigint not null check (unit_price > 0),
  foreign key (guild_id, sku) references app_public.rewards on delete restrict
);
comment on table app_public.order_lines is E'@behavior -insert -update -delete\nWhat an order buys: SKU, quantity, unit price, and the listing for marketplace orders.';
create index order_lines_order on app_public.order_lines (order_id);
create index order_lines_listing on app_public.order_lines (listing_id) where listing_id is not null;
create index order_lines_sku on app_public.order_lines (guild_id, sku);

create table app_public.pricing_history (
  id         bigint generated always as identity primary key,
  guild_id   bigint not null references app_public.guilds on delete cascade,
  sku        text not null,
  median_7d  bigint,
  volume_24h integer not null default 0,
  created_at timestamptz not null default now(),
  foreign key (guild_id, sku) references app_public.rewards on delete cascade
);
comment on table app_public.pricing_history is E'@behavior -insert -update -delete\nPeriodic price statistics per SKU (pricing__rollup job): 7-day median sale price (coins) and units sold in 24 h.';
create unique index pricing_history_sku on app_public.pricing_history (guild_id, sku, created_at);

-- Event log links and stream position.
alter table app_public.transactions
  add column order_id uuid references app_public.orders on delete cascade deferrable initially deferred,
  add column listing_id uuid references app_public.listings on delete cascade,
  add column xid xid8 not null default pg_current_xact_id();
comment on column app_public.transactions.xid is E'@omit\nThe writing transaction''s id: the live stream delivers rows in commit order by snapshot visibility.';
create index transactions_order on app_public.transactions (order_id) where order_id is not null;
create index transactions_listing on app_public.transactions (listing_id) where listing_id is not null;
create index transactions_guild_xid on app_public.transactions (guild_id, xid);
create index transactions_guild_seq on app_public.transactions (guild_id, seq);

--------------------------------------------------------------------------------
-- Ops alerts, daily stats, leaderboard snapshots
--------------------------------------------------------------------------------

create type app_public.alert_severity as enum ('info', 'warning', 'critical');

create table app_public.ops_alerts (
  id              bigint generated always as identity primary key,
  guild_id        bigint references app_public.guilds on delete cascade,
  severity        app_public.alert_severity not null,
  kind            text not null check (kind ~ '^[a-z_]{1,40}$'),
  message         text not null check (length(message) between 1 and 1000),
  detail          jsonb not null default '{}',
  xid             xid8 not null default pg_current_xact_id(),
  created_at      timestamptz not null default now(),
  acknowledged_at timestamptz,
  acknowledged_by bigint
);
comment on table app_public.ops_alerts is E'@behavior -insert -update -delete\nOperational alerts (ledger violations, failed jobs, fulfilment failures). Guild-less alerts concern every guild and are visible to all staff.';
create index ops_alerts_guild on app_public.ops_alerts (guild_id, created_at);
create index ops_alerts_xid on app_public.ops_alerts (xid);
comment on column app_public.ops_alerts.xid is E'@omit\nThe writing transaction''s id (stream cursor).';

create table app_public.daily_stats (
  guild_id        bigint not null references app_public.guilds on delete cascade,
  day             date not null,
  transactions    integer not null,
  volume          bigint not null,
  fees            bigint not null,
  new_listings    integer not null,
  orders          integer not null,
  refunds         integer not null,
  active_members  integer not null,
  top_movers      jsonb not null default '[]',
  created_at      timestamptz not null default now(),
  primary key (guild_id, day)
);
comment on table app_public.daily_stats is E'@behavior -insert -update -delete\nOne row per guild and UTC day (digest__daily job): transactions, coins volume, fees collected, new listings, orders, refunds, active members, top movers.';

create table app_public.leaderboard_snapshots (
  guild_id     bigint not null references app_public.guilds on delete cascade,
  rank         integer not null,
  discord_id   bigint not null,
  display_name text not null,
  balance      bigint not null,
  refreshed_at timestamptz not null,
  primary key (guild_id, rank, discord_id)
);
comment on table app_public.leaderboard_snapshots is E'@behavior -insert -update -delete\nThe top 10 as of the last leaderboard__refresh (what #leaderboard shows).';

--------------------------------------------------------------------------------
-- RLS and grants for the new tables
--------------------------------------------------------------------------------

alter table app_public.rewards enable row level security;
alter table app_public.inventory enable row level security;
alter table app_public.listings enable row level security;
alter table app_public.orders enable row level security;
alter table app_public.order_lines enable row level security;
alter table app_public.pricing_history enable row level security;
alter table app_public.ops_alerts enable row level security;
alter table app_public.daily_stats enable row level security;
alter table app_public.leaderboard_snapshots enable row level security;

grant select on app_public.rewards, app_public.inventory, app_public.listings, app_public.orders, app_public.order_lines,
  app_public.pricing_history, app_public.leaderboard_snapshots
  to coins_player, coins_staff;
grant select on app_public.ops_alerts, app_public.daily_stats to coins_staff;
grant insert (guild_id, sku, name, description, category, price, fulfilment, payload, limits, stock, expires_at, visible, tradable),
  update (name, description, category, price, fulfilment, payload, limits, stock, expires_at, visible, tradable),
  delete on app_public.rewards to coins_staff;

create policy rewards_player on app_public.rewards for select to coins_player
  using (guild_id = (select app_public.current_guild_id()) and visible);
create policy rewards_staff on app_public.rewards for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
create policy rewards_staff_insert on app_public.rewards for insert to coins_staff
  with check (guild_id = (select app_public.current_guild_id()));
create policy rewards_staff_update on app_public.rewards for update to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null)
  with check (guild_id = (select app_public.current_guild_id()));
create policy rewards_staff_delete on app_public.rewards for delete to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);

create policy inventory_self on app_public.inventory for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and user_id = (select u.id from app_public.users u
                        where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id()));
create policy inventory_staff on app_public.inventory for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);

-- Listings are public within the guild (the #shop channel shows them).
create policy listings_guild on app_public.listings for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));

create policy orders_party on app_public.orders for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and (select u.id from app_public.users u
              where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id())
             in (buyer_id, seller_id));
create policy orders_staff on app_public.orders for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);

create policy order_lines_party on app_public.order_lines for select to coins_player, coins_staff
  using (exists (select 1 from app_public.orders o where o.order_id = order_lines.order_id));

create policy pricing_history_guild on app_public.pricing_history for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));
create policy leaderboard_snapshots_guild on app_public.leaderboard_snapshots for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));

create policy ops_alerts_staff on app_public.ops_alerts for select to coins_staff
  using ((guild_id is null or guild_id = (select app_public.current_guild_id()))
         and (select app_public.current_staff_role()) is not null);
create policy daily_stats_staff on app_public.daily_stats for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);

--------------------------------------------------------------------------------
-- Inventory primitives
--------------------------------------------------------------------------------

create function app_private.inventory_add(p_user_id bigint, p_sku text, p_qty integer) returns integer
language sql
as $$
  insert into app_public.inventory (user_id, guild_id, sku, quantity)
    select p_user_id, u.guild_id, p_sku, p_qty from app_public.users u where u.id = p_user_id
  on conflict (user_id, sku) do update
    set quantity = app_public.inventory.quantity + excluded.quantity, updated_at = now()
  returning quantity;
$$;
comment on function app_private.inventory_add(bigint, text, integer) is 'Adds p_qty units of a SKU to a member''s inventory; returns the new quantity.';

create function app_private.inventory_take(p_user_id bigint, p_sku text, p_qty integer) returns integer
language plpgsql
as $$
declare
  v_have integer;
begin
  update app_public.inventory set quantity = quantity - p_qty, updated_at = now()
   where user_id = p_user_id and sku = p_sku and quantity >= p_qty
  returning quantity into v_have;
  if v_have is null then
    perform app_private.raise_error('IN001', 'insufficient_inventory', jsonb_build_object('sku', p_sku, 'needed', p_qty,
      'have', coalesce((select quantity from app_public.inventory where user_id = p_user_id and sku = p_sku), 0)));
  end if;
  return v_have;
end;
$$;
comment on function app_private.inventory_take(bigint, text, integer) is
  'Removes p_qty units from a member''s inventory; IN001 insufficient_inventory when they own fewer.';

--------------------------------------------------------------------------------
-- Pricing guards
--------------------------------------------------------------------------------

create type app_public.price_quote as (
  sku                 text,
  unit_price          bigint,
  catalogue_price     bigint,
  median_7d           bigint,
  active_supply       integer,
  scarcity_multiplier numeric,
  reference_price     bigint,
  floor_price         bigint,
  fee_band            app_public.fee_band,
  fee_rate            numeric,
  allowed             boolean
);
comment on type app_public.price_quote is 'How the pricing guards judge a unit price for a SKU (all prices in coins).';

create function app_private.median_7d(p_guild_id bigint, p_sku text, p_at timestamptz default now()) returns bigint
language sql stable
as $$
  -- The median over units (a line of qty n counts n times), without expanding lines: the prices
  -- at positions floor((N + 1) / 2) and floor(N / 2) + 1 of the N units sold, averaged.
  with sales as (
    select ol.unit_price, ol.qty::bigint as qty
      from app_public.order_lines ol
      join app_public.orders o on o.order_id = ol.order_id
     where ol.guild_id = p_guild_id and ol.sku = p_sku and o.kind = 'market' and o.status = 'fulfilled'
       and o.settled_at > p_at - interval '7 days' and o.settled_at <= p_at
  ), ranked as (
    select unit_price, sum(qty) over (order by unit_price rows unbounded preceding) as cum, sum(qty) over () as total
      from sales
  )
  select round((min(unit_price) filter (where cum >= floor((total + 1) / 2.0))
              + min(unit_price) filter (where cum >= floor(total / 2.0) + 1)) / 2.0)::bigint
    from ranked;
$$;
comment on function app_private.median_7d(bigint, text, timestamptz) is
  'Median unit price (coins) of the SKU''s marketplace sales fulfilled in the 7 days before p_at, each unit sold one '
  'observation (percentile_cont(0.5) over units, computed from running quantities); null without sales.';

create function app_private.pricing_quote(p_guild_id bigint, p_sku text, p_unit_price bigint,
  p_exclude_listing uuid default null, p_at timestamptz default now())
returns app_public.price_quote
language plpgsql stable
as $$
declare
  v_cfg app_public.pricing_config;
  v_catalogue bigint;
  v_median bigint;
  v_supply integer;
  v_mult numeric := 1;
  v_ref bigint;
  v_floor bigint;
  v_band app_public.fee_band;
  v_rate numeric;
begin
  select * into v_cfg from app_public.pricing_config where guild_id = p_guild_id;
  select price into v_catalogue from app_public.rewards where guild_id = p_guild_id and sku = p_sku;
  v_median := app_private.median_7d(p_guild_id, p_sku, p_at);
  select coalesce(sum(qty_available), 0)::int into v_supply from app_public.listings
   where guild_id = p_guild_id and sku = p_sku and status = 'active' and expires_at > p_at
     and listing_id is distinct from p_exclude_listing;
  if v_cfg.scarcity_target > 0 and v_supply < v_cfg.scarcity_target then
    v_mult := 1 + v_cfg.alpha * (1 - v_supply::numeric / v_cfg.scarcity_target);
  end if;
  v_ref := greatest(1, round(coalesce(v_median, v_catalogue) * v_mult))::bigint;
  v_floor := ceil(v_ref * v_cfg.price_floor_pct)::bigint;
  if p_unit_price < v_ref then
    v_band := 'undercut';
    v_rate := v_cfg.undercut_fee;
  elsif p_unit_price > v_ref * v_cfg.over_average_ratio then
    v_band := 'over_average';
    v_rate := v_cfg.over_average_fee;
  else
    v_band := 'market';
    v_rate := v_cfg.market_fee;
  end if;
  return (p_sku, p_unit_price, v_catalogue, v_median, v_supply, round(v_mult, 4), v_ref, v_floor, v_band, v_rate,
          p_unit_price >= v_floor)::app_public.price_quote;
end;
$$;
comment on function app_private.pricing_quote(bigint, text, bigint, uuid, timestamptz) is
  'The pricing guards. Reference = the SKU''s 7-day median sale price (catalogue price without sales) x scarcity '
  'multiplier, where multiplier = 1 + alpha x (1 - supply / scarcity_target) while active listed supply (excluding '
  'p_exclude_listing) is below scarcity_target. Floor = ceil(reference x price_floor_pct). Fee band: undercut below '
  'the reference (undercut_fee), over_average above reference x over_average_ratio (over_average_fee), market '
  'otherwise (market_fee). Source: seed 000 section 4 "Pricing guards", issue #3.';

create function app_public.price_check(sku text, unit_price bigint) returns app_public.price_quote
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  if app_public.current_guild_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  if not exists (select 1 from app_public.rewards r where r.guild_id = app_public.current_guild_id() and r.sku = price_check.sku) then
    perform app_private.raise_error('RW001', 'reward_not_found', jsonb_build_object('sku', sku));
  end if;
  if unit_price is null or unit_price <= 0 or unit_price > 1000000000000 then
    perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', unit_price));
  end if;
  return app_private.pricing_quote(app_public.current_guild_id(), sku, unit_price);
end;
$$;
comment on function app_public.price_check(text, bigint) is
  'Quotes a unit price for a SKU against the pricing guards before listing (floor, reference, fee band and rate). '
  'Errors: AU001, RW001 reward_not_found, AM001 invalid_amount.';

--------------------------------------------------------------------------------
-- Orders: shared pieces
--------------------------------------------------------------------------------

create function app_private.check_quantity(p_qty integer) returns void
language plpgsql immutable
as $$
begin
  if p_qty is null or p_qty <= 0 or p_qty > 1000000 then
    perform app_private.raise_error('AM002', 'invalid_quantity', jsonb_build_object('qty', p_qty));
  end if;
end;
$$;
comment on function app_private.check_quantity(integer) is 'AM002 invalid_quantity unless 1 <= p_qty <= 1,000,000.';

create function app_private.guild_account(p_guild_id bigint, p_kind app_public.account_kind) returns bigint
language sql stable
as $$
  select id from app_public.accounts where guild_id = p_guild_id and user_id is null and currency = 'COIN' and kind = p_kind;
$$;
comment on function app_private.guild_account(bigint, app_public.account_kind) is 'The guild''s COIN account of a kind (mint, treasury, fees).';

create function app_private.member_account(p_user_id bigint, p_kind app_public.account_kind) returns bigint
language sql stable
as $$
  select id from app_public.accounts where user_id = p_user_id and currency = 'COIN' and kind = p_kind;
$$;
comment on function app_private.member_account(bigint, app_public.account_kind) is 'The member''s COIN account of a kind (wallet, escrow).';

create function app_private.order_snapshot(p_order_id uuid) returns jsonb
language sql stable
as $$
  select to_jsonb(o) - 'updated_at' || jsonb_build_object('lines',
    (select jsonb_agg(jsonb_build_object('sku', l.sku, 'qty', l.qty, 'unit_price', l.unit_price, 'listing_id', l.listing_id))
       from app_public.order_lines l where l.order_id = o.order_id))
    from app_public.orders o where o.order_id = p_order_id;
$$;
comment on function app_private.order_snapshot(uuid) is 'An order with its lines, for audit snapshots and idempotent replies.';

--------------------------------------------------------------------------------
-- Shop: buy_reward
--------------------------------------------------------------------------------

create function app_private.buy_reward_for(p_user_id bigint, p_sku text, p_qty integer, p_key text,
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
begin
  perform app_private.check_quantity(p_qty);
  select * into v_user from app_private.lock_members(array[p_user_id]);
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

  v_total := v_reward.price * p_qty;
  select * into v_settings from app_public.guild_settings where guild_id = v_user.guild_id;
  v_order_id := gen_random_uuid();
  -- A voucher waits for its redemption (VOUCHER_TIMEOUT_H); everything else for its fulfilment (ESCROW_TIMEOUT_MIN).
  v_expires := p_at + case when v_reward.fulfilment = 'voucher' then make_interval(hours => v_settings.voucher_timeout_h)
                           else make_interval(mins => v_settings.escrow_timeout_min) end;
  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, order_id, created_at)
    values (v_user.guild_id, 'buy', v_user.discord_id, v_user.id, v_total, 'shop_purchase',
            jsonb_build_object('sku', p_sku, 'qty', p_qty, 'unit_price', v_reward.price, 'fee', 0), v_order_id, p_at)
    returning tx_id into v_tx;
  v_hold := app_private.hold(v_user.guild_id, v_user.id, v_total, 'order_escrow', v_expires, v_tx, p_at);
  insert into app_public.orders (order_id, guild_id, kind, buyer_id, escrow, fee, fulfilment, hold_id, expires_at, created_at)
    values (v_order_id, v_user.guild_id, 'shop', v_user.id, v_total, 0, v_reward.fulfilment, v_hold, v_expires, p_at)
    returning * into v_order;
  insert into app_public.order_lines (order_id, guild_id, sku, qty, unit_price)
    values (v_order.order_id, v_user.guild_id, p_sku, p_qty, v_reward.price);
  if v_reward.stock is not null then
    update app_public.rewards set stock = stock - p_qty where guild_id = v_user.guild_id and sku = p_sku;
  end if;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v_order));
  return v_order;
end;
$$;
comment on function app_private.buy_reward_for(bigint, text, integer, text, timestamptz) is
  'The shop purchase rule at an explicit time. See app_public.buy_reward.';

create function app_public.buy_reward(sku text, qty integer, idempotency_key text) returns app_public.orders
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  if idempotency_key is null then
    perform app_private.raise_error('IK002', 'idempotency_key_invalid', jsonb_build_object('length', null));
  end if;
  return app_private.buy_reward_for((app_private.current_member()).id, sku, qty, idempotency_key, now());
end;
$$;
comment on function app_public.buy_reward(text, integer, text) is
  'Buys qty units of a catalogue SKU. Validates visibility, expiry, stock (the reward row is locked: never oversold, '
  'never negative), the per-member limits (per UTC day and lifetime, counting pending and fulfilled orders), funds and '
  'frozen state; creates an order whose coins sit in escrow (a pending hold timing out after escrow_timeout_min) until '
  'fulfilment posts it to the treasury or a failure voids it. A replay with the same key returns the same order. '
  'Errors: AU001, MB001, AM002 invalid_quantity, FZ001, RW001 reward_not_found, RW002 reward_expired, RW003 out_of_stock, '
  'RW004 purchase_limit_reached, NF001 insufficient_funds, IK001/IK002. Source: issue #3, seed 003 "Shop Item Purchase".';

--------------------------------------------------------------------------------
-- Marketplace: create, buy, cancel, reprice
--------------------------------------------------------------------------------

create function app_private.create_listing_for(p_user_id bigint, p_sku text, p_qty integer, p_unit_price bigint,
  p_expires_in_hours integer, p_min_per_buyer integer, p_max_per_buyer integer, p_key text,
  p_at timestamptz default now())
returns app_public.listings
language plpgsql
as $$
declare
  v_user app_public.users;
  v_reward app_public.rewards;
  v_cfg app_public.pricing_config;
  v_replay jsonb;
  v_quote app_public.price_quote;
  v_listing app_public.listings;
begin
  perform app_private.check_quantity(p_qty);
  if p_unit_price is null or p_unit_price <= 0 or p_unit_price > 1000000000000 then
    perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', p_unit_price));
  end if;
  select * into v_user from app_private.lock_members(array[p_user_id]);
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'create_listing', 'sku', p_sku, 'qty', p_qty, 'unit_price', p_unit_price,
      'hours', p_expires_in_hours, 'min', p_min_per_buyer, 'max', p_max_per_buyer));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.listings, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  select * into v_cfg from app_public.pricing_config where guild_id = v_user.guild_id;
  if p_expires_in_hours is null or p_expires_in_hours < 1 or p_expires_in_hours > v_cfg.max_listing_days * 24 then
    perform app_private.raise_error('MK008', 'invalid_expiry', jsonb_build_object('max_hours', v_cfg.max_listing_days * 24));
  end if;
  if p_min_per_buyer is null or p_min_per_buyer < 1 or p_min_per_buyer > p_qty
     or (p_max_per_buyer is not null and p_max_per_buyer < p_min_per_buyer) then
    perform app_private.raise_error('MK010', 'invalid_buyer_limits',
      jsonb_build_object('min_per_buyer', p_min_per_buyer, 'max_per_buyer', p_max_per_buyer, 'qty', p_qty));
  end if;
  select * into v_reward from app_public.rewards where guild_id = v_user.guild_id and sku = p_sku;
  if v_reward.sku is null then
    perform app_private.raise_error('RW001', 'reward_not_found', jsonb_build_object('sku', p_sku));
  end if;
  if not v_reward.tradable then
    perform app_private.raise_error('RW005', 'not_tradable', jsonb_build_object('sku', p_sku));
  end if;
  v_quote := app_private.pricing_quote(v_user.guild_id, p_sku, p_unit_price, null, p_at);
  if not v_quote.allowed then
    perform app_private.raise_error('FL001', 'below_price_floor',
      jsonb_build_object('sku', p_sku, 'unit_price', p_unit_price, 'floor', v_quote.floor_price,
        'reference', v_quote.reference_price, 'median_7d', v_quote.median_7d,
        'scarcity_multiplier', v_quote.scarcity_multiplier));
  end if;
  perform app_private.inventory_take(v_user.id, p_sku, p_qty);
  insert into app_public.listings (guild_id, seller_id, sku, qty, qty_available, unit_price, fee_rate, fee_band,
      reference_price, min_per_buyer, max_per_buyer, expires_at, created_at)
    values (v_user.guild_id, v_user.id, p_sku, p_qty, p_qty, p_unit_price, v_quote.fee_rate, v_quote.fee_band,
      v_quote.reference_price, p_min_per_buyer, p_max_per_buyer, p_at + make_interval(hours => p_expires_in_hours), p_at)
    returning * into v_listing;
  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, listing_id, created_at)
    values (v_user.guild_id, 'list', v_user.discord_id, v_user.id, 0, 'listing_created',
      jsonb_build_object('sku', p_sku, 'qty', p_qty, 'unit_price', p_unit_price, 'fee_rate', v_quote.fee_rate,
        'fee_band', v_quote.fee_band), v_listing.listing_id, p_at);
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v_listing));
  return v_listing;
end;
$$;
comment on function app_private.create_listing_for(bigint, text, integer, bigint, integer, integer, integer, text, timestamptz) is
  'The listing rule at an explicit time. See app_public.create_listing.';

create function app_public.create_listing(sku text, qty integer, unit_price bigint, expires_in_hours integer default 72,
  min_per_buyer integer default 1, max_per_buyer integer default null, idempotency_key text default null)
returns app_public.listings
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.create_listing_for((app_private.current_member()).id, sku, qty, unit_price, expires_in_hours,
    min_per_buyer, max_per_buyer, idempotency_key, now());
end;
$$;
comment on function app_public.create_listing(text, integer, bigint, integer, integer, integer, text) is
  'Lists qty units the caller owns at unit_price coins each, for expires_in_hours (1 .. max_listing_days x 24). The '
  'items move from the inventory into the listing. Guards (app_private.pricing_quote): below the floor is refused; the '
  'fee band fixes the fee rate. Buyers must take at least min_per_buyer and at most max_per_buyer units in total. '
  'Errors: AU001, MB001, AM001, AM002, FZ001, MK008 invalid_expiry, MK010 invalid_buyer_limits, RW001, RW005 '
  'not_tradable, FL001 below_price_floor (detail: floor, reference, median_7d, scarcity_multiplier), IN001 '
  'insufficient_inventory, IK001/IK002. Source: issue #3, seed 000 section 4 "Sell flow".';

create function app_private.buy_listing_for(p_user_id bigint, p_listing_id uuid, p_qty integer, p_key text,
  p_at timestamptz default now())
returns app_public.orders
language plpgsql
as $$
declare
  v_buyer app_public.users;
  v_seller app_public.users;
  v_listing app_public.listings;
  v_settings app_public.guild_settings;
  v_replay jsonb;
  v_already integer;
  v_total bigint;
  v_fee bigint;
  v_order_id uuid;
  v_expires timestamptz;
  v_tx uuid;
  v_hold bigint;
  v_order app_public.orders;
begin
  perform app_private.check_quantity(p_qty);
  select * into v_listing from app_public.listings where listing_id = p_listing_id;
  select * into v_buyer from app_public.users where id = p_user_id;
  if v_listing.listing_id is null or v_listing.guild_id <> v_buyer.guild_id then
    perform app_private.raise_error('MK001', 'listing_not_found', jsonb_build_object('listing_id', p_listing_id));
  end if;
  if v_listing.seller_id = p_user_id then
    perform app_private.raise_error('MK003', 'self_purchase');
  end if;
  -- Only the buyer's funds move now, so only the buyer is locked: a popular seller must not
  -- serialise every purchase (the listing's row lock already serialises buyers of one listing).
  select * into v_buyer from app_private.lock_members(array[p_user_id]);
  select * into v_seller from app_public.users where id = v_listing.seller_id;
  v_replay := app_private.idempotency_begin(v_buyer.guild_id, v_buyer.discord_id, p_key,
    jsonb_build_object('fn', 'buy_listing', 'listing', p_listing_id, 'qty', p_qty));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.orders, v_replay);
  end if;
  -- The listing row lock serialises buyers: the last units go to exactly one of them.
  select * into v_listing from app_public.listings where listing_id = p_listing_id for update;
  if v_buyer.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  if v_seller.frozen then
    perform app_private.raise_error('FZ002', 'recipient_frozen', jsonb_build_object('discord_id', v_seller.discord_id::text));
  end if;
  if v_listing.status <> 'active' or v_listing.expires_at <= p_at then
    perform app_private.raise_error('MK002', 'listing_not_active',
      jsonb_build_object('status', case when v_listing.status = 'active' then 'expired' else v_listing.status::text end));
  end if;
  if p_qty > v_listing.qty_available then
    perform app_private.raise_error('MK004', 'quantity_unavailable', jsonb_build_object('available', v_listing.qty_available));
  end if;
  -- Below the minimum only to take the listing's last units (else they could never sell).
  if p_qty < v_listing.min_per_buyer and p_qty <> v_listing.qty_available then
    perform app_private.raise_error('MK005', 'below_min_per_buyer', jsonb_build_object('min', v_listing.min_per_buyer));
  end if;
  if v_listing.max_per_buyer is not null then
    select coalesce(sum(l.qty), 0) into v_already
      from app_public.order_lines l join app_public.orders o on o.order_id = l.order_id
     where l.listing_id = p_listing_id and o.buyer_id = p_user_id and o.status in ('pending', 'fulfilled');
    if v_already + p_qty > v_listing.max_per_buyer then
      perform app_private.raise_error('MK006', 'above_max_per_buyer',
        jsonb_build_object('max', v_listing.max_per_buyer, 'already', v_already));
    end if;
  end if;

  v_total := v_listing.unit_price * p_qty;
  v_fee := floor(v_total * v_listing.fee_rate)::bigint;
  select * into v_settings from app_public.guild_settings where guild_id = v_buyer.guild_id;
  v_order_id := gen_random_uuid();
  v_expires := p_at + make_interval(mins => v_settings.escrow_timeout_min);
  insert into app_public.transactions (guild_id, type, actor_id, user_id, counterparty_id, amount, reason, meta,
      order_id, listing_id, created_at)
    values (v_buyer.guild_id, 'buy', v_buyer.discord_id, p_user_id, v_listing.seller_id, v_total, 'market_purchase',
      jsonb_build_object('sku', v_listing.sku, 'qty', p_qty, 'unit_price', v_listing.unit_price, 'fee', v_fee),
      v_order_id, p_listing_id, p_at)
    returning tx_id into v_tx;
  v_hold := app_private.hold(v_buyer.guild_id, p_user_id, v_total, 'order_escrow', v_expires, v_tx, p_at);
  insert into app_public.orders (order_id, guild_id, kind, buyer_id, seller_id, escrow, fee, fulfilment, hold_id, expires_at, created_at)
    values (v_order_id, v_buyer.guild_id, 'market', p_user_id, v_listing.seller_id, v_total, v_fee, 'none', v_hold, v_expires, p_at)
    returning * into v_order;
  insert into app_public.order_lines (order_id, guild_id, listing_id, sku, qty, unit_price)
    values (v_order.order_id, v_buyer.guild_id, p_listing_id, v_listing.sku, p_qty, v_listing.unit_price);
  update app_public.listings
     set qty_available = qty_available - p_qty,
         status = case when qty_available - p_qty = 0 then 'sold'::app_public.listing_status else status end
   where listing_id = p_listing_id;
  perform app_private.idempotency_finish(v_buyer.guild_id, v_buyer.discord_id, p_key, to_jsonb(v_order));
  return v_order;
end;
$$;
comment on function app_private.buy_listing_for(bigint, uuid, integer, text, timestamptz) is
  'The marketplace purchase rule at an explicit time. See app_public.buy_listing.';

create function app_public.buy_listing(listing_id uuid, qty integer, idempotency_key text) returns app_public.orders
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  if idempotency_key is null then
    perform app_private.raise_error('IK002', 'idempotency_key_invalid', jsonb_build_object('length', null));
  end if;
  return app_private.buy_listing_for((app_private.current_member()).id, listing_id, qty, idempotency_key, now());
end;
$$;
comment on function app_public.buy_listing(uuid, integer, text) is
  'Buys qty units of an active listing: the buyer''s coins (qty x unit price) move from wallet to escrow atomically and '
  'the units leave the listing; the order is fulfilled by the orders__fulfil job (goods to the buyer, net to the seller, '
  'fee to the guild''s fees account) or refunded. The listing row lock serialises buyers, so units are never oversold; '
  'per-buyer min (per order) and max (across all of the buyer''s pending and fulfilled orders on the listing) are '
  'enforced. Errors: AU001, MB001, AM002, MK001 listing_not_found, MK002 listing_not_active, MK003 self_purchase, '
  'MK004 quantity_unavailable, MK005 below_min_per_buyer, MK006 above_max_per_buyer, FZ001, FZ002 (seller frozen), '
  'NF001, IK001/IK002. Source: issue #3, seed 000 section 4 "Buy flow" and "Escrow".';

create function app_private.close_listing(p_listing_id uuid, p_status app_public.listing_status, p_at timestamptz)
returns app_public.listings
language plpgsql
as $$
declare
  v_listing app_public.listings;
begin
  select * into v_listing from app_public.listings where listing_id = p_listing_id for update;
  if v_listing.qty_available > 0 then
    perform app_private.inventory_add(v_listing.seller_id, v_listing.sku, v_listing.qty_available);
  end if;
  update app_public.listings set status = p_status, qty_available = 0, closed_at = p_at
   where listing_id = p_listing_id returning * into v_listing;
  return v_listing;
end;
$$;
comment on function app_private.close_listing(uuid, app_public.listing_status, timestamptz) is
  'Ends a listing (cancelled or expired): its unsold units go back to the seller''s inventory. Units in pending orders '
  'stay with those orders (a later refund returns them to the seller).';

create function app_private.listing_for_change(p_listing_id uuid, p_reason text, out listing app_public.listings,
  out actor_role app_public.staff_role, out is_seller boolean)
language plpgsql
as $$
declare
  v_caller app_public.users;
begin
  if app_public.current_guild_id() is null or app_public.current_discord_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  select * into listing from app_public.listings l
   where l.listing_id = p_listing_id and l.guild_id = app_public.current_guild_id();
  if listing.listing_id is null then
    perform app_private.raise_error('MK001', 'listing_not_found', jsonb_build_object('listing_id', p_listing_id));
  end if;
  select * into v_caller from app_public.users u
   where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id();
  is_seller := coalesce(v_caller.id = listing.seller_id, false) and current_setting('role', true) <> 'coins_staff';
  if not is_seller then
    actor_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
    if p_reason is null or length(btrim(p_reason)) < 3 then
      perform app_private.raise_error('RS001', 'reason_required');
    end if;
    if v_caller.id = listing.seller_id then
      perform app_private.raise_error('PD002', 'self_action_forbidden');
    end if;
  end if;
  perform 1 from app_private.lock_members(array[listing.seller_id]);
  select * into listing from app_public.listings l where l.listing_id = p_listing_id for update;
  if listing.status not in ('active', 'sold') then
    perform app_private.raise_error('MK002', 'listing_not_active', jsonb_build_object('status', listing.status));
  end if;
end;
$$;
comment on function app_private.listing_for_change(uuid, text) is
  'Resolves who may change a listing: its seller, or staff (SUPERADMIN, ADMIN, OPERATOR) with a reason. Locks the seller '
  'and the listing. Errors: AU001, MK001 listing_not_found, PD001, RS001, PD002 (staff overriding their own listing), '
  'MK002 listing_not_active.';

create function app_public.cancel_listing(listing_id uuid, reason text default null) returns app_public.listings
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v record;
  v_before jsonb;
  v_after app_public.listings;
begin
  select * into v from app_private.listing_for_change(listing_id, reason);
  v_before := to_jsonb(v.listing);
  v_after := app_private.close_listing(listing_id, 'cancelled', now());
  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, listing_id)
    values (v_after.guild_id, 'list', app_public.current_discord_id(), v_after.seller_id, 0, 'listing_cancelled',
      jsonb_build_object('sku', v_after.sku, 'returned_qty', (v.listing).qty_available, 'by', case when v.is_seller then 'seller' else 'staff' end),
      listing_id);
  if not v.is_seller then
    insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
      values (v_after.guild_id, app_public.current_discord_id(), v.actor_role, 'cancel_listing', 'listing', listing_id::text,
        v_before, to_jsonb(v_after), reason);
  end if;
  return v_after;
end;
$$;
comment on function app_public.cancel_listing(uuid, text) is
  'Cancels a listing: unsold units return to the seller; pending orders on it proceed (a refund returns their units to '
  'the seller). The seller may cancel their own; staff (SUPERADMIN, ADMIN, OPERATOR) override with a reason, audited. '
  'Errors: AU001, MK001, PD001, RS001, MK002 listing_not_active. Source: issue #3.';

create function app_public.edit_listing_price(listing_id uuid, unit_price bigint, reason text default null)
returns app_public.listings
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v record;
  v_quote app_public.price_quote;
  v_after app_public.listings;
begin
  if unit_price is null or unit_price <= 0 or unit_price > 1000000000000 then
    perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', unit_price));
  end if;
  select * into v from app_private.listing_for_change(listing_id, reason);
  if (v.listing).status <> 'active' or (v.listing).expires_at <= now() then
    perform app_private.raise_error('MK002', 'listing_not_active', jsonb_build_object('status',
      case when (v.listing).status = 'active' then 'expired' else (v.listing).status::text end));
  end if;
  v_quote := app_private.pricing_quote((v.listing).guild_id, (v.listing).sku, unit_price, listing_id);
  if v.is_seller and not v_quote.allowed then
    perform app_private.raise_error('FL001', 'below_price_floor',
      jsonb_build_object('sku', (v.listing).sku, 'unit_price', unit_price, 'floor', v_quote.floor_price,
        'reference', v_quote.reference_price, 'median_7d', v_quote.median_7d,
        'scarcity_multiplier', v_quote.scarcity_multiplier));
  end if;
  update app_public.listings l
     set unit_price = edit_listing_price.unit_price, fee_rate = v_quote.fee_rate, fee_band = v_quote.fee_band,
         reference_price = v_quote.reference_price
   where l.listing_id = edit_listing_price.listing_id
  returning * into v_after;
  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, listing_id)
    values (v_after.guild_id, 'list', app_public.current_discord_id(), v_after.seller_id, 0, 'listing_repriced',
      jsonb_build_object('sku', v_after.sku, 'old_unit_price', (v.listing).unit_price, 'unit_price', unit_price,
        'fee_rate', v_quote.fee_rate, 'fee_band', v_quote.fee_band), listing_id);
  if not v.is_seller then
    insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
      values (v_after.guild_id, app_public.current_discord_id(), v.actor_role, 'edit_listing_price', 'listing',
        listing_id::text, to_jsonb(v.listing), to_jsonb(v_after), reason);
  end if;
  return v_after;
end;
$$;
comment on function app_public.edit_listing_price(uuid, bigint, text) is
  'Reprices an active listing; the guards are re-applied and the fee band and rate recomputed (pending orders keep '
  'their price). The seller is held to the floor (FL001); staff (SUPERADMIN, ADMIN, OPERATOR) may override it with a '
  'reason, audited with before/after. Errors: AU001, AM001, MK001, PD001, RS001, MK002, FL001. Source: issue #3.';

--------------------------------------------------------------------------------
-- Settlement: fulfil, refund, cancel (each at most once)
--------------------------------------------------------------------------------

create function app_private.lock_order(p_order_id uuid) returns app_public.orders
language plpgsql
as $$
declare
  v_order app_public.orders;
begin
  select * into v_order from app_public.orders where order_id = p_order_id;
  if v_order.order_id is null then
    perform app_private.raise_error('OR001', 'order_not_found', jsonb_build_object('order_id', p_order_id));
  end if;
  perform 1 from app_private.lock_members(array[v_order.buyer_id, v_order.seller_id]);
  select * into v_order from app_public.orders where order_id = p_order_id for update;
  if v_order.status <> 'pending' then
    perform app_private.raise_error('OR002', 'order_not_pending', jsonb_build_object('status', v_order.status));
  end if;
  return v_order;
end;
$$;
comment on function app_private.lock_order(uuid) is
  'Locks an order''s members then the order; OR001 order_not_found, OR002 order_not_pending (settled already).';

create function app_private.fulfil_order_core(p_order_id uuid, p_actor_id bigint, p_reason text,
  p_at timestamptz default now())
returns app_public.orders
language plpgsql
as $$
declare
  v_order app_public.orders;
  v_line app_public.order_lines;
  v_legs jsonb;
  v_tx uuid;
begin
  v_order := app_private.lock_order(p_order_id);
  select * into v_line from app_public.order_lines where order_id = p_order_id order by id limit 1;
  insert into app_public.transactions (guild_id, type, actor_id, user_id, counterparty_id, amount, reason, meta,
      order_id, listing_id, created_at)
    values (v_order.guild_id, 'fulfil', p_actor_id, v_order.buyer_id, v_order.seller_id, v_order.escrow,
      case when v_order.kind = 'shop' then 'shop_fulfilled' else 'market_fulfilled' end,
      jsonb_build_object('sku', v_line.sku, 'qty', v_line.qty, 'unit_price', v_line.unit_price, 'fee', v_order.fee,
        'net', v_order.escrow - v_order.fee), p_order_id, v_line.listing_id, p_at)
    returning tx_id into v_tx;
  if v_order.kind = 'shop' then
    v_legs := jsonb_build_array(jsonb_build_object('account_id', app_private.guild_account(v_order.guild_id, 'treasury'),
      'amount', v_order.escrow, 'reason', 'shop_revenue'));
  else
    v_legs := jsonb_build_array(jsonb_build_object('account_id', app_private.member_account(v_order.seller_id, 'wallet'),
      'amount', v_order.escrow - v_order.fee, 'reason', 'sale_proceeds'));
    if v_order.fee > 0 then
      v_legs := v_legs || jsonb_build_object('account_id', app_private.guild_account(v_order.guild_id, 'fees'),
        'amount', v_order.fee, 'reason', 'market_fee');
    end if;
  end if;
  perform app_private.settle_hold(v_order.hold_id, v_legs, v_tx, p_at);
  for v_line in select * from app_public.order_lines where order_id = p_order_id loop
    perform app_private.inventory_add(v_order.buyer_id, v_line.sku, v_line.qty);
  end loop;
  update app_public.orders
     set status = 'fulfilled', settled_at = p_at, settled_by = p_actor_id, settle_reason = p_reason,
         fulfilment_attempts = fulfilment_attempts + 1, last_error = null
   where order_id = p_order_id
  returning * into v_order;
  return v_order;
end;
$$;
comment on function app_private.fulfil_order_core(uuid, bigint, text, timestamptz) is
  'Fulfils a pending order at most once: posts its hold (shop: all to the treasury; market: net to the seller''s wallet, '
  'fee to the fees account), delivers the goods to the buyer''s inventory, marks it fulfilled. Errors: OR001, OR002, '
  'LG003 hold_expired (an expired order can only be refunded).';

create function app_private.refund_order_core(p_order_id uuid, p_status app_public.order_status, p_actor_id bigint,
  p_reason text, p_at timestamptz default now())
returns app_public.orders
language plpgsql
as $$
declare
  v_order app_public.orders;
  v_line app_public.order_lines;
  v_listing app_public.listings;
  v_tx uuid;
begin
  v_order := app_private.lock_order(p_order_id);
  insert into app_public.transactions (guild_id, type, actor_id, user_id, counterparty_id, amount, reason, meta,
      order_id, listing_id, created_at)
    values (v_order.guild_id, 'refund', p_actor_id, v_order.buyer_id, v_order.seller_id, v_order.escrow,
      case when p_status = 'cancelled' then 'order_cancelled' else 'order_refunded' end,
      jsonb_build_object('why', p_reason), p_order_id,
      (select listing_id from app_public.order_lines where order_id = p_order_id order by id limit 1), p_at)
    returning tx_id into v_tx;
  perform app_private.void_hold(v_order.hold_id, 'order_refund', v_tx, p_at);
  -- Goods go back where they came from: the listing if it still sells, else the seller; shop stock is restored.
  for v_line in select * from app_public.order_lines where order_id = p_order_id loop
    if v_line.listing_id is not null then
      select * into v_listing from app_public.listings where listing_id = v_line.listing_id for update;
      if v_listing.status in ('active', 'sold') and v_listing.expires_at > p_at then
        update app_public.listings
           set qty_available = qty_available + v_line.qty, status = 'active'
         where listing_id = v_line.listing_id;
      else
        perform app_private.inventory_add(v_listing.seller_id, v_line.sku, v_line.qty);
      end if;
    else
      update app_public.rewards set stock = stock + v_line.qty
       where guild_id = v_line.guild_id and sku = v_line.sku and stock is not null;
    end if;
  end loop;
  update app_public.orders
     set status = p_status, settled_at = p_at, settled_by = p_actor_id, settle_reason = p_reason
   where order_id = p_order_id
  returning * into v_order;
  return v_order;
end;
$$;
comment on function app_private.refund_order_core(uuid, app_public.order_status, bigint, text, timestamptz) is
  'Refunds (or, for the buyer, cancels) a pending order at most once: voids its hold (escrow back to the buyer), returns '
  'the goods (to the listing while it is active and unexpired, else to the seller; shop stock restored). Errors: OR001, '
  'OR002 order_not_pending.';

create function app_private.staff_order_action(p_order_id uuid, p_reason text, p_allowed app_public.staff_role[])
returns app_public.staff_role
language plpgsql
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(p_allowed);
begin
  if p_reason is null or length(btrim(p_reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  if not exists (select 1 from app_public.orders where order_id = p_order_id and guild_id = app_public.current_guild_id()) then
    perform app_private.raise_error('OR001', 'order_not_found', jsonb_build_object('order_id', p_order_id));
  end if;
  if exists (select 1 from app_public.orders o join app_public.users u on u.id in (o.buyer_id, o.seller_id)
              where o.order_id = p_order_id and u.discord_id = app_public.current_discord_id()) then
    perform app_private.raise_error('PD002', 'self_action_forbidden');
  end if;
  return v_role;
end;
$$;
comment on function app_private.staff_order_action(uuid, text, app_public.staff_role[]) is
  'Checks a staff override on an order of the current guild: role (PD001), reason (RS001), existence (OR001), and '
  'that the staff member is neither its buyer nor its seller (PD002 self_action_forbidden).';

create function app_public.fulfil_order(order_id uuid, reason text) returns app_public.orders
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.staff_order_action(order_id, reason,
    array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  v_before jsonb := app_private.order_snapshot(order_id);
  v_after app_public.orders;
begin
  v_after := app_private.fulfil_order_core(order_id, app_public.current_discord_id(), reason, now());
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v_after.guild_id, app_public.current_discord_id(), v_role, 'force_fulfil', 'order', order_id::text,
      v_before, app_private.order_snapshot(order_id), reason);
  return v_after;
end;
$$;
comment on function app_public.fulfil_order(uuid, text) is
  'Staff override: fulfils a pending order now (as the fulfilment job would). Roles: SUPERADMIN, ADMIN, OPERATOR; '
  'reason required; audited with before/after. Errors: AU001, PD001, RS001, OR001, OR002, LG003. Source: issue #3.';

create function app_public.refund_order(order_id uuid, reason text) returns app_public.orders
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.staff_order_action(order_id, reason,
    array['SUPERADMIN', 'ADMIN', 'OPERATOR', 'SUPPORT']::app_public.staff_role[]);
  v_before jsonb := app_private.order_snapshot(order_id);
  v_after app_public.orders;
begin
  v_after := app_private.refund_order_core(order_id, 'refunded', app_public.current_discord_id(), reason, now());
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v_after.guild_id, app_public.current_discord_id(), v_role, 'refund_order', 'order', order_id::text,
      v_before, app_private.order_snapshot(order_id), reason);
  return v_after;
end;
$$;
comment on function app_public.refund_order(uuid, text) is
  'Staff override: refunds a pending order (escrow back to the buyer, goods back to the listing or seller). Roles: '
  'SUPERADMIN, ADMIN, OPERATOR, SUPPORT; reason required; audited. Errors: AU001, PD001, RS001, OR001, OR002. '
  'Source: issue #3, seed 000 section 4 (Refund).';

create function app_public.cancel_order(order_id uuid) returns app_public.orders
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_me app_public.users := app_private.current_member();
begin
  if not exists (select 1 from app_public.orders o where o.order_id = cancel_order.order_id and o.buyer_id = v_me.id) then
    perform app_private.raise_error('OR001', 'order_not_found', jsonb_build_object('order_id', order_id));
  end if;
  return app_private.refund_order_core(order_id, 'cancelled', v_me.discord_id, 'cancelled by the buyer', now());
end;
$$;
comment on function app_public.cancel_order(uuid) is
  'The buyer withdraws their own pending order: escrow back to them, goods back. Errors: AU001, MB001, OR001 (not '
  'theirs or unknown), OR002 order_not_pending. Source: issue #3.';

--------------------------------------------------------------------------------
-- Functions for the worker (app_hidden: coins_worker only)
--------------------------------------------------------------------------------

create function app_hidden.raise_alert(p_guild_id bigint, p_severity app_public.alert_severity, p_kind text,
  p_message text, p_detail jsonb default '{}')
returns app_public.ops_alerts
language sql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
  insert into app_public.ops_alerts (guild_id, severity, kind, message, detail)
    values (p_guild_id, p_severity, p_kind, left(p_message, 1000), coalesce(p_detail, '{}'))
  returning *;
$$;
comment on function app_hidden.raise_alert(bigint, app_public.alert_severity, text, text, jsonb) is
  'Records an ops alert (streamed live to staff on /streams/alerts).';

create function app_hidden.fulfil_order(p_order_id uuid, p_delivery_ref text default null) returns app_public.orders
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_order app_public.orders;
begin
  select * into v_order from app_public.orders where order_id = p_order_id;
  -- Re-read: a retried or duplicated job does nothing once the order is settled.
  if v_order.order_id is null or v_order.status <> 'pending' then
    return v_order;
  end if;
  if v_order.expires_at <= now() then
    return app_private.refund_order_core(p_order_id, 'refunded', null, 'escrow_timeout', now());
  end if;
  if v_order.fulfilment <> 'none' and (p_delivery_ref is null or length(btrim(p_delivery_ref)) = 0) then
    perform app_private.raise_error('OR003', 'fulfilment_unconfirmed',
      jsonb_build_object('order_id', p_order_id, 'fulfilment', v_order.fulfilment));
  end if;
  return app_private.fulfil_order_core(p_order_id, null,
    case when p_delivery_ref is null then 'fulfilled' else 'delivered: ' || left(p_delivery_ref, 200) end, now());
end;
$$;
comment on function app_hidden.fulfil_order(uuid, text) is
  'orders__fulfil job body: fulfils a pending order. Kind none needs nothing more; api and voucher orders need the '
  'adapter''s proof of delivery in p_delivery_ref (OR003 fulfilment_unconfirmed otherwise). A settled or missing order '
  'is left alone; an expired one is refunded instead. Idempotent.';

create function app_hidden.order_for_fulfilment(p_order_id uuid)
returns table (
  order_id            uuid,
  guild_id            bigint,
  kind                app_public.order_kind,
  status              app_public.order_status,
  fulfilment          app_public.fulfilment_kind,
  buyer_discord_id    bigint,
  seller_discord_id   bigint,
  escrow              bigint,
  expires_at          timestamptz,
  fulfilment_attempts integer,
  lines               jsonb
)
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select o.order_id, o.guild_id, o.kind, o.status, o.fulfilment, b.discord_id, s.discord_id, o.escrow, o.expires_at,
         o.fulfilment_attempts,
         coalesce((select jsonb_agg(jsonb_build_object('sku', l.sku, 'qty', l.qty, 'unit_price', l.unit_price,
                            'listing_id', l.listing_id, 'category', r.category, 'payload', r.payload) order by l.id)
                     from app_public.order_lines l
                     join app_public.rewards r on r.guild_id = l.guild_id and r.sku = l.sku
                    where l.order_id = o.order_id), '[]'::jsonb)
    from app_public.orders o
    join app_public.users b on b.id = o.buyer_id
    left join app_public.users s on s.id = o.seller_id
   where o.order_id = p_order_id;
$$;
comment on function app_hidden.order_for_fulfilment(uuid) is
  'orders__fulfil job: re-reads an order (status, fulfilment kind, expiry, buyer and seller, lines with the reward''s '
  'category and payload) so the job can skip settled orders and pick the fulfilment adapter. No row when the order '
  'does not exist.';

create function app_hidden.record_fulfilment_failure(p_order_id uuid, p_error text, p_final boolean)
returns app_public.orders
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_order app_public.orders;
begin
  update app_public.orders set fulfilment_attempts = fulfilment_attempts + 1, last_error = left(p_error, 1000)
   where order_id = p_order_id and status = 'pending'
  returning * into v_order;
  if v_order.order_id is not null and p_final then
    perform app_hidden.raise_alert(v_order.guild_id, 'warning', 'fulfilment_failed',
      format('Order %s could not be fulfilled after %s attempts; it will be refunded at its escrow timeout.',
        p_order_id, v_order.fulfilment_attempts),
      jsonb_build_object('order_id', p_order_id, 'error', left(p_error, 500)));
  end if;
  return v_order;
end;
$$;
comment on function app_hidden.record_fulfilment_failure(uuid, text, boolean) is
  'Records a failed fulfilment attempt on a pending order; the final one raises an ops alert.';

create function app_hidden.refund_expired_orders(p_at timestamptz default now(), p_limit integer default 500)
returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_id uuid;
  v_order app_public.orders;
  v_n integer := 0;
begin
  for v_id in
    select order_id from app_public.orders where status = 'pending' and expires_at <= p_at
     order by expires_at limit p_limit
  loop
    begin
      v_order := app_private.refund_order_core(v_id, 'refunded', null, 'escrow_timeout', p_at);
      v_n := v_n + 1;
      if v_order.fulfilment_attempts > 0 then
        perform app_hidden.raise_alert(v_order.guild_id, 'warning', 'fulfilment_timed_out',
          format('Order %s was refunded at its escrow timeout after %s failed fulfilment attempt(s).', v_id,
            v_order.fulfilment_attempts),
          jsonb_build_object('order_id', v_id, 'last_error', v_order.last_error));
      end if;
    exception when sqlstate 'OR002' then
      null;  -- settled meanwhile by the fulfilment job
    end;
  end loop;
  return v_n;
end;
$$;
comment on function app_hidden.refund_expired_orders(timestamptz, integer) is
  'orders__escrow_timeout job body: refunds every pending order past its escrow timeout (ESCROW_TIMEOUT_MIN); returns '
  'how many. An order refunded after failed fulfilment attempts raises a warning ops alert. Safe to run concurrently '
  'with fulfilment (each order settles at most once).';

create function app_hidden.expire_listings(p_at timestamptz default now()) returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_public.listings;
  v_n integer := 0;
begin
  for v in select * from app_public.listings where status = 'active' and expires_at <= p_at
             for update skip locked loop
    perform app_private.close_listing(v.listing_id, 'expired', p_at);
    insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, listing_id, created_at)
      values (v.guild_id, 'list', null, v.seller_id, 0, 'listing_expired',
        jsonb_build_object('sku', v.sku, 'returned_qty', v.qty_available), v.listing_id, p_at);
    v_n := v_n + 1;
  end loop;
  return v_n;
end;
$$;
comment on function app_hidden.expire_listings(timestamptz) is
  'listings__expire job body: active listings past expires_at become expired and their unsold units return to the '
  'seller; returns how many.';

create function app_hidden.pricing_rollup(p_at timestamptz default now()) returns integer
language sql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
  with stats as (
    select r.guild_id, r.sku, app_private.median_7d(r.guild_id, r.sku, p_at) as median_7d,
           coalesce((select sum(l.qty) from app_public.order_lines l join app_public.orders o on o.order_id = l.order_id
                      where l.guild_id = r.guild_id and l.sku = r.sku and o.kind = 'market' and o.status = 'fulfilled'
                        and o.settled_at > p_at - interval '24 hours' and o.settled_at <= p_at), 0)::int as volume_24h
      from app_public.rewards r
  ), ins as (
    insert into app_public.pricing_history (guild_id, sku, median_7d, volume_24h, created_at)
      select guild_id, sku, median_7d, volume_24h, p_at from stats
       where median_7d is not null or volume_24h > 0
    on conflict (guild_id, sku, created_at) do nothing
    returning 1
  )
  select count(*)::int from ins;
$$;
comment on function app_hidden.pricing_rollup(timestamptz) is
  'pricing__rollup job body: writes pricing_history (7-day median, 24 h volume) for every SKU with recent sales, '
  'stamped p_at; a slot already written is left alone (idempotent per p_at). Returns rows written.';

create function app_hidden.refresh_leaderboard(p_guild_id bigint, p_at timestamptz default now()) returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_n integer;
begin
  delete from app_public.leaderboard_snapshots where guild_id = p_guild_id;
  insert into app_public.leaderboard_snapshots (guild_id, rank, discord_id, display_name, balance, refreshed_at)
    select p_guild_id, (rank() over (order by a.balance desc))::int, u.discord_id, u.display_name, a.balance, p_at
      from app_public.accounts a join app_public.users u on u.id = a.user_id
     where a.guild_id = p_guild_id and a.currency = 'COIN' and a.kind = 'wallet' and not u.is_bot
     order by a.balance desc, u.discord_id limit 10;
  get diagnostics v_n = row_count;
  perform pg_notify('leaderboard', p_guild_id::text);
  return v_n;
end;
$$;
comment on function app_hidden.refresh_leaderboard(bigint, timestamptz) is
  'leaderboard__refresh job body: replaces the guild''s top-10 snapshot and NOTIFYs channel leaderboard.';

create function app_hidden.leaderboard_schedules() returns table (guild_id bigint, cron text)
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select guild_id, leaderboard_cron from app_public.guild_settings;
$$;
comment on function app_hidden.leaderboard_schedules() is 'Each guild''s LEADERBOARD_CRON, for the leaderboard__refresh scheduler.';

create function app_hidden.daily_digest(p_day date) returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_guild bigint;
  v_from timestamptz := p_day::timestamp at time zone 'UTC';
  v_to timestamptz := (p_day + 1)::timestamp at time zone 'UTC';
  v_stats app_public.daily_stats;
  v_n integer := 0;
begin
  for v_guild in select id from app_public.guilds loop
    insert into app_public.daily_stats (guild_id, day, transactions, volume, fees, new_listings, orders, refunds,
        active_members, top_movers)
      select v_guild, p_day,
        (select count(*) from app_public.transactions where guild_id = v_guild and created_at >= v_from and created_at < v_to),
        (select coalesce(sum(amount), 0) from app_public.transfers t where t.guild_id = v_guild and t.created_at >= v_from
           and t.created_at < v_to and t.timeout_at is null and t.reason <> 'order_refund'),
        (select coalesce(sum(t.amount), 0) from app_public.transfers t where t.guild_id = v_guild and t.reason = 'market_fee'
           and t.created_at >= v_from and t.created_at < v_to),
        (select count(*) from app_public.listings where guild_id = v_guild and created_at >= v_from and created_at < v_to),
        (select count(*) from app_public.orders where guild_id = v_guild and created_at >= v_from and created_at < v_to),
        (select count(*) from app_public.orders where guild_id = v_guild and status in ('refunded', 'cancelled')
           and settled_at >= v_from and settled_at < v_to),
        (select count(distinct user_id) from app_public.transactions where guild_id = v_guild and created_at >= v_from
           and created_at < v_to),
        coalesce((select jsonb_agg(m order by abs((m ->> 'net')::bigint) desc) from (
           select jsonb_build_object('discord_id', u.discord_id::text, 'display_name', u.display_name, 'net', x.net) as m
             from (select a.user_id, sum(case when t.credit_account_id = a.id then t.amount else -t.amount end) as net
                     from app_public.transfers t
                     join app_public.accounts a on a.id in (t.debit_account_id, t.credit_account_id)
                    where t.guild_id = v_guild and a.kind = 'wallet' and t.created_at >= v_from and t.created_at < v_to
                    group by a.user_id) x
             join app_public.users u on u.id = x.user_id
            order by abs(x.net) desc limit 5) mm), '[]'::jsonb)
    on conflict (guild_id, day) do nothing
    returning * into v_stats;
    if v_stats.guild_id is not null then
      insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
        values (v_guild, 0, null, 'daily_digest', 'daily_stats', p_day::text, null, to_jsonb(v_stats),
                'daily digest (digest__daily job)');
      v_n := v_n + 1;
    end if;
    v_stats := null;
  end loop;
  return v_n;
end;
$$;
comment on function app_hidden.daily_digest(date) is
  'digest__daily job body: one daily_stats row per guild for a UTC day (transactions, volume = coins moved excluding '
  'escrow holds and refunds, fees, new listings, orders, '
  'refunds, active members, top movers) and an admin_actions entry; idempotent per day. Returns rows written.';

create function app_hidden.verify_ledger_and_alert() returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v record;
  v_n integer := 0;
begin
  for v in select guild_id, jsonb_agg(to_jsonb(x)) as violations, count(*) as n
             from app_public.verify_ledger(null) x group by guild_id loop
    perform app_hidden.raise_alert(v.guild_id, 'critical', 'ledger_violation',
      format('verify_ledger found %s violated invariant(s).', v.n), jsonb_build_object('violations', v.violations));
    v_n := v_n + v.n;
  end loop;
  return v_n;
end;
$$;
comment on function app_hidden.verify_ledger_and_alert() is
  'ledger__verify job body: runs verify_ledger over every guild; each guild with violations gets a critical ops alert. '
  'Returns the number of violations.';

create function app_hidden.purge_expired(p_at timestamptz default now()) returns integer
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
  return v_n + v_m;
end;
$$;
comment on function app_hidden.purge_expired(timestamptz) is
  'Deletes idempotency records older than 7 days (replays are answered for a week) and expired sessions.';

--------------------------------------------------------------------------------
-- Live stream: NOTIFY on commit, snapshot cursors for gap-free resume
--------------------------------------------------------------------------------

create function app_private.tg__notify_stream() returns trigger
language plpgsql
as $$
begin
  -- Delivered at commit; identical payloads within one transaction are folded into one.
  perform pg_notify(tg_argv[0], coalesce(new.guild_id::text, ''));
  return null;
end;
$$;
comment on function app_private.tg__notify_stream() is 'Trigger: NOTIFY channel tg_argv[0] with the row''s guild id.';
create trigger _800_notify after insert on app_public.transactions
  for each row execute function app_private.tg__notify_stream('tx_stream');
create trigger _800_notify after insert on app_public.ops_alerts
  for each row execute function app_private.tg__notify_stream('ops_alerts');

create type app_public.stream_batch as (
  cursor    text,
  events    jsonb,
  truncated boolean
);
comment on type app_public.stream_batch is
  'A batch of the live stream: the events committed after the given cursor (oldest first) and the cursor to resume from.';

create function app_hidden.transactions_since(p_cursor text, p_backlog integer default 50)
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
    -- A new subscriber: the latest p_backlog events for context, then live.
    select jsonb_agg(to_jsonb(t) - 'xid' || jsonb_build_object('guild_id', t.guild_id::text, 'actor_id', t.actor_id::text) order by t.seq), count(*) into v_events, v_count
      from (select * from app_public.transactions
             where guild_id = app_public.current_guild_id() and pg_visible_in_snapshot(xid, v_now)
             order by seq desc limit greatest(coalesce(p_backlog, 50), 0)) t;
    return (v_now::text, coalesce(v_events, '[]'), false)::app_public.stream_batch;
  end if;
  begin
    v_since := p_cursor::pg_snapshot;
  exception when others then
    -- Caller's rights: app_private is out of reach, so raise the catalogue error directly.
    raise exception using errcode = 'VL001', message = 'invalid_argument', detail = '{"argument": "cursor"}';
  end;
  select jsonb_agg(to_jsonb(t) - 'xid' || jsonb_build_object('guild_id', t.guild_id::text, 'actor_id', t.actor_id::text) order by t.seq), count(*) into v_events, v_count
    from (select * from app_public.transactions
           where guild_id = app_public.current_guild_id()
             and xid >= pg_snapshot_xmin(v_since)
             and pg_visible_in_snapshot(xid, v_now) and not pg_visible_in_snapshot(xid, v_since)
           order by seq limit 5001) t;
  if v_count > 5000 then
    -- Too far behind to replay in one batch: the client should reload.
    return (v_now::text, '[]'::jsonb, true)::app_public.stream_batch;
  end if;
  return (v_now::text, coalesce(v_events, '[]'), false)::app_public.stream_batch;
end;
$$;
comment on function app_hidden.transactions_since(text, integer) is
  'The live transaction stream of the current guild, read with the caller''s rights (RLS: staff see the guild, members '
  'their own). p_cursor is a pg_snapshot from a previous batch: the batch holds exactly the rows committed after it, '
  'in seq order, so a resumed stream misses nothing even when transactions commit out of seq order. Null cursor: the '
  'last p_backlog events. Discord snowflakes (guild_id, actor_id) are strings. VL001 for a malformed cursor; truncated '
  'when more than 5000 events are pending.';

create function app_hidden.alerts_since(p_cursor text, p_backlog integer default 20)
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
    select jsonb_agg(to_jsonb(a) - 'xid' || jsonb_build_object('guild_id', a.guild_id::text, 'acknowledged_by', a.acknowledged_by::text) order by a.id) into v_events
      from (select * from app_public.ops_alerts where pg_visible_in_snapshot(xid, v_now)
             order by id desc limit greatest(coalesce(p_backlog, 20), 0)) a;
    return (v_now::text, coalesce(v_events, '[]'), false)::app_public.stream_batch;
  end if;
  begin
    v_since := p_cursor::pg_snapshot;
  exception when others then
    -- Caller's rights: app_private is out of reach, so raise the catalogue error directly.
    raise exception using errcode = 'VL001', message = 'invalid_argument', detail = '{"argument": "cursor"}';
  end;
  select jsonb_agg(to_jsonb(a) - 'xid' || jsonb_build_object('guild_id', a.guild_id::text, 'acknowledged_by', a.acknowledged_by::text) order by a.id), count(*)
    into v_events, v_count
    from (select * from app_public.ops_alerts
           where xid >= pg_snapshot_xmin(v_since)
             and pg_visible_in_snapshot(xid, v_now) and not pg_visible_in_snapshot(xid, v_since)
           order by id limit 1001) a;
  if v_count > 1000 then
    return (v_now::text, '[]'::jsonb, true)::app_public.stream_batch;
  end if;
  return (v_now::text, coalesce(v_events, '[]'), false)::app_public.stream_batch;
end;
$$;
comment on function app_hidden.alerts_since(text, integer) is
  'The ops-alert stream visible to the caller (RLS: staff of the guild; guild-less alerts to all staff), with the same '
  'snapshot cursor as transactions_since (truncated when more than 1000 alerts are pending).';

--------------------------------------------------------------------------------
-- Jobs: the order trigger queues fulfilment
--------------------------------------------------------------------------------

create function app_private.tg_orders__queue_fulfilment() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform graphile_worker.add_job('orders__fulfil', json_build_object('order_id', new.order_id),
    job_key := 'orders__fulfil:' || new.order_id, max_attempts := 7);
  return null;
end;
$$;
comment on function app_private.tg_orders__queue_fulfilment() is
  'Trigger: a new order queues its orders__fulfil job (graphile-worker; LISTEN/NOTIFY wakes a worker at once). Up to 7 '
  'attempts with graphile-worker''s exponential backoff (exp(attempt) s): the last one comes about 10.6 min after the '
  'first, inside the default 15-minute escrow timeout.';
create trigger _500_queue_fulfilment after insert on app_public.orders
  for each row execute function app_private.tg_orders__queue_fulfilment();

--------------------------------------------------------------------------------
-- verify_ledger: settled orders hold nothing
--------------------------------------------------------------------------------

create function app_private.order_violations(p_guild_id bigint) returns setof app_public.ledger_violation
language sql stable
as $$
  select 'order_state_matches_hold', o.guild_id, 'COIN'::text, t.credit_account_id, o.escrow, t.amount
    from app_public.orders o join app_public.transfers t on t.id = o.hold_id
   where (p_guild_id is null or o.guild_id = p_guild_id)
     and ((o.status = 'pending' and t.status <> 'pending')
          or (o.status = 'fulfilled' and t.status <> 'posted')
          or (o.status in ('refunded', 'cancelled') and t.status <> 'voided')
          or t.amount <> o.escrow);
$$;
comment on function app_private.order_violations(bigint) is
  'Order invariant (DESIGN.md "Money"): an order in a final state has no pending transfer; fulfilled orders posted '
  'their hold, refunded and cancelled ones voided it, pending ones still hold it, for exactly the escrow amount.';

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
end;
$$;
comment on function app_public.verify_ledger(bigint) is
  'Returns every violated ledger invariant (empty = healthy): per guild and currency the balances sum to zero; each '
  'balance equals the sum of its postings, and its credit/debit totals those of its transfers; each member''s lifetime '
  'counters equal what crossed between them and others; no member/treasury/fees balance is negative; each escrow account equals its '
  'pending holds; each resolved hold was paid out exactly once and in full; every order agrees with its hold (no '
  'pending transfer behind a settled order). Staff (any role) check their own guild; the '
  'worker and the owner may check one guild or all (null). Errors: AU001, PD001 permission_denied. Source: DESIGN.md "Money".';

--------------------------------------------------------------------------------
-- Grants
--------------------------------------------------------------------------------

grant execute on function app_public.price_check(text, bigint), app_public.buy_reward(text, integer, text),
  app_public.create_listing(text, integer, bigint, integer, integer, integer, text),
  app_public.buy_listing(uuid, integer, text), app_public.cancel_listing(uuid, text),
  app_public.edit_listing_price(uuid, bigint, text), app_public.cancel_order(uuid)
  to coins_player;
grant execute on function app_public.price_check(text, bigint), app_public.cancel_listing(uuid, text),
  app_public.edit_listing_price(uuid, bigint, text), app_public.fulfil_order(uuid, text),
  app_public.refund_order(uuid, text)
  to coins_staff;
grant execute on function app_hidden.transactions_since(text, integer) to coins_player, coins_staff;
grant execute on function app_hidden.alerts_since(text, integer) to coins_staff;
grant execute on function app_hidden.fulfil_order(uuid, text), app_hidden.order_for_fulfilment(uuid),
  app_hidden.record_fulfilment_failure(uuid, text, boolean),
  app_hidden.refund_expired_orders(timestamptz, integer), app_hidden.expire_listings(timestamptz),
  app_hidden.pricing_rollup(timestamptz), app_hidden.refresh_leaderboard(bigint, timestamptz),
  app_hidden.leaderboard_schedules(), app_hidden.daily_digest(date), app_hidden.verify_ledger_and_alert(),
  app_hidden.raise_alert(bigint, app_public.alert_severity, text, text, jsonb), app_hidden.purge_expired(timestamptz)
  to coins_worker;
