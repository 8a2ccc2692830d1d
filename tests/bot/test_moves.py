"""The lifecycle's rules as people meet them (both backends): an expert's outcome waits for
the session; an administrator moves a confirmed session and both sides hear it moved; a
cooperative's new time reaches the expert as a move."""

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from storage.db import transaction
from storage.directory import add_expert
from storage.models import Booking, BookingEvent
from tests.helpers import (
    ADMIN,
    COOP_PHONE,
    SRI,
    WhatsApp,
    admin,
    at,
    log_in,
    messages_to,
    post,
)

MONDAY = "Senin, 30 November 2026 pukul 10.00 WIB"
TUESDAY = "Selasa, 1 Desember 2026 pukul 13.00 WIB"
BUDI = "+6281100000007"


def booking(engine) -> Booking:
    with transaction(engine) as session:
        return session.exec(select(Booking)).one()


def kinds(engine, phone: str, status: str | None = None) -> list[str]:
    """The kinds of what was queued for a number (its own replies aside), oldest first."""
    return [m.kind for m in messages_to(engine, phone)
            if m.kind != "reply" and status in (None, m.status)]  # fmt: skip


def said(whatsapp: WhatsApp, phone: str, text: str) -> str:
    return "\n".join(whatsapp.send(phone, text))


@pytest.mark.parametrize(
    "text", ["SELESAI EK-0001", "TIDAK HADIR EK-0001", "RESEP EK-0001 Susun ulang.",
             "RESEP EK-0001"]
)  # fmt: skip
def test_an_experts_outcome_before_the_session_is_refused_with_its_time(
    session_ready, engine, text
) -> None:
    whatsapp, _clock = session_ready  # Friday; the session is on Monday 10.00
    reply = said(whatsapp, SRI, text)
    assert f"Sesi *EK-0001* dijadwalkan {MONDAY}" in reply and "setelah sesi dimulai" in reply
    unchanged = booking(engine)
    assert unchanged.status == "confirmed"
    assert unchanged.outcome is None and unchanged.prescription is None
    # confirmed on Friday after 09.00: no reminder the day before, one before the start
    assert kinds(engine, COOP_PHONE) == ["confirmation", "reminder_hour_before"]
    assert kinds(engine, COOP_PHONE, "pending") == kinds(engine, COOP_PHONE)
    assert "Silakan pilih" in said(whatsapp, SRI, "halo")  # no prescription draft was started


def test_konfirmasi_with_a_new_time_moves_a_confirmed_session(session_ready, engine) -> None:
    whatsapp, _clock = session_ready
    reply = admin(whatsapp, "KONFIRMASI EK-0001 selasa jam 13")
    assert f"*EK-0001* dipindahkan ke {TUESDAY}, Ir. Sri" in reply
    moved = booking(engine)
    assert moved.status == "confirmed"
    assert moved.requested_start == datetime(2026, 12, 1, 6, tzinfo=UTC)
    [to_coop] = messages_to(engine, COOP_PHONE, "session_moved")
    assert f"dipindahkan dari {MONDAY} ke *{TUESDAY}*" in to_coop.body
    assert "https://zoom.us/j/555" in to_coop.body
    [to_sri] = messages_to(engine, SRI, "expert_moved")
    assert f"dipindahkan dari {MONDAY} ke {TUESDAY}" in to_sri.body
    hour = messages_to(engine, COOP_PHONE, "reminder_hour_before")
    assert [m.status for m in hour] == ["cancelled", "pending"]
    assert hour[1].due_at == at("2026-12-01 12:00")
    assert messages_to(engine, COOP_PHONE, "confirmation")[0].status == "cancelled"
    with transaction(engine) as session:
        actions = session.exec(select(BookingEvent.action)).all()
    assert actions[-1] == "moved"


def test_a_move_to_another_expert_tells_each_expert_their_part(session_ready, engine) -> None:
    whatsapp, _clock = session_ready
    with transaction(engine) as session:
        add_expert(session, "Drs. Budi", BUDI, ["keuangan"], "https://zoom.us/j/777")
    assert "Drs. Budi" in admin(whatsapp, "KONFIRMASI EK-0001 selasa jam 13 AHLI Budi")
    [lost] = messages_to(engine, SRI, "expert_cancelled")
    assert f"pada {MONDAY} dialihkan ke tenaga ahli lain" in lost.body
    assert messages_to(engine, SRI, "expert_moved") == []
    [notice] = messages_to(engine, BUDI, "expert_notice")
    assert TUESDAY in notice.body and "https://zoom.us/j/777" in notice.body
    [to_coop] = messages_to(engine, COOP_PHONE, "session_moved")
    assert "Tenaga ahli: Drs. Budi" in to_coop.body


def test_usul_on_a_confirmed_session_answered_ya_moves_it(session_ready, engine) -> None:
    whatsapp, _clock = session_ready
    assert "sudah dikirim ke koperasi" in admin(whatsapp, "USUL EK-0001 selasa jam 13")
    asked = booking(engine)
    assert asked.status == "move_proposed" and asked.expert_id is not None
    assert kinds(engine, COOP_PHONE, "pending") == ["proposal"]  # the old reminders are gone
    assert f"Anda menyetujui {TUESDAY}" in said(whatsapp, COOP_PHONE, "ya")
    moved = booking(engine)
    assert moved.status == "confirmed" and moved.requested_start == at("2026-12-01 13:00")
    [to_coop] = messages_to(engine, COOP_PHONE, "session_moved")
    assert f"dipindahkan dari {MONDAY} ke *{TUESDAY}*" in to_coop.body
    assert len(messages_to(engine, COOP_PHONE, "confirmation")) == 1  # only the first one
    [to_sri] = messages_to(engine, SRI, "expert_moved")
    assert f"dari {MONDAY} ke {TUESDAY}" in to_sri.body
    assert any("menyetujui usulan" in m.body for m in messages_to(engine, ADMIN))


def test_usul_on_a_confirmed_session_answered_with_another_time(session_ready, engine) -> None:
    whatsapp, _clock = session_ready
    admin(whatsapp, "USUL EK-0001 selasa jam 13")
    whatsapp.send(COOP_PHONE, "Tidak, rabu jam 10")
    waiting = booking(engine)
    assert waiting.status == "waiting" and waiting.expert_id is None
    assert waiting.requested_start == at("2026-12-02 10:00")
    [to_sri] = messages_to(engine, SRI, "expert_move_asked")
    assert f"pada {MONDAY} dipindahkan ke Rabu, 2 Desember 2026 pukul 10.00 WIB" in to_sri.body


def test_a_cooperative_moving_its_session_tells_the_expert_it_moved(session_ready, engine):
    whatsapp, _clock = session_ready
    assert "apa yang ingin dilakukan" in said(whatsapp, COOP_PHONE, "3")
    whatsapp.send(COOP_PHONE, "1")
    assert "Statusnya kembali menunggu" in said(whatsapp, COOP_PHONE, "kamis jam 13")
    [to_sri] = messages_to(engine, SRI, "expert_move_asked")
    assert f"{MONDAY} dipindahkan ke Kamis, 3 Desember 2026 pukul 13.00 WIB" in to_sri.body
    assert messages_to(engine, SRI, "expert_cancelled") == []


def test_the_console_moves_a_confirmed_session_like_the_command(app, session_ready, engine):
    from bot.console.auth import hash_password
    from storage.users import save_user

    with transaction(engine) as session:
        save_user(session, "admin@dinas.go.id", hash_password("rahasia-sekali"), "admin")
    console = app.test_client()
    log_in(console)
    page = console.get("/admin/booking/EK-0001").get_data(as_text=True)
    assert "Pindahkan sesi" in page and ">Konfirmasi</button>" not in page
    page = post(console, "/admin/booking/EK-0001/move", "/admin/booking/EK-0001",
                start="selasa jam 13", expert_id="", url="").get_data(as_text=True)  # fmt: skip
    assert f"dipindahkan ke {TUESDAY}" in page
    assert kinds(engine, COOP_PHONE, "pending") == ["session_moved", "reminder_day_before",
                                                    "reminder_hour_before"]  # fmt: skip
    assert kinds(engine, SRI, "pending") == ["expert_moved"]


def test_a_session_that_began_is_not_moved(session_ready, engine) -> None:
    whatsapp, clock = session_ready
    clock["now"] = at("2026-11-30 10:05")
    for command in ("KONFIRMASI EK-0001 selasa jam 13", "USUL EK-0001 selasa jam 13"):
        assert f"*EK-0001* tidak diubah: sesinya sudah dimulai ({MONDAY})" in admin(whatsapp,
                                                                                    command)
    assert booking(engine).requested_start == at("2026-11-30 10:00")


def test_declining_a_confirmed_session_tells_its_expert(session_ready, engine) -> None:
    whatsapp, _clock = session_ready
    admin(whatsapp, "TOLAK EK-0001 ahli berhalangan")
    [told] = messages_to(engine, SRI, "expert_cancelled")
    assert f"pada {MONDAY} dibatalkan oleh admin PA EKO" in told.body
