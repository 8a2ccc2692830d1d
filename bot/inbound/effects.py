"""What the conversation's effects change, through the lifecycle; the replies for the user.

One row per effect in `EFFECTS`. Everything runs in the caller's transaction, and every
message to someone else is an outbox row written with the change.
"""

from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from datetime import datetime

from bot.lifecycle import Acting, Change, apply, cases, refusal, threads
from bot.lifecycle.sessions import Refused, has_room, room_for, take
from flows.calendar import format_start
from flows.catalogue import name, say
from flows.kinds import KINDS
from flows.lifecycle import Actor, Event, NotAllowed, Status
from flows.model import (
    AcceptProposal,
    CancelBooking,
    CaseAnswer,
    Effect,
    ForwardToAdmins,
    RateSession,
    RejectProposal,
    RescheduleBooking,
    SaveSurvey,
    SubmitBooking,
)
from storage.bookings import booking_by_code, new_request, own_booking
from storage.models import Booking, Link
from storage.outbox import enqueue_for_admins
from storage.schedule import lock_schedule
from storage.skm import AlreadyAnswered, save_answers


class TimeTaken(Exception):
    """The time a finished conversation asked for was taken after its calendar was read: the
    message is answered again, now under the schedule lock (bot.inbound.receive)."""


def _submit(act: Acting, effect: SubmitBooking, lang: str) -> list[str]:
    """The request, if its time still has an expert free: checked again under the schedule
    lock, the only moment a message holds it."""
    lock_schedule(act.session)
    start = datetime.fromisoformat(effect.answers["start"])
    if not room_for(act, effect.answers["topic"], start):
        raise TimeTaken
    booking, link = new_request(act.session, act.who, effect.answers)
    apply(act, booking, Event.REQUEST, own_savepoint=False)  # the effects' savepoint undoes both
    if link.status == Link.PENDING:
        facts = {"phone": act.who, "code": booking.code, "nik": booking.cooperative.nik,
                 "coop": booking.cooperative.name}  # fmt: skip
        enqueue_for_admins(act.session, act.settings.admin_numbers, KINDS["admin_link"],
                           act.now, facts, booking.id)  # fmt: skip
    start = format_start(booking.requested_start, lang)
    return [say("booking_received", lang, code=booking.code, start=start)]


def _forward(act: Acting, effect: ForwardToAdmins, lang: str) -> list[str]:
    threads.forward(act, effect.text)
    return []


def _rate(act: Acting, effect: RateSession, lang: str) -> list[str]:
    if booking := booking_by_code(act.session, effect.code):
        cases.rate(act, booking, effect.score)
    return []


def _case_answer(act: Acting, effect: CaseAnswer, lang: str) -> list[str]:
    if booking := booking_by_code(act.session, effect.code):
        cases.answer(act, booking, effect.solved)
    return []


def _survey(act: Acting, effect: SaveSurvey, lang: str) -> list[str]:
    """The cooperative's own session only; a second questionnaire about it is not kept."""
    booking = booking_by_code(act.session, effect.code)
    if booking is not None and booking.phone == act.who:
        with suppress(AlreadyAnswered):
            save_answers(act.session, booking.id, effect.levels, effect.comment, act.now)
    return []


def _step(event: Event, reply: str) -> Callable[[Acting, Booking, Effect, str], list[str]]:
    """A step on the cooperative's own booking, answered with `reply`. A new time is checked
    again under the schedule lock (the conversation chose it from a calendar read before it)."""

    def run(act: Acting, booking: Booking, effect: Effect, lang: str) -> list[str]:
        start = getattr(effect, "start", None)
        if start is not None and not has_room(act, booking, start):
            return [say("slot_just_taken", lang, code=booking.code,
                        start=format_start(start, lang))]  # fmt: skip
        apply(act, booking, event, Change(start=start))
        shown = format_start(start or booking.requested_start, lang)
        return [say(reply, lang, code=booking.code, start=shown)]

    return run


def _accept(act: Acting, booking: Booking, effect: AcceptProposal, lang: str) -> list[str]:
    """YA to a proposal: confirmed as an administrator would, unless the time was taken."""
    proposed = booking.proposed_start or booking.requested_start
    start = format_start(proposed, lang)
    try:
        take(act, booking, Event.ACCEPT, proposed)
    except Refused as why:
        apply(act, booking, Event.LAPSE, Change(reason=str(why)))
        return [say("proposal_taken", lang, code=booking.code, start=start)]
    return [say("proposal_accepted_wait", lang, code=booking.code, start=start)]


def _on_own(run: Callable[[Acting, Booking, Effect, str], list[str]], takes_slot: bool = False):
    """An effect on one of this number's own bookings, which must still allow it."""

    def carry_out(act: Acting, effect: Effect, lang: str) -> list[str]:
        if takes_slot:
            lock_schedule(act.session)
        booking = own_booking(act.session, act.who, effect.code)
        if booking is None:
            gone = say("manage_gone", lang, code=effect.code,
                       status=name("status", Status.CANCELLED, lang))  # fmt: skip
            return [gone]
        try:
            return run(act, booking, effect, lang)
        except NotAllowed as error:
            return [refusal(booking, error, Actor.COOPERATIVE, lang)]

    return carry_out


EFFECTS: dict[type, Callable[[Acting, Effect, str], list[str]]] = {
    SubmitBooking: _submit,
    SaveSurvey: _survey,
    ForwardToAdmins: _forward,
    RateSession: _rate,
    CaseAnswer: _case_answer,
    CancelBooking: _on_own(_step(Event.CANCEL, "manage_cancelled")),
    RescheduleBooking: _on_own(_step(Event.RESCHEDULE, "manage_rescheduled"), takes_slot=True),
    AcceptProposal: _on_own(_accept, takes_slot=True),
    RejectProposal: _on_own(_step(Event.COUNTER, "proposal_countered"), takes_slot=True),
}


def carry_out(act: Acting, effect: Effect, lang: str) -> list[str]:
    """One effect of the conversation, by the cooperative; the replies for it."""
    return EFFECTS[type(effect)](replace(act, actor=Actor.COOPERATIVE), effect, lang)
