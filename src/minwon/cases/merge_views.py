"""REST routes for merging two cases and undoing a merge (/api/v1)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from minwon.cases import merge
from minwon.cases.schemas import CaseOut
from minwon.cases.views import _case_out, visible_case
from minwon.web.deps import SessionDep, StaffDep, committing

router = APIRouter(prefix="/api/v1", tags=["cases"])


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = Field(min_length=1, max_length=32, description="합칠(또는 병합을 취소할) 민원의 접수번호")
    reason: str = Field(min_length=1, max_length=2000, description="병합 또는 병합 취소 사유")


@router.post("/cases/{number}/merge", response_model=CaseOut, summary="다른 민원을 이 민원에 병합")
def merge_case(number: str, body: MergeIn, session: SessionDep, user: StaffDep) -> CaseOut:
    with committing(session):
        target = visible_case(session, user, number)
        source = visible_case(session, user, body.source)
        merge.merge_cases(session, target, source, user, body.reason)
    return _case_out(session, target, user)


@router.post("/cases/{number}/merge/undo", response_model=CaseOut, summary="민원 병합 취소")
def undo_merge(number: str, body: MergeIn, session: SessionDep, user: StaffDep) -> CaseOut:
    with committing(session):
        target = visible_case(session, user, number)
        source = visible_case(session, user, body.source)
        merge.undo_merge(session, target, source, user, body.reason)
    return _case_out(session, target, user)
