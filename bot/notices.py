"""What a conversation's effects change, and who is told (through the outbox)."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot.administration import confirm_booking
from bot.reminders import cancel_reminders
from flows.calendar import format_start
from flows.catalogue import name, say, staff
from flows.choices import PROBLEM_AREAS, ROLES, TOPICS
from flows.model import (
    AcceptProposal,
    CancelBooking,
    CaseAnswer,
    Effect,
    ForwardToAdmins,
    RateSession,
    RejectProposal,
    RescheduleBooking,
    SubmitBooking,
)
from storage.bookings import (
    active_booking,
    answer_case,
    booking_by_code,
    create_booking,
    record_event,
)
from storage.models import Booking, Cooperative, Expert
from storage.outbox import enqueue, enqueue_for_admins

if TYPE_CHECKING:
    from bot.inbound import Settings


def _tell_admins(
    session: Session, settings: "Settings", body: str, kind: str, now: datetime, booking_id=None
) -> None:
    enqueue_for_admins(session, settings.admin_numbers, body, kind, now, booking_id)


def _admin_booking_notice(session: Session, booking: Booking) -> str:
    cooperative = session.get(Cooperative, booking.cooperative_id)
    kecamatan = cooperative.kecamatan
    if not cooperative.in_regency:
        kecamatan = staff("outside", kecamatan=kecamatan)
    coop = cooperative.name
    if cooperative.nik:
        coop = staff("coop_with_nik", name=cooperative.name, nik=cooperative.nik)
    problem = booking.problem_text
    return staff(
        "admin_new_booking",
        code=booking.code,
        coop=coop,
        kecamatan=kecamatan,
        topic=TOPICS.label(booking.topic_key),
        area=PROBLEM_AREAS.label(booking.problem_area),
        problem=problem if len(problem) <= 300 else problem[:297] + "…",
        start=format_start(booking.requested_start),
        contact=booking.contact_name,
        role=ROLES.label(booking.contact_role),
        phone=booking.phone,
    )


def apply_effect(
    session: Session, effect: Effect, phone: str, lang: str, now: datetime, settings: "Settings"
) -> list[str]:
    """Carry out one effect in the caller's transaction; returns replies for the user."""
    if isinstance(effect, SubmitBooking):
        booking = create_booking(session, phone, effect.answers)
        record_event(session, booking, phone, "requested", now,
                     format_start(booking.requested_start))  # fmt: skip
        _tell_admins(session, settings, _admin_booking_notice(session, booking), "admin_notice",
                     now, booking.id)  # fmt: skip
        start = format_start(booking.requested_start, lang)
        return [say("booking_received", lang, code=booking.code, start=start)]
    if isinstance(effect, ForwardToAdmins):
        body = staff("admin_message_from", phone=phone, text=effect.text)
        _tell_admins(session, settings, body, "admin_message", now)
        return []
    if isinstance(effect, RateSession | CaseAnswer):
        booking = booking_by_code(session, effect.code)
        if booking is not None:
            if isinstance(effect, RateSession):
                booking.satisfaction = effect.score
                record_event(session, booking, phone, "rated", now, f"{effect.score}/5")
            else:
                answer_case(session, booking, effect.solved, phone, now)
        return []
    booking = active_booking(session, phone, effect.code)
    if booking is None:
        gone = booking_by_code(session, effect.code)
        status = gone.status if gone and gone.phone == phone else "cancelled"
        return [say("manage_gone", lang, code=effect.code, status=name("status", status, lang))]
    if isinstance(effect, CancelBooking | RescheduleBooking):
        return _change(session, booking, effect, phone, lang, now, settings)
    return _answer_proposal(session, booking, effect, phone, lang, now, settings)


def _release_expert(session: Session, booking: Booking, now: datetime) -> None:
    """A confirmed session is given up: its expert is told and no longer held."""
    cancel_reminders(session, booking.id, "session cancelled or moved")
    if booking.status != "confirmed" or booking.expert_id is None:
        return
    expert = session.get(Expert, booking.expert_id)
    cooperative = session.get(Cooperative, booking.cooperative_id)
    body = staff("expert_cancelled", code=booking.code, coop=cooperative.name,
               start=format_start(booking.requested_start))  # fmt: skip
    enqueue(session, expert.phone, body, "expert_cancelled", now, booking.id)
    booking.expert_id, booking.ends_at, booking.meeting_link = None, None, None


def _change(
    session: Session,
    booking: Booking,
    effect: CancelBooking | RescheduleBooking,
    phone: str,
    lang: str,
    now: datetime,
    settings: "Settings",
) -> list[str]:
    cooperative = session.get(Cooperative, booking.cooperative_id)
    old_start = booking.requested_start
    _release_expert(session, booking, now)
    if isinstance(effect, CancelBooking):
        booking.status = "cancelled"
        record_event(session, booking, phone, "cancelled", now)
        body = staff("admin_cancelled", code=booking.code, coop=cooperative.name,
                   start=format_start(old_start))  # fmt: skip
        _tell_admins(session, settings, body, "admin_notice", now, booking.id)
        return [say("manage_cancelled", lang, code=booking.code)]
    booking.requested_start, booking.status, booking.proposed_start = effect.start, "waiting", None
    record_event(session, booking, phone, "rescheduled", now, format_start(effect.start))
    body = staff("admin_rescheduled", code=booking.code, coop=cooperative.name,
               start=format_start(effect.start), old=format_start(old_start))  # fmt: skip
    _tell_admins(session, settings, body, "admin_notice", now, booking.id)
    return [say("manage_rescheduled", lang, code=booking.code,
                start=format_start(effect.start, lang))]  # fmt: skip


def _answer_proposal(
    session: Session,
    booking: Booking,
    effect: AcceptProposal | RejectProposal,
    phone: str,
    lang: str,
    now: datetime,
    settings: "Settings",
) -> list[str]:
    if booking.status != "proposed" or booking.proposed_start is None:
        return [say("manage_gone", lang, code=booking.code,
                    status=name("status", booking.status, lang))]  # fmt: skip
    cooperative = session.get(Cooperative, booking.cooperative_id)
    proposed = booking.proposed_start
    if isinstance(effect, RejectProposal):
        booking.status, booking.requested_start, booking.proposed_start = (
            "waiting",
            effect.start,
            None,
        )
        record_event(session, booking, phone, "counter-proposed", now, format_start(effect.start))
        body = staff("admin_proposal_countered", code=booking.code, coop=cooperative.name,
                   start=format_start(effect.start))  # fmt: skip
        _tell_admins(session, settings, body, "admin_notice", now, booking.id)
        return [say("proposal_countered", lang, code=booking.code,
                    start=format_start(effect.start, lang))]  # fmt: skip
    outcome = confirm_booking(session, booking, proposed, phone, now, settings)
    start = format_start(proposed, lang)
    if outcome.done:
        body = staff("admin_proposal_accepted", code=booking.code, coop=cooperative.name,
                   start=format_start(proposed))  # fmt: skip
        _tell_admins(session, settings, body, "admin_notice", now, booking.id)
        return [say("proposal_accepted_wait", lang, code=booking.code, start=start)]
    booking.status, booking.requested_start, booking.proposed_start = "waiting", proposed, None
    record_event(session, booking, phone, "proposal-taken", now, " ".join(outcome.lines))
    body = staff("admin_proposal_taken", code=booking.code, coop=cooperative.name,
               start=format_start(proposed))  # fmt: skip
    _tell_admins(session, settings, body, "admin_notice", now, booking.id)
    return [say("proposal_taken", lang, code=booking.code, start=start)]
