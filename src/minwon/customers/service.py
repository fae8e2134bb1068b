"""Customer identity: phone number + birth date, never a 주민등록번호."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from minwon.customers.models import Customer

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
