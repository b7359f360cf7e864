--! Previous: sha1:a3d0c0d2081dc6e40754171b0dd06cbdcf01f10a
--! Hash: sha1:35b7013487e2adc084edf0084b3b683df0e8af76
--! Message: Discord bot: channels and posted messages, discord__* jobs for the feed, #shop, #leaderboard and the digest

-- Discord bot (issue #4): where the bot's channels and messages are, the jobs that keep Discord
-- in step with the ledger (feed, #shop, #leaderboard, digest), and the feed's Note action.
-- Idempotent: drops what it creates first.

drop trigger if exists _800_discord_feed on app_public.admin_actions;
drop trigger if exists _800_discord_digest on app_public.daily_stats;
drop trigger if exists _800_discord_leaderboard on app_public.leaderboard_snapshots;
drop trigger if exists _800_discord_shop on app_public.listings;
drop trigger if exists _800_discord_feed on app_public.transactions;
drop function if exists app_private.tg_admin_actions__discord_feed();
drop function if exists app_private.tg_daily_stats__discord_digest();
drop function if exists app_private.tg_leaderboard_snapshots__discord();
drop function if exists app_private.tg_listings__discord_shop();
drop function if exists app_private.tg_transactions__discord_feed();
drop function if exists app_private.queue_discord_job(bigint, text, text, jsonb, text);
drop function if exists app_public.note_transaction(uuid, text);
drop function if exists app_hidden.discord_digest(bigint, date);
drop function if exists app_hidden.discord_listing(uuid);
drop function if exists app_hidden.discord_feed_entry(uuid);
drop function if exists app_hidden.discord_leaderboard(bigint);
drop function if exists app_hidden.discord_staff_role_ids(bigint);
drop function if exists app_hidden.record_discord_message(bigint, text, text, bigint, bigint);
drop function if exists app_hidden.discord_message(bigint, text, text);
drop function if exists app_hidden.save_discord_setup(bigint, bigint, bigint, bigint, bigint, bigint, bigint);
drop function if exists app_hidden.discord_guild(bigint);
drop table if exists app_public.discord_messages;
drop table if exists app_public.guild_discord;

--------------------------------------------------------------------------------
-- Where the bot lives in each guild
--------------------------------------------------------------------------------

create table app_public.guild_discord (
  guild_id                bigint primary key references app_public.guilds on delete cascade,
  hub_channel_id          bigint check (hub_channel_id > 0),
  leaderboard_channel_id  bigint check (leaderboard_channel_id > 0),
  shop_channel_id         bigint check (shop_channel_id > 0),
  transactions_channel_id bigint check (transactions_channel_id > 0),
  last_setup_at           timestamptz,
  created_at              timestamptz not null default now(),
  updated_at              timestamptz not null default now()
);
comment on table app_public.guild_discord is
  E'@behavior -insert -update -delete\nThe Discord channels of a guild''s Guildbank (#coin-hub, #leaderboard, #shop, #coin-transactions), written by the '
  'bot''s discord__setup job (app_hidden.save_discord_setup). A guild without a row has no bot: no discord__* job is '
  'queued for it. Source: issue #4 (first-run setup).';
create trigger _100_timestamps before insert or update on app_public.guild_discord
  for each row execute function app_private.tg__timestamps();
alter table app_public.guild_discord enable row level security;
create policy guild_discord_own on app_public.guild_discord for select to coins_player, coins_staff
  using (guild_id = (select app_public.current_guild_id()));
grant select on app_public.guild_discord to coins_player, coins_staff;

create table app_public.discord_messages (
  guild_id     bigint not null references app_public.guilds on delete cascade,
  subject_type text not null check (subject_type in ('hub', 'leaderboard', 'transaction', 'listing', 'digest')),
  subject_id   text not null check (length(subject_id) between 1 and 64),
  channel_id   bigint not null check (channel_id > 0),
  message_id   bigint not null check (message_id > 0),
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  primary key (guild_id, subject_type, subject_id)
);
comment on table app_public.discord_messages is
  E'@behavior -insert -update -delete\nThe Discord message that shows a subject (the hub, the leaderboard, a transaction in the feed, a listing in #shop, '
  'a day''s digest). Stored when first posted, so a retried job edits instead of posting twice. Source: issue #4.';
create trigger _100_timestamps before insert or update on app_public.discord_messages
  for each row execute function app_private.tg__timestamps();
alter table app_public.discord_messages enable row level security;
create policy discord_messages_staff on app_public.discord_messages for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
grant select on app_public.discord_messages to coins_staff;

--------------------------------------------------------------------------------
-- What the bot's jobs read and write (coins_worker)
--------------------------------------------------------------------------------

create function app_hidden.discord_guild(p_guild_id bigint)
returns table (guild_id bigint, hub_channel_id bigint, leaderboard_channel_id bigint, shop_channel_id bigint,
               transactions_channel_id bigint, hub_message_id bigint, leaderboard_message_id bigint, last_setup_at timestamptz)
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select g.guild_id, g.hub_channel_id, g.leaderboard_channel_id, g.shop_channel_id, g.transactions_channel_id,
         (select m.message_id from app_public.discord_messages m
           where m.guild_id = g.guild_id and m.subject_type = 'hub' and m.subject_id = g.guild_id::text),
         (select m.message_id from app_public.discord_messages m
           where m.guild_id = g.guild_id and m.subject_type = 'leaderboard' and m.subject_id = g.guild_id::text),
         g.last_setup_at
    from app_public.guild_discord g where g.guild_id = p_guild_id;
$$;
comment on function app_hidden.discord_guild(bigint) is
  'The bot''s channels in a guild and its hub and leaderboard message ids; no row before the first setup. For the '
  'discord__* tasks and /setup. Source: issue #4.';

create function app_hidden.save_discord_setup(p_guild_id bigint, p_hub_channel bigint, p_leaderboard_channel bigint,
  p_shop_channel bigint, p_transactions_channel bigint, p_hub_message bigint, p_leaderboard_message bigint)
returns void
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  if not exists (select 1 from app_public.guilds where id = p_guild_id) then
    perform app_private.raise_error('MB003', 'guild_not_found', jsonb_build_object('guild_id', p_guild_id::text));
  end if;
  insert into app_public.guild_discord (guild_id, hub_channel_id, leaderboard_channel_id, shop_channel_id,
      transactions_channel_id, last_setup_at)
    values (p_guild_id, p_hub_channel, p_leaderboard_channel, p_shop_channel, p_transactions_channel, now())
  on conflict (guild_id) do update
    set hub_channel_id = excluded.hub_channel_id, leaderboard_channel_id = excluded.leaderboard_channel_id,
        shop_channel_id = excluded.shop_channel_id, transactions_channel_id = excluded.transactions_channel_id,
        last_setup_at = excluded.last_setup_at;
  perform app_hidden.record_discord_message(p_guild_id, 'hub', p_guild_id::text, p_hub_channel, p_hub_message);
  perform app_hidden.record_discord_message(p_guild_id, 'leaderboard', p_guild_id::text, p_leaderboard_channel,
    p_leaderboard_message);
end;
$$;

create function app_hidden.discord_message(p_guild_id bigint, p_type text, p_subject text)
returns table (channel_id bigint, message_id bigint)
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select m.channel_id, m.message_id from app_public.discord_messages m
   where m.guild_id = p_guild_id and m.subject_type = p_type and m.subject_id = p_subject;
$$;
comment on function app_hidden.discord_message(bigint, text, text) is
  'The Discord message already showing a subject (none: not posted yet). discord__* tasks edit it instead of posting '
  'again. Source: issue #4 ("never lost or doubled").';

create function app_hidden.record_discord_message(p_guild_id bigint, p_type text, p_subject text, p_channel bigint,
  p_message bigint)
returns void
language sql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
  insert into app_public.discord_messages (guild_id, subject_type, subject_id, channel_id, message_id)
    values (p_guild_id, p_type, p_subject, p_channel, p_message)
  on conflict (guild_id, subject_type, subject_id) do update
    set channel_id = excluded.channel_id, message_id = excluded.message_id
    where (discord_messages.channel_id, discord_messages.message_id) is distinct from (excluded.channel_id, excluded.message_id);
$$;
comment on function app_hidden.record_discord_message(bigint, text, text, bigint, bigint) is
  'Stores the Discord message posted for a subject (replacing one that was deleted). Source: issue #4.';
comment on function app_hidden.save_discord_setup(bigint, bigint, bigint, bigint, bigint, bigint, bigint) is
  'Stores the result of a discord__setup run: the four channels, the pinned hub and the leaderboard message; '
  'last_setup_at = now(). Rewriting the same ids changes nothing else. Errors: MB003 guild_not_found. Source: issue #4.';

create function app_hidden.discord_staff_role_ids(p_guild_id bigint) returns bigint[]
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select coalesce(array_agg(m.discord_role_id order by m.discord_role_id), '{}')
    from app_public.staff_role_mappings m where m.guild_id = p_guild_id;
$$;
comment on function app_hidden.discord_staff_role_ids(bigint) is
  'The Discord roles mapped to any staff role in a guild: setup lets them see #coin-transactions. Source: issue #4.';

create function app_hidden.discord_leaderboard(p_guild_id bigint) returns jsonb
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select jsonb_build_object(
    'rows', coalesce(jsonb_agg(jsonb_build_object('rank', s.rank, 'discord_id', s.discord_id::text,
              'display_name', s.display_name, 'balance', s.balance::text) order by s.rank, s.discord_id), '[]'),
    'refreshed_at', max(s.refreshed_at))
    from app_public.leaderboard_snapshots s where s.guild_id = p_guild_id;
$$;
comment on function app_hidden.discord_leaderboard(bigint) is
  'The guild''s last leaderboard snapshot (top 10 wallet balances, refreshed_at) for the #leaderboard message. '
  'Source: issue #4.';

create function app_hidden.discord_feed_entry(p_tx_id uuid) returns jsonb
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  t app_public.transactions;
  v_order app_public.orders;
  v_listing app_public.listings;
  v_user app_public.users;
begin
  select * into t from app_public.transactions where tx_id = p_tx_id;
  if not found then
    return null;
  end if;
  select * into v_user from app_public.users where id = t.user_id;
  if t.order_id is not null then
    select * into v_order from app_public.orders where order_id = t.order_id;
  end if;
  if t.listing_id is not null then
    select * into v_listing from app_public.listings where listing_id = t.listing_id;
  end if;
  return jsonb_build_object(
    'tx_id', t.tx_id, 'guild_id', t.guild_id::text, 'type', t.type, 'reason', t.reason, 'amount', t.amount::text,
    'created_at', t.created_at,
    'actor_discord_id', t.actor_id::text,
    'user_discord_id', v_user.discord_id::text,
    'user_frozen', v_user.frozen,
    'counterparty_discord_id', (select u.discord_id::text from app_public.users u where u.id = t.counterparty_id),
    'sku', t.meta ->> 'sku',
    'qty', (t.meta ->> 'qty')::int,
    'unit_price', t.meta ->> 'unit_price',
    'fee', t.meta ->> 'fee',
    'order_id', t.order_id, 'order_status', v_order.status,
    'listing_id', t.listing_id, 'listing_status', v_listing.status,
    -- Net movement of each account this transaction's transfers touched, and its balance now.
    'deltas', coalesce((
      select jsonb_agg(jsonb_build_object('discord_id', u.discord_id::text, 'kind', a.kind,
               'delta', d.net::text, 'balance', a.balance::text) order by a.user_id nulls last, a.kind)
        from (select x.account_id, sum(x.amount) as net
                from app_public.transfers tr
               cross join lateral (values (tr.credit_account_id, tr.amount), (tr.debit_account_id, -tr.amount)) as x(account_id, amount)
               where tr.tx_id = t.tx_id and tr.status <> 'voided'
               group by x.account_id) d
        join app_public.accounts a on a.id = d.account_id
        left join app_public.users u on u.id = a.user_id
       where d.net <> 0), '[]'),
    -- What staff did about it: notes on the transaction, actions on its order or listing, a freeze of its member.
    'actions', coalesce((
      select jsonb_agg(jsonb_build_object('actor_discord_id', aa.actor_id::text, 'actor_role', aa.actor_role,
               'action', aa.action, 'reason', aa.reason, 'created_at', aa.created_at) order by aa.created_at, aa.id)
        from app_public.admin_actions aa
       where aa.guild_id = t.guild_id
         and ((aa.subject_type = 'transaction' and aa.subject_id = t.tx_id::text)
           or (aa.subject_type = 'order' and aa.subject_id = t.order_id::text)
           or (aa.subject_type = 'listing' and aa.subject_id = t.listing_id::text)
           or (aa.subject_type = 'user' and aa.action = 'freeze_user' and aa.subject_id = v_user.discord_id::text
               and aa.created_at >= t.created_at))), '[]'));
end;
$$;
comment on function app_hidden.discord_feed_entry(uuid) is
  'One #coin-transactions feed entry: type, members, item/SKU, qty, price, fees, coin deltas (net per account from '
  'the transaction''s transfers), balances now, order/listing status, tx_id, listing_id, and the staff actions on '
  'it. Null for an unknown transaction. Source: issue #4 (admin transaction feed), seed 000 section 4.';

create function app_hidden.discord_listing(p_listing_id uuid) returns jsonb
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select jsonb_build_object('listing_id', l.listing_id, 'guild_id', l.guild_id::text, 'sku', l.sku,
           'item_name', coalesce(r.name, l.sku), 'seller_discord_id', u.discord_id::text, 'qty', l.qty,
           'qty_available', l.qty_available, 'unit_price', l.unit_price::text, 'fee_rate', l.fee_rate::text,
           'min_per_buyer', l.min_per_buyer, 'max_per_buyer', l.max_per_buyer, 'expires_at', l.expires_at,
           'status', case when l.status = 'active' and l.expires_at <= now() then 'expired' else l.status::text end)
    from app_public.listings l
    join app_public.users u on u.id = l.seller_id
    left join app_public.rewards r on r.guild_id = l.guild_id and r.sku = l.sku
   where l.listing_id = p_listing_id;
$$;
comment on function app_hidden.discord_listing(uuid) is
  'A listing as its #shop post shows it (item name, seller, price, units left, limits, expiry, status). Null when '
  'unknown. Source: issue #4 (marketplace in Discord).';

create function app_hidden.discord_digest(p_guild_id bigint, p_day date) returns jsonb
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select jsonb_build_object('day', d.day, 'transactions', d.transactions, 'volume', d.volume::text, 'fees', d.fees::text,
           'new_listings', d.new_listings, 'orders', d.orders, 'refunds', d.refunds, 'active_members', d.active_members,
           'top_movers', d.top_movers)
    from app_public.daily_stats d where d.guild_id = p_guild_id and d.day = p_day;
$$;
comment on function app_hidden.discord_digest(bigint, date) is
  'A guild''s daily digest (daily_stats of digest__daily) for its #coin-transactions post. Source: issue #4.';

--------------------------------------------------------------------------------
-- The feed's Note action
--------------------------------------------------------------------------------

create function app_public.note_transaction(tx_id uuid, note text) returns app_public.admin_actions
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff('{SUPERADMIN,ADMIN,OPERATOR,SUPPORT}');
  v_tx app_public.transactions;
  v_action app_public.admin_actions;
begin
  if note is null or length(btrim(note)) < 3 or length(btrim(note)) > 500 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  select * into v_tx from app_public.transactions t
   where t.tx_id = note_transaction.tx_id and t.guild_id = app_public.current_guild_id();
  if not found then
    perform app_private.raise_error('TX001', 'transaction_not_found', jsonb_build_object('tx_id', tx_id));
  end if;
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v_tx.guild_id, app_public.current_discord_id(), v_role, 'note', 'transaction', v_tx.tx_id::text,
            null, jsonb_build_object('note', btrim(note)), btrim(note))
    returning * into v_action;
  return v_action;
end;
$$;
comment on function app_public.note_transaction(uuid, text) is
  'Staff note on a transaction (the feed''s Note button), written to admin_actions (subject ''transaction''). Roles: '
  'SUPERADMIN, ADMIN, OPERATOR, SUPPORT (AUDITOR reads only). Errors: AU001, PD001, RS001 (3..500 characters), '
  'TX001 transaction_not_found. Source: issue #4, seed 000 section 4 (Note).';

--------------------------------------------------------------------------------
-- Jobs: Discord follows the ledger
--------------------------------------------------------------------------------

create function app_private.queue_discord_job(p_guild_id bigint, p_channel text, p_task text, p_payload jsonb, p_key text)
returns void
language plpgsql volatile set search_path = pg_catalog, public, pg_temp
as $$
begin
  if exists (select 1 from app_public.guild_discord g
              where g.guild_id = p_guild_id
                and case p_channel when 'transactions' then g.transactions_channel_id when 'shop' then g.shop_channel_id
                                   when 'leaderboard' then g.leaderboard_channel_id end is not null) then
    perform graphile_worker.add_job(p_task, p_payload::json, queue_name := 'discord:' || p_guild_id, job_key := p_key,
      max_attempts := 10);
  end if;
end;
$$;
comment on function app_private.queue_discord_job(bigint, text, text, jsonb, text) is
  'Queues a discord__* job for the bot''s runner when the guild has the bot''s channel p_channel (transactions, shop or '
  'leaderboard; a guild without the bot queues nothing). The server''s worker has no discord__* task, so never claims '
  'it. The guild''s own queue ''discord:<guild>'' runs its jobs one at a time (the feed keeps its order); the job_key '
  'per subject coalesces a burst of changes into one edit; 10 attempts with graphile-worker''s exponential backoff.';

create function app_private.tg_transactions__discord_feed() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app_private.queue_discord_job(new.guild_id, 'transactions', 'discord__transaction',
    jsonb_build_object('tx_id', new.tx_id), 'discord__transaction:' || new.tx_id);
  return null;
end;
$$;
comment on function app_private.tg_transactions__discord_feed() is
  'Trigger: every transaction of a guild with a #coin-transactions channel queues its feed post (discord__transaction).';
create trigger _800_discord_feed after insert on app_public.transactions
  for each row execute function app_private.tg_transactions__discord_feed();

create function app_private.tg_listings__discord_shop() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app_private.queue_discord_job(new.guild_id, 'shop', 'discord__listing',
    jsonb_build_object('listing_id', new.listing_id), 'discord__listing:' || new.listing_id);
  return null;
end;
$$;
comment on function app_private.tg_listings__discord_shop() is
  'Trigger: a new listing, or a change of its status or units left (sold, sold out, expired, cancelled, repriced), '
  'queues its #shop post or edit (discord__listing).';
create trigger _800_discord_shop after insert or update of status, qty_available, unit_price on app_public.listings
  for each row execute function app_private.tg_listings__discord_shop();

create function app_private.tg_leaderboard_snapshots__discord() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_guild bigint;
begin
  for v_guild in select distinct n.guild_id from inserted n loop
    perform app_private.queue_discord_job(v_guild, 'leaderboard', 'discord__leaderboard',
      jsonb_build_object('guild_id', v_guild::text), 'discord__leaderboard:' || v_guild);
  end loop;
  return null;
end;
$$;
comment on function app_private.tg_leaderboard_snapshots__discord() is
  'Trigger (per statement): a refreshed leaderboard snapshot queues the edit of the guild''s #leaderboard message '
  '(discord__leaderboard; edited in place, never reposted).';
create trigger _800_discord_leaderboard after insert on app_public.leaderboard_snapshots
  referencing new table as inserted
  for each statement execute function app_private.tg_leaderboard_snapshots__discord();

create function app_private.tg_daily_stats__discord_digest() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app_private.queue_discord_job(new.guild_id, 'transactions', 'discord__digest',
    jsonb_build_object('guild_id', new.guild_id::text, 'day', new.day), 'discord__digest:' || new.guild_id || ':' || new.day);
  return null;
end;
$$;
comment on function app_private.tg_daily_stats__discord_digest() is
  'Trigger: a guild''s daily digest (digest__daily) queues its post in #coin-transactions (discord__digest).';
create trigger _800_discord_digest after insert on app_public.daily_stats
  for each row execute function app_private.tg_daily_stats__discord_digest();

create function app_private.tg_admin_actions__discord_feed() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_tx uuid;
begin
  if new.subject_type not in ('transaction', 'order', 'listing') then
    return null;
  end if;
  for v_tx in
    select t.tx_id from app_public.transactions t
      join app_public.discord_messages m
        on m.guild_id = t.guild_id and m.subject_type = 'transaction' and m.subject_id = t.tx_id::text
     where t.guild_id = new.guild_id
       and case new.subject_type when 'transaction' then t.tx_id::text = new.subject_id
                                 when 'order' then t.order_id::text = new.subject_id
                                 else t.listing_id::text = new.subject_id end
  loop
    perform app_private.queue_discord_job(new.guild_id, 'transactions', 'discord__transaction',
      jsonb_build_object('tx_id', v_tx), 'discord__transaction:' || v_tx);
  end loop;
  return null;
end;
$$;
comment on function app_private.tg_admin_actions__discord_feed() is
  'Trigger: a staff action on a transaction, order or listing re-renders the feed messages already posted for it, '
  'so #coin-transactions shows who did what.';
create trigger _800_discord_feed after insert on app_public.admin_actions
  for each row execute function app_private.tg_admin_actions__discord_feed();

--------------------------------------------------------------------------------
-- Grants
--------------------------------------------------------------------------------

revoke all on function app_hidden.discord_guild(bigint) from public;
revoke all on function app_hidden.save_discord_setup(bigint, bigint, bigint, bigint, bigint, bigint, bigint) from public;
revoke all on function app_hidden.discord_message(bigint, text, text) from public;
revoke all on function app_hidden.record_discord_message(bigint, text, text, bigint, bigint) from public;
revoke all on function app_hidden.discord_staff_role_ids(bigint) from public;
revoke all on function app_hidden.discord_leaderboard(bigint) from public;
revoke all on function app_hidden.discord_feed_entry(uuid) from public;
revoke all on function app_hidden.discord_listing(uuid) from public;
revoke all on function app_hidden.discord_digest(bigint, date) from public;
revoke all on function app_public.note_transaction(uuid, text) from public;
revoke all on function app_private.queue_discord_job(bigint, text, text, jsonb, text) from public;
revoke all on function app_private.tg_transactions__discord_feed() from public;
revoke all on function app_private.tg_listings__discord_shop() from public;
revoke all on function app_private.tg_leaderboard_snapshots__discord() from public;
revoke all on function app_private.tg_daily_stats__discord_digest() from public;
revoke all on function app_private.tg_admin_actions__discord_feed() from public;
grant execute on function app_hidden.discord_guild(bigint) to coins_worker;
grant execute on function app_hidden.save_discord_setup(bigint, bigint, bigint, bigint, bigint, bigint, bigint) to coins_worker;
grant execute on function app_hidden.discord_message(bigint, text, text) to coins_worker;
grant execute on function app_hidden.record_discord_message(bigint, text, text, bigint, bigint) to coins_worker;
grant execute on function app_hidden.discord_staff_role_ids(bigint) to coins_worker;
grant execute on function app_hidden.discord_leaderboard(bigint) to coins_worker;
grant execute on function app_hidden.discord_feed_entry(uuid) to coins_worker;
grant execute on function app_hidden.discord_listing(uuid) to coins_worker;
grant execute on function app_hidden.discord_digest(bigint, date) to coins_worker;
grant execute on function app_public.note_transaction(uuid, text) to coins_staff;
