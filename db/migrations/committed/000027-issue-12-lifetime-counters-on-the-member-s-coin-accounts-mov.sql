--! Previous: sha1:4bfa005a291c10d1ce3f4f62209c8a82d2bbb605
--! Hash: sha1:898159c73485b60e62aef6ff9d3eb22fd46b7898
--! Message: issue 12: lifetime counters on the member's COIN accounts, moved by the same update as the balances; users.lifetime_earned / lifetime_spent become computed columns

-- Issue 12: the lifetime counters move from the member row to the member's COIN accounts. Every transfer
-- already updates both accounts' rows; it also updated both members' rows (wide rows, seven checks) only for
-- these counters: about 15 % of a give's time on the database. users.lifetime_earned / lifetime_spent
-- become computed columns (the GraphQL fields keep their names): the sum over the member's COIN accounts.
alter table app_public.accounts add column if not exists lifetime_earned bigint not null default 0;
alter table app_public.accounts add column if not exists lifetime_spent bigint not null default 0;
alter table app_public.accounts drop constraint if exists accounts_lifetime_check;
alter table app_public.accounts add constraint accounts_lifetime_check check (lifetime_earned >= 0 and lifetime_spent >= 0);
comment on column app_public.accounts.lifetime_earned is
  'COIN this account received from an account of another owner (member COIN accounts only; maintained by post_transfer).';
comment on column app_public.accounts.lifetime_spent is
  'COIN this account paid to an account of another owner (member COIN accounts only; maintained by post_transfer).';

-- The counters so far go to each member's COIN wallet (their sum over the member's accounts is what counts).
do $$
begin
  if exists (select 1 from information_schema.columns
              where table_schema = 'app_public' and table_name = 'users' and column_name = 'lifetime_earned') then
    execute $sql$
      update app_public.accounts a set lifetime_earned = u.lifetime_earned, lifetime_spent = u.lifetime_spent
        from app_public.users u
       where a.user_id = u.id and a.currency = 'COIN' and a.kind = 'wallet'
         and (u.lifetime_earned <> 0 or u.lifetime_spent <> 0)
    $sql$;
  end if;
end
$$;

--! Included members/users_lifetime_earned.sql
create or replace function app_public.users_lifetime_earned(u app_public.users) returns bigint
language sql stable set search_path = pg_catalog, public, pg_temp
as $$
  select coalesce(sum(a.lifetime_earned), 0)::bigint from app_public.accounts a where a.user_id = u.id and a.currency = 'COIN';
$$;

comment on function app_public.users_lifetime_earned(app_public.users) is
  'Computed column: coins the member ever received from another owner (the sum of accounts.lifetime_earned over their '
  'COIN accounts, maintained by app_private.post_transfer; issue 12 moved the counter off the member row). Runs with '
  'the caller''s rights, so RLS on accounts decides what it may read (0 otherwise).';
--! EndIncluded members/users_lifetime_earned.sql
--! Included members/users_lifetime_spent.sql
create or replace function app_public.users_lifetime_spent(u app_public.users) returns bigint
language sql stable set search_path = pg_catalog, public, pg_temp
as $$
  select coalesce(sum(a.lifetime_spent), 0)::bigint from app_public.accounts a where a.user_id = u.id and a.currency = 'COIN';
$$;

comment on function app_public.users_lifetime_spent(app_public.users) is
  'Computed column: coins the member ever paid to another owner (the sum of accounts.lifetime_spent over their COIN '
  'accounts, maintained by app_private.post_transfer; issue 12 moved the counter off the member row). Runs with the '
  'caller''s rights, so RLS on accounts decides what it may read (0 otherwise).';
--! EndIncluded members/users_lifetime_spent.sql
revoke all on function app_public.users_lifetime_earned(app_public.users) from public;
revoke all on function app_public.users_lifetime_spent(app_public.users) from public;
grant execute on function app_public.users_lifetime_earned(app_public.users) to coins_player, coins_staff;
grant execute on function app_public.users_lifetime_spent(app_public.users) to coins_player, coins_staff;
--! Included ledger/post_transfer.sql
create or replace function app_private.post_transfer(
  p_guild_id bigint,
  p_debit_account_id bigint,
  p_credit_account_id bigint,
  p_amount bigint,
  p_reason text,
  p_tx_id uuid default null,
  p_status app_public.transfer_status default 'posted',
  p_pending_id bigint default null,
  p_timeout_at timestamptz default null,
  p_at timestamptz default now()
) returns bigint
language plpgsql
as $$
declare
  v_moved int;
  v_currencies int;
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

  -- One statement moves both balances, their lifetime counters and records the transfer (issue 12: it was
  -- three, and the counters were on the member rows). The debit side only moves if it can afford it; the
  -- WHERE clause is re-checked on the latest row version after the row lock is taken. The lifetime counters
  -- (in coins) move only when COIN crosses between owners: holds and voids stay with the member, and the
  -- guild's own accounts have none. The transfer is only recorded when both sides moved in one currency;
  -- otherwise the errors below abort the transaction.
  with moved as (
    update app_public.accounts a
       set balance = a.balance + case when a.id = p_credit_account_id then p_amount else -p_amount end,
           credits_posted = a.credits_posted + case when a.id = p_credit_account_id then p_amount else 0 end,
           debits_posted = a.debits_posted + case when a.id = p_debit_account_id then p_amount else 0 end,
           lifetime_earned = a.lifetime_earned + case when a.id = p_credit_account_id and a.currency = 'COIN'
             and a.user_id is not null and a.user_id is distinct from o.user_id then p_amount else 0 end,
           lifetime_spent = a.lifetime_spent + case when a.id = p_debit_account_id and a.currency = 'COIN'
             and a.user_id is not null and a.user_id is distinct from o.user_id then p_amount else 0 end
      from app_public.accounts o
     where a.id in (p_debit_account_id, p_credit_account_id)
       and o.id = case when a.id = p_debit_account_id then p_credit_account_id else p_debit_account_id end
       and a.guild_id = p_guild_id
       and (a.id = p_credit_account_id or a.kind in ('mint', 'external') or a.balance >= p_amount)
    returning a.id, a.currency
  ), sides as (
    select count(*) as n, count(distinct currency) as currencies, min(currency) as currency from moved
  ), posted as (
    insert into app_public.transfers (guild_id, debit_account_id, credit_account_id, currency, amount, status,
        pending_id, timeout_at, resolved_at, reason, tx_id, created_at)
      select p_guild_id, p_debit_account_id, p_credit_account_id, s.currency, p_amount, p_status,
        p_pending_id, p_timeout_at, case when p_status = 'posted' then p_at end, p_reason, p_tx_id, p_at
        from sides s where s.n = 2 and s.currencies = 1
    returning id
  )
  select s.n, s.currencies, (select id from posted) into v_moved, v_currencies, v_id from sides s;

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

  return v_id;
end;
$$;

comment on function app_private.post_transfer(bigint, bigint, bigint, bigint, text, uuid, app_public.transfer_status, bigint, timestamptz, timestamptz) is
  'The single writer of the ledger. Moves p_amount (minor units, > 0) from the debit to the credit account of the same '
  'guild and currency, updating both balances and their lifetime counters (COIN crossing between owners: '
  'accounts.lifetime_earned / lifetime_spent, issue 12) in one statement, and records the transfer (posted, or pending '
  'for a hold into escrow). Member rows must already be locked (app_private.lock_members). Errors: AM001 invalid_amount, '
  'NF001 insufficient_funds (the debit account cannot go below zero; DETAIL needed, available and their currency, '
  'issue 17), LG001 ledger_violation. Design: DESIGN.md "Money".';
--! EndIncluded ledger/post_transfer.sql
--! Included seasons/season_score.sql
create or replace function app_private.season_score(p_season_id bigint, p_user app_public.users) returns bigint
language sql stable
as $$
  select greatest(0, app_public.users_lifetime_earned(p_user) - coalesce(
    (select s.baseline from app_public.season_standings s where s.season_id = p_season_id and s.user_id = p_user.id), 0));
$$;

comment on function app_private.season_score(bigint, app_public.users) is
  'A member''s score in a running season: what they earned since it started (lifetime_earned minus the baseline taken '
  'at the start; a member who joined later starts from 0). Source: issue 14 ("seasons for the leaderboard").';
--! EndIncluded seasons/season_score.sql
--! Included seasons/start_season_for.sql
create or replace function app_private.start_season_for(p_guild_id bigint, p_name text, p_length_days integer,
  p_auto_renew boolean, p_by bigint, p_at timestamptz default now())
returns app_public.seasons
language plpgsql volatile
as $$
declare
  v_season app_public.seasons;
begin
  if p_length_days is null or p_length_days not between 1 and 366 then
    perform app_private.raise_error('SN003', 'invalid_season_length', jsonb_build_object('length_days', p_length_days));
  end if;
  if exists (select 1 from app_public.seasons s where s.guild_id = p_guild_id and s.status = 'active') then
    perform app_private.raise_error('SN001', 'season_already_active',
      (select jsonb_build_object('name', s.name, 'ends_at', s.ends_at) from app_public.seasons s
        where s.guild_id = p_guild_id and s.status = 'active'));
  end if;
  insert into app_public.seasons (guild_id, number, name, starts_at, ends_at, length_days, auto_renew, created_by, created_at, updated_at)
    values (p_guild_id,
            coalesce((select max(s.number) from app_public.seasons s where s.guild_id = p_guild_id), 0) + 1,
            coalesce(nullif(btrim(p_name), ''),
                     'Season ' || (coalesce((select max(s.number) from app_public.seasons s where s.guild_id = p_guild_id), 0) + 1)),
            p_at, p_at + make_interval(days => p_length_days), p_length_days, coalesce(p_auto_renew, true), p_by, p_at, p_at)
    returning * into v_season;
  -- Everybody starts from what they have earned so far: the season counts from here.
  insert into app_public.season_standings (season_id, guild_id, user_id, baseline)
    select v_season.id, p_guild_id, u.id, app_public.users_lifetime_earned(u) from app_public.users u
     where u.guild_id = p_guild_id and not u.is_bot;
  return v_season;
end;
$$;

comment on function app_private.start_season_for(bigint, text, integer, boolean, bigint, timestamptz) is
  'Starts a guild''s next season at p_at for p_length_days (number = last + 1, default name "Season N"), taking every '
  'member''s baseline. Errors: SN001 season_already_active, SN003 invalid_season_length. See app_public.start_season.';
--! EndIncluded seasons/start_season_for.sql
--! Included seasons/archive_season.sql
create or replace function app_private.archive_season(p_season_id bigint, p_at timestamptz default now())
returns app_public.seasons
language plpgsql volatile
as $$
declare
  v_season app_public.seasons;
  v_top record;
begin
  select * into v_season from app_public.seasons s where s.id = p_season_id and s.status = 'active' for update;
  if v_season.id is null then
    return null;
  end if;
  -- Members who joined during the season get their row (baseline 0) so the final table is complete.
  insert into app_public.season_standings (season_id, guild_id, user_id, baseline)
    select v_season.id, v_season.guild_id, u.id, 0 from app_public.users u
     where u.guild_id = v_season.guild_id and not u.is_bot
  on conflict (season_id, user_id) do nothing;
  with scores as (
    select s.user_id, greatest(0, app_public.users_lifetime_earned(u) - s.baseline) as score, u.discord_id
      from app_public.season_standings s join app_public.users u on u.id = s.user_id
     where s.season_id = v_season.id
  ), ranked as (
    select user_id, score, (rank() over (order by score desc))::int as rnk from scores
  )
  update app_public.season_standings s set final_score = r.score, final_rank = r.rnk
    from ranked r where s.season_id = v_season.id and s.user_id = r.user_id;
  update app_public.seasons s set status = 'archived', archived_at = p_at,
         ends_at = case when p_at > s.starts_at then least(s.ends_at, p_at) else s.ends_at end
   where s.id = v_season.id
   returning * into v_season;
  -- Podium badges: a final rank within the badge's threshold, with a score.
  for v_top in
    insert into app_public.member_badges (guild_id, user_id, badge_code, awarded_at, detail)
      select b.guild_id, s.user_id, b.code, p_at,
             jsonb_build_object('rule', 'season_top', 'season', v_season.number, 'rank', s.final_rank, 'score', s.final_score)
        from app_public.season_standings s
        join app_public.badges b on b.guild_id = s.guild_id and b.rule = 'season_top' and b.enabled
       where s.season_id = v_season.id and s.final_rank <= b.threshold and s.final_score > 0
    on conflict (user_id, badge_code) do nothing
    returning user_id, badge_code
  loop
    perform app_private.notify(v_top.user_id, 'badge_awarded', 'badge:' || v_top.badge_code,
      (select jsonb_build_object('code', b.code, 'name', b.name, 'emoji', b.emoji, 'description', b.description)
         from app_public.badges b where b.guild_id = v_season.guild_id and b.code = v_top.badge_code), p_at);
  end loop;
  return v_season;
end;
$$;

comment on function app_private.archive_season(bigint, timestamptz) is
  'Archives a running season at p_at once: every member''s final score (earned during the season) and rank (ties '
  'share a rank), the season archived (an early end moves ends_at to p_at unless the season had not begun), season_top badges to the podium. An '
  'archived season is left alone (returns null). Source: issue 14.';
--! EndIncluded seasons/archive_season.sql
--! Included members/my_card.sql
create or replace function app_public.my_card() returns app_public.member_card
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users := app_private.current_member();
  v_balance bigint := app_public.users_wallet_balance(v_user);
  v_season app_public.seasons;
  v_score bigint;
begin
  select * into v_season from app_public.seasons s where s.guild_id = v_user.guild_id and s.status = 'active';
  if v_season.id is not null then
    v_score := app_private.season_score(v_season.id, v_user);
  end if;
  return (
    v_user.discord_id, v_user.display_name, v_balance, app_public.users_escrow_balance(v_user),
    case when v_user.last_daily_at is null or now() <= v_user.last_daily_at + interval '48 hours'
         then v_user.streak_days else 0 end,
    v_user.last_daily_at,
    coalesce(greatest(v_user.last_daily_at + interval '24 hours', now()), now()),
    -- Badges earned by rule (issue 14), oldest first, then any set by hand on the member row.
    coalesce((select jsonb_agg(jsonb_build_object('code', b.code, 'name', b.name, 'emoji', b.emoji,
                'awarded_at', m.awarded_at) order by m.awarded_at, b.code)
                from app_public.member_badges m
                join app_public.badges b on b.guild_id = m.guild_id and b.code = m.badge_code
               where m.user_id = v_user.id), '[]'::jsonb) || v_user.badges,
    case when v_season.id is null then
      (select 1 + count(*) from app_public.accounts a join app_public.users u on u.id = a.user_id
        where a.guild_id = v_user.guild_id and a.currency = 'COIN' and a.kind = 'wallet'
          and not u.is_bot and a.balance > v_balance)::int
    else
      (select 1 + count(*) from app_public.users u
         left join app_public.season_standings st on st.season_id = v_season.id and st.user_id = u.id
        where u.guild_id = v_user.guild_id and not u.is_bot
          and greatest(0, app_public.users_lifetime_earned(u) - coalesce(st.baseline, 0)) > v_score)::int
    end,
    app_public.users_lifetime_earned(v_user), app_public.users_lifetime_spent(v_user), v_user.frozen,
    coalesce((select jsonb_agg(jsonb_build_object('tx_id', t.tx_id, 'type', t.type, 'amount', t.amount, 'currency', t.currency,
                'direction', case when t.user_id = v_user.id and t.type in ('earn', 'refund') then 'in'
                                  when t.counterparty_id = v_user.id then 'in'
                                  when t.type = 'flag' then 'none' else 'out' end,
                'reason', t.reason, 'created_at', t.created_at) order by t.created_at desc, t.seq desc)
                from (select * from app_public.transactions t
                       where t.user_id = v_user.id or t.counterparty_id = v_user.id
                       order by t.created_at desc, t.seq desc limit 3) t), '[]'::jsonb),
    v_season.name, v_score
  )::app_public.member_card;
end;
$$;

comment on function app_public.my_card() is
  'The calling member''s card: wallet and escrow balances, current streak (0 once broken), next daily claim time, badges '
  '(earned by rule, issue 14, then any set on the member row), rank (while a season runs: the season rank, 1 + members '
  'who earned more during it, with season_name and season_score; otherwise 1 + members with a higher wallet balance), lifetime counters and the last 3 transactions with direction and '
  'currency (amounts in minor units of it: a Minecraft payment is MCD, scale 2; issue 17). '
  'Errors: AU001 not_authenticated, MB001 member_not_registered. Source: seed 000 section 4 (My Card).';
--! EndIncluded members/my_card.sql
--! Included invariants/verify_ledger.sql
create or replace function app_public.verify_ledger(guild_id bigint default null) returns setof app_public.ledger_violation
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
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
           f.earned + f.spent, app_public.users_lifetime_earned(u) + app_public.users_lifetime_spent(u)
      from app_public.users u join flows f on f.user_id = u.id
     where app_public.users_lifetime_earned(u) <> f.earned or app_public.users_lifetime_spent(u) <> f.spent;
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
  -- 10. Middleman trades agree with their holds (issue 13).
  return query select * from app_private.mm_violations(v_guild);
  -- 11. Every transfer's journal entry exists, live or archived (issue 14: the archive moves journal rows, never transfers).
  return query
    select 'transfer_has_journal_entry', t.guild_id, t.currency, t.debit_account_id, 1::bigint, 0::bigint
      from app_public.transfers t
     where (v_guild is null or t.guild_id = v_guild) and t.tx_id is not null
       and not exists (select 1 from app_public.transactions x where x.tx_id = t.tx_id)
       and not exists (select 1 from app_public.transactions_archive a where a.tx_id = t.tx_id);
end;
$$;

comment on function app_public.verify_ledger(bigint) is
  'Returns every violated ledger invariant (empty = healthy): per guild and currency the balances sum to zero; each '
  'balance equals the sum of its postings, and its credit/debit totals those of its transfers; each member''s lifetime '
  'counters equal what crossed between them and others; no member/treasury/fees balance is negative; each escrow account equals its '
  'pending holds; each resolved hold was paid out exactly once and in full; every order agrees with its hold (no '
  'pending transfer behind a settled order); each card copy has one owner of its guild or is burned; print numbers of '
  'a template are 1..copies_created without gaps; an active card listing''s copy belongs to its seller; every middleman '
  'trade agrees with its holds (mm_violations, issue 13); every transfer''s journal entry exists in transactions or transactions_archive (issue 14 archive). Staff (any role) check their own guild; the '
  'worker and the owner may check one guild or all (null). Errors: AU001, PD001 permission_denied. Source: DESIGN.md "Money".';
--! EndIncluded invariants/verify_ledger.sql

alter table app_public.users drop column if exists lifetime_earned;
alter table app_public.users drop column if exists lifetime_spent;
