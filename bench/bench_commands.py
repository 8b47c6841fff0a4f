"""Wall time of the read-only `dvctt` commands, each started as a new process as an operator or a cron job would.

    .venv/bin/python bench/bench_commands.py [--runs 5]

A fresh SQLite database under a temporary folder (migrated once, which seeds the known years' calendar) so the
figures do not depend on what a developer's database holds. Prints the median and the slowest run of each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DVCTT = [sys.executable, "-m", "dvctt.manage"]
COMMANDS = {
    "due": ["due", "--received", "2025-12-31T08:00", "--limit", "2", "--unit", "ngay_lam_viec"],
    "kpi": ["kpi", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "json"],
    "scores": ["scores", "--year", "2025"],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3", "DVCTT_TESTING": "1"}
        # As on a server: byte-code cached (an installed package has it; this shell may forbid writing it, and
        # then every process compiles some 750 modules again, 1.3 s). The migration's run writes the caches.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([*DVCTT, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        print(f"{'command':<10} {'median s':>9} {'max s':>7}")
        for name, argv in COMMANDS.items():
            subprocess.run([*DVCTT, *argv], env=env, cwd=ROOT, capture_output=True)  # its own modules' caches
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                done = subprocess.run([*DVCTT, *argv], env=env, cwd=ROOT, capture_output=True, text=True)
                times.append(time.perf_counter() - started)
                if done.returncode != 0:
                    sys.exit(f"{name} failed: {done.stderr.strip()}")
            print(f"{name:<10} {statistics.median(times):>9.2f} {max(times):>7.2f}", flush=True)


if __name__ == "__main__":
    main()
