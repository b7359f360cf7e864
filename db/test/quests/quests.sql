begin;
select plan(27);
\ir ../lib/helpers.psql
-- Quests (000006): quest_board, answer_quest (one attempt per cooldown, answers hidden from members, rewards from the
-- mint) and staff managing quests. Guild A = 910000000000000001 (alice ...011, bob ...012, staff ...090, owner ...099);
-- guild B = 920000000000000001. Quest attempts use explicit times from t0 = 2031-01-01 12:00 UTC
-- (app_private.answer_quest_for); the public app_public.answer_quest uses now().
do $$
begin
  perform app_private.ensure_guild(910000000000000001, 'Quest guild A');
  perform app_private.ensure_guild(920000000000000001, 'Quest guild B');
  perform app_private.ensure_member(910000000000000001, 910000000000000011, 'alice');
  perform app_private.ensure_member(910000000000000001, 910000000000000012, 'bob');
  perform app_private.ensure_member(920000000000000001, 920000000000000011, 'carol');
end $$;

-- Quests -------------------------------------------------------------------------------------------------------------
insert into app_public.quests (guild_id, kind, title, prompt, choices, answers, reward, cooldown_s) values
  (910000000000000001, 'trivia', 'Capital', 'Capital of France?', '{Paris,Lyon,Nice}', '{Paris}', 50, 86400),
  (910000000000000001, 'trivia', 'Free text', 'Name a primary colour', null, '{red,"  Sky   Blue "}', 20, 3600),
  (910000000000000001, 'check_in', 'Say hi', 'Check in for the day', null, null, 5, 86400);
insert into app_public.quests (guild_id, kind, title, prompt, answers, reward, active) values
  (910000000000000001, 'trivia', 'Retired', 'Old one', '{x}', 99, false),
  (920000000000000001, 'trivia', 'Other guild', 'B''s quest', '{b}', 10, true);
create temp table q as select title, id from app_public.quests;
create function pg_temp.qid(p_title text) returns bigint language sql as $$ select id from q where title = p_title $$;
create function pg_temp.answer(p_discord bigint, p_title text, p_answer text, p_at timestamptz, p_key text default null)
returns app_public.quest_result language sql as $$
  select * from app_private.answer_quest_for(pg_temp.uid(910000000000000001, p_discord), pg_temp.qid(p_title), p_answer, p_key, p_at) $$;

select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select title, next_attempt_at, last_correct from app_public.quest_board()$$),
  '[{"title": "Capital", "last_correct": null, "next_attempt_at": null}, {"title": "Free text", "last_correct": null, "next_attempt_at": null}, {"title": "Say hi", "last_correct": null, "next_attempt_at": null}]'::jsonb,
  'quest_board: the active quests of the caller''s guild, none attempted yet');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select answers from app_public.quests$$) ->> 'code', '42501', 'members cannot read the answers column');
select is(pg_temp.run_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select title from app_public.quests$$), 3::bigint, 'members see the 3 active quests of their guild (not the retired one, not guild B''s)');

insert into snapshots values ('before', pg_temp.state());
select results_eq($$select correct, reward, balance, next_attempt_at from pg_temp.answer(910000000000000011, 'Capital', '  PARIS ', '2031-01-01 12:00+00', 'k1')$$,
  $$values (true, 50::bigint, 50::bigint, '2031-01-02 12:00+00'::timestamptz)$$,
  'a right answer (trimmed, any case) earns the reward; next attempt after the cooldown');
select results_eq($$select t.type::text, t.reason, t.amount, tr.debit_account_id = pg_temp.gacct(910000000000000001, 'mint'), tr.status::text
                     from app_public.quest_attempts a join app_public.transactions t on t.tx_id = a.tx_id
                     join app_public.transfers tr on tr.tx_id = t.tx_id where a.quest_id = pg_temp.qid('Capital')$$,
  $$values ('earn'::text, 'quest'::text, 50::bigint, true, 'posted'::text)$$, 'the reward is one posted mint -> wallet transfer, an earn transaction with reason quest');
select results_eq($$select correct, reward, balance from pg_temp.answer(910000000000000011, 'Capital', '  PARIS ', '2031-01-01 13:00+00', 'k1')$$,
  $$values (true, 50::bigint, 50::bigint)$$, 'a replayed idempotency key (a double click) returns the first result and pays nothing more');
select throws_ok($$select pg_temp.answer(910000000000000011, 'Capital', 'Lyon', '2031-01-01 13:00+00', 'k1')$$,
  'IK001', 'idempotency_key_reused', 'the same key with another answer is IK001');
select is(pg_temp.wallet(910000000000000001, 910000000000000011), 50::bigint, 'after the replay alice still has 50');

insert into snapshots values ('cooldown', pg_temp.state());
select throws_ok($$select pg_temp.answer(910000000000000011, 'Capital', 'Paris', '2031-01-02 11:59:59+00')$$,
  'QS002', 'quest_cooldown', 'a second attempt 1 s before the cooldown ends: QS002');
select is((pg_temp.error_as(null, null, null, null, $$select pg_temp.answer(910000000000000011, 'Capital', 'Paris', '2031-01-02 11:00+00')$$) -> 'detail'),
  '{"next_attempt_at": "2031-01-02T12:00:00+00:00", "retry_after_s": 3600}'::jsonb, 'QS002 says when and in how many seconds');
select is(pg_temp.state(), (select state from snapshots where name = 'cooldown'), 'the refused attempt changed nothing');

select results_eq($$select correct, reward, tx_id is null from pg_temp.answer(910000000000000012, 'Free text', 'green', '2031-01-01 12:00+00')$$,
  $$values (false, 0::bigint, true)$$, 'a wrong answer pays nothing');
select throws_ok($$select pg_temp.answer(910000000000000012, 'Free text', 'red', '2031-01-01 12:30+00')$$,
  'QS002', 'quest_cooldown', 'a wrong answer uses the attempt: the right one is refused until the cooldown ends');
select results_eq($$select correct, reward from pg_temp.answer(910000000000000012, 'Free text', 'sky  BLUE', '2031-01-01 13:00+00')$$,
  $$values (true, 20::bigint)$$, 'after the cooldown (1 h) a right answer with collapsed whitespace and other case pays');
select results_eq($$select correct, reward from pg_temp.answer(910000000000000012, 'Say hi', null, '2031-01-01 13:00+00')$$,
  $$values (true, 5::bigint)$$, 'a check-in needs no answer and pays');

insert into snapshots values ('refusals', pg_temp.state());
select throws_ok($$select pg_temp.answer(910000000000000011, 'Free text', '   ', '2031-01-01 12:00+00')$$,
  'QS003', 'answer_required', 'an empty trivia answer: QS003');
select throws_ok($$select app_private.answer_quest_for(pg_temp.uid(910000000000000001, 910000000000000011), pg_temp.qid('Retired'), 'x', null, '2031-01-01 12:00+00')$$,
  'QS001', 'quest_not_found', 'an inactive quest: QS001');
select throws_ok($$select app_private.answer_quest_for(pg_temp.uid(910000000000000001, 910000000000000011), pg_temp.qid('Other guild'), 'b', null, '2031-01-01 12:00+00')$$,
  'QS001', 'quest_not_found', 'another guild''s quest: QS001');
update app_public.users set frozen = true where id = pg_temp.uid(910000000000000001, 910000000000000012);
insert into snapshots values ('frozen', pg_temp.state());
select throws_ok($$select pg_temp.answer(910000000000000012, 'Capital', 'Paris', '2031-01-01 12:00+00')$$,
  'FZ001', 'account_frozen', 'a frozen member cannot earn from quests');
select is(pg_temp.state(), (select state from snapshots where name = 'frozen'), 'the refused attempts changed nothing');
select is((select count(*) from app_public.quest_attempts), 4::bigint, 'four attempts recorded (three right, one wrong)');

-- The public function and staff management --------------------------------------------------------------------------
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null,
    format($$select correct, reward from app_public.answer_quest(%s, null, 'pub-1')$$, pg_temp.qid('Say hi'))) -> 0,
  '{"correct": true, "reward": 5}'::jsonb, 'answer_quest as a member: a check-in at now() pays the reward');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null,
    $$select title, next_attempt_at is not null as waiting, last_correct from app_public.quest_board() where title = 'Say hi'$$) -> 0,
  '{"title": "Say hi", "waiting": true, "last_correct": true}'::jsonb, 'quest_board shows the caller''s cooldown and last outcome');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPPORT',
    $$insert into app_public.quests (guild_id, title, prompt, answers, reward) values (910000000000000001, 't', 'p', '{a}', 1)$$) ->> 'code', 'PD001',
  'SUPPORT cannot create quests');
select is(pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    $$update app_public.quests set reward = 60 where title = 'Capital'$$), 1::bigint, 'OPERATOR edits a quest');
select is((select count(*) from app_public.admin_actions where subject_type = 'quest' and action = 'update_quest'), 1::bigint,
  'the quest edit is audited');
select throws_ok($$insert into app_public.quests (guild_id, kind, title, prompt, reward) values (910000000000000001, 'trivia', 't', 'p', 1)$$,
  '23514', null, 'a trivia quest needs answers (check constraint)');

select * from finish();
rollback;
