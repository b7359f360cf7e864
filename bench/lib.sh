# bench/lib.sh: setup and shell helpers shared by bench/ledger/run.sh and bench/market/run.sh
# (sourced, not run). Expects `repo` (the repository root), `die`, ROOT_URL (superuser URL),
# DB (the bench database), PGB_DB (pgbench's database) and SECS (seconds per run) to be set by the
# script that sources it. Dies when pgbench or psql is missing; sets NODE, ROOT_PG_URL, BENCH_URL,
# PGB_URL and AUTH_URL (below).

command -v pgbench >/dev/null || die "pgbench not found"
command -v psql >/dev/null || die "psql not found"
NODE="$repo/node_modules/.bin/node"
[[ -x $NODE ]] || NODE=node

# url_for USER DATABASE [PASSWORD]: the root URL with another database (and user, if USER is not empty).
url_for() {
  "$NODE" -e '
    const [url, user, db, password] = process.argv.slice(1);
    const u = new URL(url);
    if (user) { u.username = encodeURIComponent(user); u.password = password ? encodeURIComponent(password) : ""; }
    u.pathname = "/" + db;
    console.log(u.href);' "$ROOT_URL" "$1" "$2" "${3-}"
}
ROOT_PG_URL=$(url_for "" postgres)
BENCH_URL=$(url_for "" "$DB")                 # superuser, bench database
PGB_URL=$(url_for "" "$PGB_DB")               # superuser, pgbench database
AUTH_URL=$(url_for guildbank_authenticator "$DB" "${BENCH_AUTHENTICATOR_PASSWORD-}") # what the app logs in as

# cpu_busy_ms: the machine's busy CPU time so far, in milliseconds summed over every core (user,
# nice, system, irq, softirq and steal from /proc/stat; idle and iowait left out); empty where there
# is no /proc/stat. The difference over a run, divided by the transactions it processed, is the CPU
# one transaction costs the whole machine: the server's backends, pgbench's own client threads, and
# whatever else runs there (a yardstick run beside it pays the same overhead).
cpu_busy_ms() {
  [[ -r /proc/stat ]] || return 0
  awk -v hz="$(getconf CLK_TCK 2>/dev/null || echo 100)" '$1 == "cpu" { printf "%.0f\n", ($2 + $3 + $4 + $7 + $8 + $9) * 1000 / hz; exit }' /proc/stat
}
# cpu_per_tx MS0 MS1 PROCESSED: milliseconds of CPU per transaction, 3 decimals ("" when unknown).
cpu_per_tx() {
  [[ -n ${1-} && -n ${2-} && ${3:-0} != 0 ]] || return 0
  awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.3f", (b - a) / n }'
}

# cpu_ratio MS MS_TPCB: a workload's CPU per transaction against tpcb-like's in the same run, as
# "2.5x" ("-" when either is unknown or 0).
cpu_ratio() {
  awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (a > 0 && b > 0) printf "%.1fx", a / b; else printf "-" }'
}

# sql URL [psql arguments...]: unaligned, tuples only, stops on the first error, no notices.
sql() { local url=$1; shift; PGOPTIONS="${PGOPTIONS-} -c client_min_messages=warning" psql "$url" -X -v ON_ERROR_STOP=1 -Atq "$@"; }

# sample_waits LOGFILE TOP: the TOP most frequent wait events of the benchmark's backends, sampled
# every 20 ms for the length of a run (SECS seconds).
sample_waits() {
  local n=$(( SECS * 50 - 50 ))
  ((n > 0)) || n=1
  sql "$BENCH_URL" >"$1" <<SQL
create temp table samples (w text);
do \$\$ begin
  perform pg_sleep(0.5);
  for i in 1..$n loop
    perform pg_stat_clear_snapshot();
    insert into samples select coalesce(wait_event_type || ':' || wait_event, 'CPU') || ' (' || state || ')'
      from pg_stat_activity where datname = current_database() and usename = 'guildbank_authenticator' and state <> 'idle';
    perform pg_sleep(0.02);
  end loop;
end \$\$;
select to_char(100.0 * count(*) / sum(count(*)) over (), 'FM990.0') || '%  ' || w from samples group by w order by count(*) desc limit $2;
SQL
}

# median "V1 V2 ...": the median of space-separated numbers (0 when there are none).
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# spread "V1 V2 ...": "min-max" rounded to integers, empty for fewer than two numbers.
spread() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { if (NR > 1) printf "%.0f-%.0f", lo, hi }'; }
