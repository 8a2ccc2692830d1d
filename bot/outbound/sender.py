"""Drain the outbox: claim due rows atomically, send each once, record what happened.

Before each send the row and its booking are read again: nothing goes to a number that said
STOP, nothing about a session that was cancelled, declined or moved, no reminder once the
session has started. Outside WhatsApp's 24-hour window a message goes as its approved
template, or is held (and the administrators told) when no template is configured.

Exactly once, under faults:
- a claim names its process (`claimed_by`); right before each send the process checks that it
  still owns the row and renews the lease, under the row's lock, so a slow batch can never
  be sent a second time by another process whose claim came after the lease ran out;
- a batch stops taking messages well before its lease ends and gives the rest back, and so
  does a process asked to stop (SIGTERM): the message in flight is finished, the rest released;
- a send whose outcome is unknown (a timeout after the request left, an unreadable answer, a
  crash mid-send) leaves `send_started_at` set: the next attempt first asks Twilio for the
  messages it accepted for that number since then, and records the one it finds instead of
  sending again;
- an error in one send touches that message only; retries back off with jitter for as long as
  the message is useful (a reminder until its session starts, others `retry_for`, 24 h by
  default), then the message fails and the administrators are told.
"""

import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.outbound.messenger import Accepted, Messenger, SendError, Sent, Template
from flows.kinds import KINDS, MessageStatus, To
from flows.lifecycle import CaseStatus
from flows.prompts import PREFIX
from flows.templates import VARIABLE_LENGTH, bodies, fill
from storage.contents import template_sid, usable_sid
from storage.conversations import is_opted_out, within_window
from storage.db import transaction
from storage.models import Booking, OutboundMessage
from storage.outbox import claim_due, enqueue_for_admins, release

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
# A batch takes no new message once this much of its lease is left (one send, its throttle
# wait and the HTTP timeout fit well inside it).
LEASE_MARGIN = timedelta(seconds=30)
RETRY_FOR = timedelta(hours=24)
# How far before `send_started_at` a message found at Twilio may have been created (clocks).
LOOKUP_SLACK = timedelta(minutes=2)

# This process, as its claims name it.
OWNER = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Throttle:
    """At most `per_second` sends from this process (TWILIO_MPS); None lifts the cap."""

    def __init__(self, per_second: float | None) -> None:
        self.interval = 1.0 / per_second if per_second else 0.0
        self.next_at = 0.0
        self.lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            delay = self.next_at - now
            self.next_at = max(now, self.next_at) + self.interval
        if delay > 0:
            time.sleep(delay)


@dataclass
class SendPolicy:
    templates: Mapping[str, str] = field(default_factory=dict)  # Kind.template -> content sid
    admin_numbers: tuple[str, ...] = ()
    throttle: Throttle = field(default_factory=lambda: Throttle(80))
    retry_for: timedelta = RETRY_FOR  # SEND_RETRY_HOURS: how long a message is worth retrying
    lease: timedelta = LEASE
    lease_margin: timedelta = LEASE_MARGIN
    owner: str = OWNER
    stop: threading.Event = field(default_factory=threading.Event)  # set on SIGTERM


@dataclass
class Tally:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    suppressed: int = 0
    held: int = 0
    found: int = 0  # an earlier send with an unknown outcome, found at Twilio: not resent
    released: int = 0  # given back unsent (the lease nearly over, or the process stopping)


def _backoff(attempts: int) -> timedelta:
    """Exponential backoff with full jitter: up to 2, 4, 8 … seconds, capped at 5 minutes."""
    return timedelta(seconds=random.uniform(1, min(300, 2**attempts)))


def deliver_due(
    engine: Engine,
    messenger: Messenger,
    now: datetime,
    batch: int = 50,
    policy: SendPolicy | None = None,
) -> Tally:
    """One batch as of `now`. For its leases the pass's clock runs on from `now` in real time,
    so a slow batch sees its lease run out as it really does."""
    policy = policy or SendPolicy()
    tally = Tally()
    started = time.monotonic()

    def clock() -> datetime:
        return now + timedelta(seconds=time.monotonic() - started)

    if policy.stop.is_set():
        return tally
    with transaction(engine) as session:
        claimed = claim_due(session, now, policy.lease, batch, policy.owner)
    for index, message_id in enumerate(claimed):
        if policy.stop.is_set() or clock() >= now + policy.lease - policy.lease_margin:
            with transaction(engine) as session:
                tally.released += release(session, claimed[index:], policy.owner)
            break
        try:
            _deliver_one(engine, messenger, message_id, now, clock, tally, policy)
        except Exception:  # a fault in one message (the database, a bug) leaves the rest alone
            log.exception("message %s: delivery step failed; it is retried after its lease",
                          message_id)  # fmt: skip
    return tally


def _stale(session: Session, message: OutboundMessage, now: datetime) -> str | None:
    """Why a message about a booking no longer applies, or None when it still does."""
    kind = KINDS.get(message.kind)
    if kind is None or message.booking_id is None:
        return None
    booking = session.get(Booking, message.booking_id)
    if kind.while_status and booking.status not in kind.while_status:
        return f"booking is {booking.status}"
    case = booking.case
    if kind.while_case_open and case is not None and case.status != CaseStatus.OPEN:
        return "case is closed"
    if kind.with_session and message.for_start is not None:
        if booking.requested_start != message.for_start:
            return "session was moved"
        if kind.before_start and now >= message.for_start:
            return "session had already started"
    return None


def _useful_until(message: OutboundMessage, policy: SendPolicy) -> datetime:
    """A reminder is worth sending until its session starts; anything else for `retry_for`."""
    kind = KINDS.get(message.kind)
    if kind is not None and kind.before_start and message.for_start is not None:
        return message.for_start
    return message.created_at + policy.retry_for


def _template_name(message: OutboundMessage) -> str:
    kind = KINDS.get(message.kind)
    return kind.template if kind else message.kind.upper()


def _template(
    session: Session, message: OutboundMessage, now: datetime, policy: SendPolicy
) -> Template | None | str:
    """None: free text may go. A Template: send that (an approved template outside the 24-hour
    window; inside it, a question to tap). A string: hold the message, why."""
    prompt = bool(message.content and message.content.startswith(PREFIX))
    reply = message.kind == KINDS["reply"].name  # its variables are the prompt's
    if within_window(session, message.to_phone, now):
        if prompt and (sid := usable_sid(session, message.content)):
            values = message.variables if reply else {"1": message.body}
            if all(len(str(value)) <= VARIABLE_LENGTH for value in (values or {}).values()):
                return Template(sid, {str(k): str(v) for k, v in (values or {}).items()})
        return None
    key = _template_name(message)
    sid = template_sid(session, policy.templates, key)
    if not sid:
        return (f"outside the 24-hour window and TWILIO_CONTENT_SID_{key} is not set "
                "(nor approved through `eklinik whatsapp sync`)")  # fmt: skip
    whole = (prompt and reply) or not message.variables
    given = {"1": message.body} if whole else message.variables
    values = {str(name): str(value) for name, value in given.items()}
    template = Template(sid, fill(bodies().get(key, "{{1}}"), values))
    message.content, message.variables = key, template.variables  # what the recipient gets
    return template


@dataclass(frozen=True)
class _Send:
    to: str
    body: str
    template: Template | None
    attempts: int
    unknown_since: datetime | None  # an earlier send's outcome is unknown: look it up first


def _prepare(
    session: Session,
    message_id: int,
    now: datetime,
    lease_now: datetime,
    tally: Tally,
    policy: SendPolicy,
    window: bool,
) -> _Send | None:
    """Under the row's lock: still ours? still wanted? Then renew the lease and mark the send
    as started. None when there is nothing to send."""
    message = session.get(OutboundMessage, message_id, with_for_update=True)
    if message is None or message.status != MessageStatus.SENDING:
        return None
    if message.claimed_by != policy.owner:
        return None  # our lease ran out and another process took it: it is theirs now
    if is_opted_out(session, message.to_phone):
        message.status, message.error = MessageStatus.SUPPRESSED, "recipient opted out (STOP)"
        tally.suppressed += 1
        return None
    if (stale := _stale(session, message, now)) is not None:
        message.status, message.error = MessageStatus.CANCELLED, stale
        tally.suppressed += 1
        return None
    template = _template(session, message, now, policy) if window else None
    if isinstance(template, str):
        message.status, message.error = MessageStatus.HELD, template
        message.claimed_until = message.claimed_by = None
        _tell_admins(session, message, now, policy, "admin_held")
        tally.held += 1
        return None
    unknown_since = message.send_started_at if message.sid is None else None
    message.claimed_until = lease_now + policy.lease
    message.send_started_at = unknown_since or lease_now
    return _Send(message.to_phone, message.body, template, message.attempts, unknown_since)


def _deliver_one(
    engine: Engine,
    messenger: Messenger,
    message_id: int,
    now: datetime,
    clock: Callable[[], datetime],
    tally: Tally,
    policy: SendPolicy,
) -> None:
    with transaction(engine) as session:
        send = _prepare(session, message_id, now, clock(), tally, policy, messenger.window)
    if send is None:
        return
    try:
        if send.unknown_since is not None and (found := _look_up(engine, messenger, send)):
            _record_sent(engine, message_id, Sent(found.sid, found.status), now)
            tally.found += 1
            return
        policy.throttle.wait()
        sent = messenger.send(send.to, send.body, send.template)
    except SendError as error:
        _record_failure(engine, message_id, error, send.attempts, now, tally, policy)
        return
    except Exception as error:  # noqa: BLE001 - any messenger fault: that message only
        unknown = SendError(f"unknown outcome: {type(error).__name__}", False, uncertain=True)
        _record_failure(engine, message_id, unknown, send.attempts, now, tally, policy)
        return
    _record_sent(engine, message_id, sent, now)
    tally.sent += 1


def _look_up(engine: Engine, messenger: Messenger, send: _Send) -> Accepted | None:
    """The message Twilio accepted for an earlier attempt whose outcome was unknown: one for
    that number since the attempt began, with the same text (any text for a template), whose
    sid no row of ours holds yet."""
    since = send.unknown_since - LOOKUP_SLACK
    try:
        accepted = messenger.sent_since(send.to, since)
    except SendError as error:  # still unknown: the next attempt looks again
        raise SendError(str(error), permanent=False, uncertain=True) from error
    if not accepted:
        return None
    sids = [candidate.sid for candidate in accepted]
    with transaction(engine) as session:
        query = select(OutboundMessage.sid).where(col(OutboundMessage.sid).in_(sids))
        known = set(session.exec(query).all())
    for candidate in reversed(accepted):  # oldest first
        if candidate.sid not in known and (send.template or candidate.body == send.body):
            return candidate
    return None


def _record_sent(engine: Engine, message_id: int, sent: Sent, now: datetime) -> None:
    with transaction(engine) as session:
        message = session.get(OutboundMessage, message_id)
        message.status, message.sid, message.sent_at = sent.status, sent.sid, now
        message.claimed_until = message.claimed_by = None
        message.error = message.error_code = None


def _tell_admins(
    session: Session, message: OutboundMessage, now: datetime, policy: SendPolicy, notice: str
) -> None:
    kind = KINDS.get(message.kind)
    if kind is None or kind.audience == To.ADMINISTRATORS:
        return  # never a notice about a notice: that could go round for ever
    facts = {"kind": message.kind, "phone": message.to_phone, "env": kind.template,
             "why": message.error or ""}  # fmt: skip
    enqueue_for_admins(session, policy.admin_numbers, KINDS[notice], now, facts,
                       message.booking_id)  # fmt: skip


def _record_failure(
    engine: Engine,
    message_id: int,
    error: SendError,
    attempts: int,
    now: datetime,
    tally: Tally,
    policy: SendPolicy,
) -> None:
    log.warning("message %s not sent: %s", message_id, error)
    with transaction(engine) as session:
        message = session.get(OutboundMessage, message_id)
        message.error, message.error_code = str(error), error.code
        message.claimed_until = message.claimed_by = None
        if not error.uncertain:
            message.send_started_at = None  # Twilio answered: nothing to look up
        retry_at = now + _backoff(attempts)
        if error.permanent or retry_at >= _useful_until(message, policy):
            message.status = MessageStatus.FAILED
            _tell_admins(session, message, now, policy, "admin_failed")
            tally.failed += 1
        else:
            message.status = MessageStatus.PENDING
            message.due_at = retry_at
            tally.retried += 1
