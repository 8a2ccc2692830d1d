"""A number's WhatsApp thread: what it sent and what it got (the console, the simulator, the
terminal chat), and its standing with the administrators: waiting for an answer since when,
taken by whom."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from flows.kinds import KINDS, To
from storage.directory import admin_phones
from storage.models import (
    AdminThread,
    Booking,
    Conversation,
    Cooperative,
    InboundMessage,
    OutboundMessage,
)


def numbers(session: Session, configured_admins: tuple[str, ...]) -> list[tuple[str, bool]]:
    """Every number that talked or was written to, and whether it is an administrator's."""
    admins = admin_phones(session, configured_admins)
    talking = session.exec(select(Conversation.phone)).all()
    receiving = session.exec(select(OutboundMessage.to_phone).distinct()).all()
    return [(phone, phone in admins) for phone in dict.fromkeys([*talking, *receiving, *admins])]


def thread(session: Session, phone: str) -> tuple[list[InboundMessage], list[OutboundMessage]]:
    inbound = session.exec(
        select(InboundMessage)
        .where(InboundMessage.phone == phone)
        .order_by(col(InboundMessage.received_at))
    ).all()
    outbound = session.exec(
        select(OutboundMessage)
        .where(OutboundMessage.to_phone == phone)
        .order_by(col(OutboundMessage.id))
    ).all()
    return list(inbound), list(outbound)


def last_outbound_id(session: Session) -> int:
    query = select(OutboundMessage.id).order_by(col(OutboundMessage.id).desc()).limit(1)
    return session.exec(query).first() or 0


def outbound_after(session: Session, after_id: int, not_to: str) -> list[OutboundMessage]:
    """Messages queued since `after_id` for anyone but `not_to`."""
    query = select(OutboundMessage).where(
        col(OutboundMessage.id) > after_id, OutboundMessage.to_phone != not_to
    )
    return list(session.exec(query.order_by(col(OutboundMessage.id))).all())


def _standing(session: Session, phone: str) -> AdminThread:
    found = session.get(AdminThread, phone, with_for_update=True)
    if found is None:
        found = AdminThread(phone=phone)
        session.add(found)
    return found


def mark_waiting(session: Session, phone: str, now: datetime) -> None:
    """The number wrote to the administrators ("Hubungi admin"): it waits from its first
    message that has no answer yet."""
    standing = _standing(session, phone)
    standing.waiting_since = standing.waiting_since or now


def mark_answered(session: Session, phone: str, who: str, now: datetime) -> None:
    standing = _standing(session, phone)
    standing.waiting_since = None
    standing.answered_by, standing.answered_at = who, now


def take(session: Session, phone: str, who: str, now: datetime) -> str | None:
    """`who` handles the number's thread now; who had it before (None: nobody, or them)."""
    standing = _standing(session, phone)
    before = standing.taken_by if standing.taken_by != who else None
    standing.taken_by, standing.taken_at = who, now
    return before


def standing_of(session: Session, phone: str) -> AdminThread | None:
    return session.get(AdminThread, phone)


def waiting_threads(session: Session, limit: int = 10) -> tuple[int, list[AdminThread]]:
    """How many numbers wait for an administrator's answer, and the longest-waiting ones."""
    waiting = col(AdminThread.waiting_since).is_not(None)
    count = session.exec(select(func.count()).select_from(AdminThread).where(waiting)).one()
    rows = session.exec(
        select(AdminThread).where(waiting).order_by(col(AdminThread.waiting_since)).limit(limit)
    ).all()
    return count, list(rows)


@dataclass(frozen=True)
class ThreadRow:
    """One number in the console's list of conversations."""

    phone: str
    cooperative: str | None  # the cooperative its latest booking is for
    last_at: datetime | None
    standing: AdminThread | None


def cooperative_names(session: Session, phones: list[str]) -> dict[str, str]:
    """The cooperative of each number's latest booking."""
    if not phones:
        return {}
    latest = (
        select(Booking.phone, func.max(Booking.id).label("id"))
        .where(col(Booking.phone).in_(phones))
        .group_by(Booking.phone)
        .subquery()
    )
    rows = session.exec(
        select(latest.c.phone, Cooperative.name)
        .join(Booking, Booking.id == latest.c.id)
        .join(Cooperative, col(Cooperative.id) == Booking.cooperative_id)
    ).all()
    return dict(rows)


def find_threads(session: Session, search: str = "", waiting_only: bool = False,
                 not_staff: tuple[str, ...] = (), limit: int = 50) -> list[ThreadRow]:  # fmt: skip
    """Numbers that wrote, most recent first (waiting ones: longest-waiting first); `search`
    is a part of the number, of a cooperative's name, or a booking code."""
    query = select(Conversation.phone, Conversation.updated_at, AdminThread).outerjoin(
        AdminThread, col(AdminThread.phone) == Conversation.phone
    )
    if not_staff:
        query = query.where(col(Conversation.phone).not_in(not_staff))
    if waiting_only:
        query = query.where(col(AdminThread.waiting_since).is_not(None)).order_by(
            col(AdminThread.waiting_since)
        )
    else:
        query = query.order_by(col(Conversation.updated_at).desc())
    if text := search.strip():
        digits = "".join(ch for ch in text if ch.isdigit())
        by_booking = (
            select(Booking.phone)
            .join(Cooperative, col(Cooperative.id) == Booking.cooperative_id)
            .where(or_(func.lower(Cooperative.name).contains(text.lower()),
                       func.lower(Booking.code) == text.lower()))
        )  # fmt: skip
        matches = [col(Conversation.phone).in_(by_booking)]
        if len(digits) >= 4:  # "0812 3456": the number without its leading 0 or 62
            matches.append(col(Conversation.phone).contains(digits.lstrip("0").removeprefix("62")))
        query = query.where(or_(*matches))
    rows = session.exec(query.limit(limit)).all()
    names = cooperative_names(session, [phone for phone, _at, _standing in rows])
    return [ThreadRow(phone, names.get(phone), at, standing) for phone, at, standing in rows]


def notice_about(session: Session, sid: str, to: str) -> str | None:
    """The cooperative's number a staff notice sent to `to` is about (its quoted reply)."""
    row = session.exec(
        select(OutboundMessage).where(OutboundMessage.sid == sid, OutboundMessage.to_phone == to)
    ).first()
    kind = KINDS.get(row.kind) if row is not None else None
    if kind is None or kind.audience != To.ADMINISTRATORS:
        return None
    if row.about_phone:
        return row.about_phone
    booking = session.get(Booking, row.booking_id) if row.booking_id else None
    return booking.phone if booking is not None else None
