"""What the experts' WhatsApp commands do: one row per verb in `COMMANDS`.

An expert only ever sees and acts on their own sessions: any other code gets the same answer
as an unknown one. Outcomes and prescriptions wait until the session has begun (the
lifecycle's rule). A prescription written over several messages is kept in the expert's own
conversation (its scratch) until KIRIM, shown as a preview, and sent on YA.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from bot.commands import handler, mistyped
from bot.lifecycle import Acting, Change, apply, refusal, send
from bot.lifecycle.facts import schedule_line
from flows.calendar import format_day
from flows.catalogue import STAFF, names, staff
from flows.chat import yes_no
from flows.conversation import in_menu
from flows.expert import ExpertCommand, ExpertVerb, read_expert_command
from flows.kinds import KINDS, split_message
from flows.lifecycle import Actor, Event, NotAllowed, check
from flows.words import fold
from storage.agenda import sessions_on
from storage.audit import WHATSAPP, record
from storage.bookings import booking_by_code
from storage.models import Booking, Conversation, Expert

DRAFT = "prescription"  # the draft's place in the expert's conversation scratch


@dataclass(frozen=True)
class Handler:
    run: Callable[[Acting, Expert, ExpertCommand, Booking | None, Conversation], list[str]]
    booking: bool = True  # the command names one of the expert's own sessions


def _help(act, expert, command, booking, conversation) -> list[str]:
    lines = names("help.expert", STAFF)
    return [staff("expert_help", lines="\n".join(f"• {lines[verb]}" for verb in COMMANDS))]


def _schedule(act, expert, command, booking, conversation) -> list[str]:
    sessions = sessions_on(act.session, command.day, expert.id)
    if not sessions:
        return [staff("expert_schedule_empty", day=format_day(command.day))]
    lines = "\n".join(schedule_line(each) for each in sessions)
    return [staff("expert_schedule", day=format_day(command.day), count=len(sessions),
                  lines=lines)]


def _done(act, expert, command, booking, conversation) -> list[str]:
    apply(act, booking, Event.HOLD)
    return [staff("session_done", code=booking.code)]


def _no_show(act, expert, command, booking, conversation) -> list[str]:
    apply(act, booking, Event.NO_SHOW)
    return [staff("session_no_show", code=booking.code)]


def _prescribe(act, expert, command, booking, conversation) -> list[str]:
    if command.text:
        return [prescribe(act, booking, command.text)]
    check(booking.status, booking.requested_start, Event.PRESCRIBE, act.actor, act.now)
    conversation.scratch = {**conversation.scratch, DRAFT: {"code": booking.code, "parts": []}}
    return [staff("resep_started", code=booking.code)]


COMMANDS: dict[ExpertVerb, Handler] = {
    ExpertVerb.SCHEDULE: Handler(_schedule, booking=False),
    ExpertVerb.PRESCRIBE: Handler(_prescribe),
    ExpertVerb.DONE: Handler(_done),
    ExpertVerb.NO_SHOW: Handler(_no_show),
    ExpertVerb.HELP: Handler(_help, booking=False),
}


def prescribe(act: Acting, booking: Booking, text: str) -> str:
    """Store the prescription and send it: as text inside WhatsApp's 24-hour window, else as
    an announcement (template) with the text following when the cooperative replies."""
    apply(act, booking, Event.PRESCRIBE, Change(text=text))
    return staff("resep_sent", code=booking.code)


def run(act: Acting, conversation: Conversation, expert: Expert, text: str) -> list[str] | None:
    """The replies, or None when the message is not meant for the expert's side (by WhatsApp
    only: what changes something goes in the audit log with the expert's number)."""
    act = replace(act, actor=Actor.EXPERT)
    if draft := conversation.scratch.get(DRAFT):
        return _draft(act, conversation, expert, draft, text)
    command = read_expert_command(text, act.now, in_menu(conversation.state))
    if command is None:
        return None
    if not isinstance(command, ExpertCommand):
        return [mistyped("expert", command)]
    row = handler(COMMANDS, command.verb)
    booking = None
    if row.booking:
        booking = booking_by_code(act.session, command.code or "", lock=True)
        if booking is None or booking.expert_id != expert.id:
            return [staff("expert_not_yours", code=command.code)]
    try:
        texts = row.run(act, expert, command, booking, conversation)
    except NotAllowed as error:
        return [refusal(booking, error, act.actor)]
    if command.verb in AUDITED and not (command.verb == ExpertVerb.PRESCRIBE and not command.text):
        _audit(act, command.verb, booking, texts)
    return texts


# What an expert's command changes, in the audit log (a prescription once it is sent).
AUDITED = frozenset({ExpertVerb.PRESCRIBE, ExpertVerb.DONE, ExpertVerb.NO_SHOW})


def _audit(act: Acting, verb: str, booking: Booking, texts: list[str]) -> None:
    record(act.session, act.now, act.who, WHATSAPP, verb, booking.code or "",
           texts[0] if texts else "")  # fmt: skip


def _draft(act: Acting, conversation: Conversation, expert: Expert, draft: dict,
           text: str) -> list[str]:  # fmt: skip
    code, parts = draft["code"], list(draft["parts"])
    word = fold(text)
    rest = {key: value for key, value in conversation.scratch.items() if key != DRAFT}
    if word == "batal":
        conversation.scratch = rest
        return [staff("resep_cancelled", code=code)]
    if word == "kirim":
        if not parts:
            return [staff("resep_empty")]
        conversation.scratch = {**rest, DRAFT: {"code": code, "parts": parts, "preview": True}}
        return split_message(staff("resep_preview", code=code, text="\n\n".join(parts)))
    if draft.get("preview") and yes_no(text) is True:
        conversation.scratch = rest
        booking = booking_by_code(act.session, code, lock=True)
        if booking is None or booking.expert_id != expert.id:
            return [staff("expert_not_yours", code=code)]
        try:
            texts = [prescribe(act, booking, "\n\n".join(parts))]
        except NotAllowed as error:
            return [refusal(booking, error, act.actor)]
        _audit(act, ExpertVerb.PRESCRIBE, booking, texts)
        return texts
    parts.append(text.strip())
    conversation.scratch = {**rest, DRAFT: {"code": code, "parts": parts}}
    return [staff("resep_added", length=sum(len(part) for part in parts))]


def deliver_pending_prescriptions(act: Acting, bookings: Iterable[Booking]) -> None:
    """The cooperative wrote: prescriptions announced by template now go as text (the
    number's own bookings among `bookings`)."""
    for booking in bookings:
        if booking.phone != act.who:
            continue
        if booking.prescription_pending and booking.prescription and booking.expert_id:
            booking.prescription_pending = False
            send(act, KINDS["prescription"], booking.phone, booking)
