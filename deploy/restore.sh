#!/usr/bin/env bash
# Restores a backup of deploy/backup.sh into an EMPTY database and an empty (or missing)
# media folder; it refuses anything else, so it never mixes a backup into live data.
#
#   DATABASE_URL=postgres://…/portal_restored MEDIA_ROOT=/srv/portal/media-restored \
#     deploy/restore.sh /var/backups/portal/portal-20270101T020000Z
#
# The checksums are verified first; the database is restored in one transaction, so a
# failure leaves it empty. Then run `manage.py migrate` (a no-op for the same release).
set -euo pipefail

backup=${1:?usage: restore.sh BACKUP_FOLDER}
: "${DATABASE_URL:?DATABASE_URL must name the empty database to restore into}"
: "${MEDIA_ROOT:?MEDIA_ROOT must name the empty media folder to restore into}"

[ -f "$backup/SHA256SUMS" ] || { echo "$backup is not a backup folder" >&2; exit 2; }
(cd "$backup" && sha256sum --check --quiet SHA256SUMS) ||
  { echo "checksums of $backup do not match: the backup is damaged" >&2; exit 1; }

tables=$(psql "$DATABASE_URL" -XAtq -v ON_ERROR_STOP=1 \
  -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != 0 ]; then
  echo "the database already has $tables tables: restore only into an empty database" >&2
  exit 2
fi
if [ -d "$MEDIA_ROOT" ] && [ -n "$(ls -A "$MEDIA_ROOT")" ]; then
  echo "MEDIA_ROOT $MEDIA_ROOT is not empty: restore only into an empty folder" >&2
  exit 2
fi

pg_restore --exit-on-error --single-transaction --no-owner --no-privileges \
  --dbname="$DATABASE_URL" "$backup/database.dump"
mkdir -p "$MEDIA_ROOT"
tar --extract --file="$backup/media.tar" --directory="$MEDIA_ROOT" --no-same-owner
echo "restored $backup"
