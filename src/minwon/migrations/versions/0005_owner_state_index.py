"""index cases by owner and state (least-loaded routing)

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-23 19:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = ("routing",)
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_owner_state", "cases", ["owner_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_cases_owner_state", table_name="cases")
