"""Cases: intake, one accountable owner, repeat contacts, transfers, the timeline.

Every change is a CaseEvent written in the same transaction as the change itself; the
state column is a cache of what the timeline implies (`derive_state`).
"""

from __future__ import annotations

import hashlib
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from minwon.accounts.models import Team, User
from minwon.cases.models import CHANNELS, PRIORITIES, Case, CaseEvent, Contact, IdempotencyRecord
from minwon.db import utcnow
from minwon.text.analysis import Analysis, analyze
from minwon.text.morph import search_tokens
from minwon.text.pii import find_pii, mask
from minwon.webhooks.service import enqueue_for_event

ROUTING_PATH = Path(__file__).parent / "routing.toml"
REPEAT_WINDOW = timedelta(days=30)
ESCALATE_AT_TRANSFER = 3
ESCALATE_AT_CONTACT = 3
OPEN_STATES = ("received", "assigned", "in_progress", "waiting_customer", "visit_scheduled")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "received": ("assigned", "in_progress"),
    "assigned": ("in_progress", "waiting_customer", "visit_scheduled", "resolved"),
    "in_progress": ("waiting_customer", "visit_scheduled", "resolved"),
    "waiting_customer": ("in_progress", "visit_scheduled", "resolved"),
    "visit_scheduled": ("in_progress", "waiting_customer", "resolved"),
    "resolved": ("closed", "in_progress"),
    "closed": ("in_progress",),
}


class CaseError(ValueError):
    """A request the case rules do not allow; `code` is machine-readable, the message Korean."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ComplaintInput:
    text: str
    channel: str
    submitted_by: User
    customer_id: int | None = None
    product: str | None = None
    region: str | None = None
    idempotency_key: str | None = None


@dataclass
class IntakeResult:
    case: Case
    created: bool
    linked: bool = False
    replayed: bool = False
    rrn_masked: bool = False
    analysis: Analysis | None = None
    notes: list[str] = field(default_factory=list)


def mask_rrn(text: str) -> tuple[str, bool]:
    """The text with every 주민등록번호 / 외국인등록번호 replaced: it is never stored."""
    spans = [s for s in find_pii(text) if s.type in ("rrn", "foreign_rn")]
    return (mask(text, spans), True) if spans else (text, False)


def content_hash(text: str) -> str:
    normalised = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- routing


@dataclass(frozen=True)
class RoutingRule:
    team: str
    categories: frozenset[str] = frozenset()
    products: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()

    def matches(self, categories: list[str], products: list[str], region: str | None) -> bool:
        return (
            (not self.categories or bool(self.categories & set(categories)))
            and (not self.products or bool(self.products & set(products)))
            and (not self.regions or (region is not None and region in self.regions))
        )


@lru_cache(maxsize=4)
def load_routing(path: Path = ROUTING_PATH) -> tuple[list[RoutingRule], str]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    rules = [
        RoutingRule(
            team=str(rule["team"]),
            categories=frozenset(rule.get("categories", [])),
            products=frozenset(rule.get("products", [])),
            regions=frozenset(rule.get("regions", [])),
        )
        for rule in data.get("rule", [])
    ]
    return rules, str(data["default_team"])


def route_team(session: Session, categories: list[str], products: list[str], region: str | None) -> Team:
    rules, default = load_routing()
    name = next((r.team for r in rules if r.matches(categories, products, region)), default)
    team = session.scalar(select(Team).where(Team.name == name)) or session.scalar(select(Team).where(Team.name == default))
    if team is None:
        raise CaseError("no_team", f"민원을 배정할 팀({name})이 없습니다. 관리자에게 팀 설정을 요청해 주세요.")
    return team


def least_loaded_agent(session: Session, team: Team, categories: list[str]) -> User | None:
    """The active agent of the team with the skill and the fewest open cases.

    Counts only this team's agents' open cases (index ix_cases_owner_state), not every
    open case in the system: intake must stay cheap at millions of cases.
    """
    agents = list(
        session.scalars(
            select(User).where(User.team_id == team.id, User.role == "agent", User.active.is_(True)).order_by(User.id)
        )
    )
    if not agents:
        return None
    counts = dict(
        session.execute(
            select(Case.owner_id, func.count(Case.id))
            .where(Case.owner_id.in_([a.id for a in agents]), Case.state.in_(OPEN_STATES))
            .group_by(Case.owner_id)
        ).all()
    )
    skilled = [a for a in agents if "*" in a.skills or set(a.skills) & set(categories)] or agents
    return min(skilled, key=lambda a: (counts.get(a.id, 0), a.id))


# ---------------------------------------------------------------- intake


def _priority(analysis: Analysis, categories: list[str]) -> str:
    if "outage" in categories and analysis.churn != "none":
        return "urgent"
    if analysis.churn != "none" or analysis.sentiment["anger"] >= 0.8 or "privacy" in categories:
        return "high"
    return "normal"


def _raise_priority(priority: str) -> str:
    return PRIORITIES[min(PRIORITIES.index(priority) + 1, len(PRIORITIES) - 1)]


def add_event(
    session: Session,
    case: Case,
    kind: str,
    actor: User | None,
    note: str = "",
    data: dict[str, Any] | None = None,
    state_after: str | None = None,
    visible_to_customer: bool = True,
    at: datetime | None = None,
) -> CaseEvent:
    at = at or utcnow()
    if state_after is not None:
        case.state = state_after
        if state_after == "closed":
            case.closed_at = at
    case.updated_at = at
    event = CaseEvent(
        case_id=case.id,
        at=at,
        actor_id=actor.id if actor else None,
        kind=kind,
        state_after=state_after,
        data=data or {},
        note=note,
        visible_to_customer=visible_to_customer,
    )
    session.add(event)
    session.flush()
    enqueue_for_event(session, event)  # webhooks: outbox rows in this same transaction
    return event


def find_repeat(session: Session, customer_id: int, categories: list[str], now: datetime) -> Case | None:
    """An open case of this customer (or one closed within 30 days) sharing a category."""
    candidates = session.scalars(
        select(Case)
        .where(
            Case.customer_id == customer_id,
            or_(Case.state.in_(OPEN_STATES + ("resolved",)), Case.closed_at >= now - REPEAT_WINDOW),
        )
        .order_by(Case.created_at.desc())
    ).all()
    wanted = set(categories)
    for case in candidates:
        if wanted & set(case.categories) or not wanted and not case.categories:
            return case
    return None


def open_complaint(session: Session, complaint: ComplaintInput, now: datetime | None = None) -> IntakeResult:
    """Store one complaint as a new case or as a repeat contact of an open one.

    The caller commits; the answer may be given only after that commit.
    """
    now = now or utcnow()
    if complaint.channel not in CHANNELS:
        raise CaseError("unknown_channel", f"알 수 없는 접수 채널입니다: {complaint.channel}")
    if complaint.idempotency_key:
        existing = session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.user_id == complaint.submitted_by.id, IdempotencyRecord.key == complaint.idempotency_key
            )
        )
        if existing is not None:
            return IntakeResult(case=session.get_one(Case, existing.case_id), created=False, replayed=True)

    stored_text, rrn_masked = mask_rrn(complaint.text)
    analysis = analyze(stored_text)
    categories = [c.code for c in analysis.categories]
    products = sorted(set(analysis.products) | ({complaint.product} if complaint.product else set()))
    region = complaint.region or next((str(p["region"]) for p in analysis.places if p.get("region")), None)
    customer_id = complaint.customer_id or complaint.submitted_by.customer_id

    contact = Contact(
        channel=complaint.channel,
        received_at=now,
        masked_text=analysis.masked_text,
        raw_text=stored_text,
        analysis=_stored_analysis(analysis),
        search_tokens=" ".join(search_tokens(analysis.clean_text)),
        content_hash=content_hash(analysis.clean_text),
        submitted_by=complaint.submitted_by.id,
    )
    repeat = find_repeat(session, customer_id, categories, now) if customer_id else None
    if repeat is not None:
        result = _link_repeat(session, repeat, contact, categories, products, complaint.submitted_by, now)
    else:
        result = _new_case(session, contact, analysis, categories, products, region, customer_id, complaint, now)
    result.analysis = analysis
    result.rrn_masked = rrn_masked
    if complaint.idempotency_key:
        session.add(IdempotencyRecord(user_id=complaint.submitted_by.id, key=complaint.idempotency_key, case_id=result.case.id))
        session.flush()
    return result


def _stored_analysis(analysis: Analysis) -> dict[str, Any]:
    """What is kept of the analysis: everything but the unmasked text."""
    record = analysis.to_record("")
    record.pop("clean_text", None)
    record.pop("id", None)
    return record


def _new_case(
    session: Session,
    contact: Contact,
    analysis: Analysis,
    categories: list[str],
    products: list[str],
    region: str | None,
    customer_id: int | None,
    complaint: ComplaintInput,
    now: datetime,
) -> IntakeResult:
    team = route_team(session, categories, products, region)
    owner = least_loaded_agent(session, team, categories)
    title = (analysis.summary or analysis.masked_text)[:120] or "(내용 없음)"
    case = Case(
        number=f"TMP-{now.timestamp()}",
        customer_id=customer_id,
        title=title,
        categories=categories,
        products=products,
        region=region,
        priority=_priority(analysis, categories),
        state="received",
        team_id=team.id,
        owner_id=owner.id if owner else None,
        churn=analysis.churn,
        anger=float(analysis.sentiment["anger"]),
        created_at=now,
        updated_at=now,
    )
    session.add(case)
    session.flush()
    case.number = f"{now.year}-{case.id:07d}"
    contact.case_id = case.id
    session.add(contact)
    add_event(session, case, "received", complaint.submitted_by, data={"channel": complaint.channel}, state_after="received", at=now)
    if owner is not None:
        add_event(
            session, case, "assigned", None, data={"owner": owner.display_name, "team": team.display_name},
            state_after="assigned", at=now,
        )
    return IntakeResult(case=case, created=True)


def _link_repeat(
    session: Session, case: Case, contact: Contact, categories: list[str], products: list[str], actor: User, now: datetime
) -> IntakeResult:
    contact.case_id = case.id
    session.add(contact)
    case.repeat_count += 1
    case.priority = _raise_priority(case.priority)
    case.categories = sorted(set(case.categories) | set(categories))
    case.products = sorted(set(case.products) | set(products))
    reopened = case.state in ("resolved", "closed")
    add_event(
        session, case, "repeat_contact", actor,
        note="같은 문제로 다시 연락하셨습니다. 기존 민원에 이어서 처리합니다.",
        data={"repeat_count": case.repeat_count, "channel": contact.channel},
        state_after="in_progress" if reopened else None, at=now,
    )
    if case.repeat_count + 1 >= ESCALATE_AT_CONTACT:
        escalate(session, case, None, f"같은 문제로 {case.repeat_count + 1}번째 연락", at=now)
    return IntakeResult(case=case, created=False, linked=True)


# ---------------------------------------------------------------- life of a case


def escalate(session: Session, case: Case, actor: User | None, reason: str, at: datetime | None = None) -> CaseEvent:
    case.escalation_level += 1
    return add_event(
        session, case, "escalated", actor, note=reason, data={"level": case.escalation_level, "to": "supervisor"}, at=at
    )


def change_state(session: Session, case: Case, to: str, actor: User, note: str = "") -> CaseEvent:
    if to not in TRANSITIONS.get(case.state, ()):
        raise CaseError("invalid_transition", f"'{case.state}' 상태에서 '{to}' 상태로 바꿀 수 없습니다.")
    if to == "closed":
        _check_can_close(session, case)
    kind = {"closed": "closed", "resolved": "resolved"}.get(to, "reopened" if case.state in ("resolved", "closed") else "state_changed")
    return add_event(session, case, kind, actor, note=note, state_after=to)


def _check_can_close(session: Session, case: Case) -> None:
    """A "no fault found" resolution closes only with a recorded inspection and the customer's confirmation."""
    events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).all()
    resolution = next((e for e in reversed(events) if e.kind == "resolved"), None)
    if resolution is not None and resolution.data.get("no_fault"):
        if not any(e.kind == "inspection" for e in events):
            raise CaseError("inspection_required", "'이상 없음'으로 종결하려면 점검 결과를 먼저 기록해야 합니다.")
        if not any(e.kind == "customer_confirmed" and e.id > resolution.id for e in events):
            raise CaseError("confirmation_required", "'이상 없음'으로 종결하려면 고객의 확인이 필요합니다.")


def resolve(session: Session, case: Case, actor: User, note: str, no_fault: bool = False) -> CaseEvent:
    if "resolved" not in TRANSITIONS.get(case.state, ()):
        raise CaseError("invalid_transition", f"'{case.state}' 상태에서는 해결 처리할 수 없습니다.")
    return add_event(session, case, "resolved", actor, note=note, data={"no_fault": no_fault}, state_after="resolved")


def transfer(session: Session, case: Case, actor: User, new_owner: User, reason: str) -> CaseEvent:
    if not reason.strip():
        raise CaseError("reason_required", "이관 사유를 입력해 주세요.")
    if new_owner.role not in ("agent", "supervisor") or not new_owner.active:
        raise CaseError("invalid_owner", "이관 대상은 활동 중인 상담원이어야 합니다.")
    if new_owner.id == case.owner_id:
        raise CaseError("same_owner", "이미 이 상담원이 담당하고 있습니다.")
    previous = case.owner_id
    case.owner_id = new_owner.id
    case.team_id = new_owner.team_id or case.team_id
    case.transfer_count += 1
    event = add_event(
        session, case, "transferred", actor, note=reason,
        data={"from_owner_id": previous, "to_owner": new_owner.display_name, "count": case.transfer_count},
    )
    if case.transfer_count == ESCALATE_AT_TRANSFER:
        escalate(session, case, None, f"{case.transfer_count}번째 이관: 관리자가 직접 확인합니다.")
    return event


def record_inspection(session: Session, case: Case, actor: User, checked: str, finding: str, when: datetime) -> CaseEvent:
    """점검 결과 — what was checked, when, and the finding; the customer sees it."""
    if not checked.strip() or not finding.strip():
        raise CaseError("inspection_incomplete", "점검 항목과 결과를 모두 입력해 주세요.")
    return add_event(
        session, case, "inspection", actor, note=finding,
        data={"checked": checked, "finding": finding, "inspected_at": when.isoformat()},
    )


def customer_confirms(session: Session, case: Case, customer_user: User, accepted: bool, note: str = "") -> CaseEvent:
    if case.state != "resolved":
        raise CaseError("not_resolved", "해결 처리된 민원만 확인하거나 거절할 수 있습니다.")
    if accepted:
        return add_event(session, case, "customer_confirmed", customer_user, note=note)
    add_event(session, case, "customer_rejected", customer_user, note=note)
    return add_event(session, case, "reopened", customer_user, note="고객이 해결되지 않았다고 알려 다시 처리합니다.", state_after="in_progress")


def derive_state(events: list[CaseEvent]) -> str:
    """The state the timeline implies: the last state any event moved the case to."""
    state = "received"
    for event in events:
        if event.state_after:
            state = event.state_after
    return state
