--! Previous: sha1:787c1c1e96526fc19d9df5dc922d802b6211db3e
--! Hash: sha1:a9e966256eb399d8ee673433069421339e42e7b1
--! Message: Collectible cards (issue 15): catalogue, card currencies, pack types, provably fair draws, packs, trades, card market, events, wishlists, staff actions, card invariants

-- Collectible cards (issue 15, seed 002 "PopDeck"): catalogue, owned copies with print numbers, card currencies in the
-- ledger, pack types as configuration, provably fair draws, packs (open, then pick one of three), /draw, cooldowns,
-- inventory (lock, burn), trades between members, the card market, events with temporary cards, staff actions.
-- Idempotent: drops what it creates (in dependency order), then creates it again.

drop table if exists app_public.card_wishlists, app_public.card_trade_items, app_public.card_trades, app_public.card_listings,
  app_public.card_draws, app_public.pack_openings, app_public.card_cooldowns, app_public.card_cooldown_roles,
  app_public.pack_costs, app_public.pack_types, app_public.card_notifications, app_public.user_cards,
  app_public.card_templates, app_public.era_images, app_public.eras, app_public.artists, app_public.card_events,
  app_public.fair_seeds, app_private.fair_seed_secrets, app_private.fair_nonces, app_public.card_settings cascade;
drop type if exists app_public.card_rarity, app_public.card_trade_status, app_public.card_listing_status,
  app_public.pack_opening_status, app_public.card_trade_side, app_public.pack_opening cascade;
drop function if exists app_private.ledger_account(bigint, bigint, text, app_public.account_kind);
drop function if exists app_private.hmac_sha256(bytea, bytea);
drop function if exists app_public.fair_value(bytea, bigint, integer);
drop function if exists app_public.rarity_for_roll(integer, integer[]);
drop function if exists app_private.fair_seed_for(bigint, timestamptz);
drop function if exists app_public.rotate_fair_seed();
drop function if exists app_private.rotate_fair_seed_for(bigint, timestamptz);
drop function if exists app_private.card_cooldown(bigint, text, integer, bigint[], timestamptz);
drop function if exists app_private.mint_card(bigint, bigint, text, timestamptz);
drop function if exists app_private.draw_cards(bigint, bigint, integer, uuid, timestamptz);
drop function if exists app_private.pay_for_pack(bigint, bigint, text, uuid, timestamptz);
drop function if exists app_public.open_pack(text, text, bigint[], text);
drop function if exists app_private.open_pack_for(bigint, text, text, bigint[], text, timestamptz);
drop function if exists app_public.pick_card(uuid, integer);
drop function if exists app_private.pick_card_for(bigint, uuid, integer, timestamptz);
drop function if exists app_public.draw_card(text, bigint[], text);
drop function if exists app_private.draw_card_for(bigint, text, text, bigint[], text, timestamptz);
drop function if exists app_public.verify_draw(bigint, text);
drop function if exists app_public.draw_stats(text, integer);
drop function if exists app_public.set_card_locked(bigint, boolean);
drop function if exists app_public.burn_card(bigint, text);
drop function if exists app_private.burn_card_for(bigint, bigint, text, timestamptz);
drop function if exists app_private.card_for_change(bigint, bigint);
drop function if exists app_public.card_balances();
drop function if exists app_public.list_card(bigint, bigint, text, integer, text);
drop function if exists app_private.list_card_for(bigint, bigint, bigint, text, integer, text, timestamptz);
drop function if exists app_public.buy_card(uuid, text);
drop function if exists app_private.buy_card_for(bigint, uuid, text, timestamptz);
drop function if exists app_public.cancel_card_listing(uuid);
drop function if exists app_hidden.expire_card_listings(timestamptz);
drop function if exists app_public.propose_trade(bigint, bigint[], jsonb, bigint[], jsonb);
drop function if exists app_private.propose_trade_for(bigint, bigint, bigint[], jsonb, bigint[], jsonb, timestamptz);
drop function if exists app_private.trade_items_check(bigint, bigint, bigint[], jsonb);
drop function if exists app_public.revise_trade(uuid, bigint[], jsonb, bigint[], jsonb);
drop function if exists app_public.confirm_trade(uuid, integer);
drop function if exists app_private.confirm_trade_for(bigint, uuid, integer, timestamptz);
drop function if exists app_private.execute_trade(uuid, timestamptz);
drop function if exists app_public.cancel_trade(uuid);
drop function if exists app_hidden.expire_card_trades(timestamptz);
drop function if exists app_public.set_card_rarity(text, app_public.card_rarity, text);
drop function if exists app_public.give_card_currency(bigint, bigint, text, text);
drop function if exists app_public.create_card_template(bigint, bigint, app_public.card_rarity, bigint, bigint);
drop function if exists app_hidden.expire_temporary_cards(timestamptz);
drop function if exists app_private.tg_pack_types__check_rates();
drop function if exists app_private.card_audit(bigint, text, text, text, jsonb, jsonb, text);
drop function if exists app_private.card_currency(bigint, text);
drop function if exists app_public.card_leaderboard(boolean, integer);
drop function if exists app_private.ensure_card_catalogue(bigint);
drop function if exists app_public.set_wishlist(text, boolean);
drop function if exists app_public.collection_progress();
drop function if exists app_public.delete_card_template(text, boolean, text);
drop function if exists app_public.purge_artist(bigint, text);

--------------------------------------------------------------------------------
-- Card currencies: Notes, Discs, Gems (scale 0), ledger rows of every guild that uses them
--------------------------------------------------------------------------------
insert into app_public.currencies (code, name, scale) values ('NOTE', 'Notes', 0), ('DISC', 'Discs', 0), ('GEM', 'Gems', 0)
  on conflict (code) do nothing;

create type app_public.card_rarity as enum ('common', 'rare', 'epic', 'legendary', 'mythic');

create table app_public.card_settings (
  guild_id           bigint primary key references app_public.guilds on delete cascade,
  currencies         text[] not null default '{NOTE,DISC,GEM}' check (currencies <@ '{NOTE,DISC,GEM}' and cardinality(currencies) >= 1),
  market_fee_bp      integer not null default 500 check (market_fee_bp between 0 and 5000),
  listing_hours      integer not null default 72 check (listing_hours between 1 and 720),
  trade_expiry_min   integer not null default 60 check (trade_expiry_min between 1 and 10080),
  inventory_public   boolean not null default true,
  reveal_public      boolean not null default true,
  burn_notes         jsonb not null default '{"common": 5, "rare": 15, "epic": 50, "legendary": 200, "mythic": 1000}'
                       check (jsonb_typeof(burn_notes) = 'object'),
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now()
);
comment on table app_public.card_settings is E'@behavior -insert -delete\nThe card game''s settings of a guild: which card currencies it uses, the market fee (basis points; the seed''s 5 %), listing and trade lifetimes, whether members may view each other''s inventory, whether pack reveals are public, the Notes paid for burning a copy by rarity.';

--------------------------------------------------------------------------------
-- Catalogue: artists, eras, era images (URLs only), card templates
--------------------------------------------------------------------------------
create table app_public.artists (
  id         bigint generated always as identity primary key,
  guild_id   bigint not null references app_public.guilds on delete cascade,
  name       text not null check (length(btrim(name)) between 1 and 100),
  code       text not null check (code ~ '^[A-Z0-9]{2,4}$'),
  is_group   boolean not null default false,
  group_id   bigint references app_public.artists on delete set null,
  metadata   jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  created_at timestamptz not null default now(),
  unique (guild_id, code),
  unique (guild_id, id)
);
comment on table app_public.artists is E'@behavior -delete\nArtists (groups and members: group_id is the group a member belongs to). code: the 2-4 character prefix of public ids.';
create index on app_public.artists (guild_id, lower(name));

create table app_public.eras (
  id         bigint generated always as identity primary key,
  guild_id   bigint not null,
  artist_id  bigint not null,
  name       text not null check (length(btrim(name)) between 1 and 100),
  code       text not null check (code ~ '^[A-Z0-9]{2,6}$'),
  starts_on  date,
  ends_on    date check (ends_on is null or starts_on is null or ends_on >= starts_on),
  colour     text not null default '#5865f2' check (colour ~ '^#[0-9a-f]{6}$'),
  search_keywords text[] not null default '{}',
  created_at timestamptz not null default now(),
  foreign key (guild_id, artist_id) references app_public.artists (guild_id, id) on delete cascade,
  unique (artist_id, code),
  unique (guild_id, id)
);
comment on table app_public.eras is E'@behavior -delete\nEras: an artist''s release or promotion window; colour tints the demo artwork.';

create table app_public.era_images (
  id          bigint generated always as identity primary key,
  guild_id    bigint not null,
  era_id      bigint not null,
  source_url  text check (source_url ~ '^https?://'),
  storage_url text check (storage_url ~ '^(https?|s3|file)://'),
  kind        text not null default 'promo' check (kind in ('concert', 'mv', 'promo', 'cover', 'red_carpet', 'generated')),
  width       integer check (width > 0),
  height      integer check (height > 0),
  phash       text check (phash ~ '^[0-9a-f]{16}$'),
  licence     jsonb not null default '{}' check (jsonb_typeof(licence) = 'object'),
  created_at  timestamptz not null default now(),
  foreign key (guild_id, era_id) references app_public.eras (guild_id, id) on delete cascade,
  unique (guild_id, id)
);
comment on table app_public.era_images is E'@behavior -delete\nImages of an era: where they come from and where the file is stored (URLs only: files live in object storage or the cache directory, never in the database).';
create index on app_public.era_images (phash);

create table app_public.card_events (
  id          bigint generated always as identity primary key,
  guild_id    bigint not null references app_public.guilds on delete cascade,
  name        text not null check (length(btrim(name)) between 1 and 100),
  description text not null default '',
  starts_at   timestamptz not null,
  ends_at     timestamptz not null check (ends_at > starts_at),
  created_at  timestamptz not null default now(),
  unique (guild_id, id)
);
comment on table app_public.card_events is E'@behavior -delete\nCard events: a window in which event packs open and temporary cards exist; temporary copies vanish at ends_at.';

create table app_public.card_templates (
  id             bigint generated always as identity primary key,
  guild_id       bigint not null,
  public_id      text not null check (public_id ~ '^[A-Z0-9]{2,4}-[A-Z0-9]{2,6}-[CRELM]-[0-9]{3}$'),
  artist_id      bigint not null,
  era_id         bigint not null,
  rarity         app_public.card_rarity not null,
  image_id       bigint,
  event_id       bigint,
  temporary      boolean not null default false,
  copies_created integer not null default 0 check (copies_created >= 0),
  retired_at     timestamptz,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  foreign key (guild_id, artist_id) references app_public.artists (guild_id, id),
  foreign key (guild_id, era_id) references app_public.eras (guild_id, id),
  foreign key (guild_id, image_id) references app_public.era_images (guild_id, id),
  foreign key (guild_id, event_id) references app_public.card_events (guild_id, id),
  check (not temporary or event_id is not null),
  unique (guild_id, public_id),
  unique (guild_id, id)
);
comment on table app_public.card_templates is E'@behavior -insert -update -delete\nCard templates, shared by every owner: public id (ARTIST-ERA-RARITY-NNN, the rarity letter of creation), artist, era, rarity, image, copies created (= the last print number minted). A temporary template belongs to an event; retired templates drop no more.';
create index on app_public.card_templates (guild_id, rarity) where retired_at is null;
create index on app_public.card_templates (artist_id, era_id);

create table app_public.user_cards (
  id          bigint generated always as identity primary key,
  guild_id    bigint not null,
  template_id bigint not null,
  owner_id    bigint references app_public.users on delete restrict,
  print_no    integer not null check (print_no >= 1),
  locked      boolean not null default false,
  temporary   boolean not null default false,
  expires_at  timestamptz,
  origin      text not null check (origin in ('pack', 'draw', 'event', 'admin')),
  obtained_at timestamptz not null default now(),
  burned_at   timestamptz,
  burn_reason text check (burn_reason in ('burned', 'expired', 'template_deleted')),
  foreign key (guild_id, template_id) references app_public.card_templates (guild_id, id),
  check ((owner_id is null) = (burned_at is not null)),
  check ((burned_at is null) = (burn_reason is null)),
  check (temporary = (expires_at is not null)),
  unique (template_id, print_no)
);
comment on table app_public.user_cards is E'@behavior -insert -update -delete\nOwned copies: one row per copy, print_no = the n-th copy ever minted of its template. A burned copy has no owner.';
create index on app_public.user_cards (owner_id, template_id) where owner_id is not null;
create index on app_public.user_cards (guild_id, expires_at) where temporary and burned_at is null;

create table app_public.card_notifications (
  id          bigint generated always as identity primary key,
  guild_id    bigint not null references app_public.guilds on delete cascade,
  user_id     bigint not null references app_public.users on delete cascade,
  kind        text not null check (kind in ('rarity_changed', 'trade_offer', 'trade_done', 'card_sold', 'card_expired',
                                            'wishlist_drop', 'template_deleted')),
  payload     jsonb not null default '{}',
  created_at  timestamptz not null default now(),
  delivered_at timestamptz
);
comment on table app_public.card_notifications is E'@behavior -insert -update -delete\nWhat a member is told about their cards (a rarity change of a template they own, a trade offer, a sale).';
create index on app_public.card_notifications (user_id) where delivered_at is null;

create table app_public.card_wishlists (
  guild_id    bigint not null,
  user_id     bigint not null references app_public.users on delete cascade,
  template_id bigint not null,
  created_at  timestamptz not null default now(),
  primary key (user_id, template_id),
  foreign key (guild_id, template_id) references app_public.card_templates (guild_id, id)
);
comment on table app_public.card_wishlists is E'@behavior -insert -update -delete\nTemplates a member wishlisted: they are told (card_notifications wishlist_drop) when one drops for someone.';
create index on app_public.card_wishlists (template_id);

--------------------------------------------------------------------------------
-- Packs: configuration, costs, cooldowns
--------------------------------------------------------------------------------
create table app_public.pack_types (
  id              bigint generated always as identity primary key,
  guild_id        bigint not null references app_public.guilds on delete cascade,
  code            text not null check (code ~ '^[a-z0-9-]{1,30}$'),
  name            text not null check (length(btrim(name)) between 1 and 60),
  command         text not null default 'openpack' check (command in ('openpack', 'draw')),
  cards_per_pack  integer not null default 3 check (cards_per_pack between 1 and 10),
  rate_common     integer not null check (rate_common >= 0),
  rate_rare       integer not null check (rate_rare >= 0),
  rate_epic       integer not null check (rate_epic >= 0),
  rate_legendary  integer not null check (rate_legendary >= 0),
  rate_mythic     integer not null check (rate_mythic >= 0),
  cooldown_s      integer not null default 420 check (cooldown_s between 0 and 604800),
  daily_free      integer not null default 0 check (daily_free between 0 and 100),
  guarantee       app_public.card_rarity,
  event_id        bigint,
  active          boolean not null default true,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  foreign key (guild_id, event_id) references app_public.card_events (guild_id, id),
  unique (guild_id, code),
  unique (guild_id, id)
);
comment on table app_public.pack_types is E'@behavior -delete\nPack types as configuration. Drop rates are basis points (1/100 of a percent) per rarity and sum to exactly 10000 (100 %); guarantee: at least one card of that rarity or better per pack; daily_free: free opens per member per UTC day; event_id: opens only during the event.';

create table app_public.pack_costs (
  guild_id     bigint not null,
  pack_type_id bigint not null,
  currency     text not null references app_public.currencies check (currency in ('NOTE', 'DISC', 'GEM', 'COIN')),
  amount       bigint not null check (amount > 0),
  primary key (pack_type_id, currency),
  foreign key (guild_id, pack_type_id) references app_public.pack_types (guild_id, id) on delete cascade
);
comment on table app_public.pack_costs is E'@behavior -update\nWhat a pack costs in each currency it can be bought with (minor units); a member pays in one of them.';

create table app_public.card_cooldown_roles (
  guild_id        bigint not null references app_public.guilds on delete cascade,
  discord_role_id bigint not null,
  reduction_pct   integer not null check (reduction_pct between 1 and 90),
  label           text not null default '',
  primary key (guild_id, discord_role_id)
);
comment on table app_public.card_cooldown_roles is E'Cooldown reductions by Discord role (boosters -50 %): a member gets the largest reduction among their roles.';

create table app_public.card_cooldowns (
  guild_id bigint not null,
  user_id  bigint not null references app_public.users on delete cascade,
  command  text not null check (command in ('openpack', 'draw')),
  next_at  timestamptz not null,
  primary key (user_id, command)
);
comment on table app_public.card_cooldowns is E'@behavior -insert -update -delete\nWhen a member may use a card command again.';

--------------------------------------------------------------------------------
-- Provably fair draws
--------------------------------------------------------------------------------
create table app_public.fair_seeds (
  id            bigint generated always as identity primary key,
  guild_id      bigint not null references app_public.guilds on delete cascade,
  seed_hash     text not null check (seed_hash ~ '^[0-9a-f]{64}$'),
  created_at    timestamptz not null default now(),
  rotated_at    timestamptz,
  revealed_seed text check (revealed_seed ~ '^[0-9a-f]{64}$'),
  check ((rotated_at is null) = (revealed_seed is null))
);
comment on table app_public.fair_seeds is E'@behavior -insert -update -delete\nServer seeds of provably fair draws: seed_hash = hex SHA-256 of the seed, published before any draw uses it; the seed itself is revealed when the guild rotates to a new one.';
create unique index fair_seeds_current on app_public.fair_seeds (guild_id) where rotated_at is null;

create table app_private.fair_seed_secrets (
  seed_id bigint primary key references app_public.fair_seeds on delete cascade,
  seed    bytea not null check (length(seed) = 32)
);
comment on table app_private.fair_seed_secrets is 'The unrevealed server seeds (32 random bytes). Only SECURITY DEFINER rules read them.';

create table app_private.fair_nonces (
  seed_id    bigint not null references app_public.fair_seeds on delete cascade,
  discord_id bigint not null,
  next_nonce integer not null default 0,
  primary key (seed_id, discord_id)
);
comment on table app_private.fair_nonces is 'The next nonce per server seed and member: draws of a member under one seed use 0, 1, 2, ...';

create type app_public.pack_opening_status as enum ('open', 'picked');

create table app_public.pack_openings (
  id           uuid primary key default gen_random_uuid(),
  guild_id     bigint not null,
  user_id      bigint not null references app_public.users,
  pack_type_id bigint not null,
  status       app_public.pack_opening_status not null default 'open',
  free         boolean not null,
  currency     text references app_public.currencies,
  amount       bigint not null default 0 check (amount >= 0),
  rates        integer[] not null check (cardinality(rates) = 5),
  picked_slot  integer,
  card_id      bigint references app_public.user_cards,
  channel_id   bigint,
  opened_at    timestamptz not null default now(),
  picked_at    timestamptz,
  foreign key (guild_id, pack_type_id) references app_public.pack_types (guild_id, id),
  check ((status = 'picked') = (picked_at is not null)),
  check (free = (currency is null))
);
comment on table app_public.pack_openings is E'@behavior -insert -update -delete\nOpened packs: the drawn cards are card_draws rows; nothing is minted until the member picks one (status picked, card_id the minted copy).';
create index on app_public.pack_openings (user_id, pack_type_id, opened_at);

create table app_public.card_draws (
  id          bigint generated always as identity primary key,
  guild_id    bigint not null,
  user_id     bigint not null references app_public.users,
  discord_id  bigint not null,
  seed_id     bigint not null references app_public.fair_seeds,
  nonce       integer not null check (nonce >= 0),
  opening_id  uuid references app_public.pack_openings on delete cascade,
  slot        integer not null check (slot >= 0),
  pack_type_id bigint not null,
  roll        integer not null check (roll between 0 and 9999),
  rarity_rolled app_public.card_rarity not null,
  rarity      app_public.card_rarity not null,
  pool_size   integer not null check (pool_size > 0),
  pick_index  integer not null check (pick_index >= 0 and pick_index < pool_size),
  template_id bigint not null,
  card_id     bigint references app_public.user_cards,
  drawn_at    timestamptz not null default now(),
  foreign key (guild_id, template_id) references app_public.card_templates (guild_id, id),
  unique (seed_id, discord_id, nonce)
);
comment on table app_public.card_draws is E'@behavior -insert -update -delete\nEvery draw with what makes it verifiable: the seed, the member''s Discord id and nonce (HMAC-SHA256(seed, "discord_id:nonce")), the roll (0-9999) and the rarity it gives under the pack''s rates, the rarity given (a guarantee or an empty pool can change it), the pool size and index of the template.';
create index on app_public.card_draws (guild_id, pack_type_id, id desc);
create index on app_public.card_draws (opening_id);

--------------------------------------------------------------------------------
-- Card market and trades
--------------------------------------------------------------------------------
create type app_public.card_listing_status as enum ('active', 'sold', 'cancelled', 'expired');

create table app_public.card_listings (
  id         uuid primary key default gen_random_uuid(),
  guild_id   bigint not null,
  seller_id  bigint not null references app_public.users,
  card_id    bigint not null references app_public.user_cards,
  price      bigint not null check (price > 0),
  currency   text not null references app_public.currencies,
  fee_bp     integer not null check (fee_bp between 0 and 5000),
  status     app_public.card_listing_status not null default 'active',
  buyer_id   bigint references app_public.users,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  closed_at  timestamptz,
  check ((status = 'active') = (closed_at is null)),
  check ((status = 'sold') = (buyer_id is not null))
);
comment on table app_public.card_listings is E'@behavior -insert -update -delete\nCard market listings (server-only): one copy at a price in a currency; the copy stays with the seller until sold, and cannot be traded, burned or listed twice while active.';
create unique index card_listings_one_active on app_public.card_listings (card_id) where status = 'active';
create index on app_public.card_listings (guild_id, status, created_at);

create type app_public.card_trade_status as enum ('open', 'done', 'cancelled', 'expired');
create type app_public.card_trade_side as enum ('proposer', 'recipient');

create table app_public.card_trades (
  id                 uuid primary key default gen_random_uuid(),
  guild_id           bigint not null,
  proposer_id        bigint not null references app_public.users,
  recipient_id       bigint not null references app_public.users,
  status             app_public.card_trade_status not null default 'open',
  version            integer not null default 1 check (version >= 1),
  proposer_confirmed integer,
  recipient_confirmed integer,
  expires_at         timestamptz not null,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  closed_at          timestamptz,
  check (proposer_id <> recipient_id),
  check ((status = 'open') = (closed_at is null))
);
comment on table app_public.card_trades is E'@behavior -insert -update -delete\nTrades between two members: cards and currencies each way. Each side confirms the current version; a revision bumps the version (old confirmations no longer count); when both confirmed the same version, the swap happens in that transaction.';

create table app_public.card_trade_items (
  trade_id uuid not null references app_public.card_trades on delete cascade,
  guild_id bigint not null,
  side     app_public.card_trade_side not null,
  card_id  bigint references app_public.user_cards,
  currency text references app_public.currencies,
  amount   bigint check (amount > 0),
  check ((card_id is null) <> (currency is null) and (currency is null) = (amount is null))
);
comment on table app_public.card_trade_items is E'@behavior -insert -update -delete\nWhat each side of a trade gives: a copy, or an amount of a currency.';
create index on app_public.card_trade_items (trade_id);
create index on app_public.card_trade_items (card_id) where card_id is not null;

--------------------------------------------------------------------------------
-- Rules
--------------------------------------------------------------------------------
--! Included ledger/ledger_account.sql
create or replace function app_private.ledger_account(p_guild_id bigint, p_user_id bigint, p_currency text,
  p_kind app_public.account_kind)
returns bigint
language plpgsql
as $$
declare
  v_id bigint;
begin
  if p_user_id is null then
    select id into v_id from app_public.accounts
     where guild_id = p_guild_id and user_id is null and currency = p_currency and kind = p_kind;
    if v_id is null then
      insert into app_public.accounts (guild_id, currency, kind) values (p_guild_id, p_currency, p_kind)
        on conflict (guild_id, currency, kind) where user_id is null do nothing;
      select id into v_id from app_public.accounts
       where guild_id = p_guild_id and user_id is null and currency = p_currency and kind = p_kind;
    end if;
  else
    select id into v_id from app_public.accounts where user_id = p_user_id and currency = p_currency and kind = p_kind;
    if v_id is null then
      insert into app_public.accounts (guild_id, user_id, currency, kind) values (p_guild_id, p_user_id, p_currency, p_kind)
        on conflict (user_id, currency, kind) where user_id is not null do nothing;
      select id into v_id from app_public.accounts where user_id = p_user_id and currency = p_currency and kind = p_kind;
    end if;
  end if;
  return v_id;
end;
$$;

comment on function app_private.ledger_account(bigint, bigint, text, app_public.account_kind) is
  'The ledger account of a member (wallet, escrow) or of the guild (mint, treasury, fees) in any currency, created on '
  'first use (the card currencies NOTE, DISC, GEM open their accounts this way). Source: DESIGN.md "Several currencies, '
  'one ledger"; issue 15 "Currencies".';
--! EndIncluded ledger/ledger_account.sql
--! Included cards/card_currency.sql
create or replace function app_private.card_currency(p_guild_id bigint, p_currency text)
returns text
language plpgsql stable
as $$
begin
  if p_currency is null or not (p_currency = any ((select currencies from app_public.card_settings where guild_id = p_guild_id) || '{COIN}'::text[])) then
    perform app_private.raise_error('CA009', 'currency_not_used', jsonb_build_object('currency', p_currency));
  end if;
  return p_currency;
end;
$$;

comment on function app_private.card_currency(bigint, text) is
  'Returns p_currency when the guild uses it for cards (card_settings.currencies, or COIN, the guild''s main currency). '
  'Errors: CA009 currency_not_used. Source: issue 15 "Currencies" (a guild chooses which currencies it uses).';
--! EndIncluded cards/card_currency.sql
--! Included cards/hmac_sha256.sql
create or replace function app_private.hmac_sha256(p_key bytea, p_message bytea)
returns bytea
language plpgsql immutable strict parallel safe
as $$
declare
  v_key bytea := p_key;
  v_ipad bytea := '\x'::bytea;
  v_opad bytea := '\x'::bytea;
  v_byte integer;
begin
  -- RFC 2104 with SHA-256 (block size 64 bytes); PostgreSQL has sha256() but not hmac() without pgcrypto.
  if length(v_key) > 64 then
    v_key := sha256(v_key);
  end if;
  v_key := v_key || decode(repeat('00', 64 - length(v_key)), 'hex');
  for i in 0 .. 63 loop
    v_byte := get_byte(v_key, i);
    v_ipad := v_ipad || decode(lpad(to_hex(v_byte # 54), 2, '0'), 'hex');
    v_opad := v_opad || decode(lpad(to_hex(v_byte # 92), 2, '0'), 'hex');
  end loop;
  return sha256(v_opad || sha256(v_ipad || p_message));
end;
$$;

comment on function app_private.hmac_sha256(bytea, bytea) is
  'HMAC-SHA256 (RFC 2104) of p_message under p_key, with PostgreSQL''s sha256(). Source: issue 15 "Provably fair draws".';
--! EndIncluded cards/hmac_sha256.sql
--! Included cards/fair_value.sql
create or replace function app_public.fair_value(server_seed bytea, discord_id bigint, nonce integer)
returns bytea
language sql immutable strict parallel safe security definer set search_path = pg_catalog, public, pg_temp
as $$
  select app_private.hmac_sha256(server_seed, convert_to(discord_id::text || ':' || nonce::text, 'UTF8'));
$$;

comment on function app_public.fair_value(bytea, bigint, integer) is
  'The randomness of one draw: HMAC-SHA256(server seed, "<discord id>:<nonce>") (32 bytes). The roll is the first 6 bytes '
  'as an unsigned integer modulo 10000 (0-9999, compared with the cumulative drop rates in basis points); the template '
  'index is the next 6 bytes modulo the size of the rarity''s pool (templates of that rarity, not retired, in id order). '
  'Anyone can recompute it once the seed is revealed (README "Provably fair draws"). Source: issue 15.';
--! EndIncluded cards/fair_value.sql
--! Included cards/rarity_for_roll.sql
create or replace function app_public.rarity_for_roll(roll integer, rates integer[])
returns app_public.card_rarity
language sql immutable strict parallel safe security definer set search_path = pg_catalog, public, pg_temp
as $$
  -- rates: basis points of common, rare, epic, legendary, mythic (summing to 10000); the roll falls in one band.
  select case
    when roll < rates[1] then 'common'
    when roll < rates[1] + rates[2] then 'rare'
    when roll < rates[1] + rates[2] + rates[3] then 'epic'
    when roll < rates[1] + rates[2] + rates[3] + rates[4] then 'legendary'
    else 'mythic' end::app_public.card_rarity;
$$;

comment on function app_public.rarity_for_roll(integer, integer[]) is
  'The rarity a roll (0-9999) gives under drop rates in basis points [common, rare, epic, legendary, mythic]: bands in '
  'that order, each as wide as its rate. Source: issue 15 "Packs are configuration", seed 002 "Base probabilities".';
--! EndIncluded cards/rarity_for_roll.sql
--! Included cards/fair_seed_for.sql
create or replace function app_private.fair_seed_for(p_guild_id bigint, p_at timestamptz default now())
returns bigint
language plpgsql
as $$
declare
  v_id bigint;
  v_seed bytea;
begin
  select id into v_id from app_public.fair_seeds where guild_id = p_guild_id and rotated_at is null;
  if v_id is null then
    -- Two v4 UUIDs from pg_strong_random: 244 random bits (the version nibbles are fixed), hashed to 32 bytes.
    v_seed := sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
    insert into app_public.fair_seeds (guild_id, seed_hash, created_at)
      values (p_guild_id, encode(sha256(v_seed), 'hex'), p_at)
      on conflict (guild_id) where rotated_at is null do nothing
      returning id into v_id;
    if v_id is null then
      select id into v_id from app_public.fair_seeds where guild_id = p_guild_id and rotated_at is null;
    else
      insert into app_private.fair_seed_secrets (seed_id, seed) values (v_id, v_seed);
    end if;
  end if;
  return v_id;
end;
$$;

comment on function app_private.fair_seed_for(bigint, timestamptz) is
  'The guild''s current server seed (its id), created on first use: 32 random bytes kept in app_private, only their '
  'SHA-256 published in fair_seeds.seed_hash. Source: issue 15 "Provably fair draws".';
--! EndIncluded cards/fair_seed_for.sql
--! Included cards/rotate_fair_seed_for.sql
create or replace function app_private.rotate_fair_seed_for(p_guild_id bigint, p_at timestamptz default now())
returns app_public.fair_seeds
language plpgsql
as $$
declare
  v_old bigint;
  v app_public.fair_seeds;
begin
  select id into v_old from app_public.fair_seeds where guild_id = p_guild_id and rotated_at is null for update;
  if v_old is not null then
    update app_public.fair_seeds s
       set rotated_at = p_at,
           revealed_seed = encode((select seed from app_private.fair_seed_secrets where seed_id = v_old), 'hex')
     where s.id = v_old;
    delete from app_private.fair_seed_secrets where seed_id = v_old;
  end if;
  v_old := app_private.fair_seed_for(p_guild_id, p_at);
  select * into v from app_public.fair_seeds where id = v_old;
  return v;
end;
$$;

comment on function app_private.rotate_fair_seed_for(bigint, timestamptz) is
  'Rotates the guild''s server seed: the current one is revealed (revealed_seed, rotated_at) so every draw made with it '
  'can be verified, and a new one is created whose hash is published before use. The current seed''s row lock '
  'serialises rotation against draws (draw_cards reads it FOR SHARE). Source: issue 15 "Provably fair draws".';
--! EndIncluded cards/rotate_fair_seed_for.sql
--! Included cards/rotate_fair_seed.sql
create or replace function app_public.rotate_fair_seed()
returns app_public.fair_seeds
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN']::app_public.staff_role[]);
  v_before jsonb;
  v app_public.fair_seeds;
begin
  select to_jsonb(s) into v_before from app_public.fair_seeds s
   where s.guild_id = app_public.current_guild_id() and s.rotated_at is null;
  v := app_private.rotate_fair_seed_for(app_public.current_guild_id(), now());
  perform app_private.card_audit(app_public.current_guild_id(), 'rotate_fair_seed', 'fair_seed', v.id::text,
    v_before, to_jsonb(v), 'seed rotation');
  return v;
end;
$$;

comment on function app_public.rotate_fair_seed() is
  'Staff (SUPERADMIN, ADMIN) rotate the guild''s server seed: the old seed is revealed, a new hash published; audited. '
  'Errors: AU001, PD001. Source: issue 15 "Provably fair draws".';
--! EndIncluded cards/rotate_fair_seed.sql
--! Included cards/card_cooldown.sql
create or replace function app_private.card_cooldown(p_user_id bigint, p_command text, p_base_s integer,
  p_role_ids bigint[], p_at timestamptz default now())
returns timestamptz
language plpgsql
as $$
declare
  v_user app_public.users;
  v_next timestamptz;
  v_reduction integer;
  v_new timestamptz;
begin
  select * into v_user from app_public.users where id = p_user_id;
  select next_at into v_next from app_public.card_cooldowns where user_id = p_user_id and command = p_command for update;
  if v_next is not null and v_next > p_at then
    perform app_private.raise_error('CD002', 'card_cooldown_active', jsonb_build_object('command', p_command,
      'next_at', v_next, 'retry_after_s', ceil(extract(epoch from v_next - p_at))::integer));
  end if;
  select coalesce(max(reduction_pct), 0) into v_reduction from app_public.card_cooldown_roles
   where guild_id = v_user.guild_id and discord_role_id = any (coalesce(p_role_ids, '{}'));
  v_new := p_at + make_interval(secs => p_base_s * (100 - v_reduction) / 100.0);
  insert into app_public.card_cooldowns (guild_id, user_id, command, next_at) values (v_user.guild_id, p_user_id, p_command, v_new)
    on conflict (user_id, command) do update set next_at = excluded.next_at;
  return v_new;
end;
$$;

comment on function app_private.card_cooldown(bigint, text, integer, bigint[], timestamptz) is
  'Checks and starts a member''s cooldown of a card command (openpack, draw): refuses with CD002 card_cooldown_active '
  'while it runs, else sets the next use to p_at + the base cooldown reduced by the largest card_cooldown_roles '
  'reduction among the member''s Discord roles (as the bot read them). Source: issue 15 "Cooldowns per member and '
  'command" (openpack 7 min, draw 2 min, boosters -50 %), seed 002 "Cooldowns".';
--! EndIncluded cards/card_cooldown.sql
--! Included cards/mint_card.sql
create or replace function app_private.mint_card(p_template_id bigint, p_user_id bigint, p_origin text,
  p_at timestamptz default now())
returns app_public.user_cards
language plpgsql
as $$
declare
  v_t app_public.card_templates;
  v_expires timestamptz;
  v app_public.user_cards;
begin
  -- The template's row lock serialises minting: print numbers are unique and gap-free (a rolled-back mint rolls the
  -- counter back with it).
  update app_public.card_templates t set copies_created = t.copies_created + 1
   where t.id = p_template_id returning * into v_t;
  if v_t.temporary then
    select ends_at into v_expires from app_public.card_events where id = v_t.event_id;
  end if;
  insert into app_public.user_cards (guild_id, template_id, owner_id, print_no, temporary, expires_at, origin, obtained_at)
    values (v_t.guild_id, v_t.id, p_user_id, v_t.copies_created, v_t.temporary, v_expires, p_origin, p_at)
    returning * into v;
  return v;
end;
$$;

comment on function app_private.mint_card(bigint, bigint, text, timestamptz) is
  'Mints the next copy of a template for a member: print number = copies_created + 1 under the template''s row lock '
  '(unique, gap-free, equal to copies_created); a temporary template''s copy expires at its event''s end. '
  'Source: issue 15 "Catalogue" (print number), seed 002 "Card model".';
--! EndIncluded cards/mint_card.sql
--! Included cards/draw_cards.sql
create or replace function app_private.draw_cards(p_user_id bigint, p_pack_type_id bigint, p_count integer, p_opening_id uuid,
  p_at timestamptz default now())
returns setof app_public.card_draws
language plpgsql
as $$
declare
  v_user app_public.users;
  v_pack app_public.pack_types;
  v_rates integer[];
  v_seed_id bigint;
  v_secret bytea;
  v_first integer;
  v_h bytea;
  v_roll integer;
  v_rolled app_public.card_rarity;
  v_rarity app_public.card_rarity;
  v_best app_public.card_rarity;
  v_pool integer;
  v_index integer;
  v_template bigint;
  v_order app_public.card_rarity[];
  v_draw app_public.card_draws;
  v_ipad bytea := '\x'::bytea;
  v_opad bytea := '\x'::bytea;
begin
  select * into v_user from app_public.users where id = p_user_id;
  select * into v_pack from app_public.pack_types where id = p_pack_type_id;
  v_rates := array[v_pack.rate_common, v_pack.rate_rare, v_pack.rate_epic, v_pack.rate_legendary, v_pack.rate_mythic];
  v_seed_id := app_private.fair_seed_for(v_user.guild_id, p_at);
  -- FOR SHARE: a rotation (FOR UPDATE) waits until the draws made with this seed have committed.
  perform 1 from app_public.fair_seeds where id = v_seed_id for share;
  select seed into v_secret from app_private.fair_seed_secrets where seed_id = v_seed_id;
  -- HMAC-SHA256 key pads, computed once per call (app_public.fair_value computes the same HMAC from scratch).
  for i in 0 .. 63 loop
    v_ipad := v_ipad || decode(lpad(to_hex(case when i < 32 then get_byte(v_secret, i) else 0 end # 54), 2, '0'), 'hex');
    v_opad := v_opad || decode(lpad(to_hex(case when i < 32 then get_byte(v_secret, i) else 0 end # 92), 2, '0'), 'hex');
  end loop;
  insert into app_private.fair_nonces as n (seed_id, discord_id, next_nonce) values (v_seed_id, v_user.discord_id, p_count)
    on conflict (seed_id, discord_id) do update set next_nonce = n.next_nonce + p_count
    returning n.next_nonce - p_count into v_first;
  for v_slot in 0 .. p_count - 1 loop
    v_h := sha256(v_opad || sha256(v_ipad || convert_to(v_user.discord_id::text || ':' || (v_first + v_slot)::text, 'UTF8')));
    v_roll := (('x' || encode(substring(v_h from 1 for 6), 'hex'))::bit(48)::bigint % 10000)::integer;
    v_rolled := app_public.rarity_for_roll(v_roll, v_rates);
    v_rarity := v_rolled;
    -- Guarantee: the last card of a pack is raised to the guaranteed rarity when no card so far reached it.
    if v_pack.guarantee is not null and v_slot = p_count - 1 and v_rarity < v_pack.guarantee
       and (v_best is null or v_best < v_pack.guarantee) then
      v_rarity := v_pack.guarantee;
    end if;
    -- An empty pool falls back to the nearest rarity with templates: first downwards, then upwards.
    v_order := array(select (enum_range(null::app_public.card_rarity))[i] from generate_series(1, 5) i
                      order by case when i <= array_position(enum_range(null::app_public.card_rarity), v_rarity)
                                    then array_position(enum_range(null::app_public.card_rarity), v_rarity) - i else i end);
    v_pool := 0;
    foreach v_rarity in array v_order loop
      select count(*) into v_pool from app_public.card_templates t
       where t.guild_id = v_user.guild_id and t.rarity = v_rarity and t.retired_at is null
         and (not t.temporary or t.event_id is not distinct from v_pack.event_id);
      exit when v_pool > 0;
    end loop;
    if v_pool = 0 then
      perform app_private.raise_error('CA014', 'empty_catalogue');
    end if;
    v_index := (('x' || encode(substring(v_h from 7 for 6), 'hex'))::bit(48)::bigint % v_pool)::integer;
    select t.id into v_template from app_public.card_templates t
     where t.guild_id = v_user.guild_id and t.rarity = v_rarity and t.retired_at is null
       and (not t.temporary or t.event_id is not distinct from v_pack.event_id)
     order by t.id offset v_index limit 1;
    v_best := greatest(v_best, v_rarity);
    insert into app_public.card_draws (guild_id, user_id, discord_id, seed_id, nonce, opening_id, slot, pack_type_id, roll,
        rarity_rolled, rarity, pool_size, pick_index, template_id, drawn_at)
      values (v_user.guild_id, p_user_id, v_user.discord_id, v_seed_id, v_first + v_slot, p_opening_id, v_slot, p_pack_type_id,
        v_roll, v_rolled, v_rarity, v_pool, v_index, v_template, p_at)
      returning * into v_draw;
    -- Members who wishlisted the template are told it dropped (for someone else).
    insert into app_public.card_notifications (guild_id, user_id, kind, payload, created_at)
      select w.guild_id, w.user_id, 'wishlist_drop',
             jsonb_build_object('template_id', v_template, 'drawn_by', v_user.discord_id::text, 'draw_id', v_draw.id), p_at
        from app_public.card_wishlists w where w.template_id = v_template and w.user_id <> p_user_id;
    return next v_draw;
  end loop;
end;
$$;

comment on function app_private.draw_cards(bigint, bigint, integer, uuid, timestamptz) is
  'Draws p_count cards for a pack opening, provably fair: each uses HMAC-SHA256(current server seed, "discord_id:nonce") '
  '(app_public.fair_value) with the member''s next nonces under that seed; roll = first 6 bytes mod 10000 gives the '
  'rarity under the pack''s rates (rarity_for_roll); the pack''s guarantee raises the last card when none reached it; '
  'an empty pool falls back to the nearest rarity with templates (down first); the template is the next 6 bytes mod '
  'the pool size, in id order, among non-retired templates (temporary ones only in their event''s packs); members who '
  'wishlisted the template are told (card_notifications wishlist_drop). Mints nothing. '
  'Errors: CA014 empty_catalogue. Source: issue 15 "Provably fair draws", "Packs".';
--! EndIncluded cards/draw_cards.sql
--! Included cards/pay_for_pack.sql
create or replace function app_private.pay_for_pack(p_user_id bigint, p_pack_type_id bigint, p_currency text, p_tx_id uuid,
  p_at timestamptz default now())
returns bigint
language plpgsql
as $$
declare
  v_user app_public.users;
  v_pack app_public.pack_types;
  v_amount bigint;
  v_used integer;
begin
  select * into v_user from app_public.users where id = p_user_id;
  select * into v_pack from app_public.pack_types where id = p_pack_type_id;
  if p_currency is null then
    select count(*) into v_used from app_public.pack_openings o
     where o.user_id = p_user_id and o.pack_type_id = p_pack_type_id and o.free
       and o.opened_at >= date_trunc('day', p_at at time zone 'UTC') at time zone 'UTC';
    if v_used >= v_pack.daily_free then
      perform app_private.raise_error('CA015', 'no_free_pack', jsonb_build_object('pack', v_pack.code,
        'used', v_used, 'allowed', v_pack.daily_free));
    end if;
    return 0;
  end if;
  perform app_private.card_currency(v_user.guild_id, p_currency);
  select amount into v_amount from app_public.pack_costs where pack_type_id = p_pack_type_id and currency = p_currency;
  if v_amount is null then
    perform app_private.raise_error('CA009', 'currency_not_used', jsonb_build_object('currency', p_currency, 'pack', v_pack.code));
  end if;
  -- A pack's price is a sink: it goes back to the guild's mint of that currency.
  perform app_private.post_transfer(v_user.guild_id, app_private.ledger_account(v_user.guild_id, p_user_id, p_currency, 'wallet'),
    app_private.ledger_account(v_user.guild_id, null, p_currency, 'mint'), v_amount, 'card_pack', p_tx_id, 'posted', null, null, p_at);
  return v_amount;
end;
$$;

comment on function app_private.pay_for_pack(bigint, bigint, text, uuid, timestamptz) is
  'Pays for a pack: with p_currency null, one of the pack''s free opens of the UTC day (CA015 no_free_pack when used up); '
  'else the pack''s cost in that currency, from the member''s wallet back to the guild''s mint (a sink). Returns the '
  'amount paid. Errors: CA009 currency_not_used, CA015 no_free_pack, NF001 insufficient_funds. Source: issue 15 "Packs" '
  '(standard-3: free daily allotment or 200 Notes / 1 Disc).';
--! EndIncluded cards/pay_for_pack.sql
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
  'The open-pack rule at an explicit time. See app_public.open_pack.';
--! EndIncluded cards/open_pack_for.sql
--! Included cards/open_pack.sql
create or replace function app_public.open_pack(pack text, currency text, role_ids bigint[], idempotency_key text)
returns app_public.pack_openings
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_pack app_public.pack_types;
begin
  select * into v_pack from app_public.pack_types p where p.guild_id = app_public.current_guild_id() and p.code = open_pack.pack;
  if v_pack.command is distinct from 'openpack' then
    perform app_private.raise_error('CA007', 'pack_not_found', jsonb_build_object('pack', pack));
  end if;
  return app_private.open_pack_for((app_private.current_member()).id, pack, currency, role_ids, idempotency_key, now());
end;
$$;

comment on function app_public.open_pack(text, text, bigint[], text) is
  'A member opens a pack (/openpack): checks the pack is active (and its event running), the openpack cooldown (reduced '
  'by the member''s roles), pays (a free daily open when currency is null, else the pack''s cost in that currency, a '
  'sink), and draws cards_per_pack cards provably fairly (card_draws of the opening). Nothing is minted: the member '
  'then picks one (pick_card). One transaction; replays of the idempotency key return the first opening. '
  'Errors: AU001, MB001, FZ001, CA007 pack_not_found, CA008 pack_not_available, CD002 card_cooldown_active, '
  'CA015 no_free_pack, CA009 currency_not_used, NF001, CA014 empty_catalogue, IK001/IK002. '
  'Source: issue 15 "Packs", seed 002 "/openpack".';
--! EndIncluded cards/open_pack.sql
--! Included cards/pick_card_for.sql
create or replace function app_private.pick_card_for(p_user_id bigint, p_opening_id uuid, p_slot integer,
  p_at timestamptz default now())
returns app_public.user_cards
language plpgsql
as $$
declare
  v_user app_public.users;
  v_open app_public.pack_openings;
  v_draw app_public.card_draws;
  v app_public.user_cards;
begin
  select * into v_user from app_public.users where id = p_user_id;
  -- The opening's row lock serialises concurrent clicks: exactly one pick mints.
  select * into v_open from app_public.pack_openings where id = p_opening_id for update;
  if v_open.id is null or v_open.user_id <> p_user_id then
    perform app_private.raise_error('CA012', 'opening_not_found', jsonb_build_object('opening_id', p_opening_id));
  end if;
  if v_open.status <> 'open' then
    perform app_private.raise_error('CA011', 'pack_already_picked', jsonb_build_object('card_id', v_open.card_id));
  end if;
  select * into v_draw from app_public.card_draws where opening_id = p_opening_id and slot = p_slot;
  if v_draw.id is null then
    perform app_private.raise_error('CA013', 'invalid_slot', jsonb_build_object('slot', p_slot));
  end if;
  v := app_private.mint_card(v_draw.template_id, p_user_id, 'pack', p_at);
  update app_public.card_draws set card_id = v.id where id = v_draw.id;
  update app_public.pack_openings set status = 'picked', picked_slot = p_slot, card_id = v.id, picked_at = p_at
   where id = p_opening_id;
  return v;
end;
$$;

comment on function app_private.pick_card_for(bigint, uuid, integer, timestamptz) is
  'The pick rule at an explicit time. See app_public.pick_card.';
--! EndIncluded cards/pick_card_for.sql
--! Included cards/pick_card.sql
create or replace function app_public.pick_card(opening_id uuid, slot integer)
returns app_public.user_cards
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.pick_card_for((app_private.current_member()).id, opening_id, slot, now());
end;
$$;

comment on function app_public.pick_card(uuid, integer) is
  'A member keeps one card of a pack they opened: mints that draw''s template with the next print number; the other '
  'cards are gone. Exactly once per opening, even under concurrent clicks (the opening''s row lock). '
  'Errors: AU001, MB001, CA012 opening_not_found (not yours either), CA011 pack_already_picked, CA013 invalid_slot. '
  'Source: issue 15 "Packs" (pick one of three), seed 002 "MVP".';
--! EndIncluded cards/pick_card.sql
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
  'The draw rule at an explicit time. See app_public.draw_card.';
--! EndIncluded cards/draw_card_for.sql
--! Included cards/draw_card.sql
create or replace function app_public.draw_card(pack text, role_ids bigint[], idempotency_key text)
returns app_public.user_cards
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_pack app_public.pack_types;
  v_cost text;
begin
  select * into v_pack from app_public.pack_types p
   where p.guild_id = app_public.current_guild_id() and p.code = coalesce(draw_card.pack, 'single');
  if v_pack.command is distinct from 'draw' then
    perform app_private.raise_error('CA007', 'pack_not_found', jsonb_build_object('pack', coalesce(pack, 'single')));
  end if;
  -- Free while the daily allotment lasts, then the cheapest currency the pack costs in (NOTE first).
  if v_pack.daily_free = 0 or (select count(*) from app_public.pack_openings o
       where o.user_id = (app_private.current_member()).id and o.pack_type_id = v_pack.id and o.free
         and o.opened_at >= date_trunc('day', now() at time zone 'UTC') at time zone 'UTC') >= v_pack.daily_free then
    select c.currency into v_cost from app_public.pack_costs c where c.pack_type_id = v_pack.id
     order by array_position(array['NOTE', 'DISC', 'GEM', 'COIN'], c.currency) limit 1;
    if v_cost is null then
      perform app_private.raise_error('CA015', 'no_free_pack', jsonb_build_object('pack', v_pack.code,
        'used', v_pack.daily_free, 'allowed', v_pack.daily_free));
    end if;
  end if;
  return app_private.draw_card_for((app_private.current_member()).id, v_pack.code, v_cost, role_ids, idempotency_key, now());
end;
$$;

comment on function app_public.draw_card(text, bigint[], text) is
  'A member draws one card (/draw): the draw pack (default ''single'', command draw, 2 min cooldown) is opened and its '
  'only card minted at once, in one transaction; free while the pack''s daily allotment lasts, then paid in its '
  'first cost currency (Notes first). Errors: as open_pack and pick_card. Source: issue 15 "/draw draws one card", '
  'seed 002 "/draw".';
--! EndIncluded cards/draw_card.sql
--! Included cards/verify_draw.sql
create or replace function app_public.verify_draw(draw_id bigint, server_seed text default null)
returns table (id bigint, seed_hash text, seed text, discord_id bigint, nonce integer, hmac text, roll integer,
  rates integer[], rarity_rolled app_public.card_rarity, pick_index integer, recorded_roll integer,
  recorded_rarity_rolled app_public.card_rarity, recorded_pick_index integer, valid boolean)
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_draw app_public.card_draws;
  v_seed app_public.fair_seeds;
  v_secret text;
  v_h bytea;
  v_rates integer[];
begin
  select * into v_draw from app_public.card_draws d where d.id = verify_draw.draw_id and d.guild_id = app_public.current_guild_id();
  if v_draw.id is null then
    perform app_private.raise_error('CA016', 'draw_not_found', jsonb_build_object('draw_id', draw_id));
  end if;
  select * into v_seed from app_public.fair_seeds s where s.id = v_draw.seed_id;
  v_secret := coalesce(v_seed.revealed_seed, lower(server_seed));
  if v_secret is null or v_secret !~ '^[0-9a-f]{64}$' or encode(sha256(decode(v_secret, 'hex')), 'hex') <> v_seed.seed_hash then
    perform app_private.raise_error('FS001', 'seed_not_revealed', jsonb_build_object('seed_hash', v_seed.seed_hash));
  end if;
  select o.rates into v_rates from app_public.pack_openings o where o.id = v_draw.opening_id;
  v_h := app_public.fair_value(decode(v_secret, 'hex'), v_draw.discord_id, v_draw.nonce);
  id := v_draw.id;
  seed_hash := v_seed.seed_hash;
  seed := v_secret;
  discord_id := v_draw.discord_id;
  nonce := v_draw.nonce;
  hmac := encode(v_h, 'hex');
  roll := (('x' || encode(substring(v_h from 1 for 6), 'hex'))::bit(48)::bigint % 10000)::integer;
  rates := v_rates;
  rarity_rolled := app_public.rarity_for_roll(roll, v_rates);
  pick_index := (('x' || encode(substring(v_h from 7 for 6), 'hex'))::bit(48)::bigint % v_draw.pool_size)::integer;
  recorded_roll := v_draw.roll;
  recorded_rarity_rolled := v_draw.rarity_rolled;
  recorded_pick_index := v_draw.pick_index;
  valid := roll = v_draw.roll and rarity_rolled = v_draw.rarity_rolled and pick_index = v_draw.pick_index;
  return next;
end;
$$;

comment on function app_public.verify_draw(bigint, text) is
  'Recomputes a past draw of the caller''s guild from its server seed (the revealed one, or server_seed given as hex, '
  'checked against the published hash): the HMAC, the roll, the rarity under the opening''s rates and the template '
  'index; valid when all equal what was recorded. Errors: CA016 draw_not_found, FS001 seed_not_revealed (the seed is '
  'still in use and none matching its hash was given). Source: issue 15 "Provably fair draws" (verify_draw).';
--! EndIncluded cards/verify_draw.sql
--! Included cards/draw_stats.sql
create or replace function app_public.draw_stats(pack text, last_n integer default 10000)
returns table (rarity app_public.card_rarity, configured_bp integer, draws bigint, observed_bp integer)
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_pack app_public.pack_types;
begin
  perform app_private.require_staff(enum_range(null::app_public.staff_role));
  select * into v_pack from app_public.pack_types p where p.guild_id = app_public.current_guild_id() and p.code = draw_stats.pack;
  if v_pack.id is null then
    perform app_private.raise_error('CA007', 'pack_not_found', jsonb_build_object('pack', pack));
  end if;
  if last_n is null or last_n not between 1 and 1000000 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'last_n', 'min', 1, 'max', 1000000));
  end if;
  return query
    with recent as (
      select d.rarity_rolled from app_public.card_draws d
       where d.guild_id = v_pack.guild_id and d.pack_type_id = v_pack.id
       order by d.id desc limit last_n
    ), total as (select count(*) as n from recent)
    select r, (array[v_pack.rate_common, v_pack.rate_rare, v_pack.rate_epic, v_pack.rate_legendary, v_pack.rate_mythic])
                [array_position(enum_range(null::app_public.card_rarity), r)],
           (select count(*) from recent x where x.rarity_rolled = r),
           case when (select n from total) = 0 then null
                else round(10000.0 * (select count(*) from recent x where x.rarity_rolled = r) / (select n from total))::integer end
      from unnest(enum_range(null::app_public.card_rarity)) r;
end;
$$;

comment on function app_public.draw_stats(text, integer) is
  'Staff (every role) compare a pack''s configured drop rates with the rarities rolled in its last N draws (basis '
  'points; before guarantees and fallbacks, which are what the rates promise). Errors: AU001, PD001, CA007, VL001. '
  'Source: issue 15 "Drop-rate statistics over the last N draws are shown to staff".';
--! EndIncluded cards/draw_stats.sql
--! Included cards/card_for_change.sql
create or replace function app_private.card_for_change(p_user_id bigint, p_card_id bigint)
returns app_public.user_cards
language plpgsql
as $$
declare
  v app_public.user_cards;
begin
  select * into v from app_public.user_cards where id = p_card_id for update;
  if v.id is null or v.owner_id is distinct from p_user_id then
    perform app_private.raise_error('CA001', 'card_not_found', jsonb_build_object('card_id', p_card_id));
  end if;
  return v;
end;
$$;

comment on function app_private.card_for_change(bigint, bigint) is
  'Locks a copy the member owns (FOR UPDATE: sales, trades, burns and locks of one copy are serialised). '
  'Errors: CA001 card_not_found (also when it is someone else''s or burned).';
--! EndIncluded cards/card_for_change.sql
--! Included cards/set_card_locked.sql
create or replace function app_public.set_card_locked(card_id bigint, locked boolean)
returns app_public.user_cards
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_public.user_cards := app_private.card_for_change((app_private.current_member()).id, card_id);
begin
  update app_public.user_cards c set locked = coalesce(set_card_locked.locked, false) where c.id = v.id returning * into v;
  return v;
end;
$$;

comment on function app_public.set_card_locked(bigint, boolean) is
  'A member locks or unlocks one of their copies: a locked copy cannot be sold, traded or burned. '
  'Errors: AU001, MB001, CA001 card_not_found. Source: issue 15 "Inventory: lock/unlock".';
--! EndIncluded cards/set_card_locked.sql
--! Included cards/burn_card_for.sql
create or replace function app_private.burn_card_for(p_user_id bigint, p_card_id bigint, p_key text,
  p_at timestamptz default now())
returns app_public.user_cards
language plpgsql
as $$
declare
  v_user app_public.users;
  v_replay jsonb;
  v app_public.user_cards;
  v_rarity app_public.card_rarity;
  v_notes bigint;
  v_tx uuid;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'burn_card', 'card', p_card_id));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.user_cards, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  v := app_private.card_for_change(p_user_id, p_card_id);
  if v.locked then
    perform app_private.raise_error('CA003', 'card_locked', jsonb_build_object('card_id', p_card_id));
  end if;
  if exists (select 1 from app_public.card_listings l where l.card_id = p_card_id and l.status = 'active') then
    perform app_private.raise_error('CA005', 'card_listed', jsonb_build_object('card_id', p_card_id));
  end if;
  select t.rarity into v_rarity from app_public.card_templates t where t.id = v.template_id;
  v_notes := case when v.temporary then 0
                  else coalesce((select (burn_notes ->> v_rarity::text)::bigint from app_public.card_settings
                                 where guild_id = v_user.guild_id), 0) end;
  update app_public.user_cards c set owner_id = null, burned_at = p_at, burn_reason = 'burned', locked = false
   where c.id = p_card_id returning * into v;
  if v_notes > 0 and 'NOTE' = any (coalesce((select currencies from app_public.card_settings where guild_id = v_user.guild_id), '{}')) then
    insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, currency, reason, meta, created_at)
      values (v_user.guild_id, 'earn', v_user.discord_id, p_user_id, v_notes, 'NOTE', 'card_burn',
        jsonb_build_object('card_id', p_card_id, 'rarity', v_rarity), p_at)
      returning tx_id into v_tx;
    perform app_private.post_transfer(v_user.guild_id, app_private.ledger_account(v_user.guild_id, null, 'NOTE', 'mint'),
      app_private.ledger_account(v_user.guild_id, p_user_id, 'NOTE', 'wallet'), v_notes, 'card_burn', v_tx, 'posted', null, null, p_at);
  end if;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v));
  return v;
end;
$$;

comment on function app_private.burn_card_for(bigint, bigint, text, timestamptz) is
  'The burn rule at an explicit time. See app_public.burn_card.';
--! EndIncluded cards/burn_card_for.sql
--! Included cards/burn_card.sql
create or replace function app_public.burn_card(card_id bigint, idempotency_key text)
returns app_public.user_cards
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.burn_card_for((app_private.current_member()).id, card_id, idempotency_key, now());
end;
$$;

comment on function app_public.burn_card(bigint, text) is
  'A member burns one of their copies for Notes by rarity (card_settings.burn_notes; temporary copies pay nothing): '
  'the copy loses its owner for good (a card sink, a Notes faucet from the guild''s mint). '
  'Errors: AU001, MB001, FZ001, CA001 card_not_found, CA003 card_locked, CA005 card_listed, IK001/IK002. '
  'Source: issue 15 "Inventory: burn a copy for currency by rarity".';
--! EndIncluded cards/burn_card.sql
--! Included cards/card_balances.sql
create or replace function app_public.card_balances()
returns table (currency text, name text, scale smallint, balance bigint)
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select c.code, c.name, c.scale, coalesce(a.balance, 0)::bigint
    from app_public.currencies c
    left join app_public.accounts a on a.currency = c.code and a.kind = 'wallet' and a.user_id = (app_private.current_member()).id
   where c.code = 'COIN' or c.code = any (coalesce((select s.currencies from app_public.card_settings s where s.guild_id = app_public.current_guild_id()), '{}'))
   order by array_position(array['COIN', 'NOTE', 'DISC', 'GEM'], c.code);
$$;

comment on function app_public.card_balances() is
  'The member''s wallet in every currency the guild uses (COIN first, then NOTE, DISC, GEM), 0 where no account exists '
  'yet. Errors: AU001, MB001. Source: issue 15 "/balance (all currencies)".';
--! EndIncluded cards/card_balances.sql
--! Included cards/list_card_for.sql
create or replace function app_private.list_card_for(p_user_id bigint, p_card_id bigint, p_price bigint, p_currency text,
  p_hours integer, p_key text, p_at timestamptz default now())
returns app_public.card_listings
language plpgsql
as $$
declare
  v_user app_public.users;
  v_settings app_public.card_settings;
  v_replay jsonb;
  v_card app_public.user_cards;
  v app_public.card_listings;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'list_card', 'card', p_card_id, 'price', p_price, 'currency', p_currency, 'hours', p_hours));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.card_listings, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  select * into v_settings from app_public.card_settings where guild_id = v_user.guild_id;
  if p_price is null or p_price <= 0 then
    perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', p_price));
  end if;
  perform app_private.card_currency(v_user.guild_id, p_currency);
  if p_hours is null or p_hours not between 1 and v_settings.listing_hours then
    perform app_private.raise_error('MK008', 'invalid_expiry', jsonb_build_object('max_hours', v_settings.listing_hours));
  end if;
  v_card := app_private.card_for_change(p_user_id, p_card_id);
  if v_card.locked then
    perform app_private.raise_error('CA003', 'card_locked', jsonb_build_object('card_id', p_card_id));
  end if;
  if v_card.temporary then
    perform app_private.raise_error('CA004', 'card_temporary', jsonb_build_object('card_id', p_card_id));
  end if;
  if exists (select 1 from app_public.card_listings l where l.card_id = p_card_id and l.status = 'active') then
    perform app_private.raise_error('CA005', 'card_listed', jsonb_build_object('card_id', p_card_id));
  end if;
  insert into app_public.card_listings (guild_id, seller_id, card_id, price, currency, fee_bp, expires_at, created_at)
    values (v_user.guild_id, p_user_id, p_card_id, p_price, p_currency, v_settings.market_fee_bp,
      p_at + make_interval(hours => p_hours), p_at)
    returning * into v;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v));
  return v;
end;
$$;

comment on function app_private.list_card_for(bigint, bigint, bigint, text, integer, text, timestamptz) is
  'The card listing rule at an explicit time. See app_public.list_card.';
--! EndIncluded cards/list_card_for.sql
--! Included cards/list_card.sql
create or replace function app_public.list_card(card_id bigint, price bigint, currency text, hours integer, idempotency_key text)
returns app_public.card_listings
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.list_card_for((app_private.current_member()).id, card_id, price, currency,
    coalesce(hours, 72), idempotency_key, now());
end;
$$;

comment on function app_public.list_card(bigint, bigint, text, integer, text) is
  'A member lists one of their copies on the guild''s card market (server-only) at a price (minor units) in a currency '
  'the guild uses, for 1 to card_settings.listing_hours hours; the market fee (card_settings.market_fee_bp, the seed''s '
  '5 %) is fixed at listing time. The copy stays with the seller and cannot be traded, burned or listed again while '
  'the listing is active. Errors: AU001, MB001, FZ001, AM001, CA009, MK008 invalid_expiry, CA001, CA003 card_locked, '
  'CA004 card_temporary, CA005 card_listed, IK001/IK002. Source: issue 15 "Card market", seed 002 "/sell".';
--! EndIncluded cards/list_card.sql
--! Included cards/buy_card_for.sql
create or replace function app_private.buy_card_for(p_user_id bigint, p_listing_id uuid, p_key text,
  p_at timestamptz default now())
returns app_public.card_listings
language plpgsql
as $$
declare
  v_buyer app_public.users;
  v_seller app_public.users;
  v_replay jsonb;
  v app_public.card_listings;
  v_fee bigint;
  v_tx uuid;
  v_template text;
begin
  select * into v from app_public.card_listings where id = p_listing_id;
  select * into v_buyer from app_public.users where id = p_user_id;
  if v.id is null or v.guild_id <> v_buyer.guild_id then
    perform app_private.raise_error('MK001', 'listing_not_found', jsonb_build_object('listing_id', p_listing_id));
  end if;
  if v.seller_id = p_user_id then
    perform app_private.raise_error('MK003', 'self_purchase');
  end if;
  -- Both members' funds move: lock both (id order), then the listing, then the copy.
  perform 1 from app_private.lock_members(array[p_user_id, v.seller_id]);
  select * into v_buyer from app_public.users where id = p_user_id;
  select * into v_seller from app_public.users where id = v.seller_id;
  v_replay := app_private.idempotency_begin(v_buyer.guild_id, v_buyer.discord_id, p_key,
    jsonb_build_object('fn', 'buy_card', 'listing', p_listing_id));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.card_listings, v_replay);
  end if;
  select * into v from app_public.card_listings where id = p_listing_id for update;
  if v_buyer.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  if v_seller.frozen then
    perform app_private.raise_error('FZ002', 'recipient_frozen', jsonb_build_object('discord_id', v_seller.discord_id::text));
  end if;
  if v.status <> 'active' or v.expires_at <= p_at then
    perform app_private.raise_error('MK002', 'listing_not_active',
      jsonb_build_object('status', case when v.status = 'active' then 'expired' else v.status::text end));
  end if;
  perform app_private.card_for_change(v.seller_id, v.card_id);
  v_fee := (v.price * v.fee_bp) / 10000;
  select t.public_id into v_template from app_public.user_cards c join app_public.card_templates t on t.id = c.template_id
   where c.id = v.card_id;
  insert into app_public.transactions (guild_id, type, actor_id, user_id, counterparty_id, amount, currency, reason, meta, created_at)
    values (v.guild_id, 'buy', v_buyer.discord_id, p_user_id, v.seller_id, v.price, v.currency, 'card_market',
      jsonb_build_object('card_listing', v.id, 'card_id', v.card_id, 'public_id', v_template, 'fee', v_fee), p_at)
    returning tx_id into v_tx;
  perform app_private.post_transfer(v.guild_id, app_private.ledger_account(v.guild_id, p_user_id, v.currency, 'wallet'),
    app_private.ledger_account(v.guild_id, v.seller_id, v.currency, 'wallet'), v.price - v_fee, 'card_market_sale', v_tx,
    'posted', null, null, p_at);
  if v_fee > 0 then
    perform app_private.post_transfer(v.guild_id, app_private.ledger_account(v.guild_id, p_user_id, v.currency, 'wallet'),
      app_private.ledger_account(v.guild_id, null, v.currency, 'fees'), v_fee, 'card_market_fee', v_tx, 'posted', null, null, p_at);
  end if;
  update app_public.user_cards c set owner_id = p_user_id, locked = false, obtained_at = p_at where c.id = v.card_id;
  update app_public.card_listings l set status = 'sold', buyer_id = p_user_id, closed_at = p_at where l.id = v.id returning * into v;
  insert into app_public.card_notifications (guild_id, user_id, kind, payload, created_at)
    values (v.guild_id, v.seller_id, 'card_sold', jsonb_build_object('listing_id', v.id, 'public_id', v_template,
      'price', v.price, 'currency', v.currency, 'fee', v_fee), p_at);
  perform app_private.idempotency_finish(v_buyer.guild_id, v_buyer.discord_id, p_key, to_jsonb(v));
  return v;
end;
$$;

comment on function app_private.buy_card_for(bigint, uuid, text, timestamptz) is
  'The card purchase rule at an explicit time. See app_public.buy_card.';
--! EndIncluded cards/buy_card_for.sql
--! Included cards/buy_card.sql
create or replace function app_public.buy_card(listing_id uuid, idempotency_key text)
returns app_public.card_listings
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.buy_card_for((app_private.current_member()).id, listing_id, idempotency_key, now());
end;
$$;

comment on function app_public.buy_card(uuid, text) is
  'A member buys a card listing: in one transaction the price moves from the buyer''s wallet to the seller''s, minus '
  'the fee (floor(price x fee_bp / 10000)) to the guild''s fees account of that currency, and the copy moves to the '
  'buyer (unlocked). Errors: AU001, MB001, MK001 listing_not_found, MK003 self_purchase, FZ001, FZ002, '
  'MK002 listing_not_active, NF001 insufficient_funds, IK001/IK002. Source: issue 15 "Card market", seed 002 "/buy".';
--! EndIncluded cards/buy_card.sql
--! Included cards/cancel_card_listing.sql
create or replace function app_public.cancel_card_listing(listing_id uuid)
returns app_public.card_listings
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_public.card_listings;
  v_staff app_public.staff_role;
begin
  if current_setting('role', true) = 'coins_staff' then
    v_staff := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  end if;
  select * into v from app_public.card_listings l where l.id = cancel_card_listing.listing_id
     and l.guild_id = app_public.current_guild_id() for update;
  if v.id is null or (v_staff is null and v.seller_id <> (app_private.current_member()).id) then
    perform app_private.raise_error('MK001', 'listing_not_found', jsonb_build_object('listing_id', listing_id));
  end if;
  if v.status <> 'active' then
    perform app_private.raise_error('MK002', 'listing_not_active', jsonb_build_object('status', v.status));
  end if;
  update app_public.card_listings l set status = 'cancelled', closed_at = now() where l.id = v.id returning * into v;
  if v_staff is not null then
    perform app_private.card_audit(v.guild_id, 'cancel_card_listing', 'card_listing', v.id::text,
      jsonb_build_object('status', 'active'), to_jsonb(v), 'cancelled by staff');
  end if;
  return v;
end;
$$;

comment on function app_public.cancel_card_listing(uuid) is
  'The seller (or staff: SUPERADMIN, ADMIN, OPERATOR, audited) cancels an active card listing; the copy is free again. '
  'Errors: AU001, MB001, PD001, MK001 listing_not_found, MK002 listing_not_active. Source: issue 15 "Card market" (cancel).';
--! EndIncluded cards/cancel_card_listing.sql
--! Included cards/expire_card_listings.sql
create or replace function app_hidden.expire_card_listings(p_at timestamptz default now())
returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_n integer;
begin
  update app_public.card_listings l set status = 'expired', closed_at = p_at
   where l.status = 'active' and l.expires_at <= p_at;
  get diagnostics v_n = row_count;
  return v_n;
end;
$$;

comment on function app_hidden.expire_card_listings(timestamptz) is
  'Job (worker): closes card listings past their expiry (status expired); their copies are free again. Returns how '
  'many. Source: issue 15 "Card market" (cancel and expiry return the copy).';
--! EndIncluded cards/expire_card_listings.sql
--! Included cards/trade_items_check.sql
create or replace function app_private.trade_items_check(p_owner_id bigint, p_guild_id bigint, p_cards bigint[], p_currencies jsonb)
returns void
language plpgsql
as $$
declare
  v_card app_public.user_cards;
  v_key text;
  v_value jsonb;
begin
  foreach v_key in array coalesce(p_cards, '{}')::text[] loop
    select * into v_card from app_public.user_cards where id = v_key::bigint;
    if v_card.id is null or v_card.owner_id is distinct from p_owner_id then
      perform app_private.raise_error('CA001', 'card_not_found', jsonb_build_object('card_id', v_key::bigint));
    end if;
    if v_card.locked then
      perform app_private.raise_error('CA003', 'card_locked', jsonb_build_object('card_id', v_card.id));
    end if;
    if v_card.temporary then
      perform app_private.raise_error('CA004', 'card_temporary', jsonb_build_object('card_id', v_card.id));
    end if;
    if exists (select 1 from app_public.card_listings l where l.card_id = v_card.id and l.status = 'active') then
      perform app_private.raise_error('CA005', 'card_listed', jsonb_build_object('card_id', v_card.id));
    end if;
  end loop;
  if p_currencies is not null and jsonb_typeof(p_currencies) <> 'object' then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'currencies'));
  end if;
  for v_key, v_value in select * from jsonb_each(coalesce(p_currencies, '{}')) loop
    perform app_private.card_currency(p_guild_id, v_key);
    if jsonb_typeof(v_value) <> 'number' or v_value::numeric <> floor(v_value::numeric) or v_value::numeric <= 0
       or v_value::numeric > 9000000000000000000 then
      perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', v_value));
    end if;
  end loop;
end;
$$;

comment on function app_private.trade_items_check(bigint, bigint, bigint[], jsonb) is
  'Checks one side of a trade: every copy is the owner''s, not locked, not temporary, not listed; every currency is '
  'used by the guild with a whole positive amount. Errors: CA001, CA003 card_locked, CA004 card_temporary, '
  'CA005 card_listed, CA009 currency_not_used, AM001 invalid_amount, VL001. Source: issue 15 "Trading".';
--! EndIncluded cards/trade_items_check.sql
--! Included cards/propose_trade_for.sql
create or replace function app_private.propose_trade_for(p_user_id bigint, p_to_discord_id bigint, p_give_cards bigint[],
  p_give jsonb, p_want_cards bigint[], p_want jsonb, p_at timestamptz default now())
returns app_public.card_trades
language plpgsql
as $$
declare
  v_user app_public.users;
  v_to app_public.users;
  v app_public.card_trades;
begin
  select * into v_user from app_public.users where id = p_user_id;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  select * into v_to from app_public.users where guild_id = v_user.guild_id and discord_id = p_to_discord_id;
  if v_to.id is null then
    perform app_private.raise_error('MB002', 'member_not_found', jsonb_build_object('discord_id', p_to_discord_id::text));
  end if;
  if v_to.id = p_user_id then
    perform app_private.raise_error('TD004', 'self_trade');
  end if;
  if v_to.frozen then
    perform app_private.raise_error('FZ002', 'recipient_frozen', jsonb_build_object('discord_id', p_to_discord_id::text));
  end if;
  insert into app_public.card_trades (guild_id, proposer_id, recipient_id, expires_at, created_at, updated_at)
    values (v_user.guild_id, p_user_id, v_to.id,
      p_at + make_interval(mins => (select trade_expiry_min from app_public.card_settings where guild_id = v_user.guild_id)), p_at, p_at)
    returning * into v;
  perform app_private.trade_items_check(p_user_id, v_user.guild_id, p_give_cards, p_give);
  perform app_private.trade_items_check(v_to.id, v_user.guild_id, p_want_cards, p_want);
  insert into app_public.card_trade_items (trade_id, guild_id, side, card_id)
    select v.id, v.guild_id, 'proposer'::app_public.card_trade_side, c from unnest(coalesce(p_give_cards, '{}')) c
    union all
    select v.id, v.guild_id, 'recipient'::app_public.card_trade_side, c from unnest(coalesce(p_want_cards, '{}')) c;
  insert into app_public.card_trade_items (trade_id, guild_id, side, currency, amount)
    select v.id, v.guild_id, 'proposer'::app_public.card_trade_side, e.key, e.value::bigint from jsonb_each_text(coalesce(p_give, '{}')) e
    union all
    select v.id, v.guild_id, 'recipient'::app_public.card_trade_side, e.key, e.value::bigint from jsonb_each_text(coalesce(p_want, '{}')) e;
  if not exists (select 1 from app_public.card_trade_items i where i.trade_id = v.id) then
    perform app_private.raise_error('TD005', 'empty_trade');
  end if;
  insert into app_public.card_notifications (guild_id, user_id, kind, payload, created_at)
    values (v.guild_id, v_to.id, 'trade_offer', jsonb_build_object('trade_id', v.id, 'from', v_user.discord_id::text), p_at);
  return v;
end;
$$;

comment on function app_private.propose_trade_for(bigint, bigint, bigint[], jsonb, bigint[], jsonb, timestamptz) is
  'The trade proposal rule at an explicit time. See app_public.propose_trade.';
--! EndIncluded cards/propose_trade_for.sql
--! Included cards/propose_trade.sql
create or replace function app_public.propose_trade(to_discord_id bigint, give_cards bigint[], give jsonb,
  want_cards bigint[], want jsonb)
returns app_public.card_trades
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.propose_trade_for((app_private.current_member()).id, to_discord_id, give_cards, give, want_cards, want, now());
end;
$$;

comment on function app_public.propose_trade(bigint, bigint[], jsonb, bigint[], jsonb) is
  'A member offers a trade to another member: copies and currencies ({"NOTE": 100}) they give for copies and currencies '
  'they want. Version 1, nobody confirmed yet, expires after card_settings.trade_expiry_min; the other member is told. '
  'Errors: AU001, MB001, FZ001, MB002 member_not_found, TD004 self_trade, FZ002, TD005 empty_trade, and the item checks '
  '(CA001, CA003, CA004, CA005, CA009, AM001, VL001). Source: issue 15 "Trading", seed 002 "/trade".';
--! EndIncluded cards/propose_trade.sql
--! Included cards/revise_trade.sql
create or replace function app_public.revise_trade(trade_id uuid, give_cards bigint[], give jsonb,
  want_cards bigint[], want jsonb)
returns app_public.card_trades
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_me bigint := (app_private.current_member()).id;
  v app_public.card_trades;
  v_other bigint;
begin
  select * into v from app_public.card_trades t where t.id = revise_trade.trade_id for update;
  if v.id is null or v_me not in (v.proposer_id, v.recipient_id) then
    perform app_private.raise_error('TD001', 'trade_not_found', jsonb_build_object('trade_id', trade_id));
  end if;
  if v.status <> 'open' or v.expires_at <= now() then
    perform app_private.raise_error('TD002', 'trade_not_open', jsonb_build_object('status',
      case when v.status = 'open' then 'expired' else v.status::text end));
  end if;
  v_other := case when v_me = v.proposer_id then v.recipient_id else v.proposer_id end;
  perform app_private.trade_items_check(v_me, v.guild_id, give_cards, give);
  perform app_private.trade_items_check(v_other, v.guild_id, want_cards, want);
  delete from app_public.card_trade_items i where i.trade_id = v.id;
  insert into app_public.card_trade_items (trade_id, guild_id, side, card_id)
    select v.id, v.guild_id, case when v_me = v.proposer_id then 'proposer' else 'recipient' end::app_public.card_trade_side, c
      from unnest(coalesce(give_cards, '{}')) c
    union all
    select v.id, v.guild_id, case when v_me = v.proposer_id then 'recipient' else 'proposer' end::app_public.card_trade_side, c
      from unnest(coalesce(want_cards, '{}')) c;
  insert into app_public.card_trade_items (trade_id, guild_id, side, currency, amount)
    select v.id, v.guild_id, case when v_me = v.proposer_id then 'proposer' else 'recipient' end::app_public.card_trade_side,
           e.key, e.value::bigint from jsonb_each_text(coalesce(give, '{}')) e
    union all
    select v.id, v.guild_id, case when v_me = v.proposer_id then 'recipient' else 'proposer' end::app_public.card_trade_side,
           e.key, e.value::bigint from jsonb_each_text(coalesce(want, '{}')) e;
  if not exists (select 1 from app_public.card_trade_items i where i.trade_id = v.id) then
    perform app_private.raise_error('TD005', 'empty_trade');
  end if;
  update app_public.card_trades t set version = t.version + 1, proposer_confirmed = null, recipient_confirmed = null,
         updated_at = now()
   where t.id = v.id returning * into v;
  return v;
end;
$$;

comment on function app_public.revise_trade(uuid, bigint[], jsonb, bigint[], jsonb) is
  'Either member of an open trade replaces its content (what the caller gives and wants); the version goes up and both '
  'confirmations are cleared, so a changed offer needs new confirmations. Errors: AU001, MB001, TD001 trade_not_found, '
  'TD002 trade_not_open, TD005 empty_trade, and the item checks. Source: issue 15 "Trading" (a changed offer needs new '
  'confirmations).';
--! EndIncluded cards/revise_trade.sql
--! Included cards/execute_trade.sql
create or replace function app_private.execute_trade(p_trade_id uuid, p_at timestamptz default now())
returns app_public.card_trades
language plpgsql
as $$
declare
  v app_public.card_trades;
  v_item app_public.card_trade_items;
  v_from bigint;
  v_to bigint;
  v_tx uuid;
  v_actor bigint;
begin
  select * into v from app_public.card_trades where id = p_trade_id;
  -- Lock order: both members (id order), then the copies (id order): a sale of the same copy waits here or wins first.
  perform 1 from app_private.lock_members(array[v.proposer_id, v.recipient_id]);
  perform 1 from app_public.user_cards c
   where c.id in (select i.card_id from app_public.card_trade_items i where i.trade_id = p_trade_id and i.card_id is not null)
   order by c.id for update;
  if exists (select 1 from app_public.users u where u.id in (v.proposer_id, v.recipient_id) and u.frozen) then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  perform app_private.trade_items_check(v.proposer_id, v.guild_id,
    array(select i.card_id from app_public.card_trade_items i where i.trade_id = p_trade_id and i.side = 'proposer' and i.card_id is not null),
    null);
  perform app_private.trade_items_check(v.recipient_id, v.guild_id,
    array(select i.card_id from app_public.card_trade_items i where i.trade_id = p_trade_id and i.side = 'recipient' and i.card_id is not null),
    null);
  select discord_id into v_actor from app_public.users where id = v.proposer_id;
  insert into app_public.transactions (guild_id, type, actor_id, user_id, counterparty_id, amount, currency, reason, meta, created_at)
    values (v.guild_id, 'spend', v_actor, v.proposer_id, v.recipient_id, 0, 'COIN', 'card_trade',
      jsonb_build_object('trade_id', v.id,
        'items', (select jsonb_agg(to_jsonb(i) - 'trade_id' - 'guild_id') from app_public.card_trade_items i where i.trade_id = v.id)), p_at)
    returning tx_id into v_tx;
  for v_item in select * from app_public.card_trade_items i where i.trade_id = p_trade_id order by i.side, i.card_id, i.currency loop
    v_from := case when v_item.side = 'proposer' then v.proposer_id else v.recipient_id end;
    v_to := case when v_item.side = 'proposer' then v.recipient_id else v.proposer_id end;
    if v_item.card_id is not null then
      update app_public.user_cards c set owner_id = v_to, obtained_at = p_at where c.id = v_item.card_id;
    else
      perform app_private.post_transfer(v.guild_id, app_private.ledger_account(v.guild_id, v_from, v_item.currency, 'wallet'),
        app_private.ledger_account(v.guild_id, v_to, v_item.currency, 'wallet'), v_item.amount, 'card_trade', v_tx,
        'posted', null, null, p_at);
    end if;
  end loop;
  update app_public.card_trades t set status = 'done', closed_at = p_at, updated_at = p_at where t.id = p_trade_id returning * into v;
  insert into app_public.card_notifications (guild_id, user_id, kind, payload, created_at)
    select v.guild_id, u, 'trade_done', jsonb_build_object('trade_id', v.id), p_at from unnest(array[v.proposer_id, v.recipient_id]) u;
  return v;
end;
$$;

comment on function app_private.execute_trade(uuid, timestamptz) is
  'The swap of a trade both members confirmed: locks both members then every copy, re-checks every item (owner, not '
  'locked, temporary or listed), moves the copies and posts each currency wallet to wallet, all in one transaction. '
  'Errors: FZ001, CA001, CA003, CA004, CA005, NF001 (nothing moves). Source: issue 15 "Trading" (one atomic swap).';
--! EndIncluded cards/execute_trade.sql
--! Included cards/confirm_trade_for.sql
create or replace function app_private.confirm_trade_for(p_user_id bigint, p_trade_id uuid, p_version integer,
  p_at timestamptz default now())
returns app_public.card_trades
language plpgsql
as $$
declare
  v app_public.card_trades;
begin
  select * into v from app_public.card_trades where id = p_trade_id;
  if v.id is null or p_user_id not in (v.proposer_id, v.recipient_id) then
    perform app_private.raise_error('TD001', 'trade_not_found', jsonb_build_object('trade_id', p_trade_id));
  end if;
  perform 1 from app_private.lock_members(array[v.proposer_id, v.recipient_id]);
  select * into v from app_public.card_trades where id = p_trade_id for update;
  if v.status <> 'open' or v.expires_at <= p_at then
    perform app_private.raise_error('TD002', 'trade_not_open', jsonb_build_object('status',
      case when v.status = 'open' then 'expired' else v.status::text end));
  end if;
  if p_version is distinct from v.version then
    perform app_private.raise_error('TD003', 'trade_changed', jsonb_build_object('version', v.version));
  end if;
  update app_public.card_trades t
     set proposer_confirmed = case when p_user_id = t.proposer_id then p_version else t.proposer_confirmed end,
         recipient_confirmed = case when p_user_id = t.recipient_id then p_version else t.recipient_confirmed end,
         updated_at = p_at
   where t.id = p_trade_id returning * into v;
  if v.proposer_confirmed = v.version and v.recipient_confirmed = v.version then
    v := app_private.execute_trade(p_trade_id, p_at);
  end if;
  return v;
end;
$$;

comment on function app_private.confirm_trade_for(bigint, uuid, integer, timestamptz) is
  'The trade confirmation rule at an explicit time. See app_public.confirm_trade.';
--! EndIncluded cards/confirm_trade_for.sql
--! Included cards/confirm_trade.sql
create or replace function app_public.confirm_trade(trade_id uuid, version integer)
returns app_public.card_trades
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.confirm_trade_for((app_private.current_member()).id, trade_id, version, now());
end;
$$;

comment on function app_public.confirm_trade(uuid, integer) is
  'A member of an open trade confirms the version they saw; when both confirmed the current version the swap happens '
  'in this transaction (execute_trade), else the trade waits for the other side. Errors: AU001, MB001, TD001 '
  'trade_not_found, TD002 trade_not_open, TD003 trade_changed (the offer changed since that version), and the swap''s '
  '(FZ001, CA001, CA003, CA004, CA005, NF001). Source: issue 15 "Trading" (each side confirms after the last change).';
--! EndIncluded cards/confirm_trade.sql
--! Included cards/cancel_trade.sql
create or replace function app_public.cancel_trade(trade_id uuid)
returns app_public.card_trades
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_public.card_trades;
  v_staff app_public.staff_role;
begin
  if current_setting('role', true) = 'coins_staff' then
    v_staff := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  end if;
  select * into v from app_public.card_trades t where t.id = cancel_trade.trade_id and t.guild_id = app_public.current_guild_id()
     for update;
  if v.id is null or (v_staff is null and (app_private.current_member()).id not in (v.proposer_id, v.recipient_id)) then
    perform app_private.raise_error('TD001', 'trade_not_found', jsonb_build_object('trade_id', trade_id));
  end if;
  if v.status <> 'open' then
    perform app_private.raise_error('TD002', 'trade_not_open', jsonb_build_object('status', v.status));
  end if;
  update app_public.card_trades t set status = 'cancelled', closed_at = now(), updated_at = now() where t.id = v.id returning * into v;
  if v_staff is not null then
    perform app_private.card_audit(v.guild_id, 'cancel_card_trade', 'card_trade', v.id::text,
      jsonb_build_object('status', 'open'), to_jsonb(v), 'cancelled by staff');
  end if;
  return v;
end;
$$;

comment on function app_public.cancel_trade(uuid) is
  'Either member (or staff: SUPERADMIN, ADMIN, OPERATOR, audited) cancels or declines an open trade; nothing moves. '
  'Errors: AU001, MB001, PD001, TD001 trade_not_found, TD002 trade_not_open. Source: issue 15 "Trading".';
--! EndIncluded cards/cancel_trade.sql
--! Included cards/expire_card_trades.sql
create or replace function app_hidden.expire_card_trades(p_at timestamptz default now())
returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_n integer;
begin
  update app_public.card_trades t set status = 'expired', closed_at = p_at, updated_at = p_at
   where t.status = 'open' and t.expires_at <= p_at;
  get diagnostics v_n = row_count;
  return v_n;
end;
$$;

comment on function app_hidden.expire_card_trades(timestamptz) is
  'Job (worker): closes open trades past their expiry (status expired; nothing moves). Source: issue 15 "Trading" '
  '(offers expire).';
--! EndIncluded cards/expire_card_trades.sql
--! Included cards/card_audit.sql
create or replace function app_private.card_audit(p_guild_id bigint, p_action text, p_subject_type text, p_subject_id text,
  p_before jsonb, p_after jsonb, p_reason text)
returns void
language sql
as $$
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (p_guild_id, coalesce(app_public.current_discord_id(), 0), app_public.current_staff_role(), p_action, p_subject_type,
      p_subject_id, p_before, p_after, p_reason);
$$;

comment on function app_private.card_audit(bigint, text, text, text, jsonb, jsonb, text) is
  'Writes one staff action on the card game to admin_actions with before/after. Source: issue 15 "Every admin action '
  'audited with before/after".';
--! EndIncluded cards/card_audit.sql
--! Included cards/set_card_rarity.sql
create or replace function app_public.set_card_rarity(public_id text, rarity app_public.card_rarity, reason text)
returns app_public.card_templates
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  v_before app_public.card_templates;
  v app_public.card_templates;
begin
  if reason is null or length(btrim(reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  if rarity is null then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'rarity'));
  end if;
  select * into v_before from app_public.card_templates t
   where t.guild_id = app_public.current_guild_id() and t.public_id = upper(set_card_rarity.public_id) for update;
  if v_before.id is null then
    perform app_private.raise_error('CA006', 'template_not_found', jsonb_build_object('public_id', public_id));
  end if;
  update app_public.card_templates t set rarity = set_card_rarity.rarity where t.id = v_before.id returning * into v;
  if v.rarity <> v_before.rarity then
    insert into app_public.card_notifications (guild_id, user_id, kind, payload)
      select distinct v.guild_id, c.owner_id, 'rarity_changed'::text,
             jsonb_build_object('public_id', v.public_id, 'from', v_before.rarity, 'to', v.rarity)
        from app_public.user_cards c where c.template_id = v.id and c.owner_id is not null;
  end if;
  perform app_private.card_audit(v.guild_id, 'set_card_rarity', 'card_template', v.public_id,
    to_jsonb(v_before) - 'updated_at', to_jsonb(v) - 'updated_at', reason);
  return v;
end;
$$;

comment on function app_public.set_card_rarity(text, app_public.card_rarity, text) is
  'Staff (SUPERADMIN, ADMIN, OPERATOR) set a template''s rarity: every copy shows it at once (copies reference the '
  'template), each owner is told (card_notifications rarity_changed), audited before/after. The public id keeps the '
  'rarity letter it was created with. Errors: AU001, PD001, RS001 reason_required, VL001, CA006 template_not_found. '
  'Source: issue 15 "Catalogue", "Admin: set rarity"; seed 002 "How to propagate a rarity change".';
--! EndIncluded cards/set_card_rarity.sql
--! Included cards/give_card_currency.sql
create or replace function app_public.give_card_currency(discord_id bigint, amount bigint, currency text, reason text)
returns app_public.transfers
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  v_user app_public.users;
  v_tx uuid;
  v app_public.transfers;
  v_currency text := give_card_currency.currency;
  v_amount bigint := give_card_currency.amount;
begin
  if reason is null or length(btrim(reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  if give_card_currency.discord_id = app_public.current_discord_id() then
    perform app_private.raise_error('PD002', 'self_action_forbidden');
  end if;
  select * into v_user from app_public.users u where u.guild_id = app_public.current_guild_id() and u.discord_id = give_card_currency.discord_id;
  if v_user.id is null then
    perform app_private.raise_error('MB002', 'member_not_found', jsonb_build_object('discord_id', discord_id::text));
  end if;
  if v_currency is null or v_currency not in ('NOTE', 'DISC', 'GEM') then
    perform app_private.raise_error('CA009', 'currency_not_used', jsonb_build_object('currency', v_currency));
  end if;
  perform app_private.card_currency(v_user.guild_id, v_currency);
  if v_amount is null or v_amount <= 0 then
    perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', v_amount));
  end if;
  perform 1 from app_private.lock_members(array[v_user.id]);
  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, currency, reason, meta)
    values (v_user.guild_id, 'earn', app_public.current_discord_id(), v_user.id, v_amount, v_currency, 'card_currency_grant',
      jsonb_build_object('why', reason))
    returning tx_id into v_tx;
  v.id := app_private.post_transfer(v_user.guild_id,
    app_private.ledger_account(v_user.guild_id, null, v_currency, 'mint'),
    app_private.ledger_account(v_user.guild_id, v_user.id, v_currency, 'wallet'), v_amount, 'card_currency_grant', v_tx);
  select * into v from app_public.transfers t where t.id = v.id;
  perform app_private.card_audit(v_user.guild_id, 'give_card_currency', 'user', v_user.id::text,
    jsonb_build_object('balance', (select balance from app_public.accounts where id = v.credit_account_id) - v_amount),
    jsonb_build_object('balance', (select balance from app_public.accounts where id = v.credit_account_id), 'currency', v_currency),
    reason);
  return v;
end;
$$;

comment on function app_public.give_card_currency(bigint, bigint, text, text) is
  'Staff (SUPERADMIN, ADMIN, OPERATOR) give a member Notes, Discs or Gems from the guild''s mint (a faucet), audited '
  'before/after; never to themselves. Errors: AU001, PD001, RS001, PD002 self_action_forbidden, MB002 member_not_found, '
  'CA009 currency_not_used, AM001 invalid_amount. Source: issue 15 "Admin: give currency", seed 002 "/admin give_currency".';
--! EndIncluded cards/give_card_currency.sql
--! Included cards/create_card_template.sql
create or replace function app_public.create_card_template(artist_id bigint, era_id bigint, rarity app_public.card_rarity,
  image_id bigint, event_id bigint)
returns app_public.card_templates
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  v_guild bigint := app_public.current_guild_id();
  v_artist app_public.artists;
  v_era app_public.eras;
  v_n integer;
  v app_public.card_templates;
begin
  select * into v_artist from app_public.artists a where a.id = create_card_template.artist_id and a.guild_id = v_guild;
  select * into v_era from app_public.eras e where e.id = create_card_template.era_id and e.artist_id = v_artist.id;
  if v_artist.id is null or v_era.id is null or rarity is null then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'artist_id, era_id, rarity'));
  end if;
  if event_id is not null and not exists (select 1 from app_public.card_events e where e.id = event_id and e.guild_id = v_guild) then
    perform app_private.raise_error('EV003', 'event_not_found', jsonb_build_object('event_id', event_id));
  end if;
  if image_id is not null and not exists (select 1 from app_public.era_images i where i.id = image_id and i.era_id = v_era.id) then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'image_id'));
  end if;
  -- The era's row lock serialises numbering of its templates.
  perform 1 from app_public.eras e where e.id = v_era.id for update;
  select count(*) + 1 into v_n from app_public.card_templates t where t.era_id = v_era.id;
  insert into app_public.card_templates (guild_id, public_id, artist_id, era_id, rarity, image_id, event_id, temporary)
    values (v_guild, v_artist.code || '-' || v_era.code || '-' || upper(left(rarity::text, 1)) || '-' || lpad(v_n::text, 3, '0'),
      v_artist.id, v_era.id, rarity, image_id, event_id, event_id is not null)
    returning * into v;
  perform app_private.card_audit(v_guild, 'create_card_template', 'card_template', v.public_id, null, to_jsonb(v) - 'updated_at',
    case when v.temporary then 'temporary card for an event' else 'new card' end);
  return v;
end;
$$;

comment on function app_public.create_card_template(bigint, bigint, app_public.card_rarity, bigint, bigint) is
  'Staff (SUPERADMIN, ADMIN, OPERATOR) create a card template of an artist''s era with a rarity and optional image; with '
  'an event it is a temporary card (drops only from that event''s packs, its copies vanish at the event''s end). Public '
  'id: ARTIST-ERA-<rarity letter>-NNN (NNN = the era''s n-th template). Audited. Errors: AU001, PD001, VL001, '
  'EV003 event_not_found. Source: issue 15 "Admin: create a temporary card", "Catalogue" (public id like TMC-1989-L-001).';
--! EndIncluded cards/create_card_template.sql
--! Included cards/expire_temporary_cards.sql
create or replace function app_hidden.expire_temporary_cards(p_at timestamptz default now())
returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_n integer;
begin
  with due as (
    select c.id, c.guild_id, c.owner_id from app_public.user_cards c
     where c.temporary and c.burned_at is null and c.expires_at <= p_at
     for update
  ), gone as (
    update app_public.user_cards c set owner_id = null, burned_at = p_at, burn_reason = 'expired', locked = false
      from due where c.id = due.id
    returning c.id
  ), told as (
    insert into app_public.card_notifications (guild_id, user_id, kind, payload, created_at)
      select d.guild_id, d.owner_id, 'card_expired', jsonb_build_object('card_id', d.id), p_at from due d
  )
  select count(*) into v_n from gone;
  update app_public.card_templates t set retired_at = p_at
   where t.temporary and t.retired_at is null
     and exists (select 1 from app_public.card_events e where e.id = t.event_id and e.ends_at <= p_at);
  return v_n;
end;
$$;

comment on function app_hidden.expire_temporary_cards(timestamptz) is
  'Job (worker): temporary copies past their expiry (their event''s end) vanish (burned, reason expired) and temporary '
  'templates of ended events drop no more (retired). Returns how many copies vanished. Source: issue 15 "Events with '
  'temporary cards ... vanish at the event''s end (a job)".';
--! EndIncluded cards/expire_temporary_cards.sql
--! Included cards/card_leaderboard.sql
create or replace function app_public.card_leaderboard(global boolean default false, size integer default 10)
returns table (rank bigint, display_name text, guild_name text, score bigint, distinct_cards bigint, rarest_public_id text,
  rarest_rarity app_public.card_rarity, rarest_print_no integer)
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  with owned as (
    select c.owner_id, t.id as template_id, t.public_id, t.rarity, c.print_no
      from app_public.user_cards c join app_public.card_templates t on t.id = c.template_id
     where c.owner_id is not null and (global or c.guild_id = app_public.current_guild_id())
  ), scores as (
    select o.owner_id,
           sum(case o.rarity when 'common' then 1 when 'rare' then 3 when 'epic' then 10 when 'legendary' then 30 else 100 end)
             filter (where o.first) as score,
           count(*) filter (where o.first) as distinct_cards
      from (select *, row_number() over (partition by owner_id, template_id order by print_no) = 1 as first from owned) o
     group by o.owner_id
  ), rarest as (
    select distinct on (o.owner_id) o.owner_id, o.public_id, o.rarity, o.print_no
      from owned o order by o.owner_id, o.rarity desc, o.print_no
  )
  select rank() over (order by s.score desc), u.display_name, g.name, s.score, s.distinct_cards, r.public_id, r.rarity, r.print_no
    from scores s join app_public.users u on u.id = s.owner_id join app_public.guilds g on g.id = u.guild_id
    join rarest r on r.owner_id = s.owner_id
   where app_public.current_guild_id() is not null
   order by s.score desc, u.id
   limit least(greatest(coalesce(size, 10), 1), 100);
$$;

comment on function app_public.card_leaderboard(boolean, integer) is
  'Top collectors of the caller''s guild (or of every guild when global): collection score = the sum over distinct '
  'templates owned of a rarity weight (common 1, rare 3, epic 10, legendary 30, mythic 100), with each member''s rarest '
  'pull (rarity, then lowest print number). Global shows display and guild names only. Source: issue 15 "Leaderboards '
  'per guild and global: top collectors (a collection score), rarest pulls".';
--! EndIncluded cards/card_leaderboard.sql
--! Included cards/tg_pack_types__check_rates.sql
create or replace function app_private.tg_pack_types__check_rates() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_total integer := new.rate_common + new.rate_rare + new.rate_epic + new.rate_legendary + new.rate_mythic;
begin
  if v_total <> 10000 or least(new.rate_common, new.rate_rare, new.rate_epic, new.rate_legendary, new.rate_mythic) < 0 then
    perform app_private.raise_error('CA010', 'invalid_drop_rates', jsonb_build_object('total_bp', v_total));
  end if;
  return new;
end;
$$;

comment on function app_private.tg_pack_types__check_rates() is
  'Trigger: a pack type''s drop rates (basis points, none negative) must sum to exactly 10000 (100 %); else CA010 '
  'invalid_drop_rates with the total, so the panel''s editor shows why. Source: issue 15 "drop rates per rarity that '
  'must sum to exactly 100 %".';
--! EndIncluded cards/tg_pack_types__check_rates.sql
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
  perform app_private.fair_seed_for(p_guild_id);
end;
$$;

comment on function app_private.ensure_card_catalogue(bigint) is
  'Gives a guild its card settings, the default pack types (standard-3: 3 cards, common 62 %, rare 23 %, epic 10 %, '
  'legendary 4 %, mythic 1 %, 1 free a day or 200 Notes or 1 Disc, 7 min cooldown; premium-5: 5 cards with an epic or '
  'better guaranteed, 5 Discs or 1 Gem; single: the /draw pack, 3 free a day then 50 Notes, 2 min cooldown) and its '
  'first server seed; idempotent. Source: issue 15 "Packs" (the seed''s defaults).';
--! EndIncluded cards/ensure_card_catalogue.sql
--! Included cards/set_wishlist.sql
create or replace function app_public.set_wishlist(public_id text, wanted boolean)
returns boolean
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users := app_private.current_member();
  v_template bigint;
begin
  select t.id into v_template from app_public.card_templates t
   where t.guild_id = v_user.guild_id and t.public_id = upper(set_wishlist.public_id);
  if v_template is null then
    perform app_private.raise_error('CA006', 'template_not_found', jsonb_build_object('public_id', public_id));
  end if;
  if coalesce(wanted, false) then
    insert into app_public.card_wishlists (guild_id, user_id, template_id) values (v_user.guild_id, v_user.id, v_template)
      on conflict do nothing;
  else
    delete from app_public.card_wishlists w where w.user_id = v_user.id and w.template_id = v_template;
  end if;
  return coalesce(wanted, false);
end;
$$;

comment on function app_public.set_wishlist(text, boolean) is
  'A member adds a template to (wanted) or removes it from their wishlist; they are told when it drops for someone '
  '(draw_cards). Idempotent. Errors: AU001, MB001, CA006 template_not_found. Source: issue 15 "Inventory: wishlist".';
--! EndIncluded cards/set_wishlist.sql
--! Included cards/collection_progress.sql
create or replace function app_public.collection_progress()
returns table (artist text, era text, templates bigint, owned bigint, percent integer)
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select a.name, e.name, count(t.id),
         count(t.id) filter (where exists (select 1 from app_public.user_cards c where c.template_id = t.id
                                             and c.owner_id = (app_private.current_member()).id)),
         (100 * count(t.id) filter (where exists (select 1 from app_public.user_cards c where c.template_id = t.id
                                                    and c.owner_id = (app_private.current_member()).id)) / count(t.id))::integer
    from app_public.card_templates t
    join app_public.artists a on a.id = t.artist_id
    join app_public.eras e on e.id = t.era_id
   where t.guild_id = app_public.current_guild_id() and t.retired_at is null and not t.temporary
   group by a.name, e.name, e.starts_on
   order by a.name, e.starts_on nulls last, e.name;
$$;

comment on function app_public.collection_progress() is
  'The caller''s collection completion per artist and era: templates (not retired, not temporary) and how many of '
  'them the member owns at least one copy of, with the percentage. Errors: AU001, MB001. Source: issue 15 "Inventory: '
  'collection completion per artist/era".';
--! EndIncluded cards/collection_progress.sql
--! Included cards/delete_card_template.sql
create or replace function app_public.delete_card_template(public_id text, refund boolean, reason text)
returns app_public.card_templates
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN']::app_public.staff_role[]);
  v_before app_public.card_templates;
  v app_public.card_templates;
  v_notes bigint := 0;
  v_owner record;
  v_tx uuid;
  v_copies integer;
begin
  if reason is null or length(btrim(reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  select * into v_before from app_public.card_templates t
   where t.guild_id = app_public.current_guild_id() and t.public_id = upper(delete_card_template.public_id) for update;
  if v_before.id is null or v_before.retired_at is not null then
    perform app_private.raise_error('CA006', 'template_not_found', jsonb_build_object('public_id', public_id));
  end if;
  -- Owners first (id order), then their copies: the lock order of every rule that moves cards.
  perform 1 from app_private.lock_members(array(select distinct c.owner_id from app_public.user_cards c
                                                   where c.template_id = v_before.id and c.owner_id is not null));
  if coalesce(refund, false) and not v_before.temporary then
    v_notes := coalesce((select (s.burn_notes ->> v_before.rarity::text)::bigint from app_public.card_settings s
                          where s.guild_id = v_before.guild_id), 0);
  end if;
  update app_public.card_listings l set status = 'cancelled', closed_at = now()
   where l.status = 'active' and l.card_id in (select c.id from app_public.user_cards c where c.template_id = v_before.id);
  update app_public.card_trades t set status = 'cancelled', closed_at = now(), updated_at = now()
   where t.status = 'open' and exists (select 1 from app_public.card_trade_items i join app_public.user_cards c on c.id = i.card_id
                                         where i.trade_id = t.id and c.template_id = v_before.id);
  for v_owner in select c.owner_id, count(*)::integer as n from app_public.user_cards c
                  where c.template_id = v_before.id and c.owner_id is not null group by c.owner_id order by c.owner_id loop
    insert into app_public.card_notifications (guild_id, user_id, kind, payload)
      values (v_before.guild_id, v_owner.owner_id, 'template_deleted',
        jsonb_build_object('public_id', v_before.public_id, 'copies', v_owner.n, 'refund_notes', v_notes * v_owner.n));
    if v_notes > 0 then
      insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, currency, reason, meta)
        values (v_before.guild_id, 'refund', app_public.current_discord_id(), v_owner.owner_id, v_notes * v_owner.n, 'NOTE',
          'card_template_refund', jsonb_build_object('public_id', v_before.public_id, 'copies', v_owner.n, 'why', reason))
        returning tx_id into v_tx;
      perform app_private.post_transfer(v_before.guild_id, app_private.ledger_account(v_before.guild_id, null, 'NOTE', 'mint'),
        app_private.ledger_account(v_before.guild_id, v_owner.owner_id, 'NOTE', 'wallet'), v_notes * v_owner.n,
        'card_template_refund', v_tx);
    end if;
  end loop;
  update app_public.user_cards c set owner_id = null, burned_at = now(), burn_reason = 'template_deleted', locked = false
   where c.template_id = v_before.id and c.owner_id is not null;
  get diagnostics v_copies = row_count;
  delete from app_public.card_wishlists w where w.template_id = v_before.id;
  update app_public.card_templates t set retired_at = now() where t.id = v_before.id returning * into v;
  perform app_private.card_audit(v.guild_id, 'delete_card_template', 'card_template', v.public_id,
    to_jsonb(v_before) - 'updated_at', (to_jsonb(v) - 'updated_at') || jsonb_build_object('copies_removed', v_copies,
      'refund_notes_per_copy', v_notes), reason);
  return v;
end;
$$;

comment on function app_public.delete_card_template(text, boolean, text) is
  'Staff (SUPERADMIN, ADMIN) delete a card template: it drops no more (retired; the row stays for past draws and print '
  'numbers), every copy is removed from its owner (burned, reason template_deleted), its listings and the open trades '
  'holding it are cancelled, wishlists cleared, owners told. Refund rule: with refund, each owner receives per copy the '
  'Notes that burning it would pay (card_settings.burn_notes of the template''s rarity; temporary cards: nothing), '
  'from the NOTE mint. Audited before/after. Errors: AU001, PD001, RS001, CA006 template_not_found. Source: issue 15 '
  '"Admin: delete a template with an optional refund to owners", seed 002 "/admin delete_template".';
--! EndIncluded cards/delete_card_template.sql
--! Included cards/purge_artist.sql
create or replace function app_public.purge_artist(artist_id bigint, reason text)
returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN']::app_public.staff_role[]);
  v_artist app_public.artists;
  v_owned integer;
  v_n integer;
begin
  if reason is null or length(btrim(reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  select * into v_artist from app_public.artists a where a.id = purge_artist.artist_id and a.guild_id = app_public.current_guild_id()
     for update;
  if v_artist.id is null then
    perform app_private.raise_error('CA017', 'artist_not_found', jsonb_build_object('artist_id', artist_id));
  end if;
  -- The check: an artist whose cards members own is not purged (delete those templates first, with or without refund).
  select count(*) into v_owned from app_public.user_cards c join app_public.card_templates t on t.id = c.template_id
   where t.artist_id = v_artist.id and c.owner_id is not null;
  if v_owned > 0 then
    perform app_private.raise_error('CA018', 'artist_has_owned_cards', jsonb_build_object('artist_id', artist_id, 'copies', v_owned));
  end if;
  update app_public.card_templates t set retired_at = now() where t.artist_id = v_artist.id and t.retired_at is null;
  get diagnostics v_n = row_count;
  delete from app_public.card_wishlists w using app_public.card_templates t where t.id = w.template_id and t.artist_id = v_artist.id;
  perform app_private.card_audit(v_artist.guild_id, 'purge_artist', 'artist', v_artist.id::text, to_jsonb(v_artist),
    jsonb_build_object('templates_retired', v_n), reason);
  return v_n;
end;
$$;

comment on function app_public.purge_artist(bigint, text) is
  'SUPERADMIN purges an artist: all their templates drop no more (retired), wishlists of them are cleared; refused while '
  'any member owns one of their cards (delete those templates first). Returns how many templates were retired. '
  'Audited. Errors: AU001, PD001, RS001, CA017 artist_not_found, CA018 artist_has_owned_cards. Source: issue 15 '
  '"Admin: purge an artist (with checks)", seed 002 "/admin purge_artist".';
--! EndIncluded cards/purge_artist.sql
--! Included members/tg_guilds__provision.sql
create or replace function app_private.tg_guilds__provision() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  insert into app_public.guild_settings (guild_id) values (new.id);
  insert into app_public.pricing_config (guild_id) values (new.id);
  insert into app_public.accounts (guild_id, currency, kind)
    select new.id, 'COIN', k from unnest(array['mint', 'treasury', 'fees']::app_public.account_kind[]) k;
  perform app_private.ensure_card_catalogue(new.id);
  return new;
end;
$$;

comment on function app_private.tg_guilds__provision() is
  'Trigger: a new guild gets default settings, pricing configuration, its COIN mint, treasury and fees accounts, and '
  'the card game''s settings, default pack types and first server seed (ensure_card_catalogue, issue 15).';
--! EndIncluded members/tg_guilds__provision.sql
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
end;
$$;

comment on function app_public.verify_ledger(bigint) is
  'Returns every violated ledger invariant (empty = healthy): per guild and currency the balances sum to zero; each '
  'balance equals the sum of its postings, and its credit/debit totals those of its transfers; each member''s lifetime '
  'counters equal what crossed between them and others; no member/treasury/fees balance is negative; each escrow account equals its '
  'pending holds; each resolved hold was paid out exactly once and in full; every order agrees with its hold (no '
  'pending transfer behind a settled order); each card copy has one owner of its guild or is burned; print numbers of '
  'a template are 1..copies_created without gaps; an active card listing''s copy belongs to its seller. Staff (any role) check their own guild; the '
  'worker and the owner may check one guild or all (null). Errors: AU001, PD001 permission_denied. Source: DESIGN.md "Money".';
--! EndIncluded invariants/verify_ledger.sql

create trigger _100_timestamps before insert or update on app_public.card_settings
  for each row execute function app_private.tg__timestamps();
create trigger _100_timestamps before insert or update on app_public.card_templates
  for each row execute function app_private.tg__timestamps();
create trigger _100_timestamps before insert or update on app_public.pack_types
  for each row execute function app_private.tg__timestamps();
create trigger _200_check_rates before insert or update on app_public.pack_types
  for each row execute function app_private.tg_pack_types__check_rates();
-- Direct staff writes (the panel): ADMIN+ for settings, pack types, costs, cooldown roles; OPERATOR+ for the catalogue.
create trigger _050_require_staff before insert or update or delete on app_public.card_settings
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN');
create trigger _050_require_staff before insert or update or delete on app_public.pack_types
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN');
create trigger _050_require_staff before insert or update or delete on app_public.pack_costs
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN');
create trigger _050_require_staff before insert or update or delete on app_public.card_cooldown_roles
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN');
create trigger _050_require_staff before insert or update or delete on app_public.artists
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');
create trigger _050_require_staff before insert or update or delete on app_public.eras
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');
create trigger _050_require_staff before insert or update or delete on app_public.era_images
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');
create trigger _050_require_staff before insert or update or delete on app_public.card_events
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN');
create trigger _900_audit after insert or update or delete on app_public.card_settings
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('card_settings', 'guild_id');
create trigger _900_audit after insert or update or delete on app_public.pack_types
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('pack_type', 'id');
create trigger _900_audit after insert or update or delete on app_public.pack_costs
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('pack_cost', 'pack_type_id');
create trigger _900_audit after insert or update or delete on app_public.card_cooldown_roles
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('card_cooldown_role', 'discord_role_id');
create trigger _900_audit after insert or update or delete on app_public.artists
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('artist', 'id');
create trigger _900_audit after insert or update or delete on app_public.eras
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('era', 'id');
create trigger _900_audit after insert or update or delete on app_public.era_images
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('era_image', 'id');
create trigger _900_audit after insert or update or delete on app_public.card_events
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('card_event', 'id');

-- Existing guilds get their card settings, default pack types and a fair seed (new guilds: tg_guilds__provision).
select app_private.ensure_card_catalogue(g.id) from app_public.guilds g;

--------------------------------------------------------------------------------
-- Row-level security and grants
--------------------------------------------------------------------------------
alter table app_public.card_settings enable row level security;
alter table app_public.artists enable row level security;
alter table app_public.eras enable row level security;
alter table app_public.era_images enable row level security;
alter table app_public.card_events enable row level security;
alter table app_public.card_templates enable row level security;
alter table app_public.user_cards enable row level security;
alter table app_public.card_notifications enable row level security;
alter table app_public.pack_types enable row level security;
alter table app_public.pack_costs enable row level security;
alter table app_public.card_cooldown_roles enable row level security;
alter table app_public.card_cooldowns enable row level security;
alter table app_public.fair_seeds enable row level security;
alter table app_private.fair_seed_secrets enable row level security;
alter table app_private.fair_nonces enable row level security;
alter table app_public.pack_openings enable row level security;
alter table app_public.card_draws enable row level security;
alter table app_public.card_listings enable row level security;
alter table app_public.card_trades enable row level security;
alter table app_public.card_trade_items enable row level security;
alter table app_public.card_wishlists enable row level security;

--! Included cards/card_settings.policies.sql
-- Row-level security of app_public.card_settings: who reads (and, where granted, writes) which rows.

-- A guild's card settings are read by its members and staff; ADMIN+ edit them (trigger _050_require_staff).
drop policy if exists card_settings_guild on app_public.card_settings;
create policy card_settings_guild on app_public.card_settings for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));

drop policy if exists card_settings_staff_update on app_public.card_settings;
create policy card_settings_staff_update on app_public.card_settings for update to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null)
  with check (guild_id = (select app_public.current_guild_id()));
--! EndIncluded cards/card_settings.policies.sql
--! Included cards/artists.policies.sql
-- Row-level security of app_public.artists: who reads (and, where granted, writes) which rows.

-- The catalogue is public within the guild; OPERATOR+ edit it.
drop policy if exists artists_guild on app_public.artists;
create policy artists_guild on app_public.artists for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));

drop policy if exists artists_staff_insert on app_public.artists;
create policy artists_staff_insert on app_public.artists for insert to coins_staff
  with check (guild_id = (select app_public.current_guild_id()));

drop policy if exists artists_staff_update on app_public.artists;
create policy artists_staff_update on app_public.artists for update to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null)
  with check (guild_id = (select app_public.current_guild_id()));
--! EndIncluded cards/artists.policies.sql
--! Included cards/eras.policies.sql
-- Row-level security of app_public.eras: who reads (and, where granted, writes) which rows.

-- The catalogue is public within the guild; OPERATOR+ edit it.
drop policy if exists eras_guild on app_public.eras;
create policy eras_guild on app_public.eras for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));

drop policy if exists eras_staff_insert on app_public.eras;
create policy eras_staff_insert on app_public.eras for insert to coins_staff
  with check (guild_id = (select app_public.current_guild_id()));

drop policy if exists eras_staff_update on app_public.eras;
create policy eras_staff_update on app_public.eras for update to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null)
  with check (guild_id = (select app_public.current_guild_id()));
--! EndIncluded cards/eras.policies.sql
--! Included cards/era_images.policies.sql
-- Row-level security of app_public.era_images: who reads (and, where granted, writes) which rows.

-- The catalogue is public within the guild; OPERATOR+ edit it.
drop policy if exists era_images_guild on app_public.era_images;
create policy era_images_guild on app_public.era_images for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));

drop policy if exists era_images_staff_insert on app_public.era_images;
create policy era_images_staff_insert on app_public.era_images for insert to coins_staff
  with check (guild_id = (select app_public.current_guild_id()));

drop policy if exists era_images_staff_update on app_public.era_images;
create policy era_images_staff_update on app_public.era_images for update to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null)
  with check (guild_id = (select app_public.current_guild_id()));
--! EndIncluded cards/era_images.policies.sql
--! Included cards/card_events.policies.sql
-- Row-level security of app_public.card_events: who reads (and, where granted, writes) which rows.

-- Card events are public within the guild; ADMIN+ edit them.
drop policy if exists card_events_guild on app_public.card_events;
create policy card_events_guild on app_public.card_events for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));

drop policy if exists card_events_staff_insert on app_public.card_events;
create policy card_events_staff_insert on app_public.card_events for insert to coins_staff
  with check (guild_id = (select app_public.current_guild_id()));

drop policy if exists card_events_staff_update on app_public.card_events;
create policy card_events_staff_update on app_public.card_events for update to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null)
  with check (guild_id = (select app_public.current_guild_id()));
--! EndIncluded cards/card_events.policies.sql
--! Included cards/card_templates.policies.sql
-- Row-level security of app_public.card_templates: who reads (and, where granted, writes) which rows.

-- Templates are public within the guild; staff change them through functions only.
drop policy if exists card_templates_guild on app_public.card_templates;
create policy card_templates_guild on app_public.card_templates for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));
--! EndIncluded cards/card_templates.policies.sql
--! Included cards/pack_types.policies.sql
-- Row-level security of app_public.pack_types: who reads (and, where granted, writes) which rows.

-- Pack types (and their odds) are public within the guild; ADMIN+ edit them.
drop policy if exists pack_types_guild on app_public.pack_types;
create policy pack_types_guild on app_public.pack_types for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));

drop policy if exists pack_types_staff_insert on app_public.pack_types;
create policy pack_types_staff_insert on app_public.pack_types for insert to coins_staff
  with check (guild_id = (select app_public.current_guild_id()));

drop policy if exists pack_types_staff_update on app_public.pack_types;
create policy pack_types_staff_update on app_public.pack_types for update to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null)
  with check (guild_id = (select app_public.current_guild_id()));
--! EndIncluded cards/pack_types.policies.sql
--! Included cards/pack_costs.policies.sql
-- Row-level security of app_public.pack_costs: who reads (and, where granted, writes) which rows.

-- Pack prices are public within the guild; ADMIN+ edit them.
drop policy if exists pack_costs_guild on app_public.pack_costs;
create policy pack_costs_guild on app_public.pack_costs for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));

drop policy if exists pack_costs_staff_insert on app_public.pack_costs;
create policy pack_costs_staff_insert on app_public.pack_costs for insert to coins_staff
  with check (guild_id = (select app_public.current_guild_id()));

drop policy if exists pack_costs_staff_delete on app_public.pack_costs;
create policy pack_costs_staff_delete on app_public.pack_costs for delete to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded cards/pack_costs.policies.sql
--! Included cards/card_cooldown_roles.policies.sql
-- Row-level security of app_public.card_cooldown_roles: who reads (and, where granted, writes) which rows.

-- Cooldown reductions are public within the guild; ADMIN+ edit them.
drop policy if exists card_cooldown_roles_guild on app_public.card_cooldown_roles;
create policy card_cooldown_roles_guild on app_public.card_cooldown_roles for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));

drop policy if exists card_cooldown_roles_staff_insert on app_public.card_cooldown_roles;
create policy card_cooldown_roles_staff_insert on app_public.card_cooldown_roles for insert to coins_staff
  with check (guild_id = (select app_public.current_guild_id()));

drop policy if exists card_cooldown_roles_staff_update on app_public.card_cooldown_roles;
create policy card_cooldown_roles_staff_update on app_public.card_cooldown_roles for update to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null)
  with check (guild_id = (select app_public.current_guild_id()));

drop policy if exists card_cooldown_roles_staff_delete on app_public.card_cooldown_roles;
create policy card_cooldown_roles_staff_delete on app_public.card_cooldown_roles for delete to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded cards/card_cooldown_roles.policies.sql
--! Included cards/fair_seeds.policies.sql
-- Row-level security of app_public.fair_seeds: who reads (and, where granted, writes) which rows.

-- Seed hashes (and revealed seeds) are public within the guild: anyone may verify.
drop policy if exists fair_seeds_guild on app_public.fair_seeds;
create policy fair_seeds_guild on app_public.fair_seeds for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));
--! EndIncluded cards/fair_seeds.policies.sql
--! Included cards/card_draws.policies.sql
-- Row-level security of app_public.card_draws: who reads (and, where granted, writes) which rows.

-- Draws are public within the guild, so anyone can verify them once the seed is revealed.
drop policy if exists card_draws_guild on app_public.card_draws;
create policy card_draws_guild on app_public.card_draws for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));
--! EndIncluded cards/card_draws.policies.sql
--! Included cards/card_listings.policies.sql
-- Row-level security of app_public.card_listings: who reads (and, where granted, writes) which rows.

-- Card listings are public within the guild (server-only market).
drop policy if exists card_listings_guild on app_public.card_listings;
create policy card_listings_guild on app_public.card_listings for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));
--! EndIncluded cards/card_listings.policies.sql
--! Included cards/card_notifications.policies.sql
-- Row-level security of app_public.card_notifications: who reads which rows.

drop policy if exists card_notifications_self on app_public.card_notifications;
create policy card_notifications_self on app_public.card_notifications for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and user_id = (select u.id from app_public.users u
                        where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id()));

drop policy if exists card_notifications_staff on app_public.card_notifications;
create policy card_notifications_staff on app_public.card_notifications for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded cards/card_notifications.policies.sql
--! Included cards/card_cooldowns.policies.sql
-- Row-level security of app_public.card_cooldowns: who reads which rows.

drop policy if exists card_cooldowns_self on app_public.card_cooldowns;
create policy card_cooldowns_self on app_public.card_cooldowns for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and user_id = (select u.id from app_public.users u
                        where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id()));

drop policy if exists card_cooldowns_staff on app_public.card_cooldowns;
create policy card_cooldowns_staff on app_public.card_cooldowns for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded cards/card_cooldowns.policies.sql
--! Included cards/pack_openings.policies.sql
-- Row-level security of app_public.pack_openings: who reads which rows.

drop policy if exists pack_openings_self on app_public.pack_openings;
create policy pack_openings_self on app_public.pack_openings for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and user_id = (select u.id from app_public.users u
                        where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id()));

drop policy if exists pack_openings_staff on app_public.pack_openings;
create policy pack_openings_staff on app_public.pack_openings for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded cards/pack_openings.policies.sql
--! Included cards/user_cards.policies.sql
-- Row-level security of app_public.user_cards: who reads which rows.

drop policy if exists user_cards_self on app_public.user_cards;
create policy user_cards_self on app_public.user_cards for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and owner_id = (select u.id from app_public.users u
                        where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id()));

drop policy if exists user_cards_staff on app_public.user_cards;
create policy user_cards_staff on app_public.user_cards for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);

-- Other members' copies when the guild lets members view each other's inventory (card_settings.inventory_public).
drop policy if exists user_cards_public on app_public.user_cards;
create policy user_cards_public on app_public.user_cards for select to coins_player
  using (guild_id = (select app_public.current_guild_id()) and owner_id is not null
         and (select s.inventory_public from app_public.card_settings s where s.guild_id = app_public.current_guild_id()));
--! EndIncluded cards/user_cards.policies.sql
--! Included cards/card_trades.policies.sql
-- Row-level security of app_public.card_trades: the two members of a trade and staff read it.

drop policy if exists card_trades_parties on app_public.card_trades;
create policy card_trades_parties on app_public.card_trades for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and (select u.id from app_public.users u
                        where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id()) in (proposer_id, recipient_id));

drop policy if exists card_trades_staff on app_public.card_trades;
create policy card_trades_staff on app_public.card_trades for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded cards/card_trades.policies.sql
--! Included cards/card_trade_items.policies.sql
-- Row-level security of app_public.card_trade_items: as their trade.

drop policy if exists card_trade_items_parties on app_public.card_trade_items;
create policy card_trade_items_parties on app_public.card_trade_items for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and exists (select 1 from app_public.card_trades t where t.id = trade_id));

drop policy if exists card_trade_items_staff on app_public.card_trade_items;
create policy card_trade_items_staff on app_public.card_trade_items for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded cards/card_trade_items.policies.sql
--! Included cards/card_wishlists.policies.sql
-- Row-level security of app_public.card_wishlists: who reads which rows.

-- A member reads their own wishlist; staff read their guild's.
drop policy if exists card_wishlists_self on app_public.card_wishlists;
create policy card_wishlists_self on app_public.card_wishlists for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and user_id = (select u.id from app_public.users u
                        where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id()));

drop policy if exists card_wishlists_staff on app_public.card_wishlists;
create policy card_wishlists_staff on app_public.card_wishlists for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded cards/card_wishlists.policies.sql

grant select on app_public.card_settings, app_public.artists, app_public.eras, app_public.era_images, app_public.card_events,
  app_public.card_templates, app_public.user_cards, app_public.card_notifications, app_public.pack_types, app_public.pack_costs,
  app_public.card_cooldown_roles, app_public.card_cooldowns, app_public.fair_seeds, app_public.pack_openings,
  app_public.card_draws, app_public.card_listings, app_public.card_trades, app_public.card_trade_items, app_public.card_wishlists
  to coins_player, coins_staff;
grant update (currencies, market_fee_bp, listing_hours, trade_expiry_min, inventory_public, reveal_public, burn_notes)
  on app_public.card_settings to coins_staff;
grant insert (guild_id, name, code, is_group, group_id, metadata), update (name, is_group, group_id, metadata)
  on app_public.artists to coins_staff;
grant insert (guild_id, artist_id, name, code, starts_on, ends_on, colour, search_keywords),
  update (name, starts_on, ends_on, colour, search_keywords) on app_public.eras to coins_staff;
grant insert (guild_id, era_id, source_url, storage_url, kind, width, height, phash, licence),
  update (source_url, storage_url, kind, width, height, phash, licence) on app_public.era_images to coins_staff;
grant insert (guild_id, name, description, starts_at, ends_at), update (name, description, starts_at, ends_at)
  on app_public.card_events to coins_staff;
grant insert (guild_id, code, name, command, cards_per_pack, rate_common, rate_rare, rate_epic, rate_legendary, rate_mythic,
    cooldown_s, daily_free, guarantee, event_id, active),
  update (name, cards_per_pack, rate_common, rate_rare, rate_epic, rate_legendary, rate_mythic, cooldown_s, daily_free,
    guarantee, event_id, active) on app_public.pack_types to coins_staff;
grant insert, delete on app_public.pack_costs to coins_staff;
grant insert, update (reduction_pct, label), delete on app_public.card_cooldown_roles to coins_staff;

grant execute on function
  app_public.fair_value(bytea, bigint, integer),
  app_public.rarity_for_roll(integer, integer[]),
  app_public.verify_draw(bigint, text),
  app_public.card_leaderboard(boolean, integer),
  app_public.collection_progress()
  to coins_player, coins_staff;
grant execute on function
  app_public.open_pack(text, text, bigint[], text),
  app_public.pick_card(uuid, integer),
  app_public.draw_card(text, bigint[], text),
  app_public.set_card_locked(bigint, boolean),
  app_public.burn_card(bigint, text),
  app_public.card_balances(),
  app_public.list_card(bigint, bigint, text, integer, text),
  app_public.buy_card(uuid, text),
  app_public.propose_trade(bigint, bigint[], jsonb, bigint[], jsonb),
  app_public.revise_trade(uuid, bigint[], jsonb, bigint[], jsonb),
  app_public.confirm_trade(uuid, integer),
  app_public.set_wishlist(text, boolean)
  to coins_player;
grant execute on function
  app_public.cancel_card_listing(uuid),
  app_public.cancel_trade(uuid)
  to coins_player, coins_staff;
grant execute on function
  app_public.rotate_fair_seed(),
  app_public.draw_stats(text, integer),
  app_public.set_card_rarity(text, app_public.card_rarity, text),
  app_public.give_card_currency(bigint, bigint, text, text),
  app_public.create_card_template(bigint, bigint, app_public.card_rarity, bigint, bigint),
  app_public.delete_card_template(text, boolean, text),
  app_public.purge_artist(bigint, text)
  to coins_staff;
grant execute on function
  app_hidden.expire_card_listings(timestamptz),
  app_hidden.expire_card_trades(timestamptz),
  app_hidden.expire_temporary_cards(timestamptz)
  to coins_worker;
