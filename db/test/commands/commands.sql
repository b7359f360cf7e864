begin;
select plan(9);
\ir ../lib/helpers.psql
-- Issue 14 / seed 003 "/api/commands": custom commands (/c <name> with autocomplete).
do $$
begin
  perform app_private.ensure_guild(910000000000000001, 'Command guild A');
  perform app_private.ensure_guild(920000000000000001, 'Command guild B');
  insert into app_public.saved_embeds (guild_id, name, embed) values (910000000000000001, 'Rules', '{"title": "Rules", "description": "Be nice"}');
  insert into app_public.custom_commands (guild_id, name, response, embed_id) values
    (910000000000000001, 'rules', 'Read them:', (select id from app_public.saved_embeds where name = 'Rules')),
    (910000000000000001, 'ip', 'play.example.org', null),
    (920000000000000001, 'ip-b', 'b.example.org', null);
  insert into app_public.custom_commands (guild_id, name, response, enabled) values (910000000000000001, 'ipold', 'old', false);
end $$;

select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null, $$select app_public.custom_command(' IP ') as c$$) -> 0 -> 'c',
  '{"name": "ip", "response": "play.example.org", "embed": null}'::jsonb, 'a member runs /c ip (trimmed, case-insensitive)');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null, $$select app_public.custom_command('rules') -> 'embed' ->> 'title' as title$$) -> 0 ->> 'title',
  'Rules', 'a command answers with its saved embed');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null, $$select app_public.custom_command('ipold')$$) ->> 'code', 'CC001',
  'a disabled command is CC001');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null, $$select app_public.custom_command('ip-b')$$) ->> 'code', 'CC001',
  'another guild''s command is CC001');
select is(pg_temp.rows_as('coins_player', 910000000000000001, 910000000000000011, null, $$select array_agg(n) as a from app_public.custom_command_names('i') n$$) -> 0 -> 'a',
  '["ip"]'::jsonb, 'autocomplete: enabled names of the guild with the prefix');
select is(pg_temp.error_as('coins_player', 910000000000000001, 910000000000000011, null, $$select * from app_public.custom_commands$$) ->> 'code', '42501',
  'members do not read the table');
select is(pg_temp.run_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    $$insert into app_public.custom_commands (guild_id, name, response) values (910000000000000001, 'discord', 'https://discord.gg/x')$$), 1::bigint,
  'an OPERATOR adds a command (no re-deploy: /c autocompletes it)');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'OPERATOR',
    $$insert into app_public.custom_commands (guild_id, name, response) values (910000000000000001, 'Bad Name', 'x')$$) ->> 'code', '23514',
  'names are lower-case letters, digits, - and _ (1 to 32)');
select is(pg_temp.error_as('coins_staff', 910000000000000001, 910000000000000090, 'SUPPORT',
    $$delete from app_public.custom_commands where name = 'ip'$$) ->> 'code', 'PD001', 'SUPPORT may not delete commands');

select * from finish();
rollback;
