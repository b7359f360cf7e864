--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: app_hidden; Type: SCHEMA; Schema: -; Owner: guildbank_owner
--

CREATE SCHEMA app_hidden;

ALTER SCHEMA app_hidden OWNER TO guildbank_owner;

--
-- Name: SCHEMA app_hidden; Type: COMMENT; Schema: -; Owner: guildbank_owner
--

COMMENT ON SCHEMA app_hidden IS 'Usable by API roles, not exposed through the API.';

--
-- Name: app_private; Type: SCHEMA; Schema: -; Owner: guildbank_owner
--

CREATE SCHEMA app_private;

ALTER SCHEMA app_private OWNER TO guildbank_owner;

--
-- Name: SCHEMA app_private; Type: COMMENT; Schema: -; Owner: guildbank_owner
--

COMMENT ON SCHEMA app_private IS 'Secrets, sessions, idempotency records and internal rules; no API role can read it.';

--
-- Name: app_public; Type: SCHEMA; Schema: -; Owner: guildbank_owner
--

CREATE SCHEMA app_public;

ALTER SCHEMA app_public OWNER TO guildbank_owner;

--
-- Name: SCHEMA app_public; Type: COMMENT; Schema: -; Owner: guildbank_owner
--

COMMENT ON SCHEMA app_public IS 'Tables and functions exposed through the GraphQL API.';

--
-- Name: staff_role; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.staff_role AS ENUM (
    'SUPERADMIN',
    'ADMIN',
    'OPERATOR',
    'SUPPORT',
    'AUDITOR'
);

ALTER TYPE app_public.staff_role OWNER TO guildbank_owner;

--
-- Name: TYPE staff_role; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TYPE app_public.staff_role IS 'Panel and Discord staff roles, mapped from Discord roles at each login (db/CONVENTIONS.md lists what each may do).';

--
-- Name: session_claims; Type: TYPE; Schema: app_private; Owner: guildbank_owner
--

CREATE TYPE app_private.session_claims AS (
	session_id uuid,
	guild_id bigint,
	discord_id bigint,
	kind text,
	staff_role app_public.staff_role,
	expires_at timestamp with time zone
);

ALTER TYPE app_private.session_claims OWNER TO guildbank_owner;

--
-- Name: account_kind; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.account_kind AS ENUM (
    'wallet',
    'escrow',
    'treasury',
    'mint',
    'fees',
    'external'
);

ALTER TYPE app_public.account_kind OWNER TO guildbank_owner;

--
-- Name: TYPE account_kind; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TYPE app_public.account_kind IS 'wallet/escrow: a member''s spendable and held funds. treasury: the guild''s own funds. mint: source and sink of issued coins (may go negative). fees: collected fees. external: value held outside (e.g. the Minecraft bot''s in-game money; may go negative).';

--
-- Name: daily_claim; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.daily_claim AS (
	amount bigint,
	streak_days integer,
	balance bigint,
	claimed_at timestamp with time zone,
	next_claim_at timestamp with time zone,
	tx_id uuid
);

ALTER TYPE app_public.daily_claim OWNER TO guildbank_owner;

--
-- Name: TYPE daily_claim; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TYPE app_public.daily_claim IS 'Receipt of a daily claim: coins credited, new streak, new wallet balance, next claim time.';

--
-- Name: give_receipt; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.give_receipt AS (
	tx_id uuid,
	transfer_id bigint,
	amount bigint,
	to_discord_id bigint,
	balance bigint,
	created_at timestamp with time zone
);

ALTER TYPE app_public.give_receipt OWNER TO guildbank_owner;

--
-- Name: TYPE give_receipt; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TYPE app_public.give_receipt IS 'Receipt of a give: coins moved, recipient, the sender''s new wallet balance.';

--
-- Name: leaderboard_entry; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.leaderboard_entry AS (
	rank integer,
	discord_id bigint,
	display_name text,
	balance bigint
);

ALTER TYPE app_public.leaderboard_entry OWNER TO guildbank_owner;

--
-- Name: ledger_violation; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.ledger_violation AS (
	invariant text,
	guild_id bigint,
	currency text,
	account_id bigint,
	expected bigint,
	actual bigint
);

ALTER TYPE app_public.ledger_violation OWNER TO guildbank_owner;

--
-- Name: TYPE ledger_violation; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TYPE app_public.ledger_violation IS 'One broken ledger invariant (see verify_ledger).';

--
-- Name: member_card; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.member_card AS (
	discord_id bigint,
	display_name text,
	balance bigint,
	escrow bigint,
	streak_days integer,
	last_daily_at timestamp with time zone,
	next_daily_at timestamp with time zone,
	badges jsonb,
	rank integer,
	lifetime_earned bigint,
	lifetime_spent bigint,
	frozen boolean,
	recent jsonb
);

ALTER TYPE app_public.member_card OWNER TO guildbank_owner;

--
-- Name: TYPE member_card; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TYPE app_public.member_card IS 'Everything a personal card shows: balances (coins), streak, badges, rank among non-bot members, and the last 3 transactions.';

--
-- Name: transfer_status; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.transfer_status AS ENUM (
    'pending',
    'posted',
    'voided'
);

ALTER TYPE app_public.transfer_status OWNER TO guildbank_owner;

--
-- Name: tx_type; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.tx_type AS ENUM (
    'earn',
    'spend',
    'list',
    'buy',
    'fulfil',
    'refund',
    'flag'
);

ALTER TYPE app_public.tx_type OWNER TO guildbank_owner;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: admin_actions; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.admin_actions (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    actor_id bigint NOT NULL,
    actor_role app_public.staff_role,
    action text NOT NULL,
    subject_type text NOT NULL,
    subject_id text NOT NULL,
    before jsonb,
    after jsonb,
    reason text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT admin_actions_action_check CHECK ((action ~ '^[a-z_]{1,40}$'::text)),
    CONSTRAINT admin_actions_reason_check CHECK (((length(btrim(reason)) >= 3) AND (length(btrim(reason)) <= 500)))
);

ALTER TABLE app_public.admin_actions OWNER TO guildbank_owner;

--
-- Name: TABLE admin_actions; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.admin_actions IS '@behavior -insert -update -delete
The staff audit log: who did what to which subject, why, with before/after snapshots.';

--
-- Name: admin_adjust_by(bigint, app_public.staff_role, bigint, bigint, text, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.admin_adjust_by(p_actor_id bigint, p_actor_role app_public.staff_role, p_user_id bigint, p_delta bigint, p_reason text, p_key text DEFAULT NULL::text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.admin_actions
    LANGUAGE plpgsql
    AS $$
declare
  v_user app_public.users;
  v_before jsonb;
  v_replay jsonb;
  v_tx uuid;
  v_mint bigint;
  v_wallet bigint;
  v_action app_public.admin_actions;
begin
  if p_delta is null or p_delta = 0 then
    perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', p_delta));
  end if;
  select * into v_user from app_private.lock_members(array[p_user_id]);
  v_replay := app_private.idempotency_begin(v_user.guild_id, p_actor_id, p_key,
    jsonb_build_object('fn', 'admin_adjust', 'user', v_user.discord_id, 'delta', p_delta, 'reason', p_reason));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.admin_actions, v_replay);
  end if;
  v_before := app_private.member_snapshot(v_user.id);
  select id into v_mint from app_public.accounts
   where guild_id = v_user.guild_id and user_id is null and currency = 'COIN' and kind = 'mint';
  select id into v_wallet from app_public.accounts where user_id = v_user.id and currency = 'COIN' and kind = 'wallet';

  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, created_at)
    values (v_user.guild_id, case when p_delta > 0 then 'earn' else 'spend' end::app_public.tx_type,
            p_actor_id, v_user.id, abs(p_delta), 'admin_adjust',
            jsonb_build_object('actor_role', p_actor_role, 'delta', p_delta), p_at)
    returning tx_id into v_tx;
  if p_delta > 0 then
    perform app_private.post_transfer(v_user.guild_id, v_mint, v_wallet, p_delta, 'admin_adjust', v_tx, 'posted', null, null, p_at);
  else
    perform app_private.post_transfer(v_user.guild_id, v_wallet, v_mint, -p_delta, 'admin_adjust', v_tx, 'posted', null, null, p_at);
  end if;

  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id,
      before, after, reason, created_at)
    values (v_user.guild_id, p_actor_id, p_actor_role, 'adjust_balance', 'user', v_user.discord_id::text,
      v_before, app_private.member_snapshot(v_user.id) || jsonb_build_object('tx_id', v_tx), p_reason, p_at)
    returning * into v_action;
  perform app_private.idempotency_finish(v_user.guild_id, p_actor_id, p_key, to_jsonb(v_action));
  return v_action;
end;
$$;

ALTER FUNCTION app_private.admin_adjust_by(p_actor_id bigint, p_actor_role app_public.staff_role, p_user_id bigint, p_delta bigint, p_reason text, p_key text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION admin_adjust_by(p_actor_id bigint, p_actor_role app_public.staff_role, p_user_id bigint, p_delta bigint, p_reason text, p_key text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.admin_adjust_by(p_actor_id bigint, p_actor_role app_public.staff_role, p_user_id bigint, p_delta bigint, p_reason text, p_key text, p_at timestamp with time zone) IS 'The balance-adjustment rule for an explicit actor and time. See app_public.admin_adjust.';

--
-- Name: claim_daily_for(bigint, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.claim_daily_for(p_user_id bigint, p_key text DEFAULT NULL::text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.daily_claim
    LANGUAGE plpgsql
    AS $$
declare
  v_user app_public.users;
  v_settings app_public.guild_settings;
  v_replay jsonb;
  v_streak int;
  v_amount bigint;
  v_tx uuid;
  v_result app_public.daily_claim;
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

  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, created_at)
    values (v_user.guild_id, 'earn', v_user.discord_id, v_user.id, v_amount, 'daily',
            jsonb_build_object('streak_days', v_streak), p_at)
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

ALTER FUNCTION app_private.claim_daily_for(p_user_id bigint, p_key text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION claim_daily_for(p_user_id bigint, p_key text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.claim_daily_for(p_user_id bigint, p_key text, p_at timestamp with time zone) IS 'The daily-claim rule at an explicit time (p_at; the public function passes now(), the demo seed back-dates). See app_public.claim_daily.';

--
-- Name: close_session(bytea); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.close_session(p_token_hash bytea) RETURNS boolean
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  with gone as (delete from app_private.sessions where token_hash = p_token_hash returning 1)
  select exists (select 1 from gone);
$$;

ALTER FUNCTION app_private.close_session(p_token_hash bytea) OWNER TO guildbank_owner;

--
-- Name: FUNCTION close_session(p_token_hash bytea); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.close_session(p_token_hash bytea) IS 'Ends a session; true if it existed.';

--
-- Name: users; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.users (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    discord_id bigint NOT NULL,
    display_name text DEFAULT ''::text NOT NULL,
    is_bot boolean DEFAULT false NOT NULL,
    streak_days integer DEFAULT 0 NOT NULL,
    last_daily_at timestamp with time zone,
    badges jsonb DEFAULT '[]'::jsonb NOT NULL,
    flags jsonb DEFAULT '{}'::jsonb NOT NULL,
    frozen boolean DEFAULT false NOT NULL,
    lifetime_earned bigint DEFAULT 0 NOT NULL,
    lifetime_spent bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT users_badges_check CHECK ((jsonb_typeof(badges) = 'array'::text)),
    CONSTRAINT users_discord_id_check CHECK ((discord_id > 0)),
    CONSTRAINT users_display_name_check CHECK ((length(display_name) <= 100)),
    CONSTRAINT users_flags_check CHECK ((jsonb_typeof(flags) = 'object'::text)),
    CONSTRAINT users_lifetime_earned_check CHECK ((lifetime_earned >= 0)),
    CONSTRAINT users_lifetime_spent_check CHECK ((lifetime_spent >= 0)),
    CONSTRAINT users_streak_days_check CHECK ((streak_days >= 0))
);

ALTER TABLE app_public.users OWNER TO guildbank_owner;

--
-- Name: TABLE users; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.users IS '@behavior -insert -update -delete
A member of a guild''s economy. Balances live in the ledger (accounts); wallet_balance and escrow_balance are computed from it.';

--
-- Name: COLUMN users.discord_id; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.users.discord_id IS 'The member''s Discord user snowflake.';

--
-- Name: COLUMN users.streak_days; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.users.streak_days IS 'Consecutive daily claims, each within 48 h of the previous one.';

--
-- Name: COLUMN users.lifetime_earned; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.users.lifetime_earned IS 'Coins ever received from outside the member''s own accounts (maintained by the ledger).';

--
-- Name: COLUMN users.lifetime_spent; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.users.lifetime_spent IS 'Coins ever paid out of the member''s own accounts (maintained by the ledger).';

--
-- Name: current_member(boolean); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.current_member(p_lock boolean DEFAULT false) RETURNS app_public.users
    LANGUAGE plpgsql
    AS $$
declare
  v app_public.users;
begin
  if app_public.current_guild_id() is null or app_public.current_discord_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  if p_lock then
    select * into v from app_public.users
     where guild_id = app_public.current_guild_id() and discord_id = app_public.current_discord_id()
     for no key update;
  else
    select * into v from app_public.users
     where guild_id = app_public.current_guild_id() and discord_id = app_public.current_discord_id();
  end if;
  if v.id is null then
    perform app_private.raise_error('MB001', 'member_not_registered');
  end if;
  return v;
end;
$$;

ALTER FUNCTION app_private.current_member(p_lock boolean) OWNER TO guildbank_owner;

--
-- Name: FUNCTION current_member(p_lock boolean); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.current_member(p_lock boolean) IS 'The calling member (from the claims), optionally locked. AU001 not_authenticated without claims; MB001 member_not_registered.';

--
-- Name: guilds; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.guilds (
    id bigint NOT NULL,
    name text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT guilds_id_check CHECK ((id > 0)),
    CONSTRAINT guilds_name_check CHECK (((length(name) >= 1) AND (length(name) <= 100)))
);

ALTER TABLE app_public.guilds OWNER TO guildbank_owner;

--
-- Name: TABLE guilds; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.guilds IS '@behavior -insert -update -delete
A Discord server (guild) using Guildbank; id is its Discord snowflake. Every row of the economy belongs to one guild.';

--
-- Name: ensure_guild(bigint, text); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.ensure_guild(p_guild_id bigint, p_name text) RETURNS app_public.guilds
    LANGUAGE plpgsql
    AS $$
declare
  v app_public.guilds;
begin
  insert into app_public.guilds (id, name) values (p_guild_id, p_name)
    on conflict (id) do update set name = excluded.name
    returning * into v;
  return v;
end;
$$;

ALTER FUNCTION app_private.ensure_guild(p_guild_id bigint, p_name text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION ensure_guild(p_guild_id bigint, p_name text); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.ensure_guild(p_guild_id bigint, p_name text) IS 'Creates the guild (with settings and accounts) or renames it; idempotent. Used by setup, the seed and the bot.';

--
-- Name: ensure_member(bigint, bigint, text, boolean); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.ensure_member(p_guild_id bigint, p_discord_id bigint, p_display_name text, p_is_bot boolean DEFAULT false) RETURNS app_public.users
    LANGUAGE plpgsql
    AS $$
declare
  v app_public.users;
begin
  if p_discord_id is null or p_discord_id <= 0 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'discord_id'));
  end if;
  insert into app_public.users (guild_id, discord_id, display_name, is_bot)
    values (p_guild_id, p_discord_id, left(coalesce(p_display_name, ''), 100), p_is_bot)
    on conflict (guild_id, discord_id) do update
      set display_name = excluded.display_name
      where excluded.display_name <> '' and excluded.display_name <> app_public.users.display_name
    returning * into v;
  if v.id is null then
    select * into v from app_public.users where guild_id = p_guild_id and discord_id = p_discord_id;
  end if;
  return v;
end;
$$;

ALTER FUNCTION app_private.ensure_member(p_guild_id bigint, p_discord_id bigint, p_display_name text, p_is_bot boolean) OWNER TO guildbank_owner;

--
-- Name: FUNCTION ensure_member(p_guild_id bigint, p_discord_id bigint, p_display_name text, p_is_bot boolean); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.ensure_member(p_guild_id bigint, p_discord_id bigint, p_display_name text, p_is_bot boolean) IS 'Registers a member (with wallet and escrow accounts) or refreshes their display name; idempotent. VL001 for a bad snowflake.';

--
-- Name: give_from(bigint, bigint, bigint, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.give_from(p_from_user_id bigint, p_to_discord_id bigint, p_amount bigint, p_key text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.give_receipt
    LANGUAGE plpgsql
    AS $$
declare
  v_from app_public.users;
  v_to app_public.users;
  v_settings app_public.guild_settings;
  v_guild bigint;
  v_replay jsonb;
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
  select * into v_to from app_public.users where guild_id = v_guild and discord_id = p_to_discord_id;
  if v_to.id is null then
    perform app_private.raise_error('MB002', 'member_not_found', jsonb_build_object('discord_id', p_to_discord_id));
  end if;
  if v_to.id = p_from_user_id then
    perform app_private.raise_error('TR001', 'self_transfer');
  end if;

  -- Lock both members in id order, then re-read them.
  perform 1 from app_private.lock_members(array[p_from_user_id, v_to.id]);
  select * into v_from from app_public.users where id = p_from_user_id;
  select * into v_to from app_public.users where id = v_to.id;

  v_replay := app_private.idempotency_begin(v_guild, v_from.discord_id, p_key,
    jsonb_build_object('fn', 'give', 'to', p_to_discord_id, 'amount', p_amount));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.give_receipt, v_replay);
  end if;

  if v_from.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  if v_to.frozen then
    perform app_private.raise_error('FZ002', 'recipient_frozen', jsonb_build_object('discord_id', p_to_discord_id));
  end if;

  select * into v_settings from app_public.guild_settings where guild_id = v_guild;
  select id into v_from_wallet from app_public.accounts where user_id = v_from.id and currency = 'COIN' and kind = 'wallet';
  select id into v_to_wallet from app_public.accounts where user_id = v_to.id and currency = 'COIN' and kind = 'wallet';
  -- The limit-th most recent give inside the window: once it leaves the window, a slot frees up.
  select created_at into v_oldest from app_public.transfers
   where debit_account_id = v_from_wallet and reason = 'give'
     and created_at > p_at - make_interval(secs => v_settings.give_rate_window_s) and created_at <= p_at
   order by created_at desc
   offset v_settings.give_rate_limit - 1 limit 1;
  if v_oldest is not null then
    perform app_private.raise_error('RL001', 'rate_limited',
      jsonb_build_object('limit', v_settings.give_rate_limit, 'window_s', v_settings.give_rate_window_s,
        'retry_after_s', greatest(1, ceil(extract(epoch from
          v_oldest + make_interval(secs => v_settings.give_rate_window_s) - p_at)))::bigint));
  end if;

  insert into app_public.transactions (guild_id, type, actor_id, user_id, counterparty_id, amount, reason, meta, created_at)
    values (v_guild, 'spend', v_from.discord_id, v_from.id, v_to.id, p_amount, 'give',
            jsonb_build_object('to_discord_id', v_to.discord_id::text), p_at)
    returning tx_id into v_tx;
  v_transfer := app_private.post_transfer(v_guild, v_from_wallet, v_to_wallet, p_amount, 'give', v_tx,
    'posted', null, null, p_at);

  v_result := (v_tx, v_transfer, p_amount, v_to.discord_id,
    (select balance from app_public.accounts where id = v_from_wallet), p_at)::app_public.give_receipt;
  perform app_private.idempotency_finish(v_guild, v_from.discord_id, p_key, to_jsonb(v_result));
  return v_result;
end;
$$;

ALTER FUNCTION app_private.give_from(p_from_user_id bigint, p_to_discord_id bigint, p_amount bigint, p_key text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION give_from(p_from_user_id bigint, p_to_discord_id bigint, p_amount bigint, p_key text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.give_from(p_from_user_id bigint, p_to_discord_id bigint, p_amount bigint, p_key text, p_at timestamp with time zone) IS 'The give rule at an explicit time (the public function passes now(); the demo seed back-dates). See app_public.give.';

--
-- Name: hold(bigint, bigint, bigint, text, timestamp with time zone, uuid, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.hold(p_guild_id bigint, p_user_id bigint, p_amount bigint, p_reason text, p_timeout_at timestamp with time zone, p_tx_id uuid DEFAULT NULL::uuid, p_at timestamp with time zone DEFAULT now()) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
declare
  v_wallet bigint;
  v_escrow bigint;
begin
  perform 1 from app_private.lock_members(array[p_user_id]);
  select max(id) filter (where kind = 'wallet'), max(id) filter (where kind = 'escrow')
    into v_wallet, v_escrow
    from app_public.accounts where user_id = p_user_id and currency = 'COIN';
  return app_private.post_transfer(p_guild_id, v_wallet, v_escrow, p_amount, p_reason, p_tx_id,
    'pending', null, p_timeout_at, p_at);
end;
$$;

ALTER FUNCTION app_private.hold(p_guild_id bigint, p_user_id bigint, p_amount bigint, p_reason text, p_timeout_at timestamp with time zone, p_tx_id uuid, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION hold(p_guild_id bigint, p_user_id bigint, p_amount bigint, p_reason text, p_timeout_at timestamp with time zone, p_tx_id uuid, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.hold(p_guild_id bigint, p_user_id bigint, p_amount bigint, p_reason text, p_timeout_at timestamp with time zone, p_tx_id uuid, p_at timestamp with time zone) IS 'Phase one of a two-phase transfer: moves p_amount coins from the member''s wallet into their escrow account as a pending transfer that times out at p_timeout_at. Errors: as post_transfer (NF001 when the wallet cannot cover it).';

--
-- Name: idempotency_begin(bigint, bigint, text, jsonb); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.idempotency_begin(p_guild_id bigint, p_actor_id bigint, p_key text, p_request jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
declare
  v app_private.idempotency_keys;
begin
  if p_key is null then
    return null;
  end if;
  if length(p_key) not between 1 and 255 then
    perform app_private.raise_error('IK002', 'idempotency_key_invalid', jsonb_build_object('length', length(p_key)));
  end if;
  -- A concurrent request with the same key waits here until the first one commits or rolls back.
  insert into app_private.idempotency_keys (guild_id, actor_id, key, request)
    values (p_guild_id, p_actor_id, p_key, p_request)
    on conflict do nothing;
  if found then
    return null;
  end if;
  select * into v from app_private.idempotency_keys
   where guild_id = p_guild_id and actor_id = p_actor_id and key = p_key;
  if v.request is distinct from p_request then
    perform app_private.raise_error('IK001', 'idempotency_key_reused', jsonb_build_object('key', p_key));
  end if;
  return v.result;
end;
$$;

ALTER FUNCTION app_private.idempotency_begin(p_guild_id bigint, p_actor_id bigint, p_key text, p_request jsonb) OWNER TO guildbank_owner;

--
-- Name: FUNCTION idempotency_begin(p_guild_id bigint, p_actor_id bigint, p_key text, p_request jsonb); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.idempotency_begin(p_guild_id bigint, p_actor_id bigint, p_key text, p_request jsonb) IS 'Claims an idempotency key for a request. Returns null when the caller should perform the request, or the stored result of the first request with this key (a replay). IK001 idempotency_key_reused when the key was used for a different request; IK002 idempotency_key_invalid for an empty or over-long key.';

--
-- Name: idempotency_finish(bigint, bigint, text, jsonb); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.idempotency_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_result jsonb) RETURNS void
    LANGUAGE sql
    AS $$
  update app_private.idempotency_keys set result = p_result
   where p_key is not null and guild_id = p_guild_id and actor_id = p_actor_id and key = p_key;
$$;

ALTER FUNCTION app_private.idempotency_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_result jsonb) OWNER TO guildbank_owner;

--
-- Name: FUNCTION idempotency_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_result jsonb); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.idempotency_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_result jsonb) IS 'Stores the result of a request under its idempotency key, in the same transaction as the request''s effect.';

--
-- Name: transfers; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.transfers (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    debit_account_id bigint NOT NULL,
    credit_account_id bigint NOT NULL,
    currency text NOT NULL,
    amount bigint NOT NULL,
    status app_public.transfer_status NOT NULL,
    pending_id bigint,
    timeout_at timestamp with time zone,
    resolved_at timestamp with time zone,
    reason text NOT NULL,
    tx_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT transfers_amount_check CHECK ((amount > 0)),
    CONSTRAINT transfers_distinct_accounts CHECK ((debit_account_id <> credit_account_id)),
    CONSTRAINT transfers_holds_have_timeout CHECK (((status <> 'pending'::app_public.transfer_status) OR (timeout_at IS NOT NULL))),
    CONSTRAINT transfers_legs_are_posted CHECK (((pending_id IS NULL) OR (status = 'posted'::app_public.transfer_status))),
    CONSTRAINT transfers_reason_check CHECK ((reason ~ '^[a-z_]{1,40}$'::text)),
    CONSTRAINT transfers_resolution CHECK (((status = 'pending'::app_public.transfer_status) = (resolved_at IS NULL))),
    CONSTRAINT transfers_timeout_only_on_holds CHECK (((timeout_at IS NULL) OR (pending_id IS NULL)))
);

ALTER TABLE app_public.transfers OWNER TO guildbank_owner;

--
-- Name: TABLE transfers; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.transfers IS '@behavior -insert -update -delete
The double-entry ledger: each row moves amount from the debit account to the credit account. A hold (status pending) moves funds into an escrow account; it is resolved at most once, to posted (settled by legs with pending_id = hold) or voided (returned by one leg). Written only by app_private.post_transfer / settle_hold / void_hold.';

--
-- Name: COLUMN transfers.amount; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.transfers.amount IS 'Minor units of currency.';

--
-- Name: COLUMN transfers.pending_id; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.transfers.pending_id IS 'For a settlement or void leg: the hold it resolves.';

--
-- Name: COLUMN transfers.timeout_at; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.transfers.timeout_at IS 'Set exactly on holds: when the hold expires (it may then only be voided).';

--
-- Name: lock_hold(bigint, jsonb); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.lock_hold(p_hold_id bigint, p_credits jsonb) RETURNS app_public.transfers
    LANGUAGE plpgsql
    AS $$
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
       and (a.id in (v_hold.debit_account_id, v_hold.credit_account_id)
            or a.id in (select (e ->> 'account_id')::bigint from jsonb_array_elements(p_credits) e))));
  select * into v_hold from app_public.transfers where id = p_hold_id for update;
  if v_hold.status <> 'pending' then
    perform app_private.raise_error('LG002', 'hold_already_resolved',
      jsonb_build_object('transfer', p_hold_id, 'status', v_hold.status));
  end if;
  return v_hold;
end;
$$;

ALTER FUNCTION app_private.lock_hold(p_hold_id bigint, p_credits jsonb) OWNER TO guildbank_owner;

--
-- Name: FUNCTION lock_hold(p_hold_id bigint, p_credits jsonb); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.lock_hold(p_hold_id bigint, p_credits jsonb) IS 'Locks the members a hold''s resolution touches (hold accounts and settlement legs), then the hold; returns it. LG001 when the transfer is not a hold (holds are the transfers with a timeout), LG002 hold_already_resolved.';

--
-- Name: lock_members(bigint[]); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.lock_members(p_user_ids bigint[]) RETURNS SETOF app_public.users
    LANGUAGE sql
    AS $$
  select * from app_public.users where id = any (p_user_ids) order by id for no key update;
$$;

ALTER FUNCTION app_private.lock_members(p_user_ids bigint[]) OWNER TO guildbank_owner;

--
-- Name: FUNCTION lock_members(p_user_ids bigint[]); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.lock_members(p_user_ids bigint[]) IS 'Locks member rows in id order. Every rule that moves a member''s funds calls it before touching the ledger, so locks are always taken members first, then accounts (both in id order): no deadlocks.';

--
-- Name: member_snapshot(bigint); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.member_snapshot(p_user_id bigint) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
  select jsonb_build_object(
    'discord_id', u.discord_id::text,
    'display_name', u.display_name,
    'frozen', u.frozen,
    'wallet_balance', (select balance from app_public.accounts where user_id = u.id and currency = 'COIN' and kind = 'wallet'),
    'escrow_balance', (select balance from app_public.accounts where user_id = u.id and currency = 'COIN' and kind = 'escrow'),
    'streak_days', u.streak_days,
    'flags', u.flags)
  from app_public.users u where u.id = p_user_id;
$$;

ALTER FUNCTION app_private.member_snapshot(p_user_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION member_snapshot(p_user_id bigint); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.member_snapshot(p_user_id bigint) IS 'A member''s audit snapshot (before/after of admin_actions).';

--
-- Name: open_session(bytea, bigint, bigint, text, app_public.staff_role, text, integer); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.open_session(p_token_hash bytea, p_guild_id bigint, p_discord_id bigint, p_kind text, p_staff_role app_public.staff_role, p_source text, p_ttl_s integer) RETURNS app_private.session_claims
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v app_private.sessions;
begin
  if not exists (select 1 from app_public.guilds where id = p_guild_id) then
    perform app_private.raise_error('MB003', 'guild_not_found', jsonb_build_object('guild_id', p_guild_id));
  end if;
  if p_ttl_s is null or p_ttl_s not between 60 and 2592000 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'ttl_s', 'min', 60, 'max', 2592000));
  end if;
  if p_kind is null or p_kind not in ('player', 'staff') or (p_kind = 'staff') <> (p_staff_role is not null) then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'kind/staff_role'));
  end if;
  if p_source is null or p_source not in ('dev', 'discord') then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'source'));
  end if;
  if p_token_hash is null or length(p_token_hash) <> 32 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'token_hash'));
  end if;
  if p_discord_id is null or p_discord_id <= 0 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'discord_id'));
  end if;
  if p_kind = 'player' then
    -- The server has established who this is: a member's first sign-in opens their account,
    -- exactly as their first claim would.
    perform app_private.ensure_member(p_guild_id, p_discord_id, '');
  end if;
  delete from app_private.sessions where expires_at < now() - interval '1 day';
  insert into app_private.sessions (token_hash, guild_id, discord_id, kind, staff_role, source, expires_at)
    values (p_token_hash, p_guild_id, p_discord_id, p_kind, p_staff_role, p_source, now() + make_interval(secs => p_ttl_s))
    returning * into v;
  return (v.id, v.guild_id, v.discord_id, v.kind, v.staff_role, v.expires_at)::app_private.session_claims;
end;
$$;

ALTER FUNCTION app_private.open_session(p_token_hash bytea, p_guild_id bigint, p_discord_id bigint, p_kind text, p_staff_role app_public.staff_role, p_source text, p_ttl_s integer) OWNER TO guildbank_owner;

--
-- Name: FUNCTION open_session(p_token_hash bytea, p_guild_id bigint, p_discord_id bigint, p_kind text, p_staff_role app_public.staff_role, p_source text, p_ttl_s integer); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.open_session(p_token_hash bytea, p_guild_id bigint, p_discord_id bigint, p_kind text, p_staff_role app_public.staff_role, p_source text, p_ttl_s integer) IS 'Opens a session for an identity the server has established (development login or Discord OAuth). Only the SHA-256 of the cookie token is stored; a player session registers the member if needed. Errors: MB003 guild_not_found, VL001 invalid_argument (ttl outside 60 s..30 days, kind/staff_role mismatch, source, token hash not 32 bytes).';

--
-- Name: post_transfer(bigint, bigint, bigint, bigint, text, uuid, app_public.transfer_status, bigint, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.post_transfer(p_guild_id bigint, p_debit_account_id bigint, p_credit_account_id bigint, p_amount bigint, p_reason text, p_tx_id uuid DEFAULT NULL::uuid, p_status app_public.transfer_status DEFAULT 'posted'::app_public.transfer_status, p_pending_id bigint DEFAULT NULL::bigint, p_timeout_at timestamp with time zone DEFAULT NULL::timestamp with time zone, p_at timestamp with time zone DEFAULT now()) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
declare
  v_moved int;
  v_currencies int;
  v_currency text;
  v_debit_user bigint;
  v_credit_user bigint;
  v_id bigint;
begin
  if p_amount is null or p_amount <= 0 then
    perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', p_amount));
  end if;
  if p_status = 'voided' then
    perform app_private.raise_error('LG001', 'ledger_violation', jsonb_build_object('why', 'cannot create a voided transfer'));
  end if;
  if p_debit_account_id = p_credit_account_id then
    perform app_private.raise_error('LG001', 'ledger_violation', jsonb_build_object('why', 'debit and credit are the same account'));
  end if;
  if p_status = 'pending' and p_timeout_at is null then
    perform app_private.raise_error('LG001', 'ledger_violation', jsonb_build_object('why', 'a hold needs a timeout'));
  end if;

  -- One statement moves both balances. The debit side only moves if it can afford it; the
  -- WHERE clause is re-checked on the latest row version after the row lock is taken.
  with moved as (
    update app_public.accounts a
       set balance = a.balance + case when a.id = p_credit_account_id then p_amount else -p_amount end,
           credits_posted = a.credits_posted + case when a.id = p_credit_account_id then p_amount else 0 end,
           debits_posted = a.debits_posted + case when a.id = p_debit_account_id then p_amount else 0 end
     where a.id in (p_debit_account_id, p_credit_account_id)
       and a.guild_id = p_guild_id
       and (a.id = p_credit_account_id or a.kind in ('mint', 'external') or a.balance >= p_amount)
    returning a.id, a.currency, a.user_id
  )
  select count(*), count(distinct currency), min(currency),
         max(user_id) filter (where id = p_debit_account_id),
         max(user_id) filter (where id = p_credit_account_id)
    into v_moved, v_currencies, v_currency, v_debit_user, v_credit_user
    from moved;

  if v_moved <> 2 then
    if (select count(*) from app_public.accounts
         where id in (p_debit_account_id, p_credit_account_id) and guild_id = p_guild_id) = 2 then
      perform app_private.raise_error('NF001', 'insufficient_funds',
        jsonb_build_object('needed', p_amount,
          'available', (select balance from app_public.accounts where id = p_debit_account_id)));
    end if;
    perform app_private.raise_error('LG001', 'ledger_violation',
      jsonb_build_object('why', 'account missing or in another guild'));
  end if;
  if v_currencies <> 1 then
    perform app_private.raise_error('LG001', 'ledger_violation', jsonb_build_object('why', 'currency mismatch'));
  end if;

  insert into app_public.transfers (guild_id, debit_account_id, credit_account_id, currency, amount, status,
      pending_id, timeout_at, resolved_at, reason, tx_id, created_at)
    values (p_guild_id, p_debit_account_id, p_credit_account_id, v_currency, p_amount, p_status,
      p_pending_id, p_timeout_at, case when p_status = 'posted' then p_at end, p_reason, p_tx_id, p_at)
    returning id into v_id;

  -- Lifetime counters move only when value crosses between owners (holds and voids stay with the member).
  if v_debit_user is distinct from v_credit_user then
    update app_public.users u
       set lifetime_spent = u.lifetime_spent + case when u.id = v_debit_user then p_amount else 0 end,
           lifetime_earned = u.lifetime_earned + case when u.id = v_credit_user then p_amount else 0 end
     where u.id in (v_debit_user, v_credit_user);
  end if;
  return v_id;
end;
$$;

ALTER FUNCTION app_private.post_transfer(p_guild_id bigint, p_debit_account_id bigint, p_credit_account_id bigint, p_amount bigint, p_reason text, p_tx_id uuid, p_status app_public.transfer_status, p_pending_id bigint, p_timeout_at timestamp with time zone, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION post_transfer(p_guild_id bigint, p_debit_account_id bigint, p_credit_account_id bigint, p_amount bigint, p_reason text, p_tx_id uuid, p_status app_public.transfer_status, p_pending_id bigint, p_timeout_at timestamp with time zone, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.post_transfer(p_guild_id bigint, p_debit_account_id bigint, p_credit_account_id bigint, p_amount bigint, p_reason text, p_tx_id uuid, p_status app_public.transfer_status, p_pending_id bigint, p_timeout_at timestamp with time zone, p_at timestamp with time zone) IS 'The single writer of the ledger. Moves p_amount (minor units, > 0) from the debit to the credit account of the same guild and currency, updating both balances in one statement, and records the transfer (posted, or pending for a hold into escrow). Member rows must already be locked (app_private.lock_members). Errors: AM001 invalid_amount, NF001 insufficient_funds (the debit account cannot go below zero), LG001 ledger_violation. Design: DESIGN.md "Money".';

--
-- Name: raise_error(text, text, jsonb); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.raise_error(p_code text, p_key text, p_detail jsonb DEFAULT NULL::jsonb) RETURNS void
    LANGUAGE plpgsql
    AS $$
begin
  raise exception using
    errcode = p_code,
    message = p_key,
    detail = coalesce(p_detail, '{}'::jsonb)::text;
end;
$$;

ALTER FUNCTION app_private.raise_error(p_code text, p_key text, p_detail jsonb) OWNER TO guildbank_owner;

--
-- Name: FUNCTION raise_error(p_code text, p_key text, p_detail jsonb); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.raise_error(p_code text, p_key text, p_detail jsonb) IS 'Raises a named application error: SQLSTATE p_code, message = the stable key from db/ERRORS.md, DETAIL = a JSON object with the parameters clients substitute into the human message.';

--
-- Name: register_caller(text); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.register_caller(p_display_name text) RETURNS app_public.users
    LANGUAGE plpgsql
    AS $$
begin
  if app_public.current_guild_id() is null or app_public.current_discord_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  if not exists (select 1 from app_public.guilds where id = app_public.current_guild_id()) then
    perform app_private.raise_error('MB003', 'guild_not_found', jsonb_build_object('guild_id', app_public.current_guild_id()));
  end if;
  if length(p_display_name) > 100 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'display_name', 'max', 100));
  end if;
  return app_private.ensure_member(app_public.current_guild_id(), app_public.current_discord_id(), p_display_name);
end;
$$;

ALTER FUNCTION app_private.register_caller(p_display_name text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION register_caller(p_display_name text); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.register_caller(p_display_name text) IS 'Registers the calling member (from the claims) in the current guild; idempotent. AU001 without claims, MB003 guild_not_found, VL001 for a display name over 100 characters.';

--
-- Name: require_staff(app_public.staff_role[]); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.require_staff(p_allowed app_public.staff_role[]) RETURNS app_public.staff_role
    LANGUAGE plpgsql STABLE
    AS $$
declare
  v_role app_public.staff_role := app_public.current_staff_role();
begin
  if app_public.current_guild_id() is null or app_public.current_discord_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  if v_role is null or not (v_role = any (p_allowed)) then
    perform app_private.raise_error('PD001', 'permission_denied',
      jsonb_build_object('required', p_allowed, 'role', v_role));
  end if;
  return v_role;
end;
$$;

ALTER FUNCTION app_private.require_staff(p_allowed app_public.staff_role[]) OWNER TO guildbank_owner;

--
-- Name: FUNCTION require_staff(p_allowed app_public.staff_role[]); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.require_staff(p_allowed app_public.staff_role[]) IS 'Returns the caller''s staff role if it is one of p_allowed. Raises AU001 not_authenticated without claims, PD001 permission_denied otherwise. Role matrix: db/CONVENTIONS.md.';

--
-- Name: session_claims(bytea); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.session_claims(p_token_hash bytea) RETURNS app_private.session_claims
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v app_private.sessions;
begin
  select * into v from app_private.sessions where token_hash = p_token_hash and expires_at > now();
  if v.id is null then
    return null;
  end if;
  -- Touch at most once a minute: reading a session must not cost a write per request.
  if v.last_seen_at < now() - interval '1 minute' then
    update app_private.sessions set last_seen_at = now() where id = v.id;
  end if;
  return (v.id, v.guild_id, v.discord_id, v.kind, v.staff_role, v.expires_at)::app_private.session_claims;
end;
$$;

ALTER FUNCTION app_private.session_claims(p_token_hash bytea) OWNER TO guildbank_owner;

--
-- Name: FUNCTION session_claims(p_token_hash bytea); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.session_claims(p_token_hash bytea) IS 'The claims of a live session (null when unknown or expired); refreshes last_seen_at at most once a minute.';

--
-- Name: set_frozen(boolean, bigint, text, text, app_public.staff_role[]); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.set_frozen(p_frozen boolean, p_discord_id bigint, p_reason text, p_key text, p_allowed app_public.staff_role[]) RETURNS app_public.admin_actions
    LANGUAGE plpgsql
    AS $$
declare
  v_role app_public.staff_role := app_private.require_staff(p_allowed);
  v_user app_public.users := app_private.staff_target(p_discord_id, p_reason);
  v_actor bigint := app_public.current_discord_id();
  v_replay jsonb;
  v_before jsonb;
  v_tx uuid;
  v_action app_public.admin_actions;
begin
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_actor, p_key,
    jsonb_build_object('fn', case when p_frozen then 'freeze_user' else 'unfreeze_user' end,
      'user', p_discord_id, 'reason', p_reason));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.admin_actions, v_replay);
  end if;
  if v_user.frozen = p_frozen then
    perform app_private.raise_error(case when p_frozen then 'FZ003' else 'FZ004' end,
      case when p_frozen then 'already_frozen' else 'not_frozen' end,
      jsonb_build_object('discord_id', p_discord_id));
  end if;
  v_before := app_private.member_snapshot(v_user.id);
  update app_public.users set frozen = p_frozen where id = v_user.id;
  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta)
    values (v_user.guild_id, 'flag', v_actor, v_user.id, 0,
            case when p_frozen then 'freeze' else 'unfreeze' end,
            jsonb_build_object('actor_role', v_role))
    returning tx_id into v_tx;
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id,
      before, after, reason)
    values (v_user.guild_id, v_actor, v_role, case when p_frozen then 'freeze_user' else 'unfreeze_user' end,
      'user', p_discord_id::text, v_before, app_private.member_snapshot(v_user.id) || jsonb_build_object('tx_id', v_tx),
      p_reason)
    returning * into v_action;
  perform app_private.idempotency_finish(v_user.guild_id, v_actor, p_key, to_jsonb(v_action));
  return v_action;
end;
$$;

ALTER FUNCTION app_private.set_frozen(p_frozen boolean, p_discord_id bigint, p_reason text, p_key text, p_allowed app_public.staff_role[]) OWNER TO guildbank_owner;

--
-- Name: FUNCTION set_frozen(p_frozen boolean, p_discord_id bigint, p_reason text, p_key text, p_allowed app_public.staff_role[]); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.set_frozen(p_frozen boolean, p_discord_id bigint, p_reason text, p_key text, p_allowed app_public.staff_role[]) IS 'Shared body of freeze_user / unfreeze_user.';

--
-- Name: settle_hold(bigint, jsonb, uuid, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.settle_hold(p_hold_id bigint, p_credits jsonb, p_tx_id uuid DEFAULT NULL::uuid, p_at timestamp with time zone DEFAULT now()) RETURNS void
    LANGUAGE plpgsql
    AS $$
declare
  v_hold app_public.transfers;
  v_leg record;
  v_total bigint := 0;
begin
  v_hold := app_private.lock_hold(p_hold_id, p_credits);
  if p_at > v_hold.timeout_at then
    perform app_private.raise_error('LG003', 'hold_expired',
      jsonb_build_object('transfer', p_hold_id, 'timeout_at', v_hold.timeout_at));
  end if;
  for v_leg in
    select (e ->> 'account_id')::bigint as account_id, (e ->> 'amount')::bigint as amount,
           coalesce(e ->> 'reason', v_hold.reason) as reason
      from jsonb_array_elements(p_credits) e
  loop
    perform app_private.post_transfer(v_hold.guild_id, v_hold.credit_account_id, v_leg.account_id,
      v_leg.amount, v_leg.reason, coalesce(p_tx_id, v_hold.tx_id), 'posted', p_hold_id, null, p_at);
    v_total := v_total + v_leg.amount;
  end loop;
  if v_total <> v_hold.amount then
    perform app_private.raise_error('LG001', 'ledger_violation',
      jsonb_build_object('why', 'settlement legs must add up to the hold', 'hold', v_hold.amount, 'legs', v_total));
  end if;
  update app_public.transfers set status = 'posted', resolved_at = p_at where id = p_hold_id;
end;
$$;

ALTER FUNCTION app_private.settle_hold(p_hold_id bigint, p_credits jsonb, p_tx_id uuid, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION settle_hold(p_hold_id bigint, p_credits jsonb, p_tx_id uuid, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.settle_hold(p_hold_id bigint, p_credits jsonb, p_tx_id uuid, p_at timestamp with time zone) IS 'Phase two, success: pays a pending hold out of escrow to the accounts in p_credits ([{account_id, amount, reason?}], amounts adding up exactly to the hold) and marks it posted. At most once: LG002 hold_already_resolved on a second attempt; LG003 hold_expired after its timeout (it may then only be voided); LG001 when the legs do not add up or the transfer is not a hold.';

--
-- Name: staff_target(bigint, text); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.staff_target(p_discord_id bigint, p_reason text) RETURNS app_public.users
    LANGUAGE plpgsql
    AS $$
declare
  v app_public.users;
begin
  if p_reason is null or length(btrim(p_reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  if length(p_reason) > 500 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'reason'));
  end if;
  select * into v from app_public.users
   where guild_id = app_public.current_guild_id() and discord_id = p_discord_id;
  if v.id is null then
    perform app_private.raise_error('MB002', 'member_not_found', jsonb_build_object('discord_id', p_discord_id));
  end if;
  if p_discord_id = app_public.current_discord_id() then
    perform app_private.raise_error('PD002', 'self_action_forbidden');
  end if;
  select * into v from app_private.lock_members(array[v.id]);
  return v;
end;
$$;

ALTER FUNCTION app_private.staff_target(p_discord_id bigint, p_reason text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION staff_target(p_discord_id bigint, p_reason text); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.staff_target(p_discord_id bigint, p_reason text) IS 'Validates a staff reason (RS001 reason_required: at least 3 characters; VL001 over 500) and locks the target member of the current guild (MB002 member_not_found). Staff never act on their own account (PD002 self_action_forbidden: separation of duties).';

--
-- Name: tg__timestamps(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg__timestamps() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
  new.created_at := case when tg_op = 'INSERT' then now() else old.created_at end;
  new.updated_at := case when tg_op = 'UPDATE' and old.updated_at >= now()
                         then old.updated_at + interval '1 millisecond' else now() end;
  return new;
end;
$$;

ALTER FUNCTION app_private.tg__timestamps() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg__timestamps(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg__timestamps() IS 'Trigger: keeps created_at immutable and updated_at strictly increasing.';

--
-- Name: tg_guild_settings__audit(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_guild_settings__audit() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if app_public.current_staff_role() is not null
     and to_jsonb(old) - 'updated_at' is distinct from to_jsonb(new) - 'updated_at' then
    insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id,
        before, after, reason)
      values (new.guild_id, app_public.current_discord_id(), app_public.current_staff_role(), 'update_settings',
        'guild_settings', new.guild_id::text, to_jsonb(old) - 'updated_at', to_jsonb(new) - 'updated_at',
        coalesce(nullif(btrim(current_setting('app.reason', true)), ''), 'settings updated'));
  end if;
  return new;
end;
$$;

ALTER FUNCTION app_private.tg_guild_settings__audit() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_guild_settings__audit(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_guild_settings__audit() IS 'Trigger: every staff change to guild_settings is written to admin_actions with before/after snapshots (reason from the transaction-local claim app.reason when the client gives one).';

--
-- Name: tg_guild_settings__require_admin(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_guild_settings__require_admin() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if current_setting('role', true) = 'coins_staff' then
    perform app_private.require_staff(array['SUPERADMIN', 'ADMIN']::app_public.staff_role[]);
  end if;
  return new;
end;
$$;

ALTER FUNCTION app_private.tg_guild_settings__require_admin() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_guild_settings__require_admin(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_guild_settings__require_admin() IS 'Trigger: staff below ADMIN editing guild_settings get PD001 permission_denied (not a silent 0-row update); AU001 without claims.';

--
-- Name: tg_guilds__provision(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_guilds__provision() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  insert into app_public.guild_settings (guild_id) values (new.id);
  insert into app_public.accounts (guild_id, currency, kind)
    select new.id, 'COIN', k from unnest(array['mint', 'treasury', 'fees']::app_public.account_kind[]) k;
  return new;
end;
$$;

ALTER FUNCTION app_private.tg_guilds__provision() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_guilds__provision(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_guilds__provision() IS 'Trigger: a new guild gets default settings and its COIN mint, treasury and fees accounts.';

--
-- Name: tg_users__provision(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_users__provision() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  insert into app_public.accounts (guild_id, user_id, currency, kind)
    values (new.guild_id, new.id, 'COIN', 'wallet'), (new.guild_id, new.id, 'COIN', 'escrow');
  return new;
end;
$$;

ALTER FUNCTION app_private.tg_users__provision() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_users__provision(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_users__provision() IS 'Trigger: a new member gets a COIN wallet and a COIN escrow account.';

--
-- Name: void_hold(bigint, text, uuid, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.void_hold(p_hold_id bigint, p_reason text DEFAULT 'void'::text, p_tx_id uuid DEFAULT NULL::uuid, p_at timestamp with time zone DEFAULT now()) RETURNS void
    LANGUAGE plpgsql
    AS $$
declare
  v_hold app_public.transfers;
begin
  v_hold := app_private.lock_hold(p_hold_id, '[]');
  perform app_private.post_transfer(v_hold.guild_id, v_hold.credit_account_id, v_hold.debit_account_id,
    v_hold.amount, p_reason, coalesce(p_tx_id, v_hold.tx_id), 'posted', p_hold_id, null, p_at);
  update app_public.transfers set status = 'voided', resolved_at = p_at where id = p_hold_id;
end;
$$;

ALTER FUNCTION app_private.void_hold(p_hold_id bigint, p_reason text, p_tx_id uuid, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION void_hold(p_hold_id bigint, p_reason text, p_tx_id uuid, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.void_hold(p_hold_id bigint, p_reason text, p_tx_id uuid, p_at timestamp with time zone) IS 'Phase two, failure or timeout: returns a pending hold from escrow to the account it came from and marks it voided. At most once: LG002 hold_already_resolved.';

--
-- Name: admin_adjust(bigint, bigint, text, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.admin_adjust(discord_id bigint, delta bigint, reason text, idempotency_key text DEFAULT NULL::text) RETURNS app_public.admin_actions
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  v_user app_public.users := app_private.staff_target(discord_id, reason);
begin
  return app_private.admin_adjust_by(app_public.current_discord_id(), v_role, v_user.id, delta, reason, idempotency_key, now());
end;
$$;

ALTER FUNCTION app_public.admin_adjust(discord_id bigint, delta bigint, reason text, idempotency_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION admin_adjust(discord_id bigint, delta bigint, reason text, idempotency_key text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.admin_adjust(discord_id bigint, delta bigint, reason text, idempotency_key text) IS 'Staff credit (delta > 0, minted) or debit (delta < 0, burned back to the mint) of a member''s wallet, in coins. Roles: SUPERADMIN, ADMIN, OPERATOR. Always writes admin_actions with before/after snapshots and the reason, and an earn/spend transaction. A debit cannot take the wallet below zero. Errors: AU001, PD001 permission_denied, RS001 reason_required, MB002 member_not_found, PD002 self_action_forbidden, AM001 invalid_amount (zero), NF001 insufficient_funds, IK001/IK002. Source: issue #2, seed 000 section 5.';

--
-- Name: claim_daily(text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.claim_daily(idempotency_key text DEFAULT NULL::text) RETURNS app_public.daily_claim
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_user app_public.users := app_private.register_caller('');
begin
  return app_private.claim_daily_for(v_user.id, idempotency_key, now());
end;
$$;

ALTER FUNCTION app_public.claim_daily(idempotency_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION claim_daily(idempotency_key text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.claim_daily(idempotency_key text) IS 'Credits the calling member''s daily reward. Rule: once per rolling 24 h (UTC timestamps); the streak continues when the claim comes within 48 h of the previous one and restarts at 1 otherwise; reward = daily_amount + min((streak - 1) * daily_streak_bonus, daily_streak_bonus_cap) from guild_settings. Registers the caller on first use. Errors: AU001 not_authenticated, MB003 guild_not_found, FZ001 account_frozen, CD001 cooldown_active (detail: next_claim_at, retry_after_s), IK001/IK002. Source: seed 000 sections 4 and 14, issue #2.';

--
-- Name: current_discord_id(); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.current_discord_id() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
  select nullif(current_setting('app.discord_id', true), '')::bigint;
$$;

ALTER FUNCTION app_public.current_discord_id() OWNER TO guildbank_owner;

--
-- Name: FUNCTION current_discord_id(); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.current_discord_id() IS 'The Discord user (snowflake) acting, from the transaction-local claim app.discord_id; null when unset.';

--
-- Name: current_guild_id(); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.current_guild_id() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
  select nullif(current_setting('app.guild_id', true), '')::bigint;
$$;

ALTER FUNCTION app_public.current_guild_id() OWNER TO guildbank_owner;

--
-- Name: FUNCTION current_guild_id(); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.current_guild_id() IS 'The Discord guild (snowflake) the current transaction acts in, from the transaction-local claim app.guild_id; null when unset.';

--
-- Name: current_staff_role(); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.current_staff_role() RETURNS app_public.staff_role
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
  -- Only a transaction that has SET ROLE coins_staff carries a staff role; current_setting('role')
  -- keeps the SET ROLE value even inside SECURITY DEFINER functions.
  select case
    when current_setting('role', true) = 'coins_staff'
      then nullif(current_setting('app.staff_role', true), '')::app_public.staff_role
  end;
$$;

ALTER FUNCTION app_public.current_staff_role() OWNER TO guildbank_owner;

--
-- Name: FUNCTION current_staff_role(); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.current_staff_role() IS 'The staff role of the caller (claim app.staff_role), or null unless the transaction runs as coins_staff.';

--
-- Name: freeze_user(bigint, text, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.freeze_user(discord_id bigint, reason text, idempotency_key text DEFAULT NULL::text) RETURNS app_public.admin_actions
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select * from app_private.set_frozen(true, discord_id, reason, idempotency_key,
    array['SUPERADMIN', 'ADMIN', 'OPERATOR', 'SUPPORT']::app_public.staff_role[]);
$$;

ALTER FUNCTION app_public.freeze_user(discord_id bigint, reason text, idempotency_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION freeze_user(discord_id bigint, reason text, idempotency_key text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.freeze_user(discord_id bigint, reason text, idempotency_key text) IS 'Freezes a member: a frozen member cannot claim, give, receive gives, buy or sell until unfrozen. Roles: SUPERADMIN, ADMIN, OPERATOR, SUPPORT. Writes admin_actions (before/after, reason) and a flag transaction. Errors: AU001, PD001, RS001, MB002, PD002, FZ003 already_frozen, IK001/IK002. Source: issue #2, seed 000 section 4 (Freeze User).';

--
-- Name: give(bigint, bigint, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.give(to_discord_id bigint, amount bigint, idempotency_key text) RETURNS app_public.give_receipt
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  return app_private.give_from((app_private.current_member()).id, to_discord_id, amount, idempotency_key, now());
end;
$$;

ALTER FUNCTION app_public.give(to_discord_id bigint, amount bigint, idempotency_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION give(to_discord_id bigint, amount bigint, idempotency_key text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.give(to_discord_id bigint, amount bigint, idempotency_key text) IS 'Moves amount coins (minor units, > 0) from the calling member''s wallet to another registered member of the guild. Rules: no self-transfer; neither side frozen; at most guild_settings.give_rate_limit gives per give_rate_window_s seconds per sender (default 5 per 60 s); the wallet cannot go negative; the idempotency key is required and a replay returns the first receipt. Errors: AU001, MB001 member_not_registered, MB002 member_not_found, TR001 self_transfer, AM001 invalid_amount, FZ001 account_frozen, FZ002 recipient_frozen, RL001 rate_limited, NF001 insufficient_funds, IK001 idempotency_key_reused, IK002 idempotency_key_invalid. Source: issue #2.';

--
-- Name: leaderboard(integer); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.leaderboard("limit" integer DEFAULT 10) RETURNS SETOF app_public.leaderboard_entry
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if app_public.current_guild_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  if "limit" is null or "limit" not between 1 and 100 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'limit', 'min', 1, 'max', 100));
  end if;
  return query
    select (rank() over (order by a.balance desc))::int, u.discord_id, u.display_name, a.balance
      from app_public.accounts a
      join app_public.users u on u.id = a.user_id
     where a.guild_id = app_public.current_guild_id() and a.currency = 'COIN' and a.kind = 'wallet'
       and not u.is_bot
     order by a.balance desc, u.discord_id
     limit "limit";
end;
$$;

ALTER FUNCTION app_public.leaderboard("limit" integer) OWNER TO guildbank_owner;

--
-- Name: FUNCTION leaderboard("limit" integer); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.leaderboard("limit" integer) IS 'Top wallet balances of the current guild (bots excluded), ties sharing a rank. limit 1..100 (VL001 otherwise); AU001 without a guild. Source: seed 000 section 4 (Leaderboard).';

--
-- Name: my_card(); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.my_card() RETURNS app_public.member_card
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_user app_public.users := app_private.current_member();
  v_balance bigint := app_public.users_wallet_balance(v_user);
begin
  return (
    v_user.discord_id, v_user.display_name, v_balance, app_public.users_escrow_balance(v_user),
    case when v_user.last_daily_at is null or now() <= v_user.last_daily_at + interval '48 hours'
         then v_user.streak_days else 0 end,
    v_user.last_daily_at,
    coalesce(greatest(v_user.last_daily_at + interval '24 hours', now()), now()),
    v_user.badges,
    (select 1 + count(*) from app_public.accounts a join app_public.users u on u.id = a.user_id
      where a.guild_id = v_user.guild_id and a.currency = 'COIN' and a.kind = 'wallet'
        and not u.is_bot and a.balance > v_balance)::int,
    v_user.lifetime_earned, v_user.lifetime_spent, v_user.frozen,
    coalesce((select jsonb_agg(jsonb_build_object('tx_id', t.tx_id, 'type', t.type, 'amount', t.amount,
                'direction', case when t.user_id = v_user.id and t.type in ('earn', 'refund') then 'in'
                                  when t.counterparty_id = v_user.id then 'in'
                                  when t.type = 'flag' then 'none' else 'out' end,
                'reason', t.reason, 'created_at', t.created_at) order by t.created_at desc, t.seq desc)
                from (select * from app_public.transactions t
                       where t.user_id = v_user.id or t.counterparty_id = v_user.id
                       order by t.created_at desc, t.seq desc limit 3) t), '[]'::jsonb)
  )::app_public.member_card;
end;
$$;

ALTER FUNCTION app_public.my_card() OWNER TO guildbank_owner;

--
-- Name: FUNCTION my_card(); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.my_card() IS 'The calling member''s card: wallet and escrow balances, current streak (0 once broken), next daily claim time, badges, rank (1 + members with a higher wallet balance), lifetime counters and the last 3 transactions with direction. Errors: AU001 not_authenticated, MB001 member_not_registered. Source: seed 000 section 4 (My Card).';

--
-- Name: register_member(text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.register_member(display_name text DEFAULT ''::text) RETURNS app_public.users
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select * from app_private.register_caller(display_name);
$$;

ALTER FUNCTION app_public.register_member(display_name text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION register_member(display_name text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.register_member(display_name text) IS 'Opens (or refreshes the name of) the calling member''s account in the current guild; idempotent. Clients call it on a member''s first interaction. Errors: AU001 not_authenticated, MB003 guild_not_found, VL001 invalid_argument.';

--
-- Name: unfreeze_user(bigint, text, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.unfreeze_user(discord_id bigint, reason text, idempotency_key text DEFAULT NULL::text) RETURNS app_public.admin_actions
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select * from app_private.set_frozen(false, discord_id, reason, idempotency_key,
    array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
$$;

ALTER FUNCTION app_public.unfreeze_user(discord_id bigint, reason text, idempotency_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION unfreeze_user(discord_id bigint, reason text, idempotency_key text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.unfreeze_user(discord_id bigint, reason text, idempotency_key text) IS 'Lifts a freeze. Roles: SUPERADMIN, ADMIN, OPERATOR (SUPPORT may freeze but not unfreeze). Writes admin_actions and a flag transaction. Errors: AU001, PD001, RS001, MB002, PD002, FZ004 not_frozen, IK001/IK002. Source: issue #2.';

--
-- Name: users_escrow_balance(app_public.users); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.users_escrow_balance(u app_public.users) RETURNS bigint
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select balance from app_public.accounts where user_id = u.id and currency = 'COIN' and kind = 'escrow';
$$;

ALTER FUNCTION app_public.users_escrow_balance(u app_public.users) OWNER TO guildbank_owner;

--
-- Name: FUNCTION users_escrow_balance(u app_public.users); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.users_escrow_balance(u app_public.users) IS 'Computed column: the member''s coins held in escrow (pending holds). Caller''s rights, as users_wallet_balance.';

--
-- Name: users_wallet_balance(app_public.users); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.users_wallet_balance(u app_public.users) RETURNS bigint
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select balance from app_public.accounts where user_id = u.id and currency = 'COIN' and kind = 'wallet';
$$;

ALTER FUNCTION app_public.users_wallet_balance(u app_public.users) OWNER TO guildbank_owner;

--
-- Name: FUNCTION users_wallet_balance(u app_public.users); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.users_wallet_balance(u app_public.users) IS 'Computed column: the member''s spendable coins (ledger wallet balance). Runs with the caller''s rights, so RLS on accounts decides what it may read (null otherwise).';

--
-- Name: verify_ledger(bigint); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.verify_ledger(guild_id bigint DEFAULT NULL::bigint) RETURNS SETOF app_public.ledger_violation
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_guild bigint := guild_id;
begin
  if current_setting('role', true) = 'coins_staff' then
    perform app_private.require_staff(enum_range(null::app_public.staff_role));
    if v_guild is not null and v_guild <> app_public.current_guild_id() then
      perform app_private.raise_error('PD001', 'permission_denied', jsonb_build_object('guild_id', v_guild));
    end if;
    v_guild := app_public.current_guild_id();
  end if;
  -- Other API roles have no EXECUTE grant; the worker and the owner may check any guild.

  -- 1. Double entry: per guild and currency, balances sum to zero.
  return query
    select 'sum_of_balances_is_zero', a.guild_id, a.currency, null::bigint, 0::bigint, sum(a.balance)::bigint
      from app_public.accounts a
     where v_guild is null or a.guild_id = v_guild
     group by a.guild_id, a.currency
    having sum(a.balance) <> 0;
  -- 2. Each balance equals its postings.
  return query
    with postings as (
      select x.account_id, sum(x.amount)::bigint as net
        from (select t.credit_account_id as account_id, t.amount from app_public.transfers t
               where v_guild is null or t.guild_id = v_guild
              union all
              select t.debit_account_id, -t.amount from app_public.transfers t
               where v_guild is null or t.guild_id = v_guild) x
       group by x.account_id
    )
    select 'balance_equals_postings', a.guild_id, a.currency, a.id, coalesce(p.net, 0), a.balance
      from app_public.accounts a left join postings p on p.account_id = a.id
     where (v_guild is null or a.guild_id = v_guild) and a.balance <> coalesce(p.net, 0);
  -- 2b. The posting totals kept on the account match the transfers.
  return query
    with totals as (
      select x.account_id, sum(x.credit)::bigint as credits, sum(x.debit)::bigint as debits
        from (select t.credit_account_id as account_id, t.amount as credit, 0::bigint as debit from app_public.transfers t
               where v_guild is null or t.guild_id = v_guild
              union all
              select t.debit_account_id, 0, t.amount from app_public.transfers t
               where v_guild is null or t.guild_id = v_guild) x
       group by x.account_id
    )
    select 'posting_totals_match', a.guild_id, a.currency, a.id,
           coalesce(p.credits, 0) + coalesce(p.debits, 0), a.credits_posted + a.debits_posted
      from app_public.accounts a left join totals p on p.account_id = a.id
     where (v_guild is null or a.guild_id = v_guild)
       and (a.credits_posted <> coalesce(p.credits, 0) or a.debits_posted <> coalesce(p.debits, 0));
  -- 2c. Lifetime counters equal the value that crossed between the member and others.
  return query
    with flows as (
      select u.id as user_id,
             coalesce(sum(t.amount) filter (where ca.user_id = u.id and da.user_id is distinct from u.id), 0)::bigint as earned,
             coalesce(sum(t.amount) filter (where da.user_id = u.id and ca.user_id is distinct from u.id), 0)::bigint as spent
        from app_public.users u
        left join app_public.accounts ua on ua.user_id = u.id
        left join app_public.transfers t on t.debit_account_id = ua.id or t.credit_account_id = ua.id
        left join app_public.accounts da on da.id = t.debit_account_id
        left join app_public.accounts ca on ca.id = t.credit_account_id
       where v_guild is null or u.guild_id = v_guild
       group by u.id
    )
    select 'lifetime_counters_match', u.guild_id, 'COIN'::text, null::bigint,
           f.earned + f.spent, u.lifetime_earned + u.lifetime_spent
      from app_public.users u join flows f on f.user_id = u.id
     where u.lifetime_earned <> f.earned or u.lifetime_spent <> f.spent;
  -- 3. No member, treasury or fees account is negative.
  return query
    select 'no_negative_balance', a.guild_id, a.currency, a.id, 0::bigint, a.balance
      from app_public.accounts a
     where (v_guild is null or a.guild_id = v_guild) and a.kind not in ('mint', 'external') and a.balance < 0;
  -- 4. An escrow account holds exactly its pending holds.
  return query
    select 'escrow_equals_pending_holds', a.guild_id, a.currency, a.id,
           coalesce((select sum(t.amount) from app_public.transfers t
                      where t.credit_account_id = a.id and t.status = 'pending'), 0)::bigint,
           a.balance
      from app_public.accounts a
     where (v_guild is null or a.guild_id = v_guild) and a.kind = 'escrow'
       and a.balance <> coalesce((select sum(t.amount) from app_public.transfers t
                                   where t.credit_account_id = a.id and t.status = 'pending'), 0);
  -- 5. A resolved hold was paid out exactly once and in full; a pending one not at all.
  return query
    select 'hold_resolved_exactly', h.guild_id, h.currency, h.credit_account_id,
           case when h.status = 'pending' then 0 else h.amount end,
           coalesce(sum(l.amount), 0)::bigint
      from app_public.transfers h
      left join app_public.transfers l on l.pending_id = h.id
     where (v_guild is null or h.guild_id = v_guild) and h.pending_id is null
       and (h.status = 'pending' or h.timeout_at is not null or l.id is not null)
       and exists (select 1 from app_public.accounts a where a.id = h.credit_account_id and a.kind = 'escrow')
     group by h.id
    having coalesce(sum(l.amount), 0) <> case when h.status = 'pending' then 0 else h.amount end;
end;
$$;

ALTER FUNCTION app_public.verify_ledger(guild_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION verify_ledger(guild_id bigint); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.verify_ledger(guild_id bigint) IS 'Returns every violated ledger invariant (empty = healthy): per guild and currency the balances sum to zero; each balance equals the sum of its postings, and its credit/debit totals those of its transfers; each member''s lifetime counters equal what crossed between them and others; no member/treasury/fees balance is negative; each escrow account equals its pending holds; each resolved hold was paid out exactly once and in full. Staff (any role) check their own guild; the worker and the owner may check one guild or all (null). Errors: AU001, PD001 permission_denied. Source: DESIGN.md "Money".';

--
-- Name: idempotency_keys; Type: TABLE; Schema: app_private; Owner: guildbank_owner
--

CREATE TABLE app_private.idempotency_keys (
    guild_id bigint NOT NULL,
    actor_id bigint NOT NULL,
    key text NOT NULL,
    request jsonb NOT NULL,
    result jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE app_private.idempotency_keys OWNER TO guildbank_owner;

--
-- Name: TABLE idempotency_keys; Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON TABLE app_private.idempotency_keys IS 'One row per external request (interaction id, Idempotency-Key header, webhook id), written in the same transaction as its effect; a replay returns result.';

--
-- Name: sessions; Type: TABLE; Schema: app_private; Owner: guildbank_owner
--

CREATE TABLE app_private.sessions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    token_hash bytea NOT NULL,
    guild_id bigint NOT NULL,
    discord_id bigint NOT NULL,
    kind text NOT NULL,
    staff_role app_public.staff_role,
    source text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT sessions_check CHECK (((kind = 'staff'::text) = (staff_role IS NOT NULL))),
    CONSTRAINT sessions_discord_id_check CHECK ((discord_id > 0)),
    CONSTRAINT sessions_kind_check CHECK ((kind = ANY (ARRAY['player'::text, 'staff'::text]))),
    CONSTRAINT sessions_source_check CHECK ((source = ANY (ARRAY['dev'::text, 'discord'::text]))),
    CONSTRAINT sessions_token_hash_check CHECK ((length(token_hash) = 32))
);

ALTER TABLE app_private.sessions OWNER TO guildbank_owner;

--
-- Name: TABLE sessions; Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON TABLE app_private.sessions IS 'Server sessions. The cookie carries a random token; only its SHA-256 is stored.';

--
-- Name: accounts; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.accounts (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    user_id bigint,
    currency text DEFAULT 'COIN'::text NOT NULL,
    kind app_public.account_kind NOT NULL,
    balance bigint DEFAULT 0 NOT NULL,
    debits_posted bigint DEFAULT 0 NOT NULL,
    credits_posted bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT accounts_balance_is_net CHECK ((balance = (credits_posted - debits_posted))),
    CONSTRAINT accounts_credits_posted_check CHECK ((credits_posted >= 0)),
    CONSTRAINT accounts_debits_posted_check CHECK ((debits_posted >= 0)),
    CONSTRAINT accounts_non_negative CHECK (((kind = ANY (ARRAY['mint'::app_public.account_kind, 'external'::app_public.account_kind])) OR (balance >= 0))),
    CONSTRAINT accounts_owner_matches_kind CHECK (((kind = ANY (ARRAY['wallet'::app_public.account_kind, 'escrow'::app_public.account_kind])) = (user_id IS NOT NULL)))
);

ALTER TABLE app_public.accounts OWNER TO guildbank_owner;

--
-- Name: TABLE accounts; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.accounts IS '@behavior -insert -update -delete
Ledger accounts. balance = credits - debits, in minor units of currency; written only by app_private.post_transfer.';

--
-- Name: accounts_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.accounts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.accounts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: admin_actions_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.admin_actions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.admin_actions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: currencies; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.currencies (
    code text NOT NULL,
    name text NOT NULL,
    scale smallint NOT NULL,
    CONSTRAINT currencies_code_check CHECK ((code ~ '^[A-Z]{2,8}$'::text)),
    CONSTRAINT currencies_scale_check CHECK (((scale >= 0) AND (scale <= 6)))
);

ALTER TABLE app_public.currencies OWNER TO guildbank_owner;

--
-- Name: TABLE currencies; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.currencies IS '@behavior -insert -update -delete
Reference data shared by every guild: a currency and its scale (amounts are integers of 10^-scale units).';

--
-- Name: guild_settings; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.guild_settings (
    guild_id bigint NOT NULL,
    market_fee numeric(5,4) DEFAULT 0.08 NOT NULL,
    price_floor_pct numeric(5,4) DEFAULT 0.70 NOT NULL,
    escrow_timeout_min integer DEFAULT 15 NOT NULL,
    voucher_timeout_h integer DEFAULT 72 NOT NULL,
    leaderboard_cron text DEFAULT '*/15 * * * *'::text NOT NULL,
    daily_amount bigint DEFAULT 100 NOT NULL,
    daily_streak_bonus bigint DEFAULT 10 NOT NULL,
    daily_streak_bonus_cap bigint DEFAULT 100 NOT NULL,
    give_rate_limit integer DEFAULT 5 NOT NULL,
    give_rate_window_s integer DEFAULT 60 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT guild_settings_daily_amount_check CHECK ((daily_amount > 0)),
    CONSTRAINT guild_settings_daily_streak_bonus_cap_check CHECK ((daily_streak_bonus_cap >= 0)),
    CONSTRAINT guild_settings_daily_streak_bonus_check CHECK ((daily_streak_bonus >= 0)),
    CONSTRAINT guild_settings_escrow_timeout_min_check CHECK (((escrow_timeout_min >= 1) AND (escrow_timeout_min <= 10080))),
    CONSTRAINT guild_settings_give_rate_limit_check CHECK (((give_rate_limit >= 1) AND (give_rate_limit <= 10000))),
    CONSTRAINT guild_settings_give_rate_window_s_check CHECK (((give_rate_window_s >= 1) AND (give_rate_window_s <= 86400))),
    CONSTRAINT guild_settings_leaderboard_cron_check CHECK ((leaderboard_cron ~ '^\S+( \S+){4}$'::text)),
    CONSTRAINT guild_settings_market_fee_check CHECK (((market_fee >= (0)::numeric) AND (market_fee <= 0.5))),
    CONSTRAINT guild_settings_price_floor_pct_check CHECK (((price_floor_pct >= (0)::numeric) AND (price_floor_pct <= (1)::numeric))),
    CONSTRAINT guild_settings_voucher_timeout_h_check CHECK (((voucher_timeout_h >= 1) AND (voucher_timeout_h <= 8760)))
);

ALTER TABLE app_public.guild_settings OWNER TO guildbank_owner;

--
-- Name: TABLE guild_settings; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.guild_settings IS '@behavior -insert -delete
Economy tunables of a guild (defaults from the seed: MARKET_FEE, PRICE_FLOOR_PCT, ESCROW_TIMEOUT_MIN, VOUCHER_TIMEOUT_H, LEADERBOARD_CRON). Amounts in minor units of COIN.';

--
-- Name: COLUMN guild_settings.market_fee; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.guild_settings.market_fee IS 'Marketplace fee as a fraction of the sale (0.08 = 8 %).';

--
-- Name: COLUMN guild_settings.price_floor_pct; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.guild_settings.price_floor_pct IS 'Listings below this fraction of the 7-day median are refused.';

--
-- Name: COLUMN guild_settings.escrow_timeout_min; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.guild_settings.escrow_timeout_min IS 'Minutes after which an unfulfilled order''s escrow is refunded.';

--
-- Name: COLUMN guild_settings.voucher_timeout_h; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.guild_settings.voucher_timeout_h IS 'Hours after which an unredeemed voucher is refunded.';

--
-- Name: COLUMN guild_settings.daily_amount; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.guild_settings.daily_amount IS 'Base daily reward, in coins.';

--
-- Name: COLUMN guild_settings.daily_streak_bonus; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.guild_settings.daily_streak_bonus IS 'Extra coins per consecutive day after the first.';

--
-- Name: COLUMN guild_settings.daily_streak_bonus_cap; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.guild_settings.daily_streak_bonus_cap IS 'Upper bound on the streak bonus, in coins.';

--
-- Name: COLUMN guild_settings.give_rate_limit; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.guild_settings.give_rate_limit IS 'How many gives a member may send per window.';

--
-- Name: COLUMN guild_settings.give_rate_window_s; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.guild_settings.give_rate_window_s IS 'The give rate-limit window, in seconds.';

--
-- Name: transactions; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.transactions (
    tx_id uuid DEFAULT gen_random_uuid() NOT NULL,
    seq bigint NOT NULL,
    guild_id bigint NOT NULL,
    type app_public.tx_type NOT NULL,
    actor_id bigint,
    user_id bigint,
    counterparty_id bigint,
    amount bigint DEFAULT 0 NOT NULL,
    currency text DEFAULT 'COIN'::text NOT NULL,
    reason text NOT NULL,
    meta jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT transactions_amount_check CHECK ((amount >= 0)),
    CONSTRAINT transactions_meta_check CHECK ((jsonb_typeof(meta) = 'object'::text)),
    CONSTRAINT transactions_reason_check CHECK (((length(reason) >= 1) AND (length(reason) <= 500)))
);

ALTER TABLE app_public.transactions OWNER TO guildbank_owner;

--
-- Name: TABLE transactions; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.transactions IS '@behavior -insert -update -delete
The human-readable event log (the feed''s source): one row per economic event, written by the rule functions in the same transaction as its ledger transfers.';

--
-- Name: COLUMN transactions.seq; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.transactions.seq IS 'Insertion-ordered sequence (assigned at insert, not at commit: a later seq may commit first).';

--
-- Name: COLUMN transactions.actor_id; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.transactions.actor_id IS 'Discord snowflake of whoever acted (member or staff); null for the system.';

--
-- Name: COLUMN transactions.user_id; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.transactions.user_id IS 'The member whose balance the event concerns.';

--
-- Name: COLUMN transactions.counterparty_id; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.transactions.counterparty_id IS 'The other member, for transfers between members.';

--
-- Name: COLUMN transactions.amount; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.transactions.amount IS 'Minor units of currency moved (0 for flags).';

--
-- Name: transactions_seq_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.transactions ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.transactions_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: transfers_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.transfers ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.transfers_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: users_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.users ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: idempotency_keys idempotency_keys_pkey; Type: CONSTRAINT; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE ONLY app_private.idempotency_keys
    ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (guild_id, actor_id, key);

--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE ONLY app_private.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id);

--
-- Name: sessions sessions_token_hash_key; Type: CONSTRAINT; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE ONLY app_private.sessions
    ADD CONSTRAINT sessions_token_hash_key UNIQUE (token_hash);

--
-- Name: accounts accounts_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);

--
-- Name: admin_actions admin_actions_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.admin_actions
    ADD CONSTRAINT admin_actions_pkey PRIMARY KEY (id);

--
-- Name: currencies currencies_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.currencies
    ADD CONSTRAINT currencies_pkey PRIMARY KEY (code);

--
-- Name: guild_settings guild_settings_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.guild_settings
    ADD CONSTRAINT guild_settings_pkey PRIMARY KEY (guild_id);

--
-- Name: guilds guilds_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.guilds
    ADD CONSTRAINT guilds_pkey PRIMARY KEY (id);

--
-- Name: transactions transactions_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.transactions
    ADD CONSTRAINT transactions_pkey PRIMARY KEY (tx_id);

--
-- Name: transactions transactions_seq_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.transactions
    ADD CONSTRAINT transactions_seq_key UNIQUE (seq);

--
-- Name: transfers transfers_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.transfers
    ADD CONSTRAINT transfers_pkey PRIMARY KEY (id);

--
-- Name: users users_guild_id_discord_id_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.users
    ADD CONSTRAINT users_guild_id_discord_id_key UNIQUE (guild_id, discord_id);

--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

--
-- Name: sessions_expires_at; Type: INDEX; Schema: app_private; Owner: guildbank_owner
--

CREATE INDEX sessions_expires_at ON app_private.sessions USING btree (expires_at);

--
-- Name: accounts_guild_key; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE UNIQUE INDEX accounts_guild_key ON app_public.accounts USING btree (guild_id, currency, kind) WHERE (user_id IS NULL);

--
-- Name: accounts_leaderboard; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX accounts_leaderboard ON app_public.accounts USING btree (guild_id, currency, balance DESC) WHERE (kind = 'wallet'::app_public.account_kind);

--
-- Name: accounts_member_key; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE UNIQUE INDEX accounts_member_key ON app_public.accounts USING btree (user_id, currency, kind) WHERE (user_id IS NOT NULL);

--
-- Name: admin_actions_guild_created_at; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX admin_actions_guild_created_at ON app_public.admin_actions USING btree (guild_id, created_at);

--
-- Name: admin_actions_subject; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX admin_actions_subject ON app_public.admin_actions USING btree (guild_id, subject_type, subject_id);

--
-- Name: transactions_actor_created_at; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX transactions_actor_created_at ON app_public.transactions USING btree (actor_id, created_at);

--
-- Name: transactions_counterparty; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX transactions_counterparty ON app_public.transactions USING btree (counterparty_id) WHERE (counterparty_id IS NOT NULL);

--
-- Name: transactions_created_at; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX transactions_created_at ON app_public.transactions USING btree (created_at);

--
-- Name: transactions_guild_created_at; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX transactions_guild_created_at ON app_public.transactions USING btree (guild_id, created_at);

--
-- Name: transactions_user_created_at; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX transactions_user_created_at ON app_public.transactions USING btree (user_id, created_at);

--
-- Name: transfers_credit; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX transfers_credit ON app_public.transfers USING btree (credit_account_id, created_at);

--
-- Name: transfers_debit; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX transfers_debit ON app_public.transfers USING btree (debit_account_id, created_at);

--
-- Name: transfers_open_holds; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX transfers_open_holds ON app_public.transfers USING btree (timeout_at) WHERE (status = 'pending'::app_public.transfer_status);

--
-- Name: transfers_pending; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX transfers_pending ON app_public.transfers USING btree (pending_id) WHERE (pending_id IS NOT NULL);

--
-- Name: transfers_tx; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX transfers_tx ON app_public.transfers USING btree (tx_id);

--
-- Name: guild_settings _050_require_admin; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _050_require_admin BEFORE UPDATE ON app_public.guild_settings FOR EACH ROW EXECUTE FUNCTION app_private.tg_guild_settings__require_admin();

--
-- Name: guild_settings _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.guild_settings FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: guilds _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.guilds FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: users _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.users FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: guilds _500_provision; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _500_provision AFTER INSERT ON app_public.guilds FOR EACH ROW EXECUTE FUNCTION app_private.tg_guilds__provision();

--
-- Name: users _500_provision; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _500_provision AFTER INSERT ON app_public.users FOR EACH ROW EXECUTE FUNCTION app_private.tg_users__provision();

--
-- Name: guild_settings _900_audit; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _900_audit AFTER UPDATE ON app_public.guild_settings FOR EACH ROW EXECUTE FUNCTION app_private.tg_guild_settings__audit();

--
-- Name: idempotency_keys idempotency_keys_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE ONLY app_private.idempotency_keys
    ADD CONSTRAINT idempotency_keys_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: sessions sessions_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE ONLY app_private.sessions
    ADD CONSTRAINT sessions_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: accounts accounts_currency_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.accounts
    ADD CONSTRAINT accounts_currency_fkey FOREIGN KEY (currency) REFERENCES app_public.currencies(code);

--
-- Name: accounts accounts_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.accounts
    ADD CONSTRAINT accounts_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: accounts accounts_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.accounts
    ADD CONSTRAINT accounts_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: admin_actions admin_actions_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.admin_actions
    ADD CONSTRAINT admin_actions_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: guild_settings guild_settings_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.guild_settings
    ADD CONSTRAINT guild_settings_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: transactions transactions_counterparty_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.transactions
    ADD CONSTRAINT transactions_counterparty_id_fkey FOREIGN KEY (counterparty_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: transactions transactions_currency_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.transactions
    ADD CONSTRAINT transactions_currency_fkey FOREIGN KEY (currency) REFERENCES app_public.currencies(code);

--
-- Name: transactions transactions_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.transactions
    ADD CONSTRAINT transactions_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: transactions transactions_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.transactions
    ADD CONSTRAINT transactions_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: transfers transfers_credit_account_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.transfers
    ADD CONSTRAINT transfers_credit_account_id_fkey FOREIGN KEY (credit_account_id) REFERENCES app_public.accounts(id);

--
-- Name: transfers transfers_currency_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.transfers
    ADD CONSTRAINT transfers_currency_fkey FOREIGN KEY (currency) REFERENCES app_public.currencies(code);

--
-- Name: transfers transfers_debit_account_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.transfers
    ADD CONSTRAINT transfers_debit_account_id_fkey FOREIGN KEY (debit_account_id) REFERENCES app_public.accounts(id);

--
-- Name: transfers transfers_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.transfers
    ADD CONSTRAINT transfers_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: transfers transfers_pending_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.transfers
    ADD CONSTRAINT transfers_pending_id_fkey FOREIGN KEY (pending_id) REFERENCES app_public.transfers(id);

--
-- Name: transfers transfers_tx_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.transfers
    ADD CONSTRAINT transfers_tx_id_fkey FOREIGN KEY (tx_id) REFERENCES app_public.transactions(tx_id) ON DELETE CASCADE;

--
-- Name: users users_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.users
    ADD CONSTRAINT users_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: idempotency_keys; Type: ROW SECURITY; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE app_private.idempotency_keys ENABLE ROW LEVEL SECURITY;

--
-- Name: sessions; Type: ROW SECURITY; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE app_private.sessions ENABLE ROW LEVEL SECURITY;

--
-- Name: accounts; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.accounts ENABLE ROW LEVEL SECURITY;

--
-- Name: accounts accounts_self; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY accounts_self ON app_public.accounts FOR SELECT TO coins_player USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (user_id = ( SELECT u.id
   FROM app_public.users u
  WHERE ((u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))))));

--
-- Name: accounts accounts_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY accounts_staff ON app_public.accounts FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: admin_actions; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.admin_actions ENABLE ROW LEVEL SECURITY;

--
-- Name: admin_actions admin_actions_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY admin_actions_staff ON app_public.admin_actions FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: currencies; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.currencies ENABLE ROW LEVEL SECURITY;

--
-- Name: currencies currencies_read; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY currencies_read ON app_public.currencies FOR SELECT TO coins_player, coins_staff, coins_listener, coins_worker USING (true);

--
-- Name: guild_settings; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.guild_settings ENABLE ROW LEVEL SECURITY;

--
-- Name: guilds; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.guilds ENABLE ROW LEVEL SECURITY;

--
-- Name: guilds guilds_own; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY guilds_own ON app_public.guilds FOR SELECT TO coins_player, coins_staff USING ((id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: guild_settings settings_own; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY settings_own ON app_public.guild_settings FOR SELECT TO coins_player, coins_staff USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: guild_settings settings_staff_update; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY settings_staff_update ON app_public.guild_settings FOR UPDATE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL))) WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: transactions; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.transactions ENABLE ROW LEVEL SECURITY;

--
-- Name: transactions transactions_self; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY transactions_self ON app_public.transactions FOR SELECT TO coins_player USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND ((( SELECT u.id
   FROM app_public.users u
  WHERE ((u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))) = user_id) OR (( SELECT u.id
   FROM app_public.users u
  WHERE ((u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))) = counterparty_id))));

--
-- Name: transactions transactions_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY transactions_staff ON app_public.transactions FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: transfers; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.transfers ENABLE ROW LEVEL SECURITY;

--
-- Name: transfers transfers_self; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY transfers_self ON app_public.transfers FOR SELECT TO coins_player USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (EXISTS ( SELECT 1
   FROM (app_public.accounts a
     JOIN app_public.users u ON ((u.id = a.user_id)))
  WHERE ((a.id = ANY (ARRAY[transfers.debit_account_id, transfers.credit_account_id])) AND (u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))))));

--
-- Name: transfers transfers_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY transfers_staff ON app_public.transfers FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: users; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.users ENABLE ROW LEVEL SECURITY;

--
-- Name: users users_self; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY users_self ON app_public.users FOR SELECT TO coins_player USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (discord_id = ( SELECT app_public.current_discord_id() AS current_discord_id))));

--
-- Name: users users_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY users_staff ON app_public.users FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: SCHEMA app_hidden; Type: ACL; Schema: -; Owner: guildbank_owner
--

GRANT USAGE ON SCHEMA app_hidden TO coins_anonymous;
GRANT USAGE ON SCHEMA app_hidden TO coins_player;
GRANT USAGE ON SCHEMA app_hidden TO coins_staff;
GRANT USAGE ON SCHEMA app_hidden TO coins_listener;
GRANT USAGE ON SCHEMA app_hidden TO coins_worker;

--
-- Name: SCHEMA app_private; Type: ACL; Schema: -; Owner: guildbank_owner
--

GRANT USAGE ON SCHEMA app_private TO guildbank_authenticator;

--
-- Name: SCHEMA app_public; Type: ACL; Schema: -; Owner: guildbank_owner
--

GRANT USAGE ON SCHEMA app_public TO coins_anonymous;
GRANT USAGE ON SCHEMA app_public TO coins_player;
GRANT USAGE ON SCHEMA app_public TO coins_staff;
GRANT USAGE ON SCHEMA app_public TO coins_listener;
GRANT USAGE ON SCHEMA app_public TO coins_worker;

--
-- Name: TABLE admin_actions; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.admin_actions TO coins_staff;

--
-- Name: FUNCTION admin_adjust_by(p_actor_id bigint, p_actor_role app_public.staff_role, p_user_id bigint, p_delta bigint, p_reason text, p_key text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.admin_adjust_by(p_actor_id bigint, p_actor_role app_public.staff_role, p_user_id bigint, p_delta bigint, p_reason text, p_key text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION claim_daily_for(p_user_id bigint, p_key text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.claim_daily_for(p_user_id bigint, p_key text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION close_session(p_token_hash bytea); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.close_session(p_token_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.close_session(p_token_hash bytea) TO guildbank_authenticator;

--
-- Name: TABLE users; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.users TO coins_player;
GRANT SELECT ON TABLE app_public.users TO coins_staff;

--
-- Name: FUNCTION current_member(p_lock boolean); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.current_member(p_lock boolean) FROM PUBLIC;

--
-- Name: TABLE guilds; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.guilds TO coins_player;
GRANT SELECT ON TABLE app_public.guilds TO coins_staff;

--
-- Name: FUNCTION ensure_guild(p_guild_id bigint, p_name text); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.ensure_guild(p_guild_id bigint, p_name text) FROM PUBLIC;

--
-- Name: FUNCTION ensure_member(p_guild_id bigint, p_discord_id bigint, p_display_name text, p_is_bot boolean); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.ensure_member(p_guild_id bigint, p_discord_id bigint, p_display_name text, p_is_bot boolean) FROM PUBLIC;

--
-- Name: FUNCTION give_from(p_from_user_id bigint, p_to_discord_id bigint, p_amount bigint, p_key text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.give_from(p_from_user_id bigint, p_to_discord_id bigint, p_amount bigint, p_key text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION hold(p_guild_id bigint, p_user_id bigint, p_amount bigint, p_reason text, p_timeout_at timestamp with time zone, p_tx_id uuid, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.hold(p_guild_id bigint, p_user_id bigint, p_amount bigint, p_reason text, p_timeout_at timestamp with time zone, p_tx_id uuid, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION idempotency_begin(p_guild_id bigint, p_actor_id bigint, p_key text, p_request jsonb); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.idempotency_begin(p_guild_id bigint, p_actor_id bigint, p_key text, p_request jsonb) FROM PUBLIC;

--
-- Name: FUNCTION idempotency_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_result jsonb); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.idempotency_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_result jsonb) FROM PUBLIC;

--
-- Name: TABLE transfers; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.transfers TO coins_player;
GRANT SELECT ON TABLE app_public.transfers TO coins_staff;

--
-- Name: FUNCTION lock_hold(p_hold_id bigint, p_credits jsonb); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.lock_hold(p_hold_id bigint, p_credits jsonb) FROM PUBLIC;

--
-- Name: FUNCTION lock_members(p_user_ids bigint[]); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.lock_members(p_user_ids bigint[]) FROM PUBLIC;

--
-- Name: FUNCTION member_snapshot(p_user_id bigint); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.member_snapshot(p_user_id bigint) FROM PUBLIC;

--
-- Name: FUNCTION open_session(p_token_hash bytea, p_guild_id bigint, p_discord_id bigint, p_kind text, p_staff_role app_public.staff_role, p_source text, p_ttl_s integer); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.open_session(p_token_hash bytea, p_guild_id bigint, p_discord_id bigint, p_kind text, p_staff_role app_public.staff_role, p_source text, p_ttl_s integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.open_session(p_token_hash bytea, p_guild_id bigint, p_discord_id bigint, p_kind text, p_staff_role app_public.staff_role, p_source text, p_ttl_s integer) TO guildbank_authenticator;

--
-- Name: FUNCTION post_transfer(p_guild_id bigint, p_debit_account_id bigint, p_credit_account_id bigint, p_amount bigint, p_reason text, p_tx_id uuid, p_status app_public.transfer_status, p_pending_id bigint, p_timeout_at timestamp with time zone, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.post_transfer(p_guild_id bigint, p_debit_account_id bigint, p_credit_account_id bigint, p_amount bigint, p_reason text, p_tx_id uuid, p_status app_public.transfer_status, p_pending_id bigint, p_timeout_at timestamp with time zone, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION raise_error(p_code text, p_key text, p_detail jsonb); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.raise_error(p_code text, p_key text, p_detail jsonb) FROM PUBLIC;

--
-- Name: FUNCTION register_caller(p_display_name text); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.register_caller(p_display_name text) FROM PUBLIC;

--
-- Name: FUNCTION require_staff(p_allowed app_public.staff_role[]); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.require_staff(p_allowed app_public.staff_role[]) FROM PUBLIC;

--
-- Name: FUNCTION session_claims(p_token_hash bytea); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.session_claims(p_token_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.session_claims(p_token_hash bytea) TO guildbank_authenticator;

--
-- Name: FUNCTION set_frozen(p_frozen boolean, p_discord_id bigint, p_reason text, p_key text, p_allowed app_public.staff_role[]); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.set_frozen(p_frozen boolean, p_discord_id bigint, p_reason text, p_key text, p_allowed app_public.staff_role[]) FROM PUBLIC;

--
-- Name: FUNCTION settle_hold(p_hold_id bigint, p_credits jsonb, p_tx_id uuid, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.settle_hold(p_hold_id bigint, p_credits jsonb, p_tx_id uuid, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION staff_target(p_discord_id bigint, p_reason text); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.staff_target(p_discord_id bigint, p_reason text) FROM PUBLIC;

--
-- Name: FUNCTION tg__timestamps(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg__timestamps() FROM PUBLIC;

--
-- Name: FUNCTION tg_guild_settings__audit(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_guild_settings__audit() FROM PUBLIC;

--
-- Name: FUNCTION tg_guild_settings__require_admin(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_guild_settings__require_admin() FROM PUBLIC;

--
-- Name: FUNCTION tg_guilds__provision(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_guilds__provision() FROM PUBLIC;

--
-- Name: FUNCTION tg_users__provision(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_users__provision() FROM PUBLIC;

--
-- Name: FUNCTION void_hold(p_hold_id bigint, p_reason text, p_tx_id uuid, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.void_hold(p_hold_id bigint, p_reason text, p_tx_id uuid, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION admin_adjust(discord_id bigint, delta bigint, reason text, idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.admin_adjust(discord_id bigint, delta bigint, reason text, idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.admin_adjust(discord_id bigint, delta bigint, reason text, idempotency_key text) TO coins_staff;

--
-- Name: FUNCTION claim_daily(idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.claim_daily(idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.claim_daily(idempotency_key text) TO coins_player;

--
-- Name: FUNCTION current_discord_id(); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.current_discord_id() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.current_discord_id() TO coins_anonymous;
GRANT ALL ON FUNCTION app_public.current_discord_id() TO coins_player;
GRANT ALL ON FUNCTION app_public.current_discord_id() TO coins_staff;
GRANT ALL ON FUNCTION app_public.current_discord_id() TO coins_listener;
GRANT ALL ON FUNCTION app_public.current_discord_id() TO coins_worker;

--
-- Name: FUNCTION current_guild_id(); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.current_guild_id() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.current_guild_id() TO coins_anonymous;
GRANT ALL ON FUNCTION app_public.current_guild_id() TO coins_player;
GRANT ALL ON FUNCTION app_public.current_guild_id() TO coins_staff;
GRANT ALL ON FUNCTION app_public.current_guild_id() TO coins_listener;
GRANT ALL ON FUNCTION app_public.current_guild_id() TO coins_worker;

--
-- Name: FUNCTION current_staff_role(); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.current_staff_role() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.current_staff_role() TO coins_anonymous;
GRANT ALL ON FUNCTION app_public.current_staff_role() TO coins_player;
GRANT ALL ON FUNCTION app_public.current_staff_role() TO coins_staff;
GRANT ALL ON FUNCTION app_public.current_staff_role() TO coins_listener;
GRANT ALL ON FUNCTION app_public.current_staff_role() TO coins_worker;

--
-- Name: FUNCTION freeze_user(discord_id bigint, reason text, idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.freeze_user(discord_id bigint, reason text, idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.freeze_user(discord_id bigint, reason text, idempotency_key text) TO coins_staff;

--
-- Name: FUNCTION give(to_discord_id bigint, amount bigint, idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.give(to_discord_id bigint, amount bigint, idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.give(to_discord_id bigint, amount bigint, idempotency_key text) TO coins_player;

--
-- Name: FUNCTION leaderboard("limit" integer); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.leaderboard("limit" integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.leaderboard("limit" integer) TO coins_player;
GRANT ALL ON FUNCTION app_public.leaderboard("limit" integer) TO coins_staff;

--
-- Name: FUNCTION my_card(); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.my_card() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.my_card() TO coins_player;

--
-- Name: FUNCTION register_member(display_name text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.register_member(display_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.register_member(display_name text) TO coins_player;

--
-- Name: FUNCTION unfreeze_user(discord_id bigint, reason text, idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.unfreeze_user(discord_id bigint, reason text, idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.unfreeze_user(discord_id bigint, reason text, idempotency_key text) TO coins_staff;

--
-- Name: FUNCTION users_escrow_balance(u app_public.users); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.users_escrow_balance(u app_public.users) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.users_escrow_balance(u app_public.users) TO coins_player;
GRANT ALL ON FUNCTION app_public.users_escrow_balance(u app_public.users) TO coins_staff;

--
-- Name: FUNCTION users_wallet_balance(u app_public.users); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.users_wallet_balance(u app_public.users) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.users_wallet_balance(u app_public.users) TO coins_player;
GRANT ALL ON FUNCTION app_public.users_wallet_balance(u app_public.users) TO coins_staff;

--
-- Name: FUNCTION verify_ledger(guild_id bigint); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.verify_ledger(guild_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.verify_ledger(guild_id bigint) TO coins_staff;
GRANT ALL ON FUNCTION app_public.verify_ledger(guild_id bigint) TO coins_worker;

--
-- Name: TABLE accounts; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.accounts TO coins_player;
GRANT SELECT ON TABLE app_public.accounts TO coins_staff;

--
-- Name: TABLE currencies; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.currencies TO coins_player;
GRANT SELECT ON TABLE app_public.currencies TO coins_staff;
GRANT SELECT ON TABLE app_public.currencies TO coins_listener;
GRANT SELECT ON TABLE app_public.currencies TO coins_worker;

--
-- Name: TABLE guild_settings; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.guild_settings TO coins_player;
GRANT SELECT ON TABLE app_public.guild_settings TO coins_staff;

--
-- Name: COLUMN guild_settings.market_fee; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(market_fee) ON TABLE app_public.guild_settings TO coins_staff;

--
-- Name: COLUMN guild_settings.price_floor_pct; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(price_floor_pct) ON TABLE app_public.guild_settings TO coins_staff;

--
-- Name: COLUMN guild_settings.escrow_timeout_min; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(escrow_timeout_min) ON TABLE app_public.guild_settings TO coins_staff;

--
-- Name: COLUMN guild_settings.voucher_timeout_h; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(voucher_timeout_h) ON TABLE app_public.guild_settings TO coins_staff;

--
-- Name: COLUMN guild_settings.leaderboard_cron; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(leaderboard_cron) ON TABLE app_public.guild_settings TO coins_staff;

--
-- Name: COLUMN guild_settings.daily_amount; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(daily_amount) ON TABLE app_public.guild_settings TO coins_staff;

--
-- Name: COLUMN guild_settings.daily_streak_bonus; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(daily_streak_bonus) ON TABLE app_public.guild_settings TO coins_staff;

--
-- Name: COLUMN guild_settings.daily_streak_bonus_cap; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(daily_streak_bonus_cap) ON TABLE app_public.guild_settings TO coins_staff;

--
-- Name: COLUMN guild_settings.give_rate_limit; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(give_rate_limit) ON TABLE app_public.guild_settings TO coins_staff;

--
-- Name: COLUMN guild_settings.give_rate_window_s; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(give_rate_window_s) ON TABLE app_public.guild_settings TO coins_staff;

--
-- Name: TABLE transactions; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.transactions TO coins_player;
GRANT SELECT ON TABLE app_public.transactions TO coins_staff;

--
-- PostgreSQL database dump complete
--
