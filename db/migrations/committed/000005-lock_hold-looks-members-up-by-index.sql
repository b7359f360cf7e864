--! Previous: sha1:a1d9177146b403e2403b5a087ab051b220cd98ad
--! Hash: sha1:b70a91f5e709fba6db7bdf03483583c3d5710374
--! Message: lock_hold looks members up by index

-- app_private.lock_hold looked its members up with `id in (…) or id in (subquery)`, which PostgreSQL
-- answers with a sequential scan of every guild's accounts on each fulfil, refund and cancel
-- (bench/market: 20,000 members in another guild made a fulfil 16x slower). One array, one index scan.

create or replace function app_private.lock_hold(p_hold_id bigint, p_credits jsonb) returns app_public.transfers
language plpgsql
as $$
declare
  v_hold app_public.transfers;
begin
  select * into v_hold from app_public.transfers where id = p_hold_id;
  if v_hold.id is null or v_hold.timeout_at is null or v_hold.pending_id is not null then
    perform app_private.raise_error('LG001', 'ledger_violation', jsonb_build_object('why', 'not a hold', 'transfer', p_hold_id));
  end if;
  -- Members first (the lock order of db/CONVENTIONS.md), then the hold itself.
  perform 1 from app_private.lock_members(array(
    select a.user_id from app_public.accounts a
     where a.user_id is not null
       and a.id = any (array[v_hold.debit_account_id, v_hold.credit_account_id]
                       || array(select (e ->> 'account_id')::bigint from jsonb_array_elements(p_credits) e))));
  select * into v_hold from app_public.transfers where id = p_hold_id for update;
  if v_hold.status <> 'pending' then
    perform app_private.raise_error('LG002', 'hold_already_resolved',
      jsonb_build_object('transfer', p_hold_id, 'status', v_hold.status));
  end if;
  return v_hold;
end;
$$;
