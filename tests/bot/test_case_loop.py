"""The whole loop through the webhook (both backends): book → confirm → session → prescription
→ satisfaction → BELUM → follow-up in the same case → SUDAH closes it."""

from sqlmodel import col, select

from storage.bookings import decide_link
from storage.db import transaction
from storage.models import Booking, Case, Link, OutboundMessage
from tests.helpers import ADMIN, COOP_PHONE, NOW, SRI, WhatsApp, at, book, log_in, post, run_at


def last_to(engine, phone: str, kind: str) -> OutboundMessage:
    with transaction(engine) as session:
        query = select(OutboundMessage).where(
            OutboundMessage.to_phone == phone, OutboundMessage.kind == kind
        )
        return session.exec(query.order_by(col(OutboundMessage.id).desc())).first()


def test_the_case_is_followed_until_solved(app, engine, session_ready) -> None:
    whatsapp, clock = session_ready  # EK-0001: Monday 30 November 10.00, finance, Ir. Sri

    clock["now"] = at("2026-11-30 11:05")  # after the session
    assert "sudah berlangsung" in whatsapp.send(SRI, "SELESAI EK-0001")[0]
    whatsapp.send(SRI, "RESEP EK-0001")
    whatsapp.send(SRI, "1. Perbarui data anggota.")
    whatsapp.send(SRI, "2. Tagih tunggakan bertahap.")
    whatsapp.send(SRI, "KIRIM")
    assert "dikirim" in whatsapp.send(SRI, "YA")[0]
    # the cooperative last wrote on Friday: an announcement, the text when it replies
    assert last_to(engine, COOP_PHONE, "prescription_notice") is not None
    whatsapp.send(COOP_PHONE, "baik, terima kasih")
    assert "Tagih tunggakan bertahap" in last_to(engine, COOP_PHONE, "prescription").body

    run_at(app, at("2026-12-01 09:59"))
    assert last_to(engine, COOP_PHONE, "follow_up").status == "pending"
    run_at(app, at("2026-12-01 10:00"))  # the next working day
    assert last_to(engine, COOP_PHONE, "follow_up").status == "delivered"

    clock["now"] = at("2026-12-01 10:10")
    assert "4/5" in whatsapp.send(COOP_PHONE, "4")[0]
    reply = "\n".join(whatsapp.send(COOP_PHONE, "belum"))
    assert "kami lanjutkan" in reply and "masih belum teratasi" in reply
    whatsapp.send(COOP_PHONE, "Tunggakan tinggal sedikit, tapi anggota baru belum paham aturan.")
    assert "Mohon periksa" in whatsapp.send(COOP_PHONE, "rabu jam 10")[0]
    assert "*EK-0002*" in whatsapp.send(COOP_PHONE, "ya")[0]
    with transaction(engine) as session:
        first, second = session.exec(select(Booking).order_by(col(Booking.id))).all()
        assert first.case_id == second.case_id and first.satisfaction == 4
        assert first.solved is False and second.topic_key == first.topic_key
        assert "anggota baru" in second.problem_text

    notice = last_to(engine, ADMIN, "admin_notice").body  # the follow-up says what it is
    assert "Pendaftaran baru EK-0002*\n🔁 Lanjutan kasus #1, sesi ke-2" in notice
    assert "resep sebelumnya: 1. Perbarui data anggota." in notice and "Jenis: " in notice
    detail = "\n".join(whatsapp.send(ADMIN, "DETAIL EK-0002"))
    assert "Lanjutan kasus #1, sesi ke-2" in detail and "Jenis: " in detail
    from bot.console.auth import hash_password
    from storage.users import save_user
    from tests.helpers import PASSWORD, log_in

    with transaction(engine) as session:
        save_user(session, "admin@dinas.go.id", hash_password(PASSWORD), "admin", "Rina")
    console = app.test_client()
    log_in(console)
    page = console.get("/admin/booking/EK-0002").get_data(as_text=True)
    assert "🔁 Lanjutan kasus #1, sesi ke-2; resep sebelumnya: 1. Perbarui data anggota." in page
    whatsapp.send(ADMIN, "KONFIRMASI EK-0002")
    run_at(app, at("2026-12-02 07:00"))
    schedule = last_to(engine, SRI, "expert_schedule").body
    assert "sesi ke-2; resep sebelumnya: 1. Perbarui data anggota." in schedule

    clock["now"] = at("2026-12-02 11:05")
    whatsapp.send(COOP_PHONE, "ok")  # the cooperative is in the window: the text goes at once
    whatsapp.send(SRI, "RESEP EK-0002 Adakan pelatihan anggota baru tiap bulan.")
    run_at(app, at("2026-12-03 10:00"))
    clock["now"] = at("2026-12-03 10:30")
    assert "kami tutup" in whatsapp.send(COOP_PHONE, "sudah")[0]
    with transaction(engine) as session:
        case = session.exec(select(Case)).one()
    assert case.status == "closed" and case.closed_reason == "solved (SUDAH)"
    assert "5/5" in whatsapp.send(COOP_PHONE, "5")[0]  # the score it asked for then
    status = "\n".join(whatsapp.send(COOP_PHONE, "2"))
    assert "Kasus #1 (selesai)" in status and "resep EK-0001: 1. Perbarui" in status


def test_two_board_members_one_nik_one_history_once_linked(app, engine) -> None:
    app.extensions["clock"] = lambda: NOW
    whatsapp = WhatsApp(app.test_client())
    book(whatsapp)  # NIK 3603123456780001, from COOP_PHONE
    other = "+6281277778888"
    for text in ["halo", "1", "Kop. Maju Bersama", "3603.1234.5678.0001", "1", "Cikupa",
                 "Rudi, sekretaris", "4", "6", "Pemasaran produk anggota masih lemah.",
                 "selasa jam 9"]:  # fmt: skip
        whatsapp.send(other, text)
    assert "*EK-0002*" in whatsapp.send(other, "ya")[0]
    status = "\n".join(whatsapp.send(other, "2"))
    assert "EK-0001" not in status and "EK-0002" in status, "not linked yet: its own only"
    with transaction(engine) as session:
        cooperatives = {b.cooperative_id for b in session.exec(select(Booking)).all()}
        assert len(cooperatives) == 1
        decide_link(session, cooperatives.pop(), other, Link.LINKED, "admin@dinas.go.id", NOW)
    whatsapp.send(other, "menu")
    status = "\n".join(whatsapp.send(other, "2"))
    assert "EK-0001" in status and "EK-0002" in status
    # each member still changes only the bookings made from their own number
    assert "EK-0002: apa yang ingin dilakukan?" in whatsapp.send(other, "3")[0]


def test_an_administrator_closes_a_case_and_no_survey_follows(app, engine, session_ready) -> None:
    whatsapp, clock = session_ready
    clock["now"] = at("2026-11-30 11:05")
    whatsapp.send(SRI, "RESEP EK-0001 Bentuk tim penagihan.")
    assert "alasannya belum ditulis" in whatsapp.send(ADMIN, "TUTUP EK-0001")[0]
    assert (
        "ditutup: koperasi bergabung" in whatsapp.send(ADMIN, "TUTUP EK-0001 koperasi bergabung")[0]
    )
    assert "sudah ditutup" in whatsapp.send(ADMIN, "TUTUP EK-0001 lagi")[0]
    run_at(app, at("2026-12-01 10:00"))
    survey = last_to(engine, COOP_PHONE, "follow_up")
    assert survey.status == "cancelled" and survey.error == "case is closed"


def test_the_console_writes_prescriptions_and_closes_cases(app, engine, session_ready) -> None:
    from bot.console.auth import hash_password
    from storage.models import Expert
    from storage.users import save_user

    _whatsapp, clock = session_ready
    with transaction(engine) as session:
        sri = session.exec(select(Expert).where(Expert.phone == SRI)).one()
        ahmad = session.exec(select(Expert).where(Expert.phone != SRI)).first()
        save_user(session, "sri@dinas.go.id", hash_password("rahasia-sekali"), "expert", "", sri.id)
        save_user(session, "ahmad@dinas.go.id", hash_password("rahasia-sekali"), "expert", "",
                  ahmad.id)  # fmt: skip
        save_user(session, "admin@dinas.go.id", hash_password("rahasia-sekali"), "admin")
    other = app.test_client()
    log_in(other, "ahmad@dinas.go.id", "rahasia-sekali")
    assert other.get("/admin/booking/EK-0001").status_code == 404
    console = app.test_client()
    log_in(console, "sri@dinas.go.id", "rahasia-sekali")
    clock["now"] = at("2026-11-30 11:05")
    page = post(console, "/admin/booking/EK-0001/prescription", "/admin/booking/EK-0001",
                text="Susun SOP penagihan.").get_data(as_text=True)  # fmt: skip
    assert "tersimpan dan dikirim" in page and "Berkas kasus #1" in page
    assert last_to(engine, COOP_PHONE, "prescription_notice") is not None
    admin = app.test_client()
    log_in(admin, "admin@dinas.go.id", "rahasia-sekali")
    page = post(admin, "/admin/booking/EK-0001/close", "/admin/booking/EK-0001",
                reason="ditangani dinas provinsi").get_data(as_text=True)  # fmt: skip
    assert "ditutup: ditangani dinas provinsi" in page
    with transaction(engine) as session:
        assert session.exec(select(Case.status)).one() == "closed"


def _surveyed(app, session_ready) -> WhatsApp:
    """EK-0001 held and prescribed; the satisfaction question went out ten minutes ago."""
    whatsapp, clock = session_ready
    clock["now"] = at("2026-11-30 11:05")
    whatsapp.send(SRI, "SELESAI EK-0001")
    whatsapp.send(SRI, "RESEP EK-0001 Perbarui data anggota.")
    whatsapp.send(COOP_PHONE, "baik")
    run_at(app, at("2026-12-01 10:00"))
    clock["now"] = at("2026-12-01 10:10")
    return whatsapp


def test_a_reply_to_the_survey_that_is_not_an_answer_asks_again(app, engine, session_ready):
    """After "mantap" the bot used to show the menu, then "5" opened "Hubungi admin" and the
    rating was lost."""
    whatsapp = _surveyed(app, session_ready)
    again = "\n".join(whatsapp.send(COOP_PHONE, "mantap sekali pelayanannya"))
    assert "belum saya pahami" in again and "1" in again and "Silakan pilih" not in again
    assert "5/5" in whatsapp.send(COOP_PHONE, "5")[0]
    assert "kami tutup" in whatsapp.send(COOP_PHONE, "sdh pak")[0]
    with transaction(engine) as session:
        booking = session.exec(select(Booking)).one()
    assert booking.satisfaction == 5 and booking.solved is True


def test_score_and_solved_in_one_message(app, engine, session_ready) -> None:
    whatsapp = _surveyed(app, session_ready)
    reply = "\n".join(whatsapp.send(COOP_PHONE, "5 pak, sdh jelas 🙏"))
    assert "5/5" in reply and "kami tutup" in reply
