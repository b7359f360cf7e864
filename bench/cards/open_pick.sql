-- open-pick: a member opens a standard-3 pack paying 200 Notes (app_public.open_pack: cooldown, payment, three
-- provably fair draws) and keeps one card (app_public.pick_card: mints the next print number), one transaction
-- as the member, like the bot's two interactions collapsed into one round trip.
\set m random(1, :members)
\set did :base + :m
\set seq :seq + 1
\set nonce random(0, 9223372036854775806)
\set slot random(0, 2)
BEGIN;
SELECT set_config('role', 'coins_player', true), set_config('app.guild_id', :guild::text, true), set_config('app.discord_id', :did::text, true);
SELECT c.print_no FROM app_public.open_pack('standard-3', 'NOTE', null, 'bench-' || :client_id::text || '-' || :seq::text || '-' || :nonce::text) o,
  app_public.pick_card(o.id, :slot) c;
COMMIT;
