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
  check (subject_type in ('hub', 'leaderboard', 'transaction', 'listing', 'digest'));
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
--!include tasks/tasks.policies.sql
--!include tasks/task_claims.policies.sql

--------------------------------------------------------------------------------
-- Rules
--------------------------------------------------------------------------------

--!include tasks/current_discord_role_ids.sql
--!include tasks/task_proof_attachments_valid.sql
--!include tasks/tasks_slots_taken.sql
--!include tasks/tasks_completed_count.sql
--!include tasks/tasks_proof_required_effective.sql
--!include tasks/claim_task_for.sql
--!include tasks/claim_task.sql
--!include tasks/submit_task_proof_for.sql
--!include tasks/submit_task_proof.sql
--!include tasks/review_task_claim_by.sql
--!include tasks/review_task_claim.sql
--!include tasks/delete_task.sql
--!include tasks/my_task_claims.sql
--!include tasks/expire_tasks.sql

--------------------------------------------------------------------------------
-- Discord: the jobs that converge the task channel, the review channel, roles and DMs
--------------------------------------------------------------------------------

--!include tasks/queue_task_job.sql
--!include tasks/tg_tasks__discord.sql
--!include tasks/tg_task_claims__discord.sql
--!include tasks/discord_task.sql
--!include tasks/discord_task_claim.sql
--!include tasks/record_task_message.sql
--!include tasks/record_task_review_message.sql
--!include tasks/record_task_delivery.sql
--!include tasks/requeue_task_sync.sql
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

--!include announcements/embed_valid.sql
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
--!include announcements/tg_announcements__schedule.sql
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
--!include announcements/saved_embeds.policies.sql
--!include announcements/announcements.policies.sql
--!include announcements/publish_due_announcements.sql
--!include announcements/delete_announcement.sql
--!include announcements/announce_task.sql
--!include announcements/discord_announcement.sql
--!include announcements/record_announcement_message.sql

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
--!include commands/custom_commands.policies.sql
--!include commands/custom_command.sql
--!include commands/custom_command_names.sql

--------------------------------------------------------------------------------
-- Shop stock sync (seed 003 "Shop System Discord-Dashboard Sync"): each reward on sale has a #shop post
--------------------------------------------------------------------------------

alter table app_public.discord_messages drop constraint discord_messages_subject_type_check;
alter table app_public.discord_messages add constraint discord_messages_subject_type_check
  check (subject_type in ('hub', 'leaderboard', 'transaction', 'listing', 'digest', 'reward'));
alter table app_public.rewards
  add column sync_state text not null default 'pending' check (sync_state in ('pending', 'synced', 'orphaned')),
  add column synced_at timestamptz;
comment on column app_public.rewards.sync_state is
  'The reward''s #shop post: pending (pending_sync: not up to date; retried by discord__reward and messages__sync), '
  'synced, or orphaned (it could not be posted: the shop channel is gone).';
--!include shop/tg_rewards__discord_shop.sql
create trigger _500_discord_shop before insert or update on app_public.rewards
  for each row execute function app_private.tg_rewards__discord_shop();
--!include shop/discord_reward.sql
--!include shop/record_reward_sync.sql
--!include shop/requeue_reward_sync.sql

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
