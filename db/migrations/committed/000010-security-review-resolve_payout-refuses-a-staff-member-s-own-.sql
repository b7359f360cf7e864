--! Previous: sha1:f9abb1f1f84fe129811cf2530c586efcca60206b
--! Hash: sha1:5bcc3c653f856e32bbb44643830d2ee48ec8ce43
--! Message: Security review: resolve_payout refuses a staff member's own payout (PD002); staff no longer read voucher codes

-- Security review of the Minecraft, bot and panel features:
-- 1. resolve_payout: separation of duties (PD002), like every staff action on a member.
-- 2. Voucher codes are bearer credentials (whoever types one in game gets the goods): only the buyer reads theirs;
--    staff read every other column of app_public.vouchers (column-level grant), not the code.
-- Idempotent: create or replace, revoke then grant.

create or replace function app_public.resolve_payout(payout_id bigint, paid boolean, reason text) returns app_public.minecraft_payouts
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN']::app_public.staff_role[]);
  v app_public.minecraft_payouts;
  v_before jsonb;
  v_tx uuid;
begin
  if reason is null or length(btrim(reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  select * into v from app_public.minecraft_payouts p where p.id = payout_id and p.guild_id = app_public.current_guild_id();
  if v.id is null then
    perform app_private.raise_error('PY002', 'payout_not_found', jsonb_build_object('payout_id', payout_id));
  end if;
  -- Separation of duties: nobody resolves their own payout ("not paid" would hand them back money they may have
  -- received in game).
  if exists (select 1 from app_public.users u where u.id = v.user_id and u.discord_id = app_public.current_discord_id()) then
    perform app_private.raise_error('PD002', 'self_action_forbidden');
  end if;
  perform 1 from app_private.lock_members(array[v.user_id]);
  select * into v from app_public.minecraft_payouts p where p.id = payout_id for update;
  if v.status <> 'failed' or (select status from app_public.transfers where id = v.hold_id) <> 'pending' then
    perform app_private.raise_error('PY003', 'payout_not_resolvable', jsonb_build_object('status', v.status));
  end if;
  v_before := to_jsonb(v);
  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, currency, reason, meta, created_at)
    values (v.guild_id, case when paid then 'spend' else 'refund' end::app_public.tx_type, app_public.current_discord_id(),
      v.user_id, v.amount, 'MCD', case when paid then 'minecraft_payout_confirmed' else 'minecraft_payout_returned' end,
      jsonb_build_object('payout_id', v.id, 'why', reason), now())
    returning tx_id into v_tx;
  if paid then
    perform app_private.settle_hold(v.hold_id, jsonb_build_array(jsonb_build_object(
      'account_id', app_private.mcd_account(v.guild_id, null, 'external'), 'amount', v.amount, 'reason', 'minecraft_payout')),
      v_tx, now());
    update app_public.minecraft_payouts p set status = 'confirmed', confirmed_at = now(), resolved_by = app_public.current_discord_id()
     where p.id = v.id returning * into v;
  else
    perform app_private.void_hold(v.hold_id, 'payout_returned', v_tx, now());
    update app_public.minecraft_payouts p set resolved_by = app_public.current_discord_id() where p.id = v.id returning * into v;
  end if;
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v.guild_id, app_public.current_discord_id(), v_role, case when paid then 'payout_paid' else 'payout_returned' end,
      'payout', v.id::text, v_before, to_jsonb(v), reason);
  return v;
end;
$$;
comment on function app_public.resolve_payout(bigint, boolean, text) is
  'Staff (SUPERADMIN, ADMIN) settle a failed payout after checking in game: paid posts its hold (status confirmed), not '
  'paid returns the escrow to the member''s MCD wallet (status stays failed, resolved_by set). Audited. Nobody resolves '
  'their own payout (separation of duties). Errors: AU001, PD001, PD002 self_action_forbidden, RS001, PY002 '
  'payout_not_found, PY003 payout_not_resolvable. Source: issue #6 (escalate, never retry blindly), db/CONVENTIONS.md '
  '(PD002).';

revoke select on app_public.vouchers from coins_staff;
grant select (order_id, guild_id, buyer_id, status, issued_at, expires_at, redeemed_at, redeemed_by, voided_at)
  on app_public.vouchers to coins_staff;
comment on column app_public.vouchers.code is
  'The redeem code (a bearer credential: typed in game, it delivers the order). Readable by the buyer only; staff are '
  'granted every other column.';
