#!/bin/sh
# Entrypoint of the Guildbank image: one image, one process per container, chosen by name.
#
#   server    API: GraphQL, SSE streams, webhooks, /healthz, /metrics   node server/src/main.ts
#   worker    graphile-worker job runner (and crontab)                  node server/src/worker-main.ts
#   bot       Discord bot: gateway, interactions, discord__* jobs        node bot/src/main.ts
#   migrate   one-shot: roles, database, migrations, configured guild   node scripts/migrate.ts
#   minecraft the Minecraft listener: payments, /pay payouts, /healthz   node minecraft/src/main.ts
#   help      this list
#
# Anything else is refused (exit 64): each compose service names one of the processes above
# (`command: ["server"]`), and scripts/__tests__/compose.test.ts checks that every such name
# leads to a file that exists. Extra arguments are passed on to the process.
#
# server, worker, bot and minecraft log in as guildbank_authenticator. When neither DATABASE_URL nor
# DATABASE_URL_FILE is set, their DATABASE_URL is built by docker/database-url.ts from
# DATABASE_HOST, DATABASE_PORT, DATABASE_NAME and DATABASE_AUTHENTICATOR_PASSWORD_FILE (a Docker
# secret), so the password exists in one secret only.
#
# GUILDBANK_DRY_RUN=1 prints the command instead of running it (tests).
set -eu

# Relative paths below are relative to the application root (/app in the image).
cd "$(dirname "$0")/.."

usage() {
  cat <<'USAGE'
usage: <image> server | worker | bot | minecraft | migrate [arguments...]
  server    the API (GraphQL, SSE streams, webhooks, /healthz, /metrics)
  minecraft the Minecraft listener (payment lines, /pay payouts, /healthz, /metrics)
  worker    the background job runner (scale with: docker compose up -d --scale worker=N)
  bot       the Discord bot (needs DISCORD_TOKEN_FILE and DISCORD_CLIENT_ID)
  migrate   create roles and database, apply migrations, ensure GUILD_ID; then exit
USAGE
}

# Exports DATABASE_URL for a process that logs in as guildbank_authenticator.
authenticator_url() {
  if [ -z "${DATABASE_URL:-}" ] && [ -z "${DATABASE_URL_FILE:-}" ]; then
    # Command substitution does not stop `set -e` scripts on failure: check explicitly.
    url=$(node docker/database-url.ts) || exit $?
    DATABASE_URL=$url
    export DATABASE_URL
  fi
}

run() {
  if [ "${GUILDBANK_DRY_RUN:-}" = 1 ]; then
    printf '%s\n' "$*"
    exit 0
  fi
  exec "$@"
}

process=${1:-help}
[ $# -gt 0 ] && shift

case "$process" in
  server)
    authenticator_url
    run node server/src/main.ts "$@"
    ;;
  worker)
    authenticator_url
    run node server/src/worker-main.ts "$@"
    ;;
  bot)
    authenticator_url
    run node bot/src/main.ts "$@"
    ;;
  migrate)
    run node scripts/migrate.ts "$@"
    ;;
  minecraft)
    authenticator_url
    run node minecraft/src/main.ts "$@"
    ;;
  help | -h | --help)
    usage
    ;;
  *)
    printf 'entrypoint: unknown process "%s"\n' "$process" >&2
    usage >&2
    exit 64
    ;;
esac
