--! Previous: sha1:1b388d9fc898b74365be48c14f20a06e126b8539
--! Hash: sha1:a1d9177146b403e2403b5a087ab051b220cd98ad
--! Message: ledger write path: watched-only notify, plpgsql helpers, no single-row fks, hot balance updates

-- Write-path performance of the ledger (measured by bench/ledger; see bench/README.md):
-- 1. NOTIFY only while a live-feed watcher holds a lease for the guild: PostgreSQL serialises the
--    commits of notifying transactions (one server-wide lock held through the WAL flush).
-- 2. The two hottest SQL helpers become PL/pgSQL (SQL functions that are not inlined are planned
--    again on every call).
-- 3. No foreign keys from the hot ledger tables to the single guild and currency rows (each give
--    took FOR KEY SHARE on them several times, creating MultiXacts); the rules derive guild and
--    currency from the accounts and members they lock, and verify_ledger checks them.
-- 4. Balance updates become HOT: no index contains accounts.balance.

-- 1. Live-feed leases --------------------------------------------------------------------------

create table app_private.stream_watchers (
  guild_id   bigint not null,
  instance   text not null check (length(instance) between 1 and 200),
  expires_at timestamptz not null,
  primary key (guild_id, instance)
);
comment on table app_private.stream_watchers is
  'Leases of server instances that have live-feed subscribers for a guild: transactions of that guild NOTIFY '
  'tx_stream only while a lease is current.';
alter table app_private.stream_watchers enable row level security;

create function app_private.watch_stream(p_guild_ids bigint[], p_instance text, p_ttl_s integer) returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
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
comment on function app_private.watch_stream(bigint[], text, integer) is
  'The stream hub of one server instance declares the guilds it has live-feed subscribers for (its whole set, renewed '
  'before the lease of p_ttl_s seconds runs out); guilds no longer listed lose this instance''s lease. Returns the '
  'leases held. VL001 for a ttl outside 5..3600 s.';
grant execute on function app_private.watch_stream(bigint[], text, integer) to guildbank_authenticator;

create or replace function app_private.tg__notify_stream() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
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
comment on function app_private.tg__notify_stream() is
  'Trigger: NOTIFY channel tg_argv[0] with the row''s guild id; for tx_stream only while a live-feed lease exists for '
  'the guild, because every notifying commit takes a server-wide lock through its WAL flush.';

-- 2. PL/pgSQL hot helpers ------------------------------------------------------------------------

create or replace function app_private.lock_members(p_user_ids bigint[])
returns setof app_public.users
language plpgsql
as $$
begin
  return query select * from app_public.users where id = any (p_user_ids) order by id for no key update;
end;
$$;

create or replace function app_private.idempotency_finish(p_guild_id bigint, p_actor_id bigint, p_key text, p_result jsonb)
returns void
language plpgsql
as $$
begin
  if p_key is not null then
    update app_private.idempotency_keys set result = p_result
     where guild_id = p_guild_id and actor_id = p_actor_id and key = p_key;
  end if;
end;
$$;

-- 3. Hot-table foreign keys to single rows -------------------------------------------------------

alter table app_public.transfers drop constraint transfers_guild_id_fkey, drop constraint transfers_currency_fkey;
alter table app_public.transactions drop constraint transactions_guild_id_fkey, drop constraint transactions_currency_fkey;
alter table app_private.idempotency_keys drop constraint idempotency_keys_guild_id_fkey;
comment on column app_public.transfers.guild_id is
  'The guild of both accounts (set by post_transfer from the accounts it locks; verify_ledger checks it).';
comment on column app_public.transactions.guild_id is 'The guild of the event (set by the rule that writes it).';

create function app_private.transfer_scope_violations(p_guild_id bigint) returns setof app_public.ledger_violation
language sql stable
as $$
  select 'transfer_matches_accounts', t.guild_id, t.currency, t.id, 0::bigint, 1::bigint
    from app_public.transfers t
    join app_public.accounts d on d.id = t.debit_account_id
    join app_public.accounts c on c.id = t.credit_account_id
   where (p_guild_id is null or t.guild_id = p_guild_id)
     and (d.guild_id <> t.guild_id or c.guild_id <> t.guild_id or d.currency <> t.currency or c.currency <> t.currency);
$$;
comment on function app_private.transfer_scope_violations(bigint) is
  'Ledger invariant: a transfer''s guild and currency are those of both its accounts (the foreign keys to guilds and '
  'currencies were dropped from the hot ledger tables for write throughput).';

create or replace function app_private.order_violations(p_guild_id bigint) returns setof app_public.ledger_violation
language sql stable
as $$
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
comment on function app_private.order_violations(bigint) is
  'Order invariant (DESIGN.md "Money"): an order in a final state has no pending transfer; fulfilled orders posted '
  'their hold, refunded and cancelled ones voided it, pending ones still hold it, for exactly the escrow amount. Also '
  'reports transfers whose guild or currency differ from their accounts'' (transfer_scope_violations).';

-- 4. HOT balance updates -------------------------------------------------------------------------

drop index app_public.accounts_leaderboard;
create index accounts_guild_wallets on app_public.accounts (guild_id) where kind = 'wallet';
comment on index app_public.accounts_guild_wallets is
  'Wallets of a guild (leaderboard, rank). Deliberately without balance, so balance updates stay HOT.';
