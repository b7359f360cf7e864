--! Previous: sha1:5bcc3c653f856e32bbb44643830d2ee48ec8ce43
--! Hash: sha1:787c1c1e96526fc19d9df5dc922d802b6211db3e
--! Message: Issue 17 (bot): amounts name their currency (feed entries, My Card, payout alerts, insufficient funds), the digest counts coins only; an order's status change edits its feed posts; a channel Discord says is gone is marked missing until /setup

-- Issue 17 (the bot): amounts name their currency (a Minecraft payment is MCD, scale 2); a feed post follows its
-- order's status; a channel Discord says is gone is marked missing (its jobs stop, one ops alert) until /setup.

-- Defect 11: the channels Discord said are gone, until /setup repairs them.
alter table app_public.guild_discord add column if not exists missing_channels text[] not null default '{}'
  constraint guild_discord_missing_channels_known check (missing_channels <@ array['hub', 'leaderboard', 'shop', 'transactions']);
comment on column app_public.guild_discord.missing_channels is
  'The bot''s channels (hub, leaderboard, shop, transactions) that Discord answered are unknown or not accessible: no '
  'discord__* job is queued for them until /setup recreates them (app_hidden.mark_discord_channel_missing). Issue 17.';

drop function if exists app_hidden.discord_guild(bigint);
--! Included discord/discord_guild.sql
create or replace function app_hidden.discord_guild(p_guild_id bigint)
returns table (guild_id bigint, hub_channel_id bigint, leaderboard_channel_id bigint, shop_channel_id bigint,
               transactions_channel_id bigint, hub_message_id bigint, leaderboard_message_id bigint, last_setup_at timestamptz,
               missing_channels text[])
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select g.guild_id, g.hub_channel_id, g.leaderboard_channel_id, g.shop_channel_id, g.transactions_channel_id,
         (select m.message_id from app_public.discord_messages m
           where m.guild_id = g.guild_id and m.subject_type = 'hub' and m.subject_id = g.guild_id::text),
         (select m.message_id from app_public.discord_messages m
           where m.guild_id = g.guild_id and m.subject_type = 'leaderboard' and m.subject_id = g.guild_id::text),
         g.last_setup_at, g.missing_channels
    from app_public.guild_discord g where g.guild_id = p_guild_id;
$$;

comment on function app_hidden.discord_guild(bigint) is
  'The bot''s channels in a guild, its hub and leaderboard message ids, and the channels marked missing (Discord said '
  'they are gone, until /setup); no row before the first setup. For the discord__* tasks and /setup. Source: issue #4; '
  'issue 17 (missing channels).';
--! EndIncluded discord/discord_guild.sql
revoke all on function app_hidden.discord_guild(bigint) from public;
grant execute on function app_hidden.discord_guild(bigint) to coins_worker;

--! Included discord/queue_discord_job.sql
create or replace function app_private.queue_discord_job(p_guild_id bigint, p_channel text, p_task text, p_payload jsonb, p_key text)
returns void
language plpgsql volatile set search_path = pg_catalog, public, pg_temp
as $$
begin
  if exists (select 1 from app_public.guild_discord g
              where g.guild_id = p_guild_id
                and case p_channel when 'transactions' then g.transactions_channel_id when 'shop' then g.shop_channel_id
                                   when 'leaderboard' then g.leaderboard_channel_id end is not null
                and not (p_channel = any (g.missing_channels))) then
    perform graphile_worker.add_job(p_task, p_payload::json, queue_name := 'discord:' || p_guild_id, job_key := p_key,
      max_attempts := 10);
  end if;
end;
$$;

comment on function app_private.queue_discord_job(bigint, text, text, jsonb, text) is
  'Queues a discord__* job for the bot''s runner when the guild has the bot''s channel p_channel (transactions, shop or '
  'leaderboard; a guild without the bot, or whose channel is marked missing until /setup repairs it, queues nothing; '
  'issue 17). The server''s worker has no discord__* task, so never claims '
  'it. The guild''s own queue ''discord:<guild>'' runs its jobs one at a time (the feed keeps its order); the job_key '
  'per subject coalesces a burst of changes into one edit; 10 attempts with graphile-worker''s exponential backoff.';
--! EndIncluded discord/queue_discord_job.sql
--! Included discord/save_discord_setup.sql
create or replace function app_hidden.save_discord_setup(p_guild_id bigint, p_hub_channel bigint, p_leaderboard_channel bigint,
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
        last_setup_at = excluded.last_setup_at, missing_channels = '{}';
  perform app_hidden.record_discord_message(p_guild_id, 'hub', p_guild_id::text, p_hub_channel, p_hub_message);
  perform app_hidden.record_discord_message(p_guild_id, 'leaderboard', p_guild_id::text, p_leaderboard_channel,
    p_leaderboard_message);
end;
$$;

comment on function app_hidden.save_discord_setup(bigint, bigint, bigint, bigint, bigint, bigint, bigint) is
  'Stores the result of a discord__setup run: the four channels, the pinned hub and the leaderboard message; '
  'last_setup_at = now(); the setup found or recreated every channel, so none is marked missing any more (issue 17). '
  'Rewriting the same ids changes nothing else. Errors: MB003 guild_not_found. Source: issue #4.';
--! EndIncluded discord/save_discord_setup.sql

drop function if exists app_hidden.mark_discord_channel_missing(bigint, text, bigint, text);
--! Included discord/mark_discord_channel_missing.sql
create or replace function app_hidden.mark_discord_channel_missing(p_guild_id bigint, p_channel text, p_channel_id bigint,
  p_error text default null)
returns boolean
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_current bigint;
begin
  if p_channel is null or p_channel not in ('hub', 'leaderboard', 'shop', 'transactions') then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'channel'));
  end if;
  select case p_channel when 'hub' then g.hub_channel_id when 'leaderboard' then g.leaderboard_channel_id
                        when 'shop' then g.shop_channel_id else g.transactions_channel_id end
    into v_current
    from app_public.guild_discord g where g.guild_id = p_guild_id
   for update;
  -- Only the guild's current channel: a job that still held the id of a channel /setup has since replaced marks nothing.
  if v_current is null or v_current <> p_channel_id then
    return false;
  end if;
  update app_public.guild_discord g set missing_channels = g.missing_channels || p_channel
   where g.guild_id = p_guild_id and not (p_channel = any (g.missing_channels));
  if not found then
    return false;
  end if;
  perform app_hidden.raise_alert(p_guild_id, 'warning', 'discord_channel_missing',
    format('The bot''s #%s channel (%s) is gone or no longer accessible in Discord: its posts are stopped until an '
           'ADMIN runs /setup, which recreates it.',
      case p_channel when 'hub' then 'coin-hub' when 'transactions' then 'coin-transactions' else p_channel end, p_channel_id),
    jsonb_build_object('channel', p_channel, 'channel_id', p_channel_id::text, 'error', left(p_error, 500)));
  return true;
end;
$$;

comment on function app_hidden.mark_discord_channel_missing(bigint, text, bigint, text) is
  'The bot''s runner, when Discord answers that one of the guild''s channels (hub, leaderboard, shop, transactions) is '
  'unknown or not accessible (10003, 10008, 50001): marks it in guild_discord.missing_channels, so no discord__* job '
  'is queued for it any more (app_private.queue_discord_job) and the queued ones end without calling Discord, and '
  'raises one warning ops alert ''discord_channel_missing''. True when newly marked; false when it already was, or '
  'when p_channel_id is no longer the guild''s channel. /setup clears the marks (app_hidden.save_discord_setup). '
  'Errors: VL001 invalid_argument (an unknown channel name). Source: issue 17 (defect 11).';
--! EndIncluded discord/mark_discord_channel_missing.sql
revoke all on function app_hidden.mark_discord_channel_missing(bigint, text, bigint, text) from public;
grant execute on function app_hidden.mark_discord_channel_missing(bigint, text, bigint, text) to coins_worker;

-- Defect 10: a change of an order's status edits the feed posts of its transactions.
drop trigger if exists _800_discord_feed on app_public.orders;
drop function if exists app_private.tg_orders__discord_feed();
--! Included discord/tg_orders__discord_feed.sql
create or replace function app_private.tg_orders__discord_feed() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_tx uuid;
begin
  -- The feed posts of the order's transactions: those already posted, and those whose post is still queued (made
  -- since the guild's setup). A transaction from before the bot was set up has no post and gets none now.
  for v_tx in
    select t.tx_id from app_public.transactions t
     where t.order_id = new.order_id and t.guild_id = new.guild_id
       and (exists (select 1 from app_public.discord_messages m
                     where m.guild_id = t.guild_id and m.subject_type = 'transaction' and m.subject_id = t.tx_id::text)
            or t.created_at >= (select g.created_at from app_public.guild_discord g where g.guild_id = t.guild_id))
  loop
    perform app_private.queue_discord_job(new.guild_id, 'transactions', 'discord__transaction',
      jsonb_build_object('tx_id', v_tx), 'discord__transaction:' || v_tx);
  end loop;
  return null;
end;
$$;

comment on function app_private.tg_orders__discord_feed() is
  'Trigger: a change of an order''s status (fulfilled by its job, refunded, cancelled, timed out) re-renders the '
  '#coin-transactions posts of its transactions (discord__transaction, coalesced per transaction by its job key), so a '
  'purchase no longer shows Status=pending with Refund and Force Fulfil once the order is settled. Source: issue 17 '
  '(defect 10).';
--! EndIncluded discord/tg_orders__discord_feed.sql
revoke all on function app_private.tg_orders__discord_feed() from public;
create trigger _800_discord_feed after update of status on app_public.orders
  for each row when (old.status is distinct from new.status) execute function app_private.tg_orders__discord_feed();

-- Defect 9: the currency of every amount the bot and the alerts show; the digest's coin figures count coins only.
--! Included discord/discord_feed_entry.sql
create or replace function app_hidden.discord_feed_entry(p_tx_id uuid) returns jsonb
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
    'currency', t.currency,
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
      select jsonb_agg(jsonb_build_object('discord_id', u.discord_id::text, 'kind', a.kind, 'currency', a.currency,
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
  'it. Amounts are minor units of the transaction''s currency (each delta: of its account''s), which the entry names '
  '(COIN, MCD), so the bot shows them at their scale. Null for an unknown transaction. Source: issue #4 (admin '
  'transaction feed), seed 000 section 4; issue 17 (currency).';
--! EndIncluded discord/discord_feed_entry.sql
--! Included members/my_card.sql
create or replace function app_public.my_card() returns app_public.member_card
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
    coalesce((select jsonb_agg(jsonb_build_object('tx_id', t.tx_id, 'type', t.type, 'amount', t.amount, 'currency', t.currency,
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
  'rank (1 + members with a higher wallet balance), lifetime counters and the last 3 transactions with direction and '
  'currency (amounts in minor units of it: a Minecraft payment is MCD, scale 2; issue 17). '
  'Errors: AU001 not_authenticated, MB001 member_not_registered. Source: seed 000 section 4 (My Card).';
--! EndIncluded members/my_card.sql
--! Included minecraft/payout_unconfirmed.sql
create or replace function app_hidden.payout_unconfirmed(p_payout_id bigint, p_reason text) returns setof app_public.minecraft_payouts
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_public.minecraft_payouts;
begin
  update app_public.minecraft_payouts p set status = 'failed', failed_at = now(), failure = left(coalesce(p_reason, 'unconfirmed'), 1000)
   where p.id = p_payout_id and p.status = 'sent'
  returning p.* into v;
  if v.id is null then
    return;
  end if;
  perform app_hidden.raise_alert(v.guild_id, 'critical', 'payout_unconfirmed',
    format('Payout %s of %s MCD to %s was sent but not confirmed (%s). It is NOT resent: check in game, then resolve it.',
      v.id, to_char(v.amount / 100.0, 'FM999999999999990.00'), v.ign, v.failure),
    jsonb_build_object('payout_id', v.id, 'ign', v.ign, 'amount', v.amount, 'currency', 'MCD', 'reason', v.failure));
  return next v;
end;
$$;

comment on function app_hidden.payout_unconfirmed(bigint, text) is
  'minecraft__payout, when no confirmation line came in time: sent -> failed and a critical ops alert for staff; the '
  'hold stays in escrow (the /pay may have gone through) until a late confirmation or staff resolve it '
  '(app_public.resolve_payout). Never resent automatically. No row when the payout was not sent (or already settled). '
  'The alert''s detail names the amount''s currency (MCD) for the alert posts (issue 17).';
--! EndIncluded minecraft/payout_unconfirmed.sql
--! Included discord/daily_digest.sql
create or replace function app_hidden.daily_digest(p_day date) returns integer
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
        -- Coins only: the digest's amounts are coins (an MCD payment in minor units would count 100 times its value).
        (select coalesce(sum(amount), 0) from app_public.transfers t where t.guild_id = v_guild and t.created_at >= v_from
           and t.created_at < v_to and t.timeout_at is null and t.reason <> 'order_refund' and t.currency = 'COIN'),
        (select coalesce(sum(t.amount), 0) from app_public.transfers t where t.guild_id = v_guild and t.reason = 'market_fee'
           and t.created_at >= v_from and t.created_at < v_to and t.currency = 'COIN'),
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
                    where t.guild_id = v_guild and a.kind = 'wallet' and a.currency = 'COIN' and t.created_at >= v_from and t.created_at < v_to
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
  'refunds, active members, top movers by coin wallet) and an admin_actions entry; idempotent per day. Returns rows '
  'written. Volume, fees and movers count COIN only: Minecraft dollars (MCD, scale 2) are another currency (issue 17).';
--! EndIncluded discord/daily_digest.sql
-- An insufficient-funds refusal names the currency of its amounts (an MCD payout's shortfall is in MCD).
--! Included ledger/post_transfer.sql
create or replace function app_private.post_transfer(
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
          'available', (select balance from app_public.accounts where id = p_debit_account_id),
          'currency', (select currency from app_public.accounts where id = p_debit_account_id)));
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
  'NF001 insufficient_funds (the debit account cannot go below zero; DETAIL needed, available and their currency, '
  'issue 17), LG001 ledger_violation. Design: DESIGN.md "Money".';
--! EndIncluded ledger/post_transfer.sql
