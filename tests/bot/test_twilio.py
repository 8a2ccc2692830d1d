"""The real twilio client: against Prism (Twilio's own OpenAPI) and a scripted fake for errors."""

import json

import pytest
from sqlmodel import select

from bot.app import create_app
from bot.outbound.messenger import LocalOutbox, SendError, TwilioMessenger, make_messenger
from bot.outbound.sender import deliver_due
from storage.db import transaction
from storage.models import Conversation, OutboundMessage
from tests.fakes import ACCOUNT, SENDER, FakeTwilio, twilio_error
from tests.helpers import (
    ADMIN,
    AUTH_TOKEN,
    NOW,
    PRODUCTION,
    SRI,
    WhatsApp,
    at,
    book,
    free_port,
    queue_message,
    request,
    set_link,
)


@pytest.mark.prism
def test_a_message_sent_through_prism_is_valid_for_twilios_api(prism_url) -> None:
    messenger = TwilioMessenger(ACCOUNT, "token", SENDER, base_url=prism_url)
    sent = messenger.send("+6281234567890", "Halo dari E-Klinik")
    assert sent.sid.startswith("SM") and sent.status


@pytest.mark.prism
def test_prism_really_validates_what_we_send(prism_url) -> None:
    messenger = TwilioMessenger(
        ACCOUNT, "token", SENDER, base_url=prism_url, status_callback="not a url"
    )
    with pytest.raises(SendError, match="422"):
        messenger.send("+6281234567890", "Halo")


@pytest.mark.prism
def test_the_admin_notice_goes_out_through_twilio(prism_url, engine, db_url) -> None:
    app = create_app(
        {
            **PRODUCTION,
            "DATABASE_URL": db_url,
            "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_WHATSAPP_FROM": "+14155238886",
            "TWILIO_API_BASE_URL": prism_url,
        }
    )
    app.extensions["clock"] = lambda: NOW
    assert isinstance(app.extensions["messenger"], TwilioMessenger)
    assert "/simulator" not in {rule.rule.rstrip("/") for rule in app.url_map.iter_rules()}
    WhatsApp(app.test_client()).send(ADMIN, "halo")  # inside WhatsApp's 24-hour window
    book(WhatsApp(app.test_client()))
    tally = deliver_due(app.extensions["engine"], app.extensions["messenger"], NOW)
    assert tally.sent == 1 and tally.failed == 0
    with transaction(engine) as session:
        notice = session.exec(
            select(OutboundMessage).where(
                OutboundMessage.to_phone == ADMIN, OutboundMessage.kind == "admin_notice"
            )
        ).one()
    assert notice.status == "queued" and notice.sid.startswith("SM") and notice.error is None
    app.extensions["engine"].dispose()


@pytest.mark.prism
def test_outside_the_window_the_template_goes_out_valid(prism_url, engine, db_url) -> None:
    template = "HX" + "b" * 32
    app = create_app(
        {
            **PRODUCTION,
            "DATABASE_URL": db_url,
            "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_WHATSAPP_FROM": "+14155238886",
            "TWILIO_API_BASE_URL": prism_url,
            "PUBLIC_BASE_URL": "https://eklinik.example.id",
            "TWILIO_CONTENT_SIDS": {"ADMIN_NOTICE": template},
        }
    )
    app.extensions["clock"] = lambda: NOW
    public = WhatsApp(app.test_client(), url="https://eklinik.example.id/whatsapp/inbound")
    book(public)  # the administrator never wrote: a template is needed
    tally = deliver_due(app.extensions["engine"], app.extensions["messenger"], NOW,
                        policy=app.extensions["send_policy"])  # fmt: skip
    assert tally.sent == 1 and tally.failed == 0 and tally.held == 0
    with transaction(engine) as session:
        notice = session.exec(
            select(OutboundMessage).where(
                OutboundMessage.to_phone == ADMIN, OutboundMessage.kind == "admin_notice"
            )
        ).one()
    assert notice.status == "queued" and notice.error is None
    app.extensions["engine"].dispose()


def test_without_credentials_messages_go_to_the_local_outbox() -> None:
    assert isinstance(make_messenger({}), LocalOutbox)


@pytest.fixture
def outbox_app(engine, db_url, fake_twilio):
    app = _twilio_app(db_url, fake_twilio, {})
    WhatsApp(app.test_client()).send(ADMIN, "halo")  # inside WhatsApp's 24-hour window
    book(WhatsApp(app.test_client()))
    yield app
    app.extensions["engine"].dispose()


def _notice(engine) -> OutboundMessage:
    with transaction(engine) as session:
        return session.exec(
            select(OutboundMessage).where(
                OutboundMessage.to_phone == ADMIN, OutboundMessage.kind == "admin_notice"
            )
        ).one()


def test_requests_go_to_the_configured_base_url(outbox_app, fake_twilio, engine) -> None:
    deliver_due(engine, outbox_app.extensions["messenger"], NOW)
    [request] = fake_twilio.received
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert request["To"] == f"whatsapp:{ADMIN}" and request["From"] == SENDER
    assert "EK-0001" in request["Body"]


def test_rate_limited_and_server_errors_are_retried_later(outbox_app, fake_twilio, engine) -> None:
    from datetime import timedelta

    fake_twilio.script = [twilio_error(20429, 429), twilio_error(20500, 503)]
    messenger = outbox_app.extensions["messenger"]
    assert deliver_due(engine, messenger, NOW).retried == 1
    assert _notice(engine).status == "pending" and "429" in _notice(engine).error
    assert deliver_due(engine, messenger, NOW + timedelta(minutes=10)).retried == 1
    assert deliver_due(engine, messenger, NOW + timedelta(minutes=20)).sent == 1
    notice = _notice(engine)
    assert notice.status == "queued" and notice.attempts == 3 and len(fake_twilio.received) == 3


def test_a_permanent_error_fails_at_once(outbox_app, fake_twilio, engine) -> None:
    from datetime import timedelta

    fake_twilio.script = [twilio_error(21211, 400)]
    messenger = outbox_app.extensions["messenger"]
    assert deliver_due(engine, messenger, NOW).failed == 1
    assert deliver_due(engine, messenger, NOW + timedelta(hours=1)).sent == 0
    notice = _notice(engine)
    assert notice.status == "failed" and "21211" in notice.error
    assert len(fake_twilio.received) == 1


def test_a_number_that_said_stop_gets_nothing(outbox_app, fake_twilio, engine) -> None:
    with transaction(engine) as session:
        session.get(Conversation, ADMIN).opted_out = True
    assert deliver_due(engine, outbox_app.extensions["messenger"], NOW).suppressed == 1
    assert _notice(engine).status == "suppressed" and fake_twilio.received == []


def test_unreachable_twilio_is_a_retry_not_a_crash(engine, db_url) -> None:
    app = create_app(
        {
            **PRODUCTION,
            "DATABASE_URL": db_url,
            "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_WHATSAPP_FROM": SENDER,
            "TWILIO_API_BASE_URL": f"http://127.0.0.1:{free_port()}",
        }
    )
    app.extensions["clock"] = lambda: NOW
    WhatsApp(app.test_client()).send(ADMIN, "halo")
    book(WhatsApp(app.test_client()))
    assert deliver_due(engine, app.extensions["messenger"], NOW).retried == 1
    assert "network" in _notice(engine).error
    app.extensions["engine"].dispose()


def _twilio_app(db_url: str, fake: FakeTwilio, templates: dict[str, str]):
    app = create_app(
        {
            **PRODUCTION,
            "DATABASE_URL": db_url,
            "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_WHATSAPP_FROM": SENDER,
            "TWILIO_API_BASE_URL": fake.url,
            "TWILIO_CONTENT_SIDS": templates,
        }
    )
    app.extensions["clock"] = lambda: NOW
    return app


def _send(app) -> None:
    deliver_due(app.extensions["engine"], app.extensions["messenger"], NOW,
                policy=app.extensions["send_policy"])  # fmt: skip


def test_outside_the_window_without_a_template_the_message_is_held(engine, db_url, fake_twilio):
    app = _twilio_app(db_url, fake_twilio, {})
    book(WhatsApp(app.test_client()))  # the administrator never wrote to the bot
    _send(app)
    assert fake_twilio.received == []
    notice = _notice(engine)
    assert notice.status == "held" and "TWILIO_CONTENT_SID_ADMIN_NOTICE" in notice.error
    app.extensions["engine"].dispose()


def test_a_held_message_is_reported_to_the_administrators(engine, db_url, fake_twilio) -> None:
    app = _twilio_app(db_url, fake_twilio, {})
    WhatsApp(app.test_client()).send(ADMIN, "halo")  # the administrator can get free text
    with transaction(engine) as session:  # a cooperative that never wrote
        queue_message(session, "+6281299990000", "confirmation", NOW)
    _send(app)  # the confirmation is held and the administrators are told
    _send(app)  # ... and that notice goes out
    [request] = fake_twilio.received
    assert "ditahan" in request["Body"] and "TWILIO_CONTENT_SID_CONFIRMATION" in request["Body"]
    app.extensions["engine"].dispose()


def test_outside_the_window_the_template_and_its_variables_go(engine, db_url, fake_twilio) -> None:
    app = _twilio_app(db_url, fake_twilio, {"ADMIN_NOTICE": "HX" + "e" * 32})
    book(WhatsApp(app.test_client()))
    _send(app)
    [request] = fake_twilio.received
    assert request["ContentSid"] == "HX" + "e" * 32 and "Body" not in request
    assert "EK-0001" in json.loads(request["ContentVariables"])["1"]
    app.extensions["engine"].dispose()


def test_inside_the_window_free_text_goes(engine, db_url, fake_twilio) -> None:
    app = _twilio_app(db_url, fake_twilio, {"ADMIN_NOTICE": "HX" + "e" * 32})
    WhatsApp(app.test_client()).send(ADMIN, "halo")
    book(WhatsApp(app.test_client()))
    _send(app)
    [request] = fake_twilio.received
    assert "ContentSid" not in request and "EK-0001" in request["Body"]
    app.extensions["engine"].dispose()


def test_the_experts_template_schedule_names_each_session_and_splits_when_long(
    engine, db_url, fake_twilio
) -> None:
    """Outside the 24-hour window (an expert rarely writes first), the 07:00 schedule goes as
    its template: the sessions in one line, never a bare "1 sesi"."""
    from bot.outbound.scheduler import tick
    from flows.templates import BODY_LENGTH, VARIABLE_LENGTH, bodies, render

    app = _twilio_app(db_url, fake_twilio, {"EXPERT_SCHEDULE": "HX" + "5" * 32})
    set_link(engine, SRI, "https://zoom.us/j/555")
    long_name = ("Koperasi Simpan Pinjam dan Pembiayaan Syariah Karyawan Perusahaan Daerah Air "
                 "Minum Tirta Kerta Raharja Tangerang")
    codes = [request(engine, f"+62812000001{n:02d}", f"2026-12-02 {9 + n:02d}:00",
                     name=f"{long_name} {n}") for n in range(6)]  # fmt: skip
    whatsapp = WhatsApp(app.test_client())
    for code in codes:
        assert "terkonfirmasi" in "\n".join(whatsapp.send(ADMIN, f"KONFIRMASI {code}"))
    fake_twilio.received.clear()
    at_seven = at("2026-12-02 07:00")
    tick(app.extensions["engine"], app.extensions["messenger"], at_seven,
         app.extensions["settings"], app.extensions["send_policy"])  # fmt: skip
    schedules = [r for r in fake_twilio.received
                 if r["To"] == f"whatsapp:{SRI}" and r.get("ContentSid") == "HX" + "5" * 32]
    parts = len(schedules)
    assert 2 <= parts <= 6  # six long names do not fit in one variable of 255 characters
    told = ""
    for part, request_sent in enumerate(schedules, 1):
        variables = json.loads(request_sent["ContentVariables"])
        assert variables["1"] == f"Rabu, 2 Desember 2026, bagian {part}/{parts}"
        assert variables["2"] == "6"
        assert "\n" not in variables["3"] and "     " not in variables["3"]
        assert len(variables["3"]) <= VARIABLE_LENGTH and "…" not in variables["3"]
        assert len(render(bodies()["EXPERT_SCHEDULE"], variables)) <= BODY_LENGTH
        told += variables["3"]
    for n, code in enumerate(codes):
        assert f"{9 + n:02d}.00 WIB {long_name} {n} (Manajemen dan Keuangan) {code}" in told
    assert told.count("https://zoom.us/j/555") == 6
    app.extensions["engine"].dispose()
