"""Parse speed of the interchange reader: the sample's dossiers multiplied to ~1 million lines.

DVCTT_TESTING=1 .venv/bin/python bench/bench_interchange.py [--lines 1000000] [--sample DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings")


def main() -> None:
    import django

    django.setup()
    from dvctt.interchange import iter_file

    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--sample", default=str(ROOT / "tests" / "data" / "sample"))
    args = parser.parse_args()
    source = Path(args.sample) / "interchange" / "dossiers.jsonl"
    objects = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dossiers.jsonl"
        with path.open("w", encoding="utf-8") as stream:
            written = 0
            copy = 0
            while written < args.lines:
                for obj in objects:
                    if written >= args.lines:
                        break
                    stream.write(json.dumps({**obj, "MaHoSo": f"{obj['MaHoSo']}-{copy}"}, ensure_ascii=False))
                    stream.write("\n")
                    written += 1
                copy += 1
        size = path.stat().st_size
        issues: list = []
        started = time.perf_counter()
        count = sum(1 for _ in iter_file(path, "dossiers", issues))
        elapsed = time.perf_counter() - started
    print(
        f"parsed {count:,} dossier lines ({size / 1e6:.0f} MB) in {elapsed:.1f} s: "
        f"{count / elapsed:,.0f} lines/s, {len(issues)} issues"
    )


if __name__ == "__main__":
    main()
