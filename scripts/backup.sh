#!/usr/bin/env bash
# Back up DVCTT: the PostgreSQL database (pg_dump, custom format) and the media files (uploaded dossier files,
# results, slips). docs/operations.md, "Backup and restore".
#
#   DATABASE_URL=postgres://dvctt@db:5432/dvctt DVCTT_MEDIA_ROOT=/srv/dvctt/media scripts/backup.sh /backup/dvctt
#
# Writes <dest>/dvctt-<UTC time>/ with db.dump, media.tar, manifest.txt (row counts) and SHA256SUMS; the folder
# appears only once complete (written as .partial, then renamed). Keeps the newest DVCTT_BACKUP_KEEP backups
# (default 14) in <dest> and deletes older ones.
set -euo pipefail

dest=${1:?usage: scripts/backup.sh DEST_DIR}
: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL is not a PostgreSQL URL (SQLite: copy var/dvctt.sqlite3 with sqlite3 .backup)" >&2; exit 2 ;;
esac
media=${DVCTT_MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/var/media}
keep=${DVCTT_BACKUP_KEEP:-14}
[[ "$keep" =~ ^[1-9][0-9]*$ ]] || { echo "backup.sh: DVCTT_BACKUP_KEEP must be a positive number" >&2; exit 2; }

mkdir -p "$dest"
name="dvctt-$(date -u +%Y%m%dT%H%M%SZ)"
work="$dest/$name.partial"
rm -rf "$work"
mkdir -m 700 "$work"
trap 'rm -rf "$work"' ERR

# The database first: every file a row names was written before its row was committed, so it is in the media
# copy taken afterwards (files added meanwhile are harmless extras).
pg_dump --dbname="$DATABASE_URL" --format=custom --compress=6 --no-owner --no-acl --file="$work/db.dump"
psql --dbname="$DATABASE_URL" -X -q -t -A -F ' ' -v ON_ERROR_STOP=1 >"$work/manifest.txt" <<'SQL'
SELECT 'dossiers', count(*) FROM dossiers_dossier;
SELECT 'dossier_files', count(*) FROM dossiers_dossierfile WHERE file <> '';
SQL

if [ -d "$media" ]; then
  tar -C "$media" -cf "$work/media.tar" .
else
  tar -cf "$work/media.tar" --files-from /dev/null
fi
(cd "$work" && sha256sum db.dump media.tar manifest.txt >SHA256SUMS)
mv "$work" "$dest/$name"
trap - ERR
echo "$dest/$name"

# Retention: the newest $keep complete backups stay.
mapfile -t old < <(find "$dest" -mindepth 1 -maxdepth 1 -type d -name 'dvctt-*Z' | sort -r | tail -n +"$((keep + 1))")
for dir in "${old[@]}"; do rm -rf -- "$dir"; done
