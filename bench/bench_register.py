"""Time the tracking register (Sổ theo dõi hồ sơ) for 10,000 dossiers: landscape PDF and XLSX.

Builds a throw-away SQLite database (or uses DATABASE_URL if set to an empty PostgreSQL database), loads ROWS
dossiers of one unit with a forward event each, then times the PDF as the background task writes it
(``register_pdf_write`` into a temporary file, ReportLab, a page at a time) and ``register_xlsx``, and reports the
process's peak resident memory after each (the PDF runs first, so its figure is its own; the loading before it
is included).

Run: .venv/bin/python bench/bench_register.py [ROWS]
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings")
_TMP = tempfile.mkdtemp(prefix="bench_register_")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_TMP}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def load(rows: int):
    from dvctt.agencies.models import Unit, UnitLevel
    from dvctt.catalog.models import Procedure
    from dvctt.dossiers.models import Dossier, DossierEvent

    unit, _ = Unit.objects.get_or_create(
        code="000.00.12.H38",
        defaults={"name": "Sở Tư pháp", "level": UnitLevel.DEPARTMENT, "valid_from": date(2015, 1, 1)},
    )
    procedure, _ = Procedure.objects.get_or_create(code="1.001193")
    Dossier.objects.filter(unit=unit).exists() and sys.exit("database not empty")
    start = datetime(2025, 1, 2, 8, 0, tzinfo=VN)
    batch = []
    for i in range(rows):
        received = start + timedelta(minutes=50 * i)
        due = received + timedelta(days=3)
        ended = received + timedelta(days=2 if i % 5 else 4)
        batch.append(
            Dossier(
                code=f"{unit.code}-{received:%y%m%d}-{i:05d}",
                procedure=procedure,
                unit=unit,
                receiving_unit=unit,
                channel=2,
                status=10 if i % 3 else 4,
                outcome="approved" if i % 3 else "",
                applicant_name=f"Nguyễn Văn Người Nộp {i}",
                applicant_address="Phường Đông Kinh, tỉnh Lạng Sơn",
                applicant_phone="0912345678",
                submitted_at=received,
                received_at=received,
                due_at=due,
                first_due_at=due,
                ended_at=ended if i % 3 else None,
                returned_at=ended + timedelta(hours=1) if i % 3 else None,
            )
        )
    Dossier.objects.bulk_create(batch, batch_size=1000)
    events = [
        DossierEvent(dossier=d, seq=1, action="forward", to_status=4, at=d.received_at + timedelta(hours=1))
        for d in Dossier.objects.filter(unit=unit).only("id", "received_at")
    ]
    DossierEvent.objects.bulk_create(events, batch_size=1000)
    return unit, start.date(), (start + timedelta(minutes=50 * rows)).date()


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(label: str, fn):
    t0, c0 = time.perf_counter(), _cpu()
    result = fn()
    elapsed, cpu = time.perf_counter() - t0, _cpu() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    load = os.getloadavg()[0]
    print(
        f"{label:<30} {elapsed:8.2f} s (CPU {cpu:.2f} s, load {load:.1f})   process peak RSS so far {peak:7.0f} MB"
    )
    return result


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    unit, first, last = load(rows)
    print(f"loaded {rows} dossiers in {time.perf_counter() - t0:.1f} s")
    from dvctt.dossiers.slips.register import register_open, register_xlsx
    from dvctt.dossiers.slips.register_pdf import register_pdf_write

    told: list[int] = []
    with tempfile.TemporaryFile() as out:
        register = register_open(unit=unit, start=first, end=last)
        timed(
            f"register_pdf ({rows} rows)",
            lambda: register_pdf_write(register=register, out=out, progress=told.append),
        )
        print(f"  {out.tell() / 1e6:.1f} MB PDF, progress told {len(told)} times")
    with tempfile.TemporaryFile() as out:
        register = register_open(unit=unit, start=first, end=last)
        totals = timed(f"register_xlsx ({rows} rows)", lambda: register_xlsx(register=register, out=out))
        print(f"  {totals.rows} rows, {out.tell() / 1e6:.1f} MB XLSX")


if __name__ == "__main__":
    main()
