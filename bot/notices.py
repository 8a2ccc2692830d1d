"""What a conversation's effects change, and who is told (through the outbox)."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from flows.calendar import format_start
from flows.choices import PROBLEM_AREAS, ROLES, label
from flows.model import CancelBooking, Effect, ForwardToAdmins, RescheduleBooking, SubmitBooking
from flows.texts import STATUS_NAMES, say
from storage.bookings import active_booking, create_booking
from storage.directory import admin_phones
from storage.models import Booking, Cooperative, Topic
from storage.outbox import enqueue

if TYPE_CHECKING:
    from bot.inbound import Settings


def _tell_admins(
    session: Session, settings: "Settings", body: str, kind: str, now: datetime, booking_id=None
) -> None:
    for phone in admin_phones(session, settings.admin_numbers):
        enqueue(session, phone, body, kind, now, booking_id=booking_id)


def _admin_booking_notice(session: Session, booking: Booking) -> str:
    cooperative = session.get(Cooperative, booking.cooperative_id)
    topic = session.get(Topic, booking.topic_key)
    kecamatan = cooperative.kecamatan + ("" if cooperative.in_regency else " (luar Kab. Tangerang)")
    problem = booking.problem_text
    return say(
        "admin_new_booking",
        code=booking.code,
        coop=cooperative.name + (f" (NIK {cooperative.nik})" if cooperative.nik else ""),
        kecamatan=kecamatan,
        topic=topic.name,
        area=label(PROBLEM_AREAS, booking.problem_area),
        problem=problem if len(problem) <= 300 else problem[:297] + "…",
        start=format_start(booking.requested_start),
        contact=booking.contact_name,
        role=label(ROLES, booking.contact_role),
        phone=booking.phone,
    )


def apply_effect(
    session: Session, effect: Effect, phone: str, lang: str, now: datetime, settings: "Settings"
) -> list[str]:
    """Carry out one effect in the caller's transaction; returns replies for the user."""
    if isinstance(effect, SubmitBooking):
        booking = create_booking(session, phone, effect.answers)
        _tell_admins(session, settings, _admin_booking_notice(session, booking), "admin_notice",
                     now, booking.id)  # fmt: skip
        start = format_start(booking.requested_start, lang)
        return [say("booking_received", lang, code=booking.code, start=start)]
    if isinstance(effect, ForwardToAdmins):
        body = say("admin_message_from", phone=phone, text=effect.text)
        _tell_admins(session, settings, body, "admin_message", now)
        return []
    booking = active_booking(session, phone, effect.code)
    if booking is None:
        status = STATUS_NAMES["cancelled"][lang]
        return [say("manage_gone", lang, code=effect.code, status=status)]
    cooperative = session.get(Cooperative, booking.cooperative_id)
    old_start = booking.requested_start
    if isinstance(effect, CancelBooking):
        booking.status = "cancelled"
        session.add(booking)
        body = say("admin_cancelled", code=booking.code, coop=cooperative.name,
                   start=format_start(old_start))  # fmt: skip
        _tell_admins(session, settings, body, "admin_notice", now, booking.id)
        return [say("manage_cancelled", lang, code=booking.code)]
    if isinstance(effect, RescheduleBooking):
        booking.requested_start = effect.start
        booking.status = "waiting"
        session.add(booking)
        body = say("admin_rescheduled", code=booking.code, coop=cooperative.name,
                   start=format_start(effect.start), old=format_start(old_start))  # fmt: skip
        _tell_admins(session, settings, body, "admin_notice", now, booking.id)
        return [say("manage_rescheduled", lang, code=booking.code,
                    start=format_start(effect.start, lang))]  # fmt: skip
    raise TypeError(f"unknown effect {effect!r}")
