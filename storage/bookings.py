"""Bookings and the cooperatives they are for."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, union
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
    if found is None:  # new: stored with its details, linked to this number, nothing to look up
        cooperative = _described(Cooperative(nik=nik), answers)
        session.add(cooperative)
        session.flush()
        link = CooperativeNumber(cooperative_id=cooperative.id, phone=phone, status=Link.LINKED)
        session.add(link)
        return cooperative, link
    cooperative = found
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
        _described(cooperative, answers)
    session.add(cooperative)
    session.flush()
    return cooperative, link


def _described(cooperative: Cooperative, answers: dict[str, Any]) -> Cooperative:
    """The cooperative as a linked number last described it."""
    cooperative.name = answers["coop_name"]
    cooperative.kind = answers["coop_kind"]
    cooperative.kecamatan = answers["kecamatan"]
    cooperative.in_regency = answers.get("in_regency", True)
    return cooperative


def new_booking(session: Session, phone: str, answers: dict[str, Any]) -> Booking:
    """A request from a finished conversation, not saved yet (`save_new` gives it its code):
    its cooperative, and its case (a follow-up continues the case it names)."""
    return new_request(session, phone, answers)[0]


def new_request(
    session: Session, phone: str, answers: dict[str, Any]
) -> tuple[Booking, CooperativeNumber]:
    """new_booking, and how the number stands with the cooperative."""
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
    booking = Booking(
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
    return booking, link


def save_new(session: Session, booking: Booking) -> None:
    """Store a new booking and give it its EK- code (its id's). The code is written by the
    session's next flush, with whatever else that flush writes (one UPDATE): every caller
    flushes next (the lifecycle's step, the import's next row or the commit)."""
    session.add(booking)
    session.flush()
    booking.code = f"EK-{booking.id:04d}"


# Built once (SQLAlchemy's expression building costs more than running them): each reads
# the number from its parameter.
PHONE = bindparam("phone")


@cache
def _history():
    """This number's own bookings, and every booking of the cooperatives it is linked to,
    whoever booked it: two board members of one cooperative (one NIK) share one history once
    linked. Newest first.

    The two kinds are found apart, each on its index (the number; the linked cooperatives),
    never by scanning every booking."""
    mine = select(CooperativeNumber.cooperative_id).where(
        CooperativeNumber.phone == PHONE, CooperativeNumber.status == Link.LINKED
    )
    booker = aliased(CooperativeNumber)  # the booking's own number is linked too
    shared = (
        select(Booking.id)
        .join(booker, (booker.cooperative_id == Booking.cooperative_id)
              & (booker.phone == Booking.phone))  # fmt: skip
        .where(col(Booking.cooperative_id).in_(mine), booker.status == Link.LINKED)
    )
    ids = union(select(Booking.id).where(Booking.phone == PHONE), shared)
    return (
        select(Booking, Cooperative)
        .join(Cooperative, col(Booking.cooperative_id) == Cooperative.id)
        .where(col(Booking.id).in_(ids))
        .order_by(col(Booking.id).desc())
    )


def history_of_cooperatives(session: Session, phone: str) -> list[tuple[Booking, Cooperative]]:
    rows = session.exec(_history(), params={"phone": phone})
    return [(booking, cooperative) for booking, cooperative in rows]


@dataclass(frozen=True)
class Seen:
    """One booking of a number's history, as its conversation sees it."""

    booking: Booking
    cooperative: Cooperative
    survey_at: datetime | None  # when the satisfaction question went out
    case_open: bool


@cache
def _seen():
    survey = (
        select(func.max(OutboundMessage.sent_at))
        .where(OutboundMessage.booking_id == Booking.id,
               OutboundMessage.kind == KINDS["follow_up"].name)
        .correlate(Booking)
        .scalar_subquery()
    )  # fmt: skip
    return _history().add_columns(survey, Case.status).outerjoin(
        Case, col(Case.id) == Booking.case_id)


def history_seen(session: Session, phone: str) -> list[Seen]:
    """The number's history (`history_of_cooperatives`) with when each satisfaction question
    went out and whether each case is open: one query for every message."""
    rows = session.exec(_seen(), params={"phone": phone})
    return [Seen(booking, cooperative, sent, status == CaseStatus.OPEN)
            for booking, cooperative, sent, status in rows]  # fmt: skip


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


def known_details(seen: list[Seen], phone: str) -> dict[str, Any] | None:
    """The cooperative and contact from this number's latest booking, to offer again."""
    own = next((one for one in seen if one.booking.phone == phone), None)
    if own is None:
        return None
    booking, cooperative = own.booking, own.cooperative
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


def bookings_of(session: Session, ids: list[int]) -> dict[int, tuple[Booking, str | None]]:
    """These bookings with their case's status, in one query."""
    if not ids:
        return {}
    query = (select(Booking, Case.status).outerjoin(Case, col(Case.id) == Booking.case_id)
             .where(col(Booking.id).in_(sorted(set(ids)))))  # fmt: skip
    return {booking.id: (booking, status) for booking, status in session.exec(query)}


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


def latest_booking(session: Session, phone: str) -> Booking | None:
    """The number's own most recent booking."""
    query = select(Booking).where(Booking.phone == phone).order_by(col(Booking.id).desc())
    return session.exec(query.limit(1)).first()
