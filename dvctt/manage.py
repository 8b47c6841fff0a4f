"""The `dvctt` console command: Django's manage command for this project.

A command run on a database that has not been migrated fails on its first query of a missing table; the
entry point turns that one error into one Vietnamese line on stderr and exit status 1 (``--traceback`` still
shows the traceback). Every other error propagates unchanged.
"""

import os
import sqlite3
import sys

# SQLSTATE of PostgreSQL's undefined_table (psycopg 3 ``sqlstate``, psycopg2 ``pgcode``).
UNDEFINED_TABLE = "42P01"


def is_missing_table(exc: BaseException) -> bool:
    """True when ``exc`` (or an error it was raised from) is a query on a table that does not exist."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if UNDEFINED_TABLE in (getattr(current, "sqlstate", None), getattr(current, "pgcode", None)):
            return True
        if isinstance(current, sqlite3.OperationalError) and str(current).startswith("no such table"):
            return True
        current = current.__cause__ or current.__context__
    return False


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(sys.argv)
    except DatabaseError as exc:
        if "--traceback" in sys.argv or not is_missing_table(exc):
            raise
        from django.utils.translation import gettext as _

        sys.stderr.write(_("Cơ sở dữ liệu chưa được khởi tạo: hãy chạy `dvctt migrate` trước.") + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
