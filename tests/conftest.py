"""Shared fixtures: real databases (SQLite and PostgreSQL), the app, signed webhook posts,
Prism, the fake APIs and a confirmed session. Helpers to import live in tests/helpers.py."""

import subprocess
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from bot.app import create_app
from storage.db import make_engine
from storage.migrate import upgrade
from tests.fakes import FakeContent, FakeTwilio, FakeZoom
from tests.helpers import (
    AUTH_TOKEN,
    NOW,
    POSTGRES_URL,
    ROOT,
    SHARED,
    SRI,
    WhatsApp,
    admin,
    at,
    book,
    free_port,
    prepared_engine,
    serving,
    set_link,
    unavailable,
    wait_for_port,
)

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


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request) -> str:
    """Each test using this runs twice: on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(db_url) -> Iterator[Engine]:
    engine = prepared_engine(db_url)
    yield engine
    engine.dispose()


# --- the app -------------------------------------------------------------------------------------


@pytest.fixture
def app(engine, db_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "SPOOL_DIR": str(tmp_path / "spool"),
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "DEMO": True,
            "ADMIN_NUMBERS": [],
        }
    )
    yield app
    app.extensions["engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def whatsapp(client) -> WhatsApp:
    return WhatsApp(client)


def _confirmed(app, engine, konfirmasi: str) -> tuple[WhatsApp, dict]:
    """EK-0001 booked by the cooperative on Friday 27 November 10.00 and confirmed with Ir. Sri
    by `konfirmasi`; the test moves `clock["now"]`."""
    clock = {"now": NOW}
    app.extensions["clock"] = lambda: clock["now"]
    set_link(engine, SRI, "https://zoom.us/j/555")
    whatsapp = WhatsApp(app.test_client())
    book(whatsapp)
    assert "terkonfirmasi" in admin(whatsapp, konfirmasi)
    return whatsapp, clock


@pytest.fixture
def session_ready(app, engine):
    """EK-0001 confirmed for the time it asked, Monday 30 November 10.00; now is Friday."""
    return _confirmed(app, engine, "KONFIRMASI EK-0001")


@pytest.fixture
def session_started(app, engine):
    """EK-0001 confirmed for today 11.00; the clock is at 11.05, the session under way, and
    the cooperative wrote an hour ago (inside WhatsApp's 24 hours)."""
    whatsapp, clock = _confirmed(app, engine, "KONFIRMASI EK-0001 hari ini jam 11")
    clock["now"] = at("2026-11-27 11:05")
    return whatsapp, clock


# --- fake and mock APIs --------------------------------------------------------------------------


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    with serving(FakeTwilio()) as server:
        yield server


@pytest.fixture
def fake_content() -> Iterator[FakeContent]:
    with serving(FakeContent()) as server:
        yield server


@pytest.fixture
def fake_zoom() -> Iterator[FakeZoom]:
    with serving(FakeZoom()) as server:
        yield server


def _prism(spec_name: str) -> Iterator[str]:
    """Prism, the request-validating mock of a Twilio API, from Twilio's own OpenAPI."""
    spec = SHARED / "twilio-oai" / spec_name
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


@pytest.fixture(scope="session")
def prism_url() -> Iterator[str]:
    """Twilio's Messaging API (2010-04-01), mocked and validated by Prism."""
    yield from _prism("twilio_api_v2010.json")


@pytest.fixture(scope="session")
def prism_content_url() -> Iterator[str]:
    """Twilio's Content API (v1), mocked and validated by Prism."""
    yield from _prism("twilio_content_v1.json")
