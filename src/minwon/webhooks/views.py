"""Webhook subscriptions (/api/v1/webhooks), managed by admins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from minwon.accounts.models import User
from minwon.web.deps import SessionDep, UserDep, committing
from minwon.web.errors import error_body
from minwon.webhooks import service
from minwon.webhooks.models import WebhookSubscription

router = APIRouter(prefix="/api/v1", tags=["webhooks"])
_NOT_FOUND = "해당 웹훅 구독을 찾을 수 없습니다."


def require_admin(user: UserDep) -> User:
    if user.role != "admin":
        raise HTTPException(status_code=403, detail="웹훅은 관리자만 관리할 수 있습니다.")
    return user


AdminDep = Annotated[User, Depends(require_admin)]


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=2000, description="이벤트를 받을 주소(http/https)")
    event_kinds: list[str] = Field(default_factory=lambda: ["*"], description="받을 CaseEvent 종류, 전체는 \"*\"")
    secret: str | None = Field(default=None, max_length=128, description="HMAC-SHA256 서명 키(16자 이상); 비우면 생성")
    description: str = Field(default="", max_length=200)
    active: bool = True


class DeliveryOut(BaseModel):
    id: int
    event_id: int
    event_kind: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    delivered_at: datetime | None


class WebhookOut(BaseModel):
    id: int
    url: str
    event_kinds: list[str]
    active: bool
    description: str
    secret_hint: str
    created_at: datetime
    deliveries: dict[str, int]


class WebhookDetail(WebhookOut):
    recent_deliveries: list[DeliveryOut]


class WebhookCreated(WebhookOut):
    secret: str
    signature_header: str
    message: str


def _out(session: SessionDep, subscription: WebhookSubscription) -> dict[str, Any]:
    return {
        "id": subscription.id,
        "url": subscription.url,
        "event_kinds": list(subscription.event_kinds),
        "active": subscription.active,
        "description": subscription.description,
        "secret_hint": "…" + subscription.secret[-4:],
        "created_at": subscription.created_at,
        "deliveries": service.delivery_counts(session, subscription.id),
    }


@router.post("/webhooks", status_code=201, response_model=WebhookCreated, summary="웹훅 구독 추가")
def create_webhook(body: WebhookIn, session: SessionDep, admin: AdminDep) -> Any:
    try:
        with committing(session):
            subscription = service.create_subscription(
                session, body.url, body.event_kinds, body.secret, body.description, body.active, created_by=admin.id
            )
    except service.WebhookError as exc:
        return JSONResponse(status_code=422, content=error_body(exc.code, str(exc)))
    kinds = "모든 이벤트" if service.ALL_KINDS in subscription.event_kinds else ", ".join(subscription.event_kinds)
    return {
        **_out(session, subscription),
        "secret": subscription.secret,
        "signature_header": service.SIGNATURE_HEADER,
        "message": (
            f"웹훅 구독을 등록했습니다({kinds}). 이벤트마다 JSON을 POST로 보내며, 본문의 HMAC-SHA256 서명을 "
            f"{service.SIGNATURE_HEADER}: sha256=… 헤더에 담습니다. 서명 키는 지금만 전체를 보여 드리니 안전하게 보관해 주세요. "
            "수신에 실패하면 간격을 늘려 가며 다시 보냅니다."
        ),
    }


@router.get("/webhooks", response_model=list[WebhookOut], summary="웹훅 구독 목록")
def list_webhooks(session: SessionDep, _admin: AdminDep) -> Any:
    return [_out(session, s) for s in service.list_subscriptions(session)]


@router.get("/webhooks/{subscription_id}", response_model=WebhookDetail, summary="웹훅 구독과 최근 전송 기록")
def get_webhook(subscription_id: int, session: SessionDep, _admin: AdminDep) -> Any:
    subscription = session.get(WebhookSubscription, subscription_id)
    if subscription is None:
        raise HTTPException(status_code=404, detail=_NOT_FOUND)
    recent = [
        DeliveryOut.model_validate(d, from_attributes=True)
        for d in service.recent_deliveries(session, subscription_id)
    ]
    return {**_out(session, subscription), "recent_deliveries": recent}


@router.delete("/webhooks/{subscription_id}", summary="웹훅 구독 삭제")
def delete_webhook(subscription_id: int, session: SessionDep, _admin: AdminDep) -> dict[str, Any]:
    with committing(session):
        dropped = service.delete_subscription(session, subscription_id)
    if dropped is None:
        raise HTTPException(status_code=404, detail=_NOT_FOUND)
    return {
        "deleted": subscription_id,
        "message": f"웹훅 구독을 삭제했습니다. 아직 보내지 못한 전송 {dropped}건도 함께 취소되어 더는 보내지 않습니다.",
    }
