"""What the calendar needs from the database: closed days, experts, and who holds which time."""

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import bindparam, text, union_all
from sqlmodel import Session, col, select

from flows.availability import Hold, Pool
from flows.calendar import ClinicCalendar, ClinicHours, Lazily
from flows.dates import WIB
from flows.lifecycle import held_at
from storage.db import ReadOnce
from storage.models import HOLDING, Booking, ClosedDay, Expert, ExpertDayOff, ExpertTopic


def closed_days(session: Session, since: date) -> dict[date, str]:
    rows = session.exec(select(ClosedDay).where(col(ClosedDay.day) >= since))
    return {row.day: row.reason for row in rows}


def add_closed_day(session: Session, day: date, reason: str) -> ClosedDay:
    closed = session.get(ClosedDay, day) or ClosedDay(day=day, reason=reason)
    closed.reason = reason
    session.add(closed)
    session.flush()
    return closed


def remove_closed_day(session: Session, day: date) -> bool:
    closed = session.get(ClosedDay, day)
    if closed is None:
        return False
    session.delete(closed)
    session.flush()
    return True


def list_closed_days(session: Session, since: date) -> list[ClosedDay]:
    query = select(ClosedDay).where(col(ClosedDay.day) >= since).order_by(col(ClosedDay.day))
    return list(session.exec(query).all())


def set_day_off(session: Session, expert_id: int, day: date, reason: str, off: bool) -> None:
    current = session.get(ExpertDayOff, (expert_id, day))
    if off and current is None:
        session.add(ExpertDayOff(expert_id=expert_id, day=day, reason=reason))
    elif not off and current is not None:
        session.delete(current)
    session.flush()


# The experts, their topics and their days off are read once per transaction: a message
# that chooses a time reads them with the day's holds, then checks the time again under the
# schedule lock, where only the holds need reading again (the lock guards the holds; no one
# takes it to change an expert or a day off).
_experts = ReadOnce[dict[int, frozenset[str]]]("experts", Expert, ExpertTopic)
_days_off = ReadOnce[dict]("days_off", ExpertDayOff)  # {first: {day: who is off}}


def active_experts(session: Session) -> dict[int, frozenset[str]]:
    """The active experts and the topics each handles (read once per transaction)."""
    return _experts.get(session, lambda: _read_experts(session))


def _read_experts(session: Session) -> dict[int, frozenset[str]]:
    topics: dict[int, set[str]] = defaultdict(set)
    rows = session.exec(
        select(ExpertTopic.expert_id, ExpertTopic.topic_key)
        .join(Expert, col(Expert.id) == ExpertTopic.expert_id)
        .where(col(Expert.active).is_(True))
    )
    for expert_id, topic_key in rows:
        topics[expert_id].add(topic_key)
    return {expert: frozenset(keys) for expert, keys in topics.items()}


def days_off(session: Session, since: date) -> dict[date, frozenset[int]]:
    """Who is off on each day from `since` on (read once per transaction: every later range,
    such as the next ring of days around a wanted one, is answered from it; days off are a
    few rows an expert, entered for the weeks ahead)."""
    memo = _days_off.get(session, dict)
    for first, off in memo.items():
        if first <= since:
            return off
    found: dict[date, set[int]] = defaultdict(set)
    for day, expert_id in session.exec(
        select(ExpertDayOff.day, ExpertDayOff.expert_id).where(col(ExpertDayOff.day) >= since)
    ):
        found[day].add(expert_id)
    off = memo[since] = {day: frozenset(ids) for day, ids in found.items()}
    return off


# The holds of a range, built once: two ranges, each on its partial index (the index's own
# condition, written the same, is what lets SQLite use it): the requests and sessions starting
# then, and the proposals.
_ASKED = col(Booking.requested_start).between(bindparam("start"), bindparam("end"))
_HOLD_COLUMNS = (Booking.code, Booking.status, Booking.requested_start, Booking.proposed_start,
                 Booking.topic_key, Booking.expert_id)  # fmt: skip
_HOLDS = union_all(
    select(*_HOLD_COLUMNS).where(HOLDING, _ASKED),
    select(*_HOLD_COLUMNS).where(
        HOLDING, col(Booking.proposed_start).between(bindparam("start"), bindparam("end")), ~_ASKED
    ),
)


def expert_pool(session: Session, since: date, until: date, session_minutes: int,
                off_from: date | None = None) -> Pool:  # fmt: skip
    """Active experts, their days off, and every session or request holding time in the
    range: the holds read every time, the rest once per transaction (the days off from
    `off_from`, else `since`, on: a calendar reading rings of days reads them once)."""
    start = datetime.combine(since, time(0), WIB).astimezone(UTC)
    end = datetime.combine(until + timedelta(days=1), time(0), WIB).astimezone(UTC)
    rows = session.connection().execute(_HOLDS, {"start": start, "end": end}).all()
    holds = [Hold(code or "", held_at(status, requested, proposed), topic, expert)
             for code, status, requested, proposed, topic, expert in rows]  # fmt: skip
    return Pool(
        experts=active_experts(session),
        days_off=days_off(session, min(since, off_from or since)),
        holds=holds,
        session_minutes=session_minutes,
    )


def lock_schedule(session: Session) -> None:
    """Serialise whatever may take a time slot (PostgreSQL; SQLite is serial already).

    Checking that a slot is free and then inserting the request must not interleave with
    another request doing the same, or two cooperatives could hold the last free expert.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(text("SELECT pg_advisory_xact_lock(20261127)"))


def working_calendar(session: Session, now: datetime, hours: ClinicHours) -> ClinicCalendar:
    """Working days and hours as of `now` (closed days included), without the experts."""
    return ClinicCalendar(hours, closed_days(session, now.astimezone(WIB).date()))


def clinic_calendar(session: Session, now: datetime, hours: ClinicHours) -> ClinicCalendar:
    """The calendar as of `now`: hours, closed days, and who holds which time, each read only
    when a question needs it (the closed days, the experts and their days off once; the holds
    of the day asked about, or of rings of days around it for the nearest free times)."""
    today = now.astimezone(WIB).date()

    def read_pool(first: date, last: date) -> Pool:
        return expert_pool(session, first, last, hours.session_minutes, off_from=today)

    return ClinicCalendar(hours, Lazily(lambda: closed_days(session, today)), read_pool=read_pool)
