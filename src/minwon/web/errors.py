"""Every error is JSON with a machine code and a Korean message that says what to do."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from minwon.accounts.service import AuthError
from minwon.cases.service import CaseError
from minwon.customers.service import IdentityError

log = logging.getLogger("minwon.web")
_STATUS_MESSAGES = {
    400: ("bad_request", "요청을 처리할 수 없습니다."),
    401: ("unauthorized", "로그인이 필요합니다."),
    403: ("forbidden", "이 작업을 할 권한이 없습니다."),
    404: ("not_found", "찾으시는 항목이 없습니다."),
    405: ("method_not_allowed", "허용되지 않는 요청 방식입니다."),
    409: ("conflict", "다른 요청과 충돌했습니다. 잠시 후 다시 시도해 주세요."),
    413: ("too_large", "요청 본문이 너무 큽니다(최대 1MB)."),
    415: ("unsupported_media_type", "JSON 형식(application/json)으로 보내 주세요."),
}
_FIELD_ERRORS = {
    "missing": "필수 항목입니다",
    "string_type": "문자열이어야 합니다",
    "int_type": "정수여야 합니다",
    "int_parsing": "정수여야 합니다",
    "literal_error": "허용되지 않는 값입니다",
    "enum": "허용되지 않는 값입니다",
    "json_invalid": "올바른 JSON이 아닙니다",
    "string_too_short": "내용이 너무 짧습니다",
    "string_too_long": "내용이 너무 깁니다",
    "date_from_datetime_parsing": "날짜 형식(YYYY-MM-DD)이어야 합니다",
    "date_parsing": "날짜 형식(YYYY-MM-DD)이어야 합니다",
    "model_attributes_type": "객체(JSON object)여야 합니다",
    "dict_type": "객체(JSON object)여야 합니다",
    "customer_unknown": "등록된 고객 번호가 아닙니다",
    "greater_than_equal": "값이 너무 작습니다",
    "less_than_equal": "값이 너무 큽니다",
}


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = []
        for error in exc.errors():
            location = ".".join(str(part) for part in error.get("loc", ()) if part != "body") or "본문"
            reason = _FIELD_ERRORS.get(str(error.get("type")), "값이 올바르지 않습니다")
            fields.append({"field": location, "message": f"{location}: {reason}"})
        message = "입력값을 확인해 주세요: " + "; ".join(f["message"] for f in fields)
        return JSONResponse(status_code=422, content=error_body("validation_error", message, fields=fields))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _STATUS_MESSAGES.get(exc.status_code, ("error", "요청을 처리할 수 없습니다."))
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail and not exc.detail.isascii() else message
        return JSONResponse(status_code=exc.status_code, content=error_body(code, detail), headers=exc.headers)

    @app.exception_handler(AuthError)
    async def _auth(_request: Request, exc: AuthError) -> JSONResponse:
        return JSONResponse(
            status_code=401, content=error_body("unauthorized", str(exc)), headers={"WWW-Authenticate": "Bearer"}
        )

    @app.exception_handler(CaseError)
    async def _case(_request: Request, exc: CaseError) -> JSONResponse:
        return JSONResponse(status_code=409, content=error_body(exc.code, str(exc)))

    @app.exception_handler(IdentityError)
    async def _identity(_request: Request, exc: IdentityError) -> JSONResponse:
        return JSONResponse(status_code=422, content=error_body("identity_error", str(exc)))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse(
            status_code=500,
            content=error_body("internal_error", "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요. 접수된 내용은 보존됩니다."),
        )
