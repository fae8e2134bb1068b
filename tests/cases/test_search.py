"""Case lists through the HTTP API: Korean-aware search, filters, pages, roles, export.

Every test files its own cases with a random Latin marker word and searches for it, so
that cases of other tests on the same server do not disturb the counts.
"""

from __future__ import annotations

import csv
import io
import random
import string
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from minwon.accounts.models import User
from minwon.cases import search
from minwon.cases.models import AuditRecord, Case, Contact
from minwon.cases.search_views import EXPORT_AUDIT_ACTION, HEADER
from minwon.cases.service import ComplaintInput, open_complaint
from minwon.config import Settings
from minwon.db import make_engine, session_factory, utcnow
from tests.conftest import Api

BILLING = "어제 {phone} 번호로 상담원이 전화해서 요금제를 바꾸라고 했는데 요금이 두 번 청구됐어요. {marker}"
OUTAGE = "인터넷이 자주 끊겨요. 기사님 방문을 원합니다. {marker}"
PHONE = "010-2345-6789"


def _marker() -> str:
    return "".join(random.choices(string.ascii_lowercase, k=12))


@pytest.fixture(scope="module")
def db(prepared_database: Settings) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(prepared_database.database_url)
    yield session_factory(engine)
    engine.dispose()


def _file(api: Api, text: str, username: str = "supervisor1", **extra: object) -> dict[str, Any]:
    response = api.post("/api/v1/complaints", username, json={"text": text, "channel": "agent", **extra})
    assert response.status_code == 201, response.text
    return response.json()


def _get(api: Api, path: str, username: str | None, **params: object) -> httpx.Response:
    headers = api.as_user(username) if username else {}
    return api.http.get(path, params=params, headers=headers)  # type: ignore[arg-type]


def _numbers(api: Api, username: str, **params: object) -> list[str]:
    response = _get(api, "/api/v1/cases", username, per_page=200, **params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return [item["case_number"] for item in body["items"]]


def _transfer(api: Api, number: str, to_user: str) -> None:
    response = api.post(f"/api/v1/cases/{number}/transfer", "supervisor1", json={"to_user": to_user, "reason": "담당 팀 조정"})
    # Routing may already have given the case to this agent.
    assert response.status_code == 200 or response.json()["error"]["code"] == "same_owner", response.text


def test_a_different_particle_finds_the_case(api: Api) -> None:
    marker = _marker()
    billing = _file(api, BILLING.format(phone=PHONE, marker=marker))["case_number"]
    outage = _file(api, OUTAGE.format(marker=marker))["case_number"]

    # The text says 요금제를; the query 요금제가 — both are the morpheme 요금제.
    assert _numbers(api, "supervisor1", q=f"요금제가 {marker}") == [billing]
    assert _numbers(api, "supervisor1", q=f"요금제는 {marker}") == [billing]
    assert set(_numbers(api, "supervisor1", q=marker)) == {billing, outage}
    assert _numbers(api, "supervisor1", q=f"기사님이 {marker}") == [outage]
    assert _numbers(api, "supervisor1", q=f"요금제 해지 {marker}") == []  # every word must occur
    # Query syntax is plain text: OR is one more word that must occur, not an operator.
    assert _numbers(api, "supervisor1", q=f'"요금제" OR {marker}') == []
    for odd in ('"', "*", "요금제*", "NEAR(요금제", "-", "!!!", "은는이가"):
        assert _get(api, "/api/v1/cases", "supervisor1", q=odd).status_code == 200

    item = _get(api, "/api/v1/cases", "supervisor1", q=f"요금제가 {marker}").json()["items"][0]
    assert item["state_name"] in ("접수", "배정")
    assert item["sla"]["status"] == "ok" and item["sla"]["status_name"] == "정상"
    assert PHONE not in item["title"]


def test_filters_combine(api: Api) -> None:
    marker = _marker()
    billing = _file(api, BILLING.format(phone=PHONE, marker=marker), product="mobile", region="제주특별자치도")
    outage = _file(api, OUTAGE.format(marker=marker), product="iptv", region="부산광역시")
    a, b = billing["case_number"], outage["case_number"]
    _transfer(api, a, "agent2")
    _transfer(api, b, "agent6")
    response = api.post(f"/api/v1/cases/{a}/state", "supervisor1", json={"state": "in_progress"})
    assert response.status_code == 200, response.text

    assert _numbers(api, "supervisor1", q=marker, state="in_progress") == [a]
    assert _numbers(api, "supervisor1", q=marker, state="closed") == []
    only_billing = next(c for c in billing["categories"] if c not in outage["categories"])
    assert _numbers(api, "supervisor1", q=marker, category=only_billing) == [a]
    assert _numbers(api, "supervisor1", q=marker, product="iptv") == [b]
    assert _numbers(api, "supervisor1", q=marker, region="제주특별자치도") == [a]
    assert _numbers(api, "supervisor1", q=marker, owner="agent6") == [b]
    assert _numbers(api, "supervisor1", q=marker, owner="agent6", product="mobile") == []
    assert _numbers(api, "supervisor1", q=marker, owner="nobody") == []

    item = _get(api, "/api/v1/cases", "supervisor1", q=marker, owner="agent2").json()["items"][0]
    assert item["state"] == "in_progress" and item["state_name"] == "처리중"
    assert item["owner_username"] == "agent2" and item["owner_team"]
    assert only_billing in [c["code"] for c in item["categories"]] and all(c["name"] for c in item["categories"])


def test_pages_and_totals(api: Api) -> None:
    marker = _marker()
    filed = [_file(api, f"{n}번째 문의입니다. 데이터 요금이 너무 많이 나왔어요. {marker}")["case_number"] for n in range(5)]
    pages = []
    for page in (1, 2, 3, 4):
        response = _get(api, "/api/v1/cases", "supervisor1", q=marker, page=page, per_page=2)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["page"], body["per_page"], body["total"]) == (page, 2, 5)
        pages.append([item["case_number"] for item in body["items"]])
    assert [len(p) for p in pages] == [2, 2, 1, 0]
    assert [n for p in pages for n in p] == list(reversed(filed))  # newest first, nothing twice


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"per_page": 0}, "per_page"),
        ({"per_page": 500}, "per_page"),
        ({"page": 0}, "page"),
        ({"page": "둘"}, "page"),
        ({"state": "접수중"}, "state"),
        ({"category": "weather"}, "category"),
        ({"sla": "late"}, "sla"),
        ({"sort": "owner"}, "sort"),
        ({"q": "가" * 201}, "q"),
    ],
)
def test_bad_parameters_are_refused_in_korean(api: Api, params: dict[str, object], field: str) -> None:
    paths = ["/api/v1/cases"] if field in ("page", "per_page") else ["/api/v1/cases", "/api/v1/cases/export"]
    for path in paths:
        response = _get(api, path, "supervisor1", **params)
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == "validation_error"
        assert "입력값을 확인해 주세요" in error["message"] and field in error["message"]
    response = _get(api, "/api/v1/cases/export", "supervisor1", format="pdf")
    assert response.status_code == 422 and "format" in response.json()["error"]["message"]


def test_roles(api: Api) -> None:
    marker = _marker()
    a = _file(api, BILLING.format(phone=PHONE, marker=marker))["case_number"]
    b = _file(api, OUTAGE.format(marker=marker))["case_number"]
    _transfer(api, a, "agent2")  # billing team: agent2, agent7
    _transfer(api, b, "agent6")  # network team: agent1, agent6

    assert _numbers(api, "agent7", q=marker) == [a]  # the team's case, not owned by agent7
    assert _numbers(api, "agent2", q=marker) == [a]
    assert _numbers(api, "agent6", q=marker) == [b]
    assert _numbers(api, "agent3", q=marker) == []
    assert set(_numbers(api, "supervisor1", q=marker)) == {a, b}
    assert set(_numbers(api, "admin", q=marker)) == {a, b}
    rows = list(csv.reader(io.StringIO(_get(api, "/api/v1/cases/export", "agent7", q=marker).content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [a]

    for path in ("/api/v1/cases", "/api/v1/cases/export"):
        response = _get(api, path, "customer1")
        assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
        assert not response.json()["error"]["message"].isascii()
        assert _get(api, path, None).status_code == 401


def test_sla_filter_and_risk_order(api: Api, db: sessionmaker[Session]) -> None:
    marker = _marker()
    with db() as session:
        supervisor = session.scalars(select(User).where(User.username == "supervisor1")).one()
        # Filed 30 days ago and never answered: every first-response deadline has passed.
        old = open_complaint(
            session,
            ComplaintInput(text=OUTAGE.format(marker=marker), channel="api", submitted_by=supervisor),
            now=utcnow() - timedelta(days=30),
        ).case.number
        session.commit()
    fresh = _file(api, BILLING.format(phone=PHONE, marker=marker))["case_number"]

    assert _numbers(api, "supervisor1", q=marker, sla="breached") == [old]
    assert _numbers(api, "supervisor1", q=marker, sla="ok") == [fresh]
    assert _numbers(api, "supervisor1", q=marker, sla="warning") == []
    assert _numbers(api, "supervisor1", q=marker) == [fresh, old]
    assert _numbers(api, "supervisor1", q=marker, sort="sla_risk") == [old, fresh]
    body = _get(api, "/api/v1/cases", "supervisor1", q=marker, sla="breached", per_page=1).json()
    assert body["total"] == 1 and body["items"][0]["sla"]["status_name"] == "위반"
    assert _get(api, "/api/v1/cases", "supervisor1", q=marker, sla="breached", page=2).json() == {
        "items": [], "page": 2, "per_page": 20, "total": 1,
    }


def test_index_follows_contact_changes(api: Api, db: sessionmaker[Session]) -> None:
    """The triggers (SQLite) and the generated column (PostgreSQL) keep the index current."""
    marker, renamed = _marker(), _marker()
    number = _file(api, OUTAGE.format(marker=marker))["case_number"]
    with db() as session:
        admin = session.scalars(select(User).where(User.username == "admin")).one()
        contact = session.scalars(select(Contact).join(Case).where(Case.number == number)).one()
        contact.search_tokens = contact.search_tokens.replace(marker, renamed)
        contact.masked_text = contact.masked_text.replace(marker, renamed)
        session.commit()
        found = search.search_page(session, admin, search.CaseFilter(q=renamed), 1, 10, utcnow())
        assert [row.number for row, _sla in found.rows] == [number]
        assert search.search_page(session, admin, search.CaseFilter(q=f"끊기는 {marker}"), 1, 10, utcnow()).total == 0


def _audits(db: sessionmaker[Session], number: str) -> list[AuditRecord]:
    with db() as session:
        return list(session.scalars(select(AuditRecord).where(AuditRecord.target == number)))


def test_csv_export_is_masked_and_opens_in_excel(api: Api, db: sessionmaker[Session]) -> None:
    marker = _marker()
    a = _file(api, BILLING.format(phone=PHONE, marker=marker))["case_number"]
    b = _file(api, OUTAGE.format(marker=marker), product="iptv")["case_number"]

    response = _get(api, "/api/v1/cases/export", "supervisor1", q=marker, format="csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == HEADER
    by_number = {row[0]: dict(zip(HEADER, row, strict=True)) for row in rows[1:]}
    assert set(by_number) == {a, b}
    assert "[전화번호]" in by_number[a]["민원 내용"] and PHONE not in response.content.decode("utf-8-sig")
    assert "iptv" in by_number[b]["상품"].split(", ") and by_number[a]["SLA"] == "정상"
    assert by_number[a]["상태"] in ("접수", "배정")
    assert [row[0] for row in rows[1:]] == [b, a]  # the list's order
    assert _audits(db, a) == []  # masked data: nothing to audit

    filtered = _get(api, "/api/v1/cases/export", "supervisor1", q=marker, product="iptv")
    assert [row[0] for row in csv.reader(io.StringIO(filtered.content.decode("utf-8-sig")))][1:] == [b]


def test_xlsx_export(api: Api) -> None:
    marker = _marker()
    a = _file(api, BILLING.format(phone=PHONE, marker=marker))["case_number"]
    response = _get(api, "/api/v1/cases/export", "supervisor1", q=marker, format="xlsx")
    assert response.status_code == 200, response.text
    assert "spreadsheetml" in response.headers["content-type"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert tuple(rows[0]) == HEADER and len(rows) == 2
    record = dict(zip(HEADER, rows[1], strict=True))
    assert record["접수번호"] == a and record["SLA"] == "정상"
    assert "[전화번호]" in str(record["민원 내용"]) and PHONE not in str(record["민원 내용"])
    assert record["접수일시"] is not None and hasattr(record["접수일시"], "year")


def test_unmasked_export_is_audited_and_refused_to_agents(api: Api, db: sessionmaker[Session]) -> None:
    marker = _marker()
    formula = f'=HYPERLINK("http://example.invalid/{marker}") {BILLING.format(phone=PHONE, marker=marker)}'
    a = _file(api, BILLING.format(phone=PHONE, marker=marker))["case_number"]
    b = _file(api, formula)["case_number"]  # raw text that looks like a spreadsheet formula

    for username in ("agent1", "agent2", "customer1"):
        response = _get(api, "/api/v1/cases/export", username, q=marker, unmasked=1)
        assert response.status_code == 403, response.text
        assert not response.json()["error"]["message"].isascii()
    assert _audits(db, a) == []

    response = _get(api, "/api/v1/cases/export", "supervisor1", q=marker, unmasked=1)
    assert response.status_code == 200, response.text
    rows = {row[0]: dict(zip(HEADER, row, strict=True)) for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert PHONE in rows[a]["민원 내용"]
    assert rows[b]["민원 내용"].startswith("'=HYPERLINK")  # a text cell, not a formula
    with db() as session:
        supervisor_id = session.scalars(select(User.id).where(User.username == "supervisor1")).one()
    audits = _audits(db, a)
    assert len(audits) == 1 and audits[0].action == EXPORT_AUDIT_ACTION and audits[0].user_id == supervisor_id
    assert len(_audits(db, b)) == 1

    response = _get(api, "/api/v1/cases/export", "admin", q=marker, unmasked="true", format="xlsx")
    assert response.status_code == 200, response.text
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    content = cells[b][HEADER.index("민원 내용")]
    assert content.data_type == "s" and str(content.value).startswith("=HYPERLINK")
    assert PHONE in str(cells[a][HEADER.index("민원 내용")].value)
    with db() as session:
        count = session.scalar(
            select(func.count(AuditRecord.id)).where(AuditRecord.target.in_([a, b]), AuditRecord.action == EXPORT_AUDIT_ACTION)
        )
    assert count == 4
