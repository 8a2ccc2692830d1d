"""Reminders are outbox rows written with the confirmation, in the same transaction.

The working day before at 09:00 (skipped when the confirmation comes later than that), and
60 minutes before the start (at once when that moment has passed but the start is ahead).
Cancelling or moving a session cancels its pending reminders in the same transaction; the
sender re-reads the booking anyway, so a reminder never goes out for a session that changed.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from flows.calendar import ClinicCalendar, format_clock, format_start
from flows.catalogue import say
from flows.dates import WIB
from storage.models import Booking, Expert, OutboundMessage
from storage.outbox import enqueue

REMINDERS = ("reminder_day_before", "reminder_hour_before")


@dataclass(frozen=True)
class ReminderTimes:
    day_before_at: time = time(9, 0)
    minutes_before: int = 60


def cancel_reminders(session: Session, booking_id: int, why: str) -> None:
    session.exec(
        update(OutboundMessage)
        .where(
            col(OutboundMessage.booking_id) == booking_id,
            col(OutboundMessage.kind).in_(REMINDERS),
            col(OutboundMessage.status) == "pending",
        )
        .values(status="cancelled", error=why)
    )


def schedule_reminders(
    session: Session, booking: Booking, expert: Expert, lang: str, now: datetime,
    times: ReminderTimes, calendar: ClinicCalendar,
) -> None:  # fmt: skip
    """Replace the booking's pending reminders with ones for its current time."""
    cancel_reminders(session, booking.id, "replaced by new reminders")
    start = booking.requested_start
    day = calendar.working_day_before(start.astimezone(WIB).date())
    day_before = datetime.combine(day, times.day_before_at, WIB)
    common = {"code": booking.code, "link": booking.meeting_link}
    if now < day_before:
        body = say("reminder_day_before", lang, start=format_start(start, lang),
                   expert=expert.name, **common)  # fmt: skip
        variables = {"1": booking.code, "2": format_start(start, lang), "3": expert.name,
                     "4": booking.meeting_link}  # fmt: skip
        _remind(session, booking, body, "reminder_day_before", now, day_before, variables)
    if now < start:
        due = max(now, start - timedelta(minutes=times.minutes_before))
        clock = format_clock(start.astimezone(WIB))
        body = say("reminder_hour_before", lang, clock=clock, **common)
        variables = {"1": booking.code, "2": clock, "3": booking.meeting_link}
        _remind(session, booking, body, "reminder_hour_before", now, due, variables)


def _remind(session: Session, booking: Booking, body: str, kind: str, now: datetime,
            due: datetime, variables: dict) -> None:  # fmt: skip
    message = enqueue(session, booking.phone, body, kind, now, booking.id, variables, due)
    message.for_start = booking.requested_start
