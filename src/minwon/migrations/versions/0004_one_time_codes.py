"""one-time codes for customer identity

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-23 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import minwon.db

revision = "0004"
down_revision = "0001"
branch_labels = ("identity",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "one_time_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", minwon.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", minwon.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", minwon.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_one_time_codes_customer_id", "one_time_codes", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_one_time_codes_customer_id", table_name="one_time_codes")
    op.drop_table("one_time_codes")
