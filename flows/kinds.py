"""Every kind of outbound message, declared once: its text, its WhatsApp template and the
variables the template takes, who gets it on which lifecycle step, when it is due, and what
must still be true when the sender gets to it.

The outbox rows are written from this table (bot/lifecycle), the sender reads it before each
send, and the README's template table is rendered from it (`template_table`).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any

from flows.calendar import ClinicCalendar
from flows.catalogue import say, staff
from flows.dates import WIB
from flows.lifecycle import AWAITING_ANSWER, Status
from flows.templates import bodies


class MessageStatus(StrEnum):
    PENDING = "pending"  # in the outbox, due at due_at
    SENDING = "sending"  # claimed by a sender (with a lease)
    HELD = "held"  # outside WhatsApp's 24-hour window, and no template configured
    CANCELLED = "cancelled"  # no longer true (the session moved, the case closed, …)
    SUPPRESSED = "suppressed"  # the recipient said STOP
    FAILED = "failed"
    # Twilio's own statuses, from its answer and its status callbacks
    ACCEPTED = "accepted"
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    UNDELIVERED = "undelivered"


# A status callback only moves a message forward: a late "sent" never undoes "delivered".
PROGRESS = {MessageStatus.ACCEPTED: 0, MessageStatus.QUEUED: 0, MessageStatus.SENDING: 0,
            MessageStatus.SENT: 1, MessageStatus.DELIVERED: 2, MessageStatus.READ: 3,
            MessageStatus.FAILED: 4, MessageStatus.UNDELIVERED: 4}  # fmt: skip
PROBLEMS = frozenset({MessageStatus.FAILED, MessageStatus.UNDELIVERED, MessageStatus.HELD})


class To(StrEnum):
    COOPERATIVE = "cooperative"  # the number that made the booking
    EXPERT = "expert"  # the session's expert after the step
    NEW_EXPERT = "new_expert"  # ... only when the step gave the session to them
    SAME_EXPERT = "same_expert"  # ... only when they had it before the step too
    PREVIOUS_EXPERT = "previous_expert"  # the expert before the step, when they lost it
    ADMINISTRATORS = "administrators"


@dataclass(frozen=True)
class MessageTimes:
    day_before_at: time = time(9, 0)  # REMINDER_DAY_BEFORE_AT, the working day before
    minutes_before: int = 60  # REMINDER_MINUTES_BEFORE
    survey_at: time = time(10, 0)  # SURVEY_AT, the working day after the prescription


@dataclass(frozen=True)
class Moment:
    """What a kind's due time and condition are worked out from."""

    now: datetime
    start: datetime  # the session's time after the step
    calendar: ClinicCalendar
    times: MessageTimes = MessageTimes()
    in_window: bool = True  # the cooperative wrote within WhatsApp's 24 hours


def at_once(moment: Moment) -> datetime | None:
    return moment.now


def day_before(moment: Moment) -> datetime | None:
    """The working day before at 09:00; none when confirmed later than that."""
    day = moment.calendar.working_day_before(moment.start.astimezone(WIB).date())
    due = datetime.combine(day, moment.times.day_before_at, WIB)
    return due if moment.now < due else None


def before_the_start(moment: Moment) -> datetime | None:
    """60 minutes before; at once when that has passed but the session is still ahead."""
    if moment.now >= moment.start:
        return None
    return max(moment.now, moment.start - timedelta(minutes=moment.times.minutes_before))


def working_day_after(moment: Moment) -> datetime | None:
    day = moment.calendar.working_day_after(moment.now.astimezone(WIB).date())
    return datetime.combine(day, moment.times.survey_at, WIB)


def always(_moment: Moment) -> bool:
    return True


def in_window(moment: Moment) -> bool:
    return moment.in_window


def outside_window(moment: Moment) -> bool:
    return not moment.in_window


@dataclass(frozen=True)
class Kind:
    name: str  # stored as outboundmessage.kind
    text: str | None  # its sentence in the catalogue; None: the body is given (a reply)
    template: str  # TWILIO_CONTENT_SID_<template>, outside WhatsApp's 24-hour window
    variables: tuple[str, ...]  # the text's fields sent as template variables 1, 2, …
    describe: str  # what it is, for the README
    audience: To = To.COOPERATIVE  # staff read the staff catalogue, cooperatives their language
    on: Mapping[str, To] = field(default_factory=dict)  # lifecycle step -> who gets it
    due: Callable[[Moment], datetime | None] = at_once  # None: not sent this time
    when: Callable[[Moment], bool] = always
    while_status: frozenset[Status] = frozenset()  # sent only while the booking is so
    with_session: bool = False  # about one session time: gone when the session moves or ends
    before_start: bool = False  # pointless once the session has begun
    while_case_open: bool = False
    template_only: frozenset[str] = frozenset()  # variables the text says in another form
    prompt: str | None = None  # inside the 24-hour window, answered with a tap (flows/prompts)

    @property
    def whole_text(self) -> bool:
        """The template takes the whole text, in one line, as its only variable."""
        return not self.variables

    @property
    def staff(self) -> bool:
        return self.audience != To.COOPERATIVE

    def render(self, facts: Mapping[str, Any], lang: str = "id") -> tuple[str, dict | None]:
        """The message's text, and its template variables ({"1": …}; None: the whole text)."""
        if self.text is None:
            body = str(facts["text"])
        elif self.staff:
            body = staff(self.text, **facts)
        else:
            body = say(self.text, lang, **facts)
        variables = {str(n): str(facts[name]) for n, name in enumerate(self.variables, 1)}
        return body.rstrip(), variables or None


def _on(to: To, *steps: str) -> dict[str, To]:
    return dict.fromkeys(steps, to)


C, E, ADMINS = To.COOPERATIVE, To.EXPERT, To.ADMINISTRATORS
SESSION_STEPS = ("confirm", "accept", "update", "move", "accept_move")
CONFIRMED = frozenset({Status.CONFIRMED})
ONE_LINE = ()

KINDS_IN_ORDER = (
    Kind("reply", None, "REPLY", ONE_LINE, "a reply to the user's own message"),
    Kind("confirmation", "confirmation", "CONFIRMATION", ("code", "start", "expert", "place"),
         "confirmation to the cooperative", on=_on(C, "confirm", "accept", "update"),
         while_status=CONFIRMED, with_session=True),
    Kind("session_moved", "session_moved", "SESSION_MOVED",
         ("code", "old", "start", "expert", "place"), "a confirmed session moved to another time",
         on=_on(C, "move", "accept_move"), while_status=CONFIRMED, with_session=True),
    Kind("reminder_day_before", "reminder_day_before", "REMINDER_DAY_BEFORE",
         ("code", "start", "expert", "place"), "reminder the day before",
         on=_on(C, *SESSION_STEPS), due=day_before, while_status=CONFIRMED, with_session=True,
         before_start=True),
    Kind("reminder_hour_before", "reminder_hour_before", "REMINDER_HOUR_BEFORE",
         ("code", "clock", "place"), "reminder before the start", on=_on(C, *SESSION_STEPS),
         due=before_the_start, while_status=CONFIRMED, with_session=True, before_start=True),
    Kind("proposal", "proposal", "PROPOSAL", ONE_LINE, "an administrator's proposal",
         on=_on(C, "propose", "propose_move"), while_status=AWAITING_ANSWER),
    Kind("decline", "declined", "DECLINE", ONE_LINE, "an administrator's decline",
         on=_on(C, "decline")),
    Kind("admin_reply", "admin_reply", "ADMIN_REPLY", ("text",),
         "an administrator's answer (BALAS, the console)"),
    Kind("announcement", "announcement", "ANNOUNCEMENT", ("text",),
         "an announcement to a group of cooperatives"),
    Kind("no_show", "no_show", "NO_SHOW", ("code", "start"),
         "the expert did not meet the cooperative", on=_on(C, "no_show"),
         while_status=frozenset({Status.NO_SHOW})),
    Kind("prescription", "prescription", "PRESCRIPTION", ("code", "expert"),
         "the prescription (inside the 24-hour window)", on=_on(C, "prescribe"),
         when=in_window),
    Kind("prescription_notice", "prescription_notice", "PRESCRIPTION", ("code", "expert"),
         "outside it: a prescription is ready, the text follows when the cooperative replies",
         on=_on(C, "prescribe"), when=outside_window),
    Kind("follow_up", "survey", "FOLLOW_UP", ("code",),
         "the satisfaction question the working day after", on=_on(C, "prescribe"),
         due=working_day_after, while_status=frozenset({Status.DONE}), while_case_open=True,
         prompt="rating"),
    Kind("expert_notice", "expert_notice", "EXPERT_NOTICE", ("code", "start", "coop", "place"),
         "new session for an expert", audience=E,
         on={"confirm": E, "accept": E, "update": E, "move": To.NEW_EXPERT,
             "accept_move": To.NEW_EXPERT},
         while_status=CONFIRMED, with_session=True),
    Kind("expert_visit", "expert_visit", "EXPERT_VISIT", ("code", "coop", "topic"),
         "a walk-in sent to an expert at the office", audience=E, on=_on(E, "visit"),
         while_status=CONFIRMED),
    Kind("expert_moved", "expert_moved", "EXPERT_MOVED", ONE_LINE,
         "an expert's session moved", audience=E,
         on=_on(To.SAME_EXPERT, "move", "accept_move"), while_status=CONFIRMED,
         with_session=True),
    Kind("expert_move_asked", "expert_move_asked", "EXPERT_MOVED", ONE_LINE,
         "a cooperative asked to move it", audience=E,
         on=_on(To.PREVIOUS_EXPERT, "reschedule", "counter")),
    Kind("expert_cancelled", "expert_cancelled", "EXPERT_CANCELLED", ONE_LINE,
         "a session cancelled, declined or given to another expert", audience=E,
         on=_on(To.PREVIOUS_EXPERT, "cancel", "decline", "update", "move", "accept_move",
                "lapse")),
    Kind("expert_schedule", "expert_schedule", "EXPERT_SCHEDULE", ("day", "count", "sessions"),
         "an expert's day", audience=E, template_only=frozenset({"sessions"})),
    Kind("admin_notice", "admin_new_booking", "ADMIN_NOTICE", ONE_LINE,
         "to administrators: a new request", audience=ADMINS, on=_on(ADMINS, "request")),
    Kind("admin_cancelled", "admin_cancelled", "ADMIN_NOTICE", ONE_LINE,
         "a cancellation", audience=ADMINS, on=_on(ADMINS, "cancel")),
    Kind("admin_rescheduled", "admin_rescheduled", "ADMIN_NOTICE", ONE_LINE,
         "a new time asked for", audience=ADMINS, on=_on(ADMINS, "reschedule")),
    Kind("admin_proposal_accepted", "admin_proposal_accepted", "ADMIN_NOTICE", ONE_LINE,
         "a proposal accepted", audience=ADMINS,
         on=_on(ADMINS, "accept", "accept_move")),
    Kind("admin_proposal_countered", "admin_proposal_countered", "ADMIN_NOTICE", ONE_LINE,
         "a proposal answered with another time", audience=ADMINS, on=_on(ADMINS, "counter")),
    Kind("admin_proposal_taken", "admin_proposal_taken", "ADMIN_NOTICE", ONE_LINE,
         "an accepted time taken meanwhile", audience=ADMINS, on=_on(ADMINS, "lapse")),
    Kind("admin_message", "admin_message_from", "ADMIN_NOTICE", ONE_LINE,
         "a forwarded message", audience=ADMINS),
    Kind("admin_held", "admin_held", "ADMIN_NOTICE", ONE_LINE, "a held message",
         audience=ADMINS),
    Kind("admin_link", "admin_link_request", "ADMIN_NOTICE", ONE_LINE,
         "a number that gave another number's Nomor Induk", audience=ADMINS),
    Kind("admin_failed", "admin_send_failed", "ADMIN_NOTICE", ONE_LINE,
         "a message that could not be sent", audience=ADMINS),
    Kind("admin_digest", "admin_digest", "ADMIN_DIGEST", ("day", "waiting", "today", "failed"),
         "administrators' morning digest", audience=ADMINS),
)  # fmt: skip
KINDS: dict[str, Kind] = {kind.name: kind for kind in KINDS_IN_ORDER}
SESSION_KINDS = tuple(kind.name for kind in KINDS_IN_ORDER if kind.with_session)


MESSAGE_PART = 1500  # a long text's parts: room for "(2/3) " within WhatsApp's 1,600


def split_message(text: str, limit: int = MESSAGE_PART) -> list[str]:
    """WhatsApp takes 1,600 characters a message: longer text goes in numbered parts."""
    if len(text) <= limit:
        return [text]
    parts, rest = [], text
    while rest:
        if len(rest) <= limit:
            parts.append(rest)
            break
        cut = rest.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else rest.rfind(" ", 0, limit)
        cut = cut if cut > limit // 2 else limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [f"({number}/{len(parts)}) {part}" for number, part in enumerate(parts, 1)]


def sent_on(step: str) -> list[tuple[Kind, To]]:
    """The kinds a lifecycle step sends, in the order they are queued, and to whom."""
    return [(kind, kind.on[step]) for kind in KINDS_IN_ORDER if step in kind.on]


# How the README names a template's variables.
VARIABLE_NAMES = {"code": "code", "start": "date and time", "old": "the old date and time",
                  "expert": "expert", "link": "link", "place": "the Zoom link or the office",
                  "clock": "time (HH.MM)", "day": "day",
                  "count": "number of sessions", "sessions": "the sessions in one line",
                  "coop": "cooperative", "topic": "topic", "waiting": "waiting",
                  "today": "sessions today", "failed": "failed",
                  "text": "the administrator's text"}  # fmt: skip


# A sample of each variable, as WhatsApp's reviewers see it when a template is submitted.
SAMPLES = {"code": "EK-0042", "start": "Senin, 30 November 2026 pukul 10.00 WIB",
           "old": "Jumat, 27 November 2026 pukul 13.00 WIB", "expert": "Ir. Sri Wahyuni, M.M.",
           "link": "https://zoom.us/j/1234567890", "clock": "10.00",
           "place": "Tautan Zoom: https://zoom.us/j/1234567890",
           "day": "Senin, 30 November 2026", "count": "2",
           "sessions": "10.00 WIB Koperasi Maju Bersama (Manajemen dan Keuangan) EK-0042 "
                       "https://zoom.us/j/1234567890",
           "coop": "Koperasi Maju Bersama", "topic": "Manajemen dan Keuangan", "waiting": "3",
           "today": "2",
           "failed": "0",
           "text": "Pelatihan RAT untuk pengurus koperasi pada Kamis, 10 Desember 2026 pukul "
                   "09.00 WIB di aula Dinas."}  # fmt: skip
WHOLE_TEXT_SAMPLE = "Pendaftaran baru EK-0042 dari Koperasi Maju Bersama, Senin 30 November 10.00"


def template_samples() -> dict[str, dict[str, str]]:
    """Each template's sample variables ({"1": …}), by the template's name."""
    found: dict[str, dict[str, str]] = {}
    for kind in KINDS_IN_ORDER:
        found.setdefault(kind.template, {"1": WHOLE_TEXT_SAMPLE} if kind.whole_text else
                         {str(n): SAMPLES[v] for n, v in enumerate(kind.variables, 1)})  # fmt: skip
    return found


def template_table() -> str:
    """The README's table of templates, one row per TWILIO_CONTENT_SID_<template>."""
    rows: dict[str, tuple[list[str], str]] = {}
    for kind in KINDS_IN_ORDER:
        variables = (
            "1 the message in one line"
            if kind.whole_text
            else ", ".join(f"{n} {VARIABLE_NAMES[v]}" for n, v in enumerate(kind.variables, 1))
        )
        described, _ = rows.setdefault(kind.template, ([], variables))
        if kind.describe not in described:
            described.append(kind.describe)
    lines = ["| `TWILIO_CONTENT_SID_…` | message | variables | body |", "| --- | --- | --- | --- |"]
    lines += [f"| `{template}` | {'; '.join(described)} | {variables} | {bodies()[template]} |"
              for template, (described, variables) in rows.items()]  # fmt: skip
    return "\n".join(lines)
