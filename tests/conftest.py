"""Shared fixtures: a real database (SQLite, and PostgreSQL where one answers) and a real
HTTP server (uvicorn on a free loopback port) for the API tests."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from minwon.config import Settings
from minwon.db import make_engine, migrate, session_factory
from minwon.demo import load_demo_data

# CI has PostgreSQL here (trust auth, database `test`); point elsewhere with this variable.
POSTGRES_URL = os.environ.get("MINWON_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL.replace("postgresql+psycopg", "postgresql"), connect_timeout=3):
            return None
    except Exception as exc:  # any failure means: no PostgreSQL for this run
        return f"PostgreSQL not reachable at {POSTGRES_URL} ({type(exc).__name__}); set MINWON_TEST_POSTGRES_URL"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'minwon.db'}"
        return
    reason = _postgres_available()
    if reason:
        pytest.skip(reason)
    import psycopg

    name = f"minwon_test_{uuid.uuid4().hex[:10]}"
    admin_url = POSTGRES_URL.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    var_dir = tmp_path_factory.mktemp("var")
    return Settings(database_url=database_url, broker_url=None, secret_key="test-secret", var_dir=Path(var_dir))


@pytest.fixture(scope="session")
def prepared_database(settings: Settings) -> Settings:
    engine = make_engine(settings.database_url)
    migrate(engine)
    load_demo_data(session_factory(engine), settings.secret_key, cases=0)
    engine.dispose()
    return settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def server(prepared_database: Settings) -> Iterator[str]:
    from minwon.web.app import create_app

    port = free_port()
    config = uvicorn.Config(create_app(prepared_database), host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
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
    yield base
    instance.should_exit = True
    thread.join(timeout=10)


class Api:
    def __init__(self, base: str) -> None:
        self.base = base
        self.http = httpx.Client(base_url=base, timeout=60)
        self._tokens: dict[str, str] = {}

    def token(self, username: str, password: str = "minwon-demo") -> str:
        if username not in self._tokens:
            response = self.http.post("/api/v1/auth/token", data={"username": username, "password": password})
            assert response.status_code == 200, response.text
            self._tokens[username] = response.json()["access_token"]
        return self._tokens[username]

    def as_user(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"}

    def post(self, path: str, username: str, **kwargs: object) -> httpx.Response:
        headers = {**self.as_user(username), **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        return self.http.post(path, headers=headers, **kwargs)  # type: ignore[arg-type]

    def get(self, path: str, username: str) -> httpx.Response:
        return self.http.get(path, headers=self.as_user(username))


@pytest.fixture(scope="session")
def api(server: str) -> Api:
    return Api(server)
