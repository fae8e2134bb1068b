"""Webhooks for case events: subscriptions, the outbox, signed delivery with retries.

`enqueue_for_event` runs inside the transaction that writes a CaseEvent and only adds
outbox rows; nothing is sent there. `deliver_due` (the Celery task, or the embedded
scheduler thread) claims due rows, sends them outside any database transaction, and
records the outcome: delivered, retried later with exponential back-off, or failed for
good after MAX_ATTEMPTS.

Every body is signed: ``X-Minwon-Signature: sha256=<hex HMAC-SHA256 of the body, keyed
by the subscription secret>``. Receivers verify it over the raw bytes and deduplicate on
``X-Minwon-Delivery`` (a retry sends the very same body).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from minwon.accounts.models import Team
from minwon.cases.models import Case, CaseEvent
from minwon.db import utcnow
from minwon.webhooks.models import WebhookDelivery, WebhookSubscription

SIGNATURE_HEADER = "X-Minwon-Signature"
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=6)
SEND_TIMEOUT = 10.0
# A claimed row is hidden from other senders this long; if the sender dies mid-send the
# row becomes due again afterwards (at-least-once delivery, hence X-Minwon-Delivery).
CLAIM_LEASE = timedelta(minutes=5)
ALL_KINDS = "*"
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_USER_AGENT = "minwon-webhooks/1.0"


class WebhookError(ValueError):
    """A subscription request that cannot be accepted; the message is Korean."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------- signatures


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    return header is not None and hmac.compare_digest(sign(secret, body), header)


# ---------------------------------------------------------------- subscriptions


def create_subscription(
    session: Session,
    url: str,
    event_kinds: list[str],
    secret: str | None = None,
    description: str = "",
    active: bool = True,
    created_by: int | None = None,
) -> WebhookSubscription:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError("invalid_url", "url: http:// 또는 https:// 로 시작하는 전체 주소를 입력해 주세요.")
    kinds = sorted({kind.strip() for kind in event_kinds})
    if not kinds:
        raise WebhookError("invalid_event_kinds", "event_kinds: 받을 이벤트 종류를 하나 이상 지정해 주세요(전체는 \"*\").")
    bad = [kind for kind in kinds if kind != ALL_KINDS and not _KIND.match(kind)]
    if bad:
        raise WebhookError(
            "invalid_event_kinds", f"event_kinds: 이벤트 종류는 영문 소문자와 밑줄로 씁니다(예: sla_breached). 잘못된 값: {', '.join(bad)}"
        )
    if secret is not None and len(secret) < 16:
        raise WebhookError("weak_secret", "secret: 서명 키는 16자 이상이어야 합니다. 비워 두면 안전한 키를 만들어 드립니다.")
    subscription = WebhookSubscription(
        url=url.strip(),
        secret=secret if secret is not None else secrets.token_urlsafe(32),
        event_kinds=[ALL_KINDS] if ALL_KINDS in kinds else kinds,
        active=active,
        description=description,
        created_by=created_by,
        created_at=utcnow(),
    )
    session.add(subscription)
    session.flush()
    return subscription


def list_subscriptions(session: Session) -> list[WebhookSubscription]:
    return list(session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id)))


def delete_subscription(session: Session, subscription_id: int) -> int | None:
    """Delete a subscription and its outbox rows; the number of unsent deliveries dropped, None if absent."""
    subscription = session.get(WebhookSubscription, subscription_id)
    if subscription is None:
        return None
    pending = session.scalar(
        select(func.count(WebhookDelivery.id)).where(
            WebhookDelivery.subscription_id == subscription_id, WebhookDelivery.status == "pending"
        )
    )
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id))
    session.delete(subscription)
    session.flush()
    return int(pending or 0)


def delivery_counts(session: Session, subscription_id: int) -> dict[str, int]:
    rows = session.execute(
        select(WebhookDelivery.status, func.count(WebhookDelivery.id))
        .where(WebhookDelivery.subscription_id == subscription_id)
        .group_by(WebhookDelivery.status)
    ).all()
    counts = {"pending": 0, "delivered": 0, "failed": 0}
    counts.update({status: int(n) for status, n in rows})
    return counts


def recent_deliveries(session: Session, subscription_id: int, limit: int = 20) -> list[WebhookDelivery]:
    return list(
        session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.subscription_id == subscription_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


# ---------------------------------------------------------------- the outbox


def matches(subscription: WebhookSubscription, kind: str) -> bool:
    return subscription.active and (ALL_KINDS in subscription.event_kinds or kind in subscription.event_kinds)


def event_payload(session: Session, event: CaseEvent) -> dict[str, Any]:
    """What a receiver gets: the event and the case at that moment, without personal data."""
    case = session.get_one(Case, event.case_id)
    team = session.get(Team, case.team_id) if case.team_id else None
    return {
        "event_id": event.id,
        "kind": event.kind,
        "at": event.at.isoformat(),
        "case": {
            "number": case.number,
            "state": case.state,
            "priority": case.priority,
            "categories": list(case.categories),
            "products": list(case.products),
            "region": case.region,
            "team": team.name if team else None,
            "escalation_level": case.escalation_level,
            "transfer_count": case.transfer_count,
            "repeat_count": case.repeat_count,
        },
        "event": {
            "state_after": event.state_after,
            "note": event.note,
            "data": event.data,
            "visible_to_customer": event.visible_to_customer,
        },
    }


def encode(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def enqueue_for_event(session: Session, event: CaseEvent) -> list[WebhookDelivery]:
    """Outbox rows for every active subscription that wants this event, in the caller's
    transaction; nothing is sent here. Calling it twice for one event adds nothing."""
    subscriptions = [s for s in session.scalars(select(WebhookSubscription).where(WebhookSubscription.active.is_(True))) if matches(s, event.kind)]
    if not subscriptions:
        return []
    if event.id is None:
        session.flush()
    already = set(
        session.scalars(
            select(WebhookDelivery.subscription_id).where(
                WebhookDelivery.event_id == event.id, WebhookDelivery.subscription_id.in_([s.id for s in subscriptions])
            )
        )
    )
    body = encode(event_payload(session, event))
    now = utcnow()
    created = []
    for subscription in subscriptions:
        if subscription.id in already:
            continue
        delivery = WebhookDelivery(
            subscription_id=subscription.id,
            event_id=event.id,
            event_kind=event.kind,
            body=body,
            status="pending",
            attempts=0,
            next_attempt_at=now,
            last_error="",
            created_at=now,
        )
        session.add(delivery)
        created.append(delivery)
    session.flush()
    return created


# ---------------------------------------------------------------- sending


def backoff(attempts: int) -> timedelta:
    """Wait after the attempts-th failure: 30 s, 1 min, 2 min, … capped at 6 h."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), MAX_RETRY)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would turn the signed POST into a GET elsewhere; report it instead.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def send(url: str, body: bytes, headers: dict[str, str], timeout: float = SEND_TIMEOUT) -> tuple[int | None, str]:
    """POST the body; (HTTP status or None, Korean error text or "")."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with _opener.open(request, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code), f"수신 서버가 HTTP {exc.code} 로 응답했습니다."
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, f"수신 서버에 연결하지 못했습니다({type(exc).__name__}: {reason})."
    if 200 <= status < 300:
        return status, ""
    return status, f"수신 서버가 HTTP {status} 로 응답했습니다."


@dataclass
class DeliveryReport:
    delivered: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[int]]:
        return {"delivered": self.delivered, "retrying": self.retrying, "failed": self.failed}


def _claim(sessions: sessionmaker[Session], now: datetime, limit: int) -> list[int]:
    """Due rows taken by this sender. The conditional UPDATE is atomic on SQLite and
    PostgreSQL alike, so two senders never take the same row."""
    with sessions() as session:
        candidates = list(
            session.scalars(
                select(WebhookDelivery.id)
                .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
                .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
                .limit(limit)
            )
        )
    claimed = []
    for delivery_id in candidates:
        with sessions() as session, session.begin():
            result = session.execute(
                update(WebhookDelivery)
                .where(
                    WebhookDelivery.id == delivery_id,
                    WebhookDelivery.status == "pending",
                    WebhookDelivery.next_attempt_at <= now,
                )
                .values(next_attempt_at=now + CLAIM_LEASE)
                .execution_options(synchronize_session=False)
            )
            if getattr(result, "rowcount", 0) == 1:
                claimed.append(delivery_id)
    return claimed


def deliver_due(
    sessions: sessionmaker[Session], now: datetime | None = None, limit: int = 100, timeout: float = SEND_TIMEOUT
) -> DeliveryReport:
    """Send every due delivery once; the network is never touched inside a transaction."""
    now = now or utcnow()
    report = DeliveryReport()
    for delivery_id in _claim(sessions, now, limit):
        with sessions() as session:
            delivery = session.get_one(WebhookDelivery, delivery_id)
            subscription = session.get(WebhookSubscription, delivery.subscription_id)
            target = (subscription.url, subscription.secret, subscription.active) if subscription else None
            body = delivery.body.encode("utf-8")
            kind, attempt = delivery.event_kind, delivery.attempts + 1
        if target is None or not target[2]:
            status, error = None, "구독이 비활성화되어 보내지 않았습니다."
            give_up = True
        else:
            url, secret, _active = target
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": _USER_AGENT,
                SIGNATURE_HEADER: sign(secret, body),
                "X-Minwon-Event": kind,
                "X-Minwon-Delivery": str(delivery_id),
                "X-Minwon-Attempt": str(attempt),
            }
            status, error = send(url, body, headers, timeout)
            give_up = False
        with sessions() as session, session.begin():
            delivery = session.get_one(WebhookDelivery, delivery_id)
            delivery.attempts = attempt
            delivery.last_status_code = status
            if not error:
                delivery.status = "delivered"
                delivery.delivered_at = now
                delivery.last_error = ""
                report.delivered.append(delivery_id)
            elif give_up or attempt >= MAX_ATTEMPTS:
                delivery.status = "failed"
                delivery.last_error = error if give_up else f"{attempt}번 시도했으나 실패해 전송을 중단했습니다. 마지막 오류: {error}"
                report.failed.append(delivery_id)
            else:
                delivery.next_attempt_at = now + backoff(attempt)
                delivery.last_error = error
                report.retrying.append(delivery_id)
    return report
