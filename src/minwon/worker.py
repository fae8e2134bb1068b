"""Background work: bulk analysis-and-import, SLA sweeps, webhook deliveries.

With ``MINWON_BROKER_URL`` set (``redis://…`` or ``amqp://…``) the tasks run on Celery
workers and Celery beat drives the timers::

    celery -A minwon.worker worker --loglevel=info      # one or more
    celery -A minwon.worker beat                        # exactly one

Without it the Celery app is eager (``.delay()`` runs in the calling process) and the
web service drives the timers itself with :func:`start_embedded_scheduler`.

Environment: ``MINWON_DATABASE_URL`` (the worker uses the schema the API migrated),
``MINWON_CELERY_QUEUE`` (default ``minwon``), ``MINWON_RESULT_BACKEND`` (default: the
Redis broker itself, ``rpc://`` for AMQP), ``MINWON_SLA_SWEEP_SECONDS`` (60),
``MINWON_WEBHOOK_SECONDS`` (10), ``MINWON_SLA_SECOND_LEVEL`` (business time from a breach
to the second-level escalation, default ``8h`` = one business day).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from celery import Celery
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

import minwon.models  # noqa: F401  (every table, so that foreign keys resolve in a bare worker)
from minwon.accounts.models import User
from minwon.cases.service import CaseError, ComplaintInput, open_complaint
from minwon.db import make_engine, session_factory, utcnow
from minwon.sla.policies import parse_duration
from minwon.sla.sweeper import SECOND_LEVEL_AFTER, Escalation, run_sweep
from minwon.webhooks.service import DeliveryReport, deliver_due

log = logging.getLogger("minwon.worker")
_factories: dict[str, sessionmaker[Session]] = {}
_factories_lock = threading.Lock()


def _float_env(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def second_level_after() -> timedelta:
    value = os.environ.get("MINWON_SLA_SECOND_LEVEL")
    return parse_duration(value) if value else SECOND_LEVEL_AFTER


def database_sessions() -> sessionmaker[Session]:
    """Sessions on MINWON_DATABASE_URL (read at call time, so one worker serves what it is pointed at)."""
    url = os.environ.get("MINWON_DATABASE_URL")
    if not url:
        from minwon.config import get_settings

        url = get_settings().database_url
    with _factories_lock:
        if url not in _factories:
            _factories[url] = session_factory(make_engine(url))
        return _factories[url]


def make_celery(broker: str | None = None, queue: str | None = None) -> Celery:
    """The Celery app on *broker*; eager (in-process) when there is none."""
    celery = Celery("minwon")
    if broker:
        backend = os.environ.get("MINWON_RESULT_BACKEND") or (broker if broker.startswith(("redis://", "rediss://")) else "rpc://")
        celery.conf.update(broker_url=broker, result_backend=backend, task_always_eager=False)
    else:
        celery.conf.update(broker_url="memory://", result_backend=None, task_always_eager=True, task_eager_propagates=True)
    celery.conf.update(
        task_default_queue=queue or os.environ.get("MINWON_CELERY_QUEUE", "minwon"),
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        timezone="Asia/Seoul",
        enable_utc=True,
        # A task lost with a crashed worker is run again: every task here is idempotent.
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        beat_schedule={
            "sla-sweep": {"task": "minwon.sla_sweep", "schedule": _float_env("MINWON_SLA_SWEEP_SECONDS", 60.0)},
            "webhook-deliveries": {"task": "minwon.deliver_webhooks", "schedule": _float_env("MINWON_WEBHOOK_SECONDS", 10.0)},
        },
    )
    return celery


app = make_celery(os.environ.get("MINWON_BROKER_URL") or None)


def _instant(value: str | None) -> datetime:
    if value is None:
        return utcnow()
    instant = datetime.fromisoformat(value)
    if instant.tzinfo is None:
        raise ValueError(f"now must carry a time zone: {value}")
    return instant


def _escalation_dict(escalation: Escalation) -> dict[str, Any]:
    record = asdict(escalation)
    record["due_at"] = escalation.due_at.isoformat() if escalation.due_at else None
    return record


def import_one(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    username = payload.get("submitted_by")
    user = session.scalar(select(User).where(User.username == username)) if username else None
    if user is None:
        raise CaseError("unknown_user", f"접수자(submitted_by)를 찾을 수 없습니다: {username}")
    result = open_complaint(
        session,
        ComplaintInput(
            text=str(payload["text"]),
            channel=str(payload.get("channel", "import")),
            submitted_by=user,
            customer_id=payload.get("customer_id"),
            product=payload.get("product"),
            region=payload.get("region"),
            idempotency_key=payload.get("idempotency_key"),
        ),
    )
    return {"case_number": result.case.number, "created": result.created, "linked": result.linked, "replayed": result.replayed}


@app.task(name="minwon.import_batch")
def import_batch(payloads: list[dict[str, Any]]) -> dict[str, Any]:
    """Analyse and store each complaint (``text``, ``submitted_by`` username, optional
    ``channel`` — default ``import`` —, ``customer_id``, ``product``, ``region``,
    ``idempotency_key``), one transaction each, so one bad document costs only itself."""
    sessions = database_sessions()
    imported: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for index, payload in enumerate(payloads):
        try:
            with sessions() as session, session.begin():
                imported.append({"index": index, **import_one(session, payload)})
        except (CaseError, KeyError, TypeError, ValueError, IntegrityError) as exc:
            reason = str(exc) if isinstance(exc, CaseError) else f"{type(exc).__name__}: {exc}"
            errors.append({"index": index, "error": reason})
    return {"imported": imported, "errors": errors}


@app.task(name="minwon.sla_sweep")
def sla_sweep(now: str | None = None) -> list[dict[str, Any]]:
    return [_escalation_dict(e) for e in run_sweep(database_sessions(), _instant(now), second_level_after())]


@app.task(name="minwon.deliver_webhooks")
def deliver_webhooks(now: str | None = None) -> dict[str, list[int]]:
    return deliver_due(database_sessions(), _instant(now)).as_dict()


# ---------------------------------------------------------------- embedded default


class EmbeddedScheduler:
    """The timers of the embedded default: one daemon thread in the web process that sends
    due webhook deliveries every few seconds and sweeps the SLA clocks every interval."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        interval_seconds: float = 60.0,
        delivery_interval_seconds: float = 5.0,
        second_level: timedelta | None = None,
    ) -> None:
        self.sessions = sessions
        self.interval = interval_seconds
        self.delivery_interval = min(delivery_interval_seconds, interval_seconds)
        self.second_level = second_level or second_level_after()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="minwon-scheduler", daemon=True)
        self.sweeps = 0
        self.delivery_rounds = 0

    def start(self) -> EmbeddedScheduler:
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def sweep_now(self, now: datetime | None = None) -> list[Escalation]:
        return run_sweep(self.sessions, now, self.second_level)

    def deliver_now(self, now: datetime | None = None) -> DeliveryReport:
        return deliver_due(self.sessions, now)

    def _guarded(self, work: Callable[[], object]) -> None:
        # A failing round (database busy, receiver misbehaving) must not end the timer.
        try:
            work()
        except Exception:
            log.exception("background round failed; trying again at the next tick")

    def _loop(self) -> None:
        next_sweep = time.monotonic()
        while not self._stop.is_set():
            if time.monotonic() >= next_sweep:
                self._guarded(self.sweep_now)
                self.sweeps += 1
                next_sweep = time.monotonic() + self.interval
            self._guarded(self.deliver_now)
            self.delivery_rounds += 1
            self._stop.wait(self.delivery_interval)


def start_embedded_scheduler(
    app_state_or_session_factory: Any, interval_seconds: float = 60.0, delivery_interval_seconds: float = 5.0
) -> EmbeddedScheduler:
    """Start the in-process timers on ``app.state`` (its ``sessions``) or a session factory."""
    sessions = getattr(app_state_or_session_factory, "sessions", app_state_or_session_factory)
    return EmbeddedScheduler(sessions, interval_seconds, delivery_interval_seconds).start()
