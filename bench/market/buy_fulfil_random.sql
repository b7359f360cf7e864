-- buy-fulfil-random: a buyer drawn uniformly from the :buyers funded buyers buys 1 unit of a
-- listing drawn uniformly from the :listings listings (app_public.buy_listing, as the member),
-- then, in the SAME transaction, the worker role fulfils that order (app_hidden.fulfil_order,
-- what the orders__fulfil job does for a kind 'none' order). The order insert also queues the
-- orders__fulfil graphile-worker job (trigger), as in production.
-- Variables from run.sh (-D): guild, base (buyer i has discord id base + i), buyers, listings,
-- seller0 (internal user id of the seller of listing 1; seller of listing l = seller0 + l - 1),
-- run (unique per pgbench invocation), seq (per-client counter, starts at 0).
-- The listing's uuid is looked up by its seller inside the buy statement (one index probe on
-- listings_seller under the listings RLS policy): pgbench has no arrays to hold the uuids.
\set b random(1, :buyers)
\set l random(1, :listings)
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
