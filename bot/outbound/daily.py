"""The working day's messages at 07:00 WIB: each expert's schedule, the administrators' digest.

Made by every scheduler pass from 07:00 on (so a scheduler that was down catches up the same
day), exactly once per recipient and day: each row carries a unique `dedupe_key`, and a
second scheduler inserting the same key is refused by the database and moves on.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.config import Settings
from bot.lifecycle.facts import schedule_line
from flows.calendar import format_clock, format_day, format_start
from flows.catalogue import staff
from flows.dates import WIB
from flows.kinds import KINDS
from flows.words import shorten
from storage.agenda import earlier_sessions, sessions_on, waiting_requests
from storage.directory import admin_phones
from storage.models import Booking
from storage.outbox import enqueue, exists, problems_since
from storage.schedule import working_calendar


def _once(session: Session, key: str, kind: str, to: str, now: datetime,
          facts: Mapping[str, Any]) -> bool:  # fmt: skip
    if exists(session, key):
        return False
    try:
        with session.begin_nested():
            first, *_rest = enqueue(session, KINDS[kind], to, now, facts)
            first.dedupe_key = key
            session.flush()
    except IntegrityError:  # another scheduler made it a moment ago
        return False
    return True


def _case_line(session: Session, booking: Booking) -> str:
    """For a follow-up: "sesi ke-2; resep sebelumnya: …" from the case's earlier sessions."""
    earlier = earlier_sessions(session, booking)
    if not earlier:
        return ""
    last = next((b.prescription for b in reversed(earlier) if b.prescription), None)
    line = staff("schedule_case", number=len(earlier) + 1)
    return line + (staff("schedule_previous", text=shorten(last, 160)) if last else "")


def make_daily(session: Session, now: datetime, settings: Settings) -> int:
    """Queue today's schedules and digests if it is a working day from DAILY_AT on; how many."""
    local = now.astimezone(WIB)
    today = local.date()
    calendar = working_calendar(session, now, settings.hours)
    if local.time() < settings.daily_at or not calendar.is_working_day(today):
        return 0
    day = format_day(today)
    sessions = sessions_on(session, today)
    made = 0
    by_expert: dict[int, list[Booking]] = {}
    for booking in sessions:
        by_expert.setdefault(booking.expert_id, []).append(booking)
    for expert_id, theirs in by_expert.items():
        lines = "\n".join(schedule_line(b) + _case_line(session, b) for b in theirs)
        facts = {"day": day, "count": len(theirs), "lines": lines}
        key = f"expert_schedule:{expert_id}:{today.isoformat()}"
        made += _once(session, key, "expert_schedule", theirs[0].expert.phone, now, facts)
    facts = _digest(session, sessions, day, now)
    for phone in admin_phones(session, settings.admin_numbers):
        key = f"admin_digest:{phone}:{today.isoformat()}"
        made += _once(session, key, "admin_digest", phone, now, facts)
    return made


def _digest(session: Session, today: list[Booking], day: str, now: datetime) -> dict[str, Any]:
    waiting = waiting_requests(session)
    failed = problems_since(session, now - timedelta(days=1))
    waiting_lines = "".join(
        staff("digest_waiting", code=b.code, coop=b.cooperative.name,
              start=format_start(b.requested_start)) + "\n"
        for b in waiting[:10]
    )  # fmt: skip
    today_lines = "".join(
        staff("digest_today", clock=format_clock(b.requested_start.astimezone(WIB)), code=b.code,
              coop=b.cooperative.name, expert=b.expert.name) + "\n"
        for b in today
    )  # fmt: skip
    failed_lines = "".join(
        staff("digest_failed", kind=m.kind, phone=m.to_phone, error=m.error or m.status) + "\n"
        for m in failed[:10]
    )
    return {"day": day, "waiting": len(waiting), "waiting_lines": waiting_lines,
            "today": len(today), "today_lines": today_lines, "failed": len(failed),
            "failed_lines": failed_lines}  # fmt: skip
