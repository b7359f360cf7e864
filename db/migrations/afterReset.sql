-- Run as a superuser (graphile-migrate's "!" prefix, and db/scripts/setup.ts) against
-- the application database, before the first migration. Idempotent: safe to re-run.
--
-- Roles are cluster-wide. Passwords are not set here; setup.ts sets them from
-- DATABASE_OWNER_PASSWORD / DATABASE_AUTHENTICATOR_PASSWORD when given.
do $$
declare
  r text;
begin
  if not exists (select from pg_roles where rolname = 'guildbank_owner') then
    create role guildbank_owner login;
  end if;
  -- The only role processes log in as. NOINHERIT: it holds no privilege of its own and
  -- must SET ROLE (transaction-locally) to one of the API roles below.
  if not exists (select from pg_roles where rolname = 'guildbank_authenticator') then
    create role guildbank_authenticator login noinherit;
  end if;
  foreach r in array array['coins_anonymous', 'coins_player', 'coins_staff', 'coins_listener', 'coins_worker'] loop
    if not exists (select from pg_roles where rolname = r) then
      execute format('create role %I nologin', r);
    end if;
    if not exists (select from pg_auth_members m
                    where m.roleid = (select oid from pg_roles where rolname = r)
                      and m.member = (select oid from pg_roles where rolname = 'guildbank_authenticator')) then
      execute format('grant %I to guildbank_authenticator', r);
    end if;
  end loop;
end
$$;

do $$
begin
  execute format('revoke all on database %I from public', current_database());
  execute format('grant connect, temporary on database %I to guildbank_owner', current_database());
  execute format('grant create on database %I to guildbank_owner', current_database());
  execute format('grant connect on database %I to guildbank_authenticator', current_database());
end
$$;

-- The public schema is not used by the application.
revoke all on schema public from public;
grant usage, create on schema public to guildbank_owner;
