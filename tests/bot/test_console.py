"""The web console (/admin) through Flask's test client, on both backends."""

import re

import pytest
from sqlmodel import col, select

from bot.console.auth import hash_password
from storage.db import transaction
from storage.directory import add_expert
from storage.models import (
    Administrator,
    Booking,
    BookingEvent,
    ClosedDay,
    Expert,
    ExpertDayOff,
    OutboundMessage,
)
from storage.users import save_user
from tests.helpers import (
    ADMIN,
    COOP_PHONE,
    NOW,
    PASSWORD,
    SRI,
    WhatsApp,
    log_in,
    post,
    request,
    set_link,
    token,
)


@pytest.fixture
def console(app, engine):
    app.extensions["clock"] = lambda: NOW
    with transaction(engine) as session:
        sri = session.exec(select(Expert).where(Expert.phone == SRI)).one()
        save_user(session, "admin@dinas.go.id", hash_password(PASSWORD), "admin", "Rina")
        save_user(session, "sri@dinas.go.id", hash_password(PASSWORD), "expert", "Sri", sri.id)
        save_user(session, "resepsionis@dinas.go.id", hash_password(PASSWORD), "receptionist")
    return app.test_client()


def try_to_decline(client, code: str):
    csrf = token(client, "/admin/")
    return client.post(f"/admin/booking/{code}/decline", data={"reason": "x", "csrf_token": csrf})


def test_pages_need_a_log_in(console) -> None:
    for path in ["/admin/", "/admin/calendar", "/admin/experts", "/admin/booking/EK-0001"]:
        response = console.get(path)
        assert response.status_code == 302 and "/admin/login" in response.location


def test_wrong_password_is_refused(console) -> None:
    page = log_in(console, password="salah").get_data(as_text=True)
    assert "E-mail atau kata sandi salah." in page
    assert console.get("/admin/").status_code == 302


def test_log_in_and_out(console) -> None:
    assert log_in(console).status_code == 302
    assert "Permintaan konsultasi" in console.get("/admin/").get_data(as_text=True)
    console.post("/admin/logout", data={"csrf_token": token(console, "/admin/")})
    assert console.get("/admin/").status_code == 302


def test_passwords_are_stored_hashed(console, engine) -> None:
    from storage.models import User

    with transaction(engine) as session:
        stored = session.exec(select(User.password_hash)).all()
    assert all(PASSWORD not in value and value.startswith("scrypt:") for value in stored)


def test_forms_without_the_csrf_token_are_refused(console, engine) -> None:
    code = request(engine, COOP_PHONE, "2026-12-01 10:00")
    log_in(console)
    response = console.post(f"/admin/booking/{code}/decline", data={"reason": "x"})
    assert response.status_code == 400
    with transaction(engine) as session:
        assert session.exec(select(Booking.status)).one() == "waiting"


def test_the_session_cookie_is_http_only(console) -> None:
    response = log_in(console)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_inbox_filters(console, engine) -> None:
    request(engine, "+6281200000001", "2026-12-01 10:00", name="KSP Cikupa", topic="keuangan")
    request(engine, "+6281200000002", "2026-12-02 10:00", name="KSP Mentor", topic="pendampingan")
    log_in(console)
    everything = console.get("/admin/").get_data(as_text=True)
    assert "KSP Cikupa" in everything and "KSP Mentor" in everything
    only = console.get("/admin/?topic=pendampingan").get_data(as_text=True)
    assert "KSP Mentor" in only and "KSP Cikupa" not in only
    by_day = console.get("/admin/?date=2026-12-01").get_data(as_text=True)
    assert "KSP Cikupa" in by_day and "KSP Mentor" not in by_day
    assert "Tidak ada permintaan" in console.get("/admin/?status=declined").get_data(as_text=True)
    assert "KSP" not in console.get("/admin/?kecamatan=Mauk").get_data(as_text=True).split(
        "<tbody>")[1]  # fmt: skip


def test_console_confirm_sends_the_same_messages_as_the_command(console, app, engine) -> None:
    set_link(engine, SRI, "https://zoom.us/j/555")
    by_console = request(engine, "+6281200000001", "2026-12-01 10:00", name="KSP A")
    by_whatsapp = request(engine, "+6281200000002", "2026-12-02 10:00", name="KSP A")
    log_in(console)
    page = post(console, f"/admin/booking/{by_console}/confirm", f"/admin/booking/{by_console}",
                start="", expert_id="", url="").get_data(as_text=True)  # fmt: skip
    assert "terkonfirmasi" in page
    WhatsApp(app.test_client()).send(ADMIN, f"KONFIRMASI {by_whatsapp}")

    def sent(code: str) -> list[tuple[str, str]]:
        with transaction(engine) as session:
            booking = session.exec(select(Booking).where(Booking.code == code)).one()
            rows = session.exec(
                select(OutboundMessage)
                .where(OutboundMessage.booking_id == booking.id)
                .order_by(col(OutboundMessage.id))
            )
            return [(m.kind, re.sub(r"EK-\d+|\+62\d+|\d+ Desember 2026|Selasa|Rabu", "·", m.body))
                    for m in rows if m.kind != "admin_notice"]  # fmt: skip

    assert sent(by_console) == sent(by_whatsapp)
    assert [kind for kind, _body in sent(by_console)] == [
        "confirmation",
        "reminder_day_before",
        "reminder_hour_before",
        "expert_notice",
    ]
    with transaction(engine) as session:
        actors = session.exec(select(BookingEvent.actor).where(
            BookingEvent.action == "confirmed")).all()  # fmt: skip
    assert sorted(actors) == sorted(["admin@dinas.go.id", ADMIN])
    page = console.get(f"/admin/booking/{by_console}").get_data(as_text=True)
    assert "dikonfirmasi oleh admin@dinas.go.id" in page and "Konfirmasi" in page


def test_console_propose_and_decline(console, engine) -> None:
    code = request(engine, COOP_PHONE, "2026-12-01 10:00")
    log_in(console)
    page = post(console, f"/admin/booking/{code}/propose", f"/admin/booking/{code}",
                start="rabu jam 13").get_data(as_text=True)  # fmt: skip
    assert "sudah dikirim ke koperasi" in page
    page = post(console, f"/admin/booking/{code}/decline", f"/admin/booking/{code}",
                reason="di luar layanan").get_data(as_text=True)  # fmt: skip
    assert "ditolak" in page
    with transaction(engine) as session:
        kinds = session.exec(select(OutboundMessage.kind).where(
            OutboundMessage.to_phone == COOP_PHONE)).all()  # fmt: skip
    assert kinds == ["proposal", "decline"]


def test_a_time_the_console_cannot_read_is_explained(console, engine) -> None:
    code = request(engine, COOP_PHONE, "2026-12-01 10:00")
    log_in(console)
    page = post(console, f"/admin/booking/{code}/propose", f"/admin/booking/{code}",
                start="kapan-kapan").get_data(as_text=True)  # fmt: skip
    assert "belum dipahami" in page


def test_double_booking_is_refused_in_the_console(console, engine) -> None:
    set_link(engine, SRI, "https://zoom.us/j/555")
    first = request(engine, "+6281200000001", "2026-12-01 10:00")
    second = request(engine, "+6281200000002", "2026-12-01 10:00")
    log_in(console)
    with transaction(engine) as session:
        sri = session.exec(select(Expert).where(Expert.phone == SRI)).one().id
    for code in (first, second):
        page = post(console, f"/admin/booking/{code}/confirm", f"/admin/booking/{code}",
                    start="", expert_id=str(sri), url="").get_data(as_text=True)  # fmt: skip
    assert "sudah punya sesi" in page


def test_change_expert_and_link_of_a_confirmed_session(console, engine) -> None:
    set_link(engine, SRI, "https://zoom.us/j/555")
    with transaction(engine) as session:
        other = add_expert(session, "Drs. Budi", "+6281100000007", ["keuangan"], None)
    code = request(engine, COOP_PHONE, "2026-12-01 10:00")
    log_in(console)
    post(console, f"/admin/booking/{code}/confirm", f"/admin/booking/{code}", start="",
         expert_id="", url="")  # fmt: skip
    page = post(console, f"/admin/booking/{code}/expert", f"/admin/booking/{code}",
                expert_id=str(other.id)).get_data(as_text=True)  # fmt: skip
    assert "Drs. Budi" in page
    page = post(console, f"/admin/booking/{code}/link", f"/admin/booking/{code}",
                url="https://zoom.us/j/999").get_data(as_text=True)  # fmt: skip
    assert "https://zoom.us/j/999" in page
    with transaction(engine) as session:
        to_sri = session.exec(select(OutboundMessage.kind).where(
            OutboundMessage.to_phone == SRI)).all()  # fmt: skip
    assert to_sri == ["expert_notice", "expert_cancelled"]


def test_an_expert_sees_only_their_own_sessions(console, engine) -> None:
    set_link(engine, SRI, "https://zoom.us/j/555")
    set_link(engine, "+6281100000002", "https://zoom.us/j/2")
    own = request(engine, "+6281200000001", "2026-12-01 10:00", name="KSP Milik Sri")
    other = request(engine, "+6281200000002", "2026-12-01 10:00", name="KSP Lain",
                    topic="pendampingan")  # fmt: skip
    log_in(console)
    for code in (own, other):
        post(console, f"/admin/booking/{code}/confirm", f"/admin/booking/{code}", start="",
             expert_id="", url="")  # fmt: skip
    console.post("/admin/logout", data={"csrf_token": token(console, "/admin/")})
    log_in(console, "sri@dinas.go.id")
    inbox = console.get("/admin/").get_data(as_text=True)
    assert "KSP Milik Sri" in inbox and "KSP Lain" not in inbox
    assert console.get(f"/admin/booking/{other}").status_code == 404
    assert "Konfirmasi</h2>" not in console.get(f"/admin/booking/{own}").get_data(as_text=True)
    assert console.get("/admin/experts").status_code == 403
    assert try_to_decline(console, own).status_code == 403


def test_a_receptionist_reads_but_does_not_act(console, engine) -> None:
    code = request(engine, COOP_PHONE, "2026-12-01 10:00")
    log_in(console, "resepsionis@dinas.go.id")
    assert code in console.get("/admin/").get_data(as_text=True)
    assert try_to_decline(console, code).status_code == 403


def test_the_calendar_shows_sessions_and_waiting_requests_by_day(console, engine) -> None:
    set_link(engine, SRI, "https://zoom.us/j/555")
    code = request(engine, COOP_PHONE, "2026-12-01 10:00", name="KSP Kalender")
    waiting = request(engine, "+6281200000002", "2026-12-02 13:00", name="KSP Menunggu")
    log_in(console)
    post(console, f"/admin/booking/{code}/confirm", f"/admin/booking/{code}", start="",
         expert_id="", url="")  # fmt: skip
    page = console.get("/admin/calendar?week=2026-11-30").get_data(as_text=True)
    assert "30 November 2026 – 4 Desember 2026" in page  # Indonesian dates, never ISO
    assert "<h2 id=\"day-2026-12-01\">Selasa, 1 Desember 2026</h2>" in page
    assert f"{code} · KSP Kalender · Ir. Sri" in page
    assert f'class="item request" href="/admin/booking/{waiting}"' in page
    assert f"{waiting} · KSP Menunggu · Menunggu konfirmasi" in page


@pytest.mark.parametrize(("today", "monday"), [
    ("2026-11-27 10:00", "2026-11-23"),  # a Friday: its own week
    ("2026-11-28 10:00", "2026-11-30"),  # a Saturday: the next one
    ("2026-11-29 10:00", "2026-11-30"),  # a Sunday: the next one
])  # fmt: skip
def test_the_calendar_opens_on_the_current_or_next_working_week(console, app, today,
                                                                 monday) -> None:  # fmt: skip
    from tests.helpers import at

    app.extensions["clock"] = lambda: at(today)
    log_in(console)
    page = console.get("/admin/calendar").get_data(as_text=True)
    assert f'href="?week={monday}&amp;day=' in page


def test_on_a_holiday_the_calendar_says_the_clinic_is_closed(console) -> None:
    log_in(console)
    page = console.get("/admin/calendar?week=2026-12-21").get_data(as_text=True)
    assert "Klinik tutup: Hari Raya Natal" in page


def test_experts_closed_days_and_admins_pages(console, engine) -> None:
    log_in(console)
    page = post(console, "/admin/experts", "/admin/experts", name="Dra. Wati",
                phone="0812 5555 6666", topics="usaha", link="https://zoom.us/j/42").get_data(
                as_text=True)  # fmt: skip
    assert "Dra. Wati tersimpan" in page
    page = post(console, "/admin/experts", "/admin/experts", name="X", phone="12",
                topics="usaha").get_data(as_text=True)  # fmt: skip
    assert "wajib diisi" in page
    with transaction(engine) as session:
        wati = session.exec(select(Expert).where(Expert.name == "Dra. Wati")).one()
    post(console, f"/admin/experts/{wati.id}/day-off", "/admin/experts", day="2026-12-03",
         reason="Pelatihan")  # fmt: skip
    post(console, "/admin/closed", "/admin/closed", day="2026-12-24", reason="Cuti bersama")
    page = post(console, "/admin/admins", "/admin/admins", phone="0811 7777 8888",
                name="Budi").get_data(as_text=True)  # fmt: skip
    assert "+6281177778888 menjadi admin" in page
    with transaction(engine) as session:
        assert session.exec(select(ExpertDayOff.reason)).all() == ["Pelatihan"]
        assert session.exec(select(ClosedDay.reason)).all() == ["Cuti bersama"]
        assert "+6281177778888" in session.exec(select(Administrator.phone)).all()
    post(console, "/admin/closed", "/admin/closed", day="2026-12-24", remove="1")
    with transaction(engine) as session:
        assert session.exec(select(ClosedDay)).all() == []


def test_editing_an_expert_changes_that_expert(console, engine) -> None:
    log_in(console)
    with transaction(engine) as session:
        sri = session.exec(select(Expert).where(Expert.phone == SRI)).one()
    page = post(console, "/admin/experts", "/admin/experts", expert_id=str(sri.id),
                name="Ir. Sri Wahyuni", phone="0811 3333 4444", topics="usaha",
                link="https://zoom.us/j/77", active="off").get_data(as_text=True)  # fmt: skip
    assert "Ir. Sri Wahyuni tersimpan" in page
    with transaction(engine) as session:
        experts = session.exec(select(Expert).order_by(col(Expert.id))).all()
        edited = session.get(Expert, sri.id)
    assert len(experts) == 2, "an edit never creates another expert"
    assert (edited.name, edited.phone, edited.active) == (
        "Ir. Sri Wahyuni",
        "+6281133334444",
        False,
    )
    taken = post(console, "/admin/experts", "/admin/experts", expert_id=str(sri.id),
                 name="Ir. Sri", phone="0811 0000 0002", topics="usaha")  # fmt: skip
    page = taken.get_data(as_text=True)
    assert "Tidak tersimpan" in page and "Dr. Ahmad" in page  # that number is Dr. Ahmad's


def test_the_booking_page_shows_the_nomor_induk_and_the_kind(console, engine) -> None:
    log_in(console)
    code = request(engine, COOP_PHONE, "2026-12-01 10:00", name="KSP Mekar")
    page = console.get(f"/admin/booking/{code}").get_data(as_text=True)
    assert "Jenis koperasi" in page and "Simpan pinjam" in page


def test_the_inbox_shows_a_page_at_a_time_waiting_requests_first(console, engine) -> None:
    for number in range(55):
        request(engine, f"+62812000002{number:02d}", f"2026-12-0{1 + number % 5} 10:00")
    with transaction(engine) as session:  # one handled: it comes after every waiting one
        handled = session.exec(select(Booking).where(Booking.code == "EK-0003")).one()
        handled.status = "declined"
    log_in(console)
    first = console.get("/admin/").get_data(as_text=True)
    codes = re.findall(r">(EK-\d{4})</a>", first)
    assert len(codes) == 50 and codes[:3] == ["EK-0001", "EK-0002", "EK-0004"]
    assert "Halaman 1 · 54 menunggu konfirmasi" in first and "page=2" in first
    second = console.get("/admin/?page=2").get_data(as_text=True)
    assert re.findall(r">(EK-\d{4})</a>", second) == ["EK-0052", "EK-0053", "EK-0054",
                                                       "EK-0055", "EK-0003"]  # fmt: skip
    assert "page=3" not in second  # the last page: no next one
    beyond = console.get("/admin/?page=99").get_data(as_text=True)
    assert "Tidak ada permintaan." in beyond and "page=98" in beyond  # and the way back
    waiting = console.get("/admin/?status=waiting&page=2").get_data(as_text=True)
    assert "EK-0003" not in waiting and "Halaman 2 · 54 menunggu konfirmasi" in waiting
