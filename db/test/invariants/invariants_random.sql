begin;
select plan(16);
\ir ../lib/helpers.psql
-- A deterministic pseudo-random run (setseed) of 400 operations over two guilds, then the ledger invariants.
-- Guild A = 910000000000000001 and guild B = 920000000000000001, six members each (...011 to ...016), each
-- credited 300 coins by staff at the start. Guild B has its own tunables (daily 70, bonus 5, cap 25, at most
-- 2 gives per 120 s). Operations: daily claims at an advancing clock, gives (including invalid ones: self,
-- unknown or foreign recipients, bad amounts, frozen parties, overdrafts, rate limits, replayed and reused keys),
-- staff adjustments, holds that are later settled (with a fee; LG003 once expired) or voided (and sometimes resolved twice), and
-- freezes (of members 12 to 15). Refusals are caught in exception blocks, like a client's failed transaction.
create temp table op_log (i int primary key, op text not null, outcome text not null);
create temp table holds_log (id bigint primary key, guild_id bigint not null, resolved boolean not null default false);
create temp table keys_log (user_id bigint, key text, to_discord bigint, amount bigint);

do $$
declare
  v_guilds bigint[] := array[910000000000000001, 920000000000000001];
  v_t timestamptz := '2031-06-01 00:00+00';
  v_guild bigint;
  v_user bigint;
  v_to bigint;
  v_amount bigint;
  v_key text;
  v_hold holds_log;
  v_fee bigint;
  v_recipient bigint;
  v_op text;
  v_allowed text[];
  v_state text;
  v_msg text;
  x float8;
  v_pick_resolved boolean;
  k keys_log;
begin
  perform setseed(0.6);
  foreach v_guild in array v_guilds loop
    perform app_private.ensure_guild(v_guild, 'Random guild ' || v_guild);
    for m in 10..15 loop
      perform app_private.ensure_member(v_guild, v_guild + m, 'member ' || m);
      perform app_private.admin_adjust_by(v_guild + 89, 'ADMIN', pg_temp.uid(v_guild, v_guild + m), 300, 'starting balance', null, v_t);
    end loop;
  end loop;
  update app_public.guild_settings set daily_amount = 70, daily_streak_bonus = 5, daily_streak_bonus_cap = 25,
      give_rate_limit = 2, give_rate_window_s = 120
   where guild_id = 920000000000000001;

  for i in 1..400 loop
    -- the clock: mostly 0-5 seconds (bursts of gives), sometimes up to 30 hours (claims, broken streaks)
    v_t := v_t + case when random() < 0.95 then make_interval(secs => floor(random() * 6)::int)
                      else make_interval(mins => floor(random() * 1800)::int) end;
    v_guild := v_guilds[1 + floor(random() * 2)::int];
    -- a "hot" member acts half of the time, so rate limits are reached
    v_user := pg_temp.uid(v_guild, v_guild + case when random() < 0.5 then 10 else 10 + floor(random() * 6)::int end);
    x := random();
    v_op := case when x < 0.20 then 'claim' when x < 0.62 then 'give' when x < 0.72 then 'adjust'
                 when x < 0.84 then 'hold' when x < 0.96 then 'resolve' else 'freeze' end;
    begin
      case v_op
      when 'claim' then
        v_allowed := array['CD001', 'FZ001'];
        perform app_private.claim_daily_for(v_user, null, v_t);
      when 'give' then
        v_allowed := array['TR001', 'AM001', 'MB002', 'FZ001', 'FZ002', 'NF001', 'RL001', 'IK001'];
        if random() < 0.4 then
          -- a burst: the hot member pays member 11 a few coins (this is what reaches the rate limits)
          v_user := pg_temp.uid(v_guild, v_guild + 10);
          v_to := v_guild + 11;
          v_amount := 1 + floor(random() * 10)::bigint;
        else
          x := random();
          v_to := case when x < 0.80 then v_guild + 10 + floor(random() * 6)::int      -- a member (maybe oneself)
                       when x < 0.88 then (select discord_id from app_public.users where id = v_user)
                       when x < 0.94 then v_guild + 999                                    -- nobody
                       else v_guilds[1] + v_guilds[2] - v_guild + 10 end;                  -- a member of the other guild
          v_amount := case when random() < 0.08 then -floor(random() * 3)::bigint else 1 + floor(random() * 250)::bigint end;
        end if;
        v_key := 'give-' || i;
        if random() < 0.08 then
          select * into k from keys_log where user_id = v_user order by random() limit 1;
          if k.key is not null then
            v_key := k.key;
            if random() < 0.5 then v_to := k.to_discord; v_amount := k.amount; end if;  -- a true replay
          end if;
        end if;
        perform app_private.give_from(v_user, v_to, v_amount, v_key, v_t);
        insert into keys_log values (v_user, v_key, v_to, v_amount);
      when 'adjust' then
        v_allowed := array['AM001', 'NF001'];
        v_amount := floor(random() * 351)::bigint - 150;
        perform app_private.admin_adjust_by(v_guild + 89, 'OPERATOR', v_user, v_amount, 'random adjustment', null, v_t);
      when 'hold' then
        v_allowed := array['NF001'];
        insert into holds_log (id, guild_id)
          values (app_private.hold(v_guild, v_user, 1 + floor(random() * 200)::bigint, 'order', v_t + interval '15 minutes', null, v_t), v_guild);
      when 'resolve' then
        -- usually an open hold; 15 % of the time one already resolved (must be refused with LG002)
        v_pick_resolved := random() < 0.15;
        v_allowed := case when v_pick_resolved then array['LG002'] else array[]::text[] end;
        select * into v_hold from holds_log where resolved = v_pick_resolved order by random() limit 1;
        if v_hold.id is null then
          v_op := 'resolve_none';
        else
          update holds_log set resolved = true where id = v_hold.id;
          if random() < 0.5 then
            v_op := 'settle';
            -- an open hold past its timeout may only be voided: settling it must be refused with LG003
            if not v_pick_resolved and v_t > (select timeout_at from app_public.transfers where id = v_hold.id) then
              v_allowed := array['LG003'];
            end if;
            v_amount := (select amount from app_public.transfers where id = v_hold.id);
            v_fee := floor(v_amount * 0.08);
            v_recipient := pg_temp.acct(v_hold.guild_id, v_hold.guild_id + 10 + floor(random() * 6)::int);
            perform app_private.settle_hold(v_hold.id,
              jsonb_build_array(jsonb_build_object('account_id', v_recipient, 'amount', v_amount - v_fee))
                || case when v_fee > 0 then jsonb_build_array(jsonb_build_object('account_id', pg_temp.gacct(v_hold.guild_id, 'fees'),
                                                                                  'amount', v_fee, 'reason', 'fee'))
                        else '[]'::jsonb end,
              null, v_t);
          else
            v_op := 'void';
            perform app_private.void_hold(v_hold.id, 'void', null, v_t);
          end if;
        end if;
      when 'freeze' then
        -- freeze or unfreeze one of members 12 to 15 (never the hot member or the one it pays)
        v_allowed := array[]::text[];
        -- (the target is drawn first: random() inside the UPDATE's WHERE would be drawn once per scanned row, in heap
        -- order, which depends on the table's history and made the run differ between databases)
        v_to := v_guild + 12 + floor(random() * 4)::int;
        update app_public.users set frozen = not frozen where id = pg_temp.uid(v_guild, v_to);
      end case;
      insert into op_log values (i, v_op, 'ok');
    exception when others then
      get stacked diagnostics v_state = returned_sqlstate, v_msg = message_text;
      insert into op_log values (i, v_op, case when v_state = any (v_allowed) then v_state else 'UNEXPECTED ' || v_state || ' ' || v_msg end);
    end;
  end loop;
end $$;

-- The run exercised the rules -------------------------------------------------------------------------------------------------
select is_empty($$select * from op_log where outcome like 'UNEXPECTED%'$$, 'every refusal was one of the documented errors of its operation');
select ok((select bool_and(n >= 10) from (select count(*) filter (where outcome = 'ok') n from op_log
             where op in ('claim', 'give', 'adjust', 'hold', 'settle', 'void') group by op) s)
          and (select count(distinct op) from op_log where op in ('claim', 'give', 'adjust', 'hold', 'settle', 'void') and outcome = 'ok') = 6,
  'each kind of operation succeeded at least 10 times');
select is(array(select distinct outcome from op_log where outcome <> 'ok' order by 1),
  array['AM001', 'CD001', 'FZ001', 'FZ002', 'IK001', 'LG002', 'LG003', 'MB002', 'NF001', 'RL001', 'TR001'],
  'and every kind of refusal happened at least once');
select ok((select count(*) from app_public.transfers where pending_id is not null) >= 20
          and exists (select 1 from app_public.transfers where status = 'pending'),
  'holds were resolved, and some are still pending at the end');

-- Invariants ----------------------------------------------------------------------------------------------------------------------
select is_empty($$select * from app_public.verify_ledger()$$, 'verify_ledger() reports no violation');
select results_eq($$select guild_id, sum(balance)::bigint from app_public.accounts group by guild_id order by guild_id$$,
  $$values (910000000000000001::bigint, 0::bigint), (920000000000000001::bigint, 0::bigint)$$, 'per guild, the balances sum to zero');
select is_empty($$select a.id from app_public.accounts a
  where a.credits_posted <> coalesce((select sum(amount) from app_public.transfers t where t.credit_account_id = a.id), 0)
     or a.debits_posted <> coalesce((select sum(amount) from app_public.transfers t where t.debit_account_id = a.id), 0)$$,
  'every account''s credits_posted and debits_posted equal its transfers');
select is_empty($$select id, kind, balance from app_public.accounts where kind not in ('mint', 'external') and balance < 0$$,
  'no wallet, escrow, treasury or fees account is negative');
select is_empty($$
  with legs as (
    select t.amount, d.user_id as debit_user, c.user_id as credit_user
      from app_public.transfers t
      join app_public.accounts d on d.id = t.debit_account_id
      join app_public.accounts c on c.id = t.credit_account_id
     where t.currency = 'COIN')
  select u.id, app_public.users_lifetime_earned(u), app_public.users_lifetime_spent(u)
    from app_public.users u
   where app_public.users_lifetime_earned(u) <> coalesce((select sum(amount) from legs where credit_user = u.id and debit_user is distinct from u.id), 0)
      or app_public.users_lifetime_spent(u) <> coalesce((select sum(amount) from legs where debit_user = u.id and credit_user is distinct from u.id), 0)$$,
  'every member''s lifetime_earned / lifetime_spent equal the COIN transfers that crossed to / from another owner');
select is_empty($$select h.id from app_public.transfers h
  where h.pending_id is null and h.timeout_at is not null and h.status = 'posted' and h.resolved_at > h.timeout_at$$,
  'no hold was settled after its timeout (expired holds were only voided)');
select is_empty($$select a.id from app_public.accounts a where a.kind = 'escrow'
  and a.balance <> coalesce((select sum(amount) from app_public.transfers t where t.credit_account_id = a.id and t.status = 'pending'), 0)$$,
  'each escrow account holds exactly its pending holds');
select is_empty($$select t.tx_id from app_public.transactions t
  where t.reason in ('daily', 'give', 'admin_adjust')
    and (select count(*) from app_public.transfers tr where tr.tx_id = t.tx_id and tr.amount = t.amount) <> 1$$,
  'every claim, give and adjustment in the event log has exactly one transfer of its amount');
select is_empty($$select g.id from app_public.transfers g join app_public.guild_settings s on s.guild_id = g.guild_id
  where g.reason = 'give'
    and (select count(*) from app_public.transfers o where o.reason = 'give' and o.debit_account_id = g.debit_account_id
           and o.created_at > g.created_at - make_interval(secs => s.give_rate_window_s) and o.created_at <= g.created_at) > s.give_rate_limit$$,
  'no sender ever exceeded the guild''s give rate limit');
select is_empty($$select * from (
    select user_id, created_at, lag(created_at) over (partition by user_id order by created_at) as previous
      from app_public.transactions where reason = 'daily') d
  where created_at < previous + interval '24 hours'$$,
  'no member ever claimed twice within 24 hours');
select is_empty($$select u.id from app_public.users u
  where u.streak_days <> coalesce((select (t.meta->>'streak_days')::int from app_public.transactions t
                                    where t.user_id = u.id and t.reason = 'daily' order by t.created_at desc limit 1), 0)$$,
  'each member''s streak is the one recorded by their last claim');
select is((select count(*) from app_private.idempotency_keys where request->>'fn' = 'give'),
  (select count(*) from app_public.transactions where reason = 'give'), 'one idempotency key per give performed (replays add none)');
select * from finish();
rollback;
