"""schemathesis against the served OpenAPI schema: whatever a client sends, valid or not, the
server answers without a 5xx and with a body that matches the schema it publishes.

A `minwon serve` process of its own on a fresh database (SQLite, and PostgreSQL where one
answers), so that fuzzed writes (new complaints, transfers, state changes) cannot disturb the
shared `server` fixture's tests.
Requests carry a supervisor's token, which may call every operation.

Why not `@schema.parametrize()` with `schemathesis.pytest.from_fixture`: with pytest 9.2 the
lazy loader fails on `request.node._nodeid` (an attribute pytest no longer has). So the
operations are listed at collection from the application's own schema, and each test drives
schemathesis' Hypothesis strategy for its operation against the served schema.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import select

from minwon.config import Settings
from minwon.customers.models import Customer
from minwon.db import make_engine
from tests.web.test_durability import ServerProcess, fresh_database

MAX_EXAMPLES = 25
CHECKS = [not_a_server_error, response_schema_conformance]


def _operations() -> list[str]:
    """Every operation as "METHOD /path", from the application itself (no server, no database)."""
    from minwon.web.app import create_app

    with tempfile.TemporaryDirectory() as scratch:
        app = create_app(
            Settings(database_url="sqlite:///:memory:", broker_url=None, secret_key="collect", var_dir=Path(scratch)),
            apply_migrations=False,
        )
        paths = app.openapi()["paths"]
        app.state.engine.dispose()
    return sorted(f"{method.upper()} {path}" for path, item in paths.items() for method in item)


OPERATIONS = _operations()
CASE_OPERATIONS = [label for label in OPERATIONS if "{number}" in label]


@dataclass(frozen=True)
class Target:
    base: str
    headers: dict[str, str]
    case_number: str
    customer_ids: tuple[int, ...]
    schema: schemathesis.BaseSchema


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    root = tmp_path_factory.mktemp("fuzz")
    with ExitStack() as cleanup:
        database_url = cleanup.enter_context(fresh_database(request.param, root))
        yield from _serve(database_url, root)


def _serve(database_url: str, root: Path) -> Iterator[Target]:
    server = ServerProcess(database_url, root / "var", root / "server.log")
    server.demo_accounts()
    server.start()
    try:
        headers = {"Authorization": f"Bearer {server.token('supervisor1')}"}
        # One real case, so that the operations on /cases/{number} also get past the 404.
        response = httpx.post(
            server.base + "/api/v1/complaints",
            json={"text": "인터넷이 저녁마다 끊겨서 기사 방문을 요청했는데 아무도 오지 않았습니다.", "channel": "agent"},
            headers=headers,
            timeout=60,
        )
        assert response.status_code == 201, response.text
        engine = make_engine(database_url)
        with engine.connect() as connection:
            customer_ids = tuple(connection.scalars(select(Customer.id).order_by(Customer.id)).all())
        engine.dispose()
        config = schemathesis.Config.from_dict({"headers": headers})
        schema = schemathesis.openapi.from_url(server.base + "/openapi.json", config=config, timeout=60)
        yield Target(server.base, headers, response.json()["case_number"], customer_ids, schema)
    finally:
        server.stop()


def _fuzz(target: Target, label: str, mode: GenerationMode, path_parameters: dict[str, str] | None = None) -> None:
    method, path = label.split(" ", 1)
    operation = target.schema[path][method]
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
    if label == "POST /api/v1/complaints":
        # Mostly real customers, so that fuzzing reaches the case service behind the check.
        strategy = strategy.map(lambda case: _known_customer(case, target.customer_ids))

    # No shrinking: each step is an HTTP round trip, and the failing request is reported as is.
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=target.base, headers=target.headers, checks=CHECKS, timeout=60)

    try:
        run()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise
        pytest.skip(f"{label}: nothing in this request can be made invalid (no body, no constrained parameter)")


def _known_customer(case: schemathesis.Case, customer_ids: tuple[int, ...]) -> schemathesis.Case:
    """An unknown `customer` number is answered 422 (tested below); pin fuzzed numbers to a real
    customer so that the rest of a complaint body reaches the case service."""
    if isinstance(case.body, dict):
        customer = case.body.get("customer")
        if isinstance(customer, int) and not isinstance(customer, bool):
            case.body["customer"] = customer_ids[abs(customer) % len(customer_ids)]
    return case


def test_served_schema_lists_the_same_operations(target: Target) -> None:
    served = sorted(f"{method.upper()} {path}" for path, item in target.schema.raw_schema["paths"].items() for method in item)
    assert served == OPERATIONS


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("label", OPERATIONS)
def test_no_5xx_and_schema_conformant(target: Target, label: str, mode: GenerationMode) -> None:
    _fuzz(target, label, mode)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("label", CASE_OPERATIONS)
def test_on_a_real_case_no_5xx_and_schema_conformant(target: Target, label: str, mode: GenerationMode) -> None:
    """The path names a case that exists, so the fuzzed bodies reach the case service."""
    _fuzz(target, label, mode, path_parameters={"number": target.case_number})


@pytest.mark.parametrize("customer", [999_999, -17_822_280_626])
def test_unknown_customer_number_is_a_korean_422_not_a_500(target: Target, customer: int) -> None:
    response = httpx.post(
        target.base + "/api/v1/complaints",
        json={"text": "인터넷이 끊겨요", "channel": "agent", "customer": customer},
        headers=target.headers,
        timeout=60,
    )
    assert response.status_code == 422, response.text
    assert "customer" in response.json()["error"]["message"]
