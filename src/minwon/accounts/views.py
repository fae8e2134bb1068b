"""Sign-in: OAuth2 password form → bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from minwon.accounts.service import authenticate, issue_token
from minwon.web.deps import SessionDep, SettingsDep, UserDep

router = APIRouter(prefix="/api/v1", tags=["auth"])


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    role: str
    display_name: str


class MeOut(BaseModel):
    username: str
    role: str
    display_name: str


@router.post("/auth/token", response_model=TokenOut, summary="로그인 (토큰 발급)")
def token(form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep, settings: SettingsDep) -> TokenOut:
    user = authenticate(session, form.username, form.password)
    return TokenOut(
        access_token=issue_token(user, settings.secret_key, settings.token_minutes),
        role=user.role,
        display_name=user.display_name,
    )


@router.get("/me", response_model=MeOut, summary="로그인한 계정")
def me(user: UserDep) -> MeOut:
    return MeOut(username=user.username, role=user.role, display_name=user.display_name)
