"""Dates and times as Indonesians type them in chat ("senin depan jam 10", "3/12 jam 13.30").

Well-known parsers do not speak chat Indonesian, so this is a small vocabulary on top of
python-dateutil's relativedelta. The text is folded and its chat shorthand expanded, then
each kind of expression (numeric dates, "3 Desember", clock times, "besok", weekdays, "tgl 8",
"2 hari lagi") is taken out of the text in turn. Whatever is left must be filler words,
otherwise the text is not understood and the caller asks again rather than guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from flows.date_words import FILLER, MONTHS, NUMBER_WORDS, PARTS, PHRASES, SHORTHAND, WEEKDAYS
from flows.words import closest, number

WIB = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True)
class When:
    date: date
    time: time | None = None
    part: str | None = None  # pagi / siang / sore / malam, when said without a clock time


_NUM = r"(\d{1,2})"
_YEAR = r"(\d{4}|\d{2})"
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_NAMES = "|".join(sorted(WEEKDAYS, key=len, reverse=True))

RE_ISO = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
RE_DMY = re.compile(rf"\b{_NUM}[/.-]{_NUM}[/.-]{_YEAR}\b")
RE_DAY_MONTH_NAME = re.compile(rf"\b{_NUM} ({_MONTH_NAMES})\b(?: (\d{{4}}|\d{{2}}(?![.:\d])))?")
RE_MONTH_NAME_DAY = re.compile(rf"\b({_MONTH_NAMES}) {_NUM}\b(?: (\d{{4}}|\d{{2}}(?![.:\d])))?")
RE_CLOCK_MARKED = re.compile(
    r"\b(?:jam|pukul)\s*(?:(setengah)\s*)?(\d{1,2})(?:[.:](\d{2}))?(?:\s*(am|pm))?\b"
)
RE_CLOCK_AMPM = re.compile(r"\b(\d{1,2})(?:[.:](\d{2}))?\s*(am|pm)\b")
RE_CLOCK_COLON = re.compile(r"\b(\d{1,2}):(\d{2})\b")
RE_HALF = re.compile(r"\bsetengah\s*(\d{1,2})\b")
RE_CLOCK_PART = re.compile(r"\b(\d{1,2})(?:[.:](\d{2}))?(?= (?:pagi|siang|sore|malam)\b)")
RE_DM = re.compile(rf"\b{_NUM}[/.-]{_NUM}\b")
RE_CLOCK_DOT = re.compile(r"\b(\d{1,2})\.(\d{2})\b")
RE_DAY_OF_MONTH = re.compile(rf"\btgl\s*{_NUM}\b(?:\s+bulan\s+(ini|depan))?")
RE_IN_N = re.compile(r"\b(\d{1,2}|[a-z]+)\s*(hari|minggu|bulan|tahun)\s+lagi\b")
RE_SE_UNIT = re.compile(r"\bse(hari|minggu|bulan|tahun)\s+lagi\b")
RE_NEXT_UNIT = re.compile(r"\b(minggu|bulan|tahun) depan\b")
RE_WEEKDAY = re.compile(
    rf"\b(?:(?<!minggu )(depan)\s+)?(?!minggu depan\b)({_DAY_NAMES})\b"
    r"(?:\s+(minggu depan|minggu ini|depan|ini))?"
)
RE_WHICH_MONTH = re.compile(r"\bbulan (ini|depan)\b")
RE_NEXT_WEEK = re.compile(r"\bminggu depan\b")
RE_RELATIVE_DAY = re.compile(r"\b(hariini|hari ini|besok lusa|lusa|besok|kemarin)\b")
RE_PART = re.compile(r"\b(pagi|siang|sore|malam)\b")
RE_WORD = re.compile(r"[a-z]+|\d+")


RE_PHRASES = re.compile(r"\b(" + "|".join(PHRASES) + r")\b")


def _normalize(text: str) -> str:
    text = text.lower().replace("’", "'").replace("'", "")
    text = RE_PHRASES.sub(lambda found: PHRASES[found[1]], text)
    text = re.sub(r"[,;!?()\[\]\"]", " ", text)
    text = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", text)  # "2nd"
    text = re.sub(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)", " ", text)  # "jam10", "10am"
    text = re.sub(r"(?<![\d])\.|\.(?!\d)", " ", text)  # full stops that are not in numbers
    words = []
    for word in text.split():
        word = SHORTHAND.get(word, word)
        if word in NUMBER_WORDS and word != "se":
            word = str(NUMBER_WORDS[word])
        elif word.isalpha() and len(word) >= 4 and word not in _KNOWN:
            word = _near_word(word)
        if word:
            words.append(word)
    text = " ".join(words)
    text = re.sub(r"\bdepan (minggu|bulan|tahun)\b", r"\1 depan", text)  # "next month"
    return re.sub(r"\bdalam (\w+) (hari|minggu|bulan|tahun)\b", r"\1 \2 lagi", text)


_KNOWN = frozenset(
    [*MONTHS, *WEEKDAYS, *NUMBER_WORDS, *SHORTHAND.values(), *PARTS, *FILLER]
    + ["jam", "pukul", "setengah", "depan", "lagi", "hari", "minggu", "bulan", "tahun"]
    + ["besok", "lusa", "kemarin", "dalam"]
    + ["sehari", "seminggu", "sebulan", "setahun", "sebelas"]
)
_FUZZY_TARGETS = [
    word
    for word in [*MONTHS, *WEEKDAYS, "besok", "kemarin", "setengah", "depan", "pukul", *PARTS]
    if len(word) >= 4
]


def _near_word(word: str) -> str:
    """A typo of a date word ("besik", "kamsi", "desmber"), else the word unchanged.

    Only words with the same first letter are candidates: people rarely mistype that one,
    and it keeps ordinary words from turning into dates.
    """
    candidates = [target for target in _FUZZY_TARGETS if target[0] == word[0]]
    return closest(word, candidates, cutoff=0.8) or word


class _Reading:
    """The parts found so far, and the text not yet accounted for."""

    def __init__(self, text: str) -> None:
        self.rest = text
        self.day: date | None = None
        self.weekday: int | None = None
        self.clock: time | None = None
        self.part: str | None = None
        self.conflict = False

    def take(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        found = pattern.search(self.rest)
        if found:
            self.rest = self.rest[: found.start()] + " " + self.rest[found.end() :]
        return found

    def set_day(self, value: date | None) -> None:
        if value is None or (self.day is not None and self.day != value):
            self.conflict = True
        else:
            self.day = value


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year(text: str | None, month: int, day: int, today: date) -> int | None:
    """An explicit year, or the year that puts the date today or later."""
    if text:
        value = int(text)
        return value + 2000 if value < 100 else value
    candidate = _safe_date(today.year, month, day)
    if candidate is None:  # 29 Februari outside a leap year: try next year
        return today.year + 1
    return today.year if candidate >= today else today.year + 1


def _day_month(day: int, month: int, year_text: str | None, today: date) -> date | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    year = _year(year_text, month, day, today)
    return _safe_date(year, month, day) if year else None


def _number(text: str) -> int | None:
    found = number(text)
    return found if found is not None else NUMBER_WORDS.get(text)


def _read_dates(reading: _Reading, today: date) -> None:
    if found := reading.take(RE_ISO):
        y, m, d = (int(g) for g in found.groups())
        reading.set_day(_safe_date(y, m, d))
    if found := reading.take(RE_DMY):
        reading.set_day(_day_month(int(found[1]), int(found[2]), found[3], today))
    for pattern, day_group, month_group in (
        (RE_DAY_MONTH_NAME, 1, 2),
        (RE_MONTH_NAME_DAY, 2, 1),
    ):
        if found := reading.take(pattern):
            month = MONTHS[found[month_group]]
            reading.set_day(_day_month(int(found[day_group]), month, found[3], today))


def _clock(hour: int, minute: int, meridiem: str | None = None) -> time | None:
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    elif meridiem is None and 1 <= hour <= 6:
        hour += 12  # office context: "jam 2" is two in the afternoon
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def _read_clock(reading: _Reading) -> None:
    if found := reading.take(RE_CLOCK_MARKED):
        half, hour, minute, meridiem = found.groups()
        hour_value = int(hour) - 1 if half else int(hour)
        minute_value = 30 if half else int(minute or 0)
        reading.clock = _clock(hour_value, minute_value, meridiem)
        reading.conflict |= reading.clock is None
    elif found := reading.take(RE_CLOCK_AMPM):
        reading.clock = _clock(int(found[1]), int(found[2] or 0), found[3])
        reading.conflict |= reading.clock is None
    elif found := reading.take(RE_CLOCK_COLON):
        reading.clock = _clock(int(found[1]), int(found[2]))
        reading.conflict |= reading.clock is None
    elif found := reading.take(RE_HALF):
        reading.clock = _clock(int(found[1]) - 1, 30)
        reading.conflict |= reading.clock is None
    elif found := reading.take(RE_CLOCK_PART):
        reading.clock = _clock(int(found[1]), int(found[2] or 0))
        reading.conflict |= reading.clock is None


def _read_short_date(reading: _Reading, today: date) -> None:
    """'3/12' or '3.12' is a date when it can be one; '13.30' left over is a clock time."""
    found = RE_DM.search(reading.rest)
    if found and _day_month(int(found[1]), int(found[2]), None, today):
        reading.take(RE_DM)
        reading.set_day(_day_month(int(found[1]), int(found[2]), None, today))
    if reading.clock is None and (found := reading.take(RE_CLOCK_DOT)):
        reading.clock = _clock(int(found[1]), int(found[2]))
        reading.conflict |= reading.clock is None


def _next_day_of_month(day: int, start: date, months_ahead: int | None) -> date | None:
    if months_ahead is not None:
        first = start.replace(day=1) + relativedelta(months=months_ahead)
        return _safe_date(first.year, first.month, day)
    for offset in range(0, 13):
        first = start.replace(day=1) + relativedelta(months=offset)
        candidate = _safe_date(first.year, first.month, day)
        if candidate and candidate >= start:
            return candidate
    return None


def _read_relative(reading: _Reading, today: date) -> None:
    if found := reading.take(RE_RELATIVE_DAY):
        offsets = {"hariini": 0, "hari ini": 0, "besok": 1, "lusa": 2, "besok lusa": 2}
        reading.set_day(today + timedelta(days=offsets.get(found[1], -1)))
    if found := reading.take(RE_DAY_OF_MONTH):
        which = found[2] or ((month := reading.take(RE_WHICH_MONTH)) and month[1])
        months_ahead = {"ini": 0, "depan": 1}.get(which or "")
        start = today + timedelta(days=1)
        reading.set_day(_next_day_of_month(int(found[1]), start, months_ahead))
    if found := reading.take(RE_SE_UNIT):
        reading.set_day(_shift(today, 1, found[1]))
    elif found := reading.take(RE_IN_N):
        count = _number(found[1])
        reading.set_day(_shift(today, count, found[2]) if count else None)


def _shift(today: date, count: int, unit: str) -> date:
    if unit == "hari":
        return today + timedelta(days=count)
    if unit == "minggu":
        return today + timedelta(weeks=count)
    if unit == "bulan":
        return today + relativedelta(months=count)
    return today + relativedelta(years=count)


def _next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def _read_weekday(reading: _Reading, today: date) -> None:
    found = reading.take(RE_WEEKDAY)
    next_week = False
    if found and reading.take(RE_NEXT_WEEK):  # "minggu depan hari rabu", "next week tuesday"
        next_week = True
    if found is None:
        if found := reading.take(RE_NEXT_UNIT):
            if found[1] == "minggu":
                reading.set_day(_next_monday(today))
            else:
                reading.set_day(_shift(today, 1, found[1]))
        return
    weekday = WEEKDAYS[found[2]]
    if next_week or found[1] or found[3] in ("depan", "minggu depan"):
        day = _next_monday(today) + timedelta(days=weekday)
    else:
        day = today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    if reading.day is None:
        reading.day = day
    reading.weekday = weekday


def _read_part(reading: _Reading) -> None:
    found = reading.take(RE_PART)
    if found is None:
        return
    part = found[1]
    clock = reading.clock
    if clock is None:
        reading.part = part
    elif part == "pagi" and clock.hour >= 12 and clock.minute == 0 and clock.hour - 12 <= 6:
        reading.clock = clock.replace(hour=clock.hour - 12)  # "jam 6 pagi" is 06:00
    elif part in ("sore", "malam") and clock.hour < 12 or part == "siang" and clock.hour < 10:
        reading.clock = clock.replace(hour=clock.hour + 12)


def _only_filler(rest: str) -> bool:
    return all(word in FILLER for word in RE_WORD.findall(rest))


def _read(text: str, now: datetime) -> _Reading | None:
    """Every part of the text read, or None when something in it is not understood."""
    if not isinstance(text, str) or len(text) > 200:
        return None
    today = now.astimezone(WIB).date() if now.tzinfo else now.date()
    reading = _Reading(_normalize(text))
    _read_dates(reading, today)
    _read_clock(reading)
    _read_short_date(reading, today)
    _read_relative(reading, today)
    _read_weekday(reading, today)
    _read_part(reading)
    if reading.day is None and reading.part and re.search(r"\bnanti\b", reading.rest):
        reading.day = today  # "nanti sore": later today
    if reading.conflict or reading.day is None or not _only_filler(reading.rest):
        return None
    return reading


def parse_when(text: str, now: datetime) -> When | None:
    """Understand a date (and maybe a time) relative to `now`; None when not sure."""
    reading = _read(text, now)
    if reading is None or reading.day is None:
        return None
    if reading.weekday is not None and reading.day.weekday() != reading.weekday:
        return None
    return When(reading.day, reading.clock, None if reading.clock else reading.part)


def weekday_mismatch(text: str, now: datetime) -> tuple[date, int] | None:
    """(the date, the weekday said) when the only trouble is a weekday that contradicts it."""
    reading = _read(text, now)
    if reading is None or reading.day is None or reading.weekday is None:
        return None
    if reading.day.weekday() == reading.weekday:
        return None
    return reading.day, reading.weekday


def parse_clock(text: str) -> time | None:
    """A clock time alone ("jam 10", "13.30", "setengah 3"), for when the date is known."""
    if not isinstance(text, str) or len(text) > 100:
        return None
    reading = _Reading(_normalize(text))
    _read_clock(reading)
    if reading.clock is None and (found := reading.take(RE_CLOCK_DOT)):
        reading.clock = _clock(int(found[1]), int(found[2]))
    if reading.clock is None and (found := reading.take(re.compile(r"^\s*(\d{1,2})\s*$"))):
        reading.clock = _clock(int(found[1]), 0)
    _read_part(reading)
    if reading.conflict or not _only_filler(reading.rest):
        return None
    return reading.clock


DAY_RANGE = (date(2000, 1, 1), date(2100, 12, 31))  # what a console date field accepts


def iso_day(text: str) -> date | None:
    """A date field's value (2026-12-02); None when empty, malformed or out of range."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None
    return day if DAY_RANGE[0] <= day <= DAY_RANGE[1] else None


_NUMERIC_DAY = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})$")
_YEAR = re.compile(r"\b\d{4}\b")


def read_day(text: str, now: datetime, past: bool = False) -> date | None:
    """A day typed in a console field as Indonesians write it: "24/12/2026" (day first),
    "24 Desember 2026", "24 des", "besok", or 2026-12-24; None when empty or unreadable.
    Without a year, a day is the next one to come, or (`past`: a filter of what happened)
    the last one that came."""
    text = (text or "").strip()
    if not text:
        return None
    if (day := iso_day(text)) is not None:
        return day
    if found := _NUMERIC_DAY.match(text):
        try:
            day = date(int(found[3]), int(found[2]), int(found[1]))
        except ValueError:
            return None
        return day if DAY_RANGE[0] <= day <= DAY_RANGE[1] else None
    when = parse_when(text, now)
    if when is None or when.date is None:
        return None
    day, today = when.date, now.astimezone(WIB).date()
    if past and day > today and not _YEAR.search(text):
        try:
            day = day.replace(year=day.year - 1)
        except ValueError:  # 29 February
            day = day.replace(year=day.year - 1, day=28)
    return day if DAY_RANGE[0] <= day <= DAY_RANGE[1] else None


def shown_day(day: date | None) -> str:
    """How a console field shows a day back: 24/12/2026."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day else ""
