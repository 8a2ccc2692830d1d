"""Replies as cooperatives really write them (../shared/corpus/replies.tsv, written apart from
the code), and the failures the issue names, through the whole conversation."""

import pytest

from flows.conversation import S
from flows.model import SubmitBooking
from tests.helpers import SHARED, User, booked_up_to, corpus, understood

# Not understood yet (issue 11 goes on): strict, so each one fixed must leave this list.
KNOWN_MISSES: set[tuple[str, str]] = set()


def _rows() -> list:
    if not (SHARED / "corpus" / "replies.tsv").exists():
        return [pytest.param(None, None, None, marks=pytest.mark.skip(reason="no ../shared"))]
    rows = [row for row in corpus("replies") if row[0] != "step"]
    return [pytest.param(*row, id=f"{row[0]}:{row[1]}",
                         marks=[pytest.mark.xfail(strict=True)] if tuple(row[:2]) in KNOWN_MISSES
                         else [])  # fmt: skip
            for row in rows]


@pytest.mark.parametrize(("step", "text", "expected"), _rows())
def test_a_corpus_reply_is_understood(step, text, expected) -> None:
    assert understood(step, text, expected)


def test_mau_ubah_at_the_summary_changes_and_never_sends() -> None:
    user = booked_up_to(S.SUMMARY)
    user.says("mau ubah")
    assert user.state == S.EDIT and not any(isinstance(e, SubmitBooking) for e in user.effects)
    user = booked_up_to(S.SUMMARY)
    user.says("👍")
    assert any(isinstance(e, SubmitBooking) for e in user.effects)


@pytest.mark.parametrize("text", ["nggak jadi aja", "gak jadi", "batal aja pak"])
def test_not_going_ahead_cancels_at_any_step(text) -> None:
    user = booked_up_to(S.TOPIC)
    assert "dibatalkan" in user.says(text).lower() and user.state == "menu"


def test_after_stop_mulai_ulang_starts_again_and_keeps_the_answers() -> None:
    user = booked_up_to(S.KECAMATAN)
    user.says("STOP")
    assert user.says("mulai ulang")
    assert user.chat.scratch.draft is not None and user.chat.scratch.draft.answers["coop_name"]


@pytest.mark.parametrize(("text", "name", "role"), [
    ("Agus, waket", "Agus", "wakil_ketua"), ("sy pak Ahmad ketua", "Ahmad", "ketua"),
    ("ketua: Bambang", "Bambang", "ketua"), ("Budi, ketua koperasi", "Budi", "ketua"),
])  # fmt: skip
def test_the_role_is_found_anywhere_in_the_name(text, name, role) -> None:
    user = booked_up_to(S.CONTACT_NAME)
    user.says(text)
    assert user.answers["contact_name"] == name and user.answers["contact_role"] == role
    assert user.state == S.TOPIC, "the role is not asked again"


@pytest.mark.parametrize(("text", "nik"), [
    ("NIK 3603123456789012", "3603123456789012"),
    ("ada, 3603-1234-5678-9012 🙏", "3603123456789012"),
    ("Belum ada pak 🙏", None), ("lagi diurus", None),
])  # fmt: skip
def test_the_nomor_induk_is_found_anywhere_and_not_yet_in_many_words(text, nik) -> None:
    user = booked_up_to(S.NIK)
    user.says(text)
    assert user.state == S.COOP_KIND and user.answers["nik"] == nik


def test_a_yes_is_not_a_cooperatives_name() -> None:
    user = booked_up_to(S.COOP_NAME)
    user.says("ya")
    assert user.state == S.COOP_NAME and "coop_name" not in user.answers


@pytest.mark.parametrize(("text", "says", "menu"), [
    ("terima kasih pak", "Sama-sama", False), ("makasih bu 🙏", "Sama-sama", False),
    ("ok", "Sama-sama", False), ("Assalamualaikum wr. wb.", "Waalaikumsalam", True),
    ("selamat pagi", "selamat datang kembali", True),
])  # fmt: skip
def test_thanks_and_greetings_get_a_kind_answer_never_not_understood(text, says, menu) -> None:
    """People always thank: it used to get "pilihan itu belum saya pahami" and the menu."""
    user = User()
    user.says("halo")
    reply = user.says(text)
    assert says in reply and "belum saya pahami" not in reply
    assert ("Silakan pilih" in reply) is menu


def test_a_time_given_in_two_messages_keeps_both_parts() -> None:
    """"jam 2 siang" then "tgl 8" used to forget the hour and list the 8th's free times."""
    user = booked_up_to(S.WHEN)
    assert "pada hari apa" in user.says("jam 2 siang")
    user.says("tgl 8")
    assert user.state == S.SUMMARY and user.answers["start"] == "2026-12-08T14:00:00+07:00"


# More replies as people write them, found trying the bot (not from the shared corpus).
MORE = [
    ("menu", "mau konsul", "book"), ("menu", "batalin jadwal", "manage"),
    ("topic", "pemasaran produk", "usaha"), ("topic", "AD/ART", "kelembagaan"),
    ("topic", "rat", "kelembagaan"), ("topic", "modal", "keuangan"),
    ("topic", "legalitas", "kelembagaan"), ("role", "wk ketua", "wakil_ketua"),
    ("coop_kind", "koperasi simpan pinjam", "ksp"),
    ("coop_kind", "koperasi simpan pinjam syariah", "syariah"),
    ("problem_area", "kredit macet", "keuangan"), ("problem_area", "persaingan", "ekonomi"),
]  # fmt: skip


@pytest.mark.parametrize(("table", "text", "key"), MORE)
def test_more_replies_as_people_write_them(table, text, key) -> None:
    from flows.choices import COOP_KINDS, MAIN_MENU, PROBLEM_AREAS, ROLES, TOPICS

    choices = {"menu": MAIN_MENU, "topic": TOPICS, "role": ROLES, "coop_kind": COOP_KINDS,
               "problem_area": PROBLEM_AREAS}[table]  # fmt: skip
    assert choices.read(text) == (key, True)


@pytest.mark.parametrize(("text", "said"), [("gpp", True), ("gapapa", True), ("ga masalah", True),
                                            ("ga", False), ("gpp lanjut", True)])  # fmt: skip
def test_no_objection_is_a_yes(text, said) -> None:
    from flows.chat import yes_no

    assert yes_no(text) is said


@pytest.mark.parametrize(("text", "solved"), [
    ("alhamdulillah sudah", True), ("alhamdulillah teratasi", True), ("iya sudah beres", True),
    ("ya belum", False), ("kurang puas", None), ("tidak puas", None),
    ("kurang puas, belum teratasi", False), ("sangat puas, sudah beres", True),
])  # fmt: skip
def test_solved_after_a_word_of_thanks_to_god(text, solved) -> None:
    from flows.conversation.aftercare import solved_in

    assert solved_in(text) is solved


@pytest.mark.parametrize(("step", "text", "expected"), [
    ("nik", "nanti sy kirim", "BELUM"), ("nik", "skip", "BELUM"), ("nik", "lewati", "BELUM"),
    ("kecamatan", "Desa Bojong, Cikupa", "Cikupa"),
    ("kecamatan", "jl raya serang km 20 balaraja", "Balaraja"),
    ("coop_name", "nama koperasinya Kopkar Sejahtera", "Kopkar Sejahtera"),
    ("coop_name", "koperasi kami KSU Bina Usaha", "KSU Bina Usaha"),
    ("coop_name", "Nama koperasi: KSP Mekar", "KSP Mekar"),
    ("coop_name", "Koperasi Karyawan PT Indah Jaya", "Koperasi Karyawan PT Indah Jaya"),
    ("name_role", "dengan Rudi, manajer", "Rudi|manajer"),
    ("name_role", "Nama: Dewi, Jabatan: Bendahara", "Dewi|bendahara"),
    ("satisfaction", "sangat puas", "5"), ("satisfaction", "puas", "4"),
    ("satisfaction", "cukup puas pak", "3"), ("satisfaction", "kurang puas", "2"),
    ("satisfaction", "tidak puas", "1"), ("satisfaction", "puas sekali, terima kasih", "5"),
])  # fmt: skip
def test_more_answers_in_the_words_people_use(step, text, expected) -> None:
    assert understood(step, text, expected)
