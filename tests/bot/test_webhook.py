"""The webhook end to end, on SQLite and on PostgreSQL, with signed requests."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.app import create_app
from storage.db import transaction
from storage.models import Booking, Conversation, Cooperative, InboundMessage, OutboundMessage
from tests.helpers import ADMIN, AUTH_TOKEN, BOOKING, COOP_PHONE, NOW, WhatsApp, book, replies_of


@pytest.fixture
def fixed_clock(app):
    app.extensions["clock"] = lambda: NOW
    return app


def test_whole_booking_through_the_webhook(fixed_clock, whatsapp, engine) -> None:
    [received] = book(whatsapp)
    assert "*EK-0001*" in received
    assert "Senin, 30 November 2026 pukul 10.00 WIB" in received
    with transaction(engine) as session:
        booking = session.exec(select(Booking)).one()
        cooperative = session.get(Cooperative, booking.cooperative_id)
        notices = session.exec(
            select(OutboundMessage).where(OutboundMessage.kind == "admin_notice")
        ).all()
    assert booking.code == "EK-0001" and booking.status == "waiting"
    assert booking.requested_start == datetime(2026, 11, 30, 3, tzinfo=UTC)
    assert (cooperative.name, cooperative.nik, cooperative.kecamatan) == (
        "Koperasi Maju Bersama", "3603123456780001", "Pasar Kemis")  # fmt: skip
    [notice] = notices
    assert notice.to_phone == ADMIN and notice.status == "pending"
    for part in ["EK-0001", "Koperasi Maju Bersama", "Pasar Kemis", "Manajemen dan Keuangan",
                 "Banyak anggota menunggak", "Senin, 30 November 2026 pukul 10.00 WIB",
                 COOP_PHONE]:  # fmt: skip
        assert part in notice.body


def test_a_long_problem_is_kept_whole_and_shortened_where_a_notice_is_short(
    fixed_clock, whatsapp, engine
) -> None:
    story = ("Sejak awal tahun banyak anggota menunggak pinjaman, pengurus tidak kompak dan "
             "laporan keuangan belum rapi. ") * 13  # fmt: skip
    assert 1250 < len(story) < 4000
    for text_sent, _expected in BOOKING[:-2]:
        whatsapp.send(COOP_PHONE, text_sent)
    assert "Kapan Anda ingin" in "\n".join(whatsapp.send(COOP_PHONE, story))
    summary = "\n".join(whatsapp.send(COOP_PHONE, "senin depan jam 10"))
    assert "Mohon periksa data" in summary and "…" in summary and len(summary) < 1600
    whatsapp.send(COOP_PHONE, "YA")
    with transaction(engine) as session:
        booking = session.exec(select(Booking)).one()
        [notice] = session.exec(
            select(OutboundMessage).where(OutboundMessage.kind == "admin_notice")).all()
    assert booking.problem_text == story.strip()
    assert "…" in notice.body and len(notice.body) < 1600


def test_admins_from_the_environment_are_told_too(engine, db_url, fixed_clock) -> None:
    app = create_app({"DATABASE_URL": db_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "DEMO": True,
                      "ADMIN_NUMBERS": ["0811-2222-3333"]})  # fmt: skip
    app.extensions["clock"] = lambda: NOW
    book(WhatsApp(app.test_client()))
    with transaction(engine) as session:
        told = set(session.exec(select(OutboundMessage.to_phone).where(
            OutboundMessage.kind == "admin_notice")).all())  # fmt: skip
    assert told == {ADMIN, "+6281122223333"}
    app.extensions["engine"].dispose()


def test_codes_count_up(fixed_clock, whatsapp) -> None:
    book(whatsapp)
    whatsapp.send(COOP_PHONE, "1")
    whatsapp.send(COOP_PHONE, "tidak")  # not the known details: answer everything again
    for text, expected in BOOKING[2:-1]:
        assert expected in "\n".join(whatsapp.send(COOP_PHONE, text))
    # the only finance expert holds Monday 10.00 for EK-0001 already
    assert "sudah penuh" in whatsapp.send(COOP_PHONE, "senin depan jam 10")[0]
    assert "Mohon periksa" in whatsapp.send(COOP_PHONE, "senin depan jam 11")[0]
    assert "*EK-0002*" in whatsapp.send(COOP_PHONE, "ya")[0]


def test_returning_number_reuses_its_cooperative(fixed_clock, whatsapp, engine) -> None:
    book(whatsapp)
    reply = "\n".join(whatsapp.send(COOP_PHONE, "1"))
    assert "Gunakan data koperasi sebelumnya?" in reply and "Koperasi Maju Bersama" in reply
    assert "Topik konsultasi" in "\n".join(whatsapp.send(COOP_PHONE, "ya"))
    for text in ["2", "keanggotaan", "Anggota baru belum paham hak dan kewajiban.", "selasa jam 9"]:
        whatsapp.send(COOP_PHONE, text)
    assert "*EK-0002*" in whatsapp.send(COOP_PHONE, "ya")[0]
    with transaction(engine) as session:
        assert len(session.exec(select(Cooperative)).all()) == 1


def test_duplicate_message_sid_gets_the_same_answer_and_changes_nothing(fixed_clock, whatsapp,
                                                                        engine):  # fmt: skip
    whatsapp.send(COOP_PHONE, "halo")
    form = whatsapp.form(COOP_PHONE, "1")
    first = whatsapp.post(form)
    again = whatsapp.post(form)
    assert "nama koperasi" in replies_of(first.data)[0]
    assert again.status_code == 200 and replies_of(again.data) == replies_of(first.data)
    with transaction(engine) as session:
        conversation = session.get(Conversation, COOP_PHONE)
        assert conversation.state == "coop_name"
        assert len(session.exec(select(InboundMessage)).all()) == 2


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl"])
def test_missing_or_wrong_signature_is_refused(fixed_clock, whatsapp, engine, signature) -> None:
    form = whatsapp.form(COOP_PHONE, "halo")
    headers = {"X-Twilio-Signature": signature} if signature else {}
    response = whatsapp.client.post("/whatsapp/inbound", data=form, headers=headers)
    assert response.status_code == 403
    with transaction(engine) as session:
        assert session.exec(select(InboundMessage)).all() == []
        assert session.exec(select(Conversation)).all() == []


def test_signature_over_public_base_url_behind_a_proxy(engine, db_url) -> None:
    app = create_app({"DATABASE_URL": db_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "DEMO": True,
                      "PUBLIC_BASE_URL": "https://eklinik.example.id"})  # fmt: skip
    whatsapp = WhatsApp(app.test_client())
    form = whatsapp.form(COOP_PHONE, "halo")
    good = whatsapp.validator.compute_signature("https://eklinik.example.id/whatsapp/inbound", form)
    assert whatsapp.post(form, signature=good).status_code == 200
    local = whatsapp.validator.compute_signature(WhatsApp.URL, whatsapp.form(COOP_PHONE, "x"))
    assert whatsapp.post(whatsapp.form(COOP_PHONE, "x"), signature=local).status_code == 403
    app.extensions["engine"].dispose()


def test_forwarded_proto_and_host_are_honoured(engine, db_url) -> None:
    app = create_app({"DATABASE_URL": db_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "DEMO": True})
    whatsapp = WhatsApp(app.test_client())
    form = whatsapp.form(COOP_PHONE, "halo")
    signature = whatsapp.validator.compute_signature(
        "https://bot.example.id/whatsapp/inbound", form
    )
    response = whatsapp.post(
        form, signature=signature,
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "bot.example.id"},
    )  # fmt: skip
    assert response.status_code == 200
    app.extensions["engine"].dispose()


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({"NumMedia": "1", "MediaContentType0": "image/jpeg"}, "foto"),
        ({"NumMedia": "1", "MediaContentType0": "audio/ogg"}, "pesan suara"),
        ({"NumMedia": "1", "MediaContentType0": "image/webp"}, "stiker"),
        ({"NumMedia": "1", "MediaContentType0": "application/pdf"}, "dokumen"),
        ({"Latitude": "-6.2", "Longitude": "106.6"}, "lokasi"),
        ({"Body": "🙏🙏"}, "kata atau angka"),
        ({"Body": "panjang " * 520}, "terlalu panjang"),
    ],
)
def test_media_emoji_and_long_messages(fixed_clock, whatsapp, engine, extra, says) -> None:
    for text in ["halo", "1", "KSP Sejahtera"]:
        whatsapp.send(COOP_PHONE, text)
    form = whatsapp.form(COOP_PHONE, **{"Body": "", **extra})
    replies = replies_of(whatsapp.post(form).data)
    assert says in replies[0] and "Nomor Induk Koperasi" in replies[-1]
    with transaction(engine) as session:
        conversation = session.get(Conversation, COOP_PHONE)
        assert conversation.answers["coop_name"] == "KSP Sejahtera"
        assert session.get(InboundMessage, form["MessageSid"]).kind in ("media", "location", "text")


def test_restart_mid_conversation_continues_at_the_same_question(engine, db_url) -> None:
    def fresh_app():
        app = create_app({"DATABASE_URL": db_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "DEMO": True})
        app.extensions["clock"] = lambda: NOW
        return app

    first = fresh_app()
    for text, _expected in BOOKING[:5]:
        WhatsApp(first.test_client()).send(COOP_PHONE, text)
    first.extensions["engine"].dispose()

    second = fresh_app()  # a new process: nothing in memory
    replies = WhatsApp(second.test_client()).send(COOP_PHONE, "Cikupa")
    assert "narahubung" in replies[0]
    second.extensions["engine"].dispose()


def test_numbers_in_any_spelling_are_one_person(fixed_clock, whatsapp, engine) -> None:
    whatsapp.send("+6281234567890", "halo")
    for sender in ["whatsapp:081234567890", "whatsapp:6281234567890", "whatsapp:+62 812-3456-7890"]:
        form = {
            key: value for key, value in whatsapp.form(COOP_PHONE, "4").items() if key != "WaId"
        }
        assert whatsapp.post({**form, "From": sender}).status_code == 200
    with transaction(engine) as session:
        assert [c.phone for c in session.exec(select(Conversation)).all()] == [COOP_PHONE]
        assert len(session.exec(select(InboundMessage)).all()) == 4


def test_after_a_day_of_silence_the_booking_can_be_resumed(app, whatsapp, engine) -> None:
    app.extensions["clock"] = lambda: NOW
    for text, _expected in BOOKING[:6]:
        whatsapp.send(COOP_PHONE, text)
    app.extensions["clock"] = lambda: NOW + timedelta(hours=30)
    reply = "\n".join(whatsapp.send(COOP_PHONE, "ya"))
    assert "Selamat datang kembali" in reply and "Koperasi Maju Bersama" in reply
    assert "Di kecamatan mana" in "\n".join(whatsapp.send(COOP_PHONE, "ya"))


def test_every_reply_is_logged_as_an_outbound_message(fixed_clock, whatsapp, engine) -> None:
    replies = whatsapp.send(COOP_PHONE, "halo")
    with transaction(engine) as session:
        logged = session.exec(
            select(OutboundMessage).where(OutboundMessage.channel == "twiml")
        ).all()
    assert [m.body for m in logged] == replies and all(m.status == "sent" for m in logged)


def test_stop_opts_out_and_mulai_opts_back_in(fixed_clock, whatsapp, engine) -> None:
    whatsapp.send(COOP_PHONE, "halo")
    assert "tidak akan menerima pesan" in whatsapp.send(COOP_PHONE, "STOP")[0]
    assert whatsapp.send(COOP_PHONE, "1") == []
    assert "Silakan pilih" in "\n".join(whatsapp.send(COOP_PHONE, "MULAI"))


def test_cancel_from_the_menu_tells_the_admins(fixed_clock, whatsapp, engine) -> None:
    book(whatsapp)
    assert "EK-0001: apa yang ingin dilakukan?" in whatsapp.send(COOP_PHONE, "3")[0]
    whatsapp.send(COOP_PHONE, "2")
    assert "sudah dibatalkan" in whatsapp.send(COOP_PHONE, "ya")[0]
    with transaction(engine) as session:
        assert session.exec(select(Booking)).one().status == "cancelled"
        bodies = session.exec(
            select(OutboundMessage.body).where(OutboundMessage.to_phone == ADMIN)
        ).all()
    assert any("EK-0001" in body and "dibatalkan" in body for body in bodies)


def test_a_fault_in_the_conversation_still_answers_and_keeps_the_message(
    fixed_clock, whatsapp, engine
) -> None:
    with transaction(engine) as session:
        session.add(Conversation(phone=COOP_PHONE, state="coop_name", scratch={"pending": 5},
                                 updated_at=NOW))  # fmt: skip
    form = whatsapp.form(COOP_PHONE, "kembali")  # _back() reads a malformed pending confirmation
    with transaction(engine) as session:
        session.get(Conversation, COOP_PHONE).state = "confirm"
    replies = replies_of(whatsapp.post(form).data)
    assert "sedang ada gangguan" in replies[0]
    with transaction(engine) as session:
        stored = session.get(InboundMessage, form["MessageSid"])
        assert stored.body == "kembali" and stored.error == "conversation failed"


def test_the_same_message_delivered_twice_at_once_is_handled_once(fixed_clock, engine) -> None:
    import threading

    whatsapp = WhatsApp(fixed_clock.test_client())
    whatsapp.send(COOP_PHONE, "halo")
    form = whatsapp.form(COOP_PHONE, "1")
    answers: list[list[str]] = []
    barrier = threading.Barrier(4)

    def deliver() -> None:
        client = WhatsApp(fixed_clock.test_client())
        barrier.wait()
        answers.append(replies_of(client.post(form).data))

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({tuple(replies) for replies in answers}) == 1, "all four get the one answer"
    assert "nama koperasi" in answers[0][0]
    with transaction(engine) as session:
        assert session.get(Conversation, COOP_PHONE).state == "coop_name"


def test_messages_from_one_number_at_once_are_taken_one_by_one(fixed_clock, engine) -> None:
    import threading

    WhatsApp(fixed_clock.test_client()).send(COOP_PHONE, "halo")
    WhatsApp(fixed_clock.test_client()).send(COOP_PHONE, "1")
    barrier = threading.Barrier(2)

    def deliver(text: str) -> None:
        client = WhatsApp(fixed_clock.test_client())
        barrier.wait()
        client.send(COOP_PHONE, text)

    threads = [threading.Thread(target=deliver, args=(text,)) for text in ["KSP Satu", "belum ada"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with transaction(engine) as session:
        conversation = session.get(Conversation, COOP_PHONE)
        seen = (conversation.state, conversation.answers.get("coop_name"))
        assert len(session.exec(select(InboundMessage)).all()) == 4
    # as if one after the other: the name then "belum ada" as the NIK, or "belum ada" refused
    # as a name (it is no name) and then the name; never a mix of both half-applied
    assert seen in {("coop_kind", "KSP Satu"), ("nik", "KSP Satu")}
