"""`eklinik whatsapp sync` against Twilio's Content API (Prism, from Twilio's own OpenAPI, and
the fake of tests/fakes.py), and questions that reach the cooperative as buttons and lists,
answered with a tap, through the webhook and the mock of the Messaging API."""

import json
import re

import pytest
from sqlmodel import select
from twilio.base.exceptions import TwilioRestException

from bot.app import create_app
from bot.outbound.messenger import TwilioMessenger
from bot.outbound.sender import deliver_due
from bot.whatsapp import ContentApi, Definition, definitions, refresh, sync
from storage.db import transaction
from storage.models import OutboundMessage, WhatsAppContent
from tests.fakes import ACCOUNT, SENDER
from tests.helpers import AUTH_TOKEN, COOP_PHONE, NOW, PRODUCTION, WhatsApp, replies_of

SID = re.compile(r"^HX[0-9a-fA-F]{32}$")


def _api(content_url: str) -> ContentApi:
    return ContentApi(TwilioMessenger(ACCOUNT, "token", SENDER, content_url=content_url).client)


def _rows(engine) -> dict[str, WhatsAppContent]:
    with transaction(engine) as session:
        return {row.name: row for row in session.exec(select(WhatsAppContent)).all()}


@pytest.mark.prism
def test_every_content_resource_is_valid_for_twilios_content_api(prism_content_url,
                                                                 engine) -> None:  # fmt: skip
    reports = sync(engine, _api(prism_content_url), NOW)
    assert {report.name for report in reports} == {d.name for d in definitions()}
    for report in reports:
        assert SID.match(report.sid), report
        assert report.status == ("ready" if report.kind == "prompt" else "approved")  # Prism's


@pytest.mark.prism
def test_prism_really_validates_the_content_requests(prism_content_url) -> None:
    bad = Definition("broken", "prompt", "id", {"twilio/list-picker": {
        "body": "{{1}}", "button": "Pilih", "items": [{"id": "x:1"}]}}, {"1": "?"})  # no title
    with pytest.raises(TwilioRestException):
        _api(prism_content_url).create(bad)


def test_sync_creates_once_submits_templates_and_follows_their_approval(
    fake_content, engine
) -> None:
    api = _api(fake_content.url)
    sync(engine, api, NOW)
    rows = _rows(engine)
    assert len(fake_content.contents) == len(definitions()) == len(rows)
    templates = [row for row in rows.values() if row.kind == "template"]
    assert templates and all(row.status == "received" for row in templates)
    for row in templates:
        request = fake_content.submitted[row.sid]
        assert request["category"] == "UTILITY"
        assert re.fullmatch(r"eklinik_[a-z_]+_[0-9a-f]{8}", request["name"])
    menu = fake_content.contents[rows["prompt_menu_id"].sid]
    assert menu["types"]["twilio/list-picker"]["items"][0]["id"] == "menu:1"
    sync(engine, api, NOW)  # nothing changed: nothing is made again
    assert len(fake_content.contents) == len(definitions())
    for row in templates:
        fake_content.approvals[row.sid] = "approved"
    assert {r.status for r in refresh(engine, api, NOW) if r.kind == "template"} == {"approved"}


def test_a_changed_template_waits_for_approval_while_the_approved_one_is_used(
    fake_content, engine
) -> None:
    api = _api(fake_content.url)
    sync(engine, api, NOW)
    rows = _rows(engine)
    old_template, old_prompt = rows["CONFIRMATION"].sid, rows["prompt_topic_id"].sid
    fake_content.approvals[old_template] = "approved"
    with transaction(engine) as session:  # as if both were made from an earlier definition
        for name in ("CONFIRMATION", "prompt_topic_id"):
            session.get(WhatsAppContent, name).digest = "an earlier version"
    sync(engine, api, NOW)
    rows = _rows(engine)
    assert ("PUT", f"/v1/Content/{old_prompt}") in fake_content.requests  # a question: in place
    assert rows["prompt_topic_id"].sid == old_prompt
    confirmation = rows["CONFIRMATION"]
    assert confirmation.sid == old_template and confirmation.status == "approved"
    assert confirmation.pending_sid not in (None, old_template)
    assert confirmation.pending_status == "received"
    fake_content.approvals[confirmation.pending_sid] = "approved"
    refresh(engine, api, NOW)
    promoted = _rows(engine)["CONFIRMATION"]
    assert promoted.sid == confirmation.pending_sid and promoted.pending_sid is None
    assert promoted.status == "approved"


def test_a_rejected_template_shows_why(fake_content, engine) -> None:
    api = _api(fake_content.url)
    sync(engine, api, NOW)
    sid = _rows(engine)["ADMIN_DIGEST"].sid
    fake_content.approvals[sid] = "rejected"
    refresh(engine, api, NOW)
    row = _rows(engine)["ADMIN_DIGEST"]
    assert row.status == "rejected" and row.rejection == "variables at the end"


# --- questions to tap, end to end ---------------------------------------------------------------


def _interactive_app(db_url: str, fake_twilio, fake_content):
    app = create_app({**PRODUCTION, "DATABASE_URL": db_url, "TWILIO_ACCOUNT_SID": ACCOUNT,
                      "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_WHATSAPP_FROM": SENDER,
                      "TWILIO_API_BASE_URL": fake_twilio.url,
                      "TWILIO_CONTENT_BASE_URL": fake_content.url})  # fmt: skip
    app.extensions["clock"] = lambda: NOW
    sync(app.extensions["engine"], ContentApi(app.extensions["messenger"].client), NOW)
    return app


def _send(app) -> None:
    deliver_due(app.extensions["engine"], app.extensions["messenger"], NOW,
                policy=app.extensions["send_policy"])  # fmt: skip


def test_the_menu_goes_as_a_list_and_a_tap_answers_it(engine, db_url, fake_twilio,
                                                      fake_content) -> None:  # fmt: skip
    app = _interactive_app(db_url, fake_twilio, fake_content)
    whatsapp = WhatsApp(app.test_client())
    response = whatsapp.post(whatsapp.form(COOP_PHONE, "halo"))
    assert replies_of(response.data) == []  # a list cannot go in TwiML: all through the outbox
    _send(app)
    welcome, menu = fake_twilio.received
    assert "Selamat datang" in welcome["Body"] and "ContentSid" not in welcome
    assert menu["ContentSid"] == _rows(engine)["prompt_menu_id"].sid and "Body" not in menu
    assert json.loads(menu["ContentVariables"]) == {"1": "Silakan pilih (ketik angkanya):"}
    tapped = whatsapp.form(COOP_PHONE, "Daftar konsultasi", ListId="menu:1",
                           ListTitle="Daftar konsultasi")  # fmt: skip
    replies = replies_of(whatsapp.post(tapped).data)
    assert "nama koperasi" in "\n".join(replies).lower()  # a question to type: TwiML again
    app.extensions["engine"].dispose()


def test_without_content_resources_the_same_question_goes_as_numbered_text(
    engine, db_url, fake_twilio
) -> None:
    app = create_app({**PRODUCTION, "DATABASE_URL": db_url, "TWILIO_ACCOUNT_SID": ACCOUNT,
                      "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_WHATSAPP_FROM": SENDER,
                      "TWILIO_API_BASE_URL": fake_twilio.url})  # fmt: skip
    app.extensions["clock"] = lambda: NOW
    whatsapp = WhatsApp(app.test_client())
    replies = replies_of(whatsapp.post(whatsapp.form(COOP_PHONE, "halo")).data)
    assert "1. Daftar konsultasi E-Klinik" in "\n".join(replies)
    with transaction(engine) as session:  # the row still says which list it was, for the record
        menu = session.exec(select(OutboundMessage).where(
            OutboundMessage.content == "prompt_menu_id")).one()  # fmt: skip
    assert menu.channel == "twiml"
    app.extensions["engine"].dispose()


@pytest.mark.prism
def test_a_question_to_tap_is_a_valid_request_to_twilios_messaging_api(
    engine, db_url, prism_url, fake_content
) -> None:
    app = create_app({**PRODUCTION, "DATABASE_URL": db_url, "TWILIO_ACCOUNT_SID": ACCOUNT,
                      "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_WHATSAPP_FROM": SENDER,
                      "TWILIO_API_BASE_URL": prism_url,
                      "TWILIO_CONTENT_BASE_URL": fake_content.url})  # fmt: skip
    app.extensions["clock"] = lambda: NOW
    sync(app.extensions["engine"], ContentApi(app.extensions["messenger"].client), NOW)
    whatsapp = WhatsApp(app.test_client())
    whatsapp.post(whatsapp.form(COOP_PHONE, "halo"))
    _send(app)
    with transaction(engine) as session:
        rows = session.exec(select(OutboundMessage).where(
            OutboundMessage.to_phone == COOP_PHONE)).all()  # fmt: skip
    assert [row.status for row in rows] and all(row.status == "accepted" or row.sid for row in rows)
    assert any(row.content == "prompt_menu_id" and row.sid for row in rows)
    app.extensions["engine"].dispose()


def test_the_console_shows_each_approval_and_asks_twilio_for_the_latest(
    engine, db_url, fake_twilio, fake_content
) -> None:
    from bot.console.auth import hash_password
    from storage.users import save_user
    from tests.helpers import PASSWORD, log_in, post

    with transaction(engine) as session:
        save_user(session, "admin@dinas.go.id", hash_password(PASSWORD), "admin", "Rina")
    app = _interactive_app(db_url, fake_twilio, fake_content)
    client = app.test_client()
    log_in(client)
    page = client.get("/admin/whatsapp").get_data(as_text=True)
    assert "CONFIRMATION" in page and "Diajukan" in page and "Siap dipakai" in page
    for sid in list(fake_content.submitted):
        fake_content.approvals[sid] = "approved"
    page = post(client, "/admin/whatsapp/refresh", "/admin/whatsapp").get_data(as_text=True)
    assert "Status diperbarui dari Twilio" in page and "Diajukan" not in page
    assert "Disetujui" in page
    app.extensions["engine"].dispose()


def test_the_console_page_without_twilio_says_so(client, engine) -> None:
    from bot.console.auth import hash_password
    from storage.users import save_user
    from tests.helpers import PASSWORD, log_in, post

    with transaction(engine) as session:
        save_user(session, "admin@dinas.go.id", hash_password(PASSWORD), "admin", "Rina")
    log_in(client)
    assert "Belum ada" in client.get("/admin/whatsapp").get_data(as_text=True)
    page = post(client, "/admin/whatsapp/refresh", "/admin/whatsapp").get_data(as_text=True)
    assert "Twilio belum diatur" in page


def test_the_survey_goes_with_its_rating_list_inside_the_window(engine, db_url, fake_twilio,
                                                                fake_content) -> None:  # fmt: skip
    from tests.helpers import queue_message

    app = _interactive_app(db_url, fake_twilio, fake_content)
    whatsapp = WhatsApp(app.test_client())
    whatsapp.post(whatsapp.form(COOP_PHONE, "halo"))  # the cooperative wrote: inside 24 hours
    with transaction(engine) as session:
        queue_message(session, COOP_PHONE, "follow_up", NOW, code="EK-0001")
    _send(app)
    survey = fake_twilio.received[-1]
    assert survey["ContentSid"] == _rows(engine)["prompt_rating_id"].sid
    assert "Seberapa puas" in json.loads(survey["ContentVariables"])["1"]
    app.extensions["engine"].dispose()


def test_eklinik_whatsapp_sync_and_status_from_the_command_line(engine, db_url, fake_twilio,
                                                                fake_content) -> None:  # fmt: skip
    from tests.helpers import EKLINIK, scheduler_environment

    env = {**scheduler_environment(db_url, fake_twilio.url),
           "TWILIO_CONTENT_BASE_URL": fake_content.url}  # fmt: skip
    import subprocess

    synced = subprocess.run([EKLINIK, "whatsapp", "sync"], env=env, capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    assert synced.returncode == 0, synced.stderr
    assert re.search(r"CONFIRMATION\s+template\s+received\s+HX[0-9a-f]{32}", synced.stdout)
    assert re.search(r"prompt_menu_id\s+prompt\s+ready\s+HX[0-9a-f]{32}", synced.stdout)
    for sid in list(fake_content.submitted):
        fake_content.approvals[sid] = "approved"
    status = subprocess.run([EKLINIK, "whatsapp", "status"], env=env, capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    assert status.returncode == 0 and re.search(r"CONFIRMATION\s+template\s+approved",
                                                status.stdout)  # fmt: skip


def test_eklinik_whatsapp_sync_without_twilio_says_what_is_missing(db_url) -> None:
    from tests.helpers import eklinik

    done = eklinik(db_url, "whatsapp", "sync")
    assert done.returncode != 0 and "Twilio is not configured" in done.stderr
