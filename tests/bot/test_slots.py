"""Offering real free times through the webhook, from what the database holds (both backends)."""

import threading
from datetime import date, datetime

import pytest
from sqlalchemy import event
from sqlmodel import col, select

from storage.db import transaction
from storage.models import Booking, Expert
from storage.schedule import add_closed_day, set_day_off
from tests.helpers import BOOKING, NOW, WhatsApp, request

TOPIC_NUMBER = {"kelembagaan": "1", "keuangan": "3"}  # Dr. Ahmad: kelembagaan; Ir. Sri: keuangan


@pytest.fixture
def chat(app):
    app.extensions["clock"] = lambda: NOW
    return WhatsApp(app.test_client())


def up_to_the_time(whatsapp: WhatsApp, phone: str, topic: str) -> None:
    """Answer every question before the preferred time, for `topic`."""
    for text, _expected in BOOKING[:-1]:
        whatsapp.send(phone, TOPIC_NUMBER[topic] if _expected == "Masalahnya termasuk" else text)


def said(whatsapp: WhatsApp, phone: str, text: str) -> str:
    return "\n".join(whatsapp.send(phone, text))


def book_at(whatsapp: WhatsApp, phone: str, topic: str, when: str) -> str:
    up_to_the_time(whatsapp, phone, topic)
    assert "Mohon periksa" in said(whatsapp, phone, when)
    return said(whatsapp, phone, "ya")


def test_a_closed_day_is_refused_with_its_reason(chat, engine) -> None:
    with transaction(engine) as session:
        add_closed_day(session, date(2026, 11, 30), "Cuti bersama")
    up_to_the_time(chat, "+6281200000001", "keuangan")
    reply = said(chat, "+6281200000001", "senin depan jam 10")
    assert "Klinik tutup pada Senin, 30 November 2026 (Cuti bersama)." in reply
    assert "Senin, 30 November" not in reply.split("\n", 1)[1]


def test_an_experts_day_off_takes_their_topics_off_that_day(chat, engine) -> None:
    with transaction(engine) as session:
        ahmad = session.exec(select(Expert).where(Expert.name == "Dr. Ahmad")).one()
        set_day_off(session, ahmad.id, date(2026, 12, 1), "Pelatihan", off=True)
    up_to_the_time(chat, "+6281200000001", "kelembagaan")
    reply = said(chat, "+6281200000001", "selasa")
    assert "Jadwal pada Selasa, 1 Desember 2026 sudah penuh." in reply
    assert "Selasa, 1 Desember" not in reply.split("\n", 1)[1]
    up_to_the_time(chat, "+6281200000002", "keuangan")  # Ir. Sri works that day
    assert "Jam yang tersedia pada Selasa, 1 Desember 2026" in said(
        chat, "+6281200000002", "selasa"
    )


def test_a_waiting_request_holds_its_time_for_the_topics_experts(chat, engine) -> None:
    assert "EK-0001" in book_at(chat, "+6281200000001", "keuangan", "rabu jam 10")
    up_to_the_time(chat, "+6281200000002", "keuangan")
    reply = said(chat, "+6281200000002", "rabu jam 10")
    assert "Jadwal itu sudah penuh." in reply and "Rabu, 2 Desember 2026 pukul 09.00 WIB" in reply
    up_to_the_time(chat, "+6281200000003", "kelembagaan")  # another expert: still free
    assert "Mohon periksa" in said(chat, "+6281200000003", "rabu jam 10")


def test_a_fully_booked_day_offers_the_nearest_other_days(chat, engine) -> None:
    for hour in range(8, 16):
        assert "tercatat" in book_at(
            chat, f"+62812000001{hour:02d}", "keuangan", f"rabu jam {hour}"
        )
    up_to_the_time(chat, "+6281200000099", "keuangan")
    reply = said(chat, "+6281200000099", "rabu")
    assert "Jadwal pada Rabu, 2 Desember 2026 sudah penuh." in reply
    assert "Rabu, 2 Desember" not in reply.split("\n", 1)[1]
    assert "Selasa, 1 Desember 2026 pukul 09.00 WIB" in reply


def test_two_cooperatives_sending_ya_for_the_last_slot_at_once(app, engine) -> None:
    app.extensions["clock"] = lambda: NOW
    phones = ["+6281200000001", "+6281200000002"]
    for phone in phones:
        up_to_the_time(WhatsApp(app.test_client()), phone, "keuangan")
        assert "Mohon periksa" in said(WhatsApp(app.test_client()), phone, "kamis jam 10")
    answers: dict[str, str] = {}
    barrier = threading.Barrier(len(phones))

    def confirm(phone: str) -> None:
        whatsapp = WhatsApp(app.test_client())
        barrier.wait()
        answers[phone] = said(whatsapp, phone, "ya")

    threads = [threading.Thread(target=confirm, args=(phone,)) for phone in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [phone for phone, reply in answers.items() if "tercatat" in reply]
    losers = [phone for phone, reply in answers.items() if "sudah penuh" in reply]
    assert len(winners) == 1 and len(losers) == 1, answers
    assert "Waktu terdekat yang tersedia" in answers[losers[0]]
    with transaction(engine) as session:
        starts = session.exec(select(Booking.requested_start).where(col(Booking.id) > 0)).all()
    assert starts == [datetime(2026, 12, 3, 3, tzinfo=starts[0].tzinfo)]


def test_a_time_taken_after_the_calendar_was_read_is_answered_under_the_lock(
    app, engine, db_url
) -> None:
    """The request is checked again under the schedule lock: a booking made between the
    conversation's reading of the calendar and that lock wins, and the cooperative hears the
    time is full, with the nearest free ones, from the same message (PostgreSQL: SQLite lets
    no one write in between)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite holds its write lock for the whole message")
    app.extensions["clock"] = lambda: NOW
    whatsapp = WhatsApp(app.test_client())
    up_to_the_time(whatsapp, "+6281200000001", "keuangan")
    assert "Mohon periksa" in said(whatsapp, "+6281200000001", "kamis jam 10")
    taken: list[str] = []

    def meanwhile(_conn, _cursor, statement, *_rest) -> None:
        if "pg_advisory_xact_lock" in statement and not taken:
            taken.append(request(engine, "+6281200000002", "2026-12-03 10:00"))

    event.listen(app.extensions["engine"], "before_cursor_execute", meanwhile)
    try:
        answer = said(whatsapp, "+6281200000001", "ya")
    finally:
        event.remove(app.extensions["engine"], "before_cursor_execute", meanwhile)
    assert taken and "sudah penuh" in answer and "Waktu terdekat yang tersedia" in answer
    with transaction(engine) as session:
        holding = session.exec(select(Booking.code)).all()
    assert holding == taken
    assert "Mohon periksa" in said(whatsapp, "+6281200000001", "1")  # a nearest time, then YA
    assert "tercatat" in said(whatsapp, "+6281200000001", "ya")

