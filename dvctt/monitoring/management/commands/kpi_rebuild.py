"""dvctt kpi_rebuild: recompute every indicator fact and rollup from the dossiers (idempotent, any time)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from dvctt.monitoring.rollups import rollups_rebuild


class Command(BaseCommand):
    help = _("Tính lại toàn bộ số liệu tổng hợp chỉ số từ hồ sơ.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        written = rollups_rebuild(progress=lambda n: self.stdout.write(_("  %(n)d hồ sơ") % {"n": n}))
        self.stdout.write(
            _("Đã tính lại số liệu tổng hợp của %(n)d hồ sơ trong %(s).1f s.")
            % {"n": written, "s": time.perf_counter() - started}
        )
