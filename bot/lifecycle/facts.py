"""What a message may say about a booking: every named value the texts and the WhatsApp
templates use ({code}, {start}, {expert}, …), built from the booking in one place."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from flows.calendar import ClinicHours, day_seen_from, format_clock, format_start, hours_params
from flows.catalogue import STAFF, name, names, say, staff
from flows.choices import COOP_KINDS, PROBLEM_AREAS, ROLES, TOPICS
from flows.dates import WIB
from flows.lifecycle import Channel, held_at
from flows.words import shorten
from storage.agenda import earlier_sessions
from storage.models import Booking, Expert


def _where(booking: Booking) -> str:
    """A session's link in an expert's day, or that it is at the office."""
    if booking.channel == Channel.OFFICE:
        return name("channel", Channel.OFFICE, STAFF)
    return booking.meeting_link or "-"


def schedule_line(booking: Booking) -> str:
    """One session in an expert's day (JADWAL, and the schedule at 07:00)."""
    area = PROBLEM_AREAS.label(booking.problem_area) if booking.problem_area else ""
    problem = f"{area}: {booking.problem_text}" if area else booking.problem_text
    return staff("schedule_line", clock=format_clock(booking.requested_start.astimezone(WIB)),
                 code=booking.code, coop=booking.cooperative.name,
                 kecamatan=booking.cooperative.kecamatan, topic=TOPICS.label(booking.topic_key),
                 problem=shorten(problem, 160), phone=booking.phone or "-",
                 link=_where(booking))  # fmt: skip


def case_line(session: Session, booking: Booking, key: str = "schedule_case") -> str:
    """For a follow-up: "sesi ke-2; resep sebelumnya: …" from the case's earlier sessions
    (an expert's schedule line; `key` "admin_follow_up": the heading of a request's notice)."""
    earlier = earlier_sessions(session, booking)
    if not earlier:
        return ""
    last = next((b.prescription for b in reversed(earlier) if b.prescription), None)
    line = staff(key, number=len(earlier) + 1, case=booking.case_id)
    return line + (staff("schedule_previous", text=shorten(last, 160)) if last else "")


def schedule_item(booking: Booking) -> str:
    """One session in the line a template carries: time, cooperative, topic, code, link."""
    return staff("schedule_item", clock=format_clock(booking.requested_start.astimezone(WIB)),
                 code=booking.code, coop=booking.cooperative.name,
                 topic=TOPICS.label(booking.topic_key), link=_where(booking))


@dataclass(frozen=True)
class Before:
    """The booking as it was before a step: its time, its expert."""

    status: str | None
    start: datetime
    expert: Expert | None

    @classmethod
    def of(cls, booking: Booking) -> "Before":
        """The request's or the session's own time (not a proposal's): what "moved from" means."""
        status = booking.status if booking.id is not None else None
        return cls(status, booking.requested_start, booking.expert if status else None)


def facts(
    booking: Booking,
    lang: str,
    hours: ClinicHours,
    address: str | None,
    before: Before | None = None,
    step: str = "",
    due: datetime | None = None,
) -> dict[str, str]:
    """The booking's facts in `lang` ("staff": for administrators and experts); `due`, when
    the message is sent later, is what "besok" is counted from."""
    words = "id" if lang == STAFF else lang
    coop = booking.cooperative
    expert = booking.expert or (before.expert if before else None)
    start = held_at(booking.status, booking.requested_start, booking.proposed_start)
    kecamatan = coop.kecamatan if coop.in_regency else staff("outside", kecamatan=coop.kecamatan)
    problem = booking.problem_text
    link = booking.meeting_link or (expert.meeting_link if expert else None) or "-"
    place = address or say("clinic_address", words)
    return {
        "code": booking.code or "",
        "start": format_start(start, words),
        "old": format_start(before.start if before else start, words),
        "clock": format_clock(start.astimezone(WIB)),
        "session_day": day_seen_from(start.astimezone(WIB).date(),
                                     (due or start).astimezone(WIB).date(), words),
        "expert": expert.name if expert else "-",
        "link": link,
        "place": say("place_office", words, address=place) if booking.channel == Channel.OFFICE
        else say("place_online", words, link=link),
        "prepare": names("prepare", words).get(booking.topic_key, ""),
        "coop": coop.name,
        "coop_nik": staff("coop_with_nik", name=coop.name, nik=coop.nik) if coop.nik else coop.name,
        "kind": COOP_KINDS.label(coop.kind, words) if coop.kind else "-",
        "kecamatan": kecamatan,
        "topic": TOPICS.label(booking.topic_key, words),
        "area": PROBLEM_AREAS.label(booking.problem_area, words) if booking.problem_area
        else staff("report.unrecorded"),
        "problem": problem,
        "problem_short": shorten(problem, 300),
        "contact": booking.contact_name,
        "role": ROLES.label(booking.contact_role, words),
        "phone": booking.phone,
        "reason": booking.decline_reason or "",
        "text": booking.prescription or "",
        "text_short": shorten(booking.prescription or "", 200),
        "why": name("why", step, STAFF) if step else "",
        "address": place,
        **{key: str(value) for key, value in hours_params(hours).items()},
    }
