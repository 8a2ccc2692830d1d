"""Meeting links from the Zoom API, against a local fake Zoom that checks the OAuth flow."""

import sqlite3

import pytest
from sqlalchemy import text as sql
from sqlalchemy.engine import make_url
from sqlmodel import select

from bot.app import create_app
from storage.db import transaction
from storage.models import Booking, Expert, OutboundMessage
from tests.fakes import ZOOM_ACCOUNT as ACCOUNT
from tests.fakes import ZOOM_CLIENT as CLIENT
from tests.fakes import ZOOM_JOIN_URL as JOIN_URL
from tests.fakes import ZOOM_SECRET as SECRET
from tests.helpers import ADMIN, AUTH_TOKEN, COOP_PHONE, NOW, WhatsApp, book


@pytest.fixture
def zoom_app(fake_zoom, engine, db_url):
    app = create_app(
        {
            "DATABASE_URL": db_url,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "DEMO": True,
            "ZOOM_ACCOUNT_ID": ACCOUNT,
            "ZOOM_CLIENT_ID": CLIENT,
            "ZOOM_CLIENT_SECRET": SECRET,
            "ZOOM_API_BASE_URL": fake_zoom.base + "/v2",
            "ZOOM_OAUTH_URL": fake_zoom.base + "/oauth/token",
        }
    )
    app.extensions["clock"] = lambda: NOW
    yield app
    app.extensions["engine"].dispose()


def test_confirming_creates_a_zoom_meeting_at_the_sessions_time(zoom_app, fake_zoom, engine):
    whatsapp = WhatsApp(zoom_app.test_client())
    book(whatsapp)
    reply = "\n".join(whatsapp.send(ADMIN, "KONFIRMASI EK-0001"))
    assert JOIN_URL in reply
    [meeting] = fake_zoom.meetings
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


def test_the_token_is_reused_until_it_expires(zoom_app, fake_zoom, engine) -> None:
    whatsapp = WhatsApp(zoom_app.test_client())
    book(whatsapp)
    whatsapp.send(ADMIN, "KONFIRMASI EK-0001")
    whatsapp.send(COOP_PHONE, "1")
    whatsapp.send(COOP_PHONE, "ya")
    for text in ["usaha", "ekonomi", "Penjualan turun sejak pandemi.", "selasa jam 9", "ya"]:
        whatsapp.send(COOP_PHONE, text)
    whatsapp.send(ADMIN, "KONFIRMASI EK-0002")
    assert len(fake_zoom.meetings) == 2 and fake_zoom.token_requests == 1


def test_a_url_from_the_administrator_wins_over_zoom(zoom_app, fake_zoom, engine) -> None:
    whatsapp = WhatsApp(zoom_app.test_client())
    book(whatsapp)
    whatsapp.send(ADMIN, "KONFIRMASI EK-0001 https://us06web.zoom.us/j/klinik")
    assert fake_zoom.meetings == []
    with transaction(engine) as session:
        assert session.exec(select(Booking.meeting_link)).one() == "https://us06web.zoom.us/j/klinik"


def test_when_zoom_fails_the_experts_own_link_is_used(zoom_app, fake_zoom, engine) -> None:
    fake_zoom.fail_meetings = True
    with transaction(engine) as session:
        sri = session.exec(select(Expert).where(Expert.phone == "+6281100000003")).one()
        sri.meeting_link = "https://zoom.us/j/111"
    whatsapp = WhatsApp(zoom_app.test_client())
    book(whatsapp)
    assert "https://zoom.us/j/111" in "\n".join(whatsapp.send(ADMIN, "KONFIRMASI EK-0001"))


def test_wrong_zoom_credentials_fall_back_too(fake_zoom, engine, db_url) -> None:
    app = create_app({"DATABASE_URL": db_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "DEMO": True,
                      "ZOOM_ACCOUNT_ID": ACCOUNT, "ZOOM_CLIENT_ID": CLIENT,
                      "ZOOM_CLIENT_SECRET": "wrong", "ZOOM_API_BASE_URL": fake_zoom.base + "/v2",
                      "ZOOM_OAUTH_URL": fake_zoom.base + "/oauth/token"})  # fmt: skip
    app.extensions["clock"] = lambda: NOW
    whatsapp = WhatsApp(app.test_client())
    book(whatsapp)
    reply = "\n".join(whatsapp.send(ADMIN, "KONFIRMASI EK-0001"))
    assert "belum punya tautan rapat tetap" in reply and fake_zoom.meetings == []
    app.extensions["engine"].dispose()


def test_no_transaction_is_open_while_zoom_answers(zoom_app, fake_zoom, engine, db_url) -> None:
    """The webhook's write transaction never waits on Zoom: the meeting is made first."""
    seen: list[str] = []

    def look() -> None:
        if engine.dialect.name == "sqlite":
            connection = sqlite3.connect(make_url(db_url).database, timeout=0)
            try:
                connection.execute("BEGIN IMMEDIATE")  # fails while anyone holds the write lock
                connection.rollback()
                seen.append("free")
            except sqlite3.OperationalError as error:
                seen.append(str(error))
            finally:
                connection.close()
        else:
            with engine.connect() as connection:
                waiting = connection.execute(sql(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
                )).scalar()  # fmt: skip
            seen.append("free" if waiting == 0 else f"{waiting} transaction(s) open")

    fake_zoom.while_creating = look
    whatsapp = WhatsApp(zoom_app.test_client())
    book(whatsapp)
    assert JOIN_URL in "\n".join(whatsapp.send(ADMIN, "KONFIRMASI EK-0001"))
    assert seen == ["free"]
