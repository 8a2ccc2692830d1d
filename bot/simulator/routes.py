"""/simulator: chat as any phone number without a Twilio account.

The page posts Twilio-shaped form fields to the real webhook, then shows everything stored
for the number: what it sent, the bot's replies, and every outbound message, including
notices to administrators as the sender delivers them.
"""

from datetime import datetime

from flask import current_app, jsonify, render_template, request

from bot.simulator import bp
from flows.catalogue import staff
from flows.kinds import MessageStatus
from flows.phone import normalize_phone
from flows.prompts import shown
from flows.templates import bodies, render
from storage.db import transaction
from storage.models import OutboundMessage
from storage.threads import numbers, thread


@bp.get("/")
def page() -> str:
    return render_template("simulator.html")


@bp.get("/api/phones")
def phones():
    settings = current_app.extensions["settings"]
    with transaction(current_app.extensions["engine"]) as session:
        found = numbers(session, settings.admin_numbers)
    return jsonify([{"phone": phone, "admin": admin} for phone, admin in found])


@bp.get("/api/thread")
def conversation():
    phone = normalize_phone(request.args.get("phone", ""))
    if phone is None:
        return jsonify({"error": staff("console.unknown_number")}), 400
    now = current_app.extensions["clock"]()
    with transaction(current_app.extensions["engine"]) as session:
        inbound, outbound = thread(session, phone)
    items = [
        {"direction": "in", "body": m.body, "kind": m.kind, "status": "received",
         "at": m.received_at.isoformat(), "order": (m.received_at.isoformat(), 0, 0)}
        for m in inbound
    ] + [
        {"direction": "out", "body": _body(m), "kind": m.kind, "status": m.status, "sid": m.sid,
         "template": bool(m.content and m.content in bodies()),
         "at": _shown_at(m).isoformat(), "order": (_shown_at(m).isoformat(), 1, m.id),
         **_taps(m)}
        for m in outbound if _due(m, now)
    ]  # fmt: skip
    items.sort(key=lambda item: item.pop("order"))
    return jsonify({"phone": phone, "messages": items})


def _due(message: OutboundMessage, now: datetime) -> bool:
    """What WhatsApp would show by now: a reminder due tomorrow is not on the phone yet."""
    return message.status != MessageStatus.PENDING or message.due_at <= now


def _shown_at(message: OutboundMessage) -> datetime:
    """When it reached the phone: when it was sent, else when it was due."""
    return message.sent_at or max(message.due_at, message.created_at)


def _body(message: OutboundMessage) -> str:
    """What the phone shows: the template's words when it went as one (outside 24 hours)."""
    if message.content and (template := bodies().get(message.content)):
        return render(template, message.variables or {})
    return message.body


def _taps(message: OutboundMessage) -> dict:
    """Buttons or a list to tap, as WhatsApp draws a question sent with its Content."""
    return (shown(message.content, message.variables) or {}) if message.content else {}
