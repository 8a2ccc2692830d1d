"""Shared fixtures: real databases (SQLite and PostgreSQL), the app, signed webhook posts."""

import os
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import SQLModel
from twilio.request_validator import RequestValidator

from bot import create_app
from storage.db import make_engine, transaction
from storage.directory import add_admin, add_expert, ensure_topics
from storage.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
AUTH_TOKEN = "test-auth-token"
ADMIN = "+6281100000001"
COOP_PHONE = "+6281234567890"


def unavailable(reason: str) -> None:
    """Skip locally with the reason; in CI a missing service is a failure, never a skip."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(server):
    """A local HTTP server (a fake API) answering in a thread while the block runs."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def wait_for_port(port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


# --- databases -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'eklinik.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgres_url() -> str:
    engine = make_engine(POSTGRES_URL)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    except Exception as error:  # noqa: BLE001 - any connection problem means "not available"
        engine.dispose()
        unavailable(f"PostgreSQL at {POSTGRES_URL} is not reachable ({type(error).__name__})")
    engine.dispose()
    upgrade(POSTGRES_URL)
    return POSTGRES_URL


def _empty(engine: Engine) -> None:
    tables = SQLModel.metadata.sorted_tables
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            quote = engine.dialect.identifier_preparer.quote
            names = ", ".join(quote(table.name) for table in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        for table in reversed(tables):
            conn.execute(table.delete())


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request) -> str:
    """Each test using this runs twice: on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


def prepared_engine(url: str) -> Engine:
    """An emptied database with the topics, one administrator and two experts."""
    engine = make_engine(url)
    _empty(engine)
    with transaction(engine) as session:
        ensure_topics(session)
        add_admin(session, ADMIN, "Admin")
        add_expert(session, "Dr. Ahmad", "+6281100000002", ["kelembagaan", "pendampingan"])
        add_expert(session, "Ir. Sri", "+6281100000003", ["keuangan", "usaha"])
    return engine


@pytest.fixture
def engine(db_url) -> Iterator[Engine]:
    engine = prepared_engine(db_url)
    yield engine
    engine.dispose()


# --- the app -------------------------------------------------------------------------------------


@pytest.fixture
def app(engine, db_url):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "SIMULATOR": True,
            "ADMIN_NUMBERS": [],
        }
    )
    yield app
    app.extensions["engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


class WhatsApp:
    """Posts to the webhook the way Twilio does, signed with the auth token."""

    URL = "http://localhost/whatsapp/inbound"

    def __init__(self, client, token: str = AUTH_TOKEN, url: str | None = None) -> None:
        self.client = client
        self.validator = RequestValidator(token)
        self.url = url or self.URL

    def form(self, phone: str, body: str = "", **extra: str) -> dict[str, str]:
        return {
            "From": f"whatsapp:{phone}",
            "To": "whatsapp:+14155238886",
            "Body": body,
            "MessageSid": f"SM{uuid.uuid4().hex}",
            "NumMedia": "0",
            "ProfileName": "Pengurus",
            "WaId": phone.lstrip("+"),
            **extra,
        }

    def post(self, form: dict[str, str], signature: str | None = None, headers=None):
        if signature is None:
            signature = self.validator.compute_signature(self.url, form)
        headers = {"X-Twilio-Signature": signature, **(headers or {})}
        return self.client.post("/whatsapp/inbound", data=form, headers=headers)

    def send(self, phone: str, body: str = "", **extra: str) -> list[str]:
        """The bot's replies to one message."""
        response = self.post(self.form(phone, body, **extra))
        assert response.status_code == 200, response.data
        return replies_of(response.data)


def replies_of(twiml: bytes) -> list[str]:
    from xml.etree import ElementTree

    root = ElementTree.fromstring(twiml)
    return [message.text or "" for message in root.iter("Message")]


@pytest.fixture
def whatsapp(client) -> WhatsApp:
    return WhatsApp(client)


# --- Prism, the request-validating mock of Twilio's API ----------------------------------------


@pytest.fixture(scope="session")
def prism_url() -> Iterator[str]:
    spec = SHARED / "twilio-oai" / "twilio_api_v2010.json"
    prism = ROOT / "node_modules" / ".bin" / "prism"
    if not spec.exists():
        unavailable(f"Twilio's OpenAPI description is not at {spec}")
    if not prism.exists():
        unavailable("Prism is not installed (make test runs npm ci when npm is available)")
    port = free_port()
    process = subprocess.Popen(
        [str(prism), "mock", "-h", "127.0.0.1", "-p", str(port), str(spec)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        if not wait_for_port(port, 120):
            unavailable("Prism did not start within 120 seconds")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def at(text_time: str) -> datetime:
    """An aware instant in WIB: at('2026-11-27 10:00')."""
    from flows.dates import WIB

    return datetime.fromisoformat(text_time).replace(tzinfo=WIB)
