"""Putting a session on the calendar: confirming a request, accepting a proposal, moving or
changing a confirmed session. The time, the expert and the link are worked out here; the
step itself is `apply`.

No expert holds two overlapping sessions: the database refuses it (a unique index, and an
exclusion constraint on PostgreSQL), and that refusal becomes a clear answer with the next
free times.
"""

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from bot.lifecycle import Acting, Change, apply
from bot.meetings import MeetingRequest
from flows.availability import Pool
from flows.calendar import format_start
from flows.catalogue import say, staff
from flows.choices import TOPICS
from flows.conversation.when import refusal_line
from flows.dates import WIB
from flows.lifecycle import HOLDS_A_TIME, Channel, Event, Transition, check, held_at
from flows.links import is_meeting_link
from flows.words import fold
from storage.bookings import sessions_in_week
from storage.directory import active_experts
from storage.models import Booking, Expert
from storage.schedule import clinic_calendar, expert_pool, working_calendar

ADMIN_HORIZON = timedelta(days=366)


class Refused(Exception):
    """The step cannot be done as asked; the message says why (and what is free instead)."""


def next_free(act: Acting, booking: Booking, start: datetime) -> str:
    calendar = clinic_calendar(act.session, act.now, act.settings.hours)
    today = act.now.astimezone(WIB).date()
    options = calendar.nearest(start, today, topic=booking.topic_key, exclude=booking.code)
    return staff("admin_next_free", options="; ".join(format_start(s) for s in options) or "-")


def not_a_session_time(act: Acting, start: datetime) -> str | None:
    """Why a session cannot be put at `start` (past, closed day, outside hours), or None.

    Administrators may confirm sooner than cooperatives may ask (today, if still ahead) and
    beyond the booking horizon, up to a year ahead.
    """
    if start <= act.now:
        return say("refuse_past")
    if start > act.now + ADMIN_HORIZON:
        return staff("admin_too_far", days=ADMIN_HORIZON.days)
    calendar = working_calendar(act.session, act.now, act.settings.hours)
    refusal = calendar.slot_refusal(start, act.now.astimezone(WIB).date())
    if refusal is None or refusal.reason in ("too_soon", "too_far"):
        return None
    return refusal_line(refusal, start.astimezone(WIB).date(), "id", act.settings.hours)


def has_room(act: Acting, booking: Booking, start: datetime) -> bool:
    """Could `booking` hold `start` beside every other hold of that day (an expert for its
    topic left for each)? The caller holds the schedule lock (storage.schedule.lock_schedule),
    so the answer stays true until its change commits."""
    return room_for(act, booking.topic_key, start, booking.code)


def room_for(act: Acting, topic: str, start: datetime, exclude: str | None = None) -> bool:
    """has_room for a request not made yet (or booking `exclude`, whose own hold is ignored)."""
    return _pool(act, start).is_free(start, topic, exclude=exclude)


def _pool(act: Acting, start: datetime) -> Pool:
    day = start.astimezone(WIB).date()
    return expert_pool(act.session, day, day, act.settings.hours.session_minutes)


def _busy(act: Acting, booking: Booking, expert: Expert, start: datetime) -> Refused:
    busy = staff("admin_expert_busy", expert=expert.name, start=format_start(start))
    return Refused(busy + " " + next_free(act, booking, start))


def choose_expert(act: Acting, booking: Booking, start: datetime, name: str | None = None,
                  expert_id: int | None = None) -> Expert:  # fmt: skip
    """The named expert; else the session's own one when still free; else the active one
    for the topic with the fewest sessions that week."""
    pool, active = _pool(act, start), active_experts(act.session)
    if name or expert_id:
        wanted = fold(name or "")
        matches = [e for e in active if e.id == expert_id or (name and wanted in fold(e.name))]
        if len(matches) != 1:
            names = ", ".join(e.name for e in active) or "-"
            raise Refused(staff("admin_unknown_expert", name=name or expert_id, names=names))
        if pool.is_busy(matches[0].id, start, exclude=booking.code):
            raise _busy(act, booking, matches[0], start)
        return matches[0]
    topic = booking.topic_key
    able = [e for e in active if topic in pool.experts.get(e.id, ()) and
            not pool.is_busy(e.id, start, exclude=booking.code)]  # fmt: skip
    # An expert whose choice still leaves one for every other request holding that time; when
    # the booking holds this very time already (a request confirmed as asked), any free one:
    # confirming it then adds no hold to a time that may have become over-full (a day off).
    fits = [e for e in able if pool.can_take(e.id, start, topic, booking.code)]
    holds_it = booking.status in HOLDS_A_TIME and start == held_at(
        booking.status, booking.requested_start, booking.proposed_start
    )
    candidates = fits or (able if holds_it else [])
    if booking.expert in candidates:
        return booking.expert
    if not candidates:
        none = staff("admin_no_expert", topic=TOPICS.label(topic), start=format_start(start))
        raise Refused(none + " " + next_free(act, booking, start))
    local = start.astimezone(WIB)
    monday = datetime.combine(local.date() - timedelta(days=local.weekday()), datetime.min.time(),
                              WIB)  # fmt: skip
    week = (monday, monday + timedelta(days=7))
    return min(candidates, key=lambda e: (sessions_in_week(act.session, e.id, *week), e.id))


def take(act: Acting, booking: Booking, event: Event, start: datetime,
         expert_name: str | None = None, expert_id: int | None = None,
         url: str | None = None) -> Transition:  # fmt: skip
    """Confirm, accept or move: the session at `start` with an expert and a link.

    Raises NotAllowed when the booking's status does not allow it, Refused otherwise."""
    check(booking.status, booking.requested_start, event, act.actor, act.now)
    _check_link(act, url)
    if why := not_a_session_time(act, start):
        raise Refused(why)
    expert = choose_expert(act, booking, start, expert_name, expert_id)
    same = booking.expert is not None and booking.expert.id == expert.id
    standing = booking.meeting_link if same and booking.meeting_link else expert.meeting_link
    link = None  # face to face at the office: the address, never a meeting
    if booking.channel != Channel.OFFICE:
        minutes = act.settings.hours.session_minutes
        request = MeetingRequest(f"E-Klinik {booking.code}: {TOPICS.label(booking.topic_key)}",
                                 start, minutes)  # fmt: skip
        link = act.meetings.link_for(url, request, standing)
        if not link:
            raise Refused(staff("admin_no_link", expert=expert.name, code=booking.code))
    return _held_by(act, booking, event, Change(start=start, expert=expert, link=link))


def change(act: Acting, booking: Booking, expert_id: int | None = None,
           url: str | None = None) -> Transition:  # fmt: skip
    """Another expert or another link for a confirmed session; both sides hear of it."""
    check(booking.status, booking.requested_start, Event.UPDATE, act.actor, act.now)
    _check_link(act, url)
    start = booking.requested_start
    expert = act.session.get(Expert, expert_id) if expert_id else booking.expert
    if expert is None:
        raise Refused(staff("admin_unknown_expert", name=expert_id, names="-"))
    moving = booking.expert is None or expert.id != booking.expert.id
    if moving and _pool(act, start).is_busy(expert.id, start, booking.code):
        raise _busy(act, booking, expert, start)
    link = url or (expert.meeting_link if moving else None) or booking.meeting_link
    return _held_by(act, booking, Event.UPDATE, Change(start=start, expert=expert, link=link))


def _check_link(act: Acting, url: str | None) -> None:
    hosts = act.settings.link_hosts
    if url and not is_meeting_link(url, hosts):
        raise Refused(staff("admin_bad_url", url=url[:80], hosts=", ".join(hosts)))


def _held_by(act: Acting, booking: Booking, event: Event, change: Change) -> Transition:
    """The step, unless the database finds the expert's time taken meanwhile (a concurrent
    confirmation): then the answer is the next free times."""
    try:
        return apply(act, booking, event, change)
    except IntegrityError:
        act.session.refresh(booking)
        raise _busy(act, booking, change.expert, change.start) from None
