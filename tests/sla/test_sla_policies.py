"""Policy files: the shipped defaults, strictest-deadline selection and every kind of bad file."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from minwon.sla import (
    CATEGORY_CODES,
    KST,
    PRIORITIES,
    Policies,
    PolicyError,
    load_policies,
    parse_duration,
    parse_policies,
)

H = timedelta(hours=1)
FALLBACK_TOML = "\n".join(
    f'[policy."*".{priority}]\nfirst_response = "{n}h"\nresolution = "{8 * n}h"\ncalendar = "business"\n'
    for n, priority in zip((8, 4, 2, 1), PRIORITIES, strict=True)
)


def parse(extra: str) -> Policies:
    return parse_policies(FALLBACK_TOML + "\n" + extra, "test.toml")


# -- the shipped file --------------------------------------------------------------------------


def test_category_codes_match_the_analysis_engine() -> None:
    from minwon.text.analysis import CATEGORY_CODES as ANALYSIS_CODES

    assert tuple(ANALYSIS_CODES) == CATEGORY_CODES
    assert len(CATEGORY_CODES) == 16


def test_default_policies_load_and_cover_everything() -> None:
    policies = load_policies()
    for priority in PRIORITIES:
        for code in (*CATEGORY_CODES, "*"):
            policy = policies.get(code, priority)
            assert policy.first_response.duration <= policy.resolution.duration
            assert policy.first_response.calendar in ("business", "24/7")


def test_default_outages_run_24_7_and_urgent_is_answered_within_an_hour() -> None:
    policies = load_policies()
    urgent = policies.get("outage", "urgent")
    assert urgent.first_response.duration == H and urgent.first_response.calendar == "24/7"
    assert all(policies.get("outage", priority).resolution.calendar == "24/7" for priority in PRIORITIES)


def test_default_repair_visits_have_a_booking_deadline() -> None:
    policies = load_policies()
    for priority in PRIORITIES:
        booking = policies.get("repair_visit", priority).visit_booking
        assert booking is not None and booking.source == f"policy.repair_visit.{priority}.visit_booking"


def test_default_priorities_are_ordered() -> None:
    policies = load_policies()
    for code in (*CATEGORY_CODES, "*"):
        chain = [policies.get(code, priority) for priority in PRIORITIES]  # low … urgent
        for slower, faster in zip(chain, chain[1:], strict=False):
            for kind in ("first_response", "resolution"):
                a, b = getattr(slower, kind), getattr(faster, kind)
                if a.calendar == b.calendar:
                    assert b.duration <= a.duration, f"{code} {kind}: {faster.priority} slower than {slower.priority}"


def test_load_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(FALLBACK_TOML, encoding="utf-8")
    policies = load_policies(path)
    assert policies.source == str(path)
    assert policies.for_case(["billing"], "normal").resolution.duration == 32 * H


# -- choosing the strictest ----------------------------------------------------------------------


def test_for_case_takes_the_shortest_deadline_of_each_kind() -> None:
    policies = load_policies()
    case = policies.for_case(["repair_visit", "runaround"], "normal")
    assert case.first_response.source == "policy.runaround.normal.first_response"
    assert case.resolution.source == "policy.runaround.normal.resolution"
    assert case.visit_booking is not None and case.visit_booking.source == "policy.repair_visit.normal.visit_booking"
    assert case.categories == ("repair_visit", "runaround")


def test_for_case_falls_back_to_star() -> None:
    policies = load_policies()
    assert policies.for_case(["billing"], "high").resolution.source == 'policy."*".high.resolution'
    assert policies.for_case([], "low").first_response.source == 'policy."*".low.first_response'
    star = policies.for_case(["*"], "low")
    assert star.categories == ("*",) and star.targets() == policies.for_case([], "low").targets()
    assert (
        policies.for_case(["*", "outage"], "low").first_response.source == "policy.outage.low.first_response"
    )  # 8h tie: 24/7 wins
    assert policies.for_case(["billing"], "normal").visit_booking is None
    mixed = policies.for_case(["compensation", "billing"], "normal")  # compensation is slower than "*"
    assert mixed.resolution.source == 'policy."*".normal.resolution'


def test_for_case_prefers_24_7_on_a_tie_and_outages_win_over_business() -> None:
    case = load_policies().for_case(["billing", "outage"], "urgent")
    assert case.first_response.calendar == "24/7" and case.first_response.duration == H
    assert case.resolution.source == "policy.outage.urgent.resolution"


def test_for_case_can_compare_calendars_from_the_opening_instant() -> None:
    policies = parse('[policy.outage.normal]\nfirst_response = "1h"\nresolution = "1d"\ncalendar = "24/7"\n')
    # "*" normal: resolution 32h business; outage normal: 24h on the 24/7 calendar.
    assert policies.for_case(["outage", "billing"], "normal").resolution.calendar == "24/7"  # 24h < 32h
    policies = parse('[policy.outage.normal]\nfirst_response = "1h"\nresolution = "2d"\ncalendar = "24/7"\n')
    assert policies.for_case(["outage", "billing"], "normal").resolution.calendar == "business"  # 32h < 48h
    friday = datetime(2026, 3, 6, 17, tzinfo=KST)  # 32 business hours → Thu 12 Mar; 48h → Sun 8 Mar
    monday = datetime(2026, 3, 9, 9, tzinfo=KST)  # 32 business hours → Thu 12 Mar 18:00; 48h → Wed 11 Mar 09:00
    assert policies.for_case(["outage", "billing"], "normal", opened_at=friday).resolution.calendar == "24/7"
    assert policies.for_case(["outage", "billing"], "normal", opened_at=monday).resolution.calendar == "24/7"
    early = parse('[policy.outage.normal]\nfirst_response = "1h"\nresolution = "4d"\ncalendar = "24/7"\n')
    # 96h 24/7 from Monday 09:00 is Friday 09:00, later than Thursday 18:00.
    assert early.for_case(["outage", "billing"], "normal", opened_at=monday).resolution.calendar == "business"
    assert early.for_case(["outage", "billing"], "normal").resolution.calendar == "business"


def test_target_deadline() -> None:
    target = load_policies().get("outage", "urgent").resolution
    assert target.deadline(datetime(2026, 9, 24, 22, tzinfo=KST)) == datetime(2026, 9, 25, 2, tzinfo=KST)


def test_for_case_rejects_unknown_names() -> None:
    policies = load_policies()
    with pytest.raises(PolicyError, match="unknown category 'wifi'"):
        policies.for_case(["billing", "wifi"], "normal")
    with pytest.raises(PolicyError, match="unknown priority 'medium'"):
        policies.for_case(["billing"], "medium")
    with pytest.raises(PolicyError, match="unknown category"):
        policies.get("wifi", "normal")


# -- durations -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90m", timedelta(minutes=90)), ("4h", 4 * H), ("2d", timedelta(days=2)), ("1h30m", timedelta(minutes=90)),
     ("1d12h", timedelta(hours=36)), ("0h30m", timedelta(minutes=30)), ("240h", 240 * H)],
)  # fmt: skip
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "4",
        "h",
        "4H",
        "4 h",
        " 4h",
        "4h ",
        "4.5h",
        "-4h",
        "+4h",
        "4hours",
        "4s",
        "30m1h",
        "1h1h",
        "0h",
        "0m",
        "４h",
        "2w",
        "1h 30m",
    ],
)
def test_parse_duration_is_strict(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


# -- bad files -------------------------------------------------------------------------------------

ENTRY = 'first_response = "1h"\nresolution = "8h"\ncalendar = "business"\n'


@pytest.mark.parametrize(
    ("text", "where"),
    [
        pytest.param(FALLBACK_TOML + "\n[policy.billing.normal\n", "line 21", id="toml-syntax"),
        pytest.param(
            FALLBACK_TOML + '\n[policy.billing.normal]\nresolution = "8h"\nresolution = "9h"\n', "line", id="duplicate-key"
        ),
        pytest.param(FALLBACK_TOML + "\n[defaults]\nx = 1\n", "test.toml: defaults: unknown key", id="unknown-top-level-key"),
        pytest.param(
            FALLBACK_TOML + f"\n[policy.wifi.normal]\n{ENTRY}", "test.toml: policy.wifi: unknown category", id="unknown-category"
        ),
        pytest.param(
            FALLBACK_TOML + f"\n[policy.billing.medium]\n{ENTRY}",
            "policy.billing.medium: unknown priority",
            id="unknown-priority",
        ),
        pytest.param(
            FALLBACK_TOML + f'\n[policy.billing.normal]\n{ENTRY}escalate_to = "boss"\n',
            "policy.billing.normal.escalate_to: unknown key",
            id="unknown-entry-key",
        ),
        pytest.param(
            FALLBACK_TOML + '\n[policy.billing.normal]\nfirst_response = "1h"\nresolution = "8x"\ncalendar = "business"\n',
            "policy.billing.normal.resolution: cannot parse duration '8x'",
            id="bad-duration",
        ),
        pytest.param(
            FALLBACK_TOML + '\n[policy.billing.normal]\nfirst_response = 60\nresolution = "8h"\ncalendar = "business"\n',
            "policy.billing.normal.first_response: a duration must be a string",
            id="duration-not-a-string",
        ),
        pytest.param(
            FALLBACK_TOML + '\n[policy.billing.normal]\nfirst_response = "1h"\nresolution = "2d"\ncalendar = "business"\n',
            "policy.billing.normal.resolution: '2d': the 'd' unit",
            id="days-on-business-calendar",
        ),
        pytest.param(
            FALLBACK_TOML + '\n[policy.billing.normal]\nfirst_response = "1h"\nresolution = "8h"\ncalendar = "weekdays"\n',
            "policy.billing.normal.calendar: unknown calendar 'weekdays'",
            id="unknown-calendar",
        ),
        pytest.param(
            FALLBACK_TOML + '\n[policy.billing.normal]\nfirst_response = "1h"\ncalendar = "business"\n',
            "policy.billing.normal: missing key 'resolution'",
            id="missing-key",
        ),
        pytest.param(
            FALLBACK_TOML + '\n[policy.billing.normal]\nfirst_response = "9h"\nresolution = "8h"\ncalendar = "business"\n',
            "policy.billing.normal.first_response: first_response (9h) must not be longer",
            id="first-response-after-resolution",
        ),
        pytest.param(
            FALLBACK_TOML
            + '\n[policy.billing.normal]\nfirst_response = "1h"\nvisit_booking = "9h"\nresolution = "8h"\ncalendar = "business"\n',
            "policy.billing.normal.visit_booking",
            id="visit-after-resolution",
        ),
        pytest.param(FALLBACK_TOML + "\n[policy]\nbilling = 3\n", "policy.billing: must be a table", id="category-not-a-table"),
        pytest.param(
            FALLBACK_TOML + "\n[policy.billing]\nnormal = 3\n", "policy.billing.normal: must be a table", id="entry-not-a-table"
        ),
        pytest.param(
            FALLBACK_TOML.replace('[policy."*".urgent]', "[policy.device.urgent]"),
            'policy."*": missing priorities urgent',
            id="fallback-incomplete",
        ),
        pytest.param("", "policy: missing table [policy]", id="empty-file"),
        pytest.param("policy = 3\n", "policy: must be a table", id="policy-not-a-table"),
    ],
)
def test_bad_files_name_the_place(text: str, where: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policies(text, "test.toml")
    assert where in str(caught.value)
    assert str(caught.value).startswith("test.toml: ")


def test_bad_toml_reports_line_and_column() -> None:
    with pytest.raises(PolicyError, match=r"test\.toml: not valid TOML: .*line 2, column"):
        parse_policies('[policy."*".low]\nfirst_response = \n', "test.toml")


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(PolicyError, match="nope.toml: cannot read"):
        load_policies(missing)


def test_policy_error_is_a_value_error() -> None:
    assert issubclass(PolicyError, ValueError)
