"""CLINIC_BREAKS: the lunch hour is never offered to a cooperative nor confirmed by an
administrator, through the webhook (both backends)."""

import pytest

from bot.app import create_app
from tests.helpers import ADMIN, AUTH_TOKEN, BOOKING, COOP_PHONE, NOW, SRI, WhatsApp, set_link


@pytest.fixture
def lunch(engine, db_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "DEMO": True,
                      "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "SPOOL_DIR": str(tmp_path),
                      "ADMIN_NUMBERS": [], "CLINIC_BREAKS": "12:00-13:00"})  # fmt: skip
    app.extensions["clock"] = lambda: NOW
    yield WhatsApp(app.test_client())
    app.extensions["engine"].dispose()


def test_the_lunch_hour_is_refused_and_never_offered(lunch) -> None:
    for text_sent, _expected in BOOKING[:-1]:
        lunch.send(COOP_PHONE, text_sent)
    told = "\n".join(lunch.send(COOP_PHONE, "senin depan jam 12"))
    assert "jam istirahat klinik" in told and "12.00–13.00" in told
    assert "pukul 11.00" in told or "pukul 13.00" in told  # the nearest times instead
    assert "pukul 12.00" not in told.split("istirahat", 1)[1]


def test_an_administrator_cannot_confirm_in_the_break(lunch, engine) -> None:
    set_link(engine, SRI, "https://zoom.us/j/555")
    for text_sent, _expected in BOOKING:
        lunch.send(COOP_PHONE, text_sent)
    lunch.send(COOP_PHONE, "YA")
    for command in ("KONFIRMASI EK-0001 senin 12.00", "USUL EK-0001 senin jam 12"):
        told = "\n".join(lunch.send(ADMIN, command))
        assert "jam istirahat klinik" in told, command
