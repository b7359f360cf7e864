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
-- Name: session_refresh; Type: TYPE; Schema: app_private; Owner: guildbank_owner
--

CREATE TYPE app_private.session_refresh AS (
	status text,
	session_id uuid,
	guild_id bigint,
	discord_id bigint,
	kind text,
	staff_role app_public.staff_role,
	expires_at timestamp with time zone
);

ALTER TYPE app_private.session_refresh OWNER TO guildbank_owner;

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
-- Name: alert_severity; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.alert_severity AS ENUM (
    'info',
    'warning',
    'critical'
);

ALTER TYPE app_public.alert_severity OWNER TO guildbank_owner;

--
-- Name: card_listing_status; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.card_listing_status AS ENUM (
    'active',
    'sold',
    'cancelled',
    'expired'
);

ALTER TYPE app_public.card_listing_status OWNER TO guildbank_owner;

--
-- Name: card_rarity; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.card_rarity AS ENUM (
    'common',
    'rare',
    'epic',
    'legendary',
    'mythic'
);

ALTER TYPE app_public.card_rarity OWNER TO guildbank_owner;

--
-- Name: card_trade_side; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.card_trade_side AS ENUM (
    'proposer',
    'recipient'
);

ALTER TYPE app_public.card_trade_side OWNER TO guildbank_owner;

--
-- Name: card_trade_status; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.card_trade_status AS ENUM (
    'open',
    'done',
    'cancelled',
    'expired'
);

ALTER TYPE app_public.card_trade_status OWNER TO guildbank_owner;

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
-- Name: fee_band; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.fee_band AS ENUM (
    'undercut',
    'market',
    'over_average'
);

ALTER TYPE app_public.fee_band OWNER TO guildbank_owner;

--
-- Name: fulfilment_kind; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.fulfilment_kind AS ENUM (
    'none',
    'api',
    'voucher'
);

ALTER TYPE app_public.fulfilment_kind OWNER TO guildbank_owner;

--
-- Name: TYPE fulfilment_kind; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TYPE app_public.fulfilment_kind IS 'How a purchase is delivered: none (the item lands in the inventory at once), api (the Minecraft server''s API), voucher (a redeem code, redeemed through the signed webhook).';

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
-- Name: listing_status; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.listing_status AS ENUM (
    'active',
    'sold',
    'cancelled',
    'expired'
);

ALTER TYPE app_public.listing_status OWNER TO guildbank_owner;

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
-- Name: order_kind; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.order_kind AS ENUM (
    'shop',
    'market'
);

ALTER TYPE app_public.order_kind OWNER TO guildbank_owner;

--
-- Name: order_status; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.order_status AS ENUM (
    'pending',
    'fulfilled',
    'refunded',
    'cancelled'
);

ALTER TYPE app_public.order_status OWNER TO guildbank_owner;

--
-- Name: pack_opening_status; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.pack_opening_status AS ENUM (
    'open',
    'picked'
);

ALTER TYPE app_public.pack_opening_status OWNER TO guildbank_owner;

--
-- Name: payment_status; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.payment_status AS ENUM (
    'credited',
    'unmatched',
    'duplicate'
);

ALTER TYPE app_public.payment_status OWNER TO guildbank_owner;

--
-- Name: TYPE payment_status; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TYPE app_public.payment_status IS 'credited: the payer''s IGN is linked, the member''s MCD wallet got it. unmatched: nobody has the IGN, the guild''s MCD treasury holds it for staff. duplicate: a second delivery of an in-game payment already recorded (no money moved).';

--
-- Name: payout_status; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.payout_status AS ENUM (
    'queued',
    'sent',
    'confirmed',
    'failed'
);

ALTER TYPE app_public.payout_status OWNER TO guildbank_owner;

--
-- Name: TYPE payout_status; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TYPE app_public.payout_status IS 'queued: the hold is in escrow, nothing sent. sent: the listener claimed it and sends /pay once. confirmed: the server''s confirmation line was seen (hold posted). failed: no confirmation in time: an ops alert, never resent automatically.';

--
-- Name: price_quote; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.price_quote AS (
	sku text,
	unit_price bigint,
	catalogue_price bigint,
	median_7d bigint,
	active_supply integer,
	scarcity_multiplier numeric,
	reference_price bigint,
	floor_price bigint,
	fee_band app_public.fee_band,
	fee_rate numeric,
	allowed boolean
);

ALTER TYPE app_public.price_quote OWNER TO guildbank_owner;

--
-- Name: TYPE price_quote; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TYPE app_public.price_quote IS 'How the pricing guards judge a unit price for a SKU (all prices in coins).';

--
-- Name: quest_board_entry; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.quest_board_entry AS (
	id bigint,
	kind text,
	title text,
	prompt text,
	choices text[],
	reward bigint,
	cooldown_s integer,
	ends_at timestamp with time zone,
	next_attempt_at timestamp with time zone,
	last_correct boolean
);

ALTER TYPE app_public.quest_board_entry OWNER TO guildbank_owner;

--
-- Name: TYPE quest_board_entry; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TYPE app_public.quest_board_entry IS 'A quest as the calling member sees it: no answers; next_attempt_at is null when they may attempt it now; last_correct is the outcome of their latest attempt (null if none).';

--
-- Name: quest_result; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.quest_result AS (
	quest_id bigint,
	correct boolean,
	reward bigint,
	balance bigint,
	next_attempt_at timestamp with time zone,
	tx_id uuid
);

ALTER TYPE app_public.quest_result OWNER TO guildbank_owner;

--
-- Name: TYPE quest_result; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TYPE app_public.quest_result IS 'Outcome of a quest attempt: whether it was right, coins earned (0 when wrong), new wallet balance, when the member may try this quest again, and the paying transaction (null when wrong).';

--
-- Name: queue_status_row; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.queue_status_row AS (
	task text,
	ready bigint,
	scheduled bigint,
	running bigint,
	failed bigint
);

ALTER TYPE app_public.queue_status_row OWNER TO guildbank_owner;

--
-- Name: report_day; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.report_day AS (
	day date,
	supply bigint,
	minted bigint,
	burned bigint,
	fees bigint,
	volume bigint,
	velocity numeric,
	faucets jsonb,
	sinks jsonb
);

ALTER TYPE app_public.report_day OWNER TO guildbank_owner;

--
-- Name: TYPE report_day; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TYPE app_public.report_day IS 'One UTC day of the economy: supply (coins held by members, treasury and fees at the end of the day = minus the mint''s balance), minted/burned (posted flows from/to the mint), fees collected, volume (posted transfers between member wallets and escrows, settlements included), velocity (volume / supply), and faucets/sinks by reason ({reason: coins}). Faucets are flows out of the mint; sinks are flows from members into the mint, the treasury or the fees account.';

--
-- Name: reward_category; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.reward_category AS ENUM (
    'money',
    'rank',
    'cosmetic',
    'voucher'
);

ALTER TYPE app_public.reward_category OWNER TO guildbank_owner;

--
-- Name: stream_batch; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.stream_batch AS (
	cursor text,
	events jsonb,
	truncated boolean
);

ALTER TYPE app_public.stream_batch OWNER TO guildbank_owner;

--
-- Name: TYPE stream_batch; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TYPE app_public.stream_batch IS 'A batch of the live stream: the events committed after the given cursor (oldest first) and the cursor to resume from.';

--
-- Name: task_claim_status; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.task_claim_status AS ENUM (
    'in_progress',
    'submitted',
    'accepted',
    'rejected',
    'expired'
);

ALTER TYPE app_public.task_claim_status OWNER TO guildbank_owner;

--
-- Name: top_earner; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.top_earner AS (
	discord_id bigint,
	display_name text,
	earned bigint,
	spent bigint
);

ALTER TYPE app_public.top_earner OWNER TO guildbank_owner;

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

--
-- Name: voucher_status; Type: TYPE; Schema: app_public; Owner: guildbank_owner
--

CREATE TYPE app_public.voucher_status AS ENUM (
    'pending',
    'redeemed',
    'void'
);

ALTER TYPE app_public.voucher_status OWNER TO guildbank_owner;

--
-- Name: alert_for_notification(bigint); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.alert_for_notification(p_alert_id bigint) RETURNS TABLE(id bigint, guild_id bigint, guild_name text, severity app_public.alert_severity, kind text, message text, detail jsonb, created_at timestamp with time zone)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select a.id, a.guild_id, g.name, a.severity, a.kind, a.message, a.detail, a.created_at
    from app_public.ops_alerts a left join app_public.guilds g on g.id = a.guild_id
   where a.id = p_alert_id;
$$;

ALTER FUNCTION app_hidden.alert_for_notification(p_alert_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION alert_for_notification(p_alert_id bigint); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.alert_for_notification(p_alert_id bigint) IS 'alerts__notify job: re-reads an alert (with its guild''s name) to post it; no row when it is gone.';

--
-- Name: alerts_since(text, integer); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.alerts_since(p_cursor text, p_backlog integer DEFAULT 20) RETURNS app_public.stream_batch
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_now pg_snapshot := pg_current_snapshot();
  v_since pg_snapshot;
  v_events jsonb;
  v_count integer;
begin
  if p_cursor is null then
    select jsonb_agg(to_jsonb(a) - 'xid' || jsonb_build_object('guild_id', a.guild_id::text, 'acknowledged_by', a.acknowledged_by::text) order by a.id) into v_events
      from (select * from app_public.ops_alerts where pg_visible_in_snapshot(xid, v_now)
             order by id desc limit greatest(coalesce(p_backlog, 20), 0)) a;
    return (v_now::text, coalesce(v_events, '[]'), false)::app_public.stream_batch;
  end if;
  begin
    v_since := p_cursor::pg_snapshot;
  exception when others then
    -- Caller's rights: app_private is out of reach, so raise the catalogue error directly.
    raise exception using errcode = 'VL001', message = 'invalid_argument', detail = '{"argument": "cursor"}';
  end;
  select jsonb_agg(to_jsonb(a) - 'xid' || jsonb_build_object('guild_id', a.guild_id::text, 'acknowledged_by', a.acknowledged_by::text) order by a.id), count(*)
    into v_events, v_count
    from (select * from app_public.ops_alerts
           where xid >= pg_snapshot_xmin(v_since)
             and pg_visible_in_snapshot(xid, v_now) and not pg_visible_in_snapshot(xid, v_since)
           order by id limit 1001) a;
  if v_count > 1000 then
    return (v_now::text, '[]'::jsonb, true)::app_public.stream_batch;
  end if;
  return (v_now::text, coalesce(v_events, '[]'), false)::app_public.stream_batch;
end;
$$;

ALTER FUNCTION app_hidden.alerts_since(p_cursor text, p_backlog integer) OWNER TO guildbank_owner;

--
-- Name: FUNCTION alerts_since(p_cursor text, p_backlog integer); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.alerts_since(p_cursor text, p_backlog integer) IS 'The ops-alert stream visible to the caller (RLS: staff of the guild; guild-less alerts to all staff), with the same snapshot cursor as transactions_since (truncated when more than 1000 alerts are pending).';

--
-- Name: claim_webhook_nonce(text, text, timestamp with time zone, integer); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.claim_webhook_nonce(p_endpoint text, p_nonce text, p_signed_at timestamp with time zone, p_window_s integer DEFAULT 300) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_hidden.claim_webhook_nonce(p_endpoint text, p_nonce text, p_signed_at timestamp with time zone, p_window_s integer) OWNER TO guildbank_owner;

--
-- Name: FUNCTION claim_webhook_nonce(p_endpoint text, p_nonce text, p_signed_at timestamp with time zone, p_window_s integer); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.claim_webhook_nonce(p_endpoint text, p_nonce text, p_signed_at timestamp with time zone, p_window_s integer) IS 'Signed webhooks, in the transaction of their effect (after the server checked the HMAC): WH002 webhook_stale when the signed timestamp is more than p_window_s seconds (5 minutes) from now; WH001 webhook_replayed when the nonce (16 to 128 characters) was already used on that endpoint. A concurrent duplicate waits on the primary key and is refused. Source: issue #6.';

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: minecraft_payouts; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.minecraft_payouts (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    user_id bigint NOT NULL,
    ign text NOT NULL,
    amount bigint NOT NULL,
    status app_public.payout_status DEFAULT 'queued'::app_public.payout_status NOT NULL,
    hold_id bigint NOT NULL,
    sent_at timestamp with time zone,
    confirmed_at timestamp with time zone,
    failed_at timestamp with time zone,
    confirmation_line text,
    failure text,
    resolved_by bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT minecraft_payouts_amount_check CHECK ((amount > 0)),
    CONSTRAINT minecraft_payouts_check CHECK (((status = 'queued'::app_public.payout_status) = (sent_at IS NULL))),
    CONSTRAINT minecraft_payouts_check1 CHECK (((status = 'confirmed'::app_public.payout_status) = (confirmed_at IS NOT NULL))),
    CONSTRAINT minecraft_payouts_check2 CHECK (((status <> 'failed'::app_public.payout_status) OR (failed_at IS NOT NULL))),
    CONSTRAINT minecraft_payouts_confirmation_line_check CHECK ((length(confirmation_line) <= 1000)),
    CONSTRAINT minecraft_payouts_failure_check CHECK ((length(failure) <= 1000)),
    CONSTRAINT minecraft_payouts_ign_check CHECK ((ign ~ '^[A-Za-z0-9_]{3,16}$'::text))
);

ALTER TABLE app_public.minecraft_payouts OWNER TO guildbank_owner;

--
-- Name: TABLE minecraft_payouts; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.minecraft_payouts IS '@behavior -insert -update -delete
In-game payouts of a member''s MCD to their IGN (/pay). The hold (wallet -> escrow) is created with the row; confirmation posts it to the guild''s external account. amount in MCD cents.';

--
-- Name: confirm_payout(text, bigint, text, timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.confirm_payout(p_ign text, p_amount bigint, p_line text, p_seen_at timestamp with time zone) RETURNS SETOF app_public.minecraft_payouts
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_hidden.confirm_payout(p_ign text, p_amount bigint, p_line text, p_seen_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION confirm_payout(p_ign text, p_amount bigint, p_line text, p_seen_at timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.confirm_payout(p_ign text, p_amount bigint, p_line text, p_seen_at timestamp with time zone) IS 'The listener saw the server''s confirmation of a /pay to p_ign for p_amount MCD cents: settles the oldest matching sent payout (or a failed one whose hold is still pending: a late confirmation proves payment), posting its hold from escrow to the guild''s MCD external account. Returns it, or no row when nothing matches. AU001 without a guild claim.';

--
-- Name: daily_digest(date); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.daily_digest(p_day date) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_guild bigint;
  v_from timestamptz := p_day::timestamp at time zone 'UTC';
  v_to timestamptz := (p_day + 1)::timestamp at time zone 'UTC';
  v_stats app_public.daily_stats;
  v_n integer := 0;
begin
  for v_guild in select id from app_public.guilds loop
    insert into app_public.daily_stats (guild_id, day, transactions, volume, fees, new_listings, orders, refunds,
        active_members, top_movers)
      select v_guild, p_day,
        (select count(*) from app_public.transactions where guild_id = v_guild and created_at >= v_from and created_at < v_to),
        -- Coins only: the digest's amounts are coins (an MCD payment in minor units would count 100 times its value).
        (select coalesce(sum(amount), 0) from app_public.transfers t where t.guild_id = v_guild and t.created_at >= v_from
           and t.created_at < v_to and t.timeout_at is null and t.reason <> 'order_refund' and t.currency = 'COIN'),
        (select coalesce(sum(t.amount), 0) from app_public.transfers t where t.guild_id = v_guild and t.reason = 'market_fee'
           and t.created_at >= v_from and t.created_at < v_to and t.currency = 'COIN'),
        (select count(*) from app_public.listings where guild_id = v_guild and created_at >= v_from and created_at < v_to),
        (select count(*) from app_public.orders where guild_id = v_guild and created_at >= v_from and created_at < v_to),
        (select count(*) from app_public.orders where guild_id = v_guild and status in ('refunded', 'cancelled')
           and settled_at >= v_from and settled_at < v_to),
        (select count(distinct user_id) from app_public.transactions where guild_id = v_guild and created_at >= v_from
           and created_at < v_to),
        coalesce((select jsonb_agg(m order by abs((m ->> 'net')::bigint) desc) from (
           select jsonb_build_object('discord_id', u.discord_id::text, 'display_name', u.display_name, 'net', x.net) as m
             from (select a.user_id, sum(case when t.credit_account_id = a.id then t.amount else -t.amount end) as net
                     from app_public.transfers t
                     join app_public.accounts a on a.id in (t.debit_account_id, t.credit_account_id)
                    where t.guild_id = v_guild and a.kind = 'wallet' and a.currency = 'COIN' and t.created_at >= v_from and t.created_at < v_to
                    group by a.user_id) x
             join app_public.users u on u.id = x.user_id
            order by abs(x.net) desc limit 5) mm), '[]'::jsonb)
    on conflict (guild_id, day) do nothing
    returning * into v_stats;
    if v_stats.guild_id is not null then
      insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
        values (v_guild, 0, null, 'daily_digest', 'daily_stats', p_day::text, null, to_jsonb(v_stats),
                'daily digest (digest__daily job)');
      v_n := v_n + 1;
    end if;
    v_stats := null;
  end loop;
  return v_n;
end;
$$;

ALTER FUNCTION app_hidden.daily_digest(p_day date) OWNER TO guildbank_owner;

--
-- Name: FUNCTION daily_digest(p_day date); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.daily_digest(p_day date) IS 'digest__daily job body: one daily_stats row per guild for a UTC day (transactions, volume = coins moved excluding escrow holds and refunds, fees, new listings, orders, refunds, active members, top movers by coin wallet) and an admin_actions entry; idempotent per day. Returns rows written. Volume, fees and movers count COIN only: Minecraft dollars (MCD, scale 2) are another currency (issue 17).';

--
-- Name: discord_announcement(bigint); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.discord_announcement(p_announcement_id bigint) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select jsonb_build_object('id', a.id::text, 'guild_id', a.guild_id::text, 'channel_id', a.channel_id::text,
    'content', a.content, 'embed', a.embed, 'status', a.status, 'pinned', a.pinned, 'pinned_on_discord', a.pinned_on_discord,
    'message_id', a.message_id::text, 'sync_state', a.sync_state, 'updated_at', a.updated_at)
    from app_public.announcements a where a.id = p_announcement_id;
$$;

ALTER FUNCTION app_hidden.discord_announcement(p_announcement_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION discord_announcement(p_announcement_id bigint); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.discord_announcement(p_announcement_id bigint) IS 'What the discord__announcement job needs (null when it does not exist): channel, content, embed, status, the pin wanted and the pin on Discord, the message id. Source: issue 14.';

--
-- Name: discord_digest(bigint, date); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.discord_digest(p_guild_id bigint, p_day date) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select jsonb_build_object('day', d.day, 'transactions', d.transactions, 'volume', d.volume::text, 'fees', d.fees::text,
           'new_listings', d.new_listings, 'orders', d.orders, 'refunds', d.refunds, 'active_members', d.active_members,
           'top_movers', d.top_movers)
    from app_public.daily_stats d where d.guild_id = p_guild_id and d.day = p_day;
$$;

ALTER FUNCTION app_hidden.discord_digest(p_guild_id bigint, p_day date) OWNER TO guildbank_owner;

--
-- Name: FUNCTION discord_digest(p_guild_id bigint, p_day date); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.discord_digest(p_guild_id bigint, p_day date) IS 'A guild''s daily digest (daily_stats of digest__daily) for its #coin-transactions post. Source: issue #4.';

--
-- Name: discord_feed_entry(uuid); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.discord_feed_entry(p_tx_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  t app_public.transactions;
  v_order app_public.orders;
  v_listing app_public.listings;
  v_user app_public.users;
begin
  select * into t from app_public.transactions where tx_id = p_tx_id;
  if not found then
    return null;
  end if;
  select * into v_user from app_public.users where id = t.user_id;
  if t.order_id is not null then
    select * into v_order from app_public.orders where order_id = t.order_id;
  end if;
  if t.listing_id is not null then
    select * into v_listing from app_public.listings where listing_id = t.listing_id;
  end if;
  return jsonb_build_object(
    'tx_id', t.tx_id, 'guild_id', t.guild_id::text, 'type', t.type, 'reason', t.reason, 'amount', t.amount::text,
    'currency', t.currency,
    'created_at', t.created_at,
    'actor_discord_id', t.actor_id::text,
    'user_discord_id', v_user.discord_id::text,
    'user_frozen', v_user.frozen,
    'counterparty_discord_id', (select u.discord_id::text from app_public.users u where u.id = t.counterparty_id),
    'sku', t.meta ->> 'sku',
    'qty', (t.meta ->> 'qty')::int,
    'unit_price', t.meta ->> 'unit_price',
    'fee', t.meta ->> 'fee',
    'order_id', t.order_id, 'order_status', v_order.status,
    'listing_id', t.listing_id, 'listing_status', v_listing.status,
    -- Net movement of each account this transaction's transfers touched, and its balance now.
    'deltas', coalesce((
      select jsonb_agg(jsonb_build_object('discord_id', u.discord_id::text, 'kind', a.kind, 'currency', a.currency,
               'delta', d.net::text, 'balance', a.balance::text) order by a.user_id nulls last, a.kind)
        from (select x.account_id, sum(x.amount) as net
                from app_public.transfers tr
               cross join lateral (values (tr.credit_account_id, tr.amount), (tr.debit_account_id, -tr.amount)) as x(account_id, amount)
               where tr.tx_id = t.tx_id and tr.status <> 'voided'
               group by x.account_id) d
        join app_public.accounts a on a.id = d.account_id
        left join app_public.users u on u.id = a.user_id
       where d.net <> 0), '[]'),
    -- What staff did about it: notes on the transaction, actions on its order or listing, a freeze of its member.
    'actions', coalesce((
      select jsonb_agg(jsonb_build_object('actor_discord_id', aa.actor_id::text, 'actor_role', aa.actor_role,
               'action', aa.action, 'reason', aa.reason, 'created_at', aa.created_at) order by aa.created_at, aa.id)
        from app_public.admin_actions aa
       where aa.guild_id = t.guild_id
         and ((aa.subject_type = 'transaction' and aa.subject_id = t.tx_id::text)
           or (aa.subject_type = 'order' and aa.subject_id = t.order_id::text)
           or (aa.subject_type = 'listing' and aa.subject_id = t.listing_id::text)
           or (aa.subject_type = 'user' and aa.action = 'freeze_user' and aa.subject_id = v_user.discord_id::text
               and aa.created_at >= t.created_at))), '[]'));
end;
$$;

ALTER FUNCTION app_hidden.discord_feed_entry(p_tx_id uuid) OWNER TO guildbank_owner;

--
-- Name: FUNCTION discord_feed_entry(p_tx_id uuid); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.discord_feed_entry(p_tx_id uuid) IS 'One #coin-transactions feed entry: type, members, item/SKU, qty, price, fees, coin deltas (net per account from the transaction''s transfers), balances now, order/listing status, tx_id, listing_id, and the staff actions on it. Amounts are minor units of the transaction''s currency (each delta: of its account''s), which the entry names (COIN, MCD), so the bot shows them at their scale. Null for an unknown transaction. Source: issue #4 (admin transaction feed), seed 000 section 4; issue 17 (currency).';

--
-- Name: discord_guild(bigint); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.discord_guild(p_guild_id bigint) RETURNS TABLE(guild_id bigint, hub_channel_id bigint, leaderboard_channel_id bigint, shop_channel_id bigint, transactions_channel_id bigint, hub_message_id bigint, leaderboard_message_id bigint, last_setup_at timestamp with time zone, missing_channels text[])
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select g.guild_id, g.hub_channel_id, g.leaderboard_channel_id, g.shop_channel_id, g.transactions_channel_id,
         (select m.message_id from app_public.discord_messages m
           where m.guild_id = g.guild_id and m.subject_type = 'hub' and m.subject_id = g.guild_id::text),
         (select m.message_id from app_public.discord_messages m
           where m.guild_id = g.guild_id and m.subject_type = 'leaderboard' and m.subject_id = g.guild_id::text),
         g.last_setup_at, g.missing_channels
    from app_public.guild_discord g where g.guild_id = p_guild_id;
$$;

ALTER FUNCTION app_hidden.discord_guild(p_guild_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION discord_guild(p_guild_id bigint); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.discord_guild(p_guild_id bigint) IS 'The bot''s channels in a guild, its hub and leaderboard message ids, and the channels marked missing (Discord said they are gone, until /setup); no row before the first setup. For the discord__* tasks and /setup. Source: issue #4; issue 17 (missing channels).';

--
-- Name: discord_leaderboard(bigint); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.discord_leaderboard(p_guild_id bigint) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select jsonb_build_object(
    'rows', coalesce(jsonb_agg(jsonb_build_object('rank', s.rank, 'discord_id', s.discord_id::text,
              'display_name', s.display_name, 'balance', s.balance::text) order by s.rank, s.discord_id), '[]'),
    'refreshed_at', max(s.refreshed_at))
    from app_public.leaderboard_snapshots s where s.guild_id = p_guild_id;
$$;

ALTER FUNCTION app_hidden.discord_leaderboard(p_guild_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION discord_leaderboard(p_guild_id bigint); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.discord_leaderboard(p_guild_id bigint) IS 'The guild''s last leaderboard snapshot (top 10 wallet balances, refreshed_at) for the #leaderboard message. Source: issue #4.';

--
-- Name: discord_listing(uuid); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.discord_listing(p_listing_id uuid) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select jsonb_build_object('listing_id', l.listing_id, 'guild_id', l.guild_id::text, 'sku', l.sku,
           'item_name', coalesce(r.name, l.sku), 'seller_discord_id', u.discord_id::text, 'qty', l.qty,
           'qty_available', l.qty_available, 'unit_price', l.unit_price::text, 'fee_rate', l.fee_rate::text,
           'min_per_buyer', l.min_per_buyer, 'max_per_buyer', l.max_per_buyer, 'expires_at', l.expires_at,
           'status', case when l.status = 'active' and l.expires_at <= now() then 'expired' else l.status::text end)
    from app_public.listings l
    join app_public.users u on u.id = l.seller_id
    left join app_public.rewards r on r.guild_id = l.guild_id and r.sku = l.sku
   where l.listing_id = p_listing_id;
$$;

ALTER FUNCTION app_hidden.discord_listing(p_listing_id uuid) OWNER TO guildbank_owner;

--
-- Name: FUNCTION discord_listing(p_listing_id uuid); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.discord_listing(p_listing_id uuid) IS 'A listing as its #shop post shows it (item name, seller, price, units left, limits, expiry, status). Null when unknown. Source: issue #4 (marketplace in Discord).';

--
-- Name: discord_message(bigint, text, text); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.discord_message(p_guild_id bigint, p_type text, p_subject text) RETURNS TABLE(channel_id bigint, message_id bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select m.channel_id, m.message_id from app_public.discord_messages m
   where m.guild_id = p_guild_id and m.subject_type = p_type and m.subject_id = p_subject;
$$;

ALTER FUNCTION app_hidden.discord_message(p_guild_id bigint, p_type text, p_subject text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION discord_message(p_guild_id bigint, p_type text, p_subject text); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.discord_message(p_guild_id bigint, p_type text, p_subject text) IS 'The Discord message already showing a subject (none: not posted yet). discord__* tasks edit it instead of posting again. Source: issue #4 ("never lost or doubled").';

--
-- Name: discord_reward(bigint, text); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.discord_reward(p_guild_id bigint, p_sku text) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select jsonb_build_object('guild_id', r.guild_id::text, 'sku', r.sku, 'name', r.name, 'description', r.description,
    'category', r.category, 'price', r.price::text, 'currency', 'COIN',
    'scale', (select c.scale from app_public.currencies c where c.code = 'COIN'), 'stock', r.stock,
    'on_sale', r.visible and (r.expires_at is null or r.expires_at > now()), 'expires_at', r.expires_at, 'sync_state', r.sync_state, 'updated_at', r.updated_at)
    from app_public.rewards r where r.guild_id = p_guild_id and r.sku = p_sku;
$$;

ALTER FUNCTION app_hidden.discord_reward(p_guild_id bigint, p_sku text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION discord_reward(p_guild_id bigint, p_sku text); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.discord_reward(p_guild_id bigint, p_sku text) IS 'What the discord__reward job shows of a reward in #shop (null when it does not exist): name, description, price with currency and scale, stock, and whether it is on sale (visible and not expired). Source: issue 14.';

--
-- Name: discord_staff_role_ids(bigint); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.discord_staff_role_ids(p_guild_id bigint) RETURNS bigint[]
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select coalesce(array_agg(m.discord_role_id order by m.discord_role_id), '{}')
    from app_public.staff_role_mappings m where m.guild_id = p_guild_id;
$$;

ALTER FUNCTION app_hidden.discord_staff_role_ids(p_guild_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION discord_staff_role_ids(p_guild_id bigint); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.discord_staff_role_ids(p_guild_id bigint) IS 'The Discord roles mapped to any staff role in a guild: setup lets them see #coin-transactions. Source: issue #4.';

--
-- Name: discord_task(bigint); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.discord_task(p_task_id bigint) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select jsonb_build_object(
    'id', t.id::text, 'guild_id', t.guild_id::text, 'name', t.name, 'description', t.description,
    'reward', t.reward::text, 'currency', 'COIN', 'scale', (select c.scale from app_public.currencies c where c.code = 'COIN'),
    'category', t.category, 'duration_hours', t.duration_hours, 'expires_at', t.expires_at,
    'max_claims', t.max_claims, 'assigned_member_ids', (select coalesce(jsonb_agg(a::text), '[]') from unnest(t.assigned_member_ids) a),
    'required_role_id', t.required_role_id::text, 'grant_role_id', t.grant_role_id::text,
    'proof_required', app_public.tasks_proof_required_effective(t), 'status', t.status,
    'slots_taken', app_public.tasks_slots_taken(t), 'completed', app_public.tasks_completed_count(t),
    'channel_id', t.channel_id::text, 'message_id', t.message_id::text, 'sync_state', t.sync_state, 'updated_at', t.updated_at,
    'task_channel_id', s.task_channel_id::text,
    'review_messages', (select coalesce(jsonb_agg(jsonb_build_object('claim_id', c.id::text,
                          'channel_id', c.review_channel_id::text, 'message_id', c.review_message_id::text)), '[]')
                          from app_public.task_claims c where c.task_id = t.id and c.review_message_id is not null))
    from app_public.tasks t
    left join app_public.guild_settings s on s.guild_id = t.guild_id
   where t.id = p_task_id;
$$;

ALTER FUNCTION app_hidden.discord_task(p_task_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION discord_task(p_task_id bigint); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.discord_task(p_task_id bigint) IS 'What the discord__task job renders for a task (null when it does not exist): its fields, slots taken, completions, its message ids and sync state, the guild''s task channel, and the proof messages to delete with a deleted task. Source: issue 14.';

--
-- Name: discord_task_claim(bigint); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.discord_task_claim(p_claim_id bigint) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select jsonb_build_object(
    'id', c.id::text, 'guild_id', c.guild_id::text, 'task_id', t.id::text, 'task_name', t.name,
    'reward', t.reward::text, 'currency', 'COIN', 'scale', (select cu.scale from app_public.currencies cu where cu.code = 'COIN'),
    'status', c.status, 'member_discord_id', u.discord_id::text, 'member_name', u.display_name,
    'claimed_at', c.claimed_at, 'deadline', c.deadline, 'submitted_at', c.submitted_at,
    'proof_text', c.proof_text, 'proof_attachments', c.proof_attachments,
    'reviewer_id', c.reviewer_id::text, 'review_note', c.review_note, 'reviewed_at', c.reviewed_at,
    'grant_role_id', t.grant_role_id::text, 'role_status', c.role_status, 'dm_status', c.dm_status,
    'review_channel_id', c.review_channel_id::text, 'review_message_id', c.review_message_id::text,
    'guild_review_channel_id', s.review_channel_id::text, 'task_deleted', t.status = 'deleted')
    from app_public.task_claims c
    join app_public.tasks t on t.id = c.task_id
    join app_public.users u on u.id = c.user_id
    left join app_public.guild_settings s on s.guild_id = c.guild_id
   where c.id = p_claim_id;
$$;

ALTER FUNCTION app_hidden.discord_task_claim(p_claim_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION discord_task_claim(p_claim_id bigint); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.discord_task_claim(p_claim_id bigint) IS 'What the discord__task_review, discord__task_role and discord__task_dm jobs need about a claim (null when it does not exist): the task, the member, the proof, the review, the delivery states and the review channel. Source: issue 14.';

--
-- Name: embed_valid(jsonb); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.embed_valid(p_embed jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $_$
  select jsonb_typeof(p_embed) = 'object'
     and not exists (select 1 from jsonb_object_keys(p_embed) k
                      where k not in ('title', 'description', 'url', 'color', 'fields', 'image', 'thumbnail', 'footer', 'author', 'timestamp'))
     and (not p_embed ? 'title' or (jsonb_typeof(p_embed -> 'title') = 'string' and length(p_embed ->> 'title') <= 256))
     and (not p_embed ? 'description' or (jsonb_typeof(p_embed -> 'description') = 'string' and length(p_embed ->> 'description') <= 4096))
     and (not p_embed ? 'url' or (p_embed ->> 'url') ~ '^https?://\S+$')
     and (not p_embed ? 'color' or (jsonb_typeof(p_embed -> 'color') = 'number' and (p_embed ->> 'color') ~ '^\d+$'
                                    and (p_embed ->> 'color')::bigint between 0 and 16777215))
     and (not p_embed ? 'timestamp' or (jsonb_typeof(p_embed -> 'timestamp') = 'string'
                                        and (p_embed ->> 'timestamp') ~ '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$'))
     and (not p_embed ? 'image' or (jsonb_typeof(p_embed -> 'image') = 'object' and (p_embed #>> '{image,url}') ~ '^https://\S+$'))
     and (not p_embed ? 'thumbnail' or (jsonb_typeof(p_embed -> 'thumbnail') = 'object' and (p_embed #>> '{thumbnail,url}') ~ '^https://\S+$'))
     and (not p_embed ? 'footer' or (jsonb_typeof(p_embed -> 'footer') = 'object' and jsonb_typeof(p_embed #> '{footer,text}') = 'string'
                                     and length(p_embed #>> '{footer,text}') between 1 and 2048
                                     and (not (p_embed -> 'footer') ? 'icon_url' or (p_embed #>> '{footer,icon_url}') ~ '^https://\S+$')))
     and (not p_embed ? 'author' or (jsonb_typeof(p_embed -> 'author') = 'object' and jsonb_typeof(p_embed #> '{author,name}') = 'string'
                                     and length(p_embed #>> '{author,name}') between 1 and 256
                                     and (not (p_embed -> 'author') ? 'url' or (p_embed #>> '{author,url}') ~ '^https?://\S+$')
                                     and (not (p_embed -> 'author') ? 'icon_url' or (p_embed #>> '{author,icon_url}') ~ '^https://\S+$')))
     and (not p_embed ? 'fields' or (jsonb_typeof(p_embed -> 'fields') = 'array' and jsonb_array_length(p_embed -> 'fields') <= 25
          and not exists (select 1 from jsonb_array_elements(p_embed -> 'fields') f
                           where jsonb_typeof(f) <> 'object'
                              or jsonb_typeof(f -> 'name') is distinct from 'string' or length(f ->> 'name') not between 1 and 256
                              or jsonb_typeof(f -> 'value') is distinct from 'string' or length(f ->> 'value') not between 1 and 1024
                              or (f ? 'inline' and jsonb_typeof(f -> 'inline') <> 'boolean'))))
     and coalesce(length(p_embed ->> 'title'), 0) + coalesce(length(p_embed ->> 'description'), 0)
         + coalesce(length(p_embed #>> '{footer,text}'), 0) + coalesce(length(p_embed #>> '{author,name}'), 0)
         + coalesce((select sum(length(f ->> 'name') + length(f ->> 'value')) from jsonb_array_elements(
             case when jsonb_typeof(p_embed -> 'fields') = 'array' then p_embed -> 'fields' else '[]' end) f), 0) <= 6000
     and (p_embed ?| array['title', 'description', 'fields', 'image', 'thumbnail', 'author', 'footer']);
$_$;

ALTER FUNCTION app_hidden.embed_valid(p_embed jsonb) OWNER TO guildbank_owner;

--
-- Name: FUNCTION embed_valid(p_embed jsonb); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.embed_valid(p_embed jsonb) IS 'Whether a JSON object is a Discord embed the bot can post as is: title (256), description (4096, Discord markdown), url, color (0..0xFFFFFF), fields (at most 25 of name 256 / value 1024 / inline), image and thumbnail (https), footer (text 2048, icon), author (name 256, url, icon), timestamp (ISO 8601); at most 6000 characters in all, and something to show. Source: seed 003 "Embed Builder" (core/embed_builder.py), issue 14 (the embed builder).';

--
-- Name: expire_card_listings(timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.expire_card_listings(p_at timestamp with time zone DEFAULT now()) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_n integer;
begin
  update app_public.card_listings l set status = 'expired', closed_at = p_at
   where l.status = 'active' and l.expires_at <= p_at;
  get diagnostics v_n = row_count;
  return v_n;
end;
$$;

ALTER FUNCTION app_hidden.expire_card_listings(p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION expire_card_listings(p_at timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.expire_card_listings(p_at timestamp with time zone) IS 'Job (worker): closes card listings past their expiry (status expired); their copies are free again. Returns how many. Source: issue 15 "Card market" (cancel and expiry return the copy).';

--
-- Name: expire_card_trades(timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.expire_card_trades(p_at timestamp with time zone DEFAULT now()) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_n integer;
begin
  update app_public.card_trades t set status = 'expired', closed_at = p_at, updated_at = p_at
   where t.status = 'open' and t.expires_at <= p_at;
  get diagnostics v_n = row_count;
  return v_n;
end;
$$;

ALTER FUNCTION app_hidden.expire_card_trades(p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION expire_card_trades(p_at timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.expire_card_trades(p_at timestamp with time zone) IS 'Job (worker): closes open trades past their expiry (status expired; nothing moves). Source: issue 15 "Trading" (offers expire).';

--
-- Name: expire_listings(timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.expire_listings(p_at timestamp with time zone DEFAULT now()) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v app_public.listings;
  v_n integer := 0;
begin
  for v in select * from app_public.listings where status = 'active' and expires_at <= p_at
             for update skip locked loop
    perform app_private.close_listing(v.listing_id, 'expired', p_at);
    insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, listing_id, created_at)
      values (v.guild_id, 'list', null, v.seller_id, 0, 'listing_expired',
        jsonb_build_object('sku', v.sku, 'returned_qty', v.qty_available), v.listing_id, p_at);
    v_n := v_n + 1;
  end loop;
  return v_n;
end;
$$;

ALTER FUNCTION app_hidden.expire_listings(p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION expire_listings(p_at timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.expire_listings(p_at timestamp with time zone) IS 'listings__expire job body: active listings past expires_at become expired and their unsold units return to the seller; returns how many.';

--
-- Name: expire_tasks(timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.expire_tasks(p_at timestamp with time zone DEFAULT now()) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_tasks integer;
  v_claims integer;
begin
  -- Tasks past their expiry close to new claims (their live claims keep their own deadlines).
  update app_public.tasks t set status = 'expired'
   where t.status = 'active' and t.expires_at is not null and t.expires_at <= p_at
     and coalesce((select s.auto_expire_enabled from app_public.guild_settings s where s.guild_id = t.guild_id), true);
  get diagnostics v_tasks = row_count;
  -- Claims still in progress at their deadline expire and free their slot (submitted ones wait for review).
  update app_public.task_claims c set status = 'expired', expired_at = p_at
   where c.status = 'in_progress' and c.deadline <= p_at
     and coalesce((select s.auto_expire_enabled from app_public.guild_settings s where s.guild_id = c.guild_id), true);
  get diagnostics v_claims = row_count;
  return jsonb_build_object('tasks', v_tasks, 'claims', v_claims);
end;
$$;

ALTER FUNCTION app_hidden.expire_tasks(p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION expire_tasks(p_at timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.expire_tasks(p_at timestamp with time zone) IS 'The tasks__expire cron job''s body (every minute): in guilds with auto_expire_enabled, active tasks past expires_at become expired and claims still in progress past their deadline become expired (freeing their slot); submitted claims wait for review. Re-running finds nothing more to do. Returns {tasks, claims} counts. Source: seed 003 settings.auto_expire_enabled, issue 14 ("Expiry of tasks and overdue claims by a cron job").';

--
-- Name: expire_temporary_cards(timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.expire_temporary_cards(p_at timestamp with time zone DEFAULT now()) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_n integer;
begin
  with due as (
    select c.id, c.guild_id, c.owner_id from app_public.user_cards c
     where c.temporary and c.burned_at is null and c.expires_at <= p_at
     for update
  ), gone as (
    update app_public.user_cards c set owner_id = null, burned_at = p_at, burn_reason = 'expired', locked = false
      from due where c.id = due.id
    returning c.id
  ), told as (
    insert into app_public.card_notifications (guild_id, user_id, kind, payload, created_at)
      select d.guild_id, d.owner_id, 'card_expired', jsonb_build_object('card_id', d.id), p_at from due d
  )
  select count(*) into v_n from gone;
  update app_public.card_templates t set retired_at = p_at
   where t.temporary and t.retired_at is null
     and exists (select 1 from app_public.card_events e where e.id = t.event_id and e.ends_at <= p_at);
  return v_n;
end;
$$;

ALTER FUNCTION app_hidden.expire_temporary_cards(p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION expire_temporary_cards(p_at timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.expire_temporary_cards(p_at timestamp with time zone) IS 'Job (worker): temporary copies past their expiry (their event''s end) vanish (burned, reason expired) and temporary templates of ended events drop no more (retired). Returns how many copies vanished. Source: issue 15 "Events with temporary cards ... vanish at the event''s end (a job)".';

--
-- Name: fail_stale_payouts(integer, timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.fail_stale_payouts(p_timeout_s integer, p_at timestamp with time zone DEFAULT now()) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_hidden.fail_stale_payouts(p_timeout_s integer, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION fail_stale_payouts(p_timeout_s integer, p_at timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.fail_stale_payouts(p_timeout_s integer, p_at timestamp with time zone) IS 'The listener''s sweep: payouts sent more than p_timeout_s seconds ago and still unconfirmed (the process died while waiting) become failed with an ops alert, as app_hidden.payout_unconfirmed. Returns how many.';

--
-- Name: orders; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.orders (
    order_id uuid DEFAULT gen_random_uuid() NOT NULL,
    guild_id bigint NOT NULL,
    kind app_public.order_kind NOT NULL,
    buyer_id bigint NOT NULL,
    seller_id bigint,
    escrow bigint NOT NULL,
    fee bigint DEFAULT 0 NOT NULL,
    fulfilment app_public.fulfilment_kind NOT NULL,
    status app_public.order_status DEFAULT 'pending'::app_public.order_status NOT NULL,
    hold_id bigint NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    fulfilment_attempts integer DEFAULT 0 NOT NULL,
    last_error text,
    settled_at timestamp with time zone,
    settled_by bigint,
    settle_reason text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT orders_check CHECK (((fee >= 0) AND (fee <= escrow))),
    CONSTRAINT orders_check1 CHECK (((kind = 'market'::app_public.order_kind) = (seller_id IS NOT NULL))),
    CONSTRAINT orders_check2 CHECK (((status = 'pending'::app_public.order_status) = (settled_at IS NULL))),
    CONSTRAINT orders_escrow_check CHECK ((escrow > 0))
);

ALTER TABLE app_public.orders OWNER TO guildbank_owner;

--
-- Name: TABLE orders; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.orders IS '@behavior -insert -update -delete
A purchase whose coins sit in escrow (a pending hold) until fulfilment posts it or a refund, cancellation or timeout voids it; each at most once.';

--
-- Name: COLUMN orders.escrow; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.orders.escrow IS 'Coins held for the order (qty x unit price).';

--
-- Name: COLUMN orders.fee; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.orders.fee IS 'Marketplace fee taken from the escrow on fulfilment (0 for shop orders).';

--
-- Name: COLUMN orders.expires_at; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.orders.expires_at IS 'Escrow timeout: a still-pending order is refunded after it (ESCROW_TIMEOUT_MIN).';

--
-- Name: fulfil_order(uuid, text); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.fulfil_order(p_order_id uuid, p_delivery_ref text DEFAULT NULL::text) RETURNS app_public.orders
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_hidden.fulfil_order(p_order_id uuid, p_delivery_ref text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION fulfil_order(p_order_id uuid, p_delivery_ref text); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.fulfil_order(p_order_id uuid, p_delivery_ref text) IS 'orders__fulfil job body: fulfils a pending order. Kind none needs nothing more; api and voucher orders need the adapter''s proof of delivery in p_delivery_ref (OR003 fulfilment_unconfirmed otherwise). A settled or missing order is left alone; an expired one is refunded instead. Idempotent.';

--
-- Name: vouchers; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.vouchers (
    code uuid DEFAULT gen_random_uuid() NOT NULL,
    order_id uuid NOT NULL,
    guild_id bigint NOT NULL,
    buyer_id bigint NOT NULL,
    status app_public.voucher_status DEFAULT 'pending'::app_public.voucher_status NOT NULL,
    issued_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    redeemed_at timestamp with time zone,
    redeemed_by text,
    voided_at timestamp with time zone,
    CONSTRAINT vouchers_check CHECK (((status = 'redeemed'::app_public.voucher_status) = (redeemed_at IS NOT NULL))),
    CONSTRAINT vouchers_check1 CHECK (((status = 'void'::app_public.voucher_status) = (voided_at IS NOT NULL))),
    CONSTRAINT vouchers_redeemed_by_check CHECK ((length(redeemed_by) <= 100))
);

ALTER TABLE app_public.vouchers OWNER TO guildbank_owner;

--
-- Name: TABLE vouchers; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.vouchers IS '@behavior -insert -update -delete
Redeem codes of voucher orders: the buyer sees the code and redeems it in game; the plugin''s signed /webhooks/redeem fulfils the order exactly once. Unredeemed vouchers expire with their order (VOUCHER_TIMEOUT_H) and the order is refunded.';

--
-- Name: COLUMN vouchers.code; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.vouchers.code IS 'The redeem code (a bearer credential: typed in game, it delivers the order). Readable by the buyer only; staff are granted every other column.';

--
-- Name: issue_voucher(uuid); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.issue_voucher(p_order_id uuid) RETURNS app_public.vouchers
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_hidden.issue_voucher(p_order_id uuid) OWNER TO guildbank_owner;

--
-- Name: FUNCTION issue_voucher(p_order_id uuid); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.issue_voucher(p_order_id uuid) IS 'orders__fulfil for voucher orders: issues the order''s redeem code (a uuid) once and returns it (the same voucher on every later call). The order stays pending until the code is redeemed; its escrow lasts VOUCHER_TIMEOUT_H (set at purchase), after which orders__escrow_timeout refunds it and voids the voucher. Errors: VC004 not_a_voucher_order, OR002 order_not_pending. Source: issue #6, seed 000 section 8 (voucher mode).';

--
-- Name: leaderboard_schedules(); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.leaderboard_schedules() RETURNS TABLE(guild_id bigint, cron text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select guild_id, leaderboard_cron from app_public.guild_settings;
$$;

ALTER FUNCTION app_hidden.leaderboard_schedules() OWNER TO guildbank_owner;

--
-- Name: FUNCTION leaderboard_schedules(); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.leaderboard_schedules() IS 'Each guild''s LEADERBOARD_CRON, for the leaderboard__refresh scheduler.';

--
-- Name: ledger_health(); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.ledger_health() RETURNS TABLE(violations bigint, last_verified_at timestamp with time zone, open_critical_alerts bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select (select count(*) from app_public.ops_alerts where kind = 'ledger_violation' and acknowledged_at is null
            and created_at > now() - interval '2 days'),
         (select max(finished_at) from app_hidden.job_runs where task = 'ledger__verify'),
         (select count(*) from app_public.ops_alerts where severity = 'critical' and acknowledged_at is null);
$$;

ALTER FUNCTION app_hidden.ledger_health() OWNER TO guildbank_owner;

--
-- Name: FUNCTION ledger_health(); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.ledger_health() IS 'For /metrics: unacknowledged ledger-violation alerts of the last 2 days, when ledger__verify last completed, and open critical alerts.';

--
-- Name: mark_discord_channel_missing(bigint, text, bigint, text); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.mark_discord_channel_missing(p_guild_id bigint, p_channel text, p_channel_id bigint, p_error text DEFAULT NULL::text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_current bigint;
begin
  if p_channel is null or p_channel not in ('hub', 'leaderboard', 'shop', 'transactions') then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'channel'));
  end if;
  select case p_channel when 'hub' then g.hub_channel_id when 'leaderboard' then g.leaderboard_channel_id
                        when 'shop' then g.shop_channel_id else g.transactions_channel_id end
    into v_current
    from app_public.guild_discord g where g.guild_id = p_guild_id
   for update;
  -- Only the guild's current channel: a job that still held the id of a channel /setup has since replaced marks nothing.
  if v_current is null or v_current <> p_channel_id then
    return false;
  end if;
  update app_public.guild_discord g set missing_channels = g.missing_channels || p_channel
   where g.guild_id = p_guild_id and not (p_channel = any (g.missing_channels));
  if not found then
    return false;
  end if;
  perform app_hidden.raise_alert(p_guild_id, 'warning', 'discord_channel_missing',
    format('The bot''s #%s channel (%s) is gone or no longer accessible in Discord: its posts are stopped until an '
           'ADMIN runs /setup, which recreates it.',
      case p_channel when 'hub' then 'coin-hub' when 'transactions' then 'coin-transactions' else p_channel end, p_channel_id),
    jsonb_build_object('channel', p_channel, 'channel_id', p_channel_id::text, 'error', left(p_error, 500)));
  return true;
end;
$$;

ALTER FUNCTION app_hidden.mark_discord_channel_missing(p_guild_id bigint, p_channel text, p_channel_id bigint, p_error text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION mark_discord_channel_missing(p_guild_id bigint, p_channel text, p_channel_id bigint, p_error text); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.mark_discord_channel_missing(p_guild_id bigint, p_channel text, p_channel_id bigint, p_error text) IS 'The bot''s runner, when Discord answers that one of the guild''s channels (hub, leaderboard, shop, transactions) is unknown or not accessible (10003, 10008, 50001): marks it in guild_discord.missing_channels, so no discord__* job is queued for it any more (app_private.queue_discord_job) and the queued ones end without calling Discord, and raises one warning ops alert ''discord_channel_missing''. True when newly marked; false when it already was, or when p_channel_id is no longer the guild''s channel. /setup clears the marks (app_hidden.save_discord_setup). Errors: VL001 invalid_argument (an unknown channel name). Source: issue 17 (defect 11).';

--
-- Name: order_for_fulfilment(uuid); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.order_for_fulfilment(p_order_id uuid) RETURNS TABLE(order_id uuid, guild_id bigint, kind app_public.order_kind, status app_public.order_status, fulfilment app_public.fulfilment_kind, buyer_discord_id bigint, seller_discord_id bigint, escrow bigint, expires_at timestamp with time zone, fulfilment_attempts integer, lines jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select o.order_id, o.guild_id, o.kind, o.status, o.fulfilment, b.discord_id, s.discord_id, o.escrow, o.expires_at,
         o.fulfilment_attempts,
         coalesce((select jsonb_agg(jsonb_build_object('sku', l.sku, 'qty', l.qty, 'unit_price', l.unit_price,
                            'listing_id', l.listing_id, 'category', r.category, 'payload', r.payload) order by l.id)
                     from app_public.order_lines l
                     join app_public.rewards r on r.guild_id = l.guild_id and r.sku = l.sku
                    where l.order_id = o.order_id), '[]'::jsonb)
    from app_public.orders o
    join app_public.users b on b.id = o.buyer_id
    left join app_public.users s on s.id = o.seller_id
   where o.order_id = p_order_id;
$$;

ALTER FUNCTION app_hidden.order_for_fulfilment(p_order_id uuid) OWNER TO guildbank_owner;

--
-- Name: FUNCTION order_for_fulfilment(p_order_id uuid); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.order_for_fulfilment(p_order_id uuid) IS 'orders__fulfil job: re-reads an order (status, fulfilment kind, expiry, buyer and seller, lines with the reward''s category and payload) so the job can skip settled orders and pick the fulfilment adapter. No row when the order does not exist.';

--
-- Name: order_minecraft_player(uuid); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.order_minecraft_player(p_order_id uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select l.ign from app_public.orders o join app_public.minecraft_links l on l.user_id = o.buyer_id
   where o.order_id = p_order_id;
$$;

ALTER FUNCTION app_hidden.order_minecraft_player(p_order_id uuid) OWNER TO guildbank_owner;

--
-- Name: FUNCTION order_minecraft_player(p_order_id uuid); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.order_minecraft_player(p_order_id uuid) IS 'orders__fulfil (api): the buyer''s linked IGN, sent to the server''s API with the buyer''s Discord id; null when unlinked.';

--
-- Name: payout_begin(bigint); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.payout_begin(p_payout_id bigint) RETURNS SETOF app_public.minecraft_payouts
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  return query
    update app_public.minecraft_payouts p set status = 'sent', sent_at = now()
     where p.id = p_payout_id and p.status = 'queued'
       and p.guild_id = coalesce(app_public.current_guild_id(), p.guild_id)
    returning p.*;
end;
$$;

ALTER FUNCTION app_hidden.payout_begin(p_payout_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION payout_begin(p_payout_id bigint); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.payout_begin(p_payout_id bigint) IS 'minecraft__payout, before sending: claims a queued payout (queued -> sent) in its own committed transaction and returns it; returns no row when it is not queued (sent before, confirmed, failed), so /pay goes out at most once per payout, whatever crashes or duplicate jobs happen. Source: issue #6 ("never sent twice for one ledger transfer").';

--
-- Name: payout_unconfirmed(bigint, text); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.payout_unconfirmed(p_payout_id bigint, p_reason text) RETURNS SETOF app_public.minecraft_payouts
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
    jsonb_build_object('payout_id', v.id, 'ign', v.ign, 'amount', v.amount, 'currency', 'MCD', 'reason', v.failure));
  return next v;
end;
$$;

ALTER FUNCTION app_hidden.payout_unconfirmed(p_payout_id bigint, p_reason text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION payout_unconfirmed(p_payout_id bigint, p_reason text); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.payout_unconfirmed(p_payout_id bigint, p_reason text) IS 'minecraft__payout, when no confirmation line came in time: sent -> failed and a critical ops alert for staff; the hold stays in escrow (the /pay may have gone through) until a late confirmation or staff resolve it (app_public.resolve_payout). Never resent automatically. No row when the payout was not sent (or already settled). The alert''s detail names the amount''s currency (MCD) for the alert posts (issue 17).';

--
-- Name: pricing_rollup(timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.pricing_rollup(p_at timestamp with time zone DEFAULT now()) RETURNS integer
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  with stats as (
    select r.guild_id, r.sku, app_private.median_7d(r.guild_id, r.sku, p_at) as median_7d,
           coalesce((select sum(l.qty) from app_public.order_lines l join app_public.orders o on o.order_id = l.order_id
                      where l.guild_id = r.guild_id and l.sku = r.sku and o.kind = 'market' and o.status = 'fulfilled'
                        and o.settled_at > p_at - interval '24 hours' and o.settled_at <= p_at), 0)::int as volume_24h
      from app_public.rewards r
  ), ins as (
    insert into app_public.pricing_history (guild_id, sku, median_7d, volume_24h, created_at)
      select guild_id, sku, median_7d, volume_24h, p_at from stats
       where median_7d is not null or volume_24h > 0
    on conflict (guild_id, sku, created_at) do nothing
    returning 1
  )
  select count(*)::int from ins;
$$;

ALTER FUNCTION app_hidden.pricing_rollup(p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION pricing_rollup(p_at timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.pricing_rollup(p_at timestamp with time zone) IS 'pricing__rollup job body: writes pricing_history (7-day median, 24 h volume) for every SKU with recent sales, stamped p_at; a slot already written is left alone (idempotent per p_at). Returns rows written.';

--
-- Name: publish_due_announcements(timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.publish_due_announcements(p_at timestamp with time zone DEFAULT now()) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_n integer;
begin
  update app_public.announcements a set status = 'published', published_at = p_at
   where a.status = 'scheduled' and a.publish_at <= p_at;
  get diagnostics v_n = row_count;
  return v_n;
end;
$$;

ALTER FUNCTION app_hidden.publish_due_announcements(p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION publish_due_announcements(p_at timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.publish_due_announcements(p_at timestamp with time zone) IS 'The announcements__publish cron job''s body (every minute): scheduled announcements whose publish_at has come are published (which queues their post). Returns how many; a second run finds none. Source: issue 14 ("schedule (publish at a time)").';

--
-- Name: purge_expired(timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.purge_expired(p_at timestamp with time zone DEFAULT now()) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_n integer;
  v_m integer;
begin
  delete from app_private.idempotency_keys where created_at < p_at - interval '7 days';
  get diagnostics v_n = row_count;
  delete from app_private.sessions where expires_at < p_at;
  get diagnostics v_m = row_count;
  return v_n + v_m;
end;
$$;

ALTER FUNCTION app_hidden.purge_expired(p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION purge_expired(p_at timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.purge_expired(p_at timestamp with time zone) IS 'Deletes idempotency records older than 7 days (replays are answered for a week) and expired sessions.';

--
-- Name: queue_depth(); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.queue_depth() RETURNS TABLE(task_identifier text, ready bigint, scheduled bigint, locked bigint, failed bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  -- PL/pgSQL: graphile-worker's tables are resolved when called (they are installed by the migrate
  -- step, not by these migrations).
  return query
    select t.identifier::text,
           count(*) filter (where j.locked_at is null and j.run_at <= now() and j.attempts < j.max_attempts),
           count(*) filter (where j.locked_at is null and j.run_at > now() and j.attempts < j.max_attempts),
           count(*) filter (where j.locked_at is not null),
           count(*) filter (where j.attempts >= j.max_attempts)
      from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
     group by t.identifier;
end;
$$;

ALTER FUNCTION app_hidden.queue_depth() OWNER TO guildbank_owner;

--
-- Name: FUNCTION queue_depth(); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.queue_depth() IS 'The job queue by task: ready, scheduled for later, running (locked), and permanently failed jobs (for /metrics and the panel''s queue badges).';

--
-- Name: ops_alerts; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.ops_alerts (
    id bigint NOT NULL,
    guild_id bigint,
    severity app_public.alert_severity NOT NULL,
    kind text NOT NULL,
    message text NOT NULL,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL,
    xid xid8 DEFAULT pg_current_xact_id() NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    acknowledged_at timestamp with time zone,
    acknowledged_by bigint,
    CONSTRAINT ops_alerts_kind_check CHECK ((kind ~ '^[a-z_]{1,40}$'::text)),
    CONSTRAINT ops_alerts_message_check CHECK (((length(message) >= 1) AND (length(message) <= 1000)))
);

ALTER TABLE app_public.ops_alerts OWNER TO guildbank_owner;

--
-- Name: TABLE ops_alerts; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.ops_alerts IS '@behavior -insert -update -delete
Operational alerts (ledger violations, failed jobs, fulfilment failures). Guild-less alerts concern every guild and are visible to all staff.';

--
-- Name: COLUMN ops_alerts.xid; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.ops_alerts.xid IS '@omit
The writing transaction''s id (stream cursor).';

--
-- Name: raise_alert(bigint, app_public.alert_severity, text, text, jsonb); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.raise_alert(p_guild_id bigint, p_severity app_public.alert_severity, p_kind text, p_message text, p_detail jsonb DEFAULT '{}'::jsonb) RETURNS app_public.ops_alerts
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  insert into app_public.ops_alerts (guild_id, severity, kind, message, detail)
    values (p_guild_id, p_severity, p_kind, left(p_message, 1000), coalesce(p_detail, '{}'))
  returning *;
$$;

ALTER FUNCTION app_hidden.raise_alert(p_guild_id bigint, p_severity app_public.alert_severity, p_kind text, p_message text, p_detail jsonb) OWNER TO guildbank_owner;

--
-- Name: FUNCTION raise_alert(p_guild_id bigint, p_severity app_public.alert_severity, p_kind text, p_message text, p_detail jsonb); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.raise_alert(p_guild_id bigint, p_severity app_public.alert_severity, p_kind text, p_message text, p_detail jsonb) IS 'Records an ops alert (streamed live to staff on /streams/alerts).';

--
-- Name: record_announcement_message(bigint, bigint, text, boolean, timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.record_announcement_message(p_announcement_id bigint, p_message bigint, p_state text, p_pinned boolean, p_seen timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if p_state not in ('synced', 'orphaned') then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'state'));
  end if;
  update app_public.announcements a
     set message_id = p_message, synced_at = now(), pinned_on_discord = coalesce(p_pinned, false),
         sync_state = case when p_state = 'synced' and p_seen is not null and a.updated_at > p_seen then 'pending' else p_state end
   where a.id = p_announcement_id;
end;
$$;

ALTER FUNCTION app_hidden.record_announcement_message(p_announcement_id bigint, p_message bigint, p_state text, p_pinned boolean, p_seen timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION record_announcement_message(p_announcement_id bigint, p_message bigint, p_state text, p_pinned boolean, p_seen timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.record_announcement_message(p_announcement_id bigint, p_message bigint, p_state text, p_pinned boolean, p_seen timestamp with time zone) IS 'The discord__announcement job''s result: the message id (null: none), synced or orphaned (the message was deleted on Discord: the panel says so; it is not re-posted behind the staff''s back), and whether it is pinned; synced stays pending when it changed after the job read it (p_seen). Errors: VL001. Source: seed 003 ("If message not found, mark orphaned"), issue 14.';

--
-- Name: record_discord_message(bigint, text, text, bigint, bigint); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.record_discord_message(p_guild_id bigint, p_type text, p_subject text, p_channel bigint, p_message bigint) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  insert into app_public.discord_messages (guild_id, subject_type, subject_id, channel_id, message_id)
    values (p_guild_id, p_type, p_subject, p_channel, p_message)
  on conflict (guild_id, subject_type, subject_id) do update
    set channel_id = excluded.channel_id, message_id = excluded.message_id
    where (discord_messages.channel_id, discord_messages.message_id) is distinct from (excluded.channel_id, excluded.message_id);
$$;

ALTER FUNCTION app_hidden.record_discord_message(p_guild_id bigint, p_type text, p_subject text, p_channel bigint, p_message bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION record_discord_message(p_guild_id bigint, p_type text, p_subject text, p_channel bigint, p_message bigint); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.record_discord_message(p_guild_id bigint, p_type text, p_subject text, p_channel bigint, p_message bigint) IS 'Stores the Discord message posted for a subject (replacing one that was deleted). Source: issue #4.';

--
-- Name: record_fulfilment_failure(uuid, text, boolean); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.record_fulfilment_failure(p_order_id uuid, p_error text, p_final boolean) RETURNS app_public.orders
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_order app_public.orders;
begin
  update app_public.orders set fulfilment_attempts = fulfilment_attempts + 1, last_error = left(p_error, 1000)
   where order_id = p_order_id and status = 'pending'
  returning * into v_order;
  if v_order.order_id is not null and p_final then
    perform app_hidden.raise_alert(v_order.guild_id, 'warning', 'fulfilment_failed',
      format('Order %s could not be fulfilled after %s attempts; it will be refunded at its escrow timeout.',
        p_order_id, v_order.fulfilment_attempts),
      jsonb_build_object('order_id', p_order_id, 'error', left(p_error, 500)));
  end if;
  return v_order;
end;
$$;

ALTER FUNCTION app_hidden.record_fulfilment_failure(p_order_id uuid, p_error text, p_final boolean) OWNER TO guildbank_owner;

--
-- Name: FUNCTION record_fulfilment_failure(p_order_id uuid, p_error text, p_final boolean); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.record_fulfilment_failure(p_order_id uuid, p_error text, p_final boolean) IS 'Records a failed fulfilment attempt on a pending order; the final one raises an ops alert.';

--
-- Name: guilds; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.guilds (
    id bigint NOT NULL,
    name text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    owner_id bigint,
    CONSTRAINT guilds_id_check CHECK ((id > 0)),
    CONSTRAINT guilds_name_check CHECK (((length(name) >= 1) AND (length(name) <= 100))),
    CONSTRAINT guilds_owner_id_check CHECK ((owner_id > 0))
);

ALTER TABLE app_public.guilds OWNER TO guildbank_owner;

--
-- Name: TABLE guilds; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.guilds IS '@behavior -insert -update -delete
A Discord server (guild) using Guildbank; id is its Discord snowflake. Every row of the economy belongs to one guild.';

--
-- Name: COLUMN guilds.owner_id; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.guilds.owner_id IS 'Discord snowflake of the guild''s owner, as the bot last saw it; the owner always resolves to SUPERADMIN.';

--
-- Name: record_guild(bigint, text, bigint); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.record_guild(p_guild_id bigint, p_name text, p_owner_id bigint) RETURNS app_public.guilds
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v app_public.guilds;
begin
  if p_guild_id is null or p_guild_id <= 0 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'guild_id'));
  end if;
  if p_name is null or length(btrim(p_name)) not between 1 and 100 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'name', 'min', 1, 'max', 100));
  end if;
  if p_owner_id is not null and p_owner_id <= 0 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'owner_id'));
  end if;
  perform app_private.ensure_guild(p_guild_id, btrim(p_name));
  update app_public.guilds set owner_id = coalesce(p_owner_id, owner_id)
   where id = p_guild_id and owner_id is distinct from coalesce(p_owner_id, owner_id);
  select * into v from app_public.guilds where id = p_guild_id;
  return v;
end;
$$;

ALTER FUNCTION app_hidden.record_guild(p_guild_id bigint, p_name text, p_owner_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION record_guild(p_guild_id bigint, p_name text, p_owner_id bigint); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.record_guild(p_guild_id bigint, p_name text, p_owner_id bigint) IS 'Creates the guild (settings, mint and fee accounts) or refreshes its name and owner; idempotent. The bot calls it when it joins or sees a guild. VL001 invalid_argument for a bad snowflake or a name outside 1..100 characters.';

--
-- Name: record_job_run(text, jsonb); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.record_job_run(p_task text, p_outcome jsonb DEFAULT '{}'::jsonb) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  insert into app_hidden.job_runs (task, finished_at, outcome) values (p_task, now(), coalesce(p_outcome, '{}'))
  on conflict (task) do update set finished_at = excluded.finished_at, outcome = excluded.outcome;
$$;

ALTER FUNCTION app_hidden.record_job_run(p_task text, p_outcome jsonb) OWNER TO guildbank_owner;

--
-- Name: FUNCTION record_job_run(p_task text, p_outcome jsonb); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.record_job_run(p_task text, p_outcome jsonb) IS 'Records that a periodic task completed (and its outcome).';

--
-- Name: minecraft_payments; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.minecraft_payments (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    source text NOT NULL,
    delivery_key text NOT NULL,
    payer_ign text NOT NULL,
    amount bigint NOT NULL,
    raw_line text NOT NULL,
    seen_at timestamp with time zone NOT NULL,
    status app_public.payment_status NOT NULL,
    user_id bigint,
    transfer_id bigint,
    duplicate_of bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT minecraft_payments_amount_check CHECK ((amount > 0)),
    CONSTRAINT minecraft_payments_check CHECK (((status = 'duplicate'::app_public.payment_status) = (duplicate_of IS NOT NULL))),
    CONSTRAINT minecraft_payments_check1 CHECK (((status = 'duplicate'::app_public.payment_status) = (transfer_id IS NULL))),
    CONSTRAINT minecraft_payments_check2 CHECK (((status = 'duplicate'::app_public.payment_status) OR ((status = 'credited'::app_public.payment_status) = (user_id IS NOT NULL)))),
    CONSTRAINT minecraft_payments_delivery_key_check CHECK (((length(delivery_key) >= 1) AND (length(delivery_key) <= 255))),
    CONSTRAINT minecraft_payments_payer_ign_check CHECK ((payer_ign ~ '^[A-Za-z0-9_]{3,16}$'::text)),
    CONSTRAINT minecraft_payments_raw_line_check CHECK (((length(raw_line) >= 1) AND (length(raw_line) <= 1000))),
    CONSTRAINT minecraft_payments_source_check CHECK (((length(source) >= 1) AND (length(source) <= 100)))
);

ALTER TABLE app_public.minecraft_payments OWNER TO guildbank_owner;

--
-- Name: TABLE minecraft_payments; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.minecraft_payments IS '@behavior -insert -update -delete
In-game payments to the listener''s Minecraft account, one row per delivery (see app_private.record_payment_for for how replays and duplicates are told apart from distinct identical payments). amount is in MCD minor units (cents).';

--
-- Name: COLUMN minecraft_payments.source; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.minecraft_payments.source IS 'Who delivered the line: a listener session (listener id and Minecraft session) or webhook:<plugin>.';

--
-- Name: COLUMN minecraft_payments.delivery_key; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.minecraft_payments.delivery_key IS 'The delivery''s idempotency key within its source (the line number in the session; the plugin''s event id).';

--
-- Name: COLUMN minecraft_payments.duplicate_of; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.minecraft_payments.duplicate_of IS 'For a duplicate: the payment (delivered by another source) this delivery repeats.';

--
-- Name: record_payment(text, bigint, text, timestamp with time zone, text, text); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.record_payment(p_payer_ign text, p_amount bigint, p_raw_line text, p_seen_at timestamp with time zone, p_source text, p_delivery_key text) RETURNS app_public.minecraft_payments
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if app_public.current_guild_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  return app_private.record_payment_for(app_public.current_guild_id(), p_source, p_delivery_key, p_payer_ign, p_amount,
    p_raw_line, p_seen_at);
end;
$$;

ALTER FUNCTION app_hidden.record_payment(p_payer_ign text, p_amount bigint, p_raw_line text, p_seen_at timestamp with time zone, p_source text, p_delivery_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION record_payment(p_payer_ign text, p_amount bigint, p_raw_line text, p_seen_at timestamp with time zone, p_source text, p_delivery_key text); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.record_payment(p_payer_ign text, p_amount bigint, p_raw_line text, p_seen_at timestamp with time zone, p_source text, p_delivery_key text) IS 'record_payment(payer_ign, amount_minor, raw_line, seen_at) of issue #6 for the listener and the payment webhook (coins_listener, guild from the app.guild_id claim), with the delivery''s source and key. Rules and errors: app_private.record_payment_for; AU001 without a guild claim.';

--
-- Name: record_reward_sync(bigint, text, text, timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.record_reward_sync(p_guild_id bigint, p_sku text, p_state text, p_seen timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if p_state not in ('synced', 'orphaned') then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'state'));
  end if;
  update app_public.rewards r
     set sync_state = case when p_state = 'synced' and p_seen is not null and r.updated_at > p_seen then 'pending' else p_state end,
         synced_at = now()
   where r.guild_id = p_guild_id and r.sku = p_sku;
end;
$$;

ALTER FUNCTION app_hidden.record_reward_sync(p_guild_id bigint, p_sku text, p_state text, p_seen timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION record_reward_sync(p_guild_id bigint, p_sku text, p_state text, p_seen timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.record_reward_sync(p_guild_id bigint, p_sku text, p_state text, p_seen timestamp with time zone) IS 'The discord__reward job''s result for a reward''s #shop post: synced, or orphaned (it could not be posted: the shop channel is gone); synced stays pending when the reward changed after the job read it (p_seen). The post''s id is in discord_messages (subject reward, id <guild>:<sku>). Errors: VL001. Source: issue 14.';

--
-- Name: record_task_delivery(bigint, text, text, text); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.record_task_delivery(p_claim_id bigint, p_kind text, p_status text, p_error text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_found boolean;
begin
  if p_kind = 'role' and p_status in ('granted', 'failed') then
    update app_public.task_claims c set role_status = p_status, delivery_error = left(p_error, 500)
     where c.id = p_claim_id and c.role_status = 'pending';
  elsif p_kind = 'dm' and p_status in ('sent', 'failed') then
    update app_public.task_claims c set dm_status = p_status, delivery_error = left(p_error, 500)
     where c.id = p_claim_id and c.dm_status = 'pending';
  else
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'kind/status'));
  end if;
  get diagnostics v_found = row_count;
  return v_found;
end;
$$;

ALTER FUNCTION app_hidden.record_task_delivery(p_claim_id bigint, p_kind text, p_status text, p_error text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION record_task_delivery(p_claim_id bigint, p_kind text, p_status text, p_error text); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.record_task_delivery(p_claim_id bigint, p_kind text, p_status text, p_error text) IS 'Records the outcome of an acceptance''s role grant (kind role: granted or failed) or of the review DM (kind dm: sent or failed) once: returns false when it was already recorded (a retried job does nothing more). Errors: VL001. Source: issue 14 ("a failed DM is recorded, not retried forever").';

--
-- Name: record_task_message(bigint, bigint, bigint, text, timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.record_task_message(p_task_id bigint, p_channel bigint, p_message bigint, p_state text, p_seen timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if p_state not in ('synced', 'orphaned') then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'state'));
  end if;
  update app_public.tasks t
     set channel_id = p_channel, message_id = p_message, synced_at = now(),
         -- A change after the job read the task (p_seen) queued another job: the message is not up to date yet.
         sync_state = case when p_state = 'synced' and p_seen is not null and t.updated_at > p_seen then 'pending' else p_state end
   where t.id = p_task_id;
end;
$$;

ALTER FUNCTION app_hidden.record_task_message(p_task_id bigint, p_channel bigint, p_message bigint, p_state text, p_seen timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION record_task_message(p_task_id bigint, p_channel bigint, p_message bigint, p_state text, p_seen timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.record_task_message(p_task_id bigint, p_channel bigint, p_message bigint, p_state text, p_seen timestamp with time zone) IS 'The discord__task job''s result: the task''s message (null ids: none, e.g. deleted with the task) and its state, synced or orphaned (the message was deleted and could not be posted again); synced stays pending when the task changed after the job read it (p_seen: its updated_at then; the change queued another job). Errors: VL001. Source: seed 003 ("message_id must be stored back", "clear message_id and flag orphaned").';

--
-- Name: record_task_review_message(bigint, bigint, bigint); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.record_task_review_message(p_claim_id bigint, p_channel bigint, p_message bigint) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  update app_public.task_claims c set review_channel_id = p_channel, review_message_id = p_message where c.id = p_claim_id;
$$;

ALTER FUNCTION app_hidden.record_task_review_message(p_claim_id bigint, p_channel bigint, p_message bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION record_task_review_message(p_claim_id bigint, p_channel bigint, p_message bigint); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.record_task_review_message(p_claim_id bigint, p_channel bigint, p_message bigint) IS 'Stores the proof message posted in the review channel for a claim (so a retried job edits it instead of posting again). Source: seed 003 ("Creates proof message ... for admin review").';

--
-- Name: redeem_voucher(uuid, text, timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.redeem_voucher(p_code uuid, p_redeemed_by text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.vouchers
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_hidden.redeem_voucher(p_code uuid, p_redeemed_by text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION redeem_voucher(p_code uuid, p_redeemed_by text, p_at timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.redeem_voucher(p_code uuid, p_redeemed_by text, p_at timestamp with time zone) IS 'The signed /webhooks/redeem callback (coins_listener): redeeming is delivering, so it fulfils the voucher''s order (escrow posted, goods delivered) and marks the voucher redeemed, exactly once: it takes the order''s row lock, as refunds do. Errors: VC001 voucher_not_found, VC002 voucher_already_redeemed, VC003 voucher_expired (refunded, cancelled or past VOUCHER_TIMEOUT_H). Source: issue #6, seed 000 section 8.';

--
-- Name: refresh_leaderboard(bigint, timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.refresh_leaderboard(p_guild_id bigint, p_at timestamp with time zone DEFAULT now()) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_n integer;
begin
  delete from app_public.leaderboard_snapshots where guild_id = p_guild_id;
  insert into app_public.leaderboard_snapshots (guild_id, rank, discord_id, display_name, balance, refreshed_at)
    select p_guild_id, (rank() over (order by a.balance desc))::int, u.discord_id, u.display_name, a.balance, p_at
      from app_public.accounts a join app_public.users u on u.id = a.user_id
     where a.guild_id = p_guild_id and a.currency = 'COIN' and a.kind = 'wallet' and not u.is_bot
     order by a.balance desc, u.discord_id limit 10;
  get diagnostics v_n = row_count;
  perform pg_notify('leaderboard', p_guild_id::text);
  return v_n;
end;
$$;

ALTER FUNCTION app_hidden.refresh_leaderboard(p_guild_id bigint, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION refresh_leaderboard(p_guild_id bigint, p_at timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.refresh_leaderboard(p_guild_id bigint, p_at timestamp with time zone) IS 'leaderboard__refresh job body: replaces the guild''s top-10 snapshot and NOTIFYs channel leaderboard.';

--
-- Name: refund_expired_orders(timestamp with time zone, integer); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.refund_expired_orders(p_at timestamp with time zone DEFAULT now(), p_limit integer DEFAULT 500) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_id uuid;
  v_order app_public.orders;
  v_n integer := 0;
begin
  for v_id in
    select order_id from app_public.orders where status = 'pending' and expires_at <= p_at
     order by expires_at limit p_limit
  loop
    begin
      v_order := app_private.refund_order_core(v_id, 'refunded', null, 'escrow_timeout', p_at);
      v_n := v_n + 1;
      if v_order.fulfilment_attempts > 0 then
        perform app_hidden.raise_alert(v_order.guild_id, 'warning', 'fulfilment_timed_out',
          format('Order %s was refunded at its escrow timeout after %s failed fulfilment attempt(s).', v_id,
            v_order.fulfilment_attempts),
          jsonb_build_object('order_id', v_id, 'last_error', v_order.last_error));
      end if;
    exception when sqlstate 'OR002' then
      null;  -- settled meanwhile by the fulfilment job
    end;
  end loop;
  return v_n;
end;
$$;

ALTER FUNCTION app_hidden.refund_expired_orders(p_at timestamp with time zone, p_limit integer) OWNER TO guildbank_owner;

--
-- Name: FUNCTION refund_expired_orders(p_at timestamp with time zone, p_limit integer); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.refund_expired_orders(p_at timestamp with time zone, p_limit integer) IS 'orders__escrow_timeout job body: refunds every pending order past its escrow timeout (ESCROW_TIMEOUT_MIN); returns how many. An order refunded after failed fulfilment attempts raises a warning ops alert. Safe to run concurrently with fulfilment (each order settles at most once).';

--
-- Name: refund_undeliverable_order(uuid, text); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.refund_undeliverable_order(p_order_id uuid, p_error text) RETURNS app_public.orders
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_hidden.refund_undeliverable_order(p_order_id uuid, p_error text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION refund_undeliverable_order(p_order_id uuid, p_error text); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.refund_undeliverable_order(p_order_id uuid, p_error text) IS 'orders__fulfil (api), after the last delivery attempt failed: refunds the pending order at once (escrow back to the buyer, stock restored) with a warning ops alert. A settled or missing order is left alone. Source: issue #6 ("failure retries with exponential backoff, then refunds").';

--
-- Name: requeue_reward_sync(timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.requeue_reward_sync(p_at timestamp with time zone DEFAULT now()) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v record;
  v_n integer := 0;
begin
  for v in
    select r.guild_id, r.sku from app_public.rewards r
     where r.sync_state in ('pending', 'orphaned') and r.updated_at <= p_at - interval '1 minute'
       and exists (select 1 from app_public.guild_discord g where g.guild_id = r.guild_id and g.shop_channel_id is not null)
  loop
    perform app_private.queue_discord_job(v.guild_id, 'shop', 'discord__reward', jsonb_build_object('guild_id', v.guild_id, 'sku', v.sku),
      'discord__reward:' || v.guild_id || ':' || v.sku);
    v_n := v_n + 1;
  end loop;
  return v_n;
end;
$$;

ALTER FUNCTION app_hidden.requeue_reward_sync(p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION requeue_reward_sync(p_at timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.requeue_reward_sync(p_at timestamp with time zone) IS 'Part of the messages__sync cron job (every 10 minutes): re-queues discord__reward for every reward whose #shop post is still pending_sync, or orphaned (its channel was gone), a minute after its last change (a post that failed for good, a shop channel set up again later). Returns how many. Source: seed 003 ("If Discord post fails, mark item pending_sync", sync_pending_discord_messages).';

--
-- Name: requeue_task_sync(timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.requeue_task_sync(p_at timestamp with time zone DEFAULT now()) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_task record;
  v_n integer := 0;
begin
  for v_task in
    select t.id, t.guild_id from app_public.tasks t
     where t.sync_state = 'pending' and t.updated_at <= p_at - interval '1 minute'
       and (t.status <> 'deleted' or t.message_id is not null)
       and exists (select 1 from app_public.guild_discord g where g.guild_id = t.guild_id)
  loop
    perform app_private.queue_task_job(v_task.guild_id, 'discord__task', jsonb_build_object('task_id', v_task.id),
      'discord__task:' || v_task.id);
    v_n := v_n + 1;
  end loop;
  return v_n;
end;
$$;

ALTER FUNCTION app_hidden.requeue_task_sync(p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION requeue_task_sync(p_at timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.requeue_task_sync(p_at timestamp with time zone) IS 'The messages__sync cron job''s body (every 10 minutes): re-queues discord__task for every task whose message is still pending a minute after its last change in a guild with the bot (a post that failed for good, a channel set up later). Returns how many. Source: seed 003 "Required Background Sync Job" (sync_pending_discord_messages).';

--
-- Name: resolve_staff_role(bigint, bigint, bigint[]); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.resolve_staff_role(p_guild_id bigint, p_discord_id bigint, p_role_ids bigint[]) RETURNS app_public.staff_role
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  -- The enum is declared from the most to the least powerful role, so min() is the highest rank.
  select case
    when exists (select 1 from app_public.guilds g where g.id = p_guild_id and g.owner_id = p_discord_id)
      then 'SUPERADMIN'::app_public.staff_role
    else (select min(m.staff_role) from app_public.staff_role_mappings m
           where m.guild_id = p_guild_id and m.discord_role_id = any (coalesce(p_role_ids, '{}')))
  end;
$$;

ALTER FUNCTION app_hidden.resolve_staff_role(p_guild_id bigint, p_discord_id bigint, p_role_ids bigint[]) OWNER TO guildbank_owner;

--
-- Name: FUNCTION resolve_staff_role(p_guild_id bigint, p_discord_id bigint, p_role_ids bigint[]); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.resolve_staff_role(p_guild_id bigint, p_discord_id bigint, p_role_ids bigint[]) IS 'The staff role of a Discord member from their Discord roles (p_role_ids, as Discord reports them at login or in the interaction): the guild owner is SUPERADMIN; otherwise the highest-ranked role mapped in staff_role_mappings (SUPERADMIN > ADMIN > OPERATOR > SUPPORT > AUDITOR); null when no role maps (a member, not staff). Raises nothing. Source: issue 5 (roles mapped at every login) and issue 4 (permission from the member''s mapped staff role).';

--
-- Name: save_discord_setup(bigint, bigint, bigint, bigint, bigint, bigint, bigint); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.save_discord_setup(p_guild_id bigint, p_hub_channel bigint, p_leaderboard_channel bigint, p_shop_channel bigint, p_transactions_channel bigint, p_hub_message bigint, p_leaderboard_message bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if not exists (select 1 from app_public.guilds where id = p_guild_id) then
    perform app_private.raise_error('MB003', 'guild_not_found', jsonb_build_object('guild_id', p_guild_id::text));
  end if;
  insert into app_public.guild_discord (guild_id, hub_channel_id, leaderboard_channel_id, shop_channel_id,
      transactions_channel_id, last_setup_at)
    values (p_guild_id, p_hub_channel, p_leaderboard_channel, p_shop_channel, p_transactions_channel, now())
  on conflict (guild_id) do update
    set hub_channel_id = excluded.hub_channel_id, leaderboard_channel_id = excluded.leaderboard_channel_id,
        shop_channel_id = excluded.shop_channel_id, transactions_channel_id = excluded.transactions_channel_id,
        last_setup_at = excluded.last_setup_at, missing_channels = '{}';
  perform app_hidden.record_discord_message(p_guild_id, 'hub', p_guild_id::text, p_hub_channel, p_hub_message);
  perform app_hidden.record_discord_message(p_guild_id, 'leaderboard', p_guild_id::text, p_leaderboard_channel,
    p_leaderboard_message);
end;
$$;

ALTER FUNCTION app_hidden.save_discord_setup(p_guild_id bigint, p_hub_channel bigint, p_leaderboard_channel bigint, p_shop_channel bigint, p_transactions_channel bigint, p_hub_message bigint, p_leaderboard_message bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION save_discord_setup(p_guild_id bigint, p_hub_channel bigint, p_leaderboard_channel bigint, p_shop_channel bigint, p_transactions_channel bigint, p_hub_message bigint, p_leaderboard_message bigint); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.save_discord_setup(p_guild_id bigint, p_hub_channel bigint, p_leaderboard_channel bigint, p_shop_channel bigint, p_transactions_channel bigint, p_hub_message bigint, p_leaderboard_message bigint) IS 'Stores the result of a discord__setup run: the four channels, the pinned hub and the leaderboard message; last_setup_at = now(); the setup found or recreated every channel, so none is marked missing any more (issue 17). Rewriting the same ids changes nothing else. Errors: MB003 guild_not_found. Source: issue #4.';

--
-- Name: transactions_since(text, integer); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.transactions_since(p_cursor text, p_backlog integer DEFAULT 50) RETURNS app_public.stream_batch
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_now pg_snapshot := pg_current_snapshot();
  v_since pg_snapshot;
  v_events jsonb;
  v_count integer;
begin
  if p_cursor is null then
    -- A new subscriber: the latest p_backlog events for context, then live.
    select jsonb_agg(to_jsonb(t) - 'xid' || jsonb_build_object('guild_id', t.guild_id::text, 'actor_id', t.actor_id::text) order by t.seq), count(*) into v_events, v_count
      from (select * from app_public.transactions
             where guild_id = app_public.current_guild_id() and pg_visible_in_snapshot(xid, v_now)
             order by seq desc limit greatest(coalesce(p_backlog, 50), 0)) t;
    return (v_now::text, coalesce(v_events, '[]'), false)::app_public.stream_batch;
  end if;
  begin
    v_since := p_cursor::pg_snapshot;
  exception when others then
    -- Caller's rights: app_private is out of reach, so raise the catalogue error directly.
    raise exception using errcode = 'VL001', message = 'invalid_argument', detail = '{"argument": "cursor"}';
  end;
  select jsonb_agg(to_jsonb(t) - 'xid' || jsonb_build_object('guild_id', t.guild_id::text, 'actor_id', t.actor_id::text) order by t.seq), count(*) into v_events, v_count
    from (select * from app_public.transactions
           where guild_id = app_public.current_guild_id()
             and xid >= pg_snapshot_xmin(v_since)
             and pg_visible_in_snapshot(xid, v_now) and not pg_visible_in_snapshot(xid, v_since)
           order by seq limit 5001) t;
  if v_count > 5000 then
    -- Too far behind to replay in one batch: the client should reload.
    return (v_now::text, '[]'::jsonb, true)::app_public.stream_batch;
  end if;
  return (v_now::text, coalesce(v_events, '[]'), false)::app_public.stream_batch;
end;
$$;

ALTER FUNCTION app_hidden.transactions_since(p_cursor text, p_backlog integer) OWNER TO guildbank_owner;

--
-- Name: FUNCTION transactions_since(p_cursor text, p_backlog integer); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.transactions_since(p_cursor text, p_backlog integer) IS 'The live transaction stream of the current guild, read with the caller''s rights (RLS: staff see the guild, members their own). p_cursor is a pg_snapshot from a previous batch: the batch holds exactly the rows committed after it, in seq order, so a resumed stream misses nothing even when transactions commit out of seq order. Null cursor: the last p_backlog events. Discord snowflakes (guild_id, actor_id) are strings. VL001 for a malformed cursor; truncated when more than 5000 events are pending.';

--
-- Name: valid_limits(jsonb); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.valid_limits(p jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $_$
  select jsonb_typeof(p) = 'object'
     and not exists (select 1 from jsonb_object_keys(p) k where k not in ('per_member_per_day', 'per_member_lifetime'))
     and coalesce(jsonb_typeof(p -> 'per_member_per_day') = 'number' and (p ->> 'per_member_per_day') ~ '^[1-9][0-9]{0,6}$', p -> 'per_member_per_day' is null)
     and coalesce(jsonb_typeof(p -> 'per_member_lifetime') = 'number' and (p ->> 'per_member_lifetime') ~ '^[1-9][0-9]{0,6}$', p -> 'per_member_lifetime' is null);
$_$;

ALTER FUNCTION app_hidden.valid_limits(p jsonb) OWNER TO guildbank_owner;

--
-- Name: FUNCTION valid_limits(p jsonb); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.valid_limits(p jsonb) IS 'Check: reward limits are an object with optional positive integers per_member_per_day (UTC day) and per_member_lifetime. In app_hidden so the staff who write rewards may evaluate the constraint.';

--
-- Name: verify_ledger_and_alert(); Type: FUNCTION; Schema: app_hidden; Owner: guildbank_owner
--

CREATE FUNCTION app_hidden.verify_ledger_and_alert() RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v record;
  v_n integer := 0;
begin
  for v in select guild_id, jsonb_agg(to_jsonb(x)) as violations, count(*) as n
             from app_public.verify_ledger(null) x group by guild_id loop
    perform app_hidden.raise_alert(v.guild_id, 'critical', 'ledger_violation',
      format('verify_ledger found %s violated invariant(s).', v.n), jsonb_build_object('violations', v.violations));
    v_n := v_n + v.n;
  end loop;
  return v_n;
end;
$$;

ALTER FUNCTION app_hidden.verify_ledger_and_alert() OWNER TO guildbank_owner;

--
-- Name: FUNCTION verify_ledger_and_alert(); Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_hidden.verify_ledger_and_alert() IS 'ledger__verify job body: runs verify_ledger over every guild; each guild with violations gets a critical ops alert. Returns the number of violations.';

--
-- Name: economy_events; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.economy_events (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    kind text NOT NULL,
    value numeric(6,4) NOT NULL,
    title text NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    started_by bigint NOT NULL,
    stopped_at timestamp with time zone,
    stopped_by bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT economy_events_check CHECK ((ends_at > starts_at)),
    CONSTRAINT economy_events_check1 CHECK (((stopped_at IS NULL) OR (stopped_by IS NOT NULL))),
    CONSTRAINT economy_events_check2 CHECK ((((kind = 'daily_multiplier'::text) AND (value > (1)::numeric) AND (value <= (10)::numeric)) OR ((kind = 'shop_discount'::text) AND (value > (0)::numeric) AND (value <= 0.9)))),
    CONSTRAINT economy_events_kind_check CHECK ((kind = ANY (ARRAY['daily_multiplier'::text, 'shop_discount'::text]))),
    CONSTRAINT economy_events_title_check CHECK (((length(btrim(title)) >= 1) AND (length(btrim(title)) <= 100)))
);

ALTER TABLE app_public.economy_events OWNER TO guildbank_owner;

--
-- Name: TABLE economy_events; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.economy_events IS '@behavior -insert -update -delete
Time-boxed economy modifiers (a daily-reward multiplier, a shop discount). While active (starts_at <= now < ends_at, not stopped) the rules apply them: claim_daily multiplies the reward, buy_reward lowers the unit price. At most one active event per kind and guild. Started and stopped by ADMIN+ (start_event, stop_event), audited.';

--
-- Name: COLUMN economy_events.value; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.economy_events.value IS 'daily_multiplier: the factor (1 < x <= 10); shop_discount: the fraction off the catalogue price (0 < x <= 0.9).';

--
-- Name: COLUMN economy_events.stopped_at; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.economy_events.stopped_at IS 'Set when staff stop the event early; the event is over from then.';

--
-- Name: active_event(bigint, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.active_event(p_guild_id bigint, p_kind text, p_at timestamp with time zone) RETURNS app_public.economy_events
    LANGUAGE sql STABLE
    AS $$
  select * from app_public.economy_events
   where guild_id = p_guild_id and kind = p_kind and starts_at <= p_at
     and p_at < least(ends_at, coalesce(stopped_at, 'infinity'))
   order by starts_at desc
   limit 1;
$$;

ALTER FUNCTION app_private.active_event(p_guild_id bigint, p_kind text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION active_event(p_guild_id bigint, p_kind text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.active_event(p_guild_id bigint, p_kind text, p_at timestamp with time zone) IS 'The economy event of a kind in effect in a guild at p_at (null row when none). Used by the daily-claim and shop rules.';

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
-- Name: answer_quest_for(bigint, bigint, text, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.answer_quest_for(p_user_id bigint, p_quest_id bigint, p_answer text, p_key text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.quest_result
    LANGUAGE plpgsql
    AS $$
declare
  v_user app_public.users;
  v_quest app_public.quests;
  v_replay jsonb;
  v_last timestamptz;
  v_next timestamptz;
  v_correct boolean;
  v_reward bigint := 0;
  v_tx uuid;
  v_result app_public.quest_result;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  if v_user.id is null then
    perform app_private.raise_error('MB001', 'member_not_registered');
  end if;
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'answer_quest', 'quest_id', p_quest_id, 'answer', p_answer));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.quest_result, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  select * into v_quest from app_public.quests q
   where q.id = p_quest_id and q.guild_id = v_user.guild_id and q.active
     and (q.starts_at is null or q.starts_at <= p_at) and (q.ends_at is null or q.ends_at > p_at);
  if v_quest.id is null then
    perform app_private.raise_error('QS001', 'quest_not_found', jsonb_build_object('quest_id', p_quest_id::text));
  end if;
  if p_answer is not null and length(p_answer) > 200 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'answer', 'max', 200));
  end if;
  if v_quest.kind = 'trivia' and app_private.quest_answer_key(p_answer) = '' then
    perform app_private.raise_error('QS003', 'answer_required');
  end if;
  -- The member row lock (lock_members) serialises a member's attempts, so this read is the latest.
  select max(attempted_at) into v_last from app_public.quest_attempts
   where user_id = v_user.id and quest_id = v_quest.id;
  if v_last is not null and p_at < v_last + make_interval(secs => v_quest.cooldown_s) then
    v_next := v_last + make_interval(secs => v_quest.cooldown_s);
    perform app_private.raise_error('QS002', 'quest_cooldown',
      jsonb_build_object('next_attempt_at', v_next, 'retry_after_s', ceil(extract(epoch from v_next - p_at))::bigint));
  end if;

  v_correct := v_quest.kind = 'check_in'
    or app_private.quest_answer_key(p_answer) = any (select app_private.quest_answer_key(a) from unnest(v_quest.answers) a);
  if v_correct then
    v_reward := v_quest.reward;
    insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, created_at)
      values (v_user.guild_id, 'earn', v_user.discord_id, v_user.id, v_reward, 'quest',
              jsonb_build_object('quest_id', v_quest.id::text, 'title', v_quest.title), p_at)
      returning tx_id into v_tx;
    perform app_private.post_transfer(v_user.guild_id,
      app_private.guild_account(v_user.guild_id, 'mint'),
      app_private.member_account(v_user.id, 'wallet'),
      v_reward, 'quest', v_tx, 'posted', null, null, p_at);
  end if;
  insert into app_public.quest_attempts (guild_id, quest_id, user_id, answer, correct, reward, tx_id, attempted_at)
    values (v_user.guild_id, v_quest.id, v_user.id, left(btrim(coalesce(p_answer, '')), 200), v_correct, v_reward, v_tx, p_at);

  v_result := (v_quest.id, v_correct, v_reward,
    (select balance from app_public.accounts where id = app_private.member_account(v_user.id, 'wallet')),
    p_at + make_interval(secs => v_quest.cooldown_s), v_tx)::app_public.quest_result;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v_result));
  return v_result;
end;
$$;

ALTER FUNCTION app_private.answer_quest_for(p_user_id bigint, p_quest_id bigint, p_answer text, p_key text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION answer_quest_for(p_user_id bigint, p_quest_id bigint, p_answer text, p_key text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.answer_quest_for(p_user_id bigint, p_quest_id bigint, p_answer text, p_key text, p_at timestamp with time zone) IS 'The quest rule at an explicit time (p_at; the public function passes now(), the demo seed back-dates). See app_public.answer_quest.';

--
-- Name: user_cards; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.user_cards (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    template_id bigint NOT NULL,
    owner_id bigint,
    print_no integer NOT NULL,
    locked boolean DEFAULT false NOT NULL,
    temporary boolean DEFAULT false NOT NULL,
    expires_at timestamp with time zone,
    origin text NOT NULL,
    obtained_at timestamp with time zone DEFAULT now() NOT NULL,
    burned_at timestamp with time zone,
    burn_reason text,
    CONSTRAINT user_cards_burn_reason_check CHECK ((burn_reason = ANY (ARRAY['burned'::text, 'expired'::text, 'template_deleted'::text]))),
    CONSTRAINT user_cards_check CHECK (((owner_id IS NULL) = (burned_at IS NOT NULL))),
    CONSTRAINT user_cards_check1 CHECK (((burned_at IS NULL) = (burn_reason IS NULL))),
    CONSTRAINT user_cards_check2 CHECK ((temporary = (expires_at IS NOT NULL))),
    CONSTRAINT user_cards_origin_check CHECK ((origin = ANY (ARRAY['pack'::text, 'draw'::text, 'event'::text, 'admin'::text]))),
    CONSTRAINT user_cards_print_no_check CHECK ((print_no >= 1))
);

ALTER TABLE app_public.user_cards OWNER TO guildbank_owner;

--
-- Name: TABLE user_cards; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.user_cards IS '@behavior -insert -update -delete
Owned copies: one row per copy, print_no = the n-th copy ever minted of its template. A burned copy has no owner.';

--
-- Name: burn_card_for(bigint, bigint, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.burn_card_for(p_user_id bigint, p_card_id bigint, p_key text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.user_cards
    LANGUAGE plpgsql
    AS $$
declare
  v_user app_public.users;
  v_replay jsonb;
  v app_public.user_cards;
  v_rarity app_public.card_rarity;
  v_notes bigint;
  v_tx uuid;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
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

ALTER FUNCTION app_private.burn_card_for(p_user_id bigint, p_card_id bigint, p_key text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION burn_card_for(p_user_id bigint, p_card_id bigint, p_key text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.burn_card_for(p_user_id bigint, p_card_id bigint, p_key text, p_at timestamp with time zone) IS 'The burn rule at an explicit time. See app_public.burn_card.';

--
-- Name: card_listings; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.card_listings (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    guild_id bigint NOT NULL,
    seller_id bigint NOT NULL,
    card_id bigint NOT NULL,
    price bigint NOT NULL,
    currency text NOT NULL,
    fee_bp integer NOT NULL,
    status app_public.card_listing_status DEFAULT 'active'::app_public.card_listing_status NOT NULL,
    buyer_id bigint,
    expires_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    closed_at timestamp with time zone,
    CONSTRAINT card_listings_check CHECK (((status = 'active'::app_public.card_listing_status) = (closed_at IS NULL))),
    CONSTRAINT card_listings_check1 CHECK (((status = 'sold'::app_public.card_listing_status) = (buyer_id IS NOT NULL))),
    CONSTRAINT card_listings_fee_bp_check CHECK (((fee_bp >= 0) AND (fee_bp <= 5000))),
    CONSTRAINT card_listings_price_check CHECK ((price > 0))
);

ALTER TABLE app_public.card_listings OWNER TO guildbank_owner;

--
-- Name: TABLE card_listings; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.card_listings IS '@behavior -insert -update -delete
Card market listings (server-only): one copy at a price in a currency; the copy stays with the seller until sold, and cannot be traded, burned or listed twice while active.';

--
-- Name: buy_card_for(bigint, uuid, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.buy_card_for(p_user_id bigint, p_listing_id uuid, p_key text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.card_listings
    LANGUAGE plpgsql
    AS $$
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

ALTER FUNCTION app_private.buy_card_for(p_user_id bigint, p_listing_id uuid, p_key text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION buy_card_for(p_user_id bigint, p_listing_id uuid, p_key text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.buy_card_for(p_user_id bigint, p_listing_id uuid, p_key text, p_at timestamp with time zone) IS 'The card purchase rule at an explicit time. See app_public.buy_card.';

--
-- Name: buy_listing_for(bigint, uuid, integer, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.buy_listing_for(p_user_id bigint, p_listing_id uuid, p_qty integer, p_key text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.orders
    LANGUAGE plpgsql
    AS $$
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

ALTER FUNCTION app_private.buy_listing_for(p_user_id bigint, p_listing_id uuid, p_qty integer, p_key text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION buy_listing_for(p_user_id bigint, p_listing_id uuid, p_qty integer, p_key text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.buy_listing_for(p_user_id bigint, p_listing_id uuid, p_qty integer, p_key text, p_at timestamp with time zone) IS 'The marketplace purchase rule at an explicit time. See app_public.buy_listing.';

--
-- Name: buy_reward_for(bigint, text, integer, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.buy_reward_for(p_user_id bigint, p_sku text, p_qty integer, p_key text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.orders
    LANGUAGE plpgsql
    AS $$
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

ALTER FUNCTION app_private.buy_reward_for(p_user_id bigint, p_sku text, p_qty integer, p_key text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION buy_reward_for(p_user_id bigint, p_sku text, p_qty integer, p_key text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.buy_reward_for(p_user_id bigint, p_sku text, p_qty integer, p_key text, p_at timestamp with time zone) IS 'The shop purchase rule at an explicit time. An active shop_discount economy event lowers the unit price by floor(price * discount) (list_price, event_id and discount in the transaction''s meta). See app_public.buy_reward.';

--
-- Name: card_audit(bigint, text, text, text, jsonb, jsonb, text); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.card_audit(p_guild_id bigint, p_action text, p_subject_type text, p_subject_id text, p_before jsonb, p_after jsonb, p_reason text) RETURNS void
    LANGUAGE sql
    AS $$
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (p_guild_id, coalesce(app_public.current_discord_id(), 0), app_public.current_staff_role(), p_action, p_subject_type,
      p_subject_id, p_before, p_after, p_reason);
$$;

ALTER FUNCTION app_private.card_audit(p_guild_id bigint, p_action text, p_subject_type text, p_subject_id text, p_before jsonb, p_after jsonb, p_reason text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION card_audit(p_guild_id bigint, p_action text, p_subject_type text, p_subject_id text, p_before jsonb, p_after jsonb, p_reason text); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.card_audit(p_guild_id bigint, p_action text, p_subject_type text, p_subject_id text, p_before jsonb, p_after jsonb, p_reason text) IS 'Writes one staff action on the card game to admin_actions with before/after. Source: issue 15 "Every admin action audited with before/after".';

--
-- Name: card_cooldown(bigint, text, integer, bigint[], timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.card_cooldown(p_user_id bigint, p_command text, p_base_s integer, p_role_ids bigint[], p_at timestamp with time zone DEFAULT now()) RETURNS timestamp with time zone
    LANGUAGE plpgsql
    AS $$
declare
  v_user app_public.users;
  v_next timestamptz;
  v_reduction integer;
  v_new timestamptz;
begin
  select * into v_user from app_public.users where id = p_user_id;
  select next_at into v_next from app_public.card_cooldowns where user_id = p_user_id and command = p_command for update;
  if v_next is not null and v_next > p_at then
    perform app_private.raise_error('CD002', 'card_cooldown_active', jsonb_build_object('command', p_command,
      'next_at', v_next, 'retry_after_s', ceil(extract(epoch from v_next - p_at))::integer));
  end if;
  select coalesce(max(reduction_pct), 0) into v_reduction from app_public.card_cooldown_roles
   where guild_id = v_user.guild_id and discord_role_id = any (coalesce(p_role_ids, '{}'));
  v_new := p_at + make_interval(secs => p_base_s * (100 - v_reduction) / 100.0);
  insert into app_public.card_cooldowns (guild_id, user_id, command, next_at) values (v_user.guild_id, p_user_id, p_command, v_new)
    on conflict (user_id, command) do update set next_at = excluded.next_at;
  return v_new;
end;
$$;

ALTER FUNCTION app_private.card_cooldown(p_user_id bigint, p_command text, p_base_s integer, p_role_ids bigint[], p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION card_cooldown(p_user_id bigint, p_command text, p_base_s integer, p_role_ids bigint[], p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.card_cooldown(p_user_id bigint, p_command text, p_base_s integer, p_role_ids bigint[], p_at timestamp with time zone) IS 'Checks and starts a member''s cooldown of a card command (openpack, draw): refuses with CD002 card_cooldown_active while it runs, else sets the next use to p_at + the base cooldown reduced by the largest card_cooldown_roles reduction among the member''s Discord roles (as the bot read them). Source: issue 15 "Cooldowns per member and command" (openpack 7 min, draw 2 min, boosters -50 %), seed 002 "Cooldowns".';

--
-- Name: card_currency(bigint, text); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.card_currency(p_guild_id bigint, p_currency text) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
begin
  if p_currency is null or not (p_currency = any ((select currencies from app_public.card_settings where guild_id = p_guild_id) || '{COIN}'::text[])) then
    perform app_private.raise_error('CA009', 'currency_not_used', jsonb_build_object('currency', p_currency));
  end if;
  return p_currency;
end;
$$;

ALTER FUNCTION app_private.card_currency(p_guild_id bigint, p_currency text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION card_currency(p_guild_id bigint, p_currency text); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.card_currency(p_guild_id bigint, p_currency text) IS 'Returns p_currency when the guild uses it for cards (card_settings.currencies, or COIN, the guild''s main currency). Errors: CA009 currency_not_used. Source: issue 15 "Currencies" (a guild chooses which currencies it uses).';

--
-- Name: card_for_change(bigint, bigint); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.card_for_change(p_user_id bigint, p_card_id bigint) RETURNS app_public.user_cards
    LANGUAGE plpgsql
    AS $$
declare
  v app_public.user_cards;
begin
  select * into v from app_public.user_cards where id = p_card_id for update;
  if v.id is null or v.owner_id is distinct from p_user_id then
    perform app_private.raise_error('CA001', 'card_not_found', jsonb_build_object('card_id', p_card_id));
  end if;
  return v;
end;
$$;

ALTER FUNCTION app_private.card_for_change(p_user_id bigint, p_card_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION card_for_change(p_user_id bigint, p_card_id bigint); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.card_for_change(p_user_id bigint, p_card_id bigint) IS 'Locks a copy the member owns (FOR UPDATE: sales, trades, burns and locks of one copy are serialised). Errors: CA001 card_not_found (also when it is someone else''s or burned).';

--
-- Name: check_ign(text); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.check_ign(p_ign text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    AS $_$
begin
  if p_ign is null or p_ign !~ '^[A-Za-z0-9_]{3,16}$' then
    perform app_private.raise_error('MC001', 'invalid_ign', jsonb_build_object('ign', left(p_ign, 40)));
  end if;
end;
$_$;

ALTER FUNCTION app_private.check_ign(p_ign text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION check_ign(p_ign text); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.check_ign(p_ign text) IS 'MC001 invalid_ign unless p_ign is a Minecraft Java name (3 to 16 letters, digits or _; Mojang''s rule). IGNs compare case-insensitively everywhere (Mojang names are unique regardless of case).';

--
-- Name: check_quantity(integer); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.check_quantity(p_qty integer) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    AS $$
begin
  if p_qty is null or p_qty <= 0 or p_qty > 1000000 then
    perform app_private.raise_error('AM002', 'invalid_quantity', jsonb_build_object('qty', p_qty));
  end if;
end;
$$;

ALTER FUNCTION app_private.check_quantity(p_qty integer) OWNER TO guildbank_owner;

--
-- Name: FUNCTION check_quantity(p_qty integer); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.check_quantity(p_qty integer) IS 'AM002 invalid_quantity unless 1 <= p_qty <= 1,000,000.';

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

ALTER FUNCTION app_private.claim_daily_for(p_user_id bigint, p_key text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION claim_daily_for(p_user_id bigint, p_key text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.claim_daily_for(p_user_id bigint, p_key text, p_at timestamp with time zone) IS 'The daily-claim rule at an explicit time (p_at; the public function passes now(), the demo seed back-dates). An active daily_multiplier economy event multiplies the reward (rounded down; event_id and multiplier in the transaction''s meta). See app_public.claim_daily.';

--
-- Name: task_claims; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.task_claims (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    task_id bigint NOT NULL,
    user_id bigint NOT NULL,
    status app_public.task_claim_status DEFAULT 'in_progress'::app_public.task_claim_status NOT NULL,
    claimed_at timestamp with time zone DEFAULT now() NOT NULL,
    deadline timestamp with time zone NOT NULL,
    proof_text text DEFAULT ''::text NOT NULL,
    proof_attachments jsonb DEFAULT '[]'::jsonb NOT NULL,
    submitted_at timestamp with time zone,
    reviewer_id bigint,
    review_note text DEFAULT ''::text NOT NULL,
    reviewed_at timestamp with time zone,
    completed_at timestamp with time zone,
    expired_at timestamp with time zone,
    tx_id uuid,
    review_channel_id bigint,
    review_message_id bigint,
    role_status text DEFAULT 'none'::text NOT NULL,
    dm_status text DEFAULT 'none'::text NOT NULL,
    delivery_error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT task_claims_check CHECK ((deadline > claimed_at)),
    CONSTRAINT task_claims_check1 CHECK (((status = 'accepted'::app_public.task_claim_status) = (tx_id IS NOT NULL))),
    CONSTRAINT task_claims_check2 CHECK (((status = ANY (ARRAY['in_progress'::app_public.task_claim_status, 'expired'::app_public.task_claim_status])) OR (submitted_at IS NOT NULL))),
    CONSTRAINT task_claims_check3 CHECK (((status <> ALL (ARRAY['accepted'::app_public.task_claim_status, 'rejected'::app_public.task_claim_status])) OR ((reviewer_id IS NOT NULL) AND (reviewed_at IS NOT NULL)))),
    CONSTRAINT task_claims_delivery_error_check CHECK ((length(delivery_error) <= 500)),
    CONSTRAINT task_claims_dm_status_check CHECK ((dm_status = ANY (ARRAY['none'::text, 'pending'::text, 'sent'::text, 'failed'::text]))),
    CONSTRAINT task_claims_proof_attachments_check CHECK ((jsonb_typeof(proof_attachments) = 'array'::text)),
    CONSTRAINT task_claims_proof_text_check CHECK ((length(proof_text) <= 2000)),
    CONSTRAINT task_claims_review_channel_id_check CHECK ((review_channel_id > 0)),
    CONSTRAINT task_claims_review_message_id_check CHECK ((review_message_id > 0)),
    CONSTRAINT task_claims_review_note_check CHECK ((length(review_note) <= 500)),
    CONSTRAINT task_claims_role_status_check CHECK ((role_status = ANY (ARRAY['none'::text, 'pending'::text, 'granted'::text, 'failed'::text])))
);

ALTER TABLE app_public.task_claims OWNER TO guildbank_owner;

--
-- Name: TABLE task_claims; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.task_claims IS '@behavior -insert -update -delete
A member''s claim of a task (the seed''s user_tasks): in_progress -> submitted -> accepted | rejected, or expired when the deadline passes before proof. Written by claim_task, submit_task_proof, review_task_claim and the tasks__expire job only. role_status and dm_status record the discord__task_role and discord__task_dm jobs (a failed DM is recorded, not retried forever). Source: issue 14, seed 003.';

--
-- Name: COLUMN task_claims.proof_attachments; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.task_claims.proof_attachments IS 'Attachments of the proof: [{url, filename, content_type, size}] (https URLs, at most 10).';

--
-- Name: COLUMN task_claims.tx_id; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.task_claims.tx_id IS 'The task_reward transaction that paid an accepted claim.';

--
-- Name: claim_task_for(bigint, bigint, bigint[], text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.claim_task_for(p_user_id bigint, p_task_id bigint, p_role_ids bigint[], p_key text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.task_claims
    LANGUAGE plpgsql
    AS $$
declare
  v_user app_public.users;
  v_task app_public.tasks;
  v_settings app_public.guild_settings;
  v_replay jsonb;
  v_active integer;
  v_taken integer;
  v_existing app_public.task_claim_status;
  v_claim app_public.task_claims;
begin
  -- The member row lock serialises one member's claims (the per-member limit, no double claim).
  select * into v_user from app_private.lock_members(array[p_user_id]);
  if v_user.id is null then
    perform app_private.raise_error('MB001', 'member_not_registered');
  end if;
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'claim_task', 'task_id', p_task_id));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.task_claims, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  select * into v_settings from app_public.guild_settings where guild_id = v_user.guild_id;
  if not coalesce(v_settings.allow_user_tasks, true) then
    perform app_private.raise_error('TK012', 'task_claims_closed');
  end if;
  -- The task row lock serialises the claims of one task: of concurrent claims of its last slot, exactly one wins.
  select * into v_task from app_public.tasks t
   where t.id = p_task_id and t.guild_id = v_user.guild_id and t.status <> 'deleted'
   for update;
  if v_task.id is null then
    perform app_private.raise_error('TK001', 'task_not_found', jsonb_build_object('task_id', p_task_id::text));
  end if;
  if v_task.status = 'expired' or (v_task.expires_at is not null and v_task.expires_at <= p_at) then
    perform app_private.raise_error('TK003', 'task_expired', jsonb_build_object('task_id', v_task.id::text,
      'expired_at', coalesce(v_task.expires_at, v_task.updated_at)));
  end if;
  if v_task.status <> 'active' then
    perform app_private.raise_error('TK001', 'task_not_found', jsonb_build_object('task_id', p_task_id::text));
  end if;
  if cardinality(v_task.assigned_member_ids) > 0 and not (v_user.discord_id = any (v_task.assigned_member_ids)) then
    perform app_private.raise_error('TK004', 'task_not_assigned', jsonb_build_object('task_id', v_task.id::text));
  end if;
  if v_task.required_role_id is not null and not (v_task.required_role_id = any (coalesce(p_role_ids, '{}'))) then
    perform app_private.raise_error('TK007', 'task_role_required', jsonb_build_object('role_id', v_task.required_role_id::text));
  end if;
  select c.status into v_existing from app_public.task_claims c
   where c.task_id = v_task.id and c.user_id = v_user.id and c.status in ('in_progress', 'submitted', 'accepted');
  if v_existing is not null then
    perform app_private.raise_error('TK005', 'task_already_claimed', jsonb_build_object('task_id', v_task.id::text,
      'status', v_existing));
  end if;
  select count(*) into v_active from app_public.task_claims c
   where c.user_id = v_user.id and c.status in ('in_progress', 'submitted');
  if v_active >= coalesce(v_settings.max_tasks_per_user, 10) then
    perform app_private.raise_error('TK006', 'task_limit_reached', jsonb_build_object('active', v_active,
      'limit', coalesce(v_settings.max_tasks_per_user, 10)));
  end if;
  if v_task.max_claims is not null then
    select count(*) into v_taken from app_public.task_claims c
     where c.task_id = v_task.id and c.status in ('in_progress', 'submitted', 'accepted');
    if v_taken >= v_task.max_claims then
      perform app_private.raise_error('TK002', 'task_full', jsonb_build_object('task_id', v_task.id::text,
        'max_claims', v_task.max_claims));
    end if;
  end if;

  insert into app_public.task_claims (guild_id, task_id, user_id, claimed_at, deadline)
    values (v_user.guild_id, v_task.id, v_user.id, p_at, p_at + make_interval(hours => v_task.duration_hours))
    returning * into v_claim;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v_claim));
  return v_claim;
end;
$$;

ALTER FUNCTION app_private.claim_task_for(p_user_id bigint, p_task_id bigint, p_role_ids bigint[], p_key text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION claim_task_for(p_user_id bigint, p_task_id bigint, p_role_ids bigint[], p_key text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.claim_task_for(p_user_id bigint, p_task_id bigint, p_role_ids bigint[], p_key text, p_at timestamp with time zone) IS 'The claim rule at an explicit time (p_at) with the member''s Discord role ids stated (p_role_ids). See app_public.claim_task.';

--
-- Name: listings; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.listings (
    listing_id uuid DEFAULT gen_random_uuid() NOT NULL,
    guild_id bigint NOT NULL,
    seller_id bigint NOT NULL,
    sku text NOT NULL,
    qty integer NOT NULL,
    qty_available integer NOT NULL,
    unit_price bigint NOT NULL,
    fee_rate numeric(5,4) NOT NULL,
    fee_band app_public.fee_band NOT NULL,
    reference_price bigint NOT NULL,
    min_per_buyer integer DEFAULT 1 NOT NULL,
    max_per_buyer integer,
    expires_at timestamp with time zone NOT NULL,
    status app_public.listing_status DEFAULT 'active'::app_public.listing_status NOT NULL,
    closed_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT listings_check CHECK (((qty_available >= 0) AND (qty_available <= qty))),
    CONSTRAINT listings_check1 CHECK (((max_per_buyer IS NULL) OR (max_per_buyer >= min_per_buyer))),
    CONSTRAINT listings_check2 CHECK ((((status = 'active'::app_public.listing_status) = (closed_at IS NULL)) OR (status = 'sold'::app_public.listing_status))),
    CONSTRAINT listings_fee_rate_check CHECK (((fee_rate >= (0)::numeric) AND (fee_rate <= 0.5))),
    CONSTRAINT listings_min_per_buyer_check CHECK ((min_per_buyer >= 1)),
    CONSTRAINT listings_qty_check CHECK ((qty > 0)),
    CONSTRAINT listings_reference_price_check CHECK ((reference_price > 0)),
    CONSTRAINT listings_unit_price_check CHECK ((unit_price > 0))
);

ALTER TABLE app_public.listings OWNER TO guildbank_owner;

--
-- Name: TABLE listings; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.listings IS '@behavior -insert -update -delete
A member''s offer of items at a unit price. Listing moves the items out of the seller''s inventory into the listing (escrowed goods); qty_available counts units not yet in an order.';

--
-- Name: COLUMN listings.unit_price; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.listings.unit_price IS 'Coins per unit.';

--
-- Name: COLUMN listings.fee_rate; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.listings.fee_rate IS 'The marketplace fee rate of this listing, fixed by its fee band when listed or repriced.';

--
-- Name: COLUMN listings.reference_price; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.listings.reference_price IS 'The reference price (7-day median or catalogue price, times the scarcity multiplier) the guards used.';

--
-- Name: close_listing(uuid, app_public.listing_status, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.close_listing(p_listing_id uuid, p_status app_public.listing_status, p_at timestamp with time zone) RETURNS app_public.listings
    LANGUAGE plpgsql
    AS $$
declare
  v_listing app_public.listings;
begin
  select * into v_listing from app_public.listings where listing_id = p_listing_id for update;
  if v_listing.qty_available > 0 then
    perform app_private.inventory_add(v_listing.seller_id, v_listing.sku, v_listing.qty_available);
  end if;
  update app_public.listings set status = p_status, qty_available = 0, closed_at = p_at
   where listing_id = p_listing_id returning * into v_listing;
  return v_listing;
end;
$$;

ALTER FUNCTION app_private.close_listing(p_listing_id uuid, p_status app_public.listing_status, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION close_listing(p_listing_id uuid, p_status app_public.listing_status, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.close_listing(p_listing_id uuid, p_status app_public.listing_status, p_at timestamp with time zone) IS 'Ends a listing (cancelled or expired): its unsold units go back to the seller''s inventory. Units in pending orders stay with those orders (a later refund returns them to the seller).';

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
-- Name: card_trades; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.card_trades (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    guild_id bigint NOT NULL,
    proposer_id bigint NOT NULL,
    recipient_id bigint NOT NULL,
    status app_public.card_trade_status DEFAULT 'open'::app_public.card_trade_status NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    proposer_confirmed integer,
    recipient_confirmed integer,
    expires_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    closed_at timestamp with time zone,
    CONSTRAINT card_trades_check CHECK ((proposer_id <> recipient_id)),
    CONSTRAINT card_trades_check1 CHECK (((status = 'open'::app_public.card_trade_status) = (closed_at IS NULL))),
    CONSTRAINT card_trades_version_check CHECK ((version >= 1))
);

ALTER TABLE app_public.card_trades OWNER TO guildbank_owner;

--
-- Name: TABLE card_trades; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.card_trades IS '@behavior -insert -update -delete
Trades between two members: cards and currencies each way. Each side confirms the current version; a revision bumps the version (old confirmations no longer count); when both confirmed the same version, the swap happens in that transaction.';

--
-- Name: confirm_trade_for(bigint, uuid, integer, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.confirm_trade_for(p_user_id bigint, p_trade_id uuid, p_version integer, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.card_trades
    LANGUAGE plpgsql
    AS $$
declare
  v app_public.card_trades;
begin
  select * into v from app_public.card_trades where id = p_trade_id;
  if v.id is null or p_user_id not in (v.proposer_id, v.recipient_id) then
    perform app_private.raise_error('TD001', 'trade_not_found', jsonb_build_object('trade_id', p_trade_id));
  end if;
  perform 1 from app_private.lock_members(array[v.proposer_id, v.recipient_id]);
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

ALTER FUNCTION app_private.confirm_trade_for(p_user_id bigint, p_trade_id uuid, p_version integer, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION confirm_trade_for(p_user_id bigint, p_trade_id uuid, p_version integer, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.confirm_trade_for(p_user_id bigint, p_trade_id uuid, p_version integer, p_at timestamp with time zone) IS 'The trade confirmation rule at an explicit time. See app_public.confirm_trade.';

--
-- Name: create_listing_for(bigint, text, integer, bigint, integer, integer, integer, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.create_listing_for(p_user_id bigint, p_sku text, p_qty integer, p_unit_price bigint, p_expires_in_hours integer, p_min_per_buyer integer, p_max_per_buyer integer, p_key text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.listings
    LANGUAGE plpgsql
    AS $$
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

ALTER FUNCTION app_private.create_listing_for(p_user_id bigint, p_sku text, p_qty integer, p_unit_price bigint, p_expires_in_hours integer, p_min_per_buyer integer, p_max_per_buyer integer, p_key text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION create_listing_for(p_user_id bigint, p_sku text, p_qty integer, p_unit_price bigint, p_expires_in_hours integer, p_min_per_buyer integer, p_max_per_buyer integer, p_key text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.create_listing_for(p_user_id bigint, p_sku text, p_qty integer, p_unit_price bigint, p_expires_in_hours integer, p_min_per_buyer integer, p_max_per_buyer integer, p_key text, p_at timestamp with time zone) IS 'The listing rule at an explicit time. See app_public.create_listing.';

--
-- Name: current_discord_role_ids(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.current_discord_role_ids() RETURNS bigint[]
    LANGUAGE sql STABLE
    AS $_$
  select case when coalesce(current_setting('app.discord_role_ids', true), '') ~ '^\{[0-9,]*\}$'
              then current_setting('app.discord_role_ids', true)::bigint[] end;
$_$;

ALTER FUNCTION app_private.current_discord_role_ids() OWNER TO guildbank_owner;

--
-- Name: FUNCTION current_discord_role_ids(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.current_discord_role_ids() IS 'The Discord role ids of the calling member, from the transaction-local claim app.discord_role_ids that the bot sets from the interaction (a Postgres array literal such as {1,2}); null when no trusted process stated them (the panel and GraphQL never do), so a task that requires a role can only be claimed in Discord. Source: issue 14 ("required role").';

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
-- Name: draw_card_for(bigint, text, text, bigint[], text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.draw_card_for(p_user_id bigint, p_pack text, p_currency text, p_role_ids bigint[], p_key text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.user_cards
    LANGUAGE plpgsql
    AS $$
declare
  v_user app_public.users;
  v_replay jsonb;
  v_open app_public.pack_openings;
  v app_public.user_cards;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'draw_card', 'pack', p_pack, 'currency', p_currency));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.user_cards, v_replay);
  end if;
  v_open := app_private.open_pack_for(p_user_id, p_pack, p_currency, p_role_ids, null, p_at);
  v := app_private.pick_card_for(p_user_id, v_open.id, 0, p_at);
  update app_public.user_cards set origin = 'draw' where id = v.id returning * into v;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v));
  return v;
end;
$$;

ALTER FUNCTION app_private.draw_card_for(p_user_id bigint, p_pack text, p_currency text, p_role_ids bigint[], p_key text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION draw_card_for(p_user_id bigint, p_pack text, p_currency text, p_role_ids bigint[], p_key text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.draw_card_for(p_user_id bigint, p_pack text, p_currency text, p_role_ids bigint[], p_key text, p_at timestamp with time zone) IS 'The draw rule at an explicit time. See app_public.draw_card.';

--
-- Name: card_draws; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.card_draws (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    user_id bigint NOT NULL,
    discord_id bigint NOT NULL,
    seed_id bigint NOT NULL,
    nonce integer NOT NULL,
    opening_id uuid,
    slot integer NOT NULL,
    pack_type_id bigint NOT NULL,
    roll integer NOT NULL,
    rarity_rolled app_public.card_rarity NOT NULL,
    rarity app_public.card_rarity NOT NULL,
    pool_size integer NOT NULL,
    pick_index integer NOT NULL,
    template_id bigint NOT NULL,
    card_id bigint,
    drawn_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT card_draws_check CHECK (((pick_index >= 0) AND (pick_index < pool_size))),
    CONSTRAINT card_draws_nonce_check CHECK ((nonce >= 0)),
    CONSTRAINT card_draws_pool_size_check CHECK ((pool_size > 0)),
    CONSTRAINT card_draws_roll_check CHECK (((roll >= 0) AND (roll <= 9999))),
    CONSTRAINT card_draws_slot_check CHECK ((slot >= 0))
);

ALTER TABLE app_public.card_draws OWNER TO guildbank_owner;

--
-- Name: TABLE card_draws; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.card_draws IS '@behavior -insert -update -delete
Every draw with what makes it verifiable: the seed, the member''s Discord id and nonce (HMAC-SHA256(seed, "discord_id:nonce")), the roll (0-9999) and the rarity it gives under the pack''s rates, the rarity given (a guarantee or an empty pool can change it), the pool size and index of the template.';

--
-- Name: draw_cards(bigint, bigint, integer, uuid, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.draw_cards(p_user_id bigint, p_pack_type_id bigint, p_count integer, p_opening_id uuid, p_at timestamp with time zone DEFAULT now()) RETURNS SETOF app_public.card_draws
    LANGUAGE plpgsql
    AS $$
declare
  v_user app_public.users;
  v_pack app_public.pack_types;
  v_rates integer[];
  v_seed_id bigint;
  v_secret bytea;
  v_first integer;
  v_h bytea;
  v_roll integer;
  v_rolled app_public.card_rarity;
  v_rarity app_public.card_rarity;
  v_best app_public.card_rarity;
  v_pool integer;
  v_index integer;
  v_template bigint;
  v_order app_public.card_rarity[];
  v_draw app_public.card_draws;
  v_ipad bytea := '\x'::bytea;
  v_opad bytea := '\x'::bytea;
begin
  select * into v_user from app_public.users where id = p_user_id;
  select * into v_pack from app_public.pack_types where id = p_pack_type_id;
  v_rates := array[v_pack.rate_common, v_pack.rate_rare, v_pack.rate_epic, v_pack.rate_legendary, v_pack.rate_mythic];
  v_seed_id := app_private.fair_seed_for(v_user.guild_id, p_at);
  -- FOR SHARE: a rotation (FOR UPDATE) waits until the draws made with this seed have committed.
  perform 1 from app_public.fair_seeds where id = v_seed_id for share;
  select seed into v_secret from app_private.fair_seed_secrets where seed_id = v_seed_id;
  -- HMAC-SHA256 key pads, computed once per call (app_public.fair_value computes the same HMAC from scratch).
  for i in 0 .. 63 loop
    v_ipad := v_ipad || decode(lpad(to_hex(case when i < 32 then get_byte(v_secret, i) else 0 end # 54), 2, '0'), 'hex');
    v_opad := v_opad || decode(lpad(to_hex(case when i < 32 then get_byte(v_secret, i) else 0 end # 92), 2, '0'), 'hex');
  end loop;
  insert into app_private.fair_nonces as n (seed_id, discord_id, next_nonce) values (v_seed_id, v_user.discord_id, p_count)
    on conflict (seed_id, discord_id) do update set next_nonce = n.next_nonce + p_count
    returning n.next_nonce - p_count into v_first;
  for v_slot in 0 .. p_count - 1 loop
    v_h := sha256(v_opad || sha256(v_ipad || convert_to(v_user.discord_id::text || ':' || (v_first + v_slot)::text, 'UTF8')));
    v_roll := (('x' || encode(substring(v_h from 1 for 6), 'hex'))::bit(48)::bigint % 10000)::integer;
    v_rolled := app_public.rarity_for_roll(v_roll, v_rates);
    v_rarity := v_rolled;
    -- Guarantee: the last card of a pack is raised to the guaranteed rarity when no card so far reached it.
    if v_pack.guarantee is not null and v_slot = p_count - 1 and v_rarity < v_pack.guarantee
       and (v_best is null or v_best < v_pack.guarantee) then
      v_rarity := v_pack.guarantee;
    end if;
    -- An empty pool falls back to the nearest rarity with templates: first downwards, then upwards.
    v_order := array(select (enum_range(null::app_public.card_rarity))[i] from generate_series(1, 5) i
                      order by case when i <= array_position(enum_range(null::app_public.card_rarity), v_rarity)
                                    then array_position(enum_range(null::app_public.card_rarity), v_rarity) - i else i end);
    v_pool := 0;
    foreach v_rarity in array v_order loop
      select count(*) into v_pool from app_public.card_templates t
       where t.guild_id = v_user.guild_id and t.rarity = v_rarity and t.retired_at is null
         and (not t.temporary or t.event_id is not distinct from v_pack.event_id);
      exit when v_pool > 0;
    end loop;
    if v_pool = 0 then
      perform app_private.raise_error('CA014', 'empty_catalogue');
    end if;
    v_index := (('x' || encode(substring(v_h from 7 for 6), 'hex'))::bit(48)::bigint % v_pool)::integer;
    select t.id into v_template from app_public.card_templates t
     where t.guild_id = v_user.guild_id and t.rarity = v_rarity and t.retired_at is null
       and (not t.temporary or t.event_id is not distinct from v_pack.event_id)
     order by t.id offset v_index limit 1;
    v_best := greatest(v_best, v_rarity);
    insert into app_public.card_draws (guild_id, user_id, discord_id, seed_id, nonce, opening_id, slot, pack_type_id, roll,
        rarity_rolled, rarity, pool_size, pick_index, template_id, drawn_at)
      values (v_user.guild_id, p_user_id, v_user.discord_id, v_seed_id, v_first + v_slot, p_opening_id, v_slot, p_pack_type_id,
        v_roll, v_rolled, v_rarity, v_pool, v_index, v_template, p_at)
      returning * into v_draw;
    -- Members who wishlisted the template are told it dropped (for someone else).
    insert into app_public.card_notifications (guild_id, user_id, kind, payload, created_at)
      select w.guild_id, w.user_id, 'wishlist_drop',
             jsonb_build_object('template_id', v_template, 'drawn_by', v_user.discord_id::text, 'draw_id', v_draw.id), p_at
        from app_public.card_wishlists w where w.template_id = v_template and w.user_id <> p_user_id;
    return next v_draw;
  end loop;
end;
$$;

ALTER FUNCTION app_private.draw_cards(p_user_id bigint, p_pack_type_id bigint, p_count integer, p_opening_id uuid, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION draw_cards(p_user_id bigint, p_pack_type_id bigint, p_count integer, p_opening_id uuid, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.draw_cards(p_user_id bigint, p_pack_type_id bigint, p_count integer, p_opening_id uuid, p_at timestamp with time zone) IS 'Draws p_count cards for a pack opening, provably fair: each uses HMAC-SHA256(current server seed, "discord_id:nonce") (app_public.fair_value) with the member''s next nonces under that seed; roll = first 6 bytes mod 10000 gives the rarity under the pack''s rates (rarity_for_roll); the pack''s guarantee raises the last card when none reached it; an empty pool falls back to the nearest rarity with templates (down first); the template is the next 6 bytes mod the pool size, in id order, among non-retired templates (temporary ones only in their event''s packs); members who wishlisted the template are told (card_notifications wishlist_drop). Mints nothing. Errors: CA014 empty_catalogue. Source: issue 15 "Provably fair draws", "Packs".';

--
-- Name: ensure_card_catalogue(bigint); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.ensure_card_catalogue(p_guild_id bigint) RETURNS void
    LANGUAGE plpgsql
    AS $$
begin
  insert into app_public.card_settings (guild_id) values (p_guild_id) on conflict do nothing;
  insert into app_public.pack_types (guild_id, code, name, command, cards_per_pack, rate_common, rate_rare, rate_epic,
      rate_legendary, rate_mythic, cooldown_s, daily_free, guarantee)
    values (p_guild_id, 'standard-3', 'Standard pack', 'openpack', 3, 6200, 2300, 1000, 400, 100, 420, 1, null),
           (p_guild_id, 'premium-5', 'Premium pack', 'openpack', 5, 4500, 3000, 1500, 800, 200, 420, 0, 'epic'),
           (p_guild_id, 'single', 'Single draw', 'draw', 1, 6200, 2300, 1000, 400, 100, 120, 3, null)
    on conflict (guild_id, code) do nothing;
  insert into app_public.pack_costs (guild_id, pack_type_id, currency, amount)
    select p_guild_id, p.id, c.currency, c.amount
      from app_public.pack_types p
      join (values ('standard-3', 'NOTE', 200), ('standard-3', 'DISC', 1), ('premium-5', 'DISC', 5), ('premium-5', 'GEM', 1),
                   ('single', 'NOTE', 50)) c (code, currency, amount) on c.code = p.code
     where p.guild_id = p_guild_id
    on conflict do nothing;
  perform app_private.fair_seed_for(p_guild_id);
end;
$$;

ALTER FUNCTION app_private.ensure_card_catalogue(p_guild_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION ensure_card_catalogue(p_guild_id bigint); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.ensure_card_catalogue(p_guild_id bigint) IS 'Gives a guild its card settings, the default pack types (standard-3: 3 cards, common 62 %, rare 23 %, epic 10 %, legendary 4 %, mythic 1 %, 1 free a day or 200 Notes or 1 Disc, 7 min cooldown; premium-5: 5 cards with an epic or better guaranteed, 5 Discs or 1 Gem; single: the /draw pack, 3 free a day then 50 Notes, 2 min cooldown) and its first server seed; idempotent. Source: issue 15 "Packs" (the seed''s defaults).';

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
-- Name: execute_trade(uuid, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.execute_trade(p_trade_id uuid, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.card_trades
    LANGUAGE plpgsql
    AS $$
declare
  v app_public.card_trades;
  v_item app_public.card_trade_items;
  v_from bigint;
  v_to bigint;
  v_tx uuid;
  v_actor bigint;
begin
  select * into v from app_public.card_trades where id = p_trade_id;
  -- Lock order: both members (id order), then the copies (id order): a sale of the same copy waits here or wins first.
  perform 1 from app_private.lock_members(array[v.proposer_id, v.recipient_id]);
  perform 1 from app_public.user_cards c
   where c.id in (select i.card_id from app_public.card_trade_items i where i.trade_id = p_trade_id and i.card_id is not null)
   order by c.id for update;
  if exists (select 1 from app_public.users u where u.id in (v.proposer_id, v.recipient_id) and u.frozen) then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  perform app_private.trade_items_check(v.proposer_id, v.guild_id,
    array(select i.card_id from app_public.card_trade_items i where i.trade_id = p_trade_id and i.side = 'proposer' and i.card_id is not null),
    null);
  perform app_private.trade_items_check(v.recipient_id, v.guild_id,
    array(select i.card_id from app_public.card_trade_items i where i.trade_id = p_trade_id and i.side = 'recipient' and i.card_id is not null),
    null);
  select discord_id into v_actor from app_public.users where id = v.proposer_id;
  insert into app_public.transactions (guild_id, type, actor_id, user_id, counterparty_id, amount, currency, reason, meta, created_at)
    values (v.guild_id, 'spend', v_actor, v.proposer_id, v.recipient_id, 0, 'COIN', 'card_trade',
      jsonb_build_object('trade_id', v.id,
        'items', (select jsonb_agg(to_jsonb(i) - 'trade_id' - 'guild_id') from app_public.card_trade_items i where i.trade_id = v.id)), p_at)
    returning tx_id into v_tx;
  for v_item in select * from app_public.card_trade_items i where i.trade_id = p_trade_id order by i.side, i.card_id, i.currency loop
    v_from := case when v_item.side = 'proposer' then v.proposer_id else v.recipient_id end;
    v_to := case when v_item.side = 'proposer' then v.recipient_id else v.proposer_id end;
    if v_item.card_id is not null then
      update app_public.user_cards c set owner_id = v_to, obtained_at = p_at where c.id = v_item.card_id;
    else
      perform app_private.post_transfer(v.guild_id, app_private.ledger_account(v.guild_id, v_from, v_item.currency, 'wallet'),
        app_private.ledger_account(v.guild_id, v_to, v_item.currency, 'wallet'), v_item.amount, 'card_trade', v_tx,
        'posted', null, null, p_at);
    end if;
  end loop;
  update app_public.card_trades t set status = 'done', closed_at = p_at, updated_at = p_at where t.id = p_trade_id returning * into v;
  insert into app_public.card_notifications (guild_id, user_id, kind, payload, created_at)
    select v.guild_id, u, 'trade_done', jsonb_build_object('trade_id', v.id), p_at from unnest(array[v.proposer_id, v.recipient_id]) u;
  return v;
end;
$$;

ALTER FUNCTION app_private.execute_trade(p_trade_id uuid, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION execute_trade(p_trade_id uuid, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.execute_trade(p_trade_id uuid, p_at timestamp with time zone) IS 'The swap of a trade both members confirmed: locks both members then every copy, re-checks every item (owner, not locked, temporary or listed), moves the copies and posts each currency wallet to wallet, all in one transaction. Errors: FZ001, CA001, CA003, CA004, CA005, NF001 (nothing moves). Source: issue 15 "Trading" (one atomic swap).';

--
-- Name: fair_seed_for(bigint, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.fair_seed_for(p_guild_id bigint, p_at timestamp with time zone DEFAULT now()) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
declare
  v_id bigint;
  v_seed bytea;
begin
  select id into v_id from app_public.fair_seeds where guild_id = p_guild_id and rotated_at is null;
  if v_id is null then
    -- Two v4 UUIDs from pg_strong_random: 244 random bits (the version nibbles are fixed), hashed to 32 bytes.
    v_seed := sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
    insert into app_public.fair_seeds (guild_id, seed_hash, created_at)
      values (p_guild_id, encode(sha256(v_seed), 'hex'), p_at)
      on conflict (guild_id) where rotated_at is null do nothing
      returning id into v_id;
    if v_id is null then
      select id into v_id from app_public.fair_seeds where guild_id = p_guild_id and rotated_at is null;
    else
      insert into app_private.fair_seed_secrets (seed_id, seed) values (v_id, v_seed);
    end if;
  end if;
  return v_id;
end;
$$;

ALTER FUNCTION app_private.fair_seed_for(p_guild_id bigint, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION fair_seed_for(p_guild_id bigint, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.fair_seed_for(p_guild_id bigint, p_at timestamp with time zone) IS 'The guild''s current server seed (its id), created on first use: 32 random bytes kept in app_private, only their SHA-256 published in fair_seeds.seed_hash. Source: issue 15 "Provably fair draws".';

--
-- Name: fulfil_order_core(uuid, bigint, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.fulfil_order_core(p_order_id uuid, p_actor_id bigint, p_reason text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.orders
    LANGUAGE plpgsql
    AS $$
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
  perform app_private.settle_hold(v_order.hold_id, v_legs, v_tx, p_at);
  for v_line in select * from app_public.order_lines where order_id = p_order_id loop
    perform app_private.inventory_add(v_order.buyer_id, v_line.sku, v_line.qty);
  end loop;
  update app_public.orders
     set status = 'fulfilled', settled_at = p_at, settled_by = p_actor_id, settle_reason = p_reason,
         fulfilment_attempts = fulfilment_attempts + 1, last_error = null
   where order_id = p_order_id
  returning * into v_order;
  return v_order;
end;
$$;

ALTER FUNCTION app_private.fulfil_order_core(p_order_id uuid, p_actor_id bigint, p_reason text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION fulfil_order_core(p_order_id uuid, p_actor_id bigint, p_reason text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.fulfil_order_core(p_order_id uuid, p_actor_id bigint, p_reason text, p_at timestamp with time zone) IS 'Fulfils a pending order at most once: posts its hold (shop: all to the treasury; market: net to the seller''s wallet, fee to the fees account), delivers the goods to the buyer''s inventory, marks it fulfilled. Errors: OR001, OR002, LG003 hold_expired (an expired order can only be refunded).';

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
    perform app_private.raise_error('MB002', 'member_not_found', jsonb_build_object('discord_id', p_to_discord_id::text));
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
    perform app_private.raise_error('FZ002', 'recipient_frozen', jsonb_build_object('discord_id', p_to_discord_id::text));
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
-- Name: guild_account(bigint, app_public.account_kind); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.guild_account(p_guild_id bigint, p_kind app_public.account_kind) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$
  select id from app_public.accounts where guild_id = p_guild_id and user_id is null and currency = 'COIN' and kind = p_kind;
$$;

ALTER FUNCTION app_private.guild_account(p_guild_id bigint, p_kind app_public.account_kind) OWNER TO guildbank_owner;

--
-- Name: FUNCTION guild_account(p_guild_id bigint, p_kind app_public.account_kind); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.guild_account(p_guild_id bigint, p_kind app_public.account_kind) IS 'The guild''s COIN account of a kind (mint, treasury, fees).';

--
-- Name: hmac_sha256(bytea, bytea); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.hmac_sha256(p_key bytea, p_message bytea) RETURNS bytea
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
declare
  v_key bytea := p_key;
  v_ipad bytea := '\x'::bytea;
  v_opad bytea := '\x'::bytea;
  v_byte integer;
begin
  -- RFC 2104 with SHA-256 (block size 64 bytes); PostgreSQL has sha256() but not hmac() without pgcrypto.
  if length(v_key) > 64 then
    v_key := sha256(v_key);
  end if;
  v_key := v_key || decode(repeat('00', 64 - length(v_key)), 'hex');
  for i in 0 .. 63 loop
    v_byte := get_byte(v_key, i);
    v_ipad := v_ipad || decode(lpad(to_hex(v_byte # 54), 2, '0'), 'hex');
    v_opad := v_opad || decode(lpad(to_hex(v_byte # 92), 2, '0'), 'hex');
  end loop;
  return sha256(v_opad || sha256(v_ipad || p_message));
end;
$$;

ALTER FUNCTION app_private.hmac_sha256(p_key bytea, p_message bytea) OWNER TO guildbank_owner;

--
-- Name: FUNCTION hmac_sha256(p_key bytea, p_message bytea); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.hmac_sha256(p_key bytea, p_message bytea) IS 'HMAC-SHA256 (RFC 2104) of p_message under p_key, with PostgreSQL''s sha256(). Source: issue 15 "Provably fair draws".';

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
-- Name: http_request_begin(bigint, bigint, text, bytea); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.http_request_begin(p_guild_id bigint, p_actor_id bigint, p_key text, p_request_hash bytea) RETURNS TABLE(state text, status integer, body text, content_type text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_private.http_request_begin(p_guild_id bigint, p_actor_id bigint, p_key text, p_request_hash bytea) OWNER TO guildbank_owner;

--
-- Name: FUNCTION http_request_begin(p_guild_id bigint, p_actor_id bigint, p_key text, p_request_hash bytea); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.http_request_begin(p_guild_id bigint, p_actor_id bigint, p_key text, p_request_hash bytea) IS 'Claims an HTTP Idempotency-Key for a signed-in caller (scoped by guild and actor, stored as http:<key> in idempotency_keys with the SHA-256 of method, path and body). State new (run the request), replay (the stored answer), in_progress (the first request has not finished) or mismatch (the key was used for another request). Errors: IK002 idempotency_key_invalid. Source: issue #5, DESIGN.md "Idempotency".';

--
-- Name: http_request_finish(bigint, bigint, text, integer, text, text); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.http_request_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_status integer, p_body text, p_content_type text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_private.http_request_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_status integer, p_body text, p_content_type text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION http_request_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_status integer, p_body text, p_content_type text); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.http_request_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_status integer, p_body text, p_content_type text) IS 'Stores the answer (status, body, content type) of the request that claimed an HTTP Idempotency-Key; a null body (server error) releases the key instead. Source: issue #5.';

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
    LANGUAGE plpgsql
    AS $$
begin
  if p_key is not null then
    update app_private.idempotency_keys set result = p_result
     where guild_id = p_guild_id and actor_id = p_actor_id and key = p_key;
  end if;
end;
$$;

ALTER FUNCTION app_private.idempotency_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_result jsonb) OWNER TO guildbank_owner;

--
-- Name: FUNCTION idempotency_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_result jsonb); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.idempotency_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_result jsonb) IS 'Stores the result of a request under its idempotency key, in the same transaction as the request''s effect.';

--
-- Name: inventory_add(bigint, text, integer); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.inventory_add(p_user_id bigint, p_sku text, p_qty integer) RETURNS integer
    LANGUAGE sql
    AS $$
  insert into app_public.inventory (user_id, guild_id, sku, quantity)
    select p_user_id, u.guild_id, p_sku, p_qty from app_public.users u where u.id = p_user_id
  on conflict (user_id, sku) do update
    set quantity = app_public.inventory.quantity + excluded.quantity, updated_at = now()
  returning quantity;
$$;

ALTER FUNCTION app_private.inventory_add(p_user_id bigint, p_sku text, p_qty integer) OWNER TO guildbank_owner;

--
-- Name: FUNCTION inventory_add(p_user_id bigint, p_sku text, p_qty integer); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.inventory_add(p_user_id bigint, p_sku text, p_qty integer) IS 'Adds p_qty units of a SKU to a member''s inventory; returns the new quantity.';

--
-- Name: inventory_take(bigint, text, integer); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.inventory_take(p_user_id bigint, p_sku text, p_qty integer) RETURNS integer
    LANGUAGE plpgsql
    AS $$
declare
  v_have integer;
begin
  update app_public.inventory set quantity = quantity - p_qty, updated_at = now()
   where user_id = p_user_id and sku = p_sku and quantity >= p_qty
  returning quantity into v_have;
  if v_have is null then
    perform app_private.raise_error('IN001', 'insufficient_inventory', jsonb_build_object('sku', p_sku, 'needed', p_qty,
      'have', coalesce((select quantity from app_public.inventory where user_id = p_user_id and sku = p_sku), 0)));
  end if;
  return v_have;
end;
$$;

ALTER FUNCTION app_private.inventory_take(p_user_id bigint, p_sku text, p_qty integer) OWNER TO guildbank_owner;

--
-- Name: FUNCTION inventory_take(p_user_id bigint, p_sku text, p_qty integer); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.inventory_take(p_user_id bigint, p_sku text, p_qty integer) IS 'Removes p_qty units from a member''s inventory; IN001 insufficient_inventory when they own fewer.';

--
-- Name: ledger_account(bigint, bigint, text, app_public.account_kind); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.ledger_account(p_guild_id bigint, p_user_id bigint, p_currency text, p_kind app_public.account_kind) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
declare
  v_id bigint;
begin
  if p_user_id is null then
    select id into v_id from app_public.accounts
     where guild_id = p_guild_id and user_id is null and currency = p_currency and kind = p_kind;
    if v_id is null then
      insert into app_public.accounts (guild_id, currency, kind) values (p_guild_id, p_currency, p_kind)
        on conflict (guild_id, currency, kind) where user_id is null do nothing;
      select id into v_id from app_public.accounts
       where guild_id = p_guild_id and user_id is null and currency = p_currency and kind = p_kind;
    end if;
  else
    select id into v_id from app_public.accounts where user_id = p_user_id and currency = p_currency and kind = p_kind;
    if v_id is null then
      insert into app_public.accounts (guild_id, user_id, currency, kind) values (p_guild_id, p_user_id, p_currency, p_kind)
        on conflict (user_id, currency, kind) where user_id is not null do nothing;
      select id into v_id from app_public.accounts where user_id = p_user_id and currency = p_currency and kind = p_kind;
    end if;
  end if;
  return v_id;
end;
$$;

ALTER FUNCTION app_private.ledger_account(p_guild_id bigint, p_user_id bigint, p_currency text, p_kind app_public.account_kind) OWNER TO guildbank_owner;

--
-- Name: FUNCTION ledger_account(p_guild_id bigint, p_user_id bigint, p_currency text, p_kind app_public.account_kind); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.ledger_account(p_guild_id bigint, p_user_id bigint, p_currency text, p_kind app_public.account_kind) IS 'The ledger account of a member (wallet, escrow) or of the guild (mint, treasury, fees) in any currency, created on first use (the card currencies NOTE, DISC, GEM open their accounts this way). Source: DESIGN.md "Several currencies, one ledger"; issue 15 "Currencies".';

--
-- Name: minecraft_links; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.minecraft_links (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    user_id bigint NOT NULL,
    ign text NOT NULL,
    linked_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT minecraft_links_ign_check CHECK ((ign ~ '^[A-Za-z0-9_]{3,16}$'::text))
);

ALTER TABLE app_public.minecraft_links OWNER TO guildbank_owner;

--
-- Name: TABLE minecraft_links; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.minecraft_links IS '@behavior -insert -update -delete
A member''s Minecraft name (IGN) in a guild: payments from it credit the member, payouts go to it. One IGN per member, one member per IGN (case-insensitive).';

--
-- Name: link_ign(bigint, bigint, text); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.link_ign(p_guild_id bigint, p_user_id bigint, p_ign text) RETURNS app_public.minecraft_links
    LANGUAGE plpgsql
    AS $$
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

ALTER FUNCTION app_private.link_ign(p_guild_id bigint, p_user_id bigint, p_ign text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION link_ign(p_guild_id bigint, p_user_id bigint, p_ign text); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.link_ign(p_guild_id bigint, p_user_id bigint, p_ign text) IS 'Links (or re-links) a member to an IGN. MC001 invalid_ign; MC002 ign_taken when another member of the guild has it (case-insensitive). Used by app_public.link_minecraft, tests and the seed. Source: issue #6, seed 004 ("Link Minecraft").';

--
-- Name: list_card_for(bigint, bigint, bigint, text, integer, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.list_card_for(p_user_id bigint, p_card_id bigint, p_price bigint, p_currency text, p_hours integer, p_key text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.card_listings
    LANGUAGE plpgsql
    AS $$
declare
  v_user app_public.users;
  v_settings app_public.card_settings;
  v_replay jsonb;
  v_card app_public.user_cards;
  v app_public.card_listings;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
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

ALTER FUNCTION app_private.list_card_for(p_user_id bigint, p_card_id bigint, p_price bigint, p_currency text, p_hours integer, p_key text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION list_card_for(p_user_id bigint, p_card_id bigint, p_price bigint, p_currency text, p_hours integer, p_key text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.list_card_for(p_user_id bigint, p_card_id bigint, p_price bigint, p_currency text, p_hours integer, p_key text, p_at timestamp with time zone) IS 'The card listing rule at an explicit time. See app_public.list_card.';

--
-- Name: listing_for_change(uuid, text); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.listing_for_change(p_listing_id uuid, p_reason text, OUT listing app_public.listings, OUT actor_role app_public.staff_role, OUT is_seller boolean) RETURNS record
    LANGUAGE plpgsql
    AS $$
declare
  v_caller app_public.users;
begin
  if app_public.current_guild_id() is null or app_public.current_discord_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  select * into listing from app_public.listings l
   where l.listing_id = p_listing_id and l.guild_id = app_public.current_guild_id();
  if listing.listing_id is null then
    perform app_private.raise_error('MK001', 'listing_not_found', jsonb_build_object('listing_id', p_listing_id));
  end if;
  select * into v_caller from app_public.users u
   where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id();
  is_seller := coalesce(v_caller.id = listing.seller_id, false) and current_setting('role', true) <> 'coins_staff';
  if not is_seller then
    actor_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
    if p_reason is null or length(btrim(p_reason)) < 3 then
      perform app_private.raise_error('RS001', 'reason_required');
    end if;
    if v_caller.id = listing.seller_id then
      perform app_private.raise_error('PD002', 'self_action_forbidden');
    end if;
  end if;
  perform 1 from app_private.lock_members(array[listing.seller_id]);
  select * into listing from app_public.listings l where l.listing_id = p_listing_id for update;
  if listing.status not in ('active', 'sold') then
    perform app_private.raise_error('MK002', 'listing_not_active', jsonb_build_object('status', listing.status));
  end if;
end;
$$;

ALTER FUNCTION app_private.listing_for_change(p_listing_id uuid, p_reason text, OUT listing app_public.listings, OUT actor_role app_public.staff_role, OUT is_seller boolean) OWNER TO guildbank_owner;

--
-- Name: FUNCTION listing_for_change(p_listing_id uuid, p_reason text, OUT listing app_public.listings, OUT actor_role app_public.staff_role, OUT is_seller boolean); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.listing_for_change(p_listing_id uuid, p_reason text, OUT listing app_public.listings, OUT actor_role app_public.staff_role, OUT is_seller boolean) IS 'Resolves who may change a listing: its seller, or staff (SUPERADMIN, ADMIN, OPERATOR) with a reason. Locks the seller and the listing. Errors: AU001, MK001 listing_not_found, PD001, RS001, PD002 (staff overriding their own listing), MK002 listing_not_active.';

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
-- Name: COLUMN transfers.guild_id; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.transfers.guild_id IS 'The guild of both accounts (set by post_transfer from the accounts it locks; verify_ledger checks it).';

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

ALTER FUNCTION app_private.lock_hold(p_hold_id bigint, p_credits jsonb) OWNER TO guildbank_owner;

--
-- Name: FUNCTION lock_hold(p_hold_id bigint, p_credits jsonb); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.lock_hold(p_hold_id bigint, p_credits jsonb) IS 'Locks the members a hold''s resolution touches (hold accounts and settlement legs), then the hold; returns it. LG001 when the transfer is not a hold (holds are the transfers with a timeout), LG002 hold_already_resolved.';

--
-- Name: lock_members(bigint[]); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.lock_members(p_user_ids bigint[]) RETURNS SETOF app_public.users
    LANGUAGE plpgsql
    AS $$
begin
  return query select * from app_public.users where id = any (p_user_ids) order by id for no key update;
end;
$$;

ALTER FUNCTION app_private.lock_members(p_user_ids bigint[]) OWNER TO guildbank_owner;

--
-- Name: FUNCTION lock_members(p_user_ids bigint[]); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.lock_members(p_user_ids bigint[]) IS 'Locks member rows in id order. Every rule that moves a member''s funds calls it before touching the ledger, so locks are always taken members first, then accounts (both in id order): no deadlocks.';

--
-- Name: lock_order(uuid); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.lock_order(p_order_id uuid) RETURNS app_public.orders
    LANGUAGE plpgsql
    AS $$
declare
  v_order app_public.orders;
begin
  select * into v_order from app_public.orders where order_id = p_order_id;
  if v_order.order_id is null then
    perform app_private.raise_error('OR001', 'order_not_found', jsonb_build_object('order_id', p_order_id));
  end if;
  perform 1 from app_private.lock_members(array[v_order.buyer_id, v_order.seller_id]);
  select * into v_order from app_public.orders where order_id = p_order_id for update;
  if v_order.status <> 'pending' then
    perform app_private.raise_error('OR002', 'order_not_pending', jsonb_build_object('status', v_order.status));
  end if;
  return v_order;
end;
$$;

ALTER FUNCTION app_private.lock_order(p_order_id uuid) OWNER TO guildbank_owner;

--
-- Name: FUNCTION lock_order(p_order_id uuid); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.lock_order(p_order_id uuid) IS 'Locks an order''s members then the order; OR001 order_not_found, OR002 order_not_pending (settled already).';

--
-- Name: mcd_account(bigint, bigint, app_public.account_kind); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.mcd_account(p_guild_id bigint, p_user_id bigint, p_kind app_public.account_kind) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
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

ALTER FUNCTION app_private.mcd_account(p_guild_id bigint, p_user_id bigint, p_kind app_public.account_kind) OWNER TO guildbank_owner;

--
-- Name: FUNCTION mcd_account(p_guild_id bigint, p_user_id bigint, p_kind app_public.account_kind); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.mcd_account(p_guild_id bigint, p_user_id bigint, p_kind app_public.account_kind) IS 'The MCD (Minecraft dollars, scale 2) ledger account of a member (wallet, escrow) or of the guild (external: the in-game money the listener''s Minecraft account holds, may go negative; treasury: unmatched payments), created on first use. Source: DESIGN.md "Money" (account kind external).';

--
-- Name: median_7d(bigint, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.median_7d(p_guild_id bigint, p_sku text, p_at timestamp with time zone DEFAULT now()) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$
  -- The median over units (a line of qty n counts n times), without expanding lines: the prices
  -- at positions floor((N + 1) / 2) and floor(N / 2) + 1 of the N units sold, averaged.
  with sales as (
    select ol.unit_price, ol.qty::bigint as qty
      from app_public.order_lines ol
      join app_public.orders o on o.order_id = ol.order_id
     where ol.guild_id = p_guild_id and ol.sku = p_sku and o.kind = 'market' and o.status = 'fulfilled'
       and o.settled_at > p_at - interval '7 days' and o.settled_at <= p_at
  ), ranked as (
    select unit_price, sum(qty) over (order by unit_price rows unbounded preceding) as cum, sum(qty) over () as total
      from sales
  )
  select round((min(unit_price) filter (where cum >= floor((total + 1) / 2.0))
              + min(unit_price) filter (where cum >= floor(total / 2.0) + 1)) / 2.0)::bigint
    from ranked;
$$;

ALTER FUNCTION app_private.median_7d(p_guild_id bigint, p_sku text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION median_7d(p_guild_id bigint, p_sku text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.median_7d(p_guild_id bigint, p_sku text, p_at timestamp with time zone) IS 'Median unit price (coins) of the SKU''s marketplace sales fulfilled in the 7 days before p_at, each unit sold one observation (percentile_cont(0.5) over units, computed from running quantities); null without sales.';

--
-- Name: member_account(bigint, app_public.account_kind); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.member_account(p_user_id bigint, p_kind app_public.account_kind) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$
  select id from app_public.accounts where user_id = p_user_id and currency = 'COIN' and kind = p_kind;
$$;

ALTER FUNCTION app_private.member_account(p_user_id bigint, p_kind app_public.account_kind) OWNER TO guildbank_owner;

--
-- Name: FUNCTION member_account(p_user_id bigint, p_kind app_public.account_kind); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.member_account(p_user_id bigint, p_kind app_public.account_kind) IS 'The member''s COIN account of a kind (wallet, escrow).';

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
-- Name: mint_card(bigint, bigint, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.mint_card(p_template_id bigint, p_user_id bigint, p_origin text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.user_cards
    LANGUAGE plpgsql
    AS $$
declare
  v_t app_public.card_templates;
  v_expires timestamptz;
  v app_public.user_cards;
begin
  -- The template's row lock serialises minting: print numbers are unique and gap-free (a rolled-back mint rolls the
  -- counter back with it).
  update app_public.card_templates t set copies_created = t.copies_created + 1
   where t.id = p_template_id returning * into v_t;
  if v_t.temporary then
    select ends_at into v_expires from app_public.card_events where id = v_t.event_id;
  end if;
  insert into app_public.user_cards (guild_id, template_id, owner_id, print_no, temporary, expires_at, origin, obtained_at)
    values (v_t.guild_id, v_t.id, p_user_id, v_t.copies_created, v_t.temporary, v_expires, p_origin, p_at)
    returning * into v;
  return v;
end;
$$;

ALTER FUNCTION app_private.mint_card(p_template_id bigint, p_user_id bigint, p_origin text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION mint_card(p_template_id bigint, p_user_id bigint, p_origin text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.mint_card(p_template_id bigint, p_user_id bigint, p_origin text, p_at timestamp with time zone) IS 'Mints the next copy of a template for a member: print number = copies_created + 1 under the template''s row lock (unique, gap-free, equal to copies_created); a temporary template''s copy expires at its event''s end. Source: issue 15 "Catalogue" (print number), seed 002 "Card model".';

--
-- Name: pack_openings; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.pack_openings (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    guild_id bigint NOT NULL,
    user_id bigint NOT NULL,
    pack_type_id bigint NOT NULL,
    status app_public.pack_opening_status DEFAULT 'open'::app_public.pack_opening_status NOT NULL,
    free boolean NOT NULL,
    currency text,
    amount bigint DEFAULT 0 NOT NULL,
    rates integer[] NOT NULL,
    picked_slot integer,
    card_id bigint,
    channel_id bigint,
    opened_at timestamp with time zone DEFAULT now() NOT NULL,
    picked_at timestamp with time zone,
    CONSTRAINT pack_openings_amount_check CHECK ((amount >= 0)),
    CONSTRAINT pack_openings_check CHECK (((status = 'picked'::app_public.pack_opening_status) = (picked_at IS NOT NULL))),
    CONSTRAINT pack_openings_check1 CHECK ((free = (currency IS NULL))),
    CONSTRAINT pack_openings_rates_check CHECK ((cardinality(rates) = 5))
);

ALTER TABLE app_public.pack_openings OWNER TO guildbank_owner;

--
-- Name: TABLE pack_openings; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.pack_openings IS '@behavior -insert -update -delete
Opened packs: the drawn cards are card_draws rows; nothing is minted until the member picks one (status picked, card_id the minted copy).';

--
-- Name: open_pack_for(bigint, text, text, bigint[], text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.open_pack_for(p_user_id bigint, p_pack text, p_currency text, p_role_ids bigint[], p_key text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.pack_openings
    LANGUAGE plpgsql
    AS $$
declare
  v_user app_public.users;
  v_pack app_public.pack_types;
  v_event app_public.card_events;
  v_replay jsonb;
  v_tx uuid;
  v_amount bigint;
  v app_public.pack_openings;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'open_pack', 'pack', p_pack, 'currency', p_currency));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.pack_openings, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  select * into v_pack from app_public.pack_types where guild_id = v_user.guild_id and code = p_pack;
  if v_pack.id is null then
    perform app_private.raise_error('CA007', 'pack_not_found', jsonb_build_object('pack', p_pack));
  end if;
  select * into v_event from app_public.card_events where id = v_pack.event_id;
  if not v_pack.active or (v_pack.event_id is not null and not (p_at >= v_event.starts_at and p_at < v_event.ends_at)) then
    perform app_private.raise_error('CA008', 'pack_not_available', jsonb_build_object('pack', p_pack));
  end if;
  perform app_private.card_cooldown(p_user_id, v_pack.command, v_pack.cooldown_s, p_role_ids, p_at);
  if p_currency is not null then
    perform app_private.card_currency(v_user.guild_id, p_currency);
    select amount into v_amount from app_public.pack_costs where pack_type_id = v_pack.id and currency = p_currency;
    if v_amount is null then
      perform app_private.raise_error('CA009', 'currency_not_used', jsonb_build_object('currency', p_currency, 'pack', v_pack.code));
    end if;
    insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, currency, reason, meta, created_at)
      values (v_user.guild_id, 'spend', v_user.discord_id, p_user_id, v_amount, p_currency, 'card_pack',
        jsonb_build_object('pack', v_pack.code), p_at)
      returning tx_id into v_tx;
  end if;
  v_amount := app_private.pay_for_pack(p_user_id, v_pack.id, p_currency, v_tx, p_at);
  insert into app_public.pack_openings (guild_id, user_id, pack_type_id, free, currency, amount, rates, opened_at)
    values (v_user.guild_id, p_user_id, v_pack.id, p_currency is null, p_currency, v_amount,
      array[v_pack.rate_common, v_pack.rate_rare, v_pack.rate_epic, v_pack.rate_legendary, v_pack.rate_mythic], p_at)
    returning * into v;
  perform 1 from app_private.draw_cards(p_user_id, v_pack.id, v_pack.cards_per_pack, v.id, p_at);
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v));
  return v;
end;
$$;

ALTER FUNCTION app_private.open_pack_for(p_user_id bigint, p_pack text, p_currency text, p_role_ids bigint[], p_key text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION open_pack_for(p_user_id bigint, p_pack text, p_currency text, p_role_ids bigint[], p_key text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.open_pack_for(p_user_id bigint, p_pack text, p_currency text, p_role_ids bigint[], p_key text, p_at timestamp with time zone) IS 'The open-pack rule at an explicit time. See app_public.open_pack.';

--
-- Name: open_panel_session(bytea, bytea, bigint, bigint, app_public.staff_role, integer, integer); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.open_panel_session(p_access_hash bytea, p_refresh_hash bytea, p_guild_id bigint, p_discord_id bigint, p_staff_role app_public.staff_role, p_access_ttl_s integer, p_refresh_ttl_s integer) RETURNS app_private.session_claims
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_private.open_panel_session(p_access_hash bytea, p_refresh_hash bytea, p_guild_id bigint, p_discord_id bigint, p_staff_role app_public.staff_role, p_access_ttl_s integer, p_refresh_ttl_s integer) OWNER TO guildbank_owner;

--
-- Name: FUNCTION open_panel_session(p_access_hash bytea, p_refresh_hash bytea, p_guild_id bigint, p_discord_id bigint, p_staff_role app_public.staff_role, p_access_ttl_s integer, p_refresh_ttl_s integer); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.open_panel_session(p_access_hash bytea, p_refresh_hash bytea, p_guild_id bigint, p_discord_id bigint, p_staff_role app_public.staff_role, p_access_ttl_s integer, p_refresh_ttl_s integer) IS 'Opens a panel staff session after a Discord sign-in: an access token valid p_access_ttl_s seconds and a refresh token; the session ends p_refresh_ttl_s after sign-in whatever the refreshes (so a changed Discord role is applied at the next sign-in, at the latest then). Only SHA-256 hashes are stored. Errors: MB003 guild_not_found, VL001 invalid_argument (ttls, hashes, missing role). Source: issue #5 "Sign-in and sessions".';

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
    perform app_private.raise_error('MB003', 'guild_not_found', jsonb_build_object('guild_id', p_guild_id::text));
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
-- Name: order_snapshot(uuid); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.order_snapshot(p_order_id uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
  select to_jsonb(o) - 'updated_at' || jsonb_build_object('lines',
    (select jsonb_agg(jsonb_build_object('sku', l.sku, 'qty', l.qty, 'unit_price', l.unit_price, 'listing_id', l.listing_id))
       from app_public.order_lines l where l.order_id = o.order_id))
    from app_public.orders o where o.order_id = p_order_id;
$$;

ALTER FUNCTION app_private.order_snapshot(p_order_id uuid) OWNER TO guildbank_owner;

--
-- Name: FUNCTION order_snapshot(p_order_id uuid); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.order_snapshot(p_order_id uuid) IS 'An order with its lines, for audit snapshots and idempotent replies.';

--
-- Name: order_violations(bigint); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.order_violations(p_guild_id bigint) RETURNS SETOF app_public.ledger_violation
    LANGUAGE sql STABLE
    AS $$
  select 'order_state_matches_hold', o.guild_id, 'COIN'::text, t.credit_account_id, o.escrow, t.amount
    from app_public.orders o join app_public.transfers t on t.id = o.hold_id
   where (p_guild_id is null or o.guild_id = p_guild_id)
     and ((o.status = 'pending' and t.status <> 'pending')
          or (o.status = 'fulfilled' and t.status <> 'posted')
          or (o.status in ('refunded', 'cancelled') and t.status <> 'voided')
          or t.amount <> o.escrow)
  union all
  select * from app_private.transfer_scope_violations(p_guild_id);
$$;

ALTER FUNCTION app_private.order_violations(p_guild_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION order_violations(p_guild_id bigint); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.order_violations(p_guild_id bigint) IS 'Order invariant (DESIGN.md "Money"): an order in a final state has no pending transfer; fulfilled orders posted their hold, refunded and cancelled ones voided it, pending ones still hold it, for exactly the escrow amount. Also reports transfers whose guild or currency differ from their accounts'' (transfer_scope_violations).';

--
-- Name: pay_for_pack(bigint, bigint, text, uuid, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.pay_for_pack(p_user_id bigint, p_pack_type_id bigint, p_currency text, p_tx_id uuid, p_at timestamp with time zone DEFAULT now()) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
declare
  v_user app_public.users;
  v_pack app_public.pack_types;
  v_amount bigint;
  v_used integer;
begin
  select * into v_user from app_public.users where id = p_user_id;
  select * into v_pack from app_public.pack_types where id = p_pack_type_id;
  if p_currency is null then
    select count(*) into v_used from app_public.pack_openings o
     where o.user_id = p_user_id and o.pack_type_id = p_pack_type_id and o.free
       and o.opened_at >= date_trunc('day', p_at at time zone 'UTC') at time zone 'UTC';
    if v_used >= v_pack.daily_free then
      perform app_private.raise_error('CA015', 'no_free_pack', jsonb_build_object('pack', v_pack.code,
        'used', v_used, 'allowed', v_pack.daily_free));
    end if;
    return 0;
  end if;
  perform app_private.card_currency(v_user.guild_id, p_currency);
  select amount into v_amount from app_public.pack_costs where pack_type_id = p_pack_type_id and currency = p_currency;
  if v_amount is null then
    perform app_private.raise_error('CA009', 'currency_not_used', jsonb_build_object('currency', p_currency, 'pack', v_pack.code));
  end if;
  -- A pack's price is a sink: it goes back to the guild's mint of that currency.
  perform app_private.post_transfer(v_user.guild_id, app_private.ledger_account(v_user.guild_id, p_user_id, p_currency, 'wallet'),
    app_private.ledger_account(v_user.guild_id, null, p_currency, 'mint'), v_amount, 'card_pack', p_tx_id, 'posted', null, null, p_at);
  return v_amount;
end;
$$;

ALTER FUNCTION app_private.pay_for_pack(p_user_id bigint, p_pack_type_id bigint, p_currency text, p_tx_id uuid, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION pay_for_pack(p_user_id bigint, p_pack_type_id bigint, p_currency text, p_tx_id uuid, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.pay_for_pack(p_user_id bigint, p_pack_type_id bigint, p_currency text, p_tx_id uuid, p_at timestamp with time zone) IS 'Pays for a pack: with p_currency null, one of the pack''s free opens of the UTC day (CA015 no_free_pack when used up); else the pack''s cost in that currency, from the member''s wallet back to the guild''s mint (a sink). Returns the amount paid. Errors: CA009 currency_not_used, CA015 no_free_pack, NF001 insufficient_funds. Source: issue 15 "Packs" (standard-3: free daily allotment or 200 Notes / 1 Disc).';

--
-- Name: pick_card_for(bigint, uuid, integer, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.pick_card_for(p_user_id bigint, p_opening_id uuid, p_slot integer, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.user_cards
    LANGUAGE plpgsql
    AS $$
declare
  v_user app_public.users;
  v_open app_public.pack_openings;
  v_draw app_public.card_draws;
  v app_public.user_cards;
begin
  select * into v_user from app_public.users where id = p_user_id;
  -- The opening's row lock serialises concurrent clicks: exactly one pick mints.
  select * into v_open from app_public.pack_openings where id = p_opening_id for update;
  if v_open.id is null or v_open.user_id <> p_user_id then
    perform app_private.raise_error('CA012', 'opening_not_found', jsonb_build_object('opening_id', p_opening_id));
  end if;
  if v_open.status <> 'open' then
    perform app_private.raise_error('CA011', 'pack_already_picked', jsonb_build_object('card_id', v_open.card_id));
  end if;
  select * into v_draw from app_public.card_draws where opening_id = p_opening_id and slot = p_slot;
  if v_draw.id is null then
    perform app_private.raise_error('CA013', 'invalid_slot', jsonb_build_object('slot', p_slot));
  end if;
  v := app_private.mint_card(v_draw.template_id, p_user_id, 'pack', p_at);
  update app_public.card_draws set card_id = v.id where id = v_draw.id;
  update app_public.pack_openings set status = 'picked', picked_slot = p_slot, card_id = v.id, picked_at = p_at
   where id = p_opening_id;
  return v;
end;
$$;

ALTER FUNCTION app_private.pick_card_for(p_user_id bigint, p_opening_id uuid, p_slot integer, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION pick_card_for(p_user_id bigint, p_opening_id uuid, p_slot integer, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.pick_card_for(p_user_id bigint, p_opening_id uuid, p_slot integer, p_at timestamp with time zone) IS 'The pick rule at an explicit time. See app_public.pick_card.';

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
          'available', (select balance from app_public.accounts where id = p_debit_account_id),
          'currency', (select currency from app_public.accounts where id = p_debit_account_id)));
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

  -- Lifetime counters (in coins) move only when COIN crosses between owners (holds and voids stay with the member).
  if v_currency = 'COIN' and v_debit_user is distinct from v_credit_user then
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

COMMENT ON FUNCTION app_private.post_transfer(p_guild_id bigint, p_debit_account_id bigint, p_credit_account_id bigint, p_amount bigint, p_reason text, p_tx_id uuid, p_status app_public.transfer_status, p_pending_id bigint, p_timeout_at timestamp with time zone, p_at timestamp with time zone) IS 'The single writer of the ledger. Moves p_amount (minor units, > 0) from the debit to the credit account of the same guild and currency, updating both balances in one statement, and records the transfer (posted, or pending for a hold into escrow). Member rows must already be locked (app_private.lock_members). Errors: AM001 invalid_amount, NF001 insufficient_funds (the debit account cannot go below zero; DETAIL needed, available and their currency, issue 17), LG001 ledger_violation. Design: DESIGN.md "Money".';

--
-- Name: pricing_quote(bigint, text, bigint, uuid, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.pricing_quote(p_guild_id bigint, p_sku text, p_unit_price bigint, p_exclude_listing uuid DEFAULT NULL::uuid, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.price_quote
    LANGUAGE plpgsql STABLE
    AS $$
declare
  v_cfg app_public.pricing_config;
  v_catalogue bigint;
  v_median bigint;
  v_supply integer;
  v_mult numeric := 1;
  v_ref bigint;
  v_floor bigint;
  v_band app_public.fee_band;
  v_rate numeric;
begin
  select * into v_cfg from app_public.pricing_config where guild_id = p_guild_id;
  select price into v_catalogue from app_public.rewards where guild_id = p_guild_id and sku = p_sku;
  v_median := app_private.median_7d(p_guild_id, p_sku, p_at);
  select coalesce(sum(qty_available), 0)::int into v_supply from app_public.listings
   where guild_id = p_guild_id and sku = p_sku and status = 'active' and expires_at > p_at
     and listing_id is distinct from p_exclude_listing;
  if v_cfg.scarcity_target > 0 and v_supply < v_cfg.scarcity_target then
    v_mult := 1 + v_cfg.alpha * (1 - v_supply::numeric / v_cfg.scarcity_target);
  end if;
  v_ref := greatest(1, round(coalesce(v_median, v_catalogue) * v_mult))::bigint;
  v_floor := ceil(v_ref * v_cfg.price_floor_pct)::bigint;
  if p_unit_price < v_ref then
    v_band := 'undercut';
    v_rate := v_cfg.undercut_fee;
  elsif p_unit_price > v_ref * v_cfg.over_average_ratio then
    v_band := 'over_average';
    v_rate := v_cfg.over_average_fee;
  else
    v_band := 'market';
    v_rate := v_cfg.market_fee;
  end if;
  return (p_sku, p_unit_price, v_catalogue, v_median, v_supply, round(v_mult, 4), v_ref, v_floor, v_band, v_rate,
          p_unit_price >= v_floor)::app_public.price_quote;
end;
$$;

ALTER FUNCTION app_private.pricing_quote(p_guild_id bigint, p_sku text, p_unit_price bigint, p_exclude_listing uuid, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION pricing_quote(p_guild_id bigint, p_sku text, p_unit_price bigint, p_exclude_listing uuid, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.pricing_quote(p_guild_id bigint, p_sku text, p_unit_price bigint, p_exclude_listing uuid, p_at timestamp with time zone) IS 'The pricing guards. Reference = the SKU''s 7-day median sale price (catalogue price without sales) x scarcity multiplier, where multiplier = 1 + alpha x (1 - supply / scarcity_target) while active listed supply (excluding p_exclude_listing) is below scarcity_target. Floor = ceil(reference x price_floor_pct). Fee band: undercut below the reference (undercut_fee), over_average above reference x over_average_ratio (over_average_fee), market otherwise (market_fee). Source: seed 000 section 4 "Pricing guards", issue #3.';

--
-- Name: propose_trade_for(bigint, bigint, bigint[], jsonb, bigint[], jsonb, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.propose_trade_for(p_user_id bigint, p_to_discord_id bigint, p_give_cards bigint[], p_give jsonb, p_want_cards bigint[], p_want jsonb, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.card_trades
    LANGUAGE plpgsql
    AS $$
declare
  v_user app_public.users;
  v_to app_public.users;
  v app_public.card_trades;
begin
  select * into v_user from app_public.users where id = p_user_id;
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

ALTER FUNCTION app_private.propose_trade_for(p_user_id bigint, p_to_discord_id bigint, p_give_cards bigint[], p_give jsonb, p_want_cards bigint[], p_want jsonb, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION propose_trade_for(p_user_id bigint, p_to_discord_id bigint, p_give_cards bigint[], p_give jsonb, p_want_cards bigint[], p_want jsonb, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.propose_trade_for(p_user_id bigint, p_to_discord_id bigint, p_give_cards bigint[], p_give jsonb, p_want_cards bigint[], p_want jsonb, p_at timestamp with time zone) IS 'The trade proposal rule at an explicit time. See app_public.propose_trade.';

--
-- Name: quest_answer_key(text); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.quest_answer_key(p_answer text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  select lower(regexp_replace(btrim(coalesce(p_answer, '')), '\s+', ' ', 'g'));
$$;

ALTER FUNCTION app_private.quest_answer_key(p_answer text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION quest_answer_key(p_answer text); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.quest_answer_key(p_answer text) IS 'How answers compare: trimmed, inner whitespace collapsed, lower-cased.';

--
-- Name: queue_discord_job(bigint, text, text, jsonb, text); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.queue_discord_job(p_guild_id bigint, p_channel text, p_task text, p_payload jsonb, p_key text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if exists (select 1 from app_public.guild_discord g
              where g.guild_id = p_guild_id
                and case p_channel when 'transactions' then g.transactions_channel_id when 'shop' then g.shop_channel_id
                                   when 'leaderboard' then g.leaderboard_channel_id end is not null
                and not (p_channel = any (g.missing_channels))) then
    perform graphile_worker.add_job(p_task, p_payload::json, queue_name := 'discord:' || p_guild_id, job_key := p_key,
      max_attempts := 10);
  end if;
end;
$$;

ALTER FUNCTION app_private.queue_discord_job(p_guild_id bigint, p_channel text, p_task text, p_payload jsonb, p_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION queue_discord_job(p_guild_id bigint, p_channel text, p_task text, p_payload jsonb, p_key text); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.queue_discord_job(p_guild_id bigint, p_channel text, p_task text, p_payload jsonb, p_key text) IS 'Queues a discord__* job for the bot''s runner when the guild has the bot''s channel p_channel (transactions, shop or leaderboard; a guild without the bot, or whose channel is marked missing until /setup repairs it, queues nothing; issue 17). The server''s worker has no discord__* task, so never claims it. The guild''s own queue ''discord:<guild>'' runs its jobs one at a time (the feed keeps its order); the job_key per subject coalesces a burst of changes into one edit; 10 attempts with graphile-worker''s exponential backoff.';

--
-- Name: queue_task_job(bigint, text, jsonb, text); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.queue_task_job(p_guild_id bigint, p_task text, p_payload jsonb, p_key text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if exists (select 1 from app_public.guild_discord g where g.guild_id = p_guild_id) then
    perform graphile_worker.add_job(p_task, p_payload::json, queue_name := 'discord:' || p_guild_id, job_key := p_key,
      max_attempts := case when p_task = 'discord__task_dm' then 3 else 10 end);
  end if;
end;
$$;

ALTER FUNCTION app_private.queue_task_job(p_guild_id bigint, p_task text, p_payload jsonb, p_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION queue_task_job(p_guild_id bigint, p_task text, p_payload jsonb, p_key text); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.queue_task_job(p_guild_id bigint, p_task text, p_payload jsonb, p_key text) IS 'Queues a discord__task* job for the bot''s runner when the guild has the bot (a guild_discord row), in the guild''s own queue; the job_key per subject coalesces a burst of changes into one edit and never doubles a role grant or a DM. A DM is tried at most 3 times (its failure is recorded by the job), the rest 10. Source: issue 14, DESIGN.md "Tasks and Discord sync".';

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
-- Name: record_payment_for(bigint, text, text, text, bigint, text, timestamp with time zone, integer); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.record_payment_for(p_guild_id bigint, p_source text, p_delivery_key text, p_payer_ign text, p_amount bigint, p_raw_line text, p_seen_at timestamp with time zone, p_pairing_s integer DEFAULT 30) RETURNS app_public.minecraft_payments
    LANGUAGE plpgsql
    AS $$
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

ALTER FUNCTION app_private.record_payment_for(p_guild_id bigint, p_source text, p_delivery_key text, p_payer_ign text, p_amount bigint, p_raw_line text, p_seen_at timestamp with time zone, p_pairing_s integer) OWNER TO guildbank_owner;

--
-- Name: FUNCTION record_payment_for(p_guild_id bigint, p_source text, p_delivery_key text, p_payer_ign text, p_amount bigint, p_raw_line text, p_seen_at timestamp with time zone, p_pairing_s integer); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.record_payment_for(p_guild_id bigint, p_source text, p_delivery_key text, p_payer_ign text, p_amount bigint, p_raw_line text, p_seen_at timestamp with time zone, p_pairing_s integer) IS 'Records an in-game payment of p_amount MCD cents from p_payer_ign, exactly once. How deliveries are told apart: (1) every delivery carries (source, delivery_key): the listener''s source is its id plus its Minecraft session, the key the line''s number in that session, so a retried call (lost database connection, restart with unacknowledged lines) returns the first row and moves nothing; (2) a delivery of the same IGN and amount by ANOTHER source, seen within p_pairing_s seconds (30) of a payment that source has not delivered yet, is the same in-game payment: recorded as duplicate, nothing moves; (3) anything else is a new payment, so two identical payments seen by one source both count. A linked IGN credits the member''s MCD wallet, an unlinked one the guild''s MCD treasury (status unmatched, for staff); the debit is the guild''s MCD external account. Errors: MC001 invalid_ign, PY001 invalid_payment (amount not in 1..10^15, raw line not 1..1000 characters, missing source or key, seen_at in the future), MB003 guild_not_found, IK001 idempotency_key_reused (same key, different payment). Source: issue #6, seed 004.';

--
-- Name: refresh_session(bytea, bytea, bytea, integer); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.refresh_session(p_refresh_hash bytea, p_new_access_hash bytea, p_new_refresh_hash bytea, p_access_ttl_s integer) RETURNS app_private.session_refresh
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_private.refresh_session(p_refresh_hash bytea, p_new_access_hash bytea, p_new_refresh_hash bytea, p_access_ttl_s integer) OWNER TO guildbank_owner;

--
-- Name: FUNCTION refresh_session(p_refresh_hash bytea, p_new_access_hash bytea, p_new_refresh_hash bytea, p_access_ttl_s integer); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.refresh_session(p_refresh_hash bytea, p_new_access_hash bytea, p_new_refresh_hash bytea, p_access_ttl_s integer) IS 'Rotates a panel session''s tokens: the presented refresh token is exchanged for a new access token and a new refresh token, and remembered as rotated. Status rotated (with the claims), unknown (no such token, or the session ended), or reused: the token had already been rotated, so it was copied, and the whole session is revoked (OAuth 2.0 Security BCP, refresh token rotation). Errors: VL001 invalid_argument. Source: issue #5 "Sign-in and sessions".';

--
-- Name: refund_order_core(uuid, app_public.order_status, bigint, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.refund_order_core(p_order_id uuid, p_status app_public.order_status, p_actor_id bigint, p_reason text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.orders
    LANGUAGE plpgsql
    AS $$
declare
  v_order app_public.orders;
  v_line app_public.order_lines;
  v_listing app_public.listings;
  v_tx uuid;
begin
  v_order := app_private.lock_order(p_order_id);
  insert into app_public.transactions (guild_id, type, actor_id, user_id, counterparty_id, amount, reason, meta,
      order_id, listing_id, created_at)
    values (v_order.guild_id, 'refund', p_actor_id, v_order.buyer_id, v_order.seller_id, v_order.escrow,
      case when p_status = 'cancelled' then 'order_cancelled' else 'order_refunded' end,
      jsonb_build_object('why', p_reason), p_order_id,
      (select listing_id from app_public.order_lines where order_id = p_order_id order by id limit 1), p_at)
    returning tx_id into v_tx;
  perform app_private.void_hold(v_order.hold_id, 'order_refund', v_tx, p_at);
  -- Goods go back where they came from: the listing if it still sells, else the seller; shop stock is restored.
  for v_line in select * from app_public.order_lines where order_id = p_order_id loop
    if v_line.listing_id is not null then
      select * into v_listing from app_public.listings where listing_id = v_line.listing_id for update;
      if v_listing.status in ('active', 'sold') and v_listing.expires_at > p_at then
        update app_public.listings
           set qty_available = qty_available + v_line.qty, status = 'active'
         where listing_id = v_line.listing_id;
      else
        perform app_private.inventory_add(v_listing.seller_id, v_line.sku, v_line.qty);
      end if;
    else
      update app_public.rewards set stock = stock + v_line.qty
       where guild_id = v_line.guild_id and sku = v_line.sku and stock is not null;
    end if;
  end loop;
  update app_public.orders
     set status = p_status, settled_at = p_at, settled_by = p_actor_id, settle_reason = p_reason
   where order_id = p_order_id
  returning * into v_order;
  return v_order;
end;
$$;

ALTER FUNCTION app_private.refund_order_core(p_order_id uuid, p_status app_public.order_status, p_actor_id bigint, p_reason text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION refund_order_core(p_order_id uuid, p_status app_public.order_status, p_actor_id bigint, p_reason text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.refund_order_core(p_order_id uuid, p_status app_public.order_status, p_actor_id bigint, p_reason text, p_at timestamp with time zone) IS 'Refunds (or, for the buyer, cancels) a pending order at most once: voids its hold (escrow back to the buyer), returns the goods (to the listing while it is active and unexpired, else to the seller; shop stock restored). Errors: OR001, OR002 order_not_pending.';

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
    perform app_private.raise_error('MB003', 'guild_not_found', jsonb_build_object('guild_id', app_public.current_guild_id()::text));
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
-- Name: request_payout_for(bigint, bigint, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.request_payout_for(p_user_id bigint, p_amount bigint, p_key text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.minecraft_payouts
    LANGUAGE plpgsql
    AS $$
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

ALTER FUNCTION app_private.request_payout_for(p_user_id bigint, p_amount bigint, p_key text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION request_payout_for(p_user_id bigint, p_amount bigint, p_key text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.request_payout_for(p_user_id bigint, p_amount bigint, p_key text, p_at timestamp with time zone) IS 'The payout rule at an explicit time. See app_public.request_payout.';

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
-- Name: review_task_claim_by(bigint, app_public.staff_role, bigint, boolean, text, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.review_task_claim_by(p_reviewer_id bigint, p_reviewer_role app_public.staff_role, p_claim_id bigint, p_accept boolean, p_note text, p_key text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.task_claims
    LANGUAGE plpgsql
    AS $$
declare
  v_claim app_public.task_claims;
  v_user app_public.users;
  v_task app_public.tasks;
  v_replay jsonb;
  v_note text := btrim(coalesce(p_note, ''));
  v_tx uuid;
begin
  select * into v_claim from app_public.task_claims c where c.id = p_claim_id;
  if v_claim.id is null or v_claim.guild_id is distinct from app_public.current_guild_id() then
    perform app_private.raise_error('TK008', 'claim_not_found', jsonb_build_object('claim_id', p_claim_id::text));
  end if;
  -- Lock order: the member whose funds move, then the claim.
  select * into v_user from app_private.lock_members(array[v_claim.user_id]);
  if v_user.discord_id = p_reviewer_id then
    perform app_private.raise_error('TK013', 'self_review');
  end if;
  v_replay := app_private.idempotency_begin(v_claim.guild_id, p_reviewer_id, p_key,
    jsonb_build_object('fn', 'review_task_claim', 'claim_id', p_claim_id, 'accept', p_accept, 'note', v_note));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.task_claims, v_replay);
  end if;
  select * into v_claim from app_public.task_claims c where c.id = p_claim_id for update;
  if v_claim.status <> 'submitted' then
    perform app_private.raise_error('TK009', 'claim_wrong_status', jsonb_build_object('claim_id', v_claim.id::text,
      'status', v_claim.status));
  end if;
  if p_accept is null then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'accept'));
  end if;
  if length(v_note) > 500 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'note', 'max', 500));
  end if;
  if not p_accept and length(v_note) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  select * into v_task from app_public.tasks t where t.id = v_claim.task_id;

  if p_accept then
    if v_user.frozen then
      perform app_private.raise_error('FZ002', 'recipient_frozen', jsonb_build_object('discord_id', v_user.discord_id::text));
    end if;
    -- The reward and the acceptance are one transaction: if the award fails, the claim stays submitted.
    insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, created_at)
      values (v_claim.guild_id, 'earn', p_reviewer_id, v_user.id, v_task.reward, 'task_reward',
              jsonb_build_object('task_id', v_task.id::text, 'claim_id', v_claim.id::text, 'task_name', v_task.name,
                                 'description', 'Completed task: ' || v_task.name, 'reviewer_role', p_reviewer_role), p_at)
      returning tx_id into v_tx;
    perform app_private.post_transfer(v_claim.guild_id,
      app_private.guild_account(v_claim.guild_id, 'mint'),
      app_private.member_account(v_user.id, 'wallet'),
      v_task.reward, 'task_reward', v_tx, 'posted', null, null, p_at);
    update app_public.task_claims c
       set status = 'accepted', reviewer_id = p_reviewer_id, review_note = v_note, reviewed_at = p_at,
           completed_at = p_at, tx_id = v_tx,
           role_status = case when v_task.grant_role_id is not null then 'pending' else 'none' end,
           dm_status = 'pending'
     where c.id = v_claim.id
     returning * into v_claim;
  else
    update app_public.task_claims c
       set status = 'rejected', reviewer_id = p_reviewer_id, review_note = v_note, reviewed_at = p_at,
           dm_status = 'pending'
     where c.id = v_claim.id
     returning * into v_claim;
  end if;
  perform app_private.idempotency_finish(v_claim.guild_id, p_reviewer_id, p_key, to_jsonb(v_claim));
  return v_claim;
end;
$$;

ALTER FUNCTION app_private.review_task_claim_by(p_reviewer_id bigint, p_reviewer_role app_public.staff_role, p_claim_id bigint, p_accept boolean, p_note text, p_key text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION review_task_claim_by(p_reviewer_id bigint, p_reviewer_role app_public.staff_role, p_claim_id bigint, p_accept boolean, p_note text, p_key text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.review_task_claim_by(p_reviewer_id bigint, p_reviewer_role app_public.staff_role, p_claim_id bigint, p_accept boolean, p_note text, p_key text, p_at timestamp with time zone) IS 'The review rule for an explicit reviewer and time (p_at). See app_public.review_task_claim.';

--
-- Name: revoke_refresh_token(bytea); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.revoke_refresh_token(p_refresh_hash bytea) RETURNS boolean
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  with gone as (
    delete from app_private.sessions
     where refresh_hash = p_refresh_hash
        or id = (select session_id from app_private.session_rotated_tokens where token_hash = p_refresh_hash)
    returning 1)
  select exists (select 1 from gone);
$$;

ALTER FUNCTION app_private.revoke_refresh_token(p_refresh_hash bytea) OWNER TO guildbank_owner;

--
-- Name: FUNCTION revoke_refresh_token(p_refresh_hash bytea); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.revoke_refresh_token(p_refresh_hash bytea) IS 'Sign-out of a panel session by its refresh token (current or already rotated): ends the session; true if it existed.';

--
-- Name: fair_seeds; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.fair_seeds (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    seed_hash text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    rotated_at timestamp with time zone,
    revealed_seed text,
    CONSTRAINT fair_seeds_check CHECK (((rotated_at IS NULL) = (revealed_seed IS NULL))),
    CONSTRAINT fair_seeds_revealed_seed_check CHECK ((revealed_seed ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT fair_seeds_seed_hash_check CHECK ((seed_hash ~ '^[0-9a-f]{64}$'::text))
);

ALTER TABLE app_public.fair_seeds OWNER TO guildbank_owner;

--
-- Name: TABLE fair_seeds; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.fair_seeds IS '@behavior -insert -update -delete
Server seeds of provably fair draws: seed_hash = hex SHA-256 of the seed, published before any draw uses it; the seed itself is revealed when the guild rotates to a new one.';

--
-- Name: rotate_fair_seed_for(bigint, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.rotate_fair_seed_for(p_guild_id bigint, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.fair_seeds
    LANGUAGE plpgsql
    AS $$
declare
  v_old bigint;
  v app_public.fair_seeds;
begin
  select id into v_old from app_public.fair_seeds where guild_id = p_guild_id and rotated_at is null for update;
  if v_old is not null then
    update app_public.fair_seeds s
       set rotated_at = p_at,
           revealed_seed = encode((select seed from app_private.fair_seed_secrets where seed_id = v_old), 'hex')
     where s.id = v_old;
    delete from app_private.fair_seed_secrets where seed_id = v_old;
  end if;
  v_old := app_private.fair_seed_for(p_guild_id, p_at);
  select * into v from app_public.fair_seeds where id = v_old;
  return v;
end;
$$;

ALTER FUNCTION app_private.rotate_fair_seed_for(p_guild_id bigint, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION rotate_fair_seed_for(p_guild_id bigint, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.rotate_fair_seed_for(p_guild_id bigint, p_at timestamp with time zone) IS 'Rotates the guild''s server seed: the current one is revealed (revealed_seed, rotated_at) so every draw made with it can be verified, and a new one is created whose hash is published before use. The current seed''s row lock serialises rotation against draws (draw_cards reads it FOR SHARE). Source: issue 15 "Provably fair draws".';

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

ALTER FUNCTION app_private.session_claims(p_token_hash bytea) OWNER TO guildbank_owner;

--
-- Name: FUNCTION session_claims(p_token_hash bytea); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.session_claims(p_token_hash bytea) IS 'The claims of a live session (null when unknown, expired, or its access token has lapsed); expires_at is when the access token lapses. Refreshes last_seen_at at most once a minute.';

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
      jsonb_build_object('discord_id', p_discord_id::text));
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
-- Name: staff_order_action(uuid, text, app_public.staff_role[]); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.staff_order_action(p_order_id uuid, p_reason text, p_allowed app_public.staff_role[]) RETURNS app_public.staff_role
    LANGUAGE plpgsql
    AS $$
declare
  v_role app_public.staff_role := app_private.require_staff(p_allowed);
begin
  if p_reason is null or length(btrim(p_reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  if not exists (select 1 from app_public.orders where order_id = p_order_id and guild_id = app_public.current_guild_id()) then
    perform app_private.raise_error('OR001', 'order_not_found', jsonb_build_object('order_id', p_order_id));
  end if;
  if exists (select 1 from app_public.orders o join app_public.users u on u.id in (o.buyer_id, o.seller_id)
              where o.order_id = p_order_id and u.discord_id = app_public.current_discord_id()) then
    perform app_private.raise_error('PD002', 'self_action_forbidden');
  end if;
  return v_role;
end;
$$;

ALTER FUNCTION app_private.staff_order_action(p_order_id uuid, p_reason text, p_allowed app_public.staff_role[]) OWNER TO guildbank_owner;

--
-- Name: FUNCTION staff_order_action(p_order_id uuid, p_reason text, p_allowed app_public.staff_role[]); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.staff_order_action(p_order_id uuid, p_reason text, p_allowed app_public.staff_role[]) IS 'Checks a staff override on an order of the current guild: role (PD001), reason (RS001), existence (OR001), and that the staff member is neither its buyer nor its seller (PD002 self_action_forbidden).';

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
    perform app_private.raise_error('MB002', 'member_not_found', jsonb_build_object('discord_id', p_discord_id::text));
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
-- Name: submit_task_proof_for(bigint, bigint, text, jsonb, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.submit_task_proof_for(p_user_id bigint, p_task_id bigint, p_text text, p_attachments jsonb, p_key text, p_at timestamp with time zone DEFAULT now()) RETURNS app_public.task_claims
    LANGUAGE plpgsql
    AS $$
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

ALTER FUNCTION app_private.submit_task_proof_for(p_user_id bigint, p_task_id bigint, p_text text, p_attachments jsonb, p_key text, p_at timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION submit_task_proof_for(p_user_id bigint, p_task_id bigint, p_text text, p_attachments jsonb, p_key text, p_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.submit_task_proof_for(p_user_id bigint, p_task_id bigint, p_text text, p_attachments jsonb, p_key text, p_at timestamp with time zone) IS 'The proof submission rule at an explicit time (p_at). See app_public.submit_task_proof.';

--
-- Name: task_proof_attachments_valid(jsonb); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.task_proof_attachments_valid(p_attachments jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $_$
  select jsonb_typeof(p_attachments) = 'array'
     and jsonb_array_length(p_attachments) <= 10
     and not exists (
       select 1 from jsonb_array_elements(p_attachments) a
        where jsonb_typeof(a) <> 'object'
           or jsonb_typeof(a -> 'url') is distinct from 'string'
           or (a ->> 'url') !~ '^https://\S+$' or length(a ->> 'url') > 2000
           or (a ? 'filename' and (jsonb_typeof(a -> 'filename') <> 'string' or length(a ->> 'filename') > 200))
           or (a ? 'content_type' and (jsonb_typeof(a -> 'content_type') <> 'string' or length(a ->> 'content_type') > 100))
           or (a ? 'size' and jsonb_typeof(a -> 'size') <> 'number')
           or exists (select 1 from jsonb_object_keys(a) k where k not in ('url', 'filename', 'content_type', 'size')));
$_$;

ALTER FUNCTION app_private.task_proof_attachments_valid(p_attachments jsonb) OWNER TO guildbank_owner;

--
-- Name: FUNCTION task_proof_attachments_valid(p_attachments jsonb); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.task_proof_attachments_valid(p_attachments jsonb) IS 'Whether a proof''s attachments are well formed: an array of at most 10 objects {url (https), filename, content_type, size} and nothing else. Source: issue 14 ("proof attachments (URLs and metadata)").';

--
-- Name: tg__audit(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg__audit() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_before jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) - 'updated_at' end;
  v_after jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) - 'updated_at' end;
  v_row jsonb := coalesce(v_after, v_before);
begin
  -- tg_argv: [0] subject_type, [1] the column naming the subject.
  if v_before is distinct from v_after then
    insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id,
        before, after, reason)
      values ((v_row ->> 'guild_id')::bigint, coalesce(app_public.current_discord_id(), 0), app_public.current_staff_role(),
        lower(tg_op) || '_' || tg_argv[0], tg_argv[0], v_row ->> tg_argv[1], v_before, v_after,
        coalesce(nullif(btrim(current_setting('app.reason', true)), ''), lower(tg_op) || ' via API'));
  end if;
  return null;
end;
$$;

ALTER FUNCTION app_private.tg__audit() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg__audit(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg__audit() IS 'Trigger (arguments: subject_type, subject column; fires WHEN current_user = ''coins_staff'', i.e. for direct staff writes through the API): every staff insert, update or delete is written to admin_actions with before/after snapshots (updated_at ignored; no-op updates not recorded); reason from the claim app.reason.';

--
-- Name: tg__notify_stream(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg__notify_stream() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  -- Delivered at commit; identical payloads within one transaction are folded into one. For the
  -- transaction feed only while someone watches the guild (see app_private.stream_watchers).
  if tg_argv[0] <> 'tx_stream'
     or exists (select 1 from app_private.stream_watchers w where w.guild_id = new.guild_id and w.expires_at > now()) then
    perform pg_notify(tg_argv[0], coalesce(new.guild_id::text, ''));
  end if;
  return null;
end;
$$;

ALTER FUNCTION app_private.tg__notify_stream() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg__notify_stream(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg__notify_stream() IS 'Trigger: NOTIFY channel tg_argv[0] with the row''s guild id; for tx_stream only while a live-feed lease exists for the guild, because every notifying commit takes a server-wide lock through its WAL flush.';

--
-- Name: tg__require_staff(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg__require_staff() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  perform app_private.require_staff(tg_argv::app_public.staff_role[]);
  return case when tg_op = 'DELETE' then old else new end;
end;
$$;

ALTER FUNCTION app_private.tg__require_staff() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg__require_staff(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg__require_staff() IS 'Trigger (arguments: the allowed staff roles) for direct staff writes through the API (the triggers fire WHEN current_user = ''coins_staff'', i.e. not for writes made inside our SECURITY DEFINER rules): a role not listed is refused with PD001 permission_denied (AU001 without claims), so a refused edit is an error, not a silent no-op.';

--
-- Name: tg__timestamps(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg__timestamps() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
  new.created_at := case when tg_op = 'INSERT' then coalesce(new.created_at, now()) else old.created_at end;
  new.updated_at := case
    when tg_op = 'INSERT' then new.created_at
    when old.updated_at >= now() then old.updated_at + interval '1 millisecond'
    else now() end;
  return new;
end;
$$;

ALTER FUNCTION app_private.tg__timestamps() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg__timestamps(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg__timestamps() IS 'Trigger: keeps created_at immutable (an insert keeps the time the rule gave, default now()) and updated_at strictly increasing.';

--
-- Name: tg_admin_actions__discord_feed(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_admin_actions__discord_feed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_tx uuid;
begin
  if new.subject_type not in ('transaction', 'order', 'listing') then
    return null;
  end if;
  for v_tx in
    select t.tx_id from app_public.transactions t
      join app_public.discord_messages m
        on m.guild_id = t.guild_id and m.subject_type = 'transaction' and m.subject_id = t.tx_id::text
     where t.guild_id = new.guild_id
       and case new.subject_type when 'transaction' then t.tx_id::text = new.subject_id
                                 when 'order' then t.order_id::text = new.subject_id
                                 else t.listing_id::text = new.subject_id end
  loop
    perform app_private.queue_discord_job(new.guild_id, 'transactions', 'discord__transaction',
      jsonb_build_object('tx_id', v_tx), 'discord__transaction:' || v_tx);
  end loop;
  return null;
end;
$$;

ALTER FUNCTION app_private.tg_admin_actions__discord_feed() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_admin_actions__discord_feed(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_admin_actions__discord_feed() IS 'Trigger: a staff action on a transaction, order or listing re-renders the feed messages already posted for it, so #coin-transactions shows who did what.';

--
-- Name: tg_announcements__schedule(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_announcements__schedule() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_sync text[] := array['message_id', 'sync_state', 'synced_at', 'pinned_on_discord', 'updated_at'];
begin
  -- Scheduling: a new (or re-scheduled) announcement is published now or waits for its time.
  if tg_op = 'INSERT' or new.publish_at is distinct from old.publish_at then
    if new.status <> 'deleted' and (new.publish_at is null or new.publish_at <= now()) then
      new.status := 'published';
    elsif new.status <> 'deleted' and new.message_id is null then
      new.status := 'scheduled';
    end if;
  end if;
  if new.status = 'published' and new.published_at is null then
    new.published_at := now();
  end if;
  -- What Discord shows changed: the message is out of date until discord__announcement converges it.
  if new.status in ('published', 'deleted')
     and (tg_op = 'INSERT' or (to_jsonb(old) - v_sync) is distinct from (to_jsonb(new) - v_sync)) then
    new.sync_state := 'pending';
  end if;
  if new.sync_state = 'pending' and new.status in ('published', 'deleted') then
    perform app_private.queue_task_job(new.guild_id, 'discord__announcement', jsonb_build_object('announcement_id', new.id),
      'discord__announcement:' || new.id);
  end if;
  return new;
end;
$$;

ALTER FUNCTION app_private.tg_announcements__schedule() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_announcements__schedule(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_announcements__schedule() IS 'Trigger (before insert or update of an announcement): an announcement without publish_at, or whose time has come, is published (published_at set), else scheduled (the announcements__publish job publishes it); a published or deleted announcement whose content, embed, channel or pin changed becomes pending and queues discord__announcement. The job''s own record (message id, synced or orphaned, pin state) queues nothing. Source: seed 003 "Announcement System Discord-Dashboard Sync", issue 14.';

--
-- Name: tg_daily_stats__discord_digest(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_daily_stats__discord_digest() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  perform app_private.queue_discord_job(new.guild_id, 'transactions', 'discord__digest',
    jsonb_build_object('guild_id', new.guild_id::text, 'day', new.day), 'discord__digest:' || new.guild_id || ':' || new.day);
  return null;
end;
$$;

ALTER FUNCTION app_private.tg_daily_stats__discord_digest() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_daily_stats__discord_digest(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_daily_stats__discord_digest() IS 'Trigger: a guild''s daily digest (digest__daily) queues its post in #coin-transactions (discord__digest).';

--
-- Name: tg_guilds__provision(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_guilds__provision() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  insert into app_public.guild_settings (guild_id) values (new.id);
  insert into app_public.pricing_config (guild_id) values (new.id);
  insert into app_public.accounts (guild_id, currency, kind)
    select new.id, 'COIN', k from unnest(array['mint', 'treasury', 'fees']::app_public.account_kind[]) k;
  perform app_private.ensure_card_catalogue(new.id);
  return new;
end;
$$;

ALTER FUNCTION app_private.tg_guilds__provision() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_guilds__provision(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_guilds__provision() IS 'Trigger: a new guild gets default settings, pricing configuration, its COIN mint, treasury and fees accounts, and the card game''s settings, default pack types and first server seed (ensure_card_catalogue, issue 15).';

--
-- Name: tg_leaderboard_snapshots__discord(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_leaderboard_snapshots__discord() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_guild bigint;
begin
  for v_guild in select distinct n.guild_id from inserted n loop
    perform app_private.queue_discord_job(v_guild, 'leaderboard', 'discord__leaderboard',
      jsonb_build_object('guild_id', v_guild::text), 'discord__leaderboard:' || v_guild);
  end loop;
  return null;
end;
$$;

ALTER FUNCTION app_private.tg_leaderboard_snapshots__discord() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_leaderboard_snapshots__discord(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_leaderboard_snapshots__discord() IS 'Trigger (per statement): a refreshed leaderboard snapshot queues the edit of the guild''s #leaderboard message (discord__leaderboard; edited in place, never reposted).';

--
-- Name: tg_listings__discord_shop(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_listings__discord_shop() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  perform app_private.queue_discord_job(new.guild_id, 'shop', 'discord__listing',
    jsonb_build_object('listing_id', new.listing_id), 'discord__listing:' || new.listing_id);
  return null;
end;
$$;

ALTER FUNCTION app_private.tg_listings__discord_shop() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_listings__discord_shop(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_listings__discord_shop() IS 'Trigger: a new listing, or a change of its status or units left (sold, sold out, expired, cancelled, repriced), queues its #shop post or edit (discord__listing).';

--
-- Name: tg_minecraft_payouts__queue(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_minecraft_payouts__queue() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  -- Retries only help while the payout is queued (the listener not logged in): the row's state machine, not the
  -- queue, decides, and app_hidden.payout_begin lets /pay out at most once.
  perform graphile_worker.add_job('minecraft__payout', json_build_object('payout_id', new.id),
    job_key := 'minecraft__payout:' || new.id, max_attempts := 25);
  return null;
end;
$$;

ALTER FUNCTION app_private.tg_minecraft_payouts__queue() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_minecraft_payouts__queue(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_minecraft_payouts__queue() IS 'Trigger: a new payout queues its minecraft__payout job (run by the minecraft/ process), retried with backoff while the listener is not logged in (up to 25 attempts); once claimed (sent) a payout is never sent again.';

--
-- Name: tg_ops_alerts__notify(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_ops_alerts__notify() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if new.severity = 'critical' or new.kind = 'high_value_trade' then
    perform graphile_worker.add_job('alerts__notify', json_build_object('alert_id', new.id),
      job_key := 'alerts__notify:' || new.id, max_attempts := 5);
  end if;
  return null;
end;
$$;

ALTER FUNCTION app_private.tg_ops_alerts__notify() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_ops_alerts__notify(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_ops_alerts__notify() IS 'Trigger: critical alerts and high-value trades queue an alerts__notify job (the worker posts them to the Discord alert webhook, rate-limited).';

--
-- Name: tg_orders__discord_feed(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_orders__discord_feed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_tx uuid;
begin
  -- The feed posts of the order's transactions: those already posted, and those whose post is still queued (made
  -- since the guild's setup). A transaction from before the bot was set up has no post and gets none now.
  for v_tx in
    select t.tx_id from app_public.transactions t
     where t.order_id = new.order_id and t.guild_id = new.guild_id
       and (exists (select 1 from app_public.discord_messages m
                     where m.guild_id = t.guild_id and m.subject_type = 'transaction' and m.subject_id = t.tx_id::text)
            or t.created_at >= (select g.created_at from app_public.guild_discord g where g.guild_id = t.guild_id))
  loop
    perform app_private.queue_discord_job(new.guild_id, 'transactions', 'discord__transaction',
      jsonb_build_object('tx_id', v_tx), 'discord__transaction:' || v_tx);
  end loop;
  return null;
end;
$$;

ALTER FUNCTION app_private.tg_orders__discord_feed() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_orders__discord_feed(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_orders__discord_feed() IS 'Trigger: a change of an order''s status (fulfilled by its job, refunded, cancelled, timed out) re-renders the #coin-transactions posts of its transactions (discord__transaction, coalesced per transaction by its job key), so a purchase no longer shows Status=pending with Refund and Force Fulfil once the order is settled. Source: issue 17 (defect 10).';

--
-- Name: tg_orders__queue_fulfilment(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_orders__queue_fulfilment() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  perform graphile_worker.add_job('orders__fulfil', json_build_object('order_id', new.order_id),
    job_key := 'orders__fulfil:' || new.order_id, max_attempts := 7);
  return null;
end;
$$;

ALTER FUNCTION app_private.tg_orders__queue_fulfilment() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_orders__queue_fulfilment(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_orders__queue_fulfilment() IS 'Trigger: a new order queues its orders__fulfil job (graphile-worker; LISTEN/NOTIFY wakes a worker at once). Up to 7 attempts with graphile-worker''s exponential backoff (exp(attempt) s): the last one comes about 10.6 min after the first, inside the default 15-minute escrow timeout.';

--
-- Name: tg_orders__void_voucher(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_orders__void_voucher() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  update app_public.vouchers set status = 'void', voided_at = coalesce(new.settled_at, now())
   where order_id = new.order_id and status = 'pending';
  return null;
end;
$$;

ALTER FUNCTION app_private.tg_orders__void_voucher() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_orders__void_voucher(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_orders__void_voucher() IS 'Trigger: a voucher order refunded or cancelled voids its pending voucher, in the transaction that holds the order''s row lock (so a redemption either came first, and the order is fulfilled, or finds the voucher void).';

--
-- Name: tg_pack_types__check_rates(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_pack_types__check_rates() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_total integer := new.rate_common + new.rate_rare + new.rate_epic + new.rate_legendary + new.rate_mythic;
begin
  if v_total <> 10000 or least(new.rate_common, new.rate_rare, new.rate_epic, new.rate_legendary, new.rate_mythic) < 0 then
    perform app_private.raise_error('CA010', 'invalid_drop_rates', jsonb_build_object('total_bp', v_total));
  end if;
  return new;
end;
$$;

ALTER FUNCTION app_private.tg_pack_types__check_rates() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_pack_types__check_rates(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_pack_types__check_rates() IS 'Trigger: a pack type''s drop rates (basis points, none negative) must sum to exactly 10000 (100 %); else CA010 invalid_drop_rates with the total, so the panel''s editor shows why. Source: issue 15 "drop rates per rarity that must sum to exactly 100 %".';

--
-- Name: tg_rewards__discord_shop(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_rewards__discord_shop() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  -- What the #shop post shows changed (or a new reward): it is out of date until discord__reward converges it.
  if tg_op = 'INSERT'
     or (old.name, old.description, old.category, old.price, old.stock, old.visible, old.expires_at)
        is distinct from (new.name, new.description, new.category, new.price, new.stock, new.visible, new.expires_at) then
    new.sync_state := 'pending';
  end if;
  if new.sync_state = 'pending' then
    perform app_private.queue_discord_job(new.guild_id, 'shop', 'discord__reward',
      jsonb_build_object('guild_id', new.guild_id, 'sku', new.sku), 'discord__reward:' || new.guild_id || ':' || new.sku);
  end if;
  return new;
end;
$$;

ALTER FUNCTION app_private.tg_rewards__discord_shop() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_rewards__discord_shop(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_rewards__discord_shop() IS 'Trigger (before insert or update of a reward): a new reward, or a change of what its #shop post shows (name, description, category, price, stock, visibility, expiry: a purchase changing the stock too), marks it pending and queues discord__reward, which posts, edits, re-creates or (hidden, expired) deletes the post. Source: seed 003 "Shop System Discord-Dashboard Sync", issue 14.';

--
-- Name: tg_task_claims__discord(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_task_claims__discord() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if tg_op = 'INSERT' or new.status is distinct from old.status then
    -- The task message shows its slots and completions: re-render it.
    update app_public.tasks t set sync_state = 'pending' where t.id = new.task_id and t.status <> 'deleted';
    if new.status = 'submitted' or (new.status <> 'in_progress' and new.review_message_id is not null) then
      perform app_private.queue_task_job(new.guild_id, 'discord__task_review', jsonb_build_object('claim_id', new.id),
        'discord__task_review:' || new.id);
    end if;
    if new.role_status = 'pending' then
      perform app_private.queue_task_job(new.guild_id, 'discord__task_role', jsonb_build_object('claim_id', new.id),
        'discord__task_role:' || new.id);
    end if;
    if new.dm_status = 'pending' then
      perform app_private.queue_task_job(new.guild_id, 'discord__task_dm', jsonb_build_object('claim_id', new.id),
        'discord__task_dm:' || new.id);
    end if;
  end if;
  return null;
end;
$$;

ALTER FUNCTION app_private.tg_task_claims__discord() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_task_claims__discord(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_task_claims__discord() IS 'Trigger (after a claim is made or changes status): re-renders the task''s message (slots, completions); a submitted proof is posted to the review channel and a reviewed or expired one edited there (discord__task_review); an acceptance queues the role grant (discord__task_role) when the task grants a role, and a review queues the member''s DM (discord__task_dm). Source: issue 14.';

--
-- Name: tg_tasks__discord(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_tasks__discord() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_sync text[] := array['channel_id', 'message_id', 'sync_state', 'synced_at', 'updated_at'];
begin
  -- What members see changed: the Discord message is out of date until the job edits it.
  if tg_op = 'INSERT' or (to_jsonb(old) - v_sync) is distinct from (to_jsonb(new) - v_sync) then
    new.sync_state := 'pending';
  end if;
  if new.sync_state = 'pending' then
    perform app_private.queue_task_job(new.guild_id, 'discord__task', jsonb_build_object('task_id', new.id),
      'discord__task:' || new.id);
  end if;
  return new;
end;
$$;

ALTER FUNCTION app_private.tg_tasks__discord() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_tasks__discord(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_tasks__discord() IS 'Trigger (before insert or update of a task): a new task, or a change of anything members see, marks its Discord message pending and queues discord__task (post, edit in place, or delete for a deleted task); the job''s own record of the message (ids, synced or orphaned) changes nothing members see and queues nothing. Source: seed 003 "Task System Discord-Dashboard Sync", issue 14.';

--
-- Name: tg_transactions__discord_feed(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_transactions__discord_feed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  perform app_private.queue_discord_job(new.guild_id, 'transactions', 'discord__transaction',
    jsonb_build_object('tx_id', new.tx_id), 'discord__transaction:' || new.tx_id);
  return null;
end;
$$;

ALTER FUNCTION app_private.tg_transactions__discord_feed() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_transactions__discord_feed(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_transactions__discord_feed() IS 'Trigger: every transaction of a guild with a #coin-transactions channel queues its feed post (discord__transaction).';

--
-- Name: tg_transactions__high_value(); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.tg_transactions__high_value() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_threshold bigint;
begin
  if new.amount <= 0 or new.currency <> 'COIN' or new.type not in ('spend', 'earn', 'buy', 'fulfil') then
    return null;
  end if;
  select high_value_threshold into v_threshold from app_public.guild_settings where guild_id = new.guild_id;
  if new.amount >= v_threshold then
    perform app_hidden.raise_alert(new.guild_id, 'warning', 'high_value_trade',
      format('%s coins moved (%s, %s) by %s.', new.amount, new.type, new.reason, coalesce(new.actor_id::text, 'the system')),
      jsonb_build_object('tx_id', new.tx_id, 'type', new.type, 'reason', new.reason, 'amount', new.amount,
        'actor_id', new.actor_id::text, 'threshold', v_threshold, 'order_id', new.order_id, 'listing_id', new.listing_id));
  end if;
  return null;
end;
$$;

ALTER FUNCTION app_private.tg_transactions__high_value() OWNER TO guildbank_owner;

--
-- Name: FUNCTION tg_transactions__high_value(); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.tg_transactions__high_value() IS 'Trigger: a COIN movement (give, purchase, fulfilment, adjustment) of at least the guild''s high_value_threshold raises a warning ops alert ''high_value_trade'' (seed 000 section 11 "high-value trade pings").';

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
-- Name: trade_items_check(bigint, bigint, bigint[], jsonb); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.trade_items_check(p_owner_id bigint, p_guild_id bigint, p_cards bigint[], p_currencies jsonb) RETURNS void
    LANGUAGE plpgsql
    AS $$
declare
  v_card app_public.user_cards;
  v_key text;
  v_value jsonb;
begin
  foreach v_key in array coalesce(p_cards, '{}')::text[] loop
    select * into v_card from app_public.user_cards where id = v_key::bigint;
    if v_card.id is null or v_card.owner_id is distinct from p_owner_id then
      perform app_private.raise_error('CA001', 'card_not_found', jsonb_build_object('card_id', v_key::bigint));
    end if;
    if v_card.locked then
      perform app_private.raise_error('CA003', 'card_locked', jsonb_build_object('card_id', v_card.id));
    end if;
    if v_card.temporary then
      perform app_private.raise_error('CA004', 'card_temporary', jsonb_build_object('card_id', v_card.id));
    end if;
    if exists (select 1 from app_public.card_listings l where l.card_id = v_card.id and l.status = 'active') then
      perform app_private.raise_error('CA005', 'card_listed', jsonb_build_object('card_id', v_card.id));
    end if;
  end loop;
  if p_currencies is not null and jsonb_typeof(p_currencies) <> 'object' then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'currencies'));
  end if;
  for v_key, v_value in select * from jsonb_each(coalesce(p_currencies, '{}')) loop
    perform app_private.card_currency(p_guild_id, v_key);
    if jsonb_typeof(v_value) <> 'number' or v_value::numeric <> floor(v_value::numeric) or v_value::numeric <= 0
       or v_value::numeric > 9000000000000000000 then
      perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', v_value));
    end if;
  end loop;
end;
$$;

ALTER FUNCTION app_private.trade_items_check(p_owner_id bigint, p_guild_id bigint, p_cards bigint[], p_currencies jsonb) OWNER TO guildbank_owner;

--
-- Name: FUNCTION trade_items_check(p_owner_id bigint, p_guild_id bigint, p_cards bigint[], p_currencies jsonb); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.trade_items_check(p_owner_id bigint, p_guild_id bigint, p_cards bigint[], p_currencies jsonb) IS 'Checks one side of a trade: every copy is the owner''s, not locked, not temporary, not listed; every currency is used by the guild with a whole positive amount. Errors: CA001, CA003 card_locked, CA004 card_temporary, CA005 card_listed, CA009 currency_not_used, AM001 invalid_amount, VL001. Source: issue 15 "Trading".';

--
-- Name: transfer_scope_violations(bigint); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.transfer_scope_violations(p_guild_id bigint) RETURNS SETOF app_public.ledger_violation
    LANGUAGE sql STABLE
    AS $$
  select 'transfer_matches_accounts', t.guild_id, t.currency, t.id, 0::bigint, 1::bigint
    from app_public.transfers t
    join app_public.accounts d on d.id = t.debit_account_id
    join app_public.accounts c on c.id = t.credit_account_id
   where (p_guild_id is null or t.guild_id = p_guild_id)
     and (d.guild_id <> t.guild_id or c.guild_id <> t.guild_id or d.currency <> t.currency or c.currency <> t.currency);
$$;

ALTER FUNCTION app_private.transfer_scope_violations(p_guild_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION transfer_scope_violations(p_guild_id bigint); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.transfer_scope_violations(p_guild_id bigint) IS 'Ledger invariant: a transfer''s guild and currency are those of both its accounts (the foreign keys to guilds and currencies were dropped from the hot ledger tables for write throughput).';

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
-- Name: watch_stream(bigint[], text, integer); Type: FUNCTION; Schema: app_private; Owner: guildbank_owner
--

CREATE FUNCTION app_private.watch_stream(p_guild_ids bigint[], p_instance text, p_ttl_s integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_n integer;
begin
  if p_ttl_s is null or p_ttl_s not between 5 and 3600 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'ttl_s', 'min', 5, 'max', 3600));
  end if;
  delete from app_private.stream_watchers
   where (instance = p_instance and not (guild_id = any (coalesce(p_guild_ids, '{}'))))
      or expires_at < now() - interval '1 hour';
  insert into app_private.stream_watchers (guild_id, instance, expires_at)
    select g, p_instance, now() + make_interval(secs => p_ttl_s) from unnest(coalesce(p_guild_ids, '{}')) g
  on conflict (guild_id, instance) do update set expires_at = excluded.expires_at;
  get diagnostics v_n = row_count;
  return v_n;
end;
$$;

ALTER FUNCTION app_private.watch_stream(p_guild_ids bigint[], p_instance text, p_ttl_s integer) OWNER TO guildbank_owner;

--
-- Name: FUNCTION watch_stream(p_guild_ids bigint[], p_instance text, p_ttl_s integer); Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_private.watch_stream(p_guild_ids bigint[], p_instance text, p_ttl_s integer) IS 'The stream hub of one server instance declares the guilds it has live-feed subscribers for (its whole set, renewed before the lease of p_ttl_s seconds runs out); guilds no longer listed lose this instance''s lease. Returns the leases held. VL001 for a ttl outside 5..3600 s.';

--
-- Name: acknowledge_alert(bigint); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.acknowledge_alert(alert_id bigint) RETURNS app_public.ops_alerts
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_public.acknowledge_alert(alert_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION acknowledge_alert(alert_id bigint); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.acknowledge_alert(alert_id bigint) IS 'Marks an ops alert of the caller''s guild (or a guild-less one) as seen; idempotent (the first acknowledgement is kept). Roles: SUPERADMIN, ADMIN, OPERATOR, SUPPORT. Errors: AU001, PD001, VL001 (no such alert). Source: issue #5.';

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
-- Name: announcements; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.announcements (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    channel_id bigint NOT NULL,
    content text DEFAULT ''::text NOT NULL,
    embed jsonb,
    task_id bigint,
    publish_at timestamp with time zone,
    pinned boolean DEFAULT false NOT NULL,
    status text DEFAULT 'scheduled'::text NOT NULL,
    published_at timestamp with time zone,
    message_id bigint,
    sync_state text DEFAULT 'pending'::text NOT NULL,
    synced_at timestamp with time zone,
    pinned_on_discord boolean DEFAULT false NOT NULL,
    created_by bigint DEFAULT app_public.current_discord_id(),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT announcements_channel_id_check CHECK ((channel_id > 0)),
    CONSTRAINT announcements_check CHECK (((content <> ''::text) OR (embed IS NOT NULL))),
    CONSTRAINT announcements_content_check CHECK ((length(content) <= 2000)),
    CONSTRAINT announcements_embed_check CHECK (((embed IS NULL) OR app_hidden.embed_valid(embed))),
    CONSTRAINT announcements_message_id_check CHECK ((message_id > 0)),
    CONSTRAINT announcements_status_check CHECK ((status = ANY (ARRAY['scheduled'::text, 'published'::text, 'deleted'::text]))),
    CONSTRAINT announcements_sync_state_check CHECK ((sync_state = ANY (ARRAY['pending'::text, 'synced'::text, 'orphaned'::text])))
);

ALTER TABLE app_public.announcements OWNER TO guildbank_owner;

--
-- Name: TABLE announcements; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.announcements IS '@behavior -delete
Announcements posted by the bot in a channel: text and/or an embed, now or at publish_at (scheduled until the announcements__publish job publishes it), pinned or not; edits follow on Discord; a message deleted on Discord marks the announcement orphaned. Staff (SUPERADMIN, ADMIN, OPERATOR) write them (audited); delete_announcement deletes. Source: seed 003 announcements endpoints, issue 14.';

--
-- Name: COLUMN announcements.sync_state; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.announcements.sync_state IS 'pending: Discord does not show the latest yet; synced: it does; orphaned: the message was deleted on Discord.';

--
-- Name: announce_task(bigint, bigint, timestamp with time zone, boolean); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.announce_task(task_id bigint, channel_id bigint, publish_at timestamp with time zone DEFAULT NULL::timestamp with time zone, pinned boolean DEFAULT false) RETURNS app_public.announcements
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_task app_public.tasks;
  v app_public.announcements;
begin
  perform app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  select * into v_task from app_public.tasks t
   where t.id = announce_task.task_id and t.guild_id = app_public.current_guild_id() and t.status = 'active';
  if v_task.id is null then
    perform app_private.raise_error('TK001', 'task_not_found', jsonb_build_object('task_id', announce_task.task_id::text));
  end if;
  insert into app_public.announcements (guild_id, channel_id, content, embed, task_id, publish_at, pinned, created_by)
    values (v_task.guild_id, announce_task.channel_id, '', jsonb_strip_nulls(jsonb_build_object(
        'title', left('New task: ' || v_task.name, 256),
        'description', nullif(left(v_task.description, 4096), ''),
        'color', 15844367,
        'fields', jsonb_build_array(
          jsonb_build_object('name', 'Reward', 'value', v_task.reward::text || ' coins', 'inline', true),
          jsonb_build_object('name', 'Slots', 'value', coalesce(v_task.max_claims::text, 'unlimited'), 'inline', true),
          jsonb_build_object('name', 'Time to finish', 'value', v_task.duration_hours::text || ' h', 'inline', true)),
        'footer', jsonb_build_object('text', 'Claim it in the task channel or with /task claim ' || v_task.id))),
      v_task.id, announce_task.publish_at, announce_task.pinned, app_public.current_discord_id())
    returning * into v;
  return v;
end;
$$;

ALTER FUNCTION app_public.announce_task(task_id bigint, channel_id bigint, publish_at timestamp with time zone, pinned boolean) OWNER TO guildbank_owner;

--
-- Name: FUNCTION announce_task(task_id bigint, channel_id bigint, publish_at timestamp with time zone, pinned boolean); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.announce_task(task_id bigint, channel_id bigint, publish_at timestamp with time zone, pinned boolean) IS 'Staff (SUPERADMIN, ADMIN, OPERATOR) announce an active task of their guild in a channel: an announcement whose embed shows the task (name, description, reward, slots, time to finish), now or at publish_at, optionally pinned. Errors: AU001, PD001, TK001 task_not_found. Source: seed 003 "POST /api/<server_id>/announcements/task/<task_id>", issue 14 ("post from a task").';

--
-- Name: answer_quest(bigint, text, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.answer_quest(quest_id bigint, answer text DEFAULT NULL::text, idempotency_key text DEFAULT NULL::text) RETURNS app_public.quest_result
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_user app_public.users := app_private.register_caller('');
begin
  return app_private.answer_quest_for(v_user.id, answer_quest.quest_id, answer_quest.answer, idempotency_key, now());
end;
$$;

ALTER FUNCTION app_public.answer_quest(quest_id bigint, answer text, idempotency_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION answer_quest(quest_id bigint, answer text, idempotency_key text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.answer_quest(quest_id bigint, answer text, idempotency_key text) IS 'Attempts a quest as the calling member: one attempt per quest per cooldown_s (a wrong answer uses the attempt, so trivia choices cannot be tried one by one); a correct answer (trivia, compared trimmed and case-insensitively) or a check-in earns the quest''s reward from the mint (transaction type earn, reason quest). A replayed idempotency key returns the first result. Errors: AU001 not_authenticated, MB003 guild_not_found, FZ001 account_frozen, QS001 quest_not_found (missing, inactive or outside its window), QS002 quest_cooldown (detail next_attempt_at, retry_after_s), QS003 answer_required, VL001 invalid_argument (answer over 200 characters), IK001/IK002. Source: seeds 000 ("Quests: daily trivia/quests with cooldown validation") and issue 4.';

--
-- Name: assign_payment(bigint, bigint, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.assign_payment(payment_id bigint, discord_id bigint, reason text) RETURNS app_public.minecraft_payments
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_public.assign_payment(payment_id bigint, discord_id bigint, reason text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION assign_payment(payment_id bigint, discord_id bigint, reason text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.assign_payment(payment_id bigint, discord_id bigint, reason text) IS 'Staff (SUPERADMIN, ADMIN, OPERATOR) credit an unmatched payment (an unlinked IGN) to a member after checking who paid: the amount moves from the guild''s MCD treasury to the member''s MCD wallet, the payment becomes credited; audited. Errors: AU001, PD001, PD002, RS001, MB002, PY004 payment_not_found, PY005 payment_not_unmatched. Source: issue #6 (unlinked payments wait for staff).';

--
-- Name: burn_card(bigint, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.burn_card(card_id bigint, idempotency_key text) RETURNS app_public.user_cards
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  return app_private.burn_card_for((app_private.current_member()).id, card_id, idempotency_key, now());
end;
$$;

ALTER FUNCTION app_public.burn_card(card_id bigint, idempotency_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION burn_card(card_id bigint, idempotency_key text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.burn_card(card_id bigint, idempotency_key text) IS 'A member burns one of their copies for Notes by rarity (card_settings.burn_notes; temporary copies pay nothing): the copy loses its owner for good (a card sink, a Notes faucet from the guild''s mint). Errors: AU001, MB001, FZ001, CA001 card_not_found, CA003 card_locked, CA005 card_listed, IK001/IK002. Source: issue 15 "Inventory: burn a copy for currency by rarity".';

--
-- Name: buy_card(uuid, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.buy_card(listing_id uuid, idempotency_key text) RETURNS app_public.card_listings
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  return app_private.buy_card_for((app_private.current_member()).id, listing_id, idempotency_key, now());
end;
$$;

ALTER FUNCTION app_public.buy_card(listing_id uuid, idempotency_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION buy_card(listing_id uuid, idempotency_key text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.buy_card(listing_id uuid, idempotency_key text) IS 'A member buys a card listing: in one transaction the price moves from the buyer''s wallet to the seller''s, minus the fee (floor(price x fee_bp / 10000)) to the guild''s fees account of that currency, and the copy moves to the buyer (unlocked). Errors: AU001, MB001, MK001 listing_not_found, MK003 self_purchase, FZ001, FZ002, MK002 listing_not_active, NF001 insufficient_funds, IK001/IK002. Source: issue 15 "Card market", seed 002 "/buy".';

--
-- Name: buy_listing(uuid, integer, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.buy_listing(listing_id uuid, qty integer, idempotency_key text) RETURNS app_public.orders
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if idempotency_key is null then
    perform app_private.raise_error('IK002', 'idempotency_key_invalid', jsonb_build_object('length', null));
  end if;
  return app_private.buy_listing_for((app_private.current_member()).id, listing_id, qty, idempotency_key, now());
end;
$$;

ALTER FUNCTION app_public.buy_listing(listing_id uuid, qty integer, idempotency_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION buy_listing(listing_id uuid, qty integer, idempotency_key text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.buy_listing(listing_id uuid, qty integer, idempotency_key text) IS 'Buys qty units of an active listing: the buyer''s coins (qty x unit price) move from wallet to escrow atomically and the units leave the listing; the order is fulfilled by the orders__fulfil job (goods to the buyer, net to the seller, fee to the guild''s fees account) or refunded. The listing row lock serialises buyers, so units are never oversold; per-buyer min (per order) and max (across all of the buyer''s pending and fulfilled orders on the listing) are enforced. Errors: AU001, MB001, AM002, MK001 listing_not_found, MK002 listing_not_active, MK003 self_purchase, MK004 quantity_unavailable, MK005 below_min_per_buyer, MK006 above_max_per_buyer, FZ001, FZ002 (seller frozen), NF001, IK001/IK002. Source: issue #3, seed 000 section 4 "Buy flow" and "Escrow".';

--
-- Name: buy_reward(text, integer, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.buy_reward(sku text, qty integer, idempotency_key text) RETURNS app_public.orders
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if idempotency_key is null then
    perform app_private.raise_error('IK002', 'idempotency_key_invalid', jsonb_build_object('length', null));
  end if;
  return app_private.buy_reward_for((app_private.current_member()).id, sku, qty, idempotency_key, now());
end;
$$;

ALTER FUNCTION app_public.buy_reward(sku text, qty integer, idempotency_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION buy_reward(sku text, qty integer, idempotency_key text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.buy_reward(sku text, qty integer, idempotency_key text) IS 'Buys qty units of a catalogue SKU. Validates visibility, expiry, stock (the reward row is locked: never oversold, never negative), the per-member limits (per UTC day and lifetime, counting pending and fulfilled orders), funds and frozen state; creates an order whose coins sit in escrow (a pending hold timing out after escrow_timeout_min) until fulfilment posts it to the treasury or a failure voids it. A replay with the same key returns the same order. Errors: AU001, MB001, AM002 invalid_quantity, FZ001, RW001 reward_not_found, RW002 reward_expired, RW003 out_of_stock, RW004 purchase_limit_reached, NF001 insufficient_funds, IK001/IK002. Source: issue #3, seed 003 "Shop Item Purchase".';

--
-- Name: cancel_card_listing(uuid); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.cancel_card_listing(listing_id uuid) RETURNS app_public.card_listings
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v app_public.card_listings;
  v_staff app_public.staff_role;
begin
  if current_setting('role', true) = 'coins_staff' then
    v_staff := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  end if;
  select * into v from app_public.card_listings l where l.id = cancel_card_listing.listing_id
     and l.guild_id = app_public.current_guild_id() for update;
  if v.id is null or (v_staff is null and v.seller_id <> (app_private.current_member()).id) then
    perform app_private.raise_error('MK001', 'listing_not_found', jsonb_build_object('listing_id', listing_id));
  end if;
  if v.status <> 'active' then
    perform app_private.raise_error('MK002', 'listing_not_active', jsonb_build_object('status', v.status));
  end if;
  update app_public.card_listings l set status = 'cancelled', closed_at = now() where l.id = v.id returning * into v;
  if v_staff is not null then
    perform app_private.card_audit(v.guild_id, 'cancel_card_listing', 'card_listing', v.id::text,
      jsonb_build_object('status', 'active'), to_jsonb(v), 'cancelled by staff');
  end if;
  return v;
end;
$$;

ALTER FUNCTION app_public.cancel_card_listing(listing_id uuid) OWNER TO guildbank_owner;

--
-- Name: FUNCTION cancel_card_listing(listing_id uuid); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.cancel_card_listing(listing_id uuid) IS 'The seller (or staff: SUPERADMIN, ADMIN, OPERATOR, audited) cancels an active card listing; the copy is free again. Errors: AU001, MB001, PD001, MK001 listing_not_found, MK002 listing_not_active. Source: issue 15 "Card market" (cancel).';

--
-- Name: cancel_listing(uuid, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.cancel_listing(listing_id uuid, reason text DEFAULT NULL::text) RETURNS app_public.listings
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v record;
  v_before jsonb;
  v_after app_public.listings;
begin
  select * into v from app_private.listing_for_change(listing_id, reason);
  v_before := to_jsonb(v.listing);
  v_after := app_private.close_listing(listing_id, 'cancelled', now());
  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, listing_id)
    values (v_after.guild_id, 'list', app_public.current_discord_id(), v_after.seller_id, 0, 'listing_cancelled',
      jsonb_build_object('sku', v_after.sku, 'returned_qty', (v.listing).qty_available, 'by', case when v.is_seller then 'seller' else 'staff' end),
      listing_id);
  if not v.is_seller then
    insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
      values (v_after.guild_id, app_public.current_discord_id(), v.actor_role, 'cancel_listing', 'listing', listing_id::text,
        v_before, to_jsonb(v_after), reason);
  end if;
  return v_after;
end;
$$;

ALTER FUNCTION app_public.cancel_listing(listing_id uuid, reason text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION cancel_listing(listing_id uuid, reason text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.cancel_listing(listing_id uuid, reason text) IS 'Cancels a listing: unsold units return to the seller; pending orders on it proceed (a refund returns their units to the seller). The seller may cancel their own; staff (SUPERADMIN, ADMIN, OPERATOR) override with a reason, audited. Errors: AU001, MK001, PD001, RS001, MK002 listing_not_active. Source: issue #3.';

--
-- Name: cancel_order(uuid); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.cancel_order(order_id uuid) RETURNS app_public.orders
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_me app_public.users := app_private.current_member();
begin
  if not exists (select 1 from app_public.orders o where o.order_id = cancel_order.order_id and o.buyer_id = v_me.id) then
    perform app_private.raise_error('OR001', 'order_not_found', jsonb_build_object('order_id', order_id));
  end if;
  return app_private.refund_order_core(order_id, 'cancelled', v_me.discord_id, 'cancelled by the buyer', now());
end;
$$;

ALTER FUNCTION app_public.cancel_order(order_id uuid) OWNER TO guildbank_owner;

--
-- Name: FUNCTION cancel_order(order_id uuid); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.cancel_order(order_id uuid) IS 'The buyer withdraws their own pending order: escrow back to them, goods back. Errors: AU001, MB001, OR001 (not theirs or unknown), OR002 order_not_pending. Source: issue #3.';

--
-- Name: cancel_trade(uuid); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.cancel_trade(trade_id uuid) RETURNS app_public.card_trades
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v app_public.card_trades;
  v_staff app_public.staff_role;
begin
  if current_setting('role', true) = 'coins_staff' then
    v_staff := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  end if;
  select * into v from app_public.card_trades t where t.id = cancel_trade.trade_id and t.guild_id = app_public.current_guild_id()
     for update;
  if v.id is null or (v_staff is null and (app_private.current_member()).id not in (v.proposer_id, v.recipient_id)) then
    perform app_private.raise_error('TD001', 'trade_not_found', jsonb_build_object('trade_id', trade_id));
  end if;
  if v.status <> 'open' then
    perform app_private.raise_error('TD002', 'trade_not_open', jsonb_build_object('status', v.status));
  end if;
  update app_public.card_trades t set status = 'cancelled', closed_at = now(), updated_at = now() where t.id = v.id returning * into v;
  if v_staff is not null then
    perform app_private.card_audit(v.guild_id, 'cancel_card_trade', 'card_trade', v.id::text,
      jsonb_build_object('status', 'open'), to_jsonb(v), 'cancelled by staff');
  end if;
  return v;
end;
$$;

ALTER FUNCTION app_public.cancel_trade(trade_id uuid) OWNER TO guildbank_owner;

--
-- Name: FUNCTION cancel_trade(trade_id uuid); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.cancel_trade(trade_id uuid) IS 'Either member (or staff: SUPERADMIN, ADMIN, OPERATOR, audited) cancels or declines an open trade; nothing moves. Errors: AU001, MB001, PD001, TD001 trade_not_found, TD002 trade_not_open. Source: issue 15 "Trading".';

--
-- Name: card_balances(); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.card_balances() RETURNS TABLE(currency text, name text, scale smallint, balance bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select c.code, c.name, c.scale, coalesce(a.balance, 0)::bigint
    from app_public.currencies c
    left join app_public.accounts a on a.currency = c.code and a.kind = 'wallet' and a.user_id = (app_private.current_member()).id
   where c.code = 'COIN' or c.code = any (coalesce((select s.currencies from app_public.card_settings s where s.guild_id = app_public.current_guild_id()), '{}'))
   order by array_position(array['COIN', 'NOTE', 'DISC', 'GEM'], c.code);
$$;

ALTER FUNCTION app_public.card_balances() OWNER TO guildbank_owner;

--
-- Name: FUNCTION card_balances(); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.card_balances() IS 'The member''s wallet in every currency the guild uses (COIN first, then NOTE, DISC, GEM), 0 where no account exists yet. Errors: AU001, MB001. Source: issue 15 "/balance (all currencies)".';

--
-- Name: card_leaderboard(boolean, integer); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.card_leaderboard(global boolean DEFAULT false, size integer DEFAULT 10) RETURNS TABLE(rank bigint, display_name text, guild_name text, score bigint, distinct_cards bigint, rarest_public_id text, rarest_rarity app_public.card_rarity, rarest_print_no integer)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  with owned as (
    select c.owner_id, t.id as template_id, t.public_id, t.rarity, c.print_no
      from app_public.user_cards c join app_public.card_templates t on t.id = c.template_id
     where c.owner_id is not null and (global or c.guild_id = app_public.current_guild_id())
  ), scores as (
    select o.owner_id,
           sum(case o.rarity when 'common' then 1 when 'rare' then 3 when 'epic' then 10 when 'legendary' then 30 else 100 end)
             filter (where o.first) as score,
           count(*) filter (where o.first) as distinct_cards
      from (select *, row_number() over (partition by owner_id, template_id order by print_no) = 1 as first from owned) o
     group by o.owner_id
  ), rarest as (
    select distinct on (o.owner_id) o.owner_id, o.public_id, o.rarity, o.print_no
      from owned o order by o.owner_id, o.rarity desc, o.print_no
  )
  select rank() over (order by s.score desc), u.display_name, g.name, s.score, s.distinct_cards, r.public_id, r.rarity, r.print_no
    from scores s join app_public.users u on u.id = s.owner_id join app_public.guilds g on g.id = u.guild_id
    join rarest r on r.owner_id = s.owner_id
   where app_public.current_guild_id() is not null
   order by s.score desc, u.id
   limit least(greatest(coalesce(size, 10), 1), 100);
$$;

ALTER FUNCTION app_public.card_leaderboard(global boolean, size integer) OWNER TO guildbank_owner;

--
-- Name: FUNCTION card_leaderboard(global boolean, size integer); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.card_leaderboard(global boolean, size integer) IS 'Top collectors of the caller''s guild (or of every guild when global): collection score = the sum over distinct templates owned of a rarity weight (common 1, rare 3, epic 10, legendary 30, mythic 100), with each member''s rarest pull (rarity, then lowest print number). Global shows display and guild names only. Source: issue 15 "Leaderboards per guild and global: top collectors (a collection score), rarest pulls".';

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
-- Name: claim_task(bigint, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.claim_task(task_id bigint, idempotency_key text DEFAULT NULL::text) RETURNS app_public.task_claims
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_user app_public.users := app_private.register_caller('');
begin
  return app_private.claim_task_for(v_user.id, claim_task.task_id, app_private.current_discord_role_ids(), idempotency_key, now());
end;
$$;

ALTER FUNCTION app_public.claim_task(task_id bigint, idempotency_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION claim_task(task_id bigint, idempotency_key text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.claim_task(task_id bigint, idempotency_key text) IS 'Claims a task as the calling member: the task must be active and not past expires_at, claimable by the member (assigned members only when it has any; the required Discord role, from the bot''s claim app.discord_role_ids), not already live or accepted for the member, within the guild''s max_tasks_per_user, and with a free slot (max_claims; the task row lock makes exactly one of concurrent claims of the last slot win). The claim''s deadline is now + duration_hours. A replayed idempotency key returns the first claim. Errors: AU001, MB003, FZ001 account_frozen, TK001 task_not_found, TK002 task_full, TK003 task_expired, TK004 task_not_assigned, TK005 task_already_claimed, TK006 task_limit_reached, TK007 task_role_required, TK012 task_claims_closed, IK001/IK002. Source: seed 003 "Task Claim and Completion" 1-4, issue 14.';

--
-- Name: collection_progress(); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.collection_progress() RETURNS TABLE(artist text, era text, templates bigint, owned bigint, percent integer)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select a.name, e.name, count(t.id),
         count(t.id) filter (where exists (select 1 from app_public.user_cards c where c.template_id = t.id
                                             and c.owner_id = (app_private.current_member()).id)),
         (100 * count(t.id) filter (where exists (select 1 from app_public.user_cards c where c.template_id = t.id
                                                    and c.owner_id = (app_private.current_member()).id)) / count(t.id))::integer
    from app_public.card_templates t
    join app_public.artists a on a.id = t.artist_id
    join app_public.eras e on e.id = t.era_id
   where t.guild_id = app_public.current_guild_id() and t.retired_at is null and not t.temporary
   group by a.name, e.name, e.starts_on
   order by a.name, e.starts_on nulls last, e.name;
$$;

ALTER FUNCTION app_public.collection_progress() OWNER TO guildbank_owner;

--
-- Name: FUNCTION collection_progress(); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.collection_progress() IS 'The caller''s collection completion per artist and era: templates (not retired, not temporary) and how many of them the member owns at least one copy of, with the percentage. Errors: AU001, MB001. Source: issue 15 "Inventory: collection completion per artist/era".';

--
-- Name: confirm_trade(uuid, integer); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.confirm_trade(trade_id uuid, version integer) RETURNS app_public.card_trades
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  return app_private.confirm_trade_for((app_private.current_member()).id, trade_id, version, now());
end;
$$;

ALTER FUNCTION app_public.confirm_trade(trade_id uuid, version integer) OWNER TO guildbank_owner;

--
-- Name: FUNCTION confirm_trade(trade_id uuid, version integer); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.confirm_trade(trade_id uuid, version integer) IS 'A member of an open trade confirms the version they saw; when both confirmed the current version the swap happens in this transaction (execute_trade), else the trade waits for the other side. Errors: AU001, MB001, TD001 trade_not_found, TD002 trade_not_open, TD003 trade_changed (the offer changed since that version), and the swap''s (FZ001, CA001, CA003, CA004, CA005, NF001). Source: issue 15 "Trading" (each side confirms after the last change).';

--
-- Name: card_templates; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.card_templates (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    public_id text NOT NULL,
    artist_id bigint NOT NULL,
    era_id bigint NOT NULL,
    rarity app_public.card_rarity NOT NULL,
    image_id bigint,
    event_id bigint,
    temporary boolean DEFAULT false NOT NULL,
    copies_created integer DEFAULT 0 NOT NULL,
    retired_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT card_templates_check CHECK (((NOT temporary) OR (event_id IS NOT NULL))),
    CONSTRAINT card_templates_copies_created_check CHECK ((copies_created >= 0)),
    CONSTRAINT card_templates_public_id_check CHECK ((public_id ~ '^[A-Z0-9]{2,4}-[A-Z0-9]{2,6}-[CRELM]-[0-9]{3}$'::text))
);

ALTER TABLE app_public.card_templates OWNER TO guildbank_owner;

--
-- Name: TABLE card_templates; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.card_templates IS '@behavior -insert -update -delete
Card templates, shared by every owner: public id (ARTIST-ERA-RARITY-NNN, the rarity letter of creation), artist, era, rarity, image, copies created (= the last print number minted). A temporary template belongs to an event; retired templates drop no more.';

--
-- Name: create_card_template(bigint, bigint, app_public.card_rarity, bigint, bigint); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.create_card_template(artist_id bigint, era_id bigint, rarity app_public.card_rarity, image_id bigint, event_id bigint) RETURNS app_public.card_templates
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  v_guild bigint := app_public.current_guild_id();
  v_artist app_public.artists;
  v_era app_public.eras;
  v_n integer;
  v app_public.card_templates;
begin
  select * into v_artist from app_public.artists a where a.id = create_card_template.artist_id and a.guild_id = v_guild;
  select * into v_era from app_public.eras e where e.id = create_card_template.era_id and e.artist_id = v_artist.id;
  if v_artist.id is null or v_era.id is null or rarity is null then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'artist_id, era_id, rarity'));
  end if;
  if event_id is not null and not exists (select 1 from app_public.card_events e where e.id = event_id and e.guild_id = v_guild) then
    perform app_private.raise_error('EV003', 'event_not_found', jsonb_build_object('event_id', event_id));
  end if;
  if image_id is not null and not exists (select 1 from app_public.era_images i where i.id = image_id and i.era_id = v_era.id) then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'image_id'));
  end if;
  -- The era's row lock serialises numbering of its templates.
  perform 1 from app_public.eras e where e.id = v_era.id for update;
  select count(*) + 1 into v_n from app_public.card_templates t where t.era_id = v_era.id;
  insert into app_public.card_templates (guild_id, public_id, artist_id, era_id, rarity, image_id, event_id, temporary)
    values (v_guild, v_artist.code || '-' || v_era.code || '-' || upper(left(rarity::text, 1)) || '-' || lpad(v_n::text, 3, '0'),
      v_artist.id, v_era.id, rarity, image_id, event_id, event_id is not null)
    returning * into v;
  perform app_private.card_audit(v_guild, 'create_card_template', 'card_template', v.public_id, null, to_jsonb(v) - 'updated_at',
    case when v.temporary then 'temporary card for an event' else 'new card' end);
  return v;
end;
$$;

ALTER FUNCTION app_public.create_card_template(artist_id bigint, era_id bigint, rarity app_public.card_rarity, image_id bigint, event_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION create_card_template(artist_id bigint, era_id bigint, rarity app_public.card_rarity, image_id bigint, event_id bigint); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.create_card_template(artist_id bigint, era_id bigint, rarity app_public.card_rarity, image_id bigint, event_id bigint) IS 'Staff (SUPERADMIN, ADMIN, OPERATOR) create a card template of an artist''s era with a rarity and optional image; with an event it is a temporary card (drops only from that event''s packs, its copies vanish at the event''s end). Public id: ARTIST-ERA-<rarity letter>-NNN (NNN = the era''s n-th template). Audited. Errors: AU001, PD001, VL001, EV003 event_not_found. Source: issue 15 "Admin: create a temporary card", "Catalogue" (public id like TMC-1989-L-001).';

--
-- Name: create_listing(text, integer, bigint, integer, integer, integer, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.create_listing(sku text, qty integer, unit_price bigint, expires_in_hours integer DEFAULT 72, min_per_buyer integer DEFAULT 1, max_per_buyer integer DEFAULT NULL::integer, idempotency_key text DEFAULT NULL::text) RETURNS app_public.listings
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  return app_private.create_listing_for((app_private.current_member()).id, sku, qty, unit_price, expires_in_hours,
    min_per_buyer, max_per_buyer, idempotency_key, now());
end;
$$;

ALTER FUNCTION app_public.create_listing(sku text, qty integer, unit_price bigint, expires_in_hours integer, min_per_buyer integer, max_per_buyer integer, idempotency_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION create_listing(sku text, qty integer, unit_price bigint, expires_in_hours integer, min_per_buyer integer, max_per_buyer integer, idempotency_key text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.create_listing(sku text, qty integer, unit_price bigint, expires_in_hours integer, min_per_buyer integer, max_per_buyer integer, idempotency_key text) IS 'Lists qty units the caller owns at unit_price coins each, for expires_in_hours (1 .. max_listing_days x 24). The items move from the inventory into the listing. Guards (app_private.pricing_quote): below the floor is refused; the fee band fixes the fee rate. Buyers must take at least min_per_buyer and at most max_per_buyer units in total. Errors: AU001, MB001, AM001, AM002, FZ001, MK008 invalid_expiry, MK010 invalid_buyer_limits, RW001, RW005 not_tradable, FL001 below_price_floor (detail: floor, reference, median_7d, scarcity_multiplier), IN001 insufficient_inventory, IK001/IK002. Source: issue #3, seed 000 section 4 "Sell flow".';

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
-- Name: custom_command(text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.custom_command(name text) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v jsonb;
begin
  if app_public.current_guild_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  select jsonb_build_object('name', c.name, 'response', c.response, 'embed', e.embed) into v
    from app_public.custom_commands c
    left join app_public.saved_embeds e on e.id = c.embed_id and e.guild_id = c.guild_id
   where c.guild_id = app_public.current_guild_id() and c.name = lower(btrim(custom_command.name)) and c.enabled;
  if v is null then
    perform app_private.raise_error('CC001', 'custom_command_not_found', jsonb_build_object('name', left(custom_command.name, 32)));
  end if;
  return v;
end;
$$;

ALTER FUNCTION app_public.custom_command(name text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION custom_command(name text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.custom_command(name text) IS 'What /c <name> answers in the caller''s guild: {name, response, embed} of an enabled custom command (the embed is the saved embed it points to). Errors: AU001, CC001 custom_command_not_found. Source: seed 003 "/api/commands", issue 14 ("members run /c <name>").';

--
-- Name: custom_command_names(text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.custom_command_names(prefix text DEFAULT ''::text) RETURNS SETOF text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select c.name from app_public.custom_commands c
   where c.guild_id = app_public.current_guild_id() and c.enabled
     and starts_with(c.name, lower(btrim(coalesce(prefix, ''))))
   order by c.name limit 25;
$$;

ALTER FUNCTION app_public.custom_command_names(prefix text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION custom_command_names(prefix text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.custom_command_names(prefix text) IS 'The enabled custom command names of the caller''s guild starting with prefix (at most 25: Discord''s autocomplete limit), for /c''s autocomplete. Source: issue 14 ("one registered command with autocomplete").';

--
-- Name: delete_announcement(bigint); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.delete_announcement(announcement_id bigint) RETURNS app_public.announcements
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v app_public.announcements;
begin
  perform app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  update app_public.announcements a set status = 'deleted'
   where a.id = delete_announcement.announcement_id and a.guild_id = app_public.current_guild_id() and a.status <> 'deleted'
   returning * into v;
  if v.id is null then
    perform app_private.raise_error('AN001', 'announcement_not_found',
      jsonb_build_object('announcement_id', delete_announcement.announcement_id::text));
  end if;
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v.guild_id, app_public.current_discord_id(), app_public.current_staff_role(), 'delete_announcement', 'announcement',
            v.id::text, null, jsonb_build_object('status', 'deleted'),
            coalesce(nullif(btrim(current_setting('app.reason', true)), ''), 'delete via API'));
  return v;
end;
$$;

ALTER FUNCTION app_public.delete_announcement(announcement_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION delete_announcement(announcement_id bigint); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.delete_announcement(announcement_id bigint) IS 'Staff (SUPERADMIN, ADMIN, OPERATOR) delete an announcement: it becomes deleted and discord__announcement deletes its Discord message (a scheduled one is simply never posted). Audited. Errors: AU001, PD001, AN001 announcement_not_found. Source: seed 003 "DELETE /api/<server_id>/announcements/<id>", issue 14.';

--
-- Name: delete_card_template(text, boolean, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.delete_card_template(public_id text, refund boolean, reason text) RETURNS app_public.card_templates
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN']::app_public.staff_role[]);
  v_before app_public.card_templates;
  v app_public.card_templates;
  v_notes bigint := 0;
  v_owner record;
  v_tx uuid;
  v_copies integer;
begin
  if reason is null or length(btrim(reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  select * into v_before from app_public.card_templates t
   where t.guild_id = app_public.current_guild_id() and t.public_id = upper(delete_card_template.public_id) for update;
  if v_before.id is null or v_before.retired_at is not null then
    perform app_private.raise_error('CA006', 'template_not_found', jsonb_build_object('public_id', public_id));
  end if;
  -- Owners first (id order), then their copies: the lock order of every rule that moves cards.
  perform 1 from app_private.lock_members(array(select distinct c.owner_id from app_public.user_cards c
                                                   where c.template_id = v_before.id and c.owner_id is not null));
  if coalesce(refund, false) and not v_before.temporary then
    v_notes := coalesce((select (s.burn_notes ->> v_before.rarity::text)::bigint from app_public.card_settings s
                          where s.guild_id = v_before.guild_id), 0);
  end if;
  update app_public.card_listings l set status = 'cancelled', closed_at = now()
   where l.status = 'active' and l.card_id in (select c.id from app_public.user_cards c where c.template_id = v_before.id);
  update app_public.card_trades t set status = 'cancelled', closed_at = now(), updated_at = now()
   where t.status = 'open' and exists (select 1 from app_public.card_trade_items i join app_public.user_cards c on c.id = i.card_id
                                         where i.trade_id = t.id and c.template_id = v_before.id);
  for v_owner in select c.owner_id, count(*)::integer as n from app_public.user_cards c
                  where c.template_id = v_before.id and c.owner_id is not null group by c.owner_id order by c.owner_id loop
    insert into app_public.card_notifications (guild_id, user_id, kind, payload)
      values (v_before.guild_id, v_owner.owner_id, 'template_deleted',
        jsonb_build_object('public_id', v_before.public_id, 'copies', v_owner.n, 'refund_notes', v_notes * v_owner.n));
    if v_notes > 0 then
      insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, currency, reason, meta)
        values (v_before.guild_id, 'refund', app_public.current_discord_id(), v_owner.owner_id, v_notes * v_owner.n, 'NOTE',
          'card_template_refund', jsonb_build_object('public_id', v_before.public_id, 'copies', v_owner.n, 'why', reason))
        returning tx_id into v_tx;
      perform app_private.post_transfer(v_before.guild_id, app_private.ledger_account(v_before.guild_id, null, 'NOTE', 'mint'),
        app_private.ledger_account(v_before.guild_id, v_owner.owner_id, 'NOTE', 'wallet'), v_notes * v_owner.n,
        'card_template_refund', v_tx);
    end if;
  end loop;
  update app_public.user_cards c set owner_id = null, burned_at = now(), burn_reason = 'template_deleted', locked = false
   where c.template_id = v_before.id and c.owner_id is not null;
  get diagnostics v_copies = row_count;
  delete from app_public.card_wishlists w where w.template_id = v_before.id;
  update app_public.card_templates t set retired_at = now() where t.id = v_before.id returning * into v;
  perform app_private.card_audit(v.guild_id, 'delete_card_template', 'card_template', v.public_id,
    to_jsonb(v_before) - 'updated_at', (to_jsonb(v) - 'updated_at') || jsonb_build_object('copies_removed', v_copies,
      'refund_notes_per_copy', v_notes), reason);
  return v;
end;
$$;

ALTER FUNCTION app_public.delete_card_template(public_id text, refund boolean, reason text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION delete_card_template(public_id text, refund boolean, reason text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.delete_card_template(public_id text, refund boolean, reason text) IS 'Staff (SUPERADMIN, ADMIN) delete a card template: it drops no more (retired; the row stays for past draws and print numbers), every copy is removed from its owner (burned, reason template_deleted), its listings and the open trades holding it are cancelled, wishlists cleared, owners told. Refund rule: with refund, each owner receives per copy the Notes that burning it would pay (card_settings.burn_notes of the template''s rarity; temporary cards: nothing), from the NOTE mint. Audited before/after. Errors: AU001, PD001, RS001, CA006 template_not_found. Source: issue 15 "Admin: delete a template with an optional refund to owners", seed 002 "/admin delete_template".';

--
-- Name: tasks; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.tasks (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    name text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    reward bigint NOT NULL,
    category text DEFAULT 'General'::text NOT NULL,
    duration_hours integer DEFAULT 24 NOT NULL,
    expires_at timestamp with time zone,
    max_claims integer,
    assigned_member_ids bigint[] DEFAULT '{}'::bigint[] NOT NULL,
    required_role_id bigint,
    grant_role_id bigint,
    proof_required boolean,
    status text DEFAULT 'active'::text NOT NULL,
    channel_id bigint,
    message_id bigint,
    sync_state text DEFAULT 'pending'::text NOT NULL,
    synced_at timestamp with time zone,
    created_by bigint DEFAULT app_public.current_discord_id(),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT tasks_assigned_member_ids_check CHECK (((cardinality(assigned_member_ids) <= 100) AND (array_position(assigned_member_ids, NULL::bigint) IS NULL))),
    CONSTRAINT tasks_category_check CHECK (((length(btrim(category)) >= 1) AND (length(btrim(category)) <= 50))),
    CONSTRAINT tasks_channel_id_check CHECK ((channel_id > 0)),
    CONSTRAINT tasks_description_check CHECK ((length(description) <= 2000)),
    CONSTRAINT tasks_duration_hours_check CHECK (((duration_hours >= 1) AND (duration_hours <= 8760))),
    CONSTRAINT tasks_grant_role_id_check CHECK ((grant_role_id > 0)),
    CONSTRAINT tasks_max_claims_check CHECK (((max_claims IS NULL) OR ((max_claims >= 1) AND (max_claims <= 100000)))),
    CONSTRAINT tasks_message_id_check CHECK ((message_id > 0)),
    CONSTRAINT tasks_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 100))),
    CONSTRAINT tasks_required_role_id_check CHECK ((required_role_id > 0)),
    CONSTRAINT tasks_reward_check CHECK (((reward >= 1) AND (reward <= '1000000000000'::bigint))),
    CONSTRAINT tasks_status_check CHECK ((status = ANY (ARRAY['active'::text, 'closed'::text, 'expired'::text, 'deleted'::text]))),
    CONSTRAINT tasks_sync_state_check CHECK ((sync_state = ANY (ARRAY['pending'::text, 'synced'::text, 'orphaned'::text])))
);

ALTER TABLE app_public.tasks OWNER TO guildbank_owner;

--
-- Name: TABLE tasks; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.tasks IS '@behavior -delete
Community tasks (seed 003 "Tasks Data Structure"): members claim one, do it within duration_hours, submit proof, and staff accept (the reward is paid from the mint) or reject it. Staff (SUPERADMIN, ADMIN, OPERATOR) create and edit them directly (audited); deleting is app_public.delete_task (the Discord messages go first). Members see the active tasks of their guild. Each task''s Discord message has a sync state (pending, synced, orphaned) that the discord__task job converges. Source: issue 14.';

--
-- Name: COLUMN tasks.reward; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.tasks.reward IS 'Coins (minor units of COIN) paid from the mint when a claim is accepted.';

--
-- Name: COLUMN tasks.duration_hours; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.tasks.duration_hours IS 'Hours a member has, from claiming, to submit proof (the claim''s deadline).';

--
-- Name: COLUMN tasks.expires_at; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.tasks.expires_at IS 'When the task closes to new claims (null: never). The tasks__expire job marks it expired.';

--
-- Name: COLUMN tasks.max_claims; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.tasks.max_claims IS 'Slots: claims that may be in progress, submitted or accepted at once (null: unlimited).';

--
-- Name: COLUMN tasks.assigned_member_ids; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.tasks.assigned_member_ids IS 'Discord ids of the only members who may claim it (empty: anyone).';

--
-- Name: COLUMN tasks.required_role_id; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.tasks.required_role_id IS 'A Discord role a member must have to claim (checked from the roles the bot passes).';

--
-- Name: COLUMN tasks.grant_role_id; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.tasks.grant_role_id IS 'A Discord role granted on acceptance (the discord__task_role job).';

--
-- Name: COLUMN tasks.proof_required; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.tasks.proof_required IS 'Whether a submission needs text or an attachment (null: the guild''s require_proof).';

--
-- Name: COLUMN tasks.sync_state; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.tasks.sync_state IS 'pending: its Discord message is not (yet) up to date; synced: it is; orphaned: it was deleted and could not be posted again.';

--
-- Name: delete_task(bigint); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.delete_task(task_id bigint) RETURNS app_public.tasks
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_task app_public.tasks;
begin
  perform app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  select * into v_task from app_public.tasks t
   where t.id = delete_task.task_id and t.guild_id = app_public.current_guild_id() and t.status <> 'deleted'
   for update;
  if v_task.id is null then
    perform app_private.raise_error('TK001', 'task_not_found', jsonb_build_object('task_id', delete_task.task_id::text));
  end if;
  update app_public.tasks t set status = 'deleted', sync_state = 'pending' where t.id = v_task.id returning * into v_task;
  -- Live claims end with the task; accepted ones (and their rewards) stay on record.
  update app_public.task_claims c set status = 'expired', expired_at = now()
   where c.task_id = v_task.id and c.status in ('in_progress', 'submitted');
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v_task.guild_id, app_public.current_discord_id(), app_public.current_staff_role(), 'delete_task', 'task',
            v_task.id::text, jsonb_build_object('status', 'active'), jsonb_build_object('status', 'deleted'),
            coalesce(nullif(btrim(current_setting('app.reason', true)), ''), 'delete via API'));
  return v_task;
end;
$$;

ALTER FUNCTION app_public.delete_task(task_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION delete_task(task_id bigint); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.delete_task(task_id bigint) IS 'Staff (SUPERADMIN, ADMIN, OPERATOR) delete a task: it becomes deleted (hidden from members), its claims in progress or waiting for review end as expired, and the discord__task job deletes its Discord message and the proof messages in the review channel; accepted claims and their rewards stay on record. Audited. Errors: AU001, PD001, TK001 task_not_found. Source: seed 003 "When Dashboard Deletes Task", issue 14.';

--
-- Name: draw_card(text, bigint[], text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.draw_card(pack text, role_ids bigint[], idempotency_key text) RETURNS app_public.user_cards
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_pack app_public.pack_types;
  v_cost text;
begin
  select * into v_pack from app_public.pack_types p
   where p.guild_id = app_public.current_guild_id() and p.code = coalesce(draw_card.pack, 'single');
  if v_pack.command is distinct from 'draw' then
    perform app_private.raise_error('CA007', 'pack_not_found', jsonb_build_object('pack', coalesce(pack, 'single')));
  end if;
  -- Free while the daily allotment lasts, then the cheapest currency the pack costs in (NOTE first).
  if v_pack.daily_free = 0 or (select count(*) from app_public.pack_openings o
       where o.user_id = (app_private.current_member()).id and o.pack_type_id = v_pack.id and o.free
         and o.opened_at >= date_trunc('day', now() at time zone 'UTC') at time zone 'UTC') >= v_pack.daily_free then
    select c.currency into v_cost from app_public.pack_costs c where c.pack_type_id = v_pack.id
     order by array_position(array['NOTE', 'DISC', 'GEM', 'COIN'], c.currency) limit 1;
    if v_cost is null then
      perform app_private.raise_error('CA015', 'no_free_pack', jsonb_build_object('pack', v_pack.code,
        'used', v_pack.daily_free, 'allowed', v_pack.daily_free));
    end if;
  end if;
  return app_private.draw_card_for((app_private.current_member()).id, v_pack.code, v_cost, role_ids, idempotency_key, now());
end;
$$;

ALTER FUNCTION app_public.draw_card(pack text, role_ids bigint[], idempotency_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION draw_card(pack text, role_ids bigint[], idempotency_key text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.draw_card(pack text, role_ids bigint[], idempotency_key text) IS 'A member draws one card (/draw): the draw pack (default ''single'', command draw, 2 min cooldown) is opened and its only card minted at once, in one transaction; free while the pack''s daily allotment lasts, then paid in its first cost currency (Notes first). Errors: as open_pack and pick_card. Source: issue 15 "/draw draws one card", seed 002 "/draw".';

--
-- Name: draw_stats(text, integer); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.draw_stats(pack text, last_n integer DEFAULT 10000) RETURNS TABLE(rarity app_public.card_rarity, configured_bp integer, draws bigint, observed_bp integer)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_pack app_public.pack_types;
begin
  perform app_private.require_staff(enum_range(null::app_public.staff_role));
  select * into v_pack from app_public.pack_types p where p.guild_id = app_public.current_guild_id() and p.code = draw_stats.pack;
  if v_pack.id is null then
    perform app_private.raise_error('CA007', 'pack_not_found', jsonb_build_object('pack', pack));
  end if;
  if last_n is null or last_n not between 1 and 1000000 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'last_n', 'min', 1, 'max', 1000000));
  end if;
  return query
    with recent as (
      select d.rarity_rolled from app_public.card_draws d
       where d.guild_id = v_pack.guild_id and d.pack_type_id = v_pack.id
       order by d.id desc limit last_n
    ), total as (select count(*) as n from recent)
    select r, (array[v_pack.rate_common, v_pack.rate_rare, v_pack.rate_epic, v_pack.rate_legendary, v_pack.rate_mythic])
                [array_position(enum_range(null::app_public.card_rarity), r)],
           (select count(*) from recent x where x.rarity_rolled = r),
           case when (select n from total) = 0 then null
                else round(10000.0 * (select count(*) from recent x where x.rarity_rolled = r) / (select n from total))::integer end
      from unnest(enum_range(null::app_public.card_rarity)) r;
end;
$$;

ALTER FUNCTION app_public.draw_stats(pack text, last_n integer) OWNER TO guildbank_owner;

--
-- Name: FUNCTION draw_stats(pack text, last_n integer); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.draw_stats(pack text, last_n integer) IS 'Staff (every role) compare a pack''s configured drop rates with the rarities rolled in its last N draws (basis points; before guarantees and fallbacks, which are what the rates promise). Errors: AU001, PD001, CA007, VL001. Source: issue 15 "Drop-rate statistics over the last N draws are shown to staff".';

--
-- Name: economy_events_active(app_public.economy_events); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.economy_events_active(e app_public.economy_events) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select e.starts_at <= now() and now() < least(e.ends_at, coalesce(e.stopped_at, 'infinity'));
$$;

ALTER FUNCTION app_public.economy_events_active(e app_public.economy_events) OWNER TO guildbank_owner;

--
-- Name: FUNCTION economy_events_active(e app_public.economy_events); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.economy_events_active(e app_public.economy_events) IS 'Whether the event is in effect now (started, not ended, not stopped).';

--
-- Name: edit_listing_price(uuid, bigint, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.edit_listing_price(listing_id uuid, unit_price bigint, reason text DEFAULT NULL::text) RETURNS app_public.listings
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v record;
  v_quote app_public.price_quote;
  v_after app_public.listings;
begin
  if unit_price is null or unit_price <= 0 or unit_price > 1000000000000 then
    perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', unit_price));
  end if;
  select * into v from app_private.listing_for_change(listing_id, reason);
  if (v.listing).status <> 'active' or (v.listing).expires_at <= now() then
    perform app_private.raise_error('MK002', 'listing_not_active', jsonb_build_object('status',
      case when (v.listing).status = 'active' then 'expired' else (v.listing).status::text end));
  end if;
  v_quote := app_private.pricing_quote((v.listing).guild_id, (v.listing).sku, unit_price, listing_id);
  if v.is_seller and not v_quote.allowed then
    perform app_private.raise_error('FL001', 'below_price_floor',
      jsonb_build_object('sku', (v.listing).sku, 'unit_price', unit_price, 'floor', v_quote.floor_price,
        'reference', v_quote.reference_price, 'median_7d', v_quote.median_7d,
        'scarcity_multiplier', v_quote.scarcity_multiplier));
  end if;
  update app_public.listings l
     set unit_price = edit_listing_price.unit_price, fee_rate = v_quote.fee_rate, fee_band = v_quote.fee_band,
         reference_price = v_quote.reference_price
   where l.listing_id = edit_listing_price.listing_id
  returning * into v_after;
  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, listing_id)
    values (v_after.guild_id, 'list', app_public.current_discord_id(), v_after.seller_id, 0, 'listing_repriced',
      jsonb_build_object('sku', v_after.sku, 'old_unit_price', (v.listing).unit_price, 'unit_price', unit_price,
        'fee_rate', v_quote.fee_rate, 'fee_band', v_quote.fee_band), listing_id);
  if not v.is_seller then
    insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
      values (v_after.guild_id, app_public.current_discord_id(), v.actor_role, 'edit_listing_price', 'listing',
        listing_id::text, to_jsonb(v.listing), to_jsonb(v_after), reason);
  end if;
  return v_after;
end;
$$;

ALTER FUNCTION app_public.edit_listing_price(listing_id uuid, unit_price bigint, reason text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION edit_listing_price(listing_id uuid, unit_price bigint, reason text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.edit_listing_price(listing_id uuid, unit_price bigint, reason text) IS 'Reprices an active listing; the guards are re-applied and the fee band and rate recomputed (pending orders keep their price). The seller is held to the floor (FL001); staff (SUPERADMIN, ADMIN, OPERATOR) may override it with a reason, audited with before/after. Errors: AU001, AM001, MK001, PD001, RS001, MK002, FL001. Source: issue #3.';

--
-- Name: fair_value(bytea, bigint, integer); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.fair_value(server_seed bytea, discord_id bigint, nonce integer) RETURNS bytea
    LANGUAGE sql IMMUTABLE STRICT SECURITY DEFINER PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select app_private.hmac_sha256(server_seed, convert_to(discord_id::text || ':' || nonce::text, 'UTF8'));
$$;

ALTER FUNCTION app_public.fair_value(server_seed bytea, discord_id bigint, nonce integer) OWNER TO guildbank_owner;

--
-- Name: FUNCTION fair_value(server_seed bytea, discord_id bigint, nonce integer); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.fair_value(server_seed bytea, discord_id bigint, nonce integer) IS 'The randomness of one draw: HMAC-SHA256(server seed, "<discord id>:<nonce>") (32 bytes). The roll is the first 6 bytes as an unsigned integer modulo 10000 (0-9999, compared with the cumulative drop rates in basis points); the template index is the next 6 bytes modulo the size of the rarity''s pool (templates of that rarity, not retired, in id order). Anyone can recompute it once the seed is revealed (README "Provably fair draws"). Source: issue 15.';

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
-- Name: fulfil_order(uuid, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.fulfil_order(order_id uuid, reason text) RETURNS app_public.orders
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_public.fulfil_order(order_id uuid, reason text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION fulfil_order(order_id uuid, reason text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.fulfil_order(order_id uuid, reason text) IS 'Staff override: fulfils a pending order now (as the fulfilment job would). Roles: SUPERADMIN, ADMIN, OPERATOR; reason required; audited with before/after. Errors: AU001, PD001, RS001, OR001, OR002, LG003. Source: issue #3.';

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
-- Name: give_card_currency(bigint, bigint, text, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.give_card_currency(discord_id bigint, amount bigint, currency text, reason text) RETURNS app_public.transfers
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  v_user app_public.users;
  v_tx uuid;
  v app_public.transfers;
  v_currency text := give_card_currency.currency;
  v_amount bigint := give_card_currency.amount;
begin
  if reason is null or length(btrim(reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  if give_card_currency.discord_id = app_public.current_discord_id() then
    perform app_private.raise_error('PD002', 'self_action_forbidden');
  end if;
  select * into v_user from app_public.users u where u.guild_id = app_public.current_guild_id() and u.discord_id = give_card_currency.discord_id;
  if v_user.id is null then
    perform app_private.raise_error('MB002', 'member_not_found', jsonb_build_object('discord_id', discord_id::text));
  end if;
  if v_currency is null or v_currency not in ('NOTE', 'DISC', 'GEM') then
    perform app_private.raise_error('CA009', 'currency_not_used', jsonb_build_object('currency', v_currency));
  end if;
  perform app_private.card_currency(v_user.guild_id, v_currency);
  if v_amount is null or v_amount <= 0 then
    perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', v_amount));
  end if;
  perform 1 from app_private.lock_members(array[v_user.id]);
  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, currency, reason, meta)
    values (v_user.guild_id, 'earn', app_public.current_discord_id(), v_user.id, v_amount, v_currency, 'card_currency_grant',
      jsonb_build_object('why', reason))
    returning tx_id into v_tx;
  v.id := app_private.post_transfer(v_user.guild_id,
    app_private.ledger_account(v_user.guild_id, null, v_currency, 'mint'),
    app_private.ledger_account(v_user.guild_id, v_user.id, v_currency, 'wallet'), v_amount, 'card_currency_grant', v_tx);
  select * into v from app_public.transfers t where t.id = v.id;
  perform app_private.card_audit(v_user.guild_id, 'give_card_currency', 'user', v_user.id::text,
    jsonb_build_object('balance', (select balance from app_public.accounts where id = v.credit_account_id) - v_amount),
    jsonb_build_object('balance', (select balance from app_public.accounts where id = v.credit_account_id), 'currency', v_currency),
    reason);
  return v;
end;
$$;

ALTER FUNCTION app_public.give_card_currency(discord_id bigint, amount bigint, currency text, reason text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION give_card_currency(discord_id bigint, amount bigint, currency text, reason text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.give_card_currency(discord_id bigint, amount bigint, currency text, reason text) IS 'Staff (SUPERADMIN, ADMIN, OPERATOR) give a member Notes, Discs or Gems from the guild''s mint (a faucet), audited before/after; never to themselves. Errors: AU001, PD001, RS001, PD002 self_action_forbidden, MB002 member_not_found, CA009 currency_not_used, AM001 invalid_amount. Source: issue 15 "Admin: give currency", seed 002 "/admin give_currency".';

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
-- Name: link_minecraft(bigint, text, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.link_minecraft(discord_id bigint, ign text, reason text) RETURNS app_public.minecraft_links
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_public.link_minecraft(discord_id bigint, ign text, reason text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION link_minecraft(discord_id bigint, ign text, reason text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.link_minecraft(discord_id bigint, ign text, reason text) IS 'Staff (SUPERADMIN, ADMIN, OPERATOR) link a member to their Minecraft name after checking it (seed 004: a verification payment or a plugin command); audited with before/after. Errors: AU001, PD001, PD002, RS001, MB002, MC001 invalid_ign, MC002 ign_taken. Source: issue #6.';

--
-- Name: list_card(bigint, bigint, text, integer, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.list_card(card_id bigint, price bigint, currency text, hours integer, idempotency_key text) RETURNS app_public.card_listings
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  return app_private.list_card_for((app_private.current_member()).id, card_id, price, currency,
    coalesce(hours, 72), idempotency_key, now());
end;
$$;

ALTER FUNCTION app_public.list_card(card_id bigint, price bigint, currency text, hours integer, idempotency_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION list_card(card_id bigint, price bigint, currency text, hours integer, idempotency_key text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.list_card(card_id bigint, price bigint, currency text, hours integer, idempotency_key text) IS 'A member lists one of their copies on the guild''s card market (server-only) at a price (minor units) in a currency the guild uses, for 1 to card_settings.listing_hours hours; the market fee (card_settings.market_fee_bp, the seed''s 5 %) is fixed at listing time. The copy stays with the seller and cannot be traded, burned or listed again while the listing is active. Errors: AU001, MB001, FZ001, AM001, CA009, MK008 invalid_expiry, CA001, CA003 card_locked, CA004 card_temporary, CA005 card_listed, IK001/IK002. Source: issue 15 "Card market", seed 002 "/sell".';

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
    coalesce((select jsonb_agg(jsonb_build_object('tx_id', t.tx_id, 'type', t.type, 'amount', t.amount, 'currency', t.currency,
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

COMMENT ON FUNCTION app_public.my_card() IS 'The calling member''s card: wallet and escrow balances, current streak (0 once broken), next daily claim time, badges, rank (1 + members with a higher wallet balance), lifetime counters and the last 3 transactions with direction and currency (amounts in minor units of it: a Minecraft payment is MCD, scale 2; issue 17). Errors: AU001 not_authenticated, MB001 member_not_registered. Source: seed 000 section 4 (My Card).';

--
-- Name: my_task_claims(); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.my_task_claims() RETURNS SETOF app_public.task_claims
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select c.* from app_public.task_claims c
   where c.user_id = (select u.id from app_public.users u
                       where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id())
   order by (c.status in ('in_progress', 'submitted')) desc, c.claimed_at desc
   limit 50;
$$;

ALTER FUNCTION app_public.my_task_claims() OWNER TO guildbank_owner;

--
-- Name: FUNCTION my_task_claims(); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.my_task_claims() IS 'The calling member''s task claims (/task mine): live ones first, then the latest, at most 50. Source: issue 14.';

--
-- Name: note_transaction(uuid, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.note_transaction(tx_id uuid, note text) RETURNS app_public.admin_actions
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_role app_public.staff_role := app_private.require_staff('{SUPERADMIN,ADMIN,OPERATOR,SUPPORT}');
  v_tx app_public.transactions;
  v_action app_public.admin_actions;
begin
  if note is null or length(btrim(note)) < 3 or length(btrim(note)) > 500 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  select * into v_tx from app_public.transactions t
   where t.tx_id = note_transaction.tx_id and t.guild_id = app_public.current_guild_id();
  if not found then
    perform app_private.raise_error('TX001', 'transaction_not_found', jsonb_build_object('tx_id', tx_id));
  end if;
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v_tx.guild_id, app_public.current_discord_id(), v_role, 'note', 'transaction', v_tx.tx_id::text,
            null, jsonb_build_object('note', btrim(note)), btrim(note))
    returning * into v_action;
  return v_action;
end;
$$;

ALTER FUNCTION app_public.note_transaction(tx_id uuid, note text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION note_transaction(tx_id uuid, note text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.note_transaction(tx_id uuid, note text) IS 'Staff note on a transaction (the feed''s Note button), written to admin_actions (subject ''transaction''). Roles: SUPERADMIN, ADMIN, OPERATOR, SUPPORT (AUDITOR reads only). Errors: AU001, PD001, RS001 (3..500 characters), TX001 transaction_not_found. Source: issue #4, seed 000 section 4 (Note).';

--
-- Name: open_pack(text, text, bigint[], text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.open_pack(pack text, currency text, role_ids bigint[], idempotency_key text) RETURNS app_public.pack_openings
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_pack app_public.pack_types;
begin
  select * into v_pack from app_public.pack_types p where p.guild_id = app_public.current_guild_id() and p.code = open_pack.pack;
  if v_pack.command is distinct from 'openpack' then
    perform app_private.raise_error('CA007', 'pack_not_found', jsonb_build_object('pack', pack));
  end if;
  return app_private.open_pack_for((app_private.current_member()).id, pack, currency, role_ids, idempotency_key, now());
end;
$$;

ALTER FUNCTION app_public.open_pack(pack text, currency text, role_ids bigint[], idempotency_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION open_pack(pack text, currency text, role_ids bigint[], idempotency_key text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.open_pack(pack text, currency text, role_ids bigint[], idempotency_key text) IS 'A member opens a pack (/openpack): checks the pack is active (and its event running), the openpack cooldown (reduced by the member''s roles), pays (a free daily open when currency is null, else the pack''s cost in that currency, a sink), and draws cards_per_pack cards provably fairly (card_draws of the opening). Nothing is minted: the member then picks one (pick_card). One transaction; replays of the idempotency key return the first opening. Errors: AU001, MB001, FZ001, CA007 pack_not_found, CA008 pack_not_available, CD002 card_cooldown_active, CA015 no_free_pack, CA009 currency_not_used, NF001, CA014 empty_catalogue, IK001/IK002. Source: issue 15 "Packs", seed 002 "/openpack".';

--
-- Name: pick_card(uuid, integer); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.pick_card(opening_id uuid, slot integer) RETURNS app_public.user_cards
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  return app_private.pick_card_for((app_private.current_member()).id, opening_id, slot, now());
end;
$$;

ALTER FUNCTION app_public.pick_card(opening_id uuid, slot integer) OWNER TO guildbank_owner;

--
-- Name: FUNCTION pick_card(opening_id uuid, slot integer); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.pick_card(opening_id uuid, slot integer) IS 'A member keeps one card of a pack they opened: mints that draw''s template with the next print number; the other cards are gone. Exactly once per opening, even under concurrent clicks (the opening''s row lock). Errors: AU001, MB001, CA012 opening_not_found (not yours either), CA011 pack_already_picked, CA013 invalid_slot. Source: issue 15 "Packs" (pick one of three), seed 002 "MVP".';

--
-- Name: price_check(text, bigint); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.price_check(sku text, unit_price bigint) RETURNS app_public.price_quote
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if app_public.current_guild_id() is null then
    perform app_private.raise_error('AU001', 'not_authenticated');
  end if;
  if not exists (select 1 from app_public.rewards r where r.guild_id = app_public.current_guild_id() and r.sku = price_check.sku) then
    perform app_private.raise_error('RW001', 'reward_not_found', jsonb_build_object('sku', sku));
  end if;
  if unit_price is null or unit_price <= 0 or unit_price > 1000000000000 then
    perform app_private.raise_error('AM001', 'invalid_amount', jsonb_build_object('amount', unit_price));
  end if;
  return app_private.pricing_quote(app_public.current_guild_id(), sku, unit_price);
end;
$$;

ALTER FUNCTION app_public.price_check(sku text, unit_price bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION price_check(sku text, unit_price bigint); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.price_check(sku text, unit_price bigint) IS 'Quotes a unit price for a SKU against the pricing guards before listing (floor, reference, fee band and rate). Errors: AU001, RW001 reward_not_found, AM001 invalid_amount.';

--
-- Name: propose_trade(bigint, bigint[], jsonb, bigint[], jsonb); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.propose_trade(to_discord_id bigint, give_cards bigint[], give jsonb, want_cards bigint[], want jsonb) RETURNS app_public.card_trades
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  return app_private.propose_trade_for((app_private.current_member()).id, to_discord_id, give_cards, give, want_cards, want, now());
end;
$$;

ALTER FUNCTION app_public.propose_trade(to_discord_id bigint, give_cards bigint[], give jsonb, want_cards bigint[], want jsonb) OWNER TO guildbank_owner;

--
-- Name: FUNCTION propose_trade(to_discord_id bigint, give_cards bigint[], give jsonb, want_cards bigint[], want jsonb); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.propose_trade(to_discord_id bigint, give_cards bigint[], give jsonb, want_cards bigint[], want jsonb) IS 'A member offers a trade to another member: copies and currencies ({"NOTE": 100}) they give for copies and currencies they want. Version 1, nobody confirmed yet, expires after card_settings.trade_expiry_min; the other member is told. Errors: AU001, MB001, FZ001, MB002 member_not_found, TD004 self_trade, FZ002, TD005 empty_trade, and the item checks (CA001, CA003, CA004, CA005, CA009, AM001, VL001). Source: issue 15 "Trading", seed 002 "/trade".';

--
-- Name: purge_artist(bigint, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.purge_artist(artist_id bigint, reason text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN']::app_public.staff_role[]);
  v_artist app_public.artists;
  v_owned integer;
  v_n integer;
begin
  if reason is null or length(btrim(reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  select * into v_artist from app_public.artists a where a.id = purge_artist.artist_id and a.guild_id = app_public.current_guild_id()
     for update;
  if v_artist.id is null then
    perform app_private.raise_error('CA017', 'artist_not_found', jsonb_build_object('artist_id', artist_id));
  end if;
  -- The check: an artist whose cards members own is not purged (delete those templates first, with or without refund).
  select count(*) into v_owned from app_public.user_cards c join app_public.card_templates t on t.id = c.template_id
   where t.artist_id = v_artist.id and c.owner_id is not null;
  if v_owned > 0 then
    perform app_private.raise_error('CA018', 'artist_has_owned_cards', jsonb_build_object('artist_id', artist_id, 'copies', v_owned));
  end if;
  update app_public.card_templates t set retired_at = now() where t.artist_id = v_artist.id and t.retired_at is null;
  get diagnostics v_n = row_count;
  delete from app_public.card_wishlists w using app_public.card_templates t where t.id = w.template_id and t.artist_id = v_artist.id;
  perform app_private.card_audit(v_artist.guild_id, 'purge_artist', 'artist', v_artist.id::text, to_jsonb(v_artist),
    jsonb_build_object('templates_retired', v_n), reason);
  return v_n;
end;
$$;

ALTER FUNCTION app_public.purge_artist(artist_id bigint, reason text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION purge_artist(artist_id bigint, reason text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.purge_artist(artist_id bigint, reason text) IS 'SUPERADMIN purges an artist: all their templates drop no more (retired), wishlists of them are cleared; refused while any member owns one of their cards (delete those templates first). Returns how many templates were retired. Audited. Errors: AU001, PD001, RS001, CA017 artist_not_found, CA018 artist_has_owned_cards. Source: issue 15 "Admin: purge an artist (with checks)", seed 002 "/admin purge_artist".';

--
-- Name: quest_board(); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.quest_board() RETURNS SETOF app_public.quest_board_entry
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_user app_public.users := app_private.current_member();
begin
  return query
    select q.id, q.kind, q.title, q.prompt, q.choices, q.reward, q.cooldown_s, q.ends_at,
           case when a.attempted_at + make_interval(secs => q.cooldown_s) > now()
                then a.attempted_at + make_interval(secs => q.cooldown_s) end,
           a.correct
      from app_public.quests q
      left join lateral (select qa.attempted_at, qa.correct from app_public.quest_attempts qa
                          where qa.user_id = v_user.id and qa.quest_id = q.id
                          order by qa.attempted_at desc limit 1) a on true
     where q.guild_id = v_user.guild_id and q.active
       and (q.starts_at is null or q.starts_at <= now()) and (q.ends_at is null or q.ends_at > now())
     order by q.id;
end;
$$;

ALTER FUNCTION app_public.quest_board() OWNER TO guildbank_owner;

--
-- Name: FUNCTION quest_board(); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.quest_board() IS 'The active quests of the caller''s guild with the caller''s cooldown (next_attempt_at) and last outcome; answers are never returned. Errors: AU001 not_authenticated, MB001 member_not_registered. Source: issue 4 (Quests button).';

--
-- Name: queue_status(); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.queue_status() RETURNS SETOF app_public.queue_status_row
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  perform app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR', 'SUPPORT', 'AUDITOR']::app_public.staff_role[]);
  return query select q.task_identifier, q.ready, q.scheduled, q.locked, q.failed from app_hidden.queue_depth() q order by 1;
end;
$$;

ALTER FUNCTION app_public.queue_status() OWNER TO guildbank_owner;

--
-- Name: FUNCTION queue_status(); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.queue_status() IS 'The job queue by task (ready, scheduled, running, permanently failed), for the panel''s queue badges. The queue is shared by every guild, so counts are global and carry no guild data. Roles: every staff role. Errors: AU001, PD001. Source: issue #5 "Live".';

--
-- Name: rarity_for_roll(integer, integer[]); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.rarity_for_roll(roll integer, rates integer[]) RETURNS app_public.card_rarity
    LANGUAGE sql IMMUTABLE STRICT SECURITY DEFINER PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  -- rates: basis points of common, rare, epic, legendary, mythic (summing to 10000); the roll falls in one band.
  select case
    when roll < rates[1] then 'common'
    when roll < rates[1] + rates[2] then 'rare'
    when roll < rates[1] + rates[2] + rates[3] then 'epic'
    when roll < rates[1] + rates[2] + rates[3] + rates[4] then 'legendary'
    else 'mythic' end::app_public.card_rarity;
$$;

ALTER FUNCTION app_public.rarity_for_roll(roll integer, rates integer[]) OWNER TO guildbank_owner;

--
-- Name: FUNCTION rarity_for_roll(roll integer, rates integer[]); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.rarity_for_roll(roll integer, rates integer[]) IS 'The rarity a roll (0-9999) gives under drop rates in basis points [common, rare, epic, legendary, mythic]: bands in that order, each as wide as its rate. Source: issue 15 "Packs are configuration", seed 002 "Base probabilities".';

--
-- Name: refund_order(uuid, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.refund_order(order_id uuid, reason text) RETURNS app_public.orders
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_role app_public.staff_role := app_private.staff_order_action(order_id, reason,
    array['SUPERADMIN', 'ADMIN', 'OPERATOR', 'SUPPORT']::app_public.staff_role[]);
  v_before jsonb := app_private.order_snapshot(order_id);
  v_after app_public.orders;
begin
  v_after := app_private.refund_order_core(order_id, 'refunded', app_public.current_discord_id(), reason, now());
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason)
    values (v_after.guild_id, app_public.current_discord_id(), v_role, 'refund_order', 'order', order_id::text,
      v_before, app_private.order_snapshot(order_id), reason);
  return v_after;
end;
$$;

ALTER FUNCTION app_public.refund_order(order_id uuid, reason text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION refund_order(order_id uuid, reason text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.refund_order(order_id uuid, reason text) IS 'Staff override: refunds a pending order (escrow back to the buyer, goods back to the listing or seller). Roles: SUPERADMIN, ADMIN, OPERATOR, SUPPORT; reason required; audited. Errors: AU001, PD001, RS001, OR001, OR002. Source: issue #3, seed 000 section 4 (Refund).';

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
-- Name: report_daily(timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.report_daily("from" timestamp with time zone, "to" timestamp with time zone) RETURNS SETOF app_public.report_day
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_public.report_daily("from" timestamp with time zone, "to" timestamp with time zone) OWNER TO guildbank_owner;

--
-- Name: FUNCTION report_daily("from" timestamp with time zone, "to" timestamp with time zone); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.report_daily("from" timestamp with time zone, "to" timestamp with time zone) IS 'The economy per UTC day between from and to (at most 366 days) from the ledger (posted transfers): money supply over time, minted and burned, faucets vs sinks by reason, fees collected, volume and velocity. Roles: every staff role. Errors: AU001, PD001, VL001 invalid_argument. Source: issue #5 "reports".';

--
-- Name: report_top_earners(timestamp with time zone, timestamp with time zone, integer); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.report_top_earners("from" timestamp with time zone, "to" timestamp with time zone, "limit" integer DEFAULT 10) RETURNS SETOF app_public.top_earner
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_public.report_top_earners("from" timestamp with time zone, "to" timestamp with time zone, "limit" integer) OWNER TO guildbank_owner;

--
-- Name: FUNCTION report_top_earners("from" timestamp with time zone, "to" timestamp with time zone, "limit" integer); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.report_top_earners("from" timestamp with time zone, "to" timestamp with time zone, "limit" integer) IS 'The members who received the most coins between from and to (daily rewards, gives, sales, staff credits, quests; returned escrow excluded), with what they spent (gives, settled purchases, debits), bots excluded. Roles: every staff role. Errors: AU001, PD001, VL001 invalid_argument. Source: issue #5 "reports".';

--
-- Name: request_discord_setup(text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.request_discord_setup(reason text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN']::app_public.staff_role[]);
  v_guild bigint := app_public.current_guild_id();
begin
  if reason is null or length(btrim(reason)) not between 3 and 500 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  perform graphile_worker.add_job('discord__setup',
    json_build_object('guild_id', v_guild::text, 'requested_by', app_public.current_discord_id()::text),
    queue_name := 'discord', job_key := 'discord__setup:' || v_guild, max_attempts := 10);
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, after, reason)
    values (v_guild, app_public.current_discord_id(), v_role, 'request_discord_setup', 'guild', v_guild::text,
            jsonb_build_object('job', 'discord__setup'), btrim(reason));
  return true;
end;
$$;

ALTER FUNCTION app_public.request_discord_setup(reason text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION request_discord_setup(reason text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.request_discord_setup(reason text) IS 'Asks the bot to (re)build the guild''s channels and hub (the same idempotent work as /setup): queues the graphile-worker job discord__setup on queue discord, one pending job per guild (job_key), audited. SUPERADMIN and ADMIN only. Errors: AU001, PD001 permission_denied, RS001 reason_required. Source: issue 5 (settings: channel setup through the bot) and issue 4 (/setup also callable from the panel).';

--
-- Name: request_payout(bigint, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.request_payout(amount bigint, idempotency_key text) RETURNS app_public.minecraft_payouts
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if idempotency_key is null then
    perform app_private.raise_error('IK002', 'idempotency_key_invalid', jsonb_build_object('length', null));
  end if;
  return app_private.request_payout_for((app_private.current_member()).id, amount, idempotency_key, now());
end;
$$;

ALTER FUNCTION app_public.request_payout(amount bigint, idempotency_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION request_payout(amount bigint, idempotency_key text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.request_payout(amount bigint, idempotency_key text) IS 'A member withdraws amount MCD cents to their linked IGN in game: in one transaction the amount moves from their MCD wallet into escrow (a pending hold) and a queued payout is created, which the minecraft__payout job sends once as /pay. A replay with the same key returns the same payout. Errors: AU001, MB001, IK001, IK002, FZ001 account_frozen, AM001 invalid_amount, MC003 ign_not_linked, NF001 insufficient_funds. Source: issue #6.';

--
-- Name: resolve_payout(bigint, boolean, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.resolve_payout(payout_id bigint, paid boolean, reason text) RETURNS app_public.minecraft_payouts
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_public.resolve_payout(payout_id bigint, paid boolean, reason text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION resolve_payout(payout_id bigint, paid boolean, reason text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.resolve_payout(payout_id bigint, paid boolean, reason text) IS 'Staff (SUPERADMIN, ADMIN) settle a failed payout after checking in game: paid posts its hold (status confirmed), not paid returns the escrow to the member''s MCD wallet (status stays failed, resolved_by set). Audited. Nobody resolves their own payout (separation of duties). Errors: AU001, PD001, PD002 self_action_forbidden, RS001, PY002 payout_not_found, PY003 payout_not_resolvable. Source: issue #6 (escalate, never retry blindly), db/CONVENTIONS.md (PD002).';

--
-- Name: review_task_claim(bigint, boolean, text, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.review_task_claim(claim_id bigint, accept boolean, note text DEFAULT ''::text, idempotency_key text DEFAULT NULL::text) RETURNS app_public.task_claims
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
begin
  return app_private.review_task_claim_by(app_public.current_discord_id(), v_role, review_task_claim.claim_id,
    review_task_claim.accept, note, idempotency_key, now());
end;
$$;

ALTER FUNCTION app_public.review_task_claim(claim_id bigint, accept boolean, note text, idempotency_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION review_task_claim(claim_id bigint, accept boolean, note text, idempotency_key text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.review_task_claim(claim_id bigint, accept boolean, note text, idempotency_key text) IS 'Staff (SUPERADMIN, ADMIN, OPERATOR) accept or reject a submitted claim of their guild, with a note (a rejection needs one of 3 to 500 characters). Accepting pays the task''s reward from the mint to the member through the ledger (transaction type earn, reason task_reward, meta.description "Completed task: <name>") in the same transaction as the acceptance, so a failed award leaves the claim submitted (seed 003 rollback rule, by construction); it queues the role grant (when the task grants one) and the member''s DM. A reviewer may not review their own claim. Errors: AU001, PD001 permission_denied, TK008 claim_not_found, TK009 claim_wrong_status, TK013 self_review, RS001 reason_required, FZ002 recipient_frozen, VL001, IK001/IK002. Source: seed 003 "Task Claim and Completion" 7-9 and "Currency <-> Task Integration", issue 14.';

--
-- Name: revise_trade(uuid, bigint[], jsonb, bigint[], jsonb); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.revise_trade(trade_id uuid, give_cards bigint[], give jsonb, want_cards bigint[], want jsonb) RETURNS app_public.card_trades
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_me bigint := (app_private.current_member()).id;
  v app_public.card_trades;
  v_other bigint;
begin
  select * into v from app_public.card_trades t where t.id = revise_trade.trade_id for update;
  if v.id is null or v_me not in (v.proposer_id, v.recipient_id) then
    perform app_private.raise_error('TD001', 'trade_not_found', jsonb_build_object('trade_id', trade_id));
  end if;
  if v.status <> 'open' or v.expires_at <= now() then
    perform app_private.raise_error('TD002', 'trade_not_open', jsonb_build_object('status',
      case when v.status = 'open' then 'expired' else v.status::text end));
  end if;
  v_other := case when v_me = v.proposer_id then v.recipient_id else v.proposer_id end;
  perform app_private.trade_items_check(v_me, v.guild_id, give_cards, give);
  perform app_private.trade_items_check(v_other, v.guild_id, want_cards, want);
  delete from app_public.card_trade_items i where i.trade_id = v.id;
  insert into app_public.card_trade_items (trade_id, guild_id, side, card_id)
    select v.id, v.guild_id, case when v_me = v.proposer_id then 'proposer' else 'recipient' end::app_public.card_trade_side, c
      from unnest(coalesce(give_cards, '{}')) c
    union all
    select v.id, v.guild_id, case when v_me = v.proposer_id then 'recipient' else 'proposer' end::app_public.card_trade_side, c
      from unnest(coalesce(want_cards, '{}')) c;
  insert into app_public.card_trade_items (trade_id, guild_id, side, currency, amount)
    select v.id, v.guild_id, case when v_me = v.proposer_id then 'proposer' else 'recipient' end::app_public.card_trade_side,
           e.key, e.value::bigint from jsonb_each_text(coalesce(give, '{}')) e
    union all
    select v.id, v.guild_id, case when v_me = v.proposer_id then 'recipient' else 'proposer' end::app_public.card_trade_side,
           e.key, e.value::bigint from jsonb_each_text(coalesce(want, '{}')) e;
  if not exists (select 1 from app_public.card_trade_items i where i.trade_id = v.id) then
    perform app_private.raise_error('TD005', 'empty_trade');
  end if;
  update app_public.card_trades t set version = t.version + 1, proposer_confirmed = null, recipient_confirmed = null,
         updated_at = now()
   where t.id = v.id returning * into v;
  return v;
end;
$$;

ALTER FUNCTION app_public.revise_trade(trade_id uuid, give_cards bigint[], give jsonb, want_cards bigint[], want jsonb) OWNER TO guildbank_owner;

--
-- Name: FUNCTION revise_trade(trade_id uuid, give_cards bigint[], give jsonb, want_cards bigint[], want jsonb); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.revise_trade(trade_id uuid, give_cards bigint[], give jsonb, want_cards bigint[], want jsonb) IS 'Either member of an open trade replaces its content (what the caller gives and wants); the version goes up and both confirmations are cleared, so a changed offer needs new confirmations. Errors: AU001, MB001, TD001 trade_not_found, TD002 trade_not_open, TD005 empty_trade, and the item checks. Source: issue 15 "Trading" (a changed offer needs new confirmations).';

--
-- Name: rotate_fair_seed(); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.rotate_fair_seed() RETURNS app_public.fair_seeds
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN']::app_public.staff_role[]);
  v_before jsonb;
  v app_public.fair_seeds;
begin
  select to_jsonb(s) into v_before from app_public.fair_seeds s
   where s.guild_id = app_public.current_guild_id() and s.rotated_at is null;
  v := app_private.rotate_fair_seed_for(app_public.current_guild_id(), now());
  perform app_private.card_audit(app_public.current_guild_id(), 'rotate_fair_seed', 'fair_seed', v.id::text,
    v_before, to_jsonb(v), 'seed rotation');
  return v;
end;
$$;

ALTER FUNCTION app_public.rotate_fair_seed() OWNER TO guildbank_owner;

--
-- Name: FUNCTION rotate_fair_seed(); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.rotate_fair_seed() IS 'Staff (SUPERADMIN, ADMIN) rotate the guild''s server seed: the old seed is revealed, a new hash published; audited. Errors: AU001, PD001. Source: issue 15 "Provably fair draws".';

--
-- Name: set_card_locked(bigint, boolean); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.set_card_locked(card_id bigint, locked boolean) RETURNS app_public.user_cards
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v app_public.user_cards := app_private.card_for_change((app_private.current_member()).id, card_id);
begin
  update app_public.user_cards c set locked = coalesce(set_card_locked.locked, false) where c.id = v.id returning * into v;
  return v;
end;
$$;

ALTER FUNCTION app_public.set_card_locked(card_id bigint, locked boolean) OWNER TO guildbank_owner;

--
-- Name: FUNCTION set_card_locked(card_id bigint, locked boolean); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.set_card_locked(card_id bigint, locked boolean) IS 'A member locks or unlocks one of their copies: a locked copy cannot be sold, traded or burned. Errors: AU001, MB001, CA001 card_not_found. Source: issue 15 "Inventory: lock/unlock".';

--
-- Name: set_card_rarity(text, app_public.card_rarity, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.set_card_rarity(public_id text, rarity app_public.card_rarity, reason text) RETURNS app_public.card_templates
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  v_before app_public.card_templates;
  v app_public.card_templates;
begin
  if reason is null or length(btrim(reason)) < 3 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  if rarity is null then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'rarity'));
  end if;
  select * into v_before from app_public.card_templates t
   where t.guild_id = app_public.current_guild_id() and t.public_id = upper(set_card_rarity.public_id) for update;
  if v_before.id is null then
    perform app_private.raise_error('CA006', 'template_not_found', jsonb_build_object('public_id', public_id));
  end if;
  update app_public.card_templates t set rarity = set_card_rarity.rarity where t.id = v_before.id returning * into v;
  if v.rarity <> v_before.rarity then
    insert into app_public.card_notifications (guild_id, user_id, kind, payload)
      select distinct v.guild_id, c.owner_id, 'rarity_changed'::text,
             jsonb_build_object('public_id', v.public_id, 'from', v_before.rarity, 'to', v.rarity)
        from app_public.user_cards c where c.template_id = v.id and c.owner_id is not null;
  end if;
  perform app_private.card_audit(v.guild_id, 'set_card_rarity', 'card_template', v.public_id,
    to_jsonb(v_before) - 'updated_at', to_jsonb(v) - 'updated_at', reason);
  return v;
end;
$$;

ALTER FUNCTION app_public.set_card_rarity(public_id text, rarity app_public.card_rarity, reason text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION set_card_rarity(public_id text, rarity app_public.card_rarity, reason text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.set_card_rarity(public_id text, rarity app_public.card_rarity, reason text) IS 'Staff (SUPERADMIN, ADMIN, OPERATOR) set a template''s rarity: every copy shows it at once (copies reference the template), each owner is told (card_notifications rarity_changed), audited before/after. The public id keeps the rarity letter it was created with. Errors: AU001, PD001, RS001 reason_required, VL001, CA006 template_not_found. Source: issue 15 "Catalogue", "Admin: set rarity"; seed 002 "How to propagate a rarity change".';

--
-- Name: set_wishlist(text, boolean); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.set_wishlist(public_id text, wanted boolean) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_user app_public.users := app_private.current_member();
  v_template bigint;
begin
  select t.id into v_template from app_public.card_templates t
   where t.guild_id = v_user.guild_id and t.public_id = upper(set_wishlist.public_id);
  if v_template is null then
    perform app_private.raise_error('CA006', 'template_not_found', jsonb_build_object('public_id', public_id));
  end if;
  if coalesce(wanted, false) then
    insert into app_public.card_wishlists (guild_id, user_id, template_id) values (v_user.guild_id, v_user.id, v_template)
      on conflict do nothing;
  else
    delete from app_public.card_wishlists w where w.user_id = v_user.id and w.template_id = v_template;
  end if;
  return coalesce(wanted, false);
end;
$$;

ALTER FUNCTION app_public.set_wishlist(public_id text, wanted boolean) OWNER TO guildbank_owner;

--
-- Name: FUNCTION set_wishlist(public_id text, wanted boolean); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.set_wishlist(public_id text, wanted boolean) IS 'A member adds a template to (wanted) or removes it from their wishlist; they are told when it drops for someone (draw_cards). Idempotent. Errors: AU001, MB001, CA006 template_not_found. Source: issue 15 "Inventory: wishlist".';

--
-- Name: start_event(text, numeric, text, timestamp with time zone, timestamp with time zone, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.start_event(kind text, value numeric, title text, starts_at timestamp with time zone DEFAULT NULL::timestamp with time zone, ends_at timestamp with time zone DEFAULT NULL::timestamp with time zone, reason text DEFAULT NULL::text) RETURNS app_public.economy_events
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_public.start_event(kind text, value numeric, title text, starts_at timestamp with time zone, ends_at timestamp with time zone, reason text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION start_event(kind text, value numeric, title text, starts_at timestamp with time zone, ends_at timestamp with time zone, reason text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.start_event(kind text, value numeric, title text, starts_at timestamp with time zone, ends_at timestamp with time zone, reason text) IS 'Schedules an economy event (now, or from starts_at) until ends_at (at most 90 days): kind daily_multiplier (value: factor > 1, <= 10, applied to claim_daily''s reward) or shop_discount (value: fraction off, <= 0.9, applied to buy_reward''s unit price). At most one event of a kind at any moment per guild. Roles: SUPERADMIN, ADMIN. Audited (admin_actions, subject economy_event). Errors: AU001, PD001, RS001 reason_required, VL001 invalid_argument (kind, value), EV001 invalid_event_window, EV002 event_overlap. Source: issue #5 "events".';

--
-- Name: stop_event(bigint, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.stop_event(event_id bigint, reason text) RETURNS app_public.economy_events
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION app_public.stop_event(event_id bigint, reason text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION stop_event(event_id bigint, reason text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.stop_event(event_id bigint, reason text) IS 'Stops an active or scheduled economy event now (its modifier no longer applies). Roles: SUPERADMIN, ADMIN. Audited. Errors: AU001, PD001, RS001 reason_required, EV003 event_not_found, EV004 event_over. Source: issue #5 "events".';

--
-- Name: submit_task_proof(bigint, text, jsonb, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.submit_task_proof(task_id bigint, proof_text text DEFAULT ''::text, proof_attachments jsonb DEFAULT '[]'::jsonb, idempotency_key text DEFAULT NULL::text) RETURNS app_public.task_claims
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_user app_public.users := app_private.register_caller('');
begin
  return app_private.submit_task_proof_for(v_user.id, submit_task_proof.task_id, proof_text, proof_attachments,
    idempotency_key, now());
end;
$$;

ALTER FUNCTION app_public.submit_task_proof(task_id bigint, proof_text text, proof_attachments jsonb, idempotency_key text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION submit_task_proof(task_id bigint, proof_text text, proof_attachments jsonb, idempotency_key text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.submit_task_proof(task_id bigint, proof_text text, proof_attachments jsonb, idempotency_key text) IS 'Submits proof for the calling member''s claim of a task: the claim must be in progress and before its deadline; a task that requires proof needs text or at least one attachment ({url (https), filename, content_type, size}, at most 10). The claim becomes submitted and its proof is posted to the review channel (discord__task_review). Errors: AU001, MB003, FZ001, TK001 task_not_found, TK008 claim_not_found, TK009 claim_wrong_status, TK010 claim_overdue, TK011 proof_required, VL001 invalid_argument (text over 2000 characters, malformed attachments), IK001/IK002. Source: seed 003 "Task Claim and Completion" 5-6, issue 14.';

--
-- Name: tasks_completed_count(app_public.tasks); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.tasks_completed_count(t app_public.tasks) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select count(*)::integer from app_public.task_claims c where c.task_id = t.id and c.status = 'accepted';
$$;

ALTER FUNCTION app_public.tasks_completed_count(t app_public.tasks) OWNER TO guildbank_owner;

--
-- Name: FUNCTION tasks_completed_count(t app_public.tasks); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.tasks_completed_count(t app_public.tasks) IS 'Computed column: how many claims of the task were accepted (the seed''s total_completed, counted from accepted claims rather than kept as a counter, so it can never disagree with the rewards paid). Source: issue 14.';

--
-- Name: tasks_proof_required_effective(app_public.tasks); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.tasks_proof_required_effective(t app_public.tasks) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select coalesce(t.proof_required, (select s.require_proof from app_public.guild_settings s where s.guild_id = t.guild_id), true);
$$;

ALTER FUNCTION app_public.tasks_proof_required_effective(t app_public.tasks) OWNER TO guildbank_owner;

--
-- Name: FUNCTION tasks_proof_required_effective(t app_public.tasks); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.tasks_proof_required_effective(t app_public.tasks) IS 'Computed column: whether a submission for this task needs proof (its own proof_required, else the guild''s require_proof). Source: seed 003 settings.require_proof.';

--
-- Name: tasks_slots_taken(app_public.tasks); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.tasks_slots_taken(t app_public.tasks) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select count(*)::integer from app_public.task_claims c
   where c.task_id = t.id and c.status in ('in_progress', 'submitted', 'accepted');
$$;

ALTER FUNCTION app_public.tasks_slots_taken(t app_public.tasks) OWNER TO guildbank_owner;

--
-- Name: FUNCTION tasks_slots_taken(t app_public.tasks); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.tasks_slots_taken(t app_public.tasks) IS 'Computed column: the task''s slots in use (claims in progress, submitted or accepted; a rejected or expired claim frees its slot). A count, so members may read it for tasks they can see. Source: seed 003 current_claims.';

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
-- Name: verify_draw(bigint, text); Type: FUNCTION; Schema: app_public; Owner: guildbank_owner
--

CREATE FUNCTION app_public.verify_draw(draw_id bigint, server_seed text DEFAULT NULL::text) RETURNS TABLE(id bigint, seed_hash text, seed text, discord_id bigint, nonce integer, hmac text, roll integer, rates integer[], rarity_rolled app_public.card_rarity, pick_index integer, recorded_roll integer, recorded_rarity_rolled app_public.card_rarity, recorded_pick_index integer, valid boolean)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
declare
  v_draw app_public.card_draws;
  v_seed app_public.fair_seeds;
  v_secret text;
  v_h bytea;
  v_rates integer[];
begin
  select * into v_draw from app_public.card_draws d where d.id = verify_draw.draw_id and d.guild_id = app_public.current_guild_id();
  if v_draw.id is null then
    perform app_private.raise_error('CA016', 'draw_not_found', jsonb_build_object('draw_id', draw_id));
  end if;
  select * into v_seed from app_public.fair_seeds s where s.id = v_draw.seed_id;
  v_secret := coalesce(v_seed.revealed_seed, lower(server_seed));
  if v_secret is null or v_secret !~ '^[0-9a-f]{64}$' or encode(sha256(decode(v_secret, 'hex')), 'hex') <> v_seed.seed_hash then
    perform app_private.raise_error('FS001', 'seed_not_revealed', jsonb_build_object('seed_hash', v_seed.seed_hash));
  end if;
  select o.rates into v_rates from app_public.pack_openings o where o.id = v_draw.opening_id;
  v_h := app_public.fair_value(decode(v_secret, 'hex'), v_draw.discord_id, v_draw.nonce);
  id := v_draw.id;
  seed_hash := v_seed.seed_hash;
  seed := v_secret;
  discord_id := v_draw.discord_id;
  nonce := v_draw.nonce;
  hmac := encode(v_h, 'hex');
  roll := (('x' || encode(substring(v_h from 1 for 6), 'hex'))::bit(48)::bigint % 10000)::integer;
  rates := v_rates;
  rarity_rolled := app_public.rarity_for_roll(roll, v_rates);
  pick_index := (('x' || encode(substring(v_h from 7 for 6), 'hex'))::bit(48)::bigint % v_draw.pool_size)::integer;
  recorded_roll := v_draw.roll;
  recorded_rarity_rolled := v_draw.rarity_rolled;
  recorded_pick_index := v_draw.pick_index;
  valid := roll = v_draw.roll and rarity_rolled = v_draw.rarity_rolled and pick_index = v_draw.pick_index;
  return next;
end;
$_$;

ALTER FUNCTION app_public.verify_draw(draw_id bigint, server_seed text) OWNER TO guildbank_owner;

--
-- Name: FUNCTION verify_draw(draw_id bigint, server_seed text); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.verify_draw(draw_id bigint, server_seed text) IS 'Recomputes a past draw of the caller''s guild from its server seed (the revealed one, or server_seed given as hex, checked against the published hash): the HMAC, the roll, the rarity under the opening''s rates and the template index; valid when all equal what was recorded. Errors: CA016 draw_not_found, FS001 seed_not_revealed (the seed is still in use and none matching its hash was given). Source: issue 15 "Provably fair draws" (verify_draw).';

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
      perform app_private.raise_error('PD001', 'permission_denied', jsonb_build_object('guild_id', v_guild::text));
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
        left join app_public.transfers t on (t.debit_account_id = ua.id or t.credit_account_id = ua.id) and t.currency = 'COIN'
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
  -- 6. Orders agree with their holds.
  return query select * from app_private.order_violations(v_guild);
  -- 7. Cards (issue 15): a copy has exactly one owner of its own guild or is burned (account_id = the copy).
  return query
    select 'card_has_one_owner_or_is_burned', c.guild_id, null::text, c.id, 1::bigint, 0::bigint
      from app_public.user_cards c left join app_public.users u on u.id = c.owner_id
     where (v_guild is null or c.guild_id = v_guild)
       and ((c.owner_id is null) = (c.burned_at is null) or (c.owner_id is not null and u.guild_id is distinct from c.guild_id));
  -- 8. Print numbers of a template are 1..n without gaps, and n = copies_created (account_id = the template).
  return query
    select 'print_numbers_gap_free', t.guild_id, null::text, t.id, t.copies_created::bigint,
           count(c.id) filter (where c.print_no between 1 and t.copies_created)::bigint
      from app_public.card_templates t left join app_public.user_cards c on c.template_id = t.id
     where v_guild is null or t.guild_id = v_guild
     group by t.id
    having count(c.id) <> t.copies_created or count(distinct c.print_no) filter (where c.print_no between 1 and t.copies_created) <> t.copies_created;
  -- 9. A copy is in at most one active listing, by its owner (account_id = the copy).
  return query
    select 'card_listing_by_owner', l.guild_id, l.currency, l.card_id, 1::bigint, 0::bigint
      from app_public.card_listings l join app_public.user_cards c on c.id = l.card_id
     where (v_guild is null or l.guild_id = v_guild) and l.status = 'active'
       and (c.owner_id is distinct from l.seller_id or c.temporary);
end;
$$;

ALTER FUNCTION app_public.verify_ledger(guild_id bigint) OWNER TO guildbank_owner;

--
-- Name: FUNCTION verify_ledger(guild_id bigint); Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON FUNCTION app_public.verify_ledger(guild_id bigint) IS 'Returns every violated ledger invariant (empty = healthy): per guild and currency the balances sum to zero; each balance equals the sum of its postings, and its credit/debit totals those of its transfers; each member''s lifetime counters equal what crossed between them and others; no member/treasury/fees balance is negative; each escrow account equals its pending holds; each resolved hold was paid out exactly once and in full; every order agrees with its hold (no pending transfer behind a settled order); each card copy has one owner of its guild or is burned; print numbers of a template are 1..copies_created without gaps; an active card listing''s copy belongs to its seller. Staff (any role) check their own guild; the worker and the owner may check one guild or all (null). Errors: AU001, PD001 permission_denied. Source: DESIGN.md "Money".';

--
-- Name: job_runs; Type: TABLE; Schema: app_hidden; Owner: guildbank_owner
--

CREATE TABLE app_hidden.job_runs (
    task text NOT NULL,
    finished_at timestamp with time zone NOT NULL,
    outcome jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT job_runs_task_check CHECK ((task ~ '^[a-z_]+$'::text))
);

ALTER TABLE app_hidden.job_runs OWNER TO guildbank_owner;

--
-- Name: TABLE job_runs; Type: COMMENT; Schema: app_hidden; Owner: guildbank_owner
--

COMMENT ON TABLE app_hidden.job_runs IS 'The last completed run of each periodic task (what /metrics reports as freshness).';

--
-- Name: fair_nonces; Type: TABLE; Schema: app_private; Owner: guildbank_owner
--

CREATE TABLE app_private.fair_nonces (
    seed_id bigint NOT NULL,
    discord_id bigint NOT NULL,
    next_nonce integer DEFAULT 0 NOT NULL
);

ALTER TABLE app_private.fair_nonces OWNER TO guildbank_owner;

--
-- Name: TABLE fair_nonces; Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON TABLE app_private.fair_nonces IS 'The next nonce per server seed and member: draws of a member under one seed use 0, 1, 2, ...';

--
-- Name: fair_seed_secrets; Type: TABLE; Schema: app_private; Owner: guildbank_owner
--

CREATE TABLE app_private.fair_seed_secrets (
    seed_id bigint NOT NULL,
    seed bytea NOT NULL,
    CONSTRAINT fair_seed_secrets_seed_check CHECK ((length(seed) = 32))
);

ALTER TABLE app_private.fair_seed_secrets OWNER TO guildbank_owner;

--
-- Name: TABLE fair_seed_secrets; Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON TABLE app_private.fair_seed_secrets IS 'The unrevealed server seeds (32 random bytes). Only SECURITY DEFINER rules read them.';

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
-- Name: session_rotated_tokens; Type: TABLE; Schema: app_private; Owner: guildbank_owner
--

CREATE TABLE app_private.session_rotated_tokens (
    token_hash bytea NOT NULL,
    session_id uuid NOT NULL,
    rotated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT session_rotated_tokens_token_hash_check CHECK ((length(token_hash) = 32))
);

ALTER TABLE app_private.session_rotated_tokens OWNER TO guildbank_owner;

--
-- Name: TABLE session_rotated_tokens; Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON TABLE app_private.session_rotated_tokens IS 'Refresh tokens already exchanged. Presenting one again means it was copied: the whole session is revoked.';

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
    access_expires_at timestamp with time zone,
    refresh_hash bytea,
    CONSTRAINT sessions_check CHECK (((kind = 'staff'::text) = (staff_role IS NOT NULL))),
    CONSTRAINT sessions_discord_id_check CHECK ((discord_id > 0)),
    CONSTRAINT sessions_kind_check CHECK ((kind = ANY (ARRAY['player'::text, 'staff'::text]))),
    CONSTRAINT sessions_refresh_hash_check CHECK ((length(refresh_hash) = 32)),
    CONSTRAINT sessions_source_check CHECK ((source = ANY (ARRAY['dev'::text, 'discord'::text]))),
    CONSTRAINT sessions_token_hash_check CHECK ((length(token_hash) = 32))
);

ALTER TABLE app_private.sessions OWNER TO guildbank_owner;

--
-- Name: TABLE sessions; Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON TABLE app_private.sessions IS 'Server sessions. The cookie carries a random token; only its SHA-256 is stored.';

--
-- Name: COLUMN sessions.expires_at; Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON COLUMN app_private.sessions.expires_at IS 'End of the session: the access token (and any refresh) is refused afterwards. For panel sessions, sign-in + REFRESH_TTL_S.';

--
-- Name: COLUMN sessions.access_expires_at; Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON COLUMN app_private.sessions.access_expires_at IS 'Panel sessions: when the current access token (cookie gb_session) lapses; null for sessions whose token lives until expires_at.';

--
-- Name: COLUMN sessions.refresh_hash; Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON COLUMN app_private.sessions.refresh_hash IS 'Panel sessions: SHA-256 of the current refresh token (cookie gb_refresh); each refresh replaces it.';

--
-- Name: stream_watchers; Type: TABLE; Schema: app_private; Owner: guildbank_owner
--

CREATE TABLE app_private.stream_watchers (
    guild_id bigint NOT NULL,
    instance text NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT stream_watchers_instance_check CHECK (((length(instance) >= 1) AND (length(instance) <= 200)))
);

ALTER TABLE app_private.stream_watchers OWNER TO guildbank_owner;

--
-- Name: TABLE stream_watchers; Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON TABLE app_private.stream_watchers IS 'Leases of server instances that have live-feed subscribers for a guild: transactions of that guild NOTIFY tx_stream only while a lease is current.';

--
-- Name: webhook_nonces; Type: TABLE; Schema: app_private; Owner: guildbank_owner
--

CREATE TABLE app_private.webhook_nonces (
    endpoint text NOT NULL,
    nonce text NOT NULL,
    signed_at timestamp with time zone NOT NULL,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT webhook_nonces_endpoint_check CHECK (((length(endpoint) >= 1) AND (length(endpoint) <= 100))),
    CONSTRAINT webhook_nonces_nonce_check CHECK (((length(nonce) >= 16) AND (length(nonce) <= 128)))
);

ALTER TABLE app_private.webhook_nonces OWNER TO guildbank_owner;

--
-- Name: TABLE webhook_nonces; Type: COMMENT; Schema: app_private; Owner: guildbank_owner
--

COMMENT ON TABLE app_private.webhook_nonces IS 'Nonces of accepted signed webhooks, written in the same transaction as the webhook''s effect: a replay within the signature window is refused (WH001). Rows older than a day are purged as new ones arrive.';

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
-- Name: announcements_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.announcements ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.announcements_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: artists; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.artists (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    name text NOT NULL,
    code text NOT NULL,
    is_group boolean DEFAULT false NOT NULL,
    group_id bigint,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT artists_code_check CHECK ((code ~ '^[A-Z0-9]{2,4}$'::text)),
    CONSTRAINT artists_metadata_check CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT artists_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 100)))
);

ALTER TABLE app_public.artists OWNER TO guildbank_owner;

--
-- Name: TABLE artists; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.artists IS '@behavior -delete
Artists (groups and members: group_id is the group a member belongs to). code: the 2-4 character prefix of public ids.';

--
-- Name: artists_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.artists ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.artists_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: card_cooldown_roles; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.card_cooldown_roles (
    guild_id bigint NOT NULL,
    discord_role_id bigint NOT NULL,
    reduction_pct integer NOT NULL,
    label text DEFAULT ''::text NOT NULL,
    CONSTRAINT card_cooldown_roles_reduction_pct_check CHECK (((reduction_pct >= 1) AND (reduction_pct <= 90)))
);

ALTER TABLE app_public.card_cooldown_roles OWNER TO guildbank_owner;

--
-- Name: TABLE card_cooldown_roles; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.card_cooldown_roles IS 'Cooldown reductions by Discord role (boosters -50 %): a member gets the largest reduction among their roles.';

--
-- Name: card_cooldowns; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.card_cooldowns (
    guild_id bigint NOT NULL,
    user_id bigint NOT NULL,
    command text NOT NULL,
    next_at timestamp with time zone NOT NULL,
    CONSTRAINT card_cooldowns_command_check CHECK ((command = ANY (ARRAY['openpack'::text, 'draw'::text])))
);

ALTER TABLE app_public.card_cooldowns OWNER TO guildbank_owner;

--
-- Name: TABLE card_cooldowns; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.card_cooldowns IS '@behavior -insert -update -delete
When a member may use a card command again.';

--
-- Name: card_draws_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.card_draws ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.card_draws_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: card_events; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.card_events (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    name text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT card_events_check CHECK ((ends_at > starts_at)),
    CONSTRAINT card_events_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 100)))
);

ALTER TABLE app_public.card_events OWNER TO guildbank_owner;

--
-- Name: TABLE card_events; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.card_events IS '@behavior -delete
Card events: a window in which event packs open and temporary cards exist; temporary copies vanish at ends_at.';

--
-- Name: card_events_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.card_events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.card_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: card_notifications; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.card_notifications (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    user_id bigint NOT NULL,
    kind text NOT NULL,
    payload jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    delivered_at timestamp with time zone,
    CONSTRAINT card_notifications_kind_check CHECK ((kind = ANY (ARRAY['rarity_changed'::text, 'trade_offer'::text, 'trade_done'::text, 'card_sold'::text, 'card_expired'::text, 'wishlist_drop'::text, 'template_deleted'::text])))
);

ALTER TABLE app_public.card_notifications OWNER TO guildbank_owner;

--
-- Name: TABLE card_notifications; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.card_notifications IS '@behavior -insert -update -delete
What a member is told about their cards (a rarity change of a template they own, a trade offer, a sale).';

--
-- Name: card_notifications_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.card_notifications ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.card_notifications_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: card_settings; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.card_settings (
    guild_id bigint NOT NULL,
    currencies text[] DEFAULT '{NOTE,DISC,GEM}'::text[] NOT NULL,
    market_fee_bp integer DEFAULT 500 NOT NULL,
    listing_hours integer DEFAULT 72 NOT NULL,
    trade_expiry_min integer DEFAULT 60 NOT NULL,
    inventory_public boolean DEFAULT true NOT NULL,
    reveal_public boolean DEFAULT true NOT NULL,
    burn_notes jsonb DEFAULT '{"epic": 50, "rare": 15, "common": 5, "mythic": 1000, "legendary": 200}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT card_settings_burn_notes_check CHECK ((jsonb_typeof(burn_notes) = 'object'::text)),
    CONSTRAINT card_settings_currencies_check CHECK (((currencies <@ '{NOTE,DISC,GEM}'::text[]) AND (cardinality(currencies) >= 1))),
    CONSTRAINT card_settings_listing_hours_check CHECK (((listing_hours >= 1) AND (listing_hours <= 720))),
    CONSTRAINT card_settings_market_fee_bp_check CHECK (((market_fee_bp >= 0) AND (market_fee_bp <= 5000))),
    CONSTRAINT card_settings_trade_expiry_min_check CHECK (((trade_expiry_min >= 1) AND (trade_expiry_min <= 10080)))
);

ALTER TABLE app_public.card_settings OWNER TO guildbank_owner;

--
-- Name: TABLE card_settings; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.card_settings IS '@behavior -insert -delete
The card game''s settings of a guild: which card currencies it uses, the market fee (basis points; the seed''s 5 %), listing and trade lifetimes, whether members may view each other''s inventory, whether pack reveals are public, the Notes paid for burning a copy by rarity.';

--
-- Name: card_templates_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.card_templates ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.card_templates_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: card_trade_items; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.card_trade_items (
    trade_id uuid NOT NULL,
    guild_id bigint NOT NULL,
    side app_public.card_trade_side NOT NULL,
    card_id bigint,
    currency text,
    amount bigint,
    CONSTRAINT card_trade_items_amount_check CHECK ((amount > 0)),
    CONSTRAINT card_trade_items_check CHECK ((((card_id IS NULL) <> (currency IS NULL)) AND ((currency IS NULL) = (amount IS NULL))))
);

ALTER TABLE app_public.card_trade_items OWNER TO guildbank_owner;

--
-- Name: TABLE card_trade_items; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.card_trade_items IS '@behavior -insert -update -delete
What each side of a trade gives: a copy, or an amount of a currency.';

--
-- Name: card_wishlists; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.card_wishlists (
    guild_id bigint NOT NULL,
    user_id bigint NOT NULL,
    template_id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE app_public.card_wishlists OWNER TO guildbank_owner;

--
-- Name: TABLE card_wishlists; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.card_wishlists IS '@behavior -insert -update -delete
Templates a member wishlisted: they are told (card_notifications wishlist_drop) when one drops for someone.';

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
-- Name: custom_commands; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.custom_commands (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    name text NOT NULL,
    response text DEFAULT ''::text NOT NULL,
    embed_id bigint,
    enabled boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT custom_commands_check CHECK (((response <> ''::text) OR (embed_id IS NOT NULL))),
    CONSTRAINT custom_commands_name_check CHECK ((name ~ '^[a-z0-9_-]{1,32}$'::text)),
    CONSTRAINT custom_commands_response_check CHECK ((length(response) <= 2000))
);

ALTER TABLE app_public.custom_commands OWNER TO guildbank_owner;

--
-- Name: TABLE custom_commands; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.custom_commands IS 'Custom commands: staff (SUPERADMIN, ADMIN, OPERATOR) define a name and a response (text, a saved embed, or both); members run /c <name> (one registered command with autocomplete, so adding one needs no re-deploy). Audited. Source: seed 003 "/api/commands", issue 14.';

--
-- Name: custom_commands_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.custom_commands ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.custom_commands_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: daily_stats; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.daily_stats (
    guild_id bigint NOT NULL,
    day date NOT NULL,
    transactions integer NOT NULL,
    volume bigint NOT NULL,
    fees bigint NOT NULL,
    new_listings integer NOT NULL,
    orders integer NOT NULL,
    refunds integer NOT NULL,
    active_members integer NOT NULL,
    top_movers jsonb DEFAULT '[]'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE app_public.daily_stats OWNER TO guildbank_owner;

--
-- Name: TABLE daily_stats; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.daily_stats IS '@behavior -insert -update -delete
One row per guild and UTC day (digest__daily job): transactions, coins volume, fees collected, new listings, orders, refunds, active members, top movers.';

--
-- Name: discord_messages; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.discord_messages (
    guild_id bigint NOT NULL,
    subject_type text NOT NULL,
    subject_id text NOT NULL,
    channel_id bigint NOT NULL,
    message_id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT discord_messages_channel_id_check CHECK ((channel_id > 0)),
    CONSTRAINT discord_messages_message_id_check CHECK ((message_id > 0)),
    CONSTRAINT discord_messages_subject_id_check CHECK (((length(subject_id) >= 1) AND (length(subject_id) <= 64))),
    CONSTRAINT discord_messages_subject_type_check CHECK ((subject_type = ANY (ARRAY['hub'::text, 'leaderboard'::text, 'transaction'::text, 'listing'::text, 'digest'::text, 'reward'::text])))
);

ALTER TABLE app_public.discord_messages OWNER TO guildbank_owner;

--
-- Name: TABLE discord_messages; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.discord_messages IS '@behavior -insert -update -delete
The Discord message that shows a subject (the hub, the leaderboard, a transaction in the feed, a listing in #shop, a day''s digest). Stored when first posted, so a retried job edits instead of posting twice. Source: issue #4.';

--
-- Name: economy_events_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.economy_events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.economy_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: era_images; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.era_images (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    era_id bigint NOT NULL,
    source_url text,
    storage_url text,
    kind text DEFAULT 'promo'::text NOT NULL,
    width integer,
    height integer,
    phash text,
    licence jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT era_images_height_check CHECK ((height > 0)),
    CONSTRAINT era_images_kind_check CHECK ((kind = ANY (ARRAY['concert'::text, 'mv'::text, 'promo'::text, 'cover'::text, 'red_carpet'::text, 'generated'::text]))),
    CONSTRAINT era_images_licence_check CHECK ((jsonb_typeof(licence) = 'object'::text)),
    CONSTRAINT era_images_phash_check CHECK ((phash ~ '^[0-9a-f]{16}$'::text)),
    CONSTRAINT era_images_source_url_check CHECK ((source_url ~ '^https?://'::text)),
    CONSTRAINT era_images_storage_url_check CHECK ((storage_url ~ '^(https?|s3|file)://'::text)),
    CONSTRAINT era_images_width_check CHECK ((width > 0))
);

ALTER TABLE app_public.era_images OWNER TO guildbank_owner;

--
-- Name: TABLE era_images; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.era_images IS '@behavior -delete
Images of an era: where they come from and where the file is stored (URLs only: files live in object storage or the cache directory, never in the database).';

--
-- Name: era_images_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.era_images ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.era_images_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: eras; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.eras (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    artist_id bigint NOT NULL,
    name text NOT NULL,
    code text NOT NULL,
    starts_on date,
    ends_on date,
    colour text DEFAULT '#5865f2'::text NOT NULL,
    search_keywords text[] DEFAULT '{}'::text[] NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT eras_check CHECK (((ends_on IS NULL) OR (starts_on IS NULL) OR (ends_on >= starts_on))),
    CONSTRAINT eras_code_check CHECK ((code ~ '^[A-Z0-9]{2,6}$'::text)),
    CONSTRAINT eras_colour_check CHECK ((colour ~ '^#[0-9a-f]{6}$'::text)),
    CONSTRAINT eras_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 100)))
);

ALTER TABLE app_public.eras OWNER TO guildbank_owner;

--
-- Name: TABLE eras; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.eras IS '@behavior -delete
Eras: an artist''s release or promotion window; colour tints the demo artwork.';

--
-- Name: eras_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.eras ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.eras_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: fair_seeds_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.fair_seeds ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.fair_seeds_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: guild_discord; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.guild_discord (
    guild_id bigint NOT NULL,
    hub_channel_id bigint,
    leaderboard_channel_id bigint,
    shop_channel_id bigint,
    transactions_channel_id bigint,
    last_setup_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    missing_channels text[] DEFAULT '{}'::text[] NOT NULL,
    CONSTRAINT guild_discord_hub_channel_id_check CHECK ((hub_channel_id > 0)),
    CONSTRAINT guild_discord_leaderboard_channel_id_check CHECK ((leaderboard_channel_id > 0)),
    CONSTRAINT guild_discord_missing_channels_known CHECK ((missing_channels <@ ARRAY['hub'::text, 'leaderboard'::text, 'shop'::text, 'transactions'::text])),
    CONSTRAINT guild_discord_shop_channel_id_check CHECK ((shop_channel_id > 0)),
    CONSTRAINT guild_discord_transactions_channel_id_check CHECK ((transactions_channel_id > 0))
);

ALTER TABLE app_public.guild_discord OWNER TO guildbank_owner;

--
-- Name: TABLE guild_discord; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.guild_discord IS '@behavior -insert -update -delete
The Discord channels of a guild''s Guildbank (#coin-hub, #leaderboard, #shop, #coin-transactions), written by the bot''s discord__setup job (app_hidden.save_discord_setup). A guild without a row has no bot: no discord__* job is queued for it. Source: issue #4 (first-run setup).';

--
-- Name: COLUMN guild_discord.missing_channels; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.guild_discord.missing_channels IS 'The bot''s channels (hub, leaderboard, shop, transactions) that Discord answered are unknown or not accessible: no discord__* job is queued for them until /setup recreates them (app_hidden.mark_discord_channel_missing). Issue 17.';

--
-- Name: guild_settings; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.guild_settings (
    guild_id bigint NOT NULL,
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
    high_value_threshold bigint DEFAULT 10000 NOT NULL,
    allow_user_tasks boolean DEFAULT true NOT NULL,
    max_tasks_per_user integer DEFAULT 10 NOT NULL,
    auto_expire_enabled boolean DEFAULT true NOT NULL,
    require_proof boolean DEFAULT true NOT NULL,
    task_channel_id bigint,
    review_channel_id bigint,
    CONSTRAINT guild_settings_daily_amount_check CHECK ((daily_amount > 0)),
    CONSTRAINT guild_settings_daily_streak_bonus_cap_check CHECK ((daily_streak_bonus_cap >= 0)),
    CONSTRAINT guild_settings_daily_streak_bonus_check CHECK ((daily_streak_bonus >= 0)),
    CONSTRAINT guild_settings_escrow_timeout_min_check CHECK (((escrow_timeout_min >= 1) AND (escrow_timeout_min <= 10080))),
    CONSTRAINT guild_settings_give_rate_limit_check CHECK (((give_rate_limit >= 1) AND (give_rate_limit <= 10000))),
    CONSTRAINT guild_settings_give_rate_window_s_check CHECK (((give_rate_window_s >= 1) AND (give_rate_window_s <= 86400))),
    CONSTRAINT guild_settings_high_value_threshold_check CHECK ((high_value_threshold > 0)),
    CONSTRAINT guild_settings_leaderboard_cron_check CHECK ((leaderboard_cron ~ '^\S+( \S+){4}$'::text)),
    CONSTRAINT guild_settings_max_tasks_per_user_check CHECK (((max_tasks_per_user >= 1) AND (max_tasks_per_user <= 100))),
    CONSTRAINT guild_settings_review_channel_id_check CHECK ((review_channel_id > 0)),
    CONSTRAINT guild_settings_task_channel_id_check CHECK ((task_channel_id > 0)),
    CONSTRAINT guild_settings_voucher_timeout_h_check CHECK (((voucher_timeout_h >= 1) AND (voucher_timeout_h <= 8760)))
);

ALTER TABLE app_public.guild_settings OWNER TO guildbank_owner;

--
-- Name: TABLE guild_settings; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.guild_settings IS '@behavior -insert -delete
Economy tunables of a guild (defaults from the seed: MARKET_FEE, PRICE_FLOOR_PCT, ESCROW_TIMEOUT_MIN, VOUCHER_TIMEOUT_H, LEADERBOARD_CRON). Amounts in minor units of COIN.';

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
-- Name: COLUMN guild_settings.high_value_threshold; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.guild_settings.high_value_threshold IS 'A single movement of at least this many coins (a give, a purchase, a fulfilment, a staff adjustment) raises a ''high_value_trade'' ops alert.';

--
-- Name: COLUMN guild_settings.allow_user_tasks; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.guild_settings.allow_user_tasks IS 'Members may claim tasks (the seed''s user_tasks). Off: every claim is refused (TK012).';

--
-- Name: COLUMN guild_settings.max_tasks_per_user; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.guild_settings.max_tasks_per_user IS 'How many claims a member may hold at once (in progress or waiting for review).';

--
-- Name: COLUMN guild_settings.auto_expire_enabled; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.guild_settings.auto_expire_enabled IS 'The tasks__expire job closes tasks past their expiry and expires overdue claims. Off: nothing expires by itself.';

--
-- Name: COLUMN guild_settings.require_proof; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.guild_settings.require_proof IS 'Default of a task''s proof_required (a task with proof_required null follows this).';

--
-- Name: COLUMN guild_settings.task_channel_id; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.guild_settings.task_channel_id IS 'The Discord channel where the bot posts each task with its Claim and Submit Proof buttons (null: tasks are not posted).';

--
-- Name: COLUMN guild_settings.review_channel_id; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.guild_settings.review_channel_id IS 'The Discord channel where submitted proofs are posted for staff with Accept and Reject (null: review in the panel only).';

--
-- Name: inventory; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.inventory (
    user_id bigint NOT NULL,
    guild_id bigint NOT NULL,
    sku text NOT NULL,
    quantity integer NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT inventory_quantity_check CHECK ((quantity >= 0))
);

ALTER TABLE app_public.inventory OWNER TO guildbank_owner;

--
-- Name: TABLE inventory; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.inventory IS '@behavior -insert -update -delete
What each member owns, by SKU. Written only by the purchase, listing and fulfilment rules.';

--
-- Name: leaderboard_snapshots; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.leaderboard_snapshots (
    guild_id bigint NOT NULL,
    rank integer NOT NULL,
    discord_id bigint NOT NULL,
    display_name text NOT NULL,
    balance bigint NOT NULL,
    refreshed_at timestamp with time zone NOT NULL
);

ALTER TABLE app_public.leaderboard_snapshots OWNER TO guildbank_owner;

--
-- Name: TABLE leaderboard_snapshots; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.leaderboard_snapshots IS '@behavior -insert -update -delete
The top 10 as of the last leaderboard__refresh (what #leaderboard shows).';

--
-- Name: minecraft_links_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.minecraft_links ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.minecraft_links_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: minecraft_payments_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.minecraft_payments ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.minecraft_payments_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: minecraft_payouts_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.minecraft_payouts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.minecraft_payouts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: ops_alerts_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.ops_alerts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.ops_alerts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: order_lines; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.order_lines (
    id bigint NOT NULL,
    order_id uuid NOT NULL,
    guild_id bigint NOT NULL,
    listing_id uuid,
    sku text NOT NULL,
    qty integer NOT NULL,
    unit_price bigint NOT NULL,
    CONSTRAINT order_lines_qty_check CHECK ((qty > 0)),
    CONSTRAINT order_lines_unit_price_check CHECK ((unit_price > 0))
);

ALTER TABLE app_public.order_lines OWNER TO guildbank_owner;

--
-- Name: TABLE order_lines; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.order_lines IS '@behavior -insert -update -delete
What an order buys: SKU, quantity, unit price, and the listing for marketplace orders.';

--
-- Name: order_lines_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.order_lines ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.order_lines_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: pack_costs; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.pack_costs (
    guild_id bigint NOT NULL,
    pack_type_id bigint NOT NULL,
    currency text NOT NULL,
    amount bigint NOT NULL,
    CONSTRAINT pack_costs_amount_check CHECK ((amount > 0)),
    CONSTRAINT pack_costs_currency_check CHECK ((currency = ANY (ARRAY['NOTE'::text, 'DISC'::text, 'GEM'::text, 'COIN'::text])))
);

ALTER TABLE app_public.pack_costs OWNER TO guildbank_owner;

--
-- Name: TABLE pack_costs; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.pack_costs IS '@behavior -update
What a pack costs in each currency it can be bought with (minor units); a member pays in one of them.';

--
-- Name: pack_types; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.pack_types (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    code text NOT NULL,
    name text NOT NULL,
    command text DEFAULT 'openpack'::text NOT NULL,
    cards_per_pack integer DEFAULT 3 NOT NULL,
    rate_common integer NOT NULL,
    rate_rare integer NOT NULL,
    rate_epic integer NOT NULL,
    rate_legendary integer NOT NULL,
    rate_mythic integer NOT NULL,
    cooldown_s integer DEFAULT 420 NOT NULL,
    daily_free integer DEFAULT 0 NOT NULL,
    guarantee app_public.card_rarity,
    event_id bigint,
    active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT pack_types_cards_per_pack_check CHECK (((cards_per_pack >= 1) AND (cards_per_pack <= 10))),
    CONSTRAINT pack_types_code_check CHECK ((code ~ '^[a-z0-9-]{1,30}$'::text)),
    CONSTRAINT pack_types_command_check CHECK ((command = ANY (ARRAY['openpack'::text, 'draw'::text]))),
    CONSTRAINT pack_types_cooldown_s_check CHECK (((cooldown_s >= 0) AND (cooldown_s <= 604800))),
    CONSTRAINT pack_types_daily_free_check CHECK (((daily_free >= 0) AND (daily_free <= 100))),
    CONSTRAINT pack_types_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 60))),
    CONSTRAINT pack_types_rate_common_check CHECK ((rate_common >= 0)),
    CONSTRAINT pack_types_rate_epic_check CHECK ((rate_epic >= 0)),
    CONSTRAINT pack_types_rate_legendary_check CHECK ((rate_legendary >= 0)),
    CONSTRAINT pack_types_rate_mythic_check CHECK ((rate_mythic >= 0)),
    CONSTRAINT pack_types_rate_rare_check CHECK ((rate_rare >= 0))
);

ALTER TABLE app_public.pack_types OWNER TO guildbank_owner;

--
-- Name: TABLE pack_types; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.pack_types IS '@behavior -delete
Pack types as configuration. Drop rates are basis points (1/100 of a percent) per rarity and sum to exactly 10000 (100 %); guarantee: at least one card of that rarity or better per pack; daily_free: free opens per member per UTC day; event_id: opens only during the event.';

--
-- Name: pack_types_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.pack_types ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.pack_types_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: pricing_config; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.pricing_config (
    guild_id bigint NOT NULL,
    price_floor_pct numeric(5,4) DEFAULT 0.70 NOT NULL,
    market_fee numeric(5,4) DEFAULT 0.08 NOT NULL,
    undercut_fee numeric(5,4) DEFAULT 0.10 NOT NULL,
    over_average_fee numeric(5,4) DEFAULT 0.12 NOT NULL,
    over_average_ratio numeric(6,4) DEFAULT 1.25 NOT NULL,
    scarcity_target integer DEFAULT 5 NOT NULL,
    alpha numeric(6,4) DEFAULT 0.20 NOT NULL,
    max_listing_days integer DEFAULT 14 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT pricing_config_alpha_check CHECK (((alpha >= (0)::numeric) AND (alpha <= (5)::numeric))),
    CONSTRAINT pricing_config_market_fee_check CHECK (((market_fee >= (0)::numeric) AND (market_fee <= 0.5))),
    CONSTRAINT pricing_config_max_listing_days_check CHECK (((max_listing_days >= 1) AND (max_listing_days <= 90))),
    CONSTRAINT pricing_config_over_average_fee_check CHECK (((over_average_fee >= (0)::numeric) AND (over_average_fee <= 0.5))),
    CONSTRAINT pricing_config_over_average_ratio_check CHECK (((over_average_ratio >= (1)::numeric) AND (over_average_ratio <= (10)::numeric))),
    CONSTRAINT pricing_config_price_floor_pct_check CHECK (((price_floor_pct >= (0)::numeric) AND (price_floor_pct <= (1)::numeric))),
    CONSTRAINT pricing_config_scarcity_target_check CHECK (((scarcity_target >= 0) AND (scarcity_target <= 1000000))),
    CONSTRAINT pricing_config_undercut_fee_check CHECK (((undercut_fee >= (0)::numeric) AND (undercut_fee <= 0.5)))
);

ALTER TABLE app_public.pricing_config OWNER TO guildbank_owner;

--
-- Name: TABLE pricing_config; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.pricing_config IS '@behavior -insert -delete
Marketplace pricing guards of a guild (seed MARKET_FEE, PRICE_FLOOR_PCT; fee bands; scarcity). Rules: README "Marketplace rules", app_private.pricing_quote.';

--
-- Name: COLUMN pricing_config.price_floor_pct; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.pricing_config.price_floor_pct IS 'A listing below this fraction of the reference price is refused (FL001).';

--
-- Name: COLUMN pricing_config.market_fee; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.pricing_config.market_fee IS 'Fee rate for listings priced at the going rate (reference .. reference x over_average_ratio).';

--
-- Name: COLUMN pricing_config.undercut_fee; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.pricing_config.undercut_fee IS 'Fee rate for listings below the reference price (undercutting).';

--
-- Name: COLUMN pricing_config.over_average_fee; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.pricing_config.over_average_fee IS 'Fee rate for listings above reference x over_average_ratio.';

--
-- Name: COLUMN pricing_config.scarcity_target; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.pricing_config.scarcity_target IS 'Active listed units of a SKU below which the reference price is raised.';

--
-- Name: COLUMN pricing_config.alpha; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.pricing_config.alpha IS 'Scarcity strength: reference x (1 + alpha x (1 - supply / scarcity_target)).';

--
-- Name: COLUMN pricing_config.max_listing_days; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.pricing_config.max_listing_days IS 'Longest listing lifetime, in days.';

--
-- Name: pricing_history; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.pricing_history (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    sku text NOT NULL,
    median_7d bigint,
    volume_24h integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE app_public.pricing_history OWNER TO guildbank_owner;

--
-- Name: TABLE pricing_history; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.pricing_history IS '@behavior -insert -update -delete
Periodic price statistics per SKU (pricing__rollup job): 7-day median sale price (coins) and units sold in 24 h.';

--
-- Name: pricing_history_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.pricing_history ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.pricing_history_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: quest_attempts; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.quest_attempts (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    quest_id bigint NOT NULL,
    user_id bigint NOT NULL,
    answer text DEFAULT ''::text NOT NULL,
    correct boolean NOT NULL,
    reward bigint DEFAULT 0 NOT NULL,
    tx_id uuid,
    attempted_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT quest_attempts_answer_check CHECK ((length(answer) <= 200)),
    CONSTRAINT quest_attempts_check CHECK ((correct OR ((reward = 0) AND (tx_id IS NULL)))),
    CONSTRAINT quest_attempts_reward_check CHECK ((reward >= 0))
);

ALTER TABLE app_public.quest_attempts OWNER TO guildbank_owner;

--
-- Name: TABLE quest_attempts; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.quest_attempts IS '@behavior -insert -update -delete
Every quest attempt: the answer given, whether it was right, the coins earned and the transaction that paid them. The latest attempt of a member on a quest sets their cooldown.';

--
-- Name: quest_attempts_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.quest_attempts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.quest_attempts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: quests; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.quests (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    kind text DEFAULT 'trivia'::text NOT NULL,
    title text NOT NULL,
    prompt text NOT NULL,
    choices text[],
    answers text[],
    reward bigint NOT NULL,
    cooldown_s integer DEFAULT 86400 NOT NULL,
    active boolean DEFAULT true NOT NULL,
    starts_at timestamp with time zone,
    ends_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT quests_answers_check CHECK (((answers IS NULL) OR (((cardinality(answers) >= 1) AND (cardinality(answers) <= 20)) AND (array_position(answers, NULL::text) IS NULL)))),
    CONSTRAINT quests_check CHECK (((ends_at IS NULL) OR (starts_at IS NULL) OR (ends_at > starts_at))),
    CONSTRAINT quests_check1 CHECK (((kind = 'trivia'::text) = (answers IS NOT NULL))),
    CONSTRAINT quests_check2 CHECK (((kind = 'trivia'::text) OR (choices IS NULL))),
    CONSTRAINT quests_choices_check CHECK (((choices IS NULL) OR (((cardinality(choices) >= 2) AND (cardinality(choices) <= 5)) AND (array_position(choices, NULL::text) IS NULL)))),
    CONSTRAINT quests_cooldown_s_check CHECK (((cooldown_s >= 60) AND (cooldown_s <= 2592000))),
    CONSTRAINT quests_kind_check CHECK ((kind = ANY (ARRAY['trivia'::text, 'check_in'::text]))),
    CONSTRAINT quests_prompt_check CHECK (((length(btrim(prompt)) >= 1) AND (length(btrim(prompt)) <= 1000))),
    CONSTRAINT quests_reward_check CHECK (((reward >= 1) AND (reward <= '1000000000000'::bigint))),
    CONSTRAINT quests_title_check CHECK (((length(btrim(title)) >= 1) AND (length(btrim(title)) <= 100)))
);

ALTER TABLE app_public.quests OWNER TO guildbank_owner;

--
-- Name: TABLE quests; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.quests IS 'Daily trivia and check-in quests (hub button Quests). A member may attempt a quest once per cooldown_s; a correct trivia answer (or a check-in) earns reward coins from the mint. Staff (SUPERADMIN, ADMIN, OPERATOR) manage them, audited. Players read active quests in their window, without the answers column.';

--
-- Name: COLUMN quests.choices; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.quests.choices IS 'Trivia options shown as buttons (2 to 5), or null for a free-text answer.';

--
-- Name: COLUMN quests.answers; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.quests.answers IS 'Accepted answers (trivia), compared trimmed, whitespace-collapsed and case-insensitively. Staff only.';

--
-- Name: COLUMN quests.reward; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.quests.reward IS 'Coins credited for a correct answer or a check-in.';

--
-- Name: COLUMN quests.cooldown_s; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.quests.cooldown_s IS 'Seconds between two attempts by one member (86400 = daily).';

--
-- Name: quests_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.quests ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.quests_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: rewards; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.rewards (
    guild_id bigint NOT NULL,
    sku text NOT NULL,
    name text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    category app_public.reward_category NOT NULL,
    price bigint NOT NULL,
    fulfilment app_public.fulfilment_kind DEFAULT 'none'::app_public.fulfilment_kind NOT NULL,
    payload jsonb DEFAULT '{}'::jsonb NOT NULL,
    limits jsonb DEFAULT '{}'::jsonb NOT NULL,
    stock integer,
    expires_at timestamp with time zone,
    visible boolean DEFAULT true NOT NULL,
    tradable boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    sync_state text DEFAULT 'pending'::text NOT NULL,
    synced_at timestamp with time zone,
    CONSTRAINT rewards_description_check CHECK ((length(description) <= 1000)),
    CONSTRAINT rewards_limits_check CHECK (app_hidden.valid_limits(limits)),
    CONSTRAINT rewards_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 100))),
    CONSTRAINT rewards_payload_check CHECK ((jsonb_typeof(payload) = 'object'::text)),
    CONSTRAINT rewards_price_check CHECK (((price >= 1) AND (price <= '1000000000000'::bigint))),
    CONSTRAINT rewards_sku_check CHECK ((sku ~ '^[a-z0-9][a-z0-9_.-]{0,39}$'::text)),
    CONSTRAINT rewards_stock_check CHECK (((stock IS NULL) OR (stock >= 0))),
    CONSTRAINT rewards_sync_state_check CHECK ((sync_state = ANY (ARRAY['pending'::text, 'synced'::text, 'orphaned'::text])))
);

ALTER TABLE app_public.rewards OWNER TO guildbank_owner;

--
-- Name: TABLE rewards; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.rewards IS 'The guild''s catalogue: what the shop sells and what members may trade. Staff manage it (SUPERADMIN, ADMIN, OPERATOR), audited.';

--
-- Name: COLUMN rewards.sku; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.rewards.sku IS 'Stock-keeping unit: lower-case letters, digits, _ . -; unique within the guild.';

--
-- Name: COLUMN rewards.price; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.rewards.price IS 'Catalogue price per unit, in coins; the marketplace''s reference price while a SKU has no sales.';

--
-- Name: COLUMN rewards.limits; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.rewards.limits IS 'Purchase limits: {"per_member_per_day": n, "per_member_lifetime": n} (both optional).';

--
-- Name: COLUMN rewards.stock; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.rewards.stock IS 'Units left in the shop; null = unlimited. Never negative, never oversold.';

--
-- Name: COLUMN rewards.tradable; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.rewards.tradable IS 'Whether members may list the item on the marketplace.';

--
-- Name: COLUMN rewards.sync_state; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.rewards.sync_state IS 'The reward''s #shop post: pending (pending_sync: not up to date; retried by discord__reward and messages__sync), synced, or orphaned (it could not be posted: the shop channel is gone).';

--
-- Name: saved_embeds; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.saved_embeds (
    id bigint NOT NULL,
    guild_id bigint NOT NULL,
    name text NOT NULL,
    embed jsonb NOT NULL,
    created_by bigint DEFAULT app_public.current_discord_id(),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT saved_embeds_embed_check CHECK (app_hidden.embed_valid(embed)),
    CONSTRAINT saved_embeds_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 100)))
);

ALTER TABLE app_public.saved_embeds OWNER TO guildbank_owner;

--
-- Name: TABLE saved_embeds; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.saved_embeds IS 'Embeds saved from the panel''s embed builder (title, description with Discord markdown, colour, fields, image, thumbnail, footer, author, timestamp), as Discord''s embed JSON (checked by app_hidden.embed_valid). Used by announcements and custom commands. Staff (SUPERADMIN, ADMIN, OPERATOR) write them, audited. Source: issue 14.';

--
-- Name: saved_embeds_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.saved_embeds ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.saved_embeds_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: staff_role_mappings; Type: TABLE; Schema: app_public; Owner: guildbank_owner
--

CREATE TABLE app_public.staff_role_mappings (
    guild_id bigint NOT NULL,
    discord_role_id bigint NOT NULL,
    staff_role app_public.staff_role NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT staff_role_mappings_discord_role_id_check CHECK ((discord_role_id > 0))
);

ALTER TABLE app_public.staff_role_mappings OWNER TO guildbank_owner;

--
-- Name: TABLE staff_role_mappings; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON TABLE app_public.staff_role_mappings IS 'Which Discord role grants which staff role in a guild (the settings page''s role mapping). Read at every panel login and every bot interaction by app_hidden.resolve_staff_role, so a change takes effect at the next login. SUPERADMIN writes it, audited as subject staff_role_mapping.';

--
-- Name: COLUMN staff_role_mappings.discord_role_id; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.staff_role_mappings.discord_role_id IS 'Discord role snowflake.';

--
-- Name: task_claims_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.task_claims ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.task_claims_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: tasks_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.tasks ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.tasks_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

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
    order_id uuid,
    listing_id uuid,
    xid xid8 DEFAULT pg_current_xact_id() NOT NULL,
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
-- Name: COLUMN transactions.guild_id; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.transactions.guild_id IS 'The guild of the event (set by the rule that writes it).';

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
-- Name: COLUMN transactions.xid; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON COLUMN app_public.transactions.xid IS '@omit
The writing transaction''s id: the live stream delivers rows in commit order by snapshot visibility.';

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
-- Name: user_cards_id_seq; Type: SEQUENCE; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.user_cards ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.user_cards_id_seq
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
-- Name: job_runs job_runs_pkey; Type: CONSTRAINT; Schema: app_hidden; Owner: guildbank_owner
--

ALTER TABLE ONLY app_hidden.job_runs
    ADD CONSTRAINT job_runs_pkey PRIMARY KEY (task);

--
-- Name: fair_nonces fair_nonces_pkey; Type: CONSTRAINT; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE ONLY app_private.fair_nonces
    ADD CONSTRAINT fair_nonces_pkey PRIMARY KEY (seed_id, discord_id);

--
-- Name: fair_seed_secrets fair_seed_secrets_pkey; Type: CONSTRAINT; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE ONLY app_private.fair_seed_secrets
    ADD CONSTRAINT fair_seed_secrets_pkey PRIMARY KEY (seed_id);

--
-- Name: idempotency_keys idempotency_keys_pkey; Type: CONSTRAINT; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE ONLY app_private.idempotency_keys
    ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (guild_id, actor_id, key);

--
-- Name: session_rotated_tokens session_rotated_tokens_pkey; Type: CONSTRAINT; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE ONLY app_private.session_rotated_tokens
    ADD CONSTRAINT session_rotated_tokens_pkey PRIMARY KEY (token_hash);

--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE ONLY app_private.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id);

--
-- Name: sessions sessions_refresh_hash_key; Type: CONSTRAINT; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE ONLY app_private.sessions
    ADD CONSTRAINT sessions_refresh_hash_key UNIQUE (refresh_hash);

--
-- Name: sessions sessions_token_hash_key; Type: CONSTRAINT; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE ONLY app_private.sessions
    ADD CONSTRAINT sessions_token_hash_key UNIQUE (token_hash);

--
-- Name: stream_watchers stream_watchers_pkey; Type: CONSTRAINT; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE ONLY app_private.stream_watchers
    ADD CONSTRAINT stream_watchers_pkey PRIMARY KEY (guild_id, instance);

--
-- Name: webhook_nonces webhook_nonces_pkey; Type: CONSTRAINT; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE ONLY app_private.webhook_nonces
    ADD CONSTRAINT webhook_nonces_pkey PRIMARY KEY (endpoint, nonce);

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
-- Name: announcements announcements_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.announcements
    ADD CONSTRAINT announcements_pkey PRIMARY KEY (id);

--
-- Name: artists artists_guild_id_code_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.artists
    ADD CONSTRAINT artists_guild_id_code_key UNIQUE (guild_id, code);

--
-- Name: artists artists_guild_id_id_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.artists
    ADD CONSTRAINT artists_guild_id_id_key UNIQUE (guild_id, id);

--
-- Name: artists artists_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.artists
    ADD CONSTRAINT artists_pkey PRIMARY KEY (id);

--
-- Name: card_cooldown_roles card_cooldown_roles_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_cooldown_roles
    ADD CONSTRAINT card_cooldown_roles_pkey PRIMARY KEY (guild_id, discord_role_id);

--
-- Name: card_cooldowns card_cooldowns_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_cooldowns
    ADD CONSTRAINT card_cooldowns_pkey PRIMARY KEY (user_id, command);

--
-- Name: card_draws card_draws_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_draws
    ADD CONSTRAINT card_draws_pkey PRIMARY KEY (id);

--
-- Name: card_draws card_draws_seed_id_discord_id_nonce_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_draws
    ADD CONSTRAINT card_draws_seed_id_discord_id_nonce_key UNIQUE (seed_id, discord_id, nonce);

--
-- Name: card_events card_events_guild_id_id_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_events
    ADD CONSTRAINT card_events_guild_id_id_key UNIQUE (guild_id, id);

--
-- Name: card_events card_events_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_events
    ADD CONSTRAINT card_events_pkey PRIMARY KEY (id);

--
-- Name: card_listings card_listings_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_listings
    ADD CONSTRAINT card_listings_pkey PRIMARY KEY (id);

--
-- Name: card_notifications card_notifications_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_notifications
    ADD CONSTRAINT card_notifications_pkey PRIMARY KEY (id);

--
-- Name: card_settings card_settings_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_settings
    ADD CONSTRAINT card_settings_pkey PRIMARY KEY (guild_id);

--
-- Name: card_templates card_templates_guild_id_id_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_templates
    ADD CONSTRAINT card_templates_guild_id_id_key UNIQUE (guild_id, id);

--
-- Name: card_templates card_templates_guild_id_public_id_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_templates
    ADD CONSTRAINT card_templates_guild_id_public_id_key UNIQUE (guild_id, public_id);

--
-- Name: card_templates card_templates_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_templates
    ADD CONSTRAINT card_templates_pkey PRIMARY KEY (id);

--
-- Name: card_trades card_trades_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_trades
    ADD CONSTRAINT card_trades_pkey PRIMARY KEY (id);

--
-- Name: card_wishlists card_wishlists_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_wishlists
    ADD CONSTRAINT card_wishlists_pkey PRIMARY KEY (user_id, template_id);

--
-- Name: currencies currencies_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.currencies
    ADD CONSTRAINT currencies_pkey PRIMARY KEY (code);

--
-- Name: custom_commands custom_commands_guild_id_name_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.custom_commands
    ADD CONSTRAINT custom_commands_guild_id_name_key UNIQUE (guild_id, name);

--
-- Name: custom_commands custom_commands_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.custom_commands
    ADD CONSTRAINT custom_commands_pkey PRIMARY KEY (id);

--
-- Name: daily_stats daily_stats_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.daily_stats
    ADD CONSTRAINT daily_stats_pkey PRIMARY KEY (guild_id, day);

--
-- Name: discord_messages discord_messages_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.discord_messages
    ADD CONSTRAINT discord_messages_pkey PRIMARY KEY (guild_id, subject_type, subject_id);

--
-- Name: economy_events economy_events_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.economy_events
    ADD CONSTRAINT economy_events_pkey PRIMARY KEY (id);

--
-- Name: era_images era_images_guild_id_id_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.era_images
    ADD CONSTRAINT era_images_guild_id_id_key UNIQUE (guild_id, id);

--
-- Name: era_images era_images_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.era_images
    ADD CONSTRAINT era_images_pkey PRIMARY KEY (id);

--
-- Name: eras eras_artist_id_code_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.eras
    ADD CONSTRAINT eras_artist_id_code_key UNIQUE (artist_id, code);

--
-- Name: eras eras_guild_id_id_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.eras
    ADD CONSTRAINT eras_guild_id_id_key UNIQUE (guild_id, id);

--
-- Name: eras eras_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.eras
    ADD CONSTRAINT eras_pkey PRIMARY KEY (id);

--
-- Name: fair_seeds fair_seeds_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.fair_seeds
    ADD CONSTRAINT fair_seeds_pkey PRIMARY KEY (id);

--
-- Name: guild_discord guild_discord_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.guild_discord
    ADD CONSTRAINT guild_discord_pkey PRIMARY KEY (guild_id);

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
-- Name: inventory inventory_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.inventory
    ADD CONSTRAINT inventory_pkey PRIMARY KEY (user_id, sku);

--
-- Name: leaderboard_snapshots leaderboard_snapshots_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.leaderboard_snapshots
    ADD CONSTRAINT leaderboard_snapshots_pkey PRIMARY KEY (guild_id, rank, discord_id);

--
-- Name: listings listings_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.listings
    ADD CONSTRAINT listings_pkey PRIMARY KEY (listing_id);

--
-- Name: minecraft_links minecraft_links_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.minecraft_links
    ADD CONSTRAINT minecraft_links_pkey PRIMARY KEY (id);

--
-- Name: minecraft_links minecraft_links_user_id_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.minecraft_links
    ADD CONSTRAINT minecraft_links_user_id_key UNIQUE (user_id);

--
-- Name: minecraft_payments minecraft_payments_guild_id_source_delivery_key_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.minecraft_payments
    ADD CONSTRAINT minecraft_payments_guild_id_source_delivery_key_key UNIQUE (guild_id, source, delivery_key);

--
-- Name: minecraft_payments minecraft_payments_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.minecraft_payments
    ADD CONSTRAINT minecraft_payments_pkey PRIMARY KEY (id);

--
-- Name: minecraft_payouts minecraft_payouts_hold_id_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.minecraft_payouts
    ADD CONSTRAINT minecraft_payouts_hold_id_key UNIQUE (hold_id);

--
-- Name: minecraft_payouts minecraft_payouts_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.minecraft_payouts
    ADD CONSTRAINT minecraft_payouts_pkey PRIMARY KEY (id);

--
-- Name: ops_alerts ops_alerts_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.ops_alerts
    ADD CONSTRAINT ops_alerts_pkey PRIMARY KEY (id);

--
-- Name: order_lines order_lines_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.order_lines
    ADD CONSTRAINT order_lines_pkey PRIMARY KEY (id);

--
-- Name: orders orders_hold_id_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.orders
    ADD CONSTRAINT orders_hold_id_key UNIQUE (hold_id);

--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (order_id);

--
-- Name: pack_costs pack_costs_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.pack_costs
    ADD CONSTRAINT pack_costs_pkey PRIMARY KEY (pack_type_id, currency);

--
-- Name: pack_openings pack_openings_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.pack_openings
    ADD CONSTRAINT pack_openings_pkey PRIMARY KEY (id);

--
-- Name: pack_types pack_types_guild_id_code_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.pack_types
    ADD CONSTRAINT pack_types_guild_id_code_key UNIQUE (guild_id, code);

--
-- Name: pack_types pack_types_guild_id_id_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.pack_types
    ADD CONSTRAINT pack_types_guild_id_id_key UNIQUE (guild_id, id);

--
-- Name: pack_types pack_types_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.pack_types
    ADD CONSTRAINT pack_types_pkey PRIMARY KEY (id);

--
-- Name: pricing_config pricing_config_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.pricing_config
    ADD CONSTRAINT pricing_config_pkey PRIMARY KEY (guild_id);

--
-- Name: pricing_history pricing_history_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.pricing_history
    ADD CONSTRAINT pricing_history_pkey PRIMARY KEY (id);

--
-- Name: quest_attempts quest_attempts_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.quest_attempts
    ADD CONSTRAINT quest_attempts_pkey PRIMARY KEY (id);

--
-- Name: quests quests_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.quests
    ADD CONSTRAINT quests_pkey PRIMARY KEY (id);

--
-- Name: rewards rewards_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.rewards
    ADD CONSTRAINT rewards_pkey PRIMARY KEY (guild_id, sku);

--
-- Name: saved_embeds saved_embeds_guild_id_id_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.saved_embeds
    ADD CONSTRAINT saved_embeds_guild_id_id_key UNIQUE (guild_id, id);

--
-- Name: saved_embeds saved_embeds_guild_id_name_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.saved_embeds
    ADD CONSTRAINT saved_embeds_guild_id_name_key UNIQUE (guild_id, name);

--
-- Name: saved_embeds saved_embeds_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.saved_embeds
    ADD CONSTRAINT saved_embeds_pkey PRIMARY KEY (id);

--
-- Name: staff_role_mappings staff_role_mappings_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.staff_role_mappings
    ADD CONSTRAINT staff_role_mappings_pkey PRIMARY KEY (guild_id, discord_role_id);

--
-- Name: task_claims task_claims_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.task_claims
    ADD CONSTRAINT task_claims_pkey PRIMARY KEY (id);

--
-- Name: tasks tasks_guild_id_id_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.tasks
    ADD CONSTRAINT tasks_guild_id_id_key UNIQUE (guild_id, id);

--
-- Name: tasks tasks_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.tasks
    ADD CONSTRAINT tasks_pkey PRIMARY KEY (id);

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
-- Name: user_cards user_cards_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.user_cards
    ADD CONSTRAINT user_cards_pkey PRIMARY KEY (id);

--
-- Name: user_cards user_cards_template_id_print_no_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.user_cards
    ADD CONSTRAINT user_cards_template_id_print_no_key UNIQUE (template_id, print_no);

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
-- Name: vouchers vouchers_order_id_key; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.vouchers
    ADD CONSTRAINT vouchers_order_id_key UNIQUE (order_id);

--
-- Name: vouchers vouchers_pkey; Type: CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.vouchers
    ADD CONSTRAINT vouchers_pkey PRIMARY KEY (code);

--
-- Name: session_rotated_tokens_session; Type: INDEX; Schema: app_private; Owner: guildbank_owner
--

CREATE INDEX session_rotated_tokens_session ON app_private.session_rotated_tokens USING btree (session_id);

--
-- Name: sessions_expires_at; Type: INDEX; Schema: app_private; Owner: guildbank_owner
--

CREATE INDEX sessions_expires_at ON app_private.sessions USING btree (expires_at);

--
-- Name: webhook_nonces_received; Type: INDEX; Schema: app_private; Owner: guildbank_owner
--

CREATE INDEX webhook_nonces_received ON app_private.webhook_nonces USING btree (received_at);

--
-- Name: accounts_guild_key; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE UNIQUE INDEX accounts_guild_key ON app_public.accounts USING btree (guild_id, currency, kind) WHERE (user_id IS NULL);

--
-- Name: accounts_guild_wallets; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX accounts_guild_wallets ON app_public.accounts USING btree (guild_id) WHERE (kind = 'wallet'::app_public.account_kind);

--
-- Name: INDEX accounts_guild_wallets; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON INDEX app_public.accounts_guild_wallets IS 'Wallets of a guild (leaderboard, rank). Deliberately without balance, so balance updates stay HOT.';

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
-- Name: announcements_due; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX announcements_due ON app_public.announcements USING btree (publish_at) WHERE (status = 'scheduled'::text);

--
-- Name: announcements_guild; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX announcements_guild ON app_public.announcements USING btree (guild_id, created_at DESC);

--
-- Name: artists_guild_id_lower_idx; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX artists_guild_id_lower_idx ON app_public.artists USING btree (guild_id, lower(name));

--
-- Name: card_draws_guild_id_pack_type_id_id_idx; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX card_draws_guild_id_pack_type_id_id_idx ON app_public.card_draws USING btree (guild_id, pack_type_id, id DESC);

--
-- Name: card_draws_opening_id_idx; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX card_draws_opening_id_idx ON app_public.card_draws USING btree (opening_id);

--
-- Name: card_listings_guild_id_status_created_at_idx; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX card_listings_guild_id_status_created_at_idx ON app_public.card_listings USING btree (guild_id, status, created_at);

--
-- Name: card_listings_one_active; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE UNIQUE INDEX card_listings_one_active ON app_public.card_listings USING btree (card_id) WHERE (status = 'active'::app_public.card_listing_status);

--
-- Name: card_notifications_user_id_idx; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX card_notifications_user_id_idx ON app_public.card_notifications USING btree (user_id) WHERE (delivered_at IS NULL);

--
-- Name: card_templates_artist_id_era_id_idx; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX card_templates_artist_id_era_id_idx ON app_public.card_templates USING btree (artist_id, era_id);

--
-- Name: card_templates_guild_id_rarity_idx; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX card_templates_guild_id_rarity_idx ON app_public.card_templates USING btree (guild_id, rarity) WHERE (retired_at IS NULL);

--
-- Name: card_trade_items_card_id_idx; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX card_trade_items_card_id_idx ON app_public.card_trade_items USING btree (card_id) WHERE (card_id IS NOT NULL);

--
-- Name: card_trade_items_trade_id_idx; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX card_trade_items_trade_id_idx ON app_public.card_trade_items USING btree (trade_id);

--
-- Name: card_wishlists_template_id_idx; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX card_wishlists_template_id_idx ON app_public.card_wishlists USING btree (template_id);

--
-- Name: economy_events_guild_window; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX economy_events_guild_window ON app_public.economy_events USING btree (guild_id, kind, starts_at);

--
-- Name: era_images_phash_idx; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX era_images_phash_idx ON app_public.era_images USING btree (phash);

--
-- Name: fair_seeds_current; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE UNIQUE INDEX fair_seeds_current ON app_public.fair_seeds USING btree (guild_id) WHERE (rotated_at IS NULL);

--
-- Name: inventory_guild_sku; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX inventory_guild_sku ON app_public.inventory USING btree (guild_id, sku);

--
-- Name: listings_seller; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX listings_seller ON app_public.listings USING btree (seller_id);

--
-- Name: listings_sku; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX listings_sku ON app_public.listings USING btree (guild_id, sku, status);

--
-- Name: listings_status_expires; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX listings_status_expires ON app_public.listings USING btree (status, expires_at);

--
-- Name: minecraft_links_ign; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE UNIQUE INDEX minecraft_links_ign ON app_public.minecraft_links USING btree (guild_id, lower(ign));

--
-- Name: minecraft_payments_duplicates; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX minecraft_payments_duplicates ON app_public.minecraft_payments USING btree (duplicate_of) WHERE (duplicate_of IS NOT NULL);

--
-- Name: minecraft_payments_fingerprint; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX minecraft_payments_fingerprint ON app_public.minecraft_payments USING btree (guild_id, lower(payer_ign), amount, seen_at);

--
-- Name: minecraft_payouts_open; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX minecraft_payouts_open ON app_public.minecraft_payouts USING btree (guild_id, lower(ign), amount, sent_at) WHERE (status = ANY (ARRAY['sent'::app_public.payout_status, 'failed'::app_public.payout_status]));

--
-- Name: minecraft_payouts_user; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX minecraft_payouts_user ON app_public.minecraft_payouts USING btree (user_id, created_at);

--
-- Name: ops_alerts_guild; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX ops_alerts_guild ON app_public.ops_alerts USING btree (guild_id, created_at);

--
-- Name: ops_alerts_xid; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX ops_alerts_xid ON app_public.ops_alerts USING btree (xid);

--
-- Name: order_lines_listing; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX order_lines_listing ON app_public.order_lines USING btree (listing_id) WHERE (listing_id IS NOT NULL);

--
-- Name: order_lines_order; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX order_lines_order ON app_public.order_lines USING btree (order_id);

--
-- Name: order_lines_sku; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX order_lines_sku ON app_public.order_lines USING btree (guild_id, sku);

--
-- Name: orders_buyer; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX orders_buyer ON app_public.orders USING btree (buyer_id, created_at);

--
-- Name: orders_guild_settled; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX orders_guild_settled ON app_public.orders USING btree (guild_id, status, settled_at);

--
-- Name: orders_pending; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX orders_pending ON app_public.orders USING btree (expires_at) WHERE (status = 'pending'::app_public.order_status);

--
-- Name: orders_seller; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX orders_seller ON app_public.orders USING btree (seller_id) WHERE (seller_id IS NOT NULL);

--
-- Name: pack_openings_user_id_pack_type_id_opened_at_idx; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX pack_openings_user_id_pack_type_id_opened_at_idx ON app_public.pack_openings USING btree (user_id, pack_type_id, opened_at);

--
-- Name: pricing_history_sku; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE UNIQUE INDEX pricing_history_sku ON app_public.pricing_history USING btree (guild_id, sku, created_at);

--
-- Name: quest_attempts_guild_attempted_at; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX quest_attempts_guild_attempted_at ON app_public.quest_attempts USING btree (guild_id, attempted_at);

--
-- Name: quest_attempts_user_quest; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX quest_attempts_user_quest ON app_public.quest_attempts USING btree (user_id, quest_id, attempted_at DESC);

--
-- Name: quests_guild_active; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX quests_guild_active ON app_public.quests USING btree (guild_id) WHERE active;

--
-- Name: task_claims_guild_submitted; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX task_claims_guild_submitted ON app_public.task_claims USING btree (guild_id, submitted_at) WHERE (status = 'submitted'::app_public.task_claim_status);

--
-- Name: task_claims_one_live; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE UNIQUE INDEX task_claims_one_live ON app_public.task_claims USING btree (task_id, user_id) WHERE (status = ANY (ARRAY['in_progress'::app_public.task_claim_status, 'submitted'::app_public.task_claim_status, 'accepted'::app_public.task_claim_status]));

--
-- Name: task_claims_overdue; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX task_claims_overdue ON app_public.task_claims USING btree (deadline) WHERE (status = 'in_progress'::app_public.task_claim_status);

--
-- Name: task_claims_task_status; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX task_claims_task_status ON app_public.task_claims USING btree (task_id, status);

--
-- Name: task_claims_user_status; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX task_claims_user_status ON app_public.task_claims USING btree (user_id, status);

--
-- Name: tasks_expiring; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX tasks_expiring ON app_public.tasks USING btree (expires_at) WHERE ((status = 'active'::text) AND (expires_at IS NOT NULL));

--
-- Name: tasks_guild_status; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX tasks_guild_status ON app_public.tasks USING btree (guild_id, status);

--
-- Name: tasks_pending_sync; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX tasks_pending_sync ON app_public.tasks USING btree (guild_id) WHERE (sync_state = 'pending'::text);

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
-- Name: transactions_guild_seq; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX transactions_guild_seq ON app_public.transactions USING btree (guild_id, seq);

--
-- Name: transactions_guild_xid; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX transactions_guild_xid ON app_public.transactions USING btree (guild_id, xid);

--
-- Name: transactions_listing; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX transactions_listing ON app_public.transactions USING btree (listing_id) WHERE (listing_id IS NOT NULL);

--
-- Name: transactions_order; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX transactions_order ON app_public.transactions USING btree (order_id) WHERE (order_id IS NOT NULL);

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
-- Name: user_cards_guild_id_expires_at_idx; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX user_cards_guild_id_expires_at_idx ON app_public.user_cards USING btree (guild_id, expires_at) WHERE (temporary AND (burned_at IS NULL));

--
-- Name: user_cards_owner_id_template_id_idx; Type: INDEX; Schema: app_public; Owner: guildbank_owner
--

CREATE INDEX user_cards_owner_id_template_id_idx ON app_public.user_cards USING btree (owner_id, template_id) WHERE (owner_id IS NOT NULL);

--
-- Name: announcements _050_require_staff; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _050_require_staff BEFORE INSERT OR DELETE OR UPDATE ON app_public.announcements FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');

--
-- Name: artists _050_require_staff; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _050_require_staff BEFORE INSERT OR DELETE OR UPDATE ON app_public.artists FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');

--
-- Name: card_cooldown_roles _050_require_staff; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _050_require_staff BEFORE INSERT OR DELETE OR UPDATE ON app_public.card_cooldown_roles FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__require_staff('SUPERADMIN', 'ADMIN');

--
-- Name: card_events _050_require_staff; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _050_require_staff BEFORE INSERT OR DELETE OR UPDATE ON app_public.card_events FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__require_staff('SUPERADMIN', 'ADMIN');

--
-- Name: card_settings _050_require_staff; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _050_require_staff BEFORE INSERT OR DELETE OR UPDATE ON app_public.card_settings FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__require_staff('SUPERADMIN', 'ADMIN');

--
-- Name: custom_commands _050_require_staff; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _050_require_staff BEFORE INSERT OR DELETE OR UPDATE ON app_public.custom_commands FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');

--
-- Name: era_images _050_require_staff; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _050_require_staff BEFORE INSERT OR DELETE OR UPDATE ON app_public.era_images FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');

--
-- Name: eras _050_require_staff; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _050_require_staff BEFORE INSERT OR DELETE OR UPDATE ON app_public.eras FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');

--
-- Name: guild_settings _050_require_staff; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _050_require_staff BEFORE UPDATE ON app_public.guild_settings FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__require_staff('SUPERADMIN', 'ADMIN');

--
-- Name: pack_costs _050_require_staff; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _050_require_staff BEFORE INSERT OR DELETE OR UPDATE ON app_public.pack_costs FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__require_staff('SUPERADMIN', 'ADMIN');

--
-- Name: pack_types _050_require_staff; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _050_require_staff BEFORE INSERT OR DELETE OR UPDATE ON app_public.pack_types FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__require_staff('SUPERADMIN', 'ADMIN');

--
-- Name: pricing_config _050_require_staff; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _050_require_staff BEFORE UPDATE ON app_public.pricing_config FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__require_staff('SUPERADMIN', 'ADMIN');

--
-- Name: quests _050_require_staff; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _050_require_staff BEFORE INSERT OR DELETE OR UPDATE ON app_public.quests FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');

--
-- Name: rewards _050_require_staff; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _050_require_staff BEFORE INSERT OR DELETE OR UPDATE ON app_public.rewards FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');

--
-- Name: saved_embeds _050_require_staff; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _050_require_staff BEFORE INSERT OR DELETE OR UPDATE ON app_public.saved_embeds FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');

--
-- Name: staff_role_mappings _050_require_staff; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _050_require_staff BEFORE INSERT OR DELETE OR UPDATE ON app_public.staff_role_mappings FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__require_staff('SUPERADMIN');

--
-- Name: tasks _050_require_staff; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _050_require_staff BEFORE INSERT OR DELETE OR UPDATE ON app_public.tasks FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');

--
-- Name: announcements _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.announcements FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: card_settings _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.card_settings FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: card_templates _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.card_templates FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: custom_commands _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.custom_commands FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: discord_messages _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.discord_messages FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: guild_discord _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.guild_discord FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: guild_settings _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.guild_settings FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: guilds _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.guilds FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: listings _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.listings FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: orders _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.orders FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: pack_types _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.pack_types FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: pricing_config _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.pricing_config FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: quests _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.quests FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: rewards _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.rewards FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: saved_embeds _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.saved_embeds FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: staff_role_mappings _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.staff_role_mappings FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: task_claims _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.task_claims FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: tasks _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.tasks FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: users _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.users FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: pack_types _200_check_rates; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _200_check_rates BEFORE INSERT OR UPDATE ON app_public.pack_types FOR EACH ROW EXECUTE FUNCTION app_private.tg_pack_types__check_rates();

--
-- Name: tasks _500_discord; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _500_discord BEFORE INSERT OR UPDATE ON app_public.tasks FOR EACH ROW EXECUTE FUNCTION app_private.tg_tasks__discord();

--
-- Name: rewards _500_discord_shop; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _500_discord_shop BEFORE INSERT OR UPDATE ON app_public.rewards FOR EACH ROW EXECUTE FUNCTION app_private.tg_rewards__discord_shop();

--
-- Name: ops_alerts _500_notify_staff; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _500_notify_staff AFTER INSERT ON app_public.ops_alerts FOR EACH ROW EXECUTE FUNCTION app_private.tg_ops_alerts__notify();

--
-- Name: guilds _500_provision; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _500_provision AFTER INSERT ON app_public.guilds FOR EACH ROW EXECUTE FUNCTION app_private.tg_guilds__provision();

--
-- Name: users _500_provision; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _500_provision AFTER INSERT ON app_public.users FOR EACH ROW EXECUTE FUNCTION app_private.tg_users__provision();

--
-- Name: orders _500_queue_fulfilment; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _500_queue_fulfilment AFTER INSERT ON app_public.orders FOR EACH ROW EXECUTE FUNCTION app_private.tg_orders__queue_fulfilment();

--
-- Name: minecraft_payouts _500_queue_payout; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _500_queue_payout AFTER INSERT ON app_public.minecraft_payouts FOR EACH ROW EXECUTE FUNCTION app_private.tg_minecraft_payouts__queue();

--
-- Name: announcements _500_schedule; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _500_schedule BEFORE INSERT OR UPDATE ON app_public.announcements FOR EACH ROW EXECUTE FUNCTION app_private.tg_announcements__schedule();

--
-- Name: orders _510_void_voucher; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _510_void_voucher AFTER UPDATE OF status ON app_public.orders FOR EACH ROW WHEN (((old.status = 'pending'::app_public.order_status) AND (new.status = ANY (ARRAY['refunded'::app_public.order_status, 'cancelled'::app_public.order_status])) AND (new.fulfilment = 'voucher'::app_public.fulfilment_kind))) EXECUTE FUNCTION app_private.tg_orders__void_voucher();

--
-- Name: transactions _700_high_value; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _700_high_value AFTER INSERT ON app_public.transactions FOR EACH ROW EXECUTE FUNCTION app_private.tg_transactions__high_value();

--
-- Name: task_claims _800_discord; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _800_discord AFTER INSERT OR UPDATE OF status ON app_public.task_claims FOR EACH ROW EXECUTE FUNCTION app_private.tg_task_claims__discord();

--
-- Name: daily_stats _800_discord_digest; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _800_discord_digest AFTER INSERT ON app_public.daily_stats FOR EACH ROW EXECUTE FUNCTION app_private.tg_daily_stats__discord_digest();

--
-- Name: admin_actions _800_discord_feed; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _800_discord_feed AFTER INSERT ON app_public.admin_actions FOR EACH ROW EXECUTE FUNCTION app_private.tg_admin_actions__discord_feed();

--
-- Name: orders _800_discord_feed; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _800_discord_feed AFTER UPDATE OF status ON app_public.orders FOR EACH ROW WHEN ((old.status IS DISTINCT FROM new.status)) EXECUTE FUNCTION app_private.tg_orders__discord_feed();

--
-- Name: transactions _800_discord_feed; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _800_discord_feed AFTER INSERT ON app_public.transactions FOR EACH ROW EXECUTE FUNCTION app_private.tg_transactions__discord_feed();

--
-- Name: leaderboard_snapshots _800_discord_leaderboard; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _800_discord_leaderboard AFTER INSERT ON app_public.leaderboard_snapshots REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_leaderboard_snapshots__discord();

--
-- Name: listings _800_discord_shop; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _800_discord_shop AFTER INSERT OR UPDATE OF status, qty_available, unit_price ON app_public.listings FOR EACH ROW EXECUTE FUNCTION app_private.tg_listings__discord_shop();

--
-- Name: ops_alerts _800_notify; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _800_notify AFTER INSERT ON app_public.ops_alerts FOR EACH ROW EXECUTE FUNCTION app_private.tg__notify_stream('ops_alerts');

--
-- Name: transactions _800_notify; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _800_notify AFTER INSERT ON app_public.transactions FOR EACH ROW EXECUTE FUNCTION app_private.tg__notify_stream('tx_stream');

--
-- Name: announcements _900_audit; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.announcements FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__audit('announcement', 'id');

--
-- Name: artists _900_audit; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.artists FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__audit('artist', 'id');

--
-- Name: card_cooldown_roles _900_audit; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.card_cooldown_roles FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__audit('card_cooldown_role', 'discord_role_id');

--
-- Name: card_events _900_audit; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.card_events FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__audit('card_event', 'id');

--
-- Name: card_settings _900_audit; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.card_settings FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__audit('card_settings', 'guild_id');

--
-- Name: custom_commands _900_audit; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.custom_commands FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__audit('custom_command', 'id');

--
-- Name: era_images _900_audit; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.era_images FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__audit('era_image', 'id');

--
-- Name: eras _900_audit; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.eras FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__audit('era', 'id');

--
-- Name: guild_settings _900_audit; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _900_audit AFTER UPDATE ON app_public.guild_settings FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__audit('guild_settings', 'guild_id');

--
-- Name: pack_costs _900_audit; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.pack_costs FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__audit('pack_cost', 'pack_type_id');

--
-- Name: pack_types _900_audit; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.pack_types FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__audit('pack_type', 'id');

--
-- Name: pricing_config _900_audit; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _900_audit AFTER UPDATE ON app_public.pricing_config FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__audit('pricing_config', 'guild_id');

--
-- Name: quests _900_audit; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.quests FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__audit('quest', 'id');

--
-- Name: rewards _900_audit; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.rewards FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__audit('reward', 'sku');

--
-- Name: saved_embeds _900_audit; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.saved_embeds FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__audit('saved_embed', 'id');

--
-- Name: staff_role_mappings _900_audit; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.staff_role_mappings FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__audit('staff_role_mapping', 'discord_role_id');

--
-- Name: tasks _900_audit; Type: TRIGGER; Schema: app_public; Owner: guildbank_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.tasks FOR EACH ROW WHEN ((CURRENT_USER = 'coins_staff'::name)) EXECUTE FUNCTION app_private.tg__audit('task', 'id');

--
-- Name: fair_nonces fair_nonces_seed_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE ONLY app_private.fair_nonces
    ADD CONSTRAINT fair_nonces_seed_id_fkey FOREIGN KEY (seed_id) REFERENCES app_public.fair_seeds(id) ON DELETE CASCADE;

--
-- Name: fair_seed_secrets fair_seed_secrets_seed_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE ONLY app_private.fair_seed_secrets
    ADD CONSTRAINT fair_seed_secrets_seed_id_fkey FOREIGN KEY (seed_id) REFERENCES app_public.fair_seeds(id) ON DELETE CASCADE;

--
-- Name: session_rotated_tokens session_rotated_tokens_session_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE ONLY app_private.session_rotated_tokens
    ADD CONSTRAINT session_rotated_tokens_session_id_fkey FOREIGN KEY (session_id) REFERENCES app_private.sessions(id) ON DELETE CASCADE;

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
-- Name: announcements announcements_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.announcements
    ADD CONSTRAINT announcements_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: announcements announcements_guild_id_task_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.announcements
    ADD CONSTRAINT announcements_guild_id_task_id_fkey FOREIGN KEY (guild_id, task_id) REFERENCES app_public.tasks(guild_id, id) ON DELETE SET NULL (task_id);

--
-- Name: CONSTRAINT announcements_guild_id_task_id_fkey ON announcements; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON CONSTRAINT announcements_guild_id_task_id_fkey ON app_public.announcements IS '@fieldName task
@foreignFieldName announcements';

--
-- Name: artists artists_group_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.artists
    ADD CONSTRAINT artists_group_id_fkey FOREIGN KEY (group_id) REFERENCES app_public.artists(id) ON DELETE SET NULL;

--
-- Name: artists artists_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.artists
    ADD CONSTRAINT artists_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: card_cooldown_roles card_cooldown_roles_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_cooldown_roles
    ADD CONSTRAINT card_cooldown_roles_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: card_cooldowns card_cooldowns_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_cooldowns
    ADD CONSTRAINT card_cooldowns_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: card_draws card_draws_card_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_draws
    ADD CONSTRAINT card_draws_card_id_fkey FOREIGN KEY (card_id) REFERENCES app_public.user_cards(id);

--
-- Name: card_draws card_draws_guild_id_template_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_draws
    ADD CONSTRAINT card_draws_guild_id_template_id_fkey FOREIGN KEY (guild_id, template_id) REFERENCES app_public.card_templates(guild_id, id);

--
-- Name: card_draws card_draws_opening_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_draws
    ADD CONSTRAINT card_draws_opening_id_fkey FOREIGN KEY (opening_id) REFERENCES app_public.pack_openings(id) ON DELETE CASCADE;

--
-- Name: card_draws card_draws_seed_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_draws
    ADD CONSTRAINT card_draws_seed_id_fkey FOREIGN KEY (seed_id) REFERENCES app_public.fair_seeds(id);

--
-- Name: card_draws card_draws_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_draws
    ADD CONSTRAINT card_draws_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id);

--
-- Name: card_events card_events_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_events
    ADD CONSTRAINT card_events_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: card_listings card_listings_buyer_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_listings
    ADD CONSTRAINT card_listings_buyer_id_fkey FOREIGN KEY (buyer_id) REFERENCES app_public.users(id);

--
-- Name: card_listings card_listings_card_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_listings
    ADD CONSTRAINT card_listings_card_id_fkey FOREIGN KEY (card_id) REFERENCES app_public.user_cards(id);

--
-- Name: card_listings card_listings_currency_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_listings
    ADD CONSTRAINT card_listings_currency_fkey FOREIGN KEY (currency) REFERENCES app_public.currencies(code);

--
-- Name: card_listings card_listings_seller_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_listings
    ADD CONSTRAINT card_listings_seller_id_fkey FOREIGN KEY (seller_id) REFERENCES app_public.users(id);

--
-- Name: card_notifications card_notifications_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_notifications
    ADD CONSTRAINT card_notifications_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: card_notifications card_notifications_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_notifications
    ADD CONSTRAINT card_notifications_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: card_settings card_settings_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_settings
    ADD CONSTRAINT card_settings_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: card_templates card_templates_guild_id_artist_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_templates
    ADD CONSTRAINT card_templates_guild_id_artist_id_fkey FOREIGN KEY (guild_id, artist_id) REFERENCES app_public.artists(guild_id, id);

--
-- Name: card_templates card_templates_guild_id_era_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_templates
    ADD CONSTRAINT card_templates_guild_id_era_id_fkey FOREIGN KEY (guild_id, era_id) REFERENCES app_public.eras(guild_id, id);

--
-- Name: card_templates card_templates_guild_id_event_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_templates
    ADD CONSTRAINT card_templates_guild_id_event_id_fkey FOREIGN KEY (guild_id, event_id) REFERENCES app_public.card_events(guild_id, id);

--
-- Name: card_templates card_templates_guild_id_image_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_templates
    ADD CONSTRAINT card_templates_guild_id_image_id_fkey FOREIGN KEY (guild_id, image_id) REFERENCES app_public.era_images(guild_id, id);

--
-- Name: card_trade_items card_trade_items_card_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_trade_items
    ADD CONSTRAINT card_trade_items_card_id_fkey FOREIGN KEY (card_id) REFERENCES app_public.user_cards(id);

--
-- Name: card_trade_items card_trade_items_currency_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_trade_items
    ADD CONSTRAINT card_trade_items_currency_fkey FOREIGN KEY (currency) REFERENCES app_public.currencies(code);

--
-- Name: card_trade_items card_trade_items_trade_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_trade_items
    ADD CONSTRAINT card_trade_items_trade_id_fkey FOREIGN KEY (trade_id) REFERENCES app_public.card_trades(id) ON DELETE CASCADE;

--
-- Name: card_trades card_trades_proposer_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_trades
    ADD CONSTRAINT card_trades_proposer_id_fkey FOREIGN KEY (proposer_id) REFERENCES app_public.users(id);

--
-- Name: card_trades card_trades_recipient_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_trades
    ADD CONSTRAINT card_trades_recipient_id_fkey FOREIGN KEY (recipient_id) REFERENCES app_public.users(id);

--
-- Name: card_wishlists card_wishlists_guild_id_template_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_wishlists
    ADD CONSTRAINT card_wishlists_guild_id_template_id_fkey FOREIGN KEY (guild_id, template_id) REFERENCES app_public.card_templates(guild_id, id);

--
-- Name: card_wishlists card_wishlists_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.card_wishlists
    ADD CONSTRAINT card_wishlists_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: custom_commands custom_commands_guild_id_embed_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.custom_commands
    ADD CONSTRAINT custom_commands_guild_id_embed_id_fkey FOREIGN KEY (guild_id, embed_id) REFERENCES app_public.saved_embeds(guild_id, id) ON DELETE SET NULL (embed_id);

--
-- Name: CONSTRAINT custom_commands_guild_id_embed_id_fkey ON custom_commands; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON CONSTRAINT custom_commands_guild_id_embed_id_fkey ON app_public.custom_commands IS '@fieldName embed
@foreignFieldName customCommands';

--
-- Name: custom_commands custom_commands_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.custom_commands
    ADD CONSTRAINT custom_commands_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: daily_stats daily_stats_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.daily_stats
    ADD CONSTRAINT daily_stats_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: discord_messages discord_messages_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.discord_messages
    ADD CONSTRAINT discord_messages_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: economy_events economy_events_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.economy_events
    ADD CONSTRAINT economy_events_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: era_images era_images_guild_id_era_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.era_images
    ADD CONSTRAINT era_images_guild_id_era_id_fkey FOREIGN KEY (guild_id, era_id) REFERENCES app_public.eras(guild_id, id) ON DELETE CASCADE;

--
-- Name: eras eras_guild_id_artist_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.eras
    ADD CONSTRAINT eras_guild_id_artist_id_fkey FOREIGN KEY (guild_id, artist_id) REFERENCES app_public.artists(guild_id, id) ON DELETE CASCADE;

--
-- Name: fair_seeds fair_seeds_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.fair_seeds
    ADD CONSTRAINT fair_seeds_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: guild_discord guild_discord_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.guild_discord
    ADD CONSTRAINT guild_discord_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: guild_settings guild_settings_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.guild_settings
    ADD CONSTRAINT guild_settings_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: inventory inventory_guild_id_sku_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.inventory
    ADD CONSTRAINT inventory_guild_id_sku_fkey FOREIGN KEY (guild_id, sku) REFERENCES app_public.rewards(guild_id, sku) ON DELETE RESTRICT;

--
-- Name: inventory inventory_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.inventory
    ADD CONSTRAINT inventory_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: leaderboard_snapshots leaderboard_snapshots_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.leaderboard_snapshots
    ADD CONSTRAINT leaderboard_snapshots_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: listings listings_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.listings
    ADD CONSTRAINT listings_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: listings listings_guild_id_sku_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.listings
    ADD CONSTRAINT listings_guild_id_sku_fkey FOREIGN KEY (guild_id, sku) REFERENCES app_public.rewards(guild_id, sku) ON DELETE RESTRICT;

--
-- Name: listings listings_seller_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.listings
    ADD CONSTRAINT listings_seller_id_fkey FOREIGN KEY (seller_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: minecraft_links minecraft_links_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.minecraft_links
    ADD CONSTRAINT minecraft_links_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: minecraft_links minecraft_links_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.minecraft_links
    ADD CONSTRAINT minecraft_links_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: minecraft_payments minecraft_payments_duplicate_of_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.minecraft_payments
    ADD CONSTRAINT minecraft_payments_duplicate_of_fkey FOREIGN KEY (duplicate_of) REFERENCES app_public.minecraft_payments(id);

--
-- Name: minecraft_payments minecraft_payments_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.minecraft_payments
    ADD CONSTRAINT minecraft_payments_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: minecraft_payments minecraft_payments_transfer_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.minecraft_payments
    ADD CONSTRAINT minecraft_payments_transfer_id_fkey FOREIGN KEY (transfer_id) REFERENCES app_public.transfers(id);

--
-- Name: minecraft_payments minecraft_payments_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.minecraft_payments
    ADD CONSTRAINT minecraft_payments_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: minecraft_payouts minecraft_payouts_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.minecraft_payouts
    ADD CONSTRAINT minecraft_payouts_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: minecraft_payouts minecraft_payouts_hold_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.minecraft_payouts
    ADD CONSTRAINT minecraft_payouts_hold_id_fkey FOREIGN KEY (hold_id) REFERENCES app_public.transfers(id);

--
-- Name: minecraft_payouts minecraft_payouts_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.minecraft_payouts
    ADD CONSTRAINT minecraft_payouts_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: ops_alerts ops_alerts_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.ops_alerts
    ADD CONSTRAINT ops_alerts_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: order_lines order_lines_guild_id_sku_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.order_lines
    ADD CONSTRAINT order_lines_guild_id_sku_fkey FOREIGN KEY (guild_id, sku) REFERENCES app_public.rewards(guild_id, sku) ON DELETE RESTRICT;

--
-- Name: order_lines order_lines_listing_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.order_lines
    ADD CONSTRAINT order_lines_listing_id_fkey FOREIGN KEY (listing_id) REFERENCES app_public.listings(listing_id) ON DELETE CASCADE;

--
-- Name: order_lines order_lines_order_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.order_lines
    ADD CONSTRAINT order_lines_order_id_fkey FOREIGN KEY (order_id) REFERENCES app_public.orders(order_id) ON DELETE CASCADE;

--
-- Name: orders orders_buyer_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.orders
    ADD CONSTRAINT orders_buyer_id_fkey FOREIGN KEY (buyer_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: orders orders_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.orders
    ADD CONSTRAINT orders_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: orders orders_hold_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.orders
    ADD CONSTRAINT orders_hold_id_fkey FOREIGN KEY (hold_id) REFERENCES app_public.transfers(id);

--
-- Name: orders orders_seller_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.orders
    ADD CONSTRAINT orders_seller_id_fkey FOREIGN KEY (seller_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: pack_costs pack_costs_currency_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.pack_costs
    ADD CONSTRAINT pack_costs_currency_fkey FOREIGN KEY (currency) REFERENCES app_public.currencies(code);

--
-- Name: pack_costs pack_costs_guild_id_pack_type_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.pack_costs
    ADD CONSTRAINT pack_costs_guild_id_pack_type_id_fkey FOREIGN KEY (guild_id, pack_type_id) REFERENCES app_public.pack_types(guild_id, id) ON DELETE CASCADE;

--
-- Name: pack_openings pack_openings_card_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.pack_openings
    ADD CONSTRAINT pack_openings_card_id_fkey FOREIGN KEY (card_id) REFERENCES app_public.user_cards(id);

--
-- Name: pack_openings pack_openings_currency_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.pack_openings
    ADD CONSTRAINT pack_openings_currency_fkey FOREIGN KEY (currency) REFERENCES app_public.currencies(code);

--
-- Name: pack_openings pack_openings_guild_id_pack_type_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.pack_openings
    ADD CONSTRAINT pack_openings_guild_id_pack_type_id_fkey FOREIGN KEY (guild_id, pack_type_id) REFERENCES app_public.pack_types(guild_id, id);

--
-- Name: pack_openings pack_openings_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.pack_openings
    ADD CONSTRAINT pack_openings_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id);

--
-- Name: pack_types pack_types_guild_id_event_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.pack_types
    ADD CONSTRAINT pack_types_guild_id_event_id_fkey FOREIGN KEY (guild_id, event_id) REFERENCES app_public.card_events(guild_id, id);

--
-- Name: pack_types pack_types_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.pack_types
    ADD CONSTRAINT pack_types_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: pricing_config pricing_config_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.pricing_config
    ADD CONSTRAINT pricing_config_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: pricing_history pricing_history_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.pricing_history
    ADD CONSTRAINT pricing_history_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: pricing_history pricing_history_guild_id_sku_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.pricing_history
    ADD CONSTRAINT pricing_history_guild_id_sku_fkey FOREIGN KEY (guild_id, sku) REFERENCES app_public.rewards(guild_id, sku) ON DELETE CASCADE;

--
-- Name: quest_attempts quest_attempts_quest_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.quest_attempts
    ADD CONSTRAINT quest_attempts_quest_id_fkey FOREIGN KEY (quest_id) REFERENCES app_public.quests(id) ON DELETE CASCADE;

--
-- Name: quest_attempts quest_attempts_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.quest_attempts
    ADD CONSTRAINT quest_attempts_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: quests quests_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.quests
    ADD CONSTRAINT quests_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: rewards rewards_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.rewards
    ADD CONSTRAINT rewards_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: saved_embeds saved_embeds_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.saved_embeds
    ADD CONSTRAINT saved_embeds_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: staff_role_mappings staff_role_mappings_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.staff_role_mappings
    ADD CONSTRAINT staff_role_mappings_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: task_claims task_claims_guild_id_task_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.task_claims
    ADD CONSTRAINT task_claims_guild_id_task_id_fkey FOREIGN KEY (guild_id, task_id) REFERENCES app_public.tasks(guild_id, id) ON DELETE CASCADE;

--
-- Name: CONSTRAINT task_claims_guild_id_task_id_fkey ON task_claims; Type: COMMENT; Schema: app_public; Owner: guildbank_owner
--

COMMENT ON CONSTRAINT task_claims_guild_id_task_id_fkey ON app_public.task_claims IS '@fieldName task
@foreignFieldName claims';

--
-- Name: task_claims task_claims_tx_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.task_claims
    ADD CONSTRAINT task_claims_tx_id_fkey FOREIGN KEY (tx_id) REFERENCES app_public.transactions(tx_id);

--
-- Name: task_claims task_claims_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.task_claims
    ADD CONSTRAINT task_claims_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: tasks tasks_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.tasks
    ADD CONSTRAINT tasks_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: transactions transactions_counterparty_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.transactions
    ADD CONSTRAINT transactions_counterparty_id_fkey FOREIGN KEY (counterparty_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: transactions transactions_listing_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.transactions
    ADD CONSTRAINT transactions_listing_id_fkey FOREIGN KEY (listing_id) REFERENCES app_public.listings(listing_id) ON DELETE CASCADE;

--
-- Name: transactions transactions_order_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.transactions
    ADD CONSTRAINT transactions_order_id_fkey FOREIGN KEY (order_id) REFERENCES app_public.orders(order_id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;

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
-- Name: transfers transfers_debit_account_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.transfers
    ADD CONSTRAINT transfers_debit_account_id_fkey FOREIGN KEY (debit_account_id) REFERENCES app_public.accounts(id);

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
-- Name: user_cards user_cards_guild_id_template_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.user_cards
    ADD CONSTRAINT user_cards_guild_id_template_id_fkey FOREIGN KEY (guild_id, template_id) REFERENCES app_public.card_templates(guild_id, id);

--
-- Name: user_cards user_cards_owner_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.user_cards
    ADD CONSTRAINT user_cards_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES app_public.users(id) ON DELETE RESTRICT;

--
-- Name: users users_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.users
    ADD CONSTRAINT users_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: vouchers vouchers_buyer_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.vouchers
    ADD CONSTRAINT vouchers_buyer_id_fkey FOREIGN KEY (buyer_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: vouchers vouchers_guild_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.vouchers
    ADD CONSTRAINT vouchers_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES app_public.guilds(id) ON DELETE CASCADE;

--
-- Name: vouchers vouchers_order_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE ONLY app_public.vouchers
    ADD CONSTRAINT vouchers_order_id_fkey FOREIGN KEY (order_id) REFERENCES app_public.orders(order_id) ON DELETE CASCADE;

--
-- Name: job_runs; Type: ROW SECURITY; Schema: app_hidden; Owner: guildbank_owner
--

ALTER TABLE app_hidden.job_runs ENABLE ROW LEVEL SECURITY;

--
-- Name: fair_nonces; Type: ROW SECURITY; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE app_private.fair_nonces ENABLE ROW LEVEL SECURITY;

--
-- Name: fair_seed_secrets; Type: ROW SECURITY; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE app_private.fair_seed_secrets ENABLE ROW LEVEL SECURITY;

--
-- Name: idempotency_keys; Type: ROW SECURITY; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE app_private.idempotency_keys ENABLE ROW LEVEL SECURITY;

--
-- Name: session_rotated_tokens; Type: ROW SECURITY; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE app_private.session_rotated_tokens ENABLE ROW LEVEL SECURITY;

--
-- Name: sessions; Type: ROW SECURITY; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE app_private.sessions ENABLE ROW LEVEL SECURITY;

--
-- Name: stream_watchers; Type: ROW SECURITY; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE app_private.stream_watchers ENABLE ROW LEVEL SECURITY;

--
-- Name: webhook_nonces; Type: ROW SECURITY; Schema: app_private; Owner: guildbank_owner
--

ALTER TABLE app_private.webhook_nonces ENABLE ROW LEVEL SECURITY;

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
-- Name: announcements; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.announcements ENABLE ROW LEVEL SECURITY;

--
-- Name: announcements announcements_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY announcements_staff ON app_public.announcements FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: announcements announcements_staff_insert; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY announcements_staff_insert ON app_public.announcements FOR INSERT TO coins_staff WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: announcements announcements_staff_update; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY announcements_staff_update ON app_public.announcements FOR UPDATE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL) AND (status <> 'deleted'::text))) WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: artists; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.artists ENABLE ROW LEVEL SECURITY;

--
-- Name: artists artists_guild; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY artists_guild ON app_public.artists FOR SELECT TO coins_player, coins_staff USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: artists artists_staff_insert; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY artists_staff_insert ON app_public.artists FOR INSERT TO coins_staff WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: artists artists_staff_update; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY artists_staff_update ON app_public.artists FOR UPDATE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL))) WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: card_cooldown_roles; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.card_cooldown_roles ENABLE ROW LEVEL SECURITY;

--
-- Name: card_cooldown_roles card_cooldown_roles_guild; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_cooldown_roles_guild ON app_public.card_cooldown_roles FOR SELECT TO coins_player, coins_staff USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: card_cooldown_roles card_cooldown_roles_staff_delete; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_cooldown_roles_staff_delete ON app_public.card_cooldown_roles FOR DELETE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: card_cooldown_roles card_cooldown_roles_staff_insert; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_cooldown_roles_staff_insert ON app_public.card_cooldown_roles FOR INSERT TO coins_staff WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: card_cooldown_roles card_cooldown_roles_staff_update; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_cooldown_roles_staff_update ON app_public.card_cooldown_roles FOR UPDATE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL))) WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: card_cooldowns; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.card_cooldowns ENABLE ROW LEVEL SECURITY;

--
-- Name: card_cooldowns card_cooldowns_self; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_cooldowns_self ON app_public.card_cooldowns FOR SELECT TO coins_player USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (user_id = ( SELECT u.id
   FROM app_public.users u
  WHERE ((u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))))));

--
-- Name: card_cooldowns card_cooldowns_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_cooldowns_staff ON app_public.card_cooldowns FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: card_draws; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.card_draws ENABLE ROW LEVEL SECURITY;

--
-- Name: card_draws card_draws_guild; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_draws_guild ON app_public.card_draws FOR SELECT TO coins_player, coins_staff USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: card_events; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.card_events ENABLE ROW LEVEL SECURITY;

--
-- Name: card_events card_events_guild; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_events_guild ON app_public.card_events FOR SELECT TO coins_player, coins_staff USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: card_events card_events_staff_insert; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_events_staff_insert ON app_public.card_events FOR INSERT TO coins_staff WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: card_events card_events_staff_update; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_events_staff_update ON app_public.card_events FOR UPDATE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL))) WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: card_listings; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.card_listings ENABLE ROW LEVEL SECURITY;

--
-- Name: card_listings card_listings_guild; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_listings_guild ON app_public.card_listings FOR SELECT TO coins_player, coins_staff USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: card_notifications; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.card_notifications ENABLE ROW LEVEL SECURITY;

--
-- Name: card_notifications card_notifications_self; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_notifications_self ON app_public.card_notifications FOR SELECT TO coins_player USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (user_id = ( SELECT u.id
   FROM app_public.users u
  WHERE ((u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))))));

--
-- Name: card_notifications card_notifications_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_notifications_staff ON app_public.card_notifications FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: card_settings; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.card_settings ENABLE ROW LEVEL SECURITY;

--
-- Name: card_settings card_settings_guild; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_settings_guild ON app_public.card_settings FOR SELECT TO coins_player, coins_staff USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: card_settings card_settings_staff_update; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_settings_staff_update ON app_public.card_settings FOR UPDATE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL))) WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: card_templates; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.card_templates ENABLE ROW LEVEL SECURITY;

--
-- Name: card_templates card_templates_guild; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_templates_guild ON app_public.card_templates FOR SELECT TO coins_player, coins_staff USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: card_trade_items; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.card_trade_items ENABLE ROW LEVEL SECURITY;

--
-- Name: card_trade_items card_trade_items_parties; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_trade_items_parties ON app_public.card_trade_items FOR SELECT TO coins_player USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (EXISTS ( SELECT 1
   FROM app_public.card_trades t
  WHERE (t.id = card_trade_items.trade_id)))));

--
-- Name: card_trade_items card_trade_items_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_trade_items_staff ON app_public.card_trade_items FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: card_trades; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.card_trades ENABLE ROW LEVEL SECURITY;

--
-- Name: card_trades card_trades_parties; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_trades_parties ON app_public.card_trades FOR SELECT TO coins_player USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND ((( SELECT u.id
   FROM app_public.users u
  WHERE ((u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))) = proposer_id) OR (( SELECT u.id
   FROM app_public.users u
  WHERE ((u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))) = recipient_id))));

--
-- Name: card_trades card_trades_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_trades_staff ON app_public.card_trades FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: card_wishlists; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.card_wishlists ENABLE ROW LEVEL SECURITY;

--
-- Name: card_wishlists card_wishlists_self; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_wishlists_self ON app_public.card_wishlists FOR SELECT TO coins_player USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (user_id = ( SELECT u.id
   FROM app_public.users u
  WHERE ((u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))))));

--
-- Name: card_wishlists card_wishlists_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY card_wishlists_staff ON app_public.card_wishlists FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: currencies; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.currencies ENABLE ROW LEVEL SECURITY;

--
-- Name: currencies currencies_read; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY currencies_read ON app_public.currencies FOR SELECT TO coins_player, coins_staff, coins_listener, coins_worker USING (true);

--
-- Name: custom_commands; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.custom_commands ENABLE ROW LEVEL SECURITY;

--
-- Name: custom_commands custom_commands_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY custom_commands_staff ON app_public.custom_commands FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: custom_commands custom_commands_staff_delete; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY custom_commands_staff_delete ON app_public.custom_commands FOR DELETE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: custom_commands custom_commands_staff_insert; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY custom_commands_staff_insert ON app_public.custom_commands FOR INSERT TO coins_staff WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: custom_commands custom_commands_staff_update; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY custom_commands_staff_update ON app_public.custom_commands FOR UPDATE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL))) WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: daily_stats; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.daily_stats ENABLE ROW LEVEL SECURITY;

--
-- Name: daily_stats daily_stats_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY daily_stats_staff ON app_public.daily_stats FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: discord_messages; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.discord_messages ENABLE ROW LEVEL SECURITY;

--
-- Name: discord_messages discord_messages_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY discord_messages_staff ON app_public.discord_messages FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: economy_events; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.economy_events ENABLE ROW LEVEL SECURITY;

--
-- Name: economy_events economy_events_player; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY economy_events_player ON app_public.economy_events FOR SELECT TO coins_player USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: economy_events economy_events_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY economy_events_staff ON app_public.economy_events FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: era_images; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.era_images ENABLE ROW LEVEL SECURITY;

--
-- Name: era_images era_images_guild; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY era_images_guild ON app_public.era_images FOR SELECT TO coins_player, coins_staff USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: era_images era_images_staff_insert; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY era_images_staff_insert ON app_public.era_images FOR INSERT TO coins_staff WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: era_images era_images_staff_update; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY era_images_staff_update ON app_public.era_images FOR UPDATE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL))) WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: eras; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.eras ENABLE ROW LEVEL SECURITY;

--
-- Name: eras eras_guild; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY eras_guild ON app_public.eras FOR SELECT TO coins_player, coins_staff USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: eras eras_staff_insert; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY eras_staff_insert ON app_public.eras FOR INSERT TO coins_staff WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: eras eras_staff_update; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY eras_staff_update ON app_public.eras FOR UPDATE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL))) WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: fair_seeds; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.fair_seeds ENABLE ROW LEVEL SECURITY;

--
-- Name: fair_seeds fair_seeds_guild; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY fair_seeds_guild ON app_public.fair_seeds FOR SELECT TO coins_player, coins_staff USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: guild_discord; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.guild_discord ENABLE ROW LEVEL SECURITY;

--
-- Name: guild_discord guild_discord_own; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY guild_discord_own ON app_public.guild_discord FOR SELECT TO coins_player, coins_staff USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

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
-- Name: inventory; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.inventory ENABLE ROW LEVEL SECURITY;

--
-- Name: inventory inventory_self; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY inventory_self ON app_public.inventory FOR SELECT TO coins_player USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (user_id = ( SELECT u.id
   FROM app_public.users u
  WHERE ((u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))))));

--
-- Name: inventory inventory_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY inventory_staff ON app_public.inventory FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: leaderboard_snapshots; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.leaderboard_snapshots ENABLE ROW LEVEL SECURITY;

--
-- Name: leaderboard_snapshots leaderboard_snapshots_guild; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY leaderboard_snapshots_guild ON app_public.leaderboard_snapshots FOR SELECT TO coins_player, coins_staff USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: listings; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.listings ENABLE ROW LEVEL SECURITY;

--
-- Name: listings listings_guild; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY listings_guild ON app_public.listings FOR SELECT TO coins_player, coins_staff USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: minecraft_links; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.minecraft_links ENABLE ROW LEVEL SECURITY;

--
-- Name: minecraft_links minecraft_links_self; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY minecraft_links_self ON app_public.minecraft_links FOR SELECT TO coins_player USING (((guild_id = app_public.current_guild_id()) AND (user_id = ( SELECT u.id
   FROM app_public.users u
  WHERE ((u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))))));

--
-- Name: minecraft_links minecraft_links_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY minecraft_links_staff ON app_public.minecraft_links FOR SELECT TO coins_staff USING (((guild_id = app_public.current_guild_id()) AND (app_public.current_staff_role() IS NOT NULL)));

--
-- Name: minecraft_payments; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.minecraft_payments ENABLE ROW LEVEL SECURITY;

--
-- Name: minecraft_payments minecraft_payments_self; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY minecraft_payments_self ON app_public.minecraft_payments FOR SELECT TO coins_player USING (((guild_id = app_public.current_guild_id()) AND (user_id = ( SELECT u.id
   FROM app_public.users u
  WHERE ((u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))))));

--
-- Name: minecraft_payments minecraft_payments_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY minecraft_payments_staff ON app_public.minecraft_payments FOR SELECT TO coins_staff USING (((guild_id = app_public.current_guild_id()) AND (app_public.current_staff_role() IS NOT NULL)));

--
-- Name: minecraft_payouts; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.minecraft_payouts ENABLE ROW LEVEL SECURITY;

--
-- Name: minecraft_payouts minecraft_payouts_self; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY minecraft_payouts_self ON app_public.minecraft_payouts FOR SELECT TO coins_player USING (((guild_id = app_public.current_guild_id()) AND (user_id = ( SELECT u.id
   FROM app_public.users u
  WHERE ((u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))))));

--
-- Name: minecraft_payouts minecraft_payouts_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY minecraft_payouts_staff ON app_public.minecraft_payouts FOR SELECT TO coins_staff USING (((guild_id = app_public.current_guild_id()) AND (app_public.current_staff_role() IS NOT NULL)));

--
-- Name: ops_alerts; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.ops_alerts ENABLE ROW LEVEL SECURITY;

--
-- Name: ops_alerts ops_alerts_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY ops_alerts_staff ON app_public.ops_alerts FOR SELECT TO coins_staff USING ((((guild_id IS NULL) OR (guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id))) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: order_lines; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.order_lines ENABLE ROW LEVEL SECURITY;

--
-- Name: order_lines order_lines_party; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY order_lines_party ON app_public.order_lines FOR SELECT TO coins_player, coins_staff USING ((EXISTS ( SELECT 1
   FROM app_public.orders o
  WHERE (o.order_id = order_lines.order_id))));

--
-- Name: orders; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.orders ENABLE ROW LEVEL SECURITY;

--
-- Name: orders orders_party; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY orders_party ON app_public.orders FOR SELECT TO coins_player USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND ((( SELECT u.id
   FROM app_public.users u
  WHERE ((u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))) = buyer_id) OR (( SELECT u.id
   FROM app_public.users u
  WHERE ((u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))) = seller_id))));

--
-- Name: orders orders_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY orders_staff ON app_public.orders FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: pack_costs; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.pack_costs ENABLE ROW LEVEL SECURITY;

--
-- Name: pack_costs pack_costs_guild; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY pack_costs_guild ON app_public.pack_costs FOR SELECT TO coins_player, coins_staff USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: pack_costs pack_costs_staff_delete; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY pack_costs_staff_delete ON app_public.pack_costs FOR DELETE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: pack_costs pack_costs_staff_insert; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY pack_costs_staff_insert ON app_public.pack_costs FOR INSERT TO coins_staff WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: pack_openings; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.pack_openings ENABLE ROW LEVEL SECURITY;

--
-- Name: pack_openings pack_openings_self; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY pack_openings_self ON app_public.pack_openings FOR SELECT TO coins_player USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (user_id = ( SELECT u.id
   FROM app_public.users u
  WHERE ((u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))))));

--
-- Name: pack_openings pack_openings_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY pack_openings_staff ON app_public.pack_openings FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: pack_types; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.pack_types ENABLE ROW LEVEL SECURITY;

--
-- Name: pack_types pack_types_guild; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY pack_types_guild ON app_public.pack_types FOR SELECT TO coins_player, coins_staff USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: pack_types pack_types_staff_insert; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY pack_types_staff_insert ON app_public.pack_types FOR INSERT TO coins_staff WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: pack_types pack_types_staff_update; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY pack_types_staff_update ON app_public.pack_types FOR UPDATE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL))) WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: pricing_config; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.pricing_config ENABLE ROW LEVEL SECURITY;

--
-- Name: pricing_history; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.pricing_history ENABLE ROW LEVEL SECURITY;

--
-- Name: pricing_history pricing_history_guild; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY pricing_history_guild ON app_public.pricing_history FOR SELECT TO coins_player, coins_staff USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: pricing_config pricing_read; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY pricing_read ON app_public.pricing_config FOR SELECT TO coins_player, coins_staff USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: pricing_config pricing_staff_update; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY pricing_staff_update ON app_public.pricing_config FOR UPDATE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL))) WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: quest_attempts; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.quest_attempts ENABLE ROW LEVEL SECURITY;

--
-- Name: quest_attempts quest_attempts_self; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY quest_attempts_self ON app_public.quest_attempts FOR SELECT TO coins_player USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (user_id = ( SELECT u.id
   FROM app_public.users u
  WHERE ((u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))))));

--
-- Name: quest_attempts quest_attempts_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY quest_attempts_staff ON app_public.quest_attempts FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: quests; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.quests ENABLE ROW LEVEL SECURITY;

--
-- Name: quests quests_player; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY quests_player ON app_public.quests FOR SELECT TO coins_player USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND active AND ((starts_at IS NULL) OR (starts_at <= now())) AND ((ends_at IS NULL) OR (ends_at > now()))));

--
-- Name: quests quests_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY quests_staff ON app_public.quests FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: quests quests_staff_delete; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY quests_staff_delete ON app_public.quests FOR DELETE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: quests quests_staff_insert; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY quests_staff_insert ON app_public.quests FOR INSERT TO coins_staff WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: quests quests_staff_update; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY quests_staff_update ON app_public.quests FOR UPDATE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL))) WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: rewards; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.rewards ENABLE ROW LEVEL SECURITY;

--
-- Name: rewards rewards_player; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY rewards_player ON app_public.rewards FOR SELECT TO coins_player USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND visible));

--
-- Name: rewards rewards_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY rewards_staff ON app_public.rewards FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: rewards rewards_staff_delete; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY rewards_staff_delete ON app_public.rewards FOR DELETE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: rewards rewards_staff_insert; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY rewards_staff_insert ON app_public.rewards FOR INSERT TO coins_staff WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: rewards rewards_staff_update; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY rewards_staff_update ON app_public.rewards FOR UPDATE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL))) WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: saved_embeds; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.saved_embeds ENABLE ROW LEVEL SECURITY;

--
-- Name: saved_embeds saved_embeds_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY saved_embeds_staff ON app_public.saved_embeds FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: saved_embeds saved_embeds_staff_delete; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY saved_embeds_staff_delete ON app_public.saved_embeds FOR DELETE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: saved_embeds saved_embeds_staff_insert; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY saved_embeds_staff_insert ON app_public.saved_embeds FOR INSERT TO coins_staff WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: saved_embeds saved_embeds_staff_update; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY saved_embeds_staff_update ON app_public.saved_embeds FOR UPDATE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL))) WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: guild_settings settings_own; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY settings_own ON app_public.guild_settings FOR SELECT TO coins_player, coins_staff USING ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: guild_settings settings_staff_update; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY settings_staff_update ON app_public.guild_settings FOR UPDATE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL))) WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: staff_role_mappings; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.staff_role_mappings ENABLE ROW LEVEL SECURITY;

--
-- Name: staff_role_mappings staff_role_mappings_delete; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY staff_role_mappings_delete ON app_public.staff_role_mappings FOR DELETE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: staff_role_mappings staff_role_mappings_insert; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY staff_role_mappings_insert ON app_public.staff_role_mappings FOR INSERT TO coins_staff WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: staff_role_mappings staff_role_mappings_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY staff_role_mappings_staff ON app_public.staff_role_mappings FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: staff_role_mappings staff_role_mappings_update; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY staff_role_mappings_update ON app_public.staff_role_mappings FOR UPDATE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL))) WITH CHECK ((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)));

--
-- Name: task_claims; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.task_claims ENABLE ROW LEVEL SECURITY;

--
-- Name: task_claims task_claims_self; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY task_claims_self ON app_public.task_claims FOR SELECT TO coins_player USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (user_id = ( SELECT u.id
   FROM app_public.users u
  WHERE ((u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))))));

--
-- Name: task_claims task_claims_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY task_claims_staff ON app_public.task_claims FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: tasks; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.tasks ENABLE ROW LEVEL SECURITY;

--
-- Name: tasks tasks_player; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY tasks_player ON app_public.tasks FOR SELECT TO coins_player USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (status <> 'deleted'::text)));

--
-- Name: tasks tasks_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY tasks_staff ON app_public.tasks FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

--
-- Name: tasks tasks_staff_insert; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY tasks_staff_insert ON app_public.tasks FOR INSERT TO coins_staff WITH CHECK (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (status = ANY (ARRAY['active'::text, 'closed'::text]))));

--
-- Name: tasks tasks_staff_update; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY tasks_staff_update ON app_public.tasks FOR UPDATE TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL) AND (status <> 'deleted'::text))) WITH CHECK (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (status <> 'deleted'::text)));

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
-- Name: user_cards; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.user_cards ENABLE ROW LEVEL SECURITY;

--
-- Name: user_cards user_cards_public; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY user_cards_public ON app_public.user_cards FOR SELECT TO coins_player USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (owner_id IS NOT NULL) AND ( SELECT s.inventory_public
   FROM app_public.card_settings s
  WHERE (s.guild_id = app_public.current_guild_id()))));

--
-- Name: user_cards user_cards_self; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY user_cards_self ON app_public.user_cards FOR SELECT TO coins_player USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (owner_id = ( SELECT u.id
   FROM app_public.users u
  WHERE ((u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))))));

--
-- Name: user_cards user_cards_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY user_cards_staff ON app_public.user_cards FOR SELECT TO coins_staff USING (((guild_id = ( SELECT app_public.current_guild_id() AS current_guild_id)) AND (( SELECT app_public.current_staff_role() AS current_staff_role) IS NOT NULL)));

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
-- Name: vouchers; Type: ROW SECURITY; Schema: app_public; Owner: guildbank_owner
--

ALTER TABLE app_public.vouchers ENABLE ROW LEVEL SECURITY;

--
-- Name: vouchers vouchers_self; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY vouchers_self ON app_public.vouchers FOR SELECT TO coins_player USING (((guild_id = app_public.current_guild_id()) AND (buyer_id = ( SELECT u.id
   FROM app_public.users u
  WHERE ((u.guild_id = app_public.current_guild_id()) AND (u.discord_id = app_public.current_discord_id()))))));

--
-- Name: vouchers vouchers_staff; Type: POLICY; Schema: app_public; Owner: guildbank_owner
--

CREATE POLICY vouchers_staff ON app_public.vouchers FOR SELECT TO coins_staff USING (((guild_id = app_public.current_guild_id()) AND (app_public.current_staff_role() IS NOT NULL)));

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
-- Name: FUNCTION alert_for_notification(p_alert_id bigint); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.alert_for_notification(p_alert_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.alert_for_notification(p_alert_id bigint) TO coins_worker;

--
-- Name: FUNCTION alerts_since(p_cursor text, p_backlog integer); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.alerts_since(p_cursor text, p_backlog integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.alerts_since(p_cursor text, p_backlog integer) TO coins_staff;

--
-- Name: FUNCTION claim_webhook_nonce(p_endpoint text, p_nonce text, p_signed_at timestamp with time zone, p_window_s integer); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.claim_webhook_nonce(p_endpoint text, p_nonce text, p_signed_at timestamp with time zone, p_window_s integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.claim_webhook_nonce(p_endpoint text, p_nonce text, p_signed_at timestamp with time zone, p_window_s integer) TO coins_listener;

--
-- Name: TABLE minecraft_payouts; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.minecraft_payouts TO coins_player;
GRANT SELECT ON TABLE app_public.minecraft_payouts TO coins_staff;

--
-- Name: FUNCTION confirm_payout(p_ign text, p_amount bigint, p_line text, p_seen_at timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.confirm_payout(p_ign text, p_amount bigint, p_line text, p_seen_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.confirm_payout(p_ign text, p_amount bigint, p_line text, p_seen_at timestamp with time zone) TO coins_listener;

--
-- Name: FUNCTION daily_digest(p_day date); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.daily_digest(p_day date) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.daily_digest(p_day date) TO coins_worker;

--
-- Name: FUNCTION discord_announcement(p_announcement_id bigint); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.discord_announcement(p_announcement_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.discord_announcement(p_announcement_id bigint) TO coins_worker;

--
-- Name: FUNCTION discord_digest(p_guild_id bigint, p_day date); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.discord_digest(p_guild_id bigint, p_day date) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.discord_digest(p_guild_id bigint, p_day date) TO coins_worker;

--
-- Name: FUNCTION discord_feed_entry(p_tx_id uuid); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.discord_feed_entry(p_tx_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.discord_feed_entry(p_tx_id uuid) TO coins_worker;

--
-- Name: FUNCTION discord_guild(p_guild_id bigint); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.discord_guild(p_guild_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.discord_guild(p_guild_id bigint) TO coins_worker;

--
-- Name: FUNCTION discord_leaderboard(p_guild_id bigint); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.discord_leaderboard(p_guild_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.discord_leaderboard(p_guild_id bigint) TO coins_worker;

--
-- Name: FUNCTION discord_listing(p_listing_id uuid); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.discord_listing(p_listing_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.discord_listing(p_listing_id uuid) TO coins_worker;

--
-- Name: FUNCTION discord_message(p_guild_id bigint, p_type text, p_subject text); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.discord_message(p_guild_id bigint, p_type text, p_subject text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.discord_message(p_guild_id bigint, p_type text, p_subject text) TO coins_worker;

--
-- Name: FUNCTION discord_reward(p_guild_id bigint, p_sku text); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.discord_reward(p_guild_id bigint, p_sku text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.discord_reward(p_guild_id bigint, p_sku text) TO coins_worker;

--
-- Name: FUNCTION discord_staff_role_ids(p_guild_id bigint); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.discord_staff_role_ids(p_guild_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.discord_staff_role_ids(p_guild_id bigint) TO coins_worker;

--
-- Name: FUNCTION discord_task(p_task_id bigint); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.discord_task(p_task_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.discord_task(p_task_id bigint) TO coins_worker;

--
-- Name: FUNCTION discord_task_claim(p_claim_id bigint); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.discord_task_claim(p_claim_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.discord_task_claim(p_claim_id bigint) TO coins_worker;

--
-- Name: FUNCTION embed_valid(p_embed jsonb); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.embed_valid(p_embed jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.embed_valid(p_embed jsonb) TO coins_staff;

--
-- Name: FUNCTION expire_card_listings(p_at timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.expire_card_listings(p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.expire_card_listings(p_at timestamp with time zone) TO coins_worker;

--
-- Name: FUNCTION expire_card_trades(p_at timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.expire_card_trades(p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.expire_card_trades(p_at timestamp with time zone) TO coins_worker;

--
-- Name: FUNCTION expire_listings(p_at timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.expire_listings(p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.expire_listings(p_at timestamp with time zone) TO coins_worker;

--
-- Name: FUNCTION expire_tasks(p_at timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.expire_tasks(p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.expire_tasks(p_at timestamp with time zone) TO coins_worker;

--
-- Name: FUNCTION expire_temporary_cards(p_at timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.expire_temporary_cards(p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.expire_temporary_cards(p_at timestamp with time zone) TO coins_worker;

--
-- Name: FUNCTION fail_stale_payouts(p_timeout_s integer, p_at timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.fail_stale_payouts(p_timeout_s integer, p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.fail_stale_payouts(p_timeout_s integer, p_at timestamp with time zone) TO coins_listener;

--
-- Name: TABLE orders; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.orders TO coins_player;
GRANT SELECT ON TABLE app_public.orders TO coins_staff;

--
-- Name: FUNCTION fulfil_order(p_order_id uuid, p_delivery_ref text); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.fulfil_order(p_order_id uuid, p_delivery_ref text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.fulfil_order(p_order_id uuid, p_delivery_ref text) TO coins_worker;

--
-- Name: TABLE vouchers; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.vouchers TO coins_player;

--
-- Name: COLUMN vouchers.order_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(order_id) ON TABLE app_public.vouchers TO coins_staff;

--
-- Name: COLUMN vouchers.guild_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(guild_id) ON TABLE app_public.vouchers TO coins_staff;

--
-- Name: COLUMN vouchers.buyer_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(buyer_id) ON TABLE app_public.vouchers TO coins_staff;

--
-- Name: COLUMN vouchers.status; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(status) ON TABLE app_public.vouchers TO coins_staff;

--
-- Name: COLUMN vouchers.issued_at; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(issued_at) ON TABLE app_public.vouchers TO coins_staff;

--
-- Name: COLUMN vouchers.expires_at; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(expires_at) ON TABLE app_public.vouchers TO coins_staff;

--
-- Name: COLUMN vouchers.redeemed_at; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(redeemed_at) ON TABLE app_public.vouchers TO coins_staff;

--
-- Name: COLUMN vouchers.redeemed_by; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(redeemed_by) ON TABLE app_public.vouchers TO coins_staff;

--
-- Name: COLUMN vouchers.voided_at; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(voided_at) ON TABLE app_public.vouchers TO coins_staff;

--
-- Name: FUNCTION issue_voucher(p_order_id uuid); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.issue_voucher(p_order_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.issue_voucher(p_order_id uuid) TO coins_worker;

--
-- Name: FUNCTION leaderboard_schedules(); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.leaderboard_schedules() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.leaderboard_schedules() TO coins_worker;

--
-- Name: FUNCTION ledger_health(); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.ledger_health() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.ledger_health() TO coins_worker;

--
-- Name: FUNCTION mark_discord_channel_missing(p_guild_id bigint, p_channel text, p_channel_id bigint, p_error text); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.mark_discord_channel_missing(p_guild_id bigint, p_channel text, p_channel_id bigint, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.mark_discord_channel_missing(p_guild_id bigint, p_channel text, p_channel_id bigint, p_error text) TO coins_worker;

--
-- Name: FUNCTION order_for_fulfilment(p_order_id uuid); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.order_for_fulfilment(p_order_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.order_for_fulfilment(p_order_id uuid) TO coins_worker;

--
-- Name: FUNCTION order_minecraft_player(p_order_id uuid); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.order_minecraft_player(p_order_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.order_minecraft_player(p_order_id uuid) TO coins_worker;

--
-- Name: FUNCTION payout_begin(p_payout_id bigint); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.payout_begin(p_payout_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.payout_begin(p_payout_id bigint) TO coins_listener;

--
-- Name: FUNCTION payout_unconfirmed(p_payout_id bigint, p_reason text); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.payout_unconfirmed(p_payout_id bigint, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.payout_unconfirmed(p_payout_id bigint, p_reason text) TO coins_listener;

--
-- Name: FUNCTION pricing_rollup(p_at timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.pricing_rollup(p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.pricing_rollup(p_at timestamp with time zone) TO coins_worker;

--
-- Name: FUNCTION publish_due_announcements(p_at timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.publish_due_announcements(p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.publish_due_announcements(p_at timestamp with time zone) TO coins_worker;

--
-- Name: FUNCTION purge_expired(p_at timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.purge_expired(p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.purge_expired(p_at timestamp with time zone) TO coins_worker;

--
-- Name: FUNCTION queue_depth(); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.queue_depth() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.queue_depth() TO coins_worker;

--
-- Name: TABLE ops_alerts; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.ops_alerts TO coins_staff;

--
-- Name: FUNCTION raise_alert(p_guild_id bigint, p_severity app_public.alert_severity, p_kind text, p_message text, p_detail jsonb); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.raise_alert(p_guild_id bigint, p_severity app_public.alert_severity, p_kind text, p_message text, p_detail jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.raise_alert(p_guild_id bigint, p_severity app_public.alert_severity, p_kind text, p_message text, p_detail jsonb) TO coins_worker;

--
-- Name: FUNCTION record_announcement_message(p_announcement_id bigint, p_message bigint, p_state text, p_pinned boolean, p_seen timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.record_announcement_message(p_announcement_id bigint, p_message bigint, p_state text, p_pinned boolean, p_seen timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.record_announcement_message(p_announcement_id bigint, p_message bigint, p_state text, p_pinned boolean, p_seen timestamp with time zone) TO coins_worker;

--
-- Name: FUNCTION record_discord_message(p_guild_id bigint, p_type text, p_subject text, p_channel bigint, p_message bigint); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.record_discord_message(p_guild_id bigint, p_type text, p_subject text, p_channel bigint, p_message bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.record_discord_message(p_guild_id bigint, p_type text, p_subject text, p_channel bigint, p_message bigint) TO coins_worker;

--
-- Name: FUNCTION record_fulfilment_failure(p_order_id uuid, p_error text, p_final boolean); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.record_fulfilment_failure(p_order_id uuid, p_error text, p_final boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.record_fulfilment_failure(p_order_id uuid, p_error text, p_final boolean) TO coins_worker;

--
-- Name: TABLE guilds; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.guilds TO coins_player;
GRANT SELECT ON TABLE app_public.guilds TO coins_staff;

--
-- Name: FUNCTION record_guild(p_guild_id bigint, p_name text, p_owner_id bigint); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.record_guild(p_guild_id bigint, p_name text, p_owner_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.record_guild(p_guild_id bigint, p_name text, p_owner_id bigint) TO coins_worker;

--
-- Name: FUNCTION record_job_run(p_task text, p_outcome jsonb); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.record_job_run(p_task text, p_outcome jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.record_job_run(p_task text, p_outcome jsonb) TO coins_worker;

--
-- Name: TABLE minecraft_payments; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.minecraft_payments TO coins_player;
GRANT SELECT ON TABLE app_public.minecraft_payments TO coins_staff;

--
-- Name: FUNCTION record_payment(p_payer_ign text, p_amount bigint, p_raw_line text, p_seen_at timestamp with time zone, p_source text, p_delivery_key text); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.record_payment(p_payer_ign text, p_amount bigint, p_raw_line text, p_seen_at timestamp with time zone, p_source text, p_delivery_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.record_payment(p_payer_ign text, p_amount bigint, p_raw_line text, p_seen_at timestamp with time zone, p_source text, p_delivery_key text) TO coins_listener;

--
-- Name: FUNCTION record_reward_sync(p_guild_id bigint, p_sku text, p_state text, p_seen timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.record_reward_sync(p_guild_id bigint, p_sku text, p_state text, p_seen timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.record_reward_sync(p_guild_id bigint, p_sku text, p_state text, p_seen timestamp with time zone) TO coins_worker;

--
-- Name: FUNCTION record_task_delivery(p_claim_id bigint, p_kind text, p_status text, p_error text); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.record_task_delivery(p_claim_id bigint, p_kind text, p_status text, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.record_task_delivery(p_claim_id bigint, p_kind text, p_status text, p_error text) TO coins_worker;

--
-- Name: FUNCTION record_task_message(p_task_id bigint, p_channel bigint, p_message bigint, p_state text, p_seen timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.record_task_message(p_task_id bigint, p_channel bigint, p_message bigint, p_state text, p_seen timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.record_task_message(p_task_id bigint, p_channel bigint, p_message bigint, p_state text, p_seen timestamp with time zone) TO coins_worker;

--
-- Name: FUNCTION record_task_review_message(p_claim_id bigint, p_channel bigint, p_message bigint); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.record_task_review_message(p_claim_id bigint, p_channel bigint, p_message bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.record_task_review_message(p_claim_id bigint, p_channel bigint, p_message bigint) TO coins_worker;

--
-- Name: FUNCTION redeem_voucher(p_code uuid, p_redeemed_by text, p_at timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.redeem_voucher(p_code uuid, p_redeemed_by text, p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.redeem_voucher(p_code uuid, p_redeemed_by text, p_at timestamp with time zone) TO coins_listener;

--
-- Name: FUNCTION refresh_leaderboard(p_guild_id bigint, p_at timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.refresh_leaderboard(p_guild_id bigint, p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.refresh_leaderboard(p_guild_id bigint, p_at timestamp with time zone) TO coins_worker;

--
-- Name: FUNCTION refund_expired_orders(p_at timestamp with time zone, p_limit integer); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.refund_expired_orders(p_at timestamp with time zone, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.refund_expired_orders(p_at timestamp with time zone, p_limit integer) TO coins_worker;

--
-- Name: FUNCTION refund_undeliverable_order(p_order_id uuid, p_error text); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.refund_undeliverable_order(p_order_id uuid, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.refund_undeliverable_order(p_order_id uuid, p_error text) TO coins_worker;

--
-- Name: FUNCTION requeue_reward_sync(p_at timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.requeue_reward_sync(p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.requeue_reward_sync(p_at timestamp with time zone) TO coins_worker;

--
-- Name: FUNCTION requeue_task_sync(p_at timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.requeue_task_sync(p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.requeue_task_sync(p_at timestamp with time zone) TO coins_worker;

--
-- Name: FUNCTION resolve_staff_role(p_guild_id bigint, p_discord_id bigint, p_role_ids bigint[]); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.resolve_staff_role(p_guild_id bigint, p_discord_id bigint, p_role_ids bigint[]) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.resolve_staff_role(p_guild_id bigint, p_discord_id bigint, p_role_ids bigint[]) TO coins_anonymous;
GRANT ALL ON FUNCTION app_hidden.resolve_staff_role(p_guild_id bigint, p_discord_id bigint, p_role_ids bigint[]) TO coins_worker;

--
-- Name: FUNCTION save_discord_setup(p_guild_id bigint, p_hub_channel bigint, p_leaderboard_channel bigint, p_shop_channel bigint, p_transactions_channel bigint, p_hub_message bigint, p_leaderboard_message bigint); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.save_discord_setup(p_guild_id bigint, p_hub_channel bigint, p_leaderboard_channel bigint, p_shop_channel bigint, p_transactions_channel bigint, p_hub_message bigint, p_leaderboard_message bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.save_discord_setup(p_guild_id bigint, p_hub_channel bigint, p_leaderboard_channel bigint, p_shop_channel bigint, p_transactions_channel bigint, p_hub_message bigint, p_leaderboard_message bigint) TO coins_worker;

--
-- Name: FUNCTION transactions_since(p_cursor text, p_backlog integer); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.transactions_since(p_cursor text, p_backlog integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.transactions_since(p_cursor text, p_backlog integer) TO coins_player;
GRANT ALL ON FUNCTION app_hidden.transactions_since(p_cursor text, p_backlog integer) TO coins_staff;

--
-- Name: FUNCTION valid_limits(p jsonb); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.valid_limits(p jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.valid_limits(p jsonb) TO coins_staff;

--
-- Name: FUNCTION verify_ledger_and_alert(); Type: ACL; Schema: app_hidden; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_hidden.verify_ledger_and_alert() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.verify_ledger_and_alert() TO coins_worker;

--
-- Name: TABLE economy_events; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.economy_events TO coins_player;
GRANT SELECT ON TABLE app_public.economy_events TO coins_staff;

--
-- Name: FUNCTION active_event(p_guild_id bigint, p_kind text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.active_event(p_guild_id bigint, p_kind text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: TABLE admin_actions; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.admin_actions TO coins_staff;

--
-- Name: FUNCTION admin_adjust_by(p_actor_id bigint, p_actor_role app_public.staff_role, p_user_id bigint, p_delta bigint, p_reason text, p_key text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.admin_adjust_by(p_actor_id bigint, p_actor_role app_public.staff_role, p_user_id bigint, p_delta bigint, p_reason text, p_key text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION answer_quest_for(p_user_id bigint, p_quest_id bigint, p_answer text, p_key text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.answer_quest_for(p_user_id bigint, p_quest_id bigint, p_answer text, p_key text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: TABLE user_cards; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.user_cards TO coins_player;
GRANT SELECT ON TABLE app_public.user_cards TO coins_staff;

--
-- Name: FUNCTION burn_card_for(p_user_id bigint, p_card_id bigint, p_key text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.burn_card_for(p_user_id bigint, p_card_id bigint, p_key text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: TABLE card_listings; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.card_listings TO coins_player;
GRANT SELECT ON TABLE app_public.card_listings TO coins_staff;

--
-- Name: FUNCTION buy_card_for(p_user_id bigint, p_listing_id uuid, p_key text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.buy_card_for(p_user_id bigint, p_listing_id uuid, p_key text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION buy_listing_for(p_user_id bigint, p_listing_id uuid, p_qty integer, p_key text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.buy_listing_for(p_user_id bigint, p_listing_id uuid, p_qty integer, p_key text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION buy_reward_for(p_user_id bigint, p_sku text, p_qty integer, p_key text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.buy_reward_for(p_user_id bigint, p_sku text, p_qty integer, p_key text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION card_audit(p_guild_id bigint, p_action text, p_subject_type text, p_subject_id text, p_before jsonb, p_after jsonb, p_reason text); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.card_audit(p_guild_id bigint, p_action text, p_subject_type text, p_subject_id text, p_before jsonb, p_after jsonb, p_reason text) FROM PUBLIC;

--
-- Name: FUNCTION card_cooldown(p_user_id bigint, p_command text, p_base_s integer, p_role_ids bigint[], p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.card_cooldown(p_user_id bigint, p_command text, p_base_s integer, p_role_ids bigint[], p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION card_currency(p_guild_id bigint, p_currency text); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.card_currency(p_guild_id bigint, p_currency text) FROM PUBLIC;

--
-- Name: FUNCTION card_for_change(p_user_id bigint, p_card_id bigint); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.card_for_change(p_user_id bigint, p_card_id bigint) FROM PUBLIC;

--
-- Name: FUNCTION check_ign(p_ign text); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.check_ign(p_ign text) FROM PUBLIC;

--
-- Name: FUNCTION check_quantity(p_qty integer); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.check_quantity(p_qty integer) FROM PUBLIC;

--
-- Name: FUNCTION claim_daily_for(p_user_id bigint, p_key text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.claim_daily_for(p_user_id bigint, p_key text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: TABLE task_claims; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.task_claims TO coins_player;
GRANT SELECT ON TABLE app_public.task_claims TO coins_staff;

--
-- Name: FUNCTION claim_task_for(p_user_id bigint, p_task_id bigint, p_role_ids bigint[], p_key text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.claim_task_for(p_user_id bigint, p_task_id bigint, p_role_ids bigint[], p_key text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: TABLE listings; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.listings TO coins_player;
GRANT SELECT ON TABLE app_public.listings TO coins_staff;

--
-- Name: FUNCTION close_listing(p_listing_id uuid, p_status app_public.listing_status, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.close_listing(p_listing_id uuid, p_status app_public.listing_status, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION close_session(p_token_hash bytea); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.close_session(p_token_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.close_session(p_token_hash bytea) TO guildbank_authenticator;

--
-- Name: TABLE card_trades; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.card_trades TO coins_player;
GRANT SELECT ON TABLE app_public.card_trades TO coins_staff;

--
-- Name: FUNCTION confirm_trade_for(p_user_id bigint, p_trade_id uuid, p_version integer, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.confirm_trade_for(p_user_id bigint, p_trade_id uuid, p_version integer, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION create_listing_for(p_user_id bigint, p_sku text, p_qty integer, p_unit_price bigint, p_expires_in_hours integer, p_min_per_buyer integer, p_max_per_buyer integer, p_key text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.create_listing_for(p_user_id bigint, p_sku text, p_qty integer, p_unit_price bigint, p_expires_in_hours integer, p_min_per_buyer integer, p_max_per_buyer integer, p_key text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION current_discord_role_ids(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.current_discord_role_ids() FROM PUBLIC;

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
-- Name: FUNCTION draw_card_for(p_user_id bigint, p_pack text, p_currency text, p_role_ids bigint[], p_key text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.draw_card_for(p_user_id bigint, p_pack text, p_currency text, p_role_ids bigint[], p_key text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: TABLE card_draws; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.card_draws TO coins_player;
GRANT SELECT ON TABLE app_public.card_draws TO coins_staff;

--
-- Name: FUNCTION draw_cards(p_user_id bigint, p_pack_type_id bigint, p_count integer, p_opening_id uuid, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.draw_cards(p_user_id bigint, p_pack_type_id bigint, p_count integer, p_opening_id uuid, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION ensure_card_catalogue(p_guild_id bigint); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.ensure_card_catalogue(p_guild_id bigint) FROM PUBLIC;

--
-- Name: FUNCTION ensure_guild(p_guild_id bigint, p_name text); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.ensure_guild(p_guild_id bigint, p_name text) FROM PUBLIC;

--
-- Name: FUNCTION ensure_member(p_guild_id bigint, p_discord_id bigint, p_display_name text, p_is_bot boolean); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.ensure_member(p_guild_id bigint, p_discord_id bigint, p_display_name text, p_is_bot boolean) FROM PUBLIC;

--
-- Name: FUNCTION execute_trade(p_trade_id uuid, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.execute_trade(p_trade_id uuid, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION fair_seed_for(p_guild_id bigint, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.fair_seed_for(p_guild_id bigint, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION fulfil_order_core(p_order_id uuid, p_actor_id bigint, p_reason text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.fulfil_order_core(p_order_id uuid, p_actor_id bigint, p_reason text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION give_from(p_from_user_id bigint, p_to_discord_id bigint, p_amount bigint, p_key text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.give_from(p_from_user_id bigint, p_to_discord_id bigint, p_amount bigint, p_key text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION guild_account(p_guild_id bigint, p_kind app_public.account_kind); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.guild_account(p_guild_id bigint, p_kind app_public.account_kind) FROM PUBLIC;

--
-- Name: FUNCTION hmac_sha256(p_key bytea, p_message bytea); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.hmac_sha256(p_key bytea, p_message bytea) FROM PUBLIC;

--
-- Name: FUNCTION hold(p_guild_id bigint, p_user_id bigint, p_amount bigint, p_reason text, p_timeout_at timestamp with time zone, p_tx_id uuid, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.hold(p_guild_id bigint, p_user_id bigint, p_amount bigint, p_reason text, p_timeout_at timestamp with time zone, p_tx_id uuid, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION http_request_begin(p_guild_id bigint, p_actor_id bigint, p_key text, p_request_hash bytea); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.http_request_begin(p_guild_id bigint, p_actor_id bigint, p_key text, p_request_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.http_request_begin(p_guild_id bigint, p_actor_id bigint, p_key text, p_request_hash bytea) TO guildbank_authenticator;

--
-- Name: FUNCTION http_request_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_status integer, p_body text, p_content_type text); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.http_request_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_status integer, p_body text, p_content_type text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.http_request_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_status integer, p_body text, p_content_type text) TO guildbank_authenticator;

--
-- Name: FUNCTION idempotency_begin(p_guild_id bigint, p_actor_id bigint, p_key text, p_request jsonb); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.idempotency_begin(p_guild_id bigint, p_actor_id bigint, p_key text, p_request jsonb) FROM PUBLIC;

--
-- Name: FUNCTION idempotency_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_result jsonb); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.idempotency_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_result jsonb) FROM PUBLIC;

--
-- Name: FUNCTION inventory_add(p_user_id bigint, p_sku text, p_qty integer); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.inventory_add(p_user_id bigint, p_sku text, p_qty integer) FROM PUBLIC;

--
-- Name: FUNCTION inventory_take(p_user_id bigint, p_sku text, p_qty integer); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.inventory_take(p_user_id bigint, p_sku text, p_qty integer) FROM PUBLIC;

--
-- Name: FUNCTION ledger_account(p_guild_id bigint, p_user_id bigint, p_currency text, p_kind app_public.account_kind); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.ledger_account(p_guild_id bigint, p_user_id bigint, p_currency text, p_kind app_public.account_kind) FROM PUBLIC;

--
-- Name: TABLE minecraft_links; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.minecraft_links TO coins_player;
GRANT SELECT ON TABLE app_public.minecraft_links TO coins_staff;

--
-- Name: FUNCTION link_ign(p_guild_id bigint, p_user_id bigint, p_ign text); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.link_ign(p_guild_id bigint, p_user_id bigint, p_ign text) FROM PUBLIC;

--
-- Name: FUNCTION list_card_for(p_user_id bigint, p_card_id bigint, p_price bigint, p_currency text, p_hours integer, p_key text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.list_card_for(p_user_id bigint, p_card_id bigint, p_price bigint, p_currency text, p_hours integer, p_key text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION listing_for_change(p_listing_id uuid, p_reason text, OUT listing app_public.listings, OUT actor_role app_public.staff_role, OUT is_seller boolean); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.listing_for_change(p_listing_id uuid, p_reason text, OUT listing app_public.listings, OUT actor_role app_public.staff_role, OUT is_seller boolean) FROM PUBLIC;

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
-- Name: FUNCTION lock_order(p_order_id uuid); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.lock_order(p_order_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION mcd_account(p_guild_id bigint, p_user_id bigint, p_kind app_public.account_kind); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.mcd_account(p_guild_id bigint, p_user_id bigint, p_kind app_public.account_kind) FROM PUBLIC;

--
-- Name: FUNCTION median_7d(p_guild_id bigint, p_sku text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.median_7d(p_guild_id bigint, p_sku text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION member_account(p_user_id bigint, p_kind app_public.account_kind); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.member_account(p_user_id bigint, p_kind app_public.account_kind) FROM PUBLIC;

--
-- Name: FUNCTION member_snapshot(p_user_id bigint); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.member_snapshot(p_user_id bigint) FROM PUBLIC;

--
-- Name: FUNCTION mint_card(p_template_id bigint, p_user_id bigint, p_origin text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.mint_card(p_template_id bigint, p_user_id bigint, p_origin text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: TABLE pack_openings; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.pack_openings TO coins_player;
GRANT SELECT ON TABLE app_public.pack_openings TO coins_staff;

--
-- Name: FUNCTION open_pack_for(p_user_id bigint, p_pack text, p_currency text, p_role_ids bigint[], p_key text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.open_pack_for(p_user_id bigint, p_pack text, p_currency text, p_role_ids bigint[], p_key text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION open_panel_session(p_access_hash bytea, p_refresh_hash bytea, p_guild_id bigint, p_discord_id bigint, p_staff_role app_public.staff_role, p_access_ttl_s integer, p_refresh_ttl_s integer); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.open_panel_session(p_access_hash bytea, p_refresh_hash bytea, p_guild_id bigint, p_discord_id bigint, p_staff_role app_public.staff_role, p_access_ttl_s integer, p_refresh_ttl_s integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.open_panel_session(p_access_hash bytea, p_refresh_hash bytea, p_guild_id bigint, p_discord_id bigint, p_staff_role app_public.staff_role, p_access_ttl_s integer, p_refresh_ttl_s integer) TO guildbank_authenticator;

--
-- Name: FUNCTION open_session(p_token_hash bytea, p_guild_id bigint, p_discord_id bigint, p_kind text, p_staff_role app_public.staff_role, p_source text, p_ttl_s integer); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.open_session(p_token_hash bytea, p_guild_id bigint, p_discord_id bigint, p_kind text, p_staff_role app_public.staff_role, p_source text, p_ttl_s integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.open_session(p_token_hash bytea, p_guild_id bigint, p_discord_id bigint, p_kind text, p_staff_role app_public.staff_role, p_source text, p_ttl_s integer) TO guildbank_authenticator;

--
-- Name: FUNCTION order_snapshot(p_order_id uuid); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.order_snapshot(p_order_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION order_violations(p_guild_id bigint); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.order_violations(p_guild_id bigint) FROM PUBLIC;

--
-- Name: FUNCTION pay_for_pack(p_user_id bigint, p_pack_type_id bigint, p_currency text, p_tx_id uuid, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.pay_for_pack(p_user_id bigint, p_pack_type_id bigint, p_currency text, p_tx_id uuid, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION pick_card_for(p_user_id bigint, p_opening_id uuid, p_slot integer, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.pick_card_for(p_user_id bigint, p_opening_id uuid, p_slot integer, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION post_transfer(p_guild_id bigint, p_debit_account_id bigint, p_credit_account_id bigint, p_amount bigint, p_reason text, p_tx_id uuid, p_status app_public.transfer_status, p_pending_id bigint, p_timeout_at timestamp with time zone, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.post_transfer(p_guild_id bigint, p_debit_account_id bigint, p_credit_account_id bigint, p_amount bigint, p_reason text, p_tx_id uuid, p_status app_public.transfer_status, p_pending_id bigint, p_timeout_at timestamp with time zone, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION pricing_quote(p_guild_id bigint, p_sku text, p_unit_price bigint, p_exclude_listing uuid, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.pricing_quote(p_guild_id bigint, p_sku text, p_unit_price bigint, p_exclude_listing uuid, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION propose_trade_for(p_user_id bigint, p_to_discord_id bigint, p_give_cards bigint[], p_give jsonb, p_want_cards bigint[], p_want jsonb, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.propose_trade_for(p_user_id bigint, p_to_discord_id bigint, p_give_cards bigint[], p_give jsonb, p_want_cards bigint[], p_want jsonb, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION quest_answer_key(p_answer text); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.quest_answer_key(p_answer text) FROM PUBLIC;

--
-- Name: FUNCTION queue_discord_job(p_guild_id bigint, p_channel text, p_task text, p_payload jsonb, p_key text); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.queue_discord_job(p_guild_id bigint, p_channel text, p_task text, p_payload jsonb, p_key text) FROM PUBLIC;

--
-- Name: FUNCTION queue_task_job(p_guild_id bigint, p_task text, p_payload jsonb, p_key text); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.queue_task_job(p_guild_id bigint, p_task text, p_payload jsonb, p_key text) FROM PUBLIC;

--
-- Name: FUNCTION raise_error(p_code text, p_key text, p_detail jsonb); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.raise_error(p_code text, p_key text, p_detail jsonb) FROM PUBLIC;

--
-- Name: FUNCTION record_payment_for(p_guild_id bigint, p_source text, p_delivery_key text, p_payer_ign text, p_amount bigint, p_raw_line text, p_seen_at timestamp with time zone, p_pairing_s integer); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.record_payment_for(p_guild_id bigint, p_source text, p_delivery_key text, p_payer_ign text, p_amount bigint, p_raw_line text, p_seen_at timestamp with time zone, p_pairing_s integer) FROM PUBLIC;

--
-- Name: FUNCTION refresh_session(p_refresh_hash bytea, p_new_access_hash bytea, p_new_refresh_hash bytea, p_access_ttl_s integer); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.refresh_session(p_refresh_hash bytea, p_new_access_hash bytea, p_new_refresh_hash bytea, p_access_ttl_s integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.refresh_session(p_refresh_hash bytea, p_new_access_hash bytea, p_new_refresh_hash bytea, p_access_ttl_s integer) TO guildbank_authenticator;

--
-- Name: FUNCTION refund_order_core(p_order_id uuid, p_status app_public.order_status, p_actor_id bigint, p_reason text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.refund_order_core(p_order_id uuid, p_status app_public.order_status, p_actor_id bigint, p_reason text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION register_caller(p_display_name text); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.register_caller(p_display_name text) FROM PUBLIC;

--
-- Name: FUNCTION request_payout_for(p_user_id bigint, p_amount bigint, p_key text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.request_payout_for(p_user_id bigint, p_amount bigint, p_key text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION require_staff(p_allowed app_public.staff_role[]); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.require_staff(p_allowed app_public.staff_role[]) FROM PUBLIC;

--
-- Name: FUNCTION review_task_claim_by(p_reviewer_id bigint, p_reviewer_role app_public.staff_role, p_claim_id bigint, p_accept boolean, p_note text, p_key text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.review_task_claim_by(p_reviewer_id bigint, p_reviewer_role app_public.staff_role, p_claim_id bigint, p_accept boolean, p_note text, p_key text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION revoke_refresh_token(p_refresh_hash bytea); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.revoke_refresh_token(p_refresh_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.revoke_refresh_token(p_refresh_hash bytea) TO guildbank_authenticator;

--
-- Name: TABLE fair_seeds; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.fair_seeds TO coins_player;
GRANT SELECT ON TABLE app_public.fair_seeds TO coins_staff;

--
-- Name: FUNCTION rotate_fair_seed_for(p_guild_id bigint, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.rotate_fair_seed_for(p_guild_id bigint, p_at timestamp with time zone) FROM PUBLIC;

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
-- Name: FUNCTION staff_order_action(p_order_id uuid, p_reason text, p_allowed app_public.staff_role[]); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.staff_order_action(p_order_id uuid, p_reason text, p_allowed app_public.staff_role[]) FROM PUBLIC;

--
-- Name: FUNCTION staff_target(p_discord_id bigint, p_reason text); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.staff_target(p_discord_id bigint, p_reason text) FROM PUBLIC;

--
-- Name: FUNCTION submit_task_proof_for(p_user_id bigint, p_task_id bigint, p_text text, p_attachments jsonb, p_key text, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.submit_task_proof_for(p_user_id bigint, p_task_id bigint, p_text text, p_attachments jsonb, p_key text, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION task_proof_attachments_valid(p_attachments jsonb); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.task_proof_attachments_valid(p_attachments jsonb) FROM PUBLIC;

--
-- Name: FUNCTION tg__audit(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg__audit() FROM PUBLIC;

--
-- Name: FUNCTION tg__notify_stream(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg__notify_stream() FROM PUBLIC;

--
-- Name: FUNCTION tg__require_staff(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg__require_staff() FROM PUBLIC;

--
-- Name: FUNCTION tg__timestamps(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg__timestamps() FROM PUBLIC;

--
-- Name: FUNCTION tg_admin_actions__discord_feed(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_admin_actions__discord_feed() FROM PUBLIC;

--
-- Name: FUNCTION tg_announcements__schedule(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_announcements__schedule() FROM PUBLIC;

--
-- Name: FUNCTION tg_daily_stats__discord_digest(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_daily_stats__discord_digest() FROM PUBLIC;

--
-- Name: FUNCTION tg_guilds__provision(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_guilds__provision() FROM PUBLIC;

--
-- Name: FUNCTION tg_leaderboard_snapshots__discord(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_leaderboard_snapshots__discord() FROM PUBLIC;

--
-- Name: FUNCTION tg_listings__discord_shop(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_listings__discord_shop() FROM PUBLIC;

--
-- Name: FUNCTION tg_minecraft_payouts__queue(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_minecraft_payouts__queue() FROM PUBLIC;

--
-- Name: FUNCTION tg_ops_alerts__notify(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_ops_alerts__notify() FROM PUBLIC;

--
-- Name: FUNCTION tg_orders__discord_feed(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_orders__discord_feed() FROM PUBLIC;

--
-- Name: FUNCTION tg_orders__queue_fulfilment(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_orders__queue_fulfilment() FROM PUBLIC;

--
-- Name: FUNCTION tg_orders__void_voucher(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_orders__void_voucher() FROM PUBLIC;

--
-- Name: FUNCTION tg_pack_types__check_rates(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_pack_types__check_rates() FROM PUBLIC;

--
-- Name: FUNCTION tg_rewards__discord_shop(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_rewards__discord_shop() FROM PUBLIC;

--
-- Name: FUNCTION tg_task_claims__discord(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_task_claims__discord() FROM PUBLIC;

--
-- Name: FUNCTION tg_tasks__discord(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_tasks__discord() FROM PUBLIC;

--
-- Name: FUNCTION tg_transactions__discord_feed(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_transactions__discord_feed() FROM PUBLIC;

--
-- Name: FUNCTION tg_transactions__high_value(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_transactions__high_value() FROM PUBLIC;

--
-- Name: FUNCTION tg_users__provision(); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.tg_users__provision() FROM PUBLIC;

--
-- Name: FUNCTION trade_items_check(p_owner_id bigint, p_guild_id bigint, p_cards bigint[], p_currencies jsonb); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.trade_items_check(p_owner_id bigint, p_guild_id bigint, p_cards bigint[], p_currencies jsonb) FROM PUBLIC;

--
-- Name: FUNCTION transfer_scope_violations(p_guild_id bigint); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.transfer_scope_violations(p_guild_id bigint) FROM PUBLIC;

--
-- Name: FUNCTION void_hold(p_hold_id bigint, p_reason text, p_tx_id uuid, p_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.void_hold(p_hold_id bigint, p_reason text, p_tx_id uuid, p_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION watch_stream(p_guild_ids bigint[], p_instance text, p_ttl_s integer); Type: ACL; Schema: app_private; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_private.watch_stream(p_guild_ids bigint[], p_instance text, p_ttl_s integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.watch_stream(p_guild_ids bigint[], p_instance text, p_ttl_s integer) TO guildbank_authenticator;

--
-- Name: FUNCTION acknowledge_alert(alert_id bigint); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.acknowledge_alert(alert_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.acknowledge_alert(alert_id bigint) TO coins_staff;

--
-- Name: FUNCTION admin_adjust(discord_id bigint, delta bigint, reason text, idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.admin_adjust(discord_id bigint, delta bigint, reason text, idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.admin_adjust(discord_id bigint, delta bigint, reason text, idempotency_key text) TO coins_staff;

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
-- Name: TABLE announcements; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.announcements TO coins_staff;

--
-- Name: COLUMN announcements.guild_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(guild_id) ON TABLE app_public.announcements TO coins_staff;

--
-- Name: COLUMN announcements.channel_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(channel_id),UPDATE(channel_id) ON TABLE app_public.announcements TO coins_staff;

--
-- Name: COLUMN announcements.content; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(content),UPDATE(content) ON TABLE app_public.announcements TO coins_staff;

--
-- Name: COLUMN announcements.embed; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(embed),UPDATE(embed) ON TABLE app_public.announcements TO coins_staff;

--
-- Name: COLUMN announcements.task_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(task_id) ON TABLE app_public.announcements TO coins_staff;

--
-- Name: COLUMN announcements.publish_at; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(publish_at),UPDATE(publish_at) ON TABLE app_public.announcements TO coins_staff;

--
-- Name: COLUMN announcements.pinned; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(pinned),UPDATE(pinned) ON TABLE app_public.announcements TO coins_staff;

--
-- Name: FUNCTION announce_task(task_id bigint, channel_id bigint, publish_at timestamp with time zone, pinned boolean); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.announce_task(task_id bigint, channel_id bigint, publish_at timestamp with time zone, pinned boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.announce_task(task_id bigint, channel_id bigint, publish_at timestamp with time zone, pinned boolean) TO coins_staff;

--
-- Name: FUNCTION answer_quest(quest_id bigint, answer text, idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.answer_quest(quest_id bigint, answer text, idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.answer_quest(quest_id bigint, answer text, idempotency_key text) TO coins_player;

--
-- Name: FUNCTION assign_payment(payment_id bigint, discord_id bigint, reason text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.assign_payment(payment_id bigint, discord_id bigint, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.assign_payment(payment_id bigint, discord_id bigint, reason text) TO coins_staff;

--
-- Name: FUNCTION burn_card(card_id bigint, idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.burn_card(card_id bigint, idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.burn_card(card_id bigint, idempotency_key text) TO coins_player;

--
-- Name: FUNCTION buy_card(listing_id uuid, idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.buy_card(listing_id uuid, idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.buy_card(listing_id uuid, idempotency_key text) TO coins_player;

--
-- Name: FUNCTION buy_listing(listing_id uuid, qty integer, idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.buy_listing(listing_id uuid, qty integer, idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.buy_listing(listing_id uuid, qty integer, idempotency_key text) TO coins_player;

--
-- Name: FUNCTION buy_reward(sku text, qty integer, idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.buy_reward(sku text, qty integer, idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.buy_reward(sku text, qty integer, idempotency_key text) TO coins_player;

--
-- Name: FUNCTION cancel_card_listing(listing_id uuid); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.cancel_card_listing(listing_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.cancel_card_listing(listing_id uuid) TO coins_player;
GRANT ALL ON FUNCTION app_public.cancel_card_listing(listing_id uuid) TO coins_staff;

--
-- Name: FUNCTION cancel_listing(listing_id uuid, reason text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.cancel_listing(listing_id uuid, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.cancel_listing(listing_id uuid, reason text) TO coins_player;
GRANT ALL ON FUNCTION app_public.cancel_listing(listing_id uuid, reason text) TO coins_staff;

--
-- Name: FUNCTION cancel_order(order_id uuid); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.cancel_order(order_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.cancel_order(order_id uuid) TO coins_player;

--
-- Name: FUNCTION cancel_trade(trade_id uuid); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.cancel_trade(trade_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.cancel_trade(trade_id uuid) TO coins_player;
GRANT ALL ON FUNCTION app_public.cancel_trade(trade_id uuid) TO coins_staff;

--
-- Name: FUNCTION card_balances(); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.card_balances() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.card_balances() TO coins_player;

--
-- Name: FUNCTION card_leaderboard(global boolean, size integer); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.card_leaderboard(global boolean, size integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.card_leaderboard(global boolean, size integer) TO coins_player;
GRANT ALL ON FUNCTION app_public.card_leaderboard(global boolean, size integer) TO coins_staff;

--
-- Name: FUNCTION claim_daily(idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.claim_daily(idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.claim_daily(idempotency_key text) TO coins_player;

--
-- Name: FUNCTION claim_task(task_id bigint, idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.claim_task(task_id bigint, idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.claim_task(task_id bigint, idempotency_key text) TO coins_player;

--
-- Name: FUNCTION collection_progress(); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.collection_progress() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.collection_progress() TO coins_player;
GRANT ALL ON FUNCTION app_public.collection_progress() TO coins_staff;

--
-- Name: FUNCTION confirm_trade(trade_id uuid, version integer); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.confirm_trade(trade_id uuid, version integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.confirm_trade(trade_id uuid, version integer) TO coins_player;

--
-- Name: TABLE card_templates; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.card_templates TO coins_player;
GRANT SELECT ON TABLE app_public.card_templates TO coins_staff;

--
-- Name: FUNCTION create_card_template(artist_id bigint, era_id bigint, rarity app_public.card_rarity, image_id bigint, event_id bigint); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.create_card_template(artist_id bigint, era_id bigint, rarity app_public.card_rarity, image_id bigint, event_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.create_card_template(artist_id bigint, era_id bigint, rarity app_public.card_rarity, image_id bigint, event_id bigint) TO coins_staff;

--
-- Name: FUNCTION create_listing(sku text, qty integer, unit_price bigint, expires_in_hours integer, min_per_buyer integer, max_per_buyer integer, idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.create_listing(sku text, qty integer, unit_price bigint, expires_in_hours integer, min_per_buyer integer, max_per_buyer integer, idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.create_listing(sku text, qty integer, unit_price bigint, expires_in_hours integer, min_per_buyer integer, max_per_buyer integer, idempotency_key text) TO coins_player;

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
-- Name: FUNCTION custom_command(name text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.custom_command(name text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.custom_command(name text) TO coins_player;
GRANT ALL ON FUNCTION app_public.custom_command(name text) TO coins_staff;

--
-- Name: FUNCTION custom_command_names(prefix text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.custom_command_names(prefix text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.custom_command_names(prefix text) TO coins_player;
GRANT ALL ON FUNCTION app_public.custom_command_names(prefix text) TO coins_staff;

--
-- Name: FUNCTION delete_announcement(announcement_id bigint); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.delete_announcement(announcement_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.delete_announcement(announcement_id bigint) TO coins_staff;

--
-- Name: FUNCTION delete_card_template(public_id text, refund boolean, reason text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.delete_card_template(public_id text, refund boolean, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.delete_card_template(public_id text, refund boolean, reason text) TO coins_staff;

--
-- Name: TABLE tasks; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.tasks TO coins_player;
GRANT SELECT ON TABLE app_public.tasks TO coins_staff;

--
-- Name: COLUMN tasks.guild_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(guild_id) ON TABLE app_public.tasks TO coins_staff;

--
-- Name: COLUMN tasks.name; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(name),UPDATE(name) ON TABLE app_public.tasks TO coins_staff;

--
-- Name: COLUMN tasks.description; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(description),UPDATE(description) ON TABLE app_public.tasks TO coins_staff;

--
-- Name: COLUMN tasks.reward; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(reward),UPDATE(reward) ON TABLE app_public.tasks TO coins_staff;

--
-- Name: COLUMN tasks.category; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(category),UPDATE(category) ON TABLE app_public.tasks TO coins_staff;

--
-- Name: COLUMN tasks.duration_hours; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(duration_hours),UPDATE(duration_hours) ON TABLE app_public.tasks TO coins_staff;

--
-- Name: COLUMN tasks.expires_at; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(expires_at),UPDATE(expires_at) ON TABLE app_public.tasks TO coins_staff;

--
-- Name: COLUMN tasks.max_claims; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(max_claims),UPDATE(max_claims) ON TABLE app_public.tasks TO coins_staff;

--
-- Name: COLUMN tasks.assigned_member_ids; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(assigned_member_ids),UPDATE(assigned_member_ids) ON TABLE app_public.tasks TO coins_staff;

--
-- Name: COLUMN tasks.required_role_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(required_role_id),UPDATE(required_role_id) ON TABLE app_public.tasks TO coins_staff;

--
-- Name: COLUMN tasks.grant_role_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(grant_role_id),UPDATE(grant_role_id) ON TABLE app_public.tasks TO coins_staff;

--
-- Name: COLUMN tasks.proof_required; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(proof_required),UPDATE(proof_required) ON TABLE app_public.tasks TO coins_staff;

--
-- Name: COLUMN tasks.status; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(status),UPDATE(status) ON TABLE app_public.tasks TO coins_staff;

--
-- Name: FUNCTION delete_task(task_id bigint); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.delete_task(task_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.delete_task(task_id bigint) TO coins_staff;

--
-- Name: FUNCTION draw_card(pack text, role_ids bigint[], idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.draw_card(pack text, role_ids bigint[], idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.draw_card(pack text, role_ids bigint[], idempotency_key text) TO coins_player;

--
-- Name: FUNCTION draw_stats(pack text, last_n integer); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.draw_stats(pack text, last_n integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.draw_stats(pack text, last_n integer) TO coins_staff;

--
-- Name: FUNCTION economy_events_active(e app_public.economy_events); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.economy_events_active(e app_public.economy_events) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.economy_events_active(e app_public.economy_events) TO coins_staff;
GRANT ALL ON FUNCTION app_public.economy_events_active(e app_public.economy_events) TO coins_player;

--
-- Name: FUNCTION edit_listing_price(listing_id uuid, unit_price bigint, reason text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.edit_listing_price(listing_id uuid, unit_price bigint, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.edit_listing_price(listing_id uuid, unit_price bigint, reason text) TO coins_player;
GRANT ALL ON FUNCTION app_public.edit_listing_price(listing_id uuid, unit_price bigint, reason text) TO coins_staff;

--
-- Name: FUNCTION fair_value(server_seed bytea, discord_id bigint, nonce integer); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.fair_value(server_seed bytea, discord_id bigint, nonce integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.fair_value(server_seed bytea, discord_id bigint, nonce integer) TO coins_player;
GRANT ALL ON FUNCTION app_public.fair_value(server_seed bytea, discord_id bigint, nonce integer) TO coins_staff;

--
-- Name: FUNCTION freeze_user(discord_id bigint, reason text, idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.freeze_user(discord_id bigint, reason text, idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.freeze_user(discord_id bigint, reason text, idempotency_key text) TO coins_staff;

--
-- Name: FUNCTION fulfil_order(order_id uuid, reason text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.fulfil_order(order_id uuid, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.fulfil_order(order_id uuid, reason text) TO coins_staff;

--
-- Name: FUNCTION give(to_discord_id bigint, amount bigint, idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.give(to_discord_id bigint, amount bigint, idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.give(to_discord_id bigint, amount bigint, idempotency_key text) TO coins_player;

--
-- Name: FUNCTION give_card_currency(discord_id bigint, amount bigint, currency text, reason text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.give_card_currency(discord_id bigint, amount bigint, currency text, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.give_card_currency(discord_id bigint, amount bigint, currency text, reason text) TO coins_staff;

--
-- Name: FUNCTION leaderboard("limit" integer); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.leaderboard("limit" integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.leaderboard("limit" integer) TO coins_player;
GRANT ALL ON FUNCTION app_public.leaderboard("limit" integer) TO coins_staff;

--
-- Name: FUNCTION link_minecraft(discord_id bigint, ign text, reason text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.link_minecraft(discord_id bigint, ign text, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.link_minecraft(discord_id bigint, ign text, reason text) TO coins_staff;

--
-- Name: FUNCTION list_card(card_id bigint, price bigint, currency text, hours integer, idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.list_card(card_id bigint, price bigint, currency text, hours integer, idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.list_card(card_id bigint, price bigint, currency text, hours integer, idempotency_key text) TO coins_player;

--
-- Name: FUNCTION my_card(); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.my_card() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.my_card() TO coins_player;

--
-- Name: FUNCTION my_task_claims(); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.my_task_claims() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.my_task_claims() TO coins_player;

--
-- Name: FUNCTION note_transaction(tx_id uuid, note text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.note_transaction(tx_id uuid, note text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.note_transaction(tx_id uuid, note text) TO coins_staff;

--
-- Name: FUNCTION open_pack(pack text, currency text, role_ids bigint[], idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.open_pack(pack text, currency text, role_ids bigint[], idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.open_pack(pack text, currency text, role_ids bigint[], idempotency_key text) TO coins_player;

--
-- Name: FUNCTION pick_card(opening_id uuid, slot integer); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.pick_card(opening_id uuid, slot integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.pick_card(opening_id uuid, slot integer) TO coins_player;

--
-- Name: FUNCTION price_check(sku text, unit_price bigint); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.price_check(sku text, unit_price bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.price_check(sku text, unit_price bigint) TO coins_player;
GRANT ALL ON FUNCTION app_public.price_check(sku text, unit_price bigint) TO coins_staff;

--
-- Name: FUNCTION propose_trade(to_discord_id bigint, give_cards bigint[], give jsonb, want_cards bigint[], want jsonb); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.propose_trade(to_discord_id bigint, give_cards bigint[], give jsonb, want_cards bigint[], want jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.propose_trade(to_discord_id bigint, give_cards bigint[], give jsonb, want_cards bigint[], want jsonb) TO coins_player;

--
-- Name: FUNCTION purge_artist(artist_id bigint, reason text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.purge_artist(artist_id bigint, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.purge_artist(artist_id bigint, reason text) TO coins_staff;

--
-- Name: FUNCTION quest_board(); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.quest_board() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.quest_board() TO coins_player;

--
-- Name: FUNCTION queue_status(); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.queue_status() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.queue_status() TO coins_staff;

--
-- Name: FUNCTION rarity_for_roll(roll integer, rates integer[]); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.rarity_for_roll(roll integer, rates integer[]) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.rarity_for_roll(roll integer, rates integer[]) TO coins_player;
GRANT ALL ON FUNCTION app_public.rarity_for_roll(roll integer, rates integer[]) TO coins_staff;

--
-- Name: FUNCTION refund_order(order_id uuid, reason text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.refund_order(order_id uuid, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.refund_order(order_id uuid, reason text) TO coins_staff;

--
-- Name: FUNCTION register_member(display_name text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.register_member(display_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.register_member(display_name text) TO coins_player;

--
-- Name: FUNCTION report_daily("from" timestamp with time zone, "to" timestamp with time zone); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.report_daily("from" timestamp with time zone, "to" timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.report_daily("from" timestamp with time zone, "to" timestamp with time zone) TO coins_staff;

--
-- Name: FUNCTION report_top_earners("from" timestamp with time zone, "to" timestamp with time zone, "limit" integer); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.report_top_earners("from" timestamp with time zone, "to" timestamp with time zone, "limit" integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.report_top_earners("from" timestamp with time zone, "to" timestamp with time zone, "limit" integer) TO coins_staff;

--
-- Name: FUNCTION request_discord_setup(reason text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.request_discord_setup(reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.request_discord_setup(reason text) TO coins_staff;

--
-- Name: FUNCTION request_payout(amount bigint, idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.request_payout(amount bigint, idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.request_payout(amount bigint, idempotency_key text) TO coins_player;

--
-- Name: FUNCTION resolve_payout(payout_id bigint, paid boolean, reason text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.resolve_payout(payout_id bigint, paid boolean, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.resolve_payout(payout_id bigint, paid boolean, reason text) TO coins_staff;

--
-- Name: FUNCTION review_task_claim(claim_id bigint, accept boolean, note text, idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.review_task_claim(claim_id bigint, accept boolean, note text, idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.review_task_claim(claim_id bigint, accept boolean, note text, idempotency_key text) TO coins_staff;

--
-- Name: FUNCTION revise_trade(trade_id uuid, give_cards bigint[], give jsonb, want_cards bigint[], want jsonb); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.revise_trade(trade_id uuid, give_cards bigint[], give jsonb, want_cards bigint[], want jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.revise_trade(trade_id uuid, give_cards bigint[], give jsonb, want_cards bigint[], want jsonb) TO coins_player;

--
-- Name: FUNCTION rotate_fair_seed(); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.rotate_fair_seed() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.rotate_fair_seed() TO coins_staff;

--
-- Name: FUNCTION set_card_locked(card_id bigint, locked boolean); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.set_card_locked(card_id bigint, locked boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.set_card_locked(card_id bigint, locked boolean) TO coins_player;

--
-- Name: FUNCTION set_card_rarity(public_id text, rarity app_public.card_rarity, reason text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.set_card_rarity(public_id text, rarity app_public.card_rarity, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.set_card_rarity(public_id text, rarity app_public.card_rarity, reason text) TO coins_staff;

--
-- Name: FUNCTION set_wishlist(public_id text, wanted boolean); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.set_wishlist(public_id text, wanted boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.set_wishlist(public_id text, wanted boolean) TO coins_player;

--
-- Name: FUNCTION start_event(kind text, value numeric, title text, starts_at timestamp with time zone, ends_at timestamp with time zone, reason text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.start_event(kind text, value numeric, title text, starts_at timestamp with time zone, ends_at timestamp with time zone, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.start_event(kind text, value numeric, title text, starts_at timestamp with time zone, ends_at timestamp with time zone, reason text) TO coins_staff;

--
-- Name: FUNCTION stop_event(event_id bigint, reason text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.stop_event(event_id bigint, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.stop_event(event_id bigint, reason text) TO coins_staff;

--
-- Name: FUNCTION submit_task_proof(task_id bigint, proof_text text, proof_attachments jsonb, idempotency_key text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.submit_task_proof(task_id bigint, proof_text text, proof_attachments jsonb, idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.submit_task_proof(task_id bigint, proof_text text, proof_attachments jsonb, idempotency_key text) TO coins_player;

--
-- Name: FUNCTION tasks_completed_count(t app_public.tasks); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.tasks_completed_count(t app_public.tasks) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.tasks_completed_count(t app_public.tasks) TO coins_player;
GRANT ALL ON FUNCTION app_public.tasks_completed_count(t app_public.tasks) TO coins_staff;

--
-- Name: FUNCTION tasks_proof_required_effective(t app_public.tasks); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.tasks_proof_required_effective(t app_public.tasks) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.tasks_proof_required_effective(t app_public.tasks) TO coins_player;
GRANT ALL ON FUNCTION app_public.tasks_proof_required_effective(t app_public.tasks) TO coins_staff;

--
-- Name: FUNCTION tasks_slots_taken(t app_public.tasks); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.tasks_slots_taken(t app_public.tasks) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.tasks_slots_taken(t app_public.tasks) TO coins_player;
GRANT ALL ON FUNCTION app_public.tasks_slots_taken(t app_public.tasks) TO coins_staff;

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
-- Name: FUNCTION verify_draw(draw_id bigint, server_seed text); Type: ACL; Schema: app_public; Owner: guildbank_owner
--

REVOKE ALL ON FUNCTION app_public.verify_draw(draw_id bigint, server_seed text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.verify_draw(draw_id bigint, server_seed text) TO coins_player;
GRANT ALL ON FUNCTION app_public.verify_draw(draw_id bigint, server_seed text) TO coins_staff;

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
-- Name: TABLE artists; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.artists TO coins_player;
GRANT SELECT ON TABLE app_public.artists TO coins_staff;

--
-- Name: COLUMN artists.guild_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(guild_id) ON TABLE app_public.artists TO coins_staff;

--
-- Name: COLUMN artists.name; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(name),UPDATE(name) ON TABLE app_public.artists TO coins_staff;

--
-- Name: COLUMN artists.code; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(code) ON TABLE app_public.artists TO coins_staff;

--
-- Name: COLUMN artists.is_group; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(is_group),UPDATE(is_group) ON TABLE app_public.artists TO coins_staff;

--
-- Name: COLUMN artists.group_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(group_id),UPDATE(group_id) ON TABLE app_public.artists TO coins_staff;

--
-- Name: COLUMN artists.metadata; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(metadata),UPDATE(metadata) ON TABLE app_public.artists TO coins_staff;

--
-- Name: TABLE card_cooldown_roles; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.card_cooldown_roles TO coins_player;
GRANT SELECT,INSERT,DELETE ON TABLE app_public.card_cooldown_roles TO coins_staff;

--
-- Name: COLUMN card_cooldown_roles.reduction_pct; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(reduction_pct) ON TABLE app_public.card_cooldown_roles TO coins_staff;

--
-- Name: COLUMN card_cooldown_roles.label; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(label) ON TABLE app_public.card_cooldown_roles TO coins_staff;

--
-- Name: TABLE card_cooldowns; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.card_cooldowns TO coins_player;
GRANT SELECT ON TABLE app_public.card_cooldowns TO coins_staff;

--
-- Name: TABLE card_events; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.card_events TO coins_player;
GRANT SELECT ON TABLE app_public.card_events TO coins_staff;

--
-- Name: COLUMN card_events.guild_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(guild_id) ON TABLE app_public.card_events TO coins_staff;

--
-- Name: COLUMN card_events.name; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(name),UPDATE(name) ON TABLE app_public.card_events TO coins_staff;

--
-- Name: COLUMN card_events.description; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(description),UPDATE(description) ON TABLE app_public.card_events TO coins_staff;

--
-- Name: COLUMN card_events.starts_at; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(starts_at),UPDATE(starts_at) ON TABLE app_public.card_events TO coins_staff;

--
-- Name: COLUMN card_events.ends_at; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(ends_at),UPDATE(ends_at) ON TABLE app_public.card_events TO coins_staff;

--
-- Name: TABLE card_notifications; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.card_notifications TO coins_player;
GRANT SELECT ON TABLE app_public.card_notifications TO coins_staff;

--
-- Name: TABLE card_settings; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.card_settings TO coins_player;
GRANT SELECT ON TABLE app_public.card_settings TO coins_staff;

--
-- Name: COLUMN card_settings.currencies; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(currencies) ON TABLE app_public.card_settings TO coins_staff;

--
-- Name: COLUMN card_settings.market_fee_bp; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(market_fee_bp) ON TABLE app_public.card_settings TO coins_staff;

--
-- Name: COLUMN card_settings.listing_hours; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(listing_hours) ON TABLE app_public.card_settings TO coins_staff;

--
-- Name: COLUMN card_settings.trade_expiry_min; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(trade_expiry_min) ON TABLE app_public.card_settings TO coins_staff;

--
-- Name: COLUMN card_settings.inventory_public; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(inventory_public) ON TABLE app_public.card_settings TO coins_staff;

--
-- Name: COLUMN card_settings.reveal_public; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(reveal_public) ON TABLE app_public.card_settings TO coins_staff;

--
-- Name: COLUMN card_settings.burn_notes; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(burn_notes) ON TABLE app_public.card_settings TO coins_staff;

--
-- Name: TABLE card_trade_items; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.card_trade_items TO coins_player;
GRANT SELECT ON TABLE app_public.card_trade_items TO coins_staff;

--
-- Name: TABLE card_wishlists; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.card_wishlists TO coins_player;
GRANT SELECT ON TABLE app_public.card_wishlists TO coins_staff;

--
-- Name: TABLE currencies; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.currencies TO coins_player;
GRANT SELECT ON TABLE app_public.currencies TO coins_staff;
GRANT SELECT ON TABLE app_public.currencies TO coins_listener;
GRANT SELECT ON TABLE app_public.currencies TO coins_worker;

--
-- Name: TABLE custom_commands; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT,DELETE ON TABLE app_public.custom_commands TO coins_staff;

--
-- Name: COLUMN custom_commands.guild_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(guild_id) ON TABLE app_public.custom_commands TO coins_staff;

--
-- Name: COLUMN custom_commands.name; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(name),UPDATE(name) ON TABLE app_public.custom_commands TO coins_staff;

--
-- Name: COLUMN custom_commands.response; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(response),UPDATE(response) ON TABLE app_public.custom_commands TO coins_staff;

--
-- Name: COLUMN custom_commands.embed_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(embed_id),UPDATE(embed_id) ON TABLE app_public.custom_commands TO coins_staff;

--
-- Name: COLUMN custom_commands.enabled; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(enabled),UPDATE(enabled) ON TABLE app_public.custom_commands TO coins_staff;

--
-- Name: TABLE daily_stats; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.daily_stats TO coins_staff;

--
-- Name: TABLE discord_messages; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.discord_messages TO coins_staff;

--
-- Name: TABLE era_images; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.era_images TO coins_player;
GRANT SELECT ON TABLE app_public.era_images TO coins_staff;

--
-- Name: COLUMN era_images.guild_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(guild_id) ON TABLE app_public.era_images TO coins_staff;

--
-- Name: COLUMN era_images.era_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(era_id) ON TABLE app_public.era_images TO coins_staff;

--
-- Name: COLUMN era_images.source_url; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(source_url),UPDATE(source_url) ON TABLE app_public.era_images TO coins_staff;

--
-- Name: COLUMN era_images.storage_url; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(storage_url),UPDATE(storage_url) ON TABLE app_public.era_images TO coins_staff;

--
-- Name: COLUMN era_images.kind; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(kind),UPDATE(kind) ON TABLE app_public.era_images TO coins_staff;

--
-- Name: COLUMN era_images.width; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(width),UPDATE(width) ON TABLE app_public.era_images TO coins_staff;

--
-- Name: COLUMN era_images.height; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(height),UPDATE(height) ON TABLE app_public.era_images TO coins_staff;

--
-- Name: COLUMN era_images.phash; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(phash),UPDATE(phash) ON TABLE app_public.era_images TO coins_staff;

--
-- Name: COLUMN era_images.licence; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(licence),UPDATE(licence) ON TABLE app_public.era_images TO coins_staff;

--
-- Name: TABLE eras; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.eras TO coins_player;
GRANT SELECT ON TABLE app_public.eras TO coins_staff;

--
-- Name: COLUMN eras.guild_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(guild_id) ON TABLE app_public.eras TO coins_staff;

--
-- Name: COLUMN eras.artist_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(artist_id) ON TABLE app_public.eras TO coins_staff;

--
-- Name: COLUMN eras.name; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(name),UPDATE(name) ON TABLE app_public.eras TO coins_staff;

--
-- Name: COLUMN eras.code; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(code) ON TABLE app_public.eras TO coins_staff;

--
-- Name: COLUMN eras.starts_on; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(starts_on),UPDATE(starts_on) ON TABLE app_public.eras TO coins_staff;

--
-- Name: COLUMN eras.ends_on; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(ends_on),UPDATE(ends_on) ON TABLE app_public.eras TO coins_staff;

--
-- Name: COLUMN eras.colour; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(colour),UPDATE(colour) ON TABLE app_public.eras TO coins_staff;

--
-- Name: COLUMN eras.search_keywords; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(search_keywords),UPDATE(search_keywords) ON TABLE app_public.eras TO coins_staff;

--
-- Name: TABLE guild_discord; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.guild_discord TO coins_player;
GRANT SELECT ON TABLE app_public.guild_discord TO coins_staff;

--
-- Name: TABLE guild_settings; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.guild_settings TO coins_player;
GRANT SELECT ON TABLE app_public.guild_settings TO coins_staff;

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
-- Name: COLUMN guild_settings.high_value_threshold; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(high_value_threshold) ON TABLE app_public.guild_settings TO coins_staff;

--
-- Name: COLUMN guild_settings.allow_user_tasks; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(allow_user_tasks) ON TABLE app_public.guild_settings TO coins_staff;

--
-- Name: COLUMN guild_settings.max_tasks_per_user; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(max_tasks_per_user) ON TABLE app_public.guild_settings TO coins_staff;

--
-- Name: COLUMN guild_settings.auto_expire_enabled; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(auto_expire_enabled) ON TABLE app_public.guild_settings TO coins_staff;

--
-- Name: COLUMN guild_settings.require_proof; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(require_proof) ON TABLE app_public.guild_settings TO coins_staff;

--
-- Name: COLUMN guild_settings.task_channel_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(task_channel_id) ON TABLE app_public.guild_settings TO coins_staff;

--
-- Name: COLUMN guild_settings.review_channel_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(review_channel_id) ON TABLE app_public.guild_settings TO coins_staff;

--
-- Name: TABLE inventory; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.inventory TO coins_player;
GRANT SELECT ON TABLE app_public.inventory TO coins_staff;

--
-- Name: TABLE leaderboard_snapshots; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.leaderboard_snapshots TO coins_player;
GRANT SELECT ON TABLE app_public.leaderboard_snapshots TO coins_staff;

--
-- Name: TABLE order_lines; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.order_lines TO coins_player;
GRANT SELECT ON TABLE app_public.order_lines TO coins_staff;

--
-- Name: TABLE pack_costs; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.pack_costs TO coins_player;
GRANT SELECT,INSERT,DELETE ON TABLE app_public.pack_costs TO coins_staff;

--
-- Name: TABLE pack_types; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.pack_types TO coins_player;
GRANT SELECT ON TABLE app_public.pack_types TO coins_staff;

--
-- Name: COLUMN pack_types.guild_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(guild_id) ON TABLE app_public.pack_types TO coins_staff;

--
-- Name: COLUMN pack_types.code; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(code) ON TABLE app_public.pack_types TO coins_staff;

--
-- Name: COLUMN pack_types.name; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(name),UPDATE(name) ON TABLE app_public.pack_types TO coins_staff;

--
-- Name: COLUMN pack_types.command; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(command) ON TABLE app_public.pack_types TO coins_staff;

--
-- Name: COLUMN pack_types.cards_per_pack; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(cards_per_pack),UPDATE(cards_per_pack) ON TABLE app_public.pack_types TO coins_staff;

--
-- Name: COLUMN pack_types.rate_common; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(rate_common),UPDATE(rate_common) ON TABLE app_public.pack_types TO coins_staff;

--
-- Name: COLUMN pack_types.rate_rare; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(rate_rare),UPDATE(rate_rare) ON TABLE app_public.pack_types TO coins_staff;

--
-- Name: COLUMN pack_types.rate_epic; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(rate_epic),UPDATE(rate_epic) ON TABLE app_public.pack_types TO coins_staff;

--
-- Name: COLUMN pack_types.rate_legendary; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(rate_legendary),UPDATE(rate_legendary) ON TABLE app_public.pack_types TO coins_staff;

--
-- Name: COLUMN pack_types.rate_mythic; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(rate_mythic),UPDATE(rate_mythic) ON TABLE app_public.pack_types TO coins_staff;

--
-- Name: COLUMN pack_types.cooldown_s; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(cooldown_s),UPDATE(cooldown_s) ON TABLE app_public.pack_types TO coins_staff;

--
-- Name: COLUMN pack_types.daily_free; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(daily_free),UPDATE(daily_free) ON TABLE app_public.pack_types TO coins_staff;

--
-- Name: COLUMN pack_types.guarantee; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(guarantee),UPDATE(guarantee) ON TABLE app_public.pack_types TO coins_staff;

--
-- Name: COLUMN pack_types.event_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(event_id),UPDATE(event_id) ON TABLE app_public.pack_types TO coins_staff;

--
-- Name: COLUMN pack_types.active; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(active),UPDATE(active) ON TABLE app_public.pack_types TO coins_staff;

--
-- Name: TABLE pricing_config; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.pricing_config TO coins_player;
GRANT SELECT ON TABLE app_public.pricing_config TO coins_staff;

--
-- Name: COLUMN pricing_config.price_floor_pct; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(price_floor_pct) ON TABLE app_public.pricing_config TO coins_staff;

--
-- Name: COLUMN pricing_config.market_fee; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(market_fee) ON TABLE app_public.pricing_config TO coins_staff;

--
-- Name: COLUMN pricing_config.undercut_fee; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(undercut_fee) ON TABLE app_public.pricing_config TO coins_staff;

--
-- Name: COLUMN pricing_config.over_average_fee; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(over_average_fee) ON TABLE app_public.pricing_config TO coins_staff;

--
-- Name: COLUMN pricing_config.over_average_ratio; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(over_average_ratio) ON TABLE app_public.pricing_config TO coins_staff;

--
-- Name: COLUMN pricing_config.scarcity_target; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(scarcity_target) ON TABLE app_public.pricing_config TO coins_staff;

--
-- Name: COLUMN pricing_config.alpha; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(alpha) ON TABLE app_public.pricing_config TO coins_staff;

--
-- Name: COLUMN pricing_config.max_listing_days; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT UPDATE(max_listing_days) ON TABLE app_public.pricing_config TO coins_staff;

--
-- Name: TABLE pricing_history; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.pricing_history TO coins_player;
GRANT SELECT ON TABLE app_public.pricing_history TO coins_staff;

--
-- Name: TABLE quest_attempts; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.quest_attempts TO coins_staff;
GRANT SELECT ON TABLE app_public.quest_attempts TO coins_player;

--
-- Name: TABLE quests; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT,DELETE ON TABLE app_public.quests TO coins_staff;

--
-- Name: COLUMN quests.id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(id) ON TABLE app_public.quests TO coins_player;

--
-- Name: COLUMN quests.guild_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(guild_id) ON TABLE app_public.quests TO coins_player;
GRANT INSERT(guild_id) ON TABLE app_public.quests TO coins_staff;

--
-- Name: COLUMN quests.kind; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(kind) ON TABLE app_public.quests TO coins_player;
GRANT INSERT(kind),UPDATE(kind) ON TABLE app_public.quests TO coins_staff;

--
-- Name: COLUMN quests.title; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(title) ON TABLE app_public.quests TO coins_player;
GRANT INSERT(title),UPDATE(title) ON TABLE app_public.quests TO coins_staff;

--
-- Name: COLUMN quests.prompt; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(prompt) ON TABLE app_public.quests TO coins_player;
GRANT INSERT(prompt),UPDATE(prompt) ON TABLE app_public.quests TO coins_staff;

--
-- Name: COLUMN quests.choices; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(choices) ON TABLE app_public.quests TO coins_player;
GRANT INSERT(choices),UPDATE(choices) ON TABLE app_public.quests TO coins_staff;

--
-- Name: COLUMN quests.answers; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(answers),UPDATE(answers) ON TABLE app_public.quests TO coins_staff;

--
-- Name: COLUMN quests.reward; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(reward) ON TABLE app_public.quests TO coins_player;
GRANT INSERT(reward),UPDATE(reward) ON TABLE app_public.quests TO coins_staff;

--
-- Name: COLUMN quests.cooldown_s; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(cooldown_s) ON TABLE app_public.quests TO coins_player;
GRANT INSERT(cooldown_s),UPDATE(cooldown_s) ON TABLE app_public.quests TO coins_staff;

--
-- Name: COLUMN quests.active; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(active) ON TABLE app_public.quests TO coins_player;
GRANT INSERT(active),UPDATE(active) ON TABLE app_public.quests TO coins_staff;

--
-- Name: COLUMN quests.starts_at; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(starts_at) ON TABLE app_public.quests TO coins_player;
GRANT INSERT(starts_at),UPDATE(starts_at) ON TABLE app_public.quests TO coins_staff;

--
-- Name: COLUMN quests.ends_at; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(ends_at) ON TABLE app_public.quests TO coins_player;
GRANT INSERT(ends_at),UPDATE(ends_at) ON TABLE app_public.quests TO coins_staff;

--
-- Name: COLUMN quests.created_at; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(created_at) ON TABLE app_public.quests TO coins_player;

--
-- Name: COLUMN quests.updated_at; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT(updated_at) ON TABLE app_public.quests TO coins_player;

--
-- Name: TABLE rewards; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.rewards TO coins_player;
GRANT SELECT,DELETE ON TABLE app_public.rewards TO coins_staff;

--
-- Name: COLUMN rewards.guild_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(guild_id) ON TABLE app_public.rewards TO coins_staff;

--
-- Name: COLUMN rewards.sku; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(sku) ON TABLE app_public.rewards TO coins_staff;

--
-- Name: COLUMN rewards.name; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(name),UPDATE(name) ON TABLE app_public.rewards TO coins_staff;

--
-- Name: COLUMN rewards.description; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(description),UPDATE(description) ON TABLE app_public.rewards TO coins_staff;

--
-- Name: COLUMN rewards.category; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(category),UPDATE(category) ON TABLE app_public.rewards TO coins_staff;

--
-- Name: COLUMN rewards.price; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(price),UPDATE(price) ON TABLE app_public.rewards TO coins_staff;

--
-- Name: COLUMN rewards.fulfilment; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(fulfilment),UPDATE(fulfilment) ON TABLE app_public.rewards TO coins_staff;

--
-- Name: COLUMN rewards.payload; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(payload),UPDATE(payload) ON TABLE app_public.rewards TO coins_staff;

--
-- Name: COLUMN rewards.limits; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(limits),UPDATE(limits) ON TABLE app_public.rewards TO coins_staff;

--
-- Name: COLUMN rewards.stock; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(stock),UPDATE(stock) ON TABLE app_public.rewards TO coins_staff;

--
-- Name: COLUMN rewards.expires_at; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(expires_at),UPDATE(expires_at) ON TABLE app_public.rewards TO coins_staff;

--
-- Name: COLUMN rewards.visible; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(visible),UPDATE(visible) ON TABLE app_public.rewards TO coins_staff;

--
-- Name: COLUMN rewards.tradable; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(tradable),UPDATE(tradable) ON TABLE app_public.rewards TO coins_staff;

--
-- Name: TABLE saved_embeds; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT,DELETE ON TABLE app_public.saved_embeds TO coins_staff;

--
-- Name: COLUMN saved_embeds.guild_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(guild_id) ON TABLE app_public.saved_embeds TO coins_staff;

--
-- Name: COLUMN saved_embeds.name; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(name),UPDATE(name) ON TABLE app_public.saved_embeds TO coins_staff;

--
-- Name: COLUMN saved_embeds.embed; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(embed),UPDATE(embed) ON TABLE app_public.saved_embeds TO coins_staff;

--
-- Name: TABLE staff_role_mappings; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT,DELETE ON TABLE app_public.staff_role_mappings TO coins_staff;

--
-- Name: COLUMN staff_role_mappings.guild_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(guild_id) ON TABLE app_public.staff_role_mappings TO coins_staff;

--
-- Name: COLUMN staff_role_mappings.discord_role_id; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(discord_role_id) ON TABLE app_public.staff_role_mappings TO coins_staff;

--
-- Name: COLUMN staff_role_mappings.staff_role; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT INSERT(staff_role),UPDATE(staff_role) ON TABLE app_public.staff_role_mappings TO coins_staff;

--
-- Name: TABLE transactions; Type: ACL; Schema: app_public; Owner: guildbank_owner
--

GRANT SELECT ON TABLE app_public.transactions TO coins_player;
GRANT SELECT ON TABLE app_public.transactions TO coins_staff;

--
-- PostgreSQL database dump complete
--
