"""A cooperative's "Hubungi admin" message answered by an administrator: BALAS on WhatsApp (by
code, by number, or replying to the forwarded notice), taking a thread, the 24-hour rule, and
the answer reaching the cooperative through the outbox and the mock of Twilio's API."""

import json
from datetime import timedelta

import pytest

from bot.app import create_app
from bot.outbound.messenger import TwilioMessenger
from bot.outbound.sender import SendPolicy, deliver_due
from storage.db import transaction
from storage.directory import add_admin
from storage.models import AdminThread
from tests.fakes import ACCOUNT, SENDER
from tests.helpers import (
    ADMIN,
    AUTH_TOKEN,
    COOP_PHONE,
    NOW,
    PRODUCTION,
    WhatsApp,
    admin,
    book,
    messages_to,
    run_at,
)

OTHER_ADMIN = "+6281100000009"
WHO = "Koperasi Maju Bersama (EK-0001, Menunggu konfirmasi)"
QUESTION = "Apakah berkas RAT perlu dibawa saat konsultasi?"
ANSWER = "Baik, berkas RAT cukup dikirim lewat WhatsApp ini sebelum Jumat."


@pytest.fixture
def asked(app, engine):
    """EK-0001 booked by the cooperative, which then wrote to the administrators."""
    clock = {"now": NOW}
    app.extensions["clock"] = lambda: clock["now"]
    whatsapp = WhatsApp(app.test_client())
    book(whatsapp)
    assert "pesan Anda untuk admin" in "\n".join(whatsapp.send(COOP_PHONE, "hubungi admin"))
    assert "sudah diteruskan" in "\n".join(whatsapp.send(COOP_PHONE, QUESTION))
    return whatsapp, clock


def _standing(engine, phone: str = COOP_PHONE) -> AdminThread | None:
    with transaction(engine) as session:
        return session.get(AdminThread, phone)


def test_the_forwarded_message_names_the_cooperative_and_how_to_answer(asked, engine) -> None:
    [notice] = messages_to(engine, ADMIN, "admin_message")
    assert QUESTION in notice.body
    assert WHO in notice.body
    assert f"*BALAS {COOP_PHONE} teks*" in notice.body and "balas pesan ini" in notice.body
    assert notice.about_phone == COOP_PHONE
    assert _standing(engine).waiting_since == NOW


def test_balas_with_the_code_reaches_the_cooperative(asked, engine) -> None:
    whatsapp, _clock = asked
    told = admin(whatsapp, f"BALAS EK-0001 {ANSWER}")
    assert told == f"✅ Balasan terkirim ke {WHO}, {COOP_PHONE}."
    [answer] = messages_to(engine, COOP_PHONE, "admin_reply")
    assert answer.body == f"💬 Balasan admin PA EKO:\n{ANSWER}"
    assert answer.author == ADMIN and answer.status == "pending"
    standing = _standing(engine)
    assert standing.waiting_since is None and standing.answered_by == ADMIN


def test_balas_with_the_number_as_people_write_it(asked, engine) -> None:
    whatsapp, _clock = asked
    told = admin(whatsapp, "balas 0812 3456 7890 10 menit lagi kami telepon ya")
    assert told.startswith("✅ Balasan terkirim ke Koperasi Maju Bersama")
    [answer] = messages_to(engine, COOP_PHONE, "admin_reply")
    assert answer.body.endswith("\n10 menit lagi kami telepon ya")


def test_a_reply_to_the_forwarded_notice_answers_its_cooperative(app, asked, engine) -> None:
    whatsapp, _clock = asked
    run_at(app, NOW)  # the notice leaves, with its sid
    [notice] = messages_to(engine, ADMIN, "admin_message")
    assert notice.sid
    told = whatsapp.send(ADMIN, ANSWER, OriginalRepliedMessageSid=notice.sid)
    assert told[0].startswith("✅ Balasan terkirim ke Koperasi Maju Bersama")
    [answer] = messages_to(engine, COOP_PHONE, "admin_reply")
    assert answer.body.endswith(ANSWER)


def test_a_reply_to_a_request_notice_answers_the_cooperative_that_booked(app, asked, engine):
    whatsapp, _clock = asked
    run_at(app, NOW)
    [notice] = messages_to(engine, ADMIN, "admin_notice")
    told = whatsapp.send(ADMIN, "Jam 10 penuh, bisa jam 13?", OriginalRepliedMessageSid=notice.sid)
    assert told[0].startswith("✅ Balasan terkirim")
    assert messages_to(engine, COOP_PHONE, "admin_reply")[0].body.endswith("bisa jam 13?")


def test_a_command_quoting_a_notice_is_still_the_command(app, asked, engine) -> None:
    whatsapp, _clock = asked
    run_at(app, NOW)
    [notice] = messages_to(engine, ADMIN, "admin_notice")
    told = whatsapp.send(ADMIN, "DETAIL EK-0001", OriginalRepliedMessageSid=notice.sid)
    assert told[0].startswith("*EK-0001*")
    assert messages_to(engine, COOP_PHONE, "admin_reply") == []


def test_a_cooperatives_own_quoted_reply_is_just_its_message(app, asked, engine) -> None:
    whatsapp, _clock = asked
    run_at(app, NOW)
    [notice] = messages_to(engine, ADMIN, "admin_message")  # even quoting an admin's notice
    told = "\n".join(whatsapp.send(COOP_PHONE, "halo", OriginalRepliedMessageSid=notice.sid))
    assert "Silakan pilih" in told or "Halo" in told
    assert messages_to(engine, COOP_PHONE, "admin_reply") == []


def test_what_balas_needs_is_asked_for_and_nothing_is_sent(asked, engine) -> None:
    whatsapp, _clock = asked
    assert "nomor WhatsApp koperasinya belum ada" in admin(whatsapp, "BALAS halo apa kabar")
    assert "isi balasannya belum ditulis" in admin(whatsapp, "BALAS EK-0001")
    assert "tidak ditemukan" in admin(whatsapp, "BALAS EK-0099 halo")
    assert "belum pernah menulis" in admin(whatsapp, "BALAS 081299999999 halo")
    offered = admin(whatsapp, "bals EK-0001 siap, kami cek")
    assert "Maksud Anda *BALAS EK-0001 siap, kami cek*?" in offered
    assert messages_to(engine, COOP_PHONE, "admin_reply") == []
    assert admin(whatsapp, "ya").startswith("✅ Balasan terkirim")
    assert len(messages_to(engine, COOP_PHONE, "admin_reply")) == 1


def test_a_number_that_said_stop_gets_no_answer(asked, engine) -> None:
    whatsapp, _clock = asked
    whatsapp.send(COOP_PHONE, "STOP")
    assert "berhenti menerima pesan" in admin(whatsapp, "BALAS EK-0001 halo")
    assert messages_to(engine, COOP_PHONE, "admin_reply") == []


def test_bantuan_lists_balas_and_tangani(asked) -> None:
    whatsapp, _clock = asked
    help_text = admin(whatsapp, "BANTUAN")
    assert "BALAS EK-0042 teks, atau BALAS 081234567890 teks" in help_text
    assert "TANGANI EK-0042" in help_text


def test_saya_tangani_takes_the_thread_and_the_next_one_is_told(asked, engine) -> None:
    whatsapp, _clock = asked
    with transaction(engine) as session:
        add_admin(session, OTHER_ADMIN, "Budi")
    told = admin(whatsapp, "saya tangani EK-0001")
    assert told == f"👤 Percakapan dengan {WHO}, {COOP_PHONE}, kini Anda tangani."
    assert _standing(engine).taken_by == ADMIN
    again = "\n".join(whatsapp.send(OTHER_ADMIN, f"TANGANI {COOP_PHONE}"))
    assert again.endswith("Sebelumnya ditangani Admin.")  # by the name they were registered with
    assert _standing(engine).taken_by == OTHER_ADMIN
    assert _standing(engine).waiting_since == NOW  # taken, still not answered


def test_the_morning_digest_lists_the_waiting_threads_with_how_long(app, asked, engine) -> None:
    whatsapp, clock = asked
    with transaction(engine) as session:
        add_admin(session, OTHER_ADMIN, "Budi")
    whatsapp.send(OTHER_ADMIN, "TANGANI EK-0001")
    morning = NOW + timedelta(days=2, hours=22)  # Monday 08:00 WIB
    run_at(app, morning)
    [digest] = messages_to(engine, ADMIN, "admin_digest")
    assert "Pesan menunggu balasan admin: 1" in digest.body
    line = f"• {COOP_PHONE} Koperasi Maju Bersama — menunggu 2 hari 22 jam (ditangani Budi)"
    assert line in digest.body


def _production_app(db_url, twilio_url: str, **config):
    return create_app({**PRODUCTION, "DATABASE_URL": db_url, "TWILIO_ACCOUNT_SID": ACCOUNT,
                       "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_WHATSAPP_FROM": SENDER,
                       "TWILIO_API_BASE_URL": twilio_url, "ADMIN_NUMBERS": [ADMIN],
                       **config})  # fmt: skip


def _send(app, when) -> None:
    deliver_due(app.extensions["engine"], app.extensions["messenger"], when,
                policy=app.extensions["send_policy"])  # fmt: skip


def test_the_answer_reaches_the_cooperative_through_twilios_api(engine, db_url, fake_twilio):
    app = _production_app(db_url, fake_twilio.url)
    app.extensions["clock"] = lambda: NOW
    whatsapp = WhatsApp(app.test_client())
    whatsapp.send(ADMIN, "BANTUAN")  # the administrator wrote today: notices go as text
    whatsapp.send(COOP_PHONE, "hubungi admin")
    whatsapp.send(COOP_PHONE, QUESTION)
    _send(app, NOW)
    [notice] = [m for m in fake_twilio.received if m["To"] == f"whatsapp:{ADMIN}"]
    assert QUESTION in notice["Body"] and "nomor yang belum pernah mendaftar" in notice["Body"]
    [sid] = [m["sid"] for m in fake_twilio.accepted if m["to"] == f"whatsapp:{ADMIN}"]
    whatsapp.send(ADMIN, ANSWER, OriginalRepliedMessageSid=sid)  # swiped to reply
    _send(app, NOW)
    answer = fake_twilio.received[-1]
    assert answer["To"] == f"whatsapp:{COOP_PHONE}" and answer["Body"].endswith(ANSWER)
    assert "ContentSid" not in answer  # inside the 24 hours: text
    [row] = messages_to(engine, COOP_PHONE, "admin_reply")
    assert row.status == "queued" and row.sid
    app.extensions["engine"].dispose()


def test_outside_the_24_hours_the_answer_goes_as_its_template(engine, db_url, fake_twilio):
    template = "HX" + "1" * 32
    app = _production_app(db_url, fake_twilio.url, TWILIO_CONTENT_SIDS={"ADMIN_REPLY": template})
    clock = {"now": NOW}
    app.extensions["clock"] = lambda: clock["now"]
    whatsapp = WhatsApp(app.test_client())
    whatsapp.send(COOP_PHONE, "hubungi admin")
    whatsapp.send(COOP_PHONE, QUESTION)
    clock["now"] = later = NOW + timedelta(hours=25)
    told = "\n".join(whatsapp.send(ADMIN, f"BALAS {COOP_PHONE} {ANSWER}"))
    assert "dikirim sebagai templat WhatsApp *ADMIN_REPLY*" in told
    assert f"“Balasan admin E-Klinik Koperasi: {ANSWER} Balas pesan ini untuk melanjutkan.”" in told
    _send(app, later)
    sent = fake_twilio.received[-1]
    assert sent["To"] == f"whatsapp:{COOP_PHONE}" and sent["ContentSid"] == template
    assert json.loads(sent["ContentVariables"]) == {"1": ANSWER}
    too_long = "\n".join(whatsapp.send(ADMIN, f"BALAS {COOP_PHONE} {'x' * 300}"))
    assert "paling banyak 255 karakter" in too_long
    app.extensions["engine"].dispose()


def test_outside_the_24_hours_without_a_template_nothing_is_queued(asked, engine) -> None:
    whatsapp, clock = asked
    clock["now"] = NOW + timedelta(hours=25)
    told = admin(whatsapp, f"BALAS EK-0001 {ANSWER}")
    assert "Balasan belum dikirim" in told and "*ADMIN_REPLY* belum disetujui" in told
    assert messages_to(engine, COOP_PHONE, "admin_reply") == []
    assert _standing(engine).waiting_since == NOW  # still waiting for an answer


@pytest.mark.prism
def test_the_answer_is_a_valid_request_to_twilios_messaging_api(asked, engine, prism_url):
    whatsapp, _clock = asked
    admin(whatsapp, f"BALAS EK-0001 {ANSWER}")
    messenger = TwilioMessenger(ACCOUNT, "token", SENDER, base_url=prism_url)
    deliver_due(engine, messenger, NOW, policy=SendPolicy())
    [row] = messages_to(engine, COOP_PHONE, "admin_reply")
    assert row.sid and row.status not in ("pending", "failed"), row.error


# --- the console ---------------------------------------------------------------------------------


@pytest.fixture
def console(app, engine, asked):
    from bot.console.auth import hash_password
    from storage.users import save_user
    from tests.helpers import PASSWORD, log_in

    with transaction(engine) as session:
        save_user(session, "admin@dinas.go.id", hash_password(PASSWORD), "admin", "Rina")
        save_user(session, "resepsionis@dinas.go.id", hash_password(PASSWORD), "receptionist")
    client = app.test_client()
    log_in(client)
    return client


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_the_inbox_points_to_the_waiting_thread(console) -> None:
    inbox = _page(console, "/admin/")
    assert "💬 1 pesan Hubungi admin menunggu balasan (terlama 1 menit)" in inbox
    waiting = _page(console, "/admin/threads?waiting=1")
    assert "Koperasi Maju Bersama" in waiting and COOP_PHONE in waiting
    assert "menunggu 1 menit" in waiting
    assert ADMIN not in _page(console, "/admin/threads")  # the staff's own numbers are not listed


@pytest.mark.parametrize("search", ["maju", "EK-0001", "0812 3456 7890", "34567890"])
def test_threads_are_found_by_number_cooperative_or_code(console, search) -> None:
    assert COOP_PHONE in _page(console, f"/admin/threads?q={search}")


def test_a_search_that_matches_nothing_says_so(console) -> None:
    assert "Tidak ada percakapan." in _page(console, "/admin/threads?q=Sejahtera")


def test_the_thread_shows_both_ways_with_the_bookings_beside(console) -> None:
    thread = _page(console, f"/admin/thread?phone={COOP_PHONE}")
    assert QUESTION in thread and "Pesan Anda sudah diteruskan" in thread
    assert "Balasan bot" in thread and "Terkirim" in thread  # labels, never codes
    assert "EK-0001" in thread and "Menunggu konfirmasi" in thread
    assert "balasan dikirim sebagai teks" in thread
    assert "Menunggu balasan admin sejak" in thread


def test_an_answer_from_the_console_reaches_the_cooperative(console, app, engine) -> None:
    from tests.helpers import post

    page = f"/admin/thread?phone={COOP_PHONE}"
    shown = post(console, "/admin/thread/answer", page, phone=COOP_PHONE, text=ANSWER)
    assert f"✅ Balasan terkirim ke {WHO}" in shown.get_data(as_text=True)
    [row] = messages_to(engine, COOP_PHONE, "admin_reply")
    assert row.author == "admin@dinas.go.id" and row.body.endswith(ANSWER)
    assert _standing(engine).waiting_since is None
    run_at(app, NOW)
    thread = _page(console, page)
    assert ANSWER in thread and "oleh Rina" in thread and "Sampai" in thread
    assert "Menunggu balasan admin sejak" not in thread
    empty = post(console, "/admin/thread/answer", page, phone=COOP_PHONE, text="  ")
    assert "Tulis balasannya terlebih dahulu." in empty.get_data(as_text=True)


def test_taking_a_thread_from_the_console(console, engine) -> None:
    from tests.helpers import post

    page = f"/admin/thread?phone={COOP_PHONE}"
    shown = post(console, "/admin/thread/take", page, phone=COOP_PHONE).get_data(as_text=True)
    assert "kini Anda tangani" in shown and "Anda menangani percakapan ini." in shown
    assert _standing(engine).taken_by == "admin@dinas.go.id"
    assert "ditangani Rina" in _page(console, "/admin/threads?waiting=1")


def test_outside_the_24_hours_the_console_says_how_an_answer_would_go(console, app) -> None:
    app.extensions["clock"] = lambda: NOW + timedelta(hours=25)
    thread = _page(console, f"/admin/thread?phone={COOP_PHONE}")
    assert "templat WhatsApp ADMIN_REPLY belum disetujui" in thread
    assert 'name="text"' not in thread


def test_threads_are_for_administrators_only(console) -> None:
    from tests.helpers import log_in

    console.post("/admin/logout", data={})
    other = console.application.test_client()
    log_in(other, "resepsionis@dinas.go.id")
    assert other.get("/admin/threads").status_code == 403
    assert other.get(f"/admin/thread?phone={COOP_PHONE}").status_code == 403
    log_in(console)
    assert console.get("/admin/thread?phone=+6281299999999").status_code == 404
    assert console.get("/admin/thread?phone=bukan-nomor").status_code == 404


def test_the_thread_draws_whatsapps_bold_and_escapes_everything_else(console, asked) -> None:
    whatsapp, _clock = asked
    whatsapp.send(COOP_PHONE, "<script>alert(1)</script> *penting* _sekali_")
    thread = _page(console, f"/admin/thread?phone={COOP_PHONE}")
    assert "<script>alert(1)</script>" not in thread
    drawn = "&lt;script&gt;alert(1)&lt;/script&gt; <strong>penting</strong> <em>sekali</em>"
    assert drawn in thread
    assert "<strong>EK-0001</strong>" in thread  # the bot's own *EK-0001*


def test_each_reply_follows_the_message_it_answers(console) -> None:
    thread = _page(console, f"/admin/thread?phone={COOP_PHONE}")
    asked_at, told_at = thread.index("hubungi admin</span>"), thread.index("Silakan tulis pesan")
    assert asked_at < told_at < thread.index(QUESTION) < thread.index("sudah diteruskan")
