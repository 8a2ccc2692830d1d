"""What one message costs the database, counted statement by statement through the webhook
(both backends): an ordinary message runs at most six, whatever the history; the calendar is
read only by a message that chooses a time, and the schedule lock is taken only around the
final check and insert of a request."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event
from sqlmodel import select

from storage.models import Expert
from tests.helpers import ADMIN, BOOKING, COOP_PHONE, NOW, SRI, WhatsApp, request, set_link

ORDINARY = 6  # the inbound row, the conversation, who wrote, the number's history, the
# conversation again, the replies
YA = 23  # the request: the above, the day's calendar (its holds read again under the
# lock), the lock, the cooperative, its number, the case, the booking and its event, the
# administrators' notice (to the administrators read with who wrote), one savepoint
CALENDAR = ("FROM closedday", "FROM experttopic", "FROM expertdayoff")
HOLDS = "SELECT booking.code, booking.status, booking.requested_start"
LOCK = "pg_advisory_xact_lock"


class Counted:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def reads_calendar(self) -> bool:
        return any(table in sql for sql in self.statements for table in CALENDAR)

    def index(self, part: str) -> int:
        return next(n for n, sql in enumerate(self.statements) if part in sql)


@pytest.fixture
def count(app):
    """count(): the statements the app's engine runs inside the block (SQLite's BEGIN
    IMMEDIATE left out: PostgreSQL's BEGIN is not a statement of its own either)."""
    app.extensions["clock"] = lambda: NOW
    engine = app.extensions["engine"]

    @contextmanager
    def counting() -> Iterator[Counted]:
        counted = Counted()

        def seen(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
            if not statement.startswith("BEGIN"):
                counted.statements.append(statement)

        event.listen(engine, "before_cursor_execute", seen)
        try:
            yield counted
        finally:
            event.remove(engine, "before_cursor_execute", seen)

    return counting


def _send(whatsapp: WhatsApp, count, text: str) -> Counted:
    with count() as counted:
        whatsapp.send(COOP_PHONE, text)
    return counted


def test_every_answer_of_a_booking_costs_at_most_six_statements(app, engine, count) -> None:
    whatsapp = WhatsApp(app.test_client())
    for text, _expected in BOOKING[:-1]:  # every question before the time
        counted = _send(whatsapp, count, text)
        assert len(counted) <= ORDINARY, (text, counted.statements)
        assert not counted.reads_calendar(), text
        assert not any(LOCK in sql for sql in counted.statements), text


def test_the_time_reads_the_calendar_of_that_day_and_ya_takes_the_lock_to_insert(
    app, engine, count
) -> None:
    whatsapp = WhatsApp(app.test_client())
    for text, _expected in BOOKING[:-1]:
        whatsapp.send(COOP_PHONE, text)
    chosen = _send(whatsapp, count, BOOKING[-1][0])
    assert chosen.reads_calendar()
    assert len(chosen) <= ORDINARY + 4  # the closed days, experts, days off and that day's holds
    ya = _send(whatsapp, count, "YA")
    assert len(ya) <= YA, ya.statements
    assert any("INSERT INTO booking " in sql for sql in ya.statements)
    if engine.dialect.name == "postgresql":  # SQLite is serial already: no lock to take
        locked = ya.index(LOCK)
        assert ya.index("INSERT INTO booking ") > locked
        under_lock = ya.statements[locked:]
        assert any(HOLDS in sql for sql in under_lock), "the time is checked again under the lock"
        # the experts and days off as read before in the same transaction (the lock guards
        # the holds only)
        assert not any(table in sql for sql in under_lock for table in CALENDAR)


def test_a_returning_number_costs_the_same_whatever_its_history(app, engine, count) -> None:
    whatsapp = WhatsApp(app.test_client())
    for text, _expected in BOOKING:
        whatsapp.send(COOP_PHONE, text)
    whatsapp.send(COOP_PHONE, "YA")
    for day in range(1, 6):  # more bookings of the same number, and holds on the calendar
        request(engine, COOP_PHONE, f"2026-12-0{day} 09:00")
        request(engine, f"+62812000001{day:02d}", f"2026-12-0{day} 13:00")
    for text in ("halo", "2", "menu", "makasih"):
        counted = _send(whatsapp, count, text)
        assert len(counted) <= ORDINARY, (text, counted.statements)
        assert not counted.reads_calendar(), text


def test_a_pass_after_the_days_messages_were_made_builds_nothing(app, engine, count) -> None:
    """From 07:00 every scheduler pass asks for the day's schedules and digest: once they
    are made, it looks at their keys and stops (three small queries, whatever the day holds)."""
    from bot.outbound.daily import make_daily
    from storage.db import transaction
    from tests.helpers import at

    whatsapp = WhatsApp(app.test_client())
    for text, _expected in BOOKING:
        whatsapp.send(COOP_PHONE, text)
    whatsapp.send(COOP_PHONE, "YA")
    set_link(engine, SRI, "https://zoom.us/j/555")
    confirmed = whatsapp.send(ADMIN, "KONFIRMASI EK-0001")  # Monday 10.00, with Ir. Sri
    assert "terkonfirmasi" in "\n".join(confirmed)
    for number in range(12):
        request(engine, f"+62812000003{number:02d}", "2026-12-01 10:00")
    monday = at("2026-11-30 07:05")
    settings = app.extensions["settings"]
    with transaction(app.extensions["engine"]) as session:
        assert make_daily(session, monday, settings) == 2  # Ir. Sri's day, the digest
    with count() as counted, transaction(app.extensions["engine"]) as session:
        assert make_daily(session, at("2026-11-30 07:06"), settings) == 0
    assert len(counted) <= 3, counted.statements


def test_the_experts_and_days_off_are_read_once_a_transaction_and_forgotten_when_written(
    app, count
) -> None:
    """The staffing a transaction read is what it checks a time against again (only the holds
    are read again under the lock), until the same session writes an expert, a topic or a day
    off; the next transaction reads them afresh."""
    from storage.db import transaction
    from storage.schedule import expert_pool, set_day_off

    tuesday = date(2026, 12, 1)
    engine = app.extensions["engine"]
    with transaction(engine) as session:
        ahmad = session.exec(select(Expert).where(Expert.name == "Dr. Ahmad")).one()
        assert ahmad.id not in expert_pool(session, tuesday, tuesday, 60).days_off.get(tuesday, ())
        with count() as counted:
            again = expert_pool(session, tuesday, tuesday, 60)
        assert len(counted) == 1 and "FROM booking" in counted.statements[0], counted.statements
        assert ahmad.id in again.experts
        set_day_off(session, ahmad.id, tuesday, "Pelatihan", off=True)
        assert ahmad.id in expert_pool(session, tuesday, tuesday, 60).days_off[tuesday]
        ahmad.active = False  # pending, not flushed: the next reading flushes it first
        session.add(ahmad)
        assert ahmad.id not in expert_pool(session, tuesday, tuesday, 60).experts
    with transaction(engine) as session:  # what another transaction committed is seen
        pool = expert_pool(session, tuesday, tuesday, 60)
        assert ahmad.id not in pool.experts and ahmad.id in pool.days_off[tuesday]


def test_the_administrators_read_with_who_wrote_are_those_a_notice_goes_to(app, count) -> None:
    """Who wrote and every administrator's number come from one query; a notice in the same
    transaction goes to them without reading again, and to one added meanwhile as well."""
    from storage.db import transaction
    from storage.directory import add_admin, admin_phones, remove_admin, sender

    with transaction(app.extensions["engine"]) as session:
        assert sender(session, ADMIN).admin and not sender(session, COOP_PHONE).admin
        with count() as counted:
            assert admin_phones(session, ["+6281100000009"]) == ["+6281100000009", ADMIN]
        assert len(counted) == 0, counted.statements
        add_admin(session, "+6281100000002", "Budi")
        assert set(admin_phones(session)) == {ADMIN, "+6281100000002"}
        remove_admin(session, "+6281100000002")  # not flushed yet: the next reading flushes it
        assert admin_phones(session) == [ADMIN]


def test_the_nearest_free_times_read_holds_ring_by_ring_and_the_days_off_once(
    app, engine, count
) -> None:
    """A Sunday asked for, beside a closed Monday: the nearest free times are looked for a
    ring of days at a time, each ring's holds read on their own; the days off once, and an
    expert off on a day of the second ring is still not offered."""
    from storage.db import transaction
    from storage.schedule import add_closed_day, set_day_off

    with transaction(engine) as session:
        add_closed_day(session, date(2026, 12, 7), "Rapat dinas")
        for expert in session.exec(select(Expert)):  # nobody on Friday 4 December
            set_day_off(session, expert.id, date(2026, 12, 4), "Pelatihan", off=True)
    whatsapp = WhatsApp(app.test_client())
    for text, _expected in BOOKING[:-1]:
        whatsapp.send(COOP_PHONE, text)
    with count() as counted:
        replies = "\n".join(whatsapp.send(COOP_PHONE, "minggu 6 desember jam 10"))
    assert "akhir pekan" in replies, replies
    assert "Selasa, 8 Desember 2026" in replies and "4 Desember" not in replies, replies
    assert sum(HOLDS in sql for sql in counted.statements) >= 2, counted.statements
    assert sum("FROM expertdayoff" in sql for sql in counted.statements) == 1, counted.statements
