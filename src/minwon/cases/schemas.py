"""API shapes of cases (Pydantic v2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Channel = Literal["web", "agent", "email", "api", "import"]


class ComplaintIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=200_000, description="민원 내용")
    channel: Channel
    product: str | None = Field(default=None, max_length=32)
    region: str | None = Field(default=None, max_length=32)
    customer: int | None = Field(default=None, ge=1, le=2**31 - 1, description="상담원이 고객을 대신해 접수할 때 고객 번호")


class Deadline(BaseModel):
    due_at: datetime | None
    status: str
    remaining_minutes: int | None


class ComplaintOut(BaseModel):
    case_number: str
    state: str
    owner_team: str | None
    owner: str | None
    deadlines: dict[str, Deadline]
    message: str
    linked_to_existing: bool = False
    categories: list[str]


class Category(BaseModel):
    code: str
    name: str


class TimelineEntry(BaseModel):
    at: datetime
    kind: str
    state: str | None
    note: str
    data: dict[str, Any]


class CaseOut(BaseModel):
    case_number: str
    title: str
    state: str
    state_name: str
    priority: str
    categories: list[Category]
    products: list[str]
    region: str | None
    owner: str | None
    owner_team: str | None
    repeat_count: int
    transfer_count: int
    escalation_level: int
    created_at: datetime
    deadlines: dict[str, Deadline]
    timeline: list[TimelineEntry]
    contacts: list[dict[str, Any]]


class CaseSummary(BaseModel):
    case_number: str
    title: str
    state: str
    state_name: str
    categories: list[str]
    owner_team: str | None
    created_at: datetime


class TransferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to_user: str = Field(min_length=1, description="새 담당 상담원 아이디")
    reason: str = Field(min_length=1, max_length=2000)


class StateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: Literal["in_progress", "waiting_customer", "visit_scheduled", "closed"]
    note: str = Field(default="", max_length=4000)


class ResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(min_length=1, max_length=4000)
    no_fault: bool = False


class InspectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    checked: str = Field(min_length=1, max_length=2000, description="점검 항목")
    finding: str = Field(min_length=1, max_length=4000, description="점검 결과")
    inspected_at: datetime


class ConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    accepted: bool
    note: str = Field(default="", max_length=4000)
