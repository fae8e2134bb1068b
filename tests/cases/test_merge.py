"""Merging two cases and undoing the merge, through the HTTP API on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
import uvicorn

from minwon.config import Settings
from minwon.customers.service import register_customer
from minwon.db import make_engine, session_factory
from tests.conftest import Api, free_port

BILLING = "이번 달 요금이 이중으로 청구되었습니다. 환불해 주세요."
CONDUCT = "상담원이 불친절하게 전화를 끊었습니다."
NETWORK = "집 인터넷이 하루에도 몇 번씩 끊기고 속도가 너무 느립니다."
MERGE_PATH = "/api/v1/cases/{number}/merge"


@pytest.fixture(scope="module")
def merge_api(api: Api, prepared_database: Settings) -> Iterator[Api]:
    """The shared server once the merge router is part of the app; until then a server of the
    same app with the router added (no second scheduler: migrations are already applied)."""
    paths = httpx.get(api.base + "/openapi.json", timeout=30).json()["paths"]
    if MERGE_PATH in paths:
        yield api
        return
    from minwon.cases.merge_views import router
    from minwon.web.app import create_app

    app = create_app(prepared_database, apply_migrations=False)
    app.include_router(router)
    port = free_port()
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield Api(base)
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def new_customer(prepared_database: Settings) -> Iterator[Any]:
    """A factory of customers no other test files complaints for, so that intake's repeat
    linking cannot fold the test's cases together behind its back."""
    engine = make_engine(prepared_database.database_url)
    sessions = session_factory(engine)

    def make() -> int:
        digits = f"{uuid.uuid4().int % 10**8:08d}"
        with sessions() as session:
            customer = register_customer(
                session, "병합고객", f"010-{digits[:4]}-{digits[4:]}", date(1985, 3, 9), prepared_database.secret_key, "서울특별시"
            )
            session.commit()
            return int(customer.id)

    yield make
    engine.dispose()


def _file(api: Api, text: str, customer: int | None = None, username: str = "supervisor1") -> str:
    body: dict[str, Any] = {"text": text, "channel": "agent"}
    if customer is not None:
        body["customer"] = customer
    response = api.post("/api/v1/complaints", username, json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["case_number"])


def _case(api: Api, number: str, username: str = "supervisor1") -> dict[str, Any]:
    response = api.get(f"/api/v1/cases/{number}", username)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _merge(api: Api, target: str, source: str, username: str = "supervisor1", reason: str = "같은 문제의 중복 접수") -> httpx.Response:
    return api.post(f"/api/v1/cases/{target}/merge", username, json={"source": source, "reason": reason})


def _undo(api: Api, target: str, source: str, username: str = "supervisor1", reason: str = "다른 문제로 확인됨") -> httpx.Response:
    return api.post(f"/api/v1/cases/{target}/merge/undo", username, json={"source": source, "reason": reason})


def _error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert not error["message"].isascii(), error  # Korean, always
    return str(error["code"])


def test_merge_moves_contacts_closes_the_source_and_undo_restores_both(merge_api: Api, new_customer: Any) -> None:
    customer = new_customer()
    target, source = _file(merge_api, BILLING, customer), _file(merge_api, NETWORK, customer)
    assert target != source
    before_target, before_source = _case(merge_api, target), _case(merge_api, source)
    assert before_source["owner"] and before_source["state"] != "closed"

    response = _merge(merge_api, target, source)
    assert response.status_code == 200, response.text
    merged = response.json()
    assert merged["case_number"] == target
    source_contacts = {c["id"] for c in before_source["contacts"]}
    assert {c["id"] for c in merged["contacts"]} == {c["id"] for c in before_target["contacts"]} | source_contacts
    codes = lambda case: {c["code"] for c in case["categories"]}  # noqa: E731
    assert codes(merged) == codes(before_target) | codes(before_source)
    assert set(merged["products"]) == set(before_target["products"]) | set(before_source["products"])
    assert merged["repeat_count"] == before_target["repeat_count"] + before_source["repeat_count"] + 1
    entry = merged["timeline"][-1]
    assert entry["kind"] == "merged" and entry["data"]["source"] == source and "같은 문제의 중복 접수" in entry["note"]

    closed = _case(merge_api, source)
    assert closed["state"] == "closed" and closed["contacts"] == []
    entry = closed["timeline"][-1]
    assert entry["kind"] == "merged" and entry["state"] == "closed" and entry["data"]["target"] == target
    assert entry["data"]["previous"]["state"] == before_source["state"]
    assert target in entry["note"]  # the timeline says where the complaint went

    assert _error(_merge(merge_api, target, source), 409) == "already_merged"
    other = _file(merge_api, CONDUCT, customer)
    assert other not in (target, source)
    assert _error(_merge(merge_api, other, source), 409) == "already_merged"

    response = _undo(merge_api, target, source)
    assert response.status_code == 200, response.text
    restored_target = response.json()
    assert {c["id"] for c in restored_target["contacts"]} == {c["id"] for c in before_target["contacts"]}
    assert codes(restored_target) == codes(before_target)
    assert restored_target["products"] == before_target["products"]
    assert restored_target["repeat_count"] == before_target["repeat_count"]
    assert restored_target["priority"] == before_target["priority"]
    assert restored_target["timeline"][-1]["kind"] == "unmerged"
    restored_source = _case(merge_api, source)
    assert restored_source["state"] == before_source["state"]
    assert restored_source["owner"] == before_source["owner"]
    assert restored_source["owner_team"] == before_source["owner_team"]
    assert {c["id"] for c in restored_source["contacts"]} == source_contacts
    assert [e["kind"] for e in restored_source["timeline"]][-2:] == ["merged", "unmerged"]
    assert restored_source["timeline"][-1]["state"] == before_source["state"]

    assert _error(_undo(merge_api, target, source), 409) == "not_merged"
    # Once undone, the two may be merged again (and that merge undone again).
    assert _merge(merge_api, target, source).status_code == 200
    assert _undo(merge_api, target, source).status_code == 200


def test_cases_of_different_customers_are_not_merged(merge_api: Api, new_customer: Any) -> None:
    first, second = new_customer(), new_customer()
    a, b = _file(merge_api, BILLING, first), _file(merge_api, NETWORK, second)
    response = _merge(merge_api, a, b)
    assert _error(response, 409) == "merge_customer_mismatch" and "고객" in response.json()["error"]["message"]
    anonymous = _file(merge_api, NETWORK)
    assert _error(_merge(merge_api, a, anonymous), 409) == "merge_customer_mismatch"
    assert _error(_merge(merge_api, anonymous, a), 409) == "merge_customer_mismatch"
    assert _case(merge_api, b)["state"] != "closed"
    # Two cases without a customer (e.g. anonymous phone notes) may be merged.
    assert _merge(merge_api, anonymous, _file(merge_api, BILLING)).status_code == 200


def test_no_merge_into_itself_a_closed_case_or_a_merged_case(merge_api: Api, new_customer: Any) -> None:
    customer = new_customer()
    a, b, c = (_file(merge_api, text, customer) for text in (BILLING, NETWORK, CONDUCT))
    assert _error(_merge(merge_api, a, a), 409) == "merge_self"
    assert _merge(merge_api, a, b).status_code == 200
    assert _error(_merge(merge_api, b, c), 409) == "merge_target_merged"
    assert _error(_undo(merge_api, c, b), 409) == "not_merged"
    assert _error(_undo(merge_api, b, a), 409) == "not_merged"

    assert merge_api.post(f"/api/v1/cases/{c}/resolve", "supervisor1", json={"note": "사과드리고 재교육했습니다."}).status_code == 200
    closing = merge_api.post(f"/api/v1/cases/{c}/state", "supervisor1", json={"state": "closed"})
    assert closing.status_code == 200, closing.text
    assert _error(_merge(merge_api, c, a), 409) == "merge_target_closed"
    assert _case(merge_api, a)["state"] != "closed"


def test_only_the_latest_merge_is_undone(merge_api: Api) -> None:
    a, b, d, x = (_file(merge_api, text) for text in (BILLING, NETWORK, BILLING, NETWORK))
    assert _merge(merge_api, a, b).status_code == 200
    assert _merge(merge_api, a, d).status_code == 200
    assert _error(_undo(merge_api, a, b), 409) == "merged_again"
    assert _undo(merge_api, a, d).status_code == 200
    # A merge that was undone no longer stands in the way.
    assert _merge(merge_api, x, a).status_code == 200
    assert _error(_undo(merge_api, a, b), 409) == "merged_again"
    assert _undo(merge_api, x, a).status_code == 200
    response = _undo(merge_api, a, b)
    assert response.status_code == 200, response.text
    assert _case(merge_api, b)["state"] != "closed"
    assert len(_case(merge_api, b)["contacts"]) == 1 and len(_case(merge_api, d)["contacts"]) == 1


def test_staff_only_within_their_visibility_and_with_a_reason(merge_api: Api, new_customer: Any) -> None:
    customer = new_customer()
    billing, network = _file(merge_api, BILLING, customer), _file(merge_api, NETWORK, customer)
    billing_team, network_team = _case(merge_api, billing)["owner_team"], _case(merge_api, network)["owner_team"]
    assert billing_team != network_team

    assert _error(_merge(merge_api, billing, network, username="customer1"), 403) == "forbidden"
    # agent2 works in billing: the network case is not theirs to see, so it "does not exist".
    assert _error(_merge(merge_api, billing, network, username="agent2"), 404) == "not_found"
    assert _error(_merge(merge_api, network, billing, username="agent2"), 404) == "not_found"
    assert _error(_merge(merge_api, billing, "2026-9999999"), 404) == "not_found"
    assert _error(_merge(merge_api, billing, network, reason="  "), 409) == "reason_required"
    missing = merge_api.post(f"/api/v1/cases/{billing}/merge", "supervisor1", json={"source": network})
    assert _error(missing, 422) == "validation_error" and "reason" in missing.json()["error"]["message"]

    # agent1 works in network: two network cases of the same customer are theirs to merge.
    other_network = _file(merge_api, "인터넷 속도가 계약한 속도의 절반도 안 나옵니다.")
    mine = _file(merge_api, NETWORK)
    response = _merge(merge_api, mine, other_network, username="agent1")
    assert response.status_code == 200, response.text
    assert _undo(merge_api, mine, other_network, username="customer1").status_code == 403
    assert _undo(merge_api, mine, other_network, username="agent2").status_code == 404
    assert _undo(merge_api, mine, other_network, username="agent1").status_code == 200
