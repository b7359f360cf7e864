--! Previous: sha1:c19df503147f01ab5090bfc4fde6bfb744ceb638
--! Hash: sha1:e276b21f5b8fbc5b9a7e780a9c670a2647e1e291
--! Message: issue 12: each ledger table holds its invariants in one CHECK constraint calling a PL/pgSQL row validator

-- Issue 12: each ledger table holds its invariants in one CHECK constraint calling a PL/pgSQL row validator instead
-- of one constraint per invariant. PostgreSQL re-reads every CHECK expression of a table from its stored text in each
-- statement that writes a row (16 per give: 17 % of its server instructions, callgrind); the validator's plan is
-- cached for the session. The invariants, their SQLSTATE (23514) and their names in errors are unchanged. The old
-- constraints held for every existing row, so the new ones are added NOT VALID and then validated.
--! Included core/raise_check_violation.sql
create or replace function app_private.raise_check_violation(p_table regclass, p_constraint text, p_row text)
returns void
language plpgsql immutable
as $$
begin
  -- The error PostgreSQL itself raises for a failing CHECK constraint, word for word.
  raise exception using
    errcode = 'check_violation',
    message = format('new row for relation "%s" violates check constraint "%s"', (select c.relname from pg_catalog.pg_class c where c.oid = p_table), p_constraint),
    detail = format('Failing row contains %s.', p_row),
    schema = (select n.nspname from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where c.oid = p_table),
    table = (select c.relname from pg_catalog.pg_class c where c.oid = p_table),
    constraint = p_constraint;
end;
$$;

comment on function app_private.raise_check_violation(regclass, text, text) is
  'Raises what PostgreSQL raises for a failing CHECK constraint (SQLSTATE 23514 check_violation; message, schema, table '
  'and constraint name; DETAIL with the failing row), for the row validators that hold several invariants in one CHECK '
  '(app_private.accounts_invariants, transfers_invariants, transactions_invariants): a client sees the same error as '
  'when each invariant was its own constraint. Source: issue 12 (hot paths).';
--! EndIncluded core/raise_check_violation.sql
--! Included ledger/accounts_invariants.sql
create or replace function app_private.accounts_invariants(r app_public.accounts)
returns boolean
language plpgsql immutable
as $$
begin
  -- One expression when every invariant holds (every write of the ledger).
  if r.balance = r.credits_posted - r.debits_posted and r.credits_posted >= 0 and r.debits_posted >= 0
     and r.lifetime_earned >= 0 and r.lifetime_spent >= 0
     and (r.kind in ('mint', 'external') or r.balance >= 0)
     and (r.kind in ('wallet', 'escrow')) = (r.user_id is not null) then
    return true;
  end if;
  -- Otherwise the first false one is named as its own CHECK constraint was; an unknown (null) one passes, as in SQL.
  if (r.balance = r.credits_posted - r.debits_posted) is false then
    perform app_private.raise_check_violation('app_public.accounts', 'accounts_balance_is_net', r::text);
  elsif (r.credits_posted >= 0) is false then
    perform app_private.raise_check_violation('app_public.accounts', 'accounts_credits_posted_check', r::text);
  elsif (r.debits_posted >= 0) is false then
    perform app_private.raise_check_violation('app_public.accounts', 'accounts_debits_posted_check', r::text);
  elsif (r.lifetime_earned >= 0 and r.lifetime_spent >= 0) is false then
    perform app_private.raise_check_violation('app_public.accounts', 'accounts_lifetime_check', r::text);
  elsif (r.kind in ('mint', 'external') or r.balance >= 0) is false then
    perform app_private.raise_check_violation('app_public.accounts', 'accounts_non_negative', r::text);
  elsif ((r.kind in ('wallet', 'escrow')) = (r.user_id is not null)) is false then
    perform app_private.raise_check_violation('app_public.accounts', 'accounts_owner_matches_kind', r::text);
  end if;
  return true;
end;
$$;

comment on function app_private.accounts_invariants(app_public.accounts) is
  'The CHECK constraint accounts_invariants: an account''s balance is its posted credits minus its posted debits '
  '(accounts_balance_is_net), both and the lifetime counters are never negative (accounts_credits_posted_check, '
  'accounts_debits_posted_check, accounts_lifetime_check), only the mint and external accounts may go below zero '
  '(accounts_non_negative: no negative balances), and wallets and escrows, only they, belong to a member '
  '(accounts_owner_matches_kind). A failing invariant raises 23514 check_violation under its own name '
  '(app_private.raise_check_violation). One constraint instead of six: PostgreSQL re-reads every CHECK expression of a '
  'table from its stored text in each statement that writes a row, which cost a give 17 % of its server instructions '
  'across the ledger tables (issue 12). Source: DESIGN.md "Money", issue 12.';
--! EndIncluded ledger/accounts_invariants.sql
--! Included ledger/transfers_invariants.sql
create or replace function app_private.transfers_invariants(r app_public.transfers)
returns boolean
language plpgsql immutable
as $$
begin
  -- One expression when every invariant holds (every write of the ledger).
  if r.amount > 0 and r.debit_account_id <> r.credit_account_id
     and (r.status <> 'pending' or r.timeout_at is not null)
     and (r.pending_id is null or r.status = 'posted')
     and r.reason ~ '^[a-z_]{1,40}$'
     and (r.status = 'pending') = (r.resolved_at is null)
     and (r.timeout_at is null or r.pending_id is null) then
    return true;
  end if;
  -- Otherwise the first false one is named as its own CHECK constraint was; an unknown (null) one passes, as in SQL.
  if (r.amount > 0) is false then
    perform app_private.raise_check_violation('app_public.transfers', 'transfers_amount_check', r::text);
  elsif (r.debit_account_id <> r.credit_account_id) is false then
    perform app_private.raise_check_violation('app_public.transfers', 'transfers_distinct_accounts', r::text);
  elsif (r.status <> 'pending' or r.timeout_at is not null) is false then
    perform app_private.raise_check_violation('app_public.transfers', 'transfers_holds_have_timeout', r::text);
  elsif (r.pending_id is null or r.status = 'posted') is false then
    perform app_private.raise_check_violation('app_public.transfers', 'transfers_legs_are_posted', r::text);
  elsif (r.reason ~ '^[a-z_]{1,40}$') is false then
    perform app_private.raise_check_violation('app_public.transfers', 'transfers_reason_check', r::text);
  elsif ((r.status = 'pending') = (r.resolved_at is null)) is false then
    perform app_private.raise_check_violation('app_public.transfers', 'transfers_resolution', r::text);
  elsif (r.timeout_at is null or r.pending_id is null) is false then
    perform app_private.raise_check_violation('app_public.transfers', 'transfers_timeout_only_on_holds', r::text);
  end if;
  return true;
end;
$$;

comment on function app_private.transfers_invariants(app_public.transfers) is
  'The CHECK constraint transfers_invariants: a positive amount (transfers_amount_check) between two different accounts '
  '(transfers_distinct_accounts); a pending transfer (a hold) has a timeout (transfers_holds_have_timeout) and only it '
  'is unresolved (transfers_resolution); the legs that settle a hold are posted (transfers_legs_are_posted) and carry '
  'no timeout (transfers_timeout_only_on_holds); a reason is a snake_case word of 1 to 40 letters '
  '(transfers_reason_check). A failing invariant raises 23514 check_violation under its own name '
  '(app_private.raise_check_violation). One constraint instead of seven, for the reason given on '
  'app_private.accounts_invariants (issue 12). Source: DESIGN.md "Money" (pending, posted and voided transfers), issue 12.';
--! EndIncluded ledger/transfers_invariants.sql
--! Included ledger/transactions_invariants.sql
create or replace function app_private.transactions_invariants(r app_public.transactions)
returns boolean
language plpgsql immutable
as $$
begin
  -- One expression when every invariant holds (every event logged).
  if r.amount >= 0 and jsonb_typeof(r.meta) = 'object' and length(r.reason) between 1 and 500 then
    return true;
  end if;
  -- Otherwise the first false one is named as its own CHECK constraint was; an unknown (null) one passes, as in SQL.
  if (r.amount >= 0) is false then
    perform app_private.raise_check_violation('app_public.transactions', 'transactions_amount_check', r::text);
  elsif (jsonb_typeof(r.meta) = 'object') is false then
    perform app_private.raise_check_violation('app_public.transactions', 'transactions_meta_check', r::text);
  elsif (length(r.reason) between 1 and 500) is false then
    perform app_private.raise_check_violation('app_public.transactions', 'transactions_reason_check', r::text);
  end if;
  return true;
end;
$$;

comment on function app_private.transactions_invariants(app_public.transactions) is
  'The CHECK constraint transactions_invariants on the event log: the amount is never negative '
  '(transactions_amount_check), meta is a JSON object (transactions_meta_check) and the reason has 1 to 500 characters '
  '(transactions_reason_check). A failing invariant raises 23514 check_violation under its own name '
  '(app_private.raise_check_violation). One constraint instead of three, for the reason given on '
  'app_private.accounts_invariants (issue 12). Source: seed 000 section 11 (the audit and event log), issue 12.';
--! EndIncluded ledger/transactions_invariants.sql
alter table app_public.accounts
  drop constraint if exists accounts_invariants,
  drop constraint if exists accounts_balance_is_net,
  drop constraint if exists accounts_credits_posted_check,
  drop constraint if exists accounts_debits_posted_check,
  drop constraint if exists accounts_lifetime_check,
  drop constraint if exists accounts_non_negative,
  drop constraint if exists accounts_owner_matches_kind,
  add constraint accounts_invariants check (app_private.accounts_invariants(accounts)) not valid;
alter table app_public.accounts validate constraint accounts_invariants;
alter table app_public.transfers
  drop constraint if exists transfers_invariants,
  drop constraint if exists transfers_amount_check,
  drop constraint if exists transfers_distinct_accounts,
  drop constraint if exists transfers_holds_have_timeout,
  drop constraint if exists transfers_legs_are_posted,
  drop constraint if exists transfers_reason_check,
  drop constraint if exists transfers_resolution,
  drop constraint if exists transfers_timeout_only_on_holds,
  add constraint transfers_invariants check (app_private.transfers_invariants(transfers)) not valid;
alter table app_public.transfers validate constraint transfers_invariants;
alter table app_public.transactions
  drop constraint if exists transactions_invariants,
  drop constraint if exists transactions_amount_check,
  drop constraint if exists transactions_meta_check,
  drop constraint if exists transactions_reason_check,
  add constraint transactions_invariants check (app_private.transactions_invariants(transactions)) not valid;
alter table app_public.transactions validate constraint transactions_invariants;
