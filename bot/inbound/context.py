"""What the conversation may know, read from storage for one message: the calendar, this
number's cooperatives' bookings and cases, and the details it gave last time."""

from datetime import datetime

from sqlmodel import Session

from bot.config import Settings
from flows.model import BookingView, Context
from storage.bookings import history_of_cooperatives, known_details, open_case_ids, surveys_sent
from storage.schedule import clinic_calendar


def context(session: Session, phone: str, now: datetime, settings: Settings) -> Context:
    rows = history_of_cooperatives(session, phone)
    asked = surveys_sent(session, [b.id for b, _c, _t in rows])
    open_cases = open_case_ids(session, [b.case_id for b, _c, _t in rows if b.case_id])
    views = tuple(
        BookingView(
            b.code or "",
            b.status,
            b.requested_start,
            b.topic_key,
            coop.name,
            b.proposed_start,
            own=b.phone == phone,
            prescription=b.prescription,
            survey_at=asked.get(b.id),
            solved=b.solved,
            satisfaction=b.satisfaction,
            case_id=b.case_id,
            case_open=b.case_id in open_cases,
            problem_area=b.problem_area,
        )
        for b, coop, _topic in rows
    )
    return Context(
        now=now,
        calendar=clinic_calendar(session, now, settings.hours),
        known=known_details(session, phone),
        bookings=views,
        address=settings.address,
    )
