"""Who did what: WhatsApp commands and console actions in the audit log with the person, and
the console's audit page with its filters (both backends)."""

import pytest
from sqlmodel import col, select

from bot.console.audit import action_of
from bot.console.auth import hash_password
from flows.admin import CHANGES
from flows.catalogue import STAFF, names
from storage.db import transaction
from storage.models import AuditEntry, Expert
from storage.users import save_user
from tests.helpers import (
    ADMIN,
    NOW,
    PASSWORD,
    SRI,
    WhatsApp,
    admin,
    book,
    log_in,
    post,
    set_link,
)


@pytest.fixture
def booked(app, engine):
    clock = {"now": NOW}
    app.extensions["clock"] = lambda: clock["now"]
    set_link(engine, SRI, "https://zoom.us/j/555")
    whatsapp = WhatsApp(app.test_client())
    book(whatsapp)
    return whatsapp, clock


@pytest.fixture
def console(app, engine):
    with transaction(engine) as session:
        sri = session.exec(select(Expert).where(Expert.phone == SRI)).one()
        save_user(session, "admin@dinas.go.id", hash_password(PASSWORD), "admin", "Rina")
        save_user(session, "sri@dinas.go.id", hash_password(PASSWORD), "expert", "Sri", sri.id)
    client = app.test_client()
    log_in(client)
    return client


def _log(engine) -> list[AuditEntry]:
    with transaction(engine) as session:
        return list(session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all())


def test_whatsapp_commands_that_change_something_are_logged_with_the_number(booked, engine):
    whatsapp, clock = booked
    admin(whatsapp, "DAFTAR")
    admin(whatsapp, "DETAIL EK-0001")
    admin(whatsapp, "KONFIRMASI")  # mistyped: nothing happened
    admin(whatsapp, "KONFIRMASI EK-0001")
    admin(whatsapp, "BALAS EK-0001 Sampai jumpa hari Senin.")
    [confirmed, answered] = _log(engine)
    assert (confirmed.who, confirmed.channel, confirmed.action, confirmed.target) == (
        ADMIN, "whatsapp", "confirm", "EK-0001")
    assert "terkonfirmasi" in confirmed.detail and confirmed.at == NOW
    assert (answered.action, answered.target) == ("reply", "EK-0001")
    assert answered.detail.startswith("✅ Balasan terkirim")


def test_an_experts_commands_are_logged_too(session_started, engine) -> None:
    whatsapp, _clock = session_started
    whatsapp.send(SRI, "SELESAI EK-0001")
    whatsapp.send(SRI, "RESEP EK-0001")  # a draft: nothing sent yet
    whatsapp.send(SRI, "Susun ulang daftar anggota aktif dan tagih tunggakan bertahap.")
    whatsapp.send(SRI, "KIRIM")
    whatsapp.send(SRI, "YA")
    log = [(e.who, e.action, e.target) for e in _log(engine) if e.who == SRI]
    assert log == [(SRI, "done", "EK-0001"), (SRI, "prescribe", "EK-0001")]


def test_console_actions_are_logged_with_the_account(booked, console, engine) -> None:
    post(console, "/admin/booking/EK-0001/confirm", "/admin/booking/EK-0001", start="",
         expert_id="", url="")  # fmt: skip
    post(console, "/admin/closed", "/admin/closed", day="2026-12-24", reason="Cuti bersama")
    post(console, "/admin/booking/EK-0001/decline", "/admin/booking/EK-0001", reason="")
    entries = [(e.who, e.channel, e.action, e.target) for e in _log(engine)]
    assert entries[0] == ("admin@dinas.go.id", "console", "login", "admin@dinas.go.id")
    assert ("admin@dinas.go.id", "console", "confirm", "EK-0001") in entries
    assert ("admin@dinas.go.id", "console", "closed_day", "2026-12-24") in entries
    declined = [e for e in _log(engine) if e.action == "decline"][0]
    assert declined.detail == "Lengkapi isian formulir terlebih dahulu."  # what they were told
    assert not [e for e in _log(engine) if e.channel == "whatsapp"]  # one entry per action


def test_a_refused_form_or_a_failed_log_in_writes_nothing(app, engine) -> None:
    with transaction(engine) as session:
        save_user(session, "admin@dinas.go.id", hash_password(PASSWORD), "admin", "Rina")
    client = app.test_client()
    log_in(client, password="salah-sekali-ini")
    assert client.post("/admin/closed", data={"day": "2026-12-24"}).status_code in (302, 400)
    assert _log(engine) == []


def test_the_audit_page_filters_by_person_action_channel_day_and_text(booked, console, engine,
                                                                      app) -> None:  # fmt: skip
    whatsapp, _clock = booked
    admin(whatsapp, "KONFIRMASI EK-0001")
    post(console, "/admin/closed", "/admin/closed", day="2026-12-24", reason="Cuti bersama")
    everything = console.get("/admin/audit").get_data(as_text=True)
    assert "3 tindakan" in everything and "Konfirmasi" in everything and "Hari tutup" in everything
    assert "Admin (+6281100000001)" in everything  # the administrator's registered name

    def shown(**query) -> str:
        return console.get("/admin/audit", query_string=query).get_data(as_text=True)

    assert "1 tindakan" in shown(who=ADMIN) and "Konfirmasi</strong>" in shown(who=ADMIN)
    assert "1 tindakan" in shown(action="closed_day")
    assert "2 tindakan" in shown(channel="console")
    assert "1 tindakan" in shown(q="ek-0001")
    assert "3 tindakan" in shown(since="2026-11-27", until="2026-11-27")
    assert "0 tindakan" in shown(since="2026-11-28")
    assert "Belum ada tindakan yang cocok." in shown(q="tidak ada")


def test_the_audit_page_is_for_administrators(booked, console) -> None:
    console.post("/admin/logout", data={})
    expert = console.application.test_client()
    log_in(expert, "sri@dinas.go.id")
    assert expert.get("/admin/audit").status_code == 403


def test_every_logged_action_has_a_name(app) -> None:
    from flows.expert import ExpertVerb

    labels = names("audit_action", STAFF)
    rules = app.url_map.iter_rules()
    console_posts = [r for r in rules if r.endpoint.startswith("console.") and "POST" in r.methods]
    for rule in console_posts:
        if rule.endpoint == "console.booking_action":
            for action in ("confirm", "move", "propose", "decline", "expert", "link"):
                assert action_of(rule.endpoint, {"action": action}) in labels
        else:
            assert action_of(rule.endpoint, {}) in labels, rule.endpoint
    assert {verb.value for verb in CHANGES} <= set(labels)
    assert {ExpertVerb.PRESCRIBE, ExpertVerb.DONE, ExpertVerb.NO_SHOW} <= set(labels)
