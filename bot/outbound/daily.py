"""The working day's messages at 07:00 WIB: each expert's schedule, the administrators' digest.

Made by every scheduler pass from 07:00 on (so a scheduler that was down catches up the same
day), exactly once per recipient and day: each row carries a unique `dedupe_key`, and a
second scheduler inserting the same key is refused by the database and moves on.
"""

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.config import Settings
from bot.lifecycle.facts import case_line, schedule_item, schedule_line
from flows.calendar import format_clock, format_day, format_start, format_waited
from flows.catalogue import staff
from flows.dates import WIB
from flows.kinds import KINDS, MESSAGE_PART
from flows.templates import BODY_LENGTH, VARIABLE_LENGTH, bodies, render
from storage.agenda import experts_on, sessions_on, waiting_requests
from storage.directory import admin_phones, person_name
from storage.models import Booking
from storage.outbox import enqueue, existing, exists, problems_since
from storage.schedule import working_calendar
from storage.threads import cooperative_names, waiting_threads

DIGEST_LINES = 10  # the waiting requests and the problems the digest lists (and counts all)


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


def schedule_parts(day: str, sessions: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """An expert's day as messages: each one's text within a WhatsApp message and its template
    (the sessions in one line: time, cooperative, topic, code, link) within Twilio's 255
    characters a variable, as many as that takes. `sessions`: each session's line of text
    and its item in the template's line."""
    template, groups = bodies()[KINDS["expert_schedule"].template], [[]]
    for line, item in sessions:
        trial = [*groups[-1], (line, item)]
        if groups[-1] and not _fits(template, day, len(sessions), trial):
            groups.append([(line, item)])
        else:
            groups[-1] = trial
    shown = [day if len(groups) == 1 else staff("schedule_part", day=day, part=n, parts=len(groups))
             for n in range(1, len(groups) + 1)]  # fmt: skip
    return [{"day": label, "count": len(sessions), "lines": "\n".join(line for line, _ in group),
             "sessions": " · ".join(item for _, item in group)}
            for label, group in zip(shown, groups, strict=True)]  # fmt: skip


def _fits(template: str, day: str, count: int, group: list[tuple[str, str]]) -> bool:
    lines = "\n".join(line for line, _item in group)
    text = staff("expert_schedule", day=day, count=count, lines=lines)
    values = {"1": f"{day} (99/99)", "2": str(count), "3": " · ".join(i for _, i in group)}
    return (len(text) <= MESSAGE_PART and len(values["3"]) <= VARIABLE_LENGTH
            and len(render(template, values)) <= BODY_LENGTH)  # fmt: skip


def _schedule_key(expert_id: int, today: date) -> str:
    return f"expert_schedule:{expert_id}:{today.isoformat()}"


def _digest_key(phone: str, today: date) -> str:
    return f"admin_digest:{phone}:{today.isoformat()}"


def _keys(session: Session, today: date, settings: Settings) -> tuple[set[str], list[str]]:
    """Today's once-a-day keys (each expert with a session today, each administrator), and
    the administrators' numbers."""
    admins = admin_phones(session, settings.admin_numbers)
    keys = {_schedule_key(expert, today) for expert in experts_on(session, today)}
    return keys | {_digest_key(phone, today) for phone in admins}, admins


def make_daily(session: Session, now: datetime, settings: Settings) -> int:
    """Queue today's schedules and digests if it is a working day from DAILY_AT on; how many.

    Every pass from DAILY_AT on asks, so the keys are checked first (three small queries):
    once all of today's are made, nothing is built."""
    local = now.astimezone(WIB)
    today = local.date()
    if local.time() < settings.daily_at:
        return 0
    keys, admins = _keys(session, today, settings)
    made_before = existing(session, keys)
    if keys <= made_before:
        return 0
    if not working_calendar(session, now, settings.hours).is_working_day(today):
        return 0
    day = format_day(today)
    sessions = sessions_on(session, today)
    made = 0
    by_expert: dict[int, list[Booking]] = {}
    for booking in sessions:
        by_expert.setdefault(booking.expert_id, []).append(booking)
    for expert_id, theirs in by_expert.items():
        key = _schedule_key(expert_id, today)
        if key in made_before:
            continue
        parts = schedule_parts(day, [(schedule_line(b) + case_line(session, b), schedule_item(b))
                                     for b in theirs])  # fmt: skip
        for number, facts in enumerate(parts, 1):
            part_key = key if number == 1 else f"{key}:{number}"
            made += _once(session, part_key, "expert_schedule", theirs[0].expert.phone, now, facts)
    wanted = [phone for phone in admins if _digest_key(phone, today) not in made_before]
    facts = _digest(session, sessions, day, now) if wanted else {}
    for phone in wanted:
        made += _once(session, _digest_key(phone, today), "admin_digest", phone, now, facts)
    return made


def _digest(session: Session, today: list[Booking], day: str, now: datetime) -> dict[str, Any]:
    waiting_count, waiting = waiting_requests(session, DIGEST_LINES)
    failed_count, failed = problems_since(session, now - timedelta(days=1), DIGEST_LINES)
    waiting_lines = "".join(
        staff("digest_waiting", code=b.code, coop=b.cooperative.name,
              start=format_start(b.requested_start)) + "\n"
        for b in waiting
    )  # fmt: skip
    today_lines = "".join(
        staff("digest_today", clock=format_clock(b.requested_start.astimezone(WIB)), code=b.code,
              coop=b.cooperative.name, expert=b.expert.name) + "\n"
        for b in today
    )  # fmt: skip
    failed_lines = "".join(
        staff("digest_failed", kind=m.kind, phone=m.to_phone, error=m.error or m.status) + "\n"
        for m in failed
    )
    messages, threads = waiting_threads(session)
    names = cooperative_names(session, [t.phone for t in threads])
    message_lines = "".join(
        staff("digest_message", phone=t.phone, who=names.get(t.phone, ""),
              waited=format_waited(now - t.waiting_since),
              taken=staff("digest_taken", by=person_name(session, t.taken_by))
              if t.taken_by else "") + "\n"
        for t in threads
    )  # fmt: skip
    return {"day": day, "waiting": waiting_count, "waiting_lines": waiting_lines,
            "today": len(today), "today_lines": today_lines, "messages": messages,
            "message_lines": message_lines, "failed": failed_count,
            "failed_lines": failed_lines}  # fmt: skip
