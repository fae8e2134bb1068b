"""Case lists: Korean-aware search, filters, pagination and export (/api/v1/cases).

Included in the app before the cases router, so that /cases/export is not taken for a
case number.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from pydantic import BaseModel
from sqlalchemy import Row
from sqlalchemy.orm import Session, sessionmaker
from starlette.background import BackgroundTask

from minwon.accounts.models import User
from minwon.cases import search
from minwon.cases.models import STATE_NAMES_KO, AuditRecord
from minwon.cases.schemas import Category
from minwon.db import utcnow
from minwon.text.analysis import CATEGORY_NAMES_KO
from minwon.web.deps import SessionDep, StaffDep

router = APIRouter(prefix="/api/v1", tags=["search"])
KST = ZoneInfo("Asia/Seoul")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_AUDIT_ACTION = "export_unmasked"
EXCEL_CELL_LIMIT = 32_767
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

StateCode = Literal["received", "assigned", "in_progress", "waiting_customer", "visit_scheduled", "resolved", "closed"]
CategoryCode = Literal[
    "outage", "speed", "repair_visit", "billing", "payment", "contact_center", "agent_conduct", "misinformation",
    "runaround", "broken_promise", "contract", "service_change", "compensation", "privacy", "unwanted_contact",
    "device",
]  # fmt: skip


def case_filter(
    q: Annotated[str | None, Query(max_length=200, description="검색어. 형태소 단위로 찾습니다('요금제가'로 '요금제를'도 찾음)")] = None,
    state: Annotated[StateCode | None, Query(description="상태 코드 (received, assigned, in_progress, …)")] = None,
    category: Annotated[CategoryCode | None, Query(description="민원 분류 코드")] = None,
    product: Annotated[str | None, Query(max_length=32, description="상품 (mobile, internet, iptv, …)")] = None,
    region: Annotated[str | None, Query(max_length=32, description="지역 (예: 서울특별시)")] = None,
    owner: Annotated[str | None, Query(max_length=64, description="담당자 아이디")] = None,
    sla: Annotated[search.SlaStatus | None, Query(description="SLA 상태: ok 정상, warning 임박, breached 위반")] = None,
    sort: Annotated[search.SortOrder, Query(description="created: 최근 접수 순, sla_risk: SLA 위험 순")] = "created",
) -> search.CaseFilter:
    return search.CaseFilter(q=q, state=state, category=category, product=product, region=region, owner=owner, sla=sla, sort=sort)


FilterDep = Annotated[search.CaseFilter, Depends(case_filter)]


class SlaOut(BaseModel):
    status: search.SlaStatus
    status_name: str
    next_due_at: datetime | None


class CaseListItem(BaseModel):
    case_number: str
    title: str
    state: str
    state_name: str
    priority: str
    priority_name: str
    categories: list[Category]
    products: list[str]
    region: str | None
    owner: str | None
    owner_username: str | None
    owner_team: str | None
    repeat_count: int
    transfer_count: int
    escalation_level: int
    created_at: datetime
    sla: SlaOut


class CaseList(BaseModel):
    items: list[CaseListItem]
    page: int
    per_page: int
    total: int


@router.get("/cases", response_model=CaseList, summary="민원 목록·검색 (상담원 이상)")
def list_cases(
    session: SessionDep,
    user: StaffDep,
    filters: FilterDep,
    page: Annotated[int, Query(ge=1, le=1_000_000, description="쪽 번호 (1부터)")] = 1,
    per_page: Annotated[int, Query(ge=1, le=200, description="한 쪽의 민원 수 (최대 200)")] = 20,
) -> CaseList:
    result = search.search_page(session, user, filters, page, per_page, utcnow())
    owners, teams = search.people(session, [row for row, _sla in result.rows])
    items = []
    for row, sla in result.rows:
        owner = owners.get(row.owner_id) if row.owner_id is not None else None
        team = teams.get(row.team_id) if row.team_id is not None else None
        items.append(
            CaseListItem(
                case_number=row.number, title=row.title, state=row.state, state_name=STATE_NAMES_KO[row.state],
                priority=row.priority, priority_name=search.PRIORITY_NAMES_KO.get(row.priority, row.priority),
                categories=[Category(code=c, name=CATEGORY_NAMES_KO.get(c, c)) for c in row.categories],
                products=list(row.products), region=row.region,
                owner=owner.display_name if owner else None, owner_username=owner.username if owner else None,
                owner_team=team.display_name if team else None,
                repeat_count=row.repeat_count, transfer_count=row.transfer_count, escalation_level=row.escalation_level,
                created_at=row.created_at,
                sla=SlaOut(status=sla.status, status_name=search.SLA_NAMES_KO[sla.status], next_due_at=sla.next_due),  # type: ignore[arg-type]
            )
        )
    return CaseList(items=items, page=page, per_page=per_page, total=result.total)


# ---------------------------------------------------------------- export

HEADER = (
    "접수번호", "접수일시", "상태", "우선순위", "분류", "상품", "지역", "담당팀", "담당자",
    "SLA", "다음 기한", "반복 연락", "이관 횟수", "제목", "민원 내용",
)  # fmt: skip


def _export_batches(
    session: Session, user: User, filters: search.CaseFilter, unmasked: bool, now: datetime
) -> Iterator[list[list[Any]]]:
    """Rows of the export, a batch at a time. With *unmasked*, each batch's reads are
    committed to the audit log before the batch is handed out."""
    for batch in search.iter_cases(session, user, filters, now):
        rows = [row for row, _sla in batch]
        owners, teams = search.people(session, rows)
        texts = search.contact_texts(session, [row.id for row in rows], unmasked)
        if unmasked:
            session.add_all(AuditRecord(user_id=user.id, action=EXPORT_AUDIT_ACTION, target=row.number, at=now) for row in rows)
            session.commit()
        yield [_values(row, sla, owners, teams, texts.get(row.id, [])) for row, sla in batch]


def _values(row: Row[Any], sla: search.CaseSla, owners: dict[int, User], teams: dict[int, Any], texts: Sequence[str]) -> list[Any]:
    owner = owners.get(row.owner_id) if row.owner_id is not None else None
    team = teams.get(row.team_id) if row.team_id is not None else None
    return [
        row.number,
        row.created_at.astimezone(KST).replace(tzinfo=None),
        STATE_NAMES_KO[row.state],
        search.PRIORITY_NAMES_KO.get(row.priority, row.priority),
        ", ".join(CATEGORY_NAMES_KO.get(c, c) for c in row.categories),
        ", ".join(row.products),
        row.region or "",
        team.display_name if team else "",
        owner.display_name if owner else "",
        search.SLA_NAMES_KO[sla.status],
        sla.next_due.astimezone(KST).replace(tzinfo=None) if sla.next_due else None,
        row.repeat_count,
        row.transfer_count,
        row.title,
        "\n---\n".join(texts),
    ]


def _csv_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if value is None:
        return ""
    # Customer-written text must not turn into a spreadsheet formula when opened.
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_stream(
    sessions: sessionmaker[Session], user_id: int, filters: search.CaseFilter, unmasked: bool, now: datetime
) -> Iterator[bytes]:
    # Its own session: the response body is produced after the request's session is gone.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # lets Excel detect UTF-8, or Korean comes out garbled
    writer.writerow(HEADER)
    yield buffer.getvalue().encode("utf-8")
    with sessions() as session:
        user = session.get_one(User, user_id)
        for batch in _export_batches(session, user, filters, unmasked, now):
            buffer.seek(0)
            buffer.truncate()
            writer.writerows([_csv_cell(v) for v in values] for values in batch)
            yield buffer.getvalue().encode("utf-8")


def _write_xlsx(session: Session, user: User, filters: search.CaseFilter, unmasked: bool, now: datetime) -> str:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # Write-only: rows go to a temporary file as they come instead of living in memory.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("민원 목록")
    sheet.append(list(HEADER))
    for batch in _export_batches(session, user, filters, unmasked, now):
        for values in batch:
            cells: list[Any] = []
            for value in values:
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                    if len(value) > EXCEL_CELL_LIMIT:
                        value = value[: EXCEL_CELL_LIMIT - 20] + " …(이하 생략)"
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    cells.append(cell)
                elif isinstance(value, datetime):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "yyyy-mm-dd hh:mm"
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    handle, path = tempfile.mkstemp(prefix="minwon-export-", suffix=".xlsx")
    os.close(handle)
    try:
        workbook.save(path)
    except BaseException:
        os.unlink(path)
        raise
    return path


@router.get(
    "/cases/export",
    summary="민원 목록 내보내기 (CSV·Excel, 상담원 이상)",
    response_class=Response,
    responses={200: {"content": {CSV_TYPE: {}, XLSX_TYPE: {}}, "description": "CSV(UTF-8, BOM 포함) 또는 Excel 파일"}},
)
def export_cases(
    request: Request,
    session: SessionDep,
    user: StaffDep,
    filters: FilterDep,
    export_format: Annotated[Literal["csv", "xlsx"], Query(alias="format", description="csv 또는 xlsx")] = "csv",
    unmasked: Annotated[bool, Query(description="개인정보를 가리지 않은 원문 포함 (관리자 이상, 감사 기록됨)")] = False,
) -> Response:
    if unmasked and user.role not in ("supervisor", "admin"):
        raise HTTPException(
            status_code=403,
            detail="개인정보를 가리지 않은 원문 내보내기는 관리자 이상만 할 수 있습니다. 가려진 내용으로 내보내려면 unmasked 없이 요청해 주세요.",
        )
    now = utcnow()
    stem = f"minwon-cases-{now.astimezone(KST):%Y%m%d-%H%M}"
    if export_format == "csv":
        return StreamingResponse(
            _csv_stream(request.app.state.sessions, user.id, filters, unmasked, now),
            media_type=CSV_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'},
        )
    path = _write_xlsx(session, user, filters, unmasked, now)
    return FileResponse(path, media_type=XLSX_TYPE, filename=f"{stem}.xlsx", background=BackgroundTask(os.unlink, path))
