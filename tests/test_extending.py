"""The four common changes each touch at most three files (docs/changing.md shows the edits).

Each test makes its change the way the document says, to the tables in memory, and shows
that nothing else needs to know: the conversation, storage, the commands and the outbox
pick it up as they are.
"""

from dataclasses import replace

from flows.catalogue import catalogue
from flows.conversation import booking
from flows.conversation.booking import B, Line
from flows.conversation.steps import Accept, Reject, Step
from flows.kinds import KINDS, KINDS_IN_ORDER, Kind, To
from flows.model import SubmitBooking
from storage.bookings import new_booking, save_new
from storage.db import transaction
from tests.helpers import (
    ADMIN,
    COOP_PHONE,
    NOW,
    User,
    WhatsApp,
    admin,
    booked_up_to,
    messages_to,
)
from tests.helpers import request as waiting_request


def test_rewording_a_question_is_the_catalogue_alone(monkeypatch) -> None:
    """flows/catalogue/id.toml (and en.toml): one line each."""
    monkeypatch.setitem(catalogue("id"), "ask_coop_name", "Koperasinya bernama apa?")
    user = User()
    user.says("halo")
    assert user.says("1") == "Koperasinya bernama apa?"


def _members(turn) -> Accept | Reject:
    digits = "".join(ch for ch in turn.text if ch.isdigit())
    return Accept({"members": int(digits)}) if digits else Reject(["Tulis jumlahnya, mis. 120."])


def test_adding_a_booking_step_is_one_module_and_the_catalogue(monkeypatch, engine) -> None:
    """flows/conversation/booking.py (a step row and its summary line), id.toml, en.toml."""
    steps = {}
    for state, step in booking.STEPS.items():
        steps[state] = replace(step, next="members") if state == B.KECAMATAN else step
        if state == B.KECAMATAN:
            steps["members"] = Step("ask_members", _members, B.CONTACT_NAME)
    monkeypatch.setattr(booking, "STEPS", steps)
    line = Line("members", lambda answers, lang: answers.get("members"))
    monkeypatch.setattr(booking, "SUMMARY", (*booking.SUMMARY[:4], line, *booking.SUMMARY[4:]))
    for lang, question, label in (("id", "Berapa anggota koperasi Anda?", "Anggota"),
                                  ("en", "How many members?", "Members")):  # fmt: skip
        monkeypatch.setitem(catalogue(lang), "ask_members", question)
        monkeypatch.setitem(catalogue(lang)["summary_label"], "members", label)

    user = booked_up_to(B.KECAMATAN)
    assert "Berapa anggota koperasi Anda?" in user.says("Cikupa")
    assert "jumlahnya" in user.says("banyak")  # refused, asked again
    assert "narahubung" in user.says("120 orang")
    for text in ["Siti Aminah", "bendahara", "3", "3", "Banyak anggota menunggak pinjaman.",
                 "senin depan jam 10"]:  # fmt: skip
        summary = user.says(text)
    assert "Anggota: 120" in summary
    user.says("ya")
    [submitted] = [effect for effect in user.effects if isinstance(effect, SubmitBooking)]
    assert submitted.answers["members"] == 120
    with transaction(engine) as session:  # storage keeps it with the booking, as it is
        stored = new_booking(session, COOP_PHONE, submitted.answers)
        save_new(session, stored)
        assert stored.details == {"members": 120}


def test_adding_an_admin_command_is_three_files(monkeypatch, app, engine) -> None:
    """flows/admin.py (its words), bot/commands/admin.py (its row), staff.toml (its texts)."""
    from bot.commands import admin as commands
    from flows import admin as words
    from flows.catalogue import staff
    from storage.bookings import record_event

    def note(act, command, found) -> list[str]:
        record_event(act.session, found, act.who, "note", act.now, command.reason)
        return [staff("admin_noted", code=found.code)]

    monkeypatch.setitem(words.VERBS, "catat", "note")
    monkeypatch.setattr(words, "WITH_REASON", {*words.WITH_REASON, "note"})
    monkeypatch.setitem(commands.COMMANDS, "note", commands.Handler(note))
    texts = catalogue("staff")
    monkeypatch.setitem(texts, "admin_noted", "Catatan untuk *{code}* disimpan.")
    monkeypatch.setitem(texts["help"]["admin"], "note", "CATAT EK-0042 teks — catatan")
    monkeypatch.setitem(texts["example"]["admin"], "note", "CATAT EK-0042 sudah ditelepon")

    app.extensions["clock"] = lambda: NOW
    code = waiting_request(engine, COOP_PHONE, "2026-12-01 10:00")
    whatsapp = WhatsApp(app.test_client())
    assert f"Catatan untuk *{code}* disimpan." in admin(whatsapp, f"CATAT {code} sudah ditelepon")
    assert "CATAT EK-0042 sudah ditelepon" in admin(whatsapp, f"CATAT {code}")  # the example
    assert "CATAT EK-0042 teks" in admin(whatsapp, "BANTUAN")
    assert f"note ({ADMIN}) sudah ditelepon" in admin(whatsapp, f"DETAIL {code}")


def test_adding_a_message_kind_is_the_registry_and_its_text(monkeypatch, app, engine) -> None:
    """flows/kinds.py (its row: text, template, variables, the step that sends it, to whom)
    and the catalogue (its text). The lifecycle queues it, the sender reads it."""
    kind = Kind("admin_declined", "admin_declined_notice", "ADMIN_NOTICE", (),
                "a decline, for the record", audience=To.ADMINISTRATORS,
                on={"decline": To.ADMINISTRATORS})  # fmt: skip
    monkeypatch.setattr("flows.kinds.KINDS_IN_ORDER", (*KINDS_IN_ORDER, kind))
    monkeypatch.setitem(KINDS, kind.name, kind)
    monkeypatch.setitem(catalogue("staff"), "admin_declined_notice", "🚫 {code} ({coop}): {reason}")

    app.extensions["clock"] = lambda: NOW
    code = waiting_request(engine, COOP_PHONE, "2026-12-01 10:00", name="KSP Mandiri")
    admin(WhatsApp(app.test_client()), f"TOLAK {code} di luar layanan")
    [told] = messages_to(engine, ADMIN, "admin_declined")
    assert told.body == f"🚫 {code} (KSP Mandiri): di luar layanan"
