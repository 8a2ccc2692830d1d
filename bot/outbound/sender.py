"""Drain the outbox: claim due rows atomically, send each once, record what happened.

Before each send the row and its booking are read again: nothing goes to a number that said
STOP, nothing about a session that was cancelled, declined or moved, no reminder once the
session has started. Outside WhatsApp's 24-hour window a message goes as its approved
template, or is held (and the administrators told) when no template is configured.
"""

import logging
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot.outbound.messenger import Messenger, SendError, Template
from flows.kinds import KINDS, MessageStatus, To
from flows.lifecycle import CaseStatus
from storage.conversations import is_opted_out, within_window
from storage.db import transaction
from storage.models import Booking, OutboundMessage
from storage.outbox import claim_due, enqueue_for_admins

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 6


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


@dataclass
class Tally:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    suppressed: int = 0
    held: int = 0


def _backoff(attempts: int) -> timedelta:
    """Exponential backoff with full jitter: up to 2, 4, 8 … seconds, capped at 5 minutes."""
    return timedelta(seconds=random.uniform(0, min(300, 2**attempts)))


def deliver_due(
    engine: Engine,
    messenger: Messenger,
    now: datetime,
    batch: int = 50,
    policy: SendPolicy | None = None,
) -> Tally:
    policy = policy or SendPolicy()
    tally = Tally()
    with transaction(engine) as session:
        claimed = claim_due(session, now, LEASE, batch)
    for message_id in claimed:
        _deliver_one(engine, messenger, message_id, now, tally, policy)
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


def _template_name(message: OutboundMessage) -> str:
    kind = KINDS.get(message.kind)
    return kind.template if kind else message.kind.upper()


def _template(
    session: Session, message: OutboundMessage, now: datetime, policy: SendPolicy
) -> Template | None | str:
    """None: free text may go. A Template: send that. A string: hold the message, why."""
    if within_window(session, message.to_phone, now):
        return None
    key = _template_name(message)
    sid = policy.templates.get(key)
    if not sid:
        return f"outside the 24-hour window and TWILIO_CONTENT_SID_{key} is not set"
    variables = message.variables or {"1": " · ".join(message.body.split("\n"))[:1000]}
    return Template(sid, {str(k): str(v) for k, v in variables.items()})


def _deliver_one(
    engine: Engine,
    messenger: Messenger,
    message_id: int,
    now: datetime,
    tally: Tally,
    policy: SendPolicy,
) -> None:
    with transaction(engine) as session:
        message = session.get(OutboundMessage, message_id)
        if message is None or message.status != MessageStatus.SENDING:
            return
        if is_opted_out(session, message.to_phone):
            message.status, message.error = MessageStatus.SUPPRESSED, "recipient opted out (STOP)"
            tally.suppressed += 1
            return
        if (stale := _stale(session, message, now)) is not None:
            message.status, message.error = MessageStatus.CANCELLED, stale
            tally.suppressed += 1
            return
        template = _template(session, message, now, policy) if messenger.window else None
        if isinstance(template, str):
            message.status, message.error = MessageStatus.HELD, template
            message.claimed_until = None
            _tell_admins_held(session, message, now, policy)
            tally.held += 1
            return
        to, body, attempts = message.to_phone, message.body, message.attempts
    policy.throttle.wait()
    try:
        sent = messenger.send(to, body, template)
    except SendError as error:
        _record_failure(engine, message_id, error, attempts, now, tally)
        return
    with transaction(engine) as session:
        message = session.get(OutboundMessage, message_id)
        message.status, message.sid, message.sent_at = sent.status, sent.sid, now
        message.claimed_until, message.error = None, None
    tally.sent += 1


def _tell_admins_held(
    session: Session, message: OutboundMessage, now: datetime, policy: SendPolicy
) -> None:
    kind = KINDS.get(message.kind)
    if kind is None or kind.audience == To.ADMINISTRATORS:
        return  # never a notice about a notice: that could go round for ever
    facts = {"kind": message.kind, "phone": message.to_phone, "env": kind.template}
    enqueue_for_admins(session, policy.admin_numbers, KINDS["admin_held"], now, facts,
                       message.booking_id)  # fmt: skip


def _record_failure(
    engine: Engine,
    message_id: int,
    error: SendError,
    attempts: int,
    now: datetime,
    tally: Tally,
) -> None:
    log.warning("message %s not sent: %s", message_id, error)
    with transaction(engine) as session:
        message = session.get(OutboundMessage, message_id)
        message.error, message.error_code, message.claimed_until = str(error), error.code, None
        if error.permanent or attempts >= MAX_ATTEMPTS:
            message.status = MessageStatus.FAILED
            tally.failed += 1
        else:
            message.status = MessageStatus.PENDING
            message.due_at = now + _backoff(attempts)
            tally.retried += 1
