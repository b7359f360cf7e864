-- buy-fulfil-hotspot: as buy_fulfil_random.sql, but 90 % of the buys go to listings 1 and 2
-- (half each), the other 10 % uniformly to listings 3..:listings. Models a popular item: the two
-- hot listings' rows and their sellers' member rows and wallets serialise their buyers.
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
SELECT o.order_id FROM app_public.buy_listing((SELECT listing_id FROM app_public.listings WHERE seller_id = :sid), 1, 'bench-' || :run::text || '-' || :client_id::text || '-' || :seq::text || '-' || :nonce::text) o \gset
SELECT set_config('role', 'coins_worker', true);
SELECT f.status FROM app_hidden.fulfil_order(:order_id::uuid) f;
COMMIT;
