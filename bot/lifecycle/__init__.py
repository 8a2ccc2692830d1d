"""The booking lifecycle applied: one function carries out one event on one booking.

`apply` asks the table in flows/lifecycle.py whether the actor may do it now (an illegal
event raises `NotAllowed`, which the caller turns into a clear answer), changes the booking,
writes its history, cancels the pending messages about a session time that no longer holds,
and queues every message the kinds registry (flows/kinds.py) sends on that step — all in the
caller's transaction, inside a savepoint, so a refusal by the database undoes all of it.
"""

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.config import Settings
from bot.lifecycle.facts import Before, case_line, facts
from bot.meetings import Prepared
from flows.calendar import ClinicCalendar, format_start
from flows.catalogue import STAFF, name, say, staff
from flows.kinds import Kind, Moment, To, at_once, sent_on
from flows.lifecycle import Actor, Event, NotAllowed, Outcome, Transition, check, held_at
from storage.bookings import record_event, save_new
from storage.conversations import language_of, within_window
from storage.directory import admin_phones
from storage.models import Booking, Expert
from storage.outbox import cancel_session_messages, enqueue
from storage.schedule import working_calendar


@dataclass(frozen=True)
class Acting:
    """Who acts, when, and with what: passed to everything that changes a booking."""

    session: Session
    actor: Actor
    who: str  # the phone number or e-mail written in the history
    now: datetime
    settings: Settings
    meetings: Prepared


@dataclass(frozen=True)
class Change:
    """What an event brings: a time, an expert, a link, a reason or a prescription."""

    start: datetime | None = None
    expert: Expert | None = None
    link: str | None = None
    reason: str = ""
    text: str = ""


def _session(act: Acting, booking: Booking, change: Change) -> None:
    """The booking becomes a confirmed session with its expert, time and link."""
    start = change.start or booking.requested_start
    booking.requested_start, booking.proposed_start = start, None
    booking.ends_at = start + timedelta(minutes=act.settings.hours.session_minutes)
    booking.expert, booking.meeting_link = change.expert, change.link


def _update(act: Acting, booking: Booking, change: Change) -> None:
    booking.expert, booking.meeting_link = change.expert, change.link


def _propose(act: Acting, booking: Booking, change: Change) -> None:
    booking.proposed_start = change.start


def _release(booking: Booking, start: datetime | None) -> None:
    """Back to a request (or over): no expert holds it any more."""
    booking.requested_start = start or booking.requested_start
    booking.proposed_start, booking.ends_at = None, None
    booking.expert, booking.meeting_link = None, None


def _lapse(act: Acting, booking: Booking, change: Change) -> None:
    _release(booking, booking.proposed_start)


def _back_to_request(act: Acting, booking: Booking, change: Change) -> None:
    _release(booking, change.start)


def _decline(act: Acting, booking: Booking, change: Change) -> None:
    _release(booking, None)
    booking.decline_reason = change.reason


def _held(act: Acting, booking: Booking, change: Change) -> None:
    booking.outcome = Outcome.HELD


def _no_show(act: Acting, booking: Booking, change: Change) -> None:
    booking.outcome = Outcome.NO_SHOW


def _prescribe(act: Acting, booking: Booking, change: Change) -> None:
    booking.prescription, booking.prescription_at = change.text, act.now
    booking.outcome = booking.outcome or Outcome.HELD
    # outside WhatsApp's 24-hour window an announcement goes; the text when they reply
    booking.prescription_pending = not within_window(act.session, booking.phone, act.now)


def _visit(act: Acting, booking: Booking, change: Change) -> None:
    """A walk-in: stored with its code, a session with its expert from its own time."""
    save_new(act.session, booking)
    _session(act, booking, change)


def _request(act: Acting, booking: Booking, change: Change) -> None:
    """A new request, made from the conversation's answers: stored, with its EK- code."""
    save_new(act.session, booking)


# What each step of the lifecycle changes in the booking (its status comes from the table).
CHANGES = {
    "request": _request, "confirm": _session, "accept": _session, "move": _session,
    "accept_move": _session, "update": _update, "propose": _propose, "propose_move": _propose,
    "lapse": _lapse, "counter": _back_to_request, "reschedule": _back_to_request,
    "cancel": _back_to_request, "decline": _decline, "hold": _held, "no_show": _no_show,
    "prescribe": _prescribe, "visit": _visit,
}  # fmt: skip


def apply(act: Acting, booking: Booking, event: Event, change: Change | None = None,
          own_savepoint: bool = True) -> Transition:  # fmt: skip
    """Carry out `event`; raises NotAllowed, or IntegrityError when the database refuses.

    Without `own_savepoint`, the caller's savepoint is what undoes it: for a caller that lets
    a refusal by the database undo all it did (the request a conversation makes)."""
    change = change or Change()
    status = booking.status if booking.id else None
    start = booking.requested_start
    row = check(status, start, event, act.actor, act.now)
    before = Before.of(booking)
    with act.session.begin_nested() if own_savepoint else nullcontext():
        CHANGES[row.name](act, booking, change)
        booking.status, booking.updated_at = row.target, act.now  # one write, with its event
        act.session.add(booking)
        act.session.flush()  # the database's own checks: no overlapping session for an expert
        if booking.id and before.status is not None:
            cancel_session_messages(act.session, booking.id, f"booking {event.value}")
        told = facts(booking, STAFF, act.settings.hours, act.settings.address, before, row.name)
        detail = staff(f"history.{row.name}", **told, note=change.reason)
        record_event(act.session, booking, act.who, event.value, act.now, detail.strip())
        _tell(act, booking, row.name, before)
    return row


def _tell(act: Acting, booking: Booking, step: str, before: Before) -> None:
    """Queue every message the registry sends on `step`, each to whom it names."""
    kinds = sent_on(step)
    timed = any(kind.due is not at_once for kind, _to in kinds)  # reminders, the survey
    moment = Moment(
        now=act.now,
        start=held_at(booking.status, booking.requested_start, booking.proposed_start),
        calendar=working_calendar(act.session, act.now, act.settings.hours)
        if timed else ClinicCalendar(act.settings.hours),
        times=act.settings.times,
        in_window=not booking.prescription_pending,
    )  # fmt: skip
    for kind, to in kinds:
        if not kind.when(moment) or (due := kind.due(moment)) is None:
            continue
        for phone in _recipients(act, booking, before, to):
            send(act, kind, phone, booking, before, step, due)


def send(act: Acting, kind: Kind, phone: str, booking: Booking, before: Before | None = None,
         step: str = "", due: datetime | None = None) -> None:  # fmt: skip
    """One message about a booking, in the recipient's language."""
    lang = STAFF if kind.staff else language_of(act.session, phone)
    told = facts(booking, lang, act.settings.hours, act.settings.address, before, step, due)
    if kind.name == "admin_notice":  # a follow-up says so, with the case's last prescription
        told["follow_up"] = case_line(act.session, booking, "admin_follow_up")
    enqueue(act.session, kind, phone, act.now, told, lang=lang, booking_id=booking.id,
            for_start=booking.requested_start, due=due)  # fmt: skip


def _recipients(act: Acting, booking: Booking, before: Before, to: To) -> list[str]:
    now_with, had = booking.expert, before.expert
    same = now_with is not None and had is not None and now_with.id == had.id
    if to == To.COOPERATIVE:
        return [booking.phone] if booking.phone else []  # a walk-in may leave no number
    if to == To.ADMINISTRATORS:
        return admin_phones(act.session, act.settings.admin_numbers)
    expert = {
        To.EXPERT: now_with,
        To.NEW_EXPERT: None if same else now_with,
        To.SAME_EXPERT: now_with if same else None,
        To.PREVIOUS_EXPERT: None if same else had,
    }[to]
    return [expert.phone] if expert is not None else []


# What each actor is told when the table refuses: by the reason, else "its status is …".
WRONG_STATUS = {Actor.ADMINISTRATOR: "admin_wrong_status", Actor.EXPERT: "expert_wrong_status"}
REFUSALS = {"started": "admin_started", "not_started": "expert_not_started"}


def refusal(booking: Booking, error: NotAllowed, actor: Actor, lang: str = "id") -> str:
    """The clear answer to an event the lifecycle does not allow now."""
    if actor == Actor.COOPERATIVE:
        status = name("status", booking.status, lang)
        return say("manage_gone", lang, code=booking.code, status=status)
    key = REFUSALS.get(error.reason, WRONG_STATUS[actor])
    return staff(key, code=booking.code, status=name("status", booking.status),
                 start=format_start(booking.requested_start))  # fmt: skip
