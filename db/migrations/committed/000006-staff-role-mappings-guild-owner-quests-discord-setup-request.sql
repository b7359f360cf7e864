--! Previous: sha1:b70a91f5e709fba6db7bdf03483583c3d5710374
--! Hash: sha1:bf223b75e4e7db5148fc53cf6647e0a8c972a1af
--! Message: Staff role mappings, guild owner, quests, Discord setup requests

--------------------------------------------------------------------------------
-- 000006: staff role mappings, guild owner, quests, Discord setup requests.
-- The shared base of the Discord bot (issue 4) and the web panel (issue 5): both resolve a
-- member's staff role from their Discord roles with the same SQL rule, both show quests.
--------------------------------------------------------------------------------

drop function if exists app_public.request_discord_setup(text);
drop function if exists app_public.answer_quest(bigint, text, text);
drop function if exists app_private.answer_quest_for(bigint, bigint, text, text, timestamptz);
drop function if exists app_public.quest_board();
drop type if exists app_public.quest_result;
drop type if exists app_public.quest_board_entry;
drop table if exists app_public.quest_attempts;
drop table if exists app_public.quests;
drop function if exists app_private.quest_answer_key(text);
drop function if exists app_hidden.record_guild(bigint, text, bigint);
drop function if exists app_hidden.resolve_staff_role(bigint, bigint, bigint[]);
drop table if exists app_public.staff_role_mappings;
drop function if exists app_private.tg_staff_role_mappings__superadmin_only();
alter table app_public.guilds drop column if exists owner_id;

--------------------------------------------------------------------------------
-- Guild owner and staff role mapping
--------------------------------------------------------------------------------

alter table app_public.guilds add column owner_id bigint check (owner_id > 0);
comment on column app_public.guilds.owner_id is
  'Discord snowflake of the guild''s owner, as the bot last saw it; the owner always resolves to SUPERADMIN.';

create table app_public.staff_role_mappings (
  guild_id        bigint not null references app_public.guilds on delete cascade,
  discord_role_id bigint not null check (discord_role_id > 0),
  staff_role      app_public.staff_role not null,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  primary key (guild_id, discord_role_id)
);
comment on table app_public.staff_role_mappings is
  'Which Discord role grants which staff role in a guild (the settings page''s role mapping). Read at every panel login '
  'and every bot interaction by app_hidden.resolve_staff_role, so a change takes effect at the next login. SUPERADMIN '
  'writes it, audited as subject staff_role_mapping.';
comment on column app_public.staff_role_mappings.discord_role_id is 'Discord role snowflake.';
create trigger _100_timestamps before insert or update on app_public.staff_role_mappings
  for each row execute function app_private.tg__timestamps();
create trigger _050_require_staff before insert or update or delete on app_public.staff_role_mappings
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN');
create trigger _900_audit after insert or update or delete on app_public.staff_role_mappings
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('staff_role_mapping', 'discord_role_id');

alter table app_public.staff_role_mappings enable row level security;
grant select on app_public.staff_role_mappings to coins_staff;
grant insert (guild_id, discord_role_id, staff_role), update (staff_role), delete
  on app_public.staff_role_mappings to coins_staff;
create policy staff_role_mappings_staff on app_public.staff_role_mappings for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
create policy staff_role_mappings_insert on app_public.staff_role_mappings for insert to coins_staff
  with check (guild_id = (select app_public.current_guild_id()));
create policy staff_role_mappings_update on app_public.staff_role_mappings for update to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null)
  with check (guild_id = (select app_public.current_guild_id()));
create policy staff_role_mappings_delete on app_public.staff_role_mappings for delete to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);

create function app_hidden.resolve_staff_role(p_guild_id bigint, p_discord_id bigint, p_role_ids bigint[])
returns app_public.staff_role
language sql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
  -- The enum is declared from the most to the least powerful role, so min() is the highest rank.
  select case
    when exists (select 1 from app_public.guilds g where g.id = p_guild_id and g.owner_id = p_discord_id)
      then 'SUPERADMIN'::app_public.staff_role
    else (select min(m.staff_role) from app_public.staff_role_mappings m
           where m.guild_id = p_guild_id and m.discord_role_id = any (coalesce(p_role_ids, '{}')))
  end;
$$;
comment on function app_hidden.resolve_staff_role(bigint, bigint, bigint[]) is
  'The staff role of a Discord member from their Discord roles (p_role_ids, as Discord reports them at login or in the '
  'interaction): the guild owner is SUPERADMIN; otherwise the highest-ranked role mapped in staff_role_mappings '
  '(SUPERADMIN > ADMIN > OPERATOR > SUPPORT > AUDITOR); null when no role maps (a member, not staff). Raises nothing. '
  'Source: issue 5 (roles mapped at every login) and issue 4 (permission from the member''s mapped staff role).';

create function app_hidden.record_guild(p_guild_id bigint, p_name text, p_owner_id bigint)
returns app_public.guilds
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_public.guilds;
begin
  if p_guild_id is null or p_guild_id <= 0 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'guild_id'));
  end if;
  if p_name is null or length(btrim(p_name)) not between 1 and 100 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'name', 'min', 1, 'max', 100));
  end if;
  if p_owner_id is not null and p_owner_id <= 0 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'owner_id'));
  end if;
  perform app_private.ensure_guild(p_guild_id, btrim(p_name));
  update app_public.guilds set owner_id = coalesce(p_owner_id, owner_id)
   where id = p_guild_id and owner_id is distinct from coalesce(p_owner_id, owner_id);
  select * into v from app_public.guilds where id = p_guild_id;
  return v;
end;
$$;
comment on function app_hidden.record_guild(bigint, text, bigint) is
  'Creates the guild (settings, mint and fee accounts) or refreshes its name and owner; idempotent. The bot calls it '
  'when it joins or sees a guild. VL001 invalid_argument for a bad snowflake or a name outside 1..100 characters.';

--------------------------------------------------------------------------------
-- Quests
--------------------------------------------------------------------------------

create function app_private.quest_answer_key(p_answer text) returns text
language sql immutable parallel safe
as $$
  select lower(regexp_replace(btrim(coalesce(p_answer, '')), '\s+', ' ', 'g'));
$$;
comment on function app_private.quest_answer_key(text) is
  'How answers compare: trimmed, inner whitespace collapsed, lower-cased.';

create table app_public.quests (
  id          bigint generated always as identity primary key,
  guild_id    bigint not null references app_public.guilds on delete cascade,
  kind        text not null default 'trivia' check (kind in ('trivia', 'check_in')),
  title       text not null check (length(btrim(title)) between 1 and 100),
  prompt      text not null check (length(btrim(prompt)) between 1 and 1000),
  choices     text[] check (choices is null or (cardinality(choices) between 2 and 5
                and array_position(choices, null) is null)),
  answers     text[] check (answers is null or (cardinality(answers) between 1 and 20
                and array_position(answers, null) is null)),
  reward      bigint not null check (reward between 1 and 1000000000000),
  cooldown_s  integer not null default 86400 check (cooldown_s between 60 and 2592000),
  active      boolean not null default true,
  starts_at   timestamptz,
  ends_at     timestamptz,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  check (ends_at is null or starts_at is null or ends_at > starts_at),
  check ((kind = 'trivia') = (answers is not null)),
  check (kind = 'trivia' or choices is null)
);
comment on table app_public.quests is
  'Daily trivia and check-in quests (hub button Quests). A member may attempt a quest once per cooldown_s; a correct '
  'trivia answer (or a check-in) earns reward coins from the mint. Staff (SUPERADMIN, ADMIN, OPERATOR) manage them, '
  'audited. Players read active quests in their window, without the answers column.';
comment on column app_public.quests.choices is 'Trivia options shown as buttons (2 to 5), or null for a free-text answer.';
comment on column app_public.quests.answers is
  'Accepted answers (trivia), compared trimmed, whitespace-collapsed and case-insensitively. Staff only.';
comment on column app_public.quests.reward is 'Coins credited for a correct answer or a check-in.';
comment on column app_public.quests.cooldown_s is 'Seconds between two attempts by one member (86400 = daily).';
create index quests_guild_active on app_public.quests (guild_id) where active;
create trigger _100_timestamps before insert or update on app_public.quests
  for each row execute function app_private.tg__timestamps();
create trigger _050_require_staff before insert or update or delete on app_public.quests
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN', 'OPERATOR');
create trigger _900_audit after insert or update or delete on app_public.quests
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('quest', 'id');

create table app_public.quest_attempts (
  id           bigint generated always as identity primary key,
  guild_id     bigint not null,
  quest_id     bigint not null references app_public.quests on delete cascade,
  user_id      bigint not null references app_public.users on delete cascade,
  answer       text not null default '' check (length(answer) <= 200),
  correct      boolean not null,
  reward       bigint not null default 0 check (reward >= 0),
  tx_id        uuid,
  attempted_at timestamptz not null default now(),
  check (correct or (reward = 0 and tx_id is null))
);
comment on table app_public.quest_attempts is
  E'@behavior -insert -update -delete\nEvery quest attempt: the answer given, whether it was right, the coins earned and the '
  'transaction that paid them. The latest attempt of a member on a quest sets their cooldown.';
create index quest_attempts_user_quest on app_public.quest_attempts (user_id, quest_id, attempted_at desc);
create index quest_attempts_guild_attempted_at on app_public.quest_attempts (guild_id, attempted_at);

alter table app_public.quests enable row level security;
alter table app_public.quest_attempts enable row level security;
grant select (id, guild_id, kind, title, prompt, choices, reward, cooldown_s, active, starts_at, ends_at, created_at, updated_at)
  on app_public.quests to coins_player;
grant select on app_public.quests, app_public.quest_attempts to coins_staff;
grant select on app_public.quest_attempts to coins_player;
grant insert (guild_id, kind, title, prompt, choices, answers, reward, cooldown_s, active, starts_at, ends_at),
  update (kind, title, prompt, choices, answers, reward, cooldown_s, active, starts_at, ends_at), delete
  on app_public.quests to coins_staff;
create policy quests_player on app_public.quests for select to coins_player
  using (guild_id = (select app_public.current_guild_id()) and active
         and (starts_at is null or starts_at <= now()) and (ends_at is null or ends_at > now()));
create policy quests_staff on app_public.quests for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
create policy quests_staff_insert on app_public.quests for insert to coins_staff
  with check (guild_id = (select app_public.current_guild_id()));
create policy quests_staff_update on app_public.quests for update to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null)
  with check (guild_id = (select app_public.current_guild_id()));
create policy quests_staff_delete on app_public.quests for delete to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
create policy quest_attempts_self on app_public.quest_attempts for select to coins_player
  using (guild_id = (select app_public.current_guild_id())
         and user_id = (select u.id from app_public.users u
                        where u.guild_id = app_public.current_guild_id() and u.discord_id = app_public.current_discord_id()));
create policy quest_attempts_staff on app_public.quest_attempts for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);

create type app_public.quest_board_entry as (
  id              bigint,
  kind            text,
  title           text,
  prompt          text,
  choices         text[],
  reward          bigint,
  cooldown_s      integer,
  ends_at         timestamptz,
  next_attempt_at timestamptz,
  last_correct    boolean
);
comment on type app_public.quest_board_entry is
  'A quest as the calling member sees it: no answers; next_attempt_at is null when they may attempt it now; '
  'last_correct is the outcome of their latest attempt (null if none).';

create function app_public.quest_board() returns setof app_public.quest_board_entry
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users := app_private.current_member();
begin
  return query
    select q.id, q.kind, q.title, q.prompt, q.choices, q.reward, q.cooldown_s, q.ends_at,
           case when a.attempted_at + make_interval(secs => q.cooldown_s) > now()
                then a.attempted_at + make_interval(secs => q.cooldown_s) end,
           a.correct
      from app_public.quests q
      left join lateral (select qa.attempted_at, qa.correct from app_public.quest_attempts qa
                          where qa.user_id = v_user.id and qa.quest_id = q.id
                          order by qa.attempted_at desc limit 1) a on true
     where q.guild_id = v_user.guild_id and q.active
       and (q.starts_at is null or q.starts_at <= now()) and (q.ends_at is null or q.ends_at > now())
     order by q.id;
end;
$$;
comment on function app_public.quest_board() is
  'The active quests of the caller''s guild with the caller''s cooldown (next_attempt_at) and last outcome; answers are '
  'never returned. Errors: AU001 not_authenticated, MB001 member_not_registered. Source: issue 4 (Quests button).';

create type app_public.quest_result as (
  quest_id        bigint,
  correct         boolean,
  reward          bigint,
  balance         bigint,
  next_attempt_at timestamptz,
  tx_id           uuid
);
comment on type app_public.quest_result is
  'Outcome of a quest attempt: whether it was right, coins earned (0 when wrong), new wallet balance, when the member may '
  'try this quest again, and the paying transaction (null when wrong).';

create function app_private.answer_quest_for(p_user_id bigint, p_quest_id bigint, p_answer text, p_key text,
  p_at timestamptz default now())
returns app_public.quest_result
language plpgsql
as $$
declare
  v_user app_public.users;
  v_quest app_public.quests;
  v_replay jsonb;
  v_last timestamptz;
  v_next timestamptz;
  v_correct boolean;
  v_reward bigint := 0;
  v_tx uuid;
  v_result app_public.quest_result;
begin
  select * into v_user from app_private.lock_members(array[p_user_id]);
  if v_user.id is null then
    perform app_private.raise_error('MB001', 'member_not_registered');
  end if;
  v_replay := app_private.idempotency_begin(v_user.guild_id, v_user.discord_id, p_key,
    jsonb_build_object('fn', 'answer_quest', 'quest_id', p_quest_id, 'answer', p_answer));
  if v_replay is not null then
    return jsonb_populate_record(null::app_public.quest_result, v_replay);
  end if;
  if v_user.frozen then
    perform app_private.raise_error('FZ001', 'account_frozen');
  end if;
  select * into v_quest from app_public.quests q
   where q.id = p_quest_id and q.guild_id = v_user.guild_id and q.active
     and (q.starts_at is null or q.starts_at <= p_at) and (q.ends_at is null or q.ends_at > p_at);
  if v_quest.id is null then
    perform app_private.raise_error('QS001', 'quest_not_found', jsonb_build_object('quest_id', p_quest_id::text));
  end if;
  if p_answer is not null and length(p_answer) > 200 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'answer', 'max', 200));
  end if;
  if v_quest.kind = 'trivia' and app_private.quest_answer_key(p_answer) = '' then
    perform app_private.raise_error('QS003', 'answer_required');
  end if;
  -- The member row lock (lock_members) serialises a member's attempts, so this read is the latest.
  select max(attempted_at) into v_last from app_public.quest_attempts
   where user_id = v_user.id and quest_id = v_quest.id;
  if v_last is not null and p_at < v_last + make_interval(secs => v_quest.cooldown_s) then
    v_next := v_last + make_interval(secs => v_quest.cooldown_s);
    perform app_private.raise_error('QS002', 'quest_cooldown',
      jsonb_build_object('next_attempt_at', v_next, 'retry_after_s', ceil(extract(epoch from v_next - p_at))::bigint));
  end if;

  v_correct := v_quest.kind = 'check_in'
    or app_private.quest_answer_key(p_answer) = any (select app_private.quest_answer_key(a) from unnest(v_quest.answers) a);
  if v_correct then
    v_reward := v_quest.reward;
    insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, created_at)
      values (v_user.guild_id, 'earn', v_user.discord_id, v_user.id, v_reward, 'quest',
              jsonb_build_object('quest_id', v_quest.id::text, 'title', v_quest.title), p_at)
      returning tx_id into v_tx;
    perform app_private.post_transfer(v_user.guild_id,
      app_private.guild_account(v_user.guild_id, 'mint'),
      app_private.member_account(v_user.id, 'wallet'),
      v_reward, 'quest', v_tx, 'posted', null, null, p_at);
  end if;
  insert into app_public.quest_attempts (guild_id, quest_id, user_id, answer, correct, reward, tx_id, attempted_at)
    values (v_user.guild_id, v_quest.id, v_user.id, left(btrim(coalesce(p_answer, '')), 200), v_correct, v_reward, v_tx, p_at);

  v_result := (v_quest.id, v_correct, v_reward,
    (select balance from app_public.accounts where id = app_private.member_account(v_user.id, 'wallet')),
    p_at + make_interval(secs => v_quest.cooldown_s), v_tx)::app_public.quest_result;
  perform app_private.idempotency_finish(v_user.guild_id, v_user.discord_id, p_key, to_jsonb(v_result));
  return v_result;
end;
$$;
comment on function app_private.answer_quest_for(bigint, bigint, text, text, timestamptz) is
  'The quest rule at an explicit time (p_at; the public function passes now(), the demo seed back-dates). See '
  'app_public.answer_quest.';

create function app_public.answer_quest(quest_id bigint, answer text default null, idempotency_key text default null)
returns app_public.quest_result
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users := app_private.register_caller('');
begin
  return app_private.answer_quest_for(v_user.id, answer_quest.quest_id, answer_quest.answer, idempotency_key, now());
end;
$$;
comment on function app_public.answer_quest(bigint, text, text) is
  'Attempts a quest as the calling member: one attempt per quest per cooldown_s (a wrong answer uses the attempt, so '
  'trivia choices cannot be tried one by one); a correct answer (trivia, compared trimmed and case-insensitively) or a '
  'check-in earns the quest''s reward from the mint (transaction type earn, reason quest). A replayed idempotency key '
  'returns the first result. Errors: AU001 not_authenticated, MB003 guild_not_found, FZ001 account_frozen, QS001 '
  'quest_not_found (missing, inactive or outside its window), QS002 quest_cooldown (detail next_attempt_at, '
  'retry_after_s), QS003 answer_required, VL001 invalid_argument (answer over 200 characters), IK001/IK002. '
  'Source: seeds 000 ("Quests: daily trivia/quests with cooldown validation") and issue 4.';

--------------------------------------------------------------------------------
-- Discord channel setup requested from the panel
--------------------------------------------------------------------------------

create function app_public.request_discord_setup(reason text) returns boolean
language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN']::app_public.staff_role[]);
  v_guild bigint := app_public.current_guild_id();
begin
  if reason is null or length(btrim(reason)) not between 3 and 500 then
    perform app_private.raise_error('RS001', 'reason_required');
  end if;
  perform graphile_worker.add_job('discord__setup',
    json_build_object('guild_id', v_guild::text, 'requested_by', app_public.current_discord_id()::text),
    queue_name := 'discord', job_key := 'discord__setup:' || v_guild, max_attempts := 10);
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, after, reason)
    values (v_guild, app_public.current_discord_id(), v_role, 'request_discord_setup', 'guild', v_guild::text,
            jsonb_build_object('job', 'discord__setup'), btrim(reason));
  return true;
end;
$$;
comment on function app_public.request_discord_setup(text) is
  'Asks the bot to (re)build the guild''s channels and hub (the same idempotent work as /setup): queues the '
  'graphile-worker job discord__setup on queue discord, one pending job per guild (job_key), audited. SUPERADMIN and '
  'ADMIN only. Errors: AU001, PD001 permission_denied, RS001 reason_required. Source: issue 5 (settings: channel setup '
  'through the bot) and issue 4 (/setup also callable from the panel).';

--------------------------------------------------------------------------------
-- Privileges
--------------------------------------------------------------------------------

revoke all on function app_hidden.resolve_staff_role(bigint, bigint, bigint[]), app_hidden.record_guild(bigint, text, bigint),
  app_private.quest_answer_key(text), app_public.quest_board(), app_private.answer_quest_for(bigint, bigint, text, text, timestamptz),
  app_public.answer_quest(bigint, text, text), app_public.request_discord_setup(text)
  from public;
grant execute on function app_hidden.resolve_staff_role(bigint, bigint, bigint[]) to coins_anonymous, coins_worker;
grant execute on function app_hidden.record_guild(bigint, text, bigint) to coins_worker;
grant execute on function app_public.quest_board(), app_public.answer_quest(bigint, text, text) to coins_player;
grant execute on function app_public.request_discord_setup(text) to coins_staff;
