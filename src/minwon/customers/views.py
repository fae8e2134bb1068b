"""Identity without a 주민등록번호: phone number + birth date + a one-time code."""

from __future__ import annotations

import secrets
from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from minwon.accounts.models import User
from minwon.accounts.service import NewUser, create_user, issue_token
from minwon.customers.service import LogSender, request_code, verify_code
from minwon.db import utcnow
from minwon.web.deps import SessionDep, SettingsDep, committing

router = APIRouter(prefix="/api/v1/identity", tags=["identity"])
sender = LogSender()


class IdentityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone: str = Field(min_length=9, max_length=20, description="휴대전화 번호")
    birth_date: date = Field(description="생년월일 (YYYY-MM-DD). 주민등록번호는 받지 않습니다.")


class VerifyIn(IdentityIn):
    code: str = Field(min_length=6, max_length=6, pattern=r"^\d{6}$")


@router.post("/code", status_code=202, summary="인증번호 요청")
def send_code(body: IdentityIn, session: SessionDep, settings: SettingsDep) -> dict[str, str]:
    with committing(session):
        request_code(session, body.phone, body.birth_date, settings.secret_key, sender, utcnow())
    # The same answer whether or not the number is ours: the API does not confirm customers.
    return {"message": "등록된 번호라면 인증번호 6자리를 문자로 보냈습니다. 5분 안에 입력해 주세요."}


@router.post("/verify", summary="인증번호 확인 (고객 토큰 발급)")
def verify(body: VerifyIn, session: SessionDep, settings: SettingsDep) -> dict[str, str]:
    with committing(session):
        customer = verify_code(session, body.phone, body.birth_date, body.code, settings.secret_key, utcnow())
        user = session.scalar(select(User).where(User.customer_id == customer.id, User.role == "customer"))
        if user is None:
            user = create_user(
                session,
                NewUser(f"customer-{customer.id}", secrets.token_urlsafe(24), "customer", customer.name, customer_id=customer.id),
            )
    return {"access_token": issue_token(user, settings.secret_key, settings.token_minutes), "token_type": "bearer"}
