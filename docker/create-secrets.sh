#!/bin/sh
# Creates the Docker secrets docker-compose.yml needs, in docker/secrets/, with random values:
#   postgres_password.txt           the PostgreSQL superuser (db, migrate, backup)
#   db_owner_password.txt           guildbank_owner: migrations (migrate)
#   db_authenticator_password.txt   guildbank_authenticator: what server and worker log in as
#   csrf_secret.txt                 the server's CSRF token secret (web panel)
# an empty discord_client_secret.txt (paste the Discord application's client secret to enable
# Discord sign-in to the web panel),
# an empty discord_token.txt (the Discord bot's token, used only with the `bot` profile),
# and an empty rclone.conf (the off-site copy's configuration, used only with the `offsite`
# profile: fill it in before enabling that profile).
# An existing file is never overwritten (the database keeps the passwords it was set up with).
# The folder is made private to you (0700); the files inside are 0644 so the containers' own
# users (node, postgres) can read the bind-mounted copies. See docker/secrets/README.md.
set -eu
dir="$(cd "$(dirname "$0")" && pwd)/secrets"
mkdir -p "$dir"
chmod 0700 "$dir"

random_secret() {
  # 32 random bytes as 64 hex characters: safe in URLs, shells and config files.
  od -An -N32 -tx1 /dev/urandom | tr -d ' \n'
}

for name in postgres_password db_owner_password db_authenticator_password csrf_secret; do
  file="$dir/$name.txt"
  if [ -e "$file" ]; then
    echo "kept    $file"
    continue
  fi
  (umask 022 && random_secret >"$file")
  chmod 0644 "$file"
  echo "created $file"
done

if [ ! -e "$dir/discord_client_secret.txt" ]; then
  (umask 022 && : >"$dir/discord_client_secret.txt")
  chmod 0644 "$dir/discord_client_secret.txt"
  echo "created $dir/discord_client_secret.txt (empty: paste your Discord application's client secret to enable Discord sign-in)"
fi

if [ ! -e "$dir/discord_token.txt" ]; then
  (umask 022 && : >"$dir/discord_token.txt")
  echo "created $dir/discord_token.txt (empty: paste the bot token before enabling the bot profile)"
fi

if [ ! -e "$dir/rclone.conf" ]; then
  (umask 022 && : >"$dir/rclone.conf")
  echo "created $dir/rclone.conf (empty: only the offsite profile uses it)"
fi
