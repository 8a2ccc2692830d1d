"""parse_when: the shared corpus line by line, more expressions, and properties."""

from datetime import date, datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.dates import WIB, parse_clock, parse_when
from tests.helpers import SHARED, corpus, shown_when

CORPUS = SHARED / "corpus" / "dates.tsv"
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)  # a Friday


def corpus_lines() -> list:
    if not CORPUS.exists():
        return [pytest.param(None, None, None, marks=pytest.mark.skip(f"no corpus at {CORPUS}"))]
    return [pytest.param(text, now, expected, id=f"{text}@{now}")
            for text, now, expected in corpus("dates")]  # fmt: skip


shown = shown_when


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


NOWS = {
    "fri": datetime(2026, 11, 27, 10, 0, tzinfo=WIB),
    "mon": datetime(2026, 11, 30, 9, 0, tzinfo=WIB),
    "eoy": datetime(2026, 12, 28, 15, 0, tzinfo=WIB),  # a Monday at the turn of the year
}
# Written the way cooperatives write, beyond the shared corpus: typos, word order, fillers,
# number words, English, the turn of the year.
BEYOND_THE_CORPUS = [
    ("fri", "senin tgl 30", "2026-11-30"),
    ("fri", "hari senin jam 10 pagi", "2026-11-30 10:00"),
    ("fri", "tgl 3 des jam 10", "2026-12-03 10:00"),
    ("fri", "03-12-2026 10:00", "2026-12-03 10:00"),
    ("fri", "3 desember 2026 pkl 10.00 wib", "2026-12-03 10:00"),
    ("fri", "besok pagi jam 9", "2026-11-28 09:00"),
    ("fri", "minggu depan hari rabu", "2026-12-02"),
    ("fri", "rabu pekan depan", "2026-12-02"),
    ("fri", "jumat ini", "2026-12-04"),
    ("fri", "senin, 30 november", "2026-11-30"),
    ("fri", "30 nov jam 9", "2026-11-30 09:00"),
    ("fri", "2026/12/03", "2026-12-03"),
    ("fri", "besok siang jam 1", "2026-11-28 13:00"),
    ("fri", "pukul 10 pagi tanggal 2 desember", "2026-12-02 10:00"),
    ("fri", "besok 10 pagi", "2026-11-28 10:00"),
    ("fri", "besok jam 10an", "2026-11-28 10:00"),
    ("fri", "selasa tgl 1 jam 10", "2026-12-01 10:00"),
    ("fri", "next week tuesday", "2026-12-01"),
    ("fri", "this friday", "2026-12-04"),
    ("fri", "friday next week", "2026-12-04"),
    ("fri", "on monday at 2pm", "2026-11-30 14:00"),
    ("fri", "December 2, 2026", "2026-12-02"),
    ("fri", "the day after tomorrow", "2026-11-29"),
    ("fri", "in two weeks", "2026-12-11"),
    ("fri", "hari kamis minggu depan jam setengah 2", "2026-12-03 13:30"),
    ("fri", "jam sepuluh besok", "2026-11-28 10:00"),
    ("fri", "besok jam setengah sepuluh", "2026-11-28 09:30"),
    ("fri", "3 Des 26", "2026-12-03"),
    ("fri", "kamis jam 2an", "2026-12-03 14:00"),
    ("fri", "selsa jam 9", "2026-12-01 09:00"),
    ("fri", "kamsi jam 9", "2026-12-03 09:00"),
    ("fri", "3 desmber", "2026-12-03"),
    ("fri", "besik jam 10", "2026-11-28 10:00"),
    ("fri", "mungkin besok jam 10", "2026-11-28 10:00"),
    ("fri", "2 Des. 2026", "2026-12-02"),
    ("fri", "tgl. 3", "2026-12-03"),
    ("fri", "pkl. 10.00 besok", "2026-11-28 10:00"),
    ("fri", "1 minggu lagi", "2026-12-04"),
    ("fri", "2 mgg lg", "2026-12-11"),
    ("fri", "3 hr lg", "2026-11-30"),
    ("fri", "sebulan lagi", "2026-12-27"),
    ("fri", "Jum'at jam 9", "2026-12-04 09:00"),
    ("fri", "nanti sore", "2026-11-27"),
    ("fri", "besok atau lusa", "NONE"),
    ("fri", "Rabu, 02 Desember 2026", "2026-12-02"),
    ("fri", "senin 7 desember", "2026-12-07"),
    ("fri", "4 Desember 2026, 13:30 WIB", "2026-12-04 13:30"),
    ("fri", "hari ini jam 2", "2026-11-27 14:00"),
    ("fri", "tgl 3 jam 1 siang", "2026-12-03 13:00"),
    ("fri", "jumat tgl 4 des pukul 08.00", "2026-12-04 08:00"),
    ("fri", "kamis, 3/12/2026", "2026-12-03"),
    ("fri", "minggu", "2026-11-29"),
    ("fri", "hari minggu", "2026-11-29"),
    ("fri", "sabtu minggu depan", "2026-12-05"),
    ("fri", "selasa dpn jam 10", "2026-12-01 10:00"),
    ("fri", "besok jam 8 pagi ya kak", "2026-11-28 08:00"),
    ("fri", "kalau bisa hari senin jam 9", "2026-11-30 09:00"),
    ("fri", "tgl 15 bulan ini", "2026-11-15"),
    ("fri", "3 januari 2027 jam 9", "2027-01-03 09:00"),
    ("fri", "januari 5", "2027-01-05"),
    ("fri", "5 jan 2027", "2027-01-05"),
    ("fri", "Selasa 1 Des", "2026-12-01"),
    ("fri", "rabu 2 des 2026 jam 10.30", "2026-12-02 10:30"),
    ("fri", "besok jam 10 pagi", "2026-11-28 10:00"),
    ("fri", "Kamis depan pukul 13.00", "2026-12-03 13:00"),
    ("fri", "jam 9 hari selasa", "2026-12-01 09:00"),
    ("fri", "tomorrow at 9", "2026-11-28 09:00"),
    ("fri", "next monday", "2026-11-30"),
    ("fri", "monday", "2026-11-30"),
    ("fri", "wednesday 10:30am", "2026-12-02 10:30"),
    ("fri", "2 weeks from now", "2026-12-11"),
    ("fri", "dua minggu lagi", "2026-12-11"),
    ("fri", "tiga hari lagi jam 10", "2026-11-30 10:00"),
    ("fri", "senin jam 10 siang", "2026-11-30 10:00"),
    ("fri", "jam 15.00 hari jumat", "2026-12-04 15:00"),
    ("fri", "lusa jam 13.00", "2026-11-29 13:00"),
    ("fri", "4/12 13.30", "2026-12-04 13:30"),
    ("fri", "tgl 4 bln depan", "2026-12-04"),
    ("fri", "3 Nop", "2027-11-03"),
    ("fri", "10 Peb 2027", "2027-02-10"),
    ("fri", "17 agt 2027", "2027-08-17"),
    ("mon", "besok jam 10", "2026-12-01 10:00"),
    ("mon", "senin", "2026-12-07"),
    ("mon", "senin depan jam 9", "2026-12-07 09:00"),
    ("mon", "jumat", "2026-12-04"),
    ("mon", "jumat depan", "2026-12-11"),
    ("mon", "jumat minggu ini", "2026-12-04"),
    ("mon", "kamis ini jam 2", "2026-12-03 14:00"),
    ("mon", "hari ini jam 1 siang", "2026-11-30 13:00"),
    ("mon", "tgl 1", "2026-12-01"),
    ("mon", "tanggal 30", "2026-12-30"),
    ("mon", "lusa pagi", "2026-12-02"),
    ("mon", "3 hari lagi jam 10", "2026-12-03 10:00"),
    ("mon", "minggu depan", "2026-12-07"),
    ("mon", "rabu minggu depan pukul 13.30", "2026-12-09 13:30"),
    ("mon", "tanggal 2 jam 3 sore", "2026-12-02 15:00"),
    ("mon", "Rabu, 2 Desember 2026 pukul 10.00", "2026-12-02 10:00"),
    ("mon", "Selasa, 2 Desember 2026", "NONE"),
    ("eoy", "besok", "2026-12-29"),
    ("eoy", "tgl 5", "2027-01-05"),
    ("eoy", "5 januari", "2027-01-05"),
    ("eoy", "5/1", "2027-01-05"),
    ("eoy", "senin depan", "2027-01-04"),
    ("eoy", "selasa", "2026-12-29"),
    ("eoy", "2 jan jam 10", "2027-01-02 10:00"),
    ("eoy", "minggu depan hari selasa", "2027-01-05"),
    ("eoy", "tahun depan tgl 4", "NONE"),
    ("eoy", "4 januari 2027 jam 08.00", "2027-01-04 08:00"),
    ("eoy", "4-1-2027 jam 8", "2027-01-04 08:00"),
    ("eoy", "tgl 31", "2026-12-31"),
    ("eoy", "30 februari", "NONE"),
    ("eoy", "jumat 8 jan", "2027-01-08"),
    ("eoy", "jumat 9 jan", "NONE"),
    ("eoy", "bulan depan tgl 11", "2027-01-11"),
    ("eoy", "next friday 9am", "2027-01-08 09:00"),
    ("eoy", "Jan 4th at 2pm", "2027-01-04 14:00"),
    ("eoy", "setengah 9 besok", "2026-12-29 08:30"),
    ("eoy", "besok jam sembilan", "2026-12-29 09:00"),
    ("eoy", "xyz 123", "NONE"),
    ("eoy", "jam 10", "NONE"),
    ("eoy", "kapan aja", "NONE"),
    ("eoy", "terserah", "NONE"),
    ("eoy", "secepatnya", "NONE"),
]


@pytest.mark.parametrize(("now", "text", "expected"), BEYOND_THE_CORPUS)
def test_beyond_the_corpus(now: str, text: str, expected: str) -> None:
    assert shown(text, NOWS[now]) == expected


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


@pytest.mark.parametrize(("typed", "past", "day"), [
    ("24/12/2026", False, date(2026, 12, 24)),
    ("24-12-2026", False, date(2026, 12, 24)),
    ("24 Desember 2026", False, date(2026, 12, 24)),
    ("2026-12-24", False, date(2026, 12, 24)),
    ("besok", False, date(2026, 11, 28)),
    ("1 November", True, date(2026, 11, 1)),  # a filter of what happened: the last one
    ("1 November", False, date(2027, 11, 1)),  # a closed day to come: the next one
    ("31/02/2026", False, None),
    ("9999-12-31", False, None),
    ("31/12/9999", False, None),
    ("bukan tanggal", False, None),
    ("", False, None),
])  # fmt: skip
def test_a_console_day_is_read_as_indonesians_write_it(typed, past, day) -> None:
    from flows.dates import read_day

    assert read_day(typed, datetime(2026, 11, 27, 10, tzinfo=WIB), past) == day
