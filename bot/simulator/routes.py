"""/simulator: chat as any phone number without a Twilio account.

The page posts Twilio-shaped form fields to the real webhook, then shows everything stored
for the number: what it sent, the bot's replies, and every outbound message, including
notices to administrators as the sender delivers them.
"""

from flask import current_app, jsonify, render_template, request
from sqlmodel import col, select

from bot.simulator import bp
from flows.catalogue import staff
from flows.phone import normalize_phone
from storage.db import transaction
from storage.directory import admin_phones
from storage.models import Conversation, InboundMessage, OutboundMessage


@bp.get("/")
def page() -> str:
    return render_template("simulator.html")


@bp.get("/api/phones")
def phones():
    engine = current_app.extensions["engine"]
    settings = current_app.extensions["settings"]
    with transaction(engine) as session:
        admins = admin_phones(session, settings.admin_numbers)
        talking = session.exec(select(Conversation.phone)).all()
        receiving = session.exec(select(OutboundMessage.to_phone).distinct()).all()
    numbers = list(dict.fromkeys([*talking, *receiving, *admins]))
    return jsonify([{"phone": p, "admin": p in admins} for p in numbers])


@bp.get("/api/thread")
def thread():
    phone = normalize_phone(request.args.get("phone", ""))
    if phone is None:
        return jsonify({"error": staff("console.unknown_number")}), 400
    engine = current_app.extensions["engine"]
    with transaction(engine) as session:
        inbound = session.exec(select(InboundMessage).where(InboundMessage.phone == phone)).all()
        outbound = session.exec(
            select(OutboundMessage)
            .where(OutboundMessage.to_phone == phone)
            .order_by(col(OutboundMessage.id))
        ).all()
    items = [
        {"direction": "in", "body": m.body, "kind": m.kind, "status": "received",
         "at": m.received_at.isoformat(), "order": (m.received_at.isoformat(), 0, 0)}
        for m in inbound
    ] + [
        {"direction": "out", "body": m.body, "kind": m.kind, "status": m.status,
         "at": m.created_at.isoformat(), "order": (m.created_at.isoformat(), 1, m.id)}
        for m in outbound
    ]  # fmt: skip
    items.sort(key=lambda item: item.pop("order"))
    return jsonify({"phone": phone, "messages": items})
