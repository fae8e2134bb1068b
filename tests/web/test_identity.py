"""Identity by phone + birth date + one-time code; never a 주민등록번호."""

from __future__ import annotations

import logging
import re

import pytest

from tests.conftest import Api


def _code_from_log(caplog: pytest.LogCaptureFixture) -> str:
    messages = [r.getMessage() for r in caplog.records if r.name == "minwon.identity"]
    assert messages, "the development sender logs the code"
    found = re.search(r"→ (\d{6})", messages[-1])
    assert found
    return found.group(1)


def test_customer_signs_in_with_phone_birth_date_and_code(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="minwon.identity")
    identity = {"phone": "010-1111-2222", "birth_date": "1980-05-17"}
    response = api.http.post("/api/v1/identity/code", json=identity)
    assert response.status_code == 202 and "인증번호" in response.json()["message"]
    code = _code_from_log(caplog)
    assert "010-****-2222" in caplog.records[-1].getMessage()
    wrong = api.http.post("/api/v1/identity/verify", json={**identity, "code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 422
    token = api.http.post("/api/v1/identity/verify", json={**identity, "code": code}).json()["access_token"]
    cases = api.http.get("/api/v1/my/cases", headers={"Authorization": f"Bearer {token}"})
    assert cases.status_code == 200
    # single use
    again = api.http.post("/api/v1/identity/verify", json={**identity, "code": code})
    assert again.status_code == 422


def test_unknown_number_gets_the_same_answer_and_no_code(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="minwon.identity")
    known = api.http.post("/api/v1/identity/code", json={"phone": "010-3333-4444", "birth_date": "1992-11-03"})
    caplog.clear()
    unknown = api.http.post("/api/v1/identity/code", json={"phone": "010-9999-0000", "birth_date": "1992-11-03"})
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()
    assert not [r for r in caplog.records if r.name == "minwon.identity"]


def test_a_resident_number_is_not_accepted_as_birth_date(api: Api) -> None:
    response = api.http.post("/api/v1/identity/code", json={"phone": "010-1111-2222", "birth_date": "800517-1234567"})
    assert response.status_code == 422
    assert "800517-1234567" not in response.text
    assert "birth_date" in response.json()["error"]["message"]
