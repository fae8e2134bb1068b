"""Fault test: the server is SIGKILLed in the middle of a burst of concurrent complaints whose
clients retry with their Idempotency-Key until they get a 201. After a restart on the same
database every acknowledged complaint is there exactly once and nothing is duplicated.

Runs `minwon serve` as a real process (no in-process server: a SIGKILL must really lose the
process's memory, its open transactions and its connections), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from minwon.cases.models import Case, Contact, IdempotencyRecord
from minwon.db import make_engine
from tests.conftest import POSTGRES_URL, _postgres_available, free_port

CLIENTS = 8
COMPLAINTS_PER_CLIENT = 25
KILL_AFTER_ACKS = 40
# Generous bounds for a slow CI machine; they only stop a hung test, nothing is timed.
STARTUP_SECONDS = 120
CLIENT_GIVE_UP_SECONDS = 300


def minwon_executable() -> str:
    beside = Path(sys.executable).parent / "minwon"
    found = str(beside) if beside.exists() else shutil.which("minwon")
    if not found:
        pytest.skip("the `minwon` command is not installed (pip install -e .)")
    return found


class ServerProcess:
    """`minwon serve` in its own process, started and killed by the test."""

    def __init__(self, database_url: str, var_dir: Path, log_path: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = {
            **os.environ,
            "MINWON_DATABASE_URL": database_url,
            "MINWON_VAR_DIR": str(var_dir),
            "MINWON_SECRET": "durability-test-secret",
            "PYTHONUNBUFFERED": "1",
        }
        # Background work runs inline: the test is about the request path and the database.
        self.env.pop("MINWON_BROKER_URL", None)
        self.process: subprocess.Popen[bytes] | None = None

    def demo_accounts(self) -> None:
        subprocess.run(
            [minwon_executable(), "demo-data", "--cases", "0"], env=self.env, check=True, capture_output=True, timeout=STARTUP_SECONDS
        )

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [minwon_executable(), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"minwon serve exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if httpx.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"minwon serve did not answer /healthz:\n{self.log_tail()}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)

    def token(self, username: str) -> str:
        response = httpx.post(
            self.base + "/api/v1/auth/token", data={"username": username, "password": "minwon-demo"}, timeout=30
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


@contextmanager
def fresh_database(kind: str, directory: Path) -> Iterator[str]:
    """A database of its own ("sqlite" or "postgresql"): the assertions count every row in it."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'minwon.db'}"
        return
    reason = _postgres_available()
    if reason:
        pytest.skip(reason)
    import psycopg

    name = f"minwon_fault_{uuid.uuid4().hex[:10]}"
    admin_url = POSTGRES_URL.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


@dataclass
class Burst:
    """What the clients saw. Only `acknowledged` (a 201 received) is a promise of the server."""

    acknowledged: dict[str, str] = field(default_factory=dict)  # idempotency key -> case number
    texts: dict[str, str] = field(default_factory=dict)  # idempotency key -> marker in the text
    transport_errors: int = 0
    # Requests that were sent and then lost their connection: the server may have stored them.
    cut_in_flight: int = 0
    unexpected: list[str] = field(default_factory=list)
    gave_up: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    enough_acks: threading.Event = field(default_factory=threading.Event)


def _client(base: str, token: str, client_no: int, burst: Burst) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, timeout=30) as http:
        for number in range(COMPLAINTS_PER_CLIENT):
            key = str(uuid.uuid4())
            marker = f"DUR{client_no:02d}N{number:02d}X{key[:8]}"
            with burst.lock:
                burst.texts[key] = marker
            # Filed by staff without a customer, so no complaint can be linked to another
            # customer's open case: one complaint is one case.
            payload = {"text": f"[{marker}] 저녁마다 인터넷이 끊기고 고객센터도 연결이 안 됩니다.", "channel": "api"}
            give_up_at = time.monotonic() + CLIENT_GIVE_UP_SECONDS
            while True:
                if time.monotonic() > give_up_at:
                    with burst.lock:
                        burst.gave_up.append(key)
                    break
                try:
                    response = http.post("/api/v1/complaints", json=payload, headers={**headers, "Idempotency-Key": key})
                except httpx.TransportError as exc:
                    # Refused, reset or timed out: the complaint may or may not be stored; only
                    # a retry with the same key can tell, and it must not create a second case.
                    with burst.lock:
                        burst.transport_errors += 1
                        if not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
                            burst.cut_in_flight += 1
                    time.sleep(0.05)
                    continue
                if response.status_code == 201:
                    with burst.lock:
                        burst.acknowledged[key] = response.json()["case_number"]
                        if len(burst.acknowledged) >= KILL_AFTER_ACKS:
                            burst.enough_acks.set()
                    break
                # A careful client retries a 5xx or 409 with the same key too; the test still
                # reports it, since the server should never answer a valid complaint that way.
                with burst.lock:
                    burst.unexpected.append(f"{response.status_code} {response.text[:300]}")
                if response.status_code < 500 and response.status_code != 409:
                    break
                time.sleep(0.05)


def test_sigkill_mid_burst_loses_and_duplicates_nothing(fresh_database_url: str, tmp_path: Path) -> None:
    server = ServerProcess(fresh_database_url, tmp_path / "var", tmp_path / "server.log")
    server.demo_accounts()
    server.start()
    try:
        token = server.token("agent1")
        burst = Burst()
        clients = [threading.Thread(target=_client, args=(server.base, token, n, burst), daemon=True) for n in range(CLIENTS)]
        for client in clients:
            client.start()
        assert burst.enough_acks.wait(timeout=CLIENT_GIVE_UP_SECONDS), f"fewer than {KILL_AFTER_ACKS} acknowledged:\n{server.log_tail()}"
        server.kill()
        with burst.lock:
            acknowledged_before_kill = dict(burst.acknowledged)
        # Same port, so the clients' retries reach the new process without being told.
        server.start()
        for client in clients:
            client.join(timeout=CLIENT_GIVE_UP_SECONDS + 60)
        assert not any(client.is_alive() for client in clients), "clients still retrying"
    finally:
        server.stop()

    all_keys = set(burst.texts)
    print(  # shown with -rP: how hard the kill hit this run
        f"acknowledged before kill: {len(acknowledged_before_kill)}, after: {len(burst.acknowledged) - len(acknowledged_before_kill)}, "
        f"requests cut in flight: {burst.cut_in_flight}, transport errors retried: {burst.transport_errors}, "
        f"other answers: {len(burst.unexpected)}"
    )
    assert len(all_keys) == CLIENTS * COMPLAINTS_PER_CLIENT
    assert not burst.gave_up, f"{len(burst.gave_up)} complaints never acknowledged:\n{server.log_tail()}"
    assert len(acknowledged_before_kill) >= KILL_AFTER_ACKS
    assert len(acknowledged_before_kill) < len(all_keys), "the burst was over before the kill; nothing was interrupted"
    assert burst.cut_in_flight > 0, "no request was in flight at the kill; the fault was not exercised"
    # What was promised before the kill is still what the server answers after it.
    for key, number in acknowledged_before_kill.items():
        assert burst.acknowledged[key] == number

    engine = make_engine(fresh_database_url)
    try:
        with engine.connect() as connection:
            numbers = Counter(connection.scalars(select(Case.number)).all())
            case_count = connection.scalar(select(func.count(Case.id)))
            records = connection.execute(
                select(IdempotencyRecord.key, IdempotencyRecord.case_id, Case.number).join(Case, Case.id == IdempotencyRecord.case_id)
            ).all()
            texts = connection.scalars(select(Contact.raw_text)).all()
    finally:
        engine.dispose()

    # Every acknowledged case number exists exactly once.
    acknowledged_numbers = Counter(burst.acknowledged.values())
    assert all(count == 1 for count in acknowledged_numbers.values()), "two keys were answered with one case"
    missing = [number for number in acknowledged_numbers if numbers[number] != 1]
    assert not missing, f"acknowledged but not stored exactly once: {missing}"
    # One case per distinct key, and no key maps to two cases (or two keys to one case).
    assert case_count == len(all_keys), f"{case_count} cases for {len(all_keys)} idempotency keys"
    record_keys = Counter(key for key, _, _ in records)
    assert set(record_keys) == all_keys
    assert all(count == 1 for count in record_keys.values())
    assert len({case_id for _, case_id, _ in records}) == len(records)
    stored_number = {key: number for key, _, number in records}
    assert {key: stored_number[key] for key in burst.acknowledged} == burst.acknowledged
    # Every complaint text is stored exactly once.
    marker_pattern = re.compile(r"\[(DUR\d{2}N\d{2}X[0-9a-f]{8})\]")
    stored_markers = Counter(m for text in texts for m in marker_pattern.findall(text))
    assert stored_markers == Counter(burst.texts.values())
    assert not burst.unexpected, f"valid complaints answered with neither 201 nor a transport error: {burst.unexpected[:5]}"
