#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and an empty media folder.
# docs/operations.md, "Backup and restore".
#
#   createdb -O dvctt dvctt_restored
#   DATABASE_URL=postgres://dvctt@db:5432/dvctt_restored DVCTT_MEDIA_ROOT=/srv/dvctt/media-restored \
#     scripts/restore.sh /backup/dvctt/dvctt-20261207T020000Z
#   DATABASE_URL=… dvctt migrate        # then: the checks in docs/operations.md
#
# Refuses (exit 3) when the database has any table or the media folder has any file: a restore never mixes with,
# or overwrites, live data. Checks the backup's SHA256SUMS first and the restored row counts last.
set -euo pipefail

src=${1:?usage: scripts/restore.sh BACKUP_DIR}
: "${DATABASE_URL:?DATABASE_URL must point at the empty PostgreSQL database to restore into}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "restore.sh: DATABASE_URL is not a PostgreSQL URL" >&2; exit 2 ;;
esac
media=${DVCTT_MEDIA_ROOT:?DVCTT_MEDIA_ROOT must name the (empty or new) media folder to restore into}

for f in db.dump media.tar manifest.txt SHA256SUMS; do
  [ -f "$src/$f" ] || { echo "restore.sh: $src/$f is missing: not a complete backup" >&2; exit 2; }
done
(cd "$src" && sha256sum --quiet --check SHA256SUMS) || { echo "restore.sh: checksums do not match" >&2; exit 2; }

tables=$(psql --dbname="$DATABASE_URL" -X -q -t -A -v ON_ERROR_STOP=1 -c \
  "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
if [ "$tables" != "0" ]; then
  echo "restore.sh: refusing: the database already has $tables tables (restore into a new, empty database)" >&2
  exit 3
fi
if [ -d "$media" ] && [ -n "$(find "$media" -mindepth 1 -print -quit)" ]; then
  echo "restore.sh: refusing: $media is not empty" >&2
  exit 3
fi

pg_restore --dbname="$DATABASE_URL" --no-owner --no-acl --exit-on-error --single-transaction "$src/db.dump"
mkdir -p "$media"
tar -C "$media" -xf "$src/media.tar" --no-same-owner

restored=$(psql --dbname="$DATABASE_URL" -X -q -t -A -F ' ' -v ON_ERROR_STOP=1 <<'SQL'
SELECT 'dossiers', count(*) FROM dossiers_dossier;
SELECT 'dossier_files', count(*) FROM dossiers_dossierfile WHERE file <> '';
SQL
)
if [ "$restored" != "$(cat "$src/manifest.txt")" ]; then
  echo "restore.sh: restored counts differ from the backup's manifest:" >&2
  echo "$restored" >&2
  exit 4
fi
# Every file a row names is on disk, with the checksum recorded at upload.
bad=0
while IFS=$'\t' read -r path sum; do
  [ -n "$path" ] || continue
  if [ ! -f "$media/$path" ]; then
    echo "restore.sh: missing file: $path" >&2; bad=$((bad + 1))
  elif [ -n "$sum" ] && [ "$(sha256sum <"$media/$path" | cut -d' ' -f1)" != "$sum" ]; then
    echo "restore.sh: checksum differs: $path" >&2; bad=$((bad + 1))
  fi
done < <(psql --dbname="$DATABASE_URL" -X -q -t -A -F $'\t' -v ON_ERROR_STOP=1 \
  -c "SELECT file, sha256 FROM dossiers_dossierfile WHERE file <> '' ORDER BY id")
if [ "$bad" -ne 0 ]; then
  echo "restore.sh: $bad dossier files missing or altered" >&2
  exit 4
fi
echo "restored $(tr '\n' ' ' <"$src/manifest.txt")from $src"
echo "next: DATABASE_URL=… dvctt migrate, then the checks in docs/operations.md"
