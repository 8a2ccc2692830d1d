"""What experts do by WhatsApp: their schedule, the session's outcome, the prescription.

An expert only ever sees and acts on their own sessions: any other code gets the same answer
as an unknown one. A prescription written over several messages is kept in the expert's own
conversation until KIRIM, shown as a preview, and sent on YA.
"""

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from bot.reminders import cancel_reminders
from bot.sender import within_window
from flows.admin import Mistyped
from flows.calendar import format_clock, format_day, format_start
from flows.catalogue import name, say, staff
from flows.choices import PROBLEM_AREAS, TOPICS
from flows.dates import WIB
from flows.expert import ExpertCommand, read_expert_command, split_message
from flows.model import S
from flows.words import fold, yes_no
from storage.bookings import booking_by_code, bookings_of, record_event
from storage.conversations import language_of
from storage.models import Booking, Conversation, Cooperative, Expert, Topic
from storage.outbox import enqueue
from storage.schedule import working_calendar

if TYPE_CHECKING:
    from bot.inbound import Settings

DRAFT = "_resep"


def expert_by_phone(session: Session, phone: str) -> Expert | None:
    query = select(Expert).where(Expert.phone == phone, col(Expert.active).is_(True))
    return session.exec(query).first()


def run_expert(
    session: Session,
    conversation: Conversation,
    expert: Expert,
    text: str,
    now: datetime,
    settings: "Settings",
) -> list[str] | None:
    """The replies, or None when the message is not meant for the expert's side."""
    if draft := conversation.answers.get(DRAFT):
        return _draft(session, conversation, expert, draft, text, now, settings)
    in_menu = conversation.state in (S.START, S.MENU)
    command = read_expert_command(text, now, in_menu)
    if command is None:
        return None
    if isinstance(command, Mistyped):
        why = staff(f"mistyped.{command.why}", text=command.text)
        return [staff("expert_mistyped", why=why, example=staff(f"example.expert.{command.verb}"))]
    if command.verb == "help":
        return [staff("expert_help")]
    if command.verb == "schedule":
        return [_schedule(session, expert, command)]
    booking = booking_by_code(session, command.code or "", lock=True)
    if booking is None or booking.expert_id != expert.id:
        return [staff("expert_not_yours", code=command.code)]
    return _on_booking(session, conversation, expert, booking, command, now, settings)


def _on_booking(
    session: Session,
    conversation: Conversation,
    expert: Expert,
    booking: Booking,
    command: ExpertCommand,
    now: datetime,
    settings: "Settings",
) -> list[str]:
    if booking.status not in ("confirmed", "done"):
        status = name("status", booking.status)
        return [staff("expert_wrong_status", code=booking.code, status=status)]
    if command.verb == "done":
        booking.status, booking.outcome = "done", "held"
        record_event(session, booking, expert.phone, "held", now)
        return [staff("session_done", code=booking.code)]
    if command.verb == "no_show":
        booking.status, booking.outcome = "no_show", "no_show"
        cancel_reminders(session, booking.id, "the cooperative did not come")
        record_event(session, booking, expert.phone, "no-show", now)
        lang = language_of(session, booking.phone)
        body = say("no_show", lang, code=booking.code,
                   start=format_start(booking.requested_start, lang))  # fmt: skip
        enqueue(session, booking.phone, body, "no_show", now, booking.id)
        return [staff("session_no_show", code=booking.code)]
    if command.text:
        return [save_prescription(session, booking, expert, command.text, now, settings)]
    conversation.answers = {**conversation.answers, DRAFT: {"code": booking.code, "parts": []}}
    return [staff("resep_started", code=booking.code)]


def _draft(session: Session, conversation: Conversation, expert: Expert, draft: dict, text: str,
           now: datetime, settings: "Settings") -> list[str]:  # fmt: skip
    code, parts = draft["code"], list(draft["parts"])
    word = fold(text)
    answers = {key: value for key, value in conversation.answers.items() if key != DRAFT}
    if word == "batal":
        conversation.answers = answers
        return [staff("resep_cancelled", code=code)]
    if word == "kirim":
        if not parts:
            return [staff("resep_empty")]
        conversation.answers = {**answers, DRAFT: {"code": code, "parts": parts, "preview": True}}
        return split_message(staff("resep_preview", code=code, text="\n\n".join(parts)))
    if draft.get("preview") and yes_no(text) is True:
        conversation.answers = answers
        booking = booking_by_code(session, code, lock=True)
        if booking is None or booking.expert_id != expert.id:
            return [staff("expert_not_yours", code=code)]
        return [save_prescription(session, booking, expert, "\n\n".join(parts), now, settings)]
    parts.append(text.strip())
    conversation.answers = {**answers, DRAFT: {"code": code, "parts": parts}}
    return [staff("resep_added", length=sum(len(part) for part in parts))]


def save_prescription(
    session: Session, booking: Booking, expert: Expert, text: str, now: datetime,
    settings: "Settings",
) -> str:  # fmt: skip
    """Store the prescription and send it: as text inside WhatsApp's 24-hour window, else
    as an announcement (template) with the text following when the cooperative replies."""
    booking.prescription, booking.prescription_at = text, now
    booking.status, booking.outcome = "done", booking.outcome or "held"
    record_event(session, booking, expert.phone, "prescription", now, text[:200])
    lang = language_of(session, booking.phone)
    variables = {"1": booking.code, "2": expert.name}
    if within_window(session, booking.phone, now):
        _send_prescription(session, booking, expert, lang, now)
    else:
        booking.prescription_pending = True
        body = say("prescription_notice", lang, code=booking.code, expert=expert.name)
        enqueue(session, booking.phone, body, "prescription_notice", now, booking.id, variables)
    _ask_satisfaction(session, booking, lang, now, settings)
    return staff("resep_sent", code=booking.code)


def _ask_satisfaction(
    session: Session, booking: Booking, lang: str, now: datetime, settings: "Settings"
) -> None:
    """The working day after the prescription: how satisfied, and is it solved?"""
    calendar = working_calendar(session, now, settings.hours)
    day = calendar.working_day_after(now.astimezone(WIB).date())
    due = datetime.combine(day, settings.survey_at, WIB)
    body = say("survey", lang, code=booking.code)
    enqueue(session, booking.phone, body, "follow_up", now, booking.id, {"1": booking.code}, due)


def _send_prescription(
    session: Session, booking: Booking, expert: Expert, lang: str, now: datetime
) -> None:
    body = say("prescription", lang, code=booking.code, expert=expert.name,
               text=booking.prescription)  # fmt: skip
    for part in split_message(body):
        enqueue(session, booking.phone, part, "prescription", now, booking.id)
    booking.prescription_pending = False


def deliver_pending_prescriptions(session: Session, phone: str, now: datetime) -> None:
    """The cooperative wrote: prescriptions announced by template now go as text."""
    for booking, _cooperative, _topic in bookings_of(session, phone):
        if booking.prescription_pending and booking.prescription and booking.expert_id:
            expert = session.get(Expert, booking.expert_id)
            _send_prescription(session, booking, expert, language_of(session, phone), now)


def _schedule(session: Session, expert: Expert, command: ExpertCommand) -> str:
    day = command.day
    start = datetime.combine(day, time(0), WIB)
    rows = session.exec(
        select(Booking, Cooperative, Topic)
        .join(Cooperative, col(Booking.cooperative_id) == Cooperative.id)
        .join(Topic, col(Booking.topic_key) == Topic.key)
        .where(
            Booking.expert_id == expert.id,
            col(Booking.status).in_(("confirmed", "done")),
            col(Booking.requested_start) >= start,
            col(Booking.requested_start) < start + timedelta(days=1),
        )  # fmt: skip
        .order_by(col(Booking.requested_start))
    ).all()
    if not rows:
        return staff("expert_schedule_empty", day=format_day(day))
    lines = [
        staff("schedule_line", clock=format_clock(b.requested_start.astimezone(WIB)), code=b.code,
              coop=c.name, kecamatan=c.kecamatan, topic=TOPICS.label(b.topic_key),
              problem=f"{PROBLEM_AREAS.label(b.problem_area)}: {b.problem_text}"[:160],
              phone=b.phone, link=b.meeting_link)
        for b, c, _t in rows
    ]  # fmt: skip
    return staff("expert_schedule", day=format_day(day), lines="\n".join(lines))
