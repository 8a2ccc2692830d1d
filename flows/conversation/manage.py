"""Changing a booking: "3. Ubah jadwal / batalkan" (another time, or cancel), and answering
an administrator's proposal of another time (YA, or TIDAK with a time that suits)."""

from datetime import datetime
from enum import StrEnum

from flows.admin import CODE, booking_code
from flows.calendar import format_start
from flows.catalogue import name, say
from flows.chat import yes_no
from flows.choices import MANAGE_ACTIONS, TOPICS
from flows.conversation.anytime import CANCEL
from flows.conversation.steps import Accept
from flows.conversation.talk import State, Talk
from flows.conversation.when import parse_start
from flows.lifecycle import AWAITING_ANSWER, CHANGEABLE
from flows.model import (
    AcceptProposal,
    BookingView,
    CancelBooking,
    Home,
    RejectProposal,
    RescheduleBooking,
    Scratch,
)
from flows.words import fold


class M(StrEnum):
    MANAGE_PICK = "manage_pick"
    MANAGE_ACTION = "manage_action"
    MANAGE_CANCEL = "manage_cancel"
    MANAGE_WHEN = "manage_when"
    PROPOSAL_WHEN = "proposal_when"


def booking_lines(talk: Talk, bookings: list[BookingView], numbered: bool = False) -> str:
    lines = []
    for number, booking in enumerate(bookings, 1):
        line = say("booking_line", talk.lang, code=booking.code,
                   status=name("status", booking.status, talk.lang),
                   start=format_start(booking.start, talk.lang),
                   topic=TOPICS.label(booking.topic_key, talk.lang))  # fmt: skip
        lines.append((f"{number}. " if numbered else "• ") + line)
    return "\n".join(lines)


def _manageable(talk: Talk) -> list[BookingView]:
    """This number's own bookings that may still be moved or cancelled."""
    now = talk.ctx.now
    return [b for b in talk.ctx.bookings
            if b.own and b.status in CHANGEABLE and b.start > now][:10]  # fmt: skip


def _booking(talk: Talk, code: str | None) -> BookingView | None:
    return next((b for b in talk.ctx.bookings if b.code == code), None)


def _done(talk: Talk) -> None:
    """The change is asked for; the effect's answer follows."""
    talk.state, talk.answers, talk.scratch = Home.MENU, {}, Scratch()


def start(talk: Talk) -> None:
    bookings = _manageable(talk)
    if not bookings:
        talk.say("manage_none")
    elif len(bookings) == 1:
        talk.scratch.code = bookings[0].code
        talk.go(M.MANAGE_ACTION)
    else:
        talk.go(M.MANAGE_PICK)


def _read_pick(talk: Talk, text: str) -> None:
    bookings = _manageable(talk)
    word = fold(text).upper().replace(" ", "-")
    chosen = next((b for b in bookings if b.code == word), None)
    if chosen is None and fold(text).isdigit() and 0 < int(fold(text)) <= len(bookings):
        chosen = bookings[int(fold(text)) - 1]
    if chosen is None:
        talk.say("bad_choice", count=len(bookings))
        talk.ask()
        return
    talk.scratch.code = chosen.code
    talk.go(M.MANAGE_ACTION)


def _read_action(talk: Talk, text: str) -> None:
    action = MANAGE_ACTIONS.pick(text)
    if action == "reschedule":
        booking = _booking(talk, talk.scratch.code)
        talk.scratch.topic = booking.topic_key if booking else None
        talk.go(M.MANAGE_WHEN)
    elif action == "cancel":
        talk.go(M.MANAGE_CANCEL)
    else:
        talk.say("bad_choice", count=len(MANAGE_ACTIONS))
        talk.ask()


def _read_cancel(talk: Talk, text: str) -> None:
    said, code = talk.yes_or_no(text), talk.scratch.code
    if said is None:
        return
    if said:
        talk.effects.append(CancelBooking(code))
        _done(talk)
    else:
        talk.say("manage_kept", code=code)
        talk.to_menu()


def _read_new_time(talk: Talk, text: str) -> None:
    outcome = parse_start(talk.turn(text))
    if isinstance(outcome, Accept):
        start_at = datetime.fromisoformat(outcome.values["start"])
        effect = RescheduleBooking if talk.state == M.MANAGE_WHEN else RejectProposal
        talk.effects.append(effect(talk.scratch.code, start_at))
        _done(talk)
    else:  # parse_start never asks "did you mean …?"
        talk.reject(outcome.lines, outcome.offer, outcome.ask_again)


def proposal_answer(talk: Talk, text: str) -> bool:
    """YA / TIDAK [waktu] to a proposal: with its code anywhere, or plainly from the menu
    when it is the only proposal open."""
    proposals = [b for b in talk.ctx.bookings if b.status in AWAITING_ANSWER]
    code = booking_code(text)
    chosen = next((b for b in proposals if b.code == code), None)
    if chosen is None and code is None and len(proposals) == 1 and talk.state == Home.MENU:
        chosen = proposals[0]
    words = fold(CODE.sub(" ", text)).split()
    said = yes_no(words[0]) if words else None
    if chosen is None or said is None:
        return False
    if said:
        talk.effects.append(AcceptProposal(chosen.code))
        _done(talk)
        return True
    talk.answers, talk.scratch = {}, Scratch(code=chosen.code, topic=chosen.topic_key)
    talk.state = M.PROPOSAL_WHEN
    if rest := " ".join(words[1:]):
        _read_new_time(talk, rest)
    else:
        talk.ask()
    return True


def _ask_cancel(talk: Talk) -> None:
    booking = _booking(talk, talk.scratch.code)
    start_at = format_start(booking.start, talk.lang) if booking else "-"
    talk.say("manage_confirm_cancel", code=talk.scratch.code, start=start_at)


STATES: dict[str, State] = {
    M.MANAGE_PICK: State(lambda talk: talk.say("manage_pick", lines=booking_lines(
        talk, _manageable(talk), numbered=True)), _read_pick),
    M.MANAGE_ACTION: State(lambda talk: talk.say("manage_action", code=talk.scratch.code,
                                                 options=MANAGE_ACTIONS.numbered(talk.lang)),
                           _read_action, own_words=CANCEL),
    M.MANAGE_CANCEL: State(_ask_cancel, _read_cancel, buttons="yes_no"),
    M.MANAGE_WHEN: State(lambda talk: talk.say("ask_when"), _read_new_time, resumable=True),
    M.PROPOSAL_WHEN: State(lambda talk: talk.say("proposal_ask_when", code=talk.scratch.code),
                           _read_new_time, resumable=True),
}  # fmt: skip
