#!/usr/bin/env bash
# bench/ledger: give throughput through SQL beside pgbench's built-in tpcb-like, on the same
# server in the same run. See bench/README.md.
#
#   npm run bench:ledger            (= bash bench/ledger/run.sh)
#
# Each run also prints the machine's CPU per transaction (bench/lib.sh cpu_busy_ms) and, in the
# table, its ratio to tpcb-like's: the CPU ceiling of the throughput ratio on this machine.
#
# Environment:
#   BENCH_ROOT_URL   superuser URL of the server (default postgres://postgres@127.0.0.1:5432/postgres)
#   BENCH_SECONDS    seconds per pgbench run (default 10)
#   BENCH_MEMBERS    funded members in the benchmark guild (default 1000, at least 20)
#   BENCH_SCALE      pgbench -i scale factor for tpcb-like (default 10)
#   BENCH_CLIENTS    client counts (default "1 8 32")
#   BENCH_REPEAT     runs per (workload, clients), interleaved; the table shows medians (default 1)
#   BENCH_WORKLOADS  workloads to run, tpcb-like first (default "tpcb-like give-random give-hotspot give-onepayer")
#   BENCH_PROTOCOL   pgbench -M query mode for every run (default prepared)
#   BENCH_AUTHENTICATOR_PASSWORD  password of guildbank_authenticator, if the server needs one
#   BENCH_DB         name of the bench database (default guildbank_bench; pgbench's is <name>_pgbench)
#   BENCH_SETUP_REPO checkout whose migrations build the bench database (default this one; e.g. a
#                    checkout of main, for before/after figures with the same workloads)
#   BENCH_KEEP=1     keep the two databases afterwards (they are also kept when a check fails)
#   BENCH_PROFILE=1  also sample wait events during give runs, print WAL bytes per transaction,
#                    MultiXacts created per give and per-function time (track_functions = all);
#                    adds some overhead
#
# Exit status: 0 when every run completed and the ledger has zero drift; 1 otherwise (drift,
# an aborted pgbench client, or gives counted by pgbench that did not each create one transfer).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

ROOT_URL=${BENCH_ROOT_URL:-postgres://postgres@127.0.0.1:5432/postgres}
SECS=${BENCH_SECONDS:-10}
MEMBERS=${BENCH_MEMBERS:-1000}
SCALE=${BENCH_SCALE:-10}
CLIENTS=${BENCH_CLIENTS:-1 8 32}
MODE=${BENCH_PROTOCOL:-prepared}
REPEAT=${BENCH_REPEAT:-1}
KEEP=${BENCH_KEEP:-0}
SETUP_REPO=${BENCH_SETUP_REPO:-$repo}
PROFILE=${BENCH_PROFILE:-0}

DB=${BENCH_DB:-guildbank_bench}          # the application schema, migrated by db/scripts/setup.ts
PGB_DB=${BENCH_DB:-guildbank_bench}_pgbench # pgbench's own tables for tpcb-like
GUILD=4242                    # benchmark guild id
BASE=900000000000000000       # member i (1..MEMBERS) has discord id BASE + i; 1..10 are the hot ones
FUND=1000000000000            # 10^12 coins per member: no give is ever refused for funds
WORKLOADS=${BENCH_WORKLOADS:-tpcb-like give-random give-hotspot give-onepayer}

die() { echo "bench/ledger: $*" >&2; exit 1; }
[[ $SECS =~ ^[1-9][0-9]*$ ]] || die "BENCH_SECONDS must be a positive integer"
[[ $MEMBERS =~ ^[1-9][0-9]*$ ]] && ((MEMBERS >= 20)) || die "BENCH_MEMBERS must be an integer >= 20"
[[ $SCALE =~ ^[1-9][0-9]*$ ]] || die "BENCH_SCALE must be a positive integer"
for c in $CLIENTS; do [[ $c =~ ^[1-9][0-9]*$ ]] || die "BENCH_CLIENTS: bad client count '$c'"; done
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPEAT must be a positive integer"
# Checks for pgbench and psql; sets NODE, ROOT_PG_URL, BENCH_URL, PGB_URL and AUTH_URL; defines
# url_for, sql, sample_waits, median and spread.
# shellcheck source=../lib.sh
source "$repo/bench/lib.sh"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$repo/bench/out/ledger-$stamp"
mkdir -p "$OUT"

server_version=$(sql "$ROOT_PG_URL" -c "show server_version")
cores=$(nproc 2>/dev/null || echo "?")
echo "bench/ledger  $(date -u '+%Y-%m-%d %H:%M UTC')  PostgreSQL $server_version  $cores cores  load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "  $SECS s per run x $REPEAT, clients: $CLIENTS, -M $MODE, $MEMBERS members, tpcb-like scale $SCALE; raw output: bench/out/ledger-$stamp/"
echo "  server: shared_buffers=$(sql "$ROOT_PG_URL" -c "show shared_buffers") synchronous_commit=$(sql "$ROOT_PG_URL" -c "show synchronous_commit") fsync=$(sql "$ROOT_PG_URL" -c "show fsync") max_connections=$(sql "$ROOT_PG_URL" -c "show max_connections")"

# --- Databases -------------------------------------------------------------------------------
echo "setting up $DB (migrations) and $PGB_DB (pgbench -i -s $SCALE)..."
sql "$ROOT_PG_URL" -c "drop database if exists $DB with (force)" -c "drop database if exists $PGB_DB with (force)"
(cd "$SETUP_REPO" && ROOT_DATABASE_URL="$ROOT_URL" DATABASE_NAME="$DB" "$NODE" db/scripts/setup.ts) >"$OUT/setup.txt" 2>&1 \
  || { cat "$OUT/setup.txt" >&2; die "db/scripts/setup.ts failed"; }
sql "$ROOT_PG_URL" -c "create database $PGB_DB"
pgbench -i -s "$SCALE" -q "$PGB_URL" >"$OUT/pgbench-init.txt" 2>&1 || { cat "$OUT/pgbench-init.txt" >&2; die "pgbench -i failed"; }

# The benchmark guild and a day of its history (bench/ledger/seed.sql, shared with ab.sh).
sql "$BENCH_URL" -v guild=$GUILD -v base=$BASE -v members="$MEMBERS" -v fund=$FUND -f "$here/seed.sql" >"$OUT/seed.txt"
seeded=$(sql "$BENCH_URL" -c "select count(*) from app_public.users u join app_public.accounts a on a.user_id = u.id and a.kind = 'wallet' where u.guild_id = $GUILD and a.balance = $FUND")
((seeded == MEMBERS)) || die "seeding failed: $seeded of $MEMBERS members funded"
LOG_TABLES="'app_public.transactions', 'app_public.transfers', 'app_private.idempotency_keys'"
log_bytes() { sql "$BENCH_URL" -c "select sum(pg_total_relation_size(t::regclass)) from unnest(array[$LOG_TABLES]) t"; }
log_bytes0=$(log_bytes)
if [[ $PROFILE == 1 ]]; then
  sql "$ROOT_PG_URL" -c "alter database $DB set track_functions = 'all'"
  sql "$BENCH_URL" -c "select pg_stat_reset()" >/dev/null
fi

# --- Runs ------------------------------------------------------------------------------------
declare -A TPS LAT CPU FAILED STATUS # space-separated values, one per repetition (STATUS: problems only)
declare -A TPS_RUNS                 # min-max of tps over the repetitions
gives_counted=0
aborted_runs=""
multixacts=0
run_id=$(( $(date +%s) % 100000 * 1000 ))

run() { # run WORKLOAD CLIENTS REPETITION
  local w=$1 c=$2 j=$(( $2 < 2 ? $2 : 2 )) name="$1-c$2" rc=0 cpu0="" cpu1="" cpu mx0=0 sampler="" lsn0="" wal="" tps lat processed failed
  ((REPEAT == 1)) || name+="-r$3"
  local log="$OUT/$name.txt"
  local -a cmd
  if [[ $w == tpcb-like ]]; then
    # pgbench vacuums its own tables (and empties pgbench_history) before the run, as usual.
    cmd=(pgbench -b tpcb-like -c "$c" -j "$j" -T "$SECS" -M "$MODE" "$PGB_URL")
  else
    sql "$BENCH_URL" -c "vacuum analyze"
    run_id=$((run_id + 1))
    cmd=(pgbench -n -f "$here/${w/-/_}.sql" -c "$c" -j "$j" -T "$SECS" -M "$MODE"
      -D guild=$GUILD -D base=$BASE -D members="$MEMBERS" -D run=$run_id -D seq=0 "$AUTH_URL")
  fi
  sql "$ROOT_PG_URL" -c checkpoint
  [[ $PROFILE != 1 ]] || lsn0=$(sql "$ROOT_PG_URL" -c "select pg_current_wal_lsn()")
  if [[ $PROFILE == 1 && $w != tpcb-like ]]; then
    mx0=$(sql "$ROOT_PG_URL" -c "select next_multixact_id::text::bigint from pg_control_checkpoint()")
    sample_waits "$OUT/$name.waits.txt" 8 & sampler=$!
  fi
  echo "${cmd[*]}" | sed -E 's#postgres(ql)?://[^ ]*@#postgres://…@#g' >"$log"
  cpu0=$(cpu_busy_ms)
  "${cmd[@]}" >>"$log" 2>&1 || rc=$?
  cpu1=$(cpu_busy_ms)
  [[ -n $sampler ]] && wait "$sampler"
  [[ -z $lsn0 ]] || wal=$(sql "$ROOT_PG_URL" -c "select pg_wal_lsn_diff(pg_current_wal_lsn(), '$lsn0')::bigint")
  if [[ $PROFILE == 1 && $w != tpcb-like ]]; then
    sql "$ROOT_PG_URL" -c checkpoint
    multixacts=$(( multixacts + $(sql "$ROOT_PG_URL" -c "select next_multixact_id::text::bigint from pg_control_checkpoint()") - mx0 ))
  fi
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$log" | tail -1)
  lat=$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' "$log" | tail -1)
  processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$log" | tail -1)
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$log" | tail -1)
  TPS[$w:$c]+=" ${tps:-0}"
  LAT[$w:$c]+=" ${lat:-0}"
  cpu=$(cpu_per_tx "$cpu0" "$cpu1" "${processed:-0}")
  CPU[$w:$c]+=" ${cpu:-0}"
  FAILED[$w:$c]=$(( ${FAILED[$w:$c]:-0} + ${failed:-0} ))
  if ((rc != 0)) || grep -q 'aborted' "$log"; then
    STATUS[$w:$c]+=" ABORTED (exit $rc, see bench/out/ledger-$stamp/$name.txt)"
    aborted_runs+=" $name"
  fi
  if [[ $w != tpcb-like ]]; then gives_counted=$(( gives_counted + ${processed:-0} )); fi
  [[ -z $wal || ${processed:-0} == 0 ]] || wal=", $(( wal / processed )) WAL bytes/tx (server-wide)"
  printf '  %-13s c=%-3s %10s tps, %s CPU ms/tx%s%s\n' "$w" "$c" "${tps:-?}" "${cpu:-?}" "$wal" "${STATUS[$w:$c]-}"
}

echo "running (each client count and repetition: $WORKLOADS)..."
for c in $CLIENTS; do
  for r in $(seq "$REPEAT"); do
    for w in $WORKLOADS; do run "$w" "$c" "$r"; done
  done
done
# Ratios pair each give run with the tpcb-like run just before it (same repetition, same client
# count), then take the median: more robust to load changes on a shared machine than a ratio of medians.
declare -A RATIO
for c in $CLIENTS; do
  for w in $WORKLOADS; do
    [[ $w != tpcb-like ]] || continue
    RATIO[$w:$c]=$(median "$(paste -d' ' <(tr ' ' '\n' <<<"${TPS[$w:$c]# }") <(tr ' ' '\n' <<<"${TPS[tpcb-like:$c]# }") |
      awk '$2 > 0 { printf "%s ", 100 * $1 / $2 }')")
  done
done
for key in "${!TPS[@]}"; do
  TPS_RUNS[$key]=$(spread "${TPS[$key]}")
  TPS[$key]=$(median "${TPS[$key]}")
  LAT[$key]=$(median "${LAT[$key]}")
  CPU[$key]=$(median "${CPU[$key]}")
done

# --- Ledger checks ---------------------------------------------------------------------------
violations=$(sql "$BENCH_URL" -c "select count(*) from app_public.verify_ledger()")
sql "$BENCH_URL" -c "select * from app_public.verify_ledger()" >"$OUT/verify_ledger.txt"
guild_sum=$(sql "$BENCH_URL" -c "select coalesce(sum(balance), 0) from app_public.accounts where guild_id = $GUILD")
gives_made=$(sql "$BENCH_URL" -c "select count(*) from app_public.transfers where guild_id = $GUILD and reason = 'give' and created_at > now() - interval '12 hours'")
bench_keys=$(sql "$BENCH_URL" -c "select count(*) from app_private.idempotency_keys where guild_id = $GUILD and key like 'bench-%'")
log_bytes1=$(log_bytes)
members_moved=$(sql "$BENCH_URL" -c "select count(*) filter (where a.balance <> $FUND) from app_public.accounts a where a.guild_id = $GUILD and a.kind = 'wallet'")

# --- Report ----------------------------------------------------------------------------------
pct() { awk -v p="${1:-0}" 'BEGIN { printf "%.1f%%", p }'; }
{
  echo
  runs_hdr=""; runs_sep=""
  if ((REPEAT > 1)); then
    runs_hdr=$(printf ' %13s' "tps min-max"); runs_sep=" -------------"
    echo "(medians of $REPEAT runs; vs tpcb-like = median of the per-repetition ratios)"
  fi
  printf '%-13s %7s %10s %14s %13s %10s %10s %8s%s\n' workload clients tps "avg lat (ms)" "vs tpcb-like" "CPU ms/tx" "CPU ratio" failed "$runs_hdr"
  printf '%-13s %7s %10s %14s %13s %10s %10s %8s%s\n' ------------- ------- ---------- -------------- ------------- ---------- ---------- -------- "$runs_sep"
  for w in $WORKLOADS; do
    for c in $CLIENTS; do
      if [[ $w == tpcb-like ]]; then r="100%"; else r=$(pct "${RATIO[$w:$c]-}"); fi
      runs=""; ((REPEAT == 1)) || runs=$(printf ' %13s' "${TPS_RUNS[$w:$c]-}")
      cr=$(cpu_ratio "${CPU[$w:$c]-}" "${CPU[tpcb-like:$c]-}")
      printf '%-13s %7s %10.1f %14.3f %13s %10s %10s %8s%s%s\n' "$w" "$c" "${TPS[$w:$c]:-0}" "${LAT[$w:$c]:-0}" "$r" \
        "${CPU[$w:$c]:-0}" "$cr" "${FAILED[$w:$c]:-?}" "$runs" "${STATUS[$w:$c]-}"
    done
  done
  echo
  # Targets of issue 12 (ratios to tpcb-like at the same client count, same run).
  note=""
  ((REPEAT >= 3)) || note=" (from $REPEAT run(s): use BENCH_REPEAT=3 or more for a verdict)"
  for target in give-random:8:70 give-random:32:70 give-onepayer:8:35 give-hotspot:8:0; do
    IFS=: read -r tw tc tp <<<"$target"
    [[ " $CLIENTS " == *" $tc "* && " $WORKLOADS " == *" $tw "* ]] || continue
    r=$(pct "${RATIO[$tw:$tc]-}")
    if ((tp == 0)); then echo "$tw at $tc clients: $r of tpcb-like (no target)"; continue; fi
    verdict=$(awk -v p="${RATIO[$tw:$tc]:-0}" -v t="$tp" 'BEGIN { print (p >= t) ? "met" : "NOT met" }')
    echo "$tw at $tc clients: $r of tpcb-like (target >= $tp%): $verdict$note"
  done
  echo "gives: pgbench counted $gives_counted, ledger holds $gives_made give transfers and $bench_keys bench idempotency keys; $members_moved of $MEMBERS wallets moved"
  if ((gives_counted > 0)); then
    echo "storage: $(( (log_bytes1 - log_bytes0) / gives_counted )) bytes per give (transactions + transfers + idempotency_keys, heap and indexes)"
  fi
  if [[ $PROFILE == 1 && $gives_counted -gt 0 ]]; then
    echo "profile: $(awk -v m="$multixacts" -v g="$gives_counted" 'BEGIN { printf "%.2f", m / g }') MultiXacts created per give (cluster-wide counter); wait events per run in bench/out/ledger-$stamp/*.waits.txt"
    sql "$BENCH_URL" -c "select pg_stat_force_next_flush()" >/dev/null
    sql "$BENCH_URL" -c "select format('  %-32s %8s us self, %8s us total per give', schemaname || '.' || funcname,
        round((self_time * 1000 / $gives_counted)::numeric, 1), round((total_time * 1000 / $gives_counted)::numeric, 1))
      from pg_stat_user_functions where schemaname like 'app_%' and calls >= $gives_counted order by self_time desc"
  fi
  if ((violations == 0 && guild_sum == 0)); then
    echo "drift: 0 (verify_ledger() empty, guild balances sum to 0)"
  else
    echo "drift: DETECTED: verify_ledger() returned $violations violation(s), guild balances sum to $guild_sum (see bench/out/ledger-$stamp/verify_ledger.txt)"
  fi
} | tee "$OUT/summary.txt"

status=0
((violations == 0 && guild_sum == 0)) || status=1
[[ -z $aborted_runs ]] || { echo "bench/ledger: aborted runs:$aborted_runs" >&2; status=1; }
((gives_counted == gives_made && gives_counted == bench_keys)) || {
  echo "bench/ledger: pgbench counted $gives_counted gives but the ledger holds $gives_made give transfers / $bench_keys keys (replayed or lost gives)" >&2
  status=1
}

if [[ $KEEP == 1 || $status != 0 ]]; then
  echo "kept databases $DB and $PGB_DB for inspection (drop them with: psql ... -c 'drop database $DB' -c 'drop database $PGB_DB')"
else
  sql "$ROOT_PG_URL" -c "drop database if exists $DB with (force)" -c "drop database if exists $PGB_DB with (force)"
fi
exit $status
