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

--!include mm/mm_trades.policies.sql
--!include mm/mm_events.policies.sql
--!include mm/mm_discord.policies.sql
--!include mm/mm_verification_amounts.policies.sql
--!include mm/mm_link_requests.policies.sql

-- The rules ------------------------------------------------------------------------------------------------------------
--!include mm/mm_fee.sql
--!include mm/mm_draw_amount.sql
--!include mm/mm_event.sql
--!include mm/mm_lock_trade.sql
--!include mm/mm_party.sql
--!include mm/mm_open_trade_for.sql
--!include mm/mm_open_trade.sql
--!include mm/mm_set_counterparty_for.sql
--!include mm/mm_set_counterparty.sql
--!include mm/mm_submit_form_for.sql
--!include mm/mm_submit_form.sql
--!include mm/mm_end_trade.sql
--!include mm/mm_match_payment.sql
--!include mm/mm_match_link.sql
--!include mm/mm_claim_unmatched.sql
--!include mm/mm_cancel_for.sql
--!include mm/mm_cancel_trade.sql
--!include mm/mm_confirm_delivery_for.sql
--!include mm/mm_confirm_delivery.sql
--!include mm/mm_mark_scammed_for.sql
--!include mm/mm_mark_scammed.sql
--!include mm/mm_attach_evidence.sql
--!include mm/mm_freeze.sql
--!include mm/mm_request_evidence.sql
--!include mm/mm_adjudicate_for.sql
--!include mm/mm_adjudicate.sql
--!include mm/mm_expire_trades.sql
--!include mm/mm_request_link_for.sql
--!include mm/mm_request_link.sql
--!include mm/mm_set_discord.sql
--!include mm/mm_reputation_of.sql
--!include mm/mm_reputation.sql
--!include mm/mm_history.sql
--!include mm/mm_violations.sql
--!include mm/mm_discord_json.sql
--!include mm/mm_ticket.sql
--!include mm/mm_public.sql
--!include mm/mm_record_ticket.sql
--!include mm/mm_record_rendered.sql
--!include mm/mm_store_transcript.sql
--!include mm/tg_mm_events__discord.sql
--!include mm/mm_check_recipient.sql
--!include minecraft/link_ign.sql
--!include minecraft/record_payment_for.sql
--!include invariants/verify_ledger.sql

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
