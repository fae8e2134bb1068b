"""Business-time arithmetic on a Korean working calendar.

A :class:`BusinessCalendar` knows when the operator counts time for an SLA: a few opening
intervals per weekday (``09:00–12:00`` and ``13:00–18:00`` Monday to Friday by default),
minus Korean public holidays (``holidays.KR``: solar and lunar holidays and their
substitute days, computed offline) and any extra closed dates; or all the time
(``always_on``, 24/7).

Every method takes and returns timezone-aware datetimes. Input in any zone is accepted;
local dates and opening hours are worked out in the calendar's zone (``Asia/Seoul``), and
results come back in the zone of the datetime that was passed in. Durations are measured
as real elapsed time (instants are compared in UTC), so a zone with daylight saving time
would still give exact results; Korea has had none since 1988.

Opening intervals are half-open, ``[open, close)``: a calendar is open at 09:00 and closed
at 12:00 exactly. :meth:`BusinessCalendar.add` may therefore return an interval's closing
instant (work that ends exactly at 12:00 ends at 12:00, not at 13:00).

Long spans are handled a day at a time (a few intervals per day), never minute by minute.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import holidays as _holidays

__all__ = ["KST", "OFFICE_HOURS", "BusinessCalendar", "require_aware"]

KST = ZoneInfo("Asia/Seoul")
_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)
# A calendar with no opening for this many consecutive days is considered broken
# (the longest real closure, 설날 or 추석 joined to a weekend, is under two weeks).
_MAX_CLOSED_DAYS = 1000
_CACHE_LIMIT = 20_000

_LUNCH = ((time(9), time(12)), (time(13), time(18)))
#: Monday–Friday 09:00–12:00 and 13:00–18:00 (lunch 12:00–13:00); closed on weekends.
OFFICE_HOURS: Mapping[int, tuple[tuple[time, time], ...]] = {0: _LUNCH, 1: _LUNCH, 2: _LUNCH, 3: _LUNCH, 4: _LUNCH, 5: (), 6: ()}

_Interval = tuple[datetime, datetime]


def require_aware(value: datetime, name: str) -> None:
    """Raise ``ValueError`` (``TypeError`` for a non-datetime) unless *value* is timezone-aware."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name} must be timezone-aware, got naive {value.isoformat()}; "
            "attach a zone, e.g. value.replace(tzinfo=ZoneInfo('Asia/Seoul')) or tzinfo=datetime.UTC"
        )


def _out_zone(value: datetime) -> tzinfo:
    zone = value.tzinfo
    assert zone is not None  # checked by require_aware
    return zone


class BusinessCalendar:
    """When SLA time runs.

    ``hours`` maps a weekday (0 = Monday … 6 = Sunday) to its opening intervals as
    ``(open, close)`` pairs of :class:`datetime.time`; ``close == time(0)`` means midnight at
    the end of the day (24:00). Intervals must be sorted and must not overlap; a missing
    weekday is closed. Intervals crossing midnight are written as two intervals on two days.

    ``public_holidays`` closes the days of ``holidays.KR`` (설날, 추석, substitute holidays…);
    ``closed_dates`` closes further local dates (company holidays, 창립기념일).
    ``always_on=True`` makes a 24/7 calendar: every instant counts, holidays included.
    """

    def __init__(
        self,
        hours: Mapping[int, Sequence[tuple[time, time]]] | None = None,
        *,
        tz: str | tzinfo = KST,
        public_holidays: bool = True,
        closed_dates: Iterable[date] = (),
        always_on: bool = False,
    ) -> None:
        self.tz: tzinfo = ZoneInfo(tz) if isinstance(tz, str) else tz
        self.always_on = always_on
        self.public_holidays = public_holidays
        self.closed_dates: frozenset[date] = frozenset(closed_dates)
        for closed in self.closed_dates:
            if not isinstance(closed, date) or isinstance(closed, datetime):
                raise TypeError(f"closed_dates must hold dates, got {closed!r}")
        self._week = self._parse_hours(OFFICE_HOURS if hours is None else hours)
        if not always_on and not any(self._week):
            raise ValueError("a calendar that is not always_on needs at least one opening interval in the week")
        self._holiday_years: dict[int, frozenset[date]] = {}
        self._day_cache: dict[date, tuple[_Interval, ...]] = {}

    @classmethod
    def twenty_four_seven(cls, tz: str | tzinfo = KST) -> BusinessCalendar:
        """A calendar where every instant counts (outages, urgent privacy incidents)."""
        return cls(tz=tz, always_on=True)

    @staticmethod
    def _parse_hours(hours: Mapping[int, Sequence[tuple[time, time]]]) -> tuple[tuple[tuple[timedelta, timedelta], ...], ...]:
        unknown = set(hours) - set(range(7))
        if unknown:
            raise ValueError(f"weekday keys must be 0 (Monday) … 6 (Sunday), got {sorted(unknown)}")
        week: list[tuple[tuple[timedelta, timedelta], ...]] = []
        for weekday in range(7):
            spans: list[tuple[timedelta, timedelta]] = []
            for pair in hours.get(weekday, ()):
                opens, closes = pair
                for value in (opens, closes):
                    if not isinstance(value, time) or value.tzinfo is not None:
                        raise TypeError(f"weekday {weekday}: opening hours must be naive datetime.time values, got {value!r}")
                start = timedelta(hours=opens.hour, minutes=opens.minute, seconds=opens.second, microseconds=opens.microsecond)
                end = timedelta(hours=closes.hour, minutes=closes.minute, seconds=closes.second, microseconds=closes.microsecond)
                if end == _ZERO:
                    end = _ONE_DAY
                if end <= start:
                    raise ValueError(f"weekday {weekday}: interval {opens}–{closes} is empty or crosses midnight")
                if spans and start < spans[-1][1]:
                    raise ValueError(
                        f"weekday {weekday}: intervals must be sorted and must not overlap ({opens} starts too early)"
                    )
                spans.append((start, end))
            week.append(tuple(spans))
        return tuple(week)

    # -- days ---------------------------------------------------------------------------

    def is_holiday(self, day: date) -> bool:
        """Whether *day* is a Korean public holiday (only meaningful with ``public_holidays``)."""
        year = self._holiday_years.get(day.year)
        if year is None:
            year = frozenset(_holidays.KR(years=day.year).keys())
            self._holiday_years[day.year] = year
        return day in year

    def is_closed_day(self, day: date) -> bool:
        """Whether the whole local date *day* is closed by a holiday or an extra closed date."""
        if self.always_on:
            return False
        return day in self.closed_dates or (self.public_holidays and self.is_holiday(day))

    def _local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()

    def _intervals(self, day: date) -> tuple[_Interval, ...]:
        """Opening intervals of a local date, as UTC instants."""
        cached = self._day_cache.get(day)
        if cached is not None:
            return cached
        spans = self._week[day.weekday()]
        result: list[_Interval] = []
        if spans and not self.is_closed_day(day):
            midnight = datetime(day.year, day.month, day.day)  # naive wall clock, zone attached below
            for start, end in spans:
                opens = (midnight + start).replace(tzinfo=self.tz).astimezone(UTC)
                closes = (midnight + end).replace(tzinfo=self.tz).astimezone(UTC)
                if result:
                    opens = max(opens, result[-1][1])
                if closes > opens:
                    result.append((opens, closes))
        if len(self._day_cache) >= _CACHE_LIMIT:
            self._day_cache.clear()
        frozen = tuple(result)
        self._day_cache[day] = frozen
        return frozen

    def _closed_too_long(self, first: date) -> RuntimeError:
        return RuntimeError(f"calendar has no opening in the {_MAX_CLOSED_DAYS} days from {first.isoformat()}")

    # -- public arithmetic --------------------------------------------------------------

    def is_open(self, at: datetime) -> bool:
        """Whether business time is running at the instant *at*."""
        require_aware(at, "at")
        if self.always_on:
            return True
        instant = at.astimezone(UTC)
        return any(opens <= instant < closes for opens, closes in self._intervals(self._local_date(instant)))

    def next_open(self, at: datetime) -> datetime:
        """*at* itself if the calendar is open then, otherwise the next opening instant."""
        require_aware(at, "at")
        if self.always_on:
            return at
        instant = at.astimezone(UTC)
        day = first = self._local_date(instant)
        for _ in range(_MAX_CLOSED_DAYS):
            for opens, closes in self._intervals(day):
                if closes > instant:
                    return at if opens <= instant else opens.astimezone(_out_zone(at))
            day += _ONE_DAY
        raise self._closed_too_long(first)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which *duration* of business time has run from *start*.

        If *start* is outside business hours, counting begins at the next opening. A zero
        duration returns *start* unchanged. The result may be an interval's closing instant.
        """
        require_aware(start, "start")
        if not isinstance(duration, timedelta):
            raise TypeError(f"duration must be a timedelta, not {type(duration).__name__}")
        if duration < _ZERO:
            raise ValueError(f"duration must not be negative, got {duration}")
        if duration == _ZERO:
            return start
        instant = start.astimezone(UTC)
        if self.always_on:
            return (instant + duration).astimezone(_out_zone(start))
        remaining = duration
        day = self._local_date(instant)
        closed_run = 0
        while True:
            spans = self._intervals(day)
            for opens, closes in spans:
                if closes <= instant:
                    continue
                begin = max(opens, instant)
                available = closes - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(_out_zone(start))
                remaining -= available
            closed_run = 0 if spans else closed_run + 1
            if closed_run >= _MAX_CLOSED_DAYS:
                raise self._closed_too_long(day - timedelta(days=closed_run - 1))
            day += _ONE_DAY

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Business time between *start* and *end* (negative if *end* is before *start*)."""
        require_aware(start, "start")
        require_aware(end, "end")
        low, high = start.astimezone(UTC), end.astimezone(UTC)
        if high < low:
            return -self.elapsed(end, start)
        if self.always_on:
            return high - low
        total = _ZERO
        day, last = self._local_date(low), self._local_date(high)
        while day <= last:
            for opens, closes in self._intervals(day):
                begin, finish = max(opens, low), min(closes, high)
                if finish > begin:
                    total += finish - begin
            day += _ONE_DAY
        return total

    def __repr__(self) -> str:
        if self.always_on:
            return f"BusinessCalendar(always_on=True, tz={self.tz})"
        return f"BusinessCalendar(tz={self.tz}, public_holidays={self.public_holidays}, closed_dates={len(self.closed_dates)})"
