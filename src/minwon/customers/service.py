"""Customer identity: phone number + birth date, never a 주민등록번호."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from minwon.customers.models import Customer, OneTimeCode

_NOT_DIGITS = re.compile(r"\D")


class IdentityError(ValueError):
    """The identity data given cannot identify a customer; Korean message."""


def normalise_phone(phone: str) -> str:
    digits = _NOT_DIGITS.sub("", phone)
    if digits.startswith("82"):
        digits = "0" + digits[2:]
    if not re.fullmatch(r"0\d{8,10}", digits):
        raise IdentityError("전화번호 형식이 올바르지 않습니다(예: 010-1234-5678).")
    return digits


def phone_hash(phone: str, secret: str) -> str:
    return hmac.new(secret.encode(), normalise_phone(phone).encode(), hashlib.sha256).hexdigest()


def mask_phone(phone: str) -> str:
    digits = normalise_phone(phone)
    return f"{digits[:3]}-****-{digits[-4:]}"


def find_customer(session: Session, phone: str, birth_date: date, secret: str) -> Customer | None:
    customer = session.scalar(select(Customer).where(Customer.phone_hash == phone_hash(phone, secret)))
    if customer is None or customer.birth_date != birth_date:
        return None
    return customer


def register_customer(
    session: Session, name: str, phone: str, birth_date: date, secret: str, region: str | None = None
) -> Customer:
    existing = session.scalar(select(Customer).where(Customer.phone_hash == phone_hash(phone, secret)))
    if existing is not None:
        if existing.birth_date != birth_date:
            raise IdentityError("이미 등록된 전화번호이지만 생년월일이 일치하지 않습니다.")
        return existing
    customer = Customer(
        name=name, phone_hash=phone_hash(phone, secret), phone_masked=mask_phone(phone), birth_date=birth_date, region=region
    )
    session.add(customer)
    session.flush()
    return customer


# ---------------------------------------------------------------- one-time codes

CODE_LIFETIME_MINUTES = 5
MAX_ATTEMPTS = 5
log = logging.getLogger("minwon.identity")


class CodeSender(Protocol):
    def send(self, phone: str, code: str) -> None: ...


class LogSender:
    """Development sender: writes the code to the log instead of an SMS gateway."""

    def send(self, phone: str, code: str) -> None:
        log.warning("인증번호(개발용 로그 발송) %s → %s", mask_phone(phone), code)


def _code_hash(code: str, secret: str) -> str:
    return hmac.new(secret.encode(), code.encode(), hashlib.sha256).hexdigest()


def request_code(session: Session, phone: str, birth_date: date, secret: str, sender: CodeSender, now: datetime) -> bool:
    """Send a code when phone and birth date match a customer; the caller answers the same either way."""
    customer = find_customer(session, phone, birth_date, secret)
    if customer is None:
        return False
    code = f"{secrets.randbelow(1_000_000):06d}"
    session.add(
        OneTimeCode(
            customer_id=customer.id, code_hash=_code_hash(code, secret), created_at=now,
            expires_at=now + timedelta(minutes=CODE_LIFETIME_MINUTES), attempts=0,
        )
    )
    session.flush()
    sender.send(phone, code)
    return True


def verify_code(session: Session, phone: str, birth_date: date, code: str, secret: str, now: datetime) -> Customer:
    customer = find_customer(session, phone, birth_date, secret)
    failure = IdentityError("인증번호가 올바르지 않거나 만료되었습니다. 인증번호를 다시 요청해 주세요.")
    if customer is None:
        raise failure
    pending = session.scalar(
        select(OneTimeCode)
        .where(OneTimeCode.customer_id == customer.id, OneTimeCode.used_at.is_(None))
        .order_by(OneTimeCode.id.desc())
    )
    if pending is None or pending.expires_at < now or pending.attempts >= MAX_ATTEMPTS:
        raise failure
    pending.attempts += 1
    if not hmac.compare_digest(pending.code_hash, _code_hash(code.strip(), secret)):
        session.flush()
        raise failure
    pending.used_at = now
    return customer
