"""The /simulator page in a real browser (Debian's Chromium driven by Playwright)."""

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from bot.app import create_app
from bot.outbound.scheduler import tick
from tests.helpers import ADMIN, NOW, SRI, prepared_engine, request, set_link, unavailable

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(engine, sqlite_url) -> Iterator[str]:
    """The app as `make run` serves it (no Twilio: local outbox), plus a sender thread."""
    app = create_app({"DATABASE_URL": sqlite_url, "DEMO": True})
    app.extensions["clock"] = lambda: NOW
    server = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    stop = threading.Event()

    def sender() -> None:
        while not stop.wait(0.3):
            tick(app.extensions["engine"], app.extensions["messenger"], NOW)

    sending = threading.Thread(target=sender, daemon=True)
    sending.start()
    yield f"http://127.0.0.1:{server.server_port}"
    stop.set()
    sending.join()
    server.shutdown()
    app.extensions["engine"].dispose()


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        unavailable("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def engine(sqlite_url):
    """Only SQLite here: the simulator is the no-setup local mode."""
    engine = prepared_engine(sqlite_url)
    yield engine
    engine.dispose()


def open_number(page, typed: str, shown: str) -> None:
    """Chat as a number typed as people type it, once the simulator shows it (E.164)."""
    page.fill("#phone", typed)
    page.click("#pick button")
    page.wait_for_selector(f"#who:text('{shown}')")


def say(page, text: str) -> None:
    count = page.locator(".msg.out").count()
    page.fill("#text", text)
    page.press("#text", "Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('.msg.out').length > n", arg=count, timeout=10_000
    )


def test_book_in_the_simulator_and_see_the_admins_notice(live_server, browser) -> None:
    page = browser.new_page()
    page.goto(live_server + "/")
    assert page.title().startswith("Simulator WhatsApp")
    open_number(page, "0812 3456 7890", "+6281234567890")
    for text in ["halo", "1", "Koperasi Maju Bersama", "belum ada", "1", "Cikupa",
                 "Siti, bendahara", "3", "3", "Banyak anggota menunggak pinjaman.",
                 "senin jam 10"]:  # fmt: skip
        say(page, text)
    page.wait_for_selector(".msg.out:has-text('Mohon periksa data pendaftaran')")
    say(page, "ya")
    receipt = page.locator(".msg.out", has_text="tercatat dengan kode").inner_text()
    assert "kode EK-0001" in receipt
    assert page.locator(".msg.out strong", has_text="EK-0001").count() >= 1

    page.click(f"#phones li:has-text('{ADMIN}')")
    page.wait_for_selector("#who:text('+6281100000001')")
    notice = page.locator(".msg.out", has_text="Pendaftaran baru EK-0001")
    notice.wait_for(timeout=10_000)
    assert "Koperasi Maju Bersama" in notice.inner_text()
    page.wait_for_function(
        "() => document.querySelector('.msg.out').dataset.status === 'delivered'", timeout=10_000
    )
    page.screenshot(path=str(_shot_path()), full_page=True)
    page.close()


def test_a_photo_from_the_simulator_gets_a_friendly_answer(live_server, browser) -> None:
    page = browser.new_page()
    page.goto(live_server + "/simulator/")
    open_number(page, "081299998888", "+6281299998888")
    say(page, "halo")
    count = page.locator(".msg.out").count()
    page.click("#attach")
    page.wait_for_function(
        "n => document.querySelectorAll('.msg.out').length > n", arg=count, timeout=10_000
    )
    assert page.locator(".msg.out", has_text="belum bisa membaca foto").count() == 1
    page.close()


def tap(page, option_id: str) -> None:
    """Tap an option of the last question: a button, or a row behind the list's button."""
    count = page.locator(".msg.out").count()
    question = page.locator(".msg.out:has(.choices)").last
    opener = question.locator(".list-open")
    if opener.count():
        opener.click()
    question.locator(f"[data-id^='{option_id.split(':')[0]}'][data-id$=':{option_id.split(':')[1]}']"
                     ).first.click()  # fmt: skip
    page.wait_for_function(
        "n => document.querySelectorAll('.msg.out').length > n", arg=count, timeout=10_000
    )


def test_a_whole_booking_by_taps_on_a_phone_screen(live_server, browser) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(live_server + "/simulator/")
    open_number(page, "0812 7777 1234", "+6281277771234")
    say(page, "halo")
    assert page.locator(".msg.out .list-open").count() == 1  # the menu as a list
    tap(page, "menu:1")
    say(page, "Koperasi Maju Bersama")
    say(page, "belum ada")
    tap(page, "coop_kind:1")
    say(page, "Cikupa")
    say(page, "Siti Aminah")
    tap(page, "role:4")
    tap(page, "topic:3")
    tap(page, "problem_area:3")
    say(page, "Banyak anggota menunggak pinjaman sejak Januari.")
    say(page, "senin")
    tap(page, "times:1")  # the first free time on Monday
    page.wait_for_selector(".msg.out:has-text('Mohon periksa data pendaftaran')")
    assert page.locator(".msg.out .choices.buttons button").last.inner_text() == "Batal"
    tap(page, "summary:YA")
    receipt = page.locator(".msg.out", has_text="tercatat dengan kode").inner_text()
    assert "kode EK-0001" in receipt
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, "the simulator must not scroll sideways on a phone"
    meta = page.locator(".msg.out .meta").last.inner_text()
    assert "Nov" in meta or "Des" in meta  # each bubble says its day and time
    page.screenshot(path=str(_shot_path().parent / "simulator-phone.png"), full_page=False)
    page.close()


def _shot_path() -> Path:
    folder = Path(__file__).resolve().parents[2] / "test-results"
    folder.mkdir(exist_ok=True)
    return folder / "simulator.png"


@pytest.fixture
def console_login(engine) -> tuple[str, str]:
    from bot.console.auth import hash_password
    from storage.db import transaction
    from storage.users import save_user

    with transaction(engine) as session:
        save_user(session, "admin@dinas.go.id", hash_password("rahasia-sekali"), "admin", "Rina")
    return "admin@dinas.go.id", "rahasia-sekali"


def log_in(page, url: str, login: tuple[str, str]) -> None:
    page.goto(url)
    page.fill("#email", login[0])
    page.fill("#password", login[1])
    page.click("button[type=submit]")
    page.wait_for_selector("h1:text('Permintaan konsultasi')")


def _screenshot(page, name: str) -> None:
    """Kept in test-results/ (the README's copies in docs/ are refreshed by hand)."""
    page.screenshot(path=str(_shot_path().parent / name), full_page=False)


def test_console_log_in_confirm_and_refuse_a_double_booking(
    live_server, browser, engine, console_login
) -> None:
    set_link(engine, SRI, "https://zoom.us/j/555")
    first = request(engine, "+6281200000001", "2026-12-01 10:00", name="KSP Sejahtera Cikupa")
    second = request(engine, "+6281200000002", "2026-12-01 10:00", name="Kopkar Maju Jaya")
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    log_in(page, live_server + "/admin/", console_login)
    assert page.locator("tbody tr").count() == 2
    _screenshot(page, "console-inbox.png")

    page.click(f"a:text('{first}')")
    page.select_option("select[name=expert_id] >> nth=0", label="Ir. Sri")
    page.click("form:has(h2:text('Konfirmasi')) button[type=submit]")
    page.wait_for_selector(".flash:has-text('terkonfirmasi')")
    outbox = page.locator("table.outbox tbody")
    assert "Konsultasi " + first + " terkonfirmasi" in outbox.inner_text()  # *bold*, drawn
    assert outbox.locator("strong", has_text=first).count() >= 1
    assert "https://zoom.us/j/555" in outbox.inner_text()
    _screenshot(page, "console-booking.png")

    page.goto(live_server + f"/admin/booking/{second}")
    page.select_option("select[name=expert_id] >> nth=0", label="Ir. Sri")
    page.click("form:has(h2:text('Konfirmasi')) button[type=submit]")
    page.wait_for_selector(".flash:has-text('sudah punya sesi')")
    assert "Menunggu konfirmasi" in page.locator("h1").inner_text()
    page.close()


def test_console_on_a_phone_screen(live_server, browser, console_login) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 740})
    log_in(page, live_server + "/admin/login", console_login)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, "the inbox must not scroll sideways on a phone"
    # Each cell is labelled on a phone ("Kecamatan: Cikupa"); the empty inbox's one line not
    # (it once read ": Tidak ada permintaan.").
    empty = page.locator("table.inbox td[colspan]")
    assert empty.inner_text() == "Tidak ada permintaan."
    assert empty.evaluate("td => getComputedStyle(td, '::before').content") in ("none", "normal")
    _screenshot(page, "console-phone.png")
    page.close()


def _no_sideways_scroll(page, width: int) -> None:
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width + 1, f"{page.url} scrolls sideways at {width} px ({scrolled})"


def test_an_administrator_answers_by_replying_to_the_notice_in_the_simulator(
    live_server, browser
) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(live_server + "/simulator/")
    open_number(page, "0812 3456 7890", "+6281234567890")
    say(page, "hubungi admin")
    say(page, "Kapan pelatihan RAT berikutnya?")
    page.click(f"#phones li:has-text('{ADMIN}')")
    page.wait_for_selector("#who:text('+6281100000001')")
    notice = page.locator(".msg.out", has_text="Kapan pelatihan RAT berikutnya?")
    notice.locator(".quote").click(timeout=10_000)  # there once the notice is sent
    assert page.locator("#replying").is_visible()
    say(page, "Insya Allah tanggal 14 Desember.")
    assert "Balasan terkirim" in page.locator(".msg.out").last.inner_text()
    assert page.locator("#replying").is_hidden()
    page.click("#phones li:has-text('+6281234567890')")
    page.wait_for_selector("#who:text('+6281234567890')")
    answer = page.locator(".msg.out", has_text="Insya Allah tanggal 14 Desember.")
    answer.wait_for(timeout=10_000)
    assert "Balasan admin PA EKO" in answer.inner_text()
    _no_sideways_scroll(page, 390)
    page.close()


@pytest.mark.parametrize("width", [1200, 390])
def test_the_console_thread_answers_a_cooperative(live_server, browser, console_login,
                                                 width) -> None:  # fmt: skip
    page = browser.new_page(viewport={"width": width, "height": 844})
    page.goto(live_server + "/simulator/")
    open_number(page, "0812 3456 7890", "+6281234567890")
    say(page, "hubungi admin")
    say(page, "Apakah berkas RAT perlu dibawa saat konsultasi?")
    log_in(page, live_server + "/admin/login", console_login)
    page.click(".flash a:has-text('pesan Hubungi admin menunggu balasan')")
    page.wait_for_selector("h1:text('Percakapan WhatsApp')")
    _no_sideways_scroll(page, width)
    page.click(".cards a")
    page.wait_for_selector(".bubble.in:has-text('Apakah berkas RAT')")
    page.click("button:text('Saya tangani')")
    page.wait_for_selector(".flash:has-text('kini Anda tangani')")
    page.fill("#answer-text", "Tidak perlu dibawa; cukup dikirim lewat WhatsApp ini.")
    page.click("button:text('Kirim balasan')")
    page.wait_for_selector(".flash:has-text('Balasan terkirim')")
    answer = page.locator(".bubble.out", has_text="cukup dikirim lewat WhatsApp ini")
    assert "Balasan admin" in answer.inner_text() and "oleh Rina" in answer.inner_text()
    _no_sideways_scroll(page, width)
    _screenshot(page, f"console-thread-answered-{width}.png")
    page.goto(live_server + "/simulator/")
    open_number(page, "0812 3456 7890", "+6281234567890")
    page.locator(".msg.out", has_text="cukup dikirim lewat WhatsApp ini").wait_for(timeout=10_000)
    page.close()


CONSOLE_PAGES = [
    "/admin/", "/admin/booking/EK-0001", "/admin/booking/EK-0002",
    "/admin/calendar?week=2026-11-30", "/admin/calendar?week=2026-11-30&day=2026-12-01",
    "/admin/threads", "/admin/thread?phone=%2B6281200000001", "/admin/announcements",
    "/admin/audit", "/admin/experts", "/admin/closed", "/admin/admins", "/admin/numbers",
    "/admin/privacy", "/admin/whatsapp", "/admin/visits/new", "/admin/report?year=2026",
]  # fmt: skip


@pytest.mark.parametrize("width", [1200, 390])
def test_every_console_page_fits_the_screen(live_server, browser, engine, console_login,
                                            width) -> None:  # fmt: skip
    """No page scrolls sideways, at a desktop's width or a phone's; each has a screenshot."""
    set_link(engine, SRI, "https://zoom.us/j/555")
    confirmed = request(engine, "+6281200000001", "2026-12-01 10:00",
                        name="Koperasi Simpan Pinjam Sejahtera Bersama Pasar Kemis")  # fmt: skip
    request(engine, "+6281200000002", "2026-12-01 13:00", topic="usaha",
            name="KSP Maju Jaya")  # fmt: skip
    page = browser.new_page(viewport={"width": width, "height": 844})
    page.goto(live_server + "/admin/login")
    _no_sideways_scroll(page, width)
    log_in(page, live_server + "/admin/login", console_login)
    inbox = page.locator("table.inbox tbody tr")
    assert "Menunggu konfirmasi" in inbox.first.inner_text()  # waiting requests first
    page.goto(live_server + f"/admin/booking/{confirmed}")
    page.select_option("select[name=expert_id] >> nth=0", label="Ir. Sri")
    page.click("form:has(h2:text('Konfirmasi')) button[type=submit]")
    page.wait_for_selector(".flash:has-text('terkonfirmasi')")
    for path in CONSOLE_PAGES:
        page.goto(live_server + path)
        assert page.locator("h1").count() == 1, path
        _no_sideways_scroll(page, width)
        name = path.removeprefix("/admin/").split("?")[0].replace("/", "-") or "inbox"
        if "day=" in path:
            name += "-day"
        _screenshot(page, f"console-{name}-{width}.png")
    if width == 390:  # a phone sees one day at a time, and picks another
        page.goto(live_server + "/admin/calendar?week=2026-11-30")
        assert page.locator(".day:visible").count() == 1
        page.click(".day-tabs a:text('Sel 1/12')")
        assert "Selasa, 1 Desember 2026" in page.locator(".day:visible h2").inner_text()
        assert page.locator(".day:visible .item.session").count() == 1
        assert page.locator(".day:visible .item.request").count() == 1
    page.close()


def _past_services(sqlite_url: str) -> None:
    """Four services of 2026 and one no-show, as the paper records would bring them."""
    from bot.lifecycle import Acting
    from bot.lifecycle.visits import import_past
    from bot.meetings import Prepared
    from flows.lifecycle import Actor
    from flows.services import row_fields
    from storage.db import make_engine, transaction
    from storage.services import set_target

    settings = create_app({"DATABASE_URL": sqlite_url, "DEMO": True}).extensions["settings"]
    rows = [
        ("2026-02-10", "e-klinik", "KSP Sejahtera Bersama", "Cikupa", "keuangan", "hadir", "4"),
        ("2026-03-03", "tatap muka", "KUD Mekar Sari", "Cisoka", "kelembagaan", "hadir", "5"),
        ("2026-06-15", "e-klinik", "Kopkar Sentosa", "Legok", "usaha", "tidak hadir", ""),
        ("2026-09-07", "tatap muka", "KSP Sejahtera Bersama", "Cikupa", "usaha", "hadir", "3"),
        ("2026-10-05", "tatap muka", "Koperasi Tani Makmur", "Balaraja", "usaha", "hadir", ""),
    ]
    engine = make_engine(sqlite_url)
    with transaction(engine) as session:
        act = Acting(session, Actor.ADMINISTRATOR, "test", NOW, settings,
                     Prepared(settings.meetings))  # fmt: skip
        fields = [(n, row_fields({"tanggal": day, "saluran": channel, "koperasi": coop,
                                  "kecamatan": kecamatan, "topik": topic, "hasil": outcome,
                                  "kepuasan": score, "masalah": "Masalah yang dibahas."}))
                  for n, (day, channel, coop, kecamatan, topic, outcome, score)
                  in enumerate(rows, 2)]  # fmt: skip
        assert import_past(act, fields).codes
        set_target(session, 2026, 10, "test", NOW)
    engine.dispose()


@pytest.mark.parametrize("width", [1200, 390])
def test_the_report_page_at_desktop_and_phone_width(live_server, browser, sqlite_url,
                                                    console_login, width) -> None:  # fmt: skip
    _past_services(sqlite_url)
    page = browser.new_page(viewport={"width": width, "height": 900})
    log_in(page, live_server + "/admin/login", console_login)
    page.goto(live_server + "/admin/report?year=2026")
    assert page.locator("[data-figure=services]").inner_text() == "4"
    assert page.locator("[data-figure=target]").inner_text() == "10"
    assert page.locator("[data-figure=realisation]").inner_text() == "40,0%"
    chart = page.locator("svg.chart")
    assert chart.is_visible() and chart.locator("circle.done").count() == 12
    assert chart.bounding_box()["width"] <= width
    channel = page.locator("section:has(h2:text('Per saluran'))").inner_text()
    assert "E-Klinik (Zoom)\t1" in channel and "Tatap muka\t3" in channel
    _no_sideways_scroll(page, width)
    _screenshot(page, f"console-report-chart-{width}.png")
    with page.expect_download() as download:
        page.click("a:text('Excel')")
    assert download.value.suggested_filename == "laporan-klinik-koperasi-2026.xlsx"
    page.close()


def test_the_receptionist_registers_a_walk_in_on_a_phone(live_server, browser, engine) -> None:
    from bot.console.auth import hash_password
    from storage.db import transaction
    from storage.users import save_user

    with transaction(engine) as session:
        save_user(session, "dewi@dinas.go.id", hash_password("rahasia-sekali"), "receptionist",
                  "Dewi")  # fmt: skip
    page = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(page, live_server + "/admin/login", ("dewi@dinas.go.id", "rahasia-sekali"))
    page.click("header a:text('Kunjungan')")
    page.fill("input[name=cooperative]", "Koperasi Tani Makmur")
    page.select_option("select[name=kecamatan]", "Balaraja")
    page.select_option("select[name=topic]", label="Pengembangan Usaha")
    page.fill("textarea[name=problem]", "Harga gabah jatuh, anggota menjual ke tengkulak.")
    page.select_option("select[name=expert_phone]", label="Ir. Sri")
    page.fill("input[name=phone]", "0813 7777 8888")
    _no_sideways_scroll(page, 390)
    page.click("button:text('Catat kunjungan')")
    page.wait_for_selector(".flash:has-text('Kunjungan EK-0001 dicatat')")
    assert "Tatap muka" in page.locator("dl").inner_text()
    _screenshot(page, "console-walk-in-390.png")
    page.close()
