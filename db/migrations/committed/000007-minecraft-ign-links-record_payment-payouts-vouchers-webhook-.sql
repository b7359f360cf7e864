--! Previous: sha1:bf223b75e4e7db5148fc53cf6647e0a8c972a1af
--! Hash: sha1:a3d0c0d2081dc6e40754171b0dd06cbdcf01f10a
--! Message: Minecraft: IGN links, record_payment, payouts, vouchers, webhook nonces

-- Minecraft (issue #6): IGN links, in-game payments (record_payment), in-game payouts (/pay), vouchers and the
-- direct-API fulfilment's refund, signed-webhook nonces. Every rule (matching, replay, exactly-once) is here; the
-- minecraft/ listener and the server's webhooks only call these functions. Money: MCD (Minecraft dollars, scale 2),
-- integer minor units (cents). Errors: db/ERRORS.md (classes MC, PY, VC, WH).

drop trigger if exists _510_void_voucher on app_public.orders;
drop function if exists app_hidden.order_minecraft_player(uuid);
drop function if exists app_hidden.refund_undeliverable_order(uuid, text);
drop function if exists app_hidden.redeem_voucher(uuid, text, timestamptz);
drop function if exists app_hidden.issue_voucher(uuid);
drop function if exists app_hidden.claim_webhook_nonce(text, text, timestamptz, integer);
drop function if exists app_public.resolve_payout(bigint, boolean, text);
drop function if exists app_hidden.fail_stale_payouts(integer, timestamptz);
drop function if exists app_hidden.payout_unconfirmed(bigint, text);
drop function if exists app_hidden.confirm_payout(text, bigint, text, timestamptz);
drop function if exists app_hidden.payout_begin(bigint);
drop function if exists app_public.request_payout(bigint, text);
drop function if exists app_private.request_payout_for(bigint, bigint, text, timestamptz);
drop function if exists app_public.assign_payment(bigint, bigint, text);
drop function if exists app_hidden.record_payment(text, bigint, text, timestamptz, text, text);
drop function if exists app_private.record_payment_for(bigint, text, text, text, bigint, text, timestamptz, integer);
drop function if exists app_public.link_minecraft(bigint, text, text);
drop function if exists app_private.link_ign(bigint, bigint, text);
drop function if exists app_private.mcd_account(bigint, bigint, app_public.account_kind);
drop function if exists app_private.check_ign(text);
drop table if exists app_private.webhook_nonces;
drop table if exists app_public.vouchers;
drop table if exists app_public.minecraft_payouts;
drop table if exists app_public.minecraft_payments;
drop table if exists app_public.minecraft_links;
drop function if exists app_private.tg_orders__void_voucher();
drop function if exists app_private.tg_minecraft_payouts__queue();
drop type if exists app_public.voucher_status;
drop type if exists app_public.payout_status;
drop type if exists app_public.payment_status;

--------------------------------------------------------------------------------
-- IGN links and MCD accounts
--------------------------------------------------------------------------------

create function app_private.check_ign(p_ign text) returns void
language plpgsql immutable
as $$
begin
  if p_ign is null or p_ign !~ '^[A-Za-z0-9_]{3,16}$' then
    perform app_private.raise_error('MC001', 'invalid_ign', jsonb_build_object('ign', left(p_ign, 40)));
  end if;
end;
$$;
comment on function app_private.check_ign(text) is
  'MC001 invalid_ign unless p_ign is a Minecraft Java name (3 to 16 letters, digits or _; Mojang''s rule). IGNs compare '
  'case-insensitively everywhere (Mojang names are unique regardless of case).';

create table app_public.minecraft_links (
  id        bigint generated always as identity primary key,
  guild_id  bigint not null references app_public.guilds on delete cascade,
  user_id   bigint not null unique references app_public.users on delete cascade,
  ign       text not null check (ign ~ '^[A-Za-z0-9_]{3,16}$'),
  linked_at timestamptz not null default now()
);
comment on table app_public.minecraft_links is E'@behavior -insert -update -delete\nA member''s Minecraft name (IGN) in a guild: payments from it credit the member, payouts go to it. One IGN per member, one member per IGN (case-insensitive).';
create unique index minecraft_links_ign on app_public.minecraft_links (guild_id, lower(ign));

create function app_private.mcd_account(p_guild_id bigint, p_user_id bigint, p_kind app_public.account_kind)
returns bigint
language plpgsql
as $$
declare
  v_id bigint;
begin
  if p_user_id is null then
    select id into v_id from app_public.accounts
     where guild_id = p_guild_id and user_id is null and currency = 'MCD' and kind = p_kind;
    if v_id is null then
      insert into app_public.accounts (guild_id, currency, kind) values (p_guild_id, 'MCD', p_kind)
        on conflict (guild_id, currency, kind) where user_id is null do nothing;
      select id into v_id from app_public.accounts
       where guild_id = p_guild_id and user_id is null and currency = 'MCD' and kind = p_kind;
    end if;
  else
    select id into v_id from app_public.accounts where user_id = p_user_id and currency = 'MCD' and kind = p_kind;
    if v_id is null then
      insert into app_public.accounts (guild_id, user_id, currency, kind) values (p_guild_id, p_user_id, 'MCD', p_kind)
        on conflict (user_id, currency, kind) where user_id is not null do nothing;
      select id into v_id from app_public.accounts where user_id = p_user_id and currency = 'MCD' and kind = p_kind;
    end if;
  end if;
  return v_id;
end;
$$;
comment on function app_private.mcd_account(bigint, bigint, app_public.account_kind) is
  'The MCD (Minecraft dollars, scale 2) ledger account of a member (wallet, escrow) or of the guild (external: the '
  'in-game money the listener''s Minecraft account holds, may go negative; treasury: unmatched payments), created on '
  'first use. Source: DESIGN.md "Money" (account kind external).';

create function app_private.link_ign(p_guild_id bigint, p_user_id bigint, p_ign text)
returns app_public.minecraft_links
language plpgsql
as $$
declare
  v app_public.minecraft_links;
begin
  perform app_private.check_ign(p_ign);
  if exists (select 1 from app_public.minecraft_links
              where guild_id = p_guild_id and lower(ign) = lower(p_ign) and user_id <> p_user_id) then
    perform app_private.raise_error('MC002', 'ign_taken', jsonb_build_object('ign', p_ign));
  end if;
  insert into app_public.minecraft_links (guild_id, user_id, ign) values (p_guild_id, p_user_id, p_ign)
    on conflict (user_id) do update set ign = excluded.ign, linked_at = now()
    returning * into v;
  return v;
end;
$$;
comment on function app_private.link_ign(bigint, bigint, text) is
  'Links (or re-links) a member to an IGN. MC001 invalid_ign; MC002 ign_taken when another member of the guild has it '
  '(case-insensitive). Used by app_public.link_minecraft, tests and the seed. Source: issue #6, seed 004 ("Link Minecraft").';

create function app_public.link_minecraft(discord_id bigint, ign text, reason text)
returns app_public.minecraft_links
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  v_user app_public.users := app_private.staff_target(discord_id, reason);
  v_before jsonb := (select to_jsonb(l) from app_public.minecraft_links l where l.user_id = v_user.id);
  v app_public.minecraft_links;
begin
  v := app_private.link_ign(v_user.guild_id, v_user.id, ign);
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v_user.guild_id, app_public.current_discord_id(), v_role, 'link_minecraft', 'user', v_user.discord_id::text,
      v_before, to_jsonb(v), reason);
  return v;
end;
$$;
comment on function app_public.link_minecraft(bigint, text, text) is
  'Staff (SUPERADMIN, ADMIN, OPERATOR) link a member to their Minecraft name after checking it (seed 004: a verification '
  'payment or a plugin command); audited with before/after. Errors: AU001, PD001, PD002, RS001, MB002, MC001 invalid_ign, '
  'MC002 ign_taken. Source: issue #6.';

--------------------------------------------------------------------------------
-- Payments: chat lines (or the plugin webhook) -> ledger, exactly once
--------------------------------------------------------------------------------

create type app_public.payment_status as enum ('credited', 'unmatched', 'duplicate');
comment on type app_public.payment_status is
  'credited: the payer''s IGN is linked, the member''s MCD wallet got it. unmatched: nobody has the IGN, the guild''s MCD '
  'treasury holds it for staff. duplicate: a second delivery of an in-game payment already recorded (no money moved).';

create table app_public.minecraft_payments (
  id           bigint generated always as identity primary key,
  guild_id     bigint not null references app_public.guilds on delete cascade,
  source       text not null check (length(source) between 1 and 100),
  delivery_key text not null check (length(delivery_key) between 1 and 255),
  payer_ign    text not null check (payer_ign ~ '^[A-Za-z0-9_]{3,16}$'),
  amount       bigint not null check (amount > 0),
  raw_line     text not null check (length(raw_line) between 1 and 1000),
  seen_at      timestamptz not null,
  status       app_public.payment_status not null,
  user_id      bigint references app_public.users on delete cascade,
  transfer_id  bigint references app_public.transfers,
  duplicate_of bigint references app_public.minecraft_payments,
  created_at   timestamptz not null default now(),
  unique (guild_id, source, delivery_key),
  check ((status = 'duplicate') = (duplicate_of is not null)),
  check ((status = 'duplicate') = (transfer_id is null)),
  check (status = 'duplicate' or (status = 'credited') = (user_id is not null))
);
comment on table app_public.minecraft_payments is E'@behavior -insert -update -delete\nIn-game payments to the listener''s Minecraft account, one row per delivery (see app_private.record_payment_for for how replays and duplicates are told apart from distinct identical payments). amount is in MCD minor units (cents).';
comment on column app_public.minecraft_payments.source is 'Who delivered the line: a listener session (listener id and Minecraft session) or webhook:<plugin>.';
comment on column app_public.minecraft_payments.delivery_key is 'The delivery''s idempotency key within its source (the line number in the session; the plugin''s event id).';
comment on column app_public.minecraft_payments.duplicate_of is 'For a duplicate: the payment (delivered by another source) this delivery repeats.';
create index minecraft_payments_fingerprint on app_public.minecraft_payments (guild_id, lower(payer_ign), amount, seen_at);
create index minecraft_payments_duplicates on app_public.minecraft_payments (duplicate_of) where duplicate_of is not null;

create function app_private.record_payment_for(p_guild_id bigint, p_source text, p_delivery_key text, p_payer_ign text,
  p_amount bigint, p_raw_line text, p_seen_at timestamptz, p_pairing_s integer default 30)
returns app_public.minecraft_payments
language plpgsql
as $$
declare
  v app_public.minecraft_payments;
  v_user_id bigint;
  v_external bigint;
  v_original bigint;
  v_tx uuid;
  v_transfer bigint;
begin
  perform app_private.check_ign(p_payer_ign);
  if p_amount is null or p_amount <= 0 or p_amount > 1000000000000000 then
    perform app_private.raise_error('PY001', 'invalid_payment', jsonb_build_object('why', 'amount', 'amount', p_amount));
  end if;
  if p_raw_line is null or length(p_raw_line) not between 1 and 1000 then
    perform app_private.raise_error('PY001', 'invalid_payment', jsonb_build_object('why', 'raw_line'));
  end if;
  if p_source is null or length(p_source) not between 1 and 100 or p_delivery_key is null
     or length(p_delivery_key) not between 1 and 255 then
    perform app_private.raise_error('PY001', 'invalid_payment', jsonb_build_object('why', 'delivery'));
  end if;
  if p_seen_at is null or p_seen_at > now() + interval '5 minutes' then
    perform app_private.raise_error('PY001', 'invalid_payment', jsonb_build_object('why', 'seen_at'));
  end if;
  if not exists (select 1 from app_public.guilds where id = p_guild_id) then
    perform app_private.raise_error('MB003', 'guild_not_found', jsonb_build_object('guild_id', p_guild_id::text));
  end if;

  select l.user_id into v_user_id from app_public.minecraft_links l
   where l.guild_id = p_guild_id and lower(l.ign) = lower(p_payer_ign);
  -- Lock order (db/CONVENTIONS.md): members, then accounts. The guild's MCD external account row serialises the
  -- payments of a guild, so the replay and pairing checks below see every committed delivery.
  if v_user_id is not null then
    perform 1 from app_private.lock_members(array[v_user_id]);
  end if;
  v_external := app_private.mcd_account(p_guild_id, null, 'external');
  perform 1 from app_public.accounts where id = v_external for update;

  -- 1. Replay of the same delivery (the listener retrying after a lost connection): the first result.
  select * into v from app_public.minecraft_payments
   where guild_id = p_guild_id and source = p_source and delivery_key = p_delivery_key;
  if v.id is not null then
    if lower(v.payer_ign) <> lower(p_payer_ign) or v.amount <> p_amount then
      perform app_private.raise_error('IK001', 'idempotency_key_reused', jsonb_build_object('key', p_delivery_key));
    end if;
    return v;
  end if;

  -- 2. The same in-game payment delivered by another source (a second listener, the plugin webhook): pair it with
  --    the earliest recorded payment of the same IGN and amount, seen within p_pairing_s seconds by a different
  --    source, that this source has not delivered yet. One-to-one pairing: k identical payments seen by two sources
  --    are recorded k times, not 2k and not once.
  select p.id into v_original from app_public.minecraft_payments p
   where p.guild_id = p_guild_id and lower(p.payer_ign) = lower(p_payer_ign) and p.amount = p_amount
     and p.seen_at between p_seen_at - make_interval(secs => p_pairing_s) and p_seen_at + make_interval(secs => p_pairing_s)
     and p.status <> 'duplicate' and p.source <> p_source
     and not exists (select 1 from app_public.minecraft_payments d where d.duplicate_of = p.id and d.source = p_source)
   order by p.seen_at, p.id
   limit 1;
  if v_original is not null then
    insert into app_public.minecraft_payments (guild_id, source, delivery_key, payer_ign, amount, raw_line, seen_at, status,
        user_id, duplicate_of)
      values (p_guild_id, p_source, p_delivery_key, p_payer_ign, p_amount, p_raw_line, p_seen_at, 'duplicate',
        v_user_id, v_original)
      returning * into v;
    return v;
  end if;

  -- 3. A new payment: external (the listener's in-game money) -> the member's MCD wallet, or the guild's MCD treasury.
  insert into app_public.transactions (guild_id, type, user_id, amount, currency, reason, meta, created_at)
    values (p_guild_id, 'earn', v_user_id, p_amount, 'MCD',
      case when v_user_id is null then 'minecraft_payment_unmatched' else 'minecraft_payment' end,
      jsonb_build_object('payer_ign', p_payer_ign, 'source', p_source, 'seen_at', p_seen_at), now())
    returning tx_id into v_tx;
  v_transfer := app_private.post_transfer(p_guild_id, v_external,
    case when v_user_id is null then app_private.mcd_account(p_guild_id, null, 'treasury')
         else app_private.mcd_account(p_guild_id, v_user_id, 'wallet') end,
    p_amount, 'minecraft_payment', v_tx);
  insert into app_public.minecraft_payments (guild_id, source, delivery_key, payer_ign, amount, raw_line, seen_at, status,
      user_id, transfer_id)
    values (p_guild_id, p_source, p_delivery_key, p_payer_ign, p_amount, p_raw_line, p_seen_at,
      case when v_user_id is null then 'unmatched'::app_public.payment_status else 'credited' end, v_user_id, v_transfer)
    returning * into v;
  return v;
end;
$$;
comment on function app_private.record_payment_for(bigint, text, text, text, bigint, text, timestamptz, integer) is
  'Records an in-game payment of p_amount MCD cents from p_payer_ign, exactly once. How deliveries are told apart: '
  '(1) every delivery carries (source, delivery_key): the listener''s source is its id plus its Minecraft session, the key '
  'the line''s number in that session, so a retried call (lost database connection, restart with unacknowledged lines) '
  'returns the first row and moves nothing; (2) a delivery of the same IGN and amount by ANOTHER source, seen within '
  'p_pairing_s seconds (30) of a payment that source has not delivered yet, is the same in-game payment: recorded as '
  'duplicate, nothing moves; (3) anything else is a new payment, so two identical payments seen by one source both count. '
  'A linked IGN credits the member''s MCD wallet, an unlinked one the guild''s MCD treasury (status unmatched, for staff); '
  'the debit is the guild''s MCD external account. Errors: MC001 invalid_ign, PY001 invalid_payment (amount not in '
  '1..10^15, raw line not 1..1000 characters, missing source or key, seen_at in the future), MB003 guild_not_found, '
  'IK001 idempotency_key_reused (same key, different payment). Source: issue #6, seed 004.';

create function app_hidden.record_payment(p_payer_ign text, p_amount bigint, p_raw_line text, p_seen_at timestamptz,
  p_source text, p_delivery_key text)
returns app_public.minecraft_payments
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  if app_public.current_guild_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  return app_private.record_payment_for(app_public.current_guild_id(), p_source, p_delivery_key, p_payer_ign, p_amount,
    p_raw_line, p_seen_at);
end;
$$;
comment on function app_hidden.record_payment(text, bigint, text, timestamptz, text, text) is
  'record_payment(payer_ign, amount_minor, raw_line, seen_at) of issue #6 for the listener and the payment webhook '
  '(coins_listener, guild from the app.guild_id claim), with the delivery''s source and key. Rules and errors: '
  'app_private.record_payment_for; AU001 without a guild claim.';

create function app_public.assign_payment(payment_id bigint, discord_id bigint, reason text)
returns app_public.minecraft_payments
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  v_user app_public.users := app_private.staff_target(discord_id, reason);
  v app_public.minecraft_payments;
  v_before jsonb;
  v_tx uuid;
begin
  select * into v from app_public.minecraft_payments p
   where p.id = payment_id and p.guild_id = app_public.current_guild_id()
   for update;
  if v.id is null then
    perform app_private.raise_error('PY004', 'payment_not_found', jsonb_build_object('payment_id', payment_id));
  end if;
  if v.status <> 'unmatched' then
    perform app_private.raise_error('PY005', 'payment_not_unmatched', jsonb_build_object('status', v.status));
  end if;
  v_before := to_jsonb(v);
  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, currency, reason, meta, created_at)
    values (v.guild_id, 'earn', app_public.current_discord_id(), v_user.id, v.amount, 'MCD', 'minecraft_payment_assigned',
      jsonb_build_object('payment_id', v.id, 'payer_ign', v.payer_ign, 'why', reason), now())
    returning tx_id into v_tx;
  perform app_private.post_transfer(v.guild_id, app_private.mcd_account(v.guild_id, null, 'treasury'),
    app_private.mcd_account(v.guild_id, v_user.id, 'wallet'), v.amount, 'minecraft_payment', v_tx);
  update app_public.minecraft_payments p set status = 'credited', user_id = v_user.id where p.id = v.id returning * into v;
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v.guild_id, app_public.current_discord_id(), v_role, 'assign_payment', 'minecraft_payment', v.id::text,
      v_before, to_jsonb(v), reason);
  return v;
end;
$$;
comment on function app_public.assign_payment(bigint, bigint, text) is
  'Staff (SUPERADMIN, ADMIN, OPERATOR) credit an unmatched payment (an unlinked IGN) to a member after checking who paid: '
  'the amount moves from the guild''s MCD treasury to the member''s MCD wallet, the payment becomes credited; audited. '
  'Errors: AU001, PD001, PD002, RS001, MB002, PY004 payment_not_found, PY005 payment_not_unmatched. Source: issue #6 '
  '(unlinked payments wait for staff).';

--------------------------------------------------------------------------------
-- Payouts: /pay <ign> <amount>, queued -> sent -> confirmed | failed, never sent twice
--------------------------------------------------------------------------------

create type app_public.payout_status as enum ('queued', 'sent', 'confirmed', 'failed');
comment on type app_public.payout_status is
  'queued: the hold is in escrow, nothing sent. sent: the listener claimed it and sends /pay once. confirmed: the server''s '
  'confirmation line was seen (hold posted). failed: no confirmation in time: an ops alert, never resent automatically.';

create table app_public.minecraft_payouts (
  id                bigint generated always as identity primary key,
  guild_id          bigint not null references app_public.guilds on delete cascade,
  user_id           bigint not null references app_public.users on delete cascade,
  ign               text not null check (ign ~ '^[A-Za-z0-9_]{3,16}$'),
  amount            bigint not null check (amount > 0),
  status            app_public.payout_status not null default 'queued',
  hold_id           bigint not null unique references app_public.transfers,
  sent_at           timestamptz,
  confirmed_at      timestamptz,
  failed_at         timestamptz,
  confirmation_line text check (length(confirmation_line) <= 1000),
  failure           text check (length(failure) <= 1000),
  resolved_by       bigint,
  created_at        timestamptz not null default now(),
  check ((status = 'queued') = (sent_at is null)),
  check ((status = 'confirmed') = (confirmed_at is not null)),
  check (status <> 'failed' or failed_at is not null)
);
comment on table app_public.minecraft_payouts is E'@behavior -insert -update -delete\nIn-game payouts of a member''s MCD to their IGN (/pay). The hold (wallet -> escrow) is created with the row; confirmation posts it to the guild''s external account. amount in MCD cents.';
create index minecraft_payouts_open on app_public.minecraft_payouts (guild_id, lower(ign), amount, sent_at)
  where status in ('sent', 'failed');
create index minecraft_payouts_user on app_public.minecraft_payouts (user_id, created_at);

create function app_private.tg_minecraft_payouts__queue() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  -- Retries only help while the payout is queued (the listener not logged in): the row's state machine, not the
  -- queue, decides, and app_hidden.payout_begin lets /pay out at most once.
  perform graphile_worker.add_job('minecraft__payout', json_build_object('payout_id', new.id),
    job_key := 'minecraft__payout:' || new.id, max_attempts := 25);
  return null;
end;
$$;
comment on function app_private.tg_minecraft_payouts__queue() is
  'Trigger: a new payout queues its minecraft__payout job (run by the minecraft/ process), retried with backoff while '
  'the listener is not logged in (up to 25 attempts); once claimed (sent) a payout is never sent again.';
create trigger _500_queue_payout after insert on app_public.minecraft_payouts
  for each row execute function app_private.tg_minecraft_payouts__queue();

create function app_private.request_payout_for(p_user_id bigint, p_amount bigint, p_key text, p_at timestamptz default now())
returns app_public.minecraft_payouts
language plpgsql
as $$
declare
  v_user app_public.users;
  v_replay jsonb;
  v_ign text;
  v_tx uuid;
  v_hold bigint;
  v app_public.minecraft_payouts;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'request_payout', 'amount', p_amount));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.minecraft_payouts, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  if p_amount is null or p_amount <= 0 then
    perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', p_amount));
  end if;
  select ign into v_ign from app_public.minecraft_links where user_id = p_user_id;
  if v_ign is null then
    perform app_private.raise_error('MC003', 'ign_not_linked');
  end if;
  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, currency, reason, meta, created_at)
    values (v_user.guild_id, 'spend', v_user.discord_id, p_user_id, p_amount, 'MCD', 'minecraft_payout',
      jsonb_build_object('ign', v_ign), p_at)
    returning tx_id into v_tx;
  -- The hold lasts 30 days: a failed payout waits for staff, who post it (paid) or void it (not paid).
  v_hold := app_private.post_transfer(v_user.guild_id, app_private.mcd_account(v_user.guild_id, p_user_id, 'wallet'),
    app_private.mcd_account(v_user.guild_id, p_user_id, 'escrow'), p_amount, 'payout_escrow', v_tx, 'pending', null,
    p_at + interval '30 days', p_at);
  insert into app_public.minecraft_payouts (guild_id, user_id, ign, amount, hold_id, created_at)
    values (v_user.guild_id, p_user_id, v_ign, p_amount, v_hold, p_at)
    returning * into v;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v));
  return v;
end;
$$;
comment on function app_private.request_payout_for(bigint, bigint, text, timestamptz) is
  'The payout rule at an explicit time. See app_public.request_payout.';

create function app_public.request_payout(amount bigint, idempotency_key text) returns app_public.minecraft_payouts
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  if idempotency_key is null then
    perform app_private.raise_error('IK002', 'idempotency_key_invalid', jsonb_build_object('length', null));
  end if;
  return app_private.request_payout_for((app_private.current_member()).id, amount, idempotency_key, now());
end;
$$;
comment on function app_public.request_payout(bigint, text) is
  'A member withdraws amount MCD cents to their linked IGN in game: in one transaction the amount moves from their MCD '
  'wallet into escrow (a pending hold) and a queued payout is created, which the minecraft__payout job sends once as '
  '/pay. A replay with the same key returns the same payout. Errors: AU001, MB001, IK001, IK002, FZ001 account_frozen, '
  'AM001 invalid_amount, MC003 ign_not_linked, NF001 insufficient_funds. Source: issue #6.';

create function app_hidden.payout_begin(p_payout_id bigint) returns setof app_public.minecraft_payouts
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  return query
    update app_public.minecraft_payouts p set status = 'sent', sent_at = now()
     where p.id = p_payout_id and p.status = 'queued'
       and p.guild_id = coalesce(app_public.current_guild_id(), p.guild_id)
    returning p.*;
end;
$$;
comment on function app_hidden.payout_begin(bigint) is
  'minecraft__payout, before sending: claims a queued payout (queued -> sent) in its own committed transaction and '
  'returns it; returns no row when it is not queued (sent before, confirmed, failed), so /pay goes out at most once per '
  'payout, whatever crashes or duplicate jobs happen. Source: issue #6 ("never sent twice for one ledger transfer").';

create function app_hidden.confirm_payout(p_ign text, p_amount bigint, p_line text, p_seen_at timestamptz)
returns setof app_public.minecraft_payouts
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_public.minecraft_payouts;
  v_tx uuid;
begin
  if app_public.current_guild_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  -- The oldest sent payout of that IGN and amount; a failed one whose hold is still pending also counts (a late
  -- confirmation is proof it was paid).
  select p.* into v from app_public.minecraft_payouts p join app_public.transfers h on h.id = p.hold_id
   where p.guild_id = app_public.current_guild_id() and lower(p.ign) = lower(p_ign) and p.amount = p_amount
     and (p.status = 'sent' or (p.status = 'failed' and h.status = 'pending'))
   order by p.status = 'failed', p.sent_at, p.id
   limit 1;
  if v.id is null then
    return;
  end if;
  perform 1 from app_private.lock_members(array[v.user_id]);
  select * into v from app_public.minecraft_payouts where id = v.id for update;
  if v.status not in ('sent', 'failed') then
    return;
  end if;
  insert into app_public.transactions (guild_id, type, user_id, amount, currency, reason, meta, created_at)
    values (v.guild_id, 'spend', v.user_id, v.amount, 'MCD', 'minecraft_payout_confirmed',
      jsonb_build_object('payout_id', v.id, 'ign', v.ign, 'line', left(p_line, 500)), now())
    returning tx_id into v_tx;
  perform app_private.settle_hold(v.hold_id, jsonb_build_array(jsonb_build_object(
    'account_id', app_private.mcd_account(v.guild_id, null, 'external'), 'amount', v.amount, 'reason', 'minecraft_payout')),
    v_tx, now());
  return query
    update app_public.minecraft_payouts p
       set status = 'confirmed', confirmed_at = coalesce(p_seen_at, now()), confirmation_line = left(p_line, 1000)
     where p.id = v.id
    returning p.*;
end;
$$;
comment on function app_hidden.confirm_payout(text, bigint, text, timestamptz) is
  'The listener saw the server''s confirmation of a /pay to p_ign for p_amount MCD cents: settles the oldest matching '
  'sent payout (or a failed one whose hold is still pending: a late confirmation proves payment), posting its hold from '
  'escrow to the guild''s MCD external account. Returns it, or no row when nothing matches. AU001 without a guild claim.';

create function app_hidden.payout_unconfirmed(p_payout_id bigint, p_reason text) returns setof app_public.minecraft_payouts
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
    jsonb_build_object('payout_id', v.id, 'ign', v.ign, 'amount', v.amount, 'reason', v.failure));
  return next v;
end;
$$;
comment on function app_hidden.payout_unconfirmed(bigint, text) is
  'minecraft__payout, when no confirmation line came in time: sent -> failed and a critical ops alert for staff; the '
  'hold stays in escrow (the /pay may have gone through) until a late confirmation or staff resolve it '
  '(app_public.resolve_payout). Never resent automatically. No row when the payout was not sent (or already settled).';

create function app_hidden.fail_stale_payouts(p_timeout_s integer, p_at timestamptz default now()) returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_id bigint;
  v_n integer := 0;
begin
  for v_id in select id from app_public.minecraft_payouts
               where status = 'sent' and sent_at < p_at - make_interval(secs => p_timeout_s)
                 and guild_id = coalesce(app_public.current_guild_id(), guild_id)
  loop
    perform app_hidden.payout_unconfirmed(v_id, 'no confirmation (listener restarted while waiting)');
    v_n := v_n + 1;
  end loop;
  return v_n;
end;
$$;
comment on function app_hidden.fail_stale_payouts(integer, timestamptz) is
  'The listener''s sweep: payouts sent more than p_timeout_s seconds ago and still unconfirmed (the process died while '
  'waiting) become failed with an ops alert, as app_hidden.payout_unconfirmed. Returns how many.';

create function app_public.resolve_payout(payout_id bigint, paid boolean, reason text) returns app_public.minecraft_payouts
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
  'paid returns the escrow to the member''s MCD wallet (status stays failed, resolved_by set). Audited. Errors: AU001, '
  'PD001, RS001, PY002 payout_not_found, PY003 payout_not_resolvable. Source: issue #6 (escalate, never retry blindly).';

--------------------------------------------------------------------------------
-- Webhook nonces (signed plugin callbacks)
--------------------------------------------------------------------------------

create table app_private.webhook_nonces (
  endpoint    text not null check (length(endpoint) between 1 and 100),
  nonce       text not null check (length(nonce) between 16 and 128),
  signed_at   timestamptz not null,
  received_at timestamptz not null default now(),
  primary key (endpoint, nonce)
);
comment on table app_private.webhook_nonces is
  'Nonces of accepted signed webhooks, written in the same transaction as the webhook''s effect: a replay within the '
  'signature window is refused (WH001). Rows older than a day are purged as new ones arrive.';
create index webhook_nonces_received on app_private.webhook_nonces (received_at);
alter table app_private.webhook_nonces enable row level security;

create function app_hidden.claim_webhook_nonce(p_endpoint text, p_nonce text, p_signed_at timestamptz,
  p_window_s integer default 300)
returns void
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  if p_signed_at is null or abs(extract(epoch from (now() - p_signed_at))) > p_window_s then
    perform app_private.raise_error('WH002', 'webhook_stale', jsonb_build_object('window_s', p_window_s));
  end if;
  if p_nonce is null or length(p_nonce) not between 16 and 128 then
    perform app_private.raise_error('WH001', 'webhook_replayed', jsonb_build_object('why', 'nonce'));
  end if;
  delete from app_private.webhook_nonces where received_at < now() - interval '1 day';
  insert into app_private.webhook_nonces (endpoint, nonce, signed_at) values (p_endpoint, p_nonce, p_signed_at)
    on conflict do nothing;
  if not found then
    perform app_private.raise_error('WH001', 'webhook_replayed', jsonb_build_object('why', 'replay'));
  end if;
end;
$$;
comment on function app_hidden.claim_webhook_nonce(text, text, timestamptz, integer) is
  'Signed webhooks, in the transaction of their effect (after the server checked the HMAC): WH002 webhook_stale when the '
  'signed timestamp is more than p_window_s seconds (5 minutes) from now; WH001 webhook_replayed when the nonce (16 to '
  '128 characters) was already used on that endpoint. A concurrent duplicate waits on the primary key and is refused. '
  'Source: issue #6.';

--------------------------------------------------------------------------------
-- Vouchers: delivered = redeemed; redeem and refund are mutually exclusive
--------------------------------------------------------------------------------

create type app_public.voucher_status as enum ('pending', 'redeemed', 'void');

create table app_public.vouchers (
  code        uuid primary key default gen_random_uuid(),
  order_id    uuid not null unique references app_public.orders on delete cascade,
  guild_id    bigint not null references app_public.guilds on delete cascade,
  buyer_id    bigint not null references app_public.users on delete cascade,
  status      app_public.voucher_status not null default 'pending',
  issued_at   timestamptz not null default now(),
  expires_at  timestamptz not null,
  redeemed_at timestamptz,
  redeemed_by text check (length(redeemed_by) <= 100),
  voided_at   timestamptz,
  check ((status = 'redeemed') = (redeemed_at is not null)),
  check ((status = 'void') = (voided_at is not null))
);
comment on table app_public.vouchers is E'@behavior -insert -update -delete\nRedeem codes of voucher orders: the buyer sees the code and redeems it in game; the plugin''s signed /webhooks/redeem fulfils the order exactly once. Unredeemed vouchers expire with their order (VOUCHER_TIMEOUT_H) and the order is refunded.';

create function app_private.tg_orders__void_voucher() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  update app_public.vouchers set status = 'void', voided_at = coalesce(new.settled_at, now())
   where order_id = new.order_id and status = 'pending';
  return null;
end;
$$;
comment on function app_private.tg_orders__void_voucher() is
  'Trigger: a voucher order refunded or cancelled voids its pending voucher, in the transaction that holds the order''s '
  'row lock (so a redemption either came first, and the order is fulfilled, or finds the voucher void).';
create trigger _510_void_voucher after update of status on app_public.orders
  for each row when (old.status = 'pending' and new.status in ('refunded', 'cancelled') and new.fulfilment = 'voucher')
  execute function app_private.tg_orders__void_voucher();

create function app_hidden.issue_voucher(p_order_id uuid) returns app_public.vouchers
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_order app_public.orders;
  v app_public.vouchers;
begin
  select * into v from app_public.vouchers where order_id = p_order_id;
  if v.code is not null then
    return v;
  end if;
  select * into v_order from app_public.orders where order_id = p_order_id for update;
  if v_order.order_id is null or v_order.fulfilment <> 'voucher' then
    perform app_private.raise_error('VC004', 'not_a_voucher_order', jsonb_build_object('order_id', p_order_id));
  end if;
  if v_order.status <> 'pending' then
    perform app_private.raise_error('OR002', 'order_not_pending', jsonb_build_object('status', v_order.status));
  end if;
  insert into app_public.vouchers (order_id, guild_id, buyer_id, expires_at)
    values (p_order_id, v_order.guild_id, v_order.buyer_id, v_order.expires_at)
    on conflict (order_id) do nothing;
  select * into v from app_public.vouchers where order_id = p_order_id;
  return v;
end;
$$;
comment on function app_hidden.issue_voucher(uuid) is
  'orders__fulfil for voucher orders: issues the order''s redeem code (a uuid) once and returns it (the same voucher on '
  'every later call). The order stays pending until the code is redeemed; its escrow lasts VOUCHER_TIMEOUT_H (set at '
  'purchase), after which orders__escrow_timeout refunds it and voids the voucher. Errors: VC004 not_a_voucher_order, '
  'OR002 order_not_pending. Source: issue #6, seed 000 section 8 (voucher mode).';

create function app_hidden.redeem_voucher(p_code uuid, p_redeemed_by text, p_at timestamptz default now())
returns app_public.vouchers
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_public.vouchers;
  v_order app_public.orders;
begin
  select * into v from app_public.vouchers where code = p_code;
  if v.code is null then
    perform app_private.raise_error('VC001', 'voucher_not_found');
  end if;
  -- The order's lock (members, then the order) is the one refund_order_core takes: redeem and refund exclude each other.
  select * into v_order from app_public.orders where order_id = v.order_id;
  perform 1 from app_private.lock_members(array[v_order.buyer_id, v_order.seller_id]);
  select * into v_order from app_public.orders where order_id = v.order_id for update;
  select * into v from app_public.vouchers where code = p_code for update;
  if v.status = 'redeemed' then
    perform app_private.raise_error('VC002', 'voucher_already_redeemed', jsonb_build_object('redeemed_at', v.redeemed_at));
  end if;
  if v.status = 'void' or v_order.status <> 'pending' or v_order.expires_at <= p_at then
    perform app_private.raise_error('VC003', 'voucher_expired', jsonb_build_object('expires_at', v.expires_at));
  end if;
  perform app_private.fulfil_order_core(v.order_id, null, 'voucher redeemed: ' || v.code::text, p_at);
  update app_public.vouchers set status = 'redeemed', redeemed_at = p_at, redeemed_by = left(p_redeemed_by, 100)
   where code = p_code
  returning * into v;
  return v;
end;
$$;
comment on function app_hidden.redeem_voucher(uuid, text, timestamptz) is
  'The signed /webhooks/redeem callback (coins_listener): redeeming is delivering, so it fulfils the voucher''s order '
  '(escrow posted, goods delivered) and marks the voucher redeemed, exactly once: it takes the order''s row lock, as '
  'refunds do. Errors: VC001 voucher_not_found, VC002 voucher_already_redeemed, VC003 voucher_expired (refunded, '
  'cancelled or past VOUCHER_TIMEOUT_H). Source: issue #6, seed 000 section 8.';

--------------------------------------------------------------------------------
-- Direct-API fulfilment: the player and the refund after the last attempt
--------------------------------------------------------------------------------

create function app_hidden.order_minecraft_player(p_order_id uuid) returns text
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select l.ign from app_public.orders o join app_public.minecraft_links l on l.user_id = o.buyer_id
   where o.order_id = p_order_id;
$$;
comment on function app_hidden.order_minecraft_player(uuid) is
  'orders__fulfil (api): the buyer''s linked IGN, sent to the server''s API with the buyer''s Discord id; null when unlinked.';

create function app_hidden.refund_undeliverable_order(p_order_id uuid, p_error text) returns app_public.orders
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_order app_public.orders;
begin
  select * into v_order from app_public.orders where order_id = p_order_id;
  if v_order.order_id is null or v_order.status <> 'pending' then
    return v_order;
  end if;
  update app_public.orders set last_error = left(p_error, 1000) where order_id = p_order_id;
  v_order := app_private.refund_order_core(p_order_id, 'refunded', null, 'fulfilment_failed', now());
  perform app_hidden.raise_alert(v_order.guild_id, 'warning', 'fulfilment_failed',
    format('Order %s could not be delivered through the Minecraft API and was refunded.', p_order_id),
    jsonb_build_object('order_id', p_order_id, 'error', left(p_error, 500)));
  return v_order;
end;
$$;
comment on function app_hidden.refund_undeliverable_order(uuid, text) is
  'orders__fulfil (api), after the last delivery attempt failed: refunds the pending order at once (escrow back to the '
  'buyer, stock restored) with a warning ops alert. A settled or missing order is left alone. Source: issue #6 '
  '("failure retries with exponential backoff, then refunds").';

--------------------------------------------------------------------------------
-- Row-level security and grants
--------------------------------------------------------------------------------

alter table app_public.minecraft_links enable row level security;
alter table app_public.minecraft_payments enable row level security;
alter table app_public.minecraft_payouts enable row level security;
alter table app_public.vouchers enable row level security;

grant select on app_public.minecraft_links, app_public.minecraft_payments, app_public.minecraft_payouts,
  app_public.vouchers to coins_player, coins_staff;
create policy minecraft_links_self on app_public.minecraft_links for select to coins_player
  using (guild_id = app_public.current_guild_id()
         and user_id = (select u.id from app_public.users u where u.guild_id = app_public.current_guild_id()
                          and u.discord_id = app_public.current_discord_id()));
create policy minecraft_links_staff on app_public.minecraft_links for select to coins_staff
  using (guild_id = app_public.current_guild_id() and app_public.current_staff_role() is not null);
create policy minecraft_payments_self on app_public.minecraft_payments for select to coins_player
  using (guild_id = app_public.current_guild_id()
         and user_id = (select u.id from app_public.users u where u.guild_id = app_public.current_guild_id()
                          and u.discord_id = app_public.current_discord_id()));
create policy minecraft_payments_staff on app_public.minecraft_payments for select to coins_staff
  using (guild_id = app_public.current_guild_id() and app_public.current_staff_role() is not null);
create policy minecraft_payouts_self on app_public.minecraft_payouts for select to coins_player
  using (guild_id = app_public.current_guild_id()
         and user_id = (select u.id from app_public.users u where u.guild_id = app_public.current_guild_id()
                          and u.discord_id = app_public.current_discord_id()));
create policy minecraft_payouts_staff on app_public.minecraft_payouts for select to coins_staff
  using (guild_id = app_public.current_guild_id() and app_public.current_staff_role() is not null);
create policy vouchers_self on app_public.vouchers for select to coins_player
  using (guild_id = app_public.current_guild_id()
         and buyer_id = (select u.id from app_public.users u where u.guild_id = app_public.current_guild_id()
                           and u.discord_id = app_public.current_discord_id()));
create policy vouchers_staff on app_public.vouchers for select to coins_staff
  using (guild_id = app_public.current_guild_id() and app_public.current_staff_role() is not null);

grant execute on function app_public.link_minecraft(bigint, text, text), app_public.resolve_payout(bigint, boolean, text),
  app_public.assign_payment(bigint, bigint, text)
  to coins_staff;
grant execute on function app_public.request_payout(bigint, text) to coins_player;
grant execute on function app_hidden.record_payment(text, bigint, text, timestamptz, text, text),
  app_hidden.payout_begin(bigint), app_hidden.confirm_payout(text, bigint, text, timestamptz),
  app_hidden.payout_unconfirmed(bigint, text), app_hidden.fail_stale_payouts(integer, timestamptz),
  app_hidden.claim_webhook_nonce(text, text, timestamptz, integer), app_hidden.redeem_voucher(uuid, text, timestamptz)
  to coins_listener;
grant execute on function app_hidden.issue_voucher(uuid), app_hidden.order_minecraft_player(uuid),
  app_hidden.refund_undeliverable_order(uuid, text)
  to coins_worker;
