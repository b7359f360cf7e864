--! Previous: sha1:67353c1f376e7554f6021e8afc06e71f20a21e2c
--! Hash: sha1:4b7d2130abebfdcdc2331f9142548314df6ef3a2
--! Message: middleman, continued (issue 13): IGN link history and unlink, withdrawal limits, file evidence, thread tickets, ticket edits in parallel

-- Issue 13 (middleman, continued): IGN link history and unlinking, withdrawal limits, file evidence, thread tickets.
drop trigger if exists _900_history on app_public.minecraft_links;
drop table if exists app_public.minecraft_link_history;
drop function if exists app_public.unlink_minecraft(bigint, text);
drop function if exists app_public.unlink_my_ign(text);
drop function if exists app_private.unlink_ign(bigint, text, text);
drop function if exists app_private.tg_minecraft_links__history();
drop function if exists app_public.mm_attach_files(bigint, jsonb, text);
drop function if exists app_public.mm_set_ticket_mode(text, text);

-- Withdrawal limits (ADMIN+ edit them with the other guild settings).
alter table app_public.guild_settings
  add column if not exists mc_withdraw_min bigint not null default 100,
  add column if not exists mc_withdraw_max bigint not null default 100000000,
  add column if not exists mc_withdraw_daily_max bigint not null default 1000000000;
alter table app_public.guild_settings drop constraint if exists guild_settings_mc_withdraw_check;
alter table app_public.guild_settings add constraint guild_settings_mc_withdraw_check check (
  mc_withdraw_min > 0 and mc_withdraw_max >= mc_withdraw_min and mc_withdraw_daily_max >= mc_withdraw_max);
comment on column app_public.guild_settings.mc_withdraw_min is 'The smallest /withdraw of MCD, in cents (default 1.00).';
comment on column app_public.guild_settings.mc_withdraw_max is 'The largest single /withdraw of MCD, in cents (default 1,000,000.00).';
comment on column app_public.guild_settings.mc_withdraw_daily_max is 'At most this many MCD cents withdrawn per member per rolling 24 hours (default 10,000,000.00).';
grant update (mc_withdraw_min, mc_withdraw_max, mc_withdraw_daily_max) on app_public.guild_settings to coins_staff;

-- Payouts say what they are: a member's withdrawal (limited) or a middleman trade's payout (not).
alter table app_public.minecraft_payouts add column if not exists kind text not null default 'withdrawal';
alter table app_public.minecraft_payouts drop constraint if exists minecraft_payouts_kind_check;
alter table app_public.minecraft_payouts add constraint minecraft_payouts_kind_check check (kind in ('withdrawal', 'mm'));
comment on column app_public.minecraft_payouts.kind is 'withdrawal (a member''s /withdraw, counted by the daily limit) or mm (a middleman trade''s payout or returned verification payment).';
update app_public.minecraft_payouts p set kind = 'mm'
 where p.kind <> 'mm' and exists (select 1 from app_private.idempotency_keys k
                                   where k.guild_id = p.guild_id and k.key like 'mm:%' and (k.result ->> 'id')::bigint = p.id);

-- Private-thread tickets (a guild setting).
alter table app_public.mm_discord add column if not exists ticket_mode text not null default 'channel';
alter table app_public.mm_discord drop constraint if exists mm_discord_ticket_mode_check;
alter table app_public.mm_discord add constraint mm_discord_ticket_mode_check check (ticket_mode in ('channel', 'thread'));
comment on column app_public.mm_discord.ticket_mode is 'channel: a ticket is a private text channel; thread: a private thread under the public middleman channel.';

-- The history of every IGN link.
create table app_public.minecraft_link_history (
  id               bigint generated always as identity primary key,
  guild_id         bigint not null references app_public.guilds on delete cascade,
  user_id          bigint not null references app_public.users on delete cascade,
  ign              text not null,
  previous_ign     text,
  action           text not null check (action in ('linked', 'relinked', 'unlinked')),
  via              text not null check (via in ('payment', 'member', 'staff', 'system')),
  actor_discord_id bigint,
  reason           text check (length(reason) <= 500),
  at               timestamptz not null default now()
);
comment on table app_public.minecraft_link_history is E'@behavior -insert -update -delete\nEvery change of a member''s Minecraft link (linked, relinked, unlinked): who did it (actor_discord_id; null for a Link Minecraft payment), how (via) and why. Written by a trigger on minecraft_links; members read their own rows, staff their guild''s.';
create index minecraft_link_history_user on app_public.minecraft_link_history (user_id, at);
create index minecraft_link_history_guild on app_public.minecraft_link_history (guild_id, at);
alter table app_public.minecraft_link_history enable row level security;
grant select on app_public.minecraft_link_history to coins_player, coins_staff;
-- Links made before the history existed: one "linked" row each.
insert into app_public.minecraft_link_history (guild_id, user_id, ign, action, via, at)
  select l.guild_id, l.user_id, l.ign, 'linked', 'system', l.linked_at from app_public.minecraft_links l;

--! Included minecraft/tg_minecraft_links__history.sql
create or replace function app_private.tg_minecraft_links__history() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_reason text := nullif(current_setting('app.reason', true), '');
  v_actor bigint := app_public.current_discord_id();
  v_via text := coalesce(nullif(current_setting('app.link_via', true), ''),
                         case when app_public.current_staff_role() is not null then 'staff' else 'system' end);
begin
  if tg_op = 'INSERT' then
    insert into app_public.minecraft_link_history (guild_id, user_id, ign, action, via, actor_discord_id, reason)
      values (new.guild_id, new.user_id, new.ign, 'linked', v_via, v_actor, v_reason);
  elsif tg_op = 'UPDATE' then
    if old.ign is distinct from new.ign then
      insert into app_public.minecraft_link_history (guild_id, user_id, ign, previous_ign, action, via, actor_discord_id, reason)
        values (new.guild_id, new.user_id, new.ign, old.ign, 'relinked', v_via, v_actor, v_reason);
    end if;
  else
    insert into app_public.minecraft_link_history (guild_id, user_id, ign, action, via, actor_discord_id, reason)
      values (old.guild_id, old.user_id, old.ign, 'unlinked', v_via, v_actor, v_reason);
  end if;
  return null;
end;
$$;

comment on function app_private.tg_minecraft_links__history() is
  'Trigger: every change of a member''s IGN link (linked, relinked to another name, unlinked) appends a row to '
  'minecraft_link_history with the acting Discord id, how (app.link_via: payment, member, staff, system) and the reason '
  '(app.reason), in the same transaction. Errors: none of its own. Source: issue 13 "IGN links (link, unlink, history)".';
--! EndIncluded minecraft/tg_minecraft_links__history.sql
create trigger _900_history after insert or update or delete on app_public.minecraft_links
  for each row execute function app_private.tg_minecraft_links__history();
--! Included minecraft/minecraft_link_history.policies.sql
-- Row-level security of app_public.minecraft_link_history: who reads (and, where granted, writes) which rows.

drop policy if exists minecraft_link_history_self on app_public.minecraft_link_history;
create policy minecraft_link_history_self on app_public.minecraft_link_history for select to coins_player
  using (guild_id = app_public.current_guild_id()
         and user_id = (select u.id from app_public.users u where u.guild_id = app_public.current_guild_id()
                          and u.discord_id = app_public.current_discord_id()));

drop policy if exists minecraft_link_history_staff on app_public.minecraft_link_history;
create policy minecraft_link_history_staff on app_public.minecraft_link_history for select to coins_staff
  using (guild_id = app_public.current_guild_id() and app_public.current_staff_role() is not null);
--! EndIncluded minecraft/minecraft_link_history.policies.sql
--! Included minecraft/unlink_ign.sql
create or replace function app_private.unlink_ign(p_user_id bigint, p_via text, p_reason text)
returns app_public.minecraft_links
language plpgsql
as $$
declare
  v app_public.minecraft_links;
  v_trade text;
  v_reason text := current_setting('app.reason', true);
begin
  select * into v from app_public.minecraft_links where user_id = p_user_id for update;
  if v.id is null then
    perform app_private.raise_error('MC003', 'ign_not_linked');
  end if;
  -- A live trade names the IGN as a party's payer, or a payout is on its way to it: the name stays until they end.
  select t.short_id into v_trade from app_public.mm_trades t
   where t.guild_id = v.guild_id and t.closed_at is null
     and ((t.seller_id = p_user_id and lower(t.seller_ign) = lower(v.ign))
       or (t.buyer_id = p_user_id and lower(t.buyer_ign) = lower(v.ign)))
   order by t.id limit 1;
  if v_trade is null and exists (select 1 from app_public.minecraft_payouts p
                                  where p.user_id = p_user_id and p.status in ('queued', 'sent')) then
    v_trade := 'a payout';
  end if;
  if v_trade is not null then
    perform app_private.raise_error('LK001', 'link_in_use', jsonb_build_object('ign', v.ign, 'used_by', v_trade));
  end if;
  perform set_config('app.link_via', p_via, true);
  perform set_config('app.reason', coalesce(p_reason, ''), true);
  delete from app_public.minecraft_links where id = v.id;
  perform set_config('app.link_via', '', true);
  perform set_config('app.reason', coalesce(v_reason, ''), true);
  return v;
end;
$$;

comment on function app_private.unlink_ign(bigint, text, text) is
  'Removes a member''s IGN link (the history trigger records who, how and why). Refused while a live middleman trade '
  'expects payments from that IGN or a payout to it is queued or sent (LK001 link_in_use), and when nothing is linked '
  '(MC003 ign_not_linked). Used by app_public.unlink_minecraft (staff) and app_public.unlink_my_ign (members). '
  'Source: issue 13 "/link and /unlink", "IGN links (link, unlink, history)".';
--! EndIncluded minecraft/unlink_ign.sql
--! Included minecraft/link_minecraft.sql
create or replace function app_public.link_minecraft(discord_id bigint, ign text, reason text)
returns app_public.minecraft_links
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  v_user app_public.users := app_private.staff_target(discord_id, reason);
  v_before jsonb := (select to_jsonb(l) from app_public.minecraft_links l where l.user_id = v_user.id);
  v_reason text := current_setting('app.reason', true);
  v app_public.minecraft_links;
begin
  -- The history row (minecraft_link_history) carries this reason and says staff did it.
  perform set_config('app.link_via', 'staff', true);
  perform set_config('app.reason', reason, true);
  v := app_private.link_ign(v_user.guild_id, v_user.id, ign);
  perform set_config('app.reason', coalesce(v_reason, ''), true);
  perform set_config('app.link_via', '', true);
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
--! EndIncluded minecraft/link_minecraft.sql
--! Included mm/mm_match_link.sql
create or replace function app_private.mm_match_link(p_guild_id bigint, p_ign text, p_amount bigint, p_payment_seen_at timestamptz)
returns bigint
language plpgsql
as $$
declare
  r app_public.mm_link_requests;
begin
  -- Only for an IGN nobody links yet (the caller checked); link amounts are 0.01 .. 0.99, verification amounts >= 1.00.
  if p_amount not between 1 and 99 then
    return null;
  end if;
  select * into r from app_public.mm_link_requests
   where guild_id = p_guild_id and amount = p_amount and status = 'pending' and expires_at > p_payment_seen_at
   for update;
  if r.id is null then
    return null;
  end if;
  perform 1 from app_private.lock_members(array[r.user_id]);
  perform set_config('app.link_via', 'payment', true);
  perform app_private.link_ign(p_guild_id, r.user_id, p_ign);
  perform set_config('app.link_via', '', true);
  update app_public.mm_link_requests set status = 'linked', ign = p_ign, resolved_at = now() where id = r.id;
  return r.user_id;
end;
$$;

comment on function app_private.mm_match_link(bigint, text, bigint, timestamptz) is
  'Link Minecraft by a tiny payment: when an unlinked IGN pays exactly the amount of a pending, unexpired link request, '
  'links that IGN to the requesting member (link_ign: one member per IGN per guild) and returns the member; else null. '
  'Called by record_payment_for before it credits the payment, so the payment itself goes to the new owner''s wallet. '
  'Errors: those of link_ign. Source: seed 004 "Account linking", issue 13 "Account linking by a tiny payment".';
--! EndIncluded mm/mm_match_link.sql
--! Included minecraft/unlink_minecraft.sql
create or replace function app_public.unlink_minecraft(discord_id bigint, reason text)
returns app_public.minecraft_links
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  v_user app_public.users := app_private.staff_target(discord_id, reason);
  v app_public.minecraft_links;
begin
  v := app_private.unlink_ign(v_user.id, 'staff', reason);
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v_user.guild_id, app_public.current_discord_id(), v_role, 'unlink_minecraft', 'user', v_user.discord_id::text,
      to_jsonb(v), null, reason);
  return v;
end;
$$;

comment on function app_public.unlink_minecraft(bigint, text) is
  'Staff (SUPERADMIN, ADMIN, OPERATOR) remove a member''s Minecraft link (a lost or sold account); audited with the '
  'link as it was, and written to minecraft_link_history. Errors: AU001, PD001, PD002 self_action_forbidden, RS001, '
  'MB002, MC003 ign_not_linked, LK001 link_in_use. Source: issue 13 "Operators: IGN links (link, unlink, history)".';
--! EndIncluded minecraft/unlink_minecraft.sql
--! Included minecraft/unlink_my_ign.sql
create or replace function app_public.unlink_my_ign(reason text)
returns app_public.minecraft_links
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users := app_private.current_member(true);
  v_last timestamptz;
begin
  if length(coalesce(reason, '')) > 500 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'reason', 'max', 500));
  end if;
  -- One unlink a day: a name cannot be hopped between accounts to dodge the one-member-per-IGN rule or a dispute.
  select max(h.at) into v_last from app_public.minecraft_link_history h
   where h.user_id = v_user.id and h.action = 'unlinked' and h.via = 'member';
  if v_last is not null and v_last > now() - interval '24 hours' then
    perform app_private.raise_error('LK002', 'unlink_rate_limited',
      jsonb_build_object('retry_after_s', ceil(extract(epoch from v_last + interval '24 hours' - now()))::bigint));
  end if;
  return app_private.unlink_ign(v_user.id, 'member', coalesce(nullif(btrim(reason), ''), '/unlink'));
end;
$$;

comment on function app_public.unlink_my_ign(text) is
  '/unlink: a member removes their own Minecraft link (written to minecraft_link_history). At most once per 24 hours '
  '(LK002 unlink_rate_limited). Errors: AU001, MB001, VL001 reason too long, '
  ' MC003 ign_not_linked, LK001 link_in_use, LK002 unlink_rate_limited. Source: issue 13 "Members: /link and '
  '/unlink".';
--! EndIncluded minecraft/unlink_my_ign.sql
--! Included minecraft/request_payout_for.sql
create or replace function app_private.request_payout_for(p_user_id bigint, p_amount bigint, p_key text, p_at timestamptz default now())
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
  insert into app_public.minecraft_payouts (guild_id, user_id, ign, amount, hold_id, created_at, kind)
    values (v_user.guild_id, p_user_id, v_ign, p_amount, v_hold, p_at,
      case when p_key like 'mm:%' then 'mm' else 'withdrawal' end)
    returning * into v;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v));
  return v;
end;
$$;

comment on function app_private.request_payout_for(bigint, bigint, text, timestamptz) is
  'The payout rule at an explicit time. See app_public.request_payout. A key starting with mm: marks the payout as '
  'a middleman payout (kind mm: a trade''s proceeds or returned verification payments), any other as a withdrawal.';
--! EndIncluded minecraft/request_payout_for.sql
--! Included minecraft/request_payout.sql
create or replace function app_public.request_payout(amount bigint, idempotency_key text) returns app_public.minecraft_payouts
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users;
  v_settings app_public.guild_settings;
  v_used bigint;
  v_oldest timestamptz;
begin
  if idempotency_key is null then
    perform app_private.raise_error('IK002', 'idempotency_key_invalid', jsonb_build_object('length', null));
  end if;
  if idempotency_key like 'mm:%' then
    perform app_private.raise_error('IK002', 'idempotency_key_invalid', jsonb_build_object('why', 'reserved prefix'));
  end if;
  v_user := app_private.current_member(true);
  -- A replay returns the first answer before any limit is looked at (the payout it made already counts).
  if exists (select 1 from app_private.idempotency_keys k where k.guild_id = v_user.guild_id
              and k.actor_id = v_user.discord_id and k.key = idempotency_key) then
    return app_private.request_payout_for(v_user.id, amount, idempotency_key, now());
  end if;
  select * into v_settings from app_public.guild_settings where guild_id = v_user.guild_id;
  if amount is not null and amount > 0
     and (amount < v_settings.mc_withdraw_min or amount > v_settings.mc_withdraw_max) then
    perform app_private.raise_error('MM014', 'withdraw_out_of_range',
      jsonb_build_object('amount', amount, 'min', v_settings.mc_withdraw_min, 'max', v_settings.mc_withdraw_max));
  end if;
  -- Withdrawals of the rolling 24 hours (a failed one staff returned to the wallet does not count).
  select coalesce(sum(p.amount), 0), min(p.created_at) into v_used, v_oldest from app_public.minecraft_payouts p
   where p.user_id = v_user.id and p.kind = 'withdrawal' and p.created_at > now() - interval '24 hours'
     and not (p.status = 'failed' and p.resolved_by is not null and p.confirmed_at is null);
  if amount is not null and amount > 0 and v_used + amount > v_settings.mc_withdraw_daily_max then
    perform app_private.raise_error('MM015', 'withdraw_daily_limit',
      jsonb_build_object('limit', v_settings.mc_withdraw_daily_max, 'used', v_used,
        'retry_after_s', ceil(extract(epoch from v_oldest + interval '24 hours' - now()))::bigint));
  end if;
  return app_private.request_payout_for(v_user.id, amount, idempotency_key, now());
end;
$$;

comment on function app_public.request_payout(bigint, text) is
  'A member withdraws amount MCD cents to their linked IGN in game: in one transaction the amount moves from their MCD '
  'wallet into escrow (a pending hold) and a queued payout is created, which the minecraft__payout job sends once as '
  '/pay. A replay with the same key returns the same payout. Errors: AU001, MB001, IK001, IK002, FZ001 account_frozen, '
  'AM001 invalid_amount, MC003 ign_not_linked, NF001 insufficient_funds, MM014 withdraw_out_of_range (guild_settings '
  'mc_withdraw_min..mc_withdraw_max), MM015 withdraw_daily_limit (mc_withdraw_daily_max per rolling 24 h of '
  'withdrawals). Keys starting with mm: are reserved for middleman payouts (IK002). Source: issue #6; issue 13 '
  '"/withdraw <amount> (a payout by /pay, limits in SQL)".';
--! EndIncluded minecraft/request_payout.sql
--! Included mm/mm_discord_json.sql
create or replace function app_private.mm_discord_json(p app_public.mm_discord) returns jsonb
language sql immutable
as $$
  -- Snowflakes as text: JSON numbers lose digits past 2^53 in JavaScript.
  select case when p.guild_id is not null then jsonb_build_object('guild_id', p.guild_id::text,
    'public_channel_id', p.public_channel_id::text, 'log_channel_id', p.log_channel_id::text,
    'staff_channel_id', p.staff_channel_id::text, 'support_role_id', p.support_role_id::text,
    'ticket_category_id', p.ticket_category_id::text, 'archive_delay_s', p.archive_delay_s,
    'ticket_mode', p.ticket_mode) end;
$$;

comment on function app_private.mm_discord_json(app_public.mm_discord) is
  'A guild''s middleman places as JSON for the bot, every snowflake as text (null without a row). Errors: none. '
  'Source: issue 13.';
--! EndIncluded mm/mm_discord_json.sql
--! Included mm/mm_add_evidence.sql
create or replace function app_private.mm_add_evidence(p_trade_id bigint, p_detail jsonb) returns app_public.mm_events
language plpgsql
as $$
declare
  v app_public.mm_trades;
  v_actor text;
begin
  v := app_private.mm_lock_trade(app_public.current_guild_id(), p_trade_id);
  v_actor := app_private.mm_party(v, (select u.id from app_public.users u where u.guild_id = v.guild_id
                                                                       and u.discord_id = app_public.current_discord_id()));
  if v_actor is null and app_public.current_staff_role() is not null then
    v_actor := 'staff';
  end if;
  if v_actor is null then
    perform app_private.raise_error('MM003', 'not_a_party', jsonb_build_object('trade', v.short_id));
  end if;
  if v.closed_at is not null then
    perform app_private.raise_error('MM002', 'illegal_transition',
      jsonb_build_object('trade', v.short_id, 'status', v.status, 'action', 'attach_evidence'));
  end if;
  return app_private.mm_event(v, 'evidence', v_actor, app_public.current_discord_id(), p_detail, null, null, now());
end;
$$;

comment on function app_private.mm_add_evidence(bigint, jsonb) is
  'Appends an evidence event (detail: url, note, attachments) to a live trade''s trail for its caller: a party, or '
  'staff who are not a party. Errors: MM001, MM002 (trade closed), MM003 not_a_party. Used by mm_attach_evidence and '
  'mm_attach_files. Source: seed 004 "Attach Evidence", issue 13.';
--! EndIncluded mm/mm_add_evidence.sql
--! Included mm/mm_attach_evidence.sql
create or replace function app_public.mm_attach_evidence(trade_id bigint, url text, note text) returns app_public.mm_events
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  if app_public.current_guild_id() is null or app_public.current_discord_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  if (url is null or url = '') and (note is null or btrim(note) = '') then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'evidence'));
  end if;
  if url is not null and url <> '' and (url !~ '^https://[^\s]+$' or length(url) > 500) then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'url'));
  end if;
  if length(coalesce(note, '')) > 1000 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'note', 'max', 1000));
  end if;
  return app_private.mm_add_evidence(trade_id, jsonb_build_object('url', nullif(url, ''), 'note', coalesce(note, '')));
end;
$$;

comment on function app_public.mm_attach_evidence(bigint, text, text) is
  'Attach Evidence: a party (or staff) adds an https link (a Discord attachment, a screenshot) and/or a note to a live '
  'trade''s trail. Errors: AU001, VL001 (nothing given, not https, too long), MM001, MM002 (trade closed), MM003 '
  'not_a_party. Source: seed 004 "Attach Evidence", issue 13.';
--! EndIncluded mm/mm_attach_evidence.sql
--! Included mm/mm_attach_files.sql
create or replace function app_public.mm_attach_files(trade_id bigint, files jsonb, note text) returns app_public.mm_events
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_file jsonb;
  v_clean jsonb := '[]';
begin
  if app_public.current_guild_id() is null or app_public.current_discord_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  if files is null or jsonb_typeof(files) <> 'array' or jsonb_array_length(files) = 0 or jsonb_array_length(files) > 10 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'files', 'min', 1, 'max', 10));
  end if;
  if length(coalesce(note, '')) > 1000 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'note', 'max', 1000));
  end if;
  for v_file in select value from jsonb_array_elements(files) loop
    if jsonb_typeof(v_file) <> 'object'
       or coalesce(v_file ->> 'url', '') !~ '^https://[^\s]+$' or length(v_file ->> 'url') > 1000
       or coalesce(v_file ->> 'name', '') = '' or length(v_file ->> 'name') > 200
       or jsonb_typeof(v_file -> 'size') is distinct from 'number'
       or (v_file ->> 'size')::numeric < 0 or (v_file ->> 'size')::numeric > 524288000
       or (v_file ->> 'size')::numeric <> trunc((v_file ->> 'size')::numeric)
       or length(coalesce(v_file ->> 'content_type', '')) > 100
       or length(coalesce(v_file ->> 'id', '')) > 20 then
      perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'files', 'file', v_file));
    end if;
    v_clean := v_clean || jsonb_build_array(jsonb_build_object('url', v_file ->> 'url', 'name', v_file ->> 'name',
      'size', (v_file ->> 'size')::bigint, 'content_type', nullif(v_file ->> 'content_type', ''),
      'id', nullif(v_file ->> 'id', '')));
  end loop;
  return app_private.mm_add_evidence(trade_id, jsonb_build_object('url', null, 'note', coalesce(note, ''),
    'attachments', v_clean));
end;
$$;

comment on function app_public.mm_attach_files(bigint, jsonb, text) is
  'Attach Evidence with file uploads: a party (or staff) stores 1 to 10 uploaded files of a live trade as URL and '
  'metadata (name, size in bytes up to 500 MiB, content type, the upload''s id) in one evidence event of the trail, '
  'with an optional note. The files themselves stay where Discord keeps them. Errors: AU001, VL001 (no file, more '
  'than 10, not https, a field missing or too long), MM001, MM002 (trade closed), MM003 not_a_party. Source: seed 004 '
  '"Attach Evidence", issue 13 ("raw evidence attached").';
--! EndIncluded mm/mm_attach_files.sql
--! Included mm/mm_set_ticket_mode.sql
create or replace function app_public.mm_set_ticket_mode(mode text, reason text) returns app_public.mm_discord
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN']::app_public.staff_role[]);
  v_before jsonb;
  v app_public.mm_discord;
begin
  if reason is null or length(btrim(reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  if mode is null or mode not in ('channel', 'thread') then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'mode'));
  end if;
  insert into app_public.mm_discord (guild_id) values (app_public.current_guild_id()) on conflict do nothing;
  select to_jsonb(d) into v_before from app_public.mm_discord d where d.guild_id = app_public.current_guild_id() for update;
  update app_public.mm_discord d set ticket_mode = mode where d.guild_id = app_public.current_guild_id() returning * into v;
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v.guild_id, app_public.current_discord_id(), v_role, 'mm_set_ticket_mode', 'mm_discord', 'ticket_mode',
      v_before, to_jsonb(v), reason);
  return v;
end;
$$;

comment on function app_public.mm_set_ticket_mode(text, text) is
  '/mm set-ticket-mode: ADMIN and above choose whether new middleman tickets are private channels (channel, the '
  'default) or private threads under the public middleman channel (thread); audited. Tickets already open keep '
  'theirs. Errors: AU001, PD001, RS001, VL001 (unknown mode). Source: seed 004 "private text-channel or private '
  'thread"; issue 13 ("a guild setting").';
--! EndIncluded mm/mm_set_ticket_mode.sql
revoke all on function app_public.unlink_minecraft(bigint, text) from public;
grant execute on function app_public.unlink_minecraft(bigint, text) to coins_staff;
revoke all on function app_public.unlink_my_ign(text) from public;
grant execute on function app_public.unlink_my_ign(text) to coins_player;
revoke all on function app_public.mm_attach_files(bigint, jsonb, text) from public;
grant execute on function app_public.mm_attach_files(bigint, jsonb, text) to coins_player, coins_staff;
revoke all on function app_public.mm_set_ticket_mode(text, text) from public;
grant execute on function app_public.mm_set_ticket_mode(text, text) to coins_staff;
revoke all on function app_private.unlink_ign(bigint, text, text) from public;
revoke all on function app_private.mm_add_evidence(bigint, jsonb) from public;
revoke all on function app_private.tg_minecraft_links__history() from public;
--! Included mm/tg_mm_events__discord.sql
create or replace function app_private.tg_mm_events__discord() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  -- Only guilds whose middleman lives in Discord (an mm_discord row with a public channel) queue anything.
  if not exists (select 1 from app_public.mm_discord d where d.guild_id = new.guild_id and d.public_channel_id is not null) then
    return null;
  end if;
  -- The ticket (created on first run, then its embed edited in place): one job per event, in the trade's own queue
  -- (one at a time per ticket, so an older state never overwrites a newer one, while different tickets are edited in
  -- parallel); a job whose trade has no event newer than the one already shown does nothing
  -- (mm_trades.rendered_event_id), so a burst of payments becomes one edit. No job key: replacing a keyed job while a
  -- worker is claiming it can drop the newer job.
  perform graphile_worker.add_job('discord__mm_ticket', json_build_object('trade_id', new.trade_id, 'event_id', new.id),
    queue_name := 'discord:mm:' || new.trade_id, max_attempts := 10);
  if new.kind in ('opened', 'form_submitted', 'both_verified', 'deposit_paid', 'completed', 'cancelled', 'expired', 'disputed',
                  'frozen', 'adjudicated') then
    perform graphile_worker.add_job('discord__mm_public', json_build_object('guild_id', new.guild_id::text),
      queue_name := 'discord:' || new.guild_id, job_key := 'discord__mm_public:' || new.guild_id, max_attempts := 10);
  end if;
  if new.kind in ('completed', 'adjudicated', 'cancelled', 'expired') then
    perform graphile_worker.add_job('discord__mm_log', json_build_object('trade_id', new.trade_id),
      queue_name := 'discord:' || new.guild_id, job_key := 'discord__mm_log:' || new.trade_id, max_attempts := 10);
    -- The ticket becomes read-only for the parties after the guild's archive delay.
    perform graphile_worker.add_job('discord__mm_archive', json_build_object('trade_id', new.trade_id),
      run_at := now() + make_interval(secs => (select d.archive_delay_s from app_public.mm_discord d where d.guild_id = new.guild_id)),
      job_key := 'discord__mm_archive:' || new.trade_id, max_attempts := 10);
  end if;
  return null;
end;
$$;

comment on function app_private.tg_mm_events__discord() is
  'Trigger: every middleman event queues the edit of its ticket (discord__mm_ticket, one per event in the trade''s own queue so edits of one ticket never overtake each other while tickets are edited in parallel; a job with '
  'nothing newer to show does nothing); state changes '
  'queue the public embed''s status lines (discord__mm_public, per guild); a closed trade queues its summary and '
  'transcript in the log channel (discord__mm_log) and, after mm_discord.archive_delay_s, the ticket''s archiving (discord__mm_archive). Only for guilds with a middleman public channel. Source: issue 13 '
  '("All Discord side effects are discord__* jobs").';
--! EndIncluded mm/tg_mm_events__discord.sql
