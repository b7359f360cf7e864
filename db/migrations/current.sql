-- Collectible cards (issue 15, seed 002 "PopDeck"): catalogue, owned copies with print numbers, card currencies in the
-- ledger, pack types as configuration, provably fair draws, packs (open, then pick one of three), /draw, cooldowns,
-- inventory (lock, burn), trades between members, the card market, events with temporary cards, staff actions.
-- Idempotent: drops what it creates (in dependency order), then creates it again.

drop table if exists app_public.card_trade_items, app_public.card_trades, app_public.card_listings,
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
  kind        text not null check (kind in ('rarity_changed', 'trade_offer', 'trade_done', 'card_sold', 'card_expired')),
  payload     jsonb not null default '{}',
  created_at  timestamptz not null default now(),
  delivered_at timestamptz
);
comment on table app_public.card_notifications is E'@behavior -insert -update -delete\nWhat a member is told about their cards (a rarity change of a template they own, a trade offer, a sale).';
create index on app_public.card_notifications (user_id) where delivered_at is null;

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
--!include ledger/ledger_account.sql
--!include cards/card_currency.sql
--!include cards/hmac_sha256.sql
--!include cards/fair_value.sql
--!include cards/rarity_for_roll.sql
--!include cards/fair_seed_for.sql
--!include cards/rotate_fair_seed_for.sql
--!include cards/rotate_fair_seed.sql
--!include cards/card_cooldown.sql
--!include cards/mint_card.sql
--!include cards/draw_cards.sql
--!include cards/pay_for_pack.sql
--!include cards/open_pack_for.sql
--!include cards/open_pack.sql
--!include cards/pick_card_for.sql
--!include cards/pick_card.sql
--!include cards/draw_card_for.sql
--!include cards/draw_card.sql
--!include cards/verify_draw.sql
--!include cards/draw_stats.sql
--!include cards/card_for_change.sql
--!include cards/set_card_locked.sql
--!include cards/burn_card_for.sql
--!include cards/burn_card.sql
--!include cards/card_balances.sql
--!include cards/list_card_for.sql
--!include cards/list_card.sql
--!include cards/buy_card_for.sql
--!include cards/buy_card.sql
--!include cards/cancel_card_listing.sql
--!include cards/expire_card_listings.sql
--!include cards/trade_items_check.sql
--!include cards/propose_trade_for.sql
--!include cards/propose_trade.sql
--!include cards/revise_trade.sql
--!include cards/execute_trade.sql
--!include cards/confirm_trade_for.sql
--!include cards/confirm_trade.sql
--!include cards/cancel_trade.sql
--!include cards/expire_card_trades.sql
--!include cards/card_audit.sql
--!include cards/set_card_rarity.sql
--!include cards/give_card_currency.sql
--!include cards/create_card_template.sql
--!include cards/expire_temporary_cards.sql
--!include cards/card_leaderboard.sql
--!include cards/tg_pack_types__check_rates.sql
--!include cards/ensure_card_catalogue.sql
--!include members/tg_guilds__provision.sql
--!include invariants/verify_ledger.sql

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

--!include cards/card_settings.policies.sql
--!include cards/artists.policies.sql
--!include cards/eras.policies.sql
--!include cards/era_images.policies.sql
--!include cards/card_events.policies.sql
--!include cards/card_templates.policies.sql
--!include cards/pack_types.policies.sql
--!include cards/pack_costs.policies.sql
--!include cards/card_cooldown_roles.policies.sql
--!include cards/fair_seeds.policies.sql
--!include cards/card_draws.policies.sql
--!include cards/card_listings.policies.sql
--!include cards/card_notifications.policies.sql
--!include cards/card_cooldowns.policies.sql
--!include cards/pack_openings.policies.sql
--!include cards/user_cards.policies.sql
--!include cards/card_trades.policies.sql
--!include cards/card_trade_items.policies.sql

grant select on app_public.card_settings, app_public.artists, app_public.eras, app_public.era_images, app_public.card_events,
  app_public.card_templates, app_public.user_cards, app_public.card_notifications, app_public.pack_types, app_public.pack_costs,
  app_public.card_cooldown_roles, app_public.card_cooldowns, app_public.fair_seeds, app_public.pack_openings,
  app_public.card_draws, app_public.card_listings, app_public.card_trades, app_public.card_trade_items
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
  app_public.card_leaderboard(boolean, integer)
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
  app_public.confirm_trade(uuid, integer)
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
  app_public.create_card_template(bigint, bigint, app_public.card_rarity, bigint, bigint)
  to coins_staff;
grant execute on function
  app_hidden.expire_card_listings(timestamptz),
  app_hidden.expire_card_trades(timestamptz),
  app_hidden.expire_temporary_cards(timestamptz)
  to coins_worker;
