--! Previous: sha1:e8cbe6c64b5944ec83116db96be975ad5b18da3c
--! Hash: sha1:c19df503147f01ab5090bfc4fde6bfb744ceb638
--! Message: issue 14 feature toggles in SQL for market listings and purchases, task proofs and the card market, burns and trades

-- Issue 14 feature toggles, in SQL for every rule the bot gates (FT001): market listings and purchases (shop), task
-- proofs (tasks), card listings, purchases, burns, trade proposals and confirmations (cards).
--! Included market/create_listing_for.sql
create or replace function app_private.create_listing_for(p_user_id bigint, p_sku text, p_qty integer, p_unit_price bigint,
  p_expires_in_hours integer, p_min_per_buyer integer, p_max_per_buyer integer, p_key text,
  p_at timestamptz default now())
returns app_public.listings
language plpgsql
as $$
declare
  v_user app_public.users;
  v_reward app_public.rewards;
  v_cfg app_public.pricing_config;
  v_replay jsonb;
  v_quote app_public.price_quote;
  v_listing app_public.listings;
begin
  perform app_private.check_quantity(p_qty);
  if p_unit_price is null or p_unit_price <= 0 or p_unit_price > 1000000000000 then
    perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', p_unit_price));
  end if;
  select * into v_user from app_private.lock_members(array[p_user_id]);
  -- The marketplace is part of the shop feature (issue 14 feature toggles; the bot gates /sell and /market too).
  perform app_private.require_feature(v_user.guild_id, 'shop');
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'create_listing', 'sku', p_sku, 'qty', p_qty, 'unit_price', p_unit_price,
      'hours', p_expires_in_hours, 'min', p_min_per_buyer, 'max', p_max_per_buyer));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.listings, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  select * into v_cfg from app_public.pricing_config where guild_id = v_user.guild_id;
  if p_expires_in_hours is null or p_expires_in_hours < 1 or p_expires_in_hours > v_cfg.max_listing_days * 24 then
    perform app_private.raise_error('MK008', 'invalid_expiry', jsonb_build_object('max_hours', v_cfg.max_listing_days * 24));
  end if;
  if p_min_per_buyer is null or p_min_per_buyer < 1 or p_min_per_buyer > p_qty
     or (p_max_per_buyer is not null and p_max_per_buyer < p_min_per_buyer) then
    perform app_private.raise_error('MK010', 'invalid_buyer_limits',
      jsonb_build_object('min_per_buyer', p_min_per_buyer, 'max_per_buyer', p_max_per_buyer, 'qty', p_qty));
  end if;
  select * into v_reward from app_public.rewards where guild_id = v_user.guild_id and sku = p_sku;
  if v_reward.sku is null then
    perform app_private.raise_error('RW001', 'reward_not_found', jsonb_build_object('sku', p_sku));
  end if;
  if not v_reward.tradable then
    perform app_private.raise_error('RW005', 'not_tradable', jsonb_build_object('sku', p_sku));
  end if;
  v_quote := app_private.pricing_quote(v_user.guild_id, p_sku, p_unit_price, null, p_at);
  if not v_quote.allowed then
    perform app_private.raise_error('FL001', 'below_price_floor',
      jsonb_build_object('sku', p_sku, 'unit_price', p_unit_price, 'floor', v_quote.floor_price,
        'reference', v_quote.reference_price, 'median_7d', v_quote.median_7d,
        'scarcity_multiplier', v_quote.scarcity_multiplier));
  end if;
  perform app_private.inventory_take(v_user.id, p_sku, p_qty);
  insert into app_public.listings (guild_id, seller_id, sku, qty, qty_available, unit_price, fee_rate, fee_band,
      reference_price, min_per_buyer, max_per_buyer, expires_at, created_at)
    values (v_user.guild_id, v_user.id, p_sku, p_qty, p_qty, p_unit_price, v_quote.fee_rate, v_quote.fee_band,
      v_quote.reference_price, p_min_per_buyer, p_max_per_buyer, p_at + make_interval(hours => p_expires_in_hours), p_at)
    returning * into v_listing;
  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, listing_id, created_at)
    values (v_user.guild_id, 'list', v_user.discord_id, v_user.id, 0, 'listing_created',
      jsonb_build_object('sku', p_sku, 'qty', p_qty, 'unit_price', p_unit_price, 'fee_rate', v_quote.fee_rate,
        'fee_band', v_quote.fee_band), v_listing.listing_id, p_at);
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v_listing));
  return v_listing;
end;
$$;

comment on function app_private.create_listing_for(bigint, text, integer, bigint, integer, integer, integer, text, timestamptz) is
  'The listing rule at an explicit time. See app_public.create_listing.';
--! EndIncluded market/create_listing_for.sql
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
  -- The marketplace is part of the shop feature (issue 14 feature toggles): what app_private.require_feature does,
  -- with the settings row this rule reads anyway (a guild without one has every feature on).
  select * into v_settings from app_public.guild_settings where guild_id = v_buyer.guild_id;
  if v_settings.feature_shop is false then
    perform app_private.raise_error('FT001', 'feature_disabled', jsonb_build_object('feature', 'shop'));
  end if;
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
--! Included market/create_listing.sql
create or replace function app_public.create_listing(sku text, qty integer, unit_price bigint, expires_in_hours integer default 72,
  min_per_buyer integer default 1, max_per_buyer integer default null, idempotency_key text default null)
returns app_public.listings
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.create_listing_for((app_private.current_member()).id, sku, qty, unit_price, expires_in_hours,
    min_per_buyer, max_per_buyer, idempotency_key, now());
end;
$$;

comment on function app_public.create_listing(text, integer, bigint, integer, integer, integer, text) is
  'Lists qty units the caller owns at unit_price coins each, for expires_in_hours (1 .. max_listing_days x 24). The '
  'items move from the inventory into the listing. Guards (app_private.pricing_quote): below the floor is refused; the '
  'fee band fixes the fee rate. Buyers must take at least min_per_buyer and at most max_per_buyer units in total. '
  'Errors: AU001, MB001, AM001, AM002, FT001 feature_disabled (the guild switched the shop off), FZ001, MK008 invalid_expiry, MK010 invalid_buyer_limits, RW001, RW005 '
  'not_tradable, FL001 below_price_floor (detail: floor, reference, median_7d, scarcity_multiplier), IN001 '
  'insufficient_inventory, IK001/IK002. Source: issue #3, seed 000 section 4 "Sell flow".';
--! EndIncluded market/create_listing.sql
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
  'enforced. Errors: AU001, MB001, AM002, FT001 feature_disabled (the guild switched the shop off), MK001 listing_not_found, MK002 listing_not_active, MK003 self_purchase, '
  'MK004 quantity_unavailable, MK005 below_min_per_buyer, MK006 above_max_per_buyer, FZ001, FZ002 (seller frozen), '
  'NF001, IK001/IK002. Source: issue #3, seed 000 section 4 "Buy flow" and "Escrow".';
--! EndIncluded market/buy_listing.sql
--! Included tasks/submit_task_proof_for.sql
create or replace function app_private.submit_task_proof_for(p_user_id bigint, p_task_id bigint, p_text text,
  p_attachments jsonb, p_key text, p_at timestamptz default now())
returns app_public.task_claims
language plpgsql
as $$
declare
  v_user app_public.users;
  v_task app_public.tasks;
  v_claim app_public.task_claims;
  v_replay jsonb;
  v_text text := btrim(coalesce(p_text, ''));
  v_attachments jsonb := coalesce(p_attachments, '[]'::jsonb);
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  if v_user.id is null then
    perform app_private.raise_error('MB001', 'member_not_registered');
  end if;
  perform app_private.require_feature(v_user.guild_id, 'tasks');
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'submit_task_proof', 'task_id', p_task_id, 'text', v_text, 'attachments', v_attachments));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.task_claims, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  if length(v_text) > 2000 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'proof_text', 'max', 2000));
  end if;
  if not app_private.task_proof_attachments_valid(v_attachments) then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'proof_attachments', 'max', 10));
  end if;
  select * into v_task from app_public.tasks t
   where t.id = p_task_id and t.guild_id = v_user.guild_id and t.status <> 'deleted';
  if v_task.id is null then
    perform app_private.raise_error('TK001', 'task_not_found', jsonb_build_object('task_id', p_task_id::text));
  end if;
  -- The member's latest claim of the task (the member lock makes this read the latest).
  select * into v_claim from app_public.task_claims c
   where c.task_id = v_task.id and c.user_id = v_user.id
   order by c.claimed_at desc, c.id desc limit 1
   for update;
  if v_claim.id is null then
    perform app_private.raise_error('TK008', 'claim_not_found', jsonb_build_object('task_id', v_task.id::text));
  end if;
  if v_claim.status <> 'in_progress' then
    perform app_private.raise_error('TK009', 'claim_wrong_status', jsonb_build_object('claim_id', v_claim.id::text,
      'status', v_claim.status));
  end if;
  if v_claim.deadline <= p_at then
    perform app_private.raise_error('TK010', 'claim_overdue', jsonb_build_object('claim_id', v_claim.id::text,
      'deadline', v_claim.deadline));
  end if;
  if app_public.tasks_proof_required_effective(v_task) and v_text = '' and jsonb_array_length(v_attachments) = 0 then
    perform app_private.raise_error('TK011', 'proof_required', jsonb_build_object('task_id', v_task.id::text));
  end if;

  update app_public.task_claims c
     set status = 'submitted', proof_text = v_text, proof_attachments = v_attachments, submitted_at = p_at
   where c.id = v_claim.id
   returning * into v_claim;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v_claim));
  return v_claim;
end;
$$;

comment on function app_private.submit_task_proof_for(bigint, bigint, text, jsonb, text, timestamptz) is
  'The proof submission rule at an explicit time (p_at). See app_public.submit_task_proof.';
--! EndIncluded tasks/submit_task_proof_for.sql
--! Included tasks/submit_task_proof.sql
create or replace function app_public.submit_task_proof(task_id bigint, proof_text text default '',
  proof_attachments jsonb default '[]', idempotency_key text default null)
returns app_public.task_claims
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users := app_private.register_caller('');
begin
  return app_private.submit_task_proof_for(v_user.id, submit_task_proof.task_id, proof_text, proof_attachments,
    idempotency_key, now());
end;
$$;

comment on function app_public.submit_task_proof(bigint, text, jsonb, text) is
  'Submits proof for the calling member''s claim of a task: the claim must be in progress and before its deadline; '
  'a task that requires proof needs text or at least one attachment ({url (https), filename, content_type, size}, at '
  'most 10). The claim becomes submitted and its proof is posted to the review channel (discord__task_review). '
  'Errors: AU001, MB003, FT001 feature_disabled (the guild switched tasks off), FZ001, TK001 task_not_found, TK008 claim_not_found, TK009 claim_wrong_status, TK010 '
  'claim_overdue, TK011 proof_required, VL001 invalid_argument (text over 2000 characters, malformed attachments), '
  'IK001/IK002. Source: seed 003 "Task Claim and Completion" 5-6, issue 14.';
--! EndIncluded tasks/submit_task_proof.sql
--! Included cards/list_card_for.sql
create or replace function app_private.list_card_for(p_user_id bigint, p_card_id bigint, p_price bigint, p_currency text,
  p_hours integer, p_key text, p_at timestamptz default now())
returns app_public.card_listings
language plpgsql
as $$
declare
  v_user app_public.users;
  v_settings app_public.card_settings;
  v_replay jsonb;
  v_card app_public.user_cards;
  v app_public.card_listings;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  perform app_private.require_feature(v_user.guild_id, 'cards');
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'list_card', 'card', p_card_id, 'price', p_price, 'currency', p_currency, 'hours', p_hours));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.card_listings, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  select * into v_settings from app_public.card_settings where guild_id = v_user.guild_id;
  if p_price is null or p_price <= 0 then
    perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', p_price));
  end if;
  perform app_private.card_currency(v_user.guild_id, p_currency);
  if p_hours is null or p_hours not between 1 and v_settings.listing_hours then
    perform app_private.raise_error('MK008', 'invalid_expiry', jsonb_build_object('max_hours', v_settings.listing_hours));
  end if;
  v_card := app_private.card_for_change(p_user_id, p_card_id);
  if v_card.locked then
    perform app_private.raise_error('CA003', 'card_locked', jsonb_build_object('card_id', p_card_id));
  end if;
  if v_card.temporary then
    perform app_private.raise_error('CA004', 'card_temporary', jsonb_build_object('card_id', p_card_id));
  end if;
  if exists (select 1 from app_public.card_listings l where l.card_id = p_card_id and l.status = 'active') then
    perform app_private.raise_error('CA005', 'card_listed', jsonb_build_object('card_id', p_card_id));
  end if;
  insert into app_public.card_listings (guild_id, seller_id, card_id, price, currency, fee_bp, expires_at, created_at)
    values (v_user.guild_id, p_user_id, p_card_id, p_price, p_currency, v_settings.market_fee_bp,
      p_at + make_interval(hours => p_hours), p_at)
    returning * into v;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v));
  return v;
end;
$$;

comment on function app_private.list_card_for(bigint, bigint, bigint, text, integer, text, timestamptz) is
  'The card listing rule at an explicit time. See app_public.list_card.';
--! EndIncluded cards/list_card_for.sql
--! Included cards/list_card.sql
create or replace function app_public.list_card(card_id bigint, price bigint, currency text, hours integer, idempotency_key text)
returns app_public.card_listings
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.list_card_for((app_private.current_member()).id, card_id, price, currency,
    coalesce(hours, 72), idempotency_key, now());
end;
$$;

comment on function app_public.list_card(bigint, bigint, text, integer, text) is
  'A member lists one of their copies on the guild''s card market (server-only) at a price (minor units) in a currency '
  'the guild uses, for 1 to card_settings.listing_hours hours; the market fee (card_settings.market_fee_bp, the seed''s '
  '5 %) is fixed at listing time. The copy stays with the seller and cannot be traded, burned or listed again while '
  'the listing is active. Errors: AU001, MB001, FT001 feature_disabled (the guild switched cards off), FZ001, AM001, CA009, MK008 invalid_expiry, CA001, CA003 card_locked, '
  'CA004 card_temporary, CA005 card_listed, IK001/IK002. Source: issue 15 "Card market", seed 002 "/sell".';
--! EndIncluded cards/list_card.sql
--! Included cards/buy_card_for.sql
create or replace function app_private.buy_card_for(p_user_id bigint, p_listing_id uuid, p_key text,
  p_at timestamptz default now())
returns app_public.card_listings
language plpgsql
as $$
declare
  v_buyer app_public.users;
  v_seller app_public.users;
  v_replay jsonb;
  v app_public.card_listings;
  v_fee bigint;
  v_tx uuid;
  v_template text;
begin
  select * into v from app_public.card_listings where id = p_listing_id;
  select * into v_buyer from app_public.users where id = p_user_id;
  if v.id is null or v.guild_id <> v_buyer.guild_id then
    perform app_private.raise_error('MK001', 'listing_not_found', jsonb_build_object('listing_id', p_listing_id));
  end if;
  if v.seller_id = p_user_id then
    perform app_private.raise_error('MK003', 'self_purchase');
  end if;
  -- Both members' funds move: lock both (id order), then the listing, then the copy.
  perform 1 from app_private.lock_members(array[p_user_id, v.seller_id]);
  select * into v_buyer from app_public.users where id = p_user_id;
  select * into v_seller from app_public.users where id = v.seller_id;
  perform app_private.require_feature(v_buyer.guild_id, 'cards');
  v_replay := app_private.idempotency_begin(v_buyer.guild_id, v_buyer.discord_id, p_key,
    jsonb_build_object('fn', 'buy_card', 'listing', p_listing_id));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.card_listings, v_replay);
  end if;
  select * into v from app_public.card_listings where id = p_listing_id for update;
  if v_buyer.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  if v_seller.frozen then
    perform app_private.raise_error('FZ002', 'recipient_frozen', jsonb_build_object('discord_id', v_seller.discord_id::text));
  end if;
  if v.status <> 'active' or v.expires_at <= p_at then
    perform app_private.raise_error('MK002', 'listing_not_active',
      jsonb_build_object('status', case when v.status = 'active' then 'expired' else v.status::text end));
  end if;
  perform app_private.card_for_change(v.seller_id, v.card_id);
  v_fee := (v.price * v.fee_bp) / 10000;
  select t.public_id into v_template from app_public.user_cards c join app_public.card_templates t on t.id = c.template_id
   where c.id = v.card_id;
  insert into app_public.transactions (guild_id, type, actor_id, user_id, counterparty_id, amount, currency, reason, meta, created_at)
    values (v.guild_id, 'buy', v_buyer.discord_id, p_user_id, v.seller_id, v.price, v.currency, 'card_market',
      jsonb_build_object('card_listing', v.id, 'card_id', v.card_id, 'public_id', v_template, 'fee', v_fee), p_at)
    returning tx_id into v_tx;
  perform app_private.post_transfer(v.guild_id, app_private.ledger_account(v.guild_id, p_user_id, v.currency, 'wallet'),
    app_private.ledger_account(v.guild_id, v.seller_id, v.currency, 'wallet'), v.price - v_fee, 'card_market_sale', v_tx,
    'posted', null, null, p_at);
  if v_fee > 0 then
    perform app_private.post_transfer(v.guild_id, app_private.ledger_account(v.guild_id, p_user_id, v.currency, 'wallet'),
      app_private.ledger_account(v.guild_id, null, v.currency, 'fees'), v_fee, 'card_market_fee', v_tx, 'posted', null, null, p_at);
  end if;
  update app_public.user_cards c set owner_id = p_user_id, locked = false, obtained_at = p_at where c.id = v.card_id;
  update app_public.card_listings l set status = 'sold', buyer_id = p_user_id, closed_at = p_at where l.id = v.id returning * into v;
  insert into app_public.card_notifications (guild_id, user_id, kind, payload, created_at)
    values (v.guild_id, v.seller_id, 'card_sold', jsonb_build_object('listing_id', v.id, 'public_id', v_template,
      'price', v.price, 'currency', v.currency, 'fee', v_fee), p_at);
  perform app_private.idempotency_finish(v_buyer.guild_id, v_buyer.discord_id, p_key, to_jsonb(v));
  return v;
end;
$$;

comment on function app_private.buy_card_for(bigint, uuid, text, timestamptz) is
  'The card purchase rule at an explicit time. See app_public.buy_card.';
--! EndIncluded cards/buy_card_for.sql
--! Included cards/buy_card.sql
create or replace function app_public.buy_card(listing_id uuid, idempotency_key text)
returns app_public.card_listings
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.buy_card_for((app_private.current_member()).id, listing_id, idempotency_key, now());
end;
$$;

comment on function app_public.buy_card(uuid, text) is
  'A member buys a card listing: in one transaction the price moves from the buyer''s wallet to the seller''s, minus '
  'the fee (floor(price x fee_bp / 10000)) to the guild''s fees account of that currency, and the copy moves to the '
  'buyer (unlocked). Errors: AU001, MB001, MK001 listing_not_found, MK003 self_purchase, FT001 feature_disabled (the '
  'guild switched cards off), FZ001, FZ002, '
  'MK002 listing_not_active, NF001 insufficient_funds, IK001/IK002. Source: issue 15 "Card market", seed 002 "/buy".';
--! EndIncluded cards/buy_card.sql
--! Included cards/burn_card_for.sql
create or replace function app_private.burn_card_for(p_user_id bigint, p_card_id bigint, p_key text,
  p_at timestamptz default now())
returns app_public.user_cards
language plpgsql
as $$
declare
  v_user app_public.users;
  v_replay jsonb;
  v app_public.user_cards;
  v_rarity app_public.card_rarity;
  v_notes bigint;
  v_tx uuid;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  perform app_private.require_feature(v_user.guild_id, 'cards');
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'burn_card', 'card', p_card_id));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.user_cards, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  v := app_private.card_for_change(p_user_id, p_card_id);
  if v.locked then
    perform app_private.raise_error('CA003', 'card_locked', jsonb_build_object('card_id', p_card_id));
  end if;
  if exists (select 1 from app_public.card_listings l where l.card_id = p_card_id and l.status = 'active') then
    perform app_private.raise_error('CA005', 'card_listed', jsonb_build_object('card_id', p_card_id));
  end if;
  select t.rarity into v_rarity from app_public.card_templates t where t.id = v.template_id;
  v_notes := case when v.temporary then 0
                  else coalesce((select (burn_notes ->> v_rarity::text)::bigint from app_public.card_settings
                                 where guild_id = v_user.guild_id), 0) end;
  update app_public.user_cards c set owner_id = null, burned_at = p_at, burn_reason = 'burned', locked = false
   where c.id = p_card_id returning * into v;
  if v_notes > 0 and 'NOTE' = any (coalesce((select currencies from app_public.card_settings where guild_id = v_user.guild_id), '{}')) then
    insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, currency, reason, meta, created_at)
      values (v_user.guild_id, 'earn', v_user.discord_id, p_user_id, v_notes, 'NOTE', 'card_burn',
        jsonb_build_object('card_id', p_card_id, 'rarity', v_rarity), p_at)
      returning tx_id into v_tx;
    perform app_private.post_transfer(v_user.guild_id, app_private.ledger_account(v_user.guild_id, null, 'NOTE', 'mint'),
      app_private.ledger_account(v_user.guild_id, p_user_id, 'NOTE', 'wallet'), v_notes, 'card_burn', v_tx, 'posted', null, null, p_at);
  end if;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v));
  return v;
end;
$$;

comment on function app_private.burn_card_for(bigint, bigint, text, timestamptz) is
  'The burn rule at an explicit time. See app_public.burn_card.';
--! EndIncluded cards/burn_card_for.sql
--! Included cards/burn_card.sql
create or replace function app_public.burn_card(card_id bigint, idempotency_key text)
returns app_public.user_cards
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.burn_card_for((app_private.current_member()).id, card_id, idempotency_key, now());
end;
$$;

comment on function app_public.burn_card(bigint, text) is
  'A member burns one of their copies for Notes by rarity (card_settings.burn_notes; temporary copies pay nothing): '
  'the copy loses its owner for good (a card sink, a Notes faucet from the guild''s mint). '
  'Errors: AU001, MB001, FT001 feature_disabled (the guild switched cards off), FZ001, CA001 card_not_found, CA003 card_locked, CA005 card_listed, IK001/IK002. '
  'Source: issue 15 "Inventory: burn a copy for currency by rarity".';
--! EndIncluded cards/burn_card.sql
--! Included cards/propose_trade_for.sql
create or replace function app_private.propose_trade_for(p_user_id bigint, p_to_discord_id bigint, p_give_cards bigint[],
  p_give jsonb, p_want_cards bigint[], p_want jsonb, p_at timestamptz default now())
returns app_public.card_trades
language plpgsql
as $$
declare
  v_user app_public.users;
  v_to app_public.users;
  v app_public.card_trades;
begin
  select * into v_user from app_public.users where id = p_user_id;
  perform app_private.require_feature(v_user.guild_id, 'cards');
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  select * into v_to from app_public.users where guild_id = v_user.guild_id and discord_id = p_to_discord_id;
  if v_to.id is null then
    perform app_private.raise_error('MB002', 'member_not_found', jsonb_build_object('discord_id', p_to_discord_id::text));
  end if;
  if v_to.id = p_user_id then
    perform app_private.raise_error('TD004', 'self_trade');
  end if;
  if v_to.frozen then
    perform app_private.raise_error('FZ002', 'recipient_frozen', jsonb_build_object('discord_id', p_to_discord_id::text));
  end if;
  insert into app_public.card_trades (guild_id, proposer_id, recipient_id, expires_at, created_at, updated_at)
    values (v_user.guild_id, p_user_id, v_to.id,
      p_at + make_interval(mins => (select trade_expiry_min from app_public.card_settings where guild_id = v_user.guild_id)), p_at, p_at)
    returning * into v;
  perform app_private.trade_items_check(p_user_id, v_user.guild_id, p_give_cards, p_give);
  perform app_private.trade_items_check(v_to.id, v_user.guild_id, p_want_cards, p_want);
  insert into app_public.card_trade_items (trade_id, guild_id, side, card_id)
    select v.id, v.guild_id, 'proposer'::app_public.card_trade_side, c from unnest(coalesce(p_give_cards, '{}')) c
    union all
    select v.id, v.guild_id, 'recipient'::app_public.card_trade_side, c from unnest(coalesce(p_want_cards, '{}')) c;
  insert into app_public.card_trade_items (trade_id, guild_id, side, currency, amount)
    select v.id, v.guild_id, 'proposer'::app_public.card_trade_side, e.key, e.value::bigint from jsonb_each_text(coalesce(p_give, '{}')) e
    union all
    select v.id, v.guild_id, 'recipient'::app_public.card_trade_side, e.key, e.value::bigint from jsonb_each_text(coalesce(p_want, '{}')) e;
  if not exists (select 1 from app_public.card_trade_items i where i.trade_id = v.id) then
    perform app_private.raise_error('TD005', 'empty_trade');
  end if;
  insert into app_public.card_notifications (guild_id, user_id, kind, payload, created_at)
    values (v.guild_id, v_to.id, 'trade_offer', jsonb_build_object('trade_id', v.id, 'from', v_user.discord_id::text), p_at);
  return v;
end;
$$;

comment on function app_private.propose_trade_for(bigint, bigint, bigint[], jsonb, bigint[], jsonb, timestamptz) is
  'The trade proposal rule at an explicit time. See app_public.propose_trade.';
--! EndIncluded cards/propose_trade_for.sql
--! Included cards/propose_trade.sql
create or replace function app_public.propose_trade(to_discord_id bigint, give_cards bigint[], give jsonb,
  want_cards bigint[], want jsonb)
returns app_public.card_trades
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.propose_trade_for((app_private.current_member()).id, to_discord_id, give_cards, give, want_cards, want, now());
end;
$$;

comment on function app_public.propose_trade(bigint, bigint[], jsonb, bigint[], jsonb) is
  'A member offers a trade to another member: copies and currencies ({"NOTE": 100}) they give for copies and currencies '
  'they want. Version 1, nobody confirmed yet, expires after card_settings.trade_expiry_min; the other member is told. '
  'Errors: AU001, MB001, FT001 feature_disabled (the guild switched cards off), FZ001, MB002 member_not_found, TD004 self_trade, FZ002, TD005 empty_trade, and the item checks '
  '(CA001, CA003, CA004, CA005, CA009, AM001, VL001). Source: issue 15 "Trading", seed 002 "/trade".';
--! EndIncluded cards/propose_trade.sql
--! Included cards/confirm_trade_for.sql
create or replace function app_private.confirm_trade_for(p_user_id bigint, p_trade_id uuid, p_version integer,
  p_at timestamptz default now())
returns app_public.card_trades
language plpgsql
as $$
declare
  v app_public.card_trades;
begin
  select * into v from app_public.card_trades where id = p_trade_id;
  if v.id is null or p_user_id not in (v.proposer_id, v.recipient_id) then
    perform app_private.raise_error('TD001', 'trade_not_found', jsonb_build_object('trade_id', p_trade_id));
  end if;
  perform 1 from app_private.lock_members(array[v.proposer_id, v.recipient_id]);
  perform app_private.require_feature(v.guild_id, 'cards');
  select * into v from app_public.card_trades where id = p_trade_id for update;
  if v.status <> 'open' or v.expires_at <= p_at then
    perform app_private.raise_error('TD002', 'trade_not_open', jsonb_build_object('status',
      case when v.status = 'open' then 'expired' else v.status::text end));
  end if;
  if p_version is distinct from v.version then
    perform app_private.raise_error('TD003', 'trade_changed', jsonb_build_object('version', v.version));
  end if;
  update app_public.card_trades t
     set proposer_confirmed = case when p_user_id = t.proposer_id then p_version else t.proposer_confirmed end,
         recipient_confirmed = case when p_user_id = t.recipient_id then p_version else t.recipient_confirmed end,
         updated_at = p_at
   where t.id = p_trade_id returning * into v;
  if v.proposer_confirmed = v.version and v.recipient_confirmed = v.version then
    v := app_private.execute_trade(p_trade_id, p_at);
  end if;
  return v;
end;
$$;

comment on function app_private.confirm_trade_for(bigint, uuid, integer, timestamptz) is
  'The trade confirmation rule at an explicit time. See app_public.confirm_trade.';
--! EndIncluded cards/confirm_trade_for.sql
--! Included cards/confirm_trade.sql
create or replace function app_public.confirm_trade(trade_id uuid, version integer)
returns app_public.card_trades
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app_private.confirm_trade_for((app_private.current_member()).id, trade_id, version, now());
end;
$$;

comment on function app_public.confirm_trade(uuid, integer) is
  'A member of an open trade confirms the version they saw; when both confirmed the current version the swap happens '
  'in this transaction (execute_trade), else the trade waits for the other side. Errors: AU001, MB001, TD001 '
  'trade_not_found, FT001 feature_disabled (the guild switched cards off; cancelling still works), TD002 trade_not_open, TD003 trade_changed (the offer changed since that version), and the swap''s '
  '(FZ001, CA001, CA003, CA004, CA005, NF001). Source: issue 15 "Trading" (each side confirms after the last change).';
--! EndIncluded cards/confirm_trade.sql
--! Included settings/require_feature.sql
create or replace function app_private.require_feature(p_guild_id bigint, p_feature text)
returns void
language plpgsql stable set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_on boolean;
begin
  select case p_feature
           when 'currency' then s.feature_currency
           when 'tasks' then s.feature_tasks
           when 'shop' then s.feature_shop
           when 'quests' then s.feature_quests
           when 'middleman' then s.feature_middleman
           when 'cards' then s.feature_cards
         end
    into v_on
    from app_public.guild_settings s where s.guild_id = p_guild_id;
  if p_feature not in ('currency', 'tasks', 'shop', 'quests', 'middleman', 'cards') then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'feature'));
  end if;
  -- A guild without a settings row has every feature on (the defaults).
  if v_on is false then
    perform app_private.raise_error('FT001', 'feature_disabled', jsonb_build_object('feature', p_feature));
  end if;
end;
$$;

comment on function app_private.require_feature(bigint, text) is
  'Refuses value movements of a feature the guild switched off in guild_settings (feature_currency: daily and give; '
  'feature_tasks: claims, proofs and reviews; feature_shop: reward purchases, market listings and purchases; '
  'feature_quests: answers; feature_middleman: new trades; feature_cards: draws, packs, card listings and purchases, '
  'burns, trade proposals and confirmations). What is already under way can still be wound down: cancelling a '
  'listing or a trade, an open middleman trade, a pack already paid for. Errors: FT001 feature_disabled (detail: feature), VL001 invalid_argument '
  '(unknown feature). Source: issue 14 "Panel" (feature toggles), seed 003 "Server Configuration Structure" (features).';
--! EndIncluded settings/require_feature.sql
