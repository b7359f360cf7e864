#!/usr/bin/env bash
# bench/cards/packs.sh: pack opens per second through SQL (open_pack + pick_card, one transaction as the member) at
# BENCH_CLIENTS clients, beside pgbench's built-in tpcb-like on the same server in the same run (ratio printed).
#
#   npm run bench:packs            (= bash bench/cards/packs.sh)
#
# Environment: BENCH_ROOT_URL (superuser URL, default postgres://postgres@127.0.0.1:5432/postgres), BENCH_SECONDS
# (per run, default 10), BENCH_CLIENTS (default "8"), BENCH_MEMBERS (default 1000), BENCH_TEMPLATES (per rarity,
# default 40), BENCH_SCALE (tpcb-like scale, default 10), BENCH_KEEP=1 (keep the databases).
# The standard-3 pack's cooldown is set to 0 for the run (the 7-minute cooldown would refuse every second open of a
# member); each member holds 10^12 Notes. Exit status 1 when a run fails or verify_ledger() (with the card
# invariants: print numbers gap-free, one owner per copy) is not empty afterwards.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
ROOT_URL=${BENCH_ROOT_URL:-postgres://postgres@127.0.0.1:5432/postgres}
SECS=${BENCH_SECONDS:-10}
CLIENTS=${BENCH_CLIENTS:-8}
MEMBERS=${BENCH_MEMBERS:-1000}
TEMPLATES=${BENCH_TEMPLATES:-40}
SCALE=${BENCH_SCALE:-10}
KEEP=${BENCH_KEEP:-0}
DB=guildbank_bench_cards
PGB_DB=guildbank_bench_cards_pgbench
GUILD=4545
BASE=930000000000000000

die() { echo "bench/cards: $*" >&2; exit 1; }
[[ $SECS =~ ^[1-9][0-9]*$ ]] || die "BENCH_SECONDS must be a positive integer"
# shellcheck source=../lib.sh
source "$repo/bench/lib.sh"

echo "bench/cards packs  $(date -u '+%Y-%m-%d %H:%M UTC')  PostgreSQL $(sql "$ROOT_PG_URL" -c "show server_version")  $(nproc) cores  load average $(cut -d' ' -f1-3 /proc/loadavg)"
sql "$ROOT_PG_URL" -c "drop database if exists $DB with (force)" -c "drop database if exists $PGB_DB with (force)"
(cd "$repo" && ROOT_DATABASE_URL="$ROOT_URL" DATABASE_NAME="$DB" "$NODE" db/scripts/setup.ts) >/dev/null 2>&1 || die "db/scripts/setup.ts failed"
sql "$ROOT_PG_URL" -c "create database $PGB_DB"
pgbench -i -s "$SCALE" -q "$PGB_URL" >/dev/null 2>&1 || die "pgbench -i failed"
sql "$BENCH_URL" >/dev/null <<SQL
select app_private.ensure_guild($GUILD, 'Guildbank cards bench');
update app_public.pack_types set cooldown_s = 0 where guild_id = $GUILD;
with a as (insert into app_public.artists (guild_id, name, code) values ($GUILD, 'Bench Artist', 'BEN') returning id),
     e as (insert into app_public.eras (guild_id, artist_id, name, code) select $GUILD, id, 'Bench', 'BEN' from a returning id, artist_id)
insert into app_public.card_templates (guild_id, public_id, artist_id, era_id, rarity)
select $GUILD, 'BEN-BEN-' || upper(left(r::text, 1)) || '-' || lpad(n::text, 3, '0'), e.artist_id, e.id, r
  from e, unnest(enum_range(null::app_public.card_rarity)) r, generate_series(1, $TEMPLATES) n;
select app_private.post_transfer($GUILD, app_private.ledger_account($GUILD, null, 'NOTE', 'mint'),
         app_private.ledger_account($GUILD, (app_private.ensure_member($GUILD, $BASE + i, 'bench ' || i)).id, 'NOTE', 'wallet'),
         1000000000000, 'bench_fund')
  from generate_series(1, $MEMBERS) i;
vacuum analyze;
SQL
j=$((CLIENTS < 2 ? CLIENTS : 2))
tpcb=$(pgbench -b tpcb-like -c "$CLIENTS" -j "$j" -T "$SECS" -M prepared "$PGB_URL" 2>&1 | awk '/^tps/ { print int($3) }')
packs=$(pgbench -n -f "$here/open_pick.sql" -c "$CLIENTS" -j "$j" -T "$SECS" -M prepared -D guild=$GUILD -D members="$MEMBERS" -D base=$BASE -D seq=0 "$AUTH_URL" 2>&1 | tee /tmp/bench-cards-packs.txt | awk '/^tps/ { print int($3) }')
[[ -n $packs ]] || { cat /tmp/bench-cards-packs.txt >&2; die "the pack run failed"; }
opened=$(sql "$BENCH_URL" -c "select count(*) from app_public.pack_openings where guild_id = $GUILD")
violations=$(sql "$BENCH_URL" -c "select count(*) from app_public.verify_ledger($GUILD)")
printf '%-32s %8s tps\n' "tpcb-like ($CLIENTS clients)" "$tpcb" "open+pick ($CLIENTS clients)" "$packs"
echo "ratio open+pick / tpcb-like: $(awk -v a="$packs" -v b="$tpcb" 'BEGIN { printf "%.2f", a / b }'); $opened packs opened and picked; verify_ledger violations: $violations"
if [[ $KEEP != 1 ]]; then sql "$ROOT_PG_URL" -c "drop database if exists $DB with (force)" -c "drop database if exists $PGB_DB with (force)"; fi
((violations == 0)) || die "verify_ledger() is not empty"
