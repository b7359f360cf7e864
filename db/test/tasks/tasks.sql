begin;
select plan(105);
\ir ../lib/helpers.psql
-- Issue 14 / seed 003: community tasks. Guild A = 910000000000000001 (alice ...011, bob ...012, dave ...014, staff
-- member sam ...090 who is also a member, other staff ...091); guild B = 920000000000000001 (carol ...011, staff ...090).
-- Guild A has the bot (guild_discord), B does not. Time walks use the _for/_by functions with t0 = 2031-01-01 12:00 UTC;
-- the public functions use now().
do $$
begin
  perform app_private.ensure_guild(910000000000000001, 'Task guild A');
  perform app_private.ensure_guild(920000000000000001, 'Task guild B');
  perform app_private.ensure_member(910000000000000001, 910000000000000011, 'alice');
  perform app_private.ensure_member(910000000000000001, 910000000000000012, 'bob');
  perform app_private.ensure_member(910000000000000001, 910000000000000014, 'dave');
  perform app_private.ensure_member(910000000000000001, 910000000000000090, 'sam');
  perform app_private.ensure_member(920000000000000001, 920000000000000011, 'carol');
  perform app_hidden.save_discord_setup(910000000000000001, 11, 12, 13, 14, 15, 16);
  update app_public.guild_settings set task_channel_id = 100, review_channel_id = 101 where guild_id = 910000000000000001;
end $$;
create temp table jobs_before as select id from graphile_worker.jobs;
create function pg_temp.jobs(p_task text, p_key text) returns bigint language sql as $$
  select count(*) from graphile_worker.jobs j where j.task_identifier = p_task and j.key = p_key and j.id not in (select id from jobs_before) $$;
create function pg_temp.tid(p_name text) returns bigint language sql as $$ select id from app_public.tasks where name = p_name $$;
create function pg_temp.claim(p_name text, p_discord bigint) returns app_public.task_claims language sql as $$
  select c.* from app_public.task_claims c join app_public.users u on u.id = c.user_id
   where c.task_id = pg_temp.tid(p_name) and u.discord_id = p_discord order by c.id desc limit 1 $$;
create function pg_temp.tstate() returns jsonb language sql as $$
  select pg_temp.state() || jsonb_build_object(
    'tasks', (select jsonb_agg(jsonb_build_array(id, status, sync_state, name) order by id) from app_public.tasks),
    'claims', (select jsonb_agg(to_jsonb(c) - 'updated_at' order by id) from app_public.task_claims c)) $$;

-- Staff create and edit tasks (OPERATOR+), audited; the Discord message follows ---------------------------------------
select is(pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000091, 'OPERATOR',
    $$insert into app_public.tasks (guild_id, name, description, reward, max_claims, duration_hours, grant_role_id)
      values (910000000000000001, 'Welcome', 'Welcome 5 new members', 100, 2, 24, 777)$$), 1::bigint,
  'an OPERATOR creates a task');
select is((select sync_state from app_public.tasks where name = 'Welcome'), 'pending', 'a new task''s message is pending');
select is(pg_temp.jobs('discord__task', 'discord__task:' || pg_temp.tid('Welcome')), 1::bigint,
  'creating a task queues discord__task for it (the bot posts it in the task channel)');
select is((select count(*) from app_public.admin_actions where action = 'insert_task' and subject_id = pg_temp.tid('Welcome')::text), 1::bigint,
  'the creation is audited');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000091, 'SUPPORT',
    $$insert into app_public.tasks (guild_id, name, reward) values (910000000000000001, 'Nope', 1)$$) ->> 'code', 'PD001',
  'SUPPORT may not create tasks (PD001)');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000091, 'AUDITOR',
    $$update app_public.tasks set reward = 1 where name = 'Welcome'$$) ->> 'code', 'PD001', 'AUDITOR may not edit tasks (PD001)');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$insert into app_public.tasks (guild_id, name, reward) values (910000000000000001, 'Nope', 1)$$) ->> 'code', '42501',
  'a member may not create tasks');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000091, 'ADMIN',
    $$update app_public.tasks set sync_state = 'synced' where name = 'Welcome'$$) ->> 'code', '42501',
  'staff cannot write the sync state themselves (only the bot''s job records it)');
select is((select created_by from app_public.tasks where name = 'Welcome'), 910000000000000091::bigint, 'the task records who created it');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000091, 'ADMIN',
    $$update app_public.tasks set status = 'deleted' where name = 'Welcome'$$) ->> 'code', '42501',
  'staff cannot mark a task deleted directly (delete_task ends its claims too)');
select lives_ok($$select app_hidden.record_task_message(pg_temp.tid('Welcome'), 100, 5000, 'synced')$$, 'the job records the posted message');
select results_eq($$select sync_state, channel_id, message_id from app_public.tasks where name = 'Welcome'$$,
  $$values ('synced'::text, 100::bigint, 5000::bigint)$$, 'the task is synced with its message id');
create temp table rev as select revision from graphile_worker.jobs where key = 'discord__task:' || pg_temp.tid('Welcome');
select is((select revision from graphile_worker.jobs where key = 'discord__task:' || pg_temp.tid('Welcome')), (select revision from rev),
  'recording the message queues nothing more');
select is(pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000091, 'ADMIN',
    $$update app_public.tasks set description = 'Welcome 3 new members' where name = 'Welcome'$$), 1::bigint, 'an ADMIN edits the task');
select is((select sync_state from app_public.tasks where name = 'Welcome'), 'pending', 'an edit makes the message pending again');
select is((select revision from graphile_worker.jobs where key = 'discord__task:' || pg_temp.tid('Welcome')), (select revision + 1 from rev),
  'and queues its edit (the waiting job is replaced: one job per task)');
select lives_ok($$select app_hidden.record_task_message(pg_temp.tid('Welcome'), 100, 5000, 'synced', now() - interval '1 second')$$,
  'a job that read the task before this edit records its post');
select is((select sync_state from app_public.tasks where name = 'Welcome'), 'pending',
  'the task stays pending: it changed after the job read it (the edit queued another job)');
select throws_ok($$select app_hidden.record_task_message(pg_temp.tid('Welcome'), 100, 5000, 'pending')$$, 'VL001', 'invalid_argument',
  'the job records synced or orphaned only');
select lives_ok($$select app_hidden.record_task_message(pg_temp.tid('Welcome'), null, null, 'orphaned')$$, 'a message that could not be re-posted is orphaned');
select results_eq($$select sync_state, message_id from app_public.tasks where name = 'Welcome'$$, $$values ('orphaned'::text, null::bigint)$$,
  'orphaned: the message id is cleared (the panel shows it)');
insert into app_public.tasks (guild_id, name, reward) values (920000000000000001, 'B task', 10);
select is((select count(*) from graphile_worker.jobs where key = 'discord__task:' || pg_temp.tid('B task')), 0::bigint,
  'a guild without the bot queues no Discord job');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000091, 'ADMIN',
    $$insert into app_public.tasks (guild_id, name, reward) values (910000000000000001, 'Free', 0)$$) ->> 'code', '23514',
  'a reward must be positive');

-- Claiming -------------------------------------------------------------------------------------------------------------
select results_eq($$select (r).status::text, (r).deadline - (r).claimed_at from (select pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null,
    $q$select * from app_public.claim_task(pg_temp.tid('Welcome'), 'claim-1')$q$) as j) x,
    lateral (select jsonb_populate_record(null::app_public.task_claims, x.j -> 0) as r) y$$,
  $$values ('in_progress'::text, interval '24 hours')$$, 'alice claims the task: in progress, deadline 24 h later');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select id from app_public.claim_task(pg_temp.tid('Welcome'), 'claim-1')$$) -> 0 ->> 'id', (pg_temp.claim('Welcome', 910000000000000011)).id::text,
  'a replayed idempotency key returns the first claim');
select is((select count(*) from app_public.task_claims where task_id = pg_temp.tid('Welcome')), 1::bigint, 'and makes no second claim');
create temp table s1 as select pg_temp.tstate() as s;
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_public.claim_task(pg_temp.tid('Welcome'), 'claim-1b')$$) ->> 'code', 'TK005', 'no double claim (TK005)');
select is(pg_temp.tstate(), (select s from s1), 'the refused double claim changed nothing');
select is(app_public.tasks_slots_taken(t), 1, 'one slot taken') from app_public.tasks t where name = 'Welcome';
select is((app_private.claim_task_for(pg_temp.uid(910000000000000001, 910000000000000012), pg_temp.tid('Welcome'), null, null)).status::text,
  'in_progress', 'bob takes the last slot');
drop table s1; create temp table s1 as select pg_temp.tstate() as s;
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000014, null,
    $$select app_public.claim_task(pg_temp.tid('Welcome'))$$), jsonb_build_object('code', 'TK002', 'key', 'task_full',
    'detail', jsonb_build_object('task_id', pg_temp.tid('Welcome')::text, 'max_claims', 2)), 'the task is full (TK002, with max_claims)');
select is(pg_temp.tstate(), (select s from s1), 'the refused claim changed nothing');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000014, null,
    $$select app_public.claim_task(999999999)$$) ->> 'code', 'TK001', 'an unknown task is TK001');
select is(pg_temp.error_as('coins_player', 920000000000000001, 920000000000000011, null,
    $$select app_public.claim_task(pg_temp.tid('Welcome'))$$) ->> 'code', 'TK001', 'another guild''s task is TK001');

insert into app_public.tasks (guild_id, name, reward, expires_at) values (910000000000000001, 'Old', 10, now() - interval '1 minute');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000014, null,
    $$select app_public.claim_task(pg_temp.tid('Old'))$$) ->> 'code', 'TK003', 'a task past its expiry is TK003 (even before the job marks it)');
insert into app_public.tasks (guild_id, name, reward, assigned_member_ids) values (910000000000000001, 'Assigned', 10, '{910000000000000011}');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000014, null,
    $$select app_public.claim_task(pg_temp.tid('Assigned'))$$) ->> 'code', 'TK004', 'only assigned members may claim an assigned task (TK004)');
select is((app_private.claim_task_for(pg_temp.uid(910000000000000001, 910000000000000011), pg_temp.tid('Assigned'), null, null)).status::text,
  'in_progress', 'the assigned member claims it');
insert into app_public.tasks (guild_id, name, reward, required_role_id) values (910000000000000001, 'Roled', 10, 4242);
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000014, null,
    $$select app_public.claim_task(pg_temp.tid('Roled'))$$) ->> 'code', 'TK007', 'without stated roles (the panel, GraphQL) a role task is TK007');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000014, null,
    $$select set_config('app.discord_role_ids', '{1,2}', true), app_public.claim_task(pg_temp.tid('Roled'))$$) ->> 'code', 'TK007',
  'a member without the role is TK007');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000014, null,
    $$select (app_public.claim_task(pg_temp.tid('Roled'))).status from (select set_config('app.discord_role_ids', '{1,4242}', true)) s$$) -> 0 ->> 'status',
  'in_progress', 'a member with the role (stated by the bot) claims it');
select set_config('app.discord_role_ids', '', true);

update app_public.guild_settings set max_tasks_per_user = 2 where guild_id = 910000000000000001;
insert into app_public.tasks (guild_id, name, reward) values (910000000000000001, 'Third', 10);
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_public.claim_task(pg_temp.tid('Third'))$$), jsonb_build_object('code', 'TK006', 'key', 'task_limit_reached',
    'detail', jsonb_build_object('active', 2, 'limit', 2)), 'alice holds 2 claims: a third is over max_tasks_per_user (TK006)');
update app_public.guild_settings set max_tasks_per_user = 10, allow_user_tasks = false where guild_id = 910000000000000001;
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_public.claim_task(pg_temp.tid('Third'))$$) ->> 'code', 'TK012', 'with allow_user_tasks off, claims are refused (TK012)');
update app_public.guild_settings set allow_user_tasks = true where guild_id = 910000000000000001;
update app_public.users set frozen = true where discord_id = 910000000000000014;
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000014, null,
    $$select app_public.claim_task(pg_temp.tid('Third'))$$) ->> 'code', 'FZ001', 'a frozen member cannot claim (FZ001)');
update app_public.users set frozen = false where discord_id = 910000000000000014;

-- Submitting proof -----------------------------------------------------------------------------------------------------
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000014, null,
    $$select app_public.submit_task_proof(pg_temp.tid('Third'), 'done')$$) ->> 'code', 'TK008', 'no claim: TK008');
drop table s1; create temp table s1 as select pg_temp.tstate() as s;
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_public.submit_task_proof(pg_temp.tid('Welcome'), '   ', '[]')$$) ->> 'code', 'TK011', 'proof is required: empty text and no file is TK011');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_public.submit_task_proof(pg_temp.tid('Welcome'), '', '[{"url": "http://insecure.example/x.png"}]')$$) ->> 'code', 'VL001',
  'an attachment must be an https URL (VL001)');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_public.submit_task_proof(pg_temp.tid('Welcome'), '', '[{"url": "https://cdn.example/x.png", "evil": 1}]')$$) ->> 'code', 'VL001',
  'attachments carry only url, filename, content_type, size');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_public.submit_task_proof(pg_temp.tid('Welcome'), repeat('x', 2001))$$) ->> 'code', 'VL001', 'proof text is at most 2000 characters');
select is(pg_temp.tstate(), (select s from s1), 'the refused submissions changed nothing');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select status, proof_text, proof_attachments from app_public.submit_task_proof(pg_temp.tid('Welcome'), ' I welcomed 3 ',
      '[{"url": "https://cdn.discordapp.com/a/1/shot.png", "filename": "shot.png", "content_type": "image/png", "size": 2048}]', 'proof-1')$$) -> 0,
  '{"status": "submitted", "proof_text": "I welcomed 3", "proof_attachments": [{"url": "https://cdn.discordapp.com/a/1/shot.png", "size": 2048, "filename": "shot.png", "content_type": "image/png"}]}'::jsonb,
  'alice submits text and a screenshot: submitted');
select is(pg_temp.jobs('discord__task_review', 'discord__task_review:' || (pg_temp.claim('Welcome', 910000000000000011)).id), 1::bigint,
  'the proof is queued for the review channel');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select app_public.submit_task_proof(pg_temp.tid('Welcome'), 'again')$$) ->> 'code', 'TK009', 'submitting twice is TK009');
select throws_ok($$select app_private.submit_task_proof_for(pg_temp.uid(910000000000000001, 910000000000000012), pg_temp.tid('Welcome'),
    'late', null, null, now() + interval '25 hours')$$, 'TK010', 'claim_overdue', 'after the deadline a submission is TK010');
insert into app_public.tasks (guild_id, name, reward, proof_required) values (910000000000000001, 'No proof', 10, false);
select lives_ok($$select app_private.claim_task_for(pg_temp.uid(910000000000000001, 910000000000000014), pg_temp.tid('No proof'), null, null)$$,
  'dave claims a task without proof');
select is((app_private.submit_task_proof_for(pg_temp.uid(910000000000000001, 910000000000000014), pg_temp.tid('No proof'), '', null, null)).status::text,
  'submitted', 'a task with proof_required false takes an empty submission');

-- Review ---------------------------------------------------------------------------------------------------------------
create temp table before_review as select pg_temp.wallet(910000000000000001, 910000000000000011) as alice,
  pg_temp.bal(pg_temp.gacct(910000000000000001, 'mint')) as mint;
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000012, null,
    format('select app_public.review_task_claim(%s, true)', (pg_temp.claim('Welcome', 910000000000000011)).id)) ->> 'code', '42501',
  'a member cannot review');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000091, 'SUPPORT',
    format('select app_public.review_task_claim(%s, true)', (pg_temp.claim('Welcome', 910000000000000011)).id)) ->> 'code', 'PD001',
  'SUPPORT may not review (PD001: the staff role is checked in SQL)');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000091, 'AUDITOR',
    format('select app_public.review_task_claim(%s, true)', (pg_temp.claim('Welcome', 910000000000000011)).id)) ->> 'code', 'PD001',
  'AUDITOR may not review');
select is(pg_temp.error_as('coins_staff', 920000000000000001, 920000000000000090, 'ADMIN',
    format('select app_public.review_task_claim(%s, true)', (pg_temp.claim('Welcome', 910000000000000011)).id)) ->> 'code', 'TK008',
  'staff of another guild do not find the claim (TK008)');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000091, 'ADMIN',
    format('select app_public.review_task_claim(%s, false, %L)', (pg_temp.claim('Welcome', 910000000000000011)).id, ' no')) ->> 'code', 'RS001',
  'a rejection needs a note (RS001)');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000091, 'ADMIN',
    format('select app_public.review_task_claim(%s, true)', (pg_temp.claim('Welcome', 910000000000000012)).id)) ->> 'code', 'TK009',
  'a claim in progress cannot be reviewed (TK009)');
-- sam (staff) claims and submits a task himself, then tries to accept it
select lives_ok($$select app_private.claim_task_for(pg_temp.uid(910000000000000001, 910000000000000090), pg_temp.tid('Third'), null, null),
                        app_private.submit_task_proof_for(pg_temp.uid(910000000000000001, 910000000000000090), pg_temp.tid('Third'), 'mine', null, null)$$,
  'a staff member claims and submits a task as a member');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPERADMIN',
    format('select app_public.review_task_claim(%s, true)', (pg_temp.claim('Third', 910000000000000090)).id)) ->> 'code', 'TK013',
  'nobody reviews their own claim, not even SUPERADMIN (TK013)');
select is(pg_temp.wallet(910000000000000001, 910000000000000011), (select alice from before_review), 'no refusal paid anything');

-- Atomicity: a failing award leaves the claim submitted and the ledger untouched (seed 003 rollback rule)
drop table s1; create temp table s1 as select pg_temp.tstate() as s;
update app_public.users set frozen = true where discord_id = 910000000000000011;
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000091, 'ADMIN',
    format('select app_public.review_task_claim(%s, true)', (pg_temp.claim('Welcome', 910000000000000011)).id)) ->> 'code', 'FZ002',
  'accepting for a frozen member is refused (FZ002)');
update app_public.users set frozen = false where discord_id = 910000000000000011;
create function pg_temp.fail_transfer() returns trigger language plpgsql as $$
begin raise exception 'simulated ledger outage' using errcode = 'XX001'; end $$;
create trigger zz_fail after insert on app_public.transfers for each row execute function pg_temp.fail_transfer();
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000091, 'ADMIN',
    format('select app_public.review_task_claim(%s, true, %L, %L)', (pg_temp.claim('Welcome', 910000000000000011)).id, 'great', 'review-1')) ->> 'code', 'XX001',
  'the award fails (a simulated ledger failure after the transaction row)');
drop trigger zz_fail on app_public.transfers;
select is((pg_temp.claim('Welcome', 910000000000000011)).status::text, 'submitted', 'the claim is still submitted');
select is(pg_temp.tstate(), (select s from s1), 'and nothing else changed: no transaction, no transfer, no balance, no key');

select is(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000091, 'ADMIN',
    format('select status, review_note, reviewer_id::text, role_status, dm_status from app_public.review_task_claim(%s, true, %L, %L)',
      (pg_temp.claim('Welcome', 910000000000000011)).id, 'great', 'review-1')) -> 0,
  '{"status": "accepted", "review_note": "great", "reviewer_id": "910000000000000091", "role_status": "pending", "dm_status": "pending"}'::jsonb,
  'an ADMIN accepts: accepted, with the reviewer and note; the role grant and the DM are pending');
select is(pg_temp.wallet(910000000000000001, 910000000000000011), (select alice + 100 from before_review), 'alice is paid the reward');
select is(pg_temp.bal(pg_temp.gacct(910000000000000001, 'mint')), (select mint - 100 from before_review), 'from the mint');
select results_eq($$select t.type::text, t.reason, t.amount, t.meta ->> 'description', tr.reason, tr.amount, tr.status::text
                     from app_public.transactions t join app_public.transfers tr on tr.tx_id = t.tx_id
                    where t.tx_id = (pg_temp.claim('Welcome', 910000000000000011)).tx_id$$,
  $$values ('earn'::text, 'task_reward'::text, 100::bigint, 'Completed task: Welcome'::text, 'task_reward'::text, 100::bigint, 'posted'::text)$$,
  'one task_reward transaction with the seed''s description, and its posted transfer');
select is((select count(*) from app_public.verify_ledger()), 0::bigint, 'the ledger verifies');
select is(app_public.tasks_completed_count(t), 1, 'total completed counts the accepted claim') from app_public.tasks t where name = 'Welcome';
select is(pg_temp.jobs('discord__task_role', 'discord__task_role:' || (pg_temp.claim('Welcome', 910000000000000011)).id)
        + pg_temp.jobs('discord__task_dm', 'discord__task_dm:' || (pg_temp.claim('Welcome', 910000000000000011)).id), 2::bigint,
  'the role grant and the DM are queued, once each (job keys)');
select is(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000091, 'ADMIN',
    format('select status from app_public.review_task_claim(%s, true, %L, %L)', (pg_temp.claim('Welcome', 910000000000000011)).id, 'great', 'review-1')) -> 0 ->> 'status',
  'accepted', 'a replayed review returns the first result');
select is((select count(*) from app_public.transactions where reason = 'task_reward'), 1::bigint, 'and pays nothing twice');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000092, 'OPERATOR',
    format('select app_public.review_task_claim(%s, true)', (pg_temp.claim('Welcome', 910000000000000011)).id)) ->> 'code', 'TK009',
  'another reviewer cannot accept it again (TK009)');
select is(app_hidden.record_task_delivery((pg_temp.claim('Welcome', 910000000000000011)).id, 'dm', 'failed', 'Cannot send messages to this user'), true,
  'a failed DM is recorded');
select is(app_hidden.record_task_delivery((pg_temp.claim('Welcome', 910000000000000011)).id, 'dm', 'sent', null), false,
  'once: a retried job changes nothing');
select is((pg_temp.claim('Welcome', 910000000000000011)).dm_status, 'failed', 'the DM stays failed (not retried forever)');

-- Rejection frees the slot
select lives_ok($$select app_private.submit_task_proof_for(pg_temp.uid(910000000000000001, 910000000000000012), pg_temp.tid('Welcome'), 'bob did it', null, null)$$,
  'bob submits');
select is(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000091, 'OPERATOR',
    format('select status, review_note, dm_status, tx_id from app_public.review_task_claim(%s, false, %L)', (pg_temp.claim('Welcome', 910000000000000012)).id, 'no screenshot')) -> 0,
  '{"status": "rejected", "review_note": "no screenshot", "dm_status": "pending", "tx_id": null}'::jsonb, 'an OPERATOR rejects with a note; nothing is paid');
select is((pg_temp.claim('Welcome', 910000000000000012)).role_status, 'none', 'a rejection grants no role');
select is((app_private.claim_task_for(pg_temp.uid(910000000000000001, 910000000000000014), pg_temp.tid('Welcome'), null, null)).status::text,
  'in_progress', 'the rejected claim freed its slot: dave claims');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000012, null,
    $$select app_public.claim_task(pg_temp.tid('Welcome'))$$) ->> 'code', 'TK002', 'the task is full again');

-- Expiry (the tasks__expire job's body) --------------------------------------------------------------------------------
select is(app_hidden.expire_tasks(now() + interval '25 hours'), '{"tasks": 1, "claims": 3}'::jsonb,
  'the job expires the task past its expiry and the three overdue claims in progress');
select is((select status from app_public.tasks where name = 'Old'), 'expired', 'the old task is expired');
select is((pg_temp.claim('Welcome', 910000000000000014)).status::text, 'expired', 'dave''s overdue claim expired');
select is((pg_temp.claim('Third', 910000000000000090)).status::text, 'submitted', 'a submitted claim waits for review');
select is(app_hidden.expire_tasks(now() + interval '25 hours'), '{"tasks": 0, "claims": 0}'::jsonb, 'a second run finds nothing');
update app_public.guild_settings set auto_expire_enabled = false where guild_id = 920000000000000001;
update app_public.tasks set expires_at = now() where name = 'B task';
select is(app_hidden.expire_tasks(now() + interval '1 hour'), '{"tasks": 0, "claims": 0}'::jsonb, 'a guild with auto_expire_enabled off expires nothing');

-- Delete, reads, worker-only functions ---------------------------------------------------------------------------------
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000091, 'AUDITOR',
    format('select app_public.delete_task(%s)', pg_temp.tid('Third'))) ->> 'code', 'PD001', 'AUDITOR may not delete a task');
select is(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000091, 'OPERATOR',
    format('select status, sync_state from app_public.delete_task(%s)', pg_temp.tid('Third'))) -> 0,
  '{"status": "deleted", "sync_state": "pending"}'::jsonb, 'an OPERATOR deletes a task; its messages are to be deleted');
select is((pg_temp.claim('Third', 910000000000000090)).status::text, 'expired', 'its claim waiting for review ends');
select is((select count(*) from app_public.admin_actions where action = 'delete_task'), 1::bigint, 'the deletion is audited');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select name from app_public.tasks where status = 'deleted'$$), '[]'::jsonb, 'members do not see deleted tasks');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select count(*) as n, count(*) filter (where user_id = pg_temp.uid(910000000000000001, 910000000000000011)) as own from app_public.task_claims$$) -> 0,
  '{"n": 2, "own": 2}'::jsonb, 'a member reads only their own claims');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select count(*) as n from app_public.my_task_claims()$$) -> 0 ->> 'n', '2', '/task mine lists them');
select is(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000091, 'AUDITOR',
    $$select count(*) as n from app_public.task_claims$$) -> 0 ->> 'n',
  (select count(*)::text from app_public.task_claims where guild_id = 910000000000000001), 'staff read every claim of their guild (the review queue)');
select is(pg_temp.rows_as('coins_staff', 920000000000000001, 920000000000000090, 'ADMIN',
    $$select count(*) as n from app_public.task_claims$$) -> 0 ->> 'n', '0', 'and none of another guild');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    format('select app_hidden.discord_task(%s)', pg_temp.tid('Welcome'))) ->> 'code', '42501', 'the bot''s reads are for the worker role only');
select is(pg_temp.rows_as('coins_worker', null, null, null,
    format('select app_hidden.discord_task(%s) -> %L as n', pg_temp.tid('Welcome'), 'slots_taken')) -> 0 ->> 'n', '1',
  'the worker reads what it renders: one slot taken (the accepted claim)');
select is(app_hidden.requeue_task_sync(now()), 0, 'the sync job leaves tasks changed within the last minute to their own job');
select is(app_hidden.requeue_task_sync(now() + interval '10 minutes'),
  (select count(*)::integer from app_public.tasks where sync_state = 'pending' and guild_id = 910000000000000001
     and (status <> 'deleted' or message_id is not null)),
  'and re-queues every task still pending later (the seed''s sync_pending_discord_messages)');

select * from finish();
rollback;
