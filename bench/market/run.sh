#!/usr/bin/env bash
# bench/market: marketplace buy_listing + fulfil_order throughput through SQL beside pgbench's
# built-in tpcb-like, on the same server in the same run (ratio printed). See bench/market/README.md.
#
#   npm run bench:market            (= bash bench/market/run.sh)
#
# Workloads (one pgbench transaction each, as guildbank_authenticator like the app):
#   buy-fulfil-random   the member buys 1 unit of a uniformly drawn listing (app_public.buy_listing),
#                       then the worker role fulfils that order in the same transaction
#                       (app_hidden.fulfil_order, the orders__fulfil job's SQL)
#   buy-fulfil-hotspot  the same, 90 % of the buys on 2 listings
#   buy-random          the buy alone (orders stay pending; fulfilled after the run, untimed)
#   buy-hotspot         the buy alone, 90 % on 2 listings
# Every order insert also queues an orders__fulfil graphile-worker job (trigger): part of the cost.
#
# Each run also prints the machine's CPU per transaction (bench/lib.sh cpu_busy_ms) and, in the
# table, its ratio to tpcb-like's: the CPU ceiling of the throughput ratio on this machine.
#
# Environment:
#   BENCH_ROOT_URL   superuser URL of the server (default postgres://postgres@127.0.0.1:5432/postgres)
#   BENCH_SECONDS    seconds per pgbench run (default 10)
#   BENCH_CLIENTS    client counts (default "1 8 32"); -j is min(clients, 2)
#   BENCH_WORKLOADS  which workloads, in order (default "tpcb-like buy-fulfil-random
#                    buy-fulfil-hotspot buy-random buy-hotspot"; tpcb-like is the ratio's base)
#   BENCH_BUYERS     funded buyers (default 1000)
#   BENCH_SELLERS    sellers, one listing each (default 50, at least 3)
#   BENCH_UNITS      units per listing (default 1000000, the rules' maximum quantity)
#   BENCH_SCALE      pgbench -i scale factor for tpcb-like (default 10)
#   BENCH_REPEAT     runs per (workload, clients), interleaved; the table shows medians (default 1)
#   BENCH_PROTOCOL   pgbench -M query mode for every run (default prepared)
#   BENCH_AUTHENTICATOR_PASSWORD  password of guildbank_authenticator, if the server needs one
#   BENCH_DB         name of the bench database (default guildbank_bench_market; pgbench's is <name>_pgbench)
#   BENCH_SETUP_REPO checkout whose migrations build the bench database (default this one)
#   BENCH_KEEP=1     keep the two databases afterwards (they are also kept when a check fails)
#   BENCH_PROFILE=1  also sample wait events of the benchmark's backends during each market run
#                    (bench/out/market-*/<run>.waits.txt) and print WAL bytes per transaction
#
# Exit status: 0 when every run completed and every check passed (verify_ledger() empty, guild
# balances sum to 0, every order fulfilled, listing quantities = units sold, buyers' inventory =
# units fulfilled, one queued job, idempotency key and fulfil event per order); 1 otherwise.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

ROOT_URL=${BENCH_ROOT_URL:-postgres://postgres@127.0.0.1:5432/postgres}
SECS=${BENCH_SECONDS:-10}
CLIENTS=${BENCH_CLIENTS:-1 8 32}
WORKLOADS=${BENCH_WORKLOADS:-tpcb-like buy-fulfil-random buy-fulfil-hotspot buy-random buy-hotspot}
BUYERS=${BENCH_BUYERS:-1000}
SELLERS=${BENCH_SELLERS:-50}
UNITS=${BENCH_UNITS:-1000000}
SCALE=${BENCH_SCALE:-10}
MODE=${BENCH_PROTOCOL:-prepared}
REPEAT=${BENCH_REPEAT:-1}
KEEP=${BENCH_KEEP:-0}
PROFILE=${BENCH_PROFILE:-0}

DB=${BENCH_DB:-guildbank_bench_market} # the application schema, migrated by db/scripts/setup.ts
PGB_DB=${BENCH_DB:-guildbank_bench_market}_pgbench # pgbench's own tables for tpcb-like
GUILD=4343                             # benchmark guild id
BASE=910000000000000000                # buyer i (1..BUYERS) has discord id BASE + i
SELLER_BASE=920000000000000000         # seller j (1..SELLERS) has discord id SELLER_BASE + j; listing j is theirs
FUND=1000000000000                     # 10^12 coins per buyer: no buy is ever refused for funds
SKU=bench-gem                          # a tradable reward, fulfilment 'none' (delivered to the inventory)
PRICE=100                              # catalogue price = listing unit price (fee band 'market', 8 %)

die() { echo "bench/market: $*" >&2; exit 1; }
[[ $SECS =~ ^[1-9][0-9]*$ ]] || die "BENCH_SECONDS must be a positive integer"
[[ $BUYERS =~ ^[1-9][0-9]*$ ]] || die "BENCH_BUYERS must be a positive integer"
[[ $SELLERS =~ ^[1-9][0-9]*$ ]] && ((SELLERS >= 3)) || die "BENCH_SELLERS must be an integer >= 3"
[[ $UNITS =~ ^[1-9][0-9]*$ ]] && ((UNITS <= 1000000)) || die "BENCH_UNITS must be an integer in 1..1000000"
[[ $SCALE =~ ^[1-9][0-9]*$ ]] || die "BENCH_SCALE must be a positive integer"
for c in $CLIENTS; do [[ $c =~ ^[1-9][0-9]*$ ]] || die "BENCH_CLIENTS: bad client count '$c'"; done
for w in $WORKLOADS; do
  case $w in tpcb-like | buy-fulfil-random | buy-fulfil-hotspot | buy-random | buy-hotspot) ;; *) die "BENCH_WORKLOADS: unknown workload '$w'" ;; esac
done
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPEAT must be a positive integer"
# Checks for pgbench and psql; sets NODE, ROOT_PG_URL, BENCH_URL, PGB_URL and AUTH_URL; defines
# url_for, sql, sample_waits, median and spread.
# shellcheck source=../lib.sh
source "$repo/bench/lib.sh"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$repo/bench/out/market-$stamp"
mkdir -p "$OUT"
started=$(date +%s)

server_version=$(sql "$ROOT_PG_URL" -c "show server_version")
cores=$(nproc 2>/dev/null || echo "?")
echo "bench/market  $(date -u '+%Y-%m-%d %H:%M UTC')  PostgreSQL $server_version  $cores cores  load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "  $SECS s per run x $REPEAT, clients: $CLIENTS, -M $MODE, $BUYERS buyers, $SELLERS listings of $UNITS units, tpcb-like scale $SCALE; raw output: bench/out/market-$stamp/"
others=$(pgrep -xc pgbench || true)
((others == 0)) || echo "  WARNING: $others other pgbench process(es) running on this machine: these figures will not be representative"
echo "  server: shared_buffers=$(sql "$ROOT_PG_URL" -c "show shared_buffers") synchronous_commit=$(sql "$ROOT_PG_URL" -c "show synchronous_commit") fsync=$(sql "$ROOT_PG_URL" -c "show fsync") max_connections=$(sql "$ROOT_PG_URL" -c "show max_connections")"

# --- Databases -------------------------------------------------------------------------------
echo "setting up $DB (migrations) and $PGB_DB (pgbench -i -s $SCALE)..."
sql "$ROOT_PG_URL" -c "drop database if exists $DB with (force)" -c "drop database if exists $PGB_DB with (force)"
(cd "${BENCH_SETUP_REPO:-$repo}" && ROOT_DATABASE_URL="$ROOT_URL" DATABASE_NAME="$DB" "$NODE" db/scripts/setup.ts) >"$OUT/setup.txt" 2>&1 \
  || { cat "$OUT/setup.txt" >&2; die "db/scripts/setup.ts failed"; }
if [[ " $WORKLOADS " == *" tpcb-like "* ]]; then
  sql "$ROOT_PG_URL" -c "create database $PGB_DB"
  pgbench -i -s "$SCALE" -q "$PGB_URL" >"$OUT/pgbench-init.txt" 2>&1 || { cat "$OUT/pgbench-init.txt" >&2; die "pgbench -i failed"; }
fi

# One guild; escrow timeout at its maximum (7 days) so that no pending order can expire during a
# long run; no scarcity multiplier, so every listing is in the 'market' fee band (8 %). A tradable
# reward; SELLERS sellers, each given UNITS units (inventory_add, as the superuser) and listing them
# all (create_listing_for: the real rule; max_per_buyer null, expiry the longest allowed); BUYERS
# buyers funded from the mint through the staff-adjustment rule.
sql "$BENCH_URL" >"$OUT/seed.txt" <<SQL
select app_private.ensure_guild($GUILD, 'Guildbank market bench');
update app_public.guild_settings set escrow_timeout_min = 10080 where guild_id = $GUILD;
update app_public.pricing_config set scarcity_target = 0, max_listing_days = 90 where guild_id = $GUILD;
insert into app_public.rewards (guild_id, sku, name, category, price, fulfilment, tradable)
  values ($GUILD, '$SKU', 'Bench gem', 'cosmetic', $PRICE, 'none', true);
do \$\$
declare
  u app_public.users;
  l app_public.listings;
begin
  for j in 1..$SELLERS loop
    u := app_private.ensure_member($GUILD, $SELLER_BASE + j, 'bench seller ' || j, false);
    perform app_private.inventory_add(u.id, '$SKU', $UNITS);
    l := app_private.create_listing_for(u.id, '$SKU', $UNITS, $PRICE, 90 * 24, 1, null, 'bench-listing-' || j);
  end loop;
  for i in 1..$BUYERS loop
    u := app_private.ensure_member($GUILD, $BASE + i, 'bench buyer ' || i, false);
    perform app_private.admin_adjust_by(1, 'ADMIN', u.id, $FUND, 'bench funding');
  end loop;
end
\$\$;
-- Another guild on the same server, with history: 1,000 buyers each bought and received one unit. A
-- server's order, idempotency, badge and job tables are never empty; empty ones would give the planner
-- zero-page statistics, and every session's cached generic plan would then scan them sequentially
-- for the whole run (measured: 11 million order rows read in one 8-second run). The checks below
-- only count the benchmark guild's rows.
select app_private.ensure_guild($GUILD + 1, 'Guildbank market bench: history');
update app_public.guild_settings set escrow_timeout_min = 10080 where guild_id = $GUILD + 1;
update app_public.pricing_config set max_listing_days = 90 where guild_id = $GUILD + 1;
insert into app_public.rewards (guild_id, sku, name, category, price, fulfilment, tradable)
  values ($GUILD + 1, '$SKU', 'Bench gem', 'cosmetic', $PRICE, 'none', true);
do \$\$
declare
  s app_public.users;
  b app_public.users;
  l app_public.listings;
  o app_public.orders;
begin
  s := app_private.ensure_member($GUILD + 1, $SELLER_BASE + 100000, 'history seller', false);
  perform app_private.inventory_add(s.id, '$SKU', 1000);
  l := app_private.create_listing_for(s.id, '$SKU', 1000, $PRICE, 90 * 24, 1, null, 'history-listing');
  for i in 1..1000 loop
    b := app_private.ensure_member($GUILD + 1, $BASE + 100000 + i, 'history buyer ' || i, false);
    perform app_private.admin_adjust_by(1, 'ADMIN', b.id, 10 * $PRICE, 'history funding');
    o := app_private.buy_listing_for(b.id, l.listing_id, 1, 'history-' || i);
    perform app_hidden.fulfil_order(o.order_id);
  end loop;
end
\$\$;
vacuum analyze;
SQL
# Listing l belongs to the seller with internal id SELLER0 + l - 1 (checked: contiguous ids).
read -r SELLER0 seller_span listings_ok <<<"$(sql "$BENCH_URL" -F ' ' -c "
  select min(u.id), max(u.id) - min(u.id) + 1, count(l.*) filter (where l.status = 'active' and l.qty_available = $UNITS and l.fee_band = 'market' and l.max_per_buyer is null)
    from app_public.users u left join app_public.listings l on l.seller_id = u.id
   where u.guild_id = $GUILD and u.discord_id between $SELLER_BASE + 1 and $SELLER_BASE + $SELLERS")"
((seller_span == SELLERS && listings_ok == SELLERS)) || die "seeding failed: $listings_ok of $SELLERS listings as expected, seller ids span $seller_span"
funded=$(sql "$BENCH_URL" -c "select count(*) from app_public.users u join app_public.accounts a on a.user_id = u.id and a.kind = 'wallet' where u.guild_id = $GUILD and a.balance = $FUND")
((funded == BUYERS)) || die "seeding failed: $funded of $BUYERS buyers funded"
jobs_before=$(sql "$BENCH_URL" -c "select count(*) from graphile_worker._private_jobs")

# --- Runs ------------------------------------------------------------------------------------
declare -A TPS LAT CPU STATUS # space-separated values, one per repetition (STATUS: problems only)
declare -A TPS_RUNS           # min-max of tps over the repetitions
buys_counted=0
settled_after=0
aborted_runs=""
run_id=$(( $(date +%s) % 100000 * 1000 ))

run() { # run WORKLOAD CLIENTS REPETITION
  local w=$1 c=$2 j=$(( $2 < 2 ? $2 : 2 )) name="$1-c$2" rc=0 cpu0="" cpu1="" cpu sampler="" lsn0="" extra="" tps lat processed settled
  ((REPEAT == 1)) || name+="-r$3"
  local log="$OUT/$name.txt"
  local -a cmd
  if [[ $w == tpcb-like ]]; then
    # pgbench vacuums its own tables (and empties pgbench_history) before the run, as usual.
    cmd=(pgbench -b tpcb-like -c "$c" -j "$j" -T "$SECS" -M "$MODE" "$PGB_URL")
  else
    sql "$BENCH_URL" -c "vacuum analyze"
    run_id=$((run_id + 1))
    cmd=(pgbench -n -f "$here/${w//-/_}.sql" -c "$c" -j "$j" -T "$SECS" -M "$MODE"
      -D guild=$GUILD -D base=$BASE -D buyers="$BUYERS" -D listings="$SELLERS" -D seller0="$SELLER0"
      -D run=$run_id -D seq=0 "$AUTH_URL")
  fi
  local t_cp=$SECONDS
  sql "$ROOT_PG_URL" -c checkpoint
  t_cp=$(( SECONDS - t_cp ))
  [[ $PROFILE != 1 ]] || lsn0=$(sql "$ROOT_PG_URL" -c "select pg_current_wal_lsn()")
  if [[ $PROFILE == 1 && $w != tpcb-like ]]; then
    sample_waits "$OUT/$name.waits.txt" 10 & sampler=$!
  fi
  echo "${cmd[*]}" | sed -E 's#postgres(ql)?://[^ ]*@#postgres://…@#g' >"$log"
  cpu0=$(cpu_busy_ms)
  "${cmd[@]}" >>"$log" 2>&1 || rc=$?
  cpu1=$(cpu_busy_ms)
  [[ -n $sampler ]] && wait "$sampler"
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$log" | tail -1)
  lat=$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' "$log" | tail -1)
  processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$log" | tail -1)
  if [[ -n $lsn0 && ${processed:-0} != 0 ]]; then
    extra=", $(( $(sql "$ROOT_PG_URL" -c "select pg_wal_lsn_diff(pg_current_wal_lsn(), '$lsn0')::bigint") / processed )) WAL bytes/tx (server-wide)"
  fi
  TPS[$w:$c]+=" ${tps:-0}"
  LAT[$w:$c]+=" ${lat:-0}"
  cpu=$(cpu_per_tx "$cpu0" "$cpu1" "${processed:-0}")
  CPU[$w:$c]+=" ${cpu:-0}"
  if ((rc != 0)) || grep -q 'aborted' "$log"; then
    STATUS[$w:$c]+=" ABORTED (exit $rc, see bench/out/market-$stamp/$name.txt)"
    aborted_runs+=" $name"
  fi
  if [[ $w != tpcb-like ]]; then buys_counted=$(( buys_counted + ${processed:-0} )); fi
  if [[ $w == buy-random || $w == buy-hotspot ]]; then
    # Untimed: the worker's fulfilment of what the buy-only run left pending, so every run starts
    # from the same state and the final checks see every order fulfilled.
    local t0=$SECONDS left
    settled=$(sql "$BENCH_URL" -c "select count(*) from app_public.orders where guild_id = $GUILD and status = 'pending'")
    # Commits every 100 orders: one transaction updating the guild's fees account thousands of
    # times gets slower with every new version of that row.
    sql "$BENCH_URL" -c "do \$\$
      declare o uuid; n int := 0;
      begin
        for o in select order_id from app_public.orders where guild_id = $GUILD and status = 'pending' order by created_at loop
          perform app_hidden.fulfil_order(o);
          n := n + 1;
          if n % 100 = 0 then commit; end if;
        end loop;
      end \$\$"
    left=$(sql "$BENCH_URL" -c "select count(*) from app_public.orders where guild_id = $GUILD and status = 'pending'")
    settled=$(( settled - left ))
    settled_after=$(( settled_after + settled ))
    extra+=", then $settled pending orders fulfilled in $(( SECONDS - t0 )) s (untimed)"
  fi
  printf '  %-18s c=%-3s %10s tps, %s CPU ms/tx%s (checkpoint before: %s s)%s\n' "$w" "$c" "${tps:-?}" "${cpu:-?}" "$extra" "$t_cp" "${STATUS[$w:$c]-}"
}

echo "schema: $(grep -c "Running migration" "$OUT/setup.txt") committed migrations, the last $(sed -n "s/.*Running migration '\(.*\)\.sql'.*/\1/p" "$OUT/setup.txt" | tail -1)"
echo "setup took $(( $(date +%s) - started )) s; running (each client count: $WORKLOADS)..."
for c in $CLIENTS; do
  for r in $(seq "$REPEAT"); do
    for w in $WORKLOADS; do run "$w" "$c" "$r"; done
  done
done
for key in "${!TPS[@]}"; do
  TPS_RUNS[$key]=$(spread "${TPS[$key]}")
  TPS[$key]=$(median "${TPS[$key]}")
  LAT[$key]=$(median "${LAT[$key]}")
  CPU[$key]=$(median "${CPU[$key]}")
done

# --- Checks ----------------------------------------------------------------------------------
sql "$BENCH_URL" -c "select * from app_public.verify_ledger()" >"$OUT/verify_ledger.txt"
violations=$(wc -l <"$OUT/verify_ledger.txt")
# One row of facts, each compared below.
read -r guild_sum orders not_fulfilled order_lines units_ordered listings_off buyer_units seller_units \
  units_total fulfil_events buy_events bench_keys jobs_total jobs_orders bad_fee <<<"$(sql "$BENCH_URL" -F ' ' -c "
  select
    (select coalesce(sum(balance), 0) from app_public.accounts where guild_id = $GUILD),
    (select count(*) from app_public.orders where guild_id = $GUILD),
    (select count(*) from app_public.orders where guild_id = $GUILD and status <> 'fulfilled'),
    (select count(*) from app_public.order_lines where guild_id = $GUILD),
    (select coalesce(sum(qty), 0) from app_public.order_lines where guild_id = $GUILD),
    -- listings whose sold units (qty - qty_available) differ from their order lines' units
    (select count(*) from app_public.listings l
      where l.guild_id = $GUILD
        and l.qty - l.qty_available <> coalesce((select sum(ol.qty) from app_public.order_lines ol where ol.listing_id = l.listing_id), 0)),
    (select coalesce(sum(i.quantity), 0) from app_public.inventory i join app_public.users u on u.id = i.user_id
      where i.guild_id = $GUILD and i.sku = '$SKU' and u.discord_id between $BASE + 1 and $BASE + $BUYERS),
    (select coalesce(sum(i.quantity), 0) from app_public.inventory i join app_public.users u on u.id = i.user_id
      where i.guild_id = $GUILD and i.sku = '$SKU' and u.discord_id between $SELLER_BASE + 1 and $SELLER_BASE + $SELLERS),
    -- units conserved: inventories + still listed + in orders not yet delivered
    (select coalesce(sum(quantity), 0) from app_public.inventory where guild_id = $GUILD and sku = '$SKU')
      + (select coalesce(sum(qty_available), 0) from app_public.listings where guild_id = $GUILD)
      + (select coalesce(sum(ol.qty), 0) from app_public.order_lines ol join app_public.orders o using (order_id)
          where o.guild_id = $GUILD and o.status = 'pending'),
    (select count(*) from app_public.transactions where guild_id = $GUILD and type = 'fulfil' and reason = 'market_fulfilled'),
    (select count(*) from app_public.transactions where guild_id = $GUILD and type = 'buy' and reason = 'market_purchase'),
    (select count(*) from app_private.idempotency_keys where guild_id = $GUILD and key like 'bench-%' and key not like 'bench-listing-%'),
    (select count(*) from graphile_worker._private_jobs) - $jobs_before,
    (select count(*) from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'orders__fulfil' and (j.payload ->> 'order_id')::uuid in (select order_id from app_public.orders where guild_id = $GUILD)),
    (select count(*) from app_public.orders where guild_id = $GUILD and fee <> floor(escrow * 0.08))")"
fees_balance=$(sql "$BENCH_URL" -c "select balance from app_public.accounts where guild_id = $GUILD and user_id is null and kind = 'fees'")

problems=()
((violations == 0)) || problems+=("verify_ledger() returned $violations violation(s) (bench/out/market-$stamp/verify_ledger.txt)")
((guild_sum == 0)) || problems+=("guild balances sum to $guild_sum, not 0")
((orders == buys_counted)) || problems+=("pgbench counted $buys_counted buys but the guild holds $orders orders")
((not_fulfilled == 0)) || problems+=("$not_fulfilled orders are not fulfilled")
((order_lines == orders && units_ordered == orders)) || problems+=("$orders orders have $order_lines lines of $units_ordered units (expected one line of 1 unit each)")
((listings_off == 0)) || problems+=("$listings_off listings' sold quantity differs from their order lines")
((buyer_units == units_ordered)) || problems+=("buyers own $buyer_units units but $units_ordered were ordered and fulfilled")
((seller_units == 0)) || problems+=("sellers own $seller_units units outside their listings")
((units_total == SELLERS * UNITS)) || problems+=("units not conserved: $units_total instead of $((SELLERS * UNITS))")
((fulfil_events == orders && buy_events == orders)) || problems+=("$orders orders but $buy_events purchase and $fulfil_events fulfilment events")
((bench_keys == orders)) || problems+=("$orders orders but $bench_keys bench idempotency keys (replayed or lost buys)")
((jobs_orders == orders)) || problems+=("$orders orders but $jobs_orders queued orders__fulfil jobs")
((bad_fee == 0)) || problems+=("$bad_fee orders with a fee other than 8 % of the escrow")
[[ -z $aborted_runs ]] || problems+=("aborted runs:$aborted_runs")

# --- Report ----------------------------------------------------------------------------------
ratio() { # ratio TPS TPCB_TPS -> percentage
  if [[ -n ${1-} && -n ${2-} ]]; then awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f%%", 100 * a / b; else printf "-" }'
  else printf -- "-"; fi
}
{
  echo
  runs_hdr=""; runs_sep=""
  if ((REPEAT > 1)); then runs_hdr=$(printf ' %13s' "tps min-max"); runs_sep=" -------------"; echo "(median of $REPEAT runs)"; fi
  printf '%-18s %7s %10s %14s %13s %10s %10s%s\n' workload clients tps "avg lat (ms)" "vs tpcb-like" "CPU ms/tx" "CPU ratio" "$runs_hdr"
  printf '%-18s %7s %10s %14s %13s %10s %10s%s\n' ------------------ ------- ---------- -------------- ------------- ---------- ---------- "$runs_sep"
  for w in $WORKLOADS; do
    for c in $CLIENTS; do
      if [[ $w == tpcb-like ]]; then r="100%"; else r=$(ratio "${TPS[$w:$c]-}" "${TPS[tpcb-like:$c]-}"); fi
      runs=""; ((REPEAT == 1)) || runs=$(printf ' %13s' "${TPS_RUNS[$w:$c]-}")
      cr=$(cpu_ratio "${CPU[$w:$c]-}" "${CPU[tpcb-like:$c]-}")
      printf '%-18s %7s %10.1f %14.3f %13s %10s %10s%s%s\n' "$w" "$c" "${TPS[$w:$c]:-0}" "${LAT[$w:$c]:-0}" "$r" "${CPU[$w:$c]:-0}" "$cr" "$runs" "${STATUS[$w:$c]-}"
    done
  done
  echo
  echo "orders: pgbench counted $buys_counted buys; the guild holds $orders orders, $not_fulfilled not fulfilled ($settled_after of them fulfilled after the buy-only runs, untimed)"
  echo "jobs: $jobs_total graphile-worker jobs queued during the runs, $jobs_orders of them orders__fulfil jobs for these orders (no worker ran: they stay queued; a worker would find each order settled and do nothing)"
  echo "units: $units_ordered sold = sum over listings of (qty - qty_available); buyers own $buyer_units; fees account holds $fees_balance coins"
  if ((${#problems[@]} == 0)); then
    echo "checks: passed (verify_ledger() empty, guild balances sum to 0, all orders fulfilled, listing quantities and inventories consistent)"
  else
    echo "checks: FAILED"
    for p in "${problems[@]}"; do echo "  - $p"; done
  fi
  echo "elapsed: $(( $(date +%s) - started )) s"
} | tee "$OUT/summary.txt"

status=0
((${#problems[@]} == 0)) || status=1
if [[ $KEEP == 1 || $status != 0 ]]; then
  echo "kept databases $DB and $PGB_DB for inspection (drop them with: psql ... -c 'drop database $DB' -c 'drop database if exists $PGB_DB')"
else
  sql "$ROOT_PG_URL" -c "drop database if exists $DB with (force)" -c "drop database if exists $PGB_DB with (force)"
fi
exit $status
