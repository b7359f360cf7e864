begin;
select plan(30);
\ir ../lib/helpers.psql
-- Issue 14 / seed 003: saved embeds (the embed builder), announcements (now, scheduled, pinned, edited, deleted,
-- orphaned) and announcing a task. Guild A = 910000000000000001 has the bot; staff ...090; member alice ...011.
do $$
begin
  perform app_private.ensure_guild(910000000000000001, 'Announce guild A');
  perform app_private.ensure_guild(920000000000000001, 'Announce guild B');
  perform app_private.ensure_member(910000000000000001, 910000000000000011, 'alice');
  perform app_hidden.save_discord_setup(910000000000000001, 11, 12, 13, 14, 15, 16);
end $$;
create function pg_temp.job_rev(p_key text) returns integer language sql as $$
  select coalesce((select revision from graphile_worker.jobs where key = p_key), -1) $$;
create function pg_temp.aid(p_content text) returns bigint language sql as $$ select id from app_public.announcements where content = p_content $$;

-- Embeds ---------------------------------------------------------------------------------------------------------------
select ok(app_hidden.embed_valid('{"title": "Hi", "description": "**bold** _it_", "color": 15844367, "fields": [{"name": "A", "value": "B", "inline": true}],
  "image": {"url": "https://cdn.example/i.png"}, "thumbnail": {"url": "https://cdn.example/t.png"}, "footer": {"text": "f", "icon_url": "https://cdn.example/f.png"},
  "author": {"name": "Guildbank", "url": "https://example.org"}, "timestamp": "2031-01-01T12:00:00Z"}'), 'a full embed is valid');
select ok(not app_hidden.embed_valid('{}'), 'an empty embed is not');
select ok(not app_hidden.embed_valid('{"title": "x", "color": 16777216}'), 'a colour over 0xFFFFFF is not');
select ok(not app_hidden.embed_valid(jsonb_build_object('title', repeat('x', 257))), 'a title over 256 characters is not');
select ok(not app_hidden.embed_valid('{"title": "x", "image": {"url": "http://insecure/i.png"}}'), 'an image must be https');
select ok(not app_hidden.embed_valid(jsonb_build_object('title', 'x', 'fields', (select jsonb_agg(jsonb_build_object('name', 'n', 'value', 'v')) from generate_series(1, 26)))),
  'at most 25 fields');
select ok(not app_hidden.embed_valid(jsonb_build_object('description', repeat('x', 4096), 'fields', jsonb_build_array(jsonb_build_object('name', 'n', 'value', repeat('v', 1024)),
  jsonb_build_object('name', 'n', 'value', repeat('v', 1024))))), 'at most 6000 characters in all');
select ok(not app_hidden.embed_valid('{"title": "x", "script": "alert(1)"}'), 'unknown keys are refused');
select is(pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    $$insert into app_public.saved_embeds (guild_id, name, embed) values (910000000000000001, 'Rules', '{"title": "Rules", "description": "Be nice"}')$$), 1::bigint,
  'an OPERATOR saves an embed');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    $$insert into app_public.saved_embeds (guild_id, name, embed) values (910000000000000001, 'Bad', '{"title": 5}')$$) ->> 'code', '23514',
  'an invalid embed is refused by its check');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'AUDITOR',
    $$insert into app_public.saved_embeds (guild_id, name, embed) values (910000000000000001, 'Nope', '{"title": "x"}')$$) ->> 'code', 'PD001',
  'an AUDITOR may not');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null, $$select * from app_public.saved_embeds$$) ->> 'code', '42501',
  'members do not read saved embeds');

-- Announcements --------------------------------------------------------------------------------------------------------
select is(pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$insert into app_public.announcements (guild_id, channel_id, content, pinned) values (910000000000000001, 777, 'Now', true)$$), 1::bigint,
  'an ADMIN announces now');
select results_eq($$select status, sync_state, published_at is not null, created_by from app_public.announcements where content = 'Now'$$,
  $$values ('published'::text, 'pending'::text, true, 910000000000000090::bigint)$$, 'it is published and pending');
select cmp_ok(pg_temp.job_rev('discord__announcement:' || pg_temp.aid('Now')), '>=', 0, 'its post is queued');
select lives_ok($$select app_hidden.record_announcement_message(pg_temp.aid('Now'), 5001, 'synced', true)$$, 'the job records the post and the pin');
create temp table rev as select pg_temp.job_rev('discord__announcement:' || pg_temp.aid('Now')) as r;
select results_eq($$select sync_state, message_id, pinned_on_discord from app_public.announcements where content = 'Now'$$,
  $$values ('synced'::text, 5001::bigint, true)$$, 'synced, pinned');
select is(pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'ADMIN',
    $$update app_public.announcements set pinned = false, embed = '{"title": "Edited"}' where content = 'Now'$$), 1::bigint, 'staff edit it and unpin it');
select results_eq($$select sync_state, status from app_public.announcements where content = 'Now'$$, $$values ('pending'::text, 'published'::text)$$,
  'the edit makes it pending');
select cmp_ok(pg_temp.job_rev('discord__announcement:' || pg_temp.aid('Now')), '>', (select r from rev), 'and queues the edit');
select lives_ok($$select app_hidden.record_announcement_message(pg_temp.aid('Now'), null, 'orphaned', false)$$, 'the message was deleted on Discord');
select results_eq($$select sync_state, message_id from app_public.announcements where content = 'Now'$$, $$values ('orphaned'::text, null::bigint)$$,
  'the announcement is orphaned (the panel says so)');

select is(pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    $$insert into app_public.announcements (guild_id, channel_id, content, publish_at) values (910000000000000001, 777, 'Later', now() + interval '1 hour')$$), 1::bigint,
  'an OPERATOR schedules one');
select results_eq($$select status, published_at from app_public.announcements where content = 'Later'$$, $$values ('scheduled'::text, null::timestamptz)$$,
  'it is scheduled');
select is(pg_temp.job_rev('discord__announcement:' || pg_temp.aid('Later')), -1, 'nothing is queued before its time');
select is(app_hidden.publish_due_announcements(now() + interval '2 hours'), 1, 'the publish job publishes it when its time has come');
select results_eq($$select status, sync_state from app_public.announcements where content = 'Later'$$, $$values ('published'::text, 'pending'::text)$$,
  'published, its post queued');
select is(app_hidden.publish_due_announcements(now() + interval '2 hours'), 0, 'a second run finds nothing');
select is(pg_temp.rows_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    format('select status, sync_state from app_public.delete_announcement(%s)', pg_temp.aid('Later'))) -> 0,
  '{"status": "deleted", "sync_state": "pending"}'::jsonb, 'delete_announcement marks it deleted: the job deletes the message');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    format('select app_public.delete_announcement(%s)', pg_temp.aid('Later'))) ->> 'code', 'AN001', 'deleting it again is AN001');

select * from finish();
rollback;
