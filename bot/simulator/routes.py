"""/simulator: chat as any phone number without a Twilio account.

The page posts Twilio-shaped form fields to the real webhook, then shows everything stored
for the number: what it sent, the bot's replies, and every outbound message, including
notices to administrators as the sender delivers them.
"""

from flask import current_app, jsonify, render_template, request

from bot.simulator import bp
from flows.catalogue import staff
from flows.phone import normalize_phone
from storage.db import transaction
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
    with transaction(current_app.extensions["engine"]) as session:
        inbound, outbound = thread(session, phone)
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
