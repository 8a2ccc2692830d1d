"""The yearly report at size: a year of 10,000 services (and no-shows, waiting requests,
confirmations, SKM answers) on PostgreSQL and SQLite, then the report and its files timed.

Run: .venv/bin/python -m bench.report [SERVICES]
PostgreSQL: the local server's `eklinik_bench` database (made when missing, emptied each run;
BENCH_DATABASE_URL for another); SQLite in a temporary folder. Prints the median of 5 runs.
"""

import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text

from bench.common import postgres_url
from bot.reports import as_csv, as_pdf, as_xlsx
from flows.choices import COOP_KINDS, PROBLEM_AREAS, TOPICS
from flows.dates import WIB
from flows.kecamatan import KECAMATAN
from flows.skm import ELEMENTS
from storage.db import make_engine, transaction
from storage.directory import add_expert, ensure_topics
from storage.migrate import upgrade
from storage.models import Booking, BookingEvent, Case, Cooperative, SkmAnswer
from storage.reports import year_report
from storage.services import set_target
from tests.helpers import empty

YEAR = 2026


def seed(url: str, services: int) -> None:
    upgrade(url)
    engine = make_engine(url)
    empty(engine)
    rng = random.Random(13)
    topics, areas, kinds = list(TOPICS.words), list(PROBLEM_AREAS.words), list(COOP_KINDS.words)
    with transaction(engine) as session:
        ensure_topics(session)
        experts = [add_expert(session, f"Ahli {n}", f"+62811000000{n:02d}", topics).id
                   for n in range(8)]  # fmt: skip
        set_target(session, YEAR, services, "bench", datetime.now(UTC))
    start = datetime(YEAR, 1, 1, 8, tzinfo=WIB)
    cooperatives = max(10, services // 5)
    total = services + services // 10 * 2  # and no-shows and waiting requests
    with engine.begin() as conn:
        conn.execute(insert(Cooperative), [
            {"id": n + 1, "name": f"Koperasi {n}", "nik": None, "kind": rng.choice(kinds),
             "kecamatan": rng.choice(KECAMATAN), "in_regency": True}
            for n in range(cooperatives)])  # fmt: skip
        rows, cases, events, answers = [], [], [], []
        for n in range(total):
            at = start + timedelta(minutes=rng.randrange(0, 360 * 24 * 60 // 3) * 3)
            status = "done" if n < services else ("no_show" if n % 2 else "waiting")
            coop = rng.randrange(cooperatives) + 1
            created = at - timedelta(days=rng.randrange(1, 14))
            cases.append({"id": n + 1, "cooperative_id": coop, "topic_key": rng.choice(topics),
                          "problem_area": rng.choice(areas), "problem_text": "Masalah.",
                          "status": "open", "opened_at": created})  # fmt: skip
            rows.append({
                "id": n + 1, "code": f"EK-{n + 1:05d}", "cooperative_id": coop,
                "phone": f"+62812{n:08d}", "contact_name": "Narahubung", "contact_role": "ketua",
                "topic_key": cases[-1]["topic_key"], "problem_area": cases[-1]["problem_area"],
                "problem_text": "Masalah.", "requested_start": at,
                "expert_id": rng.choice(experts) if status != "waiting" else None,
                "status": status, "channel": rng.choice(["online", "office"]),
                "origin": "chat", "case_id": n + 1, "created_at": created, "updated_at": at,
                "satisfaction": rng.randint(1, 5) if status == "done" and n % 3 else None,
                "solved": (n % 4 != 0) if status == "done" else None,
                "prescription": "Resep." if status == "done" else None,
                "prescription_pending": False,
            })  # fmt: skip
            if status != "waiting":
                events.append({"booking_id": n + 1, "at": created + timedelta(days=2),
                               "actor": "bench", "action": "confirmed", "detail": ""})
            if status == "done" and n % 3 == 0:
                answers.append({"booking_id": n + 1, "answered_at": at + timedelta(days=1),
                                **{e: rng.randint(2, 4) for e in ELEMENTS}})  # fmt: skip
        conn.execute(insert(Case), cases)
        conn.execute(insert(Booking), rows)
        conn.execute(insert(BookingEvent), events)
        conn.execute(insert(SkmAnswer), answers)
        if engine.dialect.name == "postgresql":
            for table in ("cooperative", "booking", "clinic_case"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))  # fmt: skip
            conn.execute(text("ANALYZE"))
    engine.dispose()


def timed(call, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        call()
        times.append(time.perf_counter() - begin)
    return statistics.median(times) * 1000


def measure(url: str, label: str, services: int) -> None:
    seed(url, services)
    engine = make_engine(url)
    with transaction(engine) as session:
        report = year_report(session, YEAR)
        assert report["services"] == services, report["services"]
        figures = {
            "report (every figure)": timed(lambda: year_report(session, YEAR)),
            "Excel": timed(lambda: as_xlsx(session, year_report(session, YEAR),
                                           datetime.now(UTC)), 3),  # fmt: skip
            "PDF": timed(lambda: as_pdf(year_report(session, YEAR), datetime.now(UTC)), 3),
            "CSV of every service": timed(lambda: as_csv(session, YEAR), 3),
        }
    engine.dispose()
    shown = ", ".join(f"{name} {ms:.0f} ms" for name, ms in figures.items())
    print(f"{label}, {services:,} services: {shown}")


def main() -> int:
    services = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    if (postgres := postgres_url()) is None:
        print("PostgreSQL not reachable: SQLite only")
    else:
        measure(postgres, "PostgreSQL", services)
    folder = tempfile.mkdtemp()
    measure(f"sqlite:///{folder}/report.db", "SQLite", services)
    return 0


if __name__ == "__main__":
    sys.exit(main())
