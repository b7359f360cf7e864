--! Previous: sha1:ba1f931c4d66edb14a0f97e032f5c2bcbe7945d4
--! Hash: sha1:a7b7a0b44e59ca61e66ecb1f6af289fa4cadab03
--! Message: issue 12 hot paths: give without wrapper calls, one idempotency write, fewer event-log indexes, generic plans

-- Issue 12: hot paths. Internal changes only: every rule keeps its signature, results, errors and
-- side effects. See README "Performance" and bench/README.md for the measurements.

-- The event log loses two of its eleven indexes (nine written per give become seven):
--  * transactions_created_at (created_at): every reader is scoped by guild (RLS, the jobs), and
--    (guild_id, created_at) serves those;
--  * transactions_seq_key unique (seq) and transactions_guild_seq (guild_id, seq) become one unique
--    index (guild_id, seq): seq comes from an identity sequence, so it stays unique; the backlog of
--    transactions_since reads the same index; and the constraint now includes guild_id (scale-out).
drop index if exists app_public.transactions_created_at;
alter table app_public.transactions drop constraint if exists transactions_seq_key;
alter table app_public.transactions drop constraint if exists transactions_guild_seq;
drop index if exists app_public.transactions_guild_seq;
create unique index transactions_guild_seq on app_public.transactions (guild_id, seq);
alter table app_public.transactions add constraint transactions_guild_seq unique using index transactions_guild_seq;

--! Included give/give.sql
create or replace function app_public.give(to_discord_id bigint, amount bigint, idempotency_key text)
returns app_public.give_receipt
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
  set plan_cache_mode = force_generic_plan
as $$
declare
  v_guild bigint := nullif(current_setting('app.guild_id', true), '')::bigint;
  v_discord bigint := nullif(current_setting('app.discord_id', true), '')::bigint;
  v_from bigint;
begin
  -- app_private.current_member() inlined (issue 12: one PL/pgSQL call less per give); same errors.
  if v_guild is null or v_discord is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  select id into v_from from app_public.users where guild_id = v_guild and discord_id = v_discord;
  if v_from is null then
    perform app_private.raise_error('MB001', 'member_not_registered');
  end if;
  return app_private.give_from(v_from, to_discord_id, amount, idempotency_key, now());
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
  v_from app_public.users;
  v_to app_public.users;
  v_row app_public.users;
  v_guild bigint;
  v_to_id bigint;
  v_request jsonb;
  v_prior app_private.idempotency_keys;
  v_limit integer;
  v_window integer;
  v_currency_on boolean;
  v_from_wallet bigint;
  v_to_wallet bigint;
  v_oldest timestamptz;
  v_tx uuid;
  v_transfer bigint;
  v_result app_public.give_receipt;
begin
  if p_key is null then
    perform app_private.raise_error('IK002', 'idempotency_key_invalid', jsonb_build_object('length', null));
  end if;
  if p_amount is null or p_amount <= 0 then
    perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', p_amount));
  end if;
  select guild_id into v_guild from app_public.users where id = p_from_user_id;
  select id into v_to_id from app_public.users where guild_id = v_guild and discord_id = p_to_discord_id;
  if v_to_id is null then
    perform app_private.raise_error('MB002', 'member_not_found', jsonb_build_object('discord_id', p_to_discord_id::text));
  end if;
  if v_to_id = p_from_user_id then
    perform app_private.raise_error('TR001', 'self_transfer');
  end if;

  -- Read before the member locks (neither depends on them: wallet ids never change), so the
  -- sender's lock is held for less time.
  -- The settings row also says whether the currency is switched off (issue 14 feature toggles): the same read,
  -- so the toggle costs the give nothing (a guild without a settings row has every feature on).
  select give_rate_limit, give_rate_window_s, feature_currency into v_limit, v_window, v_currency_on
    from app_public.guild_settings where guild_id = v_guild;
  if v_currency_on is false then
    perform app_private.raise_error('FT001', 'feature_disabled', jsonb_build_object('feature', 'currency'));
  end if;
  select max(id) filter (where user_id = p_from_user_id), max(id) filter (where user_id = v_to_id)
    into v_from_wallet, v_to_wallet
    from app_public.accounts where user_id in (p_from_user_id, v_to_id) and currency = 'COIN' and kind = 'wallet';

  -- Lock both members in id order and read them in the same statement (what lock_members and
  -- two re-reads did; issue 12).
  for v_row in select * from app_public.users where id in (p_from_user_id, v_to_id) order by id for no key update loop
    if v_row.id = p_from_user_id then v_from := v_row; else v_to := v_row; end if;
  end loop;

  -- Idempotency (what idempotency_begin / idempotency_finish did, with one row write instead of an
  -- insert then an update). The key belongs to the sender, whose member row is locked above: a
  -- concurrent give with the same key waits for that lock, then sees this one's committed row here.
  if length(p_key) not between 1 and 255 then
    perform app_private.raise_error('IK002', 'idempotency_key_invalid', jsonb_build_object('length', length(p_key)));
  end if;
  v_request := jsonb_build_object('fn', 'give', 'to', p_to_discord_id, 'amount', p_amount);
  select * into v_prior from app_private.idempotency_keys
   where guild_id = v_guild and actor_id = v_from.discord_id and key = p_key;
  if found then
    if v_prior.request is distinct from v_request then
      perform app_private.raise_error('IK001', 'idempotency_key_reused', jsonb_build_object('key', p_key));
    end if;
    if v_prior.result is not null then
      return jsonb_populate_record(null::app_public.give_receipt, v_prior.result);
    end if;
  end if;

  if v_from.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  if v_to.frozen then
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
    values (v_guild, 'spend', v_from.discord_id, v_from.id, v_to.id, p_amount, 'give',
            jsonb_build_object('to_discord_id', v_to.discord_id::text), p_at)
    returning tx_id into v_tx;
  v_transfer := app_private.post_transfer(v_guild, v_from_wallet, v_to_wallet, p_amount, 'give', v_tx,
    'posted', null, null, p_at);

  v_result := (v_tx, v_transfer, p_amount, v_to.discord_id,
    (select balance from app_public.accounts where id = v_from_wallet), p_at)::app_public.give_receipt;
  -- Recorded in the same transaction as the effect. A conflict here can only come from another rule
  -- (not a give) that claimed the same key for this sender meanwhile and committed: key reused.
  insert into app_private.idempotency_keys (guild_id, actor_id, key, request, result)
    values (v_guild, v_from.discord_id, p_key, v_request, to_jsonb(v_result))
    on conflict (guild_id, actor_id, key) do update set result = excluded.result
      where idempotency_keys.request = excluded.request and idempotency_keys.result is null;
  if not found then
    perform app_private.raise_error('IK001', 'idempotency_key_reused', jsonb_build_object('key', p_key));
  end if;
  return v_result;
end;
$$;

comment on function app_private.give_from(bigint, bigint, bigint, text, timestamptz) is
  'The give rule at an explicit time (the public function passes now(); the demo seed back-dates). See app_public.give (its errors, FT001 feature_disabled included: the guild switched the currency off, issue 14).';
--! EndIncluded give/give_from.sql

-- The public entry points of the hot paths run every statement they reach (their own, the rules they
-- call, the triggers they fire) with generic plans: plpgsql otherwise re-plans on every call each
-- statement whose custom plan looks cheaper (LIMIT/OFFSET and IN-lists of parameters), about 10 %
-- of a give's server CPU. The generic plans are the same index scans (EXPLAIN in README).
--! Included market/buy_listing.sql
create or replace function app_public.buy_listing(listing_id uuid, qty integer, idempotency_key text) returns app_public.orders
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
  set plan_cache_mode = force_generic_plan
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
--! EndIncluded market/buy_listing.sql
--! Included orders/fulfil_order.sql
create or replace function app_hidden.fulfil_order(p_order_id uuid, p_delivery_ref text default null) returns app_public.orders
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
  set plan_cache_mode = force_generic_plan
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

create or replace function app_public.fulfil_order(order_id uuid, reason text) returns app_public.orders
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
--! EndIncluded orders/fulfil_order.sql
