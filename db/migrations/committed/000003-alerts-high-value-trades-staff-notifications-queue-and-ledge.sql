--! Previous: sha1:0d6c102cbeab1315b700bcd38eb32cfc6c338850
--! Hash: sha1:1b388d9fc898b74365be48c14f20a06e126b8539
--! Message: alerts: high-value trades, staff notifications, queue and ledger health

-- Alerts to staff: high-value trades raise an ops alert; critical and high-value alerts queue a
-- notification job (posted to the guild's Discord alert webhook by the worker, rate-limited there).

alter table app_public.guild_settings
  add column high_value_threshold bigint not null default 10000 check (high_value_threshold > 0);
comment on column app_public.guild_settings.high_value_threshold is
  'A single movement of at least this many coins (a give, a purchase, a fulfilment, a staff adjustment) raises a '
  '''high_value_trade'' ops alert.';
grant update (high_value_threshold) on app_public.guild_settings to coins_staff;

create function app_private.tg_transactions__high_value() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
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
comment on function app_private.tg_transactions__high_value() is
  'Trigger: a COIN movement (give, purchase, fulfilment, adjustment) of at least the guild''s high_value_threshold raises '
  'a warning ops alert ''high_value_trade'' (seed 000 section 11 "high-value trade pings").';
create trigger _700_high_value after insert on app_public.transactions
  for each row execute function app_private.tg_transactions__high_value();

create function app_private.tg_ops_alerts__notify() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  if new.severity = 'critical' or new.kind = 'high_value_trade' then
    perform graphile_worker.add_job('alerts__notify', json_build_object('alert_id', new.id),
      job_key := 'alerts__notify:' || new.id, max_attempts := 5);
  end if;
  return null;
end;
$$;
comment on function app_private.tg_ops_alerts__notify() is
  'Trigger: critical alerts and high-value trades queue an alerts__notify job (the worker posts them to the Discord '
  'alert webhook, rate-limited).';
create trigger _500_notify_staff after insert on app_public.ops_alerts
  for each row execute function app_private.tg_ops_alerts__notify();

create function app_hidden.alert_for_notification(p_alert_id bigint)
returns table (id bigint, guild_id bigint, guild_name text, severity app_public.alert_severity, kind text, message text,
  detail jsonb, created_at timestamptz)
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select a.id, a.guild_id, g.name, a.severity, a.kind, a.message, a.detail, a.created_at
    from app_public.ops_alerts a left join app_public.guilds g on g.id = a.guild_id
   where a.id = p_alert_id;
$$;
comment on function app_hidden.alert_for_notification(bigint) is
  'alerts__notify job: re-reads an alert (with its guild''s name) to post it; no row when it is gone.';

create function app_hidden.queue_depth()
returns table (task_identifier text, ready bigint, scheduled bigint, locked bigint, failed bigint)
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
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
comment on function app_hidden.queue_depth() is
  'The job queue by task: ready, scheduled for later, running (locked), and permanently failed jobs (for /metrics and '
  'the panel''s queue badges).';

create table app_hidden.job_runs (
  task        text primary key check (task ~ '^[a-z_]+$'),
  finished_at timestamptz not null,
  outcome     jsonb not null default '{}'
);
comment on table app_hidden.job_runs is 'The last completed run of each periodic task (what /metrics reports as freshness).';
alter table app_hidden.job_runs enable row level security;

create function app_hidden.ledger_health()
returns table (violations bigint, last_verified_at timestamptz, open_critical_alerts bigint)
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select (select count(*) from app_public.ops_alerts where kind = 'ledger_violation' and acknowledged_at is null
            and created_at > now() - interval '2 days'),
         (select max(finished_at) from app_hidden.job_runs where task = 'ledger__verify'),
         (select count(*) from app_public.ops_alerts where severity = 'critical' and acknowledged_at is null);
$$;
comment on function app_hidden.ledger_health() is
  'For /metrics: unacknowledged ledger-violation alerts of the last 2 days, when ledger__verify last completed, and '
  'open critical alerts.';

create function app_hidden.record_job_run(p_task text, p_outcome jsonb default '{}') returns void
language sql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
  insert into app_hidden.job_runs (task, finished_at, outcome) values (p_task, now(), coalesce(p_outcome, '{}'))
  on conflict (task) do update set finished_at = excluded.finished_at, outcome = excluded.outcome;
$$;
comment on function app_hidden.record_job_run(text, jsonb) is 'Records that a periodic task completed (and its outcome).';

grant execute on function app_hidden.alert_for_notification(bigint), app_hidden.queue_depth(),
  app_hidden.ledger_health(), app_hidden.record_job_run(text, jsonb)
  to coins_worker;
