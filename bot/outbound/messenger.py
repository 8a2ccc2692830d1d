"""Outbound WhatsApp: one interface, two real implementations (Twilio, and the local outbox)."""

import json
import uuid
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from flows.kinds import MessageStatus

# Twilio error codes that no retry can fix (invalid number, outside the 24-hour window, ...).
PERMANENT_CODES = {21211, 21408, 21610, 21612, 21614, 63016, 63024, 63032}


class SendError(Exception):
    def __init__(self, reason: str, permanent: bool, code: int | None = None) -> None:
        super().__init__(reason)
        self.permanent = permanent
        self.code = code


@dataclass(frozen=True)
class Template:
    """An approved WhatsApp template (Twilio Content API) and its variables."""

    sid: str
    variables: dict[str, str]


@dataclass(frozen=True)
class Sent:
    sid: str
    status: str


class Messenger(Protocol):
    window: bool  # does WhatsApp's 24-hour rule apply (templates outside it)?

    def send(self, to: str, body: str, template: Template | None = None) -> Sent:
        """Send one WhatsApp message to an E.164 number; raise SendError when it cannot go."""
        ...


class LocalOutbox:
    """No Twilio account: the message row itself is the delivery, shown by /simulator."""

    window = False

    def send(self, to: str, body: str, template: Template | None = None) -> Sent:
        return Sent(sid=f"LO{uuid.uuid4().hex}", status=MessageStatus.DELIVERED)


class BaseUrlHttpClient(TwilioHttpClient):
    """Sends every Twilio REST request to another scheme and host (a mock, a proxy).

    twilio.rest.Client has no base-URL option; rewriting here keeps the library's own
    request building, authentication and error handling intact.
    """

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        super().__init__(timeout=timeout)
        parts = urlsplit(base_url)
        self.scheme, self.netloc = parts.scheme, parts.netloc

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        rewritten = urlunsplit((self.scheme, self.netloc, parts.path, parts.query, ""))
        return super().request(method, rewritten, *args, **kwargs)


class TwilioMessenger:
    window = True

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        base_url: str = "",
        status_callback: str = "",
    ) -> None:
        http_client = BaseUrlHttpClient(base_url) if base_url else TwilioHttpClient(timeout=10)
        self.client = Client(account_sid, auth_token, http_client=http_client)
        self.from_number = from_number
        self.status_callback = status_callback

    def send(self, to: str, body: str, template: Template | None = None) -> Sent:
        options = {"status_callback": self.status_callback} if self.status_callback else {}
        if template:
            options["content_sid"] = template.sid
            options["content_variables"] = json.dumps(template.variables, ensure_ascii=False)
        else:
            options["body"] = body
        try:
            message = self.client.messages.create(
                to=f"whatsapp:{to}", from_=self.from_number, **options
            )
        except TwilioRestException as error:
            permanent = error.code in PERMANENT_CODES or (
                400 <= error.status < 500 and error.status != 429
            )
            raise SendError(
                f"Twilio {error.status} {error.code}: {error.msg}", permanent
            ) from error
        except OSError as error:  # connection refused, timeout, DNS
            raise SendError(f"network: {error}", permanent=False) from error
        return Sent(sid=message.sid, status=message.status or MessageStatus.QUEUED)


def make_messenger(config: dict) -> Messenger:
    """Twilio when its credentials are configured, otherwise the local outbox."""
    if config.get("TWILIO_ACCOUNT_SID") and config.get("TWILIO_AUTH_TOKEN"):
        sender = config.get("TWILIO_WHATSAPP_FROM", "")
        if sender and not sender.startswith("whatsapp:"):
            sender = f"whatsapp:{sender}"
        public = config.get("PUBLIC_BASE_URL", "")
        return TwilioMessenger(
            config["TWILIO_ACCOUNT_SID"],
            config["TWILIO_AUTH_TOKEN"],
            sender,
            config.get("TWILIO_API_BASE_URL", ""),
            status_callback=f"{public}/whatsapp/status" if public else "",
        )
    return LocalOutbox()
