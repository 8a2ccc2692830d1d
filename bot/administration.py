"""What administrators do to a booking: confirm, propose, decline, and read the requests.

Used by the WhatsApp commands and by the cooperative accepting a proposal; every change is
logged in the booking's history and every message goes through the outbox in the same
transaction. No double booking: the database refuses overlapping confirmed sessions of one
expert (unique index, and an exclusion constraint on PostgreSQL); that refusal is turned into
a clear answer with the next free times.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.reminders import cancel_reminders, schedule_reminders
from flows.admin import Command, Mistyped, is_https_url
from flows.availability import Pool
from flows.booking import refusal_line
from flows.calendar import format_start, hours_params
from flows.catalogue import name, names, say, staff
from flows.choices import PROBLEM_AREAS, ROLES, TOPICS
from flows.dates import WIB
from flows.model import DEFAULT_ADDRESS
from flows.words import fold
from storage.bookings import (
    booking_by_code,
    history,
    record_event,
    sessions_in_week,
    waiting_requests,
)
from storage.conversations import language_of
from storage.models import Booking, Case, Cooperative, Expert
from storage.outbox import enqueue
from storage.schedule import clinic_calendar, expert_pool, working_calendar

if TYPE_CHECKING:
    from bot.inbound import Settings

PAGE = 10


@dataclass(frozen=True)
class Outcome:
    done: bool
    lines: list[str]


def _status(status: str) -> str:
    return name("status", status)


def _pool(session: Session, start: datetime, settings: "Settings") -> Pool:
    day = start.astimezone(WIB).date()
    return expert_pool(session, day, day, settings.hours.session_minutes)


def _next_free(
    session: Session, booking: Booking, start: datetime, now: datetime, settings: "Settings"
) -> str:
    calendar = clinic_calendar(session, now, settings.hours)
    today = now.astimezone(WIB).date()
    options = calendar.nearest(start, today, topic=booking.topic_key, exclude=booking.code)
    return staff("admin_next_free", options="; ".join(format_start(s) for s in options) or "-")


def _choose_expert(
    session: Session,
    booking: Booking,
    start: datetime,
    name: str | None,
    now: datetime,
    settings: "Settings",
    expert_id: int | None = None,
) -> Expert | str:
    """The named expert, or the active one for the topic with the fewest sessions that week."""
    pool = _pool(session, start, settings)
    active = list(session.exec(select(Expert).where(col(Expert.active).is_(True))).all())
    if name or expert_id:
        wanted = fold(name or "")
        matches = [e for e in active if e.id == expert_id or (name and wanted in fold(e.name))]
        if len(matches) != 1:
            names = ", ".join(e.name for e in active) or "-"
            return staff("admin_unknown_expert", name=name or expert_id, names=names)
        expert = matches[0]
        if pool.is_busy(expert.id, start, exclude=booking.code):
            busy = staff("admin_expert_busy", expert=expert.name, start=format_start(start))
            return busy + " " + _next_free(session, booking, start, now, settings)
        return expert
    monday = start.astimezone(WIB) - timedelta(days=start.astimezone(WIB).weekday())
    week = (monday.replace(hour=0, minute=0), monday.replace(hour=0, minute=0) + timedelta(7))
    topic = booking.topic_key
    able = [e for e in active if topic in pool.experts.get(e.id, ()) and
            not pool.is_busy(e.id, start, exclude=booking.code)]  # fmt: skip
    # prefer an expert whose choice still leaves one for every other request waiting then
    candidates = [e for e in able if pool.can_take(e.id, start, topic, booking.code)] or able
    if not candidates:
        none = staff("admin_no_expert", topic=TOPICS.label(topic), start=format_start(start))
        return none + " " + _next_free(session, booking, start, now, settings)
    return min(candidates, key=lambda e: (sessions_in_week(session, e.id, *week), e.id))


def confirm_booking(
    session: Session,
    booking: Booking,
    start: datetime,
    actor: str,
    now: datetime,
    settings: "Settings",
    expert_name: str | None = None,
    url: str | None = None,
    expert_id: int | None = None,
) -> Outcome:
    if booking.status not in ("waiting", "proposed"):
        return Outcome(False, [staff("admin_wrong_status", code=booking.code,
                                   status=_status(booking.status))])  # fmt: skip
    if url and not is_https_url(url):
        return Outcome(False, [staff("admin_bad_url", url=url)])
    if why := _not_a_session_time(session, start, now, settings):
        return Outcome(False, [why])
    expert = _choose_expert(session, booking, start, expert_name, now, settings, expert_id)
    if isinstance(expert, str):
        return Outcome(False, [expert])
    try:
        with session.begin_nested():
            return _confirm(session, booking, expert, start, actor, now, settings, url)
    except IntegrityError:  # a concurrent confirmation took this expert's time first
        session.refresh(booking)
        busy = staff("admin_expert_busy", expert=expert.name, start=format_start(start))
        return Outcome(False, [busy + " " + _next_free(session, booking, start, now, settings)])
    except NoMeetingLink as missing:
        return Outcome(False, [str(missing)])


def _confirm(
    session: Session,
    booking: Booking,
    expert: Expert,
    start: datetime,
    actor: str,
    now: datetime,
    settings: "Settings",
    url: str | None,
) -> Outcome:
    minutes = settings.hours.session_minutes
    booking.status, booking.expert_id = "confirmed", expert.id
    booking.requested_start, booking.ends_at = start, start + timedelta(minutes=minutes)
    booking.proposed_start = None
    session.add(booking)
    session.flush()  # the database's own check: no overlapping session for this expert
    link = settings.meetings.link_for(
        url, f"E-Klinik {booking.code}: {TOPICS.label(booking.topic_key)}", start, minutes,
        expert.meeting_link,
    )
    if not link:
        raise NoMeetingLink(staff("admin_no_link", expert=expert.name, code=booking.code))
    booking.meeting_link = link
    session.add(booking)
    record_event(session, booking, actor, "confirmed", now,
                 f"{format_start(start)}, {expert.name}, {link}")  # fmt: skip
    _tell_confirmed(session, booking, expert, now, settings)
    return Outcome(True, [staff("admin_confirmed", code=booking.code, start=format_start(start),
                              expert=expert.name, link=link)])  # fmt: skip


class NoMeetingLink(Exception):
    """Raised inside the savepoint so the confirmation is undone as a whole."""


def _tell_confirmed(
    session: Session,
    booking: Booking,
    expert: Expert,
    now: datetime,
    settings: "Settings",
) -> None:
    """The cooperative's confirmation, its reminders, and the expert's notice."""
    cooperative = session.get(Cooperative, booking.cooperative_id)
    lang = language_of(session, booking.phone)
    start = format_start(booking.requested_start, lang)
    link = booking.meeting_link
    body = say("confirmation", lang, code=booking.code, start=start, expert=expert.name,
               link=link, prepare=names("prepare", lang)[booking.topic_key])  # fmt: skip
    variables = {"1": booking.code, "2": start, "3": expert.name, "4": link}
    enqueue(session, booking.phone, body, "confirmation", now, booking.id, variables)
    calendar = working_calendar(session, now, settings.hours)
    schedule_reminders(session, booking, expert, lang, now, settings.reminders, calendar)
    problem = f"{PROBLEM_AREAS.label(booking.problem_area)} — {booking.problem_text}"
    body = staff("expert_notice", code=booking.code, start=format_start(booking.requested_start),
               coop=cooperative.name, kecamatan=cooperative.kecamatan,
               topic=TOPICS.label(booking.topic_key),
               problem=problem, contact=booking.contact_name, phone=booking.phone,
               link=link)  # fmt: skip
    variables = {"1": booking.code, "2": format_start(booking.requested_start),
                 "3": cooperative.name, "4": link}  # fmt: skip
    enqueue(session, expert.phone, body, "expert_notice", now, booking.id, variables)


def run(session: Session, command: Command | Mistyped, actor: str, now: datetime,
        settings: "Settings") -> list[str]:  # fmt: skip
    """Carry out one administrator command; the replies for the administrator."""
    if isinstance(command, Mistyped):
        why = staff(f"mistyped.{command.why}", text=command.text)
        return [staff("admin_mistyped", why=why, example=staff(f"example.admin.{command.verb}"))]
    if command.verb == "help":
        return [staff("admin_help")]
    if command.verb == "list":
        return [_list(session, command.page)]
    booking = booking_by_code(session, command.code or "", lock=True)
    if booking is None:
        return [staff("admin_unknown_code", code=command.code)]
    if command.verb == "detail":
        return [_detail(session, booking)]
    if command.verb == "confirm":
        start = command.start or booking.proposed_start or booking.requested_start
        return confirm_booking(
            session,
            booking,
            start,
            actor,
            now,
            settings,
            command.expert,
            command.url,
            command.expert_id,
        ).lines
    if command.verb == "propose":
        return _propose(session, booking, command.start, actor, now, settings)
    if command.verb == "close":
        return [close_case(session, booking, command.reason or "", actor, now)]
    return _decline(session, booking, command.reason or "", actor, now, settings)


def _list(session: Session, page: int) -> str:
    rows = waiting_requests(session)
    if not rows:
        return staff("admin_list_empty")
    pages = (len(rows) + PAGE - 1) // PAGE
    page = min(max(page, 1), pages)
    lines = [
        staff("admin_list_line", code=b.code, coop=coop.name, topic=TOPICS.label(b.topic_key),
              start=format_start(b.requested_start))
        for b, coop, _topic in rows[(page - 1) * PAGE : page * PAGE]
    ]  # fmt: skip
    return staff("admin_list", total=len(rows), page=page, pages=pages, lines="\n".join(lines))


def _detail(session: Session, booking: Booking) -> str:
    cooperative = session.get(Cooperative, booking.cooperative_id)
    expert = session.get(Expert, booking.expert_id) if booking.expert_id else None
    label = names("detail", "staff")
    coop = cooperative.name
    if cooperative.nik:
        coop = staff("coop_with_nik", name=cooperative.name, nik=cooperative.nik)
    role = ROLES.label(booking.contact_role)
    lines = [
        f"*{booking.code}* — {_status(booking.status)}",
        f"{label['coop']}: {coop}",
        f"{label['kecamatan']}: {cooperative.kecamatan}",
        f"{label['contact']}: {booking.contact_name} ({role}), {booking.phone}",
        f"{label['topic']}: {TOPICS.label(booking.topic_key)}",
        f"{label['problem']}: {PROBLEM_AREAS.label(booking.problem_area)} — "
        f"{booking.problem_text}",
        f"{label['start']}: {format_start(booking.requested_start)}",
    ]
    if booking.proposed_start:
        lines.append(f"{label['proposed']}: {format_start(booking.proposed_start)}")
    if expert:
        lines.append(f"{label['expert']}: {expert.name}")
    if booking.meeting_link:
        lines.append(f"{label['link']}: {booking.meeting_link}")
    events = history(session, booking.id)
    if events:
        lines.append(f"{label['history']}:")
        lines += [staff("detail_event", at=format_start(e.at), action=e.action, actor=e.actor,
                        detail=e.detail).rstrip() for e in events]  # fmt: skip
    return "\n".join(lines)


def _not_a_session_time(
    session: Session, start: datetime, now: datetime, settings: "Settings"
) -> str | None:
    """Why a session cannot be put at `start` (past, closed day, outside hours), or None.

    Administrators may confirm sooner than cooperatives may ask (today, if still ahead) and
    beyond the booking horizon.
    """
    if start <= now:
        return say("refuse_past")
    calendar = working_calendar(session, now, settings.hours)
    refusal = calendar.slot_refusal(start, now.astimezone(WIB).date())
    if refusal is None or refusal.reason in ("too_soon", "too_far"):
        return None
    return refusal_line(refusal, start.astimezone(WIB).date(), "id", settings.hours)


def _propose(
    session: Session,
    booking: Booking,
    start: datetime | None,
    actor: str,
    now: datetime,
    settings: "Settings",
) -> list[str]:
    if booking.status not in ("waiting", "proposed"):
        return [staff("admin_wrong_status", code=booking.code, status=_status(booking.status))]
    if why := _not_a_session_time(session, start, now, settings):
        return [why]
    booking.status, booking.proposed_start = "proposed", start
    record_event(session, booking, actor, "proposed", now, format_start(start))
    lang = language_of(session, booking.phone)
    enqueue(session, booking.phone,
            say("proposal", lang, code=booking.code, start=format_start(start, lang)),
            "proposal", now, booking.id)  # fmt: skip
    return [staff("admin_proposed", code=booking.code, start=format_start(start))]


def _decline(session: Session, booking: Booking, reason: str, actor: str, now: datetime,
             settings: "Settings") -> list[str]:  # fmt: skip
    if booking.status not in ("waiting", "proposed", "confirmed"):
        return [staff("admin_wrong_status", code=booking.code, status=_status(booking.status))]
    booking.status, booking.decline_reason = "declined", reason
    cancel_reminders(session, booking.id, "booking declined")
    record_event(session, booking, actor, "declined", now, reason)
    lang = language_of(session, booking.phone)
    address = settings.address or DEFAULT_ADDRESS
    enqueue(session, booking.phone,
            say("declined", lang, code=booking.code, reason=reason, address=address,
                **hours_params(settings.hours)),
            "decline", now, booking.id)  # fmt: skip
    return [staff("admin_declined", code=booking.code)]


def update_session(
    session: Session,
    booking: Booking,
    actor: str,
    now: datetime,
    settings: "Settings",
    expert_id: int | None = None,
    url: str | None = None,
) -> list[str]:
    """Another expert or another link for a confirmed session; both sides hear of it."""
    if booking.status != "confirmed":
        return [staff("admin_wrong_status", code=booking.code, status=_status(booking.status))]
    start = booking.requested_start
    old_expert = session.get(Expert, booking.expert_id)
    expert = session.get(Expert, expert_id) if expert_id else old_expert
    if expert is None:
        return [staff("admin_unknown_expert", name=expert_id, names="-")]
    moving = expert.id != old_expert.id
    if moving and _pool(session, start, settings).is_busy(expert.id, start, booking.code):
        busy = staff("admin_expert_busy", expert=expert.name, start=format_start(start))
        return [busy + " " + _next_free(session, booking, start, now, settings)]
    try:
        with session.begin_nested():
            booking.expert_id = expert.id
            booking.meeting_link = url or booking.meeting_link
            if moving and not url:
                booking.meeting_link = expert.meeting_link or booking.meeting_link
            session.add(booking)
            session.flush()
    except IntegrityError:
        busy = staff("admin_expert_busy", expert=expert.name, start=format_start(start))
        return [busy + " " + _next_free(session, booking, start, now, settings)]
    if moving:
        cooperative = session.get(Cooperative, booking.cooperative_id)
        enqueue(session, old_expert.phone,
                staff("expert_cancelled", code=booking.code, coop=cooperative.name,
                    start=format_start(start)),
                "expert_cancelled", now, booking.id)  # fmt: skip
    record_event(session, booking, actor, "updated", now,
                 f"{expert.name}, {booking.meeting_link}")  # fmt: skip
    _tell_confirmed(session, booking, expert, now, settings)
    return [staff("admin_confirmed", code=booking.code, start=format_start(start),
                expert=expert.name, link=booking.meeting_link)]  # fmt: skip


def close_case(session: Session, booking: Booking, reason: str, actor: str, now: datetime) -> str:
    """An administrator ends the booking's case (for a reason other than the cooperative's
    SUDAH): no satisfaction question follows for it any more."""
    case = session.get(Case, booking.case_id) if booking.case_id else None
    if case is None or case.status != "open":
        return staff("admin_case_already_closed", code=booking.code)
    case.status, case.closed_reason, case.closed_at = "closed", reason, now
    session.add(case)
    record_event(session, booking, actor, "case closed", now, reason)
    return staff("admin_case_closed", code=booking.code, reason=reason)
