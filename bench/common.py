"""What the benchmarks share: their databases, a clinic of 20 experts, booking times a
cooperative would ask for, and the booking conversation as it types it."""

import os
import tempfile
from datetime import date, datetime, timedelta

from sqlalchemy import create_engine, text

from flows.calendar import ClinicCalendar
from flows.catalogue import names
from flows.choices import TOPICS
from flows.dates import WIB
from storage.db import make_engine, transaction
from storage.directory import add_admin, add_expert, ensure_topics
from storage.migrate import upgrade
from tests.helpers import empty

POSTGRES = os.environ.get("BENCH_DATABASE_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/eklinik_bench")  # fmt: skip
ADMIN = "+6281100000001"
EXPERTS = 20


def postgres_url(url: str = POSTGRES) -> str | None:
    """A benchmark's PostgreSQL database (created when missing), or None without a server."""
    try:
        admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        name = url.rsplit("/", 1)[1]
        with admin.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if not found.first():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception:  # noqa: BLE001 - no PostgreSQL: the benchmark says so and goes on
        return None
    return url


def sibling(url: str, suffix: str) -> str:
    """A second database beside `url` on the same server (SQLite: a file beside it), for a
    benchmark that measures two clinics side by side: rebuilt as `url` is."""
    if url.startswith("sqlite"):
        return f"{url}-{suffix}"
    other = f"{url}_{suffix}"
    if postgres_url(other) is None:
        raise SystemExit(f"cannot create the database {other.rsplit('/', 1)[1]}")
    return other


def databases(asked: list[str]) -> list[str]:
    """The URLs given, else a temporary SQLite file and PostgreSQL when it answers."""
    if asked:
        return asked
    urls = [f"sqlite:///{tempfile.mkdtemp()}/bench.db"]
    if (postgres := postgres_url()) is not None:
        urls.append(postgres)
    else:
        print("PostgreSQL not reachable: SQLite only")
    return urls


def fresh(url: str, experts: int = EXPERTS) -> None:
    """An emptied database: the topics, one administrator and `experts` experts, each for two
    of the four topics (so every topic has half of them)."""
    upgrade(url)
    engine = make_engine(url)
    empty(engine)
    keys = list(TOPICS.words)
    with transaction(engine) as session:
        ensure_topics(session)
        add_admin(session, ADMIN, "Admin")
        for n in range(experts):
            add_expert(session, f"Ahli {n + 1}", f"+62811{n + 10:07d}",
                       [keys[n % 4], keys[(n + 1) % 4]])  # fmt: skip
    # No ANALYZE: statistics of empty tables make PostgreSQL plan (and cache, per
    # connection) a scan of every table for each message until autovacuum analyzes them again,
    # which the benchmark's minute of growth outruns. A new deployment's tables have none.
    engine.dispose()


def as_typed(day: date, hour: int) -> str:
    """A time as a cooperative writes it: "14 desember jam 10"."""
    return f"{day.day} {names('calendar', 'id')['months'][day.month - 1].lower()} jam {hour}"


def asked_times(now: datetime, count: int) -> list[str]:
    """`count` times as a cooperative writes them (as_typed), spread over the working days of
    the booking horizon, every hour of the day, so no time fills up."""
    calendar = ClinicCalendar()
    day, texts = now.astimezone(WIB).date() + timedelta(days=2), []
    while len(texts) < count:
        if calendar.is_working_day(day):
            texts += [as_typed(day, hour) for hour in range(8, 16)]
        day += timedelta(days=1)
        if day > now.astimezone(WIB).date() + timedelta(days=55):
            day = now.astimezone(WIB).date() + timedelta(days=2)
    return texts[:count]


def conversation(number: int, asked: str) -> list[str]:
    """A new cooperative's whole booking, as it types it, ending with YA."""
    topic = str(number % 4 + 1)
    return ["halo", "1", f"Koperasi Sejahtera {number}", "belum ada", "simpan pinjam",
            "cikupa", "Siti Aminah", "bendahara", topic, "keuangan",
            "Banyak anggota menunggak pinjaman sejak Januari.", asked, "ya"]  # fmt: skip
