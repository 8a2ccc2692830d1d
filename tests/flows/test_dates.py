"""parse_when: the shared corpus line by line, more expressions, and properties."""

from datetime import date, datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.dates import WIB, parse_clock, parse_when
from tests.conftest import SHARED

CORPUS = SHARED / "corpus" / "dates.tsv"
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)  # a Friday


def corpus_lines() -> list:
    if not CORPUS.exists():
        return [pytest.param(None, None, None, marks=pytest.mark.skip(f"no corpus at {CORPUS}"))]
    lines = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        text, now, expected = line.split("\t")
        lines.append(pytest.param(text, now, expected, id=f"{text}@{now}"))
    return lines


def shown(text: str, now: datetime) -> str:
    when = parse_when(text, now)
    if when is None:
        return "NONE"
    return when.date.isoformat() + (f" {when.time:%H:%M}" if when.time else "")


@pytest.mark.parametrize(("text", "now", "expected"), corpus_lines())
def test_corpus(text: str, now: str, expected: str) -> None:
    assert shown(text, datetime.fromisoformat(now).replace(tzinfo=WIB)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jumat pagi", "2026-12-04"),
        ("senen jam 9", "2026-11-30 09:00"),
        ("rebo depan", "2026-12-02"),
        ("slasa jam 10", "2026-12-01 10:00"),
        ("tgl 3 januari jam 10", "2027-01-03 10:00"),
        ("senin jam setengah 10", "2026-11-30 09:30"),
        ("3.12.26", "2026-12-03"),
        ("3 Des", "2026-12-03"),
        ("pukul 13.30 tgl 4", "2026-12-04 13:30"),
        ("in 3 days", "2026-11-30"),
        ("tiga hari lagi", "2026-11-30"),
        ("2 minggu lagi", "2026-12-11"),
        ("tgl 5 bulan depan", "2026-12-05"),
        ("Dec 2nd 2pm", "2026-12-02 14:00"),
        ("tomorrow 3pm", "2026-11-28 15:00"),
        ("1 pebruari 2027", "2027-02-01"),
        ("17 agust", "2027-08-17"),
        ("15 sept jam 9", "2027-09-15 09:00"),
        ("insyaallah besok jam 10 ya", "2026-11-28 10:00"),
        ("besok jam 10:30 wib", "2026-11-28 10:30"),
        ("Senin 30/11 jam 14", "2026-11-30 14:00"),
        ("jam 7 malam besok", "2026-11-28 19:00"),
        ("jam 6 pagi besok", "2026-11-28 06:00"),
        ("2026-12-03 jam 9", "2026-12-03 09:00"),
        ("selasa 2 desember", "NONE"),
        ("besok jam 25", "NONE"),
        ("31/11", "NONE"),
        ("mau daftar", "NONE"),
        ("hello", "NONE"),
        ("", "NONE"),
    ],
)
def test_more_expressions(text: str, expected: str) -> None:
    assert shown(text, NOW) == expected


def test_part_of_day_without_a_clock_is_kept() -> None:
    when = parse_when("besok siang", NOW)
    assert when is not None and when.time is None and when.part == "siang"


def test_answers_in_jakarta_time_whatever_zone_now_is_in() -> None:
    late_utc = datetime.fromisoformat("2026-11-27T18:30:00+00:00")  # already 28 Nov in WIB
    assert parse_when("besok", late_utc).date == date(2026, 11, 29)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("jam 10", time(10)), ("13.30", time(13, 30)), ("2", time(14)), ("setengah 3", time(14, 30)),
     ("jam 9 pagi", time(9)), ("abc", None), ("jam 99", None)],
)  # fmt: skip
def test_parse_clock(text: str, expected: time | None) -> None:
    assert parse_clock(text) == expected


@settings(max_examples=400, deadline=None)
@given(
    st.text(max_size=60),
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)),
)
def test_never_raises_and_returns_real_dates(text: str, naive_now: datetime) -> None:
    when = parse_when(text, naive_now.replace(tzinfo=WIB))
    if when is not None:
        assert isinstance(when.date, date)
        assert date(2019, 1, 1) <= when.date <= date(2100, 12, 31)
        assert when.time is None or isinstance(when.time, time)


WORDS = ["besok", "lusa", "senin", "jumat", "depan", "minggu", "jam", "pukul", "tgl", "10", "3/12",
         "13.30", "setengah", "pagi", "sore", "desember", "2027", "lagi", "hari", "2"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=6))
def test_word_salad_never_raises(words: list[str]) -> None:
    parse_when(" ".join(words), NOW)
    parse_clock(" ".join(words))
