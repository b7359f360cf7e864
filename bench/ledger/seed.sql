-- The benchmark guild, shared by bench/ledger/run.sh and bench/ledger/ab.sh (psql variables: guild, base,
-- members, fund). One guild, :members members (discord id :base + i) each funded with :fund coins from the
-- mint through the staff-adjustment rule, and a give rate limit the benchmark cannot reach (the default is
-- 5 gives per 60 s per sender).
select app_private.ensure_guild(:guild, 'Guildbank bench');
update app_public.guild_settings set give_rate_limit = 10000, give_rate_window_s = 1 where guild_id = :guild;
select count(app_private.ensure_member(:guild, :base + i, 'bench member ' || i, false)) from generate_series(1, :members) i;
select count(app_private.admin_adjust_by(1, 'ADMIN', u.id, :fund, 'bench funding'))
  from app_public.users u where u.guild_id = :guild and u.discord_id between :base + 1 and :base + :members;
-- A day of history before the runs: member i gave 1 coin to member i+1 (a ring, so every balance is back
-- to the funding). A guild's log tables are never empty; empty ones would give the planner zero-page
-- statistics, and every session's cached generic plan would then read them sequentially for a whole run
-- (measured: the idempotency-key lookup of every give scanned the table, 51 million rows in one 8 s run).
select count(app_private.give_from(u.id, :base + 1 + (u.discord_id - :base) % :members, 1, 'seed-' || u.discord_id,
    now() - interval '1 day'))
  from app_public.users u where u.guild_id = :guild and u.discord_id between :base + 1 and :base + :members;
vacuum analyze;
