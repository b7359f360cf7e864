-- give-onepayer: member 1 (one hot payer: a shop, a streamer paying out) gives 1..100 coins to a
-- member drawn uniformly from members 2..:members. Every transaction debits the same wallet, so
-- gives serialise on that wallet's row lock: this measures how long a give holds the payer's locks.
-- Variables from run.sh (-D): guild, base (discord id of member i is base + i), members,
-- run (unique per pgbench invocation), seq (per-client counter, starts at 0).
\set to random(2, :members)
\set from_did :base + 1
\set to_did :base + :to
\set amount random(1, 100)
\set seq :seq + 1
\set nonce random(0, 9223372036854775806)
BEGIN;
SELECT set_config('role', 'coins_player', true), set_config('app.guild_id', :guild::text, true), set_config('app.discord_id', :from_did::text, true);
SELECT * FROM app_public.give(:to_did, :amount, 'bench-' || :run::text || '-' || :client_id::text || '-' || :seq::text || '-' || :nonce::text);
COMMIT;
