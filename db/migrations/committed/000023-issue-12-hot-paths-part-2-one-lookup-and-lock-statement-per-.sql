--! Previous: sha1:09a652eb9ecef514db8609ac252e9a960e200964
--! Hash: sha1:eefd1cbba84381b468cad51076722b14b2f2558c
--! Message: issue 12 hot paths, part 2: one lookup-and-lock statement per give, the ledger writer in one statement, one trigger on the event log, fillfactor 70 on members and accounts

-- Issue 12: hot paths, part 2. Internal changes only: every rule keeps its signature, results, errors and
-- side effects. See README "Performance" and bench/README.md for the measurements.

-- The three AFTER INSERT triggers on the event log (high-value alert, Discord feed job, live-feed NOTIFY)
-- become one, which reads the guild's settings once for all three.
drop trigger if exists _700_high_value on app_public.transactions;
drop trigger if exists _800_discord_feed on app_public.transactions;
drop trigger if exists _800_notify on app_public.transactions;
drop trigger if exists _700_fan_out on app_public.transactions;
drop function if exists app_private.tg_transactions__high_value();
drop function if exists app_private.tg_transactions__discord_feed();
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
                  where g.guild_id = new.guild_id and g.transactions_channel_id is not null
                    and not ('transactions' = any (g.missing_channels))),
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
  --    discord__transaction job, as app_private.queue_discord_job queues it.
  if v_feed then
    perform graphile_worker.add_job('discord__transaction', json_build_object('tx_id', new.tx_id),
      queue_name := 'discord:' || new.guild_id, job_key := 'discord__transaction:' || new.tx_id, max_attempts := 10);
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
create trigger _700_fan_out after insert on app_public.transactions
  for each row execute function app_private.tg_transactions__fan_out();

-- Member and account rows are updated by every transfer (balances, lifetime counters): leave room on each
-- page so those updates stay HOT (no index insertions). New pages only; VACUUM FULL rewrites old ones.
alter table app_public.users set (fillfactor = 70);
alter table app_public.accounts set (fillfactor = 70);

-- The give rule: one statement reads and locks both members with their wallets and the guild's settings.
--! Included give/give_as.sql
create or replace function app_private.give_as(p_guild_id bigint, p_from_discord_id bigint, p_to_discord_id bigint,
  p_amount bigint, p_key text, p_at timestamptz)
returns app_public.give_receipt
language plpgsql
as $$
declare
  v_row record;
  v_from_id bigint;
  v_to_id bigint;
  v_from_frozen boolean;
  v_to_frozen boolean;
  v_from_wallet bigint;
  v_to_wallet bigint;
  v_limit integer;
  v_window integer;
  v_currency_on boolean;
  v_request jsonb;
  v_prior app_private.idempotency_keys;
  v_oldest timestamptz;
  v_tx uuid;
  v_transfer bigint;
  v_receipt jsonb;
begin
  if p_key is null then
    perform app_private.raise_error('IK002', 'idempotency_key_invalid', jsonb_build_object('length', null));
  end if;
  if p_amount is null or p_amount <= 0 then
    perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', p_amount));
  end if;

  -- One statement finds both members, their COIN wallets and the guild's give settings, and locks
  -- both member rows in id order (issue 12: it replaces six statements). The settings row also says
  -- whether the currency is switched off (issue 14; a guild without a settings row has every feature on).
  for v_row in
    select u.id, u.discord_id, u.frozen, a.id as wallet, s.give_rate_limit, s.give_rate_window_s, s.feature_currency
      from app_public.users u
      join app_public.accounts a on a.user_id = u.id and a.currency = 'COIN' and a.kind = 'wallet'
      left join app_public.guild_settings s on s.guild_id = u.guild_id
     where u.guild_id = p_guild_id and u.discord_id in (p_from_discord_id, p_to_discord_id)
     order by u.id
       for no key update of u
  loop
    if v_row.discord_id = p_from_discord_id then
      v_from_id := v_row.id; v_from_frozen := v_row.frozen; v_from_wallet := v_row.wallet;
    else
      v_to_id := v_row.id; v_to_frozen := v_row.frozen; v_to_wallet := v_row.wallet;
    end if;
    v_limit := v_row.give_rate_limit; v_window := v_row.give_rate_window_s; v_currency_on := v_row.feature_currency;
  end loop;
  if v_from_id is null then
    perform app_private.raise_error('MB001', 'member_not_registered');
  end if;
  if p_to_discord_id = p_from_discord_id then
    perform app_private.raise_error('TR001', 'self_transfer');
  end if;
  if v_to_id is null then
    perform app_private.raise_error('MB002', 'member_not_found', jsonb_build_object('discord_id', p_to_discord_id::text));
  end if;
  if v_currency_on is false then
    perform app_private.raise_error('FT001', 'feature_disabled', jsonb_build_object('feature', 'currency'));
  end if;

  -- Idempotency, with one row write. The key belongs to the sender, whose member row is locked above:
  -- a concurrent give with the same key waits for that lock, then sees this one's committed row here.
  if length(p_key) not between 1 and 255 then
    perform app_private.raise_error('IK002', 'idempotency_key_invalid', jsonb_build_object('length', length(p_key)));
  end if;
  v_request := jsonb_build_object('fn', 'give', 'to', p_to_discord_id, 'amount', p_amount);
  select * into v_prior from app_private.idempotency_keys
   where guild_id = p_guild_id and actor_id = p_from_discord_id and key = p_key;
  if found then
    if v_prior.request is distinct from v_request then
      perform app_private.raise_error('IK001', 'idempotency_key_reused', jsonb_build_object('key', p_key));
    end if;
    if v_prior.result is not null then
      return jsonb_populate_record(null::app_public.give_receipt, v_prior.result);
    end if;
  end if;

  if v_from_frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  if v_to_frozen then
    perform app_private.raise_error('FZ002', 'recipient_frozen', jsonb_build_object('discord_id', p_to_discord_id::text));
  end if;

  -- The limit-th most recent give inside the window: once it leaves the window, a slot frees up.
  select created_at into v_oldest from app_public.transfers
   where debit_account_id = v_from_wallet and reason = 'give'
     and created_at > p_at - make_interval(secs => v_window) and created_at <= p_at
   order by created_at desc
   offset v_limit - 1 limit 1;
  if v_oldest is not null then
    perform app_private.raise_error('RL001', 'rate_limited',
      jsonb_build_object('limit', v_limit, 'window_s', v_window,
        'retry_after_s', greatest(1, ceil(extract(epoch from v_oldest + make_interval(secs => v_window) - p_at)))::bigint));
  end if;

  insert into app_public.transactions (guild_id, type, actor_id, user_id, counterparty_id, amount, reason, meta, created_at)
    values (p_guild_id, 'spend', p_from_discord_id, v_from_id, v_to_id, p_amount, 'give',
            jsonb_build_object('to_discord_id', p_to_discord_id::text), p_at)
    returning tx_id into v_tx;
  v_transfer := app_private.post_transfer(p_guild_id, v_from_wallet, v_to_wallet, p_amount, 'give', v_tx,
    'posted', null, null, p_at);

  -- The receipt (with the sender's new balance) is recorded in the same statement that reads it, in the
  -- same transaction as the effect. A conflict here can only come from another rule (not a give) that
  -- claimed the same key for this sender meanwhile and committed: key reused.
  insert into app_private.idempotency_keys (guild_id, actor_id, key, request, result)
    select p_guild_id, p_from_discord_id, p_key, v_request,
           to_jsonb((v_tx, v_transfer, p_amount, p_to_discord_id, a.balance, p_at)::app_public.give_receipt)
      from app_public.accounts a where a.id = v_from_wallet
    on conflict (guild_id, actor_id, key) do update set result = excluded.result
      where idempotency_keys.request = excluded.request and idempotency_keys.result is null
    returning result into v_receipt;
  if v_receipt is null then
    perform app_private.raise_error('IK001', 'idempotency_key_reused', jsonb_build_object('key', p_key));
  end if;
  return (v_tx, v_transfer, p_amount, p_to_discord_id, (v_receipt ->> 'balance')::bigint, p_at)::app_public.give_receipt;
end;
$$;

comment on function app_private.give_as(bigint, bigint, bigint, bigint, text, timestamptz) is
  'The give rule for the member p_from_discord_id of guild p_guild_id at an explicit time: app_public.give passes the '
  'caller''s claims and now(), app_private.give_from a member id (the demo seed back-dates). Rules and errors: see '
  'app_public.give (AM001, IK002, MB001, TR001, MB002, FT001, IK001, FZ001, FZ002, RL001, NF001). Issue 12: both members, '
  'their wallets and the guild''s settings are read and locked in one statement. Source: issue #2, issue 12.';
--! EndIncluded give/give_as.sql
--! Included give/give.sql
create or replace function app_public.give(to_discord_id bigint, amount bigint, idempotency_key text)
returns app_public.give_receipt
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
  set plan_cache_mode = force_generic_plan
as $$
declare
  v_guild bigint := nullif(current_setting('app.guild_id', true), '')::bigint;
  v_discord bigint := nullif(current_setting('app.discord_id', true), '')::bigint;
begin
  -- app_private.current_member() inlined (issue 12: one PL/pgSQL call less per give); give_as raises
  -- MB001 when the caller is not a member.
  if v_guild is null or v_discord is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  return app_private.give_as(v_guild, v_discord, to_discord_id, amount, idempotency_key, now());
end;
$$;

comment on function app_public.give(bigint, bigint, text) is
  'Moves amount coins (minor units, > 0) from the calling member''s wallet to another registered member of the guild. '
  'Rules: no self-transfer; neither side frozen; at most guild_settings.give_rate_limit gives per give_rate_window_s '
  'seconds per sender (default 5 per 60 s); the wallet cannot go negative; the idempotency key is required and a '
  'replay returns the first receipt. Errors: AU001, MB001 member_not_registered, MB002 member_not_found, '
  'TR001 self_transfer, AM001 invalid_amount, FZ001 account_frozen, FZ002 recipient_frozen, RL001 rate_limited, '
  'NF001 insufficient_funds, IK001 idempotency_key_reused, IK002 idempotency_key_invalid, FT001 feature_disabled (the guild switched the currency off, issue 14). Source: issue #2.';
--! EndIncluded give/give.sql
--! Included give/give_from.sql
create or replace function app_private.give_from(p_from_user_id bigint, p_to_discord_id bigint, p_amount bigint, p_key text,
  p_at timestamptz default now())
returns app_public.give_receipt
language plpgsql
as $$
declare
  v_guild bigint;
  v_discord bigint;
begin
  select guild_id, discord_id into v_guild, v_discord from app_public.users where id = p_from_user_id;
  if v_guild is null then
    perform app_private.raise_error('MB001', 'member_not_registered');
  end if;
  return app_private.give_as(v_guild, v_discord, p_to_discord_id, p_amount, p_key, p_at);
end;
$$;

comment on function app_private.give_from(bigint, bigint, bigint, text, timestamptz) is
  'The give rule for a member given by id, at an explicit time (the demo seed back-dates): app_private.give_as. See '
  'app_public.give (its errors, FT001 feature_disabled included: the guild switched the currency off, issue 14).';
--! EndIncluded give/give_from.sql
-- The ledger's single writer: one statement moves the balances, records the transfer and the counters.
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

  -- One statement moves both balances, records the transfer and moves the lifetime counters (issue 12: it
  -- was three). The debit side only moves if it can afford it; the WHERE clause is re-checked on the
  -- latest row version after the row lock is taken. The transfer and the counters are only written when
  -- both sides moved in one currency; otherwise the errors below abort the transaction.
  with moved as (
    update app_public.accounts a
       set balance = a.balance + case when a.id = p_credit_account_id then p_amount else -p_amount end,
           credits_posted = a.credits_posted + case when a.id = p_credit_account_id then p_amount else 0 end,
           debits_posted = a.debits_posted + case when a.id = p_debit_account_id then p_amount else 0 end
     where a.id in (p_debit_account_id, p_credit_account_id)
       and a.guild_id = p_guild_id
       and (a.id = p_credit_account_id or a.kind in ('mint', 'external') or a.balance >= p_amount)
    returning a.id, a.currency, a.user_id
  ), sides as (
    select count(*) as n, count(distinct currency) as currencies, min(currency) as currency,
           max(user_id) filter (where id = p_debit_account_id) as debit_user,
           max(user_id) filter (where id = p_credit_account_id) as credit_user
      from moved
  ), posted as (
    insert into app_public.transfers (guild_id, debit_account_id, credit_account_id, currency, amount, status,
        pending_id, timeout_at, resolved_at, reason, tx_id, created_at)
      select p_guild_id, p_debit_account_id, p_credit_account_id, s.currency, p_amount, p_status,
        p_pending_id, p_timeout_at, case when p_status = 'posted' then p_at end, p_reason, p_tx_id, p_at
        from sides s where s.n = 2 and s.currencies = 1
    returning id
  ), lifetime as (
    -- Lifetime counters (in coins) move only when COIN crosses between owners (holds and voids stay with the member).
    update app_public.users u
       set lifetime_spent = u.lifetime_spent + case when u.id = s.debit_user then p_amount else 0 end,
           lifetime_earned = u.lifetime_earned + case when u.id = s.credit_user then p_amount else 0 end
      from sides s
     where s.n = 2 and s.currencies = 1 and s.currency = 'COIN' and s.debit_user is distinct from s.credit_user
       and u.id in (s.debit_user, s.credit_user)
  )
  select s.n, s.currencies, (select id from posted) into v_moved, v_currencies, v_id from sides s;

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
