"""Face-to-face services: a walk-in registered by the receptionist (the console, `eklinik visit
add`), and past services loaded from the paper records (`eklinik visit import`).

A walk-in is a session from the moment it is registered, with its code, its expert and its
case like any E-Klinik session: the expert is told at once and records SELESAI, TIDAK HADIR
or RESEP the same way, and when a number was given the prescription and the satisfaction
questions reach the cooperative by WhatsApp exactly as after a Zoom session.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.lifecycle import Acting, Change, apply
from bot.lifecycle.sessions import Refused
from flows.calendar import format_start
from flows.catalogue import staff
from flows.lifecycle import Event, Note, Origin
from flows.services import Service, Unreadable, read_service
from storage.bookings import record_event
from storage.directory import expert_by_phone
from storage.models import Booking
from storage.services import clashing_session, record_past, service_booking


def register(act: Acting, service: Service, cooperative_id: int | None = None,
             case_id: int | None = None) -> Booking:  # fmt: skip
    """The walk-in, stored and sent to its expert; Refused (nothing stored) when the expert is
    unknown or in another session at that time."""
    expert = expert_by_phone(act.session, service.expert_phone or "")
    if expert is None:
        raise Refused(staff("service_bad.expert_unknown", phone=service.expert_phone or "-"))
    start = service.at or act.now
    minutes = act.settings.hours.session_minutes
    if clash := clashing_session(act.session, expert.id, start, minutes):
        raise Refused(staff("visit_expert_busy", expert=expert.name, code=clash.code,
                            start=format_start(clash.requested_start)))  # fmt: skip
    with act.session.begin_nested():
        booking = service_booking(act.session, service, Origin.WALK_IN, act.now,
                                  cooperative_id, case_id)  # fmt: skip
        apply(act, booking, Event.VISIT, Change(start=start, expert=expert))
    return booking


@dataclass(frozen=True)
class Imported:
    """What an import did: the codes it stored, or every bad row (line, problems) and none."""

    codes: list[str]
    bad: list[tuple[int, list[str]]]


def import_past(act: Acting, rows: Iterable[tuple[int, Mapping[str, str | None]]]) -> Imported:
    """Past services, one per row (its line in the file, its fields). All or nothing: any bad
    row and nothing is stored; every bad row is named."""
    minutes = act.settings.hours.session_minutes
    read: list[tuple[int, Service, int | None]] = []
    bad: list[tuple[int, list[str]]] = []
    for line, fields in rows:
        try:
            service = read_service(fields, act.now, past=True)
        except Unreadable as error:
            bad.append((line, error.problems))
            continue
        expert = expert_by_phone(act.session, service.expert_phone, active_only=False) \
            if service.expert_phone else None  # fmt: skip
        if service.expert_phone and expert is None:
            bad.append((line, [staff("service_bad.expert_unknown", phone=service.expert_phone)]))
            continue
        read.append((line, service, expert.id if expert else None))
    if bad or not read:
        return Imported([], bad)
    codes = []
    with act.session.begin_nested():
        for _line, service, expert_id in read:
            booking = record_past(act.session, service, act.now, expert_id, minutes)
            record_event(act.session, booking, act.who, Note.IMPORTED, act.now)
            codes.append(booking.code or "")
    return Imported(codes, [])
