"""SLA clocks computed on read from a case's event log.

Nothing is stored but the facts: when the clock started, its duration, the pauses
(``(start, end)`` pairs, ``end=None`` while a pause is still going on, e.g. "waiting for
the customer") and, once the work is done, when the clock stopped. :meth:`SlaClock.compute`
turns those facts and the current instant into a :class:`ClockState`.

Rules:

* Only business time of the calendar counts, and time inside any pause does not. Pauses
  may overlap each other, begin before the clock started, or lie partly outside business
  hours; their union is taken and intersected with the calendar.
* The state is "as of" ``now``: a pause beginning after ``now`` is ignored, a pause ending
  after ``now`` is still ongoing, and a ``stopped_at`` after ``now`` has not happened yet.
* ``deadline`` is the instant at which the counted time reaches the duration, assuming no
  further pause. While a pause is ongoing it is ``None`` — unless the deadline had already
  passed before the pause began (a breach is not undone by pausing).
* ``status``: ``met`` / ``breached`` for a stopped clock (met when stopped at or before the
  deadline); otherwise ``breached`` once ``now`` is past the deadline, ``paused`` during a
  pause, ``warning`` from ``warning_fraction`` (0.8) of the duration on, else ``ok``.
* ``remaining = duration - elapsed`` is negative once the duration is used up (the
  business time by which the clock is overdue); ``fraction = elapsed / duration``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from .calendar import BusinessCalendar, require_aware

__all__ = ["WARNING_FRACTION", "ClockState", "ClockStatus", "SlaClock"]

ClockStatus = Literal["ok", "warning", "breached", "paused", "met"]
#: Share of the duration used from which a running clock is in ``warning``.
WARNING_FRACTION = 0.8
_ZERO = timedelta(0)


@dataclass(frozen=True, slots=True)
class ClockState:
    """What an SLA clock says at one instant (see the module documentation)."""

    deadline: datetime | None
    elapsed: timedelta
    remaining: timedelta
    paused: bool
    fraction: float
    status: ClockStatus
    stopped_at: datetime | None = None


def _merge_pauses(
    pauses: Iterable[tuple[datetime, datetime | None]], started: datetime, observed: datetime
) -> list[tuple[datetime, datetime | None]]:
    """Pauses clipped to ``[started, observed]`` and merged; ``None`` ends are ongoing at *observed*."""
    clipped: list[tuple[datetime, datetime | None]] = []
    for index, pause in enumerate(pauses):
        try:
            begin, end = pause
        except (TypeError, ValueError):
            raise ValueError(f"pauses[{index}] must be a (start, end | None) pair, got {pause!r}") from None
        require_aware(begin, f"pauses[{index}] start")
        if end is not None:
            require_aware(end, f"pauses[{index}] end")
            if end < begin:
                raise ValueError(f"pauses[{index}] ends ({end.isoformat()}) before it starts ({begin.isoformat()})")
        low = max(begin.astimezone(UTC), started)
        if low > observed:
            continue  # not begun yet as of now
        high = None if end is None or end.astimezone(UTC) > observed else end.astimezone(UTC)
        if high is not None and high <= low:
            continue  # empty, or over before the clock started
        clipped.append((low, high))
    clipped.sort(key=lambda pause: pause[0])
    merged: list[tuple[datetime, datetime | None]] = []
    for low, high in clipped:
        if merged:
            last_low, last_high = merged[-1]
            if last_high is None:
                break  # the ongoing pause swallows everything after it
            if low <= last_high:
                merged[-1] = (last_low, None if high is None else max(high, last_high))
                continue
        merged.append((low, high))
    return merged


class SlaClock:
    """Namespace for :meth:`compute`; a clock has no state of its own beyond its event log."""

    @staticmethod
    def compute(
        calendar: BusinessCalendar,
        started_at: datetime,
        duration: timedelta,
        pauses: Iterable[tuple[datetime, datetime | None]],
        now: datetime,
        *,
        stopped_at: datetime | None = None,
        warning_fraction: float = WARNING_FRACTION,
    ) -> ClockState:
        """The state at *now* of a clock of *duration* business time started at *started_at*.

        The deadline is returned in the zone of *started_at*.
        """
        require_aware(started_at, "started_at")
        require_aware(now, "now")
        if stopped_at is not None:
            require_aware(stopped_at, "stopped_at")
        if not isinstance(duration, timedelta) or duration <= _ZERO:
            raise ValueError(f"duration must be a positive timedelta, got {duration!r}")
        if not 0 < warning_fraction <= 1:
            raise ValueError(f"warning_fraction must be in (0, 1], got {warning_fraction}")

        zone = started_at.tzinfo
        started = started_at.astimezone(UTC)
        stopped = stopped_at is not None and stopped_at <= now
        observed = max((stopped_at if stopped and stopped_at is not None else now).astimezone(UTC), started)
        merged = _merge_pauses(pauses, started, observed)
        paused = bool(merged) and merged[-1][1] is None

        # Counting segments: [started, observed] minus the pauses.
        segments: list[tuple[datetime, datetime]] = []
        cursor = started
        for low, high in merged:
            if low > cursor:
                segments.append((cursor, low))
            if high is None:
                cursor = observed
                break
            cursor = max(cursor, high)
        if cursor < observed:
            segments.append((cursor, observed))

        elapsed = _ZERO
        deadline: datetime | None = None
        for low, high in segments:
            counted = calendar.elapsed(low, high)
            if deadline is None and elapsed + counted >= duration:
                deadline = calendar.add(low, duration - elapsed)
            elapsed += counted
        if deadline is None and not paused:
            deadline = calendar.add(observed, duration - elapsed)

        fraction = elapsed / duration
        passed = deadline is not None and observed > deadline
        status: ClockStatus
        if stopped:
            status = "breached" if passed else "met"
        elif passed:
            status = "breached"
        elif paused:
            status = "paused"
        elif fraction >= warning_fraction:
            status = "warning"
        else:
            status = "ok"
        return ClockState(
            deadline=None if deadline is None else deadline.astimezone(zone),
            elapsed=elapsed,
            remaining=duration - elapsed,
            paused=paused,
            fraction=fraction,
            status=status,
            stopped_at=stopped_at if stopped else None,
        )
