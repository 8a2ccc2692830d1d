"""Production is safe by default: unsafe settings are refused, demo mode must be asked for."""

import subprocess

import pytest
from flask.sessions import SecureCookieSessionInterface

from bot.app import create_app
from bot.config import DEMO_SECRET_KEY, UnsafeSettings
from bot.console.auth import hash_password
from flows.links import allowed_hosts, is_meeting_link
from storage.db import transaction
from storage.users import save_user
from tests.helpers import (
    ADMIN,
    GUNICORN,
    NOW,
    PRODUCTION,
    ROOT,
    SRI,
    WhatsApp,
    admin,
    book,
    eklinik,
    free_port,
    process_environment,
    set_link,
)


def _routes(app) -> set[str]:
    return {rule.rule.rstrip("/") for rule in app.url_map.iter_rules()}


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("TWILIO_AUTH_TOKEN", "TWILIO_AUTH_TOKEN"),
        ("TWILIO_ACCOUNT_SID", "TWILIO_ACCOUNT_SID"),
        ("TWILIO_WHATSAPP_FROM", "TWILIO_WHATSAPP_FROM"),
        ("SECRET_KEY", "SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_without_each_setting(sqlite_url, missing, named) -> None:
    settings = {**PRODUCTION, "DATABASE_URL": sqlite_url, missing: ""}
    with pytest.raises(UnsafeSettings, match=named) as refused:
        create_app(settings)
    assert "\n" not in str(refused.value) and "EKLINIK_DEMO=1" in str(refused.value)


@pytest.mark.parametrize("key", ["dev-only-not-secret", DEMO_SECRET_KEY, "a" * 40, "short-Key-123"])
def test_a_weak_or_public_secret_key_is_refused(sqlite_url, key) -> None:
    with pytest.raises(UnsafeSettings, match="SECRET_KEY"):
        create_app({**PRODUCTION, "DATABASE_URL": sqlite_url, "SECRET_KEY": key})


def test_demo_mode_refuses_a_half_configured_twilio(sqlite_url) -> None:
    """An account SID without its token used to mark messages delivered that never left."""
    with pytest.raises(UnsafeSettings, match="TWILIO_AUTH_TOKEN"):
        create_app({"DATABASE_URL": sqlite_url, "DEMO": True, "TWILIO_ACCOUNT_SID": "AC1"})


def test_the_simulator_exists_only_in_demo_mode(sqlite_url) -> None:
    production = create_app({**PRODUCTION, "DATABASE_URL": sqlite_url})
    demo = create_app({"DATABASE_URL": sqlite_url, "DEMO": True})
    assert "/simulator" not in _routes(production)
    assert production.test_client().get("/simulator/api/phones").status_code == 404
    assert "/simulator" in _routes(demo)
    assert production.config["SECRET_KEY"] == PRODUCTION["SECRET_KEY"]
    for app in (production, demo):
        app.extensions["engine"].dispose()


def test_an_unsigned_webhook_is_refused_in_production(sqlite_url) -> None:
    app = create_app({**PRODUCTION, "DATABASE_URL": sqlite_url})
    client = app.test_client()
    form = {"From": f"whatsapp:{ADMIN}", "Body": "DETAIL EK-0001", "MessageSid": "SMx1"}
    assert client.post("/whatsapp/inbound", data=form).status_code == 403
    assert client.post("/whatsapp/status", data={"MessageSid": "SM1"}).status_code == 403
    app.extensions["engine"].dispose()


def test_a_cookie_signed_with_the_demo_key_opens_nothing_in_production(engine, db_url) -> None:
    with transaction(engine) as session:
        user_id = save_user(session, "rina@dinas.go.id", hash_password("x" * 16), "admin").id
    demo = create_app({"DATABASE_URL": db_url, "DEMO": True})
    forged = SecureCookieSessionInterface().get_signing_serializer(demo).dumps(
        {"user_id": user_id}
    )
    production = create_app({**PRODUCTION, "DATABASE_URL": db_url})
    client = production.test_client()
    client.set_cookie("session", forged)
    page = client.get("/admin/")
    assert page.status_code == 302 and "/admin/login" in page.headers["Location"]
    for app in (demo, production):
        app.extensions["engine"].dispose()


def test_the_cli_refuses_with_one_line_outside_demo_mode(sqlite_url) -> None:
    refused = eklinik(sqlite_url, "db", "upgrade", EKLINIK_DEMO="")
    assert refused.returncode == UnsafeSettings.EXIT_STATUS
    assert refused.stderr.strip().splitlines() == [refused.stderr.strip()]
    assert "TWILIO_AUTH_TOKEN" in refused.stderr and "SECRET_KEY" in refused.stderr


# --- meeting links -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://zoom.us/j/123", True),
        ("https://us02web.zoom.us/j/123?pwd=abc", True),
        ("https://evil-phish.example/j/1", False),
        ("https://zoom.us.evil.example/j/1", False),
        ("https://evilzoom.us/j/1", False),
        ("http://zoom.us/j/1", False),
        ("https://zoom.us/j/" + "1" * 600, False),
        ("https://zoom.us/j/１２３", False),
    ],
)
def test_only_links_on_the_allowed_hosts_are_meeting_links(url, ok) -> None:
    assert is_meeting_link(url) is ok


def test_the_allowed_hosts_come_from_the_setting() -> None:
    hosts = allowed_hosts(["*.zoom.us", " Meet.Google.com ", ""])
    assert hosts == ("zoom.us", "meet.google.com")
    assert is_meeting_link("https://meet.google.com/abc-defg-hij", hosts)
    assert allowed_hosts([]) == ("zoom.us",)


def test_a_phishing_link_never_confirms_a_session(whatsapp, engine) -> None:
    set_link(engine, SRI, "https://zoom.us/j/555")
    book(whatsapp)
    reply = admin(whatsapp, "KONFIRMASI EK-0001 https://evil-phish.example/j/1")
    assert "tidak diterima" in reply and "zoom.us" in reply
    assert "terkonfirmasi" in admin(whatsapp, "KONFIRMASI EK-0001 https://us02web.zoom.us/j/9")


def test_a_configured_host_is_accepted(engine, db_url) -> None:
    app = create_app({"DATABASE_URL": db_url, "DEMO": True,
                      "MEETING_LINK_HOSTS": ["meet.google.com"]})  # fmt: skip
    app.extensions["clock"] = lambda: NOW
    whatsapp = WhatsApp(app.test_client())
    book(whatsapp)
    assert "tidak diterima" in admin(whatsapp, "KONFIRMASI EK-0001 https://zoom.us/j/9")
    assert "terkonfirmasi" in admin(whatsapp, "KONFIRMASI EK-0001 https://meet.google.com/a-b-c")
    app.extensions["engine"].dispose()


def test_gunicorn_stops_with_the_one_line_instead_of_restarting_workers(sqlite_url) -> None:
    done = subprocess.run(
        [GUNICORN, "--chdir", str(ROOT), "--bind", f"127.0.0.1:{free_port()}", "wsgi:app"],
        env=process_environment(DATABASE_URL=sqlite_url), capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 3
    assert "E-Klinik refuses to start: TWILIO_ACCOUNT_SID" in done.stderr
