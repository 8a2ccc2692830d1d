"""Webhook latency: whole bookings through POST /whatsapp/inbound, per message.

Run: .venv/bin/python -m bench.webhook [DATABASE_URL ...]
Default: a temporary SQLite file, and PostgreSQL at BENCH_DATABASE_URL (default: a database
`eklinik_bench` on the local server, created when missing) when it answers. The database's
schema is rebuilt: never point it at data you keep. The Flask test client is used, so the
figures are the app's own time (database included), without an HTTP server in front.
"""

import os
import statistics
import sys
import tempfile
import time
import uuid

from sqlalchemy import text

from bot.app import create_app
from flows.dates import WIB
from storage.db import make_engine, transaction
from storage.directory import add_admin, ensure_topics
from storage.migrate import upgrade

SCRIPT = ["halo", "1", "Koperasi Maju Bersama", "belum ada", "1", "Cikupa", "Siti, bendahara", "3",
          "3", "Banyak anggota menunggak pinjaman.", "senin jam 10", "ya"]  # fmt: skip
BOOKINGS = 40
LOCAL_BENCH_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/eklinik_bench"


def create_bench_database() -> None:
    engine = make_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = 'eklinik_bench'"))
        if exists.first() is None:
            conn.execute(text("CREATE DATABASE eklinik_bench"))
    engine.dispose()


def prepare(url: str) -> None:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"))
    upgrade(url)
    with transaction(engine) as session:
        ensure_topics(session)
        add_admin(session, "+6281100000001")
    engine.dispose()


def measure(url: str) -> list[float]:
    from datetime import datetime

    app = create_app({"DATABASE_URL": url, "DEMO": True})
    app.extensions["clock"] = lambda: datetime(2026, 11, 27, 10, tzinfo=WIB)
    client = app.test_client()
    samples = []
    for number in range(BOOKINGS):
        phone = f"whatsapp:+62812{number:08d}"
        for body in SCRIPT:
            form = {"From": phone, "Body": body, "MessageSid": f"SM{uuid.uuid4().hex}"}
            start = time.perf_counter()
            response = client.post("/whatsapp/inbound", data=form)
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200
    app.extensions["engine"].dispose()
    return samples


def report(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95)]
    print(
        f"{name:10s} {len(samples)} messages: median {statistics.median(ordered) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms"
    )


def main() -> int:
    urls = sys.argv[1:]
    if not urls:
        folder = tempfile.mkdtemp()
        urls = [f"sqlite:///{folder}/bench.db"]
        postgres = os.environ.get("BENCH_DATABASE_URL", LOCAL_BENCH_DB)
        try:
            if postgres == LOCAL_BENCH_DB:
                create_bench_database()
            make_engine(postgres).connect().close()
            urls.append(postgres)
        except Exception:  # noqa: BLE001 - no PostgreSQL: SQLite only
            print("PostgreSQL not reachable: SQLite only")
    for url in urls:
        prepare(url)
        report(make_engine(url).dialect.name, measure(url))
    return 0


if __name__ == "__main__":
    sys.exit(main())
