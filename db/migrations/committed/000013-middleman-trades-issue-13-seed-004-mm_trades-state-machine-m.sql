--! Previous: sha1:a9e966256eb399d8ee673433069421339e42e7b1
--! Hash: sha1:95596bd6dc7c0a9c2feadbaf63a829e965a5385a
--! Message: Middleman trades (issue 13, seed 004): mm_trades state machine, mm_events trail, CSPRNG verification amounts unique by index, matching inside record_payment, MCD holds and fees, payouts by /pay, limits, expiry, link by tiny payment, verify_ledger coverage

-- Issue 13 (seed 004): middleman (MM) escrow tickets for Minecraft trades, verified by exact in-game payments.
-- A state machine in SQL (mm_trades, one function per transition), its audit trail (mm_events), verification amounts
-- unique among a guild's live trades (mm_verification_amounts, a partial unique index), account linking by a tiny
-- payment (mm_link_requests), matching inside record_payment's transaction, MCD holds for verification payments and
-- deposits, payouts through minecraft_payouts. Re-runnable: drops what it creates first.

drop table if exists app_public.mm_events cascade;
drop table if exists app_public.mm_verification_amounts cascade;
drop table if exists app_public.mm_link_requests cascade;
drop table if exists app_public.mm_trades cascade;
drop table if exists app_public.mm_discord cascade;
drop type if exists app_public.mm_status cascade;
drop type if exists app_public.mm_trade_summary cascade;
drop type if exists app_public.mm_reputation cascade;
drop function if exists app_private.mm_fee(bigint, integer);
drop function if exists app_private.mm_draw_amount(bigint, bigint);

-- Money rules of the middleman, per guild (ADMIN+ edit guild_settings, as for the other rules).
alter table app_public.guild_settings
  add column if not exists mm_fee_bps integer not null default 500,
  add column if not exists mm_verification_min bigint not null default 100,
  add column if not exists mm_verification_max bigint not null default 10024,
  add column if not exists mm_sale_min bigint not null default 100,
  add column if not exists mm_sale_max bigint not null default 100000000000,
  add column if not exists mm_live_limit integer not null default 3,
  add column if not exists mm_hourly_limit integer not null default 5,
  add column if not exists mm_scam_daily_limit integer not null default 3,
  add column if not exists mm_verify_timeout_s integer not null default 7200,
  add column if not exists mm_deposit_timeout_s integer not null default 86400,
  add column if not exists mm_confirm_remind_s integer not null default 172800,
  add column if not exists mm_link_timeout_s integer not null default 1800,
  add column if not exists mm_bot_ign text not null default 'Bunji_MC';
alter table app_public.guild_settings drop constraint if exists guild_settings_mm_check;
alter table app_public.guild_settings add constraint guild_settings_mm_check check (
  mm_fee_bps between 0 and 5000
  -- Verification amounts start at 1.00: link amounts (0.01 .. 0.99) can never be mistaken for one.
  and mm_verification_min >= 100 and mm_verification_max >= mm_verification_min + 99
  and mm_verification_max <= 100000000
  and mm_sale_min >= 1 and mm_sale_max >= mm_sale_min and mm_sale_max <= 1000000000000000
  and mm_live_limit between 1 and 100 and mm_hourly_limit between 1 and 1000 and mm_scam_daily_limit between 1 and 100
  and mm_verify_timeout_s between 60 and 604800 and mm_deposit_timeout_s between 60 and 2592000
  and mm_confirm_remind_s between 60 and 2592000 and mm_link_timeout_s between 60 and 86400
  and mm_bot_ign ~ '^[A-Za-z0-9_]{3,16}$');
grant update (mm_fee_bps, mm_verification_min, mm_verification_max, mm_sale_min, mm_sale_max, mm_live_limit,
  mm_hourly_limit, mm_scam_daily_limit, mm_verify_timeout_s, mm_deposit_timeout_s, mm_confirm_remind_s,
  mm_link_timeout_s, mm_bot_ign) on app_public.guild_settings to coins_staff;

-- Where the middleman lives in Discord (set by /mm set-* or the panel through app_public.mm_set_discord).
create table app_public.mm_discord (
  guild_id bigint primary key references app_public.guilds on delete cascade,
  public_channel_id bigint check (public_channel_id > 0),
  log_channel_id bigint check (log_channel_id > 0),
  staff_channel_id bigint check (staff_channel_id > 0),
  support_role_id bigint check (support_role_id > 0),
  ticket_category_id bigint check (ticket_category_id > 0),
  archive_delay_s integer not null default 3600 check (archive_delay_s between 0 and 604800),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table app_public.mm_discord is E'@behavior -insert -update -delete\nThe middleman''s Discord places of a guild: the public channel and its persistent embed, the log channel (completed trades, transcripts), the staff channel (dispute threads), the support role, the category tickets are created in, and how long a closed ticket stays before it is archived.';
create trigger _100_timestamps before insert or update on app_public.mm_discord
  for each row execute function app_private.tg__timestamps();

create type app_public.mm_status as enum ('open', 'awaiting_verification', 'awaiting_deposit', 'in_escrow', 'completed',
  'cancelled', 'expired', 'dispute_open', 'adjudicated');
comment on type app_public.mm_status is 'A middleman trade''s state: open (ticket created) -> awaiting_verification (form submitted, amounts drawn) -> awaiting_deposit (both verified) -> in_escrow (deposit matched) -> completed; cancelled (before the deposit), expired (timeouts), dispute_open (Mark as Scammed or a staff freeze: funds frozen) -> adjudicated (staff).';

create table app_public.mm_trades (
  id bigint primary key generated always as identity,
  guild_id bigint not null references app_public.guilds on delete cascade,
  short_id text generated always as ('mm-' || id::text) stored,
  status app_public.mm_status not null default 'open',
  starter_id bigint not null references app_public.users,
  counterparty_id bigint references app_public.users,
  seller_id bigint references app_public.users,
  buyer_id bigint references app_public.users,
  seller_ign text check (seller_ign ~ '^[A-Za-z0-9_]{3,16}$'),
  buyer_ign text check (buyer_ign ~ '^[A-Za-z0-9_]{3,16}$'),
  sale_amount bigint check (sale_amount > 0),
  fee_bps integer check (fee_bps between 0 and 5000),
  fee_amount bigint check (fee_amount >= 0),
  seller_payout bigint check (seller_payout >= 0),
  notes text not null default '' check (length(notes) <= 1000),
  seller_verify_amount bigint check (seller_verify_amount > 0),
  buyer_verify_amount bigint check (buyer_verify_amount > 0),
  seller_verified_at timestamptz,
  buyer_verified_at timestamptz,
  seller_verify_payment_id bigint references app_public.minecraft_payments,
  buyer_verify_payment_id bigint references app_public.minecraft_payments,
  seller_verify_hold_id bigint references app_public.transfers,
  buyer_verify_hold_id bigint references app_public.transfers,
  deposit_payment_id bigint references app_public.minecraft_payments,
  deposit_hold_id bigint references app_public.transfers,
  deposit_amount bigint not null default 0 check (deposit_amount >= 0),
  deposited_at timestamptz,
  amounts_drawn_at timestamptz,
  verified_at timestamptz,
  frozen_at timestamptz,
  frozen_by bigint,
  disputed_at timestamptz,
  seller_flagged_at timestamptz,
  buyer_flagged_at timestamptz,
  reminded_at timestamptz,
  outcome jsonb check (outcome is null or jsonb_typeof(outcome) = 'object'),
  closed_at timestamptz,
  channel_id bigint check (channel_id > 0),
  ticket_message_id bigint check (ticket_message_id > 0),
  rendered_event_id bigint,
  transcript text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (guild_id, id),
  check (counterparty_id is distinct from starter_id),
  check (seller_id is distinct from buyer_id or seller_id is null),
  check (seller_ign is null or buyer_ign is null or lower(seller_ign) <> lower(buyer_ign)),
  check ((status = 'open' or status in ('cancelled', 'expired') and amounts_drawn_at is null)
         = (amounts_drawn_at is null)),
  check (amounts_drawn_at is null or (seller_id is not null and buyer_id is not null and seller_ign is not null
         and buyer_ign is not null and sale_amount is not null and fee_amount + seller_payout = sale_amount
         and seller_verify_amount is not null and buyer_verify_amount is not null
         and seller_verify_amount <> buyer_verify_amount)),
  check ((status in ('completed', 'cancelled', 'expired', 'adjudicated')) = (closed_at is not null)),
  check ((deposit_hold_id is null) = (deposited_at is null))
);
comment on table app_public.mm_trades is E'@behavior -insert -update -delete\nMiddleman trades (seed 004): who buys and sells (members and IGNs), the sale in MCD cents, the fee (fee_bps of the sale, rounded half up to the cent) and the seller''s payout, the two verification amounts and when each was paid, the deposit''s hold, the dispute and its outcome. Every change is made by one app_private.mm_* transition and leaves an mm_events row.';
comment on column app_public.mm_trades.rendered_event_id is 'The last mm_events row the ticket message shows (discord__mm_ticket skips a job when nothing newer happened).';
comment on column app_public.mm_trades.outcome is 'Adjudication: {decision: buyer|seller|split, buyer_amount, seller_amount, fee, reason, by}.';
create index mm_trades_live on app_public.mm_trades (guild_id, status) where closed_at is null;
create index mm_trades_seller on app_public.mm_trades (seller_id, created_at);
create index mm_trades_buyer on app_public.mm_trades (buyer_id, created_at);
create index mm_trades_starter on app_public.mm_trades (starter_id, created_at);
create index mm_trades_counterparty on app_public.mm_trades (counterparty_id);
create index mm_trades_seller_ign on app_public.mm_trades (guild_id, lower(seller_ign)) where closed_at is null;
create index mm_trades_buyer_ign on app_public.mm_trades (guild_id, lower(buyer_ign)) where closed_at is null;
create trigger _100_timestamps before insert or update on app_public.mm_trades
  for each row execute function app_private.tg__timestamps();

-- A guild's live verification amounts: the partial unique index is what makes them unique (no race, no retry loop
-- deciding it); released when the trade ends.
create table app_public.mm_verification_amounts (
  guild_id bigint not null references app_public.guilds on delete cascade,
  amount bigint not null check (amount > 0),
  trade_id bigint not null references app_public.mm_trades on delete cascade,
  party text not null check (party in ('seller', 'buyer')),
  created_at timestamptz not null default now(),
  released_at timestamptz,
  primary key (trade_id, party)
);
comment on table app_public.mm_verification_amounts is E'@behavior -insert -update -delete\nThe verification amounts drawn for trades; at most one live trade of a guild expects a given amount (unique index on guild and amount while not released).';
create unique index mm_verification_amounts_live on app_public.mm_verification_amounts (guild_id, amount)
  where released_at is null;

-- Account linking by a tiny payment ("Link Minecraft"): a unique amount of 0.01 .. 0.99 per pending request.
create table app_public.mm_link_requests (
  id bigint primary key generated always as identity,
  guild_id bigint not null references app_public.guilds on delete cascade,
  user_id bigint not null references app_public.users on delete cascade,
  amount bigint not null check (amount between 1 and 99),
  status text not null default 'pending' check (status in ('pending', 'linked', 'expired', 'replaced')),
  ign text check (ign ~ '^[A-Za-z0-9_]{3,16}$'),
  payment_id bigint references app_public.minecraft_payments,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  check ((status = 'linked') = (ign is not null))
);
comment on table app_public.mm_link_requests is E'@behavior -insert -update -delete\nLink Minecraft requests: pay the bot exactly amount (MCD cents, 0.01 .. 0.99) from your IGN before expires_at and that IGN is linked to you.';
create unique index mm_link_requests_live on app_public.mm_link_requests (guild_id, amount) where status = 'pending';
create unique index mm_link_requests_user on app_public.mm_link_requests (user_id) where status = 'pending';

create table app_public.mm_events (
  id bigint primary key generated always as identity,
  guild_id bigint not null references app_public.guilds on delete cascade,
  trade_id bigint not null references app_public.mm_trades on delete cascade,
  kind text not null check (kind in ('opened', 'counterparty_set', 'form_submitted', 'verification_paid', 'both_verified',
    'deposit_paid', 'payment_unmatched', 'cancelled', 'expired', 'disputed', 'frozen', 'evidence', 'evidence_requested',
    'adjudicated', 'completed', 'reminder', 'payout_queued', 'ticket_posted', 'transcript_stored')),
  status app_public.mm_status not null,
  actor_discord_id bigint,
  actor text not null check (actor in ('seller', 'buyer', 'starter', 'counterparty', 'staff', 'system', 'listener')),
  payment_id bigint references app_public.minecraft_payments,
  raw_line text check (length(raw_line) <= 1000),
  detail jsonb not null default '{}' check (jsonb_typeof(detail) = 'object'),
  created_at timestamptz not null default now()
);
comment on table app_public.mm_events is E'@behavior -insert -update -delete\nThe audit trail and evidence of middleman trades: every transition and every matched or unmatched payment (with its raw chat line), who did it and when. status is the trade''s state after the event.';
create index mm_events_trade on app_public.mm_events (trade_id, id);
create index mm_events_guild on app_public.mm_events (guild_id, created_at);
create index mm_events_payment on app_public.mm_events (payment_id) where payment_id is not null;
create index mm_events_disputes on app_public.mm_events (actor_discord_id, created_at) where kind = 'disputed';

create type app_public.mm_reputation as (discord_id bigint, completed integer, volume bigint, disputes integer,
  adjudicated integer);
comment on type app_public.mm_reputation is 'A trader''s middleman record: completed trades, their volume in MCD cents, disputed and adjudicated trades.';
create type app_public.mm_trade_summary as (short_id text, role text, status app_public.mm_status, sale_amount bigint,
  fee_amount bigint, counterparty_discord_id bigint, closed_at timestamptz);
comment on type app_public.mm_trade_summary is 'One line of /mm history.';

-- Row-level security and grants --------------------------------------------------------------------------------------
alter table app_public.mm_discord enable row level security;
alter table app_public.mm_trades enable row level security;
alter table app_public.mm_verification_amounts enable row level security;
alter table app_public.mm_link_requests enable row level security;
alter table app_public.mm_events enable row level security;
grant select on app_public.mm_trades, app_public.mm_link_requests, app_public.mm_events to coins_player, coins_staff;
grant select on app_public.mm_discord, app_public.mm_verification_amounts to coins_staff;

--! Included mm/mm_trades.policies.sql
-- Row-level security of app_public.mm_trades: a member sees the trades they are party to, staff their guild's.

drop policy if exists mm_trades_party on app_public.mm_trades;
create policy mm_trades_party on app_public.mm_trades for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and (select u.id from app_public.users u where u.guild_id = app_public.current_guild_id()
                and u.discord_id = app_public.current_discord_id())
             in (starter_id, counterparty_id, seller_id, buyer_id));

drop policy if exists mm_trades_staff on app_public.mm_trades;
create policy mm_trades_staff on app_public.mm_trades for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and app_public.current_staff_role() is not null);
--! EndIncluded mm/mm_trades.policies.sql
--! Included mm/mm_events.policies.sql
-- Row-level security of app_public.mm_events: a member sees the trail of the trades they are party to, staff their
-- guild's.

drop policy if exists mm_events_party on app_public.mm_events;
create policy mm_events_party on app_public.mm_events for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and exists (select 1 from app_public.mm_trades t where t.id = trade_id));

drop policy if exists mm_events_staff on app_public.mm_events;
create policy mm_events_staff on app_public.mm_events for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and app_public.current_staff_role() is not null);
--! EndIncluded mm/mm_events.policies.sql
--! Included mm/mm_discord.policies.sql
-- Row-level security of app_public.mm_discord: staff read their guild's middleman places; members read nothing.

drop policy if exists mm_discord_staff on app_public.mm_discord;
create policy mm_discord_staff on app_public.mm_discord for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and app_public.current_staff_role() is not null);
--! EndIncluded mm/mm_discord.policies.sql
--! Included mm/mm_verification_amounts.policies.sql
-- Row-level security of app_public.mm_verification_amounts: staff only (members see their own amounts on the trade).

drop policy if exists mm_verification_amounts_staff on app_public.mm_verification_amounts;
create policy mm_verification_amounts_staff on app_public.mm_verification_amounts for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and app_public.current_staff_role() is not null);
--! EndIncluded mm/mm_verification_amounts.policies.sql
--! Included mm/mm_link_requests.policies.sql
-- Row-level security of app_public.mm_link_requests: a member sees their own requests, staff their guild's.

drop policy if exists mm_link_requests_self on app_public.mm_link_requests;
create policy mm_link_requests_self on app_public.mm_link_requests for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and user_id = (select u.id from app_public.users u where u.guild_id = app_public.current_guild_id()
                          and u.discord_id = app_public.current_discord_id()));

drop policy if exists mm_link_requests_staff on app_public.mm_link_requests;
create policy mm_link_requests_staff on app_public.mm_link_requests for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and app_public.current_staff_role() is not null);
--! EndIncluded mm/mm_link_requests.policies.sql

-- The rules ------------------------------------------------------------------------------------------------------------
--! Included mm/mm_fee.sql
create or replace function app_private.mm_fee(p_sale bigint, p_fee_bps integer) returns bigint
language sql immutable strict parallel safe
as $$
  -- Half up, in integer cents: floor((sale * bps + 5000) / 10000). sale <= 10^15 and bps <= 5000 cannot overflow.
  select (p_sale * p_fee_bps + 5000) / 10000;
$$;

comment on function app_private.mm_fee(bigint, integer) is
  'The middleman fee of a sale of p_sale MCD cents at p_fee_bps basis points: round_half_up(sale * bps / 10000) in '
  'cents (500 bps = the seed''s 5%). The seller''s payout is sale - fee, so fee + payout = sale and neither is negative. '
  'Errors: none. Source: seed 004 "Escrow accounting", issue 13 "Money".';
--! EndIncluded mm/mm_fee.sql
--! Included mm/mm_draw_amount.sql
create or replace function app_private.mm_draw_amount(p_min bigint, p_max bigint) returns bigint
language sql volatile strict parallel unsafe
as $$
  -- 48 random bits of a version-4 UUID (gen_random_uuid draws them from pg_strong_random, the operating system's
  -- CSPRNG), reduced modulo the range: the bias is below range / 2^48 (< 10^-6 for the default 9 925 values).
  select p_min + (('x' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 12))::bit(48)::bigint % (p_max - p_min + 1));
$$;

comment on function app_private.mm_draw_amount(bigint, bigint) is
  'A uniformly random amount in [p_min, p_max] cents from a CSPRNG (pg_strong_random through gen_random_uuid). '
  'Uniqueness among live trades is not its job: the unique index mm_verification_amounts_live decides it. Errors: none. '
  'Source: seed 004 "Trade setup", issue 13 ("drawn with a CSPRNG").';
--! EndIncluded mm/mm_draw_amount.sql
--! Included mm/mm_event.sql
create or replace function app_private.mm_event(p_trade app_public.mm_trades, p_kind text, p_actor text, p_actor_discord_id bigint,
  p_detail jsonb default '{}', p_payment_id bigint default null, p_raw_line text default null, p_at timestamptz default now())
returns app_public.mm_events
language sql volatile
as $$
  insert into app_public.mm_events (guild_id, trade_id, kind, status, actor, actor_discord_id, payment_id, raw_line, detail, created_at)
    values (p_trade.guild_id, p_trade.id, p_kind, p_trade.status, p_actor, p_actor_discord_id, p_payment_id,
      left(p_raw_line, 1000), coalesce(p_detail, '{}'), p_at)
  returning *;
$$;

comment on function app_private.mm_event(app_public.mm_trades, text, text, bigint, jsonb, bigint, text, timestamptz) is
  'Appends one row to a trade''s audit trail (mm_events) with the trade''s state after the change, the actor, the '
  'payment and its raw line when there is one. Errors: none. Source: seed 004 "All actions are logged", issue 13.';
--! EndIncluded mm/mm_event.sql
--! Included mm/mm_lock_trade.sql
create or replace function app_private.mm_lock_trade(p_guild_id bigint, p_trade_id bigint) returns app_public.mm_trades
language plpgsql
as $$
declare
  v app_public.mm_trades;
  v_ids bigint[];
begin
  select * into v from app_public.mm_trades where id = p_trade_id and guild_id = p_guild_id;
  if v.id is null then
    perform app_private.raise_error('MM001', 'mm_trade_not_found', jsonb_build_object('trade', 'mm-' || p_trade_id));
  end if;
  -- Lock order (db/CONVENTIONS.md): the members the trade can move money of, then the trade, then (later) accounts.
  loop
    v_ids := array_remove(array[v.starter_id, v.counterparty_id, v.seller_id, v.buyer_id], null);
    perform 1 from app_private.lock_members(v_ids);
    select * into v from app_public.mm_trades where id = p_trade_id for update;
    exit when array_remove(array[v.starter_id, v.counterparty_id, v.seller_id, v.buyer_id], null) <@ v_ids;
  end loop;
  return v;
end;
$$;

comment on function app_private.mm_lock_trade(bigint, bigint) is
  'Locks a trade of the guild for a transition: its members first (the ledger''s lock order), then the trade row, '
  'retrying if its parties changed meanwhile. Errors: MM001 mm_trade_not_found (also for a trade of another guild). '
  'Source: db/CONVENTIONS.md "Money" (lock order), issue 13.';
--! EndIncluded mm/mm_lock_trade.sql
--! Included mm/mm_party.sql
create or replace function app_private.mm_party(p_trade app_public.mm_trades, p_user_id bigint) returns text
language sql immutable
as $$
  select case when p_user_id = p_trade.seller_id then 'seller'
              when p_user_id = p_trade.buyer_id then 'buyer'
              when p_user_id = p_trade.starter_id then 'starter'
              when p_user_id = p_trade.counterparty_id then 'counterparty' end;
$$;

comment on function app_private.mm_party(app_public.mm_trades, bigint) is
  'Which party of the trade a member is: seller, buyer (once the form named them), starter or counterparty; null for '
  'a stranger. Errors: none. Source: issue 13 ("a stranger clicking buttons in someone else''s ticket").';
--! EndIncluded mm/mm_party.sql
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
  'Errors: MB001, FZ001 account_frozen, MM005 too_many_live_trades, MM006 trade_rate_limited. Source: seed 004 "Start '
  'flow", "Rate-limit trade creation per user"; issue 13 "Limits in SQL".';
--! EndIncluded mm/mm_open_trade_for.sql
--! Included mm/mm_open_trade.sql
create or replace function app_public.mm_open_trade(idempotency_key text) returns app_public.mm_trades
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users := app_private.current_member(true);
  v_replay jsonb;
  v app_public.mm_trades;
begin
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, idempotency_key,
    jsonb_build_object('fn', 'mm_open_trade'));
  if v_replay is not null then
    select * into v from app_public.mm_trades where id = (v_replay ->> 'id')::bigint;
    return v;
  end if;
  v := app_private.mm_open_trade_for(v_user.id, now());
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, idempotency_key, to_jsonb(v));
  return v;
end;
$$;

comment on function app_public.mm_open_trade(text) is
  'Start Middleman for the calling member (the button''s interaction id as idempotency key: a double click opens one '
  'ticket). Rules and errors: app_private.mm_open_trade_for; AU001, MB001, IK001, IK002. Source: seed 004, issue 13.';
--! EndIncluded mm/mm_open_trade.sql
--! Included mm/mm_set_counterparty_for.sql
create or replace function app_private.mm_set_counterparty_for(p_trade_id bigint, p_user_id bigint, p_counterparty_discord_id bigint,
  p_at timestamptz default now())
returns app_public.mm_trades
language plpgsql
as $$
declare
  v_user app_public.users;
  v_other app_public.users;
  v app_public.mm_trades;
  v_live integer;
  v_limit integer;
begin
  select * into v_user from app_public.users where id = p_user_id;
  -- The counterparty gets an account on first use (as every member the bot meets); no funds move.
  if p_counterparty_discord_id is null or p_counterparty_discord_id <= 0 then
    perform app_private.raise_error('MM010', 'invalid_counterparty', jsonb_build_object('why', 'missing'));
  end if;
  v_other := app_private.ensure_member(v_user.guild_id, p_counterparty_discord_id, '');
  if v_other.is_bot then
    perform app_private.raise_error('MM010', 'invalid_counterparty', jsonb_build_object('why', 'bot'));
  end if;
  v := app_private.mm_lock_trade(v_user.guild_id, p_trade_id);
  if v.starter_id <> p_user_id then
    perform app_private.raise_error('MM003', 'not_a_party', jsonb_build_object('trade', v.short_id, 'need', 'starter'));
  end if;
  if v.status <> 'open' then
    perform app_private.raise_error('MM002', 'illegal_transition',
      jsonb_build_object('trade', v.short_id, 'status', v.status, 'action', 'set_counterparty'));
  end if;
  if v_other.id = p_user_id then
    perform app_private.raise_error('MM010', 'invalid_counterparty', jsonb_build_object('why', 'self'));
  end if;
  perform 1 from app_private.lock_members(array[v_other.id]);
  if v_other.frozen then
    perform app_private.raise_error('FZ002', 'recipient_frozen', jsonb_build_object('discord_id', p_counterparty_discord_id::text));
  end if;
  select mm_live_limit into v_limit from app_public.guild_settings where guild_id = v.guild_id;
  select count(*) into v_live from app_public.mm_trades t
   where t.guild_id = v.guild_id and t.closed_at is null and t.id <> v.id
     and v_other.id in (t.starter_id, t.counterparty_id, t.seller_id, t.buyer_id);
  if v_live >= v_limit then
    perform app_private.raise_error('MM005', 'too_many_live_trades', jsonb_build_object('limit', v_limit,
      'discord_id', p_counterparty_discord_id::text));
  end if;
  if v.counterparty_id is not distinct from v_other.id then
    return v;
  end if;
  update app_public.mm_trades set counterparty_id = v_other.id where id = v.id returning * into v;
  perform app_private.mm_event(v, 'counterparty_set', 'starter', v_user.discord_id,
    jsonb_build_object('counterparty_discord_id', p_counterparty_discord_id::text), null, null, p_at);
  return v;
end;
$$;

comment on function app_private.mm_set_counterparty_for(bigint, bigint, bigint, timestamptz) is
  'The starter tags the member they trade with (only while the trade is open; re-tagging replaces them; tagging the '
  'same member again changes nothing). Errors: MM001, MM002 illegal_transition, MM003 not_a_party (only the starter), '
  'MM010 invalid_counterparty (self, a bot), FZ002 recipient_frozen, MM005 too_many_live_trades (the counterparty''s). '
  'Source: seed 004 "Trade setup inside private channel".';
--! EndIncluded mm/mm_set_counterparty_for.sql
--! Included mm/mm_set_counterparty.sql
create or replace function app_public.mm_set_counterparty(trade_id bigint, counterparty_discord_id bigint)
returns app_public.mm_trades
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.mm_set_counterparty_for(trade_id, (app_private.current_member()).id, counterparty_discord_id, now());
end;
$$;

comment on function app_public.mm_set_counterparty(bigint, bigint) is
  'The calling member (the trade''s starter) tags their counterparty. Rules and errors: '
  'app_private.mm_set_counterparty_for; AU001, MB001. Source: seed 004, issue 13.';
--! EndIncluded mm/mm_set_counterparty.sql
--! Included mm/mm_submit_form_for.sql
create or replace function app_private.mm_submit_form_for(p_trade_id bigint, p_user_id bigint, p_role text, p_seller_ign text,
  p_buyer_ign text, p_sale_amount bigint, p_notes text, p_at timestamptz default now())
returns app_public.mm_trades
language plpgsql
as $$
declare
  v_user app_public.users;
  v app_public.mm_trades;
  v_settings app_public.guild_settings;
  v_seller bigint;
  v_buyer bigint;
  v_seller_ign text := nullif(btrim(p_seller_ign), '');
  v_buyer_ign text := nullif(btrim(p_buyer_ign), '');
  v_owner bigint;
  v_amount bigint;
  v_party text;
  v_tries integer;
begin
  select * into v_user from app_public.users where id = p_user_id;
  v := app_private.mm_lock_trade(v_user.guild_id, p_trade_id);
  if p_user_id not in (v.starter_id, coalesce(v.counterparty_id, 0)) then
    perform app_private.raise_error('MM003', 'not_a_party', jsonb_build_object('trade', v.short_id));
  end if;
  if v.status <> 'open' then
    perform app_private.raise_error('MM002', 'illegal_transition',
      jsonb_build_object('trade', v.short_id, 'status', v.status, 'action', 'submit_form'));
  end if;
  if v.counterparty_id is null then
    perform app_private.raise_error('MM010', 'invalid_counterparty', jsonb_build_object('why', 'not_tagged'));
  end if;
  if p_role = 'seller' then
    v_seller := p_user_id;
    v_buyer := case when p_user_id = v.starter_id then v.counterparty_id else v.starter_id end;
  elsif p_role = 'buyer' then
    v_buyer := p_user_id;
    v_seller := case when p_user_id = v.starter_id then v.counterparty_id else v.starter_id end;
  else
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'role'));
  end if;
  -- IGNs: the form's, else the member's link. An IGN linked to somebody else cannot stand for this party.
  v_seller_ign := coalesce(v_seller_ign, (select l.ign from app_public.minecraft_links l where l.user_id = v_seller));
  v_buyer_ign := coalesce(v_buyer_ign, (select l.ign from app_public.minecraft_links l where l.user_id = v_buyer));
  perform app_private.check_ign(v_seller_ign);
  perform app_private.check_ign(v_buyer_ign);
  if lower(v_seller_ign) = lower(v_buyer_ign) then
    perform app_private.raise_error('MM011', 'ign_mismatch', jsonb_build_object('ign', v_seller_ign, 'why', 'same_ign'));
  end if;
  select l.user_id into v_owner from app_public.minecraft_links l
   where l.guild_id = v.guild_id and lower(l.ign) = lower(v_seller_ign);
  if v_owner is not null and v_owner <> v_seller then
    perform app_private.raise_error('MM011', 'ign_mismatch', jsonb_build_object('ign', v_seller_ign, 'why', 'linked_to_other',
      'party', 'seller'));
  end if;
  select l.user_id into v_owner from app_public.minecraft_links l
   where l.guild_id = v.guild_id and lower(l.ign) = lower(v_buyer_ign);
  if v_owner is not null and v_owner <> v_buyer then
    perform app_private.raise_error('MM011', 'ign_mismatch', jsonb_build_object('ign', v_buyer_ign, 'why', 'linked_to_other',
      'party', 'buyer'));
  end if;
  select * into v_settings from app_public.guild_settings where guild_id = v.guild_id;
  if p_sale_amount is null or p_sale_amount < v_settings.mm_sale_min or p_sale_amount > v_settings.mm_sale_max then
    perform app_private.raise_error('MM004', 'sale_out_of_range', jsonb_build_object('amount', p_sale_amount,
      'min', v_settings.mm_sale_min, 'max', v_settings.mm_sale_max));
  end if;
  if length(coalesce(p_notes, '')) > 1000 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'notes', 'max', 1000));
  end if;
  if (select frozen from app_public.users where id = v_seller) or (select frozen from app_public.users where id = v_buyer) then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;

  -- One form of the guild draws at a time (until commit): two transactions each holding an uncommitted amount the
  -- other one draws next would otherwise wait on each other's insert (a deadlock). Taken after the trade's locks;
  -- whoever holds it waits only for transactions that never take it, so it cannot be part of a cycle.
  perform pg_advisory_xact_lock(hashtext('mm_verification_amounts'), hashtext(v.guild_id::text));
  -- Two verification amounts, unique among the guild's live trades: the partial unique index is the arbiter (a
  -- concurrent draw of the same amount waits for the other transaction and then yields); a taken amount is redrawn,
  -- and after 8 misses the first free amount after a random one is taken.
  foreach v_party in array array['seller', 'buyer'] loop
    v_tries := 0;
    loop
      v_tries := v_tries + 1;
      if v_tries > 40 then
        perform app_private.raise_error('MM009', 'amounts_exhausted', jsonb_build_object('min', v_settings.mm_verification_min,
          'max', v_settings.mm_verification_max));
      end if;
      v_amount := app_private.mm_draw_amount(v_settings.mm_verification_min, v_settings.mm_verification_max);
      if v_tries > 8 then
        -- A crowded range: the first free amount at or after the random one (cyclically), so the range can fill up.
        select x.a into v_amount
          from generate_series(0, v_settings.mm_verification_max - v_settings.mm_verification_min) k,
               lateral (select v_settings.mm_verification_min + (v_amount - v_settings.mm_verification_min + k)
                               % (v_settings.mm_verification_max - v_settings.mm_verification_min + 1) as a) x
         where not exists (select 1 from app_public.mm_verification_amounts l
                            where l.guild_id = v.guild_id and l.amount = x.a and l.released_at is null)
         order by k
         limit 1;
        if v_amount is null then
          perform app_private.raise_error('MM009', 'amounts_exhausted', jsonb_build_object(
            'min', v_settings.mm_verification_min, 'max', v_settings.mm_verification_max));
        end if;
      end if;
      insert into app_public.mm_verification_amounts (guild_id, amount, trade_id, party, created_at)
        values (v.guild_id, v_amount, v.id, v_party, p_at)
        on conflict (guild_id, amount) where released_at is null do nothing;
      exit when found;
    end loop;
    if v_party = 'seller' then
      v.seller_verify_amount := v_amount;
    else
      v.buyer_verify_amount := v_amount;
    end if;
  end loop;

  update app_public.mm_trades t
     set status = 'awaiting_verification', seller_id = v_seller, buyer_id = v_buyer, seller_ign = v_seller_ign,
         buyer_ign = v_buyer_ign, sale_amount = p_sale_amount, fee_bps = v_settings.mm_fee_bps,
         fee_amount = app_private.mm_fee(p_sale_amount, v_settings.mm_fee_bps),
         seller_payout = p_sale_amount - app_private.mm_fee(p_sale_amount, v_settings.mm_fee_bps),
         notes = coalesce(p_notes, ''), seller_verify_amount = v.seller_verify_amount,
         buyer_verify_amount = v.buyer_verify_amount, amounts_drawn_at = p_at
   where t.id = v.id
  returning * into v;
  perform app_private.mm_event(v, 'form_submitted', p_role, v_user.discord_id, jsonb_build_object(
    'seller_ign', v_seller_ign, 'buyer_ign', v_buyer_ign, 'sale_amount', p_sale_amount, 'fee_amount', v.fee_amount,
    'seller_verify_amount', v.seller_verify_amount, 'buyer_verify_amount', v.buyer_verify_amount), null, null, p_at);
  return v;
end;
$$;

comment on function app_private.mm_submit_form_for(bigint, bigint, text, text, text, bigint, text, timestamptz) is
  'Generate Verification Amounts: a party of an open trade (whose counterparty is tagged) submits the form: their role '
  '(seller or buyer), the seller''s and buyer''s IGNs (blank = their linked IGN), the sale in MCD cents and notes. Fixes '
  'the fee (guild mm_fee_bps, half up) and the seller''s payout, and draws two verification amounts in '
  '[mm_verification_min, mm_verification_max] with a CSPRNG, unique among the guild''s live trades (unique index; the guild''s draws are serialised by a '
  'transaction-scoped advisory lock so concurrent forms never deadlock on each other''s amounts). '
  'open -> awaiting_verification. Errors: MM001, MM002 illegal_transition, MM003 not_a_party, MM010 invalid_counterparty '
  '(none tagged), VL001 (role, notes), MC001 invalid_ign, MM011 ign_mismatch (same IGN twice, or linked to another '
  'member), MM004 sale_out_of_range, FZ001, MM009 amounts_exhausted. Source: seed 004 "Trade setup inside private channel", '
  'issue 13 "Verification amounts".';
--! EndIncluded mm/mm_submit_form_for.sql
--! Included mm/mm_submit_form.sql
create or replace function app_public.mm_submit_form(trade_id bigint, role text, seller_ign text, buyer_ign text,
  sale_amount bigint, notes text)
returns app_public.mm_trades
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.mm_submit_form_for(trade_id, (app_private.current_member()).id, role, seller_ign, buyer_ign,
    sale_amount, notes, now());
end;
$$;

comment on function app_public.mm_submit_form(bigint, text, text, text, bigint, text) is
  'The calling member submits their trade''s form (Generate Verification Amounts). A second click finds the trade past '
  'open: MM002. Rules and errors: app_private.mm_submit_form_for; AU001, MB001. Source: seed 004, issue 13.';
--! EndIncluded mm/mm_submit_form.sql
--! Included mm/mm_end_trade.sql
create or replace function app_private.mm_end_trade(p_trade app_public.mm_trades, p_status app_public.mm_status, p_kind text,
  p_actor text, p_actor_discord_id bigint, p_detail jsonb, p_at timestamptz)
returns app_public.mm_trades
language plpgsql
as $$
declare
  v app_public.mm_trades := p_trade;
  v_party text;
  v_hold bigint;
  v_user bigint;
  v_amount bigint;
  v_payout app_public.minecraft_payouts;
  v_returned jsonb := '[]';
begin
  -- The caller holds the trade's lock (mm_lock_trade) and has settled or voided the deposit.
  update app_public.mm_trades t set status = p_status, closed_at = p_at where t.id = v.id returning * into v;
  update app_public.mm_verification_amounts a set released_at = p_at where a.trade_id = v.id and a.released_at is null;
  perform app_private.mm_event(v, p_kind, p_actor, p_actor_discord_id, p_detail, null, null, p_at);
  -- Verification payments go back to whoever paid them: the hold is voided (escrow -> wallet), then paid out in game
  -- by /pay (minecraft_payouts, exactly once). A frozen member's money stays in their MCD wallet for staff.
  foreach v_party in array array['seller', 'buyer'] loop
    v_hold := case v_party when 'seller' then v.seller_verify_hold_id else v.buyer_verify_hold_id end;
    continue when v_hold is null or (select status from app_public.transfers where id = v_hold) <> 'pending';
    v_user := case v_party when 'seller' then v.seller_id else v.buyer_id end;
    v_amount := (select amount from app_public.transfers where id = v_hold);
    perform app_private.void_hold(v_hold, 'mm_verification_returned', null, p_at);
    if not (select frozen from app_public.users where id = v_user) then
      v_payout := app_private.request_payout_for(v_user, v_amount, 'mm:' || v.id || ':verify:' || v_party, p_at);
      v_returned := v_returned || jsonb_build_object('party', v_party, 'amount', v_amount, 'payout_id', v_payout.id);
    end if;
  end loop;
  if jsonb_array_length(v_returned) > 0 then
    perform app_private.mm_event(v, 'payout_queued', 'system', null,
      jsonb_build_object('why', 'verification_returned', 'payouts', v_returned), null, null, p_at);
  end if;
  return v;
end;
$$;

comment on function app_private.mm_end_trade(app_public.mm_trades, app_public.mm_status, text, text, bigint, jsonb, timestamptz) is
  'Closes a locked trade in a final state (completed, cancelled, expired, adjudicated): releases its verification '
  'amounts for other trades, logs the event, and returns each verification payment to whoever paid it (the hold is '
  'voided, then a minecraft_payouts /pay of the same amount, keyed per trade and party so it is queued once). A frozen '
  'member''s returned amount stays in their MCD wallet. Errors: those of request_payout_for (MC003 when the payer '
  'unlinked meanwhile). Source: issue 13 "Verification payments are returned to each party when the trade ends".';
--! EndIncluded mm/mm_end_trade.sql
--! Included mm/mm_match_payment.sql
create or replace function app_private.mm_match_payment(p_payment app_public.minecraft_payments)
returns bigint
language plpgsql
as $$
declare
  v app_public.mm_trades;
  v_party text;
  v_hold bigint;
  v_tx uuid;
  v_matched bigint;
  v_discord bigint;
begin
  -- Called inside record_payment's transaction for a new payment (never a replay or a duplicate delivery). The
  -- payer's member row (when linked) and the guild's MCD external account are locked; a verification amount is
  -- unique among live trades, so at most one trade can expect it.
  if p_payment.user_id is not null and p_payment.status = 'credited' then
    select u.discord_id into v_discord from app_public.users u where u.id = p_payment.user_id;
    -- 1. A verification payment: the payer's IGN is the party's, linked to that party, amount exact.
    for v in
      select t.* from app_public.mm_trades t
       where t.guild_id = p_payment.guild_id and t.status = 'awaiting_verification'
         and ((t.seller_id = p_payment.user_id and lower(t.seller_ign) = lower(p_payment.payer_ign)
               and t.seller_verify_amount = p_payment.amount and t.seller_verified_at is null)
           or (t.buyer_id = p_payment.user_id and lower(t.buyer_ign) = lower(p_payment.payer_ign)
               and t.buyer_verify_amount = p_payment.amount and t.buyer_verified_at is null))
       order by t.id
       limit 1
       for update
    loop
      v_party := case when v.seller_id = p_payment.user_id and v.seller_verify_amount = p_payment.amount
                       and v.seller_verified_at is null then 'seller' else 'buyer' end;
      insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, currency, reason, meta, created_at)
        values (v.guild_id, 'spend', v_discord, p_payment.user_id, p_payment.amount, 'MCD', 'mm_verification',
          jsonb_build_object('trade', v.short_id, 'party', v_party, 'payment_id', p_payment.id), now())
        returning tx_id into v_tx;
      v_hold := app_private.post_transfer(v.guild_id, app_private.mcd_account(v.guild_id, p_payment.user_id, 'wallet'),
        app_private.mcd_account(v.guild_id, p_payment.user_id, 'escrow'), p_payment.amount, 'mm_verification_hold', v_tx,
        'pending', null, 'infinity', now());
      if v_party = 'seller' then
        update app_public.mm_trades t set seller_verified_at = p_payment.seen_at, seller_verify_payment_id = p_payment.id,
               seller_verify_hold_id = v_hold where t.id = v.id returning * into v;
      else
        update app_public.mm_trades t set buyer_verified_at = p_payment.seen_at, buyer_verify_payment_id = p_payment.id,
               buyer_verify_hold_id = v_hold where t.id = v.id returning * into v;
      end if;
      perform app_private.mm_event(v, 'verification_paid', 'listener', v_discord, jsonb_build_object('party', v_party,
        'ign', p_payment.payer_ign, 'amount', p_payment.amount, 'seen_at', p_payment.seen_at, 'source', p_payment.source),
        p_payment.id, p_payment.raw_line, now());
      if v.seller_verified_at is not null and v.buyer_verified_at is not null then
        update app_public.mm_trades t set status = 'awaiting_deposit', verified_at = now() where t.id = v.id returning * into v;
        perform app_private.mm_event(v, 'both_verified', 'system', null, '{}', null, null, now());
      end if;
      return v.id;
    end loop;
    -- 2. The deposit: the buyer's IGN, linked to the buyer, exactly the sale amount; the oldest such trade first.
    for v in
      select t.* from app_public.mm_trades t
       where t.guild_id = p_payment.guild_id and t.status = 'awaiting_deposit' and t.buyer_id = p_payment.user_id
         and lower(t.buyer_ign) = lower(p_payment.payer_ign) and t.sale_amount = p_payment.amount
       order by t.id
       limit 1
       for update
    loop
      insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, currency, reason, meta, created_at)
        values (v.guild_id, 'spend', v_discord, p_payment.user_id, p_payment.amount, 'MCD', 'mm_deposit',
          jsonb_build_object('trade', v.short_id, 'payment_id', p_payment.id), now())
        returning tx_id into v_tx;
      -- Never released automatically: only the buyer''s confirmation or an adjudication resolves the hold.
      v_hold := app_private.post_transfer(v.guild_id, app_private.mcd_account(v.guild_id, p_payment.user_id, 'wallet'),
        app_private.mcd_account(v.guild_id, p_payment.user_id, 'escrow'), p_payment.amount, 'mm_deposit', v_tx,
        'pending', null, 'infinity', now());
      update app_public.mm_trades t set status = 'in_escrow', deposit_hold_id = v_hold, deposit_payment_id = p_payment.id,
             deposit_amount = p_payment.amount, deposited_at = p_payment.seen_at
       where t.id = v.id returning * into v;
      perform app_private.mm_event(v, 'deposit_paid', 'listener', v_discord, jsonb_build_object('ign', p_payment.payer_ign,
        'amount', p_payment.amount, 'seen_at', p_payment.seen_at, 'source', p_payment.source), p_payment.id,
        p_payment.raw_line, now());
      return v.id;
    end loop;
  end if;
  -- 3. No match: a payment from an IGN a live trade expects is still posted in that ticket (wrong amount, or an IGN not
  --    linked yet: matched once its owner links it, see mm_claim_unmatched).
  for v in
    select t.* from app_public.mm_trades t
     where t.guild_id = p_payment.guild_id and t.status in ('awaiting_verification', 'awaiting_deposit')
       and (lower(t.seller_ign) = lower(p_payment.payer_ign) or lower(t.buyer_ign) = lower(p_payment.payer_ign))
     order by t.id
  loop
    perform app_private.mm_event(v, 'payment_unmatched', 'listener', null, jsonb_build_object(
      'ign', p_payment.payer_ign, 'amount', p_payment.amount, 'seen_at', p_payment.seen_at,
      'why', case when p_payment.user_id is null then 'ign_not_linked'
                  when p_payment.user_id not in (v.seller_id, v.buyer_id) then 'ign_of_another_member'
                  else 'amount_not_expected' end), p_payment.id, p_payment.raw_line, now());
  end loop;
  return null;
end;
$$;

comment on function app_private.mm_match_payment(app_public.minecraft_payments) is
  'Matching, inside record_payment''s transaction: a new credited payment counts for a trade only when the payer IGN is '
  'the expected party''s (case-insensitive) and linked to that party, and the amount equals the expected amount exactly '
  '(cents). A verification payment is held in the payer''s MCD escrow (pending, returned when the trade ends); both paid '
  '-> awaiting_deposit. The deposit (the sale, from the buyer) becomes the trade''s escrow hold -> in_escrow. The first '
  'matching payment wins; a replay or a second delivery of the same payment never reaches this function. An unmatched '
  'payment from an IGN a live trade expects is logged on that trade (payment_unmatched: not linked, another member, '
  'wrong amount). Returns the matched trade id or null. Errors: none of its own. Source: seed 004 "In-game detection & '
  'matching", issue 13 "Matching".';
--! EndIncluded mm/mm_match_payment.sql
--! Included mm/mm_match_link.sql
create or replace function app_private.mm_match_link(p_guild_id bigint, p_ign text, p_amount bigint, p_payment_seen_at timestamptz)
returns bigint
language plpgsql
as $$
declare
  r app_public.mm_link_requests;
begin
  -- Only for an IGN nobody links yet (the caller checked); link amounts are 0.01 .. 0.99, verification amounts >= 1.00.
  if p_amount not between 1 and 99 then
    return null;
  end if;
  select * into r from app_public.mm_link_requests
   where guild_id = p_guild_id and amount = p_amount and status = 'pending' and expires_at > p_payment_seen_at
   for update;
  if r.id is null then
    return null;
  end if;
  perform 1 from app_private.lock_members(array[r.user_id]);
  perform app_private.link_ign(p_guild_id, r.user_id, p_ign);
  update app_public.mm_link_requests set status = 'linked', ign = p_ign, resolved_at = now() where id = r.id;
  return r.user_id;
end;
$$;

comment on function app_private.mm_match_link(bigint, text, bigint, timestamptz) is
  'Link Minecraft by a tiny payment: when an unlinked IGN pays exactly the amount of a pending, unexpired link request, '
  'links that IGN to the requesting member (link_ign: one member per IGN per guild) and returns the member; else null. '
  'Called by record_payment_for before it credits the payment, so the payment itself goes to the new owner''s wallet. '
  'Errors: those of link_ign. Source: seed 004 "Account linking", issue 13 "Account linking by a tiny payment".';
--! EndIncluded mm/mm_match_link.sql
--! Included mm/mm_claim_unmatched.sql
create or replace function app_private.mm_claim_unmatched(p_guild_id bigint, p_user_id bigint, p_ign text)
returns integer
language plpgsql
as $$
declare
  p app_public.minecraft_payments;
  v_tx uuid;
  n integer := 0;
begin
  -- Payments from this IGN that arrived before it was linked and that a live trade of this member expected (logged
  -- as payment_unmatched on it): they become the member's and go through the matching now, oldest first.
  perform 1 from app_private.lock_members(array[p_user_id]);
  for p in
    select m.* from app_public.minecraft_payments m
     where m.guild_id = p_guild_id and m.status = 'unmatched' and lower(m.payer_ign) = lower(p_ign)
       and exists (select 1 from app_public.mm_events e join app_public.mm_trades t on t.id = e.trade_id
                    where e.payment_id = m.id and e.kind = 'payment_unmatched' and t.closed_at is null
                      and ((t.seller_id = p_user_id and lower(t.seller_ign) = lower(p_ign))
                        or (t.buyer_id = p_user_id and lower(t.buyer_ign) = lower(p_ign))))
     order by m.seen_at, m.id
     for update of m
  loop
    insert into app_public.transactions (guild_id, type, user_id, amount, currency, reason, meta, created_at)
      values (p_guild_id, 'earn', p_user_id, p.amount, 'MCD', 'minecraft_payment_linked',
        jsonb_build_object('payment_id', p.id, 'payer_ign', p.payer_ign), now())
      returning tx_id into v_tx;
    perform app_private.post_transfer(p_guild_id, app_private.mcd_account(p_guild_id, null, 'treasury'),
      app_private.mcd_account(p_guild_id, p_user_id, 'wallet'), p.amount, 'minecraft_payment', v_tx);
    update app_public.minecraft_payments m set status = 'credited', user_id = p_user_id where m.id = p.id returning * into p;
    perform app_private.mm_match_payment(p);
    n := n + 1;
  end loop;
  return n;
end;
$$;

comment on function app_private.mm_claim_unmatched(bigint, bigint, text) is
  'When a member links an IGN: the unmatched payments from it that one of their live trades expected (posted in that '
  'ticket as payment_unmatched) move from the guild''s MCD treasury to their MCD wallet and are matched now (a payment '
  'from an unlinked IGN is matched only after the member links). Returns how many. Errors: none of its own. Source: seed '
  '004 "If an unlinked mc username pays the bot", issue 13 "Matching".';
--! EndIncluded mm/mm_claim_unmatched.sql
--! Included mm/mm_cancel_for.sql
create or replace function app_private.mm_cancel_for(p_guild_id bigint, p_trade_id bigint, p_actor_discord_id bigint,
  p_staff boolean, p_reason text, p_at timestamptz default now())
returns app_public.mm_trades
language plpgsql
as $$
declare
  v app_public.mm_trades;
  v_actor text;
begin
  if length(coalesce(p_reason, '')) > 500 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'reason', 'max', 500));
  end if;
  v := app_private.mm_lock_trade(p_guild_id, p_trade_id);
  v_actor := app_private.mm_party(v, (select u.id from app_public.users u where u.guild_id = p_guild_id
                                                                        and u.discord_id = p_actor_discord_id));
  if v_actor is null and p_staff then
    v_actor := 'staff';
  end if;
  if v_actor is null then
    perform app_private.raise_error('MM003', 'not_a_party', jsonb_build_object('trade', v.short_id));
  end if;
  if v.status not in ('open', 'awaiting_verification', 'awaiting_deposit') then
    perform app_private.raise_error('MM002', 'illegal_transition',
      jsonb_build_object('trade', v.short_id, 'status', v.status, 'action', 'cancel'));
  end if;
  return app_private.mm_end_trade(v, 'cancelled', 'cancelled', v_actor, p_actor_discord_id,
    jsonb_build_object('reason', coalesce(p_reason, '')), p_at);
end;
$$;

comment on function app_private.mm_cancel_for(bigint, bigint, bigint, boolean, text, timestamptz) is
  'Cancel Trade: before the deposit (open, awaiting_verification, awaiting_deposit) either party or staff cancels; '
  'verification payments already made are returned (mm_end_trade). After the deposit only the buyer''s confirmation '
  'or an adjudication ends a trade ("no refund by chat"). Errors: MM001, MM002 illegal_transition, MM003 not_a_party, '
  'VL001 (reason over 500). Source: seed 004 "Cancel Trade", "Disallow refund by buyer ... unless admins adjudicate", issue 13.';
--! EndIncluded mm/mm_cancel_for.sql
--! Included mm/mm_cancel_trade.sql
create or replace function app_public.mm_cancel_trade(trade_id bigint, reason text) returns app_public.mm_trades
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  if app_public.current_staff_role() is not null then
    perform app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR', 'SUPPORT']::app_public.staff_role[]);
    return app_private.mm_cancel_for(app_public.current_guild_id(), trade_id, app_public.current_discord_id(), true,
      reason, now());
  end if;
  return app_private.mm_cancel_for(app_public.current_guild_id(), trade_id, (app_private.current_member()).discord_id,
    false, reason, now());
end;
$$;

comment on function app_public.mm_cancel_trade(bigint, text) is
  'Cancel Trade for the calling party, or for staff (SUPPORT and above). Rules and errors: app_private.mm_cancel_for; '
  'AU001, MB001, PD001 (AUDITOR). Source: seed 004, issue 13.';
--! EndIncluded mm/mm_cancel_trade.sql
--! Included mm/mm_confirm_delivery_for.sql
create or replace function app_private.mm_confirm_delivery_for(p_guild_id bigint, p_trade_id bigint, p_user_id bigint,
  p_at timestamptz default now())
returns app_public.mm_trades
language plpgsql
as $$
declare
  v app_public.mm_trades;
  v_legs jsonb := '[]';
  v_tx uuid;
  v_payout app_public.minecraft_payouts;
begin
  v := app_private.mm_lock_trade(p_guild_id, p_trade_id);
  if app_private.mm_party(v, p_user_id) is null then
    perform app_private.raise_error('MM003', 'not_a_party', jsonb_build_object('trade', v.short_id));
  end if;
  if v.status <> 'in_escrow' then
    perform app_private.raise_error('MM002', 'illegal_transition',
      jsonb_build_object('trade', v.short_id, 'status', v.status, 'action', 'confirm_delivery'));
  end if;
  if p_user_id <> v.buyer_id then
    perform app_private.raise_error('MM012', 'buyer_only', jsonb_build_object('trade', v.short_id));
  end if;
  insert into app_public.transactions (guild_id, type, actor_id, user_id, counterparty_id, amount, currency, reason, meta, created_at)
    values (v.guild_id, 'spend', (select discord_id from app_public.users where id = p_user_id), v.buyer_id, v.seller_id,
      v.sale_amount, 'MCD', 'mm_completed', jsonb_build_object('trade', v.short_id, 'fee', v.fee_amount,
      'seller_payout', v.seller_payout), p_at)
    returning tx_id into v_tx;
  -- The escrow hold is paid out in full: the fee to the guild's MCD fee account, the rest to the seller's MCD wallet,
  -- and from there to the seller's IGN by /pay (a minecraft_payouts row: exactly once).
  if v.fee_amount > 0 then
    v_legs := v_legs || jsonb_build_object('account_id', app_private.mcd_account(v.guild_id, null, 'fees'),
      'amount', v.fee_amount, 'reason', 'mm_fee');
  end if;
  if v.seller_payout > 0 then
    v_legs := v_legs || jsonb_build_object('account_id', app_private.mcd_account(v.guild_id, v.seller_id, 'wallet'),
      'amount', v.seller_payout, 'reason', 'mm_seller_payout');
  end if;
  perform app_private.settle_hold(v.deposit_hold_id, v_legs, v_tx, p_at);
  v := app_private.mm_end_trade(v, 'completed', 'completed', 'buyer', (select discord_id from app_public.users where id = p_user_id),
    jsonb_build_object('sale_amount', v.sale_amount, 'fee_amount', v.fee_amount, 'seller_payout', v.seller_payout), p_at);
  if v.seller_payout > 0 and not (select frozen from app_public.users where id = v.seller_id) then
    v_payout := app_private.request_payout_for(v.seller_id, v.seller_payout, 'mm:' || v.id || ':payout:seller', p_at);
    perform app_private.mm_event(v, 'payout_queued', 'system', null, jsonb_build_object('why', 'seller_payout',
      'party', 'seller', 'amount', v.seller_payout, 'payout_id', v_payout.id), null, null, p_at);
  end if;
  return v;
end;
$$;

comment on function app_private.mm_confirm_delivery_for(bigint, bigint, bigint, timestamptz) is
  'Confirm Delivery: the buyer of a trade in escrow releases it: in_escrow -> completed. The deposit hold is settled: '
  'fee (fee_bps of the sale, half up) to the guild''s MCD fee account, sale - fee to the seller''s MCD wallet, then a '
  '/pay of that payout to the seller''s IGN (minecraft_payouts, exactly once); verification payments are returned. '
  'Errors: MM001, MM002 illegal_transition, MM003 not_a_party, MM012 buyer_only (the seller cannot release). '
  'Source: seed 004 "Completion flow", issue 13 "Money".';
--! EndIncluded mm/mm_confirm_delivery_for.sql
--! Included mm/mm_confirm_delivery.sql
create or replace function app_public.mm_confirm_delivery(trade_id bigint) returns app_public.mm_trades
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.mm_confirm_delivery_for(app_public.current_guild_id(), trade_id, (app_private.current_member()).id, now());
end;
$$;

comment on function app_public.mm_confirm_delivery(bigint) is
  'Confirm Delivery for the calling member (the buyer). A double click finds the trade completed: MM002. Rules and '
  'errors: app_private.mm_confirm_delivery_for; AU001, MB001. Source: seed 004, issue 13.';
--! EndIncluded mm/mm_confirm_delivery.sql
--! Included mm/mm_mark_scammed_for.sql
create or replace function app_private.mm_mark_scammed_for(p_guild_id bigint, p_trade_id bigint, p_user_id bigint, p_reason text,
  p_at timestamptz default now())
returns app_public.mm_trades
language plpgsql
as $$
declare
  v app_public.mm_trades;
  v_party text;
  v_discord bigint := (select discord_id from app_public.users where id = p_user_id);
  v_limit integer;
  v_today integer;
begin
  if length(coalesce(p_reason, '')) > 1000 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'reason', 'max', 1000));
  end if;
  v := app_private.mm_lock_trade(p_guild_id, p_trade_id);
  v_party := app_private.mm_party(v, p_user_id);
  if v_party is null then
    perform app_private.raise_error('MM003', 'not_a_party', jsonb_build_object('trade', v.short_id));
  end if;
  if v.status not in ('awaiting_verification', 'awaiting_deposit', 'in_escrow', 'dispute_open') then
    perform app_private.raise_error('MM002', 'illegal_transition',
      jsonb_build_object('trade', v.short_id, 'status', v.status, 'action', 'mark_scammed'));
  end if;
  if (v_party = 'seller' and v.seller_flagged_at is not null) or (v_party = 'buyer' and v.buyer_flagged_at is not null) then
    perform app_private.raise_error('MM008', 'already_flagged', jsonb_build_object('trade', v.short_id));
  end if;
  select mm_scam_daily_limit into v_limit from app_public.guild_settings where guild_id = p_guild_id;
  select count(*) into v_today from app_public.mm_events e
   where e.kind = 'disputed' and e.actor_discord_id = v_discord and e.guild_id = p_guild_id
     and e.created_at > p_at - interval '24 hours';
  if v_today >= v_limit then
    perform app_private.raise_error('MM007', 'scam_flag_limit', jsonb_build_object('limit', v_limit));
  end if;
  update app_public.mm_trades t
     set status = 'dispute_open', disputed_at = coalesce(t.disputed_at, p_at), frozen_at = coalesce(t.frozen_at, p_at),
         frozen_by = coalesce(t.frozen_by, v_discord),
         seller_flagged_at = case when v_party = 'seller' then p_at else t.seller_flagged_at end,
         buyer_flagged_at = case when v_party = 'buyer' then p_at else t.buyer_flagged_at end
   where t.id = v.id
  returning * into v;
  perform app_private.mm_event(v, 'disputed', v_party, v_discord, jsonb_build_object('reason', coalesce(p_reason, '')),
    null, null, p_at);
  return v;
end;
$$;

comment on function app_private.mm_mark_scammed_for(bigint, bigint, bigint, text, timestamptz) is
  'Mark as Scammed: a party of a trade past the form (awaiting_verification, awaiting_deposit, in_escrow) opens a '
  'dispute: -> dispute_open, funds frozen (nothing is released until an ADMIN adjudicates). The other party may flag '
  'the open dispute too. Limits: once per trade per party (MM008 already_flagged), mm_scam_daily_limit (3) flags per '
  'member per rolling 24 h (MM007 scam_flag_limit). Errors: MM001, MM002 illegal_transition, MM003 not_a_party, VL001. '
  'Source: seed 004 "Mark as Scammed / Support escalation", "rate-limit Mark as Scammed", issue 13 "Limits in SQL".';
--! EndIncluded mm/mm_mark_scammed_for.sql
--! Included mm/mm_mark_scammed.sql
create or replace function app_public.mm_mark_scammed(trade_id bigint, reason text) returns app_public.mm_trades
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.mm_mark_scammed_for(app_public.current_guild_id(), trade_id, (app_private.current_member()).id, reason, now());
end;
$$;

comment on function app_public.mm_mark_scammed(bigint, text) is
  'Mark as Scammed for the calling party. Rules and errors: app_private.mm_mark_scammed_for; AU001, MB001. '
  'Source: seed 004, issue 13.';
--! EndIncluded mm/mm_mark_scammed.sql
--! Included mm/mm_attach_evidence.sql
create or replace function app_public.mm_attach_evidence(trade_id bigint, url text, note text) returns app_public.mm_events
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_public.mm_trades;
  v_actor text;
begin
  if app_public.current_guild_id() is null or app_public.current_discord_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  if (url is null or url = '') and (note is null or btrim(note) = '') then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'evidence'));
  end if;
  if url is not null and url <> '' and (url !~ '^https://[^\s]+$' or length(url) > 500) then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'url'));
  end if;
  if length(coalesce(note, '')) > 1000 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'note', 'max', 1000));
  end if;
  v := app_private.mm_lock_trade(app_public.current_guild_id(), trade_id);
  v_actor := app_private.mm_party(v, (select u.id from app_public.users u where u.guild_id = v.guild_id
                                                                       and u.discord_id = app_public.current_discord_id()));
  if v_actor is null and app_public.current_staff_role() is not null then
    v_actor := 'staff';
  end if;
  if v_actor is null then
    perform app_private.raise_error('MM003', 'not_a_party', jsonb_build_object('trade', v.short_id));
  end if;
  if v.closed_at is not null then
    perform app_private.raise_error('MM002', 'illegal_transition',
      jsonb_build_object('trade', v.short_id, 'status', v.status, 'action', 'attach_evidence'));
  end if;
  return app_private.mm_event(v, 'evidence', v_actor, app_public.current_discord_id(),
    jsonb_build_object('url', nullif(url, ''), 'note', coalesce(note, '')), null, null, now());
end;
$$;

comment on function app_public.mm_attach_evidence(bigint, text, text) is
  'Attach Evidence: a party (or staff) adds an https link (a Discord attachment, a screenshot) and/or a note to a live '
  'trade''s trail. Errors: AU001, VL001 (nothing given, not https, too long), MM001, MM002 (trade closed), MM003 '
  'not_a_party. Source: seed 004 "Attach Evidence", issue 13.';
--! EndIncluded mm/mm_attach_evidence.sql
--! Included mm/mm_freeze.sql
create or replace function app_public.mm_freeze(trade_id bigint, reason text) returns app_public.mm_trades
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR', 'SUPPORT']::app_public.staff_role[]);
  v app_public.mm_trades;
begin
  if reason is null or length(btrim(reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  v := app_private.mm_lock_trade(app_public.current_guild_id(), trade_id);
  if v.status not in ('awaiting_verification', 'awaiting_deposit', 'in_escrow') then
    perform app_private.raise_error('MM002', 'illegal_transition',
      jsonb_build_object('trade', v.short_id, 'status', v.status, 'action', 'freeze'));
  end if;
  update app_public.mm_trades t set status = 'dispute_open', disputed_at = now(), frozen_at = now(),
         frozen_by = app_public.current_discord_id()
   where t.id = v.id returning * into v;
  perform app_private.mm_event(v, 'frozen', 'staff', app_public.current_discord_id(),
    jsonb_build_object('reason', left(reason, 500), 'role', v_role), null, null, now());
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v.guild_id, app_public.current_discord_id(), v_role, 'mm_freeze', 'mm_trade', v.short_id,
      jsonb_build_object('status', 'live'), jsonb_build_object('status', v.status), left(reason, 500));
  return v;
end;
$$;

comment on function app_public.mm_freeze(bigint, text) is
  'Staff (SUPPORT and above) freeze a live trade past the form: -> dispute_open, nothing is released until an ADMIN '
  'adjudicates; audited. A trade already in dispute is frozen: MM002. Errors: AU001, PD001, RS001 reason_required, '
  'MM001, MM002 illegal_transition. Source: seed 004 "/mm freeze", "Freeze Funds"; issue 13 ("SUPPORT may freeze").';
--! EndIncluded mm/mm_freeze.sql
--! Included mm/mm_request_evidence.sql
create or replace function app_public.mm_request_evidence(trade_id bigint, note text) returns app_public.mm_events
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR', 'SUPPORT']::app_public.staff_role[]);
  v app_public.mm_trades;
begin
  if length(coalesce(note, '')) > 1000 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'note', 'max', 1000));
  end if;
  v := app_private.mm_lock_trade(app_public.current_guild_id(), trade_id);
  if v.closed_at is not null then
    perform app_private.raise_error('MM002', 'illegal_transition',
      jsonb_build_object('trade', v.short_id, 'status', v.status, 'action', 'request_evidence'));
  end if;
  return app_private.mm_event(v, 'evidence_requested', 'staff', app_public.current_discord_id(),
    jsonb_build_object('note', coalesce(note, ''), 'role', v_role), null, null, now());
end;
$$;

comment on function app_public.mm_request_evidence(bigint, text) is
  'Request Evidence: staff (SUPPORT and above) ask the parties of a live trade for evidence (posted in the ticket). '
  'Errors: AU001, PD001, VL001, MM001, MM002 (trade closed). Source: seed 004 staff buttons, issue 13.';
--! EndIncluded mm/mm_request_evidence.sql
--! Included mm/mm_adjudicate_for.sql
create or replace function app_private.mm_adjudicate_for(p_guild_id bigint, p_trade_id bigint, p_actor_discord_id bigint,
  p_actor_role app_public.staff_role, p_decision text, p_buyer_amount bigint, p_reason text, p_at timestamptz default now())
returns app_public.mm_trades
language plpgsql
as $$
declare
  v app_public.mm_trades;
  v_buyer_amount bigint;
  v_seller_share bigint;
  v_fee bigint;
  v_legs jsonb := '[]';
  v_tx uuid;
  v_payout app_public.minecraft_payouts;
  v_outcome jsonb;
  v_party text;
  v_amount bigint;
begin
  if p_reason is null or length(btrim(p_reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  if length(p_reason) > 500 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'reason', 'max', 500));
  end if;
  if p_decision is null or p_decision not in ('buyer', 'seller', 'split') then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'decision'));
  end if;
  v := app_private.mm_lock_trade(p_guild_id, p_trade_id);
  if p_actor_discord_id in (select u.discord_id from app_public.users u
                             where u.id in (v.starter_id, v.counterparty_id, v.seller_id, v.buyer_id)) then
    perform app_private.raise_error('PD002', 'self_action_forbidden');
  end if;
  if v.status <> 'dispute_open' then
    perform app_private.raise_error('MM002', 'illegal_transition',
      jsonb_build_object('trade', v.short_id, 'status', v.status, 'action', 'adjudicate'));
  end if;
  -- What the deposit becomes: all to the buyer (no fee), all to the seller (as a completion: fee on the sale), or a
  -- split (buyer_amount back to the buyer, the rest to the seller, the fee charged on the seller's share only).
  if v.deposit_hold_id is null then
    if p_decision = 'split' and p_buyer_amount is not null then
      perform app_private.raise_error('MM013', 'invalid_split', jsonb_build_object('why', 'no_deposit'));
    end if;
    v_buyer_amount := 0; v_seller_share := 0; v_fee := 0;
  else
    v_buyer_amount := case p_decision when 'buyer' then v.deposit_amount when 'seller' then 0 else p_buyer_amount end;
    if p_decision = 'split' and (p_buyer_amount is null or p_buyer_amount <= 0 or p_buyer_amount >= v.deposit_amount) then
      perform app_private.raise_error('MM013', 'invalid_split', jsonb_build_object('buyer_amount', p_buyer_amount,
        'deposit', v.deposit_amount));
    end if;
    v_seller_share := v.deposit_amount - v_buyer_amount;
    v_fee := app_private.mm_fee(v_seller_share, v.fee_bps);
    insert into app_public.transactions (guild_id, type, actor_id, user_id, counterparty_id, amount, currency, reason, meta, created_at)
      values (v.guild_id, 'spend', p_actor_discord_id, v.buyer_id, v.seller_id, v.deposit_amount, 'MCD', 'mm_adjudicated',
        jsonb_build_object('trade', v.short_id, 'decision', p_decision, 'buyer_amount', v_buyer_amount,
          'seller_amount', v_seller_share - v_fee, 'fee', v_fee, 'why', p_reason), p_at)
      returning tx_id into v_tx;
    if v_buyer_amount = v.deposit_amount then
      perform app_private.void_hold(v.deposit_hold_id, 'mm_adjudicated_buyer', v_tx, p_at);
    else
      if v_buyer_amount > 0 then
        v_legs := v_legs || jsonb_build_object('account_id', app_private.mcd_account(v.guild_id, v.buyer_id, 'wallet'),
          'amount', v_buyer_amount, 'reason', 'mm_adjudicated_buyer');
      end if;
      if v_fee > 0 then
        v_legs := v_legs || jsonb_build_object('account_id', app_private.mcd_account(v.guild_id, null, 'fees'),
          'amount', v_fee, 'reason', 'mm_fee');
      end if;
      if v_seller_share - v_fee > 0 then
        v_legs := v_legs || jsonb_build_object('account_id', app_private.mcd_account(v.guild_id, v.seller_id, 'wallet'),
          'amount', v_seller_share - v_fee, 'reason', 'mm_adjudicated_seller');
      end if;
      perform app_private.settle_hold(v.deposit_hold_id, v_legs, v_tx, p_at);
    end if;
  end if;
  v_outcome := jsonb_build_object('decision', p_decision, 'buyer_amount', v_buyer_amount,
    'seller_amount', v_seller_share - v_fee, 'fee', v_fee, 'reason', p_reason, 'by', p_actor_discord_id::text,
    'role', p_actor_role);
  update app_public.mm_trades t set outcome = v_outcome where t.id = v.id returning * into v;
  v := app_private.mm_end_trade(v, 'adjudicated', 'adjudicated', 'staff', p_actor_discord_id, v_outcome, p_at);
  foreach v_party in array array['buyer', 'seller'] loop
    v_amount := case v_party when 'buyer' then v_buyer_amount else v_seller_share - v_fee end;
    continue when v_amount <= 0
      or (select frozen from app_public.users where id = case v_party when 'buyer' then v.buyer_id else v.seller_id end);
    v_payout := app_private.request_payout_for(case v_party when 'buyer' then v.buyer_id else v.seller_id end, v_amount,
      'mm:' || v.id || ':payout:' || v_party, p_at);
    perform app_private.mm_event(v, 'payout_queued', 'system', null, jsonb_build_object('why', 'adjudication',
      'party', v_party, 'amount', v_amount, 'payout_id', v_payout.id), null, null, p_at);
  end loop;
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v.guild_id, p_actor_discord_id, p_actor_role, 'mm_adjudicate', 'mm_trade', v.short_id,
      jsonb_build_object('status', 'dispute_open', 'deposit', v.deposit_amount), v_outcome, p_reason);
  return v;
end;
$$;

comment on function app_private.mm_adjudicate_for(bigint, bigint, bigint, app_public.staff_role, text, bigint, text, timestamptz) is
  'Adjudication of a disputed trade (dispute_open -> adjudicated) by a staff member who is not a party: give buyer (the '
  'deposit hold is voided back to the buyer, no fee), give seller (settled as a completion: fee to the guild, the rest '
  'to the seller) or split (p_buyer_amount, 0 < it < deposit, to the buyer; the rest to the seller, the fee charged on '
  'the seller''s share, half up). Each party''s share is paid out by /pay (minecraft_payouts), verification payments '
  'are returned, the decision and reason are audited (admin_actions, mm_events). Without a deposit the decision only '
  'closes the trade. Errors: RS001 reason_required, VL001 (decision, reason), MM001, PD002 self_action_forbidden (a '
  'party cannot judge their own trade), MM002 illegal_transition, MM013 invalid_split. Source: seed 004 "Adjudicate -> '
  'Give Buyer | Give Seller | Split", issue 13.';
--! EndIncluded mm/mm_adjudicate_for.sql
--! Included mm/mm_adjudicate.sql
create or replace function app_public.mm_adjudicate(trade_id bigint, decision text, buyer_amount bigint, reason text)
returns app_public.mm_trades
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN']::app_public.staff_role[]);
begin
  return app_private.mm_adjudicate_for(app_public.current_guild_id(), trade_id, app_public.current_discord_id(), v_role,
    decision, buyer_amount, reason, now());
end;
$$;

comment on function app_public.mm_adjudicate(bigint, text, bigint, text) is
  '/mm adjudicate and the staff thread''s Adjudicate buttons: ADMIN and above (the bot maps Discord''s Administrator '
  'permission to ADMIN). decision: buyer | seller | split (buyer_amount in MCD cents for a split). Rules and errors: '
  'app_private.mm_adjudicate_for; AU001, PD001 (below ADMIN). Source: seed 004, issue 13.';
--! EndIncluded mm/mm_adjudicate.sql
--! Included mm/mm_expire_trades.sql
create or replace function app_hidden.mm_expire_trades(p_at timestamptz) returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_id bigint;
  v app_public.mm_trades;
  s app_public.guild_settings;
  n integer := 0;
begin
  for v_id in
    select t.id from app_public.mm_trades t join app_public.guild_settings g on g.guild_id = t.guild_id
     where t.closed_at is null
       and ((t.status = 'open' and t.created_at + make_interval(secs => g.mm_verify_timeout_s) <= p_at)
         or (t.status = 'awaiting_verification' and t.amounts_drawn_at + make_interval(secs => g.mm_verify_timeout_s) <= p_at)
         or (t.status = 'awaiting_deposit' and t.verified_at + make_interval(secs => g.mm_deposit_timeout_s) <= p_at)
         or (t.status = 'in_escrow' and coalesce(t.reminded_at, t.deposited_at) + make_interval(secs => g.mm_confirm_remind_s) <= p_at))
     order by t.id
  loop
    -- Each trade in its own sub-transaction: one that cannot be closed (e.g. a payout refused) does not hold up others.
    begin
      select * into v from app_public.mm_trades where id = v_id;
      v := app_private.mm_lock_trade(v.guild_id, v_id);
      select * into s from app_public.guild_settings where guild_id = v.guild_id;
      if (v.status = 'open' and v.created_at + make_interval(secs => s.mm_verify_timeout_s) <= p_at)
         or (v.status = 'awaiting_verification' and v.amounts_drawn_at + make_interval(secs => s.mm_verify_timeout_s) <= p_at) then
        perform app_private.mm_end_trade(v, 'expired', 'expired', 'system', null,
          jsonb_build_object('why', 'verification_timeout', 'timeout_s', s.mm_verify_timeout_s), p_at);
        n := n + 1;
      elsif v.status = 'awaiting_deposit' and v.verified_at + make_interval(secs => s.mm_deposit_timeout_s) <= p_at then
        perform app_private.mm_end_trade(v, 'expired', 'expired', 'system', null,
          jsonb_build_object('why', 'deposit_timeout', 'timeout_s', s.mm_deposit_timeout_s), p_at);
        n := n + 1;
      elsif v.status = 'in_escrow'
            and coalesce(v.reminded_at, v.deposited_at) + make_interval(secs => s.mm_confirm_remind_s) <= p_at then
        -- Never an automatic release: a reminder in the ticket and a staff ping, again every mm_confirm_remind_s.
        update app_public.mm_trades t set reminded_at = p_at where t.id = v.id returning * into v;
        perform app_private.mm_event(v, 'reminder', 'system', null,
          jsonb_build_object('why', 'confirm_delivery', 'since', v.deposited_at), null, null, p_at);
        n := n + 1;
      end if;
    exception when sqlstate 'MC003' or sqlstate 'LG002' then
      raise warning 'mm_expire_trades: trade % not closed: %', v_id, sqlerrm;
    end;
  end loop;
  return n;
end;
$$;

comment on function app_hidden.mm_expire_trades(timestamptz) is
  'The mm__expire cron body (coins_worker, every minute): an open trade or one awaiting verification past '
  'mm_verify_timeout_s (2 h) since it opened / its amounts were drawn -> expired; awaiting the deposit past '
  'mm_deposit_timeout_s (24 h) since both verified -> expired; verification payments returned (mm_end_trade). In escrow '
  'without confirmation for mm_confirm_remind_s (48 h): a reminder event (ticket post and staff ping), repeated every '
  'period, never an automatic release. Re-checks each trade under its lock; returns how many it changed. Errors: none '
  '(a trade that cannot be closed is skipped with a warning). Source: issue 13 "Timeouts".';
--! EndIncluded mm/mm_expire_trades.sql
--! Included mm/mm_request_link_for.sql
create or replace function app_private.mm_request_link_for(p_user_id bigint, p_at timestamptz default now())
returns app_public.mm_link_requests
language plpgsql
as $$
declare
  v_user app_public.users;
  v_timeout integer;
  v app_public.mm_link_requests;
  v_tries integer := 0;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  select mm_link_timeout_s into v_timeout from app_public.guild_settings where guild_id = v_user.guild_id;
  -- A new request replaces the member's pending one; expired ones free their amount.
  update app_public.mm_link_requests r set status = case when r.expires_at <= p_at then 'expired' else 'replaced' end,
         resolved_at = p_at
   where r.guild_id = v_user.guild_id and r.status = 'pending' and (r.user_id = p_user_id or r.expires_at <= p_at);
  loop
    v_tries := v_tries + 1;
    if v_tries > 50 then
      perform app_private.raise_error('MM009', 'amounts_exhausted', jsonb_build_object('min', 1, 'max', 99));
    end if;
    insert into app_public.mm_link_requests (guild_id, user_id, amount, expires_at, created_at)
      values (v_user.guild_id, p_user_id, app_private.mm_draw_amount(1, 99), p_at + make_interval(secs => v_timeout), p_at)
      on conflict (guild_id, amount) where status = 'pending' do nothing
      returning * into v;
    exit when v.id is not null;
  end loop;
  return v;
end;
$$;

comment on function app_private.mm_request_link_for(bigint, timestamptz) is
  'Link Minecraft: gives the member a unique small amount (0.01 .. 0.99 MCD, CSPRNG, unique among the guild''s pending '
  'requests by a unique index) to pay the bot from their IGN within mm_link_timeout_s (30 min); the payment links that '
  'IGN (record_payment_for, mm_match_link). A new request replaces the pending one. Errors: FZ001, MM009 '
  'amounts_exhausted (99 pending requests). Source: seed 004 "Account linking", issue 13.';
--! EndIncluded mm/mm_request_link_for.sql
--! Included mm/mm_request_link.sql
create or replace function app_public.mm_request_link() returns app_public.mm_link_requests
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.mm_request_link_for((app_private.current_member()).id, now());
end;
$$;

comment on function app_public.mm_request_link() is
  'Link Minecraft / /link for the calling member. Rules and errors: app_private.mm_request_link_for; AU001, MB001. '
  'Source: seed 004, issue 13.';
--! EndIncluded mm/mm_request_link.sql
--! Included mm/mm_set_discord.sql
create or replace function app_public.mm_set_discord(setting text, value bigint, reason text) returns app_public.mm_discord
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN']::app_public.staff_role[]);
  v_before jsonb;
  v app_public.mm_discord;
begin
  if reason is null or length(btrim(reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  if setting is null or setting not in ('public_channel', 'log_channel', 'staff_channel', 'support_role',
      'ticket_category', 'archive_delay_s') then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'setting'));
  end if;
  if value is null or value < 0 or (setting = 'archive_delay_s' and value > 604800)
     or (setting <> 'archive_delay_s' and value = 0) then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'value'));
  end if;
  insert into app_public.mm_discord (guild_id) values (app_public.current_guild_id()) on conflict do nothing;
  select to_jsonb(d) into v_before from app_public.mm_discord d where d.guild_id = app_public.current_guild_id() for update;
  update app_public.mm_discord d
     set public_channel_id = case when setting = 'public_channel' then value else d.public_channel_id end,
         log_channel_id = case when setting = 'log_channel' then value else d.log_channel_id end,
         staff_channel_id = case when setting = 'staff_channel' then value else d.staff_channel_id end,
         support_role_id = case when setting = 'support_role' then value else d.support_role_id end,
         ticket_category_id = case when setting = 'ticket_category' then value else d.ticket_category_id end,
         archive_delay_s = case when setting = 'archive_delay_s' then value::integer else d.archive_delay_s end
   where d.guild_id = app_public.current_guild_id()
  returning * into v;
  -- The public embed (re)appears in the public channel.
  if v.public_channel_id is not null then
    perform graphile_worker.add_job('discord__mm_public', json_build_object('guild_id', v.guild_id::text),
      queue_name := 'discord:' || v.guild_id, job_key := 'discord__mm_public:' || v.guild_id, max_attempts := 10);
  end if;
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v.guild_id, app_public.current_discord_id(), v_role, 'mm_set_discord', 'mm_discord', setting,
      v_before, to_jsonb(v), reason);
  return v;
end;
$$;

comment on function app_public.mm_set_discord(text, bigint, text) is
  '/mm set-public-channel, set-log-channel, set-support-role (and the staff channel, the ticket category, the '
  'archive delay in seconds): ADMIN and above set one middleman place of their guild; audited; '
  'the public embed is (re)posted (discord__mm_public). '
  'Errors: AU001, PD001, RS001, VL001 (unknown setting, bad value). Source: seed 004 "Configuration", "/mm set-*"; issue 13.';
--! EndIncluded mm/mm_set_discord.sql
--! Included mm/mm_reputation_of.sql
create or replace function app_private.mm_reputation_of(p_user_id bigint) returns app_public.mm_reputation
language sql stable
as $$
  select u.discord_id,
         count(t.id) filter (where t.status = 'completed')::integer,
         coalesce(sum(t.sale_amount) filter (where t.status = 'completed'), 0)::bigint,
         count(t.id) filter (where t.disputed_at is not null)::integer,
         count(t.id) filter (where t.status = 'adjudicated')::integer
    from app_public.users u
    left join app_public.mm_trades t on u.id in (t.seller_id, t.buyer_id)
   where u.id = p_user_id
   group by u.discord_id;
$$;

comment on function app_private.mm_reputation_of(bigint) is
  'A member''s middleman record: completed trades and their volume (MCD cents), disputed and adjudicated trades. Used by '
  'mm_reputation and the ticket. Errors: none. Source: issue 13 "Trader reputation".';
--! EndIncluded mm/mm_reputation_of.sql
--! Included mm/mm_reputation.sql
create or replace function app_public.mm_reputation(discord_id bigint) returns app_public.mm_reputation
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select r.* from app_public.users u, app_private.mm_reputation_of(u.id) r
   where u.guild_id = app_public.current_guild_id() and u.discord_id = mm_reputation.discord_id;
$$;

comment on function app_public.mm_reputation(bigint) is
  'A trader''s middleman reputation in the current guild, shown in every ticket: completed trades and their volume (MCD '
  'cents), trades that were disputed, trades that were adjudicated. Public within the guild (members and staff); no '
  'row for a non-member. Errors: none. Source: issue 13 "Trader reputation".';
--! EndIncluded mm/mm_reputation.sql
--! Included mm/mm_history.sql
create or replace function app_public.mm_history(discord_id bigint) returns setof app_public.mm_trade_summary
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select t.short_id, case when t.seller_id = u.id then 'seller' else 'buyer' end, t.status, t.sale_amount, t.fee_amount,
         (select o.discord_id from app_public.users o
           where o.id = case when t.seller_id = u.id then t.buyer_id else t.seller_id end),
         t.closed_at
    from app_public.users u
    join app_public.mm_trades t on u.id in (t.seller_id, t.buyer_id)
   where u.guild_id = app_public.current_guild_id()
     and u.discord_id = coalesce(mm_history.discord_id, app_public.current_discord_id())
     and t.status in ('completed', 'adjudicated')
   order by t.closed_at desc
   limit 25;
$$;

comment on function app_public.mm_history(bigint) is
  '/mm history: the last 25 completed or adjudicated middleman trades of a member of the current guild (null = the '
  'caller): trade, their role, outcome, sale and fee in MCD cents, the other party, when it closed. Errors: none. '
  'Source: issue 13 "/mm history".';
--! EndIncluded mm/mm_history.sql
--! Included mm/mm_violations.sql
create or replace function app_private.mm_violations(p_guild_id bigint) returns setof app_public.ledger_violation
language sql stable
as $$
  -- A trade agrees with its holds: no final trade holds a pending transfer; a trade in escrow or in dispute with a
  -- deposit holds it pending for exactly the deposit; verification holds are pending while the trade lives.
  select 'mm_trade_matches_holds', t.guild_id, 'MCD'::text, h.credit_account_id,
         case when t.closed_at is null then 1 else 0 end::bigint, case when h.status = 'pending' then 1 else 0 end::bigint
    from app_public.mm_trades t
    join app_public.transfers h on h.id in (t.deposit_hold_id, t.seller_verify_hold_id, t.buyer_verify_hold_id)
   where (p_guild_id is null or t.guild_id = p_guild_id)
     and ((t.closed_at is not null and h.status = 'pending')
       or (t.closed_at is null and h.status <> 'pending'))
  union all
  select 'mm_deposit_matches_hold', t.guild_id, 'MCD'::text, h.credit_account_id, t.deposit_amount, h.amount
    from app_public.mm_trades t join app_public.transfers h on h.id = t.deposit_hold_id
   where (p_guild_id is null or t.guild_id = p_guild_id)
     and (h.amount <> t.deposit_amount or t.deposit_amount <> t.sale_amount
          or (t.status = 'completed' and h.status <> 'posted'))
  union all
  -- Escrow equals the sum of live deposits and verification payments: per guild, the pending MM holds are exactly
  -- those of live trades.
  select 'mm_escrow_equals_live_trades', g.guild_id, 'MCD'::text, null::bigint, g.live, g.held
    from (select x.guild_id,
                 coalesce((select sum(h.amount) from app_public.mm_trades t join app_public.transfers h
                             on h.id in (t.deposit_hold_id, t.seller_verify_hold_id, t.buyer_verify_hold_id)
                            where t.guild_id = x.guild_id and t.closed_at is null), 0)::bigint as live,
                 coalesce((select sum(h.amount) from app_public.transfers h
                            where h.guild_id = x.guild_id and h.status = 'pending'
                              and h.reason in ('mm_deposit', 'mm_verification_hold')), 0)::bigint as held
            from (select distinct t.guild_id from app_public.mm_trades t
                   where p_guild_id is null or t.guild_id = p_guild_id) x) g
   where g.live <> g.held
  union all
  -- Verification amounts: a live trade's two amounts are reserved, a closed trade's released.
  select 'mm_verification_amounts_live', t.guild_id, 'MCD'::text, null::bigint,
         case when t.closed_at is null then 2 else 0 end::bigint,
         (select count(*) from app_public.mm_verification_amounts a where a.trade_id = t.id and a.released_at is null)
    from app_public.mm_trades t
   where (p_guild_id is null or t.guild_id = p_guild_id) and t.amounts_drawn_at is not null
     and (select count(*) from app_public.mm_verification_amounts a where a.trade_id = t.id and a.released_at is null)
         <> case when t.closed_at is null then 2 else 0 end;
$$;

comment on function app_private.mm_violations(bigint) is
  'Middleman invariants for verify_ledger (issue 13): no trade in a final state holds a pending transfer and every live '
  'trade''s holds are pending; a deposit hold is exactly the deposit, which is exactly the sale, and a completed trade '
  'posted it; per guild, the pending middleman holds (deposits and verification payments) equal those of live trades; '
  'a live trade reserves its two verification amounts, a closed one none. Errors: none. Source: issue 13 "verify_ledger() covers trades".';
--! EndIncluded mm/mm_violations.sql
--! Included mm/mm_discord_json.sql
create or replace function app_private.mm_discord_json(p app_public.mm_discord) returns jsonb
language sql immutable
as $$
  -- Snowflakes as text: JSON numbers lose digits past 2^53 in JavaScript.
  select case when p.guild_id is not null then jsonb_build_object('guild_id', p.guild_id::text,
    'public_channel_id', p.public_channel_id::text, 'log_channel_id', p.log_channel_id::text,
    'staff_channel_id', p.staff_channel_id::text, 'support_role_id', p.support_role_id::text,
    'ticket_category_id', p.ticket_category_id::text, 'archive_delay_s', p.archive_delay_s) end;
$$;

comment on function app_private.mm_discord_json(app_public.mm_discord) is
  'A guild''s middleman places as JSON for the bot, every snowflake as text (null without a row). Errors: none. '
  'Source: issue 13.';
--! EndIncluded mm/mm_discord_json.sql
--! Included mm/mm_ticket.sql
create or replace function app_hidden.mm_ticket(p_trade_id bigint) returns jsonb
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select jsonb_build_object(
    -- Snowflakes and ids as text: JSON numbers lose digits past 2^53 in JavaScript.
    'trade', to_jsonb(t) - 'transcript' || jsonb_build_object('id', t.id::text, 'guild_id', t.guild_id::text,
      'channel_id', t.channel_id::text, 'ticket_message_id', t.ticket_message_id::text, 'frozen_by', t.frozen_by::text),
    'starter_discord_id', (select u.discord_id::text from app_public.users u where u.id = t.starter_id),
    'counterparty_discord_id', (select u.discord_id::text from app_public.users u where u.id = t.counterparty_id),
    'seller_discord_id', (select u.discord_id::text from app_public.users u where u.id = t.seller_id),
    'buyer_discord_id', (select u.discord_id::text from app_public.users u where u.id = t.buyer_id),
    'bot_ign', s.mm_bot_ign,
    'fee_bps', s.mm_fee_bps,
    'discord', app_private.mm_discord_json(d),
    'reputation', jsonb_build_object(
      'seller', (select to_jsonb(r) from app_private.mm_reputation_of(t.seller_id) r),
      'buyer', (select to_jsonb(r) from app_private.mm_reputation_of(t.buyer_id) r)),
    'events', coalesce((select jsonb_agg(to_jsonb(e) || jsonb_build_object('guild_id', e.guild_id::text,
                                           'actor_discord_id', e.actor_discord_id::text) order by e.id) from app_public.mm_events e where e.trade_id = t.id), '[]'),
    'payouts', coalesce((select jsonb_agg(jsonb_build_object('id', p.id, 'ign', p.ign, 'amount', p.amount, 'status', p.status) order by p.id)
                           from app_public.minecraft_payouts p
                          where p.id in (select (x ->> 'payout_id')::bigint from app_public.mm_events e,
                                           jsonb_array_elements(case when e.detail ? 'payouts' then e.detail -> 'payouts'
                                                                     else jsonb_build_array(e.detail) end) x
                                          where e.trade_id = t.id and e.kind = 'payout_queued')), '[]'))
    from app_public.mm_trades t
    join app_public.guild_settings s on s.guild_id = t.guild_id
    left join app_public.mm_discord d on d.guild_id = t.guild_id
   where t.id = p_trade_id;
$$;

comment on function app_hidden.mm_ticket(bigint) is
  'Everything a middleman ticket shows (discord__mm_ticket, discord__mm_log, the panel): the trade, the parties'' Discord '
  'ids, the bot''s IGN and fee, the guild''s middleman places, both traders'' reputation, the whole trail with raw lines, '
  'and the payouts it queued. Null for an unknown trade. Errors: none. Source: issue 13 (Discord, "Trader reputation").';
--! EndIncluded mm/mm_ticket.sql
--! Included mm/mm_public.sql
create or replace function app_hidden.mm_public(p_guild_id bigint) returns jsonb
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select jsonb_build_object(
    'guild_id', p_guild_id::text,
    'discord', app_private.mm_discord_json(d),
    'bot_ign', s.mm_bot_ign,
    'fee_bps', s.mm_fee_bps,
    'verification_min', s.mm_verification_min,
    'verification_max', s.mm_verification_max,
    'live', (select count(*) from app_public.mm_trades t where t.guild_id = p_guild_id and t.closed_at is null),
    'completed', (select count(*) from app_public.mm_trades t where t.guild_id = p_guild_id and t.status = 'completed'),
    -- No private details in public: the trade's name, its state and when it changed.
    'latest', coalesce((select jsonb_agg(jsonb_build_object('short_id', x.short_id, 'status', x.status, 'updated_at', x.updated_at,
                                                            'channel_id', x.channel_id::text) order by x.updated_at desc, x.id desc)
                          from (select t.* from app_public.mm_trades t where t.guild_id = p_guild_id
                                 order by t.updated_at desc, t.id desc limit 5) x), '[]'))
    from app_public.guild_settings s join app_public.mm_discord d on d.guild_id = s.guild_id
   where s.guild_id = p_guild_id;
$$;

comment on function app_hidden.mm_public(bigint) is
  'What the public "Middleman / Escrow — Donut SMP" embed shows: fee, bot IGN, verification range, counts and the five '
  'latest trades'' states (no private details). Null without a middleman public channel. Errors: none. Source: seed 004 '
  '"Public UI", issue 13.';
--! EndIncluded mm/mm_public.sql
--! Included mm/mm_record_ticket.sql
create or replace function app_hidden.mm_record_ticket(p_trade_id bigint, p_channel_id bigint, p_message_id bigint)
returns app_public.mm_trades
language sql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
  update app_public.mm_trades t
     set channel_id = coalesce(p_channel_id, t.channel_id), ticket_message_id = coalesce(p_message_id, t.ticket_message_id)
   where t.id = p_trade_id
  returning t.*;
$$;

comment on function app_hidden.mm_record_ticket(bigint, bigint, bigint) is
  'discord__mm_ticket stores the private channel it created for a trade and the welcome message it posted (null keeps '
  'the stored value), so retries edit instead of creating again. Errors: none. Source: issue 13.';
--! EndIncluded mm/mm_record_ticket.sql
--! Included mm/mm_record_rendered.sql
create or replace function app_hidden.mm_record_rendered(p_trade_id bigint, p_event_id bigint) returns void
language sql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
  update app_public.mm_trades t set rendered_event_id = p_event_id
   where t.id = p_trade_id and (t.rendered_event_id is null or t.rendered_event_id < p_event_id);
$$;

comment on function app_hidden.mm_record_rendered(bigint, bigint) is
  'discord__mm_ticket stores the last trail event its edit showed (never going backwards); a later job whose trade has '
  'no newer event does nothing, so one job per event coalesces a burst into one edit without job keys (whose '
  'replacement can miss an event committed while a job is being claimed). Errors: none. Source: issue 13.';
--! EndIncluded mm/mm_record_rendered.sql
--! Included mm/mm_store_transcript.sql
create or replace function app_hidden.mm_store_transcript(p_trade_id bigint, p_transcript text) returns boolean
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_public.mm_trades;
begin
  select * into v from app_public.mm_trades where id = p_trade_id for update;
  if v.id is null or v.closed_at is null or v.transcript is not null then
    return false;
  end if;
  update app_public.mm_trades set transcript = left(p_transcript, 200000) where id = v.id returning * into v;
  perform app_private.mm_event(v, 'transcript_stored', 'system', null, jsonb_build_object('chars', length(p_transcript)));
  return true;
end;
$$;

comment on function app_hidden.mm_store_transcript(bigint, text) is
  'discord__mm_log stores a closed ticket''s transcript (its messages and evidence, up to 200 000 characters) once; '
  'false when the trade is live, unknown or already has one. Errors: none. Source: issue 13 ("A transcript of the '
  'ticket is stored when it closes").';
--! EndIncluded mm/mm_store_transcript.sql
--! Included mm/tg_mm_events__discord.sql
create or replace function app_private.tg_mm_events__discord() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  -- Only guilds whose middleman lives in Discord (an mm_discord row with a public channel) queue anything.
  if not exists (select 1 from app_public.mm_discord d where d.guild_id = new.guild_id and d.public_channel_id is not null) then
    return null;
  end if;
  -- The ticket (created on first run, then its embed edited in place): one job per event, in the guild's queue (one
  -- at a time, so an older state never overwrites a newer one); a job whose trade has no event newer than the one
  -- already shown does nothing (mm_trades.rendered_event_id), so a burst of payments becomes one edit. No job key:
  -- replacing a keyed job while a worker is claiming it can drop the newer job.
  perform graphile_worker.add_job('discord__mm_ticket', json_build_object('trade_id', new.trade_id, 'event_id', new.id),
    queue_name := 'discord:' || new.guild_id, max_attempts := 10);
  if new.kind in ('opened', 'form_submitted', 'both_verified', 'deposit_paid', 'completed', 'cancelled', 'expired', 'disputed',
                  'frozen', 'adjudicated') then
    perform graphile_worker.add_job('discord__mm_public', json_build_object('guild_id', new.guild_id::text),
      queue_name := 'discord:' || new.guild_id, job_key := 'discord__mm_public:' || new.guild_id, max_attempts := 10);
  end if;
  if new.kind in ('completed', 'adjudicated', 'cancelled', 'expired') then
    perform graphile_worker.add_job('discord__mm_log', json_build_object('trade_id', new.trade_id),
      queue_name := 'discord:' || new.guild_id, job_key := 'discord__mm_log:' || new.trade_id, max_attempts := 10);
    -- The ticket becomes read-only for the parties after the guild's archive delay.
    perform graphile_worker.add_job('discord__mm_archive', json_build_object('trade_id', new.trade_id),
      run_at := now() + make_interval(secs => (select d.archive_delay_s from app_public.mm_discord d where d.guild_id = new.guild_id)),
      job_key := 'discord__mm_archive:' || new.trade_id, max_attempts := 10);
  end if;
  return null;
end;
$$;

comment on function app_private.tg_mm_events__discord() is
  'Trigger: every middleman event queues the edit of its ticket (discord__mm_ticket, one per event in the guild''s discord queue so edits never overtake each other; a job with '
  'nothing newer to show does nothing); state changes '
  'queue the public embed''s status lines (discord__mm_public, per guild); a closed trade queues its summary and '
  'transcript in the log channel (discord__mm_log) and, after mm_discord.archive_delay_s, the ticket''s archiving (discord__mm_archive). Only for guilds with a middleman public channel. Source: issue 13 '
  '("All Discord side effects are discord__* jobs").';
--! EndIncluded mm/tg_mm_events__discord.sql
--! Included mm/mm_check_recipient.sql
create or replace function app_hidden.mm_check_recipient(p_recipient_ign text) returns void
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_bot text;
begin
  if app_public.current_guild_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  select s.mm_bot_ign into v_bot from app_public.guild_settings s where s.guild_id = app_public.current_guild_id();
  if p_recipient_ign is null or v_bot is null or lower(p_recipient_ign) <> lower(v_bot) then
    perform app_private.raise_error('PY006', 'payment_not_to_bot', jsonb_build_object('recipient', left(p_recipient_ign, 40),
      'bot_ign', v_bot));
  end if;
end;
$$;

comment on function app_hidden.mm_check_recipient(text) is
  'The plugin webhook states who was paid: only payments to the guild''s bot account (guild_settings.mm_bot_ign, '
  'Bunji_MC by default; case-insensitive) may be recorded. The listener only reads "paid you" lines, which are '
  'to the bot by construction. Errors: AU001, PY006 payment_not_to_bot. Source: issue 13 ("the recipient is the bot '
  'account"), seed 004 "recipient_mc equals Bunji_MC".';
--! EndIncluded mm/mm_check_recipient.sql
--! Included minecraft/link_ign.sql
create or replace function app_private.link_ign(p_guild_id bigint, p_user_id bigint, p_ign text)
returns app_public.minecraft_links
language plpgsql
as $$
declare
  v app_public.minecraft_links;
begin
  perform app_private.check_ign(p_ign);
  if exists (select 1 from app_public.minecraft_links
              where guild_id = p_guild_id and lower(ign) = lower(p_ign) and user_id <> p_user_id) then
    perform app_private.raise_error('MC002', 'ign_taken', jsonb_build_object('ign', p_ign));
  end if;
  insert into app_public.minecraft_links (guild_id, user_id, ign) values (p_guild_id, p_user_id, p_ign)
    on conflict (user_id) do update set ign = excluded.ign, linked_at = now()
    returning * into v;
  -- Middleman (issue 13): payments from this IGN that a live trade of the member waited for are matched now.
  perform app_private.mm_claim_unmatched(p_guild_id, p_user_id, v.ign);
  return v;
end;
$$;

comment on function app_private.link_ign(bigint, bigint, text) is
  'Links (or re-links) a member to an IGN. MC001 invalid_ign; MC002 ign_taken when another member of the guild has it '
  '(case-insensitive). Then matches the payments from that IGN a live middleman trade of the member was waiting for (mm_claim_unmatched, issue 13). Used by app_public.link_minecraft, mm_match_link, tests and the seed. Source: issue #6, seed 004 ("Link Minecraft").';
--! EndIncluded minecraft/link_ign.sql
--! Included minecraft/record_payment_for.sql
create or replace function app_private.record_payment_for(p_guild_id bigint, p_source text, p_delivery_key text, p_payer_ign text,
  p_amount bigint, p_raw_line text, p_seen_at timestamptz, p_pairing_s integer default 30)
returns app_public.minecraft_payments
language plpgsql
as $$
declare
  v app_public.minecraft_payments;
  v_user_id bigint;
  v_external bigint;
  v_original bigint;
  v_tx uuid;
  v_transfer bigint;
  v_link_user bigint;
begin
  perform app_private.check_ign(p_payer_ign);
  if p_amount is null or p_amount <= 0 or p_amount > 1000000000000000 then
    perform app_private.raise_error('PY001', 'invalid_payment', jsonb_build_object('why', 'amount', 'amount', p_amount));
  end if;
  if p_raw_line is null or length(p_raw_line) not between 1 and 1000 then
    perform app_private.raise_error('PY001', 'invalid_payment', jsonb_build_object('why', 'raw_line'));
  end if;
  if p_source is null or length(p_source) not between 1 and 100 or p_delivery_key is null
     or length(p_delivery_key) not between 1 and 255 then
    perform app_private.raise_error('PY001', 'invalid_payment', jsonb_build_object('why', 'delivery'));
  end if;
  if p_seen_at is null or p_seen_at > now() + interval '5 minutes' then
    perform app_private.raise_error('PY001', 'invalid_payment', jsonb_build_object('why', 'seen_at'));
  end if;
  if not exists (select 1 from app_public.guilds where id = p_guild_id) then
    perform app_private.raise_error('MB003', 'guild_not_found', jsonb_build_object('guild_id', p_guild_id::text));
  end if;

  select l.user_id into v_user_id from app_public.minecraft_links l
   where l.guild_id = p_guild_id and lower(l.ign) = lower(p_payer_ign);
  -- An unlinked IGN paying a pending Link Minecraft amount (issue 13): its requester is the member to lock.
  if v_user_id is null and p_amount between 1 and 99 then
    select r.user_id into v_link_user from app_public.mm_link_requests r
     where r.guild_id = p_guild_id and r.amount = p_amount and r.status = 'pending' and r.expires_at > p_seen_at;
  end if;
  -- Lock order (db/CONVENTIONS.md): members, then accounts. The guild's MCD external account row serialises the
  -- payments of a guild, so the replay and pairing checks below see every committed delivery.
  if coalesce(v_user_id, v_link_user) is not null then
    perform 1 from app_private.lock_members(array[coalesce(v_user_id, v_link_user)]);
  end if;
  v_external := app_private.mcd_account(p_guild_id, null, 'external');
  perform 1 from app_public.accounts where id = v_external for update;

  -- 1. Replay of the same delivery (the listener retrying after a lost connection): the first result.
  select * into v from app_public.minecraft_payments
   where guild_id = p_guild_id and source = p_source and delivery_key = p_delivery_key;
  if v.id is not null then
    if lower(v.payer_ign) <> lower(p_payer_ign) or v.amount <> p_amount then
      perform app_private.raise_error('IK001', 'idempotency_key_reused', jsonb_build_object('key', p_delivery_key));
    end if;
    return v;
  end if;

  -- 2. The same in-game payment delivered by another source (a second listener, the plugin webhook): pair it with
  --    the earliest recorded payment of the same IGN and amount, seen within p_pairing_s seconds by a different
  --    source, that this source has not delivered yet. One-to-one pairing: k identical payments seen by two sources
  --    are recorded k times, not 2k and not once.
  select p.id into v_original from app_public.minecraft_payments p
   where p.guild_id = p_guild_id and lower(p.payer_ign) = lower(p_payer_ign) and p.amount = p_amount
     and p.seen_at between p_seen_at - make_interval(secs => p_pairing_s) and p_seen_at + make_interval(secs => p_pairing_s)
     and p.status <> 'duplicate' and p.source <> p_source
     and not exists (select 1 from app_public.minecraft_payments d where d.duplicate_of = p.id and d.source = p_source)
   order by p.seen_at, p.id
   limit 1;
  if v_original is not null then
    insert into app_public.minecraft_payments (guild_id, source, delivery_key, payer_ign, amount, raw_line, seen_at, status,
        user_id, duplicate_of)
      values (p_guild_id, p_source, p_delivery_key, p_payer_ign, p_amount, p_raw_line, p_seen_at, 'duplicate',
        v_user_id, v_original)
      returning * into v;
    return v;
  end if;

  -- 3. A new payment. From an unlinked IGN paying a pending link amount: link it first (the payment is then theirs).
  if v_user_id is null and v_link_user is not null then
    v_user_id := app_private.mm_match_link(p_guild_id, p_payer_ign, p_amount, p_seen_at);
  end if;
  --    External (the listener's in-game money) -> the member's MCD wallet, or the guild's MCD treasury.
  insert into app_public.transactions (guild_id, type, user_id, amount, currency, reason, meta, created_at)
    values (p_guild_id, 'earn', v_user_id, p_amount, 'MCD',
      case when v_user_id is null then 'minecraft_payment_unmatched' else 'minecraft_payment' end,
      jsonb_build_object('payer_ign', p_payer_ign, 'source', p_source, 'seen_at', p_seen_at), now())
    returning tx_id into v_tx;
  v_transfer := app_private.post_transfer(p_guild_id, v_external,
    case when v_user_id is null then app_private.mcd_account(p_guild_id, null, 'treasury')
         else app_private.mcd_account(p_guild_id, v_user_id, 'wallet') end,
    p_amount, 'minecraft_payment', v_tx);
  insert into app_public.minecraft_payments (guild_id, source, delivery_key, payer_ign, amount, raw_line, seen_at, status,
      user_id, transfer_id)
    values (p_guild_id, p_source, p_delivery_key, p_payer_ign, p_amount, p_raw_line, p_seen_at,
      case when v_user_id is null then 'unmatched'::app_public.payment_status else 'credited' end, v_user_id, v_transfer)
    returning * into v;
  -- 4. Middleman matching (issue 13), in this transaction: a verification payment or a deposit, else a note in the
  --    ticket of a live trade that expects this IGN.
  perform app_private.mm_match_payment(v);
  return v;
end;
$$;

comment on function app_private.record_payment_for(bigint, text, text, text, bigint, text, timestamptz, integer) is
  'Records an in-game payment of p_amount MCD cents from p_payer_ign, exactly once. How deliveries are told apart: '
  '(1) every delivery carries (source, delivery_key): the listener''s source is its id plus its Minecraft session, the key '
  'the line''s number in that session, so a retried call (lost database connection, restart with unacknowledged lines) '
  'returns the first row and moves nothing; (2) a delivery of the same IGN and amount by ANOTHER source, seen within '
  'p_pairing_s seconds (30) of a payment that source has not delivered yet, is the same in-game payment: recorded as '
  'duplicate, nothing moves; (3) anything else is a new payment, so two identical payments seen by one source both count. '
  'A linked IGN credits the member''s MCD wallet, an unlinked one the guild''s MCD treasury (status unmatched, for staff); '
  'the debit is the guild''s MCD external account. Issue 13: an unlinked IGN paying the exact amount of a pending Link '
  'Minecraft request is linked first (mm_match_link); every new payment then goes through the middleman matching '
  '(mm_match_payment) in the same transaction. Errors: MC001 invalid_ign, PY001 invalid_payment (amount not in '
  '1..10^15, raw line not 1..1000 characters, missing source or key, seen_at in the future), MB003 guild_not_found, '
  'IK001 idempotency_key_reused (same key, different payment). Source: issue #6, issue 13, seed 004.';
--! EndIncluded minecraft/record_payment_for.sql
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
end;
$$;

comment on function app_public.verify_ledger(bigint) is
  'Returns every violated ledger invariant (empty = healthy): per guild and currency the balances sum to zero; each '
  'balance equals the sum of its postings, and its credit/debit totals those of its transfers; each member''s lifetime '
  'counters equal what crossed between them and others; no member/treasury/fees balance is negative; each escrow account equals its '
  'pending holds; each resolved hold was paid out exactly once and in full; every order agrees with its hold (no '
  'pending transfer behind a settled order); each card copy has one owner of its guild or is burned; print numbers of '
  'a template are 1..copies_created without gaps; an active card listing''s copy belongs to its seller; every middleman '
  'trade agrees with its holds (mm_violations, issue 13). Staff (any role) check their own guild; the '
  'worker and the owner may check one guild or all (null). Errors: AU001, PD001 permission_denied. Source: DESIGN.md "Money".';
--! EndIncluded invariants/verify_ledger.sql

grant execute on function app_public.mm_open_trade(text), app_public.mm_set_counterparty(bigint, bigint),
  app_public.mm_submit_form(bigint, text, text, text, bigint, text), app_public.mm_confirm_delivery(bigint),
  app_public.mm_mark_scammed(bigint, text), app_public.mm_request_link()
  to coins_player;
grant execute on function app_public.mm_cancel_trade(bigint, text), app_public.mm_attach_evidence(bigint, text, text),
  app_public.mm_history(bigint), app_public.mm_reputation(bigint)
  to coins_player, coins_staff;
grant execute on function app_public.mm_freeze(bigint, text), app_public.mm_request_evidence(bigint, text),
  app_public.mm_adjudicate(bigint, text, bigint, text), app_public.mm_set_discord(text, bigint, text)
  to coins_staff;
grant execute on function app_hidden.mm_expire_trades(timestamptz), app_hidden.mm_ticket(bigint), app_hidden.mm_public(bigint),
  app_hidden.mm_record_ticket(bigint, bigint, bigint), app_hidden.mm_record_rendered(bigint, bigint),
  app_hidden.mm_store_transcript(bigint, text) to coins_worker;

grant execute on function app_hidden.mm_check_recipient(text) to coins_listener;

-- Discord: the ticket, the public embed and the log are discord__* jobs queued by the trail; their messages are stored
-- like the other posted messages.
create trigger _500_discord after insert on app_public.mm_events
  for each row execute function app_private.tg_mm_events__discord();
alter table app_public.discord_messages drop constraint if exists discord_messages_subject_type_check;
alter table app_public.discord_messages add constraint discord_messages_subject_type_check
  check (subject_type in ('hub', 'leaderboard', 'transaction', 'listing', 'digest', 'mm_public', 'mm_log', 'mm_dispute'));
