"""The `dvctt` entry point on a database that has not been migrated: one Vietnamese line, exit status 1."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import DatabaseError, OperationalError, connection, transaction

from dvctt import manage

NOT_MIGRATED = "Cơ sở dữ liệu chưa được khởi tạo: hãy chạy `dvctt migrate` trước."
DUE = ["due", "--received", "2025-12-31T08:00+07:00", "--limit", "2", "--unit", "ngay_lam_viec"]


def run_dvctt(args: list[str], database_url: str) -> subprocess.CompletedProcess[str]:
    """Run the `dvctt` console command (``dvctt.manage:main``) as from the shell."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "dvctt.settings"}
    return subprocess.run(  # noqa: S603 - this interpreter, the project's own module
        [sys.executable, "-m", "dvctt.manage", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_command_on_an_empty_sqlite_database_says_to_migrate(tmp_path: Path):
    # given an empty SQLite file (never migrated)
    database = tmp_path / "empty.sqlite3"
    database.touch()
    # when `dvctt due` runs on it (a subprocess costs seconds: the other commands share main(), tested below)
    result = run_dvctt(DUE, f"sqlite:///{database}")
    # then one Vietnamese line on stderr, nothing on stdout, exit status 1, no traceback
    assert result.returncode == 1
    assert result.stderr.strip() == NOT_MIGRATED
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_command_on_an_empty_postgresql_database_says_to_migrate(db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (runs with DATABASE_URL=postgres://...)")
    import psycopg

    params = connection.settings_dict
    name = f"dvctt_empty_{uuid.uuid4().hex[:8]}"
    server = {
        "host": params["HOST"] or None,
        "port": params["PORT"] or None,
        "user": params["USER"] or None,
        "password": params["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
        url = f"postgres://{params['USER']}{password}@{params['HOST']}:{params['PORT'] or 5432}/{name}"
        result = run_dvctt(DUE, url)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    assert result.returncode == 1
    assert result.stderr.strip() == NOT_MIGRATED
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_the_missing_table_error_of_this_engine_is_recognised():
    # given the real errors of this database engine (SQLite or PostgreSQL)
    with pytest.raises(DatabaseError) as missing, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM dvctt_no_such_table")
    with pytest.raises(DatabaseError) as syntax, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELEC 1")
    # then only the missing table counts as "not migrated"
    assert manage.is_missing_table(missing.value)
    assert not manage.is_missing_table(syntax.value)


def _sqlite_missing_table() -> OperationalError:
    try:
        sqlite3.connect(":memory:").execute("SELECT 1 FROM dossier")
    except sqlite3.OperationalError as exc:
        try:
            raise OperationalError(*exc.args) from exc  # as Django wraps it
        except OperationalError as wrapped:
            return wrapped
    raise AssertionError("unreachable")


def test_main_prints_one_line_for_a_missing_table(capsys):
    with (
        mock.patch("sys.argv", ["dvctt", *DUE]),
        mock.patch("django.core.management.execute_from_command_line", side_effect=_sqlite_missing_table()),
        pytest.raises(SystemExit) as exited,
    ):
        manage.main()
    assert exited.value.code == 1
    assert capsys.readouterr().err == NOT_MIGRATED + "\n"


def test_main_does_not_swallow_other_database_errors():
    # a locked database is not a missing table: the error propagates as it is
    locked = OperationalError("database is locked")
    with (
        mock.patch("sys.argv", ["dvctt", *DUE]),
        mock.patch("django.core.management.execute_from_command_line", side_effect=locked),
        pytest.raises(OperationalError, match="locked"),
    ):
        manage.main()
    # and --traceback asks for the traceback even of a missing table
    with (
        mock.patch("sys.argv", ["dvctt", *DUE, "--traceback"]),
        mock.patch("django.core.management.execute_from_command_line", side_effect=_sqlite_missing_table()),
        pytest.raises(OperationalError, match="no such table"),
    ):
        manage.main()
