"""The department's year (both backends): a seeded 2026 with known numbers — both channels,
several topics and kecamatan, a no-show, a follow-up case, a returning cooperative, SKM
answers — checked figure by figure in the JSON, the Excel file (read back with openpyxl),
the PDF (its text extracted with pypdf) and the CSV."""

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.lifecycle import Acting, Change, apply, cases
from bot.lifecycle.sessions import take
from bot.lifecycle.visits import import_past, register
from bot.meetings import Prepared
from bot.reports import as_csv, as_pdf, as_xlsx, export_report
from flows.lifecycle import Actor, Event
from flows.services import read_service, row_fields
from storage.bookings import new_booking
from storage.db import transaction
from storage.models import SkmAnswer
from storage.reports import year_report
from storage.services import set_target
from tests.helpers import AHMAD, SRI, answers, at, eklinik

MADE = datetime(2026, 12, 2, 8, tzinfo=UTC)
GAMMA_NIK = "3603000011112222"


def _act(app, session, when: datetime, actor=Actor.ADMINISTRATOR) -> Acting:
    settings = app.extensions["settings"]
    return Acting(session, actor, "seed", when, settings, Prepared(settings.meetings))


def _chat(app, session, phone: str, name: str, kind: str, kecamatan: str, topic: str,
          area: str, created: str, start: str, confirmed: str | None,
          nik: str | None = None):  # fmt: skip
    """A chat request made at `created` for `start`, confirmed with the topic's expert."""
    booking = new_booking(session, phone, {**answers(start, topic, name), "coop_kind": kind,
                                           "kecamatan": kecamatan, "problem_area": area,
                                           "nik": nik})  # fmt: skip
    booking.created_at = booking.updated_at = at(created)
    booking.case.opened_at = at(created)
    apply(_act(app, session, at(created), Actor.COOPERATIVE), booking, Event.REQUEST)
    if confirmed:
        take(_act(app, session, at(confirmed)), booking, Event.CONFIRM, at(start),
             url="https://zoom.us/j/123456")  # fmt: skip
    return booking


def _held(app, session, booking, when: str, prescription: str | None = None) -> None:
    expert = _act(app, session, at(when), Actor.EXPERT)
    apply(expert, booking, Event.HOLD)
    if prescription:
        apply(expert, booking, Event.PRESCRIBE, Change(text=prescription))


def _skm(session, booking, when: str, *levels: int) -> None:
    session.add(SkmAnswer(booking_id=booking.id, answered_at=at(when),
                          **dict(zip(["persyaratan", "prosedur", "waktu", "biaya", "produk",
                                      "kompetensi", "perilaku", "pengaduan", "sarana"],
                                     levels, strict=True))))  # fmt: skip


def seed(app, engine) -> None:
    with transaction(engine) as session:
        # 2025, from the paper records: Koperasi Gamma was served before
        past = {"tanggal": "2025-05-05", "saluran": "tatap muka", "koperasi": "Koperasi Gamma",
                "nomor_induk": GAMMA_NIK,
                "jenis": "kud", "kecamatan": "Cikupa", "topik": "usaha",
                "masalah": "Penjualan hasil panen menurun."}  # fmt: skip
        assert import_past(_act(app, session, at("2026-01-02 08:00")),
                           [(2, row_fields(past))]).codes  # fmt: skip
        set_target(session, 2026, 10, "seed", at("2026-01-02 08:00"))

        # A: chat, finance, confirmed after 2 days, held, prescribed, rated 4, solved
        a = _chat(app, session, "+6281200000001", "Koperasi Alpha", "ksp", "Cikupa", "keuangan",
                  "keuangan", "2026-02-02 09:00", "2026-02-10 10:00", "2026-02-04 09:00")
        _held(app, session, a, "2026-02-10 11:00", "Rekonsiliasi kas tiap bulan.")
        now = _act(app, session, at("2026-02-20 09:00"), Actor.COOPERATIVE)
        cases.rate(replace(now, who=a.phone), a, 4)
        cases.answer(replace(now, who=a.phone), a, solved=True)
        _skm(session, a, "2026-02-21 10:00", 4, 4, 4, 4, 4, 4, 4, 4, 4)
        # B: chat, institutions, confirmed after 4 days, the cooperative did not come
        b = _chat(app, session, "+6281200000002", "Koperasi Beta", "konsumen", "Legok",
                  "kelembagaan", "tata_kelola", "2026-06-01 09:00", "2026-06-15 10:00",
                  "2026-06-05 09:00")  # fmt: skip
        apply(_act(app, session, at("2026-06-15 10:30"), Actor.EXPERT), b, Event.NO_SHOW)
        # C: chat, business, Gamma again (returning), confirmed after 1 day, rated 2, unsolved
        c = _chat(app, session, "+6281200000003", "Koperasi Gamma", "kud", "Cikupa", "usaha",
                  "ekonomi", "2026-09-01 09:00", "2026-09-07 10:00", "2026-09-02 09:00", GAMMA_NIK)
        _held(app, session, c, "2026-09-07 11:00", "Cari pembeli di luar kecamatan.")
        now = _act(app, session, at("2026-09-09 09:00"), Actor.COOPERATIVE)
        cases.rate(replace(now, who=c.phone), c, 2)
        cases.answer(replace(now, who=c.phone), c, solved=False)
        _skm(session, c, "2026-09-10 10:00", 3, 3, 3, 3, 3, 3, 3, 3, 3)
        # D: a request still waiting (in December): requested only
        _chat(app, session, "+6281200000004", "Koperasi Delta", "jasa", "Kosambi", "usaha",
              "sosial", "2026-12-01 09:00", "2026-12-10 10:00", None)
        # E: Alpha walks in (found by name and kecamatan), institutions with Dr. Ahmad
        walk = {"cooperative": "koperasi alpha", "kecamatan": "Cikupa", "topic": "kelembagaan",
                "area": "tata kelola", "problem": "Pengurus belum menjalankan RAT tahunan.",
                "expert_phone": AHMAD}  # fmt: skip
        when = at("2026-03-03 10:00")
        e = register(_act(app, session, when), read_service({**walk}, when))
        _held(app, session, e, "2026-03-03 10:45")
        # F: a new cooperative walks in without its type, finance with Ir. Sri, prescribed
        walk = {"cooperative": "Koperasi Epsilon", "kecamatan": "Pasar Kemis",
                "topic": "keuangan", "area": "sosial", "problem": "Anggota enggan menabung.",
                "expert_phone": SRI, "phone": "081200000006"}  # fmt: skip
        when = at("2026-10-05 13:00")
        f = register(_act(app, session, when), read_service(walk, when))
        _held(app, session, f, "2026-10-05 13:50", "Adakan penyuluhan manfaat simpanan.")


EXPECTED = {
    "year": 2026, "target": 10, "services": 4, "cooperatives": 3, "realisation_percent": 40.0,
    "by_channel": {"online": 2, "office": 2},
    "by_topic": {"kelembagaan": 1, "pendampingan": 0, "keuangan": 2, "usaha": 1},
    "by_kecamatan": {"Cikupa": 3, "Pasar Kemis": 1},
    "by_type": {"ksp": 2, "konsumen": 0, "produsen": 0, "pemasaran": 0, "jasa": 0, "kud": 1,
                "kpri": 0, "syariah": 0, "karyawan": 0, "lainnya": 0, "tidak_dicatat": 1},
    "by_problem_area": {
        "internal": {"total": 2, "areas": {"keanggotaan": 0, "manajemen": 0, "keuangan": 1,
                                           "tata_kelola": 1}},
        "external": {"total": 2, "areas": {"sosial": 1, "ekonomi": 1, "budaya": 0}},
        "tidak_dicatat": 0},
    "cooperatives_new_returning": {"new": 2, "returning": 1},
    "funnel": {"requested": 6, "confirmed": 5, "held": 4, "no_show": 1, "prescription": 3,
               "solved": 1},
    "median_days": {"request_to_confirmation": 2.0, "request_to_solved": 18.0},
    "satisfaction": {"average": 3.0, "answers": 2},
    "by_expert": [{"expert": "Ir. Sri", "services": 3}, {"expert": "Dr. Ahmad", "services": 1}],
    "by_period": [{"period": "I", "months": [1, 4], "services": 2, "cooperatives": 1},
                  {"period": "II", "months": [5, 8], "services": 0, "cooperatives": 0},
                  {"period": "III", "months": [9, 12], "services": 2, "cooperatives": 2}],
}  # fmt: skip
IKM = {"respondents": 2, "ikm": 87.5, "grade": "B",
       "nrr": dict.fromkeys(["persyaratan", "prosedur", "waktu", "biaya", "produk",
                             "kompetensi", "perilaku", "pengaduan", "sarana"], 3.5),
       "by_semester": [{"semester": "I", "respondents": 1, "ikm": 100.0, "grade": "A"},
                       {"semester": "II", "respondents": 1, "ikm": 75.0,
                        "grade": "C"}]}  # fmt: skip


@pytest.fixture
def seeded(app, engine):
    seed(app, engine)
    with transaction(engine) as session:
        return year_report(session, 2026)


def test_every_figure_of_the_seeded_year(seeded) -> None:
    for key, value in EXPECTED.items():
        assert seeded[key] == value, key
    assert [row["services"] for row in seeded["monthly"]] == [0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0]
    assert seeded["monthly"][-1]["cumulative"] == 4 and seeded["monthly"][5]["target_line"] == 5
    ikm = seeded["ikm"]
    assert (ikm["respondents"], ikm["ikm"], ikm["grade"], ikm["nrr"]) == (
        IKM["respondents"], IKM["ikm"], IKM["grade"], IKM["nrr"])
    for got, want in zip(ikm["by_semester"], IKM["by_semester"], strict=True):
        assert {key: got[key] for key in want} == want


def test_the_json_is_the_report_and_past_years_count_too(app, engine, seeded) -> None:
    with transaction(engine) as session:
        assert json.loads(export_report(session, 2026, "json", MADE)) == seeded
        earlier = year_report(session, 2025)
    assert (earlier["services"], earlier["by_channel"]["office"], earlier["target"]) == (1, 1, None)


def test_the_excel_file_holds_the_figures_as_numbers(engine, seeded) -> None:
    with transaction(engine) as session:
        book = load_workbook(io.BytesIO(as_xlsx(session, seeded, MADE)))
    assert book.sheetnames == ["Ringkasan", "Rincian", "Layanan"]
    summary = [row for row in book["Ringkasan"].iter_rows(values_only=True) if any(row)]
    assert summary[0][0] == "Dinas Koperasi dan Usaha Mikro Kabupaten Tangerang"
    figures = {row[0]: row[1] for row in summary if len(row) > 1}
    assert figures["Target layanan"] == 10 and figures["Layanan diberikan"] == 4
    assert figures["Koperasi dilayani"] == 3 and figures["Realisasi"] == "40,0%"
    rows = {row[0]: row[1:] for row in book["Rincian"].iter_rows(values_only=True) if row[0]}
    assert rows["E-Klinik (Zoom)"][0] == 2 and rows["Tatap muka"][0] == 2
    assert rows["Cikupa"][0] == 3 and rows["Manajemen dan Keuangan"][0] == 2
    assert rows["Terkonfirmasi"][0] == 5 and rows["Tidak hadir"][0] == 1
    assert rows["IKM"][0] == 87.5 and rows["Mutu"][0] == "B (Baik)"
    assert rows["Oktober"][:2] == (1, 4) and isinstance(rows["Oktober"][0], int)
    services = [row for row in book["Layanan"].iter_rows(values_only=True) if row[0]]
    assert services[3][0] == "kode" and len(services) == 4 + 5  # heading, header, 4 + no-show
    assert sorted(row[2] for row in services[4:]) == ["office", "office", "online", "online",
                                                      "online"]  # fmt: skip


def test_the_pdf_reads_as_the_report(seeded) -> None:
    pages = PdfReader(io.BytesIO(as_pdf(seeded, MADE))).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    for said in ("Dinas Koperasi dan Usaha Mikro Kabupaten Tangerang",
                 "Laporan Klinik Koperasi Tahun 2026", "Target layanan 10",
                 "Layanan diberikan 4", "Realisasi 40,0%", "Koperasi dilayani 3",
                 "E-Klinik (Zoom) 2", "Tatap muka 2", "Pasar Kemis 1", "IKM 87,5",
                 "B (Baik)", "Ir. Sri 3", "Dr. Ahmad 1"):  # fmt: skip
        assert said in text, said


def test_the_csv_lists_every_service_with_its_answers(engine, seeded) -> None:
    with transaction(engine) as session:
        lines = list(csv.DictReader(io.StringIO(as_csv(session, 2026).decode("utf-8-sig"))))
    assert [line["status"] for line in lines] == ["done", "done", "no_show", "done", "done"]
    first = lines[0]
    assert (first["koperasi"], first["saluran"], first["kepuasan"], first["teratasi"]) == (
        "Koperasi Alpha", "online", "4", "ya")
    assert first["skm_persyaratan"] == "4" and lines[3]["skm_sarana"] == "3"
    assert lines[4]["jenis"] == "" and lines[4]["saluran"] == "office"
    assert "telepon" not in first and "+62812" not in json.dumps(lines)


def test_the_report_command(app, engine, db_url, tmp_path) -> None:
    seed(app, engine)
    shown = eklinik(db_url, "report", "--year", "2026")
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert (report["services"], report["by_kecamatan"]) == (4, {"Cikupa": 3, "Pasar Kemis": 1})
    for kind in ("xlsx", "pdf", "csv"):
        made = eklinik(db_url, "report", "--year", "2026", "--format", kind, "--out",
                       str(tmp_path / f"laporan.{kind}"))  # fmt: skip
        assert made.returncode == 0 and (tmp_path / f"laporan.{kind}").stat().st_size > 500
    assert eklinik(db_url, "report", "--year", "2026", "--format", "pdf").returncode == 2
