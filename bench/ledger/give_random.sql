-- give-random: one member gives 1..100 coins to another, both drawn uniformly from the
-- :members seeded members (sender != recipient). Exactly what the app's processes send.
-- Variables from run.sh (-D): guild, base (discord id of member i is base + i), members,
-- run (unique per pgbench invocation), seq (per-client counter, starts at 0).
\set from random(1, :members)
\set to 1 + (:from - 1 + random(1, :members - 1)) % :members
\set from_did :base + :from
\set to_did :base + :to
\set amount random(1, 100)
\set seq :seq + 1
\set nonce random(0, 9223372036854775806)
BEGIN;
SELECT set_config('role', 'coins_player', true), set_config('app.guild_id', :guild::text, true), set_config('app.discord_id', :from_did::text, true);
SELECT * FROM app_public.give(:to_did, :amount, 'bench-' || :run::text || '-' || :client_id::text || '-' || :seq::text || '-' || :nonce::text);
COMMIT;
