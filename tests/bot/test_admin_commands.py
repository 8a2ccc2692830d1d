"""The administrators' WhatsApp commands, end to end through the webhook (both backends)."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from bot.outbound.messenger import LocalOutbox
from bot.outbound.scheduler import tick
from storage.db import transaction
from storage.models import Booking, BookingEvent, Expert, OutboundMessage
from storage.schedule import add_closed_day
from tests.helpers import (
    ADMIN,
    COOP_PHONE,
    NOW,
    SRI,
    WhatsApp,
    admin,
    book,
    messages_to,
    prepared_engine,
    request,
    set_link,
)


@pytest.fixture
def whatsapp(app) -> WhatsApp:
    app.extensions["clock"] = lambda: NOW
    return WhatsApp(app.test_client())


def booking(engine, code: str) -> Booking:
    with transaction(engine) as session:
        return session.exec(select(Booking).where(Booking.code == code)).one()


def test_daftar_lists_waiting_requests_oldest_first(whatsapp, engine) -> None:
    assert "Tidak ada permintaan" in admin(whatsapp, "DAFTAR")
    first = request(engine, "+6281200000001", "2026-12-01 10:00", name="KSP Awal")
    second = request(engine, "+6281200000002", "2026-12-01 09:00", name="KSP Kedua")
    listing = admin(whatsapp, "daftar")
    assert "Menunggu konfirmasi (2), halaman 1/1" in listing
    assert listing.index(first) < listing.index(second)
    assert "KSP Awal · Manajemen dan Keuangan · Selasa, 1 Desember 2026 pukul 10.00 WIB" in listing


def test_daftar_pages(whatsapp, engine) -> None:
    for number in range(12):
        request(engine, f"+62812000001{number:02d}", f"2026-12-0{1 + number % 5} 10:00")
    assert "halaman 1/2" in admin(whatsapp, "DAFTAR")
    page_two = admin(whatsapp, "DAFTAR 2")
    assert "halaman 2/2" in page_two and "EK-0011" in page_two and "EK-0001" not in page_two
    past_the_end = admin(whatsapp, "DAFTAR 9")  # the last page, not an empty one
    assert "Menunggu konfirmasi (12), halaman 2/2" in past_the_end and "EK-0012" in past_the_end


def test_confirm_with_the_experts_standing_link(whatsapp, engine) -> None:
    book(whatsapp)  # EK-0001, finance, Monday 30 November 10.00
    set_link(engine, SRI, "https://zoom.us/j/555")
    reply = admin(whatsapp, "konfirmasi ek-1")
    assert "✅ *EK-0001* terkonfirmasi" in reply and "Ir. Sri" in reply
    confirmed = booking(engine, "EK-0001")
    assert confirmed.status == "confirmed" and confirmed.meeting_link == "https://zoom.us/j/555"
    [message] = messages_to(engine, COOP_PHONE, "confirmation")
    for part in ["Senin, 30 November 2026 pukul 10.00 WIB", "Ir. Sri", "https://zoom.us/j/555",
                 "laporan keuangan terakhir"]:  # fmt: skip
        assert part in message.body
    [notice] = messages_to(engine, SRI, "expert_notice")
    assert "EK-0001" in notice.body and "Koperasi Maju Bersama" in notice.body


def test_confirm_at_another_time_with_a_link_and_an_expert(whatsapp, engine) -> None:
    code = request(engine, COOP_PHONE, "2026-12-01 10:00", topic="pendampingan")
    reply = admin(whatsapp, f"KONFIRMASI {code} rabu jam 13 https://zoom.us/j/777 AHLI ahmad")
    assert "Rabu, 2 Desember 2026 pukul 13.00 WIB" in reply and "Dr. Ahmad" in reply
    confirmed = booking(engine, code)
    assert confirmed.requested_start == datetime(2026, 12, 2, 6, tzinfo=UTC)
    assert confirmed.meeting_link == "https://zoom.us/j/777"


def test_without_any_link_the_admin_is_asked_for_one(whatsapp, engine) -> None:
    code = request(engine, COOP_PHONE, "2026-12-01 10:00")
    reply = admin(whatsapp, f"KONFIRMASI {code}")
    assert "belum punya tautan rapat tetap" in reply and f"KONFIRMASI {code} https://" in reply
    assert booking(engine, code).status == "waiting"
    assert messages_to(engine, COOP_PHONE) == []


def test_a_link_that_is_not_https_is_refused_with_an_example(whatsapp, engine) -> None:
    code = request(engine, COOP_PHONE, "2026-12-01 10:00")
    reply = admin(whatsapp, f"KONFIRMASI {code} http://zoom.us/j/1")
    assert "tidak diterima" in reply and "https://zoom.us/j/1234567890" in reply
    assert booking(engine, code).status == "waiting"


@pytest.mark.parametrize("status", ["cancelled", "declined", "confirmed"])
def test_confirming_what_cannot_be_confirmed_changes_nothing(whatsapp, engine, status) -> None:
    code = request(engine, COOP_PHONE, "2026-12-01 10:00")
    with transaction(engine) as session:
        row = session.exec(select(Booking).where(Booking.code == code)).one()
        row.status = status
    reply = admin(whatsapp, f"KONFIRMASI {code} https://zoom.us/j/1")
    assert f"*{code}* tidak diubah" in reply
    assert booking(engine, code).status == status and messages_to(engine, COOP_PHONE) == []


def test_the_expert_with_the_fewest_sessions_that_week_is_picked(whatsapp, engine) -> None:
    set_link(engine, "+6281100000002", "https://zoom.us/j/2")
    set_link(engine, SRI, "https://zoom.us/j/3")
    with transaction(engine) as session:  # both mentor now
        from storage.directory import add_expert

        add_expert(session, "Ir. Sri", SRI, ["keuangan", "usaha", "pendampingan"])
    first = request(engine, "+6281200000001", "2026-12-01 10:00", topic="pendampingan")
    second = request(engine, "+6281200000002", "2026-12-02 10:00", topic="pendampingan")
    admin(whatsapp, f"KONFIRMASI {first} AHLI Ahmad")
    admin(whatsapp, f"KONFIRMASI {second}")  # Ir. Sri has no session that week yet
    assert booking(engine, second).meeting_link == "https://zoom.us/j/3"


def test_a_busy_expert_is_refused_with_the_next_free_times(whatsapp, engine) -> None:
    set_link(engine, SRI, "https://zoom.us/j/3")
    first = request(engine, "+6281200000001", "2026-12-01 10:00")
    second = request(engine, "+6281200000002", "2026-12-01 10:00")
    assert "terkonfirmasi" in admin(whatsapp, f"KONFIRMASI {first}")
    reply = admin(whatsapp, f"KONFIRMASI {second} AHLI Sri")
    assert "Ir. Sri sudah punya sesi pada Selasa, 1 Desember 2026 pukul 10.00 WIB" in reply
    assert "Waktu bebas terdekat: Selasa, 1 Desember 2026 pukul 08.00 WIB; " in reply
    assert "Selasa, 1 Desember 2026 pukul 11.00 WIB" in reply
    assert booking(engine, second).status == "waiting"


def test_detail_shows_everything_and_the_history(whatsapp, engine) -> None:
    book(whatsapp)
    set_link(engine, SRI, "https://zoom.us/j/555")
    admin(whatsapp, "KONFIRMASI EK-0001")
    detail = admin(whatsapp, "DETAIL EK-0001")
    for part in ["*EK-0001* — Terkonfirmasi", "Koperasi Maju Bersama (NIK 3603123456780001)",
                 "Pasar Kemis", "Siti Aminah", "Tenaga ahli: Ir. Sri", "Riwayat:",
                 f"didaftarkan ({COOP_PHONE})", f"dikonfirmasi ({ADMIN})"]:  # fmt: skip
        assert part in detail
    assert "tidak ditemukan" in admin(whatsapp, "DETAIL EK-0999")


def test_propose_then_the_cooperative_accepts(whatsapp, engine) -> None:
    book(whatsapp)
    set_link(engine, SRI, "https://zoom.us/j/555")
    assert "sudah dikirim ke koperasi" in admin(whatsapp, "USUL EK-0001 selasa jam 13")
    [proposal] = messages_to(engine, COOP_PHONE, "proposal")
    assert "Selasa, 1 Desember 2026 pukul 13.00 WIB" in proposal.body and "YA" in proposal.body
    reply = "\n".join(whatsapp.send(COOP_PHONE, "ya"))
    assert "Anda menyetujui Selasa, 1 Desember 2026 pukul 13.00 WIB" in reply
    confirmed = booking(engine, "EK-0001")
    assert confirmed.status == "confirmed" and confirmed.proposed_start is None
    assert confirmed.requested_start == datetime(2026, 12, 1, 6, tzinfo=UTC)
    assert len(messages_to(engine, COOP_PHONE, "confirmation")) == 1
    assert any("menyetujui usulan" in m.body for m in messages_to(engine, ADMIN))


def test_propose_then_the_cooperative_asks_for_another_time(whatsapp, engine) -> None:
    book(whatsapp)
    admin(whatsapp, "USUL EK-0001 selasa jam 13")
    reply = "\n".join(whatsapp.send(COOP_PHONE, "tidak"))
    assert "Kapan waktu yang cocok untuk *EK-0001*?" in reply
    reply = "\n".join(whatsapp.send(COOP_PHONE, "kamis jam 9"))
    assert "Kamis, 3 Desember 2026 pukul 09.00 WIB" in reply
    waiting = booking(engine, "EK-0001")
    assert waiting.status == "waiting" and waiting.proposed_start is None
    assert any("meminta Kamis, 3 Desember 2026" in m.body for m in messages_to(engine, ADMIN))


def test_tidak_with_a_time_in_one_message(whatsapp, engine) -> None:
    book(whatsapp)
    admin(whatsapp, "USUL EK-0001 selasa jam 13")
    whatsapp.send(COOP_PHONE, "Tidak, rabu jam 10")
    assert booking(engine, "EK-0001").requested_start == datetime(2026, 12, 2, 3, tzinfo=UTC)


def test_decline_tells_the_cooperative_kindly_and_nothing_more_is_sent(whatsapp, engine) -> None:
    book(whatsapp)
    set_link(engine, SRI, "https://zoom.us/j/555")
    admin(whatsapp, "KONFIRMASI EK-0001")
    reply = admin(whatsapp, "TOLAK EK-0001 ahli berhalangan, mohon daftar ulang")
    assert "*EK-0001* ditolak" in reply
    [declined] = messages_to(engine, COOP_PHONE, "decline")
    assert "ahli berhalangan" in declined.body and "tatap muka" in declined.body
    tick(engine, LocalOutbox(), NOW)
    [confirmation] = messages_to(engine, COOP_PHONE, "confirmation")
    assert confirmation.status == "cancelled" and declined.id
    assert messages_to(engine, COOP_PHONE, "decline")[0].status == "delivered"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("KONFIRMASI", "kode pendaftarannya belum ada"),
        ("USUL EK-0001", "waktu usulannya belum ditulis"),
        ("USUL EK-0001 kapan-kapan", "belum saya pahami"),
        ("TOLAK EK-0001", "alasannya belum ditulis"),
        ("KONFIRMASI EK-0001 AHLI", "nama ahlinya belum ditulis"),
    ],
)
def test_mistyped_commands_get_the_right_example(whatsapp, engine, text, says) -> None:
    request(engine, COOP_PHONE, "2026-12-01 10:00")
    reply = admin(whatsapp, text)
    assert says in reply and "Contoh:" in reply


def test_misspelled_verb_with_a_code_is_still_understood(whatsapp, engine) -> None:
    request(engine, COOP_PHONE, "2026-12-01 10:00")
    assert "*EK-0001* — Menunggu konfirmasi" in admin(whatsapp, "detial EK-0001")


@pytest.mark.parametrize(("text", "meant"), [
    ("tolk EK-0001 tes", "TOLAK EK-0001 tes"), ("konfirmsi EK-0001", "KONFIRMASI EK-0001"),
    ("tutp EK-0001 selesai", "TUTUP EK-0001 selesai"),
])  # fmt: skip
def test_a_misspelled_verb_that_changes_something_is_never_done(whatsapp, engine, text,
                                                                 meant) -> None:  # fmt: skip
    """"tolk EK-0099 tes" used to decline the booking: now it is asked about."""
    code = request(engine, COOP_PHONE, "2026-12-01 10:00")
    reply = admin(whatsapp, text)
    assert "belum ada yang diubah" in reply and f"Maksud Anda *{meant}*?" in reply
    assert booking(engine, code).status == "waiting"


def test_ya_to_a_near_miss_carries_it_out_written_right(app, whatsapp, engine) -> None:
    code = request(engine, COOP_PHONE, "2026-12-01 10:00")
    admin(whatsapp, "tolk EK-0001 jadwal penuh")
    assert "ditolak" in admin(whatsapp, "ya")
    found = booking(engine, code)
    assert found.status == "declined" and found.decline_reason == "jadwal penuh"


def test_a_near_miss_is_asked_about_once_and_for_ten_minutes(app, whatsapp, engine) -> None:
    from datetime import timedelta

    code = request(engine, COOP_PHONE, "2026-12-01 10:00")
    admin(whatsapp, "tolk EK-0001 jadwal penuh")
    admin(whatsapp, "DAFTAR")  # something else: the offer is gone
    admin(whatsapp, "ya")
    assert booking(engine, code).status == "waiting"
    clock = app.extensions["clock"]
    admin(whatsapp, "tolk EK-0001 jadwal penuh")
    later = clock() + timedelta(minutes=11)
    app.extensions["clock"] = lambda: later
    admin(whatsapp, "ya")
    assert booking(engine, code).status == "waiting"


def test_a_near_miss_that_does_not_read_gets_the_example(whatsapp, engine) -> None:
    code = request(engine, COOP_PHONE, "2026-12-01 10:00")
    reply = admin(whatsapp, "tolk EK-0001")  # no reason: nothing to offer
    assert "belum ada yang diubah" in reply and "TOLAK EK-0042" in reply
    assert "Maksud Anda *" not in reply and booking(engine, code).status == "waiting"


def test_bantuan_lists_the_commands(whatsapp) -> None:
    reply = admin(whatsapp, "BANTUAN")
    for command in ["DAFTAR", "DETAIL EK-0042", "KONFIRMASI EK-0042", "USUL EK-0042", "TOLAK"]:
        assert command in reply


def test_commands_from_other_numbers_are_ordinary_messages(whatsapp, engine) -> None:
    request(engine, "+6281200000001", "2026-12-01 10:00", name="KSP Rahasia")
    stranger = "+6281299990000"
    for text in ["DAFTAR", "DETAIL EK-0001", "KONFIRMASI EK-0001 https://zoom.us/j/1"]:
        reply = "\n".join(whatsapp.send(stranger, text))
        assert "KSP Rahasia" not in reply and "EK-0001" not in reply
    assert booking(engine, "EK-0001").status == "waiting"


def test_an_admin_booking_for_themselves_gets_step_help(whatsapp) -> None:
    whatsapp.send(ADMIN, "halo")
    whatsapp.send(ADMIN, "1")
    assert "nama koperasi" in admin(whatsapp, "bantuan")


def confirm_directly(engine, code: str, expert_phone: str) -> None:
    """Straight into the database, past every check in the code: only the schema can refuse."""
    with transaction(engine) as session:
        expert = session.exec(select(Expert).where(Expert.phone == expert_phone)).one()
        row = session.exec(select(Booking).where(Booking.code == code)).one()
        row.status, row.expert_id = "confirmed", expert.id
        row.ends_at = row.requested_start + timedelta(hours=1)


def test_the_database_refuses_overlapping_sessions_of_one_expert(engine) -> None:
    first = request(engine, "+6281200000001", "2026-12-01 10:00")
    second = request(engine, "+6281200000002", "2026-12-01 10:00")
    confirm_directly(engine, first, SRI)
    with pytest.raises(IntegrityError):
        confirm_directly(engine, second, SRI)


def test_postgres_refuses_overlapping_ranges_not_only_equal_starts(postgres_url) -> None:
    """The exclusion constraint is PostgreSQL's; on SQLite starts stay on the session grid."""
    engine = prepared_engine(postgres_url)
    first = request(engine, "+6281200000001", "2026-12-01 10:00")
    second = request(engine, "+6281200000002", "2026-12-01 10:30")
    confirm_directly(engine, first, SRI)
    with pytest.raises(IntegrityError):
        confirm_directly(engine, second, SRI)
    engine.dispose()


def test_two_admins_confirming_into_one_slot_at_once(app, engine) -> None:
    app.extensions["clock"] = lambda: NOW
    set_link(engine, SRI, "https://zoom.us/j/3")
    codes = [request(engine, f"+628120000000{n}", "2026-12-01 10:00") for n in (1, 2)]
    second_admin = "+6281100000009"
    with transaction(engine) as session:
        from storage.directory import add_admin

        add_admin(session, second_admin)
    replies: dict[str, str] = {}
    barrier = threading.Barrier(2)

    def confirm(phone: str, code: str) -> None:
        whatsapp = WhatsApp(app.test_client())
        barrier.wait()
        replies[code] = "\n".join(whatsapp.send(phone, f"KONFIRMASI {code} AHLI Sri"))

    threads = [
        threading.Thread(target=confirm, args=(phone, code))
        for phone, code in zip([ADMIN, second_admin], codes, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [code for code, reply in replies.items() if "terkonfirmasi" in reply]
    lost = [code for code, reply in replies.items() if "sudah punya sesi" in reply]
    assert len(won) == 1 and len(lost) == 1, replies
    assert "Waktu bebas terdekat" in replies[lost[0]]
    assert booking(engine, lost[0]).status == "waiting"
    with transaction(engine) as session:
        events = session.exec(select(BookingEvent.action)).all()
    assert events.count("confirmed") == 1


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("KONFIRMASI EK-0001 kemarin jam 10", "sudah lewat"),
        ("KONFIRMASI EK-0001 sabtu jam 10", "akhir pekan"),
        ("USUL EK-0001 senin jam 17", "Sesi terakhir mulai pukul 15.00 WIB"),
        ("USUL EK-0001 25 desember jam 10", "hari libur (Hari Raya Natal)"),
        ("KONFIRMASI EK-0001 24 desember jam 10", "Klinik tutup pada Kamis, 24 Desember 2026"),
    ],
)
def test_administrators_cannot_put_a_session_outside_clinic_time(whatsapp, engine, text, says):
    set_link(engine, SRI, "https://zoom.us/j/3")
    request(engine, COOP_PHONE, "2026-12-01 10:00")
    with transaction(engine) as session:
        add_closed_day(session, date(2026, 12, 24), "Cuti bersama")
    assert says in admin(whatsapp, text)
    assert booking(engine, "EK-0001").status == "waiting"


def test_an_unknown_command_gets_the_administrators_help_not_the_menu(whatsapp, engine) -> None:
    code = request(engine, COOP_PHONE, "2026-12-01 10:00")
    reply = admin(whatsapp, "hapus EK-0001")
    assert "“hapus” bukan perintah admin" in reply and "TUTUP EK-0042" in reply
    assert "Selamat datang" not in reply and "Daftar konsultasi E-Klinik" not in reply
    assert booking(engine, code).status == "waiting"


def test_a_new_request_notice_says_how_to_answer_it(whatsapp, engine) -> None:
    from tests.helpers import book

    book(whatsapp)
    with transaction(engine) as session:
        [notice] = session.exec(select(OutboundMessage).where(
            OutboundMessage.kind == "admin_notice")).all()  # fmt: skip
    assert "*KONFIRMASI EK-0001*" in notice.body and "*TOLAK EK-0001 alasan*" in notice.body
