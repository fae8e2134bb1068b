"""SLA policies per complaint category and priority, read from a TOML file.

The file (``policies.toml`` beside this module is the default; its comments explain the
values) has one table per category code — or ``"*"`` for the fallback — and priority::

    [policy.outage.urgent]
    first_response = "1h"       # durations: <n>d, <n>h, <n>m, combined largest first ("1h30m")
    resolution = "4h"
    calendar = "24/7"           # "business" (Korean office hours) or "24/7"

    [policy.repair_visit.normal]
    first_response = "4h"
    visit_booking = "8h"        # optional: a technician visit must be booked within this
    resolution = "40h"
    calendar = "business"

``"*"`` must define all four priorities; a category without a table for a priority uses
``"*"``'s. On the business calendar durations are business time, so they must be given in
hours or minutes ("24h" = three working days of 8 hours); the ``d`` unit (24 hours) is
accepted only on the 24/7 calendar, where a day really is 24 hours.

Anything wrong — TOML syntax, an unknown key, category, priority or calendar, a missing
key, a bad duration, a first response slower than the resolution — raises
:class:`PolicyError` naming the file and the key path.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .calendar import BusinessCalendar, require_aware

__all__ = [
    "CALENDAR_NAMES",
    "CATEGORY_CODES",
    "DEADLINE_KINDS",
    "FALLBACK",
    "PRIORITIES",
    "Policies",
    "Policy",
    "PolicyError",
    "Target",
    "default_calendars",
    "load_policies",
    "parse_duration",
    "parse_policies",
]

#: The complaint categories of ``minwon.text.analysis.CATEGORY_CODES`` (kept in sync by a test).
CATEGORY_CODES: tuple[str, ...] = (
    "outage", "speed", "repair_visit", "billing", "payment", "contact_center", "agent_conduct", "misinformation",
    "runaround", "broken_promise", "contract", "service_change", "compensation", "privacy", "unwanted_contact",
    "device",
)  # fmt: skip
FALLBACK = "*"
PRIORITIES: tuple[str, ...] = ("low", "normal", "high", "urgent")
CALENDAR_NAMES: tuple[str, ...] = ("business", "24/7")
DEADLINE_KINDS: tuple[str, ...] = ("first_response", "resolution", "visit_booking")
_REQUIRED = ("first_response", "resolution", "calendar")
_DURATION = re.compile(r"(?:(?P<d>[0-9]+)d)?(?:(?P<h>[0-9]+)h)?(?:(?P<m>[0-9]+)m)?")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_DEFAULT_FILE = "policies.toml"


class PolicyError(ValueError):
    """A policy file, or a request for a policy, that cannot be honoured."""


def parse_duration(text: str) -> timedelta:
    """Parse ``"90m"``, ``"4h"``, ``"2d"`` or a combination largest unit first (``"1d12h"``, ``"1h30m"``).

    Nothing else is accepted: no spaces, signs, decimals, upper case, other units, repeated
    or misordered units, or a zero total. Raises ``ValueError``.
    """
    if not isinstance(text, str):
        raise ValueError(f"a duration must be a string like '4h', got {type(text).__name__} {text!r}")
    match = _DURATION.fullmatch(text)
    if not text or match is None:
        raise ValueError(
            f"cannot parse duration {text!r}: expected <n>d, <n>h and/or <n>m in that order, e.g. '90m', '4h', '2d', '1h30m'"
        )
    days, hours, minutes = (int(match.group(unit) or 0) for unit in "dhm")
    value = timedelta(days=days, hours=hours, minutes=minutes)
    if value <= timedelta(0):
        raise ValueError(f"duration {text!r} must be longer than zero")
    return value


def _key_path(*parts: str) -> str:
    return ".".join(part if _BARE_KEY.fullmatch(part) else json.dumps(part, ensure_ascii=False) for part in parts)


@dataclass(frozen=True, slots=True)
class Target:
    """One deadline: *duration* of time counted on the calendar named *calendar*.

    *source* is the key path it was read from, e.g. ``policy.outage.urgent.first_response``.
    """

    duration: timedelta
    calendar: str
    source: str

    def deadline(self, start: datetime, calendars: Mapping[str, BusinessCalendar] | None = None) -> datetime:
        """The deadline for a clock started at *start* that is never paused."""
        return (calendars or default_calendars())[self.calendar].add(start, self.duration)


@dataclass(frozen=True, slots=True)
class Policy:
    """The deadlines that apply to one case (or one category × priority entry)."""

    priority: str
    categories: tuple[str, ...]
    first_response: Target
    resolution: Target
    visit_booking: Target | None = None

    def targets(self) -> dict[str, Target]:
        """The deadlines this policy sets, by kind (``visit_booking`` only when set)."""
        found = {"first_response": self.first_response, "resolution": self.resolution}
        if self.visit_booking is not None:
            found["visit_booking"] = self.visit_booking
        return found


@lru_cache(maxsize=1)
def default_calendars() -> Mapping[str, BusinessCalendar]:
    """``business`` (Mon–Fri 09–12 and 13–18 KST without Korean public holidays) and ``24/7``."""
    return MappingProxyType({"business": BusinessCalendar(), "24/7": BusinessCalendar.twenty_four_seven()})


class Policies:
    """All policy entries of one file, keyed by ``(category or "*", priority)``."""

    def __init__(self, entries: Mapping[tuple[str, str], Policy], source: str = "<policies>") -> None:
        missing = [priority for priority in PRIORITIES if (FALLBACK, priority) not in entries]
        if missing:
            raise PolicyError(
                f"{source}: {_key_path('policy', FALLBACK)}: missing priorities {', '.join(missing)} (the fallback must define all four)"
            )
        self._entries = dict(entries)
        self.source = source

    @property
    def entries(self) -> Mapping[tuple[str, str], Policy]:
        return MappingProxyType(self._entries)

    def get(self, category: str, priority: str) -> Policy:
        """The entry for *category* and *priority*, or the ``"*"`` entry for *priority*."""
        _check_priority(priority)
        if category != FALLBACK and category not in CATEGORY_CODES:
            raise PolicyError(f"unknown category {category!r}; expected one of {', '.join(CATEGORY_CODES)}")
        return self._entries.get((category, priority)) or self._entries[(FALLBACK, priority)]

    def for_case(
        self,
        categories: Iterable[str],
        priority: str,
        *,
        opened_at: datetime | None = None,
        calendars: Mapping[str, BusinessCalendar] | None = None,
    ) -> Policy:
        """The strictest deadline of each kind among the case's categories.

        Each category contributes its own entry for *priority* (or the ``"*"`` entry); no
        category at all, or ``"*"`` given as a category, means the ``"*"`` entry. Without
        *opened_at*, "strictest" is the shortest duration, a 24/7 target winning a tie
        against a business one (24/7 time runs at least as fast). With *opened_at*, targets on different calendars are compared by the
        actual deadline they give from that instant (``calendars`` defaults to
        :func:`default_calendars`), then as above. ``visit_booking`` is set when any
        category has one.
        """
        _check_priority(priority)
        codes = tuple(dict.fromkeys(categories))
        for code in codes:
            if code != FALLBACK and code not in CATEGORY_CODES:
                raise PolicyError(f"unknown category {code!r}; expected one of {', '.join(CATEGORY_CODES)}")
        entries = [self.get(code, priority) for code in codes] or [self._entries[(FALLBACK, priority)]]
        if opened_at is not None:
            require_aware(opened_at, "opened_at")
        resolved = calendars or default_calendars()

        def strictness(target: Target) -> tuple[Any, ...]:
            rank = (target.duration, target.calendar != "24/7")
            if opened_at is None:
                return rank
            return (resolved[target.calendar].add(opened_at, target.duration), *rank)

        def strictest(targets: list[Target]) -> Target | None:
            return min(targets, key=strictness) if targets else None

        first_response = strictest([entry.first_response for entry in entries])
        resolution = strictest([entry.resolution for entry in entries])
        assert first_response is not None and resolution is not None
        visit_booking = strictest([entry.visit_booking for entry in entries if entry.visit_booking is not None])
        return Policy(priority, codes, first_response, resolution, visit_booking)

    def __repr__(self) -> str:
        return f"Policies({self.source!r}, {len(self._entries)} entries)"


def _check_priority(priority: str) -> None:
    if priority not in PRIORITIES:
        raise PolicyError(f"unknown priority {priority!r}; expected one of {', '.join(PRIORITIES)}")


def load_policies(path: str | os.PathLike[str] | None = None) -> Policies:
    """Read policies from *path*, or the ``policies.toml`` shipped with this package."""
    if path is None:
        source = f"minwon/sla/{_DEFAULT_FILE}"
        text = resources.files(__package__ or "minwon.sla").joinpath(_DEFAULT_FILE).read_text(encoding="utf-8")
    else:
        source = os.fspath(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise PolicyError(f"{source}: cannot read policy file: {error}") from error
    return parse_policies(text, source)


def parse_policies(text: str, source: str = "<string>") -> Policies:
    """Parse and validate the TOML *text* of a policy file (*source* names it in errors)."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"{source}: not valid TOML: {error}") from error

    def fail(message: str, *parts: str) -> PolicyError:
        return PolicyError(f"{source}: {_key_path(*parts)}: {message}")

    for key in document:
        if key != "policy":
            raise fail("unknown key (the only top-level table is [policy])", key)
    table = document.get("policy")
    if not isinstance(table, dict):
        raise fail("missing table [policy]" if table is None else "must be a table", "policy")

    entries: dict[tuple[str, str], Policy] = {}
    for category, by_priority in table.items():
        if category != FALLBACK and category not in CATEGORY_CODES:
            raise fail(f'unknown category; expected "*" or one of {", ".join(CATEGORY_CODES)}', "policy", category)
        if not isinstance(by_priority, dict):
            raise fail("must be a table of priorities", "policy", category)
        for priority, entry in by_priority.items():
            if priority not in PRIORITIES:
                raise fail(f"unknown priority; expected one of {', '.join(PRIORITIES)}", "policy", category, priority)
            if not isinstance(entry, dict):
                raise fail("must be a table with first_response, resolution and calendar", "policy", category, priority)
            entries[(category, priority)] = _parse_entry(entry, fail, ("policy", category, priority), category, priority)
    return Policies(entries, source)


def _parse_entry(
    entry: dict[str, Any], fail: Callable[..., PolicyError], where: tuple[str, ...], category: str, priority: str
) -> Policy:
    for key in entry:
        if key not in (*DEADLINE_KINDS, "calendar"):
            raise fail(f"unknown key; expected {', '.join((*DEADLINE_KINDS, 'calendar'))}", *where, key)
    for key in _REQUIRED:
        if key not in entry:
            raise fail(f"missing key {key!r}", *where)
    calendar = entry["calendar"]
    if calendar not in CALENDAR_NAMES:
        raise fail(
            f"unknown calendar {calendar!r}; expected one of {', '.join(repr(name) for name in CALENDAR_NAMES)}",
            *where,
            "calendar",
        )

    targets: dict[str, Target] = {}
    for kind in DEADLINE_KINDS:
        if kind not in entry:
            continue
        raw = entry[kind]
        try:
            duration = parse_duration(raw)
        except ValueError as error:
            raise fail(str(error), *where, kind) from None
        if calendar == "business" and "d" in raw:
            raise fail(
                f"{raw!r}: the 'd' unit (24 hours) is ambiguous on the business calendar; give business hours instead (one working day = 8h)",
                *where,
                kind,
            )
        targets[kind] = Target(duration, calendar, _key_path(*where, kind))
    resolution = targets["resolution"]
    for kind in ("first_response", "visit_booking"):
        target = targets.get(kind)
        if target is not None and target.duration > resolution.duration:
            raise fail(f"{kind} ({entry[kind]}) must not be longer than resolution ({entry['resolution']})", *where, kind)
    return Policy(priority, (category,), targets["first_response"], resolution, targets.get("visit_booking"))
