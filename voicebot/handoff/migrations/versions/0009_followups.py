"""回访: the satisfaction call after an agent resolves a ticket (one row per ticket).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``followups``."""
    op.create_table(
        "followups",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False,
                  unique=True),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_at", sa.BigInteger, nullable=False),
        sa.Column("last_attempt_at", sa.BigInteger),
        sa.Column("resolution", sa.Text, nullable=False, server_default=""),
        sa.Column("result", sa.String(32)),
        sa.Column("rating", sa.Integer),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_followups_status_next", "followups", ["status", "next_at"])


def downgrade() -> None:
    """Drop ``followups``."""
    op.drop_index("ix_followups_status_next", "followups")
    op.drop_table("followups")
