"""SlaClock.compute: statuses, pauses, as-of semantics, input checks and properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minwon.sla import KST, BusinessCalendar, SlaClock

OFFICE = BusinessCalendar()
ALWAYS = BusinessCalendar.twenty_four_seven()
H = timedelta(hours=1)


def kst(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=KST)


MON = kst(2026, 3, 16, 9)  # an ordinary working Monday


def test_fresh_clock() -> None:
    state = SlaClock.compute(OFFICE, MON, 8 * H, [], MON)
    assert state.deadline == kst(2026, 3, 16, 18)
    assert state.elapsed == timedelta(0) and state.remaining == 8 * H
    assert state.fraction == 0.0 and state.status == "ok" and not state.paused and state.stopped_at is None


def test_warning_from_eighty_percent() -> None:
    just_before = SlaClock.compute(OFFICE, MON, 10 * H, [], kst(2026, 3, 16, 17, 59))  # 7h59m counted
    at_80 = SlaClock.compute(OFFICE, MON, 10 * H, [], kst(2026, 3, 16, 18))  # 8h counted
    assert just_before.status == "ok"
    assert at_80.status == "warning" and at_80.fraction == pytest.approx(0.8)
    assert SlaClock.compute(OFFICE, MON, 10 * H, [], kst(2026, 3, 16, 15), warning_fraction=0.5).status == "warning"


def test_at_the_deadline_is_not_yet_a_breach_and_after_closing_it_is() -> None:
    at = SlaClock.compute(OFFICE, MON, 8 * H, [], kst(2026, 3, 16, 18))
    assert at.status == "warning" and at.remaining == timedelta(0) and at.fraction == 1.0
    evening = SlaClock.compute(OFFICE, MON, 8 * H, [], kst(2026, 3, 16, 20))
    assert evening.status == "breached" and evening.remaining == timedelta(0)  # overdue, but no business time has run
    next_day = SlaClock.compute(OFFICE, MON, 8 * H, [], kst(2026, 3, 17, 10))
    assert next_day.status == "breached" and next_day.remaining == -H and next_day.fraction == pytest.approx(9 / 8)


def test_events_after_now_are_ignored() -> None:
    pauses = [(kst(2026, 3, 16, 14), None)]
    before = SlaClock.compute(OFFICE, MON, 8 * H, pauses, kst(2026, 3, 16, 11), stopped_at=kst(2026, 3, 16, 15))
    assert before.status == "ok" and before.stopped_at is None and before.elapsed == 2 * H
    assert before.deadline == kst(2026, 3, 16, 18)


def test_stopped_while_paused_is_met_without_a_deadline() -> None:
    state = SlaClock.compute(
        OFFICE, MON, 8 * H, [(kst(2026, 3, 16, 10), None)], kst(2026, 3, 20, 9), stopped_at=kst(2026, 3, 18, 9)
    )
    assert state.status == "met" and state.deadline is None and state.paused and state.elapsed == H
    assert state.stopped_at == kst(2026, 3, 18, 9)


def test_pause_starting_exactly_now_pauses() -> None:
    state = SlaClock.compute(OFFICE, MON, 8 * H, [(kst(2026, 3, 16, 10), None)], kst(2026, 3, 16, 10))
    assert state.paused and state.status == "paused" and state.deadline is None and state.elapsed == H


def test_pause_ending_exactly_now_no_longer_pauses() -> None:
    state = SlaClock.compute(OFFICE, MON, 8 * H, [(kst(2026, 3, 16, 10), kst(2026, 3, 16, 11))], kst(2026, 3, 16, 11))
    assert not state.paused and state.deadline == kst(2026, 3, 17, 10)


def test_nested_and_duplicate_pauses_count_once() -> None:
    outer = (kst(2026, 3, 16, 10), kst(2026, 3, 16, 15))
    inner = (kst(2026, 3, 16, 11), kst(2026, 3, 16, 14))
    alone = SlaClock.compute(OFFICE, MON, 8 * H, [outer], kst(2026, 3, 17, 9))
    together = SlaClock.compute(OFFICE, MON, 8 * H, [inner, outer, outer], kst(2026, 3, 17, 9))
    assert alone == together
    # Monday 09-10 (1h) + 15-18 (3h) = 4h; Tuesday 09-12 (7h) and 13-14 (8h).
    assert alone.deadline == kst(2026, 3, 17, 14)
    assert alone.elapsed == 4 * H


def test_clock_in_utc_gives_the_deadline_in_utc() -> None:
    start = datetime(2026, 3, 16, 0, tzinfo=UTC)  # 09:00 KST
    state = SlaClock.compute(OFFICE, start, 4 * H, [], start)
    assert state.deadline == datetime(2026, 3, 16, 5, tzinfo=UTC) and state.deadline.tzinfo is UTC


def test_now_before_the_start() -> None:
    state = SlaClock.compute(OFFICE, MON, 4 * H, [], MON - 2 * H)
    assert state.elapsed == timedelta(0) and state.status == "ok" and state.deadline == kst(2026, 3, 16, 14)


def test_bad_input() -> None:
    naive = datetime(2026, 3, 16, 9)
    with pytest.raises(ValueError, match="timezone-aware"):
        SlaClock.compute(OFFICE, naive, H, [], MON)
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        SlaClock.compute(OFFICE, MON, H, [], naive)
    with pytest.raises(ValueError, match=r"pauses\[0\] start"):
        SlaClock.compute(OFFICE, MON, H, [(naive, None)], MON)
    with pytest.raises(ValueError, match=r"pauses\[1\] end"):
        SlaClock.compute(OFFICE, MON, H, [(MON, None), (MON, naive)], MON)
    with pytest.raises(ValueError, match="before it starts"):
        SlaClock.compute(OFFICE, MON, H, [(MON + H, MON)], MON)
    with pytest.raises(ValueError, match="positive"):
        SlaClock.compute(OFFICE, MON, timedelta(0), [], MON)
    with pytest.raises(ValueError, match="warning_fraction"):
        SlaClock.compute(OFFICE, MON, H, [], MON, warning_fraction=1.5)


# -- properties ----------------------------------------------------------------------------------

instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(KST))
offsets = st.integers(0, 60 * 24 * 20).map(lambda minutes: timedelta(minutes=minutes))
durations = st.integers(1, 60 * 80).map(lambda minutes: timedelta(minutes=minutes))
calendars = st.sampled_from([OFFICE, ALWAYS])
pause_lists = st.lists(st.tuples(offsets, st.one_of(st.none(), offsets)), max_size=4)


def _pauses(start: datetime, raw: list[tuple[timedelta, timedelta | None]]) -> list[tuple[datetime, datetime | None]]:
    return [(start + a - 2 * H, None if b is None else start + a - 2 * H + b) for a, b in raw]


@given(calendars, instants, durations, offsets)
def test_without_pauses_the_clock_is_the_calendar(
    calendar: BusinessCalendar, start: datetime, duration: timedelta, after: timedelta
) -> None:
    state = SlaClock.compute(calendar, start, duration, [], start + after)
    assert state.deadline == calendar.add(start, duration)
    assert state.elapsed == calendar.elapsed(start, start + after)
    assert state.status == ("breached" if start + after > state.deadline else "warning" if state.fraction >= 0.8 else "ok")


@given(calendars, instants, durations, pause_lists, offsets)
def test_pauses_only_remove_time(
    calendar: BusinessCalendar,
    start: datetime,
    duration: timedelta,
    raw: list[tuple[timedelta, timedelta | None]],
    after: timedelta,
) -> None:
    now = start + after
    pauses = _pauses(start, raw)
    state = SlaClock.compute(calendar, start, duration, pauses, now)
    plain = SlaClock.compute(calendar, start, duration, [], now)
    assert timedelta(0) <= state.elapsed <= plain.elapsed
    assert state.remaining == duration - state.elapsed
    if state.deadline is None:
        assert state.paused and state.status == "paused"
    if not state.paused:
        assert state.deadline is not None
    if state.deadline is not None and plain.deadline is not None:
        assert state.deadline >= plain.deadline
    # The order of the pauses and duplicates do not matter.
    assert SlaClock.compute(calendar, start, duration, list(reversed(pauses)) + pauses, now) == state


@given(calendars, instants, durations, pause_lists, offsets, offsets)
def test_elapsed_never_decreases_as_time_goes_on(
    calendar: BusinessCalendar,
    start: datetime,
    duration: timedelta,
    raw: list[tuple[timedelta, timedelta | None]],
    a: timedelta,
    b: timedelta,
) -> None:
    a, b = sorted((a, b))
    pauses = _pauses(start, raw)
    earlier = SlaClock.compute(calendar, start, duration, pauses, start + a)
    later = SlaClock.compute(calendar, start, duration, pauses, start + b)
    assert earlier.elapsed <= later.elapsed
    if earlier.status == "breached":
        assert later.status == "breached"


@given(calendars, instants, durations, pause_lists, offsets)
def test_the_deadline_is_when_the_clock_runs_out(
    calendar: BusinessCalendar,
    start: datetime,
    duration: timedelta,
    raw: list[tuple[timedelta, timedelta | None]],
    after: timedelta,
) -> None:
    # Pauses that are all over by `now`: the deadline must be the instant at which the
    # clock, looked at then, shows exactly the whole duration used.
    closed = [(begin, end) for begin, end in _pauses(start, raw) if end is not None]
    now = max([start + after, *(end for _, end in closed if end is not None)])
    state = SlaClock.compute(calendar, start, duration, closed, now)
    assert state.deadline is not None
    at_deadline = SlaClock.compute(calendar, start, duration, closed, state.deadline)
    assert at_deadline.elapsed == duration
    assert at_deadline.deadline == state.deadline
    assert at_deadline.status in ("warning", "paused")
