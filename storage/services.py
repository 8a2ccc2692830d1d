"""Services written down by staff (flows/services.py): the cooperative they are for, found or
made, the booking that records them, and the yearly target they are counted against."""

from datetime import datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from flows.lifecycle import CaseStatus, Outcome, Status
from flows.services import DEFAULT_ROLE, Service
from storage.bookings import save_new
from storage.models import (
    Booking,
    Case,
    Cooperative,
    CooperativeNumber,
    Link,
    ServiceTarget,
)

SEARCH_LIMIT = 20


def find_cooperatives(session: Session, text: str) -> list[Cooperative]:
    """The receptionist's search: a Nomor Induk, a phone number that booked or was linked, or a
    part of the name; best first (exact NIK, then names), at most SEARCH_LIMIT."""
    text = " ".join(text.split())
    if not text:
        return []
    digits = "".join(ch for ch in text if ch.isdigit())
    conditions = [func.lower(Cooperative.name).contains(text.lower())]
    if len(digits) == 16:
        conditions.append(Cooperative.nik == digits)
    if len(digits) >= 8:  # a phone number, as typed: 0812…, +62 812…, 62812…
        tail = digits[-9:]
        numbers = select(CooperativeNumber.cooperative_id).where(
            col(CooperativeNumber.phone).endswith(tail)
        )
        conditions.append(col(Cooperative.id).in_(numbers))
    query = (
        select(Cooperative)
        .where(or_(*conditions))
        .order_by((Cooperative.nik == digits).desc(), func.lower(Cooperative.name))
        .limit(SEARCH_LIMIT)
    )
    return list(session.exec(query).all())


def cooperative_for(
    session: Session, service: Service, cooperative_id: int | None = None
) -> Cooperative:
    """The chosen cooperative, else the one with the service's Nomor Induk, else the one of that
    name in that kecamatan, else a new one. What staff wrote fills what the record lacks; a
    recorded NIK, kind or kecamatan is not overwritten (the chat's own answers keep theirs)."""
    found = session.get(Cooperative, cooperative_id) if cooperative_id else None
    if found is None and service.nik:
        found = session.exec(select(Cooperative).where(Cooperative.nik == service.nik)).first()
    if found is None:
        found = session.exec(
            select(Cooperative)
            .where(func.lower(Cooperative.name) == service.cooperative.lower())
            .where(Cooperative.kecamatan == service.kecamatan)
            .order_by(col(Cooperative.id))
        ).first()
    if found is None:
        found = Cooperative(name=service.cooperative, nik=service.nik, kind=service.kind,
                            kecamatan=service.kecamatan)  # fmt: skip
    else:
        found.nik = found.nik or _free_nik(session, service.nik)
        found.kind = found.kind or service.kind
        found.kecamatan = found.kecamatan or service.kecamatan
    session.add(found)
    session.flush()
    return found


def _free_nik(session: Session, nik: str | None) -> str | None:
    if nik is None:
        return None
    taken = session.exec(select(Cooperative.id).where(Cooperative.nik == nik)).first()
    return None if taken else nik


def _link(session: Session, cooperative: Cooperative, phone: str | None, now: datetime) -> None:
    """A number given at the office is the cooperative's: staff saw who they are."""
    if phone is None or session.get(CooperativeNumber, (cooperative.id, phone)) is not None:
        return
    session.add(CooperativeNumber(cooperative_id=cooperative.id, phone=phone, status=Link.LINKED,
                                  created_at=now, decided_at=now))  # fmt: skip


def open_cases(session: Session, cooperative_id: int) -> list[Case]:
    query = select(Case).where(Case.cooperative_id == cooperative_id,
                               Case.status == CaseStatus.OPEN).order_by(col(Case.id))  # fmt: skip
    return list(session.exec(query).all())


def service_booking(
    session: Session,
    service: Service,
    origin: str,
    now: datetime,
    cooperative_id: int | None = None,
    case_id: int | None = None,
) -> Booking:
    """The booking that records a service written down by staff, not saved yet: its
    cooperative (found or made), its case (the open one chosen, else a new one), at its time
    (now when none was written)."""
    cooperative = cooperative_for(session, service, cooperative_id)
    _link(session, cooperative, service.phone, now)
    case = session.get(Case, case_id) if case_id else None
    if case is None or case.cooperative_id != cooperative.id:
        case = Case(cooperative_id=cooperative.id, topic_key=service.topic,
                    problem_area=service.area, problem_text=service.problem,
                    opened_at=service.at or now)  # fmt: skip
        session.add(case)
        session.flush()
    return Booking(
        case=case,
        cooperative=cooperative,
        phone=service.phone or "",  # "": none given; nothing is sent to the cooperative
        contact_name=service.contact or "-",
        contact_role=service.role or DEFAULT_ROLE,
        topic_key=service.topic,
        problem_area=service.area,
        problem_text=service.problem,
        requested_start=service.at or now,
        channel=service.channel,
        origin=origin,
        created_at=now,
        updated_at=now,
    )


def clashing_session(session: Session, expert_id: int, start: datetime,
                     minutes: int) -> Booking | None:  # fmt: skip
    """The expert's confirmed session overlapping [start, start + minutes), if any."""
    end = start + timedelta(minutes=minutes)
    query = select(Booking).where(
        Booking.expert_id == expert_id,
        Booking.status == Status.CONFIRMED,
        col(Booking.requested_start) < end,
        col(Booking.ends_at) > start,
    )
    return session.exec(query.limit(1)).first()


def record_past(session: Session, service: Service, now: datetime, expert_id: int | None,
                minutes: int) -> Booking:  # fmt: skip
    """A past service from the paper records: held (with its prescription) or a no-show, its
    satisfaction and whether it was solved when written down; its case closed with it."""
    booking = service_booking(session, service, "import", now)
    held = service.outcome == Outcome.HELD
    booking.status = Status.DONE if held else Status.NO_SHOW
    booking.outcome = service.outcome
    booking.expert_id = expert_id
    booking.ends_at = booking.requested_start + timedelta(minutes=minutes)
    booking.prescription = service.prescription or None
    booking.prescription_at = booking.ends_at if service.prescription else None
    booking.satisfaction, booking.solved = service.satisfaction, service.solved
    case = booking.case
    case.status, case.closed_reason, case.closed_at = CaseStatus.CLOSED, "imported", booking.ends_at
    if service.expert_name and expert_id is None:
        booking.details = {"expert_name": service.expert_name}
    save_new(session, booking)
    return booking


def set_target(
    session: Session, year: int, services: int, who: str, now: datetime
) -> ServiceTarget:
    target = session.get(ServiceTarget, year) or ServiceTarget(year=year, services=services)
    target.services, target.set_by, target.set_at = services, who, now
    session.add(target)
    session.flush()
    return target


def target_of(session: Session, year: int) -> int | None:
    found = session.get(ServiceTarget, year)
    return found.services if found else None
