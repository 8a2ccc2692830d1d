"""POST /whatsapp/inbound: Twilio's webhook for every message a user sends."""

from flask import Response, abort, current_app, request
from sqlmodel import select
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.inbound import receive
from bot.webhook import bp
from storage.db import transaction
from storage.models import OutboundMessage


def _signed_url() -> str:
    """The URL Twilio signed: PUBLIC_BASE_URL + path behind a proxy, else the request URL."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        return request.url
    query = request.query_string.decode()
    return base + request.path + (f"?{query}" if query else "")


def _signature_ok() -> bool:
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    if not token:
        return True
    signature = request.headers.get("X-Twilio-Signature", "")
    return bool(signature) and RequestValidator(token).validate(
        _signed_url(), request.form.to_dict(flat=True), signature
    )


def twiml(replies: list[str]) -> Response:
    response = MessagingResponse()
    for text in replies:
        response.message(text)
    return Response(str(response), mimetype="application/xml")


@bp.post("/whatsapp/inbound")
def inbound() -> Response:
    if not _signature_ok():
        abort(403)
    replies = receive(
        current_app.extensions["engine"],
        request.form.to_dict(flat=True),
        current_app.extensions["clock"](),
        current_app.extensions["settings"],
    )
    return twiml(replies or [])


# A status only moves forward: a late "sent" callback never undoes "delivered".
STATUS_ORDER = {"accepted": 0, "queued": 0, "sending": 0, "sent": 1, "delivered": 2, "read": 3,
                "failed": 4, "undelivered": 4}  # fmt: skip


@bp.post("/whatsapp/status")
def status() -> tuple[str, int]:
    """Twilio's status callback: record each message's delivery status and error code."""
    if not _signature_ok():
        abort(403)
    sid = request.form.get("MessageSid", "")
    new = request.form.get("MessageStatus", "").lower()
    code = request.form.get("ErrorCode", "")
    if not sid or new not in STATUS_ORDER:
        return "", 204
    record_status(current_app.extensions["engine"], sid, new, int(code) if code.isdigit() else None)
    return "", 204


def record_status(engine, sid: str, new: str, error_code: int | None) -> None:
    with transaction(engine) as session:
        message = session.exec(select(OutboundMessage).where(OutboundMessage.sid == sid)).first()
        if message is None:
            return
        if STATUS_ORDER.get(new, 0) >= STATUS_ORDER.get(message.status, 0):
            message.status = new
        if error_code:
            message.error_code = error_code
            message.error = f"Twilio error {error_code}"
