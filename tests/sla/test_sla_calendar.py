"""BusinessCalendar: examples, input checks, efficiency and hypothesis properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import holidays
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from minwon.sla import KST, BusinessCalendar

OFFICE = BusinessCalendar()
ALWAYS = BusinessCalendar.twenty_four_seven()
# Odd hours to exercise intervals touching midnight, a Saturday morning and extra closed dates.
NIGHT_SHIFT = BusinessCalendar(
    {day: ((time(0), time(6)), (time(22), time(0))) for day in range(7)},
    public_holidays=False,
    closed_dates=[date(2026, 1, 1), date(2026, 9, 25)],
)
SATURDAY = BusinessCalendar(
    {0: ((time(9), time(18)),), 2: ((time(9), time(18)),), 5: ((time(9), time(13)),)},
    closed_dates=[date(2026, 3, 4)],
)
CALENDARS = {"office": OFFICE, "24/7": ALWAYS, "night": NIGHT_SHIFT, "saturday": SATURDAY}
ONE_US = timedelta(microseconds=1)


def kst(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=KST)


# -- examples -----------------------------------------------------------------------------


def test_is_open_boundaries_are_half_open() -> None:
    assert OFFICE.is_open(kst(2026, 3, 3, 9))
    assert OFFICE.is_open(kst(2026, 3, 3, 11, 59, 59))
    assert not OFFICE.is_open(kst(2026, 3, 3, 12))
    assert OFFICE.is_open(kst(2026, 3, 3, 13))
    assert not OFFICE.is_open(kst(2026, 3, 3, 18))
    assert not OFFICE.is_open(kst(2026, 3, 3, 8, 59, 59))


@pytest.mark.parametrize(
    "day",
    [date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 18), date(2026, 3, 2), date(2026, 5, 25), date(2026, 8, 17),
     date(2026, 9, 24), date(2026, 9, 25), date(2026, 10, 5), date(2026, 10, 9), date(2026, 12, 25)],
)  # fmt: skip
def test_weekday_public_holidays_are_closed(day: date) -> None:
    assert day.weekday() < 5
    assert OFFICE.is_holiday(day)
    assert not OFFICE.is_open(datetime.combine(day, time(10), KST))


def test_extra_closed_dates_and_holidays_can_be_switched_off() -> None:
    plain = BusinessCalendar(public_holidays=False, closed_dates=[date(2026, 3, 3)])
    assert plain.is_open(kst(2026, 2, 17, 10))  # 설날, but holidays are off
    assert not plain.is_open(kst(2026, 3, 3, 10))  # the extra closed date
    assert plain.add(kst(2026, 3, 2, 17), timedelta(hours=2)) == kst(2026, 3, 4, 10)


def test_next_open() -> None:
    assert OFFICE.next_open(kst(2026, 3, 3, 10)) == kst(2026, 3, 3, 10)
    assert OFFICE.next_open(kst(2026, 3, 3, 12)) == kst(2026, 3, 3, 13)
    assert OFFICE.next_open(kst(2026, 9, 23, 18)) == kst(2026, 9, 28, 9)
    assert OFFICE.next_open(datetime(2026, 2, 27, 9, tzinfo=UTC)) == datetime(2026, 3, 3, 0, tzinfo=UTC)
    assert ALWAYS.next_open(kst(2026, 9, 25, 3)) == kst(2026, 9, 25, 3)


def test_add_keeps_the_input_zone_and_zero_is_identity() -> None:
    start = datetime(2026, 3, 3, 3, tzinfo=UTC)  # 12:00 KST, lunch
    assert OFFICE.add(start, timedelta(0)) == start
    result = OFFICE.add(start, timedelta(hours=1))
    assert result.tzinfo is UTC and result == datetime(2026, 3, 3, 5, tzinfo=UTC)


def test_elapsed_examples() -> None:
    assert OFFICE.elapsed(kst(2026, 3, 6, 16), kst(2026, 3, 9, 11)) == timedelta(hours=4)
    assert OFFICE.elapsed(kst(2026, 2, 13, 9), kst(2026, 2, 20, 9)) == timedelta(hours=16)  # 설날 week: Fri + Thu
    assert OFFICE.elapsed(kst(2026, 3, 9, 11), kst(2026, 3, 6, 16)) == -timedelta(hours=4)
    assert OFFICE.elapsed(kst(2026, 3, 3, 12, 10), kst(2026, 3, 3, 12, 50)) == timedelta(0)
    assert ALWAYS.elapsed(kst(2026, 9, 24), kst(2026, 9, 27)) == timedelta(days=3)


def test_whole_year_of_business_time() -> None:
    # 2026 has 261 weekdays (52 weeks and a Thursday) and 16 weekday holidays:
    # 1/1, 2/16-18, 3/2, 5/1, 5/5, 5/25, 6/3, 7/17, 8/17, 9/24-25, 10/5, 10/9, 12/25.
    weekday_holidays = [d for d in holidays.KR(years=2026) if d.weekday() < 5]
    assert len(weekday_holidays) == 16
    assert OFFICE.elapsed(kst(2026, 1, 1), kst(2027, 1, 1)) == timedelta(hours=8 * (261 - 16))


def test_naive_datetimes_are_refused_with_a_clear_message() -> None:
    naive = datetime(2026, 3, 3, 10)
    for call in (
        lambda: OFFICE.add(naive, timedelta(hours=1)),
        lambda: OFFICE.elapsed(naive, kst(2026, 3, 3, 11)),
        lambda: OFFICE.elapsed(kst(2026, 3, 3, 9), naive),
        lambda: OFFICE.is_open(naive),
        lambda: OFFICE.next_open(naive),
        lambda: ALWAYS.add(naive, timedelta(hours=1)),
    ):
        with pytest.raises(ValueError, match="timezone-aware"):
            call()


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="negative"):
        OFFICE.add(kst(2026, 3, 3, 9), timedelta(hours=-1))
    with pytest.raises(ValueError, match="at least one opening"):
        BusinessCalendar({})
    with pytest.raises(ValueError, match="overlap"):
        BusinessCalendar({0: ((time(9), time(12)), (time(11), time(13)))})
    with pytest.raises(ValueError, match="crosses midnight"):
        BusinessCalendar({0: ((time(22), time(2)),)})
    with pytest.raises(ValueError, match="weekday keys"):
        BusinessCalendar({7: ((time(9), time(12)),)})


def test_a_calendar_that_never_opens_again_fails_instead_of_looping() -> None:
    closed = BusinessCalendar({0: ((time(9), time(10)),)}, public_holidays=False,
                              closed_dates=[date(2026, 3, 2) + timedelta(weeks=n) for n in range(200)])  # fmt: skip
    with pytest.raises(RuntimeError, match="no opening"):
        closed.add(kst(2026, 3, 1), timedelta(hours=1))


class CountingCalendar(BusinessCalendar):
    def __init__(self) -> None:
        super().__init__()
        self.days_looked_at = 0

    def _intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        self.days_looked_at += 1
        return super()._intervals(day)


def test_long_spans_loop_over_days_not_minutes() -> None:
    calendar = CountingCalendar()
    deadline = calendar.add(kst(2026, 9, 7, 9), timedelta(hours=240))  # 30 working days
    assert deadline == kst(2026, 10, 22, 18)
    assert calendar.days_looked_at <= 46  # 7 Sep .. 22 Oct
    calendar.days_looked_at = 0
    assert calendar.elapsed(kst(2026, 1, 1), kst(2036, 1, 1)) > timedelta(hours=8 * 2400)
    assert calendar.days_looked_at <= 3653 + 1


# -- an independent oracle: minute by minute from holidays.KR --------------------------------

_KR = holidays.KR(years=range(2025, 2028))


def _oracle_open_minute(instant: datetime) -> bool:
    local = instant.astimezone(KST)
    if local.weekday() >= 5 or local.date() in _KR:
        return False
    return 9 <= local.hour < 12 or 13 <= local.hour < 18


minute_starts = st.builds(
    lambda minutes: kst(2025, 12, 20) + timedelta(minutes=minutes),
    st.integers(0, 60 * 24 * 300),
)


@given(minute_starts, st.integers(0, 60 * 24 * 6))
@settings(max_examples=60, deadline=None)
def test_elapsed_matches_a_minute_by_minute_count(start: datetime, span_minutes: int) -> None:
    expected = sum(_oracle_open_minute(start + timedelta(minutes=m)) for m in range(span_minutes))
    assert OFFICE.elapsed(start, start + timedelta(minutes=span_minutes)) == timedelta(minutes=expected)


# -- hypothesis properties --------------------------------------------------------------------

instants = st.datetimes(min_value=datetime(2025, 6, 1), max_value=datetime(2027, 6, 30), timezones=st.sampled_from([KST, UTC]))
durations = st.one_of(
    st.integers(0, 300 * 60).map(lambda minutes: timedelta(minutes=minutes)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=300)),
)
calendars = st.sampled_from(sorted(CALENDARS)).map(CALENDARS.__getitem__)


@given(calendars, instants, durations, durations)
def test_add_is_associative(calendar: BusinessCalendar, start: datetime, a: timedelta, b: timedelta) -> None:
    assert calendar.add(start, a + b) == calendar.add(calendar.add(start, a), b)


@given(calendars, instants, durations)
def test_elapsed_inverts_add(calendar: BusinessCalendar, start: datetime, duration: timedelta) -> None:
    end = calendar.add(start, duration)
    assert end >= start
    assert calendar.elapsed(start, end) == duration


@given(calendars, instants, instants, instants)
def test_elapsed_is_monotonic_and_additive(calendar: BusinessCalendar, a: datetime, b: datetime, c: datetime) -> None:
    a, b, c = sorted((a, b, c))
    assert timedelta(0) <= calendar.elapsed(a, b) <= calendar.elapsed(a, c)
    assert calendar.elapsed(b, c) <= calendar.elapsed(a, c)
    assert calendar.elapsed(a, c) == calendar.elapsed(a, b) + calendar.elapsed(b, c)
    assert calendar.elapsed(c, a) == -calendar.elapsed(a, c)


@given(calendars, instants, durations)
def test_add_never_lands_in_closed_time_except_at_an_interval_end(
    calendar: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    assume(duration > timedelta(0))
    end = calendar.add(start, duration)
    assert calendar.is_open(end) or calendar.is_open(end - ONE_US)


@given(calendars, instants, durations, durations)
def test_add_is_monotonic_in_the_duration(calendar: BusinessCalendar, start: datetime, a: timedelta, b: timedelta) -> None:
    a, b = sorted((a, b))
    assert calendar.add(start, a) <= calendar.add(start, b)


@given(calendars, instants)
def test_next_open_is_open_and_skips_only_closed_time(calendar: BusinessCalendar, at: datetime) -> None:
    opening = calendar.next_open(at)
    assert opening >= at
    assert calendar.is_open(opening)
    assert calendar.elapsed(at, opening) == timedelta(0)
    assert calendar.is_open(at) == (opening == at)
    assert opening.utcoffset() == at.utcoffset()


@given(instants, durations)
def test_business_time_never_runs_faster_than_the_wall_clock(start: datetime, duration: timedelta) -> None:
    assert OFFICE.add(start, duration) >= ALWAYS.add(start, duration) == start + duration
