"""Every outbound message is a row; `pending` rows are the outbox the sender drains."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from storage.directory import admin_phones
from storage.models import OutboundMessage


def enqueue(
    session: Session,
    to: str,
    body: str,
    kind: str,
    now: datetime,
    booking_id: int | None = None,
    variables: dict | None = None,
    due: datetime | None = None,
) -> OutboundMessage:
    """Queue a message in the caller's transaction: it exists exactly when the change does.

    Due at once, unless `due` says later (a reminder).
    """
    message = OutboundMessage(
        to_phone=to,
        body=body,
        kind=kind,
        booking_id=booking_id,
        due_at=due or now,
        created_at=now,
        variables=variables,
    )
    session.add(message)
    return message


def enqueue_for_admins(
    session: Session,
    configured: Iterable[str],
    body: str,
    kind: str,
    now: datetime,
    booking_id: int | None = None,
) -> None:
    """The same notice to every administrator (registered, or named in ADMIN_NUMBERS)."""
    for phone in admin_phones(session, configured):
        enqueue(session, phone, body, kind, now, booking_id)


def record_replies(session: Session, to: str, bodies: Iterable[str], now: datetime) -> None:
    """Replies that leave in the webhook's own response (TwiML) are logged as sent."""
    for body in bodies:
        session.add(
            OutboundMessage(
                to_phone=to,
                body=body,
                kind="reply",
                channel="twiml",
                status="sent",
                due_at=now,
                created_at=now,
                sent_at=now,
            )
        )


def claim_due(session: Session, now: datetime, lease: timedelta, limit: int) -> list[int]:
    """Take up to `limit` due rows for this sender, with a lease that expires if it crashes.

    PostgreSQL: FOR UPDATE SKIP LOCKED lets several senders share the table without
    waiting or double-sending. SQLite: the whole transaction holds the write lock
    (BEGIN IMMEDIATE), so the conditional update below is atomic.
    """
    due = or_(
        (col(OutboundMessage.status) == "pending") & (col(OutboundMessage.due_at) <= now),
        (col(OutboundMessage.status) == "sending") & (col(OutboundMessage.claimed_until) < now),
    )
    rows = session.exec(
        select(OutboundMessage)
        .where(due)
        .order_by(col(OutboundMessage.due_at), col(OutboundMessage.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        row.status = "sending"
        row.claimed_until = now + lease
        row.attempts += 1
        session.add(row)
    session.flush()
    return [row.id for row in rows]


def thread(session: Session, phone: str, after_id: int = 0) -> list[OutboundMessage]:
    """Outbound messages to a number, oldest first (the simulator's view)."""
    return list(
        session.exec(
            select(OutboundMessage)
            .where(OutboundMessage.to_phone == phone, col(OutboundMessage.id) > after_id)
            .order_by(col(OutboundMessage.id))
        ).all()
    )
