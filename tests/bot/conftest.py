"""Fixtures for the bot's tests that build on the webhook and admin helpers."""

import pytest

from tests.bot.test_admin_commands import SRI, set_link
from tests.bot.test_webhook import NOW, book
from tests.conftest import ADMIN, WhatsApp


@pytest.fixture
def session_ready(app, engine):
    """EK-0001 booked by the cooperative (Monday 30 November 10.00) and confirmed with Ir. Sri."""
    clock = {"now": NOW}
    app.extensions["clock"] = lambda: clock["now"]
    set_link(engine, SRI, "https://zoom.us/j/555")
    whatsapp = WhatsApp(app.test_client())
    book(whatsapp)
    assert "terkonfirmasi" in whatsapp.send(ADMIN, "KONFIRMASI EK-0001")[0]
    return whatsapp, clock
