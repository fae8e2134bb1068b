"""The FastAPI application: API routers, error handling, body limits."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from minwon.accounts import views as account_views
from minwon.cases import merge_views, search_views
from minwon.cases import views as case_views
from minwon.config import Settings, get_settings
from minwon.customers import views as identity_views
from minwon.db import make_engine, migrate, session_factory
from minwon.web import errors
from minwon.webhooks import views as webhook_views
from minwon.worker import start_embedded_scheduler


class BodyLimit:
    """413 for a body over the limit, whether or not Content-Length says so."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            status_code=413, content=errors.error_body("too_large", "요청 본문이 너무 큽니다(최대 1MB). 내용을 나누어 보내 주세요.")
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


def create_app(settings: Settings | None = None, apply_migrations: bool = True) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings.database_url)
    if apply_migrations:
        migrate(engine)
    app = FastAPI(
        title="minwon API",
        description="통신 민원 접수·처리 API. 모든 오류는 한국어 메시지와 기계용 코드를 담은 JSON입니다.",
        version="1.0",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    # Embedded default: SLA sweeps and webhook deliveries on a thread; with a broker, Celery beat does it.
    embedded = apply_migrations and not settings.broker_url
    app.state.scheduler = start_embedded_scheduler(app.state, interval_seconds=60) if embedded else None
    errors.install(app)
    app.include_router(account_views.router)
    app.include_router(identity_views.router)
    app.include_router(search_views.router)
    app.include_router(case_views.router)
    app.include_router(merge_views.router)
    app.include_router(webhook_views.router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/docs")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        return {"status": "ok"}

    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    return app
