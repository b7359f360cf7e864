-- buy-hotspot: the buy of buy_fulfil_hotspot.sql alone (90 % of buys on listings 1 and 2).
-- run.sh fulfils the pending orders after the run, untimed.
\set b random(1, :buyers)
\set pick random(1, 100)
\set hot random(1, 2)
\set cold 2 + random(1, :listings - 2)
\set l case when :pick <= 90 then :hot else :cold end
\set buyer_did :base + :b
\set sid :seller0 + :l - 1
\set seq :seq + 1
\set nonce random(0, 9223372036854775806)
BEGIN;
SELECT set_config('role', 'coins_player', true), set_config('app.guild_id', :guild::text, true), set_config('app.discord_id', :buyer_did::text, true);
SELECT o.order_id FROM app_public.buy_listing((SELECT listing_id FROM app_public.listings WHERE seller_id = :sid), 1, 'bench-' || :run::text || '-' || :client_id::text || '-' || :seq::text || '-' || :nonce::text) o;
COMMIT;
