"""Dispatch: real `eklinik scheduler run` processes against a local fake of Twilio's API.

Run: .venv/bin/python -m bench.dispatch [COUNT]
PostgreSQL at BENCH_DATABASE_URL (default: `eklinik_bench` on the local server), else a
temporary SQLite file. The fake API (tests/fakes.py) records when each request arrived.
- uncapped (TWILIO_MPS=0), one process, against a bare loop of the same `twilio` client calls
  (no database) in the same run: the ratio is our own overhead per message;
- capped (TWILIO_MPS=80), one process, then two: the rate from the first arrival to the last,
  and the busiest one-second window (sliding) as Twilio would count it.
"""

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from bench.common import databases, fresh
from bot.outbound.messenger import Template, TwilioMessenger
from storage.db import make_engine, transaction
from tests.fakes import ACCOUNT, SENDER, FakeTwilio, busiest_second
from tests.helpers import EKLINIK, queue_message, scheduler_environment, serving

CAP = 80
TEMPLATE = "HX" + "d" * 32  # scheduler_environment's TWILIO_CONTENT_SID_REPLY


def queue(url: str, count: int) -> None:
    fresh(url)
    engine = make_engine(url)
    due = datetime.now(UTC) - timedelta(minutes=1)
    with transaction(engine) as session:
        for number in range(count):
            queue_message(session, f"+62812{number:08d}", "reply", due, text=f"pesan {number}")
    engine.dispose()


def bare_loop(fake: FakeTwilio, count: int) -> float:
    """The same client calls as the sender's (a template, its variables), nothing else."""
    messenger = TwilioMessenger(ACCOUNT, "token", SENDER, fake.url)
    start = time.perf_counter()
    for number in range(count):
        messenger.send(f"+62812{number:08d}", "", Template(TEMPLATE, {"1": f"pesan {number}"}))
    return count / (time.perf_counter() - start)


def schedulers(url: str, fake: FakeTwilio, count: int, processes: int, cap: int) -> list[float]:
    """`processes` scheduler processes until `count` messages arrived: their arrival times."""
    queue(url, count)
    fake.received.clear()
    fake.arrived.clear()
    env = {**scheduler_environment(url, fake.url), "TWILIO_MPS": str(cap)}
    runs = [subprocess.Popen([EKLINIK, "scheduler", "run", "--interval", "0.2"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(processes)]  # fmt: skip
    deadline = time.monotonic() + 600
    while len(fake.arrived) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    for run in runs:
        run.terminate()
    for run in runs:
        run.wait(timeout=60)
    if len(fake.received) != count:
        raise RuntimeError(f"{len(fake.received)} requests for {count} messages")
    return sorted(fake.arrived)


def rate(arrivals: list[float]) -> float:
    return (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])  # n arrivals, n - 1 gaps


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    urls = databases([])
    url = urls[-1]  # PostgreSQL when it answers
    name = make_engine(url).dialect.name
    with serving(FakeTwilio()) as fake:
        bare_loop(fake, 50)  # warm up
        bare = bare_loop(fake, count)
        fake.received.clear()
        uncapped = rate(schedulers(url, fake, count, 1, 0))
        print(f"{name}: {count} messages uncapped, one `scheduler run`: {uncapped:.0f}/s; "
              f"a bare loop of the same twilio calls {bare:.0f}/s: {uncapped / bare:.0%}")
        capped = max(count // 2, CAP * 10)
        for processes in (1, 2):
            arrivals = schedulers(url, fake, capped, processes, CAP)
            print(f"{name}: TWILIO_MPS={CAP}, {processes} process{'es' if processes > 1 else ''}"
                  f", {capped} messages: {rate(arrivals):.1f}/s, busiest second "
                  f"{busiest_second(arrivals)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
