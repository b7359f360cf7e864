-- buy-random: the buy of buy_fulfil_random.sql alone (the order stays pending, its coins in
-- escrow, its fulfilment job queued). run.sh fulfils the pending orders after the run, untimed.
\set b random(1, :buyers)
\set l random(1, :listings)
\set buyer_did :base + :b
\set sid :seller0 + :l - 1
\set seq :seq + 1
\set nonce random(0, 9223372036854775806)
BEGIN;
SELECT set_config('role', 'coins_player', true), set_config('app.guild_id', :guild::text, true), set_config('app.discord_id', :buyer_did::text, true);
SELECT o.order_id FROM app_public.buy_listing((SELECT listing_id FROM app_public.listings WHERE seller_id = :sid), 1, 'bench-' || :run::text || '-' || :client_id::text || '-' || :seq::text || '-' || :nonce::text) o;
COMMIT;
