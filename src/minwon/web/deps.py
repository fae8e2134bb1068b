"""Request-scoped dependencies: the database session and the signed-in user."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from minwon.accounts.models import User
from minwon.accounts.service import AuthError, read_token
from minwon.config import Settings

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@contextmanager
def committing(session: Session) -> Iterator[Session]:
    """Commit what the block did, or roll it back on any error. (The session may already
    be in a transaction opened by authentication, so `session.begin()` would not do.)"""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def current_user(session: SessionDep, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2)]) -> User:
    if not token:
        raise AuthError("로그인이 필요합니다. /api/v1/auth/token 에서 토큰을 받으세요.")
    user = session.get(User, read_token(token, settings.secret_key))
    if user is None or not user.active:
        raise AuthError("계정을 찾을 수 없거나 사용이 중지되었습니다.")
    return user


UserDep = Annotated[User, Depends(current_user)]


def require_staff(user: UserDep) -> User:
    if user.role not in ("agent", "supervisor", "admin"):
        raise HTTPException(status_code=403, detail="상담원 이상만 할 수 있는 작업입니다.")
    return user


StaffDep = Annotated[User, Depends(require_staff)]
