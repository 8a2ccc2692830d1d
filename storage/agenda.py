"""Sessions by day and by case: the experts' schedules, the digest, the console's calendar."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import func
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col, select

from flows.dates import WIB
from flows.lifecycle import SESSIONS, Status
from storage.models import Booking


def sessions_between(
    session: Session, start: datetime, end: datetime, expert_id: int | None = None
) -> list[Booking]:
    """Sessions (confirmed, or held) starting in [start, end), earliest first."""
    query = (
        select(Booking)
        .options(selectinload(Booking.cooperative), selectinload(Booking.expert))
        .where(
            col(Booking.status).in_(SESSIONS),
            col(Booking.requested_start) >= start,
            col(Booking.requested_start) < end,
        )
        .order_by(col(Booking.requested_start), col(Booking.id))
    )
    if expert_id is not None:
        query = query.where(Booking.expert_id == expert_id)
    return list(session.exec(query).all())


def sessions_on(session: Session, day: date, expert_id: int | None = None) -> list[Booking]:
    midnight = datetime.combine(day, time(0), WIB)
    return sessions_between(session, midnight, midnight + timedelta(days=1), expert_id)


def experts_on(session: Session, day: date) -> set[int]:
    """The experts with a session on `day`."""
    midnight = datetime.combine(day, time(0), WIB)
    query = select(Booking.expert_id).distinct().where(
        col(Booking.status).in_(SESSIONS),
        col(Booking.requested_start) >= midnight,
        col(Booking.requested_start) < midnight + timedelta(days=1),
        col(Booking.expert_id).is_not(None),
    )
    return set(session.exec(query).all())


def earlier_sessions(session: Session, booking: Booking) -> list[Booking]:
    """The sessions of the booking's case before it, earliest first (none without a case)."""
    if booking.case_id is None:
        return []
    query = (
        select(Booking)
        .where(
            Booking.case_id == booking.case_id,
            col(Booking.id) != booking.id,
            col(Booking.requested_start) < booking.requested_start,
            col(Booking.status).in_(SESSIONS),
        )
        .order_by(col(Booking.requested_start))
    )
    return list(session.exec(query).all())


def requests_between(session: Session, start: datetime, end: datetime) -> list[Booking]:
    """Requests still waiting for the administrators whose asked time is in [start, end)."""
    query = (
        select(Booking)
        .options(selectinload(Booking.cooperative))
        .where(Booking.status == Status.WAITING, col(Booking.requested_start) >= start,
               col(Booking.requested_start) < end)  # fmt: skip
        .order_by(col(Booking.requested_start), col(Booking.id))
    )
    return list(session.exec(query).all())


def waiting_requests(session: Session, limit: int, offset: int = 0) -> tuple[int, list[Booking]]:
    """How many requests wait for the administrators, and `limit` of them from `offset`,
    oldest first (an index on status and creation serves both)."""
    waiting = Booking.status == Status.WAITING
    count = session.exec(select(func.count()).select_from(Booking).where(waiting)).one()
    query = (
        select(Booking)
        .options(selectinload(Booking.cooperative))
        .where(waiting)
        .order_by(col(Booking.created_at), col(Booking.id))
        .offset(offset)
        .limit(limit)
    )
    return count, list(session.exec(query).all())
