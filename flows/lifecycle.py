"""The booking lifecycle as data: who may move a booking from one status to another, and when.

One table answers "who may do what to a booking in this status, and when": `TRANSITIONS`.
`check` reads it and either names the row that applies or raises `NotAllowed` with the reason,
which the caller turns into a clear answer. The sets other code needs ("holds a time",
"awaiting an answer") are defined here once, mostly read off the table itself.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Status(StrEnum):
    WAITING = "waiting"  # a request, waiting for an administrator
    PROPOSED = "proposed"  # an administrator proposed another time for the request
    MOVE_PROPOSED = "move_proposed"  # ... or a new time for a confirmed session
    CONFIRMED = "confirmed"  # a session with its expert, time and link
    DONE = "done"  # the session took place
    NO_SHOW = "no_show"  # the cooperative did not come
    DECLINED = "declined"
    CANCELLED = "cancelled"


class Actor(StrEnum):
    COOPERATIVE = "cooperative"
    ADMINISTRATOR = "administrator"
    EXPERT = "expert"


class Event(StrEnum):
    """What happens to a booking; the value is the action written in its history."""

    REQUEST = "requested"
    CONFIRM = "confirmed"
    MOVE = "moved"
    UPDATE = "updated"  # another expert or link for a confirmed session
    PROPOSE = "proposed"
    ACCEPT = "accepted"  # the cooperative's YA to a proposal
    LAPSE = "proposal-taken"  # ... whose time was taken meanwhile
    COUNTER = "counter-proposed"  # the cooperative's TIDAK <another time>
    RESCHEDULE = "rescheduled"
    CANCEL = "cancelled"
    DECLINE = "declined"
    HOLD = "held"
    NO_SHOW = "no-show"
    PRESCRIBE = "prescription"
    VISIT = "walk-in"  # a cooperative received at the office, registered by the receptionist


class Note(StrEnum):
    """History entries that change no status: the case and the cooperative's answers."""

    RATED = "rated"
    SOLVED = "solved"
    NOT_SOLVED = "not solved"
    CASE_CLOSED = "case closed"
    IMPORTED = "imported"  # a past service recorded on paper, loaded afterwards


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Channel(StrEnum):
    """How a service is given: the clinic's two channels."""

    ONLINE = "online"  # E-Klinik, over Zoom
    OFFICE = "office"  # face to face at the office


class Origin(StrEnum):
    """Where a booking came from."""

    CHAT = "chat"  # booked by WhatsApp
    WALK_IN = "walk_in"  # received at the office and registered by the receptionist
    IMPORT = "import"  # a past service recorded on paper (`eklinik visit import`)


class Outcome(StrEnum):
    """What the expert recorded about the session."""

    HELD = "held"
    NO_SHOW = "no_show"


Guard = Callable[[datetime, datetime], str | None]  # (session start, now) -> why not, or None


def started(start: datetime, now: datetime) -> str | None:
    """Outcomes and prescriptions only once the session has begun."""
    return None if now >= start else "not_started"


def not_started(start: datetime, now: datetime) -> str | None:
    """A session is moved or given up only before it begins."""
    return None if now < start else "started"


def always(_start: datetime, _now: datetime) -> str | None:
    return None


@dataclass(frozen=True)
class Transition:
    name: str  # what the message kinds and the history say this row is
    source: frozenset[Status]  # empty: a new booking
    event: Event
    target: Status
    actors: frozenset[Actor]
    guard: Guard = always


def _row(name: str, source: set[Status], event: Event, target: Status, actors: set[Actor],
         guard: Guard = always) -> Transition:  # fmt: skip
    return Transition(name, frozenset(source), event, target, frozenset(actors), guard)


S, A = Status, Actor
OPEN_REQUEST = {S.WAITING, S.PROPOSED}
PROPOSALS = {S.PROPOSED, S.MOVE_PROPOSED}
AHEAD = {S.WAITING, S.PROPOSED, S.MOVE_PROPOSED, S.CONFIRMED}
TRANSITIONS: tuple[Transition, ...] = (
    _row("request", set(), Event.REQUEST, S.WAITING, {A.COOPERATIVE}),
    _row("confirm", OPEN_REQUEST, Event.CONFIRM, S.CONFIRMED, {A.ADMINISTRATOR}),
    _row("move", {S.CONFIRMED, S.MOVE_PROPOSED}, Event.MOVE, S.CONFIRMED, {A.ADMINISTRATOR},
         not_started),
    _row("update", {S.CONFIRMED}, Event.UPDATE, S.CONFIRMED, {A.ADMINISTRATOR}),
    _row("propose", OPEN_REQUEST, Event.PROPOSE, S.PROPOSED, {A.ADMINISTRATOR}),
    _row("propose_move", {S.CONFIRMED, S.MOVE_PROPOSED}, Event.PROPOSE, S.MOVE_PROPOSED,
         {A.ADMINISTRATOR}, not_started),
    _row("accept", {S.PROPOSED}, Event.ACCEPT, S.CONFIRMED, {A.COOPERATIVE}),
    _row("accept_move", {S.MOVE_PROPOSED}, Event.ACCEPT, S.CONFIRMED, {A.COOPERATIVE}),
    _row("lapse", PROPOSALS, Event.LAPSE, S.WAITING, {A.COOPERATIVE}),
    _row("counter", PROPOSALS, Event.COUNTER, S.WAITING, {A.COOPERATIVE}),
    _row("reschedule", AHEAD, Event.RESCHEDULE, S.WAITING, {A.COOPERATIVE}, not_started),
    _row("cancel", AHEAD, Event.CANCEL, S.CANCELLED, {A.COOPERATIVE}, not_started),
    _row("decline", AHEAD, Event.DECLINE, S.DECLINED, {A.ADMINISTRATOR}),
    _row("hold", {S.CONFIRMED, S.DONE}, Event.HOLD, S.DONE, {A.EXPERT}, started),
    _row("no_show", {S.CONFIRMED, S.DONE}, Event.NO_SHOW, S.NO_SHOW, {A.EXPERT}, started),
    _row("prescribe", {S.CONFIRMED, S.DONE}, Event.PRESCRIBE, S.DONE,
         {A.EXPERT, A.ADMINISTRATOR}, started),
    # a walk-in is a session from the moment it is registered; the expert records the rest
    _row("visit", set(), Event.VISIT, S.CONFIRMED, {A.ADMINISTRATOR}),
)  # fmt: skip


class NotAllowed(Exception):
    """An event the table does not allow now; `reason` says why: "status" (not from this
    status), "actor" (not by this actor), or the guard's reason ("not_started", "started")."""

    def __init__(self, event: Event, status: str | None, reason: str) -> None:
        super().__init__(f"{event} not allowed from {status}: {reason}")
        self.event, self.status, self.reason = event, status, reason


def find(status: str | None, event: Event) -> Transition | None:
    """The row for `event` from `status` (None: a booking not made yet), whoever may do it."""
    for row in TRANSITIONS:
        if row.event == event and (status in row.source if status else not row.source):
            return row
    return None


def check(status: str | None, start: datetime, event: Event, actor: Actor,
          now: datetime) -> Transition:  # fmt: skip
    """The row that lets `actor` do `event` to a booking in `status` starting at `start`."""
    row = find(status, event)
    if row is None:
        raise NotAllowed(event, status, "status")
    if actor not in row.actors:
        raise NotAllowed(event, status, "actor")
    if why := row.guard(start, now):
        raise NotAllowed(event, status, why)
    return row


def allowed(status: str, actor: Actor, start: datetime, now: datetime) -> set[Event]:
    """Every event `actor` may do now to a booking in `status` (the console's buttons)."""
    return {
        row.event
        for row in TRANSITIONS
        if status in row.source and actor in row.actors and row.guard(start, now) is None
    }


def sources(event: Event) -> frozenset[Status]:
    return frozenset().union(*(row.source for row in TRANSITIONS if row.event == event))


# The sets the rest of the code asks about, each defined once.
HOLDS_A_TIME = frozenset(AHEAD)  # takes an expert's time: offered to nobody else
AWAITING_ANSWER = sources(Event.ACCEPT)  # a proposal the cooperative may answer YA / TIDAK
CHANGEABLE = sources(Event.CANCEL) & sources(Event.RESCHEDULE)  # "Ubah jadwal / batalkan"
SESSIONS = frozenset({S.CONFIRMED, S.DONE})  # will take or took place: schedules, case files
ON_THE_CALENDAR = S.CONFIRMED  # a confirmed session: the database refuses an overlap


def held_at(status: str, requested: datetime, proposed: datetime | None) -> datetime:
    """A proposal holds the proposed time; everything else its requested (or agreed) time."""
    if status in AWAITING_ANSWER and proposed is not None:
        return proposed
    return requested
