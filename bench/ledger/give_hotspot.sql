-- give-hotspot: 90 % of gives have one of 10 hot members (members 1..10) on one side, as sender
-- or recipient with equal odds, the other side uniform among the rest; the other 10 % are
-- uniform like give-random. Models a popular streamer / shop account: row-lock contention on
-- the hot members' rows and wallets. Variables as in give_random.sql.
\set hot random(1, 10)
\set other 1 + (:hot - 1 + random(1, :members - 1)) % :members
\set a random(1, :members)
\set b 1 + (:a - 1 + random(1, :members - 1)) % :members
\set pick random(1, 100)
\set dir random(0, 1)
\set from case when :pick <= 90 then (case when :dir = 0 then :hot else :other end) else :a end
\set to case when :pick <= 90 then (case when :dir = 0 then :other else :hot end) else :b end
\set from_did :base + :from
\set to_did :base + :to
\set amount random(1, 100)
\set seq :seq + 1
\set nonce random(0, 9223372036854775806)
BEGIN;
SELECT set_config('role', 'coins_player', true), set_config('app.guild_id', :guild::text, true), set_config('app.discord_id', :from_did::text, true);
SELECT * FROM app_public.give(:to_did, :amount, 'bench-' || :run::text || '-' || :client_id::text || '-' || :seq::text || '-' || :nonce::text);
COMMIT;
