"""Speed of the reference engine: ~1 million synthetic dossiers (in memory, on the sample's agencies and
procedures), ``compute_kpis`` for one year in both unit modes.

    DVCTT_TESTING=1 .venv/bin/python bench/bench_reference_kpi.py [--dossiers 1000000] [--sample DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings")


def synthetic_dossiers(data, count: int, seed: int = 1):
    from dvctt.interchange import Dossier, Fee, ResultDocument, Supplement

    rng = random.Random(seed)
    units = [agency.code for agency in data.agencies]
    procedures = sorted({version.code for version in data.procedures})
    officials = [official.national_id for official in data.officials]
    origin = datetime(2024, 10, 1)
    span = int((datetime(2026, 1, 31) - origin).total_seconds())
    fees = (Fee(name="Lệ phí", amount=50000),)
    electronic = (ResultDocument(name="Kết quả", link="/kq.pdf"),)
    dossiers = []
    for index in range(count):
        received = origin + timedelta(seconds=rng.randrange(span))
        status = rng.choice((2, 4, 5, 9, 10, 10, 10, 9, 8, 3))
        ended = received + timedelta(hours=rng.randrange(1, 400)) if status in (3, 8, 9, 10) else None
        supplements = None
        if rng.random() < 0.2:
            asked = received + timedelta(hours=rng.randrange(1, 100))
            done = asked + timedelta(hours=rng.randrange(1, 100)) if rng.random() < 0.7 else None
            supplements = (Supplement(requested_at=asked, completed_at=done),) * rng.choice((1, 1, 1, 2))
        dossiers.append(
            Dossier(
                code=f"D{index}",
                procedure_code=rng.choice(procedures),
                unit_code=rng.choice(units),
                channel=rng.choice((1, 2, 2, 3)),
                status=status,
                applicant_id=rng.choice(officials)
                if rng.random() < 0.05
                else f"{rng.randrange(10**12):012d}",
                submitted_at=received - timedelta(hours=1),
                received_at=received,
                due_at=received + timedelta(days=rng.randrange(1, 20)),
                processing_ended_at=ended,
                returned_at=ended + timedelta(hours=2) if ended and status == 10 else None,
                paid_online=rng.choice((0, 1, 2)),
                fees=fees if rng.random() < 0.4 else None,
                digitised_components=rng.choice((0, 1, 1)),
                result_documents=electronic if rng.random() < 0.7 else None,
                supplements=supplements,
                synced_national=rng.choice((0, 1, 1)),
                complained=1 if rng.random() < 0.03 else 0,
                parent_code="X" if rng.random() < 0.02 else None,
                is_test=1 if rng.random() < 0.01 else None,
            )
        )
    return dossiers


def main() -> None:
    import django

    django.setup()
    from dvctt.interchange import Interchange, read_folder
    from dvctt.monitoring.reference import compute_kpis

    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--sample", default=str(ROOT / "tests" / "data" / "sample"))
    args = parser.parse_args()
    sample = read_folder(Path(args.sample) / "interchange").data

    started = time.perf_counter()
    data = Interchange(
        agencies=sample.agencies,
        procedures=sample.procedures,
        officials=sample.officials,
        dossiers=synthetic_dossiers(sample, args.dossiers),
    )
    print(f"generated {len(data.dossiers):,} dossiers in {time.perf_counter() - started:.1f} s")
    for mode in ("period", "current"):
        started = time.perf_counter()
        result = compute_kpis(data, date(2025, 1, 1), date(2025, 12, 31), mode)
        elapsed = time.perf_counter() - started
        received = result["province"]["online_dossier_rate"]["denominator"]
        print(
            f"compute_kpis 2025 --units {mode}: {elapsed:.2f} s "
            f"({len(data.dossiers) / elapsed:,.0f} dossiers/s; R = {received:,}, {len(result['units'])} units)"
        )


if __name__ == "__main__":
    main()
