"""Every outbound message is a row; `pending` rows are the outbox the sender drains."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, func, insert, or_, update
from sqlmodel import Session, col, select

from flows.catalogue import language, say
from flows.kinds import KINDS, PROBLEMS, PROGRESS, SESSION_KINDS, Kind, MessageStatus, split_message
from flows.prompts import PREFIX, Prompt
from flows.templates import VARIABLE_LENGTH
from storage.db import upsert
from storage.directory import admin_phones
from storage.models import OutboundMessage, SendLease, new_row


def enqueue(
    session: Session,
    kind: Kind,
    to: str,
    now: datetime,
    facts: Mapping[str, Any],
    *,
    lang: str = "id",
    booking_id: int | None = None,
    for_start: datetime | None = None,
    due: datetime | None = None,
) -> list[OutboundMessage]:
    """Queue a message in the caller's transaction: it exists exactly when the change does.

    Its text and template variables come from the kind and the named `facts`; a text longer
    than one WhatsApp message goes as numbered parts. Due at once, unless `due` says later.
    """
    body, variables = kind.render(facts, lang)
    content = f"{PREFIX}{kind.prompt}_{language(lang)}" if kind.prompt else None
    rows = [
        OutboundMessage(
            to_phone=to,
            body=part,
            kind=kind.name,
            booking_id=booking_id,
            due_at=due or now,
            created_at=now,
            variables=variables,
            for_start=for_start if kind.with_session else None,
        )
        for part in split_message(body)
    ]
    rows[-1].content = content  # the last part carries the question to tap
    session.add_all(rows)
    return rows


def enqueue_for_admins(
    session: Session,
    configured: Iterable[str],
    kind: Kind,
    now: datetime,
    facts: Mapping[str, Any],
    booking_id: int | None = None,
    about: str | None = None,
) -> None:
    """The same notice to every administrator (registered, or named in ADMIN_NUMBERS);
    `about`: the cooperative's number it concerns, which a reply to it answers."""
    for phone in admin_phones(session, configured):
        for row in enqueue(session, kind, phone, now, facts, booking_id=booking_id):
            row.about_phone = about


def record_replies(
    session: Session, to: str, parts: Iterable[tuple[str, Prompt | None]], now: datetime,
    reply_to: str, by_outbox: bool = False, interactive: bool = False,
) -> None:  # fmt: skip
    """The replies to inbound message `reply_to`: logged as sent when they leave in the
    webhook's own response (TwiML), queued when that response is gone (a spooled message) or
    cannot carry them (`interactive`: a question to tap goes through the REST API).

    A part may come with the Prompt that lets it be answered with a tap: its row names the
    Content. A question longer than a Content variable takes (255) goes as text, followed by
    a short "Silakan pilih:" with the buttons."""
    if not (by_outbox or interactive):  # one statement for them all, in order
        rows = [new_row(OutboundMessage, to_phone=to, body=body, kind=KINDS["reply"].name,
                    channel="twiml", status=MessageStatus.SENT, due_at=now, created_at=now,
                    sent_at=now, reply_to=reply_to, content=prompt and prompt.content,
                    variables=prompt and prompt.variables)
                for body, prompt in parts]  # fmt: skip
        if rows:
            session.connection().execute(insert(OutboundMessage), rows)
        return
    for body, prompt in parts:
        rows = enqueue(session, KINDS["reply"], to, now, {"text": body})
        if prompt is not None and interactive and len(prompt.body) > VARIABLE_LENGTH:
            short = say("tap_choose", prompt.lang)
            rows += enqueue(session, KINDS["reply"], to, now, {"text": short})
            rows[-1].content, rows[-1].variables = prompt.content, {**prompt.variables, "1": short}
        elif prompt is not None:
            rows[-1].content, rows[-1].variables = prompt.content, prompt.variables
        for row in rows:
            row.reply_to = reply_to


def replies_to(session: Session, sid: str) -> list[str]:
    """What the webhook answered to inbound message `sid` (for a redelivery of it)."""
    query = (
        select(OutboundMessage.body)
        .where(OutboundMessage.reply_to == sid, OutboundMessage.channel == "twiml")
        .order_by(col(OutboundMessage.id))
    )
    return list(session.exec(query).all())


def cancel_session_messages(session: Session, booking_id: int, why: str) -> None:
    """A booking's pending messages about its session time no longer apply (it moved, it
    ended, its expert changed): the step that changed it writes new ones."""
    session.exec(
        update(OutboundMessage)
        .where(
            col(OutboundMessage.booking_id) == booking_id,
            col(OutboundMessage.kind).in_(SESSION_KINDS),
            col(OutboundMessage.status) == MessageStatus.PENDING,
        )
        .values(status=MessageStatus.CANCELLED, error=why)
    )


def claim_due(
    session: Session, now: datetime, lease: timedelta, limit: int, owner: str = "sender"
) -> list[int]:
    """Take up to `limit` due rows for the sender `owner`, with a lease that expires if it
    crashes (the sender checks it still owns a row before sending it).

    PostgreSQL: FOR UPDATE SKIP LOCKED lets several senders share the table without
    waiting or double-sending. SQLite: the whole transaction holds the write lock
    (BEGIN IMMEDIATE), so the conditional update below is atomic.
    """
    due = or_(
        (col(OutboundMessage.status) == MessageStatus.PENDING)
        & (col(OutboundMessage.due_at) <= now),
        (col(OutboundMessage.status) == MessageStatus.SENDING)
        & (col(OutboundMessage.claimed_until) < now),
    )
    rows = session.exec(
        select(OutboundMessage)
        .where(due)
        .order_by(col(OutboundMessage.due_at), col(OutboundMessage.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        row.status = MessageStatus.SENDING
        row.claimed_until = now + lease
        row.claimed_by = owner
        row.attempts += 1
        session.add(row)
    session.flush()
    return [row.id for row in rows]


def release(session: Session, ids: list[int], owner: str, not_started: Sequence[int] = ()) -> int:
    """Give rows back unsent (a batch near its lease's end, a process stopping): due again at
    once for any sender. Only rows `owner` still holds; the attempt is not counted. Of
    `not_started`, marked as being sent but never sent, the mark is taken off too (the next
    attempt has nothing to look up at Twilio)."""
    if not ids:
        return 0
    started = col(OutboundMessage.send_started_at)
    result = session.exec(
        update(OutboundMessage)
        .where(
            col(OutboundMessage.id).in_(ids),
            col(OutboundMessage.status) == MessageStatus.SENDING,
            col(OutboundMessage.claimed_by) == owner,
        )
        .values(status=MessageStatus.PENDING, claimed_until=None, claimed_by=None,
                attempts=OutboundMessage.attempts - 1,
                send_started_at=case((col(OutboundMessage.id).in_(list(not_started)), None),
                                     else_=started) if not_started else started)  # fmt: skip
    )
    return result.rowcount


def record_status(session: Session, sid: str, new: str, error_code: int | None) -> bool:
    """Twilio's status callback for one message: never moves its status backwards. False when
    no row holds that sid (yet)."""
    message = session.exec(select(OutboundMessage).where(OutboundMessage.sid == sid)).first()
    if message is None:
        return False
    if PROGRESS.get(new, 0) >= PROGRESS.get(message.status, 0):
        message.status = new
    if error_code:
        message.error_code = error_code
        message.error = f"Twilio error {error_code}"
    return True


def problems_since(
    session: Session, since: datetime, limit: int
) -> tuple[int, list[OutboundMessage]]:
    """How many messages failed, were not delivered or are held since then, and the first
    `limit` of them."""
    where = (col(OutboundMessage.status).in_(PROBLEMS), col(OutboundMessage.created_at) >= since)
    count = session.exec(select(func.count()).select_from(OutboundMessage).where(*where)).one()
    query = select(OutboundMessage).where(*where).order_by(col(OutboundMessage.id)).limit(limit)
    return count, list(session.exec(query).all())


def mark_sent(session: Session, answers: Sequence[tuple[int, str, str]], at: datetime) -> None:
    """What Twilio answered for these rows, (id, sid, status) each: one statement run for all
    of them (executemany: a single round trip on PostgreSQL's pipeline)."""
    if not answers:
        return
    table = OutboundMessage.__table__
    session.connection().execute(
        update(table).where(table.c.id == bindparam("row"))
        .values(status=bindparam("answered"), sid=bindparam("accepted"), sent_at=at,
                claimed_until=None, claimed_by=None, error=None, error_code=None),
        [{"row": one, "accepted": sid, "answered": status} for one, sid, status in answers],
    )  # fmt: skip


def hold_sender(session: Session, sender: str, owner: str, now: datetime,
                until: datetime) -> bool:  # fmt: skip
    """Take or renew the right to send from `sender` until `until`, in one statement: granted
    when nobody holds it, `owner` does, or the holder's lease ran out before `now`."""
    insert = upsert(session.get_bind().dialect.name, SendLease)
    insert = insert.values(sender=sender, owner=owner, until=until)
    insert = insert.on_conflict_do_update(
        index_elements=["sender"],
        set_={"owner": insert.excluded.owner, "until": insert.excluded.until},
        where=(col(SendLease.owner) == owner) | (col(SendLease.until) < now),
    )
    return session.connection().execute(insert.returning(SendLease.owner)).first() is not None


LET_GO = datetime(2000, 1, 1, tzinfo=UTC)  # a lease that ran out long ago


def let_go_sender(session: Session, sender: str, owner: str) -> None:
    """Give the right to send from `sender` up at once (a process stopping), if `owner` has it."""
    session.connection().execute(
        update(SendLease).where(col(SendLease.sender) == sender, col(SendLease.owner) == owner)
        .values(until=LET_GO)
    )  # fmt: skip


def existing(session: Session, dedupe_keys: Iterable[str]) -> set[str]:
    """Which of these once-only keys some message holds already, in one query."""
    keys = list(dedupe_keys)
    if not keys:
        return set()
    query = select(OutboundMessage.dedupe_key).where(col(OutboundMessage.dedupe_key).in_(keys))
    return {key for key in session.exec(query).all() if key}


def exists(session: Session, dedupe_key: str) -> bool:
    return dedupe_key in existing(session, [dedupe_key])
