"""Drain the outbox: claim due rows atomically, send each once, record what happened."""

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from bot.messenger import Messenger, SendError
from storage.conversations import is_opted_out
from storage.db import transaction
from storage.models import Booking, OutboundMessage
from storage.outbox import claim_due

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 6
# Messages about a session go out only while the booking is still in that state: nothing is
# ever sent for a cancelled or declined booking, nor a stale proposal.
STILL_TRUE = {
    "confirmation": {"confirmed"},
    "expert_notice": {"confirmed"},
    "proposal": {"proposed"},
}


@dataclass
class Tally:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    suppressed: int = 0


def _backoff(attempts: int) -> timedelta:
    """Exponential backoff with full jitter: up to 2, 4, 8 … seconds, capped at 5 minutes."""
    return timedelta(seconds=random.uniform(0, min(300, 2**attempts)))


def deliver_due(engine: Engine, messenger: Messenger, now: datetime, batch: int = 50) -> Tally:
    tally = Tally()
    with transaction(engine) as session:
        claimed = claim_due(session, now, LEASE, batch)
    for message_id in claimed:
        _deliver_one(engine, messenger, message_id, now, tally)
    return tally


def _deliver_one(
    engine: Engine, messenger: Messenger, message_id: int, now: datetime, tally: Tally
) -> None:
    with transaction(engine) as session:
        message = session.get(OutboundMessage, message_id)
        if message is None or message.status != "sending":
            return
        if is_opted_out(session, message.to_phone):
            message.status, message.error = "suppressed", "recipient opted out (STOP)"
            session.add(message)
            tally.suppressed += 1
            return
        if (stale := _stale(session, message)) is not None:
            message.status, message.error = "cancelled", stale
            session.add(message)
            tally.suppressed += 1
            return
        to, body, attempts = message.to_phone, message.body, message.attempts
    try:
        sent = messenger.send(to, body)
    except SendError as error:
        _record_failure(engine, message_id, str(error), error.permanent, attempts, now, tally)
        return
    with transaction(engine) as session:
        message = session.get(OutboundMessage, message_id)
        message.status, message.sid, message.sent_at = sent.status, sent.sid, now
        message.claimed_until, message.error = None, None
        session.add(message)
    tally.sent += 1


def _stale(session, message: OutboundMessage) -> str | None:
    """Why a message about a booking no longer applies, or None when it still does."""
    wanted = STILL_TRUE.get(message.kind)
    if wanted is None or message.booking_id is None:
        return None
    booking = session.get(Booking, message.booking_id)
    return None if booking.status in wanted else f"booking is {booking.status}"


def _record_failure(
    engine: Engine,
    message_id: int,
    reason: str,
    permanent: bool,
    attempts: int,
    now: datetime,
    tally: Tally,
) -> None:
    log.warning("message %s not sent: %s", message_id, reason)
    with transaction(engine) as session:
        message = session.get(OutboundMessage, message_id)
        message.error, message.claimed_until = reason, None
        if permanent or attempts >= MAX_ATTEMPTS:
            message.status = "failed"
            tally.failed += 1
        else:
            message.status = "pending"
            message.due_at = now + _backoff(attempts)
            tally.retried += 1
        session.add(message)
