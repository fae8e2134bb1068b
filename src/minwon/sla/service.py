"""SLA of a case, computed on read from its event log (never from mutable counters)."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minwon.sla.clock import ClockState, SlaClock
from minwon.sla.policies import Policies, default_calendars, load_policies

# Events by which staff answered the customer: they stop the first-response clock.
FIRST_RESPONSE_KINDS = frozenset(
    {"reply", "state_changed", "resolved", "inspection", "visit_booked", "transferred", "customer_contacted"}
)


@lru_cache(maxsize=1)
def policies() -> Policies:
    return load_policies()


def _pauses(events: list[Any]) -> list[tuple[datetime, datetime | None]]:
    """Intervals spent in 고객응답대기 (waiting_customer): the clocks stop there."""
    pauses: list[tuple[datetime, datetime | None]] = []
    started: datetime | None = None
    for event in events:
        if event.state_after is None:
            continue
        if event.state_after == "waiting_customer" and started is None:
            started = event.at
        elif event.state_after != "waiting_customer" and started is not None:
            pauses.append((started, event.at))
            started = None
    if started is not None:
        pauses.append((started, None))
    return pauses


def clocks(case: Any, events: list[Any], now: datetime) -> dict[str, ClockState]:
    policy = policies().for_case(case.categories or ["*"], case.priority, opened_at=case.created_at)
    calendars = default_calendars()
    pauses = _pauses(events)
    first_answer = next((e.at for e in events if e.kind in FIRST_RESPONSE_KINDS and e.actor_id is not None), None)
    resolved = next((e.at for e in reversed(events) if e.kind == "resolved"), None)
    booked = next((e.at for e in events if e.kind == "visit_booked"), None)
    stops = {
        "first_response": first_answer,
        "resolution": resolved if case.state in ("resolved", "closed") else None,
        "visit_booking": booked,
    }
    result = {}
    for kind, target in policy.targets().items():
        result[kind] = SlaClock.compute(
            calendars[target.calendar], case.created_at, target.duration, pauses, now, stopped_at=stops.get(kind)
        )
    return result


def case_deadlines(session: Session, case: Any, now: datetime) -> dict[str, Any]:
    from minwon.cases.models import CaseEvent

    events = list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)))
    return {kind: describe(state) for kind, state in clocks(case, events, now).items()}


def describe(state: ClockState) -> dict[str, Any]:
    remaining = None if state.paused else int(state.remaining // timedelta(minutes=1))
    return {"due_at": state.deadline, "status": state.status, "remaining_minutes": remaining}
