"""The conversation as a user meets it: pure, no Flask, Twilio or database."""

from datetime import datetime, timedelta

import pytest

from flows.availability import Hold, Pool
from flows.calendar import ClinicCalendar
from flows.conversation import S, handle
from flows.dates import WIB
from flows.model import (
    BookingView,
    CancelBooking,
    Context,
    ForwardToAdmins,
    Incoming,
    RescheduleBooking,
    SubmitBooking,
)
from tests.helpers import NOW, User, booked_up_to


def test_first_message_gets_welcome_and_numbered_menu() -> None:
    reply = User().says("Assalamualaikum")
    assert "Selamat datang di *E-Klinik Koperasi*" in reply
    for item in ["1. Daftar konsultasi", "2. Cek status", "3. Ubah jadwal / batalkan",
                 "4. Info Klinik Koperasi", "5. Hubungi admin"]:  # fmt: skip
        assert item in reply


def test_first_message_that_names_a_choice_goes_straight_there() -> None:
    user = User()
    reply = user.says("mau daftar konsultasi")
    assert "Selamat datang" in reply and "nama koperasi" in reply
    assert user.state == S.COOP_NAME


def test_whole_booking_submits_every_answer() -> None:
    user = booked_up_to(S.SUMMARY)
    summary = user.says("ubah")  # look at the edit list, then go back to the summary
    assert "Bagian mana" in summary
    reply = user.says("kembali")
    assert "Koperasi: Koperasi Maju Bersama" in reply
    assert "Jadwal: Senin, 30 November 2026 pukul 10.00 WIB" in reply
    user.says("ya")
    assert user.state == S.MENU
    [effect] = user.effects
    assert isinstance(effect, SubmitBooking)
    assert effect.answers == {
        "coop_name": "Koperasi Maju Bersama", "nik": "3603123456780001", "coop_kind": "ksp",
        "kecamatan": "Cikupa", "in_regency": True, "contact_name": "Siti Aminah",
        "contact_role": "bendahara", "topic": "keuangan", "problem_area": "keuangan",
        "problem_text": "Banyak anggota menunggak pinjaman sejak Januari.",
        "start": "2026-11-30T10:00:00+07:00",
    }  # fmt: skip
    assert user.answers == {}


@pytest.mark.parametrize(
    ("state", "bad", "says"),
    [
        (S.COOP_NAME, "x", "2–120 huruf"),
        (S.COOP_NAME, "k" * 121, "2–120 huruf"),
        (S.COOP_NAME, "12345", "2–120 huruf"),
        (S.NIK, "12345", "16 angka"),
        (S.NIK, "3603 1234 5678 00012", "16 angka"),
        (S.COOP_KIND, "11", "1–10"),
        (S.COOP_KIND, "pabrik roti", "1–10"),
        (S.CONTACT_NAME, "a", "2–120 huruf"),
        (S.CONTACT_ROLE, "presiden direktur utama", "1–8"),
        (S.TOPIC, "5", "1–4"),
        (S.PROBLEM_AREA, "politik", "1–7"),
        (S.PROBLEM_TEXT, "utang", "terlalu singkat (5 huruf)"),
        (S.PROBLEM_TEXT, "x" * 4001, "terlalu panjang (4.001 huruf)"),
        (S.WHEN, "kapan-kapan", "belum saya pahami"),
        (S.WHEN, "jam 10", "Jam 10.00 pada hari apa?"),
        (S.WHEN, "Kamis, 4 Desember 2026", "4 Desember 2026 jatuh pada hari Jumat, bukan Kamis"),
    ],
)
def test_bad_answers_are_refused_kindly_and_asked_again(state: S, bad: str, says: str) -> None:
    user = booked_up_to(state)
    before = dict(user.answers)
    reply = user.says(bad)
    assert says in reply
    assert user.state == state
    assert {k: v for k, v in user.answers.items() if not k.startswith("_")} == {
        k: v for k, v in before.items() if not k.startswith("_")
    }


@pytest.mark.parametrize(
    ("state", "answer", "field", "value"),
    [
        (S.NIK, "3603.1234.5678.0001", "nik", "3603123456780001"),
        (S.NIK, "belum ada", "nik", None),
        (S.NIK, "-", "nik", None),
        (S.COOP_KIND, "simpan pinjam", "coop_kind", "ksp"),
        (S.COOP_KIND, "KSPPS", "coop_kind", "syariah"),
        (S.COOP_KIND, "karyawn", "coop_kind", "karyawan"),
        (S.COOP_KIND, "10", "coop_kind", "lainnya"),
        (S.KECAMATAN, "Kelapa Dua", "kecamatan", "Kelapa Dua"),
        (S.CONTACT_ROLE, "2", "contact_role", "wakil_ketua"),
        (S.CONTACT_ROLE, "sekertaris", "contact_role", "sekretaris"),
        (S.TOPIC, "pengembangan usaha", "topic", "usaha"),
        (S.TOPIC, "kelembagan", "topic", "kelembagaan"),
        (S.PROBLEM_AREA, "tata kelola", "problem_area", "tata_kelola"),
        (S.PROBLEM_AREA, "7", "problem_area", "budaya"),
    ],
)
def test_answers_by_number_word_or_near_spelling(state, answer, field, value) -> None:
    user = booked_up_to(state)
    user.says(answer)
    assert user.answers[field] == value
    assert user.state != state


@pytest.mark.parametrize("typed", ["ps kemis", "kelapadua", "teluk naga", "balaraj"])
def test_close_kecamatan_spellings_are_confirmed(typed: str) -> None:
    user = booked_up_to(S.KECAMATAN)
    reply = user.says(typed)
    assert "Maksud Anda Kecamatan" in reply
    assert user.state == S.CONFIRM
    user.says("ya")
    assert user.state == S.CONTACT_NAME
    assert user.answers["in_regency"] is True


def test_a_kecamatan_refused_at_confirmation_is_asked_again() -> None:
    user = booked_up_to(S.KECAMATAN)
    user.says("ps kemis")
    reply = user.says("bukan")
    assert "kecamatan" in reply.lower()
    assert user.state == S.KECAMATAN and "kecamatan" not in user.answers


def test_a_place_outside_the_regency_is_accepted_after_confirmation() -> None:
    user = booked_up_to(S.KECAMATAN)
    reply = user.says("Ciputat")
    assert "luar Kabupaten Tangerang" in reply
    user.says("ya")
    assert user.answers["kecamatan"] == "Ciputat" and user.answers["in_regency"] is False


def test_a_new_answer_instead_of_yes_or_no_is_read_as_the_answer() -> None:
    user = booked_up_to(S.KECAMATAN)
    user.says("ps kemis")
    user.says("Cikupa")
    assert user.answers["kecamatan"] == "Cikupa" and user.state == S.CONTACT_NAME


def test_name_and_role_in_one_message_skip_the_role_question() -> None:
    user = booked_up_to(S.CONTACT_NAME)
    reply = user.says("Budi Santoso, ketua")
    assert user.answers["contact_name"] == "Budi Santoso"
    assert user.answers["contact_role"] == "ketua"
    assert "Topik konsultasi" in reply


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("sabtu jam 10", "akhir pekan"),
        ("25 desember jam 10", "hari libur (Hari Raya Natal)"),
        ("senin depan jam 7", "paling pagi mulai pukul 08.00"),
        ("senin depan jam 16", "terakhir mulai pukul 15.00"),
        ("senin depan jam 10.30", "setiap 60 menit dari pukul 08.00"),
        ("kemarin jam 10", "sudah lewat"),
        ("hari ini jam 13", "hari kerja berikutnya"),
        ("1 maret 2027 jam 10", "paling lama 60 hari"),
    ],
)
def test_a_time_that_cannot_be_booked_says_why_and_offers_three(typed: str, why: str) -> None:
    user = booked_up_to(S.WHEN)
    reply = user.says(typed)
    assert why in reply
    assert "1. " in reply and "2. " in reply and "3. " in reply and "4. " not in reply
    assert user.state == S.WHEN
    user.says("2")
    assert user.state == S.SUMMARY
    start = datetime.fromisoformat(user.answers["start"])
    assert ClinicCalendar().slot_refusal(start, NOW.date()) is None


def test_lain_shows_the_next_three_choices() -> None:
    user = booked_up_to(S.WHEN)
    first = user.says("sabtu jam 10")
    second = user.says("lain")
    assert first != second and "3. " in second
    assert set(user.chat.scratch.offer.starts).isdisjoint(first)


def test_a_bare_date_offers_that_days_free_times() -> None:
    user = booked_up_to(S.WHEN)
    reply = user.says("selasa")
    assert "Jam yang tersedia pada Selasa, 1 Desember 2026" in reply
    assert "1. 08.00 WIB" in reply and "8. 15.00 WIB" in reply
    user.says("jam 13")
    assert user.answers["start"] == "2026-12-01T13:00:00+07:00"


def test_a_day_offer_can_be_answered_by_number() -> None:
    user = booked_up_to(S.WHEN)
    user.says("selasa pagi")
    user.says("2")
    assert user.answers["start"] == "2026-12-01T09:00:00+07:00"


def test_taken_slots_are_not_offered() -> None:
    holds = [Hold("EK-0001", datetime(2026, 12, 1, h, tzinfo=WIB), "keuangan") for h in (8, 9)]
    pool = Pool(experts={1: frozenset({"keuangan"})}, holds=holds)
    user = booked_up_to(S.WHEN, User(Context(now=NOW, calendar=ClinicCalendar(pool=pool))))
    reply = user.says("selasa jam 9")
    assert "sudah penuh" in reply
    assert "pukul 09.00" not in reply.split("\n", 1)[1]


def test_ubah_changes_one_item_and_returns_to_the_summary() -> None:
    user = booked_up_to(S.SUMMARY)
    user.says("ubah")
    user.says("5")  # narahubung: name then role
    user.says("Budi")
    reply = user.says("ketua")
    assert user.state == S.SUMMARY
    assert "Narahubung: Budi (Ketua)" in reply
    assert user.answers["coop_name"] == "Koperasi Maju Bersama"


@pytest.mark.parametrize(
    ("text_sent", "asks"),
    [
        ("ubah nama narahubung", S.CONTACT_NAME),
        ("Ganti nama kontak ya bu", S.CONTACT_NAME),
        ("ubah nama koperasi", S.COOP_NAME),
        ("salah jamnya", S.WHEN),
        ("tgl nya salah", S.WHEN),
        ("topiknya salah", S.TOPIC),
        ("koreksi nik", S.NIK),
        ("masalahnya kurang lengkap, mau ubah", S.PROBLEM_AREA),
        ("mau ubah", S.EDIT),  # no item named: the list
        ("ubah 2", S.EDIT),  # a number at the summary is not an item
    ],
)
def test_the_summary_understands_which_item_to_change_in_words(text_sent, asks) -> None:
    user = booked_up_to(S.SUMMARY)
    user.says(text_sent)
    assert user.state == asks
    assert not user.effects  # nothing was sent


def test_an_item_named_at_the_summary_returns_to_it_after_the_change() -> None:
    user = booked_up_to(S.SUMMARY)
    user.says("ubah nama narahubung")
    user.says("Budi")
    reply = user.says("ketua")
    assert user.state == S.SUMMARY and "Narahubung: Budi (Ketua)" in reply
    user.says("kembali")  # from the summary, back is the last question answered
    assert user.state == S.CONTACT_ROLE


def test_a_near_spelling_that_is_a_guess_is_asked_about_and_never_taken_silently() -> None:
    user = booked_up_to(S.CONTACT_ROLE)
    reply = user.says("ketau")  # "ketua" with two letters swapped
    assert "Maksud Anda *Ketua*? (YA / TIDAK)" in reply and "contact_role" not in user.answers
    reply = user.says("tidak")
    assert user.state == S.CONTACT_ROLE and "contact_role" not in user.answers
    user.says("ketau")
    user.says("ya")
    assert user.answers["contact_role"] == "ketua" and user.state == S.TOPIC


def test_a_near_spelling_that_is_clear_is_taken_at_once() -> None:
    user = booked_up_to(S.TOPIC)
    user.says("keuangn")
    assert user.answers["topic"] == "keuangan" and user.state == S.PROBLEM_AREA


def test_kembali_goes_to_the_previous_question_keeping_answers() -> None:
    user = booked_up_to(S.COOP_KIND)
    reply = user.says("kembali")
    assert user.state == S.NIK and "Nomor Induk Koperasi" in reply
    assert user.answers["coop_name"] == "Koperasi Maju Bersama"


def test_kembali_at_the_first_question_returns_to_the_menu() -> None:
    user = booked_up_to(S.COOP_NAME)
    user.says("kembali")
    assert user.state == S.MENU


def test_batal_abandons_and_nothing_becomes_a_booking() -> None:
    user = booked_up_to(S.SUMMARY)
    reply = user.says("BATAL")
    assert "dibatalkan dan tidak ada yang disimpan" in reply
    assert user.state == S.MENU and user.answers == {} and user.effects == []


def test_bantuan_helps_with_the_current_step_and_asks_again() -> None:
    user = booked_up_to(S.WHEN)
    reply = user.says("bantuan")
    assert "Contoh:" in reply and "Kapan Anda ingin" in reply
    assert user.state == S.WHEN


def test_menu_mid_booking_keeps_a_draft_to_resume() -> None:
    user = booked_up_to(S.TOPIC)
    user.says("menu")
    assert user.state == S.MENU
    reply = user.says("1")
    assert "belum selesai (Koperasi Maju Bersama)" in reply
    reply = user.says("ya")
    assert user.state == S.TOPIC and "Topik konsultasi" in reply
    assert user.answers["contact_role"] == "bendahara"


@pytest.mark.parametrize("stop", ["STOP", "berhenti"])
def test_stop_silences_everything_until_mulai(stop: str) -> None:
    user = booked_up_to(S.TOPIC)
    assert "tidak akan menerima pesan" in user.says(stop)
    assert user.chat.opted_out
    assert user.says("1") == ""
    assert user.says("halo") == ""
    reply = user.says("MULAI")
    assert not user.chat.opted_out and "1. Daftar konsultasi" in reply


@pytest.mark.parametrize(
    ("incoming", "says"),
    [
        ({"media_type": "image/jpeg"}, "foto"),
        ({"media_type": "audio/ogg"}, "pesan suara"),
        ({"media_type": "image/webp"}, "stiker"),
        ({"media_type": "application/pdf"}, "dokumen"),
        ({"location": True}, "lokasi"),
        ({"text": "   "}, "kosong"),
        ({"text": "👍🙏"}, "kata atau angka"),
        ({"text": "a" * 4097}, "terlalu panjang (4.097 huruf)"),
    ],
)
def test_non_text_gets_a_friendly_answer_and_the_question_again(incoming, says) -> None:
    user = booked_up_to(S.PROBLEM_TEXT)
    before = dict(user.answers)
    reply = handle(user.chat, Incoming(**incoming), user.ctx)
    assert says in "\n".join(reply.texts)
    assert "Ceritakan singkat masalahnya" in reply.texts[-1]
    assert reply.chat.state == S.PROBLEM_TEXT and reply.chat.answers == before


def test_after_a_day_of_silence_it_offers_to_resume() -> None:
    user = booked_up_to(S.PROBLEM_TEXT)
    user.ctx = Context(now=NOW + timedelta(hours=25))
    reply = user.says("Anggota menunggak")
    assert "Selamat datang kembali" in reply and "Lanjutkan?" in reply
    reply = user.says("ya")
    assert user.state == S.PROBLEM_TEXT and "Ceritakan singkat" in reply
    assert user.answers["topic"] == "keuangan"


def test_a_resumed_draft_whose_time_passed_asks_for_a_new_time() -> None:
    user = booked_up_to(S.SUMMARY)
    user.ctx = Context(now=NOW + timedelta(days=5))
    user.says("halo")
    user.says("ya")
    reply = user.says("ya")
    assert "sudah lewat" in reply and user.state == S.WHEN and user.effects == []


def test_returning_cooperative_is_offered_its_known_details() -> None:
    known = {"coop_name": "KSP Sejahtera", "nik": None, "coop_kind": "ksp", "kecamatan": "Curug",
             "in_regency": True, "contact_name": "Siti", "contact_role": "ketua"}  # fmt: skip
    user = User(Context(now=NOW, known=known))
    user.says("halo")
    reply = user.says("1")
    assert "Gunakan data koperasi sebelumnya?" in reply and "KSP Sejahtera" in reply
    reply = user.says("ya")
    assert user.state == S.TOPIC and user.answers["kecamatan"] == "Curug"


def test_english_writers_get_english() -> None:
    user = User()
    reply = user.says("Hello, I would like to book a consultation")
    assert "Welcome to *E-Klinik Koperasi*" in reply
    reply = user.says("1")
    assert "What is your cooperative's name?" in reply


def test_contact_admin_forwards_the_next_message() -> None:
    user = User()
    user.says("halo")
    user.says("5")
    reply = user.says("Apakah bisa konsultasi tatap muka hari Sabtu?")
    assert "diteruskan ke admin" in reply
    assert user.effects == [ForwardToAdmins("Apakah bisa konsultasi tatap muka hari Sabtu?")]


def test_info_tells_what_the_clinic_is() -> None:
    user = User()
    user.says("halo")
    reply = user.says("4")
    assert "gratis" in reply and "Pengembangan Usaha" in reply and "08.00–15.00" in reply


def bookings() -> tuple[BookingView, ...]:
    start = datetime(2026, 12, 1, 10, tzinfo=WIB)
    return (
        BookingView("EK-0002", "waiting", start, "pendampingan", "KSP A"),
        BookingView("EK-0001", "cancelled", start - timedelta(days=1), "pendampingan", "KSP A"),
    )


def test_cek_status_lists_the_numbers_bookings() -> None:
    user = User(Context(now=NOW, bookings=bookings()))
    user.says("halo")
    reply = user.says("2")
    assert "*EK-0002* — Menunggu konfirmasi — Selasa, 1 Desember 2026 pukul 10.00 WIB" in reply
    assert "*EK-0001* — Dibatalkan" in reply


def test_cek_status_without_bookings() -> None:
    user = User()
    user.says("halo")
    assert "Belum ada pendaftaran" in user.says("cek status")


def test_cancel_a_booking_after_confirming() -> None:
    user = User(Context(now=NOW, bookings=bookings()))
    user.says("halo")
    assert "EK-0002: apa yang ingin dilakukan?" in user.says("3")
    assert "Yakin membatalkan *EK-0002*" in user.says("2")
    user.says("ya")
    assert user.effects == [CancelBooking("EK-0002")]


def test_ask_for_another_time() -> None:
    user = User(Context(now=NOW, bookings=bookings()))
    user.says("halo")
    user.says("3")
    user.says("1")
    user.says("rabu jam 9")
    assert user.effects == [RescheduleBooking("EK-0002", datetime(2026, 12, 2, 9, tzinfo=WIB))]
