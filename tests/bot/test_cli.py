"""The `eklinik` command as an administrator runs it: a real process on a real database."""

from datetime import datetime

import pytest
from sqlmodel import select

from storage.db import make_engine, transaction
from storage.models import Administrator, Booking, Expert, OutboundMessage
from storage.services import target_of
from tests.helpers import eklinik


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'cli.db'}"
    first = eklinik(url, "db", "upgrade")
    assert first.returncode == 0, first.stderr
    return url


def test_db_upgrade_is_idempotent(url) -> None:
    again = eklinik(url, "db", "upgrade")
    assert again.returncode == 0 and "up to date" in again.stdout


def test_db_upgrade_on_postgres(postgres_url) -> None:
    result = eklinik(postgres_url, "db", "upgrade")
    assert result.returncode == 0, result.stderr


def test_admin_and_expert_add(url) -> None:
    assert (
        eklinik(url, "admin", "add", "--phone", "0811-2222-3333", "--name", "Rina").returncode == 0
    )
    added = eklinik(url, "expert", "add", "--name", "Dr. Budi", "--phone", "081244445555",
                    "--topics", "keuangan,usaha", "--link", "https://zoom.us/j/123")  # fmt: skip
    assert added.returncode == 0, added.stderr
    engine = make_engine(url)
    with transaction(engine) as session:
        assert session.exec(select(Administrator.phone)).all() == ["+6281122223333"]
        expert = session.exec(select(Expert)).one()
    engine.dispose()
    assert (expert.phone, expert.meeting_link) == ("+6281244445555", "https://zoom.us/j/123")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--topics", "hukum"], "unknown topics: hukum"),
        (["--topics", "usaha", "--link", "http://zoom.us/j/1"], "not an https link"),
        (["--topics", "usaha", "--phone", "12"], "not a phone number"),
    ],
)
def test_expert_add_explains_bad_input(url, args, says) -> None:
    base = {"--name": "X", "--phone": "081200001111"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    result = eklinik(url, "expert", "add", *[part for pair in base.items() for part in pair])
    assert result.returncode == 2 and says in result.stderr


def test_chat_in_the_terminal_and_scheduler_tick(url) -> None:
    script = "\n".join(["halo", "5", "Apakah ada sesi hari Sabtu?", ""])
    result = eklinik(url, "chat", "--phone", "0812 7777 8888", stdin=script)
    assert result.returncode == 0, result.stderr
    assert "Selamat datang" in result.stdout and "diteruskan ke admin" in result.stdout
    assert "(ke +6281122223333)" in result.stdout and "Apakah ada sesi hari Sabtu?" in result.stdout
    tick = eklinik(url, "scheduler", "tick", "--now", "2030-01-01T07:00:00+07:00")
    assert tick.returncode == 0 and "sent 1" in tick.stdout
    engine = make_engine(url)
    with transaction(engine) as session:
        forwarded = session.exec(
            select(OutboundMessage).where(OutboundMessage.kind == "admin_message")
        ).one()
    engine.dispose()
    assert forwarded.status == "delivered"


def test_seed_demo(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert eklinik(url, "db", "upgrade").returncode == 0
    for _ in range(2):  # twice: still one of each
        seeded = eklinik(url, "seed-demo")
        assert seeded.returncode == 0 and "+6281100000001" in seeded.stdout
    engine = make_engine(url)
    with transaction(engine) as session:
        assert len(session.exec(select(Expert)).all()) == 2
        assert len(session.exec(select(Administrator)).all()) == 1
    engine.dispose()


def test_closed_days_add_list_remove(url) -> None:
    added = eklinik(url, "closed", "add", "2026-12-24", "--reason", "Cuti bersama")
    assert added.returncode == 0 and "Kamis, 24 Desember 2026" in added.stdout
    listed = eklinik(url, "closed", "list", "--all")
    assert "2026-12-24  Kamis, 24 Desember 2026  Cuti bersama" in listed.stdout
    assert "open again" in eklinik(url, "closed", "remove", "2026-12-24").stdout
    assert "no closed days" in eklinik(url, "closed", "list", "--all").stdout
    wrong = eklinik(url, "closed", "add", "24/12/2026", "--reason", "x")
    assert wrong.returncode == 2 and "does not match the format" in wrong.stderr


def test_expert_day_off_and_back(url) -> None:
    off = eklinik(url, "expert", "off", "--phone", "081244445555", "--date", "2026-12-01")
    assert off.returncode == 0 and "off on 2026-12-01" in off.stdout
    on = eklinik(url, "expert", "on", "--phone", "081244445555", "--date", "2026-12-01")
    assert on.returncode == 0 and "available on 2026-12-01" in on.stdout
    unknown = eklinik(url, "expert", "off", "--phone", "081299990000", "--date", "2026-12-01")
    assert unknown.returncode == 2 and "no expert with phone" in unknown.stderr


def test_visit_add_prints_the_code_and_explains_bad_input(url) -> None:
    eklinik(url, "expert", "add", "--name", "Ir. Sri", "--phone", "081100000003",
            "--topics", "keuangan,usaha")  # fmt: skip
    added = eklinik(url, "visit", "add", "--cooperative", "Koperasi Maju", "--kecamatan",
                    "pasar kemis", "--topic", "keuangan", "--problem", "Kas selalu selisih tiap "
                    "bulan.", "--expert-phone", "0811 0000 0003", "--phone", "081234567890",
                    "--nik", "3603999988887777", "--type", "ksp",
                    "--at", "2026-01-05T10:00:00+07:00")  # fmt: skip
    assert added.returncode == 0, added.stderr
    code = added.stdout.strip()
    engine = make_engine(url)
    with transaction(engine) as session:
        booking = session.exec(select(Booking).where(Booking.code == code)).one()
        assert (booking.channel, booking.origin, booking.cooperative.nik) == (
            "office", "walk_in", "3603999988887777")
    engine.dispose()
    bad = eklinik(url, "visit", "add", "--cooperative", "X", "--kecamatan", "Bandung",
                  "--topic", "3", "--problem", "rugi", "--expert-phone", "0811")  # fmt: skip
    assert bad.returncode == 2 and 'Kecamatan "Bandung" tidak dikenal' in bad.stderr
    assert "Traceback" not in bad.stderr


def test_visit_import_reads_the_template_and_refuses_bad_rows(url, tmp_path) -> None:
    from openpyxl import Workbook

    from tests.helpers import ROOT

    done = eklinik(url, "visit", "import", str(ROOT / "docs" / "import-layanan.csv"))
    assert done.returncode == 0, done.stderr
    assert "2 layanan diimpor" in done.stdout
    book = Workbook()
    sheet = book.active
    sheet.append(["Tanggal", "Saluran", "Koperasi", "Kecamatan", "Topik", "Masalah", "Kepuasan"])
    sheet.append([datetime(2023, 2, 1), "zoom", "KSP Harapan", "Legok", "usaha",
                  "Produk sulit dipasarkan ke luar desa.", 3])  # fmt: skip
    sheet.append([datetime(2023, 2, 2), "kantor", "", "Legok", "usaha", "Pendek", 7])
    sheet.append([None] * 7)
    sheet.append([datetime(2023, 2, 3), "faks", "KSP Lain", "Legok", "topik?", "Sudah cukup "
                  "panjang uraiannya.", None])  # fmt: skip
    path = tmp_path / "lama.xlsx"
    book.save(path)
    refused = eklinik(url, "visit", "import", str(path))
    assert refused.returncode == 1 and "Tidak ada yang diimpor: 2 baris" in refused.stderr
    assert "Baris 3: Nama koperasi wajib diisi." in refused.stderr
    assert "Kepuasan \"7\" harus angka 1–5" in refused.stderr
    assert "Baris 5: " in refused.stderr and "Saluran \"faks\" tidak dikenal" in refused.stderr
    book = Workbook()
    book.active.append(["tanggal", "saluran", "koperasi", "kecamatan", "topik", "warna"])
    book.save(tmp_path / "salah.xlsx")
    wrong = eklinik(url, "visit", "import", str(tmp_path / "salah.xlsx"))
    assert wrong.returncode == 2 and "Kolom tidak dikenal: warna" in wrong.stderr
    (tmp_path / "bukan.xlsx").write_text("bukan excel")
    broken = eklinik(url, "visit", "import", str(tmp_path / "bukan.xlsx"))
    assert broken.returncode == 2 and "tidak dapat dibaca" in broken.stderr
    engine = make_engine(url)
    with transaction(engine) as session:
        imported = session.exec(select(Booking).where(Booking.origin == "import")).all()
        assert sorted(b.cooperative.name for b in imported) == ["KUD Mekar Sari",
                                                                "Koperasi Karyawan Sentosa"]
    engine.dispose()


def test_target_set(url) -> None:
    assert eklinik(url, "target", "set", "--year", "2026", "--services", "120").returncode == 0
    assert eklinik(url, "target", "set", "--year", "2026", "--services", "150").returncode == 0
    assert eklinik(url, "target", "set", "--year", "2026", "--services", "0").returncode == 2
    engine = make_engine(url)
    with transaction(engine) as session:
        assert target_of(session, 2026) == 150
    engine.dispose()


def test_help_needs_no_settings_and_loads_neither_the_app_nor_the_database() -> None:
    """`eklinik --help` lists every command without making the app (no settings at all), and
    the CLI module imports none of the service: each command imports what it uses."""
    import subprocess
    import sys

    from tests.helpers import EKLINIK, process_environment

    shown = subprocess.run([EKLINIK, "--help"], env=process_environment(), capture_output=True,
                           text=True, timeout=60)  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    for command in ("scheduler", "report", "visit", "whatsapp", "db", "user"):
        assert f"  {command} " in shown.stdout
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, bot.cli; print(sorted(m for m in sys.modules if "
         "m.startswith(('sqlalchemy', 'sqlmodel', 'storage.models', 'bot.app', 'holidays'))))"],
        env=process_environment(), capture_output=True, text=True, timeout=60)  # fmt: skip
    assert loaded.stdout.strip() == "[]", loaded.stdout
