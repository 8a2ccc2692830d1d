"""A number's WhatsApp thread: what it sent and what it got (the simulator, the terminal chat)."""

from sqlmodel import Session, col, select

from storage.directory import admin_phones
from storage.models import Conversation, InboundMessage, OutboundMessage


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
