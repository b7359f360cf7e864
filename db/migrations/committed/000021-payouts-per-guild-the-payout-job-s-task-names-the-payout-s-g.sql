--! Previous: sha1:a7b7a0b44e59ca61e66ecb1f6af289fa4cadab03
--! Hash: sha1:5527f90b331141a65e828a7573e8d51631461196
--! Message: Payouts per guild: the payout job's task names the payout's guild

-- Payouts per guild (issue 13, noticed at merge): the payout job's task names the payout's guild, so each guild's
-- listener runs only its own guild's payouts (before, any guild's runner could claim another guild's job, find no
-- payout it may see, and end it: that payout then stayed queued for ever).
--! Included minecraft/tg_minecraft_payouts__queue.sql
create or replace function app_private.tg_minecraft_payouts__queue() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
begin
  -- Retries only help while the payout is queued (the listener not logged in): the row's state machine, not the
  -- queue, decides, and app_hidden.payout_begin lets /pay out at most once. The task is the guild's own
  -- (minecraft__payout/<guild id>): each guild's listener runs only its guild's payouts (a runner claims only the
  -- task identifiers it knows), so another guild's runner never claims, misses and drops this job.
  perform graphile_worker.add_job('minecraft__payout/' || new.guild_id, json_build_object('payout_id', new.id),
    job_key := 'minecraft__payout:' || new.id, max_attempts := 25);
  return null;
end;
$$;

comment on function app_private.tg_minecraft_payouts__queue() is
  'Trigger: a new payout queues its job, task minecraft__payout/<guild id> (run by that guild''s minecraft/ process, '
  'and by no other guild''s), retried with backoff while the listener is not logged in (up to 25 attempts); once '
  'claimed (sent) a payout is never sent again. Source: seed 004 (payouts by /pay) and issue 13.';
--! EndIncluded minecraft/tg_minecraft_payouts__queue.sql
-- Jobs already queued under the old task move to their guild's (same job key: add_job replaces the job in place).
-- A database whose worker never started has no graphile_worker schema yet, and no jobs to move.
do $$
begin
  if to_regclass('graphile_worker.jobs') is not null then
    perform graphile_worker.add_job('minecraft__payout/' || p.guild_id, json_build_object('payout_id', p.id),
              job_key := 'minecraft__payout:' || p.id, max_attempts := 25)
       from app_public.minecraft_payouts p
       join graphile_worker.jobs j on j.key = 'minecraft__payout:' || p.id and j.task_identifier = 'minecraft__payout'
      where p.status = 'queued' and j.locked_at is null;
  end if;
end;
$$;
