--! Previous: sha1:9895b01f00171d27634db92561fe3bbb181d2d2a
--! Hash: sha1:4bfa005a291c10d1ce3f4f62209c8a82d2bbb605
--! Message: issue 12 buy+fulfil: a fulfilment moves the money last

-- Issue 12: buy+fulfil. A fulfilment moves the money last, so the guild's fees account (credited by every market
-- order) is locked from that write to the commit only.
--! Included orders/fulfil_order_core.sql
create or replace function app_private.fulfil_order_core(p_order_id uuid, p_actor_id bigint, p_reason text,
  p_at timestamptz default now())
returns app_public.orders
language plpgsql
as $$
declare
  v_order app_public.orders;
  v_line app_public.order_lines;
  v_legs jsonb;
  v_tx uuid;
begin
  v_order := app_private.lock_order(p_order_id);
  select * into v_line from app_public.order_lines where order_id = p_order_id order by id limit 1;
  insert into app_public.transactions (guild_id, type, actor_id, user_id, counterparty_id, amount, reason, meta,
      order_id, listing_id, created_at)
    values (v_order.guild_id, 'fulfil', p_actor_id, v_order.buyer_id, v_order.seller_id, v_order.escrow,
      case when v_order.kind = 'shop' then 'shop_fulfilled' else 'market_fulfilled' end,
      jsonb_build_object('sku', v_line.sku, 'qty', v_line.qty, 'unit_price', v_line.unit_price, 'fee', v_order.fee,
        'net', v_order.escrow - v_order.fee), p_order_id, v_line.listing_id, p_at)
    returning tx_id into v_tx;
  if v_order.kind = 'shop' then
    v_legs := jsonb_build_array(jsonb_build_object('account_id', app_private.guild_account(v_order.guild_id, 'treasury'),
      'amount', v_order.escrow, 'reason', 'shop_revenue'));
  else
    v_legs := jsonb_build_array(jsonb_build_object('account_id', app_private.member_account(v_order.seller_id, 'wallet'),
      'amount', v_order.escrow - v_order.fee, 'reason', 'sale_proceeds'));
    if v_order.fee > 0 then
      v_legs := v_legs || jsonb_build_object('account_id', app_private.guild_account(v_order.guild_id, 'fees'),
        'amount', v_order.fee, 'reason', 'market_fee');
    end if;
  end if;
  for v_line in select * from app_public.order_lines where order_id = p_order_id loop
    perform app_private.inventory_add(v_order.buyer_id, v_line.sku, v_line.qty);
  end loop;
  update app_public.orders
     set status = 'fulfilled', settled_at = p_at, settled_by = p_actor_id, settle_reason = p_reason,
         fulfilment_attempts = fulfilment_attempts + 1, last_error = null
   where order_id = p_order_id
  returning * into v_order;
  -- The money moves last (issue 12): the guild's fees account is credited by every market order, so its row
  -- lock serialises fulfilments from that write to the commit; the order's own effects (inventory, status,
  -- the notices and badges its triggers give) come first. All of it is one transaction: an error in any part
  -- (LG003 hold_expired included) undoes the rest.
  perform app_private.settle_hold(v_order.hold_id, v_legs, v_tx, p_at);
  return v_order;
end;
$$;

comment on function app_private.fulfil_order_core(uuid, bigint, text, timestamptz) is
  'Fulfils a pending order at most once: posts its hold (shop: all to the treasury; market: net to the seller''s wallet, '
  'fee to the fees account), delivers the goods to the buyer''s inventory, marks it fulfilled. Errors: OR001, OR002, '
  'LG003 hold_expired (an expired order can only be refunded).';
--! EndIncluded orders/fulfil_order_core.sql
