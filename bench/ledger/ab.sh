#!/usr/bin/env bash
# bench/ledger/ab.sh: the give workloads on two versions of the rules, interleaved with pgbench's
# tpcb-like in one run, so that a loaded, shared machine affects all three alike. Each repetition
# runs tpcb-like, the workload on the reference checkout's rules (BENCH_REF_REPO, e.g. main), then
# on this checkout's, BENCH_SECONDS each; it prints both ratios to tpcb-like and this/reference per
# repetition, then their medians. See bench/README.md.
#
#   BENCH_REF_REPO=/path/to/main bash bench/ledger/ab.sh
#
# Environment (and BENCH_ROOT_URL, BENCH_MEMBERS, BENCH_SCALE, BENCH_PROTOCOL as in run.sh):
#   BENCH_REF_REPO   checkout whose migrations build the reference database (required)
#   BENCH_SECONDS    seconds per run (default 6)
#   BENCH_CLIENTS    client count (default 8)
#   BENCH_REPEAT     repetitions (default 5)
#   BENCH_WORKLOADS  give workloads (default "give-random give-onepayer")
#   BENCH_KEEP=1     keep the three databases
# Exit status 1 when a check fails (drift, or gives counted != give transfers on either database).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
ROOT_URL=${BENCH_ROOT_URL:-postgres://postgres@127.0.0.1:5432/postgres}
REF_REPO=${BENCH_REF_REPO:?BENCH_REF_REPO: the checkout of the reference rules (e.g. main)}
SECS=${BENCH_SECONDS:-6}
C=${BENCH_CLIENTS:-8}
REPEAT=${BENCH_REPEAT:-5}
MEMBERS=${BENCH_MEMBERS:-1000}
SCALE=${BENCH_SCALE:-10}
MODE=${BENCH_PROTOCOL:-prepared}
WORKLOADS=${BENCH_WORKLOADS:-give-random give-onepayer}
GUILD=4242 BASE=900000000000000000 FUND=1000000000000
DB=guildbank_bench_ab PGB_DB=guildbank_bench_ab_pgbench
# shellcheck source=../lib.sh
source "$repo/bench/lib.sh"
REF_DB=guildbank_bench_ab_ref
REF_URL=$(url_for "" "$REF_DB")
REF_AUTH_URL=$(url_for guildbank_authenticator "$REF_DB" "${BENCH_AUTHENTICATOR_PASSWORD-}")

echo "bench/ledger/ab  $(date -u '+%Y-%m-%d %H:%M UTC')  $(nproc) cores  load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  $C clients, $SECS s per run x $REPEAT, -M $MODE; reference rules: $REF_REPO ($(git -C "$REF_REPO" rev-parse --short HEAD)), these: $(git -C "$repo" rev-parse --short HEAD)"
sql "$ROOT_PG_URL" -c "drop database if exists $DB with (force)" -c "drop database if exists $REF_DB with (force)" -c "drop database if exists $PGB_DB with (force)"
REPOS=("$repo" "$REF_REPO") DBS=("$DB" "$REF_DB") URLS=("$BENCH_URL" "$REF_URL")
for i in 0 1; do
  r=${REPOS[$i]} d=${DBS[$i]} u=${URLS[$i]}
  (cd "$r" && ROOT_DATABASE_URL="$ROOT_URL" DATABASE_NAME="$d" "$NODE" db/scripts/setup.ts) >/dev/null
  sql "$u" -v guild=$GUILD -v base=$BASE -v members="$MEMBERS" -v fund=$FUND -f "$here/seed.sql" >/dev/null
done
sql "$ROOT_PG_URL" -c "create database $PGB_DB"
pgbench -i -s "$SCALE" -q "$PGB_URL" >/dev/null 2>&1
j=$(( C < 2 ? C : 2 ))
tps() { sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | tail -1; }
declare -A COUNTED=([this]=0 [ref]=0) RATIOS
run_id=$(( $(date +%s) % 100000 * 1000 ))
for w in $WORKLOADS; do
  for r in $(seq "$REPEAT"); do
    t=$(pgbench -b tpcb-like -c "$C" -j "$j" -T "$SECS" -M "$MODE" "$PGB_URL" 2>&1 | tps)
    declare -A T=()
    for side in ref this; do
      if [[ $side == ref ]]; then u=$REF_AUTH_URL; else u=$AUTH_URL; fi
      run_id=$((run_id + 1))
      out=$(pgbench -n -f "$here/${w/-/_}.sql" -c "$C" -j "$j" -T "$SECS" -M "$MODE" -D guild=$GUILD -D base=$BASE \
        -D members="$MEMBERS" -D run=$run_id -D seq=0 "$u" 2>&1) || { echo "$out" >&2; echo "bench/ledger/ab: pgbench failed" >&2; exit 1; }
      ! grep -q aborted <<<"$out" || { echo "$out" >&2; exit 1; }
      T[$side]=$(tps <<<"$out")
      COUNTED[$side]=$(( COUNTED[$side] + $(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<<"$out") ))
    done
    line=$(awk -v t="$t" -v o="${T[ref]}" -v n="${T[this]}" 'BEGIN { printf "%.1f %.1f %.3f", 100*o/t, 100*n/t, n/o }')
    read -r pr pt pn <<<"$line"
    RATIOS[$w:ref]+=" $pr"; RATIOS[$w:this]+=" $pt"; RATIOS[$w:x]+=" $pn"
    printf '  %-14s rep %d: tpcb-like %7.0f tps | reference %6.0f (%5.1f%%) | these %6.0f (%5.1f%%) | these/reference %.2f\n' \
      "$w" "$r" "$t" "${T[ref]}" "$pr" "${T[this]}" "$pt" "$pn"
  done
done
echo
for w in $WORKLOADS; do
  printf '%-14s at %s clients, medians of %s: reference %s%% of tpcb-like, these %s%%, these/reference %s (min-max %s)\n' "$w" "$C" "$REPEAT" \
    "$(median "${RATIOS[$w:ref]}")" "$(median "${RATIOS[$w:this]}")" "$(median "${RATIOS[$w:x]}")" \
    "$(tr ' ' '\n' <<<"${RATIOS[$w:x]}" | grep -v '^$' | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f-%.2f", lo, hi }')"
done
status=0
for side in this ref; do
  if [[ $side == ref ]]; then u=$REF_URL; else u=$BENCH_URL; fi
  v=$(sql "$u" -c "select count(*) from app_public.verify_ledger()")
  s=$(sql "$u" -c "select coalesce(sum(balance), 0) from app_public.accounts where guild_id = $GUILD")
  g=$(sql "$u" -c "select count(*) from app_public.transfers where guild_id = $GUILD and reason = 'give' and created_at > now() - interval '12 hours'")
  echo "checks ($side): verify_ledger() $v violation(s), guild balances sum to $s, pgbench counted ${COUNTED[$side]} gives, ledger holds $g"
  ((v == 0 && s == 0 && g == COUNTED[$side])) || status=1
done
if [[ ${BENCH_KEEP:-0} != 1 && $status == 0 ]]; then
  sql "$ROOT_PG_URL" -c "drop database if exists $DB with (force)" -c "drop database if exists $REF_DB with (force)" -c "drop database if exists $PGB_DB with (force)"
fi
exit $status
