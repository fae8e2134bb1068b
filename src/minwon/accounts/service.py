"""Passwords (argon2), signed bearer tokens, and the accounts themselves."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from minwon.accounts.models import ROLES, Team, User

_hasher = PasswordHasher()


class AuthError(Exception):
    """Bad credentials or token; the message is safe to show (Korean)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def issue_token(user: User, secret: str, minutes: int) -> str:
    payload = _b64(json.dumps({"sub": user.id, "exp": int(time.time()) + minutes * 60}).encode())
    signature = _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{signature}"


def read_token(token: str, secret: str) -> int:
    """The user id in a valid, unexpired token."""
    try:
        payload, signature = token.split(".", 1)
        expected = _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(signature, expected):
            raise AuthError("인증 토큰이 올바르지 않습니다. 다시 로그인해 주세요.")
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, json.JSONDecodeError) as exc:
        raise AuthError("인증 토큰이 올바르지 않습니다. 다시 로그인해 주세요.") from exc
    if int(data.get("exp", 0)) < time.time():
        raise AuthError("로그인이 만료되었습니다. 다시 로그인해 주세요.")
    return int(data["sub"])


def authenticate(session: Session, username: str, password: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not verify_password(user.password_hash, password):
        raise AuthError("아이디 또는 비밀번호가 올바르지 않습니다.")
    return user


@dataclass(frozen=True)
class NewUser:
    username: str
    password: str
    role: str
    display_name: str
    team: str | None = None
    customer_id: int | None = None
    skills: tuple[str, ...] = ("*",)


def ensure_team(session: Session, name: str, display_name: str) -> Team:
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name, display_name=display_name)
        session.add(team)
        session.flush()
    return team


def create_user(session: Session, new: NewUser) -> User:
    if new.role not in ROLES:
        raise ValueError(f"unknown role {new.role!r}")
    team_id = None
    if new.team:
        team = session.scalar(select(Team).where(Team.name == new.team))
        if team is None:
            raise ValueError(f"unknown team {new.team!r}")
        team_id = team.id
    user = User(
        username=new.username,
        password_hash=hash_password(new.password),
        role=new.role,
        display_name=new.display_name,
        team_id=team_id,
        customer_id=new.customer_id,
        skills=list(new.skills),
    )
    session.add(user)
    session.flush()
    return user
