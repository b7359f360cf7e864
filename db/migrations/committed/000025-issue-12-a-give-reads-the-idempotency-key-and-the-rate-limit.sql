--! Previous: sha1:bb0670eed53f590f0dd63928b65e05c822fdd427
--! Hash: sha1:9895b01f00171d27634db92561fe3bbb181d2d2a
--! Message: issue 12: a give reads the idempotency key and the rate-limit window in one statement

-- Issue 12: a give reads the idempotency key's record and the rate-limit window in one statement.
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
  v_prior_request jsonb;
  v_prior_result jsonb;
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
  -- One statement reads the key's record and the rate-limit window (issue 12: it was two): the limit-th most
  -- recent give inside the window; once it leaves the window, a slot frees up. Both are read after the lock.
  select k.request, k.result,
         (select t.created_at from app_public.transfers t
           where t.debit_account_id = v_from_wallet and t.reason = 'give'
             and t.created_at > p_at - make_interval(secs => v_window) and t.created_at <= p_at
           order by t.created_at desc
          offset v_limit - 1 limit 1)
    into v_prior_request, v_prior_result, v_oldest
    from (values (1)) one (x)
    left join app_private.idempotency_keys k on k.guild_id = p_guild_id and k.actor_id = p_from_discord_id and k.key = p_key;
  if v_prior_request is not null then
    if v_prior_request is distinct from v_request then
      perform app_private.raise_error('IK001', 'idempotency_key_reused', jsonb_build_object('key', p_key));
    end if;
    if v_prior_result is not null then
      return jsonb_populate_record(null::app_public.give_receipt, v_prior_result);
    end if;
  end if;

  if v_from_frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  if v_to_frozen then
    perform app_private.raise_error('FZ002', 'recipient_frozen', jsonb_build_object('discord_id', p_to_discord_id::text));
  end if;
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
