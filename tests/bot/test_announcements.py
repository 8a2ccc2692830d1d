"""Announcements to a group of cooperatives: exactly the right numbers (a kecamatan, an open
case, a period), never one that said STOP; text inside WhatsApp's 24 hours, the template
outside it; through the outbox and the fake of Twilio's API, with the console's counts."""

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.app import create_app
from bot.console.auth import hash_password
from bot.outbound.sender import deliver_due
from storage.bookings import new_booking, save_new
from storage.db import transaction
from storage.models import AuditEntry, Case, Cooperative, OutboundMessage
from storage.users import save_user
from tests.fakes import ACCOUNT, SENDER
from tests.helpers import (
    AUTH_TOKEN,
    NOW,
    PASSWORD,
    PRODUCTION,
    WhatsApp,
    answers,
    log_in,
    post,
)

CIKUPA = ["+6281200000001", "+6281200000002", "+6281200000003"]
PASAR_KEMIS = "+6281200000004"
TEXT = "Pelatihan RAT untuk pengurus koperasi pada Kamis, 10 Desember 2026 pukul 09.00 WIB."
TEMPLATE = "HX" + "2" * 32


def _book(engine, phone: str, name: str, kecamatan: str, when=NOW) -> None:
    with transaction(engine) as session:
        booking = new_booking(session, phone, {**answers("2026-12-01 10:00", name=name),
                                               "kecamatan": kecamatan})  # fmt: skip
        booking.created_at = when
        save_new(session, booking)


def _app(db_url, twilio_url: str, **config):
    app = create_app({**PRODUCTION, "DATABASE_URL": db_url, "TWILIO_ACCOUNT_SID": ACCOUNT,
                      "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_WHATSAPP_FROM": SENDER,
                      "TWILIO_API_BASE_URL": twilio_url, **config})  # fmt: skip
    app.extensions["clock"] = lambda: NOW
    return app


@pytest.fixture
def clinic(engine, db_url, fake_twilio):
    """Three cooperatives in Cikupa (the third said STOP) and one in Pasar Kemis, all of
    which wrote this morning; an administrator logged in to the console."""
    app = _app(db_url, fake_twilio.url)
    whatsapp = WhatsApp(app.test_client())
    for n, phone in enumerate(CIKUPA, 1):
        _book(engine, phone, f"KSP Cikupa {n}", "Cikupa")
    _book(engine, PASAR_KEMIS, "KSP Pasar Kemis", "Pasar Kemis")
    for phone in [*CIKUPA, PASAR_KEMIS]:
        whatsapp.send(phone, "halo")
    whatsapp.send(CIKUPA[2], "STOP")
    with transaction(engine) as session:
        save_user(session, "admin@dinas.go.id", hash_password(PASSWORD), "admin", "Rina")
    console = app.test_client()
    log_in(console)
    yield app, console
    app.extensions["engine"].dispose()


def _announce(console, send: bool = True, **form) -> str:
    fields = {"text": TEXT, "audience": "kecamatan", "kecamatan": "Cikupa", "since": "",
              "until": "", **form, "send": "1" if send else "0"}  # fmt: skip
    return post(console, "/admin/announcements", "/admin/announcements", **fields).get_data(
        as_text=True)  # fmt: skip


def _rows(engine) -> list[OutboundMessage]:
    with transaction(engine) as session:
        query = select(OutboundMessage).where(OutboundMessage.kind == "announcement")
        return list(session.exec(query.order_by(OutboundMessage.to_phone)).all())


def test_an_announcement_to_a_kecamatan_reaches_exactly_its_cooperatives(
    clinic, engine, fake_twilio
) -> None:
    app, console = clinic
    preview = _announce(console, send=False)
    assert ("Akan dikirim ke 2 nomor: 2 sebagai pesan biasa, 0 sebagai templat ANNOUNCEMENT. "
            "Tidak dikirim: 1 nomor STOP.") in preview  # fmt: skip
    assert _rows(engine) == []  # a preview queues nothing
    done = _announce(console)
    assert "📢 Pengumuman dikirim ke 2 nomor" in done
    assert [row.to_phone for row in _rows(engine)] == CIKUPA[:2]
    deliver_due(app.extensions["engine"], app.extensions["messenger"], NOW,
                policy=app.extensions["send_policy"])  # fmt: skip
    received = [m for m in fake_twilio.received if TEXT in m.get("Body", "")]
    assert sorted(m["To"] for m in received) == [f"whatsapp:{p}" for p in CIKUPA[:2]]
    assert received[0]["Body"].startswith("📢 *Pengumuman Dinas Koperasi dan UKM")
    status = WhatsApp(app.test_client(), url="http://localhost/whatsapp/status")
    first, second = _rows(engine)
    for sid, state in [(first.sid, "delivered"), (second.sid, "read")]:
        form = {"MessageSid": sid, "MessageStatus": state}
        signature = status.validator.compute_signature(status.url, form)
        response = app.test_client().post("/whatsapp/status", data=form,
                                          headers={"X-Twilio-Signature": signature})  # fmt: skip
        assert response.status_code == 204
    page = console.get("/admin/announcements").get_data(as_text=True)
    assert "Koperasi di satu kecamatan: Cikupa" in page and "Penerima 2" in page
    assert "Terkirim 2 · sampai 2 · dibaca 1 · gagal 0 · menunggu 0" in page
    with transaction(engine) as session:
        logged = session.exec(select(AuditEntry).where(AuditEntry.action == "announce")).all()
    assert len(logged) == 1 and "2 nomor" in logged[0].detail  # the preview was no action


def test_outside_the_24_hours_the_template_goes_or_the_number_is_left_out(
    engine, db_url, fake_twilio
) -> None:
    _book(engine, CIKUPA[0], "KSP Lama", "Cikupa")  # booked, never wrote on WhatsApp
    with transaction(engine) as session:
        save_user(session, "admin@dinas.go.id", hash_password(PASSWORD), "admin", "Rina")
    bare = _app(db_url, fake_twilio.url)
    console = bare.test_client()
    log_in(console)
    preview = _announce(console, send=False)
    assert "1 nomor di luar 24 jam karena templat ANNOUNCEMENT belum disetujui" in preview
    assert "Tidak ada nomor yang dapat menerima pengumuman ini." in preview
    bare.extensions["engine"].dispose()

    app = _app(db_url, fake_twilio.url, TWILIO_CONTENT_SIDS={"ANNOUNCEMENT": TEMPLATE})
    console = app.test_client()
    log_in(console)
    too_long = _announce(console, text="Pelatihan " * 30)
    assert "Persingkat pengumumannya." in too_long and _rows(engine) == []
    assert "0 sebagai pesan biasa, 1 sebagai templat ANNOUNCEMENT" in _announce(console, False)
    _announce(console)
    deliver_due(app.extensions["engine"], app.extensions["messenger"], NOW,
                policy=app.extensions["send_policy"])  # fmt: skip
    sent = fake_twilio.received[-1]
    assert sent["To"] == f"whatsapp:{CIKUPA[0]}" and sent["ContentSid"] == TEMPLATE
    assert json.loads(sent["ContentVariables"]) == {"1": TEXT}
    app.extensions["engine"].dispose()


def test_open_cases_and_a_period_choose_their_own_numbers(clinic, engine) -> None:
    _app_, console = clinic
    with transaction(engine) as session:
        query = select(Cooperative).where(Cooperative.kecamatan == "Pasar Kemis")
        kemis = session.exec(query).one()
        case = session.exec(select(Case).where(Case.cooperative_id == kemis.id)).one()
        case.status = "closed"
    assert "Akan dikirim ke 2 nomor" in _announce(console, False, audience="open_case")
    assert "Akan dikirim ke 3 nomor" in _announce(console, False, audience="all")
    _book(engine, "+6281200000009", "KSP Baru", "Legok", when=NOW + timedelta(days=3))
    in_period = _announce(console, False, audience="period", since="2026-11-30",
                          until="2026-11-30")  # fmt: skip
    assert "Tidak ada nomor yang dapat menerima" in in_period  # the one who booked never wrote
    assert "1 nomor di luar 24 jam" in in_period


@pytest.mark.parametrize(("form", "told"), [
    ({"audience": "kecamatan", "kecamatan": ""}, "Pilih kecamatannya."),
    ({"audience": "period", "since": "2026-12-05", "until": "2026-12-01"}, "Isi periode"),
    ({"audience": "semua"}, "Pilih kelompok penerima."),
    ({"text": "Halo"}, "terlalu pendek"),
])  # fmt: skip
def test_a_form_that_cannot_be_sent_says_why_and_sends_nothing(clinic, engine, form, told):
    _app_, console = clinic
    assert told in _announce(console, **form)
    assert _rows(engine) == []
