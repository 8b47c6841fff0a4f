"""``interchange_import``: a folder of the interchange format into the platform, all or nothing.

Order: units, procedure versions, officials, dossiers (each file names codes of the ones before it). The
whole import is ONE transaction: without ``skip_errors`` a problem on any line of any file (the reader's
checks, a code the file or the database does not know, a value a table cannot hold, a rule of a service)
means nothing is written, and every problem is reported; files depend on each other, so importing the good
files of a folder with a bad one would leave dossiers without their units or procedures. With
``skip_errors`` the bad lines are left out, reported, and so are lines that name them (a dossier of a unit
whose line was bad). A line is never half imported.

After commit the KPI rollups are rebuilt so the figures are right at once without a worker.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.interchange import FILE_NAMES, iter_file

from .dossiers import DossierImporter
from .reference import import_officials, import_procedures, import_units
from .report import ImportReport

logger = logging.getLogger(__name__)


class _Rollback(Exception):
    pass


def interchange_import(
    *, folder: str | Path, skip_errors: bool = False, dry_run: bool = False, batch_size: int | None = None
) -> ImportReport:
    """Import ``folder`` (up to four files; a missing file is an empty one). Returns the report; nothing is
    written when it has issues and ``skip_errors`` is false, nor when ``dry_run``."""
    folder = Path(folder)
    report = ImportReport(dry_run=dry_run)
    if not folder.is_dir():
        from dvctt.common.errors import DomainError

        raise DomainError(_("Không tìm thấy thư mục %(folder)s.") % {"folder": folder})
    paths = {kind: folder / name for kind, name in FILE_NAMES.items()}

    def read(kind: str) -> list:
        path = paths[kind]
        return list(iter_file(path, kind, report.issues)) if path.exists() else []

    try:
        with transaction.atomic():
            # The small files are read whole (and reported) before anything is written.
            agencies, procedures, officials = read("agencies"), read("procedures"), read("officials")
            add = report.issues.append
            unit_ids = import_units(agencies, report, add)
            import_procedures(procedures, unit_ids, report, add)
            import_officials(officials, unit_ids, report, add)
            if paths["dossiers"].exists():
                importer = DossierImporter(
                    unit_ids=unit_ids,
                    report=report,
                    skip_errors=skip_errors,
                    now=timezone.now(),
                    **({"batch_size": batch_size} if batch_size else {}),
                )
                importer.run(paths["dossiers"])
            if dry_run or (report.issues and not skip_errors):
                raise _Rollback
    except _Rollback:
        report.committed = False
    else:
        report.committed = True
    report.issues.sort(
        key=lambda i: (
            list(FILE_NAMES.values()).index(i.file) if i.file in FILE_NAMES.values() else 9,
            i.line,
        )
    )
    if report.committed:
        _rebuild_rollups(report)
    return report


def _rebuild_rollups(report: ImportReport) -> None:
    try:
        from dvctt.monitoring.rollups import rollups_rebuild  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        report.warnings.append(
            _("Chưa có dvctt.monitoring.rollups: bỏ qua việc tính lại số liệu tổng hợp (chạy lại sau).")
        )
        return
    rollups_rebuild()
