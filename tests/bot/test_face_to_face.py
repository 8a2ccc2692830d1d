"""A cooperative booking by chat may meet the expert face to face at the office (both
backends): it says so with the time, the summary shows it, the administrator confirms without
a meeting link, and the confirmation, the reminders and the expert's notice give the address
instead of a Zoom link; the service counts for the office channel."""

from sqlmodel import select

from storage.db import transaction
from storage.models import Booking
from storage.reports import year_report
from tests.helpers import BOOKING, COOP_PHONE, SRI, WhatsApp, admin, at, messages_to, run_at


def _book_at_the_office(whatsapp: WhatsApp, *when: str) -> str:
    for text_sent, expected in BOOKING[:-1]:
        assert expected in "\n".join(whatsapp.send(COOP_PHONE, text_sent)), text_sent
    replies = []
    for text_sent in when:
        replies = whatsapp.send(COOP_PHONE, text_sent)
    return "\n".join(replies)


def test_a_face_to_face_appointment_gets_the_address_instead_of_a_link(app, engine) -> None:
    app.extensions["clock"] = lambda: at("2026-11-27 10:00")
    whatsapp = WhatsApp(app.test_client())
    summary = _book_at_the_office(whatsapp, "senin depan jam 10 tatap muka aja")
    assert "Cara: Tatap muka di kantor Dinas" in summary and "Mohon periksa data" in summary
    assert "*EK-0001*" in whatsapp.send(COOP_PHONE, "YA")[0]
    # Ir. Sri has no standing Zoom link: a face-to-face session needs none
    reply = admin(whatsapp, "KONFIRMASI EK-0001")
    assert "terkonfirmasi" in reply, reply
    with transaction(engine) as session:
        booking = session.exec(select(Booking)).one()
        assert (booking.channel, booking.status, booking.meeting_link) == ("office", "confirmed",
                                                                           None)  # fmt: skip
    [confirmation] = messages_to(engine, COOP_PHONE, "confirmation")
    assert "Tempat: tatap muka di Kantor Dinas Koperasi" in confirmation.body
    assert "Zoom" not in confirmation.body
    assert "Tempat: tatap muka" in confirmation.variables["4"]  # the template says it too
    [notice] = messages_to(engine, SRI, "expert_notice")
    assert "Tempat: tatap muka" in notice.body and "Zoom" not in notice.body
    run_at(app, at("2026-11-30 09:10"))  # the hour before (the day before was Sunday's Friday)
    reminders = [m for m in messages_to(engine, COOP_PHONE) if m.kind.startswith("reminder")]
    assert reminders and all("Tempat: tatap muka" in m.body for m in reminders)
    app.extensions["clock"] = lambda: at("2026-11-30 11:00")
    assert "sudah berlangsung" in whatsapp.send(SRI, "SELESAI EK-0001")[0]
    with transaction(engine) as session:
        assert year_report(session, 2026)["by_channel"] == {"online": 0, "office": 1}


def test_the_place_alone_is_kept_and_the_time_asked_again(app, engine) -> None:
    app.extensions["clock"] = lambda: at("2026-11-27 10:00")
    whatsapp = WhatsApp(app.test_client())
    said = _book_at_the_office(whatsapp, "tatap muka di kantor aja")
    assert "Baik, tatap muka di kantor Dinas" in said and "Kapan Anda ingin" in said
    summary = "\n".join(whatsapp.send(COOP_PHONE, "senin depan jam 10"))
    assert "Cara: Tatap muka di kantor Dinas" in summary
    whatsapp.send(COOP_PHONE, "UBAH")
    whatsapp.send(COOP_PHONE, "jadwal")
    summary = "\n".join(whatsapp.send(COOP_PHONE, "senin depan jam 11 lewat zoom"))
    assert "Cara: Zoom (E-Klinik)" in summary
    whatsapp.send(COOP_PHONE, "YA")
    with transaction(engine) as session:
        assert session.exec(select(Booking.channel)).one() == "online"
