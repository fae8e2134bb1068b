"""SLA arithmetic: business calendars, compute-on-read clocks and per-category policies.

Pure functions and value objects; no database and no I/O except reading a policy file.
"""

from .calendar import KST, OFFICE_HOURS, BusinessCalendar
from .clock import WARNING_FRACTION, ClockState, ClockStatus, SlaClock
from .policies import (
    CALENDAR_NAMES,
    CATEGORY_CODES,
    PRIORITIES,
    Policies,
    Policy,
    PolicyError,
    Target,
    default_calendars,
    load_policies,
    parse_duration,
    parse_policies,
)

__all__ = [
    "CALENDAR_NAMES",
    "CATEGORY_CODES",
    "KST",
    "OFFICE_HOURS",
    "PRIORITIES",
    "WARNING_FRACTION",
    "BusinessCalendar",
    "ClockState",
    "ClockStatus",
    "Policies",
    "Policy",
    "PolicyError",
    "SlaClock",
    "Target",
    "default_calendars",
    "load_policies",
    "parse_duration",
    "parse_policies",
]
