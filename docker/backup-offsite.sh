#!/bin/sh
# backup-offsite (docker-compose.yml, profile `offsite`, off by default): copies the nightly dumps
# from the `backups` volume to an rclone remote, every BACKUP_OFFSITE_INTERVAL_S seconds
# (default 3600). `rclone copy --immutable` uploads new dumps only and never deletes or
# overwrites anything on the remote: keep the remote's own retention (e.g. a bucket lifecycle
# rule) in step with BACKUP_RETENTION_DAYS.
#
#   BACKUP_OFFSITE_REMOTE   rclone destination, e.g. offsite:guildbank-backups (required)
#   RCLONE_CONFIG           the rclone configuration defining that remote (a Docker secret)
set -eu
: "${BACKUP_OFFSITE_REMOTE:?set BACKUP_OFFSITE_REMOTE in .env, e.g. offsite:guildbank-backups}"
interval=${BACKUP_OFFSITE_INTERVAL_S:-3600}

trap 'echo "backup-offsite: stopping"; exit 0' TERM INT
echo "backup-offsite: copying /backups/guildbank_*.dump to $BACKUP_OFFSITE_REMOTE every $interval s"
while :; do
  if rclone copy --immutable --include 'guildbank_*.dump' /backups "$BACKUP_OFFSITE_REMOTE"; then
    echo "backup-offsite: $(date -u +%Y-%m-%dT%H:%M:%SZ) copy done"
  else
    echo "backup-offsite: $(date -u +%Y-%m-%dT%H:%M:%SZ) copy FAILED; retrying in $interval s" >&2
  fi
  sleep "$interval" &
  wait $! || true
done
