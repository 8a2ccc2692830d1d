"""What the simulator's thread shows: taps, only what is due, templates and held messages as
WhatsApp's 24-hour rule makes them (the page itself: test_simulator_browser.py)."""

from datetime import timedelta

from bot.app import create_app
from bot.outbound.scheduler import tick
from flows.kinds import KINDS
from storage.db import transaction
from storage.outbox import enqueue
from tests.helpers import ADMIN, COOP_PHONE, NOW, WhatsApp, book


def _thread(client, phone: str) -> list[dict]:
    return client.get(f"/simulator/api/thread?phone={phone}").get_json()["messages"]


def test_a_question_comes_with_what_can_be_tapped(app, client, whatsapp) -> None:
    app.extensions["clock"] = lambda: NOW
    whatsapp.send(COOP_PHONE, "halo")
    menu = _thread(client, COOP_PHONE)[-1]
    assert menu["list"] is True and menu["button"] == "Pilih"
    assert [o["id"] for o in menu["options"]] == [f"menu:{n}" for n in range(1, 6)]
    assert menu["options"][0]["title"] == "Daftar konsultasi"


def test_a_message_due_later_shows_only_when_it_is_due(app, client, engine) -> None:
    clock = {"now": NOW}
    app.extensions["clock"] = lambda: clock["now"]
    with transaction(engine) as session:
        enqueue(session, KINDS["reply"], COOP_PHONE, NOW, {"text": "Pengingat besok"},
                due=NOW + timedelta(days=1))  # fmt: skip
    assert _thread(client, COOP_PHONE) == []
    clock["now"] = NOW + timedelta(days=1)
    [shown] = _thread(client, COOP_PHONE)
    assert shown["body"] == "Pengingat besok" and shown["at"].startswith("2026-11-28")


def test_outside_the_window_a_template_is_shown_and_a_message_without_one_is_held(
    engine, db_url, tmp_path
) -> None:
    app = create_app({"DATABASE_URL": db_url, "DEMO": True, "SIMULATE_WINDOW": True,
                      "SPOOL_DIR": str(tmp_path), "ADMIN_NUMBERS": []})  # fmt: skip
    app.extensions["clock"] = lambda: NOW
    client = app.test_client()
    book(WhatsApp(client))  # the administrator never wrote: their notice needs its template
    extensions = app.extensions
    tick(extensions["engine"], extensions["messenger"], NOW, extensions["settings"],
         extensions["send_policy"])  # fmt: skip
    [notice] = [m for m in _thread(client, ADMIN) if m["kind"] == "admin_notice"]
    assert notice["template"] is True and notice["status"] == "delivered"
    assert notice["body"].startswith("Pemberitahuan E-Klinik: ") and "EK-0001" in notice["body"]
    assert "\n" not in notice["body"]
    extensions["send_policy"].templates.pop("CONFIRMATION")  # as if it were not approved
    with transaction(engine) as session:
        enqueue(session, KINDS["confirmation"], "+6281299990000",
                NOW, dict.fromkeys(["code", "start", "expert", "place", "prepare"], "x"))
    tick(extensions["engine"], extensions["messenger"], NOW, extensions["settings"],
         extensions["send_policy"])  # fmt: skip
    [held] = _thread(client, "+6281299990000")
    assert held["status"] == "held"
    extensions["engine"].dispose()


def test_an_administrators_balas_shows_in_the_cooperatives_thread(app, client, whatsapp) -> None:
    app.extensions["clock"] = lambda: NOW
    whatsapp.send(COOP_PHONE, "hubungi admin")
    whatsapp.send(COOP_PHONE, "Kapan pelatihan RAT berikutnya?")
    extensions = app.extensions
    tick(extensions["engine"], extensions["messenger"], NOW, extensions["settings"],
         extensions["send_policy"])  # fmt: skip
    [notice] = [m for m in _thread(client, ADMIN) if m["kind"] == "admin_message"]
    assert "Kapan pelatihan RAT berikutnya?" in notice["body"] and notice["sid"]
    answer = "Insya Allah tanggal 14 Desember."
    whatsapp.send(ADMIN, answer, OriginalRepliedMessageSid=notice["sid"])
    tick(extensions["engine"], extensions["messenger"], NOW, extensions["settings"],
         extensions["send_policy"])  # fmt: skip
    answer = _thread(client, COOP_PHONE)[-1]
    assert answer["kind"] == "admin_reply" and answer["status"] == "delivered"
    assert answer["body"] == "💬 Balasan admin PA EKO:\nInsya Allah tanggal 14 Desember."
