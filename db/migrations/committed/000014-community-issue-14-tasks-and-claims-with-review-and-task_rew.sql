--! Previous: sha1:95596bd6dc7c0a9c2feadbaf63a829e965a5385a
--! Hash: sha1:60724fdceb8b9efb981e35650fc24c54814d62f3
--! Message: Community (issue 14): tasks and claims with review and task_reward from the mint, announcements and saved embeds, custom commands, #shop posts of rewards; expiry, publish and sync jobs; discord__* jobs queued by triggers

-- Community (issue 14, seed 003): tasks with proof review (seed 003 "Task Claim and Completion", "Currency <-> Task
-- Integration", "Task System Discord-Dashboard Sync"): tasks, claims, their rules, the guild's task settings,
-- the expiry and sync jobs, and the discord__* jobs that keep the task channel, the review channel, roles and
-- DMs in step. Idempotent: drops what it creates first.

drop trigger if exists _500_discord_shop on app_public.rewards;
drop function if exists app_private.tg_rewards__discord_shop();
drop function if exists app_hidden.discord_reward(bigint, text);
drop function if exists app_hidden.record_reward_sync(bigint, text, text);
drop function if exists app_hidden.record_reward_sync(bigint, text, text, timestamptz);
drop function if exists app_hidden.requeue_reward_sync(timestamptz);
alter table app_public.rewards drop column if exists sync_state, drop column if exists synced_at;
alter table app_public.discord_messages drop constraint if exists discord_messages_subject_type_check;
delete from app_public.discord_messages where subject_type = 'reward';
alter table app_public.discord_messages add constraint discord_messages_subject_type_check
  check (subject_type in ('hub', 'leaderboard', 'transaction', 'listing', 'digest', 'mm_public', 'mm_log', 'mm_dispute'));
drop function if exists app_public.custom_command(text);
drop function if exists app_public.custom_command_names(text);
drop table if exists app_public.custom_commands;
drop trigger if exists _500_schedule on app_public.announcements;
drop function if exists app_private.tg_announcements__schedule();
drop function if exists app_hidden.publish_due_announcements(timestamptz);
drop function if exists app_public.delete_announcement(bigint);
drop function if exists app_public.announce_task(bigint, bigint, timestamptz, boolean);
drop function if exists app_hidden.discord_announcement(bigint);
drop function if exists app_hidden.record_announcement_message(bigint, bigint, text, boolean);
drop function if exists app_hidden.record_announcement_message(bigint, bigint, text, boolean, timestamptz);
drop table if exists app_public.announcements;
drop table if exists app_public.saved_embeds;
drop function if exists app_hidden.embed_valid(jsonb);
drop trigger if exists _800_discord on app_public.task_claims;
drop trigger if exists _500_discord on app_public.tasks;
drop function if exists app_private.tg_task_claims__discord();
drop function if exists app_private.tg_tasks__discord();
drop function if exists app_private.queue_task_job(bigint, text, jsonb, text);
drop function if exists app_public.claim_task(bigint, text);
drop function if exists app_private.claim_task_for(bigint, bigint, bigint[], text, timestamptz);
drop function if exists app_public.submit_task_proof(bigint, text, jsonb, text);
drop function if exists app_private.submit_task_proof_for(bigint, bigint, text, jsonb, text, timestamptz);
drop function if exists app_public.review_task_claim(bigint, boolean, text, text);
drop function if exists app_private.review_task_claim_by(bigint, app_public.staff_role, bigint, boolean, text, text, timestamptz);
drop function if exists app_public.delete_task(bigint);
drop function if exists app_public.my_task_claims();
drop function if exists app_public.tasks_slots_taken(app_public.tasks);
drop function if exists app_public.tasks_completed_count(app_public.tasks);
drop function if exists app_public.tasks_proof_required_effective(app_public.tasks);
drop function if exists app_private.task_proof_attachments_valid(jsonb);
drop function if exists app_private.current_discord_role_ids();
drop function if exists app_hidden.expire_tasks(timestamptz);
drop function if exists app_hidden.requeue_task_sync(timestamptz);
drop function if exists app_hidden.discord_task(bigint);
drop function if exists app_hidden.discord_task_claim(bigint);
drop function if exists app_hidden.record_task_message(bigint, bigint, bigint, text);
drop function if exists app_hidden.record_task_message(bigint, bigint, bigint, text, timestamptz);
drop function if exists app_hidden.record_task_review_message(bigint, bigint, bigint);
drop function if exists app_hidden.record_task_delivery(bigint, text, text, text);
drop table if exists app_public.task_claims;
drop table if exists app_public.tasks;
drop type if exists app_public.task_claim_status;
alter table app_public.guild_settings
  drop column if exists allow_user_tasks,
  drop column if exists max_tasks_per_user,
  drop column if exists auto_expire_enabled,
  drop column if exists require_proof,
  drop column if exists task_channel_id,
  drop column if exists review_channel_id;

--------------------------------------------------------------------------------
-- Guild settings of tasks (seed 003 "Tasks Data Structure" settings, issue 14)
--------------------------------------------------------------------------------

alter table app_public.guild_settings
  add column allow_user_tasks boolean not null default true,
  add column max_tasks_per_user integer not null default 10 check (max_tasks_per_user between 1 and 100),
  add column auto_expire_enabled boolean not null default true,
  add column require_proof boolean not null default true,
  add column task_channel_id bigint check (task_channel_id > 0),
  add column review_channel_id bigint check (review_channel_id > 0);
comment on column app_public.guild_settings.allow_user_tasks is
  'Members may claim tasks (the seed''s user_tasks). Off: every claim is refused (TK012).';
comment on column app_public.guild_settings.max_tasks_per_user is
  'How many claims a member may hold at once (in progress or waiting for review).';
comment on column app_public.guild_settings.auto_expire_enabled is
  'The tasks__expire job closes tasks past their expiry and expires overdue claims. Off: nothing expires by itself.';
comment on column app_public.guild_settings.require_proof is
  'Default of a task''s proof_required (a task with proof_required null follows this).';
comment on column app_public.guild_settings.task_channel_id is
  'The Discord channel where the bot posts each task with its Claim and Submit Proof buttons (null: tasks are not posted).';
comment on column app_public.guild_settings.review_channel_id is
  'The Discord channel where submitted proofs are posted for staff with Accept and Reject (null: review in the panel only).';
grant update (allow_user_tasks, max_tasks_per_user, auto_expire_enabled, require_proof, task_channel_id, review_channel_id)
  on app_public.guild_settings to coins_staff;

--------------------------------------------------------------------------------
-- Tasks and claims
--------------------------------------------------------------------------------

create table app_public.tasks (
  id                  bigint generated always as identity primary key,
  guild_id            bigint not null references app_public.guilds on delete cascade,
  name                text not null check (length(btrim(name)) between 1 and 100),
  description         text not null default '' check (length(description) <= 2000),
  reward              bigint not null check (reward between 1 and 1000000000000),
  category            text not null default 'General' check (length(btrim(category)) between 1 and 50),
  duration_hours      integer not null default 24 check (duration_hours between 1 and 8760),
  expires_at          timestamptz,
  max_claims          integer check (max_claims is null or max_claims between 1 and 100000),
  assigned_member_ids bigint[] not null default '{}' check (cardinality(assigned_member_ids) <= 100
                        and array_position(assigned_member_ids, null) is null),
  required_role_id    bigint check (required_role_id > 0),
  grant_role_id       bigint check (grant_role_id > 0),
  proof_required      boolean,
  status              text not null default 'active' check (status in ('active', 'closed', 'expired', 'deleted')),
  channel_id          bigint check (channel_id > 0),
  message_id          bigint check (message_id > 0),
  sync_state          text not null default 'pending' check (sync_state in ('pending', 'synced', 'orphaned')),
  synced_at           timestamptz,
  created_by          bigint default app_public.current_discord_id(),
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  unique (guild_id, id)
);
comment on table app_public.tasks is
  E'@behavior -delete\nCommunity tasks (seed 003 "Tasks Data Structure"): members claim one, do it within duration_hours, submit '
  'proof, and staff accept (the reward is paid from the mint) or reject it. Staff (SUPERADMIN, ADMIN, OPERATOR) create '
  'and edit them directly (audited); deleting is app_public.delete_task (the Discord messages go first). Members see '
  'the active tasks of their guild. Each task''s Discord message has a sync state (pending, synced, orphaned) that the '
  'discord__task job converges. Source: issue 14.';
comment on column app_public.tasks.reward is 'Coins (minor units of COIN) paid from the mint when a claim is accepted.';
comment on column app_public.tasks.duration_hours is 'Hours a member has, from claiming, to submit proof (the claim''s deadline).';
comment on column app_public.tasks.expires_at is 'When the task closes to new claims (null: never). The tasks__expire job marks it expired.';
comment on column app_public.tasks.max_claims is 'Slots: claims that may be in progress, submitted or accepted at once (null: unlimited).';
comment on column app_public.tasks.assigned_member_ids is 'Discord ids of the only members who may claim it (empty: anyone).';
comment on column app_public.tasks.required_role_id is 'A Discord role a member must have to claim (checked from the roles the bot passes).';
comment on column app_public.tasks.grant_role_id is 'A Discord role granted on acceptance (the discord__task_role job).';
comment on column app_public.tasks.proof_required is 'Whether a submission needs text or an attachment (null: the guild''s require_proof).';
comment on column app_public.tasks.sync_state is 'pending: its Discord message is not (yet) up to date; synced: it is; orphaned: it was deleted and could not be posted again.';
create index tasks_guild_status on app_public.tasks (guild_id, status);
create index tasks_expiring on app_public.tasks (expires_at) where status = 'active' and expires_at is not null;
create index tasks_pending_sync on app_public.tasks (guild_id) where sync_state = 'pending';
create trigger _100_timestamps before insert or update on app_public.tasks
  for each row execute function app_private.tg__timestamps();
create trigger _050_require_staff before insert or update or delete on app_public.tasks
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');
create trigger _900_audit after insert or update or delete on app_public.tasks
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('task', 'id');

create type app_public.task_claim_status as enum ('in_progress', 'submitted', 'accepted', 'rejected', 'expired');

create table app_public.task_claims (
  id                 bigint generated always as identity primary key,
  guild_id           bigint not null,
  task_id            bigint not null,
  user_id            bigint not null references app_public.users on delete cascade,
  status             app_public.task_claim_status not null default 'in_progress',
  claimed_at         timestamptz not null default now(),
  deadline           timestamptz not null,
  proof_text         text not null default '' check (length(proof_text) <= 2000),
  proof_attachments  jsonb not null default '[]' check (jsonb_typeof(proof_attachments) = 'array'),
  submitted_at       timestamptz,
  reviewer_id        bigint,
  review_note        text not null default '' check (length(review_note) <= 500),
  reviewed_at        timestamptz,
  completed_at       timestamptz,
  expired_at         timestamptz,
  tx_id              uuid references app_public.transactions (tx_id),
  review_channel_id  bigint check (review_channel_id > 0),
  review_message_id  bigint check (review_message_id > 0),
  role_status        text not null default 'none' check (role_status in ('none', 'pending', 'granted', 'failed')),
  dm_status          text not null default 'none' check (dm_status in ('none', 'pending', 'sent', 'failed')),
  delivery_error     text check (length(delivery_error) <= 500),
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  foreign key (guild_id, task_id) references app_public.tasks (guild_id, id) on delete cascade,
  check (deadline > claimed_at),
  check ((status = 'accepted') = (tx_id is not null)),
  check (status in ('in_progress', 'expired') or submitted_at is not null),
  check (status not in ('accepted', 'rejected') or (reviewer_id is not null and reviewed_at is not null))
);
comment on table app_public.task_claims is
  E'@behavior -insert -update -delete\nA member''s claim of a task (the seed''s user_tasks): in_progress -> submitted -> accepted | '
  'rejected, or expired when the deadline passes before proof. Written by claim_task, submit_task_proof, '
  'review_task_claim and the tasks__expire job only. role_status and dm_status record the discord__task_role and '
  'discord__task_dm jobs (a failed DM is recorded, not retried forever). Source: issue 14, seed 003.';
comment on column app_public.task_claims.proof_attachments is 'Attachments of the proof: [{url, filename, content_type, size}] (https URLs, at most 10).';
comment on column app_public.task_claims.tx_id is 'The task_reward transaction that paid an accepted claim.';
-- No double claim: one live (or accepted) claim per member and task; a rejected or expired one may be tried again.
create unique index task_claims_one_live on app_public.task_claims (task_id, user_id)
  where status in ('in_progress', 'submitted', 'accepted');
comment on constraint task_claims_guild_id_task_id_fkey on app_public.task_claims is E'@fieldName task\n@foreignFieldName claims';
create index task_claims_task_status on app_public.task_claims (task_id, status);
create index task_claims_user_status on app_public.task_claims (user_id, status);
create index task_claims_overdue on app_public.task_claims (deadline) where status = 'in_progress';
create index task_claims_guild_submitted on app_public.task_claims (guild_id, submitted_at) where status = 'submitted';
create trigger _100_timestamps before insert or update on app_public.task_claims
  for each row execute function app_private.tg__timestamps();

alter table app_public.tasks enable row level security;
alter table app_public.task_claims enable row level security;
grant select on app_public.tasks, app_public.task_claims to coins_player, coins_staff;
grant insert (guild_id, name, description, reward, category, duration_hours, expires_at, max_claims, assigned_member_ids,
              required_role_id, grant_role_id, proof_required, status),
  update (name, description, reward, category, duration_hours, expires_at, max_claims, assigned_member_ids,
          required_role_id, grant_role_id, proof_required, status)
  on app_public.tasks to coins_staff;
--! Included tasks/tasks.policies.sql
-- Row-level security of app_public.tasks: members read their guild's tasks (not deleted ones); staff read all of their
-- guild's and write them (OPERATOR+, enforced by the _050_require_staff trigger, so a refusal is an error), but never
-- to 'deleted': deleting is app_public.delete_task, which also ends the live claims.

drop policy if exists tasks_player on app_public.tasks;
create policy tasks_player on app_public.tasks for select to coins_player
  using (guild_id = (select app_public.current_guild_id()) and status <> 'deleted');

drop policy if exists tasks_staff on app_public.tasks;
create policy tasks_staff on app_public.tasks for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);

drop policy if exists tasks_staff_insert on app_public.tasks;
create policy tasks_staff_insert on app_public.tasks for insert to coins_staff
  with check (guild_id = (select app_public.current_guild_id()) and status in ('active', 'closed'));

drop policy if exists tasks_staff_update on app_public.tasks;
create policy tasks_staff_update on app_public.tasks for update to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null
         and status <> 'deleted')
  with check (guild_id = (select app_public.current_guild_id()) and status <> 'deleted');
--! EndIncluded tasks/tasks.policies.sql
--! Included tasks/task_claims.policies.sql
-- Row-level security of app_public.task_claims: a member reads their own claims; staff with a role read every claim
-- of their guild (the review queue). Nobody writes directly: the rules do.

drop policy if exists task_claims_self on app_public.task_claims;
create policy task_claims_self on app_public.task_claims for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and user_id = (select u.id from app_public.users u
                        where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id()));

drop policy if exists task_claims_staff on app_public.task_claims;
create policy task_claims_staff on app_public.task_claims for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded tasks/task_claims.policies.sql

--------------------------------------------------------------------------------
-- Rules
--------------------------------------------------------------------------------

--! Included tasks/current_discord_role_ids.sql
create or replace function app_private.current_discord_role_ids() returns bigint[]
language sql stable
as $$
  select case when coalesce(current_setting('app.discord_role_ids', true), '') ~ '^\{[0-9,]*\}$'
              then current_setting('app.discord_role_ids', true)::bigint[] end;
$$;

comment on function app_private.current_discord_role_ids() is
  'The Discord role ids of the calling member, from the transaction-local claim app.discord_role_ids that the bot sets '
  'from the interaction (a Postgres array literal such as {1,2}); null when no trusted process stated them (the '
  'panel and GraphQL never do), so a task that requires a role can only be claimed in Discord. Source: issue 14 '
  '("required role").';
--! EndIncluded tasks/current_discord_role_ids.sql
--! Included tasks/task_proof_attachments_valid.sql
create or replace function app_private.task_proof_attachments_valid(p_attachments jsonb) returns boolean
language sql immutable
as $$
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
$$;

comment on function app_private.task_proof_attachments_valid(jsonb) is
  'Whether a proof''s attachments are well formed: an array of at most 10 objects {url (https), filename, '
  'content_type, size} and nothing else. Source: issue 14 ("proof attachments (URLs and metadata)").';
--! EndIncluded tasks/task_proof_attachments_valid.sql
--! Included tasks/tasks_slots_taken.sql
create or replace function app_public.tasks_slots_taken(t app_public.tasks) returns integer
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select count(*)::integer from app_public.task_claims c
   where c.task_id = t.id and c.status in ('in_progress', 'submitted', 'accepted');
$$;

comment on function app_public.tasks_slots_taken(app_public.tasks) is
  'Computed column: the task''s slots in use (claims in progress, submitted or accepted; a rejected or expired claim '
  'frees its slot). A count, so members may read it for tasks they can see. Source: seed 003 current_claims.';
--! EndIncluded tasks/tasks_slots_taken.sql
--! Included tasks/tasks_completed_count.sql
create or replace function app_public.tasks_completed_count(t app_public.tasks) returns integer
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select count(*)::integer from app_public.task_claims c where c.task_id = t.id and c.status = 'accepted';
$$;

comment on function app_public.tasks_completed_count(app_public.tasks) is
  'Computed column: how many claims of the task were accepted (the seed''s total_completed, counted from accepted '
  'claims rather than kept as a counter, so it can never disagree with the rewards paid). Source: issue 14.';
--! EndIncluded tasks/tasks_completed_count.sql
--! Included tasks/tasks_proof_required_effective.sql
create or replace function app_public.tasks_proof_required_effective(t app_public.tasks) returns boolean
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select coalesce(t.proof_required, (select s.require_proof from app_public.guild_settings s where s.guild_id = t.guild_id), true);
$$;

comment on function app_public.tasks_proof_required_effective(app_public.tasks) is
  'Computed column: whether a submission for this task needs proof (its own proof_required, else the guild''s '
  'require_proof). Source: seed 003 settings.require_proof.';
--! EndIncluded tasks/tasks_proof_required_effective.sql
--! Included tasks/claim_task_for.sql
create or replace function app_private.claim_task_for(p_user_id bigint, p_task_id bigint, p_role_ids bigint[], p_key text,
  p_at timestamptz default now())
returns app_public.task_claims
language plpgsql
as $$
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

comment on function app_private.claim_task_for(bigint, bigint, bigint[], text, timestamptz) is
  'The claim rule at an explicit time (p_at) with the member''s Discord role ids stated (p_role_ids). See '
  'app_public.claim_task.';
--! EndIncluded tasks/claim_task_for.sql
--! Included tasks/claim_task.sql
create or replace function app_public.claim_task(task_id bigint, idempotency_key text default null)
returns app_public.task_claims
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users := app_private.register_caller('');
begin
  return app_private.claim_task_for(v_user.id, claim_task.task_id, app_private.current_discord_role_ids(), idempotency_key, now());
end;
$$;

comment on function app_public.claim_task(bigint, text) is
  'Claims a task as the calling member: the task must be active and not past expires_at, claimable by the member '
  '(assigned members only when it has any; the required Discord role, from the bot''s claim app.discord_role_ids), '
  'not already live or accepted for the member, within the guild''s max_tasks_per_user, and with a free slot '
  '(max_claims; the task row lock makes exactly one of concurrent claims of the last slot win). The claim''s '
  'deadline is now + duration_hours. A replayed idempotency key returns the first claim. Errors: AU001, MB003, '
  'FZ001 account_frozen, TK001 task_not_found, TK002 task_full, TK003 task_expired, TK004 task_not_assigned, TK005 '
  'task_already_claimed, TK006 task_limit_reached, TK007 task_role_required, TK012 task_claims_closed, IK001/IK002. '
  'Source: seed 003 "Task Claim and Completion" 1-4, issue 14.';
--! EndIncluded tasks/claim_task.sql
--! Included tasks/submit_task_proof_for.sql
create or replace function app_private.submit_task_proof_for(p_user_id bigint, p_task_id bigint, p_text text,
  p_attachments jsonb, p_key text, p_at timestamptz default now())
returns app_public.task_claims
language plpgsql
as $$
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

comment on function app_private.submit_task_proof_for(bigint, bigint, text, jsonb, text, timestamptz) is
  'The proof submission rule at an explicit time (p_at). See app_public.submit_task_proof.';
--! EndIncluded tasks/submit_task_proof_for.sql
--! Included tasks/submit_task_proof.sql
create or replace function app_public.submit_task_proof(task_id bigint, proof_text text default '',
  proof_attachments jsonb default '[]', idempotency_key text default null)
returns app_public.task_claims
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users := app_private.register_caller('');
begin
  return app_private.submit_task_proof_for(v_user.id, submit_task_proof.task_id, proof_text, proof_attachments,
    idempotency_key, now());
end;
$$;

comment on function app_public.submit_task_proof(bigint, text, jsonb, text) is
  'Submits proof for the calling member''s claim of a task: the claim must be in progress and before its deadline; '
  'a task that requires proof needs text or at least one attachment ({url (https), filename, content_type, size}, at '
  'most 10). The claim becomes submitted and its proof is posted to the review channel (discord__task_review). '
  'Errors: AU001, MB003, FZ001, TK001 task_not_found, TK008 claim_not_found, TK009 claim_wrong_status, TK010 '
  'claim_overdue, TK011 proof_required, VL001 invalid_argument (text over 2000 characters, malformed attachments), '
  'IK001/IK002. Source: seed 003 "Task Claim and Completion" 5-6, issue 14.';
--! EndIncluded tasks/submit_task_proof.sql
--! Included tasks/review_task_claim_by.sql
create or replace function app_private.review_task_claim_by(p_reviewer_id bigint, p_reviewer_role app_public.staff_role,
  p_claim_id bigint, p_accept boolean, p_note text, p_key text, p_at timestamptz default now())
returns app_public.task_claims
language plpgsql
as $$
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

comment on function app_private.review_task_claim_by(bigint, app_public.staff_role, bigint, boolean, text, text, timestamptz) is
  'The review rule for an explicit reviewer and time (p_at). See app_public.review_task_claim.';
--! EndIncluded tasks/review_task_claim_by.sql
--! Included tasks/review_task_claim.sql
create or replace function app_public.review_task_claim(claim_id bigint, accept boolean, note text default '',
  idempotency_key text default null)
returns app_public.task_claims
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
begin
  return app_private.review_task_claim_by(app_public.current_discord_id(), v_role, review_task_claim.claim_id,
    review_task_claim.accept, note, idempotency_key, now());
end;
$$;

comment on function app_public.review_task_claim(bigint, boolean, text, text) is
  'Staff (SUPERADMIN, ADMIN, OPERATOR) accept or reject a submitted claim of their guild, with a note (a rejection '
  'needs one of 3 to 500 characters). Accepting pays the task''s reward from the mint to the member through the '
  'ledger (transaction type earn, reason task_reward, meta.description "Completed task: <name>") in the same '
  'transaction as the acceptance, so a failed award leaves the claim submitted (seed 003 rollback rule, by '
  'construction); it queues the role grant (when the task grants one) and the member''s DM. A reviewer may not '
  'review their own claim. Errors: AU001, PD001 permission_denied, TK008 claim_not_found, TK009 claim_wrong_status, '
  'TK013 self_review, RS001 reason_required, FZ002 recipient_frozen, VL001, IK001/IK002. Source: seed 003 '
  '"Task Claim and Completion" 7-9 and "Currency <-> Task Integration", issue 14.';
--! EndIncluded tasks/review_task_claim.sql
--! Included tasks/delete_task.sql
create or replace function app_public.delete_task(task_id bigint) returns app_public.tasks
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
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

comment on function app_public.delete_task(bigint) is
  'Staff (SUPERADMIN, ADMIN, OPERATOR) delete a task: it becomes deleted (hidden from members), its claims in progress '
  'or waiting for review end as expired, and the discord__task job deletes its Discord message and the proof '
  'messages in the review channel; accepted claims and their rewards stay on record. Audited. Errors: AU001, PD001, '
  'TK001 task_not_found. Source: seed 003 "When Dashboard Deletes Task", issue 14.';
--! EndIncluded tasks/delete_task.sql
--! Included tasks/my_task_claims.sql
create or replace function app_public.my_task_claims() returns setof app_public.task_claims
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select c.* from app_public.task_claims c
   where c.user_id = (select u.id from app_public.users u
                       where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id())
   order by (c.status in ('in_progress', 'submitted')) desc, c.claimed_at desc
   limit 50;
$$;

comment on function app_public.my_task_claims() is
  'The calling member''s task claims (/task mine): live ones first, then the latest, at most 50. Source: issue 14.';
--! EndIncluded tasks/my_task_claims.sql
--! Included tasks/expire_tasks.sql
create or replace function app_hidden.expire_tasks(p_at timestamptz default now())
returns jsonb
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
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

comment on function app_hidden.expire_tasks(timestamptz) is
  'The tasks__expire cron job''s body (every minute): in guilds with auto_expire_enabled, active tasks past expires_at '
  'become expired and claims still in progress past their deadline become expired (freeing their slot); submitted '
  'claims wait for review. Re-running finds nothing more to do. Returns {tasks, claims} counts. Source: seed 003 '
  'settings.auto_expire_enabled, issue 14 ("Expiry of tasks and overdue claims by a cron job").';
--! EndIncluded tasks/expire_tasks.sql

--------------------------------------------------------------------------------
-- Discord: the jobs that converge the task channel, the review channel, roles and DMs
--------------------------------------------------------------------------------

--! Included tasks/queue_task_job.sql
create or replace function app_private.queue_task_job(p_guild_id bigint, p_task text, p_payload jsonb, p_key text)
returns void
language plpgsql volatile set search_path = pg_catalog, public, pg_temp
as $$
begin
  if exists (select 1 from app_public.guild_discord g where g.guild_id = p_guild_id) then
    perform graphile_worker.add_job(p_task, p_payload::json, queue_name := 'discord:' || p_guild_id, job_key := p_key,
      max_attempts := case when p_task = 'discord__task_dm' then 3 else 10 end);
  end if;
end;
$$;

comment on function app_private.queue_task_job(bigint, text, jsonb, text) is
  'Queues a discord__task* job for the bot''s runner when the guild has the bot (a guild_discord row), in the guild''s '
  'own queue; the job_key per subject coalesces a burst of changes into one edit and never doubles a role grant or a '
  'DM. A DM is tried at most 3 times (its failure is recorded by the job), the rest 10. Source: issue 14, DESIGN.md '
  '"Tasks and Discord sync".';
--! EndIncluded tasks/queue_task_job.sql
--! Included tasks/tg_tasks__discord.sql
create or replace function app_private.tg_tasks__discord() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
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

comment on function app_private.tg_tasks__discord() is
  'Trigger (before insert or update of a task): a new task, or a change of anything members see, marks its Discord '
  'message pending and queues discord__task (post, edit in place, or delete for a deleted task); the job''s own '
  'record of the message (ids, synced or orphaned) changes nothing members see and queues nothing. Source: seed 003 '
  '"Task System Discord-Dashboard Sync", issue 14.';
--! EndIncluded tasks/tg_tasks__discord.sql
--! Included tasks/tg_task_claims__discord.sql
create or replace function app_private.tg_task_claims__discord() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
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

comment on function app_private.tg_task_claims__discord() is
  'Trigger (after a claim is made or changes status): re-renders the task''s message (slots, completions); a '
  'submitted proof is posted to the review channel and a reviewed or expired one edited there '
  '(discord__task_review); an acceptance queues the role grant (discord__task_role) when the task grants a role, and '
  'a review queues the member''s DM (discord__task_dm). Source: issue 14.';
--! EndIncluded tasks/tg_task_claims__discord.sql
--! Included tasks/discord_task.sql
create or replace function app_hidden.discord_task(p_task_id bigint) returns jsonb
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
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

comment on function app_hidden.discord_task(bigint) is
  'What the discord__task job renders for a task (null when it does not exist): its fields, slots taken, completions, '
  'its message ids and sync state, the guild''s task channel, and the proof messages to delete with a deleted task. '
  'Source: issue 14.';
--! EndIncluded tasks/discord_task.sql
--! Included tasks/discord_task_claim.sql
create or replace function app_hidden.discord_task_claim(p_claim_id bigint) returns jsonb
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
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

comment on function app_hidden.discord_task_claim(bigint) is
  'What the discord__task_review, discord__task_role and discord__task_dm jobs need about a claim (null when it does '
  'not exist): the task, the member, the proof, the review, the delivery states and the review channel. Source: issue 14.';
--! EndIncluded tasks/discord_task_claim.sql
--! Included tasks/record_task_message.sql
create or replace function app_hidden.record_task_message(p_task_id bigint, p_channel bigint, p_message bigint,
  p_state text, p_seen timestamptz default null)
returns void
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
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

comment on function app_hidden.record_task_message(bigint, bigint, bigint, text, timestamptz) is
  'The discord__task job''s result: the task''s message (null ids: none, e.g. deleted with the task) and its state, '
  'synced or orphaned (the message was deleted and could not be posted again); synced stays pending when the task '
  'changed after the job read it (p_seen: its updated_at then; the change queued another job). Errors: VL001. Source: seed 003 '
  '("message_id must be stored back", "clear message_id and flag orphaned").';
--! EndIncluded tasks/record_task_message.sql
--! Included tasks/record_task_review_message.sql
create or replace function app_hidden.record_task_review_message(p_claim_id bigint, p_channel bigint, p_message bigint)
returns void
language sql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
  update app_public.task_claims c set review_channel_id = p_channel, review_message_id = p_message where c.id = p_claim_id;
$$;

comment on function app_hidden.record_task_review_message(bigint, bigint, bigint) is
  'Stores the proof message posted in the review channel for a claim (so a retried job edits it instead of posting '
  'again). Source: seed 003 ("Creates proof message ... for admin review").';
--! EndIncluded tasks/record_task_review_message.sql
--! Included tasks/record_task_delivery.sql
create or replace function app_hidden.record_task_delivery(p_claim_id bigint, p_kind text, p_status text, p_error text)
returns boolean
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
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

comment on function app_hidden.record_task_delivery(bigint, text, text, text) is
  'Records the outcome of an acceptance''s role grant (kind role: granted or failed) or of the review DM (kind dm: '
  'sent or failed) once: returns false when it was already recorded (a retried job does nothing more). Errors: '
  'VL001. Source: issue 14 ("a failed DM is recorded, not retried forever").';
--! EndIncluded tasks/record_task_delivery.sql
--! Included tasks/requeue_task_sync.sql
create or replace function app_hidden.requeue_task_sync(p_at timestamptz default now())
returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
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

comment on function app_hidden.requeue_task_sync(timestamptz) is
  'The messages__sync cron job''s body (every 10 minutes): re-queues discord__task for every task whose message is still '
  'pending a minute after its last change in a guild with the bot (a post that failed for good, a channel set up later). Returns how many. '
  'Source: seed 003 "Required Background Sync Job" (sync_pending_discord_messages).';
--! EndIncluded tasks/requeue_task_sync.sql
create trigger _500_discord before insert or update on app_public.tasks
  for each row execute function app_private.tg_tasks__discord();
create trigger _800_discord after insert or update of status on app_public.task_claims
  for each row execute function app_private.tg_task_claims__discord();

--------------------------------------------------------------------------------
-- Grants
--------------------------------------------------------------------------------

revoke all on function app_private.current_discord_role_ids() from public;
revoke all on function app_private.task_proof_attachments_valid(jsonb) from public;
revoke all on function app_private.claim_task_for(bigint, bigint, bigint[], text, timestamptz) from public;
revoke all on function app_private.submit_task_proof_for(bigint, bigint, text, jsonb, text, timestamptz) from public;
revoke all on function app_private.review_task_claim_by(bigint, app_public.staff_role, bigint, boolean, text, text, timestamptz) from public;
revoke all on function app_private.queue_task_job(bigint, text, jsonb, text) from public;
revoke all on function app_private.tg_tasks__discord() from public;
revoke all on function app_private.tg_task_claims__discord() from public;
revoke all on function app_public.claim_task(bigint, text) from public;
revoke all on function app_public.submit_task_proof(bigint, text, jsonb, text) from public;
revoke all on function app_public.review_task_claim(bigint, boolean, text, text) from public;
revoke all on function app_public.delete_task(bigint) from public;
revoke all on function app_public.my_task_claims() from public;
revoke all on function app_hidden.expire_tasks(timestamptz) from public;
revoke all on function app_hidden.requeue_task_sync(timestamptz) from public;
revoke all on function app_hidden.discord_task(bigint) from public;
revoke all on function app_hidden.discord_task_claim(bigint) from public;
revoke all on function app_hidden.record_task_message(bigint, bigint, bigint, text, timestamptz) from public;
revoke all on function app_hidden.record_task_review_message(bigint, bigint, bigint) from public;
revoke all on function app_hidden.record_task_delivery(bigint, text, text, text) from public;
grant execute on function app_public.tasks_slots_taken(app_public.tasks), app_public.tasks_completed_count(app_public.tasks),
  app_public.tasks_proof_required_effective(app_public.tasks) to coins_player, coins_staff;
grant execute on function app_public.claim_task(bigint, text), app_public.submit_task_proof(bigint, text, jsonb, text),
  app_public.my_task_claims() to coins_player;
grant execute on function app_public.review_task_claim(bigint, boolean, text, text), app_public.delete_task(bigint) to coins_staff;
grant execute on function app_hidden.expire_tasks(timestamptz), app_hidden.requeue_task_sync(timestamptz),
  app_hidden.discord_task(bigint), app_hidden.discord_task_claim(bigint),
  app_hidden.record_task_message(bigint, bigint, bigint, text, timestamptz), app_hidden.record_task_review_message(bigint, bigint, bigint),
  app_hidden.record_task_delivery(bigint, text, text, text) to coins_worker;

--------------------------------------------------------------------------------
-- Announcements and the embed builder (seed 003 "Announcement System Discord-Dashboard Sync", "Embed Management")
--------------------------------------------------------------------------------

--! Included announcements/embed_valid.sql
create or replace function app_hidden.embed_valid(p_embed jsonb) returns boolean
language sql immutable
as $$
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
$$;

comment on function app_hidden.embed_valid(jsonb) is
  'Whether a JSON object is a Discord embed the bot can post as is: title (256), description (4096, Discord markdown), '
  'url, color (0..0xFFFFFF), fields (at most 25 of name 256 / value 1024 / inline), image and thumbnail (https), '
  'footer (text 2048, icon), author (name 256, url, icon), timestamp (ISO 8601); at most 6000 characters in all, and '
  'something to show. Source: seed 003 "Embed Builder" (core/embed_builder.py), issue 14 (the embed builder).';
--! EndIncluded announcements/embed_valid.sql
create table app_public.saved_embeds (
  id          bigint generated always as identity primary key,
  guild_id    bigint not null references app_public.guilds on delete cascade,
  name        text not null check (length(btrim(name)) between 1 and 100),
  embed       jsonb not null check (app_hidden.embed_valid(embed)),
  created_by  bigint default app_public.current_discord_id(),
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  unique (guild_id, name),
  unique (guild_id, id)
);
comment on table app_public.saved_embeds is
  E'Embeds saved from the panel''s embed builder (title, description with Discord markdown, colour, fields, image, '
  'thumbnail, footer, author, timestamp), as Discord''s embed JSON (checked by app_hidden.embed_valid). Used by '
  'announcements and custom commands. Staff (SUPERADMIN, ADMIN, OPERATOR) write them, audited. Source: issue 14.';
create trigger _100_timestamps before insert or update on app_public.saved_embeds
  for each row execute function app_private.tg__timestamps();
create trigger _050_require_staff before insert or update or delete on app_public.saved_embeds
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');
create trigger _900_audit after insert or update or delete on app_public.saved_embeds
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('saved_embed', 'id');

create table app_public.announcements (
  id                 bigint generated always as identity primary key,
  guild_id           bigint not null references app_public.guilds on delete cascade,
  channel_id         bigint not null check (channel_id > 0),
  content            text not null default '' check (length(content) <= 2000),
  embed              jsonb check (embed is null or app_hidden.embed_valid(embed)),
  task_id            bigint,
  publish_at         timestamptz,
  pinned             boolean not null default false,
  status             text not null default 'scheduled' check (status in ('scheduled', 'published', 'deleted')),
  published_at       timestamptz,
  message_id         bigint check (message_id > 0),
  sync_state         text not null default 'pending' check (sync_state in ('pending', 'synced', 'orphaned')),
  synced_at          timestamptz,
  pinned_on_discord  boolean not null default false,
  created_by         bigint default app_public.current_discord_id(),
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  foreign key (guild_id, task_id) references app_public.tasks (guild_id, id) on delete set null (task_id),
  check (content <> '' or embed is not null)
);
comment on table app_public.announcements is
  E'@behavior -delete\nAnnouncements posted by the bot in a channel: text and/or an embed, now or at publish_at '
  '(scheduled until the announcements__publish job publishes it), pinned or not; edits follow on Discord; a message '
  'deleted on Discord marks the announcement orphaned. Staff (SUPERADMIN, ADMIN, OPERATOR) write them (audited); '
  'delete_announcement deletes. Source: seed 003 announcements endpoints, issue 14.';
comment on column app_public.announcements.sync_state is
  'pending: Discord does not show the latest yet; synced: it does; orphaned: the message was deleted on Discord.';
comment on constraint announcements_guild_id_task_id_fkey on app_public.announcements is E'@fieldName task\n@foreignFieldName announcements';
create index announcements_guild on app_public.announcements (guild_id, created_at desc);
create index announcements_due on app_public.announcements (publish_at) where status = 'scheduled';
create trigger _100_timestamps before insert or update on app_public.announcements
  for each row execute function app_private.tg__timestamps();
create trigger _050_require_staff before insert or update or delete on app_public.announcements
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');
--! Included announcements/tg_announcements__schedule.sql
create or replace function app_private.tg_announcements__schedule() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
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

comment on function app_private.tg_announcements__schedule() is
  'Trigger (before insert or update of an announcement): an announcement without publish_at, or whose time has come, is '
  'published (published_at set), else scheduled (the announcements__publish job publishes it); a published or deleted '
  'announcement whose content, embed, channel or pin changed becomes pending and queues discord__announcement. The '
  'job''s own record (message id, synced or orphaned, pin state) queues nothing. Source: seed 003 '
  '"Announcement System Discord-Dashboard Sync", issue 14.';
--! EndIncluded announcements/tg_announcements__schedule.sql
create trigger _500_schedule before insert or update on app_public.announcements
  for each row execute function app_private.tg_announcements__schedule();
create trigger _900_audit after insert or update or delete on app_public.announcements
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('announcement', 'id');

alter table app_public.saved_embeds enable row level security;
alter table app_public.announcements enable row level security;
grant select on app_public.saved_embeds, app_public.announcements to coins_staff;
grant insert (guild_id, name, embed), update (name, embed), delete on app_public.saved_embeds to coins_staff;
grant insert (guild_id, channel_id, content, embed, task_id, publish_at, pinned),
  update (channel_id, content, embed, publish_at, pinned) on app_public.announcements to coins_staff;
--! Included announcements/saved_embeds.policies.sql
-- Row-level security of app_public.saved_embeds: staff with a role read their guild's saved embeds and write them
-- (OPERATOR+, enforced by the _050_require_staff trigger).

drop policy if exists saved_embeds_staff on app_public.saved_embeds;
create policy saved_embeds_staff on app_public.saved_embeds for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);

drop policy if exists saved_embeds_staff_insert on app_public.saved_embeds;
create policy saved_embeds_staff_insert on app_public.saved_embeds for insert to coins_staff
  with check (guild_id = (select app_public.current_guild_id()));

drop policy if exists saved_embeds_staff_update on app_public.saved_embeds;
create policy saved_embeds_staff_update on app_public.saved_embeds for update to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null)
  with check (guild_id = (select app_public.current_guild_id()));

drop policy if exists saved_embeds_staff_delete on app_public.saved_embeds;
create policy saved_embeds_staff_delete on app_public.saved_embeds for delete to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded announcements/saved_embeds.policies.sql
--! Included announcements/announcements.policies.sql
-- Row-level security of app_public.announcements: staff with a role read their guild's announcements and write them
-- (OPERATOR+, by the _050_require_staff trigger), never to 'deleted' (delete_announcement removes the message too).

drop policy if exists announcements_staff on app_public.announcements;
create policy announcements_staff on app_public.announcements for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);

drop policy if exists announcements_staff_insert on app_public.announcements;
create policy announcements_staff_insert on app_public.announcements for insert to coins_staff
  with check (guild_id = (select app_public.current_guild_id()));

drop policy if exists announcements_staff_update on app_public.announcements;
create policy announcements_staff_update on app_public.announcements for update to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null
         and status <> 'deleted')
  with check (guild_id = (select app_public.current_guild_id()));
--! EndIncluded announcements/announcements.policies.sql
--! Included announcements/publish_due_announcements.sql
create or replace function app_hidden.publish_due_announcements(p_at timestamptz default now()) returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_n integer;
begin
  update app_public.announcements a set status = 'published', published_at = p_at
   where a.status = 'scheduled' and a.publish_at <= p_at;
  get diagnostics v_n = row_count;
  return v_n;
end;
$$;

comment on function app_hidden.publish_due_announcements(timestamptz) is
  'The announcements__publish cron job''s body (every minute): scheduled announcements whose publish_at has come are '
  'published (which queues their post). Returns how many; a second run finds none. Source: issue 14 '
  '("schedule (publish at a time)").';
--! EndIncluded announcements/publish_due_announcements.sql
--! Included announcements/delete_announcement.sql
create or replace function app_public.delete_announcement(announcement_id bigint) returns app_public.announcements
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
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

comment on function app_public.delete_announcement(bigint) is
  'Staff (SUPERADMIN, ADMIN, OPERATOR) delete an announcement: it becomes deleted and discord__announcement deletes its '
  'Discord message (a scheduled one is simply never posted). Audited. Errors: AU001, PD001, AN001 '
  'announcement_not_found. Source: seed 003 "DELETE /api/<server_id>/announcements/<id>", issue 14.';
--! EndIncluded announcements/delete_announcement.sql
--! Included announcements/announce_task.sql
create or replace function app_public.announce_task(task_id bigint, channel_id bigint, publish_at timestamptz default null,
  pinned boolean default false)
returns app_public.announcements
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
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

comment on function app_public.announce_task(bigint, bigint, timestamptz, boolean) is
  'Staff (SUPERADMIN, ADMIN, OPERATOR) announce an active task of their guild in a channel: an announcement whose embed '
  'shows the task (name, description, reward, slots, time to finish), now or at publish_at, optionally pinned. Errors: '
  'AU001, PD001, TK001 task_not_found. Source: seed 003 "POST /api/<server_id>/announcements/task/<task_id>", issue 14 '
  '("post from a task").';
--! EndIncluded announcements/announce_task.sql
--! Included announcements/discord_announcement.sql
create or replace function app_hidden.discord_announcement(p_announcement_id bigint) returns jsonb
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select jsonb_build_object('id', a.id::text, 'guild_id', a.guild_id::text, 'channel_id', a.channel_id::text,
    'content', a.content, 'embed', a.embed, 'status', a.status, 'pinned', a.pinned, 'pinned_on_discord', a.pinned_on_discord,
    'message_id', a.message_id::text, 'sync_state', a.sync_state, 'updated_at', a.updated_at)
    from app_public.announcements a where a.id = p_announcement_id;
$$;

comment on function app_hidden.discord_announcement(bigint) is
  'What the discord__announcement job needs (null when it does not exist): channel, content, embed, status, the pin '
  'wanted and the pin on Discord, the message id. Source: issue 14.';
--! EndIncluded announcements/discord_announcement.sql
--! Included announcements/record_announcement_message.sql
create or replace function app_hidden.record_announcement_message(p_announcement_id bigint, p_message bigint, p_state text,
  p_pinned boolean, p_seen timestamptz default null)
returns void
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
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

comment on function app_hidden.record_announcement_message(bigint, bigint, text, boolean, timestamptz) is
  'The discord__announcement job''s result: the message id (null: none), synced or orphaned (the message was deleted on '
  'Discord: the panel says so; it is not re-posted behind the staff''s back), and whether it is pinned; synced stays pending when it changed after the job read it (p_seen). Errors: VL001. '
  'Source: seed 003 ("If message not found, mark orphaned"), issue 14.';
--! EndIncluded announcements/record_announcement_message.sql

--------------------------------------------------------------------------------
-- Custom commands (seed 003 "/api/commands"): /c <name> with autocomplete
--------------------------------------------------------------------------------

create table app_public.custom_commands (
  id          bigint generated always as identity primary key,
  guild_id    bigint not null references app_public.guilds on delete cascade,
  name        text not null check (name ~ '^[a-z0-9_-]{1,32}$'),
  response    text not null default '' check (length(response) <= 2000),
  embed_id    bigint,
  enabled     boolean not null default true,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  unique (guild_id, name),
  foreign key (guild_id, embed_id) references app_public.saved_embeds (guild_id, id) on delete set null (embed_id),
  check (response <> '' or embed_id is not null)
);
comment on table app_public.custom_commands is
  E'Custom commands: staff (SUPERADMIN, ADMIN, OPERATOR) define a name and a response (text, a saved embed, or both); '
  'members run /c <name> (one registered command with autocomplete, so adding one needs no re-deploy). Audited. '
  'Source: seed 003 "/api/commands", issue 14.';
create trigger _100_timestamps before insert or update on app_public.custom_commands
  for each row execute function app_private.tg__timestamps();
create trigger _050_require_staff before insert or update or delete on app_public.custom_commands
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');
create trigger _900_audit after insert or update or delete on app_public.custom_commands
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('custom_command', 'id');
comment on constraint custom_commands_guild_id_embed_id_fkey on app_public.custom_commands is E'@fieldName embed\n@foreignFieldName customCommands';
alter table app_public.custom_commands enable row level security;
grant select on app_public.custom_commands to coins_staff;
grant insert (guild_id, name, response, embed_id, enabled), update (name, response, embed_id, enabled), delete
  on app_public.custom_commands to coins_staff;
--! Included commands/custom_commands.policies.sql
-- Row-level security of app_public.custom_commands: staff with a role read and write (OPERATOR+, by the
-- _050_require_staff trigger) their guild's custom commands; members run them through custom_command().

drop policy if exists custom_commands_staff on app_public.custom_commands;
create policy custom_commands_staff on app_public.custom_commands for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);

drop policy if exists custom_commands_staff_insert on app_public.custom_commands;
create policy custom_commands_staff_insert on app_public.custom_commands for insert to coins_staff
  with check (guild_id = (select app_public.current_guild_id()));

drop policy if exists custom_commands_staff_update on app_public.custom_commands;
create policy custom_commands_staff_update on app_public.custom_commands for update to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null)
  with check (guild_id = (select app_public.current_guild_id()));

drop policy if exists custom_commands_staff_delete on app_public.custom_commands;
create policy custom_commands_staff_delete on app_public.custom_commands for delete to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded commands/custom_commands.policies.sql
--! Included commands/custom_command.sql
create or replace function app_public.custom_command(name text) returns jsonb
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
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

comment on function app_public.custom_command(text) is
  'What /c <name> answers in the caller''s guild: {name, response, embed} of an enabled custom command (the embed is '
  'the saved embed it points to). Errors: AU001, CC001 custom_command_not_found. Source: seed 003 "/api/commands", '
  'issue 14 ("members run /c <name>").';
--! EndIncluded commands/custom_command.sql
--! Included commands/custom_command_names.sql
create or replace function app_public.custom_command_names(prefix text default '') returns setof text
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select c.name from app_public.custom_commands c
   where c.guild_id = app_public.current_guild_id() and c.enabled
     and starts_with(c.name, lower(btrim(coalesce(prefix, ''))))
   order by c.name limit 25;
$$;

comment on function app_public.custom_command_names(text) is
  'The enabled custom command names of the caller''s guild starting with prefix (at most 25: Discord''s autocomplete '
  'limit), for /c''s autocomplete. Source: issue 14 ("one registered command with autocomplete").';
--! EndIncluded commands/custom_command_names.sql

--------------------------------------------------------------------------------
-- Shop stock sync (seed 003 "Shop System Discord-Dashboard Sync"): each reward on sale has a #shop post
--------------------------------------------------------------------------------

alter table app_public.discord_messages drop constraint discord_messages_subject_type_check;
alter table app_public.discord_messages add constraint discord_messages_subject_type_check
  check (subject_type in ('hub', 'leaderboard', 'transaction', 'listing', 'digest', 'mm_public', 'mm_log', 'mm_dispute', 'reward'));
alter table app_public.rewards
  add column sync_state text not null default 'pending' check (sync_state in ('pending', 'synced', 'orphaned')),
  add column synced_at timestamptz;
comment on column app_public.rewards.sync_state is
  'The reward''s #shop post: pending (pending_sync: not up to date; retried by discord__reward and messages__sync), '
  'synced, or orphaned (it could not be posted: the shop channel is gone).';
--! Included shop/tg_rewards__discord_shop.sql
create or replace function app_private.tg_rewards__discord_shop() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp
as $$
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

comment on function app_private.tg_rewards__discord_shop() is
  'Trigger (before insert or update of a reward): a new reward, or a change of what its #shop post shows (name, '
  'description, category, price, stock, visibility, expiry: a purchase changing the stock too), marks it pending and '
  'queues discord__reward, which posts, edits, re-creates or (hidden, expired) deletes the post. Source: seed 003 '
  '"Shop System Discord-Dashboard Sync", issue 14.';
--! EndIncluded shop/tg_rewards__discord_shop.sql
create trigger _500_discord_shop before insert or update on app_public.rewards
  for each row execute function app_private.tg_rewards__discord_shop();
--! Included shop/discord_reward.sql
create or replace function app_hidden.discord_reward(p_guild_id bigint, p_sku text) returns jsonb
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  select jsonb_build_object('guild_id', r.guild_id::text, 'sku', r.sku, 'name', r.name, 'description', r.description,
    'category', r.category, 'price', r.price::text, 'currency', 'COIN',
    'scale', (select c.scale from app_public.currencies c where c.code = 'COIN'), 'stock', r.stock,
    'on_sale', r.visible and (r.expires_at is null or r.expires_at > now()), 'expires_at', r.expires_at, 'sync_state', r.sync_state, 'updated_at', r.updated_at)
    from app_public.rewards r where r.guild_id = p_guild_id and r.sku = p_sku;
$$;

comment on function app_hidden.discord_reward(bigint, text) is
  'What the discord__reward job shows of a reward in #shop (null when it does not exist): name, description, price '
  'with currency and scale, stock, and whether it is on sale (visible and not expired). Source: issue 14.';
--! EndIncluded shop/discord_reward.sql
--! Included shop/record_reward_sync.sql
create or replace function app_hidden.record_reward_sync(p_guild_id bigint, p_sku text, p_state text, p_seen timestamptz default null)
returns void
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
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

comment on function app_hidden.record_reward_sync(bigint, text, text, timestamptz) is
  'The discord__reward job''s result for a reward''s #shop post: synced, or orphaned (it could not be posted: the shop '
  'channel is gone); synced stays pending when the reward changed after the job read it (p_seen). The post''s id is in discord_messages (subject reward, id <guild>:<sku>). Errors: VL001. Source: '
  'issue 14.';
--! EndIncluded shop/record_reward_sync.sql
--! Included shop/requeue_reward_sync.sql
create or replace function app_hidden.requeue_reward_sync(p_at timestamptz default now()) returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
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

comment on function app_hidden.requeue_reward_sync(timestamptz) is
  'Part of the messages__sync cron job (every 10 minutes): re-queues discord__reward for every reward whose #shop post '
  'is still pending_sync, or orphaned (its channel was gone), a minute after its last change (a post that failed for '
  'good, a shop channel set up again later). '
  'Returns how many. Source: seed 003 ("If Discord post fails, mark item pending_sync", '
  'sync_pending_discord_messages).';
--! EndIncluded shop/requeue_reward_sync.sql

revoke all on function app_hidden.embed_valid(jsonb) from public;
revoke all on function app_private.tg_announcements__schedule() from public;
revoke all on function app_private.tg_rewards__discord_shop() from public;
revoke all on function app_hidden.publish_due_announcements(timestamptz) from public;
revoke all on function app_public.delete_announcement(bigint) from public;
revoke all on function app_public.announce_task(bigint, bigint, timestamptz, boolean) from public;
revoke all on function app_hidden.discord_announcement(bigint) from public;
revoke all on function app_hidden.record_announcement_message(bigint, bigint, text, boolean, timestamptz) from public;
revoke all on function app_public.custom_command(text) from public;
revoke all on function app_public.custom_command_names(text) from public;
revoke all on function app_hidden.discord_reward(bigint, text) from public;
revoke all on function app_hidden.record_reward_sync(bigint, text, text, timestamptz) from public;
revoke all on function app_hidden.requeue_reward_sync(timestamptz) from public;
-- The check constraints call embed_valid as the writing role (like valid_limits).
grant execute on function app_hidden.embed_valid(jsonb) to coins_staff;
grant execute on function app_public.delete_announcement(bigint), app_public.announce_task(bigint, bigint, timestamptz, boolean)
  to coins_staff;
grant execute on function app_public.custom_command(text), app_public.custom_command_names(text) to coins_player, coins_staff;
grant execute on function app_hidden.publish_due_announcements(timestamptz), app_hidden.discord_announcement(bigint),
  app_hidden.record_announcement_message(bigint, bigint, text, boolean, timestamptz), app_hidden.discord_reward(bigint, text),
  app_hidden.record_reward_sync(bigint, text, text, timestamptz), app_hidden.requeue_reward_sync(timestamptz) to coins_worker;
