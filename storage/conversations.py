"""Conversation state and the inbound log, per phone number."""

from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from flows.model import Chat, Scratch
from storage.db import upsert
from storage.models import Conversation, InboundMessage, new_row


@cache
def _inbound(dialect: str):
    insert = upsert(dialect, InboundMessage).on_conflict_do_nothing(index_elements=["sid"])
    return insert.returning(InboundMessage.sid)


def record_inbound(session: Session, **message: Any) -> bool:
    """Store an inbound message (InboundMessage's fields), in one statement; False when its
    MessageSid was seen before."""
    insert = _inbound(session.get_bind().dialect.name)
    stored = session.connection().execute(insert, new_row(InboundMessage, **message))
    return stored.first() is not None


def mark_failed(session: Session, sid: str, error: str) -> None:
    """The inbound message could not be handled (it stays stored, with why)."""
    session.connection().execute(
        update(InboundMessage).where(col(InboundMessage.sid) == sid).values(error=error)
    )


def lock_conversation(session: Session, phone: str, now: datetime) -> Conversation:
    """The number's conversation, locked until the transaction ends (created if new), in one
    statement: INSERT … ON CONFLICT DO UPDATE … RETURNING.

    On PostgreSQL the upsert holds the row's lock, as SELECT … FOR UPDATE would; SQLite already
    holds the database write lock from BEGIN IMMEDIATE. Two messages from one number are
    handled one by one, and two first messages from a new number create one conversation.
    """
    new = new_row(Conversation, phone=phone, updated_at=now)
    found = session.execute(_conversation(session.get_bind().dialect.name), new,
                            execution_options={"populate_existing": True})  # fmt: skip
    return found.scalars().one()


@cache
def _conversation(dialect: str):
    """The upsert, its row loaded as a Conversation: one set of parameters, not the ORM's bulk
    INSERT (a list of them), whose machinery cost 0.2-0.5 ms of CPU more a message."""
    insert = upsert(dialect, Conversation)
    insert = insert.on_conflict_do_update(index_elements=["phone"],
                                          set_={"phone": insert.excluded.phone})  # fmt: skip
    return select(Conversation).from_statement(insert.returning(*Conversation.__table__.c))


# WhatsApp's customer service window: free text only within 24 hours of the user's last message.
WINDOW = timedelta(hours=24)


def last_inbound_at(session: Session, phone: str) -> datetime | None:
    return session.exec(
        select(InboundMessage.received_at)
        .where(InboundMessage.phone == phone)
        .order_by(col(InboundMessage.received_at).desc())
        .limit(1)
    ).first()


def last_written(session: Session, numbers: list[str]) -> dict[str, datetime]:
    """When each number last wrote, in one query (for many numbers at once)."""
    if not numbers:
        return {}
    rows = session.exec(
        select(InboundMessage.phone, func.max(InboundMessage.received_at))
        .where(col(InboundMessage.phone).in_(numbers))
        .group_by(InboundMessage.phone)
    ).all()
    return {phone: at for phone, at in rows}


def inside_window(last: datetime | None, now: datetime) -> bool:
    """Did a number that last wrote at `last` write within WhatsApp's 24 hours?"""
    return last is not None and now - last < WINDOW


def within_window(session: Session, phone: str, now: datetime) -> bool:
    return inside_window(last_inbound_at(session, phone), now)


def load_chat(conversation: Conversation) -> Chat:
    """The stored conversation as the pure conversation reads it; ValueError when its scratch
    cannot be read."""
    try:
        scratch = Scratch.from_json(conversation.scratch)
    except (TypeError, KeyError, AttributeError) as error:
        raise ValueError("the stored conversation cannot be read") from error
    return Chat(conversation.state, dict(conversation.answers), scratch, conversation.lang,
                conversation.opted_out, conversation.updated_at)  # fmt: skip


def save_chat(session: Session, conversation: Conversation, chat: Chat, now: datetime) -> None:
    conversation.state, conversation.answers = chat.state, chat.answers
    conversation.scratch = chat.scratch.to_json()
    conversation.lang, conversation.opted_out = chat.lang, chat.opted_out
    conversation.updated_at = now
    session.add(conversation)


def touch(session: Session, conversation: Conversation, now: datetime) -> None:
    """The number wrote (a staff command): its conversation is left as it was."""
    conversation.updated_at = now
    session.add(conversation)


def is_opted_out(session: Session, phone: str) -> bool:
    conversation = session.get(Conversation, phone)
    return bool(conversation and conversation.opted_out)


def opted_out(session: Session, numbers: list[str]) -> list[str]:
    """Which of these numbers said STOP, in one query."""
    if not numbers:
        return []
    query = select(Conversation.phone).where(col(Conversation.phone).in_(numbers),
                                             col(Conversation.opted_out))  # fmt: skip
    return list(session.exec(query).all())


def language_of(session: Session, phone: str) -> str:
    """The language the number last wrote in ("id" when it never wrote)."""
    conversation = session.get(Conversation, phone)
    return conversation.lang if conversation else "id"
