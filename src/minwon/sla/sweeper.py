"""Breach detection: the timer-driven sweep over every open case's SLA clocks.

For each running clock (first response, resolution, visit booking) of an open case:

* at 80 % of its business time: an internal ``sla_warning`` event;
* past its deadline: ``sla_breached`` (visible to the customer: the promise was broken
  and a supervisor now owns the follow-up) and an escalation to the supervisor;
* still unmet ``second_level_after`` (default one business day, 8 h of office time)
  after the deadline: ``sla_second_level``, a regulator-ready record — the case summary,
  its whole timeline and all its clocks, frozen as they stood — and a second escalation.

Each (clock, level) is written once per case: the sweep reads back what it wrote on the
timeline, after taking the case's row lock, so concurrent or repeated sweeps add nothing.
Clocks stopped by the work itself (answered, booked, resolved) are not chased: the
deadlines shown on the case tell whether that happened in time.

The SLA arithmetic stays in ``minwon.sla.service.clocks``; this module only decides which
facts to record, from the clocks it is given, as of the ``now`` it is given.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from minwon.accounts.models import Team, User
from minwon.cases.models import Case, CaseEvent
from minwon.cases.service import OPEN_STATES, add_event, escalate
from minwon.db import utcnow
from minwon.sla.calendar import KST
from minwon.sla.clock import ClockState
from minwon.sla.policies import default_calendars
from minwon.sla.service import clocks, policies

SECOND_LEVEL_AFTER = timedelta(hours=8)  # one business day of office time
LEVELS = ("warning", "breached", "second_level")
EVENT_KINDS = {"warning": "sla_warning", "breached": "sla_breached", "second_level": "sla_second_level"}
CLOCK_NAMES_KO = {"first_response": "첫 답변", "resolution": "해결", "visit_booking": "방문 예약"}
_BATCH = 500
# SQLite reads outside a transaction before its first write; within one process this
# keeps two sweeps (scheduler thread and a manual run) from interleaving there.
_local_sweep = threading.Lock()


@dataclass(frozen=True)
class Escalation:
    """One fact the sweep recorded."""

    case_id: int
    case_number: str
    clock: str
    level: str  # warning | breached | second_level
    event_id: int
    due_at: datetime | None


def _kst(at: datetime | None) -> str:
    return at.astimezone(KST).strftime("%Y-%m-%d %H:%M") if at else "-"


def _recorded(events: list[Any]) -> set[tuple[str, str]]:
    kinds = {kind: level for level, kind in EVENT_KINDS.items()}
    return {(str(e.data.get("clock")), kinds[e.kind]) for e in events if e.kind in kinds}


def _second_level_due(state: ClockState, after: timedelta) -> datetime | None:
    # The supervisor's working day decides the second level, whatever the clock's calendar.
    return default_calendars()["business"].add(state.deadline, after) if state.deadline else None


def due_levels(case: Any, events: list[Any], now: datetime, second_level_after: timedelta = SECOND_LEVEL_AFTER) -> list[tuple[str, str, ClockState]]:
    """(clock, level, state) facts that hold at *now* and are not yet on the timeline."""
    done = _recorded(events)
    targets = policies().for_case(case.categories or ["*"], case.priority, opened_at=case.created_at).targets()
    if all((kind, "second_level") in done for kind in targets):
        return []  # everything there is to record is recorded: spare the clock arithmetic
    wanted: list[tuple[str, str, ClockState]] = []
    for kind, state in clocks(case, events, now).items():
        if state.stopped_at is not None:
            continue
        levels: list[str] = []
        if state.status == "breached":
            levels.append("breached")
            second = _second_level_due(state, second_level_after)
            if second is not None and now >= second:
                levels.append("second_level")
        elif state.status == "warning":
            levels.append("warning")
        wanted.extend((kind, level, state) for level in levels if (kind, level) not in done)
    return wanted


def _events(session: Session, case_ids: list[int]) -> dict[int, list[CaseEvent]]:
    by_case: dict[int, list[CaseEvent]] = {case_id: [] for case_id in case_ids}
    for event in session.scalars(select(CaseEvent).where(CaseEvent.case_id.in_(case_ids)).order_by(CaseEvent.id)):
        by_case[event.case_id].append(event)
    return by_case


def _lock(session: Session, case: Case) -> None:
    """Take the case's row for this transaction: a no-op write locks the row on PostgreSQL
    and takes the write lock on SQLite, so what is read next is what a rival committed."""
    session.execute(
        update(Case).where(Case.id == case.id).values(escalation_level=Case.escalation_level).execution_options(synchronize_session=False)
    )
    session.refresh(case)


def _iso_kst(at: datetime | None) -> str | None:
    # The record is read by people and regulators in Korea: Seoul time, offset included.
    return at.astimezone(KST).isoformat() if at else None


def _clock_record(state: ClockState) -> dict[str, Any]:
    return {
        "due_at": _iso_kst(state.deadline),
        "status": state.status,
        "elapsed_minutes": int(state.elapsed // timedelta(minutes=1)),
        "remaining_minutes": int(state.remaining // timedelta(minutes=1)),
        "fraction": round(state.fraction, 4),
        "paused": state.paused,
        "stopped_at": _iso_kst(state.stopped_at),
    }


def regulator_record(session: Session, case: Case, events: list[CaseEvent], now: datetime) -> dict[str, Any]:
    """The case as it stood at *now*: summary, full timeline, every clock."""
    team = session.get(Team, case.team_id) if case.team_id else None
    owner = session.get(User, case.owner_id) if case.owner_id else None
    actors = {u.id: u.display_name for u in session.scalars(select(User).where(User.id.in_({e.actor_id for e in events if e.actor_id})))}
    return {
        "frozen_at": _iso_kst(now),
        "case": {
            "number": case.number,
            "title": case.title,
            "categories": list(case.categories),
            "products": list(case.products),
            "region": case.region,
            "priority": case.priority,
            "state": case.state,
            "team": team.display_name if team else None,
            "owner": owner.display_name if owner else None,
            "created_at": _iso_kst(case.created_at),
            "repeat_count": case.repeat_count,
            "transfer_count": case.transfer_count,
            "escalation_level": case.escalation_level,
        },
        "timeline": [
            {
                "at": _iso_kst(e.at),
                "kind": e.kind,
                "state_after": e.state_after,
                "actor": actors.get(e.actor_id) if e.actor_id else None,
                "note": e.note,
                # An earlier record of another clock is referred to, not nested.
                "data": {"clock": e.data.get("clock")} if e.kind == EVENT_KINDS["second_level"] else e.data,
                "visible_to_customer": e.visible_to_customer,
            }
            for e in events
        ],
        "clocks": {kind: _clock_record(state) for kind, state in clocks(case, events, now).items()},
    }


def _write(session: Session, case: Case, clock: str, level: str, state: ClockState, now: datetime, after: timedelta) -> CaseEvent:
    name = CLOCK_NAMES_KO.get(clock, clock)
    data: dict[str, Any] = {"clock": clock, "due_at": state.deadline.isoformat() if state.deadline else None}
    if level == "warning":
        return add_event(
            session, case, EVENT_KINDS["warning"], None,
            note=f"{name} 기한({_kst(state.deadline)})의 {int(state.fraction * 100)}%가 지났습니다. 기한 안에 처리해 주세요.",
            data={**data, "fraction": round(state.fraction, 4)}, visible_to_customer=False, at=now,
        )
    if level == "breached":
        event = add_event(
            session, case, EVENT_KINDS["breached"], None,
            note=f"{name} 기한({_kst(state.deadline)})을 지키지 못했습니다. 관리자에게 보고되어 관리자가 직접 챙깁니다.",
            data={**data, "overdue_minutes": max(0, -int(state.remaining // timedelta(minutes=1)))}, at=now,
        )
        escalate(session, case, None, f"SLA 위반: {name} 기한({_kst(state.deadline)}) 초과", at=now)
        return event
    second = _second_level_due(state, after)
    event = add_event(
        session, case, EVENT_KINDS["second_level"], None,
        note=f"{name} 기한 초과 후 {_kst(second)}까지도 처리되지 않아 2차 에스컬레이션합니다. 규제기관 제출용 기록을 남깁니다.",
        data={**data, "second_level_due_at": second.isoformat() if second else None, "record": regulator_record(session, case, _events(session, [case.id])[case.id], now)},
        visible_to_customer=False, at=now,
    )
    escalate(session, case, None, f"SLA 2차 에스컬레이션: {name} 기한 초과 후 {_kst(second)}까지 미처리", at=now)
    return event


def sweep(
    session: Session, now: datetime, second_level_after: timedelta = SECOND_LEVEL_AFTER, *, commit_each: bool = False
) -> list[Escalation]:
    """Record every SLA warning, breach and second-level escalation due at *now*.

    Runs in the caller's transaction and the caller commits, unless *commit_each*: then
    every case's escalations are committed on their own, so that a sweep over thousands of
    overdue cases never holds the database's write lock for longer than one case (on SQLite
    a long sweep transaction made complaint intake wait past its busy timeout). Idempotent.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    recorded: list[Escalation] = []
    with _local_sweep:
        last_id = 0
        while True:
            batch = list(
                session.scalars(
                    select(Case).where(Case.state.in_(OPEN_STATES), Case.id > last_id, Case.created_at <= now).order_by(Case.id).limit(_BATCH)
                )
            )
            if not batch:
                break
            last_id = batch[-1].id
            events = _events(session, [c.id for c in batch])
            for case in batch:
                if not due_levels(case, events[case.id], now, second_level_after):
                    continue
                _lock(session, case)
                if case.state not in OPEN_STATES:
                    continue
                fresh = _events(session, [case.id])[case.id]
                for clock, level, state in due_levels(case, fresh, now, second_level_after):
                    event = _write(session, case, clock, level, state, now, second_level_after)
                    recorded.append(Escalation(case.id, case.number, clock, level, event.id, state.deadline))
                if commit_each:
                    session.commit()
    return recorded


def run_sweep(
    sessions: sessionmaker[Session], now: datetime | None = None, second_level_after: timedelta = SECOND_LEVEL_AFTER
) -> list[Escalation]:
    """One sweep, one short transaction per escalated case (what the timers call)."""
    with sessions() as session:
        recorded = sweep(session, now or utcnow(), second_level_after, commit_each=True)
        session.commit()
        return recorded
