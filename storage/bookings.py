"""Bookings and the cooperatives they are for."""

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from flows.kinds import KINDS
from flows.lifecycle import CaseStatus, Channel, Status
from storage.models import (
    Booking,
    BookingEvent,
    Case,
    Cooperative,
    CooperativeNumber,
    Link,
    OutboundMessage,
    Topic,
)

# The answers that have a column of their own; any others are kept in booking.details.
COLUMNS = frozenset({"coop_name", "nik", "coop_kind", "kecamatan", "in_regency", "contact_name",
                     "contact_role", "topic", "problem_area", "problem_text", "start",
                     "case_id", "channel"})  # fmt: skip


# What a number not linked to the cooperative said about it, kept on its booking instead.
GIVEN = {"coop_name": "given_coop_name", "coop_kind": "given_coop_kind",
         "kecamatan": "given_kecamatan"}  # fmt: skip


def _cooperative(
    session: Session, phone: str, answers: dict[str, Any]
) -> tuple[Cooperative, CooperativeNumber]:
    """The same cooperative when its NIK (or, without one, its name from this number) is known,
    and how this number stands with it. A number that gives a Nomor Induk registered from
    other numbers books for that cooperative but is not linked to it (an administrator
    decides): it never changes the stored cooperative."""
    nik = answers.get("nik")
    if nik:
        found = session.exec(select(Cooperative).where(Cooperative.nik == nik)).first()
    else:
        found = session.exec(
            select(Cooperative)
            .join(Booking, col(Booking.cooperative_id) == Cooperative.id)
            .where(Booking.phone == phone, col(Cooperative.nik).is_(None))
            .where(func.lower(Cooperative.name) == answers["coop_name"].lower())
        ).first()
    cooperative = found or Cooperative(name=answers["coop_name"], nik=nik, kind="", kecamatan="")
    if cooperative.id is None:
        session.add(cooperative)
        session.flush()
    link = session.get(CooperativeNumber, (cooperative.id, phone))
    if link is None:
        others = session.exec(
            select(CooperativeNumber.phone).where(
                CooperativeNumber.cooperative_id == cooperative.id,
                CooperativeNumber.status == Link.LINKED,
            )
        ).first()
        link = CooperativeNumber(cooperative_id=cooperative.id, phone=phone,
                                 status=Link.PENDING if others else Link.LINKED)  # fmt: skip
        session.add(link)
    if link.status == Link.LINKED:
        cooperative.name = answers["coop_name"]
        cooperative.kind = answers["coop_kind"]
        cooperative.kecamatan = answers["kecamatan"]
        cooperative.in_regency = answers.get("in_regency", True)
    session.add(cooperative)
    session.flush()
    return cooperative, link


def new_booking(session: Session, phone: str, answers: dict[str, Any]) -> Booking:
    """A request from a finished conversation, not saved yet (`save_new` gives it its code):
    its cooperative, and its case (a follow-up continues the case it names)."""
    cooperative, link = _cooperative(session, phone, answers)
    given = {GIVEN[key]: answers[key] for key in GIVEN
             if link.status != Link.LINKED and answers.get(key)}  # fmt: skip
    case = session.get(Case, answers["case_id"]) if answers.get("case_id") else None
    if case is None or case.cooperative_id != cooperative.id:
        case = Case(
            cooperative_id=cooperative.id,
            topic_key=answers["topic"],
            problem_area=answers["problem_area"],
            problem_text=answers["problem_text"],
        )
        session.add(case)
        session.flush()
    return Booking(
        case=case,
        cooperative=cooperative,
        phone=phone,
        contact_name=answers["contact_name"],
        contact_role=answers["contact_role"],
        topic_key=answers["topic"],
        problem_area=answers["problem_area"],
        problem_text=answers["problem_text"],
        requested_start=datetime.fromisoformat(answers["start"]),
        channel=answers.get("channel", Channel.ONLINE),
        details={**{key: answers[key] for key in answers if key not in COLUMNS}, **given}
        or None,
    )


def save_new(session: Session, booking: Booking) -> None:
    """Store a new booking and give it its EK- code."""
    session.add(booking)
    session.flush()
    booking.code = f"EK-{booking.id:04d}"
    session.flush()


def bookings_of(session: Session, phone: str) -> list[tuple[Booking, Cooperative, Topic]]:
    """This number's bookings, newest first."""
    rows = session.exec(
        select(Booking, Cooperative, Topic)
        .join(Cooperative, col(Booking.cooperative_id) == Cooperative.id)
        .join(Topic, col(Booking.topic_key) == Topic.key)
        .where(Booking.phone == phone)
        .order_by(col(Booking.id).desc())
    )
    return list(rows.all())


def history_of_cooperatives(
    session: Session, phone: str
) -> list[tuple[Booking, Cooperative, Topic]]:
    """This number's own bookings, and every booking of the cooperatives it is linked to,
    whoever booked it: two board members of one cooperative (one NIK) share one history once
    linked. Newest first."""
    mine = select(CooperativeNumber.cooperative_id).where(
        CooperativeNumber.phone == phone, CooperativeNumber.status == Link.LINKED
    )
    booker = aliased(CooperativeNumber)  # the booking's own number is linked too
    rows = session.exec(
        select(Booking, Cooperative, Topic)
        .join(Cooperative, col(Booking.cooperative_id) == Cooperative.id)
        .join(Topic, col(Booking.topic_key) == Topic.key)
        .outerjoin(booker, (booker.cooperative_id == Booking.cooperative_id)
                   & (booker.phone == Booking.phone))  # fmt: skip
        .where(or_(Booking.phone == phone,
                   col(Booking.cooperative_id).in_(mine) & (booker.status == Link.LINKED)))
        .order_by(col(Booking.id).desc())
    )  # fmt: skip
    return list(rows.all())


def link_of(session: Session, booking: Booking) -> CooperativeNumber | None:
    return session.get(CooperativeNumber, (booking.cooperative_id, booking.phone))


def pending_links(session: Session) -> list[tuple[CooperativeNumber, Cooperative]]:
    """Numbers waiting for an administrator to link them or keep them apart, oldest first."""
    rows = session.exec(
        select(CooperativeNumber, Cooperative)
        .join(Cooperative, col(CooperativeNumber.cooperative_id) == Cooperative.id)
        .where(CooperativeNumber.status == Link.PENDING)
        .order_by(col(CooperativeNumber.created_at))
    )
    return list(rows.all())


def decide_link(session: Session, cooperative_id: int, phone: str, status: Link, who: str,
                now: datetime) -> CooperativeNumber | None:  # fmt: skip
    link = session.get(CooperativeNumber, (cooperative_id, phone), with_for_update=True)
    if link is not None:
        link.status, link.decided_by, link.decided_at = status, who, now
    return link


def known_details(session: Session, phone: str) -> dict[str, Any] | None:
    """The cooperative and contact from this number's latest booking, to offer again."""
    rows = bookings_of(session, phone)
    if not rows:
        return None
    booking, cooperative, _topic = rows[0]
    given = booking.details or {}  # a number not linked: what it said, not what is stored
    return {
        "coop_name": given.get(GIVEN["coop_name"], cooperative.name),
        "nik": cooperative.nik,
        "coop_kind": given.get(GIVEN["coop_kind"], cooperative.kind),
        "kecamatan": given.get(GIVEN["kecamatan"], cooperative.kecamatan),
        "in_regency": cooperative.in_regency,
        "contact_name": booking.contact_name,
        "contact_role": booking.contact_role,
    }


def own_booking(session: Session, phone: str, code: str) -> Booking | None:
    """The booking by code, locked, when this number made it."""
    query = select(Booking).where(Booking.phone == phone, Booking.code == code)
    return session.exec(query.with_for_update()).first()


def booking_by_code(session: Session, code: str, lock: bool = False) -> Booking | None:
    query = select(Booking).where(Booking.code == code)
    return session.exec(query.with_for_update() if lock else query).first()


def record_event(
    session: Session, booking: Booking, actor: str, action: str, now: datetime, detail: str = ""
) -> None:
    """One line of the booking's history (the audit log)."""
    booking.updated_at = now
    session.add(booking)
    session.add(
        BookingEvent(booking_id=booking.id, at=now, actor=actor, action=action, detail=detail)
    )


def history(session: Session, booking_id: int) -> list[BookingEvent]:
    query = select(BookingEvent).where(BookingEvent.booking_id == booking_id)
    return list(session.exec(query.order_by(col(BookingEvent.at), col(BookingEvent.id))).all())


def sessions_in_week(session: Session, expert_id: int, start: datetime, end: datetime) -> int:
    query = select(func.count()).where(
        Booking.expert_id == expert_id,
        Booking.status == Status.CONFIRMED,
        col(Booking.requested_start) >= start,
        col(Booking.requested_start) < end,
    )
    return session.exec(query).one()


def surveys_sent(session: Session, booking_ids: list[int]) -> dict[int, datetime]:
    """When the satisfaction question went out, per booking (only those sent)."""
    if not booking_ids:
        return {}
    rows = session.exec(
        select(OutboundMessage.booking_id, OutboundMessage.sent_at).where(
            col(OutboundMessage.booking_id).in_(booking_ids),
            OutboundMessage.kind == KINDS["follow_up"].name,
            col(OutboundMessage.sent_at).is_not(None),
        )
    )
    return {booking_id: sent_at for booking_id, sent_at in rows}


def open_case_ids(session: Session, case_ids: list[int]) -> set[int]:
    if not case_ids:
        return set()
    query = select(Case.id).where(col(Case.id).in_(case_ids), Case.status == CaseStatus.OPEN)
    return set(session.exec(query).all())


def latest_booking(session: Session, phone: str) -> Booking | None:
    """The number's own most recent booking."""
    query = select(Booking).where(Booking.phone == phone).order_by(col(Booking.id).desc())
    return session.exec(query.limit(1)).first()
