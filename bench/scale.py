"""What one message costs as the history grows: an empty clinic against one with N past
bookings (each with its messages, its number linked to its cooperative) and H bookings
holding a time in the horizon.

Run: .venv/bin/python -m bench.scale [N H] [DATABASE_URL ...]
Default: N = 100,000 and H = 6,000, on a temporary SQLite file and on PostgreSQL at
BENCH_DATABASE_URL (default `eklinik_bench`, rebuilt: never point it at data you keep).
In process, through the Flask test client: the app's own time, the database included.
Median of each, in milliseconds, and the ratio of the full database to the empty one:
- a new number's message (every answer of a whole booking but the times and YA), a refused
  time (a Saturday: refused with the nearest free times), the time answer, and YA;
- a returning number's "halo" (five past bookings of its own cooperative, in the empty
  clinic too);
- the administrator's DAFTAR (the waiting requests, a page);
- the console's inbox (the first page: in the empty clinic it holds the 16 bookings of the
  run, in the full one 50 rows, so its ratio includes drawing a full page).
The two clinics are measured side by side, in two databases (the second beside the first:
`…_full` on PostgreSQL, a file beside SQLite's), each message sent to both, in turn first.
"""

import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from functools import partial

from flask.testing import FlaskClient
from sqlalchemy import insert, text
from sqlmodel import select

from bench.common import ADMIN, as_typed, asked_times, conversation, databases, fresh, sibling
from bot.app import create_app
from bot.console.auth import hash_password
from flows.choices import TOPICS
from flows.dates import WIB
from storage.db import make_engine, transaction
from storage.models import (
    Booking,
    Case,
    Cooperative,
    CooperativeNumber,
    Expert,
    ExpertTopic,
    OutboundMessage,
)
from storage.users import save_user
from tests.helpers import WhatsApp, log_in

RETURNING = "+6281299999999"
PASSWORD = "rahasia-bench-sekali"


def preload(url: str, past: int, held: int, now: datetime) -> None:
    """`past` bookings done in the past (each expert one an hour), each with its confirmation
    and follow-up in the outbox; `held` waiting or confirmed in the next 60 days; five past
    ones of the returning number."""
    engine = make_engine(url)
    rng = random.Random(7)
    topics = list(TOPICS.words)
    with transaction(engine) as session:
        experts = {expert: set() for expert in session.exec(select(Expert.id))}
        for expert, topic in session.exec(select(ExpertTopic.expert_id, ExpertTopic.topic_key)):
            experts[expert].add(topic)
    cooperatives = max(10, (past + held) // 5)
    slots = [(expert, day, hour) for expert in experts for day in range(2, 62)
             for hour in range(8, 16)]  # fmt: skip
    rng.shuffle(slots)
    rows, cases, messages, links = [], [], [], {}
    total = past + held + 5
    for n in range(total):
        returning = n >= past + held  # its own cooperative: the same five in either clinic
        coop = cooperatives + 1 if returning else rng.randrange(cooperatives) + 1
        phone = RETURNING if returning else f"+62812{n:08d}"
        if n < past or returning:  # each expert an hour each, going back in time
            hour = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
            at = hour - timedelta(hours=n // len(experts))
            status, expert = "done", list(experts)[n % len(experts)]
        else:
            expert, day, hour = slots[n - past]
            at = datetime.combine((now + timedelta(days=day)).astimezone(WIB).date(),
                                  datetime.min.time(), WIB) + timedelta(hours=hour)  # fmt: skip
            status = "confirmed" if n % 2 else "waiting"
            expert = expert if status == "confirmed" else None
        topic = rng.choice(sorted(experts[expert])) if expert else rng.choice(topics)
        links[coop, phone] = {"cooperative_id": coop, "phone": phone, "status": "linked",
                              "created_at": at}  # as a booking links its number
        created = at - timedelta(days=rng.randrange(1, 14))
        cases.append({"id": n + 1, "cooperative_id": coop, "topic_key": topic,
                      "problem_area": "keuangan", "problem_text": "Masalah.",
                      "status": "open", "opened_at": created})  # fmt: skip
        rows.append({"id": n + 1, "code": f"EK-{n + 1:06d}", "cooperative_id": coop,
                     "phone": phone, "contact_name": "Narahubung", "contact_role": "ketua",
                     "topic_key": topic, "problem_area": "keuangan", "problem_text": "Masalah.",
                     "requested_start": at, "ends_at": at + timedelta(hours=1),
                     "expert_id": expert, "status": status,
                     "channel": "online", "origin": "chat", "case_id": n + 1,
                     "created_at": created, "updated_at": created,
                     "prescription": "Resep." if status == "done" else None,
                     "prescription_pending": False})  # fmt: skip
        if status == "done":
            for kind in ("confirmation", "follow_up"):
                messages.append({"to_phone": phone, "body": "Pesan.", "kind": kind,
                                 "channel": "rest", "status": "delivered", "booking_id": n + 1,
                                 "due_at": at, "created_at": at, "sent_at": at,
                                 "attempts": 1})  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(Cooperative), [
            {"id": n + 1, "name": f"Koperasi {n}", "nik": None, "kind": "ksp",
             "kecamatan": "Cikupa", "in_regency": True}
            for n in range(cooperatives + 1)])  # fmt: skip
        for chunk in range(0, total, 20_000):
            conn.execute(insert(Case), cases[chunk : chunk + 20_000])
            conn.execute(insert(Booking), rows[chunk : chunk + 20_000])
        for chunk in range(0, len(messages), 20_000):
            conn.execute(insert(OutboundMessage), messages[chunk : chunk + 20_000])
        numbers = list(links.values())
        for chunk in range(0, len(numbers), 20_000):
            conn.execute(insert(CooperativeNumber), numbers[chunk : chunk + 20_000])
        if engine.dialect.name == "postgresql":
            for table in ("cooperative", "booking", "clinic_case", "outboundmessage"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))  # fmt: skip
        else:
            conn.execute(text("ANALYZE"))
    if engine.dialect.name == "postgresql":
        # As a clinic with that history stands: vacuumed and analyzed long since. Otherwise
        # autovacuum's first pass over the rows just written runs during the measurements.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


STEPS = ("new number, an answer", "new number, a refused time", "new number, its time",
         "new number, YA", "returning number, halo", "DAFTAR", "console inbox")


def clinic(url: str, past: int, held: int, now: datetime) -> tuple[WhatsApp, FlaskClient]:
    """A clinic with that history, its app, and its console logged in."""
    fresh(url)
    preload(url, past, held, now)  # the empty clinic too holds the returning number's five
    with transaction(make_engine(url)) as session:
        save_user(session, "admin@dinas.go.id", hash_password(PASSWORD), "admin", "Rina")
    app = create_app({"DATABASE_URL": url, "DEMO": True, "TESTING": True,
                      "SPOOL_DIR": tempfile.mkdtemp(), "ADMIN_NUMBERS": []})  # fmt: skip
    console = app.test_client()
    log_in(console, "admin@dinas.go.id", PASSWORD)
    return WhatsApp(app.test_client()), console


def costs(urls: tuple[str, str], past: int, held: int) -> list[dict[str, float]]:
    """The median of each step in the empty clinic (urls[0]) and the full one (urls[1]),
    measured side by side: every message goes to both, which goes first in turn, so a machine
    that slows down or speeds up during the run changes both alike."""
    now = datetime.now(UTC)
    clinics = [clinic(urls[0], 0, 0, now), clinic(urls[1], past, held, now)]
    samples: list[dict[str, list[float]]] = [{key: [] for key in STEPS} for _ in clinics]
    times = asked_times(now, 400)
    saturday = now.astimezone(WIB).date() + timedelta(days=2)
    saturday += timedelta(days=(5 - saturday.weekday()) % 7)
    last = {3: STEPS[1], 2: STEPS[2], 1: STEPS[3]}  # the steps by their distance from the end
    turn = 0

    def both(key: str, send, kept: bool) -> None:  # send(whatsapp, console)
        nonlocal turn
        turn += 1
        for which in (0, 1) if turn % 2 else (1, 0):
            took = timed(partial(send, *clinics[which]))
            if kept:
                samples[which][key].append(took)

    for n in range(12):
        phone, script = f"+62813{n:08d}", conversation(n, times[n * 7])
        weekend = saturday + timedelta(days=7 * (n % 7))  # refused, and the nearest offered
        script.insert(-2, as_typed(weekend, 10))
        kept = n > 0  # the first number is the warm-up
        for step, text_sent in enumerate(script):
            both(last.get(len(script) - step, STEPS[0]),
                 lambda whatsapp, _console, p=phone, t=text_sent: whatsapp.send(p, t), kept)
        both(STEPS[4], lambda whatsapp, _console: whatsapp.send(RETURNING, "halo"), kept)
        both(STEPS[5], lambda whatsapp, _console: whatsapp.send(ADMIN, "DAFTAR"), kept)
        both(STEPS[6], lambda _whatsapp, console: console.get("/admin/"), kept)
    return [{key: statistics.median(values) for key, values in one.items()} for one in samples]


def main() -> int:
    args = sys.argv[1:]
    past, held = (int(args[0]), int(args[1])) if len(args) >= 2 and args[0].isdigit() \
        else (100_000, 6_000)  # fmt: skip
    urls = databases([arg for arg in args if "://" in arg])
    for url in urls:
        name = make_engine(url).dialect.name
        empty, full = costs((url, sibling(url, "full")), past, held)
        print(f"{name}: median ms per message, empty vs {past:,} past and {held:,} held bookings")
        for key in empty:
            print(f"  {key:24s} {empty[key]:7.1f} {full[key]:7.1f}  ×{full[key] / empty[key]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
