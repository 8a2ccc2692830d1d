"""POST /whatsapp/inbound (every message a user sends) and /whatsapp/status (Twilio's
delivery reports), both signed by Twilio with the account's auth token."""

import logging
import time

from flask import Response, abort, current_app, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.inbound import bp
from bot.inbound.receive import receive
from flows.catalogue import say
from flows.kinds import PROGRESS
from flows.words import clean_text, number
from storage.db import UNREACHABLE, transaction
from storage.outbox import record_status

log = logging.getLogger(__name__)

# Only the sender's own messages ask for status callbacks, and it writes Twilio's answers a
# few sends at a time (bot/outbound/sender.py, at most 50 ms apart): a callback that overtook
# its answer finds the sid a moment later. Seconds to wait before each look.
STATUS_PAUSES = (0.0, 0.05, 0.1, 0.2, 0.4)


def _signed_url() -> str:
    """The URL Twilio signed: PUBLIC_BASE_URL + path behind a proxy, else the request URL."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        return request.url
    query = request.query_string.decode()
    return base + request.path + (f"?{query}" if query else "")


def _signature_ok() -> bool:
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    if not token:  # only in demo mode: outside it the app does not start without a token
        return bool(current_app.config["DEMO"])
    signature = request.headers.get("X-Twilio-Signature", "")
    return bool(signature) and RequestValidator(token).validate(
        _signed_url(), request.form.to_dict(flat=True), signature
    )


def twiml(replies: list[str]) -> Response:
    response = MessagingResponse()
    for text in replies:
        response.message(clean_text(text))  # valid XML whatever a reply echoes
    return Response(str(response), mimetype="application/xml")


@bp.post("/whatsapp/inbound")
def inbound() -> Response:
    if not _signature_ok():
        abort(403)
    form, now = request.form.to_dict(flat=True), current_app.extensions["clock"]()
    try:
        replies = receive(current_app.extensions["engine"], form, now,
                          current_app.extensions["settings"])  # fmt: skip
    except UNREACHABLE:
        # Kept on disk and replayed by the scheduler; the user hears back through the outbox.
        log.error("database unreachable: inbound message spooled")
        current_app.extensions["spool"].put(form, now)
        return twiml([say("received_later")])
    return twiml(replies)


@bp.post("/whatsapp/status")
def status() -> tuple[str, int]:
    """Twilio's status callback: record each message's delivery status and error code."""
    if not _signature_ok():
        abort(403)
    sid = request.form.get("MessageSid", "")
    new = request.form.get("MessageStatus", "").lower()
    code = request.form.get("ErrorCode", "")
    if not sid or new not in PROGRESS:
        return "", 204
    for pause in STATUS_PAUSES:
        time.sleep(pause)
        with transaction(current_app.extensions["engine"]) as session:
            if record_status(session, sid[:64], new, number(code)):
                break
    else:
        log.warning("status callback for a message not on record: dropped")
    return "", 204
