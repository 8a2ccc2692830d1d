"""The clinic's working calendar: when a session may start, and the nearest times that may."""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from flows.availability import Pool
from flows.catalogue import names
from flows.dates import WIB

# The nearest free times first read sessions this many days either side of the wanted day,
# then twice as far each time (1, 3, 7, 15, ... days): rows read stay within about twice those
# needed, in a handful of statements even for the whole horizon.
NEAREST_FIRST_REACH = 1


@dataclass(frozen=True)
class ClinicHours:
    first_start: time = time(8, 0)
    last_start: time = time(15, 0)
    session_minutes: int = 60
    weekdays: frozenset[int] = frozenset(range(5))  # Monday..Friday
    horizon_days: int = 60
    # CLINIC_BREAKS=12:00-13:00: no session may start in, or run into, a break
    breaks: tuple[tuple[time, time], ...] = ()

    def in_break(self, start: time) -> tuple[time, time] | None:
        """The break a session starting at `start` would fall in or run into."""
        begin = start.hour * 60 + start.minute
        end = begin + self.session_minutes
        for first, last in self.breaks:
            if begin < last.hour * 60 + last.minute and first.hour * 60 + first.minute < end:
                return first, last
        return None


def read_breaks(text: str) -> tuple[tuple[time, time], ...]:
    """CLINIC_BREAKS: "12:00-13:00", several separated by commas; ValueError when unreadable."""
    found = []
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        first, _dash, last = part.partition("-")
        begin, end = time.fromisoformat(first.strip()), time.fromisoformat(last.strip())
        if end <= begin:
            raise ValueError(f"a break ends before it starts: {part}")
        found.append((begin, end))
    return tuple(found)


@dataclass(frozen=True)
class Refusal:
    """Why a requested time cannot be booked; `detail` is e.g. the holiday's name."""

    reason: str
    detail: str = ""


@lru_cache(maxsize=8)
def _public_holidays(year: int) -> Mapping[date, str]:
    return dict(holidays.country_holidays("ID", years=year, language="id"))


# The experts, their days off and the holds between two days (inclusive), read when needed.
PoolReader = Callable[[date, date], Pool]


class Lazily(Mapping[date, str]):
    """A mapping read on first use (the closed days): a message that chooses no time never
    reads it."""

    def __init__(self, read: Callable[[], Mapping[date, str]]) -> None:
        self._read, self._data = read, None

    def _loaded(self) -> Mapping[date, str]:
        if self._data is None:
            self._data = self._read()
        return self._data

    def __getitem__(self, day: date) -> str:
        return self._loaded()[day]

    def __iter__(self) -> Iterator[date]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


@dataclass(frozen=True)
class ClinicCalendar:
    hours: ClinicHours = ClinicHours()
    closed_days: Mapping[date, str] = field(default_factory=dict)
    pool: Pool | None = None  # the experts and their sessions; None: every start is free
    # Instead of `pool`: read the pool for a day when a time on it is checked, or for a ring of
    # days at a time when the nearest free times are looked for.
    read_pool: PoolReader | None = None
    _read: dict[tuple[date, date], Pool] = field(
        default_factory=dict, init=False, compare=False, repr=False, hash=False
    )

    def pool_for(self, first: date, last: date | None = None) -> Pool | None:
        """The pool covering `first`..`last`: the one given, one read before that covers the
        days, else read now."""
        last = last or first
        if self.pool is not None or self.read_pool is None:
            return self.pool
        for (since, until), pool in self._read.items():
            if since <= first and last <= until:
                return pool
        pool = self._read[(first, last)] = self.read_pool(first, last)
        return pool

    def day_refusal(self, day: date, today: date) -> Refusal | None:
        if day < today:
            return Refusal("past")
        if day.weekday() not in self.hours.weekdays:
            return Refusal("weekend")
        if name := _public_holidays(day.year).get(day):
            return Refusal("holiday", name)
        if reason := self.closed_days.get(day):
            return Refusal("closed", reason)
        if day < self.first_bookable_day(today):
            return Refusal("too_soon")
        if day > today + timedelta(days=self.hours.horizon_days):
            return Refusal("too_far", str(self.hours.horizon_days))
        return None

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() in self.hours.weekdays
            and day not in _public_holidays(day.year)
            and day not in self.closed_days
        )

    def _working_span(self, since: date, until: date) -> tuple[date, date]:
        """The span with the days at either end that offer nothing (a weekend, a holiday, a
        closed day) left off: their holds are never looked at, so never read (`since` past
        `until` when no day of it offers anything)."""
        if not self.is_working_day(since):
            since = self.working_day_after(since)
        if not self.is_working_day(until):
            until = self.working_day_before(until)
        return since, until

    def first_bookable_day(self, today: date) -> date:
        return self.working_day_after(today)

    def working_day_after(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_day_before(self, day: date) -> date:
        day -= timedelta(days=1)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def day_starts(self, day: date) -> list[datetime]:
        """Every session start on a day, working or not, in WIB."""
        step = timedelta(minutes=self.hours.session_minutes)
        start = datetime.combine(day, self.hours.first_start, WIB)
        last = datetime.combine(day, self.hours.last_start, WIB)
        starts = []
        while start <= last:
            if not self.hours.in_break(start.time()):
                starts.append(start)
            start += step
        return starts

    def is_free(self, start: datetime, topic: str | None, exclude: str | None = None) -> bool:
        if topic is None or (pool := self.pool_for(start.astimezone(WIB).date())) is None:
            return True
        return pool.is_free(start, topic, exclude)

    def slot_refusal(
        self, start: datetime, today: date, topic: str | None = None, exclude: str | None = None
    ) -> Refusal | None:
        local = start.astimezone(WIB)
        if refusal := self.day_refusal(local.date(), today):
            return refusal
        clock = local.time()
        if clock < self.hours.first_start:
            return Refusal("before_open")
        if clock > self.hours.last_start:
            return Refusal("after_close")
        if found := self.hours.in_break(clock):
            return Refusal("break", f"{format_clock(found[0])}–{format_clock(found[1])}")
        if local not in self.day_starts(local.date()):
            return Refusal("off_grid")
        if not self.is_free(local, topic, exclude):
            return Refusal("taken")
        return None

    def free_starts(
        self, day: date, today: date, topic: str | None = None, exclude: str | None = None
    ) -> list[datetime]:
        if self.day_refusal(day, today):
            return []
        return [start for start in self.day_starts(day) if self.is_free(start, topic, exclude)]

    def nearest(
        self,
        wanted: datetime,
        today: date,
        skip: int = 0,
        count: int = 3,
        topic: str | None = None,
        exclude: str | None = None,
    ) -> list[datetime]:
        """The bookable starts closest to `wanted`: nearest day first, then nearest hour.

        Days are walked outward from the wanted one and stop once `skip + count` starts are
        found at a day distance every later day exceeds (the ranking is by that distance
        first, so nothing further could come before them). Sessions are read a ring of days at
        a time (NEAREST_FIRST_REACH days either side, then each ring twice as far), not the
        whole horizon."""
        local = wanted.astimezone(WIB)
        first = self.first_bookable_day(today)
        last = today + timedelta(days=self.hours.horizon_days)
        if first > last:
            return []

        def distance(start: datetime) -> tuple[int, float]:
            days = abs((start.date() - local.date()).days)
            minutes = abs((start.hour * 60 + start.minute) - (local.hour * 60 + local.minute))
            return days, minutes

        found: list[datetime] = []
        center = local.date()
        farthest = max(abs((first - center).days), abs((last - center).days))
        read_to = -1  # sessions are read for the days within this distance of the wanted day
        for apart in range(farthest + 1):
            if topic is not None and apart > read_to:
                ring, read_to = read_to + 1, max(2 * read_to + 1, NEAREST_FIRST_REACH)
                if ring:  # the days just beyond those read: one window each side
                    windows = [(center - timedelta(days=read_to), center - timedelta(days=ring)),
                               (center + timedelta(days=ring), center + timedelta(days=read_to))]
                else:
                    windows = [(center - timedelta(days=read_to), center + timedelta(days=read_to))]
                for since, until in windows:
                    since, until = self._working_span(max(since, first), min(until, last))
                    if since <= until:
                        self.pool_for(since, until)
            for day in {center - timedelta(days=apart), center + timedelta(days=apart)}:
                if first <= day <= last:
                    found += self.free_starts(day, today, topic, exclude)
            if len(found) >= skip + count:
                break
        ranked = sorted(found, key=lambda start: (*distance(start), start))
        return sorted(ranked[skip : skip + count])


def hours_params(hours: ClinicHours) -> dict[str, str | int]:
    """The opening hours as the texts mention them: {first}, {last}, {minutes}."""
    return {
        "first": format_clock(hours.first_start),
        "last": format_clock(hours.last_start),
        "minutes": hours.session_minutes,
    }


def weekday_name(weekday: int, lang: str = "id") -> str:
    return names("calendar", lang)["days"][weekday]


def format_date(day: date, lang: str = "id") -> str:
    """'30 November 2026'."""
    return f"{day.day} {names('calendar', lang)['months'][day.month - 1]} {day.year}"


def format_day(day: date, lang: str = "id") -> str:
    """'Senin, 30 November 2026'."""
    return f"{weekday_name(day.weekday(), lang)}, {format_date(day, lang)}"


def format_start_short(start: datetime, lang: str = "id") -> str:
    """'Sen, 30 Nov 10.00': a time as a tap's title shows it (at most 20 characters)."""
    local, words = start.astimezone(WIB), names("calendar", lang)
    return (f"{words['days_short'][local.weekday()]}, {local.day} "
            f"{words['months_short'][local.month - 1]} {format_clock(local)}")


def day_seen_from(day: date, today: date, lang: str = "id") -> str:
    """How a message sent on `today` names `day`: "besok", else "pada Senin, 7 Desember" (the
    year only when it is not this one)."""
    words = names("calendar", lang)
    if day == today + timedelta(days=1):
        return words["tomorrow"]
    shown = format_day(day, lang) if day.year != today.year else (
        f"{weekday_name(day.weekday(), lang)}, {day.day} {words['months'][day.month - 1]}")
    return words["on_day"].format(day=shown)


def format_waited(waited: timedelta, lang: str = "id") -> str:
    """How long something has waited, roughly: "25 menit", "3 jam", "2 hari 4 jam"."""
    words, minutes = names("calendar", lang), max(0, int(waited.total_seconds() // 60))
    days, hours = minutes // (24 * 60), minutes // 60 % 24
    if not days and not hours:
        return words["waited_minutes"].format(n=max(1, minutes))
    shown = [words["waited_days"].format(n=days)] if days else []
    return " ".join([*shown, words["waited_hours"].format(n=hours)] if hours else shown)


def format_clock(moment: datetime | time) -> str:
    return f"{moment.hour:02d}.{moment.minute:02d}"


def format_start(start: datetime, lang: str = "id") -> str:
    """'Senin, 30 November 2026 pukul 10.00 WIB', always in WIB whatever was stored."""
    local = start.astimezone(WIB)
    word = names("calendar", lang)["at"]
    return f"{format_day(local.date(), lang)} {word} {format_clock(local)} WIB"
