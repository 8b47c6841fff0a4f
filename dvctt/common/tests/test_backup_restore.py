"""Backup and restore (docs/operations.md): scripts/backup.sh, then scripts/restore.sh into a new empty database
and media folder, then `dvctt migrate`; every dossier and every file (same sha256) is found in the copy."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from dvctt.common.tests.conftest import pdf_upload, submission, vn
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier, DossierFile

ROOT = Path(settings.BASE_DIR)

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump/pg_restore need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def database_url(name: str) -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def admin_connection() -> psycopg.Connection:
    return psycopg.connect(database_url("postgres"), autocommit=True)


def run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own scripts, fixed arguments
        ["/bin/bash", str(ROOT / "scripts" / script), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def restored_database():
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_an_empty_database_with_every_dossier_and_file(
    tmp_path, settings, procedure, unit, citizen, restored_database
):
    # Given dossiers with files, uploaded through the services into a media folder of their own
    settings.MEDIA_ROOT = tmp_path / "media"
    for n in range(3):
        components = [
            services.ComponentUpload(
                f"Tờ khai {n}", pdf_upload(f"to-khai-{n}.pdf", b"%PDF-1.4\n" + os.urandom(2048))
            ),
            services.ComponentUpload(
                f"Giấy tờ {n}", pdf_upload(f"giay to {n}.pdf", b"%PDF-1.4\n" + os.urandom(512))
            ),
        ]
        services.dossier_submit(
            actor=citizen, submission=submission(unit, components=components), at=vn(2025, 3, 3 + n, 8, 30)
        )
    codes = set(Dossier.objects.values_list("code", flat=True))
    files = {f.file.name: f for f in DossierFile.objects.exclude(file="")}
    assert len(codes) == 3 and len(files) == 6
    originals = {name: sha256(settings.MEDIA_ROOT / name) for name in files}
    assert all(originals[name] == f.sha256 for name, f in files.items())

    # When the operator backs up, then restores into a new database and an empty media folder
    source = {
        "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
        "DVCTT_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    backup = run("backup.sh", str(tmp_path / "backups"), env=source)
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip().splitlines()[-1])
    assert sorted(p.name for p in folder.iterdir()) == ["SHA256SUMS", "db.dump", "manifest.txt", "media.tar"]
    assert (folder / "manifest.txt").read_text().split() == ["dossiers", "3", "dossier_files", "6"]

    target = {"DATABASE_URL": database_url(restored_database), "DVCTT_MEDIA_ROOT": str(tmp_path / "restored")}
    restore = run("restore.sh", str(folder), env=target)
    assert restore.returncode == 0, restore.stderr
    migrate = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, str(ROOT / "dvctt" / "manage.py"), "migrate", "--noinput"],
        env={**os.environ, **target},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    assert "No migrations to apply" in migrate.stdout

    # Then the copy holds every dossier and every file, byte for byte
    with psycopg.connect(target["DATABASE_URL"]) as copy:
        restored_codes = {row[0] for row in copy.execute("SELECT code FROM dossiers_dossier")}
        restored_files = dict(copy.execute("SELECT file, sha256 FROM dossiers_dossierfile WHERE file <> ''"))
    assert restored_codes == codes
    assert restored_files == {name: f.sha256 for name, f in files.items()}
    for name, digest in originals.items():
        assert sha256(tmp_path / "restored" / name) == digest

    # And restoring again is refused: the database is no longer empty
    again = run("restore.sh", str(folder), env={**target, "DVCTT_MEDIA_ROOT": str(tmp_path / "elsewhere")})
    assert again.returncode == 3
    assert "refusing" in again.stderr
    assert not (tmp_path / "elsewhere").exists()


def test_restore_refuses_a_tampered_backup_or_a_non_empty_media_folder(
    tmp_path, settings, submitted, restored_database
):
    settings.MEDIA_ROOT = tmp_path / "media"
    source = {
        "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
        "DVCTT_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    backup = run("backup.sh", str(tmp_path / "backups"), env=source)
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip().splitlines()[-1])
    target = {"DATABASE_URL": database_url(restored_database), "DVCTT_MEDIA_ROOT": str(tmp_path / "restored")}

    (tmp_path / "restored").mkdir()
    (tmp_path / "restored" / "left-over.txt").write_text("x")
    refused = run("restore.sh", str(folder), env=target)
    assert refused.returncode == 3 and "not empty" in refused.stderr
    (tmp_path / "restored" / "left-over.txt").unlink()

    with (folder / "media.tar").open("ab") as tar:
        tar.write(b"\0")
    tampered = run("restore.sh", str(folder), env=target)
    assert tampered.returncode == 2 and "checksums" in tampered.stderr
    with psycopg.connect(target["DATABASE_URL"]) as copy:
        assert copy.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)


def test_backup_keeps_only_the_newest_backups(tmp_path, settings, db):
    settings.MEDIA_ROOT = tmp_path / "media"
    dest = tmp_path / "backups"
    dest.mkdir()
    for stamp in ("20240101T000000Z", "20240102T000000Z", "20240103T000000Z"):
        (dest / f"dvctt-{stamp}").mkdir()
    (dest / "unrelated").mkdir()
    env = {
        "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
        "DVCTT_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DVCTT_BACKUP_KEEP": "2",
    }
    backup = run("backup.sh", str(dest), env=env)
    assert backup.returncode == 0, backup.stderr
    newest = Path(backup.stdout.strip().splitlines()[-1]).name
    assert sorted(p.name for p in dest.iterdir()) == sorted(["dvctt-20240103T000000Z", newest, "unrelated"])
