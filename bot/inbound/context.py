"""What the conversation may know, read from storage for one message: this number's
cooperatives' bookings and cases, the details it gave last time, and the calendar (read only
when the message chooses a time)."""

from datetime import datetime

from sqlmodel import Session

from bot.config import Settings
from flows.model import BookingView, Context
from storage.bookings import Seen, known_details
from storage.schedule import clinic_calendar


def context(
    session: Session, phone: str, now: datetime, settings: Settings, seen: list[Seen]
) -> Context:
    """`seen`: the number's history (storage.bookings.history_seen), read once per message."""
    return Context(
        now=now,
        calendar=clinic_calendar(session, now, settings.hours),
        known=known_details(seen, phone),
        bookings=tuple(_view(one, phone) for one in seen),
        address=settings.address,
    )


def _view(one: Seen, phone: str) -> BookingView:
    b = one.booking
    return BookingView(
        b.code or "",
        b.status,
        b.requested_start,
        b.topic_key,
        one.cooperative.name,
        b.proposed_start,
        own=b.phone == phone,
        prescription=b.prescription,
        survey_at=one.survey_at,
        solved=b.solved,
        satisfaction=b.satisfaction,
        case_id=b.case_id,
        case_open=one.case_open,
        problem_area=b.problem_area,
    )
