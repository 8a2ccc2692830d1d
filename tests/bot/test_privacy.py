"""A cooperative's data is its own: a number that gives another number's Nomor Induk books
normally but sees only its own bookings and changes nothing stored until an administrator
links it; a person's data can be exported and erased; old message texts are purged; logs
never carry SQL parameters."""

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.console.auth import hash_password
from bot.retention import Retention
from storage.db import transaction
from storage.models import (
    AuditEntry,
    Booking,
    Conversation,
    Cooperative,
    InboundMessage,
    OutboundMessage,
)
from storage.users import save_user
from tests.helpers import (
    ADMIN,
    BOOKING,
    COOP_PHONE,
    NOW,
    PASSWORD,
    WhatsApp,
    book,
    eklinik,
    log_in,
    messages_to,
    post,
    token,
)

STRANGER = "+6281299990001"


@pytest.fixture
def chat(app):
    app.extensions["clock"] = lambda: NOW
    return WhatsApp(app.test_client())


def book_as(whatsapp: WhatsApp, phone: str, name: str, when: str = "senin depan jam 11") -> str:
    script = [(name if expected == "Nomor Induk Koperasi" else sent, expected)
              for sent, expected in BOOKING[:-1]] + [(when, BOOKING[-1][1])]  # fmt: skip
    for sent, expected in script:
        reply = "\n".join(whatsapp.send(phone, sent))
        if "data koperasi sebelumnya" in reply:  # a number that booked before
            reply = "\n".join(whatsapp.send(phone, "tidak"))
        assert expected in reply, (sent, expected, reply)
    return "\n".join(whatsapp.send(phone, "YA"))


def status_of(whatsapp: WhatsApp, phone: str) -> str:
    whatsapp.send(phone, "menu")
    return "\n".join(whatsapp.send(phone, "2"))


def test_another_numbers_nik_books_but_sees_and_changes_nothing_of_theirs(chat, engine):
    book(chat)  # EK-0001, Koperasi Maju Bersama, NIK 3603 1234 5678 0001
    assert "EK-0002" in book_as(chat, STRANGER, "Koperasi Palsu")
    with transaction(engine) as session:
        [cooperative] = session.exec(select(Cooperative)).all()
        stranger = session.exec(select(Booking).where(Booking.phone == STRANGER)).one()
        assert cooperative.name == "Koperasi Maju Bersama", "the stored name is unchanged"
        assert stranger.cooperative_id == cooperative.id
        assert stranger.details["given_coop_name"] == "Koperasi Palsu"
    seen = status_of(chat, STRANGER)
    assert "EK-0002" in seen and "EK-0001" not in seen
    assert "EK-0001" in status_of(chat, COOP_PHONE) and "EK-0002" not in status_of(chat, COOP_PHONE)
    [notice] = messages_to(engine, ADMIN, "admin_link")
    assert STRANGER in notice.body and "EK-0002" in notice.body and "Nomor koperasi" in notice.body


@pytest.fixture
def console(app, engine):
    with transaction(engine) as session:
        save_user(session, "admin@dinas.go.id", hash_password(PASSWORD), "admin", "Rina")
    client = app.test_client()
    log_in(client)
    return client


def test_an_administrator_links_the_number_or_keeps_it_apart(chat, engine, console) -> None:
    book(chat)
    book_as(chat, STRANGER, "Koperasi Maju Bersama")
    page = console.get("/admin/numbers").get_data(as_text=True)
    assert STRANGER in page and "Hubungkan" in page
    with transaction(engine) as session:
        cooperative_id = session.exec(select(Cooperative.id)).one()
    done = post(console, "/admin/numbers", "/admin/numbers", phone=STRANGER,
                cooperative_id=str(cooperative_id), choice="link")  # fmt: skip
    assert "kini terhubung" in done.get_data(as_text=True)
    seen = status_of(chat, STRANGER)
    assert "EK-0001" in seen and "EK-0002" in seen, "linked numbers share the history"
    assert STRANGER not in console.get("/admin/numbers").get_data(as_text=True)


def test_a_number_kept_apart_stays_apart(chat, engine, console) -> None:
    book(chat)
    book_as(chat, STRANGER, "Koperasi Palsu")
    with transaction(engine) as session:
        cooperative_id = session.exec(select(Cooperative.id)).one()
    post(console, "/admin/numbers", "/admin/numbers", phone=STRANGER,
         cooperative_id=str(cooperative_id), choice="apart")  # fmt: skip
    book_as(chat, STRANGER, "Koperasi Palsu Lagi", when="senin depan jam 13")
    assert "EK-0001" not in status_of(chat, STRANGER)
    with transaction(engine) as session:
        assert session.exec(select(Cooperative.name)).one() == "Koperasi Maju Bersama"


def test_export_holds_everything_and_erase_keeps_only_the_counts(chat, engine, db_url) -> None:
    book(chat)
    exported = eklinik(db_url, "privacy", "export", "--phone", "0812-3456-7890")
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    [booking] = data["bookings"]
    assert booking["code"] == "EK-0001" and booking["contact_name"] == "Siti Aminah"
    assert data["cooperatives"][0]["nik"] == "3603123456780001"
    assert any(m["text"] == "halo" for m in data["messages_received"])
    assert data["messages_sent"] and data["conversation"]["state"]
    erased = eklinik(db_url, "privacy", "erase", "--phone", COOP_PHONE, "--yes")
    assert erased.returncode == 0 and "bookings 1" in erased.stdout
    with transaction(engine) as session:
        row = session.exec(select(Booking)).one()
        assert (row.phone, row.contact_name, row.problem_text) == ("erased", "", "")
        assert (row.status, row.topic_key, row.problem_area) == ("waiting", "keuangan", "keuangan")
        assert session.get(Conversation, COOP_PHONE) is None
        bodies = session.exec(select(InboundMessage.body)).all()
        assert set(bodies) == {""}
        assert not session.exec(select(OutboundMessage).where(
            OutboundMessage.to_phone == COOP_PHONE)).all()  # fmt: skip
    again = json.loads(eklinik(db_url, "privacy", "export", "--phone", COOP_PHONE).stdout)
    assert again["bookings"] == [] and again["messages_received"] == []


def test_the_console_exports_and_erases_with_a_confirmation(chat, engine, console) -> None:
    book(chat)
    download = console.post("/admin/privacy/export", data={
        "phone": "081234567890", "csrf_token": token(console, "/admin/privacy")})  # fmt: skip
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert json.loads(download.data)["bookings"][0]["code"] == "EK-0001"
    refused = post(console, "/admin/privacy/erase", "/admin/privacy", phone=COOP_PHONE,
                   confirm="081200000000")  # fmt: skip
    assert "tidak sama" in refused.get_data(as_text=True)
    done = post(console, "/admin/privacy/erase", "/admin/privacy", phone=COOP_PHONE,
                confirm=COOP_PHONE)  # fmt: skip
    assert "dihapus" in done.get_data(as_text=True)
    with transaction(engine) as session:
        assert session.exec(select(Booking.phone)).one() == "erased"
        log = session.exec(select(AuditEntry)).all()
    assert {entry.action for entry in log} >= {"login", "privacy_export", "privacy_erase"}
    assert not [e for e in log if COOP_PHONE in e.target + e.detail]  # the number is gone
    [erasure] = [e for e in log if e.detail.startswith("Data pribadi erased dihapus")]
    assert erasure.target == "erased" and erasure.who == "admin@dinas.go.id"


def test_retention_empties_old_message_texts_once_a_day(chat, engine) -> None:
    chat.send(COOP_PHONE, "halo")
    clock = {"now": NOW + timedelta(days=200)}
    retention = Retention(engine, 365, lambda: clock["now"])
    assert retention() == {"messages_received": 0, "messages_sent": 0}
    assert retention() is None, "once a day"
    clock["now"] = NOW + timedelta(days=366)
    counts = retention()
    assert counts["messages_received"] == 1 and counts["messages_sent"] >= 1
    with transaction(engine) as session:
        stored = session.exec(select(InboundMessage)).one()
        assert stored.body == "" and stored.payload == {} and stored.sid
        assert set(session.exec(select(OutboundMessage.body)).all()) == {""}


def test_database_errors_never_log_their_parameters(engine, caplog) -> None:
    with (caplog.at_level(logging.ERROR), pytest.raises(Exception) as failed,  # noqa: PT011
          engine.begin() as connection):  # fmt: skip
        connection.execute(text("SELECT * FROM no_such_table WHERE phone = :phone"),
                           {"phone": COOP_PHONE})  # fmt: skip
    assert COOP_PHONE not in str(failed.value) and "hidden" in str(failed.value)
