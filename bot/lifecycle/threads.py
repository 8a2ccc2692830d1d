"""A cooperative's conversation with the administrators.

A "Hubungi admin" message reaches every administrator with who wrote and how to answer, and
the number waits for an answer from then on. An administrator's answer (BALAS on WhatsApp, or
the console) goes through the outbox: inside WhatsApp's 24-hour window as text, outside it as
the approved template, and the administrator is told which. An administrator takes a thread
("saya tangani", TANGANI) so that the others see it is handled. Everything runs in the
caller's transaction.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.lifecycle import Acting
from flows.catalogue import name, staff
from flows.kinds import KINDS
from flows.templates import VARIABLE_LENGTH, bodies, fill, one_line, render
from storage.bookings import latest_booking
from storage.contents import template_sid
from storage.conversations import inside_window, is_opted_out, language_of, last_inbound_at
from storage.directory import person_name
from storage.models import Booking, Conversation
from storage.outbox import enqueue, enqueue_for_admins
from storage.threads import mark_answered, mark_waiting, take


class Route(StrEnum):
    """How an administrator's answer to a number can go now."""

    UNKNOWN = "unknown"  # the number never wrote nor booked
    STOPPED = "stopped"  # it said STOP
    TEXT = "text"  # it wrote within WhatsApp's 24 hours
    TEMPLATE = "template"  # outside them, as the approved ADMIN_REPLY template
    NO_TEMPLATE = "no_template"  # outside them, and the template is not approved


@dataclass(frozen=True)
class Way:
    route: Route
    last_written: datetime | None
    booking: Booking | None  # the number's latest booking


KIND = KINDS["admin_reply"]


def way_to(act: Acting, phone: str) -> Way:
    """How an answer to `phone` would go now (BALAS, and the console's note beside its form)."""
    booking, last = latest_booking(act.session, phone), last_inbound_at(act.session, phone)
    if booking is None and act.session.get(Conversation, phone) is None:
        route = Route.UNKNOWN
    elif is_opted_out(act.session, phone):
        route = Route.STOPPED
    elif inside_window(last, act.now):
        route = Route.TEXT
    elif template_sid(act.session, act.settings.templates, KIND.template):
        route = Route.TEMPLATE
    else:
        route = Route.NO_TEMPLATE
    return Way(route, last, booking)


def who_is(booking: Booking | None) -> str:
    """The cooperative of the number's latest booking, with its code and status."""
    if booking is None:
        return staff("thread_new_number")
    return staff("thread_who", coop=booking.cooperative.name, code=booking.code,
                 status=name("status", booking.status))  # fmt: skip


def forward(act: Acting, text: str) -> None:
    """The cooperative's message to every administrator; its thread now waits."""
    mark_waiting(act.session, act.who, act.now)
    who = who_is(latest_booking(act.session, act.who))
    facts = {"phone": act.who, "who": who, "text": text}
    enqueue_for_admins(act.session, act.settings.admin_numbers, KINDS["admin_message"], act.now,
                       facts, about=act.who)  # fmt: skip


# What the administrator is told when an answer cannot go at all, by route.
REFUSED = {Route.UNKNOWN: "admin_reply_unknown", Route.STOPPED: "admin_reply_stopped"}


def answer(act: Acting, phone: str, text: str) -> str:
    """An administrator's answer to the number; what the administrator is told."""
    way = way_to(act, phone)
    if way.route in REFUSED:
        return staff(REFUSED[way.route], phone=phone)
    who, template = who_is(way.booking), KIND.template
    if way.route == Route.NO_TEMPLATE:
        return staff("admin_reply_held", who=who, phone=phone, template=template)
    if way.route == Route.TEMPLATE and len(one_line(text)) > VARIABLE_LENGTH:  # no more fits
        return staff("admin_reply_too_long", who=who, phone=phone, longest=VARIABLE_LENGTH,
                     length=len(one_line(text)))  # fmt: skip
    rows = enqueue(act.session, KIND, phone, act.now, {"text": text},
                   lang=language_of(act.session, phone))  # fmt: skip
    for row in rows:
        row.author = act.who
    mark_answered(act.session, phone, act.who, act.now)
    if way.route == Route.TEXT:
        return staff("admin_reply_sent", who=who, phone=phone)
    body = bodies()[template]
    shown = render(body, fill(body, rows[0].variables or {}))
    return staff("admin_reply_template", who=who, phone=phone, template=template, body=shown)


def take_over(act: Acting, phone: str) -> str:
    """`act.who` handles the number's thread from now on."""
    way = way_to(act, phone)
    if way.route in REFUSED:
        return staff(REFUSED[way.route], phone=phone)
    before = take(act.session, phone, act.who, act.now)
    told = staff("admin_took", who=who_is(way.booking), phone=phone)
    if before:
        told += " " + staff("admin_took_from", before=person_name(act.session, before))
    return told
