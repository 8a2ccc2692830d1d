"""The working day's messages at 07:00 WIB: each expert's schedule, the administrators' digest.

Made by every scheduler pass from 07:00 on (so a scheduler that was down catches up the same
day), exactly once per recipient and day: each row carries a unique `dedupe_key`, and a
second scheduler inserting the same key is refused by the database and moves on.
"""

from datetime import datetime, time, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from flows.calendar import ClinicHours, format_clock, format_day, format_start
from flows.catalogue import staff
from flows.choices import PROBLEM_AREAS, TOPICS
from flows.dates import WIB
from storage.bookings import waiting_requests
from storage.directory import admin_phones
from storage.models import Booking, Cooperative, Expert, OutboundMessage, Topic
from storage.outbox import enqueue
from storage.schedule import working_calendar


def _once(session: Session, key: str, to: str, body: str, kind: str, now: datetime,
          variables: dict) -> bool:  # fmt: skip
    if session.exec(select(OutboundMessage.id).where(OutboundMessage.dedupe_key == key)).first():
        return False
    try:
        with session.begin_nested():
            message = enqueue(session, to, body, kind, now, variables=variables)
            message.dedupe_key = key
            session.flush()
    except IntegrityError:  # another scheduler made it a moment ago
        return False
    return True


def _sessions_today(session: Session, start: datetime) -> list:
    return list(
        session.exec(
            select(Booking, Cooperative, Topic, Expert)
            .join(Cooperative, col(Booking.cooperative_id) == Cooperative.id)
            .join(Topic, col(Booking.topic_key) == Topic.key)
            .join(Expert, col(Booking.expert_id) == Expert.id)
            .where(
                Booking.status == "confirmed",
                col(Booking.requested_start) >= start,
                col(Booking.requested_start) < start + timedelta(days=1),
            )
            .order_by(col(Booking.requested_start))
        ).all()
    )


def _case_line(session: Session, booking: Booking) -> str:
    """For a follow-up: "sesi ke-2; resep sebelumnya: …" from the case's earlier sessions."""
    if booking.case_id is None:
        return ""
    earlier = session.exec(
        select(Booking)
        .where(
            Booking.case_id == booking.case_id,
            col(Booking.id) != booking.id,
            col(Booking.requested_start) < booking.requested_start,
            col(Booking.status).in_(("done", "confirmed")),
        )  # fmt: skip
        .order_by(col(Booking.requested_start))
    ).all()
    if not earlier:
        return ""
    last = next((b.prescription for b in reversed(earlier) if b.prescription), None)
    line = staff("schedule_case", number=len(earlier) + 1)
    return line + (staff("schedule_previous", text=last[:160]) if last else "")


def make_daily(
    session: Session, now: datetime, at: time, hours: ClinicHours, admins: tuple[str, ...]
) -> int:
    """Queue today's schedules and digests if it is a working day from `at` on; how many."""
    local = now.astimezone(WIB)
    today = local.date()
    calendar = working_calendar(session, now, hours)
    if local.time() < at or not calendar.is_working_day(today):
        return 0
    day = format_day(today)
    midnight = datetime.combine(today, time(0), WIB)
    rows = _sessions_today(session, midnight)
    made = 0
    by_expert: dict[int, list[str]] = {}
    experts: dict[int, Expert] = {}
    for booking, cooperative, _topic, expert in rows:
        experts[expert.id] = expert
        problem = f"{PROBLEM_AREAS.label(booking.problem_area)}: {booking.problem_text}"
        line = staff("schedule_line", clock=format_clock(booking.requested_start.astimezone(WIB)),
                     code=booking.code, coop=cooperative.name, kecamatan=cooperative.kecamatan,
                     topic=TOPICS.label(booking.topic_key), problem=problem[:160],
                     phone=booking.phone, link=booking.meeting_link)  # fmt: skip
        by_expert.setdefault(expert.id, []).append(line + _case_line(session, booking))
    for expert_id, lines in by_expert.items():
        expert = experts[expert_id]
        body = staff("expert_schedule", day=day, lines="\n".join(lines))
        key = f"expert_schedule:{expert_id}:{today.isoformat()}"
        variables = {"1": day, "2": str(len(lines))}
        made += _once(session, key, expert.phone, body, "expert_schedule", now, variables)
    body, variables = _digest(session, rows, day, now)
    for phone in admin_phones(session, admins):
        key = f"admin_digest:{phone}:{today.isoformat()}"
        made += _once(session, key, phone, body, "admin_digest", now, variables)
    return made


def _digest(session: Session, today_rows: list, day: str, now: datetime) -> tuple[str, dict]:
    waiting = waiting_requests(session)
    failed = session.exec(
        select(OutboundMessage)
        .where(
            col(OutboundMessage.status).in_(("failed", "undelivered", "held")),
            col(OutboundMessage.created_at) >= now - timedelta(days=1),
        )  # fmt: skip
        .order_by(col(OutboundMessage.id))
    ).all()
    waiting_lines = "".join(
        staff("digest_waiting", code=b.code, coop=c.name, start=format_start(b.requested_start))
        + "\n"
        for b, c, _t in waiting[:10]
    )
    today_lines = "".join(
        staff("digest_today", clock=format_clock(b.requested_start.astimezone(WIB)), code=b.code,
              coop=c.name, expert=e.name) + "\n"
        for b, c, _t, e in today_rows
    )  # fmt: skip
    failed_lines = "".join(
        staff("digest_failed", kind=m.kind, phone=m.to_phone, error=m.error or m.status) + "\n"
        for m in failed[:10]
    )
    body = staff("admin_digest", day=day, waiting=len(waiting), waiting_lines=waiting_lines,
               today=len(today_rows), today_lines=today_lines, failed=len(failed),
               failed_lines=failed_lines).rstrip()  # fmt: skip
    variables = {"1": day, "2": str(len(waiting)), "3": str(len(today_rows)), "4": str(len(failed))}
    return body, variables
