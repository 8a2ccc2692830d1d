"""One inbound WhatsApp message: store it, run the conversation, store what follows.

Everything happens in one transaction: the inbound row (its MessageSid makes a redelivery a
no-op), the conversation state, any booking, and the outbox rows for other people. The
direct replies are returned for the webhook's TwiML response and logged as sent.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from bot import administration
from bot.expert_actions import deliver_pending_prescriptions, expert_by_phone, run_expert
from bot.meetings import MeetingLinks
from bot.notices import apply_effect
from bot.reminders import ReminderTimes
from flows.admin import Command, Mistyped, read_command
from flows.calendar import ClinicHours
from flows.catalogue import say
from flows.conversation import handle
from flows.model import BookingView, Chat, Context, Incoming, S
from flows.phone import normalize_phone
from storage.bookings import history_of_cooperatives, known_details, open_case_ids, surveys_sent
from storage.conversations import lock_conversation, record_inbound
from storage.db import transaction
from storage.directory import admin_phones
from storage.models import Conversation, InboundMessage
from storage.outbox import record_replies
from storage.schedule import clinic_calendar, lock_schedule

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    admin_numbers: tuple[str, ...] = ()
    address: str | None = None
    hours: ClinicHours = field(default_factory=ClinicHours)
    meetings: MeetingLinks = field(default_factory=MeetingLinks)
    reminders: ReminderTimes = field(default_factory=ReminderTimes)
    daily_at: time = time(7, 0)
    survey_at: time = time(10, 0)  # the working day after the prescription


def _incoming(form: Mapping[str, str]) -> Incoming:
    media_count = int(form.get("NumMedia") or 0) if str(form.get("NumMedia", "0")).isdigit() else 0
    media_type = (
        (form.get("MediaContentType0") or "application/octet-stream") if media_count else None
    )
    location = bool(form.get("Latitude") and form.get("Longitude"))
    text = form.get("ButtonPayload") or form.get("Body") or ""
    return Incoming(text=text, media_type=media_type, location=location)


def _kind(incoming: Incoming) -> str:
    if incoming.media_type:
        return "media"
    return "location" if incoming.location else "text"


# States whose next answer may take a time slot (submit, or move a booking).
TAKING_A_SLOT = {S.SUMMARY, S.MANAGE_WHEN}


def _context(session: Session, phone: str, now: datetime, settings: Settings) -> Context:
    rows = history_of_cooperatives(session, phone)
    asked = surveys_sent(session, [b.id for b, _c, _t in rows])
    open_cases = open_case_ids(session, [b.case_id for b, _c, _t in rows if b.case_id])
    views = tuple(
        BookingView(
            b.code or "",
            b.status,
            b.requested_start,
            b.topic_key,
            coop.name,
            b.proposed_start,
            own=b.phone == phone,
            prescription=b.prescription,
            survey_at=asked.get(b.id),
            solved=b.solved,
            case_id=b.case_id,
            case_open=b.case_id in open_cases,
            problem_area=b.problem_area,
        )
        for b, coop, _topic in rows
    )
    extra: dict[str, Any] = {"address": settings.address} if settings.address else {}
    return Context(
        now=now,
        calendar=clinic_calendar(session, now, settings.hours),
        known=known_details(session, phone),
        bookings=views,
        **extra,
    )


def _admin_command(
    session: Session,
    phone: str,
    chat: Chat,
    incoming: Incoming,
    now: datetime,
    settings: Settings,
) -> Command | Mistyped | None:
    """An administrator's command; anything else from them goes through the normal menu."""
    if (
        chat.opted_out
        or not incoming.text
        or phone not in admin_phones(session, settings.admin_numbers)
    ):
        return None
    return read_command(incoming.text, now, in_menu=chat.state in (S.START, S.MENU))


def _expert_message(
    session: Session,
    conversation: Conversation,
    phone: str,
    chat: Chat,
    incoming: Incoming,
    now: datetime,
    settings: Settings,
) -> list[str] | None:
    """An expert's command or prescription draft; None for anything else."""
    if chat.opted_out or not incoming.text:
        return None
    expert = expert_by_phone(session, phone)
    if expert is None:
        return None
    with session.begin_nested():
        texts = run_expert(session, conversation, expert, incoming.text, now, settings)
    if texts is not None:
        conversation.updated_at = now
        session.add(conversation)
    return texts


def receive(
    engine: Engine, form: Mapping[str, str], now: datetime, settings: Settings
) -> list[str] | None:
    """The replies to send back, or None when this MessageSid was already handled."""
    phone = normalize_phone(form.get("WaId") or form.get("From") or "")
    sid = form.get("MessageSid") or form.get("SmsMessageSid") or ""
    if not phone or not sid:
        log.warning("inbound without a usable From or MessageSid")
        return []
    incoming = _incoming(form)
    with transaction(engine) as session:
        stored = InboundMessage(
            sid=sid,
            phone=phone,
            body=incoming.text,
            kind=_kind(incoming),
            payload={key: str(value) for key, value in form.items()},
            received_at=now,
        )
        if not record_inbound(session, stored):
            return None
        conversation = lock_conversation(session, phone, now)
        replies = _converse(session, conversation, incoming, phone, now, settings, stored)
        record_replies(session, phone, replies, now)
    return replies


def _converse(
    session: Session,
    conversation: Conversation,
    incoming: Incoming,
    phone: str,
    now: datetime,
    settings: Settings,
    stored: InboundMessage,
) -> list[str]:
    chat = Chat(
        conversation.state,
        dict(conversation.answers),
        conversation.lang,
        conversation.opted_out,
        conversation.updated_at,
    )
    try:
        if command := _admin_command(session, phone, chat, incoming, now, settings):
            with session.begin_nested():
                texts = administration.run(session, command, phone, now, settings)
            conversation.updated_at = now
            session.add(conversation)
            return texts
        if texts := _expert_message(session, conversation, phone, chat, incoming, now, settings):
            return texts
        if not chat.opted_out:
            deliver_pending_prescriptions(session, phone, now)
        if chat.state in TAKING_A_SLOT:
            lock_schedule(session)
        reply = handle(chat, incoming, _context(session, phone, now, settings))
        texts = list(reply.texts)
        with session.begin_nested():
            for effect in reply.effects:
                texts.extend(apply_effect(session, effect, phone, reply.chat.lang, now, settings))
    except Exception:  # a fault must not lose the message nor leave the user without an answer
        log.exception("conversation failed for an inbound message")
        stored.error = "conversation failed"
        session.add(stored)
        return [say("fault", chat.lang)]
    conversation.state = reply.chat.state
    conversation.answers = reply.chat.answers
    conversation.lang = reply.chat.lang
    conversation.opted_out = reply.chat.opted_out
    conversation.updated_at = now
    session.add(conversation)
    return texts
