"""A cooperative's conversation with the administrators.

A "Hubungi admin" message reaches every administrator with who wrote and how to answer, and
the number waits for an answer from then on. An administrator's answer (BALAS on WhatsApp, or
the console) goes through the outbox: inside WhatsApp's 24-hour window as text, outside it as
the approved template, and the administrator is told which. An administrator takes a thread
("saya tangani", TANGANI) so that the others see it is handled. Everything runs in the
caller's transaction.
"""

from bot.lifecycle import Acting
from flows.catalogue import name, staff
from flows.kinds import KINDS
from flows.templates import VARIABLE_LENGTH, bodies, fill, one_line, render
from storage.bookings import latest_booking
from storage.contents import template_sid
from storage.conversations import is_opted_out, language_of, within_window
from storage.directory import person_name
from storage.models import Conversation
from storage.outbox import enqueue, enqueue_for_admins
from storage.threads import mark_answered, mark_waiting, take


def who_is(act: Acting, phone: str) -> str:
    """The cooperative of the number's latest booking, with its code and status."""
    booking = latest_booking(act.session, phone)
    if booking is None:
        return staff("thread_new_number")
    return staff("thread_who", coop=booking.cooperative.name, code=booking.code,
                 status=name("status", booking.status))  # fmt: skip


def forward(act: Acting, text: str) -> None:
    """The cooperative's message to every administrator; its thread now waits."""
    mark_waiting(act.session, act.who, act.now)
    facts = {"phone": act.who, "who": who_is(act, act.who), "text": text}
    enqueue_for_admins(act.session, act.settings.admin_numbers, KINDS["admin_message"], act.now,
                       facts, about=act.who)  # fmt: skip


def _unreachable(act: Acting, phone: str) -> str | None:
    if act.session.get(Conversation, phone) is None and latest_booking(act.session, phone) is None:
        return staff("admin_reply_unknown", phone=phone)
    if is_opted_out(act.session, phone):
        return staff("admin_reply_stopped", phone=phone)
    return None


def answer(act: Acting, phone: str, text: str) -> str:
    """An administrator's answer to the number; what the administrator is told."""
    if why := _unreachable(act, phone):
        return why
    kind, who = KINDS["admin_reply"], who_is(act, phone)
    inside = within_window(act.session, phone, act.now)
    template = kind.template
    if not inside and not template_sid(act.session, act.settings.templates, template):
        return staff("admin_reply_held", who=who, phone=phone, template=template)
    if not inside and len(one_line(text)) > VARIABLE_LENGTH:  # a template carries no more
        return staff("admin_reply_too_long", who=who, phone=phone, longest=VARIABLE_LENGTH,
                     length=len(one_line(text)))  # fmt: skip
    rows = enqueue(act.session, kind, phone, act.now, {"text": text},
                   lang=language_of(act.session, phone))  # fmt: skip
    for row in rows:
        row.author = act.who
    mark_answered(act.session, phone, act.who, act.now)
    if inside:
        return staff("admin_reply_sent", who=who, phone=phone)
    body = bodies()[template]
    shown = render(body, fill(body, rows[0].variables or {}))
    return staff("admin_reply_template", who=who, phone=phone, template=template, body=shown)


def take_over(act: Acting, phone: str) -> str:
    """`act.who` handles the number's thread from now on."""
    if why := _unreachable(act, phone):
        return why
    before = take(act.session, phone, act.who, act.now)
    told = staff("admin_took", who=who_is(act, phone), phone=phone)
    if before:
        told += " " + staff("admin_took_from", before=person_name(act.session, before))
    return told
