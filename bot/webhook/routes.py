"""POST /whatsapp/inbound: Twilio's webhook for every message a user sends."""

from flask import Response, abort, current_app, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.inbound import receive
from bot.webhook import bp


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
