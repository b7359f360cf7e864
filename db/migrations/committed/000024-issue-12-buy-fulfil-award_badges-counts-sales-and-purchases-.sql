--! Previous: sha1:eefd1cbba84381b468cad51076722b14b2f2558c
--! Hash: sha1:bb0670eed53f590f0dd63928b65e05c822fdd427
--! Message: issue 12 buy+fulfil: award_badges counts sales and purchases newest first through an index (orders_seller_sales), instead of a LIMIT the planner served by reading the whole orders table for members who never sold

-- Issue 12: buy+fulfil. award_badges counted a member's market sales with a LIMIT that made a sequential
-- scan of orders look cheap; for a buyer who never sold (most members) it read the whole table on every
-- fulfilled order. The count now walks this index newest first.
drop index if exists app_public.orders_seller_sales;
create index orders_seller_sales on app_public.orders (seller_id, settled_at) where kind = 'market' and status = 'fulfilled';
--! Included badges/award_badges.sql
create or replace function app_private.award_badges(p_user_id bigint, p_at timestamptz default now()) returns integer
language plpgsql volatile
as $$
declare
  v_user app_public.users;
  v_badge record;
  v_n integer := 0;
  v_need_sales integer;
  v_need_purchases integer;
  v_need_tasks integer;
  v_need_streak integer;
begin
  select * into v_user from app_public.users u where u.id = p_user_id;
  if v_user.id is null or v_user.is_bot then
    return 0;
  end if;
  -- Count only what a badge the member lacks still needs, and no further than its threshold: a busy trader's
  -- fulfilment never counts their whole history. Each count walks an index newest first (orders_seller_sales,
  -- orders_buyer): without the ORDER BY, LIMIT made a sequential scan look cheap to the planner (matches
  -- assumed spread evenly), and for a member who never sold it read the whole orders table (issue 12).
  select max(b.threshold) filter (where b.rule = 'sales'), max(b.threshold) filter (where b.rule = 'purchases'),
         max(b.threshold) filter (where b.rule = 'tasks_done'), max(b.threshold) filter (where b.rule = 'daily_streak')
    into v_need_sales, v_need_purchases, v_need_tasks, v_need_streak
    from app_public.badges b
   where b.guild_id = v_user.guild_id and b.enabled and b.rule in ('sales', 'purchases', 'tasks_done', 'daily_streak')
     and not exists (select 1 from app_public.member_badges m where m.user_id = v_user.id and m.badge_code = b.code);
  if coalesce(v_need_sales, v_need_purchases, v_need_tasks, v_need_streak) is null then
    return 0;
  end if;
  for v_badge in
    with counts as (
      select
        case when v_need_sales is null then 0 else
          (select count(*) from (select 1 from app_public.orders o
             where o.seller_id = v_user.id and o.kind = 'market' and o.status = 'fulfilled'
             order by o.settled_at desc limit v_need_sales) x) end as sales,
        case when v_need_purchases is null then 0 else
          (select count(*) from (select 1 from app_public.orders o
             where o.buyer_id = v_user.id and o.status = 'fulfilled'
             order by o.created_at desc limit v_need_purchases) x) end as purchases,
        case when v_need_tasks is null then 0 else
          (select count(*) from (select 1 from app_public.task_claims c
             where c.user_id = v_user.id and c.status = 'accepted' limit v_need_tasks) x) end as tasks_done,
        v_user.streak_days::bigint as daily_streak
    )
    insert into app_public.member_badges (guild_id, user_id, badge_code, awarded_at, detail)
      select b.guild_id, v_user.id, b.code, p_at,
             jsonb_build_object('rule', b.rule, 'threshold', b.threshold,
               'value', case b.rule when 'sales' then c.sales when 'purchases' then c.purchases
                                    when 'tasks_done' then c.tasks_done when 'daily_streak' then c.daily_streak end)
        from app_public.badges b cross join counts c
       where b.guild_id = v_user.guild_id and b.enabled
         and case b.rule when 'sales' then c.sales when 'purchases' then c.purchases
                         when 'tasks_done' then c.tasks_done when 'daily_streak' then c.daily_streak
                         else -1 end >= b.threshold
    on conflict (user_id, badge_code) do nothing
    returning badge_code
  loop
    v_n := v_n + 1;
    perform app_private.notify(v_user.id, 'badge_awarded', 'badge:' || v_badge.badge_code,
      (select jsonb_build_object('code', b.code, 'name', b.name, 'emoji', b.emoji, 'description', b.description)
         from app_public.badges b where b.guild_id = v_user.guild_id and b.code = v_badge.badge_code), p_at);
  end loop;
  return v_n;
end;
$$;

comment on function app_private.award_badges(bigint, timestamptz) is
  'Awards a member every enabled badge of their guild whose rule they now meet and they do not hold yet (once each): '
  'sales = fulfilled market orders they sold, purchases = fulfilled orders they bought, tasks_done = accepted task '
  'claims, daily_streak = current streak days (season_top is awarded by the season archive). Each new badge DMs them '
  '(badge_awarded). Called on the low-frequency events (an order fulfilled, a claim accepted) and by the badges__award '
  'job, never from the ledger; a count stops at the largest threshold still to reach (nothing is counted when the '
  'member holds every badge), so it stays cheap for busy members. Returns how many were awarded. Source: issue 14 ("Badges awarded by rules in SQL").';
--! EndIncluded badges/award_badges.sql
