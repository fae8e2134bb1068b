"""Webhooks: the admin API over real HTTP, and signed deliveries to a real HTTP receiver
that fails the first attempt, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from minwon.accounts.models import User
from minwon.cases.models import Case, CaseEvent
from minwon.cases.service import ComplaintInput, open_complaint
from minwon.config import Settings
from minwon.db import make_engine, session_factory, utcnow
from minwon.sla.sweeper import run_sweep
from minwon.webhooks import service
from minwon.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.conftest import Api, free_port
from tests.sla.test_sla_sweeper import AGENT, file_case, fresh_database, kst

SECRET = "receiver-shared-secret-0123456789"


class Receiver:
    """A webhook receiver as a customer would write it: checks the HMAC over the raw body
    (independently of minwon's code), answers 500 to the first `failures` requests."""

    def __init__(self, secret: str = SECRET, failures: int = 1) -> None:
        self.secret = secret
        self.failures = failures
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                expected = "sha256=" + hmac.new(receiver.secret.encode(), body, hashlib.sha256).hexdigest()
                valid = hmac.compare_digest(expected, self.headers.get("X-Minwon-Signature", ""))
                with receiver.lock:
                    receiver.requests.append({"headers": dict(self.headers), "body": body, "valid": valid})
                    count = len(receiver.requests)
                status = 500 if count <= receiver.failures else (204 if valid else 401)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/minwon-hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, limit: float = 60.0) -> list[dict[str, Any]]:
        """Block until `count` requests have arrived (the limit only stops a hung test)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.05)
        raise AssertionError(f"receiver got {len(self.requests)} of {count} requests")


@pytest.fixture
def sessions(prepared_database: Settings) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(prepared_database.database_url)
    yield session_factory(engine)
    engine.dispose()


def delivery_states(sessions: sessionmaker[Session], subscription_id: int) -> list[str]:
    return [d.status for d in deliveries(sessions, subscription_id)]


def deliveries(sessions: sessionmaker[Session], subscription_id: int) -> list[WebhookDelivery]:
    with sessions() as session:
        return list(session.scalars(select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id).order_by(WebhookDelivery.id)))


def enqueue_case_events(sessions: sessionmaker[Session], number: str, kinds: set[str] | None = None) -> None:
    """Outbox rows for a case's events. Once minwon.cases.service.add_event calls
    enqueue_for_event itself this finds them already queued and adds nothing."""
    with sessions() as session, session.begin():
        case = session.scalars(select(Case).where(Case.number == number)).one()
        for event in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)):
            if kinds is None or event.kind in kinds:
                service.enqueue_for_event(session, event)


# ---------------------------------------------------------------- signatures


def test_signature_is_hmac_sha256_of_the_exact_body() -> None:
    body = '{"kind":"received","note":"민원 접수"}'.encode()
    expected = "sha256=" + hmac.new(b"k" * 16, body, hashlib.sha256).hexdigest()
    assert service.sign("k" * 16, body) == expected
    assert service.verify("k" * 16, body, expected)
    assert not service.verify("k" * 16, body + b" ", expected)
    assert not service.verify("x" * 16, body, expected)
    assert not service.verify("k" * 16, body, None)


def test_backoff_doubles_and_is_capped() -> None:
    waits = [service.backoff(n) for n in range(1, 12)]
    assert waits[:4] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert max(waits) == service.MAX_RETRY


# ---------------------------------------------------------------- the admin API


def test_only_admins_manage_webhooks_and_bad_input_is_refused_in_korean(api: Api) -> None:
    denied = api.post("/api/v1/webhooks", "agent1", json={"url": "http://127.0.0.1:9/x"})
    assert denied.status_code == 403 and "관리자" in denied.json()["error"]["message"]
    assert api.get("/api/v1/webhooks", "supervisor1").status_code == 403
    assert api.http.get("/api/v1/webhooks").status_code == 401

    for body, code in [
        ({"url": "ftp://example.com/hook"}, "invalid_url"),
        ({"url": "http://127.0.0.1:9/x", "event_kinds": []}, "invalid_event_kinds"),
        ({"url": "http://127.0.0.1:9/x", "event_kinds": ["Received!"]}, "invalid_event_kinds"),
        ({"url": "http://127.0.0.1:9/x", "secret": "short"}, "weak_secret"),
    ]:
        response = api.post("/api/v1/webhooks", "admin", json=body)
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == code and not error["message"].isascii()
    response = api.post("/api/v1/webhooks", "admin", json={"url": 5})
    assert response.status_code == 422 and "url" in response.json()["error"]["message"]


def test_create_list_show_delete(api: Api) -> None:
    created = api.post("/api/v1/webhooks", "admin", json={"url": "http://127.0.0.1:9/hook", "event_kinds": ["sla_breached", "escalated"], "description": "관제 시스템"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert len(body["secret"]) >= 32 and body["signature_header"] == "X-Minwon-Signature"
    assert body["event_kinds"] == ["escalated", "sla_breached"] and body["active"]
    assert "서명" in body["message"]
    listed = api.get("/api/v1/webhooks", "admin").json()
    mine = next(s for s in listed if s["id"] == body["id"])
    assert "secret" not in mine and mine["secret_hint"] == "…" + body["secret"][-4:]
    assert mine["deliveries"] == {"pending": 0, "delivered": 0, "failed": 0}
    detail = api.get(f"/api/v1/webhooks/{body['id']}", "admin").json()
    assert detail["recent_deliveries"] == []
    deleted = api.http.delete(f"/api/v1/webhooks/{body['id']}", headers=api.as_user("admin"))
    assert deleted.status_code == 200 and "삭제" in deleted.json()["message"]
    assert api.get(f"/api/v1/webhooks/{body['id']}", "admin").status_code == 404
    again = api.http.delete(f"/api/v1/webhooks/{body['id']}", headers=api.as_user("admin"))
    assert again.status_code == 404 and again.json()["error"]["message"] == "해당 웹훅 구독을 찾을 수 없습니다."


# ---------------------------------------------------------------- delivery


@pytest.fixture(params=["sqlite", "postgresql"])
def private_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """A database no server and no scheduler touches: the tests below choose every `now`."""
    with fresh_database(request.param, tmp_path) as (_url, db):
        yield db


def file_now(db: sessionmaker[Session], text: str) -> str:
    with db() as session, session.begin():
        agent = session.scalars(select(User).where(User.username == AGENT)).one()
        return open_complaint(session, ComplaintInput(text=text, channel="agent", submitted_by=agent)).case.number


def test_api_complaint_reaches_the_subscriber(api: Api, sessions: sessionmaker[Session]) -> None:
    """Through the running server. Whoever sends (an embedded scheduler in the server, if
    one runs, or this test) the receiver gets the event exactly once, signed."""
    with Receiver(failures=0) as receiver:
        subscription_id = api.post("/api/v1/webhooks", "admin", json={"url": receiver.url, "event_kinds": ["received"], "secret": SECRET}).json()["id"]
        try:
            # Filed by staff for no customer: never linked to an earlier case of the same customer.
            created = api.post("/api/v1/complaints", "supervisor1", json={"text": "인터넷 요금이 두 번 빠져나갔습니다.", "channel": "agent"})
            assert created.status_code == 201, created.text
            number = created.json()["case_number"]
            enqueue_case_events(sessions, number)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and delivery_states(sessions, subscription_id) != ["delivered"]:
                service.deliver_due(sessions)
                time.sleep(0.05)
            [request] = receiver.wait_for(1)
            assert request["valid"]
            payload = json.loads(request["body"])
            assert payload["kind"] == "received" and payload["case"]["number"] == number
            assert payload["event"]["data"]["channel"] == "agent"
            assert "인터넷 요금" not in request["body"].decode()  # no complaint text leaves the system
            shown = api.get(f"/api/v1/webhooks/{subscription_id}", "admin").json()
            assert shown["deliveries"]["delivered"] == 1 and shown["recent_deliveries"][0]["status"] == "delivered"
        finally:
            api.http.delete(f"/api/v1/webhooks/{subscription_id}", headers=api.as_user("admin"))


def test_event_is_queued_in_its_transaction_and_delivered_signed_after_a_500(private_db: sessionmaker[Session]) -> None:
    with Receiver(failures=1) as receiver:
        with private_db() as session, session.begin():
            subscription_id = service.create_subscription(session, receiver.url, ["received"], secret=SECRET).id
        number = file_now(private_db, "인터넷 요금이 두 번 빠져나갔습니다.")
        enqueue_case_events(private_db, number)
        enqueue_case_events(private_db, number)  # a second call for the same events adds nothing
        queued = deliveries(private_db, subscription_id)
        assert [(d.event_kind, d.status, d.attempts) for d in queued] == [("received", "pending", 0)]
        assert receiver.requests == []  # queued, not sent: the complaint did not wait for the receiver

        first_try = utcnow()
        report = service.deliver_due(private_db, first_try)
        assert report.retrying == [queued[0].id] and report.delivered == []
        row = deliveries(private_db, subscription_id)[0]
        assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, 500)
        assert "500" in row.last_error and not row.last_error.isascii()
        assert row.next_attempt_at == first_try + timedelta(seconds=30)

        assert service.deliver_due(private_db, first_try + timedelta(seconds=29)).as_dict() == {"delivered": [], "retrying": [], "failed": []}
        report = service.deliver_due(private_db, first_try + timedelta(seconds=30))
        assert report.delivered == [queued[0].id]
        row = deliveries(private_db, subscription_id)[0]
        assert (row.status, row.attempts, row.last_status_code, row.last_error) == ("delivered", 2, 204, "")

        requests = receiver.wait_for(2)
        assert len(requests) == 2 and all(r["valid"] for r in requests)
        assert requests[0]["body"] == requests[1]["body"]
        assert [r["headers"]["X-Minwon-Attempt"] for r in requests] == ["1", "2"]
        assert {r["headers"]["X-Minwon-Delivery"] for r in requests} == {str(queued[0].id)}
        assert json.loads(requests[1]["body"])["case"]["number"] == number
        assert service.deliver_due(private_db, first_try + timedelta(hours=1)).delivered == []


def test_unreachable_receiver_is_retried_with_back_off_then_given_up(private_db: sessionmaker[Session]) -> None:
    url = f"http://127.0.0.1:{free_port()}/nobody-listens"
    with private_db() as session, session.begin():
        subscription_id = service.create_subscription(session, url, ["received"], secret="s" * 20).id
        inactive_id = service.create_subscription(session, url, ["*"], secret="s" * 20, active=False).id
    enqueue_case_events(private_db, file_now(private_db, "해지 신청을 했는데 요금이 계속 나옵니다."))
    assert deliveries(private_db, inactive_id) == []
    [delivery] = deliveries(private_db, subscription_id)
    now = utcnow()
    waits = []
    for attempt in range(1, service.MAX_ATTEMPTS + 1):
        report = service.deliver_due(private_db, now)
        row = deliveries(private_db, subscription_id)[0]
        assert row.attempts == attempt and row.last_status_code is None
        if attempt < service.MAX_ATTEMPTS:
            assert report.retrying == [delivery.id] and "연결하지 못했습니다" in row.last_error
            waits.append(row.next_attempt_at - now)
            now = row.next_attempt_at
        else:
            assert report.failed == [delivery.id]
    assert waits == [service.backoff(n) for n in range(1, service.MAX_ATTEMPTS)]
    assert waits[1] == 2 * waits[0] and waits[2] == 2 * waits[1]
    row = deliveries(private_db, subscription_id)[0]
    assert row.status == "failed" and f"{service.MAX_ATTEMPTS}번 시도" in row.last_error
    assert service.deliver_due(private_db, now + timedelta(days=1)).as_dict() == {"delivered": [], "retrying": [], "failed": []}
    with private_db() as session, session.begin():
        assert service.delete_subscription(session, subscription_id) == 0
    assert deliveries(private_db, subscription_id) == []


def test_two_senders_never_send_one_delivery_twice(private_db: sessionmaker[Session]) -> None:
    with Receiver(failures=0) as receiver:
        with private_db() as session, session.begin():
            subscription_id = service.create_subscription(session, receiver.url, ["received", "assigned"], secret=SECRET).id
        for n in range(3):
            enqueue_case_events(private_db, file_now(private_db, f"{n}번째 문의: 요금 청구서가 오지 않습니다."))
        queued = {d.id for d in deliveries(private_db, subscription_id)}
        assert len(queued) == 6
        now = utcnow()
        reports: list[service.DeliveryReport] = []
        senders = [threading.Thread(target=lambda: reports.append(service.deliver_due(private_db, now))) for _ in range(4)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
        sent = [d for r in reports for d in r.delivered]
        assert sorted(sent) == sorted(queued)
        assert len(receiver.wait_for(len(queued))) == len(queued)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_sla_breach_reaches_the_subscriber(kind: str, tmp_path: Path) -> None:
    with fresh_database(kind, tmp_path) as (_url, db), Receiver(failures=0) as receiver:
        with db() as session, session.begin():
            service.create_subscription(session, receiver.url, ["sla_breached", "sla_second_level"], secret=SECRET)
        case_id = file_case(db, kst(2026, 11, 20, 17, 0))
        escalations = run_sweep(db, kst(2026, 11, 24, 12, 0))
        with db() as session, session.begin():
            for escalation in escalations:
                service.enqueue_for_event(session, session.get_one(CaseEvent, escalation.event_id))
        report = service.deliver_due(db, utcnow())
        assert len(report.delivered) == 2
        bodies = [json.loads(r["body"]) for r in receiver.wait_for(2)]
        assert [b["kind"] for b in bodies] == ["sla_breached", "sla_second_level"]
        assert bodies[0]["event"]["data"]["clock"] == "first_response"
        assert bodies[1]["event"]["data"]["record"]["clocks"]["first_response"]["status"] == "breached"
        with db() as session:
            number = session.get_one(Case, case_id).number
            assert {b["case"]["number"] for b in bodies} == {number}
            assert session.scalar(select(WebhookSubscription.id)) is not None
