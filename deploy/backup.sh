#!/usr/bin/env bash
# A dated backup of the portal: the database (pg_dump's custom format) and the media folder,
# with their checksums; the newest BACKUP_KEEP backups are kept, older ones removed.
#
#   DATABASE_URL=postgres://… MEDIA_ROOT=/srv/portal/media BACKUP_DIR=/var/backups/portal \
#     deploy/backup.sh
#
# Prints the folder it wrote. Run it from cron or a systemd timer on one host (README,
# "Production"); restore with deploy/restore.sh, and prove that it restores with
# deploy/restore-drill.sh.
#
# BACKUP_PG_DUMP_ARGS and BACKUP_TAR_ARGS add options to pg_dump and tar (for example
# --exclude-table-data=… or --exclude=…); the drill's self-check uses them to leave
# something out on purpose and see the drill fail.
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL must name the database to back up}"
: "${MEDIA_ROOT:?MEDIA_ROOT must name the media folder to back up}"
BACKUP_DIR=${BACKUP_DIR:-/var/backups/portal}
BACKUP_KEEP=${BACKUP_KEEP:-14}
[[ $BACKUP_KEEP =~ ^[1-9][0-9]*$ ]] || { echo "BACKUP_KEEP must be 1 or more" >&2; exit 2; }
[ -d "$MEDIA_ROOT" ] || { echo "MEDIA_ROOT $MEDIA_ROOT is not a folder" >&2; exit 2; }
read -r -a pg_dump_args <<<"${BACKUP_PG_DUMP_ARGS:-}"
read -r -a tar_args <<<"${BACKUP_TAR_ARGS:-}"

mkdir -p "$BACKUP_DIR"
dest="$BACKUP_DIR/portal-$(date -u +%Y%m%dT%H%M%SZ)"
while [ -e "$dest" ] || [ -e "$dest.partial" ]; do  # two backups within one second
  sleep 1
  dest="$BACKUP_DIR/portal-$(date -u +%Y%m%dT%H%M%SZ)"
done
partial="$dest.partial"
trap 'rm -rf "$partial"' EXIT
mkdir -m 0700 "$partial"

# The database first, then the files: a photo added meanwhile is in the files without a row
# (harmless); none that a row names is missing.
pg_dump --format=custom --file="$partial/database.dump" "${pg_dump_args[@]}" "$DATABASE_URL"
tar --create --file="$partial/media.tar" --directory="$MEDIA_ROOT" "${tar_args[@]}" .
(cd "$partial" && sha256sum database.dump media.tar >SHA256SUMS)
mv "$partial" "$dest"
trap - EXIT

# Retention: the newest BACKUP_KEEP complete backups (names sort by date).
find "$BACKUP_DIR" -maxdepth 1 -type d -name 'portal-*Z' | sort | head -n "-$BACKUP_KEEP" |
  while read -r old; do rm -rf -- "$old"; done

echo "$dest"
