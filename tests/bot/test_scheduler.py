"""Every message kind at its moment, driven by tick(now), on both backends."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from storage.db import transaction
from storage.outbox import mark_sent, record_status
from tests.helpers import (
    ADMIN,
    COOP_PHONE,
    SRI,
    WhatsApp,
    admin,
    at,
    messages_to,
    queue_message,
    request,
    run_at,
    set_link,
)

FRIDAY = at("2026-11-27 10:00")


@pytest.fixture
def clinic(app, engine):
    """An app whose clock the test moves; Ir. Sri has a standing link."""
    clock = {"now": FRIDAY}
    app.extensions["clock"] = lambda: clock["now"]
    set_link(engine, SRI, "https://zoom.us/j/555")
    return app, clock


def sent(engine, to: str, kind: str) -> list:
    return messages_to(engine, to, kind)


def confirmed(app, engine, start: str, phone: str = COOP_PHONE) -> str:
    code = request(engine, phone, start)
    assert "terkonfirmasi" in admin(WhatsApp(app.test_client()), f"KONFIRMASI {code}")
    return code


def test_confirmation_goes_at_once_and_reminders_at_their_moments(clinic, engine) -> None:
    app, _clock = clinic
    confirmed(app, engine, "2026-12-02 10:00")  # Wednesday
    run_at(app, FRIDAY)
    [confirmation] = sent(engine, COOP_PHONE, "confirmation")
    assert confirmation.status == "delivered"
    [day_before] = sent(engine, COOP_PHONE, "reminder_day_before")
    [hour_before] = sent(engine, COOP_PHONE, "reminder_hour_before")
    assert day_before.due_at == at("2026-12-01 09:00") and day_before.status == "pending"
    assert hour_before.due_at == at("2026-12-02 09:00")
    run_at(app, at("2026-12-01 08:59"))
    assert sent(engine, COOP_PHONE, "reminder_day_before")[0].status == "pending"
    run_at(app, at("2026-12-01 09:00"))
    reminder = sent(engine, COOP_PHONE, "reminder_day_before")[0]
    assert reminder.status == "delivered"
    assert "Rabu, 2 Desember 2026 pukul 10.00 WIB" in reminder.body and "Ir. Sri" in reminder.body
    assert "*EK-0001* besok." in reminder.body  # Tuesday for Wednesday: tomorrow indeed
    run_at(app, at("2026-12-02 09:00"))
    hour = sent(engine, COOP_PHONE, "reminder_hour_before")[0]
    assert hour.status == "delivered" and "pukul 10.00 WIB" in hour.body
    run_at(app, at("2026-12-02 09:30"))  # nothing is sent twice
    assert len(sent(engine, COOP_PHONE, "reminder_hour_before")) == 1


def test_the_day_before_skips_the_weekend_and_holidays(clinic, engine) -> None:
    app, clock = clinic
    clock["now"] = at("2026-11-26 10:00")  # a Thursday
    confirmed(app, engine, "2026-11-30 10:00")  # Monday: the working day before is Friday
    clock["now"] = at("2026-12-22 10:00")
    confirmed(app, engine, "2026-12-28 10:00", phone="+6281200000066")  # after Christmas Friday
    [monday] = sent(engine, COOP_PHONE, "reminder_day_before")
    assert monday.due_at == at("2026-11-27 09:00")
    assert "pada Senin, 30 November." in monday.body and "besok" not in monday.body
    [after_christmas] = sent(engine, "+6281200000066", "reminder_day_before")
    assert after_christmas.due_at == at("2026-12-24 09:00")
    assert "pada Senin, 28 Desember." in after_christmas.body


def test_confirmed_after_the_day_before_reminder_time_skips_it(clinic, engine) -> None:
    app, clock = clinic
    clock["now"] = at("2026-12-01 11:00")
    confirmed(app, engine, "2026-12-02 10:00")
    assert sent(engine, COOP_PHONE, "reminder_day_before") == []
    assert len(sent(engine, COOP_PHONE, "reminder_hour_before")) == 1


def test_a_session_confirmed_thirty_minutes_ahead_still_gets_its_reminder(clinic, engine) -> None:
    app, clock = clinic
    clock["now"] = at("2026-12-01 09:30")
    code = request(engine, COOP_PHONE, "2026-12-01 10:00")
    admin(WhatsApp(app.test_client()), f"KONFIRMASI {code}")
    [hour] = sent(engine, COOP_PHONE, "reminder_hour_before")
    assert hour.due_at == at("2026-12-01 09:30")
    run_at(app, at("2026-12-01 09:30"))
    assert sent(engine, COOP_PHONE, "reminder_hour_before")[0].status == "delivered"


def test_cancelling_cancels_the_reminders(clinic, engine) -> None:
    app, _clock = clinic
    confirmed(app, engine, "2026-12-02 10:00")
    coop = WhatsApp(app.test_client())
    coop.send(COOP_PHONE, "3")
    coop.send(COOP_PHONE, "2")
    assert "dibatalkan" in coop.send(COOP_PHONE, "ya")[0]
    reminders = sent(engine, COOP_PHONE, "reminder_day_before")
    assert reminders[0].status == "cancelled"
    run_at(app, at("2026-12-01 09:00"))
    run_at(app, at("2026-12-02 09:00"))
    for kind in ("reminder_day_before", "reminder_hour_before"):
        assert all(m.status == "cancelled" for m in sent(engine, COOP_PHONE, kind))
    assert any("dibatalkan" in m.body for m in sent(engine, SRI, "expert_cancelled"))


def test_moving_a_session_replaces_its_reminders(clinic, engine) -> None:
    app, _clock = clinic
    code = confirmed(app, engine, "2026-12-02 10:00")
    coop = WhatsApp(app.test_client())
    coop.send(COOP_PHONE, "3")
    coop.send(COOP_PHONE, "1")
    coop.send(COOP_PHONE, "kamis jam 13")  # back to waiting for the new time
    admin(WhatsApp(app.test_client()), f"KONFIRMASI {code}")
    reminders = sent(engine, COOP_PHONE, "reminder_hour_before")
    assert [m.status for m in reminders] == ["cancelled", "pending"]
    assert reminders[1].due_at == at("2026-12-03 12:00")


def test_a_stale_reminder_row_is_never_sent(clinic, engine) -> None:
    """Even a reminder row that escaped cancellation is checked against the booking."""
    app, _clock = clinic
    code = confirmed(app, engine, "2026-12-02 10:00")
    with transaction(engine) as session:
        from storage.models import Booking

        booking = session.exec(select(Booking).where(Booking.code == code)).one()
        booking.requested_start = at("2026-12-02 13:00")
        booking.ends_at = at("2026-12-02 14:00")
    run_at(app, at("2026-12-02 09:00"))
    [hour] = sent(engine, COOP_PHONE, "reminder_hour_before")
    assert hour.status == "cancelled" and hour.error == "session was moved"


def test_after_downtime_a_due_reminder_goes_once_and_a_started_session_gets_none(
    clinic, engine
) -> None:
    app, _clock = clinic
    confirmed(app, engine, "2026-12-02 10:00")
    confirmed(app, engine, "2026-12-03 10:00", phone="+6281200000077")
    run_at(app, FRIDAY)
    # the scheduler was down from Friday until Wednesday 09:40
    run_at(app, at("2026-12-02 09:40"))
    assert [m.status for m in sent(engine, COOP_PHONE, "reminder_day_before")] == ["delivered"]
    assert [m.status for m in sent(engine, COOP_PHONE, "reminder_hour_before")] == ["delivered"]
    # ... and down again until after the second session started
    run_at(app, at("2026-12-03 10:05"))
    [late] = sent(engine, "+6281200000077", "reminder_hour_before")
    assert late.status == "cancelled" and late.error == "session had already started"


def test_experts_schedule_and_admins_digest_at_seven_once(clinic, engine) -> None:
    app, _clock = clinic
    confirmed(app, engine, "2026-12-01 10:00")
    request(engine, "+6281200000005", "2026-12-04 09:00", name="KSP Menunggu")
    run_at(app, at("2026-12-01 06:59"))
    assert sent(engine, SRI, "expert_schedule") == []
    run_at(app, at("2026-12-01 07:00"))
    run_at(app, at("2026-12-01 07:01"))
    [schedule] = sent(engine, SRI, "expert_schedule")
    assert "Selasa, 1 Desember 2026" in schedule.body and "10.00 WIB — EK-0001" in schedule.body
    assert "Cikupa" in schedule.body and COOP_PHONE in schedule.body and "zoom.us" in schedule.body
    assert sent(engine, "+6281100000002", "expert_schedule") == []  # no sessions that day
    [digest] = sent(engine, ADMIN, "admin_digest")
    assert "Menunggu konfirmasi: 1" in digest.body and "KSP Menunggu" in digest.body
    assert "Sesi hari ini: 1" in digest.body


def test_no_daily_messages_on_a_weekend_or_holiday(clinic, engine) -> None:
    app, _clock = clinic
    run_at(app, at("2026-11-28 08:00"))  # Saturday
    run_at(app, at("2026-12-25 08:00"))  # Christmas
    assert sent(engine, ADMIN, "admin_digest") == []


def test_the_digest_lists_failed_messages(clinic, engine) -> None:
    app, _clock = clinic
    with transaction(engine) as session:
        failed = queue_message(session, "+6281299990000", "confirmation", at("2026-11-30 20:00"))
        failed.status, failed.error = "failed", "Twilio 400 21211: invalid number"
    run_at(app, at("2026-12-01 07:00"))
    [digest] = sent(engine, ADMIN, "admin_digest")
    assert "Pesan gagal: 1" in digest.body and "21211" in digest.body


def test_status_callbacks_move_forward_only(clinic, engine) -> None:
    app, _clock = clinic
    with transaction(engine) as session:
        message = queue_message(session, COOP_PHONE, "confirmation", FRIDAY)
        message.status, message.sid = "queued", "SM" + "c" * 32
    whatsapp = WhatsApp(app.test_client(), url="http://localhost/whatsapp/status")
    for status in ("sent", "delivered", "sent"):
        form = {"MessageSid": "SM" + "c" * 32, "MessageStatus": status}
        signature = whatsapp.validator.compute_signature(whatsapp.url, form)
        response = app.test_client().post("/whatsapp/status", data=form,
                                          headers={"X-Twilio-Signature": signature})  # fmt: skip
        assert response.status_code == 204
    assert sent(engine, COOP_PHONE, "confirmation")[0].status == "delivered"
    form = {"MessageSid": "SM" + "c" * 32, "MessageStatus": "undelivered", "ErrorCode": "63016"}
    assert app.test_client().post("/whatsapp/status", data=form).status_code == 403  # unsigned
    with transaction(engine) as session:
        record_status(session, "SM" + "c" * 32, "undelivered", 63016)
    message = sent(engine, COOP_PHONE, "confirmation")[0]
    assert message.status == "undelivered" and message.error_code == 63016


def test_a_status_callback_that_overtakes_its_answer_is_kept(clinic, engine) -> None:
    """The sender writes Twilio's answers a few sends at a time: a callback may come first."""
    app, _clock = clinic
    sid = "SM" + "e" * 32
    with transaction(engine) as session:
        message = queue_message(session, COOP_PHONE, "confirmation", FRIDAY)
        message.status = "sending"
    whatsapp = WhatsApp(app.test_client(), url="http://localhost/whatsapp/status")
    form = {"MessageSid": sid, "MessageStatus": "delivered"}
    headers = {"X-Twilio-Signature": whatsapp.validator.compute_signature(whatsapp.url, form)}
    answered = []
    callback = threading.Thread(target=lambda: answered.append(
        app.test_client().post("/whatsapp/status", data=form, headers=headers).status_code))
    callback.start()
    time.sleep(0.1)
    with transaction(engine) as session:  # the answer, written after the callback came
        mark_sent(session, [(message.id, sid, "queued")], FRIDAY)
    callback.join()
    assert answered == [204]
    assert sent(engine, COOP_PHONE, "confirmation")[0].status == "delivered"


def test_times_are_stored_in_utc(clinic, engine) -> None:
    app, _clock = clinic
    confirmed(app, engine, "2026-12-02 10:00")
    [hour] = sent(engine, COOP_PHONE, "reminder_hour_before")
    assert hour.due_at.tzinfo is not None and hour.due_at.utcoffset() == timedelta(0)
    assert hour.due_at == datetime(2026, 12, 2, 2, tzinfo=UTC)
