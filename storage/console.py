"""What the web console reads: the inbox, a booking's file, the experts page."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col, select

from flows.lifecycle import Status
from storage.models import (
    Booking,
    BookingEvent,
    Cooperative,
    Expert,
    ExpertDayOff,
    ExpertTopic,
    OutboundMessage,
)


@dataclass(frozen=True)
class Filters:
    status: str = ""
    topic: str = ""
    kecamatan: str = ""
    between: tuple[datetime, datetime] | None = None  # requested start in this range


@dataclass(frozen=True)
class Inbox:
    waiting: int  # requests waiting for an administrator among those that match
    rows: list[Booking]  # this page
    more: bool  # there is a next page


def read_inbox(session: Session, filters: Filters, expert_id: int | None = None,
               limit: int = 50, offset: int = 0) -> Inbox:  # fmt: skip
    """`limit` matching bookings from `offset`: requests waiting for an administrator first
    (oldest first: who has waited longest), then the rest, newest activity first; an
    expert's own sessions only when `expert_id`.

    Each part is read in its own index order (status and creation; last change), a page at a
    time and one row more (is there a next page?), never the whole table sorted or counted:
    only the waiting requests are counted, on their index."""
    where = []
    if filters.status:
        where.append(Booking.status == filters.status)
    if filters.topic:
        where.append(Booking.topic_key == filters.topic)
    if filters.kecamatan:
        where.append(Cooperative.kecamatan == filters.kecamatan)
    if filters.between:
        where.append(col(Booking.requested_start).between(*filters.between))
    if expert_id is not None:
        where.append(Booking.expert_id == expert_id)
    waiting = Booking.status == Status.WAITING

    def joined(query):  # the cooperative only when its kecamatan is asked for
        if not filters.kecamatan:
            return query
        return query.join(Cooperative, col(Booking.cooperative_id) == Cooperative.id)

    counted = joined(select(func.count()).select_from(Booking)).where(*where, waiting)
    waiting_count, wanted = session.exec(counted).one(), limit + 1
    matching = joined(select(Booking))
    rows: list[Booking] = []
    if offset < waiting_count:
        rows += session.exec(
            matching.options(selectinload(Booking.cooperative)).where(*where, waiting)
            .order_by(col(Booking.created_at), col(Booking.id)).offset(offset).limit(wanted)
        ).all()  # fmt: skip
    if len(rows) < wanted:
        rows += session.exec(
            matching.options(selectinload(Booking.cooperative)).where(*where, ~waiting)
            .order_by(col(Booking.updated_at).desc(), col(Booking.id).desc())
            .offset(max(offset - waiting_count, 0)).limit(wanted - len(rows))
        ).all()  # fmt: skip
    return Inbox(waiting_count, rows[:limit], len(rows) > limit)


@dataclass(frozen=True)
class BookingFile:
    """Everything the booking page shows."""

    booking: Booking
    events: list[BookingEvent]
    messages: list[OutboundMessage]
    case_sessions: list[Booking]


def booking_file(session: Session, booking: Booking) -> BookingFile:
    _ = booking.cooperative, booking.expert, booking.case  # loaded while the session is open
    events = session.exec(
        select(BookingEvent)
        .where(BookingEvent.booking_id == booking.id)
        .order_by(col(BookingEvent.at), col(BookingEvent.id))
    ).all()
    messages = session.exec(
        select(OutboundMessage)
        .where(OutboundMessage.booking_id == booking.id)
        .order_by(col(OutboundMessage.id))
    ).all()
    sessions = []
    if booking.case_id is not None:
        sessions = session.exec(
            select(Booking)
            .where(Booking.case_id == booking.case_id)
            .order_by(col(Booking.requested_start))
        ).all()
    return BookingFile(booking, list(events), list(messages), list(sessions))


@dataclass(frozen=True)
class ExpertsPage:
    experts: list[Expert]
    topics: dict[int, list[str]]
    days_off: list[ExpertDayOff]


def experts_page(session: Session, today: date) -> ExpertsPage:
    everyone = list(session.exec(select(Expert).order_by(col(Expert.name))).all())
    topics: dict[int, list[str]] = {expert.id: [] for expert in everyone}
    for link in session.exec(select(ExpertTopic)):
        topics.setdefault(link.expert_id, []).append(link.topic_key)
    days_off = session.exec(
        select(ExpertDayOff).where(col(ExpertDayOff.day) >= today).order_by(col(ExpertDayOff.day))
    ).all()
    return ExpertsPage(everyone, topics, list(days_off))
