"""REST routes for complaints and cases (/api/v1)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Header, HTTPException
from fastapi.exceptions import RequestValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from minwon.accounts.models import Team, User
from minwon.cases import service
from minwon.cases.models import STATE_NAMES_KO, AuditRecord, Case, CaseEvent, IdempotencyRecord
from minwon.cases.schemas import (
    CaseOut,
    CaseSummary,
    ComplaintIn,
    ComplaintOut,
    ConfirmIn,
    InspectionIn,
    ResolveIn,
    StateIn,
    TransferIn,
)
from minwon.customers.models import Customer
from minwon.db import utcnow
from minwon.sla.service import case_deadlines
from minwon.text.analysis import CATEGORY_NAMES_KO
from minwon.web.deps import SessionDep, StaffDep, UserDep, committing

router = APIRouter(prefix="/api/v1", tags=["cases"])
KST = ZoneInfo("Asia/Seoul")
_NOT_FOUND = "해당 민원을 찾을 수 없습니다."


def _kst(at: datetime | None) -> str:
    return at.astimezone(KST).strftime("%m월 %d일 %H:%M") if at else "-"


def visible_case(session: Session, user: User, number: str) -> Case:
    """The case if this user may see it; otherwise 404, so that its existence is not confirmed."""
    case = session.scalar(select(Case).where(Case.number == number))
    if case is None:
        raise HTTPException(status_code=404, detail=_NOT_FOUND)
    allowed = (
        user.role in ("supervisor", "admin")
        or (user.role == "customer" and user.customer_id is not None and case.customer_id == user.customer_id)
        or (user.role == "agent" and (case.team_id == user.team_id or case.owner_id == user.id))
    )
    if not allowed:
        raise HTTPException(status_code=404, detail=_NOT_FOUND)
    return case


def _names(session: Session, case: Case) -> tuple[str | None, str | None]:
    team = session.get(Team, case.team_id) if case.team_id else None
    owner = session.get(User, case.owner_id) if case.owner_id else None
    return (team.display_name if team else None), (owner.display_name if owner else None)


def _intake_message(result: service.IntakeResult, team: str | None, owner: str | None, deadlines: dict[str, Any]) -> str:
    case = result.case
    first = deadlines.get("first_response", {}).get("due_at")
    resolution = deadlines.get("resolution", {}).get("due_at")
    if result.linked:
        text = (
            f"같은 문제로 이미 접수된 민원({case.number})에 이번 연락을 연결했습니다. "
            f"{team or '담당 팀'}에서 우선 처리하며, 진행 상황은 '내 민원'에서 확인하실 수 있습니다."
        )
    else:
        who = f"{team} {owner} 상담원" if owner else (team or "담당 팀")
        text = f"민원이 접수되었습니다(접수번호 {case.number}). {who}이 책임지고 처리합니다."
    if first:
        text += f" 첫 답변은 {_kst(first)}까지"
        text += f", 해결은 {_kst(resolution)}까지 드리겠습니다." if resolution else " 드리겠습니다."
    if result.rrn_masked:
        text += " 보내주신 내용에 주민등록번호가 있어 저장하기 전에 가렸습니다. 민원 처리에는 주민등록번호가 필요하지 않습니다."
    return text


@router.post("/complaints", status_code=201, response_model=ComplaintOut, summary="민원 접수")
def file_complaint(
    body: ComplaintIn,
    session: SessionDep,
    user: UserDep,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> ComplaintOut:
    if user.role == "customer" and body.customer is not None and body.customer != user.customer_id:
        raise HTTPException(status_code=403, detail="고객은 다른 고객을 대신해 민원을 접수할 수 없습니다.")
    if body.customer is not None and session.get(Customer, body.customer) is None:
        raise RequestValidationError(
            [{"type": "customer_unknown", "loc": ("body", "customer"), "msg": "unknown customer", "input": None}]
        )
    complaint = service.ComplaintInput(
        text=body.text,
        channel=body.channel,
        submitted_by=user,
        customer_id=body.customer,
        product=body.product,
        region=body.region,
        idempotency_key=idempotency_key,
    )
    try:
        with committing(session):
            result = service.open_complaint(session, complaint)
    except IntegrityError:
        # A concurrent retry with the same key committed first: answer with its case.
        session.rollback()
        record = session.scalar(
            select(IdempotencyRecord).where(IdempotencyRecord.user_id == user.id, IdempotencyRecord.key == idempotency_key)
        )
        if record is None:
            raise
        result = service.IntakeResult(case=session.get_one(Case, record.case_id), created=False, replayed=True)
    case = result.case
    deadlines = case_deadlines(session, case, utcnow())
    team, owner = _names(session, case)
    return ComplaintOut(
        case_number=case.number,
        state=case.state,
        owner_team=team,
        owner=owner,
        deadlines=deadlines,
        message=_intake_message(result, team, owner, deadlines),
        linked_to_existing=result.linked,
        categories=list(case.categories),
    )


def _case_out(session: Session, case: Case, user: User) -> CaseOut:
    events = list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)))
    if user.role == "customer":
        events = [e for e in events if e.visible_to_customer]
    team, owner = _names(session, case)
    return CaseOut(
        case_number=case.number,
        title=case.title,
        state=case.state,
        state_name=STATE_NAMES_KO[case.state],
        priority=case.priority,
        categories=[{"code": c, "name": CATEGORY_NAMES_KO.get(c, c)} for c in case.categories],  # type: ignore[misc]
        products=list(case.products),
        region=case.region,
        owner=owner,
        owner_team=team,
        repeat_count=case.repeat_count,
        transfer_count=case.transfer_count,
        escalation_level=case.escalation_level,
        created_at=case.created_at,
        deadlines=case_deadlines(session, case, utcnow()),
        timeline=[
            {"at": e.at, "kind": e.kind, "state": e.state_after, "note": e.note, "data": e.data}  # type: ignore[misc]
            for e in events
        ],
        contacts=[
            {"id": c.id, "channel": c.channel, "received_at": c.received_at.isoformat(), "text": c.masked_text}
            for c in case.contacts
        ],
    )


@router.get("/my/cases", response_model=list[CaseSummary], summary="내 민원 목록 (고객)")
def my_cases(session: SessionDep, user: UserDep) -> list[CaseSummary]:
    if user.role != "customer" or user.customer_id is None:
        raise HTTPException(status_code=403, detail="고객 계정으로 로그인해야 합니다.")
    cases = session.scalars(select(Case).where(Case.customer_id == user.customer_id).order_by(Case.created_at.desc()))
    result = []
    for case in cases:
        team, _owner = _names(session, case)
        result.append(
            CaseSummary(
                case_number=case.number, title=case.title, state=case.state, state_name=STATE_NAMES_KO[case.state],
                categories=list(case.categories), owner_team=team, created_at=case.created_at,
            )
        )
    return result


@router.get("/cases/{number}", response_model=CaseOut, summary="민원 상세와 타임라인")
def get_case(number: str, session: SessionDep, user: UserDep) -> CaseOut:
    return _case_out(session, visible_case(session, user, number), user)


@router.post("/cases/{number}/transfer", response_model=CaseOut, summary="담당자 이관")
def transfer_case(number: str, body: TransferIn, session: SessionDep, user: StaffDep) -> CaseOut:
    with committing(session):
        case = visible_case(session, user, number)
        target = session.scalar(select(User).where(User.username == body.to_user))
        if target is None:
            raise HTTPException(status_code=404, detail="이관할 상담원을 찾을 수 없습니다.")
        service.transfer(session, case, user, target, body.reason)
    return _case_out(session, case, user)


@router.post("/cases/{number}/state", response_model=CaseOut, summary="상태 변경")
def change_state(number: str, body: StateIn, session: SessionDep, user: StaffDep) -> CaseOut:
    with committing(session):
        case = visible_case(session, user, number)
        service.change_state(session, case, body.state, user, body.note)
    return _case_out(session, case, user)


@router.post("/cases/{number}/resolve", response_model=CaseOut, summary="해결 처리")
def resolve_case(number: str, body: ResolveIn, session: SessionDep, user: StaffDep) -> CaseOut:
    with committing(session):
        case = visible_case(session, user, number)
        service.resolve(session, case, user, body.note, no_fault=body.no_fault)
    return _case_out(session, case, user)


@router.post("/cases/{number}/inspections", response_model=CaseOut, summary="점검 결과 기록")
def record_inspection(number: str, body: InspectionIn, session: SessionDep, user: StaffDep) -> CaseOut:
    with committing(session):
        case = visible_case(session, user, number)
        service.record_inspection(session, case, user, body.checked, body.finding, body.inspected_at)
    return _case_out(session, case, user)


@router.post("/cases/{number}/confirmation", response_model=CaseOut, summary="고객의 해결 확인 또는 거절")
def confirm_case(number: str, body: ConfirmIn, session: SessionDep, user: UserDep) -> CaseOut:
    if user.role != "customer":
        raise HTTPException(status_code=403, detail="고객만 해결 여부를 확인할 수 있습니다.")
    with committing(session):
        case = visible_case(session, user, number)
        service.customer_confirms(session, case, user, body.accepted, body.note)
    return _case_out(session, case, user)


@router.get("/cases/{number}/contacts/{contact_id}/raw", summary="원문 보기 (개인정보 포함, 감사 기록)")
def reveal_contact(number: str, contact_id: int, session: SessionDep, user: StaffDep) -> dict[str, Any]:
    """The unmasked text of one contact: supervisors and admins only, and every read is audited."""
    if user.role not in ("supervisor", "admin"):
        raise HTTPException(status_code=403, detail="개인정보가 담긴 원문은 관리자만 볼 수 있습니다.")
    with committing(session):
        case = visible_case(session, user, number)
        contact = next((c for c in case.contacts if c.id == contact_id), None)
        if contact is None:
            raise HTTPException(status_code=404, detail="해당 접수 내용을 찾을 수 없습니다.")
        session.add(AuditRecord(user_id=user.id, action="reveal_contact", target=f"{case.number}/{contact.id}", at=utcnow()))
    return {"case_number": case.number, "contact_id": contact.id, "text": contact.raw_text}


@router.get("/audit", summary="개인정보 열람 기록 (관리자)")
def audit_log(session: SessionDep, user: StaffDep, limit: int = 100) -> list[dict[str, Any]]:
    if user.role != "admin":
        raise HTTPException(status_code=403, detail="열람 기록은 시스템 관리자만 볼 수 있습니다.")
    records = session.scalars(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(max(1, min(limit, 1000))))
    return [{"at": r.at.isoformat(), "user_id": r.user_id, "action": r.action, "target": r.target} for r in records]
