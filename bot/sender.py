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
from sqlmodel import Session, col, select

from bot.messenger import Messenger, SendError, Template
from flows.catalogue import staff
from storage.conversations import is_opted_out
from storage.db import transaction
from storage.models import Booking, Case, InboundMessage, OutboundMessage
from storage.outbox import claim_due, enqueue_for_admins

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 6
WINDOW = timedelta(hours=24)
# Messages about a session go out only while the booking is still in that state.
STILL_TRUE = {
    "confirmation": {"confirmed"},
    "expert_notice": {"confirmed"},
    "proposal": {"proposed"},
    "reminder_day_before": {"confirmed"},
    "reminder_hour_before": {"confirmed"},
    "follow_up": {"done"},
}
# The approved template for each kind of message: TWILIO_CONTENT_SID_<KIND>.
TEMPLATE_KINDS = {
    "confirmation": "CONFIRMATION",
    "reminder_day_before": "REMINDER_DAY_BEFORE",
    "reminder_hour_before": "REMINDER_HOUR_BEFORE",
    "expert_schedule": "EXPERT_SCHEDULE",
    "expert_notice": "EXPERT_NOTICE",
    "expert_cancelled": "EXPERT_CANCELLED",
    "admin_notice": "ADMIN_NOTICE",
    "admin_message": "ADMIN_NOTICE",
    "admin_held": "ADMIN_NOTICE",
    "admin_digest": "ADMIN_DIGEST",
    "proposal": "PROPOSAL",
    "decline": "DECLINE",
    "prescription": "PRESCRIPTION",
    "prescription_notice": "PRESCRIPTION",
    "follow_up": "FOLLOW_UP",
}


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
    templates: Mapping[str, str] = field(default_factory=dict)  # TEMPLATE_KINDS value -> sid
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
    wanted = STILL_TRUE.get(message.kind)
    if wanted is None or message.booking_id is None:
        return None
    booking = session.get(Booking, message.booking_id)
    if booking.status not in wanted:
        return f"booking is {booking.status}"
    if message.kind == "follow_up" and booking.case_id is not None:
        case = session.get(Case, booking.case_id)
        if case.status != "open":
            return "case is closed"
    if message.for_start is not None:
        if booking.requested_start != message.for_start:
            return "session was moved"
        if now >= message.for_start:
            return "session had already started"
    return None


def within_window(session: Session, phone: str, now: datetime) -> bool:
    last = session.exec(
        select(InboundMessage.received_at)
        .where(InboundMessage.phone == phone)
        .order_by(col(InboundMessage.received_at).desc())
        .limit(1)
    ).first()
    return last is not None and now - last < WINDOW


def _template(
    session: Session, message: OutboundMessage, now: datetime, policy: SendPolicy
) -> Template | None | str:
    """None: free text may go. A Template: send that. A string: hold the message, why."""
    if within_window(session, message.to_phone, now):
        return None
    key = TEMPLATE_KINDS.get(message.kind, message.kind.upper())
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
        if message is None or message.status != "sending":
            return
        if is_opted_out(session, message.to_phone):
            message.status, message.error = "suppressed", "recipient opted out (STOP)"
            tally.suppressed += 1
            return
        if (stale := _stale(session, message, now)) is not None:
            message.status, message.error = "cancelled", stale
            tally.suppressed += 1
            return
        template = _template(session, message, now, policy) if messenger.window else None
        if isinstance(template, str):
            message.status, message.error, message.claimed_until = "held", template, None
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
    if message.kind.startswith("admin"):
        return  # never a notice about a notice: that could go round for ever
    key = TEMPLATE_KINDS.get(message.kind, message.kind.upper())
    body = staff("admin_held", kind=message.kind, phone=message.to_phone, env=key)
    enqueue_for_admins(session, policy.admin_numbers, body, "admin_held", now, message.booking_id)


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
            message.status = "failed"
            tally.failed += 1
        else:
            message.status = "pending"
            message.due_at = now + _backoff(attempts)
            tally.retried += 1
