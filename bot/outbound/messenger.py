"""Outbound WhatsApp: one interface, two real implementations (Twilio, and the local outbox)."""

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from requests.exceptions import ConnectionError as RequestsConnectionError
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from urllib3.exceptions import ConnectTimeoutError

from flows.kinds import MessageStatus

CONTENT_HOST = "content.twilio.com"
LOCAL_TEMPLATE = "HX" + "0" * 32  # the demo's stand-in: the local outbox takes any template
# Twilio error codes that no retry can fix (invalid number, outside the 24-hour window, ...).
PERMANENT_CODES = {21211, 21408, 21610, 21612, 21614, 63016, 63024, 63032}


class SendError(Exception):
    """A send that did not succeed. `uncertain`: Twilio may have accepted it all the same (a
    timeout after the request left, an unreadable answer), so look it up before resending."""

    def __init__(self, reason: str, permanent: bool, code: int | None = None,
                 uncertain: bool = False) -> None:  # fmt: skip
        super().__init__(reason)
        self.permanent = permanent
        self.code = code
        self.uncertain = uncertain


@dataclass(frozen=True)
class Template:
    """An approved WhatsApp template (Twilio Content API) and its variables."""

    sid: str
    variables: dict[str, str]


@dataclass(frozen=True)
class Sent:
    sid: str
    status: str


@dataclass(frozen=True)
class Accepted:
    """A message the provider holds, as its Messages list shows it."""

    sid: str
    status: str
    body: str


class Messenger(Protocol):
    window: bool  # does WhatsApp's 24-hour rule apply (templates outside it)?

    def send(self, to: str, body: str, template: Template | None = None) -> Sent:
        """Send one WhatsApp message to an E.164 number; raise SendError when it cannot go."""
        ...

    def sent_since(self, to: str, since: datetime) -> list[Accepted]:
        """Messages the provider accepted for `to` since then, newest first (raise SendError
        when it cannot tell)."""
        ...


class LocalOutbox:
    """No Twilio account: the message row itself is the delivery, shown by /simulator.
    `window`: apply WhatsApp's 24-hour rule as Twilio would (the demo's simulator)."""

    def __init__(self, window: bool = False) -> None:
        self.window = window

    def send(self, to: str, body: str, template: Template | None = None) -> Sent:
        return Sent(sid=f"LO{uuid.uuid4().hex}", status=MessageStatus.DELIVERED)

    def sent_since(self, to: str, since: datetime) -> list[Accepted]:
        return []  # a local send never has an unknown outcome


class BaseUrlHttpClient(TwilioHttpClient):
    """Sends every Twilio REST request to another scheme and host (a mock, a proxy); the
    Content API's (content.twilio.com) to its own when `content_url` is given.

    twilio.rest.Client has no base-URL option; rewriting here keeps the library's own
    request building, authentication and error handling intact.
    """

    def __init__(self, base_url: str, timeout: float = 10.0, content_url: str = "") -> None:
        super().__init__(timeout=timeout)
        self.bases = {host: urlsplit(url) for host, url in
                      (("", base_url), (CONTENT_HOST, content_url or base_url)) if url}  # fmt: skip

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        base = self.bases.get(parts.hostname or "") or self.bases.get("")
        if base is not None:
            url = urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
        return super().request(method, url, *args, **kwargs)


def _never_left(error: RequestsConnectionError) -> bool:
    """A refused, unresolvable or timed-out connection: the request never reached Twilio.
    (requests wraps urllib3's MaxRetryError, whose reason says which.)"""
    cause = error.args[0] if error.args else None
    return any(isinstance(each, ConnectTimeoutError)
               for each in (cause, getattr(cause, "reason", None)))  # fmt: skip


class TwilioMessenger:
    window = True

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        base_url: str = "",
        status_callback: str = "",
        timeout: float = 10.0,
        content_url: str = "",
    ) -> None:
        http_client = (
            BaseUrlHttpClient(base_url, timeout, content_url)
            if base_url or content_url else TwilioHttpClient(timeout=timeout)
        )  # fmt: skip
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
        except TwilioRestException as error:  # Twilio answered: the message was not created
            permanent = error.code in PERMANENT_CODES or (
                400 <= error.status < 500 and error.status != 429
            )
            raise SendError(f"Twilio {error.status} {error.code}", permanent, error.code) from error
        except RequestsConnectionError as error:
            if not _never_left(error):
                raise SendError("unknown outcome: connection lost", permanent=False,
                                uncertain=True) from error  # fmt: skip
            raise SendError("network: Twilio unreachable", permanent=False) from error
        except Exception as error:  # noqa: BLE001 - a timeout, a reset, an unreadable answer
            raise SendError(f"unknown outcome: {type(error).__name__}", permanent=False,
                            uncertain=True) from error  # fmt: skip
        if not message.sid:
            raise SendError("unknown outcome: no sid in the answer", False, uncertain=True)
        return Sent(sid=message.sid, status=message.status or MessageStatus.QUEUED)

    def sent_since(self, to: str, since: datetime) -> list[Accepted]:
        try:
            found = self.client.messages.list(to=f"whatsapp:{to}", from_=self.from_number,
                                              limit=50)  # fmt: skip
        except Exception as error:  # noqa: BLE001 - whatever the reason, it cannot tell
            raise SendError(f"lookup failed: {type(error).__name__}", permanent=False) from error
        return [
            Accepted(m.sid, m.status or MessageStatus.QUEUED, m.body or "")
            for m in found
            if m.sid and (m.date_created is None or m.date_created >= since)
        ]


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
            timeout=float(config.get("TWILIO_HTTP_TIMEOUT") or 10),
            content_url=config.get("TWILIO_CONTENT_BASE_URL", ""),
        )
    return LocalOutbox()
