"""Meeting links from the Zoom API, against a local fake Zoom that checks the OAuth flow."""

import base64
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from bot import create_app
from storage.db import transaction
from storage.models import Booking, Expert, OutboundMessage
from tests.bot.test_webhook import NOW, book
from tests.conftest import ADMIN, AUTH_TOKEN, COOP_PHONE, WhatsApp, serving

ACCOUNT, CLIENT, SECRET = "acc-123", "client-abc", "secret-xyz"
JOIN_URL = "https://zoom.us/j/9876543210?pwd=abc"


class FakeZoom(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ZoomHandler)
        self.token_requests = 0
        self.meetings: list[dict] = []
        self.fail_meetings = False

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ZoomHandler(BaseHTTPRequestHandler):
    server: FakeZoom

    def _reply(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if url.path == "/oauth/token":
            query = parse_qs(url.query)
            expected = "Basic " + base64.b64encode(f"{CLIENT}:{SECRET}".encode()).decode()
            if (
                query.get("grant_type") != ["account_credentials"]
                or query.get("account_id") != [ACCOUNT]
                or self.headers.get("Authorization") != expected
            ):
                return self._reply(401, {"reason": "Invalid client_id or client_secret"})
            self.server.token_requests += 1
            return self._reply(200, {"access_token": "tok-1", "token_type": "bearer",
                                     "expires_in": 3599, "scope": "meeting:write"})  # fmt: skip
        if url.path == "/v2/users/me/meetings":
            if self.headers.get("Authorization") != "Bearer tok-1":
                return self._reply(401, {"code": 124, "message": "Invalid access token."})
            if self.server.fail_meetings:
                return self._reply(500, {"message": "internal error"})
            meeting = json.loads(body)
            self.server.meetings.append(meeting)
            return self._reply(201, {"id": 9876543210, "join_url": JOIN_URL, **meeting})
        return self._reply(404, {"message": "not found"})

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def zoom() -> Iterator[FakeZoom]:
    with serving(FakeZoom()) as server:
        yield server


@pytest.fixture
def zoom_app(zoom, engine, db_url):
    app = create_app(
        {
            "DATABASE_URL": db_url,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "ZOOM_ACCOUNT_ID": ACCOUNT,
            "ZOOM_CLIENT_ID": CLIENT,
            "ZOOM_CLIENT_SECRET": SECRET,
            "ZOOM_API_BASE_URL": zoom.base + "/v2",
            "ZOOM_OAUTH_URL": zoom.base + "/oauth/token",
        }
    )
    app.extensions["clock"] = lambda: NOW
    yield app
    app.extensions["engine"].dispose()


def test_confirming_creates_a_zoom_meeting_at_the_sessions_time(zoom_app, zoom, engine) -> None:
    whatsapp = WhatsApp(zoom_app.test_client())
    book(whatsapp)
    reply = "\n".join(whatsapp.send(ADMIN, "KONFIRMASI EK-0001"))
    assert JOIN_URL in reply
    [meeting] = zoom.meetings
    assert meeting["start_time"] == "2026-11-30T10:00:00"
    assert meeting["timezone"] == "Asia/Jakarta" and meeting["duration"] == 60
    assert meeting["type"] == 2 and "EK-0001" in meeting["topic"]
    assert "Manajemen dan Keuangan" in meeting["topic"]
    with transaction(engine) as session:
        confirmation = session.exec(
            select(OutboundMessage).where(
                OutboundMessage.to_phone == COOP_PHONE, OutboundMessage.kind == "confirmation"
            )  # fmt: skip
        ).one()
    assert JOIN_URL in confirmation.body


def test_the_token_is_reused_until_it_expires(zoom_app, zoom, engine) -> None:
    whatsapp = WhatsApp(zoom_app.test_client())
    book(whatsapp)
    whatsapp.send(ADMIN, "KONFIRMASI EK-0001")
    whatsapp.send(COOP_PHONE, "1")
    whatsapp.send(COOP_PHONE, "ya")
    for text in ["usaha", "ekonomi", "Penjualan turun sejak pandemi.", "selasa jam 9", "ya"]:
        whatsapp.send(COOP_PHONE, text)
    whatsapp.send(ADMIN, "KONFIRMASI EK-0002")
    assert len(zoom.meetings) == 2 and zoom.token_requests == 1


def test_a_url_from_the_administrator_wins_over_zoom(zoom_app, zoom, engine) -> None:
    whatsapp = WhatsApp(zoom_app.test_client())
    book(whatsapp)
    whatsapp.send(ADMIN, "KONFIRMASI EK-0001 https://meet.example.id/klinik")
    assert zoom.meetings == []
    with transaction(engine) as session:
        assert session.exec(select(Booking.meeting_link)).one() == "https://meet.example.id/klinik"


def test_when_zoom_fails_the_experts_own_link_is_used(zoom_app, zoom, engine) -> None:
    zoom.fail_meetings = True
    with transaction(engine) as session:
        sri = session.exec(select(Expert).where(Expert.phone == "+6281100000003")).one()
        sri.meeting_link = "https://zoom.us/j/111"
    whatsapp = WhatsApp(zoom_app.test_client())
    book(whatsapp)
    assert "https://zoom.us/j/111" in "\n".join(whatsapp.send(ADMIN, "KONFIRMASI EK-0001"))


def test_wrong_zoom_credentials_fall_back_too(zoom, engine, db_url) -> None:
    app = create_app({"DATABASE_URL": db_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                      "ZOOM_ACCOUNT_ID": ACCOUNT, "ZOOM_CLIENT_ID": CLIENT,
                      "ZOOM_CLIENT_SECRET": "wrong", "ZOOM_API_BASE_URL": zoom.base + "/v2",
                      "ZOOM_OAUTH_URL": zoom.base + "/oauth/token"})  # fmt: skip
    app.extensions["clock"] = lambda: NOW
    whatsapp = WhatsApp(app.test_client())
    book(whatsapp)
    reply = "\n".join(whatsapp.send(ADMIN, "KONFIRMASI EK-0001"))
    assert "belum punya tautan rapat tetap" in reply and zoom.meetings == []
    app.extensions["engine"].dispose()
