"""A person's data is their own (UU 27/2022 on personal data protection): everything held
about a number, its erasure, and the retention of raw messages.

Erasure removes what identifies or describes the person — their number, name, messages,
the problem text they wrote — and keeps what the department's reports count: the bookings'
statuses, topics, problem areas, dates, kecamatan and cooperative (an organisation, not a
person), and the satisfaction answers.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from flows.kinds import MessageStatus
from flows.skm import ELEMENTS
from storage.models import (
    AdminThread,
    AuditEntry,
    Booking,
    BookingEvent,
    Case,
    Conversation,
    Cooperative,
    CooperativeNumber,
    InboundMessage,
    OutboundMessage,
    SkmAnswer,
)

ERASED = "erased"  # what an erased number reads as, everywhere it was


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export(session: Session, phone: str) -> dict[str, Any]:
    """Everything held about the number, as plain JSON-ready data."""
    conversation = session.get(Conversation, phone)
    bookings = session.exec(
        select(Booking).where(Booking.phone == phone).order_by(col(Booking.id))
    ).all()
    inbound = session.exec(
        select(InboundMessage).where(InboundMessage.phone == phone)
        .order_by(col(InboundMessage.received_at))
    ).all()  # fmt: skip
    outbound = session.exec(
        select(OutboundMessage).where(OutboundMessage.to_phone == phone)
        .order_by(col(OutboundMessage.id))
    ).all()  # fmt: skip
    links = session.exec(
        select(CooperativeNumber, Cooperative)
        .join(Cooperative, col(CooperativeNumber.cooperative_id) == Cooperative.id)
        .where(CooperativeNumber.phone == phone)
    ).all()
    return {
        "phone": phone,
        "conversation": conversation and {
            "state": conversation.state, "answers": conversation.answers,
            "language": conversation.lang, "opted_out": conversation.opted_out,
            "updated_at": _when(conversation.updated_at),
        },
        "cooperatives": [
            {"name": coop.name, "nik": coop.nik, "kind": coop.kind, "kecamatan": coop.kecamatan,
             "link": link.status}
            for link, coop in links
        ],
        "bookings": [
            {
                "code": b.code, "status": b.status, "cooperative": b.cooperative.name,
                "contact_name": b.contact_name, "contact_role": b.contact_role,
                "topic": b.topic_key, "problem_area": b.problem_area,
                "problem": b.problem_text, "requested_start": _when(b.requested_start),
                "proposed_start": _when(b.proposed_start),
                "expert": b.expert.name if b.expert else None, "meeting_link": b.meeting_link,
                "prescription": b.prescription, "satisfaction": b.satisfaction,
                "solved": b.solved, "details": b.details, "created_at": _when(b.created_at),
                "channel": b.channel, "survey": _survey(session.get(SkmAnswer, b.id)),
                "history": [
                    {"at": _when(e.at), "action": e.action, "by": e.actor, "detail": e.detail}
                    for e in session.exec(select(BookingEvent).where(
                        BookingEvent.booking_id == b.id).order_by(col(BookingEvent.id)))
                ],
            }
            for b in bookings
        ],
        "messages_received": [
            {"at": _when(m.received_at), "kind": m.kind, "text": m.body} for m in inbound
        ],
        "messages_sent": [
            {"at": _when(m.created_at), "kind": m.kind, "status": m.status, "text": m.body}
            for m in outbound
        ],
    }  # fmt: skip


def _survey(answer: SkmAnswer | None) -> dict | None:
    if answer is None:
        return None
    return {**{element: getattr(answer, element) for element in ELEMENTS},
            "comment": answer.comment, "answered_at": _when(answer.answered_at)}  # fmt: skip


def erase(session: Session, phone: str) -> dict[str, int]:
    """Remove the number's personal data, keep the counts; how many rows were touched."""
    bookings = session.exec(select(Booking).where(Booking.phone == phone)).all()
    case_ids = {b.case_id for b in bookings if b.case_id}
    for booking in bookings:
        booking.phone, booking.contact_name, booking.problem_text = ERASED, "", ""
        booking.details = None
        if (survey := session.get(SkmAnswer, booking.id)) is not None:
            survey.comment = None  # the free comment may say who wrote it; the levels stay
    for case_id in case_ids:
        if (case := session.get(Case, case_id)) is not None:
            shared = session.exec(select(Booking.id).where(
                Booking.case_id == case_id, Booking.phone != ERASED)).first()  # fmt: skip
            if shared is None:  # nobody else's booking describes the case
                case.problem_text = ""
    events = session.exec(
        update(BookingEvent).where(col(BookingEvent.actor) == phone).values(actor=ERASED)
    ).rowcount
    inbound = session.exec(
        update(InboundMessage).where(col(InboundMessage.phone) == phone)
        .values(phone=ERASED, body="", payload={})
    ).rowcount  # fmt: skip
    session.exec(
        update(OutboundMessage)
        .where(col(OutboundMessage.to_phone) == phone,
               col(OutboundMessage.status).in_([MessageStatus.PENDING, MessageStatus.HELD]))
        .values(status=MessageStatus.CANCELLED, error="recipient's data erased")
    )  # fmt: skip
    outbound = session.exec(
        update(OutboundMessage).where(col(OutboundMessage.to_phone) == phone)
        .values(to_phone=ERASED, body="", variables=None)
    ).rowcount  # fmt: skip
    session.exec(
        update(OutboundMessage).where(col(OutboundMessage.about_phone) == phone)
        .values(about_phone=ERASED)
    )  # fmt: skip
    session.exec(
        update(AuditEntry)
        .where(or_(col(AuditEntry.target) == phone, col(AuditEntry.detail).contains(phone)))
        .values(target=ERASED, detail="")
    )  # fmt: skip
    session.exec(delete(AdminThread).where(col(AdminThread.phone) == phone))
    session.exec(delete(CooperativeNumber).where(col(CooperativeNumber.phone) == phone))
    conversation = session.exec(delete(Conversation).where(col(Conversation.phone) == phone))
    return {"bookings": len(bookings), "events": events, "messages_received": inbound,
            "messages_sent": outbound, "conversation": conversation.rowcount}  # fmt: skip


def purge_before(session: Session, cutoff: datetime,
                 since: datetime | None = None) -> dict[str, int]:  # fmt: skip
    """Retention: the raw payloads and texts of messages from before `cutoff` (and, when a
    previous purge covered the rest, since `since`) are emptied. The rows stay: they count,
    and a MessageSid must still be recognised."""
    received, created = col(InboundMessage.received_at), col(OutboundMessage.created_at)
    inbound_when = [received < cutoff] + ([received >= since] if since else [])
    outbound_when = [created < cutoff] + ([created >= since] if since else [])
    inbound = session.exec(
        update(InboundMessage).where(*inbound_when).values(body="", payload={})
    ).rowcount
    unsent = [MessageStatus.PENDING, MessageStatus.SENDING, MessageStatus.HELD]
    outbound = session.exec(
        update(OutboundMessage)
        .where(*outbound_when, col(OutboundMessage.status).not_in(unsent))
        .values(body="", variables=None)
    ).rowcount
    return {"messages_received": inbound, "messages_sent": outbound}
