-- The demo guild: members, a shop, a few weeks of history, all written through the real rules
-- (claim_daily_for, give_from, admin_adjust_by, buy_reward_for, create_listing_for,
-- buy_listing_for, fulfil_order_core, answer_quest_for) with back-dated times, so streaks, rate limits, price
-- medians and the ledger are exactly what live use would have produced.
-- Parameters (transaction-local settings, set by db/scripts seedDemo):
--   seed.guild_id, seed.guild_name, seed.members, seed.days, seed.random
do $$
declare
  v_guild bigint := current_setting('seed.guild_id')::bigint;
  v_members int := current_setting('seed.members')::int;
  v_days int := current_setting('seed.days')::int;
  v_start timestamptz := date_trunc('day', now()) - make_interval(days => v_days);
  v_names text[] := array['Aurora', 'Bramble', 'Cinder', 'Dusk', 'Ember', 'Fable', 'Gale', 'Harbor', 'Indigo',
    'Juniper', 'Kestrel', 'Lumen', 'Moss', 'Nova', 'Onyx', 'Pike', 'Quill', 'Raven', 'Sable', 'Thistle', 'Umber',
    'Vale', 'Willow', 'Xeno', 'Yarrow', 'Zephyr'];
  v_ids bigint[];
  v_user record;
  v_day int;
  v_at timestamptz;
  v_from bigint;
  v_to bigint;
  i int;
  v_order app_public.orders;
  v_listing app_public.listings;
  v_inv record;
  -- The demo staff member (see README "Logging in locally").
  v_admin bigint := v_guild + 900;
begin
  perform setseed(current_setting('seed.random')::float8);
  perform app_private.ensure_guild(v_guild, current_setting('seed.guild_name'));
  for i in 1 .. v_members loop
    perform app_private.ensure_member(v_guild, v_guild + i,
      v_names[1 + (i - 1) % array_length(v_names, 1)] || case when i > 26 then ' ' || ((i - 1) / 26 + 1)::text else '' end,
      i > v_members - 2);  -- the last two are bots
  end loop;
  select array_agg(id order by discord_id) into v_ids from app_public.users where guild_id = v_guild and not is_bot;

  -- The shop catalogue (prices in coins).
  insert into app_public.rewards (guild_id, sku, name, description, category, price, fulfilment, limits, stock, tradable, created_at)
  values
    (v_guild, 'gem', 'Gem', 'A shiny gem for your profile card. Tradable.', 'cosmetic', 60, 'none', '{"per_member_per_day": 5}', 2000, true, v_start),
    (v_guild, 'golden-frame', 'Golden card frame', 'A golden frame around your card.', 'cosmetic', 400, 'none', '{}', 60, true, v_start),
    (v_guild, 'raffle-ticket', 'Raffle ticket', 'One entry in the weekly raffle.', 'voucher', 25, 'none', '{"per_member_per_day": 3}', null, false, v_start),
    (v_guild, 'vip', 'VIP rank', 'The VIP role in Discord.', 'rank', 2500, 'none', '{"per_member_lifetime": 1}', null, false, v_start);

  -- Quests (migration 000006): two trivia questions and a check-in, each once a day.
  insert into app_public.quests (guild_id, kind, title, prompt, choices, answers, reward, cooldown_s, created_at) values
    (v_guild, 'trivia', 'Block party', 'Which block do you need to craft a beacon''s base?', '{Iron,Obsidian,Glass}', '{Iron}', 30, 86400, v_start),
    (v_guild, 'trivia', 'Name the mob', 'Which mob drops ender pearls? (one word)', null, '{enderman,endermen}', 40, 86400, v_start),
    (v_guild, 'check_in', 'Say hello', 'Check in with the community today.', null, null, 10, 86400, v_start);
  -- Discord roles mapped to staff roles (the role ids are made up; the settings page edits them).
  insert into app_public.staff_role_mappings (guild_id, discord_role_id, staff_role) values
    (v_guild, v_guild + 800, 'ADMIN'), (v_guild, v_guild + 801, 'OPERATOR'), (v_guild, v_guild + 802, 'SUPPORT'),
    (v_guild, v_guild + 803, 'AUDITOR');

  for v_day in 0 .. v_days - 1 loop
    -- Daily claims: each member has a habit hour; some skip days (breaking streaks).
    for v_user in select id, discord_id from app_public.users where guild_id = v_guild and not is_bot order by discord_id loop
      if random() < 0.55 + 0.4 * ((v_user.discord_id % 7) / 7.0) then
        v_at := v_start + make_interval(days => v_day, hours => 8 + (v_user.discord_id % 12)::int,
                                        mins => (random() * 90)::int);
        begin
          perform app_private.claim_daily_for(v_user.id, null, v_at);
        exception when sqlstate 'CD001' then
          null;  -- claimed less than 24 h after yesterday's claim: a real member would be told to wait
        end;
      end if;
    end loop;
    -- Gives between members through the day.
    for i in 1 .. 4 + (random() * 6)::int loop
      v_from := v_ids[1 + (random() * (array_length(v_ids, 1) - 1))::int];
      v_to := v_ids[1 + (random() * (array_length(v_ids, 1) - 1))::int];
      continue when v_from = v_to;
      v_at := v_start + make_interval(days => v_day, hours => 20, mins => i * 7);
      begin
        perform app_private.give_from(v_from, (select discord_id from app_public.users where id = v_to),
          5 + (random() * 45)::bigint, format('seed-%s-%s', v_day, i), v_at);
      exception when sqlstate 'NF001' or sqlstate 'RL001' then
        null;
      end;
    end loop;
    -- The shop and the marketplace: buy gems and frames, list some, others buy them.
    for i in 1 .. 3 + (random() * 4)::int loop
      v_from := v_ids[1 + (random() * (array_length(v_ids, 1) - 1))::int];
      v_at := v_start + make_interval(days => v_day, hours => 12, mins => i * 11);
      begin
        v_order := app_private.buy_reward_for(v_from, case when random() < 0.8 then 'gem' else 'golden-frame' end,
          1 + (random() * 2)::int, format('seed-shop-%s-%s', v_day, i), v_at);
        perform app_private.fulfil_order_core(v_order.order_id, null, 'fulfilled', v_at + interval '20 seconds');
      exception when sqlstate 'NF001' or sqlstate 'RW003' or sqlstate 'RW004' then
        null;
      end;
    end loop;
    for v_inv in select i.user_id, i.sku, i.quantity from app_public.inventory i
                  where i.guild_id = v_guild and i.quantity > 0 and random() < 0.25 loop
      v_at := v_start + make_interval(days => v_day, hours => 14, mins => (random() * 60)::int);
      begin
        v_listing := app_private.create_listing_for(v_inv.user_id, v_inv.sku, 1,
          (select round(price * (0.9 + random() * 0.5))::bigint from app_public.rewards where guild_id = v_guild and sku = v_inv.sku),
          72, 1, null, format('seed-list-%s-%s-%s', v_day, v_inv.user_id, v_inv.sku), v_at);
      exception when sqlstate 'FL001' then
        continue;
      end;
      if random() < 0.7 then
        v_to := v_ids[1 + (random() * (array_length(v_ids, 1) - 1))::int];
        continue when v_to = v_inv.user_id;
        begin
          v_order := app_private.buy_listing_for(v_to, v_listing.listing_id, 1, format('seed-buy-%s', v_listing.listing_id),
            v_at + interval '2 hours');
          perform app_private.fulfil_order_core(v_order.order_id, null, 'fulfilled', v_at + interval '2 hours 1 minute');
        exception when sqlstate 'NF001' or sqlstate 'FZ001' or sqlstate 'FZ002' then
          null;
        end;
      end if;
    end loop;
    -- Quests: a third of the members try one a day, mostly right.
    for v_user in select id, discord_id from app_public.users where guild_id = v_guild and not is_bot and random() < 0.33 loop
      begin
        perform app_private.answer_quest_for(v_user.id, q.id,
          case when random() < 0.8 then coalesce(q.answers[1], '') else 'no idea' end, null,
          v_start + make_interval(days => v_day, hours => 18, mins => (v_user.discord_id % 60)::int))
          from app_public.quests q where q.guild_id = v_guild order by random() limit 1;
      exception when sqlstate 'QS002' or sqlstate 'FZ001' then
        null;
      end;
    end loop;
    -- A staff adjustment now and then.
    if v_day % 6 = 3 then
      perform app_private.admin_adjust_by(v_admin, 'ADMIN', v_ids[1 + v_day % array_length(v_ids, 1)],
        250, 'Event prize: community game night', null, v_start + make_interval(days => v_day, hours => 22));
    end if;
  end loop;

  -- The seed settled its own orders: drop their now-pointless fulfilment jobs.
  perform graphile_worker.remove_job('orders__fulfil:' || o.order_id)
     from app_public.orders o where o.guild_id = v_guild and o.status <> 'pending';

  -- One frozen member, with the audit trail a real freeze leaves.
  update app_public.users set frozen = true where id = v_ids[array_length(v_ids, 1)];
  insert into app_public.admin_actions (guild_id, actor_id, actor_role, action, subject_type, subject_id, before, after, reason, created_at)
    select v_guild, v_admin, 'ADMIN', 'freeze_user', 'user', u.discord_id::text,
           jsonb_build_object('frozen', false), jsonb_build_object('frozen', true),
           'Demo: suspected alt account', now() - interval '1 day'
      from app_public.users u where u.id = v_ids[array_length(v_ids, 1)];
  insert into app_public.transactions (guild_id, type, actor_id, user_id, amount, reason, meta, created_at)
    select v_guild, 'flag', v_admin, v_ids[array_length(v_ids, 1)], 0, 'freeze',
           jsonb_build_object('note', 'Demo: suspected alt account'), now() - interval '1 day';
end
$$;

-- The demo card catalogue (issue 15): six artists with two eras each and templates of every rarity (generated artwork:
-- no images, so the bot draws initials and patterns in the era's colour), 200 Notes for every member (a faucet from
-- the NOTE mint), and a few packs opened and picked through the real rules, back-dated, plus two card listings.
do $$
declare
  v_guild bigint := current_setting('seed.guild_id')::bigint;
  v_start timestamptz := date_trunc('day', now()) - interval '3 days';
  v_artist bigint;
  v_era bigint;
  v_n int;
  v_u record;
  v_open app_public.pack_openings;
  v_card app_public.user_cards;
  k int := 0;
  a record;
  e record;
begin
  for a in select * from (values ('Aurora Vale', 'AUR', false), ('Neon Tides', 'NEON', true), ('Mika Sol', 'MIKA', false),
                                  ('The Lanterns', 'LAN', true), ('Juno Park', 'JUNO', false), ('Velvet Echo', 'VEL', true)) x (name, code, grp) loop
    insert into app_public.artists (guild_id, name, code, is_group) values (v_guild, a.name, a.code, a.grp) returning id into v_artist;
    for e in select * from (values ('Daybreak', 'DAY', '#e59866', date '2019-03-01'), ('Midnight', 'MID', '#5d6d7e', date '2022-10-14')) y (name, code, colour, starts) loop
      insert into app_public.eras (guild_id, artist_id, name, code, colour, starts_on, ends_on)
        values (v_guild, v_artist, e.name, e.code, e.colour, e.starts, e.starts + 540) returning id into v_era;
      v_n := 0;
      -- Per era: 4 common, 3 rare, 2 epic, 1 legendary, and a mythic for every other era.
      for r in 1 .. 11 loop
        continue when r = 11 and k % 2 = 1;
        v_n := v_n + 1;
        insert into app_public.card_templates (guild_id, public_id, artist_id, era_id, rarity)
          values (v_guild, a.code || '-' || e.code || '-' || (array['C','C','C','C','R','R','R','E','E','L','M'])[r] || '-' || lpad(v_n::text, 3, '0'),
            v_artist, v_era, (array['common','common','common','common','rare','rare','rare','epic','epic','legendary','mythic'])[r]::app_public.card_rarity);
      end loop;
      k := k + 1;
    end loop;
  end loop;
  for v_u in select id from app_public.users where guild_id = v_guild and not frozen order by id loop
    perform app_private.post_transfer(v_guild, app_private.ledger_account(v_guild, null, 'NOTE', 'mint'),
      app_private.ledger_account(v_guild, v_u.id, 'NOTE', 'wallet'), 200, 'demo_welcome_notes', null, 'posted', null, null, v_start);
    -- The first twelve members opened their free pack each of the last three days and kept a card.
    if v_u.id in (select id from app_public.users where guild_id = v_guild and not frozen order by id limit 12) then
      for d in 0 .. 2 loop
        v_open := app_private.open_pack_for(v_u.id, 'standard-3', null, null, null, v_start + make_interval(days => d, hours => 9 + (v_u.id % 10)::int));
        v_card := app_private.pick_card_for(v_u.id, v_open.id, (v_u.id % 3)::int, v_start + make_interval(days => d, hours => 9 + (v_u.id % 10)::int, mins => 1));
      end loop;
    end if;
  end loop;
  -- Two copies on the card market.
  for v_card in select c.* from app_public.user_cards c where c.guild_id = v_guild order by c.id limit 2 loop
    perform app_private.list_card_for(v_card.owner_id, v_card.id, 40 + v_card.id % 50, 'NOTE', 72, null, now() - interval '1 hour');
  end loop;
end
$$;
