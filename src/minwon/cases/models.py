"""Cases, the contacts that make them up, and the timeline (the source of truth)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from minwon.db import Base, UTCDateTime, utcnow

STATES = ("received", "assigned", "in_progress", "waiting_customer", "visit_scheduled", "resolved", "closed")
STATE_NAMES_KO = {
    "received": "접수", "assigned": "배정", "in_progress": "처리중", "waiting_customer": "고객응답대기",
    "visit_scheduled": "방문예정", "resolved": "해결", "closed": "종결",
}
CHANNELS = ("web", "agent", "email", "api", "import")
PRIORITIES = ("low", "normal", "high", "urgent")


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    categories: Mapped[list[Any]] = mapped_column(JSON, default=list)
    products: Mapped[list[Any]] = mapped_column(JSON, default=list)
    region: Mapped[str | None] = mapped_column(String(32), index=True)
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    # A cache of the state the timeline implies, kept in the same transaction as the events.
    state: Mapped[str] = mapped_column(String(24), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    repeat_count: Mapped[int] = mapped_column(Integer, default=0)
    transfer_count: Mapped[int] = mapped_column(Integer, default=0)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    churn: Mapped[str] = mapped_column(String(16), default="none")
    anger: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contacts: Mapped[list[Contact]] = relationship(back_populates="case", order_by="Contact.id")
    events: Mapped[list[CaseEvent]] = relationship(back_populates="case", order_by="CaseEvent.id")


class Contact(Base):
    """One complaint as received (a case gathers the repeat contacts of one problem)."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    masked_text: Mapped[str] = mapped_column(Text)
    # Kept for roles that need it; every read is audited (accounts.service.audit).
    raw_text: Mapped[str] = mapped_column(Text)
    analysis: Mapped[dict[str, Any]] = mapped_column(JSON)
    search_tokens: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship(back_populates="contacts")


class CaseEvent(Base):
    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    state_after: Mapped[str | None] = mapped_column(String(24))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    visible_to_customer: Mapped[bool] = mapped_column(default=True)

    case: Mapped[Case] = relationship(back_populates="events")


class IdempotencyRecord(Base):
    """The same Idempotency-Key from the same user always answers with the same case."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(128))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditRecord(Base):
    """Who read unmasked personal data, when, and which."""

    __tablename__ = "audit_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(64))


Index("ix_cases_state_created", Case.state, Case.created_at)
Index("ix_cases_owner_state", Case.owner_id, Case.state)
