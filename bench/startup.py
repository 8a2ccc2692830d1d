"""Start-up: `eklinik --help` against importing Flask and SQLAlchemy alone, in the same run.

Run: .venv/bin/python -m bench.startup [RUNS]
Median wall time of fresh processes (each its own interpreter), no settings in the
environment: --help needs none.
"""

import statistics
import subprocess
import sys
import time

from tests.helpers import EKLINIK, process_environment


def median_seconds(command: list[str], runs: int) -> float:
    env, times = process_environment(), []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    base = median_seconds([sys.executable, "-c", "import flask, sqlalchemy"], runs)
    help_ = median_seconds([EKLINIK, "--help"], runs)
    print(f"eklinik --help {help_ * 1000:.0f} ms; importing Flask and SQLAlchemy alone "
          f"{base * 1000:.0f} ms: ×{help_ / base:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
