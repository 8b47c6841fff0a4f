"""`make bench`: the quick benchmarks, one after the other. Longer ones are run by hand (see docs/benchmarks.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUICK = [
    ["bench_due.py"],
    ["bench_submit.py", "-n", "300"],
    ["bench_submit.py", "--postgres", "-n", "300"],
    ["bench_register.py", "10000"],
    [
        "bench_public_stats.py",
        "--prepare",
        "--runs",
        "200",
    ],  # needs DATABASE_URL (PostgreSQL), docs/benchmarks.md
    ["bench_outbox.py", "overhead", "--postgres", "-n", "500"],
    ["bench_outbox.py", "throughput", "--postgres", "-n", "500"],
]

if __name__ == "__main__":
    failed = 0
    for script, *args in QUICK:
        print(f"=== {script} {' '.join(args)}", flush=True)
        failed |= subprocess.call([sys.executable, str(HERE / script), *args])
    sys.exit(failed)
