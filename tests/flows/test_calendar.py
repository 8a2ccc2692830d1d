"""The working calendar: holidays, closed days, weekends, hours, horizon, nearest slots."""

import random
from datetime import date, datetime, time, timedelta

import pytest

from flows.availability import Hold, Pool
from flows.calendar import ClinicCalendar, ClinicHours, format_day, format_start, read_breaks
from flows.dates import WIB

TODAY = date(2026, 11, 27)  # Friday
CAL = ClinicCalendar()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), WIB)


@pytest.mark.parametrize(
    ("day", "reason", "detail"),
    [
        (date(2026, 11, 26), "past", ""),
        (date(2026, 11, 28), "weekend", ""),
        (date(2026, 11, 29), "weekend", ""),
        (date(2026, 12, 25), "holiday", "Hari Raya Natal"),
        (date(2027, 1, 1), "holiday", "Tahun Baru Masehi"),
        (date(2027, 1, 27), "too_far", "60"),
        (date(2026, 11, 27), "too_soon", ""),
    ],
)
def test_days_that_cannot_be_booked(day: date, reason: str, detail: str) -> None:
    refusal = CAL.day_refusal(day, TODAY)
    assert refusal is not None and (refusal.reason, refusal.detail) == (reason, detail)


def test_the_next_working_day_and_the_sixtieth_day_are_bookable() -> None:
    assert CAL.first_bookable_day(TODAY) == date(2026, 11, 30)
    assert CAL.day_refusal(date(2026, 11, 30), TODAY) is None
    assert CAL.day_refusal(date(2027, 1, 26), TODAY) is None  # 60 days ahead, a Tuesday


def test_the_next_working_day_skips_holidays_and_closed_days() -> None:
    calendar = ClinicCalendar(closed_days={date(2026, 12, 28): "Cuti bersama"})
    assert calendar.first_bookable_day(date(2026, 12, 24)) == date(2026, 12, 29)
    refusal = calendar.day_refusal(date(2026, 12, 28), TODAY)
    assert (refusal.reason, refusal.detail) == ("closed", "Cuti bersama")


@pytest.mark.parametrize(
    ("hour", "minute", "reason"),
    [(7, 0, "before_open"), (15, 30, "after_close"), (16, 0, "after_close"), (10, 30, "off_grid")],
)
def test_times_outside_the_grid(hour: int, minute: int, reason: str) -> None:
    assert CAL.slot_refusal(at(date(2026, 12, 1), hour, minute), TODAY).reason == reason


def test_hours_are_configuration() -> None:
    calendar = ClinicCalendar(ClinicHours(time(9), time(14, 30), 30, horizon_days=10))
    starts = calendar.day_starts(date(2026, 12, 1))
    assert starts[0] == at(date(2026, 12, 1), 9) and starts[-1] == at(date(2026, 12, 1), 14, 30)
    assert len(starts) == 12
    assert calendar.slot_refusal(at(date(2026, 12, 1), 10, 30), TODAY) is None
    assert calendar.day_refusal(date(2026, 12, 8), TODAY).reason == "too_far"


def test_nearest_prefers_the_closest_day_then_the_closest_hour() -> None:
    nearest = CAL.nearest(at(date(2026, 11, 28), 10), TODAY)  # a Saturday
    assert nearest == [at(date(2026, 11, 30), h) for h in (9, 10, 11)]


def test_nearest_around_a_holiday_takes_the_closest_open_day_either_side() -> None:
    christmas = at(date(2026, 12, 25), 10)
    assert CAL.nearest(christmas, TODAY) == [at(date(2026, 12, 24), h) for h in (9, 10, 11)]
    calendar = ClinicCalendar(closed_days={date(2026, 12, 24): "Cuti bersama"})
    assert calendar.nearest(christmas, TODAY, count=1) == [at(date(2026, 12, 23), 10)]
    after_the_23rd = calendar.nearest(christmas, TODAY, skip=8, count=2)  # its 8 slots came first
    assert after_the_23rd == [at(date(2026, 12, 22), 10), at(date(2026, 12, 28), 10)]


def test_nearest_within_the_horizon_only() -> None:
    nearest = CAL.nearest(at(date(2027, 3, 1), 10), TODAY)
    assert all(start.date() <= date(2027, 1, 26) for start in nearest) and len(nearest) == 3


def test_a_fully_booked_day_offers_nothing_that_day() -> None:
    day = date(2026, 12, 2)
    holds = [Hold(f"EK-{h}", at(day, h), "usaha") for h in range(8, 16)]
    calendar = ClinicCalendar(pool=Pool({1: frozenset({"usaha"})}, holds=holds))
    assert calendar.free_starts(day, TODAY, "usaha") == []
    assert all(s.date() != day for s in calendar.nearest(at(day, 10), TODAY, topic="usaha"))
    assert calendar.slot_refusal(at(day, 10), TODAY, "usaha").reason == "taken"


def test_experts_by_topic() -> None:
    calendar = ClinicCalendar(pool=Pool({1: frozenset({"kelembagaan"})}))
    assert calendar.free_starts(date(2026, 12, 1), TODAY, "kelembagaan")
    assert calendar.free_starts(date(2026, 12, 1), TODAY, "usaha") == []
    assert calendar.nearest(at(date(2026, 12, 1), 10), TODAY, topic="usaha") == []


def test_dates_read_naturally_in_indonesian_and_in_wib() -> None:
    from datetime import UTC

    assert format_day(date(2026, 11, 30)) == "Senin, 30 November 2026"
    utc = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    assert format_start(utc) == "Senin, 30 November 2026 pukul 10.00 WIB"
    assert format_start(utc, "en") == "Monday, 30 November 2026 at 10.00 WIB"


LUNCH = ClinicHours(breaks=read_breaks("12:00-13:00"))


def test_a_break_is_never_a_session_start() -> None:
    starts = ClinicCalendar(LUNCH).day_starts(date(2026, 11, 30))
    assert [s.hour for s in starts] == [8, 9, 10, 11, 13, 14, 15]
    refusal = ClinicCalendar(LUNCH).slot_refusal(datetime(2026, 11, 30, 12, tzinfo=WIB), TODAY)
    assert (refusal.reason, refusal.detail) == ("break", "12.00–13.00")


def test_a_session_that_would_run_into_a_break_is_refused_too() -> None:
    hours = ClinicHours(session_minutes=90, breaks=read_breaks("12:00-13:00"))
    calendar = ClinicCalendar(hours)
    assert calendar.slot_refusal(datetime(2026, 11, 30, 11, tzinfo=WIB), TODAY).reason == "break"
    nearest = calendar.nearest(datetime(2026, 11, 30, 12, tzinfo=WIB), TODAY, count=2)
    assert all(not hours.in_break(start.time()) for start in nearest)


@pytest.mark.parametrize("text", ["12:00", "13:00-12:00", "siang"])
def test_unreadable_breaks_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        read_breaks(text)


def test_several_breaks() -> None:
    assert read_breaks(" 12:00-13:00, 15:00-15:30 ") == (
        (time(12), time(13)), (time(15), time(15, 30)))


def _busy_clinic(seed: int, share: float) -> tuple[Pool, list[tuple[date, date]]]:
    """One expert for usaha, holding `share` of the horizon's hours at random; and the
    calendar's reads of it, a window of days at a time."""
    rng, holds = random.Random(seed), []
    day = date(2026, 11, 30)
    while day <= date(2027, 1, 26):
        for hour in range(8, 16):
            if rng.random() < share:
                holds.append(Hold(f"EK-{len(holds)}", at(day, hour), "usaha", expert_id=1))
        day += timedelta(days=1)
    return Pool({1: frozenset({"usaha"})}, holds=holds), []


def _reading(pool: Pool, reads: list[tuple[date, date]]) -> ClinicCalendar:
    def read(first: date, last: date) -> Pool:
        reads.append((first, last))
        kept = [hold for hold in pool.holds if first <= hold.start.astimezone(WIB).date() <= last]
        return Pool(pool.experts, holds=kept)

    return ClinicCalendar(read_pool=read)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("share", [0.3, 0.9, 0.99])
def test_nearest_read_ring_by_ring_ranks_as_the_whole_horizon_would(seed, share) -> None:
    pool, reads = _busy_clinic(seed, share)
    rng = random.Random(seed)
    for _ in range(5):
        wanted = at(date(2026, 11, 27) + timedelta(days=rng.randrange(0, 70)), rng.randrange(8, 16))
        skip = rng.choice([0, 3, 9])
        whole = ClinicCalendar(pool=pool).nearest(wanted, TODAY, skip=skip, topic="usaha")
        assert _reading(pool, reads).nearest(wanted, TODAY, skip=skip, topic="usaha") == whole


def test_nearest_reads_only_the_days_around_the_wanted_one_when_they_have_room() -> None:
    pool, reads = _busy_clinic(1, 0.3)
    wanted = at(date(2026, 12, 15), 10)
    assert len(_reading(pool, reads).nearest(wanted, TODAY, topic="usaha")) == 3
    assert reads == [(date(2026, 12, 14), date(2026, 12, 16))]
    full, reads = _busy_clinic(1, 1.0)
    assert _reading(full, reads).nearest(wanted, TODAY, topic="usaha") == []
    read_days = {first + timedelta(days=n) for first, last in reads
                 for n in range((last - first).days + 1)}  # fmt: skip
    assert len(read_days) == sum((last - first).days + 1 for first, last in reads), "no day twice"
    assert min(read_days) == date(2026, 11, 30) and max(read_days) == date(2027, 1, 26)
    assert len(reads) <= 11, "rings of 1, 3, 7, 15, 31 and 63 days either side"


def test_nearest_reads_twice_as_far_each_time_it_finds_too_few() -> None:
    pool, reads = _busy_clinic(1, 0.3)
    wanted = at(date(2026, 12, 15), 10)
    crowded = [Hold(f"EK-{n}", at(date(2026, 12, 11) + timedelta(days=day), hour), "usaha", 1)
               for n, (day, hour) in enumerate((day, hour) for day in range(9)
                                               for hour in range(8, 16))]  # fmt: skip
    pool = Pool(pool.experts, holds=[*crowded, *pool.holds])  # 11-19 December full
    starts = _reading(pool, reads).nearest(wanted, TODAY, topic="usaha")
    assert starts == ClinicCalendar(pool=pool).nearest(wanted, TODAY, topic="usaha")
    assert {start.date() for start in starts} <= {date(2026, 12, 10), date(2026, 12, 20)} | {
        date(2026, 12, 21), date(2026, 12, 9)}
    assert reads == [(date(2026, 12, 14), date(2026, 12, 16)),  # 12-13 December a weekend
                     (date(2026, 12, 17), date(2026, 12, 18)),
                     (date(2026, 12, 8), date(2026, 12, 11)),
                     (date(2026, 12, 21), date(2026, 12, 22))]  # fmt: skip


def test_nearest_reads_no_holds_of_the_days_at_a_window_end_that_offer_nothing() -> None:
    """A Saturday asked for: its ring is Friday to Sunday, and only Friday's holds are read;
    a ring that is all weekend and holiday is not read at all."""
    pool, reads = _busy_clinic(1, 0.3)
    saturday = at(date(2026, 12, 19), 10)
    starts = _reading(pool, reads).nearest(saturday, TODAY, topic="usaha")
    assert starts == ClinicCalendar(pool=pool).nearest(saturday, TODAY, topic="usaha")
    assert reads == [(date(2026, 12, 18), date(2026, 12, 18))]
    reads.clear()
    christmas = at(date(2026, 12, 26), 10)  # Saturday after Christmas Day (a Friday)
    starts = _reading(pool, reads).nearest(christmas, TODAY, topic="usaha")
    assert starts == ClinicCalendar(pool=pool).nearest(christmas, TODAY, topic="usaha")
    assert reads == [(date(2026, 12, 23), date(2026, 12, 24)),  # 25-27 December: not read
                     (date(2026, 12, 28), date(2026, 12, 29))]  # fmt: skip
