--! Previous: sha1:898159c73485b60e62aef6ff9d3eb22fd46b7898
--! Hash: sha1:e59d485a9b6a0b3ad4490bda1ade8456c8bd2dfb
--! Message: review: one definition of a ready bot channel and of queueing a discord__* job (queue_discord_job and the transactions fan-out share them); tg__notify_stream without its dead tx_stream branch

-- Review of issue 12 part 2: one definition of "the bot's channel is ready" and of how a discord__* job is
-- queued, shared by queue_discord_job and the transactions fan-out trigger; tg__notify_stream loses its
-- tx_stream branch (no trigger passes tx_stream to it since 000023).
--! Included discord/discord_channel_ready.sql
create or replace function app_private.discord_channel_ready(g app_public.guild_discord, p_channel text) returns boolean
language sql immutable
as $$
  select case p_channel when 'transactions' then g.transactions_channel_id when 'shop' then g.shop_channel_id
                        when 'leaderboard' then g.leaderboard_channel_id end is not null
     and not (p_channel = any (g.missing_channels));
$$;

comment on function app_private.discord_channel_ready(app_public.guild_discord, text) is
  'Whether the guild''s bot channel p_channel (transactions, shop or leaderboard) is set and not marked missing until '
  '/setup repairs it: the condition for queueing a discord__* job to it (issue 17). Inlined where it is called.';
--! EndIncluded discord/discord_channel_ready.sql
--! Included discord/add_discord_job.sql
create or replace function app_private.add_discord_job(p_guild_id bigint, p_task text, p_payload jsonb, p_key text)
returns void
language plpgsql volatile set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform graphile_worker.add_job(p_task, p_payload::json, queue_name := 'discord:' || p_guild_id, job_key := p_key,
    max_attempts := 10);
end;
$$;

comment on function app_private.add_discord_job(bigint, text, jsonb, text) is
  'Queues a discord__* job for the bot''s runner: the guild''s own queue ''discord:<guild>'' runs its jobs one at a time '
  '(the feed keeps its order); the job_key per subject coalesces a burst of changes into one edit; 10 attempts with '
  'graphile-worker''s exponential backoff. Callers check the channel first (discord_channel_ready).';
--! EndIncluded discord/add_discord_job.sql
--! Included discord/queue_discord_job.sql
create or replace function app_private.queue_discord_job(p_guild_id bigint, p_channel text, p_task text, p_payload jsonb, p_key text)
returns void
language plpgsql volatile set search_path = pg_catalog, public, pg_temp
as $$
begin
  if exists (select 1 from app_public.guild_discord g
              where g.guild_id = p_guild_id and app_private.discord_channel_ready(g, p_channel)) then
    perform app_private.add_discord_job(p_guild_id, p_task, p_payload, p_key);
  end if;
end;
$$;

comment on function app_private.queue_discord_job(bigint, text, text, jsonb, text) is
  'Queues a discord__* job for the bot''s runner when the guild has the bot''s channel p_channel (transactions, shop or '
  'leaderboard; a guild without the bot, or whose channel is marked missing until /setup repairs it, queues nothing; '
  'issue 17): app_private.discord_channel_ready, then app_private.add_discord_job. The server''s worker has no '
  'discord__* task, so never claims it.';
--! EndIncluded discord/queue_discord_job.sql
--! Included ledger/tg_transactions__fan_out.sql
create or replace function app_private.tg_transactions__fan_out() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_threshold bigint;
  v_feed boolean;
  v_watched boolean;
begin
  -- One read of what the guild wants told about a new transaction (issue 12: three triggers made three).
  select s.high_value_threshold,
         exists (select 1 from app_public.guild_discord g
                  where g.guild_id = new.guild_id and app_private.discord_channel_ready(g, 'transactions')),
         exists (select 1 from app_private.stream_watchers w where w.guild_id = new.guild_id and w.expires_at > now())
    into v_threshold, v_feed, v_watched
    from (values (new.guild_id)) t (guild_id)
    left join app_public.guild_settings s on s.guild_id = t.guild_id;

  -- 1. A COIN movement (give, purchase, fulfilment, adjustment) of at least the guild's high_value_threshold
  --    raises a warning ops alert 'high_value_trade' (seed 000 section 11 "high-value trade pings").
  if new.amount > 0 and new.currency = 'COIN' and new.type in ('spend', 'earn', 'buy', 'fulfil')
     and new.amount >= v_threshold then
    perform app_hidden.raise_alert(new.guild_id, 'warning', 'high_value_trade',
      format('%s coins moved (%s, %s) by %s.', new.amount, new.type, new.reason, coalesce(new.actor_id::text, 'the system')),
      jsonb_build_object('tx_id', new.tx_id, 'type', new.type, 'reason', new.reason, 'amount', new.amount,
        'actor_id', new.actor_id::text, 'threshold', v_threshold, 'order_id', new.order_id, 'listing_id', new.listing_id));
  end if;
  -- 2. A guild with the bot's #coin-transactions channel (not marked missing) gets the feed post: the
  --    discord__transaction job (what app_private.queue_discord_job does, with the channel read above).
  if v_feed then
    perform app_private.add_discord_job(new.guild_id, 'discord__transaction', jsonb_build_object('tx_id', new.tx_id),
      'discord__transaction:' || new.tx_id);
  end if;
  -- 3. The live feed is told at commit (NOTIFY tx_stream with the guild id), only while someone watches
  --    the guild: every notifying commit takes a server-wide lock through its WAL flush.
  if v_watched then
    perform pg_notify('tx_stream', new.guild_id::text);
  end if;
  return null;
end;
$$;

comment on function app_private.tg_transactions__fan_out() is
  'Trigger (after insert on transactions): (1) a COIN movement of type spend, earn, buy or fulfil of at least the '
  'guild''s high_value_threshold raises the warning ops alert ''high_value_trade'' (seed 000 section 11 "high-value '
  'trade pings"); (2) a guild with a #coin-transactions channel not marked missing queues its feed post '
  'discord__transaction (issue 17); (3) NOTIFY tx_stream with the guild id while a live-feed lease exists '
  '(app_private.stream_watchers). One read of the guild''s settings for all three (issue 12: they were three triggers).';
--! EndIncluded ledger/tg_transactions__fan_out.sql
--! Included stream/tg__notify_stream.sql
create or replace function app_private.tg__notify_stream() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  -- Delivered at commit; identical payloads within one transaction are folded into one.
  perform pg_notify(tg_argv[0], coalesce(new.guild_id::text, ''));
  return null;
end;
$$;

comment on function app_private.tg__notify_stream() is
  'Trigger: NOTIFY channel tg_argv[0] with the row''s guild id (ops_alerts). The transaction feed notifies from '
  'tg_transactions__fan_out instead, only while a live-feed lease exists for the guild (issue 12).';
--! EndIncluded stream/tg__notify_stream.sql
