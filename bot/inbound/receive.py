"""One inbound WhatsApp message: store it, run a staff command or the conversation, store what
follows.

Everything happens in one transaction: the inbound row (its MessageSid makes a redelivery a
no-op), the conversation state, any booking, and the outbox rows for other people. The direct
replies are returned for the webhook's TwiML response and logged as sent. A Zoom meeting, an
HTTP call, is made before that transaction, never inside it (bot.meetings.with_meetings).
"""

import logging
import re
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot.commands import admin, expert
from bot.config import Settings
from bot.inbound.context import context
from bot.inbound.effects import TimeTaken, carry_out
from bot.lifecycle import Acting
from bot.meetings import MeetingNeeded, Prepared, with_meetings
from flows.admin import CHANGES, Command, Mistyped, Verb, read_command
from flows.catalogue import say, staff
from flows.chat import yes_no
from flows.conversation import handle, in_menu
from flows.kinds import split_message
from flows.lifecycle import Actor
from flows.model import Chat, Incoming, Reply
from flows.phone import normalize_phone
from flows.prompts import Prompt
from flows.words import clean_text, number
from storage.audit import WHATSAPP, record
from storage.bookings import Seen, history_seen
from storage.conversations import (
    load_chat,
    lock_conversation,
    mark_failed,
    record_inbound,
    save_chat,
    touch,
)
from storage.directory import Sender, sender
from storage.models import Conversation, Expert
from storage.outbox import record_replies, replies_to
from storage.schedule import lock_schedule
from storage.threads import notice_about

log = logging.getLogger(__name__)

SID = re.compile(r"[A-Za-z0-9]{2,64}")  # Twilio's: SM or MM and 32 hex digits


def _incoming(form: Mapping[str, str]) -> Incoming:
    media_count = number(str(form.get("NumMedia") or "0")) or 0
    media_type = (
        (form.get("MediaContentType0") or "application/octet-stream") if media_count else None
    )
    location = bool(form.get("Latitude") and form.get("Longitude"))
    tap = form.get("ListId") or form.get("ButtonPayload") or None  # a tapped row or button
    text = form.get("Body") or form.get("ListTitle") or form.get("ButtonText") or ""
    quoted = form.get("OriginalRepliedMessageSid") or None
    return Incoming(text=text, media_type=media_type, location=location, tap=tap, quoted=quoted)


def _kind(incoming: Incoming) -> str:
    if incoming.media_type:
        return "media"
    return "location" if incoming.location else "text"


def receive(
    engine: Engine,
    form: Mapping[str, str],
    now: datetime,
    settings: Settings,
    by_outbox: bool = False,
) -> list[str]:
    """The replies for the webhook's response. A MessageSid handled before gets the replies
    it got then (a redelivery). `by_outbox`: the response is gone (a message replayed from
    the spool), so the replies are queued instead.

    Every field is cleaned of control characters first (a NUL would not even store on
    PostgreSQL); every reply fits one WhatsApp message (longer ones go in numbered parts)."""
    form = {str(key): clean_text(str(value)) for key, value in form.items()}
    phone = normalize_phone(form.get("WaId") or form.get("From") or "")
    sid = form.get("MessageSid") or form.get("SmsMessageSid") or ""
    if not phone or not SID.fullmatch(sid):
        log.warning("inbound without a usable From or MessageSid")
        return []
    incoming = _incoming(form)

    def work(session: Session, meetings: Prepared) -> list[str]:
        payload = {key: str(value) for key, value in form.items()}
        if not record_inbound(session, sid=sid, phone=phone, body=incoming.text,
                              kind=_kind(incoming), payload=payload, received_at=now):  # fmt: skip
            return [] if by_outbox else replies_to(session, sid)
        conversation = lock_conversation(session, phone, now)
        act = Acting(session, Actor.COOPERATIVE, phone, now, settings, meetings)
        who = sender(session, phone, settings.admin_numbers)
        said = _converse(act, conversation, incoming, who, sid)
        parts = []
        for text, prompt in said:  # a long text in numbered parts, the prompt with the last
            pieces = split_message(text)
            parts += [(piece, prompt if n == len(pieces) else None)
                      for n, piece in enumerate(pieces, 1)]  # fmt: skip
        # A question to tap cannot go in TwiML: with its Content at Twilio, the whole answer
        # goes through the outbox, in order.
        interactive = any(p is not None and p.content in who.contents for _, p in parts)
        record_replies(session, phone, parts, now, sid, by_outbox, interactive)
        return [] if by_outbox or interactive else [part for part, _ in parts]

    return with_meetings(engine, settings.meetings, work)


def _admin_command(chat: Chat, incoming: Incoming, now: datetime) -> Command | Mistyped | None:
    """An administrator's command; anything else from them goes through the normal menu."""
    if chat.opted_out or not incoming.text:
        return None
    return read_command(incoming.text, now, in_menu=in_menu(chat))


MEANT_FOR = timedelta(minutes=10)  # how long a near miss's "Maksud Anda …? Balas YA" holds


def _take_meant(conversation: Conversation) -> dict | None:
    """The near-miss command offered last time, taken off the conversation: one answer only."""
    scratch = dict(conversation.scratch or {})
    meant = scratch.pop("meant", None)
    if meant is not None:
        conversation.scratch = scratch
    return meant


def _run_admin(act: Acting, command: Command | Mistyped) -> list[str]:
    """An administrator's command by WhatsApp, in its own savepoint; what changes something
    or sends a message goes in the audit log with the administrator's number."""
    with act.session.begin_nested():
        texts = admin.run(act, command)
        if isinstance(command, Command) and command.verb in CHANGES:
            record(act.session, act.now, act.who, WHATSAPP, command.verb,
                   command.code or command.phone or "", texts[0] if texts else "")  # fmt: skip
    return texts


def _staff(act: Acting, conversation: Conversation, chat: Chat, incoming: Incoming,
           who: Sender, meant: dict | None = None) -> list[str] | None:  # fmt: skip
    """An administrator's command or an expert's; None for anything else. A near miss of a
    command that changes something is offered written right ("Maksud Anda TOLAK EK-0099 …?
    Balas YA"), and done only on that YA."""
    is_admin = who.admin
    if meant and is_admin and yes_no(incoming.text) is True:
        offered = datetime.fromisoformat(meant["at"])
        command = read_command(meant["text"], act.now, in_menu=True)
        if act.now - offered <= MEANT_FOR and isinstance(command, Command):
            return _run_admin(act, command)
    if is_admin and (command := _admin_command(chat, incoming, act.now)):
        texts = _run_admin(act, command)
        if isinstance(command, Mistyped) and command.meant:
            conversation.scratch = {
                **(conversation.scratch or {}),
                "meant": {"text": command.meant, "at": act.now.isoformat()},
            }
            return [staff("mistyped.near_verb_offer", text=command.text, meant=command.meant)]
        return texts
    if is_admin and (answered := _answer_quoted(act, chat, incoming)) is not None:
        return [answered]
    if chat.opted_out or not incoming.text:
        return None
    if who.expert_id is None or (someone := act.session.get(Expert, who.expert_id)) is None:
        return None
    with act.session.begin_nested():
        return expert.run(act, conversation, someone, incoming.text)


def _answer_quoted(act: Acting, chat: Chat, incoming: Incoming) -> str | None:
    """An administrator's reply, quoting a notice about a cooperative, answers that
    cooperative (as BALAS would); None when the message is no such reply."""
    if not (incoming.quoted and incoming.text.strip()) or chat.opted_out or not in_menu(chat):
        return None
    if (phone := notice_about(act.session, incoming.quoted, act.who)) is None:
        return None
    return _run_admin(act, Command(Verb.REPLY, phone=phone, text=incoming.text.strip()))[0]


def _answer(act: Acting, chat: Chat, incoming: Incoming,
            seen: list[Seen]) -> tuple[Reply, list[tuple[str, Prompt | None]]]:  # fmt: skip
    """The conversation's reply to the message and its effects, carried out in a savepoint
    (undone if one fails); the calendar is read only if the message chooses a time."""
    reply = handle(chat, incoming, context(act.session, act.who, act.now, act.settings, seen))
    texts = [(text, reply.prompt if n == reply.prompt_at else None)
             for n, text in enumerate(reply.texts)]  # fmt: skip
    if reply.effects:
        with act.session.begin_nested():
            for effect in reply.effects:
                texts.extend((text, None) for text in carry_out(act, effect, reply.chat.lang))
    return reply, texts


def _converse(
    act: Acting, conversation: Conversation, incoming: Incoming, who: Sender, sid: str
) -> list[tuple[str, Prompt | None]]:
    """Each text to answer with, and the prompt that lets it be answered with a tap."""
    chat = None
    try:
        meant = _take_meant(conversation)
        chat = load_chat(conversation)
        if (texts := _staff(act, conversation, chat, incoming, who, meant)) is not None:
            touch(act.session, conversation, act.now)
            return [(text, None) for text in texts]
        seen = history_seen(act.session, act.who)
        if not chat.opted_out:
            expert.deliver_pending_prescriptions(act, (one.booking for one in seen))
        try:
            reply, texts = _answer(act, chat, incoming, seen)
        except TimeTaken:  # since its calendar was read: answered again, the schedule locked
            lock_schedule(act.session)
            reply, texts = _answer(act, chat, incoming, seen)
    except MeetingNeeded:
        raise  # made outside the transaction, then this message is handled again
    except Exception:  # a fault must not lose the message nor leave the user without an answer
        log.exception("conversation failed for an inbound message")
        mark_failed(act.session, sid, "conversation failed")
        return [(say("fault", chat.lang if chat else conversation.lang), None)]
    save_chat(act.session, conversation, reply.chat, act.now)
    return texts
