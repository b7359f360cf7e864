--! Previous: sha1:e276b21f5b8fbc5b9a7e780a9c670a2647e1e291
--! Hash: sha1:0f19013c6ddbcd8034fa2bc073ed24f065506989
--! Message: review: the market purchase gates the shop through require_feature; raise_check_violation reads the table names once

-- Review: the market purchase checks the shop feature through app_private.require_feature, the one definition of the
-- feature gate, instead of a copy of it; raise_check_violation reads the table's names once.
--! Included market/buy_listing_for.sql
create or replace function app_private.buy_listing_for(p_user_id bigint, p_listing_id uuid, p_qty integer, p_key text,
  p_at timestamptz default now())
returns app_public.orders
language plpgsql
as $$
declare
  v_buyer app_public.users;
  v_seller app_public.users;
  v_listing app_public.listings;
  v_settings app_public.guild_settings;
  v_replay jsonb;
  v_already integer;
  v_total bigint;
  v_fee bigint;
  v_order_id uuid;
  v_expires timestamptz;
  v_tx uuid;
  v_hold bigint;
  v_order app_public.orders;
begin
  perform app_private.check_quantity(p_qty);
  select * into v_listing from app_public.listings where listing_id = p_listing_id;
  select * into v_buyer from app_public.users where id = p_user_id;
  if v_listing.listing_id is null or v_listing.guild_id <> v_buyer.guild_id then
    perform app_private.raise_error('MK001', 'listing_not_found', jsonb_build_object('listing_id', p_listing_id));
  end if;
  if v_listing.seller_id = p_user_id then
    perform app_private.raise_error('MK003', 'self_purchase');
  end if;
  -- Only the buyer's funds move now, so only the buyer is locked: a popular seller must not
  -- serialise every purchase (the listing's row lock already serialises buyers of one listing).
  select * into v_buyer from app_private.lock_members(array[p_user_id]);
  -- The marketplace is part of the shop feature (issue 14 feature toggles).
  perform app_private.require_feature(v_buyer.guild_id, 'shop');
  select * into v_seller from app_public.users where id = v_listing.seller_id;
  v_replay := app_private.idempotency_begin(v_buyer.guild_id, v_buyer.discord_id, p_key,
    jsonb_build_object('fn', 'buy_listing', 'listing', p_listing_id, 'qty', p_qty));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.orders, v_replay);
  end if;
  -- The listing row lock serialises buyers: the last units go to exactly one of them.
  select * into v_listing from app_public.listings where listing_id = p_listing_id for update;
  if v_buyer.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  if v_seller.frozen then
    perform app_private.raise_error('FZ002', 'recipient_frozen', jsonb_build_object('discord_id', v_seller.discord_id::text));
  end if;
  if v_listing.status <> 'active' or v_listing.expires_at <= p_at then
    perform app_private.raise_error('MK002', 'listing_not_active',
      jsonb_build_object('status', case when v_listing.status = 'active' then 'expired' else v_listing.status::text end));
  end if;
  if p_qty > v_listing.qty_available then
    perform app_private.raise_error('MK004', 'quantity_unavailable', jsonb_build_object('available', v_listing.qty_available));
  end if;
  -- Below the minimum only to take the listing's last units (else they could never sell).
  if p_qty < v_listing.min_per_buyer and p_qty <> v_listing.qty_available then
    perform app_private.raise_error('MK005', 'below_min_per_buyer', jsonb_build_object('min', v_listing.min_per_buyer));
  end if;
  if v_listing.max_per_buyer is not null then
    select coalesce(sum(l.qty), 0) into v_already
      from app_public.order_lines l join app_public.orders o on o.order_id = l.order_id
     where l.listing_id = p_listing_id and o.buyer_id = p_user_id and o.status in ('pending', 'fulfilled');
    if v_already + p_qty > v_listing.max_per_buyer then
      perform app_private.raise_error('MK006', 'above_max_per_buyer',
        jsonb_build_object('max', v_listing.max_per_buyer, 'already', v_already));
    end if;
  end if;

  v_total := v_listing.unit_price * p_qty;
  v_fee := floor(v_total * v_listing.fee_rate)::bigint;
  select * into v_settings from app_public.guild_settings where guild_id = v_buyer.guild_id;
  v_order_id := gen_random_uuid();
  v_expires := p_at + make_interval(mins => v_settings.escrow_timeout_min);
  insert into app_public.transactions (guild_id, type, actor_id, user_id, counterparty_id, amount, reason, meta,
      order_id, listing_id, created_at)
    values (v_buyer.guild_id, 'buy', v_buyer.discord_id, p_user_id, v_listing.seller_id, v_total, 'market_purchase',
      jsonb_build_object('sku', v_listing.sku, 'qty', p_qty, 'unit_price', v_listing.unit_price, 'fee', v_fee),
      v_order_id, p_listing_id, p_at)
    returning tx_id into v_tx;
  v_hold := app_private.hold(v_buyer.guild_id, p_user_id, v_total, 'order_escrow', v_expires, v_tx, p_at);
  insert into app_public.orders (order_id, guild_id, kind, buyer_id, seller_id, escrow, fee, fulfilment, hold_id, expires_at, created_at)
    values (v_order_id, v_buyer.guild_id, 'market', p_user_id, v_listing.seller_id, v_total, v_fee, 'none', v_hold, v_expires, p_at)
    returning * into v_order;
  insert into app_public.order_lines (order_id, guild_id, listing_id, sku, qty, unit_price)
    values (v_order.order_id, v_buyer.guild_id, p_listing_id, v_listing.sku, p_qty, v_listing.unit_price);
  update app_public.listings
     set qty_available = qty_available - p_qty,
         status = case when qty_available - p_qty = 0 then 'sold'::app_public.listing_status else status end
   where listing_id = p_listing_id;
  perform app_private.idempotency_finish(v_buyer.guild_id, v_buyer.discord_id, p_key, to_jsonb(v_order));
  return v_order;
end;
$$;

comment on function app_private.buy_listing_for(bigint, uuid, integer, text, timestamptz) is
  'The marketplace purchase rule at an explicit time. See app_public.buy_listing.';
--! EndIncluded market/buy_listing_for.sql
--! Included core/raise_check_violation.sql
create or replace function app_private.raise_check_violation(p_table regclass, p_constraint text, p_row text)
returns void
language plpgsql immutable
as $$
declare
  v_schema name;
  v_table name;
begin
  select n.nspname, c.relname into v_schema, v_table
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where c.oid = p_table;
  -- The error PostgreSQL itself raises for a failing CHECK constraint, word for word.
  raise exception using
    errcode = 'check_violation',
    message = format('new row for relation "%s" violates check constraint "%s"', v_table, p_constraint),
    detail = format('Failing row contains %s.', p_row),
    schema = v_schema,
    table = v_table,
    constraint = p_constraint;
end;
$$;

comment on function app_private.raise_check_violation(regclass, text, text) is
  'Raises what PostgreSQL raises for a failing CHECK constraint (SQLSTATE 23514 check_violation; message, schema, table '
  'and constraint name; DETAIL with the failing row), for the row validators that hold several invariants in one CHECK '
  '(app_private.accounts_invariants, transfers_invariants, transactions_invariants): a client sees the same error as '
  'when each invariant was its own constraint. Source: issue 12 (hot paths).';
--! EndIncluded core/raise_check_violation.sql
