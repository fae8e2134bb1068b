"""The API contract outside checks rely on, over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.conftest import Api


def test_token_and_me(api: Api) -> None:
    response = api.http.post("/api/v1/auth/token", data={"username": "agent1", "password": "minwon-demo"})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["access_token"]
    me = api.http.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["role"] == "agent"


def test_wrong_password_and_missing_token_are_401_in_korean(api: Api) -> None:
    response = api.http.post("/api/v1/auth/token", data={"username": "agent1", "password": "nope"})
    assert response.status_code == 401
    assert "비밀번호" in response.json()["error"]["message"]
    response = api.http.post("/api/v1/complaints", json={"text": "인터넷이 끊겨요", "channel": "web"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    response = api.http.get("/api/v1/my/cases", headers={"Authorization": "Bearer forged.token"})
    assert response.status_code == 401


def test_customer_files_a_complaint_and_sees_it(api: Api) -> None:
    response = api.post(
        "/api/v1/complaints", "customer1",
        json={"text": "집 인터넷이 일주일째 저녁마다 끊깁니다. 기사 방문을 요청합니다.", "channel": "web"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    # customer1 may already have an open case on this problem (other tests): then it is linked
    assert body["case_number"] and body["state"] in ("received", "assigned", "in_progress")
    assert body["owner_team"]
    assert "접수번호" in body["message"] or "연결" in body["message"]
    assert body["deadlines"]["first_response"]["due_at"]
    mine = api.get("/api/v1/my/cases", "customer1").json()
    assert body["case_number"] in [c["case_number"] for c in mine]
    detail = api.get(f"/api/v1/cases/{body['case_number']}", "customer1").json()
    assert detail["timeline"][0]["kind"] in ("received", "repeat_contact")


def test_another_customers_case_is_404(api: Api) -> None:
    number = api.post("/api/v1/complaints", "customer1", json={"text": "요금이 두 배로 나왔어요", "channel": "web"}).json()[
        "case_number"
    ]
    assert api.get(f"/api/v1/cases/{number}", "customer2").status_code == 404
    assert api.get("/api/v1/cases/2026-9999999", "customer2").status_code == 404


def test_idempotency_key_replays_and_concurrent_retries_create_one_case(api: Api) -> None:
    key = str(uuid.uuid4())
    payload = {"text": f"고객센터가 40분째 연결이 안 됩니다 {key}", "channel": "api"}
    headers = {"Idempotency-Key": key}

    def send(_: int) -> httpx.Response:
        return api.post("/api/v1/complaints", "agent1", json=payload, headers=headers)

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(send, range(6)))
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
    assert len({r.json()["case_number"] for r in responses}) == 1


def test_bad_input_gets_korean_errors_naming_the_field(api: Api) -> None:
    response = api.post("/api/v1/complaints", "agent1", json={"text": "끊겨요", "channel": "fax"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error" and "channel" in error["message"]
    response = api.post("/api/v1/complaints", "agent1", json={"text": 123, "channel": "web"})
    assert response.status_code == 422 and "text" in response.json()["error"]["message"]
    response = api.post(
        "/api/v1/complaints", "agent1", content=b'{"text": "broken', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    response = api.post("/api/v1/complaints", "agent1", json={"text": "가" * 600_000, "channel": "web"})
    assert response.status_code == 413
    assert "1MB" in response.json()["error"]["message"]


def test_rrn_in_the_text_is_masked_before_it_is_stored(api: Api) -> None:
    response = api.post(
        "/api/v1/complaints", "customer2",
        json={"text": "본인 확인한다고 주민번호 900101-1234568 를 불러달래서 알려줬는데 너무 불안합니다.", "channel": "web"},
    )
    assert response.status_code == 201
    assert "주민등록번호" in response.json()["message"]
    detail = api.get(f"/api/v1/cases/{response.json()['case_number']}", "supervisor1").json()
    assert all("900101-1234568" not in c["text"] for c in detail["contacts"])


def test_unmasked_text_only_for_supervisors_and_every_read_is_audited(api: Api) -> None:
    number = api.post(
        "/api/v1/complaints", "customer1", json={"text": "연락처는 010-2345-6789 입니다. 인터넷이 끊겨요.", "channel": "web"}
    ).json()["case_number"]
    detail = api.get(f"/api/v1/cases/{number}", "supervisor1").json()
    contact = detail["contacts"][-1]
    assert "010-2345-6789" not in contact["text"] and "[전화번호]" in contact["text"]
    path = f"/api/v1/cases/{number}/contacts/{contact['id']}/raw"
    assert api.get(path, "agent1").status_code in (403, 404)
    assert api.get(path, "customer1").status_code == 403
    raw = api.get(path, "supervisor1")
    assert raw.status_code == 200 and "010-2345-6789" in raw.json()["text"]
    log = api.get("/api/v1/audit", "admin").json()
    assert any(entry["target"] == f"{number}/{contact['id']}" and entry["action"] == "reveal_contact" for entry in log)
    assert api.get("/api/v1/audit", "supervisor1").status_code == 403
