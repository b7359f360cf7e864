--! Previous: sha1:35b7013487e2adc084edf0084b3b683df0e8af76
--! Hash: sha1:f9abb1f1f84fe129811cf2530c586efcca60206b
--! Message: Web panel: panel sessions with rotating refresh tokens, HTTP Idempotency-Key records, economy events, reports, queue status, alert acknowledgement

-- Web panel (issue #5): panel sessions with rotating refresh tokens, HTTP Idempotency-Key records,
-- economy events (time-boxed modifiers applied by the rules), and the economy reports.
-- Idempotent: everything it creates is dropped first.

drop function if exists app_public.acknowledge_alert(bigint);
drop function if exists app_public.queue_status();
drop type if exists app_public.queue_status_row;
drop function if exists app_public.report_top_earners(timestamptz, timestamptz, integer);
drop function if exists app_public.report_daily(timestamptz, timestamptz);
drop type if exists app_public.report_day;
drop type if exists app_public.top_earner;
drop function if exists app_public.stop_event(bigint, text);
drop function if exists app_public.start_event(text, numeric, text, timestamptz, timestamptz, text);
drop function if exists app_private.active_event(bigint, text, timestamptz);
drop function if exists app_public.economy_events_active(app_public.economy_events);
drop table if exists app_public.economy_events;
drop function if exists app_private.http_request_finish(bigint, bigint, text, integer, text, text);
drop function if exists app_private.http_request_begin(bigint, bigint, text, bytea);
drop function if exists app_private.revoke_refresh_token(bytea);
drop function if exists app_private.refresh_session(bytea, bytea, bytea, integer);
drop function if exists app_private.open_panel_session(bytea, bytea, bigint, bigint, app_public.staff_role, integer, integer);
drop type if exists app_private.session_refresh;
drop table if exists app_private.session_rotated_tokens;
alter table app_private.sessions drop column if exists refresh_hash, drop column if exists access_expires_at;

--------------------------------------------------------------------------------
-- Panel sessions: a short-lived access token and a rotating refresh token
--------------------------------------------------------------------------------

alter table app_private.sessions
  add column access_expires_at timestamptz,
  add column refresh_hash bytea unique check (length(refresh_hash) = 32);
comment on column app_private.sessions.access_expires_at is
  'Panel sessions: when the current access token (cookie gb_session) lapses; null for sessions whose token lives until expires_at.';
comment on column app_private.sessions.refresh_hash is
  'Panel sessions: SHA-256 of the current refresh token (cookie gb_refresh); each refresh replaces it.';
comment on column app_private.sessions.expires_at is
  'End of the session: the access token (and any refresh) is refused afterwards. For panel sessions, sign-in + REFRESH_TTL_S.';

create table app_private.session_rotated_tokens (
  token_hash bytea primary key check (length(token_hash) = 32),
  session_id uuid not null references app_private.sessions on delete cascade,
  rotated_at timestamptz not null default now()
);
comment on table app_private.session_rotated_tokens is
  'Refresh tokens already exchanged. Presenting one again means it was copied: the whole session is revoked.';
create index session_rotated_tokens_session on app_private.session_rotated_tokens (session_id);
alter table app_private.session_rotated_tokens enable row level security;

create or replace function app_private.session_claims(p_token_hash bytea) returns app_private.session_claims
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_private.sessions;
begin
  select * into v from app_private.sessions
   where token_hash = p_token_hash and expires_at > now() and coalesce(access_expires_at, expires_at) > now();
  if v.id is null then
    return null;
  end if;
  -- Touch at most once a minute: reading a session must not cost a write per request.
  if v.last_seen_at < now() - interval '1 minute' then
    update app_private.sessions set last_seen_at = now() where id = v.id;
  end if;
  return (v.id, v.guild_id, v.discord_id, v.kind, v.staff_role, least(v.expires_at, coalesce(v.access_expires_at, v.expires_at)))::app_private.session_claims;
end;
$$;
comment on function app_private.session_claims(bytea) is
  'The claims of a live session (null when unknown, expired, or its access token has lapsed); expires_at is when the '
  'access token lapses. Refreshes last_seen_at at most once a minute.';

create function app_private.open_panel_session(p_access_hash bytea, p_refresh_hash bytea, p_guild_id bigint,
  p_discord_id bigint, p_staff_role app_public.staff_role, p_access_ttl_s integer, p_refresh_ttl_s integer)
returns app_private.session_claims
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_private.sessions;
begin
  if p_staff_role is null then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'staff_role'));
  end if;
  if p_access_ttl_s is null or p_refresh_ttl_s is null or p_access_ttl_s not between 60 and 86400
     or p_refresh_ttl_s not between p_access_ttl_s and 2592000 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'ttl_s'));
  end if;
  if p_refresh_hash is null or length(p_refresh_hash) <> 32 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'refresh_hash'));
  end if;
  -- The refresh lifetime bounds the whole session: a staff role is re-read from Discord at the next sign-in.
  perform app_private.open_session(p_access_hash, p_guild_id, p_discord_id, 'staff', p_staff_role, 'discord', p_refresh_ttl_s);
  update app_private.sessions
     set refresh_hash = p_refresh_hash, access_expires_at = now() + make_interval(secs => p_access_ttl_s)
   where token_hash = p_access_hash
  returning * into v;
  return (v.id, v.guild_id, v.discord_id, v.kind, v.staff_role, v.access_expires_at)::app_private.session_claims;
end;
$$;
comment on function app_private.open_panel_session(bytea, bytea, bigint, bigint, app_public.staff_role, integer, integer) is
  'Opens a panel staff session after a Discord sign-in: an access token valid p_access_ttl_s seconds and a refresh token; '
  'the session ends p_refresh_ttl_s after sign-in whatever the refreshes (so a changed Discord role is applied at the '
  'next sign-in, at the latest then). Only SHA-256 hashes are stored. Errors: MB003 guild_not_found, VL001 '
  'invalid_argument (ttls, hashes, missing role). Source: issue #5 "Sign-in and sessions".';

create type app_private.session_refresh as (
  status     text,
  session_id uuid,
  guild_id   bigint,
  discord_id bigint,
  kind       text,
  staff_role app_public.staff_role,
  expires_at timestamptz
);

create function app_private.refresh_session(p_refresh_hash bytea, p_new_access_hash bytea, p_new_refresh_hash bytea,
  p_access_ttl_s integer)
returns app_private.session_refresh
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_private.sessions;
  v_reused uuid;
begin
  if p_access_ttl_s is null or p_access_ttl_s not between 60 and 86400
     or length(p_new_access_hash) <> 32 or length(p_new_refresh_hash) <> 32 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'refresh'));
  end if;
  -- The row lock serialises two refreshes of one session: the second sees the token as rotated.
  select * into v from app_private.sessions where refresh_hash = p_refresh_hash for update;
  if v.id is null then
    select session_id into v_reused from app_private.session_rotated_tokens where token_hash = p_refresh_hash;
    if v_reused is not null then
      delete from app_private.sessions where id = v_reused;
      return ('reused', null, null, null, null, null, null)::app_private.session_refresh;
    end if;
    return ('unknown', null, null, null, null, null, null)::app_private.session_refresh;
  end if;
  if v.expires_at <= now() then
    delete from app_private.sessions where id = v.id;
    return ('unknown', null, null, null, null, null, null)::app_private.session_refresh;
  end if;
  insert into app_private.session_rotated_tokens (token_hash, session_id) values (p_refresh_hash, v.id);
  update app_private.sessions
     set token_hash = p_new_access_hash, refresh_hash = p_new_refresh_hash, last_seen_at = now(),
         access_expires_at = least(expires_at, now() + make_interval(secs => p_access_ttl_s))
   where id = v.id
  returning * into v;
  return ('rotated', v.id, v.guild_id, v.discord_id, v.kind, v.staff_role, v.access_expires_at)::app_private.session_refresh;
end;
$$;
comment on function app_private.refresh_session(bytea, bytea, bytea, integer) is
  'Rotates a panel session''s tokens: the presented refresh token is exchanged for a new access token and a new refresh '
  'token, and remembered as rotated. Status rotated (with the claims), unknown (no such token, or the session ended), or '
  'reused: the token had already been rotated, so it was copied, and the whole session is revoked (OAuth 2.0 Security '
  'BCP, refresh token rotation). Errors: VL001 invalid_argument. Source: issue #5 "Sign-in and sessions".';

create function app_private.revoke_refresh_token(p_refresh_hash bytea) returns boolean
language sql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
  with gone as (
    delete from app_private.sessions
     where refresh_hash = p_refresh_hash
        or id = (select session_id from app_private.session_rotated_tokens where token_hash = p_refresh_hash)
    returning 1)
  select exists (select 1 from gone);
$$;
comment on function app_private.revoke_refresh_token(bytea) is
  'Sign-out of a panel session by its refresh token (current or already rotated): ends the session; true if it existed.';

--------------------------------------------------------------------------------
-- HTTP Idempotency-Key records (server middleware on writes)
--------------------------------------------------------------------------------

create function app_private.http_request_begin(p_guild_id bigint, p_actor_id bigint, p_key text, p_request_hash bytea)
returns table (state text, status integer, body text, content_type text)
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_private.idempotency_keys;
  v_request jsonb := jsonb_build_object('http', encode(p_request_hash, 'hex'));
begin
  if p_key is null or length(p_key) not between 1 and 255 then
    perform app_private.raise_error('IK002', 'idempotency_key_invalid', jsonb_build_object('length', length(p_key)));
  end if;
  insert into app_private.idempotency_keys (guild_id, actor_id, key, request)
    values (p_guild_id, p_actor_id, 'http:' || p_key, v_request)
    on conflict do nothing;
  if found then
    return query select 'new'::text, null::integer, null::text, null::text;
    return;
  end if;
  select * into v from app_private.idempotency_keys
   where guild_id = p_guild_id and actor_id = p_actor_id and key = 'http:' || p_key;
  if v.request is distinct from v_request then
    return query select 'mismatch'::text, null::integer, null::text, null::text;
  elsif v.result is null then
    return query select 'in_progress'::text, null::integer, null::text, null::text;
  else
    return query select 'replay'::text, (v.result ->> 'status')::integer, v.result ->> 'body', v.result ->> 'content_type';
  end if;
end;
$$;
comment on function app_private.http_request_begin(bigint, bigint, text, bytea) is
  'Claims an HTTP Idempotency-Key for a signed-in caller (scoped by guild and actor, stored as http:<key> in '
  'idempotency_keys with the SHA-256 of method, path and body). State new (run the request), replay (the stored answer), '
  'in_progress (the first request has not finished) or mismatch (the key was used for another request). Errors: IK002 '
  'idempotency_key_invalid. Source: issue #5, DESIGN.md "Idempotency".';

create function app_private.http_request_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_status integer,
  p_body text, p_content_type text)
returns void
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  if p_body is null then
    -- A server error is not an answer to replay: release the key so the client may retry.
    delete from app_private.idempotency_keys
     where guild_id = p_guild_id and actor_id = p_actor_id and key = 'http:' || p_key and result is null;
  else
    update app_private.idempotency_keys
       set result = jsonb_build_object('status', p_status, 'body', p_body, 'content_type', p_content_type)
     where guild_id = p_guild_id and actor_id = p_actor_id and key = 'http:' || p_key and result is null;
  end if;
end;
$$;
comment on function app_private.http_request_finish(bigint, bigint, text, integer, text, text) is
  'Stores the answer (status, body, content type) of the request that claimed an HTTP Idempotency-Key; a null body '
  '(server error) releases the key instead. Source: issue #5.';

grant execute on function
  app_private.open_panel_session(bytea, bytea, bigint, bigint, app_public.staff_role, integer, integer),
  app_private.refresh_session(bytea, bytea, bytea, integer),
  app_private.revoke_refresh_token(bytea),
  app_private.http_request_begin(bigint, bigint, text, bytea),
  app_private.http_request_finish(bigint, bigint, text, integer, text, text)
  to guildbank_authenticator;

--------------------------------------------------------------------------------
-- Economy events: time-boxed modifiers applied by the rules while active
--------------------------------------------------------------------------------

create table app_public.economy_events (
  id         bigint generated always as identity primary key,
  guild_id   bigint not null references app_public.guilds on delete cascade,
  kind       text not null check (kind in ('daily_multiplier', 'shop_discount')),
  value      numeric(6, 4) not null,
  title      text not null check (length(btrim(title)) between 1 and 100),
  starts_at  timestamptz not null,
  ends_at    timestamptz not null,
  started_by bigint not null,
  stopped_at timestamptz,
  stopped_by bigint,
  created_at timestamptz not null default now(),
  check (ends_at > starts_at),
  check (stopped_at is null or stopped_by is not null),
  check ((kind = 'daily_multiplier' and value > 1 and value <= 10) or (kind = 'shop_discount' and value > 0 and value <= 0.9))
);
comment on table app_public.economy_events is E'@behavior -insert -update -delete\nTime-boxed economy modifiers (a daily-reward multiplier, a shop discount). While active (starts_at <= now < ends_at, not stopped) the rules apply them: claim_daily multiplies the reward, buy_reward lowers the unit price. At most one active event per kind and guild. Started and stopped by ADMIN+ (start_event, stop_event), audited.';
comment on column app_public.economy_events.value is 'daily_multiplier: the factor (1 < x <= 10); shop_discount: the fraction off the catalogue price (0 < x <= 0.9).';
comment on column app_public.economy_events.stopped_at is 'Set when staff stop the event early; the event is over from then.';
create index economy_events_guild_window on app_public.economy_events (guild_id, kind, starts_at);
alter table app_public.economy_events enable row level security;
grant select on app_public.economy_events to coins_player, coins_staff;
create policy economy_events_staff on app_public.economy_events for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
create policy economy_events_player on app_public.economy_events for select to coins_player
  using (guild_id = (select app_public.current_guild_id()));

create function app_public.economy_events_active(e app_public.economy_events) returns boolean
language sql stable security invoker set search_path = pg_catalog, public, pg_temp
as $$
  select e.starts_at <= now() and now() < least(e.ends_at, coalesce(e.stopped_at, 'infinity'));
$$;
comment on function app_public.economy_events_active(app_public.economy_events) is
  'Whether the event is in effect now (started, not ended, not stopped).';

create function app_private.active_event(p_guild_id bigint, p_kind text, p_at timestamptz)
returns app_public.economy_events
language sql stable
as $$
  select * from app_public.economy_events
   where guild_id = p_guild_id and kind = p_kind and starts_at <= p_at
     and p_at < least(ends_at, coalesce(stopped_at, 'infinity'))
   order by starts_at desc
   limit 1;
$$;
comment on function app_private.active_event(bigint, text, timestamptz) is
  'The economy event of a kind in effect in a guild at p_at (null row when none). Used by the daily-claim and shop rules.';

create function app_public.start_event(kind text, value numeric, title text, starts_at timestamptz default null,
  ends_at timestamptz default null, reason text default null)
returns app_public.economy_events
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN']::app_public.staff_role[]);
  v_guild bigint := app_public.current_guild_id();
  v_start timestamptz := coalesce(start_event.starts_at, now());
  v_clash bigint;
  v_event app_public.economy_events;
begin
  if reason is null or length(btrim(reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  if kind is null or kind not in ('daily_multiplier', 'shop_discount') then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'kind'));
  end if;
  if value is null or (kind = 'daily_multiplier' and not (value > 1 and value <= 10))
     or (kind = 'shop_discount' and not (value > 0 and value <= 0.9)) then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'value'));
  end if;
  if start_event.ends_at is null or start_event.ends_at <= greatest(v_start, now())
     or start_event.ends_at > v_start + interval '90 days' or v_start < now() - interval '1 minute' then
    perform app_private.raise_error('EV001', 'invalid_event_window',
      jsonb_build_object('starts_at', v_start, 'ends_at', start_event.ends_at, 'max_days', 90));
  end if;
  -- The guild row lock serialises event starts, so two overlapping events of a kind can never both pass.
  perform 1 from app_public.guilds where id = v_guild for update;
  select e.id into v_clash from app_public.economy_events e
   where e.guild_id = v_guild and e.kind = start_event.kind
     and e.starts_at < start_event.ends_at and v_start < least(e.ends_at, coalesce(e.stopped_at, 'infinity'))
   limit 1;
  if v_clash is not null then
    perform app_private.raise_error('EV002', 'event_overlap', jsonb_build_object('event_id', v_clash, 'kind', kind));
  end if;
  insert into app_public.economy_events (guild_id, kind, value, title, starts_at, ends_at, started_by)
    values (v_guild, kind, value, btrim(title), v_start, start_event.ends_at, app_public.current_discord_id())
    returning * into v_event;
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v_guild, app_public.current_discord_id(), v_role, 'start_event', 'economy_event', v_event.id::text,
      null, to_jsonb(v_event), reason);
  return v_event;
end;
$$;
comment on function app_public.start_event(text, numeric, text, timestamptz, timestamptz, text) is
  'Schedules an economy event (now, or from starts_at) until ends_at (at most 90 days): kind daily_multiplier (value: '
  'factor > 1, <= 10, applied to claim_daily''s reward) or shop_discount (value: fraction off, <= 0.9, applied to '
  'buy_reward''s unit price). At most one event of a kind at any moment per guild. Roles: SUPERADMIN, ADMIN. Audited '
  '(admin_actions, subject economy_event). Errors: AU001, PD001, RS001 reason_required, VL001 invalid_argument (kind, '
  'value), EV001 invalid_event_window, EV002 event_overlap. Source: issue #5 "events".';

create function app_public.stop_event(event_id bigint, reason text) returns app_public.economy_events
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN']::app_public.staff_role[]);
  v_before app_public.economy_events;
  v_event app_public.economy_events;
begin
  if reason is null or length(btrim(reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  select * into v_before from app_public.economy_events
   where id = event_id and guild_id = app_public.current_guild_id() for update;
  if v_before.id is null then
    perform app_private.raise_error('EV003', 'event_not_found', jsonb_build_object('event_id', event_id));
  end if;
  if v_before.stopped_at is not null or v_before.ends_at <= now() then
    perform app_private.raise_error('EV004', 'event_over', jsonb_build_object('event_id', event_id));
  end if;
  update app_public.economy_events set stopped_at = now(), stopped_by = app_public.current_discord_id()
   where id = v_before.id returning * into v_event;
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v_event.guild_id, app_public.current_discord_id(), v_role, 'stop_event', 'economy_event', v_event.id::text,
      to_jsonb(v_before), to_jsonb(v_event), reason);
  return v_event;
end;
$$;
comment on function app_public.stop_event(bigint, text) is
  'Stops an active or scheduled economy event now (its modifier no longer applies). Roles: SUPERADMIN, ADMIN. Audited. '
  'Errors: AU001, PD001, RS001 reason_required, EV003 event_not_found, EV004 event_over. Source: issue #5 "events".';

-- The rules that apply the modifiers (unchanged otherwise; see 000001 and 000002).
create or replace function app_private.claim_daily_for(p_user_id bigint, p_key text default null, p_at timestamptz default now())
returns app_public.daily_claim
language plpgsql
as $$
declare
  v_user app_public.users;
  v_settings app_public.guild_settings;
  v_replay jsonb;
  v_streak int;
  v_amount bigint;
  v_tx uuid;
  v_result app_public.daily_claim;
  v_event app_public.economy_events;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  if v_user.id is null then
    perform app_private.raise_error('MB001', 'member_not_registered');
  end if;
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'claim_daily'));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.daily_claim, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  if v_user.last_daily_at is not null and p_at < v_user.last_daily_at + interval '24 hours' then
    perform app_private.raise_error('CD001', 'cooldown_active',
      jsonb_build_object('next_claim_at', v_user.last_daily_at + interval '24 hours',
        'retry_after_s', ceil(extract(epoch from v_user.last_daily_at + interval '24 hours' - p_at))::bigint));
  end if;

  select * into v_settings from app_public.guild_settings where guild_id = v_user.guild_id;
  v_streak := case
    when v_user.last_daily_at is not null and p_at <= v_user.last_daily_at + interval '48 hours'
      then v_user.streak_days + 1
    else 1
  end;
  v_amount := v_settings.daily_amount
    + least((v_streak - 1)::bigint * v_settings.daily_streak_bonus, v_settings.daily_streak_bonus_cap);
  -- An active daily_multiplier event (issue #5) multiplies the whole reward, rounded down.
  v_event := app_private.active_event(v_user.guild_id, 'daily_multiplier', p_at);
  if v_event.id is not null then
    v_amount := floor(v_amount * v_event.value)::bigint;
  end if;

  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, created_at)
    values (v_user.guild_id, 'earn', v_user.discord_id, v_user.id, v_amount, 'daily',
            jsonb_build_object('streak_days', v_streak) || case when v_event.id is null then '{}'::jsonb
              else jsonb_build_object('event_id', v_event.id, 'multiplier', v_event.value) end, p_at)
    returning tx_id into v_tx;
  perform app_private.post_transfer(v_user.guild_id,
    (select id from app_public.accounts where guild_id = v_user.guild_id and user_id is null and currency = 'COIN' and kind = 'mint'),
    (select id from app_public.accounts where user_id = v_user.id and currency = 'COIN' and kind = 'wallet'),
    v_amount, 'daily', v_tx, 'posted', null, null, p_at);
  update app_public.users set streak_days = v_streak, last_daily_at = p_at where id = v_user.id;

  v_result := (v_amount, v_streak,
    (select balance from app_public.accounts where user_id = v_user.id and currency = 'COIN' and kind = 'wallet'),
    p_at, p_at + interval '24 hours', v_tx)::app_public.daily_claim;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v_result));
  return v_result;
end;
$$;
comment on function app_private.claim_daily_for(bigint, text, timestamptz) is
  'The daily-claim rule at an explicit time (p_at; the public function passes now(), the demo seed back-dates). An active '
  'daily_multiplier economy event multiplies the reward (rounded down; event_id and multiplier in the transaction''s '
  'meta). See app_public.claim_daily.';

create or replace function app_private.buy_reward_for(p_user_id bigint, p_sku text, p_qty integer, p_key text,
  p_at timestamptz default now())
returns app_public.orders
language plpgsql
as $$
declare
  v_user app_public.users;
  v_reward app_public.rewards;
  v_settings app_public.guild_settings;
  v_replay jsonb;
  v_limit integer;
  v_already integer;
  v_total bigint;
  v_order_id uuid;
  v_expires timestamptz;
  v_tx uuid;
  v_hold bigint;
  v_order app_public.orders;
  v_event app_public.economy_events;
  v_unit bigint;
begin
  perform app_private.check_quantity(p_qty);
  select * into v_user from app_private.lock_members(array[p_user_id]);
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'buy_reward', 'sku', p_sku, 'qty', p_qty));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.orders, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  -- The reward row lock serialises buyers of one SKU: stock can never be oversold.
  select * into v_reward from app_public.rewards where guild_id = v_user.guild_id and sku = p_sku for update;
  if v_reward.sku is null or not v_reward.visible then
    perform app_private.raise_error('RW001', 'reward_not_found', jsonb_build_object('sku', p_sku));
  end if;
  if v_reward.expires_at is not null and v_reward.expires_at <= p_at then
    perform app_private.raise_error('RW002', 'reward_expired', jsonb_build_object('sku', p_sku, 'expired_at', v_reward.expires_at));
  end if;
  if v_reward.stock is not null and v_reward.stock < p_qty then
    perform app_private.raise_error('RW003', 'out_of_stock', jsonb_build_object('sku', p_sku, 'available', v_reward.stock));
  end if;
  if v_reward.limits ? 'per_member_per_day' then
    v_limit := (v_reward.limits ->> 'per_member_per_day')::int;
    select coalesce(sum(l.qty), 0) into v_already
      from app_public.orders o join app_public.order_lines l on l.order_id = o.order_id
     where o.buyer_id = v_user.id and o.kind = 'shop' and l.sku = p_sku and o.status in ('pending', 'fulfilled')
       and o.created_at >= date_trunc('day', p_at, 'UTC') and o.created_at < date_trunc('day', p_at, 'UTC') + interval '1 day';
    if v_already + p_qty > v_limit then
      perform app_private.raise_error('RW004', 'purchase_limit_reached',
        jsonb_build_object('sku', p_sku, 'limit', v_limit, 'period', 'day', 'already', v_already));
    end if;
  end if;
  if v_reward.limits ? 'per_member_lifetime' then
    v_limit := (v_reward.limits ->> 'per_member_lifetime')::int;
    select coalesce(sum(l.qty), 0) into v_already
      from app_public.orders o join app_public.order_lines l on l.order_id = o.order_id
     where o.buyer_id = v_user.id and o.kind = 'shop' and l.sku = p_sku and o.status in ('pending', 'fulfilled');
    if v_already + p_qty > v_limit then
      perform app_private.raise_error('RW004', 'purchase_limit_reached',
        jsonb_build_object('sku', p_sku, 'limit', v_limit, 'period', 'lifetime', 'already', v_already));
    end if;
  end if;

  -- An active shop_discount event (issue #5) takes its fraction off the unit price, rounded down to whole coins off.
  v_event := app_private.active_event(v_user.guild_id, 'shop_discount', p_at);
  v_unit := v_reward.price - case when v_event.id is null then 0 else floor(v_reward.price * v_event.value)::bigint end;
  v_total := v_unit * p_qty;
  select * into v_settings from app_public.guild_settings where guild_id = v_user.guild_id;
  v_order_id := gen_random_uuid();
  -- A voucher waits for its redemption (VOUCHER_TIMEOUT_H); everything else for its fulfilment (ESCROW_TIMEOUT_MIN).
  v_expires := p_at + case when v_reward.fulfilment = 'voucher' then make_interval(hours => v_settings.voucher_timeout_h)
                           else make_interval(mins => v_settings.escrow_timeout_min) end;
  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, order_id, created_at)
    values (v_user.guild_id, 'buy', v_user.discord_id, v_user.id, v_total, 'shop_purchase',
            jsonb_build_object('sku', p_sku, 'qty', p_qty, 'unit_price', v_unit, 'fee', 0)
              || case when v_event.id is null then '{}'::jsonb
                 else jsonb_build_object('list_price', v_reward.price, 'event_id', v_event.id, 'discount', v_event.value) end,
            v_order_id, p_at)
    returning tx_id into v_tx;
  v_hold := app_private.hold(v_user.guild_id, v_user.id, v_total, 'order_escrow', v_expires, v_tx, p_at);
  insert into app_public.orders (order_id, guild_id, kind, buyer_id, escrow, fee, fulfilment, hold_id, expires_at, created_at)
    values (v_order_id, v_user.guild_id, 'shop', v_user.id, v_total, 0, v_reward.fulfilment, v_hold, v_expires, p_at)
    returning * into v_order;
  insert into app_public.order_lines (order_id, guild_id, sku, qty, unit_price)
    values (v_order.order_id, v_user.guild_id, p_sku, p_qty, v_unit);
  if v_reward.stock is not null then
    update app_public.rewards set stock = stock - p_qty where guild_id = v_user.guild_id and sku = p_sku;
  end if;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v_order));
  return v_order;
end;
$$;
comment on function app_private.buy_reward_for(bigint, text, integer, text, timestamptz) is
  'The shop purchase rule at an explicit time. An active shop_discount economy event lowers the unit price by '
  'floor(price * discount) (list_price, event_id and discount in the transaction''s meta). See app_public.buy_reward.';

--------------------------------------------------------------------------------
-- Reports (the panel's reports page): computed from the ledger
--------------------------------------------------------------------------------

create type app_public.report_day as (
  day        date,
  supply     bigint,
  minted     bigint,
  burned     bigint,
  fees       bigint,
  volume     bigint,
  velocity   numeric,
  faucets    jsonb,
  sinks      jsonb
);
comment on type app_public.report_day is
  'One UTC day of the economy: supply (coins held by members, treasury and fees at the end of the day = minus the mint''s '
  'balance), minted/burned (posted flows from/to the mint), fees collected, volume (posted transfers between member '
  'wallets and escrows, settlements included), velocity (volume / supply), and faucets/sinks by reason ({reason: coins}). '
  'Faucets are flows out of the mint; sinks are flows from members into the mint, the treasury or the fees account.';

create function app_public.report_daily("from" timestamptz, "to" timestamptz) returns setof app_public.report_day
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_guild bigint;
begin
  perform app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR', 'SUPPORT', 'AUDITOR']::app_public.staff_role[]);
  v_guild := app_public.current_guild_id();
  if "from" is null or "to" is null or "to" <= "from" or "to" - "from" > interval '366 days' then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'from/to', 'max_days', 366));
  end if;
  return query
  with acc as (
    select id, kind from app_public.accounts where guild_id = v_guild and currency = 'COIN'
  ), flows as (
    select (t.created_at at time zone 'UTC')::date as day, t.amount, t.reason,
           d.kind as dk, c.kind as ck
      from app_public.transfers t
      join acc d on d.id = t.debit_account_id
      join acc c on c.id = t.credit_account_id
     where t.guild_id = v_guild and t.status = 'posted' and t.created_at >= "from" and t.created_at < "to"
  ), opening as (
    select coalesce(sum(case when d.kind = 'mint' then t.amount else 0 end), 0)
         - coalesce(sum(case when c.kind = 'mint' then t.amount else 0 end), 0) as supply
      from app_public.transfers t
      join acc d on d.id = t.debit_account_id
      join acc c on c.id = t.credit_account_id
     where t.guild_id = v_guild and t.status = 'posted' and t.created_at < "from" and (d.kind = 'mint' or c.kind = 'mint')
  ), days as (
    select g::date as day from generate_series(("from" at time zone 'UTC')::date, (("to" - interval '1 microsecond') at time zone 'UTC')::date, interval '1 day') g
  ), per_day as (
    select d.day,
           coalesce(sum(f.amount) filter (where f.dk = 'mint'), 0)::bigint as minted,
           coalesce(sum(f.amount) filter (where f.ck = 'mint'), 0)::bigint as burned,
           coalesce(sum(f.amount) filter (where f.ck = 'fees'), 0)::bigint as fees,
           coalesce(sum(f.amount) filter (where f.dk in ('wallet', 'escrow') and f.ck in ('wallet', 'escrow', 'treasury', 'fees')), 0)::bigint as volume
      from days d left join flows f on f.day = d.day
     group by d.day
  ), faucet as (
    select day, jsonb_object_agg(reason, total) as j from (
      select day, reason, sum(amount)::bigint as total from flows where dk = 'mint' group by day, reason) x group by day
  ), sink as (
    select day, jsonb_object_agg(reason, total) as j from (
      select day, reason, sum(amount)::bigint as total from flows
       where dk in ('wallet', 'escrow') and ck in ('mint', 'treasury', 'fees') group by day, reason) x group by day
  )
  select p.day,
         ((select supply from opening) + sum(p.minted - p.burned) over (order by p.day))::bigint,
         p.minted, p.burned, p.fees, p.volume,
         case when (select supply from opening) + sum(p.minted - p.burned) over (order by p.day) > 0
              then round(p.volume::numeric / ((select supply from opening) + sum(p.minted - p.burned) over (order by p.day)), 4) else 0 end,
         coalesce(fa.j, '{}'::jsonb), coalesce(si.j, '{}'::jsonb)
    from per_day p left join faucet fa on fa.day = p.day left join sink si on si.day = p.day
   order by p.day;
end;
$$;
comment on function app_public.report_daily(timestamptz, timestamptz) is
  'The economy per UTC day between from and to (at most 366 days) from the ledger (posted transfers): money supply over '
  'time, minted and burned, faucets vs sinks by reason, fees collected, volume and velocity. Roles: every staff role. '
  'Errors: AU001, PD001, VL001 invalid_argument. Source: issue #5 "reports".';

create type app_public.top_earner as (
  discord_id   bigint,
  display_name text,
  earned       bigint,
  spent        bigint
);

create function app_public.report_top_earners("from" timestamptz, "to" timestamptz, "limit" integer default 10)
returns setof app_public.top_earner
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_guild bigint;
begin
  perform app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR', 'SUPPORT', 'AUDITOR']::app_public.staff_role[]);
  v_guild := app_public.current_guild_id();
  if "from" is null or "to" is null or "to" <= "from" or "limit" is null or "limit" not between 1 and 100 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'from/to/limit'));
  end if;
  return query
  with w as (
    select a.id, a.user_id from app_public.accounts a
     where a.guild_id = v_guild and a.kind = 'wallet' and a.currency = 'COIN' and a.user_id is not null
  ), esc as (
    select a.id, a.user_id from app_public.accounts a
     where a.guild_id = v_guild and a.kind = 'escrow' and a.currency = 'COIN'
  ), moves as (
    -- Into a wallet from anywhere but the member's own escrow (a returned hold is not income).
    select w.user_id, t.amount as earned, 0::bigint as spent
      from app_public.transfers t join w on w.id = t.credit_account_id
     where t.guild_id = v_guild and t.status = 'posted' and t.created_at >= "from" and t.created_at < "to"
       and not exists (select 1 from esc where esc.id = t.debit_account_id and esc.user_id = w.user_id)
    union all
    -- Out of a wallet to anywhere but the member's own escrow (a hold is counted when it settles, below).
    select w.user_id, 0, t.amount
      from app_public.transfers t join w on w.id = t.debit_account_id
     where t.guild_id = v_guild and t.status = 'posted' and t.created_at >= "from" and t.created_at < "to"
       and not exists (select 1 from esc where esc.id = t.credit_account_id and esc.user_id = w.user_id)
    union all
    select esc.user_id, 0, t.amount
      from app_public.transfers t join esc on esc.id = t.debit_account_id
     where t.guild_id = v_guild and t.status = 'posted' and t.pending_id is not null
       and t.created_at >= "from" and t.created_at < "to"
  )
  select u.discord_id, u.display_name, sum(m.earned)::bigint, sum(m.spent)::bigint
    from moves m join app_public.users u on u.id = m.user_id
   where not u.is_bot
   group by u.discord_id, u.display_name
  having sum(m.earned) > 0
   order by sum(m.earned) desc, u.discord_id
   limit "limit";
end;
$$;
comment on function app_public.report_top_earners(timestamptz, timestamptz, integer) is
  'The members who received the most coins between from and to (daily rewards, gives, sales, staff credits, quests; '
  'returned escrow excluded), with what they spent (gives, settled purchases, debits), bots excluded. Roles: every staff '
  'role. Errors: AU001, PD001, VL001 invalid_argument. Source: issue #5 "reports".';

grant execute on function app_public.economy_events_active(app_public.economy_events),
  app_public.start_event(text, numeric, text, timestamptz, timestamptz, text),
  app_public.stop_event(bigint, text),
  app_public.report_daily(timestamptz, timestamptz),
  app_public.report_top_earners(timestamptz, timestamptz, integer)
  to coins_staff;
grant execute on function app_public.economy_events_active(app_public.economy_events) to coins_player;

--------------------------------------------------------------------------------
-- Operations: the job queue and ops alerts for the panel
--------------------------------------------------------------------------------

create type app_public.queue_status_row as (
  task      text,
  ready     bigint,
  scheduled bigint,
  running   bigint,
  failed    bigint
);

create function app_public.queue_status() returns setof app_public.queue_status_row
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR', 'SUPPORT', 'AUDITOR']::app_public.staff_role[]);
  return query select q.task_identifier, q.ready, q.scheduled, q.locked, q.failed from app_hidden.queue_depth() q order by 1;
end;
$$;
comment on function app_public.queue_status() is
  'The job queue by task (ready, scheduled, running, permanently failed), for the panel''s queue badges. The queue is '
  'shared by every guild, so counts are global and carry no guild data. Roles: every staff role. Errors: AU001, PD001. '
  'Source: issue #5 "Live".';

create function app_public.acknowledge_alert(alert_id bigint) returns app_public.ops_alerts
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR', 'SUPPORT']::app_public.staff_role[]);
  v app_public.ops_alerts;
begin
  update app_public.ops_alerts
     set acknowledged_at = coalesce(acknowledged_at, now()), acknowledged_by = coalesce(acknowledged_by, app_public.current_discord_id())
   where id = alert_id and (guild_id = app_public.current_guild_id() or guild_id is null)
  returning * into v;
  if v.id is null then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'alert_id'));
  end if;
  return v;
end;
$$;
comment on function app_public.acknowledge_alert(bigint) is
  'Marks an ops alert of the caller''s guild (or a guild-less one) as seen; idempotent (the first acknowledgement is '
  'kept). Roles: SUPERADMIN, ADMIN, OPERATOR, SUPPORT. Errors: AU001, PD001, VL001 (no such alert). Source: issue #5.';

grant execute on function app_public.queue_status(), app_public.acknowledge_alert(bigint) to coins_staff;
