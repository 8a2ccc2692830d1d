"""Face-to-face services (both backends): a walk-in registered at the office is a session with
its code and expert; the expert's prescription and the satisfaction question reach the
cooperative by WhatsApp as after a Zoom session; past services are imported all or nothing."""

from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.lifecycle import Acting
from bot.lifecycle.sessions import Refused
from bot.lifecycle.visits import import_past, register
from bot.meetings import Prepared
from flows.lifecycle import Actor
from flows.services import Unreadable, read_service, row_fields
from storage.db import transaction
from storage.models import (
    Booking,
    BookingEvent,
    Case,
    Cooperative,
    CooperativeNumber,
    SkmAnswer,
)
from storage.services import find_cooperatives
from tests.helpers import COOP_PHONE, NOW, SRI, WhatsApp, at, messages_to, run_at

WALK_IN = {"cooperative": "Koperasi Sejahtera Bersama", "kecamatan": "ps kemis",
           "topic": "keuangan", "problem": "Laporan keuangan tidak pernah seimbang.",
           "expert_phone": "0811-0000-0003", "phone": "0812 3456 7890", "kind": "ksp",
           "area": "keuangan", "contact": "Bu Rini", "role": "bendahara"}  # fmt: skip


def acting(app, session, now=NOW) -> Acting:
    settings = app.extensions["settings"]
    return Acting(session, Actor.ADMINISTRATOR, "resepsionis@dinas.go.id", now, settings,
                  Prepared(settings.meetings))  # fmt: skip


def walk_in(app, engine, now=NOW, **changes: str) -> str:
    with transaction(engine) as session:
        act = acting(app, session, now)
        return register(act, read_service({**WALK_IN, **changes}, now)).code


def test_a_walk_in_is_a_session_and_its_prescription_reaches_the_cooperative(app, engine) -> None:
    clock = {"now": NOW}
    app.extensions["clock"] = lambda: clock["now"]
    code = walk_in(app, engine)
    assert code == "EK-0001"
    with transaction(engine) as session:
        booking = session.exec(select(Booking)).one()
        assert (booking.status, booking.channel, booking.origin) == ("confirmed", "office",
                                                                     "walk_in")  # fmt: skip
        assert booking.requested_start == NOW and booking.expert.phone == SRI
        assert booking.cooperative.kecamatan == "Pasar Kemis" and booking.cooperative.kind == "ksp"
        assert booking.case_id is not None and booking.contact_role == "bendahara"
        [event] = session.exec(select(BookingEvent)).all()
        assert event.action == "walk-in" and event.actor == "resepsionis@dinas.go.id"
        linked = session.get(CooperativeNumber, (booking.cooperative_id, COOP_PHONE))
        assert linked is not None and linked.status == "linked"
    [notice] = messages_to(engine, SRI, "expert_visit")
    assert "Tamu tatap muka *EK-0001*" in notice.body
    assert "Koperasi Sejahtera Bersama" in notice.body
    assert "RESEP EK-0001" in notice.body
    assert messages_to(engine, COOP_PHONE) == []  # the cooperative is at the office

    whatsapp = WhatsApp(app.test_client())
    clock["now"] = NOW + timedelta(minutes=40)
    assert "sudah berlangsung" in whatsapp.send(SRI, "SELESAI EK-0001")[0]
    reply = whatsapp.send(SRI, "RESEP EK-0001 Susun neraca bulanan dan rekonsiliasi kas.")[0]
    assert "tersimpan" in reply
    # the cooperative has not written on WhatsApp: the notice first, the text when it replies
    assert [m.kind for m in messages_to(engine, COOP_PHONE)] == ["prescription_notice",
                                                                  "follow_up"]  # fmt: skip
    clock["now"] = NOW + timedelta(hours=2)
    whatsapp.send(COOP_PHONE, "baik pak")
    [prescription] = messages_to(engine, COOP_PHONE, "prescription")
    assert "rekonsiliasi kas" in prescription.body
    run_at(app, at("2026-11-30 10:00"))  # the next working day: the satisfaction question
    [survey] = messages_to(engine, COOP_PHONE, "follow_up")
    assert survey.status == "delivered" and "EK-0001" in survey.body
    clock["now"] = at("2026-11-30 10:05")
    assert "5/5" in whatsapp.send(COOP_PHONE, "5")[0]
    assert "Survei Kepuasan Masyarakat" in "\n".join(whatsapp.send(COOP_PHONE, "sudah"))
    assert "*Survei 1/9.*" in whatsapp.send(COOP_PHONE, "ya")[0]
    for answer in ["4", "3", "sangat cepat", "gratis", "4", "lewati", "4", "3"]:
        whatsapp.send(COOP_PHONE, answer)
    assert "saran atau masukan" in whatsapp.send(COOP_PHONE, "sangat baik")[0]
    whatsapp.send(COOP_PHONE, "Parkir kantor penuh")
    with transaction(engine) as session:
        booking = session.exec(select(Booking)).one()
        assert booking.status == "done" and booking.satisfaction == 5 and booking.solved
        answer = session.get(SkmAnswer, booking.id)
        assert (answer.persyaratan, answer.waktu, answer.kompetensi, answer.sarana) == (4, 4,
                                                                                       None, 4)
        assert answer.comment == "Parkir kantor penuh"


def test_a_walk_in_without_a_number_sends_the_cooperative_nothing(app, engine) -> None:
    app.extensions["clock"] = lambda: NOW + timedelta(minutes=30)
    walk_in(app, engine, phone="", area="")
    [notice] = messages_to(engine, SRI, "expert_visit")
    assert "Masalah: tidak dicatat — Laporan keuangan" in notice.body
    WhatsApp(app.test_client()).send(SRI, "RESEP EK-0001 Bentuk tim penagihan dan catat kas.")
    with transaction(engine) as session:
        booking = session.exec(select(Booking)).one()
        assert booking.status == "done" and booking.phone == ""
    assert messages_to(engine, "") == []


def test_an_expert_in_another_session_is_refused_and_nothing_is_stored(app, engine) -> None:
    walk_in(app, engine)
    with pytest.raises(Refused, match="sedang ada sesi \\*EK-0001\\*"):
        walk_in(app, engine, NOW + timedelta(minutes=10), cooperative="Koperasi Lain Lagi")
    with transaction(engine) as session:
        assert len(session.exec(select(Booking)).all()) == 1
        names = session.exec(select(Cooperative.name)).all()
        assert names == ["Koperasi Sejahtera Bersama"]
        assert len(session.exec(select(Case)).all()) == 1
    with pytest.raises(Refused, match="Tidak ada tenaga ahli aktif"):
        walk_in(app, engine, expert_phone="081299998888")


def test_the_same_cooperative_is_found_by_nik_name_or_number(app, engine) -> None:
    nik = "3603123456789012"
    walk_in(app, engine, nik=nik)
    walk_in(app, engine, NOW + timedelta(hours=2), cooperative="KOPERASI SEJAHTERA BERSAMA",
            phone="")  # fmt: skip
    walk_in(app, engine, NOW + timedelta(hours=4), cooperative="Nama Lama di Kertas", nik=nik,
            phone="")  # fmt: skip
    with transaction(engine) as session:
        [cooperative] = session.exec(select(Cooperative)).all()
        assert cooperative.nik == nik and cooperative.name == "Koperasi Sejahtera Bersama"
        for text in (nik, "sejahtera", "0812-3456-7890", "+62 812 3456 7890"):
            assert [c.id for c in find_cooperatives(session, text)] == [cooperative.id], text
        assert find_cooperatives(session, "tidak ada") == []


@pytest.mark.parametrize(("changes", "says"), [
    ({"cooperative": " "}, "Nama koperasi wajib diisi"),
    ({"kecamatan": "Bandung"}, 'Kecamatan "Bandung" tidak dikenal'),
    ({"topic": "3"}, 'Topik "3" tidak dikenal'),
    ({"problem": "rugi"}, "Uraian masalah wajib diisi"),
    ({"nik": "12345"}, "16 angka"),
    ({"phone": "12"}, 'Nomor telepon "12"'),
    ({"at": "kemarin sore"}, 'Waktu "kemarin sore"'),
    ({"at": "2026-11-28T10:00"}, "belum lewat"),
    ({"at": "besok jam 10"}, "belum lewat"),
    ({"at": "jam 11"}, "belum lewat"),
    ({"expert_phone": ""}, "Pilih tenaga ahli"),
])  # fmt: skip
def test_what_staff_write_is_read_or_refused_clearly(changes, says) -> None:
    with pytest.raises(Unreadable) as refused:
        read_service({**WALK_IN, **changes}, NOW)
    assert any(says in problem for problem in refused.value.problems), refused.value.problems


@pytest.mark.parametrize(("typed", "meant"), [
    ("09.30", "2026-11-27 09:30"), ("jam 8", "2026-11-27 08:00"),
    ("kemarin jam 14", "2026-11-26 14:00"), ("2026-11-27T07:15", "2026-11-27 07:15"),
    ("2026-11-27T00:15:00+00:00", "2026-11-27 07:15"),
])  # fmt: skip
def test_the_receptionist_writes_the_time_as_people_say_it(typed, meant) -> None:
    assert read_service({**WALK_IN, "at": typed}, NOW).at == at(meant)


PAST = {"tanggal": "12/03/2024", "saluran": "Tatap muka", "koperasi": "KUD Mekar",
        "kecamatan": "Cisoka", "topik": "kelembagaan", "masalah": "AD/ART belum disesuaikan.",
        "tenaga_ahli": "Pak Darto", "hasil": "hadir", "kepuasan": "4",
        "teratasi": "ya"}  # fmt: skip


def test_past_services_are_imported_all_or_nothing(app, engine) -> None:
    good = [(2, PAST), (3, {**PAST, "tanggal": "2023-08-01", "saluran": "zoom",
                            "tenaga_ahli": SRI, "hasil": "tidak hadir", "kepuasan": ""})]
    bad = [*good, (4, {**PAST, "kecamatan": "Atlantis", "kepuasan": "9"})]
    with transaction(engine) as session:
        done = import_past(acting(app, session), ((line, row_fields(row)) for line, row in bad))
    assert done.codes == [] and [line for line, _problems in done.bad] == [4]
    assert len(done.bad[0][1]) == 2  # both problems of the row named
    with transaction(engine) as session:
        assert session.exec(select(Booking)).all() == []
        assert session.exec(select(Cooperative)).all() == []
    with transaction(engine) as session:
        done = import_past(acting(app, session), ((line, row_fields(row)) for line, row in good))
    assert done.codes == ["EK-0001", "EK-0002"] and done.bad == []
    with transaction(engine) as session:
        first, second = session.exec(select(Booking).order_by(col(Booking.id))).all()
        assert (first.status, first.channel, first.origin) == ("done", "office", "import")
        assert first.requested_start == at("2024-03-12 09:00") and first.satisfaction == 4
        assert first.solved is True and first.details == {"expert_name": "Pak Darto"}
        assert (second.status, second.channel, second.expert.phone) == ("no_show", "online", SRI)
        assert first.case.status == "closed" and first.cooperative_id == second.cooperative_id


def test_the_experts_day_shows_a_walk_in_at_the_office(app, engine) -> None:
    app.extensions["clock"] = lambda: NOW
    walk_in(app, engine)
    reply = WhatsApp(app.test_client()).send(SRI, "JADWAL")[0]
    assert "EK-0001 Koperasi Sejahtera Bersama" in reply and "Tatap muka" in reply
    assert "None" not in reply


def test_erasing_the_number_keeps_the_survey_levels_and_drops_its_comment(app, engine) -> None:
    from storage.privacy import erase, export
    from storage.skm import save_answers

    walk_in(app, engine)
    with transaction(engine) as session:
        booking = session.exec(select(Booking)).one()
        save_answers(session, booking.id, {"waktu": 4, "sarana": 2}, "Saya Rini, bendahara",
                     NOW)  # fmt: skip
    with transaction(engine) as session:
        held = export(session, COOP_PHONE)
        assert held["bookings"][0]["survey"]["comment"] == "Saya Rini, bendahara"
        assert held["bookings"][0]["channel"] == "office"
        erase(session, COOP_PHONE)
    with transaction(engine) as session:
        answer = session.exec(select(SkmAnswer)).one()
        assert (answer.waktu, answer.sarana, answer.comment) == (4, 2, None)
