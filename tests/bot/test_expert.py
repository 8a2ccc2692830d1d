"""The expert's side by WhatsApp: schedule, outcome, prescription (both backends)."""

from datetime import timedelta

import pytest
from sqlmodel import select

from storage.db import transaction
from storage.models import Booking
from tests.helpers import AHMAD, COOP_PHONE, NOW, SRI, WhatsApp, messages_to


def expert(whatsapp: WhatsApp, text: str, phone: str = SRI) -> str:
    return "\n".join(whatsapp.send(phone, text))


def to_coop(engine, kind: str) -> list:
    return messages_to(engine, COOP_PHONE, kind)


def booking(engine) -> Booking:
    with transaction(engine) as session:
        return session.exec(select(Booking)).one()


def test_jadwal_shows_the_experts_own_sessions(session_ready) -> None:
    whatsapp, _clock = session_ready
    assert "Tidak ada sesi Anda pada Jumat, 27 November 2026" in expert(whatsapp, "JADWAL")
    reply = expert(whatsapp, "jadwal senin")
    assert "Senin, 30 November 2026" in reply and "10.00 WIB — EK-0001 Koperasi Maju" in reply
    assert "Tidak ada sesi Anda" in expert(whatsapp, "JADWAL senin", phone=AHMAD)


def test_a_one_message_prescription_reaches_the_cooperative(session_started, engine) -> None:
    whatsapp, _clock = session_started
    reply = expert(whatsapp, "RESEP EK-0001 Susun ulang daftar anggota aktif dan tagih bertahap.")
    assert "tersimpan dan dikirim" in reply
    [message] = to_coop(engine, "prescription")
    assert "Resep E-Klinik EK-0001" in message.body and "tagih bertahap" in message.body
    done = booking(engine)
    assert done.status == "done" and done.prescription.startswith("Susun ulang")


def test_a_prescription_over_several_messages_with_preview(session_started, engine) -> None:
    whatsapp, _clock = session_started
    assert "boleh dalam beberapa pesan" in expert(whatsapp, "RESEP EK-0001")
    assert "Tercatat" in expert(whatsapp, "1. Perbarui data anggota.")
    assert "Tercatat" in expert(whatsapp, "2. Buat jadwal penagihan.")
    preview = expert(whatsapp, "KIRIM")
    assert "Pratinjau" in preview and "1. Perbarui" in preview and "2. Buat" in preview
    assert to_coop(engine, "prescription") == []
    assert "dikirim" in expert(whatsapp, "ya")
    [message] = to_coop(engine, "prescription")
    assert "1. Perbarui data anggota.\n\n2. Buat jadwal penagihan." in message.body
    assert "Tidak ada sesi" in expert(whatsapp, "JADWAL besok")  # the draft is over


def test_batal_drops_the_draft(session_started, engine) -> None:
    whatsapp, _clock = session_started
    expert(whatsapp, "RESEP EK-0001")
    expert(whatsapp, "catatan pertama")
    assert "tidak dikirim" in expert(whatsapp, "BATAL")
    assert to_coop(engine, "prescription") == [] and booking(engine).prescription is None


def test_a_long_prescription_goes_in_numbered_parts(session_started, engine) -> None:
    whatsapp, _clock = session_started
    long_text = " ".join(f"Langkah {n}: perbaiki pencatatan simpanan anggota." for n in range(80))
    expert(whatsapp, f"RESEP EK-0001 {long_text}")
    parts = to_coop(engine, "prescription")
    assert len(parts) >= 3 and parts[0].body.startswith("(1/")
    assert all(len(part.body) <= 1600 for part in parts)


def test_another_experts_session_is_refused_without_leaking(session_ready, engine) -> None:
    whatsapp, _clock = session_ready
    for text in ["RESEP EK-0001 coba", "SELESAI EK-0001", "TIDAK HADIR EK-0001"]:
        reply = expert(whatsapp, text, phone=AHMAD)
        assert reply == "*EK-0001* bukan sesi Anda." and "Koperasi" not in reply
    assert booking(engine).status == "confirmed"
    assert expert(whatsapp, "SELESAI EK-0999", phone=AHMAD) == "*EK-0999* bukan sesi Anda."


def test_selesai_then_resep_later(session_started, engine) -> None:
    whatsapp, _clock = session_started
    assert "sudah berlangsung" in expert(whatsapp, "SELESAI EK-0001")
    assert booking(engine).outcome == "held"
    assert "tersimpan" in expert(whatsapp, "RESEP EK-0001 Adakan RAT luar biasa.")


def test_tidak_hadir_tells_the_cooperative_kindly(session_started, engine) -> None:
    whatsapp, _clock = session_started
    assert "tidak hadir" in expert(whatsapp, "TIDAK HADIR EK-0001")
    [message] = to_coop(engine, "no_show")
    assert "ketik 1 untuk mendaftar lagi" in message.body
    assert all(m.status == "cancelled" for m in to_coop(engine, "reminder_hour_before"))
    assert "belum bisa" in expert(whatsapp, "RESEP EK-0001 x")


def test_outside_the_window_an_announcement_then_the_text_on_reply(session_ready, engine) -> None:
    whatsapp, clock = session_ready
    clock["now"] = NOW + timedelta(days=4)  # the cooperative last wrote four days ago
    expert(whatsapp, "RESEP EK-0001 Bentuk tim penagihan.")
    assert to_coop(engine, "prescription") == []
    [notice] = to_coop(engine, "prescription_notice")
    assert "sudah tersedia" in notice.body and notice.variables == {"1": "EK-0001", "2": "Ir. Sri"}
    assert booking(engine).prescription_pending is True
    whatsapp.send(COOP_PHONE, "terima kasih")
    [message] = to_coop(engine, "prescription")
    assert "Bentuk tim penagihan." in message.body
    assert booking(engine).prescription_pending is False


@pytest.mark.parametrize(
    ("text", "says"),
    [("RESEP", "kode pendaftarannya belum ada"), ("TIDAK HADIR", "kodenya belum ada"),
     ("JADWAL kapan-kapan", "belum saya pahami")],
)  # fmt: skip
def test_mistyped_expert_commands_get_an_example(session_ready, text, says) -> None:
    whatsapp, _clock = session_ready
    reply = expert(whatsapp, text)
    assert says in reply and "Contoh:" in reply


@pytest.mark.parametrize(("text", "example"), [
    ("resp EK-0001 Adakan RAT luar biasa.", "RESEP EK-0042"), ("selesei EK-0001", "SELESAI"),
    ("tdk hadir EK-0001", "TIDAK HADIR"), ("tidak hadr EK-0001", "TIDAK HADIR"),
])  # fmt: skip
def test_a_misspelled_expert_verb_that_changes_something_is_never_done(
    session_started, engine, text, example
) -> None:
    whatsapp, _clock = session_started
    reply = expert(whatsapp, text)
    assert "belum ada yang diubah" in reply and example in reply
    done = booking(engine)
    assert (done.outcome, done.prescription) == (None, None)
    assert to_coop(engine, "no_show") == [] and to_coop(engine, "prescription") == []


def test_bantuan_for_experts_and_ordinary_messages_go_to_the_menu(session_ready) -> None:
    whatsapp, _clock = session_ready
    assert "RESEP EK-0042" in expert(whatsapp, "BANTUAN")
    assert "Silakan pilih" in expert(whatsapp, "halo")
