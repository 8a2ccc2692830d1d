"""What the web console reads: the inbox, a booking's file, the experts page."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case
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


def read_inbox(session: Session, filters: Filters, expert_id: int | None = None,
          limit: int = 200) -> list[Booking]:  # fmt: skip
    """Bookings: requests waiting for an administrator first (oldest first: who has waited
    longest), then the rest, newest activity first; an expert's own sessions only when
    `expert_id`."""
    waiting = Booking.status == Status.WAITING
    query = (
        select(Booking)
        .options(selectinload(Booking.cooperative))
        .join(Cooperative, col(Booking.cooperative_id) == Cooperative.id)
        .order_by(case((waiting, 0), else_=1),
                  case((waiting, col(Booking.created_at)), else_=None),
                  col(Booking.updated_at).desc(), col(Booking.id).desc())  # fmt: skip
    )
    if filters.status:
        query = query.where(Booking.status == filters.status)
    if filters.topic:
        query = query.where(Booking.topic_key == filters.topic)
    if filters.kecamatan:
        query = query.where(Cooperative.kecamatan == filters.kecamatan)
    if filters.between:
        query = query.where(col(Booking.requested_start).between(*filters.between))
    if expert_id is not None:
        query = query.where(Booking.expert_id == expert_id)
    return list(session.exec(query.limit(limit)).all())


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
