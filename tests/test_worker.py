"""Background work three ways: eager (no broker), the embedded scheduler thread, and real
Celery workers (`celery -A minwon.worker worker --pool=solo`) on Redis and RabbitMQ."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from minwon import worker
from minwon.cases.models import Case, CaseEvent
from minwon.db import utcnow
from minwon.webhooks import service
from minwon.webhooks.models import WebhookDelivery
from tests.sla.test_sla_sweeper import AGENT, file_case, fresh_database, kst
from tests.webhooks.test_webhooks import SECRET, Receiver

BROKERS = {
    "redis": os.environ.get("MINWON_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
    "rabbitmq": os.environ.get("MINWON_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//"),
}
CELERY = Path(sys.executable).with_name("celery")
PAYLOADS = [
    {"text": "인터넷이 하루에도 몇 번씩 끊깁니다. 기사 방문을 요청합니다.", "submitted_by": AGENT, "product": "internet", "region": "서울특별시"},
    {"text": "이번 달 요금이 두 번 청구되었습니다.", "submitted_by": AGENT, "channel": "api", "idempotency_key": "batch-1"},
    {"text": "접수자 없는 문서", "submitted_by": "nobody"},
]


def enqueue_all(sessions: sessionmaker[Session], kinds: set[str]) -> None:
    """Outbox rows for every event of these kinds (a no-op once add_event enqueues itself)."""
    with sessions() as session, session.begin():
        for event in session.scalars(select(CaseEvent).where(CaseEvent.kind.in_(kinds)).order_by(CaseEvent.id)):
            service.enqueue_for_event(session, event)


def delivery_states(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(WebhookDelivery.status).order_by(WebhookDelivery.id)))


@pytest.fixture
def sqlite_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, sessionmaker[Session]]]:
    with fresh_database("sqlite", tmp_path) as (url, sessions):
        monkeypatch.setenv("MINWON_DATABASE_URL", url)
        yield url, sessions


# ---------------------------------------------------------------- no broker


def test_beat_schedule_names_registered_tasks() -> None:
    schedule = worker.app.conf.beat_schedule
    assert {entry["task"] for entry in schedule.values()} == {"minwon.sla_sweep", "minwon.deliver_webhooks"}
    assert {"minwon.import_batch", "minwon.sla_sweep", "minwon.deliver_webhooks"} <= set(worker.app.tasks)


def test_eager_path_runs_every_task_in_process(sqlite_db: tuple[str, sessionmaker[Session]]) -> None:
    if os.environ.get("MINWON_BROKER_URL"):
        pytest.skip("MINWON_BROKER_URL is set in this environment, so minwon.worker is not eager")
    assert worker.app.conf.task_always_eager
    _url, sessions = sqlite_db
    result = worker.import_batch.delay(PAYLOADS).get()
    assert [r["index"] for r in result["imported"]] == [0, 1] and all(r["created"] for r in result["imported"])
    assert result["errors"] == [{"index": 2, "error": "접수자(submitted_by)를 찾을 수 없습니다: nobody"}]
    replay = worker.import_batch.delay([PAYLOADS[1]]).get()
    assert replay["imported"][0]["replayed"] and replay["imported"][0]["case_number"] == result["imported"][1]["case_number"]
    with sessions() as session:
        assert session.scalar(select(func.count(Case.id))) == 2

    file_case(sessions, kst(2026, 11, 20, 17, 0))
    swept = worker.sla_sweep.delay(kst(2026, 11, 23, 12, 1).isoformat()).get()
    assert [(e["clock"], e["level"]) for e in swept] == [("first_response", "breached")]
    assert datetime.fromisoformat(swept[0]["due_at"]) == kst(2026, 11, 23, 12, 0)
    assert worker.sla_sweep.delay(kst(2026, 11, 23, 12, 1).isoformat()).get() == []
    with pytest.raises(ValueError):
        worker.sla_sweep.delay("2026-11-23T12:01:00").get()

    with Receiver(failures=1) as receiver:
        with sessions() as session, session.begin():
            service.create_subscription(session, receiver.url, ["sla_breached"], secret=SECRET)
        enqueue_all(sessions, {"sla_breached"})
        now = utcnow()
        first = worker.deliver_webhooks.delay(now.isoformat()).get()
        assert len(first["retrying"]) == 1
        second = worker.deliver_webhooks.delay((now + timedelta(seconds=30)).isoformat()).get()
        assert second["delivered"] == first["retrying"]
        assert [r["valid"] for r in receiver.wait_for(2)] == [True, True]


def test_embedded_scheduler_sweeps_and_delivers_on_its_own(sqlite_db: tuple[str, sessionmaker[Session]]) -> None:
    _url, sessions = sqlite_db
    # Filed on a Friday in 2026: by the time this runs its first-response deadline is long past.
    case_id = file_case(sessions, kst(2026, 11, 20, 17, 0))
    with Receiver(failures=0) as receiver:
        with sessions() as session, session.begin():
            service.create_subscription(session, receiver.url, ["received"], secret=SECRET)
        enqueue_all(sessions, {"received"})
        scheduler = worker.start_embedded_scheduler(sessions, interval_seconds=0.2, delivery_interval_seconds=0.1)
        try:
            request = receiver.wait_for(1)[0]
            assert request["valid"] and json.loads(request["body"])["kind"] == "received"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                with sessions() as session:
                    kinds = set(session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)))
                if "sla_breached" in kinds:
                    break
                time.sleep(0.1)
            assert {"sla_breached", "escalated"} <= kinds
            assert scheduler.running
        finally:
            scheduler.stop()
        assert not scheduler.running and scheduler.sweeps >= 1
    assert delivery_states(sessions) == ["delivered"]


# ---------------------------------------------------------------- real brokers


def broker_unreachable(url: str) -> str | None:
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:  # any failure means: no such broker on this machine
        return f"broker {url} not reachable ({type(exc).__name__}: {exc}); set MINWON_TEST_REDIS_URL / MINWON_TEST_AMQP_URL"
    return None


class WorkerProcess:
    """`celery -A minwon.worker worker --pool=solo` on its own queue, as a real subprocess."""

    def __init__(self, broker: str, database_url: str, workdir: Path, beat: bool = False, extra_env: dict[str, str] | None = None) -> None:
        self.broker = broker
        self.queue = f"minwon-test-{uuid.uuid4().hex[:10]}"
        self.log = workdir / f"{self.queue}.log"
        env = {
            **os.environ,
            "MINWON_BROKER_URL": broker,
            "MINWON_DATABASE_URL": database_url,
            "MINWON_CELERY_QUEUE": self.queue,
            "MINWON_VAR_DIR": str(workdir / "var"),
            **(extra_env or {}),
        }
        command = [str(CELERY), "-A", "minwon.worker", "worker", "--pool=solo", "--loglevel=INFO", "-Q", self.queue,
                   "-n", f"{self.queue}@%h", "--without-gossip", "--without-mingle"]  # fmt: skip
        if beat:
            command += ["-B", "-s", str(workdir / f"{self.queue}-beat")]
        self.client = worker.make_celery(broker, queue=self.queue)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT)

    def call(self, task: str, *args: object) -> object:
        try:
            return self.client.send_task(task, args=list(args), queue=self.queue).get(timeout=120)
        except Exception as exc:
            raise AssertionError(f"{task} failed: {exc}\n--- worker log ---\n{self.output()[-4000:]}") from exc

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        try:
            with self.client.connection_for_write() as connection:
                connection.default_channel.queue_delete(self.queue)
        except Exception:
            pass  # the queue is gone already, or the broker cleans it up itself
        self.client.close()


@pytest.fixture(params=sorted(BROKERS))
def broker(request: pytest.FixtureRequest) -> str:
    url = BROKERS[request.param]
    reason = broker_unreachable(url)
    if reason:
        pytest.skip(reason)
    return url


def test_celery_worker_imports_sweeps_and_delivers(broker: str, tmp_path: Path) -> None:
    with fresh_database("sqlite", tmp_path) as (url, sessions), Receiver(failures=1) as receiver:
        with sessions() as session, session.begin():
            service.create_subscription(session, receiver.url, ["received", "sla_breached"], secret=SECRET)
        process = WorkerProcess(broker, url, tmp_path)
        try:
            imported = process.call("minwon.import_batch", PAYLOADS)
            assert isinstance(imported, dict)
            assert len(imported["imported"]) == 2 and imported["errors"][0]["index"] == 2
            with sessions() as session:
                numbers = set(session.scalars(select(Case.number)))
            assert numbers == {r["case_number"] for r in imported["imported"]}

            friday = file_case(sessions, kst(2026, 11, 20, 17, 0))
            swept = process.call("minwon.sla_sweep", kst(2026, 11, 23, 12, 1).isoformat())
            assert isinstance(swept, list)
            assert [(e["case_id"], e["clock"], e["level"]) for e in swept] == [(friday, "first_response", "breached")]
            assert process.call("minwon.sla_sweep", kst(2026, 11, 23, 12, 1).isoformat()) == []

            enqueue_all(sessions, {"received", "sla_breached"})
            assert delivery_states(sessions) == ["pending"] * 4
            now = utcnow()
            first = process.call("minwon.deliver_webhooks", now.isoformat())
            assert isinstance(first, dict) and len(first["delivered"]) == 3 and len(first["retrying"]) == 1
            second = process.call("minwon.deliver_webhooks", (now + timedelta(seconds=30)).isoformat())
            assert isinstance(second, dict) and second["delivered"] == first["retrying"]
            assert delivery_states(sessions) == ["delivered"] * 4
            requests = receiver.wait_for(5)
            assert all(r["valid"] for r in requests)
            assert sorted(json.loads(r["body"])["kind"] for r in requests[1:]) == ["received", "received", "received", "sla_breached"]
            log = process.output()
            assert "Task minwon.sla_sweep" in log and "Task minwon.deliver_webhooks" in log
        finally:
            process.stop()


def test_celery_beat_drives_the_sweep_and_the_deliveries(broker: str, tmp_path: Path) -> None:
    with fresh_database("sqlite", tmp_path) as (url, sessions), Receiver(failures=0) as receiver:
        with sessions() as session, session.begin():
            service.create_subscription(session, receiver.url, ["received"], secret=SECRET)
        case_id = file_case(sessions, kst(2026, 11, 20, 17, 0))
        enqueue_all(sessions, {"received"})
        process = WorkerProcess(
            broker, url, tmp_path, beat=True, extra_env={"MINWON_SLA_SWEEP_SECONDS": "1", "MINWON_WEBHOOK_SECONDS": "1"}
        )
        try:
            try:
                request = receiver.wait_for(1, limit=120)[0]
            except AssertionError as exc:
                raise AssertionError(f"{exc}\n--- worker log ---\n{process.output()[-4000:]}") from exc
            assert request["valid"]
            deadline = time.monotonic() + 120
            kinds: set[str] = set()
            while time.monotonic() < deadline and "sla_breached" not in kinds:
                with sessions() as session:
                    kinds = set(session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)))
                time.sleep(0.2)
            assert "sla_breached" in kinds, process.output()[-4000:]
        finally:
            process.stop()
