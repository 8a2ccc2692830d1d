"""No inbound message is lost: a database outage (through a TCP proxy the test controls) is
answered politely and the messages are replayed in order once it is back; a redelivered
MessageSid gets the replies it got the first time."""

import time
from collections import Counter

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select

from bot.app import create_app
from bot.inbound.spool import Spool, replay_spool
from bot.outbound.messenger import LocalOutbox
from bot.outbound.scheduler import tick
from storage.db import transaction
from storage.models import InboundMessage, OutboundMessage
from tests.fakes import TcpProxy
from tests.helpers import (
    BOOKING,
    COOP_PHONE,
    NOW,
    POSTGRES_URL,
    WhatsApp,
    prepared_engine,
    replies_of,
)

OUTAGE_MESSAGES = 26


def test_a_redelivered_message_gets_the_same_replies(whatsapp, engine) -> None:
    form = whatsapp.form(COOP_PHONE, "halo")
    first = replies_of(whatsapp.post(form).data)
    again = replies_of(whatsapp.post(form).data)
    assert first and again == first
    with transaction(engine) as session:
        assert len(session.exec(select(InboundMessage)).all()) == 1
        replies = session.exec(select(OutboundMessage).where(OutboundMessage.kind == "reply"))
        assert len(replies.all()) == len(first), "answered again, not handled again"


@pytest.fixture
def proxied(postgres_url, tmp_path):
    """The app on PostgreSQL through a proxy; its spool in a temporary folder."""
    direct = prepared_engine(postgres_url)
    url = make_url(POSTGRES_URL)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "DATABASE_URL": through, "DEMO": True,
                      "TWILIO_AUTH_TOKEN": "test-auth-token",
                      "SPOOL_DIR": str(tmp_path / "spool")})  # fmt: skip
    app.extensions["clock"] = lambda: NOW
    yield app, proxy, direct
    app.extensions["engine"].dispose()
    direct.dispose()
    proxy.close()


@pytest.mark.postgres
def test_an_outage_loses_no_message_and_replays_them_in_order(proxied) -> None:
    """It used to answer 500 and lose all 26 messages of an 8-second outage."""
    app, proxy, engine = proxied
    whatsapp = WhatsApp(app.test_client())
    phones = [f"+6281299900{number:03d}" for number in range(OUTAGE_MESSAGES // 2)]
    for phone in phones:
        whatsapp.send(phone, "halo")  # they are in the menu when the database goes away
    proxy.switch("down")
    for phone in phones:
        for text in ("1", "Koperasi Sejahtera"):
            answer = whatsapp.post(whatsapp.form(phone, text))
            assert answer.status_code == 200
            assert "sudah kami terima" in "".join(replies_of(answer.data))
    spool = app.extensions["spool"]
    assert len(spool.waiting()) == OUTAGE_MESSAGES
    proxy.switch("up")
    settings = app.extensions["settings"]
    tick(app.extensions["engine"], LocalOutbox(), NOW, settings,
         chores=[lambda: replay_spool(spool, app.extensions["engine"], settings)])  # fmt: skip
    assert spool.waiting() == []
    with transaction(engine) as session:
        stored = session.exec(select(InboundMessage.phone, InboundMessage.body)).all()
        query = select(OutboundMessage).where(OutboundMessage.kind == "reply",
                                              OutboundMessage.channel == "rest")  # fmt: skip
        replies = session.exec(query).all()
    assert Counter(phone for phone, _ in stored) == Counter({phone: 3 for phone in phones})
    assert {body for _, body in stored} == {"halo", "1", "Koperasi Sejahtera"}
    # replayed in order: each conversation reached the Nomor Induk question
    asked = [r for r in replies if "Nomor Induk" in r.body]
    assert sorted(r.to_phone for r in asked) == sorted(phones)
    assert all(r.status == "delivered" for r in replies), "sent through the outbox"


@pytest.mark.postgres
def test_a_replay_twice_handles_each_message_once(proxied, tmp_path) -> None:
    app, proxy, engine = proxied
    whatsapp = WhatsApp(app.test_client())
    proxy.switch("down")
    form = whatsapp.form(COOP_PHONE, "halo")
    whatsapp.post(form)
    whatsapp.post(form)  # Twilio's own retry of the same MessageSid, also spooled
    proxy.switch("up")
    copy = Spool(tmp_path / "spool")  # a second scheduler on the same folder
    settings = app.extensions["settings"]
    replay_spool(app.extensions["spool"], app.extensions["engine"], settings)
    replay_spool(copy, app.extensions["engine"], settings)
    with transaction(engine) as session:
        assert len(session.exec(select(InboundMessage)).all()) == 1
        query = select(OutboundMessage.body).where(OutboundMessage.channel == "rest")
        bodies = session.exec(query).all()
    assert bodies and len(bodies) == len(set(bodies)), "one welcome, however often replayed"


@pytest.mark.postgres
def test_a_hung_database_is_answered_within_twilios_timeout(proxied) -> None:
    """It used to block for 25 s (no connect or statement timeout)."""
    app, proxy, _engine = proxied
    whatsapp = WhatsApp(app.test_client())
    for text, _expected in BOOKING[:2]:
        whatsapp.send(COOP_PHONE, text)
    proxy.switch("hang")
    started = time.monotonic()
    answer = whatsapp.post(whatsapp.form(COOP_PHONE, "Koperasi Maju Bersama"))
    assert time.monotonic() - started < 10
    assert "sudah kami terima" in "".join(replies_of(answer.data))
    assert len(app.extensions["spool"].waiting()) == 1


def test_a_spool_file_is_private_and_durable(tmp_path) -> None:
    spool = Spool(tmp_path / "spool")
    path = spool.put({"Body": "rahasia", "From": "whatsapp:+6281234567890"}, NOW)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert oct((tmp_path / "spool").stat().st_mode & 0o777) == "0o700"
    assert [p.name for p in spool.waiting()] == [path.name] and not list(spool.folder.glob(".*"))
