"""Every input has a bounded, friendly answer: fuzzed webhook posts (NUL bytes, control
characters, Unicode digits, over-long text) at every step of a booking, from a cooperative and
from an administrator, on both databases: never a 5xx, always valid XML, never a message over
WhatsApp's 1,600 characters, nothing stored that the database would refuse."""

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from flows.words import clean_text, fold, number, pick
from storage.db import transaction
from storage.models import InboundMessage, OutboundMessage
from tests.helpers import ADMIN, BOOKING, COOP_PHONE, admin, book

NASTY = ["\x00", "\x01", "\x07", "\x0b", "\x1b", "\x7f", "\x85", "\ufffe", "²", "፩", "①", "٣",
         "\u200b", "\u202e", "🙏", "👨‍👩‍👧", "<", "&", "]]>", "\r\n", "\t"]  # fmt: skip
words = st.sampled_from(["ya", "1", "2", "batal", "menu", "EK-0001", "senin jam 10", "udh",
                         "Koperasi Maju", "3603123456780001", "bendahara"])  # fmt: skip
nasty_text = st.lists(st.one_of(words, st.sampled_from(NASTY), st.text(max_size=8)),
                      max_size=12).map(" ".join)  # fmt: skip
long_text = st.integers(1_600, 6_000).map(lambda n: ("Masalah kami panjang sekali. " * 300)[:n])
texts = st.one_of(nasty_text, long_text, st.text(max_size=40))
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])  # fmt: skip


def _checked(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    root = ET.fromstring(response.data)  # valid XML, or this raises
    bodies = [(message.findtext("Body") or message.text or "") for message in root.iter("Message")]
    assert all(len(body) <= 1600 for body in bodies), [len(body) for body in bodies]
    return bodies


@FUZZ
@given(steps=st.integers(0, len(BOOKING)), text=texts, extra=st.sampled_from(NASTY))
def test_a_fuzzed_message_at_any_step_gets_a_valid_bounded_answer(whatsapp, steps, text, extra):
    phone = "+6281277700001"
    for sent, _expected in BOOKING[:steps]:
        whatsapp.send(phone, sent)
    form = whatsapp.form(phone, text + extra, NumMedia=extra, ProfileName=text[:50] + extra)
    _checked(whatsapp.post(form))
    _checked(whatsapp.post(whatsapp.form(phone, "menu")))  # and the conversation goes on


@FUZZ
@given(text=texts)
def test_a_fuzzed_command_from_an_administrator_gets_a_valid_bounded_answer(whatsapp, text):
    for verb in ("KONFIRMASI EK-0001 ", "TOLAK EK-0001 ", "USUL EK-0001 ", "JADWAL ", "DAFTAR "):
        _checked(whatsapp.post(whatsapp.form(ADMIN, verb + text)))


def test_nul_bytes_and_controls_are_removed_before_storage(whatsapp, engine) -> None:
    response = whatsapp.post(whatsapp.form(COOP_PHONE, "ha\x00lo\x1b\r\n"))
    _checked(response)
    with transaction(engine) as session:
        stored = session.exec(select(InboundMessage)).one()
    assert stored.body == "halo\n" and "\x00" not in str(stored.payload)


@pytest.mark.parametrize("sid", ["SM" + "a" * 100, "SM\x00abc", "", "SM 1"])
def test_an_unusable_message_sid_is_refused_without_a_fault(whatsapp, sid) -> None:
    form = whatsapp.form(COOP_PHONE, "halo")
    form["MessageSid"] = sid
    assert whatsapp.post(form).status_code == 200


def test_a_long_answer_goes_in_numbered_parts(whatsapp, engine) -> None:
    book(whatsapp)
    reply = whatsapp.post(whatsapp.form(ADMIN, "DETAIL EK-0001"))
    assert _checked(reply)
    long = "Pertanyaan panjang. " * 200
    bodies = _checked(whatsapp.post(whatsapp.form(COOP_PHONE, long)))
    assert bodies and all(len(body) <= 1600 for body in bodies)
    with transaction(engine) as session:
        notices = session.exec(select(OutboundMessage.body)).all()
    assert all(len(body) <= 1600 for body in notices)


def test_unicode_digits_are_not_numbers() -> None:
    assert number("3") == 3 and number(" 12 ") == 12
    assert number("²") is None and number("፩") is None and number("٣") is None
    assert fold("²") == "" and fold("①") == ""
    assert pick("²", {"a": ["a"], "b": ["b"]}) is None
    assert clean_text("a\x00b\x1bc\r\nd\re") == "abc\nd\ne"
    assert clean_text("👨‍👩‍👧 ok\t!") == "👨‍👩‍👧 ok\t!"


def test_an_admin_command_with_unicode_digits_is_answered(whatsapp) -> None:
    book(whatsapp)
    for text in ("DAFTAR ²", "DAFTAR ፩", "KONFIRMASI EK-０００１", "JADWAL 9999-12-31",
                 "JADWAL 0001-01-01", "USUL EK-0001 ² ፩ jam ²"):  # fmt: skip
        assert admin(whatsapp, text), text


def test_dates_far_out_of_range_are_answered(whatsapp) -> None:
    from tests.helpers import SRI

    for text in ("JADWAL 9999-12-31", "JADWAL 0001-01-01", "JADWAL 31-12-9999", "JADWAL ²"):
        assert whatsapp.send(SRI, text), text


@pytest.mark.parametrize("text", ["senin 9999", "31-12-9999 jam 10", "tanggal 0001-01-01 jam 10",
                                  "99999999999999999999 hari lagi"])  # fmt: skip
def test_a_cooperative_asking_for_an_impossible_date_is_asked_again(whatsapp, text) -> None:
    phone = "+6281277700002"
    for sent, _expected in BOOKING[:-1]:
        whatsapp.send(phone, sent)
    assert whatsapp.send(phone, text)


def test_a_reason_longer_than_its_column_gets_a_friendly_answer(whatsapp, engine) -> None:
    book(whatsapp)
    reply = admin(whatsapp, "TOLAK EK-0001 " + "jadwal penuh " * 80)
    assert "terlalu panjang" in reply
    assert "ditolak" in admin(whatsapp, "TOLAK EK-0001 jadwal penuh bulan ini")


# --- the console ---------------------------------------------------------------------------------

CONSOLE_PAGES = ["/admin/", "/admin/calendar", "/admin/experts", "/admin/closed", "/admin/whatsapp",
                 "/admin/booking/EK-0001", "/admin/login"]  # fmt: skip
query_values = st.one_of(st.sampled_from(["9999-12-31", "0001-01-01", "2026-13-45", "²", "-1",
                                          "EK-0001", "\x00", "%", "' OR 1=1 --", "x" * 5000]),
                         st.text(max_size=30))  # fmt: skip
keys = st.sampled_from(["status", "topic", "kecamatan", "date", "week", "page", "next", "q"])
queries = st.dictionaries(keys, query_values, max_size=4)


@pytest.fixture
def signed_in(app, engine, whatsapp):
    from bot.console.auth import hash_password
    from storage.users import save_user
    from tests.helpers import PASSWORD, log_in

    book(whatsapp)
    with transaction(engine) as session:
        save_user(session, "admin@dinas.go.id", hash_password(PASSWORD), "admin", "Rina")
    client = app.test_client()
    log_in(client)
    return client


@FUZZ
@given(query=queries)
def test_no_query_string_makes_a_console_page_fail(signed_in, query) -> None:
    for page in CONSOLE_PAGES:
        assert signed_in.get(page, query_string=query).status_code < 500, (page, query)


def test_console_dates_and_reasons_out_of_range_are_answered(signed_in) -> None:
    from tests.helpers import post

    for path, form in [
        ("/admin/closed", {"day": "9999-12-31", "reason": "libur"}),
        ("/admin/closed", {"day": "2026-12-24", "reason": "cuti bersama " * 40}),
        ("/admin/experts/1/day-off", {"day": "0001-01-01", "reason": "cuti"}),
        ("/admin/experts/1/day-off", {"day": "2026-12-24", "reason": "x" * 300}),
        ("/admin/booking/EK-0001/decline", {"reason": "alasan " * 100}),
        ("/admin/booking/EK-0001/close", {"reason": "alasan " * 100}),
        ("/admin/booking/EK-0001/propose", {"start": "31-12-9999 jam 10"}),
        ("/admin/experts", {"name": "Dr. " + "Panjang " * 30, "phone": "081299990000",
                            "topics": "keuangan"}),
        ("/admin/admins", {"name": "Admin " * 40, "phone": "081299990000"}),
    ]:
        page = post(signed_in, path, "/admin/closed", **form)
        assert page.status_code == 200, (path, form)
        shown = page.get_data(as_text=True)
        flashed = re.findall(r"<p>([^<]*)</p>", shown.split('class="flash"', 1)[-1])
        assert flashed, (path, form)
        print(path, flashed)
