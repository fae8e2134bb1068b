"""The SLA sweep on real SQLite and PostgreSQL databases, at fixed instants (KST)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.conftest import POSTGRES_URL, _postgres_available

from minwon.accounts.models import User
from minwon.accounts.service import ensure_team
from minwon.cases.models import Case, CaseEvent
from minwon.cases.service import ComplaintInput, add_event, open_complaint
from minwon.db import make_engine, migrate, session_factory
from minwon.demo import TEAMS
from minwon.sla.calendar import KST
from minwon.sla.service import clocks
from minwon.sla.sweeper import run_sweep, sweep


@contextmanager
def fresh_database(kind: str, tmp_path: Path) -> Iterator[tuple[str, sessionmaker[Session]]]:
    """A new, migrated database with the demo teams, one agent in each and no case: nothing
    else sweeps it. (The agents cannot log in: hashing passwords would only slow this down.)"""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / f'sweep-{uuid.uuid4().hex[:8]}.db'}"
        admin_url = None
    else:
        reason = _postgres_available()
        if reason:
            pytest.skip(reason)
        import psycopg

        name = f"minwon_sweep_{uuid.uuid4().hex[:10]}"
        admin_url = POSTGRES_URL.replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        url = POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    engine = make_engine(url)
    try:
        migrate(engine)
        sessions = session_factory(engine)
        with sessions() as session, session.begin():
            for team_name, display in TEAMS.items():
                team = ensure_team(session, team_name, display)
                session.add(User(username=f"agent_{team_name}", password_hash="-", role="agent", display_name=f"{display} 상담원", team_id=team.id, skills=["*"]))
        yield url, sessions
    finally:
        engine.dispose()
        if admin_url is not None:
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    with fresh_database(request.param, tmp_path) as (_url, sessions):
        yield sessions


AGENT = "agent_general"


def kst(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=KST)  # type: ignore[misc]


def file_case(sessions: sessionmaker[Session], at: datetime, text: str = "요금이 두 번 청구되었습니다. 확인 부탁드립니다.") -> int:
    """A billing case of normal priority: first response 4 h, resolution 24 h of office time."""
    with sessions() as session, session.begin():
        agent = session.scalars(select(User).where(User.username == AGENT)).one()
        case = open_complaint(session, ComplaintInput(text=text, channel="agent", submitted_by=agent), now=at).case
        case.categories = ["billing"]
        case.priority = "normal"
        return case.id


def events_of(sessions: sessionmaker[Session], case_id: int) -> list[CaseEvent]:
    with sessions() as session:
        return list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)))


def swept(sessions: sessionmaker[Session], now: datetime) -> list[tuple[str, str]]:
    return [(e.clock, e.level) for e in run_sweep(sessions, now)]


def test_friday_17h_case_warns_breaches_monday_noon_and_goes_to_second_level_a_business_day_later(db: sessionmaker[Session]) -> None:
    case_id = file_case(db, kst(2026, 11, 20, 17, 0))
    with db() as session:
        case = session.get_one(Case, case_id)
        deadlines = clocks(case, events_of(db, case_id), kst(2026, 11, 20, 17, 0))
    assert deadlines["first_response"].deadline == kst(2026, 11, 23, 12, 0)
    assert deadlines["resolution"].deadline == kst(2026, 11, 25, 17, 0)

    assert swept(db, kst(2026, 11, 22, 23, 0)) == []  # the weekend counts for nothing
    assert swept(db, kst(2026, 11, 23, 11, 11)) == []  # 3 h 11 min of 4 h: under 80 %
    assert swept(db, kst(2026, 11, 23, 11, 12)) == [("first_response", "warning")]
    assert swept(db, kst(2026, 11, 23, 11, 12)) == []  # idempotent
    assert swept(db, kst(2026, 11, 23, 12, 0)) == []  # due at 12:00, not yet late
    assert swept(db, kst(2026, 11, 23, 12, 1)) == [("first_response", "breached")]
    assert swept(db, kst(2026, 11, 23, 12, 1)) == []
    assert swept(db, kst(2026, 11, 23, 17, 0)) == []

    with db() as session:
        assert session.get_one(Case, case_id).escalation_level == 1
    kinds = [e.kind for e in events_of(db, case_id)]
    assert kinds[-3:] == ["sla_warning", "sla_breached", "escalated"]
    breach = next(e for e in events_of(db, case_id) if e.kind == "sla_breached")
    assert breach.data["clock"] == "first_response" and breach.visible_to_customer
    assert "첫 답변" in breach.note and "관리자" in breach.note
    escalated = next(e for e in events_of(db, case_id) if e.kind == "escalated")
    assert escalated.data == {"level": 1, "to": "supervisor"} and escalated.id == breach.id + 1
    warning = next(e for e in events_of(db, case_id) if e.kind == "sla_warning")
    assert not warning.visible_to_customer and warning.at == kst(2026, 11, 23, 11, 12)

    # One business day after the deadline (Mon 13:00–18:00 + Tue 09:00–12:00) comes the second level.
    assert swept(db, kst(2026, 11, 24, 11, 59)) == []
    assert swept(db, kst(2026, 11, 24, 12, 0)) == [("first_response", "second_level")]
    assert swept(db, kst(2026, 11, 24, 12, 0)) == []
    second = next(e for e in events_of(db, case_id) if e.kind == "sla_second_level")
    record = second.data["record"]
    assert record["frozen_at"] == kst(2026, 11, 24, 12, 0).isoformat()
    assert record["case"]["title"] and record["case"]["categories"] == ["billing"]
    assert [t["kind"] for t in record["timeline"]][:2] == ["received", "assigned"]
    assert {"sla_warning", "sla_breached", "escalated"} <= {t["kind"] for t in record["timeline"]}
    assert record["clocks"]["first_response"]["status"] == "breached"
    assert record["clocks"]["first_response"]["due_at"] == kst(2026, 11, 23, 12, 0).isoformat()
    with db() as session:
        assert session.get_one(Case, case_id).escalation_level == 2

    # The resolution clock (24 h of office time) has its own warning and breach.
    assert swept(db, kst(2026, 11, 25, 11, 12)) == [("resolution", "warning")]
    assert swept(db, kst(2026, 11, 25, 17, 1)) == [("resolution", "breached")]
    counts: dict[tuple[str, str], int] = {}
    for event in events_of(db, case_id):
        if event.kind.startswith("sla_"):
            key = (event.kind, event.data["clock"])
            counts[key] = counts.get(key, 0) + 1
    assert counts == {
        ("sla_warning", "first_response"): 1,
        ("sla_breached", "first_response"): 1,
        ("sla_second_level", "first_response"): 1,
        ("sla_warning", "resolution"): 1,
        ("sla_breached", "resolution"): 1,
    }


def test_a_late_first_sweep_records_the_breach_and_the_second_level_at_once(db: sessionmaker[Session]) -> None:
    case_id = file_case(db, kst(2026, 11, 20, 17, 0))
    found = swept(db, kst(2026, 11, 24, 12, 30))
    assert found == [("first_response", "breached"), ("first_response", "second_level")]
    kinds = [e.kind for e in events_of(db, case_id)]
    assert "sla_warning" not in kinds  # a warning after the breach would say nothing
    assert kinds.count("escalated") == 2
    record = next(e for e in events_of(db, case_id) if e.kind == "sla_second_level").data["record"]
    assert [t["kind"] for t in record["timeline"]][-2:] == ["sla_breached", "escalated"]


def test_substitute_holiday_does_not_count(db: sessionmaker[Session]) -> None:
    # 2026-03-02 is the substitute holiday for 삼일절 (Sunday 1 March).
    case_id = file_case(db, kst(2026, 2, 27, 17, 0))
    assert swept(db, kst(2026, 3, 2, 18, 0)) == []
    assert swept(db, kst(2026, 3, 3, 11, 12)) == [("first_response", "warning")]
    assert swept(db, kst(2026, 3, 3, 12, 1)) == [("first_response", "breached")]
    assert [e.kind for e in events_of(db, case_id)][-3:] == ["sla_warning", "sla_breached", "escalated"]


def test_an_answered_or_closed_case_is_not_chased(db: sessionmaker[Session]) -> None:
    answered = file_case(db, kst(2026, 11, 20, 17, 0))
    resolved = file_case(db, kst(2026, 11, 20, 17, 0), "인터넷 요금제 변경이 반영되지 않았습니다.")
    with db() as session, session.begin():
        agent = session.scalars(select(User).where(User.username == AGENT)).one()
        add_event(session, session.get_one(Case, answered), "state_changed", agent, state_after="in_progress", at=kst(2026, 11, 23, 10, 0))
        add_event(session, session.get_one(Case, resolved), "resolved", agent, note="환불 처리", state_after="resolved", at=kst(2026, 11, 23, 10, 0))
    escalations = run_sweep(db, kst(2026, 11, 23, 12, 1))
    assert [(e.case_id, e.clock) for e in escalations] == []
    # The resolution clock of the answered case still runs, and is still watched.
    assert [(e.case_id, e.clock, e.level) for e in run_sweep(db, kst(2026, 11, 25, 11, 12))] == [(answered, "resolution", "warning")]


def test_waiting_for_the_customer_pauses_the_clock(db: sessionmaker[Session]) -> None:
    case_id = file_case(db, kst(2026, 11, 20, 17, 0))
    with db() as session, session.begin():
        agent = session.scalars(select(User).where(User.username == AGENT)).one()
        case = session.get_one(Case, case_id)
        add_event(session, case, "state_changed", agent, state_after="waiting_customer", at=kst(2026, 11, 23, 9, 0))
    # 1 h of 24 h used; the customer does not answer for a week: no resolution warning.
    assert run_sweep(db, kst(2026, 11, 30, 9, 0)) == []
    with db() as session, session.begin():
        customer_reply = session.get_one(Case, case_id)
        add_event(session, customer_reply, "customer_replied", None, state_after="in_progress", at=kst(2026, 11, 30, 9, 0))
    # 1 h + 18.2 h more = 80 %: Monday 09:00 + 2 days 2 h 12 min of office time.
    assert swept(db, kst(2026, 12, 2, 11, 11)) == []
    assert swept(db, kst(2026, 12, 2, 11, 12)) == [("resolution", "warning")]


def test_sweep_needs_an_aware_now_and_runs_in_the_callers_transaction(db: sessionmaker[Session]) -> None:
    case_id = file_case(db, kst(2026, 11, 20, 17, 0))
    with db() as session:
        with pytest.raises(ValueError):
            sweep(session, datetime(2026, 11, 23, 12, 1))
        assert len(sweep(session, kst(2026, 11, 23, 12, 1))) == 1
        session.rollback()  # nothing is kept unless the caller commits
    assert "sla_breached" not in [e.kind for e in events_of(db, case_id)]
    assert swept(db, kst(2026, 11, 23, 12, 1)) == [("first_response", "breached")]
