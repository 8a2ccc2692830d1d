"""Bookings and the cooperatives they are for."""

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Booking, BookingEvent, Cooperative, Topic

ACTIVE = ("waiting", "confirmed", "proposed")


def _cooperative(session: Session, phone: str, answers: dict[str, Any]) -> Cooperative:
    """The same cooperative when its NIK (or, without one, its name from this number) is known."""
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
    cooperative.name = answers["coop_name"]
    cooperative.kind = answers["coop_kind"]
    cooperative.kecamatan = answers["kecamatan"]
    cooperative.in_regency = answers.get("in_regency", True)
    session.add(cooperative)
    session.flush()
    return cooperative


def create_booking(session: Session, phone: str, answers: dict[str, Any]) -> Booking:
    """A request waiting for confirmation, with its EK- code, from a finished conversation."""
    cooperative = _cooperative(session, phone, answers)
    booking = Booking(
        cooperative_id=cooperative.id,
        phone=phone,
        contact_name=answers["contact_name"],
        contact_role=answers["contact_role"],
        topic_key=answers["topic"],
        problem_area=answers["problem_area"],
        problem_text=answers["problem_text"],
        requested_start=datetime.fromisoformat(answers["start"]),
    )
    session.add(booking)
    session.flush()
    booking.code = f"EK-{booking.id:04d}"
    session.flush()
    return booking


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


def known_details(session: Session, phone: str) -> dict[str, Any] | None:
    """The cooperative and contact from this number's latest booking, to offer again."""
    rows = bookings_of(session, phone)
    if not rows:
        return None
    booking, cooperative, _topic = rows[0]
    return {
        "coop_name": cooperative.name,
        "nik": cooperative.nik,
        "coop_kind": cooperative.kind,
        "kecamatan": cooperative.kecamatan,
        "in_regency": cooperative.in_regency,
        "contact_name": booking.contact_name,
        "contact_role": booking.contact_role,
    }


def active_booking(session: Session, phone: str, code: str) -> Booking | None:
    """The number's own booking by code, locked, if it can still be changed."""
    return session.exec(
        select(Booking)
        .where(Booking.phone == phone, Booking.code == code, col(Booking.status).in_(ACTIVE))
        .with_for_update()
    ).first()


def booking_by_code(session: Session, code: str, lock: bool = False) -> Booking | None:
    query = select(Booking).where(Booking.code == code)
    return session.exec(query.with_for_update() if lock else query).first()


def waiting_requests(session: Session) -> list[tuple[Booking, Cooperative, Topic]]:
    """Requests waiting for the administrators, oldest first."""
    rows = session.exec(
        select(Booking, Cooperative, Topic)
        .join(Cooperative, col(Booking.cooperative_id) == Cooperative.id)
        .join(Topic, col(Booking.topic_key) == Topic.key)
        .where(Booking.status == "waiting")
        .order_by(col(Booking.created_at), col(Booking.id))
    )
    return list(rows.all())


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
        Booking.status == "confirmed",
        col(Booking.requested_start) >= start,
        col(Booking.requested_start) < end,
    )
    return session.exec(query).one()
