"""Hand-computed deadlines in golden.json against BusinessCalendar.add and SlaClock.compute."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from minwon.sla import SlaClock, default_calendars, parse_duration

GOLDEN = json.loads((Path(__file__).with_name("golden.json")).read_text(encoding="utf-8"))["cases"]


def _when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def test_the_golden_file_is_big_enough_and_explained() -> None:
    assert len(GOLDEN) >= 30
    assert len({case["id"] for case in GOLDEN}) == len(GOLDEN)
    for case in GOLDEN:
        assert case["why"].strip(), case["id"]
        assert case["calendar"] in ("business", "24/7")


@pytest.mark.parametrize("case", GOLDEN, ids=[case["id"] for case in GOLDEN])
def test_golden_case(case: dict[str, Any]) -> None:
    calendar = default_calendars()[case["calendar"]]
    start = datetime.fromisoformat(case["start"])
    duration = parse_duration(case["duration"])
    expected = _when(case["expected_deadline"])
    if "now" not in case:
        assert expected is not None
        got = calendar.add(start, duration)
        assert got == expected, case["why"]
        assert got.utcoffset() == expected.utcoffset(), "the result keeps the zone of the input"
        assert calendar.elapsed(start, got) == duration
        return
    state = SlaClock.compute(
        calendar,
        start,
        duration,
        [(datetime.fromisoformat(begin), _when(end)) for begin, end in case["pauses"]],
        datetime.fromisoformat(case["now"]),
        stopped_at=_when(case.get("stopped_at")),
    )
    assert state.deadline == expected, case["why"]
    assert state.status == case["expected_status"], case["why"]
    assert state.elapsed == parse_duration(case["expected_elapsed"]), case["why"]
    assert state.remaining == duration - state.elapsed
    assert state.paused == (state.status == "paused" or case["id"] == "clock-breached-then-paused")
