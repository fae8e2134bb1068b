"""Stories from DEVELOPERS.md "Why it exists", end to end through the HTTP API."""

from __future__ import annotations

from tests.conftest import Api


def _file(api: Api, username: str, text: str, **extra: object) -> dict:
    response = api.post("/api/v1/complaints", username, json={"text": text, "channel": "web", **extra})
    assert response.status_code == 201, response.text
    return response.json()


def test_ten_transfers_escalate_at_the_third(api: Api) -> None:
    case = _file(api, "supervisor1", "통신사 고객센터에서 이 부서 저 부서로 전화만 돌리고 아무도 해결을 안 해줍니다. 청구 오류 문의입니다.")
    number = case["case_number"]
    agents = ["agent2", "agent3", "agent5", "agent7", "agent9", "agent2", "agent3", "agent5", "agent7", "agent9"]
    escalations = []
    for count, target in enumerate(agents, 1):
        response = api.post(f"/api/v1/cases/{number}/transfer", "supervisor1", json={"to_user": target, "reason": f"{count}차 이관: 담당 부서 확인"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["transfer_count"] == count
        escalations = [e for e in body["timeline"] if e["kind"] == "escalated"]
        if count < 3:
            assert escalations == []
    assert len(escalations) == 1 and "3번째 이관" in escalations[0]["note"]
    reasons = [e["note"] for e in body["timeline"] if e["kind"] == "transferred"]
    assert len(reasons) == 10 and all("이관" in r for r in reasons)


def test_transfer_needs_a_reason_and_a_real_agent(api: Api) -> None:
    number = _file(api, "supervisor1", "요금이 이중으로 청구되었습니다.")["case_number"]
    response = api.post(f"/api/v1/cases/{number}/transfer", "supervisor1", json={"to_user": "agent2", "reason": " "})
    assert response.status_code == 409 and "사유" in response.json()["error"]["message"]
    response = api.post(f"/api/v1/cases/{number}/transfer", "supervisor1", json={"to_user": "nobody", "reason": "확인"})
    assert response.status_code == 404


def test_three_months_of_repeat_complaints_are_linked_escalated_and_inspections_visible(api: Api) -> None:
    first = _file(api, "customer2", "매일 통화가 끊깁니다. 3개월째 같은 문제인데 단말기 문제라고만 합니다.")
    second = _file(api, "customer2", "또 통화가 끊겼어요. 지난번에 접수했는데 달라진 게 없습니다.")
    third = _file(api, "customer2", "세 번째 연락입니다. 통화 끊김이 계속되는데 보상도 안 된다고 합니다.")
    assert second["case_number"] == first["case_number"] == third["case_number"]
    assert second["linked_to_existing"] and "연결" in second["message"]
    number = first["case_number"]
    response = api.post(
        f"/api/v1/cases/{number}/inspections", "supervisor1",
        json={"checked": "진주 평거동 기지국 및 고객 단말 로그", "finding": "기지국 안테나 불량 확인, 교체 예정", "inspected_at": "2026-11-20T10:00:00+09:00"},
    )
    assert response.status_code == 200, response.text
    detail = api.get(f"/api/v1/cases/{number}", "customer2").json()
    assert detail["repeat_count"] == 2
    kinds = [e["kind"] for e in detail["timeline"]]
    assert kinds.count("repeat_contact") == 2 and "escalated" in kinds
    inspection = next(e for e in detail["timeline"] if e["kind"] == "inspection")
    assert inspection["data"]["finding"] == "기지국 안테나 불량 확인, 교체 예정"
    assert detail["priority"] in ("high", "urgent")


def test_no_fault_found_cannot_close_without_inspection_and_customer_confirmation(api: Api) -> None:
    number = _file(api, "customer1", "인터넷이 계속 끊기는데 지사에서 전산상 이상 없음이라며 AS 방문을 거부했습니다.")["case_number"]
    assert api.post(f"/api/v1/cases/{number}/resolve", "supervisor1", json={"note": "이상 없음", "no_fault": True}).status_code == 200
    response = api.post(f"/api/v1/cases/{number}/state", "supervisor1", json={"state": "closed"})
    assert response.status_code == 409 and response.json()["error"]["code"] == "inspection_required"
    api.post(
        f"/api/v1/cases/{number}/inspections", "supervisor1",
        json={"checked": "회선 품질 측정 5회", "finding": "측정 시점 이상 없음", "inspected_at": "2026-11-21T15:00:00+09:00"},
    )
    response = api.post(f"/api/v1/cases/{number}/state", "supervisor1", json={"state": "closed"})
    assert response.status_code == 409 and response.json()["error"]["code"] == "confirmation_required"
    rejected = api.post(f"/api/v1/cases/{number}/confirmation", "customer1", json={"accepted": False, "note": "어제도 끊겼어요"})
    assert rejected.status_code == 200 and rejected.json()["state"] == "in_progress"
