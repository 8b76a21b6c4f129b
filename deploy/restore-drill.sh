#!/usr/bin/env bash
# Restore drill: proves that a backup restores. Seeds a database with the demo data (photos
# included), backs it up with deploy/backup.sh, restores it with deploy/restore.sh into a
# fresh database and a fresh media folder, then compares the row count of every table and
# the checksum of every media file. Any difference fails the drill (exit 1).
#
#   deploy/restore-drill.sh               # the drill
#   deploy/restore-drill.sh --self-check  # the drill, then twice more with a table and a
#                                         # media file left out of the backup on purpose:
#                                         # each of those must FAIL, or the check is blind
#
# It uses throwaway databases DRILL_DB_PREFIX_source and DRILL_DB_PREFIX_restored on the
# PostgreSQL server of DRILL_SERVER_URL (default: the local one), dropped afterwards, and a
# throwaway folder; nothing of a real site is touched. Run it on the database server's
# version of pg_dump/pg_restore.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SERVER_URL=${DRILL_SERVER_URL:-postgres://postgres@127.0.0.1:5432}
PREFIX=${DRILL_DB_PREFIX:-portal_deploy_drill}
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
SELF_CHECK=false
[ "${1:-}" = "--self-check" ] && SELF_CHECK=true
[[ $PREFIX =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "DRILL_DB_PREFIX: lower-case letters, digits, _" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/portal-restore-drill.XXXXXX")
SOURCE_DB=${PREFIX}_source
RESTORED_DB=${PREFIX}_restored
SOURCE_URL="$SERVER_URL/$SOURCE_DB"
RESTORED_URL="$SERVER_URL/$RESTORED_DB"
# A table that the demo data fills and that nothing refers to, and a photo: what the
# self-check leaves out of the backup.
OMIT_TABLE=members_historicalmember

admin() { PGOPTIONS="-c client_min_messages=warning" psql "$SERVER_URL/postgres" -XAtq -v ON_ERROR_STOP=1 -c "$1" >/dev/null; }
drop_dbs() {
  admin "DROP DATABASE IF EXISTS $SOURCE_DB WITH (FORCE)" || true
  admin "DROP DATABASE IF EXISTS $RESTORED_DB WITH (FORCE)" || true
}
cleanup() { drop_dbs; rm -rf "$WORK"; }
trap cleanup EXIT

manage() {  # manage.py with production settings against the source database
  DJANGO_SETTINGS_MODULE=config.settings DEBUG=false SECRET_KEY="restore-drill-only-$(date +%s)-not-a-real-secret-key-0123456789" \
    ALLOWED_HOSTS=localhost DATABASE_URL="$SOURCE_URL" MEDIA_ROOT="$WORK/media-source" \
    CONN_MAX_AGE=0 LOG_LEVEL=WARNING "$PYTHON" manage.py "$@"
}

# Row counts of every table of the public schema, one "table count" a line, in one query.
row_counts() {
  psql "$1" -XAtq -v ON_ERROR_STOP=1 -F ' ' -c "
    SELECT table_name,
           (xpath('/row/n/text()',
                  query_to_xml(format('SELECT count(*) AS n FROM public.%I', table_name),
                               false, true, '')))[1]::text
    FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
    ORDER BY table_name"
}
media_sums() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum); }

echo "== seeding $SOURCE_DB (migrate, seed_demo)"
drop_dbs
admin "CREATE DATABASE $SOURCE_DB"
mkdir -p "$WORK/media-source"
manage migrate --noinput -v0
manage seed_demo --force >/dev/null
row_counts "$SOURCE_URL" >"$WORK/source.rows"
media_sums "$WORK/media-source" >"$WORK/source.media"
tables=$(wc -l <"$WORK/source.rows")
rows=$(awk '{n += $2} END {print n}' "$WORK/source.rows")
files=$(wc -l <"$WORK/source.media")
echo "   $tables tables, $rows rows, $files media files"
[ "$files" -gt 0 ] || { echo "the demo data wrote no media file: nothing to prove" >&2; exit 1; }
grep -qE "^$OMIT_TABLE [1-9]" "$WORK/source.rows" ||
  { echo "$OMIT_TABLE is empty: the self-check could not leave it out" >&2; exit 1; }

# One round: back up (with extra options), restore into fresh places, compare.
# Prints OK or what differs; returns 1 on any difference.
round() {
  local name=$1 pg_args=$2 tar_args=$3 backup
  admin "DROP DATABASE IF EXISTS $RESTORED_DB WITH (FORCE)"
  admin "CREATE DATABASE $RESTORED_DB"
  rm -rf "$WORK/backups" "$WORK/media-restored"
  backup=$(DATABASE_URL="$SOURCE_URL" MEDIA_ROOT="$WORK/media-source" \
    BACKUP_DIR="$WORK/backups" BACKUP_KEEP=2 \
    BACKUP_PG_DUMP_ARGS="$pg_args" BACKUP_TAR_ARGS="$tar_args" deploy/backup.sh)
  DATABASE_URL="$RESTORED_URL" MEDIA_ROOT="$WORK/media-restored" \
    deploy/restore.sh "$backup" >/dev/null
  row_counts "$RESTORED_URL" >"$WORK/$name.rows"
  media_sums "$WORK/media-restored" >"$WORK/$name.media"
  local failed=0
  if ! diff -u "$WORK/source.rows" "$WORK/$name.rows" >"$WORK/$name.rows.diff"; then
    echo "   row counts differ (- source, + restored):"
    grep -E '^[-+][^-+]' "$WORK/$name.rows.diff" | sed 's/^/     /'
    failed=1
  fi
  if ! diff -u "$WORK/source.media" "$WORK/$name.media" >"$WORK/$name.media.diff"; then
    echo "   media files differ (- source, + restored):"
    grep -E '^[-+][^-+]' "$WORK/$name.media.diff" | sed 's/^/     /'
    failed=1
  fi
  [ $failed = 0 ] && echo "   every table's row count and every media file's checksum match"
  return $failed
}

echo "== drill: back up, restore into $RESTORED_DB and a fresh media folder, compare"
if round full "" ""; then
  drill=passed
else
  drill=FAILED
fi

if ! $SELF_CHECK; then
  echo "restore drill $drill: $tables tables, $rows rows, $files media files"
  [ $drill = passed ]
  exit
fi

echo "== self-check 1: table $OMIT_TABLE left out of the backup (the drill must fail)"
if round no-table "--exclude-table=public.$OMIT_TABLE" ""; then
  table_check=BLIND
else
  table_check=caught
fi
omitted=$(awk 'NR == 1 {print $2}' "$WORK/source.media")
omitted=${omitted#./}
echo "== self-check 2: media file $omitted left out of the backup (the drill must fail)"
if round no-file "" "--exclude=./$omitted"; then
  file_check=BLIND
else
  file_check=caught
fi

echo "restore drill $drill; left-out table $table_check; left-out media file $file_check" \
  "($tables tables, $rows rows, $files media files)"
[ $drill = passed ] && [ $table_check = caught ] && [ $file_check = caught ]
