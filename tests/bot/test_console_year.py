"""The console's side of the department's year (both backends): the receptionist registers a
walk-in and hands over the survey; the expert's prescription reaches the cooperative by
WhatsApp; a walk-in and an E-Klinik session of one year are two services, one per channel,
on the Laporan page and in all four files; leaders read the report and nothing else."""

import csv
import io
import json
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import select

from bot.console.auth import hash_password
from storage.db import transaction
from storage.models import Booking, SkmAnswer
from storage.users import save_user
from tests.helpers import (
    NOW,
    PASSWORD,
    SRI,
    WhatsApp,
    admin,
    at,
    book,
    log_in,
    messages_to,
    post,
)

WALK_IN_PHONE = "+6281377778888"


@pytest.fixture
def desk(app, engine):
    clock = {"now": NOW}
    app.extensions["clock"] = lambda: clock["now"]
    with transaction(engine) as session:
        save_user(session, "admin@dinas.go.id", hash_password(PASSWORD), "admin", "Rina")
        save_user(session, "resepsionis@dinas.go.id", hash_password(PASSWORD), "receptionist",
                  "Dewi")  # fmt: skip
        save_user(session, "kadis@dinas.go.id", hash_password(PASSWORD), "leadership", "Kadis")
    return clock


def _register(client, **changes: str):
    form = {"cooperative": "Koperasi Tani Makmur", "kecamatan": "Balaraja", "kind": "produsen",
            "contact": "Pak Joko", "role": "ketua", "phone": "0813-7777-8888",
            "topic": "usaha", "area": "ekonomi", "expert_phone": SRI,
            "problem": "Harga gabah jatuh, anggota menjual ke tengkulak."}  # fmt: skip
    return post(client, "/admin/visits/new", "/admin/visits/new", **{**form, **changes})


def test_the_receptionist_registers_a_walk_in_and_the_prescription_reaches_it(app, engine,
                                                                             desk) -> None:
    client = app.test_client()
    log_in(client, "resepsionis@dinas.go.id")
    refused = _register(client, kecamatan="", problem="rugi")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Kecamatan &#34;-&#34; tidak dikenal" in page and "Uraian masalah wajib diisi" in page
    assert 'value="Koperasi Tani Makmur"' in page  # what was typed stays
    done = _register(client)
    page = done.get_data(as_text=True)
    assert "Kunjungan EK-0001 dicatat; Ir. Sri diberi tahu lewat WhatsApp." in page
    assert "Tatap muka" in page and "kunjungan langsung" in page
    assert "<dd>Ekonomi (eksternal) — Harga gabah jatuh" in page
    assert 'href="/admin/skm/EK-0001"' in page  # the desk may hand the survey over
    [notice] = messages_to(engine, SRI, "expert_visit")
    assert "Koperasi Tani Makmur" in notice.body

    # found again by its number, then the search offers it
    found = client.get("/admin/visits/new?q=0813 7777 8888").get_data(as_text=True)
    assert "Koperasi Tani Makmur" in found and "Pilih" in found

    desk["now"] = NOW + timedelta(minutes=45)
    whatsapp = WhatsApp(app.test_client())
    whatsapp.send(SRI, "RESEP EK-0001 Jual bersama lewat koperasi, cari pembeli tetap.")
    assert [m.kind for m in messages_to(engine, WALK_IN_PHONE)] == ["prescription_notice",
                                                                    "follow_up"]  # fmt: skip
    whatsapp.send(WALK_IN_PHONE, "siap pak")
    [prescription] = messages_to(engine, WALK_IN_PHONE, "prescription")
    assert "cari pembeli tetap" in prescription.body

    # the survey on the tablet: nine questions in the regulation's words, one may be skipped
    survey = client.get("/admin/skm/EK-0001").get_data(as_text=True)
    assert survey.count('type="radio"') == 36 and "Sangat sesuai" in survey and "Gratis" in survey
    assert "Permintaan</a>" not in survey and "Keluar" not in survey  # no menu on the tablet
    answers = {element: "4" for element in ("persyaratan", "prosedur", "waktu", "biaya",
                                            "produk", "kompetensi", "perilaku", "sarana")}
    thanks = post(client, "/admin/skm/EK-0001", "/admin/skm/EK-0001", comment="Membantu sekali",
                  **answers).get_data(as_text=True)  # fmt: skip
    assert "Jawaban survei tercatat" in thanks
    again = client.get("/admin/skm/EK-0001").get_data(as_text=True)
    assert "sudah tercatat" in again and 'type="radio"' not in again
    with transaction(engine) as session:
        answer = session.exec(select(SkmAnswer)).one()
        assert answer.sarana == 4 and answer.pengaduan is None
        assert answer.comment == "Membantu sekali"


def test_a_busy_expert_is_refused_on_the_form(app, engine, desk) -> None:
    client = app.test_client()
    log_in(client, "resepsionis@dinas.go.id")
    _register(client)
    again = _register(client, cooperative="Koperasi Lain")
    assert again.status_code == 409 and "sedang ada sesi" in again.get_data(as_text=True)


def test_a_walk_in_and_a_session_are_two_services_one_per_channel(app, engine, desk) -> None:
    whatsapp = WhatsApp(app.test_client())
    book(whatsapp)  # EK-0001 by chat for Monday 30 November 10.00
    assert "terkonfirmasi" in admin(whatsapp, "KONFIRMASI EK-0001 https://zoom.us/j/555")
    client = app.test_client()
    log_in(client, "resepsionis@dinas.go.id")
    desk["now"] = at("2026-11-27 13:00")
    _register(client)  # EK-0002, face to face, today
    desk["now"] = at("2026-11-30 11:00")
    assert "sudah berlangsung" in whatsapp.send(SRI, "SELESAI EK-0001")[0]
    assert "sudah berlangsung" in whatsapp.send(SRI, "SELESAI EK-0002")[0]

    leader = app.test_client()
    assert log_in(leader, "kadis@dinas.go.id").location.endswith("/admin/report")
    assert leader.get("/admin/").status_code == 403
    assert leader.get("/admin/booking/EK-0001").status_code == 403
    page = leader.get("/admin/report?year=2026").get_data(as_text=True)
    assert '<strong data-figure="services">2</strong>' in page
    assert "E-Klinik (Zoom)</td><td class=\"num\">1" in page
    assert "Tatap muka</td><td class=\"num\">1" in page and "<svg" in page
    assert "Simpan target" not in page  # leaders read only
    assert leader.post("/admin/report/target", data={"year": "2026"}).status_code in (400, 403)

    files = {kind: leader.get(f"/admin/report/2026.{kind}") for kind in
             ("json", "csv", "xlsx", "pdf")}  # fmt: skip
    assert all(response.status_code == 200 for response in files.values())
    report = json.loads(files["json"].data)
    assert (report["services"], report["by_channel"]) == (2, {"online": 1, "office": 1})
    lines = list(csv.DictReader(io.StringIO(files["csv"].data.decode("utf-8-sig"))))
    assert sorted(line["saluran"] for line in lines) == ["office", "online"]
    book_ = load_workbook(io.BytesIO(files["xlsx"].data))
    rows = {row[0]: row[1] for row in book_["Rincian"].iter_rows(values_only=True) if row[0]}
    assert rows["E-Klinik (Zoom)"] == 1 and rows["Tatap muka"] == 1
    assert {row[0]: row[1] for row in book_["Ringkasan"].iter_rows(values_only=True)
            if row[0]}["Layanan diberikan"] == 2  # fmt: skip
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(files["pdf"].data))
                             .pages).split())  # fmt: skip
    assert "Layanan diberikan 2" in text and "E-Klinik (Zoom) 1" in text and "Tatap muka 1" in text
    assert files["pdf"].headers["Content-Disposition"].endswith('2026.pdf"')

    chief = app.test_client()
    log_in(chief)
    saved = post(chief, "/admin/report/target", "/admin/report?year=2026", year="2026",
                 services="120").get_data(as_text=True)  # fmt: skip
    assert "Target 2026: 120 layanan." in saved and '<strong data-figure="target">120' in saved
    bad = post(chief, "/admin/report/target", "/admin/report", year="2026", services="banyak")
    assert "Target harus angka" in bad.get_data(as_text=True)
    assert chief.get("/admin/report?year=1999").status_code == 302
    assert chief.get("/admin/report/2026.exe").status_code == 404
    with transaction(engine) as session:
        assert {b.channel for b in session.exec(select(Booking))} == {"online", "office"}

